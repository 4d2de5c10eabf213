"""The events: what a Connection turns bytes into, and what it turns into bytes.

Each event is a frozen dataclass with a hand-written constructor that validates user
input and assigns through ``object.__setattr__``. Compiled by mypyc that constructs
about 20x faster than the generated ``__init__`` (a direct slot store), while the class
stays a real dataclass: ``fields()``, ``replace()``, ``==``, ``repr`` and
``FrozenInstanceError`` all behave as documented. Fields are declared in h11's order,
which fixes the repr and ``__match_args__``.

The constructors have h11's public signatures and nothing else, so a type checker
reports a wrong call as it would for h11. The parser does not go through them: it has
already checked every byte it hands over, so ``parsed_request`` / ``parsed_response``
allocate an event without running its constructor (``_Unconstructed``) and store the
fields as given with the initializer of its private fields base class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, SupportsIndex, TypeVar, final

from ._abnf import is_host, is_request_target, is_token
from ._headers import BytesInput, HeaderInput, Headers, bytesify, normalize_and_validate
from ._util import LocalProtocolError, mypyc_attr

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
# Shared by every EndOfMessage without trailers, as a Headers never changes once built
# (a_cycle -3.2% instructions).
EMPTY_HEADERS: Final = Headers([])


class Event:
    """Base class of every h11typed event."""


_AnyEvent = TypeVar("_AnyEvent", bound=Event)


class _Unconstructed(Event):
    """Never instantiated: its ``__new__`` makes an event of any class, unconstructed.

    ``object.__new__(cls)`` is Python's way to make an instance without running
    ``__init__`` (pickle and copy use it). mypyc compiles it to a bare allocation, with
    the class's own slot defaults, only inside a ``__new__``; defined on the event classes
    themselves, a ``__new__`` would also run for every user's call. So it lives here, and
    ``parsed_request`` calls ``_Unconstructed.__new__(Request)``.
    """

    def __new__(cls: type[_AnyEvent]) -> _AnyEvent:
        return object.__new__(cls)


class _UnconstructedSubclass(_Unconstructed):  # pyright: ignore[reportUnusedClass]
    """Never used: with a subclass, mypyc's ``object.__new__(cls)`` above looks up at run
    time how to allocate ``cls``; with none, it would allocate an _Unconstructed."""


def _unhashable(event: Event) -> int:
    raise TypeError(f"unhashable type: {type(event).__name__!r}")


@dataclass(init=False, frozen=True)
class _RequestFields(Event):
    """A Request's fields, and an initializer that stores them as given.

    Request's public constructor validates and then calls it; the parser, whose fields
    are already checked, calls it alone on an unconstructed Request (``parsed_request``).
    """

    method: bytes
    headers: Headers
    target: bytes
    http_version: bytes

    def __init__(self, method: bytes, headers: Headers, target: bytes, http_version: bytes) -> None:
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "headers", headers)
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "http_version", http_version)


@final
# Compiled, one freed instance of the class is kept for reuse: each message makes and drops
# one event, one Headers, one body reader or writer, so most allocations become a few stores
# (a_cycle -8.6%, c_chunked -5.0%, e_send -4.6% instructions, all such classes together).
@mypyc_attr(free_list_len=1)
@dataclass(init=False, frozen=True)
class Request(_RequestFields):
    """The start of an HTTP request: request line and header section.

    ``method`` and ``target`` are bytes exactly as on the wire; ``headers`` is a
    :class:`Headers`. An HTTP/1.1 request needs exactly one Host header (RFC 9112 §3.2);
    any request may have at most one.
    """

    def __init__(
        self,
        *,
        method: BytesInput,
        headers: HeaderInput,
        target: BytesInput,
        http_version: BytesInput = b"1.1",
    ) -> None:
        checked_headers = normalize_and_validate(headers)
        _RequestFields.__init__(
            self, bytesify(method), checked_headers, bytesify(target), bytesify(http_version)
        )
        check_host_count(checked_headers._host_count, self.http_version)  # pyright: ignore[reportPrivateUsage]
        if not is_token(self.method):
            raise LocalProtocolError(f"Illegal method characters: {self.method!r}")
        if not is_request_target(self.target):
            raise LocalProtocolError(f"Illegal target characters: {self.target!r}")

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


def check_received_host(headers: Headers, http_version: bytes) -> None:
    """The Host rule for a received request (RFC 9112 §3.2), in full.

    The count, as for a request being sent; and a server MUST answer 400 to a Host
    field with an invalid value. (A sent request's Host value is not checked, as in h11.)
    """
    host_count = headers._host_count  # pyright: ignore[reportPrivateUsage]
    check_host_count(host_count, http_version)
    host = headers._host  # pyright: ignore[reportPrivateUsage]
    if host_count and not is_host(host):
        raise LocalProtocolError(f"invalid Host header value: {host!r}")


def _rebuild_request(
    method: bytes, headers: Headers, target: bytes, http_version: bytes
) -> Request:
    return Request(method=method, headers=headers, target=target, http_version=http_version)


@dataclass(init=False, frozen=True)
class _ResponseFields(Event):
    """A response's fields, and an initializer that stores them as given (as for Request)."""

    headers: Headers
    http_version: bytes
    reason: bytes
    status_code: int

    def __init__(
        self, headers: Headers, status_code: int, http_version: bytes, reason: bytes
    ) -> None:
        object.__setattr__(self, "headers", headers)
        object.__setattr__(self, "status_code", status_code)
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "http_version", http_version)


