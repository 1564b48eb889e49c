"""The autograder: run a student's gradient on an exercise's cases, compare it with the
gradient the engine's autograd computes, and name the likely mistake.

The diagnosis is the first of these hypotheses that explains the student's output U against
the true gradient T in every case (k = 1, 2, ... the cases, N_k the count of the mean):

    1  raised an exception   the function raised
    2  not an array          it returned something that is not an array of real numbers
    3  NaN or inf            U holds a NaN or an infinity (T never does)
    4  left broadcast        in every case of another shape, U has a shape that T's shape
                             broadcasts to, and U summed over the broadcast axes is T
    5  transposed            in every case of another shape, U has T's axes reversed and Uᵀ = T
    6  wrong shape           some case has another shape, and 4 and 5 do not explain it
       passed                U = T in every case
    7  all zeros             U = 0 in every case (an exercise not answered yet)
    8  flipped sign          U = -T in every case
    9  transposed            Uᵀ = T in every case (square results: the shapes agree)
    10 missing 1/N           U = N_k·T in every case: the gradient of the sum, the loss is a mean
    11 extra 1/N             U = T/N_k in every case: a mean where the loss sums, or 1/N twice
    12 constant factor       U = c·T in every case, one c ∉ {0, 1, -1} (a forgotten 2, ½, λ...)
    13 wrong at a kink       U = T at every element that is not a kink point of the exercise
    14 wrong values          none of the above; the worst element is shown, or, where U = c_k·T
                             in every case with factors c_k that change, those factors

The cases of an exercise with a count have at least two different N, so 10, 11 and 12 never
explain the same output; 13 comes after them, so it holds only when U differs from T at kink
points alone.  "=" is equality within a tolerance (TOLERANCE) scaled by the size of T.
"""
from dataclasses import dataclass
from fractions import Fraction
import html

import numpy as np

PASSED = "passed"
RAISED = "raised an exception"
NOT_AN_ARRAY = "not an array"
NOT_FINITE = "NaN or inf"
LEFT_BROADCAST = "left broadcast"
TRANSPOSED = "transposed"
WRONG_SHAPE = "wrong shape"
ALL_ZEROS = "all zeros"
FLIPPED_SIGN = "flipped sign"
MISSING_1_OVER_N = "missing 1/N"
EXTRA_1_OVER_N = "extra 1/N"
CONSTANT_FACTOR = "constant factor"
WRONG_AT_KINK = "wrong at a kink"
WRONG_VALUES = "wrong values"
NOT_DEFINED = "not defined"
REFUSED = "refused"
TIMED_OUT = "timed out"
OVERFLOW = "overflow"
CRASHED = "crashed"

DIAGNOSES = {
    PASSED: "matches the engine's gradient in every case",
    RAISED: "the function raised an exception",
    NOT_AN_ARRAY: "the function returned something that is not an array of real numbers",
    NOT_FINITE: "the result holds NaN or inf where the true gradient is finite",
    LEFT_BROADCAST: "the result has the broadcast shape; summed over the broadcast axes it is right",
    TRANSPOSED: "the result is the transpose of the true gradient",
    WRONG_SHAPE: "the result does not have the shape of the argument it differentiates",
    ALL_ZEROS: "the result is all zeros (not answered yet?)",
    FLIPPED_SIGN: "result = -truth in every case",
    MISSING_1_OVER_N: "result = N·truth: the gradient of the sum where the loss is a mean "
                      "(sum instead of mean)",
    EXTRA_1_OVER_N: "result = truth/N: divided by N where the loss is a sum (mean instead of "
                    "sum), or divided by N twice",
    CONSTANT_FACTOR: "result = c·truth with one constant c ≠ ±1 in every case",
    WRONG_AT_KINK: "right everywhere except at the kink points of the function",
    WRONG_VALUES: "none of the above: wrong values (the worst element is shown)",
    NOT_DEFINED: "the function to write is not defined",
    REFUSED: "the answer uses what an answer may not (minigrad, an autograd or differentiation "
             "package, an object built outside the function)",
    TIMED_OUT: "the function took longer than the time limit",
    OVERFLOW: "a floating-point overflow in an exercise that asks for a form that never overflows",
    CRASHED: "the process running the function stopped (memory, CPU time, a crash)",
}
"""Every diagnosis the grader can give, with what it means."""

TOLERANCE = dict(rtol=1e-5, atol_scaled=1e-7, atol=1e-12)
"""|U - T| ≤ atol + atol_scaled·max|T| + rtol·|T|, element by element."""


