"""Hypothesis strategies for HTTP/1.1 traffic, plus the normal forms and drivers
that the property tests (test_properties.py) and the differential tests
against h11 (test_differential.py) share.

1. **Grammar pieces**: tokens, targets, header names and values, reasons,
   status codes; each drawn only from what RFC 9110/9112 and h11 accept, so
   anything built from them is legal to send.
2. **Messages as h11typed events** (2a): requests and responses whose framing
   matches their Data (Content-Length, chunked with trailers, or none), 1xx
   responses, 204/304/HEAD answers without a body, whole exchanges and
   keep-alive conversations of several cycles.  **Raw wire bytes** (2b),
   written by hand rather than by send(): bare LF line ends, OWS, obs-fold,
   other HTTP versions, chunk extensions, optional reasons; with ``defects``,
   grammar-level damage.  Byte-level **mutations** of any stream, and
   **splits** of a byte string into receive_data() pieces.
3. **Normal forms and a receive driver** for any module with h11's API
   (h11typed, or h11 as an oracle): events become plain tuples (class name,
   fields; Headers as byte pairs, payloads as bytes, states by name), and
   ``receive_stream`` feeds pieces to a Connection while playing the other
   half of the conversation from a script.
4. ``run_conversation``: a conversation played through a client/server pair.
5. **Streams** for one receiving role: valid, mutated, defective, arbitrary.
6. ``Walk``: random sequences of legal sends, on one or several libraries.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any, Final

from hypothesis import strategies as st

import h11typed
from h11typed import (
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    Request,
    Response,
)

# ---------------------------------------------------------------------------
# 1. Grammar pieces
# ---------------------------------------------------------------------------

#: tchar, RFC 9110 section 5.6.2.
TOKEN_ALPHABET: Final = "!#$%&'*+-.^_`|~" + string.digits + string.ascii_letters

#: Bytes allowed at the edges of a field value: anything but NUL and the
#: whitespace set (SP, HTAB, LF, VT, FF, CR).  Controls and obs-text are legal
#: (RFC 9110 section 5.5; h11 also accepts 0x01-0x1F for real-world cookies).
FIELD_VCHARS: Final = bytes(b for b in range(1, 256) if b not in b" \t\n\x0b\x0c\r")

#: Bytes a reason phrase may hold: SP, HTAB and the field vchars
#: (RFC 9112 section 4).
REASON_BYTES: Final = bytes(b for b in range(1, 256) if b not in b"\n\x0b\x0c\r")


def _onto(allowed: bytes) -> bytes:
    """A bytes.translate() table sending every byte into ``allowed``: bytes
    already there stay, the others (NUL, SP and whitespace controls) get bit
    0x40 set, which lands on printable ASCII.  One st.binary() draw mapped
    through it is much cheaper than a list of sampled bytes."""
    table = bytes(b if b in allowed else b | 0x40 for b in range(256))
    assert set(table) <= set(allowed)
    return table


_TO_FIELD_VCHAR: Final = _onto(FIELD_VCHARS)
_TO_REASON_BYTE: Final = _onto(REASON_BYTES)

#: Header names whose meaning h11 interprets; random headers avoid them so that
#: framing, keep-alive, 100-continue and protocol switching are only ever
#: introduced on purpose.
SPECIAL_HEADER_NAMES: Final = frozenset(
    {b"host", b"content-length", b"transfer-encoding", b"connection", b"expect", b"upgrade"}
)

#: Every state name a Connection may report.
STATE_NAMES: Final = frozenset(
    {
        "IDLE",
        "SEND_RESPONSE",
        "SEND_BODY",
        "DONE",
        "MUST_CLOSE",
        "CLOSED",
        "ERROR",
        "MIGHT_SWITCH_PROTOCOL",
        "SWITCHED_PROTOCOL",
    }
)

#: Header list as given to an event constructor.
HeaderList = list[tuple[bytes, bytes]]


@cache
def tokens(min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[bytes]:
    """A token (RFC 9110 section 5.6.2): 1+ tchars."""
    return st.text(TOKEN_ALPHABET, min_size=min_size, max_size=max_size).map(str.encode)


@cache
def methods() -> st.SearchStrategy[bytes]:
    """A request method other than CONNECT (which proposes a protocol switch)."""
    common = st.sampled_from([b"GET", b"POST", b"PUT", b"DELETE", b"OPTIONS", b"PATCH", b"HEAD"])
    return st.one_of(common, tokens()).filter(lambda m: m != b"CONNECT")


@cache
def targets() -> st.SearchStrategy[bytes]:
    """A request target: 1+ bytes in 0x21-0x7E (RFC 9112 section 3.2)."""
    visible = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
    return st.one_of(
        st.sampled_from([b"/", b"*", b"/index.html?q=1", b"http://example.com:8080/a/b"]),
        st.text(visible, min_size=1, max_size=24).map(str.encode),
    )


@cache
@st.composite
def mixed_case(draw: st.DrawFn, name: bytes) -> bytes:
    """``name`` with each letter's case chosen independently."""
    flips = draw(st.integers(0, (1 << len(name)) - 1))
    return bytes(
        (c ^ 0x20) if flips >> i & 1 and chr(c).isalpha() else c for i, c in enumerate(name)
    )


@cache
def header_names() -> st.SearchStrategy[bytes]:
    """A token header name in mixed case that has no special meaning to h11."""
    return tokens(max_size=16).filter(lambda n: n.lower() not in SPECIAL_HEADER_NAMES)


