"""The loss registry: one entry per public loss, the single description that the tests, the
docs table and the gallery read.

An entry holds the function, its formula (text), the name of its reference (a PyTorch function
such as 'torch.nn.functional.mse_loss', or 'numpy:NAME' for an independent NumPy formula; the
engine never imports either: tests/loss_references.py resolves the names), a seeded generator
of sample inputs with edge cases, inputs at extreme values for the stability checks, the domain
of each argument, and what is known of the loss: convex in the prediction?  smooth?  kinks?

    from minigrad.losses.registry import REGISTRY
    entry = REGISTRY['huber_loss']
    for sample in entry.samples(dtype='float32', device='cpu'):
        entry.function(*sample.args, **sample.kwargs)
"""
from dataclasses import dataclass, field

import numpy as np

from .. import creation
from . import classification, detection, generative, margin, paper, ranking, regression, rl
from . import segmentation
from .validation import REDUCTIONS


# --- samples ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sample:
    """One call of a loss: ``function(*args, **kwargs)`` (the reduction is added by the caller).

    ``reference`` overrides the entry's reference (e.g. triplet_margin_loss with squared=True);
    ``grad_args`` overrides which positional arguments get requires_grad; ``at_kink`` marks a
    sample on a kink, where finite differences and the chosen subgradient legitimately differ.
    """
    args: tuple
    kwargs: dict = field(default_factory=dict)
    note: str = ""
    reference: str = None
    grad_args: tuple = None
    at_kink: bool = False


class SampleMaker:
    """Seeded tensors of one dtype and device.  Values are drawn in float64 and then cast, so
    float32 samples are the float64 samples rounded."""

    def __init__(self, seed, dtype, device):
        self.rng = np.random.default_rng(seed)
        self.dtype, self.device = dtype, device

    def tensor(self, values):
        return creation.tensor(np.asarray(values, dtype=np.float64), dtype=self.dtype,
                               device=self.device)

    def indices(self, values):
        return creation.tensor(np.asarray(values, dtype=np.int64), device=self.device)

    def normal(self, *shape, scale=1.0):
        return self.tensor(scale * self.rng.standard_normal(shape))

    def uniform(self, *shape, low=0.0, high=1.0):
        return self.tensor(self.rng.uniform(low, high, shape))

    def probabilities(self, *shape):
        """Values in (0.05, 0.95): away from the clamps and the poles."""
        return self.uniform(*shape, low=0.05, high=0.95)

    def signs(self, *shape):
        return self.tensor(self.rng.choice([-1.0, 1.0], shape))

    def bits(self, *shape):
        return self.tensor(self.rng.integers(0, 2, shape))

    def classes(self, num_classes, *shape):
        return self.indices(self.rng.integers(0, num_classes, shape))

    def onehot(self, num_classes, *shape):
        """One-hot rows: shape + (num_classes,)."""
        return self.tensor(np.eye(num_classes)[self.rng.integers(0, num_classes, shape)])

    def distribution(self, *shape, axis=1):
        """Positive values summing to 1 along ``axis``."""
        weights = self.rng.uniform(0.1, 1.0, shape)
        return self.tensor(weights / weights.sum(axis=axis, keepdims=True))

    def log_distribution(self, *shape, axis=1):
        weights = self.rng.uniform(0.1, 1.0, shape)
        return self.tensor(np.log(weights / weights.sum(axis=axis, keepdims=True)))


# --- entries ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class LossEntry:
    """What the project knows about one loss.  ``convex``: convex in the prediction (the first
    argument) over its domain, with the default options (checked on the samples that use
    them); ``smooth``: infinitely differentiable there (then second derivatives are checked).
    ``kinks``: where the derivative jumps or is a chosen subgradient."""
    function: object
    family: str
    formula: str
    reference: str
    domain: dict
    convex: bool
    smooth: bool
    kinks: str
    sampler: object
    extremes: object = None
    grad_args: tuple = (0,)
    differentiable: bool = True
    reductions: tuple = REDUCTIONS

    @property
    def name(self):
        return self.function.__name__

    def samples(self, dtype="float64", device="cpu", seed=0):
        """The seeded sample inputs, with requires_grad set on the differentiable arguments."""
        return self._prepare(self.sampler(SampleMaker(seed, dtype, device)))

    def extreme_samples(self, dtype="float64", device="cpu"):
        """Inputs at extreme values (logits ±1e4, probabilities 0 and 1, errors ±1e4)."""
        if self.extremes is None:
            return []
        return self._prepare(self.extremes(SampleMaker(0, dtype, device)))

    def _prepare(self, samples):
        for sample in samples:
            if self.differentiable:
                for i in (self.grad_args if sample.grad_args is None else sample.grad_args):
                    sample.args[i].requires_grad_()
        return samples


