"""The README: every Python block runs as written and prints what the README says it prints, and
CI runs the README's test command.

The blocks are read by pytest-codeblocks (``pytest_codeblocks.extract_from_file``) and checked
as its own ``pytest --codeblocks`` checks them: each ```python block runs in a fresh namespace,
and a block followed by ``<!--pytest-codeblocks:expected-output-->`` and a fenced block must
print exactly that block (``expected-output-ignore-whitespace`` compares without whitespace);
``<!--pytest.mark.…-->`` and ``<!--pytest-codeblocks:importorskip(…)-->`` before a block apply.
The shell blocks (the two set-up commands) are not run here.
"""
import contextlib
import io
import re
import sys

import pytest
import pytest_codeblocks

from . import ROOT

README = ROOT / "README.md"
BLOCKS = [block for block in pytest_codeblocks.extract_from_file(README)
          if block.syntax == "python"]


def _param(block):
    marks = [eval(mark, {"pytest": pytest, "sys": sys}) for mark in block.marks]
    return pytest.param(block, marks=marks, id=f"line {block.lineno}")


def test_the_readme_has_python_blocks():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("block", [_param(block) for block in BLOCKS])
def test_readme_block_runs_and_prints_what_it_promises(block):
    if block.importorskip:
        pytest.importorskip(block.importorskip)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block.code, f"README.md, block at line {block.lineno}", "exec"),
             {"__name__": "__main__"})
    if block.expected_output is None:
        return
    printed, promised = out.getvalue(), block.expected_output
    if block.expected_output_ignore_whitespace:
        printed, promised = re.sub(r"\s+", "", printed), re.sub(r"\s+", "", promised)
    assert printed == promised, (f"README.md, block at line {block.lineno} printed\n"
                                 f"{out.getvalue()}but the README promises\n"
                                 f"{block.expected_output}")


def test_the_example_states_what_it_prints():
    """The block after ``<!-- example -->`` (the one ``python -m minigrad example`` runs)
    promises its output."""
    lines = README.read_text(encoding="utf-8").splitlines()
    assert "<!-- example -->" in lines, "README.md: no <!-- example --> marker"
    fence = lines.index("<!-- example -->") + 2  # 1-based line number of the block's fence
    (example,) = [block for block in BLOCKS if block.lineno == fence]
    assert example.expected_output and example.expected_output.strip(), (
        "the README example has no <!--pytest-codeblocks:expected-output--> block after it")


def test_ci_runs_the_readme_test_command():
    ci = (README.parent / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in ci and "README.md" in ci
    assert "<!-- test-command -->" in README.read_text()
