# %% [markdown]
# # 07 · Losses that train generators and agents
#
# Two families of losses whose targets are not simply given:
#
# * **generative** (seed 000's taxonomy: "reconstruction, adversarial"; its selection guide:
#   "generation: reconstruction + KL"): a variational autoencoder is trained to reconstruct
#   its input through a random code, and a generative adversarial network (GAN) is trained
#   against a second network that tries to tell its samples from real ones;
# * **reinforcement learning** (seed 002, §7): the temporal-difference (TD) loss, whose
#   target is built from the network's own estimates, and the policy-gradient loss, whose
#   "label" is the action the agent happened to take, weighted by how well it turned out.
#
# Each loss is checked against its mathematics with the engine's gradients, then used to
# train a small model (the `generative` and `rl` experiments, quick configurations).

# %%
import minigrad as mg
import inspect
import math

import numpy as np
from IPython.display import Image, display

from minigrad import losses
from minigrad.calculus import derivatives
from minigrad_course import gallery
from minigrad_course.experiments import base, generative, rl
from minigrad_course.gallery import problems




# %% [markdown]
# ## 1. The VAE loss: reconstruction + KL
#
# A VAE encodes an input $x$ into a Gaussian $q(z\mid x) = \mathcal N(\mu, \sigma^2)$ over a
# code $z$, draws $z = \mu + \sigma\varepsilon$ with $\varepsilon \sim \mathcal N(0, I)$, and
# decodes $z$ into a reconstruction $\hat x$. Its loss per input is the negative evidence lower
# bound,
#
# $$\mathcal L_{\text{VAE}} = \underbrace{\textstyle\sum_j \text{BCE}(\hat x_j, x_j)}_{\text{reconstruction}}
#   + \underbrace{\mathrm{KL}\big(\mathcal N(\mu, \sigma^2)\,\big\|\,\mathcal N(0, I)\big)}_{\text{keeps the codes near the prior}},
# \qquad \mathrm{KL} = -\tfrac12 \textstyle\sum_k \big(1 + \log\sigma_k^2 - \mu_k^2 - \sigma_k^2\big).$$
#
# `losses.vae_loss(x_recon, x, mu, logvar)` computes it (with $\log\sigma^2$ as `logvar`).
# First, that it is the sum of its two parts:

# %%
rng = np.random.default_rng(0)
x = mg.tensor(rng.random((5, 64)))
x_recon = mg.tensor(rng.uniform(0.05, 0.95, (5, 64)))
mu, logvar = mg.tensor(rng.normal(0, 1, (5, 2))), mg.tensor(rng.normal(0, 0.5, (5, 2)))
total = losses.vae_loss(x_recon, x, mu, logvar, reduction="none").numpy()
reconstruction = losses.binary_cross_entropy(x_recon, x, reduction="none").numpy().sum(axis=1)
kl = -0.5 * (1 + logvar.numpy() - mu.numpy() ** 2 - np.exp(logvar.numpy())).sum(axis=1)
assert np.allclose(total, reconstruction + kl, rtol=1e-12)
print("per image:", np.round(total, 3), "= reconstruction", np.round(reconstruction, 3),
      "+ KL", np.round(kl, 3))

# %% [markdown]
# **The KL term, checked by Monte Carlo.** The closed form above is a claim about an
# expectation: $\mathrm{KL}(q\,\|\,p) = \mathbb E_{z\sim q}[\log q(z) - \log p(z)]$. Averaging
# $\log q(z) - \log p(z)$ over many draws $z \sim q$ must approach it, within a few standard
# errors. `problems.kl_closed_form` reads the KL off `vae_loss` itself (a reconstruction of 0
# against a target of 0 costs nothing, so only the KL is left); `problems.kl_monte_carlo`
# averages over draws:

# %%
n_draws = 200_000
print("  μ      σ     closed form (vae_loss)   Monte Carlo ± standard error")
for k, (m, s) in enumerate(problems.KL_SETTINGS):
    exact = problems.kl_closed_form(m, s)[0]
    estimate, se = (v[-1] for v in problems.kl_monte_carlo(m, s, n_draws, seed=k))
    print(f"{m:5.1f}  {s:5.2f}      {exact:.4f}                 {estimate:.4f} ± {se:.4f}")
    assert abs(estimate - exact) < 4 * se and se < 0.01

