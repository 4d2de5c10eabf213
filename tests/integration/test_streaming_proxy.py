"""examples/streaming_proxy.py: bodies go through piece by piece, never buffered whole.

Each test puts the proxy between a client and a scripted upstream, both plain
sockets driven by h11typed, and runs them in lock step: the upstream does not
send its second piece until the client has the first (and the client does
not send its second until the upstream has the first). A proxy that buffered
a body would deadlock the step, which the socket timeouts turn into a failure.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Generator
from contextlib import contextmanager

import pytest

import h11typed
from examples.streaming_proxy import StreamingProxy
from h11typed._state import Role

pytestmark = pytest.mark.integration

# Lock-step waits; generous, since a healthy step takes milliseconds.
TIMEOUT = 10.0


class Wire:
    """One end of an HTTP/1.1 connection: an h11typed Connection on a blocking socket."""

    def __init__(self, sock: socket.socket, role: Role) -> None:
        self.sock = sock
        self.conn = h11typed.Connection(our_role=role)

    def send(self, *events: h11typed.Event) -> None:
        for event in events:
            data = self.conn.send(event)
            if data:
                self.sock.sendall(data)

    def next_event(self) -> h11typed.Event:
        while True:
            event = self.conn.next_event()
            if event is h11typed.NEED_DATA:
                self.conn.receive_data(self.sock.recv(65536))
            elif isinstance(event, h11typed.Event):
                return event
            else:
                raise AssertionError("paused")

    def next_of(self, kind: type[h11typed.Event]) -> h11typed.Event:
        event = self.next_event()
        assert isinstance(event, kind), f"expected {kind.__name__}, got {event!r}"
        return event

    def read_data(self, size: int) -> bytes:
        """Exactly ``size`` bytes of body (a forwarded chunk may arrive in parts)."""
        data = b""
        while len(data) < size:
            event = self.next_of(h11typed.Data)
            assert isinstance(event, h11typed.Data)
            data += bytes(event.data)
        assert len(data) == size
        return data

    def read_to_end(self) -> bytes:
        body = b""
        while isinstance(event := self.next_event(), h11typed.Data):
            body += bytes(event.data)
        assert isinstance(event, h11typed.EndOfMessage), event
        return body


Handler = Callable[[Wire], None]


class Upstream:
    """A scripted upstream: each accepted connection is served by ``handler`` in its own thread."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port: int = self.listener.getsockname()[1]
        self.connections = 0
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _serve(self, sock: socket.socket) -> None:
        with sock:
            sock.settimeout(TIMEOUT)
            try:
                self.handler(Wire(sock, h11typed.SERVER))
            except BaseException as exc:  # reported by the test, not lost in a thread
                self.errors.append(exc)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            thread.start()
            self._threads.append(thread)

    @contextmanager
    def running(self) -> Generator[Upstream, None, None]:
        acceptor = threading.Thread(target=self._accept, daemon=True)
        acceptor.start()
        try:
            yield self
        finally:
            self._stop.set()
            acceptor.join(TIMEOUT)
            for thread in self._threads:
                thread.join(TIMEOUT)
            self.listener.close()
        assert self.errors == []


