"""The sample inputs of every loss of the catalogue, and what the tests need to know to use
them: the domain of each argument, which arguments are differentiated, which reductions exist.

The facts of a loss (formula, reference, convexity, ...) are declared where the loss is
defined (``@loss`` in minigrad/losses, collected in ``minigrad.losses.FACTS``); this module
adds the test side, one ``LossSamples`` per catalogued loss, in the catalogue's order::

    from tests.library.losses.samples import REGISTRY
    entry = REGISTRY['huber_loss']
    for sample in entry.samples(dtype='float32', device='cpu'):
        entry.function(*sample.args, **sample.kwargs)

A catalogued loss without samples is missing from REGISTRY, and a test fails on it.
"""
from dataclasses import dataclass, field

import numpy as np

from minigrad.losses import FACTS
from minigrad.losses.facts import LossFacts
from minigrad.losses.validation import REDUCTIONS

from ...samples import Maker


@dataclass(frozen=True)
class Sample:
    """One call of a loss: ``function(*args, **kwargs)`` (the reduction is added by the caller).

    ``reference`` overrides the loss's reference (e.g. triplet_margin_loss with squared=True);
    ``grad_args`` overrides which positional arguments get requires_grad; ``at_kink`` marks a
    sample on a kink, where finite differences and the chosen subgradient legitimately differ.
    """
    args: tuple
    kwargs: dict = field(default_factory=dict)
    note: str = ""
    reference: str = None
    grad_args: tuple = None
    at_kink: bool = False


@dataclass(frozen=True)
class LossSamples:
    """A catalogued loss as the tests use it: its ``facts``, a seeded ``sampler`` (Maker →
    list of Sample) with edge cases, ``extremes`` (inputs at extreme values for the stability
    checks), the ``domain`` of each argument, the positional ``grad_args`` that are
    differentiated, whether it is ``differentiable`` at all and the ``reductions`` it takes."""
    facts: LossFacts
    sampler: object
    domain: dict
    extremes: object = None
    grad_args: tuple = (0,)
    differentiable: bool = True
    reductions: tuple = REDUCTIONS

    @property
    def name(self):
        return self.facts.name

    @property
    def function(self):
        return self.facts.function

    def samples(self, dtype="float64", device="cpu", seed=0):
        """The seeded sample inputs, with requires_grad set on the differentiable arguments."""
        return self._prepare(self.sampler(Maker(seed, dtype, device)))

    def extreme_samples(self, dtype="float64", device="cpu"):
        """Inputs at extreme values (logits ±1e4, probabilities 0 and 1, errors ±1e4)."""
        if self.extremes is None:
            return []
        return self._prepare(self.extremes(Maker(0, dtype, device)))

    def _prepare(self, samples):
        for sample in samples:
            if self.differentiable:
                for i in (self.grad_args if sample.grad_args is None else sample.grad_args):
                    sample.args[i].requires_grad_()
        return samples


# --- samplers: each takes a Maker (tests/samples.py) and returns a list of Sample -------------
HARD_TARGETS = (0,)
"""grad_args of a sample whose targets are exactly 0 or 1: at the edge of their domain, so
only the prediction is differentiated (finite differences would step outside [0, 1])."""


def _pairs(options=({},), edges=(), shape=(4, 3)):
    """Samples of a loss of (input, target) of one shape: one random pair per set of
    ``options``, a 1-D and a 3-D pair, and ``edges``: (x, y, options, note, at_kink)."""
    def sampler(m):
        samples = [Sample((m.normal(*shape, scale=1.5), m.normal(*shape)), dict(kw),
                          f"{shape} {kw}") for kw in options]
        samples.append(Sample((m.normal(7, scale=3.0), m.normal(7)), dict(options[-1]), "1-D"))
        samples.append(Sample((m.normal(2, 3, 2), m.normal(2, 3, 2)), {}, "3-D"))
        samples += [Sample((m.fixed(x), m.fixed(y)), dict(kw), note, at_kink=kink)
                    for x, y, kw, note, kink in edges]
        return samples
    return sampler


def _large_errors(m):
    return [Sample((m.fixed([1e4, -1e4, 3e3, -20.0]), m.fixed([0.0, 0.0, 0.0, 0.0])), {},
                   "errors ±1e4")]


def _bce_samples(m):
    return [
        Sample((m.probabilities(4, 3), m.uniform(4, 3)), {}, "soft targets"),
        Sample((m.probabilities(4, 3), m.bits(4, 3)), {"weight": m.uniform(3, low=0.5, high=2.0)},
               "hard targets, weight (C,) broadcast", grad_args=HARD_TARGETS),
        Sample((m.probabilities(2, 3, 2), m.bits(2, 3, 2)),
               {"weight": m.uniform(2, 3, 2, low=0.5, high=2.0)}, "3-D, full weight",
               grad_args=HARD_TARGETS),
        Sample((m.fixed([0.8, 0.1]), m.fixed([0.0, 1.0])), {}, "seeds: spam filter, diagnosis",
               grad_args=HARD_TARGETS),
    ]


