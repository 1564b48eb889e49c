"""Traces of a real model (nn.Sequential(Linear, ReLU, Linear) with cross-entropy): names from
the module, no-op views folded, index arrays shown, local VJPs as numbers, 100 columns."""
import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.trace import local_vjp, trace_backward


def model_loss(batch=2):
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 3))
    x = mg.randn(batch, 3)
    y = mg.tensor([0, 2, 1, 2, 0][:batch])
    return mg.losses.cross_entropy(model(x), y), model, x, y


@pytest.fixture
def traced():
    loss, model, x, y = model_loss()
    return trace_backward(loss, module=model, inputs={"input": x, "target": y}), model, x, y


def test_names_come_from_the_module_and_the_inputs(traced):
    trace, model, x, y = traced
    nodes = [row.node for row in trace]
    assert nodes[-1] == "linear1 = linear(input, 0.weight, 0.bias)"
    assert "linear2 = linear(relu1, 2.weight, 2.bias)" in nodes
    assert nodes[0].startswith("loss = ")
    assert [label for label, _, _ in trace.leaves] == ["2.bias", "2.weight", "0.bias", "0.weight"]
    text = str(trace)
    assert " t1" not in text and "c1" not in text
    # a module passed as names does the same; a tuple names input and target
    again = trace_backward(trace.graph.output, names=model, inputs=(x, y))
    assert [row.node for row in again] == nodes


def test_no_op_views_are_folded_and_indices_shown(traced):
    trace = traced[0]
    ops = [row.op for row in trace]
    assert "reshape" not in ops  # cross-entropy's reshape(-1, 3) and reshape(2,) keep the shape
    assert "getitem1 = getitem(logsoftmax1, index=[arange(2), target])" in [r.node for r in trace]
    unfolded = trace_backward(trace.graph.output, fold=False)
    assert "reshape" in [row.op for row in unfolded]
    for label, t, g in trace.leaves:  # folding changes what is shown, not the gradients
        np.testing.assert_array_equal(g.numpy(), unfolded.grad(t).numpy())


def test_text_fits_in_100_columns():
    for batch in (2, 5):
        loss, model, x, y = model_loss(batch)
        text = str(trace_backward(loss, module=model, inputs={"input": x, "target": y}))
        assert max(len(line) for line in text.splitlines()) <= 100
        assert "(not elementwise" not in text


def test_local_vjps_are_numbers_that_numpy_agrees_with(traced):
    trace = traced[0]
    rows = {row.node.split(" = ")[0]: row for row in trace}
    lin = rows["linear2"]
    g = lin.upstream.numpy()
    x, w = (t.numpy() for t in lin.output._node.inputs[:2])
    expected = {"relu1": ("g·W", g @ w), "2.weight": ("gᵀ·x", g.T @ x),
                "2.bias": ("Σ_rows g", g.sum(axis=0))}
    for step in lin.inputs:
        formula, expect = expected[step.label]
        assert step.vjp[0] == formula
        np.testing.assert_allclose(step.product.numpy(), expect, rtol=1e-5)
    np.testing.assert_allclose(lin.inputs[1].vjp[1][0][1], g.T)  # the operands shown are gᵀ, x
    ls = rows["logsoftmax1"]
    g = ls.upstream.numpy()
    z = ls.output._node.inputs[0].numpy()
    soft = np.exp(z - z.max(axis=1, keepdims=True))
    soft /= soft.sum(axis=1, keepdims=True)
    (step,) = ls.inputs
    np.testing.assert_allclose(step.vjp[1][1][1], soft, rtol=1e-5)
    np.testing.assert_allclose(step.product.numpy(), g - soft * g.sum(axis=1, keepdims=True),
                               rtol=1e-5)
    text = str(trace)
    assert "gradient = gᵀ·x" in text and "g − eʸ⊙Σg" in text
    assert "gᵀ·x" in trace._repr_html_()


def test_matmul_vjp_numbers_and_large_shapes_fall_back_to_the_rule():
    a = mg.randn(2, 3, dtype="float64", requires_grad=True)
    b = mg.randn(3, 2, dtype="float64", requires_grad=True)
    out = (a @ b).sum()
    trace = trace_backward(out, names={"a": a, "b": b})
    mm = [row for row in trace if row.op == "matmul"][0]
    g = mm.upstream.numpy()
    assert mm.inputs[0].vjp[0] == "g·bᵀ"
    np.testing.assert_allclose(mm.inputs[1].product.numpy(), a.numpy().T @ g)
    big = mg.randn(20, 30, dtype="float64", requires_grad=True)
    row = [r for r in trace_backward((big @ big.T).sum()) if r.op == "matmul"][0]
    assert all(step.vjp is None for step in row.inputs)
    assert local_vjp(row.output._node, 0, row.upstream) is None
