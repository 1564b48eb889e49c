"""Lesson 04, regression losses: the paper's Fig. 3 (SMAE against MAE, MSE, Huber, log-cosh),
Huber's δ, and SMAE's asymptotes."""
import numpy as np

from minigrad import losses
from minigrad.calculus import derivatives, sign_changes

from ..plotting import pyplot
from .drawing import against_zero


def _regression_losses():
    """The losses of the paper's Fig. 3, each as a function of the error e alone."""
    return {
        "MSE": against_zero(losses.mse_loss),
        "MAE": against_zero(losses.l1_loss),
        "Huber (δ = 1)": against_zero(losses.huber_loss, delta=1.0),
        "log-cosh": against_zero(losses.log_cosh_loss),
        "SMAE": against_zero(losses.smae_loss),
    }


def regression_losses():
    """Paper Fig. 3: SMAE against MAE, MSE, Huber and log-cosh — values, slopes, curvature."""
    plt = pyplot()
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


HUBER_DELTAS = (0.25, 0.5, 1.0, 2.0, 4.0)


def huber_delta_sweep(deltas=HUBER_DELTAS):
    """Huber for several δ (values and engine slopes), and smooth L1 for the same β.

    Huber is ½e² inside |e| ≤ δ and grows like δ|e| outside: its slope is e clipped to ±δ, so
    δ is the largest pull one point can exert.  Smooth L1 with β = δ is Huber divided by β: the
    same shape, rescaled so that its slope is always capped at 1 (the MAE's) and only the width
    of the quadratic zone changes.  β = δ = 1 makes the two one function.
    """
    plt = pyplot()
    e = np.linspace(-5, 5, 1001)
    fig, (value_ax, slope_ax, smooth_ax) = plt.subplots(1, 3, figsize=(16, 4.5))
    for k, delta in enumerate(deltas):
        value, slope = derivatives(against_zero(losses.huber_loss, delta=delta), e, order=1)
        (smooth,) = derivatives(against_zero(losses.smooth_l1_loss, beta=delta), e, order=0)
        label = f"δ = {delta:g}"
        value_ax.plot(e, value, color=f"C{k}", label=label)
        slope_ax.plot(e, slope, color=f"C{k}", label=label)
        smooth_ax.plot(e, smooth, color=f"C{k}", label=f"β = {delta:g}")
    (half_square,) = derivatives(lambda t: 0.5 * against_zero(losses.mse_loss)(t), e, order=0)
    (absolute,) = derivatives(against_zero(losses.l1_loss), e, order=0)
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
    plt = pyplot()
    curves = {"Huber (δ = 1)": against_zero(losses.huber_loss, delta=1.0),
              "log-cosh": against_zero(losses.log_cosh_loss),
              "SMAE": against_zero(losses.smae_loss)}
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
