"""Reductions.  The gradient of a reduction is spread back over the axes it removed."""
from ..autograd import Function, constant
from .pointwise import Exp


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


class Reduction(Function):
    """A reduction over ``axes``: what it shows is the axes it reduced, unless it reduced all."""

    def params(self):
        axes = self.given["axes"]
        if len(axes) == len(self.in_shape):
            return {}
        return {"axis": axes[0] if len(axes) == 1 else axes}


class Sum(Reduction):
    """Sum over ``axes``."""

    rule = "d/da = 1 for every element: g is broadcast back to a's shape"

    def forward(self, a, *, axes, keepdims):
        self.in_shape, self.axes = a.shape, axes
        return a.sum(axis=axes, keepdims=keepdims)

    def backward(self, g):
        return (SumGrad.apply(g, axes=self.axes, shape=self.in_shape),)


class SumGrad(Function):
    """g spread back over the ``axes`` that Sum removed, to ``shape``: Sum's backward as one
    node (a reshape and a broadcast, no copy).  Its own VJP is the Sum again."""

    rule = "Backward: summed over the spread axes"
    op_name = "sum_grad"

    def forward(self, g, *, axes, shape):
        self.axes, self.keepdims = axes, g.ndim == len(shape)
        # BEGIN TASK 1 vjps
        return self.xp.broadcast_to(g.reshape(kept_shape(shape, axes)), shape)
        # END TASK 1

    def backward(self, h):
        return (Sum.apply(h, axes=self.axes, keepdims=self.keepdims),)

    def params(self):
        return {"axis": self.axes}


class Max(Reduction):
    """Maximum over ``axes``.

    If k elements attain the maximum, each gets g/k (as torch.amax; the sum over the ties
    stays g).
    """

    rule = "d/da = 1 at the maximum, 0 elsewhere (ties share: 1/k each)"

    def forward(self, a, *, axes, keepdims):
        self.in_shape, self.axes = a.shape, axes
        return a.max(axis=axes, keepdims=keepdims)

    def backward(self, g):
        a = self.inputs[0].data
        shape = kept_shape(self.in_shape, self.axes)
        is_max = (a == self.output().data.reshape(shape)).astype(g.dtype)
        share = is_max / is_max.sum(axis=self.axes, keepdims=True)
        return (g.reshape(shape).broadcast_to(self.in_shape) * constant(share, g),)


class LogSoftmax(Function):
    """log softmax along ``axes``: y = x − log Σ exp x.

    A primitive rather than x − logsumexp(x): one graph node instead of seven, and a backward
    of four.  The shift by the maximum (a constant) keeps exp from overflowing.
    """

    rule = "d/dx = g − eʸ·Σg  (eʸ = softmax x)"

    def forward(self, x, *, axes):
        self.axes = axes
        if x.size == 0:  # nothing to normalise (and the log of an empty sum would warn)
            return x.copy()
        # BEGIN TASK 4 softmax
        xp, a = self.xp, x
        shift = xp.max(a, axis=axes, keepdims=True)
        z = a - xp.where(xp.isfinite(shift), shift, 0)
        return z - xp.log(xp.exp(z).sum(axis=axes, keepdims=True))
        # END TASK 4

    def backward(self, g):
        return (LogSoftmaxGrad.apply(g, self.output(), axes=self.axes),)


class LogSoftmaxGrad(Function):
    """g − eʸ·Σg for y = log softmax x: LogSoftmax's backward as one node.

    Its VJP, for an upstream h: d/dg = h − Σ(h·eʸ) (spread back), d/dy = −h·eʸ·Σg.
    """

    rule = "d/dg = h − Σ(h·eʸ),  d/dy = −h·eʸ·Σg"
    op_name = "log_softmax_grad"

    def forward(self, g, y, *, axes):
        self.axes = axes
        return g - self.xp.exp(y) * g.sum(axis=axes, keepdims=True)

    def backward(self, h):
        g, y = self.inputs
        p = Exp.apply(y)
        return (h - Sum.apply(h * p, axes=self.axes, keepdims=True) if self.needs_grad[0] else None,
                -h * p * Sum.apply(g, axes=self.axes, keepdims=True) if self.needs_grad[1] else None)

    def params(self):
        return {"axis": self.axes}
