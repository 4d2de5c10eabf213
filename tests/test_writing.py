"""What send() writes (RFC 9112 sections 3-7; the response framing and Connection
headers it adds: docs/http-support.rst, "What is left to you", Default headers)."""

from __future__ import annotations

from typing import Any

import pytest

from h11typed import (
    CLIENT,
    DONE,
    ERROR,
    MUST_CLOSE,
    SEND_BODY,
    SERVER,
    Connection,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    LocalProtocolError,
    Request,
    Response,
)
from tests.helpers import events_from, send_all


def _server_after(request_head: bytes) -> Connection:
    """A server that has read ``request_head`` (a request with no body)."""
    conn = Connection(SERVER)
    events = events_from(conn, request_head)
    assert type(events[-1]) is EndOfMessage
    return conn


GET_1_1 = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
GET_1_0 = b"GET / HTTP/1.0\r\n\r\n"
HEAD_1_1 = b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"
HEAD_1_0 = b"HEAD / HTTP/1.0\r\n\r\n"
GET_CLOSE = b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
CONNECT = b"CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n"


def _client_sending_body(*framing: tuple[str, str]) -> Connection:
    conn = Connection(CLIENT)
    conn.send(Request(method="POST", target="/", headers=[("Host", "a"), *framing]))
    return conn


def _server_sending_body(request_head: bytes, *framing: tuple[str, str]) -> Connection:
    conn = _server_after(request_head)
    conn.send(Response(status_code=200, headers=list(framing)))
    return conn


# --- heads ---------------------------------------------------------------------------


def test_request_head_is_written_as_request_line_headers_and_blank_line() -> None:
    request = Request(method="GET", target="/index.html?q=1", headers=[("Host", "example.com")])
    assert Connection(CLIENT).send(request) == (
        b"GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"
    )


def test_request_headers_keep_their_raw_casing_and_order_with_host_first() -> None:
    request = Request(
        method="POST",
        target="/",
        headers=[("X-B", "1"), ("content-length", "0"), ("HOST", "h"), ("x-a", "2")],
    )
    assert Connection(CLIENT).send(request) == (
        b"POST / HTTP/1.1\r\nHOST: h\r\nX-B: 1\r\ncontent-length: 0\r\nx-a: 2\r\n\r\n"
    )


@pytest.mark.parametrize(
    "headers",
    [
        [("Host", "a")],  # no framing: nothing is added
        [("Host", "a"), ("Content-Length", "3")],
        [("Host", "a"), ("Transfer-Encoding", "chunked"), ("Connection", "keep-alive")],
    ],
)
def test_request_headers_are_never_rewritten(headers: list[tuple[str, str]]) -> None:
    written = Connection(CLIENT).send(Request(method="POST", target="/", headers=headers))
    expected = b"".join(b"%s: %s\r\n" % (n.encode(), v.encode()) for n, v in headers)
    assert written == b"POST / HTTP/1.1\r\n" + expected + b"\r\n"


@pytest.mark.parametrize("count", [0, 1, 2, 3, 4, 5, 6, 7, 100, 1000])
def test_a_head_of_any_size_is_written_whole_and_in_order(count: int) -> None:
    # Lines are written four at a time and heads past a few KiB in several pieces; the
    # bytes must not show it (1 to 8 fields cover every remainder).
    headers = [(b"Host", b"a")] + [(b"X-%d" % i, b"v" * 40) for i in range(count)]
    written = Connection(CLIENT).send(Request(method="GET", target="/", headers=headers))
    expected = b"".join(b"%s: %s\r\n" % pair for pair in headers)
    assert written == b"GET / HTTP/1.1\r\n" + expected + b"\r\n"


def test_host_is_written_first_in_responses_too() -> None:
    conn = _server_after(GET_1_1)
    written = conn.send(
        Response(status_code=200, headers=[("X", "1"), ("Host", "h"), ("Content-Length", "0")])
    )
    assert written == b"HTTP/1.1 200 \r\nHost: h\r\nX: 1\r\nContent-Length: 0\r\n\r\n"


@pytest.mark.parametrize(
    ("status", "reason", "status_line"),
    [
        (200, b"", b"HTTP/1.1 200 \r\n"),  # the space after the code is always there
        (200, b"OK", b"HTTP/1.1 200 OK\r\n"),
        (404, b"Not Found", b"HTTP/1.1 404 Not Found\r\n"),
        (599, b"", b"HTTP/1.1 599 \r\n"),
    ],
)
def test_status_line_is_written_without_a_default_reason(
    status: int, reason: bytes, status_line: bytes
) -> None:
    conn = _server_after(GET_1_1)
    response = Response(status_code=status, reason=reason, headers=[("Content-Length", "0")])
    assert conn.send(response) == status_line + b"Content-Length: 0\r\n\r\n"


