"""Overlap losses of segmentation (seed 000), per sample over all axes but the first.

For soft masks p ∈ [0, 1] (predicted) and y ∈ [0, 1] (target) of a sample, with sums over its
pixels:  intersection Σp·y, and the smoothing ε keeps empty masks at a loss of 0.
"""
from .. import functional as F
from .classification import binary_cross_entropy_with_logits
from .facts import loss
from .risk import reduce
from .validation import check_float_like, check_nonnegative, check_probabilities, check_tensor


def _overlap_sums(input, target):
    """(Σp·y, Σp + Σy) per sample, after checking p and y."""
    check_tensor("input", input)
    check_float_like("target", target, "input", input)
    check_probabilities("input", input)
    check_probabilities("target", target)
    axes = tuple(range(1, input.ndim))
    return (input * target).sum(axis=axes), (input + target).sum(axis=axes)


@loss(family="segmentation", formula="1 - (2Σpy + ε)/(Σp + Σy + ε)", reference="numpy:dice_loss",
      convex=False, smooth=True, kinks="none", module="DiceLoss")
def dice_loss(input, target, eps=1.0, reduction="mean"):
    """Soft Dice loss: 𝓛 = 1 - (2Σp·y + ε)/(Σp + Σy + ε), per sample."""
    check_nonnegative("eps", eps)
    intersection, total = _overlap_sums(input, target)
    return reduce(1.0 - (2.0 * intersection + eps) / (total + eps), reduction)


@loss(family="segmentation", formula="1 - (Σpy + ε)/(Σp + Σy - Σpy + ε)",
      reference="numpy:iou_loss", convex=False, smooth=True, kinks="none", module="IoULoss")
def iou_loss(input, target, eps=1.0, reduction="mean"):
    """Soft Jaccard (IoU) loss: 𝓛 = 1 - (Σp·y + ε)/(Σp + Σy - Σp·y + ε), per sample."""
    check_nonnegative("eps", eps)
    intersection, total = _overlap_sums(input, target)
    return reduce(1.0 - (intersection + eps) / (total - intersection + eps), reduction)


@loss(family="segmentation", formula="dice_loss(σ(x), y) + BCE-with-logits(x, y)",
      reference="numpy:dice_bce_loss", convex=False, smooth=True, kinks="none",
      module="DiceBCELoss")
def dice_bce_loss(input, target, reduction="mean"):
    """Dice + BCE of logits x: 𝓛 = dice_loss(σ(x), y) + BCE-with-logits(x, y), per sample.

    The BCE term of a sample is the mean over its pixels, so with reduction 'mean' this is
    dice_loss(σ(x), y) + binary_cross_entropy_with_logits(x, y) exactly.
    """
    check_tensor("input", input)
    dice = dice_loss(F.sigmoid(input), target, reduction="none")
    bce = binary_cross_entropy_with_logits(input, target, reduction="none")
    if bce.ndim > 1:
        bce = bce.mean(axis=tuple(range(1, bce.ndim)))
    return reduce(dice + bce, reduction)