@cache
def _vchar_words(min_size: int = 1, max_size: int = 8) -> st.SearchStrategy[bytes]:
    """A run of field vchars; usually printable ASCII, sometimes anything legal."""
    printable = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
    return st.one_of(
        st.text(printable, min_size=min_size, max_size=max_size).map(str.encode),
        st.binary(min_size=min_size, max_size=max_size).map(lambda b: b.translate(_TO_FIELD_VCHAR)),
    )


#: Runs of SP/HTAB allowed inside a field value.
_GAPS: Final = st.text(" \t", min_size=1, max_size=3).map(str.encode)


@cache
@st.composite
def header_values(draw: st.DrawFn) -> bytes:
    """A field value: empty, or vchar words joined by inner SP/HTAB runs.

    field-content (RFC 9110 section 5.5) has no leading or trailing
    whitespace, so such a value survives the parser's OWS stripping.
    """
    words = draw(st.lists(_vchar_words(), max_size=4))
    if not words:
        return b""
    out = words[0]
    for word in words[1:]:
        gap = draw(_GAPS)
        out += gap + word
    return out


#: RFC 3986 section 3.2.2 reg-name bytes (unreserved and sub-delims), besides
#: pct-encoded triplets.
REG_NAME_CHARS: Final = string.ascii_letters + string.digits + "-._~!$&'()*+,;="


@cache
@st.composite
def host_values(draw: st.DrawFn) -> bytes:
    """A valid Host field value, ``uri-host [":" port]`` (RFC 9112 section 3.2):
    a reg-name (host name or IPv4 address, maybe with pct-encoded bytes), an
    IPv6 or IPvFuture literal in brackets, or empty; the port may be empty."""
    kind = draw(st.sampled_from(["name", "name", "ipv4", "ipv6", "future", "empty"]))
    if kind == "empty":
        return b""
    if kind == "name":
        parts = draw(
            st.lists(
                st.one_of(
                    st.text(REG_NAME_CHARS, min_size=1, max_size=8),
                    st.integers(0, 255).map(lambda n: f"%{n:02{'xX'[n % 2]}}"),
                ),
                max_size=4,
            )
        )
        host = "".join(parts)
    elif kind == "ipv4":
        host = str(draw(st.ip_addresses(v=4)))
    elif kind == "ipv6":
        host = f"[{draw(st.ip_addresses(v=6))}]"
    else:
        host = "[v" + draw(st.sampled_from(["1", "7", "1F"])) + "." + draw(
            st.text(REG_NAME_CHARS + ":", min_size=1, max_size=8)
        ) + "]"
    if draw(st.booleans()):
        host += ":" + draw(st.text(string.digits, max_size=5))
    return host.encode()


@cache
def headers(max_size: int = 4) -> st.SearchStrategy[HeaderList]:
    """A list of ordinary (non-special) headers; names may repeat."""
    return st.lists(st.tuples(header_names(), header_values()), max_size=max_size)


@cache
def reasons() -> st.SearchStrategy[bytes]:
    """A reason phrase that parses back unchanged (RFC 9112 section 4)."""
    return st.one_of(
        st.sampled_from([b"", b"OK", b"Not Found", b"Continue"]),
        st.binary(max_size=16).map(lambda b: b.translate(_TO_REASON_BYTE)),
    )


@cache
def informational_statuses() -> st.SearchStrategy[int]:
    """A 1xx status other than 101 (101 needs an Upgrade proposal)."""
    return st.one_of(st.just(100), st.integers(102, 199))


@cache
def final_statuses() -> st.SearchStrategy[int]:
    """A final status code in [200, 1000), with the no-body ones made likely."""
    return st.one_of(st.sampled_from([200, 204, 304, 404, 500]), st.integers(200, 999))


# ---------------------------------------------------------------------------
# 2a. Messages as h11typed events
# ---------------------------------------------------------------------------

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


def _connection_header(draw: st.DrawFn, *, may_close: bool) -> HeaderList:
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
    special += _connection_header(draw, may_close=may_close)
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
    special = framing + _connection_header(draw, may_close=may_close)
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


# ---------------------------------------------------------------------------
# 2b. Raw wire bytes, mutations and splits
# ---------------------------------------------------------------------------

#: Every line of a head may end in CRLF or a bare LF (RFC 9112 section 2.2).
_EOLS: Final = st.sampled_from([b"\r\n", b"\n"])
#: Optional whitespace around a field value (RFC 9110 section 5.6.3).
_OWS: Final = st.sampled_from([b"", b" ", b"\t", b"  \t"])


