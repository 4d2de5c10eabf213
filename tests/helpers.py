"""Shared helpers for the h11typed specification tests.

Conventions used throughout:

* ``events_from(conn, data)`` feeds bytes to a connection and returns the
  *events* it produces.  The sentinel that stopped the loop (``NEED_DATA`` or
  ``PAUSED``) is NOT included; call ``conn.next_event()`` once more to see it
  (both sentinels are sticky until something changes).  A ``ConnectionClosed``
  event is included and ends the loop, because it repeats forever.
* ``normalize_data_events(events)`` merges consecutive ``Data`` events and turns
  bytearray payloads into ``bytes``, so that expectations do not depend on how
  the bytes happened to be split across ``receive_data`` calls.
* ``ConnectionPair`` runs a client and a server against each other in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final, Literal, TypeVar

import pytest

from h11typed import (
    CLIENT,
    NEED_DATA,
    PAUSED,
    SERVER,
    Connection,
    ConnectionClosed,
    Data,
    Event,
)

if TYPE_CHECKING:
    from h11typed._state import Role

__all__ = [
    "FEEDS",
    "ConnectionPair",
    "Feed",
    "NextEvent",
    "events_from",
    "exactly",
    "normalize_data_events",
    "parametrize_feed",
    "receive_and_get",
    "send_all",
]

#: What ``Connection.next_event()`` can return.
NextEvent = Event | type[NEED_DATA] | type[PAUSED]

#: How to deliver bytes: in one ``receive_data`` call, or one byte per call
#: (pulling events after every byte).  Behaviour that must not depend on how
#: the network split the stream is tested under both.
Feed = Literal["at-once", "bytewise"]
FEEDS: Final[tuple[Feed, ...]] = ("at-once", "bytewise")

#: Decorator: run a test once per feed mode, as argument ``feed``.
parametrize_feed: Final = pytest.mark.parametrize("feed", FEEDS)


def _pull(conn: Connection, out: list[Event]) -> None:
    """Append events from ``conn`` to ``out`` until it blocks or closes."""
    while True:
        event = conn.next_event()
        if not isinstance(event, Event):
            # NEED_DATA or PAUSED: nothing more until the caller acts.
            return
        out.append(event)
        if type(event) is ConnectionClosed:
            return


def events_from(
    conn: Connection,
    data: bytes = b"",
    *,
    eof: bool = False,
    feed: Feed = "at-once",
) -> list[Event]:
    """Feed ``data`` (then EOF if ``eof``) to ``conn`` and return the events.

    Events are returned exactly as produced (not normalised).  Pulling stops at
    NEED_DATA or PAUSED (not included) or after a ConnectionClosed (included).
    Exceptions from ``next_event`` propagate.

    With ``feed="bytewise"`` every byte is passed in its own ``receive_data``
    call and events are pulled after each one.
    """
    out: list[Event] = []
    if feed == "bytewise":
        for i in range(len(data)):
            conn.receive_data(data[i : i + 1])
            _pull(conn, out)
    elif data:
        conn.receive_data(data)
    if eof:
        conn.receive_data(b"")
    _pull(conn, out)
    return out


def normalize_data_events(
    events: Iterable[Event], *, keep_chunk_flags: bool = False
) -> list[Event]:
    """Merge runs of consecutive ``Data`` events into one ``Data(bytes)``.

    By default the merged event has ``chunk_start=False, chunk_end=False``: the
    payload is what matters and the flags depend on chunking.  With
    ``keep_chunk_flags=True`` a run is only merged *within* one chunk (a new run
    starts after a ``chunk_end`` or at a ``chunk_start``) and the merged event
    takes ``chunk_start`` from its first piece and ``chunk_end`` from its last.
    Non-Data events are passed through unchanged.
    """
    out: list[Event] = []
    # Pieces of the run being merged; flushed when the run ends.
    run: list[Data] = []

    def flush() -> None:
        if not run:
            return
        payload = b"".join(bytes(piece.data) for piece in run)
        if keep_chunk_flags:
            out.append(Data(payload, run[0].chunk_start, run[-1].chunk_end))
        else:
            out.append(Data(payload))
        run.clear()

    for event in events:
        if type(event) is Data:
            if keep_chunk_flags and run and (run[-1].chunk_end or event.chunk_start):
                flush()
            run.append(event)
        else:
            flush()
            out.append(event)
    flush()
    return out


def receive_and_get(
    conn: Connection, data: bytes, *, eof: bool = False, feed: Feed = "at-once"
) -> list[Event]:
    """``events_from`` followed by ``normalize_data_events``."""
    return normalize_data_events(events_from(conn, data, eof=eof, feed=feed))


_E = TypeVar("_E", bound=Event)


def exactly(kind: type[_E], value: NextEvent) -> _E:
    """``value``, after asserting that its type is ``kind`` itself (not a subclass).

    ``assert type(value) is kind`` alone narrows for mypy but not for pyright, which
    keeps ``type[NEED_DATA]`` and ``type[PAUSED]`` in the union after it.
    """
    assert type(value) is kind
    assert isinstance(value, kind)
    return value


def send_all(conn: Connection, events: Iterable[Event]) -> bytes:
    """Send each event on ``conn`` and return all bytes produced, joined."""
    chunks: list[bytes] = []
    for event in events:
        written = conn.send(event)
        if written is not None:
            chunks.append(written)
    return b"".join(chunks)


class ConnectionPair:
    """A client and a server Connection wired back to back in memory.

    ``send(role, events)`` sends from the connection playing ``role``, passes
    the bytes to the other one, and returns the (normalised) events that side
    received.  A sent ``ConnectionClosed`` is delivered as EOF.
    """

    def __init__(self) -> None:
        self.client: Connection = Connection(our_role=CLIENT)
        self.server: Connection = Connection(our_role=SERVER)
        #: Bytes written by the most recent ``send`` call.
        self.last_wire: bytes = b""

    def conn(self, role: Role) -> Connection:
        """The connection playing ``role``."""
        return self.client if role == CLIENT else self.server

    def peer(self, role: Role) -> Connection:
        """The connection opposite to ``role``."""
        return self.server if role == CLIENT else self.client

    def send(
        self,
        role: Role,
        events: Event | Sequence[Event],
        expect: Sequence[Event] | Literal["sent"] | None = "sent",
    ) -> list[Event]:
        """Send ``events`` from ``role`` and deliver them to the peer.

        ``expect`` is checked against the normalised received events: the
        default ``"sent"`` means "exactly what was sent" (normalised the same
        way); pass an explicit list when send() rewrites something (Response
        headers), or ``None`` to skip the check.  Afterwards both connections
        must agree on both roles' states.
        """
        sent = [events] if isinstance(events, Event) else list(events)
        sender, receiver = self.conn(role), self.peer(role)
        wire = send_all(sender, sent)
        self.last_wire = wire
        closed = any(type(event) is ConnectionClosed for event in sent)
        got = receive_and_get(receiver, wire, eof=closed)
        if expect == "sent":
            assert got == normalize_data_events(sent)
        elif expect is not None:
            assert got == normalize_data_events(expect)
        assert sender.states == receiver.states
        return got
