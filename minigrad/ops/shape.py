"""Shape, indexing, joining, device and dtype primitives: they move numbers, never change them,
so each backward moves the gradient back the same way."""
import numpy as np

from .. import backend
from ..autograd import Function


class Reshape(Function):
    """a viewed with another shape.   Backward: g reshaped to a's shape."""

    def forward(self, a, shape):
        self.in_shape = a.shape
        return a.reshape(shape)

    def backward(self, g):
        return (g.reshape(self.in_shape),)


class Permute(Function):
    """a with its axes reordered.   Backward: g permuted by the inverse order."""

    def forward(self, a, axes):
        self.axes = axes
        return a.transpose(axes)

    def backward(self, g):
        inverse = [0] * len(self.axes)
        for position, axis in enumerate(self.axes):
            inverse[axis] = position
        return (Permute.apply(g, axes=tuple(inverse)),)


class BroadcastTo(Function):
    """a stretched to ``shape``.   d/da = 1 per copy: g summed over the stretched axes.

    Backward: g summed over the stretched axes, which the engine does for every input
    (autograd.sum_to), so g is returned as it is.
    """

    def forward(self, a, shape):
        return self.xp.broadcast_to(a, shape)

    def backward(self, g):
        return (g,)


def is_basic_index(index):
    """True when ``index`` selects each element at most once (ints, slices, None, ...)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, slice)) for p in parts)


class GetItem(Function):
    """a[index].   d/da = 1 at each selected place: g added into zeros of a's shape.

    Slices, integers, integer arrays and boolean masks, as NumPy.  Backward: g is added into zeros of a's shape at the selected places (ScatterAdd);
    an element selected twice by an integer array receives both gradients.
    """

    def forward(self, a, index):
        self.index, self.in_shape = index, a.shape
        return a[index]

    def backward(self, g):
        return (ScatterAdd.apply(g, index=self.index, shape=self.in_shape),)


class ScatterAdd(Function):
    """zeros(shape) with g added at ``index`` (the backward of GetItem).   Backward: gg[index]."""

    def forward(self, g, index, shape):
        self.index = index
        out = self.xp.zeros(shape, dtype=g.dtype)
        if is_basic_index(index):
            out[index] = g
        else:
            self.xp.add.at(out, index, g)
        return out

    def backward(self, gg):
        return (GetItem.apply(gg, index=self.index),)


class Concatenate(Function):
    """Tensors joined along ``axis``.   Backward: g cut back into the pieces."""

    def forward(self, *arrays, axis):
        self.axis = axis
        self.bounds = np.cumsum([0] + [a.shape[axis] for a in arrays]).tolist()
        return self.xp.concatenate(arrays, axis=axis)

    def backward(self, g):
        before = (slice(None),) * (self.axis % g.ndim)
        return tuple(g[before + (slice(lo, hi),)]
                     for lo, hi in zip(self.bounds[:-1], self.bounds[1:]))


class ToDevice(Function):
    """a copied to ``device``.   Backward: g copied back to a's device."""

    def forward(self, a, device):
        self.source = backend.device_of(a)
        return backend.to_device(a, device)

    def backward(self, g):
        return (g.to(self.source),)


class Cast(Function):
    """a converted to ``dtype``.   Backward: g converted back to a's dtype."""

    def forward(self, a, dtype):
        self.source = a.dtype
        return a.astype(dtype)

    def backward(self, g):
        return (g.astype(self.source),)
