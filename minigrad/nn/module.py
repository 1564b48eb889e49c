"""Module: a callable holding parameters and sub-modules, as torch.nn.Module.

A module finds its parameters and children by looking at its own attributes, in the order they
were assigned: a :class:`Parameter` is a parameter, a :class:`Module` a child, and the items of
a list or tuple attribute count as well.  There is no registration step, so a subclass may call
``super().__init__()`` wherever it likes in its ``__init__``, or not at all.

    class TwoLayer(Module):
        def __init__(self):
            super().__init__()
            self.hidden = Linear(4, 8)
            self.out = Linear(8, 1)

        def forward(self, x):
            return self.out(self.hidden(x).relu())

``TwoLayer().state_dict()`` then has the keys ``hidden.weight``, ``hidden.bias``,
``out.weight`` and ``out.bias``.
"""
from collections import OrderedDict, namedtuple

import numpy as np

from .. import backend
from ..autograd import bump_version
from ..tensor import Tensor, check_dtype, is_floating

IncompatibleKeys = namedtuple("IncompatibleKeys", "missing_keys unexpected_keys")


class Parameter(Tensor):
    """A leaf tensor that a Module registers as trainable (requires_grad=True)."""

    def __init__(self, data, dtype=None, device=None):
        super().__init__(data, dtype=dtype, device=device, requires_grad=True)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


def _raw_array(value):
    """The array of a tensor, a device array as it is, anything else as a NumPy array."""
    if isinstance(value, Tensor):
        return value.data
    return value if backend.is_cuda_array(value) else np.asarray(value)


def _move(tensor, device, dtype):
    """Move a leaf tensor's data (and its gradient) in place to ``device`` and ``dtype``."""
    for t in (tensor, tensor.grad):
        if t is None:
            continue
        data = backend.to_device(t.data, device)
        if dtype is not None and data.dtype != dtype:
            data = data.astype(dtype)
        t.data, t.device = data, device


