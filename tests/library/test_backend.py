"""The device layer: the CuPy stand-in is faithful to CuPy's names and refusals, devices never
mix silently, transfers are differentiable, and minigrad works where CuPy is absent."""
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import minigrad as mg
from minigrad import backend
from minigrad.check import gradcheck, gradgradcheck

from .. import fake_cupy

from .. import ROOT


# --- the stand-in against the real cupy module ---------------------------------------------------
@pytest.fixture(scope="module")
def cupy():
    return pytest.importorskip("cupy")


@pytest.mark.parametrize("name", fake_cupy.MODULE_NAMES)
def test_stand_in_module_names_exist_in_cupy(cupy, name):
    assert hasattr(cupy, name), f"fake_cupy exposes {name!r}, which cupy does not have"


@pytest.mark.parametrize("name", fake_cupy.NDARRAY_METHODS + fake_cupy.NDARRAY_PROPERTIES)
def test_stand_in_ndarray_names_exist_in_cupy(cupy, name):
    assert hasattr(cupy.ndarray, name), f"fake_cupy.ndarray has {name!r}, cupy.ndarray does not"


@pytest.mark.parametrize("name", fake_cupy.UFUNC_NAMES)
def test_stand_in_ufunc_methods_exist_in_cupy(cupy, name):
    # the stand-in's ufuncs offer .at (the engine's scatter-add) and .reduce
    for method in ("at", "reduce"):
        assert hasattr(getattr(fake_cupy, name), method)
        assert hasattr(getattr(cupy, name), method), f"cupy.{name}.{method}"


def engine_xp_names():
    """Every ``xp.NAME`` the engine's source uses."""
    names = set()
    for path in (ROOT / "minigrad").rglob("*.py"):
        names.update(re.findall(r"\bxp\.([A-Za-z_]\w*)", path.read_text()))
    return sorted(names)


@pytest.mark.parametrize("name", engine_xp_names())
def test_engine_uses_only_names_the_stand_in_and_cupy_have(name):
    assert name in fake_cupy.MODULE_NAMES, (
        f"minigrad uses xp.{name}, which the CuPy stand-in lacks: the 'cuda' tests cannot "
        "cover it")
    cupy = pytest.importorskip("cupy")
    assert hasattr(cupy, name)


# --- the stand-in refuses what CuPy refuses ------------------------------------------------------
def cuda_xp():
    return backend.namespace("cuda")


def test_device_array_refuses_implicit_conversion():
    t = mg.tensor(np.array([1.0, 2.0]), device="cuda")
    with pytest.raises(TypeError):
        np.asarray(t.data)
    with pytest.raises(TypeError):
        np.exp(t.data)
    with pytest.raises(TypeError):
        np.array([1.0, 2.0]) + t.data


def test_device_functions_refuse_host_arrays():
    xp = cuda_xp()
    with pytest.raises(TypeError):
        xp.exp(np.array([1.0]))
    with pytest.raises(TypeError):
        xp.asarray([1.0]) + np.array([1.0])
    with pytest.raises(TypeError):
        xp.maximum(xp.asarray([1.0]), np.array([0.0]))


def test_device_round_trip_is_explicit():
    xp = cuda_xp()
    d = xp.asarray(np.array([1.0, 2.0]))
    assert backend.device_of(d) == "cuda" and backend.is_cuda_array(d)
    host = backend.to_device(d, "cpu")
    assert type(host) is np.ndarray
    np.testing.assert_array_equal(host, [1.0, 2.0])
    assert backend.to_device(host, "cpu") is host
    assert backend.to_device(d, "cuda") is d
    assert not backend.is_cuda_array(host)


def test_reductions_stay_on_the_device():
    xp = cuda_xp()
    d = xp.asarray(np.array([1.0, 2.0]))
    assert backend.device_of(d.sum()) == "cuda"
    assert backend.device_of(xp.max(d)) == "cuda"


def test_cuda_tensor_refuses_array_protocol():
    t = mg.tensor([1.0, 2.0], device="cuda")
    with pytest.raises(TypeError, match="numpy"):
        np.asarray(t)
    with pytest.raises(TypeError, match="numpy"):
        t.__array__()
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])  # the explicit way works


def test_cuda_results_stay_cuda():
    x = mg.tensor(np.array([[1.0, -2.0], [3.0, 0.5]]), device="cuda", requires_grad=True)
    y = mg.log_softmax(x * 2.0 + 1.0, axis=-1)
    loss = (y[:, 0] + mg.norm(x, 2) + x.max() + mg.logsumexp(x, 0).sum()).sum()
    for t in (y, loss):
        assert t.device == "cuda" and backend.is_cuda_array(t.data)
    loss.backward()
    assert x.grad.device == "cuda" and backend.is_cuda_array(x.grad.data)