def _bce_extremes(m):
    return [Sample((m.fixed([0.0, 1.0, 0.0, 1.0, 0.0, 1.0]),
                    m.fixed([0.0, 0.0, 1.0, 1.0, 0.5, 0.5])), {}, "p exactly 0 and 1")]


def _bce_logits_samples(m):
    return [
        Sample((m.normal(4, 3, scale=2.0), m.uniform(4, 3)), {}, "soft targets"),
        Sample((m.normal(4, 3, scale=2.0), m.bits(4, 3)),
               {"weight": m.uniform(3, low=0.5, high=2.0)}, "weight (C,)", grad_args=HARD_TARGETS),
        Sample((m.normal(4, 3, scale=2.0), m.bits(4, 3)),
               {"pos_weight": m.uniform(3, low=0.5, high=3.0)}, "pos_weight (C,) broadcast",
               grad_args=HARD_TARGETS),
        Sample((m.normal(2, 4, 3), m.uniform(2, 4, 3)),
               {"pos_weight": m.uniform(4, 1, low=0.5, high=3.0),
                "weight": m.uniform(2, 4, 3, low=0.5, high=2.0)}, "pos_weight (4, 1), weight"),
    ]


def _logit_extremes(m):
    return [Sample((m.fixed([1e4, -1e4, 1e4, -1e4]), m.fixed([1.0, 1.0, 0.0, 0.0])), {},
                   "logits ±1e4")]


