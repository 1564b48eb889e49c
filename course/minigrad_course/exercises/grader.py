"""The autograder: run a student's gradient on an exercise's cases, compare it with the
gradient the engine's autograd computes, and name the likely mistake.

The diagnosis is the first of these hypotheses that explains the student's output U against
the true gradient T in every case (k = 1, 2, ... the cases, N_k the count of the exercise's
mean or sum).  From 7 on, the hypotheses are tested on the finite elements of U: a
conceptual mistake is named even where the same formula also overflows somewhere.

    1  raised an exception   the function raised
    2  not an array          it returned something that is not an array of real numbers
    3  left broadcast        in every case of another shape, U has a shape that T's shape
                             broadcasts to, and U summed over the broadcast axes is T
    4  transposed            in every case of another shape, U has T's axes reversed and Uᵀ = T
    5  wrong shape           some case has another shape, and 3 and 4 do not explain it
       passed                U = T in every case, to float64 rounding (TOLERANCE)
    6  NaN or inf            U = T at its finite elements, but some elements are NaN or inf
    7  finite differences    U = T only to the accuracy of a finite difference (FD_TOLERANCE)
    8  all zeros             U = 0 in every case (an exercise not answered yet)
    9  flipped sign          U = -T in every case
    10 transposed            Uᵀ = T in every case (square results: the shapes agree)
    11 missing 1/N           U = N_k·T in every case: the gradient of the sum, the loss is a mean
    12 extra 1/N             U = T/N_k in every case where the loss is a mean: 1/N twice
    13 mean instead of sum   U = T/N_k in every case where the function sums
    14 constant factor       U = c·T in every case, one c ∉ {0, 1, -1} (a forgotten 2, ½...)
    15 the exercise's own    U = c·V in every case, V the answer with one of the exercise's
       mistakes              typical mistakes (forgotten factor: λ, α_t; factor held constant;
                             diagonal of the Jacobian), c a constant (1, or a forgotten 2...)
    16 wrong in a region     among the exercise's named regions (|e| ≤ δ, y = 1...), U = T in
                             some, and U = c·T (c = -1, 0 or one constant) in another
    17 wrong at a kink       U = T at every element that is not a kink point of the exercise
    18 wrong values          none of the above; the worst element is shown, or, where U = c_k·T
                             in every case with factors c_k that change, those factors

The cases of an exercise with a count have at least two different N, so 11 to 14 never
explain the same output; 15 and 16 leave the kink points aside, and 17 comes after them, so
it holds only when U differs from T at kink points alone.  "=" is equality within a
tolerance (TOLERANCE) scaled by the largest |T| of the case.
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
FINITE_DIFFERENCES = "finite differences"
MISSING_1_OVER_N = "missing 1/N"
EXTRA_1_OVER_N = "extra 1/N"
MEAN_INSTEAD_OF_SUM = "mean instead of sum"
CONSTANT_FACTOR = "constant factor"
FORGOTTEN_FACTOR = "forgotten factor"
HELD_CONSTANT = "factor held constant"
DIAGONAL_JACOBIAN = "diagonal of the Jacobian"
WRONG_IN_REGION = "wrong in a region"
WRONG_AT_KINK = "wrong at a kink"
WRONG_VALUES = "wrong values"
NOT_DEFINED = "not defined"
REFUSED = "refused"
TIMED_OUT = "timed out"
OVERFLOW = "overflow"
CRASHED = "crashed"

DIAGNOSES = {
    PASSED: "matches the engine's gradient in every case, to float64 rounding",
    RAISED: "the function raised an exception",
    NOT_AN_ARRAY: "the function returned something that is not an array of real numbers",
    NOT_FINITE: "the result holds NaN or inf where the true gradient is finite, and is right "
                "elsewhere",
    LEFT_BROADCAST: "the result has the broadcast shape; summed over the broadcast axes it is right",
    TRANSPOSED: "the result is the transpose of the true gradient",
    WRONG_SHAPE: "the result does not have the shape of the argument it differentiates",
    ALL_ZEROS: "the result is all zeros (not answered yet?)",
    FINITE_DIFFERENCES: "result = truth only to the accuracy of a finite difference, not to "
                        "float64 rounding: approximated, not derived",
    FLIPPED_SIGN: "result = -truth in every case",
    MISSING_1_OVER_N: "result = N·truth: the gradient of the sum where the loss is a mean "
                      "(sum instead of mean)",
    EXTRA_1_OVER_N: "result = truth/N where the loss is a mean: divided by N twice",
    MEAN_INSTEAD_OF_SUM: "result = truth/N where the function sums: a mean instead of the sum",
    CONSTANT_FACTOR: "result = c·truth with one constant c ≠ ±1 in every case",
    FORGOTTEN_FACTOR: "result = truth without a factor of the function that changes from case "
                      "to case or element to element (λ, α_t, δ), which the explanation names",
    HELD_CONSTANT: "a factor that depends on the argument was treated as a constant (not "
                   "differentiated); the explanation names it",
    DIAGONAL_JACOBIAN: "only the diagonal of a Jacobian was kept (softmax: only the target "
                       "class's column right, 0 elsewhere)",
    WRONG_IN_REGION: "right in some of the exercise's regions (|e| ≤ δ, y = 1...), off by a "
                     "simple factor (-1, 0, c) in another; the explanation names them",
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

TOLERANCE = 1e-12
"""U = T where |U - T| ≤ TOLERANCE·max|T| at every element, max|T| over the case: float64
rounding, with a margin.  The reference solutions come within 8.2·eps = 1.8e-15 of the
engine (public cases and hidden cases of seeds 0 to 19), correct answers written in less
accurate forms within 230·eps = 5.1e-14.  Central differences of the function with h from
1e-4 to 1e-7 are off by 2.6e-11 or more in some case of every exercise, by 1e-10 to 1e-3 in
the cases of large magnitude (|e| up to 10^6, logits of ±800, inputs of 10^3)."""

FD_TOLERANCE = 1e-2
"""U ≈ T, to the accuracy of a finite difference, where |U - T| ≤ FD_TOLERANCE·max|T|: central
differences with h from 1e-4 to 1e-7 come within 2.4e-3 in every case (the worst: h = 1e-7
at |x| ~ 10^6, where x + h holds h to about 3 digits), a conceptual mistake much further."""


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


def _close_elements(u, t, tolerance=TOLERANCE):
    scale = np.abs(t).max() if t.size else 0.0
    return np.abs(u - t) <= tolerance * scale


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
    """The inputs at ``index`` of the gradient: those of its shape, those whose shape is the
    start of its shape at the start of ``index`` (the label y_n of row n), and the scalar
    parameters."""
    parts = []
    for key, value in case.items():
        if isinstance(value, np.ndarray) and value.shape == truth.shape[:value.ndim]:
            parts.append(f"{key} = {_format(value[tuple(index[:value.ndim])])}")
        elif not isinstance(value, np.ndarray):
            parts.append(f"{key} = {value}")
    return ", ".join(parts)


def _element(case_number, case, truth, got, index):
    where = tuple(int(i) for i in index)
    inputs = _inputs_at(case, truth, index)
    return (f"case {case_number}, element {where}"
            + (f" ({inputs})" if inputs else "")
            + f": expected {_format(truth[index])}, got {_format(got[index])}")


def _relative_errors(truths, arrays):
    """|U - T| in units of the largest |T| of each case."""
    return [np.abs(u - t) / (np.abs(t).max() or 1.0) for t, u in zip(truths, arrays)]


def _worst(cases, truths, arrays, only):
    """The element where U and T disagree most, over the cases, where ``only`` is True."""
    errors = [np.where(w, e, -np.inf) for e, w in zip(_relative_errors(truths, arrays), only)]
    k = int(np.argmax([e.max() for e in errors]))
    index = np.unravel_index(int(np.argmax(errors[k])), truths[k].shape)
    return _element(k + 1, cases[k], truths[k], arrays[k], index)


def _fits(arrays, models, where, tolerance=TOLERANCE):
    """U = model in every case, at the elements where ``where`` is True."""
    return all((_close_elements(u, m, tolerance) | ~w).all()
               for u, m, w in zip(arrays, models, where))


def _simple_factor(arrays, models, where):
    """The c of U = c·model at the elements where ``where`` is True, in every case: 1, -1, 0,
    or the one constant that fits (least squares); None when no one c explains U."""
    dot = sum(float((u * m)[w].sum()) for u, m, w in zip(arrays, models, where))
    norm = sum(float((m * m)[w].sum()) for m, w in zip(models, where))
    for c in (1.0, -1.0, 0.0, dot / norm if norm else 1.0):
        if _fits(arrays, [c * m for m in models], where):
            return c
    return None


def _fraction(c):
    """c as a small fraction when it is one (2, 1/2, -3/2), else to 6 digits."""
    fraction = Fraction(c).limit_denominator(12)
    if abs(float(fraction) - c) <= 1e-6 * abs(c):
        return str(fraction)
    return _format(c)


def _counts_text(exercise, counts):
    values = ", ".join(str(n) for n in counts)
    return f"N = {values} in the {len(counts)} cases: {exercise.count_meaning}"


def _region_factors(exercise, cases, truths, arrays, where):
    """{region name: c}, U = c·T in that region (1, -1, 0, a constant; None: no simple c),
    for the exercise's regions that hold elements where ``where`` is True."""
    if exercise.regions is None:
        return {}
    regions = [exercise.regions(case) for case in cases]
    factors = {}
    for name in regions[0]:
        inside = [np.broadcast_to(r[name], t.shape) & w for r, t, w in zip(regions, truths, where)]
        if any(mask.any() for mask in inside):
            factors[name] = (_simple_factor(arrays, truths, inside), inside)
    return factors


