#!/usr/bin/env bash
# Install what the tests need into .venv (if absent) and run the whole suite, notebooks included.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test,lessons]' -e './course[figures,assignments]'
.venv/bin/python -m pytest "$@"
