"""Random programs, run in minigrad and in torch, compared, arbitrated and shrunk.

A program is a list of nodes: leaves (a float64 array; floats may require grad; int64 labels
and bool masks never do) and steps (an op of optable.ALL applied to earlier nodes and Python
numbers).  ``run(program, lib, dtype)`` builds it in ``lib`` ('mg' or 'torch') with float
leaves in ``dtype``, reduces every float node that no step consumes to one scalar
L = Σ (v · W_v).sum() with fixed random weightings W, and returns every node's value, the
gradient of L with respect to the float leaves that require grad, and the Hessian-vector
product ∇(∇L · V) (create_graph=True) for a fixed random V.

``check(program, dtype)`` compares the two libraries.  A float64 gradient or Hessian-vector
mismatch is arbitrated with float64 central differences of minigrad's own program (one-sided
where the central one leaves the domain): minigrad agreeing with them and torch not is
counted as "minigrad more exact", not as a failure.  A float32 mismatch is arbitrated by the
float64 run: minigrad's float32 within the float32 tolerance of the float64 truth and torch's
not is "more exact" too.
"""
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import torch

import minigrad as mg

from .optable import ALL, GRID, TABLE, Ref

TOLERANCE = {"float64": (1e-8, 1e-10), "float32": (2e-4, 2e-5)}  # (rtol, atol · scale)
FD_TOLERANCE = (1e-4, 1e-6)
FLOAT32_CANCELLATION = 1e-3  # an absolute error (· scale) that float32 cancellation explains
# indexing has the most cases; the selections (ties) next
WEIGHTS = {"getitem": 4.0, "max": 2.0, "min": 2.0, "maximum": 2.0, "minimum": 2.0, "clip": 2.0,
           "relu": 2.0, "where": 2.0}


@dataclass
class Node:
    kind: str                    # 'leaf' or 'step'
    op: str = ""
    args: tuple = ()
    params: dict = field(default_factory=dict)
    array: object = None         # a leaf's values (float64, int64 or bool)
    grad: bool = False


@dataclass
class Program:
    seed: int
    nodes: list
    weights: dict                # sink id -> W
    vectors: dict                # grad leaf id -> V

    def grad_leaves(self):
        return [i for i, n in enumerate(self.nodes) if n.kind == "leaf" and n.grad]

    def text(self):
        lines = [f"# minigrad fuzz program, seed {self.seed}"]
        for i, n in enumerate(self.nodes):
            if n.kind == "leaf":
                a = n.array
                vals = np.array2string(a, separator=", ", precision=17, threshold=10 ** 6)
                vals = " ".join(vals.split())
                flag = ", requires_grad" if n.grad else ""
                lines.append(f"v{i} = leaf({a.dtype}{flag}, shape={a.shape}): {vals}")
            elif n.op == "getitem":
                index = n.params["index"]
                plain = isinstance(index, tuple) and not (index and isinstance(index[0], str))
                parts = index if plain else (index,)
                text = ", ".join(_fmt(p) for p in parts) + ("," if plain and len(parts) == 1 else "")
                lines.append(f"v{i} = {n.args[0]!r}[{text or '()'}]")
            else:
                args = ", ".join(repr(a) for a in n.args)
                params = "".join(f", {k}={_fmt(v)}" for k, v in n.params.items())
                lines.append(f"v{i} = {n.op}({args}{params})")
        sinks = " + ".join(f"(v{i} * W{i}).sum()" for i in self.weights)
        lines.append(f"L = {sinks or '0'}   # gradient: dL/dv for each leaf v; HVP: d(Σ dL/dv · Vv)/dv")
        for name, arrays in (("W", self.weights), ("V", self.vectors)):
            for i, a in arrays.items():
                lines.append(f"{name}{i} = {' '.join(np.array2string(a, separator=', ', precision=6).split())}")
        return "\n".join(lines)


def _fmt(v):
    if isinstance(v, np.ndarray):
        return f"array({v.tolist()})"
    if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str):
        return _fmt(np.asarray(v[1], dtype=np.int64)) if v[0] == "list" and not v[1] else repr(v[1]) \
            if v[0] == "list" else _fmt(v[1])
    if isinstance(v, tuple):
        return "(" + ", ".join(_fmt(p) for p in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, slice):
        return ":".join("" if e is None else str(e) for e in (v.start, v.stop, v.step)).rstrip(":") or ":"
    if v is Ellipsis:
        return "..."
    return repr(v)


