"""Recurrent layers LSTM and GRU, with PyTorch's equations, gate order, parameter names,
shapes and initialisation, composed of engine operations (no backward of their own).

LSTM (gates i, f, g, o, stacked in that order in weight_ih_l{k} (4H, in) and weight_hh_l{k}):

    i = σ(W_ii x + b_ii + W_hi h + b_hi)     f = σ(W_if x + b_if + W_hf h + b_hf)
    g = tanh(W_ig x + b_ig + W_hg h + b_hg)  o = σ(W_io x + b_io + W_ho h + b_ho)
    c' = f ⊙ c + i ⊙ g                        h' = o ⊙ tanh(c')

GRU (gates r, z, n, in that order, (3H, in)):

    r = σ(W_ir x + b_ir + W_hr h + b_hr)     z = σ(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))      h' = (1 − z) ⊙ n + z ⊙ h

Every parameter starts U(−1/√H, 1/√H), as torch.  Input (L, N, in), or (N, L, in) with
``batch_first``, or unbatched (L, in); initial state (num_layers, N, H) (zeros if omitted).

Variable lengths: ``lengths`` (N ints in [1, L]) masks each sequence past its length — its
state stops changing, its outputs there are 0, and the final state returned is its state at
its last valid step: what torch gives for pack_padded_sequence(..., enforce_sorted=False)
followed by pad_packed_sequence(..., total_length=L).
"""
import math

import numpy as np

from .. import backend
from ..creation import zeros
from ..functional import sigmoid, stack, tanh, where
from ..tensor import Tensor, float32
from . import functional as F
from . import init
from .layers import check_positive_int
from .module import Module, Parameter


class _RNNBase(Module):
    """Shared set-up: parameters per layer, input checks, masks and the loop over layers."""

    gates = None  # 4 (LSTM) or 3 (GRU)

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, device="cpu", dtype=float32):
        super().__init__()
        name = type(self).__name__
        check_positive_int(input_size, "input_size", name)
        check_positive_int(hidden_size, "hidden_size", name)
        check_positive_int(num_layers, "num_layers", name)
        if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) \
                or not 0.0 <= dropout <= 1.0:
            raise ValueError(f"{name}: dropout must lie in [0, 1], got {dropout!r}")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bool(bias), bool(batch_first), float(dropout)
        bound = 1.0 / math.sqrt(hidden_size)
        g = self.gates * hidden_size
        for k in range(num_layers):
            fan_in = input_size if k == 0 else hidden_size
            shapes = [(f"weight_ih_l{k}", (g, fan_in)), (f"weight_hh_l{k}", (g, hidden_size))]
            if bias:
                shapes += [(f"bias_ih_l{k}", (g,)), (f"bias_hh_l{k}", (g,))]
            for pname, shape in shapes:
                p = Parameter(zeros(shape, dtype=dtype, device=device))
                init.uniform_(p, -bound, bound)
                setattr(self, pname, p)

    def layer_parameters(self, k):
        return (getattr(self, f"weight_ih_l{k}"), getattr(self, f"weight_hh_l{k}"),
                getattr(self, f"bias_ih_l{k}", None), getattr(self, f"bias_hh_l{k}", None))

    def _check_input(self, x):
        name = repr(self)
        if not isinstance(x, Tensor):
            raise TypeError(f"{name}: expected a minigrad Tensor, got {type(x).__name__}")
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            order = "(N, L, " if self.batch_first else "(L, N, "
            raise ValueError(f"{name}: expected input of shape {order}{self.input_size}) or "
                             f"(L, {self.input_size}), got {tuple(x.shape)}")

    def _check_state(self, state, what, batch, x):
        expected = (self.num_layers, batch, self.hidden_size)
        if not isinstance(state, Tensor):
            raise TypeError(f"{self!r}: {what} must be a minigrad Tensor, got "
                            f"{type(state).__name__}")
        if tuple(state.shape) != expected:
            raise ValueError(f"{self!r}: {what} must have shape {expected}, got "
                             f"{tuple(state.shape)}")
        if state.device != x.device:
            raise ValueError(f"{self!r}: {what} is on {state.device}, the input on {x.device}")

    def _masks(self, lengths, steps, batch, x):
        """One bool (N, 1) tensor per step, True where the step lies within the sequence."""
        if lengths is None:
            return None
        if isinstance(lengths, Tensor):
            lengths = lengths.numpy()
        lengths = np.asarray(lengths)
        if lengths.shape != (batch,) or lengths.dtype.kind not in "iu":
            raise ValueError(f"{self!r}: lengths must be {batch} integers (one per sequence), "
                             f"got {lengths.tolist()!r}")
        if batch and (lengths.min() < 1 or lengths.max() > steps):
            raise ValueError(f"{self!r}: lengths must lie in [1, {steps}] (the sequence "
                             f"length), got {lengths.tolist()}")
        valid = np.arange(steps)[:, None, None] < lengths[None, :, None]   # (L, N, 1)
        valid = backend.to_device(valid, x.device)
        return [Tensor._wrap(valid[t]) for t in range(steps)]

    def _run(self, x, initial, lengths):
        """(output, final states): initial is a tuple of (num_layers, N, H) tensors or None."""
        self._check_input(x)
        unbatched = x.ndim == 2
        if unbatched:
            x = x.unsqueeze(1)
            initial = None if initial is None else tuple(s.unsqueeze(1) for s in initial)
        elif self.batch_first:
            x = x.transpose(0, 1)
        steps, batch = x.shape[0], x.shape[1]
        if initial is None:
            initial = tuple(zeros((self.num_layers, batch, self.hidden_size), dtype=x.dtype,
                                  device=x.device) for _ in range(self.n_states))
        else:
            for what, s in zip(self.state_names, initial):
                self._check_state(s, what, batch, x)
        masks = self._masks(lengths, steps, batch, x)
        finals = [[] for _ in range(self.n_states)]
        for k in range(self.num_layers):
            if k > 0 and self.dropout and self.training:
                x = F.dropout(x, self.dropout, True)
            w_ih, w_hh, b_ih, b_hh = self.layer_parameters(k)
            projected = F.linear(x, w_ih, b_ih)                 # (L, N, gates·H), all steps
            state = tuple(s[k] for s in initial)
            outputs = []
            zero = None
            for t in range(steps):
                new = self.cell(projected[t], state, w_hh, b_hh)
                if masks is None:
                    state = new
                    outputs.append(new[0])
                else:
                    m = masks[t]
                    state = tuple(where(m, n, s) for n, s in zip(new, state))
                    if zero is None:
                        zero = new[0]._operand(0.0)
                    outputs.append(where(m, new[0], zero))
            x = stack(outputs, axis=0)
            for i, s in enumerate(state):
                finals[i].append(s)
        finals = tuple(stack(f, axis=0) for f in finals)
        if unbatched:
            return x.squeeze(1), tuple(f.squeeze(1) for f in finals)
        return (x.transpose(0, 1) if self.batch_first else x), finals

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        return text


