"""The build-the-engine track (minigrad_course.engine_track): the task regions marked in the
library, the student edition, and the tagged tests of tests/engine_track/ as the autograder.

The autograder's own run_autograder grades, each in its own process and all at once: the
library itself (full marks), the edition with every task blanked (no marks; only the tests of
the code around the tasks pass), and for each task k the edition that blanks task k alone
(exactly task k's tests fail, every other test passes).
"""
import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from minigrad_course.engine_track import TASKS, autograder, edition

from .. import ROOT

POINTS = {t.name: t.points for t in TASKS}
REGIONS = {  # task → the functions whose bodies the student writes
    "vjps": {"Mul.backward", "Div.backward", "PowScalar.backward", "Exp.backward",
             "Log.backward", "TanhGrad.forward", "SigmoidGrad.forward", "SumGrad.forward",
             "MatMul.backward"},
    "unbroadcast": {"sum_to"},
    "walk": {"topological_order", "backward_walk"},
    "softmax": {"Tensor._max_shift", "Tensor.logsumexp", "Tensor.softmax", "LogSoftmax.forward"},
    "losses": {"mse_loss", "huber_pointwise", "binary_cross_entropy_with_logits",
               "class_index_loss"},
    "optim": {"SGD.update", "Adam.update"},
}
SUBMISSIONS = ["reference", "all-blanked"] + [f"only-{t.name}" for t in TASKS]


