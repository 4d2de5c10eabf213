"""Memory per connection, measured with tracemalloc, for h11typed and h11.

    python benchmarks/memory.py [--count 2000] [--json out.json]

Two figures per target, in bytes per connection (averaged over --count):

- an idle server Connection, fresh from the constructor;
- a server Connection that has parsed a browser GET (the a_asv request), kept
  together with the events it returned, as a server holds them while it works
  on the answer.

tracemalloc sees every allocation through Python's allocators, including the
ones compiled (mypyc) code makes, so the builds compare fairly.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

if __name__ == "__main__" and not __package__:
    # Run as a script: make the repository root importable for `benchmarks.*`.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.runner import format_table
from benchmarks.targets import DEFAULT_PURE_SRC, Target, describe, standard_targets
from benchmarks.workloads import PAGE_REQUEST, Api


@dataclass(frozen=True)
class Footprint:
    target: str
    idle_bytes: float
    parsed_request_bytes: float


def bytes_each(make: Callable[[], object], count: int) -> float:
    """Average traced bytes that one object from ``make()`` keeps alive."""
    for _ in range(3):
        make()  # warm up: lazily built caches and interned strings are not per connection
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [make() for _ in range(count)]
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    # The list holding them is the measurement's own cost.
    return (after - before - sys.getsizeof(kept)) / count


def footprint(target: Target, count: int) -> Footprint:
    api = Api(target)

    def idle() -> object:
        return api.Connection(api.SERVER)

    def with_request() -> object:
        conn = api.Connection(api.SERVER)
        conn.receive_data(PAGE_REQUEST)
        events: list[object] = []
        while True:
            event = conn.next_event()
            if event is api.NEED_DATA or event is api.PAUSED:
                return conn, events
            events.append(event)

    return Footprint(target.label, bytes_each(idle, count), bytes_each(with_request, count))


def format_footprints(rows: Sequence[Footprint], baseline: str = "h11") -> str:
    base = next((row for row in rows if row.target == baseline), None)

    def cell(value: float, reference: float | None) -> str:
        relative = f" ({value / reference:.2f}x)" if reference else ""
        return f"{value:,.0f}{relative}"

    body = [
        (
            row.target,
            cell(row.idle_bytes, base.idle_bytes if base else None),
            cell(row.parsed_request_bytes, base.parsed_request_bytes if base else None),
        )
        for row in rows
    ]
    columns = (
        "target",
        f"idle Connection (vs {baseline})",
        f"after parsing a request (vs {baseline})",
    )
    return format_table(columns, body, right_aligned={1, 2})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000, help="connections per measurement")
    parser.add_argument(
        "--pure-src", type=Path, default=DEFAULT_PURE_SRC, help="directory holding h11typed/"
    )
    parser.add_argument(
        "--no-pure", action="store_true", help="leave out the pure copy of the source"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)

    targets = standard_targets(None if args.no_pure else args.pure_src, print)
    for target in targets:
        print("  " + describe(target))
    rows = [footprint(target, args.count) for target in targets]
    print(f"\nbytes per connection (tracemalloc, mean of {args.count})")
    print(format_footprints(rows))
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(row) for row in rows], indent=1) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