@dataclass
class CheckResult:
    """What ``check`` found: ``passed``, the ``diagnosis`` (a key of DIAGNOSES), an
    ``explanation`` of the likely mistake and the ``evidence`` (numbers from a case)."""
    exercise: str
    signature: str
    passed: bool
    diagnosis: str
    explanation: str
    evidence: str = ""

    def __str__(self):
        mark = "✓" if self.passed else "✗"
        lines = [f"{mark} {self.exercise} — {self.signature}: {self.diagnosis}"]
        for text in (self.explanation, self.evidence):
            lines += ["    " + line for line in text.splitlines() if line]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        colour = "#2e7d32" if self.passed else "#c62828"
        mark = "✓" if self.passed else "✗"
        evidence = (f"<pre style='margin:4px 0'>{html.escape(self.evidence)}</pre>"
                    if self.evidence else "")
        return (f"<div style='border-left:4px solid {colour};padding:2px 10px'>"
                f"<b style='color:{colour}'>{mark} {html.escape(self.exercise)}: "
                f"{html.escape(self.diagnosis)}</b> <code>{html.escape(self.signature)}</code>"
                f"<div>{html.escape(self.explanation)}</div>{evidence}</div>")


@dataclass
class Summary:
    """The results of ``check_all``, one per exercise, in the catalogue's order."""
    results: list

    @property
    def passed(self):
        return sum(result.passed for result in self.results)

    @property
    def all_passed(self):
        return self.passed == len(self.results)

    def headline(self):
        if self.all_passed:
            return f"All {len(self.results)} exercises passed."
        return f"{self.passed} of {len(self.results)} exercises passed."

    def __str__(self):
        lines = [self.headline()]
        lines += [f"  {'✓' if r.passed else '✗'} {r.exercise}: {r.diagnosis}" for r in self.results]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        rows = "".join(f"<tr><td>{'✓' if r.passed else '✗'}</td><td>{html.escape(r.exercise)}</td>"
                       f"<td>{html.escape(r.diagnosis)}</td></tr>" for r in self.results)
        return f"<b>{html.escape(self.headline())}</b><table>{rows}</table>"


# --- the diagnosis ---------------------------------------------------------------------------
def result(exercise, diagnosis, explanation, evidence=""):
    return CheckResult(exercise.name, exercise.signature, diagnosis == PASSED, diagnosis,
                       explanation, evidence)


def _as_real_array(value):
    try:
        array = np.asarray(value)
    except Exception:
        return None
    if array.dtype.kind not in "biuf":
        return None
    return array.astype(float)


def _close_elements(u, t):
    scale = np.abs(t).max() if t.size else 0.0
    limit = TOLERANCE["atol"] + TOLERANCE["atol_scaled"] * scale + TOLERANCE["rtol"] * np.abs(t)
    return np.abs(u - t) <= limit


def _same(u, t):
    return u.shape == t.shape and bool(_close_elements(u, t).all())


def _sum_to(u, shape):
    """u summed over the axes that broadcasting ``shape`` to u.shape added or stretched."""
    u = u.sum(axis=tuple(range(u.ndim - len(shape))))
    stretched = tuple(axis for axis, size in enumerate(shape) if size == 1 and u.shape[axis] != 1)
    return u.sum(axis=stretched, keepdims=True)


def _is_left_broadcast(u, t):
    try:
        broadcast = np.broadcast_shapes(u.shape, t.shape)
    except ValueError:
        return False
    return broadcast == u.shape and u.size > t.size and _same(_sum_to(u, t.shape), t)


def _is_transposed(u, t):
    return u.shape == t.shape[::-1] and _same(u.T, t)


def _shape_note(u, t):
    """What a result of the wrong shape would need to be right, if anything simple."""
    if _is_left_broadcast(u, t):
        return " (summed over the broadcast axes it would be right)"
    if _is_transposed(u, t):
        return " (its transpose would be right)"
    if u.size == t.size and _same(u.reshape(t.shape), t):
        return " (the values are right: reshape it)"
    return ""


def _format(value):
    return f"{value + 0.0:.6g}"  # + 0.0 turns -0 into 0


def describe_case(case):
    parts = [f"{key}: shape {value.shape}" if isinstance(value, np.ndarray) else f"{key} = {value}"
             for key, value in case.items()]
    return "(" + ", ".join(parts) + ")"


