"""Lesson 02, the derivation chain: where the minimiser of the regularised risk goes as λ grows."""
import numpy as np

from ..plotting import pyplot
from .problems import PATH_LAMBDAS, regularization_path, risk_on_grid, two_weight_problem


def regularized_risk_paths():
    """Seed 002's regularised risk J(W) + λΩ(W): where its minimiser goes as λ grows, for the
    L2 penalty (all weights shrink together) and the L1 penalty (the weak weight hits 0)."""
    plt = pyplot()
    x, y = two_weight_problem()
    w1, w2 = np.linspace(-0.5, 2.5, 121), np.linspace(-0.75, 1.25, 81)
    risk = risk_on_grid(x, y, w1, w2)
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
