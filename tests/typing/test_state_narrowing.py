"""Typing contract of roles and states: Literal types that a checker can narrow.

This is why h11typed's states are Literal str constants rather than h11's
sentinel classes: a checker can prove a dispatch over them exhaustive (the docs'
"Roles and states" in api.rst, and the difference listed in migrating.rst).
Checked by mypy --strict and pyright strict (scripts/test.sh); never executed.
"""

from __future__ import annotations

from typing import Literal, assert_never, assert_type

import h11typed
from h11typed import Connection
from h11typed._state import Role, State


def state_constants_are_states() -> list[State]:
    return [
        h11typed.IDLE,
        h11typed.SEND_RESPONSE,
        h11typed.SEND_BODY,
        h11typed.DONE,
        h11typed.MUST_CLOSE,
        h11typed.CLOSED,
        h11typed.ERROR,
        h11typed.MIGHT_SWITCH_PROTOCOL,
        h11typed.SWITCHED_PROTOCOL,
    ]


def role_constants_are_roles() -> list[Role]:
    return [h11typed.CLIENT, h11typed.SERVER]


def each_constant_has_its_own_literal_type() -> None:
    assert_type(h11typed.IDLE, Literal["IDLE"])
    assert_type(h11typed.MIGHT_SWITCH_PROTOCOL, Literal["MIGHT_SWITCH_PROTOCOL"])
    assert_type(h11typed.CLIENT, Literal["CLIENT"])


def a_misspelt_state_is_not_a_state() -> None:
    _state: State = "IDEL"  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


def a_state_is_not_a_role() -> None:
    _role: Role = h11typed.IDLE  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


def equality_with_a_literal_narrows_a_state(conn: Connection) -> None:
    state = conn.our_state
    if state == "SEND_BODY":
        assert_type(state, Literal["SEND_BODY"])


def identity_with_a_constant_narrows_a_state(conn: Connection) -> None:
    state = conn.their_state
    if state is h11typed.DONE:
        assert_type(state, Literal["DONE"])


def membership_in_a_tuple_of_constants_narrows_a_state(conn: Connection) -> None:
    state = conn.our_state
    if state in (h11typed.DONE, h11typed.MUST_CLOSE):
        assert_type(state, Literal["DONE", "MUST_CLOSE"])


def describe_state(state: State) -> str:
    """An exhaustive dispatch over string literals; assert_never proves it complete."""
    match state:
        case "IDLE":
            return "waiting for a request"
        case "SEND_RESPONSE":
            return "request read, response not started"
        case "SEND_BODY":
            return "sending a body"
        case "DONE":
            return "message complete"
        case "MUST_CLOSE":
            return "connection must close"
        case "CLOSED":
            return "closed"
        case "ERROR":
            return "failed"
        case "MIGHT_SWITCH_PROTOCOL":
            return "switch proposed"
        case "SWITCHED_PROTOCOL":
            return "switched"
        case _:
            assert_never(state)


def describe_role(role: Role) -> str:
    """The same with the exported constants as value patterns."""
    match role:
        case h11typed.CLIENT:
            return "client"
        case h11typed.SERVER:
            return "server"
        case _:
            assert_never(role)


def states_dict_is_keyed_by_role(conn: Connection) -> None:
    for role, state in conn.states.items():
        assert_type(role, Role)
        assert_type(state, State)
