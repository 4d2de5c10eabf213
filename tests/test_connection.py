"""The Connection object's public members (docs/api.rst, "The connection")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

import h11typed
from h11typed import (
    CLIENT,
    DONE,
    ERROR,
    IDLE,
    NEED_DATA,
    PAUSED,
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
    Request,
    Response,
)
from h11typed._connection import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE
from tests.helpers import ConnectionPair, events_from

if TYPE_CHECKING:
    from h11typed._state import Role

GET_REQUEST = b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"


def _get() -> Request:
    return Request(method="GET", target="/", headers=[("Host", "example.com")])


def _post(content_length: bytes) -> Request:
    return Request(
        method="POST",
        target="/",
        headers=[("Host", "example.com"), ("Content-Length", content_length)],
    )


def _finished_cycle() -> ConnectionPair:
    """A pair where one GET and its empty 200 response have both completed."""
    pair = ConnectionPair()
    pair.send(CLIENT, [_get(), EndOfMessage()])
    pair.send(
        SERVER,
        [Response(status_code=200, headers=[("Content-Length", "0")]), EndOfMessage()],
    )
    return pair


# --- construction and roles -------------------------------------------------


@pytest.mark.parametrize(("our_role", "their_role"), [(CLIENT, SERVER), (SERVER, CLIENT)])
def test_their_role_is_the_opposite_of_our_role(our_role: Role, their_role: Role) -> None:
    conn = Connection(our_role=our_role)
    assert conn.our_role is our_role
    assert conn.their_role is their_role


def test_our_role_can_be_given_positionally() -> None:
    assert Connection(CLIENT).our_role is CLIENT


@pytest.mark.parametrize("bad_role", ["potato", "client", IDLE])
def test_constructing_with_a_role_that_is_not_a_role_raises_value_error(bad_role: Any) -> None:
    with pytest.raises(ValueError, match="expected CLIENT or SERVER"):
        Connection(our_role=bad_role)


def test_constructing_with_a_non_str_role_is_rejected() -> None:
    # mypyc enforces the annotation (TypeError); the pure build behaves as h11.
    bad: Any = None
    expected: type[Exception] = TypeError if h11typed.COMPILED else ValueError
    with pytest.raises(expected):
        Connection(our_role=bad)


def test_a_negative_max_header_count_is_refused() -> None:
    # An h11typed extension: None (the default) means no limit, 0 means no fields.
    with pytest.raises(ValueError, match="max_header_count"):
        Connection(SERVER, max_header_count=-1)


def test_default_max_incomplete_event_size_is_16_kib() -> None:
    assert DEFAULT_MAX_INCOMPLETE_EVENT_SIZE == 16 * 1024


def test_a_new_connection_starts_with_both_roles_idle() -> None:
    conn = Connection(SERVER)
    assert conn.states == {CLIENT: IDLE, SERVER: IDLE}
    assert conn.our_state is IDLE
    assert conn.their_state is IDLE


def test_states_values_are_the_state_names_as_strings() -> None:
    # Deliberate difference from h11, whose states are sentinel classes.
    conn = Connection(CLIENT)
    assert conn.states == {"CLIENT": "IDLE", "SERVER": "IDLE"}


def test_states_returns_a_fresh_copy_each_time() -> None:
    conn = Connection(CLIENT)
    snapshot = conn.states
    snapshot[CLIENT] = DONE
    assert conn.states == {CLIENT: IDLE, SERVER: IDLE}
    assert conn.states is not conn.states


@pytest.mark.parametrize("role", [CLIENT, SERVER])
def test_our_state_and_their_state_are_views_of_states(role: Role) -> None:
    pair = ConnectionPair()
    pair.send(CLIENT, _post(b"1"))
    conn = pair.conn(role)
    assert conn.our_state is conn.states[conn.our_role]
    assert conn.their_state is conn.states[conn.their_role]
    assert conn.states == {CLIENT: SEND_BODY, SERVER: SEND_RESPONSE}


# --- their_http_version -----------------------------------------------------


def test_their_http_version_is_none_before_anything_is_received() -> None:
    assert Connection(SERVER).their_http_version is None
    assert Connection(CLIENT).their_http_version is None


@pytest.mark.parametrize("version", [b"1.0", b"1.1"])
def test_server_learns_their_http_version_from_the_request_line(version: bytes) -> None:
    conn = Connection(SERVER)
    events_from(conn, b"GET / HTTP/" + version + b"\r\nHost: a\r\n\r\n")
    assert conn.their_http_version == version


def test_client_learns_their_http_version_from_an_informational_response() -> None:
    conn = Connection(CLIENT)
    conn.send(_get())
    events_from(conn, b"HTTP/1.1 100 Continue\r\n\r\n")
    assert conn.their_http_version == b"1.1"


def test_client_learns_their_http_version_from_the_status_line() -> None:
    conn = Connection(CLIENT)
    conn.send(_get())
    conn.send(EndOfMessage())
    events_from(conn, b"HTTP/1.0 200 OK\r\n\r\n")
    assert conn.their_http_version == b"1.0"


def test_sending_does_not_change_their_http_version() -> None:
    conn = Connection(CLIENT)
    conn.send(_get())
    assert conn.their_http_version is None


def test_their_http_version_survives_start_next_cycle() -> None:
    pair = _finished_cycle()
    pair.server.start_next_cycle()
    pair.client.start_next_cycle()
    assert pair.server.their_http_version == b"1.1"
    assert pair.client.their_http_version == b"1.1"


# --- 100-continue attributes -------------------------------------------------


def test_nobody_waits_for_100_continue_on_a_new_connection() -> None:
    for role in (CLIENT, SERVER):
        conn = Connection(role)
        assert conn.client_is_waiting_for_100_continue is False
        assert conn.they_are_waiting_for_100_continue is False


def test_they_are_waiting_for_100_continue_is_true_only_on_the_server_side() -> None:
    pair = ConnectionPair()
    pair.send(
        CLIENT,
        Request(
            method="POST",
            target="/",
            headers=[("Host", "a"), ("Content-Length", "1"), ("Expect", "100-continue")],
        ),
    )
    assert pair.client.client_is_waiting_for_100_continue is True
    assert pair.server.client_is_waiting_for_100_continue is True
    # "they" means the peer, so only the server sees a waiting peer.
    assert pair.server.they_are_waiting_for_100_continue is True
    assert pair.client.they_are_waiting_for_100_continue is False


def test_client_is_waiting_for_100_continue_is_a_plain_attribute() -> None:
    conn = Connection(SERVER)
    conn.client_is_waiting_for_100_continue = True
    assert conn.they_are_waiting_for_100_continue is True


# --- trailing_data and receive_data ------------------------------------------


def test_trailing_data_starts_empty_without_eof() -> None:
    assert Connection(SERVER).trailing_data == (b"", False)


def test_trailing_data_returns_unprocessed_bytes_as_bytes() -> None:
    conn = Connection(SERVER)
    conn.receive_data(b"GET / HT")
    data, closed = conn.trailing_data
    assert type(data) is bytes
    assert (data, closed) == (b"GET / HT", False)


def test_trailing_data_reports_eof() -> None:
    conn = Connection(SERVER)
    conn.receive_data(b"xyz")
    conn.receive_data(b"")
    assert conn.trailing_data == (b"xyz", True)


def test_trailing_data_excludes_bytes_already_parsed() -> None:
    conn = Connection(SERVER)
    events_from(conn, GET_REQUEST + b"GET /next")
    assert conn.trailing_data == (b"GET /next", False)


def test_receive_data_does_no_parsing() -> None:
    conn = Connection(SERVER)
    conn.receive_data(b"\x00garbage\r\n\r\n")  # only next_event() parses
    assert conn.their_state is IDLE


@pytest.mark.parametrize("chunk_type", [bytes, bytearray, memoryview])
def test_receive_data_accepts_bytes_like_objects(chunk_type: Any) -> None:
    conn = Connection(SERVER)
    conn.receive_data(chunk_type(GET_REQUEST))
    assert type(conn.next_event()) is Request


@pytest.mark.parametrize(
    "empty", [b"", bytearray(), memoryview(b"")], ids=["bytes", "bytearray", "memoryview"]
)
def test_receive_data_with_an_empty_argument_signals_eof(empty: Any) -> None:
    conn = Connection(SERVER)
    conn.receive_data(empty)
    assert conn.trailing_data == (b"", True)
    assert conn.next_event() == ConnectionClosed()


def test_receive_data_with_none_signals_eof() -> None:
    none: Any = None
    conn = Connection(SERVER)
    conn.receive_data(none)
    assert conn.trailing_data == (b"", True)


def test_repeating_eof_is_harmless() -> None:
    conn = Connection(SERVER)
    conn.receive_data(b"")
    conn.receive_data(b"")
    assert conn.next_event() == ConnectionClosed()


def test_receive_data_after_eof_raises_runtime_error() -> None:
    conn = Connection(SERVER)
    conn.receive_data(b"")
    with pytest.raises(RuntimeError) as excinfo:
        conn.receive_data(b"more")
    # A programming error, not a ProtocolError.
    assert type(excinfo.value) is RuntimeError


# --- next_event --------------------------------------------------------------


def test_next_event_with_nothing_received_is_need_data() -> None:
    assert Connection(SERVER).next_event() is NEED_DATA
    assert Connection(CLIENT).next_event() is NEED_DATA


def test_next_event_sentinels_dispatch_on_their_own_type() -> None:
    result = Connection(SERVER).next_event()
    assert type(result) is NEED_DATA


def test_next_event_returns_events_one_at_a_time() -> None:
    conn = Connection(SERVER)
    conn.receive_data(GET_REQUEST)
    assert type(conn.next_event()) is Request
    assert conn.next_event() == EndOfMessage()
    assert conn.next_event() is NEED_DATA


def test_next_event_returns_paused_when_their_message_is_done_and_more_is_buffered() -> None:
    conn = Connection(SERVER)
    assert len(events_from(conn, GET_REQUEST + GET_REQUEST)) == 2
    assert conn.next_event() is PAUSED
    assert conn.next_event() is PAUSED


def test_next_event_returns_need_data_in_done_when_buffer_is_empty() -> None:
    conn = Connection(SERVER)
    events_from(conn, GET_REQUEST)
    assert conn.their_state is DONE
    assert conn.next_event() is NEED_DATA


# --- send --------------------------------------------------------------------


def test_send_returns_bytes_for_every_message_event() -> None:
    client = Connection(CLIENT)
    server = Connection(SERVER)
    for event in (_post(b"2"), Data(b"hi"), EndOfMessage()):
        written = client.send(event)
        assert type(written) is bytes
        if written:  # b"" would mean EOF to receive_data
            server.receive_data(written)
    assert events_from(server)[-1] == EndOfMessage()
    for reply in (
        InformationalResponse(status_code=100, headers=[]),
        Response(status_code=200, headers=[("Content-Length", "0")]),
        EndOfMessage(),
    ):
        assert type(server.send(reply)) is bytes


def test_send_connection_closed_returns_none() -> None:
    conn = Connection(CLIENT)
    assert conn.send(ConnectionClosed()) is None


def test_send_with_data_passthrough_returns_a_list_of_pieces_for_a_head() -> None:
    conn = Connection(CLIENT)
    pieces = conn.send_with_data_passthrough(_get())
    assert isinstance(pieces, list)
    assert b"".join(pieces) == GET_REQUEST


def test_send_with_data_passthrough_returns_none_for_connection_closed() -> None:
    conn = Connection(CLIENT)
    assert conn.send_with_data_passthrough(ConnectionClosed()) is None


class _FileRegion:
    """Stands in for a sendfile() handle: it has a length but is not bytes."""

    def __len__(self) -> int:
        return 5


def test_send_with_data_passthrough_keeps_the_callers_data_object() -> None:
    conn = Connection(CLIENT)
    conn.send(_post(b"5"))
    region = _FileRegion()
    pieces = conn.send_with_data_passthrough(Data(data=region))
    assert pieces is not None
    assert len(pieces) == 1
    assert pieces[0] is region
    # Its length counted against Content-Length, so the message is complete.
    assert conn.send(EndOfMessage()) == b""
    assert conn.our_state is DONE


@pytest.mark.parametrize("role", [CLIENT, SERVER])
def test_sending_the_bare_event_base_class_is_a_local_error_that_fails_our_side(role: Role) -> None:
    # Only the six concrete event types mean something on the wire.
    conn = Connection(role)
    with pytest.raises(LocalProtocolError, match="can't handle event type Event"):
        conn.send(Event())
    assert conn.our_state is ERROR
    assert conn.their_state is IDLE


# --- send_failed ---------------------------------------------------------------


def test_send_failed_puts_our_state_in_error() -> None:
    conn = Connection(CLIENT)
    conn.send_failed()
    assert conn.our_state is ERROR
    assert conn.their_state is IDLE


def test_send_failed_is_idempotent() -> None:
    conn = Connection(CLIENT)
    conn.send_failed()
    conn.send_failed()
    assert conn.our_state is ERROR


def test_send_after_send_failed_raises_local_protocol_error() -> None:
    conn = Connection(CLIENT)
    conn.send_failed()
    with pytest.raises(LocalProtocolError):
        conn.send(_get())


# --- start_next_cycle ----------------------------------------------------------


def test_start_next_cycle_resets_both_roles_to_idle_from_done_done() -> None:
    pair = _finished_cycle()
    for conn in (pair.client, pair.server):
        assert conn.states == {CLIENT: DONE, SERVER: DONE}
        conn.start_next_cycle()
        assert conn.states == {CLIENT: IDLE, SERVER: IDLE}


def test_a_second_request_can_be_sent_after_start_next_cycle() -> None:
    pair = _finished_cycle()
    pair.client.start_next_cycle()
    pair.server.start_next_cycle()
    pair.send(CLIENT, [_get(), EndOfMessage()])
    assert pair.client.states == {CLIENT: DONE, SERVER: SEND_RESPONSE}


def test_start_next_cycle_before_the_cycle_is_done_raises_and_changes_nothing() -> None:
    pair = ConnectionPair()
    pair.send(CLIENT, [_get(), EndOfMessage()])
    for conn in (pair.client, pair.server):
        before = conn.states
        with pytest.raises(LocalProtocolError):
            conn.start_next_cycle()
        # A refused cycle reset is not a protocol failure: no ERROR.
        assert conn.states == before
