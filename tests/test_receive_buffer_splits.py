"""Where the network splits the received bytes, and when events are pulled, changes nothing.

RFC 9112 delimits messages by their bytes alone (section 2.2, section 6), so the events
a peer's bytes produce must not depend on how they were cut into ``receive_data``
calls, nor on whether the application pulls events between calls, one at a time, or
only at the end. These tests cut whole exchanges at every pair of byte positions and
compare with the bytes delivered in one piece. Data events are compared after merging
(``normalize_data_events``): how a payload is divided between Data events does depend
on the split, its bytes and position do not.

Pulling schedules (``Pull``):

* ``drain``: after every receive_data, pull events until NEED_DATA or PAUSED;
* ``one-event``: after every receive_data, pull at most one event, so bytes keep
  arriving while earlier ones wait in the buffer (e.g. a body behind a head just read);
* ``at-end``: receive every piece first, then pull.

A server answers each request once it has read all of it and the next one is waiting
(PAUSED), so pipelined requests are read in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final, Literal

import pytest

from h11typed import (
    CLIENT,
    DONE,
    NEED_DATA,
    PAUSED,
    SEND_RESPONSE,
    SERVER,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    Request,
    Response,
)
from tests.helpers import exactly, normalize_data_events

Pull = Literal["drain", "one-event", "at-end"]
PULLS: Final[tuple[Pull, ...]] = ("drain", "one-event", "at-end")


def _server() -> Connection:
    return Connection(SERVER)


def _client_awaiting_response() -> Connection:
    conn = Connection(CLIENT)
    conn.send(Request(method="GET", target="/", headers=[("Host", "a")]))
    conn.send(EndOfMessage())
    return conn


def _answer_if_paused(conn: Connection) -> bool:
    """As a server that has read a whole request with the next one waiting: answer it
    and start the next cycle. True if it did."""
    if (
        conn.our_role != SERVER
        or conn.their_state is not DONE
        or conn.our_state is not SEND_RESPONSE
    ):
        return False
    conn.send(Response(status_code=204, headers=[]))
    conn.send(EndOfMessage())
    conn.start_next_cycle()
    return True


def _pull_one(conn: Connection, out: list[Event]) -> bool:
    """Pull one event into ``out`` (answering a finished request first if PAUSED).

    False when nothing more can come until more bytes (or EOF) arrive.
    """
    event = conn.next_event()
    if event is PAUSED:
        if not _answer_if_paused(conn):
            return False
        event = conn.next_event()
    if not isinstance(event, Event):
        return False
    out.append(event)
    return type(event) is not ConnectionClosed


def _drain(conn: Connection, out: list[Event]) -> None:
    while _pull_one(conn, out):
        pass


def _pulled_events(conn: Connection, pieces: Sequence[bytes], pull: Pull, eof: bool) -> list[Event]:
    """Feed ``pieces`` to ``conn`` (then EOF if ``eof``), pulling as ``pull`` says."""
    out: list[Event] = []
    for piece in pieces:
        conn.receive_data(piece)
        if pull == "drain":
            _drain(conn, out)
        elif pull == "one-event":
            _pull_one(conn, out)
    if eof:
        conn.receive_data(b"")
    _drain(conn, out)
    return out


def _run(conn: Connection, pieces: Sequence[bytes], pull: Pull, eof: bool) -> list[Event]:
    """``_pulled_events``, with Data events merged."""
    return normalize_data_events(_pulled_events(conn, pieces, pull, eof))


def _two_cut_splits(data: bytes) -> list[list[bytes]]:
    """``data`` cut into three non-empty pieces, at every pair of positions."""
    return [
        [data[:i], data[i:j], data[j:]]
        for i in range(1, len(data) - 1)
        for j in range(i + 1, len(data))
    ]


def _splits(data: bytes, pull: Pull) -> list[list[bytes]]:
    """The splits worth trying for ``pull``.

    Two cuts let bytes arrive both before and after an event is pulled. When nothing
    is pulled before the end, a third piece would only be appended like the second,
    so one cut is enough there.
    """
    if pull == "at-end":
        return [[data[:i], data[i:]] for i in range(1, len(data))]
    return _two_cut_splits(data)


def _assert_split_independent(
    make_reader: Callable[[], Connection],
    data: bytes,
    expected: list[Event],
    pull: Pull,
    *,
    eof: bool = False,
) -> None:
    assert _run(make_reader(), [data], "drain", eof) == expected
    for pieces in _splits(data, pull):
        assert _run(make_reader(), pieces, pull, eof) == expected, pieces


# --- whole exchanges cut at every pair of positions ----------------------------------------

# Two pipelined requests: one with a Content-Length body, then one with a folded head.
PIPELINED_REQUESTS = (
    b"PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"
    b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n"
)
PIPELINED_REQUESTS_EVENTS: list[Event] = [
    Request(method="PUT", target="/", headers=[("Host", "a"), ("Content-Length", "2")]),
    Data(b"hi"),
    EndOfMessage(),
    Request(method="GET", target="/", headers=[("Host", "a"), ("X", "1 2")]),
    EndOfMessage(),
]

# A chunked response with two chunks and a trailer.
CHUNKED_RESPONSE = (
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n2\r\n, \r\n0\r\nT: 9\r\n\r\n"
)
CHUNKED_RESPONSE_EVENTS: list[Event] = [
    Response(status_code=200, reason="OK", headers=[("Transfer-Encoding", "chunked")]),
    Data(b"hello, "),
    EndOfMessage(headers=[("T", "9")]),
]

# A response whose body runs until the server closes (RFC 9112 section 6.3, rule 8).
CLOSE_DELIMITED_RESPONSE = b"HTTP/1.0 200 OK\r\n\r\nbody until close"
CLOSE_DELIMITED_RESPONSE_EVENTS: list[Event] = [
    Response(status_code=200, reason="OK", http_version="1.0", headers=[]),
    Data(b"body until close"),
    EndOfMessage(),
    ConnectionClosed(),
]


@pytest.mark.parametrize("pull", PULLS)
def test_pipelined_requests_give_the_same_events_however_split_and_pulled(pull: Pull) -> None:
    _assert_split_independent(_server, PIPELINED_REQUESTS, PIPELINED_REQUESTS_EVENTS, pull)


@pytest.mark.parametrize("pull", PULLS)
def test_a_chunked_response_gives_the_same_events_however_split_and_pulled(pull: Pull) -> None:
    _assert_split_independent(
        _client_awaiting_response, CHUNKED_RESPONSE, CHUNKED_RESPONSE_EVENTS, pull
    )


@pytest.mark.parametrize("pull", PULLS)
def test_a_close_delimited_response_gives_the_same_events_however_split_and_pulled(
    pull: Pull,
) -> None:
    _assert_split_independent(
        _client_awaiting_response,
        CLOSE_DELIMITED_RESPONSE,
        CLOSE_DELIMITED_RESPONSE_EVENTS,
        pull,
        eof=True,
    )


def test_chunk_flags_do_not_depend_on_the_split() -> None:
    # Deliberate difference from h11, which reports chunk_start=False when a chunk's
    # size line and its data arrive in different receive_data calls.
    expected = [
        Data(b"hello", chunk_start=True, chunk_end=True),
        Data(b", ", chunk_start=True, chunk_end=True),
    ]
    for pieces in _two_cut_splits(CHUNKED_RESPONSE):
        events = _pulled_events(_client_awaiting_response(), pieces, "drain", eof=False)
        chunks = [event for event in events if type(event) is Data]
        assert normalize_data_events(chunks, keep_chunk_flags=True) == expected, pieces


# --- the situations those splits produce, one by one ------------------------------------


def test_body_bytes_that_arrive_while_earlier_ones_wait_come_out_as_one_data_event() -> None:
    # The head and the first body bytes arrive together; more body bytes arrive before
    # the application pulls again. Everything buffered is delivered at once, as in h11.
    conn = _server()
    conn.receive_data(b"PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n")
    assert conn.next_event() is NEED_DATA
    conn.receive_data(b"\r\nhello")
    assert type(conn.next_event()) is Request
    conn.receive_data(b" you")
    assert conn.next_event() == Data(b"hello you")


def test_a_delivered_data_payload_is_not_changed_by_bytes_received_later() -> None:
    # The payload may be the very buffer the bytes were collected in; what arrives
    # afterwards must go somewhere else.
    conn = _server()
    conn.receive_data(b"PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n")
    conn.next_event()
    conn.receive_data(b"\r\nhello")
    conn.next_event()
    conn.receive_data(b" you")
    first = exactly(Data, conn.next_event())
    conn.receive_data(b"!")
    conn.receive_data(b"!!")
    assert first.data == b"hello you"
    assert conn.next_event() == Data(b"!!!")
    assert first.data == b"hello you"


def test_the_rest_of_a_pipelined_request_may_arrive_while_the_first_is_being_answered() -> None:
    # The second request is partly buffered behind the first (PAUSED); the bytes that
    # complete it arrive before the server has answered the first.
    conn = _server()
    first = b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
    conn.receive_data(first[:5])
    conn.receive_data(first[5:] + b"GET /2 HT")
    assert [type(conn.next_event()), type(conn.next_event())] == [Request, EndOfMessage]
    assert conn.next_event() is PAUSED
    conn.receive_data(b"TP/1.1\r\nHost: a\r\n\r\n")
    assert conn.next_event() is PAUSED
    assert _answer_if_paused(conn)
    second = exactly(Request, conn.next_event())
    assert second.target == b"/2"
    assert conn.next_event() == EndOfMessage()


def test_an_empty_trailer_section_may_arrive_split_inside_its_crlf() -> None:
    conn = _client_awaiting_response()
    conn.receive_data(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r")
    assert type(conn.next_event()) is Response
    assert conn.next_event() is NEED_DATA
    conn.receive_data(b"\n")
    assert conn.next_event() == EndOfMessage()


def test_a_head_trickling_in_as_bytearray_pieces_gives_the_same_request() -> None:
    # receive_data accepts any bytes-like object, not only bytes.
    head = b"GET /x HTTP/1.1\r\nHost: a\r\nX-Long: " + b"v" * 100 + b"\r\n\r\n"
    conn = Connection(SERVER)
    got = None
    for i in range(len(head)):
        conn.receive_data(bytearray(head[i : i + 1]))
        event = conn.next_event()
        if isinstance(event, Request):
            got = event
    assert got is not None
    assert got.target == b"/x"
    assert list(got.headers) == [(b"host", b"a"), (b"x-long", b"v" * 100)]
