"""The figures of the lessons, each a function that returns a matplotlib Figure.

``python -m minigrad figures`` saves every entry of FIGURES into figures/ and writes
figures/README.md from the same table; the lesson notebooks call the same functions, so a
figure is drawn by one piece of code wherever it appears.  Every derivative shown is the
engine's (minigrad.calculus.derivatives), never a hand-written formula.
"""
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .calculus import derivatives, sign_changes
from .tensor import Tensor


@dataclass(frozen=True)
class FigureEntry:
    name: str
    draw: object        # () -> matplotlib.figure.Figure
    lesson: str         # the notebook that shows it
    reproduces: str     # the seed figure or concept it reproduces


def _pyplot():
    import matplotlib
    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _probabilities(n=400, lo=1e-3, hi=1 - 1e-3):
    return np.linspace(lo, hi, n)


def _column(values):
    """A constant target tensor shaped like the (n, 1) probability column the paper losses take."""
    return lambda p: Tensor(np.full(p.shape, values), dtype=p.dtype)


def bce_vs_output():
    """Paper Fig. 1: binary cross-entropy against the output p, for y = 0 and y = 1."""
    from . import losses
    plt = _pyplot()
    p = _probabilities()
    fig, ax = plt.subplots(figsize=(6, 4))
    for y, style in ((1, "-"), (0, "--")):
        (value,) = derivatives(lambda q: losses.binary_cross_entropy(q, _column(y)(q), reduction="none"),
                               p, order=0)
        ax.plot(p, value, style, label=f"y = {y}:  " + ("−log p" if y else "−log(1 − p)"))
    ax.set(xlabel="output p", ylabel="loss", title="Binary cross-entropy (paper Fig. 1)", ylim=(0, 7))
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def _paper_losses(y):
    """Per-output losses of one output p with target ``y`` (0 or 1): the binary cross-entropy
    term and the paper's M, L and their full versions, each on an (n, 1) column."""
    from . import losses

    def column(fn, **kwargs):
        return lambda p: fn(p.reshape(-1, 1), _column(float(y))(p.reshape(-1, 1)),
                            reduction="none", **kwargs)
    curves = {"cross-entropy": lambda p: losses.binary_cross_entropy(p, _column(float(y))(p),
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
    plt = _pyplot()
    p = _probabilities(600, 0.02, 0.98)
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


def _regression_losses():
    from . import losses

    def pointwise(fn, **kwargs):
        return lambda e: fn(e, Tensor(np.zeros(e.shape), dtype=e.dtype), reduction="none", **kwargs)
    return {
        "MSE": pointwise(losses.mse_loss),
        "MAE": pointwise(losses.l1_loss),
        "Huber (δ = 1)": pointwise(losses.huber_loss, delta=1.0),
        "log-cosh": pointwise(losses.log_cosh_loss),
        "SMAE": pointwise(losses.smae_loss),
    }


def regression_losses():
    """Paper Fig. 3: SMAE against MAE, MSE, Huber and log-cosh — values, slopes, curvature."""
    plt = _pyplot()
    e = np.linspace(-5, 5, 801)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    for name, fn in _regression_losses().items():
        for ax, values in zip(axes, derivatives(fn, e, order=2)):
            ax.plot(e, values, label=name, lw=2.2 if name == "SMAE" else 1.3)
    _, _, smae_curvature = derivatives(_regression_losses()["SMAE"], e, order=2)
    for x in sign_changes(e, smae_curvature):
        axes[2].axvline(x, color="gray", ls=":")
    axes[0].set(ylim=(0, 6), title="loss (paper Fig. 3)", xlabel="error e = y − x")
    axes[1].set(ylim=(-2.5, 2.5), title="first derivative (engine)", xlabel="e")
    axes[2].set(ylim=(-0.5, 2.5), title="second derivative (engine): SMAE < 0 beyond |e| ≈ 2.4",
                xlabel="e")
    for ax in axes:
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def _margin_curves():
    """The surrogates of the 0-1 loss as functions of the margin m (label +1, score m)."""
    from . import losses
    ones = _column(1.0)
    return {
        "square (1 − m)²": lambda z: losses.square_loss(z, ones(z), reduction="none"),
        "hinge max(0, 1 − m)": lambda z: losses.hinge_loss(z, ones(z), reduction="none"),
        "logistic log₂(1 + e^−m)": lambda z: losses.logistic_loss(z, ones(z), reduction="none"),
    }


def margin_losses():
    """Seed 003: 0-1, square, hinge and logistic losses against the margin y·f(x)."""
    from . import losses
    plt = _pyplot()
    m = np.linspace(-2.5, 2.5, 501)
    ones = _column(1.0)
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


def focal_loss_gammas():
    """Seed 000: the focal loss −(1 − p_t)^γ log p_t for γ ∈ {0, 0.5, 1, 2, 5}."""
    from . import losses
    plt = _pyplot()
    p = _probabilities()
    logits = np.log(p / (1 - p))  # the logit whose sigmoid is p
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for gamma in (0, 0.5, 1, 2, 5):
        (value,) = derivatives(lambda x: losses.sigmoid_focal_loss(
            x, _column(1.0)(x), alpha=-1, gamma=gamma, reduction="none"), logits, order=0)
        ax.plot(p, value, label=f"γ = {gamma}" + (" (cross-entropy)" if gamma == 0 else ""))
    ax.set(xlabel="probability of the true class p_t", ylabel="loss", ylim=(0, 5),
           title="Focal loss down-weights easy examples (seed 000)")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


FIGURES = [
    FigureEntry("bce_vs_output", bce_vs_output, "lessons/05_classification_losses.ipynb",
                "paper (seed 001) Fig. 1"),
    FigureEntry("classification_losses", classification_losses,
                "lessons/05_classification_losses.ipynb", "paper (seed 001) Fig. 2"),
    FigureEntry("regression_losses", regression_losses, "lessons/04_regression_losses.ipynb",
                "paper (seed 001) Fig. 3"),
    FigureEntry("margin_losses", margin_losses, "lessons/05_classification_losses.ipynb",
                "seed 003: losses against the margin"),
    FigureEntry("focal_loss_gammas", focal_loss_gammas, "lessons/05_classification_losses.ipynb",
                "seed 000: focal loss"),
]


def save_all(directory="figures", names=None):
    """Draw the figures (all, or those in ``names``) into ``directory``; write its README."""
    plt = _pyplot()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in FIGURES:
        if names and entry.name not in names:
            continue
        fig = entry.draw()
        path = directory / f"{entry.name}.png"
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        written.append(path)
    write_index(directory)
    return written


EXPERIMENT_FIGURES = [
    # (figure, the command that writes it, lesson, what it reproduces)
    ("robust_regression_fit", "robust-regression", "lessons/04_regression_losses.ipynb",
     "paper (seed 001) Fig. 4 and Table 1"),
    ("compare_losses_curves", "compare-losses", "lessons/08_paper_comparison.ipynb",
     "paper (seed 001) Tables 2-5, offline analogue"),
    ("rl_learning_curves", "rl", "lessons/07_generative_rl.ipynb",
     "seed 002: TD loss and policy-gradient loss"),
    ("vae_digits", "generative", "lessons/07_generative_rl.ipynb", "seed 000: reconstruction loss"),
    ("gan_toy", "generative", "lessons/07_generative_rl.ipynb", "seed 000: adversarial loss"),
    ("embeddings_digits", "embeddings", "lessons/06_ranking_segmentation.ipynb",
     "seed 000: triplet and contrastive losses"),
    ("segmentation_masks", "segmentation", "lessons/06_ranking_segmentation.ipynb",
     "seed 000: Dice and IoU"),
]
"""Figures that the experiments write (``python -m minigrad <command>``), listed beside the
gallery's in figures/README.md."""


def show(*names, directory="../figures"):
    """Draw the gallery figures ``names`` into ``directory`` and display them (in a notebook).

    Lessons run from lessons/, so ../figures is the repository's figures/ folder."""
    from IPython.display import Image, display
    for path in save_all(directory, names=list(names)):
        display(Image(filename=str(path)))


def write_index(directory="figures"):
    """figures/README.md: every figure, what it reproduces, its lesson and what draws it."""
    rows = [f"| `{e.name}.png` | {e.reproduces} | `{e.lesson}` | `minigrad.gallery.{e.draw.__name__}` |"
            for e in FIGURES]
    rows += [f"| `{name}.png` | {reproduces} | `{lesson}` | `python -m minigrad {command}` |"
             for name, command, lesson, reproduces in EXPERIMENT_FIGURES]
    (Path(directory) / "README.md").write_text(
        "# Figures\n\nRegenerate them all with `python -m minigrad all` (the gallery alone: "
        "`python -m minigrad figures`).\n\n"
        "| figure | reproduces | lesson | drawn by |\n|---|---|---|---|\n" + "\n".join(rows) + "\n")


# --- lessons 02 and 03: the derivation chain and maximum likelihood ----------------------------
def _logistic_sample(n, weights, bias, seed):
    """n points x ~ N(0, I) with labels y ~ Bernoulli(σ(x·weights + bias)), float64 arrays."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, len(weights)))
    p = 1.0 / (1.0 + np.exp(-(x @ np.asarray(weights, dtype=float) + bias)))
    return x, (rng.random(n) < p).astype(np.float64)


def two_weight_problem(n=200, seed=0):
    """Data of a logistic regression with two weights and no bias: (x of shape (n, 2), y).

    The true weights are (2, 0.4): one strong feature and one weak one, so that an L1 penalty
    visibly drives the weak weight to 0 before the strong one.
    """
    return _logistic_sample(n, (2.0, 0.4), 0.0, seed)


PATH_LAMBDAS = (0.0, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0)


def regularization_path(lams=PATH_LAMBDAS, penalty="l2", steps=3000, lr=0.5, n=200, seed=0):
    """Minimisers of J(w) + λ·Ω(w) for each λ in ``lams``, on :func:`two_weight_problem`.

    J is the mean binary cross-entropy of logits x·w; Ω(w) = Σw² ('l2') or Σ|w| ('l1').  All
    λ are solved at once: the rows of a (K, 2) tensor W are independent problems, so the
    engine's gradient of Σₖ [Jₖ(Wₖ) + λₖΩ(Wₖ)] holds each problem's gradient in its row.
    Plain gradient descent with step ``lr``; for 'l1' the step shrinks in the second half of
    the run (as lr/(1 + t'/5)), so that the subgradient's zig-zag around 0 dies out (the
    result is then within about 1e-3 of the exact minimiser).  Returns a (K, 2) float64 array.
    """
    from . import losses
    from .autograd import grad
    if penalty not in ("l1", "l2"):
        raise ValueError(f"penalty: expected 'l1' or 'l2', got {penalty!r}")
    x, y = two_weight_problem(n, seed)
    features = Tensor(x.T, dtype="float64")                       # (2, n)
    targets = Tensor(np.broadcast_to(y, (len(lams), n)).copy(), dtype="float64")
    lam = Tensor(np.asarray(lams, dtype=np.float64), dtype="float64")
    W = Tensor(np.zeros((len(lams), 2)), dtype="float64", requires_grad=True)
    for t in range(steps):
        logits = W @ features                                   # (K, n)
        pointwise = losses.binary_cross_entropy_with_logits(logits, targets, reduction="none")
        risk = pointwise.mean(axis=1)
        omega = (W * W).sum(axis=1) if penalty == "l2" else W.abs().sum(axis=1)
        (g,) = grad((risk + lam * omega).sum(), W)
        late = t - steps // 2
        step = lr if penalty == "l2" or late < 0 else lr / (1.0 + late / 5.0)
        W = Tensor(W.numpy() - step * g.numpy(), dtype="float64", requires_grad=True)
    return W.numpy()


def _risk_on_grid(x, y, w1, w2):
    """J(w) = mean BCE of logits x·w, at every point of the grid w1 × w2 (engine values)."""
    from . import losses
    grid = np.stack(np.meshgrid(w1, w2), axis=-1).reshape(-1, 2)      # (G, 2)
    logits = Tensor(grid, dtype="float64") @ Tensor(x.T, dtype="float64")  # (G, n)
    targets = Tensor(np.broadcast_to(y, logits.shape).copy(), dtype="float64")
    risk = losses.binary_cross_entropy_with_logits(logits, targets, reduction="none").mean(axis=1)
    return risk.numpy().reshape(len(w2), len(w1))


def regularized_risk_paths():
    """Seed 002's regularised risk J(W) + λΩ(W): where its minimiser goes as λ grows, for the
    L2 penalty (all weights shrink together) and the L1 penalty (the weak weight hits 0)."""
    plt = _pyplot()
    x, y = two_weight_problem()
    w1, w2 = np.linspace(-0.5, 2.5, 121), np.linspace(-0.75, 1.25, 81)
    risk = _risk_on_grid(x, y, w1, w2)
    levels = risk.min() + np.array([0.003, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4])
    shown = {"l2": (0.0, 0.03, 0.1, 0.3, 1.0), "l1": (0.0, 0.03, 0.1, 0.2, 0.3)}
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), sharey=True)
    for ax, penalty, name in zip(axes, ("l2", "l1"), ("L2: Ω = Σw²", "L1: Ω = Σ|w|")):
        contours = ax.contour(w1, w2, risk, levels=levels, colors="0.55", linewidths=0.8)
        ax.clabel(contours, fontsize=7, fmt="%.3f")
        path = regularization_path(PATH_LAMBDAS, penalty)
        ax.plot(path[:, 0], path[:, 1], "o-", color="C3", ms=4, label="minimiser for λ in " +
                ", ".join(f"{lam:g}" for lam in PATH_LAMBDAS))
        for k, (lam, (a, b)) in enumerate(zip(PATH_LAMBDAS, path)):
            if lam in shown[penalty]:
                ax.annotate(f"λ = {lam:g}", (a, b), xytext=(4, 10 if k % 2 else -16),
                            textcoords="offset points", fontsize=9, color="C3")
        ax.axhline(0, color="C0", lw=0.8)
        ax.axvline(0, color="C0", lw=0.8)
        ax.set(xlabel="w₁ (strong feature)", title=f"minimiser of J(w) + λΩ(w), {name}",
               xlim=(w1[0], w1[-1]), ylim=(w2[0], w2[-1]))
        ax.legend(loc="upper left", fontsize=8)
        ax.set_aspect("equal")
    axes[0].set_ylabel("w₂ (weak feature)")
    fig.suptitle("Grey contours: the empirical risk J(w) (mean BCE) of a logistic regression "
                 "on 200 points; red: the minimiser of J(w) + λΩ(w)", fontsize=10)
    fig.tight_layout()
    return fig


def coin_flips(n=50, theta=0.3, seed=0):
    """n Bernoulli(θ) draws (float64 zeros and ones): the data of the simplest likelihood."""
    return (np.random.default_rng(seed).random(n) < theta).astype(np.float64)


def logistic_likelihood_surface(n=100, weight=1.5, bias=-0.5, seed=0, steps=500, lr=1.0):
    """The log-likelihood of a one-feature logistic regression over a grid of (w, b), and the
    minimiser of the mean binary cross-entropy found by gradient descent with the engine.

    Returns a dict: x, y (the data), w, b (grid axes), loglik (mean log-likelihood ℓ/n on the
    grid, shape (len(b), len(w))), grid_argmax (w, b), bce_argmin (w, b), truth (w, b).
    """
    from . import losses
    from .autograd import grad
    x, y = _logistic_sample(n, (weight,), bias, seed)
    x = x[:, 0]
    w, b = np.linspace(-0.5, 3.5, 161), np.linspace(-2.0, 1.0, 121)
    W, B = np.meshgrid(w, b)
    logits = Tensor(W[..., None] * x + B[..., None], dtype="float64")  # (len(b), len(w), n)
    targets = Tensor(np.broadcast_to(y, logits.shape).copy(), dtype="float64")
    p = logits.sigmoid()
    loglik = (targets * p.log() + (1 - targets) * (1 - p).log()).mean(axis=-1).numpy()
    row, col = np.unravel_index(np.argmax(loglik), loglik.shape)

    params = Tensor(np.zeros(2), dtype="float64", requires_grad=True)
    xs, ys = Tensor(x, dtype="float64"), Tensor(y, dtype="float64")
    for _ in range(steps):
        bce = losses.binary_cross_entropy_with_logits(params[0] * xs + params[1], ys)
        (g,) = grad(bce, params)
        params = Tensor(params.numpy() - lr * g.numpy(), dtype="float64", requires_grad=True)
    return {"x": x, "y": y, "w": w, "b": b, "loglik": loglik,
            "grid_argmax": (w[col], b[row]), "bce_argmin": tuple(params.numpy()),
            "truth": (weight, bias)}


def mle_bce():
    """Maximum likelihood is minimum binary cross-entropy: for coin flips (left, the maximum
    at the sample mean) and for a logistic regression (right, the BCE minimiser found by
    gradient descent sits on the likelihood's maximum)."""
    from . import losses
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6))

    flips = coin_flips()
    theta = np.linspace(0.01, 0.99, 393)

    def mean_loglik(t):  # (1/n) Σᵢ yᵢ log θ + (1 - yᵢ) log(1 - θ), at each θ of the grid
        return flips.mean() * t.log() + (1 - flips.mean()) * (1 - t).log()

    def bce(t):          # the mean BCE of predicting θ for every flip
        return losses.binary_cross_entropy(
            t.reshape(-1, 1).broadcast_to((t.shape[0], flips.size)),
            Tensor(np.broadcast_to(flips, (t.shape[0], flips.size)).copy(), dtype=t.dtype),
            reduction="none").mean(axis=1)
    (loglik,) = derivatives(mean_loglik, theta, order=0)
    bce_values, bce_slope = derivatives(bce, theta, order=1)
    left.plot(theta, loglik, label="mean log-likelihood ℓ(θ)/n")
    left.plot(theta, bce_values, "--", label="mean BCE = −ℓ(θ)/n")
    for x in sign_changes(theta, bce_slope):
        left.axvline(x, color="gray", ls=":")
        left.annotate(f"dBCE/dθ = 0 at θ ≈ {x:.3f}\nsample mean ȳ = {flips.mean():.3f}",
                      (x, -1.5), xytext=(x + 0.08, -2.6), arrowprops={"arrowstyle": "->"})
    left.set(xlabel="θ = P(y = 1)", ylim=(-4, 4), title=f"{flips.size} coin flips, "
             f"{int(flips.sum())} ones: one curve is the other upside down")
    left.legend(loc="upper left")
    left.grid(alpha=0.3)

    s = logistic_likelihood_surface()
    levels = np.quantile(s["loglik"], np.linspace(0.05, 0.995, 14))
    contours = right.contour(s["w"], s["b"], s["loglik"], levels=levels, cmap="viridis")
    right.clabel(contours, fontsize=7, fmt="%.2f")
    right.plot(*s["grid_argmax"], "o", ms=11, mfc="none", mec="k",
               label="maximum of ℓ on the grid")
    right.plot(*s["bce_argmin"], "x", ms=9, mew=2, color="C3",
               label="minimum of BCE (gradient descent)")
    right.plot(*s["truth"], "+", ms=11, mew=2, color="C0", label="parameters that made the data")
    right.set(xlabel="weight w", ylabel="bias b",
              title=f"logistic regression, {len(s['x'])} points: contours of ℓ(w, b)/n")
    right.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig


FIGURES.extend([
    FigureEntry("regularized_risk_paths", regularized_risk_paths,
                "lessons/02_derivation_chain.ipynb",
                "seed 002: regularised risk J(W) + λΩ(W), L2 against L1"),
    FigureEntry("mle_bce", mle_bce, "lessons/03_mle_bce.ipynb",
                "seeds 000/002: BCE derived from the Bernoulli likelihood"),
])


# --- lessons 04 and 05: regression and classification losses -----------------------------------
HUBER_DELTAS = (0.25, 0.5, 1.0, 2.0, 4.0)


def _against_zero(fn, **kwargs):
    """A regression loss as a function of the error e alone: fn(e, 0), pointwise."""
    return lambda e: fn(e, Tensor(np.zeros(e.shape), dtype=e.dtype), reduction="none", **kwargs)


def huber_delta_sweep(deltas=HUBER_DELTAS):
    """Huber for several δ (values and engine slopes), and smooth L1 for the same β.

    Huber is ½e² inside |e| ≤ δ and grows like δ|e| outside: its slope is e clipped to ±δ, so
    δ is the largest pull one point can exert.  Smooth L1 with β = δ is Huber divided by β: the
    same shape, rescaled so that its slope is always capped at 1 (the MAE's) and only the width
    of the quadratic zone changes.  β = δ = 1 makes the two one function.
    """
    from . import losses
    plt = _pyplot()
    e = np.linspace(-5, 5, 1001)
    fig, (value_ax, slope_ax, smooth_ax) = plt.subplots(1, 3, figsize=(16, 4.5))
    for k, delta in enumerate(deltas):
        value, slope = derivatives(_against_zero(losses.huber_loss, delta=delta), e, order=1)
        (smooth,) = derivatives(_against_zero(losses.smooth_l1_loss, beta=delta), e, order=0)
        label = f"δ = {delta:g}"
        value_ax.plot(e, value, color=f"C{k}", label=label)
        slope_ax.plot(e, slope, color=f"C{k}", label=label)
        smooth_ax.plot(e, smooth, color=f"C{k}", label=f"β = {delta:g}")
    (half_square,) = derivatives(lambda t: 0.5 * _against_zero(losses.mse_loss)(t), e, order=0)
    (absolute,) = derivatives(_against_zero(losses.l1_loss), e, order=0)
    value_ax.plot(e, half_square, "k:", lw=1, label="½e² (δ → ∞)")
    for ax in (value_ax, smooth_ax):
        ax.plot(e, absolute, "k--", lw=1, label="|e| (β → 0)" if ax is smooth_ax else "|e|")
    slope_ax.plot(e, e, "k:", lw=1, label="e (slope of ½e²)")
    value_ax.set(xlabel="error e", ylabel="loss", ylim=(0, 8),
                 title="Huber: quadratic inside |e| ≤ δ, linear outside")
    slope_ax.set(xlabel="error e", ylabel="∂loss/∂e (engine)", ylim=(-4.5, 4.5),
                 title="Huber's slope is e clipped to ±δ")
    smooth_ax.set(xlabel="error e", ylabel="loss", ylim=(0, 5),
                  title="smooth L1 = Huber(δ = β) / β: slope capped at 1")
    for ax in (value_ax, slope_ax, smooth_ax):
        ax.legend(fontsize=8, loc="upper center", ncol=2)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def smae_asymptotes():
    """SMAE against ½e² near 0 and against |e| far away, beside Huber (δ = 1) and log-cosh.

    Left: each loss divided by ½e², which tends to 1 for all three as e → 0.  Right: the gap
    |e| − loss, which tends to ½ (Huber), log 2 (log-cosh) and 0 (SMAE, exponentially fast):
    only SMAE becomes the absolute error with no offset.
    """
    from . import losses
    plt = _pyplot()
    curves = {"Huber (δ = 1)": _against_zero(losses.huber_loss, delta=1.0),
              "log-cosh": _against_zero(losses.log_cosh_loss),
              "SMAE": _against_zero(losses.smae_loss)}
    colors = {"Huber (δ = 1)": "C2", "log-cosh": "C3", "SMAE": "C4"}
    near = np.linspace(0.01, 3, 300)
    far = np.linspace(0, 15, 601)
    fig, (near_ax, far_ax) = plt.subplots(1, 2, figsize=(12, 4.3))
    for name, fn in curves.items():
        (value,) = derivatives(fn, near, order=0)
        near_ax.plot(near, value / (0.5 * near ** 2), color=colors[name], label=name,
                     lw=2.2 if name == "SMAE" else 1.3)
        (value,) = derivatives(fn, far, order=0)
        far_ax.plot(far, np.abs(far) - value, color=colors[name], label=name,
                    lw=2.2 if name == "SMAE" else 1.3)
    for level, text in ((0.5, "½"), (np.log(2), "log 2"), (0.0, "0")):
        far_ax.axhline(level, color="gray", ls=":", lw=0.8)
        far_ax.annotate(text, (15, level), xytext=(3, 2), textcoords="offset points", fontsize=9)
    near_ax.axhline(1, color="gray", ls=":", lw=0.8)
    near_ax.set(xlabel="error e", ylabel="loss / (½e²)", ylim=(0, 1.1),
                title="near 0: all three are ≈ ½e²")
    far_ax.set(xlabel="error e", ylabel="|e| − loss", xlim=(0, 16.5), ylim=(-0.05, 0.8),
               title="far away: only SMAE reaches |e| (no offset)")
    for ax in (near_ax, far_ax):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def margin_slopes():
    """Seed 003's margin view, with cross-entropy added and the engine's slopes.

    Left: cross-entropy of the probability σ(f) as a function of the margin m = y·f(x)
    (labels t = (1 + y)/2) is ln(1 + e^−m): the logistic loss times ln 2 (nats instead of
    bits).  Right: −∂loss/∂m, the push each surrogate gives towards a larger margin: the square
    loss pushes back once m > 1, hinge stops at m = 1, logistic and cross-entropy never stop.
    The 0-1 loss has no slope to draw: its backward raises.
    """
    from . import losses
    plt = _pyplot()
    m = np.linspace(-2.5, 3.5, 601)
    ones = _column(1.0)
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


CALIBRATION_EPSILONS = (0.0, 0.1)
CALIBRATION_SEEDS = (0, 1, 2)


def train_digits_classifier(label_smoothing=0.0, seed=0, hidden=64, epochs=30, lr=1e-2,
                            batch_size=64):
    """A softmax classifier (64 → ``hidden`` → 10, ReLU; no hidden layer when ``hidden`` is 0)
    trained on scikit-learn's digits with cross_entropy(label_smoothing=ε) and Adam.

    ``seed`` fixes the train/test split, the initialisation and the batches.  Returns
    (test probabilities of shape (n_test, 10), test labels, training accuracy), NumPy arrays.
    """
    from . import losses, nn
    from .autograd import no_grad
    from .creation import manual_seed
    from .data import DataLoader, TensorDataset, load_digits
    from .functional import softmax
    from .optim import Adam
    from .train import accuracy, fit
    manual_seed(seed)
    data = load_digits(seed=seed)
    if hidden:
        model = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))
    else:
        model = nn.Linear(64, 10)
    loader = DataLoader(TensorDataset(data.x_train, data.y_train), batch_size=batch_size,
                        shuffle=True)
    fit(model, lambda out, y: losses.cross_entropy(out, y, label_smoothing=label_smoothing),
        Adam(model.parameters(), lr=lr), loader, epochs=epochs, progress=False)
    model.eval()
    with no_grad():
        probs = softmax(model(data.x_test), axis=1).numpy().astype(np.float64)
        train_accuracy = accuracy(model(data.x_train), data.y_train)
    return probs, data.y_test.numpy(), train_accuracy


def reliability_bins(probs, labels, bins=10):
    """Predictions grouped by their confidence (the largest probability) into ``bins`` equal
    bins of [0, 1]: (mean confidence, accuracy, count) of each bin, NaN where empty."""
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    which = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)  # (lo, hi] bins
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.bincount(which, confidence, bins) / count
        accuracy = np.bincount(which, correct.astype(float), bins) / count
    return mean_confidence, accuracy, count


