"""Probabilistic classification losses: binary and categorical cross-entropy, NLL, KL, focal.

Shapes follow PyTorch.  Multi-class inputs are (N, C) or (N, C, d1, d2, ...) with the classes
on axis 1 (or (C,) for one unbatched sample); class-index targets have the input's shape
without axis 1.  Binary losses take ``input`` and ``target`` of one shape.
"""
import numpy as np

from .. import creation
from .. import functional as F
from ..tensor import Tensor
from .facts import loss
from .risk import reduce
from .validation import (check_bool, check_class_indices, check_device, check_float_like,
                         check_in_range, check_int, check_nonnegative, check_probabilities,
                         check_reduction, check_tensor, check_weight,
                         check_weighting_factor)

LOG_CLAMP = -100.0  # PyTorch's binary_cross_entropy clamps each log at -100


# --- helpers -------------------------------------------------------------------------------
def clamped_log(p):
    """max(log p, -100), as PyTorch's binary_cross_entropy: 100 at p = 0, never infinite.

    p is first raised to the smallest positive number of its dtype, so that log never sees 0:
    the value at p = 0 is still -100 (log of that number is below -100 in float32 and
    float64), and the gradient there is 0 instead of 0·∞ = NaN.  Below p = e⁻¹⁰⁰ the loss is
    flat, so its gradient is 0 (PyTorch's hand-written backward returns (p - y)/max(p(1-p),
    1e-12) there instead).
    """
    if p.dtype == np.float16:
        # float16's logs stop at log(6e-8) ≈ -16.6, far above -100: PyTorch computes the
        # clamped log of a half tensor in float32 (its opmath type) and rounds the loss back
        return clamped_log(p.astype("float32")).astype(p.dtype)
    tiny = float(np.finfo(p.dtype).smallest_subnormal)
    return F.clip(F.log(F.clip(p, min=tiny)), min=LOG_CLAMP)


def xlogx(t):
    """t·log t, with 0·log 0 = 0 (as torch.xlogy(t, t)); log sees 1 where t = 0."""
    return t * F.log(F.where(t > 0, t, 1.0))


def class_axis(input):
    """The axis of the classes: 1, or 0 for a single unbatched sample of shape (C,)."""
    return 0 if input.ndim == 1 else 1


def classes_last(values):
    """(N, C, d1, ...) → (N·d1·…, C): one row per sample and position; (C,) → (1, C)."""
    if values.ndim == 1:
        return values.reshape(1, -1)
    if values.ndim > 2:
        order = (0,) + tuple(range(2, values.ndim)) + (1,)
        values = values.permute(*order)
    return values.reshape(-1, values.shape[-1])


def pick_class(values, labels):
    """values[n, labels[n]] for each row n of ``values`` (M, C) and ``labels`` (M,) of ints."""
    rows = creation.arange(values.shape[0], device=values.device)
    return values[rows, labels]


def check_class_input(input, target, ignore_index=None, float_target=False):
    """Checks of a multi-class ``input`` (N, C, ...) against a class-index (or, when
    ``float_target``, a probability) ``target``; returns the number of classes C."""
    check_tensor("input", input)
    if input.ndim == 0:
        raise ValueError("input: expected shape (C,), (N, C) or (N, C, d1, ...), got a scalar")
    num_classes = input.shape[class_axis(input)]
    if float_target:
        check_float_like("target", target, "input", input)
        check_probabilities("target", target)
        return num_classes
    check_tensor("target", target, "int")
    check_device(input=input, target=target)
    expected = input.shape[:1] + input.shape[2:] if input.ndim > 1 else ()
    if target.shape != expected:
        raise ValueError(f"target: shape {target.shape} does not match input of shape "
                         f"{input.shape}; class indices need shape {expected}")
    check_class_indices("target", target, num_classes, ignore_index)
    return num_classes


