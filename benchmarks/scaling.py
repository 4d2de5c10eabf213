"""Linear time and bounded memory: how the cost of receiving grows with the input.

    python benchmarks/scaling.py                 # h11typed as installed, and h11; ~80 s of CPU
    python benchmarks/scaling.py --quick         # ~20 s of CPU
    python benchmarks/scaling.py --pure --json out.json   # also a pure copy of src/h11typed

TIME. A message whose head, trailer section or body is N bytes long (N = 2 KiB
... 64 KiB, the wire exactly N bytes) is fed in pieces of 1, 7 and 1000 bytes,
one receive_data call per piece, calling next_event until NEED_DATA after each.
Families:

  req-headers   a request head of many 32-byte header lines
  req-value     a request head with one N-byte header value
  req-target    a request head with an N-byte request target
  resp-headers  a response head of many header lines (client role)
  trailers      a chunked request whose trailer section is N bytes
  chunked       a chunked request body of 8-byte chunks (a chunk-size line per 13 bytes)
                and a one-field trailer section that makes the size exact
  length        a Content-Length request body

``max_incomplete_event_size`` is raised to 2N so that no head is rejected.
The figure is time(2N) / time(N), taken per round and its median reported:
2.0 is linear, 4.0 quadratic; the summary gives the exponent k of time ~ N**k
and how the per-byte cost moved from 2 KiB to 64 KiB. With 1000-byte pieces the
small sizes are a few calls each, so a fixed cost per message shows as ratios
below 2. Targets are interleaved in every round (benchmarks.runner.measure) and
every call's result is checked inside the timed loop. Exit status 1 when a
family grows super-linearly, a result is wrong or memory is not bounded.

MEMORY, with tracemalloc (which sees the allocations of mypyc-compiled code
too), peak traced bytes above the level before the connection was made:

  heads   a head that never ends (many header lines, or one endless value) is
          fed in small pieces to a connection with a given limit; it must be
          rejected (RemoteProtocolError, hint 431) with no more than the limit
          plus one piece received, and the peak must stay near the limit
          (flagged above twice the limit plus a piece).
  bodies  1, 10 and 100 MiB bodies (Content-Length; chunked in 4000-byte
          chunks; chunked in 10 MB chunks, larger than a piece) are streamed in
          64 KiB pieces, each Data consumed (CRC-32) as it comes. The peak must
          not grow with the body (flagged above 4 pieces). The feeder's own peak
          (building the pieces, no connection) is shown for reference;
          ru_maxrss growth is shown too.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

if __name__ == "__main__" and not __package__:
    # Run as a script: make the repository root importable for `benchmarks.*`.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import h11typed
from benchmarks.runner import (
    CLOCKS,
    add_clock_and_json_options,
    format_duration,
    format_table,
    measure,
)
from benchmarks.targets import DEFAULT_PURE_SRC, Target, describe, standard_targets
from benchmarks.workloads import (
    CRLF,
    Api,
    Case,
    HeaderList,
    Op,
    Signature,
    WrongResult,
    expect,
    lowered,
)

KIB: Final = 1024
MIB: Final = 1024 * KIB
SIZES: Final = tuple(2**k * KIB for k in range(1, 7))  # 2 KiB ... 64 KiB
QUICK_SIZES: Final = SIZES[:4]  # 2 KiB ... 16 KiB
PIECES: Final = (1, 7, 1000)
FAMILIES: Final = (
    "req-headers",
    "req-value",
    "req-target",
    "resp-headers",
    "trailers",
    "chunked",
    "length",
)
# Reported as super-linear: time growing as N**k with k above EXPONENT_ALARM (averaged over
# all doublings, so that one noisy doubling does not decide), or a per-byte cost that grows
# by more than PER_BYTE_ALARM from the smallest size to the largest. Both come from the
# per-round ratios of neighbouring sizes, which are timed one after the other, so a slow
# round on a shared machine cancels out.
EXPONENT_ALARM: Final = 1.2
PER_BYTE_ALARM: Final = 1.5

Say = Callable[[str], None]


def kib(n: float) -> str:
    return f"{n / KIB:,.0f} KiB" if n < MIB else f"{n / MIB:,.0f} MiB"


# -- time: the messages -------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """Exactly ``len(wire)`` bytes and what a receiver must make of them."""

    wire: bytes
    client: bool  # received by a client (a response) rather than a server (a request)
    headers: HeaderList  # lowercased, as the head event reports them
    target: bytes  # the request target; b"" for a response
    body: bytes
    trailers: HeaderList

    def signature(self) -> Signature:
        detail = 200 if self.client else len(self.target)
        return 1, len(self.headers), detail, len(self.body), len(self.trailers), 1


def field_lines(count: int, extra: int, name: bytes = b"X-Field") -> HeaderList:
    """``count`` header fields of 32 wire bytes each, the last ``extra`` bytes longer."""
    fields = [(name + b"-%05d" % i, b"value-%09d" % i) for i in range(count)]
    if fields and extra:
        last_name, last_value = fields[-1]
        fields[-1] = (last_name, last_value + b"v" * extra)
    return fields


def wire_of(fields: HeaderList) -> bytes:
    return b"".join(name + b": " + value + CRLF for name, value in fields)


def padded_fields(room: int) -> HeaderList:
    """Header fields of exactly ``room`` wire bytes (``room`` >= 32)."""
    count, extra = divmod(room, 32)
    return field_lines(count, extra)


def message(family: str, size: int) -> Message:
    """The ``family`` message of exactly ``size`` wire bytes."""
    host = [(b"Host", b"example.com")]
    if family in ("req-headers", "resp-headers"):
        start = b"HTTP/1.1 200 OK\r\n" if family == "resp-headers" else b"GET /fields HTTP/1.1\r\n"
        first = [(b"Content-Length", b"0")] if family == "resp-headers" else host
        fixed = len(start) + len(wire_of(first)) + 2
        fields = first + padded_fields(size - fixed)
        wire = start + wire_of(fields) + CRLF
        return Message(wire, family == "resp-headers", lowered(fields), b"/fields", b"", [])
    if family == "req-value":
        start = b"GET / HTTP/1.1\r\n"
        fixed = len(start) + len(wire_of(host)) + len(b"X-Long: \r\n\r\n")
        fields = [*host, (b"X-Long", b"v" * (size - fixed))]
        return Message(start + wire_of(fields) + CRLF, False, lowered(fields), b"/", b"", [])
    if family == "req-target":
        fixed = len(b"GET / HTTP/1.1\r\n") + len(wire_of(host)) + 2
        target = b"/" + b"t" * (size - fixed)
        wire = b"GET " + target + b" HTTP/1.1\r\n" + wire_of(host) + CRLF
        return Message(wire, False, lowered(host), target, b"", [])
    # The rest are requests with a body; a padding field in the head makes the size exact.
    if family == "trailers":
        base = [*host, (b"Transfer-Encoding", b"chunked")]
        start = b"POST /upload HTTP/1.1\r\n" + wire_of(base) + CRLF + b"0\r\n"
        trailers = padded_fields(size - len(start) - 2)
        wire = start + wire_of(trailers) + CRLF
        return Message(wire, False, lowered(base), b"/upload", b"", lowered(trailers))
    if family == "chunked":
        # The head is the same at every size, so piece boundaries fall at the same places
        # in the chunk stream (a split chunk-size line costs more); a one-field trailer
        # section makes the size exact.
        fields = [*host, (b"Transfer-Encoding", b"chunked")]
        head = b"POST /upload HTTP/1.1\r\n" + wire_of(fields) + CRLF
        unit = b"8\r\n" + b"01234567" + CRLF
        fixed = len(head) + len(b"0\r\nX-Pad: p\r\n\r\n")
        count, pad = divmod(size - fixed, len(unit))
        trailers = [(b"X-Pad", b"p" * (1 + pad))]
        wire = head + unit * count + b"0\r\n" + wire_of(trailers) + CRLF
        return Message(
            wire, False, lowered(fields), b"/upload", b"01234567" * count, lowered(trailers)
        )
    if family == "length":
        length = 0
        for _ in range(3):  # the length's digits count toward the size: settle them
            fields = [*host, (b"Content-Length", b"%d" % length)]
            head = b"POST /upload HTTP/1.1\r\n" + wire_of(fields) + CRLF
            length = size - len(head)
        body = (b"0123456789abcdef" * (length // 16 + 1))[:length]
        return Message(head + body, False, lowered(fields), b"/upload", body, [])
    raise ValueError(f"unknown family {family!r}")


# -- time: the cases ----------------------------------------------------------


def workload_name(family: str, piece: int, size: int) -> str:
    return f"{family}/{piece}/{size}"


def trickle_case(api: Api, family: str, piece: int, size: int) -> Case:
    """Receive the ``family`` message of ``size`` bytes in ``piece``-byte calls."""
    Connection, NEED_DATA, PAUSED = api.Connection, api.NEED_DATA, api.PAUSED
    Request, Response, Data, EndOfMessage = api.Request, api.Response, api.Data, api.EndOfMessage
    msg = message(family, size)
    expect(len(msg.wire) == size, f"{family}: the message is {len(msg.wire)} bytes, not {size}")
    role = api.CLIENT if msg.client else api.SERVER
    limit = 2 * size
    request = api.Request(method=b"GET", target=b"/", headers=[(b"Host", b"example.com")])
    end = EndOfMessage()

    def prepare(k: int) -> Op:
        # Cut once per batch, untimed; dropped after the batch so that idle cases hold no pieces.
        pieces = [msg.wire[i : i + piece] for i in range(0, size, piece)]

        def op(sink: list[object] | None) -> Signature:
            conn = Connection(role, max_incomplete_event_size=limit)
            if msg.client:
                conn.send(request)
                conn.send(end)
            heads = fields = detail = body = trailers = ends = 0
            for data in pieces:
                conn.receive_data(data)
                while True:
                    event = conn.next_event()
                    if event is NEED_DATA or event is PAUSED:
                        break
                    if isinstance(event, Data):
                        body += len(event.data)
                    elif isinstance(event, Request):
                        heads += 1
                        fields = len(event.headers)
                        detail = len(event.target)
                    elif isinstance(event, Response):
                        heads += 1
                        fields = len(event.headers)
                        detail = event.status_code
                    elif isinstance(event, EndOfMessage):
                        ends += 1
                        trailers = len(event.headers)
                    else:
                        raise WrongResult(f"{family}: unexpected {event!r}")
                    if sink is not None:
                        sink.append(event)
            return heads, fields, detail, body, trailers, ends

        return op

    def verify() -> None:
        sink: list[object] = []
        got = prepare(1)(sink)
        expect(got == msg.signature(), f"{family}/{piece}/{size}: {got} != {msg.signature()}")
        first, last = sink[0], sink[-1]
        if not isinstance(first, (Request, Response)) or not isinstance(last, EndOfMessage):
            raise WrongResult(f"{family}: events {first!r} ... {last!r}")
        expect(list(first.headers) == msg.headers, f"{family}: head fields differ")
        if isinstance(first, Request):
            expect(first.target == msg.target, f"{family}: request target differs")
        body = b"".join(bytes(event.data) for event in sink if isinstance(event, Data))
        expect(body == msg.body, f"{family}: body differs")
        expect(list(last.headers) == msg.trailers, f"{family}: trailer fields differ")

    return Case(
        workload_name(family, piece, size),
        api.label,
        prepare,
        msg.signature(),
        verify,
        wire_bytes=size,
    )


@dataclass(frozen=True)
class TimeRow:
    family: str
    piece: int
    size: int
    target: str
    error: str | None = None
    per_op_s: float = math.nan  # median over rounds
    per_byte_s: float = math.nan
    # Median and range over rounds of time(size) / time(size / 2); None for the smallest size.
    ratio: float | None = None
    ratio_range: tuple[float, float] | None = None
    samples_s: tuple[float, ...] = ()


def time_rows(
    cases: Sequence[Case], families: Sequence[str], sizes: Sequence[int]
) -> list[TimeRow]:
    found = {(case.workload, case.target): case for case in cases}
    targets = list(dict.fromkeys(case.target for case in cases))
    rows = []
    for family in families:
        for piece in PIECES:
            for index, size in enumerate(sizes):
                for target in targets:
                    case = found[(workload_name(family, piece, size), target)]
                    if case.error is not None or not case.samples:
                        rows.append(
                            TimeRow(family, piece, size, target, error=case.error or "no samples")
                        )
                        continue
                    ratio = ratio_range = None
                    half = (
                        found[(workload_name(family, piece, sizes[index - 1]), target)]
                        if index
                        else None
                    )
                    if half is not None and half.error is None and half.samples:
                        ratios = [a / b for a, b in zip(case.samples, half.samples, strict=True)]
                        ratio, ratio_range = statistics.median(ratios), (min(ratios), max(ratios))
                    median = statistics.median(case.samples)
                    samples = tuple(case.samples)
                    row = TimeRow(
                        family,
                        piece,
                        size,
                        target,
                        None,
                        median,
                        median / size,
                        ratio,
                        ratio_range,
                        samples,
                    )
                    rows.append(row)
    return rows


def format_time_rows(rows: Sequence[TimeRow], targets: Sequence[str]) -> str:
    columns = ["family", "piece", "size"]
    for target in targets:
        columns += [f"{target} time", "per byte", "x2"]
    by_key = {(row.family, row.piece, row.size, row.target): row for row in rows}
    body: list[list[str]] = []
    previous: tuple[str, int] | None = None
    for family, piece, size in dict.fromkeys((row.family, row.piece, row.size) for row in rows):
        line = ["", "", kib(size)]
        if (family, piece) != previous:
            line[:2] = [family, str(piece)]
            previous = (family, piece)
        for target in targets:
            row = by_key[(family, piece, size, target)]
            if row.error is not None:
                line += ["FAILED", row.error[:30], ""]
                continue
            ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
            ns = row.per_byte_s * 1e9
            line += [
                format_duration(row.per_op_s),
                f"{ns:.1f} ns" if ns < 10 else f"{ns:.0f} ns",
                ratio,
            ]
        body.append(line)
    return format_table(columns, body, right_aligned=set(range(2, len(columns))))


@dataclass(frozen=True)
class GrowthSummary:
    family: str
    piece: int
    target: str
    ratios: tuple[float, ...]  # time(2N) / time(N) for each doubling, smallest N first
    exponent: float  # k in time ~ N**k, the mean of log2(ratio): 1 linear, 2 quadratic
    per_byte_growth: (
        float  # per-byte cost at the largest size / at the smallest: prod(ratios) / 2**doublings
    )
    superlinear: bool


def growth_summary(rows: Sequence[TimeRow]) -> list[GrowthSummary]:
    groups: dict[tuple[str, int, str], list[TimeRow]] = {}
    for row in rows:
        groups.setdefault((row.family, row.piece, row.target), []).append(row)
    out = []
    for (family, piece, target), group in groups.items():
        if any(row.error is not None for row in group):
            continue
        ratios = tuple(row.ratio for row in group if row.ratio is not None)
        if not ratios:
            continue
        k = statistics.fmean(math.log2(ratio) for ratio in ratios)
        per_byte = math.prod(ratios) / 2 ** len(ratios)
        bad = k > EXPONENT_ALARM or per_byte > PER_BYTE_ALARM
        out.append(GrowthSummary(family, piece, target, ratios, k, per_byte, bad))
    return out


def format_growth_summary(rows: Sequence[GrowthSummary], sizes: Sequence[int]) -> str:
    doublings = " ".join(f"{size // KIB}k" for size in sizes[1:])
    per_byte = f"per byte {kib(sizes[-1])} / {kib(sizes[0])}"
    columns = ("family", "piece", "target", f"x2 ratio at {doublings}", "exponent", per_byte, "")
    body = [
        (
            row.family,
            str(row.piece),
            row.target,
            " ".join(f"{ratio:.2f}" for ratio in row.ratios),
            f"{row.exponent:.2f}",
            f"{row.per_byte_growth:.2f}",
            "SUPER-LINEAR" if row.superlinear else "",
        )
        for row in rows
    ]
    return format_table(columns, body, right_aligned={1, 4, 5})


# -- memory: heads growing toward the limit -----------------------------------


@dataclass(frozen=True)
class HeadLimitRow:
    head: str
    limit: int
    piece: int
    target: str
    received: int  # bytes passed to receive_data when the head was rejected
    status_hint: int | None  # error_status_hint of the rejection; None: never rejected
    peak: int  # traced bytes above the level before the connection was made
    ok: bool  # rejected with 431 after at most limit + piece bytes, peak within PEAK_PER_HEAD_LIMIT


# Bounded: the buffer may over-allocate and the piece in flight counts, but nothing
# should hold two copies of a pending head.
PEAK_PER_HEAD_LIMIT: Final = 2


def endless_head(kind: str, length: int) -> bytes:
    """The first ``length`` bytes of a request head that never ends."""
    start = b"GET / HTTP/1.1\r\nHost: example.com\r\n"
    if kind == "many fields":
        rest = wire_of(field_lines(length // 32 + 1, 0))
    else:
        rest = b"X-Long: " + b"v" * length
    return (start + rest)[:length]


def traced_peak(run: Callable[[], None]) -> int:
    """Peak traced bytes while ``run()`` runs, above the level when it started."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        run()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def head_limit_row(target: Target, kind: str, limit: int, piece: int) -> HeadLimitRow:
    api = Api(target)
    rejection: type[h11typed.RemoteProtocolError] = target.module.RemoteProtocolError
    wire = endless_head(kind, limit + 2 * piece + 4 * KIB)  # built before tracing starts
    received = 0
    hint: int | None = None

    def run() -> None:
        nonlocal received, hint
        conn = api.Connection(api.SERVER, max_incomplete_event_size=limit)
        for offset in range(0, len(wire), piece):
            data = wire[offset : offset + piece]
            conn.receive_data(data)
            received += len(data)
            try:
                event = conn.next_event()
            except rejection as exc:
                hint = exc.error_status_hint
                return
            if event is not api.NEED_DATA:
                raise WrongResult(f"{target.label}: an unfinished head gave {event!r}")

    peak = traced_peak(run)
    ok = (
        hint == 431
        and limit < received <= limit + piece
        and peak <= PEAK_PER_HEAD_LIMIT * (limit + piece)
    )
    return HeadLimitRow(kind, limit, piece, target.label, received, hint, peak, ok)


