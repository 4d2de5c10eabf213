"""Field names that appear on most messages, ready-made for the head parser.

Slicing a received field name out of the buffer and lowercasing it costs about 90 ns,
much of the cost of a short field line. So the loop that validates a name also packs
its first 16 bytes into two integers (a shift and an or per byte). Those integers and
the length pick a slot here, and comparing them with the slot's entry proves the name
equal to it (names over 16 bytes compare their tail too). A match gives the entry's
ready-made (raw, lowercase) pair: no slice, no lowercasing, and no byte-by-byte compare
(b_pipeline -15.5% instructions). Anything else is sliced and lowercased.

Names are listed as senders spell them: in Title-Case (most clients and servers) and in
lowercase (Chrome's client hints, HTTP/2-era software, curl's custom fields).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from mypy_extensions import i64

# A power of two, over the prime below: with 2048 slots, 157 of the 160 spellings get a
# slot of their own.
SLOTS: Final = 2048
_SLOT_PRIME: Final = 2039
# How many leading bytes of a name are packed (two i64s; tchar bytes are below 0x80, so
# eight of them fit in an i64 without reaching the sign bit).
PACKED_BYTES: Final = 16

_COMMON: Final = (
    # Requests
    "Host",
    "User-Agent",
    "Accept",
    "Accept-Language",
    "Accept-Encoding",
    "Accept-Charset",
    "Connection",
    "Keep-Alive",
    "Cookie",
    "Referer",
    "Origin",
    "Cache-Control",
    "Pragma",
    "Upgrade-Insecure-Requests",
    "DNT",
    "Authorization",
    "Proxy-Authorization",
    "If-Modified-Since",
    "If-None-Match",
    "If-Match",
    "If-Unmodified-Since",
    "If-Range",
    "Range",
    "Expect",
    "Upgrade",
    "TE",
    "Priority",
    "Sec-Fetch-Dest",
    "Sec-Fetch-Mode",
    "Sec-Fetch-Site",
    "Sec-Fetch-User",
    "Sec-CH-UA",
    "Sec-CH-UA-Mobile",
    "Sec-CH-UA-Platform",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
    "Sec-WebSocket-Extensions",
    "Sec-WebSocket-Protocol",
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "X-Forwarded-Host",
    "X-Real-IP",
    "X-Requested-With",
    "X-Request-ID",
    "Forwarded",
    "Via",
    # Both
    "Content-Type",
    "Content-Length",
    "Transfer-Encoding",
    "Content-Encoding",
    "Date",
    "Trailer",
    # Responses
    "Server",
    "ETag",
    "Last-Modified",
    "Expires",
    "Vary",
    "Location",
    "Set-Cookie",
    "Content-Language",
    "Content-Disposition",
    "Content-Range",
    "Accept-Ranges",
    "Age",
    "Allow",
    "Retry-After",
    "WWW-Authenticate",
    "Alt-Svc",
    "Link",
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Headers",
    "Access-Control-Allow-Methods",
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "X-XSS-Protection",
    "Referrer-Policy",
    "Sec-WebSocket-Accept",
)


def slot_of(first8: i64, next8: i64, length: i64) -> i64:
    """The table slot for a name packed as ``first8``/``next8`` (see pack()).

    Remainders keep every byte in play with no i64 overflow, so the compiled and the
    interpreted build agree.
    """
    return (first8 % _SLOT_PRIME + next8 % _SLOT_PRIME + length) & (SLOTS - 1)


def pack(name: bytes) -> tuple[int, int]:
    """``name``'s bytes 0-7 and 8-15 as big-endian integers, as the parser builds them."""
    first8 = 0
    next8 = 0
    for k, byte in enumerate(name[:PACKED_BYTES]):
        if k < 8:
            first8 = (first8 << 8) | byte
        else:
            next8 = (next8 << 8) | byte
    return first8, next8


class KnownName:
    """A table entry: a spelling, its lowercase form, and what the parser compares."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.lower = raw.lower()
        self.length: i64 = len(raw)
        first8, next8 = pack(raw)
        self.first8: i64 = first8
        self.next8: i64 = next8
        self.tail = raw[PACKED_BYTES:]  # what the packed integers leave out


def _build_table() -> tuple[KnownName | None, ...]:
    table: list[KnownName | None] = [None] * SLOTS
    for text in _COMMON:
        for raw in (text.encode("ascii"), text.lower().encode("ascii")):
            entry = KnownName(raw)
            slot = slot_of(entry.first8, entry.next8, entry.length)
            if table[slot] is None:  # on a collision the first name keeps the slot
                table[slot] = entry
    return tuple(table)


TABLE: Final = _build_table()


def known_name(data: bytes, start: i64, end: i64, first8: i64, next8: i64) -> KnownName | None:
    """The entry for the name ``data[start:end]`` (packed as ``first8``/``next8``), or None."""
    length: i64 = end - start
    known = TABLE[slot_of(first8, next8, length)]
    if (
        known is not None
        and known.first8 == first8
        and known.next8 == next8
        and known.length == length
        and (length <= PACKED_BYTES or _same_bytes(data, start + PACKED_BYTES, end, known.tail))
    ):
        return known
    return None


def _same_bytes(data: bytes, start: i64, end: i64, expected: bytes) -> bool:
    """Whether ``data[start:end] == expected`` (as long as it), without making the slice."""
    i: i64 = 0
    while start + i < end:
        if data[start + i] != expected[i]:
            return False
        i += 1
    return True
