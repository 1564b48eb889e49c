"""The primitives: the only operations with a hand-written derivative.

| kind       | primitives                                                              |
|------------|-------------------------------------------------------------------------|
| pointwise  | Add Sub Mul Div Neg PowScalar Pow Exp Log Log1p Sqrt Abs Tanh Sigmoid Relu |
|            | Softplus Clip Maximum Minimum Where                                       |
| backward   | TanhGrad SigmoidGrad SoftplusGrad Masked SumGrad LogSoftmaxGrad           |
| reduce     | Sum Max LogSoftmax                                                      |
| shape      | Reshape Permute BroadcastTo GetItem ScatterAdd Concatenate ToDevice Cast |
| linear alg.| MatMul Linear                                                           |

The backward row holds the derivatives that would otherwise take several operations (tanh's
g·(1 − t²), the selection of relu, clip, abs and where, sum's spreading back, log-softmax's
g − eʸ·Σg): each is one node whose forward is that one-line formula and whose own VJP keeps
the second and higher derivatives exact.

Everything else (mean, min, softmax, logsumexp, every loss) is composed from these, as
Tensor methods and in ``minigrad.losses``.

Each primitive declares on its class what the tools that read the graph need (see
``autograd.Function``): its derivative ``rule``, whether it is ``elementwise`` (the pointwise
ones and Cast derive from ``Elementwise``), its ``op_name``, its argument names (``forward``'s
positional parameters) and its parameters (``forward``'s keyword-only ones, shown by
``params()``).  The trace and the graph drawing read only these.
"""
from .pointwise import (Add, Sub, Mul, Div, Neg, PowScalar, Pow, Exp, Log, Log1p, Sqrt, Abs,  # noqa: F401
                        Tanh, Sigmoid, Relu, Softplus, Clip, Maximum, Minimum, Where,
                        TanhGrad, SigmoidGrad, SoftplusGrad, Masked)
from .reduce import (Sum, Max, LogSoftmax, SumGrad, LogSoftmaxGrad,  # noqa: F401
                     normalize_axes, kept_shape)
from .shape import (Reshape, Permute, BroadcastTo, GetItem, ScatterAdd, Concatenate,  # noqa: F401
                    ToDevice, Cast)
from .matmul import MatMul, Linear  # noqa: F401
