"""Task 4 (softmax): logsumexp, softmax and log_softmax, forward values against NumPy, and
finite where the naive formulas overflow (e^1000 is inf in float64, e^100 in float32)."""
import math

import numpy as np
import pytest

import minigrad as mg

pytestmark = pytest.mark.task("softmax")

AXES = [None, 0, 1, -1, (0, 2)]


def logits(seed=0):
    return 3.0 * np.random.default_rng(seed).standard_normal((3, 4, 5))


def np_logsumexp(x, axis, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def np_log_softmax(x, axis):
    return x - np_logsumexp(x, axis, keepdims=True)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES)
def test_logsumexp_matches_numpy(axis, keepdims):
    x = logits()
    out = mg.tensor(x).logsumexp(axis=axis, keepdims=keepdims)
    expected = np_logsumexp(x, axis, keepdims)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)


def test_logsumexp_is_finite_for_large_inputs():
    x = np.array([[1000.0, 1000.0, 990.0], [-1000.0, -1000.0, -1010.0]])
    np.testing.assert_allclose(mg.tensor(x).logsumexp(axis=1).numpy(),
                               [1000 + math.log(2 + math.exp(-10)),
                                -1000 + math.log(2 + math.exp(-10))], rtol=1e-12)
    out = mg.tensor(np.array([100.0, 100.0], dtype="float32")).logsumexp()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.item(), 100 + math.log(2), rtol=1e-6)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # log 0 = -inf on purpose
def test_logsumexp_of_minus_infinity():
    """Masked logits: a row of -inf has logsumexp -inf (e^-inf = 0), and -inf entries add 0."""
    x = np.array([[-np.inf, -np.inf], [-np.inf, 0.0]])
    np.testing.assert_array_equal(mg.tensor(x).logsumexp(axis=1).numpy(), [-np.inf, 0.0])


def test_logsumexp_is_built_from_tensor_operations():
    out = mg.tensor(logits(), requires_grad=True).logsumexp(axis=1)
    assert out.grad_fn is not None, "logsumexp must be composed of Tensor operations"


@pytest.mark.parametrize("axis", [0, 1, -1, (0, 2)])
def test_softmax_matches_numpy(axis):
    x = logits()
    out = mg.tensor(x).softmax(axis=axis)
    np.testing.assert_allclose(out.numpy(), np.exp(np_log_softmax(x, axis)), rtol=1e-12)
    np.testing.assert_allclose(out.numpy().sum(axis=axis), 1.0, rtol=1e-12)


def test_softmax_takes_the_last_axis_by_default():
    x = logits()
    np.testing.assert_allclose(mg.tensor(x).softmax().numpy(), np.exp(np_log_softmax(x, -1)),
                               rtol=1e-12)


def test_softmax_is_finite_for_large_inputs():
    out = mg.tensor(np.array([[1000.0, 1000.0], [-1000.0, 0.0]])).softmax(axis=1)
    np.testing.assert_allclose(out.numpy(), [[0.5, 0.5], [0.0, 1.0]], atol=1e-300)
    out = mg.tensor(np.array([100.0, 100.0], dtype="float32")).softmax()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [0.5, 0.5], rtol=1e-6)


def test_softmax_is_built_from_tensor_operations():
    out = mg.tensor(logits(), requires_grad=True).softmax(axis=1)
    assert out.grad_fn is not None, "softmax must be composed of Tensor operations"


@pytest.mark.parametrize("axis", [0, 1, -1, (0, 2)])
def test_log_softmax_matches_numpy(axis):
    x = logits()
    np.testing.assert_allclose(mg.tensor(x).log_softmax(axis=axis).numpy(),
                               np_log_softmax(x, axis), rtol=1e-12, atol=1e-12)


def test_log_softmax_is_finite_for_large_inputs():
    out = mg.tensor(np.array([[1000.0, 0.0], [-1000.0, -1000.0]])).log_softmax(axis=1)
    np.testing.assert_allclose(out.numpy(), [[0.0, -1000.0], [-math.log(2), -math.log(2)]],
                               rtol=1e-12)
    out = mg.tensor(np.array([100.0, 0.0], dtype="float32")).log_softmax()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [0.0, -100.0], rtol=1e-6, atol=1e-6)