class LSTM(_RNNBase):
    """Long short-term memory, as torch.nn.LSTM (one direction, no proj_size).

    ``lstm(x, hx=None, lengths=None)`` → ``output, (h_n, c_n)``: output (L, N, H) (or
    (N, L, H) with batch_first), h_n and c_n (num_layers, N, H).
    """

    gates, n_states, state_names = 4, 2, ("h_0", "c_0")

    def cell(self, x_part, state, w_hh, b_hh):
        h, c = state
        gates = x_part + F.linear(h, w_hh, b_hh)
        size = self.hidden_size
        i = sigmoid(gates[:, 0:size])
        f = sigmoid(gates[:, size:2 * size])
        g = tanh(gates[:, 2 * size:3 * size])
        o = sigmoid(gates[:, 3 * size:])
        c = f * c + i * g
        return o * tanh(c), c

    def forward(self, x, hx=None, lengths=None):
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError(f"{self!r}: hx must be a pair (h_0, c_0), got {type(hx).__name__}")
        output, (h, c) = self._run(x, None if hx is None else tuple(hx), lengths)
        return output, (h, c)


class GRU(_RNNBase):
    """Gated recurrent unit, as torch.nn.GRU (one direction).

    ``gru(x, hx=None, lengths=None)`` → ``output, h_n``.
    """

    gates, n_states, state_names = 3, 1, ("h_0",)

    def cell(self, x_part, state, w_hh, b_hh):
        (h,) = state
        hidden = F.linear(h, w_hh, b_hh)
        size = self.hidden_size
        r = sigmoid(x_part[:, 0:size] + hidden[:, 0:size])
        z = sigmoid(x_part[:, size:2 * size] + hidden[:, size:2 * size])
        n = tanh(x_part[:, 2 * size:] + r * hidden[:, 2 * size:])
        return ((1.0 - z) * n + z * h,)

    def forward(self, x, hx=None, lengths=None):
        output, (h,) = self._run(x, None if hx is None else (hx,), lengths)
        return output, h
