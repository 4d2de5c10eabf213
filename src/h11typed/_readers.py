"""Turning received bytes into events: the head parsers and the body readers.

A head (request line or status line, then header lines, then a blank line; RFC 9112
§2.1) is parsed in one pass over ``bytes`` with native indices and lookup tables: every
byte is validated as it is found, header values are sliced out once, the framing and
connection headers are recognised on the way, and the event is built with
trusted ``Headers`` so no field is checked twice.

The parse is optimistic: it does not first search for the head's end. If it runs out of
bytes, the head is incomplete, and from then on the buffer's incremental search for the
blank line decides when to try again, so a head that trickles in byte by byte is still
read in linear time. That waiting is the state of a ``HeadReader`` (one per connection),
not of the buffer, which only holds bytes. An error is only reported once the whole head
has arrived, as h11 does, except for the early rejection of a head that starts with a
byte below 0x21 (a TLS handshake or garbage).

Where h11 is lenient, so are we (RFC 9112 lets a recipient accept these): a bare LF
ends a line (§2.2), and obs-fold continuation lines are joined with a space (§5.2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, final

from ._abnf import (
    BACKSLASH,
    COLON,
    CR,
    DQUOTE,
    EQUALS,
    FIELD_VALUE,
    HEX_VALUE_PLUS_ONE,
    HTAB,
    LF,
    MAX_CHUNK_SIZE_DIGITS,
    QDTEXT,
    QUOTED_PAIR,
    SEMICOLON,
    SP,
    TARGET,
    TOKEN,
    VALUE_BLANK,
)
from ._compiled import COMPILED
from ._events import (
    EMPTY_HEADERS,
    Data,
    EndOfMessage,
    InformationalResponse,
    Request,
    Response,
    check_received_host,
    parsed_request,
    parsed_response,
)
from ._field_names import PACKED_BYTES, known_name
from ._headers import Headers, add_header
from ._interpreted_heads import quick_fields, quick_request_head, quick_response_head
from ._limits import check_event_size, over_field_limit, too_many_fields
from ._receivebuffer import ReceiveBuffer
from ._util import LocalProtocolError, mypyc_attr

if TYPE_CHECKING:
    from mypy_extensions import i64

_HTTP_SLASH: Final = b"HTTP/"
_DIGIT_0: Final = 0x30
_DIGIT_9: Final = 0x39
_DOT: Final = 0x2E
# Returned by the header-section parser when it meets an obs-fold line.
_FOLDED: Final = -2
_INCOMPLETE: Final = -1


def _line_at(data: bytes, start: int) -> bytes:
    """The line starting at ``start`` (without its line end), for error messages."""
    end = data.find(b"\n", start)
    if end < 0:
        end = len(data)
    line = data[start:end]
    return line[:-1] if line.endswith(b"\r") else line


def _skip_line_end(data: bytes, pos: i64, what: str, line_start: i64) -> i64:
    """Offset after the CRLF or LF at ``pos``; -1 if more bytes are needed; else raise."""
    n: i64 = len(data)
    if pos >= n:
        return _INCOMPLETE
    c = data[pos]
    if c == LF:
        return pos + 1
    if c == CR:
        if pos + 1 >= n:
            return _INCOMPLETE
        if data[pos + 1] == LF:
            return pos + 2
    raise LocalProtocolError(f"illegal {what}: {_line_at(data, line_start)!r}")


def _parse_http_version(data: bytes, pos: i64, what: str, line_start: i64) -> i64:
    """Check ``HTTP/d.d`` at ``pos`` (RFC 9112 §2.3); offset after it, or -1 if incomplete."""
    n: i64 = len(data)
    p: i64 = pos
    i: i64 = 0
    while i < 5:
        if p >= n:
            return _INCOMPLETE
        if data[p] != _HTTP_SLASH[i]:
            raise LocalProtocolError(f"illegal {what}: {_line_at(data, line_start)!r}")
        p += 1
        i += 1
    i = 0
    while i < 3:
        if p >= n:
            return _INCOMPLETE
        c = data[p]
        if (i == 1 and c != _DOT) or (i != 1 and not _DIGIT_0 <= c <= _DIGIT_9):
            raise LocalProtocolError(f"illegal {what}: {_line_at(data, line_start)!r}")
        p += 1
        i += 1
    return p


def _version_at(data: bytes, end: i64) -> bytes:
    return data[end - 3 : end]


def parse_header_section(data: bytes, pos: i64, headers: Headers, max_fields: int) -> i64:
    """Parse field lines (RFC 9112 §5) from ``pos`` through the blank line ending them.

    Returns the offset after the blank line, -1 if more bytes are needed, or -2 at an
    obs-fold line (the caller unfolds and parses again). The first byte of a field over
    ``max_fields`` (if >= 0) raises (431)."""
    n: i64 = len(data)
    p: i64 = pos
    fields = 0
    # As in h11, a bad Content-Length or Transfer-Encoding waits for the other lines.
    framing_error: LocalProtocolError | None = None
    while p < n:
        c = data[p]
        if c == LF or c == CR:
            return _section_end(data, p, framing_error)
        if c == SP or c == HTAB:
            return _FOLDED
        fields += 1
        if over_field_limit(fields, max_fields):
            raise too_many_fields(max_fields)
        line_start: i64 = p
        first8: i64 = 0  # the name's first 16 bytes, packed (see _field_names)
        next8: i64 = 0
        while p < n:
            byte: i64 = data[p]
            if TOKEN[byte] == 0:
                break
            if p - line_start < 8:
                first8 = (first8 << 8) | byte
            elif p - line_start < PACKED_BYTES:
                next8 = (next8 << 8) | byte
            p += 1
        # RFC 9112 §5.1: no whitespace between the field name and the colon.
        if p < n and (data[p] != COLON or p == line_start):
            raise LocalProtocolError(f"illegal header line: {_line_at(data, line_start)!r}")
        name_end: i64 = p
        p += 1
        while p < n and (data[p] == SP or data[p] == HTAB):
            p += 1
        value_start: i64 = p
        while p < n and FIELD_VALUE[data[p]]:
            p += 1
        value_end: i64 = p
        while value_end > value_start and FIELD_VALUE[data[value_end - 1]] == VALUE_BLANK:
            value_end -= 1  # RFC 9112 §5: the OWS after the value is not part of it
        p = _skip_line_end(data, p, "header line", line_start)
        if p < 0:
            return _INCOMPLETE
        value = data[value_start:value_end]
        error = _add_field(data, line_start, name_end, first8, next8, value, headers)
        if error is not None and framing_error is None:
            framing_error = error
    return _INCOMPLETE


def _add_field(
    data: bytes,
    line_start: i64,
    name_end: i64,
    first8: i64,
    next8: i64,
    value: bytes,
    headers: Headers,
) -> LocalProtocolError | None:
    """Add the field line's name and value to ``headers``; a framing header's error is
    returned, not raised (see parse_header_section)."""
    known = known_name(data, line_start, name_end, first8, next8)
    if known is not None:
        raw_name = known.raw
        name = known.lower
    else:
        raw_name = data[line_start:name_end]
        name = raw_name.lower()
    try:
        add_header(headers._fields, raw_name, name, value, headers)  # pyright: ignore[reportPrivateUsage]
    except LocalProtocolError as error:
        return error
    return None


def _section_end(data: bytes, p: i64, framing_error: LocalProtocolError | None) -> i64:
    """After the blank line at ``p``: the offset past it (-1: incomplete), or the error."""
    end = _skip_line_end(data, p, "header line", p)
    if end >= 0 and framing_error is not None:
        raise framing_error
    return end


def _unfold(data: bytes, start: int, end: int) -> bytes:
    """The header lines in ``data[start:end]`` with obs-fold continuations joined.

    RFC 9112 §5.2: a recipient may replace each obs-fold with one SP. The result uses
    CRLF line ends and still ends with the blank line.
    """
    lines = data[start:end].split(b"\n")
    joined: list[bytes] = []
    for line in lines[:-2]:  # the last two pieces are the blank line's
        if line.endswith(b"\r"):
            line = line[:-1]
        if line[:1] in (b" ", b"\t"):
            if not joined:
                raise LocalProtocolError("continuation line at start of headers")
            joined[-1] = joined[-1] + b" " + line.lstrip(b" \t")
        else:
            joined.append(line)
    return b"".join([line + b"\r\n" for line in joined]) + b"\r\n"


def _parse_folded_section(
    data: bytes, pos: int, headers: Headers, head_end: int, max_fields: int
) -> None:
    # Start the section again from scratch, this time with the folds joined.
    headers._fields.clear()  # pyright: ignore[reportPrivateUsage]
    headers._forget_facts()  # pyright: ignore[reportPrivateUsage]
    unfolded = _unfold(data, pos, head_end)
    if parse_header_section(unfolded, 0, headers, max_fields) != len(unfolded):  # pragma: no cover
        raise LocalProtocolError("malformed header section")


# How many field lines HeadReader's count (lines that begin after an LF) misses: none
# when a start line comes first; the first field line of a trailer section.
_AFTER_START_LINE: Final = 0
_TRAILER_SECTION: Final = 1


@final
class HeadReader:
    """Reads the heads (and trailer sections) a peer sends, one at a time.

    The parse is optimistic (see the module doc). Once it has found the head at the
    buffer's start incomplete, the reader waits for the blank line ending it (the
    buffer's incremental search) before parsing again. Meanwhile, with a field limit, it
    counts the field lines that arrive, and parses again as soon as there is one too
    many, so that the 431 comes at the byte it would have had the head come at once.
    Offsets into the waiting head count from the buffer's start, which stays put until
    the head is read.
    """

    def __init__(self, max_fields: int, max_size: int) -> None:
        self.max_fields = max_fields  # -1: no limit
        self.max_size = max_size
        self._waiting = False  # the head at the buffer's start was found incomplete
        self._field_lines: i64 = 0  # its field lines counted so far,
        self._counted: i64 = 0  # in its first this many bytes
        self._count_checked = False  # whether they were found over the limit

    def read_request(self, buf: ReceiveBuffer) -> Request | None:
        """The next request head, None if incomplete (errors: see the module doc).

        A head of more than ``max_size`` bytes raises (hint 431).
        """
        if not self._worth_parsing(buf, "request"):
            return None
        return _parse_request(buf.view(), buf.start, buf, self)

    def read_response(self, buf: ReceiveBuffer) -> InformationalResponse | Response | None:
        """The next response head, None if incomplete."""
        if not self._worth_parsing(buf, "response"):
            return None
        return _parse_response(buf.view(), buf.start, buf, self)

    def read_trailers(self, buf: ReceiveBuffer) -> EndOfMessage | None:
        """The trailer section after a chunked body's last chunk (RFC 9112 §7.1.2)."""
        if not buf:
            return None
        # Usually there are no trailer fields, only the blank line. Read here because the
        # blank-line search needs an LF before it, so fed byte by byte, an empty section
        # would never complete. No size check: the last-chunk line passed the same limit.
        if len(buf) >= 2 and buf.first_byte() == CR and buf.byte_at(1) == LF:
            self.head_read(buf, 2)
            return EndOfMessage()
        if self._still_waiting(buf, _TRAILER_SECTION):
            return None
        return _parse_trailers(buf.view(), buf.start, buf, self)

    def _worth_parsing(self, buf: ReceiveBuffer, start_line: str) -> bool:
        """Whether a parse may now give a head; raises at once for an obviously bad start."""
        # A head already found incomplete passed the first-byte check on that first try.
        # (Checked before view(): a snapshot per trickled byte would be quadratic.)
        if self._still_waiting(buf, _AFTER_START_LINE) or not buf:
            return False
        first = buf.first_byte()
        if first < 0x21:
            # Early rejection, as h11: a head cannot start with a control byte or SP.
            if first == CR or first == LF:
                raise LocalProtocolError(
                    f"no {start_line} line received (the head starts with an empty line)"
                )
            raise LocalProtocolError(f"illegal {start_line} line: starts with byte 0x{first:02x}")
        return True

    def _still_waiting(self, buf: ReceiveBuffer, uncounted_lines: i64) -> bool:
        """Whether a head found incomplete is still known to be incomplete."""
        if not self._waiting or buf.find_blank_line() >= 0:
            return False
        # Lines are counted only under a limit: this runs once per byte of a trickled head
        # (d_headers_1x -45.9% instructions).
        if self.max_fields >= 0 and not self._count_checked:
            self._count_field_lines(buf)
            if over_field_limit(self._field_lines + uncounted_lines, self.max_fields):
                self._count_checked = True
                return False
        return True

    def _count_field_lines(self, buf: ReceiveBuffer) -> None:
        """Count the lines that start a field (not obs-fold) among the bytes not yet seen."""
        end: i64 = len(buf)
        pos: i64 = self._counted
        while True:
            lf: i64 = buf.find_lf(pos)
            if lf < 0 or lf + 1 >= end:
                # (An LF at the very end is looked at again once its next byte is there.)
                self._counted = end if lf < 0 else lf
                return
            after = buf.byte_at(lf + 1)
            if after != SP and after != HTAB and after != CR and after != LF:
                self._field_lines += 1
            pos = lf + 1

    def found_incomplete(self, buf: ReceiveBuffer) -> None:
        """The parse ran out of bytes: wait for the head's blank line."""
        if self._waiting and buf.find_blank_line() >= 0:  # pragma: no cover - defensive
            # The blank line is there, yet the parser ran out of bytes. The grammar makes
            # this impossible; the check guarantees that a bug here can never hang a peer.
            raise LocalProtocolError("malformed head")
        self._waiting = True

    def found_error(self, buf: ReceiveBuffer, error: LocalProtocolError) -> None:
        """An error in a head counts only once the whole head is there (as in h11).

        Too many fields (431) is the exception: that is final however the head ends. A
        complete head over the size limit reports that rather than its error, as it would
        have had the head trickled in (the limit is reached before the head's end).
        """
        if error.error_status_hint == 431:
            raise error
        head_end = buf.find_blank_line()
        if head_end >= 0:
            check_event_size(head_end - buf.start, self.max_size)
            raise error
        self._waiting = True

    def head_read(self, buf: ReceiveBuffer, length: i64) -> None:
        """The head (or trailer section) of ``length`` bytes became an event."""
        buf.consume(length)
        self._waiting = False
        self._field_lines = 0
        self._counted = 0
        self._count_checked = False


