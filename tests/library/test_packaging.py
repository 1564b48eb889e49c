"""The library apart from the course: importing minigrad loads no course code, no matplotlib and
no scikit-learn; the minigrad wheel holds the library and nothing else (no gallery, no
experiments, no exercise and no solution)."""
import json
import shutil
import subprocess
import sys
import zipfile

import pytest

from .. import ROOT

FORBIDDEN = ("minigrad_course", "matplotlib", "sklearn")

IMPORTS = """
import importlib, json, pkgutil, sys
import minigrad
after_import = sorted(sys.modules)
names = [m.name for m in pkgutil.walk_packages(minigrad.__path__, "minigrad.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"after_import": after_import, "after_all": sorted(sys.modules), "names": names}))
"""


def test_importing_the_library_loads_no_course_module_no_matplotlib_and_no_sklearn():
    """In a fresh interpreter: ``import minigrad``, then every module of the library."""
    done = subprocess.run([sys.executable, "-c", IMPORTS], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert {"minigrad.losses", "minigrad.nn", "minigrad.data", "minigrad.train",
            "minigrad.calculus", "minigrad.trace", "minigrad.viz"} <= set(loaded["names"])
    for when in ("after_import", "after_all"):
        bad = [m for m in loaded[when] if m.split(".")[0] in FORBIDDEN]
        assert not bad, f"{when}: the library loaded {bad}"


def _copy_of_the_repository(destination):
    """The files git would commit (tracked, and untracked but not ignored): no build/ or
    *.egg-info left over from an earlier build can then slip into the wheel."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: " + listed.stderr.strip())
    for name in listed.stdout.splitlines():
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def test_the_wheel_holds_the_library_only(tmp_path):
    """``pip wheel --no-deps --no-build-isolation`` of the repository (a few seconds: nothing
    is downloaded, the venv's setuptools builds it)."""
    source = _copy_of_the_repository(tmp_path / "src")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "--no-index", "-q", "-w",
                           str(tmp_path / "dist"), str(source)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = (tmp_path / "dist").glob("minigrad-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    package = [n for n in names if not n.split("/")[0].endswith(".dist-info")]
    assert "minigrad/__init__.py" in package and "minigrad/losses/__init__.py" in package
    assert all(n.startswith("minigrad/") for n in package), \
        [n for n in package if not n.startswith("minigrad/")]
    for word in ("minigrad_course", "course", "gallery", "experiments", "exercises",
                 "solutions", "lessons", "__main__"):
        assert not [n for n in package if word in n], f"the wheel holds {word}: {package}"
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = [line for line in zipfile.ZipFile(wheel).read(metadata).decode().splitlines()
                if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert requires == ["Requires-Dist: numpy>=1.24"], requires
