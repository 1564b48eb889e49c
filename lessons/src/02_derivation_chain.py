# %% [markdown]
# # 02 · From one prediction to a trained model: the derivation chain
#
# Seed 002 builds the objective of supervised learning in four links, and minigrad is laid
# out in the same order:
#
# $$
# \underbrace{\mathcal L^{(i)} = \mathcal L\big(f(x^{(i)}; W),\, y^{(i)}\big)}_{\text{pointwise loss}}
# \;\longrightarrow\;
# \underbrace{J(W) = \frac1n \sum_{i=1}^n \mathcal L^{(i)}}_{\text{empirical risk}}
# \;\longrightarrow\;
# \underbrace{J(W) + \lambda\,\Omega(W)}_{\text{regularised risk}}
# \;\longrightarrow\;
# \nabla_W \text{ by the chain rule.}
# $$
#
# | link | minigrad |
# |---|---|
# | pointwise loss $\mathcal L^{(i)}$ | any loss with `reduction='none'` |
# | empirical risk $J(W)$ | `empirical_risk(pointwise)`, the same as `reduction='mean'` |
# | penalty $\Omega(W)$ | `l2_penalty(params)` $=\sum w^2$, `l1_penalty(params)` $=\sum \lvert w\rvert$ |
# | regularised risk | `regularized_risk(pointwise, params, lam)` |
# | gradients | `J.backward()` fills every parameter's `.grad` |
#
# We follow the chain link by link, and check each claim with the engine.

# %%
import minigrad as mg
import math

import numpy as np
from minigrad import losses
from minigrad.check import gradcheck
from minigrad.data import load_breast_cancer
from minigrad.losses import empirical_risk, l1_penalty, l2_penalty, regularized_risk
from minigrad.optim import SGD
from minigrad_course import gallery
from minigrad_course.gallery import problems

# %% [markdown]
# ## 1. The pointwise loss: one prediction, one number
#
# Binary cross-entropy of a predicted probability $\hat y$ against a label $y \in \{0,1\}$,
#
# $$\mathcal L_{\text{BCE}}(\hat y, y) = -\big[y\log\hat y + (1-y)\log(1-\hat y)\big],$$
#
# and the squared error of a regression, $\mathcal L_{\text{MSE}}(\hat y, y) = (y - \hat y)^2$.
# The seed gives three worked examples; the engine computes each.


# %%
def pointwise(loss, prediction, target):
    """The loss of one prediction (float64), and the prediction tensor it depends on."""
    p = mg.tensor(np.array([prediction]), requires_grad=True)
    return p, loss(p, mg.tensor(np.array([target])), reduction="none")


spam_p, spam = pointwise(losses.binary_cross_entropy, 0.8, 0.0)          # ŷ = 0.8, not spam
sick_p, sick = pointwise(losses.binary_cross_entropy, 0.1, 1.0)          # f(x) = 0.1, patient is ill
grade_p, grade = pointwise(losses.mse_loss, 30.0, 90.0)                  # predicted 30, true 90

print(f"spam filter  BCE(0.8, 0) = {spam.item():.3f}")
print(f"diagnosis    BCE(0.1, 1) = {sick.item():.3f}")
print(f"grades       (90 - 30)²  = {grade.item():.0f}")

assert round(spam.item(), 3) == 1.609 and math.isclose(spam.item(), -math.log(0.2), rel_tol=1e-12)
assert round(sick.item(), 3) == 2.303 and math.isclose(sick.item(), -math.log(0.1), rel_tol=1e-12)
assert grade.item() == 3600.0

# %% [markdown]
# **How hard does each example pull?** The gradient of the pointwise loss with respect to
# the prediction is what training feels. For BCE,
# $\partial\mathcal L/\partial\hat y = (\hat y - y)/\big(\hat y(1-\hat y)\big)$: $5$ for the spam
# filter, $-10$ for the diagnosis, and it "explodes near 0 or 1" (seed 002) when the
# prediction is confidently wrong. For the squared error,
# $\partial\mathcal L/\partial\hat y = 2(\hat y - y) = -120$ for the grades: the larger the
# error, the stronger the pull. The engine's gradients, checked against these formulas:

# %%
for p, loss in ((spam_p, spam), (sick_p, sick), (grade_p, grade)):
    loss.backward()
print(f"dL/dŷ:  spam {spam_p.grad.item():.4f},  diagnosis {sick_p.grad.item():.4f},  "
      f"grades {grade_p.grad.item():.4f}")
