"""Modules and layers: gradients (gradcheck), agreement with torch.nn, the Module API, state
dicts and files, initialisations, and clear refusals of bad input."""
import numpy as np
import pytest
import torch

import minigrad as mg
from minigrad import nn
from minigrad.check import gradcheck
from minigrad.nn import functional as F
from minigrad.nn import init

# name: (minigrad layer, the torch layer it mirrors, input shape)
LAYERS = {
    "linear": (lambda: nn.Linear(4, 3), lambda: torch.nn.Linear(4, 3), (5, 4)),
    "linear-3d-no-bias": (lambda: nn.Linear(4, 3, bias=False),
                          lambda: torch.nn.Linear(4, 3, bias=False), (2, 3, 4)),
    "conv": (lambda: nn.Conv2d(2, 3, 3), lambda: torch.nn.Conv2d(2, 3, 3), (2, 2, 5, 5)),
    "conv-stride-padding": (lambda: nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(1, 2)),
                            lambda: torch.nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(1, 2)),
                            (2, 2, 5, 6)),
    "maxpool": (lambda: nn.MaxPool2d(2), lambda: torch.nn.MaxPool2d(2), (2, 2, 4, 5)),
    "maxpool-stride-padding": (lambda: nn.MaxPool2d(3, stride=2, padding=1),
                               lambda: torch.nn.MaxPool2d(3, stride=2, padding=1), (1, 2, 5, 5)),
    "avgpool": (lambda: nn.AvgPool2d(2), lambda: torch.nn.AvgPool2d(2), (2, 2, 4, 4)),
    "avgpool-stride-padding": (lambda: nn.AvgPool2d(3, stride=2, padding=1),
                               lambda: torch.nn.AvgPool2d(3, stride=2, padding=1), (1, 2, 5, 5)),
    "flatten": (lambda: nn.Flatten(), lambda: torch.nn.Flatten(), (2, 3, 2, 2)),
    "relu": (lambda: nn.ReLU(), lambda: torch.nn.ReLU(), (3, 4)),
    "tanh": (lambda: nn.Tanh(), lambda: torch.nn.Tanh(), (3, 4)),
    "sigmoid": (lambda: nn.Sigmoid(), lambda: torch.nn.Sigmoid(), (3, 4)),
    "softmax": (lambda: nn.Softmax(axis=1), lambda: torch.nn.Softmax(dim=1), (3, 4, 2)),
    "sequential": (
        lambda: nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(8, 3), nn.Tanh()),
        lambda: torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3, padding=1), torch.nn.ReLU(),
                                    torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                    torch.nn.Linear(8, 3), torch.nn.Tanh()),
        (2, 1, 4, 4)),
}


def float64_layer(name, device):
    return LAYERS[name][0]().to(device, mg.float64)


def random_input(shape, device):
    return mg.tensor(np.random.standard_normal(shape), device=device, requires_grad=True)


@pytest.mark.parametrize("name", LAYERS)
def test_layer_gradient_matches_finite_differences(name, device):
    layer = float64_layer(name, device)
    x = random_input(LAYERS[name][2], device)

    def run_layer(x, *params):
        return layer(x)
    run_layer.__name__ = name
    assert gradcheck(run_layer, (x, *layer.parameters()))


@pytest.mark.parametrize("name", LAYERS)
def test_layer_matches_torch_values_and_gradients(name, device):
    layer = float64_layer(name, device)
    reference = LAYERS[name][1]().double()
    reference.load_state_dict({k: torch.tensor(v.numpy()) for k, v in layer.state_dict().items()})
    x_host = np.random.standard_normal(LAYERS[name][2])
    x = mg.tensor(x_host, device=device, requires_grad=True)
    x_ref = torch.tensor(x_host, requires_grad=True)

    y, y_ref = layer(x), reference(x_ref)
    np.testing.assert_allclose(y.numpy(), y_ref.detach().numpy(), rtol=1e-12, atol=1e-12)
    upstream = np.random.standard_normal(y_ref.shape)
    y.backward(mg.tensor(upstream, device=device))
    y_ref.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.numpy(), x_ref.grad.numpy(), rtol=1e-12, atol=1e-12)
    reference_params = dict(reference.named_parameters())
    assert set(reference_params) == set(dict(layer.named_parameters()))
    for key, p in layer.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), reference_params[key].grad.numpy(),
                                   rtol=1e-12, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("kernel, stride, padding", [
    ((3, 3), 1, 0), ((3, 3), 2, 1), ((2, 3), (1, 2), (2, 0)), ((1, 1), 3, 1), ((5, 4), 2, 2)])
