"""Field names that appear on most messages, ready-made for the head parser.

Slicing a received field name out of the buffer and lowercasing it costs about 90 ns,
much of the cost of a short field line. So the parser hashes each name in the loop that
validates it (a multiply and an add per byte) and looks the hash up here: when a name's
bytes equal an entry's, the entry's ready-made (raw, lowercase) pair is used, with no
slice and no lowercasing. Anything else is sliced and lowercased as before.

Names are listed as senders spell them: in Title-Case (most clients and servers) and in
lowercase (Chrome's client hints, HTTP/2-era software, curl's custom fields).
"""

from __future__ import annotations

from typing import Final

# The parser computes the same hash: for each byte, h = (h * 131 + byte) & HASH_MASK.
HASH_MULTIPLIER: Final = 131
HASH_MASK: Final = 0xFFFFF
# A power of two: slot = h & (SLOTS - 1). With 2048 slots, 157 of the 160 spellings below
# get a slot of their own.
SLOTS: Final = 2048

_COMMON: Final = (
    # Requests
    "Host", "User-Agent", "Accept", "Accept-Language", "Accept-Encoding", "Accept-Charset",
    "Connection", "Keep-Alive", "Cookie", "Referer", "Origin", "Cache-Control", "Pragma",
    "Upgrade-Insecure-Requests", "DNT", "Authorization", "Proxy-Authorization",
    "If-Modified-Since", "If-None-Match", "If-Match", "If-Unmodified-Since", "If-Range",
    "Range", "Expect", "Upgrade", "TE", "Priority", "Sec-Fetch-Dest", "Sec-Fetch-Mode",
    "Sec-Fetch-Site", "Sec-Fetch-User", "Sec-CH-UA", "Sec-CH-UA-Mobile",
    "Sec-CH-UA-Platform", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
    "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "X-Forwarded-For",
    "X-Forwarded-Proto", "X-Forwarded-Host", "X-Real-IP", "X-Requested-With",
    "X-Request-ID", "Forwarded", "Via",
    # Both
    "Content-Type", "Content-Length", "Transfer-Encoding", "Content-Encoding", "Date",
    "Trailer",
    # Responses
    "Server", "ETag", "Last-Modified", "Expires", "Vary", "Location", "Set-Cookie",
    "Content-Language", "Content-Disposition", "Content-Range", "Accept-Ranges", "Age",
    "Allow", "Retry-After", "WWW-Authenticate", "Alt-Svc", "Link",
    "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Headers", "Access-Control-Allow-Methods",
    "Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options",
    "X-Frame-Options", "X-XSS-Protection", "Referrer-Policy", "Sec-WebSocket-Accept",
)


def name_hash(name: bytes) -> int:
    h = 0
    for byte in name:
        h = (h * HASH_MULTIPLIER + byte) & HASH_MASK
    return h


def _build_table() -> tuple[tuple[bytes, bytes] | None, ...]:
    table: list[tuple[bytes, bytes] | None] = [None] * SLOTS
    for text in _COMMON:
        for raw in (text.encode("ascii"), text.lower().encode("ascii")):
            slot = name_hash(raw) & (SLOTS - 1)
            if table[slot] is None:  # on a collision the first name keeps the slot
                table[slot] = (raw, raw.lower())
    return tuple(table)


# Slot -> (raw name, lowercase name), or None.
TABLE: Final = _build_table()