def format_head_rows(rows: Sequence[HeadLimitRow]) -> str:
    columns = (
        "head",
        "limit",
        "piece",
        "target",
        "rejected",
        "received",
        "peak traced",
        "peak / limit",
        "",
    )
    body = [
        (
            row.head,
            kib(row.limit),
            f"{row.piece:,}",
            row.target,
            "never" if row.status_hint is None else str(row.status_hint),
            f"{row.received:,} B",
            f"{row.peak / KIB:,.0f} KiB",
            f"{row.peak / row.limit:.2f}",
            "ok" if row.ok else "NOT BOUNDED",
        )
        for row in rows
    ]
    return format_table(columns, body, right_aligned={1, 2, 5, 6, 7})


# -- memory: bodies streamed in pieces ----------------------------------------

STREAM_PIECE: Final = 64 * KIB
BODY_PERIOD: Final = 251  # the body repeats every 251 bytes: a prime, so no chunk lines up with it
BODY_CYCLE: Final = bytes((i * 37 + 11) % 256 for i in range(BODY_PERIOD)) * (
    STREAM_PIECE // BODY_PERIOD + 2
)
BODIES: Final = {
    "Content-Length": 0,
    "chunked, 4000-byte chunks": 4000,
    "chunked, 10 MB chunks": 10_000_000,
}
# Bounded: the piece in flight, the buffer, a Data and one transient copy at most.
PEAK_PIECES: Final = 4


