"""A blocking HTTP/1.1 client on plain sockets, driven by h11typed.

h11typed does no I/O: it turns events into bytes and bytes into events. This client
owns the socket and feeds the bytes both ways. One ``Client`` keeps its connection
open between requests (keep-alive) and opens a new one only when the last exchange
left the connection unusable.

Run it as a script to fetch a URL path from a server:

    python examples/blocking_client.py 127.0.0.1 8000 /hello
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType

import h11typed

Headers = Sequence[tuple[bytes, bytes]]
# A trace callback sees every piece of wire traffic: ("send" | "recv", bytes).
Trace = Callable[[str, bytes], None]
# A body is bytes (sent with Content-Length) or an iterable of pieces (sent chunked).
Body = bytes | Iterable[bytes] | None

RECEIVE_SIZE = 64 * 1024


@dataclass
class Reply:
    """A complete response: final status, headers (names lowercased), body."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    # Status codes of the 1xx responses that came before the final one.
    informational: list[int] = field(default_factory=list[int])

    def header(self, name: bytes) -> bytes | None:
        """The first value of a header, or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return None


class Client:
    """Sends requests to one host over one connection, reusing it while it stays open.

    Kept small on purpose: if the server closes an idle connection between two
    requests, the second one fails; a production client would retry an
    idempotent request once on a fresh connection.
    """

    def __init__(
        self, host: str, port: int, *, timeout: float = 10.0, trace: Trace | None = None
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.trace = trace
        # How many TCP connections this client opened: 1 after any number of
        # keep-alive requests on one socket.
        self.connections_opened = 0
        self._sock: socket.socket | None = None
        self._conn = h11typed.Connection(our_role=h11typed.CLIENT)

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def local_port(self) -> int | None:
        """The local port of the open connection (the same port means the same socket)."""
        if self._sock is None:
            return None
        port: int = self._sock.getsockname()[1]
        return port

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def request(
        self,
        method: bytes,
        target: bytes,
        headers: Headers = (),
        body: Body = None,
        *,
        expect_continue: bool = False,
        continue_timeout: float = 1.0,
    ) -> Reply:
        """Send one request and read its whole response.

        A bytes ``body`` goes out with Content-Length, any other iterable of bytes
        chunked, one chunk per piece (unless ``headers`` already frame the body).
        With ``expect_continue`` the request carries ``Expect: 100-continue`` and the
        body is held back until the server answers 100, or until ``continue_timeout``
        passes without an answer (RFC 9110 section 10.1.1 lets a client go ahead then).
        """
        self._ensure_connected()
        all_headers = list(headers)
        names = {name.lower() for name, _ in all_headers}
        if b"host" not in names:
            all_headers.insert(0, (b"Host", f"{self.host}:{self.port}".encode("ascii")))
        if b"content-length" in names or b"transfer-encoding" in names:
            pass  # the caller framed the body itself
        elif isinstance(body, bytes):
            all_headers.append((b"Content-Length", str(len(body)).encode("ascii")))
        elif body is not None:
            all_headers.append((b"Transfer-Encoding", b"chunked"))
        if expect_continue:
            all_headers.append((b"Expect", b"100-continue"))

        try:
            self._send(h11typed.Request(method=method, target=target, headers=all_headers))
            informational: list[int] = []
            early: h11typed.Response | None = None
            if expect_continue:
                early = self._wait_for_continue(informational, continue_timeout)
            if early is None:
                self._send_body(body)
            reply = self._read_response(informational, early)
        except BaseException:
            # Half a request or response leaves the connection unusable.
            self.close()
            raise
        self._finish_cycle()
        return reply

    # -- internals ---------------------------------------------------------

    def _ensure_connected(self) -> None:
        if self._sock is not None:
            return
        self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        # A request goes out in several small writes (head, body pieces); don't
        # let Nagle's algorithm delay them.
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._conn = h11typed.Connection(our_role=h11typed.CLIENT)
        self.connections_opened += 1

    def _socket(self) -> socket.socket:
        if self._sock is None:
            raise ConnectionError("not connected")
        return self._sock

    def _send(self, event: h11typed.Event) -> None:
        data = self._conn.send(event)
        # send() returns None only for ConnectionClosed, which this client never sends.
        if data:
            if self.trace is not None:
                self.trace("send", data)
            self._socket().sendall(data)

    def _send_body(self, body: Body) -> None:
        if isinstance(body, bytes):
            body = [body]
        for piece in body or ():
            # An empty piece is fine: h11typed frames it as nothing at all.
            self._send(h11typed.Data(data=piece))
        self._send(h11typed.EndOfMessage())

    def _receive(self) -> None:
        data = self._socket().recv(RECEIVE_SIZE)
        if self.trace is not None:
            self.trace("recv", data)
        # b"" tells the connection that the server closed its side.
        self._conn.receive_data(data)

    def _next_event(self) -> h11typed.Event:
        while True:
            event = self._conn.next_event()
            if event is h11typed.NEED_DATA:
                self._receive()
                continue
            if isinstance(event, h11typed.Event):
                return event
            # PAUSED: the server sent bytes beyond its response; it is a protocol
            # error only at the next request, so stop reading here.
            raise h11typed.RemoteProtocolError("unexpected data after the response")

    def _wait_for_continue(self, informational: list[int], wait: float) -> h11typed.Response | None:
        """Wait for the go-ahead; return a final response if the server answered early."""
        sock = self._socket()
        sock.settimeout(wait)
        try:
            while True:
                event = self._next_event()
                if isinstance(event, h11typed.InformationalResponse):
                    informational.append(event.status_code)
                    if event.status_code == 100:
                        return None
                elif isinstance(event, h11typed.Response):
                    return event
                else:
                    raise h11typed.RemoteProtocolError(f"unexpected {event!r} before any response")
        except TimeoutError:
            return None
        finally:
            sock.settimeout(self.timeout)

    def _read_response(self, informational: list[int], early: h11typed.Response | None) -> Reply:
        response = early
        while response is None:
            event = self._next_event()
            if isinstance(event, h11typed.InformationalResponse):
                informational.append(event.status_code)
            elif isinstance(event, h11typed.Response):
                response = event
            else:
                raise h11typed.RemoteProtocolError(f"unexpected {event!r} before the response")
        body = bytearray()
        while True:
            event = self._next_event()
            if isinstance(event, h11typed.Data):
                body += event.data
            elif isinstance(event, h11typed.EndOfMessage):
                break
            else:
                raise h11typed.RemoteProtocolError(f"unexpected {event!r} in the response body")
        return Reply(response.status_code, list(response.headers), bytes(body), informational)

    def _finish_cycle(self) -> None:
        # Reuse the connection only when both sides finished cleanly; anything else
        # (Connection: close, HTTP/1.0, a response that cut our upload short)
        # means a fresh connection for the next request.
        if self._conn.our_state is h11typed.DONE and self._conn.their_state is h11typed.DONE:
            self._conn.start_next_cycle()
        else:
            self.close()


def fetch(
    host: str, port: int, method: bytes, target: bytes, headers: Headers = (), body: Body = None
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """One request on a fresh connection: (status, headers, body)."""
    with Client(host, port) as client:
        reply = client.request(method, target, headers, body)
    return reply.status, reply.headers, reply.body


def main(argv: Sequence[str]) -> int:
    if len(argv) != 3:
        print("usage: blocking_client.py HOST PORT TARGET", file=sys.stderr)
        return 2
    host, port, target = argv[0], int(argv[1]), argv[2]
    status, headers, body = fetch(host, port, b"GET", target.encode("ascii"))
    print(status)
    for name, value in headers:
        print(f"{name.decode('latin-1')}: {value.decode('latin-1')}")
    print()
    print(body.decode("utf-8", "replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
