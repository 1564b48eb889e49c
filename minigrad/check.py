"""Finite-difference checks of gradients, for tests and for students.

``gradcheck`` compares the gradient autograd computes with central differences in float64;
``gradgradcheck`` does the same for the gradient of the gradient (second order).  Both
project the output on a fixed random vector v, so one backward pass gives vᵀJ, which is
checked element by element against (f(x + εeᵢ) - f(x - εeᵢ))·v / 2ε.
"""
import numpy as np

from .autograd import grad
from .tensor import Tensor, float64


class GradcheckError(AssertionError):
    """Raised when an analytic gradient disagrees with finite differences."""


def _outputs(fn, inputs):
    out = fn(*inputs)
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _projected(outputs, vectors):
    """Σₖ Σ outₖ·vₖ: a scalar whose gradient is vᵀJ."""
    total = None
    for out, v in zip(outputs, vectors):
        if out is None:
            continue
        term = (out * v).sum()
        total = term if total is None else total + term
    return total


def _report(index, name, expected, got, atol, rtol, worst=5):
    diff = np.abs(expected - got)
    bad = np.argsort(-(diff - rtol * np.abs(expected)).ravel())[:worst]
    lines = [f"gradient of {name} (input {index}, shape {expected.shape}) disagrees with "
             f"finite differences (atol={atol}, rtol={rtol}); worst elements:"]
    for flat in bad:
        where = np.unravel_index(flat, expected.shape) if expected.ndim else ()
        lines.append(f"  at {tuple(int(i) for i in where)}: expected {expected.ravel()[flat]:.10g}, "
                     f"got {got.ravel()[flat]:.10g}")
    return "\n".join(lines)


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=0):
    """Check autograd's gradient of ``fn(*inputs)`` against central differences.

    ``inputs``: tensors (float64, the ones to check have requires_grad=True) or other values
    passed through unchanged.  ``fn`` returns a tensor or a tuple of tensors.  Returns True,
    or raises GradcheckError naming the input and its worst elements (False if not
    ``raise_exception``).
    """
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input has requires_grad=True")
    for i in checked:
        if inputs[i].dtype != float64:
            raise ValueError(f"gradcheck: input {i} is {inputs[i].dtype}; use float64, as finite "
                             "differences in lower precision are too coarse")
    rng = np.random.default_rng(seed)
    outputs = _outputs(fn, inputs)
    vectors = [None if out is None else
               Tensor(rng.standard_normal(out.shape), dtype=out.dtype, device=out.device)
               for out in outputs]
    total = _projected(outputs, vectors)
    if total.requires_grad:
        analytic = grad(total, [inputs[i] for i in checked], allow_unused=True)
    else:  # the output does not depend on the inputs through the graph: the gradient is 0
        analytic = [None] * len(checked)

    for i, a in zip(checked, analytic):
        x = inputs[i]
        host = x.numpy()
        numeric = np.zeros(host.shape)
        for flat in range(host.size):
            values = []
            for step in (eps, -eps):
                shifted = host.copy()
                shifted.ravel()[flat] += step
                x.data = x.xp.asarray(shifted) if x.device != "cpu" else shifted
                values.append(_projected(_outputs(fn, inputs), vectors).item())
            numeric.ravel()[flat] = (values[0] - values[1]) / (2 * eps)
        x.data = x.xp.asarray(host) if x.device != "cpu" else host
        got = np.zeros(host.shape) if a is None else a.numpy()
        if got.shape != host.shape:
            raise GradcheckError(f"gradient of input {i} has shape {got.shape}, the input {host.shape}")
        if not np.allclose(got, numeric, atol=atol, rtol=rtol):
            name = getattr(fn, "__name__", "fn")
            if raise_exception:
                raise GradcheckError(_report(i, name, numeric, got, atol, rtol))
            return False
    return True


def gradgradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=0):
    """Check second derivatives: gradcheck of x ↦ ∂(vᵀ fn(x))/∂x built with create_graph=True."""
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    rng = np.random.default_rng(seed + 1)
    outputs = _outputs(fn, inputs)
    vectors = [None if out is None else
               Tensor(rng.standard_normal(out.shape), dtype=out.dtype, device=out.device)
               for out in outputs]

    def first_derivative(*xs):
        total = _projected(_outputs(fn, xs), vectors)
        return grad(total, [xs[i] for i in checked], create_graph=True, allow_unused=True)

    first_derivative.__name__ = f"d({getattr(fn, '__name__', 'fn')})"
    return gradcheck(first_derivative, inputs, eps, atol, rtol, raise_exception, seed)
