"""Head parsing for the interpreted (pure-Python) build: the common case, by regex.

The parser in ``_readers`` walks a head byte by byte through lookup tables. Compiled,
that costs about a nanosecond a byte; interpreted, about fifty, which made the pure
build slower than h11 on typical heads. Here the same grammar runs in ``re``'s C engine
instead, one match per line (pure build: b_pipeline -74.6% instructions). Only the
plain case is handled: a complete head whose every line matches. Anything else (a head
still arriving, an error to report, obs-fold, a field-count limit reached, a framing
header to reject) returns None and the byte parser decides, so errors, their order and
their messages come from one place.

The compiled build never calls this module (``_readers`` checks ``COMPILED``).
"""

from __future__ import annotations

import re
from typing import Final

from ._abnf import RE_FIELD_BYTE, RE_TCHAR, RE_VCHAR
from ._headers import FACT_NAMES, Headers, add_header
from ._limits import over_field_limit
from ._util import LocalProtocolError

# A field line (RFC 9112 §5) as ``_readers.parse_header_section`` accepts it: no space
# before the colon; the value's bytes are anything but NUL, LF, VT, FF and CR (SP and
# HTAB included, stripped at the ends afterwards); CRLF or a bare LF ends the line. No
# part of the pattern can match the same byte two ways, so matching never backtracks.
_FIELD_LINE: Final = re.compile(RE_TCHAR + b"+:(" + RE_FIELD_BYTE + rb"*)\r?\n")
# request-line = method SP request-target SP HTTP-version (RFC 9112 §3).
_REQUEST_LINE: Final = re.compile(
    b"(" + RE_TCHAR + b"+) (" + RE_VCHAR + rb"+) HTTP/([0-9]\.[0-9])\r?\n"
)
# status-line (RFC 9112 §4), with h11's optional reason: "HTTP/1.1 200" is accepted.
_STATUS_LINE: Final = re.compile(
    rb"HTTP/([0-9]\.[0-9]) ([0-9]{3})(?: (" + RE_FIELD_BYTE + rb"*))?\r?\n"
)


def quick_fields(data: bytes, pos: int, max_fields: int) -> tuple[Headers, int] | None:
    """The header section at ``pos`` and the offset after its blank line, or None."""
    headers = Headers([])
    fields = headers._fields  # pyright: ignore[reportPrivateUsage]
    match = _FIELD_LINE.match
    p = pos
    while True:
        line = match(data, p)
        if line is None:
            break
        raw_name = data[p : line.start(1) - 1]
        name = raw_name.lower()
        if name in FACT_NAMES:
            try:
                add_header(fields, raw_name, name, line[1].strip(b" \t"), headers)
            except LocalProtocolError:
                return None
        else:
            fields += (raw_name, name, line[1].strip(b" \t"))
        p = line.end()
    if over_field_limit(len(headers), max_fields):
        return None
    if data.startswith(b"\r\n", p):
        return headers, p + 2
    if data.startswith(b"\n", p):
        return headers, p + 1
    return None


def quick_request_head(
    data: bytes, start: int, max_fields: int
) -> tuple[bytes, bytes, bytes, Headers, int] | None:
    """(method, target, HTTP version, headers, end of head), or None."""
    line = _REQUEST_LINE.match(data, start)
    if line is None:
        return None
    section = quick_fields(data, line.end(), max_fields)
    if section is None:
        return None
    return line[1], line[2], line[3], section[0], section[1]


def quick_response_head(
    data: bytes, start: int, max_fields: int
) -> tuple[bytes, int, bytes, Headers, int] | None:
    """(HTTP version, status code, reason, headers, end of head), or None."""
    line = _STATUS_LINE.match(data, start)
    if line is None:
        return None
    status_code = int(line[2])
    if status_code < 100:
        return None
    section = quick_fields(data, line.end(), max_fields)
    if section is None:
        return None
    return line[1], status_code, line[3] or b"", section[0], section[1]
