"""Margin losses of binary classification (seed 003): functions of the margin m = y·x.

Labels are y ∈ {-1, +1} and x is the raw score of the classifier (not a probability).  The
0-1 loss counts mistakes; the others are its convex surrogates that gradient descent can use.
"""
import math

from .. import functional as F
from ..autograd import Function, no_grad
from .facts import loss
from .risk import reduce
from .validation import check_float_like, check_labels_in, check_nonnegative, check_tensor


def signed_margin(input, target):
    """y·x after checking x (scores) and y (labels in {-1, +1}, the dtype and shape of x)."""
    check_tensor("input", input)
    check_float_like("target", target, "input", input)
    check_labels_in("target", target, (-1, 1))
    return target * input


@loss(family="margin", formula="max(0, margin - y·x)", reference="numpy:hinge_loss", convex=True,
      smooth=False, kinks="y·x = margin (gradient 0 there)", module="HingeLoss")
def hinge_loss(input, target, margin=1.0, reduction="mean"):
    """Hinge loss of support vector machines: 𝓛 = max(0, margin - y·x).

    Convex, not differentiable at y·x = margin (the gradient there is taken as 0).
    """
    check_nonnegative("margin", margin)
    return reduce(F.relu(margin - signed_margin(input, target)), reduction)


@loss(family="margin", formula="(1 - y·x)²", reference="numpy:square_loss", convex=True,
      smooth=True, kinks="none", module="SquareLoss")
def square_loss(input, target, reduction="mean"):
    """Square loss for classification: 𝓛 = (1 - y·x)²: convex and smooth, but it also
    penalises scores that are right by more than the margin."""
    slack = 1.0 - signed_margin(input, target)
    return reduce(slack * slack, reduction)


@loss(family="margin", formula="ln(1 + e^(-y·x)) / ln 2",
      reference="torch.nn.functional.soft_margin_loss / ln 2", convex=True, smooth=True,
      kinks="none", module="LogisticLoss")
def logistic_loss(input, target, reduction="mean"):
    """Logistic loss: 𝓛 = (1/ln 2)·ln(1 + e^(-y·x)) = softplus(-y·x)/ln 2, finite for any x.

    The 1/ln 2 makes it 1 at y·x = 0, like the 0-1 loss it bounds from above.
    (torch.nn.functional.soft_margin_loss / ln 2)
    """
    return reduce(F.softplus(-signed_margin(input, target)) * (1.0 / math.log(2.0)), reduction)


class NotDifferentiableError(RuntimeError):
    """Raised by backward through a loss that has no useful gradient (the 0-1 loss)."""


class NoGradient(Function):
    """Passes ``values`` through as a node of the graph whose backward raises.

    Not a derivative: it makes ``loss.backward()`` fail loudly instead of returning zeros.
    """

    rule = "none: backward raises NotDifferentiableError"

    def forward(self, input, *, values, name):
        self.loss_name = name
        return values

    def backward(self, grad):
        raise NotDifferentiableError(
            f"{self.loss_name} is not differentiable: its gradient is 0 almost everywhere and "
            "undefined at the jumps. Use it as a metric, and train with a surrogate "
            "(hinge_loss, logistic_loss, square_loss).")

    def params(self):
        return {"loss": self.loss_name}  # the values are data, not a setting worth showing


@loss(family="margin", formula="1[y·x ≤ 0]", reference="numpy:zero_one_loss", convex=False,
      smooth=False, kinks="jump at y·x = 0; gradient 0 elsewhere (backward raises)",
      module="ZeroOneLoss")
def zero_one_loss(input, target, reduction="mean"):
    """0-1 loss: 𝓛 = 1 where y·x ≤ 0 (a mistake, or a score of 0), else 0.

    A metric for plots: backward through it raises NotDifferentiableError.
    """
    with no_grad():
        mistakes = (signed_margin(input, target) <= 0).astype(input.dtype)
    return reduce(NoGradient.apply(input, values=mistakes.data, name="zero_one_loss"), reduction)