def _section_or_wait(
    data: bytes, pos: i64, headers: Headers, buf: ReceiveBuffer, max_fields: int
) -> i64:
    end = parse_header_section(data, pos, headers, max_fields)
    if end == _FOLDED:
        head_end = buf.find_blank_line()
        if head_end < 0:
            return _INCOMPLETE
        _parse_folded_section(data, pos, headers, head_end, max_fields)
        return head_end
    return end


def _rest_of_head(
    data: bytes,
    p: i64,
    start_line: str,
    start: i64,
    headers: Headers,
    buf: ReceiveBuffer,
    max_fields: int,
) -> i64:
    """After a start line's last byte at ``p``: its line end, then the header section
    into ``headers``. Returns the offset after the head, or -1 if incomplete."""
    p = _skip_line_end(data, p, start_line, start)
    if p < 0:
        return _INCOMPLETE
    return _section_or_wait(data, p, headers, buf, max_fields)


def _parse_request(
    data: bytes, start: i64, buf: ReceiveBuffer, reader: HeadReader
) -> Request | None:
    try:
        n: i64 = len(data)
        p: i64 = start
        # The interpreted build reads a plain, complete head by regex (_interpreted_heads).
        quick = None if COMPILED else quick_request_head(data, start, reader.max_fields)
        if quick is not None:
            method, target, http_version, headers, p = quick
        else:
            # request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
            while p < n and TOKEN[data[p]]:
                p += 1
            if p >= n:
                reader.found_incomplete(buf)
                return None
            if data[p] != SP or p == start:
                raise LocalProtocolError(f"illegal request line: {_line_at(data, start)!r}")
            method = data[start:p]
            p += 1
            target_start: i64 = p
            while p < n and TARGET[data[p]]:
                p += 1
            if p >= n:
                reader.found_incomplete(buf)
                return None
            if data[p] != SP or p == target_start:
                raise LocalProtocolError(f"illegal request line: {_line_at(data, start)!r}")
            target = data[target_start:p]
            p = _parse_http_version(data, p + 1, "request line", start)
            if p < 0:
                reader.found_incomplete(buf)
                return None
            http_version = _version_at(data, p)
            headers = Headers([])
            p = _rest_of_head(data, p, "request line", start, headers, buf, reader.max_fields)
            if p < 0:
                reader.found_incomplete(buf)
                return None
        check_received_host(headers, http_version)
        check_event_size(p - start, reader.max_size)
    except LocalProtocolError as error:
        reader.found_error(buf, error)
        return None
    reader.head_read(buf, p - start)
    return parsed_request(method, headers, target, http_version)


