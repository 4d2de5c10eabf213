"""Benchmark workloads, written once for every target with h11's API and h11r.

A workload is one thing a client or server does with the library, timed as a
whole. Names follow the shared h11bench harness so numbers can be compared:

  a_asv       a fresh server connection parses a browser GET and sends a
              200 with nine headers and a 1000-byte body
  a_cycle     keep-alive: client sends GET, server parses it and answers 200
              with a 13-byte body, client parses that, both start the next cycle
  b_pipeline  a server parses 100 pipelined browser GETs (~65 KB) fed in
              64 KiB pieces, answering each with a pre-built 204 (h11's API
              only hands out the next request once the current one is answered)
  c_chunked   a client parses a response with a 64 KiB body in 4 KiB chunks
  c_length    a client parses a response with a 1 MiB Content-Length body
  d_*_1x/2x   a server is fed a request ONE byte per receive_data call:
              d_headers (100/200 headers), d_body (8/16 KiB Content-Length),
              d_chunked (128/256 chunks of 32 bytes); time(2x)/time(1x) shows
              whether the cost grows linearly (~2) or quadratically (~4)
  e_send      a server serialises a 200 with ten headers, a 1000-byte Data and
              EndOfMessage

Every operation returns a small signature (counts of events, headers and body
bytes, or bytes produced) that is compared with the expected one on EVERY call
inside the timed loop, so a target that parses wrongly cannot look fast; and
``verify()`` compares the complete output once before any timing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import h11typed
from benchmarks.targets import Target

Clock = Callable[[], float]
Signature = tuple[int, ...]
# What verify() collects from an operation; the timed loop passes None.
Sink = list[Any] | None
Op = Callable[[Sink], Signature]
HeaderList = list[tuple[bytes, bytes]]
# What a parsed request head is compared with: method, target, lowercased headers.
ParsedHead = tuple[bytes, bytes, HeaderList]

PIECE: Final = 64 * 1024
CRLF: Final = b"\r\n"


class WrongResult(Exception):
    """A target produced the wrong output; its timings would mean nothing."""


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise WrongResult(what)


@dataclass(eq=False)
class Case:
    """One workload on one target.

    ``prepare(k)`` does the untimed set-up for ``k`` operations (fresh
    connections, say) and returns the operation to time; ``run`` checks the
    signature of every call.
    """

    workload: str
    target: str
    prepare: Callable[[int], Op]
    expected: Signature
    verify: Callable[[], None]
    wire_bytes: int = 0  # bytes parsed per operation, for MB/s
    items: int = 1  # e.g. requests per operation, for req/s
    item_unit: str = ""
    max_prepared: int = 1 << 30  # most operations a single prepare() may serve
    n: int = 1  # operations per timed batch, set by calibration
    samples: list[float] = field(default_factory=list)  # seconds per operation, one per round
    error: str | None = None

    def run(self, n: int, clock: Clock) -> float:
        """Seconds taken by ``n`` operations, set-up excluded."""
        elapsed = 0.0
        left = n
        expected = self.expected
        while left > 0:
            k = min(left, self.max_prepared)
            op = self.prepare(k)
            gc.collect()
            start = clock()
            for _ in range(k):
                if op(None) != expected:
                    raise WrongResult(
                        f"{self.workload}/{self.target}: wrong result inside the timed loop"
                    )
            elapsed += clock() - start
            left -= k
        return elapsed


def simple(op: Op) -> Callable[[int], Op]:
    """prepare() for operations that need no set-up."""

    def prepare(k: int) -> Op:
        return op

    return prepare


# -- input data ---------------------------------------------------------------


def head(start_line: bytes, headers: Sequence[tuple[bytes, bytes]]) -> bytes:
    lines = [start_line]
    lines += [name + b": " + value for name, value in headers]
    return CRLF.join(lines) + CRLF + CRLF


def lowered(headers: Sequence[tuple[bytes, bytes]]) -> HeaderList:
    return [(name.lower(), value) for name, value in headers]


def split(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


# a_asv: one page load.
PAGE_REQUEST_HEADERS: Final = [
    (b"Host", b"shop.example.org"),
    (
        b"User-Agent",
        b"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
    ),
    (b"Accept", b"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    (b"Accept-Language", b"en-GB,en;q=0.7"),
    (b"Accept-Encoding", b"gzip, deflate, br"),
    (b"DNT", b"1"),
    (b"Cookie", b"basket=" + b"5e" * 110),
    (b"Connection", b"keep-alive"),
]
PAGE_REQUEST: Final = head(b"GET /catalogue/shoes HTTP/1.1", PAGE_REQUEST_HEADERS)
PAGE_RESPONSE_HEADERS: Final = [
    (b"Cache-Control", b"private, max-age=0"),
    (b"Content-Encoding", b"gzip"),
    (b"Content-Type", b"text/html; charset=UTF-8"),
    (b"Date", b"Tue, 04 Jun 2024 10:15:00 GMT"),
    (b"Expires", b"-1"),
    (b"Server", b"shopfront"),
    (b"X-Frame-Options", b"DENY"),
    (b"X-Content-Type-Options", b"nosniff"),
    (b"Content-Length", b"1000"),
]
PAGE_BODY: Final = (b"<li>item</li>" * 80)[:1000]
PAGE_RESPONSE: Final = head(b"HTTP/1.1 200 ", PAGE_RESPONSE_HEADERS) + PAGE_BODY

# a_cycle: the smallest useful exchange.
CYCLE_REQUEST_HEADERS: Final = [(b"Host", b"example.com")]
CYCLE_RESPONSE_HEADERS: Final = [(b"Content-Length", b"13")]
CYCLE_BODY: Final = b"Hello, world!"
CYCLE_REQUEST: Final = head(b"GET / HTTP/1.1", CYCLE_REQUEST_HEADERS)
CYCLE_RESPONSE: Final = head(b"HTTP/1.1 200 ", CYCLE_RESPONSE_HEADERS) + CYCLE_BODY

_AGENTS: Final = (
    b"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    b"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    b"Version/17.5 Safari/605.1.15",
    b"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    b"Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
)
# (target, Accept, Sec-Fetch-Dest): documents, styles, scripts, images, API calls.
_RESOURCES: Final = (
    (b"/", b"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", b"document"),
    (
        b"/docs/getting-started.html",
        b"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        b"document",
    ),
    (b"/assets/site.4be1c2.css", b"text/css,*/*;q=0.1", b"style"),
    (b"/assets/app.93fa0c7d.js", b"*/*", b"script"),
    (
        b"/img/hero-1600x600.avif",
        b"image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5",
        b"image",
    ),
    (b"/api/v2/orders?status=open&page=3&per_page=50", b"application/json", b"empty"),
    (
        b"/favicon.ico",
        b"image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5",
        b"image",
    ),
    (
        b"/search?q=sans-io+http%2F1.1&lang=en",
        b"text/html,application/xhtml+xml,*/*;q=0.8",
        b"document",
    ),
)


def browser_burst(count: int) -> tuple[bytes, list[ParsedHead]]:
    """``count`` pipelined browser GETs (13-15 headers, ~650 bytes each) and their parse."""
    wire: list[bytes] = []
    parsed: list[ParsedHead] = []
    for i in range(count):
        target, accept, dest = _RESOURCES[i % len(_RESOURCES)]
        headers = [
            (b"Host", b"www.example.net"),
            (b"User-Agent", _AGENTS[i % len(_AGENTS)]),
            (b"Accept", accept),
            (b"Accept-Language", b"en-US,en;q=0.8,fr;q=0.5"),
            (b"Accept-Encoding", b"gzip, deflate, br, zstd"),
            (b"Referer", b"https://www.example.net/section/%d/" % (i * 37 % 500)),
            (b"Connection", b"keep-alive"),
            (b"Sec-Fetch-Dest", dest),
            (b"Sec-Fetch-Mode", b"navigate" if dest == b"document" else b"no-cors"),
            (b"Sec-Fetch-Site", b"same-origin"),
            (b"Priority", b"u=%d, i" % (i % 6)),
            (b"Pragma", b"no-cache"),
            (b"Cache-Control", b"no-cache"),
        ]
        if i % 3:
            cookie = b"sid=%040x; theme=light; consent=%d" % (
                i * 0x5DEECE66D * 0x9E3779B1 % (1 << 160),
                i,
            )
            headers.append((b"Cookie", cookie))
        if i % 4 == 1:
            headers.append(
                (b"If-Modified-Since", b"Mon, %02d Jun 2024 08:00:00 GMT" % (i % 28 + 1))
            )
        wire.append(head(b"GET " + target + b" HTTP/1.1", headers))
        parsed.append((b"GET", target, lowered(headers)))
    return b"".join(wire), parsed


BURST, BURST_PARSED = browser_burst(100)
BURST_PIECES: Final = split(BURST, PIECE)
BURST_HEADERS: Final = sum(len(headers) for _, _, headers in BURST_PARSED)

_DOWNLOAD_HEADERS: Final = [
    (b"Content-Type", b"application/octet-stream"),
    (b"Date", b"Tue, 04 Jun 2024 10:15:00 GMT"),
    (b"Server", b"bench"),
]
DOWNLOAD_HEADER_COUNT: Final = len(_DOWNLOAD_HEADERS) + 1  # plus the framing header


def chunked_response(total: int, chunk: int) -> tuple[bytes, bytes]:
    """(wire, body): a 200 whose body of ``total`` bytes goes in ``chunk``-byte chunks."""
    body = bytes((i * 31 + 7) % 251 for i in range(total))
    parts = [head(b"HTTP/1.1 200 OK", [*_DOWNLOAD_HEADERS, (b"Transfer-Encoding", b"chunked")])]
    for piece in split(body, chunk):
        parts.append(b"%x\r\n" % len(piece) + piece + CRLF)
    parts.append(b"0\r\n\r\n")
    return b"".join(parts), body


def length_response(total: int) -> tuple[bytes, bytes]:
    """(wire, body): a 200 with a ``total``-byte Content-Length body."""
    body = (bytes(range(256)) * (total // 256 + 1))[:total]
    length = (b"Content-Length", str(total).encode("ascii"))
    return head(b"HTTP/1.1 200 OK", [*_DOWNLOAD_HEADERS, length]) + body, body


CHUNKED_WIRE, CHUNKED_BODY = chunked_response(64 * 1024, 4096)
LENGTH_WIRE, LENGTH_BODY = length_response(1 << 20)

# d_*: the 1x and 2x sizes of each family.
TRICKLE_SIZES: Final = {"d_headers": (100, 200), "d_body": (8192, 16384), "d_chunked": (128, 256)}


def trickle_request(family: str, size: int) -> tuple[bytes, HeaderList, bytes]:
    """(wire, lowercased headers, body) of a d_* request."""
    if family == "d_headers":
        headers = [(b"Host", b"example.com")]
        headers += [(b"X-Field-%03d" % i, b"value %d of the many" % i) for i in range(1, size)]
        return head(b"GET /fields HTTP/1.1", headers), lowered(headers), b""
    if family == "d_body":
        body = (b"0123456789abcdef" * (size // 16 + 1))[:size]
        headers = [(b"Host", b"example.com"), (b"Content-Length", str(size).encode("ascii"))]
        return head(b"POST /upload HTTP/1.1", headers) + body, lowered(headers), body
    chunk = b"the quick brown fox jumps over!!"  # 32 bytes
    headers = [(b"Host", b"example.com"), (b"Transfer-Encoding", b"chunked")]
    wire = (
        head(b"POST /upload HTTP/1.1", headers) + (b"20\r\n" + chunk + CRLF) * size + b"0\r\n\r\n"
    )
    return wire, lowered(headers), chunk * size


TRICKLES: Final = {
    f"{family}_{scale}": trickle_request(family, size)
    for family, sizes in TRICKLE_SIZES.items()
    for scale, size in zip(("1x", "2x"), sizes, strict=True)
}

SEND_HEADERS: Final = [
    (b"Content-Type", b"text/html; charset=utf-8"),
    (b"Content-Length", b"1000"),
    (b"Date", b"Tue, 04 Jun 2024 10:15:00 GMT"),
    (b"Server", b"bench/1.0"),
    (b"Cache-Control", b"private, max-age=0"),
    (b"Vary", b"Accept-Encoding"),
    (b"X-Frame-Options", b"SAMEORIGIN"),
    (b"X-Content-Type-Options", b"nosniff"),
    (b"Strict-Transport-Security", b"max-age=31536000"),
    (b"X-Request-Id", b"4f1c2a9e8b7d6c5e4f3a2b1c0d9e8f7a"),
]
SEND_BODY: Final = b"y" * 1000
SEND_OUTPUT: Final = head(b"HTTP/1.1 200 ", SEND_HEADERS) + SEND_BODY

WORKLOAD_ORDER: Final = (
    "a_asv",
    "a_cycle",
    "b_pipeline",
    "c_chunked",
    "c_length",
    *TRICKLES,
    "e_send",
)


# -- the h11 API --------------------------------------------------------------


# h11 has no limit on the number of header fields; h11r's default (100) would
# answer d_headers_2x (200 fields) with 431, so its d_* connections allow more.
H11R_MAX_HEADER_COUNT: Final = 256


def lowered_count(headers: Iterable[tuple[bytes, bytes]]) -> int:
    """``len(lowered(headers))``: builds the same list, in one call."""
    return len([(name.lower(), value) for name, value in headers])


class Api:
    """The names one target provides, for a target with h11's API or for h11r.

    The classes are typed as h11typed's; roles and states are sentinel classes
    in h11 but Literal strings in h11typed, and no single annotation fits both,
    so they stay Any.

    h11r receives like h11 (Connection, receive_data, next_event, the same
    event classes and attributes), with its constants in Role, ReceiveStatus
    and State. Its differences, which the operations absorb:

    - it hands header names over as they arrived (``raw_names``), while an h11
      event carries them lowercased, so h11r's rows lowercase every received
      head inside the timed operation (as h11bench does), to be timed
      producing what h11 produces. ``count_fields`` (timed) and ``field_list``
      (verify) read a head's fields: ``len`` and ``list`` for h11's API (no
      added work), lowercasing for h11r;
    - it sends through methods that return bytes (send_request, send_response,
      send_data, end_of_message) instead of events passed to send()
      (``sends_events`` is False), and its state is ``local_state``;
    - its default limit of 100 header fields would answer d_headers_2x with
      431, so its d_* servers get ``trickle_options``.
    """

    def __init__(self, target: Target) -> None:
        module = target.module
        h11r = target.api == "h11r"
        roles = module.Role if h11r else module
        statuses = module.ReceiveStatus if h11r else module
        states = module.State if h11r else module
        self.label = target.label
        self.sends_events = not h11r
        self.raw_names = h11r
        self.Connection: type[h11typed.Connection] = module.Connection
        self.Request: type[h11typed.Request] = module.Request
        self.Response: type[h11typed.Response] = module.Response
        self.Data: type[h11typed.Data] = module.Data
        self.EndOfMessage: type[h11typed.EndOfMessage] = module.EndOfMessage
        self.NEED_DATA: type[h11typed.NEED_DATA] = statuses.NEED_DATA
        self.PAUSED: type[h11typed.PAUSED] = statuses.PAUSED
        self.CLIENT: Any = roles.CLIENT
        self.SERVER: Any = roles.SERVER
        self.IDLE: Any = states.IDLE
        self.DONE: Any = states.DONE
        self.count_fields: Callable[[Any], int] = lowered_count if h11r else len
        self.field_list: Callable[[Any], HeaderList] = lowered if h11r else list
        # Extra Connection keyword arguments for the d_* servers.
        self.trickle_options: dict[str, int] = (
            {"max_header_count": H11R_MAX_HEADER_COUNT} if h11r else {}
        )

    def state_of(self, conn: Any) -> Any:
        """The connection's own state (h11's our_state, h11r's local_state)."""
        return conn.our_state if self.sends_events else conn.local_state


