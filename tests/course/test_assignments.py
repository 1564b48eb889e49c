"""The Otter-Grader assignments, built and graded as course staff would: every assignment is
built with ``otter assign`` (which itself runs every test against the solutions), then
submissions are graded offline with ``otter run``, exactly as Gradescope runs the autograder:
the solutions get full marks, the blank student notebooks zero, planted mistakes their
partial scores and diagnoses, each known trick to beat the grader zero, and bad submissions
a score and a message instead of a crash."""
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from minigrad_course import assignments
from minigrad_course.exercises import EXERCISES


pytest.importorskip("otter")
nbformat = pytest.importorskip("nbformat")
SEED = 20261202


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every assignment, built once for this module with a known hidden seed."""
    return assignments.build(tmp_path_factory.mktemp("assignments"), seed=SEED)


def student_notebook(built, name):
    return built[name] / "student" / f"{name}.ipynb"


def grade(built, name, notebook, tmp_path):
    """Grade ``notebook`` with ``otter run`` against the assignment's autograder zip; return
    ({question: score}, the text shown for each question, seconds taken)."""
    out = Path(tempfile.mkdtemp(prefix=f"graded-{notebook.stem}-", dir=tmp_path))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "otter", "run", "-a",
                           str(assignments.autograder_zip(built[name])), "-o", str(out),
                           str(notebook)], capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((out / "results.json").read_text())
    scores = {t["name"]: t["score"] for t in results["tests"] if "score" in t}
    shown = {t["name"]: t.get("output", "") for t in results["tests"]}
    return scores, shown, seconds


def submission(built, name, tmp_path, answers, before=""):
    """The student notebook of ``name`` with the answer cell of each function in ``answers``
    replaced by its source (None deletes the cell), and a first code cell ``before``."""
    notebook = nbformat.read(student_notebook(built, name), as_version=4)
    cells = []
    for cell in notebook.cells:
        function = next((f for f in answers if cell.source.startswith(f"def {f}(")), None)
        if function is None:
            cells.append(cell)
        elif answers[function] is not None:
            cell.source = answers[function]
            cells.append(cell)
    if before:
        cells.insert(1, nbformat.v4.new_code_cell(before))
    notebook.cells = cells
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


def solution(built, name, function):
    """The source of ``function`` in the solutions notebook of ``name``."""
    notebook = nbformat.read(built[name] / "autograder" / f"{name}.ipynb", as_version=4)
    return next(c.source for c in notebook.cells if f"def {function}(" in c.source)


def full_marks(name):
    return {e: assignments.PUBLIC_POINTS + assignments.HIDDEN_POINTS
            for e in next(a for a in assignments.ASSIGNMENTS if a.name == name).exercises}


# --- the build -------------------------------------------------------------------------------
def test_every_exercise_is_in_exactly_one_assignment():
    names = [e for a in assignments.ASSIGNMENTS for e in a.exercises]
    assert sorted(names) == sorted(EXERCISES)


def test_student_notebooks_hold_no_solution_and_no_hidden_test(built):
    for name, dist in built.items():
        text = student_notebook(built, name).read_text()
        assert "BEGIN SOLUTION" not in text and "seed=" not in text and str(SEED) not in text
        for exercise in next(a for a in assignments.ASSIGNMENTS if a.name == name).exercises:
            assert f"grader.check(\\\"{exercise}\\\")" in text
        assert not list((dist / "student").glob("*solution*"))


def test_the_autograder_needs_numpy_and_minigrad_only(built):
    import zipfile
    for dist in built.values():
        archive = zipfile.ZipFile(assignments.autograder_zip(dist))
        environment = archive.read("environment.yml").decode()
        requirements = [line.strip()[2:] for line in environment.split("- pip:")[1].splitlines()
                        if line.strip().startswith("- ")]
        ours = [r for r in requirements if not r.startswith("otter-grader")]
        assert ours[0].startswith("numpy") and len(ours) == 3, requirements
        assert all(f"files/wheels/{Path(r).name}" in archive.namelist() for r in ours[1:])
        assert not any("torch" in r or "cupy" in r for r in requirements)
        hidden = [archive.read(n).decode() for n in archive.namelist() if n.startswith("tests/")]
        assert all(f"seed={SEED}" in test for test in hidden)


def test_the_committed_student_notebooks_are_this_build(built):
    for name in built:
        committed = assignments.RELEASED / f"{name}.ipynb"
        assert committed.read_text() == student_notebook(built, name).read_text(), (
            f"{committed} is stale: run python -m minigrad_course assignments --release")


# --- grading ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [a.name for a in assignments.ASSIGNMENTS])
def test_the_solutions_get_full_marks_and_a_blank_notebook_zero(built, name, tmp_path):
    scores, _, seconds = grade(built, name, built[name] / "autograder" / f"{name}.ipynb", tmp_path)
    assert scores == full_marks(name)
    blank, shown, _ = grade(built, name, student_notebook(built, name), tmp_path)
    assert blank == {exercise: 0 for exercise in full_marks(name)}
    assert all("not an array" in shown[exercise] and "Not answered yet?" in shown[exercise]
               for exercise in blank)
    print(f"{name}: graded in {seconds:.1f} s")


def test_planted_mistakes_get_their_partial_scores_and_diagnoses(built, tmp_path):
    public_sums = {round(float(case["x"].sum()), 9) for case in EXERCISES["smae_curvature"].cases()}
    answers = {
        "grad_mse": "def grad_mse(x, y):\n    return 2 * (x - y)\n",                # sum, not mean
        "grad_l1": "def grad_l1(x, y):\n    return np.where(x > y, 1.0, -1.0) / x.size\n",
        "grad_huber": solution(built, "regression", "grad_huber"),
        "grad_smae": ("def grad_smae(x, y):\n    e = y - x\n    t = np.tanh(e / 2)\n"
                      "    return (t + e / 2 * (1 - t * t)) / x.size\n"),         # sign of de/dx
        # Right on the public cases only, which it recognises: the hidden ones tell.
        "smae_second_derivative": (
            "def smae_second_derivative(x, y):\n"
            f"    if round(float(x.sum()), 9) in {public_sums!r}:\n"
            "        e = y - x\n        t = np.tanh(e / 2)\n"
            "        return (1 - t * t) * (1 - e * t / 2)\n"
            "    return np.ones_like(x)\n"),
    }
    scores, shown, _ = grade(built, "regression", submission(built, "regression", tmp_path, answers),
                             tmp_path)
    assert scores == {"mse": 0, "l1": 0, "huber": 3, "smae": 0, "smae_curvature": 1}
    assert "missing 1/N" in shown["mse"]
    assert "wrong at a kink" in shown["l1"]
    assert "flipped sign" in shown["smae"]


def test_each_trick_to_beat_the_grader_scores_zero(built, tmp_path):
    before = ("import minigrad as mg\n"
              "from minigrad_course.exercises import EXERCISES, grader\n")
    answers = {
        # The engine's own true gradient, through the catalogue.
        "grad_mse": ("def grad_mse(x, y):\n"
                     "    return EXERCISES['mse'].true_gradient(dict(x=x, y=y))\n"),
        # minigrad's autograd inside a NumPy answer.
        "grad_l1": ("def grad_l1(x, y):\n"
                    "    t = mg.tensor(x, requires_grad=True)\n"
                    "    (g,) = mg.grad(mg.losses.l1_loss(t, mg.tensor(y)), t)\n"
                    "    return g.numpy()\n"),
        # Central differences of the forward formula.
        "grad_huber": ("def grad_huber(x, y, delta, h=1e-6):\n"
                       "    def loss(x):\n"
                       "        e = np.abs(y - x)\n"
                       "        return np.where(e <= delta, 0.5 * e**2, delta * (e - 0.5 * delta))\n"
                       "    return (loss(x + h) - loss(x - h)) / (2 * h) / x.size\n"),
        # Tampering with the grader from inside the answer, then a wrong answer.
        "grad_smae": ("def grad_smae(x, y):\n"
                      "    try:\n"
                      "        import minigrad_course.exercises.grader as g\n"
                      "        g._same = lambda u, t: True\n"
                      "    except ImportError:\n"
                      "        pass\n"
                      "    return np.zeros_like(x)\n"),
        # The reference solutions, read from the course's files.
        "smae_second_derivative": (
            "def smae_second_derivative(x, y):\n"
            "    import runpy\n"
            f"    path = {str(assignments.SOLUTIONS_FILE)!r}\n"
            "    return runpy.run_path(path)['smae_second_derivative'](x, y)\n"),
    }
    notebook = submission(built, "regression", tmp_path, answers, before=before)
    scores, shown, _ = grade(built, "regression", notebook, tmp_path)
    assert scores == {exercise: 0 for exercise in full_marks("regression")}, shown
    assert "EXERCISES" in shown["mse"] and "refused" in shown["mse"]
    assert "minigrad" in shown["l1"] and "refused" in shown["l1"]
    assert "finite differences" in shown["huber"]
    assert "may read only NumPy" in shown["smae_curvature"]


def test_bad_submissions_get_a_score_and_a_message(built, tmp_path):
    answers = {
        "grad_matmul_a": "def grad_matmul_a(A, B, G)\n    return G @ B.T\n",      # does not parse
        "grad_matmul_b": None,                                                  # never defined
        "grad_bias": "def grad_bias(a, b, G):\n    return ['not', 'numbers']\n",
        "grad_linear_regression_bias": (
            "def grad_linear_regression_bias(b, X, W, Y):\n"
            "    return (2 * (X @ W + b - Y) / Y.size)[..., None]\n"),             # wrong shape
        "grad_logsumexp": "def grad_logsumexp(x):\n    raise ValueError('not today')\n",
        "grad_l2_penalty": "def grad_l2_penalty(W, lam):\n    while True:\n        pass\n",
        "grad_triplet_anchor": solution(built, "backprop", "grad_triplet_anchor"),
    }
    notebook = submission(built, "backprop", tmp_path, answers)
    scores, shown, _ = grade(built, "backprop", notebook, tmp_path)
    expected = {exercise: 0 for exercise in full_marks("backprop")}
    expected["triplet_anchor"] = 3
    assert scores == expected, shown
    assert "define grad_matmul_a" in shown["matmul_a"]
    assert "define grad_matmul_b" in shown["matmul_b"]
    assert "not an array" in shown["bias"]
    assert "wrong shape" in shown["linear_regression_bias"]
    assert "ValueError: not today" in shown["logsumexp"]
    assert "timed out" in shown["l2_penalty"]