def body_slices(cycle: memoryview, start: int, length: int) -> Iterator[memoryview]:
    """Bytes ``start`` to ``start + length`` of the body, at most a piece at a time.

    Views of ``cycle`` (a view of BODY_CYCLE), so producing them copies nothing.
    """
    end = start + length
    while start < end:
        n = min(end - start, STREAM_PIECE)
        offset = start % BODY_PERIOD
        yield cycle[offset : offset + n]
        start += n


def body_head(total: int, chunk: int) -> bytes:
    framing = (b"Transfer-Encoding", b"chunked") if chunk else (b"Content-Length", b"%d" % total)
    return b"POST /upload HTTP/1.1\r\n" + wire_of([(b"Host", b"example.com"), framing]) + CRLF


def wire_segments(cycle: memoryview, total: int, chunk: int) -> Iterator[bytes | memoryview]:
    """The request carrying a ``total``-byte body, in segments of at most a piece."""
    yield body_head(total, chunk)
    if not chunk:
        yield from body_slices(cycle, 0, total)
        return
    for start in range(0, total, chunk):
        size = min(chunk, total - start)
        yield b"%x\r\n" % size
        yield from body_slices(cycle, start, size)
        yield CRLF
    yield b"0\r\n\r\n"


def wire_pieces(scratch: bytearray, total: int, chunk: int) -> Iterator[bytes]:
    """The request in ``bytes`` pieces of ``len(scratch)`` bytes (the last one shorter).

    The pieces are assembled in ``scratch``, made by the caller, so that the only
    allocation per piece is the piece itself: the feeder's peak is about one piece.
    """
    size = len(scratch)
    fill = 0
    with memoryview(scratch) as out:
        for segment in wire_segments(memoryview(BODY_CYCLE), total, chunk):
            with memoryview(segment) as view:
                used = 0
                while used < len(view):
                    n = min(len(view) - used, size - fill)
                    out[fill : fill + n] = view[used : used + n]
                    fill += n
                    used += n
                    if fill == size:
                        yield bytes(out)
                        fill = 0
        if fill:
            yield bytes(out[:fill])


