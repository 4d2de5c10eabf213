"""Events: dataclass behaviour, constructors, coercion to bytes and validation.

Documented in docs/api.rst, "Events"; how they differ from h11's dataclasses in
docs/migrating.rst, "Every intentional difference". Header handling inside
events is specified in test_headers.py.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest

import h11typed
from h11typed import (
    CLIENT,
    SERVER,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    LocalProtocolError,
    Request,
    Response,
)
from tests.helpers import exactly

# RFC 9110 section 5.6.2: tchar, the characters of a token (methods, header names).
TCHAR = frozenset(b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# RFC 9112 section 3.2: h11 accepts any visible ASCII in a request-target.
TARGET_BYTES = frozenset(range(0x21, 0x7F))

HOST = (b"Host", b"example.com")


def byte_id(value: int) -> str:
    return f"0x{value:02x}"


def loosely(value: object) -> Any:
    """Hide a deliberately ill-typed argument from mypy; the test is about the runtime."""
    return value


def make_request(**overrides: Any) -> Request:
    fields: dict[str, Any] = {"method": b"GET", "target": b"/", "headers": [HOST]}
    fields.update(overrides)
    return Request(**fields)


def make_response(**overrides: Any) -> Response:
    fields: dict[str, Any] = {"status_code": 200, "headers": []}
    fields.update(overrides)
    return Response(**fields)


def make_informational(**overrides: Any) -> InformationalResponse:
    fields: dict[str, Any] = {"status_code": 100, "headers": []}
    fields.update(overrides)
    return InformationalResponse(**fields)


def make_end_of_message(**overrides: Any) -> EndOfMessage:
    fields: dict[str, Any] = {"headers": []}
    fields.update(overrides)
    return EndOfMessage(**fields)


# Typed loosely: the tests below pick fields by name.
MAKERS: dict[str, Callable[..., Any]] = {
    "Request": make_request,
    "Response": make_response,
    "InformationalResponse": make_informational,
    "EndOfMessage": make_end_of_message,
}


def sample_request() -> Event:
    return make_request()


def sample_informational() -> Event:
    return make_informational(reason=b"Continue")


def sample_response() -> Event:
    return make_response(headers=[(b"Content-Length", b"0")])


def sample_data() -> Event:
    return Data(data=b"hi", chunk_start=True)


def sample_end_of_message() -> Event:
    return EndOfMessage(headers=[(b"X-Checksum", b"abc")])


def sample_connection_closed() -> Event:
    return ConnectionClosed()


# Events the parser built (a path that skips the public constructors): every dataclass
# behaviour below holds for them too.
def received_request() -> Event:
    conn = Connection(SERVER)
    conn.receive_data(b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")
    return exactly(Request, conn.next_event())


def _received_by_client(response_head: bytes) -> Event:
    conn = Connection(CLIENT)
    conn.send(make_request())
    conn.receive_data(response_head)
    event = conn.next_event()
    assert isinstance(event, (InformationalResponse, Response))
    return event


def received_informational() -> Event:
    return _received_by_client(b"HTTP/1.1 100 Continue\r\n\r\n")


def received_response() -> Event:
    return _received_by_client(b"HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n")


UNHASHABLE_SAMPLES = [
    pytest.param(sample_request, id="Request"),
    pytest.param(sample_informational, id="InformationalResponse"),
    pytest.param(sample_response, id="Response"),
    pytest.param(sample_data, id="Data"),
    pytest.param(sample_end_of_message, id="EndOfMessage"),
    pytest.param(received_request, id="received-Request"),
    pytest.param(received_informational, id="received-InformationalResponse"),
    pytest.param(received_response, id="received-Response"),
]
SAMPLES = [*UNHASHABLE_SAMPLES, pytest.param(sample_connection_closed, id="ConnectionClosed")]
# Events with at least one field, paired with a field name to try assigning.
SAMPLES_WITH_A_FIELD = [
    pytest.param(sample_request, "method", id="Request"),
    pytest.param(sample_informational, "status_code", id="InformationalResponse"),
    pytest.param(sample_response, "reason", id="Response"),
    pytest.param(sample_data, "data", id="Data"),
    pytest.param(sample_end_of_message, "headers", id="EndOfMessage"),
    pytest.param(received_request, "target", id="received-Request"),
    pytest.param(received_informational, "reason", id="received-InformationalResponse"),
    pytest.param(received_response, "status_code", id="received-Response"),
]
# A received event and the same event built by its public constructor.
RECEIVED_AND_BUILT = [
    pytest.param(received_request, sample_request, id="Request"),
    pytest.param(received_informational, sample_informational, id="InformationalResponse"),
    pytest.param(received_response, sample_response, id="Response"),
]

# h11 declares the fields in this (unusual) order; repr, fields() and
# __match_args__ all follow it.
FIELD_ORDER = [
    pytest.param(Request, ("method", "headers", "target", "http_version"), id="Request"),
    pytest.param(
        InformationalResponse,
        ("headers", "http_version", "reason", "status_code"),
        id="InformationalResponse",
    ),
    pytest.param(Response, ("headers", "http_version", "reason", "status_code"), id="Response"),
    pytest.param(Data, ("data", "chunk_start", "chunk_end"), id="Data"),
    pytest.param(EndOfMessage, ("headers",), id="EndOfMessage"),
    pytest.param(ConnectionClosed, (), id="ConnectionClosed"),
]

EXPECTED_REPRS = [
    pytest.param(
        sample_request,
        "Request(method=b'GET', headers=<Headers([(b'host', b'example.com')])>,"
        " target=b'/', http_version=b'1.1')",
        id="Request",
    ),
    pytest.param(
        sample_informational,
        "InformationalResponse(headers=<Headers([])>, http_version=b'1.1',"
        " reason=b'Continue', status_code=100)",
        id="InformationalResponse",
    ),
    pytest.param(
        sample_response,
        "Response(headers=<Headers([(b'content-length', b'0')])>, http_version=b'1.1',"
        " reason=b'', status_code=200)",
        id="Response",
    ),
    pytest.param(sample_data, "Data(data=b'hi', chunk_start=True, chunk_end=False)", id="Data"),
    pytest.param(
        sample_end_of_message,
        "EndOfMessage(headers=<Headers([(b'x-checksum', b'abc')])>)",
        id="EndOfMessage",
    ),
    pytest.param(sample_connection_closed, "ConnectionClosed()", id="ConnectionClosed"),
]

# (event maker, field, a valid value) for every field that goes through bytes coercion.
COERCED_FIELD_TABLE = [
    ("Request", "method", b"PATCH"),
    ("Request", "target", b"/index.html"),
    ("Request", "http_version", b"1.0"),
    ("Response", "reason", b"OK"),
    ("Response", "http_version", b"1.0"),
    ("InformationalResponse", "reason", b"Continue"),
    ("InformationalResponse", "http_version", b"1.0"),
]
COERCED_FIELDS = [
    pytest.param(maker, field, value, id=f"{maker}.{field}")
    for maker, field, value in COERCED_FIELD_TABLE
]
COERCED_FIELD_NAMES = [
    pytest.param(maker, field, id=f"{maker}.{field}") for maker, field, _ in COERCED_FIELD_TABLE
]
NON_ASCII_VALUES = [
    pytest.param("Request", "method", "G\u00c9T", id="Request.method"),
    pytest.param("Request", "target", "/caf\u00e9", id="Request.target"),
    pytest.param("Request", "http_version", "1.\u00b9", id="Request.http_version"),
    pytest.param("Response", "reason", "D\u00e9j\u00e0 vu", id="Response.reason"),
    pytest.param("Response", "http_version", "1.\u00b9", id="Response.http_version"),
]


def _ascii_str(value: bytes) -> str:
    return value.decode("ascii")


BYTES_LIKE_CONVERTERS = [
    pytest.param(bytes, id="bytes"),
    pytest.param(bytearray, id="bytearray"),
    pytest.param(memoryview, id="memoryview"),
    pytest.param(_ascii_str, id="str"),
]


# --- dataclass behaviour (items 8 and 9) ------------------------------------


@pytest.mark.parametrize("make", SAMPLES)
def test_every_event_derives_from_event(make: Callable[[], Event]) -> None:
    assert isinstance(make(), Event)


@pytest.mark.parametrize("make", SAMPLES)
def test_every_event_is_a_dataclass(make: Callable[[], Event]) -> None:
    assert dataclasses.is_dataclass(make())


@pytest.mark.parametrize(("event_class", "names"), FIELD_ORDER)
def test_fields_follow_h11s_declaration_order(
    event_class: type[Any], names: tuple[str, ...]
) -> None:
    assert tuple(field.name for field in dataclasses.fields(event_class)) == names


@pytest.mark.parametrize(("event_class", "names"), FIELD_ORDER)
def test_match_args_follow_the_field_order(event_class: type[Any], names: tuple[str, ...]) -> None:
    assert event_class.__match_args__ == names


@pytest.mark.parametrize(("make", "expected"), EXPECTED_REPRS)
def test_repr_lists_fields_in_h11s_order(make: Callable[[], Event], expected: str) -> None:
    assert repr(make()) == expected


@pytest.mark.parametrize(("make", "field"), SAMPLES_WITH_A_FIELD)
def test_assigning_a_field_raises_frozen_instance_error(
    make: Callable[[], Event], field: str
) -> None:
    event = make()
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(event, field, getattr(event, field))


@pytest.mark.parametrize("make", SAMPLES)
def test_events_with_equal_fields_are_equal(make: Callable[[], Event]) -> None:
    assert make() == make()


def test_events_with_different_fields_are_not_equal() -> None:
    assert make_response(status_code=200) != make_response(status_code=201)


@pytest.mark.parametrize("make", SAMPLES)
def test_event_is_not_equal_to_a_tuple_of_its_fields(make: Callable[[], Event]) -> None:
    # Dataclass equality requires the same class.
    event = make()
    fields: object = tuple(getattr(event, f.name) for f in dataclasses.fields(loosely(event)))
    assert event != fields


@pytest.mark.parametrize(("received", "built"), RECEIVED_AND_BUILT)
def test_a_received_event_is_the_public_class_and_equals_the_built_one(
    received: Callable[[], Event], built: Callable[[], Event]
) -> None:
    event, expected = received(), built()
    assert type(event) is type(expected)
    assert event == expected
    assert repr(event) == repr(expected)


@pytest.mark.skipif(h11typed.COMPILED, reason="a compiled class cannot be patched")
@pytest.mark.parametrize("received", [received_request, received_response])
def test_the_parser_builds_events_without_the_validating_constructors(
    received: Callable[[], Event], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parser has checked every field already (docs/api.rst, "Events")."""
    event_class = type(received())

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"{event_class.__name__}.__init__ ran")

    monkeypatch.setattr(event_class, "__init__", refuse)
    assert type(received()) is event_class


