"""Differential tests: h11typed against h11 0.16.0 as an oracle.

The same generated traffic (valid, mutated, arbitrary) goes to an h11typed
Connection and an h11 Connection of the same role, split the same way, and
everything observable is compared in a neutral form (``tests.strategies``):
events as (class name, fields) with Headers as lists of byte pairs and
payloads as bytes, both sides' states by name, their_http_version, the
100-continue flag, trailing_data, and what our side wrote in reply.  On the
sending side, send() output and the resulting states are compared for
generated events, including Response header rewriting for every kind of peer.

Known, deliberate differences, normalised away here:

1. States: h11typed's roles and states are str constants, h11's are sentinel
   classes.  They are compared by name (``str()``, see ``state_names``).
2. ``chunk_start``: h11typed sets it on the first Data of every chunk even when
   the chunk-size line and the data arrive in different receive_data() calls;
   h11 does not.  So when a stream is split into several pieces, Data runs are
   merged and their flags dropped (``merge_data``); a stream fed in one piece
   is compared exactly, flags included.
3. Error messages: only the exception type and ``error_status_hint`` must
   match; the wording is free (``Outcome`` excludes the message).
4. HTTP/1.0 keep-alive (an h11typed extension, issue 6; RFC 9112 section
   9.3): h11typed keeps an HTTP/1.0 connection open when the peer sends the
   "keep-alive" connection option and the framing allows, where h11 always
   closes.  h11 is no oracle for that, so received streams that pair an
   HTTP/1.0 (or older) start line with a "keep-alive" token are skipped
   (``may_ask_http10_keep_alive``); tests/test_http10_keep_alive.py covers it.

Any other difference is a finding to report, not to normalise.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any, Final

import h11
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import h11typed
from tests.strategies import (
    ROLES,
    Exchange,
    Message,
    Neutral,
    Stream,
    Walk,
    arbitrary_streams,
    conversations,
    damaged_streams,
    defective_streams,
    mutated_streams,
    port,
    pull_events,
    receive_stream,
    request_messages,
    response_messages,
    run_conversation,
    split_pieces,
    state_names,
    valid_streams,
)

#: The implementation under test, then the oracle.
LIBS: Final = (h11typed, h11)

# ---------------------------------------------------------------------------
# Receiving
# ---------------------------------------------------------------------------


#: An HTTP/1.0-or-older start line, and the keep-alive connection option.
_OLD_VERSION: Final = re.compile(rb"HTTP/(0\.[0-9]|1\.0)")
_KEEP_ALIVE: Final = re.compile(rb"keep-alive", re.IGNORECASE)


def may_ask_http10_keep_alive(data: bytes) -> bool:
    """True if ``data`` might hold an HTTP/1.0 message asking for keep-alive
    (deliberate difference 4).  Deliberately loose: skipping a few streams
    too many costs little."""
    return bool(_OLD_VERSION.search(data) and _KEEP_ALIVE.search(data))


def assert_same_reception(
    receiver: str,
    stream: Stream,
    pieces: list[bytes],
    *,
    eof: bool,
    max_incomplete_event_size: int | None = None,
) -> None:
    """Feed ``pieces`` to both libraries and require the same Outcome."""
    assume(not may_ask_http10_keep_alive(stream.data))
    ours, theirs = (
        receive_stream(
            lib,
            receiver,
            pieces,
            eof=eof,
            script=stream.script,
            fallback=stream.fallback,
            # Difference 2: with one piece chunk flags are comparable.
            merge=len(pieces) > 1,
            max_incomplete_event_size=max_incomplete_event_size,
        )
        for lib in LIBS
    )
    assert ours == theirs, (ours.error_message, theirs.error_message)


@pytest.mark.parametrize("receiver", ROLES)
@given(data=st.data())
def test_valid_streams_are_received_as_h11_receives_them(
    receiver: str, data: st.DataObject
) -> None:
    """For valid traffic (send()-written or hand-written), split anyhow, with
    or without EOF, h11typed reports exactly what h11 reports."""
    stream = data.draw(valid_streams(receiver), label="stream")
    pieces = data.draw(split_pieces(stream.data), label="pieces")
    assert_same_reception(receiver, stream, pieces, eof=data.draw(st.booleans(), label="eof"))


@pytest.mark.parametrize("receiver", ROLES)
@given(data=st.data())
def test_mutated_streams_are_received_as_h11_receives_them(
    receiver: str, data: st.DataObject
) -> None:
    """For valid traffic with byte-level damage (inserted, deleted or replaced
    bytes, flipped case, injected CR/LF/NUL/SP/TAB, duplicated lines, padded
    numbers, truncation), h11typed produces the same events as h11, or fails
    the same way (RemoteProtocolError with the same error_status_hint)."""
    stream = data.draw(mutated_streams(receiver), label="stream")
    pieces = data.draw(split_pieces(stream.data), label="pieces")
    assert_same_reception(receiver, stream, pieces, eof=data.draw(st.booleans(), label="eof"))


@pytest.mark.parametrize("receiver", ROLES)
@given(data=st.data())
def test_defective_streams_are_received_as_h11_receives_them(
    receiver: str, data: st.DataObject
) -> None:
    """For hand-written messages with grammar-level defects (bad start and
    header lines, bad Content-Length and Transfer-Encoding values, bad chunk
    sizes and chunk footers, repeated Host or Transfer-Encoding), h11typed
    accepts, reads and rejects exactly what h11 does, with the same hint."""
    stream = data.draw(defective_streams(receiver), label="stream")
    pieces = data.draw(split_pieces(stream.data), label="pieces")
    assert_same_reception(receiver, stream, pieces, eof=data.draw(st.booleans(), label="eof"))


@pytest.mark.parametrize("receiver", ROLES)
@given(data=st.data())
def test_arbitrary_bytes_are_received_as_h11_receives_them(
    receiver: str, data: st.DataObject
) -> None:
    """For random bytes, alone or after a valid prefix, h11typed and h11 agree
    event for event and error for error."""
    stream = data.draw(arbitrary_streams(receiver), label="stream")
    pieces = data.draw(split_pieces(stream.data), label="pieces")
    assert_same_reception(receiver, stream, pieces, eof=data.draw(st.booleans(), label="eof"))


@pytest.mark.parametrize("receiver", ROLES)
@given(data=st.data())
def test_buffer_limit_is_enforced_as_h11_enforces_it(receiver: str, data: st.DataObject) -> None:
    """With a small max_incomplete_event_size, h11typed raises the 431 error
    exactly when h11 does (the check is on the whole buffer, and only when
    NEED_DATA would be returned)."""
    source = data.draw(st.sampled_from([valid_streams, damaged_streams]), label="source")
    stream = data.draw(source(receiver), label="stream")
    pieces = data.draw(split_pieces(stream.data), label="pieces")
    limit = data.draw(st.integers(0, 200), label="limit")
    eof = data.draw(st.booleans(), label="eof")
    assert_same_reception(receiver, stream, pieces, eof=eof, max_incomplete_event_size=limit)


# ---------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------


def send_log(lib: ModuleType, conn: Any, message: Message) -> list[Neutral]:
    """Send each event of ``message`` (ported to ``lib``) on ``conn``; log
    the bytes, or the LocalProtocolError's type and hint, and the states."""
    out: list[Neutral] = []
    for event in message:
        try:
            written = conn.send(port(lib, event))
        except lib.LocalProtocolError as exc:
            out.append(("error", type(exc).__name__, exc.error_status_hint, state_names(conn)))
        else:
            out.append(("wrote", written, state_names(conn)))
    return out