# %% [markdown]
# **The gradient, and why the draw is written $z = \mu + \sigma\varepsilon$.** Training needs
# $\partial\mathcal L/\partial\mu$ and $\partial\mathcal L/\partial\log\sigma^2$ *through* the
# random draw. Written as $\mu + \sigma\varepsilon$ with $\varepsilon$ drawn separately (the
# *reparameterisation*), the draw is an ordinary function of $\mu$ and $\sigma$, and the
# engine differentiates through it. For the KL the closed-form gradients are $\mu$ and
# $\tfrac12(\sigma^2 - 1)$; the engine's gradient of the Monte Carlo estimate, one draw per
# copy of the parameters, must agree on average:

# %%
m, s = 1.0, 0.5
n = 100_000
eps = mg.tensor(np.random.default_rng(7).standard_normal(n))
mu_copies = mg.tensor(np.full(n, m), requires_grad=True)
logvar_copies = mg.tensor(np.full(n, 2 * math.log(s)), requires_grad=True)
z = mu_copies + (0.5 * logvar_copies).exp() * eps                   # the reparameterised draw
log_q = -0.5 * ((z - mu_copies) / (0.5 * logvar_copies).exp()) ** 2 - 0.5 * logvar_copies
log_p = -0.5 * z ** 2                                               # (the log 2π terms cancel)
g_mu, g_logvar = mg.grad((log_q - log_p).sum(), [mu_copies, logvar_copies])
for name, g, exact in (("∂KL/∂μ", g_mu.numpy(), m), ("∂KL/∂log σ²", g_logvar.numpy(),
                                                       0.5 * (s ** 2 - 1))):
    mean, se = g.mean(), g.std() / math.sqrt(n)
    print(f"{name:12s} Monte Carlo {mean:+.4f} ± {se:.4f}   closed form {exact:+.4f}")
    assert abs(mean - exact) < 4 * se

mu1 = mg.tensor(np.array([[m]]), requires_grad=True)
logvar1 = mg.tensor(np.array([[2 * math.log(s)]]), requires_grad=True)
zero = mg.zeros((1, 1), dtype="float64")
g_mu1, g_logvar1 = mg.grad(losses.vae_loss(zero, zero, mu1, logvar1), [mu1, logvar1])
assert math.isclose(g_mu1.item(), m) and math.isclose(g_logvar1.item(), 0.5 * (s ** 2 - 1))
gallery.show("vae_kl_monte_carlo")

# %% [markdown]
# **A floor under the reconstruction.** The digits' pixels are grey levels in $[0, 1]$, not
# 0/1 labels, so the BCE of even a perfect reconstruction $\hat x = x$ is not 0: it is the
# entropy $-[x\log x + (1-x)\log(1-x)]$ summed over the pixels. The experiment reports this
# floor (`generative.bce_floor`); the engine agrees:

# %%
x_train, y_train, x_test, y_test = generative.digits_unit_interval()
perfect = losses.binary_cross_entropy(mg.tensor(x_test.astype(np.float64)),
                                       mg.tensor(x_test.astype(np.float64)), reduction="none")
floor = perfect.numpy().sum(axis=1).mean()
print(f"BCE of a perfect reconstruction of the test digits: {floor:.2f} nats per image")
assert math.isclose(floor, generative.bce_floor(x_test), rel_tol=1e-9) and floor > 10

# %% [markdown]
# ## 2. A VAE learns the digits
#
# `minigrad_course.experiments.generative` trains a VAE with a 2-D code on the 8×8 digits (encoder
# and decoder MLPs 64 → 128 → 2 → 128 → 64, Adam) and, in the same run, the GAN of Section 4.
# Quick configuration: 15 VAE epochs, one seed.

