"""Parsing request and response heads (RFC 9112 sections 2-5; docs/http-support.rst,
"What h11typed does").

Every input is fed both in one piece and one byte at a time (``feed``): how
the network splits a head must not change the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

import h11typed
from h11typed import (
    CLIENT,
    ERROR,
    NEED_DATA,
    PAUSED,
    SERVER,
    Connection,
    EndOfMessage,
    Event,
    InformationalResponse,
    RemoteProtocolError,
    Request,
    Response,
)
from tests.helpers import Feed, events_from, parametrize_feed

if TYPE_CHECKING:
    from h11typed._state import Role


def _client_awaiting_response(method: bytes = b"GET") -> Connection:
    """A client that has sent a complete request and waits for the response."""
    conn = Connection(CLIENT)
    conn.send(Request(method=method, target="/", headers=[("Host", "a")]))
    conn.send(EndOfMessage())
    return conn


def _reader(role: Role) -> Connection:
    """A connection that is waiting to read a head from a peer playing ``role``."""
    return Connection(SERVER) if role == CLIENT else _client_awaiting_response()


def _parse_request(data: bytes, feed: Feed = "at-once") -> Request:
    first = events_from(Connection(SERVER), data, feed=feed)[0]
    assert type(first) is Request
    return first


def _parse_response(data: bytes, feed: Feed = "at-once") -> Event:
    first = events_from(_client_awaiting_response(), data, feed=feed)[0]
    assert type(first) in (Response, InformationalResponse)
    return first


def _reject(conn: Connection, data: bytes, feed: Feed) -> RemoteProtocolError:
    with pytest.raises(RemoteProtocolError) as excinfo:
        events_from(conn, data, feed=feed)
    assert conn.their_state is ERROR
    return excinfo.value


# --- line endings ----------------------------------------------------------------

REQUEST_LINE_ENDINGS = [
    b"GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n",
    b"GET / HTTP/1.1\nHost: a\nX: y\n\n",
    b"GET / HTTP/1.1\r\nHost: a\nX: y\r\n\n",
    b"GET / HTTP/1.1\nHost: a\r\nX: y\n\r\n",
]


@pytest.mark.parametrize("data", REQUEST_LINE_ENDINGS)
@parametrize_feed
def test_request_head_lines_may_end_in_crlf_or_bare_lf_in_any_mix(data: bytes, feed: Feed) -> None:
    request = _parse_request(data, feed)
    assert request == Request(method="GET", target="/", headers=[("Host", "a"), ("X", "y")])


@pytest.mark.parametrize(
    "data",
    [
        b"HTTP/1.1 200 OK\r\nX: y\r\n\r\n",
        b"HTTP/1.1 200 OK\nX: y\n\n",
        b"HTTP/1.1 200 OK\r\nX: y\n\r\n",
        b"HTTP/1.1 200 OK\nX: y\r\n\n",
    ],
)
@parametrize_feed
def test_response_head_lines_may_end_in_crlf_or_bare_lf_in_any_mix(data: bytes, feed: Feed) -> None:
    response = _parse_response(data, feed)
    assert response == Response(status_code=200, reason=b"OK", headers=[("X", "y")])


@pytest.mark.parametrize("blank", [b"\r\n", b"\n"], ids=["crlf", "lf"])
@parametrize_feed
def test_a_request_that_starts_with_an_empty_line_is_rejected(blank: bytes, feed: Feed) -> None:
    # RFC 9112 section 2.2 lets a server skip leading blank lines; h11 does not.
    _reject(Connection(SERVER), blank + b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", feed)


@pytest.mark.parametrize("blank", [b"\r\n", b"\n"], ids=["crlf", "lf"])
@parametrize_feed
def test_a_response_that_starts_with_an_empty_line_is_rejected(blank: bytes, feed: Feed) -> None:
    _reject(_client_awaiting_response(), blank + b"HTTP/1.1 200 OK\r\n\r\n", feed)


@pytest.mark.parametrize(
    ("peer", "head", "message"),
    [
        (CLIENT, b"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", "no request line"),
        (SERVER, b"\r\nHTTP/1.1 200 OK\r\n\r\n", "no response line"),
    ],
)
def test_a_leading_empty_line_is_reported_as_a_missing_start_line(
    peer: Role, head: bytes, message: str
) -> None:
    # Fed at once: byte by byte, the lone CR is rejected even earlier (see below).
    error = _reject(_reader(peer), head, "at-once")
    assert message in str(error)


# --- request line (RFC 9112 section 3) ----------------------------------------------


@pytest.mark.parametrize(
    ("line", "method", "target", "version"),
    [
        (b"GET / HTTP/1.1", b"GET", b"/", b"1.1"),
        (b"get /x?y=1 HTTP/1.1", b"get", b"/x?y=1", b"1.1"),
        (b"OPTIONS * HTTP/1.1", b"OPTIONS", b"*", b"1.1"),
        (b"CONNECT example.com:443 HTTP/1.1", b"CONNECT", b"example.com:443", b"1.1"),
        (b"GET http://a/b HTTP/1.1", b"GET", b"http://a/b", b"1.1"),
        (b"GET / HTTP/2.0", b"GET", b"/", b"2.0"),
        (b"GET / HTTP/0.9", b"GET", b"/", b"0.9"),
    ],
)
@parametrize_feed
def test_request_line_is_method_sp_target_sp_http_version(
    line: bytes, method: bytes, target: bytes, version: bytes, feed: Feed
) -> None:
    request = _parse_request(line + b"\r\nHost: a\r\n\r\n", feed)
    assert (request.method, request.target, request.http_version) == (method, target, version)


@pytest.mark.parametrize(
    "line",
    [
        b"GET  / HTTP/1.1",  # two spaces
        b"GET /  HTTP/1.1",
        b"GET\t/ HTTP/1.1",  # only SP separates
        b"GET / HTTP/1.1 ",  # garbage after the version
        b"GET / HTTP/1.1x",
        b"GET / http/1.1",  # "HTTP" is case-sensitive
        b"GET / HTTP/1.10",  # exactly one digit each side
        b"GET / HTTP/11",
        b"GET / HTTP/1",
        b"GET /",
        b"GET",
        b"GET / ",
        b" / HTTP/1.1",
        b"G@T / HTTP/1.1",  # not a token
        b"GET /\x7f HTTP/1.1",  # target bytes must be 0x21-0x7E
        b"GET /\xff HTTP/1.1",
        b"GET /\x00 HTTP/1.1",
    ],
)
@parametrize_feed
def test_malformed_request_lines_are_rejected(line: bytes, feed: Feed) -> None:
    _reject(Connection(SERVER), line + b"\r\nHost: a\r\n\r\n", feed)


# --- status line (RFC 9112 section 4) ------------------------------------------------


@pytest.mark.parametrize(
    ("line", "status", "reason"),
    [
        (b"HTTP/1.1 200 OK", 200, b"OK"),
        (b"HTTP/1.1 404 Not Found", 404, b"Not Found"),
        (b"HTTP/1.1 200", 200, b""),  # the reason is optional...
        (b"HTTP/1.1 200 ", 200, b""),  # ...and may be empty
        (b"HTTP/1.1 200 OK ", 200, b"OK "),  # the reason is kept as sent
        (b"HTTP/1.1 200 a\tb", 200, b"a\tb"),
        (b"HTTP/1.1 200 caf\xc3\xa9 \xff", 200, b"caf\xc3\xa9 \xff"),  # obs-text
        (b"HTTP/1.1 200 \x01\x1f\x7f", 200, b"\x01\x1f\x7f"),  # other controls
        (b"HTTP/1.1 999 Odd", 999, b"Odd"),
    ],
)
@parametrize_feed
def test_status_line_has_an_optional_permissive_reason(
    line: bytes, status: int, reason: bytes, feed: Feed
) -> None:
    response = _parse_response(line + b"\r\n\r\n", feed)
    assert type(response) is Response
    assert (response.status_code, response.reason) == (status, reason)
    assert type(response.reason) is bytes


@pytest.mark.parametrize("version", [b"1.0", b"1.1", b"2.0"])
def test_status_line_version_is_reported(version: bytes) -> None:
    response = _parse_response(b"HTTP/" + version + b" 200 OK\r\n\r\n")
    assert type(response) is Response
    assert response.http_version == version


@pytest.mark.parametrize("status", [100, 102, 103, 199])
def test_status_below_200_is_an_informational_response(status: int) -> None:
    response = _parse_response(b"HTTP/1.1 %d Info\r\n\r\n" % status)
    assert response == InformationalResponse(status_code=status, reason=b"Info", headers=[])


@pytest.mark.parametrize(
    "line",
    [
        b"HTTP/1.1  200 OK",
        b"HTTP/1.1 20 OK",
        b"HTTP/1.1 2000 OK",
        b"HTTP/1.1 20x OK",
        b"HTTP/1.1 099 Too small",  # parses, but no event has status < 100
        b"http/1.1 200 OK",
        b"HTTP/1.1 200 O\x00K",
        b"HTTP/1.1 200 O\rK",
        b"HTTP/1.1 200 O\x0bK",
        b"HTTP/1.1\t200 OK",
    ],
)
@parametrize_feed
def test_malformed_status_lines_are_rejected(line: bytes, feed: Feed) -> None:
    _reject(_client_awaiting_response(), line + b"\r\n\r\n", feed)


# --- header lines (RFC 9112 section 5) -----------------------------------------------


@pytest.mark.parametrize(
    ("line", "value"),
    [
        (b"X:y", b"y"),
        (b"X: y", b"y"),
        (b"X: \t y \t ", b"y"),  # OWS on both sides is stripped
        (b"X: a  b", b"a  b"),  # inner whitespace is kept
        (b"X:", b""),
        (b"X:   ", b""),
        (b"X: \x01\x7f\xff", b"\x01\x7f\xff"),  # controls and obs-text are allowed
    ],
)
@parametrize_feed
def test_header_value_is_stripped_of_surrounding_ows(line: bytes, value: bytes, feed: Feed) -> None:
    request = _parse_request(b"GET / HTTP/1.1\r\nHost: a\r\n" + line + b"\r\n\r\n", feed)
    assert list(request.headers) == [(b"host", b"a"), (b"x", value)]


@pytest.mark.parametrize(
    "line",
    [
        b"X : y",  # no whitespace between name and colon (RFC 9112 section 5.1)
        b"X\t: y",
        b": y",  # empty name
        b"X y",  # no colon
        b"X Y: z",  # not a token
        b"X: a\rb",  # CR alone inside a line
        b"X: a\x00b",  # NUL in a value
        b"X\x80: y",
    ],
)
@parametrize_feed
def test_malformed_header_lines_are_rejected(line: bytes, feed: Feed) -> None:
    _reject(Connection(SERVER), b"GET / HTTP/1.1\r\nHost: a\r\n" + line + b"\r\n\r\n", feed)


def test_header_names_are_lowercased_and_raw_casing_is_kept() -> None:
    request = _parse_request(b"GET / HTTP/1.1\r\nHOST: a\r\nX-Foo: 1\r\n\r\n")
    assert list(request.headers) == [(b"host", b"a"), (b"x-foo", b"1")]
    assert request.headers.raw_items() == [(b"HOST", b"a"), (b"X-Foo", b"1")]


def test_parsed_head_fields_are_bytes_not_bytearray() -> None:
    request = _parse_request(b"GET /p HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n")
    parts = [request.method, request.target, request.http_version]
    for name, value in request.headers.raw_items():
        parts += [name, value]
    for name, value in request.headers:
        parts += [name, value]
    assert {type(part) for part in parts} == {bytes}


# --- obs-fold (RFC 9112 section 5.2) -------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "value"),
    [
        (b"X: a\r\n b", b"a b"),
        (b"X: a\r\n\tb", b"a b"),
        (b"X: a\r\n \t  b", b"a b"),  # the whole whitespace run becomes one space
        (b"X: a\r\n b\r\n  c", b"a b c"),
        (b"X: a\n b", b"a b"),
    ],
)
@parametrize_feed
def test_obs_fold_continuation_lines_are_joined_with_a_single_space(
    lines: bytes, value: bytes, feed: Feed
) -> None:
    request = _parse_request(b"GET / HTTP/1.1\r\nHost: a\r\n" + lines + b"\r\nZ: 1\r\n\r\n", feed)
    assert list(request.headers) == [(b"host", b"a"), (b"x", value), (b"z", b"1")]


@parametrize_feed
def test_obs_fold_in_a_response_is_joined_too(feed: Feed) -> None:
    response = _parse_response(b"HTTP/1.1 200 OK\r\nX: a\r\n  b\r\n\r\n", feed)
    assert type(response) is Response
    assert list(response.headers) == [(b"x", b"a b")]


@pytest.mark.parametrize("role", [CLIENT, SERVER])
@parametrize_feed
def test_a_continuation_line_before_any_header_is_rejected(role: Role, feed: Feed) -> None:
    start = b"GET / HTTP/1.1" if role == CLIENT else b"HTTP/1.1 200 OK"
    _reject(_reader(role), start + b"\r\n X: y\r\nHost: a\r\n\r\n", feed)


# --- early rejection ------------------------------------------------------------------


@pytest.mark.parametrize(
    "first", [b"\x00", b"\x01", b"\t", b"\n", b"\r", b"\x16", b"\x1f", b" "], ids=repr
)
@pytest.mark.parametrize("peer", [CLIENT, SERVER])
def test_a_head_starting_with_a_byte_below_0x21_is_rejected_before_any_newline(
    first: bytes, peer: Role
) -> None:
    # E.g. a TLS ClientHello (0x16) sent to a plain-text port fails at once,
    # without waiting for a line ending that may never come.
    conn = _reader(peer)
    conn.receive_data(first)
    with pytest.raises(RemoteProtocolError):
        conn.next_event()


@pytest.mark.parametrize("first", [b"!", b"G", b"H", b"~"])
@pytest.mark.parametrize("peer", [CLIENT, SERVER])
def test_a_head_starting_with_a_visible_byte_waits_for_more(first: bytes, peer: Role) -> None:
    conn = _reader(peer)
    conn.receive_data(first)
    assert conn.next_event() is NEED_DATA


# --- Host, Content-Length and Transfer-Encoding on received requests ------------------


def test_http_1_1_request_without_host_is_rejected() -> None:
    _reject(Connection(SERVER), b"GET / HTTP/1.1\r\n\r\n", "at-once")


def test_http_1_0_request_without_host_is_accepted() -> None:
    request = _parse_request(b"GET / HTTP/1.0\r\n\r\n")
    assert request.http_version == b"1.0"
    assert list(request.headers) == []


@pytest.mark.parametrize("version", [b"1.0", b"1.1"])
def test_request_with_two_host_headers_is_rejected(version: bytes) -> None:
    data = b"GET / HTTP/" + version + b"\r\nHost: a\r\nHost: b\r\n\r\n"
    _reject(Connection(SERVER), data, "at-once")


@pytest.mark.parametrize(
    ("lines", "hint"),
    [
        (b"Transfer-Encoding: gzip", 501),
        (b"Transfer-Encoding: gzip, chunked", 501),
        (b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", 501),
        (b"Content-Length: 1, 2", 400),
        (b"Content-Length: 1\r\nContent-Length: 2", 400),
        (b"Content-Length: -1", 400),
        (b"Content-Length: 123456789012345678901", 400),  # 21 digits
    ],
)
def test_bad_framing_headers_are_rejected_with_a_status_hint(lines: bytes, hint: int) -> None:
    data = b"POST / HTTP/1.1\r\nHost: a\r\n" + lines + b"\r\n\r\n"
    error = _reject(Connection(SERVER), data, "at-once")
    assert error.error_status_hint == hint


def test_repeated_equal_content_lengths_are_collapsed() -> None:
    request = _parse_request(
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0, 0\r\nContent-Length: 0\r\n\r\n"
    )
    assert list(request.headers) == [(b"host", b"a"), (b"content-length", b"0")]


# --- the incomplete-event limit (431) -------------------------------------------------


def _incomplete_head(size: int) -> bytes:
    """``size`` bytes of a request head that never ends."""
    start = b"GET / HTTP/1.1\r\nX: "
    return start + b"a" * (size - len(start))


def test_an_incomplete_head_up_to_the_default_limit_waits_for_more() -> None:
    conn = Connection(SERVER)
    conn.receive_data(_incomplete_head(16 * 1024))
    assert conn.next_event() is NEED_DATA


def test_an_incomplete_head_over_the_default_limit_is_rejected_with_431() -> None:
    conn = Connection(SERVER)
    error = _reject(conn, _incomplete_head(16 * 1024 + 1), "at-once")
    assert error.error_status_hint == 431


@pytest.mark.parametrize("peer", [CLIENT, SERVER])
def test_the_limit_is_configurable(peer: Role) -> None:
    conn = (
        Connection(SERVER, max_incomplete_event_size=100)
        if peer == CLIENT
        else Connection(CLIENT, max_incomplete_event_size=100)
    )
    if peer == SERVER:
        conn.send(Request(method="GET", target="/", headers=[("Host", "a")]))
        conn.send(EndOfMessage())
    conn.receive_data(b"X" * 100)
    assert conn.next_event() is NEED_DATA
    conn.receive_data(b"X")
    with pytest.raises(RemoteProtocolError) as excinfo:
        conn.next_event()
    assert excinfo.value.error_status_hint == 431


def test_a_complete_head_larger_than_the_limit_is_rejected_when_it_arrives_at_once() -> None:
    # Stricter than h11, which only limits bytes still waiting: the outcome must not
    # depend on the split (tests/test_hardening.py has the rest).
    head = b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"a" * 200 + b"\r\n\r\n"
    error = _reject(Connection(SERVER, max_incomplete_event_size=100), head, "at-once")
    assert error.error_status_hint == 431


def test_the_same_head_fed_bytewise_hits_the_limit_once_the_buffer_outgrows_it() -> None:
    head = b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"a" * 200 + b"\r\n\r\n"
    conn = Connection(SERVER, max_incomplete_event_size=100)
    error = _reject(conn, head, "bytewise")
    assert error.error_status_hint == 431


def test_data_waiting_behind_paused_does_not_count_against_the_limit() -> None:
    conn = Connection(SERVER, max_incomplete_event_size=100)
    first = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
    events = events_from(conn, first + b"GET /" + b"x" * 300)
    assert [type(event) for event in events] == [Request, EndOfMessage]
    assert conn.next_event() is PAUSED


def test_the_limit_counts_the_whole_buffer_not_just_the_current_line() -> None:
    # Many short complete header lines, but no blank line yet: still too long.
    conn = Connection(SERVER, max_incomplete_event_size=100)
    error = _reject(conn, b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 20, "at-once")
    assert error.error_status_hint == 431


# --- a head split at any byte ---------------------------------------------------------
# The parser reads optimistically and may stop anywhere inside a head: in the method,
# the target, the version digits, the status code, the reason, a line end or an obs-fold
# continuation. Wherever the first receive_data call ends, the result must be the one of
# the whole head (RFC 9112 section 2.2 leaves message framing to the bytes, not to the
# transport's segment boundaries).

SPLIT_REQUEST_HEADS = [
    pytest.param(
        b"POST /path?q=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n",
        [
            Request(
                method="POST",
                target="/path?q=1",
                headers=[("Host", "example.com"), ("Content-Length", "0")],
            ),
            EndOfMessage(),
        ],
        id="crlf",
    ),
    pytest.param(
        b"GET / HTTP/1.0\nHost: a\n\n",
        [
            Request(method="GET", target="/", headers=[("Host", "a")], http_version="1.0"),
            EndOfMessage(),
        ],
        id="bare-lf",
    ),
    pytest.param(
        b"GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n  two\r\n\tthree\r\nZ: 1\r\n\r\n",
        [
            Request(
                method="GET",
                target="/",
                headers=[("Host", "a"), ("X-Long", "one two three"), ("Z", "1")],
            ),
            EndOfMessage(),
        ],
        id="obs-fold",
    ),
]

SPLIT_RESPONSE_HEADS = [
    pytest.param(
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        [Response(status_code=200, reason="OK", headers=[("Content-Length", "0")]), EndOfMessage()],
        id="crlf",
    ),
    pytest.param(
        b"HTTP/1.1 204\r\n\r\n",
        [Response(status_code=204, headers=[]), EndOfMessage()],
        id="no-reason",
    ),
    pytest.param(
        b"HTTP/1.1 100 Continue\n\n",
        [InformationalResponse(status_code=100, reason="Continue", headers=[])],
        id="informational-bare-lf",
    ),
    pytest.param(
        b"HTTP/1.1 404 Not Found\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n",
        [
            Response(
                status_code=404, reason="Not Found", headers=[("X", "a b"), ("Content-Length", "0")]
            ),
            EndOfMessage(),
        ],
        id="obs-fold",
    ),
]


def _assert_same_events_when_split_anywhere(
    make_reader: Callable[[], Connection], head: bytes, expected: list[Event]
) -> None:
    whole = make_reader()
    assert events_from(whole, head) == expected
    for cut in range(1, len(head)):
        conn = make_reader()
        conn.receive_data(head[:cut])
        assert conn.next_event() is NEED_DATA, head[:cut]
        assert events_from(conn, head[cut:]) == expected, head[:cut]
        assert conn.states == whole.states


@pytest.mark.parametrize(("head", "expected"), SPLIT_REQUEST_HEADS)
def test_a_request_head_split_at_any_byte_gives_the_same_events(
    head: bytes, expected: list[Event]
) -> None:
    _assert_same_events_when_split_anywhere(lambda: Connection(SERVER), head, expected)


@pytest.mark.parametrize(("head", "expected"), SPLIT_RESPONSE_HEADS)
def test_a_response_head_split_at_any_byte_gives_the_same_events(
    head: bytes, expected: list[Event]
) -> None:
    _assert_same_events_when_split_anywhere(_client_awaiting_response, head, expected)


# Malformed heads whose first byte is visible, so nothing is rejected early: an error
# anywhere in them may only be reported once the whole head has arrived.
SPLIT_BAD_HEADS = [
    pytest.param(CLIENT, b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", id="empty-target"),
    pytest.param(CLIENT, b"G@T / HTTP/1.1\r\nHost: a\r\n\r\n", id="method-not-a-token"),
    pytest.param(CLIENT, b"GET / HTTP/1.x\r\nHost: a\r\n\r\n", id="version-not-a-digit"),
    pytest.param(CLIENT, b"GET / HTTP/1.1\rX\r\nHost: a\r\n\r\n", id="cr-without-lf"),
    pytest.param(CLIENT, b"GET / HTTP/1.1\r\nX : y\r\nHost: a\r\n\r\n", id="space-before-colon"),
    pytest.param(CLIENT, b"GET / HTTP/1.1\r\nHost: a\r\n\rX: y\r\n\r\n", id="line-starts-with-cr"),
    pytest.param(CLIENT, b"GET / HTTP/1.1\r\n X: y\r\nHost: a\r\n\r\n", id="fold-first"),
    pytest.param(CLIENT, b"GET / HTTP/1.1\r\nX: a\r\n b\x00c\r\nHost: a\r\n\r\n", id="nul-in-fold"),
    pytest.param(CLIENT, b"GET / HTTP/1.1\r\nX: y\r\n\r\n", id="no-host"),
    pytest.param(
        CLIENT, b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", id="bad-coding"
    ),
    pytest.param(SERVER, b"HTTPS/1.1 200 OK\r\n\r\n", id="not-http"),
    pytest.param(SERVER, b"HTTP/1.1 2x0 OK\r\n\r\n", id="code-not-digits"),
    pytest.param(SERVER, b"HTTP/1.1 2000 OK\r\n\r\n", id="four-digit-code"),
    pytest.param(SERVER, b"HTTP/1.1 099 Early\r\n\r\n", id="code-below-100"),
    pytest.param(SERVER, b"HTTP/1.1 200 O\x00K\r\nX: y\r\n\r\n", id="nul-in-reason"),
    pytest.param(SERVER, b"HTTP/1.1 200 OK\r\nX: a\r\n\tb\r\nno-colon\r\n\r\n", id="no-colon"),
]


@pytest.mark.parametrize(("peer", "head"), SPLIT_BAD_HEADS)
def test_an_error_in_a_split_head_is_reported_once_the_head_is_complete(
    peer: Role, head: bytes
) -> None:
    whole_error = _reject(_reader(peer), head, "at-once")
    for cut in range(1, len(head)):
        conn = _reader(peer)
        conn.receive_data(head[:cut])
        assert conn.next_event() is NEED_DATA, head[:cut]
        error = _reject(conn, head[cut:], "at-once")
        assert (str(error), error.error_status_hint) == (
            str(whole_error),
            whole_error.error_status_hint,
        ), head[:cut]


# --- max_header_count (an h11typed extension; h11 has no such limit) ----------------------
# Bounds the number of fields in a received head (and trailer section): one field more
# is refused with 431 (RFC 6585 section 5) as soon as its first byte is seen, however
# the bytes are split, so a peer cannot make us buffer fields we will refuse anyway.

# (peer, a head with three fields)
THREE_FIELD_HEADS = [
    pytest.param(CLIENT, b"GET / HTTP/1.1\r\nHost: a\r\nB: 2\r\nC: 3\r\n\r\n", id="request"),
    pytest.param(SERVER, b"HTTP/1.1 200 OK\nA: 1\nB: 2\nC: 3\n\n", id="response-bare-lf"),
]


def _limited_reader(peer: Role, max_header_count: int | None) -> Connection:
    """Like ``_reader``, with a field limit."""
    if peer == CLIENT:
        return Connection(SERVER, max_header_count=max_header_count)
    conn = Connection(CLIENT, max_header_count=max_header_count)
    conn.send(Request(method="GET", target="/", headers=[("Host", "a")]))
    conn.send(EndOfMessage())
    return conn


@pytest.mark.parametrize("limit", [3, 4, None])
@pytest.mark.parametrize(("peer", "head"), THREE_FIELD_HEADS)
@parametrize_feed
def test_a_head_with_at_most_max_header_count_fields_is_accepted(
    peer: Role, head: bytes, limit: int | None, feed: Feed
) -> None:
    head_event = events_from(_limited_reader(peer, limit), head, feed=feed)[0]
    assert isinstance(head_event, (Request, Response))
    assert len(head_event.headers) == 3


@pytest.mark.parametrize("limit", [0, 1, 2])
@pytest.mark.parametrize(("peer", "head"), THREE_FIELD_HEADS)
@parametrize_feed
def test_a_head_with_more_fields_than_max_header_count_is_rejected_with_431(
    peer: Role, head: bytes, limit: int, feed: Feed
) -> None:
    error = _reject(_limited_reader(peer, limit), head, feed)
    assert error.error_status_hint == 431


@pytest.mark.parametrize("limit", [0, 1, 2])
@pytest.mark.parametrize(("peer", "head"), THREE_FIELD_HEADS)
def test_the_431_comes_with_the_first_byte_of_the_field_over_the_limit_however_split(
    peer: Role, head: bytes, limit: int
) -> None:
    # The field over the limit starts after the start line and `limit` field lines.
    line_starts = [i + 1 for i, byte in enumerate(head) if byte == ord("\n")]
    first_refused_byte = line_starts[limit]
    for cut in range(1, len(head)):
        conn = _limited_reader(peer, limit)
        conn.receive_data(head[:cut])
        if cut <= first_refused_byte:
            assert conn.next_event() is NEED_DATA, head[:cut]
            conn.receive_data(head[cut : first_refused_byte + 1])
        with pytest.raises(RemoteProtocolError) as excinfo:
            conn.next_event()
        assert excinfo.value.error_status_hint == 431, head[:cut]


@parametrize_feed
def test_obs_fold_continuation_lines_do_not_count_as_fields(feed: Feed) -> None:
    head = b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\t3\r\n\r\n"
    request = events_from(Connection(SERVER, max_header_count=2), head, feed=feed)[0]
    assert type(request) is Request
    assert list(request.headers) == [(b"host", b"a"), (b"x", b"1 2 3")]


@pytest.mark.parametrize(
    ("peer", "head"), [(CLIENT, b"GET / HTTP/1.0\r\n\r\n"), (SERVER, b"HTTP/1.1 204\r\n\r\n")]
)
@parametrize_feed
def test_max_header_count_zero_still_accepts_a_head_without_fields(
    peer: Role, head: bytes, feed: Feed
) -> None:
    events = events_from(_limited_reader(peer, 0), head, feed=feed)
    assert type(events[0]) in (Request, Response)


def test_header_grammar_errors_are_reported_before_framing_errors() -> None:
    # As h11 does: every line's grammar is checked before the framing values, so an
    # unsupported Transfer-Encoding (501) earlier in the head loses to a bad line (400).
    server = Connection(SERVER)
    server.receive_data(b"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nbad line\r\n\r\n")
    with pytest.raises(RemoteProtocolError, match="illegal header line") as caught:
        server.next_event()
    assert caught.value.error_status_hint == 400


def test_the_first_of_several_framing_errors_is_the_one_reported() -> None:
    server = Connection(SERVER)
    server.receive_data(
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nContent-Length: 1, 2\r\n\r\n"
    )
    with pytest.raises(RemoteProtocolError, match="Transfer-Encoding") as caught:
        server.next_event()
    assert caught.value.error_status_hint == 501


# --- ready-made field names (h11typed._field_names) ---------------------------------


@pytest.fixture
def byte_loop_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pure build reads plain heads by regex; make it run the compiled build's byte
    loop, which is where the table of ready-made names is used."""
    from h11typed import _readers

    if not h11typed.COMPILED:
        monkeypatch.setattr(_readers, "COMPILED", True)


