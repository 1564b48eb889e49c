"""Weight initialisations, as torch.nn.init: each fills a tensor in place and returns it.

The numbers come from minigrad's generator (``minigrad.manual_seed``), drawn on the host and
copied to the tensor's device, so a seed gives the same weights on every device.

Notation: for a weight of shape (fan_out, fan_in, *kernel), fan_in = shape[1]·∏kernel and
fan_out = shape[0]·∏kernel (a Linear weight is (out_features, in_features)).

| function          | distribution                | scale                                     |
|-------------------|-----------------------------|-------------------------------------------|
| xavier_uniform_   | U(-b, b)                    | b = gain·√(6 / (fan_in + fan_out))        |
| xavier_normal_    | N(0, σ²)                    | σ = gain·√(2 / (fan_in + fan_out))        |
| kaiming_uniform_  | U(-b, b)                    | b = gain·√(3 / fan)                       |
| kaiming_normal_   | N(0, σ²)                    | σ = gain / √fan                           |

Xavier (Glorot & Bengio, 2010) keeps the variance of activations and of gradients alike across
layers; Kaiming (He et al., 2015) keeps the variance of activations through ReLU layers, whose
gain is √2.
"""
import math

import numpy as np

from .. import autograd, backend
from ..creation import generator


def calculate_gain(nonlinearity, param=None):
    """The gain that keeps unit variance through ``nonlinearity`` (as torch.nn.init)."""
    if nonlinearity in ("linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unknown nonlinearity {nonlinearity!r}")


def fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight of shape (fan_out, fan_in, *kernel)."""
    if tensor.ndim < 2:
        raise ValueError(f"fan in and fan out need a tensor of 2 or more dimensions; "
                         f"got shape {tensor.shape}")
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fill(tensor, host_values):
    """Write host values into ``tensor`` in place, on its device and in its dtype (as under
    torch.no_grad: a parameter may be filled); its version counts the change, so a backward
    that needs the old values refuses to run."""
    values = host_values.astype(tensor.dtype, copy=False)
    tensor.data[...] = backend.to_device(values, tensor.device)
    autograd.bump_version(tensor)
    return tensor


def uniform_(tensor, a=0.0, b=1.0):
    """Fill with U(a, b)."""
    return _fill(tensor, generator().uniform(a, b, tensor.shape))


def normal_(tensor, mean=0.0, std=1.0):
    """Fill with N(mean, std²)."""
    return _fill(tensor, generator().normal(mean, std, tensor.shape))


def constant_(tensor, value):
    """Fill with ``value``."""
    return _fill(tensor, np.full(tensor.shape, value))


def zeros_(tensor):
    return constant_(tensor, 0.0)


def ones_(tensor):
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor, gain=1.0):
    """Fill with U(-b, b), b = gain·√(6 / (fan_in + fan_out))."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor, gain=1.0):
    """Fill with N(0, σ²), σ = gain·√(2 / (fan_in + fan_out))."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def _kaiming_std(tensor, a, mode, nonlinearity):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode: expected 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """Fill with U(-b, b), b = gain·√(3 / fan): a uniform of standard deviation gain/√fan.

    ``a`` is the negative slope of a leaky ReLU (0: plain ReLU, gain √2).
    """
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    """Fill with N(0, σ²), σ = gain / √fan."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity))
