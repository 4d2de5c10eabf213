"""The public namespace: h11's 23 exported names, the extras, and the constants.

h11's documented API is the contract: the names h11 0.16.0 exports, the
NEED_DATA and PAUSED sentinels (docs/api.rst, "The connection"), and the role
and state constants, which are ``Literal`` strings here by design
(docs/migrating.rst, "Every intentional difference"). ``COMPILED``,
``PRODUCT_ID`` and ``__version__`` are described in docs/api.rst, "Build and
version information"; the private names that uvicorn and wsproto import are kept
where they are (docs/api.rst, ``DEFAULT_MAX_INCOMPLETE_EVENT_SIZE`` and ``Headers``).
"""

from __future__ import annotations

import importlib.metadata
import re
from typing import Any, get_args

import pytest

import h11typed
from h11typed import NEED_DATA, PAUSED, Connection, EndOfMessage, Event

# h11 0.16.0's `__all__`, in its order, so `from h11typed import *` matches.
H11_ALL = (
    "Connection",
    "NEED_DATA",
    "PAUSED",
    "ConnectionClosed",
    "Data",
    "EndOfMessage",
    "Event",
    "InformationalResponse",
    "Request",
    "Response",
    "CLIENT",
    "CLOSED",
    "DONE",
    "ERROR",
    "IDLE",
    "MUST_CLOSE",
    "SEND_BODY",
    "SEND_RESPONSE",
    "SERVER",
    "SWITCHED_PROTOCOL",
    "ProtocolError",
    "LocalProtocolError",
    "RemoteProtocolError",
)

# Importable and documented, but not in h11's `__all__`.
EXTRA_NAMES = ("MIGHT_SWITCH_PROTOCOL", "PRODUCT_ID", "__version__")

STATE_NAMES = (
    "IDLE",
    "SEND_RESPONSE",
    "SEND_BODY",
    "DONE",
    "MUST_CLOSE",
    "CLOSED",
    "ERROR",
    "MIGHT_SWITCH_PROTOCOL",
    "SWITCHED_PROTOCOL",
)
ROLE_NAMES = ("CLIENT", "SERVER")
CONSTANT_NAMES = STATE_NAMES + ROLE_NAMES

FLOW_SENTINEL_NAMES = ("NEED_DATA", "PAUSED")


def public(name: str) -> Any:
    """Look a name up on the package; the tests are about its runtime value."""
    return getattr(h11typed, name)


# --- __all__ and the extra names -------------------------------------------


def test_all_is_a_tuple() -> None:
    assert type(h11typed.__all__) is tuple


def test_all_lists_h11s_public_names_in_h11s_order() -> None:
    assert h11typed.__all__ == H11_ALL


@pytest.mark.parametrize("name", H11_ALL)
def test_every_name_in_all_is_importable(name: str) -> None:
    assert hasattr(h11typed, name)


def test_star_import_binds_exactly_the_names_in_all() -> None:
    namespace: dict[str, Any] = {}
    exec("from h11typed import *", namespace)
    del namespace["__builtins__"]
    assert sorted(namespace) == sorted(H11_ALL)


@pytest.mark.parametrize("name", EXTRA_NAMES)
def test_extra_name_is_importable(name: str) -> None:
    assert hasattr(h11typed, name)


@pytest.mark.parametrize("name", EXTRA_NAMES)
def test_extra_name_is_not_in_all(name: str) -> None:
    assert name not in h11typed.__all__


def test_version_matches_the_installed_distribution() -> None:
    assert h11typed.__version__ == importlib.metadata.version("h11typed")


def test_version_is_a_pep_440_release_string() -> None:
    release = r"\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?(?:\.dev\d+)?"
    assert re.fullmatch(release, h11typed.__version__) is not None


def test_product_id_names_h11typed_and_its_version() -> None:
    # It identifies the implementation (e.g. in a Server header), so it is ours, not h11's.
    assert f"python-h11typed/{h11typed.__version__}" == h11typed.PRODUCT_ID


def test_compiled_flag_is_a_bool() -> None:
    assert type(h11typed.COMPILED) is bool


def test_compiled_flag_is_not_in_all() -> None:
    assert "COMPILED" not in h11typed.__all__


def test_default_max_incomplete_event_size_is_reachable_from_the_connection_module() -> None:
    # uvicorn imports this private constant at runtime.
    from h11typed._connection import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE

    assert DEFAULT_MAX_INCOMPLETE_EVENT_SIZE == 16 * 1024


def test_headers_class_is_reachable_from_the_headers_module() -> None:
    # wsproto imports the private Headers class for its annotations.
    from h11typed._headers import Headers

    assert isinstance(EndOfMessage().headers, Headers)


# --- NEED_DATA and PAUSED: h11-style class sentinels ------------------------


@pytest.mark.parametrize("name", FLOW_SENTINEL_NAMES)
def test_flow_sentinel_is_a_class(name: str) -> None:
    assert isinstance(public(name), type)


