"""Zero-copy exchange with PyTorch (and NumPy) through DLPack, on the CPU."""
import numpy as np
import pytest
import torch

import minigrad as mg


@pytest.mark.parametrize("dtype", [mg.float32, mg.float64, mg.int64])
def test_torch_from_dlpack_shares_memory(dtype):
    t = mg.tensor(np.arange(6).reshape(2, 3), dtype=dtype)
    shared = torch.from_dlpack(t)
    assert tuple(shared.shape) == (2, 3)
    assert str(shared.dtype) == f"torch.{dtype.name}"
    np.testing.assert_array_equal(shared.numpy(), t.numpy())
    shared[0, 1] = 100  # torch writes, minigrad sees
    assert t.numpy()[0, 1] == 100
    t.data[1, 2] = -7  # minigrad writes, torch sees
    assert shared[1, 2].item() == -7


def test_torch_from_dlpack_of_a_strided_view():
    base = mg.tensor(np.arange(6.0).reshape(2, 3))
    view = base.detach().T  # a transposed view (no graph: the base does not require grad)
    shared = torch.from_dlpack(view)
    np.testing.assert_array_equal(shared.numpy(), base.numpy().T)
    shared[2, 0] = 50.0
    assert base.numpy()[0, 2] == 50.0


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64])
def test_minigrad_from_dlpack_shares_memory(dtype):
    source = torch.arange(6, dtype=dtype).reshape(3, 2)
    t = mg.from_dlpack(source)
    assert isinstance(t, mg.Tensor) and t.device == "cpu"
    assert t.shape == (3, 2) and t.dtype.name == str(dtype).replace("torch.", "")
    assert not t.requires_grad and t.grad_fn is None
    source[2, 1] = 42  # torch writes, minigrad sees
    assert t.numpy()[2, 1] == 42
    t.data[0, 0] = -1  # minigrad writes, torch sees
    assert source[0, 0].item() == -1


def test_minigrad_from_dlpack_then_compute():
    source = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    t = mg.from_dlpack(source).detach()
    x = mg.tensor(t.numpy(), requires_grad=True)
    (x * t).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0, 3.0])


def test_from_dlpack_of_a_numpy_array_shares_memory():
    a = np.array([1.0, 2.0])
    t = mg.from_dlpack(a)
    a[1] = 9.0
    assert t.numpy()[1] == 9.0


def test_round_trip_minigrad_torch_minigrad_shares_memory():
    t = mg.tensor(np.zeros(3))
    back = mg.from_dlpack(torch.from_dlpack(t))
    back.data[0] = 1.0
    assert t.numpy()[0] == 1.0


def test_requires_grad_tensor_refuses_export():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad.*detach"):
        torch.from_dlpack(x)
    y = x * 2.0  # a non-leaf in the graph too
    with pytest.raises(RuntimeError, match="requires grad.*detach"):
        y.__dlpack__()
    shared = torch.from_dlpack(x.detach())  # the way out the message names
    shared[0] = 5.0
    assert x.numpy()[0] == 5.0


def test_dlpack_device_is_the_cpu():
    device_type, device_id = mg.tensor([1.0]).__dlpack_device__()
    assert device_type == 1 and device_id == 0  # kDLCPU
