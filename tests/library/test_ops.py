"""Every primitive and composite, table-driven: values and gradients against PyTorch (float64,
the test-only oracle), first and second derivatives against finite differences (gradcheck,
gradgradcheck), on both devices.

A case is (name, minigrad function, torch function, samples).  A sample makes NumPy inputs,
drawn with tests/samples.py's vocabulary (Draw, seeded by the case): floating arrays become
tensors that require grad, integer and bool arrays (indices, masks, conditions) tensors that
do not.  Inputs are drawn away from kinks (abs, relu, clip, ties of max); the conventions at
the kinks are tested on their own at the end of this file.
"""
import math
import re
import zlib
from functools import partial
from typing import Callable, NamedTuple

import numpy as np
import pytest
import torch

import minigrad as mg
from minigrad.check import gradcheck, gradgradcheck

from ..samples import Draw, later

RTOL, ATOL = 1e-10, 1e-12


# --- inputs: tests/samples.py's vocabulary, named here and drawn when a test runs --------------
N = partial(later, Draw.normal)                # standard normal
P = partial(later, Draw.positive)              # away from 0: domains of log, sqrt, pow, divisors
A = partial(later, Draw.away_from_zero)        # both signs, away from 0: abs, relu off the kink
D = partial(later, Draw.distinct)              # values 0.3 apart: max/min without ties
G = partial(later, Draw.integers)              # integers as floats: never equal to any value of H
H = partial(later, Draw.half_integers)         # half-integers as floats
CLIP_SAFE = (-1.3, -0.9, -0.2, 0.1, 0.3, 0.8, 1.2)  # ≥ 0.2 away from the clip bounds ±0.5, 1.0
C = partial(later, Draw.choice, CLIP_SAFE)     # values away from the clip bounds
I = partial(later, Draw.classes)               # int64 indices in [0, high)
B = partial(later, Draw.mask)                  # a bool mask
X = partial(later, Draw.fixed)                 # fixed values (extreme inputs for stability checks)


class Sample(NamedTuple):
    id: str
    gens: tuple
    check: bool = True  # False: compare with torch only (no finite differences)


class Case(NamedTuple):
    name: str
    fn: Callable
    tfn: Callable
    samples: list
    gradgrad: bool = True


def S(id, *gens, check=True):
    return Sample(id, gens, check)


def shape_id(*shapes):
    return "x".join("(" + ",".join(map(str, s)) + ")" for s in shapes)


CASES = []


def case(name, fn, tfn, samples, gradgrad=True):
    CASES.append(Case(name, fn, tfn, samples, gradgrad))


# --- pointwise, binary: broadcasting, 0-d and size-0 --------------------------------------------
BROADCAST = [(3,), (3,)], [(2, 3), (3,)], [(2, 1), (1, 3)], [(), (2, 3)], [(2, 3), ()], \
    [(), ()], [(2, 1, 3), (4, 1)], [(0, 3), (1, 3)]


def binary(name, fn, tfn, ga=N, gb=N, shapes=BROADCAST):
    case(name, fn, tfn, [S(shape_id(sa, sb), ga(*sa), gb(*sb)) for sa, sb in shapes])


binary("add", lambda a, b: a + b, lambda a, b: a + b)
binary("sub", lambda a, b: a - b, lambda a, b: a - b)
binary("mul", lambda a, b: a * b, lambda a, b: a * b)
binary("div", lambda a, b: a / b, lambda a, b: a / b, gb=P)
binary("pow", lambda a, b: a ** b, lambda a, b: a ** b, ga=P)
binary("add_fn", mg.add, torch.add, shapes=BROADCAST[:3])
binary("sub_fn", mg.sub, torch.sub, shapes=BROADCAST[:3])
binary("mul_fn", mg.mul, torch.mul, shapes=BROADCAST[:3])
binary("div_fn", mg.div, torch.div, gb=P, shapes=BROADCAST[:3])
binary("pow_fn", mg.pow, torch.pow, ga=P, shapes=BROADCAST[:3])
binary("matmul_op_fn", mg.matmul, torch.matmul, shapes=[[(2, 3), (3, 2)]])
binary("maximum", mg.maximum, torch.maximum, ga=G, gb=H)
binary("minimum", mg.minimum, torch.minimum, ga=H, gb=G)
binary("maximum_method", lambda a, b: a.maximum(b), torch.maximum, ga=G, gb=H,
       shapes=BROADCAST[:2])
binary("minimum_method", lambda a, b: a.minimum(b), torch.minimum, ga=G, gb=H,
       shapes=BROADCAST[:2])

# --- pointwise, with a Python number on one side -------------------------------------------------
UNARY_SHAPES = [(), (4,), (2, 3), (0, 2)]


def unary(name, fn, tfn, gen=N, shapes=UNARY_SHAPES, extreme=None, gradgrad=True):
    samples = [S(shape_id(s), gen(*s)) for s in shapes]
    if extreme is not None:
        samples.append(S("extreme", X(extreme), check=False))
    case(name, fn, tfn, samples, gradgrad)


