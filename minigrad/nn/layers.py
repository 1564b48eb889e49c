"""Layers, with PyTorch's names, arguments, parameter shapes and default initialisations.

Every layer checks its input and refuses a wrong one with a message naming the layer, the
shape it expected and the shape it got:

    >>> Linear(64, 10)(minigrad.zeros(32, 63))
    ValueError: Linear(in_features=64, out_features=10, bias=True): expected input of shape
    (*, 64), got (32, 63)
"""
import math

from ..autograd import bump_version
from ..creation import zeros
from ..functional import relu, sigmoid, softmax, tanh, where
from ..tensor import Tensor, float32
from . import functional as F
from . import init
from .module import Module, Parameter


def check_input(layer, x, expected, is_ok):
    """Raise TypeError unless x is a Tensor, ValueError unless ``is_ok(x.shape)``."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{layer!r}: expected a minigrad Tensor, got {type(x).__name__}")
    if not is_ok(x.shape):
        raise ValueError(f"{layer!r}: expected input of shape {expected}, got {tuple(x.shape)}")


def check_positive_int(value, name, layer_name):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{layer_name}: {name} must be a positive int, got {value!r}")


def new_parameter(shape, dtype, device):
    """A parameter of zeros, to be filled by an initialisation."""
    return Parameter(zeros(shape, dtype=dtype, device=device))


def default_init_(weight, bias):
    """PyTorch's default for Linear and Conv2d: W and b uniform on ±1/√fan_in.

    (torch writes it as kaiming_uniform_(W, a=√5), whose bound gain·√(3/fan_in) with
    gain = √(2/(1+5)) is the same 1/√fan_in.)
    """
    fan_in, _ = init.fan_in_and_fan_out(weight)
    bound = 1.0 / math.sqrt(fan_in)
    init.uniform_(weight, -bound, bound)
    if bias is not None:
        init.uniform_(bias, -bound, bound)


# --- affine layers ------------------------------------------------------------------------------
class Linear(Module):
    """y = x Wᵀ + b, W of shape (out_features, in_features), b of shape (out_features,).

    Input (*, in_features), output (*, out_features).
    """

    def __init__(self, in_features, out_features, bias=True, device="cpu", dtype=float32):
        super().__init__()
        check_positive_int(in_features, "in_features", "Linear")
        check_positive_int(out_features, "out_features", "Linear")
        self.in_features, self.out_features = in_features, out_features
        self.weight = new_parameter((out_features, in_features), dtype, device)
        self.bias = new_parameter((out_features,), dtype, device) if bias else None
        default_init_(self.weight, self.bias)

    def forward(self, x):
        check_input(self, x, f"(*, {self.in_features})",
                    lambda shape: len(shape) >= 1 and shape[-1] == self.in_features)
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Conv2d(Module):
    """2-D convolution (cross-correlation, as in PyTorch): see functional.conv2d.

    W of shape (out_channels, in_channels, kh, kw), b of shape (out_channels,).
    Input (N, in_channels, H, W), output (N, out_channels, OH, OW) with
    OH = ⌊(H + 2·ph − kh) / sh⌋ + 1 (and OW alike).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True,
                 device="cpu", dtype=float32):
        super().__init__()
        check_positive_int(in_channels, "in_channels", "Conv2d")
        check_positive_int(out_channels, "out_channels", "Conv2d")
        self.kernel_size = F.pair(kernel_size, "kernel_size")
        self.stride = F.pair(stride, "stride")
        self.padding = F.pair(padding, "padding")
        for k, s, p in zip(self.kernel_size, self.stride, self.padding):
            check_positive_int(k, "kernel_size", "Conv2d")
            check_positive_int(s, "stride", "Conv2d")
            if p < 0:
                raise ValueError(f"Conv2d: padding must be ≥ 0, got {padding!r}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.weight = new_parameter((out_channels, in_channels) + self.kernel_size, dtype, device)
        self.bias = new_parameter((out_channels,), dtype, device) if bias else None
        default_init_(self.weight, self.bias)

    def forward(self, x):
        check_input(self, x, spatial_shape(self.in_channels, self.kernel_size, self.padding),
                    lambda shape: (len(shape) == 4 and shape[1] == self.in_channels
                                   and fits(shape, self.kernel_size, self.padding)))
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, bias={self.bias is not None}")


def fits(shape, kernel_size, padding):
    """True when a kernel fits in the padded H and W of an (N, C, H, W) shape."""
    return all(n + 2 * p >= k for n, k, p in zip(shape[2:], kernel_size, padding))


def spatial_shape(channels, kernel_size, padding):
    """The expected input shape of a 2-D layer, as words: (N, C, H, W) with H, W large enough."""
    least = [max(k - 2 * p, 1) for k, p in zip(kernel_size, padding)]
    return f"(N, {channels}, H, W) with H ≥ {least[0]} and W ≥ {least[1]}"


# --- pooling ------------------------------------------------------------------------------------
class _Pool2d(Module):
    """Shared set-up of the pooling layers: a kernel sliding over H and W of (N, C, H, W)."""

    pool = None  # the functional form, set by each subclass

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        name = type(self).__name__
        self.kernel_size = F.pair(kernel_size, "kernel_size")
        self.stride = self.kernel_size if stride is None else F.pair(stride, "stride")
        self.padding = F.pair(padding, "padding")
        for k, s, p in zip(self.kernel_size, self.stride, self.padding):
            check_positive_int(k, "kernel_size", name)
            check_positive_int(s, "stride", name)
            if not 0 <= p <= k // 2:
                raise ValueError(f"{name}: padding must lie in [0, kernel_size // 2], "
                                 f"got padding={padding!r} for kernel_size={kernel_size!r}")

    def forward(self, x):
        check_input(self, x, spatial_shape("C", self.kernel_size, self.padding),
                    lambda shape: len(shape) == 4 and fits(shape, self.kernel_size, self.padding))
        return self.pool(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """The maximum of each kh×kw window (padding cells never win)."""

    pool = staticmethod(F.max_pool2d)


class AvgPool2d(_Pool2d):
    """The mean of each kh×kw window (padding zeros count, as PyTorch's default)."""

    pool = staticmethod(F.avg_pool2d)


# --- reshaping and regularisation ---------------------------------------------------------------
class Flatten(Module):
    """Axes start_axis..end_axis merged into one: (N, C, H, W) → (N, C·H·W) by default."""

    def __init__(self, start_axis=1, end_axis=-1):
        super().__init__()
        self.start_axis, self.end_axis = start_axis, end_axis

    def _axes(self, ndim):
        """The (start, end) axes for an input of ``ndim`` dimensions, or None if out of range."""
        start, end = self.start_axis, self.end_axis
        if not (-ndim <= start < ndim and -ndim <= end < ndim):
            return None
        start, end = start % ndim, end % ndim
        return (start, end) if start <= end else None

    def forward(self, x):
        check_input(self, x, f"with axes {self.start_axis} to {self.end_axis} to merge",
                    lambda shape: self._axes(len(shape)) is not None)
        start, end = self._axes(x.ndim)
        return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1:])

    def extra_repr(self):
        return f"start_axis={self.start_axis}, end_axis={self.end_axis}"