# --- building ------------------------------------------------------------------------------------
def draw(rng, shape, dist):
    if dist == "normal":
        return rng.standard_normal(shape)
    if dist == "ties":
        return rng.choice(GRID, shape)
    if dist == "ties_nonneg":
        return rng.choice([0.0, 0.0, 0.5, 1.0, 2.0], shape)
    if dist == "positive":
        return rng.uniform(0.5, 2.0, shape)
    if dist == "prob":
        return rng.uniform(0.05, 0.95, shape)
    if dist == "prob_edges":
        return rng.choice([0.0, 0.25, 0.5, 1.0], shape)
    if dist == "prob_zeros":
        return np.where(rng.random(shape) < 0.4, 0.0, rng.uniform(0.05, 0.95, shape))
    if dist == "extreme":
        return rng.choice([-1e4, 1e4, -30.0, 0.5], shape)
    if dist == "mask":
        return rng.random(shape) < 0.5
    raise ValueError(dist)


def _id(i):
    return i.i if isinstance(i, Ref) else i


class StepRefused(Exception):
    """minigrad raised while the program was generated: the program ends with that step."""


class Builder:
    """Builds a program, keeping every node's minigrad float64 value to choose later steps."""

    def __init__(self, seed):
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.nodes, self.values = [], []

    def shape(self, i):
        return self.values[_id(i)].shape

    def ndim(self, i):
        return self.values[_id(i)].ndim

    def value(self, i):
        return self.values[_id(i)]

    def float_nodes(self):
        return [i for i, v in enumerate(self.values) if v.dtype.kind == "f"]

    def leaf(self, shape, dist, grad=True):
        array = draw(self.rng, shape, dist)
        array = np.asarray(array)
        self.nodes.append(Node("leaf", array=array, grad=grad and array.dtype.kind == "f"))
        self.values.append(array)
        return Ref(len(self.nodes) - 1)

    def const(self, array):
        return self.leaf_array(np.asarray(array), grad=False)

    def leaf_array(self, array, grad):
        self.nodes.append(Node("leaf", array=array, grad=grad))
        self.values.append(array)
        return Ref(len(self.nodes) - 1)

    def step(self, op, args, params):
        node = Node("step", op=op, args=tuple(args), params=params)
        inputs = [mg.tensor(self.values[a.i]) if isinstance(a, Ref) else a for a in args]
        self.nodes.append(node)
        try:
            with mg.no_grad(), np.errstate(all="ignore"):
                out = ALL[op].mg(*inputs, **params)
        except Exception as err:  # noqa: BLE001 -- compare() runs both libraries on it
            raise StepRefused(err) from err
        self.values.append(out.numpy())
        return Ref(len(self.nodes) - 1)


def generate(seed, ops=None, length=None):
    """The program of ``seed``: 1 to 6 steps over ops drawn from ``ops`` (default: the table)."""
    b = Builder(seed)
    r = b.rng
    names = sorted(ops or TABLE)
    weights = np.array([WEIGHTS.get(n, 1.0) for n in names])
    weights /= weights.sum()
    for _ in range(int(r.integers(1, 3))):
        nd = int(r.choice([0, 1, 1, 2, 2, 3]))
        shape = tuple(int(r.choice([1, 2, 3, 3, 0] if r.random() < 0.05 else [1, 2, 3, 3])) for _ in range(nd))
        b.leaf(shape, str(r.choice(["normal", "ties", "ties", "positive"])))
    for _ in range(length or int(r.integers(1, 7))):
        for _attempt in range(20):
            name = str(r.choice(names, p=weights))
            floats = b.float_nodes()
            recent = floats[-3:]
            x = Ref(int(r.choice(recent if r.random() < 0.7 else floats)))
            try:
                got = TABLE[name].gen(b, x)
                if got is None:
                    continue
                b.step(name, *got)
                break
            except StepRefused:
                # minigrad refuses the step: the program ends there, and compare() says
                # whether torch refuses it too (else it is a finding)
                return finish(b.nodes, seed)
    return finish(b.nodes, seed)