unary("add_scalar", lambda x: x + 2.5, lambda x: x + 2.5)
unary("radd_scalar", lambda x: 2.5 + x, lambda x: 2.5 + x)
unary("sub_scalar", lambda x: x - 3, lambda x: x - 3)
unary("rsub_scalar", lambda x: 3 - x, lambda x: 3 - x)
unary("mul_scalar", lambda x: x * -1.5, lambda x: x * -1.5)
unary("rmul_scalar", lambda x: -1.5 * x, lambda x: -1.5 * x)
unary("div_scalar", lambda x: x / 4, lambda x: x / 4)
unary("rdiv_scalar", lambda x: 2 / x, lambda x: 2 / x, gen=P)
unary("pow_3", lambda x: x ** 3, lambda x: x ** 3)
unary("pow_2.5", lambda x: x ** 2.5, lambda x: x ** 2.5, gen=P)
unary("pow_-1.5", lambda x: x ** -1.5, lambda x: x ** -1.5, gen=P)
unary("pow_0", lambda x: x ** 0, lambda x: x ** 0)
unary("pow_1", lambda x: x ** 1, lambda x: x ** 1)
unary("pow_method", lambda x: x.pow(2), lambda x: x.pow(2))
unary("pow_fn_scalar_exponent", lambda x: mg.pow(x, 3), lambda x: torch.pow(x, 3))
unary("rpow", lambda x: 2.0 ** x, lambda x: 2.0 ** x)
unary("rpow_fn", lambda x: mg.pow(2.0, x), lambda x: torch.pow(2.0, x))
unary("neg", lambda x: -x, lambda x: -x)
unary("neg_fn", mg.neg, torch.neg)
unary("exp", mg.exp, torch.exp)
unary("log", mg.log, torch.log, gen=P)
unary("log1p", mg.log1p, torch.log1p, gen=lambda *s: P(*s, low=-0.5, high=2.0))
unary("sqrt", mg.sqrt, torch.sqrt, gen=P)
unary("abs", mg.abs, torch.abs, gen=A)
unary("tanh", mg.tanh, torch.tanh, extreme=[-400.0, -20.0, 0.3, 20.0, 400.0])
unary("sigmoid", mg.sigmoid, torch.sigmoid, extreme=[-800.0, -40.0, 0.3, 40.0, 800.0])
unary("relu", mg.relu, torch.relu, gen=A)
unary("softplus", mg.softplus, torch.nn.functional.softplus,
      extreme=[-800.0, -40.0, 0.3, 40.0, 800.0])
unary("log_sigmoid", mg.log_sigmoid, torch.nn.functional.logsigmoid,
      extreme=[-800.0, -40.0, 0.3, 40.0, 800.0])
unary("clip", lambda x: mg.clip(x, -0.5, 1.0), lambda x: torch.clamp(x, -0.5, 1.0), gen=C)
unary("clip_min", lambda x: mg.clip(x, min=-0.5), lambda x: torch.clamp(x, min=-0.5), gen=C)
unary("clip_max", lambda x: x.clip(max=1.0), lambda x: torch.clamp(x, max=1.0), gen=C)
unary("maximum_scalar", lambda x: mg.maximum(x, 0.25), lambda x: torch.clamp(x, min=0.25), gen=G)
unary("rminimum_scalar", lambda x: mg.minimum(0.25, x), lambda x: torch.clamp(x, max=0.25), gen=G)

# --- where ---------------------------------------------------------------------------------------
case("where", mg.where, torch.where, [
    S("(2,3)", B(2, 3), N(2, 3), N(2, 3)),
    S("broadcast", B(2, 3), N(3), N(2, 1)),
    S("cond_broadcast", B(3), N(2, 3), N()),
    S("0d_cond", B(), N(2), N(2)),
    S("0d", B(), N(), N()),
    S("size0", B(0, 3), N(0, 3), N(3)),
])
case("where_scalar_b", lambda c, a: mg.where(c, a, 0.5), lambda c, a: torch.where(c, a, 0.5),
     [S("(2,3)", B(2, 3), N(2, 3)), S("broadcast", B(2, 3), N(3))])
case("where_scalar_a", lambda c, b: mg.where(c, -1.0, b), lambda c, b: torch.where(c, -1.0, b),
     [S("(2,3)", B(2, 3), N(2, 3))])


# --- reductions: axis (None, int, negative, tuple), keepdims -------------------------------------
def tdim(axis, ndim):
    return tuple(range(ndim)) if axis is None else axis


REDUCE_AXES = [(None, False), (None, True), (0, False), (1, True), (-1, False), ((0, 1), True)]


