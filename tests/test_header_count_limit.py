"""``Connection(..., max_header_count=N)``: a limit on received fields (an h11typed extension: README "Beyond h11", docs/api.rst).

A head (request or response, so both roles) or a chunked trailer section with more than
N fields is refused with a RemoteProtocolError whose error_status_hint is 431 (Request
Header Fields Too Large, RFC 6585 §5).  The error comes as soon as the first byte of
field N+1 arrives, before the head is complete, however the bytes are split; a server
can then still answer with a 431.  None (the default) means no limit, as in h11.

What counts as a field: a field line (RFC 9112 §5).  obs-fold continuation lines
(RFC 9112 §5.2) belong to the field before them.  A malformed line before the extra
field keeps its own error, reported once the head is complete, as h11 does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final, Literal, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from h11typed import (
    CLIENT,
    ERROR,
    NEED_DATA,
    SEND_BODY,
    SERVER,
    Connection,
    EndOfMessage,
    InformationalResponse,
    RemoteProtocolError,
    Request,
    Response,
)
from tests.helpers import Feed, events_from, parametrize_feed
from tests.strategies import header_names, header_values, split_pieces

if TYPE_CHECKING:
    from h11typed._events import Event
    from h11typed._state import Role

ROLES: Final[tuple[Role, ...]] = (CLIENT, SERVER)
parametrize_role = pytest.mark.parametrize("role", ROLES)

Section = Literal["head", "trailers"]
SECTIONS: Final[tuple[Section, ...]] = ("head", "trailers")

CRLF: Final = b"\r\n"

# Chunked heads for a trailer section to follow, each with CHUNKED_HEAD_FIELDS fields.
CHUNKED_HEADS: Final[dict[Role, bytes]] = {
    SERVER: b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
    CLIENT: b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
}
CHUNKED_HEAD_FIELDS: Final = 2
CHUNKS: Final = b"5\r\nhello\r\n0\r\n"


def _ready(conn: Connection) -> Connection:
    """``conn``, ready to receive the peer's message: a client sends a GET first."""
    if conn.our_role == CLIENT:
        conn.send(Request(method="GET", target="/", headers=[("Host", "a")]))
        conn.send(EndOfMessage())
    return conn


def _limited(role: Role, limit: int | None) -> Connection:
    return _ready(Connection(our_role=role, max_header_count=limit))


def _field_lines(count: int, eol: bytes = CRLF) -> list[bytes]:
    return [b"X-Field-%d: value %d" % (i, i) + eol for i in range(count)]


def _head(role: Role, fields: int, eol: bytes = CRLF) -> bytes:
    """A head from the peer of ``role`` with exactly ``fields`` field lines.

    The message has no body and ends with its head: a request's first field is Host
    (HTTP/1.1 requires it, RFC 9112 §3.2), or it is an HTTP/1.0 request without
    fields; a response's first field is Content-Length: 0, or it is a 204.
    """
    if role == CLIENT:
        if fields == 0:
            return b"HTTP/1.1 204 No Content" + eol + eol
        lines = [b"Content-Length: 0" + eol, *_field_lines(fields - 1, eol)]
        return b"HTTP/1.1 200 OK" + eol + b"".join(lines) + eol
    if fields == 0:
        return b"GET / HTTP/1.0" + eol + eol
    lines = [b"Host: a" + eol, *_field_lines(fields - 1, eol)]
    return b"GET / HTTP/1.1" + eol + b"".join(lines) + eol


def _trailers(fields: int, eol: bytes = CRLF) -> bytes:
    return b"".join(_field_lines(fields, eol)) + eol


def _message(role: Role, section: Section, fields: int) -> bytes:
    """A peer message whose head or trailer section has ``fields`` fields (the other is small)."""
    if section == "head":
        return _head(role, fields)
    return CHUNKED_HEADS[role] + CHUNKS + _trailers(fields)


def _nth_field_start(message: bytes, section: Section, n: int) -> int:
    """Offset of the first byte of the section's ``n``-th field (1-based)."""
    section_start = message.index(b"\r\n\r\n") + 4 + len(CHUNKS) if section == "trailers" else 0
    return _line_starts(message, section_start, first_is_field=section == "trailers")[n - 1]


def _line_starts(data: bytes, start: int, *, first_is_field: bool) -> list[int]:
    """Where each line after ``start`` begins (a head's start line is not a field)."""
    starts = [start] if first_is_field else []
    pos = data.find(b"\n", start)
    while pos >= 0 and pos + 1 < len(data):
        starts.append(pos + 1)
        pos = data.find(b"\n", pos + 1)
    return starts


