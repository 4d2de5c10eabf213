"""A threaded HTTP/1.1 server on h11typed: one thread per connection.

What it shows:

- keep-alive: a connection serves requests until either side asks to close;
- request bodies framed by Content-Length or chunked, read as Data events;
- ``Expect: 100-continue``: the server answers 100 just before it reads the body,
  and never when it refuses the request (RFC 9110 section 10.1.1);
- responses with a Content-Length body (``/hello``, ``/echo``) or a chunked one
  (``/chunked``);
- a protocol error from the client answered with the status h11typed suggests.

Routes:

    GET  /hello          -> "Hello, world!\\n"
    GET  /chunked?n=N    -> N lines, one chunk each (chunked transfer coding)
    POST /echo           -> the request body, plus X-Received-* headers that say
                            how it arrived (framing, Data events, 100 sent or not)

Run it as a script to serve on a port (default 8000) until Ctrl-C:

    python examples/threaded_server.py 8000
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import sys
import threading
from collections.abc import Sequence
from types import TracebackType

import h11typed

Headers = list[tuple[bytes, bytes]]

RECEIVE_SIZE = 64 * 1024
# Largest request body the server reads; a bigger one is refused with 413.
MAX_BODY = 1 << 20
SERVER_HEADER = (b"Server", h11typed.PRODUCT_ID.encode("ascii"))


class Refused(Exception):
    """A request the server answers with an error status instead of serving it."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class _Session:
    """Serves the requests of one connection, one after another."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.conn = h11typed.Connection(our_role=h11typed.SERVER)
        self._head_only = False  # answering a HEAD request: heads only, no body

    def run(self) -> None:
        try:
            while self._serve_one():
                if self.conn.our_state is h11typed.DONE and self.conn.their_state is h11typed.DONE:
                    self.conn.start_next_cycle()
                else:
                    # Keep-alive is off (Connection: close, HTTP/1.0 without keep-alive) or the client is
                    # still sending a body we refused: closing is the only way on.
                    return
        except h11typed.RemoteProtocolError as exc:
            self._send_error(exc.error_status_hint, str(exc))
        except OSError:
            # Idle timeout, reset by the peer, or the server stopping: just close.
            return

    # -- one request -------------------------------------------------------

    def _serve_one(self) -> bool:
        """Serve one request; False once the client has closed the connection."""
        event = self._next_event()
        if isinstance(event, h11typed.ConnectionClosed):
            return False
        if not isinstance(event, h11typed.Request):
            raise h11typed.RemoteProtocolError(f"expected a request, got {event!r}")
        try:
            self._route(event)
        except Refused as exc:
            self._send_error(exc.status, str(exc))
        return True

    def _route(self, request: h11typed.Request) -> None:
        path, _, query = request.target.partition(b"?")
        # A HEAD response has the GET response's head and no body (RFC 9110 section 9.3.2).
        self._head_only = request.method == b"HEAD"
        if request.method in (b"GET", b"HEAD") and path == b"/hello":
            self._read_body()
            self._respond(200, [(b"Content-Type", b"text/plain")], b"Hello, world!\n")
        elif request.method in (b"GET", b"HEAD") and path == b"/chunked":
            self._read_body()
            count = _query_int(query, b"n", default=3)
            lines = [f"line {i} of {count}\n".encode("ascii") for i in range(1, count + 1)]
            self._respond_chunked(200, [(b"Content-Type", b"text/plain")], lines)
        elif request.method == b"POST" and path == b"/echo":
            self._echo(request)
        else:
            raise Refused(404, f"no route for {request.method!r} {path!r}")

    def _echo(self, request: h11typed.Request) -> None:
        framing = b"none"
        for name, value in request.headers:
            if name == b"transfer-encoding":
                framing = b"chunked"
            elif name == b"content-length":
                framing = b"content-length"
                if int(value) > MAX_BODY:
                    # Refuse before sending 100, so a waiting client never uploads it.
                    raise Refused(413, f"body of {int(value)} bytes is over {MAX_BODY}")
        sent_continue = self.conn.they_are_waiting_for_100_continue
        body, data_events = self._read_body()
        headers = [
            (b"Content-Type", b"application/octet-stream"),
            (b"X-Received-Framing", framing),
            (b"X-Received-Data-Events", str(data_events).encode("ascii")),
            (b"X-Sent-100-Continue", b"yes" if sent_continue else b"no"),
        ]
        self._respond(200, headers, body)

    def _read_body(self) -> tuple[bytes, int]:
        """Read the request body to its end: (body, number of Data events)."""
        if self.conn.they_are_waiting_for_100_continue:
            # The client holds its body back until we say go (RFC 9110 section 10.1.1).
            self._send(h11typed.InformationalResponse(status_code=100, headers=[SERVER_HEADER]))
        body = bytearray()
        data_events = 0
        while True:
            event = self._next_event()
            if isinstance(event, h11typed.Data):
                body += event.data
                data_events += 1
                if len(body) > MAX_BODY:
                    raise Refused(413, f"body is over {MAX_BODY} bytes")
            elif isinstance(event, h11typed.EndOfMessage):
                return bytes(body), data_events
            else:
                raise h11typed.RemoteProtocolError(f"unexpected {event!r} in a request body")

    # -- responses ---------------------------------------------------------

    def _respond(self, status: int, headers: Headers, body: bytes) -> None:
        length = (b"Content-Length", str(len(body)).encode("ascii"))
        self._send(h11typed.Response(status_code=status, headers=[SERVER_HEADER, *headers, length]))
        if body and not self._head_only:
            self._send(h11typed.Data(data=body))
        self._send(h11typed.EndOfMessage())

    def _respond_chunked(self, status: int, headers: Headers, pieces: Sequence[bytes]) -> None:
        # Without a Content-Length, HTTP/1.1 frames the body chunked; saying so
        # explicitly keeps the transcript easy to read.
        coding = (b"Transfer-Encoding", b"chunked")
        self._send(h11typed.Response(status_code=status, headers=[SERVER_HEADER, *headers, coding]))
        for piece in pieces if not self._head_only else ():
            self._send(h11typed.Data(data=piece))
        self._send(h11typed.EndOfMessage())

    def _send_error(self, status: int, reason: str) -> None:
        # A response is only possible before we started one of our own.
        if self.conn.our_state not in (h11typed.IDLE, h11typed.SEND_RESPONSE):
            return
        body = f"{status} {reason}\n".encode("utf-8", "replace")
        headers = [(b"Content-Type", b"text/plain"), (b"Connection", b"close")]
        try:
            self._respond(status, headers, body)
        except (h11typed.LocalProtocolError, OSError):
            return

    # -- plumbing ----------------------------------------------------------

    def _send(self, event: h11typed.Event) -> None:
        data = self.conn.send(event)
        # send() returns None only for ConnectionClosed, which this server never sends.
        if data:
            self.sock.sendall(data)

    def _next_event(self) -> h11typed.Event:
        while True:
            event = self.conn.next_event()
            if event is h11typed.NEED_DATA:
                # b"" (the client closed) becomes ConnectionClosed or a protocol error.
                self.conn.receive_data(self.sock.recv(RECEIVE_SIZE))
                continue
            if isinstance(event, h11typed.Event):
                return event
            # PAUSED cannot happen here: we always finish a cycle before reading on.
            raise h11typed.RemoteProtocolError("connection paused unexpectedly")


def _query_int(query: bytes, key: bytes, default: int) -> int:
    for pair in query.split(b"&"):
        name, _, value = pair.partition(b"=")
        if name == key and value.isdigit():
            return min(int(value), 1000)
    return default


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], idle_timeout: float) -> None:
        super().__init__(address, _Handler)
        self.idle_timeout = idle_timeout
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.add(sock)

    def untrack(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)

    def close_open_connections(self) -> None:
        # Wakes every connection thread blocked in recv(): it reads b"" and ends.
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server, sock = self.server, self.request
        assert isinstance(server, _TCPServer)
        assert isinstance(sock, socket.socket)
        sock.settimeout(server.idle_timeout)
        # Responses go out in several small writes; Nagle's algorithm would hold
        # each one back until the previous is acknowledged.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        server.track(sock)
        try:
            _Session(sock).run()
        finally:
            server.untrack(sock)


class ThreadedServer:
    """The server, listening from construction; ``start()`` serves in a background thread.

    Use ``with ThreadedServer() as server:`` to have it stopped at the end; port 0
    picks a free port, readable from ``server.port``.
    """

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, *, idle_timeout: float = 30.0
    ) -> None:
        self._server = _TCPServer((host, port), idle_timeout)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        host: str = self._server.socket.getsockname()[0]
        return host

    @property
    def port(self) -> int:
        port: int = self._server.socket.getsockname()[1]
        return port

    def start(self) -> ThreadedServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="h11typed-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until stop() is called from another one."""
        self._server.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        """Stop accepting, close open connections, and wait for the accept loop."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.close_open_connections()
        self._server.server_close()

    def __enter__(self) -> ThreadedServer:
        return self.start() if self._thread is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: Sequence[str]) -> int:
    port = int(argv[0]) if argv else 8000
    server = ThreadedServer("127.0.0.1", port)
    print(
        f"serving on http://{server.host}:{server.port}/ (h11typed, COMPILED={h11typed.COMPILED}); Ctrl-C stops"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
