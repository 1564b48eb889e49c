"""minigrad: a small tensor and autograd engine for learning how loss functions drive learning.

    import minigrad as mg
    w = mg.tensor([0.5, -0.3], requires_grad=True)
    loss = ((mg.tensor([[1.0, 2.0]]) @ w - 1.0) ** 2).mean()
    loss.backward()          # w.grad now holds d loss / d w

Comments ``# BEGIN TASK n name`` … ``# END TASK n`` in the source mark the code that the
course's build-the-engine assignments ask a student to write (see course/engine_track.md);
they change nothing.
"""
from . import backend  # noqa: F401
from .tensor import (Tensor, float16, float32, float64, int8, int16, int32, int64,  # noqa: F401
                     uint8, bool_)
from .autograd import grad, no_grad, enable_grad, is_grad_enabled  # noqa: F401
from .creation import (tensor, from_numpy, from_dlpack, zeros, ones, full, eye, arange,  # noqa: F401
                       linspace, rand, randn, randint, zeros_like, ones_like, full_like,
                       rand_like, randn_like, manual_seed)
from .functional import *  # noqa: F401,F403
from . import functional  # noqa: F401
from . import check  # noqa: F401
from . import losses, nn, optim  # noqa: F401,E402  (mg.losses, mg.nn, mg.optim as in torch)

__version__ = "0.1.0"
