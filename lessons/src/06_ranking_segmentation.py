# %% [markdown]
# # 06 · Ranking and segmentation losses: pull, push, and overlap
#
# Seed 000's taxonomy has two rows that are not about one prediction against one label:
#
# | category | losses | use case |
# |---|---|---|
# | ranking | triplet, contrastive | similarity learning: embeddings |
# | segmentation | Dice, IoU | pixel-level prediction, "handles class imbalance, optimizes overlap" |
#
# The ranking losses never see a class label: only *this pair is alike*, *that one is not*.
# They act on distances between embeddings, and their **margin** decides when a pair is far
# enough apart. The overlap losses score a whole mask at once, so a rare foreground is not
# drowned by the background. We look at both through the gradients the engine computes,
# then train a small model with each (the `embeddings` and `segmentation` experiments, in
# their quick configuration), and end with seed 000's detection recipe, focal + smooth L1.

# %%
import minigrad as mg
import json
import math
from pathlib import Path

import numpy as np
from IPython.display import Image, display

from minigrad import losses
from minigrad.calculus import derivatives
from minigrad_course import gallery
from minigrad_course.experiments import base, embeddings, segmentation
from minigrad_course.gallery import problems, ranking




# %% [markdown]
# ## 1. The contrastive loss: pull similar pairs, push dissimilar ones to a margin
#
# For two embeddings $x_1, x_2$ at distance $d = \lVert x_1 - x_2\rVert_2$ and a label $y = 1$
# (similar) or $y = 0$ (dissimilar),
#
# $$\mathcal L_{\text{contrastive}} = y\,d^2 + (1-y)\,\max(0,\ m - d)^2 .$$
#
# A similar pair is pulled together with a force that grows with its distance
# ($\partial\mathcal L/\partial d = 2d$). A dissimilar pair is pushed apart only while it is
# closer than the margin $m$ ($\partial\mathcal L/\partial d = -2(m - d)$), and not at all
# beyond it. `ranking.contrastive_of_distance` places a pair at distance $d$ in the plane and
# returns the engine's `contrastive_loss`; its derivatives in $d$:

# %%
d = np.linspace(0.01, 2.0, 200)
value1, slope1 = derivatives(ranking.contrastive_of_distance(1), d, order=1)
value0, slope0 = derivatives(ranking.contrastive_of_distance(0), d, order=1)
assert np.allclose(value1, d ** 2) and np.allclose(slope1, 2 * d)
assert np.allclose(value0, np.maximum(0, 1 - d) ** 2)
assert np.allclose(slope0, -2 * np.maximum(0, 1 - d))
assert np.all(slope0[d > 1] == 0)          # beyond the margin: not a push
for q in (0.25, 0.5, 1.5):
    k = np.argmin(abs(d - q))
    print(f"d = {d[k]:.2f}:  similar pair  slope {slope1[k]:+.2f}   dissimilar pair  slope "
          f"{slope0[k]:+.2f}")

# %% [markdown]
# **What the margin does.** Without it ($m = 0$) the dissimilar term is always 0, and the
# loss has a trivial minimum: map every input to the same point. All similar pairs are then at
# distance 0 and the loss is exactly 0 — a useless embedding. The margin makes that collapse
# cost $m^2$ per dissimilar pair, and, because the push stops at $m$, it does not reward
# pushing unrelated pairs to infinity either: it only asks for room.

# %%
rng = np.random.default_rng(0)
collapsed = mg.tensor(np.tile(rng.normal(size=(1, 2)), (6, 1)))     # six copies of one point
pair_labels = mg.tensor(np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0]))
for margin in (0.0, 1.0):
    value = losses.contrastive_loss(collapsed, collapsed, pair_labels, margin=margin,
                                    reduction="sum").item()
    print(f"margin {margin}: loss of the collapsed embedding = {value}")
    assert value == 3 * margin ** 2

# %% [markdown]
# ## 2. The triplet loss: relative distances
#
# The triplet loss compares two distances from an anchor $a$: to a positive $p$ (same class)
# and to a negative $n$ (another class),
#
# $$\mathcal L_{\text{triplet}} = \max\big(0,\ d(a, p) - d(a, n) + m\big).$$
#
# It is zero once the negative is at least a margin farther than the positive, whatever the
# absolute distances. As a function of the gap $d(a,n) - d(a,p)$ it is a hinge with its knee
# at the margin (`ranking.triplet_of_gap`):

