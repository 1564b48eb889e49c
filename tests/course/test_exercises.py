"""The gradient exercises' diagnoses: the grader accepts every reference solution, and names
the right mistake in wrong solutions planted from the references (one function per kind of
mistake, applied to every exercise where it makes sense).  The answers run here, in this
process, and go straight to ``grader.diagnose``: running them apart is test_sandbox.py's."""
import runpy

import numpy as np
import pytest

from minigrad_course import assignments
from minigrad_course.exercises import DIAGNOSES, EXERCISES, grader
from minigrad_course.exercises.checking import cases_and_truths

SOLUTIONS = runpy.run_path(str(assignments.SOLUTIONS_FILE))["SOLUTIONS"]


def truths(exercise):
    return cases_and_truths(exercise.name)[1]


def check(name, answer, seed=None):
    """The diagnosis of ``answer`` called in this process on the cases of exercise ``name``."""
    exercise = EXERCISES[name]
    cases, true = cases_and_truths(name, seed)
    outputs = []
    for k, case in enumerate(cases):
        arguments = [np.array(case[a]) if isinstance(case[a], np.ndarray) else case[a]
                     for a in exercise.args]
        try:
            with np.errstate(all="ignore"):
                outputs.append(answer(*arguments))
        except Exception as error:
            return grader.result(exercise, grader.RAISED, f"{type(error).__name__}: {error}")
    arrays = []
    for output in outputs:
        try:
            array = np.asarray(output)
        except Exception:
            array = None
        if array is None or array.dtype.kind not in "biuf":
            return grader.result(exercise, grader.NOT_AN_ARRAY, repr(output))
        arrays.append(array.astype(float))
    return grader.diagnose(exercise, cases, true, arrays)


def case_of(exercise, args):
    return dict(zip(exercise.args, args))


# --- the catalogue ---------------------------------------------------------------------------
def test_catalogue_has_at_least_twelve_exercises_each_with_a_solution():
    assert len(EXERCISES) >= 12
    assert set(SOLUTIONS) == set(EXERCISES)
    for name, exercise in EXERCISES.items():
        assert SOLUTIONS[name].__name__ == exercise.function_name
        assert exercise.wrt in exercise.args


@pytest.mark.parametrize("name", EXERCISES)
def test_cases_make_every_hypothesis_distinguishable(name):
    """Several cases; finite, non-zero truths; at least two different N where there is a
    mean (so 'missing 1/N' and 'constant factor' never explain the same answer); kinks present
    but never everywhere."""
    exercise = EXERCISES[name]
    cases = exercise.cases()
    assert len(cases) >= 3
    for case, truth in zip(cases, truths(exercise)):
        assert truth.shape == np.shape(case[exercise.wrt])
        assert np.isfinite(truth).all() and np.abs(truth).max() > 0
    if exercise.count is not None:
        assert len({exercise.count(case) for case in cases}) >= 2
    if exercise.kinks is not None:
        masks = [exercise.kinks(case) for case in cases]
        assert any(mask.any() for mask in masks)
        for mask, truth in zip(masks, truths(exercise)):
            assert np.abs(truth[~mask]).max() > 0


def test_cases_are_the_same_every_time():
    for exercise in EXERCISES.values():
        first, second = exercise.cases(), exercise.cases()
        for a, b in zip(first, second):
            for key in a:
                assert np.array_equal(a[key], b[key])


def test_broadcasting_exercises_have_broadcast_cases():
    for name in ("bias", "linear_regression_bias"):
        exercise = EXERCISES[name]
        shapes = {np.shape(case[exercise.wrt]) for case in exercise.cases()}
        assert any(len(shape) == 1 for shape in shapes) and any(shape[:1] == (1,) for shape in shapes)


# --- the reference solutions pass ------------------------------------------------------------
@pytest.mark.parametrize("name", EXERCISES)
def test_reference_solution_passes(name):
    result = check(name, SOLUTIONS[name])
    assert result.passed, str(result)
    assert result.diagnosis == "passed"


# --- planted mistakes ------------------------------------------------------------------------
# Each function takes (exercise, reference solution) and returns a wrong solution, or None
# where that mistake cannot happen in the exercise.
def flipped_sign(exercise, reference):
    return lambda *args: -reference(*args)


def missing_one_over_n(exercise, reference):
    if exercise.count is None or exercise.reduction != "mean":
        return None
    return lambda *args: exercise.count(case_of(exercise, args)) * reference(*args)


def divided_by_n(reduction):
    def plant(exercise, reference):
        if exercise.count is None or exercise.reduction != reduction:
            return None
        return lambda *args: reference(*args) / exercise.count(case_of(exercise, args))
    return plant


def constant_factor(exercise, reference):
    return lambda *args: 2.0 * reference(*args)


