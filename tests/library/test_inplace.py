"""In-place operations, version counters, same-shape views as graph nodes, leaf gradients that
do not alias, `.grad` validation and the optimiser's argument checks, each against PyTorch
where it has the behaviour."""
import numpy as np
import pytest
import torch

import minigrad as mg
from minigrad import nn

from ..conftest import to_host

LEAF_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation."
MODIFIED = "modified by an inplace operation"


def f64(values, device="cpu", requires_grad=True):
    return mg.tensor(np.asarray(values, dtype=np.float64), device=device,
                     requires_grad=requires_grad)


# --- 1. in-place operators and methods -----------------------------------------------------------
def test_sgd_by_hand_under_no_grad_updates_the_parameters_themselves(device):
    model = nn.Linear(3, 2, dtype="float64", device=device)
    before = [p for p in model.parameters()]
    arrays = [p.data for p in before]
    x = mg.tensor(np.random.standard_normal((4, 3)), device=device)
    old = [p.numpy() for p in before]
    versions = [p._version for p in before]
    (model(x) ** 2).sum().backward()
    grads = [p.grad.numpy() for p in before]
    with mg.no_grad():
        for p in model.parameters():
            p -= 0.1 * p.grad
    after = model.parameters()
    assert all(a is b for a, b in zip(before, after)), "the Parameters stay the same objects"
    assert all(p.data is a for p, a in zip(after, arrays)), "updated in their own arrays"
    for p, o, g, v in zip(after, old, grads, versions):
        np.testing.assert_allclose(p.numpy(), o - 0.1 * g)
        assert p.is_leaf and p.requires_grad and p._version == v + 1


def test_attribute_update_keeps_the_parameter_in_the_module():
    model = nn.Linear(3, 2, dtype="float64")
    weight = model.weight
    (model(mg.ones(1, 3, dtype="float64"))).sum().backward()
    with mg.no_grad():
        model.weight -= 0.5 * model.weight.grad
    assert model.weight is weight and isinstance(model.weight, nn.Parameter)
    assert "weight" in model.state_dict() and len(model.parameters()) == 2


def test_inplace_on_a_leaf_that_requires_grad_is_refused_as_in_torch():
    for make, lib in ((lambda: mg.tensor([1.0, 2.0], requires_grad=True), "mg"),
                      (lambda: torch.tensor([1.0, 2.0], requires_grad=True), "torch")):
        for op in (lambda w: w.__iadd__(1), lambda w: w.add_(1), lambda w: w.sub_(1),
                   lambda w: w.mul_(2), lambda w: w.div_(2), lambda w: w.zero_(),
                   lambda w: w.fill_(3.0), lambda w: w.copy_(w.detach() * 2)):
            w = make()
            with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
                op(w)
            assert w.is_leaf and w.grad_fn is None and w.tolist() == [1.0, 2.0], lib
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError) as err:
        w += 1
    assert str(err.value) == LEAF_MESSAGE


def test_inplace_on_a_non_leaf_with_grad_on_is_refused_clearly():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    y = w * 2
    with pytest.raises(RuntimeError, match="Mul.*out-of-place form"):
        y += 1
    with pytest.raises(RuntimeError, match="operand requires grad"):
        mg.zeros(2).add_(w)
    with mg.no_grad():  # allowed there, as in torch
        y += 1
    np.testing.assert_array_equal(y.numpy(), [3.0, 5.0])


@pytest.mark.parametrize("name", ["add_", "sub_", "mul_", "div_"])
def test_inplace_methods_match_torch(name, device):
    a = np.random.standard_normal((2, 3))
    b = np.random.standard_normal(3)  # broadcast to a's shape
    t, ref = mg.tensor(a, device=device), torch.tensor(a)
    out = getattr(t, name)(mg.tensor(b, device=device))
    getattr(ref, name)(torch.tensor(b))
    assert out is t and t._version == 1
    np.testing.assert_allclose(t.numpy(), ref.numpy(), rtol=1e-15)
    if name in ("add_", "sub_"):
        getattr(t, name)(mg.tensor(b, device=device), alpha=0.5)
        getattr(ref, name)(torch.tensor(b), alpha=0.5)
        np.testing.assert_allclose(t.numpy(), ref.numpy(), rtol=1e-15)
        assert t._version == 2


def test_operators_with_numbers_and_fill_zero_copy(device):
    t = mg.tensor(np.arange(4.0), device=device)
    array = t.data
    t += 1
    t -= 0.5
    t *= 4
    t /= 2
    np.testing.assert_allclose(t.numpy(), (np.arange(4.0) + 0.5) * 2)
    assert t.data is array and t._version == 4
    assert t.fill_(7.0) is t and t.tolist() == [7.0] * 4
    assert t.zero_() is t and t.tolist() == [0.0] * 4
    assert t.copy_(np.array([1, 2, 3, 4])) is t and t.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert t.dtype == mg.float64 and t._version == 7


