"""Grammar pieces: tokens, targets, field names and values, Host values,
reasons and status codes, each drawn only from what RFC 9110/9112 and h11
accept, so that anything built from them is legal to send."""

from __future__ import annotations

import string
from functools import cache
from typing import Final

from hypothesis import strategies as st

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
        host = (
            "[v"
            + draw(st.sampled_from(["1", "7", "1F"]))
            + "."
            + draw(st.text(REG_NAME_CHARS + ":", min_size=1, max_size=8))
            + "]"
        )
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
