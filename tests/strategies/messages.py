"""Messages as h11typed events: requests and responses whose framing matches
their Data (Content-Length, chunked with trailers, or none), 1xx responses,
204/304/HEAD answers without a body, whole exchanges and keep-alive
conversations of several cycles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from hypothesis import strategies as st

from h11typed import Data, EndOfMessage, Event, InformationalResponse, Request, Response
from tests.strategies.grammar import (
    HeaderList,
    final_statuses,
    headers,
    host_values,
    informational_statuses,
    methods,
    mixed_case,
    reasons,
    targets,
)

#: A message as the events that send it: head, Data..., EndOfMessage.
Message = tuple[Event, ...]


@cache
def bodies() -> st.SearchStrategy[list[bytes]]:
    """A body as the payloads of its Data events (empty payloads included)."""
    return st.lists(st.binary(max_size=24), max_size=4)


@cache
@st.composite
def framed_body(
    draw: st.DrawFn, *, no_body: bool = False, trailers_ok: bool = True, both_ok: bool = True
) -> tuple[HeaderList, list[bytes], HeaderList]:
    """Framing headers, Data payloads and trailers that agree with each other.

    With ``no_body`` (a response to HEAD, or 204/304) the payloads are empty,
    and any framing header is allowed because the receiver must ignore it
    (RFC 9110 section 9.3.2, RFC 9112 section 6.3).  Trailers only go with
    chunked framing (the others cannot carry them), and only if ``trailers_ok``.
    Both Transfer-Encoding and Content-Length only if ``both_ok``: such a
    message ends the connection (RFC 9112 section 6.1).
    """
    kinds = ["content-length", "chunked", "none"] + (["both"] if both_ok else [])
    kind = draw(st.sampled_from(kinds))
    if no_body:
        # At most an empty Data; a Content-Length is whatever GET would say.
        payloads = draw(st.lists(st.just(b""), max_size=1))
        size = draw(st.integers(0, 99))
    else:
        payloads = draw(bodies())
        size = sum(len(p) for p in payloads)
    framing: HeaderList = []
    trailers: HeaderList = []
    if kind == "content-length":
        digits = str(size).encode()
        style = draw(st.sampled_from(["plain", "leading-zeros", "list", "repeated"]))
        if style == "leading-zeros":
            # Content-Length is 1*DIGIT; leading zeros are legal and kept.
            digits = b"00" + digits
        elif style == "list":
            # A list of identical values is collapsed (RFC 9110 section 8.6).
            digits = digits + b", " + digits
        name = draw(mixed_case(b"content-length"))
        framing.append((name, digits))
        if style == "repeated":
            framing.append((draw(mixed_case(b"content-length")), digits))
    if kind in ("chunked", "both"):
        framing.append((draw(mixed_case(b"transfer-encoding")), draw(mixed_case(b"chunked"))))
        if kind == "both":
            # Transfer-Encoding wins over Content-Length (RFC 9112 section 6.3).
            framing.append((b"Content-Length", str(draw(st.integers(0, 99))).encode()))
        if trailers_ok and not no_body:
            trailers = draw(headers(max_size=2))
    return framing, payloads, trailers


def frames_twice(message: Message) -> bool:
    """True if the head in ``message`` has both Transfer-Encoding and
    Content-Length, which ends the connection after it in h11typed (RFC 9112
    section 6.1) but not in h11."""
    for event in message:
        if isinstance(event, Request | Response):
            names = {name for name, _ in event.headers}
            return b"transfer-encoding" in names and b"content-length" in names
    return False


def connection_header(draw: st.DrawFn, *, may_close: bool) -> HeaderList:
    """An optional Connection header; it says "close" only if ``may_close``."""
    choices = [b"keep-alive", b"Keep-Alive", b"x-custom"]
    if may_close:
        choices += [b"close", b"Close", b"keep-alive, close", b"x-custom,  CLOSE"]
    value = draw(st.none() | st.sampled_from(choices))
    if value is None:
        return []
    return [(draw(mixed_case(b"connection")), value)]


def _shuffle_in(draw: st.DrawFn, base: HeaderList, extra: HeaderList) -> HeaderList:
    """``base`` with each header of ``extra`` inserted at a drawn position."""
    out = list(base)
    for item in extra:
        out.insert(draw(st.integers(0, len(out))), item)
    return out


@cache
@st.composite
def request_messages(
    draw: st.DrawFn, *, may_close: bool = True, may_switch: bool = False
) -> Message:
    """A whole HTTP/1.1 request: Request, Data events, EndOfMessage.

    It has exactly one Host (RFC 9112 section 3.2), optional Expect:
    100-continue, and framing that matches the Data sent.  ``may_close``
    allows a ``Connection: close``; ``may_switch`` allows CONNECT and Upgrade.
    """
    method = draw(methods())
    if may_switch and draw(st.booleans()):
        method = b"CONNECT"
    special: HeaderList = [(draw(mixed_case(b"host")), draw(host_values()))]
    special += connection_header(draw, may_close=may_close)
    if draw(st.booleans()):
        special.append((draw(mixed_case(b"expect")), draw(mixed_case(b"100-continue"))))
    if may_switch and draw(st.booleans()):
        special.append((b"Upgrade", draw(st.sampled_from([b"websocket", b"h2c", b"foo/2"]))))
    framing, payloads, trailers = draw(framed_body(both_ok=may_close))
    if not framing:
        # A request without framing headers has no body (RFC 9112 section 6.3).
        payloads = []
    all_headers = _shuffle_in(draw, draw(headers()), special + framing)
    head = Request(method=method, target=draw(targets()), headers=all_headers)
    return (head, *(Data(p) for p in payloads), EndOfMessage(headers=trailers))


@cache
@st.composite
def informational_responses(draw: st.DrawFn) -> InformationalResponse:
    """A 1xx response other than 101."""
    return InformationalResponse(
        status_code=draw(informational_statuses()), headers=draw(headers()), reason=draw(reasons())
    )


@cache
@st.composite
def response_messages(
    draw: st.DrawFn,
    method: bytes | None = b"GET",
    *,
    may_close: bool = True,
) -> Message:
    """Zero or more 1xx responses, then a final Response, Data and EndOfMessage.

    ``method`` is the request's method: a response to HEAD, like 204 and 304,
    has no body (RFC 9110 sections 9.3.2, 15.3.5, 15.4.5).  ``None`` means no
    request was received (an error response sent from IDLE), which also rules
    out 1xx responses.
    """
    informational: list[Event] = []
    if method is not None:
        informational = list(draw(st.lists(informational_responses(), max_size=2)))
    code = draw(final_statuses())
    no_body = method == b"HEAD" or code in (204, 304) or (method == b"CONNECT" and code < 300)
    # With no request seen the peer's version is unknown, so send() drops
    # Transfer-Encoding and the body runs until close: no room for trailers.
    framing, payloads, trailers = draw(
        framed_body(no_body=no_body, trailers_ok=method is not None, both_ok=may_close)
    )
    special = framing + connection_header(draw, may_close=may_close)
    head = Response(
        status_code=code,
        headers=_shuffle_in(draw, draw(headers()), special),
        reason=draw(reasons()),
    )
    return (*informational, head, *(Data(p) for p in payloads), EndOfMessage(headers=trailers))


@dataclass(frozen=True)
class Exchange:
    """One request/response cycle, as the events each side sends."""

    request: Message
    response: Message


@cache
@st.composite
def exchanges(draw: st.DrawFn, *, may_close: bool = True) -> Exchange:
    """A request and a response that fits it (HEAD gets a body-less answer)."""
    request = draw(request_messages(may_close=may_close))
    head = request[0]
    assert isinstance(head, Request)
    return Exchange(request, draw(response_messages(head.method, may_close=may_close)))


@cache
@st.composite
def conversations(draw: st.DrawFn, max_cycles: int = 3) -> list[Exchange]:
    """Keep-alive cycles on one connection; only the last may close it."""
    count = draw(st.integers(1, max_cycles))
    cycles = [draw(exchanges(may_close=False)) for _ in range(count - 1)]
    return [*cycles, draw(exchanges(may_close=True))]