HARD_TARGETS = (0,)
"""grad_args of a sample whose targets are exactly 0 or 1: at the edge of their domain, so
only the prediction is differentiated (finite differences would step outside [0, 1])."""


def _pairs(options=({},), edges=(), extremes=None, shape=(4, 3)):
    """Samples of a loss of (input, target) of one shape: one random pair per set of
    ``options``, a 1-D and a 3-D pair, and ``edges``: (x, y, options, note, at_kink)."""
    def sampler(m):
        samples = [Sample((m.normal(*shape, scale=1.5), m.normal(*shape)), dict(kw), f"{shape} {kw}")
                   for kw in options]
        samples.append(Sample((m.normal(7, scale=3.0), m.normal(7)), dict(options[-1]), "1-D"))
        samples.append(Sample((m.normal(2, 3, 2), m.normal(2, 3, 2)), {}, "3-D"))
        samples += [Sample((m.tensor(x), m.tensor(y)), dict(kw), note, at_kink=kink)
                    for x, y, kw, note, kink in edges]
        return samples
    return sampler


def _large_errors(m):
    return [Sample((m.tensor([1e4, -1e4, 3e3, -20.0]), m.tensor([0.0, 0.0, 0.0, 0.0])), {},
                   "errors ±1e4")]


def _probabilities_against(target_maker):
    """(p, y) samples for losses of probabilities, y from ``target_maker(m, shape)``."""
    def sampler(m):
        return [Sample((m.probabilities(4, 3), target_maker(m, 4, 3)), {}, "(4, 3)"),
                Sample((m.probabilities(6), target_maker(m, 6)), {}, "1-D")]
    return sampler


def _bce_samples(m):
    return [
        Sample((m.probabilities(4, 3), m.uniform(4, 3)), {}, "soft targets"),
        Sample((m.probabilities(4, 3), m.bits(4, 3)), {"weight": m.uniform(3, low=0.5, high=2.0)},
               "hard targets, weight (C,) broadcast", grad_args=HARD_TARGETS),
        Sample((m.probabilities(2, 3, 2), m.bits(2, 3, 2)),
               {"weight": m.uniform(2, 3, 2, low=0.5, high=2.0)}, "3-D, full weight",
               grad_args=HARD_TARGETS),
        Sample((m.tensor([0.8, 0.1]), m.tensor([0.0, 1.0])), {}, "seeds: spam filter, diagnosis",
               grad_args=HARD_TARGETS),
    ]


def _bce_extremes(m):
    return [Sample((m.tensor([0.0, 1.0, 0.0, 1.0, 0.0, 1.0]), m.tensor([0.0, 0.0, 1.0, 1.0, 0.5, 0.5])),
                   {}, "p exactly 0 and 1")]


def _bce_logits_samples(m):
    return [
        Sample((m.normal(4, 3, scale=2.0), m.uniform(4, 3)), {}, "soft targets"),
        Sample((m.normal(4, 3, scale=2.0), m.bits(4, 3)), {"weight": m.uniform(3, low=0.5, high=2.0)},
               "weight (C,)", grad_args=HARD_TARGETS),
        Sample((m.normal(4, 3, scale=2.0), m.bits(4, 3)),
               {"pos_weight": m.uniform(3, low=0.5, high=3.0)}, "pos_weight (C,) broadcast",
               grad_args=HARD_TARGETS),
        Sample((m.normal(2, 4, 3), m.uniform(2, 4, 3)),
               {"pos_weight": m.uniform(4, 1, low=0.5, high=3.0),
                "weight": m.uniform(2, 4, 3, low=0.5, high=2.0)}, "pos_weight (4, 1), weight"),
    ]


