"""Header lists: the ``Headers`` sequence, validation, and the comma-list helpers.

A header list is stored once, as one flat list holding each field's raw name,
lowercased name and value in turn: the wire writer needs the raw casing, everything else
compares lowercased names. (A flat list rather than a tuple per field: no tuple to
allocate, track and free per field, and 64 bytes less per field held.) Alongside it,
each Headers object carries the few facts the connection acts on (framing, keep-alive,
Expect, Upgrade, Host count), gathered in the same pass that built it, so no later step
scans the list again. The facts are private attributes, since h11's Headers has none:
the functions here fill them in, and ``_connection``, ``_events`` and ``_writers`` read
them.
"""

# The functions below build and read Headers objects' private fields and facts.
# pyright: reportPrivateUsage=false

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, cast, overload

from ._abnf import MAX_CONTENT_LENGTH_DIGITS, digits_value, is_field_value, is_token
from ._util import LocalProtocolError, mypyc_attr

if TYPE_CHECKING:
    from mypy_extensions import i64

BytesLike = bytes | bytearray | memoryview
# What users may pass where h11 accepts "bytes": str is encoded as ASCII.
BytesInput = bytes | bytearray | memoryview | str

# Raw name, lowercased name, value; raw name, lowercased name, value; ...
FieldList = list[bytes]

_CONTENT_LENGTH: Final = b"content-length"
_TRANSFER_ENCODING: Final = b"transfer-encoding"
_CONNECTION: Final = b"connection"
_EXPECT: Final = b"expect"
_UPGRADE: Final = b"upgrade"
_HOST: Final = b"host"
_KEEP_ALIVE: Final = b"keep-alive"
_CLOSE: Final = b"close"
_100_CONTINUE: Final = b"100-continue"
# The one list of names whose values carry framing or connection facts: the fields
# add_header normalises and note_special_header records (RFC 9112 §3.2, §6, §9.3; RFC 9110
# §7.8, §10.1.1). Any other field is stored as it comes.
FACT_NAMES: Final = frozenset(
    [_HOST, _CONTENT_LENGTH, _TRANSFER_ENCODING, _CONNECTION, _EXPECT, _UPGRADE]
)


def bytesify(value: BytesInput) -> bytes:
    """Coerce a user-supplied str or bytes-like value to bytes, as h11 does."""
    if type(value) is bytes:
        return value
    if isinstance(value, str):
        # A non-ASCII str raises UnicodeEncodeError: HTTP heads are bytes.
        return value.encode("ascii")
    obj: object = value
    if isinstance(obj, int):
        # bytes(10) would silently make ten NUL bytes.
        raise TypeError("expected bytes-like object, not int")
    return bytes(value)


@mypyc_attr(free_list_len=1)  # see _events.Request
class Headers(Sequence[tuple[bytes, bytes]]):  # noqa: PLW1641 - unhashable, as a list is
    """A read-only sequence of (lowercased name, value) pairs, as found on events.

    ``raw_items()`` gives the names as they were supplied or received. Two Headers (or a
    Headers and a plain list of pairs) are equal when their lowercased pairs are equal.
    """

    def __init__(self, fields: FieldList) -> None:
        self._fields = fields
        self._forget_facts()
        i: i64 = 0
        while i < len(fields):
            note_special_header(self, fields[i + 1], fields[i + 2])
            i += 3

    def _forget_facts(self) -> None:
        self._content_length = -1  # -1: no Content-Length header
        self._chunked = False  # Transfer-Encoding: chunked (the only coding accepted)
        self._connection_close = False  # a "close" connection option
        self._connection_keep_alive = False  # a "keep-alive" connection option
        self._expect_100_continue = False
        self._upgrade = False  # a non-empty Upgrade list
        self._host_count = 0
        self._host = b""  # the (last) Host value

    def __len__(self) -> int:
        return len(self._fields) // 3

    @overload
    def __getitem__(self, index: int) -> tuple[bytes, bytes]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[bytes, bytes]]: ...

    def __getitem__(self, index: int | slice) -> tuple[bytes, bytes] | list[tuple[bytes, bytes]]:
        fields = self._fields
        if isinstance(index, slice):
            return [(fields[3 * i + 1], fields[3 * i + 2]) for i in range(len(self))[index]]
        count = len(self)
        i = index + count if index < 0 else index
        if not 0 <= i < count:
            raise IndexError("list index out of range")  # h11's message (it indexes a list)
        return (fields[3 * i + 1], fields[3 * i + 2])

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        fields = self._fields
        return iter([(fields[i + 1], fields[i + 2]) for i in range(0, len(fields), 3)])

    def __eq__(self, other: object) -> bool:
        # As in h11: compares with any iterable of pairs (a non-iterable raises TypeError).
        return list(self) == list(cast(Iterable[Any], other))

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __repr__(self) -> str:
        return f"<Headers({list(self)!r})>"

    def raw_items(self) -> list[tuple[bytes, bytes]]:
        """The (name, value) pairs with each name as it was supplied or received."""
        fields = self._fields
        return [(fields[i], fields[i + 2]) for i in range(0, len(fields), 3)]

    def __reduce__(self) -> tuple[Any, ...]:
        return (Headers, (self._fields,))


