"""The Connection: one side of an HTTP/1.1 connection, as a state machine over events.

Bytes from the peer go in through ``receive_data`` and come out of ``next_event`` as
events; events we want to send go in through ``send`` and come out as bytes. Every event,
in either direction, passes through the same ``_process_event``, which moves the state
machine and records what the event means for the connection: the body framing (RFC 9112
§6.3), keep-alive (§9.3), 100-continue (RFC 9110 §10.1.1) and protocol switches.
"""

# The connection acts on the facts a Headers gathered while it was built (private
# attributes, see _headers): framing, keep-alive, Expect, Upgrade.
# pyright: reportPrivateUsage=false

from __future__ import annotations

from typing import Any, Final, TypeAlias, cast, overload

from ._events import (
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    Request,
    Response,
)
from ._headers import get_comma_header, set_comma_header
from ._limits import check_event_size
from ._readers import (
    BodyReader,
    ChunkedReader,
    ContentLengthReader,
    HeadReader,
    Http10Reader,
)
from ._receivebuffer import ReceiveBuffer
from ._state import (
    CLIENT,
    E_ACCEPT_CONNECT,
    E_ACCEPT_UPGRADE,
    E_CONNECTION_CLOSED,
    E_DATA,
    E_END_OF_MESSAGE,
    E_INFORMATIONAL_RESPONSE,
    E_REQUEST,
    E_RESPONSE,
    S_DONE,
    S_ERROR,
    S_IDLE,
    S_MIGHT_SWITCH_PROTOCOL,
    S_SEND_BODY,
    S_SEND_RESPONSE,
    S_SWITCHED_PROTOCOL,
    SERVER,
    STATE_NAMES,
    ConnectionState,
    Role,
    State,
)
from ._util import (
    NEED_DATA,
    PAUSED,
    LocalProtocolError,
    RemoteProtocolError,
    as_remote_protocol_error,
)
from ._writers import (
    BodyWriter,
    ChunkedWriter,
    ContentLengthWriter,
    Http10Writer,
    write_request,
    write_response,
)

__all__ = [
    "DEFAULT_MAX_INCOMPLETE_EVENT_SIZE",
    "NEED_DATA",
    "PAUSED",
    "Connection",
    "NextEventResult",
]

# What next_event() returns. A closed union of final classes, not the open base Event,
# so a type checker narrows `is NEED_DATA` and proves a `match` over the events exhaustive.
NextEventResult: TypeAlias = (
    Request
    | InformationalResponse
    | Response
    | Data
    | EndOfMessage
    | ConnectionClosed
    | type[NEED_DATA]
    | type[PAUSED]
)

# The largest head (or other incomplete event) we buffer while waiting for its end.
DEFAULT_MAX_INCOMPLETE_EVENT_SIZE: Final[int] = 16 * 1024

_HTTP_1_1: Final = b"1.1"
_HEAD: Final = b"HEAD"
_GET: Final = b"GET"
_CONNECT: Final = b"CONNECT"

# body_framing() results besides a Content-Length (>= 0).
FRAMING_CHUNKED: Final = -1
FRAMING_UNTIL_CLOSE: Final = -2
_NOT_A_HEAD: Final = -3


def body_framing(request_method: bytes | None, event: Request | Response) -> int:
    """How the body after ``event``'s head is delimited (RFC 9112 §6.3).

    Returns the Content-Length, or FRAMING_CHUNKED, or FRAMING_UNTIL_CLOSE.
    """
    headers = event.headers
    if isinstance(event, Response):
        status = event.status_code
        if (
            status == 204
            or status == 304
            or request_method == _HEAD
            or (request_method == _CONNECT and 200 <= status < 300)
        ):
            return 0
    if headers._chunked:
        # Transfer-Encoding overrides Content-Length.
        return FRAMING_CHUNKED
    if headers._content_length >= 0:
        return headers._content_length
    if isinstance(event, Request):
        return 0
    return FRAMING_UNTIL_CLOSE


# Reading or writing until close keeps no state, so every Connection shares one of each
# (an idle Connection: 456 -> 376 bytes).
_UNTIL_CLOSE_READER: Final = Http10Reader()
_UNTIL_CLOSE_WRITER: Final = Http10Writer()


def _body_reader(framing: int, head_reader: HeadReader) -> BodyReader:
    if framing >= 0:
        return ContentLengthReader(framing)
    if framing == FRAMING_CHUNKED:
        return ChunkedReader(head_reader)
    return _UNTIL_CLOSE_READER


def _body_writer(framing: int) -> BodyWriter:
    if framing >= 0:
        return ContentLengthWriter(framing)
    if framing == FRAMING_CHUNKED:
        return ChunkedWriter()
    return _UNTIL_CLOSE_WRITER


