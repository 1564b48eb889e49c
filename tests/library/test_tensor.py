"""The Tensor: constructor dtype rules, attributes, conversions, constructors, seeding,
comparisons, scalar operands and repr."""
import re

import numpy as np
import pytest

import minigrad as mg


# --- constructor dtype rules ---------------------------------------------------------------------
@pytest.mark.parametrize("data, dtype", [
    (np.array([1.0, 2.0]), mg.float64),       # a NumPy float64 array stays float64
    (np.array([1.0], dtype=np.float32), mg.float32),
    (np.array([1.0], dtype=np.float16), mg.float16),
    (np.array([1, 2], dtype=np.int32), mg.int32),
    (np.array([1, 2], dtype=np.uint8), mg.uint8),
    (np.float64(1.5), mg.float64),             # NumPy scalars keep their dtype
    (1.5, mg.float32),                         # Python floats -> float32, as torch
    ([1.0, 2.5], mg.float32),
    ([[1, 2], [3, 4.5]], mg.float32),
    (3, mg.int64),                             # Python ints -> int64
    ([1, 2, 3], mg.int64),
    (True, mg.bool_),
    ([True, False], mg.bool_),
])
def test_constructor_dtype_rules(data, dtype, device):
    t = mg.tensor(data, device=device)
    assert t.dtype == dtype
    assert t.device == device
    np.testing.assert_array_equal(t.numpy(), np.asarray(data, dtype=dtype))


@pytest.mark.parametrize("dtype", ["float64", np.float64, mg.float64, "float16", "int32", "bool"])
def test_constructor_explicit_dtype(dtype, device):
    t = mg.tensor([1.0, 0.0], dtype=dtype, device=device)
    assert t.dtype == np.dtype(dtype)


def test_python_floats_with_float64_dtype_are_not_rounded_to_float32():
    t = mg.tensor(0.1, dtype="float64")
    assert t.item() == 0.1


def test_tensor_of_a_tensor_copies(device):
    a = mg.tensor(np.array([1.0, 2.0]), device=device)
    b = mg.Tensor(a)
    b.data[0] = 5.0  # write through the raw array: a must not change
    assert a.numpy()[0] == 1.0 and b.dtype == a.dtype and b.device == device


def test_constructor_copies_numpy_data():
    a = np.array([1.0, 2.0])
    t = mg.tensor(a)
    a[0] = 9.0
    assert t.numpy()[0] == 1.0


