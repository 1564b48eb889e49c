"""The loss of a one-stage object detector (RetinaNet-style, seed 000): focal + smooth L1."""
from .. import functional as F
from ..autograd import no_grad
from .classification import sigmoid_focal_loss
from .facts import loss
from .regression import smooth_l1_loss
from .validation import check_float_like, check_labels_in, check_tensor


@loss(family="detection", formula="[Σ sigmoid_focal + Σ_positive smooth_l1] / max(1, #positive)",
      reference="numpy:detection_loss", convex=False, smooth=False, kinks="smooth L1's |e| = β",
      module="DetectionLoss")
def detection_loss(cls_logits, cls_targets, box_pred, box_targets, alpha=0.25, gamma=2.0,
                   beta=1.0):
    """Classification + box regression, both normalised by the number of positive anchors:

        𝓛 = [Σ sigmoid_focal_loss(cls_logits, cls_targets; α, γ)
             + Σ_positive anchors Σ_coordinates smooth_l1(box_pred, box_targets; β)] / max(1, P)

    ``cls_logits``, ``cls_targets`` (one-hot in {0, 1}): (..., K) over K classes;
    ``box_pred``, ``box_targets``: (..., 4), one box per anchor.  An anchor is positive when
    its target row holds a 1 (P of them); the boxes of the other anchors are not penalised.
    Returns a scalar.
    """
    check_tensor("cls_logits", cls_logits)
    check_float_like("cls_targets", cls_targets, "cls_logits", cls_logits)
    check_labels_in("cls_targets", cls_targets, (0, 1))
    check_tensor("box_pred", box_pred)
    check_float_like("box_pred", box_pred, "cls_logits", cls_logits, same_shape=False)
    if box_pred.ndim == 0 or box_pred.shape[-1] != 4:
        raise ValueError(f"box_pred: the last axis must hold a box's 4 coordinates; got shape "
                         f"{box_pred.shape}, whose last axis has "
                         f"{box_pred.shape[-1] if box_pred.ndim else 'no'} entries")
    if cls_logits.ndim == 0 or box_pred.shape[:-1] != cls_logits.shape[:-1]:
        raise ValueError(f"box_pred: shape {box_pred.shape} needs one box per anchor of "
                         f"cls_logits {cls_logits.shape}: (..., 4) with ... = {cls_logits.shape[:-1]}")
    check_float_like("box_targets", box_targets, "box_pred", box_pred)
    with no_grad():
        positive = (cls_targets.max(axis=-1) > 0).astype(cls_logits.dtype)
        num_positive = F.maximum(positive.sum(), 1.0)
    classification = sigmoid_focal_loss(cls_logits, cls_targets, alpha, gamma, reduction="sum")
    box_errors = smooth_l1_loss(box_pred, box_targets, reduction="none", beta=beta).sum(axis=-1)
    return (classification + (box_errors * positive).sum()) / num_positive
