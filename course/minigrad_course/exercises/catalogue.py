"""The exercises: one declarative entry each.

An entry says what the student sees (a statement with the formula, the signature to
implement) and what the grader needs: the function whose gradient is asked, written with the
engine and the loss catalogue (the engine's autograd computes the true gradient from it, so no
gradient is hand-coded here), an input generator with several cases (broadcast shapes where
the exercise is about broadcasting, large magnitudes where a finite difference is far off),
and, where they exist, the count N of a mean or a sum, the kink points of the function, the
regions where a formula has separate branches, and the exercise's own typical mistakes.  The
grader (grader.py) reads nothing else.
"""
from dataclasses import dataclass
from typing import Callable, Optional
import zlib

import numpy as np

import minigrad as mg
from minigrad import functional as F
from minigrad import losses

from .grader import DIAGONAL_JACOBIAN, FORGOTTEN_FACTOR, HELD_CONSTANT


@dataclass(frozen=True)
class Mistake:
    """A mistake typical of one exercise: ``gradient(case, truth)`` is what an answer with
    that mistake returns (from the true gradient, or from the engine's gradient of a variant
    of the function); ``diagnosis`` is a key of grader.DIAGNOSES, ``explanation`` what to
    tell the student."""
    diagnosis: str
    explanation: str
    gradient: Callable


@dataclass(frozen=True)
class Exercise:
    """One gradient to derive.

    ``loss(**tensors)`` is the scalar whose derivative with respect to the argument ``wrt`` is
    asked (its second derivative, element by element, when ``order`` is 2).  ``make_cases(rng)``
    returns a list of cases, each a dict from argument name to a NumPy array or a number.
    ``stable``: the statement asks for a form that never overflows, and an overflow during
    the student's call fails the check.  ``count(case)`` is the N of the mean in the loss
    (``reduction`` "mean"), or of the sum a student may take a mean of instead (``reduction``
    "sum"); None when there is neither.  ``kinks(case)`` is a boolean mask, shaped like the
    gradient, of the points where the function has a kink (None when it has none in the
    cases).  ``regions(case)`` names boolean masks (broadcast to the gradient's shape) of the
    parts of the input where the formula has separate branches or terms, for a mistake
    confined to one of them ("|e| ≤ δ", "y = 1").  ``mistakes``: the exercise's own typical
    mistakes (Mistake).  ``sign_hint``: where the sign of this gradient comes from, for an
    answer whose sign is flipped.
    """
    name: str
    title: str
    statement: str
    function_name: str
    args: tuple
    wrt: str
    loss: Callable
    make_cases: Callable
    count: Optional[Callable] = None
    count_meaning: str = ""
    kinks: Optional[Callable] = None
    kink_note: str = ""
    order: int = 1
    stable: bool = False
    reduction: str = "mean"
    regions: Optional[Callable] = None
    mistakes: tuple = ()
    sign_hint: str = ""

    @property
    def signature(self):
        return f"{self.function_name}({', '.join(self.args)})"

    @property
    def quantity(self):
        """What the answer computes, in words."""
        return "second derivative" if self.order == 2 else "gradient"

    def cases(self, seed=None):
        """The public cases (``seed`` None: always the same ones, the generator seeded by the
        exercise's name), or the hidden cases drawn from ``seed``, a number only the grading
        side knows."""
        key = zlib.crc32(self.name.encode())
        return self.make_cases(np.random.default_rng(key if seed is None else [seed, key]))

    def true_gradient(self, case):
        """The gradient the engine's autograd computes for ``case``, as a NumPy array."""
        return engine_gradient(self.loss, self.wrt, case, self.order)


def engine_gradient(function, wrt, case, order=1):
    """The derivative of ``function(**case)`` with respect to ``case[wrt]`` that the engine's
    autograd computes, as a NumPy array (the diagonal of the Hessian when ``order`` is 2)."""
    tensors = {key: _engine_value(value, key == wrt) for key, value in case.items()}
    target = tensors[wrt]
    loss = function(**tensors)
    if order == 1:
        (gradient,) = mg.grad(loss, target)
    else:  # the function is a sum of pointwise terms: the Hessian is diagonal
        (first,) = mg.grad(loss, target, create_graph=True)
        (gradient,) = mg.grad(first.sum(), target)
    return gradient.numpy()


