"""Drawings of the autograd graph: a Graphviz picture when Graphviz is installed, else an SVG
laid out in pure Python.

``draw_graph(loss)`` returns a ``graphviz.Digraph`` (it shows itself in a notebook; ``.render``
writes a PNG or SVG) when both the ``graphviz`` Python package and the ``dot`` program are
present, and otherwise an :class:`SVGDrawing` (top to bottom, shown as SVG in a notebook,
``.save('g.svg')``), so a lesson draws everywhere; :func:`graph_text` gives the indented tree.  Tensors are shown with their name, shape and value (or gradient, or
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


def draw_graph(output, show="value", names=None, gradient=None, rankdir="TB", module=None,
               inputs=None, fold=True, engine="auto"):
    """Draw the graph behind ``output``: a ``graphviz.Digraph`` when Graphviz is installed
    (``engine='auto'`` or ``'graphviz'``), else (or with ``engine='svg'``) an
    :class:`SVGDrawing` laid out top to bottom in pure Python, which a notebook shows as SVG.
    ``module``, ``inputs`` and ``fold`` name and fold as in :func:`trace_backward`.

    Tensors are rounded records (name | shape | value or gradient); constants are grey; ops
    are boxes.  The edges into an op with several inputs are labelled with the op's argument
    names (a, b as in its rule d/da, d/db; cond for where).  ``rankdir`` is Graphviz's: 'TB'
    (top to bottom, as the text tree reads, but upwards) or 'LR' (left to right).
    """
    graphviz = _graphviz() if engine != "svg" else None
    graph = build_graph(output, names, module, inputs, fold)
    numbers = _numbers(graph, show, gradient)
    if graphviz is None:
        return svg_drawing(graph, numbers)
    dot = graphviz.Digraph(graph_attr={"rankdir": rankdir},
                           node_attr={"fontname": "Helvetica", "fontsize": "11"},
                           edge_attr={"fontname": "Helvetica", "fontsize": "10"})
    for t in graph.constants + graph.shown:
        label = _record([graph.label(t), str(t.shape), numbers[id(t)]], rankdir)
        if graph.is_number(t):
            dot.node(str(id(t)), graph.label(t), shape="plaintext", fontcolor="#555555")
        elif t.requires_grad:
            dot.node(str(id(t)), label, shape="record", style="rounded")
        else:
            dot.node(str(id(t)), label, shape="record", style="rounded,filled",
                     fillcolor="#eeeeee", fontcolor="#555555", color="#999999")
    for t in graph.shown:
        node = t._node
        if node is None:
            continue
        op = f"op{id(node)}"
        dot.node(op, "\n".join([op_name(node)] + graph.params_text(node)), shape="box",
                 style="filled", fillcolor="#dde8f8")
        dot.edge(op, str(id(t)))
        names = node.input_names()
        for inp, name in zip(node.inputs, names):
            dot.edge(str(id(graph.source(inp))), op, label=name if len(names) > 1 else "")
    return dot


class SVGDrawing:
    """A drawing made without Graphviz: ``svg`` (the text), ``width`` and ``height`` in pixels;
    a notebook shows it (``_repr_svg_``); ``save(path)`` writes it; ``str()`` is the text
    tree."""

    def __init__(self, svg, width, height, text):
        self.svg, self.width, self.height, self.text = svg, width, height, text

    def _repr_svg_(self):
        return self.svg

    def _repr_html_(self):
        return self.svg

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.svg)
        return path

    def __str__(self):
        return self.text

    def __repr__(self):
        return f"<SVGDrawing {self.width}×{self.height}px>"


_CHAR_W, _LINE_H, _PAD, _GAP_X, _GAP_Y = 7.2, 15, 6, 24, 34


def svg_drawing(graph, numbers):
    """Lay ``graph`` out top to bottom (inputs at the top, the output at the bottom): one box
    per tensor, a computed tensor's box headed by its op; a constant or parameter sits in
    the row above the op that reads it."""
    shown = [t for t in graph.constants + graph.shown if not graph.is_number(t)]
    ids = {id(t) for t in shown}
    preds = {id(t): [graph.source(i) for i in graph.inputs(t)] for t in shown}
    rank = {}
    for t in graph.shown:  # topological: inputs first
        ins = [i for i in preds[id(t)] if id(i) in ids and i._node is not None]
        rank[id(t)] = 1 + max([rank.get(id(i), 0) for i in ins], default=0) if t._node else 0
    for t in shown:  # leaves: just above their first reader
        if t._node is None:
            readers = [rank[id(u)] for u in graph.shown if u._node is not None
                       and any(i is t for i in preds[id(u)])]
            rank[id(t)] = max(min(readers, default=1) - 1, 0)
    boxes = {}
    for t in shown:
        node = t._node
        lines = []
        if node is not None:
            args = [graph.label(i) for i in node.inputs] + graph.params_text(node)
            lines.append(f"{op_name(node)}({', '.join(args)})")
        lines.append(f"{graph.label(t)}  {t.shape}")
        value = numbers.get(id(t), "")
        if value:
            lines += _value_lines(t, value)
        w = max(len(x) for x in lines) * _CHAR_W + 2 * _PAD
        boxes[id(t)] = (lines, w, len(lines) * _LINE_H + 2 * _PAD)
    layers = {}
    for t in shown:
        layers.setdefault(rank[id(t)], []).append(t)
    # order within a layer: leaves beside their reader, by the position of what they feed
    xs, y, heights = {}, _PAD, {}
    centre = {}
    for r in sorted(layers):
        row = layers[r]
        def key(t):
            ps = [centre[id(i)] for i in preds[id(t)] if id(i) in centre]
            return sum(ps) / len(ps) if ps else 0
        row.sort(key=key)
        total = sum(boxes[id(t)][1] for t in row) + _GAP_X * (len(row) - 1)
        x = 0
        for t in row:
            xs[id(t)] = x
            centre[id(t)] = x + boxes[id(t)][1] / 2
            x += boxes[id(t)][1] + _GAP_X
        heights[r] = max(boxes[id(t)][2] for t in row)
        layers[r] = (row, total)
    width = max(total for _, total in layers.values()) + 2 * _PAD
    parts, pos = [], {}
    for r in sorted(layers):
        row, total = layers[r]
        shift = (width - total) / 2
        for t in row:
            lines, w, h = boxes[id(t)]
            x = xs[id(t)] + shift
            pos[id(t)] = (x, y, w, h)
        y += heights[r] + _GAP_Y
    height = y - _GAP_Y + _PAD
    for t in shown:
        x, y0, w, h = pos[id(t)]
        lines = boxes[id(t)][0]
        if t._node is None and not t.requires_grad:
            fill, stroke = "#eeeeee", "#999999"
        elif t._node is None:
            fill, stroke = "#fff6d5", "#b08800"
        else:
            fill, stroke = "#ffffff", "#4a6fa5"
        parts.append(f'<rect x="{x:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" rx="5" '
                     f'fill="{fill}" stroke="{stroke}"/>')
        if t._node is not None:
            parts.append(f'<rect x="{x:.1f}" y="{y0:.1f}" width="{w:.1f}" '
                         f'height="{_LINE_H + _PAD:.1f}" rx="5" fill="#dde8f8" stroke="{stroke}"/>')
        for k, line in enumerate(lines):
            weight = ' font-weight="bold"' if (k == 0 and t._node is None) or \
                (k == 1 and t._node is not None) else ""
            parts.append(f'<text x="{x + _PAD:.1f}" y="{y0 + _PAD + (k + 0.8) * _LINE_H:.1f}"'
                         f'{weight}>{html.escape(line)}</text>')
    for t in shown:
        for i in preds[id(t)]:
            if id(i) not in pos:
                continue
            x1, y1, w1, h1 = pos[id(i)]
            x2, y2, w2, _ = pos[id(t)]
            a, b = (x1 + w1 / 2, y1 + h1), (x2 + w2 / 2, y2)
            my = (a[1] + b[1]) / 2
            parts.append(f'<path d="M{a[0]:.1f},{a[1]:.1f} C{a[0]:.1f},{my:.1f} {b[0]:.1f},{my:.1f}'
                         f' {b[0]:.1f},{b[1] - 2:.1f}" fill="none" stroke="#555" '
                         'marker-end="url(#arrow)"/>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans Mono, monospace" '
           f'font-size="12">'
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>'
           f'</defs><rect width="100%" height="100%" fill="white"/>{"".join(parts)}</svg>')
    return SVGDrawing(svg, round(width), round(height),
                      "\n".join(graph.describe(t) for t in reversed(graph.shown)))


def _value_lines(tensor, value):
    """A small matrix one row per line; anything else as the one-line text."""
    if value.startswith("grad ") or value.startswith("(") or tensor.ndim < 2 or tensor.size > 12:
        return [value]
    return format_array(tensor, 12, precision=3).splitlines()
