"""Step-through backward: the chain rule, one node at a time, as a table.

``trace_backward(loss)`` walks the graph as ``loss.backward()`` does, in reverse topological
order, and records at each node: the op, its local derivative (the formula stated in the
primitive's docstring, and for elementwise ops the numbers ∂out/∂in per element), the upstream
gradient arriving at the node, and their product, which is the gradient passed on to each input
(summed back to the input's shape where broadcasting stretched it).

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> trace = trace_backward(y, names={'x': x, 'y': y})
    >>> [row.node for row in trace]
    ['y = sum(t1)', 't1 = mul(x, x)']
    >>> trace[1].formula
    'd/da = b, d/db = a'
    >>> trace.grad(x)          # what y.backward() would put in x.grad
    tensor([2., 4.])
    >>> x.grad is None         # ... but the trace leaves .grad alone
    True

In a terminal, ``print(trace)`` shows a text table; in a notebook the trace shows as an HTML
table.  The graph is left as it was: ``y.backward()`` still works afterwards.
"""
import html
import textwrap

import numpy as np

from . import autograd
from .graph import build_graph, format_array, op_name

NO_RULE = "(no derivative rule declared)"


def derivative_rule(node):
    """The derivative rule a primitive declares (its ``rule``).

    >>> from minigrad import ops
    >>> derivative_rule(ops.Mul())
    'd/da = b, d/db = a'
    >>> derivative_rule(ops.Max())
    'd/da = 1 at the maximum, 0 elsewhere (ties share: 1/k each)'
    """
    return node.rule or NO_RULE


class InputStep:
    """What one node passes to one of its inputs.

    ``label``    the input's name
    ``tensor``   the input tensor
    ``local``    ∂out/∂in per element (a Tensor of the broadcast shape) for elementwise ops,
                 None for others (matmul, reductions, shape ops: their rule is in the formula)
    ``product``  the gradient passed to the input: the op's VJP of the upstream gradient
                 (local × upstream for elementwise ops), summed to the input's shape
    ``summed``   True when that last sum undid broadcasting (the product changed shape)
    ``vjp``      for matmul, linear and log-softmax with small shapes, the local VJP as numbers:
                 ``(formula, [(symbol, array), ...])``, e.g. ('gᵀ·x', [('gᵀ', ...), ('x', ...)]),
                 whose result is ``product``; None otherwise
    """

    def __init__(self, label, tensor, local, product, summed, vjp=None):
        self.label, self.tensor, self.local = label, tensor, local
        self.product, self.summed = product, summed
        self.vjp = vjp

    def __repr__(self):
        return f"InputStep({self.label}, product shape {self.product.shape})"


class TraceRow:
    """One node of the backward pass.

    ``step``     1 for the node backward visits first
    ``node``     a readable label, e.g. 't3 = mul(t1, t2)'
    ``op``       the op's name, e.g. 'mul'
    ``formula``  the local derivative as stated in the primitive's docstring
    ``output``   the tensor the node produced
    ``upstream`` d(traced output)/d(output): the gradient arriving from above
    ``uses``     how many ops read the output: ``upstream`` is the sum of that many gradients
    ``inputs``   one :class:`InputStep` per input that needs a gradient
    ``elementwise``  whether ``local`` holds numbers for this node's inputs
    """

    def __init__(self, step, node, op, formula, output, upstream, uses, inputs, elementwise):
        self.step, self.node, self.op, self.formula = step, node, op, formula
        self.output, self.upstream, self.uses, self.inputs = output, upstream, uses, inputs
        self.elementwise = elementwise

    def upstream_note(self):
        return f"(sum over {self.uses} uses)" if self.uses > 1 else ""

    def __repr__(self):
        return f"TraceRow({self.step}: {self.node})"


