"""Running a student's answer apart from the grader.

An answer is a Python function.  It never runs in the grader's process: ``answer_source``
turns it into source text (the function, the functions of its own that it calls, the modules
and number constants it names), and ``run`` executes that text in a fresh interpreter that

- sees NumPy and the standard library only: minigrad, the course (and so the true gradients,
  the hidden cases' seed, the grader's state) are neither on its path nor importable;
- refuses, through a CPython audit hook installed before the answer is compiled, every
  import of an autograd or numerical-differentiation package, every file opened outside the
  standard library and NumPy, every file write, subprocess, signal and socket;
- is killed after a time limit, with a cap on its memory;
- sends back only arrays, read with ``allow_pickle=False``, and a small JSON status, so that
  nothing it sends can run code in the grader.

What the answer does to itself (rebinding a grader function, writing into its inputs) stays
in its own process and changes no score.
"""
import ast
import dis
import importlib
import inspect
import io
import json
import os
import signal
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import types
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ALLOWED_MODULES = ("numpy", "math", "cmath", "functools", "itertools", "operator")
"""The modules an answer may name: it is written in NumPy."""

REFUSED_MODULES = ("minigrad", "minigrad_course", "torch", "jax", "autograd", "tensorflow",
                   "scipy", "sympy", "numdifftools", "findiff", "otter", "ctypes", "cffi")
"""Importing these inside an answer is refused: the gradient must be derived, not computed by
an engine, a symbolic package or a numerical differentiator (nor reached through ctypes)."""

TIME_LIMIT = 10.0
"""Seconds an answer may take over all the cases of one exercise."""

MEMORY_LIMIT = 4 << 30
"""Bytes of address space the answer's process may use."""


class Refused(Exception):
    """The answer cannot be graded as written; the message says why and what to do."""


@dataclass
class Run:
    """What the answer's process sent back: ``outputs`` (one float array per case) when
    ``status`` is "ok", else the failure: "raised", "overflow", "not an array", "timed out",
    "crashed", with the ``case`` number (1-based, or None) and a ``message``."""
    status: str
    outputs: list = field(default_factory=list)
    case: int = None
    message: str = ""


# --- the answer as source --------------------------------------------------------------------
def answer_source(function):
    """Source text that defines ``function`` and everything it needs, for a process that has
    only NumPy; raises Refused when the answer names something it may not use."""
    if not isinstance(function, types.FunctionType):
        raise Refused(f"the answer is a {type(function).__name__}, not a function defined "
                      "with def")
    if function.__name__ == "<lambda>":
        raise Refused("write the answer with def, not as a lambda")
    header, definitions = {}, {}
    pending = [function]
    while pending:
        current = pending.pop()
        if current.__name__ in definitions:
            continue
        if current.__code__.co_freevars:
            raise Refused(f"{current.__name__} is defined inside another function; define it "
                          "at the top level of the notebook")
        definitions[current.__name__] = _definition(current)
        for name in sorted(_global_names(current.__code__)):
            if name not in current.__globals__:
                continue  # a builtin, or a name no one defined (the answer's own NameError)
            line = _import_or_constant(current, name, current.__globals__[name], pending)
            if line:
                header[name] = line
    return "\n".join(header.values()) + "\n\n\n" + "\n\n\n".join(reversed(definitions.values()))


def _global_names(code):
    """Every global name ``code`` and the code nested in it (comprehensions, inner functions)
    reads (attribute names, such as ``run`` in ``subprocess.run``, are not globals)."""
    names = {instruction.argval for instruction in dis.get_instructions(code)
             if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names


def _definition(function):
    """The function's own ``def``, without its decorators (they ran in the notebook)."""
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        raise Refused(f"the source of {function.__name__} cannot be found; define it with def "
                      "in a notebook cell or a file") from None
    tree = ast.parse(source)
    definition = next(node for node in tree.body
                      if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))
    definition.decorator_list = []
    return ast.unparse(definition)


def _top_module(name):
    return name.partition(".")[0]


