"""The build-the-engine track: assignments in which a student writes parts of minigrad itself.

    tasks.py       the one table of the tasks: number, name, points, what to write
    edition.py     the task regions marked in the library's source, and the student edition:
                   the library with each chosen region's body replaced by a stub
    gradescope.py  a pytest plugin (``-p minigrad_course.engine_track.gradescope``) that writes
                   Gradescope's results.json from the tests tagged ``@pytest.mark.task(name)``
    autograder.py  the Gradescope autograder: setup.sh, run_autograder, the tagged tests
    cli.py         ``python -m minigrad_course engine-track``

The tests are tests/engine_track/; course/engine_track.md is the guide for course staff.
Only ``tasks`` and ``gradescope`` travel into the autograder, so this file imports nothing else.
"""
from .tasks import TASKS  # noqa: F401
