"""Broadcasting, explored by hypothesis: for every pair (or triple) of mutually broadcastable
shapes, values, gradients and second derivatives of the binary primitives equal PyTorch's."""
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import minigrad as mg

from ..samples import Draw
from .test_ops import compare_with_torch

SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def shapes(num_shapes):
    return mutually_broadcastable_shapes(num_shapes=num_shapes, min_dims=0, max_dims=4, max_side=3)


# (fn, torch fn, draw of a, draw of b), draws from tests/samples.py's vocabulary;
# maximum/minimum: integers never tie with half-integers
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b, Draw.normal, Draw.normal),
    "mul": (lambda a, b: a * b, lambda a, b: a * b, Draw.normal, Draw.normal),
    "div": (lambda a, b: a / b, lambda a, b: a / b, Draw.normal, Draw.positive),
    "rdiv": (lambda a, b: b / a, lambda a, b: b / a, Draw.positive, Draw.normal),
    "maximum": (mg.maximum, torch.maximum, Draw.integers, Draw.half_integers),
    "minimum_swapped": (lambda a, b: mg.minimum(b, a), lambda a, b: torch.minimum(b, a),
                        Draw.integers, Draw.half_integers),
}


@pytest.mark.parametrize("name", list(BINARY))
@SETTINGS
@given(data=shapes(2), seed=st.integers(0, 2 ** 32 - 1))
def test_binary_broadcasting_matches_torch(name, data, seed, device):
    fn, tfn, gen_a, gen_b = BINARY[name]
    shape_a, shape_b = data.input_shapes
    draw = Draw(seed)
    arrays = [gen_a(draw, *shape_a), gen_b(draw, *shape_b)]
    compare_with_torch(fn, tfn, arrays, device, seed=seed)


@SETTINGS
@given(data=shapes(3), seed=st.integers(0, 2 ** 32 - 1))
def test_where_broadcasting_matches_torch(data, seed, device):
    shape_c, shape_a, shape_b = data.input_shapes
    draw = Draw(seed)
    arrays = [draw.mask(*shape_c), draw.normal(*shape_a), draw.normal(*shape_b)]
    compare_with_torch(mg.where, torch.where, arrays, device, seed=seed)


@SETTINGS
@given(data=shapes(2), seed=st.integers(0, 2 ** 32 - 1))
def test_broadcast_result_shape_is_numpys(data, seed, device):
    shape_a, shape_b = data.input_shapes
    a = mg.zeros(shape_a, dtype=mg.float64, device=device, requires_grad=True)
    b = mg.ones(shape_b, dtype=mg.float64, device=device, requires_grad=True)
    out = a * b + a
    assert out.shape == data.result_shape == np.broadcast_shapes(shape_a, shape_b)
    out.backward(mg.ones(out.shape, dtype=mg.float64, device=device))
    assert a.grad.shape == shape_a and b.grad.shape == shape_b
    # each element of a receives one gradient per copy that broadcasting made of it (times 2)
    copies_a = np.prod(out.shape, dtype=int) // max(np.prod(shape_a, dtype=int), 1)
    if out.size:
        np.testing.assert_array_equal(a.grad.numpy(), 2.0 * copies_a)
