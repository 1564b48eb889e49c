"""The op table: each operation of minigrad, its PyTorch counterpart and its argument generator.

An entry is ``Op(name, gen, mg, th)``.  ``gen(b, x)`` receives the program builder and the id
of a float node ``x`` already in the program and returns ``(args, params)`` -- ``args`` a list
of node ids (``Ref``) and Python numbers, ``params`` a dict of plain values -- or None when the
op does not apply to ``x``.  ``mg(*args, **params)`` and ``th(*args, **params)`` compute it
with minigrad and with torch; the translation between the two APIs (NumPy's ``axis`` and
``keepdims`` against torch's ``dim`` and ``keepdim``, ``x.T`` reversing every axis, negative
slice steps, ``amax`` for a max whose ties share the gradient) lives here and only here.

Input regions excluded on purpose are commented where they are excluded.
"""
import math
import zlib
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as TF

import minigrad as mg
import minigrad.losses as ML

GRID = (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0)  # exact in float32 and float64: ties, zeros, ends
SCALARS = GRID + (0.3, -1.7, 3.0)


@dataclass(frozen=True)
class Ref:
    """A reference to node ``i`` of the program."""
    i: int

    def __repr__(self):
        return f"v{self.i}"


@dataclass
class Op:
    name: str
    gen: object
    mg: object
    th: object
    group: str = ""
    exact: object = None  # a torch formula more exact than ``th``, for arbitrating values
    first_order: bool = False  # a program with this op compares values and gradients only


# --- axis helpers -------------------------------------------------------------------------------
def dims(axis, ndim):
    """minigrad's ``axis`` (None, int or tuple) as torch's ``dim`` (a tuple of every axis for None)."""
    if axis is None:
        return tuple(range(ndim))
    return axis


def rand_axis(b, ndim, allow_none=True, allow_tuple=True):
    """None, an int (maybe negative) or a tuple of distinct axes (maybe negative, any order)."""
    r = b.rng
    choice = r.integers(0, 3)
    if ndim == 0 or (choice == 0 and allow_none):
        return None
    if choice == 1 or not allow_tuple or ndim == 1:
        a = int(r.integers(0, ndim))
        return a - ndim if r.random() < 0.5 else a
    k = int(r.integers(1, ndim + 1))
    axes = [int(a) for a in r.permutation(ndim)[:k]]
    return tuple(a - ndim if r.random() < 0.4 else a for a in axes)


def axis_list(axis, ndim):
    if axis is None:
        return list(range(ndim))
    return [a % ndim for a in (axis if isinstance(axis, tuple) else (axis,))]


# --- unary pointwise ----------------------------------------------------------------------------
def unary(domain=None):
    """A generator for a one-input op; ``domain(values)`` says where it is defined (else a fresh
    leaf from ``leaf_dist`` is taken instead of x)."""
    def gen(b, x):
        if domain is not None and not domain[0](b.value(x)):
            x = b.leaf(b.shape(x), domain[1])
        return [x], {}
    return gen


POSITIVE = (lambda v: v.size == 0 or np.min(v) > 0.05, "positive")
# zeros too: sqrt(relu(x)) sends an infinite gradient into relu's masked places (and clip's,
# maximum's), which must give 0 there, not ∞·0 = NaN
NONNEG = (lambda v: v.size == 0 or np.min(v) >= 0, "ties_nonneg")
NONNEG_SMALL = (lambda v: v.size == 0 or np.max(np.abs(v)) < 6, "normal")
ABOVE_M1 = (lambda v: v.size == 0 or np.min(v) > -0.9, "positive")
MODERATE = (lambda v: v.size == 0 or np.max(np.abs(v)) < 30, "normal")


def method(name):
    return lambda x: getattr(x, name)()


UNARY = [
    Op("neg", unary(), lambda x: -x if isinstance(x, mg.Tensor) else mg.neg(x), lambda x: -x),
    Op("exp", unary(NONNEG_SMALL), method("exp"), torch.exp),
    Op("log", unary(POSITIVE), method("log"), torch.log),
    Op("log1p", unary(ABOVE_M1), method("log1p"), torch.log1p),
    Op("sqrt", unary(POSITIVE), method("sqrt"), torch.sqrt),
    # sqrt at 0: an infinite gradient upstream of relu's, clip's, maximum's masked places.
    # First order only: the second derivative there is -∞·0 in places, NaN or ±∞ by the
    # order of operations in either library, and no finite difference can say which
    Op("sqrt_at_zero", unary(NONNEG), method("sqrt"), torch.sqrt, first_order=True),
    Op("abs", unary(), method("abs"), torch.abs),
    Op("tanh", unary(MODERATE), method("tanh"), torch.tanh),
    Op("sigmoid", unary(MODERATE), method("sigmoid"), torch.sigmoid),
    Op("relu", unary(), method("relu"), torch.relu),
    Op("softplus", unary(MODERATE), method("softplus"), TF.softplus),
    Op("log_sigmoid", unary(MODERATE), mg.log_sigmoid, TF.logsigmoid),
    Op("detach", unary(), method("detach"), lambda x: x.detach()),
]


