"""Wrong input gets a clear error whose message names what was wrong."""
import re

import numpy as np
import pytest

import minigrad as mg


def t(shape, device, requires_grad=False, dtype=mg.float64):
    return mg.zeros(shape, dtype=dtype, device=device, requires_grad=requires_grad)


# --- shapes --------------------------------------------------------------------------------------
@pytest.mark.parametrize("op, name", [
    (lambda a, b: a + b, "Add"), (lambda a, b: a - b, "Sub"), (lambda a, b: a * b, "Mul"),
    (lambda a, b: a / b, "Div"), (lambda a, b: a ** b, "Pow"), (mg.maximum, "Maximum"),
    (mg.minimum, "Minimum"),
])
def test_shapes_that_cannot_broadcast(op, name, device):
    with pytest.raises(ValueError, match=rf"{name}: .*shapes \(2, 3\), \(4,\)"):
        op(t((2, 3), device), t((4,), device))


def test_where_shapes_that_cannot_broadcast(device):
    with pytest.raises(ValueError, match=r"Where: .*shapes \(3,\), \(2, 3\), \(2, 4\)"):
        mg.where(t(3, device) > 0, t((2, 3), device), t((2, 4), device))


def test_broadcast_to_an_incompatible_shape(device):
    with pytest.raises(ValueError, match=r"BroadcastTo: .*\(3,\)"):
        t(3, device).broadcast_to(2, 2)


@pytest.mark.parametrize("sa, sb", [
    ((2, 3), (4, 5)), ((3,), (4,)), ((2, 3), (2,)), ((5, 2, 3), (4, 3, 2)), ((), (3,)),
])
def test_matmul_mismatch(sa, sb, device):
    pattern = rf"MatMul: .*shapes {re_shape(sa)}, {re_shape(sb)}"
    with pytest.raises(ValueError, match=pattern):
        t(sa, device) @ t(sb, device)


def re_shape(shape):
    return re.escape(str(tuple(shape)))


@pytest.mark.parametrize("shape", [(4,), (5, 1), (7,)])
def test_bad_reshape(shape, device):
    target = r"\(" + r", ?".join(map(str, shape)) + r",?\)"  # NumPy writes (5,1) and (4,)
    with pytest.raises(ValueError, match=rf"Reshape: .*\(2, 3\).*size 6.*{target}"):
        t((2, 3), device).reshape(shape)


@pytest.mark.parametrize("tensors, pattern", [
    ([(2, 3), (2, 4)], r"Concatenate: .*\(2, 3\), \(2, 4\)"),
    ([(2, 3), (3,)], r"Concatenate: .*\(2, 3\), \(3,\)"),
])
def test_bad_concatenate(tensors, pattern, device):
    with pytest.raises(ValueError, match=pattern):
        mg.concatenate([t(s, device) for s in tensors])


def test_empty_concatenate_and_stack():
    with pytest.raises(ValueError, match="concatenate: tensors is empty"):
        mg.concatenate([])
    with pytest.raises(ValueError, match="stack: tensors is empty"):
        mg.stack([])


def test_stack_of_different_shapes(device):
    with pytest.raises(ValueError, match=r"stack: .*one shape.*\(2,\), \(3,\)"):
        mg.stack([t(2, device), t(3, device)])


# --- axes ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("reduce", [
    lambda x, a: x.sum(a), lambda x, a: x.mean(a), lambda x, a: x.var(a), lambda x, a: x.max(a),
    lambda x, a: x.min(a), lambda x, a: x.logsumexp(a), lambda x, a: x.softmax(a),
    lambda x, a: x.log_softmax(a), lambda x, a: x.norm(2, a), lambda x, a: x.squeeze(a),
])
@pytest.mark.parametrize("axis", [2, -3, (0, 2)])
def test_axis_out_of_range(reduce, axis, device):
    named = re.escape(repr(axis))
    with pytest.raises(ValueError, match=f"axis: {named} is out of range for a tensor of 2 dim"):
        reduce(t((2, 3), device), axis)