def run_autograder(source, root):
    """Start ``source``/run_autograder on ``root``/submission, as Gradescope would."""
    (root / "source").symlink_to(source)
    env = {**os.environ, "AUTOGRADER": str(root), "PYTHON": sys.executable}
    return subprocess.Popen(["bash", str(source / "run_autograder")], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def results_of(root, process):
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output
    return json.loads((root / "results" / "results.json").read_text())


@pytest.fixture(scope="module")
def grader(tmp_path_factory):
    """The autograder's folder (what autograder.zip holds)."""
    source = tmp_path_factory.mktemp("autograder") / "source"
    autograder.write_autograder(source)
    return source


@pytest.fixture(scope="module")
def graded(grader, tmp_path_factory):
    """results.json of every submission of SUBMISSIONS, graded concurrently."""
    started = {}
    for name in SUBMISSIONS:
        root = tmp_path_factory.mktemp(name)
        package = root / "submission" / "minigrad"
        if name == "reference":
            shutil.copytree(edition.library_package(), package,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            tasks = None if name == "all-blanked" else [name.removeprefix("only-")]
            edition.write_edition(root / "edition", tasks)
            shutil.copytree(root / "edition" / "minigrad", package)
        started[name] = (root, run_autograder(grader, root))
    return {name: results_of(root, process) for name, (root, process) in started.items()}


def task_of(test):
    """The task name of a results.json entry, or None for the code around the tasks."""
    name = test["name"]
    return name[name.index("(") + 1:name.index(")")] if name.startswith("Task ") else None


# --- the regions --------------------------------------------------------------------------------
def test_the_library_marks_the_regions_of_every_task_inside_functions():
    found = {}
    for region in edition.library_regions():
        found.setdefault(region.task.name, set()).add(region.function)
    assert found == REGIONS


def test_every_task_has_tagged_tests_and_every_tag_names_a_task():
    tagged = edition.tests_of(edition.TESTS)
    assert set(tagged) == set(POINTS)


@pytest.mark.parametrize("text, error", [
    ("def f():\n    # BEGIN TASK 2 unbroadcast\n    return 1\n", "without its END"),
    ("def f():\n    # BEGIN TASK 2 softmax\n    return 1\n    # END TASK 2\n", "no task 2 softmax"),
    ("def f():\n    # BEGIN TASK 2 unbroadcast\n    return 1\n    # END TASK 3\n", "closes no"),
    ("def f():\n    # BEGIN TASK 2 unbroadcast\n    return 1\n  # END TASK 2\n", "closes no"),
    ("def f():\n    # BEGIN TASK 2 unbroadcast\n    # END TASK 2\n", "holds a block"),
    ("# BEGIN TASK 2 unbroadcast\nx = 1\n# END TASK 2\n", "inside a function"),
    ("def f():\n    # BEGIN TASK 2\n    return 1\n", "malformed"),
], ids=["unclosed", "wrong-name", "wrong-number", "wrong-indent", "empty", "module-level",
        "malformed"])
def test_a_wrong_marker_is_refused(text, error):
    with pytest.raises(edition.RegionError, match=error):
        edition.find_regions(text)


# --- the student edition ------------------------------------------------------------------------
def without_region_bodies(text):
    """The lines of a file outside its regions' bodies (markers kept)."""
    lines = text.splitlines()
    inside = {k for r in edition.find_regions(text) for k in range(r.begin, r.end - 1)}
    return [line for k, line in enumerate(lines) if k not in inside]


def functions(text):
    return dict(edition._functions(ast.parse(text)))


def test_the_edition_replaces_each_body_by_a_stub_and_keeps_everything_else(tmp_path):
    blanked = edition.write_edition(tmp_path, ["walk", "losses"])
    assert {r.task.name for r in blanked} == {"walk", "losses"}
    package = edition.library_package()
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent)
        ours, theirs = path.read_text(), (tmp_path / relative).read_text()
        assert without_region_bodies(ours) == without_region_bodies(theirs), relative
        for region in edition.find_regions(theirs, relative.as_posix()):
            body = theirs.splitlines()[region.begin:region.end - 1]
            if region.task.name in ("walk", "losses"):
                assert body == [edition.stub(region)]
                assert f"Task {region.task.number} ({region.task.name}): implement " \
                    f"{region.function} — see ASSIGNMENT.md" in body[0]
            else:
                assert body == ours.splitlines()[region.begin:region.end - 1]
        before, after = functions(ours), functions(theirs)
        for name in before:
            assert ast.dump(before[name].args) == ast.dump(after[name].args), name
            assert ast.get_docstring(before[name]) == ast.get_docstring(after[name]), name


def test_the_edition_imports_with_every_task_blanked_and_a_stub_raises_when_called(tmp_path):
    edition.write_edition(tmp_path)
    code = ("import minigrad as mg\n"
            "print(mg.__file__)\n"
            "try:\n"
            "    mg.tensor([1.0, 2.0]).softmax()\n"
            "except NotImplementedError as error:\n"
            "    print(error)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    where, message = done.stdout.splitlines()
    assert where == str(tmp_path / "minigrad" / "__init__.py")
    assert message == "Task 4 (softmax): implement Tensor.softmax — see ASSIGNMENT.md"


def test_the_edition_is_an_installable_package_with_its_assignment_and_tests(tmp_path):
    edition.write_edition(tmp_path / "edition")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "--no-index", "-q", "-w",
                           str(tmp_path / "dist"), str(tmp_path / "edition")],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = (tmp_path / "dist").glob("minigrad-*.whl")
    optim = zipfile.ZipFile(wheel).read("minigrad/optim.py").decode()
    assert "Task 6 (optim): implement SGD.update" in optim
    assignment = (tmp_path / "edition" / "ASSIGNMENT.md").read_text()
    for task in TASKS:
        assert f"| {task.number} `{task.name}` | {task.points} |" in assignment
        assert f"tests/test_task{task.number}_{task.name}.py" in assignment
        for function in REGIONS[task.name]:
            assert f"`{function}`" in assignment
    copied = sorted(p.name for p in (tmp_path / "edition" / "tests").iterdir())
    assert copied == sorted(p.name for p in edition.TESTS.glob("*.py") if p.name != "__init__.py")


def test_an_edition_is_written_into_a_new_folder_only(tmp_path):
    (tmp_path / "work.py").write_text("my work")
    with pytest.raises(FileExistsError):
        edition.write_edition(tmp_path)
    with pytest.raises(ValueError, match="unknown task"):
        edition.write_edition(tmp_path / "new", ["backprop"])


# --- the autograder -----------------------------------------------------------------------------
def test_the_reference_scores_full_marks(graded):
    results = graded["reference"]
    assert results["score"] == sum(POINTS.values())
    assert all(t["status"] == "passed" for t in results["tests"]), \
        [t["name"] for t in results["tests"] if t["status"] != "passed"]
    for name, points in POINTS.items():
        tests = [t for t in results["tests"] if task_of(t) == name]
        assert tests and sum(t["max_score"] for t in tests) == pytest.approx(points)


def test_with_every_task_blanked_every_task_test_fails_on_its_own_stub(graded):
    results = graded["all-blanked"]
    assert results["score"] == 0
    for test in results["tests"]:
        name = task_of(test)
        if name is None:
            assert test["status"] == "passed", test
            continue
        number = next(t.number for t in TASKS if t.name == name)
        assert test["status"] == "failed" and test["score"] == 0, test["name"]
        assert f"NotImplementedError: Task {number} ({name}): implement" in test["output"], \
            test["name"]


@pytest.mark.parametrize("blanked", [t.name for t in TASKS])
def test_blanking_one_task_fails_exactly_its_tests(graded, blanked):
    results = graded[f"only-{blanked}"]
    wrong = [t["name"] for t in results["tests"]
             if (t["status"] == "failed") != (task_of(t) == blanked)]
    assert not wrong, wrong
    assert results["score"] == pytest.approx(sum(POINTS.values()) - POINTS[blanked])
    assert f"({blanked}): 0/{POINTS[blanked]}" in results["output"]


def grade_alone(grader, root):
    process = run_autograder(grader, root)
    return results_of(root, process)


def test_a_submission_without_minigrad_scores_zero_and_says_why(grader, tmp_path):
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "answers.py").write_text("x = 1\n")
    results = grade_alone(grader, tmp_path)
    assert results["score"] == 0 and "No minigrad/ package" in results["output"]


