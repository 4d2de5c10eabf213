"""The `event.headers` object: a read-only sequence, validation and normalisation.

Field syntax is RFC 9112 section 5 and RFC 9110 section 5 (names are
case-insensitive tokens, section 5.1; values, section 5.5); the object itself is
``Headers`` in docs/api.rst, "Events".
"""

from __future__ import annotations

import collections.abc
from collections.abc import Callable
from typing import Any

import pytest

from h11typed import (
    CLIENT,
    DONE,
    SERVER,
    Connection,
    EndOfMessage,
    Event,
    InformationalResponse,
    LocalProtocolError,
    Request,
    Response,
)
from h11typed._headers import Headers

# RFC 9110 section 5.6.2: a field name is a token.
TCHAR = frozenset(b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# Python's bytes `\s` set. h11 rejects these and NUL inside values, but lets
# SP and HTAB separate visible bytes (RFC 9110 section 5.5 field-content).
WHITESPACE = frozenset(b" \t\n\r\f\v")
BETWEEN_VISIBLE_OK = frozenset(range(256)) - {0x00} - (WHITESPACE - {ord(" "), ord("\t")})
ALONE_OK = frozenset(range(256)) - {0x00} - WHITESPACE


def byte_id(value: int) -> str:
    return f"0x{value:02x}"


def loosely(value: object) -> Any:
    """Hide deliberately ill-typed or mixed str/bytes input from mypy."""
    return value


def headers_of(pairs: Any) -> Headers:
    """Build headers through a public constructor with no other rules attached."""
    return EndOfMessage(headers=pairs).headers


def single_value(value: bytes) -> bytes:
    """Validate one value under a neutral name and return what was stored."""
    return headers_of([(b"X-Test", value)])[0][1]


def single_name(name: bytes) -> bytes:
    return headers_of([(name, b"v")])[0][0]


SAMPLE = [(b"Host", b"example.com"), (b"Content-Type", b"Text/HTML"), (b"X-Two", b"2")]
LOWERED = [(b"host", b"example.com"), (b"content-type", b"Text/HTML"), (b"x-two", b"2")]


def sample() -> Headers:
    return headers_of(SAMPLE)


# Every event kind that carries headers, built from the given pairs.
_CARRIERS: dict[str, Callable[[Any], Event]] = {
    "Request": lambda headers: Request(method=b"GET", target=b"/", headers=headers),
    "InformationalResponse": lambda headers: InformationalResponse(
        status_code=100, headers=headers
    ),
    "Response": lambda headers: Response(status_code=200, headers=headers),
    "EndOfMessage": lambda headers: EndOfMessage(headers=headers),
}
HEADER_CARRIERS: list[Any] = [pytest.param(carrier, id=name) for name, carrier in _CARRIERS.items()]


# --- the read-only sequence (item 22) ---------------------------------------


def test_event_headers_are_a_headers_instance() -> None:
    assert isinstance(sample(), Headers)


def test_headers_are_a_sequence() -> None:
    assert isinstance(sample(), collections.abc.Sequence)


@pytest.mark.parametrize(
    "head",
    [
        b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: keep-alive\r\n"
        b"Expect: 100-continue\r\nUpgrade: h2c\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
    ],
)
def test_public_attributes_are_exactly_those_of_a_sequence_plus_raw_items(head: bytes) -> None:
    # What the connection reads off a parsed head (framing, keep-alive, Host) stays
    # private: the public surface is h11's, whatever the fields were.
    conn = Connection(SERVER)
    conn.receive_data(head)
    event = conn.next_event()
    assert isinstance(event, Request)
    public = {name for name in dir(event.headers) if not name.startswith("_")}
    assert public == {"count", "index", "raw_items"}


def test_len_counts_the_pairs() -> None:
    assert len(sample()) == 3


def test_indexing_gives_the_lowercased_name_and_the_value() -> None:
    assert sample()[1] == (b"content-type", b"Text/HTML")


def test_negative_index_counts_from_the_end() -> None:
    assert sample()[-1] == (b"x-two", b"2")


@pytest.mark.parametrize(
    "index",
    [slice(None), slice(1, None), slice(0, 2), slice(None, None, -1), slice(5, 9)],
    ids=["all", "from-1", "first-two", "reversed", "past-the-end"],
)
def test_slicing_gives_a_list_of_the_lowercased_pairs(index: slice) -> None:
    # As for any sequence. (h11 unpacks the slice as if it were one item, which only
    # "works", wrongly, for slices of exactly three items.)
    assert sample()[index] == LOWERED[index]
    assert type(sample()[index]) is list


@pytest.mark.parametrize("index", [3, -4], ids=["past-the-end", "before-the-start"])
def test_an_index_out_of_range_raises_index_error(index: int) -> None:
    with pytest.raises(IndexError, match="index out of range"):
        sample()[index]


def test_iteration_yields_lowercased_pairs_in_the_given_order() -> None:
    assert list(sample()) == LOWERED


def test_items_are_tuples_of_bytes() -> None:
    assert all(type(item) is tuple and len(item) == 2 for item in sample())
    assert all(type(part) is bytes for item in sample() for part in item)


def test_membership_compares_lowercased_pairs() -> None:
    assert (b"host", b"example.com") in sample()


def test_empty_headers_are_falsy() -> None:
    assert not headers_of([])


def test_non_empty_headers_are_truthy() -> None:
    assert headers_of([(b"A", b"b")])


def test_repr_shows_the_lowercased_pairs() -> None:
    assert repr(headers_of([(b"Host", b"a"), (b"X-Y", b"Z")])) == (
        "<Headers([(b'host', b'a'), (b'x-y', b'Z')])>"
    )


def test_item_assignment_is_refused() -> None:
    with pytest.raises(TypeError):
        loosely(sample())[0] = (b"host", b"evil")


def test_item_deletion_is_refused() -> None:
    with pytest.raises(TypeError):
        del loosely(sample())[0]


def test_values_keep_their_case() -> None:
    # Only names are case-insensitive (RFC 9110 section 5.1).
    assert single_value(b"MiXeD") == b"MiXeD"


# --- equality (item 24) -----------------------------------------------------


def test_headers_equal_a_plain_list_of_lowercased_pairs() -> None:
    assert sample() == LOWERED


def test_headers_differ_from_a_list_in_another_order() -> None:
    assert sample() != list(reversed(LOWERED))


def test_headers_differ_from_the_raw_cased_list() -> None:
    assert sample() != SAMPLE


def test_headers_equal_headers_built_with_other_name_casing() -> None:
    assert headers_of([(b"HOST", b"a")]) == headers_of([(b"host", b"a")])


# --- raw_items (item 23) ----------------------------------------------------


def test_raw_items_keep_the_names_as_supplied() -> None:
    assert sample().raw_items() == SAMPLE


def test_raw_items_is_a_list_of_tuples() -> None:
    raw = sample().raw_items()
    assert type(raw) is list
    assert all(type(item) is tuple for item in raw)


# --- input forms and coercion (items 12 and 25) -----------------------------


def test_str_names_and_values_are_stored_as_bytes() -> None:
    assert headers_of([("Host", "a")]).raw_items() == [(b"Host", b"a")]


def test_str_and_bytes_may_be_mixed_freely() -> None:
    pairs = [("Host", b"a"), (b"X-One", "1")]
    assert headers_of(pairs).raw_items() == [(b"Host", b"a"), (b"X-One", b"1")]


def test_a_pair_may_be_any_two_item_iterable() -> None:
    # As in h11, each item is unpacked into name and value, so lists work as well as tuples.
    pairs = [["Host", "a"], iter([b"X-One", b"1"]), ("X-Two", "2")]
    assert headers_of(pairs).raw_items() == [(b"Host", b"a"), (b"X-One", b"1"), (b"X-Two", b"2")]


PairSource = Callable[[list[tuple[str, str]]], Any]
PAIR_SOURCES: list[PairSource] = [
    list,
    tuple,
    lambda pairs: (pair for pair in pairs),
    lambda pairs: dict(pairs).items(),
]


@pytest.mark.parametrize("make", PAIR_SOURCES, ids=["list", "tuple", "generator", "dict-items"])
def test_the_pairs_may_come_from_any_iterable(make: PairSource) -> None:
    pairs = [("Host", "a"), ("X-One", "1")]
    assert headers_of(make(pairs)).raw_items() == [(b"Host", b"a"), (b"X-One", b"1")]


@pytest.mark.parametrize("pair", [["Host"], ["Host", "a", "b"]], ids=["one-item", "three-items"])
def test_a_pair_of_another_length_raises_value_error(pair: list[str]) -> None:
    with pytest.raises(ValueError, match="values to unpack"):
        headers_of([pair])


@pytest.mark.parametrize("convert", [bytearray, memoryview], ids=["bytearray", "memoryview"])
def test_bytes_like_names_and_values_are_stored_as_bytes(convert: Callable[[bytes], Any]) -> None:
    raw = headers_of([(convert(b"X-A"), convert(b"b"))]).raw_items()
    assert raw == [(b"X-A", b"b")]
    assert [type(part) for part in raw[0]] == [bytes, bytes]


@pytest.mark.parametrize(
    "pair", [pytest.param((10, b"v"), id="name"), pytest.param((b"X-A", 10), id="value")]
)
def test_int_name_or_value_raises_type_error(pair: tuple[object, object]) -> None:
    with pytest.raises(TypeError):
        headers_of([pair])


@pytest.mark.parametrize(
    "pair",
    [pytest.param(("X-\u00c4", "v"), id="name"), pytest.param(("X-A", "caf\u00e9"), id="value")],
)
def test_non_ascii_str_name_or_value_raises_unicode_encode_error(pair: tuple[str, str]) -> None:
    with pytest.raises(UnicodeEncodeError):
        headers_of([pair])


@pytest.mark.parametrize("carrier", HEADER_CARRIERS)
def test_headers_instance_is_reused_by_every_event_constructor(
    carrier: Callable[[Any], Any],
) -> None:
    existing = headers_of([(b"Host", b"a")])
    assert carrier(existing).headers is existing


@pytest.mark.parametrize("carrier", HEADER_CARRIERS)
def test_every_event_constructor_lowercases_header_names(carrier: Callable[[Any], Any]) -> None:
    headers = carrier([(b"Host", b"a"), (b"X-Foo", b"Bar")]).headers
    assert headers == [(b"host", b"a"), (b"x-foo", b"Bar")]


@pytest.mark.parametrize("carrier", HEADER_CARRIERS)
def test_every_event_constructor_validates_header_values(carrier: Callable[[Any], Any]) -> None:
    with pytest.raises(LocalProtocolError):
        carrier([(b"Host", b"a"), (b"X-Foo", b"bad\x00value")])


# --- header names (item 26) -------------------------------------------------


@pytest.mark.parametrize("byte", sorted(TCHAR), ids=byte_id)
def test_name_accepts_a_token_byte(byte: int) -> None:
    assert single_name(b"X" + bytes([byte])) == (b"X" + bytes([byte])).lower()


@pytest.mark.parametrize("byte", sorted(frozenset(range(256)) - TCHAR), ids=byte_id)
def test_name_rejects_a_non_token_byte(byte: int) -> None:
    with pytest.raises(LocalProtocolError):
        single_name(b"X-" + bytes([byte]) + b"-Y")


def test_name_rejects_the_empty_string() -> None:
    with pytest.raises(LocalProtocolError):
        single_name(b"")


@pytest.mark.parametrize("name", [b" Host", b"Host ", b"\tHost", b"Host\t", b"Host:"])
def test_name_rejects_surrounding_whitespace_or_a_colon(name: bytes) -> None:
    with pytest.raises(LocalProtocolError):
        single_name(name)


def test_name_error_message_echoes_the_name() -> None:
    with pytest.raises(LocalProtocolError, match="foo bar"):
        single_name(b"foo bar")


# --- header values (item 27) ------------------------------------------------


@pytest.mark.parametrize("byte", sorted(ALONE_OK), ids=byte_id)
def test_value_accepts_a_single_byte_that_is_not_nul_or_whitespace(byte: int) -> None:
    # Includes control bytes and DEL (seen in real cookies) and obs-text 0x80-0xFF.
    assert single_value(bytes([byte])) == bytes([byte])


@pytest.mark.parametrize("byte", sorted(frozenset(range(256)) - ALONE_OK), ids=byte_id)
def test_value_rejects_a_lone_nul_or_whitespace_byte(byte: int) -> None:
    with pytest.raises(LocalProtocolError):
        single_value(bytes([byte]))


@pytest.mark.parametrize("byte", sorted(BETWEEN_VISIBLE_OK), ids=byte_id)
def test_value_accepts_a_byte_between_visible_bytes(byte: int) -> None:
    value = b"a" + bytes([byte]) + b"b"
    assert single_value(value) == value


@pytest.mark.parametrize("byte", sorted(frozenset(range(256)) - BETWEEN_VISIBLE_OK), ids=byte_id)
def test_value_rejects_nul_or_line_breaking_whitespace_between_visible_bytes(byte: int) -> None:
    # CR and LF here would allow header injection; NUL is forbidden outright.
    with pytest.raises(LocalProtocolError):
        single_value(b"a" + bytes([byte]) + b"b")


@pytest.mark.parametrize("value", [b" a", b"a ", b"\ta", b"a\t", b"  a  "])
def test_value_rejects_leading_or_trailing_whitespace(value: bytes) -> None:
    # Only the parser strips OWS (RFC 9112 section 5.1); a constructed value must not carry it.
    with pytest.raises(LocalProtocolError):
        single_value(value)


def test_value_may_be_empty() -> None:
    assert single_value(b"") == b""


def test_value_keeps_whitespace_runs_between_visible_bytes_verbatim() -> None:
    assert single_value(b"a \t  b\t\tc") == b"a \t  b\t\tc"


def test_value_error_message_echoes_the_value_escaped() -> None:
    with pytest.raises(LocalProtocolError) as info:
        single_value(b"bar\rbaz")
    assert r"bar\rbaz" in str(info.value)


# --- Content-Length (item 28) -----------------------------------------------


def content_length_headers(*values: bytes) -> Headers:
    return headers_of([(b"Content-Length", value) for value in values])


@pytest.mark.parametrize("value", [b"0 , 0", b"5,5", b"12, 12 ,12"])
def test_content_length_list_of_equal_values_collapses_to_one(value: bytes) -> None:
    # RFC 9110 section 8.6: a list of identical values may be treated as one.
    stored = content_length_headers(value)
    assert stored == [(b"content-length", value.split(b",")[0].strip())]


@pytest.mark.parametrize("value", [b"1 , 1,2", b"1,2", b"1,", b"3, 03"])
def test_content_length_list_of_different_values_is_rejected(value: bytes) -> None:
    with pytest.raises(LocalProtocolError):
        content_length_headers(value)


def test_repeated_content_length_with_the_same_value_keeps_only_the_first() -> None:
    stored = headers_of([(b"Content-Length", b"7"), (b"content-length", b"7")])
    assert stored.raw_items() == [(b"Content-Length", b"7")]


def test_repeated_content_length_with_a_different_value_is_rejected() -> None:
    with pytest.raises(LocalProtocolError):
        content_length_headers(b"7", b"8")


def test_content_length_of_twenty_digits_is_accepted() -> None:
    assert content_length_headers(b"9" * 20) == [(b"content-length", b"9" * 20)]


def test_content_length_of_twenty_one_digits_is_rejected() -> None:
    # h11 0.15.0 capped the length so int() of a huge value cannot be used for DoS.
    with pytest.raises(LocalProtocolError):
        content_length_headers(b"1" * 21)


def test_content_length_keeps_leading_zeros() -> None:
    assert content_length_headers(b"007") == [(b"content-length", b"007")]


@pytest.mark.parametrize("value", [b"", b"-1", b"+1", b"1.0", b"0x10", b"1 2", b"ten", b","])
def test_content_length_that_is_not_all_digits_is_rejected(value: bytes) -> None:
    with pytest.raises(LocalProtocolError):
        content_length_headers(value)


def test_content_length_error_has_the_default_hint_400() -> None:
    with pytest.raises(LocalProtocolError) as info:
        content_length_headers(b"7", b"8")
    assert info.value.error_status_hint == 400


# --- Transfer-Encoding (item 29) --------------------------------------------


@pytest.mark.parametrize("value", [b"chunked", b"Chunked", b"CHUNKED", b"cHuNkEd"])
def test_transfer_encoding_chunked_is_accepted_in_any_case_and_stored_lowercase(
    value: bytes,
) -> None:
    stored = headers_of([(b"Transfer-Encoding", value)])
    assert stored.raw_items() == [(b"Transfer-Encoding", b"chunked")]


@pytest.mark.parametrize(
    "value", [b"gzip", b"identity", b"gzip, chunked", b"chunked, gzip", b"chunked,", b"chunke"]
)
def test_transfer_encoding_other_than_exactly_chunked_is_rejected_with_501(value: bytes) -> None:
    # RFC 9112 section 6.1: an unimplemented transfer coding gets 501 (Not Implemented).
    with pytest.raises(LocalProtocolError) as info:
        headers_of([(b"Transfer-Encoding", value)])
    assert info.value.error_status_hint == 501


def test_repeated_transfer_encoding_is_rejected_with_501() -> None:
    with pytest.raises(LocalProtocolError) as info:
        headers_of([(b"Transfer-Encoding", b"chunked"), (b"Transfer-Encoding", b"chunked")])
    assert info.value.error_status_hint == 501


def test_content_length_and_transfer_encoding_are_both_kept() -> None:
    # Framing (where Transfer-Encoding wins) is decided later, not at construction.
    stored = headers_of([(b"Transfer-Encoding", b"chunked"), (b"Content-Length", b"3")])
    assert stored == [(b"transfer-encoding", b"chunked"), (b"content-length", b"3")]


# Names as long as a special header's, differing in one letter, mean nothing special.
LOOKALIKES = [
    b"Hosx: a",
    b"Content-Lengtx: 5",
    b"Transfer-Encodinx: chunked",
    b"Connectiox: close",
    b"Expecx: 100-continue",
    b"Upgradx: websocket",
]


@pytest.mark.parametrize("line", LOOKALIKES)
def test_a_name_that_only_resembles_a_special_header_changes_nothing(line: bytes) -> None:
    server = Connection(SERVER)
    server.receive_data(b"POST / HTTP/1.1\r\nHost: a\r\n" + line + b"\r\n\r\n")
    request = server.next_event()
    assert isinstance(request, Request)
    # No body, no close, no 100-continue, no protocol switch.
    assert type(server.next_event()) is EndOfMessage
    assert server.their_state is DONE
    assert not server.they_are_waiting_for_100_continue


@pytest.mark.parametrize("line", LOOKALIKES)
def test_a_sent_name_that_only_resembles_a_special_header_changes_nothing(line: bytes) -> None:
    name, _, value = line.partition(b": ")
    client = Connection(CLIENT)
    client.send(Request(method="POST", target="/", headers=[(b"Host", b"a"), (name, value)]))
    client.send(EndOfMessage())
    assert client.our_state is DONE