def _refusal(conn: Connection, data: bytes, feed: Feed = "at-once") -> RemoteProtocolError:
    with pytest.raises(RemoteProtocolError) as excinfo:
        events_from(conn, data, feed=feed)
    return excinfo.value


def _last(events: Sequence[Event]) -> Event:
    assert events, "no event"
    return events[-1]


# --- configuration ----------------------------------------------------------------------


@parametrize_role
def test_no_limit_by_default(role: Role) -> None:
    # h11 has no field-count limit; only the size limit (16 KiB by default) applies.
    event = events_from(_ready(Connection(our_role=role)), _head(role, 500))[0]
    assert isinstance(event, (Request, Response))
    assert len(event.headers) == 500


@parametrize_role
def test_max_header_count_none_means_no_limit(role: Role) -> None:
    event = events_from(_limited(role, None), _head(role, 500))[0]
    assert isinstance(event, (Request, Response))
    assert len(event.headers) == 500


@pytest.mark.parametrize("limit", [-1, -100])
def test_negative_max_header_count_raises_value_error(limit: int) -> None:
    with pytest.raises(ValueError, match="max_header_count"):
        Connection(our_role=SERVER, max_header_count=limit)


def test_max_header_count_is_keyword_only() -> None:
    # A third positional argument would be too easy to confuse with the size limit.
    construct = cast("Callable[..., Connection]", Connection)
    with pytest.raises(TypeError):
        construct(SERVER, 16384, 10)


# --- the limit on a head (RFC 6585 §5) ----------------------------------------------------


@pytest.mark.parametrize("limit", [0, 1, 5])
@parametrize_feed
@parametrize_role
def test_head_with_exactly_the_limit_of_fields_is_accepted(
    role: Role, feed: Feed, limit: int
) -> None:
    events = events_from(_limited(role, limit), _head(role, limit), feed=feed)
    head = events[0]
    assert isinstance(head, (Request, Response))
    assert len(head.headers) == limit


@pytest.mark.parametrize("limit", [0, 1, 5])
@parametrize_feed
@parametrize_role
def test_head_with_one_field_too_many_is_refused_with_431(
    role: Role, feed: Feed, limit: int
) -> None:
    error = _refusal(_limited(role, limit), _head(role, limit + 1), feed=feed)
    assert error.error_status_hint == 431


@pytest.mark.parametrize("eol", [b"\r\n", b"\n"], ids=["crlf", "bare-lf"])
@pytest.mark.parametrize("limit", [0, 3])
@parametrize_role
def test_431_comes_with_the_first_byte_of_the_extra_field(
    role: Role, limit: int, eol: bytes
) -> None:
    # Not when the head is complete: a peer cannot make us buffer field after field.
    conn = _limited(role, limit)
    head = _head(role, limit + 5, eol)
    extra = _line_starts(head, 0, first_is_field=False)[limit]
    conn.receive_data(head[:extra])
    assert conn.next_event() is NEED_DATA
    conn.receive_data(head[extra : extra + 1])
    with pytest.raises(RemoteProtocolError) as excinfo:
        conn.next_event()
    assert excinfo.value.error_status_hint == 431


@parametrize_role
def test_431_comes_with_the_first_byte_of_the_extra_field_even_byte_by_byte(role: Role) -> None:
    conn = _limited(role, 2)
    head = _head(role, 10)
    extra = _line_starts(head, 0, first_is_field=False)[2]
    for i in range(extra):
        conn.receive_data(head[i : i + 1])
        assert conn.next_event() is NEED_DATA, i
    conn.receive_data(head[extra : extra + 1])
    with pytest.raises(RemoteProtocolError) as excinfo:
        conn.next_event()
    assert excinfo.value.error_status_hint == 431