# -- the workloads ---------------------------------------------------------------
#
# Every operation here serves h11's API and h11r alike: h11r's sends sit in
# ``if sends_events: ... else: ...`` (decided once per send, not per byte), and
# its header names are lowercased inside the timed operation wherever an h11
# row would have them lowercased for free. b, c and d have a ``*_row`` that
# makes the Case from an operation, shared with httptools (benchmarks/peers.py).


def asv_case(api: Api) -> Case:
    # Any: h11's or h11r's Connection, which send differently.
    Connection: Any = api.Connection
    SERVER, NEED_DATA, Request = api.SERVER, api.NEED_DATA, api.Request
    Response, Data, EndOfMessage = api.Response, api.Data, api.EndOfMessage
    sends_events, raw_names = api.sends_events, api.raw_names

    def op(sink: list[object] | None) -> Signature:
        conn = Connection(SERVER)
        conn.receive_data(PAGE_REQUEST)
        events = 0
        while True:
            event = conn.next_event()
            if event is NEED_DATA:
                break
            events += 1
            if raw_names and isinstance(event, Request):
                lowered(event.headers)
            if sink is not None:
                sink.append(event)
        if sends_events:
            out = conn.send(Response(status_code=200, headers=PAGE_RESPONSE_HEADERS)) or b""
            out += conn.send(Data(data=PAGE_BODY)) or b""
            out += conn.send(EndOfMessage()) or b""
        else:
            out = conn.send_response(200, PAGE_RESPONSE_HEADERS)
            out += conn.send_data(PAGE_BODY)
            out += conn.end_of_message()
        if sink is not None:
            sink.append(out)
        return events, len(out)

    def verify() -> None:
        sink: list[object] = []
        op(sink)
        expect(len(sink) == 3, f"a_asv: events {sink[:-1]!r}")
        request, end, out = sink
        if not isinstance(request, Request) or not isinstance(end, EndOfMessage):
            raise WrongResult(f"a_asv: events {request!r}, {end!r}")
        parsed = (request.method, request.target, api.field_list(request.headers))
        expect(
            parsed == (b"GET", b"/catalogue/shoes", lowered(PAGE_REQUEST_HEADERS)),
            f"a_asv: request {parsed!r}",
        )
        expect(out == PAGE_RESPONSE, f"a_asv: response bytes {out!r}")

    return Case("a_asv", api.label, simple(op), (2, len(PAGE_RESPONSE)), verify)


