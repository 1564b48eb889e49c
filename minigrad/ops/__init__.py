"""The primitives: the only operations with a hand-written derivative.

| kind       | primitives                                                              |
|------------|-------------------------------------------------------------------------|
| pointwise  | Add Sub Mul Div Neg PowScalar Pow Exp Log Log1p Sqrt Abs Tanh Sigmoid Relu |
|            | Softplus Clip Maximum Minimum Where                                       |
| reduce     | Sum Max                                                                 |
| shape      | Reshape Permute BroadcastTo GetItem ScatterAdd Concatenate ToDevice Cast |
| linear alg.| MatMul Linear                                                           |

Everything else (mean, min, softmax, logsumexp, every loss) is composed from these in
``minigrad.functional`` and ``minigrad.losses``.
"""
from .pointwise import (Add, Sub, Mul, Div, Neg, PowScalar, Pow, Exp, Log, Log1p, Sqrt, Abs,  # noqa: F401
                        Tanh, Sigmoid, Relu, Softplus, Clip, Maximum, Minimum, Where)
from .reduce import Sum, Max, LogSoftmax, normalize_axes, kept_shape  # noqa: F401
from .shape import (Reshape, Permute, BroadcastTo, GetItem, ScatterAdd, Concatenate,  # noqa: F401
                    ToDevice, Cast)
from .matmul import MatMul, Linear  # noqa: F401