def expected_calibration_error(probs, labels, bins=10):
    """ECE = Σ_b (n_b / n)·|accuracy_b − confidence_b| over equal-width confidence bins."""
    confidence, accuracy, count = reliability_bins(probs, labels, bins)
    kept = count > 0
    return float(np.sum(count[kept] / count.sum() * np.abs(accuracy[kept] - confidence[kept])))


def digits_calibration(epsilons=CALIBRATION_EPSILONS, seeds=CALIBRATION_SEEDS, **training):
    """Train :func:`train_digits_classifier` once per ε and seed; measure on the test split.

    Returns {ε: {"probs": [per seed], "labels": [per seed], and per-seed lists "accuracy",
    "confidence" (mean largest probability), "ece", "nll" (mean −log p of the true class),
    "train_accuracy"}}.
    """
    results = {}
    for eps in epsilons:
        runs = {key: [] for key in ("probs", "labels", "accuracy", "confidence", "ece", "nll",
                                    "train_accuracy")}
        for seed in seeds:
            probs, labels, train_accuracy = train_digits_classifier(eps, seed, **training)
            runs["probs"].append(probs)
            runs["labels"].append(labels)
            runs["accuracy"].append(float(np.mean(probs.argmax(axis=1) == labels)))
            runs["confidence"].append(float(probs.max(axis=1).mean()))
            runs["ece"].append(expected_calibration_error(probs, labels))
            runs["nll"].append(float(-np.log(probs[np.arange(len(labels)), labels]).mean()))
            runs["train_accuracy"].append(train_accuracy)
        results[eps] = runs
    return results


