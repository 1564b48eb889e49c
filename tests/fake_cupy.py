"""A NumPy-backed stand-in for CuPy, so that the 'cuda' code path runs in CI without a GPU.

It behaves as CuPy does where the difference matters to minigrad:
- its arrays refuse implicit conversion to NumPy (``np.asarray(a)`` raises TypeError);
  ``asnumpy(a)`` / ``a.get()`` are the explicit ways out, ``asarray(host)`` the way in;
- its functions refuse NumPy arrays as arguments, as CuPy's do;
- reductions return 0-d arrays, never host scalars;
- it exposes only names that the real ``cupy`` module (and ``cupy.ndarray``) has: a test holds
  MODULE_NAMES and NDARRAY_METHODS against ``import cupy``.
"""
import numpy as np

FUNCTION_NAMES = (
    "abs", "all", "any", "arange", "ascontiguousarray", "negative", "argmax", "argmin", "array", "asarray", "broadcast_to",
    "clip", "concatenate", "empty", "exp", "expm1", "eye", "full", "isfinite", "isinf", "isnan",
    "linspace", "log", "log1p", "logaddexp", "matmul", "max", "maximum", "mean", "min", "minimum",
    "ones", "ones_like", "reshape", "sign", "sqrt", "square", "stack", "sum", "tanh", "transpose",
    "where", "zeros", "zeros_like", "allclose", "array_equal", "expand_dims", "squeeze",
    "cumsum", "dot", "outer", "prod", "einsum", "tensordot", "take_along_axis", "unique",
    "count_nonzero", "nonzero", "argsort", "sort", "isclose", "power", "cos", "sin", "floor",
    "ceil", "round", "tile", "repeat", "pad", "flip", "diag", "tril", "triu", "full_like",
    "logical_and", "logical_or", "logical_not", "exp2", "log2", "cosh", "sinh", "arctanh",
    "var", "std", "swapaxes", "moveaxis", "ravel", "atleast_1d",
)
UFUNC_NAMES = ("add", "subtract", "multiply", "divide", "maximum", "minimum", "true_divide")
CONSTANT_NAMES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                  "bool_", "inf", "nan", "pi", "e", "newaxis", "dtype", "integer", "floating")
NDARRAY_METHODS = (
    "all", "any", "argmax", "argmin", "astype", "clip", "copy", "cumsum", "dot", "fill",
    "flatten", "get", "item", "max", "mean", "min", "nonzero", "prod", "ravel", "repeat",
    "reshape", "round", "squeeze", "std", "sum", "swapaxes", "take", "tolist", "transpose",
    "var", "view", "__dlpack__", "__dlpack_device__",
)
NDARRAY_PROPERTIES = ("shape", "dtype", "ndim", "size", "itemsize", "nbytes", "strides", "T",
                      "real", "imag", "flags")
MODULE_NAMES = (FUNCTION_NAMES + UFUNC_NAMES + CONSTANT_NAMES +
                ("ndarray", "asnumpy", "from_dlpack", "get_array_module"))

_IMPLICIT = ("Implicit conversion to a NumPy array is not allowed. "
             "Please use `.get()` to construct a NumPy array explicitly.")


def _unwrap(value, where):
    """Raw NumPy data of stand-in arrays (recursively); host arrays are refused."""
    if isinstance(value, ndarray):
        return value._a
    if isinstance(value, np.ndarray):
        raise TypeError(f"{where}: unsupported type numpy.ndarray (the stand-in, as CuPy, "
                        "refuses host arrays; move them with asarray)")
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v, where) for v in value)
    if isinstance(value, slice):
        return slice(_unwrap(value.start, where), _unwrap(value.stop, where),
                     _unwrap(value.step, where))
    return value


def _wrap(value):
    if isinstance(value, np.ndarray):
        return ndarray(value)
    if isinstance(value, np.generic):
        return ndarray(np.asarray(value))
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def _call(fn, where, args, kwargs):
    return _wrap(fn(*_unwrap(args, where), **{k: _unwrap(v, where) for k, v in kwargs.items()}))