class Dropout(Module):
    """Zeroes each element with probability p in training, scaling the rest by 1/(1−p);
    the identity in eval mode.  Seeded by minigrad.manual_seed."""

    def __init__(self, p=0.5):
        super().__init__()
        if not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must lie in [0, 1], got {p!r}")
        self.p = float(p)

    def forward(self, x):
        check_input(self, x, "any", lambda shape: True)
        return F.dropout(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}"


# --- activations --------------------------------------------------------------------------------
class _Activation(Module):
    """An elementwise function as a layer; any input shape."""

    function = None  # set by each subclass

    def forward(self, x):
        check_input(self, x, "any", lambda shape: True)
        return self.function(x)


class ReLU(_Activation):
    """max(x, 0)."""

    function = staticmethod(relu)


class Tanh(_Activation):
    """tanh x."""

    function = staticmethod(tanh)


class Sigmoid(_Activation):
    """σ(x) = 1 / (1 + e^−x)."""

    function = staticmethod(sigmoid)


class Softmax(Module):
    """exp(x) / Σ exp(x) along ``axis`` (torch's ``dim``)."""

    def __init__(self, axis=-1):
        super().__init__()
        self.axis = axis

    def forward(self, x):
        check_input(self, x, f"with an axis {self.axis}",
                    lambda shape: -len(shape) <= self.axis < len(shape))
        return softmax(x, self.axis)

    def extra_repr(self):
        return f"axis={self.axis}"


