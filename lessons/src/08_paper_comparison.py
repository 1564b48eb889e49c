# %% [markdown]
# # 08 · The paper's comparison, read honestly
#
# The paper of seed 001 (Noel et al., arXiv 2303.09935) makes two empirical claims:
#
# 1. its classification losses M, L, full M and full L "outperform the popular BCE loss on
#    all benchmarks and architectures considered" (its Tables 2–5);
# 2. its smooth absolute error (SMAE) is more robust to outliers than log-cosh and MSE
#    (its Fig. 4 and Table 1).
#
# Lessons 04 and 05 studied the losses themselves. Here we read the experiments that test
# the claims: `minigrad_course.experiments.compare_losses`, an offline analogue of Tables 2–5 (three
# small tasks, five losses, five seeds, the same model, data, optimiser and batches for every
# loss), and `minigrad_course.experiments.robust_regression` (Table 1, twenty seeds). We look at
# error bars, at differences paired by seed, at *when* the comparison is made, and at what
# the paper's own tables can and cannot show. First, the losses on one example.

# %%
import minigrad as mg
import json
import math
from pathlib import Path

import numpy as np
from IPython.display import Image, display

from minigrad import losses
from minigrad_course import RESULTS, ROOT, gallery
from minigrad_course.experiments import compare_losses, robust_regression
from minigrad_course.gallery import comparison
from minigrad_course.paper import TABLE_1, TABLES_2_5   # the paper's published numbers
from minigrad_course.plotting import show


def experiment_figure(results, mode):
    """The figure an experiment saved: figures/... for the full run, its temporary folder
    for a quick one."""
    path = ROOT / results["figure"] if mode == "full" else Path(results["figure"])
    if path.exists():
        display(Image(filename=str(path)))
    else:
        print(f"{path} not found: run python -m minigrad_course {results['experiment']}")


# %% [markdown]
# ## 1. Five losses on one misclassified digit
#
# Seed 002's example of categorical cross-entropy: "if the true digit is 4 but the model
# predicts class 2 with high probability, a large loss is incurred". With logits that give
# $p_2 = 0.85$ and $p_4 = 0.03$, cross-entropy is $-\log p_4$; the paper's M is $1/p_4 - 1$
# (summed over the outputs, of which only the true one counts), L is
# $1/\sqrt{1 - (1-p_4)^2} - 1$, and the full versions add the penalties of the outputs that
# should be 0.

# %%
p = np.full(10, 0.12 / 8)
p[2], p[4] = 0.85, 0.03
logits = mg.tensor(np.log(p)[None], requires_grad=True)        # softmax(logits) = p
label = mg.tensor(np.array([4]))
onehot = mg.tensor(np.eye(10)[[4]])


def paper(loss, **kwargs):
    return lambda z: loss(mg.softmax(z, axis=1), onehot, **kwargs)


five = {"CE": lambda z: losses.cross_entropy(z, label),
        "M": paper(losses.m_loss), "L": paper(losses.l_loss),
        "full M": paper(losses.m_loss, full=True), "full L": paper(losses.l_loss, full=True)}
values, grads = {}, {}
for name, fn in five.items():
    value = fn(logits)
    (g,) = mg.grad(value, logits)
    values[name], grads[name] = value.item(), g.numpy()[0]
    print(f"{name:7s} loss {values[name]:8.3f}   ∂loss/∂logit of the true class {grads[name][4]:+8.3f},"
          f" of class 2 {grads[name][2]:+8.3f}")
assert math.isclose(values["CE"], -math.log(0.03), rel_tol=1e-12)
assert math.isclose(values["M"], 1 / 0.03 - 1, rel_tol=1e-12)
assert math.isclose(values["L"], 1 / math.sqrt(1 - 0.97 ** 2) - 1, rel_tol=1e-12)

# %% [markdown]
# Cross-entropy's gradient with respect to the logits is $p - \text{onehot}(y)$. For plain M
# the chain rule through the softmax gives $\partial\mathcal L_M/\partial z =
# -\frac{1}{p_y^2}\,p_y(\text{onehot} - p) = \frac{1}{p_y}(p - \text{onehot})$: **the same
# direction as cross-entropy's, scaled by $1/p_y$**. So on each sample M is cross-entropy
# with a weight $1/p_y$ that grows as the sample gets more wrong (here 33), and L is
# cross-entropy with the weight $|\partial\mathcal L_L/\partial p_y|\cdot p_y$. The engine
# agrees:

# %%
p_y = 0.03
assert np.allclose(grads["CE"], p - np.eye(10)[4])
assert np.allclose(grads["M"], grads["CE"] / p_y)
weight_L = (1 - p_y) / (p_y * (2 - p_y)) ** 1.5 * p_y
assert np.allclose(grads["L"], weight_L * grads["CE"])
print(f"per-sample weights relative to cross-entropy at p_y = {p_y}: M {1 / p_y:.1f}, "
      f"L {weight_L:.2f}")

# %% [markdown]
# Which sample gets how much of a batch's gradient is what differs. With an optimiser like
# Adam, which divides each step by a running scale of the gradient, an overall factor does not
# matter; the relative weights between samples do.
#
# **Cross-entropy and the KL divergence (seed 003).** For a target distribution $t$ and
# predicted $q$, $\text{CE}(t, q) = H(t) + \mathrm{KL}(t\,\|\,q)$, so minimising one minimises
# the other: the entropy $H(t)$ does not depend on the model. With a one-hot target $H = 0$
# and they are equal; with a smoothed target (lesson 05) they differ by a constant and have
# the same gradient:

# %%
z = mg.tensor(np.random.default_rng(0).normal(0, 2, (6, 10)), requires_grad=True)
for eps in (0.0, 0.1):
    t = losses.smooth_labels(mg.tensor(np.eye(10)[[1, 4, 4, 7, 0, 9]]), eps)
    ce = losses.cross_entropy(z, t)
    kl = losses.kl_div(mg.log_softmax(z, axis=1), t, reduction="batchmean")
    entropy = float(-(t.numpy() * np.log(np.where(t.numpy() > 0, t.numpy(), 1))).sum(axis=1).mean())
    (g_ce,), (g_kl,) = mg.grad(ce, z), mg.grad(kl, z)
    print(f"ε = {eps}: CE {ce.item():.4f} = H(t) {entropy + 0.0:.4f} + KL {kl.item():.4f}")
    assert math.isclose(ce.item(), entropy + kl.item(), rel_tol=1e-12)
    assert np.allclose(g_ce.numpy(), g_kl.numpy(), rtol=1e-12, atol=1e-15)
gallery.show("cross_entropy_kl")

# %% [markdown]
# ## 2. The comparison, with its error bars
#
# `python -m minigrad_course compare-losses` trains, for each of three tasks — digits with an MLP,
# digits with a small CNN, and the breast-cancer data with an MLP (binary: two softmax
# outputs for every loss) — one model per loss and seed: Adam at lr $10^{-3}$, batches of 32,
# 30 epochs, five seeds, the test accuracy after the last epoch. Seed $s$ fixes the split, the
# initial weights and the batch order, the same for every loss, so the losses can be compared
# seed by seed. The full run's results are in `results/compare_losses.json`; if that file is
# missing, the quick configuration runs instead (2 seeds, 5 epochs: a different question, see
# Section 4), and likewise for the robust-regression results of Section 6.

# %%
compare, mode = comparison.load_or_run("compare-losses", "compare_losses")
robust, robust_mode = comparison.load_or_run("robust-regression", "robust_regression")  # Section 6
summary, tasks, seeds = compare["summary"], compare["tasks"], compare["seeds"]
epochs = len(compare["histories"][tasks[0]]["CE"][0]["val_accuracy"])   # one entry per epoch
print(f"{mode} run: {len(seeds)} seeds, {epochs} epochs\n")
print("task         loss     test accuracy %    paired difference to CE   better/tied/worse")
for task in tasks:
    for name in compare_losses.LOSS_NAMES:
        s = summary[task][name]
        acc = 100 * np.asarray(s["test_accuracy"])
        paired = ("—" if name == "CE" else
                  f"{100 * s['diff_vs_ce_mean']:+.2f} ± {100 * s['diff_vs_ce_sd']:.2f}")
        print(f"{task:11s}  {name:7s}  {acc.mean():6.2f} ± {acc.std(ddof=1):.2f}      "
              f"{paired:>15s}          {'/'.join(map(str, s['seeds_better_tied_worse_than_ce']))}")
    print()