@pytest.mark.parametrize("name", FLOW_SENTINEL_NAMES)
def test_flow_sentinel_is_its_own_type(name: str) -> None:
    # The documented trick: dispatch on `type(conn.next_event())`.
    sentinel = public(name)
    assert type(sentinel) is sentinel


@pytest.mark.parametrize("name", FLOW_SENTINEL_NAMES)
def test_flow_sentinel_is_an_instance_of_itself(name: str) -> None:
    sentinel = public(name)
    assert isinstance(sentinel, sentinel)


@pytest.mark.parametrize("name", FLOW_SENTINEL_NAMES)
def test_flow_sentinel_class_name_is_its_public_name(name: str) -> None:
    assert public(name).__name__ == name


@pytest.mark.parametrize("name", FLOW_SENTINEL_NAMES)
def test_flow_sentinel_repr_is_the_bare_name(name: str) -> None:
    assert repr(public(name)) == name


@pytest.mark.parametrize("name", FLOW_SENTINEL_NAMES)
def test_flow_sentinel_str_is_the_bare_name(name: str) -> None:
    assert str(public(name)) == name


@pytest.mark.parametrize("name", FLOW_SENTINEL_NAMES)
def test_flow_sentinel_is_not_an_event(name: str) -> None:
    assert not isinstance(public(name), Event)


@pytest.mark.parametrize("name", FLOW_SENTINEL_NAMES)
def test_flow_sentinel_is_the_object_defined_in_the_connection_module(name: str) -> None:
    from h11typed import _connection  # pyright: ignore[reportPrivateUsage]

    assert getattr(_connection, name) is public(name)


def test_need_data_and_paused_are_distinct() -> None:
    need_data: object = NEED_DATA
    assert need_data is not PAUSED
    assert need_data != PAUSED


def test_flow_sentinels_are_usable_as_dict_keys() -> None:
    handlers = {NEED_DATA: "read more", PAUSED: "wait"}
    assert handlers[NEED_DATA] == "read more"
    assert handlers[PAUSED] == "wait"


def test_paused_matches_an_isinstance_tuple_with_event_classes() -> None:
    # Consumers write `isinstance(ev, (EndOfMessage, PAUSED))`.
    assert isinstance(PAUSED, (EndOfMessage, PAUSED))


def test_event_matches_an_isinstance_tuple_with_paused() -> None:
    assert isinstance(EndOfMessage(), (EndOfMessage, PAUSED))


def test_need_data_does_not_match_an_isinstance_tuple_with_paused() -> None:
    assert not isinstance(NEED_DATA, (EndOfMessage, PAUSED))


def test_next_event_returns_the_need_data_sentinel_itself() -> None:
    event = Connection(our_role=h11typed.SERVER).next_event()
    assert event is NEED_DATA
    assert type(event) is NEED_DATA


# --- roles and states: Literal-typed str constants (deliberate change) ------


@pytest.mark.parametrize("name", CONSTANT_NAMES)
def test_constant_is_a_plain_str_equal_to_its_name(name: str) -> None:
    constant = public(name)
    assert type(constant) is str
    assert constant == name


@pytest.mark.parametrize("name", CONSTANT_NAMES)
def test_constant_str_is_its_name(name: str) -> None:
    # Holds for h11's sentinels too; consumers log states with str() and f-strings.
    assert str(public(name)) == name


@pytest.mark.parametrize("name", CONSTANT_NAMES)
def test_constant_is_usable_as_a_dict_key(name: str) -> None:
    table = {public(other): other for other in CONSTANT_NAMES}
    assert table[public(name)] == name


def test_constants_are_all_distinct() -> None:
    assert len({public(name) for name in CONSTANT_NAMES}) == len(CONSTANT_NAMES)


def test_state_literal_lists_exactly_the_state_constants() -> None:
    from h11typed._state import State

    assert set(get_args(State)) == {public(name) for name in STATE_NAMES}


def test_role_literal_lists_exactly_the_role_constants() -> None:
    from h11typed._state import Role

    assert set(get_args(Role)) == {public(name) for name in ROLE_NAMES}


def test_connection_reports_the_exported_role_object() -> None:
    # `conn.our_role is h11typed.SERVER` is how consumers compare roles.
    conn = Connection(our_role=h11typed.SERVER)
    assert conn.our_role is h11typed.SERVER
    assert conn.their_role is h11typed.CLIENT


def test_connection_reports_the_exported_state_object() -> None:
    conn = Connection(our_role=h11typed.CLIENT)
    assert conn.our_state is h11typed.IDLE


def test_connection_states_are_keyed_by_the_role_constants() -> None:
    states = Connection(our_role=h11typed.CLIENT).states
    assert states == {h11typed.CLIENT: h11typed.IDLE, h11typed.SERVER: h11typed.IDLE}