def label_smoothing_calibration(results=None, bins=10):
    """Reliability diagrams of the digits classifier trained with and without label smoothing
    (``results`` of :func:`digits_calibration`, computed when None; the test predictions of
    all seeds pooled): the accuracy of each confidence bin against the diagonal where a
    calibrated model sits, and the histogram of confidences, which smoothing pulls down
    towards 1 − ε + ε/K, the confidence that minimises a smoothed sample's loss."""
    plt = _pyplot()
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


FIGURES.extend([
    FigureEntry("huber_delta_sweep", huber_delta_sweep, "lessons/04_regression_losses.ipynb",
                "seed 000: Huber's δ (and smooth L1 = Huber/β)"),
    FigureEntry("smae_asymptotes", smae_asymptotes, "lessons/04_regression_losses.ipynb",
                "paper (seed 001): SMAE ≈ e²/2 near 0 and ≈ the absolute error far away, "
                "with no offset"),
    FigureEntry("margin_slopes", margin_slopes, "lessons/05_classification_losses.ipynb",
                "seed 003: cross-entropy in the margin view, and each surrogate's slope"),
    FigureEntry("label_smoothing_calibration", label_smoothing_calibration,
                "lessons/05_classification_losses.ipynb",
                "seed 000: label smoothing and calibration (digits)"),
])


