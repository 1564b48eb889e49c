"""Optimisers: twenty steps agree with torch.optim in float64; state dicts; bad hyperparameters."""
import numpy as np
import pytest
import torch

import minigrad as mg
from minigrad import optim

# name: (minigrad class, torch class, hyperparameters)
CONFIGS = {
    "sgd": (optim.SGD, torch.optim.SGD, dict(lr=0.1)),
    "sgd-momentum": (optim.SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
    "sgd-dampening-decay": (optim.SGD, torch.optim.SGD,
                            dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01)),
    "sgd-nesterov": (optim.SGD, torch.optim.SGD,
                     dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    "adam": (optim.Adam, torch.optim.Adam, dict(lr=0.01)),
    "adam-decay-amsgrad": (optim.Adam, torch.optim.Adam,
                           dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1,
                                amsgrad=True)),
    "adamw": (optim.AdamW, torch.optim.AdamW, dict(lr=0.01)),
    "adamw-amsgrad": (optim.AdamW, torch.optim.AdamW,
                      dict(lr=0.02, weight_decay=0.05, amsgrad=True)),
}
SHAPES = [(3, 4), (5,)]
STEPS = 20


def make_pair(name, device):
    """The same float64 parameters, and an optimiser over them, in minigrad and in torch."""
    ours, theirs, settings = CONFIGS[name]
    values = [np.random.standard_normal(shape) for shape in SHAPES]
    params = [mg.tensor(v, device=device, requires_grad=True) for v in values]
    params_ref = [torch.tensor(v, requires_grad=True) for v in values]
    return params, ours(params, **settings), params_ref, theirs(params_ref, foreach=False, **settings)


def assert_same(params, params_ref):
    for p, q in zip(params, params_ref):
        np.testing.assert_allclose(p.numpy(), q.detach().numpy(), rtol=1e-10, atol=0)


@pytest.mark.parametrize("name", CONFIGS)
def test_twenty_steps_on_given_gradients_match_torch(name, device):
    params, opt, params_ref, opt_ref = make_pair(name, device)
    for _ in range(STEPS):
        for p, q in zip(params, params_ref):
            g = np.random.standard_normal(p.shape)
            p.grad, q.grad = mg.tensor(g, device=device), torch.tensor(g)
        opt.step()
        opt_ref.step()
        assert_same(params, params_ref)


@pytest.mark.parametrize("name", CONFIGS)
def test_twenty_steps_on_a_loss_match_torch(name, device):
    """Gradients computed by each engine from the same loss, along each own trajectory."""
    params, opt, params_ref, opt_ref = make_pair(name, device)
    for _ in range(STEPS):
        opt.zero_grad()
        opt_ref.zero_grad()
        sum((p * p * p - p).abs().sum() for p in params).backward()
        sum((q * q * q - q).abs().sum() for q in params_ref).backward()
        opt.step()
        opt_ref.step()
    assert_same(params, params_ref)


def test_updates_are_in_place_and_skip_parameters_without_gradient(device):
    a = mg.ones(3, device=device, requires_grad=True)
    b = mg.ones(2, device=device, requires_grad=True)
    data = a.data
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = mg.ones(3, device=device)
    opt.step()
    assert a.data is data and np.all(a.numpy() < 1)
    np.testing.assert_array_equal(b.numpy(), 1)
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_parameter_groups_take_their_own_hyperparameters():
    a = mg.zeros(2, requires_grad=True)
    b = mg.zeros(2, requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1)
    a.grad, b.grad = mg.ones(2), mg.ones(2)
    opt.step()
    np.testing.assert_allclose(a.numpy(), -0.1)
    np.testing.assert_allclose(b.numpy(), -1.0)