def test_informational_response_heads_are_limited_too() -> None:
    client = _limited(CLIENT, 1)
    error = _refusal(client, b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\nLink: </b>\r\n\r\n")
    assert error.error_status_hint == 431


def test_informational_response_within_the_limit_is_accepted() -> None:
    client = _limited(CLIENT, 1)
    events = events_from(client, b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n")
    assert [type(event) for event in events] == [InformationalResponse]


@parametrize_feed
def test_informational_and_final_response_fields_are_counted_separately(feed: Feed) -> None:
    client = _limited(CLIENT, 2)
    wire = b"HTTP/1.1 100 Continue\r\nX-1: a\r\nX-2: b\r\n\r\n" + _head(CLIENT, 2)
    events = events_from(client, wire, feed=feed)
    assert [type(event) for event in events] == [InformationalResponse, Response, EndOfMessage]


@parametrize_role
def test_the_limit_applies_to_each_message_anew(role: Role) -> None:
    # Fields of earlier messages on a keep-alive connection do not add up.
    conn = _limited(role, 3)
    for cycle in range(3):
        if cycle:
            conn.start_next_cycle()
            _ready(conn)
        assert type(_last(events_from(conn, _head(role, 3)))) is EndOfMessage
        if role == SERVER:
            conn.send(Response(status_code=200, headers=[("Content-Length", "0")]))
            conn.send(EndOfMessage())


# --- the limit on a trailer section ------------------------------------------------------


@parametrize_feed
@parametrize_role
def test_trailer_section_with_exactly_the_limit_of_fields_is_accepted(
    role: Role, feed: Feed
) -> None:
    events = events_from(_limited(role, 3), CHUNKED_HEADS[role] + CHUNKS + _trailers(3), feed=feed)
    end = _last(events)
    assert isinstance(end, EndOfMessage)
    assert len(end.headers) == 3


@parametrize_feed
@parametrize_role
def test_trailer_section_with_one_field_too_many_is_refused_with_431(
    role: Role, feed: Feed
) -> None:
    error = _refusal(_limited(role, 3), CHUNKED_HEADS[role] + CHUNKS + _trailers(4), feed=feed)
    assert error.error_status_hint == 431


@parametrize_role
def test_431_comes_with_the_first_byte_of_the_extra_trailer_field(role: Role) -> None:
    conn = _limited(role, 3)
    message = CHUNKED_HEADS[role] + CHUNKS + _trailers(6)
    extra = _nth_field_start(message, "trailers", 4)
    events_from(conn, message[:extra])
    assert conn.next_event() is NEED_DATA
    conn.receive_data(message[extra : extra + 1])
    with pytest.raises(RemoteProtocolError) as excinfo:
        conn.next_event()
    assert excinfo.value.error_status_hint == 431


@parametrize_feed
@parametrize_role
def test_head_and_trailer_fields_are_counted_separately(role: Role, feed: Feed) -> None:
    limit = CHUNKED_HEAD_FIELDS
    events = events_from(
        _limited(role, limit), CHUNKED_HEADS[role] + CHUNKS + _trailers(limit), feed=feed
    )
    end = _last(events)
    assert isinstance(end, EndOfMessage)
    assert len(end.headers) == limit


# --- what is and is not a field -----------------------------------------------------------

FOLDED_REQUEST: Final = (
    b"GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\tthree\r\nX-Other: b\r\n\r\n"
)
FOLDED_RESPONSE: Final = (
    b"HTTP/1.1 200 OK\r\nX-Long: one\r\n two\r\n\tthree\r\nX-Other: b\r\nContent-Length: 0\r\n\r\n"
)
FOLDED_HEADS: Final[dict[Role, bytes]] = {SERVER: FOLDED_REQUEST, CLIENT: FOLDED_RESPONSE}


@parametrize_feed
@parametrize_role
def test_obs_fold_continuation_lines_are_not_fields(role: Role, feed: Feed) -> None:
    # RFC 9112 §5.2: a continuation line extends the field before it.  Both heads have
    # three fields in five lines.
    head = events_from(_limited(role, 3), FOLDED_HEADS[role], feed=feed)[0]
    assert isinstance(head, (Request, Response))
    assert (b"x-long", b"one two three") in list(head.headers)
    assert len(head.headers) == 3


@parametrize_role
def test_too_many_fields_after_an_obs_fold_are_refused_only_once_the_head_is_complete(
    role: Role,
) -> None:
    # A documented limitation: once an obs-fold has been seen, the fields are only
    # counted after the head's blank line has arrived (the head is unfolded first).
    # The outcome is still a 431.
    head = FOLDED_HEADS[role]
    conn = _limited(role, 2)
    for i in range(len(head) - 1):
        conn.receive_data(head[i : i + 1])
        assert conn.next_event() is NEED_DATA, i
    conn.receive_data(head[-1:])
    with pytest.raises(RemoteProtocolError) as excinfo:
        conn.next_event()
    assert excinfo.value.error_status_hint == 431


MALFORMED_BEFORE_THE_EXTRA_FIELD: Final[dict[str, dict[Role, bytes]]] = {
    "field-line": {
        SERVER: b"GET / HTTP/1.1\r\nHost: a\r\nNo Colon Here\r\nX-2: b\r\nX-3: c\r\n\r\n",
        CLIENT: b"HTTP/1.1 200 OK\r\nX-1: a\r\nNo Colon Here\r\nX-2: b\r\n\r\n",
    },
    "start-line": {
        SERVER: b"GET  / HTTP/1.1\r\nHost: a\r\nX-1: a\r\nX-2: b\r\n\r\n",
        CLIENT: b"HTTP/1.1 2000 OK\r\nX-1: a\r\nX-2: b\r\nX-3: c\r\n\r\n",
    },
    "space-before-colon": {
        SERVER: b"GET / HTTP/1.1\r\nHost : a\r\nX-1: a\r\nX-2: b\r\n\r\n",
        CLIENT: b"HTTP/1.1 200 OK\r\nX-1 : a\r\nX-2: b\r\nX-3: c\r\n\r\n",
    },
}


@pytest.mark.parametrize("where", MALFORMED_BEFORE_THE_EXTRA_FIELD.keys())
@parametrize_feed
@parametrize_role
def test_a_malformed_earlier_line_keeps_its_own_error(role: Role, feed: Feed, where: str) -> None:
    error = _refusal(_limited(role, 2), MALFORMED_BEFORE_THE_EXTRA_FIELD[where][role], feed=feed)
    assert error.error_status_hint == 400


@pytest.mark.parametrize("where", MALFORMED_BEFORE_THE_EXTRA_FIELD.keys())
@parametrize_role
def test_a_malformed_earlier_line_is_reported_once_the_head_is_complete(
    role: Role, where: str
) -> None:
    # As in h11: an error in a head is only final once the whole head is there.
    head = MALFORMED_BEFORE_THE_EXTRA_FIELD[where][role]
    conn = _limited(role, 2)
    for i in range(len(head) - 1):
        conn.receive_data(head[i : i + 1])
        assert conn.next_event() is NEED_DATA, i
    conn.receive_data(head[-1:])
    with pytest.raises(RemoteProtocolError):
        conn.next_event()


# --- after the refusal --------------------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS)
@parametrize_role
def test_the_peer_is_in_error_after_too_many_fields(role: Role, section: Section) -> None:
    conn = _limited(role, 2)
    _refusal(conn, _message(role, section, 3))
    assert conn.their_state is ERROR
    with pytest.raises(RemoteProtocolError):
        conn.next_event()


def test_a_server_can_still_answer_too_many_fields_with_431() -> None:
    # RFC 6585 §5: the answer the hint suggests.
    server = _limited(SERVER, 1)
    error = _refusal(server, _head(SERVER, 2))
    response = Response(status_code=error.error_status_hint, headers=[("Content-Length", "0")])
    assert server.send(response).startswith(b"HTTP/1.1 431 ")
    assert server.states == {CLIENT: ERROR, SERVER: SEND_BODY}


# --- split invariance (property) --------------------------------------------------------


@st.composite
def _field_section(draw: st.DrawFn) -> tuple[list[bytes], bytes]:
    """Field lines (each with its line end) with random names, values and line ends."""
    eol = draw(st.sampled_from([b"\r\n", b"\n"]))
    fields = draw(st.lists(st.tuples(header_names(), header_values()), max_size=8))
    return [name + b": " + value + eol for name, value in fields], eol


@given(
    role=st.sampled_from(ROLES),
    section=st.sampled_from(SECTIONS),
    lines_and_eol=_field_section(),
    data=st.data(),
)
def test_the_field_limit_does_not_depend_on_how_the_bytes_are_split(
    role: Role, section: Section, lines_and_eol: tuple[list[bytes], bytes], data: st.DataObject
) -> None:
    lines, eol = lines_and_eol
    # (The head in front of a trailer section must itself be within the limit.)
    limit = data.draw(
        st.integers(0 if section == "head" else CHUNKED_HEAD_FIELDS, 7), label="limit"
    )
    if section == "head":
        start_line = b"HTTP/1.1 200 OK" if role == CLIENT else b"GET / HTTP/1.0"
        prefix = start_line + eol
    else:
        prefix = CHUNKED_HEADS[role] + CHUNKS
    message = prefix + b"".join(lines) + eol
    # The piece that brings the first byte of field limit+1 must raise; none before it.
    extra_at = (
        len(prefix) + sum(len(line) for line in lines[:limit]) if len(lines) > limit else None
    )
    conn = _limited(role, limit)
    events: list[Event] = []
    received = 0
    for piece in data.draw(split_pieces(message), label="pieces"):
        received += len(piece)
        if extra_at is not None and received > extra_at:
            assert _refusal(conn, piece).error_status_hint == 431
            return
        events += events_from(conn, piece)
    assert extra_at is None, "too many fields, yet no 431"
    counted = events[0] if section == "head" else events[-1]
    assert isinstance(counted, (Request, Response, EndOfMessage))
    assert len(counted.headers) == len(lines)