# --- binary pointwise ---------------------------------------------------------------------------
def broadcast_partner_shape(b, shape):
    """A shape that broadcasts with ``shape``: a suffix, some sides set to 1, maybe extra
    leading axes."""
    r = b.rng
    k = int(r.integers(0, len(shape) + 1))
    out = [1 if r.random() < 0.3 else n for n in shape[len(shape) - k:]]
    if r.random() < 0.2 and len(shape) < 3:
        out = [int(r.integers(1, 3))] + out
    return tuple(out)


def operand(b, shape, dist="normal", domain=None):
    """A second operand for a node of ``shape``: a node of the program with a broadcastable
    shape (in ``domain``), a fresh leaf, or a Python number."""
    r = b.rng
    u = r.random()
    if u < 0.25:
        pool = [i for i in b.float_nodes() if _broadcasts(b.shape(i), shape)
                and (domain is None or domain(b.value(i)))]
        if pool:
            return Ref(int(r.choice(pool)))
    if u < 0.45:
        while True:
            c = float(r.choice(SCALARS))
            if domain is None or domain(np.array([c])):
                return c
    return b.leaf(broadcast_partner_shape(b, shape), dist)


def _broadcasts(s, t):
    try:
        np.broadcast_shapes(s, t)
        return True
    except ValueError:
        return False


def binary(mgf, thf, dist_b="ties", domain_b=None, domain_a=None, dist_a="positive",
           function=None):
    """A two-input op; Python numbers on either side; the function form mg.<function>(a, b)
    used for half the programs."""
    def gen(b, x):
        if domain_a is not None and not domain_a(b.value(x)):
            x = b.leaf(b.shape(x), dist_a)
        y = operand(b, b.shape(x), dist_b, domain_b)
        swap = b.rng.random() < 0.3 and domain_b is None and domain_a is None
        args = [y, x] if swap else [x, y]
        return args, {"functional": bool(function and b.rng.random() < 0.5)}

    def run_mg(a, c, functional=False):
        if functional:
            return getattr(mg, function)(a, c)
        if not isinstance(a, mg.Tensor):  # number op tensor: the reflected operator
            return mgf(mg.tensor(a, dtype=c.dtype), c) if function in ("maximum", "minimum") else mgf(a, c)
        return mgf(a, c)

    def run_th(a, c, functional=False):
        if not isinstance(a, torch.Tensor) and function in ("maximum", "minimum"):
            a = torch.tensor(a, dtype=c.dtype)
        if not isinstance(c, torch.Tensor) and function in ("maximum", "minimum"):
            c = torch.tensor(c, dtype=a.dtype)
        return thf(a, c)
    return gen, run_mg, run_th


def away_from_zero(v):
    return v.size == 0 or np.min(np.abs(v)) > 0.25


def _bin(name, mgf, thf, **kw):
    gen, run_mg, run_th = binary(mgf, thf, function=kw.pop("function", name), **kw)
    return Op(name, gen, run_mg, run_th, first_order=name == "pow_zero_base")


def _pos(v):
    return v.size == 0 or np.min(v) > 0.05


def _nonneg(v):
    return v.size == 0 or np.min(v) >= 0


BINARY = [
    _bin("add", lambda a, c: a + c, lambda a, c: a + c),
    _bin("sub", lambda a, c: a - c, lambda a, c: a - c),
    _bin("mul", lambda a, c: a * c, lambda a, c: a * c),
    _bin("div", lambda a, c: a / c, lambda a, c: a / c, dist_b="positive", domain_b=away_from_zero),
    _bin("maximum", lambda a, c: a.maximum(c), torch.maximum),
    _bin("minimum", lambda a, c: a.minimum(c), torch.minimum),
    # a ** b for tensors: base positive (a < 0 gives NaN in both; a = 0 is the pow-at-0 region,
    # probed by pow_zero_base); b from the grid, so b = 0 (the mixed second derivative's
    # "more exact" case) is frequent
    _bin("pow", lambda a, c: a ** c, lambda a, c: a ** c, domain_a=_pos, dist_b="ties",
         function="pow"),
    # pow at a = 0 (0 ** 0, 0 ** 0.5, 0 ** 2): the selected gradients.  b ≥ 0 only: at a = 0,
    # b < 0, a^b = ∞ and d/db = a^b·log a = -∞ (minigrad) where torch gives NaN.  First order
    # only: the second derivatives at a = 0 are infinite or undefined (minigrad selects 0, torch
    # gives NaN; a convention, and finite differences cannot cross a = 0)
    _bin("pow_zero_base", lambda a, c: a ** c, lambda a, c: a ** c, domain_a=_nonneg,
         dist_a="ties_nonneg", dist_b="ties_nonneg", domain_b=_nonneg, function="pow"),
]