def test_events_of_different_classes_are_not_equal() -> None:
    end_of_message: Event = EndOfMessage()
    assert end_of_message != ConnectionClosed()


def test_header_name_casing_does_not_affect_event_equality() -> None:
    # Equality compares the lowercased view of the headers.
    assert make_request(headers=[(b"HOST", b"a")]) == make_request(headers=[(b"host", b"a")])


def test_data_with_bytearray_payload_equals_data_with_equal_bytes() -> None:
    assert Data(data=bytearray(b"xyz")) == Data(data=b"xyz")


def test_replace_builds_a_new_event_with_the_changed_field() -> None:
    changed = dataclasses.replace(make_request(), target=b"/other")
    assert changed == make_request(target=b"/other")


def test_replace_revalidates_the_new_field() -> None:
    with pytest.raises(LocalProtocolError):
        dataclasses.replace(make_request(), method=b"NOT A TOKEN")


# --- hashing (item 10) ------------------------------------------------------


@pytest.mark.parametrize("make", UNHASHABLE_SAMPLES)
def test_event_with_fields_is_unhashable(make: Callable[[], Event]) -> None:
    with pytest.raises(TypeError):
        hash(make())


@pytest.mark.parametrize("make", UNHASHABLE_SAMPLES)
def test_hashing_an_event_says_that_its_class_is_unhashable(make: Callable[[], Event]) -> None:
    # The event itself refuses, as any object with __hash__ = None does; the error
    # must not come from happening to hash an unhashable field first.
    event = make()
    with pytest.raises(TypeError, match=f"unhashable type: '{type(event).__name__}'"):
        hash(event)


