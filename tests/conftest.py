"""Shared test set-up: every test that takes the ``device`` fixture runs on 'cpu' and 'cuda'.

Without a GPU, 'cuda' is served by tests/fake_cupy.py, a NumPy-backed stand-in for CuPy.
On a machine with a GPU, ``pytest --real-cupy`` runs the same tests on real CuPy.
"""
import numpy as np
import pytest

import minigrad as mg
from minigrad import backend

from . import fake_cupy


def pytest_addoption(parser):
    parser.addoption("--real-cupy", action="store_true",
                     help="run the 'cuda' tests on real CuPy (needs a GPU) instead of the stand-in")


def pytest_configure(config):
    if not config.getoption("--real-cupy"):
        backend.use_cuda_module(fake_cupy)
        return
    problem = real_cupy_problem()
    if problem:
        pytest.exit(f"--real-cupy: CuPy has no usable GPU here ({problem}); run without "
                    "--real-cupy to test 'cuda' on the NumPy stand-in", returncode=2)


def real_cupy_problem():
    """Why real CuPy cannot run here (None when it can): asked once, before any test runs, so
    that a machine without a GPU stops at once instead of failing every 'cuda' test."""
    try:
        import cupy
        (cupy.arange(3) + 1).get()  # a device, a kernel launch and a copy back
    except Exception as error:  # ImportError, CUDARuntimeError, a missing driver library ...
        return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    return None


@pytest.fixture(params=["cpu", "cuda"])
def device(request):
    return request.param


@pytest.fixture(autouse=True)
def _seed():
    mg.manual_seed(0)
    np.random.seed(0)


def to_host(x):
    """A NumPy array of a tensor, or of a raw array of either device."""
    if isinstance(x, mg.Tensor):
        return x.numpy()
    return backend.to_device(x, "cpu") if not isinstance(x, np.ndarray) else x
