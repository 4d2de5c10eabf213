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
4. HTTP/1.0 keep-alive (an h11typed extension, README "Beyond h11"; RFC 9112 section
   9.3): h11typed keeps an HTTP/1.0 connection open when the peer sends the
   "keep-alive" connection option and the framing allows, where h11 always
   closes.  h11 is no oracle for that, so received streams that pair an
   HTTP/1.0 (or older) start line with a "keep-alive" token are skipped
   (``may_ask_http10_keep_alive``); tests/test_http10_keep_alive.py covers it.

5. Stricter than h11 by design (docs/http-support.rst lists each
   with its RFC clause), so streams that h11 cannot judge are skipped
   (``stricter_than_h11_may_apply``): a Host value that is not
   ``uri-host [":" port]`` (RFC 9112 section 3.2), a message carrying both
   Transfer-Encoding and Content-Length (RFC 9112 section 6.1: no reuse after
   it), and a chunk-size line whose extension h11's lax pattern and RFC 9112
   section 7.1.1's grammar judge differently.  tests/test_hardening.py covers
   each.
6. The size limit: a head, trailer section or chunk-size line longer than
   max_incomplete_event_size is rejected (431) even when it arrives in one
   piece, where h11 only limits bytes still waiting (``assert_same_reception``
   accepts an earlier 431 after the same events).

Any other difference is a finding to report, not to normalise.
"""

from __future__ import annotations

import ipaddress
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
    frames_twice,
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


#: A Host field line, its value, and any obs-fold continuation lines after it.
_HOST_LINE: Final = re.compile(rb"(?im)^host[ \t]*:[ \t]*([^\r\n]*?)[ \t]*\r?\n([ \t])?")
#: A valid Host value, written from RFC 3986 sections 3.2.2-3.2.3: a reg-name
#: or a bracketed literal, then an optional port.
_VALID_HOST: Final = re.compile(
    rb"(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
    rb"|\[(?P<ipv6>[0-9A-Fa-f:.]+)\]"
    rb"|\[[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+\])"
    rb"(?::[0-9]*)?"
)
#: A line as h11 reads a chunk-size line, and as RFC 9112 section 7.1.1 does.
_TCHAR: Final = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]"
_H11_CHUNK_LINE: Final = re.compile(rb"[0-9A-Fa-f]{1,20}(?:;.*)?[ \t]*")
_RFC_CHUNK_LINE: Final = re.compile(
    rb"[0-9A-Fa-f]{1,20}(?:[ \t]*;[ \t]*"
    + _TCHAR
    + rb"+(?:[ \t]*=[ \t]*(?:"
    + _TCHAR
    + rb'+|"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"))?)*[ \t]*'
)


def _valid_host(value: bytes) -> bool:
    match = _VALID_HOST.fullmatch(value)
    if match is None:
        return False
    if match["ipv6"] is None:
        return True
    try:
        ipaddress.IPv6Address(match["ipv6"].decode())
    except ValueError:
        return False
    return True


def stricter_than_h11_may_apply(data: bytes) -> bool:
    """True if ``data`` might hit one of the stricter-than-h11 rules
    (deliberate difference 5).  Loose in the same way as above."""
    for host in _HOST_LINE.finditer(data):
        if host[2] is not None or not _valid_host(host[1]):
            return True
    for section in re.split(rb"\r?\n\r?\n", data):
        lowered = section.lower()
        if b"transfer-encoding" in lowered and b"content-length" in lowered:
            return True
    # Lines end in LF, with or without CR (a head may end in a bare LF).
    for line in data.split(b"\n"):
        line = line.removesuffix(b"\r")
        if b";" in line and bool(_H11_CHUNK_LINE.fullmatch(line)) != bool(
            _RFC_CHUNK_LINE.fullmatch(line)
        ):
            return True
    return False


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
    assume(not stricter_than_h11_may_apply(stream.data))
    assume(not any(frames_twice(message) for message in stream.script))
    assume(stream.fallback is None or not frames_twice(stream.fallback))
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
    if (
        ours != theirs
        and ours.error == ("RemoteProtocolError", 431)
        and max_incomplete_event_size is not None
    ):
        # Difference 6: the limit may strike where h11 read on, after the same events
        # (the last may be a Data run that h11 continued).
        agreed = max(len(ours.trace) - 2, 0)
        assert theirs.trace[:agreed] == ours.trace[:agreed], ours.error_message
        return
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
    wherever h11 does (bytes still waiting for a head or line's end exceed the
    limit), and otherwise only earlier, after the same events (difference 6)."""
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
    assume(not frames_twice(message))
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
    assume(not frames_twice(message))
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
    assume(not any(frames_twice(e.request) or frames_twice(e.response) for e in conversation))
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
