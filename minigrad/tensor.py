"""The Tensor: an array on a device, with an optional link into the autograd graph.

Every operator and method of a Tensor calls its primitive (``minigrad.ops``) directly, or is
composed here from other methods; ``minigrad.functional`` offers the same operations as
functions.  So "where is ``+``?" has one answer: ``Tensor.__add__`` → ``ops.Add``.

In-place operations
-------------------
``t += x``, ``-=``, ``*=``, ``/=`` and the methods ``add_(x, alpha=1)``, ``sub_(x, alpha=1)``,
``mul_``, ``div_``, ``zero_()``, ``fill_(value)`` and ``copy_(src)`` change the tensor's own
array, count the change in its version (``t._version``) and return the tensor itself, as
PyTorch's do.  So, under ``no_grad()``, ``p -= lr * p.grad`` and ``model.weight -= ...``
update a parameter where it lives: the same object, in the model, its ``state_dict()`` and
its optimiser.

They record no graph.  With grad mode on they refuse (RuntimeError) a tensor that requires
grad: a leaf with PyTorch's words, "a leaf Variable that requires grad is being used in an
in-place operation.", a non-leaf (the output of an operation) with an error that says to
write the out-of-place form ``y = y + x``; and they refuse an operand that requires grad,
whose result would need a graph node.  (PyTorch records in-place operations on non-leaves;
here a node holds its input tensors, so recording one would need the graph rewritten.)
Under ``no_grad()`` they run on any writable tensor.

A primitive that recorded a tensor notes its version; if the tensor is changed in place
before backward reads it (an in-place operator, an optimiser step, an ``nn.init`` function,
``copy_``), that backward raises PyTorch's error "one of the variables needed for gradient
computation has been modified by an inplace operation: ... is at version N; expected version
M instead" rather than use the new value.  ``detach()`` shares the version counter.
"""
import math
import operator

import numpy as np

from . import autograd, backend, ops
from .ops import normalize_axes

FLOAT_DTYPES = ("float16", "float32", "float64")
DTYPES = FLOAT_DTYPES + ("int8", "int16", "int32", "int64", "uint8", "bool")
float16, float32, float64 = (np.dtype(n) for n in FLOAT_DTYPES)
int8, int16, int32, int64, uint8, bool_ = (np.dtype(n) for n in DTYPES[3:])


