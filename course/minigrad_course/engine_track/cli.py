"""``python -m minigrad_course engine-track``: the student edition, the autograder, the tasks."""
import argparse

from . import autograder, edition
from .tasks import TASKS


def main(argv=(), prog="python -m minigrad_course engine-track"):
    parser = argparse.ArgumentParser(
        prog=prog, description="the build-the-engine track: write the student edition of "
        "minigrad (--out), the Gradescope autograder (--autograder), or list the tasks (--list)")
    parser.add_argument("--out", metavar="DIR",
                        help="write the student edition into DIR (a new or empty folder)")
    parser.add_argument("--tasks", nargs="+", metavar="NAME", choices=[t.name for t in TASKS],
                        help="blank only these tasks (default: all): "
                        + ", ".join(t.name for t in TASKS))
    parser.add_argument("--autograder", metavar="DIR",
                        help="write the Gradescope autograder into DIR, with DIR/autograder.zip")
    parser.add_argument("--list", action="store_true",
                        help="list the tasks, their points and their regions in the library")
    args = parser.parse_args(list(argv))
    if not (args.out or args.autograder or args.list):
        parser.error("give --out DIR, --autograder DIR or --list")
    if args.list:
        regions = edition.library_regions()
        for task in TASKS:
            print(f"task {task.number} {task.name} ({task.points} points): {task.title}")
            for r in regions:
                if r.task == task:
                    print(f"    {r.path}:{r.begin}  {r.function}")
    if args.out:
        blanked = edition.write_edition(args.out, args.tasks)
        print(f"wrote the student edition to {args.out}/ ({len(blanked)} regions blanked, "
              f"tasks: {', '.join(sorted({r.task.name for r in blanked}, key=_order))})")
    if args.autograder:
        archive = autograder.write_autograder(args.autograder)
        print(f"wrote the autograder to {args.autograder}/; upload {archive} to Gradescope")


def _order(name):
    return [t.name for t in TASKS].index(name)