def _parse_response(
    data: bytes, start: i64, buf: ReceiveBuffer, reader: HeadReader
) -> InformationalResponse | Response | None:
    try:
        n: i64 = len(data)
        p: i64 = start
        quick = None if COMPILED else quick_response_head(data, start, reader.max_fields)
        if quick is not None:
            http_version, status_code, reason, headers, p = quick
        else:
            # status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4);
            # as in h11, "HTTP/1.0 200" with no SP and no reason is accepted too.
            p = _parse_http_version(data, start, "status line", start)
            if p < 0:
                reader.found_incomplete(buf)
                return None
            http_version = _version_at(data, p)
            # Checked while an i64: the -1 for "incomplete" never becomes an int (mypyc
            # would shift it, which is undefined behaviour for a negative value in C).
            code = _parse_status_code(data, p, start)
            p += 4
            if code < 0 or p >= n:
                reader.found_incomplete(buf)
                return None
            status_code = code
            reason = b""
            if data[p] == SP:
                p += 1
                reason_start: i64 = p
                while p < n and FIELD_VALUE[data[p]]:
                    p += 1
                reason = data[reason_start:p]
            headers = Headers([])
            p = _rest_of_head(data, p, "status line", start, headers, buf, reader.max_fields)
            if p < 0:
                reader.found_incomplete(buf)
                return None
        if status_code < 100:
            # Well-formed but not a status; as in h11, reported after the header checks.
            raise LocalProtocolError(
                f"InformationalResponse status_code should be in range [100, 200), not {status_code}"
            )
        check_event_size(p - start, reader.max_size)
    except LocalProtocolError as error:
        reader.found_error(buf, error)
        return None
    reader.head_read(buf, p - start)
    return parsed_response(headers, status_code, http_version, reason)


