"""The receive buffer: bytes that arrived but have not been turned into events yet.

Two concerns pull in different directions here. The parsers want ``bytes``, because
compiled code indexes ``bytes`` directly; appending wants a ``bytearray``, because
re-copying a growing ``bytes`` on every small append is quadratic. So the buffer keeps
the caller's ``bytes`` object as it is when nothing was pending (the common case: no
copy at all), switches to a ``bytearray`` only while a partial message waits for more
bytes, and makes a ``bytes`` snapshot of that for the parsers once the message is
complete. Searches for a blank line or a line's end remember where they stopped, so
bytes trickling in one at a time are each looked at a bounded number of times.

What the bytes mean is not the buffer's business: the head reader (``_readers``) keeps
the state of the head it is reading, and asks the buffer only for bytes and searches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from mypy_extensions import i64

_LF: Final = 0x0A
_CR: Final = 0x0D
# find_crlf() scans this many bytes itself before calling bytes.find(): a chunk-size line
# is short, and a compiled loop beats a find() call on it (c_chunked -21.1% instructions).
_SHORT_SCAN: Final = 32


def _has_no_lf(data: bytes | bytearray | memoryview) -> bool:
    """True when ``data`` is a small ``bytes`` without LF (False means "don't know")."""
    if type(data) is not bytes:
        return False
    piece: bytes = data
    n: i64 = len(piece)
    if n > _SHORT_SCAN:
        return False
    i: i64 = 0
    while i < n:
        if piece[i] == _LF:
            return False
        i += 1
    return True


class ReceiveBuffer:
    def __init__(self) -> None:
        # When ``_in_bytearray`` is False the contents are ``_bytes[_start:]``; otherwise
        # ``_bytearray[_start:]``, and ``_bytes`` is a snapshot of it if ``_snapshot_ok``.
        self._bytes = b""
        self._bytearray = bytearray()
        self._in_bytearray = False
        self._snapshot_ok = False
        self._start = 0
        # Absolute offsets before which no blank line / no CRLF can start.
        self._blank_line_scan: int = 0
        self._line_scan: int = 0

    def __len__(self) -> int:
        if self._in_bytearray:
            return len(self._bytearray) - self._start
        return len(self._bytes) - self._start

    def __bool__(self) -> bool:
        return self.__len__() > 0

    @property
    def start(self) -> int:
        """Offset of the first unconsumed byte within :meth:`view`."""
        return self._start

    def append(self, data: bytes | bytearray | memoryview) -> None:
        if type(data) is bytes and self.__len__() == 0:
            # Nothing pending: keep the caller's bytes, no copy (c_chunked -66.8% instructions).
            self._bytes = data
            self._in_bytearray = False
            self._start = 0
            self._blank_line_scan = 0
            self._line_scan = 0
            return
        if not self._in_bytearray:
            self._bytearray = bytearray(self._bytes[self._start :])
            self._in_bytearray = True
            self._forget_consumed()
        elif self._start:
            del self._bytearray[: self._start]
            self._forget_consumed()
        old_end = len(self._bytearray)
        self._bytearray += data
        self._snapshot_ok = False
        if self._blank_line_scan >= old_end and _has_no_lf(data):
            # The blank-line search had seen everything and no LF came in: nothing new to
            # search, so a trickled head costs one find() a line (d_headers_1x -38.9% instructions).
            self._blank_line_scan = len(self._bytearray)

    def _forget_consumed(self) -> None:
        self._blank_line_scan = max(0, self._blank_line_scan - self._start)
        self._line_scan = max(0, self._line_scan - self._start)
        self._start = 0

    def view(self) -> bytes:
        """The buffer as ``bytes``; unconsumed data starts at :attr:`start`."""
        if self._in_bytearray and not self._snapshot_ok:
            self._bytes = bytes(self._bytearray)
            self._snapshot_ok = True
        return self._bytes

    def consume(self, count: int) -> None:
        """Drop ``count`` bytes from the front (they became an event)."""
        self._start += count
        if self.__len__() == 0:
            self._clear()

    def _clear(self) -> None:
        self._bytes = b""
        self._bytearray = bytearray()
        self._in_bytearray = False
        self._snapshot_ok = False
        self._start = 0
        self._blank_line_scan = 0
        self._line_scan = 0

    def take(self, count: int) -> bytearray:
        """Remove and return the first ``count`` bytes (at most one copy)."""
        start = self._start
        if self._in_bytearray:
            out = self._bytearray[start : start + count]
        else:
            out = bytearray(self._bytes[start : start + count])
        self.consume(count)
        return out

    def take_all(self) -> bytearray:
        return self.take(self.__len__())

    def remaining_bytes(self) -> bytes:
        return self.view()[self._start :]

    def first_byte(self) -> int:
        """The next unconsumed byte (the buffer must not be empty)."""
        if self._in_bytearray:
            return self._bytearray[self._start]
        return self._bytes[self._start]

    def byte_at(self, offset: int) -> int:
        """The unconsumed byte at ``offset`` (the buffer must hold more than ``offset``)."""
        if self._in_bytearray:
            return self._bytearray[self._start + offset]
        return self._bytes[self._start + offset]

    def find_blank_line(self) -> int:
        """Offset just past the next empty line that follows a line end (``\\n\\r?\\n``), or -1.

        Only bytes not examined by an earlier call are searched. This is how a head's end
        is found (RFC 9112 §2.1): its start line comes first, so its blank line follows
        an LF.
        """
        end: i64 = len(self._bytearray) if self._in_bytearray else len(self._bytes)
        start: i64 = self._start
        pos: i64 = max(start, self._blank_line_scan)
        if pos >= end:
            # Nothing new since the last search (a head trickling in): checked before
            # touching the union-typed ``data`` (d_headers_1x -40.5% instructions).
            return -1
        data: bytes | bytearray = self._bytearray if self._in_bytearray else self._bytes
        while True:
            lf: i64 = data.find(b"\n", pos)
            if lf < 0:
                self._blank_line_scan = end
                return -1
            if lf + 1 >= end:
                # Too close to the end to tell: look at this LF again next time.
                self._blank_line_scan = lf
                return -1
            after = data[lf + 1]
            if after == _LF:
                return lf + 2
            if after == _CR:
                if lf + 2 >= end:
                    self._blank_line_scan = lf
                    return -1
                if data[lf + 2] == _LF:
                    return lf + 3
            pos = lf + 1

    def find_lf(self, offset: int) -> int:
        """Offset (from :attr:`start`) of the next LF at or after ``offset``, or -1."""
        start = self._start
        data: bytes | bytearray = self._bytearray if self._in_bytearray else self._bytes
        found = data.find(b"\n", start + offset)
        return found - start if found >= 0 else -1

    def find_crlf(self) -> int:
        """Offset just past the next CRLF, or -1 (only new bytes are searched)."""
        pos: i64 = max(self._start, self._line_scan)
        if self._in_bytearray:
            found: i64 = self._bytearray.find(b"\r\n", pos)
            end: i64 = len(self._bytearray)
        else:
            data = self._bytes
            end = len(data)
            last: i64 = min(end - 1, pos + _SHORT_SCAN)
            while pos < last:
                if data[pos] == _CR and data[pos + 1] == _LF:
                    return pos + 2
                pos += 1
            found = -1 if last == end - 1 else data.find(b"\r\n", pos)
        if found < 0:
            # A CR at the very end may yet be followed by its LF.
            self._line_scan = max(self._start, end - 1)
            return -1
        return found + 2
