# %% [markdown]
# # 03 · Where binary cross-entropy comes from: maximum likelihood
#
# Seed 002 says of binary cross-entropy: *"derived from Bernoulli likelihood"*, and of the
# mean squared error: *"MLE under Gaussian noise"*. This lesson carries out both derivations,
# one step at a time, and checks each step with the engine on generated data:
#
# $$
# \underbrace{\prod_i \hat y_i^{\,y_i}(1-\hat y_i)^{1-y_i}}_{\text{likelihood}}
# \xrightarrow{\ \log\ }
# \underbrace{\sum_i y_i\log\hat y_i + (1-y_i)\log(1-\hat y_i)}_{\text{log-likelihood } \ell}
# \xrightarrow{\ -\frac1N\ }
# \underbrace{\frac1N\sum_i \mathcal L_{\text{BCE}}(\hat y_i, y_i)}_{\text{mean BCE}}
# $$
#
# then derives the gradient of logistic regression, $\nabla_w J = X^\top(\hat y - y)/N$, and
# shows that the Gaussian likelihood gives the MSE in the same way.

# %%
import minigrad as mg
import math

import numpy as np

from minigrad import losses
from minigrad.check import gradcheck
from minigrad.optim import SGD
from minigrad_course import gallery
from minigrad_course.gallery import problems

# %% [markdown]
# ## 1. Generated data
#
# $N = 200$ points $x_i \in \mathbb R^2$ drawn from $\mathcal N(0, I)$, and labels drawn from
# the model we will fit, with known parameters:
#
# $$y_i \sim \text{Bernoulli}\big(\sigma(x_i^\top w^\star + b^\star)\big),\qquad
# w^\star = (1.5, -2),\ b^\star = 0.5.$$
#
# Everything is float64 and seeded.

# %%
rng = np.random.default_rng(3)
N = 200
w_true, b_true = np.array([1.5, -2.0]), 0.5
x_np = rng.standard_normal((N, 2))
y_np = (rng.random(N) < 1 / (1 + np.exp(-(x_np @ w_true + b_true)))).astype(np.float64)
X, y = mg.tensor(x_np), mg.tensor(y_np)
print(f"{N} points, {int(y_np.sum())} labelled 1")

# A candidate model, far from the truth: the likelihood will tell how plausible it makes the data.
w = mg.tensor(np.array([0.5, -0.5]), requires_grad=True)
b = mg.tensor(np.array(0.0), requires_grad=True)
p = (X @ w + b).sigmoid()          # ŷᵢ = P(yᵢ = 1 | xᵢ) under the candidate

# %% [markdown]
# ## 2. The Bernoulli likelihood
#
# A label $y \in \{0,1\}$ that is 1 with probability $\hat y$ has the probability mass
# function
#
# $$P(y \mid \hat y) = \hat y^{\,y}\,(1-\hat y)^{1-y}
#   = \begin{cases}\hat y & y = 1\\ 1-\hat y & y = 0.\end{cases}$$
#
# The labels are independent given the inputs, so the probability of all of them — the
# **likelihood** of the parameters — is the product
# $\mathcal{L}(w, b) = \prod_{i=1}^N \hat y_i^{\,y_i}(1-\hat y_i)^{1-y_i}$.
# The engine computes each factor with its `pow` primitive:

# %%
factors = p ** y * (1 - p) ** (1 - y)
expected = np.where(y_np == 1, p.numpy(), 1 - p.numpy())      # the two cases, as a check
assert np.allclose(factors.numpy(), expected, rtol=1e-14, atol=0)

likelihood = np.prod(factors.numpy())
print(f"likelihood of the candidate: {likelihood:.4e}")

# %% [markdown]
# A product of $N$ numbers below 1 shrinks exponentially: with ten times the data the same
# computation underflows to exactly 0 in float64, and its gradient is lost with it. The
# logarithm turns the product into a sum, and is increasing, so it keeps the maximiser.

# %%
p_big = mg.tensor(np.tile(p.numpy(), 10))
y_big = mg.tensor(np.tile(y_np, 10))
print("product of 2000 factors:", np.prod((p_big ** y_big * (1 - p_big) ** (1 - y_big)).numpy()))
assert np.prod((p_big ** y_big * (1 - p_big) ** (1 - y_big)).numpy()) == 0.0

# %% [markdown]
# ## 3. The log-likelihood
#
# $$\ell(w, b) = \log \mathcal{L}(w, b) = \sum_{i=1}^N \Big[y_i \log\hat y_i + (1-y_i)\log(1-\hat y_i)\Big].$$