def transposed(exercise, reference):
    if not any(t.ndim == 2 and not np.array_equal(t, t.T) for t in truths(exercise)):
        return None
    return lambda *args: np.transpose(reference(*args))


def wrong_at_kink(exercise, reference):
    if exercise.kinks is None:
        return None

    def planted(*args):
        right = reference(*args)
        return right + (np.abs(right).max() + 1.0) * exercise.kinks(case_of(exercise, args))
    return planted


def all_zeros(exercise, reference):
    return lambda *args: np.zeros_like(reference(*args))


def not_finite(exercise, reference):
    def planted(*args):
        result = np.array(reference(*args), dtype=float)
        result.ravel()[-1] = np.nan
        return result
    return planted


def wrong_shape(exercise, reference):
    return lambda *args: reference(*args)[..., None]


def wrong_values(exercise, reference):
    def planted(*args):
        right = reference(*args)
        wobble = np.cos(np.arange(right.size) + 0.5).reshape(right.shape)
        return right + 0.3 * np.abs(right).max() * wobble
    return planted


def raises(exercise, reference):
    def planted(*args):
        raise ValueError("operands could not be broadcast together")
    return planted


def returns_none(exercise, reference):
    return lambda *args: None


PLANTED = {
    "flipped sign": flipped_sign,
    "missing 1/N": missing_one_over_n,
    "extra 1/N": divided_by_n("mean"),
    "mean instead of sum": divided_by_n("sum"),
    "constant factor": constant_factor,
    "transposed": transposed,
    "wrong at a kink": wrong_at_kink,
    "all zeros": all_zeros,
    "NaN or inf": not_finite,
    "wrong shape": wrong_shape,
    "wrong values": wrong_values,
    "raised an exception": raises,
    "not an array": returns_none,
}

PLANTED_CASES = [(name, diagnosis) for name in EXERCISES for diagnosis, plant in PLANTED.items()
                 if plant(EXERCISES[name], SOLUTIONS[name]) is not None]


@pytest.mark.parametrize("name, diagnosis", PLANTED_CASES)
def test_planted_mistake_gets_its_diagnosis(name, diagnosis):
    exercise = EXERCISES[name]
    result = check(name, PLANTED[diagnosis](exercise, SOLUTIONS[name]))
    assert not result.passed
    assert result.diagnosis == diagnosis, str(result)


def test_every_exercise_rejects_at_least_three_kinds_of_planted_mistake():
    per_exercise = {name: 0 for name in EXERCISES}
    for name, _ in PLANTED_CASES:
        per_exercise[name] += 1
    assert min(per_exercise.values()) >= 3, per_exercise


def test_planted_mistakes_cover_every_diagnosis():
    diagnoses = {d for _, d in PLANTED_CASES} | {d for _, d, _ in MISTAKES_STUDENTS_MAKE}
    outside = {"passed", "not defined", "refused", "timed out", "overflow", "crashed"}
    assert diagnoses | outside == set(DIAGNOSES)  # those outside: tests/course/test_sandbox.py


# Mistakes as students write them, where the generic plants above cannot reproduce them.
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _focal_parts(x, y, alpha):
    """p_t, α_t and s = 2y - 1 of the focal loss, as a student computes them."""
    p = _sigmoid(x)
    return np.where(y == 1, p, 1 - p), np.where(y == 1, alpha, 1 - alpha), 2 * y - 1


def focal_without_alpha_t(x, y, alpha, gamma):
    p_t, _, s = _focal_parts(x, y, alpha)
    return s * (1 - p_t) ** gamma * (gamma * p_t * np.log(p_t) - (1 - p_t)) / x.size


def focal_modulation_held_constant(x, y, alpha, gamma):
    p_t, alpha_t, _ = _focal_parts(x, y, alpha)
    return alpha_t * (1 - p_t) ** gamma * (_sigmoid(x) - y) / x.size  # d/dx of α_t·BCE only


