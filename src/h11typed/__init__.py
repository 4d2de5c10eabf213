"""h11typed: a typed, mypyc-compiled, drop-in replacement for h11 0.16.0.

A bring-your-own-I/O HTTP/1.1 implementation: a Connection turns the bytes you receive
into events and the events you send into bytes; it never does I/O itself.
"""

from __future__ import annotations

from ._compiled import COMPILED as COMPILED
from ._connection import NEED_DATA, PAUSED, Connection
from ._connection import NextEventResult as NextEventResult
from ._events import (
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    Request,
    Response,
)
from ._install import install_as_h11 as install_as_h11
from ._state import (
    CLIENT,
    CLOSED,
    DONE,
    ERROR,
    IDLE,
    MUST_CLOSE,
    SEND_BODY,
    SEND_RESPONSE,
    SERVER,
    SWITCHED_PROTOCOL,
)
from ._state import (
    MIGHT_SWITCH_PROTOCOL as MIGHT_SWITCH_PROTOCOL,
)
from ._util import LocalProtocolError, ProtocolError, RemoteProtocolError
from ._version import __version__ as __version__

# Not in __all__ (as in h11) but importable: MIGHT_SWITCH_PROTOCOL, PRODUCT_ID, __version__,
# and h11typed's own COMPILED (True when this is the mypyc build), install_as_h11() and
# NextEventResult (the closed union that next_event() returns).
PRODUCT_ID = "python-h11typed/" + __version__

# The same names, in the same order, as h11 0.16.0's __all__ (a tuple there too).
__all__ = (  # noqa: RUF022 - h11's order, not sorted
    "Connection",
    "NEED_DATA",
    "PAUSED",
    "ConnectionClosed",
    "Data",
    "EndOfMessage",
    "Event",
    "InformationalResponse",
    "Request",
    "Response",
    "CLIENT",
    "CLOSED",
    "DONE",
    "ERROR",
    "IDLE",
    "MUST_CLOSE",
    "SEND_BODY",
    "SEND_RESPONSE",
    "SERVER",
    "SWITCHED_PROTOCOL",
    "ProtocolError",
    "LocalProtocolError",
    "RemoteProtocolError",
)
