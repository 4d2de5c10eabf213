"""HTTP/1.0 keep-alive (an h11typed extension, README "Beyond h11"; RFC 9112 §9.3).

h11 closes every HTTP/1.0 connection. RFC 9112 §9.3 lets an HTTP/1.0 peer ask for a
persistent connection with the "keep-alive" connection option, and h11typed honours it
when the message framing allows: the end of the body must be known without closing
(a Content-Length, a request without body, or a response that has no body). Otherwise,
and whenever "close" is present, the connection closes exactly as in h11.

Each behaviour is checked from both sides where it applies: as a SERVER receiving an
HTTP/1.0 request, and as a CLIENT receiving an HTTP/1.0 response.  The peer's bytes are
hand-written, because h11typed itself only ever sends HTTP/1.1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pytest

from h11typed import (
    CLIENT,
    DONE,
    IDLE,
    MUST_CLOSE,
    PAUSED,
    SEND_BODY,
    SERVER,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Request,
    Response,
)
from tests.helpers import Feed, events_from, parametrize_feed, receive_and_get

if TYPE_CHECKING:
    from h11typed._state import Role, State

ROLES: Final[tuple[Role, ...]] = (CLIENT, SERVER)
parametrize_view = pytest.mark.parametrize("view", ROLES)

# Ways of spelling the option: any case, any position in the list, any header (§9.3,
# RFC 9110 §7.6.1: Connection is a case-insensitive comma list, possibly repeated).
KEEP_ALIVE_CONNECTION_LINES: Final = {
    "lowercase": b"Connection: keep-alive\r\n",
    "apache-case": b"Connection: Keep-Alive\r\n",
    "uppercase": b"Connection: KEEP-ALIVE\r\n",
    "last-in-list": b"Connection: x-foo, keep-alive\r\n",
    "first-in-list": b"Connection: keep-alive,x-foo\r\n",
    "padded-in-list": b"Connection: x-foo ,  keep-alive  , x-bar\r\n",
    "second-header": b"Connection: x-foo\r\nConnection: keep-alive\r\n",
}

# "close" wins wherever it appears (RFC 9112 §9.6).
CLOSE_AND_KEEP_ALIVE_LINES: Final = {
    "close-last": b"Connection: keep-alive, close\r\n",
    "close-first": b"Connection: Close, Keep-Alive\r\n",
    "separate-headers": b"Connection: keep-alive\r\nConnection: close\r\n",
}

# HTTP/1.0 heads that do not carry the option: h11's behaviour, MUST_CLOSE.
NO_KEEP_ALIVE_LINES: Final = {
    "no-connection-header": b"",
    "other-token": b"Connection: x-foo\r\n",
    "token-prefix-only": b"Connection: keep-alivex\r\n",
    "keep-alive-header-not-option": b"Keep-Alive: timeout=5\r\n",
}

# Framings whose end is known without closing: (header lines, body).  A request
# without body and a Content-Length body, in either direction.
KNOWN_LENGTH_FRAMINGS: Final = {
    "content-length": (b"Content-Length: 5\r\n", b"hello"),
    "content-length-zero": (b"Content-Length: 0\r\n", b""),
}

CHUNKED: Final = (b"Transfer-Encoding: chunked\r\n", b"5\r\nhello\r\n0\r\n\r\n")


def _peer_message(view: Role, lines: bytes, body: bytes = b"") -> bytes:
    """An HTTP/1.0 message from the peer: a GET request for a server, a 200 for a client."""
    start = b"GET / HTTP/1.0\r\n" if view == SERVER else b"HTTP/1.0 200 OK\r\n"
    return start + lines + b"\r\n" + body


def _conn(view: Role, method: str = "GET") -> Connection:
    """A connection ready for the peer's message (a client has sent its request)."""
    conn = Connection(our_role=view)
    if view == CLIENT:
        conn.send(Request(method=method, target="/", headers=[("Host", "a")]))
        conn.send(EndOfMessage())
    return conn


def _ok(*headers: tuple[str, str]) -> Response:
    return Response(status_code=200, headers=list(headers))


def _finish_exchange(conn: Connection) -> None:
    """As a server, answer the request with an empty Content-Length response."""
    if conn.our_role == SERVER:
        conn.send(_ok(("Content-Length", "0")))
        conn.send(EndOfMessage())


