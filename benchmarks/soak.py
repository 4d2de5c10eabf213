"""Soak test: does memory stay flat over a million cycles through h11typed?

    python benchmarks/soak.py [--cycles 1000000] [--quick] [--allow-pure]

The cycles rotate through four kinds of work, a quarter each:

- keep-alive: one GET and a 200 with a Content-Length body, between a client
  and a server Connection that live for the whole run (start_next_cycle()
  after each exchange);
- chunked: a POST with a chunked body and a chunked 200 with a trailer, on
  the same pair;
- pipelined: three GETs arriving in one receive_data() at that server, each
  answered in turn;
- rejected: a malformed request head at a fresh server Connection, which
  raises RemoteProtocolError and answers with the 400 the error hints at.

Every tenth of the run it prints the resident set size, sys.getallocatedblocks()
and len(gc.get_objects()) after gc.collect(); at the end, the growth of each
from the first tenth to the last. A leak of even one small object per cycle
shows as tens of megabytes and hundreds of thousands of blocks. By default the
installed h11typed must be the compiled build (that is what is soaked);
--allow-pure runs against whatever is installed.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import h11typed
from h11typed import (
    CLIENT,
    NEED_DATA,
    PAUSED,
    SERVER,
    Connection,
    Data,
    EndOfMessage,
    Event,
    Request,
    Response,
)

DEFAULT_CYCLES = 1_000_000
QUICK_CYCLES = 40_000

BODY = b"x" * 300
CHUNKS = (b"a" * 100, b"b" * 1000, b"c" * 10)
PIPELINED = b"".join(
    b"GET /p/%d HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n" % i for i in range(3)
)
# Each fails a different check: no colon, a space before the colon (RFC 9112
# §5.1), a malformed request line, a bad Content-Length.
MALFORMED = (
    b"GET / HTTP/1.1\r\nHost example.com\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost : example.com\r\n\r\n",
    b"GET  / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 1x\r\n\r\n",
)


class SoakError(Exception):
    """h11typed did not do what a cycle expects (the soak measures nothing then)."""


def events(conn: Connection) -> list[object]:
    """Every event the connection has ready, up to NEED_DATA or PAUSED."""
    out: list[object] = []
    while True:
        event = conn.next_event()
        if event is NEED_DATA or event is PAUSED:
            return out
        out.append(event)


class Pair:
    """A client and a server Connection talking over a loop-back byte stream."""

    def __init__(self) -> None:
        self.client = Connection(CLIENT)
        self.server = Connection(SERVER)

    def to_server(self, *outgoing: Event) -> list[object]:
        for event in outgoing:
            data = self.client.send(event)
            if data:
                self.server.receive_data(data)
        return events(self.server)

    def to_client(self, *outgoing: Event) -> list[object]:
        for event in outgoing:
            data = self.server.send(event)
            if data:
                self.client.receive_data(data)
        return events(self.client)

    def next_cycle(self) -> None:
        self.client.start_next_cycle()
        self.server.start_next_cycle()


def keep_alive(pair: Pair) -> None:
    got = pair.to_server(
        Request(method="GET", target="/", headers=[("Host", "example.com")]), EndOfMessage()
    )
    if len(got) != 2:
        raise SoakError(f"keep-alive: server got {got!r}")
    got = pair.to_client(
        Response(status_code=200, headers=[("Content-Length", str(len(BODY)))]),
        Data(data=BODY),
        EndOfMessage(),
    )
    if len(got) < 3:
        raise SoakError(f"keep-alive: client got {got!r}")
    pair.next_cycle()


def chunked(pair: Pair) -> None:
    chunks = [Data(data=chunk) for chunk in CHUNKS]
    headers = [("Host", "example.com"), ("Transfer-Encoding", "chunked")]
    got = pair.to_server(
        Request(method="POST", target="/upload", headers=headers), *chunks, EndOfMessage()
    )
    if len(got) != 2 + len(CHUNKS):
        raise SoakError(f"chunked: server got {got!r}")
    trailer = EndOfMessage(headers=[("Checksum", "abc")])
    got = pair.to_client(
        Response(status_code=200, headers=[("Transfer-Encoding", "chunked")]), *chunks, trailer
    )
    if len(got) != 2 + len(CHUNKS):
        raise SoakError(f"chunked: client got {got!r}")
    pair.next_cycle()


def pipelined(pair: Pair) -> None:
    server = pair.server
    server.receive_data(PIPELINED)
    for _ in range(3):
        got = events(server)
        if len(got) != 2 or not isinstance(got[0], Request):
            raise SoakError(f"pipelined: server got {got!r}")
        server.send(Response(status_code=204, headers=[]))
        server.send(EndOfMessage())
        server.start_next_cycle()


def rejected(index: int) -> None:
    server = Connection(SERVER)
    server.receive_data(MALFORMED[index % len(MALFORMED)])
    try:
        server.next_event()
    except h11typed.RemoteProtocolError as exc:
        server.send(Response(status_code=exc.error_status_hint, headers=[("Connection", "close")]))
        server.send(EndOfMessage())
        return
    raise SoakError(f"rejected: {MALFORMED[index % len(MALFORMED)]!r} was accepted")


@dataclass(frozen=True)
class Sample:
    cycles: int
    seconds: float
    rss_kib: int
    blocks: int
    gc_objects: int


def rss_kib() -> int:
    """The current resident set size (Linux /proc), else the peak (getrusage)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