# %%
gap = np.linspace(-0.9, 3.0, 391)
for margin in (0.5, 1.0, 2.0):
    value, slope = derivatives(ranking.triplet_of_gap(margin), gap, order=1)
    assert np.allclose(value, np.maximum(0, margin - gap), atol=1e-12)
    assert np.allclose(slope[gap < margin - 1e-9], -1, rtol=1e-12)
    assert np.all(slope[gap > margin + 1e-9] == 0)
    print(f"margin {margin}: zero loss, zero gradient from a gap of {margin} on")

# %% [markdown]
# **The gradients on the points.** With Euclidean distances,
# $\partial d(a,p)/\partial p = (p - a)/\lVert p - a\rVert$, a unit vector: a descent step moves
# the positive **towards** the anchor, the negative **away** from it, and the anchor towards
# the positive and away from the negative — each with a force of size 1 (or its vector sum,
# for the anchor), whatever the distances. A negative already beyond the margin gets nothing.
# Four points in the plane (`problems.TRIPLET_TOY`): a triplet with a hard negative and one
# with an easy negative, sharing the anchor and the positive. The engine's gradients:

# %%
toy = {name: np.array(point) for name, point in problems.TRIPLET_TOY.items()}
grads, triplet_values = problems.triplet_toy_gradients()
for name, g in grads.items():
    print(f"{name:14s} at {toy[name]}:  −∂L/∂point = {np.round(-g, 3)}")
print("losses of the two triplets:", np.round(triplet_values, 4))


def unit(v):
    return v / np.linalg.norm(v)


a, p, n_hard, n_easy = toy["anchor"], toy["positive"], toy["hard negative"], toy["easy negative"]
assert triplet_values[0] > 0 and triplet_values[1] == 0
assert np.allclose(-grads["positive"], unit(a - p), atol=1e-5)          # pulled to the anchor
assert np.allclose(-grads["hard negative"], unit(n_hard - a), atol=1e-5)  # pushed away
assert np.all(grads["easy negative"] == 0)                              # beyond the margin
assert np.allclose(-grads["anchor"], unit(p - a) + unit(a - n_hard), atol=1e-5)

# %% [markdown]
# (The tolerance $10^{-5}$ is PyTorch's `eps = 1e-6`, added inside the distance to keep its
# gradient finite at 0.) Following these gradients moves the points until the hard negative
# is a margin farther than the positive; then every gradient is 0 and nothing moves:

# %%
points = mg.tensor(np.stack(list(toy.values())), requires_grad=True)
for step in range(200):
    loss = losses.triplet_margin_loss(points[[0, 0]], points[[1, 1]], points[[2, 3]],
                                      reduction="sum")
    if loss.item() == 0:
        break
    (g,) = mg.grad(loss, points)
    points = mg.tensor(points.numpy() - 0.05 * g.numpy(), requires_grad=True)
moved = points.numpy()
d_ap, d_an = np.linalg.norm(moved[1] - moved[0]), np.linalg.norm(moved[2] - moved[0])
print(f"after {step} steps: d(a, p) = {d_ap:.3f}, d(a, hard n) = {d_an:.3f}, gap {d_an - d_ap:.3f}")
assert loss.item() == 0 and d_an - d_ap >= 1.0 - 1e-5
assert np.array_equal(moved[3], n_easy)     # the easy negative never moved

# %% [markdown]
# The seed writes the triplet loss with *squared* distances,
# $\max(0, \lVert a-p\rVert^2 - \lVert a-n\rVert^2 + m)$; that is `squared=True`. Its pull
# grows with the distance ($2(p - a)$), like the contrastive loss's, instead of being a unit
# vector:

# %%
a_t, p_t, n_t = (mg.tensor(toy[k][None], requires_grad=True)
                 for k in ("anchor", "positive", "hard negative"))
squared = losses.triplet_margin_loss(a_t, p_t, n_t, squared=True)
(g_p,) = mg.grad(squared, p_t)
assert math.isclose(squared.item(), max(0, np.sum((a - p) ** 2) - np.sum((a - n_hard) ** 2) + 1))
assert np.allclose(g_p.numpy()[0], 2 * (p - a))
print(f"squared form: loss {squared.item():.3f}, ∂L/∂p = {g_p.numpy()[0]} = 2(p − a)")
gallery.show("ranking_losses")