def test_a_submission_that_does_not_import_scores_zero_with_the_error(grader, tmp_path):
    package = tmp_path / "submission" / "homework" / "minigrad"  # in a folder of its own
    shutil.copytree(edition.library_package(), package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    optim = package / "optim.py"
    optim.write_text(optim.read_text().replace("def update(self, p, state, group):",
                                               "def update(self, p, state, group)", 1))
    results = grade_alone(grader, tmp_path)
    assert results["score"] == 0
    assert [t["name"] for t in results["tests"] if t["max_score"]] == \
        [f"Task {t.number} ({t.name}): no test ran" for t in TASKS]
    assert "SyntaxError" in results["tests"][0]["output"]


def test_a_test_tagged_with_an_unknown_task_is_refused(tmp_path):
    (tmp_path / "test_x.py").write_text(
        "import pytest\n\n@pytest.mark.task('backprop')\ndef test_x():\n    pass\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "minigrad_course.engine_track.gradescope", "--results-json",
                           str(tmp_path / "results.json"), str(tmp_path / "test_x.py")],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "task 'backprop' is not in the table of tasks" in done.stderr


def test_the_command_line_writes_the_edition_the_autograder_and_lists_the_tasks(tmp_path):
    done = subprocess.run([sys.executable, "-m", "minigrad_course", "engine-track", "--list",
                           "--out", str(tmp_path / "edition"), "--tasks", "walk",
                           "--autograder", str(tmp_path / "autograder")],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    for task in TASKS:
        assert f"task {task.number} {task.name} ({task.points} points)" in done.stdout
    assert "2 regions blanked, tasks: walk" in done.stdout
    assert "raise NotImplementedError" in (tmp_path / "edition/minigrad/autograd.py").read_text()
    archive = zipfile.ZipFile(tmp_path / "autograder" / "autograder.zip")
    names = archive.namelist()
    assert {"setup.sh", "run_autograder", "requirements.txt", "pytest.ini",
            "engine_track/tasks.py", "engine_track/gradescope.py",
            "tests/conftest.py", "tests/test_task3_walk.py"} <= set(names)
    for script in ("setup.sh", "run_autograder"):
        assert archive.getinfo(script).external_attr >> 16 & 0o111, f"{script} is not executable"
