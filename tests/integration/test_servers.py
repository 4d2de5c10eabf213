"""Servers on h11typed driven by curl and by raw sockets: uvicorn and hypercorn
(h11typed installed as `h11`), and the examples' threaded and trio servers.

curl is an independent HTTP/1.1 client (libcurl, no Python at all); the raw-socket
tests send bytes no polite client would (pipelined requests, malformed heads) and
read the answers with the standard library's parser.
"""

from __future__ import annotations

import http.client
import io
import random
import socket
import subprocess
from pathlib import Path
from typing import cast

import pytest

from tests.integration.asgi_app import HELLO, chunked_lines
from tests.integration.support import TIMEOUT, PeerServer, PeerServers, need_program

pytestmark = pytest.mark.integration

SERVERS = ("uvicorn", "hypercorn", "threaded", "trio")
# examples/threaded_server.py routes only GET /hello, so HEAD there is a 404.
SERVERS_WITH_HEAD = ("uvicorn", "hypercorn", "trio")
# Each transfer's status, new connections opened for it, and body size.
WRITE_OUT = "%{http_code} %{num_connects} %{size_download}\\n"


@pytest.fixture(params=SERVERS)
def server(request: pytest.FixtureRequest, peer_servers: PeerServers) -> PeerServer:
    return peer_servers.get(request.param)


def curl(*args: str) -> subprocess.CompletedProcess[str]:
    """Run curl, bounded in time; fail the test on a transfer error."""
    command = [need_program("curl"), "--silent", "--show-error", "--max-time", "30", *args]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert completed.returncode == 0, f"curl exited {completed.returncode}: {completed.stderr}"
    return completed


def transfers(output: str) -> list[tuple[int, int, int]]:
    """(status, new connections, body bytes) per transfer, from WRITE_OUT lines."""
    rows = [line.split() for line in output.splitlines() if line.strip()]
    return [(int(status), int(connects), int(size)) for status, connects, size in rows]


def header(path: Path, name: str) -> str | None:
    """A header's value from a curl --dump-header file (the last response in it)."""
    value = None
    for line in path.read_text("latin-1").splitlines():
        key, sep, rest = line.partition(":")
        if sep and key.strip().lower() == name:
            value = rest.strip()
    return value


def write_payload(path: Path, size: int, seed: int) -> bytes:
    data = random.Random(seed).randbytes(size)
    path.write_bytes(data)
    return data


# --- curl --------------------------------------------------------------------------------


def test_curl_reuses_one_connection_for_several_requests(server: PeerServer) -> None:
    url = f"{server.url}/hello"
    server.new_connections()  # start counting from here
    result = curl(
        "-w", WRITE_OUT, "-o", "/dev/null", url, "-o", "/dev/null", url, "-o", "/dev/null", url
    )
    assert transfers(result.stdout) == [
        (200, 1, len(HELLO)),
        (200, 0, len(HELLO)),
        (200, 0, len(HELLO)),
    ]
    assert server.new_connections() == 1


def test_curl_large_post_is_echoed_intact(server: PeerServer, tmp_path: Path) -> None:
    sent = write_payload(tmp_path / "up", 5 * 1024 * 1024, seed=3)
    # "Expect:" (empty) stops curl adding Expect: 100-continue; that case has its own test.
    curl(
        "-H", "Expect:", "-H", "Content-Type: application/octet-stream",
        "--data-binary", f"@{tmp_path / 'up'}", "-D", str(tmp_path / "head"), "-o", str(tmp_path / "down"),
        f"{server.url}/echo",
    )  # fmt: skip
    assert (tmp_path / "down").read_bytes() == sent
    assert header(tmp_path / "head", "x-received-framing") == "content-length"


def test_curl_chunked_upload_is_received_chunked(server: PeerServer, tmp_path: Path) -> None:
    sent = write_payload(tmp_path / "up", 1024 * 1024, seed=4)
    curl(
        "-H", "Transfer-Encoding: chunked", "--data-binary", f"@{tmp_path / 'up'}",
        "-D", str(tmp_path / "head"), "-o", str(tmp_path / "down"), f"{server.url}/echo",
    )  # fmt: skip
    assert (tmp_path / "down").read_bytes() == sent
    assert header(tmp_path / "head", "x-received-framing") == "chunked"


def test_curl_downloads_a_chunked_response(server: PeerServer, tmp_path: Path) -> None:
    curl("-D", str(tmp_path / "head"), "-o", str(tmp_path / "down"), f"{server.url}/chunked?n=300")
    assert header(tmp_path / "head", "transfer-encoding") == "chunked"
    assert (tmp_path / "down").read_bytes() == b"".join(chunked_lines(300))


