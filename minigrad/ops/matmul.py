"""Matrix product, batched and broadcast over leading axes, with NumPy's 1-D rules."""
from ..autograd import Function, sum_to


def _blas_ready(xp, a):
    """``a`` itself if BLAS can read it, else a contiguous copy.

    A broadcast array (stride 0, e.g. the gradient of a sum) is neither C- nor F-contiguous,
    and NumPy multiplies such arrays with a loop many times slower than BLAS.
    """
    flags = a.flags
    return a if flags.c_contiguous or flags.f_contiguous else xp.ascontiguousarray(a)


class MatMul(Function):
    """a @ b.   d/da = g @ bᵀ, d/db = aᵀ @ g (ᵀ: the last two axes swapped).

    A 1-D ``a`` is read as a row (1, k) and a 1-D ``b`` as a column (k, 1), as NumPy does;
    the backward works on those 2-D views and reshapes the gradients back.  Batch axes that
    broadcasting added are summed away (sum_to).
    """

    def forward(self, a, b):
        return self.xp.matmul(_blas_ready(self.xp, a), _blas_ready(self.xp, b))

    def backward(self, g):
        a, b = self.inputs
        a2 = a.reshape(1, -1) if a.ndim == 1 else a
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b
        g2 = g.reshape(g.shape + (1,) if b.ndim == 1 else g.shape)
        if a.ndim == 1:
            g2 = g2.unsqueeze(-2)
        ga = gb = None
        if self.needs_grad[0]:
            ga = sum_to(g2 @ b2.transpose(-1, -2), a2.shape).reshape(a.shape)
        if self.needs_grad[1]:
            gb = sum_to(a2.transpose(-1, -2) @ g2, b2.shape).reshape(b.shape)
        return ga, gb
