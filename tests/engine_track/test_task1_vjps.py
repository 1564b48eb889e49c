"""Task 1 (vjps): each primitive's backward, called on one node, against its forward.

A node's backward is its vector-Jacobian product: given g, the gradient of some scalar with
respect to the node's output, it returns that scalar's gradient with respect to each input.
Here the scalar is Σ g·output, whose gradient these tests take by central differences of the
forward alone (float64).  So they run no backward walk and no other task's code; the inputs
of a node have one shape, so no gradient needs un-broadcasting.
"""
import numpy as np
import pytest

import minigrad as mg
from minigrad import ops

pytestmark = pytest.mark.task("vjps")


def uniform(low, high, *shape, seed=0):
    return np.random.default_rng(seed).uniform(low, high, shape)


def anywhere(*shape, seed=0):
    return uniform(-2.0, 2.0, *shape, seed=seed)


def positive(*shape, seed=0):
    return uniform(0.5, 2.0, *shape, seed=seed)


def with_zero(x):
    x = x.copy()
    x.flat[0] = 0.0
    return x


CASES = [
    pytest.param(ops.Mul, [anywhere(3, 4), anywhere(3, 4, seed=1)], {}, id="Mul"),
    pytest.param(ops.Div, [anywhere(3, 4), positive(3, 4, seed=1) * np.sign(anywhere(3, 4))],
                 {}, id="Div"),
    pytest.param(ops.PowScalar, [anywhere(5)], {"exponent": 2}, id="PowScalar-2"),
    pytest.param(ops.PowScalar, [positive(5)], {"exponent": 3}, id="PowScalar-3"),
    pytest.param(ops.PowScalar, [positive(5)], {"exponent": 0.5}, id="PowScalar-0.5"),
    pytest.param(ops.PowScalar, [positive(5)], {"exponent": -2}, id="PowScalar--2"),
    pytest.param(ops.PowScalar, [with_zero(anywhere(5))], {"exponent": 1}, id="PowScalar-1-at-0"),
    pytest.param(ops.PowScalar, [with_zero(anywhere(5))], {"exponent": 0}, id="PowScalar-0-at-0"),
    pytest.param(ops.Exp, [anywhere(2, 3)], {}, id="Exp"),
    pytest.param(ops.Log, [positive(2, 3)], {}, id="Log"),
    pytest.param(ops.Tanh, [anywhere(2, 3)], {}, id="Tanh"),
    pytest.param(ops.Sigmoid, [uniform(-6.0, 6.0, 2, 3)], {}, id="Sigmoid"),
    pytest.param(ops.Sum, [anywhere(2, 3, 4)], {"axes": (0, 1, 2), "keepdims": False},
                 id="Sum-all"),
    pytest.param(ops.Sum, [anywhere(2, 3, 4)], {"axes": (1,), "keepdims": False}, id="Sum-axis-1"),
    pytest.param(ops.Sum, [anywhere(2, 3, 4)], {"axes": (0, 2), "keepdims": True},
                 id="Sum-axes-0-2-keepdims"),
    pytest.param(ops.MatMul, [anywhere(3, 4), anywhere(4, 5, seed=1)], {}, id="MatMul"),
    pytest.param(ops.MatMul, [anywhere(2, 3, 4), anywhere(2, 4, 5, seed=1)], {},
                 id="MatMul-batched"),
    pytest.param(ops.MatMul, [anywhere(4), anywhere(4, 5, seed=1)], {}, id="MatMul-vector-matrix"),
    pytest.param(ops.MatMul, [anywhere(3, 4), anywhere(4, seed=1)], {}, id="MatMul-matrix-vector"),
    pytest.param(ops.MatMul, [anywhere(4), anywhere(4, seed=1)], {}, id="MatMul-dot"),
]


def forward(op, arrays, params):
    return op.apply(*[mg.tensor(a) for a in arrays], **params).numpy()


def central_differences(op, arrays, params, g, k, eps=1e-6):
    """∂(Σ g·op(arrays))/∂arrays[k], element by element, from the forward alone."""
    gradient = np.zeros_like(arrays[k])
    for i in np.ndindex(arrays[k].shape):
        up, down = [a.copy() for a in arrays], [a.copy() for a in arrays]
        up[k][i] += eps
        down[k][i] -= eps
        gradient[i] = np.sum(g * (forward(op, up, params) - forward(op, down, params))) / (2 * eps)
    return gradient


def node_of(op, arrays, params):
    inputs = [mg.tensor(a, requires_grad=True) for a in arrays]
    out = op.apply(*inputs, **params)
    return inputs, out


@pytest.mark.parametrize("op, arrays, params", CASES)
def test_vjp_matches_central_differences(op, arrays, params):
    inputs, out = node_of(op, arrays, params)
    g = np.random.default_rng(2).standard_normal(out.shape)
    vjps = out.grad_fn.backward(mg.tensor(g))
    assert len(vjps) == len(inputs), f"backward returned {len(vjps)} gradients for {len(inputs)} inputs"
    for k, (x, vjp) in enumerate(zip(inputs, vjps)):
        assert isinstance(vjp, mg.Tensor), f"gradient {k} is a {type(vjp).__name__}, not a Tensor"
        assert vjp.shape == x.shape, f"gradient {k} has shape {vjp.shape}, input {k} {x.shape}"
        expected = central_differences(op, arrays, params, g, k)
        np.testing.assert_allclose(vjp.numpy(), expected, rtol=1e-6, atol=1e-8,
                                   err_msg=f"the gradient of input {k}")


@pytest.mark.parametrize("op, arrays, params", CASES)
def test_vjp_is_built_from_tensor_operations(op, arrays, params):
    """Computed with Tensor operations (not on raw arrays), a VJP is itself recorded when g
    requires grad: that is what makes second derivatives possible (create_graph=True)."""
    _, out = node_of(op, arrays, params)
    g = mg.tensor(np.ones(out.shape), requires_grad=True)
    for k, vjp in enumerate(out.grad_fn.backward(g)):
        assert isinstance(vjp, mg.Tensor) and vjp.grad_fn is not None, \
            f"gradient {k} was not computed with Tensor operations from g"
