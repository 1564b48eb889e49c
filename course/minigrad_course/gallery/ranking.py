"""Lesson 06, ranking and segmentation losses: the contrastive and triplet losses against
distance and gap, their gradients on points of the plane, and the gradients of Dice and IoU
against BCE under class imbalance."""
import numpy as np

import minigrad as mg
from minigrad import losses
from minigrad.calculus import derivatives

from ..plotting import pyplot
from .drawing import along, arrows
from .problems import (CONTRASTIVE_TOY, TRIPLET_TOY, contrastive_toy_gradients, overlap_gradients,
                       triplet_toy_gradients)


def contrastive_of_distance(y, margin=1.0):
    """The contrastive loss of a pair at distance d, as an elementwise function of a grid of d
    (the pair (d, 0), (0, 0) in the plane; y = 1 similar, 0 dissimilar)."""

    def fn(d):
        x1 = along(d, (1.0, 0.0))
        x2 = mg.Tensor(np.zeros((d.shape[0], 2)), dtype=d.dtype)
        return losses.contrastive_loss(x1, x2, mg.Tensor(np.full(d.shape, float(y)), dtype=d.dtype),
                                       margin=margin, reduction="none")
    return fn


def triplet_of_gap(margin=1.0, d_ap=1.0):
    """The triplet loss as an elementwise function of the gap g = d(a, n) − d(a, p): the anchor
    at the origin, the positive at distance ``d_ap``, the negative at distance d_ap + g."""

    def fn(g):
        n = g.shape[0]
        anchor = mg.Tensor(np.zeros((n, 2)), dtype=g.dtype)
        positive = mg.Tensor(np.tile([d_ap, 0.0], (n, 1)), dtype=g.dtype)
        negative = along(g + d_ap, (0.0, 1.0))
        return losses.triplet_margin_loss(anchor, positive, negative, margin=margin, eps=0.0,
                                          reduction="none")
    return fn


