"""Regression losses: functions of the error e between a prediction x and a target y.

Every loss here is an even function of e, so e = y - x (the spec's notation) and e = x - y
(PyTorch's) give the same values; the code uses x - y.  ``input`` and ``target`` must have one
shape: broadcasting is refused, because a (N, 1) prediction against a (N,) target would
silently become an (N, N) loss.  To broadcast on purpose, write
``target.broadcast_to(input.shape)``.
"""
import math

from .. import functional as F
from .facts import loss
from .risk import reduce
from .validation import check_float_like, check_nonnegative, check_positive, check_tensor


def _error(input, target):
    """x - y, after checking that both are floating tensors of one device, dtype and shape."""
    check_tensor("input", input)
    check_float_like("target", target, "input", input)
    return input - target


def huber_pointwise(error, delta):
    """½e² where |e| ≤ δ, else δ(|e| - ½δ), written as q·(e - ½q) with q = clip(e, -δ, δ).

    One expression covers both pieces (q = e inside; q = ±δ outside, where q·(e - ½q) =
    δ(|e| - ½δ)) and needs no |e|.  Its derivative q + q'·(e - q) is e inside and ±δ outside,
    as PyTorch's huber_loss; at |e| = δ both pieces agree.
    """
    # BEGIN TASK 5 losses
    inner = F.clip(error, -delta, delta)
    return inner * (error - 0.5 * inner)
    # END TASK 5


@loss(family="regression", formula="e², e = y - x", reference="torch.nn.functional.mse_loss",
      convex=True, smooth=True, kinks="none", module="MSELoss")
def mse_loss(input, target, reduction="mean"):
    """Mean squared error: 𝓛 = e², e = y - x.   (torch.nn.functional.mse_loss)"""
    error = _error(input, target)
    # BEGIN TASK 5 losses
    return reduce(error * error, reduction)
    # END TASK 5


@loss(family="regression", formula="|e|", reference="torch.nn.functional.l1_loss", convex=True,
      smooth=False, kinks="e = 0 (subgradient 0)", module="L1Loss")
def l1_loss(input, target, reduction="mean"):
    """Mean absolute error: 𝓛 = |e|, with subgradient 0 at e = 0 as PyTorch.   (F.l1_loss)"""
    return reduce(F.abs(_error(input, target)), reduction)


@loss(family="regression", formula="½e² if |e| ≤ δ else δ(|e| - ½δ)",
      reference="torch.nn.functional.huber_loss", convex=True, smooth=False,
      kinks="second derivative jumps at |e| = δ", module="HuberLoss")
def huber_loss(input, target, reduction="mean", delta=1.0):
    """Huber: 𝓛 = ½e² if |e| ≤ δ else δ(|e| - ½δ); δ > 0.   (F.huber_loss)"""
    check_positive("delta", delta)
    return reduce(huber_pointwise(_error(input, target), delta), reduction)


@loss(family="regression", formula="½e²/β if |e| < β else |e| - ½β",
      reference="torch.nn.functional.smooth_l1_loss", convex=True, smooth=False,
      kinks="second derivative jumps at |e| = β; β = 0 is |e|", module="SmoothL1Loss")
def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """Smooth L1: 𝓛 = ½e²/β if |e| < β else |e| - ½β; β ≥ 0, and β = 0 is |e|.   (F.smooth_l1_loss)

    It is Huber with δ = β, divided by β: smooth_l1(β = 1) and huber(δ = 1) coincide.
    """
    check_nonnegative("beta", beta)
    error = _error(input, target)
    if beta == 0:
        return reduce(F.abs(error), reduction)
    return reduce(huber_pointwise(error, beta) * (1.0 / beta), reduction)


@loss(family="regression", formula="log cosh e = e + softplus(-2e) - log 2",
      reference="numpy:log_cosh_loss", convex=True, smooth=True, kinks="none",
      module="LogCoshLoss")
def log_cosh_loss(input, target, reduction="mean"):
    """Log-cosh: 𝓛 = log cosh e, computed as e + softplus(-2e) - log 2.

    The identity log cosh e = log((eᵉ + e⁻ᵉ)/2) = e + log(1 + e⁻²ᵉ) - log 2 holds for every e,
    and softplus is computed without overflow, so the loss is finite for |e| = 1e4 (≈ |e| -
    log 2 there).  It is written with e, not |e| (the spec's |e| + softplus(-2|e|) - log 2):
    |e| has subgradient 0 at e = 0, which would make the second derivative wrong exactly at
    e = 0, whereas this form has derivatives tanh e and sech² e that are exact everywhere.
    """
    error = _error(input, target)
    return reduce(error + F.softplus(-2.0 * error) - math.log(2.0), reduction)


@loss(family="regression", formula="e·tanh(e/2)", reference="numpy:smae_loss", convex=False,
      smooth=True, kinks="none (quasi-convex: f'' < 0 for |e| > ≈2.40)", module="SMAELoss")
def smae_loss(input, target, reduction="mean"):
    """Smooth mean absolute error (Noel et al., seed 001): 𝓛 = e·tanh(e/2).

    The authors' published code computes e·tanh(e/2), which is what this is; a third-party
    comment says the printed paper has e·tanh(e).  Near 0 it is ≈ e²/2 (the curvature of
    Huber with δ = 1 and of log-cosh); for large |e| it tends to |e| with no offset.  It is
    infinitely differentiable but only quasi-convex: its second derivative
    sech²(e/2)·(1 - (e/2)·tanh(e/2)) turns negative for |e| > ≈ 2.40.
    """
    error = _error(input, target)
    return reduce(error * F.tanh(0.5 * error), reduction)