def test_connection_closed_is_hashable() -> None:
    assert hash(ConnectionClosed()) == hash(ConnectionClosed())


def test_connection_closed_instances_collapse_in_a_set() -> None:
    assert len({ConnectionClosed(), ConnectionClosed()}) == 1


# --- pickle and copy (docs/api.rst: events pickle and copy) --------------------


@pytest.mark.parametrize("make", SAMPLES)
@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_event_survives_a_pickle_round_trip(make: Callable[[], Event], protocol: int) -> None:
    event = make()
    restored = pickle.loads(pickle.dumps(event, protocol))
    assert type(restored) is type(event)
    assert restored == event


def test_pickled_request_keeps_the_raw_header_casing() -> None:
    request = make_request(headers=[(b"Host", b"a"), (b"X-MiXeD", b"v")])
    restored = pickle.loads(pickle.dumps(request))
    assert restored.headers.raw_items() == [(b"Host", b"a"), (b"X-MiXeD", b"v")]


@pytest.mark.parametrize("make", SAMPLES)
def test_event_survives_a_shallow_copy(make: Callable[[], Event]) -> None:
    event = make()
    copied = copy.copy(event)
    assert type(copied) is type(event)
    assert copied == event


@pytest.mark.parametrize("make", SAMPLES)
def test_event_survives_a_deep_copy(make: Callable[[], Event]) -> None:
    event = make()
    copied = copy.deepcopy(event)
    assert type(copied) is type(event)
    assert copied == event