def cycle_case(api: Api) -> Case:
    # Any: h11's or h11r's Connection, which send differently.
    Connection: Any = api.Connection
    CLIENT, SERVER = api.CLIENT, api.SERVER
    NEED_DATA, PAUSED = api.NEED_DATA, api.PAUSED
    Request, Response, Data, EndOfMessage = api.Request, api.Response, api.Data, api.EndOfMessage
    sends_events, raw_names = api.sends_events, api.raw_names

    def prepare(k: int) -> Op:
        client = Connection(CLIENT)
        server = Connection(SERVER)

        def op(sink: list[object] | None) -> Signature:
            if sends_events:
                to_server = (
                    client.send(Request(method=b"GET", target=b"/", headers=CYCLE_REQUEST_HEADERS))
                    or b""
                )
                to_server += client.send(EndOfMessage()) or b""
            else:
                to_server = (
                    client.send_request(b"GET", b"/", CYCLE_REQUEST_HEADERS)
                    + client.end_of_message()
                )
            server.receive_data(to_server)
            events = 0
            while True:
                event = server.next_event()
                if event is NEED_DATA or event is PAUSED:
                    break
                events += 1
                if raw_names and isinstance(event, Request):
                    lowered(event.headers)
            if sends_events:
                to_client = (
                    server.send(Response(status_code=200, headers=CYCLE_RESPONSE_HEADERS)) or b""
                )
                to_client += server.send(Data(data=CYCLE_BODY)) or b""
                to_client += server.send(EndOfMessage()) or b""
            else:
                to_client = server.send_response(200, CYCLE_RESPONSE_HEADERS)
                to_client += server.send_data(CYCLE_BODY)
                to_client += server.end_of_message()
            client.receive_data(to_client)
            body = 0
            while True:
                event = client.next_event()
                if event is NEED_DATA or event is PAUSED:
                    break
                events += 1
                if isinstance(event, Data):
                    body += len(event.data)
                elif raw_names and isinstance(event, Response):
                    lowered(event.headers)
            # Raises unless both sides are DONE, so every call checks the states too.
            client.start_next_cycle()
            server.start_next_cycle()
            if sink is not None:
                sink += [to_server, to_client, api.state_of(client), api.state_of(server)]
            return events, body

        return op

    def verify() -> None:
        op = prepare(3)
        for _ in range(3):
            sink: list[object] = []
            expect(op(sink) == (5, len(CYCLE_BODY)), "a_cycle: events or body")
            expected = [CYCLE_REQUEST, CYCLE_RESPONSE, api.IDLE, api.IDLE]
            expect(sink == expected, f"a_cycle: wire bytes or states {sink!r}")

    return Case("a_cycle", api.label, prepare, (5, len(CYCLE_BODY)), verify)


