"""The benchmarks, run from the repository root as modules against the installed packages:
``python -m benchmarks.engine``, ``python -m benchmarks.losses``,
``python -m benchmarks.training``."""
