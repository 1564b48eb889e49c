"""Drawings of the autograd graph: a Graphviz picture when Graphviz is installed, else text.

``draw_graph(loss)`` returns a ``graphviz.Digraph`` (it shows itself in a notebook; ``.render``
writes a PNG or SVG) when both the ``graphviz`` Python package and the ``dot`` program are
present, and otherwise the same graph as an indented tree of text (:func:`graph_text`), so a
lesson runs everywhere.  Tensors are shown with their name, shape and value (or gradient, or
shape only); ops are separate boxes between them.

    >>> import minigrad as mg
    >>> w = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> loss = (w * w).sum()
    >>> print(graph_text(loss, names={'w': w, 'loss': loss}))
    loss = sum(t1)  ()  5
    └── t1 = mul(w, w)  (2,)  [1. 4.]
        ├── w  (2,)  [1. 2.]
        └── w  (2,)  (shown above)
    >>> print(graph_text(loss, show='grad', names={'w': w, 'loss': loss}))
    loss = sum(t1)  ()  grad 1
    └── t1 = mul(w, w)  (2,)  grad [1. 1.]
        ├── w  (2,)  grad [2. 4.]
        └── w  (2,)  (shown above)
"""
import html
import shutil

from .graph import build_graph, format_array, op_name
from .trace import trace_backward

SHOW = ("value", "grad", "shape")


class GraphText(str):
    """The text drawing: a str that a notebook shows as it is (no quotes, real line breaks)."""

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        return f"<pre>{html.escape(self)}</pre>"


def _numbers(graph, show, gradient):
    """tensor id → the text to show for it: its value, its gradient, or nothing."""
    if show not in SHOW:
        raise ValueError(f"show: expected one of {SHOW}, not {show!r}")
    tensors = graph.order + graph.constants
    if show == "shape":
        return {id(t): "" for t in tensors}
    if show == "value":
        return {id(t): _short(t) for t in tensors}
    trace = trace_backward(graph.output, gradient) if graph.output.requires_grad else None
    numbers = {}
    for t in tensors:
        g = trace.grad(t) if trace is not None and t.requires_grad else None
        numbers[id(t)] = "grad " + _short(g) if g is not None else "(constant)"
    return numbers


def _short(tensor):
    return format_array(tensor, limit=8, one_line=True, with_shape=False)


def graph_text(output, show="value", names=None, gradient=None):
    """The graph behind ``output`` as an indented tree, from ``output`` down to the leaves.

    A tensor read by several ops is drawn in full once, then marked "(shown above)".
    ``show`` is 'value', 'grad' (d output / d tensor, computed by :func:`trace_backward`
    without touching any ``.grad``) or 'shape'.
    """
    graph = build_graph(output, names)
    numbers = _numbers(graph, show, gradient)
    lines, drawn = [], set()
    # Depth first, iteratively: (tensor, prefix of its line, prefix of its inputs' lines).
    stack = [(output, "", "")]
    while stack:
        tensor, lead, child_lead = stack.pop()
        if graph.is_number(tensor):  # the 1 in 1 - p: the number alone
            lines.append(f"{lead}{graph.label(tensor)}")
            continue
        head = f"{lead}{graph.describe(tensor)}  {tensor.shape}"
        if id(tensor) in drawn:
            lines.append(f"{lead}{graph.label(tensor)}  {tensor.shape}  (shown above)")
            continue
        drawn.add(id(tensor))
        lines.append(f"{head}  {numbers[id(tensor)]}".rstrip())
        inputs = graph.inputs(tensor)
        for k in reversed(range(len(inputs))):
            last = k == len(inputs) - 1
            stack.append((inputs[k], child_lead + ("└── " if last else "├── "),
                          child_lead + ("    " if last else "│   ")))
    return GraphText("\n".join(lines))


def _graphviz():
    """The graphviz module when it and the ``dot`` program are installed, else None."""
    try:
        import graphviz
    except ImportError:
        return None
    return graphviz if shutil.which("dot") else None


def _record(fields, rankdir):
    """A Graphviz record label with its fields side by side; the characters that records
    treat as syntax are escaped."""
    def escape(text):
        for ch in "\\{}|<>\"":
            text = text.replace(ch, "\\" + ch)
        return text
    body = " | ".join(escape(f) for f in fields if f)
    return "{" + body + "}" if rankdir == "LR" else body  # braces turn records by 90°


def draw_graph(output, show="value", names=None, gradient=None, rankdir="TB"):
    """Draw the graph behind ``output``: a ``graphviz.Digraph`` when Graphviz is installed,
    else the text of :func:`graph_text`.

    Tensors are rounded records (name | shape | value or gradient); constants are grey; ops
    are boxes.  The edges into an op with several inputs are labelled with the op's argument
    names (a, b as in its rule d/da, d/db; cond for where).  ``rankdir`` is Graphviz's: 'TB'
    (top to bottom, as the text tree reads, but upwards) or 'LR' (left to right).
    """
    graphviz = _graphviz()
    if graphviz is None:
        return graph_text(output, show, names, gradient)
    graph = build_graph(output, names)
    numbers = _numbers(graph, show, gradient)
    dot = graphviz.Digraph(graph_attr={"rankdir": rankdir},
                           node_attr={"fontname": "Helvetica", "fontsize": "11"},
                           edge_attr={"fontname": "Helvetica", "fontsize": "10"})
    for t in graph.constants + graph.order:
        label = _record([graph.label(t), str(t.shape), numbers[id(t)]], rankdir)
        if graph.is_number(t):
            dot.node(str(id(t)), graph.label(t), shape="plaintext", fontcolor="#555555")
        elif t.requires_grad:
            dot.node(str(id(t)), label, shape="record", style="rounded")
        else:
            dot.node(str(id(t)), label, shape="record", style="rounded,filled",
                     fillcolor="#eeeeee", fontcolor="#555555", color="#999999")
    for t in graph.order:
        node = t._node
        if node is None:
            continue
        op = f"op{id(node)}"
        dot.node(op, op_name(node), shape="box", style="filled", fillcolor="#dde8f8")
        dot.edge(op, str(id(t)))
        names = node.input_names()
        for inp, name in zip(node.inputs, names):
            dot.edge(str(id(inp)), op, label=name if len(names) > 1 else "")
    return dot