def _states_after(
    view: Role, lines: bytes, body: bytes = b"", *, feed: Feed = "at-once"
) -> dict[Role, State]:
    """Both roles' states after a whole exchange whose peer message is HTTP/1.0."""
    conn = _conn(view)
    events = events_from(conn, _peer_message(view, lines, body), feed=feed)
    assert type(events[-1]) is EndOfMessage
    _finish_exchange(conn)
    return dict(conn.states)


def _served_wire(request: bytes, response: Response) -> tuple[Connection, bytes]:
    """A server that read ``request`` and sent ``response``: the connection and the head's bytes."""
    server = Connection(our_role=SERVER)
    events_from(server, request)
    return server, server.send(response)


def _header_lines(head: bytes) -> list[bytes]:
    """The field lines of a written head, as sent (status line and blank line dropped)."""
    return head.split(b"\r\n")[1:-2]


# --- the peer asks for keep-alive: the connection persists --------------------------------


@pytest.mark.parametrize(
    "connection", KEEP_ALIVE_CONNECTION_LINES.values(), ids=KEEP_ALIVE_CONNECTION_LINES.keys()
)
@parametrize_view
def test_http_1_0_message_with_the_keep_alive_option_persists(
    view: Role, connection: bytes
) -> None:
    # RFC 9112 §9.3: HTTP/1.0 + "keep-alive" + a self-delimited message = persistent.
    states = _states_after(view, connection + b"Content-Length: 5\r\n", b"hello")
    assert states == {CLIENT: DONE, SERVER: DONE}


@pytest.mark.parametrize(
    "framing", KNOWN_LENGTH_FRAMINGS.values(), ids=KNOWN_LENGTH_FRAMINGS.keys()
)
@parametrize_feed
@parametrize_view
def test_http_1_0_keep_alive_persists_with_a_content_length(
    view: Role, feed: Feed, framing: tuple[bytes, bytes]
) -> None:
    lines, body = framing
    states = _states_after(view, b"Connection: keep-alive\r\n" + lines, body, feed=feed)
    assert states == {CLIENT: DONE, SERVER: DONE}


@parametrize_feed
def test_http_1_0_keep_alive_request_without_body_persists(feed: Feed) -> None:
    # A request without Content-Length or Transfer-Encoding has no body (RFC 9112 §6.3).
    states = _states_after(SERVER, b"Connection: keep-alive\r\n", feed=feed)
    assert states == {CLIENT: DONE, SERVER: DONE}


BODYLESS_RESPONSES: Final = {
    # (request method, status line): no body whatever the headers say (RFC 9112 §6.3).
    "204": ("GET", b"HTTP/1.0 204 No Content\r\n"),
    "304": ("GET", b"HTTP/1.0 304 Not Modified\r\n"),
    "head": ("HEAD", b"HTTP/1.0 200 OK\r\n"),
}


@pytest.mark.parametrize("case", BODYLESS_RESPONSES.values(), ids=BODYLESS_RESPONSES.keys())
def test_http_1_0_keep_alive_response_without_body_persists(case: tuple[str, bytes]) -> None:
    method, status_line = case
    client = _conn(CLIENT, method)
    events = events_from(client, status_line + b"Connection: keep-alive\r\n\r\n")
    assert [type(event) for event in events] == [Response, EndOfMessage]
    assert client.states == {CLIENT: DONE, SERVER: DONE}


@parametrize_view
def test_persistent_http_1_0_connection_can_start_the_next_cycle(view: Role) -> None:
    conn = _conn(view)
    events_from(
        conn, _peer_message(view, b"Connection: keep-alive\r\nContent-Length: 2\r\n", b"hi")
    )
    _finish_exchange(conn)
    conn.start_next_cycle()
    assert conn.states == {CLIENT: IDLE, SERVER: IDLE}


def test_pipelined_http_1_0_keep_alive_requests_are_served_one_cycle_at_a_time() -> None:
    request = _peer_message(SERVER, b"Connection: keep-alive\r\n")
    server = Connection(our_role=SERVER)
    assert [type(event) for event in events_from(server, request + request)] == [
        Request,
        EndOfMessage,
    ]
    # The second request waits behind PAUSED until this exchange is over.
    assert server.next_event() is PAUSED
    _finish_exchange(server)
    server.start_next_cycle()
    assert [type(event) for event in events_from(server)] == [Request, EndOfMessage]
    _finish_exchange(server)
    assert server.states == {CLIENT: DONE, SERVER: DONE}


