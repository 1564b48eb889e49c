"""Forward + backward of every loss on 10⁶ float32 elements: minigrad against PyTorch (CPU).

    python -m benchmarks.losses [--repeat 15] [--only NAME ...]
                                                          (from the repository root)

For each loss, the same inputs (made once, outside the timing) go to minigrad and to PyTorch:
PyTorch's own function where it has one, else the same formula written with torch operations
(torchvision's sigmoid_focal_loss is written out from its definition).  The time is the best
of ``--repeat`` runs of forward + backward (forward only for the 0-1 loss, which has no
gradient), the two libraries taking turns; argument checks are part of minigrad's time.  The
table gives the ratio minigrad / PyTorch per loss, and the median ratio.
"""
import argparse
import math
import statistics
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as TF

import minigrad as mg
from minigrad import losses as L

from . import THREADS

N = 1_000_000
ROWS, CLASSES = 10_000, 100


@dataclass
class Case:
    make: object          # rng -> tuple of NumPy arrays (the positional inputs)
    grad_args: tuple      # which inputs require grad
    minigrad: object      # (*tensors) -> scalar loss
    torch: object         # (*tensors) -> scalar loss
    backward: bool = True


def _torch_focal(x, y, gamma=2.0):
    log_p = torch.log_softmax(x, 1).gather(1, y[:, None])[:, 0]
    return (-(1 - log_p.exp()) ** gamma * log_p).mean()