# %%
loglik = (y * p.log() + (1 - y) * (1 - p).log()).sum()
print(f"ℓ = {loglik.item():.6f}   log of the product = {math.log(likelihood):.6f}")
assert math.isclose(loglik.item(), math.log(likelihood), rel_tol=1e-12)
assert math.isclose(loglik.item(), factors.log().sum().item(), rel_tol=1e-12)

# %% [markdown]
# ## 4. The negative log-likelihood is the binary cross-entropy
#
# Optimisers minimise, so we negate; and we divide by $N$ so that the scale of the objective
# (and of its gradient) does not grow with the data set:
#
# $$-\frac1N\,\ell(w,b) = \frac1N\sum_{i=1}^N -\Big[y_i\log\hat y_i + (1-y_i)\log(1-\hat y_i)\Big]
#   = \frac1N\sum_{i=1}^N \mathcal L_{\text{BCE}}(\hat y_i, y_i) = J(w, b).$$
#
# The catalogue's `binary_cross_entropy` gives the same numbers: its sum is the NLL, its
# mean the NLL divided by $N$.

# %%
nll = -loglik
bce_mean = losses.binary_cross_entropy(p, y)
bce_sum = losses.binary_cross_entropy(p, y, reduction="sum")
print(f"NLL = {nll.item():.6f},  N·BCE = {N * bce_mean.item():.6f},  "
      f"BCE(sum) = {bce_sum.item():.6f}")
assert math.isclose(nll.item(), bce_sum.item(), rel_tol=1e-13)
assert math.isclose(nll.item() / N, bce_mean.item(), rel_tol=1e-13)

# %% [markdown]
# So the parameters that make the data most probable are those of least mean BCE:
# $\nabla \ell = -N\,\nabla J$, the same direction reversed, zero at the same point.

# %%
grad_loglik = mg.grad(loglik, [w, b], retain_graph=True)
grad_bce = mg.grad(bce_mean, [w, b], retain_graph=True)
for g_l, g_j in zip(grad_loglik, grad_bce):
    assert np.allclose(g_l.numpy(), -N * g_j.numpy(), rtol=1e-12, atol=1e-15)
print("∇ℓ = -N ∇J:", grad_loglik[0].numpy(), "=", -N * grad_bce[0].numpy())

# %% [markdown]
# **The simplest case: a coin.** With no features, $\hat y = \theta$ for every sample, and
#
# $$\frac{d\ell}{d\theta} = \frac{\sum_i y_i}{\theta} - \frac{\sum_i (1-y_i)}{1-\theta} = 0
#   \iff \theta = \frac1N\sum_i y_i = \bar y:$$
#
# the maximum-likelihood estimate of a probability is the observed frequency. The engine's
# derivative of the mean BCE vanishes there, and is negative below, positive above.


# %%
def coin_bce(theta):
    return losses.binary_cross_entropy(theta.broadcast_to(y.shape), y)


slopes = {}
for theta in (y_np.mean() - 0.1, y_np.mean(), y_np.mean() + 0.1):
    t = mg.tensor(np.array(theta), requires_grad=True)
    (slopes[theta],) = mg.grad(coin_bce(t), t)
    print(f"θ = {theta:.3f}   dJ/dθ = {slopes[theta].item():+.2e}")
low, at_mean, high = slopes.values()
assert low.item() < 0 < high.item() and abs(at_mean.item()) < 1e-12

# %% [markdown]
# ## 5. The gradient of logistic regression, by the chain rule
#
# For one sample, with $z = x^\top w + b$ and $\hat y = \sigma(z)$:
#
# $$\frac{\partial\mathcal L}{\partial\hat y} = -\frac{y}{\hat y} + \frac{1-y}{1-\hat y}
#   = \frac{\hat y - y}{\hat y(1-\hat y)},\qquad
#   \frac{\partial\hat y}{\partial z} = \sigma(z)\big(1-\sigma(z)\big) = \hat y(1-\hat y),\qquad
#   \frac{\partial z}{\partial w} = x.$$
#
# The product of the first two is $\hat y - y$: the sigmoid's slope cancels the BCE's
# denominator. Averaged over the data,
#
# $$\nabla_w J = \frac1N X^\top(\hat y - y),\qquad \frac{\partial J}{\partial b} = \frac1N\sum_i(\hat y_i - y_i).$$
#
# The engine never sees these formulas; it applies the derivative of each primitive in turn.
# We ask it for the gradient at each link of the chain and compare:

# %%
z = X @ w + b
p = z.sigmoid()
J = losses.binary_cross_entropy(p, y)
dJ_dp, dJ_dz, dJ_dw, dJ_db = mg.grad(J, [p, z, w, b])

