"""The autograd graph behind a tensor, as a list of tensors and edges that can be read, traced
and drawn.

This is the one walk of the graph that :mod:`minigrad.trace` (step-through backward) and
:mod:`minigrad.viz` (drawings) share.  It visits exactly the tensors that ``backward`` visits,
in the same order (``autograd.topological_order``), and adds the constants that the ops read
(numbers such as the ``1`` in ``1 - p``, or targets that need no gradient).

    >>> import minigrad as mg
    >>> from minigrad.graph import build_graph
    >>> w = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> loss = (w * w).sum()
    >>> g = build_graph(loss, names={'w': w, 'loss': loss})
    >>> [g.describe(t) for t in g.order]
    ['w', 't1 = mul(w, w)', 'loss = sum(t1)']
    >>> [(g.label(a), g.label(b)) for a, b in g.edges]
    [('w', 't1'), ('w', 't1'), ('t1', 'loss')]
"""
import re

import numpy as np

from .autograd import topological_order
from .ops.shape import index_part_text


def op_name(node):
    """The name a primitive declares for itself: ``Mul`` → 'mul', ``PowScalar`` → 'pow'."""
    return node.op_name


def _number(value):
    return f"{value:g}" if isinstance(value, (int, float)) else repr(value)


def _value_text(value):
    """A parameter's value as it reads: 2, 0.5, (0, 1), float32, cuda, [0, 1:3]."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value)
    return str(value)


def params_text(node):
    """The parameters a primitive declares worth showing (its ``params()``), as ``name=value``."""
    return [f"{name}={_value_text(value)}" for name, value in node.params().items()]


class Graph:
    """The graph that produced ``output``: tensors in topological order, edges between them.

    ``order``      tensors that take part in backward (they require grad), each after its inputs;
                   ``reversed(order)`` is the order in which backward visits them
    ``constants``  tensors the ops read that need no gradient, in the order they are met
    ``edges``      ``(input, output)`` pairs, one per argument of each op, in argument order
    ``label(t)``   the tensor's name: one given in ``names``, the value of a constant scalar
                   (``is_number(t)``), else t1, t2, ... (c1, c2, ... for other constants)

    Building it changes nothing in the graph.  A graph whose saved values were freed by a
    ``backward()`` without ``retain_graph=True`` raises RuntimeError, as a second backward would.
    """

    def __init__(self, output, names=None, module=None, inputs=None, fold=True):
        if hasattr(names, "named_parameters"):  # a Module passed as names
            names, module = None, names
        self.output = output
        self.order = topological_order([output])
        self.constants = []
        self.edges = []
        self.by_op = module is not None or inputs is not None
        given = dict(names or {})
        if module is not None:
            for name, p in module.named_parameters():
                given.setdefault(name, p)
        if isinstance(inputs, (list, tuple)):
            inputs = dict(zip(("input", "target") + tuple(f"input{k}" for k in range(3, 9)),
                              inputs))
        self.named = {name: t for name, t in (inputs or {}).items()}
        given.update(self.named)
        self._labels = {}
        for name, t in given.items():
            self._labels.setdefault(id(t), name)
        self._counts = {"t": 0, "c": 0}
        self._op_counts = {}
        # folded: a computed tensor whose op carries no lesson (a reshape or view that keeps the
        # shape): it is shown as its input, and its row and box are left out
        self.folded = {}
        if fold:
            for t in self.order:
                node = t._node
                if (node is not None and node.op_name in _NO_OP_VIEWS and len(node.inputs) == 1
                        and node.inputs[0].shape == t.shape and t is not output):
                    self.folded[id(t)] = self.source(node.inputs[0])
        self._numbers = set()  # constant scalars, labelled by their value
        seen = set()
        for tensor in self.order:
            for inp in self.inputs(tensor):
                self.edges.append((inp, tensor))
                if not inp.requires_grad and id(inp) not in seen:
                    seen.add(id(inp))
                    self.constants.append(inp)
                self._name(inp, "t" if inp.requires_grad else "c")  # leaves: at first use
            if (tensor._node is not None or tensor is output) and id(tensor) not in self.folded:
                self._name(tensor, "t")

    def source(self, tensor):
        """The tensor shown for ``tensor``: itself, or the input of the no-op view it is."""
        return self.folded.get(id(tensor), tensor)

    def is_folded(self, tensor):
        return id(tensor) in self.folded

    @property
    def shown(self):
        """``order`` without the folded tensors."""
        return [t for t in self.order if id(t) not in self.folded]

    def _name(self, tensor, prefix):
        """Give ``tensor`` the next free label, unless it has one."""
        if id(tensor) in self._labels:
            return
        if self.by_op:  # names from the model: input, input2, ...; linear1, relu1, ...; loss
            if prefix == "c" and tensor.size == 1 and tensor.ndim == 0:
                pass
            elif prefix == "c" or tensor._node is None:
                base = "input" if prefix == "c" else "leaf"
                n = self._op_counts[base] = self._op_counts.get(base, 0) + 1
                self._labels[id(tensor)] = base if n == 1 else f"{base}{n}"
                return
            elif tensor is self.output and tensor.ndim == 0 and "loss" not in self._labels.values():
                self._labels[id(tensor)] = "loss"
                return
            else:
                base = op_name(tensor._node)
                n = self._op_counts[base] = self._op_counts.get(base, 0) + 1
                self._labels[id(tensor)] = f"{base}{n}"
                return
        if prefix == "c" and tensor.size == 1 and tensor.ndim == 0:
            self._labels[id(tensor)] = _number(tensor.item())
            self._numbers.add(id(tensor))
            return
        self._counts[prefix] += 1
        self._labels[id(tensor)] = f"{prefix}{self._counts[prefix]}"

    def label(self, tensor):
        return self._labels.get(id(self.source(tensor)), "?")

    def is_number(self, tensor):
        """True for an unnamed constant scalar (the 1 in 1 - p): its label is its value."""
        return id(tensor) in self._numbers

    @staticmethod
    def inputs(tensor):
        """The tensors the op that produced ``tensor`` read (none for a leaf)."""
        return tensor._node.inputs if tensor._node is not None else ()

    def describe(self, tensor):
        """'t3 = mul(t1, t2)' for a computed tensor, its name for a leaf."""
        node = tensor._node
        if node is None:
            return self.label(tensor)
        args = [self.label(t) for t in node.inputs] + self.params_text(node)
        return f"{self.label(tensor)} = {op_name(node)}({', '.join(args)})"

    def params_text(self, node):
        """As :func:`params_text`, with index arrays shown in a short form: a named tensor's
        name, arange(n), or their values when there are few."""
        given = getattr(node, "given", None) or {}
        if "index" not in given or not any(hasattr(p, "shape") for p in _parts(given["index"])):
            return params_text(node)
        texts = [] if "shape" not in node.params() else [
            f"shape={_value_text(node.params()['shape'])}"]
        parts = [self._index_part(p) for p in _parts(given["index"])]
        return [f"index=[{', '.join(parts)}]"] + texts

    def _index_part(self, part):
        if not hasattr(part, "shape"):
            return index_part_text(part)
        a = np.asarray(part.get() if hasattr(part, "get") else part)
        for name, t in self.named.items():
            d = t.data.get() if hasattr(t.data, "get") else np.asarray(t.data)
            if isinstance(d, np.ndarray) and d.size == a.size and np.shares_memory(d, a):
                return name
        if a.ndim == 1 and a.dtype.kind in "iu" and np.array_equal(a, np.arange(a.size)):
            return f"arange({a.size})"
        for name, t in self.named.items():
            d = t.numpy() if hasattr(t, "numpy") else np.asarray(t)
            if d.size == a.size and np.array_equal(d.ravel(), a.ravel()):
                return name
        if a.size <= 6:
            return _squeeze_spaces(np.array2string(a))
        return f"{a.dtype}{a.shape}"


_NO_OP_VIEWS = {"reshape", "permute", "broadcast_to", "broadcastto", "view", "squeeze",
                "unsqueeze", "contiguous"}


def _parts(index):
    return index if isinstance(index, tuple) else (index,)


def build_graph(output, names=None, module=None, inputs=None, fold=True):
    """The :class:`Graph` behind ``output``.

    ``names`` maps names to tensors, e.g. {'w': w} (or is a Module: as ``module``).
    ``module``: a model whose ``named_parameters()`` name its parameters ('0.weight').
    ``inputs``: {'x': x, 'y': y}, or a tuple (input, target): names for the data.  When either
    is given, other tensors are named by their op (linear1, relu1, ...), the scalar output
    'loss', other constants input, input2, ...; else t1, t2, ... and c1, c2, ... as before.
    ``fold`` leaves out reshapes and views that keep the shape (a tensor is shown as its input).
    """
    return Graph(output, names, module, inputs, fold)


def format_array(tensor, limit=8, precision=4, one_line=False, with_shape=True):
    """A tensor's numbers as text: in full when it has at most ``limit`` elements, else its
    shape (unless ``with_shape=False``) and first few values.  ``one_line`` joins the rows of
    a matrix on one line.

    >>> import minigrad as mg
    >>> format_array(mg.tensor(0.25))
    '0.25'
    >>> format_array(mg.tensor([1.0, -0.5]))
    '[ 1.  -0.5]'
    >>> format_array(mg.zeros(100, 3))
    'shape (100, 3): [0. 0. 0. 0. …]'
    >>> format_array(mg.tensor([[1.0, 2.0], [3.0, 4.0]]), one_line=True)
    '[[1. 2.] [3. 4.]]'
    """
    if tensor is None:
        return "—"
    a = tensor.numpy() if hasattr(tensor, "numpy") else np.asarray(tensor)
    if a.dtype.kind == "f":
        a = a + 0.0  # -0.0 shows as 0
    if a.size == 1 and a.ndim == 0:
        return f"{a.item():.{precision}g}" if a.dtype.kind == "f" else str(a.item())
    if a.size <= limit:
        text = np.array2string(a, precision=precision, suppress_small=True, max_line_width=72)
        return _squeeze_spaces(text) if one_line else text
    head = _squeeze_spaces(np.array2string(a.ravel()[:4], precision=precision,
                                           suppress_small=True))
    head = f"{head[:-1]} …]"
    return f"shape {a.shape}: {head}" if with_shape else head


def _squeeze_spaces(text):
    """'[ 0.5  -1.  ]' → '[0.5 -1.]': one space between numbers, none inside brackets."""
    text = " ".join(text.split())
    return re.sub(r"\s+\]", "]", re.sub(r"\[\s+", "[", text))