def cross_entropy_diagonal_only(x, y):
    p = np.exp(x - x.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    onehot = np.eye(x.shape[1])[y]
    return onehot * (p - 1) / x.shape[0]  # -1/p_y · ∂p_y/∂x_y, and nothing for c ≠ y


def huber_twice_inside(x, y, delta):
    e = y - x
    return np.where(np.abs(e) <= delta, -2 * e, -delta * np.sign(e)) / x.size


def huber_without_delta_outside(x, y, delta):
    e = y - x
    return np.where(np.abs(e) <= delta, -e, -np.sign(e)) / x.size


def bce_sign_flipped_where_y_is_1(x, y):
    p = _sigmoid(x)
    return (y * (1 - p) + (1 - y) * p) / x.size  # -y(1 - p) + (1 - y)p, first sign lost


def bce_chain_rule_stopped_at_p(x, y):
    p = _sigmoid(x)
    return (p - y) / (p * (1 - p)) / x.size  # dJ/dp, not dJ/dx: inf where p is 0 or 1


def mse_by_central_differences(x, y):
    h = 1e-5
    return ((x + h - y) ** 2 - (x - h - y) ** 2) / (2 * h) / x.size


MISTAKES_STUDENTS_MAKE = [
    ("bias", "left broadcast", lambda a, b, G: G),
    ("bias", "mean instead of sum", lambda a, b, G: SOLUTIONS["bias"](a, b, G) / (a.size // b.size)),
    ("linear_regression_bias", "left broadcast",
     lambda b, X, W, Y: 2 * (X @ W + b - Y) / Y.size),
    ("matmul_a", "transposed", lambda A, B, G: B @ G.T),
    ("matmul_b", "transposed", lambda A, B, G: G.T @ A),
    ("mse", "constant factor", lambda x, y: (x - y) / x.size),
    ("l2_penalty", "constant factor", lambda W, lam: lam * W),
    ("huber", "flipped sign", lambda x, y, delta: np.clip(y - x, -delta, delta) / x.size),
    ("cross_entropy", "missing 1/N",
     lambda x, y: SOLUTIONS["cross_entropy"](x, y) * x.shape[0]),
    ("logistic_regression", "missing 1/N", lambda w, X, y: X.T @ (_sigmoid(X @ w) - y)),
    ("l1", "wrong at a kink", lambda x, y: np.where(x > y, 1.0, -1.0) / x.size),
    ("triplet_anchor", "wrong at a kink",
     lambda a, p, n, margin: SOLUTIONS["triplet_anchor"](a, p, n, margin - 1e-12)),
    ("logsumexp", "NaN or inf", lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)),
    ("cross_entropy", "wrong shape",
     lambda x, y: SOLUTIONS["cross_entropy"](x, y).sum(axis=1)),
    ("smae_curvature", "wrong values",  # the second derivative of e·tanh(e), not e·tanh(e/2)
     lambda x, y: 2 * (1 - np.tanh(y - x) ** 2) * (1 - (y - x) * np.tanh(y - x))),
    ("smae_curvature", "mean instead of sum",
     lambda x, y: SOLUTIONS["smae_curvature"](x, y) / x.size),
    ("l2_penalty", "forgotten factor", lambda W, lam: 2 * W),
    ("l2_penalty", "forgotten factor", lambda W, lam: W),  # λ and the 2
    ("l2_penalty", "mean instead of sum", lambda W, lam: 2 * lam * W / W.size),
    ("sigmoid_focal", "forgotten factor", focal_without_alpha_t),
    ("sigmoid_focal", "factor held constant", focal_modulation_held_constant),
    ("sigmoid_focal", "wrong in a region",  # ∂p_t/∂x = p_t(1 - p_t), without s
     lambda x, y, alpha, gamma: SOLUTIONS["sigmoid_focal"](x, y, alpha, gamma) * (2 * y - 1)),
    ("cross_entropy", "diagonal of the Jacobian", cross_entropy_diagonal_only),
    ("huber", "wrong in a region", huber_twice_inside),
    ("huber", "forgotten factor", huber_without_delta_outside),
    ("bce_with_logits", "wrong in a region", bce_sign_flipped_where_y_is_1),
    ("bce_with_logits", "wrong values", bce_chain_rule_stopped_at_p),
    ("mse", "finite differences", mse_by_central_differences),
]


@pytest.mark.parametrize("name, diagnosis, student", MISTAKES_STUDENTS_MAKE)
def test_mistakes_students_make(name, diagnosis, student):
    result = check(name, student)
    assert result.diagnosis == diagnosis, str(result)


# --- the result object -----------------------------------------------------------------------
def test_result_reads_well_as_text_and_html():
    result = check("mse", lambda x, y: (x - y) / x.size)
    text = str(result)
    assert text.startswith("✗ mse") and "constant factor" in text and "1/2 times" in text
    assert repr(result) == text
    assert "constant factor" in result._repr_html_() and "<div" in result._repr_html_()
    assert str(check("mse", SOLUTIONS["mse"])).startswith("✓ mse")


def test_wrong_values_shows_the_worst_element():
    result = check("mse", lambda x, y: 2 * (x - y) / x.size + (x > 2.5))
    assert result.diagnosis == "wrong values"
    assert "expected" in result.evidence and "got" in result.evidence


def test_wrong_values_names_factors_that_change_from_case_to_case():
    result = check("mse", lambda x, y: 2 * (x - y) / len(x))  # len(x) is N for vectors only
    assert result.diagnosis == "wrong values"
    assert result.evidence == "factors: 1, 4, 1, 1"
