"""The functions behind the layers: linear, conv2d, pooling, dropout (as torch.nn.functional).

They are compositions of engine operations, with no backward of their own (``linear`` is the
engine's Linear primitive, re-exported here where PyTorch users look for it): autograd
differentiates them through getitem, concatenate, reshape and matmul, and gradcheck checks
them like any other function.

Images are (N, C, H, W): batch, channels, height, width.
"""
from ..creation import full, generator, tensor
from ..functional import concatenate, linear, stack  # noqa: F401  (linear: the primitive)


def pair(value, name):
    """``value`` as a pair of ints (an int n is read as (n, n))."""
    pair_ = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair_) != 2 or not all(isinstance(v, int) for v in pair_):
        raise ValueError(f"{name}: expected an int or a pair of ints, got {value!r}")
    return pair_


def pad2d(x, padding, value=0.0):
    """x (N, C, H, W) with ``padding`` = (ph, pw) rows and columns of ``value`` on each side.

    Built from concatenate: the border is a constant, so the gradient of the padded tensor
    is the inner part of the upstream gradient.
    """
    ph, pw = padding
    n, c, h, w = x.shape
    if pw:
        side = full((n, c, h, pw), value, dtype=x.dtype, device=x.device)
        x = concatenate([side, x, side], axis=3)
    if ph:
        side = full((n, c, ph, w + 2 * pw), value, dtype=x.dtype, device=x.device)
        x = concatenate([side, x, side], axis=2)
    return x


def output_size(size, kernel, stride, padding):
    """Positions of a kernel sliding over ``size`` cells padded on both sides:
    ⌊(size + 2·padding − kernel) / stride⌋ + 1."""
    return (size + 2 * padding - kernel) // stride + 1


def unfold2d(x, kernel_size, stride=1, padding=0, pad_value=0.0):
    """The sliding windows of x (N, C, H, W), as a tensor (N, C, kh·kw, OH, OW) (im2col).

    windows[n, c, i·kw + j, r, s] = x_padded[n, c, r·sh + i, s·sw + j]

    One strided slice per kernel offset (i, j), stacked: kh·kw getitems, whatever the image
    size.  Each input cell receives, in the backward, the sum of the gradients of the windows
    it appears in.
    """
    (kh, kw), (sh, sw), padding = (pair(kernel_size, "kernel_size"), pair(stride, "stride"),
                                   pair(padding, "padding"))
    if x.ndim != 4:
        raise ValueError(f"unfold2d: expected an input (N, C, H, W), got shape {tuple(x.shape)}")
    x = pad2d(x, padding, pad_value)
    if x.shape[2] < kh or x.shape[3] < kw:
        raise ValueError(f"unfold2d: the kernel {(kh, kw)} is larger than the padded input "
                         f"{tuple(x.shape[2:])}")
    oh = output_size(x.shape[2], kh, sh, 0)
    ow = output_size(x.shape[3], kw, sw, 0)
    offsets = [x[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw]
               for i in range(kh) for j in range(kw)]
    return stack(offsets, axis=2)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """2-D cross-correlation, as torch.nn.functional.conv2d (no dilation, no groups).

    out[n, o, r, s] = b[o] + Σ_{c,i,j} W[o, c, i, j] · x_padded[n, c, r·sh + i, s·sw + j]

    computed as one matrix product: W reshaped to (O, C·kh·kw) times the windows reshaped to
    (N, C·kh·kw, OH·OW).
    """
    out_channels, in_channels, kh, kw = weight.shape
    windows = unfold2d(x, (kh, kw), stride, padding)
    n, c, _, oh, ow = windows.shape
    if c != in_channels:
        raise ValueError(f"conv2d: the input has {c} channels, the weight {in_channels}")
    columns = windows.reshape(n, c * kh * kw, oh * ow)
    out = (weight.reshape(out_channels, c * kh * kw) @ columns).reshape(n, out_channels, oh, ow)
    return out if bias is None else out + bias.reshape(1, out_channels, 1, 1)


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """The maximum of each window; padding cells are −∞, so they are never the maximum.

    The gradient goes to the maximum of each window.  Where a window holds tied maxima the
    engine shares it equally between them (PyTorch gives it all to one of them).
    """
    stride = kernel_size if stride is None else stride
    return unfold2d(x, kernel_size, stride, padding, pad_value=float("-inf")).max(axis=2)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """The mean of each window, padding zeros included (PyTorch's count_include_pad=True)."""
    stride = kernel_size if stride is None else stride
    return unfold2d(x, kernel_size, stride, padding).mean(axis=2)


def dropout(x, p=0.5, training=True):
    """In training, each element is zeroed with probability p and the rest scaled by 1/(1−p),
    so the expectation is unchanged; outside training, x itself.

    The mask comes from minigrad's generator (``minigrad.manual_seed``), drawn on the host.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must lie in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    keep = generator().random(x.shape) >= p
    return x * tensor(keep / (1.0 - p), dtype=x.dtype, device=x.device)
