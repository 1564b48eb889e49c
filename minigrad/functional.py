"""The functions users call: one per primitive, and the composites built from them.

Composites have no backward of their own; autograd differentiates them through the primitives
they are made of, to any order.  Axis arguments follow NumPy: ``axis`` and ``keepdims``.
"""
import math

from . import ops
from .ops import normalize_axes
from .tensor import Tensor, is_floating


def as_tensor(x, like=None):
    """``x`` as a Tensor; a Python number takes the dtype and device of ``like``."""
    if isinstance(x, Tensor):
        return x
    if like is not None:
        return like._operand(x)
    return Tensor(x)


def _pair(a, b):
    if isinstance(a, Tensor):
        return a, a._operand(b)
    b = as_tensor(b)
    return b._operand(a), b


# --- pointwise ----------------------------------------------------------------------------------
def add(a, b):
    return ops.Add.apply(*_pair(a, b))


def sub(a, b):
    return ops.Sub.apply(*_pair(a, b))


def mul(a, b):
    return ops.Mul.apply(*_pair(a, b))


def div(a, b):
    return ops.Div.apply(*_pair(a, b))


def neg(x):
    return ops.Neg.apply(x)


def pow(base, exponent):
    """base ** exponent; a Python number on either side takes the other's dtype and device."""
    if isinstance(base, Tensor):
        return base ** exponent
    return as_tensor(exponent).__rpow__(base)


def exp(x):
    return ops.Exp.apply(x)


def log(x):
    return ops.Log.apply(x)


def log1p(x):
    return ops.Log1p.apply(x)


def sqrt(x):
    return ops.Sqrt.apply(x)


def abs(x):
    return ops.Abs.apply(x)


def tanh(x):
    return ops.Tanh.apply(x)


def sigmoid(x):
    return ops.Sigmoid.apply(x)


def relu(x):
    return ops.Relu.apply(x)


def softplus(x):
    """log(1 + eˣ), finite for any x (a primitive: see ops.Softplus)."""
    return ops.Softplus.apply(x)


def log_sigmoid(x):
    """log σ(x) = -softplus(-x), finite for any x."""
    return -softplus(-x)


def clip(x, min=None, max=None):
    """x limited to [min, max]; the gradient is 1 inside (ends included) and 0 outside."""
    if min is None and max is None:
        raise ValueError("clip: give at least one of min and max")
    return ops.Clip.apply(x, lo=min, hi=max)


def maximum(a, b):
    return ops.Maximum.apply(*_pair(a, b))


def minimum(a, b):
    return ops.Minimum.apply(*_pair(a, b))


def where(condition, a, b):
    """a where ``condition`` holds, else b; the gradient goes to the branch that was taken."""
    condition = as_tensor(condition)
    if condition.dtype.kind != "b":
        raise TypeError(f"where: condition must be a bool tensor, not {condition.dtype}")
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError("where: at least one of a and b must be a Tensor")
    a, b = _pair(a, b)
    return ops.Where.apply(condition, a, b)


