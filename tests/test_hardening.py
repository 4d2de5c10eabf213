"""Where h11typed is stricter than h11: RFC 9110/9112 MUST rules on the receive side.

Each rule is tested on both feeds (one piece, one byte per call) because a rule that a
split could dodge is no rule. The docs' "HTTP support" page lists every deviation with
its RFC clause; tests/test_differential.py skips these cases when comparing with h11.
"""

from __future__ import annotations

import pytest

from h11typed import (
    CLIENT,
    DONE,
    ERROR,
    MUST_CLOSE,
    SERVER,
    Connection,
    Data,
    EndOfMessage,
    Event,
    RemoteProtocolError,
    Request,
    Response,
)
from h11typed._abnf import is_host
from tests.helpers import Feed, events_from, normalize_data_events, parametrize_feed


def _request(host_line: bytes) -> bytes:
    return b"GET / HTTP/1.1\r\n" + host_line + b"\r\n\r\n"


def _reject(conn: Connection, data: bytes, feed: Feed) -> RemoteProtocolError:
    with pytest.raises(RemoteProtocolError) as excinfo:
        events_from(conn, data, feed=feed)
    assert conn.their_state is ERROR
    return excinfo.value


def _client_after_get() -> Connection:
    client = Connection(CLIENT)
    client.send(Request(method="GET", target="/", headers=[("Host", "a")]))
    client.send(EndOfMessage())
    return client


# --- Host: uri-host [ ":" port ] (RFC 9112 §3.2, RFC 3986 §3.2.2-3.2.3) ------------

VALID_HOSTS = [
    b"example.com",
    b"example.com:8080",
    b"EXAMPLE.com:",  # port = *DIGIT may be empty
    b"192.0.2.1:80",
    b"999.1.1.1",  # not an IPv4 address, but a valid reg-name
    b"xn--bcher-kva.example",
    b"a-b_c~d.!$&'()*+,;=",  # every unreserved and sub-delims class
    b"caf%C3%A9.example",  # pct-encoded
    b"[::1]",
    b"[2001:db8::7]:443",
    b"[::ffff:192.0.2.1]",
    b"[v1.fe80::a+en1]",  # IPvFuture
    b"",  # RFC 9112 §3.2: empty when the target has no authority
    b":80",  # an empty reg-name is allowed by the grammar
]


@parametrize_feed
@pytest.mark.parametrize("host", VALID_HOSTS)
def test_a_valid_host_value_is_accepted(host: bytes, feed: Feed) -> None:
    events = events_from(Connection(SERVER), _request(b"Host: " + host), feed=feed)
    request = events[0]
    assert isinstance(request, Request)
    assert request.headers == [(b"host", host)]


INVALID_HOSTS = [
    b"exa mple.com",  # SP inside
    b"example.com/path",  # "/" belongs to the path
    b"user@example.com",  # userinfo is not allowed in Host
    b"example.com:80a",  # a bad port
    b"example.com:-1",
    b"example.com:80:80",
    b"[::1",  # an unclosed IP-literal
    b"[::1]x",  # bytes after the literal that are not a port
    b"[::g]",  # not IPv6
    b"[1:2:3:4:5:6:7:8:9]",
    b"[fe80::1%25eth0]",  # a zone ID is RFC 6874, not RFC 9112
    b"[v1.]",  # IPvFuture with nothing after the dot
    b"[vx.a]",
    b"exa\x01mple.com",  # a control byte (a legal field-value byte)
    b"caf\xc3\xa9.example",  # raw non-ASCII must be pct-encoded
    b"example.com%2",  # a truncated pct-encoding
    b"example.com%zz",
    b'"example.com"',
    b"a\\b",
    b"example.com?",
    b"example.com#frag",
]


@pytest.mark.parametrize("host", VALID_HOSTS)
def test_the_host_grammar_accepts_a_valid_host(host: bytes) -> None:
    # The grammar itself, not only the pure build's regex shortcut in front of it.
    assert is_host(host)


