"""Normal forms for any module with h11's API (h11typed, or h11 as an oracle):
events become plain tuples (class name, fields; Headers as byte pairs,
payloads as bytes, states by name), and h11typed events are rebuilt with
another library's classes."""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import Any, Final, cast

from h11typed import (
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    Request,
    Response,
)

#: Fields of each event class, by class name.
EVENT_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "Request": ("method", "target", "headers", "http_version"),
    "InformationalResponse": ("status_code", "reason", "headers", "http_version"),
    "Response": ("status_code", "reason", "headers", "http_version"),
    "Data": ("data", "chunk_start", "chunk_end"),
    "EndOfMessage": ("headers",),
    "ConnectionClosed": (),
}

#: A neutral, implementation-independent form of an event or a driver step.
Neutral = tuple[Any, ...]


def neutral_value(value: object) -> object:
    """bytes-likes become bytes, Headers a tuple of (bytes, bytes); others stay."""
    if isinstance(value, bytes | bytearray | memoryview):
        # isinstance leaves the memoryview's item type unknown to pyright.
        return bytes(cast("bytes | bytearray | memoryview[int]", value))
    if isinstance(value, bool | int):
        return value
    if isinstance(value, Iterable):
        pairs = cast("Iterable[tuple[bytes, bytes]]", value)
        return tuple((bytes(n), bytes(v)) for n, v in pairs)
    return value


def neutral_event(event: object) -> Neutral:
    """(class name, (field, value)...) with values in neutral form."""
    name = type(event).__name__
    return (name, tuple((f, neutral_value(getattr(event, f))) for f in EVENT_FIELDS[name]))


def state_names(conn: Any) -> tuple[str, str]:
    """The (client, server) states of ``conn`` by name.

    h11typed states are str constants while h11's are sentinel classes; str()
    gives the bare name for both (a deliberate difference: docs/migrating.rst,
    "Every intentional difference").
    """
    states = conn.states
    by_name = {str(role): str(state) for role, state in states.items()}
    return by_name["CLIENT"], by_name["SERVER"]


def port(lib: ModuleType, event: Event) -> Any:
    """Rebuild an h11typed event with ``lib``'s classes (raw header case kept)."""
    if isinstance(event, Request):
        return lib.Request(
            method=event.method,
            target=event.target,
            headers=event.headers.raw_items(),
            http_version=event.http_version,
        )
    if isinstance(event, InformationalResponse | Response):
        cls = getattr(lib, type(event).__name__)
        return cls(
            status_code=event.status_code,
            reason=event.reason,
            headers=event.headers.raw_items(),
            http_version=event.http_version,
        )
    if isinstance(event, Data):
        return lib.Data(event.data, event.chunk_start, event.chunk_end)
    if isinstance(event, EndOfMessage):
        return lib.EndOfMessage(headers=event.headers.raw_items())
    assert isinstance(event, ConnectionClosed)
    return lib.ConnectionClosed()


def merge_data(trace: Iterable[Neutral]) -> tuple[Neutral, ...]:
    """Merge runs of ``("Data", ...)`` items into one payload, flags dropped,
    and drop empty payloads: what is left no longer depends on how the bytes
    were split (the flags do, in h11: see ``receive_stream``)."""
    out: list[Neutral] = []
    run = b""
    in_run = False
    for item in trace:
        if item[0] == "Data":
            run += dict(item[1])["data"]
            in_run = True
            continue
        if in_run and run:
            out.append(("Data", run))
        run, in_run = b"", False
        out.append(item)
    if in_run and run:
        out.append(("Data", run))
    return tuple(out)