def test_axis_repeated(device):
    with pytest.raises(ValueError, match=r"axis: \(1, -1\) repeats an axis"):
        t((2, 3), device).sum(axis=(1, -1))


@pytest.mark.parametrize("axis", [1.5, "1", (0, 1.0), True])
def test_axis_not_an_integer(axis, device):
    with pytest.raises(ValueError, match=f"axis: {re.escape(repr(axis))} is not an integer"):
        t((2, 3), device).sum(axis=axis)


def test_numpy_integer_axis(device):
    assert t((2, 3), device).sum(axis=np.int64(1)).shape == (2,)


def test_axis_of_a_0d_tensor(device):
    with pytest.raises(ValueError, match="axis: 1 is out of range for a tensor of 0 dimensions"):
        t((), device).sum(axis=1)


def test_bad_permute(device):
    for axes in [(0, 0, 1), (0, 1), (0, 1, 3)]:
        with pytest.raises(ValueError, match=r"permute: axes .* are not a permutation of 3 axes"):
            t((2, 3, 4), device).permute(*axes)


def test_bad_transpose(device):
    with pytest.raises(ValueError, match="axis: 5 is out of range"):
        t((2, 3), device).transpose(0, 5)
    with pytest.raises(ValueError, match="axis: -2 is out of range for a tensor of 1 dimensions"):
        t(3, device).transpose()


def test_bad_unsqueeze(device):
    with pytest.raises(ValueError, match="unsqueeze: axis 3 is out of range for 1 dimensions"):
        t(2, device).unsqueeze(3)


def test_squeeze_of_an_axis_that_is_not_1(device):
    with pytest.raises(ValueError, match="squeeze: axis 1 has size 3, not 1"):
        t((1, 3), device).squeeze(1)


def test_index_out_of_range(device):
    with pytest.raises(IndexError, match=r"index: .*\(tensor shape \(2, 3\)\)"):
        t((2, 3), device)[5]
    with pytest.raises(IndexError, match=r"tensor shape \(2, 3\)"):
        t((2, 3), device)[mg.tensor([0, 7], device=device)]


def test_index_tensor_of_floats(device):
    with pytest.raises(TypeError, match="index: .*integers or bools, not float64"):
        t((2, 3), device)[t(2, device)]


# --- dtypes and devices --------------------------------------------------------------------------
def test_requires_grad_on_int(device):
    with pytest.raises(ValueError, match="requires_grad: only floating-point .* int64"):
        mg.tensor([1, 2], device=device, requires_grad=True)
    with pytest.raises(ValueError, match="requires_grad: .* bool"):
        mg.tensor([True], device=device, requires_grad=True)


def test_unknown_dtype():
    with pytest.raises(ValueError, match=r"dtype: unknown or unsupported dtype 'complex64'"):
        mg.tensor([1.0], dtype="complex64")
    with pytest.raises(ValueError, match=r"dtype: unknown or unsupported dtype 'float8'"):
        mg.ones(2, dtype="float8")
    with pytest.raises(ValueError, match=r"dtype: .*'int4'"):
        mg.tensor([1.0]).astype("int4")


def test_unknown_device():
    with pytest.raises(ValueError, match=r"device: unknown device 'tpu'; expected one of"):
        mg.tensor([1.0], device="tpu")
    with pytest.raises(ValueError, match=r"device: unknown device 'gpu'"):
        mg.tensor([1.0]).to("gpu")
    with pytest.raises(ValueError, match=r"device: unknown device 'metal'"):
        mg.randn(3, device="metal")


@pytest.mark.parametrize("first, second", [("cpu", "cuda"), ("cuda", "cpu")])
def test_mixed_devices(first, second):
    with pytest.raises(RuntimeError, match=rf"Mul: tensors are on different devices "
                                           rf"\({first} and {second}\)"):
        t(2, first) * t(2, second)


def test_numpy_array_meets_cuda_tensor():
    with pytest.raises(TypeError, match="NumPy array cannot meet a 'cuda' tensor"):
        t(2, "cuda") + np.ones(2)


