"""Rows for peers without h11's API: httptools and h11r.

httptools (llhttp) only parses: it has no serialiser and no connection state
machine, so it appears only in the parsing workloads (b, c, d). Its rows
produce what an h11 event gives a caller (lowercased header pairs, the body
bytes), so the comparison counts the same output.

h11r (a Rust core) is a whole sans-IO connection with its own API: typed
role, state and status constants, events read through ``next_event()``, and
``send_response()``/``send_data()``/``end_of_message()`` methods that return
bytes instead of event objects passed to ``send()``. It can do every workload,
so it gets a row in each, doing the same work as the h11 rows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Final

from benchmarks.targets import Target
from benchmarks.workloads import (
    BURST_HEADERS,
    BURST_PARSED,
    BURST_PIECES,
    CHUNKED_BODY,
    CHUNKED_WIRE,
    CYCLE_BODY,
    CYCLE_REQUEST,
    CYCLE_REQUEST_HEADERS,
    CYCLE_RESPONSE,
    CYCLE_RESPONSE_HEADERS,
    DOWNLOAD_HEADER_COUNT,
    LENGTH_BODY,
    LENGTH_WIRE,
    PAGE_BODY,
    PAGE_REQUEST,
    PAGE_REQUEST_HEADERS,
    PAGE_RESPONSE,
    PAGE_RESPONSE_HEADERS,
    PIECE,
    SEND_BODY,
    SEND_HEADERS,
    SEND_OUTPUT,
    TRICKLES,
    WORKLOAD_ORDER,
    Case,
    HeaderList,
    Op,
    ParsedHead,
    Signature,
    WrongResult,
    expect,
    lowered,
    simple,
    split,
)


class _Message:
    """Callbacks that collect what an h11 event would carry."""

    def __init__(self, response: bool) -> None:
        self.response = response
        self.parser: Any = None
        self.url = b""
        self.headers: HeaderList = []
        self.parts: list[bytes] = []
        self.status = 0
        self.complete: list[tuple[bytes, bytes, HeaderList, list[bytes]]] = []

    def on_message_begin(self) -> None:
        self.url = b""
        self.headers = []
        self.parts = []

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        if self.response:
            self.status = self.parser.get_status_code()

    def on_body(self, body: bytes) -> None:
        self.parts.append(body)

    def on_message_complete(self) -> None:
        method = b"" if self.response else self.parser.get_method()
        self.complete.append((method, self.url, self.headers, self.parts))


def httptools_cases(target: Target, workloads: Sequence[str] = WORKLOAD_ORDER) -> list[Case]:
    httptools: Any = target.module
    label = target.label

    def parse(pieces: Sequence[bytes], response: bool) -> _Message:
        message = _Message(response)
        parser_class = httptools.HttpResponseParser if response else httptools.HttpRequestParser
        parser = message.parser = parser_class(message)
        for piece in pieces:
            parser.feed_data(piece)
        return message

    def burst(sink: list[ParsedHead] | None) -> Signature:
        message = parse(BURST_PIECES, response=False)
        if sink is not None:
            sink += [(method, url, headers) for method, url, headers, _ in message.complete]
        return len(message.complete), sum(len(headers) for _, _, headers, _ in message.complete)

    def verify_burst() -> None:
        sink: list[ParsedHead] = []
        burst(sink)
        expect(sink == BURST_PARSED, "httptools b_pipeline: parsed requests differ")

    def download(workload: str, wire: bytes, body: bytes) -> Case:
        pieces = split(wire, PIECE)

        def op(sink: list[bytes] | None) -> Signature:
            message = parse(pieces, response=True)
            (_, _, headers, parts) = message.complete[0]
            if sink is not None:
                sink.append(b"".join(parts))
            return message.status, len(headers), len(message.complete), sum(map(len, parts))

        def verify() -> None:
            sink: list[bytes] = []
            op(sink)
            expect(sink == [body], f"httptools {workload}: body differs")

        expected = (200, DOWNLOAD_HEADER_COUNT, 1, len(body))
        return Case(workload, label, simple(op), expected, verify, wire_bytes=len(wire))

    def trickle(workload: str) -> Case:
        wire, expected_headers, expected_body = TRICKLES[workload]
        single_bytes = [wire[i : i + 1] for i in range(len(wire))]

        def op(sink: list[object] | None) -> Signature:
            message = parse(single_bytes, response=False)
            (_, _, headers, parts) = message.complete[0]
            if sink is not None:
                sink += [headers, b"".join(parts)]
            return len(headers), sum(map(len, parts)), len(message.complete)

        def verify() -> None:
            sink: list[object] = []
            op(sink)
            expect(sink == [expected_headers, expected_body], f"httptools {workload}: result differs")

        expected = (len(expected_headers), len(expected_body), 1)
        return Case(workload, label, simple(op), expected, verify, wire_bytes=len(wire))

    builders: dict[str, Callable[[], Case]] = {
        "b_pipeline": lambda: Case(
            "b_pipeline",
            label,
            simple(burst),
            (len(BURST_PARSED), BURST_HEADERS),
            verify_burst,
            wire_bytes=sum(map(len, BURST_PIECES)),
            items=len(BURST_PARSED),
            item_unit="req",
        ),
        "c_chunked": lambda: download("c_chunked", CHUNKED_WIRE, CHUNKED_BODY),
        "c_length": lambda: download("c_length", LENGTH_WIRE, LENGTH_BODY),
    }
    for name in TRICKLES:
        builders[name] = functools.partial(trickle, name)
    return [builders[name]() for name in WORKLOAD_ORDER if name in workloads and name in builders]


# -- h11r ---------------------------------------------------------------------

# h11 has no limit on the number of header fields; h11r's default (100) would
# answer d_headers_2x (200 fields) with 431, so its trickle connections allow more.
H11R_MAX_HEADER_COUNT: Final = 256


def h11r_cases(target: Target, workloads: Sequence[str] = WORKLOAD_ORDER) -> list[Case]:
    """h11r's rows, through its own API, for every workload.

    Each row reads the same bytes, sends the same messages (byte for byte,
    checked) and collects the same output as the h11 row of its workload.
    One normalisation: h11r hands header names over as they arrived, while an
    h11 event carries them lowercased, so every received head has its names
    lowercased here, inside the timed operation (as h11bench does); without
    that, h11r would be timed doing less than h11 does. Body bytes and
    serialised bytes need none.
    """
    h11r: Any = target.module
    label = target.label
    Connection = h11r.Connection
    CLIENT, SERVER = h11r.Role.CLIENT, h11r.Role.SERVER
    NEED_DATA, PAUSED = h11r.ReceiveStatus.NEED_DATA, h11r.ReceiveStatus.PAUSED
    Request, Response, Data, EndOfMessage = h11r.Request, h11r.Response, h11r.Data, h11r.EndOfMessage
    IDLE, DONE = h11r.State.IDLE, h11r.State.DONE

    def asv(sink: list[object] | None) -> Signature:
        conn = Connection(SERVER)
        conn.receive_data(PAGE_REQUEST)
        events = 0
        while True:
            event = conn.next_event()
            if event is NEED_DATA:
                break
            events += 1
            if isinstance(event, Request):
                parsed = (event.method, event.target, lowered(event.headers))
                if sink is not None:
                    sink.append(parsed)
            elif sink is not None:
                sink.append(event)
        out = conn.send_response(200, PAGE_RESPONSE_HEADERS)
        out += conn.send_data(PAGE_BODY)
        out += conn.end_of_message()
        if sink is not None:
            sink.append(out)
        return events, len(out)

    def verify_asv() -> None:
        sink: list[object] = []
        asv(sink)
        expect(len(sink) == 3, f"h11r a_asv: events {sink[:-1]!r}")
        request, end, out = sink
        expected_request = (b"GET", b"/catalogue/shoes", lowered(PAGE_REQUEST_HEADERS))
        expect(request == expected_request, f"h11r a_asv: request {request!r}")
        expect(isinstance(end, EndOfMessage), f"h11r a_asv: event {end!r}")
        expect(out == PAGE_RESPONSE, f"h11r a_asv: response bytes {out!r}")

    def prepare_cycle(k: int) -> Op:
        client = Connection(CLIENT)
        server = Connection(SERVER)

        def op(sink: list[object] | None) -> Signature:
            to_server = client.send_request(b"GET", b"/", CYCLE_REQUEST_HEADERS) + client.end_of_message()
            server.receive_data(to_server)
            events = 0
            while True:
                event = server.next_event()
                if event is NEED_DATA or event is PAUSED:
                    break
                events += 1
                if isinstance(event, Request):
                    lowered(event.headers)
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
                elif isinstance(event, Response):
                    lowered(event.headers)
            # Raises unless both sides are DONE, as h11's does.
            client.start_next_cycle()
            server.start_next_cycle()
            if sink is not None:
                sink += [to_server, to_client, client.local_state, server.local_state]
            return events, body

        return op

    def verify_cycle() -> None:
        op = prepare_cycle(3)
        for _ in range(3):
            sink: list[object] = []
            expect(op(sink) == (5, len(CYCLE_BODY)), "h11r a_cycle: events or body")
            expect(sink == [CYCLE_REQUEST, CYCLE_RESPONSE, IDLE, IDLE], f"h11r a_cycle: wire bytes or states {sink!r}")

    def pipeline(sink: list[ParsedHead] | None) -> Signature:
        conn = Connection(SERVER)
        requests = headers = 0
        for piece in BURST_PIECES:
            conn.receive_data(piece)
            while True:
                event = conn.next_event()
                if event is NEED_DATA:
                    break
                if isinstance(event, Request):
                    fields = lowered(event.headers)
                    requests += 1
                    headers += len(fields)
                    if sink is not None:
                        sink.append((event.method, event.target, fields))
                elif isinstance(event, EndOfMessage):
                    # The h11 rows' answer: a bodiless 204, then the next request.
                    conn.send_response(204, [])
                    conn.end_of_message()
                    conn.start_next_cycle()
                else:
                    raise WrongResult(f"h11r b_pipeline: unexpected {event!r}")
        return requests, headers

    def verify_pipeline() -> None:
        sink: list[ParsedHead] = []
        pipeline(sink)
        expect(sink == BURST_PARSED, "h11r b_pipeline: parsed requests differ")

    def download(workload: str, wire: bytes, body: bytes) -> Case:
        pieces = split(wire, PIECE)

        def prepare(k: int) -> Op:
            conn = Connection(CLIENT)

            def op(sink: list[bytes] | None) -> Signature:
                conn.send_request(b"GET", b"/download", [(b"Host", b"example.com")])
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
                            headers = len(lowered(event.headers))
                        elif isinstance(event, EndOfMessage):
                            ends += 1
                conn.start_next_cycle()
                if sink is not None:
                    sink.append(b"".join(parts))
                return status, headers, ends, sum(map(len, parts))

            return op

        def verify() -> None:
            op = prepare(2)
            for _ in range(2):
                sink: list[bytes] = []
                op(sink)
                expect(sink == [body], f"h11r {workload}: body bytes differ")

        expected = (200, DOWNLOAD_HEADER_COUNT, 1, len(body))
        return Case(workload, label, prepare, expected, verify, wire_bytes=len(wire))

    def trickle(workload: str) -> Case:
        wire, expected_headers, expected_body = TRICKLES[workload]
        single_bytes = [wire[i : i + 1] for i in range(len(wire))]

        def op(sink: list[object] | None) -> Signature:
            conn = Connection(SERVER, max_header_count=H11R_MAX_HEADER_COUNT)
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
                        fields = lowered(event.headers)
                        headers = len(fields)
                        if sink is not None:
                            sink.append(fields)
                    elif isinstance(event, EndOfMessage):
                        ends += 1
            return headers, body, ends

        def verify() -> None:
            sink: list[object] = []
            op(sink)
            expect(sink[:1] == [expected_headers], f"h11r {workload}: headers differ")
            parts = [part for part in sink[1:] if isinstance(part, bytes)]
            expect(b"".join(parts) == expected_body, f"h11r {workload}: body differs")

        expected = (len(expected_headers), len(expected_body), 1)
        return Case(workload, label, simple(op), expected, verify, wire_bytes=len(wire))

    def prepare_send(k: int) -> Op:
        ready = []
        for _ in range(k):
            conn = Connection(SERVER)
            conn.receive_data(CYCLE_REQUEST)
            while conn.next_event() not in (NEED_DATA, PAUSED):
                pass
            ready.append(conn)
        take = ready.pop

        def op(sink: list[object] | None) -> Signature:
            conn = take()
            out = conn.send_response(200, SEND_HEADERS) + conn.send_data(SEND_BODY) + conn.end_of_message()
            if sink is not None:
                sink += [out, conn.local_state]
            return (len(out),)

        return op

    def verify_send() -> None:
        sink: list[object] = []
        prepare_send(1)(sink)
        expect(sink[0] == SEND_OUTPUT, f"h11r e_send: serialised bytes {sink[0]!r}")
        expect(sink[1] is DONE, "h11r e_send: state after end_of_message")

    builders: dict[str, Callable[[], Case]] = {
        "a_asv": lambda: Case("a_asv", label, simple(asv), (2, len(PAGE_RESPONSE)), verify_asv),
        "a_cycle": lambda: Case("a_cycle", label, prepare_cycle, (5, len(CYCLE_BODY)), verify_cycle),
        "b_pipeline": lambda: Case(
            "b_pipeline",
            label,
            simple(pipeline),
            (len(BURST_PARSED), BURST_HEADERS),
            verify_pipeline,
            wire_bytes=sum(map(len, BURST_PIECES)),
            items=len(BURST_PARSED),
            item_unit="req",
        ),
        "c_chunked": lambda: download("c_chunked", CHUNKED_WIRE, CHUNKED_BODY),
        "c_length": lambda: download("c_length", LENGTH_WIRE, LENGTH_BODY),
        "e_send": lambda: Case("e_send", label, prepare_send, (len(SEND_OUTPUT),), verify_send, max_prepared=1000),
    }
    for name in TRICKLES:
        builders[name] = functools.partial(trickle, name)
    return [builders[name]() for name in WORKLOAD_ORDER if name in workloads]
