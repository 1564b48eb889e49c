"""The coverage table of lessons/README.md: every concept of the four seeds, with the lesson
that teaches it, the figure that shows it and the test that checks it.

The table must have no empty cell; every lesson named must be a notebook built from a source in
lessons/src/; every figure must be a PNG in figures/ that the course draws (a gallery figure or an
experiment's); every test must name a test function defined in an existing file of tests/.  The
concepts each seed is known to teach must all have a row.
"""
import ast
import re
from pathlib import Path

import pytest

from .. import ROOT
README = ROOT / "lessons" / "README.md"
HEADER = ["seed", "concept", "lesson", "figure", "test"]
SEEDS = ("000", "001", "002", "003")

# Words that must appear among the concepts of each seed (case-insensitive): what the seed
# teaches, so that a row cannot quietly disappear.
REQUIRED = {
    "000": ["MSE", "MAE", "Huber", "cross-entropy", "binary cross-entropy", "focal",
            "label smoothing", "contrastive", "triplet", "reconstruction", "adversarial",
            "Dice", "IoU", "detection", "selection guide", "maximum likelihood"],
    "001": ["M loss", "L loss", "full M", "stricter", "lenient", "convex", "SMAE",
            "Fig. 1", "Fig. 3", "Fig. 4", "Table 1", "Tables 2–5", "quasi-convex"],
    "002": ["pointwise", "empirical risk", "regularised risk", "L1 and L2 penalties",
            "backpropagation", "BCE", "MSE", "1.609", "2.303", "3600", "categorical",
            "robust", "TD loss", "policy-gradient"],
    "003": ["ERM", "L1-norm", "L2-norm", "0-1", "square loss", "hinge", "logistic",
            "cross-entropy", "KL", "margin"],
}

CODE = re.compile(r"`([^`]*)`")
LESSON = re.compile(r"lessons/(\d\d_[A-Za-z0-9_]+)\.ipynb")
FIGURE = re.compile(r"figures/([A-Za-z0-9_]+)\.png")
TEST = re.compile(r"tests/((?:[a-z_]+/)*test_[A-Za-z0-9_]+\.py)::(test_[A-Za-z0-9_]+)")


def split_row(line):
    """The cells of a markdown table row ('\\|' is a literal bar inside a cell)."""
    cells = re.split(r"(?<!\\)\|", line.strip())
    return [cell.strip() for cell in cells[1:-1]]


def coverage_rows():
    """The rows of the coverage table: a list of dicts keyed by HEADER."""
    lines = README.read_text(encoding="utf-8").splitlines()
    for k, line in enumerate(lines):
        if line.startswith("|") and split_row(line) == HEADER:
            break
    else:
        raise AssertionError(f"{README}: no table with the header | {' | '.join(HEADER)} |")
    assert re.fullmatch(r"\|(\s*-+\s*\|)+", lines[k + 1].strip()), "no separator under the header"
    rows = []
    for line in lines[k + 2:]:
        if not line.startswith("|"):
            break
        cells = split_row(line)
        assert len(cells) == len(HEADER), f"{len(cells)} cells instead of {len(HEADER)}: {line}"
        rows.append(dict(zip(HEADER, cells)))
    return rows


def references(cell, pattern, what):
    """The matches of ``pattern`` in a cell that must consist of code spans of that kind only,
    separated by commas."""
    spans = CODE.findall(cell)
    assert spans, f"no `{what}` in {cell!r}"
    assert re.fullmatch(r"`[^`]+`(\s*,\s*`[^`]+`)*", cell), f"stray text beside the {what}s: {cell!r}"
    matches = [pattern.fullmatch(span) for span in spans]
    bad = [span for span, match in zip(spans, matches) if match is None]
    assert not bad, f"not a {what}: {bad}"
    return matches


ROWS = coverage_rows()


def row_id(row):
    return f"{row['seed']}-{row['concept'][:40]}"


def test_the_table_covers_every_seed_with_enough_rows():
    assert len(ROWS) >= 50
    assert {row["seed"] for row in ROWS} == set(SEEDS)
    for seed in SEEDS:
        assert sum(row["seed"] == seed for row in ROWS) >= 8, seed
    concepts = [(row["seed"], row["concept"]) for row in ROWS]
    assert len(set(concepts)) == len(concepts), "a concept is listed twice for the same seed"


def test_no_cell_is_empty():
    empty = [(row_id(row), name) for row in ROWS for name in HEADER
             if not row[name].strip() or row[name].strip() in ("-", "—", "``")]
    assert not empty, f"empty cells: {empty}"


@pytest.mark.parametrize("seed", SEEDS)
def test_every_concept_of_the_seed_has_a_row(seed):
    text = " ".join(row["concept"] for row in ROWS if row["seed"] == seed).lower()
    missing = [word for word in REQUIRED[seed] if word.lower() not in text]
    assert not missing, f"seed {seed}: no row for {missing}"


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_every_lesson_exists_and_is_built_from_a_source(row):
    for match in references(row["lesson"], LESSON, "lesson notebook"):
        stem = match.group(1)
        assert (ROOT / "lessons" / f"{stem}.ipynb").is_file(), f"lessons/{stem}.ipynb is missing"
        assert (ROOT / "lessons" / "src" / f"{stem}.py").is_file(), f"no source for {stem}"


def _drawn_figures():
    from minigrad_course import experiments, gallery
    return {entry.name for entry in gallery.FIGURES} | {entry[0] for entry in experiments.figures()}


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_every_figure_exists_and_is_drawn_by_the_course(row):
    drawn = _drawn_figures()
    for match in references(row["figure"], FIGURE, "figure"):
        path = ROOT / "figures" / f"{match.group(1)}.png"
        assert path.is_file(), \
            f"{path.relative_to(ROOT)} does not exist (python -m minigrad_course all)"
        assert path.stat().st_size > 10_000, f"{path.relative_to(ROOT)} is suspiciously small"
        assert match.group(1) in drawn, f"{match.group(1)}: neither a gallery nor an experiment figure"


def _test_functions(filename, cache={}):
    """The names of the test functions defined at the top level of tests/<filename>."""
    if filename not in cache:
        tree = ast.parse((ROOT / "tests" / filename).read_text(encoding="utf-8"))
        cache[filename] = {node.name for node in tree.body
                           if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                           and node.name.startswith("test_")}
    return cache[filename]


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_every_test_reference_names_an_existing_test(row):
    for match in references(row["test"], TEST, "test reference"):
        filename, name = match.groups()
        assert (ROOT / "tests" / filename).is_file(), f"tests/{filename} does not exist"
        assert name in _test_functions(filename), f"tests/{filename} defines no {name}"


def test_the_parser_reads_escaped_bars_and_refuses_stray_text():
    assert split_row(r"| 001 | curvature of \|e\| | a | b | c |") == \
        ["001", r"curvature of \|e\|", "a", "b", "c"]
    assert references("`tests/test_a.py::test_b`, `tests/test_c.py::test_d`", TEST, "test")
    with pytest.raises(AssertionError, match="stray text"):
        references("see `tests/test_a.py::test_b`", TEST, "test")
    with pytest.raises(AssertionError, match="not a figure"):
        references("`figures/x.svg`", FIGURE, "figure")