def test_where_condition_not_bool(device):
    with pytest.raises(TypeError, match="where: condition must be a bool tensor, not float64"):
        mg.where(t(2, device), t(2, device), t(2, device))


# --- autograd ------------------------------------------------------------------------------------
def test_backward_of_non_scalar_without_gradient(device):
    y = t((2, 2), device, requires_grad=True) * 2.0
    with pytest.raises(RuntimeError, match=r"backward of a non-scalar output \(shape \(2, 2\)\) "
                                           r"needs `gradient`"):
        y.backward()


def test_backward_twice(device):
    y = (t(2, device, requires_grad=True).exp() * 2.0).sum()
    y.backward()
    with pytest.raises(RuntimeError,
                       match=r"backward through \w+ a second time.*retain_graph=True"):
        y.backward()


def test_backward_gradient_shape_mismatch(device):
    y = t(3, device, requires_grad=True) * 2.0
    with pytest.raises(ValueError, match=r"gradient: shape \(2,\) does not match the output's "
                                         r"shape \(3,\)"):
        y.backward(mg.ones(2, dtype=mg.float64, device=device))


def test_backward_of_a_constant(device):
    with pytest.raises(RuntimeError, match=r"outputs\[0\] does not require grad"):
        t(2, device).sum().backward()


def test_grad_of_an_input_not_in_the_graph(device):
    x, z = t(2, device, requires_grad=True), t(3, device, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"inputs\[1\] \(shape \(3,\)\) was not used to "
                                           r"compute the outputs; pass allow_unused=True"):
        mg.grad((x * 2.0).sum(), [x, z])


def test_grad_of_an_input_that_does_not_require_grad(device):
    x = t(2, device, requires_grad=True)
    with pytest.raises(ValueError, match=r"inputs\[0\] is not a tensor that requires grad"):
        mg.grad((x * 2.0).sum(), [t(2, device)])


def test_requires_grad_on_a_non_leaf(device):
    y = t(2, device, requires_grad=True) * 2.0
    with pytest.raises(RuntimeError, match=r"requires_grad: can only be set on a leaf"):
        y.requires_grad_()


# --- functions -----------------------------------------------------------------------------------
@pytest.mark.parametrize("labels, num_classes, pattern", [
    ([0, 3], 3, r"one_hot: labels must lie in \[0, 3\); got values from 0 to 3"),
    ([-1, 2], 3, r"one_hot: labels must lie in \[0, 3\); got values from -1 to 2"),
    ([-2, 0], -1, r"one_hot: labels must lie in \[0, 1\); got values from -2 to 0"),
])
def test_one_hot_out_of_range(labels, num_classes, pattern, device):
    with pytest.raises(ValueError, match=pattern):
        mg.one_hot(mg.tensor(labels, device=device), num_classes)


def test_one_hot_of_floats(device):
    with pytest.raises(TypeError, match="one_hot: labels must be an integer tensor, not float32"):
        mg.one_hot(mg.tensor([0.0, 1.0], device=device))


def test_clip_without_bounds(device):
    with pytest.raises(ValueError, match="clip: give at least one of min and max"):
        mg.clip(t(2, device))


@pytest.mark.parametrize("ord", [0, -1, "fro", None])
def test_norm_bad_ord(ord, device):
    with pytest.raises(ValueError, match=f"norm: ord must be a positive number or math.inf, "
                                         f"not {ord!r}"):
        mg.norm(t(2, device), ord)


def test_item_of_many_elements(device):
    with pytest.raises(ValueError, match=r"item\(\): the tensor has 3 elements, not 1"):
        t(3, device).item()


def test_unsupported_operand():
    with pytest.raises(TypeError, match="operand: unsupported type str"):
        t(2, "cpu") * "2"


def test_from_numpy_of_a_list():
    with pytest.raises(TypeError, match="from_numpy: expected a numpy.ndarray, got list"):
        mg.from_numpy([1.0])