# --- reductions ---------------------------------------------------------------------------------
def sum(x, axis=None, keepdims=False):
    return ops.Sum.apply(x, axes=normalize_axes(axis, x.ndim), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    axes = normalize_axes(axis, x.ndim)
    count = math.prod(x.shape[a] for a in axes)
    return sum(x, axes, keepdims) / float(count)


def var(x, axis=None, keepdims=False, correction=1):
    """Variance over ``axis`` with ``correction`` subtracted from the count (1: unbiased)."""
    axes = normalize_axes(axis, x.ndim)
    count = math.prod(x.shape[a] for a in axes)
    deviation = x - mean(x, axes, keepdims=True)
    return sum(deviation * deviation, axes, keepdims) / float(count - correction)


def max(x, axis=None, keepdims=False):
    """Maximum over ``axis``; tied maxima share the gradient equally (see ops.Max)."""
    return ops.Max.apply(x, axes=normalize_axes(axis, x.ndim), keepdims=keepdims)


def min(x, axis=None, keepdims=False):
    """Minimum over ``axis``, as -max(-x): tied minima share the gradient equally."""
    return -max(-x, axis, keepdims)


def logsumexp(x, axis=None, keepdims=False):
    """log Σ exp(x) over ``axis``, shifted by the maximum so that nothing overflows.

    The shift m is a constant (detached): log Σ e^x = m + log Σ e^(x-m) for any m, so it
    changes no derivative.
    """
    axes = normalize_axes(axis, x.ndim)
    xp = x.xp
    shift = xp.max(x.data, axis=axes, keepdims=True) if x.size else xp.zeros(())
    shift = xp.where(xp.isfinite(shift), shift, 0)
    shift = Tensor._wrap(shift.astype(x.dtype))
    out = log(sum(exp(x - shift), axes, keepdims=True)) + shift
    return out if keepdims else out.reshape(tuple(n for i, n in enumerate(out.shape) if i not in axes))


def log_softmax(x, axis=-1):
    """x − log Σ exp x along ``axis`` (a primitive: see ops.LogSoftmax)."""
    return ops.LogSoftmax.apply(x, axes=normalize_axes(axis, x.ndim))


def linear(x, weight, bias=None):
    """x Wᵀ + b, W of shape (out_features, in_features) (a primitive: see ops.Linear)."""
    return ops.Linear.apply(x, weight) if bias is None else ops.Linear.apply(x, weight, bias)


def softmax(x, axis=-1):
    """exp(x) / Σ exp(x) along ``axis``, shifted by the (constant) maximum."""
    axes = normalize_axes(axis, x.ndim)
    xp = x.xp
    shift = xp.max(x.data, axis=axes, keepdims=True) if x.size else xp.zeros((), x.dtype)
    e = exp(x - Tensor._wrap(shift))
    return e / sum(e, axes, keepdims=True)


def norm(x, ord=2, axis=None, keepdims=False):
    """The vector p-norm over ``axis`` (ord = 1, 2, any p > 0, or math.inf).

    At a zero vector the gradient is 0 (the subgradient PyTorch uses), not NaN: the root
    (Σ|x|^p)^(1/p) has an infinite slope at 0, so no gradient is routed through it there.
    """
    if ord == 1:
        return sum(abs(x), axis, keepdims)
    if ord == math.inf:
        return max(abs(x), axis, keepdims)
    if isinstance(ord, (int, float)) and ord > 0:
        total = sum(x * x if ord == 2 else abs(x) ** ord, axis, keepdims)
        zero = Tensor._wrap(total.data == 0)
        safe = where(zero, 1.0, total)
        return where(zero, 0.0, sqrt(safe) if ord == 2 else safe ** (1.0 / ord))
    raise ValueError(f"norm: ord must be a positive number or math.inf, not {ord!r}")


def one_hot(labels, num_classes=-1):
    """Integer ``labels`` of any shape → int64 tensor with a trailing axis of ``num_classes``."""
    labels = as_tensor(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"one_hot: labels must be an integer tensor, not {labels.dtype}")
    xp = labels.xp
    high = int(labels.data.max()) if labels.size else -1
    if num_classes == -1:
        num_classes = high + 1
    if labels.size and (int(labels.data.min()) < 0 or high >= num_classes):
        raise ValueError(f"one_hot: labels must lie in [0, {num_classes}); "
                         f"got values from {int(labels.data.min())} to {high}")
    out = labels.data[..., None] == xp.arange(num_classes)
    return Tensor._wrap(out.astype(xp.int64))


# --- shape --------------------------------------------------------------------------------------
def _shape_arg(shape):
    """Accept f(x, 2, 3) and f(x, (2, 3)) alike."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


def reshape(x, *shape):
    shape = _shape_arg(shape)
    return x if shape == x.shape else ops.Reshape.apply(x, shape=shape)


def permute(x, *axes):
    axes = _shape_arg(axes)
    in_range = all(isinstance(a, int) and -x.ndim <= a < x.ndim for a in axes)
    if len(axes) != x.ndim or not in_range or sorted(a % x.ndim for a in axes) != list(range(x.ndim)):
        raise ValueError(f"permute: axes {axes} are not a permutation of {x.ndim} axes")
    return ops.Permute.apply(x, axes=tuple(a % x.ndim for a in axes))


def transpose(x, axis0=-2, axis1=-1):
    """x with two axes swapped (the last two by default)."""
    if x.ndim == 0:  # as torch: 0 and -1 name the one "axis" of a 0-d tensor
        normalize_axes((axis0, axis1), 0)
        return x
    order = list(range(x.ndim))
    (axis0, axis1) = normalize_axes(axis0, x.ndim)[0], normalize_axes(axis1, x.ndim)[0]
    order[axis0], order[axis1] = order[axis1], order[axis0]
    return permute(x, *order)


def unsqueeze(x, axis):
    if not -x.ndim - 1 <= axis <= x.ndim:
        raise ValueError(f"unsqueeze: axis {axis} is out of range for {x.ndim} dimensions")
    axis %= x.ndim + 1
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])


def squeeze(x, axis=None):
    axes = normalize_axes(axis, x.ndim)
    for a in axes:
        if axis is not None and x.shape[a] != 1:
            raise ValueError(f"squeeze: axis {a} has size {x.shape[a]}, not 1")
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if not (i in axes and n == 1)))


def broadcast_to(x, *shape):
    shape = _shape_arg(shape)
    return x if shape == x.shape else ops.BroadcastTo.apply(x, shape=shape)


def _device_index(part, x):
    """One part of an index, as an array on x's device when it is a tensor or a list."""
    if isinstance(part, Tensor):
        if part.device != x.device:
            raise RuntimeError(f"index: the index is on {part.device}, the tensor on {x.device}")
        if part.dtype.kind not in "iub":
            raise TypeError(f"index: an index tensor must hold integers or bools, not {part.dtype}")
        return part.data
    if isinstance(part, list) or (x.device != "cpu" and hasattr(part, "__array__")):
        return x.xp.asarray(part)
    return part


def getitem(x, index):
    """x[index] with NumPy's rules; repeated integer indices accumulate their gradients."""
    if isinstance(index, tuple):
        index = tuple(_device_index(p, x) for p in index)
    else:
        index = _device_index(index, x)
    try:
        return ops.GetItem.apply(x, index=index)
    except IndexError as err:
        raise IndexError(f"index: {err} (tensor shape {x.shape})") from None


def concatenate(tensors, axis=0):
    tensors = list(tensors)
    if not tensors:
        raise ValueError("concatenate: tensors is empty")
    return ops.Concatenate.apply(*tensors, axis=axis)


def stack(tensors, axis=0):
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack: tensors is empty")
    if len({t.shape for t in tensors}) != 1:
        raise ValueError(f"stack: tensors must share one shape; got {[t.shape for t in tensors]}")
    return concatenate([unsqueeze(t, axis) for t in tensors], axis)


def matmul(a, b):
    return ops.MatMul.apply(*_pair(a, b))


def detach(x):
    return x.detach()


__all__ = [name for name in dir() if not name.startswith("_") and name not in
           ("math", "ops", "Tensor", "is_floating", "normalize_axes")]