@pytest.mark.parametrize("name", ["sgd-nesterov", "adam-decay-amsgrad", "adamw"])
def test_state_dict_resumes_training_exactly(name, device):
    ours, _, settings = CONFIGS[name]
    values = [np.random.standard_normal(shape) for shape in SHAPES]
    gradients = [[np.random.standard_normal(s) for s in SHAPES] for _ in range(6)]

    def run(params, opt, steps):
        for step_gradients in steps:
            for p, g in zip(params, step_gradients):
                p.grad = mg.tensor(g, device=device)
            opt.step()

    straight = [mg.tensor(v, device=device, requires_grad=True) for v in values]
    run(straight, ours(straight, **settings), gradients)

    first = [mg.tensor(v, device=device, requires_grad=True) for v in values]
    opt_first = ours(first, **settings)
    run(first, opt_first, gradients[:3])
    saved, snapshot = opt_first.state_dict(), [p.numpy() for p in first]
    run(first, opt_first, gradients[3:4])  # the saved state must not move with the optimiser

    resumed = [mg.tensor(v, device=device, requires_grad=True) for v in snapshot]
    resumed_opt = ours(resumed, lr=123.0)
    resumed_opt.load_state_dict(saved)
    assert resumed_opt.param_groups[0]["lr"] == settings["lr"]
    run(resumed, resumed_opt, gradients[3:])
    for p, q in zip(resumed, straight):
        np.testing.assert_array_equal(p.numpy(), q.numpy())


def test_load_state_dict_refuses_a_different_model():
    opt = optim.Adam([mg.zeros(3, requires_grad=True)])
    opt.param_groups[0]["params"][0].grad = mg.ones(3)
    opt.step()
    other = optim.Adam([mg.zeros(4, requires_grad=True)])
    with pytest.raises(ValueError, match=r"state 'exp_avg' of parameter 0 has shape \(3,\)"):
        other.load_state_dict(opt.state_dict())
    two = optim.Adam([mg.zeros(3, requires_grad=True), mg.zeros(3, requires_grad=True)])
    with pytest.raises(ValueError, match="a group has 1 parameters in the state, 2 here"):
        two.load_state_dict(opt.state_dict())


@pytest.mark.parametrize("make, error, message", [
    (lambda p: optim.SGD(p, lr=-0.1), ValueError, "SGD: lr must be ≥ 0, got -0.1"),
    (lambda p: optim.Adam(p, lr=-1), ValueError, "Adam: lr must be ≥ 0"),
    (lambda p: optim.Adam(p, betas=(0.9, 1.0)), ValueError,
     r"Adam: betas must be two numbers in \[0, 1\), got \(0.9, 1.0\)"),
    (lambda p: optim.AdamW(p, betas=(-0.1, 0.9)), ValueError, "AdamW: betas must be two numbers"),
    (lambda p: optim.Adam(p, betas=(0.9,)), ValueError, "betas must be two numbers"),
    (lambda p: optim.Adam(p, eps=-1e-8), ValueError, "eps must be ≥ 0"),
    (lambda p: optim.AdamW(p, weight_decay=-0.01), ValueError, "weight_decay must be ≥ 0"),
    (lambda p: optim.SGD(p, momentum=-0.5), ValueError, "momentum must be ≥ 0"),
    (lambda p: optim.SGD(p, nesterov=True), ValueError, "nesterov needs momentum > 0"),
    (lambda p: optim.SGD([], lr=0.1), ValueError, "empty list of parameters"),
    (lambda p: optim.SGD([np.zeros(2)], lr=0.1), TypeError, "parameter 0 is a ndarray"),
    (lambda p: optim.SGD([mg.zeros(2)], lr=0.1), ValueError, "requires_grad=True"),
    (lambda p: optim.SGD(p + p, lr=0.1), ValueError, "appears twice"),
    (lambda p: optim.SGD([{"params": p, "lr": -2.0}], lr=0.1), ValueError, "lr must be ≥ 0"),
])
def test_bad_hyperparameters_are_refused(make, error, message):
    with pytest.raises(error, match=message):
        make([mg.zeros(2, requires_grad=True)])
