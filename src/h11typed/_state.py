"""The HTTP/1.1 connection state machine: roles, states and the transition tables.

Each side of a connection (the CLIENT and the SERVER) has a state. Events move the
state of the side that sends them (the event-triggered table), and some combinations
of the two states move one side further on their own (the state-triggered table). This
module knows nothing about bytes or event objects: the Connection tells it which *kind*
of event happened, and it answers with the new states or raises LocalProtocolError.

Invariants worth knowing when reading the tables:
- Only the server's table mentions the client's Request: it is how the server learns
  that a response is now owed (IDLE -> SEND_RESPONSE).
- A client that has proposed a protocol switch (Upgrade or CONNECT) waits in
  MIGHT_SWITCH_PROTOCOL once its request is complete, until the server accepts (both go
  to SWITCHED_PROTOCOL) or answers anything else (the proposal is dropped).
- When keep-alive is off, DONE is always followed by MUST_CLOSE.
- ERROR is final.

The public names are Literal-typed strings so a type checker can narrow them; inside,
states and event kinds are small native integers (i64), because compiled code compares
those natively and looks transitions up in a flat bytes table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal, get_args

from ._util import LocalProtocolError

if TYPE_CHECKING:
    from mypy_extensions import i64

Role = Literal["CLIENT", "SERVER"]
State = Literal[
    "IDLE",
    "SEND_RESPONSE",
    "SEND_BODY",
    "DONE",
    "MUST_CLOSE",
    "CLOSED",
    "ERROR",
    "MIGHT_SWITCH_PROTOCOL",
    "SWITCHED_PROTOCOL",
]

CLIENT: Final = "CLIENT"
SERVER: Final = "SERVER"

IDLE: Final = "IDLE"
SEND_RESPONSE: Final = "SEND_RESPONSE"
SEND_BODY: Final = "SEND_BODY"
DONE: Final = "DONE"
MUST_CLOSE: Final = "MUST_CLOSE"
CLOSED: Final = "CLOSED"
ERROR: Final = "ERROR"
MIGHT_SWITCH_PROTOCOL: Final = "MIGHT_SWITCH_PROTOCOL"
SWITCHED_PROTOCOL: Final = "SWITCHED_PROTOCOL"

# The kinds of event the machine distinguishes. The two "accept" kinds are a server's
# InformationalResponse 101 answering an Upgrade, and its 2xx Response answering CONNECT.
EventKind = Literal[
    "Request",
    "InformationalResponse",
    "Response",
    "Data",
    "EndOfMessage",
    "ConnectionClosed",
    "accept Upgrade (101)",
    "accept CONNECT (2xx)",
    "client's Request",
]

# Event-triggered transitions, per role: state -> {event kind: new state}. Any pair not
# listed is a protocol error.
EVENT_TRIGGERED: Final[dict[Role, dict[State, dict[EventKind, State]]]] = {
    CLIENT: {
        IDLE: {"Request": SEND_BODY, "ConnectionClosed": CLOSED},
        SEND_BODY: {"Data": SEND_BODY, "EndOfMessage": DONE},
        DONE: {"ConnectionClosed": CLOSED},
        MUST_CLOSE: {"ConnectionClosed": CLOSED},
        CLOSED: {"ConnectionClosed": CLOSED},
        MIGHT_SWITCH_PROTOCOL: {},
        SWITCHED_PROTOCOL: {},
        ERROR: {},
    },
    SERVER: {
        IDLE: {
            "ConnectionClosed": CLOSED,
            # A server may answer before any request arrives (e.g. 408 or 400).
            "Response": SEND_BODY,
            "client's Request": SEND_RESPONSE,
        },
        SEND_RESPONSE: {
            "InformationalResponse": SEND_RESPONSE,
            "Response": SEND_BODY,
            "accept Upgrade (101)": SWITCHED_PROTOCOL,
            "accept CONNECT (2xx)": SWITCHED_PROTOCOL,
        },
        SEND_BODY: {"Data": SEND_BODY, "EndOfMessage": DONE},
        DONE: {"ConnectionClosed": CLOSED},
        MUST_CLOSE: {"ConnectionClosed": CLOSED},
        CLOSED: {"ConnectionClosed": CLOSED},
        SWITCHED_PROTOCOL: {},
        ERROR: {},
    },
}

# State-triggered transitions: (client state, server state) -> (role that moves, new state).
STATE_TRIGGERED: Final[dict[tuple[State, State], tuple[Role, State]]] = {
    # The server accepted the switch: the client follows.
    (MIGHT_SWITCH_PROTOCOL, SWITCHED_PROTOCOL): (CLIENT, SWITCHED_PROTOCOL),
    # One side has closed (or failed): the other can only close too once it is done.
    (CLOSED, DONE): (SERVER, MUST_CLOSE),
    (CLOSED, IDLE): (SERVER, MUST_CLOSE),
    (ERROR, DONE): (SERVER, MUST_CLOSE),
    (DONE, CLOSED): (CLIENT, MUST_CLOSE),
    (IDLE, CLOSED): (CLIENT, MUST_CLOSE),
    (DONE, ERROR): (CLIENT, MUST_CLOSE),
}

# ---- the integer encoding used at run time ----------------------------------------

# State i (an S_* code) is STATE_NAMES[i], in the order the State type lists them.
STATE_NAMES: Final[tuple[State, ...]] = get_args(State)
S_IDLE: Final = 0
S_SEND_RESPONSE: Final = 1
S_SEND_BODY: Final = 2
S_DONE: Final = 3
S_MUST_CLOSE: Final = 4
S_CLOSED: Final = 5
S_ERROR: Final = 6
S_MIGHT_SWITCH_PROTOCOL: Final = 7
S_SWITCHED_PROTOCOL: Final = 8

# Event kind i (an E_* code) is EVENT_KINDS[i], in the order the EventKind type lists them.
EVENT_KINDS: Final[tuple[EventKind, ...]] = get_args(EventKind)
E_REQUEST: Final = 0
E_INFORMATIONAL_RESPONSE: Final = 1
E_RESPONSE: Final = 2
E_DATA: Final = 3
E_END_OF_MESSAGE: Final = 4
E_CONNECTION_CLOSED: Final = 5
E_ACCEPT_UPGRADE: Final = 6
E_ACCEPT_CONNECT: Final = 7
E_CLIENTS_REQUEST: Final = 8

_N_STATES: Final = 9
_N_KINDS: Final = 9
_NO_TRANSITION: Final = -1

# The tables are bytes holding each value + 1 (0: no transition): compiled, indexing bytes
# with an i64 is a bounds check and a load, where a dict lookup hashes a tuple
# (a_cycle -22.9% instructions).


def _flatten_event_table() -> bytes:
    # Index: (role * states + state) * kinds + kind, role 0 = client, 1 = server.
    flat = bytearray(2 * _N_STATES * _N_KINDS)
    roles: tuple[Role, Role] = (CLIENT, SERVER)
    for role_index, role in enumerate(roles):
        for state, moves in EVENT_TRIGGERED[role].items():
            for kind, new_state in moves.items():
                index = (
                    role_index * _N_STATES + STATE_NAMES.index(state)
                ) * _N_KINDS + EVENT_KINDS.index(kind)
                flat[index] = STATE_NAMES.index(new_state) + 1
    return bytes(flat)


def _flatten_state_table() -> bytes:
    # Index: client state * states + server state; value: role * states + new state.
    flat = bytearray(_N_STATES * _N_STATES)
    for (client_state, server_state), (role, new_state) in STATE_TRIGGERED.items():
        index = STATE_NAMES.index(client_state) * _N_STATES + STATE_NAMES.index(server_state)
        flat[index] = (0 if role == CLIENT else 1) * _N_STATES + STATE_NAMES.index(new_state) + 1
    return bytes(flat)


_EVENT_TABLE: Final = _flatten_event_table()
_STATE_TABLE: Final = _flatten_state_table()


class ConnectionState:
    """The pair of states plus the two facts that drive state-triggered moves.

    ``keep_alive`` goes False for good once either message says the connection must not
    be reused; ``upgrade_proposed`` / ``connect_proposed`` are the client's pending
    protocol-switch proposals (RFC 9110 §7.8 Upgrade, §9.3.6 CONNECT).
    """

    def __init__(self) -> None:
        self.client: i64 = S_IDLE
        self.server: i64 = S_IDLE
        self.keep_alive = True
        self.upgrade_proposed = False
        self.connect_proposed = False

    def process_error(self, role_is_client: bool) -> None:
        if role_is_client:
            self.client = S_ERROR
        else:
            self.server = S_ERROR
        self._settle()

    def process_keep_alive_disabled(self) -> None:
        self.keep_alive = False
        self._settle()

    def process_connect_proposal(self) -> None:
        """The client sent a CONNECT request (RFC 9110 §9.3.6)."""
        self.connect_proposed = True
        self._settle()

    def process_upgrade_proposal(self) -> None:
        """The client sent a request with Upgrade (RFC 9110 §7.8)."""
        self.upgrade_proposed = True
        self._settle()

    def process_event(self, role_is_client: bool, kind: i64) -> None:
        """Apply one event of ``kind`` sent by the given role, or raise LocalProtocolError."""
        if kind == E_ACCEPT_UPGRADE and not self.upgrade_proposed:
            raise LocalProtocolError("101 Switching Protocols answers no pending Upgrade proposal")
        if kind == E_RESPONSE:
            # Any final response other than an accepted CONNECT denies pending switches.
            self.upgrade_proposed = False
            self.connect_proposed = False
        if role_is_client:
            self.client = self._move(0, self.client, kind)
            if kind == E_REQUEST:
                self.server = self._move(1, self.server, E_CLIENTS_REQUEST)
        else:
            self.server = self._move(1, self.server, kind)
        self._settle()

    def _move(self, role_index: i64, state: i64, kind: i64) -> i64:
        new_state: i64 = _EVENT_TABLE[(role_index * _N_STATES + state) * _N_KINDS + kind] - 1
        if new_state == _NO_TRANSITION:
            # (An "accept" kind is only ever sent from SEND_RESPONSE, where it is legal.)
            raise LocalProtocolError(
                f"can't handle event type {EVENT_KINDS[kind]} when role={'CLIENT' if role_index == 0 else 'SERVER'}"
                f" and state={STATE_NAMES[state]}"
            )
        return new_state

    def _settle(self) -> None:
        """Apply state-triggered transitions until nothing changes."""
        while True:
            client = self.client
            server = self.server
            switch_pending = self.upgrade_proposed or self.connect_proposed
            # A switch proposal takes priority over closing: an HTTP/1.0 CONNECT client is
            # both DONE-without-keep-alive and waiting for the switch.
            if switch_pending and self.client == S_DONE:
                self.client = S_MIGHT_SWITCH_PROTOCOL
            if not switch_pending and self.client == S_MIGHT_SWITCH_PROTOCOL:
                self.client = S_DONE
            if not self.keep_alive:
                if self.client == S_DONE:
                    self.client = S_MUST_CLOSE
                if self.server == S_DONE:
                    self.server = S_MUST_CLOSE
            move: i64 = _STATE_TABLE[self.client * _N_STATES + self.server] - 1
            if move != _NO_TRANSITION:
                if move < _N_STATES:
                    self.client = move
                else:
                    self.server = move - _N_STATES
            if self.client == client and self.server == server:
                return

    def start_next_cycle(self) -> None:
        if self.client != S_DONE or self.server != S_DONE:
            raise LocalProtocolError(
                f"not in a reusable state: client is {STATE_NAMES[self.client]},"
                f" server is {STATE_NAMES[self.server]} (both must be DONE)"
            )
        self.client = S_IDLE
        self.server = S_IDLE
