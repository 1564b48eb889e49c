"""From pointwise losses to the objective that training minimises (seed 002's chain).

    pointwise loss      𝓛⁽ⁱ⁾ = 𝓛(f(x⁽ⁱ⁾; W), y⁽ⁱ⁾)          any loss with reduction='none'
    empirical risk      J(W) = (1/n) Σᵢ 𝓛⁽ⁱ⁾                  empirical_risk, reduction='mean'
    regularised risk    J(W) + λ·Ω(W)                         regularized_risk
    penalties           Ω(W) = Σ‖w‖² (l2_penalty) or Σ|w| (l1_penalty)

``reduce`` is the one place where every loss of the catalogue turns its pointwise values into
the value it returns.
"""
from .. import functional as F
from ..tensor import Tensor
from .validation import check_nonnegative, check_reduction, check_tensor


def reduce(pointwise, reduction="mean", divisor=None):
    """Apply ``reduction`` to a tensor of pointwise losses.

    'none' → the pointwise losses as they are;  'sum' → Σᵢ 𝓛⁽ⁱ⁾;
    'mean' → Σᵢ 𝓛⁽ⁱ⁾ / divisor, where divisor is the number of pointwise losses unless given
    (a weighted mean, as cross_entropy with class weights, passes the total weight).
    """
    check_reduction(reduction)
    if reduction == "none":
        return pointwise
    total = pointwise.sum()
    if reduction == "sum":
        return total
    if divisor is None:
        divisor = float(pointwise.size)
    return total / divisor


def empirical_risk(pointwise):
    """J(W) = (1/n) Σᵢ 𝓛⁽ⁱ⁾: the mean of the pointwise losses."""
    check_tensor("pointwise", pointwise)
    return reduce(pointwise, "mean")


def _parameter_list(params):
    params = list(params.parameters() if hasattr(params, "parameters") else params)
    if not params:
        raise ValueError("params: no parameters given")
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"params: element {i} is a {type(p).__name__}, not a Tensor")
    return params


def l2_penalty(params):
    """Ω(W) = Σ_w Σ w²: the squared Euclidean norm of all parameters (weight decay)."""
    return sum_tensors((w * w).sum() for w in _parameter_list(params))


def l1_penalty(params):
    """Ω(W) = Σ_w Σ |w|: the L1 norm of all parameters (it favours sparse weights)."""
    return sum_tensors(F.abs(w).sum() for w in _parameter_list(params))


def regularized_risk(pointwise, params, lam, penalty=l2_penalty):
    """J(W) + λ·Ω(W): the empirical risk of ``pointwise`` plus ``lam`` times ``penalty(params)``.

    ``params``: an iterable of tensors or a Module.  ``J.backward()`` then fills every
    parameter's ``.grad`` with ∂J/∂w + λ·∂Ω/∂w.
    """
    check_nonnegative("lam", lam)
    if not callable(penalty):
        raise TypeError(f"penalty: expected a function of the parameters, got {type(penalty).__name__}")
    return empirical_risk(pointwise) + lam * penalty(params)


def sum_tensors(tensors):
    """t₁ + t₂ + … of an iterable of tensors (Python's sum would start from the int 0)."""
    total = None
    for t in tensors:
        total = t if total is None else total + t
    return total