def gen_pow_scalar(b, x):
    c = float(b.rng.choice([0.0, 1.0, 2.0, 3.0, -1.0, -2.0, 0.5, 1.5, -0.5]))
    if (c < 0 or c != int(c)) and not _pos(b.value(x)):
        # negative and fractional powers only of positive bases (0 ** -1 = inf; (-1) ** 0.5 NaN)
        x = b.leaf(b.shape(x), "positive")
    return [x], {"exponent": c, "functional": bool(b.rng.random() < 0.3)}


def gen_rpow(b, x):
    if not NONNEG_SMALL[0](b.value(x)):
        x = b.leaf(b.shape(x), "normal")
    return [x], {"base": float(b.rng.choice([2.0, 0.5, math.e, 3.0]))}


POW = [
    Op("pow_scalar", gen_pow_scalar,
       lambda x, exponent, functional: mg.pow(x, exponent) if functional else x ** exponent,
       lambda x, exponent, functional: x ** exponent),
    Op("rpow", gen_rpow, lambda x, base: base ** x, lambda x, base: base ** x),
]


# --- selections: clip, where, comparisons -------------------------------------------------------
def gen_clip(b, x):
    r = b.rng
    u = r.random()
    lo, hi = sorted(float(v) for v in r.choice(GRID, 2))
    if u < 0.3:
        return [x], {"lo": lo, "hi": None}
    if u < 0.5:
        return [x], {"lo": None, "hi": hi}
    if u < 0.85:
        return [x], {"lo": lo, "hi": hi}
    # tensor bounds (torch.clamp's), broadcast against x; lo > hi is left out (the two
    # libraries agree on the value there, min(max(x, lo), hi) = hi, but only by convention)
    lo_t = b.leaf(broadcast_partner_shape(b, b.shape(x)), "ties", grad=True)
    return [x, lo_t], {"lo": "tensor", "hi": None}


def clip_mg(x, lo_t=None, lo=None, hi=None):
    if lo == "tensor":
        return x.clip(min=lo_t)
    return x.clip(lo, hi)


def clip_th(x, lo_t=None, lo=None, hi=None):
    if lo == "tensor":
        return torch.clamp(x, min=lo_t)
    return torch.clamp(x, lo, hi)


COMPARISONS = {">": lambda a, c: a > c, ">=": lambda a, c: a >= c, "<": lambda a, c: a < c,
               "==": lambda a, c: a == c, "!=": lambda a, c: a != c}


def gen_where(b, x):
    r = b.rng
    shape = b.shape(x)
    # the condition: a comparison of a node with a grid number, or a constant mask
    if r.random() < 0.6:
        c = b.step("compare", [x], {"cmp": str(r.choice(list(COMPARISONS))),
                                    "c": float(r.choice(GRID))})
    else:
        c = b.leaf(broadcast_partner_shape(b, shape), "mask", grad=False)
    y = operand(b, shape, "normal")
    args = [c, x, y] if r.random() < 0.5 else [c, y, x]
    return args, {}


def where_mg(c, a, d):
    return mg.where(c, a, d)


def where_th(c, a, d):
    if not isinstance(a, torch.Tensor):
        a = torch.tensor(a, dtype=d.dtype)
    if not isinstance(d, torch.Tensor):
        d = torch.tensor(d, dtype=a.dtype)
    return torch.where(c, a, d)


SELECT = [
    Op("clip", gen_clip, clip_mg, clip_th),
    Op("where", gen_where, where_mg, where_th),
]

COMPARE = Op("compare", None, lambda x, cmp, c: COMPARISONS[cmp](x, c),
             lambda x, cmp, c: COMPARISONS[cmp](x, c))


# --- reductions ---------------------------------------------------------------------------------
def gen_reduce(nonempty=False, counted=False):
    def gen(b, x):
        shape = b.shape(x)
        axis = rand_axis(b, len(shape))
        reduced = [shape[a] for a in axis_list(axis, len(shape))]
        if nonempty and 0 in shape:
            return None  # max of nothing raises in both; not a numeric comparison
        params = {"axis": axis, "keepdims": bool(b.rng.random() < 0.5)}
        if counted:
            params["correction"] = int(b.rng.integers(0, 2))
            if math.prod(reduced) - params["correction"] <= 0:
                return None  # var of one value with correction 1 is 0/0
        return [x], params
    return gen


