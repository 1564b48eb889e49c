"""Elementwise primitives.  Each declares its derivative rule; ``g`` is the upstream gradient.

Binary primitives broadcast their inputs as NumPy does; their backward returns gradients of the
broadcast shape and the engine sums them back (autograd.sum_to).
"""
import numpy as np

from ..autograd import Function, constant


class Elementwise(Function):
    """A primitive whose output element i depends only on input element i (after
    broadcasting): its Jacobian is diagonal, so the trace shows ∂out/∂in per element."""

    elementwise = True



class Add(Elementwise):
    """a + b."""

    rule = "d/da = 1, d/db = 1"

    def forward(self, a, b):
        return a + b

    def backward(self, g):
        return g, g


class Sub(Elementwise):
    """a - b."""

    rule = "d/da = 1, d/db = -1"

    def forward(self, a, b):
        return a - b

    def backward(self, g):
        return g, (-g if self.needs_grad[1] else None)


class Mul(Elementwise):
    """a * b."""

    rule = "d/da = b, d/db = a"

    def forward(self, a, b):
        return a * b

    def backward(self, g):
        # BEGIN TASK 1 vjps
        a, b = self.inputs
        return (g * b if self.needs_grad[0] else None,
                g * a if self.needs_grad[1] else None)
        # END TASK 1


class Div(Elementwise):
    """a / b."""

    rule = "d/da = 1/b, d/db = -a/b² = -(a/b)/b"

    def forward(self, a, b):
        return a / b

    def backward(self, g):
        # BEGIN TASK 1 vjps
        a, b = self.inputs
        return (g / b if self.needs_grad[0] else None,
                -g * self.output() / b if self.needs_grad[1] else None)
        # END TASK 1


class Neg(Elementwise):
    """-a."""

    rule = "d/da = -1"

    def forward(self, a):
        return -a

    def backward(self, g):
        return (-g,)


class PowScalar(Elementwise):
    """a ** c for a number c."""

    rule = "d/da = c·a^(c-1)  (0 when c = 0)"
    op_name = "pow"

    def forward(self, a, *, exponent):
        self.exponent = exponent
        return a ** exponent

    def backward(self, g):
        # BEGIN TASK 1 vjps
        (a,), c = self.inputs, self.exponent
        if c == 0:
            return (g * 0,)
        return (g * c * a ** (c - 1),)
        # END TASK 1


class Pow(Elementwise):
    """a ** b for tensors.

    As in PyTorch, d/da is 0 where b = 0 (even at a = 0, where b·a^(b-1) would be 0·∞), and
    d/db is 0 where a = 0 and b ≥ 0 (log a is taken as 0 there); at a = 0, b < 0 it is
    a^b·log a = ∞·(-∞) = -∞, and it is NaN where a < 0.  The gradient is selected (``where``),
    not multiplied by a mask, so an infinite upstream gradient at those places still gives 0.
    """

    rule = "d/da = b·a^(b-1) (0 at a = b = 0),  d/db = a^b · log a (0 where a = 0, b ≥ 0)"

    def forward(self, a, b):
        return a ** b

    def backward(self, g):
        a, b = self.inputs
        one, zero = _scalar(1, g), _scalar(0, g)
        ga = gb = None
        if self.needs_grad[0]:
            # at a = 0, b = 0 the product b·a^(b-1) is 0·∞: selected as 0 there, with b
            # replaced by 1 so that no ∞ enters the recorded graph (elsewhere the formula
            # itself gives 0 at b = 0, and the right mixed second derivative a^(b-1))
            both_zero = constant((b.data == 0) & (a.data == 0), g)
            safe_b = where(both_zero, one, b)
            ga = where(both_zero, zero, g * b * a ** (safe_b - 1))
        if self.needs_grad[1]:
            log_zero = constant((a.data == 0) & (b.data >= 0), g)
            safe_a = where(log_zero, one, a)
            gb = where(log_zero, zero, g * self.output() * log(safe_a))
        return ga, gb


class Exp(Elementwise):
    """exp a."""

    rule = "d/da = exp a (the output itself)"

    def forward(self, a):
        return self.xp.exp(a)

    def backward(self, g):
        # BEGIN TASK 1 vjps
        return (g * self.output(),)
        # END TASK 1


class Log(Elementwise):
    """log a (natural)."""

    rule = "d/da = 1/a"

    def forward(self, a):
        return self.xp.log(a)

    def backward(self, g):
        # BEGIN TASK 1 vjps
        return (g / self.inputs[0],)
        # END TASK 1


class Log1p(Elementwise):
    """log(1 + a), exact for tiny a."""

    rule = "d/da = 1/(1 + a)"

    def forward(self, a):
        return self.xp.log1p(a)

    def backward(self, g):
        return (g / (1 + self.inputs[0]),)


