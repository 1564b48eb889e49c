"""Regression tests of reported defects: each behaves as PyTorch does (checked against torch
where it has a counterpart), or fails with a clear error that names the argument."""
import warnings

import numpy as np
import pytest
import torch

import minigrad as mg
from minigrad import losses

F = torch.nn.functional


def both(values, dtype="float64", requires_grad=True):
    """The same values as a minigrad and a torch tensor."""
    array = np.asarray(values, dtype=dtype)
    return (mg.tensor(array, requires_grad=requires_grad),
            torch.tensor(array, requires_grad=requires_grad))


def close(ours, theirs):
    ours = ours.numpy() if isinstance(ours, mg.Tensor) else np.asarray(ours)
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0, equal_nan=True)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # log 0, 0·inf, 0/0 on purpose
# --- cross_entropy / nll_loss of a batch of padding ----------------------------------------------
@pytest.mark.parametrize("kwargs", [{}, {"weight": True}, {"label_smoothing": 0.1}])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_every_target_ignored_gives_torchs_value_and_a_zero_gradient(name, reduction, kwargs):
    if name == "nll_loss" and "label_smoothing" in kwargs:
        pytest.skip("nll_loss has no label smoothing")
    x, xt = both(np.random.randn(3, 4))
    target = np.full(3, -100)
    extra, extra_t = {}, {}
    if kwargs.get("weight"):
        w = np.random.rand(4)
        extra, extra_t = {"weight": mg.tensor(w)}, {"weight": torch.tensor(w)}
    elif kwargs:
        extra = extra_t = kwargs
    ours = getattr(losses, name)(x, mg.tensor(target), reduction=reduction, **extra)
    theirs = getattr(F, name)(xt, torch.tensor(target), reduction=reduction, **extra_t)
    close(ours, theirs)  # 'mean': 0/0 = NaN, as torch
    ours.sum().backward()
    theirs.sum().backward()
    close(x.grad, xt.grad)
    assert not np.isnan(x.grad.numpy()).any()


def test_partly_ignored_targets_still_match_torch():
    x, xt = both(np.random.randn(4, 3))
    target = np.array([0, -100, 2, -100])
    ours = losses.cross_entropy(x, mg.tensor(target), label_smoothing=0.2)
    theirs = F.cross_entropy(xt, torch.tensor(target), label_smoothing=0.2)
    close(ours, theirs)
    ours.backward()
    theirs.backward()
    close(x.grad, xt.grad)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32"])
def test_small_integer_class_targets(dtype):
    x, xt = both(np.random.randn(3, 4))
    target = np.array([1, 0, 3])
    ours = losses.cross_entropy(x, mg.tensor(target.astype(dtype)))
    close(ours, F.cross_entropy(xt, torch.tensor(target)))
    ours = losses.nll_loss(x, mg.tensor(target.astype(dtype)), reduction="none")
    close(ours, F.nll_loss(xt, torch.tensor(target), reduction="none"))


def test_int8_targets_with_ignore_index():
    x, xt = both(np.random.randn(3, 4))
    target = np.array([1, -100, 3])
    ours = losses.cross_entropy(x, mg.tensor(target.astype("int8")))
    close(ours, F.cross_entropy(xt, torch.tensor(target)))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # log 0, 0·inf, 0/0 on purpose
# --- masks: selected, not multiplied ---------------------------------------------------------------
@pytest.mark.parametrize("case", ["relu_sqrt", "clip_log", "clip_low_log", "maximum_log",
                                  "minimum_log"])