def _field_read_from(name: bytes) -> tuple[tuple[bytes, bytes], tuple[bytes, bytes]]:
    """The raw and the lowercased (name, value) read from a field line ``name: v``."""
    request = _parse_request(b"GET / HTTP/1.1\r\nHost: a\r\n" + name + b": v\r\n\r\n")
    return request.headers.raw_items()[1], request.headers[1]


def _slot_twin(known: bytes) -> bytes:
    """A token name, not ``known``, that hashes to ``known``'s slot in the table."""
    from h11typed import _field_names

    def slot(name: bytes) -> int:
        return _field_names.slot_of(*_field_names.pack(name), len(name))

    for i in range(1_000_000):
        candidate = b"x-%d" % i
        if slot(candidate) == slot(known):
            return candidate
    raise AssertionError("no twin found")  # pragma: no cover


@pytest.mark.parametrize(
    "known",
    [
        b"Host",
        b"User-Agent",
        b"sec-ch-ua",
        b"Content-Length",
        b"Transfer-Encoding",
        b"Sec-WebSocket-Extensions",
    ],
)
def test_a_name_sharing_a_known_names_slot_is_read_as_itself(
    known: bytes, byte_loop_parser: None
) -> None:
    # The table is only a shortcut: a different name in the same slot must not be
    # mistaken for the known one.
    twin = _slot_twin(known)
    assert _field_read_from(twin) == ((twin, b"v"), (twin, b"v"))


