"""The events: what a Connection turns bytes into, and what it turns into bytes.

Each event is a frozen dataclass with a hand-written constructor that validates user
input and assigns through ``object.__setattr__``. Compiled by mypyc that constructs
about 20x faster than the generated ``__init__`` (a direct slot store), while the class
stays a real dataclass: ``fields()``, ``replace()``, ``==``, ``repr`` and
``FrozenInstanceError`` all behave as documented. Fields are declared in h11's order,
which fixes the repr and ``__match_args__``.

The parser builds events with ``_parsed=True``: it has already validated every byte in
the same pass that found it, so nothing is checked twice.

Request and the responses are built in ``__new__`` (see ``Request.__new__`` for why);
compiled code therefore calls ``Request.__new__(Request, ...)`` itself, which is a direct
native call, where calling the class would take mypyc's generic ``*args, **kwargs`` path.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Literal, Self, overload

from ._abnf import is_request_target, is_token
from ._headers import BytesInput, HeaderInput, Headers, bytesify, normalize_and_validate
from ._util import LocalProtocolError

__all__ = [
    "ConnectionClosed",
    "Data",
    "EndOfMessage",
    "Event",
    "InformationalResponse",
    "Request",
    "Response",
]

_HTTP_1_1: Final = b"1.1"
# Shared by every EndOfMessage without trailers: a Headers is never changed once built.
EMPTY_HEADERS: Final = Headers([])


class Event:
    """Base class of every h11typed event."""


def _unhashable(event: Event) -> int:
    raise TypeError(f"unhashable type: {type(event).__name__!r}")


class _Required:
    """The default of a keyword argument that must be given (see Request.__new__)."""


REQUIRED: Final = _Required()


def _missing_arguments(owner: str, *arguments: tuple[str, object]) -> TypeError:
    """The TypeError Python raises for left-out required keyword-only arguments."""
    names = [f"'{name}'" for name, value in arguments if isinstance(value, _Required)]
    if len(names) == 1:
        listed = names[0]
    else:
        listed = ", ".join(names[:-1]) + ("," if len(names) > 2 else "") + " and " + names[-1]
    plural = "" if len(names) == 1 else "s"
    return TypeError(f"{owner}() missing {len(names)} required keyword-only argument{plural}: {listed}")


def _keyword_only_signature(required: dict[str, str], optional: dict[str, tuple[str, object]]) -> inspect.Signature:
    """What ``inspect.signature()`` shows for a constructor: h11's parameters (name: annotation)."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [inspect.Parameter(name, keyword, annotation=kind) for name, kind in required.items()]
    for name, (kind, default) in optional.items():
        parameters.append(inspect.Parameter(name, keyword, default=default, annotation=kind))
    return inspect.Signature(parameters, return_annotation=None)


