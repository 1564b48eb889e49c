"""Embedding, LayerNorm, LSTM, GRU, MultiheadAttention, TransformerEncoderLayer and
PositionalEncoding: gradcheck and gradgradcheck in float64, agreement with torch.nn given the
same weights (values and the gradients of every parameter and input), on both devices;
variable lengths against pack_padded_sequence; bad input.  Also the paper's M and L at logits
±1e4."""
import math

import numpy as np
import pytest
import torch

import minigrad as mg
from minigrad import nn
from minigrad.check import gradcheck, gradgradcheck
from minigrad.losses import l_loss, m_loss

KPM = np.array([[False, False, True], [False, True, True]])   # key padding, True = ignore
LENGTHS = [3, 2]


def t(array, device, grad=False):
    return mg.tensor(array, device=device, requires_grad=grad)


# name: (minigrad layer, torch layer, input shape or 'indices', extra kwargs as a function of
# the device (ours) and of nothing (torch), whether the output is a tuple)
CASES = {
    "embedding": (lambda: nn.Embedding(5, 3), lambda: torch.nn.Embedding(5, 3), "indices"),
    "embedding-padding": (lambda: nn.Embedding(5, 3, padding_idx=1),
                          lambda: torch.nn.Embedding(5, 3, padding_idx=1), "indices"),
    "layernorm": (lambda: nn.LayerNorm(4), lambda: torch.nn.LayerNorm(4), (2, 3, 4)),
    "layernorm-2d-no-affine": (lambda: nn.LayerNorm((3, 4), elementwise_affine=False),
                               lambda: torch.nn.LayerNorm((3, 4), elementwise_affine=False),
                               (2, 3, 4)),
    "lstm": (lambda: nn.LSTM(3, 2), lambda: torch.nn.LSTM(3, 2), (3, 2, 3)),
    "lstm-2-layers-batch-first": (lambda: nn.LSTM(3, 2, num_layers=2, batch_first=True),
                                  lambda: torch.nn.LSTM(3, 2, num_layers=2, batch_first=True),
                                  (2, 3, 3)),
    "gru": (lambda: nn.GRU(3, 2), lambda: torch.nn.GRU(3, 2), (3, 2, 3)),
    "gru-2-layers-batch-first": (lambda: nn.GRU(3, 2, num_layers=2, batch_first=True),
                                 lambda: torch.nn.GRU(3, 2, num_layers=2, batch_first=True),
                                 (2, 3, 3)),
    "mha": (lambda: nn.MultiheadAttention(4, 2), lambda: torch.nn.MultiheadAttention(4, 2),
            (3, 2, 4)),
    "mha-batch-first": (lambda: nn.MultiheadAttention(4, 2, batch_first=True),
                        lambda: torch.nn.MultiheadAttention(4, 2, batch_first=True), (2, 3, 4)),
    "encoder": (lambda: nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0),
                lambda: torch.nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0), (3, 2, 4)),
    "encoder-norm-first-batch-first": (
        lambda: nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, batch_first=True,
                                           norm_first=True),
        lambda: torch.nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, batch_first=True,
                                                 norm_first=True), (2, 3, 4)),
}
MASKED = ["lstm", "lstm-2-layers-batch-first", "gru", "gru-2-layers-batch-first", "mha",
          "mha-batch-first", "encoder", "encoder-norm-first-batch-first"]


def make(name, device):
    layer = CASES[name][0]().to(device, mg.float64)
    reference = CASES[name][1]().double()
    assert [k for k, _ in layer.named_parameters()] == [k for k, _ in reference.named_parameters()]
    reference.load_state_dict({k: torch.tensor(v.numpy()) for k, v in layer.state_dict().items()})
    return layer, reference


def indices():
    return np.array([[0, 1, 4], [1, 3, 3]])


def first(out):
    return out[0] if isinstance(out, tuple) else out


def run_ours(name, layer, x, masked, device):
    kind = name.split("-")[0]
    if kind in ("lstm", "gru"):
        return first(layer(x, lengths=LENGTHS if masked else None))
    if kind == "mha":
        return layer(x, x, x, key_padding_mask=t(KPM, device) if masked else None)
    if kind == "encoder":
        return layer(x, src_key_padding_mask=t(KPM, device) if masked else None)
    return layer(x)


def run_torch(name, layer, x, masked):
    kind = name.split("-")[0]
    if kind in ("lstm", "gru"):
        if not masked:
            out, state = layer(x)
            return (out,) + (state if kind == "lstm" else (state,))
        batch_first = layer.batch_first
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(LENGTHS), batch_first,
                                                         enforce_sorted=False)
        out, state = layer(packed)
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first, total_length=3)
        return (out,) + (state if kind == "lstm" else (state,))
    if kind == "mha":
        return layer(x, x, x, key_padding_mask=torch.tensor(KPM) if masked else None)
    if kind == "encoder":
        return layer(x, src_key_padding_mask=torch.tensor(KPM) if masked else None)
    return layer(x)