def _bce_logits_extremes(m):
    (sample,) = _logit_extremes(m)
    return [sample, Sample(sample.args, {"pos_weight": m.fixed([2.0, 2.0, 2.0, 2.0])},
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
    return [Sample((m.fixed([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [1e4, 1e4, -1e4]]),
                    m.indices([1, 1, 2])), {}, "logits ±1e4")]


def _nll_samples(m):
    with_ignored = m.classes(3, 2, 4).numpy()
    with_ignored[1, 2] = -100
    return [
        Sample((m.log_distribution(5, 4), m.classes(4, 5)), {}, "(N, C)"),
        Sample((m.log_distribution(5, 4), m.classes(4, 5)),
               {"weight": m.uniform(4, low=0.2, high=2.0), "ignore_index": 2},
               "weights, ignore_index=2"),
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
        Sample((m.log_distribution(3, 4), m.fixed(with_zeros)), {},
               "zeros in the target (0·log 0 = 0)", grad_args=(0,)),
    ]


def _kl_extremes(m):
    return [Sample((m.fixed([[-1e4, 0.0], [0.0, -1e4]]), m.fixed([[0.0, 1.0], [1.0, 0.0]])), {},
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
        samples += [Sample((m.fixed(x), m.fixed(y)), dict(kw), note, at_kink=kink)
                    for x, y, kw, note, kink in edges]
        return samples
    return sampler


def _margin_extremes(m):
    return [Sample((m.fixed([1e4, -1e4, 1e4, -1e4]), m.fixed([1.0, 1.0, -1.0, -1.0])), {},
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
    return [Sample((m.fixed(onehot), m.fixed(onehot)), {}, "p = y"),
            Sample((m.fixed(onehot), m.fixed(onehot)), {"full": True}, "p = y, full")]


def _contrastive_samples(m):
    x1 = m.normal(4, 3)
    same = x1.numpy()
    return [
        Sample((m.normal(5, 3), m.normal(5, 3), m.bits(5)), {"margin": 2.0}, "(N, D)"),
        Sample((m.normal(5, 3, scale=0.3), m.normal(5, 3, scale=0.3), m.bits(5)), {},
               "close pairs"),
        Sample((x1, m.fixed(same), m.fixed([0.0, 1.0, 0.0, 1.0])), {}, "x1 = x2 (d = 0)"),
        Sample((m.normal(3), m.normal(3), m.fixed(0.0)), {"margin": 3.0}, "one unbatched pair"),
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
    return [Sample((m.fixed([[1e4, -1e4], [-1e4, 1e4]]), m.fixed([[1.0, 0.0], [1.0, 0.0]])), {},
                   "logits ±1e4")]


def _vae_samples(m):
    return [
        Sample((m.probabilities(4, 6), m.bits(4, 6), m.normal(4, 2), m.normal(4, 2, scale=0.5)),
               {}, "bce reconstruction"),
        Sample((m.normal(4, 6), m.normal(4, 6), m.normal(4, 3), m.normal(4, 3, scale=0.5)),
               {"recon": "mse"}, "mse reconstruction"),
    ]


def _vae_extremes(m):
    return [Sample((m.fixed([[0.0, 1.0], [1.0, 0.0]]), m.fixed([[0.0, 1.0], [0.0, 1.0]]),
                    m.fixed([[30.0], [-30.0]]), m.fixed([[20.0], [-20.0]])), {},
                   "x_recon exactly 0 and 1, large mu and logvar")]


def _gan_discriminator_samples(m):
    return [Sample((m.normal(6, scale=2.0), m.normal(6, scale=2.0)), {}, "(N,)"),
            Sample((m.normal(3, 2), m.normal(3, 2)), {}, "(N, 2)")]


def _gan_discriminator_extremes(m):
    return [Sample((m.fixed([1e4, -1e4]), m.fixed([-1e4, 1e4])), {}, "logits ±1e4")]


def _gan_generator_samples(m):
    return [Sample((m.normal(6, scale=2.0),), {}, "non-saturating"),
            Sample((m.normal(6, scale=2.0),), {"non_saturating": False}, "minimax")]


def _gan_generator_extremes(m):
    return [Sample((m.fixed([1e4, -1e4]),), {}, "logits ±1e4"),
            Sample((m.fixed([1e4, -1e4]),), {"non_saturating": False}, "logits ±1e4, minimax")]


def _detection_samples(m):
    def targets(*shape):
        rows = m.onehot(3, *shape).numpy()
        rows[..., ::2, :] = 0.0  # every other anchor is background
        return m.fixed(rows)
    return [
        Sample((m.normal(2, 6, 3, scale=2.0), targets(2, 6), m.normal(2, 6, 4), m.normal(2, 6, 4)),
               {}, "(N, anchors, K)"),
        Sample((m.normal(5, 3), targets(5), m.normal(5, 4, scale=2.0), m.normal(5, 4)),
               {"alpha": 0.5, "gamma": 1.0, "beta": 0.5}, "options"),
        Sample((m.normal(4, 3), m.fixed(np.zeros((4, 3))), m.normal(4, 4), m.normal(4, 4)), {},
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
    return [Sample((m.fixed([[1e4, -1e4], [-1e4, 1e4]]), m.indices([1, 1]), m.fixed([1.0, -2.0])),
                   {}, "logits ±1e4")]


# --- one entry per catalogued loss ------------------------------------------------------------
REAL = "real"
PROBABILITY = "probability in [0, 1]"
REAL_PAIR = {"input": REAL, "target": "real, input's shape"}
SCORES = {"input": "real scores", "target": "labels in {-1, +1}"}
PAPER = {"input": "probability in (0, 1]", "target": "one-hot in {0, 1}"}
OVERLAP = {"input": PROBABILITY + " (N, ...)", "target": PROBABILITY, "eps": "≥ 0"}
CLASS_LOGITS = {"input": "real logits (N, C, ...)", "target": "class indices (N, ...)"}


def _case(name, sampler, extremes=None, **options):
    return LossSamples(FACTS[name], sampler, extremes=extremes, **options)


_CASES = [
    # regression
    _case("mse_loss", _pairs(), domain=REAL_PAIR, grad_args=(0, 1)),
    _case("l1_loss", _pairs(edges=[([0.5, -1.0, 2.0], [0.5, 0.0, 0.25], {}, "e = 0", False)]),
          domain=REAL_PAIR, grad_args=(0, 1)),
    _case("huber_loss",
          _pairs(({}, {"delta": 0.5}, {"delta": 2.0}),
                 edges=[([1.5, -0.5, 0.25], [0.5, 0.5, 0.25], {}, "|e| = δ = 1, e = 0", False),
                        ([2.5, -1.5], [0.5, 0.5], {"delta": 2.0}, "|e| = δ = 2", False)]),
          _large_errors, domain={**REAL_PAIR, "delta": "> 0"}, grad_args=(0, 1)),
    _case("smooth_l1_loss",
          _pairs(({}, {"beta": 0.5}, {"beta": 0.0}),
                 edges=[([1.5, -0.5, 0.25], [0.5, 0.5, 0.25], {}, "|e| = β = 1, e = 0", False)]),
          _large_errors, domain={**REAL_PAIR, "beta": "≥ 0"}, grad_args=(0, 1)),
    _case("log_cosh_loss", _pairs(), _large_errors, domain=REAL_PAIR, grad_args=(0, 1)),
    _case("smae_loss", _pairs(), _large_errors, domain=REAL_PAIR, grad_args=(0, 1)),
    # probabilistic classification
    _case("binary_cross_entropy", _bce_samples, _bce_extremes, grad_args=(0, 1),
          domain={"input": PROBABILITY, "target": PROBABILITY + ", input's shape",
                  "weight": "≥ 0, broadcasts to input"}),
    _case("binary_cross_entropy_with_logits", _bce_logits_samples, _bce_logits_extremes,
          grad_args=(0, 1),
          domain={"input": "real (logits)", "target": PROBABILITY + ", input's shape",
                  "weight": "broadcasts to input", "pos_weight": "broadcasts to input"}),
    _case("cross_entropy", _cross_entropy_samples, _class_extremes,
          domain={**CLASS_LOGITS, "target": "class indices (N, ...) or probabilities (N, C, ...)",
                  "weight": "(C,)", "label_smoothing": "[0, 1]"}),
    _case("nll_loss", _nll_samples,
          domain={"input": "log-probabilities (N, C, ...)", "target": "class indices (N, ...)",
                  "weight": "(C,)"}),
    _case("kl_div", _kl_samples, _kl_extremes, grad_args=(0, 1),
          reductions=REDUCTIONS + ("batchmean",),
          domain={"input": "log-probabilities log q",
                  "target": "probabilities p (log p if log_target)"}),
    _case("sigmoid_focal_loss", _sigmoid_focal_samples, _logit_extremes,
          domain={"inputs": "real (logits)", "targets": PROBABILITY, "alpha": "[0, 1] or -1",
                  "gamma": "≥ 0"}),
    _case("focal_loss", _focal_samples, _class_extremes,
          domain={**CLASS_LOGITS, "gamma": "≥ 0", "alpha": "None, ≥ 0 or (C,)"}),
    # margin losses
    _case("hinge_loss",
          _margin_samples(({}, {"margin": 0.5}),
                          edges=[([1.0, -0.5], [1.0, -1.0], {}, "y·x = margin", True)]),
          domain={**SCORES, "margin": "≥ 0"}),
    _case("square_loss", _margin_samples(), domain=SCORES),
    _case("logistic_loss", _margin_samples(), _margin_extremes, domain=SCORES),
    _case("zero_one_loss",
          _margin_samples(edges=[([0.0, 2.0, -1.0], [1.0, -1.0, -1.0], {}, "x = 0", True)]),
          domain=SCORES, differentiable=False),
    # the paper
    _case("m_loss", _paper_samples, _paper_extremes, domain=PAPER),
    _case("l_loss", _paper_samples, _paper_extremes, domain=PAPER),
    # ranking
    _case("contrastive_loss", _contrastive_samples, grad_args=(0, 1),
          domain={"x1": "(N, D)", "x2": "(N, D)", "target": "{0, 1} (1: similar), (N,)",
                  "margin": "≥ 0"}),
    _case("triplet_margin_loss", _triplet_samples, grad_args=(0, 1, 2),
          domain={"anchor": "(N, D)", "positive": "(N, D)", "negative": "(N, D)",
                  "margin": "> 0", "p_norm": "> 0", "eps": "≥ 0"}),
    # segmentation
    _case("dice_loss", _overlap_samples, domain=OVERLAP, grad_args=(0, 1)),
    _case("iou_loss", _overlap_samples, domain=OVERLAP, grad_args=(0, 1)),
    _case("dice_bce_loss", _dice_bce_samples, _dice_bce_extremes,
          domain={"input": "real logits (N, ...)", "target": PROBABILITY}),
    # generative
    _case("vae_loss", _vae_samples, _vae_extremes, grad_args=(0, 2, 3),
          domain={"x_recon": "(N, F); probabilities for recon='bce'", "x": "(N, F)",
                  "mu": "(N, Z)", "logvar": "(N, Z)"}),
    _case("gan_discriminator_loss", _gan_discriminator_samples, _gan_discriminator_extremes,
          domain={"real_logits": REAL, "fake_logits": "real, real_logits' shape"},
          grad_args=(0, 1)),
    _case("gan_generator_loss", _gan_generator_samples, _gan_generator_extremes,
          domain={"fake_logits": REAL}),
    # detection
    _case("detection_loss", _detection_samples, grad_args=(0, 2), reductions=(),
          domain={"cls_logits": "(..., K)", "cls_targets": "one-hot in {0, 1}, (..., K)",
                  "box_pred": "(..., 4)", "box_targets": "(..., 4)"}),
    # reinforcement learning
    _case("td_loss", _td_samples,
          domain={"q": "(N, A)", "actions": "(N,) in [0, A)", "rewards": "(N,)",
                  "next_q": "(N, A), no gradient", "dones": "(N,) in {0, 1}", "gamma": "[0, 1]"}),
    _case("policy_gradient_loss", _policy_gradient_samples, _policy_gradient_extremes,
          domain={"logits": "(N, A)", "actions": "(N,) in [0, A)",
                  "advantages": "(N,), no gradient"}),
]

_BY_NAME = {case.name: case for case in _CASES}
REGISTRY = {name: _BY_NAME[name] for name in FACTS if name in _BY_NAME}
"""Loss name → LossSamples, in the catalogue's order; a catalogued loss without samples is
absent (test_losses.py fails on it)."""
