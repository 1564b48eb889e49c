"""Step-through backward (minigrad.trace) and the graph walk it shares with viz (minigrad.graph)."""
import doctest

import numpy as np
import pytest

import minigrad as mg
from minigrad import graph as graph_module
from minigrad import trace as trace_module
from minigrad.autograd import sum_to
from minigrad.trace import BackwardTrace, derivative_rule, trace_backward


def bce_loss(device="cpu", dtype="float64"):
    """Logistic regression with a binary cross-entropy built from engine ops."""
    x = mg.tensor([[0.5, 1.0], [-1.0, 2.0], [1.5, -0.5], [0.0, 0.5]], dtype=dtype, device=device)
    y = mg.tensor([1.0, 0.0, 1.0, 0.0], dtype=dtype, device=device)
    w = mg.tensor([0.2, -0.4], dtype=dtype, device=device, requires_grad=True)
    b = mg.tensor(0.1, dtype=dtype, device=device, requires_grad=True)
    p = mg.sigmoid(x @ w + b)
    loss = -(y * mg.log(p) + (1 - y) * mg.log(1 - p)).mean()
    return loss, {"x": x, "y": y, "w": w, "b": b, "p": p, "loss": loss}


def mlp_loss(device="cpu"):
    """A 3-4-1 ReLU network with a mean squared error; the biases broadcast over the batch."""
    x = mg.randn(5, 3, dtype="float64", device=device)
    y = mg.randn(5, dtype="float64", device=device)
    w1 = mg.randn(3, 4, dtype="float64", device=device, requires_grad=True)
    b1 = mg.randn(4, dtype="float64", device=device, requires_grad=True)
    w2 = mg.randn(4, 1, dtype="float64", device=device, requires_grad=True)
    b2 = mg.randn(1, dtype="float64", device=device, requires_grad=True)
    h = (x @ w1 + b1).relu()
    out = (h @ w2 + b2).squeeze(-1)
    loss = ((out - y) ** 2).mean()
    return loss, {"x": x, "y": y, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "loss": loss}


LOSSES = {"bce": bce_loss, "mlp": mlp_loss}


def graph_nodes(output):
    """The computed tensors behind ``output``, found by a walk independent of minigrad.graph."""
    found, stack = {}, [output]
    while stack:
        t = stack.pop()
        if t._node is None or id(t) in found:
            continue
        found[id(t)] = t
        stack.extend(i for i in t._node.inputs if i.requires_grad)
    return found


def leaves(names):
    return {k: t for k, t in names.items() if t.is_leaf and t.requires_grad}


@pytest.mark.parametrize("make", LOSSES.values(), ids=LOSSES.keys())
def test_every_node_once_in_reverse_topological_order(make):
    loss, names = make()
    trace = trace_backward(loss, names=names)
    nodes = graph_nodes(loss)
    ids = [id(row.output) for row in trace]
    assert sorted(ids) == sorted(nodes)  # every node, each once
    position = {i: k for k, i in enumerate(ids)}
    for row in trace:  # a node comes after every node that reads its output
        for inp in row.output._node.inputs:
            if id(inp) in position:
                assert position[id(inp)] > position[id(row.output)]
    assert trace[0].output is loss
    assert [row.step for row in trace] == list(range(1, len(trace) + 1))


@pytest.mark.parametrize("make", LOSSES.values(), ids=LOSSES.keys())
def test_product_is_local_times_upstream(make):
    loss, names = make()
    trace = trace_backward(loss, names=names)
    elementwise = [row for row in trace if row.elementwise]
    assert {row.op for row in elementwise} >= ({"sub", "pow", "relu", "add"} if make is mlp_loss
                                               else {"sigmoid", "log", "mul", "sub", "neg"})
    for row in elementwise:
        for step in row.inputs:
            expected = sum_to(step.local * row.upstream, step.tensor.shape)
            np.testing.assert_allclose(step.product.numpy(), expected.numpy(), rtol=1e-12)
            assert step.product.shape == step.tensor.shape
    for row in trace:  # every gradient handed to an input has the input's shape
        assert all(step.product.shape == step.tensor.shape for step in row.inputs)