def finish(nodes, seed):
    """The program of ``nodes`` with its weightings: every float node no step consumes is a sink."""
    rng = np.random.default_rng([seed, 7])
    used = {a.i for n in nodes if n.kind == "step" for a in n.args if isinstance(a, Ref)}
    weights, vectors = {}, {}
    for i, n in enumerate(nodes):
        if n.kind == "leaf" and n.grad:
            vectors[i] = rng.standard_normal(n.array.shape)
    shapes = _shapes(nodes)
    for i, n in enumerate(nodes):
        if i not in used and shapes[i] is not None:
            weights[i] = rng.standard_normal(shapes[i])
    return Program(seed, nodes, weights, vectors)


def _shapes(nodes):
    """The minigrad float64 shape of each float node (None for int and bool nodes)."""
    values = []
    with mg.no_grad(), np.errstate(all="ignore"):
        for n in nodes:
            if n.kind == "leaf":
                values.append(mg.tensor(n.array))
                continue
            args = [values[a.i] if isinstance(a, Ref) else a for a in n.args]
            try:
                values.append(ALL[n.op].mg(*args, **n.params))
            except Exception:  # noqa: BLE001 -- the refused last step
                values.append(None)
    return [v.shape if v is not None and v.dtype.kind == "f" else None for v in values]


def subprogram(program, k):
    """The nodes that node k depends on, k the only sink."""
    keep, todo = set(), [k]
    while todo:
        i = todo.pop()
        if i in keep:
            continue
        keep.add(i)
        n = program.nodes[i]
        todo.extend(a.i for a in n.args if isinstance(a, Ref))
    order = sorted(keep)
    new = {old: j for j, old in enumerate(order)}
    nodes = []
    for old in order:
        n = program.nodes[old]
        args = tuple(Ref(new[a.i]) if isinstance(a, Ref) else a for a in n.args)
        nodes.append(Node(n.kind, n.op, args, n.params, n.array, n.grad))
    return finish(nodes, program.seed)


# --- running -------------------------------------------------------------------------------------
@dataclass
class Result:
    values: list
    grads: list
    hvps: list


def _leaf(lib, array, dtype, grad):
    if lib == "mg":
        if array.dtype.kind == "f":
            return mg.tensor(array.astype(dtype), requires_grad=grad)
        return mg.tensor(array)
    if array.dtype.kind == "f":
        return torch.tensor(array.astype(dtype), requires_grad=grad)
    return torch.from_numpy(array.copy())


def _np(t):
    if isinstance(t, mg.Tensor):
        return t.numpy()
    if t._is_zerotensor():  # torch's symbolic zero (a gradient of a gradient that is constant)
        return np.zeros(t.shape, torch.empty((), dtype=t.dtype).numpy().dtype)
    return t.detach().numpy()


def forward(program, lib, dtype, arrays=None):
    """Every node's tensor in ``lib``; ``arrays`` replaces the grad leaves' values."""
    values = []
    for i, n in enumerate(program.nodes):
        if n.kind == "leaf":
            a = arrays[i] if arrays is not None and i in arrays else n.array
            values.append(_leaf(lib, a, dtype, n.grad))
        else:
            op = ALL[n.op]
            args = [values[a.i] if isinstance(a, Ref) else a for a in n.args]
            fn = op.mg if lib == "mg" else (op.exact or op.th) if lib == "exact" else op.th
            values.append(fn(*args, **n.params))
    return values


def scalar(program, lib, values, dtype):
    total = None
    for i, w in program.weights.items():
        w = _leaf(lib, w, dtype, False)
        term = (values[i] * w).sum()
        total = term if total is None else total + term
    return total


