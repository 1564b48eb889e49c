"""Command line: ``python -m minigrad <command> [options]``.

    example              run the README example
    figures [--out DIR] [--only NAME ...]
                         draw every figure of the gallery (or those named) into DIR
                         (default figures/)
    <experiment>         run one experiment of minigrad.experiments.MODULES:
                         python -m minigrad <experiment> [--seeds N] [--quick] [--out DIR]
                         [--figures DIR] [its own options: <experiment> --help lists them]
    all                  everything the main job regenerates: the example, every figure, and
                         every experiment in its full configuration (results/ and figures/)
"""
import argparse
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_example(argv=()):
    """Run the README's example block, as a reader would paste it."""
    _parser("example", "run the README example").parse_args(list(argv))
    from minigrad._readme import example_code
    exec(compile(example_code(ROOT / "README.md"), "README example", "exec"), {})


def run_figures(argv=()):
    """Draw every figure of minigrad.gallery into --out (default figures/)."""
    parser = _parser("figures", "draw every figure of the gallery")
    parser.add_argument("--out", default="figures", metavar="DIR",
                        help="folder for the PNGs and their README (default: figures/)")
    from minigrad import gallery
    names = [entry.name for entry in gallery.FIGURES]
    parser.add_argument("--only", nargs="+", choices=names, metavar="NAME",
                        help="draw only these figures: " + ", ".join(names))
    args = parser.parse_args(list(argv))
    written = gallery.save_all(args.out, names=args.only)
    print(f"{len(written)} figures written to {args.out}/: "
          + ", ".join(Path(p).name for p in written))


def run_experiment(name, argv=()):
    """Parse ``argv`` with the experiment's parser and run it; return its results."""
    from minigrad.experiments import common
    module = _load_experiment(name)
    if module is None:
        _fail(f"experiment {name!r} is registered, but its module "
              f"minigrad/experiments/{_module_file(name)} does not exist yet")
    args = common.make_parser(module).parse_args(list(argv))
    return module.run(args)


def run_all(argv=()):
    """The example, every figure, then every experiment (full configuration by default).

    An experiment whose module is not written yet is reported and skipped; an experiment
    that fails is reported with its traceback, the others still run, and the command exits
    with status 1 at the end.
    """
    from minigrad import experiments
    from minigrad.experiments import common
    parser = _parser("all", "the example, every figure and every experiment")
    common.add_common_arguments(parser)
    args = parser.parse_args(list(argv))
    forwarded = [*(["--seeds", str(args.seeds)] if args.seeds is not None else []),
                 *(["--quick"] if args.quick else []),
                 *(["--out", args.out] if args.out is not None else []),
                 *(["--figures", args.figures] if args.figures is not None else [])]
    figures = args.figures if args.figures is not None else "figures"

    steps = [("example", lambda: run_example()),
             ("figures", lambda: run_figures(["--out", figures]))]
    steps += [(name, lambda name=name: run_experiment(name, forwarded))
              for name in experiments.MODULES]
    missing, failed, times = [], [], {}
    for name, step in steps:
        print(f"\n=== python -m minigrad {name} ===", flush=True)
        if name in experiments.MODULES and _load_experiment(name) is None:
            print(f"skipped: minigrad/experiments/{_module_file(name)} does not exist yet")
            missing.append(name)
            continue
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
    if missing:
        print(f"not written yet (skipped): {', '.join(missing)}")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        raise SystemExit(1)


COMMANDS = {
    "example": (run_example, "run the README example"),
    "figures": (run_figures, "draw every figure of the gallery (figures/)"),
    "all": (run_all, "everything the main job regenerates"),
}


# --- helpers ------------------------------------------------------------------------------------
def _parser(command, description):
    return argparse.ArgumentParser(prog=f"python -m minigrad {command}", description=description)


def _module_file(name):
    from minigrad import experiments
    return f"{experiments.MODULES[name]}.py"


def _load_experiment(name):
    """The experiment's module, or None if its file does not exist yet.  Any other import
    error (in an existing module) is raised, never hidden."""
    from minigrad import experiments
    try:
        return experiments.load(name)
    except ModuleNotFoundError as error:
        if error.name == f"{experiments.__name__}.{experiments.MODULES[name]}":
            return None
        raise


def _known():
    from minigrad import experiments
    return [*COMMANDS, *experiments.MODULES]


def _fail(message):
    top = argparse.ArgumentParser(prog="python -m minigrad")
    top.error(message)  # prints usage and message to stderr, exits with status 2


def _usage():
    from minigrad import experiments
    lines = [__doc__.strip(), "", "commands:"]
    lines += [f"  {name:<20} {help_}" for name, (_, help_) in COMMANDS.items()]
    lines += [f"  {name:<20} experiment (minigrad/experiments/{module}.py)"
              for name, module in experiments.MODULES.items()]
    return "\n".join(lines)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage(), file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    from minigrad import experiments
    if command in COMMANDS:
        COMMANDS[command][0](rest)
    elif command in experiments.MODULES:
        run_experiment(command, rest)
    else:
        _fail(f"unknown command or experiment {command!r}; choose from {', '.join(_known())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
