"""What is known of each loss, declared where the loss is defined.

Every public loss carries a ``@loss(...)`` decorator that records its facts in one catalogue,
``FACTS`` (name → LossFacts, in the order the losses are defined).  The public list of losses
(``minigrad.losses.LOSSES``), the ``nn`` loss classes, the tests and the README table are all
read from it::

    @loss(family="regression", formula="e², e = y - x",
          reference="torch.nn.functional.mse_loss", convex=True, smooth=True, kinks="none",
          module="MSELoss")
    def mse_loss(input, target, reduction="mean"):
        ...

    from minigrad import losses
    losses.FACTS["mse_loss"].convex        # True
    losses.mse_loss.facts.module           # 'MSELoss'

This module imports nothing from minigrad: every loss module can import it.
"""
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class LossFacts:
    """One loss as the catalogue knows it.

    ``reference``: a PyTorch name ('torch.nn.functional.mse_loss') or 'numpy:NAME' for an
    independent NumPy formula (the engine imports neither; the tests resolve the name).
    ``convex``: convex in the prediction (the first argument) over its domain, with the default
    options; ``smooth``: infinitely differentiable there; ``kinks``: where the derivative jumps
    or is a chosen subgradient.  ``module``: the name of its ``minigrad.nn`` class.
    """
    name: str
    function: object
    family: str
    formula: str
    reference: str
    convex: bool
    smooth: bool
    kinks: str
    module: str


_FACTS = {}
FACTS = MappingProxyType(_FACTS)
"""Loss name → LossFacts, in the order of definition (a read-only view)."""


def loss(*, family, formula, reference, convex, smooth, kinks, module):
    """Decorator: record the facts of the loss it decorates in FACTS and return it unchanged
    (but for a ``facts`` attribute holding the same LossFacts).

    A second loss of the same name or nn class name is refused; the same function defined
    again (its module reloaded) replaces its entry.
    """
    def record(function):
        name = function.__name__
        for field, value in [("family", family), ("formula", formula), ("reference", reference),
                             ("kinks", kinks), ("module", module)]:
            if not isinstance(value, str) or not value:
                raise TypeError(f"{name}: {field} must be a non-empty string, got {value!r}")
        if not isinstance(convex, bool) or not isinstance(smooth, bool):
            raise TypeError(f"{name}: convex and smooth must be True or False")
        previous = _FACTS.get(name)
        if previous is not None and _origin(previous.function) != _origin(function):
            raise ValueError(f"{name}: the catalogue already has a loss named {name!r}, from "
                             f"{previous.function.__module__}")
        owners = {facts.module: facts.name for facts in _FACTS.values()}
        if owners.get(module, name) != name:
            raise ValueError(f"{name}: the nn class name {module!r} is {owners[module]}'s")
        facts = LossFacts(name, function, family, formula, reference, convex, smooth, kinks,
                          module)
        _FACTS[name] = facts
        function.facts = facts
        return function
    return record


def _origin(function):
    return function.__module__, function.__qualname__


def markdown_table():
    """The catalogue as the README's Markdown table: name, family, formula, reference, convex,
    smooth, kinks."""
    def cell(text):
        return str(text).replace("|", "\\|")
    lines = ["| loss | family | formula | reference | convex | smooth | kinks |",
             "|---|---|---|---|---|---|---|"]
    for facts in FACTS.values():
        lines.append("| " + " | ".join([
            f"`{facts.name}`", facts.family, cell(facts.formula), f"`{facts.reference}`",
            "yes" if facts.convex else "no", "yes" if facts.smooth else "no",
            cell(facts.kinks)]) + " |")
    return "\n".join(lines) + "\n"