@given(request_messages(may_switch=True))
def test_requests_are_written_as_h11_writes_them(message: Message) -> None:
    """A client writes the same bytes as h11 for every generated request
    (Host first, raw header case, chunked or Content-Length bodies, trailers),
    and ends in the same states."""
    ours, theirs = (send_log(lib, lib.Connection(lib.CLIENT), message) for lib in LIBS)
    assert ours == theirs


#: Who the server is answering: nobody yet (an error response from IDLE), or
#: a request of some HTTP version, optionally asking to close.
PEERS: Final = ("nobody", "HTTP/1.0", "HTTP/1.1", "HTTP/1.1 + Connection: close")


def _server_after_request(lib: ModuleType, peer: str, method: bytes) -> Any:
    """A ``lib`` server that has read a bodiless request from ``peer``."""
    server = lib.Connection(lib.SERVER)
    if peer == "nobody":
        return server
    version = b"1.0" if peer == "HTTP/1.0" else b"1.1"
    close = b"Connection: close\r\n" if peer.endswith("close") else b""
    server.receive_data(method + b" / HTTP/" + version + b"\r\nHost: a\r\n" + close + b"\r\n")
    got = pull_events(server, lib)
    assert [type(e).__name__ for e in got] == ["Request", "EndOfMessage"]
    return server


@pytest.mark.parametrize("peer", PEERS)
@given(data=st.data())
def test_responses_are_written_and_rewritten_as_h11_does(peer: str, data: st.DataObject) -> None:
    """A server writes the same bytes as h11 for every generated response,
    including the automatic rewriting of framing and Connection headers for
    HTTP/1.0, HTTP/1.1 and unknown peers and for HEAD and CONNECT requests,
    and fails (LocalProtocolError, same hint) where h11 fails, e.g. a body
    for a HEAD request or trailers on a body delimited by closing."""
    method = data.draw(st.sampled_from([b"GET", b"HEAD", b"POST", b"CONNECT"]), label="method")
    # Usually a response that fits the request; sometimes one that does not.
    fits: list[bytes | None] = [method, b"GET", None]
    written_for = data.draw(st.sampled_from(fits), label="written for")
    message = data.draw(response_messages(written_for), label="response")
    ours, theirs = (
        send_log(lib, _server_after_request(lib, peer, method), message) for lib in LIBS
    )
    assert ours == theirs


# ---------------------------------------------------------------------------
# Whole conversations
# ---------------------------------------------------------------------------


@given(conversations())
def test_conversations_go_as_they_go_with_h11(conversation: list[Exchange]) -> None:
    """Played through a client/server pair, a keep-alive conversation gives
    the same writes, the same parsed events on both sides and the same
    states after every cycle as with h11."""
    ours, theirs = (run_conversation(conversation, lib) for lib in LIBS)
    assert ours == theirs


def _logs_agree(walk: Walk) -> None:
    assert walk.log[0] == walk.log[1]


@given(data=st.data())
def test_random_walks_go_as_they_go_with_h11(data: st.DataObject) -> None:
    """A random sequence of legal sends (early responses, 1xx, upgrades and
    CONNECT accepted or denied, half-closes, error responses from IDLE, new
    cycles), played on an h11typed pair and an h11 pair in lockstep, writes
    the same bytes, parses the same events and reaches the same states."""
    Walk(data, libs=LIBS).run(_logs_agree)
