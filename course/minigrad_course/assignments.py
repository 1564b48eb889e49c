"""The gradient exercises as Otter-Grader assignments, for course staff.

    python -m minigrad_course assignments [--out DIR] [--seed N] [--only NAME ...]
                                          [--no-run-tests] [--release DIR]

For each assignment of ASSIGNMENTS this writes an Otter master notebook (DIR/NAME/NAME.ipynb:
the statements of the exercise catalogue, the reference solutions of
course/assignments/solutions.py inside ``# BEGIN SOLUTION`` regions, a public and a hidden
test per exercise) and runs ``otter assign`` on it, which gives

    DIR/NAME/dist/student/      the notebook to hand out, with its public tests (no solutions)
    DIR/NAME/dist/autograder/   the Gradescope autograder zip and the solutions notebook

``otter run -a DIR/NAME/dist/autograder/NAME-autograder_*.zip submission.ipynb`` grades a
submission offline as Gradescope would.  A public test checks the public cases and prints
the grader's diagnosis; the hidden test checks cases drawn from ``--seed`` (a random number
when not given), which is written only into the autograder's tests.  In both, the student's
function runs in a separate restricted process (minigrad_course.exercises.sandbox), and the
true gradients are computed by the grading side with the engine's autograd.
"""
import ast
import json
import re
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from . import ROOT
from .exercises import EXERCISES

SOLUTIONS_FILE = ROOT / "course" / "assignments" / "solutions.py"
"""The reference solutions: course staff's file, in no package and no student notebook."""

PUBLIC_POINTS, HIDDEN_POINTS = 1, 2
"""Points per exercise: its public test (the cases the student sees) and its hidden test."""

DEFAULT_OUT = ROOT / "build" / "assignments"
RELEASED = ROOT / "lessons" / "exercises"
"""Where the student notebooks are committed for self-study (``--release``)."""

AUTOGRADER_DIR = "/autograder/source/files"
"""Where Gradescope unpacks the files of the autograder zip (Otter's ``files/``)."""


@dataclass(frozen=True)
class Assignment:
    name: str
    title: str
    exercises: tuple

    @property
    def points(self):
        return len(self.exercises) * (PUBLIC_POINTS + HIDDEN_POINTS)


ASSIGNMENTS = (
    Assignment("regression", "Gradients of the regression losses",
               ("mse", "l1", "huber", "smae", "smae_curvature")),
    Assignment("classification", "Gradients of the classification losses",
               ("bce_with_logits", "logistic_regression", "cross_entropy", "sigmoid_focal",
                "m_loss", "l_loss")),
    Assignment("backprop", "Backward passes: products, broadcasting, penalties",
               ("matmul_a", "matmul_b", "bias", "linear_regression_bias", "logsumexp",
                "l2_penalty", "triplet_anchor")),
)

INTRODUCTION = """# {title}

Each exercise gives a function (a loss, a penalty, a layer's forward pass) and asks for its
gradient.  Derive it by hand, then write it **in NumPy**: your function receives NumPy arrays
and returns the gradient as a NumPy array, shaped like the argument it differentiates.

Run the test cell under each exercise (`grader.check(...)`): it runs your function on the
public cases and compares it with the gradient minigrad's autograd computes; when they
disagree it says what is *likely* wrong (a flipped sign, a missing 1/N, a gradient left
broadcast, ...).  Your grade also counts hidden cases, drawn at grading time.

Your function runs in a separate process that has NumPy and the standard library only, for
at most a few seconds: minigrad, autograd packages and finite differences are refused.

This assignment is worth {points} points: {public} per exercise for the public cases and
{hidden} for the hidden ones."""


# --- the master notebook ---------------------------------------------------------------------
def _solution_functions():
    """name -> (the def's first line, its body) of every top-level function of SOLUTIONS_FILE."""
    text = SOLUTIONS_FILE.read_text()
    functions = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef):
            lines = ast.get_source_segment(text, node).splitlines()
            functions[node.name] = (lines[0], lines[1:])
    return functions


HELPERS = ("log_sigmoid", "sigmoid", "softmax")
"""Functions of SOLUTIONS_FILE that solutions call (in this order, since sigmoid calls log_sigmoid)."""


def _uses(lines, name):
    return any(re.search(rf"\b{name}\(", line) for line in lines)


def _needs(solutions, lines, helper):
    """Whether code ``lines`` call ``helper``, directly or through another helper."""
    return _uses(lines, helper) or any(
        _uses(lines, other) and _needs(solutions, solutions[other][1], helper)
        for other in HELPERS if other != helper)


def _config_cell(assignment):
    config = {
        "name": assignment.name,
        "requirements": "requirements.txt",
        "autograder_files": ["wheels"],
        "export_cell": False,
        "generate": {"pdf": False},
        "tests": {"ok_format": False},
        "show_question_points": True,
    }
    return "# ASSIGNMENT CONFIG\n" + json.dumps(config, indent=2)  # JSON is YAML