@pytest.mark.parametrize(
    "name",
    [b"User-Agent", b"user-agent", b"USER-AGENT", b"User-agent", b"Cookie", b"sec-fetch-mode"],
)
def test_known_names_keep_their_raw_spelling_and_are_lowercased(
    name: bytes, byte_loop_parser: None
) -> None:
    assert _field_read_from(name) == ((name, b"v"), (name.lower(), b"v"))


def test_a_prefix_of_a_known_name_is_read_as_itself(byte_loop_parser: None) -> None:
    request = _parse_request(
        b"GET / HTTP/1.1\r\nHost: a\r\nUser-Agen: v\r\nUser-Agent-X: w\r\n\r\n"
    )
    assert list(request.headers) == [(b"host", b"a"), (b"user-agen", b"v"), (b"user-agent-x", b"w")]


@pytest.mark.parametrize(
    "known",
    [
        b"Transfer-Encoding",
        b"transfer-encoding",
        b"Access-Control-Allow-Origin",
        b"sec-ch-ua-platform",
    ],
)
def test_a_long_name_differing_from_a_known_one_only_past_16_bytes_is_read_as_itself(
    known: bytes, byte_loop_parser: None
) -> None:
    # Only 16 bytes are packed: the rest of a long name must be compared too, or a
    # lookalike would be read as (say) Transfer-Encoding.
    lookalike = known[:-1] + b"x"
    assert _field_read_from(lookalike) == ((lookalike, b"v"), (lookalike.lower(), b"v"))


def test_a_known_name_with_more_bytes_past_the_packed_ones_is_read_as_itself(
    byte_loop_parser: None,
) -> None:
    request = _parse_request(
        b"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encodings: v\r\nContent-Length2: 5\r\n\r\n"
    )
    assert list(request.headers) == [
        (b"host", b"a"),
        (b"transfer-encodings", b"v"),
        (b"content-length2", b"5"),
    ]