# --- pattern matching -------------------------------------------------------


def describe(event: Event) -> str:
    """A consumer-style dispatcher using class patterns with keyword fields."""
    match event:
        case Request(method=b"GET", target=target):
            return f"get {target.decode()}"
        case Response(status_code=200):
            return "ok"
        case Data(data=payload, chunk_end=True):
            return f"last piece of {len(payload)} bytes"
        case _:
            return "other"


def test_match_selects_a_request_by_field_value() -> None:
    assert describe(make_request(target=b"/a")) == "get /a"


def test_match_skips_a_request_whose_field_differs() -> None:
    assert describe(make_request(method=b"POST")) == "other"


def test_match_selects_a_response_by_status_code() -> None:
    assert describe(make_response(status_code=200)) == "ok"


def test_match_selects_data_by_flag_and_binds_the_payload() -> None:
    assert describe(Data(data=b"abc", chunk_end=True)) == "last piece of 3 bytes"


def test_data_matches_positionally_in_field_order() -> None:
    match Data(b"abc", True, False):
        case Data(payload, start, end):
            assert (payload, start, end) == (b"abc", True, False)
        case _:
            pytest.fail("Data did not match a positional pattern")


# --- constructor shapes (item 11) -------------------------------------------


@pytest.mark.parametrize(
    ("event_class", "positional"),
    [
        pytest.param(Request, (b"GET", [HOST], b"/"), id="Request"),
        pytest.param(
            InformationalResponse, (list[tuple[bytes, bytes]](), 100), id="InformationalResponse"
        ),
        pytest.param(Response, (list[tuple[bytes, bytes]](), 200), id="Response"),
        pytest.param(EndOfMessage, (list[tuple[bytes, bytes]](),), id="EndOfMessage"),
    ],
)
def test_constructor_is_keyword_only(event_class: type[Event], positional: tuple[Any, ...]) -> None:
    with pytest.raises(TypeError):
        loosely(event_class)(*positional)