class Module:
    """Base class of layers, models and losses: ``forward`` does the work, calling runs it."""

    training = True  # a class default, so that a subclass that skips __init__ still works

    def __init__(self):
        self.training = True

    def forward(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} has no forward(); subclasses define it")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # --- the tree of modules -------------------------------------------------------------------
    def _members(self):
        """(name, value) of the attributes that are parameters or modules, in assignment order;
        a list attribute ``blocks`` of them gives the names ``blocks.0``, ``blocks.1``, ..."""
        for name, value in vars(self).items():
            if isinstance(value, (Module, Parameter)):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, (Module, Parameter)):
                        yield f"{name}.{i}", item

    def named_children(self):
        """(name, module) for each direct sub-module."""
        return ((name, value) for name, value in self._members() if isinstance(value, Module))

    def children(self):
        return [module for _, module in self.named_children()]

    def named_modules(self, prefix=""):
        """(name, module) for this module ('' for itself) and every module below it, depth
        first, each once."""
        seen = set()

        def walk(module, name):
            seen.add(id(module))
            yield name, module
            for child_name, child in module.named_children():
                if id(child) not in seen:
                    yield from walk(child, f"{name}.{child_name}" if name else child_name)
        return walk(self, prefix)

    def modules(self):
        return [module for _, module in self.named_modules()]

    def named_parameters(self, prefix=""):
        """(dotted name, parameter) for every parameter of this module and its sub-modules, in
        the order the attributes were assigned, depth first.

        A parameter (or module) reachable twice is listed once, under its first name.
        """
        seen = set()

        def walk(module, prefix):
            for name, value in module._members():
                if id(value) in seen:
                    continue
                seen.add(id(value))
                if isinstance(value, Parameter):
                    yield prefix + name, value
                else:
                    yield from walk(value, prefix + name + ".")
        return walk(self, prefix)

    def parameters(self):
        return [p for _, p in self.named_parameters()]

    # --- modes and gradients -------------------------------------------------------------------
    def train(self, mode=True):
        """Set training mode (Dropout drops) on this module and all below it."""
        for module in self.modules():
            module.training = bool(mode)
        return self

    def eval(self):
        """Set evaluation mode (Dropout is the identity) on this module and all below it."""
        return self.train(False)

    def zero_grad(self):
        """Forget every parameter's gradient (``.grad = None``), as before a new backward."""
        for p in self.parameters():
            p.grad = None

    # --- devices and dtypes --------------------------------------------------------------------
    def to(self, device=None, dtype=None):
        """Move every parameter, in place, to ``device`` and/or a floating ``dtype``; returns self.

        ``model.to('cuda')``, ``model.to(dtype=minigrad.float64)``.  The parameters stay the
        same objects, so an optimiser built before the move still holds them (but the state it
        has already gathered, such as momentum, stays where it was: move, then train).
        """
        if device is not None:
            device = backend.check_device(device)
        if dtype is not None:
            dtype = check_dtype(dtype)
            if not is_floating(dtype):
                raise ValueError(f"to: parameters must stay floating-point, not {dtype}")
        for p in self.parameters():
            _move(p, p.device if device is None else device, dtype)
        return self

    def double(self):
        return self.to(dtype="float64")

    def float(self):
        return self.to(dtype="float32")

    # --- state ---------------------------------------------------------------------------------
    def state_dict(self):
        """An ordered {dotted name: tensor} of the parameters, sharing their data (no copy)."""
        return OrderedDict((name, p.detach()) for name, p in self.named_parameters())

    def load_state_dict(self, state_dict, strict=True):
        """Copy the values of ``state_dict`` (tensors or NumPy arrays) into the parameters.

        Values are converted to each parameter's dtype and device.  A shape mismatch is always
        an error; missing and unexpected keys are errors when ``strict``, otherwise they are
        returned as ``IncompatibleKeys(missing_keys, unexpected_keys)``.
        """
        params = dict(self.named_parameters())
        missing = [k for k in params if k not in state_dict]
        unexpected = [k for k in state_dict if k not in params]
        if strict and (missing or unexpected):
            problems = []
            if missing:
                problems.append(f"missing keys {missing}")
            if unexpected:
                problems.append(f"unexpected keys {unexpected}")
            raise KeyError(f"load_state_dict into {type(self).__name__}: "
                           + " and ".join(problems)
                           + f"; the module's keys are {list(params)}")
        # Every value is checked and converted first, and only then copied: a failure leaves
        # every parameter as it was, and names the key that failed.
        values = {}
        for name, p in params.items():
            if name in state_dict:
                values[name] = self._converted(name, state_dict[name], p)
        for name, value in values.items():
            params[name].data[...] = value
            bump_version(params[name])  # a backward that saved the old value now raises
        return IncompatibleKeys(missing, unexpected)

    def _converted(self, name, value, p):
        """``value`` as an array of parameter ``p``'s shape, dtype and device, or an error
        naming the key ``name``."""
        where = f"load_state_dict into {type(self).__name__}: {name!r}"
        try:
            array = _raw_array(value)
        except Exception as err:
            raise TypeError(f"{where}: cannot read a {type(value).__name__} as an array: "
                            f"{err}") from None
        kind = getattr(getattr(array, "dtype", None), "kind", None)
        if kind == "c":
            raise TypeError(f"{where}: the value is complex ({array.dtype}); the parameter is "
                            f"real ({p.dtype}) and the imaginary part would be lost")
        if kind not in ("b", "i", "u", "f"):
            raise TypeError(f"{where}: the value's elements ({getattr(array, 'dtype', None)}) "
                            f"are not numbers; the parameter is {p.dtype}")
        if tuple(array.shape) != p.shape:
            raise ValueError(f"load_state_dict into {type(self).__name__}: shape mismatch "
                             f"for {name!r}: the module has {p.shape}, the state "
                             f"dict has {tuple(array.shape)}")
        try:
            return backend.to_device(array, p.device).astype(p.dtype)  # a copy: never shared
        except (TypeError, ValueError, OverflowError) as err:
            raise TypeError(f"{where}: cannot convert the value ({array.dtype}) to the "
                            f"parameter's {p.dtype}: {err}") from None

    def save(self, path):
        """Write the parameters to ``path`` as a NumPy ``.npz`` archive (exactly that path)."""
        arrays = {name: t.numpy() for name, t in self.state_dict().items()}
        with open(path, "wb") as f:
            np.savez(f, **arrays)

    def load(self, path, strict=True):
        """Read parameters written by :meth:`save` (no pickled objects are accepted); returns self."""
        try:
            archive = np.load(path, allow_pickle=False)
        except ValueError as err:
            raise ValueError(f"load: {str(path)!r} is not an .npz archive written by "
                             f"Module.save: {err}") from None
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError(f"load: {str(path)!r} holds a single array (.npy), not an .npz "
                             f"archive of named parameters as Module.save writes")
        with archive:
            self.load_state_dict({name: archive[name] for name in archive.files}, strict)
        return self

    # --- printing ------------------------------------------------------------------------------
    def extra_repr(self):
        """The arguments shown between the parentheses of this module's repr."""
        return ""

    def __repr__(self):
        children = [f"({name}): " + repr(child).replace("\n", "\n  ")
                    for name, child in self.named_children()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        return head + "\n  " + "\n  ".join(children) + "\n)"