def test_an_infinite_upstream_gradient_at_a_masked_place_gives_zero(case):
    values = [-1.0, 0.0, 0.5, 2.0]
    x, xt = both(values)
    if case == "relu_sqrt":
        ours, theirs = x.relu().sqrt(), xt.relu().sqrt()
    elif case == "clip_log":
        ours, theirs = x.clip(0, 1).log(), xt.clip(0, 1).log()
    elif case == "clip_low_log":
        ours, theirs = x.clip(min=0).log(), xt.clip(min=0).log()
    elif case == "maximum_log":
        ours = mg.maximum(x, mg.tensor([0.0, 0.0, 0.5, 3.0], dtype="float64")).log()
        theirs = torch.maximum(xt, torch.tensor([0.0, 0.0, 0.5, 3.0], dtype=torch.float64)).log()
    else:
        ours = mg.minimum(x, mg.tensor([-2.0, 0.0, 0.5, 3.0], dtype="float64")).log()
        theirs = torch.minimum(xt, torch.tensor([-2.0, 0.0, 0.5, 3.0], dtype=torch.float64)).log()
    (g,) = mg.grad(ours.sum(), x, create_graph=True)
    (gt,) = torch.autograd.grad(theirs.sum(), xt, create_graph=True)
    close(g, gt)
    # second order: the recorded backward selects too
    (gg,) = mg.grad(g.sum(), x)
    (ggt,) = torch.autograd.grad(gt.sum(), xt)
    close(gg, ggt)


def test_maximum_ties_still_share_the_gradient():
    a = mg.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    b = mg.tensor([1.0, 3.0], dtype="float64", requires_grad=True)
    ga, gb = mg.grad(mg.maximum(a, b).sum(), [a, b])
    assert ga.tolist() == [0.5, 0.0] and gb.tolist() == [0.5, 1.0]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # log 0, 0·inf, 0/0 on purpose
# --- a ** b at a = 0 ---------------------------------------------------------------------------------
def test_tensor_power_at_zero_base_matches_torch():
    a, at = both([0.0, 0.0, 0.0, 0.0, 0.0, 2.0, -2.0])
    b, bt = both([0.0, -1.0, -2.5, 2.0, 0.5, 0.0, 2.0])
    ga, gb = mg.grad((a ** b).sum(), [a, b])
    gat, gbt = torch.autograd.grad((at ** bt).sum(), [at, bt])
    close(a ** b, at ** bt)
    close(ga, gat)  # 0 at (0, 0); -inf at (0, b < 0)
    close(gb, gbt)  # 0 at (0, b ≥ 0); -inf at (0, b < 0); nan at a < 0
    assert ga.tolist()[0] == 0.0 and gb.tolist()[1] == -np.inf


def test_tensor_power_second_order_away_from_zero():
    a = mg.tensor([0.5, 2.0], dtype="float64", requires_grad=True)
    b = mg.tensor([1.5, 0.0], dtype="float64", requires_grad=True)
    assert mg.check.gradgradcheck(lambda a, b: a ** b, [a, b])


# --- float16 binary cross-entropy ---------------------------------------------------------------------
def test_binary_cross_entropy_float16_clamps_at_100():
    p = np.array([0.0, 1.0, 0.5, 1e-3], dtype="float16")
    y = np.array([1.0, 0.0, 1.0, 1.0], dtype="float16")
    ours = losses.binary_cross_entropy(mg.tensor(p), mg.tensor(y), reduction="none")
    theirs = F.binary_cross_entropy(torch.tensor(p), torch.tensor(y), reduction="none")
    assert ours.dtype == mg.float16
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert ours.numpy()[0] == 100.0


# --- clip with tensor bounds ----------------------------------------------------------------------------
def test_clip_with_tensor_bounds_matches_torch_clamp():
    x, xt = both([-1.0, 0.5, 2.0, 0.5, 0.7])
    lo, lot = both([0.0, 0.0, 0.0, 0.5, 2.0])
    hi, hit = both([1.0, 1.0, 1.0, 1.0, 1.0])
    ours, theirs = x.clip(min=lo, max=hi), xt.clamp(min=lot, max=hit)
    close(ours, theirs)
    close(mg.functional.clip(x, lo), xt.clamp(min=lot))
    grads = mg.grad(ours.sum(), [x, lo, hi])
    for g, gt in zip(grads, torch.autograd.grad(theirs.sum(), [xt, lot, hit])):
        close(g, gt)


