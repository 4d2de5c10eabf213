"""End-to-end interop with the standard library over 127.0.0.1.

An h11typed client talks to ``http.server``; an h11typed server answers
``http.client`` and ``urllib.request``.  Every socket has a short timeout so a
hang fails the test instead of blocking the run.
"""

from __future__ import annotations

import http.client
import http.server
import socket
import threading
import urllib.request
from collections.abc import Callable, Generator
from contextlib import contextmanager
from dataclasses import dataclass, field

from h11typed import (
    CLIENT,
    CLOSED,
    DONE,
    MUST_CLOSE,
    NEED_DATA,
    SERVER,
    Connection,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Event,
    InformationalResponse,
    Request,
    Response,
)

TIMEOUT = 5.0
HOST = "127.0.0.1"
EVERY_BYTE = bytes(range(256))


# --- socket plumbing shared by both directions ----------------------------------------


def _next_event(sock: socket.socket, conn: Connection) -> Event:
    """The next event, reading from ``sock`` whenever more bytes are needed."""
    while True:
        event = conn.next_event()
        if event is NEED_DATA:
            conn.receive_data(sock.recv(65536))  # b"" at EOF signals EOF
            continue
        assert isinstance(event, Event), event  # PAUSED never happens here
        return event


@dataclass
class Message:
    """One received message: its head, its body and how it ended."""

    head: Event
    body: bytes = b""
    end: Event | None = None


def _read_message(sock: socket.socket, conn: Connection) -> Message | None:
    """Read one whole message (skipping 1xx); None if the peer just closed."""
    head = _next_event(sock, conn)
    while type(head) is InformationalResponse:
        head = _next_event(sock, conn)
    if type(head) is ConnectionClosed:
        return None
    message = Message(head)
    while True:
        event = _next_event(sock, conn)
        if type(event) is Data:
            message.body += bytes(event.data)
        else:
            message.end = event
            return message


def _send(sock: socket.socket, conn: Connection, *events: Event) -> None:
    for event in events:
        data = conn.send(event)
        if data:
            sock.sendall(data)


# --- h11typed client against http.server ----------------------------------------------


class _RecordingServer(http.server.ThreadingHTTPServer):
    """Remembers the client address of every request it handled."""

    daemon_threads = True

    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler]) -> None:
        super().__init__((HOST, 0), handler)
        self.peers: list[tuple[str, int]] = []


class _Handler11(http.server.BaseHTTPRequestHandler):
    """GET returns a fixed body; POST echoes the request body. Keep-alive on."""

    protocol_version = "HTTP/1.1"
    timeout = TIMEOUT

    def _reply(self, body: bytes) -> None:
        server = self.server
        assert isinstance(server, _RecordingServer)
        server.peers.append(self.client_address)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._reply(b"GET " + self.path.encode("ascii"))

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self._reply(self.rfile.read(length))

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet


class _Handler10(_Handler11):
    """An HTTP/1.0 server: no Content-Length, the body ends when it closes."""

    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"until close")


