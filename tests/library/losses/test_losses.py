"""Tests of the loss catalogue, generated from its facts (minigrad.losses.FACTS, declared by
``@loss`` on each loss) and its samples (tests/library/losses/samples.py).

For every loss and every one of its samples, on both devices:
- values and gradients against the reference, for each reduction: relative 1e-10 in float64,
  1e-5 in float32 (gradients from PyTorch where it is the reference);
- gradcheck (float64, finite differences) of every differentiable input; gradgradcheck of the
  smooth losses;
- stability: finite values and gradients at extreme inputs, equal to PyTorch's values;
- every catalogued loss is public and has samples, the loss modules forward to their
  functions, and the docs table is the catalogue's.
"""
import re

import numpy as np
import pytest

import minigrad as mg
from minigrad import losses, nn
from minigrad.check import gradcheck, gradgradcheck
from minigrad.losses import FACTS
from minigrad.losses import facts as loss_facts

from ... import ROOT
from ...samples import Draw
from . import loss_references as references
from .samples import REGISTRY

TOLERANCE = {"float64": 1e-10, "float32": 1e-5}


def _cases(select=lambda entry, sample: True):
    """(name, sample index) pairs for pytest, read from float64 CPU samples."""
    return [pytest.param(name, i, id=f"{name}-{i}")
            for name, entry in REGISTRY.items()
            for i, sample in enumerate(entry.samples())
            if select(entry, sample)]


def _extreme_cases():
    return [pytest.param(name, i, id=f"{name}-{i}")
            for name, entry in REGISTRY.items()
            for i in range(len(entry.extreme_samples()))]


def assert_close(got, expected, dtype, what):
    """Elementwise relative tolerance, with a floor scaled to the largest expected value."""
    rtol = TOLERANCE[dtype]
    expected = np.asarray(expected, dtype=np.float64)
    scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), expected, rtol=rtol,
                               atol=rtol * scale, err_msg=what)


def _with_reduction(entry, sample, reduction):
    return dict(sample.kwargs) if reduction is None else {**sample.kwargs, "reduction": reduction}


def _grad_indices(entry, sample):
    if not entry.differentiable:
        return ()
    return entry.grad_args if sample.grad_args is None else sample.grad_args


def _loss_of(entry, sample, reduction):
    kwargs = _with_reduction(entry, sample, reduction)
    return lambda *args: entry.function(*args, **kwargs)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,index", _cases())
def test_matches_reference(name, index, dtype, device):
    entry = REGISTRY[name]
    sample = entry.samples(dtype, device)[index]
    reference = sample.reference or entry.facts.reference
    indices = _grad_indices(entry, sample) if references.is_torch(reference) else ()
    draw = Draw(index)
    for reduction in entry.reductions or (None,):
        kwargs = _with_reduction(entry, sample, reduction)
        out = entry.function(*sample.args, **kwargs)
        assert out.dtype == np.dtype(dtype) and out.device == device
        cotangent = draw.normal(*out.shape).astype(dtype)
        expected, expected_grads = references.evaluate(reference, sample.args, kwargs,
                                                       cotangent, indices)
        assert out.shape == expected.shape, f"{name} {reduction}: shape"
        assert_close(out.numpy(), expected, dtype, f"{name} value, reduction={reduction}")
        if indices:
            inputs = [sample.args[i] for i in indices]
            grads = mg.grad(out, inputs, mg.tensor(cotangent, device=device), allow_unused=True)
            for i, got, want in zip(indices, grads, expected_grads):
                got = np.zeros(want.shape) if got is None else got.numpy()
                assert_close(got, want, dtype, f"{name} gradient of argument {i}, reduction={reduction}")


def _checkable(entry, sample):
    return entry.differentiable and not sample.at_kink


@pytest.mark.parametrize("name,index", _cases(_checkable))
def test_gradcheck(name, index, device):
    entry = REGISTRY[name]
    sample = entry.samples("float64", device)[index]
    reduction = "none" if "none" in entry.reductions else None
    assert gradcheck(_loss_of(entry, sample, reduction), sample.args)


