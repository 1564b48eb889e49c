"""Reverse-mode automatic differentiation on a dynamic graph.

A tensor produced by a primitive remembers the primitive (its *node*, a :class:`Function`);
the node remembers its input tensors.  :func:`backward_walk` walks that graph once, in reverse
topological order, calling each node's vector-Jacobian product (VJP).  ``Tensor.backward``,
:func:`grad` and the step-through trace (``minigrad.trace``) all run that one walk.

Every VJP is written with Tensor operations.  With ``create_graph=False`` they run with graph
recording off, so first-order training pays nothing for it; with ``create_graph=True`` the VJPs
are recorded like any other computation, and differentiating them again gives exact second and
higher derivatives.

This module comes before the Tensor class and does not import it: it works on any tensor that
offers ``data``, ``device``, ``requires_grad``, ``grad`` (stored in ``_grad``), ``_node``,
``_vc`` (its version counter: None or a one-item list, see :func:`bump_version`) and the two
constructors
``_wrap`` (an output of the graph) and ``_constant`` (a value outside it).  A primitive's
output is a tensor of its first input's type.
"""
import contextlib
import functools
import inspect
import threading
import weakref

import numpy as np

from . import backend


class _GradMode(threading.local):
    """Grad mode, one per thread: a thread starts with grad enabled (as in PyTorch), and a
    ``no_grad`` block in one thread never turns recording off in another."""

    enabled = True  # a class default: what every new thread sees


_mode = _GradMode()


def is_grad_enabled():
    return _mode.enabled


@contextlib.contextmanager
def _grad_mode(enabled):
    previous, _mode.enabled = _mode.enabled, enabled
    try:
        yield
    finally:
        _mode.enabled = previous


class no_grad(contextlib.ContextDecorator):
    """Record no graph inside this block (``with no_grad():``) or function (``@no_grad()``,
    or ``@no_grad`` without parentheses).

    Grad mode is per thread.  A decorated generator function runs its body in this mode at
    every resumption, and the caller's mode is back in force while the generator is paused
    at a ``yield`` (PyTorch does the same).
    """

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

    def _recreate_cm(self):
        return type(self)()  # each call of a decorated function gets its own (thread-safe)

    def __call__(self, function):
        if inspect.isgeneratorfunction(function):
            return self._wrap_generator(function)
        return super().__call__(function)

    def _wrap_generator(self, function):
        make = type(self)

        @functools.wraps(function)
        def generator(*args, **kwargs):
            gen = function(*args, **kwargs)
            try:
                with make():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with make():
                            gen.close()
                        raise
                    except BaseException as error:
                        with make():
                            response = gen.throw(error)
                    else:
                        with make():
                            response = gen.send(request)
            except StopIteration as stop:
                return stop.value
        return generator

    def __enter__(self):
        self._previous.append(_mode.enabled)
        _mode.enabled = self._mode

    def __exit__(self, *exc):
        _mode.enabled = self._previous.pop()
        return False


class enable_grad(no_grad):
    """Record the graph again inside a ``no_grad`` block."""

    _mode = True


def constant(array, like):
    """A tensor outside the graph around ``array``, of ``like``'s type and on its device: a
    mask or sign that a derivative treats as fixed."""
    return like._constant(array, like.device)


