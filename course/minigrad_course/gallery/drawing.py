"""Drawing helpers of the figure modules: grids of inputs, the engine functions of one grid
variable that minigrad.calculus.derivatives differentiates, and arrows along a gradient."""
import numpy as np

import minigrad as mg


def probabilities(n=400, lo=1e-3, hi=1 - 1e-3):
    """A grid of ``n`` probabilities from ``lo`` to ``hi`` (both ends kept off 0 and 1)."""
    return np.linspace(lo, hi, n)


def constant(values):
    """A constant target tensor shaped like the (n, 1) probability column the paper losses take."""
    return lambda p: mg.Tensor(np.full(p.shape, values), dtype=p.dtype)


def against_zero(fn, **kwargs):
    """A regression loss as a function of the error e alone: fn(e, 0), pointwise."""
    return lambda e: fn(e, mg.Tensor(np.zeros(e.shape), dtype=e.dtype), reduction="none", **kwargs)


def along(t, direction):
    """The points t·direction for a 1-D tensor t: an (n, len(direction)) tensor, on the engine."""
    return t.reshape(-1, 1) * mg.Tensor(np.asarray([direction], dtype=np.float64), dtype=t.dtype)


def arrows(ax, position, gradient, colour, length=0.55, offset=(0, -16)):
    """An arrow along −gradient (the way one descent step moves the point), of a fixed length,
    labelled with the gradient's size; nothing where the gradient is zero."""
    size = float(np.linalg.norm(gradient))
    if size > 1e-12:
        end = np.asarray(position) - length * np.asarray(gradient) / size
        ax.annotate("", xy=tuple(end), xytext=tuple(position),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2})
        ax.annotate(f"{size:.2f}", tuple(end), xytext=offset, textcoords="offset points",
                    fontsize=8, color=colour, ha="center")
