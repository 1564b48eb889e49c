"""Array namespaces per device: the single CPU/GPU idiom of minigrad.

Every array operation in the engine goes through ``xp``, the array module of the device the
data lives on: NumPy for ``'cpu'`` and CuPy for ``'cuda'``.  Moving data between devices is
always explicit (:func:`to_device`), never a side effect of an operation.

CuPy is imported lazily, on the first use of ``'cuda'``, so minigrad runs where CuPy is not
installed.  Tests swap in a NumPy-backed stand-in with :func:`use_cuda_module`.
"""
import ctypes
import os
import sys

import numpy as np

DEVICES = ("cpu", "cuda")


def keep_freed_memory():
    """Ask glibc's malloc to keep the blocks it frees for reuse, instead of handing them back
    to the operating system (Linux only; returns whether it did).

    Why: minigrad frees a whole graph at once after backward.  By default glibc returns each
    freed block of a few MB to the OS (its mmap and trim thresholds), so the next forward
    pass asks for them again and touches every page anew: at 10⁶ float32 elements a Huber
    loss took ~10,000 minor page faults per call, half of its time.  With blocks up to
    32 MiB served from the heap and the heap never trimmed below 1 GiB, the pages are
    reused.  The cost is that a process keeps what it freed (up to that size) mapped.
    minigrad calls this at import; set MINIGRAD_KEEP_FREED_MEMORY=0 to leave malloc as it is.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl, ...): nothing to tune
        return False
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    return bool(libc.mallopt(M_MMAP_THRESHOLD, 32 * 2 ** 20)) and \
        bool(libc.mallopt(M_TRIM_THRESHOLD, 2 ** 30))


if os.environ.get("MINIGRAD_KEEP_FREED_MEMORY", "1") != "0":
    keep_freed_memory()

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
