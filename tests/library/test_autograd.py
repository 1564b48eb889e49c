"""The autograd engine: accumulation, graph lifetime, deep graphs, no_grad, and minigrad.grad
(higher derivatives, allow_unused, grad_outputs, non-leaf inputs)."""
import gc
import weakref

import numpy as np
import pytest
import torch

import minigrad as mg
from minigrad.autograd import backward_walk, prune, seed_gradients, topological_order

from ..conftest import to_host


@pytest.fixture(autouse=True)
def _grad_mode_restored():
    """A test that breaks grad mode must not break the tests after it."""
    yield
    mg.autograd._grad_enabled = True


def f64(values, device, requires_grad=True):
    return mg.tensor(np.asarray(values, dtype=np.float64), device=device,
                     requires_grad=requires_grad)


# --- backward ------------------------------------------------------------------------------------
def test_backward_accumulates_into_leaves(device):
    x = f64([1.0, 2.0], device)
    (x * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    (x * x).sum().backward()  # a new graph: adds 2x
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 7.0])
    assert x.grad.device == device and x.grad.dtype == mg.float64
    x.zero_grad()
    assert x.grad is None


def test_a_leaf_used_twice_gets_both_contributions(device):
    x = f64(3.0, device)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert x.grad.item() == 7.0


def test_backward_reaches_only_leaves_that_require_grad(device):
    x = f64([1.0, 2.0], device)
    c = f64([5.0, 6.0], device, requires_grad=False)
    (x * c).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 6.0])
    assert c.grad is None


def test_intermediate_tensors_get_no_grad(device):
    x = f64([1.0, 2.0], device)
    y = x * 2.0
    y.sum().backward()
    assert y.grad is None and not y.is_leaf and y.grad_fn is not None


def test_retain_graph_allows_a_second_backward(device):
    x = f64([1.0, 2.0], device)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])


def test_second_backward_without_retain_graph_raises(device):
    x = f64([1.0, 2.0], device)
    y = (x.exp() * 2.0).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        y.backward()


def test_second_backward_through_a_shared_freed_subgraph_raises(device):
    x = f64([1.0, 2.0], device)
    h = x.tanh()
    h.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        (h * 2.0).sum().backward()


def test_graph_is_freed_after_backward(device):
    x = f64(np.ones(3), device)
    hidden = x.exp()
    ref = weakref.ref(hidden)
    loss = (hidden * 2.0).sum()
    del hidden
    gc.collect()
    assert ref() is not None  # the graph keeps the intermediate alive until backward
    loss.backward()
    gc.collect()
    assert ref() is None, "backward without retain_graph must drop the saved intermediates"
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.e * np.ones(3))


def test_retain_graph_keeps_the_graph(device):
    x = f64(np.ones(3), device)
    hidden = x.exp()
    ref = weakref.ref(hidden)
    loss = (hidden * 2.0).sum()
    del hidden
    loss.backward(retain_graph=True)
    gc.collect()
    assert ref() is not None
    del loss
    gc.collect()
    assert ref() is None  # and the graph goes with its output


def test_graph_refers_to_no_output_strongly(device):
    """Dropping the result of a forward frees its graph (no reference cycle through nodes)."""
    x = f64(np.ones(3), device)
    y = x.exp()
    ref = weakref.ref(y)
    del y
    assert ref() is None  # freed by reference counting alone, without gc


def test_backward_through_a_chain_of_100000_ops():
    x = f64(0.5, "cpu")
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.backward()
    assert x.grad.item() == 1.0
    assert y.item() == 100_000.5


def test_long_chain_with_create_graph():
    x = f64(1.0, "cpu")
    y = x
    for _ in range(2_000):
        y = y * 1.0001
    (g,) = mg.grad(y, x, create_graph=True)
    np.testing.assert_allclose(g.item(), 1.0001 ** 2000, rtol=1e-12)
    assert not g.requires_grad  # linear in x: the derivative is a constant


def test_backward_non_scalar_without_gradient_raises(device):
    y = f64([1.0, 2.0], device) * 2.0
    with pytest.raises(RuntimeError, match=r"non-scalar.*\(2,\).*gradient"):
        y.backward()


def test_backward_with_gradient_is_a_vector_jacobian_product(device):
    x = f64([1.0, 2.0, 3.0], device)
    y = x * x
    y.backward(gradient=mg.tensor(np.array([1.0, 0.5, -1.0]), device=device))
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, -6.0])


