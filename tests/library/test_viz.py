"""Graph drawing (minigrad.viz): the Graphviz picture, and the text tree used without Graphviz."""
import doctest
import xml.etree.ElementTree as ET
import re
import shutil
import sys

import pytest

from minigrad import viz
from minigrad.graph import build_graph, op_name
from minigrad.viz import GraphText, draw_graph, graph_text

from .test_trace import bce_loss, mlp_loss


@pytest.fixture
def no_graphviz(monkeypatch):
    """Make ``import graphviz`` fail, as on a machine without it."""
    monkeypatch.setitem(sys.modules, "graphviz", None)


def test_text_tree_lists_every_tensor_once():
    loss, names = bce_loss()
    text = graph_text(loss, names=names)
    lines = [line.lstrip("│├└─ ") for line in text.splitlines()]  # no branches
    assert lines[0] == "loss = neg(t10)  ()  0.5553"
    g = build_graph(loss, names)
    for t in g.order:
        assert sum(line.startswith(g.describe(t) + "  ") for line in lines) == 1  # in full once
    assert lines.count("p  (4,)  (shown above)") == 1  # ... then referred to
    assert "1" in lines and "4" in lines  # the 1 in 1 - p and the 4 of the mean, as numbers
    assert "x  (4, 2)  [[0.5 1.] [-1. 2.] [1.5 -0.5] [0. 0.5]]" in lines


def test_text_tree_shapes_and_gradients():
    loss, names = mlp_loss()
    shapes = graph_text(loss, show="shape", names=names)
    assert "w1  (3, 4)" in shapes and "[" not in shapes.replace("──", "")
    grads = graph_text(loss, show="grad", names=names)
    assert names["w1"].grad is None  # show='grad' traces; it does not touch .grad
    loss.backward()
    b2 = names["b2"].grad.numpy()[0]
    assert f"b2  (1,)  grad [{b2:.4g}]" in grads
    assert "x  (5, 3)  (constant)" in grads


def test_text_is_a_str_that_notebooks_show_as_is():
    loss, names = bce_loss()
    text = graph_text(loss, names=names)
    assert isinstance(text, GraphText) and isinstance(text, str)
    assert repr(text) == str(text)
    assert text._repr_html_().startswith("<pre>")


def test_draw_graph_falls_back_to_svg_without_graphviz(no_graphviz):
    loss, names = bce_loss()
    drawing = draw_graph(loss, names=names)
    assert isinstance(drawing, viz.SVGDrawing)
    root = ET.fromstring(drawing._repr_svg_())
    assert "sigmoid" in _texts(root) and drawing._repr_html_() == drawing.svg
    assert "grad" in draw_graph(loss, show="grad").svg


def test_draw_graph_falls_back_to_svg_without_dot(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    loss, names = bce_loss()
    assert isinstance(draw_graph(loss, names=names), viz.SVGDrawing)


def test_bad_show_is_refused(no_graphviz):
    loss, _ = bce_loss()
    with pytest.raises(ValueError, match="show"):
        draw_graph(loss, show="values")


def test_drawing_leaves_the_graph_usable(no_graphviz):
    loss, names = mlp_loss()
    for show in ("value", "grad", "shape"):
        draw_graph(loss, show=show, names=names)
    loss.backward()
    assert names["w1"].grad is not None


def test_graphviz_drawing_names_every_op():
    graphviz = pytest.importorskip("graphviz")
    if shutil.which("dot") is None:
        pytest.skip("the Graphviz 'dot' program is not installed")
    loss, names = mlp_loss()
    dot = draw_graph(loss, show="value", names=names)
    assert isinstance(dot, graphviz.Digraph)
    nodes = [t._node for t in build_graph(loss, names).order if t._node is not None]
    drawn_ops = re.findall(r"^\s*op(\d+) \[label=\"?(\w+)", dot.source, re.MULTILINE)
    assert sorted(drawn_ops) == sorted((str(id(n)), op_name(n)) for n in nodes)
    for name in ("w1", "b1", "w2", "b2", "loss"):
        assert f'label="{name} | ' in dot.source
    assert "label=a]" in dot.source and "label=b]" in dot.source  # arguments of the ops
    grads = draw_graph(loss, show="grad", names=names).source
    loss.backward()
    assert f'label="b2 | (1,) | grad [{names["b2"].grad.numpy()[0]:.4g}]"' in grads
    assert dot.pipe(format="svg").startswith(b"<?xml")  # dot can lay it out


def test_docstring_examples_run():
    result = doctest.testmod(viz)
    assert result.attempted > 0 and result.failed == 0


def _texts(root):
    return " ".join(el.text or "" for el in root.iter() if el.tag.endswith("text"))


def model_loss():
    import minigrad as mg
    from minigrad import nn
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 3))
    x, y = mg.randn(2, 3), mg.tensor([0, 2])
    return mg.losses.cross_entropy(model(x), y), model, x, y


def test_svg_drawing_of_an_mlp_is_well_formed_named_and_bounded(tmp_path):
    loss, model, x, y = model_loss()
    drawing = draw_graph(loss, module=model, inputs={"input": x, "target": y}, engine="svg")
    root = ET.fromstring(drawing.svg)
    assert root.tag.endswith("svg")
    texts = _texts(root)
    for label in ("0.weight", "0.bias", "2.weight", "2.bias", "input  (2, 3)",
                  "linear(input, 0.weight, 0.bias)", "relu(linear1)",
                  "index=[arange(2), target]", "loss  ()"):
        assert label in texts
    assert "reshape" not in texts and "t1" not in texts and "c1" not in texts
    assert drawing.width <= 800 and drawing.height <= 1000  # readable without zooming
    assert float(root.get("width")) == drawing.width
    ys = {}  # top to bottom: each op's box below the boxes of its inputs
    for el in root.iter():
        if el.tag.endswith("text") and el.text:
            ys.setdefault(el.text.split("  ")[0], float(el.get("y")))
    assert ys["input"] < ys["linear1"] < ys["relu1"] < ys["linear2"] < ys["loss"]
    assert drawing.save(tmp_path / "mlp.svg").read_text().startswith("<svg")


def test_graphviz_drawing_of_an_mlp_uses_the_same_names():
    pytest.importorskip("graphviz")
    if shutil.which("dot") is None:
        pytest.skip("the Graphviz 'dot' program is not installed")
    loss, model, x, y = model_loss()
    dot = draw_graph(loss, module=model, inputs=(x, y))
    for name in ("0.weight", "2.bias", "input", "linear1", "loss"):
        assert f'label="{name} | ' in dot.source
    assert "reshape" not in dot.source
    assert dot.graph_attr["rankdir"] == "TB"