def reduction(name, fn, tfn, gen=N, extra=(), sizes0=(), zero_d=True):
    """fn(x, axis, keepdims) / tfn(x, dim, keepdim) over (3, 4), (2, 3, 2), 0-d and size-0."""
    samples = []
    for axis, keepdims in REDUCE_AXES:
        samples.append((f"(3,4)-axis={axis}-keep={keepdims}", gen(3, 4), axis, keepdims))
    samples.append(("(2,3,2)-axis=(0,2)", gen(2, 3, 2), (0, 2), False))
    samples.append(("(2,3,2)-axis=(-1,0)-keep", gen(2, 3, 2), (-1, 0), True))
    if zero_d:
        samples.append(("0d", gen(), None, False))
        samples.append(("0d-axis=0", gen(), 0, False))
        samples.append(("0d-axis=-1-keep", gen(), -1, True))
    for shape, axis in sizes0:
        samples.append((f"size0{shape}-axis={axis}", gen(*shape), axis, False))
    samples.extend(extra)
    for sid, g, axis, keepdims in samples:
        def mg_fn(x, axis=axis, keepdims=keepdims):
            return fn(x, axis, keepdims)

        def torch_fn(x, axis=axis, keepdims=keepdims):
            return tfn(x, tdim(axis, x.ndim), keepdims)

        case(f"{name}[{sid}]", mg_fn, torch_fn, [S("", g)])


reduction("sum", mg.sum, lambda x, d, k: torch.sum(x, d, k), sizes0=[((0, 3), 0), ((0, 3), 1)])
reduction("sum_method", lambda x, a, k: x.sum(a, k), lambda x, d, k: x.sum(d, k))
reduction("mean", mg.mean, lambda x, d, k: torch.mean(x, d, k))
reduction("var", mg.var, lambda x, d, k: torch.var(x, d, keepdim=k, correction=1),
          zero_d=False)  # one element, correction 1: 0/0
reduction("var_correction0", lambda x, a, k: mg.var(x, a, k, correction=0),
          lambda x, d, k: torch.var(x, d, keepdim=k, correction=0))
reduction("max", mg.max, lambda x, d, k: torch.amax(x, d, k), gen=D)
reduction("min", mg.min, lambda x, d, k: torch.amin(x, d, k), gen=D)
reduction("max_method", lambda x, a, k: x.max(a, k), lambda x, d, k: torch.amax(x, d, k), gen=D)
reduction("min_method", lambda x, a, k: x.min(a, k), lambda x, d, k: torch.amin(x, d, k), gen=D)
reduction("logsumexp", mg.logsumexp, lambda x, d, k: torch.logsumexp(x, d, k),
          sizes0=[((0, 3), 1)],
          extra=[("extreme", X([[-900.0, 800.0, 799.0], [-1e3, -1e3, -999.0]]), 1, False)])


def distinct_magnitudes(*shape):
    """Random signs, magnitudes at least 0.3 apart (the inf-norm without ties)."""
    return lambda draw: np.sign(A(*shape)(draw)) * (D(*shape)(draw) + 10.0)


for _ord in (1, 2, 3, math.inf):
    reduction(f"norm_ord={_ord}", (lambda o: lambda x, a, k: mg.norm(x, o, a, k))(_ord),
              (lambda o: lambda x, d, k: torch.linalg.vector_norm(x, o, d, k))(_ord),
              gen=distinct_magnitudes if _ord == math.inf else A)
reduction("norm_method", lambda x, a, k: x.norm(2, a, k),
          lambda x, d, k: torch.linalg.vector_norm(x, 2, d, k), gen=A)


def softmaxlike(name, fn, tfn):
    for shape, axis in [((3, 4), -1), ((3, 4), 0), ((2, 3, 2), 1), ((5,), -1), ((), -1),
                        ((0, 3), -1), ((2, 0), -1)]:
        case(f"{name}[{shape_id(shape)}-axis={axis}]", lambda x, axis=axis: fn(x, axis),
             lambda x, axis=axis: tfn(x, axis), [S("", N(*shape))])
    case(f"{name}[extreme]", lambda x: fn(x, -1), lambda x: tfn(x, -1),
         [S("", X([[-900.0, 800.0, 799.0], [1e3, 1e3, 999.0]]), check=False)])


softmaxlike("softmax", mg.softmax, torch.softmax)
softmaxlike("log_softmax", mg.log_softmax, torch.log_softmax)
softmaxlike("softmax_method", lambda x, a: x.softmax(a), torch.softmax)
softmaxlike("log_softmax_method", lambda x, a: x.log_softmax(a), torch.log_softmax)


# --- backward primitives: each a derivative as one node; gradgradcheck reaches third order --------
binary("tanh_grad", mg.ops.TanhGrad.apply, lambda g, t: g * (1 - t * t))
binary("sigmoid_grad", mg.ops.SigmoidGrad.apply, lambda g, s: g * s * (1 - s))
binary("softplus_grad", mg.ops.SoftplusGrad.apply, lambda g, a: g * torch.sigmoid(a))
for _keep in (True, False):
    case(f"masked[keep={_keep}]",
         lambda g, m, keep=_keep: mg.ops.Masked.apply(g, mask=m.data, keep=keep),
         lambda g, m, keep=_keep: torch.where(m == keep, g, 0),
         [S("(2,3)", N(2, 3), B(2, 3)), S("(2,3)x(3,)", N(2, 3), B(3)), S("()", N(), B())])
case("sum_grad", lambda g: mg.ops.SumGrad.apply(g, axes=(1,), shape=(3, 4)),
     lambda g: g[:, None].expand(3, 4), [S("(3,)", N(3))])