@dataclass(init=False, frozen=True)
class Request(Event):
    """The start of an HTTP request: request line and header section.

    ``method`` and ``target`` are bytes exactly as on the wire; ``headers`` is a
    :class:`Headers`. An HTTP/1.1 request needs exactly one Host header (RFC 9112 §3.2);
    any request may have at most one.
    """

    method: bytes
    headers: Headers
    target: bytes
    http_version: bytes

    # Built in __new__ with a default for every keyword, not in __init__: Python code
    # calling a mypyc class goes through a legacy argument parser that looks each declared
    # keyword up by a freshly made string, and stops once the given ones are found only
    # when none is required. So Request(method=, headers=, target=) costs 3 lookups, not 5
    # (a_cycle -7.1%, e_send -8.3% instructions). The overloads give type checkers h11's
    # signature, and a left-out argument raises the TypeError Python would.
    __signature__: ClassVar[inspect.Signature] = _keyword_only_signature(
        {"method": "BytesInput", "headers": "HeaderInput", "target": "BytesInput"},
        {"http_version": ("BytesInput", b"1.1"), "_parsed": ("bool", False)},
    )

    @overload
    def __new__(
        cls,
        *,
        method: BytesInput,
        headers: HeaderInput,
        target: BytesInput,
        http_version: BytesInput = b"1.1",
        _parsed: Literal[False] = False,
    ) -> Self: ...

    @overload
    def __new__(
        cls, *, method: bytes, headers: HeaderInput, target: bytes, http_version: bytes, _parsed: Literal[True]
    ) -> Self: ...

    def __new__(
        cls,
        *,
        method: BytesInput | _Required = REQUIRED,
        headers: HeaderInput | _Required = REQUIRED,
        target: BytesInput | _Required = REQUIRED,
        http_version: BytesInput = b"1.1",
        _parsed: bool = False,
    ) -> Self:
        if isinstance(method, _Required) or isinstance(headers, _Required) or isinstance(target, _Required):
            raise _missing_arguments(cls.__name__, ("method", method), ("headers", headers), ("target", target))
        self = super().__new__(cls)
        if _parsed:
            object.__setattr__(self, "method", method)
            object.__setattr__(self, "headers", normalize_and_validate(headers, validate=False))
            object.__setattr__(self, "target", target)
            object.__setattr__(self, "http_version", http_version)
            return self
        checked_headers = normalize_and_validate(headers)
        object.__setattr__(self, "headers", checked_headers)
        object.__setattr__(self, "method", bytesify(method))
        object.__setattr__(self, "target", bytesify(target))
        object.__setattr__(self, "http_version", bytesify(http_version))
        check_host_count(checked_headers.host_count, self.http_version)
        if not is_token(self.method):
            raise LocalProtocolError(f"Illegal method characters: {self.method!r}")
        if not is_request_target(self.target):
            raise LocalProtocolError(f"Illegal target characters: {self.target!r}")
        return self

    def __hash__(self) -> int:
        return _unhashable(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_request, (self.method, self.headers, self.target, self.http_version))


def check_host_count(host_count: int, http_version: bytes) -> None:
    """RFC 9112 §3.2: HTTP/1.1 requests need one Host; no request may have two."""
    if host_count == 0 and http_version == _HTTP_1_1:
        raise LocalProtocolError("Missing mandatory Host: header (RFC 9112 §3.2)")
    if host_count > 1:
        raise LocalProtocolError("Found multiple Host: headers (RFC 9112 §3.2)")


def _rebuild_request(method: bytes, headers: Headers, target: bytes, http_version: bytes) -> Request:
    return Request.__new__(Request, method=method, headers=headers, target=target, http_version=http_version, _parsed=True)


@dataclass(init=False, frozen=True)
class _ResponseBase(Event):
    headers: Headers
    http_version: bytes
    reason: bytes
    status_code: int

    # Built in __new__ with every keyword optional, as Request is (see there).
    __signature__: ClassVar[inspect.Signature] = _keyword_only_signature(
        {"headers": "HeaderInput", "status_code": "int"},
        {"http_version": ("BytesInput", b"1.1"), "reason": ("BytesInput", b""), "_parsed": ("bool", False)},
    )

    @overload
    def __new__(
        cls,
        *,
        headers: HeaderInput,
        status_code: int,
        http_version: BytesInput = b"1.1",
        reason: BytesInput = b"",
        _parsed: Literal[False] = False,
    ) -> Self: ...

    @overload
    def __new__(
        cls, *, headers: HeaderInput, status_code: int, http_version: bytes, reason: bytes, _parsed: Literal[True]
    ) -> Self: ...

    def __new__(
        cls,
        *,
        headers: HeaderInput | _Required = REQUIRED,
        status_code: object = REQUIRED,
        http_version: BytesInput = b"1.1",
        reason: BytesInput = b"",
        _parsed: bool = False,
    ) -> Self:
        if isinstance(headers, _Required) or isinstance(status_code, _Required):
            raise _missing_arguments(cls.__name__, ("headers", headers), ("status_code", status_code))
        self = super().__new__(cls)
        if _parsed:
            object.__setattr__(self, "headers", normalize_and_validate(headers, validate=False))
            object.__setattr__(self, "status_code", status_code)
            object.__setattr__(self, "http_version", http_version)
            object.__setattr__(self, "reason", reason)
            return self
        object.__setattr__(self, "headers", normalize_and_validate(headers))
        if not isinstance(status_code, int):
            raise LocalProtocolError(f"status code must be an integer, not {status_code!r}")
        # An IntEnum such as http.HTTPStatus.OK is stored as the plain int.
        object.__setattr__(self, "status_code", int(status_code))
        # The reason phrase is not validated (as in h11); it is written as given.
        object.__setattr__(self, "reason", bytesify(reason))
        object.__setattr__(self, "http_version", bytesify(http_version))
        # One constructor serves both subclasses (a super() chain would cost as much again).
        # (issubclass, so that a subclass made in the pure build keeps its range.)
        if cls is not Response and issubclass(cls, InformationalResponse):
            if not 100 <= self.status_code < 200:
                raise LocalProtocolError(
                    f"InformationalResponse status_code should be in range [100, 200), not {self.status_code}"
                )
        elif not 200 <= self.status_code < 1000:
            raise LocalProtocolError(f"Response status_code should be in range [200, 1000), not {self.status_code}")
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_response, (type(self), self.headers, self.status_code, self.http_version, self.reason))