def _engine_value(value, requires_grad):
    """A case value as the engine takes it: float arrays in float64, int arrays as int64."""
    if not isinstance(value, np.ndarray):
        return value
    dtype = mg.float64 if value.dtype.kind == "f" else np.int64
    return mg.Tensor(value, dtype=dtype, requires_grad=requires_grad)


# --- input generators ------------------------------------------------------------------------
def _normal(rng, *shape, scale=1.0):
    return scale * rng.standard_normal(shape)


def _labels01(rng, *shape):
    return rng.integers(0, 2, shape).astype(float)


def _probabilities(rng, *shape):
    return rng.uniform(0.05, 0.95, shape)


def _one_hot(rng, rows, classes):
    return np.eye(classes)[rng.integers(0, classes, rows)]


def _quarters(rng, *shape, high=3.0):
    """Multiples of 1/4: their differences are exact, so points can sit exactly on a kink."""
    return rng.integers(int(-4 * high), int(4 * high) + 1, shape) / 4.0


def _size(name):
    return lambda case: case[name].size


def _rows(name):
    return lambda case: case[name].shape[0]


# --- regions and mistakes --------------------------------------------------------------------
def _label_regions(case):
    """The elements by their label y: hard labels 1 and 0, and soft ones in between."""
    y = case["y"]
    return {"y = 1": y == 1, "y = 0": y == 0, "0 < y < 1": (0 < y) & (y < 1)}


def _huber_regions(case):
    e = np.abs(case["y"] - case["x"])
    return {"|e| ≤ δ": e <= case["delta"], "|e| > δ": e > case["delta"]}


def _target_class(case):
    """True at (n, y_n): the logit of each row's target class."""
    return np.eye(case["x"].shape[1], dtype=bool)[case["y"]]


def _alpha_t(case):
    return np.where(case["y"] == 1, case["alpha"], 1.0 - case["alpha"])


def _focal_with_constant_modulation(x, y, alpha, gamma):
    """The focal loss with (1 - p_t)^γ cut from the graph: its gradient is the answer of a
    student who treats the modulating factor as a constant."""
    p = F.sigmoid(x)
    modulation = ((p + y * (1.0 - 2.0 * p)) ** gamma).detach()  # (1 - p_t)^γ
    alpha_t = (1.0 - alpha) + (2.0 * alpha - 1.0) * y
    cross_entropy = losses.binary_cross_entropy_with_logits(x, y, reduction="none")
    return (alpha_t * modulation * cross_entropy).mean()


E_SIGN_HINT = "With e = y - x, de/dx = -1."


# --- the exercises ---------------------------------------------------------------------------
def _bce_cases(rng):
    return [dict(x=_normal(rng, 4, scale=3.0), y=_labels01(rng, 4)),
            dict(x=_normal(rng, 3, 5, scale=3.0), y=_labels01(rng, 3, 5)),
            dict(x=np.array([-800.0, -30.0, 0.0, 0.5, 30.0, 800.0]), y=rng.uniform(0, 1, 6))]


def _cross_entropy_cases(rng):
    return [dict(x=_normal(rng, 4, 3, scale=2.0), y=rng.integers(0, 3, 4)),
            dict(x=_normal(rng, 6, 5, scale=2.0), y=rng.integers(0, 5, 6)),
            dict(x=_normal(rng, 3, 3, scale=2.0), y=np.array([2, 0, 2])),
            # logits of -800, 0 or 800: e^800 overflows and e^-800 underflows, shift first
            dict(x=800.0 * rng.integers(-1, 2, (5, 4)) + _normal(rng, 5, 4, scale=2.0),
                 y=rng.integers(0, 4, 5))]


