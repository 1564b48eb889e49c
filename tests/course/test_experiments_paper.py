"""The paper's two experiments in their --quick configuration, and the command line.

Each experiment must not only run but learn: the robust-regression fit must reproduce the
paper's ordering SMAE < log-cosh < MSE of the slope error, and every loss must classify the
digits far above chance.
"""
import json
import subprocess
import sys
import types

import pytest

from minigrad_course import __main__ as cli
from minigrad_course import experiments
from minigrad_course.experiments import base, compare_losses, robust_regression

from .. import ROOT


def run_quick(module, tmp_path, *extra):
    return base.run(module, ["--quick", "--out", str(tmp_path / "results"),
                             "--figures", str(tmp_path / "figures"), *extra])


def python_m_minigrad_course(*argv, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "minigrad_course", *argv], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


# --- robust regression --------------------------------------------------------------------------
def test_robust_regression_reproduces_the_papers_ordering(tmp_path, capsys):
    results = run_quick(robust_regression, tmp_path)
    slope = {name: results["summary"][name]["slope"]["mean"] for name in robust_regression.LOSSES}
    assert slope["SMAE"] < slope["log-cosh"] < slope["MSE"], slope
    assert results["ordering_holds"]["slope"]
    # the robust losses really are robust here, and least squares really is pulled off
    assert slope["SMAE"] < 25 and slope["MSE"] > 50
    # the fits agree with what the printed table and the saved files say
    printed = capsys.readouterr().out
    assert "SMAE < log-cosh < MSE on the mean slope error: HOLDS" in printed
    assert "8.73" in printed and "68.2" in printed and "22.76" in printed  # the paper's column
    saved = json.loads((tmp_path / "results" / "robust_regression.json").read_text())
    assert saved["summary"]["SMAE"]["slope"]["mean"] == pytest.approx(slope["SMAE"])
    assert len(saved["fits"]["SMAE"]["slope"]) == len(results["seeds"])
    assert (tmp_path / "results" / "robust_regression.md").exists()
    assert (tmp_path / "figures" / "robust_regression_fit.png").stat().st_size > 10_000


def test_robust_regression_least_squares_fit_matches_the_closed_form():
    """The fitting loop itself: under MSE it must land on the least-squares line."""
    import numpy as np
    from minigrad import losses
    x, y, _ = robust_regression.make_data([0, 1])
    a, b, info = robust_regression.fit_line(losses.mse_loss, x, y, steps=4000, lr=0.1)
    for i in range(2):
        slope, intercept = np.polyfit(x[i], y[i], 1)
        assert a[i] == pytest.approx(slope, abs=1e-6)
        assert b[i] == pytest.approx(intercept, abs=1e-6)
    assert info["last_move"] < 1e-6


# --- classification: CE against M, L, full M, full L -------------------------------------------
def test_compare_losses_every_loss_learns(tmp_path, capsys):
    results = run_quick(compare_losses, tmp_path)
    for task in ("digits-mlp", "digits-cnn"):
        for name in compare_losses.LOSS_NAMES:
            stats = results["summary"][task][name]
            assert stats["all_losses_finite"], (task, name)
            # chance is 10 %; after 5 quick epochs every loss is far above it
            assert min(stats["test_accuracy"]) > 0.5, (task, name, stats["test_accuracy"])
    for name in compare_losses.LOSS_NAMES:
        stats = results["summary"]["cancer-mlp"][name]
        assert stats["mean"] > results["summary"]["cancer-mlp"]["chance"] + 0.1, (name, stats)
    printed = capsys.readouterr().out
    assert "| digits-cnn | full L |" in printed and "Reading:" in printed
    saved = json.loads((tmp_path / "results" / "compare_losses.json").read_text())
    assert set(saved["summary"]) == set(compare_losses.TASKS)
    history = saved["histories"]["digits-mlp"]["M"][0]
    assert len(history["loss"]) == len(history["val_accuracy"]) == results["config"]["epochs"]
    assert "| task | loss |" in (tmp_path / "results" / "compare_losses.md").read_text()
    assert (tmp_path / "figures" / "compare_losses_curves.png").stat().st_size > 10_000