@pytest.mark.parametrize("host", INVALID_HOSTS)
def test_the_host_grammar_rejects_an_invalid_host(host: bytes) -> None:
    assert not is_host(host)


@parametrize_feed
@pytest.mark.parametrize("host", INVALID_HOSTS)
def test_an_invalid_host_value_is_rejected_with_400(host: bytes, feed: Feed) -> None:
    # RFC 9112 §3.2: a server MUST respond 400 to a Host field with an invalid value.
    error = _reject(Connection(SERVER), _request(b"Host: " + host), feed)
    assert error.error_status_hint == 400
    assert "Host" in str(error)


def test_an_invalid_host_is_rejected_on_an_http10_request_too() -> None:
    error = _reject(Connection(SERVER), b"GET / HTTP/1.0\r\nHost: a b\r\n\r\n", "at-once")
    assert error.error_status_hint == 400


def test_host_whitespace_around_the_value_is_not_part_of_it() -> None:
    # OWS around a field value is not part of it (RFC 9110 §5.5).
    events = events_from(Connection(SERVER), _request(b"Host: \t example.com \t"))
    assert events[0] == Request(method="GET", target="/", headers=[("Host", "example.com")])


def test_a_host_built_by_obs_fold_is_checked_as_unfolded() -> None:
    # The folded value is "a b": a space, so invalid.
    error = _reject(Connection(SERVER), b"GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", "at-once")
    assert error.error_status_hint == 400


def test_a_bad_header_line_is_reported_before_a_bad_host() -> None:
    # Error order as elsewhere: the grammar of every line first, then Host.
    data = b"GET / HTTP/1.1\r\nHost: a b\r\nbad line\r\n\r\n"
    error = _reject(Connection(SERVER), data, "at-once")
    assert "header line" in str(error)


def test_the_host_of_a_response_is_not_checked() -> None:
    # Host is a request field; a response carrying one is not judged by it.
    events = events_from(
        _client_after_get(), b"HTTP/1.1 200 OK\r\nHost: a b\r\nContent-Length: 0\r\n\r\n"
    )
    assert [type(event) for event in events] == [Response, EndOfMessage]


# --- Transfer-Encoding with Content-Length (RFC 9112 §6.1) -------------------------

SMUGGLING = (
    b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n0\r\n\r\n"
)


@parametrize_feed
def test_a_request_with_both_framings_is_framed_by_transfer_encoding(feed: Feed) -> None:
    events = normalize_data_events(events_from(Connection(SERVER), SMUGGLING, feed=feed))
    assert events[1:] == [Data(b"hello"), EndOfMessage()]


@parametrize_feed
def test_a_request_with_both_framings_ends_the_connection_after_its_exchange(feed: Feed) -> None:
    # The server MUST close after responding: nothing after it may be read as a request.
    server = Connection(SERVER)
    events_from(server, SMUGGLING, feed=feed)
    assert server.their_state is MUST_CLOSE
    response = server.send(Response(status_code=200, headers=[("Content-Length", "0")]))
    assert b"connection: close" in response.lower()
    server.send(EndOfMessage())
    assert server.our_state is MUST_CLOSE
    with pytest.raises(RemoteProtocolError, match="expecting EOF"):
        events_from(server, b"GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n", feed=feed)


def test_a_request_with_only_transfer_encoding_keeps_the_connection() -> None:
    data = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    server = Connection(SERVER)
    events_from(server, data)
    assert server.their_state is DONE


def test_a_response_with_both_framings_is_not_reused_either() -> None:
    client = _client_after_get()
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    events = events_from(client, data)
    assert [type(event) for event in events] == [Response, EndOfMessage]
    assert client.their_state is MUST_CLOSE