def gen_norm(b, x):
    got = gen_reduce()(b, x)
    if got is None:
        return None
    args, params = got
    params["ord"] = [1, 2, 3, 0.5, math.inf][int(b.rng.integers(0, 5))]
    if params["ord"] == math.inf and 0 in b.shape(x):
        return None
    return args, params


def th_reduce(fn):
    def run(x, axis, keepdims, **kw):
        return fn(x, dim=dims(axis, x.ndim), keepdim=keepdims, **kw)
    return run


def gen_softmax(b, x):
    if b.ndim(x) == 0:
        return None
    a = int(b.rng.integers(-b.ndim(x), b.ndim(x)))
    return [x], {"axis": a}


REDUCE = [
    Op("sum", gen_reduce(), lambda x, axis, keepdims: x.sum(axis, keepdims),
       lambda x, axis, keepdims: torch.sum(x, dim=dims(axis, x.ndim), keepdim=keepdims)),
    Op("mean", gen_reduce(nonempty=True), lambda x, axis, keepdims: mg.mean(x, axis=axis, keepdims=keepdims),
       th_reduce(torch.mean)),
    Op("var", gen_reduce(nonempty=True, counted=True),
       lambda x, axis, keepdims, correction: x.var(axis, keepdims, correction=correction),
       lambda x, axis, keepdims, correction: torch.var(x, dim=dims(axis, x.ndim), keepdim=keepdims,
                                                       correction=correction)),
    Op("max", gen_reduce(nonempty=True), lambda x, axis, keepdims: x.max(axis, keepdims),
       th_reduce(torch.amax)),  # amax: ties share the gradient, as minigrad's Max
    Op("min", gen_reduce(nonempty=True), lambda x, axis, keepdims: mg.min(x, axis, keepdims),
       th_reduce(torch.amin)),
    Op("logsumexp", gen_reduce(nonempty=True), lambda x, axis, keepdims: x.logsumexp(axis, keepdims),
       th_reduce(torch.logsumexp)),
    Op("norm", gen_norm, lambda x, axis, keepdims, ord: x.norm(ord, axis, keepdims),
       lambda x, axis, keepdims, ord: torch.linalg.vector_norm(x, ord, dims(axis, x.ndim), keepdims)),
    Op("softmax", gen_softmax, lambda x, axis: x.softmax(axis), lambda x, axis: torch.softmax(x, axis)),
    Op("log_softmax", gen_softmax, lambda x, axis: mg.log_softmax(x, axis),
       lambda x, axis: torch.log_softmax(x, axis)),
]


# --- shape ---------------------------------------------------------------------------------------
def gen_reshape(b, x):
    shape = b.shape(x)
    n = math.prod(shape)
    r = b.rng
    if n == 0:
        new = (0,) if r.random() < 0.5 else (0, 1)
    else:
        factors, m = [], n
        while m > 1 and len(factors) < 3:
            d = int(r.choice([d for d in range(1, m + 1) if m % d == 0]))
            factors.append(d)
            m //= d
        if m > 1:
            factors.append(m)
        new = list(factors) + [1] * int(r.integers(0, 2))
        r.shuffle(new)
        if r.random() < 0.2:
            new = list(shape)  # the same shape
        if new and r.random() < 0.4:
            new[int(r.integers(0, len(new)))] = -1
        new = tuple(int(v) for v in new)
    return [x], {"shape": new, "varargs": bool(r.random() < 0.5)}


def gen_permute(b, x):
    nd = b.ndim(x)
    perm = [int(a) for a in b.rng.permutation(nd)]
    return [x], {"axes": tuple(a - nd if b.rng.random() < 0.3 else a for a in perm)}


def gen_transpose(b, x):
    nd = b.ndim(x)
    if nd == 0:
        return [x], {"a0": 0, "a1": -1}
    a0, a1 = (int(v) for v in b.rng.integers(-nd, nd, 2))
    return [x], {"a0": a0, "a1": a1}


def gen_unsqueeze(b, x):
    nd = b.ndim(x)
    return [x], {"axis": int(b.rng.integers(-nd - 1, nd + 1))}


def gen_squeeze(b, x):
    shape = b.shape(x)
    ones = [i for i, n in enumerate(shape) if n == 1]
    r = b.rng
    if not ones or r.random() < 0.3:
        return [x], {"axis": None}
    pick = [i for i in ones if r.random() < 0.6] or ones[:1]
    if len(pick) == 1 and r.random() < 0.5:
        return [x], {"axis": pick[0] - len(shape) if r.random() < 0.5 else pick[0]}
    return [x], {"axis": tuple(pick)}