def test_clip_with_a_tensor_and_a_number():
    x, xt = both([-1.0, 0.5, 2.0])
    hi, hit = both(1.5)
    ours, theirs = x.clip(min=0.0, max=hi), xt.clamp(min=torch.tensor(0.0, dtype=torch.float64), max=hit)
    close(ours, theirs)
    (g, gh), (gt, ght) = mg.grad(ours.sum(), [x, hi]), torch.autograd.grad(theirs.sum(), [xt, hit])
    close(g, gt)
    close(gh, ght)


# --- mg.tensor of float64 values in a list ----------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: [np.array([1.0, 2.0]), np.array([3.0, 4.0])],
    lambda: [np.float64(1.0), np.float64(2.0)],
    lambda: [[np.float64(1.0), 2.0]],
    lambda: [1, np.float64(2.0)],
    lambda: [np.float32(1.0), 2.0],
    lambda: [1.0, 2.0],
    lambda: [np.int32(1), np.int32(2)],
])
def test_tensor_of_a_list_keeps_dtypes_as_torch(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: a list of arrays is slow
        expected = torch.tensor(make()).dtype
    assert str(mg.tensor(make()).dtype) == str(expected).replace("torch.", "")


def test_tensor_of_a_list_of_float64_tensors_is_float64():
    rows = [mg.ones(2, dtype="float64"), mg.zeros(2, dtype="float64")]
    t = mg.tensor(rows)
    assert t.dtype == mg.float64 and t.shape == (2, 2)
    assert t.tolist() == [[1.0, 1.0], [0.0, 0.0]]
    assert mg.tensor([mg.ones(2), mg.ones(2)]).dtype == mg.float32
    assert mg.tensor([np.float64(1.0)], dtype="float32").dtype == mg.float32
    assert torch.tensor([torch.ones(1, dtype=torch.float64)]).dtype == torch.float64


def test_tensor_of_a_list_of_cuda_tensors_still_refuses_the_implicit_transfer():
    rows = [mg.ones(2, dtype="float64", device="cuda")] * 2
    with pytest.raises(TypeError, match="implicit conversion"):
        mg.tensor(rows)


# --- from_numpy of ndarray subclasses ---------------------------------------------------------------------
def test_from_numpy_of_a_memmap_is_on_cpu_and_shares_memory(tmp_path):
    m = np.memmap(tmp_path / "m.bin", dtype=np.float32, mode="w+", shape=(3,))
    t = mg.from_numpy(m)
    assert t.device == "cpu" and type(t.data) is np.ndarray
    m[0] = 5.0
    assert t.tolist() == [5.0, 0.0, 0.0]
    assert (t + 1).device == "cpu"
    assert torch.from_numpy(m).shape == t.shape


def test_from_numpy_of_a_matrix_is_a_2d_cpu_tensor():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        m = np.matrix([[1.0, 2.0], [3.0, 4.0]])
    t = mg.from_numpy(m)
    assert t.device == "cpu" and t.shape == (2, 2) and t.dtype == mg.float64
    assert (t.sum(axis=0)).tolist() == torch.from_numpy(m).sum(dim=0).tolist()


def test_from_numpy_of_a_masked_array_is_refused():
    with pytest.raises(TypeError, match="from_numpy: a masked array"):
        mg.from_numpy(np.ma.array([1.0, 2.0], mask=[0, 1]))


# --- rand / randn with a non-floating dtype, arange with step 0 ----------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: mg.rand(3, dtype="int64"), lambda: mg.randn(3, dtype=mg.int32),
    lambda: mg.rand(2, 2, dtype="bool"), lambda: mg.randn(2, dtype="uint8"),
    lambda: mg.rand_like(mg.zeros(3, dtype="int64")),
    lambda: mg.randn_like(mg.zeros(3, dtype="bool")),
])
def test_random_floats_refuse_an_integer_or_bool_dtype(make):
    with pytest.raises(ValueError, match=r"(rand|randn): dtype must be a floating dtype"):
        make()