class Function:
    """A primitive operation: ``forward`` on raw arrays, ``backward`` (the VJP) on Tensors.

    A subclass implements::

        forward(self, a, b, ..., *, param=...) -> array   # may keep what backward needs on self
        backward(self, g) -> tuple                        # one Tensor (or None) per input

    and declares, on the class, what the tools that read the graph (the step-through trace,
    the graph drawing, the tests) need to know about it:

    ``rule``         its derivative, as text: ``"d/da = b, d/db = a"``
    ``elementwise``  True when output element i depends only on input element i (after
                     broadcasting): its Jacobian is diagonal, so ∂out/∂in has one number
                     per element
    ``op_name``      the name shown for it (default: the class name in lower case)

    Its argument names are those of ``forward``'s positional parameters (``a, b``;
    ``cond, a, b``); its parameters are ``forward``'s keyword-only ones, and
    :meth:`params` says which of them to show.

    ``backward`` may read ``self.inputs`` (the input Tensors), ``self.output()`` (the output
    Tensor), ``self.needs_grad`` (which inputs need a gradient) and ``self.xp``.  It returns
    gradients of the shape of the *broadcast* result; the engine sums them back to each input's
    shape (:func:`sum_to`), so a primitive's backward is only its calculus.
    """

    rule = None
    elementwise = False
    op_name = None
    released = False
    _inputs = ()
    _versions = ()
    _changes = 0
    _checking = False  # True while this node's backward runs: reading inputs checks versions

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "op_name" not in cls.__dict__:
            cls.op_name = cls.__name__.lower()
        if "backward" in cls.__dict__:
            cls.backward = _checks_saved_versions(cls.__dict__["backward"])

    @property
    def inputs(self):
        """The input tensors.  Read inside ``backward``, they are the values it needs: each is
        checked to be at the version it had when the node was recorded (none was changed in
        place since), as PyTorch checks its saved tensors."""
        if self._checking and self._changes != _changes[0]:  # else nothing changed since
            self._check_versions()
        return self._inputs

    @inputs.setter
    def inputs(self, inputs):
        self._inputs = inputs
        self._versions = tuple([_version_of(t) for t in inputs])
        self._changes = _changes[0]

    def _check_versions(self):
        for k, (t, expected) in enumerate(zip(self._inputs, self._versions)):
            now = 0 if t._vc is None else t._vc[0]
            if now != expected:
                name = self.input_names()[k]
                raise _modified_error(t, f"input {name} of {self.name}", now, expected)

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
        wrap = inputs[0]._wrap
        if requires_grad and _mode.enabled:
            fn._inputs = inputs
            # The version of each input now (see Tensor._version), which backward checks;
            # unrolled for one and two inputs, the hot path.
            if len(inputs) == 2:
                a, b = inputs
                fn._versions = (0 if a._vc is None else a._vc[0], 0 if b._vc is None else b._vc[0])
            elif len(inputs) == 1:
                a = inputs[0]._vc
                fn._versions = (0 if a is None else a[0],)
            else:
                fn._versions = [0 if t._vc is None else t._vc[0] for t in inputs]
            fn._changes = _changes[0]
            fn.needs_grad = tuple([t.requires_grad for t in inputs])
            fn.given = params
            out = wrap(data, True, fn)
            fn._output = weakref.ref(out)  # weak: the output holds the node, not vice versa
            return out
        return wrap(data)

    def output(self):
        out = self._output()
        if (self._checking and self._changes != _changes[0] and out is not None
                and out._vc is not None and out._vc[0] != 0):
            raise _modified_error(out, f"the output of {self.name}", out._vc[0], 0)
        return out

    def release(self):
        """Drop the references to inputs so that the graph can be freed after backward."""
        self._inputs = self._versions = ()
        self.released = True

    @property
    def name(self):
        return type(self).__name__

    @classmethod
    def argument_names(cls):
        """The names of the inputs, from ``forward``'s positional parameters; a variadic
        ``forward(*arrays)`` names them a, b, c, ..."""
        names = []
        for p in inspect.signature(cls.forward).parameters.values():
            if p.kind == p.VAR_POSITIONAL:
                return None
            if p.kind == p.POSITIONAL_OR_KEYWORD and p.name != "self":
                names.append(p.name)
        return tuple(names)

    def input_names(self):
        """One name per input of this node: its argument names, or a, b, c, ..."""
        names = self.argument_names()
        if names is None or len(names) < len(self._inputs):
            names = tuple("abcdefghijklmnopqrstuvwxyz")
        return names[:len(self._inputs)]

    def params(self):
        """The parameters of this node worth showing next to its inputs, as a dict: by
        default every keyword parameter it was given that is not None."""
        return {k: v for k, v in self.given.items() if v is not None}