class Sqrt(Elementwise):
    """√a."""

    rule = "d/da = 1/(2√a)"

    def forward(self, a):
        return self.xp.sqrt(a)

    def backward(self, g):
        return (g / (2 * self.output()),)


class Abs(Elementwise):
    """|a|."""

    rule = "d/da = sign a, taken as 0 at a = 0 (PyTorch's subgradient) and at NaN"

    def forward(self, a):
        return self.xp.abs(a)

    def backward(self, g):
        # selected, not multiplied: an infinite upstream at a = 0 (|a|^p with p < 1, as in a
        # norm) gives 0, and so does a NaN input, as in PyTorch
        a = self.inputs[0].data
        sign = (a > 0).astype(a.dtype) - (a < 0).astype(a.dtype)  # 0 at 0 and at NaN
        return (Masked.apply(g * constant(sign, g), mask=sign != 0),)


class Tanh(Elementwise):
    """tanh a."""

    rule = "d/da = 1 - tanh² a"

    def forward(self, a):
        return self.xp.tanh(a)

    def backward(self, g):
        return (TanhGrad.apply(g, self.output()),)


class TanhGrad(Elementwise):
    """g·(1 − t²), t = tanh a: Tanh's backward as one primitive.

    One node instead of three (t·t, 1 − ·, g·), and its own VJP keeps the second order exact.
    """

    rule = "d/dg = 1 − t², d/dt = −2·g·t"
    op_name = "tanh_grad"

    def forward(self, g, t):
        # BEGIN TASK 1 vjps
        return g * (1 - t * t)  # NumPy reuses the temporaries of a large array (elision)
        # END TASK 1

    def backward(self, h):
        g, t = self.inputs
        return (TanhGrad.apply(h, t) if self.needs_grad[0] else None,
                -2 * h * g * t if self.needs_grad[1] else None)


def stable_sigmoid(xp, a):
    """σ(a) = e^min(a,0) / (1 + e^-|a|): no exponent is ever positive, so nothing overflows,
    and both tails keep full relative precision (σ(-40) ≈ 4e-18, not 0).  (One exponential
    and a ``where`` on the sign would be fewer passes, but NumPy's where with an irregular
    mask costs as much as eight exponentials.)"""
    return xp.exp(xp.minimum(a, 0)) / (1 + xp.exp(-xp.abs(a)))


class Sigmoid(Elementwise):
    """σ(a) = 1/(1 + e^-a), computed without overflow."""

    rule = "d/da = σ(a)(1 - σ(a))"

    def forward(self, a):
        return stable_sigmoid(self.xp, a)

    def backward(self, g):
        return (SigmoidGrad.apply(g, self.output()),)


class SigmoidGrad(Elementwise):
    """g·s·(1 − s), s = σ(a): Sigmoid's backward as one primitive, with its own VJP."""

    rule = "d/dg = s·(1 − s), d/ds = g·(1 − 2s)"
    op_name = "sigmoid_grad"

    def forward(self, g, s):
        # BEGIN TASK 1 vjps
        return g * s * (1 - s)
        # END TASK 1

    def backward(self, h):
        g, s = self.inputs
        return (SigmoidGrad.apply(h, s) if self.needs_grad[0] else None,
                h * g * (1 - 2 * s) if self.needs_grad[1] else None)


class Relu(Elementwise):
    """max(a, 0)."""

    rule = "d/da = 1 where a > 0, else 0 (0 at a = 0, as PyTorch)"

    def forward(self, a):
        return self.xp.maximum(a, 0)

    def backward(self, g):
        return (Masked.apply(g, mask=self.inputs[0].data > 0),)


class Clip(Elementwise):
    """a clipped to [min, max] (either may be None)."""

    rule = "d/da = 1 where min ≤ a ≤ max, else 0"

    def forward(self, a, *, min, max):
        self.lo, self.hi = min, max
        return self.xp.clip(a, min, max)

    def backward(self, g):
        a, lo, hi = self.inputs[0].data, self.lo, self.hi
        if lo is None:
            inside = a <= hi
        elif hi is None:
            inside = a >= lo
        else:
            inside = (a >= lo) & (a <= hi)
        return (Masked.apply(g, mask=inside),)

    @classmethod
    def apply(cls, a, *, min=None, max=None):
        """As torch.clamp, ``min`` and ``max`` may be tensors (broadcast against ``a``): the
        result is then min(max(a, lo), hi) made of two selections, so the gradient goes to
        whichever of a, lo and hi was taken (a where lo ≤ a ≤ hi; hi where lo > hi)."""
        if not any(_is_tensor(v) for v in (min, max)):
            return super().apply(a, min=min, max=max)
        out = a
        if min is not None:
            lo = min if _is_tensor(min) else a._operand(min)
            out = where(constant(out.data < lo.data, a), lo, out)
        if max is not None:
            hi = max if _is_tensor(max) else a._operand(max)
            out = where(constant(out.data > hi.data, a), hi, out)
        return out


