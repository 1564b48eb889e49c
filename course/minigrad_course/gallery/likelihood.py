"""Lesson 03, maximum likelihood: binary cross-entropy is the negative Bernoulli log-likelihood."""
import numpy as np

import minigrad as mg
from minigrad import losses
from minigrad.calculus import derivatives, sign_changes

from ..plotting import pyplot
from .problems import coin_flips, logistic_likelihood_surface


def mle_bce():
    """Maximum likelihood is minimum binary cross-entropy: for coin flips (left, the maximum
    at the sample mean) and for a logistic regression (right, the BCE minimiser found by
    gradient descent sits on the likelihood's maximum)."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6))

    flips = coin_flips()
    theta = np.linspace(0.01, 0.99, 393)

    def mean_loglik(t):  # (1/n) Σᵢ yᵢ log θ + (1 - yᵢ) log(1 - θ), at each θ of the grid
        return flips.mean() * t.log() + (1 - flips.mean()) * (1 - t).log()

    def bce(t):          # the mean BCE of predicting θ for every flip
        return losses.binary_cross_entropy(
            t.reshape(-1, 1).broadcast_to((t.shape[0], flips.size)),
            mg.Tensor(np.broadcast_to(flips, (t.shape[0], flips.size)).copy(), dtype=t.dtype),
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