#: Defects, each a small violation of RFC 9112 that h11 rejects, tolerates
#: or reads differently; used by the ``defects=True`` variants below so that
#: damage reaches every part of a message, bodies included.
HEADER_LINE_DEFECTS: Final = (
    b"Name :value",  # whitespace before the colon (RFC 9112 section 5.1)
    b":value",  # empty field name
    b"no colon here",
    b"Name: a\x00b",  # NUL in a value
    b"Name: a\rb",  # bare CR inside a line
    b"Na me: value",
    b"Name:\x0bvalue\x0c",  # VT/FF are not OWS
)
REQUEST_LINE_DEFECTS: Final = (
    b"GET  / HTTP/1.1",
    b"GET / http/1.1",
    b"GET / HTTP/1",
    b"GET / HTTP/11.1",
    b"GET /\x7f HTTP/1.1",
    b"GET / HTTP/1.1 ",
    b"GET\t/ HTTP/1.1",
    b" GET / HTTP/1.1",
    b"",  # a leading empty line (RFC 9112 section 2.2 allows skipping it; h11 does not)
)
STATUS_LINE_DEFECTS: Final = (
    b"HTTP/1.1 20",
    b"HTTP/1.1 2000 OK",
    b"HTTP/1.1 099 Low",
    b"HTTP/1.1  200 OK",
    b"http/1.1 200 OK",
    b"HTTP/1.1 200 a\x00b",
    b"HTTP/1.1 101 Switching",  # 101 without an Upgrade proposal
    b"HTTP/1.1 2x0 OK",
    b"",
)
CONTENT_LENGTH_DEFECTS: Final = (
    b"0" * 21,  # 21 digits: over h11's limit of 20
    b"0" * 19 + b"7",  # 20 digits: at the limit
    b"1, 2",
    b"+1",
    b"-1",
    b"1.0",
    b"",
    b"0x10",
    b"1 1",
)
TRANSFER_ENCODING_DEFECTS: Final = (
    b"gzip",
    b"gzip, chunked",
    b"chunked, gzip",
    b"identity",
    b"chunked;q=1",
)
CHUNK_SIZE_DEFECTS: Final = (
    b"0" * 20 + b"1",  # 21 hex digits: over the limit of 20
    b"0" * 19 + b"1",  # 20 digits: at the limit
    b" 1",
    b"1 x",
    b"-1",
    b"g",
    b"",
    b"0x1",
)
#: What ends a chunk's data: it must be exactly CRLF (CVE-2025-43859).
CHUNK_FOOTER_DEFECTS: Final = (b"__", b"\r_", b"_\n", b"\n", b"\r\r\n", b"", b"\n\r")


def _defect(draw: st.DrawFn, defects: bool, table: Sequence[bytes], odds: int) -> bytes | None:
    """With ``defects``, one time in ``odds``, an entry of ``table``; else
    None.  Odds are tuned so a stream has about one defect, spread over heads,
    framing headers and bodies alike."""
    if _one_in(draw, defects, odds):
        return table[draw(_SPREAD) % len(table)]
    return None


def _one_in(draw: st.DrawFn, enabled: bool, odds: int) -> bool:
    """True about once in ``odds`` draws, if ``enabled``.  The trigger is a
    middle value: hypothesis favours the ends of a range, which would make
    minimal examples full of defects."""
    return enabled and draw(st.integers(0, odds - 1)) == odds // 2


@st.composite
def raw_header_lines(draw: st.DrawFn, fields: HeaderList, defects: bool = False) -> bytes:
    """``fields`` written by hand: OWS around values, LF or CRLF, sometimes
    an obs-fold continuation line (RFC 9112 section 5.2).  With ``defects``
    some lines are replaced by malformed ones."""
    out = b""
    if _one_in(draw, defects, 25):
        out += b" folded-before-any-header" + draw(_EOLS)
    for name, value in fields:
        ordinary = name.lower() not in SPECIAL_HEADER_NAMES
        bad = _defect(draw, defects and ordinary, HEADER_LINE_DEFECTS, 25)
        ows_before, ows_after = draw(_OWS), draw(_OWS)
        if bad is not None:
            line = bad
        elif _one_in(draw, ordinary and bool(value), 10):
            # Folding doubles the value, so only ordinary headers are folded.
            fold = draw(st.sampled_from([b" ", b"\t", b" \t "]))
            line = name + b":" + ows_before + value + draw(_EOLS) + fold + value + ows_after
        else:
            line = name + b":" + ows_before + value + ows_after
        out += line + draw(_EOLS)
    return out


@cache
@st.composite
def raw_chunked_body(draw: st.DrawFn, defects: bool = False) -> bytes:
    """A chunked body (RFC 9112 section 7.1) with varied size spellings,
    extensions, trailing whitespace on size lines, and trailers; with
    ``defects``, sometimes a bad size line or chunk footer."""
    out = b""
    for payload in draw(st.lists(st.binary(min_size=1, max_size=20), max_size=3)):
        size = format(len(payload), draw(st.sampled_from(["x", "X"]))).encode()
        size = b"0" * draw(st.integers(0, 2)) + size
        ext = draw(st.sampled_from([b"", b";a=b", b"; name", b";x=\"quoted\""]))
        tail = draw(st.sampled_from([b"", b" ", b"\t "]))
        size_line = size + ext + tail + b"\r\n"
        bad_size = _defect(draw, defects, CHUNK_SIZE_DEFECTS, 6)
        if bad_size is not None:
            size_line = bad_size + b"\r\n"
        elif _one_in(draw, defects, 12):
            size_line = size + b"\n"  # bare LF does not end a size line
        footer = _defect(draw, defects, CHUNK_FOOTER_DEFECTS, 4)
        out += size_line + payload + (b"\r\n" if footer is None else footer)
    out += b"0" * draw(st.integers(1, 2)) + b"\r\n"
    out += draw(raw_header_lines(draw(headers(max_size=2)), defects))
    return out + draw(_EOLS)


@cache
@st.composite
def raw_body(
    draw: st.DrawFn, *, until_close_ok: bool, defects: bool = False
) -> tuple[HeaderList, bytes]:
    """Framing headers and the framed body bytes that go with them."""
    kind = draw(st.sampled_from(["content-length", "chunked", "none"]))
    if kind == "content-length":
        payload = draw(st.binary(max_size=30))
        digits = str(len(payload)).encode()
        value = draw(st.sampled_from([digits, b"0" + digits, digits + b" , " + digits]))
        bad = _defect(draw, defects, CONTENT_LENGTH_DEFECTS, 3)
        return [(draw(mixed_case(b"content-length")), value if bad is None else bad)], payload
    if kind == "chunked":
        coding = _defect(draw, defects, TRANSFER_ENCODING_DEFECTS, 5)
        if coding is None:
            coding = draw(mixed_case(b"chunked"))
        framing = [(draw(mixed_case(b"transfer-encoding")), coding)]
        if _one_in(draw, defects, 15):
            framing.append((b"Transfer-Encoding", b"chunked"))  # a second one: 501
        return framing, draw(raw_chunked_body(defects))
    if until_close_ok:
        return [], draw(st.binary(max_size=30))
    return [], b""


