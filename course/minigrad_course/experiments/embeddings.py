"""Metric learning with the ranking losses of seed 000: digits embedded in two dimensions.

    python -m minigrad_course embeddings [--seeds N] [--quick]

An MLP 64 → 128 → 128 → 2 (ReLU) maps each 8×8 digit (minigrad.data.load_digits: standardised,
80/20 stratified split) to a point in the plane, trained with one of two losses and no class
labels in the loss itself, only "same class" / "different class" relations:

- ``triplet_margin_loss``: batches of triplets (anchor, a positive of the anchor's class, a
  negative of another class), drawn at random; the loss asks d(a, p) + margin ≤ d(a, n).
- ``contrastive_loss``: batches of pairs, half of one class (pulled together, y = 1) and half
  of two classes (pushed at least ``margin`` apart, y = 0).

Measured: the accuracy of a 5-nearest-neighbour vote in the embedding space, the held-out
digits against the training digits' embeddings (chance: 10 %).  References: the same network
untrained, the first two principal components of the pixels (the best linear 2-D view), and
5-NN on all 64 standardised pixels (what 2-D has to compete with).
"""
import time

import numpy as np

import minigrad as mg
from minigrad import losses, nn, optim
from minigrad.data import load_digits

from ..plotting import pyplot
from . import base
from .base import Setting

NAME = "embeddings"
LOSSES = ("triplet", "contrastive")
SEEDS = Setting(full=3, quick=1)
CONFIG = {
    "steps": Setting(1500, 300, help="training steps per loss"),
    "batch": Setting(128),
    "lr": Setting(1e-3),
    "hidden": Setting(128),
    "margin": Setting(1.0, help="margin of both losses"),
    "eval_every": Setting(100, 50),
}
FIGURES = {"embeddings_digits": ("lessons/06_ranking_segmentation.ipynb",
                                 "seed 000: triplet and contrastive losses")}


def embedding_net(hidden=128, dim=2):
    return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, dim))


class PairSampler:
    """Random indices of the training set that share, or do not share, a class (vectorised)."""

    def __init__(self, labels, rng):
        self.labels, self.rng = labels, rng
        self.order = np.argsort(labels, kind="stable")          # the samples grouped by class
        counts = np.bincount(labels)
        starts = np.r_[0, np.cumsum(counts)[:-1]]
        self.start, self.count = starts[labels], counts[labels]  # of each sample's class block
        self.rank = np.empty_like(self.order)
        self.rank[self.order] = np.arange(len(labels))           # where each sample sits

    def same(self, anchors):
        """For each anchor, another sample of its class, uniformly."""
        offset = self.rng.integers(self.count[anchors] - 1)
        own = self.rank[anchors] - self.start[anchors]
        offset = offset + (offset >= own)                        # skip the anchor itself
        return self.order[self.start[anchors] + offset]

    def different(self, anchors):
        """For each anchor, a sample of another class, uniformly over those samples."""
        position = self.rng.integers(len(self.labels) - self.count[anchors])
        position = position + self.count[anchors] * (position >= self.start[anchors])
        return self.order[position]


def train(loss_name, seed, data, cfg):
    """Train an embedding net with ``loss_name`` ('triplet' or 'contrastive'); return its
    curve of mean batch loss and the final embeddings and k-NN accuracy."""
    base.seed_everything(seed)
    rng = np.random.default_rng(seed)
    x_train, y_train = data.x_train, data.y_train.numpy()
    net = embedding_net(cfg["hidden"])
    optimizer = optim.Adam(net.parameters(), lr=cfg["lr"])
    sampler = PairSampler(y_train, rng)
    batch, margin = cfg["batch"], cfg["margin"]
    curve = {"step": [0], "loss": [None], "knn": [evaluate(net, data)[0]]}
    running = []
    for step in range(1, cfg["steps"] + 1):
        anchors = rng.integers(len(y_train), size=batch)
        if loss_name == "triplet":
            a, p, n = net(x_train[anchors]), net(x_train[sampler.same(anchors)]), \
                net(x_train[sampler.different(anchors)])
            loss = losses.triplet_margin_loss(a, p, n, margin=margin)
        else:
            similar = np.arange(batch) < batch // 2
            partners = np.where(similar, sampler.same(anchors), sampler.different(anchors))
            loss = losses.contrastive_loss(net(x_train[anchors]), net(x_train[partners]),
                                           mg.tensor(similar.astype(np.float32)), margin=margin)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running.append(loss.item())
        if step % cfg["eval_every"] == 0 or step == cfg["steps"]:
            curve["step"].append(step)
            curve["loss"].append(float(np.mean(running)))
            running = []
            curve["knn"].append(evaluate(net, data)[0])
    accuracy, _, test_points = evaluate(net, data)
    return {"curve": curve, "knn": accuracy, "test_points": test_points}


def embed(net, x):
    with mg.no_grad():
        return net(x).numpy()


def evaluate(net, data):
    train_points, test_points = embed(net, data.x_train), embed(net, data.x_test)
    accuracy = base.knn_accuracy(train_points, data.y_train.numpy(), test_points, data.y_test.numpy())
    return accuracy, train_points, test_points


def references(data, seeds, hidden):
    """5-NN accuracy of the untrained net (per seed), of PCA to 2-D and of the raw pixels."""
    y_train, y_test = data.y_train.numpy(), data.y_test.numpy()
    untrained, untrained_points = [], None
    for seed in seeds:
        base.seed_everything(seed)
        accuracy, _, points = evaluate(embedding_net(hidden), data)
        untrained.append(accuracy)
        untrained_points = points if untrained_points is None else untrained_points
    x_train, x_test = data.x_train.numpy(), data.x_test.numpy()
    mean = x_train.mean(axis=0)
    _, _, vt = np.linalg.svd(x_train - mean, full_matrices=False)
    pca_train, pca_test = (x_train - mean) @ vt[:2].T, (x_test - mean) @ vt[:2].T
    return {"untrained": untrained, "untrained_points": untrained_points,
            "pca": base.knn_accuracy(pca_train, y_train, pca_test, y_test), "pca_points": pca_test,
            "pixels": base.knn_accuracy(x_train, y_train, x_test, y_test)}


