"""The tasks of the build-the-engine track: the one table of their numbers, names and points.

A task's code is marked in the library's source by ``# BEGIN TASK <number> <name>`` …
``# END TASK <number>``; its tests are those tagged ``@pytest.mark.task("<name>")`` (in
tests/engine_track/).  The points of a task are shared equally among its tests.

Every task's tests use only that task's code and code outside every task, so the tasks can be
graded in any order and blanking one fails exactly its own tests (tests/course/
test_engine_track.py holds the track to that).  The stages still build on one another for the
student: the walk (3) runs the VJPs (1) and un-broadcasting (2), and the losses (5) and the
optimiser (6) are what the walk is for.

This module imports nothing from the course or the library: the autograder ships it as it is.
"""
from collections import namedtuple

Task = namedtuple("Task", "number name points title what")

TASKS = (
    Task(1, "vjps", 25, "the vector-Jacobian products of nine primitives",
         "backward of Mul, Div, PowScalar, Exp, Log (minigrad/ops/pointwise.py) and MatMul "
         "(ops/matmul.py), written with Tensor operations; and the formulas of the backward "
         "primitives TanhGrad, SigmoidGrad (ops/pointwise.py) and SumGrad (ops/reduce.py), "
         "written on arrays"),
    Task(2, "unbroadcast", 10, "un-broadcasting a gradient",
         "autograd.sum_to: sum a gradient back to the shape of the input it belongs to"),
    Task(3, "walk", 20, "the topological order and the backward walk",
         "autograd.topological_order, and the loop of autograd.backward_walk that runs each "
         "node's VJP in reverse topological order"),
    Task(4, "softmax", 15, "stable logsumexp, softmax and log-softmax",
         "Tensor._max_shift, Tensor.logsumexp, Tensor.softmax (minigrad/tensor.py) and "
         "LogSoftmax.forward (ops/reduce.py), finite for any finite input"),
    Task(5, "losses", 15, "four losses",
         "mse_loss, huber_pointwise (minigrad/losses/regression.py), "
         "binary_cross_entropy_with_logits and class_index_loss, the heart of nll_loss and "
         "cross_entropy (losses/classification.py)"),
    Task(6, "optim", 15, "the optimiser steps",
         "SGD.update (momentum, dampening, Nesterov, weight decay) and Adam.update (AdamW "
         "and AMSGrad too) in minigrad/optim.py"),
)

BY_NAME = {task.name: task for task in TASKS}
BY_NUMBER = {task.number: task for task in TASKS}


def select(names=None):
    """The tasks named (all when ``names`` is None or empty), in the table's order; an unknown
    name raises ValueError listing the known ones."""
    if not names:
        return TASKS
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise ValueError(f"unknown task {', '.join(unknown)}; the tasks are "
                         f"{', '.join(BY_NAME)}")
    return tuple(task for task in TASKS if task.name in names)
