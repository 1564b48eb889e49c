"""python -m tests.library.fuzz [--programs N] [--start S] [--dtype float64|float32|both] [--seed S]

Runs the differential fuzzer outside pytest and prints its counts (programs, agreements,
"minigrad more exact" arbitrations, known defects, mismatches) and every mismatch's
reproduction; ``--seed S`` replays (and prints) one program."""
import argparse
import collections
import time

from . import programs
from .known import KNOWN


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--programs", type=int, default=300)
    p.add_argument("--start", type=int, default=0)
    p.add_argument("--seed", type=int)
    p.add_argument("--dtype", default="both")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args()
    dtypes = ["float64", "float32"] if args.dtype == "both" else [args.dtype]
    seeds = [args.seed] if args.seed is not None else range(args.start, args.start + args.programs)
    start = time.perf_counter()
    counts = collections.Counter()
    verdicts = collections.Counter()
    for dtype in dtypes:
        for seed in seeds:
            out = programs.check(seed, dtype, known=KNOWN)
            counts[dtype, "programs"] += 1
            if args.seed is not None:
                print(out.program.text())
            if out.mismatch is None:
                counts[dtype, "agree"] += 1
                continue
            verdicts[dtype, out.mismatch.verdict] += 1
            if out.mismatch.verdict == "mismatch" or (args.seed is not None) or not args.quiet:
                print(f"--- {dtype} seed {seed}\n{programs.report(out, dtype)}\n")
    print(f"{time.perf_counter() - start:.1f} s")
    for key, n in sorted(counts.items()):
        print(*key, n)
    for key, n in sorted(verdicts.items()):
        print(*key, n)


main()
