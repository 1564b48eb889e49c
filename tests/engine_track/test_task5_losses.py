"""Task 5 (losses): mse_loss, huber_pointwise (huber_loss, smooth_l1_loss),
binary_cross_entropy_with_logits and class_index_loss (nll_loss), forward values against NumPy
formulas written from their definitions.

nll_loss takes log-probabilities, computed here with NumPy, so these tests need no
log_softmax (task 4); cross_entropy is log_softmax followed by the same class_index_loss.
"""
import numpy as np
import pytest

import minigrad as mg
from minigrad import losses
from minigrad.losses.classification import class_index_loss

pytestmark = pytest.mark.task("losses")

REDUCTIONS = ["none", "mean", "sum"]


def reduce(pointwise, reduction, divisor=None):
    if reduction == "none":
        return pointwise
    total = np.sum(pointwise)
    return total if reduction == "sum" else total / (pointwise.size if divisor is None else divisor)


def pair(shape=(4, 3), scale=2.0, seed=0):
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal(shape), scale * rng.standard_normal(shape)


def check(out, expected):
    assert isinstance(out, mg.Tensor)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss(reduction):
    x, y = pair()
    check(losses.mse_loss(mg.tensor(x), mg.tensor(y), reduction=reduction),
          reduce((x - y) ** 2, reduction))


def huber(e, delta):
    return np.where(np.abs(e) <= delta, 0.5 * e ** 2, delta * (np.abs(e) - 0.5 * delta))


@pytest.mark.parametrize("delta", [1.0, 0.5, 2.5])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_huber_loss(reduction, delta):
    x, y = pair()
    check(losses.huber_loss(mg.tensor(x), mg.tensor(y), reduction=reduction, delta=delta),
          reduce(huber(x - y, delta), reduction))


@pytest.mark.parametrize("beta", [1.0, 0.3])
def test_smooth_l1_loss_is_huber_divided_by_beta(beta):
    x, y = pair()
    check(losses.smooth_l1_loss(mg.tensor(x), mg.tensor(y), reduction="none", beta=beta),
          huber(x - y, beta) / beta)


def bce_with_logits(x, y, weight=1.0, pos_weight=1.0):
    """-w·[pos_weight·y·log σ(x) + (1 - y)·log(1 - σ(x))], with log σ(x) = -log(1 + e^-x)."""
    log_sigmoid, log_one_minus = -np.logaddexp(0.0, -x), -np.logaddexp(0.0, x)
    return -weight * (pos_weight * y * log_sigmoid + (1 - y) * log_one_minus)


def logits_and_labels(shape=(4, 3), seed=0):
    rng = np.random.default_rng(seed)
    return 3.0 * rng.standard_normal(shape), rng.uniform(0.0, 1.0, shape)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits(reduction):
    x, y = logits_and_labels()
    check(losses.binary_cross_entropy_with_logits(mg.tensor(x), mg.tensor(y), reduction=reduction),
          reduce(bce_with_logits(x, y), reduction))


def test_binary_cross_entropy_with_logits_weight_and_pos_weight():
    x, y = logits_and_labels()
    weight = np.random.default_rng(1).uniform(0.5, 2.0, x.shape)
    pos_weight = np.array([0.5, 1.0, 3.0])
    out = losses.binary_cross_entropy_with_logits(
        mg.tensor(x), mg.tensor(y), weight=mg.tensor(weight), pos_weight=mg.tensor(pos_weight),
        reduction="none")
    check(out, bce_with_logits(x, y, weight, pos_weight))


def test_binary_cross_entropy_with_logits_is_finite_for_large_logits():
    x, y = np.array([800.0, -800.0, 800.0, -800.0]), np.array([0.0, 1.0, 1.0, 0.0])
    out = losses.binary_cross_entropy_with_logits(mg.tensor(x), mg.tensor(y), reduction="none")
    np.testing.assert_allclose(out.numpy(), [800.0, 800.0, 0.0, 0.0], rtol=1e-12, atol=1e-300)


