"""``receive_stream``: a stream fed to one Connection through the shared
receive driver (tests/driver.py), our side played from a script, and the
``Outcome`` of it in neutral form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Final

from h11typed import Data, EndOfMessage, Request, Response
from tests.driver import ReceiveDriver
from tests.strategies.messages import Message
from tests.strategies.neutral import (
    Neutral,
    merge_data,
    neutral_event,
    port,
    state_names,
)


@dataclass(frozen=True)
class Outcome:
    """Everything observable from one ``receive_stream`` run.

    ``error`` is (exception type name, error_status_hint); the message is kept
    apart and excluded from equality because its wording is free to differ.
    """

    trace: tuple[Neutral, ...]
    error: tuple[str, int] | None
    states: tuple[str, str]
    their_http_version: bytes | None
    waiting_for_100: bool
    trailing_data: tuple[bytes, bool] | None
    error_message: str | None = field(default=None, compare=False)


#: What a server answers with when its script has run out.
CANNED_RESPONSE: Final[Message] = (
    Response(status_code=200, headers=[(b"Content-Length", b"0")]),
    EndOfMessage(),
)
#: What a client asks when its script has run out.
CANNED_REQUEST: Final[Message] = (
    Request(method=b"GET", target=b"/", headers=[(b"Host", b"example.com")]),
    EndOfMessage(),
)

#: States in which a server has the whole request and may answer it.
_REQUEST_COMPLETE: Final = frozenset({"DONE", "MUST_CLOSE", "MIGHT_SWITCH_PROTOCOL", "CLOSED"})


class ScriptedReceiver(ReceiveDriver):
    """The shared receive driver, our side played from a script (see
    ``receive_stream``); the trace holds neutral events and our steps."""

    trace: list[Neutral]

    def __init__(
        self,
        lib: ModuleType,
        conn: Any,
        script: Sequence[Message],
        fallback: Message | None,
        call_budget: int,
    ) -> None:
        super().__init__(lib, conn, call_budget)
        self.is_client = str(conn.our_role) == "CLIENT"
        self.script = script
        self.fallback = fallback
        self.cycle = 0
        self.sent_this_cycle = False
        self.send_broken = False

    def _send_message(self, message: Message) -> None:
        """Send ``message`` (ported to lib); record the bytes or the error."""
        wire = b""
        for event in message:
            if isinstance(event, Data | EndOfMessage) and str(self.conn.our_state) != "SEND_BODY":
                # e.g. a 2xx to CONNECT switched protocols: no body follows.
                break
            try:
                wire += self.conn.send(port(self.lib, event)) or b""
            except self.lib.LocalProtocolError as exc:
                self.trace.append(("send-error", type(exc).__name__, exc.error_status_hint))
                self.send_broken = True
                return
        self.trace.append(("sent", wire, state_names(self.conn)))

    def _our_turn_now(self) -> bool:
        ours, theirs = str(self.conn.our_state), str(self.conn.their_state)
        if self.is_client:
            return (ours, theirs) == ("IDLE", "IDLE")
        return ours == "SEND_RESPONSE" and theirs in _REQUEST_COMPLETE

    def react(self, event: object | None) -> None:
        """Play our side: start the next cycle, ask the next request or answer.
        Decided by the states alone, whatever ``event`` was."""
        while not self.send_broken:
            if (str(self.conn.our_state), str(self.conn.their_state)) == ("DONE", "DONE"):
                self.conn.start_next_cycle()
                self.cycle += 1
                self.sent_this_cycle = False
                self.trace.append(("cycle", state_names(self.conn)))
                continue
            if self.sent_this_cycle or not self._our_turn_now():
                return
            message = self.script[self.cycle] if self.cycle < len(self.script) else self.fallback
            if message is None:
                return
            self.sent_this_cycle = True
            self._send_message(message)

    def received(self, event: object) -> None:
        item = neutral_event(event)
        # Data does not change states; recording them would only make merged
        # runs harder to compare.
        self.trace.append(item if item[0] == "Data" else (*item, state_names(self.conn)))


def error_hint(error: BaseException) -> int:
    """The error_status_hint of a ProtocolError from any library."""
    hint: object = getattr(error, "error_status_hint")  # noqa: B009 - not typed on BaseException
    assert isinstance(hint, int)
    return hint


def receive_stream(
    lib: ModuleType,
    our_role: str,
    pieces: Sequence[bytes],
    *,
    eof: bool = False,
    script: Sequence[Message] = (),
    fallback: Message | None = None,
    merge: bool = True,
    max_incomplete_event_size: int | None = None,
) -> Outcome:
    """Feed ``pieces`` (then EOF if ``eof``) to a fresh ``lib`` Connection
    playing ``our_role`` ("CLIENT" or "SERVER"), pulling events after each piece.

    Our side of the conversation is played from ``script``, one message per
    keep-alive cycle (then ``fallback`` forever, if given): a client sends its
    request when both sides are IDLE, a server answers once the request is
    complete, and both DONE starts the next cycle.  The trace records every
    received event with both states after it, what we sent, each new cycle,
    and finally what the connection blocked on.

    Only ``RemoteProtocolError`` is caught, from receive_data() and
    next_event() (tests/driver.py): anything else propagates to the test.
    ``NoProgress`` is raised if next_event() keeps
    producing events beyond what the input could justify.  With ``merge``
    Data runs are merged (``merge_data``); without it the exact Data events,
    chunk flags included, are kept.  ``max_incomplete_event_size`` is passed
    to the Connection when given.
    """
    role = getattr(lib, our_role)
    if max_incomplete_event_size is None:
        conn = lib.Connection(role)
    else:
        conn = lib.Connection(role, max_incomplete_event_size=max_incomplete_event_size)
    budget = 64 + 8 * sum(len(p) for p in pieces)
    receiver = ScriptedReceiver(lib, conn, script, fallback, budget)
    blocked = receiver.run(pieces, eof=eof)
    error = receiver.error
    trace = merge_data(receiver.trace) if merge else tuple(receiver.trace)
    trailing = None
    if error is None:
        buffered, closed = conn.trailing_data
        trailing = (bytes(buffered), bool(closed))
    version = conn.their_http_version
    return Outcome(
        trace=(*trace, ("blocked", blocked)),
        error=None if error is None else (type(error).__name__, error_hint(error)),
        states=state_names(conn),
        their_http_version=None if version is None else bytes(version),
        waiting_for_100=bool(conn.they_are_waiting_for_100_continue),
        trailing_data=trailing,
        error_message=None if error is None else str(error),
    )