def _logit_extremes(m):
    return [Sample((m.tensor([1e4, -1e4, 1e4, -1e4]), m.tensor([1.0, 1.0, 0.0, 0.0])), {},
                   "logits ±1e4")]


def _bce_logits_extremes(m):
    (sample,) = _logit_extremes(m)
    return [sample, Sample(sample.args, {"pos_weight": m.tensor([2.0, 2.0, 2.0, 2.0])},
                           "logits ±1e4, pos_weight")]


def _cross_entropy_samples(m):
    with_ignored = m.classes(4, 6).numpy()
    with_ignored[[1, 4]] = -100
    spatial = m.classes(3, 2, 2, 2).numpy()
    spatial[0, 1, 0] = -1
    return [
        Sample((m.normal(5, 4, scale=2.0), m.classes(4, 5)), {}, "(N, C) class indices"),
        Sample((m.normal(5, 4), m.classes(4, 5)), {"weight": m.uniform(4, low=0.2, high=2.0)},
               "class weights"),
        Sample((m.normal(5, 4), m.classes(4, 5)), {"label_smoothing": 0.1}, "label smoothing"),
        Sample((m.normal(6, 4), m.indices(with_ignored)),
               {"weight": m.uniform(4, low=0.2, high=2.0), "label_smoothing": 0.2},
               "weights, label smoothing and ignored samples (-100)"),
        Sample((m.normal(2, 3, 2, 2), m.indices(spatial)),
               {"weight": m.uniform(3, low=0.2, high=2.0), "ignore_index": -1,
                "label_smoothing": 0.3}, "(N, C, d1, d2), ignore_index=-1"),
        Sample((m.normal(5, 4), m.distribution(5, 4)),
               {"weight": m.uniform(4, low=0.2, high=2.0), "label_smoothing": 0.1},
               "class probabilities, weights, smoothing"),
        Sample((m.normal(2, 3, 2, 2), m.distribution(2, 3, 2, 2)), {},
               "class probabilities, (N, C, d1, d2)"),
        Sample((m.normal(4), m.indices(2)), {}, "one unbatched sample"),
    ]


def _class_extremes(m):
    return [Sample((m.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [1e4, 1e4, -1e4]]),
                    m.indices([1, 1, 2])), {}, "logits ±1e4")]


def _nll_samples(m):
    with_ignored = m.classes(3, 2, 4).numpy()
    with_ignored[1, 2] = -100
    return [
        Sample((m.log_distribution(5, 4), m.classes(4, 5)), {}, "(N, C)"),
        Sample((m.log_distribution(5, 4), m.classes(4, 5)),
               {"weight": m.uniform(4, low=0.2, high=2.0), "ignore_index": 2}, "weights, ignore_index=2"),
        Sample((m.log_distribution(2, 3, 4), m.indices(with_ignored)), {}, "(N, C, d), ignored"),
        Sample((m.log_distribution(4, axis=0), m.indices(0)), {}, "one unbatched sample"),
    ]


def _kl_samples(m):
    with_zeros = m.distribution(3, 4).numpy()
    with_zeros[0, 1] = with_zeros[2, 3] = 0.0
    return [
        Sample((m.log_distribution(3, 5), m.distribution(3, 5)), {}, "probability target"),
        Sample((m.log_distribution(3, 5), m.log_distribution(3, 5)), {"log_target": True},
               "log-probability target"),
        Sample((m.log_distribution(3, 4), m.tensor(with_zeros)), {},
               "zeros in the target (0·log 0 = 0)", grad_args=(0,)),
    ]


def _kl_extremes(m):
    return [Sample((m.tensor([[-1e4, 0.0], [0.0, -1e4]]), m.tensor([[0.0, 1.0], [1.0, 0.0]])), {},
                   "log q = -1e4 where p = 0")]


def _sigmoid_focal_samples(m):
    return [
        Sample((m.normal(4, 3, scale=2.0), m.bits(4, 3)), {}, "defaults"),
        Sample((m.normal(4, 3, scale=2.0), m.bits(4, 3)), {"alpha": -1, "gamma": 0.0},
               "no alpha, gamma 0 (BCE)"),
        Sample((m.normal(2, 5), m.uniform(2, 5)), {"alpha": 0.6, "gamma": 1.5}, "soft targets"),
    ]


