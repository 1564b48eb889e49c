"""Reductions.  The gradient of a reduction is spread back over the axes it removed."""
from ..autograd import Function
from ..tensor import Tensor


def normalize_axes(axis, ndim):
    """``axis`` (None, int or tuple, negative allowed) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    normalized = []
    for a in axes:
        if isinstance(a, bool) or not hasattr(a, "__index__"):
            raise ValueError(f"axis: {axis!r} is not an integer or a tuple of integers")
        a = a.__index__()  # NumPy integers too
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise ValueError(f"axis: {axis!r} is out of range for a tensor of {ndim} dimensions")
        if ndim:  # a 0-d tensor has nothing to reduce: 0 and -1 name it, as in torch
            normalized.append(a % ndim)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"axis: {axis!r} repeats an axis")
    return tuple(sorted(normalized))


def kept_shape(shape, axes):
    """``shape`` with the reduced ``axes`` kept as size 1 (keepdims=True)."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class Sum(Function):
    """Sum over ``axes``.   d/da = 1 for every element: g is broadcast back to a's shape."""

    def forward(self, a, axes, keepdims):
        self.in_shape, self.axes = a.shape, axes
        return a.sum(axis=axes, keepdims=keepdims)

    def backward(self, g):
        return (g.reshape(kept_shape(self.in_shape, self.axes)).broadcast_to(self.in_shape),)


class Max(Function):
    """Maximum over ``axes``.   d/da = 1 at the maximum, 0 elsewhere (ties share: 1/k each).

    If k elements attain the maximum, each gets g/k (as torch.amax; the sum over the ties
    stays g).
    """

    def forward(self, a, axes, keepdims):
        self.in_shape, self.axes = a.shape, axes
        return a.max(axis=axes, keepdims=keepdims)

    def backward(self, g):
        a = self.inputs[0].data
        shape = kept_shape(self.in_shape, self.axes)
        is_max = (a == self.output().data.reshape(shape)).astype(g.dtype)
        share = is_max / is_max.sum(axis=self.axes, keepdims=True)
        return (g.reshape(shape).broadcast_to(self.in_shape) * Tensor._wrap(share),)


class LogSoftmax(Function):
    """log softmax along ``axes``: y = x − log Σ exp x.   d/dx = g − eʸ·Σg  (eʸ = softmax x).

    A primitive rather than x − logsumexp(x): one graph node instead of seven, and a backward
    of four.  The shift by the maximum (a constant) keeps exp from overflowing.
    """

    def forward(self, a, axes):
        xp = self.xp
        self.axes = axes
        shift = xp.max(a, axis=axes, keepdims=True) if a.size else xp.zeros((), a.dtype)
        z = a - xp.where(xp.isfinite(shift), shift, 0)
        return z - xp.log(xp.exp(z).sum(axis=axes, keepdims=True))

    def backward(self, g):
        from .pointwise import Exp
        total = Sum.apply(g, axes=self.axes, keepdims=True)
        return (g - Exp.apply(self.output()) * total,)
