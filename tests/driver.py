"""The receive driver shared by the property tests and the fuzz targets.

``ReceiveDriver`` feeds received bytes to one Connection, piece by piece, and
after each piece pulls events until the connection blocks (NEED_DATA, PAUSED),
closes (ConnectionClosed) or fails (RemoteProtocolError); a subclass plays our
side of the conversation between events and records what it needs. The
property tests (``tests.strategies.receiving``) play our side from a script;
the fuzz targets (``fuzz/harness.py``) from the mode byte of each input.

It drives any module with h11's API: h11typed, the pure copy the fuzzer
instruments, or h11 itself. It imports only the standard library, because the
fuzz environment has neither pytest nor hypothesis.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import Any

#: What receive_data() takes; an empty piece means EOF.
Piece = bytes | bytearray | memoryview


class NoProgress(AssertionError):
    """next_event() kept returning events beyond what the input could justify."""


class ReceiveDriver:
    """Feeds pieces to ``conn``, a Connection of ``lib``, and pulls its events.

    Only ``RemoteProtocolError`` is caught, from receive_data() and
    next_event() alike; it ends the run. Anything else propagates. More than
    ``call_budget`` next_event() calls in all raise ``NoProgress``.

    Subclasses override the hooks: ``react`` (our side's move), ``received``,
    ``blocked_on`` and ``failed`` (recording, usually into ``trace``).
    """

    def __init__(self, lib: ModuleType, conn: Any, call_budget: int) -> None:
        self.lib = lib
        self.conn = conn
        self.calls_left = call_budget
        #: What the subclass recorded; the last items go into NoProgress messages.
        self.trace: list[Any] = []
        #: The RemoteProtocolError that ended the run, if one did.
        self.error: BaseException | None = None
        #: True after a RemoteProtocolError or ConnectionClosed: nothing more to read.
        self.stopped = False

    # --- hooks ------------------------------------------------------------------

    def react(self, event: object | None) -> None:
        """Our side's move: called with ``None`` before each pull, then after
        every event received (ConnectionClosed included)."""

    def received(self, event: object) -> None:
        """Record an event, before ``react`` sees it."""

    def blocked_on(self, sentinel: object) -> None:
        """Record the NEED_DATA or PAUSED that ended a pull."""

    def failed(self, error: BaseException) -> None:
        """Record (or check) the RemoteProtocolError that ended the run."""

    # --- driving ----------------------------------------------------------------

    def _fail(self, error: BaseException) -> None:
        self.error = error
        self.stopped = True
        self.failed(error)

    def pull(self) -> str | None:
        """Pull events until the connection blocks. Returns the name of what
        stopped it ("NEED_DATA", "PAUSED", "ConnectionClosed"), or None after a
        RemoteProtocolError."""
        lib = self.lib
        self.react(None)
        while True:
            self.calls_left -= 1
            if self.calls_left < 0:
                raise NoProgress(f"next_event() did not settle; last steps {self.trace[-8:]!r}")
            try:
                event = self.conn.next_event()
            except lib.RemoteProtocolError as exc:
                self._fail(exc)
                return None
            if event is lib.NEED_DATA or event is lib.PAUSED:
                self.blocked_on(event)
                return str(event.__name__)
            self.received(event)
            self.react(event)
            if isinstance(event, lib.ConnectionClosed):
                # It would repeat forever from here on.
                self.stopped = True
                return "ConnectionClosed"

    def feed(self, piece: Piece) -> str | None:
        """receive_data(``piece``), then ``pull``; returns what ``pull`` does."""
        try:
            self.conn.receive_data(piece)
        except self.lib.RemoteProtocolError as exc:
            self._fail(exc)
            return None
        return self.pull()

    def run(self, pieces: Iterable[Piece], *, eof: bool) -> str | None:
        """Pull first (a client may speak first), then feed each non-empty piece
        and, if ``eof``, EOF, until the run stops. Returns what the connection
        last blocked on (see ``pull``)."""
        blocked = self.pull()
        for piece in [*pieces, *([b""] if eof else [])]:
            if self.stopped:
                break
            blocked = self.feed(piece)
        return blocked