def _focal_samples(m):
    return [
        Sample((m.normal(5, 4, scale=2.0), m.classes(4, 5)), {}, "defaults"),
        Sample((m.normal(5, 4), m.classes(4, 5)), {"alpha": m.uniform(4, low=0.2, high=1.0)},
               "alpha per class"),
        Sample((m.normal(5, 4), m.classes(4, 5)), {"gamma": 0.5, "alpha": 0.25}, "alpha number"),
        Sample((m.normal(2, 3, 2), m.classes(3, 2, 2)), {"gamma": 0.0}, "(N, C, d), gamma 0"),
    ]


def _margin_samples(options=({},), edges=()):
    def sampler(m):
        samples = [Sample((m.normal(4, 3, scale=2.0), m.signs(4, 3)), dict(kw), str(kw))
                   for kw in options]
        samples.append(Sample((m.normal(6), m.signs(6)), {}, "1-D"))
        samples += [Sample((m.tensor(x), m.tensor(y)), dict(kw), note, at_kink=kink)
                    for x, y, kw, note, kink in edges]
        return samples
    return sampler


def _margin_extremes(m):
    return [Sample((m.tensor([1e4, -1e4, 1e4, -1e4]), m.tensor([1.0, 1.0, -1.0, -1.0])), {},
                   "scores ±1e4")]


def _paper_samples(m):
    return [
        Sample((m.probabilities(4, 3), m.onehot(3, 4)), {}, "softmax outputs, one-hot"),
        Sample((m.probabilities(4, 3), m.onehot(3, 4)), {"full": True}, "full"),
        Sample((m.probabilities(6), m.bits(6)), {"full": True}, "one sigmoid output, full"),
        Sample((m.probabilities(2, 3, 2), m.bits(2, 3, 2)), {}, "3-D"),
    ]


