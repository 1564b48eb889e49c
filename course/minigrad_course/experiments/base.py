"""The base every experiment stands on: a configuration with full and --quick values, the run,
the report (markdown and JSON) and the figures.

An experiment is one module of this package (it is found by its file: nothing else to edit)
that defines

    NAME      its command: ``python -m minigrad_course NAME``; its results are saved as
              results/<module name>.json and .md
    SEEDS     Setting(full, quick): the number N of seeds 0 … N−1 (``--seeds N`` overrides it)
    CONFIG    {key: Setting(full, quick, help=...)}: every number the run depends on, with its
              full and --quick value; a Setting with a help text is also an option
              ``--key`` (underscores as dashes) that overrides both
    FIGURES   {figure name: (lesson, what it reproduces)}: the PNGs it draws, for figures/README.md
    run(setup) -> Report(text, results, figures)
              the experiment itself: ``setup.seeds``, ``setup.quick`` and ``setup.config`` (the
              resolved CONFIG, to which a run may add the values it derives from it) in; the
              markdown report, the results and the drawn figures out

and the base does the rest (:func:`execute`): the command line, the seeds, where the results
and figures go, NumPy's BLAS on one thread, printing the report, saving the JSON, the markdown
and the PNGs.  Tests and lessons run an experiment without the command line:

    results = base.run(robust_regression, ["--quick", "--out", tmp])
    results = base.run_quick(robust_regression)         # into a fresh temporary folder

The common options:

    --seeds N      number of seeds (a positive int; each experiment has its own default)
    --quick        a small configuration that runs in seconds (fewer seeds, epochs, samples)
    --out DIR      where results (JSON, markdown) go: results/, or results/quick with --quick
    --figures DIR  where figures go: figures/, or the --out folder with --quick, so that a
                   quick run never overwrites the figures the lessons show

Every saved result holds ``experiment``, ``quick``, ``seeds``, ``config``, ``runtime_s`` and
``figure`` (the path of the PNG; ``figures``, a list, for an experiment that draws several),
then what the experiment reports.
"""
import argparse
import contextlib
import json
import math
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import minigrad as mg

from ..plotting import save

_SAME = object()


@dataclass(frozen=True)
class Setting:
    """One number (or list) of an experiment's configuration: its ``full`` value and its
    ``quick`` one (the same when not given).  With a ``help`` text it is also a command-line
    option that overrides both; ``type``, ``choices`` and ``nargs`` go to argparse."""
    full: object
    quick: object = _SAME
    help: str = ""
    type: object = None
    choices: tuple = None
    nargs: str = None

    def value(self, quick):
        return self.full if (not quick or self.quick is _SAME) else self.quick

    def defaults(self):
        """What --help says of the defaults."""
        full = " ".join(map(str, self.full)) if isinstance(self.full, (list, tuple)) else self.full
        if self.quick is _SAME or self.quick == self.full:
            return f"default {full}"
        return f"default {full}; {self.quick} with --quick"


@dataclass
class Setup:
    """What an experiment's ``run`` receives."""
    quick: bool
    seeds: list
    config: dict


@dataclass
class Report:
    """What an experiment's ``run`` returns: its markdown ``text`` (printed and saved as .md),
    its ``results`` (saved as JSON, after the base's own fields) and its ``figures`` by name."""
    text: str
    results: dict
    figures: dict = field(default_factory=dict)


# --- the command line ---------------------------------------------------------------------------
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


def option(key):
    return "--" + key.replace("_", "-")


def make_parser(module):
    """The parser of one experiment: the common options plus its settings that have a help."""
    parser = argparse.ArgumentParser(prog=f"python -m minigrad_course {module.NAME}",
                                     description=" ".join((module.__doc__ or "").strip()
                                                          .split("\n\n")[0].split()))
    add_common_arguments(parser)
    for key, setting in module.CONFIG.items():
        if setting.help:
            kind = setting.type or (type(setting.full) if setting.nargs is None else None)
            parser.add_argument(option(key), dest=key, default=None, type=kind,
                                choices=setting.choices, nargs=setting.nargs,
                                help=f"{setting.help} ({setting.defaults()})")
    return parser


def parse_args(module, argv=()):
    """The options of ``module`` as the command line would parse ``argv``."""
    return make_parser(module).parse_args(list(argv))


def setup(module, args):
    """The seeds and the resolved configuration: an option given on the command line, else the
    --quick value with --quick, else the full value."""
    quick = bool(args.quick)
    n = args.seeds if args.seeds is not None else module.SEEDS.value(quick)
    config = {}
    for key, setting in module.CONFIG.items():
        given = getattr(args, key, None) if setting.help else None
        config[key] = given if given is not None else setting.value(quick)
    return Setup(quick=quick, seeds=list(range(n)), config=config)


def paths(args):
    """(results folder, figures folder), created, after the defaults described above."""
    quick = getattr(args, "quick", False)
    out = Path(args.out if args.out is not None else ("results/quick" if quick else "results"))
    figures = Path(args.figures if args.figures is not None else (out if quick else "figures"))
    out.mkdir(parents=True, exist_ok=True)
    figures.mkdir(parents=True, exist_ok=True)
    return out, figures


# --- running ------------------------------------------------------------------------------------
def execute(module, args):
    """Run ``module`` with parsed ``args``: print its report, save its results, markdown and
    figures, and return the results."""
    out, figures = paths(args)
    start = time.perf_counter()
    plan = setup(module, args)
    with one_blas_thread():
        report = module.run(plan)
    runtime = time.perf_counter() - start
    print(report.text)
    saved = [str(save(fig, figures, name)) for name, fig in report.figures.items()]
    results = {"experiment": module.NAME, "quick": plan.quick, "seeds": plan.seeds,
               "config": plan.config, **report.results, "runtime_s": runtime}
    if len(saved) == 1:
        results["figure"] = saved[0]
    else:
        results["figures"] = saved
    stem = module.__name__.rsplit(".", 1)[-1]
    save_json(results, out, stem)
    save_markdown(report.text, out, stem)
    return results


def run(module, argv=()):
    """Run ``module`` as ``python -m minigrad_course NAME *argv`` would; return its results."""
    return execute(module, parse_args(module, argv))


def run_quick(module, *extra):
    """Run ``module``'s --quick configuration into a fresh temporary folder; return its results
    (how lessons and tests run an experiment without touching results/ or figures/)."""
    out = tempfile.mkdtemp(prefix=f"minigrad-{module.NAME}-")
    return run(module, ["--quick", "--out", out, *extra])


def seed_everything(seed):
    """Seed minigrad's generator (initialisations, shuffling) and NumPy's global one."""
    mg.manual_seed(seed)
    np.random.seed(seed)


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


def knn_accuracy(train_points, train_labels, test_points, test_labels, k=5):
    """Majority vote of the k nearest training points (Euclidean), ties to the lower label."""
    d = ((test_points[:, None, :] - train_points[None, :, :]) ** 2).sum(axis=-1)
    nearest = np.argsort(d, axis=1, kind="stable")[:, :k]
    votes = train_labels[nearest]
    predicted = np.array([np.bincount(v, minlength=10).argmax() for v in votes])
    return float((predicted == test_labels).mean())


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
