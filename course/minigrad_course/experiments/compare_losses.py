"""Cross-entropy against the paper's M, L, full M and full L losses: an offline analogue of the
paper's Tables 2–5 (Noel et al., seed 001).

Three tasks, each trained once per loss and seed with the same model, data and optimiser:

    digits-mlp   load_digits (8×8 images, 10 classes): Linear(64, 64) → ReLU → Linear(64, 10)
    digits-cnn   the same images as (1, 8, 8): Conv2d(1, 8, 3, padding=1) → ReLU → MaxPool2d(2)
                 → Conv2d(8, 16, 3, padding=1) → ReLU → MaxPool2d(2) → Flatten
                 → Linear(64, 10)
    cancer-mlp   load_breast_cancer (30 features, 2 classes): Linear(30, 32) → ReLU →
                 Linear(32, 2)

The model outputs logits.  Cross-entropy takes them directly (``cross_entropy``; for the
binary task this is the binary cross-entropy of σ(z₁ − z₀), and the table calls it BCE).  The
paper's losses take p = softmax(logits) and one-hot targets (``m_loss``, ``l_loss``, with
``full=True`` for the full versions).  The binary task uses TWO softmax outputs for every loss,
so that the plain M and L see every sample; note that with two softmax outputs the full
versions are exactly twice the plain ones (the wrong output's term 1/(1 − p_wrong) − 1 equals
the true output's 1/p_true − 1), so on that task M ≈ full M and L ≈ full L up to Adam's ε.

Hyperparameters, fixed before any comparison was run and the same for every loss: Adam with
lr 1e-3 (PyTorch's default betas and ε), batch size 32, 30 epochs, float32, the default
PyTorch-style initialisation.  Adam divides each step by a running scale of the gradient, so
the different scales of the losses' gradients (M's slope is 1/p² against cross-entropy's 1/p)
do not act as different learning rates.  Seed s fixes the train/test split (80/20, stratified),
the initial weights and the batch order; for a given seed every loss starts from the same
weights and sees the same batches, so differences between losses can be read seed by seed
(paired).  The accuracy reported is the test accuracy after the last epoch: the test set is
never used to choose an epoch or a setting.

``--quick``: 2 seeds, 5 epochs, at most 800 training samples per task.
"""
import time

import numpy as np

import minigrad as mg
from minigrad import losses, nn, optim
from minigrad.data import DataLoader, TensorDataset, load_breast_cancer, load_digits
from minigrad.train import accuracy, fit

from ..plotting import pyplot
from . import base
from .base import Setting, seed_everything

NAME = "compare-losses"

LOSS_NAMES = ("CE", "M", "L", "full M", "full L")
TASKS = ("digits-mlp", "digits-cnn", "cancer-mlp")
CHANCE = {"digits-mlp": 0.1, "digits-cnn": 0.1}  # cancer-mlp: the majority class, from the data

SEEDS = Setting(full=5, quick=2)
CONFIG = {
    "epochs": Setting(30, 5, help="epochs per run"),
    "tasks": Setting(list(TASKS), help="the tasks to run", choices=TASKS, nargs="+"),
    "max_train": Setting(None, 800),   # at most this many training samples per task
    "optimizer": Setting("Adam"),
    "lr": Setting(1e-3),
    "batch_size": Setting(32),
    "dtype": Setting("float32"),
    "test_size": Setting(0.2),
}
FIGURES = {"compare_losses_curves": ("lessons/08_paper_comparison.ipynb",
                                     "paper (seed 001) Tables 2-5, offline analogue")}
HYPER = {key: CONFIG[key].full for key in ("optimizer", "lr", "batch_size", "epochs", "dtype",
                                           "test_size")}
"""The hyperparameters of the full run, the same for every loss."""


# --- losses, models, data -----------------------------------------------------------------------
def loss_function(name):
    """The training loss ``name`` as f(logits, class indices) → the mean loss of the batch."""

    if name == "CE":
        return lambda logits, y: losses.cross_entropy(logits, y)
    paper_loss = {"M": losses.m_loss, "L": losses.l_loss}[name.split()[-1]]
    full = name.startswith("full")

    def on_probabilities(logits, y):
        p = mg.softmax(logits, axis=1)
        return paper_loss(p, mg.one_hot(y, logits.shape[1]).astype(p.dtype), full=full)
    on_probabilities.__name__ = name.replace(" ", "_") + "_loss"
    return on_probabilities


def make_model(task):
    if task == "digits-mlp":
        return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    if task == "digits-cnn":
        return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(64, 10))
    if task == "cancer-mlp":
        return nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 2))
    raise ValueError(f"compare-losses: unknown task {task!r}; choose from {', '.join(TASKS)}")