@pytest.mark.parametrize("name,index", _cases(lambda e, s: e.facts.smooth and _checkable(e, s)))
def test_gradgradcheck(name, index, device):
    entry = REGISTRY[name]
    sample = entry.samples("float64", device)[index]
    reduction = "sum" if "sum" in entry.reductions else None
    assert gradgradcheck(_loss_of(entry, sample, reduction), sample.args)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,index", _extreme_cases())
def test_stable_at_extremes(name, index, dtype, device):
    entry = REGISTRY[name]
    sample = entry.extreme_samples(dtype, device)[index]
    reference = sample.reference or entry.facts.reference
    for reduction in [r for r in ("none", "mean") if r in entry.reductions] or [None]:
        kwargs = _with_reduction(entry, sample, reduction)
        out = entry.function(*sample.args, **kwargs)
        assert np.all(np.isfinite(out.numpy())), f"{name}: {out.numpy()} at {sample.note}"
        if references.is_torch(reference):  # equal where PyTorch is finite (soft_margin_loss
            expected, _ = references.evaluate(reference, sample.args, kwargs)  # overflows)
            finite = np.isfinite(expected)
            assert_close(out.numpy()[finite], expected[finite], dtype, f"{name} at {sample.note}")
        inputs = [sample.args[i] for i in _grad_indices(entry, sample)]
        grads = mg.grad(out.sum(), inputs, allow_unused=True)
        for g in grads:
            assert g is None or np.all(np.isfinite(g.numpy())), f"{name}: gradient at {sample.note}"


# --- the catalogue and its samples -----------------------------------------------------------
def test_registry_covers_every_public_loss():
    public_losses = set(losses.__all__) - set(losses.HELPERS)
    assert public_losses == set(losses.LOSSES) == set(FACTS)
    assert losses.LOSSES == tuple(FACTS)
    for name, facts in FACTS.items():
        assert getattr(losses, name) is facts.function, f"{name} is not exported by losses"
        assert facts.function.facts is facts and facts.name == name
        assert getattr(nn, facts.module).function is facts.function, f"no nn.{facts.module}"


def test_loss_decorator_refuses_a_second_entry_and_bad_facts():
    facts = dict(family="regression", formula="e²", reference="numpy:mse_loss", convex=True,
                 smooth=True, kinks="none", module="ThrowawayLoss")

    def mse_loss(input, target, reduction="mean"):  # another function of a catalogued name
        """Not a loss of the catalogue."""

    def throwaway_loss(input, target, reduction="mean"):
        """Not a loss of the catalogue."""

    with pytest.raises(ValueError, match="already has a loss named 'mse_loss'"):
        loss_facts.loss(**facts)(mse_loss)
    with pytest.raises(ValueError, match="class name 'MSELoss' is mse_loss's"):
        loss_facts.loss(**{**facts, "module": "MSELoss"})(throwaway_loss)
    with pytest.raises(TypeError, match="convex and smooth"):
        loss_facts.loss(**{**facts, "convex": "yes"})(throwaway_loss)
    with pytest.raises(TypeError, match="formula must be a non-empty string"):
        loss_facts.loss(**{**facts, "formula": ""})(throwaway_loss)
    assert "throwaway_loss" not in FACTS and not hasattr(throwaway_loss, "facts")


def test_every_catalogued_loss_has_samples():
    """A loss cannot land untested: @loss puts it in FACTS, and here it needs samples."""
    missing = [name for name in FACTS if name not in REGISTRY]
    assert not missing, f"losses without samples in tests/library/losses/samples.py: {missing}"


@pytest.mark.parametrize("name", list(REGISTRY))
def test_registry_entry_is_complete(name):
    import inspect
    entry = REGISTRY[name]
    facts = entry.facts
    parameters = inspect.signature(entry.function).parameters
    assert references.known(facts.reference), facts.reference
    assert set(entry.domain) <= set(parameters), "domain names an unknown argument"
    tensors = [name for name, p in parameters.items() if p.default is p.empty]
    assert set(tensors) <= set(entry.domain), "every tensor argument has a domain"
    assert facts.formula and facts.kinks and facts.family and facts.module
    assert ("reduction" in parameters) == bool(entry.reductions)
    assert entry.function.__doc__, "docstring with the formula"
    samples = entry.samples()
    assert samples, "at least one sample"
    for sample in samples + entry.extreme_samples():
        assert set(sample.kwargs) <= set(parameters)
        assert references.known(sample.reference or facts.reference)
    for dtype in ("float64", "float32"):
        first = entry.samples(dtype)[0].args[0]
        assert first.dtype == np.dtype(dtype)