# %%
gen = base.run_quick(generative)
(vae,) = gen["vae"]
print(f"test −ELBO: {vae['initial']:.1f} → {vae['final']:.1f} nats per image "
      f"(reconstruction {vae['reconstruction']:.1f}, floor {gen['vae_reconstruction_floor']:.1f};"
      f" KL {vae['kl']:.2f}); 5-NN accuracy of the digits in the 2-D code: {vae['latent_knn']:.0%}")
assert vae["final"] < vae["initial"] - 10 and vae["final"] > gen["vae_reconstruction_floor"]
assert vae["kl"] > 0.5            # the code carries information: KL = 0 would mean q = prior
assert vae["latent_knn"] > 0.4    # chance 0.1: the code sorts the digits without labels
assert 15 < vae["initial"] - vae["final"] < 25 and 1.0 < vae["kl"] < 2.2   # as quoted below
display(Image(filename=gen["figures"][0]))

# %% [markdown]
# The loss falls by some 20 nats per image. Its two parts pull against each other: the KL
# alone would set every $q(z\mid x)$ to the prior (KL = 0, a code that says nothing), the
# reconstruction alone would spread the codes apart. The trained code keeps a KL of about
# 1.5 nats and sorts the digits well above chance without ever seeing a label.
#
# ## 3. The GAN losses
#
# A discriminator $D$ outputs a logit $l$, read as $\sigma(l)$ = the probability that its
# input is real. It is trained with binary cross-entropy, real → 1 and generated → 0:
#
# $$\mathcal L_D = -\log\sigma(l_{\text{real}}) - \log\big(1 - \sigma(l_{\text{fake}})\big).$$
#
# The generator $G$ wants $D$ fooled. The original *minimax* game gives it the loss
# $\log\big(1 - \sigma(l_{\text{fake}})\big)$ (minus $D$'s term on its samples); the
# *non-saturating* alternative is $-\log\sigma(l_{\text{fake}})$. Both are minimised by
# raising $l_{\text{fake}}$. First the checks of composition, and of the value $2\log 2$ that
# $\mathcal L_D$ takes when $D$ cannot tell ($\sigma(l) = \tfrac12$ for everything):

# %%
real_logits, fake_logits = mg.tensor(rng.normal(1, 2, 64)), mg.tensor(rng.normal(-1, 2, 64))
d_loss = losses.gan_discriminator_loss(real_logits, fake_logits)
as_bce = (losses.binary_cross_entropy_with_logits(real_logits, mg.ones(64, dtype="float64"))
          + losses.binary_cross_entropy_with_logits(fake_logits, mg.zeros(64, dtype="float64")))
assert math.isclose(d_loss.item(), as_bce.item(), rel_tol=1e-12)
undecided = losses.gan_discriminator_loss(mg.zeros(8, dtype="float64"), mg.zeros(8, dtype="float64"))
assert math.isclose(undecided.item(), 2 * math.log(2), rel_tol=1e-12)
print(f"L_D = BCE(real → 1) + BCE(fake → 0) = {d_loss.item():.4f};  "
      f"when D cannot tell: {undecided.item():.4f} = 2 log 2")

# %% [markdown]
# **What the best discriminator does.** For a fixed generator with density $p_g$ and data
# density $p_{\text{data}}$, the expected $\mathcal L_D$ is minimised point by point at
# $\sigma(l^*(x)) = p_{\text{data}}(x)/\big(p_{\text{data}}(x) + p_g(x)\big)$. Gradient
# descent with the engine on a free logit at each point of a grid finds exactly that:

# %%
grid = np.linspace(-4, 4, 81)
p_data = generative.target_density(grid)                           # the experiment's target
p_g = np.exp(-0.5 * (grid / 1.5) ** 2) / (1.5 * math.sqrt(2 * math.pi))   # some generator
ones, zeros = mg.ones(grid.size, dtype="float64"), mg.zeros(grid.size, dtype="float64")
l = mg.zeros(grid.size, dtype="float64", requires_grad=True)
for _ in range(3000):      # at each x: p_data(x)·BCE(l, real → 1) + p_g(x)·BCE(l, fake → 0)
    expected = (mg.tensor(p_data) * losses.binary_cross_entropy_with_logits(l, ones, reduction="none")
                + mg.tensor(p_g) * losses.binary_cross_entropy_with_logits(l, zeros, reduction="none"))
    (g,) = mg.grad(expected.sum(), l)
    l = mg.tensor(l.numpy() - 20.0 * g.numpy(), requires_grad=True)