q, r = p.numpy(), p.numpy() - y_np
assert np.allclose(dJ_dp.numpy(), r / (q * (1 - q)) / N, rtol=1e-12, atol=0)  # ∂J/∂ŷ
assert np.allclose(dJ_dz.numpy(), r / N, rtol=1e-10, atol=1e-16)              # ∂J/∂z = (ŷ - y)/N
assert np.allclose(dJ_dw.numpy(), x_np.T @ r / N, rtol=1e-12, atol=0)         # Xᵀ(ŷ - y)/N
assert math.isclose(dJ_db.item(), r.mean(), rel_tol=1e-12)
print("autograd:", dJ_dw.numpy(), dJ_db.item())
print("formula: ", x_np.T @ r / N, r.mean())
assert gradcheck(lambda w, b: losses.binary_cross_entropy((X @ w + b).sigmoid(), y), [w, b])

# %% [markdown]
# **Maximum likelihood, by gradient descent on the BCE.** Descending $J$ climbs $\ell$; at
# the end the gradient is zero, and the estimate lies near the parameters that generated the
# data (not on them: 200 samples hold only so much information).

# %%
params = mg.tensor(np.zeros(3), requires_grad=True)        # (w₁, w₂, b)
X1 = mg.tensor(np.c_[x_np, np.ones(N)])                     # a column of ones carries b
optimiser = SGD([params], lr=2.0)
history = []
for step in range(300):
    optimiser.zero_grad()
    J = losses.binary_cross_entropy_with_logits(X1 @ params, y)
    J.backward()
    optimiser.step()
    history.append(-N * J.item())                           # ℓ = -N·J
w_hat = params.numpy()
(g,) = mg.grad(losses.binary_cross_entropy_with_logits(X1 @ params, y), params)
print("ℓ:", np.round(history[::60], 3))
print("MLE (w₁, w₂, b):", np.round(w_hat, 3), "  truth:", np.r_[w_true, b_true], "  |∇J| =",
      f"{np.abs(g.numpy()).max():.1e}")
assert np.all(np.diff(history) >= -1e-12)                   # ℓ never decreases
assert np.abs(g.numpy()).max() < 1e-6
assert np.abs(w_hat - np.r_[w_true, b_true]).max() < 1.0

# %% [markdown]
# ## 6. The figure: likelihood maximum = BCE minimum
#
# `gallery.likelihood.mle_bce` draws both cases. Left: for 50 coin flips, the mean
# log-likelihood and the mean BCE against $\theta$ (each the other upside down), with the
# engine's zero of $dJ/d\theta$ at $\bar y$. Right: the mean log-likelihood of a one-feature
# logistic regression over a grid of $(w, b)$; the grid's best point and the BCE minimiser
# found by gradient descent coincide (`gallery.problems` makes both data sets). The claims,
# first:

# %%
flips = problems.coin_flips()
theta = mg.tensor(np.array(flips.mean()), requires_grad=True)
flips_bce = losses.binary_cross_entropy(theta.broadcast_to(flips.shape), mg.tensor(flips))
(slope,) = mg.grad(flips_bce, theta)
assert abs(slope.item()) < 1e-12

surface = problems.logistic_likelihood_surface()
step = surface["w"][1] - surface["w"][0], surface["b"][1] - surface["b"][0]
gap = np.abs(np.subtract(surface["grid_argmax"], surface["bce_argmin"]))
print("grid maximum of ℓ:", np.round(surface["grid_argmax"], 3),
      "  BCE minimum:", np.round(surface["bce_argmin"], 3), "  grid step:", np.round(step, 3))
assert np.all(gap <= np.array(step))         # the same point, to the grid's resolution

# %%
gallery.show("mle_bce")

# %% [markdown]
# ## 7. The same story for regression: MSE is the Gaussian NLL
#
# Suppose the target is the model's prediction plus Gaussian noise,
# $y = \hat y + \varepsilon$ with $\varepsilon \sim \mathcal N(0, \sigma^2)$. Then
#
# $$p(y \mid \hat y) = \frac{1}{\sqrt{2\pi\sigma^2}}\exp\!\Big(-\frac{(y-\hat y)^2}{2\sigma^2}\Big),
# \qquad
# -\frac1N\sum_i \log p(y_i \mid \hat y_i) = \frac{1}{2\sigma^2}\,\underbrace{\frac1N\sum_i (y_i-\hat y_i)^2}_{\text{MSE}}
#   + \tfrac12\log(2\pi\sigma^2).$$
#
# For a fixed $\sigma$ the second term is a constant and the first a positive multiple of the
# MSE: maximising the Gaussian likelihood *is* minimising the MSE, whatever $\sigma$ is. The
# engine computes the NLL from the density itself (exp, then log), and compares.

