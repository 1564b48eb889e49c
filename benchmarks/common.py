"""Timing helpers shared by the benchmarks: best-of-N wall time, and a ratio table.

The benchmarks import it as ``from .common import ...``: run them from the repository root as
modules of the ``benchmarks`` package, ``python -m benchmarks.engine`` (no path set-up)."""
import time


def best_time(fn, repeat=7, number=1):
    """The best of ``repeat`` runs of ``number`` calls of ``fn``, in seconds per call."""
    fn()  # warm up: caches, allocator, lazy imports
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def print_table(title, header, rows):
    """Print ``rows`` (lists of cells) under ``header`` as an aligned text table."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    print(f"\n{title}\n{line}")
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths)))
    print(line)
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    print(line)