class Pick(Elementwise):
    """One of a and b, element by element: the gradient goes to the one picked, and where they
    tie each gets half.  ``forward`` keeps ``share_a``, a's share (1, ½ or 0), and the masks
    ``a_only`` (a picked, no tie) and ``tie``.  The gradients are selected (``where``), not
    multiplied by the share, so an inf or NaN upstream gives 0 to the one not picked."""

    def _shares(self, a_only, tie):
        self.a_only, self.tie = a_only, tie
        self.share_a = a_only + 0.5 * tie

    def backward(self, g):
        a_only, tie = constant(self.a_only, g), constant(self.tie, g)
        b_only = constant(~(self.a_only | self.tie), g)
        zero = _scalar(0, g)
        half = where(tie, g * 0.5, zero)
        return (where(a_only, g, half) if self.needs_grad[0] else None,
                where(b_only, g, half) if self.needs_grad[1] else None)


class Maximum(Pick):
    """max(a, b) elementwise."""

    rule = "d/da = 1 where a > b, ½ where a = b (ties share), else 0"

    def forward(self, a, b):
        self._shares(a > b, a == b)
        return self.xp.maximum(a, b)


class Minimum(Pick):
    """min(a, b) elementwise."""

    rule = "d/da = 1 where a < b, ½ where a = b (ties share), else 0"

    def forward(self, a, b):
        self._shares(a < b, a == b)
        return self.xp.minimum(a, b)


class Where(Elementwise):
    """cond ? a : b (cond a bool tensor outside the graph)."""

    rule = "d/da = cond, d/db = not cond"

    def forward(self, cond, a, b):
        return self.xp.where(cond, a, b)

    def backward(self, g):
        cond = self.inputs[0].data
        return (None,
                Masked.apply(g, mask=cond) if self.needs_grad[1] else None,
                Masked.apply(g, mask=cond, keep=False) if self.needs_grad[2] else None)


class Masked(Elementwise):
    """g where ``mask`` is ``keep``, 0 elsewhere: the backward of every selection (relu, clip,
    abs, where), as one node.

    Selected, not multiplied by a 0/1 mask: an inf or NaN upstream where the mask is off
    gives 0, as in PyTorch.  Its own VJP is the same selection.
    """

    rule = "d/dg = 1 where the mask is on, else 0"

    def forward(self, g, *, mask, keep=True):
        self.mask, self.keep = mask, keep
        xp = self.xp
        if xp is np and g.size >= 65536:
            # On a large array NumPy's where with an irregular mask is ~8 times slower than a
            # product with it (branch mispredictions); the product is the selection unless g
            # holds an inf or NaN (0·inf is NaN).  On small arrays where is the cheaper call.
            out = g * mask if keep else g * ~mask
            if np.isfinite(g).all():
                return out
        return xp.where(mask, g, 0) if keep else xp.where(mask, 0, g)

    def backward(self, h):
        return (Masked.apply(h, mask=self.mask, keep=self.keep),)

    def params(self):
        return {} if self.keep else {"keep": False}


def where(cond, a, b):
    return Where.apply(cond, a, b)


def log(a):
    return Log.apply(a)


def _scalar(value, like):
    """The number ``value`` as a 0-d constant of ``like``'s dtype and device."""
    return constant(like.xp.asarray(value, dtype=like.dtype), like)


def _is_tensor(value):
    """True for a tensor (anything with data and device that takes part in the graph)."""
    return hasattr(value, "_node") and hasattr(value, "data")


class Softplus(Elementwise):
    """softplus a = log(1 + e^a), computed stably.

    The forward is max(a, 0) + log1p(e^-|a|) (finite for any a, exact in both tails; NumPy's
    logaddexp is many times slower).  It is a primitive rather than that composite because
    the composite's kinks at 0 have subgradients that give the right first derivative there
    but a wrong second one; the backward σ(a) is smooth to every order.
    """

    rule = "d/da = σ(a)"

    def forward(self, a):
        xp = self.xp
        return xp.maximum(a, 0) + xp.log1p(xp.exp(-xp.abs(a)))

    def backward(self, g):
        return (SoftplusGrad.apply(g, self.inputs[0]),)


class SoftplusGrad(Elementwise):
    """g·σ(a): Softplus's backward as one primitive, with its own VJP."""

    rule = "d/dg = σ(a), d/da = g·σ(a)·(1 − σ(a))"
    op_name = "softplus_grad"

    def forward(self, g, a):
        return g * stable_sigmoid(self.xp, a)

    def backward(self, h):
        g, a = self.inputs
        s = Sigmoid.apply(a)
        return (h * s if self.needs_grad[0] else None,
                SigmoidGrad.apply(h * g, s) if self.needs_grad[1] else None)
