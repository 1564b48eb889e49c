"""Lesson 05, classification losses: the paper's Fig. 1 and 2 (cross-entropy against M, L and
their full versions), the margin view of the 0-1 loss's surrogates, the focal loss, and label
smoothing's effect on calibration."""
import numpy as np

from minigrad import losses
from minigrad.calculus import derivatives, sign_changes

from ..plotting import pyplot
from .drawing import constant, probabilities
from .metrics import reliability_bins
from .problems import digits_calibration


def bce_vs_output():
    """Paper Fig. 1: binary cross-entropy against the output p, for y = 0 and y = 1."""
    plt = pyplot()
    p = probabilities()
    fig, ax = plt.subplots(figsize=(6, 4))
    for y, style in ((1, "-"), (0, "--")):
        (value,) = derivatives(
            lambda q: losses.binary_cross_entropy(q, constant(y)(q), reduction="none"), p, order=0)
        ax.plot(p, value, style, label=f"y = {y}:  " + ("−log p" if y else "−log(1 − p)"))
    ax.set(xlabel="output p", ylabel="loss", title="Binary cross-entropy (paper Fig. 1)",
           ylim=(0, 7))
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def _paper_losses(y):
    """Per-output losses of one output p with target ``y`` (0 or 1): the binary cross-entropy
    term and the paper's M, L and their full versions, each on an (n, 1) column."""

    def column(fn, **kwargs):
        return lambda p: fn(p.reshape(-1, 1), constant(float(y))(p.reshape(-1, 1)),
                            reduction="none", **kwargs)
    curves = {"cross-entropy": lambda p: losses.binary_cross_entropy(p, constant(float(y))(p),
                                                                     reduction="none")}
    if y == 1:
        curves.update({"M": column(losses.m_loss), "L": column(losses.l_loss)})
    else:  # the plain M and L are 0 when y = 0: only the full versions penalise this output
        curves.update({"full M": column(losses.m_loss, full=True),
                       "full L": column(losses.l_loss, full=True)})
    return curves


def classification_losses():
    """Paper Fig. 2: cross-entropy against M and L (output of the true class, y = 1), their
    full versions (an output that should be 0), and the slopes |∂loss/∂p| that make M
    stricter than CE everywhere and L stricter only below p ≈ 0.117."""
    plt = pyplot()
    p = probabilities(600, 0.02, 0.98)
    fig, (true_ax, false_ax, slope_ax) = plt.subplots(1, 3, figsize=(16, 4.5))
    slopes = {}
    for name, fn in _paper_losses(1).items():
        value, slope = derivatives(fn, p, order=1)
        slopes[name] = np.abs(slope)
        true_ax.plot(p, value, label=name)
        slope_ax.plot(p, slopes[name], label=name)
    for name, fn in _paper_losses(0).items():
        (value,) = derivatives(fn, p, order=0)
        false_ax.plot(p, value, label=name)
    for x in sign_changes(p, slopes["L"] - slopes["cross-entropy"]):
        slope_ax.axvline(x, color="gray", ls=":")
        slope_ax.annotate(f"p ≈ {x:.3f}: L stricter to the left,\nmore lenient to the right",
                          (x, slopes["L"][np.searchsorted(p, x)]), xytext=(x + 0.08, 40),
                          arrowprops={"arrowstyle": "->"})
    true_ax.set(xlabel="output p of the true class (y = 1)", ylabel="loss", ylim=(0, 6),
                title="y = 1: CE, M, L (paper Fig. 2)")
    false_ax.set(xlabel="output p of a wrong class (y = 0)", ylabel="loss", ylim=(0, 6),
                 title="y = 0: only the full versions penalise it")
    slope_ax.set(xlabel="output p of the true class (y = 1)", ylabel="|∂loss/∂p| (engine)",
                 yscale="log", title="Slopes: M stricter than CE everywhere")
    for ax in (true_ax, false_ax, slope_ax):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def _margin_curves():
    """The surrogates of the 0-1 loss as functions of the margin m (label +1, score m)."""
    ones = constant(1.0)
    return {
        "square (1 − m)²": lambda z: losses.square_loss(z, ones(z), reduction="none"),
        "hinge max(0, 1 − m)": lambda z: losses.hinge_loss(z, ones(z), reduction="none"),
        "logistic log₂(1 + e^−m)": lambda z: losses.logistic_loss(z, ones(z), reduction="none"),
    }


