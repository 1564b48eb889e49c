# %% [markdown]
# # 01 · A tour of minigrad
#
# This lesson follows one small loss from its formula to its gradient, and then to its second
# derivative, and shows each step that the engine takes:
#
# 1. **tensors**: what a tensor holds, its dtype rules, its device;
# 2. **a loss written with engine operations**: logistic regression on four points, scored by
#    binary cross-entropy;
# 3. **its graph**: the operations recorded while the loss was computed;
# 4. **backward, one node at a time**: the chain rule as a table;
# 5. **`.backward()`**, which agrees with the table, and **`gradcheck`**, which agrees with
#    finite differences;
# 6. **a second derivative** with `create_graph=True`: the Hessian of the loss.
#
# Every claim below is followed by a check that the notebook runs.

# %%
import minigrad as mg
import numpy as np
from IPython.display import display

from minigrad import losses
from minigrad.check import gradcheck, gradgradcheck
from minigrad.trace import trace_backward
from minigrad.viz import draw_graph, graph_text

# %% [markdown]
# ## 1. Tensors
#
# A `Tensor` is an n-dimensional array (NumPy on the CPU, CuPy on a GPU) together with three
# things autograd needs: `requires_grad` (should gradients flow to it?), `grad` (where
# `backward()` accumulates them) and the operation that produced it (`grad_fn`, `None` for a
# tensor you made yourself: a *leaf*).
#
# **Dtypes follow PyTorch.** Python floats become `float32`, Python ints `int64`; a NumPy
# array keeps its dtype, so a `float64` array gives a `float64` tensor. A Python number in an
# operation takes the tensor's dtype: `float32_tensor * 2.0` stays `float32`. Two tensors of
# different floating dtypes give the wider one.

# %%
a = mg.tensor([1.0, 2.0, 3.0])             # Python floats
i = mg.tensor([1, 2, 3])                   # Python ints
d = mg.tensor(np.array([1.0, 2.0, 3.0]))   # a NumPy float64 array
print(a.dtype, i.dtype, d.dtype, (a * 2.0).dtype, (a + d).dtype)

assert a.dtype == mg.float32 and i.dtype == mg.int64 and d.dtype == mg.float64
assert (a * 2.0).dtype == mg.float32       # the number took the tensor's dtype
assert (a + d).dtype == mg.float64         # float32 with float64: float64
assert a.double().dtype == mg.float64 and d.astype("float32").dtype == mg.float32

# %% [markdown]
# Only floating-point tensors can require a gradient: a derivative with respect to an integer
# (a class label, an index) has no meaning, and the engine says so.

# %%
try:
    mg.tensor([0, 1, 1], requires_grad=True)
except ValueError as err:
    print("ValueError:", err)
else:
    raise AssertionError("an int64 tensor accepted requires_grad=True")

# %% [markdown]
# **Devices.** Every tensor lives on a device, `'cpu'` or `'cuda'`. The array module of a
# device, `t.xp`, is NumPy for `'cpu'` and CuPy for `'cuda'`; every operation of the engine
# goes through it, so the same code runs on both. Data crosses between devices only when you
# ask: `t.to('cuda')` and `t.numpy()` (which always returns a host copy).

# %%
print(a.device, a.xp.__name__)
assert a.device == "cpu" and a.xp is np


def gpu_available():
    try:
        import cupy
        return bool(cupy.is_available())
    except Exception:  # CuPy missing, or no GPU / driver
        return False


if gpu_available():
    g = a.to("cuda")
    print(g.device, g.xp.__name__, (g * 2).numpy())
    assert np.array_equal((g * 2).numpy(), (a * 2).numpy())
    try:
        a + g                                   # two devices in one operation
    except Exception as err:
        print(type(err).__name__ + ":", err)
else:
    print("no GPU here: every tensor of this lesson stays on 'cpu'")