# %% [markdown]
# ## 3. A small model learns a 2-D embedding of the digits
#
# `minigrad_course.experiments.embeddings` trains an MLP (64 → 128 → 128 → 2) to map each 8×8
# digit to a point in the plane, with each loss in turn. The losses see only *same class* /
# *different class* relations of random triplets or pairs, never the labels themselves. The
# score is a 5-nearest-neighbour vote in the plane: each held-out digit takes the majority
# label of its 5 nearest training digits (chance: 10 %). For comparison, the same network
# untrained, and the best *linear* map to the plane, the first two principal components.
# The quick configuration: 300 steps of batches of 128, margin 1, one seed.

# %%
emb = base.run_quick(embeddings)
refs = emb["references"]
for name in embeddings.LOSSES:
    (accuracy,) = emb["knn"][name]
    assert accuracy > 0.85 > 0.3 > max(refs["untrained"]) > 0.15 > emb["chance"], name
    assert accuracy > refs["pca"] + 0.2, name
assert abs(refs["pca"] - 0.54) < 0.01 and refs["pixels"] > 0.975   # as quoted below
display(Image(filename=emb["figure"]))

# %% [markdown]
# Both losses turn a network whose untrained embedding is about 20 % 5-NN-accurate into one
# above 85 % in 300 steps, well past PCA's 54 %: the clusters in the plane are the digit
# classes, though no loss ever named a class. The full run (`python -m minigrad_course embeddings`,
# 1500 steps, 3 seeds; `results/embeddings.md`) reaches about 94–95 %; 5-NN on all 64 pixels
# scores 98 %, so two dimensions lose only a little:

# %%
full_path = Path("../results/embeddings.json")
if full_path.exists():
    full = json.loads(full_path.read_text())
    knn = {name: float(np.mean(v)) for name, v in full["knn"].items()}
    print("full run, 5-NN accuracy in 2-D (mean over seeds):", {k: round(v, 3) for k, v in knn.items()})
    assert all(0.93 < v < 0.96 for v in knn.values())
else:
    print("results/embeddings.json not found: run python -m minigrad_course embeddings")

# %% [markdown]
# ## 4. Dice and IoU: overlap, softened
#
# For a predicted mask $P$ and a true mask $Y$, the Dice score $2|P\cap Y|/(|P| + |Y|)$ and
# the IoU (Jaccard) $|P \cap Y|/|P \cup Y|$ measure overlap. Neither is differentiable in a
# 0/1 mask, so the losses use **soft** forms with probabilities $p_i$ and targets $y_i$:
#
# $$\mathcal L_{\text{Dice}} = 1 - \frac{2\sum_i p_i y_i + \varepsilon}{\sum_i p_i + \sum_i y_i
#   + \varepsilon}, \qquad
#   \mathcal L_{\text{IoU}} = 1 - \frac{\sum_i p_i y_i + \varepsilon}{\sum_i p_i + \sum_i y_i -
#   \sum_i p_i y_i + \varepsilon},$$
#
# per image, with a smoothing $\varepsilon$ (default 1) that keeps an empty mask predicted
# empty at loss 0. On 0/1 masks and with $\varepsilon = 0$ they are exactly 1 − the scores,
# and IoU $= D/(2 - D)$ for the Dice score $D$, soft or not:

# %%
images, masks = segmentation.make_blobs(8, np.random.default_rng(1))
predicted = images > 0.8                                  # a crude 0/1 prediction
hard_dice = [segmentation.overlap_scores(predicted[i:i + 1], masks[i:i + 1])["dice"]
             for i in range(8)]
hard_iou = [segmentation.overlap_scores(predicted[i:i + 1], masks[i:i + 1])["iou"]
            for i in range(8)]
soft_input, target = mg.tensor(predicted.astype(np.float64)), mg.tensor(masks.astype(np.float64))
dice0 = losses.dice_loss(soft_input, target, eps=0.0, reduction="none").numpy()
iou0 = losses.iou_loss(soft_input, target, eps=0.0, reduction="none").numpy()
assert np.allclose(1 - dice0, hard_dice) and np.allclose(1 - iou0, hard_iou)