def gen_broadcast_to(b, x):
    r = b.rng
    shape = [int(r.integers(2, 4)) if n == 1 and r.random() < 0.6 else n for n in b.shape(x)]
    lead = [int(r.integers(1, 3)) for _ in range(int(r.integers(0, 2)))]
    return [x], {"shape": tuple(lead + shape)}


def gen_flatten(b, x):
    nd = b.ndim(x)
    return [x], {"start": int(b.rng.integers(0, nd)) if nd else 0}


SHAPE = [
    Op("reshape", gen_reshape, lambda x, shape, varargs: x.reshape(*shape) if varargs else mg.reshape(x, shape),
       lambda x, shape, varargs: x.reshape(shape)),
    Op("flatten", gen_flatten, lambda x, start: x.flatten(start), lambda x, start: torch.flatten(x, start)),
    Op("permute", gen_permute, lambda x, axes: x.permute(*axes), lambda x, axes: x.permute(axes)),
    Op("transpose", gen_transpose, lambda x, a0, a1: x.transpose(a0, a1), lambda x, a0, a1: x.transpose(a0, a1)),
    # NumPy's .T reverses every axis; torch's .T is deprecated beyond 2-D: permute reversed
    Op("T", unary(), lambda x: x.T, lambda x: x.permute(tuple(range(x.ndim - 1, -1, -1)))),
    Op("unsqueeze", gen_unsqueeze, lambda x, axis: x.unsqueeze(axis), lambda x, axis: x.unsqueeze(axis)),
    Op("squeeze", gen_squeeze, lambda x, axis: mg.squeeze(x, axis),
       lambda x, axis: x.squeeze() if axis is None else x.squeeze(axis)),
    Op("broadcast_to", gen_broadcast_to, lambda x, shape: x.broadcast_to(shape),
       lambda x, shape: x.broadcast_to(shape)),
]


# --- indexing ------------------------------------------------------------------------------------
def gen_index(b, x):
    """An index of NumPy's vocabulary: ints (negative too), slices (negative steps, out-of-range
    ends), None, Ellipsis, integer lists (repeated, negative, empty) and boolean masks."""
    r = b.rng
    shape = b.shape(x)
    parts, d = [], 0
    advanced = r.random() < 0.45
    n_adv = 0
    list_len = int(r.choice([0, 1, 2, 3, 4]))
    ellipsis_at = int(r.integers(0, len(shape) + 1)) if r.random() < 0.25 else -1
    while d < len(shape):
        if d == ellipsis_at:
            parts.append(Ellipsis)
            ellipsis_at = -1
            d = len(shape) - int(r.integers(0, len(shape) - d + 1))
            continue
        n = shape[d]
        u = r.random()
        if r.random() < 0.1:
            parts.append(None)
        if advanced and n_adv < 2 and u < 0.45 and n > 0:
            if n_adv == 0 and r.random() < 0.5:
                k = 2 if d + 1 < len(shape) and r.random() < 0.3 and n_adv == 0 else 1
                parts.append(("mask", r.random(shape[d:d + k]) < 0.5))
                d += k
                n_adv = 2  # a mask and a list broadcast only by luck: one mask alone
                continue
            parts.append(("list", [int(v) for v in r.integers(-n, n, list_len)]))
            n_adv += 1
        elif u < 0.7 or n == 0:
            step = [None, 1, 2, -1, -2, 3][int(r.integers(0, 6))]
            lo = None if r.random() < 0.4 else int(r.integers(-n - 1, n + 2))
            hi = None if r.random() < 0.4 else int(r.integers(-n - 1, n + 2))
            parts.append(slice(lo, hi, step))
        elif not advanced:
            # ints only without advanced parts: NumPy counts an int as an advanced index when a
            # list is present (x[0, :, [1, 2]] moves the broadcast axis first), torch does not
            parts.append(int(r.integers(-n, n)))
        else:
            parts.append(slice(None))
        d += 1
        if r.random() < 0.25:
            break  # a short index: the remaining axes are taken whole
    if r.random() < 0.1:
        parts.append(None)
    if len(parts) == 1 and r.random() < 0.5:
        return [x], {"index": parts[0]}
    return [x], {"index": tuple(parts)}


def _part_mg(p, form):
    if isinstance(p, tuple):
        kind, v = p
        if kind == "list" and v and form == 0:
            return list(v)
        arr = np.asarray(v, dtype=np.int64 if kind == "list" else bool)
        return mg.tensor(arr) if form == 1 else arr
    return p


def index_mg(x, index):
    # the spelling of lists and masks (list, NumPy array, minigrad tensor), fixed by the index
    # itself (crc32, not hash(): str hashes change from one process to the next)
    form = zlib.crc32(repr(index).encode()) % 3
    if isinstance(index, tuple) and not (len(index) == 2 and isinstance(index[0], str)):
        return x[tuple(_part_mg(p, form) for p in index)]
    return x[_part_mg(index, form)]


