"""Rows for httptools, a peer that is a parser only.

httptools (llhttp) only parses: it has no serialiser and no connection state
machine, so it appears only in the parsing workloads (b, c, d). Its rows
produce what an h11 event gives a caller (lowercased header pairs, the body
bytes), so the comparison counts the same output.

h11r, a whole connection with an API close to h11's, runs the h11 rows' own
operations: benchmarks.workloads.Api absorbs its differences.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.targets import Target
from benchmarks.workloads import (
    BURST_PIECES,
    CHUNKED_BODY,
    CHUNKED_WIRE,
    LENGTH_BODY,
    LENGTH_WIRE,
    PIECE,
    TRICKLES,
    WORKLOAD_ORDER,
    Case,
    HeaderList,
    ParsedHead,
    Signature,
    download_row,
    pipeline_row,
    simple,
    split,
    trickle_row,
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

    def download(workload: str, wire: bytes, body: bytes) -> Case:
        pieces = split(wire, PIECE)

        def op(sink: list[bytes] | None) -> Signature:
            message = parse(pieces, response=True)
            (_, _, headers, parts) = message.complete[0]
            if sink is not None:
                sink.append(b"".join(parts))
            return message.status, len(headers), len(message.complete), sum(map(len, parts))

        return download_row(label, workload, wire, body, simple(op))

    def trickle(workload: str) -> Case:
        wire = TRICKLES[workload][0]
        single_bytes = [wire[i : i + 1] for i in range(len(wire))]

        def op(sink: list[object] | None) -> Signature:
            message = parse(single_bytes, response=False)
            (_, _, headers, parts) = message.complete[0]
            if sink is not None:
                sink += [headers, b"".join(parts)]
            return len(headers), sum(map(len, parts)), len(message.complete)

        return trickle_row(label, workload, op)

    builders: dict[str, Callable[[], Case]] = {
        "b_pipeline": lambda: pipeline_row(label, burst),
        "c_chunked": lambda: download("c_chunked", CHUNKED_WIRE, CHUNKED_BODY),
        "c_length": lambda: download("c_length", LENGTH_WIRE, LENGTH_BODY),
    }
    for name in TRICKLES:
        builders[name] = functools.partial(trickle, name)
    return [builders[name]() for name in WORKLOAD_ORDER if name in workloads and name in builders]