def _torch_sigmoid_focal(x, y, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(x)
    ce = TF.binary_cross_entropy_with_logits(x, y, reduction="none")
    p_t = p * y + (1 - p) * (1 - y)
    return ((alpha * y + (1 - alpha) * (1 - y)) * ce * (1 - p_t) ** gamma).mean()


def _torch_paper(p, y, full, kind):
    q = (1 - y) + ((2 * y - 1) if full else y) * p
    per_output = 1 / q - 1 if kind == "M" else 1 / torch.sqrt(q * (2 - q)) - 1
    return per_output.sum(1).mean()


def _torch_contrastive(x1, x2, y, margin=1.0):
    d = torch.linalg.vector_norm(x1 - x2, dim=-1)
    return (y * d ** 2 + (1 - y) * torch.clamp_min(margin - d, 0) ** 2).mean()


def _torch_overlap(p, y, kind, eps=1.0):
    """Per-sample soft Dice or IoU loss."""
    axes = tuple(range(1, p.ndim))
    both, total = (p * y).sum(axes), (p + y).sum(axes)
    if kind == "dice":
        return 1 - (2 * both + eps) / (total + eps)
    return 1 - (both + eps) / (total - both + eps)


def _torch_dice_bce(x, y):
    bce = TF.binary_cross_entropy_with_logits(x, y, reduction="none").mean((1, 2))
    return (_torch_overlap(torch.sigmoid(x), y, "dice") + bce).mean()


def _torch_vae(x_recon, x, mu, logvar):
    recon = TF.binary_cross_entropy(x_recon, x, reduction="none").sum(1)
    kl = -0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(1)
    return (recon + kl).mean()


def _torch_detection(cls_logits, cls_targets, box_pred, box_targets):
    positive = (cls_targets.max(-1).values > 0).to(cls_logits.dtype)
    count = torch.clamp_min(positive.sum(), 1.0)
    focal = _torch_sigmoid_focal(cls_logits, cls_targets) * cls_logits.numel()
    boxes = TF.smooth_l1_loss(box_pred, box_targets, reduction="none").sum(-1)
    return (focal + (boxes * positive).sum()) / count


def _torch_td(q, actions, rewards, next_q, dones, gamma=0.99):
    target = (rewards + gamma * (1 - dones) * next_q.max(1).values).detach()
    return ((target - q.gather(1, actions[:, None])[:, 0]) ** 2).mean()


def _torch_policy_gradient(logits, actions, advantages):
    log_pi = torch.log_softmax(logits, 1).gather(1, actions[:, None])[:, 0]
    return (-log_pi * advantages.detach()).mean()


def _cases():
    f32 = np.float32

    def normal(r, *shape, scale=1.0):
        return (scale * r.standard_normal(shape)).astype(f32)

    def uniform(r, *shape, low=0.0, high=1.0):
        return r.uniform(low, high, shape).astype(f32)

    def bits(r, *shape):
        return r.integers(0, 2, shape).astype(f32)

    def signs(r, *shape):
        return r.choice(np.array([-1.0, 1.0], f32), shape)

    def onehot(r, rows, classes):
        return np.eye(classes, dtype=f32)[r.integers(0, classes, rows)]

    def labels(r, rows, classes):
        return r.integers(0, classes, rows)

    def log_probs(r):
        w = r.uniform(0.1, 1.0, (ROWS, CLASSES))
        return np.log(w / w.sum(1, keepdims=True)).astype(f32)

    def pair(r):
        return normal(r, N), normal(r, N)

    def probabilities(r):
        return uniform(r, N, low=0.01, high=0.99), uniform(r, N)

    def logits_soft(r):
        return normal(r, N, scale=2.0), uniform(r, N)

    def logits_labels(r):
        return normal(r, ROWS, CLASSES), labels(r, ROWS, CLASSES)

    def scores(r):
        return normal(r, N), signs(r, N)

    def paper(r):
        return uniform(r, ROWS, CLASSES, low=0.01, high=0.99), onehot(r, ROWS, CLASSES)

    def embeddings(r):
        return tuple(normal(r, ROWS, CLASSES) for _ in range(3))

    def masks(r):
        return uniform(r, 100, 100, 100, low=0.01, high=0.99), bits(r, 100, 100, 100)

    def detections(r):
        anchors = (1000, 250)
        return (normal(r, *anchors, 4), onehot(r, 250_000, 4).reshape(*anchors, 4),
                normal(r, *anchors, 4), normal(r, *anchors, 4))

    def transitions(r):
        rows = N // 10
        return (normal(r, rows, 10), labels(r, rows, 10), normal(r, rows),
                normal(r, rows, 10), bits(r, rows))

    ln2 = math.log(2.0)
    return {
        "mse_loss": Case(pair, (0,), L.mse_loss, TF.mse_loss),
        "l1_loss": Case(pair, (0,), L.l1_loss, TF.l1_loss),
        "huber_loss": Case(pair, (0,), L.huber_loss, TF.huber_loss),
        "smooth_l1_loss": Case(pair, (0,), L.smooth_l1_loss, TF.smooth_l1_loss),
        "log_cosh_loss": Case(pair, (0,), L.log_cosh_loss,
                              lambda x, y: (x - y + TF.softplus(-2 * (x - y)) - ln2).mean()),
        "smae_loss": Case(pair, (0,), L.smae_loss,
                          lambda x, y: ((y - x) * torch.tanh((y - x) / 2)).mean()),
        "binary_cross_entropy": Case(probabilities, (0,), L.binary_cross_entropy,
                                     TF.binary_cross_entropy),
        "binary_cross_entropy_with_logits": Case(logits_soft, (0,), L.binary_cross_entropy_with_logits,
                                                 TF.binary_cross_entropy_with_logits),
        "cross_entropy": Case(logits_labels, (0,), L.cross_entropy, TF.cross_entropy),
        "nll_loss": Case(lambda r: (log_probs(r), labels(r, ROWS, CLASSES)), (0,), L.nll_loss,
                         TF.nll_loss),
        "kl_div": Case(lambda r: (log_probs(r), np.exp(log_probs(r))), (0,),
                       lambda a, b: L.kl_div(a, b, reduction="batchmean"),
                       lambda a, b: TF.kl_div(a, b, reduction="batchmean")),
        "sigmoid_focal_loss": Case(lambda r: (normal(r, N, scale=2.0), bits(r, N)), (0,),
                                   lambda x, y: L.sigmoid_focal_loss(x, y, reduction="mean"),
                                   _torch_sigmoid_focal),
        "focal_loss": Case(logits_labels, (0,), L.focal_loss, _torch_focal),
        "hinge_loss": Case(scores, (0,), L.hinge_loss,
                           lambda x, y: torch.relu(1 - y * x).mean()),
        "square_loss": Case(scores, (0,), L.square_loss, lambda x, y: ((1 - y * x) ** 2).mean()),
        "logistic_loss": Case(scores, (0,), L.logistic_loss,
                              lambda x, y: TF.soft_margin_loss(x, y) / ln2),
        "zero_one_loss": Case(scores, (), L.zero_one_loss,
                              lambda x, y: (y * x <= 0).to(x.dtype).mean(), backward=False),
        "m_loss": Case(paper, (0,), L.m_loss, lambda p, y: _torch_paper(p, y, False, "M")),
        "l_loss": Case(paper, (0,), L.l_loss, lambda p, y: _torch_paper(p, y, False, "L")),
        "contrastive_loss": Case(lambda r: (normal(r, ROWS, CLASSES), normal(r, ROWS, CLASSES) * 0.1,
                                            bits(r, ROWS)), (0, 1),
                                 lambda a, b, y: L.contrastive_loss(a, b, y, margin=20.0),
                                 lambda a, b, y: _torch_contrastive(a, b, y, margin=20.0)),
        "triplet_margin_loss": Case(embeddings, (0, 1, 2), L.triplet_margin_loss,
                                    TF.triplet_margin_loss),
        "dice_loss": Case(masks, (0,), L.dice_loss, lambda p, y: _torch_overlap(p, y, "dice").mean()),
        "iou_loss": Case(masks, (0,), L.iou_loss, lambda p, y: _torch_overlap(p, y, "iou").mean()),
        "dice_bce_loss": Case(lambda r: (normal(r, 100, 100, 100), bits(r, 100, 100, 100)), (0,),
                              L.dice_bce_loss, _torch_dice_bce),
        "vae_loss": Case(lambda r: (uniform(r, ROWS, CLASSES, low=0.01, high=0.99),
                                    bits(r, ROWS, CLASSES), normal(r, ROWS, 10),
                                    normal(r, ROWS, 10, scale=0.5)), (0, 2, 3),
                         L.vae_loss, _torch_vae),
        "gan_discriminator_loss": Case(pair, (0, 1), L.gan_discriminator_loss,
                                       lambda r, f: (TF.softplus(-r) + TF.softplus(f)).mean()),
        "gan_generator_loss": Case(lambda r: (normal(r, N),), (0,), L.gan_generator_loss,
                                   lambda f: TF.softplus(-f).mean()),
        "detection_loss": Case(detections, (0, 2), L.detection_loss, _torch_detection),
        "td_loss": Case(transitions, (0,), L.td_loss, _torch_td),
        "policy_gradient_loss": Case(lambda r: (normal(r, N // 10, 10), labels(r, N // 10, 10),
                                                normal(r, N // 10)), (0,),
                                     L.policy_gradient_loss, _torch_policy_gradient),
    }


def measure(case, repeat, seed=0):
    """Best-of-``repeat`` seconds of forward + backward in minigrad and in PyTorch, on the same
    inputs; the two alternate, so that a busy moment of the machine hits both alike."""
    arrays = case.make(np.random.default_rng(seed))
    ours = [mg.tensor(a, requires_grad=i in case.grad_args) for i, a in enumerate(arrays)]
    theirs = [torch.tensor(a, requires_grad=i in case.grad_args) for i, a in enumerate(arrays)]

    def timed(loss_function, inputs):
        for t in inputs:
            t.grad = None
        start = time.perf_counter()
        loss = loss_function(*inputs)
        if case.backward:
            loss.backward()
        return time.perf_counter() - start

    timed(case.minigrad, ours), timed(case.torch, theirs)  # warm up
    times = [(timed(case.minigrad, ours), timed(case.torch, theirs)) for _ in range(repeat)]
    return min(t[0] for t in times), min(t[1] for t in times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", nargs="*", help="loss names to run (default: all)")
    args = parser.parse_args(argv)
    torch.set_num_threads(THREADS)
    cases = _cases()
    names = args.only or list(cases)
    print(f"float32, 10^6 elements, best of {args.repeat}; torch {torch.__version__} on "
          f"{torch.get_num_threads()} thread(s), numpy {np.__version__}"
          + "; malloc keeps freed memory (minigrad.backend.keep_freed_memory, at import)")
    print(f"| {'loss':34} | minigrad ms | torch ms | ratio |")
    print(f"|{'-' * 36}|------------:|---------:|------:|")
    ratios = []
    for name in names:
        ours, theirs = measure(cases[name], args.repeat)
        ratios.append(ours / theirs)
        print(f"| {name:34} | {ours * 1e3:11.2f} | {theirs * 1e3:8.2f} | {ours / theirs:5.2f} |",
              flush=True)
    print(f"| {'median':34} | {'':11} | {'':8} | {statistics.median(ratios):5.2f} |")


if __name__ == "__main__":
    main()