def ranking_losses():
    """Seed 000's ranking losses: the contrastive loss against the distance of a pair, the
    triplet loss against the gap d(a, n) − d(a, p) for several margins, and the engine's
    gradients on points of the plane (arrows: −gradient, the way a descent step moves them)."""
    plt = pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(12.5, 9.5))
    ax = axes[0, 0]
    d = np.linspace(0.005, 2.2, 440)  # d = 0 is a kink of ‖·‖: its subgradient 0
    for y, colour, label in ((1, "C0", "similar (y = 1): d²"),
                             (0, "C3", "dissimilar (y = 0): max(0, m − d)²")):
        value, slope = derivatives(contrastive_of_distance(y), d, order=1)
        ax.plot(d, value, color=colour, label=label)
        ax.plot(d, slope, color=colour, ls=":", label="  its slope ∂/∂d (engine)")
    ax.axvline(1.0, color="gray", ls="--", lw=1)
    ax.annotate("margin m = 1:\ndissimilar pairs farther\napart feel nothing", (1.0, 2.2),
                xytext=(1.15, 2.6), fontsize=8, arrowprops={"arrowstyle": "->"})
    ax.axhline(0, color="k", lw=0.6)
    ax.set(xlabel="distance d = ‖x₁ − x₂‖", ylabel="loss / slope", ylim=(-2.2, 4.4),
           title="contrastive loss of one pair")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)

    ax = axes[0, 1]
    gap = np.linspace(-0.95, 3, 396)
    for k, margin in enumerate((0.5, 1.0, 2.0)):
        value, slope = derivatives(triplet_of_gap(margin), gap, order=1)
        ax.plot(gap, value, color=f"C{k}", label=f"margin {margin:g}")
        ax.plot(gap, slope, color=f"C{k}", ls=":", lw=1)
    ax.axhline(0, color="k", lw=0.6)
    ax.set(xlabel="gap d(a, n) − d(a, p)", ylabel="loss (dotted: slope, engine)",
           ylim=(-1.3, 3.2),
           title="triplet loss max(0, d(a,p) − d(a,n) + margin):\nzero once the negative is "
                 "a margin farther than the positive")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)

    ax = axes[1, 0]
    gradients, loss = triplet_toy_gradients()
    colours = {"anchor": "k", "positive": "C0", "hard negative": "C3", "easy negative": "C1"}
    anchor = np.asarray(TRIPLET_TOY["anchor"])
    d_ap = np.linalg.norm(np.asarray(TRIPLET_TOY["positive"]) - anchor)
    ax.add_patch(plt.Circle(anchor, d_ap, fill=False, color="C0", ls=":", lw=1))
    ax.add_patch(plt.Circle(anchor, d_ap + 1.0, fill=False, color="gray", ls="--", lw=1))
    ax.annotate("d(a, p) + margin", (0, -(d_ap + 1.0)), xytext=(0.2, -(d_ap + 1.0) - 0.35),
                fontsize=8, color="gray")
    for name, point in TRIPLET_TOY.items():
        ax.plot(*point, "o", color=colours[name], ms=9)
        ax.annotate(name, point, xytext=(-48, -16) if name == "anchor" else (6, 6),
                    textcoords="offset points", fontsize=9)
        arrows(ax, point, gradients[name], colours[name],
                offset=(16, -4) if name == "anchor" else (0, -16))
    ax.set(xlim=(-3.2, 3.0), ylim=(-3.0, 2.6), aspect="equal",
           title="triplet loss, margin 1: arrows along −∂L/∂point, numbers: its size "
                 f"(engine)\nhard triplet loss "
                 f"{loss[0]:.2f}, easy triplet loss {loss[1]:.2f} (no arrow)")
    ax.grid(alpha=0.3)

    ax = axes[1, 1]
    for k, (name, result) in enumerate(contrastive_toy_gradients().items()):
        first, second, y = CONTRASTIVE_TOY[name]
        colour = "C0" if y else f"C{k + 2}"
        ax.plot(*zip(first, second), "o-", color=colour, ms=9, lw=1,
                label=f"{name}: d = {np.linalg.norm(np.subtract(first, second)):.1f}, "
                      f"loss {result[2]:.2f}")
        arrows(ax, first, result[0], colour)
        arrows(ax, second, result[1], colour)
    ax.set(xlim=(-2.2, 2.2), ylim=(-2.6, 2.6), aspect="equal",
           title="contrastive loss, margin 1: arrows along −∂L/∂point,\nnumbers: its size "
                 "(engine)")
    ax.legend(fontsize=8, loc="lower center")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def overlap_gradients_figure():
    """Seed 000's claim that Dice (and IoU) 'handle class imbalance', in gradients: for an
    untrained network (σ(x) = ½ on every pixel of a 16×16 image) with k foreground pixels,
    what each foreground and background pixel receives under BCE, Dice and IoU (engine); the
    smoothing ε = 1 of the losses' default weakens the effect for objects of a few pixels."""
    plt = pyplot()
    counts, grads = overlap_gradients()
    fraction = counts / 256
    colours = {"BCE": "C7", "Dice": "C0", "IoU": "C2", "Dice, ε = 0.01": "C9"}
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.5))
    for name, g in grads.items():
        style = ":" if "0.01" in name else "-"
        if "0.01" not in name:
            axes[0].plot(fraction, g["foreground"], color=colours[name],
                         label=f"{name}: a foreground pixel")
            axes[0].plot(fraction, g["background"], color=colours[name], ls="--",
                         label=f"{name}: a background pixel")
        axes[1].plot(fraction, g["share"], color=colours[name], ls=style, label=name)
        axes[2].plot(fraction, g["push"], color=colours[name], ls=style, label=name)
    axes[1].plot(fraction, fraction, "k--", lw=0.8, label="the foreground's share of pixels")
    axes[2].axhline(0, color="k", lw=0.8)
    axes[0].set(yscale="log", ylabel="|∂L/∂logit| (engine)",
                title="per pixel: BCE treats every pixel alike;\n"
                      "Dice/IoU favour the rare foreground")
    axes[1].set(ylabel="foreground part of Σ|∂L/∂logit|", ylim=(0, 1.02),
                title="the foreground's share of the gradient")
    axes[2].set(ylabel="−Σ ∂L/∂logit  /  Σ |∂L/∂logit|", ylim=(-1.05, 1.05),
                title="net push on a shared bias:\n< 0 towards 'all background', > 0 towards "
                      "foreground")
    for ax in axes:
        ax.set(xscale="log", xlabel="foreground fraction k/256 (σ(logit) = ½ everywhere)")
        ax.legend(fontsize=7.5)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