def _parse_trailers(
    data: bytes, start: i64, buf: ReceiveBuffer, reader: HeadReader
) -> EndOfMessage | None:
    try:
        p: i64 = start
        quick = None if COMPILED else quick_fields(data, start, reader.max_fields)
        if quick is not None:
            headers, p = quick
        else:
            headers = Headers([])
            p = _section_or_wait(data, start, headers, buf, reader.max_fields)
            if p < 0:
                reader.found_incomplete(buf)
                return None
        check_event_size(p - start, reader.max_size)
    except LocalProtocolError as error:
        reader.found_error(buf, error)
        return None
    reader.head_read(buf, p - start)
    if not headers:
        headers = EMPTY_HEADERS
    return EndOfMessage(headers=headers)


def _parse_status_code(data: bytes, p: i64, start: i64) -> i64:
    """The status code after the SP at ``p`` (RFC 9112 §4: 3DIGIT); -1 if incomplete."""
    n: i64 = len(data)
    status_code: i64 = 0
    i: i64 = 0
    while i < 4:
        if p + i >= n:
            return _INCOMPLETE
        c = data[p + i]
        if (i == 0 and c != SP) or (i > 0 and not _DIGIT_0 <= c <= _DIGIT_9):
            raise LocalProtocolError(f"illegal status line: {_line_at(data, start)!r}")
        if i > 0:
            status_code = status_code * 10 + (c - _DIGIT_0)
        i += 1
    return status_code


