"""Task regions in the library's source, and the student edition of the engine.

A region is the block between two comment lines of the library, at one indentation, inside a
function::

    def sum_to(grad, shape):
        \"\"\"...\"\"\"
        if grad.shape == shape:
            return grad
        # BEGIN TASK 2 unbroadcast
        ...                               <- what the student writes
        # END TASK 2

The student edition is a copy of the package ``minigrad/`` in which the body of every region
of the chosen tasks is one line, ``raise NotImplementedError("Task 2 (unbroadcast): implement
sum_to — see ASSIGNMENT.md")``; the markers, the signature, the docstring and everything
outside the regions stay as they are, so ``import minigrad`` works with every task blanked.
Beside it: ASSIGNMENT.md (the tasks, their regions and points), the tests of the track, and a
pyproject.toml that makes it installable (``pip install -e DIR``).
"""
import ast
import importlib.util
import re
import shutil
from collections import namedtuple
from pathlib import Path

from .. import ROOT
from .tasks import BY_NUMBER, TASKS, select

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN TASK (?P<number>\d+) (?P<name>[\w-]+)[ \t]*$")
END = re.compile(r"^(?P<indent>[ \t]*)# END TASK (?P<number>\d+)[ \t]*$")
MARKER = re.compile(r"^[ \t]*# (BEGIN|END) TASK\b")  # a line that means to be a marker

TESTS = ROOT / "tests" / "engine_track"
ASSIGNMENT = "ASSIGNMENT.md"

Region = namedtuple("Region", "path begin end task function indent")
"""One region: file ``path`` (relative to the package's parent), its marker lines ``begin`` and
``end`` (1-based), its ``task`` (a tasks.Task), the qualified name of the ``function`` it lies
in, and the marker's ``indent``."""


class RegionError(ValueError):
    """A marker that is malformed, unpaired, outside a function or not in the table of tasks."""


def library_package():
    """The folder of the minigrad package that Python imports (the reference solution)."""
    return Path(importlib.util.find_spec("minigrad").origin).parent


def find_regions(text, path="<source>"):
    """The regions of one source file, in order; RegionError on a marker that is wrong."""
    lines = text.splitlines()
    spans, opened = [], None
    for number, line in enumerate(lines, 1):
        begin, end = BEGIN.match(line), END.match(line)
        where = f"{path}:{number}"
        if begin:
            if opened:
                raise RegionError(f"{where}: a region begins inside the region of line {opened[0]}")
            task = BY_NUMBER.get(int(begin["number"]))
            if task is None or task.name != begin["name"]:
                raise RegionError(f"{where}: no task {begin['number']} {begin['name']} in the "
                                  "table of tasks (engine_track/tasks.py)")
            opened = (number, task, begin["indent"])
        elif end:
            if not opened or int(end["number"]) != opened[1].number or end["indent"] != opened[2]:
                raise RegionError(f"{where}: this END TASK closes no BEGIN TASK of the same "
                                  "number and indentation")
            body = [b for b in lines[opened[0]:number - 1] if b.strip()]
            if not body or any(not b.startswith(opened[2]) for b in body):
                raise RegionError(f"{path}:{opened[0]}: a region holds a block of code, indented "
                                  "at least as far as its markers")
            last = max(k for k in range(opened[0] + 1, number) if lines[k - 1].strip())
            spans.append((opened[0], number, last, opened[1], opened[2]))
            opened = None
        elif MARKER.match(line):
            raise RegionError(f"{where}: malformed marker {line.strip()!r}; write "
                              "'# BEGIN TASK <number> <name>' and '# END TASK <number>'")
    if opened:
        raise RegionError(f"{path}:{opened[0]}: BEGIN TASK without its END TASK")
    functions = _functions(ast.parse(text))
    regions = []
    for begin, end, last, task, indent in spans:  # last: the body's last line
        around = [(name, node) for name, node in functions
                  if node.lineno < begin and last <= node.end_lineno]
        if not around:
            raise RegionError(f"{path}:{begin}: a region must lie inside a function")
        name = max(around, key=lambda pair: pair[1].lineno)[0]
        regions.append(Region(path, begin, end, task, name, indent))
    return regions


def _functions(tree, prefix=""):
    """(qualified name, node) of every function in ``tree``, methods as Class.method."""
    found = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append((prefix + node.name, node))
            found += _functions(node, prefix + node.name + ".")
        elif isinstance(node, ast.ClassDef):
            found += _functions(node, prefix + node.name + ".")
    return found


def library_regions(package=None):
    """Every region of the package (default: the installed library), file by file."""
    package = Path(package) if package else library_package()
    regions = []
    for path in sorted(package.rglob("*.py")):
        regions += find_regions(path.read_text(encoding="utf-8"),
                                path.relative_to(package.parent).as_posix())
    return regions