@contextmanager
def _stdlib_server(
    handler: type[http.server.BaseHTTPRequestHandler],
) -> Generator[_RecordingServer, None, None]:
    server = _RecordingServer(handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


@contextmanager
def _client_socket(port: int) -> Generator[socket.socket, None, None]:
    sock = socket.create_connection((HOST, port), timeout=TIMEOUT)
    try:
        yield sock
    finally:
        sock.close()


def _request(method: str, target: str, *extra: tuple[str, str]) -> Request:
    return Request(method=method, target=target, headers=[("Host", HOST), *extra])


def test_client_gets_a_response_from_http_server() -> None:
    with _stdlib_server(_Handler11) as server, _client_socket(server.server_port) as sock:
        conn = Connection(CLIENT)
        _send(sock, conn, _request("GET", "/hello?x=1"), EndOfMessage())
        message = _read_message(sock, conn)
    assert message is not None
    assert type(message.head) is Response
    assert message.head.status_code == 200
    assert message.head.http_version == b"1.1"
    assert (b"content-type", b"application/octet-stream") in list(message.head.headers)
    assert message.body == b"GET /hello?x=1"
    assert message.end == EndOfMessage()
    assert conn.states == {CLIENT: DONE, SERVER: DONE}


def test_client_posts_a_body_to_http_server() -> None:
    with _stdlib_server(_Handler11) as server, _client_socket(server.server_port) as sock:
        conn = Connection(CLIENT)
        post = _request("POST", "/echo", ("Content-Length", str(len(EVERY_BYTE) * 2)))
        _send(sock, conn, post, Data(EVERY_BYTE), Data(EVERY_BYTE), EndOfMessage())
        message = _read_message(sock, conn)
    assert message is not None
    assert message.body == EVERY_BYTE * 2


def test_client_reuses_the_connection_with_an_http_1_1_server() -> None:
    with _stdlib_server(_Handler11) as server, _client_socket(server.server_port) as sock:
        conn = Connection(CLIENT)
        bodies: list[bytes] = []
        for path in ("/one", "/two", "/three"):
            _send(sock, conn, _request("GET", path), EndOfMessage())
            message = _read_message(sock, conn)
            assert message is not None
            bodies.append(message.body)
            conn.start_next_cycle()
        peers = list(server.peers)
    assert bodies == [b"GET /one", b"GET /two", b"GET /three"]
    # All three requests arrived over one TCP connection.
    assert len(peers) == 3
    assert len(set(peers)) == 1


def test_client_reads_an_http_1_0_body_until_the_server_closes() -> None:
    with _stdlib_server(_Handler10) as server, _client_socket(server.server_port) as sock:
        conn = Connection(CLIENT)
        _send(sock, conn, _request("GET", "/"), EndOfMessage())
        message = _read_message(sock, conn)
        assert message is not None
        assert _next_event(sock, conn) == ConnectionClosed()
    assert type(message.head) is Response
    assert message.head.http_version == b"1.0"
    assert message.body == b"until close"
    assert message.end == EndOfMessage()
    assert conn.states == {CLIENT: MUST_CLOSE, SERVER: CLOSED}


# --- h11typed server answering http.client and urllib ---------------------------------


@dataclass
class _Reply:
    status: int
    headers: list[tuple[str, str]]
    chunks: list[bytes]


Responder = Callable[[Request, bytes], _Reply]


@dataclass
class _H11Server:
    """A one-thread h11typed server; serves connections one after another."""

    respond: Responder
    listener: socket.socket = field(init=False)
    received: list[tuple[Request, bytes]] = field(default_factory=list[tuple[Request, bytes]])
    connections: int = 0
    errors: list[BaseException] = field(default_factory=list[BaseException])
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.listener = socket.create_server((HOST, 0))
        self.listener.settimeout(0.05)

    @property
    def port(self) -> int:
        port: int = self.listener.getsockname()[1]
        return port

    def serve(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            try:
                sock.settimeout(TIMEOUT)
                self._serve_connection(sock)
            except BaseException as exc:  # reported by the test, not lost in a thread
                self.errors.append(exc)
            finally:
                sock.close()

    def _serve_connection(self, sock: socket.socket) -> None:
        conn = Connection(SERVER)
        while True:
            message = _read_message(sock, conn)
            if message is None:
                return
            assert type(message.head) is Request
            self.received.append((message.head, message.body))
            reply = self.respond(message.head, message.body)
            _send(sock, conn, Response(status_code=reply.status, headers=reply.headers))
            _send(sock, conn, *[Data(chunk) for chunk in reply.chunks], EndOfMessage())
            if conn.our_state is MUST_CLOSE:
                return
            conn.start_next_cycle()

    def stop(self) -> None:
        self._stop.set()


@contextmanager
def _h11_server(respond: Responder) -> Generator[_H11Server, None, None]:
    server = _H11Server(respond)
    thread = threading.Thread(target=server.serve)
    thread.start()
    try:
        yield server
    finally:
        server.stop()
        thread.join(TIMEOUT)
        server.listener.close()
    assert server.errors == []


def _by_path(request: Request, body: bytes) -> _Reply:
    if request.method == b"POST":
        return _Reply(200, [("Content-Length", str(len(body)))], [body])
    if request.target == b"/chunked":
        # No framing headers: send() picks chunked for an HTTP/1.1 client.
        return _Reply(200, [("Content-Type", "text/plain")], [b"one,", b"", b"two,", b"three"])
    payload = b"you asked for " + request.target
    return _Reply(200, [("Content-Length", str(len(payload)))], [payload])


def test_http_client_gets_a_response_from_an_h11typed_server() -> None:
    with _h11_server(_by_path) as server:
        client = http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)
        client.request("GET", "/page?q=1", headers={"X-Test": "yes"})
        response = client.getresponse()
        body = response.read()
        client.close()
    assert (response.status, response.reason) == (200, "")
    assert response.version == 11
    assert body == b"you asked for /page?q=1"
    request, _ = server.received[0]
    assert request.method == b"GET"
    assert request.target == b"/page?q=1"
    assert (b"x-test", b"yes") in list(request.headers)


def test_http_client_posts_a_body_to_an_h11typed_server() -> None:
    with _h11_server(_by_path) as server:
        client = http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)
        client.request("POST", "/echo", body=EVERY_BYTE * 3)
        body = client.getresponse().read()
        client.close()
    assert body == EVERY_BYTE * 3
    assert server.received[0][1] == EVERY_BYTE * 3