def _keeps_alive(event: Request | Response, framing: int) -> bool:
    """Whether this message allows the connection to be reused (RFC 9112 §9.3).

    HTTP/1.1 persists unless "close" is among the connection options. HTTP/1.0
    persists only with the "keep-alive" option (an h11typed extension: h11 closes
    every HTTP/1.0 connection), and only when the body's end is known without closing
    (a Content-Length, or no body); otherwise the connection closes as in h11.
    """
    headers = event.headers
    if headers._connection_close:
        return False
    if headers._chunked and headers._content_length >= 0:
        # RFC 9112 §6.1: Transfer-Encoding and Content-Length together may be a smuggling
        # attempt; the server MUST close after responding. (A response is treated alike.)
        return False
    version = event.http_version
    if version >= _HTTP_1_1:
        return True
    return headers._connection_keep_alive and framing >= 0


class Connection:
    """One side of an HTTP/1.1 connection; ``our_role`` is CLIENT or SERVER.

    ``max_incomplete_event_size`` bounds how many bytes may be buffered while waiting for
    the end of a head (or another incomplete event); past it, next_event() raises a
    RemoteProtocolError with ``error_status_hint`` 431.

    ``max_header_count`` (an h11typed extension; None means no limit, as in h11) bounds
    the number of fields in a received head or trailer section: one more raises a
    RemoteProtocolError with hint 431 as soon as its first byte arrives, however the
    bytes are split.
    """

    def __init__(
        self,
        our_role: Role,
        max_incomplete_event_size: int = DEFAULT_MAX_INCOMPLETE_EVENT_SIZE,
        *,
        max_header_count: int | None = None,
    ) -> None:
        role: object = our_role
        if role == CLIENT:
            self.our_role: Role = CLIENT
            self.their_role: Role = SERVER
        elif role == SERVER:
            self.our_role = SERVER
            self.their_role = CLIENT
        else:
            raise ValueError(f"expected CLIENT or SERVER, not {our_role!r}")
        self._we_are_client = self.our_role == CLIENT
        self._max_incomplete_event_size = max_incomplete_event_size
        if max_header_count is not None and max_header_count < 0:
            raise ValueError(f"max_header_count must be None or >= 0, not {max_header_count}")
        self._cstate = ConnectionState()
        self._receive_buffer = ReceiveBuffer()
        self._head_reader = HeadReader(
            -1 if max_header_count is None else max_header_count,  # -1: no limit
            max_incomplete_event_size,
        )
        self._receive_buffer_closed = False
        # The peer's HTTP version, from its latest head; kept across cycles.
        self.their_http_version: bytes | None = None
        self._request_method: bytes | None = None
        # Pure flow control, not part of the state machine (RFC 9110 §10.1.1).
        self.client_is_waiting_for_100_continue = False
        self._body_reader: BodyReader = _UNTIL_CLOSE_READER
        self._body_writer: BodyWriter = _UNTIL_CLOSE_WRITER

    # ---- state -----------------------------------------------------------------

    @property
    def states(self) -> dict[Role, State]:
        """A new dict of both roles' states."""
        return {CLIENT: STATE_NAMES[self._cstate.client], SERVER: STATE_NAMES[self._cstate.server]}

    @property
    def our_state(self) -> State:
        """Our side's state (one of the state constants)."""
        return STATE_NAMES[self._cstate.client if self._we_are_client else self._cstate.server]

    @property
    def their_state(self) -> State:
        """The peer's state, as far as what we received shows."""
        return STATE_NAMES[self._cstate.server if self._we_are_client else self._cstate.client]

    @property
    def they_are_waiting_for_100_continue(self) -> bool:
        """True when we are the server and the client waits for a 100 before its body."""
        return not self._we_are_client and self.client_is_waiting_for_100_continue

    @property
    def trailing_data(self) -> tuple[bytes, bool]:
        """Bytes received but not yet turned into events, and whether the peer closed.

        After a protocol switch, this is where the new protocol's first bytes are.
        """
        return (self._receive_buffer.remaining_bytes(), self._receive_buffer_closed)

    def start_next_cycle(self) -> None:
        """Reset both sides to IDLE after a completed exchange (both must be DONE)."""
        self._cstate.start_next_cycle()
        self._request_method = None

    def send_failed(self) -> None:
        """Tell the connection that sending failed: our state becomes ERROR."""
        self._cstate.process_error(self._we_are_client)

    # ---- receiving -------------------------------------------------------------

    def receive_data(self, data: bytes | bytearray | memoryview | None) -> None:
        """Add bytes from the peer; an empty or None ``data`` means the peer closed."""
        if data:
            if self._receive_buffer_closed:
                raise RuntimeError("received close, then received more data?")
            self._receive_buffer.append(data)
        else:
            self._receive_buffer_closed = True

    def next_event(self) -> NextEventResult:
        """The next event from the peer, or NEED_DATA, or PAUSED.

        Raises RemoteProtocolError if the peer broke the protocol; their state is then
        ERROR for good (we may still send, e.g. a 400 response).
        """
        cstate = self._cstate
        their_state = cstate.server if self._we_are_client else cstate.client
        if their_state == S_ERROR:
            raise RemoteProtocolError("Can't receive data when peer state is ERROR")
        buf = self._receive_buffer
        try:
            # In DONE, data must be the next message (pipelining): wait for the next cycle.
            if their_state == S_DONE and buf:
                return PAUSED
            if their_state == S_MIGHT_SWITCH_PROTOCOL or their_state == S_SWITCHED_PROTOCOL:
                return PAUSED
            event: Event | None
            if their_state == S_SEND_BODY:
                event = self._body_reader.read(buf)
            elif their_state == S_IDLE or their_state == S_SEND_RESPONSE:
                if self._we_are_client:
                    event = self._head_reader.read_response(buf)
                else:
                    event = self._head_reader.read_request(buf)
            else:
                # DONE, MUST_CLOSE or CLOSED: only the end of the connection may come.
                if buf:
                    raise LocalProtocolError("Got data when expecting EOF")
                event = None
            if event is None:
                if self._receive_buffer_closed and not buf:
                    if their_state == S_SEND_BODY:
                        event = self._body_reader.read_eof()
                    else:
                        event = ConnectionClosed()
                else:
                    # Waiting for the rest of a head or line that may already be too long.
                    check_event_size(len(buf), self._max_incomplete_event_size)
                    if self._receive_buffer_closed:
                        raise RemoteProtocolError("peer unexpectedly closed connection")
                    return NEED_DATA
            self._process_event(not self._we_are_client, event)
            # (Typed Event inside: compiled, every assignment to a union-typed local is
            # checked member by member; here only the way out is.)
            return cast(NextEventResult, event)
        except BaseException as exc:
            cstate.process_error(not self._we_are_client)
            if isinstance(exc, LocalProtocolError):
                as_remote_protocol_error(exc)
            raise

    # ---- sending ---------------------------------------------------------------

    @overload
    def send(self, event: ConnectionClosed) -> None: ...

    @overload
    def send(
        self, event: Request | InformationalResponse | Response | Data | EndOfMessage
    ) -> bytes: ...

    @overload
    def send(self, event: Event) -> bytes | None: ...

    def send(self, event: Event) -> bytes | None:
        """The bytes to send for ``event`` (None for ConnectionClosed)."""
        pieces = self.send_with_data_passthrough(event)
        if pieces is None:
            return None
        return b"".join(pieces)

    def send_with_data_passthrough(self, event: Event) -> list[Any] | None:
        """Like send(), but returns the pieces; a Data payload is passed through as is."""
        cstate = self._cstate
        our_state = cstate.client if self._we_are_client else cstate.server
        if our_state == S_ERROR:
            raise LocalProtocolError("Can't send data when our state is ERROR")
        try:
            if type(event) is Response:
                event = self._clean_up_response_headers_for_sending(event)
            self._process_event(self._we_are_client, event)
            if type(event) is ConnectionClosed:
                return None
            out: list[Any] = []
            # The writer is the one for the state we were in before this event.
            if our_state == S_SEND_BODY:
                if type(event) is Data:
                    self._body_writer.send_data(event.data, out)
                else:
                    self._body_writer.send_eom(cast(EndOfMessage, event).headers, out)
            elif self._we_are_client:
                write_request(cast(Request, event), out)
            else:
                write_response(cast("InformationalResponse | Response", event), out)
            return out
        except BaseException:
            cstate.process_error(self._we_are_client)
            raise

    def _clean_up_response_headers_for_sending(self, response: Response) -> Response:
        """Make a response's framing and Connection headers match what we will do.

        A body of unknown length is chunked for an HTTP/1.1 peer, and delimited by
        closing the connection otherwise (RFC 9112 §6.3, §7.1); a response on a connection
        that will close says so (RFC 9112 §9.6). A HEAD response gets the framing headers
        the GET response would have had (RFC 9110 §9.3.2).
        """
        method = self._request_method
        headers = response.headers
        peer_version = self.their_http_version
        need_close = False
        if body_framing(_GET if method == _HEAD else method, response) < 0:
            if headers._content_length >= 0:
                headers = set_comma_header(headers, b"content-length", [])
            if peer_version is None or peer_version < _HTTP_1_1:
                # A peer that sent no valid request yet, or an HTTP/1.0 one, may not
                # understand chunked: send no framing and close afterwards.
                if headers._chunked:
                    headers = set_comma_header(headers, b"transfer-encoding", [])
                if method != _HEAD:
                    need_close = True
            else:
                headers = set_comma_header(headers, b"transfer-encoding", [b"chunked"])
        if need_close or not self._cstate.keep_alive:
            options = set(get_comma_header(headers, b"connection"))
            options.discard(b"keep-alive")
            options.add(b"close")
            headers = set_comma_header(headers, b"connection", sorted(options))
        elif (
            peer_version is not None
            and peer_version < _HTTP_1_1
            and not headers._connection_keep_alive
            and not headers._connection_close
        ):
            # An HTTP/1.0 client asked for keep-alive and we can honour it: say so, or it
            # would wait for us to close (RFC 9112 §9.3, an h11typed extension).
            options = set(get_comma_header(headers, b"connection"))
            options.add(b"keep-alive")
            headers = set_comma_header(headers, b"connection", sorted(options))
        if headers is response.headers:
            return response
        return Response(
            headers=headers,
            status_code=response.status_code,
            http_version=response.http_version,
            reason=response.reason,
        )

    # ---- the one place events take effect ---------------------------------------

    def _process_request(self, sender_is_client: bool, from_peer: bool, request: Request) -> int:
        """_process_event for a Request; returns its body framing (RFC 9112 §6.3)."""
        cstate = self._cstate
        if sender_is_client:
            if request.method == _CONNECT:
                cstate.process_connect_proposal()
            if request.headers._upgrade:
                cstate.process_upgrade_proposal()
        cstate.process_event(sender_is_client, E_REQUEST)
        self._request_method = request.method
        if from_peer:
            self.their_http_version = request.http_version
        framing = body_framing(request.method, request)
        if not _keeps_alive(request, framing):
            cstate.process_keep_alive_disabled()
        # RFC 9110 §10.1.1: only HTTP/1.1 (and later) clients can expect 100-continue.
        if request.headers._expect_100_continue and request.http_version >= _HTTP_1_1:
            self.client_is_waiting_for_100_continue = True
        return framing

    def _process_response(self, sender_is_client: bool, from_peer: bool, response: Response) -> int:
        """_process_event for a final Response; returns its body framing (RFC 9112 §6.3)."""
        cstate = self._cstate
        kind = E_RESPONSE
        if not sender_is_client and cstate.connect_proposed and 200 <= response.status_code < 300:
            kind = E_ACCEPT_CONNECT
        cstate.process_event(sender_is_client, kind)
        if from_peer:
            self.their_http_version = response.http_version
        framing = body_framing(self._request_method, response)
        if not _keeps_alive(response, framing):
            cstate.process_keep_alive_disabled()
        self.client_is_waiting_for_100_continue = False
        return framing

    def _process_event(self, sender_is_client: bool, event: Event) -> None:
        cstate = self._cstate
        old_client = cstate.client
        old_server = cstate.server
        from_peer = sender_is_client != self._we_are_client
        # Set for a Request or Response: its body framing (RFC 9112 §6.3).
        framing = _NOT_A_HEAD
        event_type = type(event)
        if event_type is Data:
            cstate.process_event(sender_is_client, E_DATA)
            if sender_is_client:
                self.client_is_waiting_for_100_continue = False
        elif event_type is EndOfMessage:
            cstate.process_event(sender_is_client, E_END_OF_MESSAGE)
            if sender_is_client:
                self.client_is_waiting_for_100_continue = False
        elif event_type is Request:
            framing = self._process_request(sender_is_client, from_peer, cast(Request, event))
        elif event_type is Response:
            framing = self._process_response(sender_is_client, from_peer, cast(Response, event))
        elif event_type is InformationalResponse:
            informational = cast(InformationalResponse, event)
            kind = E_INFORMATIONAL_RESPONSE
            if not sender_is_client and informational.status_code == 101:
                kind = E_ACCEPT_UPGRADE
            cstate.process_event(sender_is_client, kind)
            if from_peer:
                self.their_http_version = informational.http_version
            self.client_is_waiting_for_100_continue = False
        elif event_type is ConnectionClosed:
            cstate.process_event(sender_is_client, E_CONNECTION_CLOSED)
        else:
            state = STATE_NAMES[old_client if sender_is_client else old_server]
            raise LocalProtocolError(
                f"can't handle event type {event_type.__name__} when role="
                f"{'CLIENT' if sender_is_client else 'SERVER'} and state={state}"
            )
        if framing != _NOT_A_HEAD:
            # Entering SEND_BODY: pick the body reader or writer for this message's framing.
            if sender_is_client:
                entered_body = cstate.client == S_SEND_BODY and old_client != S_SEND_BODY
            else:
                entered_body = cstate.server == S_SEND_BODY and old_server != S_SEND_BODY
            if entered_body:
                if from_peer:
                    self._body_reader = _body_reader(framing, self._head_reader)
                else:
                    self._body_writer = _body_writer(framing)
