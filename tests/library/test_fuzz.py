"""A differential fuzzer: seeded random programs over minigrad's operations, each built
identically in minigrad and in PyTorch and compared.

Each program (tests/library/fuzz/programs.py) is one to six steps drawn from the op table
(tests/library/fuzz/optable.py: every primitive and composite, with both implementations and
argument generators): broadcasting, Python numbers on either side, reductions over axis
tuples with keepdims, indexing with slices, negative steps, None, Ellipsis, boolean masks,
repeated and empty index lists, exact ties for max/min/clip/relu/maximum/minimum, the losses
that have a PyTorch reference.  The program is reduced to a scalar L = Σ (v · W).sum() over
its unconsumed nodes with fixed random weightings W, and compared: every node's value, ∇L
(first order), and the Hessian-vector product ∇(∇L · V) (create_graph=True), in float64
(rtol 1e-8) and in float32 (rtol 2e-4).

Where the two disagree, the fuzzer arbitrates instead of failing: in float64 with central
finite differences of minigrad's own program (gradients, HVPs) or torch's more exact formula
(values: softplus for soft_margin_loss); in float32 with the float64 result.  Minigrad agreeing
with the reference and torch not counts as "minigrad more exact" (the mixed second derivative
of a ** b at b = 0, logistic_loss at |y·x| = 1e4, the BCE gradient at p ∈ {0, 1}).  Known
defects not fixed yet are listed in tests/library/fuzz/known.py, counted under their name, and
each has an xfail(strict=False) reproduction below.

Options (environment variables):

    MINIGRAD_FUZZ_PROGRAMS=5000   programs per dtype (default 400, a few seconds)
    MINIGRAD_FUZZ_START=10000     the first seed (default 0)

    MINIGRAD_FUZZ_PROGRAMS=5000 .venv/bin/python -m pytest -q -p no:cacheprovider -s tests/library/test_fuzz.py

``-s`` shows the counts.  Outside pytest, ``python -m tests.library.fuzz --programs 5000``
prints the same counts; ``python -m tests.library.fuzz --seed S --dtype float64`` replays one
program and prints it.  A failing program is printed shrunk to the nodes its first mismatch
depends on, as text, with its seed.
"""
import collections
import os
import time

import numpy as np
import pytest
import torch

import minigrad as mg
from minigrad import ops

from .fuzz import programs
from .fuzz.known import KNOWN
from .fuzz.optable import TABLE, Ref
from .fuzz.programs import Node, finish

PROGRAMS = int(os.environ.get("MINIGRAD_FUZZ_PROGRAMS", "400"))
START = int(os.environ.get("MINIGRAD_FUZZ_START", "0"))


