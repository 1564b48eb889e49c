"""The references that the loss catalogue names (``@loss(reference=...)``), resolved for the
tests.

- 'torch.…' names are PyTorch functions: they give values and, through torch.autograd,
  gradients to compare with the engine's.
- 'numpy:…' names (and 'torchvision.ops.sigmoid_focal_loss', as torchvision is not installed
  here) are NumPy formulas written from the definitions, independently of minigrad's code:
  straightforward, not numerically careful (they are evaluated in float64 on moderate inputs).
  They give values; gradients of those losses are checked by finite differences (gradcheck).

Each reference takes host arrays (or torch tensors), then the loss's keyword arguments,
``reduction`` included.
"""
import math
import warnings

import numpy as np
import torch
import torch.nn.functional as TF

import minigrad as mg


# --- NumPy formulas ----------------------------------------------------------------------------
def np_reduce(pointwise, reduction, divisor=None):
    if reduction == "none":
        return pointwise
    if reduction == "sum":
        return np.sum(pointwise)
    return np.sum(pointwise) / (pointwise.size if divisor is None else divisor)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def bce(p, y):
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def log_cosh_loss(x, y, reduction="mean"):
    return np_reduce(np.log(np.cosh(y - x)), reduction)


def smae_loss(x, y, reduction="mean"):
    e = y - x
    return np_reduce(e * np.tanh(e / 2), reduction)