def log_probabilities(shape, seed=0):
    """Logs of probabilities summing to 1 along axis 1."""
    z = 2.0 * np.random.default_rng(seed).standard_normal(shape)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def labels(n, classes, seed=0):
    return np.random.default_rng(seed).integers(0, classes, n)


def nll(log_p, y, weight=None, ignore_index=-100, smoothing=0.0):
    """Per sample, and the divisor of 'mean': Σ over the samples kept of w_y."""
    classes = log_p.shape[1]
    w = np.ones(classes) if weight is None else weight
    kept = y != ignore_index
    safe = np.where(kept, y, 0)
    picked = -log_p[np.arange(len(y)), safe] * w[safe]
    every = -(log_p * w).sum(axis=1)
    pointwise = np.where(kept, (1 - smoothing) * picked + smoothing / classes * every, 0.0)
    return pointwise, np.sum(w[safe] * kept)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(reduction):
    log_p, y = log_probabilities((6, 4)), labels(6, 4)
    pointwise, divisor = nll(log_p, y)
    check(losses.nll_loss(mg.tensor(log_p), mg.tensor(y), reduction=reduction),
          reduce(pointwise, reduction, divisor))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_with_class_weights_is_a_weighted_mean(reduction):
    log_p, y = log_probabilities((6, 4)), labels(6, 4)
    weight = np.array([0.5, 2.0, 1.0, 3.0])
    pointwise, divisor = nll(log_p, y, weight)
    check(losses.nll_loss(mg.tensor(log_p), mg.tensor(y), weight=mg.tensor(weight),
                          reduction=reduction), reduce(pointwise, reduction, divisor))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_leaves_out_the_ignored_samples(reduction):
    log_p, y = log_probabilities((6, 4)), labels(6, 4)
    y[[1, 4]] = -1
    pointwise, divisor = nll(log_p, y, ignore_index=-1)
    check(losses.nll_loss(mg.tensor(log_p), mg.tensor(y), ignore_index=-1, reduction=reduction),
          reduce(pointwise, reduction, divisor))


def test_nll_loss_of_class_maps():
    """(N, C, d) input, (N, d) target: one loss per sample and position."""
    log_p, y = log_probabilities((2, 4, 3)), labels(6, 4).reshape(2, 3)
    rows = np.moveaxis(log_p, 1, -1).reshape(-1, 4)
    pointwise, _ = nll(rows, y.reshape(-1))
    check(losses.nll_loss(mg.tensor(log_p), mg.tensor(y), reduction="none"),
          pointwise.reshape(2, 3))


@pytest.mark.parametrize("weighted", [False, True])
def test_class_index_loss_with_label_smoothing(weighted):
    """The part of cross_entropy after log_softmax: (1 - ε)·w_y·(-log p_y) + (ε/C)·Σ_c w_c·(-log p_c)."""
    log_p, y = log_probabilities((6, 4)), labels(6, 4)
    y[2] = -100
    weight = np.array([0.5, 2.0, 1.0, 3.0]) if weighted else None
    pointwise, divisor = nll(log_p, y, weight, smoothing=0.2)
    out = class_index_loss(mg.tensor(log_p), mg.tensor(y),
                           mg.tensor(weight) if weighted else None, -100, 0.2, "mean")
    check(out, reduce(pointwise, "mean", divisor))


def test_the_losses_are_built_from_tensor_operations():
    """A loss has no backward of its own: autograd differentiates what it is composed of."""
    x, y = pair()
    log_p, labels_ = log_probabilities((6, 4)), labels(6, 4)
    logit, target = mg.tensor(x, requires_grad=True), mg.tensor(1 / (1 + np.exp(-y)))
    computed = {
        "mse_loss": losses.mse_loss(logit, mg.tensor(y)),
        "huber_loss": losses.huber_loss(logit, mg.tensor(y)),
        "binary_cross_entropy_with_logits": losses.binary_cross_entropy_with_logits(logit, target),
        "nll_loss": losses.nll_loss(mg.tensor(log_p, requires_grad=True), mg.tensor(labels_)),
    }
    for name, out in computed.items():
        assert out.grad_fn is not None, f"{name} must be composed of Tensor operations"