def test_conv2d_matches_torch_functional(kernel, stride, padding):
    x = np.random.standard_normal((2, 3, 7, 8))
    w = np.random.standard_normal((4, 3) + kernel)
    b = np.random.standard_normal(4)
    got = F.conv2d(mg.tensor(x), mg.tensor(w), mg.tensor(b), stride, padding)
    expected = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b),
                                          stride=stride, padding=padding)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)


def test_unfold2d_lays_out_windows_as_documented():
    x = mg.arange(2 * 1 * 4 * 5).reshape(2, 1, 4, 5)
    windows = F.unfold2d(x, (2, 3), stride=(2, 1), padding=0).numpy()
    assert windows.shape == (2, 1, 6, 2, 3)
    host = x.numpy()
    for i in range(2):
        for j in range(3):
            np.testing.assert_array_equal(windows[:, :, i * 3 + j], host[:, :, i:i + 3:2, j:j + 3])


# --- dropout ------------------------------------------------------------------------------------
def test_dropout_zeroes_about_p_and_scales_the_rest(device):
    x = mg.ones(200, 100, device=device)
    y = nn.Dropout(0.3)(x).numpy()
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.7)}
    assert abs((y == 0).mean() - 0.3) < 0.02


def test_dropout_is_seeded_by_manual_seed_and_identity_in_eval(device):
    x = mg.randn(8, 8, device=device)
    layer = nn.Dropout(0.5)
    mg.manual_seed(3)
    first = layer(x).numpy()
    mg.manual_seed(3)
    np.testing.assert_array_equal(layer(x).numpy(), first)
    assert layer.eval()(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).numpy().any()


def test_dropout_gradient_is_the_mask_scale(device):
    x = random_input((4, 5), device)

    def reseeded_dropout(x):
        mg.manual_seed(7)
        return nn.Dropout(0.4)(x)
    assert gradcheck(reseeded_dropout, (x,))
    y = reseeded_dropout(x)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (y.numpy() != 0) / 0.6)


# --- the Module API -----------------------------------------------------------------------------
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)
        self.drop = nn.Dropout(0.1)

    def forward(self, x):
        return self.drop(self.fc(x).relu())


class Net(nn.Module):
    def __init__(self):
        self.first = nn.Linear(2, 3)  # set before super().__init__(), as some subclasses do
        super().__init__()
        self.blocks = [Block(), Block()]
        self.head = nn.Linear(3, 1)
        self.tied = self.head.weight  # a shared parameter is listed once
        self.not_a_parameter = mg.zeros(3)

    def forward(self, x):
        x = self.first(x)
        for block in self.blocks:
            x = block(x)
        return self.head(x)


def test_named_parameters_follow_attribute_order_with_dotted_names():
    assert [name for name, _ in Net().named_parameters()] == [
        "first.weight", "first.bias", "blocks.0.fc.weight", "blocks.0.fc.bias",
        "blocks.1.fc.weight", "blocks.1.fc.bias", "head.weight", "head.bias"]


def test_children_modules_and_train_eval():
    net = Net()
    assert [name for name, _ in net.named_children()] == ["first", "blocks.0", "blocks.1", "head"]
    assert len(net.modules()) == 1 + 4 + 2 * 2
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_module_without_init_call_still_works():
    class Bare(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

        def forward(self, x):
            return self.fc(x)

    bare = Bare()
    assert bare.training and len(bare.parameters()) == 2
    assert bare(mg.ones(1, 2)).shape == (1, 2)


def test_forward_missing_is_a_clear_error():
    with pytest.raises(TypeError, match="Empty has no forward"):
        type("Empty", (nn.Module,), {})()(mg.ones(1))


def test_zero_grad_and_backward_through_a_model(device):
    net = Net().to(device)
    net(mg.randn(4, 2, device=device)).sum().backward()
    assert all(p.grad is not None and p.grad.device == device for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_repr_shows_the_tree():
    text = repr(nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Dropout(0.2))))
    assert text == ("Sequential(\n"
                    "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
                    "  (1): Sequential(\n"
                    "    (0): ReLU()\n"
                    "    (1): Dropout(p=0.2)\n"
                    "  )\n"
                    ")")
    assert repr(nn.Parameter([1.0])).startswith("Parameter containing:\ntensor(")