# --- lessons 06, 07 and 08: ranking and segmentation, generative and RL, the paper read ---------
def _along(t, direction):
    """The points t·direction for a 1-D tensor t: an (n, len(direction)) tensor, on the engine."""
    return t.reshape(-1, 1) * Tensor(np.asarray([direction], dtype=np.float64), dtype=t.dtype)


def contrastive_of_distance(y, margin=1.0):
    """The contrastive loss of a pair at distance d, as an elementwise function of a grid of d
    (the pair (d, 0), (0, 0) in the plane; y = 1 similar, 0 dissimilar)."""
    from . import losses

    def fn(d):
        x1 = _along(d, (1.0, 0.0))
        x2 = Tensor(np.zeros((d.shape[0], 2)), dtype=d.dtype)
        return losses.contrastive_loss(x1, x2, Tensor(np.full(d.shape, float(y)), dtype=d.dtype),
                                       margin=margin, reduction="none")
    return fn


def triplet_of_gap(margin=1.0, d_ap=1.0):
    """The triplet loss as an elementwise function of the gap g = d(a, n) − d(a, p): the anchor
    at the origin, the positive at distance ``d_ap``, the negative at distance d_ap + g."""
    from . import losses

    def fn(g):
        n = g.shape[0]
        anchor = Tensor(np.zeros((n, 2)), dtype=g.dtype)
        positive = Tensor(np.tile([d_ap, 0.0], (n, 1)), dtype=g.dtype)
        negative = _along(g + d_ap, (0.0, 1.0))
        return losses.triplet_margin_loss(anchor, positive, negative, margin=margin, eps=0.0,
                                          reduction="none")
    return fn


