"""The lesson notebooks: each is in sync with its source, and runs top to bottom in time.

Each lesson is a jupytext pair (lessons/jupytext.toml): the notebook lessons/NN_name.ipynb and
its source lessons/src/NN_name.py in the percent format.  A pair is in sync when jupytext reads
the same cells (type and source, in order) from both; outputs, ids and the metadata jupytext
keeps are not compared, though a committed notebook must hold no outputs.

The committed notebooks run through nbclient in a fresh ``python3`` kernel, with lessons/ as
working directory, under a limit of 60 seconds each.  That kernel is the interpreter running the
tests: ipykernel installs its ``python3`` kernelspec into the virtual environment
(``<venv>/share/jupyter/kernels/python3``, argv ``python -m ipykernel_launcher``), jupyter_core
prefers the environment's kernelspecs to the user's inside a virtual environment, and
jupyter_client runs ``sys.executable`` for an argv of ``python``; with no kernelspec at all,
jupyter_client falls back to ipykernel's own spec, also ``sys.executable``.  A test checks it.

Only the top-level notebooks ``lessons/*.ipynb`` are covered (lessons/exercises/ has tests of
its own).
"""
import difflib
import os
import sys
import time

import jupytext
import nbclient
import nbformat
import pytest
from jupyter_client.manager import KernelManager

from .. import ROOT

LESSONS = ROOT / "lessons"
SOURCES = sorted(p for p in (LESSONS / "src").glob("*.py") if not p.name.startswith(("_", ".")))
NOTEBOOKS = sorted(LESSONS.glob("*.ipynb"))
TIME_LIMIT = 60  # seconds per notebook, kernel start included


def notebook_of(source):
    """The notebook paired with a lesson source: lessons/<stem>.ipynb."""
    return LESSONS / f"{source.stem}.ipynb"


def rebuild_command(source):
    """The command, run from the repository root, that rewrites the notebook of ``source`` from
    the source (only the notebook is written; ids and metadata it already has are kept)."""
    return ("jupytext --update --set-kernel python3 --from src//py:percent --to ipynb "
            f"lessons/src/{source.name}")


def cells(notebook):
    """What a pair must agree on: each cell's type and source, in order."""
    return [(cell.cell_type, cell.source) for cell in notebook.cells]


def first_difference(got, expected, got_name, expected_name):
    """A few lines saying where two cell lists first differ."""
    for k, (a, b) in enumerate(zip(got, expected)):
        if a == b:
            continue
        if a[0] != b[0]:
            return f"cell {k} is a {a[0]} cell in {got_name}, a {b[0]} cell in {expected_name}"
        diff = difflib.unified_diff(a[1].splitlines(), b[1].splitlines(), got_name,
                                    expected_name, lineterm="", n=1)
        return f"cell {k} ({a[0]}) differs:\n" + "\n".join(list(diff)[:20])
    return (f"{got_name} has {len(got)} cells, {expected_name} has {len(expected)} "
            f"(the first {min(len(got), len(expected))} agree)")


def test_there_are_lessons():
    assert SOURCES, "no lesson sources in lessons/src/"


def test_every_source_has_a_notebook():
    missing = [f"lessons/{notebook_of(s).name}" for s in SOURCES if not notebook_of(s).exists()]
    assert not missing, (f"missing notebooks: {missing}; build each from its source with "
                         f"{rebuild_command(LESSONS / 'src' / 'NN_name.py')}")


def test_every_notebook_has_a_source():
    stems = {s.stem for s in SOURCES}
    orphans = [f"lessons/{p.name}" for p in NOTEBOOKS if p.stem not in stems]
    assert not orphans, (f"notebooks without a source in lessons/src/: {orphans} (write the "
                         "source, e.g. jupytext --to py:percent, or delete the notebook)")


@pytest.mark.parametrize("source", SOURCES, ids=[s.stem for s in SOURCES])
def test_notebook_is_in_sync_with_its_source(source):
    notebook = notebook_of(source)
    pair = f"lessons/{notebook.name} and lessons/src/{source.name}"
    fix = f"rebuild the notebook from its source with:\n    {rebuild_command(source)}"
    if not notebook.exists():
        pytest.fail(f"lessons/{notebook.name} is missing; {fix}", pytrace=False)
    expected = cells(jupytext.read(source, fmt="py:percent"))
    got = cells(jupytext.read(notebook))
    if got != expected:
        where = first_difference(got, expected, f"lessons/{notebook.name}",
                                 f"lessons/src/{source.name}")
        pytest.fail(f"{pair} are out of sync: {where}\n{fix}", pytrace=False)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_notebook_has_no_outputs_and_the_python3_kernel(path):
    nb = nbformat.read(path, as_version=4)
    ran = [k for k, cell in enumerate(nb.cells) if cell.cell_type == "code"
           and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not ran, (f"lessons/{path.name}: cells {ran} hold outputs; clear them with "
                     f"jupyter nbconvert --clear-output --inplace lessons/{path.name}")
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    assert kernel == "python3", (f"lessons/{path.name}: kernelspec {kernel!r}, not 'python3'; "
                                 f"jupytext --set-kernel python3 lessons/{path.name}")


def test_the_python3_kernel_runs_this_interpreter():
    argv = KernelManager(kernel_name="python3").format_kernel_cmd()
    assert os.path.abspath(argv[0]) == os.path.abspath(sys.executable), (
        f"the python3 kernel runs {argv[0]}, not {sys.executable}, so the notebooks would not "
        f"see this environment's packages: {sys.executable} -m ipykernel install --sys-prefix")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=TIME_LIMIT,
                                     resources={"metadata": {"path": str(LESSONS)}})
    start = time.perf_counter()
    try:
        client.execute()
    except nbclient.exceptions.CellTimeoutError as err:
        pytest.fail(f"lessons/{path.name}: a cell ran over {TIME_LIMIT} s: {err}", pytrace=False)
    except nbclient.exceptions.CellExecutionError as err:
        pytest.fail(f"lessons/{path.name} failed:\n{err}", pytrace=False)
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_LIMIT, f"lessons/{path.name} took {elapsed:.1f} s (limit {TIME_LIMIT} s)"