def _inputs_at(case, truth, index):
    """The inputs of the same shape as the gradient at ``index``, and the scalar parameters."""
    parts = []
    for key, value in case.items():
        if isinstance(value, np.ndarray) and value.shape == truth.shape:
            parts.append(f"{key} = {_format(value[index])}")
        elif not isinstance(value, np.ndarray):
            parts.append(f"{key} = {value}")
    return ", ".join(parts)


def _element(case_number, case, truth, got, index, prefix=""):
    where = tuple(int(i) for i in index)
    inputs = _inputs_at(case, truth, index)
    return (f"{prefix}case {case_number}, element {where}"
            + (f" ({inputs})" if inputs else "")
            + f": expected {_format(truth[index])}, got {_format(got[index])}")


def _worst(cases, truths, arrays, only=None):
    """The element where U and T disagree most, over the cases (or where ``only`` is True)."""
    best = None
    for k, (case, t, u) in enumerate(zip(cases, truths, arrays)):
        scale = np.abs(t).max() if t.size else 0.0
        badness = np.abs(u - t) / (TOLERANCE["atol"] + TOLERANCE["atol_scaled"] * scale
                                   + TOLERANCE["rtol"] * np.abs(t))
        if only is not None:
            badness = np.where(only[k], badness, -np.inf)
        flat = int(np.argmax(badness))
        if best is None or badness.ravel()[flat] > best[0]:
            best = (badness.ravel()[flat], k, np.unravel_index(flat, t.shape))
    _, k, index = best
    return _element(k + 1, cases[k], truths[k], arrays[k], index)


def _fraction(c):
    """c as a small fraction when it is one (2, 1/2, -3/2), else to 6 digits."""
    fraction = Fraction(c).limit_denominator(12)
    if abs(float(fraction) - c) <= 1e-6 * abs(c):
        return str(fraction)
    return _format(c)


def _counts_text(exercise, counts):
    values = ", ".join(str(n) for n in counts)
    return f"N = {values} in the {len(counts)} cases: {exercise.count_meaning}"