def _huber_cases(rng):
    def case(shape, delta, high=3.0):
        x = _quarters(rng, *shape)
        y = x + _quarters(rng, *shape, high=high)
        y.ravel()[:2] = x.ravel()[:2] + np.array([delta, -delta])  # two points on the kinks
        return dict(x=x, y=y, delta=delta)
    # the last with |e| up to 10^6, where a finite difference of h(e) is far off
    return [case((6,), 1.0), case((3, 4), 0.5), case((8,), 1.5), case((5,), 2.0, high=1e6)]


def _l1_cases(rng):
    def case(*shape, high=3.0):
        x = _quarters(rng, *shape)
        y = x + _quarters(rng, *shape, high=high)
        y.ravel()[:2] = x.ravel()[:2]  # two points on the kink e = 0
        return dict(x=x, y=y)
    return [case(5), case(2, 4), case(7), case(6, high=1e6)]


def _focal_cases(rng):
    return [dict(x=_normal(rng, 5, scale=2.0), y=_labels01(rng, 5), alpha=0.25, gamma=2.0),
            dict(x=_normal(rng, 3, 4, scale=2.0), y=_labels01(rng, 3, 4), alpha=0.5, gamma=1.0),
            dict(x=_normal(rng, 7, scale=2.0), y=_labels01(rng, 7), alpha=0.75, gamma=3.0)]


def _regression_cases(rng):
    magnitudes = np.geomspace(1.0, 1e6, 6)  # up to 10^6, where finite differences are far off
    return [dict(x=_normal(rng, 5, scale=2.0), y=_normal(rng, 5, scale=2.0)),
            dict(x=_normal(rng, 3, 4, scale=2.0), y=_normal(rng, 3, 4, scale=2.0)),
            dict(x=_normal(rng, 8, scale=3.0), y=_normal(rng, 8, scale=3.0)),
            dict(x=_normal(rng, 6, scale=magnitudes), y=_normal(rng, 6, scale=magnitudes))]


def _paper_cases(rng):
    return [dict(p=_probabilities(rng, 4, 3), y=_one_hot(rng, 4, 3)),
            dict(p=_probabilities(rng, 5, 2), y=_one_hot(rng, 5, 2)),
            dict(p=_probabilities(rng, 3, 3), y=_one_hot(rng, 3, 3))]


# The last case of the linear and quadratic exercises has inputs of magnitude 10^3: there a
# finite difference is off by 1e-10 or more, far from float64 rounding.
def _l2_cases(rng):
    return [dict(W=_normal(rng, 3, 4), lam=0.1),
            dict(W=_normal(rng, 2, 5), lam=0.01),
            dict(W=_normal(rng, 4, 4), lam=0.5),
            dict(W=_normal(rng, 3, 3, scale=1e3), lam=0.2)]


def _matmul_cases(rng):
    def case(m, k, n, scale=1.0):
        return dict(A=_normal(rng, m, k, scale=scale), B=_normal(rng, k, n, scale=scale),
                    G=_normal(rng, m, n))
    return [case(2, 3, 4), case(4, 2, 5), case(3, 3, 3), case(3, 2, 4, scale=1e3)]


def _bias_cases(rng):
    """A bias b broadcast against a batch a: as a row (n,) or (1, n), as a column (m, 1)."""
    def case(a_shape, b_shape, scale=1.0):
        return dict(a=_normal(rng, *a_shape, scale=scale), b=_normal(rng, *b_shape),
                    G=_normal(rng, *a_shape))
    return [case((4, 3), (3,)), case((5, 2), (1, 2)), case((2, 3, 4), (4,)), case((3, 5), (3, 1)),
            case((6, 2), (2,), scale=1e3)]


def _logsumexp_cases(rng):
    return [dict(x=_normal(rng, 5, scale=2.0)),
            dict(x=_normal(rng, 3, 4, scale=2.0)),
            dict(x=800.0 + _normal(rng, 2, 6, scale=2.0))]  # e^800 overflows: shift first


