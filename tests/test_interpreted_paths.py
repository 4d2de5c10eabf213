"""The pure build's regex paths agree with the byte-table paths the compiled build runs.

Interpreted, a byte loop costs about 50 ns a byte, so the pure build checks grammar with
regexes (``_abnf``) and reads plain, complete heads with them (``_interpreted_heads``);
the compiled build never takes those paths. Each grammar therefore exists twice. In the
pure build these tests run both paths on the same input by switching the modules'
``COMPILED`` flag, and require the same answer, events and errors, message included.
(In the compiled build the flag is a compiled constant, so the regex side is checked
against the byte tables directly instead.)
"""

# This file checks the pure build's private fast paths against the byte tables.
# pyright: reportPrivateUsage=false

from __future__ import annotations

from collections.abc import Callable, Generator
from contextlib import contextmanager
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

import h11typed
from h11typed import _abnf, _readers
from tests.strategies import ROLES, damaged_streams, receive_stream, split_pieces, valid_streams

pure_only = pytest.mark.skipif(h11typed.COMPILED, reason="the compiled build has one path")

#: Bytes that matter to the grammars, plus anything.
_GRAMMAR_BYTES = st.sampled_from(list(b'aZ09-!~ \t\r\n\x00\x01\x0b\x7f\x80\xff:;"\\/@[]%'))
grammar_bytes = st.one_of(st.lists(_GRAMMAR_BYTES, max_size=12).map(bytes), st.binary(max_size=12))


@contextmanager
def byte_table_paths() -> Generator[None, None, None]:
    """Make the pure build take the paths the compiled build takes."""
    with mock.patch.object(_abnf, "COMPILED", True), mock.patch.object(_readers, "COMPILED", True):
        yield


CHECKS: list[tuple[str, Callable[[bytes], object]]] = [
    ("is_token", _abnf.is_token),
    ("is_field_value", _abnf.is_field_value),
    ("is_request_target", _abnf.is_request_target),
]


@pure_only
@pytest.mark.parametrize(("name", "check"), CHECKS)
@given(data=grammar_bytes)
def test_regex_and_byte_table_checks_agree(
    name: str, check: Callable[[bytes], object], data: bytes
) -> None:
    regex_answer = check(data)
    with byte_table_paths():
        assert check(data) == regex_answer


@given(data=grammar_bytes)
def test_the_regexes_describe_the_byte_tables(data: bytes) -> None:
    # Holds in both builds: the pure build's regexes accept what the tables accept.
    assert (_abnf._TOKEN_RE.fullmatch(data) is not None) == (
        len(data) > 0 and _abnf._all_in(_abnf.TOKEN, data)
    )
    assert (_abnf._TARGET_RE.fullmatch(data) is not None) == (
        len(data) > 0 and _abnf._all_in(_abnf.TARGET, data)
    )


@pure_only
@pytest.mark.parametrize("receiver", ROLES)
@given(data=st.data())
def test_regex_and_byte_table_head_parsers_read_streams_alike(
    receiver: str, data: st.DataObject
) -> None:
    """Valid or damaged traffic, split anyhow: the same events, states and errors
    (messages included) whichever head parser the pure build uses."""
    source = data.draw(st.sampled_from([valid_streams, damaged_streams]), label="source")
    stream = data.draw(source(receiver), label="stream")
    pieces = data.draw(split_pieces(stream.data), label="pieces")

    def outcome() -> object:
        result = receive_stream(
            h11typed, receiver, pieces, eof=True, script=stream.script, fallback=stream.fallback
        )
        return result, result.error_message

    regex_outcome = outcome()
    with byte_table_paths():
        assert outcome() == regex_outcome
