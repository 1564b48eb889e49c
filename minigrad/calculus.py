"""Derivatives on a grid, computed by the engine: the curvature of a loss on demand.

    values, slope, curvature = derivatives(lambda e: e * (e / 2).tanh(), np.linspace(-4, 4, 81))
"""
import numpy as np

from .autograd import grad
from .tensor import Tensor, float64


def derivatives(fn, grid, order=2):
    """[f(x), f'(x), …, f⁽ᵒʳᵈᵉʳ⁾(x)] at each point of ``grid``, as float64 NumPy arrays.

    ``fn`` must act elementwise (output i depends on input i only), so that the gradient of
    Σ f(xᵢ) is the vector of f'(xᵢ).  Each order is the engine's derivative of the one before,
    recorded with create_graph=True.  A derivative that no longer depends on x through the
    graph (f' of a piecewise-linear f) is 0.
    """
    x = Tensor(np.asarray(grid, dtype=np.float64), dtype=float64, requires_grad=True)
    current = fn(x)
    if current.shape != x.shape:
        raise ValueError(f"fn: must act elementwise; got shape {current.shape} for input {x.shape}")
    result = [current.numpy()]
    for k in range(order):
        if not current.requires_grad:
            result.append(np.zeros(x.shape))
            continue
        (current,) = grad(current.sum(), x, create_graph=k < order - 1, allow_unused=True)
        current = current if current is not None else Tensor(np.zeros(x.shape))
        result.append(current.numpy())
    return result


def sign_changes(x, values):
    """The points of ``x`` where ``values`` changes sign (linear interpolation between samples)."""
    x, values = np.asarray(x), np.asarray(values)
    i = np.nonzero(np.signbit(values[:-1]) != np.signbit(values[1:]))[0]
    return x[i] - values[i] * (x[i + 1] - x[i]) / (values[i + 1] - values[i])