case("sum_grad_keepdims", lambda g: mg.ops.SumGrad.apply(g, axes=(0, 2), shape=(2, 3, 2)),
     lambda g: g.expand(2, 3, 2), [S("(1,3,1)", N(1, 3, 1))])
case("log_softmax_grad", lambda g, y: mg.ops.LogSoftmaxGrad.apply(g, y, axes=(1,)),
     lambda g, y: g - y.exp() * g.sum(1, keepdim=True), [S("(3,4)", N(3, 4), N(3, 4))])


# --- shape ---------------------------------------------------------------------------------------
def shape_case(name, fn, tfn, *samples):
    case(name, fn, tfn, [S(shape_id(s), N(*s)) for s in samples])


shape_case("reshape", lambda x: x.reshape(3, 2), lambda x: x.reshape(3, 2), (2, 3), (6,))
shape_case("reshape_tuple_-1", lambda x: mg.reshape(x, (-1,)), lambda x: x.reshape(-1), (2, 3), ())
shape_case("reshape_0d", lambda x: x.reshape(1, 1), lambda x: x.reshape(1, 1), ())
shape_case("reshape_to_0d", lambda x: x.reshape(()), lambda x: x.reshape(()), (1,), (1, 1))
shape_case("reshape_size0", lambda x: x.reshape(3, 0), lambda x: x.reshape(3, 0), (0, 3))
shape_case("flatten", lambda x: x.flatten(1), lambda x: x.flatten(1), (2, 3, 2))
shape_case("permute", lambda x: x.permute(2, 0, 1), lambda x: x.permute(2, 0, 1), (2, 3, 4))
shape_case("permute_fn_neg", lambda x: mg.permute(x, (-1, 0, 1)), lambda x: x.permute(-1, 0, 1),
           (2, 3, 4))
shape_case("transpose", lambda x: x.transpose(), lambda x: x.transpose(-2, -1), (2, 3), (2, 3, 4))
shape_case("transpose_axes", lambda x: mg.transpose(x, 0, 2), lambda x: x.transpose(0, 2),
           (2, 3, 4))
shape_case("T", lambda x: x.T, lambda x: x.permute(*reversed(range(x.ndim))),
           (2, 3), (2, 3, 4), (3,))
shape_case("unsqueeze_0", lambda x: x.unsqueeze(0), lambda x: x.unsqueeze(0), (2, 3), ())
shape_case("unsqueeze_-1", lambda x: mg.unsqueeze(x, -1), lambda x: x.unsqueeze(-1), (2, 3), ())
shape_case("unsqueeze_1", lambda x: x.unsqueeze(1), lambda x: x.unsqueeze(1), (2, 3))
shape_case("squeeze_all", lambda x: x.squeeze(), lambda x: x.squeeze(), (1, 3, 1), (1,), (2, 3))
shape_case("squeeze_0", lambda x: mg.squeeze(x, 0), lambda x: x.squeeze(0), (1, 3, 1))
shape_case("squeeze_-1", lambda x: x.squeeze(-1), lambda x: x.squeeze(-1), (1, 3, 1))
shape_case("broadcast_to", lambda x: x.broadcast_to(2, 3), lambda x: x.broadcast_to((2, 3)),
           (3,), (2, 1), (), (1, 1))
shape_case("broadcast_to_fn", lambda x: mg.broadcast_to(x, (4, 2, 3)),
           lambda x: x.broadcast_to((4, 2, 3)), (2, 1), (3,))
shape_case("broadcast_to_size0", lambda x: x.broadcast_to(0, 3), lambda x: x.broadcast_to((0, 3)),
           (3,), (1, 3))

# --- indexing ------------------------------------------------------------------------------------
_IDX = np.array([[0, 1], [3, 3]])
for _name, _fn, _tfn in [
    ("int", lambda x: x[1], lambda x: x[1]),
    ("neg_int", lambda x: x[-1], lambda x: x[-1]),
    ("int_int", lambda x: x[2, 1], lambda x: x[2, 1]),
    ("slice", lambda x: x[1:3], lambda x: x[1:3]),
    ("slice_step", lambda x: x[:, ::2], lambda x: x[:, ::2]),
    ("slice_neg_step", lambda x: x[::-1], lambda x: x.flip(0)),
    ("slice_empty", lambda x: x[2:2], lambda x: x[2:2]),
    ("ellipsis_none", lambda x: x[..., None, 1], lambda x: x[..., None, 1]),
    ("list_repeats", lambda x: x[[0, 2, 0, 0]], lambda x: x[[0, 2, 0, 0]]),
    ("list_negative", lambda x: x[[-1, 0, -1]], lambda x: x[[-1, 0, -1]]),
    ("ndarray_2d_repeats", lambda x: x[_IDX], lambda x: x[torch.from_numpy(_IDX)]),
    ("slice_then_list", lambda x: x[1:, [2, 2, 0]], lambda x: x[1:, [2, 2, 0]]),
    ("pairs_repeats", lambda x: x[[0, 1, 1, 0], [2, 2, 0, 2]],
     lambda x: x[[0, 1, 1, 0], [2, 2, 0, 2]]),
    ("list_then_int", lambda x: x[[3, 3], 1], lambda x: x[[3, 3], 1]),
]:
    case(f"getitem_{_name}", _fn, _tfn, [S("(4,3)", N(4, 3))])