@cache
@st.composite
def raw_requests(draw: st.DrawFn, *, last: bool = True, defects: bool = False) -> bytes:
    """One request written by hand.  Only the ``last`` request of a stream may
    end keep-alive (Connection: close, HTTP/1.0) or propose a protocol switch.
    ``defects`` sometimes breaks a line, a framing header or the body."""
    versions = [b"1.1", b"1.2", b"2.0"] + ([b"1.0", b"0.9"] if last else [])
    version = draw(st.sampled_from(versions))
    method = draw(methods())
    fields = draw(headers())
    if version >= b"1.1" or draw(st.booleans()):
        host = (draw(mixed_case(b"host")), b"example.com")
        fields.insert(draw(st.integers(0, len(fields))), host)
    if _one_in(draw, defects, 15):
        fields.append((b"Host", b"second.example"))  # two Hosts
    fields += _connection_header(draw, may_close=last)
    if _one_in(draw, last, 6):
        if draw(st.booleans()):
            method = b"CONNECT"
        else:
            fields.append((b"Upgrade", b"websocket"))
    framing, body = draw(raw_body(until_close_ok=False, defects=defects))
    request_line = method + b" " + draw(targets()) + b" HTTP/" + version
    bad_line = _defect(draw, defects, REQUEST_LINE_DEFECTS, 8)
    if bad_line is not None:
        request_line = bad_line
    header_lines = draw(raw_header_lines(fields + framing, defects))
    return request_line + draw(_EOLS) + header_lines + draw(_EOLS) + body


@cache
@st.composite
def raw_responses(draw: st.DrawFn, *, last: bool = True, defects: bool = False) -> bytes:
    """1xx heads, then one final response written by hand, to a GET.  Only the
    ``last`` may end keep-alive or be delimited by the connection closing.
    ``defects`` sometimes breaks a line, a framing header or the body."""
    out = b""
    for _ in range(draw(st.integers(0, 2))):
        status_line = b"HTTP/1.1 " + str(draw(informational_statuses())).encode()
        out += status_line + b" " + draw(reasons()) + draw(_EOLS)
        out += draw(raw_header_lines(draw(headers()), defects)) + draw(_EOLS)
    version = draw(st.sampled_from([b"1.1", b"1.0"] if last else [b"1.1"]))
    status = draw(final_statuses())
    status_line = b"HTTP/" + version + b" " + str(status).encode()
    if not _one_in(draw, True, 5):
        # The reason phrase, and the space before it, are optional in h11.
        status_line += b" " + draw(reasons())
    bad_line = _defect(draw, defects, STATUS_LINE_DEFECTS, 8)
    if bad_line is not None:
        status_line = bad_line
    fields = draw(headers()) + _connection_header(draw, may_close=last)
    framing, body = draw(raw_body(until_close_ok=last, defects=defects))
    if status in (204, 304):
        body = b""
    elif not framing and not last:
        # Without framing a response runs until close (RFC 9112 section 6.3),
        # which only the last response of a stream may do.
        framing = [(b"Content-Length", b"0")]
    header_lines = draw(raw_header_lines(fields + framing, defects))
    return out + status_line + draw(_EOLS) + header_lines + draw(_EOLS) + body


#: Bytes that are most likely to confuse a parser when injected.
SPECIAL_BYTES: Final = [b"\r", b"\n", b"\r\n", b"\x00", b" ", b"\t", b":", b";", b"\x7f", b"\xff"]


#: Mostly one edit, so that damage late in a stream is reached.
_EDIT_COUNTS: Final = st.sampled_from([1, 1, 1, 2, 3, 4])
#: Taken modulo a length: a position spread over the whole stream.
#: (st.integers(0, n) would favour the ends, mostly position 0.)
_SPREAD: Final = st.integers(0, 2**20)


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[bytes]) -> bytes:
    """A stream from ``base`` with 1-4 byte-level edits: insert, delete or
    replace bytes, flip a letter's case, inject CR/LF/NUL/SP/TAB (and a few
    other delimiters), duplicate a line (e.g. a header), pad a number with
    zeros, or truncate."""
    data = bytearray(draw(base))
    for _ in range(draw(_EDIT_COUNTS)):
        kind = draw(
            st.sampled_from(
                [
                    "insert",
                    "delete",
                    "replace",
                    "flip-case",
                    "inject",
                    "duplicate-line",
                    "pad-digits",
                    "truncate",
                ]
            )
        )
        # Half the edits land on or just after a delimiter, where framing
        # decisions are made (e.g. the CRLF closing a chunk: CVE-2025-43859).
        anchors = [i for i, byte in enumerate(data) if byte in b"\r\n:; "]
        near_delimiter = draw(st.booleans())
        if anchors and near_delimiter:
            pos = anchors[draw(_SPREAD) % len(anchors)] + draw(st.integers(0, 1))
        else:
            pos = draw(_SPREAD) % (len(data) + 1)
        if kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=3))
        elif kind == "delete":
            del data[pos : pos + draw(st.integers(1, 3))]
        elif kind == "replace" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif kind == "flip-case" and pos < len(data) and chr(data[pos]).isalpha():
            data[pos] ^= 0x20
        elif kind == "inject":
            data[pos:pos] = draw(st.sampled_from(SPECIAL_BYTES))
        elif kind == "duplicate-line":
            start = data.rfind(b"\n", 0, pos) + 1
            end = data.find(b"\n", pos)
            end = len(data) if end == -1 else end + 1
            data[start:start] = data[start:end]
        elif kind == "pad-digits":
            # Leading zeros probe the digit limits: 20 for Content-Length and
            # chunk sizes, exactly 3 for a status code.
            digits = [i for i, byte in enumerate(data) if 0x30 <= byte <= 0x39]
            if digits:
                at = digits[draw(_SPREAD) % len(digits)]
                data[at:at] = b"0" * draw(st.integers(1, 20))
        elif kind == "truncate":
            del data[pos:]
    return bytes(data)