def full_ours(name, layer, x, masked, device):
    """Every output of our layer, flattened to a tuple of tensors (as run_torch's)."""
    kind = name.split("-")[0]
    if kind in ("lstm", "gru"):
        out, state = layer(x, lengths=LENGTHS if masked else None)
        return (out,) + (state if kind == "lstm" else (state,))
    return run_ours(name, layer, x, masked, device)


def cases_with_masks():
    return [(n, False) for n in CASES] + [(n, True) for n in MASKED]


@pytest.mark.parametrize("name,masked", cases_with_masks())
def test_matches_torch_values_and_gradients(name, masked, device):
    layer, reference = make(name, device)
    shape = CASES[name][2]
    if shape == "indices":
        x, x_ref = t(indices(), device), torch.tensor(indices())
    else:
        host = np.random.standard_normal(shape)
        x, x_ref = t(host, device, grad=True), torch.tensor(host, requires_grad=True)
    outs = full_ours(name, layer, x, masked, device)
    refs = run_torch(name, reference, x_ref, masked)
    outs = outs if isinstance(outs, tuple) else (outs,)
    refs = refs if isinstance(refs, tuple) else (refs,)
    assert len(outs) == len(refs)
    total, total_ref = 0.0, 0.0
    for out, ref in zip(outs, refs):
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-12)
        upstream = np.random.standard_normal(ref.shape)
        total = total + (out * t(upstream, device)).sum()
        total_ref = total_ref + (ref * torch.tensor(upstream)).sum()
    total.backward()
    total_ref.backward()
    if shape != "indices":
        np.testing.assert_allclose(x.grad.numpy(), x_ref.grad.numpy(), rtol=1e-10, atol=1e-12)
    reference_params = dict(reference.named_parameters())
    for key, p in layer.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), reference_params[key].grad.numpy(),
                                   rtol=1e-10, atol=1e-12, err_msg=key)


GRADCHECK = [("embedding", False), ("layernorm", False), ("lstm", True),
             ("gru-2-layers-batch-first", True), ("mha", True), ("encoder", True),
             ("encoder-norm-first-batch-first", True)]


def checked(name, device, masked):
    layer = CASES[name][0]().to(device, mg.float64)
    shape = CASES[name][2]
    x = t(indices(), device) if shape == "indices" else \
        t(np.random.standard_normal(shape), device, grad=True)

    def run(x, *params):
        return run_ours(name, layer, x, masked, device)
    return run, (x, *layer.parameters())


@pytest.mark.parametrize("name,masked", GRADCHECK)
def test_gradcheck(name, masked, device):
    run, inputs = checked(name, device, masked)
    assert gradcheck(run, inputs)


@pytest.mark.parametrize("name,masked", GRADCHECK)
def test_gradgradcheck(name, masked, device):
    run, inputs = checked(name, device, masked)
    assert gradgradcheck(run, inputs)


# --- behaviours ---------------------------------------------------------------------------------
def test_recurrent_state_is_frozen_past_each_length_and_outputs_are_zero(device):
    lstm = nn.LSTM(3, 2, batch_first=True).to(device, mg.float64)
    x = t(np.random.standard_normal((2, 4, 3)), device)
    out, (h, c) = lstm(x, lengths=[4, 2])
    assert np.all(out.numpy()[1, 2:] == 0)
    short, (h_short, c_short) = lstm(x[1:2, :2])
    np.testing.assert_allclose(h.numpy()[:, 1], h_short.numpy()[:, 0], rtol=1e-14)
    np.testing.assert_allclose(c.numpy()[:, 1], c_short.numpy()[:, 0], rtol=1e-14)