def test_http_client_sends_a_chunked_body_to_an_h11typed_server() -> None:
    with _h11_server(_by_path) as server:
        client = http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)
        client.request("POST", "/echo", body=iter([b"ab", b"cd", b"ef"]), encode_chunked=True)
        body = client.getresponse().read()
        client.close()
    request, received = server.received[0]
    assert (b"transfer-encoding", b"chunked") in list(request.headers)
    assert received == body == b"abcdef"


def test_http_client_decodes_a_chunked_response_from_an_h11typed_server() -> None:
    with _h11_server(_by_path) as server:
        client = http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)
        client.request("GET", "/chunked")
        response = client.getresponse()
        body = response.read()
        client.close()
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.getheader("Content-Type") == "text/plain"
    assert body == b"one,two,three"


def test_http_client_reuses_one_connection_to_an_h11typed_server() -> None:
    with _h11_server(_by_path) as server:
        client = http.client.HTTPConnection(HOST, server.port, timeout=TIMEOUT)
        bodies: list[bytes] = []
        for path in ("/a", "/chunked", "/b"):
            client.request("GET", path)
            bodies.append(client.getresponse().read())
        client.close()
    assert bodies == [b"you asked for /a", b"one,two,three", b"you asked for /b"]
    assert server.connections == 1


def test_urllib_gets_a_response_from_an_h11typed_server() -> None:
    with _h11_server(_by_path) as server:
        url = f"http://{HOST}:{server.port}/via-urllib"
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            status = response.status
            body = response.read()
    assert status == 200
    assert body == b"you asked for /via-urllib"
    # urllib asks for Connection: close, so the server ended in MUST_CLOSE.
    request, _ = server.received[0]
    assert (b"connection", b"close") in list(request.headers)


def test_urllib_posts_to_an_h11typed_server_and_reads_a_chunked_reply() -> None:
    def respond(request: Request, body: bytes) -> _Reply:
        return _Reply(201, [], [body[::-1], b"!"])

    with _h11_server(respond) as server:
        url = f"http://{HOST}:{server.port}/upload"
        req = urllib.request.Request(url, data=b"payload", method="POST")
        with urllib.request.urlopen(req, timeout=TIMEOUT) as response:
            status = response.status
            body = response.read()
    assert status == 201
    assert body == b"daolyap!"
    assert server.received[0][1] == b"payload"