def _test_cell(exercise, seed):
    hidden = seed is not None
    kind = "hidden" if hidden else "public"
    config = f'""" # BEGIN TEST CONFIG\npoints: {HIDDEN_POINTS if hidden else PUBLIC_POINTS}\n'
    config += "hidden: true\n" if hidden else ""
    config += '""" # END TEST CONFIG\n'
    seed_argument = f", seed={seed}" if hidden else ""
    return (config
            + f"def test_{exercise.name}_{kind}({exercise.function_name}):\n"
            + "    from minigrad_course.exercises import assert_passes\n"
            + f"    assert_passes({exercise.name!r}, {exercise.function_name}{seed_argument})\n\n"
            + f"test_{exercise.name}_{kind}({exercise.function_name})")


def master_notebook(assignment, seed):
    """The Otter master notebook of ``assignment``, its hidden tests drawn from ``seed``."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell
    solutions = _solution_functions()
    cells = [new_raw_cell(_config_cell(assignment)),
             new_markdown_cell(INTRODUCTION.format(
                 title=assignment.title, points=assignment.points, public=PUBLIC_POINTS,
                 hidden=HIDDEN_POINTS)),
             new_code_cell("import numpy as np")]
    defined = set()
    for number, name in enumerate(assignment.exercises, 1):
        exercise = EXERCISES[name]
        first, body = solutions[exercise.function_name]
        # The reference's own helpers (a stable sigmoid...) go with the first solution that
        # uses them, removed whole from the student's notebook: students write their own.
        helpers = [h for h in HELPERS if h not in defined and _needs(solutions, body, h)]
        defined |= set(helpers)
        helper_lines = (["# BEGIN SOLUTION NO PROMPT"]
                        + [line for h in helpers for line in [solutions[h][0], *solutions[h][1], ""]]
                        + ["# END SOLUTION"] if helpers else [])
        cells += [
            new_raw_cell(f"# BEGIN QUESTION\nname: {name}"),
            new_markdown_cell(f"## {number}. {exercise.title}\n\n{exercise.statement.strip()}"
                              f"\n\nWrite `{exercise.signature}`."),
            new_raw_cell("# BEGIN SOLUTION"),
            new_code_cell("\n".join([*helper_lines, first, "    # BEGIN SOLUTION", *body,
                                     "    # END SOLUTION"])),
            new_raw_cell("# END SOLUTION"),
            new_raw_cell("# BEGIN TESTS"),
            new_code_cell(_test_cell(exercise, None)),
            new_code_cell(_test_cell(exercise, seed)),
            new_raw_cell("# END TESTS"),
            new_raw_cell("# END QUESTION"),
        ]
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    for number, cell in enumerate(notebook.cells):  # fixed ids: the build is reproducible
        cell.id = f"cell-{number:02d}"
    return notebook


# --- building ---------------------------------------------------------------------------------
def _wheels(folder):
    """Wheels of minigrad and minigrad-course, for the autograder image (NumPy is their only
    other requirement)."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(folder), str(ROOT), str(ROOT / "course")], check=True)
    return sorted(path.name for path in folder.glob("*.whl"))


def build(out=DEFAULT_OUT, *, seed=None, only=None, run_tests=True, release=None):
    """Write and assign every assignment (or those named in ``only``) under ``out``; copy each
    student notebook into ``release`` when given (lessons/exercises/ for self-study); return
    {name: its dist folder}.  ``run_tests``: otter assign runs every test against the
    solutions, which must all pass."""
    import nbformat
    out = Path(out)
    seed = secrets.randbelow(2**31) if seed is None else seed
    wheels = out / "wheels"
    wheel_names = _wheels(wheels)
    built = {}
    for assignment in ASSIGNMENTS:
        if only and assignment.name not in only:
            continue
        folder = out / assignment.name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        shutil.copytree(wheels, folder / "wheels")
        (folder / "requirements.txt").write_text(
            "numpy>=1.24\n" + "".join(f"{AUTOGRADER_DIR}/wheels/{name}\n" for name in wheel_names))
        master = folder / f"{assignment.name}.ipynb"
        nbformat.write(master_notebook(assignment, seed), master)
        command = [sys.executable, "-m", "otter", "assign", master.name, "dist"]
        if not run_tests:
            command.insert(4, "--no-run-tests")
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"otter assign failed for {assignment.name}:\n{done.stdout}"
                               f"\n{done.stderr}")
        for notebook in (folder / "dist").glob("*/*.ipynb"):
            _number_cells(notebook)
        built[assignment.name] = folder / "dist"
        if release is not None:
            Path(release).mkdir(parents=True, exist_ok=True)
            shutil.copy(folder / "dist" / "student" / master.name, Path(release) / master.name)
    return built


def _number_cells(path):
    """Give the cells Otter added fixed ids, so that the same build gives the same notebook."""
    import nbformat
    notebook = nbformat.read(path, as_version=4)
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number:02d}"
    nbformat.write(notebook, path)


def autograder_zip(dist):
    """The Gradescope autograder zip that ``otter assign`` wrote into ``dist``."""
    (path,) = (Path(dist) / "autograder").glob("*-autograder_*.zip")
    return path
