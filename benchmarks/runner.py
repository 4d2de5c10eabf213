"""Timing: verification, calibration, interleaved rounds, medians, ratios, tables.

All targets are timed in one process, interleaved: every round runs every
(workload, target) case once, rotating the order within a workload, so drift
on a shared machine (another process, CPU frequency) lands on every target
alike. The figure reported is the median over rounds; a ratio against the
baseline is taken per round and its median reported, with the range.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from benchmarks.workloads import TRICKLE_SIZES, Case, Clock

Say = Callable[[str], None]

# --clock: process time is robust to other processes; wall is perf_counter.
CLOCKS: Final[dict[str, Clock]] = {"cpu": time.process_time, "wall": time.perf_counter}


def add_clock_and_json_options(parser: argparse.ArgumentParser) -> None:
    """--clock and --json, which every timing script takes; ``CLOCKS[args.clock]`` is the clock."""
    parser.add_argument(
        "--clock",
        choices=tuple(CLOCKS),
        default="cpu",
        help="cpu: process time, robust to other processes (default); wall: perf_counter",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")


def calibrate(case: Case, batch_seconds: float, clock: Clock) -> None:
    """Set ``case.n`` so that one timed batch takes about ``batch_seconds``."""
    n = 1
    while True:
        elapsed = case.run(n, clock)
        if elapsed >= batch_seconds / 10 or n >= 1 << 22:
            break
        n *= 4 if elapsed < batch_seconds / 100 else 2
    case.n = max(1, math.ceil(batch_seconds * n / max(elapsed, 1e-9)))


def measure(
    cases: Sequence[Case], rounds: int, batch_seconds: float, clock: Clock, say: Say
) -> None:
    """Verify and calibrate every case, then time them in interleaved rounds.

    A case that fails gets ``error`` set and takes no further part.
    """
    for case in cases:
        try:
            case.verify()
            calibrate(case, batch_seconds, clock)
        except Exception as exc:
            case.error = f"{type(exc).__name__}: {exc}"
            say(f"FAILED {case.workload}/{case.target}: {case.error[:300]}")
    by_workload: dict[str, list[Case]] = {}
    for case in cases:
        by_workload.setdefault(case.workload, []).append(case)
    for round_number in range(rounds):
        for group in by_workload.values():
            live = [case for case in group if case.error is None]
            if not live:
                continue
            first = round_number % len(live)
            for case in live[first:] + live[:first]:
                try:
                    case.samples.append(case.run(case.n, clock) / case.n)
                except Exception as exc:
                    case.error = f"{type(exc).__name__}: {exc}"
                    say(f"FAILED {case.workload}/{case.target}: {case.error[:300]}")
        say(f"  round {round_number + 1}/{rounds} done")


@dataclass(frozen=True)
class Result:
    workload: str
    target: str
    error: str | None = None
    per_op_s: float = math.nan  # median over rounds
    per_op_range_s: tuple[float, float] = (math.nan, math.nan)
    ops_per_s: float = math.nan
    items_per_s: float | None = None
    item_unit: str = ""
    mb_per_s: float | None = None
    # Median over rounds of baseline time / this time: 2.0 means twice as fast.
    speedup: float | None = None
    speedup_range: tuple[float, float] | None = None
    samples_s: tuple[float, ...] = ()


def _per_round_ratios(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    return [a / b for a, b in zip(numerators, denominators, strict=True)]


def summarise(cases: Sequence[Case], baseline: str) -> list[Result]:
    base = {case.workload: case for case in cases if case.target == baseline and case.error is None}
    results = []
    for case in cases:
        if case.error is not None or not case.samples:
            results.append(Result(case.workload, case.target, error=case.error or "no samples"))
            continue
        median = statistics.median(case.samples)
        speedup = speedup_range = None
        reference = base.get(case.workload)
        if reference is not None and reference.samples:
            ratios = _per_round_ratios(reference.samples, case.samples)
            speedup = statistics.median(ratios)
            speedup_range = (min(ratios), max(ratios))
        results.append(
            Result(
                case.workload,
                case.target,
                per_op_s=median,
                per_op_range_s=(min(case.samples), max(case.samples)),
                ops_per_s=1 / median,
                items_per_s=case.items / median if case.items > 1 else None,
                item_unit=case.item_unit,
                mb_per_s=case.wire_bytes / median / 1e6 if case.wire_bytes else None,
                speedup=speedup,
                speedup_range=speedup_range,
                samples_s=tuple(case.samples),
            )
        )
    return results


@dataclass(frozen=True)
class Growth:
    """time(2x input) / time(1x input) of a d_* family: ~2 is linear, ~4 quadratic."""

    family: str
    target: str
    ratio: float
    ratio_range: tuple[float, float]


def growth(cases: Sequence[Case]) -> list[Growth]:
    found = {
        (case.workload, case.target): case for case in cases if case.error is None and case.samples
    }
    rows = []
    for family in TRICKLE_SIZES:
        for target in dict.fromkeys(case.target for case in cases):
            one, two = found.get((f"{family}_1x", target)), found.get((f"{family}_2x", target))
            if one is not None and two is not None:
                ratios = _per_round_ratios(two.samples, one.samples)
                rows.append(
                    Growth(family, target, statistics.median(ratios), (min(ratios), max(ratios)))
                )
    return rows


def format_duration(seconds: float) -> str:
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "us")):
        if seconds >= scale:
            return f"{seconds / scale:.2f} {unit}"
    return f"{seconds * 1e9:.0f} ns"


def format_rate(value: float) -> str:
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def format_results(results: Sequence[Result], baseline: str) -> str:
    columns = ("workload", "target", "per op", "ops/s", "throughput", f"vs {baseline}")
    rows: list[tuple[str, ...]] = []
    previous = ""
    for result in results:
        workload = result.workload if result.workload != previous else ""
        previous = result.workload
        if result.error is not None:
            rows.append((workload, result.target, "FAILED", result.error[:60], "", ""))
            continue
        throughput = []
        if result.items_per_s is not None:
            throughput.append(f"{format_rate(result.items_per_s)} {result.item_unit}/s")
        if result.mb_per_s is not None:
            throughput.append(f"{result.mb_per_s:.1f} MB/s")
        speedup = ""
        if result.speedup is not None and result.speedup_range is not None:
            low, high = result.speedup_range
            speedup = f"{result.speedup:.2f}x [{low:.2f}-{high:.2f}]"
        rows.append(
            (
                workload,
                result.target,
                format_duration(result.per_op_s),
                format_rate(result.ops_per_s),
                ", ".join(throughput),
                speedup,
            )
        )
    return format_table(columns, rows, right_aligned={2, 3, 4, 5})


def format_growth(rows: Sequence[Growth]) -> str:
    columns = ("family", "target", "2x / 1x", "range")
    body = [
        (
            row.family,
            row.target,
            f"{row.ratio:.2f}",
            f"{row.ratio_range[0]:.2f}-{row.ratio_range[1]:.2f}",
        )
        for row in rows
    ]
    return format_table(columns, body, right_aligned={2, 3})


def format_table(
    columns: Sequence[str], rows: Sequence[Sequence[str]], right_aligned: set[int]
) -> str:
    widths = [max(len(str(row[i])) for row in [columns, *rows]) for i in range(len(columns))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in right_aligned else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(columns), rule, *(line(row) for row in rows)])


def as_json(
    results: Sequence[Result], growth_rows: Sequence[Growth], meta: dict[str, Any]
) -> dict[str, Any]:
    return {
        "meta": meta,
        "results": [_json_row(result) for result in results],
        "growth": [asdict(row) for row in growth_rows],
    }


def _json_row(result: Result) -> dict[str, Any]:
    if result.error is not None:
        # A failed case has no timings (and NaN is not JSON), only its error.
        return {"workload": result.workload, "target": result.target, "error": result.error}
    return asdict(result)