@pytest.mark.parametrize("make", LOSSES.values(), ids=LOSSES.keys())
def test_leaf_gradients_equal_backward_and_graph_survives(make):
    loss, names = make()
    trace = trace_backward(loss, names=names)
    for t in leaves(names).values():
        assert t.grad is None  # the trace touched no .grad
    again = trace_backward(loss, names=names)  # the graph is intact: trace it twice ...
    loss.backward()  # ... and backward still works afterwards
    traced = {label: g for label, _, g in trace.leaves}
    assert set(traced) == set(leaves(names))
    for label, t in leaves(names).items():
        np.testing.assert_allclose(traced[label].numpy(), t.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(trace.grad(t).numpy(), t.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(again.grad(t).numpy(), t.grad.numpy(), rtol=1e-12)


def test_shape_ops_and_reductions_agree_with_backward(device):
    x = mg.randn(3, 4, dtype="float64", device=device, requires_grad=True)
    v = mg.randn(4, dtype="float64", device=device, requires_grad=True)
    picked = x[1:, [0, 2, 2]]  # an integer index that repeats an element
    joined = mg.concatenate([picked.reshape(-1), v.clip(-0.5, 0.5)])
    scores = mg.stack([joined, joined * joined]).permute(1, 0).max(axis=1)
    loss = (mg.logsumexp(scores) + mg.softmax(x.T, axis=0)[0].sum()
            + mg.where(x > 0, x, 0.0).mean())
    trace = trace_backward(loss, names={"x": x, "v": v, "loss": loss})
    ops = {row.op for row in trace}
    assert ops >= {"getitem", "reshape", "concatenate", "clip", "permute", "max", "exp", "where"}
    assert any("getitem(x, index=[1:, [" in row.node and "…" not in row.node for row in trace)
    assert any(row.node.endswith("= permute(x, axes=(1, 0))") for row in trace)
    loss.backward()
    for t in (x, v):
        np.testing.assert_allclose(trace.grad(t).numpy(), t.grad.numpy(), rtol=1e-12)


def test_gradients_keep_the_dtype_of_their_input_as_backward_does():
    w = mg.tensor([0.5, -1.0], dtype="float32", requires_grad=True)
    loss = (w * mg.tensor([2.0, 3.0], dtype="float64")).sum()
    trace = trace_backward(loss)
    loss.backward()
    assert trace.grad(w).dtype == w.grad.dtype
    np.testing.assert_array_equal(trace.grad(w).numpy(), w.grad.numpy())


def test_accumulate_grad_fills_grad_as_backward_does():
    loss, names = bce_loss()
    trace_backward(loss, accumulate_grad=True)
    traced = {k: t.grad.numpy() for k, t in leaves(names).items()}
    for t in leaves(names).values():
        t.zero_grad()
    loss.backward()
    for k, t in leaves(names).items():
        np.testing.assert_allclose(traced[k], t.grad.numpy(), rtol=1e-12)


def test_accumulate_grad_never_stores_the_callers_gradient():
    x, v = mg.ones(3, requires_grad=True), mg.tensor([1.0, 2.0, 3.0])
    trace_backward(x, gradient=v, accumulate_grad=True)
    assert x.grad.tolist() == [1.0, 2.0, 3.0] and x.grad.data is not v.data
    x.grad.data *= 2  # scaling the gradient in place leaves the caller's tensor as it was
    assert v.tolist() == [1.0, 2.0, 3.0]


def test_rows_read_like_the_math():
    loss, names = bce_loss()
    trace = trace_backward(loss, names=names)
    by_op = {row.op: row for row in trace}
    assert trace[0].node == "loss = neg(t10)"
    assert by_op["matmul"].node == "t1 = matmul(x, w)"
    assert by_op["sigmoid"].node == "p = sigmoid(t2)"
    assert by_op["mul"].formula == "d/da = b, d/db = a"
    assert by_op["matmul"].formula.startswith("d/da = g @ bᵀ, d/db = aᵀ @ g")
    assert not by_op["matmul"].elementwise and by_op["matmul"].inputs[0].local is None
    # only the tensors that need a gradient are listed as inputs: w, not x
    assert [s.label for s in by_op["matmul"].inputs] == ["w"]
    # p feeds log(p) and 1 - p: the upstream gradient at p is the sum of both uses
    assert by_op["sigmoid"].uses == 2
    # b was broadcast over the batch: its gradient is summed back to a scalar
    add = next(row for row in trace if row.node == "t2 = add(t1, b)")
    assert [s.summed for s in add.inputs] == [False, True]


def test_unnamed_tensors_are_numbered():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0], requires_grad=True)
    trace = trace_backward((a * b).sum())
    assert [row.node for row in trace] == ["t4 = sum(t3)", "t3 = mul(t1, t2)"]


