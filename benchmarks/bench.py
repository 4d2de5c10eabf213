"""Benchmark h11typed, compiled and pure, against h11 in one process.

    python benchmarks/bench.py                  # every workload, ~1-2 min
    python benchmarks/bench.py --quick          # short rounds, well under a minute
    python benchmarks/bench.py --only a_ --only b_ --json out.json

Targets: the installed h11typed (compiled or pure, as installed), a pure copy
of src/h11typed loaded as ``h11typed_pure``, h11 (the baseline), and, when
importable, h11_mypyc, h11r and httptools. The workloads are described in
benchmarks/workloads.py. Exit status 1 when any target produced wrong output.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path

if __name__ == "__main__" and not __package__:
    # Run as a script: make the repository root importable for `benchmarks.*`.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.peers import httptools_cases
from benchmarks.runner import (
    CLOCKS,
    add_clock_and_json_options,
    as_json,
    format_growth,
    format_results,
    growth,
    measure,
    summarise,
)
from benchmarks.targets import DEFAULT_PURE_SRC, Target, describe, standard_targets
from benchmarks.workloads import WORKLOAD_ORDER, Case, h11_cases

BASELINE = "h11"
# How each Target.api is driven: h11's API (which also drives h11r), or a peer's own.
CASES_BY_API = {"h11": h11_cases, "h11r": h11_cases, "httptools": httptools_cases}


def build_cases(targets: Sequence[Target], workloads: Sequence[str]) -> list[Case]:
    """Every workload for every target, grouped by workload in WORKLOAD_ORDER."""
    cases: list[Case] = []
    for target in targets:
        cases += CASES_BY_API[target.api](target, workloads)
    return sorted(cases, key=lambda case: WORKLOAD_ORDER.index(case.workload))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="3 short rounds instead of 11")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 11, quick 3)")
    parser.add_argument(
        "--batch-seconds", type=float, help="length of one timed batch (default 0.15, quick 0.04)"
    )
    parser.add_argument(
        "--only", action="append", metavar="PREFIX", help="workloads starting with PREFIX"
    )
    parser.add_argument(
        "--pure-src", type=Path, default=DEFAULT_PURE_SRC, help="directory holding h11typed/"
    )
    parser.add_argument(
        "--no-pure", action="store_true", help="leave out the pure copy of the source"
    )
    parser.add_argument(
        "--no-peers", action="store_true", help="leave out h11_mypyc, h11r and httptools"
    )
    add_clock_and_json_options(parser)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 11)
    batch_seconds = args.batch_seconds or (0.04 if args.quick else 0.15)
    clock = CLOCKS[args.clock]
    started = time.perf_counter()

    def say(text: str) -> None:
        print(text, flush=True)

    targets = standard_targets(
        None if args.no_pure else args.pure_src, say, peers=not args.no_peers
    )
    labels = [target.label for target in targets]
    if BASELINE not in labels:
        say(f"error: the baseline {BASELINE} is not importable")
        return 2
    workloads = [
        name for name in WORKLOAD_ORDER if not args.only or name.startswith(tuple(args.only))
    ]
    cases = build_cases(targets, workloads)

    say(
        f"python {platform.python_version()}, {os.cpu_count()} cpus, clock={args.clock}, "
        f"rounds={rounds}, batch={batch_seconds:.2f}s, baseline={BASELINE}"
    )
    for target in targets:
        say("  " + describe(target))
    measure(cases, rounds, batch_seconds, clock, say)
    results = summarise(cases, BASELINE)
    growth_rows = growth(cases)

    say("")
    say(format_results(results, BASELINE))
    if growth_rows:
        say(
            "\nd_*: time for the 2x input / time for the 1x input, fed one byte at a time (2 = linear)"
        )
        say(format_growth(growth_rows))
    elapsed = time.perf_counter() - started
    say(f"\ntotal {elapsed:.1f} s")

    if args.json is not None:
        meta = {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "clock": args.clock,
            "rounds": rounds,
            "batch_seconds": batch_seconds,
            "baseline": BASELINE,
            "targets": {
                t.label: {"build": t.build, "path": t.path, "version": t.version} for t in targets
            },
            "elapsed_s": elapsed,
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        args.json.write_text(json.dumps(as_json(results, growth_rows, meta), indent=1) + "\n")
        say(f"wrote {args.json}")
    return 1 if any(result.error is not None for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
