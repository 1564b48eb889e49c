"""Segmentation of a rare foreground with the overlap losses of seed 000 (Dice, IoU, Dice+BCE)
against plain binary cross-entropy.

    python -m minigrad_course segmentation [--seeds N] [--quick]

The task (synthetic, seeded): 16×16 images, each with one to three small discs (radius 1 to 1.8
pixels) of brightness 0.7 to 1.2 on a dark background, plus Gaussian noise of standard deviation
0.5 on every pixel.  The mask marks the discs: about 5 % of the pixels, so a network that
predicts "background" everywhere is right about 95 % of the pixels and finds no object.

The network: three 3×3 convolutions with padding 1 (1 → 8 → 8 → 1 channels, ReLU between), a
logit per pixel.  It is trained, from the same initial weights and batches, with each of

    bce        binary_cross_entropy_with_logits(x, y)      (per-pixel, the baseline)
    dice       dice_loss(σ(x), y)
    iou        iou_loss(σ(x), y)
    dice_bce   dice_bce_loss(x, y)

and measured on held-out images, thresholding σ(x) at 0.5: the foreground Dice 2|P∩Y|/(|P|+|Y|)
and IoU |P∩Y|/|P∪Y| of each image (averaged over images), the pixel precision and recall of the
foreground, and the fraction of pixels predicted foreground.  References: predicting all
background (Dice 0) and thresholding the raw pixel value (the threshold that does best on the
training images).
"""
import time

import numpy as np

import minigrad as mg
from minigrad import losses, nn, optim

from ..plotting import pyplot
from . import base
from .base import Setting

NAME = "segmentation"
SEEDS = Setting(full=3, quick=1)
CONFIG = {
    "steps": Setting(800, 120, help="training steps per loss"),
    "batch": Setting(32),
    "lr": Setting(3e-3),
    "channels": Setting(8),
    "n_train": Setting(512),
    "n_test": Setting(256, 128),
    "noise": Setting(0.5, help="standard deviation of the pixel noise"),
    "eval_every": Setting(25, 20),
    "early_evals": Setting(4, 3),   # "early": after this many evaluations (early_step, below)
    "examples": Setting(4),
}
FIGURES = {"segmentation_masks": ("lessons/06_ranking_segmentation.ipynb",
                                  "seed 000: Dice and IoU")}
LOSS_FUNCTIONS = {
    "bce": lambda logits, y: losses.binary_cross_entropy_with_logits(logits, y),
    "dice": lambda logits, y: losses.dice_loss(mg.sigmoid(logits), y),
    "iou": lambda logits, y: losses.iou_loss(mg.sigmoid(logits), y),
    "dice_bce": lambda logits, y: losses.dice_bce_loss(logits, y),
}
LABELS = {"bce": "BCE (baseline)", "dice": "Dice", "iou": "IoU", "dice_bce": "Dice + BCE"}
COLOURS = {"bce": "C7", "dice": "C0", "iou": "C2", "dice_bce": "C3"}


def make_blobs(n, rng, size=16, noise=0.5, blobs=(1, 3), radius=(1.0, 1.8),
               brightness=(0.7, 1.2)):
    """``n`` images (n, 1, size, size) and their 0/1 masks, float32.

    Each image gets ``blobs`` discs (a number drawn from the closed range), each of a radius
    drawn from ``radius`` and centred at least 1.5 pixels inside the border; the discs of an
    image share a brightness drawn from ``brightness``; then noise N(0, noise²) on every pixel.
    """
    rows, cols = np.mgrid[:size, :size]
    images = np.zeros((n, 1, size, size), dtype=np.float32)
    masks = np.zeros_like(images)
    for i in range(n):
        for _ in range(rng.integers(blobs[0], blobs[1] + 1)):
            cy, cx = rng.uniform(1.5, size - 2.5, 2)
            r = rng.uniform(*radius)
            masks[i, 0] = np.maximum(masks[i, 0], (rows - cy) ** 2 + (cols - cx) ** 2 <= r * r)
        images[i, 0] = masks[i, 0] * rng.uniform(*brightness)
    images += noise * rng.standard_normal(images.shape).astype(np.float32)
    return images, masks


def segmentation_net(channels=8):
    return nn.Sequential(nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(channels, 1, 3, padding=1))