FIELDS = 4  # cycles, RSS, blocks, gc objects: one row of Samples.counts


class Samples:
    """The figures of each tenth, kept in arrays allocated before the first one.

    Keeping them as Python objects would itself grow the heap by a few blocks
    and one gc object per tenth, which the growth figure must not include.
    """

    def __init__(self, rows: int) -> None:
        self.counts = array("q", bytes(8 * FIELDS * rows))
        self.seconds = array("d", bytes(8 * rows))
        self.taken = 0

    def take(self, cycles: int, began: float) -> None:
        gc.collect()
        row = self.taken * FIELDS
        self.counts[row] = cycles
        self.counts[row + 3] = len(gc.get_objects())
        self.counts[row + 2] = sys.getallocatedblocks()
        self.counts[row + 1] = rss_kib()
        self.seconds[self.taken] = time.perf_counter() - began
        self.taken += 1

    def __getitem__(self, index: int) -> Sample:
        index %= self.taken
        row = self.counts[index * FIELDS : (index + 1) * FIELDS]
        return Sample(row[0], self.seconds[index], row[1], row[2], row[3])


def soak(total: int, report: Callable[[Sample], None]) -> Samples:
    """Run ``total`` cycles, sampling after each tenth; the samples."""
    pair = Pair()
    work: Sequence[Callable[[int], None]] = (
        lambda i: keep_alive(pair),
        lambda i: chunked(pair),
        lambda i: pipelined(pair),
        rejected,
    )
    tenth = max(total // 10, 1)
    samples = Samples(total // tenth + 1)
    began = time.perf_counter()
    for done in range(1, total + 1):
        work[done % len(work)](done)
        if done % tenth == 0 or done == total:
            samples.take(done, began)
            report(samples[-1])
    return samples


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--cycles", type=int, default=DEFAULT_CYCLES, help="cycles in all (default %(default)s)"
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_CYCLES} cycles (overrides --cycles)"
    )
    parser.add_argument(
        "--allow-pure", action="store_true", help="run even if h11typed is not the compiled build"
    )
    args = parser.parse_args(argv)
    total = QUICK_CYCLES if args.quick else args.cycles
    if total < 10:
        parser.error("--cycles must be at least 10")
    if not h11typed.COMPILED and not args.allow_pure:
        print(
            "soak: the installed h11typed is not the compiled build (use --allow-pure)",
            file=sys.stderr,
        )
        return 2
    build = "compiled" if h11typed.COMPILED else "pure"
    print(
        f"soak: {total} cycles through the {build} h11typed {h11typed.__version__} on Python {sys.version.split()[0]}"
    )
    print(f"{'cycles':>10} {'seconds':>8} {'RSS KiB':>10} {'blocks':>10} {'gc objects':>11}")

    def report(s: Sample) -> None:
        print(
            f"{s.cycles:>10} {s.seconds:>8.1f} {s.rss_kib:>10} {s.blocks:>10} {s.gc_objects:>11}",
            flush=True,
        )

    samples = soak(total, report)
    first, last = samples[0], samples[-1]
    per_cycle = (last.blocks - first.blocks) / max(last.cycles - first.cycles, 1)
    print(
        f"growth from the first tenth to the last ({last.cycles - first.cycles} cycles): "
        f"RSS {last.rss_kib - first.rss_kib:+d} KiB, allocated blocks {last.blocks - first.blocks:+d} "
        f"({per_cycle:+.4f} per cycle), gc objects {last.gc_objects - first.gc_objects:+d}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
