"""The process an answer runs in (started by sandbox.run as ``python -I -S -B _child.py FOLDER
NUMPY_PARENT STDLIB...``): nothing of the grader is imported here, and the answer is compiled only after an
audit hook has closed what an answer must not reach.

FOLDER holds answer.py (the answer's source), task.json (the function's name, the layout of
the cases, whether overflow must raise) and cases.npz (the case arrays).  The reply, written
to the original standard output, is an .npz: "status" (JSON bytes) and "output_K" per case.
"""
import io
import json
import os
import sys
import traceback

folder = sys.argv[1]
sys.path[:] = sys.argv[2:]
import numpy as np  # noqa: E402  (after the path is set: this process sees NumPy only)

REFUSED_EVENTS = ("subprocess.", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                  "os.fork", "os.forkpty", "os.kill", "os.killpg", "socket.", "ctypes.",
                  "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                  "os.truncate", "os.link", "os.symlink", "os.utime", "shutil.", "os.putenv",
                  "os.unsetenv", "signal.", "pty.", "fcntl.", "resource.", "sys.remote_exec")
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def readable_roots():
    numpy_home = os.path.dirname(np.__file__)
    return tuple(os.path.realpath(p) + os.sep for p in
                 (*sys.path[1:], numpy_home, numpy_home + ".libs", folder))


def guard(readable, refused_modules):
    def hook(event, args):
        if event == "import" and args[0].partition(".")[0] in refused_modules:
            raise ImportError(f"{args[0]} is not available inside an answer: the gradient is "
                              "to be derived and written in NumPy")
        if event == "open":
            path, mode, flags = args
            writing = any(c in (mode or "") for c in "wax+") or (flags or 0) & WRITE_FLAGS
            if writing:
                raise PermissionError(f"an answer may not write files (it opened {path!r})")
            if isinstance(path, (str, bytes)):
                real = os.path.realpath(os.fsdecode(path))
                if not (real + os.sep).startswith(readable):
                    raise PermissionError(f"an answer may read only NumPy and the standard "
                                          f"library (it opened {path!r})")
        elif event.startswith(REFUSED_EVENTS):
            raise PermissionError(f"an answer may not do this ({event})")
    sys.addaudithook(hook)


def reply_with(stream, status, outputs=()):
    buffer = io.BytesIO()
    arrays = {f"output_{k}": output for k, output in enumerate(outputs)}
    np.savez(buffer, status=np.frombuffer(json.dumps(status).encode(), dtype=np.uint8), **arrays)
    stream.write(buffer.getvalue())
    stream.flush()


def where_in_answer(error, source):
    lines = source.splitlines()
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == "<answer>"]
    if not frames or not 0 < frames[-1].lineno <= len(lines):
        return ""
    return f" (at: {lines[frames[-1].lineno - 1].strip()})"


def main():
    stream = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what the answer prints goes to the discarded standard error
    with open(os.path.join(folder, "task.json")) as file:
        task = json.load(file)
    with open(os.path.join(folder, "answer.py")) as file:
        source = file.read()
    with np.load(os.path.join(folder, "cases.npz"), allow_pickle=False) as stored:
        arrays = {key: stored[key] for key in stored.files}
    cases = [[arrays[item["array"]] if "array" in item else item["number"] for item in row]
             for row in task["cases"]]
    guard(readable_roots(), tuple(task["refused_modules"]))

    namespace = {"__name__": "answer"}
    try:
        exec(compile(source, "<answer>", "exec"), namespace)
        function = namespace[task["function"]]
    except Exception as error:
        return reply_with(stream, {"status": "raised", "case": None,
                                   "message": f"{type(error).__name__}: {error}"})
    outputs = []
    overflow = "raise" if task["stable"] else "ignore"
    for k, arguments in enumerate(cases, 1):
        try:
            with np.errstate(over=overflow, divide="ignore", invalid="ignore", under="ignore"):
                output = function(*arguments)
        except (FloatingPointError, OverflowError) as error:
            return reply_with(stream, {"status": "overflow", "case": k,
                                       "message": f"{error}{where_in_answer(error, source)}"})
        except BaseException as error:  # SystemExit and KeyboardInterrupt too: a score, not a crash
            return reply_with(stream, {"status": "raised", "case": k,
                                       "message": f"{type(error).__name__}: {error}"
                                                  f"{where_in_answer(error, source)}"})
        try:
            array = np.asarray(output)
            numeric = array.dtype.kind in "biuf"
        except Exception:
            numeric = False
        if not numeric:
            return reply_with(stream, {"status": "not an array", "case": k,
                                       "message": f"it returned a {type(output).__name__}: "
                                                  f"{output!r}"[:300]})
        outputs.append(array.astype(float))
    reply_with(stream, {"status": "ok"}, outputs)


main()
