"""The README's example runs as written and prints what it says it prints."""
import contextlib
import io
from pathlib import Path

from . import ROOT
from minigrad._readme import example_code, expected_output

README = ROOT / "README.md"


def test_readme_example_prints_what_it_promises():
    code = example_code(README)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README example", "exec"), {})
    printed = [line.strip() for line in out.getvalue().splitlines() if line.strip()]
    assert printed == expected_output(code)
    assert printed  # the example promises something


def test_ci_runs_the_readme_test_command():
    ci = (README.parent / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in ci and "README.md" in ci
    assert "<!-- test-command -->" in README.read_text()


def test_every_python_block_of_the_readme_runs():
    import re
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 3
    for block in blocks:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(block, "README block", "exec"), {})
