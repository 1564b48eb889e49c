"""The classification losses M and L of Noel et al., arXiv 2303.09935 (seed 001).

Outputs p ∈ (0, 1) (sigmoid or softmax), one-hot targets y ∈ {0, 1}.  Per output:

    M:       y·(1/p - 1)                         full M:  y/p + (1 - y)/(1 - p) - 1
    L:       y·(1/√(1 - (1 - p)²) - 1)           full L:  y/√(1 - (1 - p)²) + (1 - y)/√(1 - p²) - 1

(formulas of the authors' published code).  The loss of a sample is the SUM over its outputs
(all axes but the first); the reduction then runs over the batch.  The plain versions, like
categorical cross-entropy, look only at the output of the true class; the full versions also
push the other outputs to 0.  With a single sigmoid output use the full versions: the plain
ones would never see a negative sample.

Both are functions f(q) of one probability q with f(1) = 0:

    f_M(q) = 1/q - 1,        f_L(q) = 1/√(1 - (1 - q)²) - 1 = 1/√(q·(2 - q)) - 1,

where q is the probability the output gives to its target: q = p where y = 1 and q = 1 - p
where y = 0 (full versions), or q = 1 where y = 0 so that those outputs add nothing (plain
versions).  Writing q·(2 - q) instead of 1 - (1 - q)² avoids cancellation for small q.
This form is also exactly 0 at p = y, where y/p + (1 - y)/(1 - p) would meet 0/0.

Underflow.  When the target probability q underflows (a maximally wrong prediction: logits
±1e4 give q = e^(-2e4), 0 in any float), 1/q is infinite and its gradient NaN.  Both losses
therefore clamp q below at ε = √(smallest normal number of the dtype) (≈ 1.1e-19 in float32,
1.5e-154 in float64): there 1/q and its slope 1/q² are both still finite, so the loss and every gradient stay finite.  Where q < ε the loss is its value
at ε and its gradient 0 (as torch's binary_cross_entropy clamps its log at -100).

- ``from_logits=False`` (default): ``input`` holds probabilities; q is max(q, ε).
- ``from_logits=True``: ``input`` holds logits z and log q is computed without forming p:
  log p = z - logsumexp z (LogSoftmax over axis 1) when the input has more than one output per
  sample (shape (N, C, ...), C > 1), log p = log σ(z) for a single sigmoid output (shape (N,)
  or (N, 1, ...)); for the full versions log(1 - p_k) = logsumexp_{j≠k} z_j - logsumexp z
  (softmax) or log σ(-z) (sigmoid); q = e^(log q) is then at least ε.
"""
import numpy as np

from .. import functional as F
from ..creation import tensor
from .facts import loss
from .risk import reduce
from .validation import check_bool, check_float_like, check_labels_in, check_probabilities, check_tensor


def target_probability(input, target, full):
    """q: p where y = 1; 1 - p (full) or 1 (plain) where y = 0.  Exact, without a where:
    q = (1 - y) + (2y - 1)·p (full) or (1 - y) + y·p (plain), for y ∈ {0, 1}."""
    check_tensor("input", input)
    check_float_like("target", target, "input", input)
    check_bool("full", full)
    check_probabilities("input", input)
    check_labels_in("target", target, (0, 1))
    slope = 2.0 * target - 1.0 if full else target
    return (1.0 - target) + slope * input


def log_floor(dtype):
    """log ε, ε = √(smallest normal number of ``dtype``): the clamp of log q (module docstring)."""
    return 0.5 * float(np.log(np.finfo(np.dtype(str(dtype))).tiny))


def clamped_target_probability(input, target, full, from_logits):
    """The target probability q, clamped below at ε (module docstring); from logits it is
    e^(log q) with log q formed without p, so it never underflows below ε."""
    check_bool("from_logits", from_logits)
    if not from_logits:
        q = F.maximum(target_probability(input, target, full), float(np.exp(log_floor(input.dtype))))
        return q
    check_tensor("input", input)
    check_float_like("target", target, "input", input)
    check_bool("full", full)
    check_labels_in("target", target, (0, 1))
    if input.ndim >= 2 and input.shape[1] > 1:      # softmax over the outputs (axis 1)
        log_p = F.log_softmax(input, axis=1)
        if full:
            c = input.shape[1]
            # log(1 - p_k) = logsumexp over j ≠ k of z_j, minus logsumexp z: no cancellation.
            moved = F.unsqueeze(input, 1)                                # (N, 1, C, ...)
            others = np.eye(c, dtype=bool).reshape((1, c, c) + (1,) * (input.ndim - 2))
            mask = tensor(others, device=input.device)
            excluded = F.where(mask, input._operand(float("-inf")), moved)  # (N, C, C, ...)
            log_not_p = F.logsumexp(excluded, axis=2) - F.logsumexp(input, axis=1, keepdims=True)
    else:                                           # one sigmoid output per sample
        log_p = F.log_sigmoid(input)
        log_not_p = F.log_sigmoid(-input) if full else None
    log_q = target * log_p + ((1.0 - target) * log_not_p if full else 0.0)
    log_q = F.maximum(log_q, log_floor(log_q.dtype))
    return log_q.exp()


def per_sample(pointwise, reduction):
    """Sum over the outputs of each sample (all axes but the first), then reduce the batch."""
    if pointwise.ndim > 1:
        pointwise = pointwise.sum(axis=tuple(range(1, pointwise.ndim)))
    return reduce(pointwise, reduction)


@loss(family="paper", formula="y·(1/p - 1); full: y/p + (1-y)/(1-p) - 1", reference="numpy:m_loss",
      convex=True, smooth=True, kinks="none in (0, 1)", module="MLoss")
def m_loss(input, target, full=False, reduction="mean", from_logits=False):
    """Loss M: per output y·(1/p - 1), or y/p + (1 - y)/(1 - p) - 1 when ``full``.

    Its slope for y = 1 is -1/p², steeper than cross-entropy's -1/p on all of (0, 1): M is
    stricter than cross-entropy everywhere (the paper's terms).

    ``from_logits=True``: ``input`` holds logits (softmax over axis 1, or a sigmoid for one
    output).  Either way q is clamped below at ε = √(smallest normal of the dtype), so that
    the loss and its gradient stay finite when q underflows (see the module docstring).
    """
    q = clamped_target_probability(input, target, full, from_logits)
    return per_sample(1.0 / q - 1.0, reduction)


@loss(family="paper", formula="y·(1/√(1-(1-p)²) - 1); full: y/√(1-(1-p)²) + (1-y)/√(1-p²) - 1",
      reference="numpy:l_loss", convex=True, smooth=True, kinks="none in (0, 1)", module="LLoss")
def l_loss(input, target, full=False, reduction="mean", from_logits=False):
    """Loss L: per output y·(1/√(1 - (1 - p)²) - 1), or, when ``full``,
    y/√(1 - (1 - p)²) + (1 - y)/√(1 - p²) - 1.

    For y = 1 it is stricter than cross-entropy only for p below ≈ 0.117, more lenient above.

    ``from_logits`` and the clamp of q at ε as in :func:`m_loss`.
    """
    q = clamped_target_probability(input, target, full, from_logits)
    return per_sample(1.0 / F.sqrt(q * (2.0 - q)) - 1.0, reduction)