def test_samples_are_seeded():
    for entry in REGISTRY.values():
        a, b = entry.samples(seed=3), entry.samples(seed=3)
        for sa, sb in zip(a, b):
            for ta, tb in zip(sa.args, sb.args):
                np.testing.assert_array_equal(ta.numpy(), tb.numpy())


def test_readme_table_is_generated_from_the_catalogue():
    table = loss_facts.markdown_table()
    for name in FACTS:
        assert f"`{name}`" in table
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- losses-table -->\n(.*?)<!-- /losses-table -->", readme, re.S)
    assert block and block.group(1) == table, \
        "README's loss table is stale: paste minigrad.losses.facts.markdown_table() between " \
        "its markers"


# --- loss modules ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(REGISTRY))
def test_loss_module_forwards_to_its_function(name, device):
    entry = REGISTRY[name]
    cls = getattr(nn, entry.facts.module)
    assert issubclass(cls, nn.Module)
    for sample in entry.samples("float64", device):
        module = cls(**sample.kwargs)
        np.testing.assert_array_equal(module(*sample.args).numpy(),
                                      entry.function(*sample.args, **sample.kwargs).numpy())


def test_loss_module_options_and_errors():
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1, reduction="sum")
    assert criterion.label_smoothing == 0.1 and criterion.reduction == "sum"
    assert "label_smoothing=0.1" in repr(criterion)
    assert nn.HuberLoss("none", 2.0).delta == 2.0  # positional, in the function's order
    with pytest.raises(TypeError, match="options"):
        nn.MSELoss(size_average=True)
    with pytest.raises(TypeError, match="forward takes 2 tensors"):
        nn.MSELoss()(mg.zeros(3))
    assert "mse_loss" in nn.MSELoss.__doc__ and "e²" in nn.MSELoss.__doc__


# --- risk: reduction, empirical risk, penalties ----------------------------------------------
def test_reduction_semantics(device):
    x = mg.tensor([1.0, 2.0, 4.0], dtype="float64", device=device)
    y = mg.zeros(3, dtype="float64", device=device)
    assert losses.mse_loss(x, y, reduction="none").tolist() == [1.0, 4.0, 16.0]
    assert losses.mse_loss(x, y, reduction="sum").item() == 21.0
    assert losses.mse_loss(x, y).item() == 7.0
    assert losses.empirical_risk(losses.mse_loss(x, y, reduction="none")).item() == 7.0


def test_regularized_risk_gradient(device):
    w = mg.tensor([0.5, -2.0], dtype="float64", device=device, requires_grad=True)
    features = mg.tensor([[1.0, 2.0], [3.0, -1.0]], dtype="float64", device=device)
    target = mg.tensor([1.0, 0.0], dtype="float64", device=device)
    pointwise = losses.mse_loss(features @ w, target, reduction="none")
    risk = losses.regularized_risk(pointwise, [w], lam=0.1)
    risk.backward()
    error = features.numpy() @ w.numpy() - target.numpy()
    expected = 2 * features.numpy().T @ error / 2 + 0.2 * w.numpy()
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-12)
    l1 = losses.regularized_risk(pointwise.detach(), [w], lam=0.5, penalty=losses.l1_penalty)
    assert l1.item() == pytest.approx(np.mean(error ** 2) + 0.5 * 2.5)
    assert losses.l2_penalty([w]).item() == pytest.approx(4.25)


def test_zero_one_loss_backward_raises(device):
    x = mg.tensor([0.5, -1.0, 0.0], dtype="float64", device=device, requires_grad=True)
    y = mg.tensor([1.0, 1.0, -1.0], dtype="float64", device=device)
    loss = losses.zero_one_loss(x, y)
    assert loss.item() == pytest.approx(2 / 3)
    with pytest.raises(losses.NotDifferentiableError, match="zero_one_loss is not differentiable"):
        loss.backward()
