# %% [markdown]
# # 09 · From minigrad to PyTorch
#
# minigrad is meant to be outgrown, and the next engine is PyTorch. Its names, arguments and
# defaults follow PyTorch's, so what you learnt here carries over. This lesson shows it on one
# model run in both engines side by side:
#
# 1. tensors cross between the two **without copies**, through DLPack;
# 2. a small MLP on scikit-learn's digits, with **identical initial weights** in both, trained
#    a few steps of SGD: the **losses, gradients and weights agree** at every step, to about
#    $10^{-12}$ in float64 and $10^{-6}$ in float32;
# 3. the **names that differ**, each with a check.
#
# PyTorch appears here only as the point of comparison; the minigrad engine never imports it.

# %%
import minigrad as mg
import numpy as np
import torch

from minigrad import losses, nn
from minigrad.data import load_digits
from minigrad.optim import SGD

print("torch", torch.__version__, "  minigrad", mg.__version__)

# %% [markdown]
# ## 1. DLPack: one memory, two engines
#
# DLPack is a small standard by which array libraries hand each other a pointer to their data,
# with its shape, strides, dtype and device. `torch.from_dlpack(t)` reads a minigrad tensor
# that way, and `mg.from_dlpack(x)` a torch tensor (or a NumPy or CuPy array). Nothing is
# copied: both objects then refer to the same bytes, and a write through one is seen by the
# other.


# %%
def address(x):
    """Where the first element of a minigrad or torch CPU tensor lives in memory."""
    return x.data_ptr() if isinstance(x, torch.Tensor) else x.data.ctypes.data


m = mg.randn(3, 4, dtype="float64")
t = torch.from_dlpack(m)                         # minigrad → torch
print(t.dtype, tuple(t.shape), " same memory:", address(t) == address(m))
assert address(t) == address(m) and t.dtype == torch.float64

t[0, 0] = 42.0                                   # write through torch ...
assert m[0, 0].item() == 42.0                    # ... read through minigrad

u = torch.arange(6, dtype=torch.float32).reshape(2, 3)
v = mg.from_dlpack(u)                            # torch → minigrad
assert address(v) == address(u) and v.dtype == mg.float32 and v.shape == (2, 3)
u.mul_(10)                                       # in place, in torch
print(v)
assert np.array_equal(v.numpy(), np.arange(6).reshape(2, 3) * 10)

# %% [markdown]
# Gradients do not travel through DLPack, only data. A minigrad tensor that requires grad
# refuses to be shared (torch would not see its graph); `.detach()` shares the same memory
# without the graph.

# %%
w = mg.randn(2, 2, dtype="float64", requires_grad=True)
try:
    torch.from_dlpack(w)
except RuntimeError as err:
    print("RuntimeError:", err)
else:
    raise AssertionError("a tensor that requires grad was shared")
assert address(torch.from_dlpack(w.detach())) == address(w)

# %% [markdown]
# ## 2. One model, two engines
#
# The digits set: 1797 images of 8×8 pixels (64 features), 10 classes, split and standardised
# by `minigrad.data.load_digits`. The model is the same two-layer perceptron in both engines,
#
# $$\text{logits} = W_2\,\operatorname{relu}(W_1 x + b_1) + b_2,\qquad
#   J = \text{cross-entropy}(\text{logits}, y),$$
#
# with PyTorch's layout ($W$ of shape (out, in)) and PyTorch's default initialisation in
# both. We build the minigrad model, then give the torch model the very same numbers: each
# torch parameter is filled from its minigrad twin, read through DLPack (one copy, into
# torch's own memory, so that the two models can then train independently).


# %%
def make_models(dtype, seed=0):
    mg.manual_seed(seed)
    ours = nn.Sequential(nn.Linear(64, 32, dtype=dtype), nn.ReLU(), nn.Linear(32, 10, dtype=dtype))
    theirs = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    theirs = theirs.to(getattr(torch, dtype))
    with torch.no_grad():
        for p_ours, p_theirs in zip(ours.parameters(), theirs.parameters()):
            p_theirs.copy_(torch.from_dlpack(p_ours.detach()))
    return ours, theirs