def _consumed(p):
    if isinstance(p, tuple):
        return p[1].ndim if p[0] == "mask" else 1
    return 0 if p is None or p is Ellipsis else 1


def index_th(x, index):
    """The same index for torch: negative steps become a flip and a positive step."""
    parts = list(index) if isinstance(index, tuple) and not (
        len(index) == 2 and isinstance(index[0], str)) else [index]
    if Ellipsis in parts:
        at = parts.index(Ellipsis)
        fill = x.ndim - sum(_consumed(p) for p in parts)
        parts[at:at + 1] = [slice(None)] * fill
    out, flips, d = [], [], 0
    for p in parts:
        if isinstance(p, slice) and p.step is not None and p.step < 0:
            n = x.shape[d]
            idx = range(*p.indices(n))
            flips.append(d)
            p = slice(0, 0) if len(idx) == 0 else slice(n - 1 - idx[0], n - 1 - idx[-1] + 1, -p.step)
        elif isinstance(p, tuple):
            kind, v = p
            p = torch.tensor(np.asarray(v, dtype=np.int64)) if kind == "list" else torch.from_numpy(v)
        out.append(p)
        d += _consumed(index_part_kind(p))
    if flips:
        x = torch.flip(x, flips)
    return x[tuple(out)]


def index_part_kind(p):
    if isinstance(p, torch.Tensor):
        return ("mask", p.numpy()) if p.dtype == torch.bool else ("list", [])
    return p


INDEX = [Op("getitem", gen_index, index_mg, index_th)]


# --- outside the graph: argmax, argmin, one_hot, bool logic; Cast ---------------------------------
def gen_arg(b, x):
    if 0 in b.shape(x):
        return None
    nd = b.ndim(x)
    axis = None if nd == 0 or b.rng.random() < 0.3 else int(b.rng.integers(-nd, nd))
    return [x], {"axis": axis, "keepdims": bool(b.rng.random() < 0.5)}


def gen_one_hot(b, x):
    c = int(b.rng.integers(1, 4))
    labels = b.const(b.rng.integers(0, c, b.shape(x)).astype(np.int64))
    # num_classes=-1 of no labels: torch refuses, minigrad gives 0 classes
    infer = b.rng.random() < 0.5 and 0 not in b.shape(x)
    return [labels], {"num_classes": -1 if infer else c}


def gen_logic(b, x):
    r = b.rng
    m1 = b.step("compare", [x], {"cmp": ">", "c": float(r.choice(GRID))})
    m2 = b.step("compare", [x], {"cmp": "<", "c": float(r.choice(GRID))})
    return [m1, m2], {"how": str(r.choice(["and", "or", "not"]))}


LOGIC = {"and": lambda a, c: a & c, "or": lambda a, c: a | c, "not": lambda a, c: ~a}

OTHER = [
    Op("argmax", gen_arg, lambda x, axis, keepdims: x.argmax(axis, keepdims),
       lambda x, axis, keepdims: torch.argmax(x, axis, keepdims)),  # ties: the first in both
    Op("argmin", gen_arg, lambda x, axis, keepdims: x.argmin(axis, keepdims),
       lambda x, axis, keepdims: torch.argmin(x, axis, keepdims)),
    Op("one_hot", gen_one_hot, lambda t, num_classes: mg.one_hot(t, num_classes),
       lambda t, num_classes: TF.one_hot(t, num_classes)),
    Op("logic", gen_logic, lambda a, c, how: LOGIC[how](a, c), lambda a, c, how: LOGIC[how](a, c)),
    # Cast up only: in a float64 program .double() is the identity, in a float32 one it
    # widens (a cast down would put float32 rounding into a float64 comparison)
    Op("double", unary(), lambda x: x.double(), lambda x: x.double()),
]


# --- several inputs: matmul, linear, concatenate, stack ----------------------------------------
def gen_matmul(b, x):
    r = b.rng
    shape = b.shape(x)
    if not shape:
        return None
    m = int(r.integers(1, 4))
    if r.random() < 0.5:  # x @ y
        k = shape[-1]
        other = [(k,), (k, m), (int(r.integers(1, 3)), k, m)][int(r.integers(0, 3))]
        return [x, b.leaf(other, "normal")], {"functional": bool(r.random() < 0.3)}
    k = shape[-2] if len(shape) >= 2 else shape[0]
    other = [(k,), (m, k), (int(r.integers(1, 3)), m, k)][int(r.integers(0, 3))]
    return [b.leaf(other, "normal"), x], {"functional": bool(r.random() < 0.3)}