def test_inplace_errors_match_torch_in_kind():
    i = mg.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="div_"):
        i /= 2  # torch: result type Float can't be cast to the desired output type Long
    with pytest.raises(RuntimeError):
        torch.tensor([1, 2, 3]).div_(2)
    with pytest.raises(RuntimeError, match="add_.*shape"):
        mg.zeros(3).add_(mg.ones(2, 3))  # torch: output with shape [3] doesn't match [2, 3]
    with pytest.raises(RuntimeError):
        torch.zeros(3).add_(torch.ones(2, 3))
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    with pytest.raises(RuntimeError, match="read-only"):
        mg.from_numpy(frozen).add_(1)
    assert i.tolist() == [1, 2, 3] and i._version == 0


# --- 2. version counters ---------------------------------------------------------------------------
def test_inplace_between_forward_and_backward_raises_like_torch():
    for lib in (mg, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        x = lib.tensor([3.0, 4.0])
        loss = (w * x).sum()
        x.mul_(2)  # x is saved by Mul for w's gradient
        with pytest.raises(RuntimeError, match="modified by an inplace operation") as err:
            loss.backward()
        assert "is at version 1; expected version 0 instead" in str(err.value)
    assert "Mul" in str(err.value) or lib is torch


def test_the_error_names_the_operation_and_versions():
    w = f64([1.0, 2.0])
    x = f64([3.0, 4.0], requires_grad=False)
    loss = (w * x).sum()
    x += 1
    x += 1
    with pytest.raises(RuntimeError) as err:
        loss.backward()
    message = str(err.value)
    assert MODIFIED in message and "input b of Mul" in message
    assert "is at version 2; expected version 0 instead" in message


def test_an_optimiser_step_between_forward_and_backward_raises():
    w = f64([1.0, 2.0])
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    opt = mg.optim.SGD([w], lr=0.1)
    opt.step()
    assert w._version == 1
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


def test_an_nn_init_call_between_forward_and_backward_raises():
    layer = nn.Linear(3, 2, dtype="float64")
    loss = layer(mg.ones(4, 3, dtype="float64")).relu().sum()
    version = layer.weight._version
    nn.init.normal_(layer.weight)
    assert layer.weight._version == version + 1
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


def test_a_modified_output_that_backward_needs_raises_like_torch():
    for lib in (mg, torch):
        x = lib.tensor([0.5, 1.0], requires_grad=True)
        y = x.exp()
        with lib.no_grad():
            y.mul_(2)  # exp's backward reads its output
        with pytest.raises(RuntimeError, match=MODIFIED):
            y.sum().backward()


def test_changes_that_backward_does_not_need_pass_like_torch():
    for lib in (mg, torch):
        x = lib.tensor([0.5, 1.0], requires_grad=True)
        y = x.exp()  # needs its output, not x
        z = x + 1  # needs nothing
        with lib.no_grad():
            x.mul_(2)
        (y.sum() + z.sum()).backward()
        np.testing.assert_allclose(x.grad.numpy(), np.exp([0.5, 1.0]) + 1, rtol=1e-6)


def test_detach_shares_the_version_counter_as_in_torch():
    w = f64([1.0, 2.0])
    x = f64([3.0, 4.0], requires_grad=False)
    loss = (w * x).sum()
    alias = x.detach()
    alias.add_(1)
    assert x._version == alias._version == 1
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()
    t = torch.tensor([3.0, 4.0])
    t.detach().add_(1)
    assert t._version == 1


def test_state_dict_copy_bumps_the_version_through_copy_():
    layer = nn.Linear(2, 2, dtype="float64")
    version = layer.weight._version
    with mg.no_grad():
        layer.weight.copy_(np.eye(2))
    assert layer.weight._version == version + 1 and layer.weight.tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_second_order_is_unaffected():
    x = f64([0.3, -1.2])
    y = (x ** 3).sum()
    (g,) = mg.grad(y, x, create_graph=True)
    (h,) = mg.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), 6 * x.numpy())
    assert mg.check.gradgradcheck(lambda t: (t * t).exp().sum(), (x,))


# --- 4. same-shape views are new graph nodes ----------------------------------------------------
@pytest.mark.parametrize("view", ["reshape", "broadcast_to", "squeeze", "astype", "transpose"])
def test_same_shape_views_are_new_nodes(view):
    x = {"transpose": f64(2.0), "squeeze": f64([1.0, 2.0, 3.0])}.get(view, f64([[1.0, 2.0, 3.0]]))
    make = {"reshape": lambda t: t.reshape(t.shape),
            "broadcast_to": lambda t: t.broadcast_to(t.shape),
            "squeeze": lambda t: t.squeeze(),  # nothing to squeeze
            "astype": lambda t: t.astype(t.dtype),
            "transpose": lambda t: t.transpose(0, -1)}[view]
    y = make(x)
    assert y is not x and y.grad_fn is not None
    (g,) = mg.grad((y * y).sum(), y)
    np.testing.assert_allclose(g.numpy(), 2 * x.numpy())
    # with respect to x itself, as before
    (gx,) = mg.grad((make(x) * 3).sum(), x)
    np.testing.assert_allclose(gx.numpy(), np.full(x.shape, 3.0))


