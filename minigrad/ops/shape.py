"""Shape, indexing, joining, device and dtype primitives: they move numbers, never change them,
so each backward moves the gradient back the same way."""
import numpy as np

from .. import backend
from ..autograd import Function
from .pointwise import Elementwise


class Reshape(Function):
    """a viewed with another shape (one entry of ``shape`` may be -1: inferred from the size).

    The backward reshapes g to a's shape: every element keeps its place in memory order.
    """

    rule = "Backward: g reshaped to a's shape"

    def forward(self, a, *, shape):
        return a.reshape(shape)

    def backward(self, g):
        return (g.reshape(self.inputs[0].shape),)


class Permute(Function):
    """a with its axes reordered."""

    rule = "Backward: g permuted by the inverse order"

    def forward(self, a, *, axes):
        self.axes = axes
        return a.transpose(axes)

    def backward(self, g):
        inverse = [0] * len(self.axes)
        for position, axis in enumerate(self.axes):
            inverse[axis] = position
        return (Permute.apply(g, axes=tuple(inverse)),)


class BroadcastTo(Function):
    """a stretched to ``shape``.

    Backward: g summed over the stretched axes, which the engine does for every input
    (autograd.sum_to), so g is returned as it is.
    """

    rule = "d/da = 1 per copy: g summed over the stretched axes"

    def forward(self, a, *, shape):
        return self.xp.broadcast_to(a, shape)

    def backward(self, g):
        return (g,)


def is_basic_index(index):
    """True when ``index`` selects each element at most once (ints, slices, None, ...)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, slice)) for p in parts)


def empty_lists_as_integers(index):
    """``index`` with each empty array part (``x[[]]``: an empty list reads as float64) made an
    integer array, so that it selects nothing, as in NumPy and PyTorch."""
    def part(p):
        if getattr(p, "size", None) == 0 and getattr(p, "dtype", None) is not None \
                and p.dtype.kind == "f":
            return p.astype(np.intp)
        return p
    return tuple(part(p) for p in index) if isinstance(index, tuple) else part(index)


class GetItem(Function):
    """a[index].

    Slices, integers, integer arrays and boolean masks, as NumPy.  Backward: g is added into zeros of a's shape at the selected places (ScatterAdd);
    an element selected twice by an integer array receives both gradients.
    """

    rule = "d/da = 1 at each selected place: g added into zeros of a's shape"

    def forward(self, a, *, index):
        index = empty_lists_as_integers(index)
        self.index, self.in_shape = index, a.shape
        return a[index]

    def backward(self, g):
        return (ScatterAdd.apply(g, index=self.index, shape=self.in_shape),)

    def params(self):
        return {"index": index_text(self.index)}


class ScatterAdd(Function):
    """zeros(shape) with g added at ``index`` (the backward of GetItem)."""

    rule = "Backward: gg[index]"

    def forward(self, g, *, index, shape):
        self.index = index
        out = self.xp.zeros(shape, dtype=g.dtype)
        if is_basic_index(index):
            out[index] = g
        else:
            self.xp.add.at(out, index, g)
        return out

    def backward(self, gg):
        return (GetItem.apply(gg, index=self.index),)

    def params(self):
        return {"index": index_text(self.index), "shape": self.given["shape"]}


def index_part_text(p):
    """One part of an index as it was written: 1:3, ..., 0; an array as '[…]'."""
    if hasattr(p, "shape"):
        return "[…]"
    if isinstance(p, slice):
        text = ("" if p.start is None else str(p.start)) + ":" + \
            ("" if p.stop is None else str(p.stop))
        return text + ("" if p.step is None else f":{p.step}")
    return "..." if p is Ellipsis else str(p)


def index_text(index):
    """An index as it was written: (0, slice(1, 3)) → '[0, 1:3]'; arrays show as '[…]'."""
    parts = index if isinstance(index, tuple) else (index,)
    return "[" + ", ".join(index_part_text(p) for p in parts) + "]"


class Concatenate(Function):
    """Tensors joined along ``axis``."""

    rule = "Backward: g cut back into the pieces"

    def forward(self, *arrays, axis):
        self.axis = axis
        out = self.xp.concatenate(arrays, axis=axis)  # first: it names mismatched shapes
        self.bounds = np.cumsum([0] + [a.shape[axis] for a in arrays]).tolist()
        return out

    def backward(self, g):
        before = (slice(None),) * (self.axis % g.ndim)
        return tuple(g[before + (slice(lo, hi),)]
                     for lo, hi in zip(self.bounds[:-1], self.bounds[1:]))


class ToDevice(Function):
    """a copied to ``device``."""

    rule = "Backward: g copied back to a's device"

    def forward(self, a, *, device):
        self.source = backend.device_of(a)
        return backend.to_device(a, device)

    def backward(self, g):
        return (g.to(self.source),)


class Cast(Elementwise):
    """a converted to ``dtype``."""

    rule = "d/da = 1 (g converted back to a's dtype)"

    def forward(self, a, *, dtype):
        return a.astype(dtype)

    def backward(self, g):
        return (g.astype(self.inputs[0].dtype),)