class ndarray:
    """A device array: a NumPy array that cannot leave the device by accident."""

    __slots__ = ("_a",)
    __array_ufunc__ = None  # NumPy ufuncs and operators refuse it rather than convert it

    def __init__(self, array):
        self._a = array

    def __array__(self, *args, **kwargs):
        raise TypeError(_IMPLICIT)

    def __getattr__(self, name):
        if name in NDARRAY_PROPERTIES:
            return _wrap(getattr(self._a, name))
        if name in NDARRAY_METHODS:
            if name == "get":
                return lambda: self._a.copy()
            method = getattr(self._a, name)
            return lambda *args, **kwargs: _call(method, f"ndarray.{name}", args, kwargs)
        raise AttributeError(f"'cupy.ndarray' stand-in has no attribute {name!r}")

    def __getitem__(self, index):
        return _wrap(self._a[_unwrap(index, "ndarray.__getitem__")])

    def __setitem__(self, index, value):
        self._a[_unwrap(index, "ndarray.__setitem__")] = _unwrap(value, "ndarray.__setitem__")

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (_wrap(v) for v in self._a)

    def __bool__(self):
        return bool(self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __index__(self):
        return self._a.__index__()

    def __repr__(self):
        return repr(self._a).replace("array", "cupy-stand-in.array", 1)


def _binary(name):
    def method(self, other):
        result = getattr(self._a, name)(_unwrap(other, f"ndarray.{name}"))
        if result is NotImplemented:
            return result
        if name.startswith("__i"):  # in-place operators mutate this array
            self._a = result
            return self
        return _wrap(result)
    return method


def _unary(name):
    return lambda self: _wrap(getattr(self._a, name)())


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or",
              "xor", "lt", "le", "gt", "ge", "eq", "ne"):
    for _dunder in (f"__{_name}__", f"__r{_name}__", f"__i{_name}__"):
        if hasattr(np.ndarray, _dunder):
            setattr(ndarray, _dunder, _binary(_dunder))
for _name in ("__neg__", "__pos__", "__abs__", "__invert__"):
    setattr(ndarray, _name, _unary(_name))
ndarray.__hash__ = None


class _Ufunc:
    def __init__(self, ufunc):
        self._ufunc = ufunc
        self.__name__ = ufunc.__name__

    def __call__(self, *args, **kwargs):
        return _call(self._ufunc, self.__name__, args, kwargs)

    def at(self, target, index, values=None):
        """In-place unbuffered operation, as cupy.add.at."""
        self._ufunc.at(target._a, _unwrap(index, f"{self.__name__}.at"),
                       _unwrap(values, f"{self.__name__}.at"))

    def reduce(self, *args, **kwargs):
        return _call(self._ufunc.reduce, f"{self.__name__}.reduce", args, kwargs)


def _function(name):
    fn = getattr(np, name)

    def wrapper(*args, **kwargs):
        return _call(fn, name, args, kwargs)
    wrapper.__name__ = name
    return wrapper


def asarray(obj, dtype=None):
    """Host data (NumPy arrays, lists, numbers) or a stand-in array → a stand-in array."""
    if isinstance(obj, ndarray):
        return obj if dtype is None else ndarray(obj._a.astype(dtype, copy=False))
    return ndarray(np.array(_unwrap_lists(obj), dtype=dtype))


def array(obj, dtype=None, copy=True):
    if isinstance(obj, ndarray):
        return ndarray(np.array(obj._a, dtype=dtype, copy=copy))
    return ndarray(np.array(_unwrap_lists(obj), dtype=dtype))


def _unwrap_lists(obj):
    if isinstance(obj, ndarray):
        return obj._a
    if isinstance(obj, (list, tuple)):
        return type(obj)(_unwrap_lists(v) for v in obj)
    return obj


def asnumpy(a):
    """The explicit way to the host: a NumPy copy."""
    return a._a.copy() if isinstance(a, ndarray) else np.asarray(a)


def from_dlpack(obj):
    return ndarray(np.from_dlpack(obj))


def get_array_module(*args):
    import sys
    return sys.modules[__name__] if any(isinstance(a, ndarray) for a in args) else np


for _name in FUNCTION_NAMES:
    if _name not in ("asarray", "array"):
        globals()[_name] = _function(_name)
for _name in UFUNC_NAMES:
    globals()[_name] = _Ufunc(getattr(np, _name))
for _name in CONSTANT_NAMES:
    globals()[_name] = getattr(np, _name)
