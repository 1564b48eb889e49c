"""The test suite, mirroring the repository's two parts: tests/library/ (the minigrad package)
and tests/course/ (lessons, figures, experiments, exercises)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository root