@dataclass(frozen=True)
class BodyRow:
    body: str
    total: int
    target: str  # "feeder only": the pieces built and dropped, no connection
    peak: int
    maxrss_growth_kib: int  # growth of ru_maxrss during this run
    data_events: int
    ok: bool  # every byte arrived, in order, and the message ended
    bounded: bool  # peak within PEAK_PIECES pieces


_expected_crc: dict[int, int] = {}


def expected_crc(total: int) -> int:
    """CRC-32 of a ``total``-byte body (the same for every framing)."""
    if total not in _expected_crc:
        crc = 0
        for part in body_slices(memoryview(BODY_CYCLE), 0, total):
            crc = zlib.crc32(part, crc)
        _expected_crc[total] = crc
    return _expected_crc[total]


def body_row(target: Target | None, body: str, total: int) -> BodyRow:
    chunk = BODIES[body]
    received = events = ends = crc = 0

    scratch = bytearray(STREAM_PIECE)  # made before tracing starts

    def feed_only() -> None:
        for piece in wire_pieces(scratch, total, chunk):
            del piece

    def stream(api: Api) -> None:
        nonlocal received, events, ends, crc
        conn = api.Connection(api.SERVER)
        Data, EndOfMessage, NEED_DATA = api.Data, api.EndOfMessage, api.NEED_DATA
        for piece in wire_pieces(scratch, total, chunk):
            conn.receive_data(piece)
            del piece  # the connection holds what it still needs
            while True:
                event = conn.next_event()
                if event is NEED_DATA:
                    break
                if isinstance(event, Data):
                    events += 1
                    received += len(event.data)
                    crc = zlib.crc32(event.data, crc)
                elif isinstance(event, EndOfMessage):
                    ends += 1
                del event

    want = expected_crc(total)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if target is None:
        peak = traced_peak(feed_only)
        label, ok = "feeder only", True
    else:
        api = Api(target)
        peak = traced_peak(lambda: stream(api))
        label, ok = target.label, (received, crc, ends) == (total, want, 1)
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    return BodyRow(body, total, label, peak, growth, events, ok, peak <= PEAK_PIECES * STREAM_PIECE)