assert math.isclose(spam_p.grad.item(), 0.8 / (0.8 * 0.2), rel_tol=1e-12)     # = 5
assert math.isclose(sick_p.grad.item(), -1 / 0.1, rel_tol=1e-12)             # = -10
assert math.isclose(grade_p.grad.item(), 2 * (30 - 90), rel_tol=1e-12)       # = -120

confident = mg.tensor(np.array([0.5, 0.8, 0.9, 0.99, 0.999]), requires_grad=True)
losses.binary_cross_entropy(confident, mg.zeros(5, dtype="float64"), reduction="sum").backward()
for q, slope in zip(confident.numpy(), confident.grad.numpy()):
    print(f"y = 0, ŷ = {q:<6}  dL/dŷ = {slope:9.2f}")
assert np.allclose(confident.grad.numpy(), 1 / (1 - confident.numpy()), rtol=1e-10)

# %% [markdown]
# ## 2. The empirical risk: the mean over a data set
#
# A single pointwise loss is not what training minimises; the **empirical risk** is,
#
# $$J(W) = \frac1n \sum_{i=1}^n \mathcal L^{(i)}(W),$$
#
# an estimate of the expected loss over the data distribution (empirical risk minimisation).
#
# Our data: the breast-tumour diagnosis set bundled with scikit-learn (569 tumours, 30
# features, label 1 = benign), split 80/20 and standardised by `minigrad.data`. The model is
# a logistic regression, $f(x; W) = \sigma(x^\top w + b)$; we give the loss its logits
# $z = x^\top w + b$ (`binary_cross_entropy_with_logits`, the stable form of the same loss).

# %%
data = load_breast_cancer(dtype="float64")
X, y = data.x_train, data.y_train.astype("float64")
X_test, y_test = data.x_test, data.y_test.astype("float64")
n, d = X.shape
print(f"{n} training tumours, {d} features; {len(X_test)} test tumours")

w = mg.zeros(d, dtype="float64", requires_grad=True)
b = mg.zeros((), dtype="float64", requires_grad=True)


def pointwise_losses(w, b, X=X, y=y):
    """𝓛⁽ⁱ⁾ for every sample: BCE of the logits x⁽ⁱ⁾·w + b against y⁽ⁱ⁾, shape (n,)."""
    return losses.binary_cross_entropy_with_logits(X @ w + b, y, reduction="none")


L = pointwise_losses(w, b)
J = empirical_risk(L)
print("shape of the pointwise losses:", L.shape, "  J(0) =", J.item())

assert L.shape == (n,)
assert J.item() == losses.binary_cross_entropy_with_logits(X @ w + b, y).item()  # reduction='mean'
assert math.isclose(J.item(), L.sum().item() / n, rel_tol=1e-15)
assert math.isclose(J.item(), math.log(2), rel_tol=1e-12)  # every prediction is σ(0) = ½

# %% [markdown]
# **The pointwise losses give stochastic gradients.** The gradient of a mean is the mean of
# the gradients, $\nabla J = \frac1n\sum_i \nabla\mathcal L^{(i)}$: one sample's gradient is an
# unbiased, noisy estimate of $\nabla J$, which is what stochastic gradient descent follows.
# The engine agrees, sample by sample, at a random point $W$:

# %%
rng = np.random.default_rng(0)
w0 = mg.tensor(0.1 * rng.standard_normal(d), requires_grad=True)
b0 = mg.tensor(np.array(0.3), requires_grad=True)

J0 = empirical_risk(pointwise_losses(w0, b0))
grad_J = mg.grad(J0, [w0, b0])

per_sample = [mg.grad(pointwise_losses(w0, b0, X[i:i + 1], y[i:i + 1]).sum(), [w0, b0])
              for i in range(n)]
mean_w = np.mean([g[0].numpy() for g in per_sample], axis=0)
mean_b = np.mean([g[1].numpy() for g in per_sample])
spread = np.std([g[0].numpy() for g in per_sample], axis=0).mean()
print(f"|∇J|₂ = {np.linalg.norm(grad_J[0].numpy()):.4f};  one sample's gradient: mean spread "
      f"{spread:.4f} per weight")
assert np.allclose(mean_w, grad_J[0].numpy(), rtol=1e-10, atol=1e-15)
assert math.isclose(mean_b, grad_J[1].item(), rel_tol=1e-10)

# %% [markdown]
# ## 3. The regularised risk: $J(W) + \lambda\,\Omega(W)$
#
# A penalty on the size of the weights, added with a weight $\lambda \ge 0$, guards against
# overfitting (seed 002). With the L2 penalty $\Omega(W) = \sum_j w_j^2$ the gradient gains a
# term that pulls every weight towards 0 in proportion to its size,
#
# $$\nabla_w\big[J + \lambda\textstyle\sum_j w_j^2\big] = \nabla_w J + 2\lambda w,$$
#
# and with the L1 penalty $\Omega(W) = \sum_j |w_j|$ a pull of constant size,
# $\lambda\,\operatorname{sign}(w)$. We penalise the weights $w$, not the bias $b$ (a common
# choice: the bias only shifts the decision threshold).

