"""The parts of h11typed that stay interpreted: the error classes, two sentinels, a shim.

This module is deliberately left out of the mypyc build. Nothing here is on a hot path
(errors are raised only for protocol violations), and keeping these as ordinary Python
classes means users can subclass and pickle the exceptions, and the sentinels can use a
metaclass, exactly as with h11. And ``mypyc_attr`` can be defined in two ways here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast, final

if TYPE_CHECKING:
    # What mypy, and so mypyc, sees: the compiled classes get the attributes it names.
    from mypy_extensions import mypyc_attr as mypyc_attr  # noqa: PLC0414 - re-exported
else:
    # What runs: mypy_extensions is not a runtime dependency, and a compiled class never
    # calls its decorators, so only the pure build calls this, and there they mean nothing.
    def mypyc_attr(*_attrs, **_kwattrs):
        return lambda cls: cls


class ProtocolError(Exception):
    """Base class for the two protocol errors; never raised or instantiated itself.

    ``error_status_hint`` is the HTTP status a server should answer with when the error
    came from the peer (400 unless a more specific one fits, e.g. 431 or 501).
    """

    error_status_hint: int

    def __init__(self, msg: str, error_status_hint: int = 400) -> None:
        if type(self) is ProtocolError:
            raise TypeError(
                "ProtocolError is abstract: raise LocalProtocolError or RemoteProtocolError"
            )
        super().__init__(msg)
        self.error_status_hint = error_status_hint


class LocalProtocolError(ProtocolError):
    """We (the caller) tried to do something that HTTP/1.1 does not allow."""


class RemoteProtocolError(ProtocolError):
    """The peer sent something that HTTP/1.1 does not allow."""


def as_remote_protocol_error(exc: LocalProtocolError) -> RemoteProtocolError:
    """Turn an error found while parsing the peer's bytes into a RemoteProtocolError.

    The internals raise LocalProtocolError everywhere; next_event() re-labels the very
    same exception object so its message, hint, traceback and context all survive.
    """
    relabelled: Any = exc
    relabelled.__class__ = RemoteProtocolError
    return cast(RemoteProtocolError, relabelled)


class _SentinelType(type):
    """Metaclass for NEED_DATA and PAUSED: each is a class that is its own type.

    ``type(NEED_DATA) is NEED_DATA`` lets callers dispatch on ``type(conn.next_event())``,
    and ``isinstance(x, PAUSED)`` works next to event classes. (Checkers narrow
    ``x is NEED_DATA`` and ``isinstance``, not ``type(x) is``; the docs say so.)
    """

    def __new__(
        mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]
    ) -> _SentinelType:
        cls = type.__new__(mcls, name, bases, namespace)
        cls.__class__ = cls  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]  # now type(cls) is cls
        return cls

    def __repr__(cls) -> str:
        return cls.__name__


@final
class NEED_DATA(_SentinelType, metaclass=_SentinelType):
    """Returned by next_event(): more bytes are needed before the next event."""


@final
class PAUSED(_SentinelType, metaclass=_SentinelType):
    """Returned by next_event(): nothing more until start_next_cycle() (or ever, after a switch)."""
