"""Claims about the losses, checked with the engine's own derivatives (minigrad.grad with
create_graph=True): the seeds' worked numbers, identities between losses, and the paper's
statements on convexity and strictness (seed 001)."""
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import losses

from ...samples import Maker
from .samples import REGISTRY

PROBABILITIES = np.linspace(0.001, 0.999, 999)


def derivatives(pointwise_loss, points, device="cpu"):
    """Value, first and second derivative of an elementwise loss at ``points`` (float64).

    The loss of each point depends on that point only, so the gradient of the sum is the
    elementwise derivative, and differentiating it again (create_graph) the second one.
    """
    x = mg.tensor(np.asarray(points, dtype=np.float64), device=device, requires_grad=True)
    value = pointwise_loss(x)
    (first,) = mg.grad(value.sum(), x, create_graph=True)
    (second,) = mg.grad(first.sum(), x)
    return value.numpy(), first.detach().numpy(), second.numpy()


def constant_like(x, value):
    return mg.full(x.shape, value, dtype=x.dtype, device=x.device)


def bisect(f, low, high, steps=60):
    """A root of f on [low, high], where f changes sign."""
    f_low = np.sign(f(low))
    for _ in range(steps):
        middle = 0.5 * (low + high)
        if np.sign(f(middle)) == f_low:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


# --- the seeds' worked numbers ---------------------------------------------------------------
def test_seed_numbers(device):
    p = mg.tensor([0.8, 0.1], dtype="float64", device=device)
    y = mg.tensor([0.0, 1.0], dtype="float64", device=device)
    spam, diagnosis = losses.binary_cross_entropy(p, y, reduction="none").tolist()
    assert spam == pytest.approx(1.609, abs=5e-4) and spam == pytest.approx(-math.log(0.2))
    assert diagnosis == pytest.approx(2.303, abs=5e-4) and diagnosis == pytest.approx(-math.log(0.1))
    true, predicted = (mg.tensor([v], dtype="float64", device=device) for v in (90.0, 30.0))
    assert losses.mse_loss(predicted, true, reduction="none").tolist() == [3600.0]
    assert losses.mse_loss(predicted, true).item() == 3600.0


# --- identities ------------------------------------------------------------------------------
def _logits_and_labels(device, shape=(6, 4)):
    m = Maker(1, device=device)
    return m.normal(*shape, scale=2.0), m.classes(shape[1], shape[0], *shape[2:])


@pytest.mark.parametrize("shape", [(6, 4), (2, 3, 2, 2)])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_focal_with_gamma_zero_is_cross_entropy(shape, reduction, device):
    x, y = _logits_and_labels(device, shape)
    np.testing.assert_allclose(losses.focal_loss(x, y, gamma=0.0, reduction=reduction).numpy(),
                               losses.cross_entropy(x, y, reduction=reduction).numpy(), rtol=1e-14)