TRIPLET_TOY = {"anchor": (0.0, 0.0), "positive": (1.2, 0.6), "hard negative": (0.8, -0.5),
               "easy negative": (-2.6, 0.4)}
"""Four points in the plane: two triplets (anchor, positive, hard negative) and (anchor, positive,
easy negative); the hard negative is inside the margin, the easy one beyond it."""

CONTRASTIVE_TOY = {  # name: (first point, second point, y)
    "similar pair": ((-0.75, 0.3), (0.75, 0.3), 1.0),
    "dissimilar, too close": ((-0.3, -1.0), (0.3, -1.0), 0.0),
    "dissimilar, far enough": ((-0.9, 1.5), (0.9, 1.5), 0.0),
}
"""Three pairs in the plane for the contrastive loss with margin 1."""


def triplet_toy_gradients(points=None, margin=1.0):
    """The engine's gradient of the summed triplet losses of (anchor, positive, n) for each
    negative n of ``points`` (default :data:`TRIPLET_TOY`), with respect to every point.

    Returns ({name: gradient (2,)}, the loss of each triplet)."""
    from . import losses
    from .autograd import grad
    points = TRIPLET_TOY if points is None else points
    names = list(points)
    P = Tensor(np.array([points[name] for name in names], dtype=np.float64), dtype="float64",
               requires_grad=True)
    negatives = list(range(2, len(names)))
    loss = losses.triplet_margin_loss(P[[0] * len(negatives)], P[[1] * len(negatives)],
                                      P[negatives], margin=margin, reduction="none")
    (g,) = grad(loss.sum(), P)
    return dict(zip(names, g.numpy())), loss.numpy()


def contrastive_toy_gradients(pairs=None, margin=1.0):
    """The engine's gradient of each pair's contrastive loss with respect to both its points.

    Returns {name: (gradient of the first point, of the second point, the pair's loss)}."""
    from . import losses
    from .autograd import grad
    pairs = CONTRASTIVE_TOY if pairs is None else pairs
    names = list(pairs)
    x1 = Tensor(np.array([pairs[n][0] for n in names]), dtype="float64", requires_grad=True)
    x2 = Tensor(np.array([pairs[n][1] for n in names]), dtype="float64", requires_grad=True)
    y = Tensor(np.array([pairs[n][2] for n in names]), dtype="float64")
    loss = losses.contrastive_loss(x1, x2, y, margin=margin, reduction="none")
    g1, g2 = grad(loss.sum(), [x1, x2])
    return {n: (g1.numpy()[k], g2.numpy()[k], loss.numpy()[k]) for k, n in enumerate(names)}


def _arrows(ax, position, gradient, colour, length=0.55, offset=(0, -16)):
    """An arrow along −gradient (the way one descent step moves the point), of a fixed length,
    labelled with the gradient's size; nothing where the gradient is zero."""
    size = float(np.linalg.norm(gradient))
    if size > 1e-12:
        end = np.asarray(position) - length * np.asarray(gradient) / size
        ax.annotate("", xy=tuple(end), xytext=tuple(position),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2})
        ax.annotate(f"{size:.2f}", tuple(end), xytext=offset, textcoords="offset points",
                    fontsize=8, color=colour, ha="center")