def test_backward_gradient_as_numpy_array():
    x = f64([1.0, 2.0], "cpu")
    (x * 3.0).backward(np.array([1.0, -1.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, -3.0])


def test_backward_gradient_of_the_wrong_shape_raises(device):
    y = f64([1.0, 2.0], device) * 2.0
    with pytest.raises(ValueError, match=r"gradient.*\(3,\).*\(2,\)"):
        y.backward(mg.tensor(np.ones(3), device=device))


def test_backward_of_a_tensor_that_does_not_require_grad_raises(device):
    y = f64([1.0], device, requires_grad=False) * 2.0
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.sum().backward()


def test_backward_of_a_single_element_non_scalar(device):
    x = f64([[2.0]], device)
    (x * x).backward()  # size 1: the seed 1 is implied, as torch
    assert x.grad.shape == (1, 1) and x.grad.item() == 4.0


def test_float32_leaf_gets_float32_gradient(device):
    x = mg.tensor([1.0, 2.0], device=device, requires_grad=True)
    (x * 2.5 + x.exp()).sum().backward()
    assert x.grad.dtype == mg.float32
    np.testing.assert_allclose(x.grad.numpy(), 2.5 + np.exp([1.0, 2.0]), rtol=1e-6)


# --- no_grad -------------------------------------------------------------------------------------
def test_no_grad_context_records_nothing(device):
    x = f64([1.0, 2.0], device)
    with mg.no_grad():
        assert not mg.is_grad_enabled()
        y = (x * 2.0).exp().sum()
    assert mg.is_grad_enabled()
    assert y._node is None and not y.requires_grad and y.grad_fn is None
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_no_grad_decorator_records_nothing(device):
    @mg.no_grad()
    def step(t):
        assert not mg.is_grad_enabled()
        return t * 2.0

    x = f64([1.0, 2.0], device)
    y = step(x)
    assert y._node is None and not y.requires_grad
    assert mg.is_grad_enabled()


def test_no_grad_decorator_is_reentrant():
    @mg.no_grad()
    def recurse(n):
        return recurse(n - 1) if n else mg.is_grad_enabled()

    assert recurse(3) is False
    assert mg.is_grad_enabled(), "a recursive no_grad function must restore grad mode"


def test_no_grad_instance_reused_in_nested_blocks():
    block = mg.no_grad()
    with block:
        with block:
            assert not mg.is_grad_enabled()
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()


def test_no_grad_restores_mode_after_an_exception():
    with pytest.raises(ZeroDivisionError):
        with mg.no_grad():
            1 / 0
    assert mg.is_grad_enabled()


def test_enable_grad_inside_no_grad(device):
    x = f64([1.0], device)
    with mg.no_grad():
        with mg.enable_grad():
            y = x * 2.0
        z = x * 2.0
    assert y.requires_grad and y._node is not None
    assert not z.requires_grad and z._node is None


def test_backward_itself_records_no_graph(device):
    x = f64([1.0, 2.0], device)
    (x.tanh() * x).sum().backward()
    assert x.grad.grad_fn is None and not x.grad.requires_grad


# --- minigrad.grad -------------------------------------------------------------------------------
def test_grad_returns_a_tuple_and_touches_no_dot_grad(device):
    x, w = f64([1.0, 2.0], device), f64([3.0, -1.0], device)
    gx, gw = mg.grad((x * w).sum(), [x, w])
    np.testing.assert_array_equal(gx.numpy(), [3.0, -1.0])
    np.testing.assert_array_equal(gw.numpy(), [1.0, 2.0])
    assert x.grad is None and w.grad is None
    assert not gx.requires_grad


def test_grad_of_a_single_tensor(device):
    x = f64(2.0, device)
    (g,) = mg.grad(x ** 3, x)
    assert g.item() == 12.0


def test_hessian_vector_product_matches_torch(device):
    rng = np.random.default_rng(1)
    a_np, x_np, v_np = rng.standard_normal((3, 3)), rng.standard_normal(3), rng.standard_normal(3)

    def f(x, a, lib):
        return (lib.tanh(a @ x) ** 2).sum() + (x ** 3).sum() * (x * x).sum()

    a = mg.tensor(a_np, device=device)
    x = mg.tensor(x_np, device=device, requires_grad=True)
    (g,) = mg.grad(f(x, a, mg), x, create_graph=True)
    (hv,) = mg.grad((g * mg.tensor(v_np, device=device)).sum(), x)

    _, thv = torch.autograd.functional.hvp(
        lambda t: f(t, torch.from_numpy(a_np), torch), torch.from_numpy(x_np),
        torch.from_numpy(v_np))
    np.testing.assert_allclose(hv.numpy(), thv.numpy(), rtol=1e-12, atol=1e-14)


def test_hessian_of_a_quadratic_is_exact(device):
    # f(x) = ½ xᵀ A x with symmetric A: the Hessian is A, exactly.
    a_np = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, -1.0], [0.0, -1.0, 3.0]])
    a = mg.tensor(a_np, device=device)
    x = f64([0.3, -0.7, 1.1], device)
    (g,) = mg.grad(0.5 * (x @ (a @ x)), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), a_np @ x.numpy(), rtol=1e-15)
    rows = [mg.grad(g[i], x, retain_graph=True)[0].numpy() for i in range(3)]
    np.testing.assert_array_equal(np.stack(rows), a_np)