def test_squeeze_with_nothing_to_squeeze_and_torch_agree():
    x = f64([1.0, 2.0])
    y = x.squeeze()
    assert y is not x and y.grad_fn is not None
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    assert t.squeeze() is not t and t.reshape(t.shape) is not t
    (g,) = mg.grad((y * y).sum(), y)
    np.testing.assert_allclose(g.numpy(), [2.0, 4.0])


def test_same_shape_views_without_grad_are_new_tensors_on_the_same_array():
    x = mg.tensor([1.0, 2.0])
    y = x.reshape(2)
    assert y is not x and y.data is x.data
    y.add_(1)
    assert x.tolist() == [2.0, 3.0] and x._version == 1


# --- 5. leaf gradients do not alias -----------------------------------------------------------------
def test_leaves_of_a_sum_get_their_own_gradients(device):
    a, b = f64([1.0, 2.0], device), f64([3.0, 4.0], device)
    (a + b).sum().backward()
    assert a.grad is not b.grad and a.grad.data is not b.grad.data
    a.grad.mul_(0.5)
    assert to_host(b.grad.data).tolist() == [1.0, 1.0]
    assert to_host(a.grad.data).tolist() == [0.5, 0.5]


def test_gradients_of_sums_are_writable():
    x = f64([[1.0, 2.0], [3.0, 4.0]])
    x.sum().backward()  # the gradient is a broadcast of one number
    assert x.grad.data.flags.writeable
    x.grad.mul_(2)
    t = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    t.sum().backward()
    t.grad.mul_(2)
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())


def test_backward_does_not_store_the_callers_gradient():
    x = f64([1.0, 2.0])
    y = x * 1.0
    v = f64([5.0, 6.0], requires_grad=False)
    (x + 0.0).backward(gradient=v)  # Add passes v straight through to x
    assert x.grad is not v and x.grad.data is not v.data
    x.grad.zero_()
    assert v.tolist() == [5.0, 6.0]
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_a_fresh_gradient_is_stored_without_a_copy():
    w = f64([1.0, 2.0])
    (w * w).sum().backward()  # Mul's g * a: a new array, nobody else holds it
    assert w.grad.data.base is None and w.grad.data.flags.writeable


# --- 6. .grad validation -------------------------------------------------------------------------------
def test_assigning_a_wrong_grad_raises_as_in_torch():
    x = mg.zeros(3, requires_grad=True)
    t = torch.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="assigned grad has data of a different size"):
        x.grad = mg.zeros(4)
    with pytest.raises(RuntimeError, match="size"):
        t.grad = torch.zeros(4)
    with pytest.raises(RuntimeError, match="different type"):
        x.grad = mg.zeros(3, dtype="int64")
    with pytest.raises(RuntimeError, match="different device"):
        x.grad = mg.zeros(3, device="cuda")
    with pytest.raises(TypeError, match="Tensor or None"):
        x.grad = np.zeros(3)
    x.grad = mg.ones(3)
    x.grad = None
    assert x.grad is None


# --- 7. optimiser arguments ------------------------------------------------------------------------
def test_an_optimiser_given_one_tensor_raises_torchs_type_error():
    w = mg.zeros(3, requires_grad=True)
    message = "params argument given to the optimizer should be an iterable of Tensors or dicts"
    with pytest.raises(TypeError, match=message + ", but got Tensor"):
        mg.optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match=message):
        torch.optim.SGD(torch.zeros(3, requires_grad=True), lr=0.1)
    with pytest.raises(TypeError, match=message):
        mg.optim.Adam(w)


def test_bad_learning_rates_name_the_argument():
    w = mg.zeros(3, requires_grad=True)
    with pytest.raises(TypeError, match="SGD: lr must be a number, got str '0.1'"):
        mg.optim.SGD([w], lr="0.1")
    with pytest.raises(ValueError, match="SGD: lr must be ≥ 0"):
        mg.optim.SGD([w], lr=-0.1)
    with pytest.raises(TypeError, match="Adam: betas must be a number"):
        mg.optim.Adam([w], betas=("0.9", 0.99))
    with pytest.raises(TypeError, match="momentum"):
        mg.optim.SGD([w], lr=0.1, momentum=None)


def test_a_step_on_a_read_only_parameter_is_a_clear_error():
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    w = mg.from_numpy(frozen).requires_grad_()
    w.grad = mg.ones(3, dtype="float64")
    opt = mg.optim.SGD([w], lr=0.1)
    with pytest.raises(RuntimeError, match="read-only"):
        opt.step()


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW"])
def test_steps_update_in_place_and_bump_versions(name, device):
    w = mg.tensor(np.ones(3), device=device, requires_grad=True)
    array = w.data
    opt = getattr(mg.optim, name)([w], lr=0.1, **({"momentum": 0.9} if name == "SGD" else {}))
    for step in range(1, 3):
        w.grad = mg.tensor(np.full(3, 0.5), device=device)
        opt.step()
        assert w.data is array and w._version == step and w.is_leaf