d_star = 1 / (1 + np.exp(-l.numpy()))
assert np.allclose(d_star, p_data / (p_data + p_g), atol=1e-4)
print("σ(l*) = p_data / (p_data + p_g) on the grid, to 1e-4")

# %% [markdown]
# **Saturating against non-saturating.** Early in training the generator's samples are poor
# and $D$ rejects them confidently: $l_{\text{fake}} \ll 0$. There the two generator losses
# differ completely. Their slopes in $l$ (engine) are
# $\partial/\partial l\,\log(1-\sigma(l)) = -\sigma(l)$ and
# $\partial/\partial l\,[-\log\sigma(l)] = -(1-\sigma(l))$: at $l = -6$, 0.0025 against 0.9975.

# %%
l_grid = np.array([-8.0, -6.0, -3.0, 0.0, 2.0])
_, slope_minimax = derivatives(
    lambda t: losses.gan_generator_loss(t, non_saturating=False, reduction="none"), l_grid, 1)
_, slope_ns = derivatives(
    lambda t: losses.gan_generator_loss(t, non_saturating=True, reduction="none"), l_grid, 1)
sig = 1 / (1 + np.exp(-l_grid))
assert np.allclose(slope_minimax, -sig) and np.allclose(slope_ns, -(1 - sig))
print("   l      minimax slope   non-saturating slope   ratio")
for q, a, b in zip(l_grid, slope_minimax, slope_ns):
    print(f"{q:5.1f}    {a:+.5f}        {b:+.5f}             {b / a:8.1f}")
assert np.all(slope_minimax < 0) and np.all(slope_ns < 0)      # both push l up
assert slope_ns[1] / slope_minimax[1] > 400                     # at l = −6

# %% [markdown]
# The same factor reaches the generator's weights, since both losses pass through the same
# $\partial l/\partial\theta_G$ (chain rule). A one-weight generator $G(z) = w z + b$ and a
# fixed discriminator that rejects its samples:

# %%
zs = mg.tensor(rng.standard_normal(256))
w_g = mg.tensor(np.array([0.3, -4.0]), requires_grad=True)     # G(z) = 0.3·z − 4: far from data


def discriminator(x):            # a fixed D: "real" near +2, so anything near −4 is fake
    return 3.0 - 1.5 * (x - 2.0) ** 2 / 4


def generator_gradient(non_saturating):
    fake = w_g[0] * zs + w_g[1]
    return mg.grad(losses.gan_generator_loss(discriminator(fake), non_saturating=non_saturating),
                   w_g)[0]


g_minimax, g_ns = generator_gradient(False), generator_gradient(True)
with mg.no_grad():
    d_of_fake = mg.sigmoid(discriminator(w_g[0] * zs + w_g[1])).mean().item()
print(f"mean D(G(z)) = {d_of_fake:.2e};  ∂/∂b: minimax "
      f"{g_minimax.numpy()[1]:+.2e}, non-saturating {g_ns.numpy()[1]:+.2e}")
assert abs(g_ns.numpy()[1]) > 1e4 * abs(g_minimax.numpy()[1])
assert np.sign(g_ns.numpy()[1]) == np.sign(g_minimax.numpy()[1]) == -1   # both: raise b
gallery.show("gan_generator_gradients")

# %% [markdown]
# Both losses agree on the direction (raise $b$, towards the data), but the minimax gradient
# is some $10^{4}$ times smaller: a generator that starts far from the data barely moves.
# That is why `gan_generator_loss` defaults to the non-saturating form.
#
# ## 4. A GAN learns a two-mode distribution
#
# The same `generative` run trained a GAN: a generator MLP from 4-D noise to one number, a
# discriminator MLP, one Adam step of each per batch, the non-saturating loss. The target is
# ½·N(−2, 0.5²) + ½·N(2, 0.5²). The score is the Wasserstein-1 distance between 5000
# generated and 5000 target samples (the mean gap between the sorted samples):