@pytest.mark.parametrize(("status", "reason"), [(100, b""), (102, b"Processing")])
def test_informational_response_head_is_written_as_is(status: int, reason: bytes) -> None:
    conn = _server_after(b"GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n")
    written = conn.send(
        InformationalResponse(status_code=status, reason=reason, headers=[("X", "y")])
    )
    assert written == b"HTTP/1.1 %d %s\r\nX: y\r\n\r\n" % (status, reason)


def test_informational_response_headers_are_not_rewritten() -> None:
    conn = _server_after(GET_1_0)
    written = conn.send(InformationalResponse(status_code=103, headers=[("Link", "</a>")]))
    assert written == b"HTTP/1.1 103 \r\nLink: </a>\r\n\r\n"


def test_reason_is_written_verbatim() -> None:
    conn = _server_after(GET_1_1)
    response = Response(
        status_code=200, reason=b"Fine \x01 \xff", headers=[("Content-Length", "0")]
    )
    assert conn.send(response).startswith(b"HTTP/1.1 200 Fine \x01 \xff\r\n")


@pytest.mark.parametrize("version", [b"1.0", b"2.0", b"0.9"])
def test_only_http_1_1_requests_can_be_sent(version: bytes) -> None:
    conn = Connection(CLIENT)
    request = Request(method="GET", target="/", headers=[("Host", "a")], http_version=version)
    with pytest.raises(LocalProtocolError):
        conn.send(request)
    assert conn.our_state is ERROR


@pytest.mark.parametrize(
    "event",
    [
        Response(status_code=200, headers=[], http_version=b"1.0"),
        InformationalResponse(status_code=100, headers=[], http_version=b"1.0"),
    ],
)
def test_only_http_1_1_responses_can_be_sent(event: Event) -> None:
    conn = _server_after(GET_1_1)
    with pytest.raises(LocalProtocolError):
        conn.send(event)
    assert conn.our_state is ERROR


# --- automatic Response header rewriting ----------------------------------------------