# %%
assert math.isclose(l2_penalty([w0]).item(), float(np.sum(w0.numpy() ** 2)), rel_tol=1e-13)
assert math.isclose(l1_penalty([w0]).item(), float(np.sum(np.abs(w0.numpy()))), rel_tol=1e-13)

lam = 0.05
for penalty, extra in ((l2_penalty, 2 * lam * w0.numpy()), (l1_penalty, lam * np.sign(w0.numpy()))):
    J_reg = regularized_risk(pointwise_losses(w0, b0), [w0], lam, penalty=penalty)
    g_w, g_b = mg.grad(J_reg, [w0, b0])
    gained = g_w.numpy() - grad_J[0].numpy()
    print(f"{penalty.__name__}: J_reg = {J_reg.item():.5f}, the gradient gained "
          f"{np.round(gained[:3], 5)} ... (λ = {lam})")
    assert np.allclose(gained, extra, rtol=1e-10, atol=1e-15)   # 2λw, or λ·sign(w)
    assert g_b.item() == grad_J[1].item()                        # the bias is not penalised

# %% [markdown]
# `gradcheck` confirms the engine's gradient of the whole regularised risk against finite
# differences.

# %%
assert gradcheck(lambda w, b: regularized_risk(pointwise_losses(w, b), [w], lam), [w0, b0])
print("gradcheck of J(W) + λΩ(W) passed")

# %% [markdown]
# **Weight decay is the L2 penalty with another constant.** `SGD(weight_decay=κ)` (as in
# PyTorch) adds $\kappa w$ to the gradient: that is the gradient of $\frac\kappa2\sum w^2$,
# so `weight_decay = 2λ` in our notation. One step of each, from the same start, lands on
# the same weights:

# %%
def one_step(lam, weight_decay):
    w1 = mg.tensor(w0.numpy(), requires_grad=True)
    objective = regularized_risk(pointwise_losses(w1, b0.detach()), [w1], lam)
    objective.backward()
    SGD([w1], lr=0.1, weight_decay=weight_decay).step()
    return w1.numpy()


assert np.allclose(one_step(lam=lam, weight_decay=0.0), one_step(lam=0.0, weight_decay=2 * lam),
                   rtol=1e-12, atol=1e-15)
print("J + λΣw² with plain SGD  ==  J with SGD(weight_decay=2λ)")

# %% [markdown]
# ## 4. Backpropagation trains the model
#
# The last link: `J_reg.backward()` fills `w.grad` and `b.grad`, and gradient descent steps
# against them, $W \leftarrow W - \eta\,\nabla_W J_{\text{reg}}$. A few hundred full-batch
# steps per value of $\lambda$:


# %%
def accuracy(w, b, X, y):
    with mg.no_grad():
        return float(((X @ w + b > 0).astype("float64") == y).astype("float64").mean().item())


def train(lam, steps=300, lr=0.5):
    w = mg.zeros(d, dtype="float64", requires_grad=True)
    b = mg.zeros((), dtype="float64", requires_grad=True)
    optimiser = SGD([w, b], lr=lr)
    history = []
    for _ in range(steps):
        optimiser.zero_grad()
        J_reg = regularized_risk(pointwise_losses(w, b), [w], lam)
        J_reg.backward()
        optimiser.step()
        history.append(J_reg.item())
    return w, b, np.array(history)


results = {}
print("   λ     J_reg(train)  J(train)  J(test)  test accuracy   Σw²")
for lam in (0.0, 0.001, 0.01, 0.1):
    w_fit, b_fit, history = train(lam)
    with mg.no_grad():
        J_train = empirical_risk(pointwise_losses(w_fit, b_fit)).item()
        J_test = empirical_risk(pointwise_losses(w_fit, b_fit, X_test, y_test)).item()
    results[lam] = (w_fit, b_fit, history)
    print(f"{lam:6g}   {history[-1]:.4f}        {J_train:.4f}    {J_test:.4f}   "
          f"{accuracy(w_fit, b_fit, X_test, y_test):.3f}        {l2_penalty([w_fit]).item():7.3f}")
    assert np.all(np.diff(history) <= 1e-12), "full-batch descent with a small step never climbs"