# %% [markdown]
# ## 2. A small loss, written with engine operations
#
# Logistic regression predicts the probability that $y = 1$ from a score $z = x^\top w + b$:
#
# $$\hat y = \sigma(z) = \frac{1}{1 + e^{-z}}.$$
#
# Binary cross-entropy scores a prediction $\hat y$ against the label $y \in \{0, 1\}$, and
# the loss of the model is its mean over the $N$ points:
#
# $$\mathcal L^{(i)} = -\big[y^{(i)} \log \hat y^{(i)} + (1 - y^{(i)}) \log(1 - \hat y^{(i)})\big],
# \qquad J(w, b) = \frac1N \sum_{i=1}^N \mathcal L^{(i)}.$$
#
# We write it with nothing but tensor operations, on four points in the plane, in `float64`
# (the precision that gradient checks need).

# %%
X = mg.tensor(np.array([[0.5, 1.0], [-1.0, 0.3], [1.5, -0.2], [-0.4, -1.2]]))
y = mg.tensor(np.array([1.0, 0.0, 1.0, 0.0]))
w = mg.tensor(np.array([0.2, -0.1]), requires_grad=True)
b = mg.tensor(np.array(0.0), requires_grad=True)

z = X @ w + b                       # scores, shape (4,)
p = z.sigmoid()                     # predicted probabilities ŷ
not_y = 1 - y                       # a constant: no gradient flows to it
loss = -(y * p.log() + not_y * (1 - p).log()).mean()
print("predictions", p.numpy().round(4))
print("loss       ", loss.item())

# %% [markdown]
# The catalogue's `minigrad.losses.binary_cross_entropy` is built from the same primitives
# (with PyTorch's clamp of each log at −100); on these points it gives the same number.

# %%
reference = losses.binary_cross_entropy(p, y)
print(reference.item())
assert abs(reference.item() - loss.item()) < 1e-15

# %% [markdown]
# ## 3. The graph
#
# While the loss was computed, each operation recorded a node: which primitive ran, and on
# which inputs. That record is the computational graph, and it is all that backward needs.
# `draw_graph` draws it (with Graphviz when the `dot` program is installed, else as an SVG
# made in Python, so it draws everywhere); grey boxes are constants, white ones tensors that need a gradient, blue ones operations. The edges into an
# operation with two inputs are labelled `a` and `b`, as in the derivative rules below.

# %%
names = {"X": X, "y": y, "w": w, "b": b, "z": z, "p": p, "1-y": not_y, "loss": loss}
draw_graph(loss, names=names)

# %% [markdown]
# The same graph as text, read from the loss down to the leaves. Note that `p` is read by two
# operations (`log(p)` and `1 - p`): its gradient will be the sum of two contributions.

# %%
print(graph_text(loss, names=names))

# %% [markdown]
# ## 4. Backward, one node at a time
#
# Backward visits the nodes in reverse topological order. At each node it knows the
# *upstream* gradient $g = \partial J / \partial\,\text{out}$, and passes to each input the
# vector-Jacobian product $g \cdot \partial\,\text{out} / \partial\,\text{in}$. For an
# elementwise operation that is a product element by element; the rule of each primitive is
# the one its docstring states. `trace_backward` records every step without touching any
# `.grad`.

# %%
trace = trace_backward(loss, names=names)
display(trace)

# %% [markdown]
# Three things to read in the table:
#
# * the mean divides by $N = 4$ and the final negation flips the sign: the gradient arriving
#   at `t7`, the per-point log-likelihood terms $-\mathcal L^{(i)}$, is $-\tfrac14$ for every
#   point (step 4);
# * at `p`, two gradients arrive and are summed ("sum over 2 uses");
# * at `z`, after `sigmoid` multiplies by its local derivative $\sigma(z)(1-\sigma(z))$, the
#   gradient is $(\hat y - y)/N$: the famous simplification of BCE after a sigmoid, which the
#   engine found without being told.

# %%
at_z = trace.grad(z).numpy()
print("dJ/dz from the trace:", at_z)
assert np.allclose(at_z, (p.numpy() - y.numpy()) / 4, rtol=1e-12, atol=0)  # a check, not a recipe

# %% [markdown]
# ## 5. `.backward()` agrees with the trace
#
# The trace left the graph intact, so `loss.backward()` can now run. It fills the `.grad` of
# each leaf that requires a gradient: `w` and `b`, not `X` or `y`.