def _triplet_cases(rng):
    def case(rows, dim):
        return dict(a=_normal(rng, rows, dim), p=_normal(rng, rows, dim),
                    n=_normal(rng, rows, dim), margin=1.0)
    first, second = case(4, 3), case(6, 2)
    # A triplet exactly on the kink: d(a, p) = 5 (a 3-4-5 triangle), d(a, n) = 6 = 5 + margin.
    first["a"][0], first["p"][0], first["n"][0] = [0.0, 0.0, 0.0], [3.0, 4.0, 0.0], [0.0, 0.0, 6.0]
    # And one far inside the margin, whose loss and gradient are 0.
    first["n"][1] = first["a"][1] + 10.0
    second["a"][0], second["p"][0], second["n"][0] = [1.0, 1.0], [7.0, 9.0], [-10.0, 1.0]
    return [first, second, case(3, 4)]


def _triplet_margin(a, p, n):
    return (np.linalg.norm(a - p, axis=-1) - np.linalg.norm(a - n, axis=-1))


def _logistic_cases(rng):
    def case(rows, features):
        return dict(w=_normal(rng, features), X=_normal(rng, rows, features),
                    y=_labels01(rng, rows))
    return [case(6, 3), case(10, 2), case(5, 4)]


def _linear_bias_cases(rng):
    def case(rows, features, outputs, b_shape, scale=1.0):
        return dict(b=_normal(rng, *b_shape), X=_normal(rng, rows, features),
                    W=_normal(rng, features, outputs), Y=_normal(rng, rows, outputs, scale=scale))
    return [case(5, 3, 2, (2,)), case(4, 2, 3, (1, 3)), case(6, 2, 1, (1,)),
            case(3, 2, 2, (2,), scale=1e3)]