def _version_of(tensor):
    """How many times ``tensor`` was changed in place (its ``_vc``: None or a one-item list,
    shared with the tensors that share its array, such as ``detach()``)."""
    box = tensor._vc
    return 0 if box is None else box[0]


_changes = [0]  # in-place changes of any tensor so far: a node checks versions only if it grew


def bump_version(tensor):
    """Count one in-place change of ``tensor``'s array (Tensor.add_, an optimiser step, an
    nn.init function, load_state_dict): a node that saved it for backward then refuses to
    run its backward on the changed value."""
    _changes[0] += 1
    box = tensor._vc
    if box is None:
        tensor._vc = [1]
    else:
        box[0] += 1


def _modified_error(tensor, role, now, expected):
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{tensor.dtype} tensor of shape {tuple(tensor.shape)}], which is "
        f"{role}, is at version {now}; expected version {expected} instead. Hint: a value "
        "that this backward needs was changed in place (an in-place operator such as +=, "
        "add_ or copy_, an optimiser step, an nn.init function, load_state_dict) after the "
        "forward pass; change it after backward, or work on a copy.")


def _checks_saved_versions(backward):
    """``backward`` that checks the versions of the tensors it reads (Function.inputs,
    Function.output) while it runs."""
    @functools.wraps(backward)
    def checked(self, g):
        if self._changes == _changes[0]:  # no tensor was changed in place since recording
            return backward(self, g)
        previous, self._checking = self._checking, True
        try:
            return backward(self, g)
        finally:
            self._checking = previous
    return checked