@dataclass(init=False, frozen=True)
class _ResponseBase(_ResponseFields):
    def __init__(
        self,
        *,
        headers: HeaderInput,
        status_code: SupportsIndex,
        http_version: BytesInput = b"1.1",
        reason: BytesInput = b"",
    ) -> None:
        checked_headers = normalize_and_validate(headers)
        # h11 raises LocalProtocolError, not TypeError, for a status code that is not an
        # int; SupportsIndex (int, IntEnum) is what checkers see, any object reaches here.
        if not isinstance(status_code, int):
            raise LocalProtocolError(f"status code must be an integer, not {status_code!r}")
        # An IntEnum such as http.HTTPStatus.OK is stored as the plain int. The reason
        # phrase is not validated (as in h11); it is written as given.
        _ResponseFields.__init__(
            self, checked_headers, int(status_code), bytesify(http_version), bytesify(reason)
        )
        # One constructor serves both subclasses (a super() chain would cost as much again).
        if isinstance(self, InformationalResponse):
            if not 100 <= self.status_code < 200:
                raise LocalProtocolError(
                    f"InformationalResponse status_code should be in range [100, 200), not {self.status_code}"
                )
        elif not 200 <= self.status_code < 1000:
            raise LocalProtocolError(
                f"Response status_code should be in range [200, 1000), not {self.status_code}"
            )

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_response,
            (type(self), self.headers, self.status_code, self.http_version, self.reason),
        )


def _rebuild_response(
    cls: type[_ResponseBase], headers: Headers, status_code: int, http_version: bytes, reason: bytes
) -> _ResponseBase:
    return cls(headers=headers, status_code=status_code, http_version=http_version, reason=reason)


def parsed_request(method: bytes, headers: Headers, target: bytes, http_version: bytes) -> Request:
    """A received Request, from fields the parser has already checked: no validation."""
    request = _Unconstructed.__new__(Request)
    _RequestFields.__init__(request, method, headers, target, http_version)
    return request


def parsed_response(
    headers: Headers, status_code: int, http_version: bytes, reason: bytes
) -> InformationalResponse | Response:
    """A received (interim) response, from a checked status line and header section."""
    if status_code < 200:
        interim = _Unconstructed.__new__(InformationalResponse)
        _ResponseFields.__init__(interim, headers, status_code, http_version, reason)
        return interim
    response = _Unconstructed.__new__(Response)
    _ResponseFields.__init__(response, headers, status_code, http_version, reason)
    return response


# Each subclass defines __hash__ again: @dataclass(frozen=True) would otherwise generate
# one that fails on the Headers field instead of on the event. (eq=False, inheriting
# both, gives a wrong __eq__ once compiled.)
@final
@mypyc_attr(free_list_len=1)
@dataclass(init=False, frozen=True)
class InformationalResponse(_ResponseBase):
    """A 1xx interim response (e.g. 100 Continue, 101 Switching Protocols)."""

    def __hash__(self) -> int:
        return _unhashable(self)


@final
@mypyc_attr(free_list_len=1)
@dataclass(init=False, frozen=True)
class Response(_ResponseBase):
    """The start of a final response: status line and header section."""

    def __hash__(self) -> int:
        return _unhashable(self)


@final
@mypyc_attr(free_list_len=1)
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


@final
@mypyc_attr(free_list_len=1)
@dataclass(init=False, frozen=True)
class EndOfMessage(Event):
    """The end of a message; ``headers`` holds the trailer fields of a chunked body."""

    headers: Headers

    def __init__(self, *, headers: HeaderInput | None = None) -> None:
        object.__setattr__(
            self, "headers", EMPTY_HEADERS if headers is None else normalize_and_validate(headers)
        )

    def __hash__(self) -> int:
        return _unhashable(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_end_of_message, (self.headers,))


def _rebuild_end_of_message(headers: Headers) -> EndOfMessage:
    return EndOfMessage(headers=headers)


@final
@dataclass(frozen=True)
class ConnectionClosed(Event):
    """The sender has closed its side of the connection (it sends nothing more)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (ConnectionClosed, ())