def format_body_rows(rows: Sequence[BodyRow]) -> str:
    columns = (
        "body",
        "size",
        "target",
        "peak traced",
        "peak / piece",
        "maxrss growth",
        "Data events",
        "",
    )
    body = []
    previous = ""
    for row in rows:
        name = row.body if row.body != previous else ""
        previous = row.body
        body.append(
            (
                name,
                kib(row.total),
                row.target,
                f"{row.peak / KIB:,.0f} KiB",
                f"{row.peak / STREAM_PIECE:.1f}",
                f"{row.maxrss_growth_kib:,} KiB",
                f"{row.data_events:,}" if row.target != "feeder only" else "",
                "WRONG BODY" if not row.ok else "ok" if row.bounded else "NOT BOUNDED",
            )
        )
    return format_table(columns, body, right_aligned={1, 3, 4, 5, 6})


# -- main ---------------------------------------------------------------------


def _failed(row: TimeRow) -> dict[str, object]:
    return {
        "family": row.family,
        "piece": row.piece,
        "size": row.size,
        "target": row.target,
        "error": row.error,
    }


@dataclass
class Settings:
    rounds: int
    batch_seconds: float
    sizes: tuple[int, ...]
    families: tuple[str, ...]
    head_limits: list[tuple[int, int]] = field(default_factory=list)  # (limit, piece)
    body_totals: tuple[int, ...] = ()