def overlap_scores(predicted, masks):
    """Foreground scores of boolean predictions against 0/1 masks, both (n, 1, H, W).

    Dice and IoU per image, averaged (an image where both are empty scores 1); precision and
    recall over all pixels pooled; the fraction of pixels predicted foreground."""
    truth = masks > 0.5
    inter = (predicted & truth).sum(axis=(1, 2, 3))
    p, t = predicted.sum(axis=(1, 2, 3)), truth.sum(axis=(1, 2, 3))
    both_empty = (p + t) == 0
    dice = np.where(both_empty, 1.0, 2 * inter / np.maximum(p + t, 1))
    iou = np.where(both_empty, 1.0, inter / np.maximum(p + t - inter, 1))
    return {"dice": float(dice.mean()), "iou": float(iou.mean()),
            "precision": float(inter.sum() / max(p.sum(), 1)),
            "recall": float(inter.sum() / max(t.sum(), 1)),
            "foreground_fraction": float(predicted.mean())}


def logits_of(net, images, batch=256):
    with mg.no_grad():
        return np.concatenate([net(mg.tensor(images[i:i + batch])).numpy()
                               for i in range(0, len(images), batch)])


def train(loss_name, seed, data, cfg):
    """Train the network with one loss; the initial weights and the batches depend on the seed
    only, so the four losses start from the same network and see the same batches."""
    base.seed_everything(seed)
    rng = np.random.default_rng(seed)
    x_train, y_train, x_test, y_test = data
    net = segmentation_net(cfg["channels"])
    optimizer = optim.Adam(net.parameters(), lr=cfg["lr"])
    loss_fn = LOSS_FUNCTIONS[loss_name]
    curve = {"step": [], "dice": [], "foreground_fraction": [], "loss": []}
    for step in range(cfg["steps"] + 1):
        if step % cfg["eval_every"] == 0 or step == cfg["steps"]:
            scores = overlap_scores(logits_of(net, x_test) > 0, y_test)
            curve["step"].append(step)
            curve["dice"].append(scores["dice"])
            curve["foreground_fraction"].append(scores["foreground_fraction"])
        if step == cfg["steps"]:
            break
        idx = rng.integers(len(x_train), size=cfg["batch"])
        loss = loss_fn(net(mg.tensor(x_train[idx])), mg.tensor(y_train[idx]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        curve["loss"].append(loss.item())
    logits = logits_of(net, x_test)
    return {"curve": curve, "scores": overlap_scores(logits > 0, y_test),
            "probabilities": 1 / (1 + np.exp(-logits[:cfg["examples"]]))}


def early_dice(curve, step):
    """The test Dice of a curve at the last evaluation no later than ``step``."""
    return [d for s, d in zip(curve["step"], curve["dice"]) if s <= step][-1]


def pixel_threshold(data):
    """The reference of no learning: predict foreground where the raw pixel exceeds the
    threshold that gives the best mean Dice on the training images."""
    x_train, y_train, x_test, y_test = data
    grid = np.linspace(0.0, 2.0, 81)
    best = max(grid, key=lambda th: overlap_scores(x_train > th, y_train)["dice"])
    return float(best), overlap_scores(x_test > best, y_test)


# --- the figure ----------------------------------------------------------------------------------
def draw(runs, data, cfg, threshold):
    plt = pyplot()
    _, _, x_test, y_test = data
    names = list(LOSS_FUNCTIONS)
    n_rows = cfg["examples"]
    fig = plt.figure(figsize=(13, 3.0 * n_rows * 0.62 + 4.2))
    grid = fig.add_gridspec(n_rows + 1, 6, height_ratios=[1] * n_rows + [2.0], hspace=0.35)
    for row in range(n_rows):
        truth = y_test[row, 0]
        panels = [(x_test[row, 0], "image", "gray", None, None),
                  (truth, f"mask ({int(truth.sum())} px)", "gray", 0, 1)]
        for name in names:
            probability = runs[name][0]["probabilities"][row, 0]
            dice = overlap_scores((probability > 0.5)[None, None], y_test[row:row + 1])["dice"]
            panels.append((probability, f"{LABELS[name]}: Dice {dice:.2f}", "magma", 0, 1))
        for col, (picture, title, cmap, vmin, vmax) in enumerate(panels):
            ax = fig.add_subplot(grid[row, col])
            ax.imshow(picture, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
            if col >= 2:
                ax.contour(truth, levels=[0.5], colors="cyan", linewidths=0.8)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(title, fontsize=8.5)
    bottom = grid[n_rows, :].subgridspec(1, 2, wspace=0.25)
    ax_dice, ax_fraction = fig.add_subplot(bottom[0]), fig.add_subplot(bottom[1])
    for name in names:
        steps = runs[name][0]["curve"]["step"]
        for ax, key in ((ax_dice, "dice"), (ax_fraction, "foreground_fraction")):
            values = np.array([r["curve"][key] for r in runs[name]])
            if key == "foreground_fraction":   # on a log axis: 0 drawn at 10⁻⁴
                values = np.maximum(values, 1e-4)
            ax.plot(steps, values.mean(axis=0), color=COLOURS[name], label=LABELS[name])
            if len(values) > 1:
                ax.fill_between(steps, values.min(axis=0), values.max(axis=0),
                                color=COLOURS[name], alpha=0.2, lw=0)
    ax_dice.axhline(0, color="k", lw=0.8, ls=":", label="all background (Dice 0)")
    ax_dice.set_xlabel("training step (batches of 32)")
    ax_dice.set_ylabel("test foreground Dice")
    ax_dice.set_title("test Dice while training (band: min–max over seeds)", fontsize=10)
    ax_dice.legend(fontsize=8, loc="lower right")
    ax_fraction.axhline(float(y_test.mean()), color="k", lw=0.8, ls="--",
                        label=f"true foreground ({y_test.mean():.1%})")
    ax_fraction.set_xlabel("training step (batches of 32)")
    ax_fraction.set_yscale("log")
    ax_fraction.set_ylim(8e-5, 1.2)
    ax_fraction.set_ylabel("fraction of test pixels predicted foreground")
    ax_fraction.set_title("how much foreground each loss predicts (0 drawn at 10⁻⁴)",
                          fontsize=10)
    ax_fraction.legend(fontsize=8, loc="lower right")
    fig.subplots_adjust(top=0.93)
    fig.suptitle(f"test images (noise σ = {cfg['noise']}), true masks, and σ(logit) of each "
                 f"loss's network (seed 0; cyan: the true mask's outline)", y=0.97, fontsize=11)
    return fig


# --- the experiment -----------------------------------------------------------------------------
def run(setup):
    """Train the network with each loss on every seed; the table, the results and the figure.
    The step at which the 'early' Dice is read is added to the configuration (early_step)."""
    seeds, cfg = setup.seeds, setup.config
    cfg["early_step"] = min(cfg["steps"], cfg["early_evals"] * cfg["eval_every"])
    data_rng = np.random.default_rng(12345)
    data = (*make_blobs(cfg["n_train"], data_rng, noise=cfg["noise"]),
            *make_blobs(cfg["n_test"], data_rng, noise=cfg["noise"]))
    fmt = base.fmt_mean_sd
    runs, seconds = {}, {}
    for name in LOSS_FUNCTIONS:
        start = time.perf_counter()
        runs[name] = [train(name, seed, data, cfg) for seed in seeds]
        seconds[name] = time.perf_counter() - start
    threshold, by_threshold = pixel_threshold(data)

    keys = ("dice", "iou", "precision", "recall", "foreground_fraction")
    rows = []
    for name in LOSS_FUNCTIONS:
        rows.append([LABELS[name]] + [fmt([r["scores"][k] for r in runs[name]], 3) for k in keys]
                    + [fmt([early_dice(r["curve"], cfg["early_step"]) for r in runs[name]], 3)])
    rows.append(["all background (reference)", "0", "0", "—", "0", "0", "0"])
    rows.append([f"raw pixel > {threshold:.3f} (reference)"]
                + [f"{by_threshold[k]:.3f}" for k in keys] + ["—"])
    early_step = cfg["early_step"]
    text = "\n".join([
        f"## segmentation: 16×16 blobs, foreground {data[3].mean():.1%} of test pixels, "
        f"{len(seeds)} seed(s)" + (" (quick)" if setup.quick else ""), "",
        f"{cfg['steps']} steps of batches of {cfg['batch']} ({cfg['n_train']} training images), "
        f"Adam lr {cfg['lr']}; {cfg['n_test']} test images, σ(logit) > 0.5.", "",
        base.markdown_table(["loss", "Dice", "IoU", "precision", "recall",
                               "predicted foreground", f"Dice at step {early_step}"], rows), "",
        "time: " + ", ".join(f"{LABELS[k]} {v:.1f} s" for k, v in seconds.items()),
    ])
    return base.Report(text, {
        "foreground_fraction": float(data[3].mean()),
        "scores": {name: [r["scores"] for r in runs[name]] for name in LOSS_FUNCTIONS},
        "curves": {name: [{**r["curve"], "loss": [   # per-step losses: means between evaluations
            float(np.mean(r["curve"]["loss"][i:i + cfg["eval_every"]]))
            for i in range(0, len(r["curve"]["loss"]), cfg["eval_every"])]} for r in runs[name]]
            for name in LOSS_FUNCTIONS},
        "all_background": {"dice": 0.0, "iou": 0.0},
        "pixel_threshold": {"threshold": threshold, **by_threshold},
        "seconds": seconds,
    }, {"segmentation_masks": draw(runs, data, cfg, threshold)})
