"""The ProtocolError family: construction, attributes, and how next_event re-raises.

Documented in docs/api.rst, "Errors", and docs/concepts.rst, "Errors and
``error_status_hint``".
"""

from __future__ import annotations

import pickle
import traceback

import pytest

from h11typed import (
    SERVER,
    Connection,
    LocalProtocolError,
    ProtocolError,
    RemoteProtocolError,
    Request,
)

CONCRETE_ERRORS = [
    pytest.param(LocalProtocolError, id="LocalProtocolError"),
    pytest.param(RemoteProtocolError, id="RemoteProtocolError"),
]


def error_from_peer(data: bytes, max_incomplete_event_size: int = 16 * 1024) -> RemoteProtocolError:
    """Feed a server the client's bytes and return what next_event raises."""
    conn = Connection(our_role=SERVER, max_incomplete_event_size=max_incomplete_event_size)
    conn.receive_data(data)
    with pytest.raises(RemoteProtocolError) as info:
        conn.next_event()
    return info.value


# --- ProtocolError is abstract ----------------------------------------------


def test_protocol_error_is_an_exception() -> None:
    assert issubclass(ProtocolError, Exception)


def test_protocol_error_cannot_be_instantiated_directly() -> None:
    with pytest.raises(TypeError):
        ProtocolError("boom")


def test_protocol_error_cannot_be_instantiated_directly_with_a_hint() -> None:
    with pytest.raises(TypeError):
        ProtocolError("boom", 500)


@pytest.mark.parametrize("error_class", CONCRETE_ERRORS)
def test_concrete_error_is_a_protocol_error(error_class: type[ProtocolError]) -> None:
    assert issubclass(error_class, ProtocolError)


def test_local_and_remote_errors_are_siblings_not_subclasses() -> None:
    assert not issubclass(LocalProtocolError, RemoteProtocolError)
    assert not issubclass(RemoteProtocolError, LocalProtocolError)


# --- constructor and attributes ---------------------------------------------


@pytest.mark.parametrize("error_class", CONCRETE_ERRORS)
def test_str_of_error_is_the_message(error_class: type[ProtocolError]) -> None:
    assert str(error_class("bad things", 418)) == "bad things"


@pytest.mark.parametrize("error_class", CONCRETE_ERRORS)
def test_args_hold_only_the_message(error_class: type[ProtocolError]) -> None:
    assert error_class("bad things", 418).args == ("bad things",)


@pytest.mark.parametrize("error_class", CONCRETE_ERRORS)
def test_status_hint_defaults_to_400(error_class: type[ProtocolError]) -> None:
    assert error_class("bad things").error_status_hint == 400


@pytest.mark.parametrize("error_class", CONCRETE_ERRORS)
def test_status_hint_can_be_given_positionally(error_class: type[ProtocolError]) -> None:
    assert error_class("too big", 431).error_status_hint == 431


@pytest.mark.parametrize("error_class", CONCRETE_ERRORS)
def test_arguments_can_be_given_by_keyword(error_class: type[ProtocolError]) -> None:
    error = error_class(msg="unsupported", error_status_hint=501)
    assert (str(error), error.error_status_hint) == ("unsupported", 501)


@pytest.mark.parametrize("error_class", CONCRETE_ERRORS)
def test_error_is_caught_as_protocol_error(error_class: type[ProtocolError]) -> None:
    with pytest.raises(ProtocolError):
        raise error_class("bad things")


@pytest.mark.parametrize("error_class", CONCRETE_ERRORS)
@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_error_survives_pickling_with_its_type_message_and_hint(
    error_class: type[ProtocolError], protocol: int
) -> None:
    # Errors cross process boundaries (multiprocessing, task queues).
    restored = pickle.loads(pickle.dumps(error_class("too big", 431), protocol))
    assert type(restored) is error_class
    assert (restored.args, restored.error_status_hint) == (("too big",), 431)


class AppLocalError(LocalProtocolError):
    """A user-defined subclass, as applications write them."""


class AppRemoteError(RemoteProtocolError):
    """A user-defined subclass, as applications write them."""


@pytest.mark.parametrize(
    ("subclass", "base"),
    [
        pytest.param(AppLocalError, LocalProtocolError, id="LocalProtocolError"),
        pytest.param(AppRemoteError, RemoteProtocolError, id="RemoteProtocolError"),
    ],
)
def test_error_can_be_subclassed_by_user_code(
    subclass: type[ProtocolError], base: type[ProtocolError]
) -> None:
    # Compiled classes refuse interpreted subclasses unless they opt in.
    error = subclass("app level", 503)
    assert isinstance(error, base)
    assert (str(error), error.error_status_hint) == ("app level", 503)


def test_event_constructor_raises_exactly_local_protocol_error() -> None:
    with pytest.raises(LocalProtocolError) as info:
        Request(method=b"GET", target=b"/", headers=[])
    assert type(info.value) is LocalProtocolError


# --- next_event turns parse errors into RemoteProtocolError -----------------


def test_parse_error_comes_out_of_next_event_as_exactly_remote_protocol_error() -> None:
    error = error_from_peer(b"G T / HTTP/1.1\r\nHost: a\r\n\r\n")
    assert type(error) is RemoteProtocolError


def test_remote_error_keeps_the_message_the_shared_validation_produced() -> None:
    # The same Host rule runs for a constructed and a parsed Request, so the
    # re-raised error must carry the validator's arguments unchanged.
    with pytest.raises(LocalProtocolError) as local:
        Request(method=b"GET", target=b"/", headers=[])
    remote = error_from_peer(b"GET / HTTP/1.1\r\n\r\n")
    assert remote.args == local.value.args


def test_remote_error_keeps_a_traceback_into_the_library() -> None:
    error = error_from_peer(b"G T / HTTP/1.1\r\nHost: a\r\n\r\n")
    # At least the test's frame plus the library frame(s) that raised.
    assert len(traceback.extract_tb(error.__traceback__)) >= 2


def test_ordinary_parse_error_has_the_default_hint_400() -> None:
    assert error_from_peer(b"G T / HTTP/1.1\r\nHost: a\r\n\r\n").error_status_hint == 400


def test_unsupported_transfer_encoding_from_peer_has_hint_501() -> None:
    # RFC 9112 section 6.1: a server that does not understand a transfer coding answers 501.
    request = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"
    assert error_from_peer(request).error_status_hint == 501


def test_repeated_transfer_encoding_from_peer_has_hint_501() -> None:
    request = (
        b"POST / HTTP/1.1\r\nHost: a\r\n"
        b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    assert error_from_peer(request).error_status_hint == 501


def test_receive_buffer_overflow_has_hint_431() -> None:
    # RFC 6585 section 5: 431 Request Header Fields Too Large.
    unfinished_head = b"GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + b"a" * 200
    error = error_from_peer(unfinished_head, max_incomplete_event_size=100)
    assert error.error_status_hint == 431
