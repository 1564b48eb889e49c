"""The tests of the build-the-engine track, tagged per task: the autograder of its assignments.

Each file checks one task (``pytestmark = pytest.mark.task(name)``) and uses only that task's
code and code outside every task, so that blanking a task fails exactly its tests; the tests of
the code around the tasks (test_given.py) carry no tag.  They need numpy and pytest only: the
autograder runs them as they are, against a student's minigrad (course/engine_track.md).
"""