def load_task(task, seed, max_train=None):
    """(x_train, y_train, x_test, y_test) of ``task``, split by ``seed``."""
    data = (load_breast_cancer if task == "cancer-mlp" else load_digits)(
        test_size=HYPER["test_size"], seed=seed)
    x_train, y_train, x_test, y_test = data
    if max_train is not None and len(x_train) > max_train:
        x_train, y_train = x_train[:max_train], y_train[:max_train]
    if task == "digits-cnn":
        x_train, x_test = x_train.reshape(-1, 1, 8, 8), x_test.reshape(-1, 1, 8, 8)
    return x_train, y_train, x_test, y_test


def train_one(task, loss_name, seed, epochs, max_train=None):
    """Train ``task``'s model with ``loss_name`` from seed ``seed``; return its history
    (per epoch: 'loss', 'accuracy' on the training batches, 'val_loss', 'val_accuracy' on the
    test set) and the final test accuracy."""

    x_train, y_train, x_test, y_test = load_task(task, seed, max_train)
    seed_everything(seed)
    model = make_model(task)
    train = DataLoader(TensorDataset(x_train, y_train), batch_size=HYPER["batch_size"],
                       shuffle=True)
    test = DataLoader(TensorDataset(x_test, y_test), batch_size=1024)
    history = fit(model, loss_function(loss_name), optim.Adam(model.parameters(), lr=HYPER["lr"]),
                  train, epochs=epochs, metrics={"accuracy": accuracy}, progress=False,
                  val_loader=test)
    history["finite"] = bool(np.all(np.isfinite(history["loss"])))
    history["test_accuracy"] = history["val_accuracy"][-1]
    return history


# --- the experiment -----------------------------------------------------------------------------
def chance_level(task, seed):
    if task in CHANCE:
        return CHANCE[task]
    y_test = load_task(task, seed)[3].numpy()
    return float(np.bincount(y_test).max() / len(y_test))


def reading(accs):
    """An honest sentence on one task: the best mean, and whether the spread of the means is
    larger than the seed-to-seed spread."""
    means = {name: np.mean(a) for name, a in accs.items()}
    sds = {name: (np.std(a, ddof=1) if len(a) > 1 else 0.0) for name, a in accs.items()}
    best = max(means, key=means.get)
    worst = min(means, key=means.get)
    spread, largest_sd = means[best] - means[worst], max(sds.values())
    n = len(next(iter(accs.values())))
    if n < 2:
        return best, f"best mean: {best}; one seed only, so no error bars to read"
    if spread <= largest_sd:
        verdict = (f"all five means lie within one sd ({100 * largest_sd:.2f} points) of each "
                   f"other: no loss is distinguishable from the others at {n} seeds")
    else:
        ahead = [name for name in accs if means[best] - means[name] > max(sds[best], sds[name])]
        verdict = (f"{best} leads by more than one sd over {', '.join(ahead)}; the rest lie "
                   "within one sd of it")
    # paired by seed (same split, weights and batches): a difference to CE larger than its own
    # seed-to-seed sd is worth naming, though with few seeds and 4 comparisons it may be chance
    paired = []
    for name in accs:
        if name == "CE":
            continue
        diff = np.asarray(accs[name]) - np.asarray(accs["CE"])
        if abs(diff.mean()) > diff.std(ddof=1):
            if diff.mean() > 0:
                side, count = "ahead of", np.sum(diff > 0)
            else:
                side, count = "behind", np.sum(diff < 0)
            paired.append(f"{name} is {side} CE on {count} of {n} seeds "
                          f"({100 * diff.mean():+.2f} ± {100 * diff.std(ddof=1):.2f} points)")
    paired_text = ("paired by seed, " + "; ".join(paired) + " (a difference larger than its "
                   "own sd, not a significance test)") if paired else \
        "paired by seed, no loss differs from CE by more than the sd of the difference"
    return best, (f"best mean: {best} ({100 * means[best]:.2f} %), worst: {worst} "
                  f"({100 * means[worst]:.2f} %); {verdict}; {paired_text}")


