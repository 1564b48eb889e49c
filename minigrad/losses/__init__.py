"""The loss catalogue: every loss is a composition of engine functions, with no backward of
its own, so autograd differentiates it (to any order) through the primitives it is made of.

    import minigrad as mg
    from minigrad import losses
    x = mg.tensor([0.8, 0.1], dtype='float64', requires_grad=True)
    y = mg.tensor([0.0, 1.0], dtype='float64')
    losses.binary_cross_entropy(x, y, reduction='none')   # ≈ [1.609, 2.303]

Each loss takes ``reduction='none' | 'mean' | 'sum'`` (risk.reduce): 'none' gives the
pointwise losses 𝓛⁽ⁱ⁾, 'mean' the empirical risk J(W).  Each loss declares its facts where it
is defined, with the ``@loss(...)`` decorator of ``facts`` (family, formula, reference,
convexity, smoothness, kinks, nn class name); ``FACTS`` collects them, and LOSSES, the nn
loss classes, the tests and the README table are read from it.
"""
from .facts import FACTS
from .risk import empirical_risk, l1_penalty, l2_penalty, regularized_risk, reduce
from .regression import (huber_loss, l1_loss, log_cosh_loss, mse_loss, smae_loss,
                         smooth_l1_loss)
from .classification import (binary_cross_entropy, binary_cross_entropy_with_logits,
                             cross_entropy, focal_loss, kl_div, nll_loss, sigmoid_focal_loss,
                             smooth_labels)
from .margin import (NotDifferentiableError, hinge_loss, logistic_loss, square_loss,
                     zero_one_loss)
from .paper import l_loss, m_loss
from .ranking import contrastive_loss, triplet_margin_loss
from .segmentation import dice_bce_loss, dice_loss, iou_loss
from .generative import gan_discriminator_loss, gan_generator_loss, vae_loss
from .detection import detection_loss
from .rl import policy_gradient_loss, td_loss

LOSSES = tuple(FACTS)
"""The public losses, in the order of the catalogue: the names that ``@loss`` recorded."""

HELPERS = ("reduce", "empirical_risk", "l1_penalty", "l2_penalty", "regularized_risk",
           "smooth_labels", "NotDifferentiableError")
"""Public names that are not losses: the risk chain, label smoothing, the 0-1 loss's error."""

__all__ = list(LOSSES + HELPERS)