def pipeline_row(label: str, op: Op) -> Case:
    """b_pipeline: ``op`` parses BURST and puts each request's ParsedHead in its sink."""

    def verify() -> None:
        sink: list[ParsedHead] = []
        op(sink)
        expect(sink == BURST_PARSED, "b_pipeline: parsed requests differ")

    return Case(
        "b_pipeline",
        label,
        simple(op),
        (len(BURST_PARSED), BURST_HEADERS),
        verify,
        wire_bytes=len(BURST),
        items=len(BURST_PARSED),
        item_unit="req",
    )


def pipeline_case(api: Api) -> Case:
    # Any: h11's or h11r's Connection, which send differently.
    Connection: Any = api.Connection
    SERVER, NEED_DATA = api.SERVER, api.NEED_DATA
    Request, EndOfMessage = api.Request, api.EndOfMessage
    count_fields, field_list, sends_events = api.count_fields, api.field_list, api.sends_events
    no_content = api.Response(status_code=204, headers=[]) if sends_events else None
    end = EndOfMessage() if sends_events else None

    def op(sink: list[ParsedHead] | None) -> Signature:
        conn = Connection(SERVER)
        requests = headers = 0
        for piece in BURST_PIECES:
            conn.receive_data(piece)
            while True:
                event = conn.next_event()
                if event is NEED_DATA:
                    break
                if isinstance(event, Request):
                    requests += 1
                    headers += count_fields(event.headers)
                    if sink is not None:
                        sink.append((event.method, event.target, field_list(event.headers)))
                elif isinstance(event, EndOfMessage):
                    # A bodiless 204, then the next request.
                    if sends_events:
                        conn.send(no_content)
                        conn.send(end)
                    else:
                        conn.send_response(204, [])
                        conn.end_of_message()
                    conn.start_next_cycle()
                else:
                    raise WrongResult(f"b_pipeline: unexpected {event!r}")
        return requests, headers

    return pipeline_row(api.label, op)