def campaign(dtype, seeds, known=KNOWN, ops=None):
    counts, failures = collections.Counter(), []
    for seed in seeds:
        out = programs.check(seed, dtype, ops=ops, known=known)
        counts["programs"] += 1
        if out.mismatch is None:
            counts["agree"] += 1
        else:
            counts[out.mismatch.verdict] += 1
            if out.mismatch.verdict == "mismatch":
                failures.append(programs.report(out, dtype))
    return counts, failures


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_random_programs_agree_with_torch(dtype):
    start = time.perf_counter()
    counts, failures = campaign(dtype, range(START, START + PROGRAMS))
    print(f"\nfuzz {dtype}: seeds {START}..{START + PROGRAMS - 1}, {time.perf_counter() - start:.1f} s, "
          + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    assert not failures, ("\n\n".join(failures[:5])
                          + f"\n\n{len(failures)} of {PROGRAMS} {dtype} programs disagree with torch")


# --- the table covers the API --------------------------------------------------------------------
# every primitive, and the table ops that reach it
PRIMITIVES = {
    "Add": "add", "Sub": "sub", "Mul": "mul", "Div": "div", "Neg": "neg", "PowScalar": "pow_scalar",
    "Pow": "pow", "Exp": "exp", "Log": "log", "Log1p": "log1p", "Sqrt": "sqrt", "Abs": "abs",
    "Tanh": "tanh", "Sigmoid": "sigmoid", "Relu": "relu", "Softplus": "softplus", "Clip": "clip",
    "Maximum": "maximum", "Minimum": "minimum", "Where": "where", "Sum": "sum", "Max": "max",
    "LogSoftmax": "log_softmax", "Reshape": "reshape", "Permute": "permute",
    "BroadcastTo": "broadcast_to", "GetItem": "getitem",
    "ScatterAdd": "getitem",  # GetItem's backward, differentiated again by every HVP
    "Concatenate": "concatenate", "Cast": "double", "MatMul": "matmul", "Linear": "linear",
    # backward primitives, run by every gradient and differentiated again by every HVP
    "TanhGrad": "tanh", "SigmoidGrad": "sigmoid", "SoftplusGrad": "softplus", "Masked": "relu",
    "SumGrad": "sum", "LogSoftmaxGrad": "log_softmax",
}
NOT_FUZZED = {
    "ToDevice": "a copy between devices: the CPU-only fuzzer has one device (tests/library/test_backend.py)",
    "as_tensor": "the conversion every function form calls",
}
# function and method names that differ from the table's op names
SPELLINGS = {"pow": "pow_scalar", "getitem": "getitem", "flatten": "flatten", "T": "T"}


def test_every_primitive_is_fuzzed():
    primitives = {name for name in dir(ops) if isinstance(getattr(ops, name), type)
                  and issubclass(getattr(ops, name), mg.autograd.Function)
                  and getattr(ops, name).__module__.startswith("minigrad.ops.")
                  and hasattr(getattr(ops, name), "rule")}
    assert primitives - set(PRIMITIVES) - set(NOT_FUZZED) == set()
    assert set(PRIMITIVES.values()) <= set(TABLE)


def test_every_function_and_loss_with_a_torch_reference_is_fuzzed():
    names = set(mg.functional.__all__) - set(NOT_FUZZED)
    missing = {n for n in names if SPELLINGS.get(n, n) not in TABLE}
    assert missing == set()
    torch_losses = {n for n, f in mg.losses.FACTS.items() if f.reference.startswith("torch.nn")}
    renamed = {"binary_cross_entropy_with_logits": "bce_with_logits"}
    assert {renamed.get(n, n) for n in torch_losses} - set(TABLE) == set()


def test_every_op_of_the_table_is_drawn():
    seen = collections.Counter()
    for seed in range(300):
        seen.update(n.op for n in programs.generate(seed).nodes if n.kind == "step")
    assert set(TABLE) - set(seen) == set()


# --- the fuzzer finds what it should -------------------------------------------------------------
def test_a_planted_wrong_derivative_is_found_and_reported(monkeypatch):
    """Tanh's backward off by 1 % at second order: the fuzzer reports a shrunk program."""
    right = ops.Tanh.backward

    def wrong(self, g):
        (d,) = right(self, g)
        return (d * 1.01,)
    monkeypatch.setattr(ops.Tanh, "backward", wrong)
    counts, failures = campaign("float64", range(30), known=(), ops=["tanh", "mul", "sum", "getitem"])
    assert counts["mismatch"] > 0
    report = next(f for f in failures if "tanh" in f)
    assert "seed" in report and "v0 = leaf(" in report and "replay:" in report
    assert "grad of v" in report or "hvp of v" in report


def program_of(leaves, steps):
    """A program from (array, requires_grad) leaves and (op, args, params) steps."""
    nodes = [Node("leaf", array=np.asarray(a, dtype=float), grad=g) for a, g in leaves]
    nodes += [Node("step", op=op, args=tuple(args), params=params) for op, args, params in steps]
    return finish(nodes, 0)


def verdict(program, dtype="float64"):
    with np.errstate(all="ignore"):
        found = programs.compare(program, dtype)
        return None if found is None else programs.arbitrate(program, found, dtype).verdict


def test_mixed_second_derivative_of_pow_at_exponent_zero_is_minigrad_more_exact():
    # ∂²(a^b)/∂a∂b = a^(b-1)(1 + b log a) = 1/a at b = 0; torch's backward drops it
    p = program_of([([2.0, 0.5], True), ([0.0, 0.0], True)], [("pow", [Ref(0), Ref(1)], {"functional": False})])
    assert verdict(p) == "more exact"


def test_logistic_loss_at_large_margins_is_minigrad_more_exact():
    p = program_of([([-1e4, 1e4, 0.5], True), ([1.0, 1.0, -1.0], False)],
                   [("logistic_loss", [Ref(0), Ref(1)], {"reduction": "sum"})])
    assert verdict(p) == "more exact"


def test_bce_gradient_at_the_ends_is_minigrad_more_exact():
    # p = 0, y = 0 and p = 1, y = 1: the true slopes are 1 and -1; torch's eps clamp gives 0
    p = program_of([([0.0, 1.0, 0.5], True), ([0.0, 1.0, 0.25], False)],
                   [("binary_cross_entropy", [Ref(0), Ref(1)], {"reduction": "sum"})])
    assert verdict(p) == "more exact"


def test_torch_translation_of_negative_steps_and_masks():
    x = torch.arange(24.0).reshape(2, 3, 4)
    mask = np.array([True, False, True])
    index = (Ellipsis, slice(None, None, -2), None, ("list", [0, 0, -1]))
    got = TABLE["getitem"].th(x, index)
    want = x.numpy()[..., ::-2, None, [0, 0, -1]]
    assert np.array_equal(got.numpy(), want)
    got = TABLE["getitem"].th(x, (slice(None), ("mask", mask), slice(3, 0, -1)))
    assert np.array_equal(got.numpy(), x.numpy()[:, mask, 3:0:-1])


# --- known defects: xfail until fixed ------------------------------------------------------------
@pytest.mark.xfail(strict=False, reason="norm(ord=p), 0 < p < 1, at a zero element of a nonzero "
                   "vector: the gradient is right (test_defects.py), the second derivative is NaN "
                   "along the vector (torch: at the zero element only)")
def test_norm_small_p_gradient_at_a_zero_element():
    p = program_of([([[1.0, -1.0, -2.0], [0.0, 2.0, -2.0]], True)],
                   [("norm", [Ref(0)], {"axis": 1, "keepdims": False, "ord": 0.5})])
    assert verdict(p) is None


def test_flatten_of_an_empty_tensor():
    """Found by the fuzzer, fixed: flatten of shape (0, 3) from axis 1 is (0, 3), as torch."""
    p = program_of([(np.zeros((0, 3)), True)], [("flatten", [Ref(0)], {"start": 1})])
    assert verdict(p) is None


def test_linear_with_no_input_features():
    """Found by the fuzzer (seed 1711), fixed: linear with 0 input features gives the bias."""
    p = program_of([(np.zeros((0,)), True), (np.zeros((3, 0)), True), ([0.5, -1.0, 2.0], True)],
                   [("linear", [Ref(0), Ref(1), Ref(2)], {})])
    assert verdict(p) is None
