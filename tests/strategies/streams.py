"""Whole streams for one receiving role: valid, mutated, defective, arbitrary;
each with a script for the other half of the conversation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

from hypothesis import strategies as st

from tests.strategies.conversation import run_conversation
from tests.strategies.messages import Message, conversations
from tests.strategies.mutations import mutated
from tests.strategies.receiving import CANNED_REQUEST, CANNED_RESPONSE
from tests.strategies.wire import raw_requests, raw_responses

#: The receiving roles, as passed to ``receive_stream``.
ROLES: Final = ("CLIENT", "SERVER")


@dataclass(frozen=True)
class Stream:
    """Bytes for a ``receiver`` and how to play the other half: ``script``
    (one message per cycle) then ``fallback``.  See ``receive_stream``."""

    data: bytes
    script: tuple[Message, ...] = ()
    fallback: Message | None = None


def _hand_written(draw: st.DrawFn, receiver: str, *, defects: bool) -> Stream:
    """1-3 hand-written messages for ``receiver``, back to back (pipelined
    requests, or responses one per cycle), the other side sending one canned
    message per cycle."""
    count = draw(st.integers(1, 3))
    if receiver == "SERVER":
        requests = [draw(raw_requests(last=i == count - 1, defects=defects)) for i in range(count)]
        return Stream(b"".join(requests), (CANNED_RESPONSE,) * count)
    responses = [draw(raw_responses(last=i == count - 1, defects=defects)) for i in range(count)]
    return Stream(b"".join(responses), (CANNED_REQUEST,) * count)


@cache
@st.composite
def valid_streams(draw: st.DrawFn, receiver: str) -> Stream:
    """A valid stream for ``receiver``: either what send() wrote for a
    generated conversation (with the other side's messages as the script), or
    hand-written messages (the other side answering with canned messages)."""
    if draw(st.booleans()):
        conversation = draw(conversations())
        run = run_conversation(conversation)
        if receiver == "SERVER":
            wire = b"".join(w for w in run.client_writes if w)
            return Stream(wire, tuple(e.response for e in conversation))
        wire = b"".join(w for w in run.server_writes if w)
        return Stream(wire, tuple(e.request for e in conversation))
    return _hand_written(draw, receiver, defects=False)


@cache
@st.composite
def mutated_streams(draw: st.DrawFn, receiver: str) -> Stream:
    """A valid stream for ``receiver`` with byte-level edits (see ``mutated``)."""
    stream = draw(valid_streams(receiver))
    return Stream(draw(mutated(st.just(stream.data))), stream.script, stream.fallback)


@cache
@st.composite
def defective_streams(draw: st.DrawFn, receiver: str) -> Stream:
    """Hand-written messages with grammar-level defects in any part: start
    lines, header lines, Content-Length and Transfer-Encoding values, chunk
    size lines and chunk footers (see the *_DEFECTS tables)."""
    return _hand_written(draw, receiver, defects=True)


@cache
def damaged_streams(receiver: str) -> st.SearchStrategy[Stream]:
    """A valid stream damaged at the byte level (``mutated_streams``) or at
    the grammar level (``defective_streams``)."""
    return st.one_of(mutated_streams(receiver), defective_streams(receiver))


@cache
@st.composite
def arbitrary_streams(draw: st.DrawFn, receiver: str) -> Stream:
    """Random bytes, a mutated valid stream, or a valid head followed by
    random bytes.  A client receiver sometimes never sends a request."""
    source = draw(st.sampled_from(["random", "damaged", "valid-prefix"]))
    if source == "damaged":
        return draw(damaged_streams(receiver))
    data = draw(st.binary(max_size=200))
    if source == "valid-prefix":
        data = draw(valid_streams(receiver)).data[: draw(st.integers(0, 200))] + data
    if receiver == "SERVER":
        return Stream(data, fallback=CANNED_RESPONSE)
    return Stream(data, fallback=draw(st.sampled_from([CANNED_REQUEST, None])))
