"""Byte-level mutations of any stream, and splits of a byte string into
receive_data() pieces."""

from __future__ import annotations

import itertools
from typing import Final

from hypothesis import strategies as st

#: Bytes that are most likely to confuse a parser when injected.
SPECIAL_BYTES: Final = [b"\r", b"\n", b"\r\n", b"\x00", b" ", b"\t", b":", b";", b"\x7f", b"\xff"]


#: Mostly one edit, so that damage late in a stream is reached.
_EDIT_COUNTS: Final = st.sampled_from([1, 1, 1, 2, 3, 4])
#: Taken modulo a length: a position spread over the whole stream.
#: (st.integers(0, n) would favour the ends, mostly position 0.)
SPREAD: Final = st.integers(0, 2**20)


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
            pos = anchors[draw(SPREAD) % len(anchors)] + draw(st.integers(0, 1))
        else:
            pos = draw(SPREAD) % (len(data) + 1)
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
                at = digits[draw(SPREAD) % len(digits)]
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
    return [data[a:b] for a, b in itertools.pairwise(bounds)]