def test_requires_grad_on_a_floating_tensor(device):
    t = mg.tensor([1.0, 2.0], device=device, requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.grad is None and t.grad_fn is None


@pytest.mark.parametrize("data", [[1, 2], [True, False], np.array([1], dtype=np.int32)])
def test_requires_grad_on_an_integer_tensor_raises(data, device):
    with pytest.raises(ValueError, match="requires_grad.*floating"):
        mg.tensor(data, device=device, requires_grad=True)
    t = mg.tensor(data, device=device)
    with pytest.raises(ValueError, match="requires_grad"):
        t.requires_grad_()
    with pytest.raises(ValueError, match="requires_grad"):
        mg.zeros(2, dtype=mg.int64, device=device, requires_grad=True)


def test_requires_grad_on_a_non_leaf_raises():
    x = mg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        (x * 2.0).requires_grad_(False)


@pytest.mark.parametrize("dtype", ["float128", "complex64", "not_a_dtype", object, str])
def test_unknown_dtype_raises_naming_it(dtype):
    with pytest.raises(ValueError, match="dtype"):
        mg.tensor([1.0], dtype=dtype)
    with pytest.raises(ValueError, match="dtype"):
        mg.zeros(2, dtype=dtype)


def test_unknown_dtype_message_names_the_dtype():
    with pytest.raises(ValueError, match="complex64"):
        mg.tensor([1.0], dtype="complex64")


@pytest.mark.parametrize("device", ["tpu", "gpu", "cuda:1", "CPU", 0, None.__class__])
def test_unknown_device_raises_naming_it(device):
    with pytest.raises(ValueError, match=f"device.*{re.escape(repr(device))}"):
        mg.tensor([1.0], device=device)
    with pytest.raises(ValueError, match="device"):
        mg.zeros(2, device=device)


def test_cuda_0_is_cuda():
    assert mg.tensor([1.0], device="cuda:0").device == "cuda"


def test_unsupported_element_type_raises():
    with pytest.raises(ValueError, match="data"):
        mg.tensor(["a", "b"])
    with pytest.raises(ValueError, match="data"):
        mg.tensor([[1.0, 2.0], [3.0]])  # ragged


# --- attributes and conversions ------------------------------------------------------------------
def test_attributes(device):
    t = mg.tensor(np.arange(6.0).reshape(2, 3), device=device)
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6
    assert t.dtype == mg.float64 and t.device == device
    assert t.grad is None and not t.requires_grad
    assert len(t) == 2
    scalar = mg.tensor(3.0, device=device)
    assert scalar.shape == () and scalar.ndim == 0 and scalar.size == 1
    with pytest.raises(TypeError, match="0-d"):
        len(scalar)


def test_numpy_is_a_copy(device):
    t = mg.tensor(np.array([1.0, 2.0]), device=device)
    host = t.numpy()
    assert type(host) is np.ndarray
    host[0] = 100.0
    assert t.numpy()[0] == 1.0
    # even on the CPU, where no transfer is needed
    assert not np.shares_memory(host, t.numpy())


def test_item_float_int_bool_tolist(device):
    t = mg.tensor(np.array([2.5]), device=device)
    assert t.item() == 2.5 and isinstance(t.item(), float)
    assert float(t) == 2.5 and int(t) == 2 and bool(t)
    assert mg.tensor([[1, 2]], device=device).tolist() == [[1, 2]]
    assert isinstance(mg.tensor(7, device=device).item(), int)
    with pytest.raises(ValueError, match="item.*3 elements"):
        mg.tensor([1.0, 2.0, 3.0], device=device).item()
    with pytest.raises(ValueError):
        bool(mg.tensor([1.0, 2.0], device=device))


def test_detach_shares_data_and_leaves_the_graph(device):
    x = mg.tensor(np.array([1.0, 2.0]), device=device, requires_grad=True)
    y = x * 2.0
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None and d.is_leaf
    assert d.data is y.data
    np.testing.assert_array_equal(d.numpy(), [2.0, 4.0])
    assert mg.detach(y).grad_fn is None


def test_to_moves_between_devices():
    x = mg.tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert x.to("cpu") is x
    c = x.to("cuda")
    assert c.device == "cuda" and c.dtype == mg.float64 and c.grad_fn is not None
    back = c.to("cpu")
    assert back.device == "cpu"
    np.testing.assert_array_equal(back.numpy(), [1.0, 2.0])
    (back * mg.tensor(np.array([3.0, 4.0]))).sum().backward()
    assert x.grad.device == "cpu"
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])
    assert c.cpu().device == "cpu"


def test_to_unknown_device_raises():
    with pytest.raises(ValueError, match="device.*'mps'"):
        mg.tensor([1.0]).to("mps")


def test_astype_float_double_long(device):
    x = mg.tensor(np.array([1.5, -2.5]), device=device, requires_grad=True)
    f = x.float()
    assert f.dtype == mg.float32 and f.device == device and f.grad_fn is not None
    assert x.double() is x
    assert f.double().dtype == mg.float64
    (f * 2.0).sum().backward()
    assert x.grad.dtype == mg.float64
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])
    i = x.long()
    assert i.dtype == mg.int64 and not i.requires_grad
    np.testing.assert_array_equal(i.numpy(), [1, -2])
    assert x.astype("float16").dtype == mg.float16
    with pytest.raises(ValueError, match="dtype"):
        x.astype("complex128")


def test_T_reverses_axes(device):
    t = mg.tensor(np.arange(24.0).reshape(2, 3, 4), device=device)
    assert t.T.shape == (4, 3, 2)
    np.testing.assert_array_equal(t.T.numpy(), np.arange(24.0).reshape(2, 3, 4).T)
    m = mg.tensor(np.arange(6.0).reshape(2, 3), device=device)
    np.testing.assert_array_equal(m.T.numpy(), m.numpy().T)


def test_zero_grad(device):
    x = mg.tensor([1.0], device=device, requires_grad=True)
    (x * 2.0).sum().backward()
    assert x.grad is not None
    x.zero_grad()
    assert x.grad is None


