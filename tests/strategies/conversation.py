"""A whole conversation played through a client/server pair, and helpers to
read what send() wrote."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import h11typed
from tests.strategies.grammar import HeaderList
from tests.strategies.messages import Exchange
from tests.strategies.neutral import Neutral, neutral_event, port, state_names


def pull_events(conn: Any, lib: ModuleType) -> list[Any]:
    """next_event() until NEED_DATA/PAUSED (excluded) or ConnectionClosed."""
    out: list[Any] = []
    while True:
        event = conn.next_event()
        if event is lib.NEED_DATA or event is lib.PAUSED:
            return out
        out.append(event)
        if type(event).__name__ == "ConnectionClosed":
            return out


@dataclass
class ConversationRun:
    """What happened when a conversation was played through a pair.

    ``*_writes`` hold, per sent event, what send() returned (None for
    ConnectionClosed); ``*_got`` the neutral events each side received, in
    order; ``states`` both sides' view of (client, server) after each cycle.
    """

    client_writes: list[bytes | None] = field(default_factory=list[bytes | None])
    server_writes: list[bytes | None] = field(default_factory=list[bytes | None])
    server_got: list[Neutral] = field(default_factory=list[Neutral])
    client_got: list[Neutral] = field(default_factory=list[Neutral])
    states: list[tuple[tuple[str, str], tuple[str, str]]] = field(
        default_factory=list[tuple[tuple[str, str], tuple[str, str]]]
    )


def run_conversation(
    conversation: Sequence[Exchange], lib: ModuleType = h11typed
) -> ConversationRun:
    """Play each exchange: the client sends the whole request and the server
    reads it, then the server sends the whole response and the client reads
    it; both DONE starts the next cycle."""
    client = lib.Connection(lib.CLIENT)
    server = lib.Connection(lib.SERVER)
    run = ConversationRun()
    for exchange in conversation:
        for message, sender, receiver, writes, got in (
            (exchange.request, client, server, run.client_writes, run.server_got),
            (exchange.response, server, client, run.server_writes, run.client_got),
        ):
            for event in message:
                written = sender.send(port(lib, event))
                writes.append(written)
                if written:
                    receiver.receive_data(written)
            got.extend(neutral_event(e) for e in pull_events(receiver, lib))
        run.states.append((state_names(client), state_names(server)))
        if state_names(client) == ("DONE", "DONE") and state_names(server) == ("DONE", "DONE"):
            client.start_next_cycle()
            server.start_next_cycle()
    return run


def hostfirst(pairs: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Headers in the order the writer puts them on the wire: every Host
    header first, the rest in their original order (docs/http-support.rst, the
    RFC 9112 section 3.2 row)."""
    listed = list(pairs)
    return [p for p in listed if p[0] == b"host"] + [p for p in listed if p[0] != b"host"]


def parse_written_head(head: bytes) -> tuple[bytes, HeaderList]:
    """Split a head exactly as send() writes it (CRLF lines, ``name: value``)
    into its start line and (lowercased name, value) pairs.  Deliberately
    naive: it only has to read send()'s canonical output."""
    assert head.endswith(b"\r\n\r\n"), head
    start, *lines = head[:-4].split(b"\r\n")
    pairs: HeaderList = []
    for line in lines:
        name, sep, value = line.partition(b": ")
        assert sep, line
        pairs.append((name.lower(), value))
    return start, pairs
