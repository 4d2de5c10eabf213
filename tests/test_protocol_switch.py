"""Upgrade and CONNECT (docs/concepts.rst, "Protocol switching: Upgrade and CONNECT").

RFC 9110 section 7.8 (Upgrade, 101 Switching Protocols) and section 9.3.6
(CONNECT: any 2xx turns the connection into a tunnel).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from h11typed import (
    CLIENT,
    DONE,
    ERROR,
    MIGHT_SWITCH_PROTOCOL,
    MUST_CLOSE,
    PAUSED,
    SEND_BODY,
    SEND_RESPONSE,
    SERVER,
    SWITCHED_PROTOCOL,
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
    from h11typed._state import Role

UPGRADE = ("Upgrade", "websocket")


def _upgrade_request(*extra: tuple[str, str]) -> Request:
    return Request(method="GET", target="/chat", headers=[("Host", "a"), UPGRADE, *extra])


def _connect_request(*extra: tuple[str, str]) -> Request:
    return Request(method="CONNECT", target="a:443", headers=[("Host", "a:443"), *extra])


def _switching() -> InformationalResponse:
    return InformationalResponse(status_code=101, headers=[UPGRADE])


def _proposed(request: Request) -> ConnectionPair:
    """A pair where the client has sent ``request`` and its (empty) end."""
    pair = ConnectionPair()
    pair.send(CLIENT, [request, EndOfMessage()])
    return pair


# --- proposals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_",
    [
        _upgrade_request(),
        _connect_request(),
        _connect_request(UPGRADE),  # both at once is legal
        Request(method="POST", target="/", headers=[("Host", "a"), ("Upgrade", "h2c")]),
        _upgrade_request(("Connection", "close")),  # beats keep-alive's MUST_CLOSE
        _connect_request(("Connection", "close")),
    ],
    ids=["upgrade", "connect", "both", "upgrade-on-post", "upgrade-close", "connect-close"],
)
@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_a_proposal_moves_the_finished_client_to_might_switch_protocol(
    request_: Request, view: Role
) -> None:
    pair = _proposed(request_)
    assert pair.conn(view).states == {CLIENT: MIGHT_SWITCH_PROTOCOL, SERVER: SEND_RESPONSE}


@pytest.mark.parametrize(
    "request_",
    [
        Request(method="connect", target="a:443", headers=[("Host", "a")]),  # case-sensitive
        Request(method="GET", target="/", headers=[("Host", "a"), ("Upgrade", "")]),
        Request(method="GET", target="/", headers=[("Host", "a"), ("Connection", "upgrade")]),
    ],
    ids=["lowercase-connect", "empty-upgrade", "connection-upgrade-only"],
)
def test_requests_that_do_not_propose_a_switch_end_in_done(request_: Request) -> None:
    pair = _proposed(request_)
    assert pair.client.states == {CLIENT: DONE, SERVER: SEND_RESPONSE}


def test_the_proposal_only_takes_effect_once_the_request_is_complete() -> None:
    pair = ConnectionPair()
    request = Request(
        method="POST",
        target="/",
        headers=[("Host", "a"), UPGRADE, ("Content-Length", "2")],
    )
    pair.send(CLIENT, [request, Data(b"a")])
    assert pair.client.states == {CLIENT: SEND_BODY, SERVER: SEND_RESPONSE}
    pair.send(CLIENT, [Data(b"b"), EndOfMessage()])
    assert pair.client.states == {CLIENT: MIGHT_SWITCH_PROTOCOL, SERVER: SEND_RESPONSE}


# --- acceptance -----------------------------------------------------------------------


@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_101_accepts_an_upgrade(view: Role) -> None:
    pair = _proposed(_upgrade_request())
    pair.send(SERVER, _switching())
    assert pair.conn(view).states == {CLIENT: SWITCHED_PROTOCOL, SERVER: SWITCHED_PROTOCOL}


@pytest.mark.parametrize("status", [200, 204, 299])
@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_a_2xx_response_accepts_a_connect(status: int, view: Role) -> None:
    pair = _proposed(_connect_request())
    pair.send(SERVER, Response(status_code=status, headers=[]))
    assert pair.conn(view).states == {CLIENT: SWITCHED_PROTOCOL, SERVER: SWITCHED_PROTOCOL}


@pytest.mark.parametrize(
    "accept", [_switching(), Response(status_code=200, headers=[])], ids=["101", "2xx"]
)
def test_either_acceptance_works_when_both_switches_were_proposed(accept: Event) -> None:
    pair = _proposed(_connect_request(UPGRADE))
    pair.send(SERVER, accept)
    assert pair.client.states == {CLIENT: SWITCHED_PROTOCOL, SERVER: SWITCHED_PROTOCOL}


def test_the_server_may_accept_before_the_client_has_finished_its_request() -> None:
    pair = ConnectionPair()
    request = Request(
        method="POST", target="/", headers=[("Host", "a"), UPGRADE, ("Content-Length", "2")]
    )
    pair.send(CLIENT, [request, Data(b"a")])
    pair.send(SERVER, _switching())
    assert pair.server.states == {CLIENT: SEND_BODY, SERVER: SWITCHED_PROTOCOL}
    pair.send(CLIENT, [Data(b"b"), EndOfMessage()])
    assert pair.server.states == {CLIENT: SWITCHED_PROTOCOL, SERVER: SWITCHED_PROTOCOL}


# --- 101 without a matching proposal --------------------------------------------------


@pytest.mark.parametrize(
    "request_",
    [
        Request(method="GET", target="/", headers=[("Host", "a")]),
        _connect_request(),  # a CONNECT is accepted with 2xx, never with 101
    ],
    ids=["no-proposal", "connect-only"],
)
def test_sending_101_without_an_upgrade_proposal_is_an_error(request_: Request) -> None:
    pair = _proposed(request_)
    with pytest.raises(LocalProtocolError):
        pair.server.send(_switching())
    assert pair.server.our_state is ERROR


@pytest.mark.parametrize(
    "request_",
    [Request(method="GET", target="/", headers=[("Host", "a")]), _connect_request()],
    ids=["no-proposal", "connect-only"],
)
def test_receiving_101_without_an_upgrade_proposal_is_an_error(request_: Request) -> None:
    client = Connection(CLIENT)
    client.send(request_)
    client.send(EndOfMessage())
    with pytest.raises(RemoteProtocolError):
        events_from(client, b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n")
    assert client.their_state is ERROR


# --- denial ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "status"),
    [
        (_upgrade_request(), 200),  # a 2xx only accepts a CONNECT
        (_upgrade_request(), 426),
        (_connect_request(), 407),
        (_connect_request(UPGRADE), 403),
    ],
    ids=["upgrade-200", "upgrade-426", "connect-407", "both-403"],
)
@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_any_other_response_denies_the_switch(request_: Request, status: int, view: Role) -> None:
    pair = _proposed(request_)
    pair.send(SERVER, Response(status_code=status, headers=[("Content-Length", "1")]))
    assert pair.conn(view).states == {CLIENT: DONE, SERVER: SEND_BODY}


def test_after_a_denial_the_connection_carries_on_normally() -> None:
    pair = _proposed(_upgrade_request())
    pair.send(
        SERVER, [Response(status_code=200, headers=[("Content-Length", "0")]), EndOfMessage()]
    )
    for conn in (pair.client, pair.server):
        conn.start_next_cycle()
    pair.send(CLIENT, [Request(method="GET", target="/", headers=[("Host", "a")]), EndOfMessage()])
    assert pair.client.states == {CLIENT: DONE, SERVER: SEND_RESPONSE}


def test_a_denial_with_keep_alive_off_sends_the_client_to_must_close() -> None:
    pair = _proposed(_connect_request(("Connection", "close")))
    # (send() adds "Connection: close" to the response, hence expect=None.)
    pair.send(SERVER, Response(status_code=407, headers=[("Content-Length", "1")]), expect=None)
    assert pair.client.states == {CLIENT: MUST_CLOSE, SERVER: SEND_BODY}


@pytest.mark.parametrize("status", [100, 102, 103])
def test_a_non_101_informational_response_leaves_the_proposal_pending(status: int) -> None:
    pair = _proposed(_upgrade_request())
    pair.send(SERVER, InformationalResponse(status_code=status, headers=[]))
    assert pair.client.states == {CLIENT: MIGHT_SWITCH_PROTOCOL, SERVER: SEND_RESPONSE}
    pair.send(SERVER, _switching())
    assert pair.client.states == {CLIENT: SWITCHED_PROTOCOL, SERVER: SWITCHED_PROTOCOL}


# --- reading while switching or switched ----------------------------------------------


def test_next_event_is_paused_while_a_switch_is_pending() -> None:
    server = Connection(SERVER)
    events_from(server, b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: x\r\n\r\n")
    assert server.their_state is MIGHT_SWITCH_PROTOCOL
    assert server.next_event() is PAUSED
    server.receive_data(b"early bytes of the new protocol")
    assert server.next_event() is PAUSED


def test_eof_is_not_reported_while_a_switch_is_pending() -> None:
    server = Connection(SERVER)
    events = events_from(server, b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: x\r\n\r\n", eof=True)
    assert [type(event) for event in events] == [Request, EndOfMessage]
    assert server.next_event() is PAUSED
    assert server.trailing_data == (b"", True)


def test_eof_is_reported_once_a_pending_switch_is_denied() -> None:
    server = Connection(SERVER)
    events_from(server, b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: x\r\n\r\n", eof=True)
    server.send(Response(status_code=200, headers=[("Content-Length", "0")]))
    server.send(EndOfMessage())
    assert server.next_event() == ConnectionClosed()


@pytest.mark.parametrize("role", [CLIENT, SERVER])
def test_next_event_is_paused_forever_after_the_switch(role: Role) -> None:
    pair = _proposed(_upgrade_request())
    pair.send(SERVER, _switching())
    conn = pair.conn(role)
    conn.receive_data(b"\x81\x05hello")
    assert conn.next_event() is PAUSED
    conn.receive_data(b"")
    assert conn.next_event() is PAUSED


def test_server_trailing_data_holds_the_bytes_after_the_request() -> None:
    server = Connection(SERVER)
    events_from(server, b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: x\r\n\r\n\x81\x05hello")
    server.send(InformationalResponse(status_code=101, headers=[("Upgrade", "x")]))
    assert server.trailing_data == (b"\x81\x05hello", False)


def test_client_trailing_data_holds_the_bytes_after_the_101() -> None:
    client = Connection(CLIENT)
    client.send(_upgrade_request())
    client.send(EndOfMessage())
    events = events_from(
        client, b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x00"
    )
    assert [type(event) for event in events] == [InformationalResponse]
    assert client.our_state is SWITCHED_PROTOCOL
    assert client.trailing_data == (b"\x81\x00", False)


def test_client_trailing_data_holds_the_tunnel_bytes_after_a_connect_2xx() -> None:
    client = Connection(CLIENT)
    client.send(_connect_request())
    client.send(EndOfMessage())
    events_from(client, b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01")
    assert client.trailing_data == (b"\x16\x03\x01", False)


def test_trailing_data_reports_eof_after_the_switch() -> None:
    pair = _proposed(_upgrade_request())
    pair.send(SERVER, _switching())
    pair.client.receive_data(b"tail")
    pair.client.receive_data(b"")
    assert pair.client.trailing_data == (b"tail", True)


# --- sending while switching or switched ----------------------------------------------


@pytest.mark.parametrize(
    "event",
    [Data(b"x"), EndOfMessage(), Request(method="GET", target="/", headers=[("Host", "a")])],
    ids=["Data", "EndOfMessage", "Request"],
)
@pytest.mark.parametrize("role", [CLIENT, SERVER])
def test_nothing_can_be_sent_after_the_switch(event: Event, role: Role) -> None:
    pair = _proposed(_upgrade_request())
    pair.send(SERVER, _switching())
    conn = pair.conn(role)
    with pytest.raises(LocalProtocolError):
        conn.send(event)
    assert conn.our_state is ERROR


def test_no_new_request_can_be_sent_while_a_switch_is_pending() -> None:
    pair = _proposed(_upgrade_request())
    with pytest.raises(LocalProtocolError):
        pair.client.send(Request(method="GET", target="/", headers=[("Host", "a")]))
    assert pair.client.our_state is ERROR


def test_start_next_cycle_is_refused_after_a_switch() -> None:
    pair = _proposed(_upgrade_request())
    pair.send(SERVER, _switching())
    with pytest.raises(LocalProtocolError):
        pair.server.start_next_cycle()
    assert pair.server.our_state is SWITCHED_PROTOCOL
