"""Reading message bodies (docs/http-support.rst, "What h11typed does").

Body framing follows RFC 9112 section 6.3, the chunked coding section 7.1.  Inputs are fed at once and byte by
byte; body payloads are compared after merging Data events.
"""

from __future__ import annotations

import pytest

from h11typed import (
    CLIENT,
    NEED_DATA,
    PAUSED,
    SERVER,
    SWITCHED_PROTOCOL,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    RemoteProtocolError,
    Request,
    Response,
)
from tests.helpers import (
    Feed,
    events_from,
    normalize_data_events,
    parametrize_feed,
    receive_and_get,
)

CHUNKED_POST = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"


def _client_awaiting_response(method: str = "GET", target: str = "/") -> Connection:
    conn = Connection(CLIENT)
    conn.send(Request(method=method, target=target, headers=[("Host", "a")]))
    conn.send(EndOfMessage())
    return conn


def _server_in_chunked_body(feed: Feed = "at-once") -> Connection:
    """A server that has read the head of a chunked POST."""
    conn = Connection(SERVER)
    assert [type(event) for event in events_from(conn, CHUNKED_POST, feed=feed)] == [Request]
    return conn


def _body_of(events: list[Event]) -> list[Event]:
    """The merged events after the head."""
    assert type(events[0]) in (Request, Response)
    return normalize_data_events(events[1:])


# --- Content-Length -----------------------------------------------------------------


@parametrize_feed
def test_content_length_body_is_exactly_that_many_bytes(feed: Feed) -> None:
    conn = Connection(SERVER)
    data = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET"
    events = events_from(conn, data, feed=feed)
    assert _body_of(events) == [Data(b"hello"), EndOfMessage()]
    # What follows belongs to the next request and waits behind PAUSED.
    assert conn.next_event() is PAUSED
    assert conn.trailing_data == (b"GET", False)