def gen_linear(b, x):
    shape = b.shape(x)
    if not shape:
        return None
    out = int(b.rng.integers(1, 4))
    w = b.leaf((out, shape[-1]), "normal")
    if b.rng.random() < 0.5:
        return [x, w], {}
    return [x, w, b.leaf((out,), "normal")], {}


def gen_concat(b, x):
    r = b.rng
    shape = b.shape(x)
    if not shape:
        return None
    a = int(r.integers(-len(shape), len(shape)))
    others = []
    for _ in range(int(r.integers(1, 3))):
        if r.random() < 0.3:
            others.append(x)  # the same tensor twice: its gradient accumulates
        else:
            s = list(shape)
            s[a] = int(r.integers(0, 3))
            others.append(b.leaf(tuple(s), "normal"))
    return [x] + others, {"axis": a}


def gen_stack(b, x):
    r = b.rng
    shape = b.shape(x)
    a = int(r.integers(-len(shape) - 1, len(shape) + 1))
    others = [x if r.random() < 0.3 else b.leaf(shape, "normal") for _ in range(int(r.integers(1, 3)))]
    return [x] + others, {"axis": a}


MULTI = [
    Op("matmul", gen_matmul, lambda a, c, functional: mg.matmul(a, c) if functional else a @ c,
       lambda a, c, functional: a @ c),
    Op("linear", gen_linear, lambda *a: mg.linear(*a), lambda *a: TF.linear(*a)),
    Op("concatenate", gen_concat, lambda *ts, axis: mg.concatenate(list(ts), axis),
       lambda *ts, axis: torch.cat(ts, axis)),
    Op("stack", gen_stack, lambda *ts, axis: mg.stack(list(ts), axis), lambda *ts, axis: torch.stack(ts, axis)),
]


# --- losses -------------------------------------------------------------------------------------
def reduction(b):
    return str(b.rng.choice(["none", "mean", "sum"]))


def gen_target_loss(dist_x=None, dist_t="normal", domain=None, extra=None):
    def gen(b, x):
        if 0 in b.shape(x):
            return None  # the mean of nothing is NaN in both; no numeric content
        if domain is not None and not domain(b.value(x)):
            x = b.leaf(b.shape(x), dist_x)
        t = b.leaf(b.shape(x), dist_t, grad=b.rng.random() < 0.3 and dist_t == "normal")
        params = {"reduction": reduction(b)}
        if extra:
            params.update(extra(b))
        return [x, t], params
    return gen


def _prob_interior(v):
    return v.size == 0 or (np.min(v) > 0.02 and np.max(v) < 0.98)


def gen_bce(b, x):
    if 0 in b.shape(x):
        return None
    if not _prob_interior(b.value(x)) or b.rng.random() < 0.3:
        x = b.leaf(b.shape(x), "prob_edges" if b.rng.random() < 0.4 else "prob")
    p = b.value(x)
    t = b.rng.random(b.shape(x))
    # at p = 0 or 1 the target equals p: there the true gradient (±1) is finite and
    # finite differences can arbitrate; with y ≠ p the clamped log makes it 0 or ∞
    # depending on the scale at which one looks
    edge = (p == 0) | (p == 1)
    t = np.where(edge, p, t)
    return [x, b.const(t)], {"reduction": reduction(b)}


def gen_logistic(b, x):
    if 0 in b.shape(x):
        return None
    if b.rng.random() < 0.25:
        x = b.leaf(b.shape(x), "extreme")  # |y·x| = 1e4: softplus without overflow
    y = b.const(np.where(b.rng.random(b.shape(x)) < 0.5, -1.0, 1.0))
    return [x, y], {"reduction": reduction(b)}


def gen_kl(b, x):
    if 0 in b.shape(x):
        return None
    r = b.rng
    params = {"reduction": str(r.choice(["none", "mean", "sum", "batchmean"]))}
    if r.random() < 0.25:
        params["log_target"] = True
        return [x, b.leaf(b.shape(x), "normal")], params
    if r.random() < 0.5:
        # zeros in the target (0·log 0 = 0); the target is then a constant: d/dt of t·log t
        # at t = 0 is -∞, where torch gives NaN and minigrad -input (it takes log 0 as 0),
        # and no finite difference can tell which is "right"
        return [x, b.leaf(b.shape(x), "prob_zeros", grad=False)], params
    return [x, b.leaf(b.shape(x), "prob")], params