def ranking_losses():
    """Seed 000's ranking losses: the contrastive loss against the distance of a pair, the
    triplet loss against the gap d(a, n) − d(a, p) for several margins, and the engine's
    gradients on points of the plane (arrows: −gradient, the way a descent step moves them)."""
    plt = _pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(12.5, 9.5))
    ax = axes[0, 0]
    d = np.linspace(0.005, 2.2, 440)  # d = 0 is a kink of ‖·‖: its subgradient 0
    for y, colour, label in ((1, "C0", "similar (y = 1): d²"),
                             (0, "C3", "dissimilar (y = 0): max(0, m − d)²")):
        value, slope = derivatives(contrastive_of_distance(y), d, order=1)
        ax.plot(d, value, color=colour, label=label)
        ax.plot(d, slope, color=colour, ls=":", label="  its slope ∂/∂d (engine)")
    ax.axvline(1.0, color="gray", ls="--", lw=1)
    ax.annotate("margin m = 1:\ndissimilar pairs farther\napart feel nothing", (1.0, 2.2),
                xytext=(1.15, 2.6), fontsize=8, arrowprops={"arrowstyle": "->"})
    ax.axhline(0, color="k", lw=0.6)
    ax.set(xlabel="distance d = ‖x₁ − x₂‖", ylabel="loss / slope", ylim=(-2.2, 4.4),
           title="contrastive loss of one pair")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)

    ax = axes[0, 1]
    gap = np.linspace(-0.95, 3, 396)
    for k, margin in enumerate((0.5, 1.0, 2.0)):
        value, slope = derivatives(triplet_of_gap(margin), gap, order=1)
        ax.plot(gap, value, color=f"C{k}", label=f"margin {margin:g}")
        ax.plot(gap, slope, color=f"C{k}", ls=":", lw=1)
    ax.axhline(0, color="k", lw=0.6)
    ax.set(xlabel="gap d(a, n) − d(a, p)", ylabel="loss (dotted: slope, engine)",
           ylim=(-1.3, 3.2),
           title="triplet loss max(0, d(a,p) − d(a,n) + margin):\nzero once the negative is "
                 "a margin farther than the positive")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)

    ax = axes[1, 0]
    gradients, loss = triplet_toy_gradients()
    colours = {"anchor": "k", "positive": "C0", "hard negative": "C3", "easy negative": "C1"}
    anchor = np.asarray(TRIPLET_TOY["anchor"])
    d_ap = np.linalg.norm(np.asarray(TRIPLET_TOY["positive"]) - anchor)
    ax.add_patch(plt.Circle(anchor, d_ap, fill=False, color="C0", ls=":", lw=1))
    ax.add_patch(plt.Circle(anchor, d_ap + 1.0, fill=False, color="gray", ls="--", lw=1))
    ax.annotate("d(a, p) + margin", (0, -(d_ap + 1.0)), xytext=(0.2, -(d_ap + 1.0) - 0.35),
                fontsize=8, color="gray")
    for name, point in TRIPLET_TOY.items():
        ax.plot(*point, "o", color=colours[name], ms=9)
        ax.annotate(name, point, xytext=(-48, -16) if name == "anchor" else (6, 6),
                    textcoords="offset points", fontsize=9)
        _arrows(ax, point, gradients[name], colours[name],
                offset=(16, -4) if name == "anchor" else (0, -16))
    ax.set(xlim=(-3.2, 3.0), ylim=(-3.0, 2.6), aspect="equal",
           title="triplet loss, margin 1: arrows along −∂L/∂point, numbers: its size "
                 f"(engine)\nhard triplet loss "
                 f"{loss[0]:.2f}, easy triplet loss {loss[1]:.2f} (no arrow)")
    ax.grid(alpha=0.3)

    ax = axes[1, 1]
    for k, (name, result) in enumerate(contrastive_toy_gradients().items()):
        first, second, y = CONTRASTIVE_TOY[name]
        colour = "C0" if y else f"C{k + 2}"
        ax.plot(*zip(first, second), "o-", color=colour, ms=9, lw=1,
                label=f"{name}: d = {np.linalg.norm(np.subtract(first, second)):.1f}, "
                      f"loss {result[2]:.2f}")
        _arrows(ax, first, result[0], colour)
        _arrows(ax, second, result[1], colour)
    ax.set(xlim=(-2.2, 2.2), ylim=(-2.6, 2.6), aspect="equal",
           title="contrastive loss, margin 1: arrows along −∂L/∂point,\nnumbers: its size "
                 "(engine)")
    ax.legend(fontsize=8, loc="lower center")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def overlap_gradients(n_pixels=256, counts=None, p=0.5):
    """The gradients of BCE (mean over pixels), Dice and IoU with respect to the logits of one
    image of ``n_pixels`` pixels, k of them foreground, where the network predicts σ(x) = ``p``
    everywhere (an untrained network: p = ½), for each k in ``counts`` (default 1 … n/2).

    Returns (counts, {loss: {"foreground": |∂L/∂x| of one foreground pixel, "background": of
    one background pixel, "share": the foreground's part of Σ|∂L/∂x|,
    "push": −Σ∂L/∂x / Σ|∂L/∂x|, the net push on a bias shared by all pixels (positive: towards
    foreground)}}), NumPy arrays.
    """
    from . import losses
    from .autograd import grad
    counts = np.unique(np.geomspace(1, n_pixels // 2, 40).astype(int)) if counts is None \
        else np.asarray(counts)
    targets = (np.arange(n_pixels)[None, :] < counts[:, None]).astype(np.float64)  # (K, n)
    y = Tensor(targets, dtype="float64")
    logit = float(np.log(p / (1 - p)))
    pointwise = {
        "BCE": lambda x: losses.binary_cross_entropy_with_logits(x, y, reduction="none")
        .mean(axis=1),
        "Dice": lambda x: losses.dice_loss(x.sigmoid(), y, reduction="none"),
        "IoU": lambda x: losses.iou_loss(x.sigmoid(), y, reduction="none"),
        "Dice, ε = 0.01": lambda x: losses.dice_loss(x.sigmoid(), y, eps=0.01, reduction="none"),
    }
    out = {}
    for name, fn in pointwise.items():
        x = Tensor(np.full(targets.shape, logit), dtype="float64", requires_grad=True)
        (g,) = grad(fn(x).sum(), x)   # the rows are independent images: row k is image k's
        g = g.numpy()
        total = np.abs(g).sum(axis=1)
        out[name] = {"foreground": np.abs(g[:, 0]), "background": np.abs(g[:, -1]),
                     "share": (np.abs(g) * targets).sum(axis=1) / total,
                     "push": -g.sum(axis=1) / total}
    return counts, out


def overlap_gradients_figure():
    """Seed 000's claim that Dice (and IoU) 'handle class imbalance', in gradients: for an
    untrained network (σ(x) = ½ on every pixel of a 16×16 image) with k foreground pixels,
    what each foreground and background pixel receives under BCE, Dice and IoU (engine); the
    smoothing ε = 1 of the losses' default weakens the effect for objects of a few pixels."""
    plt = _pyplot()
    counts, grads = overlap_gradients()
    fraction = counts / 256
    colours = {"BCE": "C7", "Dice": "C0", "IoU": "C2", "Dice, ε = 0.01": "C9"}
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.5))
    for name, g in grads.items():
        style = ":" if "0.01" in name else "-"
        if "0.01" not in name:
            axes[0].plot(fraction, g["foreground"], color=colours[name],
                         label=f"{name}: a foreground pixel")
            axes[0].plot(fraction, g["background"], color=colours[name], ls="--",
                         label=f"{name}: a background pixel")
        axes[1].plot(fraction, g["share"], color=colours[name], ls=style, label=name)
        axes[2].plot(fraction, g["push"], color=colours[name], ls=style, label=name)
    axes[1].plot(fraction, fraction, "k--", lw=0.8, label="the foreground's share of pixels")
    axes[2].axhline(0, color="k", lw=0.8)
    axes[0].set(yscale="log", ylabel="|∂L/∂logit| (engine)",
                title="per pixel: BCE treats every pixel alike;\n"
                      "Dice/IoU favour the rare foreground")
    axes[1].set(ylabel="foreground part of Σ|∂L/∂logit|", ylim=(0, 1.02),
                title="the foreground's share of the gradient")
    axes[2].set(ylabel="−Σ ∂L/∂logit  /  Σ |∂L/∂logit|", ylim=(-1.05, 1.05),
                title="net push on a shared bias:\n< 0 towards 'all background', > 0 towards "
                      "foreground")
    for ax in axes:
        ax.set(xscale="log", xlabel="foreground fraction k/256 (σ(logit) = ½ everywhere)")
        ax.legend(fontsize=7.5)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def gan_generator_gradients():
    """Seed 000's adversarial loss: the generator's two losses against the discriminator's
    logit l on a generated sample (D = σ(l)): minimax log(1 − σ(l)) and non-saturating
    −log σ(l), and the size of their slopes (engine) — the minimax one vanishes exactly where
    the discriminator confidently rejects the fakes."""
    from . import losses
    plt = _pyplot()
    l = np.linspace(-8, 4, 601)
    curves = {
        "minimax (saturating): log(1 − D)":
            lambda t: losses.gan_generator_loss(t, non_saturating=False, reduction="none"),
        "non-saturating: −log D":
            lambda t: losses.gan_generator_loss(t, non_saturating=True, reduction="none"),
    }
    fig, (value_ax, slope_ax) = plt.subplots(1, 2, figsize=(12, 4.3))
    for k, (name, fn) in enumerate(curves.items()):
        value, slope = derivatives(fn, l, order=1)
        value_ax.plot(l, value, color=f"C{k}", label=name)
        slope_ax.plot(l, np.abs(slope), color=f"C{k}", label=name)
    for ax in (value_ax, slope_ax):
        ax.axvspan(-8, -3, color="C3", alpha=0.08)
        ax.set_xlabel("discriminator's logit l on a generated sample (D = σ(l))")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    value_ax.annotate("D confidently says 'fake'", (-7.8, 3.5), color="C3", fontsize=9)
    value_ax.set(ylabel="generator loss", ylim=(-4.5, 8.5),
                 title="both are minimised by raising l (fooling D)")
    slope_ax.set(yscale="log", ylabel="|∂loss/∂l| (engine)", ylim=(1e-4, 2),
                 title="where D wins, the minimax gradient vanishes (≈ σ(l))")
    fig.tight_layout()
    return fig


KL_SETTINGS = ((1.0, 0.5), (0.5, 0.2), (0.0, 0.1), (-2.5, 1.5))
"""(μ, σ) of the Gaussians q = N(μ, σ²) whose KL to N(0, 1) the Monte Carlo check estimates."""


def kl_closed_form(mu, sigma):
    """KL(N(μ, σ²) ‖ N(0, 1)) from ``vae_loss`` itself: its reconstruction term is 0 for a
    reconstruction of 0 against a target of 0, so what remains is the KL term (engine)."""
    from . import losses
    mu = np.atleast_1d(np.asarray(mu, dtype=np.float64))
    logvar = 2 * np.log(np.atleast_1d(np.asarray(sigma, dtype=np.float64)))
    zero = Tensor(np.zeros((mu.size, 1)), dtype="float64")
    kl = losses.vae_loss(zero, zero, Tensor(mu.reshape(-1, 1), dtype="float64"),
                         Tensor(logvar.reshape(-1, 1), dtype="float64"), reduction="none")
    return kl.numpy()