def _region_text(name, c):
    if c == 1.0:
        return f"right where {name}"
    if c is None:
        return f"wrong where {name}"
    if c == 0.0:
        return f"zero where {name}"
    if c == -1.0:
        return f"flipped (-truth) where {name}"
    return f"{_fraction(c)} times the truth where {name}"


def diagnose(exercise, cases, truths, outputs):
    """The CheckResult for the student's ``outputs`` (one array per case) against the true
    gradients ``truths`` of ``cases``."""
    wrt, noun = exercise.wrt, exercise.quantity
    arrays = []
    for k, output in enumerate(outputs):
        array = _as_real_array(output)
        if array is None:
            return result(exercise, NOT_AN_ARRAY,
                           f"In case {k + 1} your function returned a {type(output).__name__}; "
                           f"return a NumPy array of real numbers, shaped like `{wrt}`.",
                           f"returned: {output!r}"[:300])
        arrays.append(array)

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
                           f"Your result is the transpose of the true {noun}, which has the "
                           f"shape of `{wrt}`. Check the order of the factors (G Bᵀ is not B Gᵀ).",
                           shapes)
        noted = any(_shape_note(arrays[k], truths[k]) for k in mismatched)
        return result(exercise, WRONG_SHAPE,
                       f"The {noun} with respect to `{wrt}` has the shape of `{wrt}`."
                       + (" The notes below say what would fix a case." if noted else ""), shapes)

    # From here on only the finite elements of U are compared; `besides` tells of the others.
    finite = [np.isfinite(u) for u in arrays]
    raw, arrays = arrays, [np.where(f, u, 0.0) for u, f in zip(arrays, finite)]
    not_finite = sum(int((~f).sum()) for f in finite)
    besides = f" Besides, {not_finite} element(s) are NaN or inf." if not_finite else ""

    def worst(only=finite):
        return _worst(cases, truths, arrays, only)

    factor = _simple_factor(arrays, truths, finite)
    if factor == 1.0 and not_finite:
        k = next(k for k, f in enumerate(finite) if not f.all())
        index = tuple(np.argwhere(~finite[k])[0])
        return result(exercise, NOT_FINITE,
                       f"Your {noun} is right where it is finite, but holds NaN or inf where the "
                       "true one is finite. Did an exp overflow, or a log or a division meet 0? "
                       "Rewrite the formula in a stable form (shift by the maximum, use "
                       "np.logaddexp).", _element(k + 1, cases[k], truths[k], raw[k], index))
    if factor == 1.0:
        return result(exercise, PASSED,
                       f"Matches the engine's {noun} in all {len(cases)} cases.")

    if _fits(arrays, truths, finite, FD_TOLERANCE):
        error = max(float(e[f].max(initial=0.0))
                    for e, f in zip(_relative_errors(truths, arrays), finite))
        return result(exercise, FINITE_DIFFERENCES,
                       f"Your {noun} agrees with the true one to about "
                       f"{max(int(-np.log10(error)), 0)} significant digits only (errors up to "
                       f"{error:.1e} of the largest value), where a derived formula agrees to "
                       "about 15: the accuracy of a finite-difference approximation such as "
                       "(f(x + h) - f(x - h))/2h, which is not accepted. Derive the "
                       f"{noun} and write its formula. (If you did: an ε added somewhere, a "
                       "clipped value or float32 arithmetic also cost digits.)" + besides,
                       "the worst element: " + worst())

    if factor == 0.0:
        return result(exercise, ALL_ZEROS,
                       "Your function returns only zeros: not answered yet? Replace "
                       "`np.zeros_like(...)` with your formula." + besides, worst())

    if factor == -1.0:
        hint = exercise.sign_hint or "Check the sign of every inner derivative."
        descent = (f" Return ∂J/∂{wrt}, not the descent direction -∂J/∂{wrt}."
                   if exercise.order == 1 else "")
        return result(exercise, FLIPPED_SIGN,
                       f"Your {noun} is the negative of the true one in every case. {hint}"
                       + descent + besides, worst())

    if (all(u.T.shape == t.shape for t, u in zip(truths, arrays))
            and _fits([u.T for u in arrays], truths, [f.T for f in finite])):
        return result(exercise, TRANSPOSED,
                       f"Your result is the transpose of the true {noun} (the shapes agree "
                       "because they are square). Check the order of the factors and of the "
                       "indices." + besides, worst())

    if exercise.count is not None:
        counts = [exercise.count(case) for case in cases]
        mean = exercise.reduction == "mean"
        if mean and _fits(arrays, [n * t for n, t in zip(counts, truths)], finite):
            return result(exercise, MISSING_1_OVER_N,
                           f"Your {noun} is N times too large in every case: it is the "
                           "gradient of the SUM of the per-sample losses, but the loss is "
                           "their MEAN (sum instead of mean). Divide by N." + besides,
                           _counts_text(exercise, counts))
        if _fits(arrays, [t / n for n, t in zip(counts, truths)], finite):
            return result(exercise, EXTRA_1_OVER_N if mean else MEAN_INSTEAD_OF_SUM,
                           f"Your {noun} is N times too small in every case: "
                           + ("you divided by N twice (the mean divides once)." if mean else
                              "you divided by N, but the function is a SUM, not a mean (mean "
                              "instead of sum).") + besides, _counts_text(exercise, counts))

    if factor is not None:
        return result(exercise, CONSTANT_FACTOR,
                       f"Your {noun} is {_fraction(factor)} times the true one in every case: "
                       "a constant factor is off. A forgotten 2 from d(x²)/dx = 2x, a ½, or a "
                       "parameter such as λ, α or δ?" + besides, f"factor c = {_format(factor)}")

    kinks = ([np.asarray(exercise.kinks(case), dtype=bool) for case in cases]
             if exercise.kinks is not None else [np.zeros(t.shape, bool) for t in truths])
    smooth = [f & ~kink for f, kink in zip(finite, kinks)]  # the kinks are 17's
    for mistake in exercise.mistakes:
        models = [np.asarray(mistake.gradient(case, t), dtype=float)
                  for case, t in zip(cases, truths)]
        c = _simple_factor(arrays, models, smooth)
        if c not in (None, 0.0):
            rest = ("" if c == 1.0 else
                    f" Beyond that, your {noun} is {_fraction(c)} times what this mistake "
                    "gives (a forgotten 2 or ½?).")
            return result(exercise, mistake.diagnosis, mistake.explanation + rest + besides,
                           worst())

    regions = _region_factors(exercise, cases, truths, arrays, smooth)
    factors = [c for c, _ in regions.values()]
    if 1.0 in factors and any(c not in (1.0, None) for c in factors):
        parts = sorted(regions.items(), key=lambda item: item[1][0] != 1.0)
        wrong = [np.zeros(t.shape, bool) for t in truths]
        for c, inside in regions.values():
            if c != 1.0:
                wrong = [w | i for w, i in zip(wrong, inside)]
        return result(exercise, WRONG_IN_REGION,
                       f"Your {noun} is " + ", ".join(_region_text(name, c)
                                                       for name, (c, _) in parts)
                       + ". The mistake is in the branch or term of the formula that holds "
                       "there: re-derive that part." + besides, worst(wrong))

    if exercise.kinks is not None and _fits(arrays, truths, smooth):
        wrong = [~_close_elements(u, t) & f for t, u, f in zip(truths, arrays, finite)]
        return result(exercise, WRONG_AT_KINK,
                       f"Your {noun} is right everywhere except at kink points "
                       f"({exercise.kink_note}). "
                       "At a kink the function has no derivative, and the engine takes one "
                       "particular one-sided derivative (a subgradient): check which branch "
                       "your formula takes exactly at the boundary." + besides,
                       f"{sum(int(w.sum()) for w in wrong)} kink element(s) wrong, e.g. "
                       + worst(wrong))

    right = [name for name, (c, _) in regions.items() if c == 1.0]
    besides = (f" It is right where {' and where '.join(right)}." if right else "") + besides
    factors = [_simple_factor([u], [t], [f]) for t, u, f in zip(truths, arrays, finite)]
    if None not in factors:
        return result(exercise, WRONG_VALUES,
                       f"In each case your {noun} is the true one times a factor, but the "
                       "factor changes from case to case: a size or a parameter (N, a "
                       "dimension, λ, δ...) is wrong or missing." + besides,
                       "factors: " + ", ".join(_fraction(c) for c in factors))
    wrong = sum(int((~_close_elements(u, t) & f).sum()) for t, u, f in zip(truths, arrays, finite))
    total = sum(t.size for t in truths)
    return result(exercise, WRONG_VALUES,
                   f"Your {noun} differs from the engine's at {wrong} of {total} elements, and "
                   "no simple mistake (sign, 1/N, factor, shape, kink) explains it. Re-derive "
                   "it, and test it on a small case by hand." + besides + " The worst element:",
                   worst())
