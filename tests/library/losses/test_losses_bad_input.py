"""Bad input: every loss refuses it with a ValueError or TypeError whose message starts with the
name of the argument at fault.  One row per case: (id, call, exception, argument)."""
import math

import numpy as np
import pytest

from minigrad import losses as L

from ...samples import Maker

f64, ints = Maker(0).fixed, Maker(0).indices  # given float64 and int64 values, on the CPU


X = f64([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])       # (2, 3) predictions / logits
Y = f64([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])         # (2, 3) targets in {0, 1}
P = f64([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]])         # (2, 3) probabilities
SIGNS = f64([[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]])   # (2, 3) labels in {-1, +1}
LABELS = ints([2, 0])                               # class indices for (2, 3) logits
V = f64([1.0, 2.0, 3.0])
BOXES = f64(np.zeros((2, 4)))                       # one box per row of X


def on_cuda(t):
    return t.to("cuda")


CASES = [
    # regression
    ("mse shape would broadcast",
     lambda: L.mse_loss(f64([[1.0], [2.0]]), f64([1.0, 2.0])), ValueError, "target"),
    ("mse target a list", lambda: L.mse_loss(V, [1.0, 2.0, 3.0]), TypeError, "target"),
    ("mse input a numpy array", lambda: L.mse_loss(np.ones(3), V), TypeError, "input"),
    ("mse dtypes differ", lambda: L.mse_loss(V.astype("float32"), V), TypeError, "target"),
    ("mse unknown reduction", lambda: L.mse_loss(V, V, reduction="avg"), ValueError, "reduction"),
    ("mse devices differ", lambda: L.mse_loss(V, on_cuda(V)), ValueError, "target"),
    ("l1 integer input", lambda: L.l1_loss(ints([1, 2]), ints([1, 2])), TypeError, "input"),
    ("huber negative delta", lambda: L.huber_loss(V, V, delta=-1.0), ValueError, "delta"),
    ("huber zero delta", lambda: L.huber_loss(V, V, delta=0.0), ValueError, "delta"),
    ("huber delta a string", lambda: L.huber_loss(V, V, delta="1"), TypeError, "delta"),
    ("smooth_l1 negative beta", lambda: L.smooth_l1_loss(V, V, beta=-0.5), ValueError, "beta"),
    ("smooth_l1 infinite beta", lambda: L.smooth_l1_loss(V, V, beta=math.inf), ValueError, "beta"),
    ("log_cosh shapes differ", lambda: L.log_cosh_loss(V, f64([1.0, 2.0])), ValueError, "target"),
    ("smae reduction None", lambda: L.smae_loss(V, V, reduction=None), ValueError, "reduction"),
    # binary classification
    ("bce probability above 1",
     lambda: L.binary_cross_entropy(f64([1.5]), f64([1.0])), ValueError, "input"),
    ("bce probability below 0",
     lambda: L.binary_cross_entropy(f64([-0.1]), f64([1.0])), ValueError, "input"),
    ("bce NaN probability",
     lambda: L.binary_cross_entropy(f64([math.nan]), f64([1.0])), ValueError, "input"),
    ("bce target above 1", lambda: L.binary_cross_entropy(P, Y * 2.0), ValueError, "target"),
    ("bce weight does not broadcast",
     lambda: L.binary_cross_entropy(P, Y, weight=f64([1.0, 2.0])), ValueError, "weight"),
    ("bce weight would grow the result",
     lambda: L.binary_cross_entropy(P, Y, weight=f64(np.ones((4, 2, 3)))), ValueError, "weight"),
    ("bce_logits pos_weight shape",
     lambda: L.binary_cross_entropy_with_logits(X, Y, pos_weight=V[:2]), ValueError, "pos_weight"),
    ("bce_logits target negative",
     lambda: L.binary_cross_entropy_with_logits(X, -Y), ValueError, "target"),
    ("bce_logits weight integer",
     lambda: L.binary_cross_entropy_with_logits(X, Y, weight=ints([1, 2, 3])), TypeError, "weight"),
    # multi-class
    ("ce class index too large", lambda: L.cross_entropy(X, ints([3, 0])), ValueError, "target"),
    ("ce negative class index", lambda: L.cross_entropy(X, ints([-3, 0])), ValueError, "target"),
    ("ce target shape", lambda: L.cross_entropy(X, ints([[1], [0]])), ValueError, "target"),
    ("ce probability target shape", lambda: L.cross_entropy(X, P[:, :2]), ValueError, "target"),
    ("ce label_smoothing above 1",
     lambda: L.cross_entropy(X, LABELS, label_smoothing=1.5), ValueError, "label_smoothing"),
    ("ce label_smoothing negative",
     lambda: L.cross_entropy(X, LABELS, label_smoothing=-0.1), ValueError, "label_smoothing"),
    ("ce weight per class",
     lambda: L.cross_entropy(X, LABELS, weight=f64([1.0, 2.0])), ValueError, "weight"),
    ("ce ignore_index a float",
     lambda: L.cross_entropy(X, LABELS, ignore_index=1.0), TypeError, "ignore_index"),
    ("ce ignore_index with probabilities",
     lambda: L.cross_entropy(X, P, ignore_index=1), ValueError, "ignore_index"),
    ("ce scalar input", lambda: L.cross_entropy(f64(1.0), ints(0)), ValueError, "input"),
    ("ce target on another device",
     lambda: L.cross_entropy(X, on_cuda(LABELS)), ValueError, "target"),
    ("nll float target", lambda: L.nll_loss(X, f64([2.0, 0.0])), TypeError, "target"),
    ("kl_div unknown reduction",
     lambda: L.kl_div(X, P, reduction="batch"), ValueError, "reduction"),
    ("kl_div negative target", lambda: L.kl_div(X, -P), ValueError, "target"),
    ("kl_div log_target not a bool", lambda: L.kl_div(X, P, log_target=1), TypeError, "log_target"),
    ("sigmoid_focal negative gamma",
     lambda: L.sigmoid_focal_loss(X, Y, gamma=-1.0), ValueError, "gamma"),
    ("sigmoid_focal alpha above 1",
     lambda: L.sigmoid_focal_loss(X, Y, alpha=1.5), ValueError, "alpha"),
    ("focal negative gamma", lambda: L.focal_loss(X, LABELS, gamma=-0.5), ValueError, "gamma"),
    ("focal alpha per class shape",
     lambda: L.focal_loss(X, LABELS, alpha=f64([0.5, 0.5])), ValueError, "alpha"),
    ("focal class index too large", lambda: L.focal_loss(X, ints([0, 7])), ValueError, "target"),
    # margin losses
    ("hinge labels in {0, 1}", lambda: L.hinge_loss(X, Y), ValueError, "target"),
    ("hinge negative margin", lambda: L.hinge_loss(X, SIGNS, margin=-1.0), ValueError, "margin"),
    ("square labels not ±1", lambda: L.square_loss(X, SIGNS * 0.5), ValueError, "target"),
    ("logistic shapes differ", lambda: L.logistic_loss(X, SIGNS[0]), ValueError, "target"),
    ("zero_one labels not ±1", lambda: L.zero_one_loss(X, SIGNS * 2.0), ValueError, "target"),
    # the paper
    ("m_loss soft target", lambda: L.m_loss(P, Y * 0.5), ValueError, "target"),
    ("m_loss probability above 1", lambda: L.m_loss(P * 2.0, Y), ValueError, "input"),
    ("l_loss full not a bool", lambda: L.l_loss(P, Y, full="yes"), TypeError, "full"),
    # ranking
    ("contrastive one label per pair", lambda: L.contrastive_loss(X, X, Y), ValueError, "target"),
    ("contrastive negative margin",
     lambda: L.contrastive_loss(X, X, f64([1.0, 0.0]), margin=-1.0), ValueError, "margin"),
    ("contrastive 3-D embeddings",
     lambda: L.contrastive_loss(X[None], X[None], f64([[1.0, 0.0]])), ValueError, "x1"),
    ("triplet zero margin",
     lambda: L.triplet_margin_loss(X, X, X, margin=0.0), ValueError, "margin"),
    ("triplet p_norm zero", lambda: L.triplet_margin_loss(X, X, X, p_norm=0), ValueError, "p_norm"),
    ("triplet squared needs p_norm 2",
     lambda: L.triplet_margin_loss(X, X, X, p_norm=1, squared=True), ValueError, "p_norm"),
    ("triplet negative shape", lambda: L.triplet_margin_loss(X, X, X[:1]), ValueError, "negative"),
    ("triplet swap not a bool",
     lambda: L.triplet_margin_loss(X, X, X, swap="no"), TypeError, "swap"),
    # segmentation
    ("dice probability above 1", lambda: L.dice_loss(P * 3.0, Y), ValueError, "input"),
    ("dice negative eps", lambda: L.dice_loss(P, Y, eps=-1.0), ValueError, "eps"),
    ("iou shapes differ", lambda: L.iou_loss(P, Y[:, :2]), ValueError, "target"),
    ("dice_bce target above 1", lambda: L.dice_bce_loss(X, Y * 1.5), ValueError, "target"),
    # generative
    ("vae unknown recon", lambda: L.vae_loss(P, Y, X, X, recon="l1"), ValueError, "recon"),
    ("vae mu batch size", lambda: L.vae_loss(P, Y, X[:1], X[:1]), ValueError, "mu"),
    ("vae logvar shape", lambda: L.vae_loss(P, Y, X, X[:, :2]), ValueError, "logvar"),
    ("gan fake shape", lambda: L.gan_discriminator_loss(X, X[0]), ValueError, "fake_logits"),
    ("gan non_saturating not a bool",
     lambda: L.gan_generator_loss(X, non_saturating="yes"), TypeError, "non_saturating"),
    # detection
    ("detection box shape",
     lambda: L.detection_loss(X, Y, BOXES[:1], BOXES[:1]), ValueError, "box_pred"),
    ("detection targets not one-hot",
     lambda: L.detection_loss(X, Y * 2.0, BOXES, BOXES), ValueError, "cls_targets"),
    # reinforcement learning
    ("td gamma above 1",
     lambda: L.td_loss(X, LABELS, V[:2], X, f64([0.0, 1.0]), gamma=1.5), ValueError, "gamma"),
    ("td action out of range",
     lambda: L.td_loss(X, ints([0, 3]), V[:2], X, f64([0.0, 1.0])), ValueError, "actions"),
    ("td dones not in {0, 1}",
     lambda: L.td_loss(X, LABELS, V[:2], X, f64([0.5, 1.0])), ValueError, "dones"),
    ("td float actions",
     lambda: L.td_loss(X, f64([0.0, 1.0]), V[:2], X, f64([0.0, 1.0])), TypeError, "actions"),
    ("policy gradient advantages shape",
     lambda: L.policy_gradient_loss(X, LABELS, V), ValueError, "advantages"),
    # the risk chain and helpers
    ("regularized_risk negative lam",
     lambda: L.regularized_risk(V, [V], lam=-1.0), ValueError, "lam"),
    ("l2_penalty of nothing", lambda: L.l2_penalty([]), ValueError, "params"),
    ("empirical_risk of a list", lambda: L.empirical_risk([1.0, 2.0]), TypeError, "pointwise"),
    ("smooth_labels eps above 1", lambda: L.smooth_labels(Y, 2.0), ValueError, "eps"),
]


def test_enough_distinct_cases():
    assert len(CASES) >= 40
    assert len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("call,error,argument", [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_bad_input_is_refused_naming_the_argument(call, error, argument):
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value).startswith(f"{argument}:"), str(caught.value)