# %%
rng = np.random.default_rng(7)
M, sigma = 300, 0.5
u = rng.uniform(-2, 2, M)
t_np = 1.2 * u - 0.7 + sigma * rng.standard_normal(M)       # a line plus N(0, σ²) noise
U, T = mg.tensor(u), mg.tensor(t_np)
a = mg.tensor(np.array([0.3, 0.1]), requires_grad=True)     # a candidate line: slope, intercept
prediction = a[0] * U + a[1]


def gaussian_density(value, mean, sigma):
    """N(mean, σ²) at value; σ may be a number or a tensor (then the engine differentiates it)."""
    return (-(value - mean) ** 2 / (2 * sigma ** 2)).exp() / (2 * math.pi * sigma ** 2) ** 0.5


# the density is a density: it integrates to 1 (a check of the formula, on a fine grid)
grid = np.linspace(-10, 10, 200001)
mass = gaussian_density(mg.tensor(grid), 0.0, sigma).numpy().sum() * (grid[1] - grid[0])
assert abs(mass - 1) < 1e-9

nll = -gaussian_density(T, prediction, sigma).log().mean()
mse = losses.mse_loss(prediction, T)
constant = 0.5 * math.log(2 * math.pi * sigma ** 2)
print(f"Gaussian NLL = {nll.item():.10f}   MSE/(2σ²) + ½log(2πσ²) = "
      f"{mse.item() / (2 * sigma ** 2) + constant:.10f}")
assert math.isclose(nll.item(), mse.item() / (2 * sigma ** 2) + constant, rel_tol=1e-12)

(g_nll,) = mg.grad(nll, a, retain_graph=True)   # keep the graph of `prediction` for the MSE
(g_mse,) = mg.grad(mse, a)
assert np.allclose(g_nll.numpy(), g_mse.numpy() / (2 * sigma ** 2), rtol=1e-10, atol=1e-15)
print("∇NLL =", g_nll.numpy(), "= ∇MSE / (2σ²)")

# %% [markdown]
# **And $\sigma$ itself?** Treat it as a parameter too. For a fixed fit, the NLL is smallest
# at $\hat\sigma^2 = \text{MSE}$: setting $\partial/\partial\sigma$ of
# $\text{MSE}/(2\sigma^2) + \log\sigma$ to zero gives $-\text{MSE}/\sigma^3 + 1/\sigma = 0$.
# We fit the line by least squares (gradient descent on the MSE), then ask the engine for
# $\partial\,\text{NLL}/\partial\sigma$ at $\sigma = \sqrt{\text{MSE}}$.

# %%
a = mg.tensor(np.zeros(2), requires_grad=True)
optimiser = SGD([a], lr=0.3)
for _ in range(200):
    optimiser.zero_grad()
    losses.mse_loss(a[0] * U + a[1], T).backward()
    optimiser.step()
least_squares = np.linalg.lstsq(np.c_[u, np.ones(M)], t_np, rcond=None)[0]
assert np.allclose(a.numpy(), least_squares, rtol=1e-8, atol=1e-10)

with mg.no_grad():
    fitted = a[0] * U + a[1]
mse_fit = losses.mse_loss(fitted, T).item()
s = mg.tensor(np.array(math.sqrt(mse_fit)), requires_grad=True)
(dnll_ds,) = mg.grad(-gaussian_density(T, fitted, s).log().mean(), s)
print(f"fitted line {np.round(a.numpy(), 4)};  σ̂ = √MSE = {s.item():.4f} "
      f"(noise used: {sigma});  ∂NLL/∂σ there = {dnll_ds.item():.1e}")
assert abs(dnll_ds.item()) < 1e-12
for scale, sign in ((0.5, -1), (1.5, +1)):     # below σ̂ the NLL falls, above it rises
    s_other = mg.tensor(np.array(scale * s.item()), requires_grad=True)
    (d_other,) = mg.grad(-gaussian_density(T, fitted, s_other).log().mean(), s_other)
    assert np.sign(d_other.item()) == sign

# %% [markdown]
# ## Summary
#
# | model of the label | likelihood | negative log-likelihood / N |
# |---|---|---|
# | Bernoulli($\hat y$) | $\prod \hat y^{\,y}(1-\hat y)^{1-y}$ | mean **BCE** |
# | Gaussian($\hat y$, $\sigma^2$) | $\prod \frac{1}{\sqrt{2\pi\sigma^2}} e^{-(y-\hat y)^2/2\sigma^2}$ | **MSE**$/2\sigma^2$ + const |
#
# A loss is a modelling assumption about the noise on the labels: choose the likelihood, and
# the loss follows. Other noise models give other losses (Laplace noise gives the MAE,
# a categorical label the cross-entropy of lesson 05).
