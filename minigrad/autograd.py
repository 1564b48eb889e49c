"""Reverse-mode automatic differentiation on a dynamic graph.

A tensor produced by a primitive remembers the primitive (its *node*, a :class:`Function`);
the node remembers its input tensors.  ``backward`` walks that graph once, in reverse
topological order, calling each node's vector-Jacobian product (VJP).

Every VJP is written with Tensor operations.  With ``create_graph=False`` they run with graph
recording off, so first-order training pays nothing for it; with ``create_graph=True`` the VJPs
are recorded like any other computation, and differentiating them again gives exact second and
higher derivatives.
"""
import contextlib
import weakref

import numpy as np

from . import backend

_grad_enabled = True


def is_grad_enabled():
    return _grad_enabled


@contextlib.contextmanager
def _grad_mode(enabled):
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, enabled
    try:
        yield
    finally:
        _grad_enabled = previous


class no_grad(contextlib.ContextDecorator):
    """Record no graph inside this block (``with no_grad():``) or function (``@no_grad()``,
    or ``@no_grad`` without parentheses)."""

    _mode = False  # grad mode inside the block

    def __new__(cls, function=None):
        if function is not None:  # used as @no_grad: decorate the function at once
            if not callable(function):
                raise TypeError(f"{cls.__name__}: expected a function to decorate, got "
                                f"{type(function).__name__}")
            return cls()(function)
        return super().__new__(cls)

    def __init__(self, function=None):
        # A stack, not one saved value: a decorated function may recurse, and one instance
        # may be entered again before it is left.
        self._previous = []

    def __enter__(self):
        global _grad_enabled
        self._previous.append(_grad_enabled)
        _grad_enabled = self._mode

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self._previous.pop()
        return False


class enable_grad(no_grad):
    """Record the graph again inside a ``no_grad`` block."""

    _mode = True


class Function:
    """A primitive operation: ``forward`` on raw arrays, ``backward`` (the VJP) on Tensors.

    Subclasses implement::

        forward(self, *arrays, **params) -> array   # may store what backward needs on self
        backward(self, grad) -> tuple               # one Tensor (or None) per input

    ``backward`` may read ``self.inputs`` (the input Tensors), ``self.output()`` (the output
    Tensor), ``self.needs_grad`` (which inputs need a gradient) and ``self.xp``.  It returns
    gradients of the shape of the *broadcast* result; the engine sums them back to each input's
    shape (:func:`sum_to`), so a primitive's backward is only its calculus.
    """

    inputs = ()
    released = False

    @classmethod
    def apply(cls, *inputs, **params):
        # The hot path of the engine: kept to plain loops and attribute reads.
        device = inputs[0].device
        requires_grad = False
        arrays = []
        for t in inputs:
            if t.device != device:
                raise RuntimeError(
                    f"{cls.__name__}: tensors are on different devices ({device} and "
                    f"{t.device}); move one with .to(device) first")
            requires_grad = requires_grad or t.requires_grad
            arrays.append(t.data)
        fn = cls()
        fn.xp = np if device == "cpu" else backend.namespace(device)
        try:
            data = fn.forward(*arrays, **params)
        except ValueError as err:
            shapes = ", ".join(str(t.shape) for t in inputs)
            raise ValueError(f"{cls.__name__}: invalid input shapes {shapes}: {err}") from None
        if requires_grad and _grad_enabled:
            fn.inputs = inputs
            fn.needs_grad = tuple([t.requires_grad for t in inputs])
            out = Tensor._wrap(data, True, fn)
            fn._output = weakref.ref(out)  # weak: the output holds the node, not vice versa
            return out
        return Tensor._wrap(data)

    def output(self):
        return self._output()

    def release(self):
        """Drop the references to inputs so that the graph can be freed after backward."""
        self.inputs = ()
        self.released = True

    @property
    def name(self):
        return type(self).__name__