def test_label_smoothing(device):
    x, y = _logits_and_labels(device)
    plain = losses.nll_loss(mg.log_softmax(x, axis=1), y, reduction="none").numpy()
    np.testing.assert_array_equal(
        losses.cross_entropy(x, y, label_smoothing=0.0, reduction="none").numpy(), plain)
    onehot = mg.one_hot(y, 4).astype("float64")
    np.testing.assert_allclose(losses.cross_entropy(x, onehot, reduction="none").numpy(), plain,
                               rtol=1e-14)
    # the label_smoothing argument and the public helper smooth_labels agree
    smoothed = losses.smooth_labels(onehot, 0.1)
    np.testing.assert_allclose(smoothed.numpy().sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(losses.cross_entropy(x, y, label_smoothing=0.1).item(),
                               losses.cross_entropy(x, smoothed).item(), rtol=1e-14)


def test_smooth_l1_with_beta_one_is_huber_with_delta_one(device):
    m = Maker(2, device=device)
    x, y = m.normal(20, scale=2.0), m.normal(20, scale=2.0)
    np.testing.assert_allclose(losses.smooth_l1_loss(x, y, beta=1.0, reduction="none").numpy(),
                               losses.huber_loss(x, y, delta=1.0, reduction="none").numpy(),
                               rtol=1e-15)


def test_bce_of_sigmoid_is_bce_with_logits(device):
    x = mg.tensor(np.linspace(-8, 8, 33), device=device, requires_grad=True)
    y = Maker(3, device=device).uniform(33)
    via_probabilities = losses.binary_cross_entropy(mg.sigmoid(x), y, reduction="none")
    via_logits = losses.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_allclose(via_probabilities.numpy(), via_logits.numpy(), rtol=1e-12)
    (g1,) = mg.grad(via_probabilities.sum(), x)
    (g2,) = mg.grad(via_logits.sum(), x)
    np.testing.assert_allclose(g1.numpy(), g2.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("loss", [losses.m_loss, losses.l_loss])
def test_full_versions_are_exactly_zero_at_the_target(loss, device):
    y = mg.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype="float64",
                  device=device)
    p = mg.tensor(y.numpy(), device=device, requires_grad=True)
    for full in (False, True):
        value = loss(p, y, full=full, reduction="none")
        assert value.tolist() == [0.0, 0.0, 0.0]
        (slope,) = mg.grad(value.sum(), p)
        assert np.all(np.isfinite(slope.numpy()))


def test_large_errors_keep_log_cosh_and_smae_finite(device):
    e = mg.tensor([1e4, -1e4], dtype="float64", device=device, requires_grad=True)
    zero = mg.zeros(2, dtype="float64", device=device)
    log_cosh = losses.log_cosh_loss(e, zero, reduction="none")
    np.testing.assert_allclose(log_cosh.numpy(), 1e4 - math.log(2), rtol=1e-15)
    np.testing.assert_allclose(losses.smae_loss(e, zero, reduction="none").numpy(), 1e4)
    for loss in (losses.log_cosh_loss, losses.smae_loss):
        _, first, second = derivatives(lambda x: loss(x, constant_like(x, 0.0), reduction="none"),
                                       [1e4, -1e4, 0.0], device)
        np.testing.assert_allclose(first, [1.0, -1.0, 0.0])
        assert np.all(np.isfinite(second))


def test_log_cosh_derivatives_are_exact_everywhere():
    """tanh e and sech² e, also at e = 0 where a form with |e| would get the curvature wrong."""
    e = np.array([-3.0, -1e-9, 0.0, 1e-9, 0.5, 3.0])
    _, first, second = derivatives(
        lambda x: losses.log_cosh_loss(x, constant_like(x, 0.0), reduction="none"), e)
    np.testing.assert_allclose(first, np.tanh(e), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(second, 1 / np.cosh(e) ** 2, rtol=1e-12)


def test_surrogates_bound_the_zero_one_loss(device):
    x = mg.tensor(np.linspace(-3, 3, 61), device=device)
    y = mg.ones(61, dtype="float64", device=device)
    zero_one = losses.zero_one_loss(x, y, reduction="none").numpy()
    for surrogate in (losses.hinge_loss, losses.square_loss, losses.logistic_loss):
        assert np.all(surrogate(x, y, reduction="none").numpy() >= zero_one - 1e-15)
    assert losses.logistic_loss(mg.zeros(1, dtype="float64"), mg.ones(1, dtype="float64")).item() == 1.0


# --- the paper's claims, with the engine's second derivatives --------------------------------
def _probability_loss(name, y, full=False):
    """The pointwise loss of one output p against the constant target y."""
    def loss(p):
        target = constant_like(p, y)
        if name == "bce":
            return losses.binary_cross_entropy(p, target, reduction="none")
        function = losses.m_loss if name == "M" else losses.l_loss
        return function(p, target, full=full, reduction="none")
    return loss


@pytest.mark.parametrize("name,full", [("bce", False), ("M", False), ("L", False),
                                       ("M", True), ("L", True)])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_convex_in_p(name, full, y, device):
    _, _, second = derivatives(_probability_loss(name, y, full), PROBABILITIES, device)
    if name != "bce" and not full and y == 0.0:
        assert np.all(second == 0.0)  # the plain versions ignore outputs whose target is 0
    else:
        assert np.all(second > 0), f"{name} (full={full}, y={y}) not convex"


def test_smae_second_derivative_changes_sign_near_2_4(device):
    def second_derivative(e):
        return derivatives(lambda x: losses.smae_loss(x, constant_like(x, 0.0), reduction="none"),
                           [e], device)[2][0]
    grid = np.linspace(0.0, 6.0, 121)
    _, _, second = derivatives(lambda x: losses.smae_loss(x, constant_like(x, 0.0), reduction="none"),
                               np.concatenate([grid, -grid]), device)
    signs = np.sign(second[:121])
    assert np.all(signs[grid < 2.39] > 0) and np.all(signs[grid > 2.41] < 0)
    np.testing.assert_array_equal(second[:121], second[121:])  # even in e
    crossing = bisect(second_derivative, 1.0, 4.0)
    assert crossing == pytest.approx(2.3994, abs=1e-3)


def _slope(name, full=False):
    """|∂loss/∂p| for y = 1, by the engine."""
    return lambda p: np.abs(derivatives(_probability_loss(name, 1.0, full), p)[1])


def test_m_is_stricter_than_cross_entropy_everywhere():
    assert np.all(_slope("M")(PROBABILITIES) > _slope("bce")(PROBABILITIES))
    np.testing.assert_allclose(_slope("M")(PROBABILITIES), 1 / PROBABILITIES ** 2, rtol=1e-12)


def test_l_is_stricter_than_cross_entropy_only_below_0_117():
    def excess(p):
        return (_slope("L")([p]) - _slope("bce")([p]))[0]
    crossover = bisect(excess, 0.01, 0.5)
    assert crossover == pytest.approx(0.117, abs=1e-3)
    stricter = _slope("L")(PROBABILITIES) > _slope("bce")(PROBABILITIES)
    np.testing.assert_array_equal(stricter, PROBABILITIES < crossover)


# --- the catalogue's convexity claims ----------------------------------------------------------
def _default_option_samples(entry, seed):
    return [s for s in entry.samples(seed=seed) if not s.kwargs]


@pytest.mark.parametrize("name", [name for name, e in REGISTRY.items() if e.facts.convex])
def test_claimed_convexity_holds_between_samples(name):
    """f(t·a + (1-t)·b) ≤ t·f(a) + (1-t)·f(b) for the prediction, between two seeds' samples."""
    entry = REGISTRY[name]
    first, second = _default_option_samples(entry, 0), _default_option_samples(entry, 1)
    assert first, "a convex entry needs a sample with the default options"
    reduction = {"reduction": "sum"} if entry.reductions else {}
    for a_sample, b_sample in zip(first, second):
        a, b = a_sample.args[0].detach(), b_sample.args[0].detach()
        rest = a_sample.args[1:]

        def loss_at(x):
            return entry.function(x, *rest, **reduction).item()
        for t in (0.25, 0.5, 0.75):
            chord = t * loss_at(a) + (1 - t) * loss_at(b)
            assert loss_at(t * a + (1 - t) * b) <= chord + 1e-12 * max(1.0, abs(chord)), \
                f"{name}: not convex between two samples ({a_sample.note})"
