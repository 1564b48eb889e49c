"""Attention layers, as torch.nn: MultiheadAttention, TransformerEncoderLayer, and the
sinusoidal PositionalEncoding of "Attention is all you need" (Vaswani et al., 2017).

Composed of engine operations (no backward of their own).  Scaled dot-product attention per
head, with q, k, v the projections of query, key and value:

    weights = softmax(q kᵀ / √head_dim  (masked positions: −∞)),   out = weights v

Parameter names, shapes and initialisation as torch: in_proj_weight (3E, E) xavier-uniform,
in_proj_bias (3E,) and out_proj.bias zero, out_proj.weight as a Linear's.
"""
import math

import numpy as np

from ..creation import tensor
from ..functional import relu, where
from ..tensor import Tensor, float32
from . import functional as F
from . import init
from .layers import Dropout, LayerNorm, Linear, check_positive_int, new_parameter
from .module import Module


def _check_bool_mask(owner, name, mask, shape, x):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{owner}: {name} must be a minigrad Tensor, got {type(mask).__name__}")
    if mask.dtype.kind != "b":
        raise TypeError(f"{owner}: {name} must be a bool tensor (True = ignore), not {mask.dtype}")
    if tuple(mask.shape) != shape:
        raise ValueError(f"{owner}: {name} must have shape {shape}, got {tuple(mask.shape)}")
    if mask.device != x.device:
        raise ValueError(f"{owner}: {name} is on {mask.device}, the input on {x.device}")


def _check_dropout(name, dropout):
    if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) \
            or not 0.0 <= dropout <= 1.0:
        raise ValueError(f"{name}: dropout must lie in [0, 1], got {dropout!r}")
    return float(dropout)


class MultiheadAttention(Module):
    """Multi-head attention, as torch.nn.MultiheadAttention (kdim = vdim = embed_dim).

    ``mha(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True)`` → ``(output, weights)``.  query (L, N, E), key and value
    (S, N, E) ((N, L, E) with batch_first; unbatched (L, E) too); key_padding_mask (N, S) bool,
    True = ignore that key; attn_mask (L, S) or (N·num_heads, L, S), bool (True = not allowed)
    or float (added to the scores).  weights: (N, L, S) averaged over the heads (or
    (N, num_heads, L, S)), None when not need_weights.  A query whose keys are all masked gets
    NaN, as in torch.  Dropout on the weights in training mode.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, batch_first=False,
                 device="cpu", dtype=float32):
        super().__init__()
        check_positive_int(embed_dim, "embed_dim", "MultiheadAttention")
        check_positive_int(num_heads, "num_heads", "MultiheadAttention")
        if embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim ({embed_dim}) must be divisible by "
                             f"num_heads ({num_heads})")
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.head_dim = embed_dim // num_heads
        self.dropout = _check_dropout("MultiheadAttention", dropout)
        self.batch_first = bool(batch_first)
        self.in_proj_weight = new_parameter((3 * embed_dim, embed_dim), dtype, device)
        self.in_proj_bias = new_parameter((3 * embed_dim,), dtype, device) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
        init.xavier_uniform_(self.in_proj_weight)
        if bias:
            init.zeros_(self.out_proj.bias)

    def _check(self, name, x, batch_first):
        if not isinstance(x, Tensor):
            raise TypeError(f"{self!r}: {name} must be a minigrad Tensor, got {type(x).__name__}")
        if x.ndim not in (2, 3) or x.shape[-1] != self.embed_dim:
            order = "(N, L, " if batch_first else "(L, N, "
            raise ValueError(f"{self!r}: expected {name} of shape {order}{self.embed_dim}) or "
                             f"(L, {self.embed_dim}), got {tuple(x.shape)}")

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True):
        for name, x in (("query", query), ("key", key), ("value", value)):
            self._check(name, x, self.batch_first)
        if not query.ndim == key.ndim == value.ndim:
            raise ValueError(f"{self!r}: query, key and value must all be batched or all "
                             f"unbatched, got {query.ndim}, {key.ndim} and {value.ndim} dims")
        if key.shape != value.shape:
            raise ValueError(f"{self!r}: key and value must have the same shape, got "
                             f"{tuple(key.shape)} and {tuple(value.shape)}")
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = (t.unsqueeze(0) for t in (query, key, value))
            if key_padding_mask is not None and isinstance(key_padding_mask, Tensor) \
                    and key_padding_mask.ndim == 1:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif not self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        n, length, e = query.shape
        if key.shape[0] != n:
            raise ValueError(f"{self!r}: query and key must have the same batch size, got "
                             f"{n} and {key.shape[0]}")
        source = key.shape[1]
        heads, hd = self.num_heads, self.head_dim
        w, b = self.in_proj_weight, self.in_proj_bias
        q = F.linear(query, w[0:e], None if b is None else b[0:e])
        k = F.linear(key, w[e:2 * e], None if b is None else b[e:2 * e])
        v = F.linear(value, w[2 * e:], None if b is None else b[2 * e:])
        q = q.reshape(n, length, heads, hd).transpose(1, 2)       # (N, h, L, hd)
        k = k.reshape(n, source, heads, hd).transpose(1, 2)       # (N, h, S, hd)
        v = v.reshape(n, source, heads, hd).transpose(1, 2)
        scores = (q * (1.0 / math.sqrt(hd))) @ k.transpose(-2, -1)  # (N, h, L, S)
        if attn_mask is not None:
            scores = self._apply_attn_mask(scores, attn_mask, n, length, source)
        if key_padding_mask is not None:
            _check_bool_mask(repr(self), "key_padding_mask", key_padding_mask, (n, source), query)
            ignore = key_padding_mask.reshape(n, 1, 1, source)
            scores = where(ignore, scores._operand(float("-inf")), scores)
        weights = scores.softmax(axis=-1)
        dropped = F.dropout(weights, self.dropout, self.training) if self.dropout else weights
        out = (dropped @ v).transpose(1, 2).reshape(n, length, e)
        out = self.out_proj(out)
        if unbatched:
            out = out.squeeze(0)
        elif not self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(axis=1)
        return out, (weights.squeeze(0) if unbatched else weights)

    def _apply_attn_mask(self, scores, mask, n, length, source):
        if not isinstance(mask, Tensor):
            raise TypeError(f"{self!r}: attn_mask must be a minigrad Tensor, got "
                            f"{type(mask).__name__}")
        shapes = ((length, source), (n * self.num_heads, length, source))
        if tuple(mask.shape) not in shapes:
            raise ValueError(f"{self!r}: attn_mask must have shape {shapes[0]} or {shapes[1]}, "
                             f"got {tuple(mask.shape)}")
        mask = mask.reshape((1, 1) + tuple(mask.shape)) if mask.ndim == 2 else \
            mask.reshape(n, self.num_heads, length, source)
        if mask.dtype.kind == "b":
            return where(mask, scores._operand(float("-inf")), scores)
        return scores + mask

    def extra_repr(self):
        return (f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, "
                f"dropout={self.dropout}, batch_first={self.batch_first}")


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block, each with a residual connection and a
    LayerNorm, as torch.nn.TransformerEncoderLayer (activation 'relu' or a callable).

    norm_first=False (post-norm): x = norm1(x + sa(x)); x = norm2(x + ff(x)).
    norm_first=True (pre-norm):   x = x + sa(norm1(x)); x = x + ff(norm2(x)).
    sa(x) = dropout1(self_attn(x, x, x)), ff(x) = dropout2(linear2(dropout(act(linear1(x))))).
    ``layer(src, src_mask=None, src_key_padding_mask=None)``.
    """

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu",
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
                 device="cpu", dtype=float32):
        super().__init__()
        check_positive_int(dim_feedforward, "dim_feedforward", "TransformerEncoderLayer")
        dropout = _check_dropout("TransformerEncoderLayer", dropout)
        if activation == "relu":
            activation = relu
        elif not callable(activation):
            raise ValueError(f"TransformerEncoderLayer: activation must be 'relu' or a callable, "
                             f"got {activation!r}")
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, device=device, dtype=dtype)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, device=device, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, device=device, dtype=dtype)
        self.norm_first = bool(norm_first)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, device=device, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, device=device, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = activation

    def _sa_block(self, x, attn_mask, key_padding_mask):
        out, _ = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                need_weights=False)
        return self.dropout1(out)

    def _ff_block(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def forward(self, src, src_mask=None, src_key_padding_mask=None):
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask))
            x = self.norm2(x + self._ff_block(x))
        return x


