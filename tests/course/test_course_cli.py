"""The course's command line beside the experiments (example, exercise notebooks), and the rule
that only the command line writes: showing a figure saves nothing, and no lesson, test or
benchmark sets up an import path of its own."""
import subprocess
import sys

import pytest

from minigrad_course import FIGURES, gallery

from .. import ROOT


def course(*argv):
    return subprocess.run([sys.executable, "-m", "minigrad_course", *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_example_runs_the_readme_example():
    done = course("example")
    assert done.returncode == 0, done.stderr
    printed = done.stdout.strip()
    assert printed and f"```text\n{printed}\n```" in (ROOT / "README.md").read_text()


def test_usage_lists_every_command():
    done = course("--help")
    assert done.returncode == 0
    for name in ("example", "figures", "all", "robust-regression"):
        assert name in done.stdout


def test_showing_a_figure_writes_nothing(tmp_path, monkeypatch):
    pytest.importorskip("IPython")
    monkeypatch.chdir(tmp_path)
    before = {p: p.stat().st_mtime_ns for p in FIGURES.iterdir()}
    gallery.show("bce_vs_output")
    figure = gallery.draw("regression_losses")
    assert figure.axes
    assert list(tmp_path.iterdir()) == []
    assert {p: p.stat().st_mtime_ns for p in FIGURES.iterdir()} == before


def test_nothing_sets_up_an_import_path_of_its_own():
    """Lessons, tests, benchmarks and the course run against the installed packages."""
    offenders = [str(p.relative_to(ROOT)) for folder in ("lessons", "tests", "benchmarks", "course")
                 for p in (ROOT / folder).rglob("*.py")
                 if "sys.path.insert" in p.read_text(encoding="utf-8")
                 and p.name != "test_course_cli.py"]
    assert not offenders, offenders
