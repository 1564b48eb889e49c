"""Build the lesson notebooks from their percent-format sources.

Each lesson is written as a Python file ``lessons/src/NN_name.py`` whose cells are separated by
marker lines:

    # %% [markdown]
    # # A title
    # Text, with $\\LaTeX$.

    # %%
    import minigrad as mg

A ``# %% [markdown]`` cell holds comment lines (``# text``, or a bare ``#`` for a blank line);
a ``# %%`` cell holds code.  Anything after ``# %%`` on a marker line (``# %% a title``) is
ignored.  Leading and trailing blank lines of a cell are dropped.

``python lessons/build.py`` writes ``lessons/NN_name.ipynb`` for every source (outputs empty,
kernel python3, nothing executed); ``python lessons/build.py --check`` writes nothing and exits
with status 1, naming them, if some notebook differs from its source; names given on the
command line (``01_tour`` or a path) restrict either to those lessons.

The notebooks are committed so that they open directly in Jupyter; tests/course/test_notebooks.py
rebuilds each in memory, compares it with the committed file, and runs it.
"""
import argparse
import re
import sys
from pathlib import Path

import nbformat

LESSONS = Path(__file__).resolve().parent
SOURCES = LESSONS / "src"

MARKER = re.compile(r"^# %%(?P<rest>.*)$")
MARKDOWN = re.compile(r"^\s*\[(markdown|md)\]")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {"name": "python", "file_extension": ".py", "mimetype": "text/x-python"}


class SourceError(ValueError):
    """A lesson source that does not follow the percent format."""


def sources(names=None):
    """The lesson sources ``lessons/src/*.py`` in name order, or those named in ``names``
    (a stem such as '01_tour', a file name, or a path)."""
    found = sorted(p for p in SOURCES.glob("*.py") if not p.name.startswith(("_", ".")))
    if not names:
        return found
    by_stem = {p.stem: p for p in found}
    chosen = []
    for name in names:
        stem = Path(name).stem
        if stem not in by_stem:
            raise SystemExit(f"build.py: no lesson source named {name!r} in {SOURCES}")
        chosen.append(by_stem[stem])
    return chosen


def notebook_path(source):
    """Where the notebook built from ``source`` lives: lessons/<stem>.ipynb."""
    return LESSONS / f"{Path(source).stem}.ipynb"


def _trim(lines):
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _markdown_text(lines, source, first_line):
    text = []
    for k, line in enumerate(lines):
        if line.strip() == "#":
            text.append("")
        elif line.startswith("# "):
            text.append(line[2:])
        elif not line.strip():
            text.append("")
        else:
            raise SourceError(f"{source}:{first_line + k}: a markdown cell holds only comment "
                              f"lines ('# text' or '#'), got {line!r}")
    return "\n".join(_trim(text))


def parse(text, source="<lesson>"):
    """The cells of a percent-format source: a list of (cell_type, source_text)."""
    cells = []
    kind, body, start = "code", [], 1  # lines before the first marker form a code cell
    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.match(line)
        if match is None:
            body.append(line)
            continue
        cells.append((kind, body, start))
        kind = "markdown" if MARKDOWN.match(match.group("rest")) else "code"
        body, start = [], number + 1
    cells.append((kind, body, start))

    parsed = []
    for kind, body, start in cells:
        body = _trim(body)
        if not body:
            continue
        content = _markdown_text(body, source, start) if kind == "markdown" else "\n".join(body)
        parsed.append((kind, content))
    return parsed


def build_notebook(source):
    """The notebook for the lesson source at ``source``, in memory (nothing is written)."""
    source = Path(source)
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)}
    for index, (kind, content) in enumerate(parse(source.read_text(encoding="utf-8"), source)):
        cell_id = f"{source.stem[:40]}-{index:03d}"  # stable ids: a rebuild changes nothing
        if kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(content, id=cell_id)
        else:
            cell = nbformat.v4.new_code_cell(content, id=cell_id)
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def cells_of(nb):
    """What must agree between a notebook and its source: each cell's type, source, and for
    code cells that it holds no outputs and no execution count."""
    summary = []
    for cell in nb.cells:
        entry = (cell.cell_type, cell.source)
        if cell.cell_type == "code":
            entry += (len(cell.get("outputs", [])), cell.get("execution_count"))
        summary.append(entry)
    return summary


def is_up_to_date(source):
    """True when lessons/<stem>.ipynb exists and matches what ``source`` builds."""
    path = notebook_path(source)
    if not path.exists():
        return False
    committed = nbformat.read(path, as_version=4)
    built = build_notebook(source)
    return (cells_of(committed) == cells_of(built)
            and committed.metadata.get("kernelspec", {}).get("name") == KERNELSPEC["name"])


def write(source):
    """Build the notebook of ``source`` and write it next to the sources' folder."""
    path = notebook_path(source)
    nbformat.write(build_notebook(source), path)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="lessons to build (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a notebook differs from its source")
    args = parser.parse_args(argv)
    chosen = sources(args.names)
    if args.check:
        stale = [notebook_path(s).name for s in chosen if not is_up_to_date(s)]
        if stale:
            print("out of date (run python lessons/build.py): " + ", ".join(stale))
            return 1
        print(f"{len(chosen)} notebooks up to date")
        return 0
    for source in chosen:
        path = write(source)
        print(f"{source.relative_to(LESSONS.parent)} -> {path.relative_to(LESSONS.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