def class_index_loss(log_probs, target, weight, ignore_index, label_smoothing, reduction):
    """The negative log-likelihood of class indices, PyTorch's nll_loss with label smoothing.

    For a sample with class y, class weights w and ε = label_smoothing:
        𝓛 = (1 - ε)·w_y·(-log p_y) + (ε/C)·Σ_c w_c·(-log p_c),   0 where y = ignore_index,
    and 'mean' divides Σ𝓛 by Σ w_y over the samples not ignored (a weighted mean).
    """
    # BEGIN TASK 5 losses
    num_classes = log_probs.shape[class_axis(log_probs)]
    rows = classes_last(log_probs)
    # int64 labels: comparing uint8 or int8 ones with ignore_index = -100 would overflow
    labels = target.reshape(-1).astype("int64")
    kept = labels != ignore_index
    if weight is None and not label_smoothing and bool(kept.data.all()):
        # The common case, nothing to weight, smooth or ignore: the same loss without the
        # per-sample coefficient (it would be all ones), i.e. five fewer operations.
        return reduce(-pick_class(rows, labels).reshape(target.shape), reduction)
    safe_labels = F.where(kept, labels, 0)
    coefficient = kept.astype(log_probs.dtype)  # 1 for a kept sample, 0 for an ignored one
    if weight is not None:
        coefficient = coefficient * weight[safe_labels]
    # An ignored sample's loss is selected away (where), not multiplied by 0: when every
    # sample is ignored, 'mean' is 0/0 = NaN (as PyTorch) and its upstream gradient ∞, and
    # ∞·0 would make the gradient NaN where PyTorch gives 0.
    pointwise = -F.where(kept, pick_class(rows, safe_labels) * coefficient, 0.0)
    if label_smoothing:
        all_classes = rows * weight if weight is not None else rows
        smooth = -F.where(kept, all_classes.sum(axis=1), 0.0)
        pointwise = (1.0 - label_smoothing) * pointwise + (label_smoothing / num_classes) * smooth
    return reduce(pointwise.reshape(target.shape), reduction, divisor=coefficient.sum())
    # END TASK 5


def soft_target_loss(log_probs, target, weight, label_smoothing, reduction):
    """Cross-entropy against class probabilities: 𝓛 = -Σ_c w_c·t_c·log p_c, with
    t = (1 - ε)·target + ε/C; 'mean' divides by the number of samples, as PyTorch."""
    axis = class_axis(log_probs)
    num_classes = log_probs.shape[axis]
    if label_smoothing:
        target = (1.0 - label_smoothing) * target + label_smoothing / num_classes
    terms = log_probs * target
    if weight is not None:
        terms = terms * weight.reshape((num_classes,) + (1,) * (log_probs.ndim - axis - 1))
    return reduce(-terms.sum(axis=axis), reduction)


def _check_class_weight(weight, input, num_classes, name="weight"):
    """None, or one floating weight per class: shape (C,), on the input's device and dtype."""
    if weight is None:
        return
    check_float_like(name, weight, "input", input, same_shape=False)
    if weight.shape != (num_classes,):
        raise ValueError(f"{name}: expected one weight per class, shape ({num_classes},), "
                         f"got {weight.shape}")


# --- binary ----------------------------------------------------------------------------------
@loss(family="classification", formula="-w·[y log p + (1-y) log(1-p)], logs clamped at -100",
      reference="torch.nn.functional.binary_cross_entropy", convex=True, smooth=True,
      kinks="none in (0, 1); flat where log p < -100", module="BCELoss")
def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """Binary cross-entropy of probabilities: 𝓛 = -w·[y·log p + (1 - y)·log(1 - p)].

    Each log is clamped at -100 (as PyTorch), so p = 0 or 1 give a finite loss (at most
    100).  p and y must lie in [0, 1].   (torch.nn.functional.binary_cross_entropy)
    """
    check_tensor("input", input)
    check_float_like("target", target, "input", input)
    check_weight("weight", weight, "input", input, input.shape)
    check_probabilities("input", input)
    check_probabilities("target", target)
    pointwise = -(target * clamped_log(input) + (1.0 - target) * clamped_log(1.0 - input))
    if weight is not None:
        pointwise = pointwise * weight
    return reduce(pointwise, reduction)


@loss(family="classification", formula="w·[softplus(x) - y·x + (pos_weight - 1)·y·softplus(-x)]",
      reference="torch.nn.functional.binary_cross_entropy_with_logits", convex=True, smooth=True,
      kinks="none", module="BCEWithLogitsLoss")