def test_sending_both_framings_also_ends_the_connection() -> None:
    # Both sides must agree on whether the connection persists.
    client = Connection(CLIENT)
    headers = [("Host", "a"), ("Content-Length", "0"), ("Transfer-Encoding", "chunked")]
    client.send(Request(method="POST", target="/", headers=headers))
    client.send(EndOfMessage())
    assert client.our_state is MUST_CLOSE


# --- chunk extensions (RFC 9112 §7.1.1) -------------------------------------------

VALID_CHUNK_LINES = [
    b"5",
    b"5;a",
    b"5;a=b",
    b"5 ; a = b",  # BWS around ";" and "="
    b"5\t;a",
    b"5;a;b=c;d",
    b'5;a="quoted value"',
    b'5;a="with \\"escapes\\" and \\\\"',
    b'5;a=""',  # an empty quoted-string
    b'5;a="\xff obs-text"',
    b"5;a=b ",  # trailing whitespace, as h11 allows
    b"5 ",
    b"5;name=tok!#$%&'*+-.^_`|~",
]


@parametrize_feed
@pytest.mark.parametrize("size_line", VALID_CHUNK_LINES)
def test_a_valid_chunk_extension_is_accepted_and_ignored(size_line: bytes, feed: Feed) -> None:
    data = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    data += size_line + b"\r\nhello\r\n0\r\n\r\n"
    events = normalize_data_events(events_from(Connection(SERVER), data, feed=feed))
    assert events[1:] == [Data(b"hello"), EndOfMessage()]


INVALID_CHUNK_LINES = [
    b"5;",  # no name
    b"5; ",
    b"5;=b",
    b"5;a=",  # "=" without a value
    b"5;a= ",
    b'5;a="unclosed',
    b'5;a="bad \\\x00 pair"',
    b'5;a="nul \x00 inside"',
    b'5;a="del \x7f inside"',
    b"5;a\rb",  # a bare CR
    b"5;a\x00",  # NUL
    b"5;a=\x01",  # another control
    b"5;a=b c",  # a separator outside quotes
    b"5;a b",
    b"5;a=b,c",
    b"5;a=(b)",
    b"5;a@b",
    b"5;a=b;",
    b'5;a="b"c',
    b"5 x",
]


@parametrize_feed
@pytest.mark.parametrize("size_line", INVALID_CHUNK_LINES)
def test_an_invalid_chunk_extension_is_rejected(size_line: bytes, feed: Feed) -> None:
    data = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    data += size_line + b"\r\nhello\r\n0\r\n\r\n"
    error = _reject(Connection(SERVER), data, feed)
    assert error.error_status_hint == 400
    assert "chunk" in str(error)


def test_the_last_chunk_may_carry_an_extension_too() -> None:
    data = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0 ; final=yes\r\n\r\n"
    events = events_from(Connection(SERVER), data)
    assert events[1:] == [EndOfMessage()]


# --- the size limit, however the bytes arrive --------------------------------------

LIMIT = 100
FEEDS_AND_PIECES = [("at-once", 0), ("bytewise", 0), ("pieces", 7), ("pieces", 64)]


def _outcome(conn: Connection, data: bytes, how: str, piece: int) -> tuple[object, ...]:
    """The events, or the error's hint and message, for ``data`` fed ``how``: at once,
    bytewise, or in pieces of ``piece`` bytes."""
    events: list[Event] = []
    try:
        if how == "pieces":
            for start in range(0, len(data), piece):
                events += events_from(conn, data[start : start + piece])
        else:
            events = events_from(conn, data, feed="bytewise" if how == "bytewise" else "at-once")
    except RemoteProtocolError as error:
        return ("error", error.error_status_hint, str(error))
    return ("events", *normalize_data_events(events))


HEAD_AT_LIMIT = b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"a" * (LIMIT - 32) + b"\r\n\r\n"
assert len(HEAD_AT_LIMIT) == LIMIT


