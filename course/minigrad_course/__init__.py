"""The course built on minigrad: the lessons' figures, the paper's experiments and the gradient
exercises, with the command line that regenerates figures/ and results/.

It uses the library only as any user would (``import minigrad as mg``, ``from minigrad import
losses, nn, optim``, ``minigrad.data``, ``minigrad.calculus``, ``minigrad.train``):

    python -m minigrad_course all            # the example, every figure, every experiment
    python -m minigrad_course figures        # the gallery alone
    python -m minigrad_course <experiment> --quick

    gallery/      the lessons' figures, one module per lesson, and the one FIGURES table
    experiments/  the experiments on one small base (base.py): one file each
    exercises/    the gradient exercises, their grader and reference solutions
    paper.py      the published numbers of the paper (Noel et al.)
    data.py       the synthetic data of the experiments
    plotting.py   matplotlib on a non-interactive back end; show or save a figure
    readme.py     the README's example, read from the README
"""
from pathlib import Path


def _repository():
    """The clone the course is used from (it is installed in editable mode, ``pip install -e
    ./course``): the folder above course/, or the working directory if the package was copied
    elsewhere."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "course" / "pyproject.toml").is_file() else Path.cwd()


ROOT = _repository()
FIGURES = ROOT / "figures"
RESULTS = ROOT / "results"
LESSONS = ROOT / "lessons"
