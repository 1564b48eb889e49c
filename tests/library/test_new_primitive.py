"""A primitive defined outside minigrad appears correctly in the trace and the graph drawing
with no other edit: the tools read only what the primitive declares on its class."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import Function
from minigrad.check import gradcheck, gradgradcheck
from minigrad.graph import build_graph
from minigrad.trace import trace_backward
from minigrad.viz import draw_graph, graph_text


class ScaledCube(Function):
    """k·a³: a throwaway elementwise primitive with one parameter."""

    rule = "d/da = 3k·a²"
    elementwise = True
    op_name = "scaled_cube"

    def forward(self, a, *, k):
        self.k = k
        return k * a ** 3

    def backward(self, g):
        (a,) = self.inputs
        return (g * (3 * self.k) * a * a,)


class Blend(Function):
    """t·u + (1 - t)·v for a constant t: a throwaway binary primitive with its own argument
    names and no parameter."""

    rule = "d/du = t, d/dv = 1 - t"

    def forward(self, u, v):
        return 0.25 * u + 0.75 * v

    def backward(self, g):
        return g * 0.25, g * 0.75


def loss_of(x, y):
    return Blend.apply(ScaledCube.apply(x, k=2.0), y).sum()


@pytest.fixture
def xy():
    x = mg.tensor(np.array([1.0, -2.0]), requires_grad=True)
    y = mg.tensor(np.array([0.5, 3.0]), requires_grad=True)
    return x, y


def test_it_is_differentiated_like_any_primitive(xy):
    assert gradcheck(loss_of, list(xy))
    assert gradgradcheck(lambda x, y: loss_of(x, y), list(xy))


def test_the_trace_shows_its_rule_numbers_names_and_parameters(xy):
    x, y = xy
    loss = loss_of(x, y)
    trace = trace_backward(loss, names={"x": x, "y": y, "loss": loss})
    rows = {row.op: row for row in trace}
    cube, blend = rows["scaled_cube"], rows["blend"]
    assert cube.formula == "d/da = 3k·a²" and blend.formula == "d/du = t, d/dv = 1 - t"
    assert cube.node == "t1 = scaled_cube(x, k=2)"
    assert blend.node == "t2 = blend(t1, y)"
    assert cube.elementwise and not blend.elementwise
    np.testing.assert_allclose(cube.inputs[0].local.numpy(), 6.0 * x.numpy() ** 2)
    np.testing.assert_allclose(cube.inputs[0].product.numpy(), 0.25 * 6.0 * x.numpy() ** 2)
    assert blend.inputs[0].local is None  # not declared elementwise: the rule says it
    text = str(trace)
    assert "scaled_cube(x, k=2)" in text and "d/da = 3k·a²" in text
    loss.backward()
    np.testing.assert_allclose(trace.grad(x).numpy(), x.grad.numpy())


def test_the_drawing_names_its_arguments_and_parameters(xy):
    x, y = xy
    loss = loss_of(x, y)
    names = {"x": x, "y": y, "loss": loss}
    graph = build_graph(loss, names)
    assert [graph.describe(t) for t in graph.order] == [
        "x", "t1 = scaled_cube(x, k=2)", "y", "t2 = blend(t1, y)", "loss = sum(t2)"]
    assert "t1 = scaled_cube(x, k=2)" in graph_text(loss, names=names)
    svg = draw_graph(loss, names=names, engine="svg").svg  # the drawing made without dot
    assert "scaled_cube" in svg and "blend" in svg
    drawing = draw_graph(loss, names=names)
    if not hasattr(drawing, "source"):
        pytest.skip("Graphviz is not installed: the drawing is the SVG tested above")
    source = drawing.source
    assert "scaled_cube" in source and "blend" in source
    assert 'label=u' in source and 'label=v' in source  # Blend's own argument names