class BodyReader:
    """Reads one message body; the subclass is chosen by the message's framing."""

    def read(self, buf: ReceiveBuffer) -> Data | EndOfMessage | None:
        raise NotImplementedError  # pragma: no cover

    def read_eof(self) -> EndOfMessage:
        """What the peer closing the connection means here (an event, or an error)."""
        raise NotImplementedError  # pragma: no cover


@mypyc_attr(free_list_len=1)  # see _events.Request
class ContentLengthReader(BodyReader):
    """A body of exactly ``length`` bytes (RFC 9112 §6.2)."""

    def __init__(self, length: int) -> None:
        self._length = length
        self._remaining = length

    def read(self, buf: ReceiveBuffer) -> Data | EndOfMessage | None:
        remaining = self._remaining
        if remaining == 0:
            return EndOfMessage()
        available = len(buf)
        if available == 0:
            return None
        count = available if available < remaining else remaining
        self._remaining = remaining - count
        return Data(buf.take(count))

    def read_eof(self) -> EndOfMessage:
        raise LocalProtocolError(
            "peer closed connection without sending complete message body: "
            f"received {self._length - self._remaining} bytes, expected {self._length}"
        )


_CHUNK_SIZE_LINE: Final = 0
_CHUNK_DATA: Final = 1
_CHUNK_CR: Final = 2
_CHUNK_LF: Final = 3
_CHUNK_TRAILERS: Final = 4