def test_sequential_indexing():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(seq) == 3 and isinstance(seq[1], nn.ReLU) and seq[-1] is list(seq)[2]
    assert isinstance(seq[:2], nn.Sequential) and len(seq[:2]) == 2
    with pytest.raises(TypeError, match="expected a Module"):
        nn.Sequential(nn.ReLU(), lambda x: x)


def test_to_moves_parameters_in_place(device):
    net = Net()
    params = net.parameters()
    net(mg.ones(1, 2)).sum().backward()
    net.to(device, mg.float64)
    assert net.parameters() == params
    assert all(p.device == device and p.dtype == mg.float64 for p in params)
    assert all(p.grad.device == device and p.grad.dtype == mg.float64 for p in params)
    with pytest.raises(ValueError, match="floating-point"):
        net.to(dtype="int64")
    with pytest.raises(ValueError, match="unknown device"):
        net.to("tpu")


# --- state dicts and files ----------------------------------------------------------------------
def test_state_dict_round_trip(device):
    source, target = Net().to(device), Net().to(device)
    target.load_state_dict(source.state_dict())
    for (name, a), (_, b) in zip(source.named_parameters(), target.named_parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)
        assert a.data is not b.data


def test_load_state_dict_names_missing_and_unexpected_keys():
    net = Net()
    state = net.state_dict()
    del state["head.bias"]
    state["head.scale"] = mg.ones(1)
    with pytest.raises(KeyError, match=r"missing keys \['head.bias'\].*unexpected keys "
                                       r"\['head.scale'\]"):
        net.load_state_dict(state)
    assert net.load_state_dict(state, strict=False) == (["head.bias"], ["head.scale"])


def test_load_state_dict_refuses_a_shape_mismatch_and_changes_nothing():
    net = Net()
    before = {k: v.numpy() for k, v in net.state_dict().items()}
    state = Net().state_dict()
    state["head.weight"] = mg.zeros(3, 1)
    with pytest.raises(ValueError, match=r"'head.weight': the module has \(1, 3\), the state "
                                         r"dict has \(3, 1\)"):
        net.load_state_dict(state, strict=False)
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])


def test_save_and_load_npz_round_trip(tmp_path, device):
    path = tmp_path / "model.weights"
    source = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(2, 1)).to(device)
    source.save(path)
    assert sorted(np.load(path, allow_pickle=False).files) == ["0.bias", "0.weight", "2.bias",
                                                               "2.weight"]
    target = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(2, 1)).to(device)
    assert target.load(path) is target
    x = mg.randn(2, 1, 3, 3, device=device)
    np.testing.assert_array_equal(target(x).numpy(), source(x).numpy())


