"""Raw wire bytes, written by hand rather than by send(): bare LF line ends,
OWS, obs-fold, other HTTP versions, chunk extensions, optional reasons; with
``defects``, grammar-level damage from the *_DEFECTS tables."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Final

from hypothesis import strategies as st

from tests.strategies.grammar import (
    SPECIAL_HEADER_NAMES,
    HeaderList,
    final_statuses,
    headers,
    informational_statuses,
    methods,
    mixed_case,
    reasons,
    targets,
)
from tests.strategies.messages import connection_header
from tests.strategies.mutations import SPREAD

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
        return table[draw(SPREAD) % len(table)]
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
        ext = draw(st.sampled_from([b"", b";a=b", b"; name", b';x="quoted"']))
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
    fields += connection_header(draw, may_close=last)
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
    fields = draw(headers()) + connection_header(draw, may_close=last)
    framing, body = draw(raw_body(until_close_ok=last, defects=defects))
    if status in (204, 304):
        body = b""
    elif not framing and not last:
        # Without framing a response runs until close (RFC 9112 section 6.3),
        # which only the last response of a stream may do.
        framing = [(b"Content-Length", b"0")]
    header_lines = draw(raw_header_lines(fields + framing, defects))
    return out + status_line + draw(_EOLS) + header_lines + draw(_EOLS) + body