def test_recurrent_initial_state_matches_torch(device):
    for ours, theirs in ((nn.LSTM(3, 2, num_layers=2), torch.nn.LSTM(3, 2, num_layers=2)),
                         (nn.GRU(3, 2, num_layers=2), torch.nn.GRU(3, 2, num_layers=2))):
        ours.to(device, mg.float64)
        theirs.double().load_state_dict({k: torch.tensor(v.numpy())
                                         for k, v in ours.state_dict().items()})
        x = np.random.standard_normal((4, 2, 3))
        h0, c0 = np.random.standard_normal((2, 2, 2)), np.random.standard_normal((2, 2, 2))
        if isinstance(ours, nn.LSTM):
            out, _ = ours(t(x, device), (t(h0, device), t(c0, device)))
            ref, _ = theirs(torch.tensor(x), (torch.tensor(h0), torch.tensor(c0)))
        else:
            out, _ = ours(t(x, device), t(h0, device))
            ref, _ = theirs(torch.tensor(x), torch.tensor(h0))
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_initialisations_follow_torch():
    lstm = nn.LSTM(5, 16)
    bound = 1 / math.sqrt(16)
    for _, p in lstm.named_parameters():
        assert np.abs(p.numpy()).max() <= bound and np.abs(p.numpy()).max() > 0.8 * bound
    mha = nn.MultiheadAttention(8, 2)
    assert np.all(mha.in_proj_bias.numpy() == 0) and np.all(mha.out_proj.bias.numpy() == 0)
    xavier = math.sqrt(6 / (8 + 24))
    assert np.abs(mha.in_proj_weight.numpy()).max() <= xavier
    emb = nn.Embedding(10, 4, padding_idx=-1)
    assert emb.padding_idx == 9 and np.all(emb.weight.numpy()[9] == 0)
    norm = nn.LayerNorm(3)
    assert np.all(norm.weight.numpy() == 1) and np.all(norm.bias.numpy() == 0)


def test_attention_weights_per_head_and_attn_mask(device):
    layer, reference = make("mha-batch-first", device)
    host = np.random.standard_normal((2, 3, 4))
    causal = np.triu(np.ones((3, 3), dtype=bool), 1)
    out, w = layer(t(host, device), t(host, device), t(host, device), attn_mask=t(causal, device),
                   average_attn_weights=False)
    x = torch.tensor(host)
    ref, wr = reference(x, x, x, attn_mask=torch.tensor(causal), average_attn_weights=False)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(w.numpy(), wr.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert layer(t(host, device), t(host, device), t(host, device), need_weights=False)[1] is None


def test_positional_encoding_is_the_sinusoidal_table(device):
    pe = nn.PositionalEncoding(6, dropout=0.0, max_len=10, batch_first=True)
    out = pe(mg.zeros((2, 5, 6), dtype=mg.float64, device=device)).numpy()
    pos, i = np.arange(5)[:, None], np.arange(3)[None, :]
    angle = pos / 10000 ** (2 * i / 6)
    np.testing.assert_allclose(out[1, :, 0::2], np.sin(angle), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(out[1, :, 1::2], np.cos(angle), rtol=1e-14, atol=1e-15)
    x = t(np.random.standard_normal((5, 2, 6)), device, grad=True)
    assert gradcheck(lambda x: nn.PositionalEncoding(6, dropout=0.0)(x), (x,))


# --- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("build,word", [
    (lambda: nn.Embedding(0, 3), "num_embeddings"),
    (lambda: nn.Embedding(4, 3, padding_idx=4), "padding_idx"),
    (lambda: nn.LayerNorm(4, eps=0), "eps"),
    (lambda: nn.LayerNorm(()), "normalized_shape"),
    (lambda: nn.LSTM(3, 0), "hidden_size"),
    (lambda: nn.GRU(3, 2, num_layers=0), "num_layers"),
    (lambda: nn.LSTM(3, 2, dropout=2.0), "dropout"),
    (lambda: nn.MultiheadAttention(5, 2), "num_heads"),
    (lambda: nn.MultiheadAttention(0, 1), "embed_dim"),
    (lambda: nn.TransformerEncoderLayer(4, 2, activation="swish"), "activation"),
    (lambda: nn.PositionalEncoding(0), "d_model"),
])
def test_bad_arguments_are_named(build, word):
    with pytest.raises(ValueError, match=word):
        build()