EXERCISES_LIST = [
    Exercise(
        name="bce_with_logits",
        title="Binary cross-entropy with logits, with respect to the logit",
        statement=r"""
With $p_i = \sigma(x_i) = 1/(1 + e^{-x_i})$ and targets $y_i \in [0, 1]$, the binary
cross-entropy of logits, averaged over all $N$ elements of $x$, is

$$J(x) = \frac{1}{N}\sum_i -\big[y_i \log \sigma(x_i) + (1 - y_i)\log(1 - \sigma(x_i))\big]
       = \frac{1}{N}\sum_i \big[\operatorname{softplus}(x_i) - y_i x_i\big].$$

Compute $\partial J / \partial x$ (same shape as `x`).  Hint: $\sigma'(x) = \sigma(x)(1 - \sigma(x))$.
Some logits are $\pm 800$: $e^{800}$ overflows in float64, so write $\sigma$ in a form that
never computes it.""",
        function_name="grad_bce_with_logits", stable=True, args=("x", "y"), wrt="x",
        loss=lambda x, y: losses.binary_cross_entropy_with_logits(x, y),
        make_cases=_bce_cases, count=_size("x"), count_meaning="the number of elements of x",
        regions=_label_regions,
        sign_hint="The gradient is positive where the prediction σ(x) is above the target y."),

    Exercise(
        name="cross_entropy",
        title="Softmax cross-entropy, with respect to the logits",
        statement=r"""
Logits $x$ of shape (N, C), class indices $y$ of shape (N,):

$$J(x) = \frac{1}{N}\sum_{n} -\log \operatorname{softmax}(x_n)_{y_n},\qquad
\operatorname{softmax}(x_n)_c = \frac{e^{x_{nc}}}{\sum_k e^{x_{nk}}}.$$

Compute $\partial J / \partial x$, of shape (N, C).  Some logits are $\pm 800$: $e^{800}$
overflows in float64, so compute the softmax in a form that never computes it.""",
        function_name="grad_cross_entropy", stable=True, args=("x", "y"), wrt="x",
        loss=lambda x, y: losses.cross_entropy(x, y),
        make_cases=_cross_entropy_cases, count=_rows("x"), count_meaning="the batch size (rows of x)",
        regions=lambda case: {"c = y_n": _target_class(case), "c ≠ y_n": ~_target_class(case)},
        mistakes=(Mistake(
            DIAGONAL_JACOBIAN,
            "Only the column of the target class is right; the other classes get 0. You kept "
            "the diagonal of the softmax Jacobian, ∂p_y/∂x_y = p_y(1 - p_y), and dropped "
            "∂p_y/∂x_c = -p_y·p_c for c ≠ y: every logit of the row is in the denominator "
            "Σ_k e^(x_k), so every class has a derivative.",
            lambda case, truth: truth * _target_class(case)),),
        sign_hint="∂J/∂x is negative at the target class only: raising its logit lowers the "
                  "loss, raising another raises it."),

    Exercise(
        name="huber",
        title="Huber loss, with respect to the prediction",
        statement=r"""
With $e_i = y_i - x_i$ and $\delta > 0$,

$$J(x) = \frac{1}{N}\sum_i h_\delta(e_i),\qquad
h_\delta(e) = \begin{cases}\tfrac12 e^2 & |e| \le \delta\\ \delta\,(|e| - \tfrac12\delta) & |e| > \delta.\end{cases}$$

Compute $\partial J/\partial x$ (same shape as `x`; $N$ is the number of elements).
Mind the sign: $e$ is $y - x$.""",
        function_name="grad_huber", args=("x", "y", "delta"), wrt="x",
        loss=lambda x, y, delta: losses.huber_loss(x, y, delta=delta),
        make_cases=_huber_cases, count=_size("x"), count_meaning="the number of elements of x",
        kinks=lambda case: np.abs(case["y"] - case["x"]) == case["delta"],
        kink_note="|e| = δ, where the two pieces meet",
        regions=_huber_regions, sign_hint=E_SIGN_HINT,
        mistakes=(Mistake(
            FORGOTTEN_FACTOR,
            "You forgot δ where |e| > δ: there h_δ(e) = δ(|e| - δ/2), whose derivative is "
            "δ·sign(e), not sign(e).",
            lambda case, truth: truth / np.where(_huber_regions(case)["|e| > δ"],
                                                 case["delta"], 1.0)),)),

    Exercise(
        name="l1",
        title="Mean absolute error, with respect to the prediction",
        statement=r"""
$$J(x) = \frac{1}{N}\sum_i |y_i - x_i|.$$

Compute $\partial J/\partial x$.  $|e|$ has no derivative at $e = 0$: use the subgradient 0
there, as PyTorch and minigrad do.""",
        function_name="grad_l1", args=("x", "y"), wrt="x",
        loss=lambda x, y: losses.l1_loss(x, y),
        make_cases=_l1_cases, count=_size("x"), count_meaning="the number of elements of x",
        kinks=lambda case: case["y"] == case["x"],
        kink_note="e = 0, where minigrad, like PyTorch, takes the subgradient 0",
        sign_hint="d|y - x|/dx = -sign(y - x): the inner derivative of y - x is -1."),

    Exercise(
        name="sigmoid_focal",
        title="Sigmoid focal loss, with respect to the logit",
        statement=r"""
With $p = \sigma(x)$, labels $y \in \{0, 1\}$, $p_t = p$ where $y = 1$ and $1 - p$ where
$y = 0$, $\alpha_t = \alpha$ where $y = 1$ and $1 - \alpha$ where $y = 0$:

$$J(x) = \frac{1}{N}\sum_i -\alpha_{t,i}\,(1 - p_{t,i})^{\gamma}\,\log p_{t,i}.$$

Compute $\partial J/\partial x$.  Hint: with $s = 2y - 1$, $p_t = \sigma(s x)$, so
$\partial p_t/\partial x = s\,p_t(1 - p_t)$.""",
        function_name="grad_sigmoid_focal", args=("x", "y", "alpha", "gamma"), wrt="x",
        loss=lambda x, y, alpha, gamma: losses.sigmoid_focal_loss(
            x, y, alpha=alpha, gamma=gamma, reduction="mean"),
        make_cases=_focal_cases, count=_size("x"), count_meaning="the number of elements of x",
        regions=_label_regions,
        mistakes=(
            Mistake(FORGOTTEN_FACTOR,
                    "You forgot α_t: every term of the loss is weighted by α_t (α where y = 1, "
                    "1 - α where y = 0), and so is its derivative.",
                    lambda case, truth: truth / _alpha_t(case)),
            Mistake(HELD_CONSTANT,
                    "You held the modulating factor (1 - p_t)^γ constant, but it depends on x "
                    "through p_t: by the product rule the derivative of (1 - p_t)^γ·(-log p_t) "
                    "has a second term, from the derivative of (1 - p_t)^γ.",
                    lambda case, truth: engine_gradient(_focal_with_constant_modulation, "x",
                                                        case))),
        sign_hint="The sign comes from s = 2y - 1: ∂p_t/∂x = s·p_t(1 - p_t)."),

    Exercise(
        name="smae",
        title="Smooth MAE, first derivative",
        statement=r"""
The smooth mean absolute error of Noel et al., with $e_i = y_i - x_i$:

$$J(x) = \frac{1}{N}\sum_i e_i \tanh(e_i/2).$$

Compute $\partial J/\partial x$.  Hint: $\tanh'(u) = 1 - \tanh^2 u$.""",
        function_name="grad_smae", args=("x", "y"), wrt="x",
        loss=lambda x, y: losses.smae_loss(x, y),
        make_cases=_regression_cases, count=_size("x"), count_meaning="the number of elements of x",
        sign_hint=E_SIGN_HINT),

    Exercise(
        name="smae_curvature",
        title="Smooth MAE, second derivative",
        statement=r"""
Now summed, not averaged: $J(x) = \sum_i \ell(y_i - x_i)$ with $\ell(e) = e\tanh(e/2)$.
Its Hessian is diagonal; return its diagonal, $\partial^2 J/\partial x_i^2$ for every $i$
(same shape as `x`).  Where does it turn negative?""",
        function_name="smae_second_derivative", args=("x", "y"), wrt="x",
        loss=lambda x, y: losses.smae_loss(x, y, reduction="sum"),
        make_cases=_regression_cases, order=2, count=_size("x"), reduction="sum",
        count_meaning="the number of elements of x",
        sign_hint="With e = y - x, de/dx = -1 enters twice: the two signs cancel, (de/dx)² = 1."),

    Exercise(
        name="m_loss",
        title="Loss M of Noel et al., with respect to the probabilities",
        statement=r"""
Probabilities $p$ (N, C) in (0, 1), one-hot targets $y$ (N, C).  The loss of a sample sums
over its C outputs, and the batch is averaged:

$$J(p) = \frac{1}{N}\sum_n \sum_c y_{nc}\Big(\frac{1}{p_{nc}} - 1\Big).$$

Compute $\partial J/\partial p$, of shape (N, C).""",
        function_name="grad_m_loss", args=("p", "y"), wrt="p",
        loss=lambda p, y: losses.m_loss(p, y),
        make_cases=_paper_cases, count=_rows("p"), count_meaning="the batch size (rows of p)",
        regions=_label_regions,
        sign_hint="d(1/p)/dp = -1/p²: raising the probability of the target lowers the loss."),

    Exercise(
        name="l_loss",
        title="Loss L of Noel et al. (full version), with respect to the probabilities",
        statement=r"""
Probabilities $p$ (N, C) in (0, 1), one-hot targets $y$ (N, C).  The full version of L also
penalises the outputs that should be 0:

$$J(p) = \frac{1}{N}\sum_n \sum_c \Big[\frac{y_{nc}}{\sqrt{1 - (1 - p_{nc})^2}}
        + \frac{1 - y_{nc}}{\sqrt{1 - p_{nc}^2}} - 1\Big].$$

Compute $\partial J/\partial p$, of shape (N, C).""",
        function_name="grad_l_loss", args=("p", "y"), wrt="p",
        loss=lambda p, y: losses.l_loss(p, y, full=True),
        make_cases=_paper_cases, count=_rows("p"), count_meaning="the batch size (rows of p)",
        regions=_label_regions,
        sign_hint="d u^(-1/2)/du = -½u^(-3/2), and d(1 - p)/dp = -1."),

    Exercise(
        name="l2_penalty",
        title="The L2 penalty, with respect to the weights",
        statement=r"""
$$\lambda\,\Omega(W) = \lambda \sum_{jk} W_{jk}^2.$$

Compute $\partial(\lambda\Omega)/\partial W$ (same shape as `W`).""",
        function_name="grad_l2_penalty", args=("W", "lam"), wrt="W",
        loss=lambda W, lam: lam * losses.l2_penalty([W]),
        make_cases=_l2_cases, count=_size("W"), reduction="sum",
        count_meaning="the number of elements of W",
        mistakes=(Mistake(FORGOTTEN_FACTOR,
                          "You forgot λ: the penalty is λΩ(W), so its gradient is λ times "
                          "that of Ω.",
                          lambda case, truth: truth / case["lam"]),)),

    Exercise(
        name="matmul_a",
        title="Backward of a matrix product, first factor",
        statement=r"""
The forward pass computes $Y = AB$ with $A$ (m, k) and $B$ (k, n).  The backward pass brings
the upstream gradient $G = \partial L/\partial Y$ (m, n).  Compute $\partial L/\partial A$
(the vector-Jacobian product), of shape (m, k).  Here $L = \sum_{ij} G_{ij} (AB)_{ij}$.""",
        function_name="grad_matmul_a", args=("A", "B", "G"), wrt="A",
        loss=lambda A, B, G: ((A @ B) * G).sum(),
        make_cases=_matmul_cases),

    Exercise(
        name="matmul_b",
        title="Backward of a matrix product, second factor",
        statement=r"""
As above, $Y = AB$ with upstream gradient $G = \partial L/\partial Y$.  Compute
$\partial L/\partial B$, of shape (k, n).""",
        function_name="grad_matmul_b", args=("A", "B", "G"), wrt="B",
        loss=lambda A, B, G: ((A @ B) * G).sum(),
        make_cases=_matmul_cases),

    Exercise(
        name="bias",
        title="Un-broadcasting: the gradient of a broadcast bias",
        statement=r"""
The forward pass computes $z = a + b$, where the bias `b` is broadcast against `a`: `b` may
have shape (n,) or (1, n) against an `a` of shape (m, n) or (k, m, n), or (m, 1) against
(m, n).  The upstream gradient $G = \partial L/\partial z$ has the shape of `a`.  Compute
$\partial L/\partial b$: it must have the shape of `b`.  Here $L = \sum G \odot (a + b)$.""",
        function_name="grad_bias", args=("a", "b", "G"), wrt="b",
        loss=lambda a, b, G: ((a + b) * G).sum(),
        make_cases=_bias_cases, count=lambda case: case["a"].size // case["b"].size,
        reduction="sum",
        count_meaning="the number of elements of a that each element of b was added to"),

    Exercise(
        name="logsumexp",
        title="Log-sum-exp, with respect to its input",
        statement=r"""
Along the last axis of `x` (a vector, or a batch of rows), summed over the rows:

$$J(x) = \sum_n \log \sum_c e^{x_{nc}}.$$

Compute $\partial J/\partial x$ (same shape as `x`).  Some inputs are near 800:
$e^{800}$ overflows in float64.""",
        function_name="grad_logsumexp", stable=True, args=("x",), wrt="x",
        loss=lambda x: F.logsumexp(x, axis=-1).sum(),
        make_cases=_logsumexp_cases, count=lambda case: case["x"][..., 0].size,
        reduction="sum", count_meaning="the number of rows of x (1 for a vector)"),

    Exercise(
        name="triplet_anchor",
        title="Triplet margin loss, with respect to the anchor",
        statement=r"""
Anchors $a$, positives $p$, negatives $n$, all (N, D); $d(u, v) = \lVert u - v\rVert_2$ per row:

$$J(a) = \frac{1}{N}\sum_i \max\big(0,\; d(a_i, p_i) - d(a_i, n_i) + \text{margin}\big).$$

Compute $\partial J/\partial a$, of shape (N, D).  (PyTorch adds $\varepsilon = 10^{-6}$ inside the
distance; here $\varepsilon = 0$.)  At the kink, where the bracket is exactly 0, minigrad's
`clip(·, min=0)` passes the gradient, as PyTorch's `clamp_min` does.""",
        function_name="grad_triplet_anchor", args=("a", "p", "n", "margin"), wrt="a",
        loss=lambda a, p, n, margin: losses.triplet_margin_loss(a, p, n, margin=margin, eps=0.0),
        make_cases=_triplet_cases, count=_rows("a"), count_meaning="the number of triplets (rows of a)",
        kinks=lambda case: np.broadcast_to(
            (_triplet_margin(case["a"], case["p"], case["n"]) + case["margin"] == 0)[:, None],
            case["a"].shape),
        kink_note="where d(a, p) - d(a, n) + margin = 0; there the engine passes the "
                  "gradient of the bracket, as if the max took the bracket",
        sign_hint="The distance to the negative enters with a minus sign: -d(a, n)."),

    Exercise(
        name="mse",
        title="Mean squared error, with respect to the prediction",
        statement=r"""
$$J(x) = \frac{1}{N}\sum_i (x_i - y_i)^2.$$

Compute $\partial J/\partial x$ (same shape as `x`; $N$ is the number of elements).""",
        function_name="grad_mse", args=("x", "y"), wrt="x",
        loss=lambda x, y: losses.mse_loss(x, y),
        make_cases=_regression_cases, count=_size("x"), count_meaning="the number of elements of x",
        sign_hint="d(x - y)²/dx = 2(x - y): positive where x > y."),

    Exercise(
        name="logistic_regression",
        title="Logistic regression, with respect to the weights",
        statement=r"""
Features $X$ (N, d), labels $y \in \{0, 1\}^N$, weights $w$ (d,).  The model predicts
$\sigma(Xw)$ and is trained on the mean binary cross-entropy:

$$J(w) = \frac{1}{N}\sum_i -\big[y_i\log\sigma(x_i^\top w) + (1 - y_i)\log(1 - \sigma(x_i^\top w))\big].$$

Compute $\partial J/\partial w$, of shape (d,).""",
        function_name="grad_logistic_regression", args=("w", "X", "y"), wrt="w",
        loss=lambda w, X, y: losses.binary_cross_entropy_with_logits(X @ w, y),
        make_cases=_logistic_cases, count=_rows("X"),
        count_meaning="the number of samples (rows of X)"),

    Exercise(
        name="linear_regression_bias",
        title="Linear regression, with respect to a broadcast bias",
        statement=r"""
A linear layer predicts $\hat Y = XW + b$ for features $X$ (N, d), weights $W$ (d, k) and a
bias `b` of shape (k,) or (1, k) that is broadcast over the N rows.  The loss is the mean
squared error over all $Nk$ elements of $Y$:

$$J(b) = \frac{1}{Nk}\sum_{n,j} (\hat Y_{nj} - Y_{nj})^2.$$

Compute $\partial J/\partial b$: it must have the shape of `b`.""",
        function_name="grad_linear_regression_bias", args=("b", "X", "W", "Y"), wrt="b",
        loss=lambda b, X, W, Y: losses.mse_loss(X @ W + b, Y),
        make_cases=_linear_bias_cases, count=_size("Y"), count_meaning="the number of elements of Y"),
]

EXERCISES = {exercise.name: exercise for exercise in EXERCISES_LIST}
"""Every exercise by name, in the order of the notebooks."""