def test_client_reuses_a_connection_after_an_http_1_0_keep_alive_response() -> None:
    client = _conn(CLIENT)
    first = b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 3\r\n\r\none"
    assert receive_and_get(client, first)[1:] == [Data(b"one"), EndOfMessage()]
    client.start_next_cycle()
    client.send(Request(method="GET", target="/again", headers=[("Host", "a")]))
    client.send(EndOfMessage())
    second = b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 3\r\n\r\ntwo"
    assert receive_and_get(client, second)[1:] == [Data(b"two"), EndOfMessage()]
    assert client.states == {CLIENT: DONE, SERVER: DONE}


# --- the framing does not allow it: the connection closes, as in h11 ----------------------


@parametrize_feed
@parametrize_view
def test_http_1_0_keep_alive_with_chunked_framing_closes(view: Role, feed: Feed) -> None:
    # HTTP/1.0 has no chunked coding (RFC 9112 §7.1); a peer that uses it anyway cannot
    # be trusted to keep the connection in sync, so the connection closes.
    lines, body = CHUNKED
    states = _states_after(view, b"Connection: keep-alive\r\n" + lines, body, feed=feed)
    assert states == {CLIENT: MUST_CLOSE, SERVER: MUST_CLOSE}


def test_http_1_0_keep_alive_response_of_unknown_length_is_read_until_close() -> None:
    # Without a length the body ends when the server closes (RFC 9112 §6.3, rule 8),
    # so the connection cannot persist.
    client = _conn(CLIENT)
    events_from(client, b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nbody")
    assert client.states == {CLIENT: MUST_CLOSE, SERVER: SEND_BODY}
    assert receive_and_get(client, b"", eof=True) == [EndOfMessage(), ConnectionClosed()]


# --- close wins; no option means h11's behaviour ---------------------------------------


@pytest.mark.parametrize(
    "connection", CLOSE_AND_KEEP_ALIVE_LINES.values(), ids=CLOSE_AND_KEEP_ALIVE_LINES.keys()
)
@parametrize_view
def test_connection_close_anywhere_beats_keep_alive(view: Role, connection: bytes) -> None:
    states = _states_after(view, connection + b"Content-Length: 0\r\n")
    assert states == {CLIENT: MUST_CLOSE, SERVER: MUST_CLOSE}


@pytest.mark.parametrize("connection", NO_KEEP_ALIVE_LINES.values(), ids=NO_KEEP_ALIVE_LINES.keys())
@parametrize_view
def test_http_1_0_message_without_the_keep_alive_option_must_close(
    view: Role, connection: bytes
) -> None:
    # Exactly h11: an HTTP/1.0 connection is not persistent by default (RFC 9112 §9.3).
    states = _states_after(view, connection + b"Content-Length: 0\r\n")
    assert states == {CLIENT: MUST_CLOSE, SERVER: MUST_CLOSE}


# --- what a server sends to an HTTP/1.0 keep-alive client -----------------------------------

KEEP_ALIVE_GET: Final = b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
KEEP_ALIVE_HEAD: Final = b"HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"

# Responses whose end a 1.0 client can find: (request, response).
SELF_DELIMITED_RESPONSES: Final = {
    "content-length": (KEEP_ALIVE_GET, _ok(("Content-Length", "0"))),
    "204": (KEEP_ALIVE_GET, Response(status_code=204, headers=[])),
    "304": (KEEP_ALIVE_GET, Response(status_code=304, headers=[])),
    "head-with-length": (KEEP_ALIVE_HEAD, _ok(("Content-Length", "10"))),
    "head-without-length": (KEEP_ALIVE_HEAD, _ok()),
}


@pytest.mark.parametrize(
    "case", SELF_DELIMITED_RESPONSES.values(), ids=SELF_DELIMITED_RESPONSES.keys()
)
def test_response_to_an_http_1_0_keep_alive_request_says_keep_alive(
    case: tuple[bytes, Response],
) -> None:
    # The 1.0 client would otherwise wait for us to close (RFC 9112 §9.3).
    request, response = case
    _, head = _served_wire(request, response)
    assert _header_lines(head).count(b"Connection: keep-alive") == 1
    assert b"close" not in head.lower()


@pytest.mark.parametrize(
    "case", SELF_DELIMITED_RESPONSES.values(), ids=SELF_DELIMITED_RESPONSES.keys()
)
def test_self_delimited_response_to_an_http_1_0_keep_alive_request_keeps_the_connection(
    case: tuple[bytes, Response],
) -> None:
    request, response = case
    server, _ = _served_wire(request, response)
    server.send(EndOfMessage())
    assert server.states == {CLIENT: DONE, SERVER: DONE}


def test_keep_alive_joins_the_response_connection_tokens_sorted_one_per_header() -> None:
    # The same rewriting h11 applies when it adds "close": lowercased, sorted, one each.
    response = _ok(("Content-Length", "0"), ("Connection", "X-B, x-a"))
    _, head = _served_wire(KEEP_ALIVE_GET, response)
    assert _header_lines(head) == [
        b"Content-Length: 0",
        b"Connection: keep-alive",
        b"Connection: x-a",
        b"Connection: x-b",
    ]


def test_response_that_already_says_keep_alive_is_sent_unchanged() -> None:
    response = _ok(("Content-Length", "0"), ("Connection", "Keep-Alive"))
    _, head = _served_wire(KEEP_ALIVE_GET, response)
    assert _header_lines(head) == [b"Content-Length: 0", b"Connection: Keep-Alive"]


def test_response_with_its_own_connection_close_is_sent_without_keep_alive() -> None:
    # "close" wins (RFC 9112 §9.6); announcing keep-alive as well would contradict it.
    response = _ok(("Content-Length", "0"), ("Connection", "close"))
    server, head = _served_wire(KEEP_ALIVE_GET, response)
    server.send(EndOfMessage())
    assert [line for line in _header_lines(head) if line.lower().startswith(b"connection:")] == [
        b"Connection: close"
    ]
    assert server.states == {CLIENT: MUST_CLOSE, SERVER: MUST_CLOSE}


UNKNOWN_LENGTH_RESPONSES: Final = {
    "no-framing": _ok(),
    "chunked": _ok(("Transfer-Encoding", "chunked")),
}


@pytest.mark.parametrize(
    "response", UNKNOWN_LENGTH_RESPONSES.values(), ids=UNKNOWN_LENGTH_RESPONSES.keys()
)
def test_response_of_unknown_length_to_an_http_1_0_keep_alive_request_is_never_chunked(
    response: Response,
) -> None:
    # An HTTP/1.0 client does not understand chunked (RFC 9112 §7.1): the body runs
    # until we close, as in h11, and the response says so.
    _, head = _served_wire(KEEP_ALIVE_GET, response)
    assert _header_lines(head) == [b"Connection: close"]


@pytest.mark.parametrize(
    "response", UNKNOWN_LENGTH_RESPONSES.values(), ids=UNKNOWN_LENGTH_RESPONSES.keys()
)
def test_response_of_unknown_length_to_an_http_1_0_keep_alive_request_closes(
    response: Response,
) -> None:
    server, _ = _served_wire(KEEP_ALIVE_GET, response)
    assert server.send(Data(b"raw body")) == b"raw body"
    server.send(EndOfMessage())
    assert server.states == {CLIENT: MUST_CLOSE, SERVER: MUST_CLOSE}


def test_response_to_an_http_1_0_request_without_the_option_still_says_close() -> None:
    # h11's behaviour is untouched: keep-alive is off, so "close" is announced.
    _, head = _served_wire(b"GET / HTTP/1.0\r\n\r\n", _ok(("Content-Length", "0")))
    assert _header_lines(head) == [b"Content-Length: 0", b"Connection: close"]


def test_response_to_an_http_1_1_request_gets_no_keep_alive_token() -> None:
    # Persistence is HTTP/1.1's default (RFC 9112 §9.3): nothing to announce.
    _, head = _served_wire(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", _ok(("Content-Length", "0")))
    assert _header_lines(head) == [b"Content-Length: 0"]