# %%
(gan,) = gen["gan"]
for key in ("untrained", "trained", "target"):
    st = gan[key]
    print(f"{key:10s} mean {st['mean']:+.3f}  std {st['std']:.3f}  fraction > 0 "
          f"{st['right_mode_fraction']:.3f}  W₁ to the target {st['w1']:.3f}")
assert gan["trained"]["w1"] < gan["untrained"]["w1"] / 3
assert abs(gan["trained"]["std"] / gan["target"]["std"] - 1) < 0.25
assert 0.3 < gan["trained"]["right_mode_fraction"] < 0.7        # both modes, not one
assert gan["untrained"]["std"] < 0.2 and gan["target"]["w1"] < 0.05
display(Image(filename=gen["figures"][1]))

# %% [markdown]
# The untrained generator puts everything in a narrow spike; the trained one covers both
# modes in about the right proportions. A second sample of the target itself is still at a
# W₁ of about 0.03 from the first: the floor no generator can beat with 5000 samples.
#
# ## 5. Reinforcement learning: the TD loss
#
# An agent in state $s$ takes action $a$, receives reward $r$ and lands in $s'$. Q-learning
# fits action values $Q(s, a)$ to the Bellman target with the loss of seed 002,
#
# $$\mathcal L_{\text{TD}} = \big(\,r + \gamma\,\max_{a'} Q(s', a';\ \theta^-) - Q(s, a;\ \theta)\,\big)^2,$$
#
# where $\theta^-$ are the weights of a *target network*, a copy of $\theta$ refreshed now and
# then. The target $y = r + \gamma\max_{a'}Q(s', a')$ is treated as a constant: `td_loss`
# detaches it, so no gradient flows into `next_q` even if it was computed with gradients.
#
# **Why the target gets no gradient.** The target is an estimate of $Q(s, a)$ that uses one
# more step of real experience; it is what $Q(s, a)$ should move towards, not something to
# move. A two-state chain shows what goes wrong otherwise: $s_1 \to s_2$ with reward 0, then
# $s_2 \to$ end with reward 1, $\gamma = 0.9$. Suppose $Q(s_2) = 1$ is already right and
# $Q(s_1) = 0$ is not. The TD loss of the transition $s_1 \to s_2$, with the engine:

# %%
gamma = 0.9
q_table = mg.tensor(np.array([[0.0], [1.0]]), requires_grad=True)   # Q(s1), Q(s2); one action
action = mg.tensor(np.array([0]))
reward, done = mg.tensor(np.array([0.0])), mg.tensor(np.array([0.0]))

q_s1, q_s2 = q_table[[0]], q_table[[1]]                  # next_q = Q(s2), computed WITH gradients
td = losses.td_loss(q_s1, action, reward, q_s2, done, gamma=gamma)
g_td, g_next = mg.grad(td, [q_table, q_s2], allow_unused=True)
q_s1, q_s2 = q_table[[0]], q_table[[1]]
residual = (reward + gamma * q_s2[:, 0] - q_s1[:, 0]) ** 2   # the same error, target not detached
(g_res,) = mg.grad(residual.mean(), q_table)
print("gradient on [Q(s1), Q(s2)]:  td_loss", g_td.numpy().ravel(),
      "   without detaching the target", g_res.numpy().ravel())
print("gradient that reaches next_q through td_loss:", g_next)
assert g_next is None or np.all(g_next.numpy() == 0)             # the target is detached
assert g_td.numpy()[1, 0] == 0.0                                  # Q(s2) is left alone
assert math.isclose(g_td.numpy()[0, 0], -2 * gamma * 1.0)         # Q(s1) moves up towards 0.9
assert g_res.numpy()[1, 0] > 0      # descent would LOWER the correct Q(s2) to shrink the error

# %% [markdown]
# Without the detach, a descent step also drags $Q(s_2)$ down towards $Q(s_1)/\gamma$: the
# error shrinks from both ends, and a value that was right gets worse. With the target fixed,
# only $Q(s_1)$ moves, towards $0.9$. The experiment goes further and computes `next_q` with a
# separate target network under `no_grad`:

# %%
source = inspect.getsource(rl.q_learning).splitlines()
lines = [k for k, line in enumerate(source) if "next_q" in line]
print("\n".join(source[lines[0] - 1:lines[-1] + 1]))
assert lines and any("no_grad" in source[k - 1] or "detach" in source[k] for k in lines)

# %% [markdown]
# **Q-learning on a gridworld.** `minigrad_course.experiments.rl`: a 4×4 grid, start top-left, goal
# bottom-right (+1), a pit at (1, 1) (−1), $\gamma = 0.9$. A Q-network (an MLP on the one-hot
# state) learns from a replay buffer of ε-greedy moves with `td_loss` and a target network.
# The exact $Q^*$ comes from value iteration, so we can check what was learned. Quick
# configuration: 2000 moves, one seed (the run also trains the policy-gradient agents of
# Section 6).

# %%
rl_results = base.run_quick(rl)
(q_run,) = rl_results["q_learning"]
print(f"max |Q − Q*| = {q_run['q_error']:.1e};  greedy policy reaches the goal from "
      f"{q_run['goal_fraction']:.0%} of the states;  return from the start "
      f"{q_run['start_return']:.3f} (optimum {rl_results['optimal_start_value']:.3f} = 0.9⁵)")
assert math.isclose(rl_results["optimal_start_value"], 0.9 ** 5)
assert q_run["q_error"] < 0.05 and q_run["goal_fraction"] == 1.0
assert math.isclose(q_run["start_return"], rl_results["optimal_start_value"])
assert q_run["curve"]["q_error"][-1] < q_run["curve"]["q_error"][0] / 20

# %% [markdown]
# ## 6. The policy-gradient loss
#
# A policy network gives action probabilities $\pi(a\mid s) = \mathrm{softmax}(\text{logits})$.
# The loss of seed 002,
#
# $$\mathcal L_{\text{PG}} = -\log\pi(a\mid s)\cdot A(s, a),$$
#
# looks like cross-entropy with the sampled action as the label, weighted by its advantage
# $A$ (how much better than usual it turned out; detached, like the TD target). Seed 002 says
# it "maximizes expected reward". That is the policy-gradient theorem, and on a three-armed
# bandit (one state, rewards $r = (1, 0, 0.5)$) we can check it exactly: the expected
# reward is $J(\theta) = \sum_a \pi_a r_a$, and averaging the loss's gradient over the actions,
# weighted by how often $\pi$ takes them, must give exactly $-\nabla J$:

# %%
rewards = np.array([1.0, 0.0, 0.5])
theta = mg.tensor(np.array([[0.2, 0.5, -0.3]]), requires_grad=True)
(grad_J,) = mg.grad((mg.softmax(theta, axis=1) * mg.tensor(rewards[None])).sum(), theta)

every_action = mg.tensor(np.arange(3))
pi = mg.softmax(theta, axis=1).detach()[0]                        # how often each is taken


def expected_pg_gradient(advantages):
    """Σ_a π(a)·∇[−log π(a)·A(a)]: the policy-gradient loss's gradient, in expectation."""
    per_action = losses.policy_gradient_loss(theta.broadcast_to((3, 3)), every_action,
                                             mg.tensor(advantages), reduction="none")
    return mg.grad((pi * per_action).sum(), theta)[0].numpy()


assert np.allclose(expected_pg_gradient(rewards), -grad_J.numpy(), rtol=1e-12, atol=1e-15)
baseline = float((pi.numpy() * rewards).sum())                    # b = J: the mean reward
assert np.allclose(expected_pg_gradient(rewards - baseline), -grad_J.numpy(), atol=1e-15)
print("E_π[∇ L_PG] = −∇J, with advantages r and with r − b:", np.round(-grad_J.numpy(), 4))

# %% [markdown]
# Subtracting a baseline $b$ from the advantages changes nothing on average, because
# $\sum_a \pi_a \nabla\log\pi_a = \nabla\sum_a\pi_a = 0$. It changes the *noise*: an agent
# only sees the actions it samples, one gradient per sample. Over 20 000 sampled actions:

# %%
sampled = mg.tensor(np.random.default_rng(1).choice(3, size=20_000, p=pi.numpy()))
spread = {}
for label, advantage in (("A = r", rewards), ("A = r − b", rewards - baseline)):
    logits_n = theta.detach().broadcast_to((20_000, 3))
    logits_n = mg.tensor(logits_n.numpy(), requires_grad=True)
    loss_n = losses.policy_gradient_loss(logits_n, sampled, mg.tensor(advantage[sampled.numpy()]),
                                         reduction="sum")
    (per_sample,) = mg.grad(loss_n, logits_n)               # row i: sample i's gradient
    mean, sd = per_sample.numpy().mean(axis=0), per_sample.numpy().std(axis=0)
    spread[label] = sd.mean()
    print(f"{label:10s} mean gradient {np.round(mean, 4)} (−∇J = {np.round(-grad_J.numpy()[0], 4)})"
          f"  spread per sample {sd.mean():.3f}")
    assert np.allclose(mean, -grad_J.numpy()[0], atol=4 * sd.max() / math.sqrt(20_000))
assert spread["A = r − b"] < 0.6 * spread["A = r"]

# %% [markdown]
# Same mean, less than half the spread: that is what the baseline buys. Sampled REINFORCE on
# the bandit, 300 steps of 16 pulls with the baseline, moves the policy onto the best arm:

# %%
logits_b = mg.zeros((1, 3), dtype="float64", requires_grad=True)
optimiser = mg.optim.Adam([logits_b], lr=0.05)
pull_rng = np.random.default_rng(2)
for _ in range(300):
    probs = mg.softmax(logits_b, axis=1).numpy()[0]
    arms = pull_rng.choice(3, size=16, p=probs)
    advantage = rewards[arms] - (probs * rewards).sum()
    optimiser.zero_grad()
    losses.policy_gradient_loss(logits_b.broadcast_to((16, 3)), mg.tensor(arms),
                                mg.tensor(advantage)).backward()
    optimiser.step()
final = mg.softmax(logits_b, axis=1).numpy()[0]
print("π after training:", np.round(final, 3))
assert final[0] > 0.9

# %% [markdown]
# **REINFORCE on the gridworld.** In the `rl` run, a policy network samples 16 episodes from
# the start per update; each step's advantage is its discounted return-to-go minus a learned
# baseline $b(s)$ (a value network fitted with `mse_loss`), or the bare return for a second
# agent without baseline. Its score is the expected discounted return of the policy from the
# start, computed exactly by solving the Bellman equation of $\pi$:

# %%
optimum, random_return = rl_results["optimal_start_value"], rl_results["random_start_value"]
for label, key in (("with baseline", "reinforce_baseline"),
                   ("without baseline", "reinforce_no_baseline")):
    (run,) = rl_results[key]
    curve = run["curve"]["expected_return"]
    print(f"REINFORCE {label:17s} expected return {curve[0]:+.3f} → {run['final_return']:+.3f}"
          f"  (random {random_return:+.3f}, optimum {optimum:.3f})")
    assert curve[0] < random_return + 0.1 and run["final_return"] > 0.75 * optimum
assert abs(random_return + 0.44) < 0.01
display(Image(filename=rl_results["figure"]))

# %% [markdown]
# Both agents climb from the random policy's −0.44 (it falls into the pit more often than it
# finds the goal) to most of the optimum in 100 updates. Seed 002's example of "autonomous
# driving" is this loop at scale: the reward defines what is learned, the loss only carries
# it into the weights.
#
# **Summary.** The VAE loss adds a reconstruction term and a KL term whose closed form the
# Monte Carlo average confirms, and reparameterisation lets the engine differentiate through
# the draw. The GAN's generator should use the non-saturating loss: against a confident
# discriminator the minimax gradient is thousands of times weaker. The TD loss must not
# differentiate its target, or it spoils values that are already right; the policy-gradient
# loss is, in expectation, exactly the gradient of the expected reward, and a baseline cuts
# its noise without changing its mean. Lesson 08 reads the paper's classification results
# against ours.
