"""Matrix product, batched and broadcast over leading axes, with NumPy's 1-D rules."""
import math

from ..autograd import Function, sum_to
from .reduce import Sum
from .shape import Permute


def swap_last_two(t):
    """t with its last two axes swapped (the Permute primitive, without re-validation)."""
    n = t.ndim
    return Permute.apply(t, axes=tuple(range(n - 2)) + (n - 1, n - 2))


def _blas_ready(xp, a):
    """``a`` itself if BLAS can read it, else a contiguous copy.

    A broadcast array (stride 0, e.g. the gradient of a sum) is neither C- nor F-contiguous,
    and NumPy multiplies such arrays with a loop many times slower than BLAS.
    """
    flags = a.flags
    return a if flags.c_contiguous or flags.f_contiguous else xp.ascontiguousarray(a)


class MatMul(Function):
    """a @ b.

    A 1-D ``a`` is read as a row (1, k) and a 1-D ``b`` as a column (k, 1), as NumPy does;
    the backward works on those 2-D views and reshapes the gradients back.  Batch axes that
    broadcasting added are summed away (sum_to).
    """

    rule = "d/da = g @ bᵀ, d/db = aᵀ @ g (ᵀ: the last two axes swapped)"

    def forward(self, a, b):
        return self.xp.matmul(_blas_ready(self.xp, a), _blas_ready(self.xp, b))

    def backward(self, g):
        # BEGIN TASK 1 vjps
        a, b = self.inputs
        a2 = a.reshape(1, -1) if a.ndim == 1 else a
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b
        g2 = g.reshape(g.shape + (1,) if b.ndim == 1 else g.shape)
        if a.ndim == 1:
            g2 = g2.unsqueeze(-2)
        ga = gb = None
        if self.needs_grad[0]:
            ga = sum_to(g2 @ swap_last_two(b2), a2.shape).reshape(a.shape)
        if self.needs_grad[1]:
            gb = sum_to(swap_last_two(a2) @ g2, b2.shape).reshape(b.shape)
        return ga, gb
        # END TASK 1


def rows(t):
    """The number of rows of ``t`` flattened to 2-D (all axes but the last): explicit, since
    reshape(-1, 0) of an empty array cannot infer it."""
    return math.prod(t.shape[:-1])


class Linear(Function):
    """x Wᵀ + b.

    x (..., in), W (out, in), b (out,) or absent, as torch.nn.functional.linear; for the
    weight and bias gradients g and x are flattened to 2-D rows.

    One primitive instead of Permute + MatMul + Add: three times fewer graph nodes, and d/dW
    is computed as gᵀx, in W's own (row-major) layout; (xᵀg)ᵀ would be a transposed view, and
    every later elementwise use of it (the optimiser's update) runs many times slower.
    """

    rule = "d/dx = g W, d/dW = gᵀ x, d/db = g summed over rows"

    def forward(self, x, w, b=None):
        y = self.xp.matmul(_blas_ready(self.xp, x), w.T)
        if b is not None:
            y += b
        return y

    def backward(self, g):
        x, w = self.inputs[:2]
        g2 = g if g.ndim == 2 else g.reshape(rows(g), g.shape[-1])
        gx = g @ w if self.needs_grad[0] else None
        gw = None
        if self.needs_grad[1]:
            x2 = x if x.ndim == 2 else x.reshape(rows(x), x.shape[-1])
            gw = swap_last_two(g2) @ x2
        if len(self.inputs) == 2:
            return gx, gw
        gb = Sum.apply(g2, axes=(0,), keepdims=False) if self.needs_grad[2] else None
        return gx, gw, gb
