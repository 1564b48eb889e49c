"""The operations as functions: ``mg.exp(x)`` is ``x.exp()``, ``mg.add(2, x)`` is ``2 + x``.

Each function that a Tensor method already offers is that method (so there is one route from a
call to its primitive, whichever spelling the user chose); the functions with no method —
``where``, ``linear``, ``one_hot``, ``concatenate``, ``stack``, ``log_sigmoid`` — are written
here.  Composites have no backward of their own; autograd differentiates them through the
primitives they are made of, to any order.  Axis arguments follow NumPy: ``axis`` and
``keepdims``.
"""
import functools

import numpy as np

from . import ops
from .tensor import Tensor


def as_tensor(x, like=None):
    """``x`` as a Tensor; a Python number takes the dtype and device of ``like``."""
    if isinstance(x, Tensor):
        return x
    if like is not None:
        return like._operand(x)
    return Tensor(x)


def _pair(a, b):
    """``a`` and ``b`` as tensors; a Python number on either side takes the other's dtype and
    device."""
    if isinstance(a, Tensor):
        return a, a._operand(b)
    b = as_tensor(b)
    return b._operand(a), b


def _method_as_function(name):
    """The function form of the Tensor method ``name``: f(x, ...) = as_tensor(x).name(...)."""
    method = getattr(Tensor, name)

    @functools.wraps(method)
    def function(x, *args, **kwargs):
        check_tensor(name, "x", x)
        return method(x, *args, **kwargs)
    return function


def check_tensor(function, argument, value, optional=False):
    """A TypeError naming ``function`` and its ``argument`` unless ``value`` is a Tensor (or,
    when ``optional``, None), as PyTorch's "argument 'input' must be Tensor"."""
    if isinstance(value, Tensor) or (optional and value is None):
        return
    hint = " (wrap it with minigrad.tensor)" if hasattr(value, "__len__") or \
        isinstance(value, (int, float)) else ""
    raise TypeError(f"{function}(): argument '{argument}' must be a Tensor, not "
                    f"{type(value).__name__}{hint}")


def _tensor_sequence(function, tensors):
    """``tensors`` as a list of Tensors, or a TypeError naming the element that is not one."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{function}(): argument 'tensors' must be a list or tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{function}(): argument 'tensors': element {i} must be a Tensor, "
                            f"not {type(t).__name__}")
    if not tensors:
        raise ValueError(f"{function}: tensors is empty")
    return list(tensors)


def _check_axis(function, axis, ndim):
    """``axis`` in [-ndim, ndim) as a non-negative int, or an error naming it and ndim."""
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise TypeError(f"{function}: axis must be an int, not {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{function}: axis {axis} is out of range for tensors of {ndim} "
                         f"dimensions (expected -{ndim} <= axis < {ndim})")
    return axis % ndim


METHODS = ("exp", "log", "log1p", "sqrt", "abs", "tanh", "sigmoid", "relu", "softplus", "clip",
           "sum", "mean", "var", "max", "min", "logsumexp", "softmax",
           "log_softmax", "norm", "reshape", "permute", "transpose", "unsqueeze", "squeeze",
           "broadcast_to", "detach")
"""Tensor methods that are also functions of this module."""

for _name in METHODS:
    globals()[_name] = _method_as_function(_name)


# --- operators ----------------------------------------------------------------------------------
def add(a, b):
    a, b = _pair(a, b)
    return a + b


def sub(a, b):
    a, b = _pair(a, b)
    return a - b


def mul(a, b):
    a, b = _pair(a, b)
    return a * b


def div(a, b):
    a, b = _pair(a, b)
    return a / b


def matmul(a, b):
    a, b = _pair(a, b)
    return a @ b


def maximum(a, b):
    a, b = _pair(a, b)
    return a.maximum(b)


def minimum(a, b):
    a, b = _pair(a, b)
    return a.minimum(b)


def neg(x):
    return -x


def pow(base, exponent):
    """base ** exponent; a Python number on either side takes the other's dtype and device."""
    if isinstance(base, Tensor):
        return base ** exponent
    return as_tensor(exponent).__rpow__(base)


def getitem(x, index):
    """x[index] with NumPy's rules (Tensor.__getitem__)."""
    return x[index]


# --- functions with no method -------------------------------------------------------------------
def log_sigmoid(x):
    """log σ(x) = -softplus(-x), finite for any x."""
    return -(-x).softplus()


def where(condition, a, b):
    """a where ``condition`` holds, else b; the gradient goes to the branch that was taken."""
    condition = as_tensor(condition)
    if condition.dtype.kind != "b":
        raise TypeError(f"where: condition must be a bool tensor, not {condition.dtype}")
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError("where: at least one of a and b must be a Tensor")
    a, b = _pair(a, b)
    return ops.Where.apply(condition, a, b)


def linear(x, weight, bias=None):
    """x Wᵀ + b, W of shape (out_features, in_features) (a primitive: see ops.Linear)."""
    check_tensor("linear", "x", x)
    check_tensor("linear", "weight", weight)
    check_tensor("linear", "bias", bias, optional=True)
    return ops.Linear.apply(x, weight) if bias is None else ops.Linear.apply(x, weight, bias)


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


def concatenate(tensors, axis=0):
    """The tensors (a list or tuple) joined along ``axis``, an existing axis of each."""
    tensors = _tensor_sequence("concatenate", tensors)
    ndim = tensors[0].ndim
    if ndim == 0:
        raise ValueError("concatenate: 0-d tensors cannot be concatenated (they have no axis); "
                         "use stack")
    axis = _check_axis("concatenate", axis, ndim)
    return ops.Concatenate.apply(*tensors, axis=axis)


def stack(tensors, axis=0):
    """The tensors (a list or tuple, all of one shape) joined along a new axis ``axis``."""
    tensors = _tensor_sequence("stack", tensors)
    if len({t.shape for t in tensors}) != 1:
        raise ValueError(f"stack: tensors must share one shape; got {[t.shape for t in tensors]}")
    axis = _check_axis("stack", axis, tensors[0].ndim + 1)
    return concatenate([t.unsqueeze(axis) for t in tensors], axis)


__all__ = list(METHODS) + ["as_tensor", "add", "sub", "mul", "div", "matmul", "maximum", "minimum", "neg",
                           "pow",
                           "getitem", "log_sigmoid", "where", "linear", "one_hot",
                           "concatenate", "stack"]