@pytest.mark.parametrize(
    ("event_class", "given", "missing"),
    [
        pytest.param(Request, {"headers": [HOST], "target": b"/"}, "method", id="Request-method"),
        pytest.param(Request, {"method": b"GET", "target": b"/"}, "headers", id="Request-headers"),
        pytest.param(Request, {"method": b"GET", "headers": [HOST]}, "target", id="Request-target"),
        pytest.param(Response, {"headers": []}, "status_code", id="Response-status_code"),
        pytest.param(Response, {"status_code": 200}, "headers", id="Response-headers"),
        pytest.param(
            InformationalResponse, {"headers": []}, "status_code", id="InformationalResponse"
        ),
    ],
)
def test_a_missing_required_argument_is_python_s_type_error_naming_it(
    event_class: type[Event], given: dict[str, Any], missing: str
) -> None:
    """h11's constructors have required keyword-only parameters: leaving one out is
    Python's own TypeError, raised before any validation (the wording differs between
    the interpreter and mypyc's argument parser; both name the parameter)."""
    with pytest.raises(TypeError, match=f"missing .*'{missing}'"):
        loosely(event_class)(**given)


@pytest.mark.parametrize("event_class", [Request, InformationalResponse, Response])
def test_unknown_keyword_raises_type_error(event_class: type[Event]) -> None:
    if event_class is Request:
        fields: dict[str, Any] = {"headers": [HOST], "method": b"GET", "target": b"/"}
    else:
        fields = {"headers": [], "status_code": 200}
    with pytest.raises(TypeError, match="'colour'"):
        loosely(event_class)(**fields, colour=b"blue")


@pytest.mark.parametrize(
    ("event_class", "parameters"),
    [
        pytest.param(Request, "(*, method, headers, target, http_version=b'1.1')", id="Request"),
        pytest.param(
            InformationalResponse,
            "(*, headers, status_code, http_version=b'1.1', reason=b'')",
            id="InformationalResponse",
        ),
        pytest.param(
            Response, "(*, headers, status_code, http_version=b'1.1', reason=b'')", id="Response"
        ),
        pytest.param(EndOfMessage, "(*, headers=None)", id="EndOfMessage"),
        pytest.param(Data, "(data, chunk_start=False, chunk_end=False)", id="Data"),
    ],
)
def test_signature_has_h11s_parameters_and_nothing_else(
    event_class: type[Event], parameters: str
) -> None:
    """The constructors' parameters are h11 0.16.0's public ones: no private parameter
    (the parser's trusted construction is not reachable through them)."""
    shown = inspect.signature(event_class).replace(return_annotation=inspect.Signature.empty)
    bare = [
        parameter.replace(annotation=inspect.Parameter.empty)
        for parameter in shown.parameters.values()
    ]
    assert str(shown.replace(parameters=bare)) == parameters


@pytest.mark.skipif(h11typed.COMPILED, reason="Python code cannot subclass a compiled class")
@pytest.mark.parametrize(("base", "status"), [(InformationalResponse, 101), (Response, 200)])
def test_a_subclass_keeps_its_base_classs_status_range(base: type[Event], status: int) -> None:
    subclass: Any = type("Custom" + base.__name__, (base,), {})
    assert subclass(status_code=status, headers=[]).status_code == status


def test_data_accepts_positional_arguments() -> None:
    assert Data(b"abc", True, True) == Data(data=b"abc", chunk_start=True, chunk_end=True)


def test_data_chunk_flags_default_to_false() -> None:
    data = Data(data=b"abc")
    assert (data.chunk_start, data.chunk_end) == (False, False)


def test_connection_closed_takes_no_arguments() -> None:
    with pytest.raises(TypeError):
        loosely(ConnectionClosed)(b"bye")


@pytest.mark.parametrize("maker", ["Request", "InformationalResponse", "Response", "EndOfMessage"])
def test_h11s_private_parsed_keyword_is_not_accepted(maker: str) -> None:
    """h11 takes a private ``_parsed`` keyword; h11typed's constructors have only the
    public parameters, so a call that passes it is an unknown-keyword TypeError."""
    MAKERS[maker](headers=[HOST])
    with pytest.raises(TypeError):
        loosely(MAKERS[maker])(headers=[HOST], _parsed=True)


# --- coercion to bytes (item 12) --------------------------------------------


