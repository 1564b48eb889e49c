"""Ways to make tensors.  Random numbers come from one generator seeded by manual_seed; they
are drawn on the host and moved to the device, so a seed gives the same numbers everywhere."""
import numpy as np

from . import backend
from .tensor import Tensor, check_dtype, float32

_generator = np.random.default_rng()


def manual_seed(seed):
    """Seed the generator behind rand, randn and randint (and layers' initialisations)."""
    global _generator
    _generator = np.random.default_rng(seed)


def generator():
    """The NumPy generator behind minigrad's random numbers."""
    return _generator


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of ``data``.

    A NumPy float64 array stays float64; Python floats become float32, Python ints int64.
    A list keeps float64 when it holds float64 values of their own type (NumPy float64
    scalars or arrays, float64 tensors), as torch.tensor does.
    Only floating-point tensors can require grad.
    """
    if dtype is None and isinstance(data, (list, tuple)) and _holds_float64(data):
        try:
            data = np.array([_host(item) for item in data])
        except ValueError as err:
            raise ValueError(f"data: cannot build a tensor from {type(data).__name__}: {err}") from None
    return Tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)


def _host(item):
    """A list's element ready for np.array: a tensor as its NumPy data (a 'cuda' one raises,
    as any implicit transfer), a list element by element."""
    if isinstance(item, Tensor):
        return np.asarray(item)
    if isinstance(item, (list, tuple)):
        return [_host(i) for i in item]
    return item


def _holds_float64(data):
    """True when a (nested) list holds a float64 value that carries its dtype."""
    for item in data:
        if isinstance(item, (list, tuple)):
            if _holds_float64(item):
                return True
        elif isinstance(item, Tensor):
            if item.dtype == np.float64:
                return True
        elif isinstance(item, (np.ndarray, np.generic)) or backend.is_cuda_array(item):
            if item.dtype == np.float64:
                return True
    return False


def from_numpy(array):
    """A CPU tensor sharing memory with the NumPy ``array``.

    An ndarray subclass that only adds behaviour (``np.memmap``, ``np.matrix``) is read as
    the plain ndarray over the same memory, as torch.from_numpy does; a masked array is
    refused, since its mask would be lost.
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    if isinstance(array, np.ma.MaskedArray):
        raise TypeError("from_numpy: a masked array's mask cannot be kept; pass "
                        "array.filled(value) or array.data")
    check_dtype(array.dtype)
    if type(array) is not np.ndarray:
        array = array.view(np.ndarray)  # same memory, plain type: the tensor is on 'cpu'
    return Tensor._wrap(array)


def from_dlpack(obj):
    """A tensor sharing memory with ``obj`` (a torch, CuPy or NumPy array) through DLPack."""
    device_type, _ = obj.__dlpack_device__()
    if device_type == 1:  # kDLCPU
        return Tensor._wrap(np.from_dlpack(obj))
    if device_type == 2:  # kDLCUDA
        return Tensor._wrap(backend.namespace("cuda").from_dlpack(obj))
    raise ValueError(f"from_dlpack: unsupported DLPack device type {device_type}")


def _shape(shape):
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)


def _make(host_or_fn, dtype, device, requires_grad):
    """Build on the device from ``host_or_fn(xp)``, then apply dtype and requires_grad."""
    device = backend.check_device(device)
    dtype = check_dtype(dtype)
    array = host_or_fn(backend.namespace(device))
    t = Tensor._wrap(backend.to_device(array, device).astype(dtype, copy=False))
    return t.requires_grad_() if requires_grad else t


def zeros(*shape, dtype=float32, device="cpu", requires_grad=False):
    return _make(lambda xp: xp.zeros(_shape(shape), dtype=dtype), dtype, device, requires_grad)


def ones(*shape, dtype=float32, device="cpu", requires_grad=False):
    return _make(lambda xp: xp.ones(_shape(shape), dtype=dtype), dtype, device, requires_grad)


def full(shape, fill_value, dtype=float32, device="cpu", requires_grad=False):
    return _make(lambda xp: xp.full(_shape((shape,)), fill_value, dtype=dtype),
                 dtype, device, requires_grad)


def eye(n, m=None, dtype=float32, device="cpu", requires_grad=False):
    return _make(lambda xp: xp.eye(n, m, dtype=dtype), dtype, device, requires_grad)


def arange(start, stop=None, step=1, dtype=None, device="cpu", requires_grad=False):
    """Evenly spaced values in [start, stop); int64 when all arguments are ints, else float32."""
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError(f"arange: step must be nonzero, got step={step!r}")
    if dtype is None:
        dtype = np.int64 if all(isinstance(v, int) for v in (start, stop, step)) else float32
    return _make(lambda xp: xp.arange(start, stop, step, dtype=dtype), dtype, device, requires_grad)


def linspace(start, stop, num, dtype=float32, device="cpu", requires_grad=False):
    return _make(lambda xp: xp.linspace(start, stop, num, dtype=dtype), dtype, device, requires_grad)


def _check_floating(name, dtype):
    dtype = check_dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"{name}: dtype must be a floating dtype (float16, float32, float64), "
                         f"not {dtype}: its samples would be truncated")
    return dtype


def rand(*shape, dtype=float32, device="cpu", requires_grad=False):
    """Uniform on [0, 1), from the generator seeded by manual_seed."""
    dtype = _check_floating("rand", dtype)
    return _make(lambda xp: _generator.random(_shape(shape)), dtype, device, requires_grad)


def randn(*shape, dtype=float32, device="cpu", requires_grad=False):
    """Standard normal, from the generator seeded by manual_seed."""
    dtype = _check_floating("randn", dtype)
    return _make(lambda xp: _generator.standard_normal(_shape(shape)), dtype, device, requires_grad)


def randint(low, high, shape, dtype=np.int64, device="cpu"):
    """Integers uniform on [low, high), from the generator seeded by manual_seed."""
    return _make(lambda xp: _generator.integers(low, high, _shape((shape,))), dtype, device, False)


def _like(make):
    def like(t, dtype=None, device=None, requires_grad=False, **kwargs):
        return make(t.shape, **kwargs, dtype=dtype or t.dtype, device=device or t.device,
                    requires_grad=requires_grad)
    like.__name__ = make.__name__ + "_like"
    like.__doc__ = f"{make.__name__} with the shape, dtype and device of ``t``."
    return like


zeros_like, ones_like, rand_like, randn_like = (_like(f) for f in (zeros, ones, rand, randn))


def full_like(t, fill_value, dtype=None, device=None, requires_grad=False):
    return full(t.shape, fill_value, dtype=dtype or t.dtype, device=device or t.device,
                requires_grad=requires_grad)
