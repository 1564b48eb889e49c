"""Array namespaces per device: the single CPU/GPU idiom of minigrad.

Every array operation in the engine goes through ``xp``, the array module of the device the
data lives on: NumPy for ``'cpu'`` and CuPy for ``'cuda'``.  Moving data between devices is
always explicit (:func:`to_device`), never a side effect of an operation.

CuPy is imported lazily, on the first use of ``'cuda'``, so minigrad runs where CuPy is not
installed.  Tests swap in a NumPy-backed stand-in with :func:`use_cuda_module`.
"""
import numpy as np

DEVICES = ("cpu", "cuda")

_cuda_module = None  # set by use_cuda_module(), or imported on first need


def use_cuda_module(module):
    """Use ``module`` (``cupy`` or a stand-in with its interface) as the array module of 'cuda'.

    Passing ``None`` goes back to importing the real ``cupy`` on first use.
    """
    global _cuda_module
    _cuda_module = module


def _cuda():
    global _cuda_module
    if _cuda_module is None:
        try:
            import cupy
        except ImportError as err:  # pragma: no cover - depends on the machine
            raise RuntimeError(
                "device 'cuda' needs CuPy: pip install 'minigrad[gpu]'") from err
        _cuda_module = cupy
    return _cuda_module


def check_device(device):
    """Return the canonical name of ``device`` ('cpu' or 'cuda'); 'cuda:0' is read as 'cuda'."""
    if isinstance(device, str):
        name = "cuda" if device == "cuda:0" else device
        if name in DEVICES:
            return name
    raise ValueError(f"device: unknown device {device!r}; expected one of {DEVICES}")


def namespace(device):
    """The array module (``xp``) holding arrays of ``device``."""
    return np if device == "cpu" else _cuda()


def is_cuda_array(obj):
    """True for an array of the 'cuda' array module (CuPy, or the stand-in the tests use)."""
    if _cuda_module is not None and isinstance(obj, _cuda_module.ndarray):
        return True
    return type(obj).__module__.split(".")[0] == "cupy"


def device_of(array):
    """The device an array lives on: NumPy arrays and scalars are on 'cpu', others on 'cuda'."""
    return "cpu" if isinstance(array, (np.ndarray, np.generic)) else "cuda"


def to_device(array, device):
    """Copy ``array`` to ``device`` (no copy when it is already there)."""
    source = device_of(array)
    if source == device:
        return array
    if device == "cpu":
        return _cuda().asnumpy(array)
    return _cuda().asarray(array)
