"""Task 3 (walk): topological_order and the backward walk, on graphs of primitives defined here.

The primitives below (Scale, Product, Plus, and a few that watch the walk) carry their own
VJPs, written with each other, so that these tests run no VJP of task 1; their inputs have one
shape and dtype, so no gradient needs un-broadcasting (task 2).
"""
import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import Function, backward_walk, topological_order

pytestmark = pytest.mark.task("walk")


class Scale(Function):
    """c·a for a number c."""

    rule = "d/da = c"

    def forward(self, a, *, c):
        self.c = c
        return a * c

    def backward(self, g):
        return (Scale.apply(g, c=self.c),)


class Product(Function):
    """a·b, element by element."""

    rule = "d/da = b, d/db = a"

    def forward(self, a, b):
        return a * b

    def backward(self, g):
        a, b = self.inputs
        return Product.apply(g, b), Product.apply(g, a)


class Plus(Function):
    """a + b."""

    rule = "d/da = 1, d/db = 1"

    def forward(self, a, b):
        return a + b

    def backward(self, g):
        return g, g


class Counted(Function):
    """a, counting the calls of its backward."""

    rule = "d/da = 1"
    calls = 0

    def forward(self, a):
        return a.copy()

    def backward(self, g):
        Counted.calls += 1
        return (g,)


class GradMode(Function):
    """a, noting whether graph recording was on while its backward ran."""

    rule = "d/da = 1"
    seen = []

    def forward(self, a):
        return a.copy()

    def backward(self, g):
        GradMode.seen.append(mg.is_grad_enabled())
        return (g,)


class FirstOnly(Function):
    """a + b whose backward sends nothing (None) to b."""

    rule = "d/da = 1, d/db: none sent"

    def forward(self, a, b):
        return a + b

    def backward(self, g):
        return g, None


def leaf(*values):
    return mg.tensor(np.array(values, dtype="float64"), requires_grad=True)


def ones_like(t):
    return mg.tensor(np.ones(t.shape))


def diamond():
    """x → a = 2x, b = 3x → c = a·b → d = c + a: d = 6x² + 2x, dd/dx = 12x + 2."""
    x = leaf(1.0, -2.0, 0.5)
    a, b = Scale.apply(x, c=2.0), Scale.apply(x, c=3.0)
    c = Product.apply(a, b)
    d = Plus.apply(c, a)
    return x, a, b, c, d


def positions(order):
    return {id(t): i for i, t in enumerate(order)}


def test_topological_order_puts_each_tensor_after_its_inputs():
    x, a, b, c, d = diamond()
    order = topological_order([d])
    assert sorted(map(id, order)) == sorted(map(id, (x, a, b, c, d))), \
        "the order must hold every tensor of the graph once"
    at = positions(order)
    for t in (a, b, c, d):
        for i in t.grad_fn.inputs:
            assert at[id(i)] < at[id(t)], "a tensor comes before one of its inputs"
    assert order[-1] is d


def test_topological_order_leaves_out_tensors_that_need_no_gradient():
    x, k = leaf(1.0, 2.0), mg.tensor(np.array([3.0, 4.0]))
    y = Product.apply(x, k)
    order = topological_order([y])
    assert [id(t) for t in order] == [id(x), id(y)]


def test_topological_order_of_several_roots_holds_shared_tensors_once():
    x, a, b, c, d = diamond()
    order = topological_order([d, c, b])
    assert sorted(map(id, order)) == sorted(map(id, (x, a, b, c, d)))
    at = positions(order)
    assert at[id(x)] < at[id(a)] < at[id(c)] < at[id(d)] and at[id(b)] < at[id(c)]


def test_topological_order_of_a_long_chain_needs_no_recursion():
    chain = [leaf(1.0)]
    for _ in range(5000):  # far deeper than Python's recursion limit
        chain.append(Scale.apply(chain[-1], c=1.0))
    order = topological_order([chain[-1]])
    assert [id(t) for t in order] == [id(t) for t in chain]


def test_backward_accumulates_the_gradients_of_a_tensor_used_twice():
    x, a, b, c, d = diamond()
    d.backward(ones_like(d))
    np.testing.assert_allclose(x.grad.numpy(), 12 * x.numpy() + 2)