def diagnose(exercise, cases, truths, outputs):
    """The CheckResult for the student's ``outputs`` (one array per case) against the true
    gradients ``truths`` of ``cases``."""
    wrt = exercise.wrt
    arrays = []
    for k, output in enumerate(outputs):
        array = _as_real_array(output)
        if array is None:
            return result(exercise, NOT_AN_ARRAY,
                           f"In case {k + 1} your function returned a {type(output).__name__}; "
                           f"return a NumPy array of real numbers, shaped like `{wrt}`.",
                           f"returned: {output!r}"[:300])
        arrays.append(array)

    for k, (case, t, u) in enumerate(zip(cases, truths, arrays)):
        bad = ~np.isfinite(u)
        if bad.any():
            index = tuple(np.argwhere(bad)[0])
            evidence = (_element(k + 1, case, t, u, index) if u.shape == t.shape else
                        f"case {k + 1}, element {tuple(int(i) for i in index)}: got {u[index]}")
            return result(exercise, NOT_FINITE,
                           "Your result holds NaN or inf where the true gradient is finite. "
                           "Did an exp overflow, or a log or a division meet 0? Rewrite the "
                           "formula in a stable form (shift by the maximum, use np.logaddexp).",
                           evidence)

    mismatched = [k for k, (t, u) in enumerate(zip(truths, arrays)) if u.shape != t.shape]
    if mismatched:
        shapes = "\n".join(f"case {k + 1}: expected shape {truths[k].shape}, got "
                           f"{arrays[k].shape}{_shape_note(arrays[k], truths[k])}"
                           for k in mismatched)
        if all(_is_left_broadcast(arrays[k], truths[k]) for k in mismatched):
            return result(exercise, LEFT_BROADCAST,
                           f"Your result has the broadcast shape instead of the shape of `{wrt}`; "
                           "summed over the broadcast axes it is right. A value that broadcasting "
                           "copied gets the SUM of the gradients of its copies: sum over the axes "
                           "that broadcasting added or stretched (keep the shape of "
                           f"`{wrt}`).", shapes)
        if all(_is_transposed(arrays[k], truths[k]) for k in mismatched):
            return result(exercise, TRANSPOSED,
                           f"Your result is the transpose of the true gradient, which has the "
                           f"shape of `{wrt}`. Check the order of the factors (G Bᵀ is not B Gᵀ).",
                           shapes)
        noted = any(_shape_note(arrays[k], truths[k]) for k in mismatched)
        return result(exercise, WRONG_SHAPE,
                       f"The gradient with respect to `{wrt}` has the shape of `{wrt}`."
                       + (" The notes below say what would fix a case." if noted else ""), shapes)

    if all(_same(u, t) for t, u in zip(truths, arrays)):
        return result(exercise, PASSED,
                       f"Matches the engine's gradient in all {len(cases)} cases.")

    if not any(u.any() for u in arrays):
        return result(exercise, ALL_ZEROS,
                       "Your function returns only zeros: not answered yet? Replace "
                       "`np.zeros_like(...)` with your formula.",
                       _worst(cases, truths, arrays))

    if all(_same(u, -t) for t, u in zip(truths, arrays)):
        return result(exercise, FLIPPED_SIGN,
                       "Your gradient is the negative of the true one in every case. Check the "
                       "sign of the inner derivative (with e = y - x, de/dx = -1), and return "
                       f"∂J/∂{wrt}, not the descent direction -∂J/∂{wrt}.",
                       _worst(cases, truths, arrays))

    if all(_same(u.T, t) for t, u in zip(truths, arrays)):
        return result(exercise, TRANSPOSED,
                       "Your result is the transpose of the true gradient (the shapes agree "
                       "because they are square). Check the order of the factors and of the "
                       "indices.", _worst(cases, truths, arrays))

    if exercise.count is not None:
        counts = [exercise.count(case) for case in cases]
        if all(_same(u, n * t) for n, t, u in zip(counts, truths, arrays)):
            return result(exercise, MISSING_1_OVER_N,
                           "Your gradient is N times too large in every case: it is the gradient "
                           "of the SUM of the per-sample losses, but the loss is their MEAN "
                           "(sum instead of mean). Divide by N.", _counts_text(exercise, counts))
        if all(_same(u, t / n) for n, t, u in zip(counts, truths, arrays)):
            return result(exercise, EXTRA_1_OVER_N,
                           "Your gradient is N times too small in every case: you divided by N "
                           "where the function sums (mean instead of sum), or divided by N "
                           "twice.", _counts_text(exercise, counts))

    dot = sum(float((u * t).sum()) for t, u in zip(truths, arrays))
    norm = sum(float((t * t).sum()) for t in truths)
    factor = dot / norm if norm else 0.0
    if (abs(factor) > 1e-9 and abs(factor - 1) > 1e-6
            and all(_same(u, factor * t) for t, u in zip(truths, arrays))):
        return result(exercise, CONSTANT_FACTOR,
                       f"Your gradient is {_fraction(factor)} times the true one in every case: "
                       "a constant factor is off. A forgotten 2 from d(x²)/dx = 2x, a ½, or a "
                       "parameter such as λ, α or δ?", f"factor c = {_format(factor)}")

    if exercise.kinks is not None:
        kinks = [np.asarray(exercise.kinks(case), dtype=bool) for case in cases]
        if all((_close_elements(u, t) | kink).all() for t, u, kink in zip(truths, arrays, kinks)):
            wrong = [~_close_elements(u, t) for t, u in zip(truths, arrays)]
            return result(exercise, WRONG_AT_KINK,
                           "Your gradient is right everywhere except at kink points "
                           f"({exercise.kink_note}). "
                           "At a kink the function has no derivative, and the engine takes one "
                           "particular one-sided derivative (a subgradient): check which branch "
                           "your formula takes exactly at the boundary.",
                           f"{sum(int(w.sum()) for w in wrong)} kink element(s) wrong, e.g. "
                           + _worst(cases, truths, arrays, only=kinks))

    wrong = sum(int((~_close_elements(u, t)).sum()) for t, u in zip(truths, arrays))
    total = sum(t.size for t in truths)
    factors = [float((u * t).sum() / (t * t).sum()) for t, u in zip(truths, arrays)]
    if all(_same(u, c * t) for c, t, u in zip(factors, truths, arrays)):
        return result(exercise, WRONG_VALUES,
                       "In each case your gradient is the true one times a factor, but the "
                       "factor changes from case to case: a size or a parameter (N, a "
                       "dimension, λ, δ...) is wrong or missing.",
                       "factors: " + ", ".join(_fraction(c) for c in factors))
    return result(exercise, WRONG_VALUES,
                   f"Your gradient differs from the engine's at {wrong} of {total} elements, and "
                   "no simple mistake (sign, 1/N, factor, shape, kink) explains it. Re-derive "
                   "it, and test it on a small case by hand. The worst element:",
                   _worst(cases, truths, arrays))
