"""Build the two exercise notebooks from the exercise catalogue, with no outputs.

    python -m minigrad_course exercise-notebooks [--out DIR]     (default lessons/exercises/)

gradient_exercises.ipynb: for each exercise, its statement and a function to fill in, which
returns zeros until the student writes it, followed by ``check(...)``: the notebook runs top to
bottom and shows a diagnosis under every exercise.  solutions.ipynb: the same statements with
the reference solutions of course/minigrad_course/exercises/solutions.py, each passing its
check.  The notebooks import the installed course (``pip install -e ./course``).
"""
import inspect
from pathlib import Path

from .. import LESSONS
from . import DIAGNOSES, EXERCISES, solutions

STUDENT = "gradient_exercises.ipynb"
SOLUTIONS = "solutions.ipynb"

INTRODUCTION = """# Gradient exercises

Each exercise gives a function (a loss, a penalty, a layer's forward pass) and asks for its
gradient.  Derive it by hand, then write it in NumPy: your function receives NumPy arrays and
returns the gradient as a NumPy array, shaped like the argument it differentiates.

`check(name, your_function)` runs your function on several cases (some with broadcast shapes,
some on the kinks of the function) and compares it with the gradient that minigrad's autograd
computes.  When it disagrees it says what is *likely* wrong:

{diagnoses}

Every function below returns zeros until you write it, so the notebook runs from top to bottom
and shows a diagnosis under each exercise.  The last cell sums up."""

IMPORTS = """\
from minigrad_course.exercises import check, check_all
import numpy as np"""

SOLUTIONS_INTRODUCTION = """# Gradient exercises: solutions

The reference solutions of `gradient_exercises.ipynb`, derived by hand (the derivation is in
the comments) and checked against minigrad's autograd.  They live in
`course/minigrad_course/exercises/solutions.py`; this notebook is built from that file."""


def _diagnosis_list():
    return "\n".join(f"- **{name}**: {meaning}" for name, meaning in DIAGNOSES.items()
                     if name not in ("passed", "not defined"))


def _statement(number, exercise):
    return (f"## {number}. {exercise.title}\n\n{exercise.statement.strip()}\n\n"
            f"Write `{exercise.signature}`.")


def _skeleton(exercise):
    return (f"def {exercise.signature}:\n"
            f"    # Your derivation here: return ∂/∂{exercise.wrt}, "
            f"an array shaped like {exercise.wrt}.\n"
            f"    return np.zeros_like({exercise.wrt})\n\n\n"
            f"check({exercise.name!r}, {exercise.function_name})")


def _solution(exercise):
    function = solutions.SOLUTIONS[exercise.name]
    return (inspect.getsource(function).rstrip() + "\n\n\n"
            f"check({exercise.name!r}, {exercise.function_name})")


def _notebook(cells):
    from nbformat.v4 import new_notebook
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    for number, cell in enumerate(notebook.cells):  # fixed ids: the build is reproducible
        cell.id = f"cell-{number:02d}"
    return notebook


def student_notebook():
    from nbformat.v4 import new_code_cell, new_markdown_cell
    cells = [new_markdown_cell(INTRODUCTION.format(diagnoses=_diagnosis_list())),
             new_code_cell(IMPORTS)]
    for number, exercise in enumerate(EXERCISES.values(), 1):
        cells += [new_markdown_cell(_statement(number, exercise)), new_code_cell(_skeleton(exercise))]
    cells += [new_markdown_cell("## Summary"), new_code_cell("check_all(globals())")]
    return _notebook(cells)


def solutions_notebook():
    from nbformat.v4 import new_code_cell, new_markdown_cell
    helpers = "\n\n\n".join(inspect.getsource(helper).rstrip() for helper in solutions.HELPERS)
    cells = [new_markdown_cell(SOLUTIONS_INTRODUCTION),
             new_code_cell(IMPORTS),
             new_markdown_cell("Helpers: forward functions written so that they never overflow."),
             new_code_cell(helpers)]
    for number, exercise in enumerate(EXERCISES.values(), 1):
        cells += [new_markdown_cell(_statement(number, exercise)), new_code_cell(_solution(exercise))]
    cells += [new_markdown_cell("## Summary"), new_code_cell("check_all(globals())")]
    return _notebook(cells)


def build(directory=LESSONS / "exercises"):
    """The notebooks to write, by path (in ``directory``, default lessons/exercises/)."""
    directory = Path(directory)
    return {directory / STUDENT: student_notebook(), directory / SOLUTIONS: solutions_notebook()}


def write(directory=LESSONS / "exercises"):
    """Build both notebooks and write them into ``directory``; return their paths."""
    import nbformat
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for path, notebook in build(directory).items():
        nbformat.validate(notebook)
        nbformat.write(notebook, path)
        written.append(path)
    return written