experiment_figure(compare, mode)

# %% [markdown]
# The curves above are the experiment's own figure (training loss and test accuracy per
# epoch, mean ± sd over seeds). The same results as error bars: each loss's final accuracy
# with every seed (top row), each seed's difference to cross-entropy (middle row), and that
# paired difference epoch by epoch (bottom row, for Section 4):

# %%
show(comparison.compare_losses_error_bars(compare))   # drawn from the results just loaded

# %% [markdown]
# ## 3. What "within one sd" means, and what pairing buys
#
# Each number above is a mean over seeds $\pm$ the standard deviation (sd) of the seeds: how
# much the accuracy of *one* run moves when only the seed changes. On every task, the five
# means lie within one sd of each other. That is the experiment's first honest answer: at this
# number of seeds, **no loss is distinguishable from the others** by its mean.

# %%
for task in tasks:
    means = {n: np.mean(summary[task][n]["test_accuracy"]) for n in compare_losses.LOSS_NAMES}
    sds = {n: np.std(summary[task][n]["test_accuracy"], ddof=1) for n in compare_losses.LOSS_NAMES}
    spread, largest = max(means.values()) - min(means.values()), max(sds.values())
    print(f"{task}: the means span {100 * spread:.2f} points; the largest sd is "
          f"{100 * largest:.2f} points")
    if mode == "full":
        assert spread <= largest

# %% [markdown]
# One sd is a loose yardstick (the uncertainty of a *mean* of $n$ seeds is
# $\text{sd}/\sqrt n$), but the comparison can do better than comparing means at all: every
# loss saw the same split, initial weights and batches as cross-entropy on the same seed, so
# the **paired difference** (loss − CE, seed by seed) removes what the seed does to both. Its
# sd is well below $\sqrt{\text{sd}_A^2 + \text{sd}_B^2}$, what it would be for independent
# runs:

# %%
narrower = []
for task in tasks:
    ce = np.asarray(summary[task]["CE"]["test_accuracy"])
    for name in compare_losses.LOSS_NAMES[1:]:
        acc = np.asarray(summary[task][name]["test_accuracy"])
        diff = acc - ce
        if diff.std() == 0:
            continue                        # identical on every seed (happens on cancer-mlp)
        narrower.append(diff.std(ddof=1) / math.hypot(acc.std(ddof=1), ce.std(ddof=1)))
print(f"sd of the paired difference / sd for independent runs: median {np.median(narrower):.2f} "
      f"over {len(narrower)} comparisons")
if mode == "full":
    assert np.median(narrower) < 0.8

# %% [markdown]
# Paired, one difference stands out: on `digits-cnn`, M is behind cross-entropy on 4 of the 5
# seeds (tied on the fifth), by $0.56 \pm 0.44$ points. Is that evidence? Ignoring the tie,
# if M and CE were equally good each seed would be a coin flip, and 4 out of 4 in one
# direction has probability $2\cdot(1/2)^4 = 1/8$ (both directions counted). With 4 paper
# losses × 3 tasks = 12 comparisons, one such result is expected by chance alone. The
# evidence is weak, and the honest summary is: **cross-entropy ties or leads**; nowhere does a
# paper loss lead by more than the noise.

# %%
def sign_test(better, worse):
    """Two-sided probability of a split at least this lopsided, ties dropped."""
    n, k = better + worse, max(better, worse)
    return min(1.0, 2 * sum(math.comb(n, j) for j in range(k, n + 1)) / 2 ** n)


