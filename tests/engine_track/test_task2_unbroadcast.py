"""Task 2 (unbroadcast): sum_to(grad, shape) sums a gradient of a broadcast result back to the
shape of the input that was broadcast.

An input of shape ``shape`` broadcast to ``grad.shape`` was copied along the axes that
broadcasting added in front and along its axes of size 1 that were stretched; its gradient is
the sum over those copies.  The expected sums here are taken element by element.
"""
import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import sum_to

pytestmark = pytest.mark.task("unbroadcast")

CASES = [
    ((2, 3, 4), (3, 4)),
    ((2, 3, 4), (4,)),
    ((2, 3, 4), ()),
    ((2, 3, 4), (1, 4)),
    ((2, 3, 4), (3, 1)),
    ((2, 3, 4), (2, 1, 4)),
    ((2, 3, 4), (1, 3, 1)),
    ((2, 3, 4), (1, 1, 1)),
    ((5,), (1,)),
    ((5,), ()),
    ((3, 1), (1,)),
    ((4, 3, 1), (3, 1)),
]
IDS = [f"{a}-to-{b}" for a, b in CASES]


def summed_by_hand(grad, shape):
    """Each element of ``grad`` added to the element of ``shape`` that was copied to it."""
    out = np.zeros(shape)
    lead = grad.ndim - len(shape)
    for i in np.ndindex(grad.shape):
        out[tuple(0 if n == 1 else i[lead + d] for d, n in enumerate(shape))] += grad[i]
    return out


def gradient(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("grad_shape, shape", CASES, ids=IDS)
def test_sum_to_sums_the_copies_that_broadcasting_made(grad_shape, shape):
    g = gradient(grad_shape)
    out = sum_to(mg.tensor(g), shape)
    assert isinstance(out, mg.Tensor)
    assert out.shape == shape
    np.testing.assert_allclose(out.numpy(), summed_by_hand(g, shape), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("grad_shape, shape", CASES, ids=IDS)
def test_sum_to_is_the_adjoint_of_broadcasting(grad_shape, shape):
    """Σ g·broadcast(x) = Σ sum_to(g)·x for every x: the defining property of the gradient."""
    g, x = gradient(grad_shape), gradient(shape, seed=1)
    out = sum_to(mg.tensor(g), shape).numpy()
    np.testing.assert_allclose(np.sum(out * x), np.sum(g * np.broadcast_to(x, grad_shape)),
                               rtol=1e-12)


def test_sum_to_keeps_the_dtype():
    out = sum_to(mg.tensor(gradient((2, 3, 4)).astype("float32")), (3, 1))
    assert out.dtype == np.float32


def test_sum_to_is_built_from_tensor_operations():
    """On a gradient in the graph (create_graph=True), the sum is recorded as well."""
    out = sum_to(mg.tensor(gradient((2, 3, 4)), requires_grad=True), (1, 4))
    assert out.grad_fn is not None
