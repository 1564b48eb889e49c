"""What every experiment shares: its command-line options, the seeds loop, mean ± sd, and where
its results and figures go.

An experiment module defines ``NAME``, ``add_arguments(parser)`` and ``run(args)``; ``run``
starts with ``paths(args)`` and ``seed_list(args, full, quick)``, and ends with
``save_json``/``save_markdown``/``save_figure``.  Tests and notebooks build ``args`` without
the command line:

    args = parse_args(robust_regression, ["--quick", "--out", tmp])
    results = robust_regression.run(args)

The common options (defined here, used by ``python -m minigrad``):

    --seeds N      number of seeds (a positive int; each experiment has its own default)
    --quick        a small configuration that runs in seconds (fewer seeds, epochs, samples)
    --out DIR      where results (JSON, markdown) go: results/, or results/quick with --quick
    --figures DIR  where figures go: figures/, or the --out folder with --quick, so that a
                   quick run never overwrites the figures the lessons show
"""
import argparse
import contextlib
import functools
import json
import math
from pathlib import Path

import numpy as np


# --- options ------------------------------------------------------------------------------------
def positive_int(text):
    """argparse type of --seeds: a positive integer, else an error that argparse prefixes with
    the option's name ("argument --seeds: ...")."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer (at least one seed), "
                                         f"got {value}")
    return value


def add_common_arguments(parser):
    parser.add_argument("--seeds", type=positive_int, default=None, metavar="N",
                        help="number of seeds, a positive int (default: the experiment's own)")
    parser.add_argument("--quick", action="store_true",
                        help="a small configuration that runs in seconds")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="folder for the results (default: results/, or results/quick "
                             "with --quick)")
    parser.add_argument("--figures", default=None, metavar="DIR",
                        help="folder for the figures (default: figures/, or the --out folder "
                             "with --quick)")
    return parser


def make_parser(module, prog=None):
    """The parser of one experiment: the common options plus the module's own."""
    parser = argparse.ArgumentParser(prog=prog or f"python -m minigrad {module.NAME}",
                                     description=" ".join((module.__doc__ or "").strip()
                                                          .split("\n\n")[0].split()))
    add_common_arguments(parser)
    module.add_arguments(parser)
    return parser


def parse_args(module, argv=()):
    """``args`` for ``module.run``, as the command line would build them from ``argv``."""
    return make_parser(module).parse_args(list(argv))


def paths(args):
    """(results folder, figures folder), created, after the defaults described above."""
    quick = getattr(args, "quick", False)
    out = Path(args.out if args.out is not None else ("results/quick" if quick else "results"))
    figures = Path(args.figures if args.figures is not None else (out if quick else "figures"))
    out.mkdir(parents=True, exist_ok=True)
    figures.mkdir(parents=True, exist_ok=True)
    return out, figures


def seed_list(args, full, quick):
    """Seeds 0 … N−1: N from --seeds, else ``quick`` with --quick, else ``full``."""
    n = args.seeds if args.seeds is not None else (quick if args.quick else full)
    return list(range(n))


def seed_everything(seed):
    """Seed minigrad's generator (initialisations, shuffling) and NumPy's global one."""
    from ..creation import manual_seed
    manual_seed(seed)
    np.random.seed(seed)


# --- statistics and formatting ------------------------------------------------------------------
def mean_sd(values):
    """(mean, sample standard deviation) of a list; the sd of a single value is 0."""
    values = np.asarray(values, dtype=float)
    sd = float(values.std(ddof=1)) if values.size > 1 else 0.0
    return float(values.mean()), sd


def fmt_mean_sd(values, digits=2, scale=1.0):
    """'m ± s' of ``values`` (each multiplied by ``scale``), with ``digits`` decimals."""
    m, s = mean_sd(np.asarray(values, dtype=float) * scale)
    return f"{m:.{digits}f} ± {s:.{digits}f}"


def markdown_table(headers, rows):
    """A GitHub markdown table (also readable as plain text in a terminal)."""
    lines = ["| " + " | ".join(map(str, headers)) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    return "\n".join(lines)


# --- saving -------------------------------------------------------------------------------------
def _plain(value):
    """JSON-ready: NumPy scalars and arrays to Python numbers and lists, NaN/inf to None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    return value


def save_json(results, directory, name):
    path = Path(directory) / f"{name}.json"
    path.write_text(json.dumps(_plain(results), indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path


def save_markdown(text, directory, name):
    path = Path(directory) / f"{name}.md"
    path.write_text(text.rstrip() + "\n", encoding="utf-8")
    return path


def pyplot():
    """matplotlib.pyplot on a non-interactive back end (Agg) unless a notebook chose one."""
    import matplotlib
    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save_figure(fig, directory, name, dpi=110):
    """Save ``fig`` as ``directory/name.png``, close it, and return the path."""
    path = Path(directory) / f"{name}.png"
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    pyplot().close(fig)
    return path


# --- shared by several experiments -------------------------------------------------------------
def one_blas_thread():
    """A context in which NumPy's BLAS runs on one thread (threadpoolctl, which scikit-learn
    brings; without it, nothing changes).

    These networks are small: their matrix products gain nothing from a second thread, and on
    a small machine shared with other jobs a BLAS thread pool waiting for a busy core slowed
    these experiments down up to 7× (embeddings: 19 s on one thread, 131 s on two, under load).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def on_one_blas_thread(run):
    """Decorate an experiment's ``run`` so that it runs inside :func:`one_blas_thread`."""
    @functools.wraps(run)
    def wrapper(args):
        with one_blas_thread():
            return run(args)
    return wrapper


def knn_accuracy(train_points, train_labels, test_points, test_labels, k=5):
    """Majority vote of the k nearest training points (Euclidean), ties to the lower label."""
    d = ((test_points[:, None, :] - train_points[None, :, :]) ** 2).sum(axis=-1)
    nearest = np.argsort(d, axis=1, kind="stable")[:, :k]
    votes = train_labels[nearest]
    predicted = np.array([np.bincount(v, minlength=10).argmax() for v in votes])
    return float((predicted == test_labels).mean())


def run_quick(module, *extra):
    """Run ``module``'s --quick configuration into a fresh temporary folder; return its results
    (how lessons and tests run an experiment without touching results/ or figures/)."""
    import tempfile
    out = tempfile.mkdtemp(prefix=f"minigrad-{module.NAME}-")
    return module.run(parse_args(module, ["--quick", "--out", out, *extra]))
