"""Losses on embeddings (seed 000): pull similar items together, push different ones apart.

Embeddings are (N, D) batches (or one unbatched (D,) vector); distances run over the last axis.
"""
from .. import functional as F
from .facts import loss
from .risk import reduce
from .validation import (check_bool, check_float_like, check_labels_in, check_ndim,
                         check_nonnegative, check_positive, check_tensor)


@loss(family="ranking", formula="y·d² + (1-y)·max(0, margin - d)², d = ‖x1 - x2‖₂",
      reference="numpy:contrastive_loss", convex=False, smooth=False,
      kinks="d = margin; d = 0 (subgradient 0)", module="ContrastiveLoss")
def contrastive_loss(x1, x2, target, margin=1.0, reduction="mean"):
    """Contrastive loss of pairs: 𝓛 = y·d² + (1 - y)·max(0, margin - d)², d = ‖x1 - x2‖₂.

    y = 1 for similar pairs (pulled together), 0 for dissimilar ones (pushed to at least
    ``margin`` apart).  At d = 0 the gradient is 0, the subgradient that functional.norm
    takes at a zero vector (for the y·d² term it is also the true gradient).
    """
    check_tensor("x1", x1)
    check_ndim("x1", x1, (1, 2))
    check_float_like("x2", x2, "x1", x1)
    check_tensor("target", target)
    check_float_like("target", target, "x1", x1, same_shape=False)
    if target.shape != x1.shape[:-1]:
        raise ValueError(f"target: expected one label per pair, shape {x1.shape[:-1]}, "
                         f"got {target.shape}")
    check_labels_in("target", target, (0, 1))
    check_nonnegative("margin", margin)
    distance = F.norm(x1 - x2, axis=-1)
    shortfall = F.relu(margin - distance)
    pointwise = target * (distance * distance) + (1.0 - target) * (shortfall * shortfall)
    return reduce(pointwise, reduction)


def _distance(x1, x2, p_norm, eps, squared):
    """PyTorch's pairwise_distance ‖x1 - x2 + eps‖_p, or ‖x1 - x2‖₂² when ``squared``."""
    if squared:
        difference = x1 - x2
        return (difference * difference).sum(axis=-1)
    return F.norm(x1 - x2 + eps, ord=p_norm, axis=-1)


@loss(family="ranking",
      formula="max(0, d(a,p) - d(a,n) + margin), d = ‖x1 - x2 + eps‖_p; squared: "
              "max(0, ‖a-p‖² - ‖a-n‖² + margin)",
      reference="torch.nn.functional.triplet_margin_loss", convex=False, smooth=False,
      kinks="d(a,p) - d(a,n) + margin = 0", module="TripletMarginLoss")
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p_norm=2, eps=1e-6,
                        swap=False, squared=False, reduction="mean"):
    """Triplet loss: 𝓛 = max(0, d(a, p) - d(a, n) + margin), d(x1, x2) = ‖x1 - x2 + eps‖_p.

    ``swap`` (Balntas et al.): use min(d(a, n), d(p, n)) as the negative distance.
    ``squared``: the seed's form max(0, ‖a - p‖² - ‖a - n‖² + margin), with no eps (p_norm 2).
    ``p_norm`` is PyTorch's ``p`` (renamed: p is the positive).
    (torch.nn.functional.triplet_margin_loss; NumPy formula when squared)
    """
    check_tensor("anchor", anchor)
    check_ndim("anchor", anchor, (1, 2))
    check_float_like("positive", positive, "anchor", anchor)
    check_float_like("negative", negative, "anchor", anchor)
    check_positive("margin", margin)
    check_positive("p_norm", p_norm)
    check_nonnegative("eps", eps)
    check_bool("swap", swap)
    check_bool("squared", squared)
    if squared and p_norm != 2:
        raise ValueError(f"p_norm: squared=True uses squared Euclidean distances; p_norm must "
                         f"be 2, got {p_norm}")
    to_positive = _distance(anchor, positive, p_norm, eps, squared)
    to_negative = _distance(anchor, negative, p_norm, eps, squared)
    if swap:
        to_negative = F.minimum(to_negative, _distance(positive, negative, p_norm, eps, squared))
    return reduce(F.clip(margin + to_positive - to_negative, min=0.0), reduction)
