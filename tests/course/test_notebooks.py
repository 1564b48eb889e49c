"""The lesson notebooks: each is up to date with its source, and runs top to bottom in time.

Only the top-level notebooks ``lessons/*.ipynb`` are covered (lessons/exercises/ has tests of
its own).  Each notebook runs in a fresh kernel of the interpreter running the tests, with
lessons/ as working directory, under a limit of 60 seconds.
"""
import importlib.util
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel  # noqa: E402
from jupyter_client.manager import AsyncKernelManager  # noqa: E402

from .. import ROOT
LESSONS = ROOT / "lessons"
TIME_LIMIT = 60  # seconds per notebook, kernel start included


def _load_build():
    spec = importlib.util.spec_from_file_location("lessons_build", LESSONS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_build()
SOURCES = build.sources()
NOTEBOOKS = sorted(LESSONS.glob("*.ipynb"))


class ThisInterpreter(KernelSpecManager):
    """Kernel specs whose 'python3' is always an ipykernel of ``sys.executable``.

    Whatever python3 kernel is installed (or none), the notebooks then run with the packages
    of the interpreter that runs the tests; nothing is installed anywhere.
    """

    def get_kernel_spec(self, kernel_name):
        if kernel_name == "python3":
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f",
                                    "{connection_file}"],
                              display_name="Python 3 (tests)", language="python",
                              resource_dir=str(LESSONS))
        raise NoSuchKernel(kernel_name)


def test_there_are_lessons():
    assert SOURCES, "no lesson sources in lessons/src/"


@pytest.mark.parametrize("source", SOURCES, ids=[s.stem for s in SOURCES])
def test_notebook_matches_source(source):
    path = build.notebook_path(source)
    assert path.exists(), f"{path.name} is missing: run python lessons/build.py"
    committed = nbformat.read(path, as_version=4)
    built = build.build_notebook(source)
    assert committed.metadata.get("kernelspec", {}).get("name") == "python3"
    got, expected = build.cells_of(committed), build.cells_of(built)
    for k, (a, b) in enumerate(zip(got, expected)):
        assert a == b, (f"{path.name}, cell {k}: differs from {source.name} (or holds outputs); "
                        "run python lessons/build.py")
    assert len(got) == len(expected), (f"{path.name} has {len(got)} cells, its source builds "
                                       f"{len(expected)}; run python lessons/build.py")


def test_every_notebook_has_a_source():
    stems = {s.stem for s in SOURCES}
    orphans = [p.name for p in NOTEBOOKS if p.stem not in stems]
    assert not orphans, f"notebooks without a source in lessons/src/: {orphans}"


def test_the_build_parses_the_percent_format():
    cells = build.parse("import x\n\n# %% [markdown]\n# # Title\n#\n# $a^2$\n\n# %%\ny = 1\n# %%\n")
    assert cells == [("code", "import x"), ("markdown", "# Title\n\n$a^2$"), ("code", "y = 1")]
    with pytest.raises(build.SourceError, match="comment lines"):
        build.parse("# %% [markdown]\nnot a comment\n")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=ThisInterpreter())
    client = nbclient.NotebookClient(nb, km=km, timeout=TIME_LIMIT, kernel_name="python3",
                                     resources={"metadata": {"path": str(LESSONS)}})
    start = time.perf_counter()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:
        pytest.fail(f"{path.name} failed:\n{err}", pytrace=False)
    except nbclient.exceptions.CellTimeoutError as err:
        pytest.fail(f"{path.name}: a cell ran over {TIME_LIMIT} s: {err}", pytrace=False)
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_LIMIT, f"{path.name} took {elapsed:.1f} s (limit {TIME_LIMIT} s)"