ours, theirs = make_models("float64")
for (name, p_ours), (name_t, p_theirs) in zip(ours.named_parameters(), theirs.named_parameters()):
    print(f"{name:9} {str(p_ours.shape):9} | torch {name_t:9} {tuple(p_theirs.shape)}")
    assert name == name_t and p_ours.shape == tuple(p_theirs.shape)
    assert np.array_equal(p_ours.numpy(), p_theirs.detach().numpy())
    assert address(p_theirs) != address(p_ours)       # their own memory from here on

# %% [markdown]
# Now a few steps of SGD with momentum on mini-batches of 64, the same batches in the same
# order for both. At every step we compare the loss, every parameter's gradient, and (after
# the step) every parameter. The inputs reach torch through DLPack, without a copy.
#
# The numbers cannot agree to the last bit: the two engines add up matrix products in
# different orders (different BLAS kernels) and compute the log-softmax by different formulas.
# They agree to rounding error, which we measure relative to the size of each quantity.


# %%
def relative(a, b):
    """max |a - b| / max |b|: the disagreement, in units of the quantity's own size."""
    a, b = np.asarray(a), np.asarray(b)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), np.finfo(b.dtype).tiny))


def side_by_side(dtype, steps=6, batch=64, lr=0.05, momentum=0.9):
    data = load_digits(dtype=dtype)
    ours, theirs = make_models(dtype)
    opt_ours = SGD(ours.parameters(), lr=lr, momentum=momentum)
    opt_theirs = torch.optim.SGD(theirs.parameters(), lr=lr, momentum=momentum)
    rows = []
    for step in range(steps):
        x = data.x_train[step * batch:(step + 1) * batch]
        y = data.y_train[step * batch:(step + 1) * batch]
        x_t, y_t = torch.from_dlpack(x), torch.from_dlpack(y)     # no copies
        assert address(x_t) == address(x)

        opt_ours.zero_grad()
        loss_ours = losses.cross_entropy(ours(x), y)
        loss_ours.backward()

        opt_theirs.zero_grad()
        loss_theirs = torch.nn.functional.cross_entropy(theirs(x_t), y_t)
        loss_theirs.backward()

        grads = max(relative(p.grad.numpy(), q.grad.numpy())
                    for p, q in zip(ours.parameters(), theirs.parameters()))
        opt_ours.step()
        opt_theirs.step()
        weights = max(relative(p.numpy(), q.detach().numpy())
                      for p, q in zip(ours.parameters(), theirs.parameters()))
        rows.append((step, loss_ours.item(), loss_theirs.item(),
                     relative(loss_ours.item(), loss_theirs.item()), grads, weights))
    return rows


def show(rows, dtype):
    print(f"{dtype}: step   loss (minigrad)      loss (torch)         Δloss     Δgrad     Δweights")
    for step, a, b, dl, dg, dw in rows:
        print(f"         {step}    {a:.15f}  {b:.15f}  {dl:.1e}   {dg:.1e}   {dw:.1e}")


rows64 = side_by_side("float64")
show(rows64, "float64")
assert all(max(r[3:]) < 1e-12 for r in rows64)
assert rows64[-1][1] < rows64[0][1]                  # and it learns

# %% [markdown]
# In float32 each rounding is about $6\cdot10^{-8}$ (the float32 machine epsilon is
# $1.2\cdot10^{-7}$), and sums of 64 terms accumulate a few of them:

# %%
rows32 = side_by_side("float32")
show(rows32, "float32")
assert all(max(r[3:]) < 5e-6 for r in rows32)
print("largest float32 disagreement:", f"{max(max(r[3:]) for r in rows32):.1e}")