def test_backward_fills_the_grad_of_leaves_only():
    x, k = leaf(1.0, 2.0), mg.tensor(np.array([3.0, 4.0]))
    a = Scale.apply(x, c=2.0)
    y = Product.apply(a, k)
    y.backward(ones_like(y))
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 8.0])
    assert a.grad is None and k.grad is None


def test_backward_with_retain_graph_can_run_again_and_adds_up():
    x, a, b, c, d = diamond()
    d.backward(ones_like(d), retain_graph=True)
    d.backward(ones_like(d))
    np.testing.assert_allclose(x.grad.numpy(), 2 * (12 * x.numpy() + 2))


def test_the_walk_frees_the_graph_so_a_second_backward_fails():
    x, a, b, c, d = diamond()
    d.backward(ones_like(d))
    assert all(t.grad_fn.released for t in (a, b, c, d))
    with pytest.raises(RuntimeError, match="retain_graph"):
        d.backward(ones_like(d))


def test_grad_returns_the_gradients_of_the_inputs_asked_for_intermediate_ones_too():
    x, a, b, c, d = diamond()
    da, dx = mg.grad(d, [a, x], grad_outputs=ones_like(d))
    np.testing.assert_allclose(da.numpy(), b.numpy() + 1)  # ∂d/∂a, with b held fixed
    np.testing.assert_allclose(dx.numpy(), 12 * x.numpy() + 2)
    assert x.grad is None


def test_grad_runs_only_the_nodes_on_a_path_to_the_inputs():
    x, z = leaf(1.0, 2.0), leaf(3.0, 4.0)
    y = Plus.apply(Counted.apply(z), Scale.apply(x, c=2.0))
    Counted.calls = 0
    (dx,) = mg.grad(y, x, grad_outputs=ones_like(y))
    np.testing.assert_allclose(dx.numpy(), [2.0, 2.0])
    assert Counted.calls == 0, "the walk ran a backward that leads to no input asked for"


def test_vjps_record_nothing_unless_create_graph():
    x = leaf(1.0, 2.0)
    GradMode.seen = []
    GradMode.apply(x).backward(ones_like(x))
    mg.grad(GradMode.apply(x), x, grad_outputs=ones_like(x), create_graph=True)
    assert GradMode.seen == [False, True]


def test_create_graph_gives_second_derivatives():
    x = leaf(1.0, -2.0, 0.5)
    y = Product.apply(x, Product.apply(x, x))  # x³
    (slope,) = mg.grad(y, x, grad_outputs=ones_like(y), create_graph=True)
    np.testing.assert_allclose(slope.numpy(), 3 * x.numpy() ** 2)
    (curvature,) = mg.grad(slope, x, grad_outputs=ones_like(slope))
    np.testing.assert_allclose(curvature.numpy(), 6 * x.numpy())


def test_a_vjp_of_none_sends_no_gradient():
    x, z = leaf(1.0, 2.0), leaf(3.0, 4.0)
    y = FirstOnly.apply(x, z)
    y.backward(ones_like(y))
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])
    assert z.grad is None


def test_backward_walk_returns_the_leaves_and_shows_each_step_to_its_observer():
    x, a, b, c, d = diamond()
    steps = []
    found = backward_walk([d], [ones_like(d)], observer=lambda *step: steps.append(step))
    assert list(found) == [id(x)]
    (leaf_, gradient), = found.values()
    assert leaf_ is x
    np.testing.assert_allclose(gradient.numpy(), 12 * x.numpy() + 2)
    visited = [id(t) for t, _, _ in steps]
    assert sorted(visited) == sorted(map(id, (x, a, b, c, d))), "each tensor is visited once"
    at = positions([t for t, _, _ in steps])
    assert at[id(d)] < at[id(c)] < at[id(a)] < at[id(x)] and at[id(c)] < at[id(b)], \
        "a tensor is visited before the inputs it was computed from"
    by_tensor = {id(t): (upstream, sent) for t, upstream, sent in steps}
    upstream, sent = by_tensor[id(c)]
    np.testing.assert_allclose(upstream.numpy(), 1.0)
    assert [k for k, _, _ in sent] == [0, 1]
    np.testing.assert_allclose(sent[0][2].numpy(), b.numpy())  # ∂c/∂a = b
    np.testing.assert_allclose(sent[1][2].numpy(), a.numpy())  # ∂c/∂b = a
    assert by_tensor[id(x)][1] == []
