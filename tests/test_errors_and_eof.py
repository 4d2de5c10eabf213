"""Errors and end-of-file handling (docs/concepts.rst, "Errors and error_status_hint";
RFC 9112 section 8, incomplete messages, and section 9.6, tear-down).

EOF inside bodies is covered next to the body readers (test_reading_bodies.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from h11typed import (
    CLIENT,
    CLOSED,
    ERROR,
    IDLE,
    MUST_CLOSE,
    PAUSED,
    SEND_RESPONSE,
    SERVER,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    LocalProtocolError,
    ProtocolError,
    RemoteProtocolError,
    Request,
    Response,
)
from tests.helpers import ConnectionPair, Feed, events_from, parametrize_feed

if TYPE_CHECKING:
    from h11typed._state import Role


def _client_awaiting_response() -> Connection:
    conn = Connection(CLIENT)
    conn.send(Request(method="GET", target="/", headers=[("Host", "a")]))
    conn.send(EndOfMessage())
    return conn


def _reader(peer: Role) -> Connection:
    """A connection about to read a head sent by ``peer``."""
    return Connection(SERVER) if peer == CLIENT else _client_awaiting_response()


def _finished_cycle() -> ConnectionPair:
    pair = ConnectionPair()
    pair.send(CLIENT, [Request(method="GET", target="/", headers=[("Host", "a")]), EndOfMessage()])
    pair.send(
        SERVER, [Response(status_code=200, headers=[("Content-Length", "0")]), EndOfMessage()]
    )
    return pair


# --- clean EOF ------------------------------------------------------------------------


@pytest.mark.parametrize("role", [CLIENT, SERVER])
def test_eof_from_an_idle_peer_is_connection_closed(role: Role) -> None:
    conn = Connection(role)
    assert events_from(conn, eof=True) == [ConnectionClosed()]
    assert conn.their_state is CLOSED


@pytest.mark.parametrize("role", [CLIENT, SERVER])
def test_eof_after_a_complete_cycle_is_connection_closed(role: Role) -> None:
    conn = _finished_cycle().conn(role)
    assert events_from(conn, eof=True) == [ConnectionClosed()]
    assert conn.states[conn.their_role] is CLOSED
    assert conn.our_state is MUST_CLOSE


def test_eof_after_a_response_that_closes_the_connection_is_connection_closed() -> None:
    client = _client_awaiting_response()
    events = events_from(
        client, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", eof=True
    )
    assert events[-1] == ConnectionClosed()
    assert client.states == {CLIENT: MUST_CLOSE, SERVER: CLOSED}


@pytest.mark.parametrize("role", [CLIENT, SERVER])
def test_connection_closed_is_returned_again_on_every_later_call(role: Role) -> None:
    conn = Connection(role)
    conn.receive_data(b"")
    for _ in range(3):
        assert conn.next_event() == ConnectionClosed()


def test_eof_behind_a_paused_pipeline_is_not_reported_yet() -> None:
    server = Connection(SERVER)
    request = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
    events_from(server, request + request, eof=True)
    assert server.next_event() is PAUSED
    assert server.trailing_data == (request, True)


# --- EOF in the middle of a head ------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "partial"),
    [
        (CLIENT, b"G"),
        (CLIENT, b"GET / HTTP/1.1"),
        (CLIENT, b"GET / HTTP/1.1\r\n"),
        (CLIENT, b"GET / HTTP/1.1\r\nHost: a\r\n"),
        (SERVER, b"H"),
        (SERVER, b"HTTP/1.1 200 OK\r\n"),
        (SERVER, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"),
    ],
)
@parametrize_feed
def test_eof_in_the_middle_of_a_head_is_an_unexpected_close(
    peer: Role, partial: bytes, feed: Feed
) -> None:
    conn = _reader(peer)
    events_from(conn, partial, feed=feed)
    with pytest.raises(RemoteProtocolError) as excinfo:
        events_from(conn, eof=True)
    assert str(excinfo.value) == "peer unexpectedly closed connection"
    assert conn.their_state is ERROR


# --- receive errors -------------------------------------------------------------------


def test_a_receive_error_puts_their_state_in_error_and_leaves_ours_alone() -> None:
    server = Connection(SERVER)
    with pytest.raises(RemoteProtocolError):
        events_from(server, b"GET / HTTP/1.1\r\n\r\n")  # no Host
    assert server.states == {CLIENT: ERROR, SERVER: IDLE}


def test_next_event_keeps_raising_after_a_receive_error() -> None:
    server = Connection(SERVER)
    with pytest.raises(RemoteProtocolError):
        events_from(server, b"\x00")
    for _ in range(2):
        with pytest.raises(RemoteProtocolError) as excinfo:
            server.next_event()
        assert type(excinfo.value) is RemoteProtocolError


def test_next_event_raises_after_a_receive_error_even_with_new_valid_data() -> None:
    server = Connection(SERVER)
    with pytest.raises(RemoteProtocolError):
        events_from(server, b"\x00")
    server.receive_data(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    with pytest.raises(RemoteProtocolError):
        server.next_event()


def _missing_host() -> None:
    Request(method="GET", target="/", headers=[])


def _two_hosts() -> None:
    Request(method="GET", target="/", headers=[("Host", "a"), ("Host", "b")])


def _gzip_encoding() -> None:
    Request(method="GET", target="/", headers=[("Host", "a"), ("Transfer-Encoding", "gzip")])


def _conflicting_lengths() -> None:
    Request(
        method="GET",
        target="/",
        headers=[("Host", "a"), ("Content-Length", "1"), ("Content-Length", "2")],
    )


@pytest.mark.parametrize(
    ("build_locally", "head"),
    [
        (_missing_host, b"GET / HTTP/1.1\r\n\r\n"),
        (_two_hosts, b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        (_gzip_encoding, b"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"),
        (
            _conflicting_lengths,
            b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        ),
    ],
    ids=["missing-host", "two-hosts", "gzip", "conflicting-lengths"],
)
def test_a_validation_error_while_parsing_surfaces_as_exactly_remote_protocol_error(
    build_locally: Callable[[], None], head: bytes
) -> None:
    # The same check that raises LocalProtocolError when we build the event
    # raises RemoteProtocolError, with message and hint intact, when the peer
    # sent it.
    with pytest.raises(LocalProtocolError) as local:
        build_locally()
    with pytest.raises(RemoteProtocolError) as remote:
        events_from(Connection(SERVER), head)
    assert type(remote.value) is RemoteProtocolError
    assert not isinstance(remote.value, LocalProtocolError)
    assert str(remote.value) == str(local.value)
    assert remote.value.args == local.value.args
    assert remote.value.error_status_hint == local.value.error_status_hint


@pytest.mark.parametrize(
    "data",
    [
        b"\x16\x03\x01",
        b"GET / HTTP/1.1 \r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
def test_every_parse_error_is_a_remote_protocol_error(data: bytes) -> None:
    with pytest.raises(ProtocolError) as excinfo:
        events_from(Connection(SERVER), data)
    assert type(excinfo.value) is RemoteProtocolError


def test_the_431_hint_survives_the_conversion() -> None:
    server = Connection(SERVER, max_incomplete_event_size=10)
    with pytest.raises(RemoteProtocolError) as excinfo:
        events_from(server, b"GET / HTTP/1.1\r\n")
    assert excinfo.value.error_status_hint == 431


# --- answering after a receive error --------------------------------------------------


def test_server_can_still_send_400_after_a_receive_error() -> None:
    server = Connection(SERVER)
    with pytest.raises(RemoteProtocolError):
        events_from(server, b"GET / HTTP/1.1\r\nHost : a\r\n\r\n")
    # No request was parsed, so the client's version is unknown: the body
    # must be delimited by closing the connection.
    assert server.send(Response(status_code=400, headers=[])) == (
        b"HTTP/1.1 400 \r\nConnection: close\r\n\r\n"
    )
    assert server.send(Data(b"bad request")) == b"bad request"
    assert server.send(EndOfMessage()) == b""
    assert server.states == {CLIENT: ERROR, SERVER: MUST_CLOSE}


def test_server_can_answer_when_the_request_body_turns_out_malformed() -> None:
    server = Connection(SERVER)
    with pytest.raises(RemoteProtocolError):
        events_from(
            server,
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc__",
        )
    assert server.states == {CLIENT: ERROR, SERVER: SEND_RESPONSE}
    server.send(Response(status_code=400, headers=[("Content-Length", "0")]))
    server.send(EndOfMessage())
    assert server.states == {CLIENT: ERROR, SERVER: MUST_CLOSE}


# --- send errors ----------------------------------------------------------------------


def test_a_send_error_puts_our_state_in_error_and_leaves_theirs_alone() -> None:
    client = Connection(CLIENT)
    client.send(
        Request(method="POST", target="/", headers=[("Host", "a"), ("Content-Length", "1")])
    )
    with pytest.raises(LocalProtocolError):
        client.send(Data(b"too much"))
    assert client.states == {CLIENT: ERROR, SERVER: SEND_RESPONSE}


def test_every_send_after_a_send_error_raises_local_protocol_error() -> None:
    client = Connection(CLIENT)
    client.send(
        Request(method="POST", target="/", headers=[("Host", "a"), ("Content-Length", "1")])
    )
    with pytest.raises(LocalProtocolError):
        client.send(Data(b"too much"))
    # Even events that would have been legal before the failure.
    for event in (Data(b"x"), EndOfMessage(), ConnectionClosed()):
        with pytest.raises(LocalProtocolError):
            client.send(event)
    assert client.our_state is ERROR


def test_send_failed_after_a_send_error_changes_nothing() -> None:
    client = Connection(CLIENT)
    with pytest.raises(LocalProtocolError):
        client.send(Data(b"x"))
    client.send_failed()
    assert client.states == {CLIENT: ERROR, SERVER: IDLE}


def test_receiving_still_works_after_our_send_failed() -> None:
    # Our ERROR is about what we sent; the peer's bytes can still be read.
    client = _client_awaiting_response()
    client.send_failed()
    events = events_from(client, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    assert [type(event) for event in events] == [Response, Data, EndOfMessage]
    assert client.states == {CLIENT: ERROR, SERVER: MUST_CLOSE}
