"""Lesson 08, the paper's comparison read honestly: our classification comparison with error bars
and paired differences, the paper's published numbers beside ours, and cross-entropy as
entropy plus KL divergence.  The comparison figures read the full runs' results/*.json, or run
the experiments' --quick configuration when those are absent."""
import json
from pathlib import Path

import numpy as np

import minigrad as mg
from minigrad import losses
from minigrad.calculus import derivatives

from .. import RESULTS, paper
from ..experiments import base, load
from ..experiments.compare_losses import LOSS_NAMES
from ..plotting import pyplot


def load_or_run(experiment, name, results=RESULTS):
    """The full run's <results>/<name>.json when it exists (default: the repository's
    results/), else the experiment's --quick configuration run into a temporary folder
    (seconds).  Returns (results, 'full'|'quick')."""
    path = Path(results) / f"{name}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8")), "full"
    return base.run_quick(load(experiment)), "quick"


def compare_losses_error_bars(results=None):
    """The classification comparison (``python -m minigrad_course compare-losses``) read with its
    error bars: per task, the test accuracy of each loss (mean ± sd over seeds, and every seed);
    each seed's paired difference to cross-entropy at the last epoch; and that paired
    difference epoch by epoch (mean ± sd)."""
    plt = pyplot()
    results = load_or_run("compare-losses", "compare_losses")[0] if results is None else results
    tasks = list(results["tasks"])
    summary, histories = results["summary"], results["histories"]
    n_seeds = len(results["seeds"])
    fig, axes = plt.subplots(3, len(tasks), figsize=(5.2 * len(tasks), 12), squeeze=False)
    colours = dict(zip(LOSS_NAMES, ["black", "tab:red", "tab:blue", "tab:orange", "tab:cyan"]))
    xs = np.arange(len(LOSS_NAMES))
    rng = np.random.default_rng(0)
    for column, task in enumerate(tasks):
        names = ["BCE" if (n == "CE" and task == "cancer-mlp") else n for n in LOSS_NAMES]
        ax = axes[0, column]
        for x, name in zip(xs, LOSS_NAMES):
            acc = 100 * np.asarray(summary[task][name]["test_accuracy"])
            ax.errorbar(x, acc.mean(), yerr=acc.std(ddof=1) if acc.size > 1 else 0, fmt="o",
                        color=colours[name], capsize=6, ms=8, lw=2)
            ax.plot(x + 0.18 + 0.04 * rng.standard_normal(acc.size), acc, ".",
                    color=colours[name], alpha=0.6)
        ce = 100 * np.asarray(summary[task]["CE"]["test_accuracy"])
        ax.axhspan(ce.mean() - ce.std(ddof=1), ce.mean() + ce.std(ddof=1), color="k", alpha=0.07,
                   label="CE mean ± 1 sd")
        ax.set(xticks=xs, xticklabels=names, ylabel="test accuracy (%)",
               title=f"{task}: mean ± sd over {n_seeds} seeds (dots: seeds)")
        ax.legend(fontsize=8, loc="lower left")

        ax = axes[1, column]
        for x, name in zip(xs[1:], LOSS_NAMES[1:]):
            diff = 100 * (np.asarray(summary[task][name]["test_accuracy"]) - ce / 100)
            ax.plot(np.full(diff.size, x) + 0.05 * rng.standard_normal(diff.size), diff, ".",
                    color=colours[name], ms=9, alpha=0.7)
            ax.errorbar(x + 0.25, diff.mean(), yerr=diff.std(ddof=1) if diff.size > 1 else 0,
                        fmt="s", color=colours[name], capsize=5)
        ax.axhline(0, color="k", lw=1)
        ax.set(xticks=xs[1:], xticklabels=names[1:],
               ylabel="accuracy − CE's, same seed (points)",
               title=f"{task}: paired differences to {names[0]} at the last epoch")

        ax = axes[2, column]
        ce_curves = np.array([h["val_accuracy"] for h in histories[task]["CE"]])
        epochs = np.arange(1, ce_curves.shape[1] + 1)
        for name, label in zip(LOSS_NAMES[1:], names[1:]):
            curves = np.array([h["val_accuracy"] for h in histories[task][name]])
            diff = 100 * (curves - ce_curves)
            mean = diff.mean(axis=0)
            sd = diff.std(axis=0, ddof=1) if len(diff) > 1 else np.zeros_like(mean)
            ax.plot(epochs, mean, color=colours[name], label=label)
            ax.fill_between(epochs, mean - sd, mean + sd, color=colours[name], alpha=0.1, lw=0)
        ax.axhline(0, color="k", lw=1)
        ax.set(xlabel="epoch", ylabel="paired difference to CE (points)",
               title=f"{task}: the paired difference, epoch by epoch (±1 sd)")
        ax.legend(fontsize=8)
    for ax in axes.flat:
        ax.grid(alpha=0.3)
    fig.suptitle("Cross-entropy against the paper's M, L, full M and full L: same model, data, "
                 "optimiser and seeds for every loss", fontsize=12)
    fig.tight_layout()
    return fig


