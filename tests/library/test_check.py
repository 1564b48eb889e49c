"""gradcheck and gradgradcheck: they pass on correct derivatives, and on a wrong one they fail
saying which input and by how much."""
import re

import numpy as np
import pytest

import minigrad as mg
from minigrad.check import GradcheckError, gradcheck, gradgradcheck


class BadExp(mg.ops.Exp):
    """exp with a first derivative off by 10 %."""

    def backward(self, g):
        return (g * self.output() * 1.1,)


class BadTanh(mg.ops.Tanh):
    """tanh whose first derivative is right but whose second is wrong: the backward uses a
    constant (detached) output, so it is invisible to the second-order graph."""

    def backward(self, g):
        t = self.output().detach()
        return (g * (1 - t * t),)


class BadMul(mg.ops.Mul):
    """a * b with the gradient of b forgotten (a classic: returning g * a for both)."""

    def backward(self, g):
        a, b = self.inputs
        return g * b, g * b


def bad_exp(x):
    return BadExp.apply(x)


def f64(values, device, requires_grad=True):
    return mg.tensor(np.asarray(values, dtype=np.float64), device=device,
                     requires_grad=requires_grad)


@pytest.mark.parametrize("fn", [
    lambda x, w: (x * w).tanh().sum(axis=0),
    lambda x, w: mg.softmax(x @ w.T, axis=-1),
    lambda x, w: (mg.sigmoid(x) * w).max(axis=1),
    lambda x, w: (mg.log_softmax(x, 0) * w, x.exp()),  # several outputs
])
def test_pass_on_correct_functions(fn, device):
    rng = np.random.default_rng(0)
    x, w = f64(rng.standard_normal((3, 2)), device), f64(rng.standard_normal((3, 2)), device)
    assert gradcheck(fn, [x, w]) is True
    assert gradgradcheck(fn, [x, w]) is True


def test_inputs_that_do_not_require_grad_are_passed_through(device):
    x = f64([0.5, 1.0], device)
    c = f64([2.0, 3.0], device, requires_grad=False)
    assert gradcheck(lambda x, c, k: (x * c) ** k, [x, c, 3])


def test_output_independent_of_inputs_passes(device):
    x = f64([0.5, 1.0], device)
    assert gradcheck(lambda x: mg.tensor(np.array([1.0, 2.0]), device=device) * 2.0, [x])


def test_wrong_gradient_raises_naming_the_input_and_values(device):
    x = f64([0.1, 0.7, -0.4], device)
    w = f64([1.0, 2.0, 3.0], device)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda w, x: w * bad_exp(x), [w, x])
    message = str(info.value)
    assert "input 1" in message and "shape (3,)" in message
    assert "expected" in message and "got" in message
    # the numbers in the report: finite differences (expected) vs autograd (got) at a place
    pairs = re.findall(r"at \((\d+),\): expected (\S+), got (\S+)", message)
    assert pairs, message
    for where, expected, got in pairs:
        np.testing.assert_allclose(float(got), 1.1 * float(expected), rtol=1e-4)
    # input 0 (w) has a correct gradient: the report does not blame it
    assert "input 0" not in message


def test_wrong_gradient_names_the_first_wrong_input(device):
    a, b = f64([0.5, 1.5], device), f64([2.0, -1.0], device)
    with pytest.raises(GradcheckError, match=r"input 1, shape \(2,\)"):
        gradcheck(lambda a, b: BadMul.apply(a, b), [a, b])


def test_wrong_gradient_report_for_0d_and_matrices(device):
    with pytest.raises(GradcheckError, match=r"input 0, shape \(\)\).*\n  at \(\): expected"):
        gradcheck(bad_exp, [f64(0.3, device)])
    with pytest.raises(GradcheckError, match=r"shape \(2, 2\).*\n  at \(\d, \d\): expected"):
        gradcheck(bad_exp, [f64([[0.1, 0.2], [0.3, 0.4]], device)])


def test_raise_exception_false_returns_false(device):
    x = f64([0.1, 0.2], device)
    assert gradcheck(bad_exp, [x], raise_exception=False) is False
    assert gradcheck(mg.exp, [x], raise_exception=False) is True


def test_gradgradcheck_catches_a_wrong_second_derivative(device):
    x = f64([0.3, -0.8, 1.1], device)
    bad_tanh = BadTanh.apply
    assert gradcheck(bad_tanh, [x])  # first derivative right ...
    with pytest.raises(GradcheckError) as info:  # ... second wrong
        gradgradcheck(bad_tanh, [x])
    message = str(info.value)
    assert "input 0" in message and "expected" in message and "got" in message


def test_gradgradcheck_catches_a_wrong_first_derivative(device):
    with pytest.raises(GradcheckError):
        gradgradcheck(lambda x: bad_exp(x) * x, [f64([0.2, 0.4], device)])


@pytest.mark.parametrize("dtype", [mg.float32, mg.float16])
def test_low_precision_inputs_are_refused(dtype, device):
    x = mg.tensor([0.1, 0.2], dtype=dtype, device=device, requires_grad=True)
    with pytest.raises(ValueError, match=f"input 0 is {dtype.name}.*float64"):
        gradcheck(mg.exp, [x])
    with pytest.raises(ValueError, match="float64"):
        gradgradcheck(mg.exp, [x])


def test_no_input_requiring_grad_is_refused():
    with pytest.raises(ValueError, match="requires_grad"):
        gradcheck(mg.exp, [mg.tensor(np.array([0.1]))])


def test_gradcheck_restores_the_inputs(device):
    x = f64([0.1, 0.2, 0.3], device)
    before = x.numpy().copy()
    gradcheck(lambda x: x ** 3, [x])
    gradgradcheck(lambda x: x ** 3, [x])
    np.testing.assert_array_equal(x.numpy(), before)
    assert x.grad is None  # the checks do not touch .grad


def test_a_single_tensor_input_needs_no_list(device):
    assert gradcheck(mg.tanh, f64([0.5], device))
