"""Answers run apart: the source the answer's process gets, what that process refuses, its
limits, and check()'s public and hidden cases.  (The diagnoses themselves: test_exercises.py.)"""
import runpy

import numpy as np
import pytest

import minigrad as mg
from minigrad_course import assignments
from minigrad_course.exercises import EXERCISES, check, check_all, sandbox
from minigrad_course.exercises.checking import cases_and_truths

from .. import ROOT
SOLUTIONS = runpy.run_path(str(assignments.SOLUTIONS_FILE))["SOLUTIONS"]
ONE_CASE = [[np.array([1.0, 2.0, 3.0]), np.zeros(3)]]
TABLE = np.ones(3)
SCALE = 2


def run(answer, cases=ONE_CASE, **options):
    return sandbox.run(sandbox.answer_source(answer), answer.__name__, cases, **options)


# --- the answer as source --------------------------------------------------------------------
def _half(x):
    return x / SCALE


def _uses_half(x, y):
    return np.asarray(_half(x - y))


def test_the_source_holds_the_functions_modules_and_constants_the_answer_uses():
    source = sandbox.answer_source(_uses_half)
    assert "import numpy as np" in source and "SCALE = 2" in source
    assert "def _half(x):" in source and "def _uses_half(x, y):" in source
    assert run(_uses_half).outputs[0].tolist() == [0.5, 1.0, 1.5]


def _uses_minigrad(x, y):
    return mg.tensor(x).numpy()


def _uses_a_table(x, y):
    return TABLE * x


def test_the_source_refuses_minigrad_and_objects_built_outside_the_function():
    with pytest.raises(sandbox.Refused, match="the module minigrad"):
        sandbox.answer_source(_uses_minigrad)
    with pytest.raises(sandbox.Refused, match="`TABLE`, a ndarray defined outside"):
        sandbox.answer_source(_uses_a_table)
    with pytest.raises(sandbox.Refused, match="lambda"):
        sandbox.answer_source(lambda x, y: x)
    with pytest.raises(sandbox.Refused, match="not a function"):
        sandbox.answer_source(np.sign)


def test_check_turns_a_refusal_into_a_diagnosis():
    result = check("mse", _uses_minigrad)
    assert result.diagnosis == "refused" and "without minigrad" in result.explanation


# --- what the answer's process refuses -------------------------------------------------------
def _imports_minigrad(x, y):
    import minigrad
    return minigrad.tensor(x).numpy()


def _finds_minigrad_on_disk(x, y):
    import importlib
    import sys
    sys.path.append(_LIBRARY)
    return importlib.import_module("minigrad").tensor(x).numpy()


_LIBRARY = str(ROOT)


def _reads_the_grader(x, y):
    path = _GRADER
    return np.array([len(open(path).read())])


_GRADER = str(ROOT / "course" / "minigrad_course" / "exercises" / "grader.py")


def _writes_a_file(x, y):
    with open(_TARGET, "w") as file:
        file.write("pwned")
    return x


_TARGET = "/tmp/minigrad-sandbox-test-written"


def _starts_a_process(x, y):
    import subprocess
    subprocess.run(["true"])
    return x


@pytest.mark.parametrize("answer, message", [
    (_imports_minigrad, "minigrad is not available inside an answer"),
    (_finds_minigrad_on_disk, "may read only NumPy and the standard library"),
    (_reads_the_grader, "may read only NumPy and the standard library"),
    (_writes_a_file, "may not write files"),
    (_starts_a_process, "may not do this (subprocess.Popen)"),
])
def test_the_answers_process_refuses_what_an_answer_must_not_reach(answer, message):
    outcome = run(answer)
    assert outcome.status == "raised" and message in outcome.message, outcome
    import os
    assert not os.path.exists(_TARGET)


def test_the_answers_process_gets_the_inputs_and_nothing_of_the_truth(tmp_path):
    cases, truths = cases_and_truths("mse")
    arguments = [[case[a] for a in EXERCISES["mse"].args] for case in cases]
    sandbox._write_inputs(tmp_path, "", "f", arguments, stable=False)
    with np.load(tmp_path / "cases.npz") as stored:
        sent = [stored[key] for key in stored.files]
    assert len(sent) == sum(len(row) for row in arguments)
    assert not any(array.shape == truth.shape and np.allclose(array, truth)
                   for array in sent for truth in truths)


def _vandal(x, y):
    answer = 2 * (x - y) / x.size
    x[...] = 0.0
    import sys
    sys.modules["numpy"].sum = None  # breaks only this process
    return answer


def test_what_an_answer_does_to_its_process_changes_no_later_check():
    assert check("mse", _vandal).passed
    assert check("mse", SOLUTIONS["mse"]).passed
    assert np.sum(np.ones(2)) == 2.0


# --- limits and replies ----------------------------------------------------------------------
def _loops(x, y):
    while True:
        pass


def _overflows(x, y):
    return np.exp(1000 * x)


def _prints_and_returns_none(x, y):
    print("PK\x03\x04 not a reply")
    return None


def _exits(x, y):
    raise SystemExit(0)


def test_a_loop_is_stopped_at_the_time_limit():
    outcome = run(_loops, time_limit=1.0)
    assert outcome.status == "timed out" and "longer than 1 s" in outcome.message


def test_overflow_raises_only_where_the_statement_asks_for_stability():
    assert run(_overflows, stable=True).status == "overflow"
    assert run(_overflows, stable=False).status == "ok"


def test_replies_are_read_as_arrays_only_whatever_the_answer_prints_or_does():
    outcome = run(_prints_and_returns_none)
    assert outcome.status == "not an array" and "NoneType" in outcome.message
    outcome = run(_exits)
    assert outcome.status == "raised" and "SystemExit" in outcome.message


# --- public and hidden cases -----------------------------------------------------------------
def test_hidden_cases_differ_from_the_public_ones_and_between_seeds():
    for name, exercise in EXERCISES.items():
        public, hidden, other = exercise.cases(), exercise.cases(7), exercise.cases(8)
        wrt = exercise.wrt
        assert not all(np.array_equal(a[wrt], b[wrt]) for a, b in zip(public, hidden)), name
        assert not all(np.array_equal(a[wrt], b[wrt]) for a, b in zip(hidden, other)), name


@pytest.mark.parametrize("name", EXERCISES)
def test_every_reference_solution_passes_the_public_and_hidden_cases(name):
    for seed in (None, 1, 2):
        result = check(name, SOLUTIONS[name], seed=seed)
        assert result.passed, (seed, str(result))


def test_check_all_reports_missing_and_passing_functions():
    summary = check_all({"grad_mse": SOLUTIONS["mse"]})
    assert summary.passed == 1 and not summary.all_passed
    by_name = {r.exercise: r.diagnosis for r in summary.results}
    assert by_name["mse"] == "passed" and by_name["huber"] == "not defined"
    assert f"1 of {len(EXERCISES)} exercises passed." in str(summary)


def test_unknown_exercise_names_the_known_ones():
    with pytest.raises(KeyError, match="mse"):
        check("msee", SOLUTIONS["mse"])