def test_content_length_body_is_delivered_as_it_arrives() -> None:
    conn = Connection(SERVER)
    events = events_from(conn, b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
    assert events[1:] == [Data(b"abc")]
    assert conn.next_event() is NEED_DATA
    assert events_from(conn, b"defghij") == [Data(b"defghij"), EndOfMessage()]


def test_content_length_zero_means_an_empty_body() -> None:
    events = events_from(
        Connection(SERVER), b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"
    )
    assert [type(event) for event in events] == [Request, EndOfMessage]


def test_received_data_payload_is_a_bytearray() -> None:
    events = events_from(
        Connection(SERVER), b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"
    )
    data = events[1]
    assert type(data) is Data
    assert type(data.data) is bytearray
    assert data == Data(b"hi")


# --- which framing applies ------------------------------------------------------------


@parametrize_feed
def test_request_without_framing_headers_has_an_empty_body(feed: Feed) -> None:
    conn = Connection(SERVER)
    events = events_from(conn, b"GET / HTTP/1.1\r\nHost: a\r\n\r\nxyz", feed=feed)
    assert [type(event) for event in events] == [Request, EndOfMessage]
    assert conn.trailing_data == (b"xyz", False)


@parametrize_feed
def test_chunked_request_body_is_decoded(feed: Feed) -> None:
    events = events_from(
        Connection(SERVER), CHUNKED_POST + b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", feed=feed
    )
    assert _body_of(events) == [Data(b"hello world"), EndOfMessage()]


@parametrize_feed
def test_transfer_encoding_beats_content_length(feed: Feed) -> None:
    # RFC 9112 section 6.3 rule 3.
    data = (
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    )
    assert _body_of(events_from(Connection(SERVER), data, feed=feed)) == [
        Data(b"hello"),
        EndOfMessage(),
    ]


@parametrize_feed
def test_response_without_framing_headers_is_read_until_the_connection_closes(
    feed: Feed,
) -> None:
    conn = _client_awaiting_response()
    events = events_from(conn, b"HTTP/1.1 200 OK\r\n\r\nsome body", feed=feed)
    assert _body_of(events) == [Data(b"some body")]
    assert conn.next_event() is NEED_DATA
    assert events_from(conn, b" and more", eof=True) == [
        Data(b" and more"),
        EndOfMessage(),
        ConnectionClosed(),
    ]


def test_read_until_close_body_keeps_reporting_connection_closed() -> None:
    conn = _client_awaiting_response()
    events_from(conn, b"HTTP/1.0 200 OK\r\n\r\nbody", eof=True)
    assert conn.next_event() == ConnectionClosed()
    assert conn.next_event() == ConnectionClosed()


@pytest.mark.parametrize(
    ("method", "status"),
    [
        ("GET", 204),
        ("GET", 304),
        ("HEAD", 200),
        ("HEAD", 404),
    ],
)
@pytest.mark.parametrize(
    "framing",
    [b"Content-Length: 5\r\n", b"Transfer-Encoding: chunked\r\n", b""],
    ids=["content-length", "chunked", "none"],
)
def test_responses_that_cannot_have_a_body_end_right_after_the_head(
    method: str, status: int, framing: bytes
) -> None:
    # RFC 9110 sections 9.3.2, 15.3.5 and 15.4.5; the framing headers only
    # describe what a GET would have received.
    conn = _client_awaiting_response(method)
    head = b"HTTP/1.1 %d X\r\n" % status + framing + b"\r\n"
    events = events_from(conn, head + b"hello")
    assert [type(event) for event in events] == [Response, EndOfMessage]


def test_successful_response_to_connect_has_no_body() -> None:
    conn = _client_awaiting_response("CONNECT", "example.com:443")
    events = events_from(conn, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\ntunnel")
    assert [type(event) for event in events] == [Response]
    # The tunnel bytes belong to the new protocol.
    assert conn.our_state is SWITCHED_PROTOCOL
    assert conn.trailing_data == (b"tunnel", False)


def test_failed_response_to_connect_has_a_normal_body() -> None:
    conn = _client_awaiting_response("CONNECT", "example.com:443")
    events = events_from(conn, b"HTTP/1.1 407 Auth\r\nContent-Length: 2\r\n\r\nno")
    assert _body_of(events) == [Data(b"no"), EndOfMessage()]


def test_informational_responses_never_have_a_body() -> None:
    conn = _client_awaiting_response()
    events = events_from(
        conn,
        b"HTTP/1.1 103 Early Hints\r\nContent-Length: 5\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    )
    assert [type(event) for event in events] == [
        InformationalResponse,
        Response,
        Data,
        EndOfMessage,
    ]


# --- chunk-size lines (RFC 9112 section 7.1) ------------------------------------------


@pytest.mark.parametrize(
    "size_line",
    [
        b"5",
        b"05",
        b"00000000000000000005",  # 20 hex digits is the maximum
        b"5;name=value",  # chunk extensions are ignored
        b'5;a="quoted";b',
        b"5 ",  # trailing OWS is tolerated
        b"5\t \t",
    ],
)
@parametrize_feed
def test_valid_chunk_size_lines(size_line: bytes, feed: Feed) -> None:
    data = CHUNKED_POST + size_line + b"\r\nhello\r\n0\r\n\r\n"
    assert _body_of(events_from(Connection(SERVER), data, feed=feed)) == [
        Data(b"hello"),
        EndOfMessage(),
    ]


@pytest.mark.parametrize("size", [b"a", b"A"])
def test_chunk_size_hex_digits_may_be_either_case(size: bytes) -> None:
    data = CHUNKED_POST + size + b"\r\n0123456789\r\n0\r\n\r\n"
    assert _body_of(events_from(Connection(SERVER), data)) == [
        Data(b"0123456789"),
        EndOfMessage(),
    ]


@pytest.mark.parametrize(
    "size_line",
    [
        b"000000000000000000005",  # 21 hex digits
        b" 5",  # leading whitespace
        b"5x",
        b"0x5",
        b"-5",
        b"+5",
        b"",
        b";ext",
        b"g",
    ],
)
@parametrize_feed
def test_invalid_chunk_size_lines_are_rejected(size_line: bytes, feed: Feed) -> None:
    conn = _server_in_chunked_body()
    with pytest.raises(RemoteProtocolError):
        events_from(conn, size_line + b"\r\nhello\r\n0\r\n\r\n", feed=feed)


def test_a_bare_lf_does_not_end_a_chunk_size_line() -> None:
    conn = _server_in_chunked_body()
    conn.receive_data(b"5\nhello")
    assert conn.next_event() is NEED_DATA
    # The line runs on to the next CRLF and is then malformed.
    conn.receive_data(b"\r\n")
    with pytest.raises(RemoteProtocolError):
        conn.next_event()


def test_a_bare_lf_inside_a_chunk_extension_is_rejected() -> None:
    # The extension may hold almost any byte, but not a line break: otherwise the
    # "line" would swallow the next line (RFC 9112 section 7.1.1).
    conn = _server_in_chunked_body()
    conn.receive_data(b"5;ext\nmore\r\nhello\r\n0\r\n\r\n")
    with pytest.raises(RemoteProtocolError, match="chunk header"):
        conn.next_event()


def test_an_unterminated_chunk_size_line_runs_into_the_size_limit() -> None:
    conn = Connection(SERVER, max_incomplete_event_size=100)
    events_from(conn, CHUNKED_POST)
    conn.receive_data(b"5\n" + b"x" * 200)
    with pytest.raises(RemoteProtocolError) as excinfo:
        conn.next_event()
    assert excinfo.value.error_status_hint == 431


# --- chunk terminator: CVE-2025-43859 -------------------------------------------------


@pytest.mark.parametrize(
    "after_data",
    [b"__", b"\r_", b"_\n", b"\n\r", b"\n0", b"\r\r"],
    ids=repr,
)
@parametrize_feed
def test_chunk_data_must_be_followed_by_exactly_crlf(after_data: bytes, feed: Feed) -> None:
    # RFC 9112 section 7.1; accepting other bytes here allowed request smuggling.
    conn = _server_in_chunked_body()
    with pytest.raises(RemoteProtocolError) as excinfo:
        events_from(conn, b"3\r\nxxx" + after_data + b"1a\r\n", feed=feed)
    assert "malformed chunk footer" in str(excinfo.value)


def test_chunk_terminator_may_be_split_after_the_cr() -> None:
    conn = _server_in_chunked_body()
    assert events_from(conn, b"3\r\nxxx\r") == [Data(b"xxx", chunk_start=True, chunk_end=True)]
    assert events_from(conn, b"\n0\r\n\r\n") == [EndOfMessage()]


def test_chunk_terminator_split_after_the_cr_is_still_checked() -> None:
    conn = _server_in_chunked_body()
    events_from(conn, b"3\r\nxxx\r")
    with pytest.raises(RemoteProtocolError):
        events_from(conn, b"x0\r\n\r\n")


def test_chunk_terminator_may_arrive_separately_from_the_data() -> None:
    conn = _server_in_chunked_body()
    events_from(conn, b"3\r\nxxx")
    assert events_from(conn, b"\r") == []
    assert conn.next_event() is NEED_DATA
    assert events_from(conn, b"\n0\r\n\r\n") == [EndOfMessage()]


# --- chunk_start / chunk_end ----------------------------------------------------------


def test_a_chunk_received_whole_has_both_flags() -> None:
    conn = _server_in_chunked_body()
    assert events_from(conn, b"5\r\nhello\r\n3\r\nabc\r\n") == [
        Data(b"hello", chunk_start=True, chunk_end=True),
        Data(b"abc", chunk_start=True, chunk_end=True),
    ]


def test_a_chunk_split_across_receives_starts_in_the_first_piece_and_ends_in_the_last() -> None:
    conn = _server_in_chunked_body()
    assert events_from(conn, b"5\r\nhe") == [Data(b"he", chunk_start=True, chunk_end=False)]
    assert events_from(conn, b"l") == [Data(b"l", chunk_start=False, chunk_end=False)]
    assert events_from(conn, b"lo\r\n") == [Data(b"lo", chunk_start=False, chunk_end=True)]


def test_chunk_start_is_set_when_the_size_line_arrived_in_an_earlier_receive() -> None:
    # Deliberate difference from h11 (which reports chunk_start=False here):
    # the flags must not depend on where the network split the bytes.
    conn = _server_in_chunked_body()
    assert events_from(conn, b"5\r\n") == []
    assert events_from(conn, b"hello\r\n") == [Data(b"hello", chunk_start=True, chunk_end=True)]


@parametrize_feed
def test_chunk_boundaries_survive_any_split(feed: Feed) -> None:
    # Also a deliberate difference from h11 for the bytewise feed (see above).
    conn = _server_in_chunked_body()
    events = events_from(conn, b"5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n", feed=feed)
    assert normalize_data_events(events, keep_chunk_flags=True) == [
        Data(b"hello", chunk_start=True, chunk_end=True),
        Data(b"abc", chunk_start=True, chunk_end=True),
        EndOfMessage(),
    ]


# --- trailers (RFC 9112 section 7.1.2) ------------------------------------------------


@pytest.mark.parametrize(
    ("trailer_section", "trailers"),
    [
        (b"\r\n", []),
        (b"X-Sum: abc\r\n\r\n", [(b"x-sum", b"abc")]),
        (b"A: 1\r\nB: 2\r\n\r\n", [(b"a", b"1"), (b"b", b"2")]),
        (b"A: 1\nB:  2 \n\n", [(b"a", b"1"), (b"b", b"2")]),  # bare LF, OWS
        (b"A: 1\r\n  more\r\n\r\n", [(b"a", b"1 more")]),  # obs-fold
    ],
)
@parametrize_feed
def test_trailers_after_the_last_chunk_become_end_of_message_headers(
    trailer_section: bytes, trailers: list[tuple[bytes, bytes]], feed: Feed
) -> None:
    conn = _server_in_chunked_body()
    events = events_from(conn, b"2\r\nhi\r\n0\r\n" + trailer_section, feed=feed)
    assert normalize_data_events(events) == [Data(b"hi"), EndOfMessage(headers=trailers)]


@pytest.mark.parametrize("bad_line", [b"X : y", b"X: a\x00b", b" X: y", b"no-colon"])
def test_malformed_trailers_are_rejected(bad_line: bytes) -> None:
    conn = _server_in_chunked_body()
    with pytest.raises(RemoteProtocolError):
        events_from(conn, b"0\r\n" + bad_line + b"\r\n\r\n")


@pytest.mark.parametrize("bad_line", [b"X : y", b"X: a\x00b", b" X: y", b"no-colon"])
def test_a_malformed_trailer_is_reported_only_once_the_trailer_section_is_complete(
    bad_line: bytes,
) -> None:
    # As for a head: the section is judged whole, after its blank line.
    conn = _server_in_chunked_body()
    conn.receive_data(b"0\r\n" + bad_line + b"\r\n")
    assert conn.next_event() is NEED_DATA
    conn.receive_data(b"\r\n")
    with pytest.raises(RemoteProtocolError):
        conn.next_event()


def _server_in_chunked_body_with_field_limit(max_header_count: int) -> Connection:
    conn = Connection(SERVER, max_header_count=max_header_count)
    head = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    assert [type(event) for event in events_from(conn, head)] == [Request]
    return conn


@parametrize_feed
def test_max_header_count_also_bounds_the_trailer_section(feed: Feed) -> None:
    # An h11typed extension (h11 has no field limit). The head had two fields; the
    # limit counts each section on its own.
    conn = _server_in_chunked_body_with_field_limit(2)
    assert events_from(conn, b"0\r\nA: 1\r\nB: 2\r\n\r\n", feed=feed) == [
        EndOfMessage(headers=[("A", "1"), ("B", "2")])
    ]
    conn = _server_in_chunked_body_with_field_limit(2)
    with pytest.raises(RemoteProtocolError) as excinfo:
        events_from(conn, b"0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", feed=feed)
    assert excinfo.value.error_status_hint == 431


def test_a_trailer_over_max_header_count_is_refused_with_its_first_byte_however_split() -> None:
    trailers = b"A: 1\r\nB: 2\r\nC: 3\r\n\r\n"
    first_refused_byte = trailers.index(b"C")
    for cut in range(len(trailers)):
        conn = _server_in_chunked_body_with_field_limit(2)
        conn.receive_data(b"0\r\n" + trailers[:cut])
        if cut <= first_refused_byte:
            assert conn.next_event() is NEED_DATA, trailers[:cut]
            conn.receive_data(trailers[cut : first_refused_byte + 1])
        with pytest.raises(RemoteProtocolError) as excinfo:
            conn.next_event()
        assert excinfo.value.error_status_hint == 431, trailers[:cut]


def test_trailer_names_keep_their_raw_casing() -> None:
    conn = _server_in_chunked_body()
    end = events_from(conn, b"0\r\nX-Sum: 1\r\n\r\n")[0]
    assert type(end) is EndOfMessage
    assert end.headers.raw_items() == [(b"X-Sum", b"1")]


# --- EOF inside a body ----------------------------------------------------------------


def test_eof_inside_a_content_length_body_reports_received_and_expected_counts() -> None:
    conn = Connection(SERVER)
    events_from(conn, b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nhello")
    with pytest.raises(RemoteProtocolError) as excinfo:
        events_from(conn, eof=True)
    assert "received 5 bytes" in str(excinfo.value)
    assert "expected 100" in str(excinfo.value)


def test_eof_right_after_a_complete_content_length_body_is_a_clean_close() -> None:
    conn = Connection(SERVER)
    data = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"
    events = events_from(conn, data, eof=True)
    assert _body_of(events) == [Data(b"hi"), EndOfMessage(), ConnectionClosed()]


@pytest.mark.parametrize(
    "partial",
    [b"", b"5\r\n", b"5\r\nhel", b"5\r\nhello", b"5\r\nhello\r", b"0\r\n"],
    ids=repr,
)
def test_eof_inside_a_chunked_body_is_an_incomplete_chunked_read(partial: bytes) -> None:
    # Everything received so far was consumed; the body just stops.
    conn = _server_in_chunked_body()
    with pytest.raises(RemoteProtocolError) as excinfo:
        receive_and_get(conn, partial, eof=True)
    assert "incomplete chunked read" in str(excinfo.value)


@pytest.mark.parametrize("partial", [b"5", b"5\r", b"5;ext", b"0\r\nX: 1\r\n"], ids=repr)
def test_eof_with_part_of_a_chunk_line_buffered_is_an_unexpected_close(partial: bytes) -> None:
    # An unfinished size or trailer line is still sitting in the buffer, so
    # this is the generic "closed in the middle of an event" error.
    conn = _server_in_chunked_body()
    with pytest.raises(RemoteProtocolError) as excinfo:
        receive_and_get(conn, partial, eof=True)
    assert "peer unexpectedly closed connection" in str(excinfo.value)


@parametrize_feed
def test_eof_ends_a_read_until_close_body_with_end_of_message_then_connection_closed(
    feed: Feed,
) -> None:
    conn = _client_awaiting_response()
    events = events_from(conn, b"HTTP/1.1 200 OK\r\n\r\nabc", eof=True, feed=feed)
    assert _body_of(events) == [Data(b"abc"), EndOfMessage(), ConnectionClosed()]


def test_eof_before_any_read_until_close_body_byte_still_ends_the_message() -> None:
    conn = _client_awaiting_response()
    events = events_from(conn, b"HTTP/1.0 200 OK\r\n\r\n", eof=True)
    assert [type(event) for event in events] == [Response, EndOfMessage, ConnectionClosed]