REWRITES: list[tuple[str, bytes | None, int, list[tuple[str, str]], list[tuple[bytes, bytes]]]] = [
    # (id, request head or None for "no request yet", status, given, written)
    ("1.1-no-framing-gets-chunked", GET_1_1, 200, [],
     [(b"Transfer-Encoding", b"chunked")]),
    ("1.1-content-length-is-kept", GET_1_1, 200, [("Content-Length", "5")],
     [(b"Content-Length", b"5")]),
    ("1.1-chunked-moves-to-the-end-title-cased", GET_1_1, 200,
     [("transfer-encoding", "chunked"), ("X", "y")],
     [(b"X", b"y"), (b"Transfer-Encoding", b"chunked")]),
    ("1.1-chunked-wins-and-content-length-is-dropped", GET_1_1, 200,
     [("Content-Length", "5"), ("Transfer-Encoding", "chunked"), ("X", "y")],
     [(b"X", b"y"), (b"Transfer-Encoding", b"chunked")]),
    ("1.1-keep-alive-token-untouched-while-keep-alive-is-on", GET_1_1, 200,
     [("Connection", "Keep-Alive"), ("Content-Length", "0")],
     [(b"Connection", b"Keep-Alive"), (b"Content-Length", b"0")]),
    ("1.0-no-framing-closes", GET_1_0, 200, [],
     [(b"Connection", b"close")]),
    ("1.0-chunked-is-removed-and-closes", GET_1_0, 200, [("Transfer-Encoding", "chunked")],
     [(b"Connection", b"close")]),
    ("1.0-content-length-is-kept-but-closes", GET_1_0, 200, [("Content-Length", "5")],
     [(b"Content-Length", b"5"), (b"Connection", b"close")]),
    ("unknown-peer-no-framing-closes", None, 400, [],
     [(b"Connection", b"close")]),
    ("unknown-peer-content-length-keeps-alive", None, 400, [("Content-Length", "0")],
     [(b"Content-Length", b"0")]),
    ("head-1.1-gets-get-framing", HEAD_1_1, 200, [],
     [(b"Transfer-Encoding", b"chunked")]),
    ("head-1.1-content-length-is-kept", HEAD_1_1, 200, [("Content-Length", "5")],
     [(b"Content-Length", b"5")]),
    ("head-1.0-closes", HEAD_1_0, 200, [],
     [(b"Connection", b"close")]),
    ("204-gets-no-framing", GET_1_1, 204, [], []),
    ("304-gets-no-framing", GET_1_1, 304, [], []),
    ("204-to-1.0-only-closes", GET_1_0, 204, [], [(b"Connection", b"close")]),
    ("connect-2xx-gets-no-framing", CONNECT, 200, [], []),
    ("connect-failure-is-framed", CONNECT, 407, [],
     [(b"Transfer-Encoding", b"chunked")]),
    ("client-asked-to-close", GET_CLOSE, 200, [("Content-Length", "5")],
     [(b"Content-Length", b"5"), (b"Connection", b"close")]),
    ("client-asked-to-close-204", GET_CLOSE, 204, [], [(b"Connection", b"close")]),
    ("close-tokens-sorted-one-per-header-keep-alive-dropped", GET_1_0, 200,
     [("Connection", "Upgrade, Keep-Alive"), ("Content-Length", "0")],
     [(b"Content-Length", b"0"), (b"Connection", b"close"), (b"Connection", b"upgrade")]),
    ("close-tokens-from-several-headers", GET_CLOSE, 200,
     [("Connection", "x-b"), ("Content-Length", "0"), ("connection", "X-A, close")],
     [(b"Content-Length", b"0"), (b"Connection", b"close"), (b"Connection", b"x-a"),
      (b"Connection", b"x-b")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("request_head", "status", "given", "written"),
    [case[1:] for case in REWRITES],
    ids=[case[0] for case in REWRITES],
)
def test_response_framing_and_connection_headers_are_rewritten(
    request_head: bytes | None,
    status: int,
    given: list[tuple[str, str]],
    written: list[tuple[bytes, bytes]],
) -> None:
    conn = Connection(SERVER) if request_head is None else _server_after(request_head)
    wire = conn.send(Response(status_code=status, headers=given))
    expected = b"HTTP/1.1 %d \r\n" % status
    expected += b"".join(name + b": " + value + b"\r\n" for name, value in written)
    assert wire == expected + b"\r\n"


def test_a_response_to_a_1_0_client_is_delimited_by_closing() -> None:
    conn = _server_sending_body(GET_1_0)
    assert send_all(conn, [Data(b"raw "), Data(b"bytes"), EndOfMessage()]) == b"raw bytes"
    assert conn.our_state is MUST_CLOSE  # keep-alive is off for HTTP/1.0


def test_head_response_body_is_empty_even_with_get_framing_headers() -> None:
    conn = _server_sending_body(HEAD_1_1)
    with pytest.raises(LocalProtocolError):
        conn.send(Data(b"x"))


def test_head_response_sends_nothing_for_end_of_message() -> None:
    conn = _server_sending_body(HEAD_1_1, ("Content-Length", "5"))
    assert conn.send(EndOfMessage()) == b""
    assert conn.our_state is DONE


# --- Content-Length writer ------------------------------------------------------------


def test_content_length_body_is_written_raw() -> None:
    conn = _client_sending_body(("Content-Length", "10"))
    assert send_all(conn, [Data(b"01234"), Data(b""), Data(b"56789"), EndOfMessage()]) == (
        b"0123456789"
    )
    assert conn.our_state is DONE


def test_sending_more_than_content_length_is_an_error() -> None:
    conn = _client_sending_body(("Content-Length", "3"))
    conn.send(Data(b"ab"))
    with pytest.raises(LocalProtocolError):
        conn.send(Data(b"cd"))
    assert conn.our_state is ERROR


def test_ending_before_content_length_is_reached_is_an_error() -> None:
    conn = _client_sending_body(("Content-Length", "3"))
    conn.send(Data(b"ab"))
    with pytest.raises(LocalProtocolError):
        conn.send(EndOfMessage())
    assert conn.our_state is ERROR


def test_content_length_body_cannot_have_trailers() -> None:
    conn = _client_sending_body(("Content-Length", "3"))
    conn.send(Data(b"abc"))
    with pytest.raises(LocalProtocolError):
        conn.send(EndOfMessage(headers=[("X-Sum", "1")]))
    assert conn.our_state is ERROR


def test_a_request_without_framing_cannot_carry_data() -> None:
    # No framing headers on a request means an empty body (Content-Length 0).
    conn = _client_sending_body()
    with pytest.raises(LocalProtocolError):
        conn.send(Data(b"x"))


def test_a_request_without_framing_can_end_at_once() -> None:
    conn = _client_sending_body()
    assert conn.send(EndOfMessage()) == b""
    assert conn.our_state is DONE


# --- chunked writer (RFC 9112 section 7.1) --------------------------------------------


@pytest.mark.parametrize(
    ("payload", "written"),
    [
        (b"abc", b"3\r\nabc\r\n"),
        (b"x" * 26, b"1a\r\n" + b"x" * 26 + b"\r\n"),  # lowercase hex
        (b"y" * 255, b"ff\r\n" + b"y" * 255 + b"\r\n"),
        (b"z" * 4096, b"1000\r\n" + b"z" * 4096 + b"\r\n"),
    ],
)
def test_each_data_event_becomes_one_chunk_with_a_lowercase_hex_size(
    payload: bytes, written: bytes
) -> None:
    conn = _client_sending_body(("Transfer-Encoding", "chunked"))
    assert conn.send(Data(payload)) == written


def test_empty_data_writes_nothing_in_chunked_mode() -> None:
    # A zero-size chunk would end the body early.
    conn = _client_sending_body(("Transfer-Encoding", "chunked"))
    assert conn.send(Data(b"")) == b""
    assert conn.our_state is SEND_BODY


def test_chunked_end_of_message_writes_the_last_chunk() -> None:
    conn = _client_sending_body(("Transfer-Encoding", "chunked"))
    assert conn.send(EndOfMessage()) == b"0\r\n\r\n"


def test_chunked_trailers_follow_the_last_chunk() -> None:
    conn = _client_sending_body(("Transfer-Encoding", "chunked"))
    written = conn.send(EndOfMessage(headers=[("X-Sum", "abc"), ("x-other", "1")]))
    assert written == b"0\r\nX-Sum: abc\r\nx-other: 1\r\n\r\n"


def test_chunked_trailers_put_host_first_like_any_header_block() -> None:
    conn = _client_sending_body(("Transfer-Encoding", "chunked"))
    written = conn.send(EndOfMessage(headers=[("X", "1"), ("Host", "h")]))
    assert written == b"0\r\nHost: h\r\nX: 1\r\n\r\n"


def test_a_request_with_both_framings_is_sent_chunked() -> None:
    # Transfer-Encoding beats Content-Length on the way out too (RFC 9112 section 6.3).
    conn = _client_sending_body(("Content-Length", "3"), ("Transfer-Encoding", "chunked"))
    assert conn.send(Data(b"hello")) == b"5\r\nhello\r\n"


def test_chunked_response_body_to_a_1_1_client() -> None:
    conn = _server_sending_body(GET_1_1)
    assert send_all(conn, [Data(b"hello"), EndOfMessage()]) == b"5\r\nhello\r\n0\r\n\r\n"


# --- read-until-close writer ----------------------------------------------------------


def test_close_delimited_body_cannot_have_trailers() -> None:
    conn = _server_sending_body(GET_1_0)
    with pytest.raises(LocalProtocolError):
        conn.send(EndOfMessage(headers=[("X-Sum", "1")]))
    assert conn.our_state is ERROR


def test_close_delimited_end_of_message_writes_nothing() -> None:
    conn = _server_sending_body(GET_1_0)
    conn.send(Data(b"body"))
    assert conn.send(EndOfMessage()) == b""


# --- send_with_data_passthrough -------------------------------------------------------


class _Payload:
    """Not bytes: only len() is ever asked of it."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size


def test_passthrough_with_content_length_returns_only_the_data_object() -> None:
    conn = _client_sending_body(("Content-Length", "4"))
    payload = _Payload(4)
    pieces = conn.send_with_data_passthrough(Data(payload))
    assert pieces is not None
    assert len(pieces) == 1
    assert pieces[0] is payload


def test_passthrough_with_chunked_framing_surrounds_the_data_object() -> None:
    conn = _client_sending_body(("Transfer-Encoding", "chunked"))
    payload = _Payload(300)
    pieces = conn.send_with_data_passthrough(Data(payload))
    assert pieces is not None
    assert len(pieces) == 3
    assert pieces[0] == b"12c\r\n"
    assert pieces[1] is payload
    assert pieces[2] == b"\r\n"


def test_passthrough_with_close_delimited_framing_returns_only_the_data_object() -> None:
    conn = _server_sending_body(GET_1_0)
    payload = _Payload(7)
    pieces = conn.send_with_data_passthrough(Data(payload))
    assert pieces is not None
    assert [piece is payload for piece in pieces] == [True]


def test_passthrough_keeps_even_a_bytes_payload_by_identity() -> None:
    conn = _client_sending_body(("Content-Length", "3"))
    payload: Any = bytearray(b"abc")
    pieces = conn.send_with_data_passthrough(Data(payload))
    assert pieces is not None
    assert pieces[0] is payload


def test_passthrough_and_send_produce_the_same_bytes() -> None:
    events: list[Event] = [
        Request(
            method="PUT", target="/", headers=[("Host", "a"), ("Transfer-Encoding", "chunked")]
        ),
        Data(b"hello"),
        Data(b""),
        EndOfMessage(headers=[("X", "1")]),
    ]
    plain = send_all(Connection(CLIENT), events)
    passthrough = Connection(CLIENT)
    joined = b""
    for event in events:
        pieces = passthrough.send_with_data_passthrough(event)
        assert pieces is not None
        joined += b"".join(bytes(piece) for piece in pieces)
    assert joined == plain