def _paper_extremes(m):
    onehot = [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    return [Sample((m.tensor(onehot), m.tensor(onehot)), {}, "p = y"),
            Sample((m.tensor(onehot), m.tensor(onehot)), {"full": True}, "p = y, full")]


def _contrastive_samples(m):
    x1 = m.normal(4, 3)
    same = x1.numpy()
    return [
        Sample((m.normal(5, 3), m.normal(5, 3), m.bits(5)), {"margin": 2.0}, "(N, D)"),
        Sample((m.normal(5, 3, scale=0.3), m.normal(5, 3, scale=0.3), m.bits(5)), {},
               "close pairs"),
        Sample((x1, m.tensor(same), m.tensor([0.0, 1.0, 0.0, 1.0])), {}, "x1 = x2 (d = 0)"),
        Sample((m.normal(3), m.normal(3), m.tensor(0.0)), {"margin": 3.0}, "one unbatched pair"),
    ]


def _triplet_samples(m):
    def triple(*shape, scale=1.0):
        return tuple(m.normal(*shape, scale=scale) for _ in range(3))
    squared = "numpy:triplet_margin_loss_squared"
    return [
        Sample(triple(5, 4), {}, "defaults"),
        Sample(triple(5, 4), {"swap": True, "margin": 2.0}, "swap"),
        Sample(triple(5, 4), {"p_norm": 1, "eps": 1e-3}, "p_norm 1"),
        Sample(triple(5, 4), {"p_norm": 3, "margin": 3.0, "eps": 0.0}, "p_norm 3, eps 0"),
        Sample(triple(4), {"margin": 4.0}, "one unbatched triplet"),
        Sample(triple(5, 4), {"squared": True, "margin": 4.0}, "squared", reference=squared),
        Sample(triple(5, 4), {"squared": True, "swap": True, "margin": 4.0}, "squared, swap",
               reference=squared),
    ]


def _overlap_samples(m):
    return [
        Sample((m.probabilities(3, 4, 4), m.bits(3, 4, 4)), {}, "binary masks",
               grad_args=HARD_TARGETS),
        Sample((m.probabilities(3, 5), m.uniform(3, 5)), {"eps": 0.5}, "soft masks, eps 0.5"),
        Sample((m.probabilities(2, 2, 3, 3), m.bits(2, 2, 3, 3)), {"eps": 0.0}, "4-D, eps 0",
               grad_args=HARD_TARGETS),
    ]


def _dice_bce_samples(m):
    return [Sample((m.normal(3, 4, 4, scale=2.0), m.bits(3, 4, 4)), {}, "(N, H, W)"),
            Sample((m.normal(4, 5), m.uniform(4, 5)), {}, "soft masks")]


def _dice_bce_extremes(m):
    return [Sample((m.tensor([[1e4, -1e4], [-1e4, 1e4]]), m.tensor([[1.0, 0.0], [1.0, 0.0]])), {},
                   "logits ±1e4")]


def _vae_samples(m):
    return [
        Sample((m.probabilities(4, 6), m.bits(4, 6), m.normal(4, 2), m.normal(4, 2, scale=0.5)), {},
               "bce reconstruction"),
        Sample((m.normal(4, 6), m.normal(4, 6), m.normal(4, 3), m.normal(4, 3, scale=0.5)),
               {"recon": "mse"}, "mse reconstruction"),
    ]


def _vae_extremes(m):
    return [Sample((m.tensor([[0.0, 1.0], [1.0, 0.0]]), m.tensor([[0.0, 1.0], [0.0, 1.0]]),
                    m.tensor([[30.0], [-30.0]]), m.tensor([[20.0], [-20.0]])), {},
                   "x_recon exactly 0 and 1, large mu and logvar")]


def _gan_discriminator_samples(m):
    return [Sample((m.normal(6, scale=2.0), m.normal(6, scale=2.0)), {}, "(N,)"),
            Sample((m.normal(3, 2), m.normal(3, 2)), {}, "(N, 2)")]


def _gan_discriminator_extremes(m):
    return [Sample((m.tensor([1e4, -1e4]), m.tensor([-1e4, 1e4])), {}, "logits ±1e4")]


def _gan_generator_samples(m):
    return [Sample((m.normal(6, scale=2.0),), {}, "non-saturating"),
            Sample((m.normal(6, scale=2.0),), {"non_saturating": False}, "minimax")]


def _gan_generator_extremes(m):
    return [Sample((m.tensor([1e4, -1e4]),), {}, "logits ±1e4"),
            Sample((m.tensor([1e4, -1e4]),), {"non_saturating": False}, "logits ±1e4, minimax")]


def _detection_samples(m):
    def targets(*shape):
        rows = m.onehot(3, *shape).numpy()
        rows[..., ::2, :] = 0.0  # every other anchor is background
        return m.tensor(rows)
    return [
        Sample((m.normal(2, 6, 3, scale=2.0), targets(2, 6), m.normal(2, 6, 4), m.normal(2, 6, 4)),
               {}, "(N, anchors, K)"),
        Sample((m.normal(5, 3), targets(5), m.normal(5, 4, scale=2.0), m.normal(5, 4)),
               {"alpha": 0.5, "gamma": 1.0, "beta": 0.5}, "options"),
        Sample((m.normal(4, 3), m.tensor(np.zeros((4, 3))), m.normal(4, 4), m.normal(4, 4)), {},
               "no positive anchor"),
    ]


def _td_samples(m):
    return [Sample((m.normal(5, 3), m.classes(3, 5), m.normal(5), m.normal(5, 3), m.bits(5)), {},
                   "defaults"),
            Sample((m.normal(4, 2), m.classes(2, 4), m.normal(4), m.normal(4, 2), m.bits(4)),
                   {"gamma": 0.5}, "gamma 0.5")]


def _policy_gradient_samples(m):
    return [Sample((m.normal(5, 3, scale=2.0), m.classes(3, 5), m.normal(5)), {}, "(N, A)")]


def _policy_gradient_extremes(m):
    return [Sample((m.tensor([[1e4, -1e4], [-1e4, 1e4]]), m.indices([1, 1]), m.tensor([1.0, -2.0])),
                   {}, "logits ±1e4")]


def _entries():
    R, C, M, P = regression, classification, margin, paper
    real = "real"
    probability = "probability in [0, 1]"
    return [
        # regression
        LossEntry(R.mse_loss, "regression", "e², e = y - x", "torch.nn.functional.mse_loss",
                  {"input": real, "target": "real, input's shape"}, True, True, "none",
                  _pairs(), grad_args=(0, 1)),
        LossEntry(R.l1_loss, "regression", "|e|", "torch.nn.functional.l1_loss",
                  {"input": real, "target": "real, input's shape"}, True, False,
                  "e = 0 (subgradient 0)",
                  _pairs(edges=[([0.5, -1.0, 2.0], [0.5, 0.0, 0.25], {}, "e = 0", False)]),
                  grad_args=(0, 1)),
        LossEntry(R.huber_loss, "regression", "½e² if |e| ≤ δ else δ(|e| - ½δ)",
                  "torch.nn.functional.huber_loss",
                  {"input": real, "target": "real, input's shape", "delta": "> 0"}, True, False,
                  "second derivative jumps at |e| = δ",
                  _pairs(({}, {"delta": 0.5}, {"delta": 2.0}),
                         edges=[([1.5, -0.5, 0.25], [0.5, 0.5, 0.25], {}, "|e| = δ = 1, e = 0", False),
                                ([2.5, -1.5], [0.5, 0.5], {"delta": 2.0}, "|e| = δ = 2", False)]),
                  _large_errors, grad_args=(0, 1)),
        LossEntry(R.smooth_l1_loss, "regression", "½e²/β if |e| < β else |e| - ½β",
                  "torch.nn.functional.smooth_l1_loss",
                  {"input": real, "target": "real, input's shape", "beta": "≥ 0"}, True, False,
                  "second derivative jumps at |e| = β; β = 0 is |e|",
                  _pairs(({}, {"beta": 0.5}, {"beta": 0.0}),
                         edges=[([1.5, -0.5, 0.25], [0.5, 0.5, 0.25], {}, "|e| = β = 1, e = 0", False)]),
                  _large_errors, grad_args=(0, 1)),
        LossEntry(R.log_cosh_loss, "regression", "log cosh e = e + softplus(-2e) - log 2",
                  "numpy:log_cosh_loss", {"input": real, "target": "real, input's shape"},
                  True, True, "none", _pairs(), _large_errors, grad_args=(0, 1)),
        LossEntry(R.smae_loss, "regression", "e·tanh(e/2)", "numpy:smae_loss",
                  {"input": real, "target": "real, input's shape"}, False, True,
                  "none (quasi-convex: f'' < 0 for |e| > ≈2.40)", _pairs(), _large_errors,
                  grad_args=(0, 1)),
        # probabilistic classification
        LossEntry(C.binary_cross_entropy, "classification",
                  "-w·[y log p + (1-y) log(1-p)], logs clamped at -100",
                  "torch.nn.functional.binary_cross_entropy",
                  {"input": probability, "target": probability + ", input's shape",
                   "weight": "≥ 0, broadcasts to input"}, True, True,
                  "none in (0, 1); flat where log p < -100", _bce_samples, _bce_extremes,
                  grad_args=(0, 1)),
        LossEntry(C.binary_cross_entropy_with_logits, "classification",
                  "w·[softplus(x) - y·x + (pos_weight - 1)·y·softplus(-x)]",
                  "torch.nn.functional.binary_cross_entropy_with_logits",
                  {"input": "real (logits)", "target": probability + ", input's shape",
                   "weight": "broadcasts to input", "pos_weight": "broadcasts to input"},
                  True, True, "none", _bce_logits_samples, _bce_logits_extremes, grad_args=(0, 1)),
        LossEntry(C.cross_entropy, "classification",
                  "(1-ε)·w_y·(-log softmax(x)_y) + (ε/C)·Σ_c w_c·(-log softmax(x)_c)",
                  "torch.nn.functional.cross_entropy",
                  {"input": "real logits (N, C, ...)", "target": "class indices (N, ...) or "
                   "probabilities (N, C, ...)", "weight": "(C,)", "label_smoothing": "[0, 1]"},
                  True, True, "none", _cross_entropy_samples, _class_extremes),
        LossEntry(C.nll_loss, "classification", "-w_y·logp_y", "torch.nn.functional.nll_loss",
                  {"input": "log-probabilities (N, C, ...)", "target": "class indices (N, ...)",
                   "weight": "(C,)"}, True, True, "none (linear)", _nll_samples),
        LossEntry(C.kl_div, "classification", "p·(log p - log q)", "torch.nn.functional.kl_div",
                  {"input": "log-probabilities log q", "target": "probabilities p (log p if "
                   "log_target)"}, True, True, "none", _kl_samples, _kl_extremes,
                  grad_args=(0, 1), reductions=REDUCTIONS + ("batchmean",)),
        LossEntry(C.sigmoid_focal_loss, "classification",
                  "-α_t·(1 - p_t)^γ·log p_t, p = σ(x)", "torchvision.ops.sigmoid_focal_loss",
                  {"inputs": "real (logits)", "targets": probability, "alpha": "[0, 1] or -1",
                   "gamma": "≥ 0"}, False, True, "none",
                  _sigmoid_focal_samples, _logit_extremes),
        LossEntry(C.focal_loss, "classification", "-α_y·(1 - p_y)^γ·log p_y, p = softmax(x)",
                  "numpy:focal_loss",
                  {"input": "real logits (N, C, ...)", "target": "class indices (N, ...)",
                   "gamma": "≥ 0", "alpha": "None, ≥ 0 or (C,)"}, False, True,
                  "none", _focal_samples, _class_extremes),
        # margin losses
        LossEntry(M.hinge_loss, "margin", "max(0, margin - y·x)", "numpy:hinge_loss",
                  {"input": "real scores", "target": "labels in {-1, +1}", "margin": "≥ 0"},
                  True, False, "y·x = margin (gradient 0 there)",
                  _margin_samples(({}, {"margin": 0.5}),
                                  edges=[([1.0, -0.5], [1.0, -1.0], {}, "y·x = margin", True)])),
        LossEntry(M.square_loss, "margin", "(1 - y·x)²", "numpy:square_loss",
                  {"input": "real scores", "target": "labels in {-1, +1}"}, True, True, "none",
                  _margin_samples()),
        LossEntry(M.logistic_loss, "margin", "ln(1 + e^(-y·x)) / ln 2",
                  "torch.nn.functional.soft_margin_loss / ln 2",
                  {"input": "real scores", "target": "labels in {-1, +1}"}, True, True, "none",
                  _margin_samples(), _margin_extremes),
        LossEntry(M.zero_one_loss, "margin", "1[y·x ≤ 0]", "numpy:zero_one_loss",
                  {"input": "real scores", "target": "labels in {-1, +1}"}, False, False,
                  "jump at y·x = 0; gradient 0 elsewhere (backward raises)",
                  _margin_samples(edges=[([0.0, 2.0, -1.0], [1.0, -1.0, -1.0], {}, "x = 0", True)]),
                  differentiable=False),
        # the paper
        LossEntry(P.m_loss, "paper", "y·(1/p - 1); full: y/p + (1-y)/(1-p) - 1", "numpy:m_loss",
                  {"input": "probability in (0, 1]", "target": "one-hot in {0, 1}"}, True, True,
                  "none in (0, 1)", _paper_samples, _paper_extremes),
        LossEntry(P.l_loss, "paper",
                  "y·(1/√(1-(1-p)²) - 1); full: y/√(1-(1-p)²) + (1-y)/√(1-p²) - 1", "numpy:l_loss",
                  {"input": "probability in (0, 1]", "target": "one-hot in {0, 1}"}, True, True,
                  "none in (0, 1)", _paper_samples, _paper_extremes),
        # ranking
        LossEntry(ranking.contrastive_loss, "ranking",
                  "y·d² + (1-y)·max(0, margin - d)², d = ‖x1 - x2‖₂", "numpy:contrastive_loss",
                  {"x1": "(N, D)", "x2": "(N, D)", "target": "{0, 1} (1: similar), (N,)",
                   "margin": "≥ 0"}, False, False, "d = margin; d = 0 (subgradient 0)",
                  _contrastive_samples, grad_args=(0, 1)),
        LossEntry(ranking.triplet_margin_loss, "ranking",
                  "max(0, d(a,p) - d(a,n) + margin), d = ‖x1 - x2 + eps‖_p; squared: "
                  "max(0, ‖a-p‖² - ‖a-n‖² + margin)", "torch.nn.functional.triplet_margin_loss",
                  {"anchor": "(N, D)", "positive": "(N, D)", "negative": "(N, D)",
                   "margin": "> 0", "p_norm": "> 0", "eps": "≥ 0"}, False, False,
                  "d(a,p) - d(a,n) + margin = 0", _triplet_samples, grad_args=(0, 1, 2)),
        # segmentation
        LossEntry(segmentation.dice_loss, "segmentation", "1 - (2Σpy + ε)/(Σp + Σy + ε)",
                  "numpy:dice_loss", {"input": probability + " (N, ...)", "target": probability,
                                      "eps": "≥ 0"}, False, True, "none", _overlap_samples,
                  grad_args=(0, 1)),
        LossEntry(segmentation.iou_loss, "segmentation", "1 - (Σpy + ε)/(Σp + Σy - Σpy + ε)",
                  "numpy:iou_loss", {"input": probability + " (N, ...)", "target": probability,
                                     "eps": "≥ 0"}, False, True, "none", _overlap_samples,
                  grad_args=(0, 1)),
        LossEntry(segmentation.dice_bce_loss, "segmentation",
                  "dice_loss(σ(x), y) + BCE-with-logits(x, y)", "numpy:dice_bce_loss",
                  {"input": "real logits (N, ...)", "target": probability}, False, True, "none",
                  _dice_bce_samples, _dice_bce_extremes),
        # generative
        LossEntry(generative.vae_loss, "generative",
                  "Σ recon(x̂, x) - ½Σ(1 + logvar - μ² - e^logvar)", "numpy:vae_loss",
                  {"x_recon": "(N, F); probabilities for recon='bce'", "x": "(N, F)",
                   "mu": "(N, Z)", "logvar": "(N, Z)"}, True, True, "none",
                  _vae_samples, _vae_extremes, grad_args=(0, 2, 3)),
        LossEntry(generative.gan_discriminator_loss, "generative",
                  "softplus(-real) + softplus(fake)", "numpy:gan_discriminator_loss",
                  {"real_logits": real, "fake_logits": "real, real_logits' shape"}, True, True,
                  "none", _gan_discriminator_samples, _gan_discriminator_extremes,
                  grad_args=(0, 1)),
        LossEntry(generative.gan_generator_loss, "generative",
                  "softplus(-fake); minimax: -softplus(fake)", "numpy:gan_generator_loss",
                  {"fake_logits": real}, True, True, "none (the minimax form is concave)",
                  _gan_generator_samples, _gan_generator_extremes),
        # detection
        LossEntry(detection.detection_loss, "detection",
                  "[Σ sigmoid_focal + Σ_positive smooth_l1] / max(1, #positive)",
                  "numpy:detection_loss",
                  {"cls_logits": "(..., K)", "cls_targets": "one-hot in {0, 1}, (..., K)",
                   "box_pred": "(..., 4)", "box_targets": "(..., 4)"}, False, False,
                  "smooth L1's |e| = β", _detection_samples, grad_args=(0, 2), reductions=()),
        # reinforcement learning
        LossEntry(rl.td_loss, "rl", "(r + γ·(1 - done)·max_a′ Q′(s′, a′) - Q(s, a))²",
                  "numpy:td_loss",
                  {"q": "(N, A)", "actions": "(N,) in [0, A)", "rewards": "(N,)",
                   "next_q": "(N, A), no gradient", "dones": "(N,) in {0, 1}", "gamma": "[0, 1]"},
                  True, True, "none", _td_samples),
        LossEntry(rl.policy_gradient_loss, "rl", "-log softmax(logits)_a · A",
                  "numpy:policy_gradient_loss",
                  {"logits": "(N, A)", "actions": "(N,) in [0, A)",
                   "advantages": "(N,), no gradient"}, False, True,
                  "none (convex where A ≥ 0, concave where A < 0)", _policy_gradient_samples,
                  _policy_gradient_extremes),
    ]


REGISTRY = {entry.name: entry for entry in _entries()}
"""Loss name → LossEntry, in the order of the catalogue."""


def markdown_table():
    """The registry as a Markdown table: name, formula, reference, convex, smooth, kinks."""
    def cell(text):
        return str(text).replace("|", "\\|")
    lines = ["| loss | family | formula | reference | convex | smooth | kinks |",
             "|---|---|---|---|---|---|---|"]
    for entry in REGISTRY.values():
        lines.append("| " + " | ".join([
            f"`{entry.name}`", entry.family, cell(entry.formula), f"`{entry.reference}`",
            "yes" if entry.convex else "no", "yes" if entry.smooth else "no",
            cell(entry.kinks)]) + " |")
    return "\n".join(lines) + "\n"
