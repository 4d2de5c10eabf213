"""Keep-alive, 100-continue and pipelining.

Persistence rules come from RFC 9112 section 9.3, pipelining from section
9.3.2; Expect: 100-continue from RFC 9110 section 10.1.1. docs/concepts.rst
describes all three ("Keep-alive", "Pipelining and PAUSED", "100-continue").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from h11typed import (
    CLIENT,
    DONE,
    IDLE,
    MUST_CLOSE,
    NEED_DATA,
    PAUSED,
    SEND_BODY,
    SEND_RESPONSE,
    SERVER,
    Connection,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    LocalProtocolError,
    RemoteProtocolError,
    Request,
    Response,
)
from tests.helpers import (
    ConnectionPair,
    Feed,
    events_from,
    exactly,
    normalize_data_events,
    parametrize_feed,
)

if TYPE_CHECKING:
    from h11typed._state import Role


def _get(*extra: tuple[str, str]) -> Request:
    return Request(method="GET", target="/", headers=[("Host", "a"), *extra])


def _empty_ok(*extra: tuple[str, str]) -> Response:
    return Response(status_code=200, headers=[("Content-Length", "0"), *extra])


def _expects_continue(expect: str = "100-continue") -> Request:
    return Request(
        method="POST",
        target="/",
        headers=[("Host", "a"), ("Content-Length", "2"), ("Expect", expect)],
    )


def _cycle(pair: ConnectionPair, request: Request, response: Response) -> None:
    """Run one request/response exchange with empty bodies."""
    pair.send(CLIENT, [request, EndOfMessage()])
    got = pair.send(SERVER, [response, EndOfMessage()], expect=None)
    assert [type(event) for event in got] == [Response, EndOfMessage]


# --- keep-alive -----------------------------------------------------------------------


@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_http_1_1_connections_are_persistent_by_default(view: Role) -> None:
    pair = ConnectionPair()
    _cycle(pair, _get(), _empty_ok())
    assert pair.conn(view).states == {CLIENT: DONE, SERVER: DONE}


CLOSE_TOKENS = ["close", "Close", "CLOSE", "keep-alive, close", "foo,  close ,bar", "close, close"]


@pytest.mark.parametrize("value", CLOSE_TOKENS)
@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_connection_close_on_the_request_disables_keep_alive(value: str, view: Role) -> None:
    pair = ConnectionPair()
    _cycle(pair, _get(("Connection", value)), _empty_ok())
    assert pair.conn(view).states == {CLIENT: MUST_CLOSE, SERVER: MUST_CLOSE}


@pytest.mark.parametrize("value", CLOSE_TOKENS)
@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_connection_close_on_the_response_disables_keep_alive(value: str, view: Role) -> None:
    pair = ConnectionPair()
    _cycle(pair, _get(), _empty_ok(("Connection", value)))
    assert pair.conn(view).states == {CLIENT: MUST_CLOSE, SERVER: MUST_CLOSE}


def test_close_may_be_in_any_of_several_connection_headers() -> None:
    pair = ConnectionPair()
    _cycle(pair, _get(("Connection", "foo"), ("Connection", "close")), _empty_ok())
    assert pair.server.states == {CLIENT: MUST_CLOSE, SERVER: MUST_CLOSE}


@pytest.mark.parametrize("value", ["keep-alive", "closed", "upgrade", "x-close"])
def test_other_connection_tokens_keep_the_connection_alive(value: str) -> None:
    pair = ConnectionPair()
    _cycle(pair, _get(("Connection", value)), _empty_ok())
    assert pair.server.states == {CLIENT: DONE, SERVER: DONE}


def test_an_http_1_0_request_disables_keep_alive() -> None:
    server = Connection(SERVER)
    events_from(server, b"GET / HTTP/1.0\r\n\r\n")
    server.send(_empty_ok())
    server.send(EndOfMessage())
    assert server.states == {CLIENT: MUST_CLOSE, SERVER: MUST_CLOSE}


def test_an_http_1_0_request_asking_for_keep_alive_keeps_the_connection() -> None:
    # RFC 9112 §9.3; an h11typed extension (h11 closes every HTTP/1.0 connection).
    server = Connection(SERVER)
    events_from(server, b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    server.send(_empty_ok())
    server.send(EndOfMessage())
    assert server.states == {CLIENT: DONE, SERVER: DONE}


def test_an_http_1_0_response_disables_keep_alive() -> None:
    client = Connection(CLIENT)
    client.send(_get())
    client.send(EndOfMessage())
    events_from(client, b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert client.states == {CLIENT: MUST_CLOSE, SERVER: MUST_CLOSE}


def test_a_request_with_a_newer_http_version_keeps_the_connection_alive() -> None:
    server = Connection(SERVER)
    events_from(server, b"GET / HTTP/2.0\r\nHost: a\r\n\r\n")
    server.send(_empty_ok())
    server.send(EndOfMessage())
    assert server.states == {CLIENT: DONE, SERVER: DONE}


def test_connection_close_on_an_informational_response_does_not_disable_keep_alive() -> None:
    pair = ConnectionPair()
    pair.send(CLIENT, [_get(), EndOfMessage()])
    pair.send(SERVER, InformationalResponse(status_code=103, headers=[("Connection", "close")]))
    pair.send(SERVER, [_empty_ok(), EndOfMessage()])
    assert pair.client.states == {CLIENT: DONE, SERVER: DONE}


def test_the_client_reaches_must_close_as_soon_as_its_request_ends() -> None:
    # With keep-alive off, DONE is skipped straight away for whoever gets there.
    pair = ConnectionPair()
    pair.send(CLIENT, [_get(("Connection", "close")), EndOfMessage()])
    assert pair.client.states == {CLIENT: MUST_CLOSE, SERVER: SEND_RESPONSE}


def test_a_done_client_moves_to_must_close_when_the_response_disables_keep_alive() -> None:
    pair = ConnectionPair()
    pair.send(CLIENT, [_get(), EndOfMessage()])
    pair.send(
        SERVER,
        Response(status_code=200, headers=[("Content-Length", "1"), ("Connection", "close")]),
    )
    assert pair.client.states == {CLIENT: MUST_CLOSE, SERVER: SEND_BODY}


def test_keep_alive_is_never_re_enabled() -> None:
    pair = ConnectionPair()
    _cycle(pair, _get(("Connection", "close")), _empty_ok(("Connection", "keep-alive")))
    for conn in (pair.client, pair.server):
        with pytest.raises(LocalProtocolError):
            conn.start_next_cycle()
        assert conn.states == {CLIENT: MUST_CLOSE, SERVER: MUST_CLOSE}


def test_bytes_after_a_request_that_closes_the_connection_are_a_protocol_error() -> None:
    # Nothing may follow a request with Connection: close; unlike in DONE,
    # such bytes are not held back behind PAUSED.
    server = Connection(SERVER)
    events_from(server, b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    server.receive_data(b"GET / HTTP/1.1\r\n")
    with pytest.raises(RemoteProtocolError):
        server.next_event()


# --- 100-continue ---------------------------------------------------------------------


@pytest.mark.parametrize("expect", ["100-continue", "100-Continue", "foo, 100-CONTINUE"])
@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_expect_100_continue_marks_the_client_as_waiting(expect: str, view: Role) -> None:
    pair = ConnectionPair()
    pair.send(CLIENT, _expects_continue(expect))
    assert pair.conn(view).client_is_waiting_for_100_continue is True


@pytest.mark.parametrize("expect", ["", "101-continue", "continue", "100-continue-ish"])
def test_other_expectations_do_not_mark_the_client_as_waiting(expect: str) -> None:
    pair = ConnectionPair()
    pair.send(CLIENT, _expects_continue(expect))
    assert pair.server.client_is_waiting_for_100_continue is False


def test_expect_100_continue_on_an_http_1_0_request_is_ignored() -> None:
    # RFC 9110 section 10.1.1: a server must ignore it from an HTTP/1.0 client.
    server = Connection(SERVER)
    events_from(server, b"POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
    assert server.client_is_waiting_for_100_continue is False
    assert server.they_are_waiting_for_100_continue is False


@pytest.mark.parametrize(
    "response",
    [
        InformationalResponse(status_code=100, headers=[]),
        InformationalResponse(status_code=103, headers=[]),
        Response(status_code=417, headers=[("Content-Length", "1")]),
    ],
    ids=["100", "103", "417"],
)
@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_any_response_from_the_server_ends_the_wait(
    response: InformationalResponse | Response, view: Role
) -> None:
    pair = ConnectionPair()
    pair.send(CLIENT, _expects_continue())
    pair.send(SERVER, response, expect=None)
    assert pair.conn(view).client_is_waiting_for_100_continue is False


@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_the_client_sending_body_data_ends_the_wait(view: Role) -> None:
    # A client may stop waiting and send the body anyway (RFC 9110 section 10.1.1).
    pair = ConnectionPair()
    pair.send(CLIENT, _expects_continue())
    pair.send(CLIENT, Data(b"h"))
    assert pair.conn(view).client_is_waiting_for_100_continue is False


@pytest.mark.parametrize("view", [CLIENT, SERVER])
def test_the_client_ending_its_message_ends_the_wait(view: Role) -> None:
    pair = ConnectionPair()
    request = Request(
        method="POST",
        target="/",
        headers=[("Host", "a"), ("Transfer-Encoding", "chunked"), ("Expect", "100-continue")],
    )
    pair.send(CLIENT, request)
    assert pair.conn(view).client_is_waiting_for_100_continue is True
    pair.send(CLIENT, EndOfMessage())
    assert pair.conn(view).client_is_waiting_for_100_continue is False


# --- pipelining -----------------------------------------------------------------------

PIPELINED = (
    b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
    b"POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
    b"GET /3 HTTP/1.1\r\nHost: a\r\n\r\n"
)


def _answer(server: Connection) -> None:
    server.send(_empty_ok())
    server.send(EndOfMessage())


def _targets(events: list[Event]) -> list[bytes]:
    return [event.target for event in events if type(event) is Request]


@parametrize_feed
def test_pipelined_requests_are_served_one_per_cycle(feed: Feed) -> None:
    server = Connection(SERVER)
    first = events_from(server, PIPELINED, feed=feed)
    assert _targets(first) == [b"/1"]
    assert type(first[-1]) is EndOfMessage
    assert server.next_event() is PAUSED

    _answer(server)
    # Still paused: the next request waits until the cycle is reset.
    assert server.next_event() is PAUSED
    server.start_next_cycle()
    second = normalize_data_events(events_from(server))
    assert _targets(second) == [b"/2"]
    assert second[1:] == [Data(b"abc"), EndOfMessage()]

    _answer(server)
    server.start_next_cycle()
    assert _targets(events_from(server)) == [b"/3"]

    _answer(server)
    server.start_next_cycle()
    assert server.next_event() is NEED_DATA


def test_paused_holds_while_the_response_is_being_sent() -> None:
    server = Connection(SERVER)
    events_from(server, PIPELINED)
    server.send(Response(status_code=200, headers=[("Content-Length", "2")]))
    assert server.next_event() is PAUSED
    server.send(Data(b"ok"))
    assert server.next_event() is PAUSED


def test_a_pipelined_request_is_visible_in_trailing_data_while_paused() -> None:
    server = Connection(SERVER)
    events_from(server, b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2")
    assert server.next_event() is PAUSED
    assert server.trailing_data == (b"GET /2", False)


def test_after_start_next_cycle_the_buffered_request_is_parsed() -> None:
    server = Connection(SERVER)
    events_from(server, b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
    _answer(server)
    server.start_next_cycle()
    assert server.states == {CLIENT: IDLE, SERVER: IDLE}
    request = exactly(Request, server.next_event())
    assert request.target == b"/2"
    assert server.states == {CLIENT: SEND_BODY, SERVER: SEND_RESPONSE}
