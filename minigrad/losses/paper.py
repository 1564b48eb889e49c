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
"""
from .. import functional as F
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


def per_sample(pointwise, reduction):
    """Sum over the outputs of each sample (all axes but the first), then reduce the batch."""
    if pointwise.ndim > 1:
        pointwise = pointwise.sum(axis=tuple(range(1, pointwise.ndim)))
    return reduce(pointwise, reduction)


@loss(family="paper", formula="y·(1/p - 1); full: y/p + (1-y)/(1-p) - 1", reference="numpy:m_loss",
      convex=True, smooth=True, kinks="none in (0, 1)", module="MLoss")
def m_loss(input, target, full=False, reduction="mean"):
    """Loss M: per output y·(1/p - 1), or y/p + (1 - y)/(1 - p) - 1 when ``full``.

    Its slope for y = 1 is -1/p², steeper than cross-entropy's -1/p on all of (0, 1): M is
    stricter than cross-entropy everywhere (the paper's terms).
    """
    q = target_probability(input, target, full)
    return per_sample(1.0 / q - 1.0, reduction)


@loss(family="paper", formula="y·(1/√(1-(1-p)²) - 1); full: y/√(1-(1-p)²) + (1-y)/√(1-p²) - 1",
      reference="numpy:l_loss", convex=True, smooth=True, kinks="none in (0, 1)", module="LLoss")
def l_loss(input, target, full=False, reduction="mean"):
    """Loss L: per output y·(1/√(1 - (1 - p)²) - 1), or, when ``full``,
    y/√(1 - (1 - p)²) + (1 - y)/√(1 - p²) - 1.

    For y = 1 it is stricter than cross-entropy only for p below ≈ 0.117, more lenient above.
    """
    q = target_probability(input, target, full)
    return per_sample(1.0 / F.sqrt(q * (2.0 - q)) - 1.0, reduction)