def run(setup):
    start = time.perf_counter()
    seeds, tasks = setup.seeds, setup.config["tasks"]
    epochs, max_train = setup.config["epochs"], setup.config["max_train"]

    histories, runtimes = {}, {}
    for task in tasks:
        task_start = time.perf_counter()
        histories[task] = {name: [train_one(task, name, seed, epochs, max_train) for seed in seeds]
                           for name in LOSS_NAMES}
        runtimes[task] = time.perf_counter() - task_start
        print(f"{task}: {len(LOSS_NAMES)} losses × {len(seeds)} seeds × {epochs} epochs "
              f"in {runtimes[task]:.1f} s", flush=True)

    summary, readings, rows = {}, {}, []
    for task in tasks:
        accs = {name: [h["test_accuracy"] for h in histories[task][name]] for name in LOSS_NAMES}
        ce = np.array(accs["CE"])
        summary[task] = {"chance": chance_level(task, seeds[0])}
        for name in LOSS_NAMES:
            acc = np.array(accs[name])
            diff = acc - ce
            m, s = base.mean_sd(acc)
            dm, ds = base.mean_sd(diff)
            summary[task][name] = {
                "test_accuracy": acc, "mean": m, "sd": s,
                "diff_vs_ce_mean": dm, "diff_vs_ce_sd": ds,
                "seeds_better_tied_worse_than_ce": [int(np.sum(diff > 0)), int(np.sum(diff == 0)),
                                                    int(np.sum(diff < 0))],
                "all_losses_finite": all(h["finite"] for h in histories[task][name]),
            }
            label = "BCE" if (name == "CE" and task == "cancer-mlp") else name
            counts = "/".join(map(str, summary[task][name]["seeds_better_tied_worse_than_ce"]))
            paired = "—" if name == "CE" else f"{100 * dm:+.2f} ± {100 * ds:.2f} ({counts})"
            rows.append([task, label, base.fmt_mean_sd(acc, 2, scale=100), paired,
                         "" if summary[task][name]["all_losses_finite"] else "NaN/inf loss!"])
        readings[task] = reading(accs)

    table = base.markdown_table(
        ["task", "loss", "test accuracy % (mean ± sd)",
         "paired difference to CE, points (better/tied/worse seeds)", "note"], rows)
    elapsed = time.perf_counter() - start
    lines = [
        f"# Cross-entropy vs M, L, full M, full L (paper Tables 2–5, offline analogue): "
        f"test accuracy over {len(seeds)} seeds",
        "",
        f"Same model, data and optimiser for every loss: Adam lr {HYPER['lr']:g}, batch "
        f"{HYPER['batch_size']}, {epochs} epochs"
        f"{f', at most {max_train} training samples' if max_train else ''}; "
        "accuracy after the last epoch.  Binary task: two softmax outputs for every loss "
        "(full M = 2·M and full L = 2·L there).",
        "",
        table,
        "",
        "Reading:",
        *[f"- {task}: {readings[task][1]}." for task in tasks],
        "",
        "Chance: " + ", ".join(f"{task} {100 * summary[task]['chance']:.1f} %"
                               for task in tasks) + ".",
        f"Runtime: {elapsed:.1f} s ("
        + ", ".join(f"{t} {s:.1f} s" for t, s in runtimes.items()) + ").",
    ]
    return base.Report("\n".join(lines), {
        "tasks": list(tasks), "summary": summary,
        "best": {t: readings[t][0] for t in tasks}, "reading": {t: readings[t][1] for t in tasks},
        "histories": {t: {n: [{k: h[k] for k in ("loss", "accuracy", "val_loss", "val_accuracy")}
                              for h in hs] for n, hs in per_loss.items()}
                      for t, per_loss in histories.items()},
        "runtime_per_task_s": runtimes,
    }, {"compare_losses_curves": curves_figure(histories, epochs, len(seeds))})


def curves_figure(histories, epochs, n_seeds):
    """Per task (rows): the training loss and the test accuracy per epoch (columns), one line
    per loss, the mean over seeds with a ±1 sd band."""
    plt = pyplot()
    tasks = list(histories)
    fig, axes = plt.subplots(len(tasks), 2, figsize=(12, 3.6 * len(tasks)), squeeze=False)
    colours = dict(zip(LOSS_NAMES, ["black", "tab:red", "tab:blue", "tab:orange", "tab:cyan"]))
    styles = dict(zip(LOSS_NAMES, ["-", "-", "-", "--", "--"]))
    epoch = np.arange(1, epochs + 1)
    for row, task in zip(axes, tasks):
        for name in LOSS_NAMES:
            label = "BCE" if (name == "CE" and task == "cancer-mlp") else name
            for ax, key, scale in ((row[0], "loss", 1.0), (row[1], "val_accuracy", 100.0)):
                curves = np.array([h[key] for h in histories[task][name]], dtype=float) * scale
                mean = curves.mean(axis=0)
                sd = curves.std(axis=0, ddof=1) if len(curves) > 1 else np.zeros_like(mean)
                ax.plot(epoch, mean, styles[name], color=colours[name], label=label, lw=1.6)
                ax.fill_between(epoch, mean - sd, mean + sd, color=colours[name], alpha=0.12)
        row[0].set(yscale="log", xlabel="epoch", ylabel="training loss (its own scale)",
                   title=f"{task}: training loss")
        row[1].set(xlabel="epoch", ylabel="test accuracy (%)",
                   title=f"{task}: test accuracy, mean ± sd over {n_seeds} seeds")
        finals = [np.mean([h["val_accuracy"][-1] for h in histories[task][n]]) for n in LOSS_NAMES]
        low = min(np.mean([h["val_accuracy"][min(2, epochs - 1)] for h in histories[task][n]])
                  for n in LOSS_NAMES)
        row[1].set_ylim(100 * min(low, min(finals)) - 2, 100.5)
        for ax in row:
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
    fig.suptitle("Cross-entropy vs the paper's M, L, full M and full L (same model and optimiser)")
    fig.tight_layout()
    return fig