def test_derivative_rule_from_every_primitive_docstring():
    from minigrad import ops
    for name in ops.__all__ if hasattr(ops, "__all__") else dir(ops):
        cls = getattr(ops, name)
        if isinstance(cls, type) and issubclass(cls, mg.autograd.Function) and \
                cls is not mg.autograd.Function:
            rule = derivative_rule(cls())
            assert "no derivative stated" not in rule, name
            assert rule.startswith(("d/", "Backward:")), (name, rule)


def test_non_scalar_output_needs_gradient():
    x = mg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x.tanh() * 2.0
    with pytest.raises(RuntimeError, match="needs `gradient`"):
        trace_backward(y)
    v = mg.tensor([1.0, 0.5, -1.0])
    trace = trace_backward(y, gradient=v)
    y.backward(v)
    np.testing.assert_allclose(trace.grad(x).numpy(), x.grad.numpy(), rtol=1e-6)


def test_output_without_graph_is_refused():
    with pytest.raises(RuntimeError, match="does not require grad"):
        trace_backward(mg.tensor(1.0) * 2.0)


def test_freed_graph_is_refused_clearly():
    loss, _ = bce_loss()
    loss.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        trace_backward(loss)


def test_text_table():
    loss, names = bce_loss()
    trace = trace_backward(loss, names=names)
    text = str(trace)
    assert text.startswith("Backward trace of loss")
    for row in trace:
        assert row.node in text
    assert "d/da = σ(a)(1 - σ(a))" in text
    assert "Gradients at the leaves" in text
    assert "(sum over 2 uses)" in text and "(summed to ())" in text
    assert repr(trace) == "<BackwardTrace of loss: 12 nodes>"


def test_html_table_shows_small_arrays_in_full_and_summarises_large_ones():
    loss, names = bce_loss()
    page = trace_backward(loss, names=names)._repr_html_()
    assert "<table" in page and "</table>" in page and page.count("<tr>") > 12
    assert "<code>p = sigmoid(t2)</code>" in page
    assert "[-0.2739  0.1107]" in page  # the gradient of w, in full

    w = mg.randn(200, 50, requires_grad=True)
    page = trace_backward((w * w).sum())._repr_html_()
    assert "shape (200, 50): [" in page and "…" in page
    assert len(page) < 20_000


def test_trace_on_the_cuda_device(device):
    loss, names = bce_loss(device=device)
    trace = trace_backward(loss, names=names)
    assert "<table" in trace._repr_html_() and str(trace)
    loss.backward()
    np.testing.assert_allclose(trace.grad(names["w"]).numpy(), names["w"].grad.numpy(),
                               rtol=1e-12)


def test_graph_lists_nodes_edges_and_constants():
    loss, names = bce_loss()
    g = graph_module.build_graph(loss, names)
    assert g.order[-1] is loss
    assert {id(t) for t in g.order if t._node is not None} == set(graph_nodes(loss))
    assert {g.label(c) for c in g.constants} == {"x", "y", "c1", "1", "4"}
    assert ("x", "t1") in [(g.label(a), g.label(b)) for a, b in g.edges]
    assert g.is_number(next(c for c in g.constants if g.label(c) == "1"))


@pytest.mark.parametrize("module", [graph_module, trace_module], ids=["graph", "trace"])
def test_docstring_examples_run(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_trace_is_iterable_and_indexable():
    loss, _ = bce_loss()
    trace = trace_backward(loss)
    assert isinstance(trace, BackwardTrace)
    assert list(trace) == trace.rows and trace[-1] is trace.rows[-1] and len(trace) == 12