def sum_to(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, to give ``shape``.

    This is the one place where broadcasting is undone for every primitive's gradient.
    """
    if grad.shape == shape:
        return grad
    # BEGIN TASK 2 unbroadcast
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)
    # END TASK 2


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
    # BEGIN TASK 3 walk
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
    # END TASK 3


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


def prune(order, targets):
    """The ids of the tensors of ``order`` that lie on a path to one of ``targets``: the only
    nodes whose backward :func:`grad` needs to run."""
    leads_to_target, keep = {id(t) for t in targets}, set()
    for t in order:  # inputs come before the tensors computed from them
        if t._node is not None and any(id(i) in leads_to_target for i in t._node.inputs):
            keep.add(id(t))
            leads_to_target.add(id(t))
    return keep


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
            g = out._wrap(out.xp.ones(out.shape, dtype=out.dtype))
        elif not isinstance(g, type(out)):
            g = type(out)(g, dtype=out.dtype, device=out.device)
        if g.shape != out.shape:
            raise ValueError(
                f"gradient: shape {g.shape} does not match the output's shape {out.shape}")
        seeds.append(g)
    return seeds


def backward_walk(outputs, seeds, retain_graph=False, create_graph=False, targets=None,
                  observer=None):
    """The backward pass: every node's VJP once, in reverse topological order.

    Starts from gradients ``seeds`` of ``outputs`` and returns ``{id(t): (t, gradient)}`` for
    the leaves reached, or, when ``targets`` is given, for those tensors only (the walk is then
    pruned to the nodes that lead to them).  Nodes are freed as they are passed unless
    ``retain_graph``.  ``observer(tensor, upstream, sent)`` is called at every tensor visited,
    before its node is freed, with the gradient that arrived at it and ``sent``: one
    ``(k, vjp, gradient)`` triple per input ``node.inputs[k]`` it passed a gradient to
    (``vjp`` as the node's backward returned it, ``gradient`` summed to the input's shape);
    the step-through trace is such an observer.
    """
    order = topological_order(outputs)
    grads = {}
    for out, g in zip(outputs, seeds):
        grads[id(out)] = grads[id(out)] + g if id(out) in grads else g
    wanted = None if targets is None else {id(t) for t in targets}
    through = None if targets is None else prune(order, targets)
    found = {}
    with _grad_mode(create_graph):
        # BEGIN TASK 3 walk
        for tensor in reversed(order):
            g = grads.pop(id(tensor), None)
            node = tensor._node
            if g is not None and (id(tensor) in wanted if wanted is not None else node is None):
                found[id(tensor)] = (tensor, g)
            sent = [] if observer is not None else None
            if node is not None and g is not None and (through is None or id(tensor) in through):
                inputs = node.inputs
                for k, vjp in enumerate(node.backward(g)):
                    t = inputs[k]
                    if vjp is None or not t.requires_grad:
                        continue
                    summed = vjp  # the common case, checked inline: it needs no call
                    if vjp.data.shape != t.data.shape or vjp.data.dtype != t.data.dtype:
                        summed = input_gradient(vjp, t)
                    previous = grads.get(id(t))
                    grads[id(t)] = summed if previous is None else previous + summed
                    if sent is not None:
                        sent.append((k, vjp, summed))
            if observer is not None:
                observer(tensor, g, sent)
            if node is not None and not retain_graph:
                node.release()
        # END TASK 3
    return found


def accumulate_grad(found, given=()):
    """Add each gradient of ``found`` (as :func:`backward_walk` returns it) into its leaf's
    ``.grad``.

    Every leaf's ``.grad`` is its own writable array, as in PyTorch, so that scaling one in
    place (clipping, ``p.grad.mul_(0.5)``) scales no other.  The walk's gradients are mostly
    fresh arrays, stored as they are; one is copied first only when it may be shared: a view
    (of an upstream gradient, or a read-only broadcast, as a sum's gradient is), an array
    already given to another leaf in this pass (``a + b`` sends one gradient to both), or one
    of the caller's tensors ``given`` (``backward(gradient=v)``).
    """
    # The walk's gradients have their leaf's shape, dtype and device: stored in ``_grad``
    # without the checks of the ``grad`` setter.
    taken = set()
    for t in given:
        taken.add(id(t.data))
    for tensor, g in found.values():
        previous = tensor._grad
        if previous is not None:
            tensor._grad = previous + g  # a new array
            continue
        data = g.data
        if (id(data) in taken or getattr(data, "base", None) is not None
                or not getattr(getattr(data, "flags", None), "writeable", True)):
            # A copy; recorded (astype copies, as NumPy's) when the gradient is itself a
            # graph node of create_graph=True.
            g = g.astype(g.dtype) if g.requires_grad else g._wrap(data.copy())
        taken.add(id(g.data))
        tensor._grad = g


def backward(outputs, grad_outputs=None, retain_graph=False, create_graph=False):
    """Accumulate the gradients of ``outputs`` into the ``.grad`` of every leaf that requires
    grad (the engine behind ``Tensor.backward``)."""
    outputs = _as_tuple(outputs)
    given = ()
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    seeds = seed_gradients(outputs, grad_outputs)
    if grad_outputs[0] is not None or len(grad_outputs) > 1:
        given = [s for s, g in zip(seeds, grad_outputs) if s is g]  # the caller's own tensors
    found = backward_walk(outputs, seeds, retain_graph or create_graph, create_graph)
    accumulate_grad(found, given)


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """Gradients of ``outputs`` with respect to ``inputs``, returned as a tuple (as torch.autograd.grad).

    No ``.grad`` is touched.  ``create_graph=True`` records the backward pass itself, so the
    result can be differentiated again (Hessian-vector products, second derivatives of a
    loss).  ``retain_graph`` defaults to ``create_graph``.
    """
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad_outputs: {len(grad_outputs)} given for {len(outputs)} outputs")
    for i, t in enumerate(inputs):
        if getattr(t, "requires_grad", False) is not True:
            raise ValueError(f"inputs[{i}] is not a tensor that requires grad")
    if retain_graph is None:
        retain_graph = create_graph
    seeds = seed_gradients(outputs, grad_outputs)
    found = backward_walk(outputs, seeds, retain_graph, create_graph, targets=inputs)
    result = []
    for i, t in enumerate(inputs):
        g = found.get(id(t), (t, None))[1]
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"inputs[{i}] (shape {t.shape}) was not used to compute the outputs; "
                    "pass allow_unused=True to get None for it")
        elif not create_graph:
            g = g.detach()
        result.append(g)
    return tuple(result)