# What event constructors accept as headers.
HeaderInput = Headers | Iterable[tuple[BytesInput, BytesInput]]


def note_special_header(headers: Headers, name: bytes, value: bytes) -> None:
    """Record what a header with the (lowercased) ``name`` means for the connection.

    Content-Length and Transfer-Encoding values must already be normalised.
    """
    # The length first: most names are no special name (e_send -5.6% instructions).
    length = len(name)
    if length == 4:
        if name == _HOST:
            headers._host_count += 1
            headers._host = value
    elif length == 14:
        if name == _CONTENT_LENGTH:
            headers._content_length = digits_value(value)
    elif length == 17:
        if name == _TRANSFER_ENCODING:
            headers._chunked = True
    elif length == 10:
        if name == _CONNECTION:
            # A lone lowercase option needs no list split (b_pipeline -5.4% instructions).
            if value == _KEEP_ALIVE:
                headers._connection_keep_alive = True
            elif value == _CLOSE:
                headers._connection_close = True
            else:
                for option in comma_list(value):
                    if option == _CLOSE:
                        headers._connection_close = True
                    elif option == _KEEP_ALIVE:
                        headers._connection_keep_alive = True
    elif length == 6:
        if name == _EXPECT and _100_CONTINUE in comma_list(value):
            headers._expect_100_continue = True
    elif length == 7 and name == _UPGRADE and comma_list(value):
        headers._upgrade = True


def comma_list(value: bytes) -> list[bytes]:
    """Split a list-valued field (RFC 9110 §5.6.1): lowercase, split on ",", drop empties."""
    out: list[bytes] = []
    for part in value.lower().split(b","):
        part = part.strip()
        if part:
            out.append(part)
    return out


def normalize_content_length(value: bytes) -> bytes:
    """Reduce a Content-Length field value to its one length, or raise.

    RFC 9112 §6.3: a list of identical lengths ("5, 5") may be treated as one; differing
    ones are an error. At most 20 digits, so int() stays cheap.
    """
    if len(value) <= MAX_CONTENT_LENGTH_DIGITS and digits_value(value) >= 0:
        return value  # one plain length, the usual case (a_cycle -8.6% instructions)
    if b"," in value:
        lengths = {part.strip() for part in value.split(b",")}
        if len(lengths) != 1:
            raise LocalProtocolError("conflicting Content-Length headers")
        value = lengths.pop()
    if len(value) > MAX_CONTENT_LENGTH_DIGITS or digits_value(value) < 0:
        raise LocalProtocolError(f"bad Content-Length: {value!r}")
    return value


def normalize_transfer_encoding(value: bytes, seen_before: bool) -> bytes:
    """Accept only a single ``Transfer-Encoding: chunked`` (any case), stored lowercase."""
    if seen_before:
        raise LocalProtocolError("multiple Transfer-Encoding headers", error_status_hint=501)
    value = value.lower()
    if value != b"chunked":
        # RFC 9112 §6.1: a server SHOULD answer an unknown coding with 501.
        raise LocalProtocolError(
            f"unsupported Transfer-Encoding {value!r}: only chunked is", error_status_hint=501
        )
    return value