case("getitem_tensor_ints", lambda x, i: x[i], lambda x, i: x[i],
     [S("(4,3)[(6,)]", N(4, 3), I(4, 6)), S("(4,)[(2,3)]", N(4), I(4, 2, 3))])
case("getitem_tensor_pair", lambda x, i, j: x[i, j], lambda x, i, j: x[i, j],
     [S("(4,3)[(5,),(5,)]", N(4, 3), I(4, 5), I(3, 5))])
case("getitem_tensor_and_slice", lambda x, i: x[:, i], lambda x, i: x[:, i],
     [S("(4,3)[:,(5,)]", N(4, 3), I(3, 5))])
case("getitem_mask", lambda x, m: x[m], lambda x, m: x[m],
     [S("(4,3)[(4,3)]", N(4, 3), B(4, 3)), S("(4,3)[(4,)]", N(4, 3), B(4)),
      S("(4,)[(4,)]", N(4), B(4))])
case("getitem_mask_expression", lambda x: x[x > 0], lambda x: x[x > 0], [S("(4,3)", N(4, 3))])
case("getitem_0d", lambda x: x[None], lambda x: x[None], [S("()", N())])
case("getitem_0d_ellipsis", lambda x: x[...] * 1, lambda x: x[...] * 1, [S("()", N())])


# --- joining -------------------------------------------------------------------------------------
def join_case(name, fn, tfn, *shape_sets):
    case(name, fn, tfn, [S(shape_id(*ss), *(N(*s) for s in ss)) for ss in shape_sets])


join_case("concatenate_0", lambda *ts: mg.concatenate(ts, 0), lambda *ts: torch.cat(ts, 0),
          [(2, 3), (1, 3)], [(2, 3), (1, 3), (3, 3)], [(2, 3), (0, 3)], [(3,), (2,)])
join_case("concatenate_-1", lambda *ts: mg.concatenate(list(ts), axis=-1),
          lambda *ts: torch.cat(ts, -1), [(2, 1), (2, 3)], [(2, 2, 1), (2, 2, 2)])
join_case("concatenate_1", lambda *ts: mg.concatenate(ts, axis=1), lambda *ts: torch.cat(ts, 1),
          [(2, 1, 2), (2, 3, 2)])
join_case("concatenate_single", lambda x: mg.concatenate([x]), lambda x: torch.cat([x]), [(2, 3)])
join_case("stack_0", lambda *ts: mg.stack(ts), lambda *ts: torch.stack(ts),
          [(2, 3), (2, 3)], [(), (), ()], [(0, 2), (0, 2)])
join_case("stack_1", lambda *ts: mg.stack(ts, 1), lambda *ts: torch.stack(ts, 1),
          [(2, 3), (2, 3), (2, 3)])
join_case("stack_-1", lambda *ts: mg.stack(list(ts), axis=-1), lambda *ts: torch.stack(ts, -1),
          [(2, 3), (2, 3)], [(4,), (4,)])

# --- matmul: every NumPy case -------------------------------------------------------------------
binary("matmul", lambda a, b: a @ b, lambda a, b: a @ b, shapes=[
    [(3,), (3,)],            # 1-D @ 1-D: dot product, 0-d
    [(3,), (3, 4)],          # 1-D @ 2-D
    [(2, 3), (3,)],          # 2-D @ 1-D
    [(2, 3), (3, 4)],
    [(3,), (2, 3, 4)],       # 1-D @ batched
    [(2, 3, 4), (4,)],       # batched @ 1-D
    [(5, 2, 3), (3, 4)],     # batched @ 2-D: the batch axis is broadcast for b
    [(2, 3), (5, 3, 4)],
    [(5, 2, 3), (5, 3, 4)],
    [(2, 1, 2, 3), (3, 3, 2)],  # batch axes (2, 1) and (3,) broadcast to (2, 3)
    [(0, 3), (3, 2)],        # size-0 results
    [(2, 0), (0, 3)],        # empty inner axis: zeros
    [(1, 1), (1, 1)],
])
# --- linear: x Wᵀ + b, as torch.nn.functional.linear -----------------------------------------
LINEAR_SHAPES = [((4, 3), (2, 3)), ((5, 4, 3), (2, 3)), ((3,), (2, 3)), ((0, 3), (2, 3))]
case("linear", mg.linear, torch.nn.functional.linear,
     [S(shape_id(sx, sw, sw[:1]), N(*sx), N(*sw), N(*sw[:1])) for sx, sw in LINEAR_SHAPES])
case("linear_no_bias", mg.linear, torch.nn.functional.linear,
     [S(shape_id(sx, sw), N(*sx), N(*sw)) for sx, sw in LINEAR_SHAPES])

binary("matmul_method", lambda a, b: a.matmul(b), lambda a, b: a.matmul(b),
       shapes=[[(2, 3), (3,)]])