def torchvision_sigmoid_focal_loss(x, y, alpha=0.25, gamma=2.0, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss as its documentation defines it."""
    p = sigmoid(x)
    p_t = p * y + (1 - p) * (1 - y)
    loss = bce(p, y) * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * y + (1 - alpha) * (1 - y)) * loss
    return np_reduce(loss, reduction)


def focal_loss(x, y, gamma=2.0, alpha=None, reduction="mean"):
    axis = 0 if x.ndim == 1 else 1
    log_p = np.take_along_axis(log_softmax(x, axis), np.expand_dims(y, axis), axis).squeeze(axis)
    loss = -(1 - np.exp(log_p)) ** gamma * log_p
    if alpha is not None:
        loss = loss * (alpha[y] if isinstance(alpha, np.ndarray) else alpha)
    return np_reduce(loss, reduction)


def hinge_loss(x, y, margin=1.0, reduction="mean"):
    return np_reduce(np.maximum(0.0, margin - y * x), reduction)


def square_loss(x, y, reduction="mean"):
    return np_reduce((1 - y * x) ** 2, reduction)


def zero_one_loss(x, y, reduction="mean"):
    return np_reduce((y * x <= 0).astype(np.float64), reduction)


def per_sample(values, reduction):
    if values.ndim > 1:
        values = values.sum(axis=tuple(range(1, values.ndim)))
    return np_reduce(values, reduction)


def m_loss(p, y, full=False, reduction="mean"):
    if full:
        return per_sample(y / p + (1 - y) / (1 - p) - 1, reduction)
    return per_sample(y * (1 / p - 1), reduction)


def l_loss(p, y, full=False, reduction="mean"):
    if full:
        return per_sample(y / np.sqrt(1 - (1 - p) ** 2) + (1 - y) / np.sqrt(1 - p ** 2) - 1,
                          reduction)
    return per_sample(y * (1 / np.sqrt(1 - (1 - p) ** 2) - 1), reduction)


def contrastive_loss(x1, x2, y, margin=1.0, reduction="mean"):
    d = np.linalg.norm(x1 - x2, axis=-1)
    return np_reduce(y * d ** 2 + (1 - y) * np.maximum(0.0, margin - d) ** 2, reduction)


def triplet_margin_loss_squared(a, p, n, margin=1.0, swap=False, squared=True, reduction="mean"):
    def d(u, v):
        return ((u - v) ** 2).sum(axis=-1)
    to_negative = np.minimum(d(a, n), d(p, n)) if swap else d(a, n)
    return np_reduce(np.maximum(0.0, d(a, p) - to_negative + margin), reduction)


def _sums(p, y):
    axes = tuple(range(1, p.ndim))
    return (p * y).sum(axis=axes), p.sum(axis=axes), y.sum(axis=axes)


def dice_loss(p, y, eps=1.0, reduction="mean"):
    both, sum_p, sum_y = _sums(p, y)
    return np_reduce(1 - (2 * both + eps) / (sum_p + sum_y + eps), reduction)


def iou_loss(p, y, eps=1.0, reduction="mean"):
    both, sum_p, sum_y = _sums(p, y)
    return np_reduce(1 - (both + eps) / (sum_p + sum_y - both + eps), reduction)


def dice_bce_loss(x, y, reduction="mean"):
    cross = bce(sigmoid(x), y)
    if cross.ndim > 1:
        cross = cross.mean(axis=tuple(range(1, cross.ndim)))
    return np_reduce(dice_loss(sigmoid(x), y, reduction="none") + cross, reduction)


def vae_loss(x_recon, x, mu, logvar, recon="bce", reduction="mean"):
    reconstruction = bce(x_recon, x) if recon == "bce" else (x_recon - x) ** 2
    kl = -0.5 * (1 + logvar - mu ** 2 - np.exp(logvar)).sum(axis=1)
    return np_reduce(reconstruction.sum(axis=1) + kl, reduction)


def gan_discriminator_loss(real, fake, reduction="mean"):
    return np_reduce(-np.log(sigmoid(real)) - np.log(1 - sigmoid(fake)), reduction)


def gan_generator_loss(fake, non_saturating=True, reduction="mean"):
    if non_saturating:
        return np_reduce(-np.log(sigmoid(fake)), reduction)
    return np_reduce(np.log(1 - sigmoid(fake)), reduction)


def detection_loss(cls_logits, cls_targets, box_pred, box_targets, alpha=0.25, gamma=2.0,
                   beta=1.0):
    positive = cls_targets.max(axis=-1) > 0
    count = max(1, int(positive.sum()))
    focal = torchvision_sigmoid_focal_loss(cls_logits, cls_targets, alpha, gamma, "sum")
    e = np.abs(box_pred - box_targets)
    smooth_l1 = np.where(e < beta, 0.5 * e ** 2 / beta, e - 0.5 * beta) if beta else e
    return (focal + smooth_l1.sum(axis=-1)[positive].sum()) / count


def td_loss(q, actions, rewards, next_q, dones, gamma=0.99, reduction="mean"):
    target = rewards + gamma * (1 - dones) * next_q.max(axis=1)
    return np_reduce((target - q[np.arange(len(q)), actions]) ** 2, reduction)


def policy_gradient_loss(logits, actions, advantages, reduction="mean"):
    log_pi = log_softmax(logits, 1)[np.arange(len(logits)), actions]
    return np_reduce(-log_pi * advantages, reduction)


NUMPY_REFERENCES = {
    "numpy:log_cosh_loss": log_cosh_loss,
    "numpy:smae_loss": smae_loss,
    "torchvision.ops.sigmoid_focal_loss": torchvision_sigmoid_focal_loss,
    "numpy:focal_loss": focal_loss,
    "numpy:hinge_loss": hinge_loss,
    "numpy:square_loss": square_loss,
    "numpy:zero_one_loss": zero_one_loss,
    "numpy:m_loss": m_loss,
    "numpy:l_loss": l_loss,
    "numpy:contrastive_loss": contrastive_loss,
    "numpy:triplet_margin_loss_squared": triplet_margin_loss_squared,
    "numpy:dice_loss": dice_loss,
    "numpy:iou_loss": iou_loss,
    "numpy:dice_bce_loss": dice_bce_loss,
    "numpy:vae_loss": vae_loss,
    "numpy:gan_discriminator_loss": gan_discriminator_loss,
    "numpy:gan_generator_loss": gan_generator_loss,
    "numpy:detection_loss": detection_loss,
    "numpy:td_loss": td_loss,
    "numpy:policy_gradient_loss": policy_gradient_loss,
}


# --- PyTorch -----------------------------------------------------------------------------------
def torch_triplet_margin_loss(anchor, positive, negative, p_norm=2, squared=False, **options):
    assert not squared, "squared=True has a NumPy reference"
    return TF.triplet_margin_loss(anchor, positive, negative, p=p_norm, **options)


def torch_kl_div(input, target, **options):
    with warnings.catch_warnings():  # PyTorch warns that 'mean' is not the true KL divergence
        warnings.simplefilter("ignore", UserWarning)
        return TF.kl_div(input, target, **options)


def torch_logistic_loss(x, y, **options):
    return TF.soft_margin_loss(x, y, **options) / math.log(2.0)


TORCH_REFERENCES = {
    "torch.nn.functional.mse_loss": TF.mse_loss,
    "torch.nn.functional.l1_loss": TF.l1_loss,
    "torch.nn.functional.huber_loss": TF.huber_loss,
    "torch.nn.functional.smooth_l1_loss": TF.smooth_l1_loss,
    "torch.nn.functional.binary_cross_entropy": TF.binary_cross_entropy,
    "torch.nn.functional.binary_cross_entropy_with_logits": TF.binary_cross_entropy_with_logits,
    "torch.nn.functional.cross_entropy": TF.cross_entropy,
    "torch.nn.functional.nll_loss": TF.nll_loss,
    "torch.nn.functional.kl_div": torch_kl_div,
    "torch.nn.functional.triplet_margin_loss": torch_triplet_margin_loss,
    "torch.nn.functional.soft_margin_loss / ln 2": torch_logistic_loss,
}


def is_torch(name):
    return name in TORCH_REFERENCES


def known(name):
    return name in TORCH_REFERENCES or name in NUMPY_REFERENCES


def _host(value):
    return value.numpy() if isinstance(value, mg.Tensor) else value


def evaluate(name, args, kwargs, cotangent=None, grad_args=()):
    """The reference's value (a NumPy array) and, for a PyTorch reference, the gradients of
    Σ value·cotangent with respect to ``args[i]`` for i in ``grad_args`` (else None)."""
    args = [_host(a) for a in args]
    kwargs = {k: _host(v) for k, v in kwargs.items()}
    if name in NUMPY_REFERENCES:
        def widen(a):
            return a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
        value = NUMPY_REFERENCES[name](*map(widen, args), **{k: widen(v) for k, v in kwargs.items()})
        return np.asarray(value), None
    tensors = [torch.tensor(a, requires_grad=i in grad_args) for i, a in enumerate(args)]
    options = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    value = TORCH_REFERENCES[name](*tensors, **options)
    grads = None
    if grad_args:
        seed = torch.ones_like(value) if cotangent is None else torch.tensor(cotangent)
        grads = torch.autograd.grad(value, [tensors[i] for i in grad_args], seed, allow_unused=True)
        grads = [np.zeros(args[i].shape, args[i].dtype) if g is None else g.numpy()
                 for i, g in zip(grad_args, grads)]
    return value.detach().numpy(), grads