@pytest.mark.parametrize("kind", SERVERS_WITH_HEAD)
def test_curl_head_then_get_share_the_connection(
    peer_servers: PeerServers, kind: str, tmp_path: Path
) -> None:
    server = peer_servers.get(kind)
    url = f"{server.url}/hello"
    result = curl(
        "--head", "-D", str(tmp_path / "head"), "-o", "/dev/null", "-w", WRITE_OUT, url,
        "--next", "--silent", "-o", str(tmp_path / "body"), "-w", WRITE_OUT, url,
    )  # fmt: skip
    # The HEAD response announces GET's length but sends no body.
    assert transfers(result.stdout) == [(200, 1, 0), (200, 0, len(HELLO))]
    assert header(tmp_path / "head", "content-length") == str(len(HELLO))
    assert (tmp_path / "body").read_bytes() == HELLO


def test_curl_waits_for_100_continue_before_sending_the_body(
    server: PeerServer, tmp_path: Path
) -> None:
    sent = write_payload(tmp_path / "up", 256 * 1024, seed=5)
    result = curl(
        "--verbose", "-H", "Expect: 100-continue", "--data-binary", f"@{tmp_path / 'up'}",
        "-o", str(tmp_path / "down"), f"{server.url}/echo",
    )  # fmt: skip
    statuses = [
        line.split()[2] for line in result.stderr.splitlines() if line.startswith("< HTTP/1.1 ")
    ]
    assert statuses == ["100", "200"]
    assert (tmp_path / "down").read_bytes() == sent


# --- raw sockets ---------------------------------------------------------------------------


class _Unclosable(io.BytesIO):
    """http.client closes its file after each response; we read several from one."""

    def close(self) -> None:
        pass


class _Recorded:
    """Stands in for a socket: http.client reads its responses from recorded bytes."""

    def __init__(self, data: bytes) -> None:
        self._file = _Unclosable(data)

    def makefile(self, mode: str) -> _Unclosable:
        return self._file


def exchange(server: PeerServer, data: bytes) -> bytes:
    """Send raw bytes and read until the server closes the connection."""
    received = bytearray()
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        while chunk := sock.recv(65536):
            received += chunk
    return bytes(received)


def parse_responses(data: bytes, count: int) -> list[tuple[int, http.client.HTTPMessage, bytes]]:
    recorded = _Recorded(data)
    responses: list[tuple[int, http.client.HTTPMessage, bytes]] = []
    for _ in range(count):
        # _Recorded has the one socket method HTTPResponse uses (makefile).
        response = http.client.HTTPResponse(cast(socket.socket, recorded))
        response.begin()
        responses.append((response.status, response.headers, response.read()))
    assert recorded.makefile("rb").read() == b"", "bytes after the last response"
    return responses


def test_pipelined_requests_are_answered_in_order(server: PeerServer) -> None:
    # Three requests in one write; the server must answer each in turn (RFC 9112 section 9.3.2).
    requests = (
        b"GET /hello HTTP/1.1\r\nHost: test\r\n\r\n"
        b"GET /chunked?n=2 HTTP/1.1\r\nHost: test\r\n\r\n"
        b"POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nConnection: close\r\n\r\nthird"
    )
    first, second, third = parse_responses(exchange(server, requests), 3)
    assert (first[0], first[2]) == (200, HELLO)
    assert (second[0], second[2]) == (200, b"".join(chunked_lines(2)))
    assert second[1]["transfer-encoding"] == "chunked"
    assert (third[0], third[2]) == (200, b"third")


MALFORMED = {
    "a request line that is not one": b"GARBAGE\r\n\r\n",
    "a header line without a colon": b"GET /hello HTTP/1.1\r\nHost: test\r\nno colon here\r\n\r\n",
    "whitespace between field name and colon": b"GET /hello HTTP/1.1\r\nHost : test\r\n\r\n",
    "a Content-Length that is not a number": b"POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: abc\r\n\r\n",
    "an HTTP/1.1 request without Host": b"GET /hello HTTP/1.1\r\n\r\n",
    "a chunk size that is not hex": b"POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
}


@pytest.mark.parametrize("request_bytes", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_request_is_answered_with_400_and_the_connection_closes(
    server: PeerServer, request_bytes: bytes
) -> None:
    # exchange() returns only once the server has closed the connection.
    [(status, _, _)] = parse_responses(exchange(server, request_bytes), 1)
    assert status == 400