CASE_IDS = [c.name for c in CASES]
assert len(set(CASE_IDS)) == len(CASE_IDS), "case names must be unique"
PARAMS = [pytest.param(c, s, id=f"{c.name}-{s.id}" if s.id else c.name)
          for c in CASES for s in c.samples]
CHECK_PARAMS = [p for p in PARAMS if p.values[1].check]
GRADGRAD_PARAMS = [p for p in CHECK_PARAMS if p.values[0].gradgrad]


# --- the harness ---------------------------------------------------------------------------------
def make_arrays(case, sample):
    draw = Draw(zlib.crc32(f"{case.name}-{sample.id}".encode()))
    return [g(draw) for g in sample.gens]


def mg_inputs(arrays, device):
    return [mg.tensor(a, device=device, requires_grad=a.dtype.kind == "f") for a in arrays]


def torch_inputs(arrays):
    return [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]


def assert_close(got, expected, what):
    """``got`` (a minigrad tensor or None) equals ``expected`` (a torch tensor or None)."""
    if expected is None and got is None:
        return
    if expected is None:
        expected = torch.zeros(got.shape, dtype=torch.float64)
    got = np.zeros(tuple(expected.shape)) if got is None else got.numpy()
    expected = expected.detach().numpy(force=True)  # force: torch may hand back a ZeroTensor
    assert got.shape == expected.shape, f"{what}: shape {got.shape}, torch {expected.shape}"
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL, equal_nan=False,
                               err_msg=what)


def torch_dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def compare_with_torch(fn, tfn, arrays, device, second_order=True, seed=0):
    """Values, gradients and (optionally) second derivatives of fn equal those of tfn."""
    xs, ts = mg_inputs(arrays, device), torch_inputs(arrays)
    out, tout = fn(*xs), tfn(*ts)
    assert isinstance(out, mg.Tensor)
    assert out.device == device
    assert out.dtype.name == torch_dtype_name(tout)
    assert_close(out, tout, "value")

    diff_x = [x for x in xs if x.requires_grad]
    diff_t = [t for t in ts if t.requires_grad]
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(out.shape)
    grads = mg.grad(out, diff_x, grad_outputs=mg.tensor(v, device=device),
                    create_graph=second_order, allow_unused=True)
    tgrads = torch.autograd.grad(tout, diff_t, grad_outputs=torch.tensor(v),
                                 create_graph=second_order, allow_unused=True)
    for i, (g, tg) in enumerate(zip(grads, tgrads)):
        if g is not None:
            assert g.device == device and g.dtype == mg.float64
        assert_close(g, tg, f"gradient of input {i}")
    if not second_order:
        return
    # d/dx Σ_i <w_i, grad_i>: a Hessian-vector product of <v, fn>.
    ws = [rng.standard_normal(x.shape) for x in diff_x]
    total, ttotal = None, None
    for g, tg, w in zip(grads, tgrads, ws):
        if g is not None and g.requires_grad:
            term = (g * mg.tensor(w, device=device)).sum()
            total = term if total is None else total + term
        if tg is not None and tg.requires_grad:
            tterm = (tg * torch.tensor(w)).sum()
            ttotal = tterm if ttotal is None else ttotal + tterm
    hv = (mg.grad(total, diff_x, allow_unused=True) if total is not None
          else [None] * len(diff_x))
    thv = (torch.autograd.grad(ttotal, diff_t, allow_unused=True) if ttotal is not None
           else [None] * len(diff_t))
    for i, (h, th) in enumerate(zip(hv, thv)):
        assert_close(h, th, f"second derivative (Hessian-vector product) of input {i}")


# --- the tests -----------------------------------------------------------------------------------
@pytest.mark.parametrize("case, sample", PARAMS)
def test_matches_torch(case, sample, device):
    arrays = make_arrays(case, sample)
    compare_with_torch(case.fn, case.tfn, arrays, device, second_order=sample.check)


@pytest.mark.parametrize("case, sample", CHECK_PARAMS)
def test_gradcheck(case, sample, device):
    xs = mg_inputs(make_arrays(case, sample), device)
    assert gradcheck(case.fn, xs)


@pytest.mark.parametrize("case, sample", GRADGRAD_PARAMS)
def test_gradgradcheck(case, sample, device):
    xs = mg_inputs(make_arrays(case, sample), device)
    assert gradgradcheck(case.fn, xs)


# Primitives whose rows carry another name, or that are tested elsewhere.
PRIMITIVE_CASE_NAMES = {
    "PowScalar": "pow_3", "GetItem": "getitem_int", "ScatterAdd": "getitem_int",
    "BroadcastTo": "broadcast_to", "MatMul": "matmul", "Concatenate": "concatenate_0",
    "Max": "max[(3,4)-axis=None-keep=False]", "Sum": "sum[(3,4)-axis=None-keep=False]",
    "ToDevice": "test_backend.py::test_to_round_trip_is_differentiable",
    "Cast": "test_tensor.py::test_astype_float_double_long",
    "LogSoftmax": "log_softmax[(3,4)-axis=-1]", "Masked": "masked[keep=True]",
}