def stub(region):
    """The line that stands for a blanked region's body."""
    task = region.task
    message = f"Task {task.number} ({task.name}): implement {region.function} — see {ASSIGNMENT}"
    return f"{region.indent}raise NotImplementedError({message!r})"


def blank(text, regions):
    """``text`` with the body of each of ``regions`` (found in it) replaced by its stub."""
    lines = text.splitlines(keepends=True)
    for region in sorted(regions, key=lambda r: r.begin, reverse=True):
        lines[region.begin:region.end - 1] = [stub(region) + "\n"]
    return "".join(lines)


def write_edition(out, tasks=None, package=None, tests=TESTS):
    """Write the student edition into the new (or empty) folder ``out``, blanking the regions
    of ``tasks`` (names; all when None); return the regions blanked."""
    out, package = Path(out), Path(package) if package else library_package()
    chosen = select(tasks)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; give a new folder")
    shutil.copytree(package, out / package.name,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    regions = library_regions(package)
    missing = [t.name for t in chosen if not any(r.task == t for r in regions)]
    if missing:
        raise RegionError(f"no region of task {', '.join(missing)} in {package}")
    blanked = [r for r in regions if r.task in chosen]
    for path in sorted({r.path for r in blanked}):
        target = out / path
        text = blank(target.read_text(encoding="utf-8"), [r for r in blanked if r.path == path])
        compile(text, str(target), "exec")  # a stub that broke the file would show here
        target.write_text(text, encoding="utf-8")
    if tests is not None:
        copy_tests(tests, out / "tests")
    version = re.search(r'__version__ = "([^"]+)"', (package / "__init__.py").read_text())
    (out / "pyproject.toml").write_text(PYPROJECT.format(
        version=version[1] if version else "0.1.0"), encoding="utf-8")
    (out / ASSIGNMENT).write_text(assignment(regions, chosen, tests), encoding="utf-8")
    return blanked


def copy_tests(tests, destination):
    """The track's tests (their conftest included), as a plain folder of test files."""
    destination.mkdir(parents=True)
    for path in sorted(Path(tests).glob("*.py")):
        if path.name != "__init__.py":
            shutil.copy2(path, destination / path.name)


def tests_of(tests):
    """task name → the test files that tag tests with it (read from their text)."""
    found = {}
    for path in sorted(Path(tests).glob("test_*.py")):
        for name in re.findall(r"""mark\.task\(["']([\w-]+)["']\)""", path.read_text()):
            found.setdefault(name, []).append(path.name)
    return found


def assignment(regions, chosen, tests):
    """ASSIGNMENT.md: what to write, where, for how many points, and how to test it."""
    files = tests_of(tests) if tests is not None else {}
    lines = [
        "# minigrad, student edition: build the engine", "",
        "Parts of this copy of minigrad are left for you to write.  Each lies between two",
        "comments, `# BEGIN TASK <n> <name>` and `# END TASK <n>`, and is now a single",
        "`raise NotImplementedError(...)`: replace that line with your code and keep the",
        "markers.  The docstring above each region says what the function must do.", "",
        "Set up: `pip install -e . pytest`.  Test one task: `python -m pytest tests/<its file>`;",
        "all of them: `python -m pytest tests`.  The autograder runs these same tests.",
        "Submit the folder `minigrad/` (or a zip of it).", "",
        "| task | points | what to write | tests |", "|---|---|---|---|",
    ]
    for task in chosen:
        test_files = ", ".join(f"`tests/{f}`" for f in files.get(task.name, []))
        lines.append(f"| {task.number} `{task.name}` | {task.points} | {task.title} | "
                     f"{test_files} |")
    for task in chosen:
        lines += ["", f"## Task {task.number} ({task.name}): {task.title}", "",
                  f"What to write: {task.what}.", ""]
        lines += [f"- `{r.function}` in `{r.path}`" for r in regions if r.task == task]
    others = [t for t in TASKS if t not in chosen]
    if others:
        lines += ["", "Already written for you (not to do here): "
                  + ", ".join(f"task {t.number} ({t.name})" for t in others) + "."]
    return "\n".join(lines) + "\n"


PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "minigrad"
version = "{version}"
description = "minigrad, student edition: the engine with the build-the-engine tasks to write"
requires-python = ">=3.10"
dependencies = ["numpy>=1.24"]

[tool.setuptools.packages.find]
include = ["minigrad", "minigrad.*"]

[tool.pytest.ini_options]
testpaths = ["tests"]
filterwarnings = ["ignore::RuntimeWarning"]
"""