def test_binary_full_paper_losses_are_twice_the_plain_ones_with_two_softmax_outputs():
    """What the module docstring claims about the binary task (M ≈ full M there)."""
    import minigrad as mg
    logits = mg.tensor([[0.3, -1.2], [2.0, 0.5], [-0.7, 0.1]], dtype="float64")
    y = mg.tensor([0, 1, 1])
    for plain, full in (("M", "full M"), ("L", "full L")):
        value_plain = compare_losses.loss_function(plain)(logits, y).item()
        value_full = compare_losses.loss_function(full)(logits, y).item()
        assert value_full == pytest.approx(2 * value_plain, rel=1e-12)


# --- the command line ---------------------------------------------------------------------------
def test_cli_refuses_an_unknown_experiment_listing_the_known_ones():
    done = python_m_minigrad_course("no-such-experiment")
    assert done.returncode == 2
    assert "unknown" in done.stderr and "'no-such-experiment'" in done.stderr
    for name in ["example", "figures", "all", *experiments.MODULES]:
        assert name in done.stderr


@pytest.mark.parametrize("value", ["0", "-3", "two"])
def test_cli_refuses_a_non_positive_number_of_seeds(value):
    done = python_m_minigrad_course("robust-regression", "--seeds", value)
    assert done.returncode == 2
    assert "--seeds" in done.stderr and "positive integer" in done.stderr


def test_cli_figures_writes_the_gallery_pngs(tmp_path):
    out = tmp_path / "figs"
    done = python_m_minigrad_course("figures", "--out", str(out), "--only", "bce_vs_output",
                             "regression_losses")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.glob("*.png")) == ["bce_vs_output.png",
                                                         "regression_losses.png"]
    assert all(p.stat().st_size > 10_000 for p in out.glob("*.png"))
    assert "| `bce_vs_output.png` |" in (out / "README.md").read_text()


def test_cli_runs_an_experiment_with_its_own_options(tmp_path):
    done = python_m_minigrad_course("robust-regression", "--quick", "--seeds", "2",
                                    "--steps", "300", "--out", str(tmp_path),
                                    "--figures", str(tmp_path))
    assert done.returncode == 0, done.stderr
    saved = json.loads((tmp_path / "robust_regression.json").read_text())
    assert saved["seeds"] == [0, 1] and saved["config"]["steps"] == 300


def test_all_runs_every_step_and_fails_at_the_end_on_a_broken_one(monkeypatch, capsys):
    broken = types.ModuleType("broken_experiment_for_test")
    broken.NAME = "broken"

    def run(setup):
        raise RuntimeError("this experiment is broken on purpose")
    broken.run = run
    monkeypatch.setattr(experiments, "MODULES", {"broken": broken})
    monkeypatch.setattr(cli, "run_example", lambda *a: print("example ran"))
    monkeypatch.setattr(cli, "run_figures", lambda *a: print("figures ran"))
    monkeypatch.setattr(base, "run", lambda module, argv: module.run(None))
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["all", "--quick"])
    assert exit_info.value.code == 1
    out, err = capsys.readouterr()
    assert "example ran" in out and "figures ran" in out
    assert "this experiment is broken on purpose" in err and "FAILED: broken" in err


def test_every_experiment_is_found_by_its_file_and_declares_its_configuration():
    """A new experiment is one file: the registry finds it, the base builds its parser."""
    assert set(experiments.MODULES) == {"robust-regression", "compare-losses", "rl",
                                        "generative", "embeddings", "segmentation"}
    for name, module in experiments.MODULES.items():
        assert module.NAME == name and callable(module.run)
        assert isinstance(module.SEEDS, base.Setting) and module.FIGURES
        assert all(isinstance(s, base.Setting) for s in module.CONFIG.values())
        full = base.setup(module, base.parse_args(module, []))
        quick = base.setup(module, base.parse_args(module, ["--quick"]))
        assert set(full.config) == set(quick.config) == set(module.CONFIG)
        assert len(quick.seeds) <= len(full.seeds)


def test_a_setting_with_a_help_is_an_option_that_overrides_full_and_quick():
    args = base.parse_args(robust_regression, ["--quick", "--steps", "7", "--seeds", "3"])
    setup = base.setup(robust_regression, args)
    assert setup.config == {"steps": 7, "lr": 0.1} and setup.seeds == [0, 1, 2]
    assert base.setup(robust_regression, base.parse_args(robust_regression, ["--quick"])) \
        .config["steps"] == 1000
    assert base.setup(robust_regression, base.parse_args(robust_regression, [])) \
        .config["steps"] == 4000
