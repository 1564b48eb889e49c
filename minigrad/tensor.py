"""The Tensor: an array on a device, with an optional link into the autograd graph."""
import numpy as np

from . import backend

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
    None), and ``_node`` the primitive that produced the tensor (None for a leaf).
    """

    __slots__ = ("data", "device", "requires_grad", "grad", "_node", "__weakref__")
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
        self.grad = None
        self._node = None
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
        t.grad = None
        t._node = node
        return t

    @classmethod
    def _constant(cls, data, device):
        """A tensor outside the graph around ``data`` (an array or a NumPy scalar) on ``device``.

        NumPy scalars stay scalars: NumPy and CuPy arrays both combine with them, so a Python
        number or a mask computed from a scalar needs no transfer to meet a 'cuda' tensor.
        """
        t = object.__new__(cls)
        t.data, t.device, t.requires_grad, t.grad, t._node = data, device, False, None, None
        return t

    # --- attributes --------------------------------------------------------------------------
    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def dtype(self):
        return self.data.dtype

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
        """The same data, cut from the graph."""
        return Tensor._wrap(self.data)

    def to(self, device):
        """This tensor on ``device`` (differentiable: the gradient travels back)."""
        device = backend.check_device(device)
        return self if device == self.device else _ops.ToDevice.apply(self, device=device)

    def cpu(self):
        return self.to("cpu")

    def astype(self, dtype):
        """A copy of another dtype; differentiable between floating dtypes."""
        dtype = check_dtype(dtype)
        if dtype == self.dtype:
            return self
        source = self if is_floating(dtype) else self.detach()
        return _ops.Cast.apply(source, dtype=dtype)

    def float(self):
        return self.astype(float32)

    def double(self):
        return self.astype(float64)

    def long(self):
        return self.astype(int64)

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
        _autograd.run_backward((self,), (gradient,), retain_graph or create_graph, create_graph)

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
            return Tensor._constant(dtype.type(other), self.device)
        if isinstance(other, (np.ndarray, np.generic)):
            if self.device != "cpu":
                raise TypeError("operand: a NumPy array cannot meet a 'cuda' tensor; "
                                "move it with minigrad.tensor(array, device='cuda')")
            return Tensor._wrap(np.asarray(other))
        raise TypeError(f"operand: unsupported type {type(other).__name__}")

    def __add__(self, other):
        return _ops.Add.apply(self, self._operand(other))

    def __radd__(self, other):
        return _ops.Add.apply(self._operand(other), self)

    def __sub__(self, other):
        return _ops.Sub.apply(self, self._operand(other))

    def __rsub__(self, other):
        return _ops.Sub.apply(self._operand(other), self)

    def __mul__(self, other):
        return _ops.Mul.apply(self, self._operand(other))

    def __rmul__(self, other):
        return _ops.Mul.apply(self._operand(other), self)

    def __truediv__(self, other):
        return _ops.Div.apply(self, self._operand(other))

    def __rtruediv__(self, other):
        return _ops.Div.apply(self._operand(other), self)

    def __pow__(self, exponent):
        if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
            return _ops.PowScalar.apply(self, exponent=exponent)
        return _ops.Pow.apply(self, self._operand(exponent))

    def __rpow__(self, base):
        return _ops.Pow.apply(self._operand(base), self)

    def __matmul__(self, other):
        return _ops.MatMul.apply(self, self._operand(other))

    def __rmatmul__(self, other):
        return _ops.MatMul.apply(self._operand(other), self)

    def __neg__(self):
        return _ops.Neg.apply(self)

    def _compare(self, other, compare):
        return Tensor._wrap(compare(self.data, self._operand(other).data))

    def __eq__(self, other):
        return self._compare(other, lambda a, b: a == b)

    def __ne__(self, other):
        return self._compare(other, lambda a, b: a != b)

    def __lt__(self, other):
        return self._compare(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._compare(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._compare(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._compare(other, lambda a, b: a >= b)

    def __invert__(self):
        if self.dtype != bool_:
            raise TypeError(f"~ needs a bool tensor, not {self.dtype}")
        return Tensor._wrap(~self.data)

    def __and__(self, other):
        return self._compare(other, lambda a, b: a & b)

    def __or__(self, other):
        return self._compare(other, lambda a, b: a | b)

    def __getitem__(self, index):
        return _F.getitem(self, index)

    # --- methods: each forwards to the function of the same name -----------------------------
    def sum(self, axis=None, keepdims=False):
        return _F.sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        return _F.mean(self, axis, keepdims)

    def var(self, axis=None, keepdims=False, correction=1):
        return _F.var(self, axis, keepdims, correction)

    def max(self, axis=None, keepdims=False):
        return _F.max(self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        return _F.min(self, axis, keepdims)

    def argmax(self, axis=None, keepdims=False):
        return Tensor._wrap(self.xp.argmax(self.data, axis=axis, keepdims=keepdims))

    def argmin(self, axis=None, keepdims=False):
        return Tensor._wrap(self.xp.argmin(self.data, axis=axis, keepdims=keepdims))

    def logsumexp(self, axis=None, keepdims=False):
        return _F.logsumexp(self, axis, keepdims)

    def softmax(self, axis=-1):
        return _F.softmax(self, axis)

    def log_softmax(self, axis=-1):
        return _F.log_softmax(self, axis)

    def norm(self, ord=2, axis=None, keepdims=False):
        return _F.norm(self, ord, axis, keepdims)

    def reshape(self, *shape):
        return _F.reshape(self, *shape)

    def flatten(self, start_axis=0):
        return self.reshape(self.shape[:start_axis] + (-1,))

    def permute(self, *axes):
        return _F.permute(self, *axes)

    def transpose(self, axis0=-2, axis1=-1):
        """Swap two axes (the last two by default), as torch.transpose."""
        return _F.transpose(self, axis0, axis1)

    @property
    def T(self):
        """All axes reversed (NumPy's .T)."""
        return _ops.Permute.apply(self, axes=tuple(range(self.ndim - 1, -1, -1)))

    def unsqueeze(self, axis):
        return _F.unsqueeze(self, axis)

    def squeeze(self, axis=None):
        return _F.squeeze(self, axis)

    def broadcast_to(self, *shape):
        return _F.broadcast_to(self, *shape)

    def matmul(self, other):
        return self @ other

    def pow(self, exponent):
        return self ** exponent

    def exp(self):
        return _F.exp(self)

    def log(self):
        return _F.log(self)

    def log1p(self):
        return _F.log1p(self)

    def sqrt(self):
        return _F.sqrt(self)

    def abs(self):
        return _F.abs(self)

    def tanh(self):
        return _F.tanh(self)

    def sigmoid(self):
        return _F.sigmoid(self)

    def relu(self):
        return _F.relu(self)

    def softplus(self):
        return _F.softplus(self)

    def clip(self, min=None, max=None):
        return _F.clip(self, min, max)

    def maximum(self, other):
        return _F.maximum(self, other)

    def minimum(self, other):
        return _F.minimum(self, other)


from . import autograd as _autograd  # noqa: E402
from . import ops as _ops  # noqa: E402  (primitives: Add, Mul, ...)
from . import functional as _F  # noqa: E402  (the functions users call)