def test_random_like_of_a_float_tensor_still_works():
    assert mg.randn_like(mg.zeros(3, dtype="float64")).dtype == mg.float64
    assert mg.rand_like(mg.zeros(3, dtype="float16")).dtype == mg.float16


@pytest.mark.parametrize("args", [(0, 1, 0), (0.0, 1.0, 0.0)])
def test_arange_with_step_zero(args):
    with pytest.raises(ValueError, match="arange: step must be nonzero"):
        mg.arange(*args)
    with pytest.raises(RuntimeError):
        torch.arange(*args)


# --- Module.load_state_dict / load: atomic, the key named ---------------------------------------------
def _two_layers():
    return mg.nn.Sequential(mg.nn.Linear(2, 3), mg.nn.Linear(3, 1))


def _snapshot(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("bad, error, words", [
    (np.array(["a", "b", "c"]), TypeError, "not numbers"),
    (np.zeros(3, dtype=complex), TypeError, "complex"),
    (np.zeros(4), ValueError, "shape mismatch"),
    (np.array([object(), 1, 2], dtype=object), TypeError, "not numbers"),
])
def test_a_failed_load_state_dict_changes_nothing_and_names_the_key(bad, error, words):
    model = _two_layers()
    before = _snapshot(model)
    state = {k: np.full(v.shape, 7.0) for k, v in before.items()}
    state["1.weight"] = bad  # after '0.weight' and '0.bias', which are fine
    with pytest.raises(error, match=rf"'1\.weight'.*{words}|{words}.*'1\.weight'"):
        model.load_state_dict(state)
    for k, v in _snapshot(model).items():
        np.testing.assert_array_equal(v, before[k])


def test_complex_values_are_refused_even_with_zero_imaginary_part():
    model = mg.nn.Linear(2, 1)
    state = {k: v.numpy().astype(complex) for k, v in model.state_dict().items()}
    with pytest.raises(TypeError, match="'weight': the value is complex"):
        model.load_state_dict(state)


def test_load_of_a_npy_file_is_a_clear_error(tmp_path):
    path = tmp_path / "w.npy"
    np.save(path, np.zeros(3))
    model = mg.nn.Linear(2, 1)
    with pytest.raises(ValueError, match=r"load: .*w\.npy.* single array \(\.npy\)"):
        model.load(path)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match=r"load: .*notes\.txt.* not an \.npz archive"):
        model.load(text)


def test_save_then_load_still_round_trips(tmp_path):
    model, other = _two_layers(), _two_layers()
    model.save(tmp_path / "m.npz")
    other.load(tmp_path / "m.npz")
    for k, v in _snapshot(other).items():
        np.testing.assert_array_equal(v, _snapshot(model)[k])