def test_array_protocol_on_cpu():
    t = mg.tensor(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(np.asarray(t), [1.0, 2.0])


def test_flatten_argmax_argmin(device):
    t = mg.tensor(np.array([[3.0, 1.0], [0.0, 5.0]]), device=device)
    assert t.flatten().shape == (4,)
    assert t.argmax().item() == 3 and t.argmin().item() == 2
    np.testing.assert_array_equal(t.argmax(axis=1).numpy(), [0, 1])


# --- constructors --------------------------------------------------------------------------------
def test_zeros_ones_full(device):
    z = mg.zeros(2, 3, device=device)
    assert z.shape == (2, 3) and z.dtype == mg.float32 and z.device == device
    assert not z.numpy().any()
    assert mg.zeros((2, 3), device=device).shape == (2, 3)
    o = mg.ones(3, dtype=mg.float64, device=device, requires_grad=True)
    assert o.requires_grad and o.dtype == mg.float64
    np.testing.assert_array_equal(o.numpy(), np.ones(3))
    f = mg.full((2, 2), 7.5, device=device)
    np.testing.assert_array_equal(f.numpy(), np.full((2, 2), 7.5))
    assert mg.full(3, 1.0, device=device).shape == (3,)
    assert mg.zeros(device=device).shape == ()


def test_arange(device):
    a = mg.arange(5, device=device)
    assert a.dtype == mg.int64
    np.testing.assert_array_equal(a.numpy(), np.arange(5))
    b = mg.arange(1, 2, 0.25, device=device)
    assert b.dtype == mg.float32
    np.testing.assert_array_equal(b.numpy(), [1.0, 1.25, 1.5, 1.75])
    c = mg.arange(0, 3, dtype=mg.float64, device=device)
    assert c.dtype == mg.float64


def test_eye_linspace(device):
    np.testing.assert_array_equal(mg.eye(3, device=device).numpy(), np.eye(3))
    np.testing.assert_array_equal(mg.eye(2, 3, device=device).numpy(), np.eye(2, 3))
    np.testing.assert_allclose(mg.linspace(0, 1, 5, device=device).numpy(),
                               np.linspace(0, 1, 5, dtype=np.float32))
    assert mg.linspace(0, 1, 5, dtype=mg.float64).dtype == mg.float64


def test_rand_randn_randint(device):
    r = mg.rand(1000, device=device)
    assert r.dtype == mg.float32 and r.shape == (1000,)
    assert 0.0 <= r.numpy().min() and r.numpy().max() < 1.0
    n = mg.randn(2, 500, dtype=mg.float64, device=device)
    assert n.shape == (2, 500) and n.dtype == mg.float64
    assert abs(n.numpy().mean()) < 0.2 and 0.8 < n.numpy().std() < 1.2
    i = mg.randint(-3, 4, (50,), device=device)
    assert i.dtype == mg.int64 and i.numpy().min() >= -3 and i.numpy().max() < 4
    assert set(i.numpy().tolist()) == set(range(-3, 4))
    assert mg.rand(3, device=device, requires_grad=True).requires_grad


def test_like_constructors(device):
    t = mg.tensor(np.ones((2, 3)), device=device)
    for fn in (mg.zeros_like, mg.ones_like, mg.rand_like, mg.randn_like):
        u = fn(t)
        assert u.shape == (2, 3) and u.dtype == mg.float64 and u.device == device, fn.__name__
    np.testing.assert_array_equal(mg.zeros_like(t).numpy(), 0.0)
    np.testing.assert_array_equal(mg.ones_like(t).numpy(), 1.0)
    full = mg.full_like(t, 4.0)
    assert full.dtype == mg.float64 and full.device == device
    np.testing.assert_array_equal(full.numpy(), 4.0)
    assert mg.zeros_like(t, dtype=mg.float32).dtype == mg.float32
    other = "cpu" if device == "cuda" else "cuda"
    assert mg.ones_like(t, device=other).device == other


def test_from_numpy_shares_memory():
    a = np.array([1.0, 2.0])
    t = mg.from_numpy(a)
    assert t.dtype == mg.float64 and t.device == "cpu"
    a[0] = 42.0
    assert t.numpy()[0] == 42.0
    with pytest.raises(TypeError, match="numpy.ndarray"):
        mg.from_numpy([1.0, 2.0])
    with pytest.raises(ValueError, match="dtype"):
        mg.from_numpy(np.array([1 + 2j]))


def test_manual_seed_reproducible():
    mg.manual_seed(123)
    a = (mg.rand(5).numpy(), mg.randn(5).numpy(), mg.randint(0, 10, (5,)).numpy())
    mg.manual_seed(123)
    b = (mg.rand(5).numpy(), mg.randn(5).numpy(), mg.randint(0, 10, (5,)).numpy())
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    mg.manual_seed(124)
    assert not np.array_equal(mg.rand(5).numpy(), a[0])


def test_manual_seed_same_numbers_on_both_devices():
    draws = {}
    for device in ("cpu", "cuda"):
        mg.manual_seed(7)
        draws[device] = [mg.rand(4, device=device), mg.randn(2, 2, device=device),
                         mg.randint(0, 100, 6, device=device)]
        assert all(t.device == device for t in draws[device])
    for c, g in zip(draws["cpu"], draws["cuda"]):
        np.testing.assert_array_equal(c.numpy(), g.numpy())


# --- comparisons and operands --------------------------------------------------------------------
@pytest.mark.parametrize("op", ["__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"])
def test_comparisons_are_not_differentiable(op, device):
    x = mg.tensor(np.array([1.0, 2.0, 3.0]), device=device, requires_grad=True)
    for other in (2.0, mg.tensor(np.array([3.0, 2.0, 1.0]), device=device)):
        c = getattr(x, op)(other)
        assert c.dtype == mg.bool_ and c.device == device
        assert not c.requires_grad and c.grad_fn is None
        expected = getattr(x.numpy(), op)(other if isinstance(other, float) else other.numpy())
        np.testing.assert_array_equal(c.numpy(), expected)


def test_bool_operators(device):
    a = mg.tensor([True, False, True], device=device)
    b = mg.tensor([True, True, False], device=device)
    np.testing.assert_array_equal((a & b).numpy(), [True, False, False])
    np.testing.assert_array_equal((a | b).numpy(), [True, True, True])
    np.testing.assert_array_equal((~a).numpy(), [False, True, False])
    with pytest.raises(TypeError, match="bool"):
        ~mg.tensor([1.0], device=device)


def test_tensors_stay_hashable():
    x = mg.tensor([1.0])
    assert {x: 1}[x] == 1


@pytest.mark.parametrize("dtype", [mg.float16, mg.float32, mg.float64])
@pytest.mark.parametrize("scalar", [2.0, 2, True])
def test_python_scalar_operands_keep_the_tensor_dtype(dtype, scalar, device):
    x = mg.tensor([1.0, 2.0], dtype=dtype, device=device)
    for result in (x * scalar, scalar * x, x + scalar, scalar - x, x / scalar, scalar / x,
                   x ** 2, mg.maximum(x, scalar), mg.where(x > 1.5, x, scalar)):
        assert result.dtype == dtype and result.device == device


def test_python_scalars_with_integer_tensors(device):
    i = mg.tensor([1, 2], device=device)
    assert (i * 2).dtype == mg.int64
    assert (i + 1).device == device
    assert (i * 2.5).dtype.kind == "f"
    np.testing.assert_array_equal((i * 2.5).numpy(), [2.5, 5.0])


@pytest.mark.parametrize("scalar", [np.float64(2.0), np.float32(2.0), np.int64(2), np.int32(2)])
def test_numpy_scalar_times_tensor_is_a_tensor(scalar, device):
    x = mg.tensor([1.0, 2.0], device=device, requires_grad=True)
    for result in (scalar * x, x * scalar, scalar + x, x - scalar):
        assert isinstance(result, mg.Tensor), type(result)
        assert result.dtype == mg.float32 and result.device == device  # as a Python number
        assert result.requires_grad
    np.testing.assert_array_equal((scalar * x).numpy(), [2.0, 4.0])
    (scalar * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_numpy_array_operand_on_cpu_and_refused_on_cuda():
    x = mg.tensor(np.array([1.0, 2.0]))
    np.testing.assert_array_equal((x + np.array([1.0, 1.0])).numpy(), [2.0, 3.0])
    c = mg.tensor(np.array([1.0, 2.0]), device="cuda")
    with pytest.raises(TypeError, match="cuda"):
        c + np.array([1.0, 1.0])


def test_unsupported_operand_raises():
    with pytest.raises(TypeError, match="str"):
        mg.tensor([1.0]) + "a"


# --- repr ----------------------------------------------------------------------------------------
def test_repr(device):
    assert repr(mg.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(mg.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(mg.tensor(np.array([0.5]))) == "tensor([0.5], dtype=float64)"
    r = repr(mg.tensor([1.0], device=device, requires_grad=True))
    assert r.startswith("tensor([1.]") and "requires_grad=True" in r
    assert ("device='cuda'" in r) == (device == "cuda")
    y = mg.tensor([1.0], device=device, requires_grad=True) * 2.0
    assert "grad_fn=Mul" in repr(y) and "requires_grad" not in repr(y)
    assert repr(mg.tensor(3.0)) == "tensor(3.)"