def settings(args: argparse.Namespace) -> Settings:
    families = tuple(f for f in FAMILIES if not args.only or f.startswith(tuple(args.only)))
    if args.quick:
        return Settings(
            rounds=args.rounds or 3,
            batch_seconds=args.batch_seconds or 0.01,
            sizes=QUICK_SIZES,
            families=families,
            head_limits=[(16 * KIB, 1), (16 * KIB, 1000), (MIB, 64 * KIB)],
            body_totals=(MIB, 100 * MIB),
        )
    return Settings(
        rounds=args.rounds or 5,
        batch_seconds=args.batch_seconds or 0.03,
        sizes=SIZES,
        families=families,
        head_limits=[
            (16 * KIB, 1),
            (16 * KIB, 7),
            (16 * KIB, 1000),
            (MIB, 7),
            (MIB, 1000),
            (MIB, 64 * KIB),
        ],
        body_totals=(MIB, 10 * MIB, 100 * MIB),
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 short rounds, sizes up to 16 KiB (~20 s)"
    )
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 5, quick 3)")
    parser.add_argument(
        "--batch-seconds", type=float, help="shortest timed batch (default 0.03, quick 0.01)"
    )
    parser.add_argument(
        "--only", action="append", metavar="PREFIX", help="time only families starting with PREFIX"
    )
    parser.add_argument(
        "--pure", action="store_true", help="also a pure copy of src/h11typed (h11typed-pure)"
    )
    parser.add_argument(
        "--pure-src", type=Path, default=DEFAULT_PURE_SRC, help="directory holding h11typed/"
    )
    parser.add_argument("--no-h11", action="store_true", help="leave out h11")
    parser.add_argument("--no-time", action="store_true", help="memory only")
    parser.add_argument("--no-memory", action="store_true", help="time only")
    add_clock_and_json_options(parser)
    return parser.parse_args(argv)


