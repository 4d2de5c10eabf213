"""The standard library's http.client and http.server against h11typed's examples.

tests/test_stdlib_interop.py pits the stdlib against test-local h11typed code;
here the stdlib meets the shipped examples: http.client against the threaded
and trio servers, and the blocking client against http.server. No `h11` name is
involved, so these run in the test process.
"""

from __future__ import annotations

import http.client
import http.server
import threading
from collections.abc import Iterator

import pytest

import h11typed
from examples.blocking_client import Client
from examples.threaded_server import ThreadedServer
from tests.integration.support import TIMEOUT, PeerServers

pytestmark = pytest.mark.integration

HELLO = b"Hello, world!\n"


@pytest.fixture
def threaded() -> Iterator[ThreadedServer]:
    with ThreadedServer("127.0.0.1", 0, idle_timeout=TIMEOUT) as server:
        yield server


def test_http_client_reuses_one_connection_to_the_threaded_example(
    threaded: ThreadedServer,
) -> None:
    conn = http.client.HTTPConnection(threaded.host, threaded.port, timeout=TIMEOUT)
    local_ports: set[int] = set()
    try:
        for _ in range(3):
            conn.request("GET", "/hello")
            response = conn.getresponse()
            assert (response.status, response.read()) == (200, HELLO)
            assert response.getheader("Server") == h11typed.PRODUCT_ID
            assert conn.sock is not None
            local_ports.add(conn.sock.getsockname()[1])
    finally:
        conn.close()
    assert len(local_ports) == 1


def test_http_client_chunked_upload_reaches_the_threaded_example_chunked(
    threaded: ThreadedServer,
) -> None:
    pieces = [b"first,", b"second,", b"third"]
    conn = http.client.HTTPConnection(threaded.host, threaded.port, timeout=TIMEOUT)
    try:
        conn.request("POST", "/echo", body=iter(pieces), encode_chunked=True)
        response = conn.getresponse()
        assert (response.status, response.read()) == (200, b"".join(pieces))
        assert response.getheader("X-Received-Framing") == "chunked"
    finally:
        conn.close()


def test_http_client_reads_a_chunked_response_from_the_trio_example(
    peer_servers: PeerServers,
) -> None:
    server = peer_servers.get("trio")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        conn.request("GET", "/chunked?n=4")
        response = conn.getresponse()
        assert response.getheader("Transfer-Encoding") == "chunked"
        assert response.read() == b"".join(f"line {i} of 4\n".encode() for i in range(1, 5))
    finally:
        conn.close()


def test_http_client_head_then_get_on_the_trio_example(peer_servers: PeerServers) -> None:
    server = peer_servers.get("trio")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        conn.request("HEAD", "/hello")
        head = conn.getresponse()
        assert (head.status, head.getheader("Content-Length"), head.read()) == (200, "14", b"")
        conn.request("GET", "/hello")
        assert conn.getresponse().read() == HELLO
    finally:
        conn.close()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, and chunked responses allowed

    def do_GET(self) -> None:
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"one,", b"two,", b"three"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
            return
        self._reply(HELLO)

    def do_POST(self) -> None:
        self._reply(self.rfile.read(int(self.headers["Content-Length"])))

    def _reply(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output clean


@pytest.fixture
def stdlib_server() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


def test_blocking_client_example_keeps_one_connection_to_http_server(
    stdlib_server: http.server.ThreadingHTTPServer,
) -> None:
    host, port = stdlib_server.server_address[:2]
    with Client(str(host), int(port), timeout=TIMEOUT) as client:
        first = client.request(b"GET", b"/hello")
        posted = client.request(b"POST", b"/echo", body=b"ping" * 1000)
        chunked = client.request(b"GET", b"/chunked")
        assert client.connections_opened == 1
    assert (first.status, first.body) == (200, HELLO)
    assert (posted.status, posted.body) == (200, b"ping" * 1000)
    assert (chunked.status, chunked.body) == (200, b"one,two,three")