def add_header(
    fields: FieldList, raw_name: bytes, name: bytes, value: bytes, headers_so_far: Headers
) -> None:
    """Append one header, normalising and de-duplicating the framing headers.

    ``headers_so_far`` is the Headers object being filled in; its facts tell whether a
    Content-Length or Transfer-Encoding was already seen.
    """
    if len(name) == 14 and name == _CONTENT_LENGTH:
        value = normalize_content_length(value)
        if headers_so_far._content_length >= 0:
            # A repeated, identical Content-Length is dropped; any other is an error.
            for i in range(1, len(fields), 3):
                if fields[i] == _CONTENT_LENGTH and fields[i + 1] != value:
                    raise LocalProtocolError("conflicting Content-Length headers")
            return
    elif len(name) == 17 and name == _TRANSFER_ENCODING:
        value = normalize_transfer_encoding(value, headers_so_far._chunked)
    fields.append(raw_name)
    fields.append(name)
    fields.append(value)
    note_special_header(headers_so_far, name, value)


# Header names already checked to be tokens, mapped to their lowercased form: programs
# send the same few names again and again (e_send -14.1% instructions). The cap keeps a
# stream of made-up names from growing it without bound.
_VALID_NAMES: Final[dict[bytes, bytes]] = {}
_VALID_NAMES_LIMIT: Final = 1000


def _any_pair(pair: Any) -> tuple[Any, Any]:
    """Unpack a field given as any 2-item iterable (a list, say), as h11 accepts."""
    name, value = pair
    return name, value


def normalize_and_validate(headers: HeaderInput) -> Headers:
    """Build a Headers from user input, validating every name and value.

    A Headers is returned as it is: it was validated when it was built (by this function
    or by the parser), and it never changes.
    """
    if isinstance(headers, Headers):
        return headers
    result = Headers([])
    fields = result._fields
    # The usual input, a list of (bytes, bytes) tuples, takes a fast path: the list walked
    # by index, each 2-tuple unpacked directly and bytes taken without a conversion call;
    # compiled, anything else goes through the iterator protocol per item (the three
    # together: e_send -13.8%, a_asv -7.7% instructions). Any 2-item iterables are accepted.
    pairs: list[Any] = headers if type(headers) is list else list(headers)  # pyright: ignore[reportUnknownVariableType]
    raw_name_input: Any
    value_input: Any
    for pair in pairs:
        # (pyright calls the items of a tuple of unknown origin Unknown, not Any.)
        if type(pair) is tuple and len(pair) == 2:  # pyright: ignore[reportUnknownArgumentType]
            known_pair: tuple[Any, Any] = pair  # pyright: ignore[reportUnknownVariableType]
            raw_name_input, value_input = known_pair
        else:
            raw_name_input, value_input = _any_pair(pair)
        raw_name: bytes = (
            raw_name_input if type(raw_name_input) is bytes else bytesify(raw_name_input)
        )
        value: bytes = value_input if type(value_input) is bytes else bytesify(value_input)
        name = _VALID_NAMES.get(raw_name)
        if name is None:
            if not is_token(raw_name):
                raise LocalProtocolError(f"Illegal header name {raw_name!r}")
            name = raw_name.lower()
            if len(_VALID_NAMES) < _VALID_NAMES_LIMIT:
                _VALID_NAMES[raw_name] = name
        if not is_field_value(value):
            raise LocalProtocolError(f"Illegal header value {value!r}")
        add_header(fields, raw_name, name, value, result)
    return result


def get_comma_header(headers: Headers, name: bytes) -> list[bytes]:
    """All comma-list tokens of every header called ``name`` (lowercase), in order."""
    out: list[bytes] = []
    fields = headers._fields
    for i in range(1, len(fields), 3):
        if fields[i] == name:
            out.extend(comma_list(fields[i + 1]))
    return out


def set_comma_header(headers: Headers, name: bytes, values: list[bytes]) -> Headers:
    """A copy of ``headers`` with every ``name`` header replaced by one per value, at the end.

    The new headers get the title-cased name (``Transfer-Encoding``), as h11 writes them.
    """
    old = headers._fields
    fields: FieldList = []
    for i in range(0, len(old), 3):
        if old[i + 1] != name:
            fields.extend(old[i : i + 3])
    raw_name = name.title()
    for value in values:
        fields.append(raw_name)
        fields.append(name)
        fields.append(value)
    return Headers(fields)
