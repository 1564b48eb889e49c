"""What the fuzzer finds that is not (yet) fixed, or is a convention rather than an error:
(name, predicate(program, mismatch)).  A shrunk mismatch that matches one is counted under its
name instead of failing the run; test_fuzz.py holds a reproduction of each, marked
xfail(strict=False) while it is open, so that a fix shows up as XPASS."""
import numpy as np


def _ops(program):
    return [n for n in program.nodes if n.kind == "step"]


def norm_small_p_zero_element(program, mismatch):
    """x.norm(ord=p) with 0 < p < 1 and a zero element in a nonzero vector: the gradient is
    right (Abs's backward selects 0 where |x|^p has an infinite slope), but the second
    derivative is NaN along the whole vector in minigrad (the infinite slope meets the sum of
    the norm), at the zero element only in torch, which has a formula of its own."""
    return (mismatch.stage == "hvp"
            and any(n.op == "norm" and n.params["ord"] < 1 for n in _ops(program))
            and np.isnan(np.asarray(mismatch.mg, dtype=float)).any())


def norm_zero_vector_second_derivative(program, mismatch):
    """The second derivative of a norm at a zero vector, where the norm has a kink: minigrad
    gives 0 (the derivative of its subgradient 0), torch NaN.  A convention, not an error;
    finite differences there only measure 1/h."""
    return (mismatch.stage == "hvp" and any(n.op == "norm" for n in _ops(program))
            and np.isnan(np.asarray(mismatch.torch, dtype=float)).any()
            and not np.isnan(np.asarray(mismatch.mg, dtype=float)).any())


def reshape_infer_empty(program, mismatch):
    """A reshape with -1 of a tensor with no elements: NumPy refuses to infer -1 from size 0,
    torch infers it from the other sides.  Seen in flatten and in linear with 0 input features
    before both counted their sizes; kept for any other reshape(-1) of an empty tensor."""
    return mismatch.stage == "error" and "cannot reshape array of size 0" in str(mismatch.mg)


def nan_propagation(program, mismatch):
    """A NaN among the program's values (nll_loss with every target ignored, mean: 0/0, as
    torch), then a derivative through a selection (smooth_l1_loss's |e| < β): minigrad's
    where() picks a branch whose derivative is finite (second derivative 0), torch propagates
    NaN.  Derivatives of a NaN value have no right answer; counted, not failed."""
    from .programs import forward, _np  # noqa: PLC0415 -- programs imports this module's user
    if mismatch.stage not in ("grad", "hvp"):
        return False
    with np.errstate(all="ignore"):
        try:
            values = [_np(v) for v in forward(program, "mg", "float64")]
        except Exception:  # noqa: BLE001
            return False
    return any(v.dtype.kind == "f" and np.isnan(v).any() for v in values)


KNOWN = [
    ("norm ord<1 second derivative NaN along a vector with a zero", norm_small_p_zero_element),
    ("norm second derivative at a zero vector (convention)", norm_zero_vector_second_derivative),
    ("reshape -1 of an empty tensor raises", reshape_infer_empty),
    ("derivatives through a NaN value (convention)", nan_propagation),
]