# --- the functional API checks its arguments -------------------------------------------------------------
@pytest.mark.parametrize("call, torch_call, pattern", [
    (lambda: mg.exp([1.0]), lambda: torch.exp([1.0]), r"exp\(\): argument 'x' must be a Tensor, not list"),
    (lambda: mg.exp(np.ones(2)), lambda: torch.exp(np.ones(2)), r"exp\(\): argument 'x' must be a Tensor, not ndarray"),
    (lambda: mg.sum(3.0), lambda: torch.sum(3.0), r"sum\(\): argument 'x' must be a Tensor, not float"),
    (lambda: mg.concatenate([mg.ones(2), np.ones(2)]), lambda: torch.cat([torch.ones(2), np.ones(2)]),
     r"concatenate\(\): argument 'tensors': element 1 must be a Tensor, not ndarray"),
    (lambda: mg.concatenate(mg.ones(2, 3)), lambda: torch.cat(torch.ones(2, 3)),
     r"concatenate\(\): argument 'tensors' must be a list or tuple of Tensors, not Tensor"),
    (lambda: mg.stack(mg.ones(2, 3)), lambda: torch.stack(torch.ones(2, 3)),
     r"stack\(\): argument 'tensors' must be a list or tuple of Tensors, not Tensor"),
    (lambda: mg.stack([mg.ones(2), np.ones(2)]), lambda: torch.stack([torch.ones(2), np.ones(2)]),
     r"stack\(\): argument 'tensors': element 1 must be a Tensor, not ndarray"),
    (lambda: mg.linear(mg.ones(2, 3), np.ones((4, 3))), lambda: F.linear(torch.ones(2, 3), np.ones((4, 3))),
     r"linear\(\): argument 'weight' must be a Tensor, not ndarray"),
    (lambda: mg.linear(np.ones((2, 3)), mg.ones(4, 3)), lambda: F.linear(np.ones((2, 3)), torch.ones(4, 3)),
     r"linear\(\): argument 'x' must be a Tensor, not ndarray"),
    (lambda: mg.linear(mg.ones(2, 3), mg.ones(4, 3), np.ones(4)),
     lambda: F.linear(torch.ones(2, 3), torch.ones(4, 3), np.ones(4)),
     r"linear\(\): argument 'bias' must be a Tensor, not ndarray"),
])
def test_functions_name_an_argument_that_is_not_a_tensor(call, torch_call, pattern):
    with pytest.raises(TypeError):
        torch_call()
    with pytest.raises(TypeError, match=pattern):
        call()


@pytest.mark.parametrize("axis", [5, 2, -3])
def test_concatenate_names_an_axis_out_of_range(axis, device):
    t = mg.ones(2, 3, device=device)
    with pytest.raises(ValueError, match=rf"concatenate: axis {axis} is out of range for tensors "
                                         r"of 2 dimensions"):
        mg.concatenate([t, t], axis=axis)
    with pytest.raises(IndexError):
        torch.cat([torch.ones(2, 3)] * 2, dim=axis)


def test_concatenate_refuses_0d_tensors_and_a_float_axis():
    with pytest.raises(ValueError, match="concatenate: 0-d tensors cannot be concatenated"):
        mg.concatenate([mg.tensor(1.0), mg.tensor(2.0)])
    with pytest.raises(TypeError, match="concatenate: axis must be an int, not float"):
        mg.concatenate([mg.ones(2), mg.ones(2)], axis=0.0)
    with pytest.raises(ValueError, match="stack: axis 3 is out of range"):
        mg.stack([mg.ones(2), mg.ones(2)], axis=3)


def test_concatenate_and_stack_still_join(device):
    a, b = mg.ones(2, 3, device=device), mg.zeros(2, 3, device=device)
    assert mg.concatenate((a, b), axis=-1).shape == (2, 6)
    assert mg.stack([a, b], axis=-1).shape == (2, 3, 2)
    assert mg.stack((a, b), axis=2).shape == (2, 3, 2)


def test_unary_functions_still_take_tensors(device):
    x = mg.tensor([1.0, 4.0], device=device)
    assert mg.sqrt(x).tolist() == [1.0, 2.0]
    assert mg.add(2, x).tolist() == [3.0, 6.0]  # binary functions keep taking numbers


# --- integer overflow of a number operand -----------------------------------------------------------------
@pytest.mark.parametrize("call, value, dtype", [
    (lambda: mg.add(mg.tensor([1], dtype="int8"), 1000), 1000, "int8"),
    (lambda: mg.sub(300, mg.tensor([1], dtype="int8")), 300, "int8"),
    (lambda: mg.mul(mg.tensor([1], dtype="uint8"), -1), -1, "uint8"),
])
def test_a_number_that_does_not_fit_an_integer_tensor(call, value, dtype):
    with pytest.raises(OverflowError, match=rf"the value {value} does not fit in the {dtype}"):
        call()