def test_bad_inputs_are_refused_with_clear_messages():
    with pytest.raises(ValueError, match=r"indices must lie in \[0, 4\)"):
        nn.Embedding(4, 2)(mg.tensor([0, 4]))
    with pytest.raises(TypeError, match="integers"):
        nn.Embedding(4, 2)(mg.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"\(\*, 4\)"):
        nn.LayerNorm(4)(mg.zeros((2, 3)))
    lstm = nn.LSTM(3, 2)
    with pytest.raises(ValueError, match="input of shape"):
        lstm(mg.zeros((4, 2, 5)))
    with pytest.raises(ValueError, match="lengths must lie in"):
        lstm(mg.zeros((4, 2, 3)), lengths=[5, 1])
    with pytest.raises(ValueError, match="lengths must be 2 integers"):
        lstm(mg.zeros((4, 2, 3)), lengths=[1, 2, 3])
    with pytest.raises(ValueError, match=r"h_0 must have shape \(1, 2, 2\)"):
        lstm(mg.zeros((4, 2, 3)), (mg.zeros((1, 3, 2)), mg.zeros((1, 2, 2))))
    with pytest.raises(TypeError, match="hx must be a pair"):
        lstm(mg.zeros((4, 2, 3)), mg.zeros((1, 2, 2)))
    mha = nn.MultiheadAttention(4, 2)
    x = mg.zeros((3, 2, 4))
    with pytest.raises(ValueError, match=r"key_padding_mask must have shape \(2, 3\)"):
        mha(x, x, x, key_padding_mask=mg.tensor(np.zeros((3, 2), dtype=bool)))
    with pytest.raises(TypeError, match="key_padding_mask must be a bool"):
        mha(x, x, x, key_padding_mask=mg.zeros((2, 3)))
    with pytest.raises(ValueError, match="expected query of shape"):
        mha(mg.zeros((3, 2, 5)), x, x)
    with pytest.raises(ValueError, match="L ≤ 4"):
        nn.PositionalEncoding(4, max_len=4)(mg.zeros((5, 1, 4)))


# --- the paper's M and L where the target probability underflows -------------------------------
def logsumexp(z, axis):
    m = z.max(axis, keepdims=True)
    return (m + np.log(np.exp(z - m).sum(axis, keepdims=True))).squeeze(axis)


def closed_forms(logits, target, full):
    """log q per output in float64 NumPy: log p = z − logsumexp z and, for the full versions,
    log(1 − p_k) = logsumexp_{j≠k} z_j − logsumexp z (no underflow, no cancellation)."""
    z = logits.astype(np.float64)
    total = logsumexp(z, 1)[:, None]
    log_p = z - total
    c = z.shape[1]
    others = np.where(np.eye(c, dtype=bool)[None], -np.inf, z[:, None, :])
    log_not_p = logsumexp(others, 2) - total
    return np.where(target == 1, log_p, log_not_p if full else 0.0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("full", [False, True])
def test_m_and_l_stay_finite_at_extreme_logits(dtype, full, device):
    z_host = np.array([[1e4, -1e4, 0.0], [0.0, 1.0, 2.0], [-1e4, 1e4, 3.0]])
    y_host = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    floor = 0.5 * np.log(np.finfo(dtype).tiny)
    log_q = np.maximum(closed_forms(z_host, y_host, full), floor)
    q = np.exp(log_q)
    expected_m = (np.exp(-log_q) - 1).sum(1)
    expected_l = (1 / np.sqrt(q * (2 - q)) - 1).sum(1)
    for loss, expected in ((m_loss, expected_m), (l_loss, expected_l)):
        z = mg.tensor(z_host, dtype=dtype, device=device, requires_grad=True)
        y = mg.tensor(y_host, dtype=dtype, device=device)
        out = loss(z, y, full=full, from_logits=True, reduction="none")
        rtol = 1e-5 if dtype == "float32" else 1e-12
        np.testing.assert_allclose(out.numpy(), expected, rtol=rtol)
        out.sum().backward()
        assert np.all(np.isfinite(out.numpy())) and np.all(np.isfinite(z.grad.numpy()))
        # from probabilities: p underflows to exactly 0 (and 1); the clamp keeps it finite
        p = mg.tensor(z_host, dtype=dtype, device=device).softmax(axis=1).detach()
        p.requires_grad_()
        out_p = loss(p, y, full=full, reduction="none")
        out_p.sum().backward()
        assert np.all(np.isfinite(out_p.numpy())) and np.all(np.isfinite(p.grad.numpy()))
        np.testing.assert_allclose(out_p.numpy()[1], expected[1], rtol=10 * rtol)


def test_m_and_l_from_logits_match_the_probability_form_on_moderate_logits(device):
    z = np.random.standard_normal((4, 3))
    y = np.eye(3)[[0, 2, 1, 1]]
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    for loss in (m_loss, l_loss):
        for full in (False, True):
            a = loss(t(z, device), t(y, device), full=full, from_logits=True)
            b = loss(t(p, device), t(y, device), full=full)
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
    zb = np.random.standard_normal(5)
    yb = np.array([0.0, 1, 1, 0, 1])
    pb = 1 / (1 + np.exp(-zb))
    a = m_loss(t(zb, device), t(yb, device), full=True, from_logits=True)
    np.testing.assert_allclose(a.numpy(), m_loss(t(pb, device), t(yb, device), full=True).numpy(),
                               rtol=1e-12)
    zz = t(z, device, grad=True)
    assert gradcheck(lambda zz: l_loss(zz, t(y, device), full=True, from_logits=True), (zz,))