def paper_claims_vs_ours(compare=None, robust=None):
    """What the paper reports beside what we measured: (left) each loss's test accuracy minus
    cross-entropy's in the paper's Tables 2–5 (one run each, no error bars) and in our
    comparison (mean ± sd of the paired differences over seeds); (right) the paper's Table 1
    against our robust-regression errors (mean ± sd over seeds)."""
    import matplotlib.ticker
    plt = pyplot()
    tables, table_1 = paper.TABLES_2_5, paper.TABLE_1
    compare = load_or_run("compare-losses", "compare_losses")[0] if compare is None else compare
    robust = load_or_run("robust-regression", "robust_regression")[0] if robust is None else robust
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(17, 5),
                                              gridspec_kw={"width_ratios": [1.6, 1, 1]})
    others = LOSS_NAMES[1:]
    colours = dict(zip(others, ["tab:red", "tab:blue", "tab:orange", "tab:cyan"]))
    rows = [r.replace(", ", "\n").replace(": ", ":\n") for r in tables] + \
        [f"ours:\n{t}\n{len(compare['seeds'])} seeds" for t in compare["tasks"]]
    for k, name in enumerate(others):
        offset = (k - 1.5) * 0.15
        theirs = [100 * (table[name] - table["CE"]) for table in tables.values()]
        left.plot(np.arange(len(tables)) + offset, theirs, "D", color=colours[name],
                  label=name)
        for j, task in enumerate(compare["tasks"]):
            s = compare["summary"][task][name]
            left.errorbar(len(tables) + j + offset, 100 * s["diff_vs_ce_mean"],
                          yerr=100 * s["diff_vs_ce_sd"], fmt="o", color=colours[name], capsize=3)
    left.axhline(0, color="k", lw=1)
    left.axvline(len(tables) - 0.5, color="gray", ls="--", lw=1)
    left.set(xticks=range(len(rows)), ylabel="test accuracy − cross-entropy's (points)",
             title="paper (diamonds: one run, no error bars) | ours (mean ± sd of paired "
                   "differences)")
    left.set_xticklabels(rows, fontsize=7.5)
    left.legend(fontsize=8, loc="upper right")
    names = list(table_1)
    for ax, key, column in ((middle, "slope", 0), (right, "intercept", 1)):
        x = np.arange(len(names))
        ours = [robust["summary"][n][key]["mean"] for n in names]
        sds = [robust["summary"][n][key]["sd"] for n in names]
        ax.set_yscale("log")
        paper_bars = ax.bar(x - 0.2, [table_1[n][column] for n in names], width=0.4, color="0.7",
                            label="paper, Table 1")
        our_bars = ax.bar(x + 0.2, ours, width=0.4, yerr=sds, capsize=4, color="C0",
                          label=f"ours, mean ± sd over {len(robust['seeds'])} seeds")
        ax.bar_label(paper_bars, fmt="%.1f", fontsize=8)
        ax.bar_label(our_bars, fmt="%.1f", fontsize=8, padding=6)
        top = max(max(ours), max(table_1[n][column] for n in names))
        ax.set_ylim(0.5 * min(min(ours), min(table_1[n][column] for n in names)), 4 * top)
        ax.set_yticks([t for t in (5, 10, 20, 50, 100, 200, 500, 1000) if t < 4 * top])
        ax.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set(xticks=x, xticklabels=names, ylabel=f"{key} error (%), log scale",
               title=f"Table 1, {key} error: the order\nSMAE < log-cosh < MSE holds in both")
        ax.legend(fontsize=8, loc="upper left")
    for ax in (left, middle, right):
        ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return fig


def cross_entropy_kl(targets=(1.0, 0.8, 0.5)):
    """Seed 003: cross-entropy against a target distribution t is its entropy H(t) plus the KL
    divergence KL(t ‖ q): for a two-class prediction q, both curves (engine values) and their
    slopes, which coincide — the entropy does not depend on q."""
    plt = pyplot()
    q = np.linspace(0.01, 0.99, 393)
    fig, (value_ax, slope_ax) = plt.subplots(1, 2, figsize=(12, 4.3))
    for k, t in enumerate(targets):
        target = np.array([t, 1 - t])

        def two_class(p):               # the prediction (q, 1 − q) as an (n, 2) tensor
            return p.reshape(-1, 1) * mg.Tensor(np.array([[1.0, -1.0]]), dtype=p.dtype) + \
                mg.Tensor(np.array([[0.0, 1.0]]), dtype=p.dtype)

        def targets_like(p, target=target):
            return mg.Tensor(np.broadcast_to(target, (p.shape[0], 2)).copy(), dtype=p.dtype)

        def ce(p):                      # cross_entropy of the logits log q: softmax(log q) = q
            return losses.cross_entropy(two_class(p).log(), targets_like(p), reduction="none")

        def kl(p):                      # KL(t ‖ q) = Σ t log t − Σ t log q
            return losses.kl_div(two_class(p).log(), targets_like(p), reduction="none").sum(axis=1)

        ce_value, ce_slope = derivatives(ce, q, order=1)
        kl_value, kl_slope = derivatives(kl, q, order=1)
        entropy = float(-(target[target > 0] * np.log(target[target > 0])).sum()) + 0.0
        value_ax.plot(q, ce_value, color=f"C{k}", label=f"t = ({t:g}, {1 - t:g}): cross-entropy")
        value_ax.plot(q, kl_value, color=f"C{k}", ls="--",
                      label=f"   KL(t ‖ q) = CE − H(t), H(t) = {entropy:.3f}")
        slope_ax.plot(q, ce_slope, color=f"C{k}", label=f"t = ({t:g}, {1 - t:g}): ∂CE/∂q")
        slope_ax.plot(q, kl_slope, color=f"C{k}", ls="--", lw=2.5, alpha=0.5,
                      label="   ∂KL/∂q (the same curve)")
    value_ax.set(xlabel="predicted probability q of class 1", ylabel="nats", ylim=(0, 3.5),
                 title="cross-entropy = H(t) + KL(t ‖ q): minimised at q = t")
    slope_ax.set(xlabel="predicted probability q of class 1", ylabel="slope (engine)",
                 ylim=(-12, 12), title="the same gradient: H(t) does not depend on the model")
    for ax in (value_ax, slope_ax):
        ax.legend(fontsize=7.5)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