def sum_to(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, to give ``shape``.

    This is the one place where broadcasting is undone for every primitive's gradient.
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def input_gradient(grad, tensor):
    """A VJP's gradient for input ``tensor``: summed back to its shape, in its dtype.

    The cast matters when a float32 tensor met a float64 constant: its gradient stays float32,
    as the tensor itself.
    """
    grad = sum_to(grad, tensor.shape)
    return grad if grad.dtype == tensor.dtype else grad.astype(tensor.dtype)


def topological_order(roots):
    """Tensors reachable from ``roots`` through graph nodes, each after all of its inputs.

    Iterative depth-first search (a stack of input iterators), so that a chain of 100 000
    operations needs no recursion.
    """
    order, visited, stack = [], set(), []
    for root in roots:
        if id(root) in visited:
            continue
        visited.add(id(root))
        stack.append((root, _graph_inputs(root)))
        while stack:
            tensor, inputs = stack[-1]
            for t in inputs:  # resumes where this tensor's inputs were left
                if id(t) not in visited:
                    visited.add(id(t))
                    stack.append((t, _graph_inputs(t)))
                    break
            else:
                stack.pop()
                order.append(tensor)
    return order


def _graph_inputs(tensor):
    """An iterator over the inputs of ``tensor``'s node that take part in backward."""
    node = tensor._node
    if node is None:
        return iter(())
    if node.released:
        raise RuntimeError(
            f"backward through {node.name} a second time: its saved values were "
            "freed by the first backward; pass retain_graph=True to the first call")
    return (t for t in node.inputs if t.requires_grad)


def seed_gradients(outputs, grad_outputs):
    """The gradients backward starts from: ones for a scalar output, else the given ones."""
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not out.requires_grad:
            raise RuntimeError(
                f"outputs[{i}] does not require grad: it was computed from no tensor with "
                "requires_grad=True (or under no_grad())")
        if g is None:
            if out.size != 1:
                raise RuntimeError(
                    f"backward of a non-scalar output (shape {out.shape}) needs `gradient`: "
                    "the vector to multiply the Jacobian by, of the output's shape")
            g = Tensor._wrap(out.xp.ones(out.shape, dtype=out.dtype))
        elif not isinstance(g, Tensor):
            g = Tensor(g, dtype=out.dtype, device=out.device)
        if g.shape != out.shape:
            raise ValueError(
                f"gradient: shape {g.shape} does not match the output's shape {out.shape}")
        seeds.append(g)
    return seeds


def run_backward(outputs, grad_outputs, retain_graph, create_graph, inputs=None):
    """The engine behind ``Tensor.backward`` and :func:`grad`.

    With ``inputs=None`` gradients accumulate into the ``.grad`` of every leaf that requires
    grad; otherwise the gradients of ``inputs`` are returned (None where unused) and no
    ``.grad`` is touched.
    """
    grad_outputs = seed_gradients(outputs, grad_outputs)
    order = topological_order(outputs)
    grads = {}
    for out, g in zip(outputs, grad_outputs):
        grads[id(out)] = grads[id(out)] + g if id(out) in grads else g
    wanted = None if inputs is None else {id(t) for t in inputs}
    if wanted is not None:
        # Prune the walk to the nodes that lie on a path from an output to a wanted input.
        leads_to_wanted, propagate = set(wanted), set()
        for t in order:  # inputs come before the tensors computed from them
            if t._node is not None and any(id(i) in leads_to_wanted for i in t._node.inputs):
                propagate.add(id(t))
                leads_to_wanted.add(id(t))
    found = {}
    with _grad_mode(create_graph):
        for tensor in reversed(order):
            g = grads.pop(id(tensor), None)
            if wanted is not None and id(tensor) in wanted:
                found[id(tensor)] = g
            node = tensor._node
            if node is None:
                if wanted is None and g is not None:
                    tensor.grad = g if tensor.grad is None else tensor.grad + g
                continue
            if g is not None and (wanted is None or id(tensor) in propagate):
                input_grads = node.backward(g)
                for t, ig in zip(node.inputs, input_grads):
                    if ig is None or not t.requires_grad:
                        continue
                    if ig.data.shape != t.data.shape or ig.data.dtype != t.data.dtype:
                        ig = input_gradient(ig, t)
                    previous = grads.get(id(t))
                    grads[id(t)] = ig if previous is None else previous + ig
            if not retain_graph:
                node.release()
    return found


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """Gradients of ``outputs`` with respect to ``inputs``, returned as a tuple (as torch.autograd.grad).

    ``create_graph=True`` records the backward pass itself, so the result can be differentiated
    again (Hessian-vector products, second derivatives of a loss).  ``retain_graph`` defaults
    to ``create_graph``.
    """
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad_outputs: {len(grad_outputs)} given for {len(outputs)} outputs")
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise ValueError(f"inputs[{i}] is not a tensor that requires grad")
    if retain_graph is None:
        retain_graph = create_graph
    found = run_backward(outputs, grad_outputs, retain_graph, create_graph, inputs)
    result = []
    for i, t in enumerate(inputs):
        g = found.get(id(t))
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"inputs[{i}] (shape {t.shape}) was not used to compute the outputs; "
                    "pass allow_unused=True to get None for it")
        elif not create_graph:
            g = g.detach()
        result.append(g)
    return tuple(result)


from .tensor import Tensor  # noqa: E402  (Tensor and autograd refer to each other)