# %% [markdown]
# ## 3. What changes in the names
#
# Most code reads the same in both engines: `Linear`, `Sequential`, `ReLU`, `SGD`, `Adam`,
# `zero_grad`, `backward`, `no_grad`, `cross_entropy(input, target, reduction='mean')`,
# `mse_loss`, `manual_seed`, `from_dlpack`. The differences:
#
# | what | minigrad | PyTorch |
# |---|---|---|
# | reduce along an axis | `x.sum(axis=0, keepdims=True)` (NumPy's names) | `x.sum(dim=0, keepdim=True)` |
# | softmax | `x.softmax(axis=-1)` (default: last axis) | `x.softmax(dim=-1)` (dim required) |
# | flatten layer | `nn.Flatten(start_axis=1)` | `nn.Flatten(start_dim=1)` |
# | all axes reversed | `x.T` (NumPy's `.T`, any rank) | `x.permute(*reversed(range(x.ndim)))` (`x.T` is deprecated beyond 2-D) |
# | two axes swapped | `x.transpose(0, 1)` | `x.transpose(0, 1)` (the same) |
# | change dtype | `x.astype('float64')`, `x.double()` | `x.to(torch.float64)`, `x.double()` |
# | vector norm | `x.norm(ord=2, axis=1)` | `torch.linalg.vector_norm(x, ord=2, dim=1)` |
# | to NumPy | `x.numpy()`: always a copy, from any device | `x.numpy()`: shares memory, CPU only, refuses `requires_grad` |
# | device | a string, `'cpu'` or `'cuda'` | a `torch.device` (`t.device.type` is the string) |
# | gradients without `.grad` | `mg.grad(out, inputs)` | `torch.autograd.grad(out, inputs)` |
# | the losses | `minigrad.losses.*` | `torch.nn.functional.*` |
# | random numbers | `mg.manual_seed(0)`: NumPy's generator | `torch.manual_seed(0)`: another stream of numbers |
#
# Each row, checked:

# %%
x_np = np.random.default_rng(0).standard_normal((3, 4, 5))
x, xt = mg.tensor(x_np), torch.tensor(x_np)


def same(a, b, tol=1e-12):
    a = a.numpy() if isinstance(a, mg.Tensor) else np.asarray(a)
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else np.asarray(b)
    return a.shape == b.shape and np.allclose(a, b, rtol=tol, atol=tol)


assert same(x.sum(axis=0, keepdims=True), xt.sum(dim=0, keepdim=True))
assert same(x.mean(axis=(0, 2)), xt.mean(dim=(0, 2)))
assert same(x.softmax(), xt.softmax(dim=-1))
assert same(nn.Flatten(start_axis=1)(x), torch.nn.Flatten(start_dim=1)(xt))
assert same(x.T, xt.permute(2, 1, 0))
assert same(x.transpose(0, 1), xt.transpose(0, 1))
assert x.astype("float32").dtype == mg.float32 and xt.to(torch.float32).dtype == torch.float32
assert same(x.norm(ord=2, axis=1), torch.linalg.vector_norm(xt, ord=2, dim=1))

copy = x.numpy()
copy[0, 0, 0] = 99.0                         # minigrad's .numpy() is a copy ...
assert x[0, 0, 0].item() != 99.0
view = xt.numpy()
view[0, 0, 0] = 99.0                         # ... torch's shares memory
assert xt[0, 0, 0].item() == 99.0
try:
    torch.zeros(2, requires_grad=True).numpy()   # ... and refuses a tensor that requires grad
except RuntimeError:
    pass
else:
    raise AssertionError("torch's .numpy() accepted a tensor that requires grad")

assert x.device == "cpu" and xt.device.type == "cpu"

a = mg.tensor(np.array([1.0, 2.0]), requires_grad=True)
at = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
(g,) = mg.grad((a ** 3).sum(), a)
(gt,) = torch.autograd.grad((at ** 3).sum(), at)
assert same(g, gt) and a.grad is None and at.grad is None

logits, labels = x_np[:, :, 0], np.array([0, 3, 1])
assert same(losses.cross_entropy(mg.tensor(logits), mg.tensor(labels), label_smoothing=0.1),
            torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(labels),
                                              label_smoothing=0.1))
assert same(losses.mse_loss(mg.tensor(logits), mg.tensor(logits ** 2), reduction="sum"),
            torch.nn.functional.mse_loss(torch.tensor(logits), torch.tensor(logits ** 2),
                                         reduction="sum"))

mg.manual_seed(0)
torch.manual_seed(0)
print("mg.randn:   ", mg.randn(3).numpy(), "\ntorch.randn:", torch.randn(3).numpy())
print("every row of the table checked")

# %% [markdown]
# ## What to take with you
#
# * The mathematics of this course — pointwise loss, empirical risk, regularised risk, the
#   chain rule — is the same in both engines, and so are the numbers, to rounding error.
# * DLPack moves tensors between libraries for free, in both directions; only data crosses,
#   never a graph.
# * The names differ in a handful of places (`axis`/`keepdims` against `dim`/`keepdim`
#   above all); the table is the whole list a minigrad user needs.