def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean",
                                     pos_weight=None):
    """Binary cross-entropy of logits x, with p = σ(x), in a form that never overflows:

        𝓛 = w·[softplus(x) - y·x + (pos_weight - 1)·y·softplus(-x)]
          = -w·[pos_weight·y·log σ(x) + (1 - y)·log(1 - σ(x))].

    ``pos_weight`` broadcasts against the input (a (C,) tensor weighs each of C outputs of an
    (N, C) input).   (torch.nn.functional.binary_cross_entropy_with_logits)
    """
    check_tensor("input", input)
    check_float_like("target", target, "input", input)
    check_weight("weight", weight, "input", input, input.shape)
    check_weight("pos_weight", pos_weight, "input", input, input.shape)
    check_probabilities("target", target)
    # BEGIN TASK 5 losses
    pointwise = F.softplus(input) - target * input
    if pos_weight is not None:
        pointwise = pointwise + (pos_weight - 1.0) * target * F.softplus(-input)
    if weight is not None:
        pointwise = pointwise * weight
    return reduce(pointwise, reduction)
    # END TASK 5


# --- multi-class -----------------------------------------------------------------------------
@loss(family="classification",
      formula="(1-ε)·w_y·(-log softmax(x)_y) + (ε/C)·Σ_c w_c·(-log softmax(x)_c)",
      reference="torch.nn.functional.cross_entropy", convex=True, smooth=True, kinks="none",
      module="CrossEntropyLoss")
def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0):
    """Cross-entropy of logits x against classes y: 𝓛 = -log softmax(x)_y.

    ``target`` is either class indices (an integer tensor of the input's shape without the
    class axis) or class probabilities (a floating tensor of the input's shape).  With class
    ``weight`` w and ε = ``label_smoothing`` the target becomes (1 - ε)·onehot(y) + ε/C and

        𝓛 = (1 - ε)·w_y·(-log p_y) + (ε/C)·Σ_c w_c·(-log p_c)       (class indices)
        𝓛 = -Σ_c w_c·t_c·log p_c                                     (probabilities t)

    Samples whose index is ``ignore_index`` add 0 and do not count in the mean; with class
    indices and weights 'mean' is Σ𝓛 / Σ w_y.   (torch.nn.functional.cross_entropy)
    """
    check_in_range("label_smoothing", label_smoothing, 0.0, 1.0)
    check_int("ignore_index", ignore_index)
    float_target = isinstance(target, Tensor) and target.dtype.kind == "f"
    num_classes = check_class_input(input, target, ignore_index, float_target)
    _check_class_weight(weight, input, num_classes)
    if float_target and ignore_index >= 0:
        raise ValueError(f"ignore_index: ignore_index={ignore_index} needs class-index targets; "
                         "target holds probabilities")
    log_probs = F.log_softmax(input, axis=class_axis(input))
    if float_target:
        return soft_target_loss(log_probs, target, weight, label_smoothing, reduction)
    return class_index_loss(log_probs, target, weight, ignore_index, label_smoothing, reduction)


@loss(family="classification", formula="-w_y·logp_y", reference="torch.nn.functional.nll_loss",
      convex=True, smooth=True, kinks="none (linear)", module="NLLLoss")