def run(program, lib, dtype, second=True):
    """Values, gradients and HVPs of ``program`` in ``lib``: 'mg', 'torch', or 'exact' (torch
    with each op's more exact formula where the table gives one)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's kl_div 'mean' notice
        return _run(program, lib, dtype, second)


def _run(program, lib, dtype, second=True):
    values = forward(program, lib, dtype)
    leaves = [values[i] for i in program.grad_leaves()]
    L = scalar(program, lib, values, dtype)
    zeros = [np.zeros(t.shape, dtype) for t in leaves]
    if L is None or not leaves or not L.requires_grad:
        return Result([_np(v) for v in values], zeros, zeros)
    if lib == "mg":  # (torch and its 'exact' variant below)
        grads = mg.grad(L, leaves, create_graph=second, allow_unused=True)
    else:
        grads = torch.autograd.grad(L, leaves, create_graph=second, allow_unused=True)
    g_np = [z if g is None else _np(g) for g, z in zip(grads, zeros)]
    hvps = zeros
    if second:
        s = None
        for g, i in zip(grads, program.grad_leaves()):
            if g is not None and g.requires_grad:
                term = (g * _leaf(lib, program.vectors[i], dtype, False)).sum()
                s = term if s is None else s + term
        if s is not None and s.requires_grad:
            if lib == "mg":
                h = mg.grad(s, leaves, allow_unused=True)
            else:
                h = torch.autograd.grad(s, leaves, allow_unused=True)
            hvps = [z if v is None else _np(v) for v, z in zip(h, zeros)]
    return Result([_np(v) for v in values], g_np, hvps)


# --- comparing -----------------------------------------------------------------------------------
def close(a, b, rtol, atol):
    """a and b have one shape, NaN at the same places, the same infinities, and the finite
    values within atol·scale + rtol·|b| (scale: 1 or b's largest finite magnitude)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        return False
    inf = np.isinf(a) | np.isinf(b)
    if not np.array_equal(a[inf], b[inf]):
        return False
    fin = ~(np.isnan(a) | inf)
    if not fin.any():
        return True
    scale = max(1.0, float(np.max(np.abs(b[fin]))))
    return bool(np.all(np.abs(a[fin] - b[fin]) <= atol * scale + rtol * np.abs(b[fin])))


@dataclass
class Mismatch:
    stage: str                    # 'error', 'value', 'grad' or 'hvp'
    where: int                    # node id (value) or leaf id (grad, hvp)
    mg: object
    torch: object
    fd: object = None
    verdict: str = "mismatch"     # 'mismatch', 'more exact' or a known defect's name

    def text(self):
        lines = [f"{self.stage} of v{self.where}: {self.verdict}",
                 f"  minigrad: {_short(self.mg)}", f"  torch:    {_short(self.torch)}"]
        if self.fd is not None:
            lines.append(f"  reference (finite differences, exact formula or float64): {_short(self.fd)}")
        return "\n".join(lines)


def _short(v):
    if isinstance(v, np.ndarray):
        return " ".join(np.array2string(v, precision=10, threshold=60).split())
    return str(v)


def compare(program, dtype):
    """The first mismatch between minigrad and torch (None if they agree)."""
    rtol, atol = TOLERANCE[dtype]
    outcomes = []
    for lib in ("mg", "torch"):
        try:
            outcomes.append(run(program, lib, dtype))
        except Exception as err:  # noqa: BLE001 -- a raise on one side only is a finding
            outcomes.append(f"{type(err).__name__}: {err}")
    a, t = outcomes
    if isinstance(a, str) or isinstance(t, str):
        if isinstance(a, str) and isinstance(t, str):
            return None  # both refuse the program
        found = Mismatch("error", len(program.nodes) - 1, a if isinstance(a, str) else "ran",
                         t if isinstance(t, str) else "ran")
        if not isinstance(a, str):
            # minigrad accepts what torch refuses (mixed dtypes in linear, for one): counted,
            # not failed -- minigrad is not wrong to be more permissive
            found.verdict = "only torch refuses"
        return found
    for i, (va, vt) in enumerate(zip(a.values, t.values)):
        if va.dtype.kind == "b" or vt.dtype.kind == "b":
            ok = va.shape == vt.shape and np.array_equal(va, vt)
        else:
            ok = close(va, vt, rtol, atol)
        if not ok:
            return Mismatch("value", i, va, vt)
    first_order = any(n.kind == "step" and ALL[n.op].first_order for n in program.nodes)
    for stage in ("grad",) if first_order else ("grad", "hvp"):
        for i, ga, gt in zip(program.grad_leaves(), getattr(a, stage + "s"), getattr(t, stage + "s")):
            if not close(ga, gt, rtol, atol):
                return Mismatch(stage, i, ga, gt)
    return None


def finite_differences(program, stage, leaf, h=1e-6):
    """Differences in float64 of minigrad's L (grad) or of its gradient along V (hvp), per
    element of ``leaf``: central, forward and backward (stacked on a first axis of 3; NaN where
    a point leaves the domain -- raises or gives a non-finite value).  At a kink (a clip end,
    a relu at 0) the central one straddles it and only a one-sided one means anything."""
    base = {i: program.nodes[i].array for i in program.grad_leaves()}
    V = program.vectors

    def f(shifted):
        if stage == "grad":
            with mg.no_grad():
                return float(scalar(program, "mg", forward(program, "mg", "float64", shifted), "float64").item())
        vals = forward(program, "mg", "float64", shifted)
        leaves = [vals[i] for i in program.grad_leaves()]
        L = scalar(program, "mg", vals, "float64")
        gs = mg.grad(L, leaves, allow_unused=True)
        return sum(float((g * mg.tensor(V[i])).sum().item()) for g, i in zip(gs, program.grad_leaves())
                   if g is not None)

    out = np.full((3,) + base[leaf].shape, math.nan)  # central, forward, backward
    for idx in np.ndindex(base[leaf].shape):
        vals = []
        for sign in (1, -1, 0):
            shifted = dict(base)
            a = base[leaf].copy()
            a[idx] += sign * h
            shifted[leaf] = a
            try:
                with np.errstate(all="ignore"):
                    vals.append(f(shifted))
            except Exception:  # noqa: BLE001 -- outside the domain
                vals.append(math.nan)
        up, down, mid = vals
        if math.isfinite(up) and math.isfinite(down):
            out[(0,) + idx] = (up - down) / (2 * h)
        if math.isfinite(up) and math.isfinite(mid):
            out[(1,) + idx] = (up - mid) / h
        if math.isfinite(down) and math.isfinite(mid):
            out[(2,) + idx] = (mid - down) / h
    return out


def arbitrate(program, mismatch, dtype):
    """'more exact' when minigrad agrees with the reference and torch does not.

    float64: values against torch's more exact formulas (the table's ``exact``), gradients and
    HVPs against finite differences.  float32: against the float64 result of the program --
    torch's where the two libraries agree in float64, minigrad's where the float64 mismatch was
    itself arbitrated "more exact"."""
    if mismatch.stage not in ("grad", "hvp", "value"):
        return mismatch
    if dtype == "float32":
        return _arbitrate32(program, mismatch)
    if mismatch.stage == "value":
        try:
            ref = run(program, "exact", "float64", second=False).values[mismatch.where]
        except Exception:  # noqa: BLE001
            return mismatch
        rtol, atol = TOLERANCE["float64"]
    else:
        try:
            fd = finite_differences(program, mismatch.stage, mismatch.where)
        except Exception:  # noqa: BLE001
            return mismatch
        # each element agrees with one of the central, forward and backward differences
        rtol, atol = FD_TOLERANCE
        mg_ok = _agrees_with_one(mismatch.mg, fd, rtol, atol)
        torch_ok = _agrees_with_one(mismatch.torch, fd, rtol, atol)
        mismatch.fd = fd[0]
        if mg_ok.all() and not torch_ok.all():
            mismatch.verdict = "more exact"
        return mismatch
    mismatch.fd = ref
    if close(mismatch.mg, ref, rtol, atol) and not close(mismatch.torch, ref, rtol, atol):
        mismatch.verdict = "more exact"
    return mismatch


def _agrees_with_one(got, fd, rtol, atol):
    """Per element: ``got`` finite and within tolerance of a finite one of the three differences."""
    got = np.asarray(got, dtype=float)
    if got.shape != fd.shape[1:]:
        return np.zeros(fd.shape[1:], bool)
    scale = np.nanmax(np.abs(np.where(np.isfinite(fd), fd, np.nan)), initial=1.0)
    near = np.abs(got[None] - fd) <= atol * max(1.0, scale) + rtol * np.abs(fd)
    return (np.isfinite(got)[None] & np.isfinite(fd) & near).any(axis=0)


def _pick(result, program, stage, where):
    if stage == "value":
        return result.values[where]
    return getattr(result, stage + "s")[program.grad_leaves().index(where)]


def _arbitrate32(program, mismatch):
    try:
        found64 = compare(program, "float64")
        if found64 is None:
            truth = _pick(run(program, "torch", "float64"), program, mismatch.stage, mismatch.where)
        else:
            if arbitrate(program, found64, "float64").verdict != "more exact":
                return mismatch
            truth = _pick(run(program, "mg", "float64"), program, mismatch.stage, mismatch.where)
    except Exception:  # noqa: BLE001
        return mismatch
    rtol, atol = TOLERANCE["float32"]
    mismatch.fd = truth
    if close(mismatch.mg, truth, rtol, atol) and not close(mismatch.torch, truth, rtol, atol):
        mismatch.verdict = "more exact"
    elif found64 is None and _rounding_at_a_kink(program):
        mismatch.verdict = "float32 rounding at a kink"
    elif found64 is None and close(mismatch.mg, truth, 0, FLOAT32_CANCELLATION):
        # float64 agrees, and minigrad's float32 is off by cancellation of large terms
        # (triplet_margin_loss with p = 3 at a distance of 0.008: terms of 1e4 cancel to 1e-4)
        mismatch.verdict = "float32 rounding"
    return mismatch


KINKED = {"maximum", "minimum", "clip", "relu", "abs", "max", "min", "compare", "argmax", "argmin",
          "norm", "l1_loss", "huber_loss", "smooth_l1_loss", "triplet_margin_loss"}


def _rounding_at_a_kink(program):
    """A float32-only mismatch where a kinked op (a tie, a clip end, |0|) gets an input that
    float32 rounding made differ between the two libraries: var of three equal numbers is 0 in
    torch's float32 and 1e-17 in NumPy's, so maximum(0, var) ties in one and not the other."""
    mgv = [_np(v) for v in forward(program, "mg", "float32")]
    thv = [_np(v) for v in forward(program, "torch", "float32")]
    for n in program.nodes:
        if n.kind == "step" and n.op in KINKED:
            for a in n.args:
                if isinstance(a, Ref) and program.nodes[a.i].kind == "step" \
                        and not np.array_equal(mgv[a.i], thv[a.i]):
                    return True
    return False


def shrink(program, mismatch, dtype):
    """The smallest subprogram (one sink) that still shows a mismatch of the same stage."""
    if mismatch.stage == "value":
        sub = subprogram(program, mismatch.where)
        found = compare(sub, dtype)
        return (sub, found) if found is not None else (program, mismatch)
    for k in range(len(program.nodes)):
        if program.nodes[k].kind == "leaf":
            continue
        sub = subprogram(program, k)
        found = compare(sub, dtype)
        if found is not None and found.stage == mismatch.stage:
            return sub, found
    return program, mismatch


@dataclass
class Outcome:
    program: Program
    mismatch: object = None       # None: agreement


def check(seed, dtype, ops=None, known=()):
    """Generate, compare, arbitrate and shrink the program of ``seed``."""
    program = generate(seed, ops)
    with np.errstate(all="ignore"):
        found = compare(program, dtype)
        if found is None:
            return Outcome(program)
        found = arbitrate(program, found, dtype)
        small, found_small = shrink(program, found, dtype)
        if found_small is not found:
            found_small = arbitrate(small, found_small, dtype)  # the shrunk one, anew
        if found.verdict != "mismatch" and found_small.verdict == "mismatch":
            return Outcome(program, found)
        if found_small.verdict != "mismatch":
            return Outcome(small, found_small)
        for name, predicate in known:
            if predicate(small, found_small):
                found_small.verdict = f"known: {name}"
                break
    return Outcome(small, found_small)


def report(outcome, dtype):
    return (f"{outcome.program.text()}\n{outcome.mismatch.text()}\n"
            f"replay: .venv/bin/python -m tests.library.fuzz --seed {outcome.program.seed} --dtype {dtype}")
