"""The experiments, one module each on the base of base.py (a configuration with full and
--quick values, a run, a report, figures).

``python -m minigrad_course <name> [--seeds N] [--quick] [--out DIR]`` runs one;
``python -m minigrad_course all`` runs every one in its full configuration.  A new experiment
is a new file here: it is found by its module, with nothing else to edit.
"""
import importlib
import pkgutil


def _discover():
    """{NAME: module} of every module of this package but the base, in file-name order."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if info.name == "base" or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found[module.NAME] = module
    return found


MODULES = _discover()
"""Every experiment by its command name."""


def load(name):
    """The module of experiment ``name``, or a clear error listing the known names."""
    if name not in MODULES:
        raise ValueError(f"experiment: unknown name {name!r}; choose from {', '.join(MODULES)}")
    return MODULES[name]


def figures():
    """(figure name, experiment name, lesson, what it reproduces) of every experiment's figures."""
    return [(figure, name, lesson, reproduces) for name, module in MODULES.items()
            for figure, (lesson, reproduces) in module.FIGURES.items()]