def test_every_primitive_has_a_case():
    """A new primitive cannot land without a row in this table (OpInfo's rule)."""
    from minigrad.autograd import Function
    primitives = [n for n, v in vars(mg.ops).items()
                  if isinstance(v, type) and issubclass(v, Function)]
    assert len(primitives) >= 25
    for name in primitives:
        row = PRIMITIVE_CASE_NAMES.get(name, re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower())
        if "::" not in row:
            assert row in CASE_IDS, f"primitive {name} has no case {row!r} in tests/library/test_ops.py"


def test_every_composite_has_a_case():
    names = " ".join(CASE_IDS)
    for name in ["mean", "var", "min", "logsumexp", "softmax", "log_softmax", "norm", "stack",
                 "squeeze", "unsqueeze", "transpose", "log_sigmoid", "softplus", "where", "pow_fn",
                 "rpow", "permute", "flatten", "T"]:
        assert name in names, name


@pytest.mark.parametrize("name", ["exp", "log", "log1p", "sqrt", "abs", "tanh", "sigmoid", "relu",
                                  "softplus"])
def test_methods_are_the_functions(name, device):
    x = mg.tensor(np.array([0.5, 1.5, 2.0]), device=device, requires_grad=True)
    by_method, by_function = getattr(x, name)(), getattr(mg, name)(x)
    assert by_method.grad_fn.name == by_function.grad_fn.name
    np.testing.assert_array_equal(by_method.numpy(), by_function.numpy())


def test_pow_float32_tensor_and_scalar_keep_dtype(device):
    x = mg.tensor([1.0, 2.0], device=device, requires_grad=True)
    for y in (x ** 2, 2.0 ** x, x ** 0.5, mg.pow(x, 3), mg.pow(2.0, x)):
        assert y.dtype == mg.float32 and y.device == device


# --- one_hot (no gradient: integer in, integer out) ----------------------------------------------
@pytest.mark.parametrize("labels, num_classes", [
    ([0, 2, 1, 2], -1), ([0, 2, 1], 5), ([[1, 0], [3, 3]], -1), (3, 4),
    (np.zeros((0,), np.int64), 3),
])
def test_one_hot_matches_torch(labels, num_classes, device):
    labels = np.asarray(labels, dtype=np.int64)
    got = mg.one_hot(mg.tensor(labels, device=device), num_classes)
    expected = torch.nn.functional.one_hot(torch.from_numpy(labels), num_classes)
    assert got.dtype == mg.int64 and got.device == device
    assert not got.requires_grad
    np.testing.assert_array_equal(got.numpy(), expected.numpy())


# --- conventions at kinks and ties ---------------------------------------------------------------
def grads_of(fn, values, device, *more):
    """Gradient of fn(x, *more).sum() with respect to x, as a NumPy array."""
    x = mg.tensor(np.asarray(values, dtype=np.float64), device=device, requires_grad=True)
    fn(x, *more).sum().backward()
    return x.grad.numpy()


def torch_grads_of(fn, values, *more):
    x = torch.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)
    fn(x, *more).sum().backward()
    return x.grad.numpy()


def test_abs_subgradient_at_zero_is_zero(device):
    g = grads_of(mg.abs, [-2.0, 0.0, 3.0], device)
    np.testing.assert_array_equal(g, [-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(g, torch_grads_of(torch.abs, [-2.0, 0.0, 3.0]))


def test_relu_derivative_at_zero_is_zero(device):
    g = grads_of(mg.relu, [-2.0, 0.0, 3.0], device)
    np.testing.assert_array_equal(g, [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(g, torch_grads_of(torch.relu, [-2.0, 0.0, 3.0]))


def test_clip_passes_the_gradient_at_its_bounds(device):
    values = [-2.0, -1.0, 0.0, 1.0, 2.0]
    g = grads_of(lambda x: mg.clip(x, -1.0, 1.0), values, device)
    np.testing.assert_array_equal(g, [0.0, 1.0, 1.0, 1.0, 0.0])
    np.testing.assert_array_equal(g, torch_grads_of(lambda x: torch.clamp(x, -1.0, 1.0), values))
    np.testing.assert_array_equal(grads_of(lambda x: mg.clip(x, min=0.0), values, device),
                                  [0, 0, 1, 1, 1])
    np.testing.assert_array_equal(grads_of(lambda x: mg.clip(x, max=0.0), values, device),
                                  [1, 1, 1, 0, 0])


@pytest.mark.parametrize("mgf, tf", [(mg.maximum, torch.maximum), (mg.minimum, torch.minimum)])
def test_maximum_minimum_ties_share_the_gradient(mgf, tf, device):
    a = mg.tensor([1.0, 2.0, 3.0], dtype=mg.float64, device=device, requires_grad=True)
    b = mg.tensor([1.0, 0.0, 5.0], dtype=mg.float64, device=device, requires_grad=True)
    mgf(a, b).sum().backward()
    ta = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    tb = torch.tensor([1.0, 0.0, 5.0], dtype=torch.float64, requires_grad=True)
    tf(ta, tb).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), ta.grad.numpy())
    np.testing.assert_array_equal(b.grad.numpy(), tb.grad.numpy())
    assert a.grad.numpy()[0] == 0.5 and b.grad.numpy()[0] == 0.5


def test_maximum_tie_with_broadcast_scalar(device):
    # x = 0 ties with the scalar: half of the gradient reaches x (as torch.maximum).
    g = grads_of(lambda x: mg.maximum(x, 0.0), [-1.0, 0.0, 2.0], device)
    np.testing.assert_array_equal(g, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(
        g, torch_grads_of(lambda x: torch.maximum(x, torch.zeros((), dtype=torch.float64)),
                          [-1.0, 0.0, 2.0]))


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("mgf, tf", [(mg.max, torch.amax), (mg.min, torch.amin)])
def test_max_min_ties_share_the_gradient_equally(mgf, tf, axis, device):
    values = np.array([[3.0, 1.0, 3.0], [3.0, -2.0, -2.0]])
    x = mg.tensor(values, device=device, requires_grad=True)
    out = mgf(x, axis)
    v = np.arange(1.0, out.size + 1).reshape(out.shape)
    out.backward(mg.tensor(v, device=device))
    tx = torch.tensor(values, requires_grad=True)
    tout = tf(tx, tdim(axis, 2))
    tout.backward(torch.tensor(v))
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), rtol=0, atol=0)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-15)
    # The shares of every reduced slice add up to the upstream gradient.
    np.testing.assert_allclose(x.grad.numpy().sum(), v.sum())


