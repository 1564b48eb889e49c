"""One vocabulary for the sample inputs of the tests: seeded draws, named by what they are.

``Draw(seed)`` draws NumPy values (float64; int64 for class indices; bool for masks), for
tests that hand the same values to minigrad and to PyTorch.  ``Maker(seed, dtype, device)``
makes the same draws as minigrad tensors of one dtype and device (drawn in float64, then
cast: float32 samples are the float64 samples rounded).  ``later(Draw.normal, 2, 3)`` names a
draw now, for a table of cases built at import time, and makes it when a test runs::

    m = Maker(0, "float32", "cuda")
    logits, labels = m.normal(5, 4, scale=2.0), m.classes(4, 5)
    case = later(Draw.positive, 3)      # case(Draw(seed)) is an array in [0.5, 2)
"""
import math

import numpy as np

import minigrad as mg


class Draw:
    """Seeded sample values as NumPy arrays.  Every method draws from one generator, so a
    sequence of draws is fixed by the seed (an int or a numpy Generator)."""

    def __init__(self, seed):
        self.rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

    # what a draw becomes: overridden by Maker
    def floats(self, values):
        return np.asarray(values, dtype=np.float64)

    def ints(self, values):
        return np.asarray(values, dtype=np.int64)

    def bools(self, values):
        return np.asarray(values, dtype=bool)

    # fixed values
    def fixed(self, values):
        """Given floating values (edge cases, extreme inputs)."""
        return self.floats(values)

    def indices(self, values):
        """Given integer values (class indices, ignored entries)."""
        return self.ints(values)

    # real values
    def normal(self, *shape, scale=1.0):
        return self.floats(scale * self.rng.standard_normal(shape))

    def uniform(self, *shape, low=0.0, high=1.0):
        return self.floats(self.rng.uniform(low, high, shape))

    def positive(self, *shape, low=0.5, high=2.0):
        """Away from 0 (domains of log, sqrt, pow, divisors)."""
        return self.uniform(*shape, low=low, high=high)

    def away_from_zero(self, *shape, low=0.2, high=1.5):
        """Random signs, magnitudes in [low, high): off the kink of abs and relu."""
        signs = self.rng.choice([-1.0, 1.0], shape)
        return self.floats(signs * self.rng.uniform(low, high, shape))

    def distinct(self, *shape, spacing=0.3):
        """Values at least ``spacing`` apart (max and min without ties)."""
        n = math.prod(shape)
        values = (self.rng.permutation(n) - n / 2) * spacing + self.rng.uniform(-0.05, 0.05, n)
        return self.floats(values.reshape(shape))

    def integers(self, *shape, low=-3, high=4):
        """Whole numbers as floats: they never tie with ``half_integers``."""
        return self.floats(self.rng.integers(low, high, shape))

    def half_integers(self, *shape, low=-3, high=3):
        return self.floats(self.rng.integers(low, high, shape) + 0.5)

    def choice(self, values, *shape):
        """Elements of ``values`` (e.g. values kept away from the bounds of a clip)."""
        return self.floats(self.rng.choice(values, shape))

    # labels and probabilities
    def probabilities(self, *shape):
        """Values in (0.05, 0.95): away from the clamps and the poles."""
        return self.uniform(*shape, low=0.05, high=0.95)

    def signs(self, *shape):
        """Labels in {-1, +1}."""
        return self.floats(self.rng.choice([-1.0, 1.0], shape))

    def bits(self, *shape):
        """Labels in {0, 1}, as floats."""
        return self.floats(self.rng.integers(0, 2, shape))

    def mask(self, *shape):
        """A bool mask, each element True with probability ½."""
        return self.bools(self.rng.random(shape) < 0.5)

    def classes(self, num_classes, *shape):
        """Class indices in [0, num_classes) (int64)."""
        return self.ints(self.rng.integers(0, num_classes, shape))

    def onehot(self, num_classes, *shape):
        """One-hot rows: shape + (num_classes,)."""
        return self.floats(np.eye(num_classes)[self.rng.integers(0, num_classes, shape)])

    def distribution(self, *shape, axis=1):
        """Positive values summing to 1 along ``axis``."""
        weights = self.rng.uniform(0.1, 1.0, shape)
        return self.floats(weights / weights.sum(axis=axis, keepdims=True))

    def log_distribution(self, *shape, axis=1):
        """The log of a ``distribution``."""
        weights = self.rng.uniform(0.1, 1.0, shape)
        return self.floats(np.log(weights / weights.sum(axis=axis, keepdims=True)))


class Maker(Draw):
    """The draws of Draw as minigrad tensors: floating ones in ``dtype``, all on ``device``."""

    def __init__(self, seed, dtype="float64", device="cpu"):
        super().__init__(seed)
        self.dtype, self.device = dtype, device

    def floats(self, values):
        return mg.tensor(np.asarray(values, dtype=np.float64), dtype=self.dtype,
                         device=self.device)

    def ints(self, values):
        return mg.tensor(np.asarray(values, dtype=np.int64), device=self.device)

    def bools(self, values):
        return mg.tensor(np.asarray(values, dtype=bool), device=self.device)


def later(method, *args, **kwargs):
    """The draw ``method(draw, *args, **kwargs)`` of a ``draw`` given when a test runs."""
    return lambda draw: method(draw, *args, **kwargs)
