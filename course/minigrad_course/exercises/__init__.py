"""Gradient-derivation exercises with an autograder that names the likely mistake.

    from minigrad_course.exercises import check
    def grad_mse(x, y):
        return (x - y) / x.size          # forgot the 2
    check("mse", grad_mse)               # ✗ mse — grad_mse(x, y): constant factor ...

Each exercise (``EXERCISES``, in catalogue.py) asks for the gradient of a function built from
the engine and the loss catalogue; the student writes it in NumPy, and ``check`` compares it
with the gradient the engine's autograd computes on several cases, then tests hypotheses
(flipped sign, missing 1/N, left broadcast, transposed, a kink, ...) to say what is wrong:
see grader.py and ``DIAGNOSES``.  Reference solutions live apart, in solutions.py;
notebooks.py builds the student and solutions notebooks
(``python -m minigrad_course exercise-notebooks``).
"""
from .catalogue import EXERCISES, Exercise  # noqa: F401
from .grader import DIAGNOSES, CheckResult, Summary, check, check_all  # noqa: F401