def download_row(
    label: str, workload: str, wire: bytes, body: bytes, prepare: Callable[[int], Op]
) -> Case:
    """c_*: a client parses ``wire`` (a 200 with DOWNLOAD_HEADER_COUNT fields) and puts the body in its sink."""

    def verify() -> None:
        op = prepare(2)
        for _ in range(2):
            sink: list[bytes] = []
            op(sink)
            expect(sink == [body], f"{workload}: body bytes differ")

    expected = (200, DOWNLOAD_HEADER_COUNT, 1, len(body))
    return Case(workload, label, prepare, expected, verify, wire_bytes=len(wire))


def download_case(api: Api, workload: str, wire: bytes, body: bytes) -> Case:
    # Any: h11's or h11r's Connection, which send differently.
    Connection: Any = api.Connection
    CLIENT, NEED_DATA, PAUSED = api.CLIENT, api.NEED_DATA, api.PAUSED
    Response, Data, EndOfMessage = api.Response, api.Data, api.EndOfMessage
    count_fields, sends_events = api.count_fields, api.sends_events
    host = [(b"Host", b"example.com")]
    request = (
        api.Request(method=b"GET", target=b"/download", headers=host) if sends_events else None
    )
    end = EndOfMessage() if sends_events else None
    pieces = split(wire, PIECE)

    def prepare(k: int) -> Op:
        conn = Connection(CLIENT)

        def op(sink: list[bytes] | None) -> Signature:
            if sends_events:
                conn.send(request)
                conn.send(end)
            else:
                conn.send_request(b"GET", b"/download", host)
                conn.end_of_message()
            parts = []
            status = headers = ends = 0
            for piece in pieces:
                conn.receive_data(piece)
                while True:
                    event = conn.next_event()
                    if event is NEED_DATA or event is PAUSED:
                        break
                    if isinstance(event, Data):
                        parts.append(event.data)
                    elif isinstance(event, Response):
                        status = event.status_code
                        headers = count_fields(event.headers)
                    elif isinstance(event, EndOfMessage):
                        ends += 1
            conn.start_next_cycle()
            if sink is not None:
                sink.append(b"".join(parts))
            return status, headers, ends, sum(map(len, parts))

        return op

    return download_row(api.label, workload, wire, body, prepare)


