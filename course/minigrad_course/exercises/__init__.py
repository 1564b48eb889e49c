"""Gradient-derivation exercises with an autograder that names the likely mistake.

    from minigrad_course.exercises import check
    def grad_mse(x, y):
        return (x - y) / x.size          # forgot the 2
    check("mse", grad_mse)               # ✗ mse — grad_mse(x, y): constant factor ...

Each exercise (``EXERCISES``, in catalogue.py) asks for the gradient of a function built from
the engine and the loss catalogue; the student writes it in NumPy.  ``check`` (checking.py)
runs the answer in a separate, restricted process (sandbox.py) on the exercise's cases,
public or hidden, compares what it returns with the gradient the engine's autograd computes,
and names the likely mistake (grader.py, ``DIAGNOSES``).  The reference solutions are not
part of this package: they are course staff's, in course/assignments/.
"""
from .catalogue import EXERCISES, Exercise  # noqa: F401
from .checking import assert_passes, check, check_all  # noqa: F401
from .grader import DIAGNOSES, CheckResult, Summary  # noqa: F401