def sinusoidal_table(max_len, d_model):
    """PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(pos / 10000^(2i/d)), as a
    NumPy float64 array (max_len, d_model)."""
    position = np.arange(max_len)[:, None]
    div = np.exp(np.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
    table = np.zeros((max_len, d_model))
    table[:, 0::2] = np.sin(position * div)
    table[:, 1::2] = np.cos(position * div)[:, :d_model // 2]
    return table


class PositionalEncoding(Module):
    """x + PE[:L] then dropout, PE the sinusoidal table of :func:`sinusoidal_table` (no
    parameters).  Input (L, N, d_model), or (N, L, d_model) with batch_first."""

    def __init__(self, d_model, dropout=0.1, max_len=5000, batch_first=False):
        super().__init__()
        check_positive_int(d_model, "d_model", "PositionalEncoding")
        check_positive_int(max_len, "max_len", "PositionalEncoding")
        self.d_model, self.max_len, self.batch_first = d_model, max_len, bool(batch_first)
        self.dropout = Dropout(_check_dropout("PositionalEncoding", dropout))
        self.table = sinusoidal_table(max_len, d_model)

    def forward(self, x):
        if not isinstance(x, Tensor):
            raise TypeError(f"{self!r}: expected a minigrad Tensor, got {type(x).__name__}")
        axis = 1 if self.batch_first else 0
        if x.ndim != 3 or x.shape[-1] != self.d_model or x.shape[axis] > self.max_len:
            order = "(N, L, " if self.batch_first else "(L, N, "
            raise ValueError(f"{self!r}: expected input of shape {order}{self.d_model}) with "
                             f"L ≤ {self.max_len}, got {tuple(x.shape)}")
        length = x.shape[axis]
        table = self.table[:length]
        table = table[None] if self.batch_first else table[:, None]
        pe = tensor(table, dtype=x.dtype, device=x.device)
        return self.dropout(x + pe)

    def extra_repr(self):
        return f"d_model={self.d_model}, max_len={self.max_len}, batch_first={self.batch_first}"