if mode == "full":
    better, tied, worse = summary["digits-cnn"]["M"]["seeds_better_tied_worse_than_ce"]
    assert (better, tied, worse) == (0, 1, 4) and sign_test(better, worse) == 0.125
    m_cnn = summary["digits-cnn"]["M"]
    assert round(100 * m_cnn["diff_vs_ce_mean"], 2) == -0.56
    assert round(100 * m_cnn["diff_vs_ce_sd"], 2) == 0.44
    for task in tasks:
        best = max(compare_losses.LOSS_NAMES, key=lambda n: np.mean(summary[task][n]["test_accuracy"]))
        for name in compare_losses.LOSS_NAMES[1:]:
            s = summary[task][name]
            assert s["diff_vs_ce_mean"] <= s["diff_vs_ce_sd"], (task, name)  # never clearly ahead
        ce_mean = np.mean(summary[task]["CE"]["test_accuracy"])
        gap = np.mean(summary[task][best]["test_accuracy"]) - ce_mean
        assert gap <= np.std(summary[task][best]["test_accuracy"], ddof=1)   # CE ties or leads
        print(f"{task}: best mean {best}, {100 * gap:.2f} points above CE")
print("sign test p for 4 of 4 seeds:", sign_test(0, 4))

# %% [markdown]
# ## 4. When the comparison is made matters
#
# The histories in the results hold the test accuracy after every epoch, so the paired
# difference can be read epoch by epoch (bottom row of the figure above). Early in training
# the paper's losses are **ahead** on every task — by 2 to 5 points after the second epoch on
# the digits — and cross-entropy catches up within a few epochs and ends level or ahead:

# %%
print("paired difference to CE (points, mean over seeds) after epoch:")
early_lead = {}
for task in tasks:
    ce = np.array([h["val_accuracy"] for h in compare["histories"][task]["CE"]])
    epochs_shown = [e for e in (1, 2, 5, 10, 30) if e <= ce.shape[1]]
    for name in compare_losses.LOSS_NAMES[1:]:
        acc = np.array([h["val_accuracy"] for h in compare["histories"][task][name]])
        diff = 100 * (acc - ce).mean(axis=0)
        early_lead[task, name] = diff[1] if len(diff) > 1 else diff[0]
        print(f"  {task:11s} {name:7s} " + "  ".join(f"{e:2d}: {diff[e - 1]:+5.2f}"
                                                     for e in epochs_shown))
if mode == "full":
    for (task, name), lead in early_lead.items():
        assert lead > 0, (task, name)                                  # ahead after epoch 2
        if task != "cancer-mlp":
            assert 1.5 < lead < 5.5, (task, name)

# %% [markdown]
# So the answer to "which loss is better?" depends on when one stops. A run stopped early
# sits in the regime where M and L look ahead — and the paper's runs look early: its VGG-19
# reaches 57 % on CIFAR-10 after 50 × 100 steps at a learning rate of $10^{-5}$, far below
# what that network reaches when trained to convergence. Our data are consistent with the paper's gains being gains in *early*
# training speed rather than in final accuracy; they do not prove it (our tasks are small,
# and we did not rerun the paper's). Why the paper's losses learn faster early on we have not
# tested; Section 1 suggests one candidate: they weight the badly wrong samples (small $p_y$)
# more, and early in training most samples are badly wrong.
#
# ## 5. What the paper claimed, and what its tables can show
#
# The paper's Tables 2–5, as differences to cross-entropy (the "BCE" rows of Tables 4 and 5
# are its cross-entropy baseline), beside ours:

# %%
print("table                              M       L       full M  full L   (points vs CE)")
for table, row in TABLES_2_5.items():
    print(f"{table:32s} " + "  ".join(f"{100 * (row[n] - row['CE']):+6.2f}"
                                      for n in ("M", "L", "full M", "full L")))
below_ce = [(t, n) for t, row in TABLES_2_5.items() for n in row if row[n] < row["CE"]]
print("entries below cross-entropy in the paper's own tables:", below_ce)
assert below_ce == [("Table 2: CIFAR-10, VGG-19", "M"), ("Table 5: IMDB, BERT", "M")]
show(comparison.paper_claims_vs_ours(compare, robust))

# %% [markdown]
# Three things stand out.
#
# * **"All benchmarks" does not hold even in the paper's tables**: plain M is *below*
#   cross-entropy in Table 2 (by 0.02 points) and Table 5 (by 0.12 points). The L losses are
#   ahead everywhere in the paper.
# * **The paper reports one run per loss, with no error bars.** Its differences in Tables 2
#   and 5 are 0 to 0.42 points. On our small tasks, one run moves by 0.2 to 1.2 points (sd)
#   when only the seed changes. The binomial noise of the test set alone, for an accuracy
#   near 0.57 on CIFAR-10's 10 000 test images, is about 0.5 points per run:

# %%
for name, table, n_test in (("CIFAR-10", "Table 2: CIFAR-10, VGG-19", 10_000),
                            ("Imagenette", "Table 3: Imagenette, VGG-19", 3925),
                            ("IMDB (25 000 test reviews)", "Table 5: IMDB, BERT", 25_000)):
    accuracy = TABLES_2_5[table]["CE"]   # cross-entropy's accuracy in the paper
    se = math.sqrt(accuracy * (1 - accuracy) / n_test)
    print(f"{name:27s} test-set standard error of one accuracy: {100 * se:.2f} points; of a "
          f"difference of two: {100 * math.sqrt(2) * se:.2f}")
cifar = TABLES_2_5["Table 2: CIFAR-10, VGG-19"]["CE"]
assert 0.45 < 100 * math.sqrt(cifar * (1 - cifar) / 10_000) < 0.55
small = [abs(row[n] - row["CE"]) for t, row in TABLES_2_5.items() if t.startswith(
    ("Table 2", "Table 5")) for n in row]
assert max(small) <= 0.0042 + 1e-12
if mode == "full":
    sds = [np.std(summary[t][n]["test_accuracy"], ddof=1) for t in tasks
           for n in compare_losses.LOSS_NAMES]
    assert 0.002 < min(sds) and max(sds) < 0.0125

# %% [markdown]
# * **Imagenette (Table 3) is the one large effect** (+2 to +4 points), two to four
#   test-set standard errors of a difference, from a single run of each loss, with no
#   seed-to-seed spread reported. It is worth a replication with seeds, not a conclusion.
#
# Our analogue is smaller (8×8 digits and 30 tabular features, not VGG-19 or BERT), so it
# cannot refute the paper's numbers on its benchmarks. What it shows is that on tasks where
# we *can* afford seeds, the advantage does not appear at the end of training, and that the
# paper's method — one run, no error bars, accuracy at an early stopping point — could not
# have told.
#
# ## 6. Table 1: robust regression against the paper's figures
#
# `python -m minigrad_course robust-regression` fits a line to 1000 points of $y = 2x + 3$ plus unit
# Gaussian noise and 500 outliers, once per loss and seed (20 seeds; lesson 04, Section 7
# shows one fit). The paper did not publish its line or its outliers' distribution, so ours
# are our own choice (outliers $\sim\mathcal N\big((3, 30), \operatorname{diag}(4, 25)\big)$):
# only the **ordering** of the errors is comparable, not their values.

# %%
rs = robust["summary"]
print(f"{robust_mode} run, {len(robust['seeds'])} seeds")
print("loss       slope error %: ours         paper    intercept error %: ours      paper")
for name in robust_regression.LOSSES:
    paper_row = TABLE_1.get(name, ("—", "—"))
    print(f"{name:9s}  {rs[name]['slope']['mean']:10.2f} ± {rs[name]['slope']['sd']:5.2f}"
          f"  {paper_row[0]!s:>7}   {rs[name]['intercept']['mean']:12.2f} ± "
          f"{rs[name]['intercept']['sd']:5.2f}  {paper_row[1]!s:>7}")
for key in ("slope", "intercept"):
    assert rs["SMAE"][key]["mean"] < rs["log-cosh"][key]["mean"] < rs["MSE"][key]["mean"]
    assert robust["ordering_holds"][key]
    print(f"{key}: SMAE < log-cosh < MSE on {robust['ordering_holds_per_seed'][key]} of "
          f"{len(robust['seeds'])} seeds")
    assert robust["ordering_holds_per_seed"][key] == len(robust["seeds"])
experiment_figure(robust, robust_mode)

# %% [markdown]
# The paper's ordering reproduces on every one of the 20 seeds, for the slope and the
# intercept. The values do not, and should not be expected to: our intercept errors are
# larger (SMAE 63 % against the paper's 22.6 %; lesson 04 shows why the 500 outliers pull
# every bounded-influence loss up by the same amount), and our log-cosh slope error is
# smaller than the paper's. Two things the paper's table leaves out: MAE, which SMAE
# approximates, does as well as SMAE (within one sd), and Huber with δ = 1 sits between SMAE
# and log-cosh. SMAE's advantage is over the losses that keep an offset from $|e|$, not over
# the absolute error itself:

# %%
if robust_mode == "full":
    for key in ("slope", "intercept"):
        smae, mae = rs["SMAE"][key], rs["MAE"][key]
        assert abs(smae["mean"] - mae["mean"]) < max(smae["sd"], mae["sd"])
        assert rs["SMAE"][key]["mean"] < rs["Huber"][key]["mean"] < rs["log-cosh"][key]["mean"]
    assert rs["SMAE"]["intercept"]["mean"] > 2 * TABLE_1["SMAE"][1]
    assert rs["log-cosh"]["slope"]["mean"] < TABLE_1["log-cosh"][0]
print("MAE ≈ SMAE (within one sd); SMAE < Huber < log-cosh")

# %% [markdown]
# ## 7. L1 against L2: what their solutions look like (seeds 001 and 003)
#
# Seed 003 lists the L2 (squared) loss as giving a "stable solution (always one solution)"
# with an analytic form, and the L1 (absolute) loss as robust but with an "unstable solution
# (possibly multiple solutions)"; seed 001 adds that MAE's derivative of ±1 near the minimum
# makes gradient descent oscillate. Both show on the smallest problem there is: fit one
# constant $c$ to four numbers.

# %%
data = mg.tensor(np.array([1.0, 2.0, 4.0, 10.0]))
cs = np.linspace(0, 11, 1101)
c_grid = mg.tensor(cs, requires_grad=True)
targets = data.reshape(1, -1).broadcast_to((cs.size, 4))
risk_l2 = losses.mse_loss(c_grid.reshape(-1, 1).broadcast_to((cs.size, 4)), targets,
                          reduction="none").mean(axis=1)
risk_l1 = losses.l1_loss(c_grid.reshape(-1, 1).broadcast_to((cs.size, 4)), targets,
                         reduction="none").mean(axis=1)
(g2,) = mg.grad(risk_l2.sum(), c_grid)
(g1,) = mg.grad(risk_l1.sum(), c_grid)
flat = cs[g1.numpy() == 0]
print(f"L2: the gradient vanishes only at c = {cs[np.argmin(abs(g2.numpy()))]:.2f} "
      f"(the mean {data.numpy().mean():.2f})")
print(f"L1: the gradient is exactly 0 on [{flat.min():.2f}, {flat.max():.2f}] — every c between "
      f"the two middle values minimises the risk")
assert np.isclose(cs[np.argmin(abs(g2.numpy()))], 4.25) and np.sum(g2.numpy() == 0) <= 1
assert math.isclose(flat.min(), 2.0, abs_tol=0.011) and math.isclose(flat.max(), 4.0, abs_tol=0.011)
assert np.allclose(risk_l1.numpy()[(cs >= 2) & (cs <= 4)], risk_l1.numpy()[cs == 3][0])

# %% [markdown]
# Gradient descent with a fixed step: on the L1 risk the slope never shrinks as $c$ nears the
# minimum (it stays a multiple of $1/n$), so on an odd number of points, where the minimiser
# is the single median, every step overshoots and the iterate bounces around it forever.
# SMAE's slope goes to 0 at the minimum, as MSE's does, and descent settles — at SMAE's own
# minimiser, 3.05 here, not exactly the median: near 0 SMAE is quadratic, so the points close
# to $c$ pull in proportion to their distance, as under MSE:

# %%
odd = mg.tensor(np.array([1.0, 2.0, 3.0, 7.0, 10.0]))          # median 3


def descend(loss, steps=300, lr=0.3, start=8.0):
    c = mg.tensor(np.array([start]), requires_grad=True)
    path = []
    for _ in range(steps):
        (g,) = mg.grad(loss(c.broadcast_to((5,)), odd), c)
        c = mg.tensor(c.numpy() - lr * g.numpy(), requires_grad=True)
        path.append(c.item())
    return np.array(path)