class BackwardTrace:
    """The record of one backward pass: ``rows`` (one :class:`TraceRow` per node, in the order
    backward visits them) and ``leaves`` (``(label, tensor, gradient)`` for each leaf that
    requires grad).  Index or iterate it for the rows; ``grad(t)`` gives the gradient of the
    traced output with respect to any tensor of the graph.
    """

    def __init__(self, graph, seed, rows, leaves, grads):
        self.graph, self.seed, self.rows, self.leaves = graph, seed, rows, leaves
        self._grads = grads

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def grad(self, tensor):
        """d(output)/d(tensor) for any tensor of the graph, leaf or not (None if unused)."""
        return self._grads.get(id(tensor))

    def _title(self):
        out = self.graph.output
        return (f"Backward trace of {self.graph.label(out)} = "
                f"{format_array(out, one_line=True)} (shape {out.shape}), "
                f"seed gradient {format_array(self.seed, one_line=True)}")

    # --- text ---------------------------------------------------------------------------------
    def __str__(self):
        """One block per node, within 100 columns: the node, its rule, the upstream gradient,
        then for each input the local derivative (or the local VJP as numbers) and the
        gradient passed to it."""
        lines = textwrap.wrap(self._title(), _WIDTH) + [""]
        for row in self.rows:
            head = f"── {row.step}. {row.node} "
            lines.append(head + "─" * max(_WIDTH - len(head), 2))
            lines += _wrap("   rule: ", row.formula)
            lines += _labelled("   g = ", format_array(row.upstream, _TEXT_LIMIT, precision=3),
                               row.upstream_note())
            for step in row.inputs:
                lines.append(f"   → {step.label}")
                if row.elementwise:
                    lines += _labelled("       local ∂out/∂in = ",
                                       format_array(step.local, _TEXT_LIMIT, precision=3))
                    lines += _labelled("       gradient = local × g = ",
                                       format_array(step.product, _TEXT_LIMIT, precision=3))
                elif step.vjp is not None:
                    lines += _equation(step.vjp, step.product)
                else:
                    lines += _labelled("       gradient = ",
                                       format_array(step.product, _TEXT_LIMIT, precision=3))
                if step.summed:
                    lines.append(f"       (summed to {step.tensor.shape})")
            lines.append("")
        lines.append(_LEAVES)
        width = max([len(label) for label, _, _ in self.leaves] + [0])
        for label, _, g in self.leaves:
            lines += _labelled(f"  {label:<{width}}  ", format_array(g, _FULL_LIMIT, precision=4))
        return "\n".join(_clip(line) for line in lines)

    def __repr__(self):
        return f"<BackwardTrace of {self.graph.label(self.graph.output)}: {len(self)} nodes>"

    # --- HTML ---------------------------------------------------------------------------------
    def _repr_html_(self):
        """An HTML table for notebooks; arrays of up to 64 elements are shown in full."""
        def esc(text):
            return html.escape(str(text))

        def pre(tensor):
            return f"<pre>{esc(format_array(tensor, _FULL_LIMIT))}</pre>"

        out = [_STYLE, '<table class="minigrad-trace">',
               f"<caption>{esc(self._title())}</caption>",
               "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in _HEADERS) + "</tr>"]
        for row in self.rows:
            span = f' rowspan="{max(len(row.inputs), 1)}"'
            note = f"<i>{esc(row.upstream_note())}</i>" if row.uses > 1 else ""
            shared = (f"<td{span}>{row.step}</td><td{span}><code>{esc(row.node)}</code></td>"
                      f"<td{span}>{esc(row.formula)}</td><td{span}>{pre(row.upstream)}{note}</td>")
            if not row.inputs:
                out.append(f"<tr>{shared}<td colspan=\"3\"><i>no gradient</i></td></tr>")
            for k, step in enumerate(row.inputs):
                if row.elementwise:
                    local = pre(step.local)
                elif step.vjp is not None:
                    local = f"<pre>{esc(chr(10).join(_equation(step.vjp, step.product, 0)))}</pre>"
                else:
                    local = f"<i>{esc(_NOT_ELEMENTWISE)}</i>"
                summed = f"<i>summed to {step.tensor.shape}</i>" if step.summed else ""
                out.append(f"<tr>{'' if k else shared}<td><code>{esc(step.label)}</code></td>"
                           f"<td>{local}</td><td>{pre(step.product)}{summed}</td></tr>")
        out += ["</table>", '<table class="minigrad-trace">', f"<caption>{esc(_LEAVES)}</caption>"]
        out += [f"<tr><td><code>{esc(label)}</code></td><td>{pre(g)}</td></tr>"
                for label, _, g in self.leaves]
        out.append("</table>")
        return "\n".join(out)


_WIDTH = 100  # the text stays within this many columns
_TEXT_LIMIT = 12  # arrays with more elements are summarised in the text table
_FULL_LIMIT = 64  # ... and in the HTML table, and among the leaves' gradients
_HEADERS = ["step", "node", "local derivative (rule)", "upstream g", "input",
            "local ∂out/∂in", "gradient to input = local × g"]
_NOT_ELEMENTWISE = "(not elementwise: see rule)"
_LEAVES = "Gradients at the leaves (what .backward() would add to .grad):"
_STYLE = ("<style>table.minigrad-trace {border-collapse: collapse; margin-bottom: 8px}"
          " .minigrad-trace td, .minigrad-trace th {border: 1px solid #ccc; padding: 2px 6px;"
          " text-align: left; vertical-align: top}"
          " .minigrad-trace pre {margin: 0} .minigrad-trace caption {text-align: left; white-space: nowrap}</style>")


def _clip(line):
    return line if len(line) <= _WIDTH else line[:_WIDTH - 1] + "…"


def _wrap(lead, text):
    return textwrap.wrap(text, _WIDTH, initial_indent=lead,
                         subsequent_indent=" " * len(lead)) or [lead.rstrip()]


def _labelled(lead, block, note=""):
    """``lead`` then a multi-line ``block``, its lines under each other."""
    out = [lead + line if k == 0 else " " * len(lead) + line
           for k, line in enumerate(block.splitlines())]
    if note:
        out[-1] += "  " + note
    return out


def _equation(vjp, result, indent=7):
    """'gᵀ·x = [..] · [..] = [..]' with the matrices side by side when they fit, else stacked."""
    formula, operands = vjp
    blocks = [(symbol, format_array(a, _VJP_LIMIT, precision=3).splitlines())
              for symbol, a in operands]
    res = format_array(result, _VJP_LIMIT, precision=3).splitlines()
    pad = " " * indent
    pieces = [[f"{formula} ="]]
    for k, (symbol, block) in enumerate(blocks):
        pieces.append(block)
        if k < len(blocks) - 1:
            pieces.append([_JOIN.get(formula, "··")[k]])
    pieces += [["="], res]
    height = max(len(p) for p in pieces)
    widths = [max(len(x) for x in p) for p in pieces]
    side = [pad + " ".join((p[i] if i < len(p) else "").ljust(w) for p, w in zip(pieces, widths))
            .rstrip() for i in range(height)]
    if max(len(line) for line in side) <= _WIDTH and len(blocks) <= 3:
        return [f"{pad}gradient = {formula}, with " + ", ".join(s for s, _ in operands) + ":"] + side
    out = [f"{pad}gradient = {formula}, with"]
    for symbol, block in blocks:
        out += _labelled(f"{pad}  {symbol} = ", "\n".join(block))
    out += _labelled(f"{pad}  {formula} = ", "\n".join(res))
    return out


_JOIN = {"g − eʸ⊙Σg": "−⊙", "g ⊗ b": "⊗"}
_VJP_LIMIT = 16  # operands of at most this many elements are shown as numbers


def _text_table(headers, rows):
    """Lines of a table whose cells are lists of lines; rows are separated by a blank line."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max([widths[i]] + [len(line) for line in cell])

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    lines = [line(headers), line(["─" * w for w in widths])]
    for n, row in enumerate(rows):
        if n:
            lines.append("")
        height = max(len(cell) for cell in row)
        for k in range(height):
            lines.append(line([cell[k] if k < len(cell) else "" for cell in row]))
    return lines


def _np(t):
    return t.numpy() if hasattr(t, "numpy") else np.asarray(t)


def local_vjp(node, k, upstream, limit=None):
    """The local VJP of input ``k`` of a matmul, linear or log-softmax node as numbers:
    ``(formula, [(symbol, array), ...])``, or None for other ops and for operands of more
    than ``limit`` elements (16).  Its result is the gradient the node passes to the input."""
    limit = _VJP_LIMIT if limit is None else limit
    op, g = node.op_name, _np(upstream)
    ins = [_np(t) for t in node.inputs]
    if op == "linear":  # y = x Wᵀ + b
        x, w = ins[0], ins[1]
        if x.ndim != 2:
            return None
        found = [("g·W", [("g", g), ("W", w)]), ("gᵀ·x", [("gᵀ", g.T), ("x", x)]),
                 ("Σ_rows g", [("g", g)])][k]
    elif op == "matmul":
        a, b = ins
        if a.ndim == 2 and b.ndim == 2:
            found = [("g·bᵀ", [("g", g), ("bᵀ", b.T)]), ("aᵀ·g", [("aᵀ", a.T), ("g", g)])][k]
        elif a.ndim == 2 and b.ndim == 1:
            found = [("g ⊗ b", [("g", g), ("b", b)]), ("aᵀ·g", [("aᵀ", a.T), ("g", g)])][k]
        else:
            return None
    elif op == "logsoftmax":
        y = _np(node.output())
        axes = node.given.get("axes", node.given.get("axis", -1))
        axes = tuple(axes) if isinstance(axes, (tuple, list)) else (axes,)
        found = ("g − eʸ⊙Σg", [("g", g), ("eʸ", np.exp(y)),
                                ("Σg", g.sum(axis=axes, keepdims=True))])
    else:
        return None
    if any(a.size > limit for _, a in found[1]):
        return None
    return found


def trace_backward(output, gradient=None, names=None, accumulate_grad=False, module=None,
                   inputs=None, fold=True):
    """Run backward from ``output`` step by step and return the :class:`BackwardTrace`.

    The steps are those of the engine's own walk (``autograd.backward_walk``), recorded by an
    observer as it visits each node.  ``gradient`` is needed when ``output`` is not a scalar,
    as for ``output.backward``.  ``names`` maps names to tensors ({'w': w, 'x': x}) so the
    table says w, not t1; ``module`` (or a Module as ``names``) names the parameters by
    ``named_parameters()`` ('0.weight'), ``inputs`` ({'x': x} or a tuple (input, target))
    the data, and then the other tensors are named by their op (linear1, relu1, loss); see
    :func:`minigrad.graph.build_graph`.  ``fold=True`` leaves out the rows of reshapes and
    views that keep the shape (they pass the gradient on unchanged).  The graph is not freed and no ``.grad`` changes, unless
    ``accumulate_grad=True``: then the leaves' ``.grad`` receive the gradients, exactly as
    ``output.backward()`` would give.
    """
    graph = build_graph(output, names, module, inputs, fold)
    (seed,) = autograd.seed_gradients((output,), (gradient,))
    grads, uses, rows, leaves = {}, {}, [], []

    def observe(tensor, upstream, sent):
        grads[id(tensor)] = upstream
        node = tensor._node
        if graph.is_folded(tensor):
            for k, vjp, summed in sent:
                uses[id(node.inputs[k])] = uses.get(id(node.inputs[k]), 0) + 1
            return
        if node is None:
            leaves.append((graph.label(tensor), tensor, upstream))
            return
        locals_ = (None,) * len(node.inputs)
        if node.elementwise and sent:
            # For an elementwise op, the VJP of ones is the diagonal of its Jacobian.
            ones = upstream._wrap(upstream.xp.ones(upstream.shape, dtype=upstream.dtype))
            locals_ = node.backward(ones)
        steps = []
        for k, vjp, summed in sent:
            inp = node.inputs[k]
            steps.append(InputStep(graph.label(inp), inp, locals_[k], summed,
                                   summed.shape != vjp.shape, local_vjp(node, k, upstream)))
            uses[id(inp)] = uses.get(id(inp), 0) + 1
        rows.append(TraceRow(len(rows) + 1, graph.describe(tensor), op_name(node),
                             derivative_rule(node), tensor, upstream, uses.get(id(tensor), 1),
                             steps, node.elementwise))

    found = autograd.backward_walk((output,), (seed,), retain_graph=True, observer=observe)
    if accumulate_grad:
        # as backward does: the caller's own gradient tensor is never stored as a .grad
        autograd.accumulate_grad(found, [seed] if seed is gradient else ())
    return BackwardTrace(graph, seed, rows, leaves, grads)