def _import_or_constant(user, name, value, pending):
    """The line that gives ``name`` its value in the answer's process, or None for a function
    of the student's own (queued in ``pending``); Refused for anything an answer may not use."""
    where = f"{user.__name__} uses `{name}`"
    if isinstance(value, types.ModuleType):
        top = _top_module(value.__name__)
        if top in REFUSED_MODULES:
            raise Refused(f"{where}, the module {value.__name__}: an answer is written in "
                          f"NumPy, without {top}")
        if top not in ALLOWED_MODULES:
            raise Refused(f"{where}, the module {value.__name__}: an answer may use only "
                          + ", ".join(ALLOWED_MODULES))
        return f"import {value.__name__} as {name}"
    if isinstance(value, types.FunctionType) and _top_module(value.__module__ or "") not in (
            ALLOWED_MODULES + REFUSED_MODULES):
        pending.append(value)
        return None
    module = _top_module(getattr(value, "__module__", None) or "")
    if callable(value) and module in REFUSED_MODULES:
        raise Refused(f"{where}, which comes from {module}: an answer is written in NumPy, "
                      f"without {module}")
    if callable(value) and module in ALLOWED_MODULES:
        home = importlib.import_module(value.__module__)
        if getattr(home, value.__name__, None) is value:
            return f"from {value.__module__} import {value.__name__} as {name}"
    if _is_literal(value):
        return f"{name} = {value!r}"
    raise Refused(f"{where}, a {type(value).__name__} defined outside the function: an answer "
                  "may use NumPy, math, functions you define and number constants; compute "
                  "the rest inside the function")


def _is_literal(value):
    """A number, string, bool or None (or a tuple of them) whose repr reads back as itself."""
    if isinstance(value, tuple):
        return all(_is_literal(item) for item in value)
    if not isinstance(value, (bool, int, float, complex, str, type(None))):
        return False
    try:
        return ast.literal_eval(repr(value)) == value
    except (ValueError, SyntaxError):
        return False


# --- running it apart ------------------------------------------------------------------------
def run(source, function_name, arguments, *, stable=False, time_limit=TIME_LIMIT):
    """Call ``function_name`` defined by ``source`` on each list of ``arguments`` (NumPy
    arrays and numbers) in a fresh, restricted interpreter; return a Run.

    ``stable``: floating-point overflow inside the answer raises there (the statement asked
    for a form that never overflows)."""
    with tempfile.TemporaryDirectory(prefix="minigrad-answer-") as folder:
        folder = Path(folder)
        _write_inputs(folder, source, function_name, arguments, stable)
        try:
            done = subprocess.run(
                [sys.executable, "-I", "-S", "-B", str(Path(__file__).with_name("_child.py")),
                 str(folder), *_library_paths()],
                stdin=subprocess.DEVNULL, capture_output=True, timeout=time_limit, cwd=folder,
                env=_environment(folder), preexec_fn=_limits(time_limit),
                start_new_session=True)
        except subprocess.TimeoutExpired:
            return Run("timed out", message=f"your function took longer than {time_limit:g} s "
                                            f"over the {len(arguments)} cases")
        return _read_reply(done, len(arguments))


def _write_inputs(folder, source, function_name, arguments, stable):
    arrays, layout = {}, []
    for k, case in enumerate(arguments):
        row = []
        for i, value in enumerate(case):
            if isinstance(value, np.ndarray):
                arrays[f"{k}_{i}"] = value
                row.append({"array": f"{k}_{i}"})
            else:
                row.append({"number": value})
        layout.append(row)
    np.savez(folder / "cases.npz", **arrays)
    (folder / "answer.py").write_text(source)
    (folder / "task.json").write_text(json.dumps(
        {"function": function_name, "cases": layout, "stable": stable,
         "refused_modules": REFUSED_MODULES}))


def _library_paths():
    """What the answer's process may import from: the folder that holds the installed numpy,
    then the standard library (the interpreter's own entries of sys.path, no site-packages)."""
    base = (os.path.realpath(sys.base_prefix), os.path.realpath(sys.base_exec_prefix))
    standard = [p for p in sys.path if p and os.path.realpath(p).startswith(base)
                and "site-packages" not in p]
    return [str(Path(np.__file__).parents[1]), *standard]


def _environment(folder):
    threads = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                       "MKL_NUM_THREADS")}
    return {"PATH": os.defpath, "HOME": str(folder), "LANG": "C.UTF-8", **threads}


def _limits(time_limit):
    def apply():
        import resource
        cpu = int(time_limit) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    return apply if os.name == "posix" else None


def _read_reply(done, count):
    try:
        reply = np.load(io.BytesIO(done.stdout), allow_pickle=False)
        status = json.loads(bytes(reply["status"]).decode())
    except Exception:
        return Run("crashed", message=_crash_message(done))
    if status["status"] != "ok":
        return Run(status["status"], case=status.get("case"), message=status.get("message", ""))
    outputs = [np.asarray(reply[f"output_{k}"], dtype=float) for k in range(count)]
    return Run("ok", outputs)


def _crash_message(done):
    code = done.returncode
    if code < 0:
        name = signal.Signals(-code).name
        reason = {"SIGXCPU": "it used more CPU time than allowed",
                  "SIGKILL": "it was killed (memory?)",
                  "SIGSEGV": "it crashed the interpreter"}.get(name, name)
        return f"the process running your function stopped: {reason}"
    tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
    return "the process running your function stopped" + (": " + " / ".join(tail) if tail else "")