# %%
loss.backward()
print("w.grad", w.grad.numpy(), " b.grad", b.grad.numpy())
assert np.array_equal(w.grad.numpy(), trace.grad(w).numpy())
assert np.array_equal(b.grad.numpy(), trace.grad(b).numpy())
assert X.grad is None and y.grad is None

# %% [markdown]
# For this model the gradient has a closed form, $\nabla_w J = X^\top(\hat y - y)/N$ and
# $\partial J/\partial b = \overline{\hat y - y}$; the engine matches it (the formula serves
# only as a check).

# %%
residual = p.numpy() - y.numpy()
assert np.allclose(w.grad.numpy(), X.numpy().T @ residual / 4, rtol=1e-12, atol=0)
assert np.isclose(b.grad.item(), residual.mean(), rtol=1e-12, atol=0)

# %% [markdown]
# A second `backward()` through the same graph is refused: its saved values were freed by
# the first (pass `retain_graph=True` to keep them).

# %%
try:
    loss.backward()
except RuntimeError as err:
    print("RuntimeError:", err)
else:
    raise AssertionError("a second backward through a freed graph ran")

# %% [markdown]
# **`gradcheck`** compares autograd with central differences,
# $\big(J(w + \varepsilon e_k) - J(w - \varepsilon e_k)\big) / 2\varepsilon$, element by
# element, in float64. It returns `True` or raises an error naming the worst elements.


# %%
def bce_of(w, b):
    p = (X @ w + b).sigmoid()
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()


assert gradcheck(bce_of, [w, b])
print("gradcheck passed")

# %% [markdown]
# ## 6. A second derivative: `create_graph=True`
#
# Each primitive's backward is itself written with tensor operations. With
# `create_graph=True` those operations are recorded too, so the gradient is a tensor with a
# graph of its own, and can be differentiated again. Differentiating each component of
# $\nabla_w J$ gives the Hessian
#
# $$H = \nabla_w^2 J = \frac1N X^\top \operatorname{diag}\big(\hat y (1 - \hat y)\big) X,$$
#
# which is positive semi-definite: the logistic loss is convex in $w$.

# %%
(grad_w,) = mg.grad(bce_of(w, b), w, create_graph=True)
print("gradient", grad_w.numpy(), " requires_grad:", grad_w.requires_grad)
hessian = np.stack([mg.grad(grad_w[k], w, retain_graph=True)[0].numpy() for k in range(2)])
print("Hessian\n", hessian)

q = p.numpy()
expected = X.numpy().T @ np.diag(q * (1 - q)) @ X.numpy() / 4
assert np.allclose(hessian, expected, rtol=1e-12, atol=1e-15)
assert np.all(np.linalg.eigvalsh(hessian) >= 0)           # convex
assert np.allclose(grad_w.numpy(), w.grad.numpy(), rtol=1e-12, atol=0)

# %% [markdown]
# `gradgradcheck` checks second derivatives against finite differences of the first.

# %%
assert gradgradcheck(bce_of, [w, b])
print("gradgradcheck passed")

# %% [markdown]
# ## 7. A real model: an MLP with cross-entropy
#
# The same tools read a model built from `nn` layers. Given the module, the trace names the
# parameters as `named_parameters()` does (`0.weight`, `2.bias`), the data `input` and
# `target`, and each intermediate by its operation. For matmul-like steps (`linear`,
# `logsoftmax`) it writes the local vector-Jacobian product out as numbers, next to its rule.

# %%
mg.manual_seed(0)
model = mg.nn.Sequential(mg.nn.Linear(3, 4), mg.nn.ReLU(), mg.nn.Linear(4, 3))
x_batch = mg.tensor([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])
labels = mg.tensor([0, 2])
mlp_loss = losses.cross_entropy(model(x_batch), labels)
mlp_trace = trace_backward(mlp_loss, module=model, inputs={"input": x_batch, "target": labels})
print(mlp_trace)

# %%
draw_graph(mlp_loss, module=model, inputs={"input": x_batch, "target": labels})

# %% [markdown]
# ## What comes next
#
# * **02** builds the same objects with names: pointwise loss, empirical risk, regularised
#   risk, and trains a regularised model.
# * **03** derives binary cross-entropy (and MSE) from maximum likelihood.
# * **09** runs one model in minigrad and in PyTorch side by side, with identical numbers.
