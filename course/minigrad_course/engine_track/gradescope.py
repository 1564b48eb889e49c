"""A pytest plugin that writes Gradescope's results.json from the tests tagged with a task.

    python -m pytest -p minigrad_course.engine_track.gradescope --results-json results.json \\
        tests/engine_track

A test tagged ``@pytest.mark.task(name)`` scores a share of its task's points (tasks.TASKS:
the points of a task are split equally among its tests) when it passes, 0 otherwise; its
entry shows the failure.  An untagged test (code around the tasks) is listed with 0 points
and its status.  A task none of whose tests ran (its file failed to import, say) is one entry
worth all its points, scored 0, with the collection errors as its output.

In the autograder this module travels as ``engine_track/gradescope.py`` beside tasks.py, so it
imports nothing but pytest and its own package.
"""
import json
from pathlib import Path

import pytest

from .tasks import BY_NAME, TASKS

MAX_OUTPUT = 4000  # characters of a failure shown to the student (its end, where the error is)


def pytest_addoption(parser):
    parser.addoption("--results-json", metavar="PATH", default="results.json",
                     help="where to write Gradescope's results.json (default: ./results.json)")


def pytest_configure(config):
    config.addinivalue_line("markers", "task(name): the test checks the engine-track task `name`")
    config.pluginmanager.register(Results(Path(config.getoption("--results-json"))),
                                  "engine-track-results")


class Results:
    """Collects each test's task and outcome, and writes results.json at the end."""

    def __init__(self, path):
        self.path = path
        self.tasks = {}       # nodeid -> task name, or None for an untagged test
        self.failures = {}    # nodeid -> the text of its first failure
        self.outcomes = {}    # nodeid -> "passed" | "failed" | "skipped"
        self.collection_errors = []

    def pytest_collectreport(self, report):
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}:\n{report.longreprtext}")

    def pytest_collection_finish(self, session):
        for item in session.items:
            marker = item.get_closest_marker("task")
            name = marker.args[0] if marker and marker.args else None
            if marker and name not in BY_NAME:
                raise pytest.UsageError(f"{item.nodeid}: task {name!r} is not in the table of "
                                        f"tasks ({', '.join(BY_NAME)})")
            self.tasks[item.nodeid] = name

    def pytest_runtest_logreport(self, report):
        if report.failed:
            self.outcomes[report.nodeid] = "failed"
            self.failures.setdefault(report.nodeid, f"[{report.when}] {report.longreprtext}")
        elif report.skipped and self.outcomes.get(report.nodeid) != "failed":
            self.outcomes[report.nodeid] = "skipped"
            self.failures.setdefault(report.nodeid, f"skipped: {report.longrepr}")
        elif report.when == "call" and report.nodeid not in self.outcomes:
            self.outcomes[report.nodeid] = "passed"

    def pytest_sessionfinish(self, session):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.results(), indent=2, ensure_ascii=False),
                             encoding="utf-8")

    def results(self):
        tests, summary = [], []
        for task in TASKS:
            ids = [i for i, name in self.tasks.items() if name == task.name]
            if not ids:
                tests.append(self.entry(f"Task {task.number} ({task.name}): no test ran", 0.0,
                                        task.points, "failed", f"{task.number}.0",
                                        "\n\n".join(self.collection_errors)
                                        or "no test of this task was collected"))
                summary.append(f"Task {task.number} ({task.name}): 0/{task.points} "
                               "(no test ran)")
                continue
            share, scored = task.points / len(ids), 0.0
            for k, nodeid in enumerate(ids, 1):
                passed = self.outcomes.get(nodeid) == "passed"
                scored += share if passed else 0.0
                tests.append(self.entry(f"Task {task.number} ({task.name}): {_name(nodeid)}",
                                        share if passed else 0.0, share,
                                        "passed" if passed else "failed", f"{task.number}.{k}",
                                        self.failures.get(nodeid, "")))
            passed = sum(self.outcomes.get(i) == "passed" for i in ids)
            summary.append(f"Task {task.number} ({task.name}): {round(scored, 4):g}/{task.points} "
                           f"({passed} of {len(ids)} tests passed)")
        for nodeid in [i for i, name in self.tasks.items() if name is None]:
            status = "passed" if self.outcomes.get(nodeid) == "passed" else "failed"
            tests.append(self.entry(f"Code around the tasks: {_name(nodeid)}", 0.0, 0.0,
                                    status, None, self.failures.get(nodeid, "")))
        score = sum(t["score"] for t in tests)
        return {"score": round(score, 4), "output": "\n".join(summary), "tests": tests}

    @staticmethod
    def entry(name, score, max_score, status, number, output):
        if len(output) > MAX_OUTPUT:
            output = "…" + output[-MAX_OUTPUT:]
        entry = {"name": name, "score": score, "max_score": max_score,
                 "status": status, "output": output, "visibility": "visible"}
        if number is not None:
            entry["number"] = number
        return entry


def _name(nodeid):
    """The test's name without its file: test_x[case] (Class::test_x for a method)."""
    return nodeid.split("::", 1)[-1]