norms = [l2_penalty([results[lam][0]]).item() for lam in results]
assert all(a > b for a, b in zip(norms, norms[1:])), "a larger λ gives smaller weights"
assert accuracy(*results[0.01][:2], X_test, y_test) > 0.95

# %% [markdown]
# A larger $\lambda$ buys smaller weights at the price of a higher training risk $J$. The
# risk on the held-out tumours is what $\lambda$ is tuned for.
#
# **The risk of a group.** Seed 002 notes that a diagnosis model that fails on one
# population raises the overall empirical risk. The mean over the whole set is the mean of
# the group risks weighted by group size, $J = \frac{n_A}{n}J_A + \frac{n_B}{n}J_B$: one badly
# served group shows in $J$, diluted by its share of the data. Here the groups are the largest
# quarter of the tumours (feature 0, the mean radius) and the rest:

# %%
w_fit, b_fit, _ = results[0.01]
with mg.no_grad():
    L_test = pointwise_losses(w_fit, b_fit, X_test, y_test).numpy()
large = X_test.numpy()[:, 0] > np.quantile(X_test.numpy()[:, 0], 0.75)
J_all, J_large, J_small = L_test.mean(), L_test[large].mean(), L_test[~large].mean()
print(f"J = {J_all:.4f};  largest quarter J_A = {J_large:.4f} (n_A = {large.sum()});  "
      f"the rest J_B = {J_small:.4f} (n_B = {(~large).sum()})")
assert math.isclose(J_all, (large.sum() * J_large + (~large).sum() * J_small) / len(L_test),
                    rel_tol=1e-12)

# %% [markdown]
# ## 5. Where the minimiser goes as $\lambda$ grows
#
# With two weights the whole picture fits on a page. `problems.regularization_path` finds the
# minimiser of $J(w) + \lambda\Omega(w)$ for several $\lambda$ on a logistic regression with
# one strong and one weak feature, by gradient descent with the engine. First, the claims
# behind the figure.
#
# *L2:* at each minimiser the gradient of `regularized_risk` is zero, and the weights shrink
# steadily towards 0 without reaching it.

# %%
x2, y2 = problems.two_weight_problem()
X2, Y2 = mg.tensor(x2), mg.tensor(y2)


def two_weight_risk(w):
    return losses.binary_cross_entropy_with_logits(X2 @ w, Y2, reduction="none")


path_l2 = problems.regularization_path(penalty="l2")
for lam, point in zip(problems.PATH_LAMBDAS, path_l2):
    w_star = mg.tensor(point, requires_grad=True)
    (g,) = mg.grad(regularized_risk(two_weight_risk(w_star), [w_star], lam), w_star)
    assert np.abs(g.numpy()).max() < 1e-8, (lam, g)
print(np.round(path_l2, 4))
assert np.all(np.diff(np.linalg.norm(path_l2, axis=1)) < 0) and np.all(path_l2 != 0)

# %% [markdown]
# *L1:* $w_j = 0$ is optimal as soon as $\lambda \ge |\partial J/\partial w_j|$ there — the
# pull of the penalty, $\lambda$, beats the pull of the data. At $w = 0$ the engine gives
# those thresholds; above them the L1 path sits on the axes (the weak weight leaves first).

# %%
w_zero = mg.zeros(2, dtype="float64", requires_grad=True)
(g0,) = mg.grad(empirical_risk(two_weight_risk(w_zero)), w_zero)
threshold = np.abs(g0.numpy())
print("a weight leaves the model for λ ≥", np.round(threshold, 4), "(strong, weak)")

path_l1 = problems.regularization_path(penalty="l1")
print(np.round(path_l1, 4))
for lam, point in zip(problems.PATH_LAMBDAS, path_l1):
    for j in range(2):
        if lam > threshold[j] + 0.01:   # the L1 path is within ~1e-3 of the exact minimiser
            assert abs(point[j]) < 5e-3, (lam, j, point)
        if lam < threshold[j] - 0.01:
            assert abs(point[j]) > 5e-3, (lam, j, point)

# %%
gallery.show("regularized_risk_paths")

# %% [markdown]
# The L2 penalty's pull, $2\lambda w$, fades as $w$ shrinks, so no weight ever reaches 0; the
# L1 pull, $\lambda\operatorname{sign}(w)$, keeps its size all the way, so weights land on 0
# and stay there: L1 selects features, L2 only shrinks them.
#
# **Summary.** Pointwise loss → empirical risk → regularised risk → gradient: four lines of
# minigrad (`reduction='none'`, `empirical_risk`, `regularized_risk`, `.backward()`), each
# checked above against the mathematics of the seed. Lesson 03 asks where the pointwise loss
# itself comes from.
