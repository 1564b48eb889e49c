"""The figures of the lessons, each a function that returns a matplotlib Figure, listed in one
table, FIGURES.

A lesson shows a figure (``gallery.show(name)``: drawn and displayed, nothing written);
``python -m minigrad_course figures`` saves every entry into figures/ and writes
figures/README.md from the same table and the experiments' figures.  So a figure is drawn by
one piece of code wherever it appears.  Every derivative shown is the engine's
(minigrad.calculus.derivatives), never a hand-written formula.

    drawing.py         grids, engine functions of one grid variable, arrows
    problems.py        the toy problems, and the helpers that solve or train them
    metrics.py         calibration metrics
    derivation.py      lesson 02    likelihood.py      lesson 03    regression.py   lesson 04
    classification.py  lesson 05    ranking.py         lesson 06    generative.py   lesson 07
    comparison.py      lesson 08 (the paper's numbers come from minigrad_course.paper)
"""
from dataclasses import dataclass
from pathlib import Path

from .. import experiments
from ..plotting import pyplot, save
from ..plotting import show as show_figure
from . import classification, comparison, derivation, generative, likelihood, ranking, regression


@dataclass(frozen=True)
class FigureEntry:
    name: str
    draw: object        # () -> matplotlib.figure.Figure
    lesson: str         # the notebook that shows it
    reproduces: str     # the seed figure or concept it reproduces


FIGURES = [
    FigureEntry("regularized_risk_paths", derivation.regularized_risk_paths,
                "lessons/02_derivation_chain.ipynb",
                "seed 002: regularised risk J(W) + λΩ(W), L2 against L1"),
    FigureEntry("mle_bce", likelihood.mle_bce, "lessons/03_mle_bce.ipynb",
                "seeds 000/002: BCE derived from the Bernoulli likelihood"),
    FigureEntry("regression_losses", regression.regression_losses,
                "lessons/04_regression_losses.ipynb", "paper (seed 001) Fig. 3"),
    FigureEntry("huber_delta_sweep", regression.huber_delta_sweep,
                "lessons/04_regression_losses.ipynb",
                "seed 000: Huber's δ (and smooth L1 = Huber/β)"),
    FigureEntry("smae_asymptotes", regression.smae_asymptotes, "lessons/04_regression_losses.ipynb",
                "paper (seed 001): SMAE ≈ e²/2 near 0 and ≈ the absolute error far away, "
                "with no offset"),
    FigureEntry("bce_vs_output", classification.bce_vs_output,
                "lessons/05_classification_losses.ipynb", "paper (seed 001) Fig. 1"),
    FigureEntry("classification_losses", classification.classification_losses,
                "lessons/05_classification_losses.ipynb", "paper (seed 001) Fig. 2"),
    FigureEntry("margin_losses", classification.margin_losses,
                "lessons/05_classification_losses.ipynb", "seed 003: losses against the margin"),
    FigureEntry("margin_slopes", classification.margin_slopes,
                "lessons/05_classification_losses.ipynb",
                "seed 003: cross-entropy in the margin view, and each surrogate's slope"),
    FigureEntry("focal_loss_gammas", classification.focal_loss_gammas,
                "lessons/05_classification_losses.ipynb", "seed 000: focal loss"),
    FigureEntry("label_smoothing_calibration", classification.label_smoothing_calibration,
                "lessons/05_classification_losses.ipynb",
                "seed 000: label smoothing and calibration (digits)"),
    FigureEntry("ranking_losses", ranking.ranking_losses, "lessons/06_ranking_segmentation.ipynb",
                "seed 000: contrastive and triplet losses, their margins and gradients"),
    FigureEntry("overlap_gradients", ranking.overlap_gradients_figure,
                "lessons/06_ranking_segmentation.ipynb",
                "seed 000: Dice and IoU against BCE under class imbalance (gradients)"),
    FigureEntry("gan_generator_gradients", generative.gan_generator_gradients,
                "lessons/07_generative_rl.ipynb",
                "seed 000: adversarial loss, saturating vs non-saturating generator"),
    FigureEntry("vae_kl_monte_carlo", generative.vae_kl_monte_carlo,
                "lessons/07_generative_rl.ipynb",
                "seed 000: the VAE loss's KL term against Monte Carlo"),
    FigureEntry("compare_losses_error_bars", comparison.compare_losses_error_bars,
                "lessons/08_paper_comparison.ipynb",
                "paper (seed 001) Tables 2-5: our comparison with error bars and paired "
                "differences"),
    FigureEntry("paper_claims_vs_ours", comparison.paper_claims_vs_ours,
                "lessons/08_paper_comparison.ipynb",
                "paper (seed 001) Tables 1-5: the paper's numbers beside ours"),
    FigureEntry("cross_entropy_kl", comparison.cross_entropy_kl,
                "lessons/08_paper_comparison.ipynb",
                "seed 003: cross-entropy and the KL divergence"),
]
"""Every gallery figure, in lesson order."""

BY_NAME = {entry.name: entry for entry in FIGURES}


def draw(name):
    """The gallery figure ``name``, drawn (a matplotlib Figure)."""
    if name not in BY_NAME:
        raise ValueError(f"gallery: no figure {name!r}; choose from {', '.join(BY_NAME)}")
    return BY_NAME[name].draw()


def show(*names):
    """Draw the gallery figures ``names`` and display them (in a notebook); nothing is
    written.  (``draw(name)`` returns a figure itself.)"""
    for name in names:
        show_figure(draw(name))


def save_all(directory="figures", names=None):
    """Draw the figures (all, or those in ``names``) into ``directory``; write its README."""
    pyplot()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = [save(entry.draw(), directory, entry.name) for entry in FIGURES
               if not names or entry.name in names]
    write_index(directory)
    return written


def module_name(function):
    """Where a figure function lives, as a reader imports it: minigrad_course.gallery.<module>."""
    return f"{function.__module__}.{function.__name__}"


def write_index(directory="figures"):
    """figures/README.md: every figure, what it reproduces, its lesson and what draws it."""
    rows = [f"| `{e.name}.png` | {e.reproduces} | `{e.lesson}` | `{module_name(e.draw)}` |"
            for e in FIGURES]
    rows += [f"| `{name}.png` | {reproduces} | `{lesson}` | "
             f"`python -m minigrad_course {command}` |"
             for name, command, lesson, reproduces in experiments.figures()]
    path = Path(directory) / "README.md"
    path.write_text(
        "# Figures\n\nRegenerate them all with `python -m minigrad_course all` (the gallery "
        "alone: `python -m minigrad_course figures`).\n\n"
        "| figure | reproduces | lesson | drawn by |\n|---|---|---|---|\n" + "\n".join(rows) + "\n")
    return path