# --- containers ---------------------------------------------------------------------------------
class Sequential(Module):
    """Modules applied one after the other; the i-th is the attribute ``'i'`` (``0.weight``)."""

    def __init__(self, *modules):
        super().__init__()
        for module in modules:
            self.append(module)

    def append(self, module):
        if not isinstance(module, Module):
            raise TypeError(f"Sequential: expected a Module, got {type(module).__name__}")
        setattr(self, str(len(self)), module)
        return self

    def __len__(self):
        return sum(1 for _ in self.named_children())

    def __iter__(self):
        return iter(self.children())

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self.children()[index])
        return self.children()[index]

    def forward(self, x):
        for module in self.children():
            x = module(x)
        return x


# --- embeddings and normalisation ---------------------------------------------------------------
class Embedding(Module):
    """A lookup table: row i of ``weight`` (num_embeddings, embedding_dim) for index i.

    Input: integer indices of any shape; output: that shape + (embedding_dim,).  Initialised
    N(0, 1), as torch; the row ``padding_idx`` (if given; negative counts from the end) starts
    at zero and receives no gradient.  An index out of range is an error.
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, device="cpu",
                 dtype=float32):
        super().__init__()
        check_positive_int(num_embeddings, "num_embeddings", "Embedding")
        check_positive_int(embedding_dim, "embedding_dim", "Embedding")
        if padding_idx is not None:
            if (not isinstance(padding_idx, int) or isinstance(padding_idx, bool)
                    or not -num_embeddings <= padding_idx < num_embeddings):
                raise ValueError(f"Embedding: padding_idx must be an int in [-{num_embeddings}, "
                                 f"{num_embeddings}), got {padding_idx!r}")
            padding_idx %= num_embeddings
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = padding_idx
        self.weight = new_parameter((num_embeddings, embedding_dim), dtype, device)
        init.normal_(self.weight)
        if padding_idx is not None:
            self.weight.data[padding_idx] = 0
            bump_version(self.weight)

    def forward(self, indices):
        if not isinstance(indices, Tensor):
            raise TypeError(f"{self!r}: expected a minigrad Tensor of indices, got "
                            f"{type(indices).__name__}")
        if indices.dtype.kind not in "iu":
            raise TypeError(f"{self!r}: indices must be integers, not {indices.dtype}")
        if indices.device != self.weight.device:
            raise ValueError(f"{self!r}: indices are on {indices.device}, the weight on "
                             f"{self.weight.device}")
        if indices.size:
            low, high = int(indices.data.min()), int(indices.data.max())
            if low < 0 or high >= self.num_embeddings:
                raise ValueError(f"{self!r}: indices must lie in [0, {self.num_embeddings}), "
                                 f"got values from {low} to {high}")
        out = self.weight[indices]
        if self.padding_idx is None:
            return out
        # The padding row's value is used, but no gradient reaches it (as torch).
        keep = Tensor._wrap((indices.data != self.padding_idx)[..., None])
        return where(keep, out, out.detach())

    def extra_repr(self):
        pad = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{pad}"


class LayerNorm(Module):
    """(x − mean) / √(var + eps) · weight + bias over the last len(normalized_shape) axes.

    The variance is the biased one (divided by the count), as torch; weight starts at 1 and
    bias at 0 (``elementwise_affine=False``: neither; ``bias=False``: weight only).
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device="cpu", dtype=float32):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else \
            tuple(normalized_shape)
        if not shape:
            raise ValueError("LayerNorm: normalized_shape must not be empty")
        for n in shape:
            check_positive_int(n, "normalized_shape", "LayerNorm")
        if not isinstance(eps, (int, float)) or isinstance(eps, bool) or not eps > 0:
            raise ValueError(f"LayerNorm: eps must be a positive number, got {eps!r}")
        self.normalized_shape, self.eps = shape, float(eps)
        self.elementwise_affine = bool(elementwise_affine)
        self.weight = self.bias = None
        if elementwise_affine:
            self.weight = new_parameter(shape, dtype, device)
            init.ones_(self.weight)
            if bias:
                self.bias = new_parameter(shape, dtype, device)

    def forward(self, x):
        k = len(self.normalized_shape)
        check_input(self, x, f"(*, {', '.join(map(str, self.normalized_shape))})",
                    lambda shape: tuple(shape[len(shape) - k:]) == self.normalized_shape
                    and len(shape) >= k)
        axes = tuple(range(x.ndim - k, x.ndim))
        centred = x - x.mean(axes, keepdims=True)
        variance = (centred * centred).mean(axes, keepdims=True)
        out = centred / (variance + self.eps).sqrt()
        if self.weight is not None:
            out = out * self.weight
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