@contextmanager
def proxy_to(upstream_port: int) -> Generator[int, None, None]:
    """Run StreamingProxy on an event loop in a background thread; yield its port."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    proxy = StreamingProxy("127.0.0.1", upstream_port)
    try:
        asyncio.run_coroutine_threadsafe(proxy.__aenter__(), loop).result(TIMEOUT)
        yield proxy.port
        asyncio.run_coroutine_threadsafe(proxy.__aexit__(None, None, None), loop).result(TIMEOUT)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(TIMEOUT)
        loop.close()


@contextmanager
def client_to(port: int) -> Generator[Wire, None, None]:
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        yield Wire(sock, h11typed.CLIENT)


def header_map(event: h11typed.Request | h11typed.Response) -> dict[bytes, bytes]:
    return dict(event.headers)


def get(target: bytes = b"/", *extra: tuple[bytes, bytes]) -> h11typed.Request:
    return h11typed.Request(method=b"GET", target=target, headers=[(b"Host", b"test"), *extra])


def test_response_body_pieces_reach_the_client_as_they_arrive() -> None:
    client_has_first = threading.Event()

    def upstream(wire: Wire) -> None:
        wire.next_of(h11typed.Request)
        wire.next_of(h11typed.EndOfMessage)
        wire.send(
            h11typed.Response(status_code=200, headers=[]), h11typed.Data(data=b"first piece")
        )
        assert client_has_first.wait(TIMEOUT), "the proxy held the first piece back"
        wire.send(h11typed.Data(data=b"second piece"), h11typed.EndOfMessage())

    with Upstream(upstream).running() as up, proxy_to(up.port) as port, client_to(port) as client:
        client.send(get(), h11typed.EndOfMessage())
        response = client.next_of(h11typed.Response)
        assert client.read_data(len(b"first piece")) == b"first piece"
        client_has_first.set()
        assert client.read_to_end() == b"second piece"
    assert isinstance(response, h11typed.Response)
    assert header_map(response)[b"transfer-encoding"] == b"chunked"


def test_request_body_pieces_reach_the_upstream_as_they_arrive() -> None:
    upstream_has_first = threading.Event()
    seen: list[h11typed.Event] = []

    def upstream(wire: Wire) -> None:
        seen.append(wire.next_of(h11typed.Request))
        first = wire.read_data(len(b"first piece"))
        upstream_has_first.set()
        rest = wire.read_to_end()
        body = first + rest
        wire.send(
            h11typed.Response(
                status_code=200, headers=[(b"Content-Length", str(len(body)).encode())]
            ),
            h11typed.Data(data=body),
            h11typed.EndOfMessage(),
        )

    with Upstream(upstream).running() as up, proxy_to(up.port) as port, client_to(port) as client:
        headers = [(b"Host", b"test"), (b"Transfer-Encoding", b"chunked")]
        client.send(h11typed.Request(method=b"POST", target=b"/upload", headers=headers))
        client.send(h11typed.Data(data=b"first piece"))
        assert upstream_has_first.wait(TIMEOUT), "the proxy held the first piece back"
        client.send(h11typed.Data(data=b"second piece"), h11typed.EndOfMessage())
        client.next_of(h11typed.Response)
        assert client.read_to_end() == b"first piecesecond piece"
    [request] = seen
    assert isinstance(request, h11typed.Request)
    assert (request.method, request.target) == (b"POST", b"/upload")
    assert header_map(request)[b"transfer-encoding"] == b"chunked"


def test_hop_by_hop_headers_stay_behind_and_via_is_added() -> None:
    seen: list[h11typed.Event] = []

    def upstream(wire: Wire) -> None:
        seen.append(wire.next_of(h11typed.Request))
        wire.next_of(h11typed.EndOfMessage)
        headers = [
            (b"Content-Length", b"2"),
            (b"Keep-Alive", b"timeout=5"),
            (b"X-End-To-End", b"kept"),
        ]
        wire.send(h11typed.Response(status_code=200, headers=headers), h11typed.Data(data=b"ok"))
        wire.send(h11typed.EndOfMessage())

    with Upstream(upstream).running() as up, proxy_to(up.port) as port, client_to(port) as client:
        # Connection names X-Hop, which makes it hop-by-hop too (RFC 9110 section 7.6.1).
        client.send(
            get(b"/", (b"Connection", b"keep-alive, X-Hop"), (b"X-Hop", b"1"), (b"X-Mine", b"2"))
        )
        client.send(h11typed.EndOfMessage())
        response = client.next_of(h11typed.Response)
        assert client.read_to_end() == b"ok"
    [request] = seen
    assert isinstance(request, h11typed.Request)
    assert isinstance(response, h11typed.Response)
    sent_up = header_map(request)
    assert b"connection" not in sent_up
    assert b"x-hop" not in sent_up
    assert sent_up[b"x-mine"] == b"2"
    assert sent_up[b"via"] == b"1.1 h11typed-proxy"
    came_back = header_map(response)
    assert b"keep-alive" not in came_back
    assert (came_back[b"x-end-to-end"], came_back[b"content-length"]) == (b"kept", b"2")
    assert came_back[b"via"] == b"1.1 h11typed-proxy"


def test_expect_100_continue_is_answered_by_the_upstream_through_the_proxy() -> None:
    def upstream(wire: Wire) -> None:
        wire.next_of(h11typed.Request)
        assert wire.conn.they_are_waiting_for_100_continue
        wire.send(h11typed.InformationalResponse(status_code=100, headers=[]))
        body = wire.read_to_end()
        length = str(len(body)).encode()
        wire.send(h11typed.Response(status_code=200, headers=[(b"Content-Length", length)]))
        wire.send(h11typed.Data(data=body), h11typed.EndOfMessage())

    with Upstream(upstream).running() as up, proxy_to(up.port) as port, client_to(port) as client:
        headers = [(b"Host", b"test"), (b"Content-Length", b"5"), (b"Expect", b"100-continue")]
        client.send(h11typed.Request(method=b"POST", target=b"/", headers=headers))
        # The body waits for the upstream's go-ahead (RFC 9110 section 10.1.1).
        interim = client.next_of(h11typed.InformationalResponse)
        client.send(h11typed.Data(data=b"hello"), h11typed.EndOfMessage())
        final = client.next_of(h11typed.Response)
        assert client.read_to_end() == b"hello"
    assert isinstance(interim, h11typed.InformationalResponse)
    assert interim.status_code == 100
    assert isinstance(final, h11typed.Response)
    assert final.status_code == 200


def test_client_connection_is_kept_alive_across_requests() -> None:
    def upstream(wire: Wire) -> None:
        request = wire.next_of(h11typed.Request)
        wire.next_of(h11typed.EndOfMessage)
        assert isinstance(request, h11typed.Request)
        body = b"you asked for " + request.target
        wire.send(
            h11typed.Response(
                status_code=200, headers=[(b"Content-Length", str(len(body)).encode())]
            )
        )
        wire.send(h11typed.Data(data=body), h11typed.EndOfMessage())

    bodies: list[bytes] = []
    with Upstream(upstream).running() as up, proxy_to(up.port) as port, client_to(port) as client:
        for target in (b"/one", b"/two"):
            client.send(get(target), h11typed.EndOfMessage())
            client.next_of(h11typed.Response)
            bodies.append(client.read_to_end())
            client.conn.start_next_cycle()
    assert bodies == [b"you asked for /one", b"you asked for /two"]
    # One upstream connection per request, both over the one client connection.
    assert up.connections == 2


def test_unreachable_upstream_gets_502() -> None:
    spare = socket.create_server(("127.0.0.1", 0))
    port_with_nobody = spare.getsockname()[1]
    spare.close()
    with proxy_to(port_with_nobody) as port, client_to(port) as client:
        client.send(get(), h11typed.EndOfMessage())
        response = client.next_of(h11typed.Response)
        assert client.read_to_end() == b""
    assert isinstance(response, h11typed.Response)
    assert response.status_code == 502
