"""Typing contract of the event loop every user writes: both checkers prove it exhaustive.

``Connection.next_event()`` returns a closed union of final event classes and the two
flow sentinels (``h11typed.NextEventResult``), so ``is NEED_DATA`` removes a sentinel,
and a ``match`` over the six event classes ending in ``assert_never`` type-checks. The
negative cases at the end show that leaving a class out is an error in both checkers.
Checked by mypy --strict and pyright strict (scripts/test.sh); never executed. The loop
is the one in docs/typing.rst.
"""

from __future__ import annotations

from typing import Any, assert_never, assert_type

from h11typed import (
    NEED_DATA,
    PAUSED,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    InformationalResponse,
    NextEventResult,
    Request,
    Response,
)
from h11typed._headers import Headers


def handle_with_match(conn: Connection) -> str:
    """The documented loop body: sentinels by identity, then a match over the events."""
    event = conn.next_event()
    if event is NEED_DATA:
        return "read more"
    if event is PAUSED:
        return "start the next cycle"
    match event:
        case Request():
            return "request"
        case InformationalResponse():
            return "interim response"
        case Response():
            return "response"
        case Data():
            return "body"
        case EndOfMessage():
            return "end of message"
        case ConnectionClosed():
            return "closed"
        case _:
            assert_never(event)


def handle_with_if_elif(event: NextEventResult) -> str:
    """The same proof with isinstance and identity tests only."""
    if event is NEED_DATA:
        return "read more"
    elif event is PAUSED:
        return "start the next cycle"
    elif isinstance(event, Request):
        return "request"
    elif isinstance(event, InformationalResponse | Response):
        return "response"
    elif isinstance(event, Data):
        return "body"
    elif isinstance(event, EndOfMessage):
        return "end of message"
    else:
        assert_type(event, ConnectionClosed)  # the only one left
        return "closed"


def class_patterns_bind_fields_with_their_types(event: NextEventResult) -> None:
    match event:
        case Request(method=method, target=target, headers=headers):
            assert_type(method, bytes)
            assert_type(target, bytes)
            assert_type(headers, Headers)
        case Response(status_code=status, reason=reason):
            assert_type(status, int)
            assert_type(reason, bytes)
        case Data(data=payload, chunk_start=first, chunk_end=last):
            assert_type(payload, Any)  # any object with len() may be sent (sendfile)
            assert_type(first, bool)
            assert_type(last, bool)
        case EndOfMessage(headers=trailers):
            assert_type(trailers, Headers)
        case _:
            pass


def positional_patterns_follow_h11s_field_order(event: NextEventResult) -> None:
    match event:
        case Request(method, headers, target, version):
            assert_type((method, target, version), tuple[bytes, bytes, bytes])
            assert_type(headers, Headers)
        case Response(headers, version, reason, status):
            assert_type((version, reason), tuple[bytes, bytes])
            assert_type(status, int)
        case _:
            pass


# --- what must stay an error -------------------------------------------------


def a_match_that_forgets_connection_closed_is_not_exhaustive(event: NextEventResult) -> None:
    if event is NEED_DATA or event is PAUSED:
        return
    match event:
        case Request() | InformationalResponse() | Response() | Data() | EndOfMessage():
            pass
        case _:
            assert_never(event)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def a_loop_that_forgets_paused_is_not_exhaustive(event: NextEventResult) -> None:
    if event is NEED_DATA:
        return
    if isinstance(
        event, Request | InformationalResponse | Response | Data | EndOfMessage | ConnectionClosed
    ):
        return
    assert_never(event)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def an_event_is_not_bytes(event: NextEventResult) -> bytes:
    return event  # type: ignore[return-value]  # pyright: ignore[reportReturnType]
