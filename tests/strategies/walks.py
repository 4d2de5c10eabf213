"""``Walk``: random sequences of legal sends through the state machine, on one
or several libraries in lockstep."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from hypothesis import strategies as st

import h11typed
from h11typed import (
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    Request,
)
from tests.strategies.conversation import pull_events
from tests.strategies.messages import (
    frames_twice,
    informational_responses,
    request_messages,
    response_messages,
)
from tests.strategies.neutral import Neutral, neutral_event, port, state_names


def deliver(peer: Any, written: bytes | None) -> None:
    """Pass what send() returned to the peer: None (ConnectionClosed) is EOF,
    and an empty write is skipped (receive_data(b"") would also mean EOF)."""
    if written is None:
        peer.receive_data(b"")
    elif written:
        peer.receive_data(written)


def close_delimited(response: Neutral, method: bytes | None) -> bool:
    """True if a received Response (neutral form) has a body that runs until
    the connection closes (RFC 9112 section 6.3): its sender can finish it
    without the peer seeing a byte, so the peer lags until EOF."""
    fields = dict(response[1])
    status = fields["status_code"]
    names = {name for name, _ in fields["headers"]}
    no_body = (
        status in (204, 304) or method == b"HEAD" or (method == b"CONNECT" and 200 <= status < 300)
    )
    return not no_body and not names & {b"content-length", b"transfer-encoding"}


class Walk:
    """A random sequence of legal sends between a client and a server, played
    in lockstep on one pair of Connections per library in ``libs``.

    Messages may go out over several steps, so either side can act while the
    other is mid-message (early responses, an upgrade accepted before the
    request body ends, half-closes, error responses from IDLE).  After every
    event the peer reads all it can.  Which steps are legal is decided from the
    first library's states; ``log`` records, per library, every write, what
    the peer then parsed, and both sides' states.
    """

    def __init__(self, data: st.DataObject, libs: Sequence[ModuleType] = (h11typed,)) -> None:
        self.data = data
        self.libs = libs
        self.pairs: list[dict[str, Any]] = [
            {"CLIENT": lib.Connection(lib.CLIENT), "SERVER": lib.Connection(lib.SERVER)}
            for lib in libs
        ]
        self.conns = self.pairs[0]
        self.log: list[list[Neutral]] = [[] for _ in libs]
        self.pending: dict[str, list[Event]] = {"CLIENT": [], "SERVER": []}
        self.method: bytes | None = None
        self.upgrade_proposed = False
        #: The last final Response the client parsed (first library).
        self.last_response: Neutral | None = None

    def state(self, role: str) -> str:
        """``role``'s own view of its state (first library)."""
        return str(self.conns[role].our_state)

    def view(self, of_role: str) -> str:
        """The peer's view of ``of_role``'s state (first library)."""
        peer = self.conns["SERVER" if of_role == "CLIENT" else "CLIENT"]
        views: dict[str, str] = dict(zip(("CLIENT", "SERVER"), state_names(peer), strict=True))
        return views[of_role]

    def actions(self) -> list[str]:
        """The steps that are legal now."""
        client, server = self.state("CLIENT"), self.state("SERVER")
        out: list[str] = []
        if self.pending["CLIENT"]:
            out.append("client-continue")
        else:
            if (client, server) == ("IDLE", "IDLE"):
                out += ["client-request", "server-error-response"]
            if client in ("IDLE", "DONE", "MUST_CLOSE"):
                out.append("client-close")
        if self.pending["SERVER"]:
            out.append("server-continue")
        else:
            if server == "SEND_RESPONSE":
                out += ["server-informational", "server-response"]
                if self.upgrade_proposed:
                    out.append("server-accept-upgrade")
            if server in ("IDLE", "DONE", "MUST_CLOSE"):
                out.append("server-close")
        if (client, server) == ("DONE", "DONE"):
            out.append("cycle")
        return out

    def send(self, role: str, event: Event) -> None:
        """Send one event on every library's pair; let each peer read."""
        peer_role = "SERVER" if role == "CLIENT" else "CLIENT"
        for index, (lib, conns) in enumerate(zip(self.libs, self.pairs, strict=True)):
            written = conns[role].send(port(lib, event))
            deliver(conns[peer_role], written)
            got = [neutral_event(e) for e in pull_events(conns[peer_role], lib)]
            states = (state_names(conns["CLIENT"]), state_names(conns["SERVER"]))
            self.log[index].append((role, written, tuple(got), states))
            if index == 0 and peer_role == "CLIENT":
                for item in got:
                    if item[0] == "Response":
                        self.last_response = item

    def continue_message(self, role: str) -> None:
        """Send the next 1+ pending events of ``role``'s current message."""
        pending = self.pending[role]
        for _ in range(self.data.draw(st.integers(1, len(pending)), label="how many")):
            event = pending.pop(0)
            if isinstance(event, Data | EndOfMessage) and self.state(role) != "SEND_BODY":
                # A 2xx to CONNECT switched protocols: the body never comes.
                pending.clear()
                return
            self.send(role, event)

    def step(self, action: str) -> None:
        """Carry out one action from ``actions()``."""
        draw = self.data.draw
        if action == "client-request":
            requests = request_messages(may_switch=True)
            if len(self.libs) > 1:
                # h11 keeps a connection that h11typed ends (frames_twice).
                requests = requests.filter(lambda m: not frames_twice(m))
            message = draw(requests, label="request")
            head = message[0]
            assert isinstance(head, Request)
            self.method = head.method
            self.upgrade_proposed = any(name == b"upgrade" for name, _ in head.headers)
            self.last_response = None
            self.pending["CLIENT"] = list(message)
            self.continue_message("CLIENT")
        elif action in ("server-response", "server-error-response"):
            method = self.method if action == "server-response" else None
            responses = response_messages(method)
            if len(self.libs) > 1:
                responses = responses.filter(lambda m: not frames_twice(m))
            message = draw(responses, label="response")
            # This action sends the final response; 1xx are their own action.
            final = [e for e in message if not isinstance(e, InformationalResponse)]
            self.pending["SERVER"] = final
            self.continue_message("SERVER")
        elif action == "server-informational":
            self.send("SERVER", draw(informational_responses(), label="1xx"))
        elif action == "server-accept-upgrade":
            accept = InformationalResponse(status_code=101, headers=[(b"Upgrade", b"x")])
            self.send("SERVER", accept)
        elif action.endswith("-continue"):
            self.continue_message(action.split("-", maxsplit=1)[0].upper())
        elif action.endswith("-close"):
            self.send(action.split("-", maxsplit=1)[0].upper(), ConnectionClosed())
        else:
            assert action == "cycle"
            for conns in self.pairs:
                conns["CLIENT"].start_next_cycle()
                conns["SERVER"].start_next_cycle()
            for index, conns in enumerate(self.pairs):
                views = (state_names(conns["CLIENT"]), state_names(conns["SERVER"]))
                self.log[index].append(("cycle", *views))
            self.method = None
            self.upgrade_proposed = False

    def run(self, check: Callable[[Walk], None], max_steps: int = 16) -> None:
        """Take up to ``max_steps`` random legal steps, calling ``check(self)``
        after each."""
        for _ in range(max_steps):
            actions = self.actions()
            if not actions:
                return
            self.step(self.data.draw(st.sampled_from(actions), label="action"))
            check(self)
