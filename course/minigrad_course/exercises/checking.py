"""Checking an answer: run it apart (sandbox.py) on an exercise's cases, compute the true
gradients here with the engine's autograd, and diagnose (grader.py).

    check("huber", grad_huber)                  # the public cases: self-study, public tests
    check("huber", grad_huber, seed=SECRET)     # hidden cases: the autograder's tests
    assert_passes("huber", grad_huber, seed=SECRET)   # the same, as an Otter test case

The true gradients exist only in this process; the answer's process gets the inputs alone.
"""
from functools import lru_cache

from . import grader, sandbox
from .catalogue import EXERCISES


def exercise_named(name):
    try:
        return EXERCISES[name]
    except KeyError:
        known = ", ".join(EXERCISES)
        raise KeyError(f"no exercise named {name!r}; the exercises are {known}") from None


@lru_cache(maxsize=None)
def cases_and_truths(name, seed=None):
    """The cases of exercise ``name`` (public when ``seed`` is None) and the engine's gradient
    for each."""
    exercise = EXERCISES[name]
    cases = exercise.cases(seed)
    return cases, [exercise.true_gradient(case) for case in cases]


def check(name, answer, *, seed=None, time_limit=sandbox.TIME_LIMIT):
    """Run ``answer`` (NumPy arrays in, a NumPy array out) on every case of exercise ``name``
    and compare it with the engine's gradient; returns a grader.CheckResult."""
    exercise = exercise_named(name)
    cases, truths = cases_and_truths(name, seed)
    try:
        source = sandbox.answer_source(answer)
    except sandbox.Refused as refusal:
        return grader.result(exercise, grader.REFUSED, f"Your answer cannot be graded: {refusal}.")
    arguments = [[case[argument] for argument in exercise.args] for case in cases]
    run = sandbox.run(source, answer.__name__, arguments, stable=exercise.stable,
                      time_limit=time_limit)
    if run.status == "ok":
        return grader.diagnose(exercise, cases, truths, run.outputs)
    return _failure(exercise, cases, run)


def _failure(exercise, cases, run):
    where = (f"in case {run.case} of {len(cases)}, inputs {grader.describe_case(cases[run.case - 1])}"
             if run.case else "")
    if run.status == "raised":
        return grader.result(exercise, grader.RAISED, f"Your function raised {run.message}", where)
    if run.status == "not an array":
        unanswered = (" Not answered yet? A function whose body is still `...` returns None."
                      if run.message.startswith("it returned a NoneType") else "")
        return grader.result(exercise, grader.NOT_AN_ARRAY,
                             f"Return a NumPy array of real numbers, shaped like "
                             f"`{exercise.wrt}`: {run.message}.{unanswered}", where)
    if run.status == "overflow":
        return grader.result(exercise, grader.OVERFLOW,
                             f"A floating-point overflow happened inside your function "
                             f"({run.message}). The statement asks for a form that never "
                             "overflows: shift by the maximum before exp, or use np.logaddexp.",
                             where)
    if run.status == "timed out":
        return grader.result(exercise, grader.TIMED_OUT,
                             f"Stopped: {run.message}. A loop over elements, or an endless one?")
    return grader.result(exercise, grader.CRASHED, f"Stopped: {run.message}.")


def check_all(namespace, *, seed=None):
    """Check every exercise whose function is defined in ``namespace`` (e.g. ``globals()``)."""
    results = []
    for exercise in EXERCISES.values():
        function = namespace.get(exercise.function_name)
        if callable(function):
            results.append(check(exercise.name, function, seed=seed))
        else:
            results.append(grader.result(exercise, grader.NOT_DEFINED,
                                         f"Define {exercise.signature} to answer this exercise."))
    return grader.Summary(results)


def assert_passes(name, answer, *, seed=None):
    """An Otter test case: raise AssertionError with the diagnosis unless ``answer`` passes."""
    if answer is None:
        exercise = exercise_named(name)
        raise AssertionError(f"✗ {name}: define {exercise.signature} to answer this exercise")
    result = check(name, answer, seed=seed)
    if not result.passed:
        raise AssertionError(str(result))