def trickle_row(label: str, workload: str, op: Op) -> Case:
    """d_*: ``op`` feeds TRICKLES[workload] one byte at a time, returns (fields,
    body bytes, ends) and puts the lowercased fields, then the body's bytes, in
    its sink (other items there are passed over)."""
    wire, expected_headers, expected_body = TRICKLES[workload]

    def verify() -> None:
        sink: list[object] = []
        op(sink)
        expect(sink[:1] == [expected_headers], f"{workload}: headers differ")
        parts = [part for part in sink[1:] if isinstance(part, bytes)]
        expect(b"".join(parts) == expected_body, f"{workload}: body differs")

    expected = (len(expected_headers), len(expected_body), 1)
    return Case(workload, label, simple(op), expected, verify, wire_bytes=len(wire))


def trickle_case(api: Api, workload: str) -> Case:
    Connection, SERVER = api.Connection, api.SERVER
    NEED_DATA, PAUSED = api.NEED_DATA, api.PAUSED
    Request, Data, EndOfMessage = api.Request, api.Data, api.EndOfMessage
    count_fields, field_list, options = api.count_fields, api.field_list, api.trickle_options
    wire = TRICKLES[workload][0]
    single_bytes = [wire[i : i + 1] for i in range(len(wire))]

    def op(sink: list[object] | None) -> Signature:
        conn = Connection(SERVER, **options)
        headers = body = ends = 0
        for byte in single_bytes:
            conn.receive_data(byte)
            while True:
                event = conn.next_event()
                if event is NEED_DATA or event is PAUSED:
                    break
                if isinstance(event, Data):
                    body += len(event.data)
                    if sink is not None:
                        sink.append(bytes(event.data))
                elif isinstance(event, Request):
                    headers = count_fields(event.headers)
                    if sink is not None:
                        sink.append(field_list(event.headers))
                elif isinstance(event, EndOfMessage):
                    ends += 1
        return headers, body, ends

    return trickle_row(api.label, workload, op)