path_l1, path_smae = descend(losses.l1_loss), descend(losses.smae_loss)
print(f"MAE:  last iterates {np.round(path_l1[-4:], 3)}")
print(f"SMAE: last iterates {np.round(path_smae[-4:], 6)}")
assert np.ptp(path_l1[-50:]) > 0.05                 # still bouncing after 300 steps
assert np.ptp(path_smae[-50:]) < 1e-6               # settled
assert abs(path_l1[-50:].mean() - 3.0) < 0.1        # around the median
assert abs(path_smae[-1] - 3.05) < 0.005

# %% [markdown]
# (Seed 003's "L1 produces sparser solutions" is a statement about the L1 *penalty* on the
# weights, not the L1 loss on the errors: lesson 02 shows it, the L1 path putting the weak
# weight at exactly 0.) The robust-regression experiment avoids the bouncing by decaying
# Adam's step, and reports MAE's final gradient, which never reaches 0.
#
# ## 8. Seed 000's selection guide, against what we measured
#
# Seed 000 closes with a guide from task to loss. Where our experiments tested an entry, the
# full runs' results (`results/*.json`, written by `python -m minigrad_course all`) say:

# %%
def full_results(name):
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


checks = []
r = full_results("robust_regression")
if r:
    s = r["summary"]
    checks.append(("regression with outliers → Huber or MAE",
                   f"slope error MSE {s['MSE']['slope']['mean']:.0f} %, Huber "
                   f"{s['Huber']['slope']['mean']:.1f} %, MAE {s['MAE']['slope']['mean']:.1f} %",
                   s["Huber"]["slope"]["mean"] < s["MSE"]["slope"]["mean"] / 4
                   and s["MAE"]["slope"]["mean"] < s["MSE"]["slope"]["mean"] / 4))
r = full_results("compare_losses")
if r:
    checks.append(("multi-class classification → cross-entropy",
                   "CE ties or leads the paper's four losses on all three tasks",
                   all(r["summary"][t][n]["diff_vs_ce_mean"] <= r["summary"][t][n]["diff_vs_ce_sd"]
                       for t in r["tasks"] for n in compare_losses.LOSS_NAMES[1:])))
r = full_results("segmentation")
if r:
    dice = {n: np.mean([s["dice"] for s in runs]) for n, runs in r["scores"].items()}
    checks.append(("segmentation → Dice + BCE",
                   f"test Dice: BCE {dice['bce']:.3f}, Dice {dice['dice']:.3f}, Dice + BCE "
                   f"{dice['dice_bce']:.3f}",
                   dice["dice_bce"] >= dice["bce"] and dice["dice"] > dice["bce"]))
r = full_results("embeddings")
if r:
    knn = {n: np.mean(v) for n, v in r["knn"].items()}
    checks.append(("embeddings → triplet / contrastive",
                   f"5-NN accuracy in 2-D: triplet {knn['triplet']:.1%}, contrastive "
                   f"{knn['contrastive']:.1%} (PCA {r['references']['pca']:.1%})",
                   min(knn.values()) > r["references"]["pca"] + 0.3))
r = full_results("generative")
if r:
    drop = np.mean([v["initial"] - v["final"] for v in r["vae"]])
    checks.append(("generation → reconstruction + KL",
                   f"VAE −ELBO falls by {drop:.1f} nats per image", drop > 10))
for guide, measured, holds in checks:
    print(f"{'✓' if holds else '✗'} {guide:45s} {measured}")
assert all(holds for _, _, holds in checks)

# %% [markdown]
# The guide's entries that our experiments tested hold up. (Class imbalance → focal loss and
# detection → focal + smooth L1 were checked on their gradients in lessons 05 and 06, not by
# training a detector.)
#
# **Summary.** Read with error bars and paired by seed, our analogue of the paper's Tables 2–5
# shows cross-entropy tying or leading at the end of training, with the paper's losses ahead
# only in the first epochs; the paper's own tables contradict its "all benchmarks" for M and
# report single runs whose differences are mostly below the noise of one test set. Table 1's
# ordering SMAE < log-cosh < MSE reproduces on every seed, though SMAE is no better than the
# plain absolute error it smooths. A comparison of losses is an experiment like any other:
# seeds, error bars, paired differences, and a statement of when it was measured.
