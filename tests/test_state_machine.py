"""The per-role state machine as seen through Connection (docs/concepts.rst,
"Roles and states" and "The request/response cycle").

Legal and illegal transitions, ConnectionClosed legality,
half-close and ERROR couplings, start_next_cycle.  Protocol switching has its
own file (test_protocol_switch.py), keep-alive too (test_keep_alive.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from h11typed import (
    CLIENT,
    CLOSED,
    DONE,
    ERROR,
    IDLE,
    MIGHT_SWITCH_PROTOCOL,
    MUST_CLOSE,
    SEND_BODY,
    SEND_RESPONSE,
    SERVER,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    LocalProtocolError,
    RemoteProtocolError,
    Request,
    Response,
)
from tests.helpers import ConnectionPair, events_from

if TYPE_CHECKING:
    from h11typed._state import Role, State


def _post(length: int = 1) -> Request:
    return Request(
        method="POST", target="/", headers=[("Host", "a"), ("Content-Length", str(length))]
    )


def _get(*extra: tuple[str, str]) -> Request:
    return Request(method="GET", target="/", headers=[("Host", "a"), *extra])


def _ok(length: int = 1) -> Response:
    return Response(status_code=200, headers=[("Content-Length", str(length))])


# Named ways to bring a ConnectionPair into a given (client, server) state.
# Each script is a list of (sender, events); the pair is kept in sync.
Script = list[tuple["Role", list[Event]]]
Start = tuple["State", "State"]
SCRIPTS: dict[Start, Script] = {
    (IDLE, IDLE): [],
    (SEND_BODY, SEND_RESPONSE): [(CLIENT, [_post(5)])],
    (DONE, SEND_RESPONSE): [(CLIENT, [_post(), Data(b"x"), EndOfMessage()])],
    (DONE, SEND_BODY): [(CLIENT, [_get(), EndOfMessage()]), (SERVER, [_ok(5)])],
    (DONE, DONE): [
        (CLIENT, [_get(), EndOfMessage()]),
        (SERVER, [_ok(), Data(b"x"), EndOfMessage()]),
    ],
    (MUST_CLOSE, MUST_CLOSE): [
        (CLIENT, [_get(("Connection", "close")), EndOfMessage()]),
        (SERVER, [_ok(0), EndOfMessage()]),
    ],
    (CLOSED, MUST_CLOSE): [
        (CLIENT, [_get(("Connection", "close")), EndOfMessage()]),
        (SERVER, [_ok(0), EndOfMessage()]),
        (CLIENT, [ConnectionClosed()]),
    ],
    (MIGHT_SWITCH_PROTOCOL, SEND_RESPONSE): [
        (CLIENT, [_get(("Upgrade", "websocket")), EndOfMessage()]),
    ],
}


def pair_in(start: Start) -> ConnectionPair:
    """A ConnectionPair driven into the (client state, server state) ``start``."""
    pair = ConnectionPair()
    for role, events in SCRIPTS[start]:
        pair.send(role, events, expect=None)
    assert pair.client.states == {CLIENT: start[0], SERVER: start[1]}
    return pair


def start_id(start: Start) -> str:
    return f"{start[0]}/{start[1]}"


# --- legal event-triggered transitions ----------------------------------------


@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_request_moves_client_to_send_body_and_server_to_send_response(view: Role) -> None:
    pair = pair_in((IDLE, IDLE))
    pair.send(CLIENT, _post())
    assert pair.conn(view).states == {CLIENT: SEND_BODY, SERVER: SEND_RESPONSE}


@pytest.mark.parametrize("role", [CLIENT, SERVER])
def test_data_keeps_the_sender_in_send_body(role: Role) -> None:
    pair = pair_in((SEND_BODY, SEND_RESPONSE) if role == CLIENT else (DONE, SEND_BODY))
    pair.send(role, Data(b"x"), expect=None)
    assert pair.conn(role).our_state is SEND_BODY


@pytest.mark.parametrize(
    ("role", "start", "end"),
    [
        (CLIENT, (SEND_BODY, SEND_RESPONSE), {CLIENT: DONE, SERVER: SEND_RESPONSE}),
        (SERVER, (DONE, SEND_BODY), {CLIENT: DONE, SERVER: DONE}),
    ],
)
def test_end_of_message_moves_the_sender_to_done(
    role: Role, start: Start, end: dict[Role, State]
) -> None:
    pair = pair_in(start)
    pair.send(role, [Data(b"12345"), EndOfMessage()], expect=None)
    assert pair.client.states == end


def test_informational_response_keeps_the_server_in_send_response() -> None:
    pair = pair_in((DONE, SEND_RESPONSE))
    pair.send(SERVER, InformationalResponse(status_code=102, headers=[]))
    assert pair.server.our_state is SEND_RESPONSE


def test_response_moves_the_server_from_send_response_to_send_body() -> None:
    pair = pair_in((DONE, SEND_RESPONSE))
    pair.send(SERVER, _ok())
    assert pair.server.our_state is SEND_BODY


def test_server_may_send_a_response_straight_from_idle() -> None:
    # An error response (400, 408) without any request having arrived.
    pair = pair_in((IDLE, IDLE))
    pair.send(SERVER, Response(status_code=408, headers=[("Content-Length", "1")]))
    assert pair.client.states == {CLIENT: IDLE, SERVER: SEND_BODY}


def test_client_accepts_a_response_while_it_is_still_idle() -> None:
    conn = Connection(CLIENT)
    events = events_from(conn, b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    assert [type(event) for event in events] == [Response, EndOfMessage]
    assert conn.states == {CLIENT: IDLE, SERVER: DONE}


# --- illegal event-triggered transitions ----------------------------------------

ILLEGAL_SENDS: list[tuple[Role, Start, Event]] = [
    (CLIENT, (IDLE, IDLE), Data(b"x")),
    (CLIENT, (IDLE, IDLE), EndOfMessage()),
    (CLIENT, (IDLE, IDLE), _ok()),
    (CLIENT, (IDLE, IDLE), InformationalResponse(status_code=100, headers=[])),
    (CLIENT, (SEND_BODY, SEND_RESPONSE), _post()),
    (CLIENT, (SEND_BODY, SEND_RESPONSE), ConnectionClosed()),
    (CLIENT, (DONE, SEND_RESPONSE), _post()),
    (CLIENT, (DONE, SEND_RESPONSE), Data(b"x")),
    (CLIENT, (DONE, SEND_RESPONSE), EndOfMessage()),
    (CLIENT, (MUST_CLOSE, MUST_CLOSE), _get()),
    (CLIENT, (CLOSED, MUST_CLOSE), _get()),
    (SERVER, (IDLE, IDLE), _get()),
    (SERVER, (IDLE, IDLE), Data(b"x")),
    (SERVER, (IDLE, IDLE), EndOfMessage()),
    (SERVER, (IDLE, IDLE), InformationalResponse(status_code=100, headers=[])),
    (SERVER, (DONE, SEND_RESPONSE), _get()),
    (SERVER, (DONE, SEND_RESPONSE), Data(b"x")),
    (SERVER, (DONE, SEND_RESPONSE), EndOfMessage()),
    (SERVER, (DONE, SEND_RESPONSE), ConnectionClosed()),
    (SERVER, (DONE, SEND_BODY), InformationalResponse(status_code=100, headers=[])),
    (SERVER, (DONE, SEND_BODY), _ok()),
    (SERVER, (DONE, SEND_BODY), ConnectionClosed()),
    (SERVER, (DONE, DONE), _ok()),
    (SERVER, (DONE, DONE), Data(b"x")),
    (SERVER, (MUST_CLOSE, MUST_CLOSE), _ok()),
]


@pytest.mark.parametrize(
    ("role", "start", "event"),
    ILLEGAL_SENDS,
    ids=[
        f"{role}-{start_id(start)}-{type(event).__name__}" for role, start, event in ILLEGAL_SENDS
    ],
)
def test_sending_an_event_the_state_does_not_allow_raises_and_enters_error(
    role: Role, start: Start, event: Event
) -> None:
    pair = pair_in(start)
    conn = pair.conn(role)
    their_state = conn.their_state
    with pytest.raises(LocalProtocolError):
        conn.send(event)
    assert conn.our_state is ERROR
    # The peer is untouched, except that (ERROR, DONE) couples to MUST_CLOSE.
    assert conn.their_state is (MUST_CLOSE if their_state is DONE else their_state)


def test_receiving_an_informational_response_before_any_request_is_a_remote_error() -> None:
    conn = Connection(CLIENT)
    with pytest.raises(RemoteProtocolError):
        events_from(conn, b"HTTP/1.1 100 Continue\r\n\r\n")
    assert conn.states == {CLIENT: IDLE, SERVER: ERROR}


# --- ConnectionClosed legality ------------------------------------------------

CLOSE_ALLOWED: list[tuple[Role, Start]] = [
    (CLIENT, (IDLE, IDLE)),
    (CLIENT, (DONE, SEND_RESPONSE)),
    (CLIENT, (MUST_CLOSE, MUST_CLOSE)),
    (CLIENT, (CLOSED, MUST_CLOSE)),
    (SERVER, (IDLE, IDLE)),
    (SERVER, (DONE, DONE)),
    (SERVER, (MUST_CLOSE, MUST_CLOSE)),
]


@pytest.mark.parametrize(
    ("role", "start"),
    CLOSE_ALLOWED,
    ids=[f"{role}-{start_id(start)}" for role, start in CLOSE_ALLOWED],
)
def test_connection_closed_moves_the_sender_to_closed(role: Role, start: Start) -> None:
    pair = pair_in(start)
    pair.send(role, ConnectionClosed())
    assert pair.conn(role).our_state is CLOSED


def test_receiving_eof_while_the_peer_is_idle_yields_connection_closed() -> None:
    conn = Connection(SERVER)
    assert events_from(conn, eof=True) == [ConnectionClosed()]
    assert conn.their_state is CLOSED


def test_eof_while_waiting_for_the_response_head_is_a_remote_error() -> None:
    # The server may not close in SEND_RESPONSE, so a bare EOF there is illegal.
    pair = pair_in((DONE, SEND_RESPONSE))
    with pytest.raises(RemoteProtocolError):
        events_from(pair.client, eof=True)
    assert pair.client.their_state is ERROR


# --- state-triggered couplings: half-close ------------------------------------

HALF_CLOSE: list[tuple[Role, Start, dict[Role, State]]] = [
    (CLIENT, (IDLE, IDLE), {CLIENT: CLOSED, SERVER: MUST_CLOSE}),
    (CLIENT, (DONE, DONE), {CLIENT: CLOSED, SERVER: MUST_CLOSE}),
    (SERVER, (IDLE, IDLE), {CLIENT: MUST_CLOSE, SERVER: CLOSED}),
    (SERVER, (DONE, DONE), {CLIENT: MUST_CLOSE, SERVER: CLOSED}),
]


@pytest.mark.parametrize(
    ("closer", "start", "end"),
    HALF_CLOSE,
    ids=[f"{closer}-closes-in-{start_id(start)}" for closer, start, _ in HALF_CLOSE],
)
@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_when_one_side_closes_an_idle_or_done_peer_must_close(
    closer: Role, start: Start, end: dict[Role, State], view: Role
) -> None:
    pair = pair_in(start)
    pair.send(closer, ConnectionClosed())
    assert pair.conn(view).states == end


def test_client_may_close_after_its_request_and_still_read_the_response() -> None:
    pair = pair_in((DONE, SEND_RESPONSE))
    pair.send(CLIENT, ConnectionClosed())
    # The server is mid-cycle, so it is not forced anywhere yet.
    assert pair.server.states == {CLIENT: CLOSED, SERVER: SEND_RESPONSE}
    pair.send(SERVER, [_ok(), Data(b"x"), EndOfMessage()])
    # Finishing the response lands in MUST_CLOSE, not DONE.
    assert pair.client.states == {CLIENT: CLOSED, SERVER: MUST_CLOSE}


# --- ERROR ---------------------------------------------------------------------


def test_client_error_while_server_is_done_forces_server_to_must_close() -> None:
    pair = pair_in((DONE, DONE))
    pair.client.send_failed()
    assert pair.client.states == {CLIENT: ERROR, SERVER: MUST_CLOSE}


def test_server_error_while_client_is_done_forces_client_to_must_close() -> None:
    pair = pair_in((DONE, DONE))
    pair.server.send_failed()
    assert pair.server.states == {CLIENT: MUST_CLOSE, SERVER: ERROR}


def test_receive_error_from_client_after_server_finished_forces_server_to_must_close() -> None:
    # The server answered early (before the request body ended), then the
    # rest of the body turned out to be malformed.
    server = Connection(SERVER)
    events_from(server, b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
    server.send(Response(status_code=413, headers=[("Content-Length", "0")]))
    server.send(EndOfMessage())
    assert server.states == {CLIENT: SEND_BODY, SERVER: DONE}
    with pytest.raises(RemoteProtocolError):
        events_from(server, b"not-hex\r\n")
    assert server.states == {CLIENT: ERROR, SERVER: MUST_CLOSE}


def test_receive_error_from_server_while_client_is_done_forces_client_to_must_close() -> None:
    pair = pair_in((DONE, SEND_RESPONSE))
    with pytest.raises(RemoteProtocolError):
        events_from(pair.client, b"HTTP/1.1 nope\r\n\r\n")
    assert pair.client.states == {CLIENT: MUST_CLOSE, SERVER: ERROR}


def test_an_error_does_not_couple_to_a_peer_that_is_mid_message() -> None:
    pair = pair_in((DONE, SEND_BODY))
    pair.client.send_failed()
    assert pair.client.states == {CLIENT: ERROR, SERVER: SEND_BODY}


def test_error_is_permanent() -> None:
    pair = pair_in((DONE, DONE))
    pair.server.send_failed()
    with pytest.raises(LocalProtocolError):
        pair.server.start_next_cycle()
    with pytest.raises(LocalProtocolError):
        pair.server.send(ConnectionClosed())
    assert pair.server.our_state is ERROR


# --- start_next_cycle -----------------------------------------------------------


@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_start_next_cycle_from_done_done_returns_both_roles_to_idle(view: Role) -> None:
    conn = pair_in((DONE, DONE)).conn(view)
    conn.start_next_cycle()
    assert conn.states == {CLIENT: IDLE, SERVER: IDLE}


@pytest.mark.parametrize(
    "start", [start for start in SCRIPTS if start != (DONE, DONE)], ids=start_id
)
@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_start_next_cycle_outside_done_done_raises_and_leaves_states_alone(
    start: Start, view: Role
) -> None:
    conn = pair_in(start).conn(view)
    before = conn.states
    with pytest.raises(LocalProtocolError):
        conn.start_next_cycle()
    assert conn.states == before


def test_start_next_cycle_forgets_the_previous_request_method() -> None:
    # After a HEAD cycle, a GET's response must be framed normally again.
    pair = ConnectionPair()
    head = Request(method="HEAD", target="/", headers=[("Host", "a")])
    pair.send(CLIENT, [head, EndOfMessage()])
    pair.send(SERVER, [_ok(3), EndOfMessage()], expect=[_ok(3), EndOfMessage()])
    for conn in (pair.client, pair.server):
        conn.start_next_cycle()
    pair.send(CLIENT, [_get(), EndOfMessage()])
    got = pair.send(SERVER, [_ok(3), Data(b"abc"), EndOfMessage()])
    assert got[1] == Data(b"abc")