def test_load_refuses_pickled_objects(tmp_path):
    path = tmp_path / "evil.npz"
    with open(path, "wb") as f:
        np.savez(f, weight=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle"):
        nn.Linear(1, 1).load(path)


# --- initialisations ----------------------------------------------------------------------------
@pytest.mark.parametrize("fill, scale, uniform", [
    (lambda w: init.xavier_uniform_(w), (6 / (200 + 100)) ** 0.5, True),
    (lambda w: init.xavier_normal_(w, gain=2.0), 2 * (2 / (200 + 100)) ** 0.5, False),
    (lambda w: init.kaiming_uniform_(w, nonlinearity="relu"), (2 * 3 / 200) ** 0.5, True),
    (lambda w: init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu"), (2 / 100) ** 0.5,
     False),
])
def test_initialisations_have_their_documented_scale(fill, scale, uniform, device):
    w = mg.zeros(100, 200, device=device, dtype=mg.float64)
    values = fill(w).numpy()
    if uniform:  # U(-b, b): the bound is b, the standard deviation b/√3
        assert np.abs(values).max() <= scale and np.abs(values).max() > 0.99 * scale
    else:
        assert abs(values.std() / scale - 1) < 0.02
    assert abs(values.mean()) < 0.05 * scale


def test_initialisations_are_seeded_in_place_and_device_independent(device):
    w = mg.zeros(3, 4, 2, 2, device=device)
    data = w.data
    mg.manual_seed(5)
    init.kaiming_uniform_(w)
    assert w.data is data
    mg.manual_seed(5)
    np.testing.assert_array_equal(init.kaiming_uniform_(mg.zeros(3, 4, 2, 2)).numpy(), w.numpy())
    np.testing.assert_array_equal(init.zeros_(w).numpy(), 0)
    np.testing.assert_array_equal(init.ones_(w).numpy(), 1)
    assert init.fan_in_and_fan_out(w) == (16, 12)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.xavier_uniform_(mg.zeros(3))
    with pytest.raises(ValueError, match="mode"):
        init.kaiming_normal_(w, mode="fan_middle")


def test_layers_are_seeded_by_manual_seed():
    mg.manual_seed(11)
    a = nn.Conv2d(2, 3, 3)
    mg.manual_seed(11)
    b = nn.Conv2d(2, 3, 3)
    np.testing.assert_array_equal(a.weight.numpy(), b.weight.numpy())
    bound = 1 / (2 * 3 * 3) ** 0.5  # PyTorch's default: U(±1/√fan_in)
    assert np.abs(a.weight.numpy()).max() <= bound and np.abs(a.bias.numpy()).max() <= bound


# --- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("layer, shape, expected", [
    (nn.Linear(64, 10), (32, 63), r"Linear\(in_features=64, out_features=10, bias=True\): "
                                  r"expected input of shape \(\*, 64\), got \(32, 63\)"),
    (nn.Conv2d(3, 4, 3), (2, 1, 8, 8), r"Conv2d\(3, 4, .*expected input of shape \(N, 3, H, W\) "
                                       r"with H ≥ 3 and W ≥ 3, got \(2, 1, 8, 8\)"),
    (nn.Conv2d(3, 4, 3), (3, 8, 8), r"got \(3, 8, 8\)"),
    (nn.Conv2d(3, 4, 5, padding=1), (1, 3, 2, 8), r"with H ≥ 3 and W ≥ 3, got \(1, 3, 2, 8\)"),
    (nn.MaxPool2d(2), (4, 4), r"MaxPool2d\(kernel_size=\(2, 2\).*expected input of shape "
                              r"\(N, C, H, W\) with H ≥ 2 and W ≥ 2, got \(4, 4\)"),
    (nn.AvgPool2d(3), (1, 1, 2, 5), r"AvgPool2d.*got \(1, 1, 2, 5\)"),
    (nn.Flatten(), (5,), r"Flatten\(start_axis=1, end_axis=-1\): expected input of shape with "
                         r"axes 1 to -1 to merge, got \(5,\)"),
    (nn.Softmax(axis=2), (3, 4), r"Softmax\(axis=2\).*got \(3, 4\)"),
])
def test_layers_refuse_a_wrong_input_shape(layer, shape, expected):
    with pytest.raises(ValueError, match=expected):
        layer(mg.zeros(*shape))


@pytest.mark.parametrize("layer", [nn.Linear(2, 2), nn.ReLU(), nn.Dropout(0.5), nn.Conv2d(1, 1, 1)])
def test_layers_refuse_a_non_tensor(layer):
    with pytest.raises(TypeError, match=type(layer).__name__ + r".*expected a minigrad Tensor, "
                                                               r"got ndarray"):
        layer(np.zeros((2, 2)))


@pytest.mark.parametrize("make, message", [
    (lambda: nn.Linear(0, 3), "Linear: in_features must be a positive int, got 0"),
    (lambda: nn.Linear(2, 2.5), "Linear: out_features must be a positive int"),
    (lambda: nn.Conv2d(1, 1, 3, padding=-1), "Conv2d: padding must be ≥ 0"),
    (lambda: nn.Conv2d(1, 1, 3, stride=0), "Conv2d: stride must be a positive int"),
    (lambda: nn.Conv2d(1, 1, (1, 2, 3)), "kernel_size: expected an int or a pair"),
    (lambda: nn.MaxPool2d(2, padding=2), r"MaxPool2d: padding must lie in \[0, kernel_size // 2\]"),
    (lambda: nn.Dropout(1.5), r"Dropout: p must lie in \[0, 1\], got 1.5"),
])
def test_layers_refuse_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_functional_conv2d_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="the input has 2 channels, the weight 3"):
        F.conv2d(mg.zeros(1, 2, 5, 5), mg.zeros(4, 3, 3, 3))
    with pytest.raises(ValueError, match=r"the kernel \(3, 3\) is larger than the padded input "
                                         r"\(2, 6\)"):
        F.max_pool2d(mg.zeros(1, 1, 2, 6), 3)
    with pytest.raises(ValueError, match=r"expected an input \(N, C, H, W\), got shape \(5, 5\)"):
        F.avg_pool2d(mg.zeros(5, 5), 2)
