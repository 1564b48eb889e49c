"""Command line: ``python -m minigrad <command>``.

    example    run the README example
    all        everything the main job regenerates
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_example(args):
    """Run the README's example block, as a reader would paste it."""
    from minigrad._readme import example_code
    exec(compile(example_code(ROOT / "README.md"), "README example", "exec"), {})


COMMANDS = {
    "example": (run_example, "run the README example"),
}


def run_all(args):
    for name, (command, _) in COMMANDS.items():
        print(f"\n=== python -m minigrad {name} ===")
        command(args)


COMMANDS["all"] = (run_all, "everything the main job regenerates")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minigrad", description=__doc__.split("\n")[0])
    parser.add_argument("command", help=", ".join(COMMANDS))
    args, _ = parser.parse_known_args(argv)
    if args.command not in COMMANDS:
        parser.error(f"unknown command {args.command!r}; choose from {', '.join(COMMANDS)}")
    COMMANDS[args.command][0](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
