"""The Gradescope autograder of the track: a folder, and the same files as autograder.zip.

    setup.sh           run once by Gradescope to build the image: installs numpy and pytest
    run_autograder     run for each submission: copies the student's minigrad/ out of
                       /autograder/submission, runs the tagged tests against it and writes
                       /autograder/results/results.json (AUTOGRADER and PYTHON may be set to run
                       it elsewhere, as the course's tests do)
    requirements.txt   numpy, pytest
    pytest.ini         the tests' settings
    engine_track/      the points table and the results plugin (tasks.py, gradescope.py)
    tests/             the track's tests, tests/engine_track/ of the repository
"""
import shutil
import stat
import zipfile
from pathlib import Path

from .edition import TESTS, copy_tests

PLUGIN_FILES = ("__init__.py", "tasks.py", "gradescope.py")

SETUP = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
if ! command -v python3 >/dev/null || ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update -q && apt-get install -y -q python3 python3-pip
fi
# (pip versions that know PIP_BREAK_SYSTEM_PACKAGES need it on images with a system Python)
PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install -q -r /autograder/source/requirements.txt
"""

RUN = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission: it grades the student's minigrad/ package with the
# tests of the build-the-engine track and writes results/results.json.  Extra arguments go to
# pytest.
set -u
AUTOGRADER="${AUTOGRADER:-/autograder}"
PYTHON="${PYTHON:-python3}"
RESULTS="$AUTOGRADER/results"
mkdir -p "$RESULTS"
rm -f "$RESULTS/results.json"

fail() {  # a results.json that scores 0 and says why
    "$PYTHON" -c 'import json, sys; print(json.dumps({"score": 0, "output": sys.argv[1], "tests": []}))' \\
        "$1" > "$RESULTS/results.json"
    exit 0
}

package=""
for candidate in "$AUTOGRADER/submission/minigrad" "$AUTOGRADER"/submission/*/minigrad; do
    if [ -f "$candidate/__init__.py" ]; then package="$candidate"; break; fi
done
[ -n "$package" ] || fail "No minigrad/ package in the submission: upload the folder minigrad/ (with its __init__.py), or a zip of it."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$package" "$work/minigrad"
cd "$AUTOGRADER/source" || fail "the autograder has no source/ folder"
PYTHONPATH="$work" "$PYTHON" -m pytest -q --tb=short -p no:cacheprovider -p engine_track.gradescope \\
    --results-json "$RESULTS/results.json" tests "$@"
[ -f "$RESULTS/results.json" ] || fail "The tests could not run: see the autograder's output."
exit 0
"""

REQUIREMENTS = "numpy>=1.24\npytest>=8\n"

PYTEST_INI = """\
[pytest]
testpaths = tests
filterwarnings = ignore::RuntimeWarning
"""


def write_autograder(out, tests=TESTS):
    """Write the autograder into the new (or empty) folder ``out``, with ``out/autograder.zip``
    (what to upload to Gradescope); return the zip's path."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; give a new folder")
    out.mkdir(parents=True, exist_ok=True)
    for name, text in (("setup.sh", SETUP), ("run_autograder", RUN),
                       ("requirements.txt", REQUIREMENTS), ("pytest.ini", PYTEST_INI)):
        (out / name).write_text(text, encoding="utf-8")
    for name in ("setup.sh", "run_autograder"):
        (out / name).chmod(0o755)
    (out / "engine_track").mkdir()
    for name in PLUGIN_FILES:
        shutil.copy2(Path(__file__).with_name(name), out / "engine_track" / name)
    copy_tests(tests, out / "tests")
    archive = out / "autograder.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in out.rglob("*") if p.is_file() and p != archive):
            info = zipfile.ZipInfo(path.relative_to(out).as_posix())
            info.external_attr = (stat.S_IFREG | stat.S_IMODE(path.stat().st_mode)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    return archive