@pytest.mark.parametrize(("maker", "field", "value"), COERCED_FIELDS)
@pytest.mark.parametrize("convert", BYTES_LIKE_CONVERTERS)
def test_bytes_like_or_ascii_str_field_is_stored_as_bytes(
    maker: str, field: str, value: bytes, convert: Callable[[bytes], object]
) -> None:
    stored = getattr(MAKERS[maker](**{field: convert(value)}), field)
    assert type(stored) is bytes
    assert stored == value


@pytest.mark.parametrize(("maker", "field", "value"), NON_ASCII_VALUES)
def test_non_ascii_str_field_raises_unicode_encode_error(
    maker: str, field: str, value: str
) -> None:
    with pytest.raises(UnicodeEncodeError):
        MAKERS[maker](**{field: value})


@pytest.mark.parametrize(("maker", "field"), COERCED_FIELD_NAMES)
def test_int_field_raises_type_error(maker: str, field: str) -> None:
    # bytes(10) would silently make ten NUL bytes; an int is refused outright.
    with pytest.raises(TypeError):
        MAKERS[maker](**{field: 10})


# --- Request.method (item 13) -----------------------------------------------


@pytest.mark.parametrize("byte", sorted(TCHAR), ids=byte_id)
def test_method_accepts_a_token_byte(byte: int) -> None:
    assert make_request(method=bytes([byte])).method == bytes([byte])


@pytest.mark.parametrize("byte", sorted(set(range(256)) - TCHAR), ids=byte_id)
def test_method_rejects_a_non_token_byte(byte: int) -> None:
    with pytest.raises(LocalProtocolError):
        make_request(method=b"GE" + bytes([byte]) + b"T")


def test_method_rejects_the_empty_string() -> None:
    with pytest.raises(LocalProtocolError):
        make_request(method=b"")


def test_method_keeps_its_case() -> None:
    # RFC 9110 section 9.1: methods are case-sensitive, so "get" is not "GET".
    assert make_request(method=b"get").method == b"get"


# --- Request.target (item 14) -----------------------------------------------


@pytest.mark.parametrize("byte", sorted(TARGET_BYTES), ids=byte_id)
def test_target_accepts_a_visible_ascii_byte(byte: int) -> None:
    assert make_request(target=b"/" + bytes([byte])).target == b"/" + bytes([byte])


@pytest.mark.parametrize("byte", sorted(set(range(256)) - TARGET_BYTES), ids=byte_id)
def test_target_rejects_a_byte_outside_visible_ascii(byte: int) -> None:
    with pytest.raises(LocalProtocolError):
        make_request(target=b"/a" + bytes([byte]) + b"b")


def test_target_rejects_the_empty_string() -> None:
    with pytest.raises(LocalProtocolError):
        make_request(target=b"")


# --- Host (item 15) ---------------------------------------------------------


def test_http_11_request_without_host_is_rejected() -> None:
    # RFC 9112 section 3.2: a client MUST send Host in every HTTP/1.1 request.
    with pytest.raises(LocalProtocolError, match="Missing mandatory Host"):
        make_request(headers=[])


def test_http_10_request_without_host_is_accepted() -> None:
    assert make_request(headers=[], http_version=b"1.0").headers == []


@pytest.mark.parametrize("version", [b"1.0", b"1.1"])
def test_request_with_two_host_headers_is_rejected(version: bytes) -> None:
    with pytest.raises(LocalProtocolError):
        make_request(headers=[(b"Host", b"a"), (b"Host", b"b")], http_version=version)


def test_host_requirement_matches_the_header_name_case_insensitively() -> None:
    assert make_request(headers=[(b"hOsT", b"a")]).headers == [(b"host", b"a")]


def test_host_headers_are_counted_case_insensitively() -> None:
    with pytest.raises(LocalProtocolError):
        make_request(headers=[(b"Host", b"a"), (b"HOST", b"a")])


# --- status codes (items 16 and 17) -----------------------------------------


@pytest.mark.parametrize("status", [100, 101, 103, 199])
def test_informational_response_accepts_a_1xx_status(status: int) -> None:
    assert make_informational(status_code=status).status_code == status


@pytest.mark.parametrize("status", [-100, 0, 99, 200, 204, 1000])
def test_informational_response_rejects_a_status_outside_1xx(status: int) -> None:
    with pytest.raises(LocalProtocolError):
        make_informational(status_code=status)