@mypyc_attr(free_list_len=1)  # see _events.Request
class ChunkedReader(BodyReader):
    """A chunked body (RFC 9112 §7.1): size lines, chunk data, CRLF, ..., trailers."""

    def __init__(self, trailers: HeadReader) -> None:
        self._trailers = trailers  # the connection's head reader reads the trailer section
        self._part = _CHUNK_SIZE_LINE
        self._remaining = 0  # bytes of the current chunk still to come
        self._chunk_start = False  # the next Data is the first of its chunk

    def read(self, buf: ReceiveBuffer) -> Data | EndOfMessage | None:
        while True:
            part = self._part
            if part == _CHUNK_DATA:
                available = len(buf)
                if available == 0:
                    return None
                remaining = self._remaining
                count = available if available < remaining else remaining
                self._remaining = remaining - count
                chunk_start = self._chunk_start
                self._chunk_start = False
                chunk_end = count == remaining
                if chunk_end:
                    self._part = _CHUNK_CR
                return Data(buf.take(count), chunk_start, chunk_end)
            if part == _CHUNK_SIZE_LINE:
                line_end = buf.find_crlf()
                if line_end < 0:
                    return None
                check_event_size(line_end - buf.start, self._trailers.max_size)
                size = _parse_chunk_size(buf.view(), buf.start, line_end)
                buf.consume(line_end - buf.start)
                if size == 0:
                    self._part = _CHUNK_TRAILERS
                else:
                    self._remaining = size
                    self._chunk_start = True
                    self._part = _CHUNK_DATA
            elif part == _CHUNK_TRAILERS:
                return self._trailers.read_trailers(buf)
            else:
                # CVE-2025-43859: the two bytes after chunk data must be exactly CR LF,
                # checked as each arrives.
                if not buf:
                    return None
                expected = CR if part == _CHUNK_CR else LF
                found = buf.first_byte()
                if found != expected:
                    raise LocalProtocolError(
                        f"malformed chunk footer: {bytes([found])!r} (expected {bytes([expected])!r})"
                    )
                buf.consume(1)
                self._part = _CHUNK_LF if part == _CHUNK_CR else _CHUNK_SIZE_LINE

    def read_eof(self) -> EndOfMessage:
        raise LocalProtocolError(
            "peer closed connection without sending complete message body: incomplete chunked read"
        )