# --- devices never mix ---------------------------------------------------------------------------
@pytest.mark.parametrize("op", [
    lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a @ b, lambda a, b: a ** b,
    lambda a, b: mg.maximum(a, b), lambda a, b: mg.where(a > 0, a, b),
    lambda a, b: mg.concatenate([a, b]), lambda a, b: mg.stack([a, b]),
])
@pytest.mark.parametrize("first, second", [("cpu", "cuda"), ("cuda", "cpu")])
def test_mixed_devices_raise_naming_both(op, first, second):
    a = mg.tensor([1.0, 2.0], device=first)
    b = mg.tensor([3.0, 4.0], device=second)
    with pytest.raises(RuntimeError, match=rf"different devices \({first} and {second}\)"):
        op(a, b)


def test_mixed_devices_message_says_how_to_fix():
    with pytest.raises(RuntimeError, match=r"\.to\(device\)"):
        mg.tensor([1.0]) + mg.tensor([1.0], device="cuda")


# --- transfers are differentiable ----------------------------------------------------------------
@pytest.mark.parametrize("start, via", [("cpu", "cuda"), ("cuda", "cpu")])
def test_to_round_trip_is_differentiable(start, via):
    x = mg.tensor(np.array([[0.3, -1.2], [0.7, 2.0]]), device=start, requires_grad=True)

    def f(x):
        y = x.to(via)
        assert y.device == via
        return (y.tanh() * y).to(start) * x

    assert gradcheck(f, [x])
    assert gradgradcheck(f, [x])
    f(x).sum().backward()
    assert x.grad.device == start


def test_to_keeps_dtype_and_values():
    x = mg.tensor(np.array([1.5, 2.5], dtype=np.float32))
    y = x.to("cuda")
    assert y.dtype == mg.float32
    np.testing.assert_array_equal(y.numpy(), [1.5, 2.5])


# --- devices by name -----------------------------------------------------------------------------
def test_check_device():
    assert backend.check_device("cpu") == "cpu"
    assert backend.check_device("cuda") == "cuda"
    assert backend.check_device("cuda:0") == "cuda"
    with pytest.raises(ValueError, match="device.*'tpu'.*expected"):
        backend.check_device("tpu")


def test_namespace():
    assert backend.namespace("cpu") is np
    assert backend.namespace("cuda") is backend._cuda()


# --- without CuPy --------------------------------------------------------------------------------
def test_minigrad_works_without_cupy():
    script = textwrap.dedent("""
        import sys
        sys.modules["cupy"] = None  # as if CuPy were not installed: import cupy fails
        import numpy as np
        import minigrad as mg
        x = mg.tensor(np.array([1.0, 2.0]), requires_grad=True)
        (x * x).sum().backward()
        assert x.grad.numpy().tolist() == [2.0, 4.0]
        for make in (lambda: mg.zeros(2, device="cuda"), lambda: x.to("cuda"),
                     lambda: mg.tensor([1.0], device="cuda")):
            try:
                make()
            except RuntimeError as err:
                assert "CuPy" in str(err) and "cuda" in str(err), err
            else:
                raise AssertionError("'cuda' without CuPy must raise")
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


FAULTS_PER_CALL = """
import resource, numpy as np, minigrad as mg
x = mg.tensor(np.linspace(-3, 3, 10**6, dtype=np.float32), requires_grad=True)
y = mg.zeros(10**6)
def call():
    x.grad = None
    mg.losses.huber_loss(x, y).backward()
call(); call()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    call()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 5)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc is tuned on Linux")
def test_freed_graphs_are_reused_without_page_faults():
    """At import minigrad asks glibc to keep freed blocks (backend.keep_freed_memory): a Huber
    loss on 10⁶ elements then reuses the pages of the last call's graph instead of faulting
    ~10,000 new ones in.  MINIGRAD_KEEP_FREED_MEMORY=0 leaves malloc as it is."""
    def faults(setting):
        env = dict(os.environ, MINIGRAD_KEEP_FREED_MEMORY=setting)
        done = subprocess.run([sys.executable, "-c", FAULTS_PER_CALL], env=env,
                              capture_output=True, text=True, timeout=120, check=True)
        return float(done.stdout)
    assert faults("1") < 100
    assert faults("0") > 2000


def test_real_cupy_stops_at_once_without_a_gpu():
    from ..conftest import real_cupy_problem
    if real_cupy_problem() is None:
        pytest.skip("this machine has a usable GPU: --real-cupy runs")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--real-cupy", "tests/library/test_backend.py"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "--real-cupy: CuPy has no usable GPU here" in done.stdout + done.stderr
    assert "passed" not in done.stdout  # no test ran
