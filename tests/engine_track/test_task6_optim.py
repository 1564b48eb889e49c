"""Task 6 (optim): SGD and Adam steps on given gradients, against NumPy written from the update
rules in their docstrings (the rules of torch.optim), twenty steps in float64."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import optim

pytestmark = pytest.mark.task("optim")

SHAPES = [(3, 4), (5,)]
STEPS = 20


def sgd_steps(theta, gradients, lr, momentum=0.0, dampening=0.0, nesterov=False,
              weight_decay=0.0):
    buffer = None
    for g in gradients:
        d = g + weight_decay * theta
        if momentum:
            buffer = d if buffer is None else momentum * buffer + (1 - dampening) * d
            d = d + momentum * buffer if nesterov else buffer
        theta = theta - lr * d
        yield theta


def adam_steps(theta, gradients, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
               amsgrad=False, decoupled=False):
    (beta1, beta2), m, v = betas, np.zeros_like(theta), np.zeros_like(theta)
    v_max = np.zeros_like(theta)
    for t, g in enumerate(gradients, 1):
        if decoupled:
            theta = theta * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        v_max = np.maximum(v_max, v)
        v_hat = (v_max if amsgrad else v) / (1 - beta2 ** t)
        theta = theta - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v_hat) + eps)
        yield theta


CONFIGS = {
    "sgd": (optim.SGD, dict(lr=0.1), sgd_steps, {}),
    "sgd-momentum": (optim.SGD, dict(lr=0.1, momentum=0.9), sgd_steps, {}),
    "sgd-dampening-decay": (optim.SGD, dict(lr=0.05, momentum=0.8, dampening=0.3,
                                            weight_decay=0.01), sgd_steps, {}),
    "sgd-nesterov": (optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
                     sgd_steps, {}),
    "adam": (optim.Adam, dict(lr=0.01), adam_steps, {}),
    "adam-decay-amsgrad": (optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6,
                                            weight_decay=0.1, amsgrad=True), adam_steps, {}),
    "adamw": (optim.AdamW, dict(lr=0.01, weight_decay=0.01), adam_steps, dict(decoupled=True)),
    "adamw-amsgrad": (optim.AdamW, dict(lr=0.02, weight_decay=0.05, amsgrad=True), adam_steps,
                      dict(decoupled=True)),
}


@pytest.mark.parametrize("name", CONFIGS)
def test_twenty_steps_follow_the_update_rule(name):
    ours, settings, reference, extra = CONFIGS[name]
    rng = np.random.default_rng(0)
    values = [rng.standard_normal(shape) for shape in SHAPES]
    gradients = [[rng.standard_normal(shape) for _ in range(STEPS)] for shape in SHAPES]
    params = [mg.tensor(v, requires_grad=True) for v in values]
    opt = ours(params, **settings)
    expected = [reference(v, gs, **settings, **extra) for v, gs in zip(values, gradients)]
    for step in range(STEPS):
        for p, gs in zip(params, gradients):
            p.grad = mg.tensor(gs[step])
        opt.step()
        for k, (p, e) in enumerate(zip(params, expected)):
            np.testing.assert_allclose(p.numpy(), next(e), rtol=1e-9, atol=1e-12,
                                       err_msg=f"parameter {k} after step {step + 1}")


@pytest.mark.parametrize("name", ["sgd-momentum", "adam"])
def test_a_step_updates_in_place_and_skips_parameters_without_gradient(name):
    ours, settings, _, _ = CONFIGS[name]
    a = mg.tensor(np.ones(3, dtype="float32"), requires_grad=True)
    b = mg.tensor(np.ones(2, dtype="float32"), requires_grad=True)
    data = a.data
    opt = ours([a, b], **settings)
    a.grad = mg.tensor(np.ones(3, dtype="float32"))
    opt.step()
    assert a.data is data, "the step must update the parameter's array in place"
    assert a.dtype == np.float32 and np.all(a.numpy() < 1)
    np.testing.assert_array_equal(b.numpy(), 1.0)


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_each_parameter_group_takes_its_own_learning_rate(name):
    ours, _, _, _ = CONFIGS[name]
    a, b = mg.tensor(np.zeros(2), requires_grad=True), mg.tensor(np.zeros(2), requires_grad=True)
    opt = ours([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1)
    a.grad, b.grad = mg.tensor(np.ones(2)), mg.tensor(np.ones(2))
    opt.step()
    np.testing.assert_allclose(a.numpy(), -0.1, rtol=1e-6)  # Adam's first step is lr·sign(g)
    np.testing.assert_allclose(b.numpy(), -1.0, rtol=1e-6)