def test_max_ties_exact_shares(device):
    g = grads_of(mg.max, [2.0, 5.0, 5.0, 5.0, 1.0], device)
    np.testing.assert_allclose(g, [0.0, 1 / 3, 1 / 3, 1 / 3, 0.0], rtol=1e-15)
    g = grads_of(lambda x: mg.min(x, 0, True), [[1.0, 4.0], [1.0, 3.0]], device)
    np.testing.assert_allclose(g, [[0.5, 0.0], [0.5, 1.0]], rtol=1e-15)


def test_norm_at_zero_has_torch_gradient(device):
    for ord in (1, 2, 3, math.inf):
        g = grads_of(lambda x: mg.norm(x, ord), [0.0, 0.0, 0.0], device)
        tg = torch_grads_of(lambda x: torch.linalg.vector_norm(x, ord), [0.0, 0.0, 0.0])
        np.testing.assert_array_equal(g, tg, err_msg=f"ord={ord}")


def test_norm_with_a_zero_row(device):
    values = [[0.0, 0.0], [3.0, -4.0]]
    g = grads_of(lambda x: mg.norm(x, 2, axis=1), values, device)
    tg = torch_grads_of(lambda x: torch.linalg.vector_norm(x, 2, 1), values)
    np.testing.assert_allclose(g, tg, rtol=1e-15)


def test_pow_exponent_gradient_is_zero_where_the_base_is_zero(device):
    a = mg.tensor([0.0, 2.0], dtype=mg.float64, device=device)
    b = mg.tensor([2.0, 3.0], dtype=mg.float64, device=device, requires_grad=True)
    (a ** b).sum().backward()
    tb = torch.tensor([2.0, 3.0], dtype=torch.float64, requires_grad=True)
    (torch.tensor([0.0, 2.0], dtype=torch.float64) ** tb).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-15)
    assert b.grad.numpy()[0] == 0.0


def test_getitem_repeated_indices_accumulate(device):
    x = mg.tensor(np.arange(4.0), device=device, requires_grad=True)
    idx = mg.tensor([1, 1, 1, 3], device=device)
    x[idx].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 3.0, 0.0, 1.0])


def test_getitem_bool_mask_routes_gradient(device):
    x = mg.tensor(np.arange(6.0).reshape(2, 3), device=device, requires_grad=True)
    mask = x > 2.5
    (x[mask] * mg.tensor([1.0, 2.0, 3.0], dtype=mg.float64, device=device)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0, 0], [1, 2, 3]])


def test_index_tensor_on_another_device_raises(device):
    other = "cpu" if device == "cuda" else "cuda"
    x = mg.tensor([1.0, 2.0], device=device)
    with pytest.raises(RuntimeError, match=f"index.*{other}.*{device}"):
        x[mg.tensor([0], device=other)]


def test_log_softmax_primitive_equals_its_composite_form(device):
    """LogSoftmax is a primitive for speed; it must agree with x - logsumexp(x) to any order."""
    rng = np.random.default_rng(3)
    x = mg.tensor(rng.standard_normal((3, 5)) * 4, device=device, requires_grad=True)
    v = mg.tensor(rng.standard_normal((3, 5)), device=device)
    results = []
    for fn in (lambda t: t.log_softmax(axis=1), lambda t: t - mg.logsumexp(t, axis=1, keepdims=True)):
        y = fn(x)
        (g,) = mg.grad((y * v).sum(), x, create_graph=True)
        (h,) = mg.grad((g * v).sum(), x)
        results.append([y.numpy(), g.numpy(), h.numpy()])
    for primitive, composite in zip(*results):
        np.testing.assert_allclose(primitive, composite, rtol=1e-12, atol=1e-12)
