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