# --- the experiment -----------------------------------------------------------------------------
def scatter(ax, fig, points, labels, title):
    dots = ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="tab10", s=8, vmin=-0.5,
                      vmax=9.5)
    for d in range(10):
        cx, cy = np.median(points[labels == d], axis=0)
        ax.text(cx, cy, str(d), fontsize=13, weight="bold", ha="center", va="center",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", alpha=0.75, lw=0))
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal", adjustable="datalim")
    return dots


def draw(runs, refs, data, cfg):
    plt = pyplot()
    y_test = data.y_test.numpy()
    fig, axes = plt.subplots(2, 3, figsize=(16, 10), layout="constrained")
    for ax, name in zip(axes[0, :2], LOSSES):
        dots = scatter(ax, fig, runs[name][0]["test_points"], y_test,
                       f"{name}_{'margin_' if name == 'triplet' else ''}loss (seed 0)\n"
                       f"5-NN accuracy {runs[name][0]['knn']:.0%}")
    scatter(axes[1, 0], fig, refs["pca_points"], y_test,
            f"reference: first two principal components\n5-NN accuracy {refs['pca']:.0%}")
    scatter(axes[1, 1], fig, refs["untrained_points"], y_test,
            f"reference: the network untrained (seed 0)\n5-NN accuracy {refs['untrained'][0]:.0%}")
    fig.colorbar(dots, ax=axes[:, :2], ticks=range(10), label="digit", shrink=0.5)

    ax = axes[0, 2]
    for name, colour in zip(LOSSES, ("C0", "C3")):
        for i, run in enumerate(runs[name]):
            ax.plot(run["curve"]["step"], np.asarray(run["curve"]["knn"]) * 100, color=colour,
                    alpha=0.8, label=name if i == 0 else None)
    ax.axhline(refs["pixels"] * 100, color="k", ls=":", lw=1, label="all 64 pixels (64-D)")
    ax.axhline(refs["pca"] * 100, color="gray", ls="--", lw=1, label="PCA to 2-D")
    ax.axhline(10, color="gray", ls="-.", lw=1, label="chance")
    ax.set_ylim(0, 100)
    ax.set_xlabel("training step")
    ax.set_ylabel("5-NN accuracy on held-out digits (%)")
    ax.set_title(f"accuracy in the 2-D embedding ({len(runs[LOSSES[0]])} seed"
                 f"{'s' * (len(runs[LOSSES[0]]) > 1)} each)", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")

    ax = axes[1, 2]
    for name, colour in zip(LOSSES, ("C0", "C3")):
        for i, run in enumerate(runs[name]):
            ax.plot(run["curve"]["step"][1:], run["curve"]["loss"][1:], color=colour, alpha=0.8,
                    label=name if i == 0 else None)
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel(f"training loss (mean over {cfg['eval_every']} batches)")
    ax.set_title("the losses on random triplets / pairs", fontsize=10)
    ax.legend(fontsize=8)
    fig.suptitle("held-out digits embedded in 2-D, coloured by class (the losses see only "
                 "'same class' / 'different class')")
    return fig


def run(setup):
    """Train both losses on every seed; the table, the results and the figure."""
    seeds, cfg = setup.seeds, setup.config
    data = load_digits()
    fmt = base.fmt_mean_sd
    start = time.perf_counter()
    refs = references(data, seeds, cfg["hidden"])
    runs, seconds = {}, {}
    for name in LOSSES:
        t0 = time.perf_counter()
        runs[name] = [train(name, seed, data, cfg) for seed in seeds]
        seconds[name] = time.perf_counter() - t0
    total = time.perf_counter() - start

    rows = [["triplet_margin_loss", fmt([r["knn"] for r in runs["triplet"]], 1, 100),
             fmt([r["curve"]["loss"][-1] for r in runs["triplet"]], 3)],
            ["contrastive_loss", fmt([r["knn"] for r in runs["contrastive"]], 1, 100),
             fmt([r["curve"]["loss"][-1] for r in runs["contrastive"]], 3)],
            ["untrained network (2-D)", fmt(refs["untrained"], 1, 100), ""],
            ["PCA to 2-D (reference)", f"{refs['pca'] * 100:.1f}", ""],
            ["all 64 pixels (reference, not 2-D)", f"{refs['pixels'] * 100:.1f}", ""],
            ["chance", "10.0", ""]]
    text = "\n".join([
        f"## embeddings: digits → 2-D, {len(seeds)} seed(s)" + (" (quick)" if setup.quick else ""),
        "", f"{cfg['steps']} steps of batches of {cfg['batch']}, margin {cfg['margin']}; "
            f"5-NN accuracy of the {len(data.y_test)} test digits against the "
            f"{len(data.y_train)} training digits.", "",
        base.markdown_table(["embedding", "5-NN test accuracy (%)",
                               "final training loss"], rows), "",
        f"time: {total:.1f} s (" + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()) + ")",
    ])
    return base.Report(text, {
        "knn": {name: [r["knn"] for r in runs[name]] for name in LOSSES},
        "curves": {name: [r["curve"] for r in runs[name]] for name in LOSSES},
        "references": {k: v for k, v in refs.items() if not k.endswith("points")},
        "chance": 0.1, "seconds": {**seconds, "total": total},
    }, {"embeddings_digits": draw(runs, refs, data, cfg)})