def send_case(api: Api) -> Case:
    Connection, SERVER = api.Connection, api.SERVER
    NEED_DATA, PAUSED = api.NEED_DATA, api.PAUSED
    Response, Data, EndOfMessage = api.Response, api.Data, api.EndOfMessage
    sends_events = api.sends_events

    def ready_connections(k: int) -> list[Any]:
        """Server connections that have read a request and may answer it."""
        conns = []
        for _ in range(k):
            conn = Connection(SERVER)
            conn.receive_data(CYCLE_REQUEST)
            while conn.next_event() not in (NEED_DATA, PAUSED):
                pass
            conns.append(conn)
        return conns

    def prepare(k: int) -> Op:
        # Any: h11's or h11r's Connection, which send differently.
        take: Callable[[], Any] = ready_connections(k).pop

        def op(sink: list[object] | None) -> Signature:
            conn = take()
            if sends_events:
                out = conn.send(Response(status_code=200, headers=SEND_HEADERS)) or b""
                out += conn.send(Data(data=SEND_BODY)) or b""
                out += conn.send(EndOfMessage()) or b""
            else:
                out = (
                    conn.send_response(200, SEND_HEADERS)
                    + conn.send_data(SEND_BODY)
                    + conn.end_of_message()
                )
            if sink is not None:
                sink += [out, api.state_of(conn)]
            return (len(out),)

        return op

    def verify() -> None:
        sink: list[object] = []
        prepare(1)(sink)
        expect(sink[0] == SEND_OUTPUT, f"e_send: serialised bytes {sink[0]!r}")
        expect(sink[1] is api.DONE, "e_send: state after the end of the message")

    return Case("e_send", api.label, prepare, (len(SEND_OUTPUT),), verify, max_prepared=1000)


def h11_cases(target: Target, workloads: Sequence[str] = WORKLOAD_ORDER) -> list[Case]:
    """The chosen workloads for one target with h11's API, or h11r, in ``WORKLOAD_ORDER``."""
    api = Api(target)
    builders: dict[str, Callable[[], Case]] = {
        "a_asv": lambda: asv_case(api),
        "a_cycle": lambda: cycle_case(api),
        "b_pipeline": lambda: pipeline_case(api),
        "c_chunked": lambda: download_case(api, "c_chunked", CHUNKED_WIRE, CHUNKED_BODY),
        "c_length": lambda: download_case(api, "c_length", LENGTH_WIRE, LENGTH_BODY),
        "e_send": lambda: send_case(api),
    }
    return [
        builders[name]() if name in builders else trickle_case(api, name)
        for name in WORKLOAD_ORDER
        if name in workloads
    ]