def _rebuild_response(
    cls: type[_ResponseBase], headers: Headers, status_code: int, http_version: bytes, reason: bytes
) -> _ResponseBase:
    return cls.__new__(cls, headers=headers, status_code=status_code, http_version=http_version, reason=reason, _parsed=True)


# Each subclass defines __hash__ again: @dataclass(frozen=True) would otherwise generate
# one that fails on the Headers field instead of on the event. (eq=False, inheriting
# both, gives a wrong __eq__ once compiled.)
@dataclass(init=False, frozen=True)
class InformationalResponse(_ResponseBase):
    """A 1xx interim response (e.g. 100 Continue, 101 Switching Protocols)."""

    def __hash__(self) -> int:
        return _unhashable(self)


@dataclass(init=False, frozen=True)
class Response(_ResponseBase):
    """The start of a final response: status line and header section."""

    def __hash__(self) -> int:
        return _unhashable(self)


@dataclass(init=False, frozen=True)
class Data(Event):
    """A piece of a message body.

    ``data`` is kept as given: send_with_data_passthrough() hands the very object back
    (anything with ``len()``, e.g. for sendfile). Received data is a ``bytearray``, as in
    h11. ``chunk_start`` / ``chunk_end`` mark chunk boundaries of a received chunked body;
    they are ignored on send.
    """

    data: Any
    chunk_start: bool
    chunk_end: bool

    def __init__(self, data: Any, chunk_start: bool = False, chunk_end: bool = False) -> None:
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "chunk_start", chunk_start)
        object.__setattr__(self, "chunk_end", chunk_end)

    def __hash__(self) -> int:
        return _unhashable(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Data, (self.data, self.chunk_start, self.chunk_end))


@dataclass(init=False, frozen=True)
class EndOfMessage(Event):
    """The end of a message; ``headers`` holds the trailer fields of a chunked body."""

    headers: Headers

    def __init__(self, *, headers: HeaderInput | None = None, _parsed: bool = False) -> None:
        if headers is None:
            headers = EMPTY_HEADERS
        else:
            headers = normalize_and_validate(headers, validate=not _parsed)
        object.__setattr__(self, "headers", headers)

    def __hash__(self) -> int:
        return _unhashable(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_end_of_message, (self.headers,))


def _rebuild_end_of_message(headers: Headers) -> EndOfMessage:
    return EndOfMessage(headers=headers, _parsed=True)


@dataclass(frozen=True)
class ConnectionClosed(Event):
    """The sender has closed its side of the connection (it sends nothing more)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (ConnectionClosed, ())
