"""The grader's finer diagnoses: "passed" means agreement to float64 rounding, so that an
answer computed by finite differences of the forward formula is told apart from a derived
one; hints and evidence phrased for the exercise at hand.  Answers run in this process
(test_exercises.check)."""
import numpy as np
import pytest

from minigrad_course.exercises import EXERCISES, grader

from .test_exercises import SOLUTIONS, check

HIDDEN_SEEDS = (0, 1, 2, 3, 4)


# --- the reference solutions pass to rounding, on public and hidden cases ----------------------
@pytest.mark.parametrize("seed", HIDDEN_SEEDS)
@pytest.mark.parametrize("name", EXERCISES)
def test_reference_solution_passes_on_hidden_cases(name, seed):
    result = check(name, SOLUTIONS[name], seed=seed)
    assert result.diagnosis == "passed", str(result)


# --- finite differences ------------------------------------------------------------------------
def _logsumexp(x):
    top = x.max(axis=-1)
    return top + np.log(np.exp(x - top[..., None]).sum(axis=-1))


def _focal(x, y, alpha, gamma):
    s = 2 * y - 1
    log_p_t = -np.logaddexp(0, -s * x)
    one_minus_p_t = np.exp(-np.logaddexp(0, s * x))
    alpha_t = np.where(y == 1, alpha, 1 - alpha)
    return (-alpha_t * one_minus_p_t ** gamma * log_p_t).mean()


def _distance(u, v):
    return np.sqrt(((u - v) ** 2).sum(axis=-1))


FORWARD = {  # the function of each exercise, in NumPy, as a student would write it
    "bce_with_logits": lambda x, y: (np.logaddexp(0, x) - y * x).mean(),
    "cross_entropy": lambda x, y: (_logsumexp(x) - x[np.arange(len(y)), y]).mean(),
    "huber": lambda x, y, delta: np.where(np.abs(y - x) <= delta, (y - x) ** 2 / 2,
                                          delta * (np.abs(y - x) - delta / 2)).mean(),
    "l1": lambda x, y: np.abs(y - x).mean(),
    "sigmoid_focal": _focal,
    "smae": lambda x, y: ((y - x) * np.tanh((y - x) / 2)).mean(),
    "m_loss": lambda p, y: (y * (1 / p - 1)).sum() / p.shape[0],
    "l_loss": lambda p, y: (y / np.sqrt(1 - (1 - p) ** 2) + (1 - y) / np.sqrt(1 - p ** 2)
                            - 1).sum() / p.shape[0],
    "l2_penalty": lambda W, lam: lam * (W ** 2).sum(),
    "matmul_a": lambda A, B, G: ((A @ B) * G).sum(),
    "matmul_b": lambda A, B, G: ((A @ B) * G).sum(),
    "bias": lambda a, b, G: ((a + b) * G).sum(),
    "logsumexp": lambda x: _logsumexp(x).sum(),
    "triplet_anchor": lambda a, p, n, margin: np.maximum(
        0, _distance(a, p) - _distance(a, n) + margin).mean(),
    "mse": lambda x, y: ((x - y) ** 2).mean(),
    "logistic_regression": lambda w, X, y: (np.logaddexp(0, X @ w) - y * (X @ w)).mean(),
    "linear_regression_bias": lambda b, X, W, Y: ((X @ W + b - Y) ** 2).mean(),
}

POINTWISE = {  # the mean's terms of the exercises whose function is a mean of pointwise terms
    "bce_with_logits": lambda x, y: np.logaddexp(0, x) - y * x,
    "huber": lambda x, y, delta: np.where(np.abs(y - x) <= delta, (y - x) ** 2 / 2,
                                          delta * (np.abs(y - x) - delta / 2)),
    "l1": lambda x, y: np.abs(y - x),
    "smae": lambda x, y: (y - x) * np.tanh((y - x) / 2),
    "mse": lambda x, y: (x - y) ** 2,
}

STEPS = (1e-4, 1e-5, 1e-6, 1e-7)


def central_differences(name, h):
    """An answer: (J(x + h eᵢ) - J(x - h eᵢ)) / 2h for every element i of the argument."""
    exercise, forward = EXERCISES[name], FORWARD[name]
    position = exercise.args.index(exercise.wrt)

    def answer(*args):
        args = list(args)
        point = np.array(args[position], dtype=float)
        gradient = np.zeros_like(point)
        for i in np.ndindex(point.shape):
            values = []
            for step in (h, -h):
                moved = point.copy()
                moved[i] += step
                args[position] = moved
                values.append(forward(*args))
            gradient[i] = (values[0] - values[1]) / (2 * h)
        return gradient
    return answer


def vectorised_central_differences(name, h):
    """An answer: the central difference of the mean's terms, all elements at once, over N."""
    term = POINTWISE[name]
    return lambda x, *rest: (term(x + h, *rest) - term(x - h, *rest)) / (2 * h) / x.size


# The triplet loss has a kink where the central difference takes the mean of the two sides,
# and its answer is wrong there as well: it must fail, under another name.
NOT_PASSED_ONLY = {"triplet_anchor"}


@pytest.mark.parametrize("h", STEPS)
@pytest.mark.parametrize("name", FORWARD)
def test_central_differences_are_named_as_such(name, h):
    for seed in (None,) + HIDDEN_SEEDS[:2]:
        result = check(name, central_differences(name, h), seed=seed)
        assert not result.passed, str(result)
        if name not in NOT_PASSED_ONLY:
            assert result.diagnosis == "finite differences", str(result)