probabilities = mg.tensor(np.random.default_rng(2).random(masks.shape))   # soft predictions
D = 1 - losses.dice_loss(probabilities, target, eps=0.0, reduction="none").numpy()
J = 1 - losses.iou_loss(probabilities, target, eps=0.0, reduction="none").numpy()
assert np.allclose(J, D / (2 - D))
print("hard Dice of the crude masks:", np.round(hard_dice, 3))
print("soft IoU = D/(2 − D) on random probabilities:", np.allclose(J, D / (2 - D)))

# %% [markdown]
# So Dice and IoU rank predictions the same way; they differ in how hard they push.
#
# **Why they handle class imbalance.** In the experiment below about 5 % of the pixels are
# foreground. Binary cross-entropy averages over pixels, so a network that predicts the base
# rate, $p = 0.05$ on every pixel, has already earned a low loss while finding nothing; Dice
# scores that same prediction near its worst:

# %%
rate = float(masks.mean())
constant = mg.tensor(np.full(masks.shape, rate))
bce_constant = losses.binary_cross_entropy(constant, target).item()
dice_constant = losses.dice_loss(constant, target).mean().item()
print(f"foreground {rate:.1%}:  predicting p = {rate:.3f} everywhere gives BCE "
      f"{bce_constant:.3f} (of {-math.log(0.5):.3f} at p = ½), Dice loss {dice_constant:.3f}")
entropy = -(rate * math.log(rate) + (1 - rate) * math.log(1 - rate))
assert math.isclose(bce_constant, entropy, rel_tol=1e-9) and dice_constant > 0.85

# %% [markdown]
# **The gradient a rare foreground pixel receives.** Take an untrained network, $\sigma(x) =
# \tfrac12$ on every pixel of a 16×16 image with $k = 12$ foreground pixels (4.7 %, as in the
# experiment). `problems.overlap_gradients` asks the engine for $\partial\mathcal L/\partial x_i$
# on every logit under each loss. Checks by hand: for BCE (mean over $N$ pixels)
# $\partial\mathcal L/\partial x_i = (p_i - y_i)/N$; for Dice, with $I = \sum p y$ and
# $S = \sum p + \sum y + \varepsilon$,
# $\partial\mathcal L/\partial p_i = -\big(2 y_i S - (2I + \varepsilon)\big)/S^2$, times
# $\sigma'(x_i) = \tfrac14$.

# %%
N, k = 256, 12
counts, g = problems.overlap_gradients(n_pixels=N, counts=[k])
I, S = 0.5 * k, 0.5 * N + k + 1.0
assert np.isclose(g["BCE"]["foreground"][0], 0.5 / N) and np.isclose(g["BCE"]["background"][0], 0.5 / N)
assert np.isclose(g["Dice"]["foreground"][0], 0.25 * (2 * S - (2 * I + 1)) / S ** 2)
assert np.isclose(g["Dice"]["background"][0], 0.25 * (2 * I + 1) / S ** 2)
print("            |∂L/∂x| foreground pixel   background pixel   foreground share of Σ|∂L/∂x|")
for name in ("BCE", "Dice", "IoU"):
    print(f"{name:5s}       {g[name]['foreground'][0]:.2e}                {g[name]['background'][0]:.2e}"
          f"           {g[name]['share'][0]:.3f}")
assert math.isclose(g["BCE"]["share"][0], k / N)                     # a pixel is a pixel
ratio_fg = {name: g[name]["foreground"][0] / g["BCE"]["foreground"][0] for name in ("Dice", "IoU")}
ratio_bg = {name: g["BCE"]["background"][0] / g[name]["background"][0] for name in ("Dice", "IoU")}
assert 1.6 < ratio_fg["Dice"] < 1.8 and 0.9 < ratio_fg["IoU"] < 1.0  # per foreground pixel
assert 11 < ratio_bg["Dice"] < 13 and 19 < ratio_bg["IoU"] < 21     # per background pixel
assert g["Dice"]["share"][0] > 0.45 and g["IoU"]["share"][0] > 0.45  # about half, not 5 %