def gen_class_loss(log_input=False):
    def gen(b, x):
        shape = b.shape(x)
        r = b.rng
        if len(shape) not in (1, 2, 3) or 0 in shape:
            return None
        if log_input and r.random() < 0.5:
            x = b.step("log_softmax", [x], {"axis": 0 if len(shape) == 1 else 1})
        c = shape[0] if len(shape) == 1 else shape[1]
        tshape = () if len(shape) == 1 else (shape[0],) + shape[2:]
        labels = r.integers(0, c, tshape)
        if r.random() < 0.3 and labels.size:
            labels = np.where(r.random(tshape) < 0.3, -100, labels)  # ignored targets
        params = {"reduction": reduction(b)}
        if not log_input and r.random() < 0.3:
            params["label_smoothing"] = float(r.choice([0.1, 0.5]))
        args = [x, b.const(labels.astype(np.int64))]
        if r.random() < 0.3:
            args.append(b.leaf((c,), "positive", grad=False))
        return args, params
    return gen


def _loss(mgf, thf, **fixed):
    def run_mg(*args, **kw):
        args = [args[0]] + [a.astype(args[0].dtype) if a.dtype.kind == "f" and a.dtype != args[0].dtype
                            else a for a in args[1:]]
        return mgf(*args, **fixed, **kw)

    def run_th(*args, **kw):
        args = [args[0]] + [a.to(args[0].dtype) if a.is_floating_point() and a.dtype != args[0].dtype
                            else a for a in args[1:]]
        return thf(*args, **fixed, **kw)
    return run_mg, run_th


def _class_mg(fn):
    def run(x, t, w=None, **kw):
        return fn(x, t, weight=None if w is None else w.astype(x.dtype), **kw)
    return run


def _class_th(fn):
    def run(x, t, w=None, **kw):
        return fn(x, t, weight=None if w is None else w.to(x.dtype), **kw)
    return run


LN2 = math.log(2.0)


def _reduce(t, reduction):
    return t if reduction == "none" else t.sum() if reduction == "sum" else t.mean()
LOSSES = [
    Op("mse_loss", gen_target_loss(), *_loss(ML.mse_loss, TF.mse_loss)),
    Op("l1_loss", gen_target_loss(), *_loss(ML.l1_loss, TF.l1_loss)),
    Op("huber_loss", gen_target_loss(extra=lambda b: {"delta": float(b.rng.choice([0.5, 1.0, 2.0]))}),
       *_loss(ML.huber_loss, TF.huber_loss)),
    Op("smooth_l1_loss", gen_target_loss(extra=lambda b: {"beta": float(b.rng.choice([0.0, 0.5, 1.0]))}),
       *_loss(ML.smooth_l1_loss, TF.smooth_l1_loss)),
    Op("binary_cross_entropy", gen_bce, *_loss(ML.binary_cross_entropy, TF.binary_cross_entropy)),
    Op("bce_with_logits", gen_target_loss(domain=MODERATE[0], dist_x="normal", dist_t="prob"),
       *_loss(ML.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits)),
    # torch's soft_margin_loss is log(1 + exp(-y·x)): inf at y·x = -1e4, and a NaN gradient;
    # its exact form softplus(-y·x) arbitrates
    Op("logistic_loss", gen_logistic, *_loss(ML.logistic_loss,
                                             lambda x, y, reduction: TF.soft_margin_loss(x, y, reduction=reduction) / LN2),
       exact=_loss(None, lambda x, y, reduction: _reduce(TF.softplus(-y * x) / LN2, reduction))[1]),
    Op("kl_div", gen_kl, *_loss(ML.kl_div, TF.kl_div)),
    Op("cross_entropy", gen_class_loss(), _class_mg(ML.cross_entropy), _class_th(TF.cross_entropy)),
    Op("nll_loss", gen_class_loss(log_input=True), _class_mg(ML.nll_loss), _class_th(TF.nll_loss)),
]

def gen_triplet(b, x):
    shape = b.shape(x)
    if len(shape) not in (1, 2) or 0 in shape:
        return None
    r = b.rng
    params = {"reduction": reduction(b), "margin": float(r.choice([0.5, 1.0, 2.0])),
              "p": [1, 2, 3][int(r.integers(0, 3))], "swap": bool(r.random() < 0.3)}
    return [x, b.leaf(shape, "normal"), b.leaf(shape, "normal")], params


LOSSES.append(Op(
    "triplet_margin_loss", gen_triplet,
    lambda a, pos, neg, p, **kw: ML.triplet_margin_loss(a, pos.astype(a.dtype), neg.astype(a.dtype),
                                                        p_norm=p, **kw),
    lambda a, pos, neg, **kw: TF.triplet_margin_loss(a, pos.to(a.dtype), neg.to(a.dtype), **kw)))

TABLE = {op.name: op for group, ops in [("unary", UNARY), ("binary", BINARY), ("pow", POW),
                                         ("select", SELECT), ("reduce", REDUCE), ("shape", SHAPE),
                                         ("index", INDEX), ("multi", MULTI), ("loss", LOSSES),
                                         ("other", OTHER)]
         for op in ops if not setattr(op, "group", group)}
ALL = dict(TABLE, compare=COMPARE)