@pytest.mark.parametrize(("how", "piece"), FEEDS_AND_PIECES)
def test_a_head_of_exactly_the_limit_is_accepted(how: str, piece: int) -> None:
    outcome = _outcome(
        Connection(SERVER, max_incomplete_event_size=LIMIT), HEAD_AT_LIMIT, how, piece
    )
    assert outcome[0] == "events"


@pytest.mark.parametrize(("how", "piece"), FEEDS_AND_PIECES)
def test_a_head_one_byte_over_the_limit_is_rejected_with_431(how: str, piece: int) -> None:
    head = HEAD_AT_LIMIT.replace(b"X: ", b"X: a")
    outcome = _outcome(Connection(SERVER, max_incomplete_event_size=LIMIT), head, how, piece)
    assert outcome[:2] == ("error", 431)


@pytest.mark.parametrize(("how", "piece"), FEEDS_AND_PIECES)
def test_the_431_message_is_the_same_however_the_head_arrives(how: str, piece: int) -> None:
    head = HEAD_AT_LIMIT.replace(b"X: ", b"X: " + b"a" * 50)
    outcome = _outcome(Connection(SERVER, max_incomplete_event_size=LIMIT), head, how, piece)
    assert outcome == (
        "error",
        431,
        f"Receive buffer too long (a head or line over max_incomplete_event_size={LIMIT} bytes)",
    )


@pytest.mark.parametrize(("how", "piece"), FEEDS_AND_PIECES)
def test_an_oversized_head_with_a_bad_line_is_rejected_for_its_size(how: str, piece: int) -> None:
    # Trickled in, the limit strikes before the head's end shows the bad line; at once,
    # the outcome must be the same.
    head = HEAD_AT_LIMIT.replace(b"X: ", b"bad line\r\nX: ")
    outcome = _outcome(Connection(SERVER, max_incomplete_event_size=LIMIT), head, how, piece)
    assert outcome[:2] == ("error", 431)


@pytest.mark.parametrize(("how", "piece"), FEEDS_AND_PIECES)
def test_an_oversized_response_head_is_rejected_with_431(how: str, piece: int) -> None:
    client = Connection(CLIENT, max_incomplete_event_size=LIMIT)
    client.send(Request(method="GET", target="/", headers=[("Host", "a")]))
    client.send(EndOfMessage())
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: " + b"a" * LIMIT + b"\r\n\r\n"
    assert _outcome(client, head, how, piece)[:2] == ("error", 431)


CHUNKED_HEAD = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"


@pytest.mark.parametrize(("how", "piece"), FEEDS_AND_PIECES)
def test_an_oversized_trailer_section_is_rejected_with_431(how: str, piece: int) -> None:
    data = CHUNKED_HEAD + b"0\r\nX: " + b"a" * LIMIT + b"\r\n\r\n"
    outcome = _outcome(Connection(SERVER, max_incomplete_event_size=LIMIT), data, how, piece)
    assert outcome[:2] == ("error", 431)


@pytest.mark.parametrize(("how", "piece"), FEEDS_AND_PIECES)
def test_an_oversized_chunk_size_line_is_rejected_with_431(how: str, piece: int) -> None:
    data = CHUNKED_HEAD + b"5;" + b"a" * LIMIT + b"\r\nhello\r\n0\r\n\r\n"
    outcome = _outcome(Connection(SERVER, max_incomplete_event_size=LIMIT), data, how, piece)
    assert outcome[:2] == ("error", 431)


def test_many_small_pipelined_requests_in_one_piece_are_not_limited_as_a_whole() -> None:
    # The limit is per head, not per buffer: 10 heads of 27 bytes at once are fine.
    server = Connection(SERVER, max_incomplete_event_size=LIMIT)
    server.receive_data(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" * 10)
    for _ in range(10):
        assert [type(event) for event in events_from(server)] == [Request, EndOfMessage]
        server.send(Response(status_code=200, headers=[("Content-Length", "0")]))
        server.send(EndOfMessage())
        server.start_next_cycle()
    assert server.trailing_data == (b"", False)