# %% [markdown]
# Under BCE every pixel pulls alike, so the foreground gets 4.7 % of the gradient: its share
# of the pixels. Under Dice each foreground pixel pulls about 1.7 times as hard as under BCE
# and each background pixel about 12 times less (IoU: as hard, and 20 times less), so the 12
# foreground pixels get about half of the whole gradient. The reason is the form of the loss: a ratio normalised by the size of the
# masks, not a sum over pixels. The figure sweeps the foreground fraction.
#
# The right panel asks in which direction the whole image is pushed: the sum of the logit
# gradients is the gradient of a bias shared by all pixels. Under BCE it pushes almost
# entirely towards "all background" until the predictions match the base rate. Under Dice
# with $\varepsilon = 1$ the push is near balanced at 5 % and turns towards background only for
# objects of a few pixels, where the smoothing $\varepsilon$ is no longer small beside
# $\sum y$. With $\varepsilon \to 0$ it is never towards background:

# %%
_, push = problems.overlap_gradients(n_pixels=N, counts=[1, 4, k, 64])
print("push towards foreground (−Σ∂L/∂x / Σ|∂L/∂x|) for k = 1, 4, 12, 64:")
for name in ("BCE", "Dice", "Dice, ε = 0.01"):
    print(f"  {name:15s}", np.round(push[name]["push"], 3))
assert np.all(push["BCE"]["push"][:3] < -0.9) and math.isclose(push["BCE"]["push"][3], -0.5)
assert abs(push["Dice"]["push"][2]) < 0.05 and push["Dice"]["push"][0] < -0.2
assert np.all(push["Dice, ε = 0.01"]["push"] > -0.01)
gallery.show("overlap_gradients")

# %% [markdown]
# ## 5. A small segmentation model learns
#
# `minigrad_course.experiments.segmentation`: 16×16 noisy images with one to three small bright
# discs (about 5 % of the pixels), a three-layer convolutional network giving one logit per
# pixel, trained from the same initial weights and batches with BCE, Dice, IoU and Dice + BCE
# (`dice_bce_loss`, the seed's recommendation for segmentation). Scored on held-out images by
# the Dice and IoU of the thresholded mask. Quick configuration: 120 steps, one seed.

# %%
seg = base.run_quick(segmentation)
scores = {name: s[0] for name, s in seg["scores"].items()}
early = seg["config"]["early_step"]
for name in ("dice", "iou"):
    assert scores[name]["dice"] > max(0.5, seg["pixel_threshold"]["dice"]), name
assert scores["dice_bce"]["dice"] > 0.4
bce_early = segmentation.early_dice(seg["curves"]["bce"][0], early)
dice_early = segmentation.early_dice(seg["curves"]["dice"][0], early)
assert bce_early < 0.1 < 0.5 < dice_early
assert scores["bce"]["foreground_fraction"] < 0.1 * seg["foreground_fraction"]
dice_bce_early = segmentation.early_dice(seg["curves"]["dice_bce"][0], early)
assert dice_bce_early < 0.5 * dice_early                           # held back early on
assert scores["bce"]["dice"] < scores["dice_bce"]["dice"] < scores["dice"]["dice"]
print(f"test Dice at step {early}: BCE {bce_early:.3f}, Dice loss {dice_early:.3f}; "
      f"after {seg['config']['steps']} steps: " +
      ", ".join(f"{segmentation.LABELS[n]} {s['dice']:.3f}" for n, s in scores.items()))
display(Image(filename=seg["figure"]))

# %% [markdown]
# As the gradients predicted: trained with BCE the network first learns the base rate and
# predicts (almost) no foreground — Dice near 0 after 60 steps, under a tenth of the true
# foreground predicted after 120 — while Dice and IoU find the discs within the first 60
# steps. Dice + BCE sits in between: its BCE half drags it towards background early on.
#
# Is BCE then the wrong loss? Not in the long run. The full configuration (800 steps,
# 3 seeds, `results/segmentation.json`), when present:

# %%
full_path = Path("../results/segmentation.json")
if full_path.exists():
    full = json.loads(full_path.read_text())
    dice_by_loss = {name: np.mean([s["dice"] for s in runs]) for name, runs in full["scores"].items()}
    print("final test Dice, mean over seeds:",
          {segmentation.LABELS[n]: round(float(v), 3) for n, v in dice_by_loss.items()})
    assert 0.68 < dice_by_loss["bce"] < 0.72                    # BCE catches up ...
    assert 0.72 < dice_by_loss["dice"] < 0.76 and 0.72 < dice_by_loss["iou"] < 0.76  # ... nearly
    mean = {key: {name: np.mean([s[key] for s in runs]) for name, runs in full["scores"].items()}
            for key in ("precision", "recall")}
    assert mean["precision"]["bce"] > mean["precision"]["dice"]
    assert mean["recall"]["bce"] < mean["recall"]["dice"]