def margin_losses():
    """Seed 003: 0-1, square, hinge and logistic losses against the margin y·f(x)."""
    plt = pyplot()
    m = np.linspace(-2.5, 2.5, 501)
    ones = constant(1.0)
    curves = {"0-1": lambda z: losses.zero_one_loss(z, ones(z), reduction="none"),
              **_margin_curves()}
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for name, fn in curves.items():
        (value,) = derivatives(fn, m, order=0)
        ax.plot(m, value, label=name, drawstyle="steps-mid" if name == "0-1" else "default")
    ax.set(xlabel="margin y·f(x)", ylabel="loss", ylim=(-0.1, 4), title="Margin view (seed 003)")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def margin_slopes():
    """Seed 003's margin view, with cross-entropy added and the engine's slopes.

    Left: cross-entropy of the probability σ(f) as a function of the margin m = y·f(x)
    (labels t = (1 + y)/2) is ln(1 + e^−m): the logistic loss times ln 2 (nats instead of
    bits).  Right: −∂loss/∂m, the push each surrogate gives towards a larger margin: the square
    loss pushes back once m > 1, hinge stops at m = 1, logistic and cross-entropy never stop.
    The 0-1 loss has no slope to draw: its backward raises.
    """
    plt = pyplot()
    m = np.linspace(-2.5, 3.5, 601)
    ones = constant(1.0)
    curves = {**_margin_curves(),
              "cross-entropy ln(1 + e^−m)": lambda z: losses.binary_cross_entropy_with_logits(
                  z, ones(z), reduction="none")}
    fig, (value_ax, slope_ax) = plt.subplots(1, 2, figsize=(12, 4.3))
    (zero_one,) = derivatives(lambda z: losses.zero_one_loss(z, ones(z), reduction="none"), m,
                              order=0)
    value_ax.plot(m, zero_one, color="C0", drawstyle="steps-mid", label="0-1")
    for k, (name, fn) in enumerate(curves.items(), start=1):
        value, slope = derivatives(fn, m, order=1)
        style = "--" if name.startswith("cross") else "-"
        value_ax.plot(m, value, style, color=f"C{k}", label=name)
        slope_ax.plot(m, -slope, style, color=f"C{k}", label=name)
    slope_ax.axhline(0, color="k", lw=0.8)
    value_ax.set(xlabel="margin m = y·f(x)", ylabel="loss", ylim=(-0.1, 4),
                 title="cross-entropy = ln 2 × logistic (seed 003)")
    slope_ax.set(xlabel="margin m = y·f(x)", ylabel="−∂loss/∂m (engine)", ylim=(-3, 3),
                 title="the push towards a larger margin")
    for ax in (value_ax, slope_ax):
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def focal_loss_gammas():
    """Seed 000: the focal loss −(1 − p_t)^γ log p_t for γ ∈ {0, 0.5, 1, 2, 5}."""
    plt = pyplot()
    p = probabilities()
    logits = np.log(p / (1 - p))  # the logit whose sigmoid is p
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for gamma in (0, 0.5, 1, 2, 5):
        (value,) = derivatives(lambda x: losses.sigmoid_focal_loss(
            x, constant(1.0)(x), alpha=-1, gamma=gamma, reduction="none"), logits, order=0)
        ax.plot(p, value, label=f"γ = {gamma}" + (" (cross-entropy)" if gamma == 0 else ""))
    ax.set(xlabel="probability of the true class p_t", ylabel="loss", ylim=(0, 5),
           title="Focal loss down-weights easy examples (seed 000)")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def label_smoothing_calibration(results=None, bins=10):
    """Reliability diagrams of the digits classifier trained with and without label smoothing
    (``results`` of :func:`digits_calibration`, computed when None; the test predictions of
    all seeds pooled): the accuracy of each confidence bin against the diagonal where a
    calibrated model sits, and the histogram of confidences, which smoothing pulls down
    towards 1 − ε + ε/K, the confidence that minimises a smoothed sample's loss."""
    plt = pyplot()
    results = digits_calibration() if results is None else results
    fig, axes = plt.subplots(1, len(results) + 1, figsize=(5.2 * (len(results) + 1), 4.6))
    edges = np.linspace(0, 1, bins + 1)
    for k, (ax, (eps, runs)) in enumerate(zip(axes, results.items())):
        probs, labels = np.concatenate(runs["probs"]), np.concatenate(runs["labels"])
        confidence, accuracy, count = reliability_bins(probs, labels, bins)
        kept = count > 0
        ax.bar(edges[:-1][kept], accuracy[kept], width=1 / bins, align="edge", color=f"C{k}",
               alpha=0.75, edgecolor="k", label="bin accuracy")
        ax.plot(confidence[kept], confidence[kept], "k_", ms=14, mew=2, label="bin confidence")
        ax.plot([0, 1], [0, 1], color="gray", ls=":", label="calibrated")
        for lo, a, n in zip(edges[:-1][kept], accuracy[kept], count[kept]):
            ax.annotate(f"{n}", (lo + 0.5 / bins, min(a, 0.93)), xytext=(0, 3),
                        textcoords="offset points", ha="center", fontsize=7)
        ece = np.array(runs["ece"])
        spread = ece.std(ddof=1) if ece.size > 1 else 0.0
        ax.set(xlabel="confidence (largest probability)", ylabel="accuracy", xlim=(0, 1),
               ylim=(0, 1.05),
               title=f"ε = {eps:g}: accuracy {np.mean(runs['accuracy']):.3f}, mean confidence "
                     f"{np.mean(runs['confidence']):.3f}\nECE {ece.mean():.3f} ± {spread:.3f} "
                     f"over {len(runs['probs'])} seeds")
        ax.legend(fontsize=7, loc="upper left")
        ax.grid(alpha=0.3)
    histogram_ax = axes[-1]
    for k, (eps, runs) in enumerate(results.items()):
        probs = np.concatenate(runs["probs"])
        histogram_ax.hist(probs.max(axis=1), bins=np.linspace(0, 1, 41), alpha=0.55,
                          color=f"C{k}", label=f"ε = {eps:g}")
        if eps > 0:
            target = 1 - eps + eps / probs.shape[1]
            histogram_ax.axvline(target, color=f"C{k}", ls="--",
                                 label=f"1 − ε + ε/K = {target:.2f}")
    histogram_ax.set(xlabel="confidence", ylabel="test predictions (log scale)", yscale="log",
                     title="smoothing pulls the confidences down")
    histogram_ax.legend(fontsize=8, loc="upper left")
    histogram_ax.grid(alpha=0.3)
    fig.suptitle("Digits, test splits of all seeds pooled (numbers on the bars: predictions in "
                 "the bin); a calibrated model's bars reach the diagonal", fontsize=10)
    fig.tight_layout()
    return fig
