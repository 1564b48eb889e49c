"""Argument checks shared by every loss.

Each check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, wrong
value), and every message starts with the name of the argument at fault, so that
``cross_entropy(x, y)`` with a class index out of range says ``target: ...``.

Checks on values (probabilities in [0, 1], labels in {-1, +1}, class indices in range) read the
data once with a reduction, which on a GPU is one small transfer to the host.
"""
import numbers

import numpy as np

from ..tensor import Tensor

REDUCTIONS = ("none", "mean", "sum")


# --- Python values ---------------------------------------------------------------------------
def check_reduction(reduction, allowed=REDUCTIONS):
    """``reduction`` must be one of ``allowed`` ('none', 'mean', 'sum' by default)."""
    if not isinstance(reduction, str) or reduction not in allowed:
        raise ValueError(f"reduction: expected one of {allowed}, got {reduction!r}")


def check_number(name, value):
    """``value`` must be a real number (bool is refused: it is almost always a slip)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {type(value).__name__}")
    if not np.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")


def check_nonnegative(name, value):
    """``value`` must be a number ≥ 0."""
    check_number(name, value)
    if value < 0:
        raise ValueError(f"{name}: must be non-negative, got {value!r}")


def check_positive(name, value):
    """``value`` must be a number > 0."""
    check_number(name, value)
    if value <= 0:
        raise ValueError(f"{name}: must be positive, got {value!r}")


def check_in_range(name, value, low, high):
    """``value`` must be a number in the closed interval [low, high]."""
    check_number(name, value)
    if not low <= value <= high:
        raise ValueError(f"{name}: must lie in [{low}, {high}], got {value!r}")


def check_weighting_factor(name, value):
    """A balancing factor α in [0, 1], or -1 for 'no weighting' (torchvision's convention)."""
    check_number(name, value)
    if value != -1:
        check_in_range(name, value, 0.0, 1.0)


def check_bool(name, value):
    if not isinstance(value, bool):
        raise TypeError(f"{name}: expected True or False, got {value!r}")


def check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name}: expected one of {choices}, got {value!r}")


def check_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an integer, got {value!r}")


# --- tensors: kind, device, dtype, shape -----------------------------------------------------
def check_tensor(name, value, kind="float"):
    """``value`` must be a Tensor; ``kind`` 'float' (floating point), 'int' (integers) or 'any'."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}: expected a minigrad Tensor, got {type(value).__name__}")
    if kind == "float" and value.dtype.kind != "f":
        raise TypeError(f"{name}: expected a floating-point tensor, got dtype {value.dtype}")
    if kind == "int" and value.dtype.kind not in "iu":
        raise TypeError(f"{name}: expected an integer tensor (class indices), got dtype {value.dtype}")
    return value


def check_device(**tensors):
    """All the given tensors (None entries are skipped) must be on one device.

    The first one named sets the device: ``check_device(input=x, target=y)``.
    """
    first_name, first = None, None
    for name, t in tensors.items():
        if t is None:
            continue
        if first is None:
            first_name, first = name, t
        elif t.device != first.device:
            raise ValueError(f"{name}: is on device '{t.device}' but {first_name} is on "
                             f"'{first.device}'; move it with .to('{first.device}')")


def check_same_dtype(name, tensor, like_name, like):
    """A floating ``tensor`` must have the dtype of ``like`` (no silent promotion)."""
    if tensor.dtype != like.dtype:
        raise TypeError(f"{name}: dtype {tensor.dtype} differs from {like_name}'s {like.dtype}; "
                        f"convert it with .astype({like_name}.dtype)")


def check_same_shape(name, tensor, like_name, like):
    """``tensor`` must have the shape of ``like``: no silent broadcasting.

    To broadcast on purpose, say so: ``target.broadcast_to(input.shape)``.
    """
    if tensor.shape != like.shape:
        raise ValueError(f"{name}: shape {tensor.shape} differs from {like_name}'s shape "
                         f"{like.shape}; broadcast it explicitly if that is what you mean")


def check_broadcastable(name, tensor, shape):
    """``tensor`` (a weight) must broadcast to ``shape`` without making the result larger."""
    try:
        result = np.broadcast_shapes(tensor.shape, shape)
    except ValueError:
        result = None
    if result != tuple(shape):
        raise ValueError(f"{name}: shape {tensor.shape} does not broadcast to {tuple(shape)}")


def check_ndim(name, tensor, allowed):
    """``tensor.ndim`` must be one of ``allowed``."""
    if tensor.ndim not in allowed:
        raise ValueError(f"{name}: expected {' or '.join(map(str, allowed))} dimensions, "
                         f"got shape {tensor.shape}")


def check_float_like(name, tensor, like_name, like, same_shape=True):
    """The usual check of a floating companion tensor: a Tensor, same device, dtype (and shape)."""
    check_tensor(name, tensor, "float")
    check_device(**{like_name: like, name: tensor})
    check_same_dtype(name, tensor, like_name, like)
    if same_shape:
        check_same_shape(name, tensor, like_name, like)


def check_weight(name, weight, like_name, like, shape):
    """An optional weight: None, or a floating tensor on ``like``'s device and dtype that
    broadcasts to ``shape``."""
    if weight is None:
        return
    check_float_like(name, weight, like_name, like, same_shape=False)
    check_broadcastable(name, weight, shape)


# --- tensors: values -------------------------------------------------------------------------
def _all(array):
    return bool(array.all())


def check_in_interval(name, tensor, low, high, what):
    """Every element lies in [low, high] (NaN fails: it propagates through min and max)."""
    if not tensor.size:
        return
    smallest, largest = float(tensor.data.min()), float(tensor.data.max())
    if not (low <= smallest and largest <= high):
        raise ValueError(f"{name}: {what} must lie in [{low}, {high}]; got values from "
                         f"{smallest} to {largest}")


def check_probabilities(name, tensor):
    """Every element is a probability in [0, 1]."""
    check_in_interval(name, tensor, 0, 1, "probabilities")


def check_labels_in(name, tensor, allowed):
    """Every element is one of the label values ``allowed`` (e.g. (-1, 1) or (0, 1))."""
    if not tensor.size:
        return
    ok = tensor.data == allowed[0]
    for value in allowed[1:]:
        ok = ok | (tensor.data == value)
    if not _all(ok):
        raise ValueError(f"{name}: labels must be in {{{', '.join(map(str, allowed))}}}; got values "
                         f"from {float(tensor.data.min())} to {float(tensor.data.max())}")


def check_class_indices(name, target, num_classes, ignore_index=None):
    """Integer class indices in [0, num_classes), or equal to ``ignore_index``."""
    if not target.size:
        return
    data = target.data
    smallest, largest = int(data.min()), int(data.max())
    if 0 <= smallest and largest < num_classes:
        return
    valid = (data >= 0) & (data < num_classes)
    if ignore_index is not None:
        valid = valid | (data == ignore_index)
    if not _all(valid):
        ignored = "" if ignore_index is None else f" (or ignore_index={ignore_index})"
        raise ValueError(f"{name}: class indices must lie in [0, {num_classes}){ignored}; got "
                         f"values from {smallest} to {largest}")