def kl_monte_carlo(mu, sigma, n, seed=0):
    """Running Monte Carlo estimates of KL(q ‖ p) = E_q[log q(z) − log p(z)], q = N(μ, σ²),
    p = N(0, 1), from n draws z ~ q: (running mean, its standard error), NumPy arrays."""
    z = mu + sigma * np.random.default_rng(seed).standard_normal(n)
    log_ratio = -0.5 * ((z - mu) / sigma) ** 2 - np.log(sigma) + 0.5 * z ** 2
    count = np.arange(1, n + 1)
    mean = np.cumsum(log_ratio) / count
    second = np.cumsum(log_ratio ** 2) / count
    return mean, np.sqrt(np.maximum(second - mean ** 2, 0) / count)


def vae_kl_monte_carlo(n=20000):
    """The KL term of the VAE loss against its Monte Carlo estimate: running means of
    log q(z) − log p(z) over draws z ~ q converge to the closed form that vae_loss computes."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    count = np.arange(1, n + 1)
    for k, (mu, sigma) in enumerate(KL_SETTINGS):
        mean, se = kl_monte_carlo(mu, sigma, n, seed=k)
        exact = kl_closed_form(mu, sigma)[0]
        ax.plot(count, mean, color=f"C{k}", label=f"μ = {mu:g}, σ = {sigma:g}: closed form "
                                                   f"{exact:.3f}")
        ax.fill_between(count, mean - 2 * se, mean + 2 * se, color=f"C{k}", alpha=0.15, lw=0)
        ax.axhline(exact, color=f"C{k}", ls=":", lw=1.2)
    ax.set(xscale="log", xlim=(10, n), ylim=(0, 4.2), xlabel="Monte Carlo draws z ~ q",
           ylabel="KL(q ‖ N(0, 1))",
           title="KL term of vae_loss (dotted) against the running Monte Carlo mean\n"
                 "of log q(z) − log p(z) (band: ±2 standard errors)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


RESULTS = Path(__file__).resolve().parent.parent / "results"


def load_or_run(experiment, name):
    """The full run's results/<name>.json when it exists, else the experiment's --quick
    configuration run into a temporary folder (seconds).  Returns (results, 'full'|'quick')."""
    import json
    import tempfile
    path = RESULTS / f"{name}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8")), "full"
    from .experiments import common, load
    module = load(experiment)
    out = tempfile.mkdtemp(prefix=f"minigrad-{name}-")
    return module.run(common.parse_args(module, ["--quick", "--out", out])), "quick"


def compare_losses_error_bars(results=None):
    """The classification comparison (``python -m minigrad compare-losses``) read with its error
    bars: per task, the test accuracy of each loss (mean ± sd over seeds, and every seed);
    each seed's paired difference to cross-entropy at the last epoch; and that paired
    difference epoch by epoch (mean ± sd)."""
    from .experiments.compare_losses import LOSS_NAMES
    plt = _pyplot()
    results = load_or_run("compare-losses", "compare_losses")[0] if results is None else results
    tasks = list(results["tasks"])
    summary, histories = results["summary"], results["histories"]
    n_seeds = len(results["seeds"])
    fig, axes = plt.subplots(3, len(tasks), figsize=(5.2 * len(tasks), 12), squeeze=False)
    colours = dict(zip(LOSS_NAMES, ["black", "tab:red", "tab:blue", "tab:orange", "tab:cyan"]))
    xs = np.arange(len(LOSS_NAMES))
    rng = np.random.default_rng(0)
    for column, task in enumerate(tasks):
        names = ["BCE" if (n == "CE" and task == "cancer-mlp") else n for n in LOSS_NAMES]
        ax = axes[0, column]
        for x, name in zip(xs, LOSS_NAMES):
            acc = 100 * np.asarray(summary[task][name]["test_accuracy"])
            ax.errorbar(x, acc.mean(), yerr=acc.std(ddof=1) if acc.size > 1 else 0, fmt="o",
                        color=colours[name], capsize=6, ms=8, lw=2)
            ax.plot(x + 0.18 + 0.04 * rng.standard_normal(acc.size), acc, ".",
                    color=colours[name], alpha=0.6)
        ce = 100 * np.asarray(summary[task]["CE"]["test_accuracy"])
        ax.axhspan(ce.mean() - ce.std(ddof=1), ce.mean() + ce.std(ddof=1), color="k", alpha=0.07,
                   label="CE mean ± 1 sd")
        ax.set(xticks=xs, xticklabels=names, ylabel="test accuracy (%)",
               title=f"{task}: mean ± sd over {n_seeds} seeds (dots: seeds)")
        ax.legend(fontsize=8, loc="lower left")

        ax = axes[1, column]
        for x, name in zip(xs[1:], LOSS_NAMES[1:]):
            diff = 100 * (np.asarray(summary[task][name]["test_accuracy"]) - ce / 100)
            ax.plot(np.full(diff.size, x) + 0.05 * rng.standard_normal(diff.size), diff, ".",
                    color=colours[name], ms=9, alpha=0.7)
            ax.errorbar(x + 0.25, diff.mean(), yerr=diff.std(ddof=1) if diff.size > 1 else 0,
                        fmt="s", color=colours[name], capsize=5)
        ax.axhline(0, color="k", lw=1)
        ax.set(xticks=xs[1:], xticklabels=names[1:],
               ylabel="accuracy − CE's, same seed (points)",
               title=f"{task}: paired differences to {names[0]} at the last epoch")

        ax = axes[2, column]
        ce_curves = np.array([h["val_accuracy"] for h in histories[task]["CE"]])
        epochs = np.arange(1, ce_curves.shape[1] + 1)
        for name, label in zip(LOSS_NAMES[1:], names[1:]):
            curves = np.array([h["val_accuracy"] for h in histories[task][name]])
            diff = 100 * (curves - ce_curves)
            mean = diff.mean(axis=0)
            sd = diff.std(axis=0, ddof=1) if len(diff) > 1 else np.zeros_like(mean)
            ax.plot(epochs, mean, color=colours[name], label=label)
            ax.fill_between(epochs, mean - sd, mean + sd, color=colours[name], alpha=0.1, lw=0)
        ax.axhline(0, color="k", lw=1)
        ax.set(xlabel="epoch", ylabel="paired difference to CE (points)",
               title=f"{task}: the paired difference, epoch by epoch (±1 sd)")
        ax.legend(fontsize=8)
    for ax in axes.flat:
        ax.grid(alpha=0.3)
    fig.suptitle("Cross-entropy against the paper's M, L, full M and full L: same model, data, "
                 "optimiser and seeds for every loss", fontsize=12)
    fig.tight_layout()
    return fig


PAPER_TABLES = {  # the paper's Tables 2–5 (seed 001): test accuracy of each loss, one run each
    "Table 2: CIFAR-10, VGG-19":
        {"CE": 0.5668, "L": 0.5684, "M": 0.5666, "full L": 0.571, "full M": 0.5668},
    "Table 3: Imagenette, VGG-19":
        {"CE": 0.74, "L": 0.77, "M": 0.78, "full L": 0.78, "full M": 0.76},
    "Table 4: CFPB, LSTM":
        {"CE": 0.822, "L": 0.843, "M": 0.827, "full L": 0.839, "full M": 0.825},
    "Table 5: IMDB, BERT":
        {"CE": 0.8551, "L": 0.8557, "M": 0.8539, "full L": 0.8577, "full M": 0.8555},
}
"""The paper's Tables 2–5 (its 'BCE' rows of Tables 4 and 5 are filed under CE)."""


