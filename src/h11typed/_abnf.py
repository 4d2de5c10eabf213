"""Byte classes from the HTTP grammar, as 256-entry lookup tables.

Compiled code indexes a ``bytes`` table with a native integer, which costs about a
nanosecond a byte; that is why the grammar lives here as tables rather than regexes.
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Final

from ._compiled import COMPILED

if TYPE_CHECKING:
    from mypy_extensions import i64


def _table(entries: dict[int, int]) -> bytes:
    out = bytearray(256)
    for byte, klass in entries.items():
        out[byte] = klass
    return bytes(out)


# RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
# "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.
TOKEN: Final = _table(
    dict.fromkeys(b"!#$%&'*+-.^_`|~0123456789", 1)
    | dict.fromkeys(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 1)
)

# Field values (RFC 9110 §5.5), as h11 reads them: any byte but NUL and the whitespace
# controls (HTAB, LF, VT, FF, CR, SP) is "visible"; SP and HTAB may only appear between
# visible bytes.  Other controls and obs-text (0x80-0xFF) are accepted, as seen in the wild.
VALUE_FORBIDDEN: Final = 0
VALUE_VISIBLE: Final = 1
VALUE_BLANK: Final = 2
FIELD_VALUE: Final = _table(
    {b: VALUE_VISIBLE for b in range(256) if b not in b"\x00\t\n\x0b\x0c\r "}
    | {0x20: VALUE_BLANK, 0x09: VALUE_BLANK}
)

# request-target bytes: VCHAR (0x21-0x7E), as h11 accepts them.
TARGET: Final = _table(dict.fromkeys(range(33, 127), 1))

# HEXDIG value + 1 (0 means "not a hex digit"), for chunk sizes (RFC 9112 §7.1).
HEX_VALUE_PLUS_ONE: Final = _table({b: int(chr(b), 16) + 1 for b in b"0123456789abcdefABCDEF"})

# RFC 3986 §2.3 unreserved and §2.2 sub-delims: the bytes of a reg-name (a host name or
# IPv4 address, §3.2.2) besides pct-encoded "%" HEXDIG HEXDIG, checked on its own.
_UNRESERVED_SUB_DELIMS: Final = (
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;="
)
REG_NAME: Final = _table(dict.fromkeys(_UNRESERVED_SUB_DELIMS, 1))

# RFC 9110 §5.6.4 quoted-string: qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text,
# and a quoted-pair's second byte is HTAB / SP / VCHAR / obs-text.
QDTEXT: Final = _table(
    {
        b: 1
        for b in range(256)
        if b in (0x09, 0x20, 0x21) or (0x23 <= b <= 0x7E and b != 0x5C) or b >= 0x80
    }
)
QUOTED_PAIR: Final = _table(
    {b: 1 for b in range(256) if b in (0x09, 0x20) or 0x21 <= b <= 0x7E or b >= 0x80}
)

SP: Final = 0x20
HTAB: Final = 0x09
CR: Final = 0x0D
LF: Final = 0x0A
COLON: Final = 0x3A
SEMICOLON: Final = 0x3B
EQUALS: Final = 0x3D
DQUOTE: Final = 0x22
BACKSLASH: Final = 0x5C
_PERCENT: Final = 0x25
_LEFT_BRACKET: Final = 0x5B

# h11 0.15+ caps both at 20 digits so a hostile length cannot cost quadratic time.
MAX_CONTENT_LENGTH_DIGITS: Final = 20
MAX_CHUNK_SIZE_DIGITS: Final = 20


def _regex_class(table: bytes, kinds: tuple[int, ...]) -> bytes:
    """A regex character class matching the bytes whose ``table`` entry is in ``kinds``.

    The pure build matches the grammar with regexes; deriving their classes from the
    tables at import keeps one definition of each byte class, so the two cannot drift.
    """
    members = [b for b in range(256) if table[b] in kinds]
    parts: list[bytes] = []
    i = 0
    while i < len(members):
        j = i
        while j + 1 < len(members) and members[j + 1] == members[j] + 1:
            j += 1
        parts.append(
            b"\\x%02x" % members[i] if i == j else b"\\x%02x-\\x%02x" % (members[i], members[j])
        )
        i = j + 1
    return b"[" + b"".join(parts) + b"]"


# The checks below use index loops with native (i64) indices: compiled, that is about
# 1 ns a byte, where ``for byte in data`` costs about 8. Interpreted, a loop costs about
# 50 ns a byte, so the pure build matches the same grammar with regexes (C speed; pure
# build: e_send -33.2% instructions), whose
# classes (also used by _interpreted_heads) come from the tables above: tchar; a field
# value's bytes (SP/HTAB included); its visible bytes; VCHAR; reg-name bytes besides
# pct-encoded.
RE_TCHAR: Final = _regex_class(TOKEN, (1,))
RE_FIELD_BYTE: Final = _regex_class(FIELD_VALUE, (VALUE_VISIBLE, VALUE_BLANK))
RE_FIELD_VISIBLE: Final = _regex_class(FIELD_VALUE, (VALUE_VISIBLE,))
RE_VCHAR: Final = _regex_class(TARGET, (1,))
RE_REG_NAME_BYTE: Final = _regex_class(REG_NAME, (1,))
_TOKEN_RE: Final = re.compile(RE_TCHAR + b"+")
_FIELD_VALUE_RE: Final = re.compile(
    b"(?:" + RE_FIELD_VISIBLE + b"(?:" + RE_FIELD_BYTE + b"*" + RE_FIELD_VISIBLE + b")?)?"
)
_TARGET_RE: Final = re.compile(RE_VCHAR + b"+")
# The usual Host value: a reg-name and an optional port (RFC 3986 §3.2.2-3.2.3).
_REG_NAME_HOST_RE: Final = re.compile(
    b"(?:" + RE_REG_NAME_BYTE + rb"|%[0-9A-Fa-f]{2})*(?::[0-9]*)?"
)


def _all_in(table: bytes, data: bytes) -> bool:
    n: i64 = len(data)
    i: i64 = 0
    while i < n:
        if table[data[i]] == 0:
            return False
        i += 1
    return True


def is_token(data: bytes) -> bool:
    """True when ``data`` is a non-empty token (RFC 9110 §5.6.2)."""
    if not COMPILED:
        return _TOKEN_RE.fullmatch(data) is not None
    return len(data) > 0 and _all_in(TOKEN, data)


def digits_value(data: bytes) -> int:
    """The value of an all-ASCII-digit ``data``, or -1 if it is empty or has a non-digit.

    Compiled, this loop is cheaper than ``isdigit()`` plus ``int()`` (a_cycle -8.6%
    instructions).
    """
    n: i64 = len(data)
    if n == 0:
        return -1
    value = 0
    i: i64 = 0
    while i < n:
        c = data[i]
        if c < 0x30 or c > 0x39:
            return -1
        value = value * 10 + (c - 0x30)
        i += 1
    return value


def is_field_value(data: bytes) -> bool:
    """True when ``data`` is a valid field value with no leading or trailing SP/HTAB."""
    if not COMPILED:
        return _FIELD_VALUE_RE.fullmatch(data) is not None
    n: i64 = len(data)
    if n == 0:
        return True
    if FIELD_VALUE[data[0]] != VALUE_VISIBLE or FIELD_VALUE[data[n - 1]] != VALUE_VISIBLE:
        return False
    return _all_in(FIELD_VALUE, data)


def is_request_target(data: bytes) -> bool:
    """True when ``data`` is one or more VCHAR bytes."""
    if not COMPILED:
        return _TARGET_RE.fullmatch(data) is not None
    return len(data) > 0 and _all_in(TARGET, data)


def is_host(value: bytes) -> bool:
    """Whether a Host field value is ``uri-host [ ":" port ]`` (RFC 9112 §3.2).

    uri-host is an IP-literal in brackets or a reg-name (RFC 3986 §3.2.2; an IPv4
    address is a reg-name too), and port is any number of digits (§3.2.3). An empty
    value is valid: RFC 9112 §3.2 has it sent for a target with no authority.
    """
    if not COMPILED and _REG_NAME_HOST_RE.fullmatch(value) is not None:
        return True  # the usual shape, by regex: the loop below is slow interpreted
    n: i64 = len(value)
    p: i64 = 0
    if n > 0 and value[0] == _LEFT_BRACKET:
        close: i64 = value.find(b"]")
        if close < 0 or not _is_ip_literal_content(value[1:close]):
            return False
        p = close + 1
    else:
        while p < n and value[p] != COLON:
            c = value[p]
            if c == _PERCENT:
                if (
                    p + 2 >= n
                    or HEX_VALUE_PLUS_ONE[value[p + 1]] == 0
                    or HEX_VALUE_PLUS_ONE[value[p + 2]] == 0
                ):
                    return False
                p += 3
                continue
            if REG_NAME[c] == 0:
                return False
            p += 1
    if p == n:
        return True
    if value[p] != COLON:
        return False
    p += 1
    while p < n:
        if not 0x30 <= value[p] <= 0x39:
            return False
        p += 1
    return True


def _is_ip_literal_content(text: bytes) -> bool:
    """IPv6address / IPvFuture: what RFC 3986 §3.2.2 allows between the brackets."""
    if text[:1] in (b"v", b"V"):
        # IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
        dot = text.find(b".")
        if dot < 2 or dot == len(text) - 1:
            return False
        return _all_in(HEX_VALUE_PLUS_ONE, text[1:dot]) and all(
            REG_NAME[c] != 0 or c == COLON for c in text[dot + 1 :]
        )
    # ipaddress also takes a "%zone" suffix, which RFC 3986 does not (RFC 6874 aside).
    if not text or not all(HEX_VALUE_PLUS_ONE[c] != 0 or c == COLON or c == 0x2E for c in text):
        return False
    try:
        ipaddress.IPv6Address(text.decode("ascii"))
    except ValueError:
        return False
    return True