def test_third_derivatives(device):
    x = f64([0.5, -1.2, 2.0], device)
    g1, = mg.grad((x ** 4).sum(), x, create_graph=True)
    g2, = mg.grad(g1.sum(), x, create_graph=True)
    g3, = mg.grad(g2.sum(), x)
    xn = x.numpy()
    np.testing.assert_allclose(g1.numpy(), 4 * xn ** 3, rtol=1e-14)
    np.testing.assert_allclose(g2.numpy(), 12 * xn ** 2, rtol=1e-14)
    np.testing.assert_allclose(g3.numpy(), 24 * xn, rtol=1e-14)

    t = mg.tanh(x)
    d1, = mg.grad(t.sum(), x, create_graph=True)
    d2, = mg.grad(d1.sum(), x, create_graph=True)
    d3, = mg.grad(d2.sum(), x)
    th = np.tanh(xn)
    np.testing.assert_allclose(d1.numpy(), 1 - th ** 2, rtol=1e-13)
    np.testing.assert_allclose(d2.numpy(), -2 * th * (1 - th ** 2), rtol=1e-13)
    np.testing.assert_allclose(d3.numpy(), (1 - th ** 2) * (6 * th ** 2 - 2), rtol=1e-12)


def test_create_graph_result_requires_grad_and_plain_result_does_not(device):
    x = f64([1.0, 2.0], device)
    (g,) = mg.grad((x ** 2).sum(), x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None
    (g2,) = mg.grad((x ** 2).sum(), x)
    assert not g2.requires_grad and g2.grad_fn is None


def test_grad_create_graph_keeps_the_graph(device):
    x = f64([1.0, 2.0], device)
    y = (x ** 3).sum()
    mg.grad(y, x, create_graph=True)
    (g,) = mg.grad(y, x)  # retain_graph defaulted to create_graph: the graph is still there
    np.testing.assert_array_equal(g.numpy(), [3.0, 12.0])
    with pytest.raises(RuntimeError, match="retain_graph"):
        mg.grad(y, x)


def test_grad_retain_graph(device):
    x = f64([1.0, 2.0], device)
    y = (x * x).sum()
    mg.grad(y, x, retain_graph=True)
    (g,) = mg.grad(y, x)
    np.testing.assert_array_equal(g.numpy(), [2.0, 4.0])


def test_grad_allow_unused(device):
    x, unused = f64([1.0], device), f64([2.0], device)
    y = (x * 2.0).sum()
    gx, gu = mg.grad(y, [x, unused], allow_unused=True)
    assert gx.item() == 2.0 and gu is None


def test_grad_of_an_input_not_in_the_graph_raises_naming_it(device):
    x, unused = f64([1.0], device), f64([2.0, 3.0], device)
    y = (x * 2.0).sum()
    with pytest.raises(RuntimeError, match=r"inputs\[1\].*\(2,\).*allow_unused"):
        mg.grad(y, [x, unused])


def test_grad_of_an_input_that_does_not_require_grad_raises(device):
    x, c = f64([1.0], device), f64([2.0], device, requires_grad=False)
    with pytest.raises(ValueError, match=r"inputs\[1\].*requires grad"):
        mg.grad((x * c).sum(), [x, c])


def test_grad_outputs(device):
    x = f64([1.0, 2.0, 3.0], device)
    y = x ** 2
    (g,) = mg.grad(y, x, grad_outputs=mg.tensor(np.array([1.0, -1.0, 0.5]), device=device))
    np.testing.assert_array_equal(g.numpy(), [2.0, -4.0, 3.0])


def test_grad_several_outputs_and_grad_outputs(device):
    x = f64([1.0, 2.0], device)
    y1, y2 = x * 3.0, (x * x).sum()
    seed = mg.tensor(np.array([1.0, 2.0]), device=device)
    (g,) = mg.grad([y1, y2], x, grad_outputs=[seed, None])
    np.testing.assert_array_equal(g.numpy(), [3.0 + 2.0, 6.0 + 4.0])


def test_grad_outputs_length_mismatch_raises(device):
    x = f64([1.0, 2.0], device)
    with pytest.raises(ValueError, match="grad_outputs: 2 given for 1 outputs"):
        mg.grad((x * x).sum(), x, grad_outputs=[None, None])


def test_grad_with_respect_to_a_non_leaf(device):
    x = f64([1.0, 2.0], device)
    h = x * 3.0
    y = (h * h).sum()
    gh, gx = mg.grad(y, [h, x])
    np.testing.assert_array_equal(gh.numpy(), 2 * h.numpy())
    np.testing.assert_array_equal(gx.numpy(), 18 * x.numpy())
    assert h.grad is None


def test_grad_with_respect_to_the_output_itself(device):
    x = f64([1.0, 2.0], device)
    y = (x * x).sum()
    (g,) = mg.grad(y, y)
    assert g.item() == 1.0


def test_grad_of_non_scalar_without_grad_outputs_raises(device):
    x = f64([1.0, 2.0], device)
    with pytest.raises(RuntimeError, match="non-scalar"):
        mg.grad(x * 2.0, x)


def test_mixed_partials_match_torch(device):
    # d²/dx dw of Σ sigmoid(w x)² + (w·x)³, through several primitives.
    xn, wn = np.array([0.4, -1.1]), np.array([0.7, 0.2])
    x, w = mg.tensor(xn, device=device, requires_grad=True), mg.tensor(wn, device=device,
                                                                        requires_grad=True)
    f = (mg.sigmoid(w * x) ** 2).sum() + ((w * x).sum()) ** 3
    (gx,) = mg.grad(f, x, create_graph=True)
    (gxw,) = mg.grad(gx.sum(), w)
    tx, tw = torch.tensor(xn, requires_grad=True), torch.tensor(wn, requires_grad=True)
    tf = (torch.sigmoid(tw * tx) ** 2).sum() + ((tw * tx).sum()) ** 3
    (tgx,) = torch.autograd.grad(tf, tx, create_graph=True)
    (tgxw,) = torch.autograd.grad(tgx.sum(), tw)
    np.testing.assert_allclose(gxw.numpy(), tgxw.numpy(), rtol=1e-12)


def test_backward_with_create_graph_builds_a_differentiable_grad(device):
    x = f64([1.0, 2.0], device)
    (x ** 3).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    (gg,) = mg.grad(g.sum(), x)
    np.testing.assert_array_equal(gg.numpy(), 6 * x.numpy())


def test_no_grad_decorates_without_parentheses():
    x = mg.tensor([1.0, 2.0], requires_grad=True)

    @mg.no_grad
    def double(t):
        return t * 2

    assert double.__name__ == "double"
    y = double(x)
    assert not y.requires_grad and y._node is None
    assert (x * 2).requires_grad  # grad mode is back on after the call


def test_an_observer_sees_the_walk_that_backward_runs(device):
    """backward_walk's observer is called once per tensor, in reverse topological order, with
    the gradients the walk itself computed: the step-through trace reads the real walk."""
    x = mg.tensor([1.0, -2.0], dtype="float64", device=device, requires_grad=True)
    w = mg.tensor([[0.5], [2.0]], dtype="float64", device=device, requires_grad=True)
    h = (x * x).reshape(1, 2)
    loss = (h @ w).tanh().sum()
    order = topological_order([loss])
    seen = []
    found = backward_walk([loss], seed_gradients([loss], [None]), retain_graph=True,
                          observer=lambda t, g, sent: seen.append((t, g, sent)))
    assert [t for t, _, _ in seen] == list(reversed(order))
    through = prune(order, [w])  # the walk toward w alone needs no backward through x * x
    upstream = {id(t): g for t, g, _ in seen}
    loss.backward()
    for leaf in (x, w):
        np.testing.assert_array_equal(to_host(upstream[id(leaf)]), to_host(leaf.grad))
        assert found[id(leaf)][0] is leaf
    # what each node sent is what arrived: x received two gradients from x * x
    mul = next(t for t, _, _ in seen if t._node is not None and t._node.op_name == "mul")
    (_, _, sent) = next(s for s in seen if s[0] is mul)
    assert [k for k, _, _ in sent] == [0, 1]
    np.testing.assert_array_equal(to_host(sent[0][2]) + to_host(sent[1][2]), to_host(x.grad))
    assert id(mul) not in through and id(loss) in through
