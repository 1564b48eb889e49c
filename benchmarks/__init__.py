"""The benchmarks, run from the repository root as modules against the installed packages:
``python -m benchmarks.engine``, ``python -m benchmarks.losses``,
``python -m benchmarks.training``.

Threads: both sides run on BENCH_THREADS threads (default 1).  This package sets the BLAS
thread variables before any benchmark imports NumPy, and each benchmark sets PyTorch's
intra-op threads to the same number (``torch.set_num_threads``): a ratio is only fair when
both libraries use the same cores.  ``BENCH_THREADS=2 python -m benchmarks.losses`` gives the
second column, both at the machine's count.
"""
import os

THREADS = int(os.environ.setdefault("BENCH_THREADS", "1"))
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = str(THREADS)