@st.composite
def split_pieces(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """``data`` cut into non-empty pieces (an empty piece would mean EOF):
    whole, one byte per piece, or at arbitrary cut points."""
    if len(data) <= 1:
        return [data] if data else []
    mode = draw(st.sampled_from(["whole", "bytewise", "cuts"]))
    if mode == "whole":
        return [data]
    if mode == "bytewise":
        return [data[i : i + 1] for i in range(len(data))]
    cuts = sorted(set(draw(st.lists(st.integers(1, len(data) - 1), max_size=12))))
    bounds = [0, *cuts, len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


# ---------------------------------------------------------------------------
# 3. Normal forms and the receive driver (for any module with h11's API)
# ---------------------------------------------------------------------------

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
        return bytes(value)
    if isinstance(value, bool | int):
        return value
    if isinstance(value, Iterable):
        return tuple((bytes(n), bytes(v)) for n, v in value)
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


@dataclass(frozen=True)
class Outcome:
    """Everything observable from one ``receive_stream`` run.

    ``error`` is (exception type name, error_status_hint); the message is kept
    apart and excluded from equality because its wording is free to differ.
    """

    trace: tuple[Neutral, ...]
    error: tuple[str, int] | None
    states: tuple[str, str]
    their_http_version: bytes | None
    waiting_for_100: bool
    trailing_data: tuple[bytes, bool] | None
    error_message: str | None = field(default=None, compare=False)



#: What a server answers with when its script has run out.
CANNED_RESPONSE: Final[Message] = (
    Response(status_code=200, headers=[(b"Content-Length", b"0")]),
    EndOfMessage(),
)
#: What a client asks when its script has run out.
CANNED_REQUEST: Final[Message] = (
    Request(method=b"GET", target=b"/", headers=[(b"Host", b"example.com")]),
    EndOfMessage(),
)

#: States in which a server has the whole request and may answer it.
_REQUEST_COMPLETE: Final = frozenset({"DONE", "MUST_CLOSE", "MIGHT_SWITCH_PROTOCOL", "CLOSED"})


class NoProgress(AssertionError):
    """next_event() kept returning events without settling."""


class _Receiver:
    """Drives one Connection through a received stream (see receive_stream)."""

    def __init__(
        self,
        lib: ModuleType,
        conn: Any,
        script: Sequence[Message],
        fallback: Message | None,
        call_budget: int,
    ) -> None:
        self.lib = lib
        self.conn = conn
        self.is_client = str(conn.our_role) == "CLIENT"
        self.script = script
        self.fallback = fallback
        self.cycle = 0
        self.sent_this_cycle = False
        self.send_broken = False
        self.calls_left = call_budget
        self.trace: list[Neutral] = []
        self.error: BaseException | None = None

    def _send_message(self, message: Message) -> None:
        """Send ``message`` (ported to lib); record the bytes or the error."""
        wire = b""
        for event in message:
            if isinstance(event, Data | EndOfMessage) and str(self.conn.our_state) != "SEND_BODY":
                # e.g. a 2xx to CONNECT switched protocols: no body follows.
                break
            try:
                wire += self.conn.send(port(self.lib, event)) or b""
            except self.lib.LocalProtocolError as exc:
                self.trace.append(("send-error", type(exc).__name__, exc.error_status_hint))
                self.send_broken = True
                return
        self.trace.append(("sent", wire, state_names(self.conn)))

    def _our_turn_now(self) -> bool:
        ours, theirs = str(self.conn.our_state), str(self.conn.their_state)
        if self.is_client:
            return (ours, theirs) == ("IDLE", "IDLE")
        return ours == "SEND_RESPONSE" and theirs in _REQUEST_COMPLETE

    def take_turn(self) -> None:
        """Play our side: start the next cycle, ask the next request or answer."""
        while not self.send_broken:
            if (str(self.conn.our_state), str(self.conn.their_state)) == ("DONE", "DONE"):
                self.conn.start_next_cycle()
                self.cycle += 1
                self.sent_this_cycle = False
                self.trace.append(("cycle", state_names(self.conn)))
                continue
            if self.sent_this_cycle or not self._our_turn_now():
                return
            message = self.script[self.cycle] if self.cycle < len(self.script) else self.fallback
            if message is None:
                return
            self.sent_this_cycle = True
            self._send_message(message)

    def pump(self) -> str | None:
        """Pull events until the connection blocks; return the name of what
        stopped it (NEED_DATA, PAUSED, ConnectionClosed), or None after a
        RemoteProtocolError."""
        while True:
            self.take_turn()
            self.calls_left -= 1
            if self.calls_left < 0:
                raise NoProgress(f"next_event() did not settle; last steps {self.trace[-5:]!r}")
            try:
                event = self.conn.next_event()
            except self.lib.RemoteProtocolError as exc:
                self.error = exc
                return None
            if event is self.lib.NEED_DATA or event is self.lib.PAUSED:
                return str(event.__name__)
            item = neutral_event(event)
            # Data does not change states; recording them would only make
            # merged runs harder to compare.
            self.trace.append(item if item[0] == "Data" else (*item, state_names(self.conn)))
            if item[0] == "ConnectionClosed":
                # It repeats forever from here on; let our side react once.
                self.take_turn()
                return "ConnectionClosed"


def error_hint(error: BaseException) -> int:
    """The error_status_hint of a ProtocolError from any library."""
    hint = getattr(error, "error_status_hint")
    assert isinstance(hint, int)
    return hint


def receive_stream(
    lib: ModuleType,
    our_role: str,
    pieces: Sequence[bytes],
    *,
    eof: bool = False,
    script: Sequence[Message] = (),
    fallback: Message | None = None,
    merge: bool = True,
    max_incomplete_event_size: int | None = None,
) -> Outcome:
    """Feed ``pieces`` (then EOF if ``eof``) to a fresh ``lib`` Connection
    playing ``our_role`` ("CLIENT" or "SERVER"), pulling events after each piece.

    Our side of the conversation is played from ``script``, one message per
    keep-alive cycle (then ``fallback`` forever, if given): a client sends its
    request when both sides are IDLE, a server answers once the request is
    complete, and both DONE starts the next cycle.  The trace records every
    received event with both states after it, what we sent, each new cycle,
    and finally what the connection blocked on.

    Only ``RemoteProtocolError`` is caught from next_event(): anything else
    propagates to the test.  ``NoProgress`` is raised if next_event() keeps
    producing events beyond what the input could justify.  With ``merge``
    Data runs are merged (``merge_data``); without it the exact Data events,
    chunk flags included, are kept.  ``max_incomplete_event_size`` is passed
    to the Connection when given.
    """
    role = getattr(lib, our_role)
    if max_incomplete_event_size is None:
        conn = lib.Connection(role)
    else:
        conn = lib.Connection(role, max_incomplete_event_size=max_incomplete_event_size)
    budget = 64 + 8 * sum(len(p) for p in pieces)
    receiver = _Receiver(lib, conn, script, fallback, budget)
    blocked = receiver.pump()
    for piece in [*pieces, *([b""] if eof else [])]:
        if blocked is None or blocked == "ConnectionClosed":
            break
        conn.receive_data(piece)
        blocked = receiver.pump()
    error = receiver.error
    trace = merge_data(receiver.trace) if merge else tuple(receiver.trace)
    trailing = None
    if error is None:
        buffered, closed = conn.trailing_data
        trailing = (bytes(buffered), bool(closed))
    version = conn.their_http_version
    return Outcome(
        trace=(*trace, ("blocked", blocked)),
        error=None if error is None else (type(error).__name__, error_hint(error)),
        states=state_names(conn),
        their_http_version=None if version is None else bytes(version),
        waiting_for_100=bool(conn.they_are_waiting_for_100_continue),
        trailing_data=trailing,
        error_message=None if error is None else str(error),
    )


# ---------------------------------------------------------------------------
# 4. Running a whole conversation through a client/server pair
# ---------------------------------------------------------------------------


def pull_events(conn: Any, lib: ModuleType) -> list[Any]:
    """next_event() until NEED_DATA/PAUSED (excluded) or ConnectionClosed."""
    out: list[Any] = []
    while True:
        event = conn.next_event()
        if event is lib.NEED_DATA or event is lib.PAUSED:
            return out
        out.append(event)
        if type(event).__name__ == "ConnectionClosed":
            return out


@dataclass
class ConversationRun:
    """What happened when a conversation was played through a pair.

    ``*_writes`` hold, per sent event, what send() returned (None for
    ConnectionClosed); ``*_got`` the neutral events each side received, in
    order; ``states`` both sides' view of (client, server) after each cycle.
    """

    client_writes: list[bytes | None] = field(default_factory=list)
    server_writes: list[bytes | None] = field(default_factory=list)
    server_got: list[Neutral] = field(default_factory=list)
    client_got: list[Neutral] = field(default_factory=list)
    states: list[tuple[tuple[str, str], tuple[str, str]]] = field(default_factory=list)


def run_conversation(
    conversation: Sequence[Exchange], lib: ModuleType = h11typed
) -> ConversationRun:
    """Play each exchange: the client sends the whole request and the server
    reads it, then the server sends the whole response and the client reads
    it; both DONE starts the next cycle."""
    client = lib.Connection(lib.CLIENT)
    server = lib.Connection(lib.SERVER)
    run = ConversationRun()
    for exchange in conversation:
        for message, sender, receiver, writes, got in (
            (exchange.request, client, server, run.client_writes, run.server_got),
            (exchange.response, server, client, run.server_writes, run.client_got),
        ):
            for event in message:
                written = sender.send(port(lib, event))
                writes.append(written)
                if written:
                    receiver.receive_data(written)
            got.extend(neutral_event(e) for e in pull_events(receiver, lib))
        run.states.append((state_names(client), state_names(server)))
        if state_names(client) == ("DONE", "DONE") and state_names(server) == ("DONE", "DONE"):
            client.start_next_cycle()
            server.start_next_cycle()
    return run


def hostfirst(pairs: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Headers in the order the writer puts them on the wire: every Host
    header first, the rest in their original order (docs/http-support.rst, the
    RFC 9112 section 3.2 row)."""
    listed = list(pairs)
    return [p for p in listed if p[0] == b"host"] + [p for p in listed if p[0] != b"host"]


def parse_written_head(head: bytes) -> tuple[bytes, HeaderList]:
    """Split a head exactly as send() writes it (CRLF lines, ``name: value``)
    into its start line and (lowercased name, value) pairs.  Deliberately
    naive: it only has to read send()'s canonical output."""
    assert head.endswith(b"\r\n\r\n"), head
    start, *lines = head[:-4].split(b"\r\n")
    pairs: HeaderList = []
    for line in lines:
        name, sep, value = line.partition(b": ")
        assert sep, line
        pairs.append((name.lower(), value))
    return start, pairs


# ---------------------------------------------------------------------------
# 5. Whole streams for one receiving role
# ---------------------------------------------------------------------------

#: The receiving roles, as passed to ``receive_stream``.
ROLES: Final = ("CLIENT", "SERVER")


@dataclass(frozen=True)
class Stream:
    """Bytes for a ``receiver`` and how to play the other half: ``script``
    (one message per cycle) then ``fallback``.  See ``receive_stream``."""

    data: bytes
    script: tuple[Message, ...] = ()
    fallback: Message | None = None


def _hand_written(draw: st.DrawFn, receiver: str, *, defects: bool) -> Stream:
    """1-3 hand-written messages for ``receiver``, back to back (pipelined
    requests, or responses one per cycle), the other side sending one canned
    message per cycle."""
    count = draw(st.integers(1, 3))
    if receiver == "SERVER":
        requests = [draw(raw_requests(last=i == count - 1, defects=defects)) for i in range(count)]
        return Stream(b"".join(requests), (CANNED_RESPONSE,) * count)
    responses = [draw(raw_responses(last=i == count - 1, defects=defects)) for i in range(count)]
    return Stream(b"".join(responses), (CANNED_REQUEST,) * count)


@cache
@st.composite
def valid_streams(draw: st.DrawFn, receiver: str) -> Stream:
    """A valid stream for ``receiver``: either what send() wrote for a
    generated conversation (with the other side's messages as the script), or
    hand-written messages (the other side answering with canned messages)."""
    if draw(st.booleans()):
        conversation = draw(conversations())
        run = run_conversation(conversation)
        if receiver == "SERVER":
            wire = b"".join(w for w in run.client_writes if w)
            return Stream(wire, tuple(e.response for e in conversation))
        wire = b"".join(w for w in run.server_writes if w)
        return Stream(wire, tuple(e.request for e in conversation))
    return _hand_written(draw, receiver, defects=False)


@cache
@st.composite
def mutated_streams(draw: st.DrawFn, receiver: str) -> Stream:
    """A valid stream for ``receiver`` with byte-level edits (see ``mutated``)."""
    stream = draw(valid_streams(receiver))
    return Stream(draw(mutated(st.just(stream.data))), stream.script, stream.fallback)


@cache
@st.composite
def defective_streams(draw: st.DrawFn, receiver: str) -> Stream:
    """Hand-written messages with grammar-level defects in any part: start
    lines, header lines, Content-Length and Transfer-Encoding values, chunk
    size lines and chunk footers (see the *_DEFECTS tables)."""
    return _hand_written(draw, receiver, defects=True)


@cache
def damaged_streams(receiver: str) -> st.SearchStrategy[Stream]:
    """A valid stream damaged at the byte level (``mutated_streams``) or at
    the grammar level (``defective_streams``)."""
    return st.one_of(mutated_streams(receiver), defective_streams(receiver))


@cache
@st.composite
def arbitrary_streams(draw: st.DrawFn, receiver: str) -> Stream:
    """Random bytes, a mutated valid stream, or a valid head followed by
    random bytes.  A client receiver sometimes never sends a request."""
    source = draw(st.sampled_from(["random", "damaged", "valid-prefix"]))
    if source == "damaged":
        return draw(damaged_streams(receiver))
    data = draw(st.binary(max_size=200))
    if source == "valid-prefix":
        data = draw(valid_streams(receiver)).data[: draw(st.integers(0, 200))] + data
    if receiver == "SERVER":
        return Stream(data, fallback=CANNED_RESPONSE)
    return Stream(data, fallback=draw(st.sampled_from([CANNED_REQUEST, None])))


# ---------------------------------------------------------------------------
# 6. Random legal walks through the state machine
# ---------------------------------------------------------------------------


def deliver(peer: Any, written: bytes | None) -> None:
    """Pass what send() returned to the peer: None (ConnectionClosed) is EOF,
    and an empty write is skipped (receive_data(b"") would also mean EOF)."""
    if written is None:
        peer.receive_data(b"")
    elif written:
        peer.receive_data(written)


def close_delimited(response: Neutral, method: bytes | None) -> bool:
    """True if a received Response (neutral form) has a body that runs until
    the connection closes (RFC 9112 section 6.3): its sender can finish it
    without the peer seeing a byte, so the peer lags until EOF."""
    fields = dict(response[1])
    status = fields["status_code"]
    names = {name for name, _ in fields["headers"]}
    no_body = (
        status in (204, 304)
        or method == b"HEAD"
        or (method == b"CONNECT" and 200 <= status < 300)
    )
    return not no_body and not names & {b"content-length", b"transfer-encoding"}


class Walk:
    """A random sequence of legal sends between a client and a server, played
    in lockstep on one pair of Connections per library in ``libs``.

    Messages may go out over several steps, so either side can act while the
    other is mid-message (early responses, an upgrade accepted before the
    request body ends, half-closes, error responses from IDLE).  After every
    event the peer reads all it can.  Which steps are legal is decided from the
    first library's states; ``log`` records, per library, every write, what
    the peer then parsed, and both sides' states.
    """

    def __init__(self, data: st.DataObject, libs: Sequence[ModuleType] = (h11typed,)) -> None:
        self.data = data
        self.libs = libs
        self.pairs: list[dict[str, Any]] = [
            {"CLIENT": lib.Connection(lib.CLIENT), "SERVER": lib.Connection(lib.SERVER)}
            for lib in libs
        ]
        self.conns = self.pairs[0]
        self.log: list[list[Neutral]] = [[] for _ in libs]
        self.pending: dict[str, list[Event]] = {"CLIENT": [], "SERVER": []}
        self.method: bytes | None = None
        self.upgrade_proposed = False
        #: The last final Response the client parsed (first library).
        self.last_response: Neutral | None = None

    def state(self, role: str) -> str:
        """``role``'s own view of its state (first library)."""
        return str(self.conns[role].our_state)

    def view(self, of_role: str) -> str:
        """The peer's view of ``of_role``'s state (first library)."""
        peer = self.conns["SERVER" if of_role == "CLIENT" else "CLIENT"]
        return dict(zip(("CLIENT", "SERVER"), state_names(peer), strict=True))[of_role]

    def actions(self) -> list[str]:
        """The steps that are legal now."""
        client, server = self.state("CLIENT"), self.state("SERVER")
        out: list[str] = []
        if self.pending["CLIENT"]:
            out.append("client-continue")
        else:
            if (client, server) == ("IDLE", "IDLE"):
                out += ["client-request", "server-error-response"]
            if client in ("IDLE", "DONE", "MUST_CLOSE"):
                out.append("client-close")
        if self.pending["SERVER"]:
            out.append("server-continue")
        else:
            if server == "SEND_RESPONSE":
                out += ["server-informational", "server-response"]
                if self.upgrade_proposed:
                    out.append("server-accept-upgrade")
            if server in ("IDLE", "DONE", "MUST_CLOSE"):
                out.append("server-close")
        if (client, server) == ("DONE", "DONE"):
            out.append("cycle")
        return out

    def send(self, role: str, event: Event) -> None:
        """Send one event on every library's pair; let each peer read."""
        peer_role = "SERVER" if role == "CLIENT" else "CLIENT"
        for index, (lib, conns) in enumerate(zip(self.libs, self.pairs, strict=True)):
            written = conns[role].send(port(lib, event))
            deliver(conns[peer_role], written)
            got = [neutral_event(e) for e in pull_events(conns[peer_role], lib)]
            states = (state_names(conns["CLIENT"]), state_names(conns["SERVER"]))
            self.log[index].append((role, written, tuple(got), states))
            if index == 0 and peer_role == "CLIENT":
                for item in got:
                    if item[0] == "Response":
                        self.last_response = item

    def continue_message(self, role: str) -> None:
        """Send the next 1+ pending events of ``role``'s current message."""
        pending = self.pending[role]
        for _ in range(self.data.draw(st.integers(1, len(pending)), label="how many")):
            event = pending.pop(0)
            if isinstance(event, Data | EndOfMessage) and self.state(role) != "SEND_BODY":
                # A 2xx to CONNECT switched protocols: the body never comes.
                pending.clear()
                return
            self.send(role, event)

    def step(self, action: str) -> None:
        """Carry out one action from ``actions()``."""
        draw = self.data.draw
        if action == "client-request":
            requests = request_messages(may_switch=True)
            if len(self.libs) > 1:
                # h11 keeps a connection that h11typed ends (frames_twice).
                requests = requests.filter(lambda m: not frames_twice(m))
            message = draw(requests, label="request")
            head = message[0]
            assert isinstance(head, Request)
            self.method = head.method
            self.upgrade_proposed = any(name == b"upgrade" for name, _ in head.headers)
            self.last_response = None
            self.pending["CLIENT"] = list(message)
            self.continue_message("CLIENT")
        elif action in ("server-response", "server-error-response"):
            method = self.method if action == "server-response" else None
            responses = response_messages(method)
            if len(self.libs) > 1:
                responses = responses.filter(lambda m: not frames_twice(m))
            message = draw(responses, label="response")
            # This action sends the final response; 1xx are their own action.
            final = [e for e in message if not isinstance(e, InformationalResponse)]
            self.pending["SERVER"] = final
            self.continue_message("SERVER")
        elif action == "server-informational":
            self.send("SERVER", draw(informational_responses(), label="1xx"))
        elif action == "server-accept-upgrade":
            accept = InformationalResponse(status_code=101, headers=[(b"Upgrade", b"x")])
            self.send("SERVER", accept)
        elif action.endswith("-continue"):
            self.continue_message(action.split("-")[0].upper())
        elif action.endswith("-close"):
            self.send(action.split("-")[0].upper(), ConnectionClosed())
        else:
            assert action == "cycle"
            for conns in self.pairs:
                conns["CLIENT"].start_next_cycle()
                conns["SERVER"].start_next_cycle()
            for index, conns in enumerate(self.pairs):
                views = (state_names(conns["CLIENT"]), state_names(conns["SERVER"]))
                self.log[index].append(("cycle", *views))
            self.method = None
            self.upgrade_proposed = False

    def run(self, check: Callable[[Walk], None], max_steps: int = 16) -> None:
        """Take up to ``max_steps`` random legal steps, calling ``check(self)``
        after each."""
        for _ in range(max_steps):
            actions = self.actions()
            if not actions:
                return
            self.step(self.data.draw(st.sampled_from(actions), label="action"))
            check(self)