def run_memory(
    targets: Sequence[Target], plan: Settings, say: Say
) -> tuple[list[HeadLimitRow], list[BodyRow]]:
    head_rows = [
        head_limit_row(target, kind, limit, piece)
        for kind in ("many fields", "one long value")
        for limit, piece in plan.head_limits
        for target in targets
    ]
    say(
        "\nMEMORY: a head that never ends, fed in pieces until rejected (peak traced above the idle level)"
    )
    say(format_head_rows(head_rows))
    body_rows = []
    for body in BODIES:
        for total in plan.body_totals:
            for target in [None, *targets]:
                body_rows.append(body_row(target, body, total))
    say(
        f"\nMEMORY: a body streamed in {STREAM_PIECE // KIB} KiB pieces, each Data consumed as it comes"
    )
    say(format_body_rows(body_rows))
    return head_rows, body_rows


def run_time(
    targets: Sequence[Target], plan: Settings, clock: Callable[[], float], say: Say
) -> tuple[list[TimeRow], list[GrowthSummary]]:
    apis = [Api(target) for target in targets]
    cases = [
        trickle_case(api, family, piece, size)
        for family in plan.families
        for piece in PIECES
        for size in plan.sizes
        for api in apis
    ]
    say(
        f"\nTIME: {len(cases)} cases, {plan.rounds} interleaved rounds, batches of >= {plan.batch_seconds:.2f} s"
    )
    measure(cases, plan.rounds, plan.batch_seconds, clock, say)
    rows = time_rows(cases, plan.families, plan.sizes)
    summary = growth_summary(rows)
    labels = [target.label for target in targets]
    say(
        "\nTIME: one receive_data call per piece; median over rounds; x2 = time(N) / time(N/2), 2.00 = linear"
    )
    say(format_time_rows(rows, labels))
    say(
        "\nGROWTH: x2 ratio at each doubling; the exponent k of time ~ N**k (1.00 linear, 2.00 quadratic);"
        " per-byte cost at the largest size / at the smallest (1.00 = linear)"
    )
    say(format_growth_summary(summary, plan.sizes))
    return rows, summary


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    plan = settings(args)
    clock = CLOCKS[args.clock]
    started = time.perf_counter()

    def say(text: str) -> None:
        print(text, flush=True)

    targets = standard_targets(args.pure_src if args.pure else None, say)
    if args.no_h11:
        targets = [target for target in targets if target.label != "h11"]
    if not targets:
        say("error: nothing to measure")
        return 2
    maxrss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KIB
    say(
        f"python {platform.python_version()}, {os.cpu_count()} cpus, clock={args.clock}, maxrss {maxrss_mib:.0f} MiB"
    )
    for target in targets:
        say("  " + describe(target))

    # Memory first: ru_maxrss only ever grows, so it means most before anything else ran.
    head_rows, body_rows = run_memory(targets, plan, say) if not args.no_memory else ([], [])
    rows, summary = run_time(targets, plan, clock, say) if not args.no_time else ([], [])

    problems = [
        f"time: {g.family}/{g.piece}/{g.target} grows super-linearly"
        for g in summary
        if g.superlinear
    ]
    problems += [
        f"time: {r.family}/{r.piece}/{kib(r.size)}/{r.target}: {r.error}" for r in rows if r.error
    ]
    problems += [
        f"heads: {h.head}/{kib(h.limit)}/{h.piece}/{h.target} not bounded"
        for h in head_rows
        if not h.ok
    ]
    problems += [
        f"bodies: {b.body}/{kib(b.total)}/{b.target} wrong body" for b in body_rows if not b.ok
    ]
    problems += [
        f"bodies: {b.body}/{kib(b.total)}/{b.target} not bounded"
        for b in body_rows
        if not b.bounded
    ]
    say("")
    for problem in problems:
        say("PROBLEM " + problem)
    elapsed = time.perf_counter() - started
    say(f"total {elapsed:.1f} s")

    if args.json is not None:
        meta: dict[str, Any] = {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "clock": args.clock,
            "rounds": plan.rounds,
            "batch_seconds": plan.batch_seconds,
            "targets": {
                t.label: {"build": t.build, "path": t.path, "version": t.version} for t in targets
            },
            "elapsed_s": elapsed,
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        document = {
            "meta": meta,
            # NaN is not JSON: a failed row has only its error.
            "time": [asdict(row) if row.error is None else _failed(row) for row in rows],
            "growth": [asdict(row) for row in summary],
            "head_limit": [asdict(row) for row in head_rows],
            "bodies": [asdict(row) for row in body_rows],
            "problems": problems,
        }
        args.json.write_text(json.dumps(document, indent=1) + "\n")
        say(f"wrote {args.json}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
