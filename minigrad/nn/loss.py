"""Loss modules: one class per function of minigrad.losses, as torch.nn.MSELoss is to
torch.nn.functional.mse_loss.

Each class is generated from its function's signature (its name is the one the function
declares in the loss catalogue, minigrad.losses.FACTS): the arguments without a default are the
tensors ``forward`` takes; those with a default are the options the constructor takes (same
names, same defaults), kept as attributes.  So the checks of every argument stay in one place,
the function::

    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    loss = criterion(logits, labels)      # = losses.cross_entropy(logits, labels, label_smoothing=0.1)
"""
import inspect

from ..losses import FACTS
from .module import Module

CLASS_NAMES = {name: facts.module for name, facts in FACTS.items()}
"""Loss function name → class name, as each loss declares it (``@loss(module=...)``)."""


def loss_class(function, class_name):
    """A Module subclass whose constructor takes ``function``'s options and whose forward
    takes its tensors."""
    parameters = inspect.signature(function).parameters.values()
    inputs = [p.name for p in parameters if p.default is p.empty]
    options = [p for p in parameters if p.default is not p.empty]
    init_signature = inspect.Signature(options)

    def __init__(self, *args, **kwargs):
        Module.__init__(self)
        try:
            bound = init_signature.bind(*args, **kwargs)
        except TypeError as err:
            raise TypeError(f"{class_name}: {err}; its options are "
                            f"{[p.name for p in options]}") from None
        bound.apply_defaults()
        for name, value in bound.arguments.items():
            setattr(self, name, value)

    def forward(self, *tensors):
        if len(tensors) != len(inputs):
            raise TypeError(f"{class_name}: forward takes {len(inputs)} tensors "
                            f"({', '.join(inputs)}), got {len(tensors)}")
        return function(*tensors, **{p.name: getattr(self, p.name) for p in options})

    def __repr__(self):
        settings = ", ".join(f"{p.name}={getattr(self, p.name)!r}" for p in options
                             if getattr(self, p.name) is not p.default)
        return f"{class_name}({settings})"

    __init__.__signature__ = inspect.Signature(
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)] + options)
    doc = (f"Module form of minigrad.losses.{function.__name__}: "
           f"{class_name}({', '.join(p.name for p in options)})({', '.join(inputs)}).\n\n"
           f"{inspect.getdoc(function)}")
    return type(class_name, (Module,), {
        "__init__": __init__, "forward": forward, "__repr__": __repr__, "__doc__": doc,
        "__module__": __name__, "function": staticmethod(function),
        "inputs": tuple(inputs), "options": tuple(p.name for p in options)})


globals().update({facts.module: loss_class(facts.function, facts.module)
                  for facts in FACTS.values()})

__all__ = list(CLASS_NAMES.values())
