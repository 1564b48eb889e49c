#!/usr/bin/env bash
# Install minigrad and its course into .venv (if absent) and run the main job: the README
# example, every figure, and the paper's experiments, written under figures/ and results/.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[lessons]' -e './course[figures]'
.venv/bin/python -m minigrad_course all "$@"