def _parse_chunk_size(data: bytes, start: i64, end: i64) -> int:
    """Parse ``chunk-size [ chunk-ext ] CRLF`` in ``data[start:end]`` (end is after CRLF).

    chunk-size is 1-20 hex digits (h11's cap). Extensions are checked against RFC 9112
    §7.1.1 and then ignored: chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ),
    name a token, value a token or quoted-string. As in h11, SP/HTAB may end the line.
    """
    p: i64 = start
    size = 0
    line_end: i64 = end - 2
    while p < line_end:
        digit = HEX_VALUE_PLUS_ONE[data[p]]
        if digit == 0:
            break
        size = size * 16 + (digit - 1)
        p += 1
    digits = p - start
    if digits == 0 or digits > MAX_CHUNK_SIZE_DIGITS:
        raise LocalProtocolError(f"illegal chunk header: {data[start:end]!r}")
    while True:
        p = _skip_blanks(data, p, line_end)
        if p == line_end:
            return size
        if data[p] != SEMICOLON:
            raise LocalProtocolError(f"illegal chunk header: {data[start:end]!r}")
        p = _skip_blanks(data, p + 1, line_end)
        name_start: i64 = p
        p = _skip_token(data, p, line_end)
        if p == name_start:
            raise LocalProtocolError(f"illegal chunk extension (no name): {data[start:end]!r}")
        p = _skip_blanks(data, p, line_end)
        if p < line_end and data[p] == EQUALS:
            p = _skip_blanks(data, p + 1, line_end)
            value_start: i64 = p
            if p < line_end and data[p] == DQUOTE:
                p = _skip_quoted_string(data, p, line_end)
            else:
                p = _skip_token(data, p, line_end)
            if p <= value_start:
                raise LocalProtocolError(f"illegal chunk extension value: {data[start:end]!r}")


def _skip_blanks(data: bytes, p: i64, end: i64) -> i64:
    while p < end and (data[p] == SP or data[p] == HTAB):
        p += 1
    return p


def _skip_token(data: bytes, p: i64, end: i64) -> i64:
    while p < end and TOKEN[data[p]]:
        p += 1
    return p


def _skip_quoted_string(data: bytes, p: i64, end: i64) -> i64:
    """Offset after the quoted-string at ``p`` (RFC 9110 §5.6.4), or -1 if it is malformed."""
    p += 1  # the opening DQUOTE
    while p < end:
        c = data[p]
        if c == DQUOTE:
            return p + 1
        if c == BACKSLASH:
            if p + 1 >= end or not QUOTED_PAIR[data[p + 1]]:
                return -1
            p += 2
        elif QDTEXT[c]:
            p += 1
        else:
            return -1
    return -1


class Http10Reader(BodyReader):
    """A body that runs until the peer closes the connection (RFC 9112 §6.3, item 8)."""

    def read(self, buf: ReceiveBuffer) -> Data | EndOfMessage | None:
        if not buf:
            return None
        return Data(buf.take_all())

    def read_eof(self) -> EndOfMessage:
        return EndOfMessage()