def check_dtype(dtype):
    """The NumPy dtype named by ``dtype`` (a string, NumPy dtype or type), or a clear error."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.name not in DTYPES:
        raise ValueError(f"dtype: unknown or unsupported dtype {dtype!r}; expected one of {DTYPES}")
    return dt


def is_floating(dtype):
    return dtype.kind == "f"


class Tensor:
    """An n-dimensional array on a device ('cpu' or 'cuda') that can take part in autograd.

    ``data`` is the raw array (NumPy or CuPy), ``grad`` the accumulated gradient (a Tensor or
    None), ``_node`` the primitive that produced the tensor (None for a leaf), and
    ``_version`` the number of in-place changes of its array (see "In-place operations" in
    the module's docstring).
    """

    __slots__ = ("data", "device", "requires_grad", "_grad", "_node", "_vc", "__weakref__")
    __array_ufunc__ = None  # numpy scalars defer to Tensor's operators (2.0 * t is a Tensor)
    __hash__ = object.__hash__  # __eq__ is elementwise, tensors stay usable as dict keys

    def __init__(self, data, dtype=None, device=None, requires_grad=False):
        if dtype is not None:
            dtype = check_dtype(dtype)
        if device is not None:
            device = backend.check_device(device)
        if isinstance(data, Tensor):
            array = data.data.copy()
        elif isinstance(data, (np.ndarray, np.generic)):
            array = np.array(data)
        elif backend.is_cuda_array(data):
            array = backend.namespace("cuda").array(data)
        else:
            try:
                array = np.array(data)
            except ValueError as err:
                raise ValueError(f"data: cannot build a tensor from {type(data).__name__}: {err}") from None
            if array.dtype == np.float64 and dtype is None:
                array = array.astype(np.float32)  # Python floats default to float32, as in torch
        if array.dtype.name not in DTYPES:
            raise ValueError(f"data: unsupported element type {array.dtype} (expected numbers)")
        if device is not None:
            array = backend.to_device(array, device)
        if dtype is not None and array.dtype != dtype:
            array = array.astype(dtype)
        self.data = array
        self.device = backend.device_of(array)
        self._grad = None
        self._node = None
        self._vc = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_()

    @classmethod
    def _wrap(cls, data, requires_grad=False, node=None):
        """A tensor around a raw array, with no copy and no checks (the engine's fast path)."""
        t = object.__new__(cls)
        if type(data) is np.ndarray:
            t.device = "cpu"
        elif isinstance(data, np.generic):  # NumPy reductions of 0-d arrays return scalars
            data = np.asarray(data)
            t.device = "cpu"
        else:
            t.device = "cuda"
        t.data = data
        t.requires_grad = requires_grad
        t._grad = None
        t._node = node
        t._vc = None
        return t

    @classmethod
    def _constant(cls, data, device):
        """A tensor outside the graph around ``data`` (an array or a NumPy scalar) on ``device``.

        NumPy scalars stay scalars: NumPy and CuPy arrays both combine with them, so a Python
        number or a mask computed from a scalar needs no transfer to meet a 'cuda' tensor.
        """
        t = object.__new__(cls)
        t.data, t.device, t.requires_grad, t._grad, t._node = data, device, False, None, None
        t._vc = None
        return t

    # --- attributes --------------------------------------------------------------------------
    # The array's own attributes, read through.
    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    dtype = property(lambda self: self.data.dtype)

    @property
    def xp(self):
        """The array module of this tensor's device (numpy or cupy)."""
        return backend.namespace(self.device)

    @property
    def is_leaf(self):
        return self._node is None

    @property
    def grad_fn(self):
        """The primitive that produced this tensor (None for a leaf)."""
        return self._node

    @property
    def grad(self):
        """The accumulated gradient: a Tensor of this tensor's shape, dtype kind and device,
        or None."""
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError("assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value.data.shape != self.data.shape:
                raise RuntimeError(f"assigned grad has data of a different size: a gradient "
                                   f"of shape {value.shape} for a tensor of shape {self.shape}")
            if value.data.dtype.kind != self.data.dtype.kind:
                raise RuntimeError(f"assigned grad has data of a different type: the grad is "
                                   f"{value.dtype}, the tensor {self.dtype}")
            if value.device != self.device:
                raise RuntimeError(f"assigned grad has data located on a different device: the "
                                   f"grad is on {value.device}, the tensor on {self.device}")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def _version(self):
        """How many times this tensor's array was changed in place (shared with ``detach()``)."""
        return 0 if self._vc is None else self._vc[0]

    def requires_grad_(self, requires_grad=True):
        if requires_grad and not is_floating(self.dtype):
            raise ValueError(
                f"requires_grad: only floating-point tensors can require grad; this one is {self.dtype}")
        if not self.is_leaf:
            raise RuntimeError("requires_grad: can only be set on a leaf tensor; use .detach() first")
        self.requires_grad = bool(requires_grad)
        return self

    def zero_grad(self):
        self.grad = None

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __repr__(self):
        body = np.array2string(self.numpy(), separator=", ", prefix="tensor(")
        extra = [] if self.dtype in (float32, int64, bool_) else [f"dtype={self.dtype}"]
        if self.device != "cpu":
            extra.append(f"device='{self.device}'")
        if self._node is not None:
            extra.append(f"grad_fn={self._node.name}")
        elif self.requires_grad:
            extra.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extra) + ")"

    # --- conversion --------------------------------------------------------------------------
    def numpy(self):
        """A NumPy copy of the data on the host."""
        return np.array(backend.to_device(self.data, "cpu"))

    def __array__(self, dtype=None, copy=None):
        if self.device != "cpu":
            raise TypeError("implicit conversion of a 'cuda' tensor to NumPy; use .numpy()")
        return self.data if dtype is None else self.data.astype(dtype)

    def item(self):
        if self.size != 1:
            raise ValueError(f"item(): the tensor has {self.size} elements, not 1")
        return self.data.item()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        return bool(self.item())

    def tolist(self):
        return self.numpy().tolist()

    def detach(self):
        """The same data, cut from the graph.  It shares this tensor's version counter (as in
        PyTorch), so an in-place change through it is seen by a backward that needs the data."""
        if self._vc is None:
            self._vc = [0]
        t = Tensor._wrap(self.data)
        t._vc = self._vc
        return t

    def to(self, device):
        """This tensor on ``device`` (differentiable: the gradient travels back)."""
        device = backend.check_device(device)
        return self if device == self.device else ops.ToDevice.apply(self, device=device)

    def cpu(self):
        return self.to("cpu")

    def astype(self, dtype):
        """A copy in ``dtype`` (a new tensor even when the dtype is the same, as NumPy's astype);
        differentiable between floating dtypes."""
        dtype = check_dtype(dtype)
        source = self if is_floating(dtype) else self.detach()
        return ops.Cast.apply(source, dtype=dtype)

    # As torch's .float(), .double(), .long(): the tensor itself when it has the dtype already
    # (astype, as NumPy's, always gives a new tensor).
    def float(self):
        return self if self.dtype == float32 else self.astype(float32)

    def double(self):
        return self if self.dtype == float64 else self.astype(float64)

    def long(self):
        return self if self.dtype == int64 else self.astype(int64)

    def __dlpack__(self, *args, **kwargs):
        """Share the data with another library (torch.from_dlpack, cupy.from_dlpack)."""
        if self.requires_grad:
            raise RuntimeError("__dlpack__: a tensor that requires grad cannot be shared; "
                               "use .detach() first")
        return self.data.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self.data.__dlpack_device__()

    # --- autograd ----------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=False, create_graph=False):
        """Accumulate d(self)/d(leaf) into the ``.grad`` of every leaf that requires grad.

        ``gradient`` is required for a non-scalar tensor: backward then computes the
        vector-Jacobian product with it.  The graph's saved values are freed unless
        ``retain_graph``; ``create_graph`` records the backward pass for higher derivatives.
        """
        autograd.backward(self, gradient, retain_graph, create_graph)

    # --- operators ---------------------------------------------------------------------------
    def _operand(self, other):
        """``other`` as a tensor on this device; Python numbers take this tensor's dtype.

        A Python number becomes a NumPy scalar, which both NumPy and CuPy combine with their
        arrays without a transfer; the tensor around it claims this tensor's device.
        """
        if isinstance(other, Tensor):
            return other
        if isinstance(other, np.generic) and other.dtype.kind in "biuf":
            other = other.item()  # a NumPy scalar is a number like a Python one (as in torch)
        if isinstance(other, (bool, int, float)):
            dtype = self.data.dtype
            if dtype.kind == "b" or (dtype.kind != "f" and isinstance(other, float)):
                dtype = float32 if isinstance(other, float) else int64
            if dtype.kind in "iu" and not isinstance(other, bool):
                info = np.iinfo(dtype)  # NumPy would wrap it around (or raise deep inside)
                if not info.min <= other <= info.max:
                    raise OverflowError(
                        f"operand: the value {other} does not fit in the {dtype} tensor's dtype "
                        f"(range {info.min} to {info.max}); convert the tensor first, e.g. "
                        "with .long()")
            return Tensor._constant(dtype.type(other), self.device)
        if isinstance(other, (np.ndarray, np.generic)):
            if self.device != "cpu":
                raise TypeError("operand: a NumPy array cannot meet a 'cuda' tensor; "
                                "move it with minigrad.tensor(array, device='cuda')")
            return Tensor._wrap(np.asarray(other))
        raise TypeError(f"operand: unsupported type {type(other).__name__}")

    def _two_inputs(op):
        """The operator for the two-input primitive ``op`` (t + 2) and its reflected form
        (2 + t, which Python calls on the right operand)."""
        def method(self, other):
            return op.apply(self, self._operand(other))

        def reflected(self, other):
            return op.apply(self._operand(other), self)
        return method, reflected

    __add__, __radd__ = _two_inputs(ops.Add)
    __sub__, __rsub__ = _two_inputs(ops.Sub)
    __mul__, __rmul__ = _two_inputs(ops.Mul)
    __truediv__, __rtruediv__ = _two_inputs(ops.Div)
    __matmul__, __rmatmul__ = _two_inputs(ops.MatMul)
    del _two_inputs

    # --- in-place operations (the module's docstring says what they do and refuse) -------

    def _inplace(self, name, operand=None):
        """Check that ``name`` may change this tensor in place (see above)."""
        if autograd.is_grad_enabled():
            if self.requires_grad:
                if self._node is None:
                    raise RuntimeError("a leaf Variable that requires grad is being used in an "
                                       "in-place operation.")
                raise RuntimeError(
                    f"{name}: an in-place operation on a tensor that requires grad (the output "
                    f"of {self._node.name}) while grad mode is on; minigrad records no in-place "
                    "operations: write the out-of-place form (y = y + x), or run it under "
                    "no_grad()")
            if operand is not None and operand.requires_grad:
                raise RuntimeError(
                    f"{name}: the operand requires grad, and minigrad records no in-place "
                    "operations: write the out-of-place form (y = y + x), or detach the operand")
        if operand is not None and operand.device != self.device:
            raise RuntimeError(f"{name}: the operand is on {operand.device}, the tensor on "
                               f"{self.device}; move one with .to(device) first")
        flags = getattr(self.data, "flags", None)
        if not getattr(flags, "writeable", True) or isinstance(self.data, np.generic):
            raise RuntimeError(
                f"{name}: this tensor's array is read-only (a broadcast view, or from_numpy "
                "of a read-only array); copy it first (t = minigrad.tensor(t))")

    def _update(self, name, update, value):
        """``update(array, value)`` (an in-place array operator) on this tensor's array."""
        try:
            update(self.data, value)
        except (TypeError, ValueError) as err:  # a result of another dtype kind, or shape
            raise RuntimeError(f"{name}: cannot write the result into this tensor of shape "
                               f"{self.shape} and dtype {self.dtype}: {err}") from None
        autograd.bump_version(self)
        return self

    def _arithmetic_(name, update, doc):
        def method(self, other, *, alpha=1):
            other = self._operand(other)
            self._inplace(name, other)
            value = other.data if alpha == 1 else other.data * alpha
            return self._update(name, update, value)
        method.__name__, method.__qualname__ = name, f"Tensor.{name}"
        method.__doc__ = f"self {doc} alpha·other, in place (see 'in-place operations'); returns self."
        return method

    add_ = _arithmetic_("add_", operator.iadd, "+=")
    sub_ = _arithmetic_("sub_", operator.isub, "-=")
    mul_ = _arithmetic_("mul_", operator.imul, "*=")
    div_ = _arithmetic_("div_", operator.itruediv, "/=")
    del _arithmetic_

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def fill_(self, value):
        """Every element set to the number ``value``, in place; returns self."""
        self._inplace("fill_")
        return self._update("fill_", _assign, self.data.dtype.type(value))

    def zero_(self):
        """Every element set to 0, in place; returns self."""
        return self.fill_(0)

    def copy_(self, src):
        """The values of ``src`` (a Tensor, or an array on any device) written into this tensor,
        in place: converted to its dtype, moved to its device and broadcast to its shape;
        returns self.  ``load_state_dict`` copies through it under no_grad()."""
        if isinstance(src, Tensor):
            self._inplace("copy_", src)
            src = src.data
        else:
            self._inplace("copy_")
            if not backend.is_cuda_array(src):
                src = np.asarray(src)
        value = backend.to_device(src, self.device)
        if value.dtype != self.data.dtype:
            value = value.astype(self.data.dtype)
        return self._update("copy_", _assign, value)

    def __pow__(self, exponent):
        if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
            return ops.PowScalar.apply(self, exponent=exponent)
        return ops.Pow.apply(self, self._operand(exponent))

    def __rpow__(self, base):
        return ops.Pow.apply(self._operand(base), self)

    def __neg__(self):
        return ops.Neg.apply(self)

    def _comparison(compare):
        """An operator that compares (or combines bools) elementwise, outside the graph."""
        def method(self, other):
            if other is None:  # Python then compares identities: t == None is False, as in torch
                return NotImplemented
            return Tensor._wrap(compare(self.data, self._operand(other).data))
        return method

    __eq__, __ne__ = _comparison(operator.eq), _comparison(operator.ne)
    __lt__, __le__ = _comparison(operator.lt), _comparison(operator.le)
    __gt__, __ge__ = _comparison(operator.gt), _comparison(operator.ge)
    __and__, __or__ = _comparison(operator.and_), _comparison(operator.or_)
    del _comparison

    def __invert__(self):
        if self.dtype != bool_:
            raise TypeError(f"~ needs a bool tensor, not {self.dtype}")
        return Tensor._wrap(~self.data)

    def __getitem__(self, index):
        """self[index] with NumPy's rules; repeated integer indices accumulate their gradients."""
        if isinstance(index, tuple):
            index = tuple(self._index_part(p) for p in index)
        else:
            index = self._index_part(index)
        try:
            return ops.GetItem.apply(self, index=index)
        except IndexError as err:
            raise IndexError(f"index: {err} (tensor shape {self.shape})") from None

    def _index_part(self, part):
        """One part of an index, as an array on this tensor's device when it is a tensor or a
        list."""
        if isinstance(part, Tensor):
            if part.device != self.device:
                raise RuntimeError(f"index: the index is on {part.device}, the tensor on {self.device}")
            if part.dtype.kind not in "iub":
                raise TypeError(f"index: an index tensor must hold integers or bools, not {part.dtype}")
            return part.data
        if isinstance(part, list) or (self.device != "cpu" and hasattr(part, "__array__")):
            return self.xp.asarray(part)
        return part

    # --- reductions ----------------------------------------------------------------------------
    def sum(self, axis=None, keepdims=False):
        return ops.Sum.apply(self, axes=normalize_axes(axis, self.ndim), keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        axes = normalize_axes(axis, self.ndim)
        return self.sum(axes, keepdims) / float(math.prod(self.shape[a] for a in axes))

    def var(self, axis=None, keepdims=False, correction=1):
        """Variance over ``axis`` with ``correction`` subtracted from the count (1: unbiased)."""
        axes = normalize_axes(axis, self.ndim)
        count = math.prod(self.shape[a] for a in axes)
        deviation = self - self.mean(axes, keepdims=True)
        return (deviation * deviation).sum(axes, keepdims) / float(count - correction)

    def max(self, axis=None, keepdims=False):
        """Maximum over ``axis``; tied maxima share the gradient equally (see ops.Max)."""
        return ops.Max.apply(self, axes=normalize_axes(axis, self.ndim), keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        """Minimum over ``axis``, as -max(-x): tied minima share the gradient equally."""
        return -(-self).max(axis, keepdims)

    def argmax(self, axis=None, keepdims=False):
        return Tensor._wrap(self.xp.argmax(self.data, axis=axis, keepdims=keepdims))

    def argmin(self, axis=None, keepdims=False):
        return Tensor._wrap(self.xp.argmin(self.data, axis=axis, keepdims=keepdims))

    def _max_shift(self, axes):
        """The maximum over ``axes`` (kept), 0 where it is not finite: a constant by which
        exp's argument is shifted so that nothing overflows."""
        # BEGIN TASK 4 softmax
        xp = self.xp
        shift = xp.max(self.data, axis=axes, keepdims=True) if self.size else xp.zeros((), self.dtype)
        return Tensor._wrap(xp.where(xp.isfinite(shift), shift, 0).astype(self.dtype))
        # END TASK 4

    def logsumexp(self, axis=None, keepdims=False):
        """log Σ exp(x) over ``axis``, shifted by the maximum so that nothing overflows.

        The shift m is a constant (detached): log Σ e^x = m + log Σ e^(x-m) for any m, so it
        changes no derivative.
        """
        axes = normalize_axes(axis, self.ndim)
        # BEGIN TASK 4 softmax
        shift = self._max_shift(axes)
        out = (self - shift).exp().sum(axes, keepdims=True).log() + shift
        return out if keepdims else out.reshape(tuple(n for i, n in enumerate(out.shape) if i not in axes))
        # END TASK 4

    def softmax(self, axis=-1):
        """exp(x) / Σ exp(x) along ``axis``, shifted by the (constant) maximum."""
        axes = normalize_axes(axis, self.ndim)
        # BEGIN TASK 4 softmax
        e = (self - self._max_shift(axes)).exp()
        return e / e.sum(axes, keepdims=True)
        # END TASK 4

    def log_softmax(self, axis=-1):
        """x − log Σ exp x along ``axis`` (a primitive: see ops.LogSoftmax)."""
        return ops.LogSoftmax.apply(self, axes=normalize_axes(axis, self.ndim))

    def norm(self, ord=2, axis=None, keepdims=False):
        """The vector p-norm over ``axis`` (ord = 1, 2, any p > 0, or math.inf).

        At a zero vector the gradient is 0 (the subgradient PyTorch uses), not NaN: the root
        (Σ|x|^p)^(1/p) has an infinite slope at 0, so no gradient is routed through it there.
        """
        if ord == 1:
            return self.abs().sum(axis, keepdims)
        if ord == math.inf:
            return self.abs().max(axis, keepdims)
        if isinstance(ord, (int, float)) and ord > 0:
            total = (self * self if ord == 2 else self.abs() ** ord).sum(axis, keepdims)
            zero = Tensor._wrap(total.data == 0)
            safe = ops.Where.apply(zero, total._operand(1.0), total)
            root = safe.sqrt() if ord == 2 else safe ** (1.0 / ord)
            return ops.Where.apply(zero, total._operand(0.0), root)
        raise ValueError(f"norm: ord must be a positive number or math.inf, not {ord!r}")

    # --- shape ---------------------------------------------------------------------------------
    def _same_shape(self, op, **params):
        """A new tensor on this tensor's array (never ``self``): a node of ``op`` when the graph
        is recorded, as PyTorch's views are nodes of their own, so that
        ``grad(loss, x.reshape(x.shape))`` is the gradient with respect to that new node;
        otherwise a bare new tensor (the cheap path of backward's own reshapes)."""
        if self.requires_grad and autograd.is_grad_enabled():
            return op.apply(self, **params)
        if self._vc is None:
            self._vc = [0]
        t = self._wrap(self.data)
        t._vc = self._vc  # the same array: one version counter, as detach()
        return t

    def reshape(self, *shape):
        shape = _shape_arg(shape)
        if shape == self.shape:
            return self._same_shape(ops.Reshape, shape=shape)
        return ops.Reshape.apply(self, shape=shape)

    def flatten(self, start_axis=0):
        # The size is counted, not inferred with -1: NumPy cannot infer it for a tensor with
        # no elements, and torch.flatten gives (0, 3) for shape (0, 3) from axis 1.
        return self.reshape(self.shape[:start_axis] + (math.prod(self.shape[start_axis:]),))

    def permute(self, *axes):
        axes = _shape_arg(axes)
        n = self.ndim
        in_range = all(isinstance(a, int) and -n <= a < n for a in axes)
        if len(axes) != n or not in_range or sorted(a % n for a in axes) != list(range(n)):
            raise ValueError(f"permute: axes {axes} are not a permutation of {n} axes")
        return ops.Permute.apply(self, axes=tuple(a % n for a in axes))

    def transpose(self, axis0=-2, axis1=-1):
        """Swap two axes (the last two by default), as torch.transpose."""
        if self.ndim == 0:  # as torch: 0 and -1 name the one "axis" of a 0-d tensor
            normalize_axes((axis0, axis1), 0)
            return self._same_shape(ops.Permute, axes=())
        order = list(range(self.ndim))
        (axis0,), (axis1,) = normalize_axes(axis0, self.ndim), normalize_axes(axis1, self.ndim)
        order[axis0], order[axis1] = order[axis1], order[axis0]
        return self.permute(*order)

    @property
    def T(self):
        """All axes reversed (NumPy's .T)."""
        return ops.Permute.apply(self, axes=tuple(range(self.ndim - 1, -1, -1)))

    def unsqueeze(self, axis):
        if not -self.ndim - 1 <= axis <= self.ndim:
            raise ValueError(f"unsqueeze: axis {axis} is out of range for {self.ndim} dimensions")
        axis %= self.ndim + 1
        return self.reshape(self.shape[:axis] + (1,) + self.shape[axis:])

    def squeeze(self, axis=None):
        axes = normalize_axes(axis, self.ndim)
        for a in axes:
            if axis is not None and self.shape[a] != 1:
                raise ValueError(f"squeeze: axis {a} has size {self.shape[a]}, not 1")
        return self.reshape(tuple(n for i, n in enumerate(self.shape) if not (i in axes and n == 1)))

    def broadcast_to(self, *shape):
        shape = _shape_arg(shape)
        if shape == self.shape:
            return self._same_shape(ops.Reshape, shape=shape)
        return ops.BroadcastTo.apply(self, shape=shape)

    # --- pointwise -----------------------------------------------------------------------------
    def matmul(self, other):
        return self @ other

    def pow(self, exponent):
        return self ** exponent

    def _one_input(op, doc):
        """The method that applies the one-input primitive ``op`` to the tensor."""
        def method(self):
            return op.apply(self)
        method.__name__, method.__qualname__ = op.op_name, f"Tensor.{op.op_name}"
        method.__doc__ = f"{doc} (the primitive ops.{op.__name__})."
        return method

    exp = _one_input(ops.Exp, "eˣ")
    log = _one_input(ops.Log, "The natural logarithm")
    log1p = _one_input(ops.Log1p, "log(1 + x), exact for tiny x")
    sqrt = _one_input(ops.Sqrt, "√x")
    abs = _one_input(ops.Abs, "|x|")
    tanh = _one_input(ops.Tanh, "tanh x")
    sigmoid = _one_input(ops.Sigmoid, "σ(x) = 1/(1 + e⁻ˣ), without overflow")
    relu = _one_input(ops.Relu, "max(x, 0)")
    softplus = _one_input(ops.Softplus, "log(1 + eˣ), finite for any x")
    del _one_input

    def clip(self, min=None, max=None):
        """x limited to [min, max]; the gradient is 1 inside (ends included) and 0 outside."""
        if min is None and max is None:
            raise ValueError("clip: give at least one of min and max")
        return ops.Clip.apply(self, min=min, max=max)

    def maximum(self, other):
        return ops.Maximum.apply(self, self._operand(other))

    def minimum(self, other):
        return ops.Minimum.apply(self, self._operand(other))


def _assign(array, value):
    array[...] = value


def _shape_arg(shape):
    """Accept t.reshape(2, 3) and t.reshape((2, 3)) alike."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
