"""Property-based tests: laws that hold for every valid (and invalid) input.

Each test states one property.  Inputs come from ``tests.strategies``; the
number of examples comes from the active hypothesis profile ("ci" raises it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pytest
from hypothesis import given
from hypothesis import strategies as st

import h11typed
from h11typed import (
    CLIENT,
    SERVER,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    Request,
    Response,
)
from tests.helpers import send_all
from tests.strategies import (
    CANNED_REQUEST,
    CANNED_RESPONSE,
    EVENT_FIELDS,
    ROLES,
    STATE_NAMES,
    Exchange,
    Message,
    Neutral,
    Walk,
    arbitrary_streams,
    close_delimited,
    conversations,
    damaged_streams,
    deliver,
    headers,
    hostfirst,
    informational_responses,
    merge_data,
    neutral_event,
    parse_written_head,
    pull_events,
    receive_stream,
    request_messages,
    response_messages,
    run_conversation,
    split_pieces,
    valid_streams,
)

# ---------------------------------------------------------------------------
# Round trip
# ---------------------------------------------------------------------------


def as_received(event: Event, wire_headers: Sequence[tuple[bytes, bytes]] | None = None) -> Neutral:
    """The neutral form the peer should parse for a sent ``event``.

    The writer puts Host headers first (docs/http-support.rst, the RFC 9112
    section 3.2 row); a Response's headers are what send() actually wrote
    (``wire_headers``), since send() rewrites them (docs/http-support.rst,
    "What is left to you", Default headers).
    """
    name, fields = neutral_event(event)
    values = dict(fields)
    if "headers" in values:
        on_wire = hostfirst(values["headers"]) if wire_headers is None else wire_headers
        values["headers"] = tuple(on_wire)
    return (name, tuple((f, values[f]) for f in EVENT_FIELDS[name]))


def without_states(items: Sequence[Neutral]) -> list[Neutral]:
    """Neutral events only (drop anything a driver appended after the fields)."""
    return [item[:2] for item in items]


@given(conversations())
def test_requests_round_trip_through_a_connection_pair(conversation: list[Exchange]) -> None:
    """Every request event a client sends is parsed back by the server as the
    same event (Host first, Data merged), across several keep-alive cycles."""
    run = run_conversation(conversation)
    sent = [as_received(event) for exchange in conversation for event in exchange.request]
    assert without_states(merge_data(run.server_got)) == list(merge_data(sent))


@given(conversations())
def test_responses_round_trip_as_written_on_the_wire(conversation: list[Exchange]) -> None:
    """Every response event a server sends is parsed back by the client as
    the same event, with the Response headers exactly as send() wrote them."""
    run = run_conversation(conversation)
    responses = [event for exchange in conversation for event in exchange.response]
    writes = run.server_writes
    expected: list[Neutral] = []
    for event, written in zip(responses, writes, strict=True):
        if isinstance(event, Response):
            assert written is not None
            expected.append(as_received(event, parse_written_head(written)[1]))
        else:
            expected.append(as_received(event))
    assert without_states(merge_data(run.client_got)) == list(merge_data(expected))


#: Headers send() may add, remove or rewrite on a Response (docs/http-support.rst,
#: "What is left to you", Default headers).
REWRITTEN_HEADERS: Final = frozenset({b"content-length", b"transfer-encoding", b"connection"})


@given(conversations())
def test_response_rewriting_only_touches_framing_and_connection_headers(
    conversation: list[Exchange],
) -> None:
    """send() keeps every other Response header, in order; it only edits
    Content-Length, Transfer-Encoding and Connection."""
    run = run_conversation(conversation)
    responses = [event for exchange in conversation for event in exchange.response]
    for event, written in zip(responses, run.server_writes, strict=True):
        if not isinstance(event, Response):
            continue
        assert written is not None
        on_wire = parse_written_head(written)[1]
        kept = [pair for pair in on_wire if pair[0] not in REWRITTEN_HEADERS]
        sent = [pair for pair in hostfirst(event.headers) if pair[0] not in REWRITTEN_HEADERS]
        assert kept == sent


# ---------------------------------------------------------------------------
# Split invariance and robustness
# ---------------------------------------------------------------------------
#
# Outcome equality covers the exception type and error_status_hint but not
# the message; message equality is its own property below, because h11 (our
# oracle) does not have it.


def _split_outcomes_agree(
    receiver: str, data: st.DataObject, stream_source: str, limit: int | None = None
) -> None:
    """Draw a stream and a split; require the same Outcome as the whole."""
    if stream_source == "valid":
        stream = data.draw(valid_streams(receiver), label="stream")
    else:
        stream = data.draw(damaged_streams(receiver), label="stream")
    eof = data.draw(st.booleans(), label="eof")
    pieces = data.draw(split_pieces(stream.data), label="pieces")
    whole, split = (
        receive_stream(
            h11typed,
            receiver,
            feed,
            eof=eof,
            script=stream.script,
            fallback=stream.fallback,
            max_incomplete_event_size=limit,
        )
        for feed in ([stream.data] if stream.data else [], pieces)
    )
    assert split == whole


@pytest.mark.parametrize("receiver", ROLES)
@given(data=st.data())
def test_valid_streams_parse_without_error(receiver: str, data: st.DataObject) -> None:
    """Valid traffic, whether written by send() or by hand (bare LF line
    ends, OWS, obs-fold, chunk extensions, other HTTP versions, 1xx
    responses, pipelining), is read to the end without a protocol error."""
    stream = data.draw(valid_streams(receiver), label="stream")
    pieces = data.draw(split_pieces(stream.data), label="pieces")
    outcome = receive_stream(
        h11typed, receiver, pieces, script=stream.script, fallback=stream.fallback
    )
    assert outcome.error is None, outcome.error_message
    assert outcome.trace[-1] in (("blocked", "NEED_DATA"), ("blocked", "PAUSED"))


@pytest.mark.parametrize("receiver", ROLES)
@given(data=st.data())
def test_events_from_a_valid_stream_do_not_depend_on_how_it_is_split(
    receiver: str, data: st.DataObject
) -> None:
    """Any split of a valid stream into receive_data() calls gives the same
    (Data-merged) events, states and final result as the whole stream."""
    _split_outcomes_agree(receiver, data, "valid")


@pytest.mark.parametrize("receiver", ROLES)
@given(data=st.data())
def test_events_from_a_damaged_stream_do_not_depend_on_how_it_is_split(
    receiver: str, data: st.DataObject
) -> None:
    """Any split of a damaged stream (byte-level edits or grammar-level
    defects) gives the same events, or the same error (type and
    error_status_hint), as the whole stream."""
    _split_outcomes_agree(receiver, data, "damaged")


@pytest.mark.parametrize("receiver", ROLES)
@given(data=st.data())
def test_the_size_limit_does_not_depend_on_how_the_stream_is_split(
    receiver: str, data: st.DataObject
) -> None:
    """With a small max_incomplete_event_size, any split of a valid or damaged
    stream meets the limit (431) exactly where the whole stream does: a head,
    trailer section or chunk-size line over the limit is rejected however it
    arrives, and nothing else is."""
    source = data.draw(st.sampled_from(["valid", "damaged"]), label="source")
    _split_outcomes_agree(
        receiver, data, source, limit=data.draw(st.integers(0, 200), label="limit")
    )


@pytest.mark.parametrize("receiver", ROLES)
@given(data=st.data())
def test_error_messages_do_not_depend_on_how_the_stream_is_split(
    receiver: str, data: st.DataObject
) -> None:
    """When a damaged stream is rejected, the error message is the same
    however it was split.  (h11 words an early rejection differently, e.g.
    "illegal request line" alone versus with the line quoted, so this fails
    against h11; h11typed reports each error one way.)"""
    stream = data.draw(damaged_streams(receiver), label="stream")
    eof = data.draw(st.booleans(), label="eof")
    pieces = data.draw(split_pieces(stream.data), label="pieces")
    whole, split = (
        receive_stream(
            h11typed, receiver, feed, eof=eof, script=stream.script, fallback=stream.fallback
        )
        for feed in ([stream.data] if stream.data else [], pieces)
    )
    assert split.error_message == whole.error_message


@pytest.mark.parametrize("receiver", ROLES)
@given(data=st.data())
def test_next_event_raises_nothing_but_remote_protocol_error(
    receiver: str, data: st.DataObject
) -> None:
    """On arbitrary bytes, split anyhow, with or without EOF, next_event()
    either settles (NEED_DATA, PAUSED, ConnectionClosed) or raises exactly
    RemoteProtocolError: never IndexError, ValueError, UnicodeError, ..., and
    never an endless run of events (receive_stream raises NoProgress)."""
    stream = data.draw(arbitrary_streams(receiver), label="stream")
    pieces = data.draw(split_pieces(stream.data), label="pieces")
    outcome = receive_stream(
        h11typed,
        receiver,
        pieces,
        eof=data.draw(st.booleans(), label="eof"),
        script=stream.script,
        fallback=stream.fallback,
    )
    if outcome.error is not None:
        assert outcome.error[0] == "RemoteProtocolError"
        assert outcome.states[0 if receiver == "SERVER" else 1] == "ERROR"


@given(request_messages(), st.data())
def test_chunk_start_marks_every_chunk_however_the_bytes_are_split(
    message: Message, data: st.DataObject
) -> None:
    """Each received chunk's Data events begin with chunk_start and end with
    chunk_end, whatever the split.  (A deliberate difference: h11 drops
    chunk_start when the size line and the data arrive separately.)"""
    head = message[0]
    assert isinstance(head, Request)
    unframed = [p for p in head.headers if p[0] not in (b"content-length", b"transfer-encoding")]
    chunked_head = Request(
        method=head.method,
        target=head.target,
        headers=[*unframed, (b"Transfer-Encoding", b"chunked")],
    )
    # Every non-empty Data is sent as one chunk.
    payloads = [bytes(e.data) for e in message if isinstance(e, Data) and e.data]
    body = [Data(p) for p in payloads]
    wire = send_all(Connection(CLIENT), [chunked_head, *body, EndOfMessage()])
    pieces = data.draw(split_pieces(wire), label="pieces")
    outcome = receive_stream(h11typed, "SERVER", pieces, merge=False, fallback=CANNED_RESPONSE)
    # Each chunk as the (payload, chunk_end) of its Data events, in order.
    chunks: list[list[tuple[bytes, bool]]] = []
    for item in outcome.trace:
        if item[0] != "Data":
            continue
        fields = dict(item[1])
        piece = (fields["data"], fields["chunk_end"])
        if fields["chunk_start"]:
            chunks.append([piece])
        else:
            assert chunks, "the first Data of the body lacks chunk_start"
            assert not chunks[-1][-1][1], "Data after chunk_end lacks chunk_start"
            chunks[-1].append(piece)
    assert [b"".join(data for data, _ in chunk) for chunk in chunks] == payloads
    for chunk in chunks:
        assert [end for _, end in chunk] == [False] * (len(chunk) - 1) + [True]


# ---------------------------------------------------------------------------
# Serialisation, per event kind
# ---------------------------------------------------------------------------

EVENT_KINDS: Final = (
    "Request",
    "InformationalResponse",
    "Response",
    "Data",
    "EndOfMessage",
    "ConnectionClosed",
)

#: Steps that bring a fresh pair to some state: (sender's role, event).
Prefix = list[tuple[str, Event]]

#: The client's request, complete; then the server's response, complete.
REQUEST_SENT: Final[Prefix] = [("CLIENT", event) for event in CANNED_REQUEST]
EXCHANGE_DONE: Final[Prefix] = [*REQUEST_SENT, *(("SERVER", event) for event in CANNED_RESPONSE)]


@st.composite
def send_cases(draw: st.DrawFn, kind: str) -> tuple[Prefix, str, Event, bool]:
    """(prefix, sender, event, body_may_end_at_once) for one event ``kind``.

    The prefix brings a fresh pair to a state where ``event`` is legal for
    ``sender``; bodies use chunked framing so that the peer cannot end the
    message on its own, except a head whose framing says "no body", after which
    the peer may add an EndOfMessage (``body_may_end_at_once``).
    """
    if kind == "Request":
        return [], "CLIENT", draw(request_messages())[0], True
    if kind == "InformationalResponse":
        return REQUEST_SENT, "SERVER", draw(informational_responses()), False
    if kind == "Response":
        message = draw(response_messages(b"GET"))
        final = next(e for e in message if isinstance(e, Response))
        return REQUEST_SENT, "SERVER", final, True
    sender = draw(st.sampled_from(["CLIENT", "SERVER"]))
    chunked = [("Transfer-Encoding", "chunked")]
    if sender == "CLIENT":
        upload = Request(method="POST", target="/", headers=[("Host", "a"), *chunked])
        prefix: Prefix = [("CLIENT", upload)]
    else:
        prefix = [*REQUEST_SENT, ("SERVER", Response(status_code=200, headers=chunked))]
    if kind == "Data":
        # One chunk arriving whole: both flags set (RFC 9112 section 7.1; the
        # chunk_start row of docs/migrating.rst, "Every intentional difference").
        return prefix, sender, Data(draw(st.binary(min_size=1, max_size=64)), True, True), False
    if kind == "EndOfMessage":
        return prefix, sender, EndOfMessage(headers=draw(headers())), False
    assert kind == "ConnectionClosed"
    # Closing is legal before any request and after a complete exchange.
    return draw(st.sampled_from([[], EXCHANGE_DONE])), sender, ConnectionClosed(), False


def _play(
    prefix: Prefix, sender: str, event: Event, *, passthrough: bool = False
) -> tuple[bytes | None, list[Event]]:
    """Run ``prefix`` on a fresh pair, then send ``event`` from ``sender``
    (with send_with_data_passthrough() if ``passthrough``, its pieces joined);
    return the bytes written and what the peer then parsed."""
    conns = {"CLIENT": Connection(CLIENT), "SERVER": Connection(SERVER)}
    for role, earlier in prefix:
        peer = conns["SERVER" if role == "CLIENT" else "CLIENT"]
        deliver(peer, conns[role].send(earlier))
        pull_events(peer, h11typed)
    peer = conns["SERVER" if sender == "CLIENT" else "CLIENT"]
    written: bytes | None
    if passthrough:
        pieces = conns[sender].send_with_data_passthrough(event)
        written = None if pieces is None else b"".join(bytes(piece) for piece in pieces)
    else:
        written = conns[sender].send(event)
    deliver(peer, written)
    return written, pull_events(peer, h11typed)


@pytest.mark.parametrize("kind", EVENT_KINDS)
@given(data=st.data())
def test_send_writes_the_same_bytes_every_time(kind: str, data: st.DataObject) -> None:
    """Serialisation is deterministic: the same event sent from the same
    state on fresh connections gives identical bytes, and
    send_with_data_passthrough() writes the same bytes in pieces."""
    prefix, sender, event, _ = data.draw(send_cases(kind), label="case")
    first = _play(prefix, sender, event)[0]
    assert _play(prefix, sender, event)[0] == first
    assert _play(prefix, sender, event, passthrough=True)[0] == first


@pytest.mark.parametrize("kind", EVENT_KINDS)
@given(data=st.data())
def test_send_output_parses_back_to_the_event(kind: str, data: st.DataObject) -> None:
    """What send() writes for any event kind is parsed by the peer as that
    event (a Response with the headers it was written with); a head whose
    framing means "no body" may be followed by the implied EndOfMessage."""
    prefix, sender, event, may_end = data.draw(send_cases(kind), label="case")
    written, got = _play(prefix, sender, event)
    wire_headers = None
    if isinstance(event, Response):
        assert written is not None
        wire_headers = parse_written_head(written)[1]
    expected = as_received(event, wire_headers)
    received = [neutral_event(e) for e in got]
    end = [neutral_event(EndOfMessage())]
    assert received == [expected] or (may_end and received == [expected, *end])


# ---------------------------------------------------------------------------
# State machine invariants, over random legal walks
# ---------------------------------------------------------------------------


def _states_are_valid(walk: Walk) -> None:
    for role, conn in walk.conns.items():
        states = conn.states
        assert sorted(map(str, states)) == ["CLIENT", "SERVER"]
        for state in states.values():
            assert isinstance(state, str)
            assert state in STATE_NAMES
            assert state != "ERROR"  # every send was legal
        assert conn.our_state is states[conn.our_role]
        assert str(conn.our_role) == role


def _views_agree(walk: Walk) -> None:
    for role in ("CLIENT", "SERVER"):
        if walk.pending[role]:
            # Mid-message the peer may be ahead: e.g. Content-Length: 0 ends
            # the body before the sender has sent its EndOfMessage.
            continue
        own, seen = walk.state(role), walk.view(role)
        if own == seen:
            continue
        lagging = (
            role == "SERVER"
            and seen == "SEND_BODY"
            and own in ("DONE", "MUST_CLOSE")
            and walk.last_response is not None
            and close_delimited(walk.last_response, walk.method)
        )
        assert lagging, f"{role} is {own} but its peer thinks {seen}"


@given(data=st.data())
def test_states_are_always_valid_state_names(data: st.DataObject) -> None:
    """After any sequence of legal sends, every state either side reports is
    one of the State strings, keyed by the two roles.  (States being str is a
    deliberate difference: h11 uses sentinel classes.)"""
    Walk(data).run(_states_are_valid)


@given(data=st.data())
def test_both_sides_agree_on_states_after_each_exchange(data: st.DataObject) -> None:
    """After each completed exchange, client and server agree on both roles'
    states; the only lag allowed is a body delimited by closing the
    connection, whose end the peer learns only at EOF."""
    Walk(data).run(_views_agree)