@pytest.mark.parametrize("status", [200, 204, 301, 404, 500, 999])
def test_response_accepts_a_status_from_200_to_999(status: int) -> None:
    assert make_response(status_code=status).status_code == status


@pytest.mark.parametrize("status", [-200, 0, 100, 199, 1000, 2000])
def test_response_rejects_a_status_outside_200_to_999(status: int) -> None:
    with pytest.raises(LocalProtocolError):
        make_response(status_code=status)


@pytest.mark.parametrize(
    ("maker", "status"),
    [
        pytest.param("InformationalResponse", HTTPStatus.CONTINUE, id="InformationalResponse"),
        pytest.param("Response", HTTPStatus.NOT_FOUND, id="Response"),
    ],
)
def test_int_enum_status_is_stored_as_a_plain_int(maker: str, status: HTTPStatus) -> None:
    stored = MAKERS[maker](status_code=status).status_code
    assert type(stored) is int
    assert stored == status.value


@pytest.mark.parametrize(
    ("maker", "status"),
    [
        pytest.param("InformationalResponse", "100", id="InformationalResponse-str"),
        pytest.param("Response", "200", id="Response-str"),
        pytest.param("Response", b"200", id="Response-bytes"),
        pytest.param("Response", 200.0, id="Response-float"),
    ],
)
def test_non_int_status_is_rejected(maker: str, status: object) -> None:
    # As in h11, in both builds: the constructor takes any object and checks it itself.
    with pytest.raises(LocalProtocolError, match="status code must be an integer"):
        MAKERS[maker](status_code=status)


# --- reason and http_version (items 18 and 19) ------------------------------


@pytest.mark.parametrize("reason", [b"a\r\nb", b"\x00", b" padded ", b"caf\xc3\xa9"])
def test_reason_is_stored_verbatim_without_validation(reason: bytes) -> None:
    assert make_response(reason=reason).reason == reason


@pytest.mark.parametrize("maker", ["InformationalResponse", "Response"])
def test_reason_defaults_to_empty(maker: str) -> None:
    assert MAKERS[maker]().reason == b""


@pytest.mark.parametrize("maker", ["Request", "InformationalResponse", "Response"])
def test_http_version_defaults_to_1_1(maker: str) -> None:
    assert MAKERS[maker]().http_version == b"1.1"


@pytest.mark.parametrize("maker", ["Request", "InformationalResponse", "Response"])
def test_http_version_is_not_validated_at_construction(maker: str) -> None:
    # Only the writer refuses to send anything but 1.1.
    assert MAKERS[maker](http_version=b"banana").http_version == b"banana"


# --- EndOfMessage (item 20) -------------------------------------------------


def test_end_of_message_headers_default_to_empty() -> None:
    headers = EndOfMessage().headers
    assert len(headers) == 0
    assert headers == []


def test_end_of_message_with_headers_none_equals_the_default() -> None:
    assert EndOfMessage(headers=None) == EndOfMessage()


# --- Data (item 21) ---------------------------------------------------------


class SizedPayload:
    """Not bytes at all: send_with_data_passthrough only needs len()."""

    def __len__(self) -> int:
        return 3


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"abc", id="bytes"),
        pytest.param(bytearray(b"abc"), id="bytearray"),
        pytest.param(memoryview(b"abc"), id="memoryview"),
        pytest.param(SizedPayload(), id="sized-object"),
    ],
)
def test_data_keeps_the_payload_object_as_given(payload: object) -> None:
    assert Data(data=payload).data is payload


@pytest.mark.parametrize(
    "request_bytes",
    [
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
            id="content-length",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
            id="chunked",
        ),
    ],
)
def test_received_data_carries_a_bytearray(request_bytes: bytes) -> None:
    conn = Connection(our_role=SERVER)
    conn.receive_data(request_bytes)
    assert isinstance(conn.next_event(), Request)
    data = conn.next_event()
    assert isinstance(data, Data)
    assert type(data.data) is bytearray
    assert data.data == b"hello"