def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of log-probabilities: 𝓛 = -w_y·logp_y (0 where y is
    ``ignore_index``); 'mean' divides by Σ w_y.   (torch.nn.functional.nll_loss)"""
    check_int("ignore_index", ignore_index)
    num_classes = check_class_input(input, target, ignore_index)
    _check_class_weight(weight, input, num_classes)
    return class_index_loss(input, target, weight, ignore_index, 0.0, reduction)


@loss(family="classification", formula="p·(log p - log q)", reference="torch.nn.functional.kl_div",
      convex=True, smooth=True, kinks="none", module="KLDivLoss")
def kl_div(input, target, reduction="mean", log_target=False):
    """Kullback-Leibler divergence 𝓛 = p·(log p - log q) of ``target`` p from ``input`` log q.

    ``input`` holds log-probabilities; ``target`` probabilities, or log-probabilities when
    ``log_target`` (then 𝓛 = eᵗ·(t - log q)).  0·log 0 counts as 0.  'batchmean' divides
    the sum by the batch size (the true KL divergence per sample); 'mean' divides by the
    number of elements, as PyTorch.   (torch.nn.functional.kl_div)
    """
    check_tensor("input", input)
    check_float_like("target", target, "input", input)
    check_bool("log_target", log_target)
    check_reduction(reduction, ("none", "mean", "sum", "batchmean"))
    if log_target:
        pointwise = F.exp(target) * (target - input)
    else:
        check_probabilities("target", target)
        pointwise = xlogx(target) - target * input
    if reduction == "batchmean":
        total = pointwise.sum()
        return total / float(input.shape[0]) if input.ndim else total
    return reduce(pointwise, reduction)


# --- focal: cross-entropy that down-weights the easy examples --------------------------------
@loss(family="classification", formula="-α_t·(1 - p_t)^γ·log p_t, p = σ(x)",
      reference="torchvision.ops.sigmoid_focal_loss", convex=False, smooth=True, kinks="none",
      module="SigmoidFocalLoss")
def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """Focal loss of logits (Lin et al., RetinaNet), as torchvision.ops.sigmoid_focal_loss:

        p = σ(x),  p_t = p·y + (1 - p)·(1 - y),  α_t = α·y + (1 - α)·(1 - y),
        𝓛 = α_t·(1 - p_t)^γ·BCE-with-logits(x, y).

    ``alpha`` in [0, 1], or -1 (torchvision's convention) for no α_t factor; γ ≥ 0.  The
    default reduction is 'none', as torchvision.
    """
    check_tensor("inputs", inputs)
    check_float_like("targets", targets, "inputs", inputs)
    check_weighting_factor("alpha", alpha)
    check_nonnegative("gamma", gamma)
    p = F.sigmoid(inputs)
    cross_entropy_term = binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    one_minus_p_t = p + targets * (1.0 - 2.0 * p)  # = 1 - [p·y + (1 - p)·(1 - y)]
    pointwise = cross_entropy_term * one_minus_p_t ** gamma
    if alpha >= 0:
        alpha_t = (1.0 - alpha) + (2.0 * alpha - 1.0) * targets  # = α·y + (1 - α)·(1 - y)
        pointwise = alpha_t * pointwise
    return reduce(pointwise, reduction)


@loss(family="classification", formula="-α_y·(1 - p_y)^γ·log p_y, p = softmax(x)",
      reference="numpy:focal_loss", convex=False, smooth=True, kinks="none", module="FocalLoss")
def focal_loss(input, target, gamma=2.0, alpha=None, reduction="mean"):
    """Multi-class focal loss of logits: 𝓛 = -α_y·(1 - p_y)^γ·log p_y, p = softmax(x).

    ``alpha``: None (no weighting), a number, or a tensor of one weight per class.  With
    γ = 0 and no α it is cross_entropy.   (NumPy formula)
    """
    check_nonnegative("gamma", gamma)
    num_classes = check_class_input(input, target)
    if isinstance(alpha, Tensor):
        _check_class_weight(alpha, input, num_classes, name="alpha")
    elif alpha is not None:
        check_nonnegative("alpha", alpha)
    labels = target.reshape(-1)
    log_p = pick_class(classes_last(F.log_softmax(input, axis=class_axis(input))), labels)
    pointwise = -((1.0 - F.exp(log_p)) ** gamma) * log_p
    if alpha is not None:
        pointwise = pointwise * (alpha[labels] if isinstance(alpha, Tensor) else alpha)
    return reduce(pointwise.reshape(target.shape), reduction)


def smooth_labels(onehot, eps):
    """Label smoothing (seed 000): (1 - ε)·onehot + ε/K, K = the size of the last axis."""
    check_tensor("onehot", onehot)
    check_in_range("eps", eps, 0.0, 1.0)
    if onehot.ndim == 0:
        raise ValueError("onehot: expected at least one axis (the classes), got a scalar")
    return (1.0 - eps) * onehot + eps / onehot.shape[-1]