def paper_claims_vs_ours(compare=None, robust=None):
    """What the paper reports beside what we measured: (left) each loss's test accuracy minus
    cross-entropy's in the paper's Tables 2–5 (one run each, no error bars) and in our
    comparison (mean ± sd of the paired differences over seeds); (right) the paper's Table 1
    against our robust-regression errors (mean ± sd over seeds)."""
    from .experiments.compare_losses import LOSS_NAMES
    from .experiments.robust_regression import PAPER
    plt = _pyplot()
    import matplotlib.ticker
    compare = load_or_run("compare-losses", "compare_losses")[0] if compare is None else compare
    robust = load_or_run("robust-regression", "robust_regression")[0] if robust is None else robust
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(17, 5),
                                              gridspec_kw={"width_ratios": [1.6, 1, 1]})
    others = LOSS_NAMES[1:]
    colours = dict(zip(others, ["tab:red", "tab:blue", "tab:orange", "tab:cyan"]))
    rows = [r.replace(", ", "\n").replace(": ", ":\n") for r in PAPER_TABLES] + \
        [f"ours:\n{t}\n{len(compare['seeds'])} seeds" for t in compare["tasks"]]
    for k, name in enumerate(others):
        offset = (k - 1.5) * 0.15
        paper = [100 * (table[name] - table["CE"]) for table in PAPER_TABLES.values()]
        left.plot(np.arange(len(PAPER_TABLES)) + offset, paper, "D", color=colours[name],
                  label=name)
        for j, task in enumerate(compare["tasks"]):
            s = compare["summary"][task][name]
            left.errorbar(len(PAPER_TABLES) + j + offset, 100 * s["diff_vs_ce_mean"],
                          yerr=100 * s["diff_vs_ce_sd"], fmt="o", color=colours[name], capsize=3)
    left.axhline(0, color="k", lw=1)
    left.axvline(len(PAPER_TABLES) - 0.5, color="gray", ls="--", lw=1)
    left.set(xticks=range(len(rows)), ylabel="test accuracy − cross-entropy's (points)",
             title="paper (diamonds: one run, no error bars) | ours (mean ± sd of paired "
                   "differences)")
    left.set_xticklabels(rows, fontsize=7.5)
    left.legend(fontsize=8, loc="upper right")
    names = list(PAPER)
    for ax, key, column in ((middle, "slope", 0), (right, "intercept", 1)):
        x = np.arange(len(names))
        ours = [robust["summary"][n][key]["mean"] for n in names]
        sds = [robust["summary"][n][key]["sd"] for n in names]
        ax.set_yscale("log")
        paper_bars = ax.bar(x - 0.2, [PAPER[n][column] for n in names], width=0.4, color="0.7",
                            label="paper, Table 1")
        our_bars = ax.bar(x + 0.2, ours, width=0.4, yerr=sds, capsize=4, color="C0",
                          label=f"ours, mean ± sd over {len(robust['seeds'])} seeds")
        ax.bar_label(paper_bars, fmt="%.1f", fontsize=8)
        ax.bar_label(our_bars, fmt="%.1f", fontsize=8, padding=6)
        top = max(max(ours), max(PAPER[n][column] for n in names))
        ax.set_ylim(0.5 * min(min(ours), min(PAPER[n][column] for n in names)), 4 * top)
        ax.set_yticks([t for t in (5, 10, 20, 50, 100, 200, 500, 1000) if t < 4 * top])
        ax.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set(xticks=x, xticklabels=names, ylabel=f"{key} error (%), log scale",
               title=f"Table 1, {key} error: the order\nSMAE < log-cosh < MSE holds in both")
        ax.legend(fontsize=8, loc="upper left")
    for ax in (left, middle, right):
        ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return fig


FIGURES.extend([
    FigureEntry("ranking_losses", ranking_losses, "lessons/06_ranking_segmentation.ipynb",
                "seed 000: contrastive and triplet losses, their margins and gradients"),
    FigureEntry("overlap_gradients", overlap_gradients_figure,
                "lessons/06_ranking_segmentation.ipynb",
                "seed 000: Dice and IoU against BCE under class imbalance (gradients)"),
    FigureEntry("gan_generator_gradients", gan_generator_gradients,
                "lessons/07_generative_rl.ipynb",
                "seed 000: adversarial loss, saturating vs non-saturating generator"),
    FigureEntry("vae_kl_monte_carlo", vae_kl_monte_carlo, "lessons/07_generative_rl.ipynb",
                "seed 000: the VAE loss's KL term against Monte Carlo"),
    FigureEntry("compare_losses_error_bars", compare_losses_error_bars,
                "lessons/08_paper_comparison.ipynb",
                "paper (seed 001) Tables 2-5: our comparison with error bars and paired "
                "differences"),
    FigureEntry("paper_claims_vs_ours", paper_claims_vs_ours, "lessons/08_paper_comparison.ipynb",
                "paper (seed 001) Tables 1-5: the paper's numbers beside ours"),
])


def cross_entropy_kl(targets=(1.0, 0.8, 0.5)):
    """Seed 003: cross-entropy against a target distribution t is its entropy H(t) plus the KL
    divergence KL(t ‖ q): for a two-class prediction q, both curves (engine values) and their
    slopes, which coincide — the entropy does not depend on q."""
    from . import losses
    plt = _pyplot()
    q = np.linspace(0.01, 0.99, 393)
    fig, (value_ax, slope_ax) = plt.subplots(1, 2, figsize=(12, 4.3))
    for k, t in enumerate(targets):
        target = np.array([t, 1 - t])

        def two_class(p):               # the prediction (q, 1 − q) as an (n, 2) tensor
            return p.reshape(-1, 1) * Tensor(np.array([[1.0, -1.0]]), dtype=p.dtype) + \
                Tensor(np.array([[0.0, 1.0]]), dtype=p.dtype)

        def targets_like(p, target=target):
            return Tensor(np.broadcast_to(target, (p.shape[0], 2)).copy(), dtype=p.dtype)

        def ce(p):                      # cross_entropy of the logits log q: softmax(log q) = q
            return losses.cross_entropy(two_class(p).log(), targets_like(p), reduction="none")

        def kl(p):                      # KL(t ‖ q) = Σ t log t − Σ t log q
            return losses.kl_div(two_class(p).log(), targets_like(p), reduction="none").sum(axis=1)

        ce_value, ce_slope = derivatives(ce, q, order=1)
        kl_value, kl_slope = derivatives(kl, q, order=1)
        entropy = float(-(target[target > 0] * np.log(target[target > 0])).sum()) + 0.0
        value_ax.plot(q, ce_value, color=f"C{k}", label=f"t = ({t:g}, {1 - t:g}): cross-entropy")
        value_ax.plot(q, kl_value, color=f"C{k}", ls="--",
                      label=f"   KL(t ‖ q) = CE − H(t), H(t) = {entropy:.3f}")
        slope_ax.plot(q, ce_slope, color=f"C{k}", label=f"t = ({t:g}, {1 - t:g}): ∂CE/∂q")
        slope_ax.plot(q, kl_slope, color=f"C{k}", ls="--", lw=2.5, alpha=0.5,
                      label="   ∂KL/∂q (the same curve)")
    value_ax.set(xlabel="predicted probability q of class 1", ylabel="nats", ylim=(0, 3.5),
                 title="cross-entropy = H(t) + KL(t ‖ q): minimised at q = t")
    slope_ax.set(xlabel="predicted probability q of class 1", ylabel="slope (engine)",
                 ylim=(-12, 12), title="the same gradient: H(t) does not depend on the model")
    for ax in (value_ax, slope_ax):
        ax.legend(fontsize=7.5)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


FIGURES.extend([
    FigureEntry("cross_entropy_kl", cross_entropy_kl, "lessons/08_paper_comparison.ipynb",
                "seed 003: cross-entropy and the KL divergence"),
])
