"""Command line of the course: ``python -m minigrad_course <command> [options]``.

    example              run the README example
    figures [--out DIR] [--only NAME ...]
                         draw every figure of the gallery (or those named) into DIR
                         (default figures/), and write DIR/README.md
    engine-track [--out DIR [--tasks NAME ...]] [--autograder DIR] [--list]
                         the build-the-engine track: the student edition of minigrad, its
                         Gradescope autograder, the tasks (course/engine_track.md)
    assignments [--out DIR] [--seed N] [--only NAME ...] [--release [DIR]]
                         build the gradient exercises as Otter-Grader assignments: master
                         notebooks, student notebooks, Gradescope autograder zips
    <experiment>         run one experiment of minigrad_course.experiments:
                         python -m minigrad_course <experiment> [--seeds N] [--quick]
                         [--out DIR] [--figures DIR] [its own options: <experiment> --help]
    all                  everything the main job regenerates: the example, every figure, and
                         every experiment in its full configuration (results/ and figures/)

It is the only thing that writes figures/, results/ and figures/README.md.
"""
import argparse
import sys
import time
import traceback
from pathlib import Path

from . import LESSONS, ROOT


def run_example(argv=()):
    """Run the README's example block, as a reader would paste it."""
    _parser("example", "run the README example").parse_args(list(argv))
    from .readme import example_code
    exec(compile(example_code(ROOT / "README.md"), "README example", "exec"), {})


def run_figures(argv=()):
    """Draw every figure of minigrad_course.gallery into --out (default figures/)."""
    from . import gallery
    parser = _parser("figures", "draw every figure of the gallery")
    parser.add_argument("--out", default="figures", metavar="DIR",
                        help="folder for the PNGs and their README (default: figures/)")
    names = [entry.name for entry in gallery.FIGURES]
    parser.add_argument("--only", nargs="+", choices=names, metavar="NAME",
                        help="draw only these figures: " + ", ".join(names))
    args = parser.parse_args(list(argv))
    written = gallery.save_all(args.out, names=args.only)
    print(f"{len(written)} figures written to {args.out}/: "
          + ", ".join(Path(p).name for p in written))


def run_engine_track(argv=()):
    """The student edition of the engine, its autograder, or the list of its tasks."""
    from .engine_track import cli
    cli.main(argv)


def run_experiment(name, argv=()):
    """Parse ``argv`` with the experiment's parser and run it; return its results."""
    from . import experiments
    from .experiments import base
    return base.run(experiments.load(name), argv)


def run_assignments(argv=()):
    """Build the gradient exercises as Otter-Grader assignments (minigrad_course.assignments)."""
    from . import assignments
    parser = _parser("assignments", "build the Otter-Grader assignments")
    parser.add_argument("--out", default=str(assignments.DEFAULT_OUT), metavar="DIR",
                        help="folder for the master notebooks and their dist/ (default: "
                             "build/assignments/)")
    parser.add_argument("--seed", type=int, metavar="N",
                        help="seed of the hidden cases (default: a random one; keep it secret)")
    parser.add_argument("--only", nargs="+", choices=[a.name for a in assignments.ASSIGNMENTS],
                        metavar="NAME", help="build only these assignments")
    parser.add_argument("--no-run-tests", action="store_true",
                        help="skip otter assign's run of every test against the solutions")
    parser.add_argument("--release", metavar="DIR", nargs="?", const=str(assignments.RELEASED),
                        help="also copy the student notebooks into DIR (default "
                             "lessons/exercises/)")
    args = parser.parse_args(list(argv))
    built = assignments.build(args.out, seed=args.seed, only=args.only,
                              run_tests=not args.no_run_tests, release=args.release)
    for name, dist in built.items():
        print(f"{name}: {dist}/student/ (hand out), {assignments.autograder_zip(dist)} (Gradescope)")


def run_all(argv=()):
    """The example, every figure, then every experiment (full configuration by default).

    An experiment that fails is reported with its traceback, the others still run, and the
    command exits with status 1 at the end.
    """
    from . import experiments
    from .experiments import base
    parser = _parser("all", "the example, every figure and every experiment")
    base.add_common_arguments(parser)
    args = parser.parse_args(list(argv))
    forwarded = [*(["--seeds", str(args.seeds)] if args.seeds is not None else []),
                 *(["--quick"] if args.quick else []),
                 *(["--out", args.out] if args.out is not None else []),
                 *(["--figures", args.figures] if args.figures is not None else [])]
    # the gallery goes where the experiments' figures go: figures/, or with --quick the
    # --out folder (results/quick by default), so that a quick run leaves figures/ alone
    if args.figures is not None:
        figures = args.figures
    elif args.quick:
        figures = args.out if args.out is not None else "results/quick"
    else:
        figures = "figures"

    steps = [("example", lambda: run_example()),
             ("figures", lambda: run_figures(["--out", figures]))]
    steps += [(name, lambda name=name: run_experiment(name, forwarded))
              for name in experiments.MODULES]
    failed, times = [], {}
    for name, step in steps:
        print(f"\n=== python -m minigrad_course {name} ===", flush=True)
        start = time.perf_counter()
        try:
            step()
        except Exception:  # report it, run the rest, and fail at the end
            traceback.print_exc()
            failed.append(name)
        times[name] = time.perf_counter() - start
    print("\n=== summary ===")
    for name, seconds in times.items():
        print(f"{name:>20}: {'FAILED' if name in failed else 'ok'} in {seconds:.1f} s")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        raise SystemExit(1)


COMMANDS = {
    "example": (run_example, "run the README example"),
    "figures": (run_figures, "draw every figure of the gallery (figures/)"),
    "assignments": (run_assignments,
                    "build the Otter-Grader assignments (student, autograder, solutions)"),
    "engine-track": (run_engine_track,
                     "the build-the-engine track: student edition, autograder, tasks"),
    "all": (run_all, "everything the main job regenerates"),
}


# --- helpers ------------------------------------------------------------------------------------
def _parser(command, description):
    return argparse.ArgumentParser(prog=f"python -m minigrad_course {command}",
                                   description=description)


def _fail(message):
    top = argparse.ArgumentParser(prog="python -m minigrad_course")
    top.error(message)  # prints usage and message to stderr, exits with status 2


def _usage():
    from . import experiments
    lines = [__doc__.strip(), "", "commands:"]
    lines += [f"  {name:<20} {help_}" for name, (_, help_) in COMMANDS.items()]
    lines += [f"  {name:<20} experiment ({module.__name__})"
              for name, module in experiments.MODULES.items()]
    return "\n".join(lines)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage(), file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    from . import experiments
    if command in COMMANDS:
        COMMANDS[command][0](rest)
    elif command in experiments.MODULES:
        run_experiment(command, rest)
    else:
        _fail(f"unknown command or experiment {command!r}; choose from "
              f"{', '.join([*COMMANDS, *experiments.MODULES])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
