"""The experiments, each a module with ``NAME``, ``add_arguments(parser)`` and ``run(args)``.

``python -m minigrad <name> [--seeds N] [--quick] [--out DIR]`` runs one; ``python -m minigrad
all`` runs every one in its full configuration.  ``run`` prints its table, saves its figures
under ``args.out`` and returns its results (a dict) so that tests can assert what was learned.
"""
import importlib

MODULES = {
    "robust-regression": "robust_regression",
    "compare-losses": "compare_losses",
    "rl": "rl",
    "generative": "generative",
    "embeddings": "embeddings",
    "segmentation": "segmentation",
}


def load(name):
    """The module of experiment ``name``, or a clear error listing the known names."""
    if name not in MODULES:
        raise ValueError(f"experiment: unknown name {name!r}; choose from {', '.join(MODULES)}")
    return importlib.import_module(f"{__name__}.{MODULES[name]}")