else:
    print("results/segmentation.json not found: run python -m minigrad_course segmentation")

# %% [markdown]
# BCE catches up (Dice about 0.70 against 0.74 for the overlap losses). The imbalance costs
# BCE mostly **time**, and a bias towards the majority class on the uncertain pixels
# (higher precision, lower recall in `results/segmentation.md`). That is the sense in which
# Dice "handles class imbalance": its gradient goes where the rare class is from the first
# step.
#
# ## 6. Detection: focal loss + smooth L1 (seed 000)
#
# Seed 000's selection guide lists "object detection: focal + smooth L1". A one-stage
# detector scores every anchor box for every class (mostly background: the imbalance again)
# and regresses the box of the anchors that hold an object. `losses.detection_loss` adds the
# summed sigmoid focal loss over all anchors and the smooth L1 error of the **positive**
# anchors' boxes, both divided by the number of positives. Its parts, checked with the engine:

# %%
rng = np.random.default_rng(3)
A, K = 10, 3                                              # 10 anchors, 3 classes
cls_targets = np.zeros((A, K))
cls_targets[[0, 1], [2, 0]] = 1                           # anchors 0 and 1 hold objects
cls_logits = mg.tensor(np.r_[rng.normal(0, 1, (2, K)), np.full((4, K), -6.0),
                             rng.normal(0, 1, (4, K))], requires_grad=True)  # 4 easy negatives
box_pred = mg.tensor(rng.normal(0, 1, (A, 4)), requires_grad=True)
box_targets = mg.tensor(rng.normal(0, 1, (A, 4)))
total = losses.detection_loss(cls_logits, mg.tensor(cls_targets), box_pred, box_targets)
by_parts = (losses.sigmoid_focal_loss(cls_logits, mg.tensor(cls_targets), reduction="sum")
            + losses.smooth_l1_loss(box_pred[[0, 1]], box_targets[[0, 1]], reduction="sum")) / 2
assert math.isclose(total.item(), by_parts.item(), rel_tol=1e-12)

g_cls, g_box = mg.grad(total, [cls_logits, box_pred])
g_cls, g_box = np.abs(g_cls.numpy()).sum(axis=1), np.abs(g_box.numpy()).sum(axis=1)
plain = losses.detection_loss(cls_logits, mg.tensor(cls_targets), box_pred, box_targets,
                              alpha=-1, gamma=0.0)           # no focusing: cross-entropy
(g_plain,) = mg.grad(plain, cls_logits)
g_plain = np.abs(g_plain.numpy()).sum(axis=1)
for label, values in (("Σ|∂L/∂box| per anchor:  ", g_box), ("Σ|∂L/∂logit| per anchor:", g_cls),
                      ("  the same with γ = 0:  ", g_plain)):
    print(label, " ".join(f"{v:7.1e}" for v in values))
assert np.all(g_box[2:] == 0) and np.all(g_box[:2] > 0)     # only positive anchors' boxes
assert g_cls[2:6].max() < 1e-6 < 0.05 < g_cls[6:].min()     # easy negatives are silenced ...
assert np.all(g_cls[2:6] < 1e-4 * g_plain[2:6])             # ... 10⁴ times more than by CE

# %% [markdown]
# Only the two positive anchors' boxes receive a gradient (a background anchor has no box to
# fit). The four easy negatives (logit −6 on every class: confidently background) receive a
# classification gradient of about $5\cdot10^{-8}$, against 0.1 and more for the uncertain
# anchors; without the focal factor ($\gamma = 0$) they would get about $4\cdot10^{-3}$ each.
# In a real detector there are tens of thousands of such anchors per image: under plain
# cross-entropy their small pushes would add up to most of the gradient.
#
# **Summary.** The contrastive and triplet losses act on distances, pulling positives in and
# pushing negatives out until the margin is met, and a margin is what keeps the embedding
# from collapsing; with them a network learned a 2-D map of the digits from relations alone.
# Dice and IoU score overlap as a ratio, which hands the rare foreground about half of the
# gradient instead of its 5 % share of the pixels; their networks found the discs while BCE's
# was still predicting background. Lesson 07 turns to losses that train generators and
# agents.