def test_operators_refuse_a_number_that_does_not_fit_and_compare_with_none_as_torch():
    with pytest.raises(OverflowError, match="the value 1000 does not fit in the int8"):
        mg.tensor([1], dtype="int8") + 1000
    x, xt = mg.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0])
    assert (x == None) is (xt == None) is False  # noqa: E711 (the comparison is the test)
    assert (x != None) is (xt != None) is True  # noqa: E711
    with pytest.raises(TypeError):
        x < None


def test_load_state_dict_between_forward_and_backward_makes_backward_raise():
    model = mg.nn.Linear(2, 1)
    loss = model(mg.ones(3, 2)).sum()
    model.load_state_dict({k: v.numpy() * 2 for k, v in model.state_dict().items()})
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # 0 ** -0.5 and NaN on purpose
def test_abs_and_l1_loss_give_zero_gradient_at_zero_and_nan_and_norms_match_torch():
    values = [float("nan"), 0.0, -2.0, 1.0]
    x, xt = both(np.array(values))
    mg.losses.l1_loss(x, mg.zeros(4, dtype="float64")).backward()
    torch.nn.functional.l1_loss(xt, torch.zeros(4, dtype=torch.float64)).backward()
    np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())
    x, xt = both(np.array([[1.0, -1.0, -2.0], [0.0, 2.0, -2.0]]))
    x.norm(ord=0.5, axis=1).sum().backward()   # |x|^p has an infinite slope where x = 0
    torch.linalg.vector_norm(xt, ord=0.5, dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_numbers_that_fit_still_combine():
    assert mg.add(mg.tensor([1], dtype="int8"), 126).tolist() == [127]
    assert mg.add(mg.tensor([1], dtype="int8"), 2.5).tolist() == [3.5]


# --- Linear with zero-size feature axes ---------------------------------------------------------------------
@pytest.mark.parametrize("x_shape, w_shape", [
    ((2, 0), (3, 0)), ((2, 3), (0, 3)), ((0, 3), (4, 3)), ((2, 5, 0), (3, 0)), ((0,), (3, 0)),
    ((2, 0, 3), (4, 3)),
])
def test_linear_backward_on_zero_size_axes(x_shape, w_shape):
    x, xt = both(np.random.randn(*x_shape))
    w, wt = both(np.random.randn(*w_shape))
    b, bt = both(np.random.randn(w_shape[0]))
    ours, theirs = mg.linear(x, w, b), F.linear(xt, wt, bt)
    close(ours, theirs)
    grads = mg.grad(ours.sum(), [x, w, b])
    for g, gt in zip(grads, torch.autograd.grad(theirs.sum(), [xt, wt, bt])):
        assert g.shape == tuple(gt.shape)
        close(g, gt)


# --- indexing with an empty list ------------------------------------------------------------------------------
@pytest.mark.parametrize("index", [[], ([],), (slice(None), []), (0, [])])
def test_an_empty_list_index_selects_nothing(index, device):
    x = mg.tensor(np.arange(6.0).reshape(2, 3), device=device, requires_grad=True)
    y = x[index]
    assert y.shape == tuple(torch.arange(6.0).reshape(2, 3)[index].shape)
    y.sum().backward()
    assert x.grad.shape == (2, 3) and x.grad.tolist() == [[0.0] * 3] * 2


# --- detection_loss with boxes that are not 4 coordinates ------------------------------------------------------
@pytest.mark.parametrize("last", [3, 5, 1])
def test_detection_loss_names_a_box_axis_that_is_not_4(last):
    logits, targets = mg.randn(5, 3), mg.zeros(5, 3)
    with pytest.raises(ValueError, match=rf"box_pred: the last axis must hold a box's 4 "
                                         rf"coordinates; got shape \(5, {last}\)"):
        losses.detection_loss(logits, targets, mg.randn(5, last), mg.randn(5, last))
