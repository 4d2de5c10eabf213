"""Typing contract of the public API: what mypy --strict and pyright strict infer.

Checked by both checkers (scripts/test.sh); never executed (pytest does not collect
this directory, and no function here is called). Each function pins one fact with
`assert_type`, or is a negative case: a call that must stay an error, marked with
`# type: ignore[code]` for mypy and `# pyright: ignore[rule]` for pyright. mypy's
`warn_unused_ignores` and pyright's `reportUnnecessaryTypeIgnoreComment` fail the run
if the error ever goes away (pyright is told to ignore `# type: ignore` comments, so
each checker answers for its own).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, assert_type

import h11typed
from h11typed import (
    NEED_DATA,
    PAUSED,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    LocalProtocolError,
    NextEventResult,
    ProtocolError,
    RemoteProtocolError,
    Request,
    Response,
)
from h11typed._connection import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE
from h11typed._headers import Headers
from h11typed._state import Role, State

HOST = [(b"Host", b"example.com")]


# --- Connection.next_event ---------------------------------------------------


def next_event_returns_a_closed_union_of_events_and_flow_sentinels(conn: Connection) -> None:
    assert_type(conn.next_event(), NextEventResult)
    assert_type(
        conn.next_event(),
        Request
        | InformationalResponse
        | Response
        | Data
        | EndOfMessage
        | ConnectionClosed
        | type[NEED_DATA]
        | type[PAUSED],
    )


def isinstance_event_separates_events_from_flow_sentinels(conn: Connection) -> None:
    event = conn.next_event()
    if isinstance(event, Event):
        assert_type(
            event,
            Request | InformationalResponse | Response | Data | EndOfMessage | ConnectionClosed,
        )
    else:
        assert_type(event, type[NEED_DATA] | type[PAUSED])


def comparing_with_a_sentinel_by_identity_removes_it(conn: Connection) -> None:
    event = conn.next_event()
    if event is NEED_DATA or event is PAUSED:
        return
    assert_type(
        event, Request | InformationalResponse | Response | Data | EndOfMessage | ConnectionClosed
    )


def isinstance_narrows_an_event_to_its_class(conn: Connection) -> None:
    event = conn.next_event()
    if isinstance(event, Request):
        assert_type(event.method, bytes)


def flow_sentinels_are_typed_as_their_classes() -> None:
    assert_type(h11typed.NEED_DATA, type[NEED_DATA])
    assert_type(h11typed.PAUSED, type[PAUSED])


# --- Connection.send overloads ----------------------------------------------


def send_request_returns_bytes(conn: Connection) -> None:
    assert_type(conn.send(Request(method=b"GET", target=b"/", headers=HOST)), bytes)


def send_informational_response_returns_bytes(conn: Connection) -> None:
    assert_type(conn.send(InformationalResponse(status_code=100, headers=[])), bytes)


def send_response_returns_bytes(conn: Connection) -> None:
    assert_type(conn.send(Response(status_code=200, headers=[])), bytes)


def send_data_returns_bytes(conn: Connection) -> None:
    assert_type(conn.send(Data(data=b"body")), bytes)


def send_end_of_message_returns_bytes(conn: Connection) -> None:
    assert_type(conn.send(EndOfMessage()), bytes)


def send_connection_closed_returns_none(conn: Connection) -> None:
    assert_type(conn.send(ConnectionClosed()), None)


def send_of_an_event_of_unknown_class_returns_optional_bytes(
    conn: Connection, event: Event
) -> None:
    assert_type(conn.send(event), bytes | None)


def send_refuses_raw_bytes(conn: Connection) -> None:
    conn.send(b"GET / HTTP/1.1\r\n\r\n")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]


def send_with_data_passthrough_returns_an_optional_list(conn: Connection) -> None:
    # h11 annotates Optional[List[bytes]], but the list holds the caller's Data
    # payload as is; either element type is acceptable here.
    pieces: list[Any] | None = conn.send_with_data_passthrough(Data(data=b"body"))
    if pieces is not None:
        assert_type(len(pieces), int)


def send_with_data_passthrough_result_may_be_none(conn: Connection) -> None:
    pieces = conn.send_with_data_passthrough(ConnectionClosed())
    pieces[0]  # type: ignore[index]  # pyright: ignore[reportOptionalSubscript]


# --- Connection attributes ---------------------------------------------------


def connection_accepts_the_role_constants() -> None:
    Connection(our_role=h11typed.CLIENT)
    Connection(our_role=h11typed.SERVER, max_incomplete_event_size=1024)


def connection_refuses_a_str_that_is_not_a_role() -> None:
    Connection(our_role="potato")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def roles_are_typed_as_role(conn: Connection) -> None:
    assert_type(conn.our_role, Role)
    assert_type(conn.their_role, Role)


def states_are_typed_as_state(conn: Connection) -> None:
    assert_type(conn.our_state, State)
    assert_type(conn.their_state, State)


def states_property_maps_roles_to_states(conn: Connection) -> None:
    assert_type(conn.states, dict[Role, State])


def trailing_data_is_bytes_and_an_eof_flag(conn: Connection) -> None:
    assert_type(conn.trailing_data, tuple[bytes, bool])


def their_http_version_is_optional_bytes(conn: Connection) -> None:
    assert_type(conn.their_http_version, bytes | None)


def continue_flags_are_bool(conn: Connection) -> None:
    assert_type(conn.client_is_waiting_for_100_continue, bool)
    assert_type(conn.they_are_waiting_for_100_continue, bool)


def receive_data_accepts_bytes_like_and_eof_markers(conn: Connection) -> None:
    conn.receive_data(b"GET")
    conn.receive_data(bytearray(b"GET"))
    conn.receive_data(memoryview(b"GET"))
    conn.receive_data(b"")
    conn.receive_data(None)


def cycle_methods_return_none(conn: Connection) -> None:
    conn.start_next_cycle()
    conn.send_failed()


def default_max_incomplete_event_size_is_an_int() -> None:
    assert_type(DEFAULT_MAX_INCOMPLETE_EVENT_SIZE, int)


# --- event constructors and fields ------------------------------------------


def request_accepts_bytes_like_and_str_fields() -> None:
    Request(method=b"GET", target=b"/", headers=HOST, http_version=b"1.1")
    Request(method="GET", target="/", headers=[("Host", "example.com")], http_version="1.1")
    Request(method=bytearray(b"GET"), target=memoryview(b"/"), headers=HOST)


# A wrong call gets the error codes it gets with h11's plain signatures.
def request_constructor_is_keyword_only() -> None:
    Request(b"GET", HOST, b"/")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]


def request_constructor_needs_method_headers_and_target() -> None:
    Request(method=b"GET", target=b"/")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]


def response_constructor_needs_a_status_code() -> None:
    Response(headers=[])  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]


def constructors_have_no_private_parameter() -> None:
    EndOfMessage(headers=[], _parsed=True)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]


def request_method_must_be_bytes_like_or_str() -> None:
    Request(method=1, target=b"/", headers=HOST)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def headers_must_be_pairs() -> None:
    Response(status_code=200, headers=[b"Host: a"])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]


def data_is_not_bytes_where_bytes_are_expected(conn: Connection) -> None:
    conn.receive_data(Data(data=b"body"))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def constructors_return_their_own_class() -> None:
    assert_type(Request(method=b"GET", target=b"/", headers=HOST), Request)
    assert_type(Response(status_code=200, headers=[]), Response)
    assert_type(InformationalResponse(status_code=100, headers=[]), InformationalResponse)


def headers_input_may_be_an_existing_headers_object(request: Request) -> None:
    Response(status_code=200, headers=request.headers)


def status_code_accepts_an_int_enum() -> None:
    Response(status_code=HTTPStatus.OK, headers=[])
    InformationalResponse(status_code=HTTPStatus.CONTINUE, headers=[])


def status_code_refuses_a_str() -> None:
    Response(status_code="200", headers=[])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def data_accepts_positional_arguments() -> None:
    Data(b"body", True, False)


def request_fields_are_bytes(request: Request) -> None:
    assert_type(request.method, bytes)
    assert_type(request.target, bytes)
    assert_type(request.http_version, bytes)
    assert_type(request.headers, Headers)


def response_fields_have_their_types(response: Response) -> None:
    assert_type(response.status_code, int)
    assert_type(response.reason, bytes)
    assert_type(response.http_version, bytes)
    assert_type(response.headers, Headers)


def informational_response_fields_have_their_types(response: InformationalResponse) -> None:
    assert_type(response.status_code, int)
    assert_type(response.reason, bytes)
    assert_type(response.headers, Headers)


def data_fields_have_their_types(data: Data) -> None:
    # Any: send_with_data_passthrough carries any object with len() (sendfile).
    assert_type(data.data, Any)
    assert_type(data.chunk_start, bool)
    assert_type(data.chunk_end, bool)


def end_of_message_trailers_are_headers(end: EndOfMessage) -> None:
    assert_type(end.headers, Headers)


def event_fields_are_read_only(request: Request) -> None:
    request.method = b"POST"  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]


# --- Headers ----------------------------------------------------------------


def iterating_headers_gives_pairs_of_bytes(headers: Headers) -> None:
    for name, value in headers:
        assert_type(name, bytes)
        assert_type(value, bytes)


def indexing_headers_gives_a_pair_of_bytes(headers: Headers) -> None:
    assert_type(headers[0], tuple[bytes, bytes])


def raw_items_is_a_list_of_pairs_of_bytes(headers: Headers) -> None:
    assert_type(headers.raw_items(), list[tuple[bytes, bytes]])


def headers_compare_with_a_plain_list(headers: Headers) -> None:
    # Must not trip --strict-equality: Headers defines its own __eq__.
    assert_type(headers == [(b"host", b"example.com")], bool)


# --- errors and package metadata --------------------------------------------


def error_status_hint_is_an_int(
    error: ProtocolError, local: LocalProtocolError, remote: RemoteProtocolError
) -> None:
    assert_type(error.error_status_hint, int)
    assert_type(local.error_status_hint, int)
    assert_type(remote.error_status_hint, int)


def error_constructors_take_a_message_and_an_optional_hint() -> None:
    LocalProtocolError("bad")
    RemoteProtocolError("too big", 431)
    LocalProtocolError(msg="unsupported", error_status_hint=501)


def package_metadata_has_its_types() -> None:
    def takes(version: str, product: str, compiled: bool) -> None: ...

    takes(h11typed.__version__, h11typed.PRODUCT_ID, h11typed.COMPILED)