@pytest.mark.parametrize("h", STEPS)
@pytest.mark.parametrize("name", POINTWISE)
def test_vectorised_central_differences_are_named_as_such(name, h):
    for seed in (None,) + HIDDEN_SEEDS:
        result = check(name, vectorised_central_differences(name, h), seed=seed)
        assert result.diagnosis == "finite differences", str(result)


def test_finite_differences_say_so_and_how_many_digits():
    result = check("huber", vectorised_central_differences("huber", 1e-6))
    assert "finite-difference" in result.explanation and "significant digits" in result.explanation
    assert "expected" in result.evidence and "got" in result.evidence


def test_finite_differences_of_an_unstable_forward_formula_still_say_finite_differences():
    def naive(x, y):  # e^800 overflows: inf - inf, NaN at x = 800
        h = 1e-6
        def term(z):
            return np.log(1 + np.exp(z)) - y * z
        return (term(x + h) - term(x - h)) / (2 * h) / x.size
    result = check("bce_with_logits", naive)
    assert result.diagnosis == "finite differences", str(result)
    assert "NaN or inf" in result.explanation


# --- a conceptual mistake comes before NaN or inf --------------------------------------------
def test_right_where_finite_is_nan_or_inf():
    def overflows(x, y):
        return (1 / (1 + np.exp(-x)) - y) / x.size + 0 * np.exp(x)  # inf·0 at x = 800
    assert check("bce_with_logits", overflows).diagnosis == "NaN or inf"


def test_a_chain_rule_stopped_early_is_wrong_values_not_nan():
    def dj_dp(x, y):
        p = 1 / (1 + np.exp(-x))
        return (p - y) / (p * (1 - p)) / x.size
    result = check("bce_with_logits", dj_dp)
    assert result.diagnosis == "wrong values", str(result)
    assert "NaN or inf" in result.explanation  # said, after the mistake


# --- stability is asked where the statement asks for it -----------------------------------------
@pytest.mark.parametrize("name", [name for name, e in EXERCISES.items() if e.stable])
def test_stable_exercises_have_large_inputs_and_say_so(name):
    exercise = EXERCISES[name]
    assert "800" in exercise.statement and "overflows" in exercise.statement
    assert any(np.abs(case["x"]).max() >= 700 for case in exercise.cases())
    assert any(np.abs(case["x"]).max() >= 700 for case in exercise.cases(seed=0))


def test_cross_entropy_with_an_unshifted_softmax_is_nan_or_inf():
    def unshifted(x, y):
        p = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
        return (p - np.eye(x.shape[1])[y]) / x.shape[0]
    assert check("cross_entropy", unshifted).diagnosis == "NaN or inf"


# --- regions --------------------------------------------------------------------------------------
def test_region_diagnoses_name_the_regions():
    twice_inside = check("huber", lambda x, y, delta: np.where(
        np.abs(y - x) <= delta, 2 * (x - y), delta * np.sign(x - y)) / x.size)
    assert "right where |e| > δ, 2 times the truth where |e| ≤ δ" in twice_inside.explanation
    flipped = check("bce_with_logits", lambda x, y: np.where(y == 1, 1 - 1 / (1 + np.exp(-x)),
                                                             1 / (1 + np.exp(-x))) / x.size)
    assert flipped.diagnosis == "wrong in a region"
    assert "flipped (-truth) where y = 1" in flipped.explanation


def test_zero_in_a_region():
    result = check("l_loss", lambda p, y: -y * (1 - p) / (p * (2 - p)) ** 1.5 / p.shape[0])
    assert result.diagnosis == "wrong in a region"
    assert "right where y = 1" in result.explanation and "zero where y = 0" in result.explanation


def test_wrong_values_say_where_the_answer_is_right():
    result = check("huber", lambda x, y, delta: np.where(
        np.abs(y - x) <= delta, x - y, np.sin(x - y)) / x.size)
    assert result.diagnosis == "wrong values"
    assert "It is right where |e| ≤ δ." in result.explanation


# --- hints and evidence phrased for the exercise --------------------------------------------------
def test_flipped_sign_hint_speaks_of_the_exercise():
    for name in EXERCISES:
        result = check(name, lambda *args, name=name: -SOLUTIONS[name](*args))
        assert result.diagnosis == "flipped sign"
        has_e = name in ("huber", "smae", "smae_curvature")  # their statements define e
        assert ("e = y - x" in result.explanation) == has_e, (name, result.explanation)


def test_the_second_derivative_exercise_says_second_derivative():
    exercise = EXERCISES["smae_curvature"]
    for answer in (lambda x, y: -SOLUTIONS["smae_curvature"](x, y),
                   lambda x, y: 3 * SOLUTIONS["smae_curvature"](x, y),
                   lambda x, y: SOLUTIONS["smae_curvature"](x, y) + np.sin(x)):
        result = check(exercise.name, answer)
        assert "second derivative" in result.explanation, str(result)
        assert "gradient" not in result.explanation and "descent" not in result.explanation


def test_evidence_shows_the_label_of_the_row():
    result = check("cross_entropy", lambda x, y: SOLUTIONS["cross_entropy"](x, y)
                   + np.sin(np.arange(x.size)).reshape(x.shape))
    n = int(result.evidence.split("element (")[1].split(",")[0])
    case = int(result.evidence.split("case ")[1].split(",")[0])
    label = EXERCISES["cross_entropy"].cases()[case - 1]["y"][n]
    assert f"y = {label}" in result.evidence, result.evidence


def test_every_diagnosis_of_an_exercise_mistake_is_known():
    for exercise in EXERCISES.values():
        for mistake in exercise.mistakes:
            assert mistake.diagnosis in grader.DIAGNOSES
