"""The examples, the demo and the benchmark modules run against the installed h11typed.

Every network test talks to a server on 127.0.0.1 port 0 and has a timeout, so a
hang fails the test instead of the run. Benchmark tests run tiny workloads and
assert correctness only, never timings.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import h11typed
from benchmarks import bench, memory
from benchmarks.peers import httptools_cases
from benchmarks.runner import format_results, measure, summarise
from benchmarks.targets import (
    DEFAULT_PURE_SRC,
    Target,
    load_httptools,
    load_installed,
    load_pure_copy,
)
from benchmarks.workloads import TRICKLES, WORKLOAD_ORDER, Case, h11_cases, simple
from examples import demo
from examples.asyncio_echo import EchoServer, echo_many
from examples.blocking_client import Client, fetch
from examples.threaded_server import MAX_BODY, ThreadedServer

TIMEOUT = 10.0


@pytest.fixture
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer("127.0.0.1", 0, idle_timeout=TIMEOUT) as running:
        yield running


@pytest.fixture
def wire() -> list[tuple[str, bytes]]:
    """What a traced client sent and received, in order."""
    return []


def traced_client(server: ThreadedServer, wire: list[tuple[str, bytes]]) -> Client:
    return Client(
        server.host, server.port, timeout=TIMEOUT, trace=lambda way, data: wire.append((way, data))
    )


def received(wire: list[tuple[str, bytes]]) -> bytes:
    return b"".join(data for way, data in wire if way == "recv")


def read_until(sock: socket.socket, suffix: bytes) -> bytes:
    """Read until the data ends with ``suffix`` or the peer closes (an empty suffix: until close)."""
    data = b""
    while not suffix or not data.endswith(suffix):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


# -- blocking client and threaded server --------------------------------------


def test_fetch_returns_status_headers_and_body(server: ThreadedServer) -> None:
    status, headers, body = fetch(server.host, server.port, b"GET", b"/hello")
    assert (status, body) == (200, b"Hello, world!\n")
    assert (b"content-length", b"14") in headers


def test_keep_alive_requests_share_one_connection(server: ThreadedServer) -> None:
    with Client(server.host, server.port, timeout=TIMEOUT) as client:
        ports: set[int | None] = set()
        for _ in range(3):
            assert client.request(b"GET", b"/hello").status == 200
            ports.add(client.local_port)
        assert client.connections_opened == 1
        assert len(ports) == 1


def test_connection_close_makes_the_client_reconnect(server: ThreadedServer) -> None:
    with Client(server.host, server.port, timeout=TIMEOUT) as client:
        client.request(b"GET", b"/hello", [(b"Connection", b"close")])
        assert client.request(b"GET", b"/hello").status == 200
        assert client.connections_opened == 2


def test_chunked_route_frames_its_body_in_chunks(
    server: ThreadedServer, wire: list[tuple[str, bytes]]
) -> None:
    with traced_client(server, wire) as client:
        reply = client.request(b"GET", b"/chunked?n=2")
    assert reply.body == b"line 1 of 2\nline 2 of 2\n"
    assert reply.header(b"transfer-encoding") == b"chunked"
    # RFC 9112 section 7.1: chunk-size in hex, CRLF, data, CRLF; a zero chunk ends it.
    assert received(wire).endswith(b"\r\n\r\nc\r\nline 1 of 2\n\r\nc\r\nline 2 of 2\n\r\n0\r\n\r\n")


@pytest.mark.parametrize(
    ("body", "framing", "data_events"),
    [
        (b"exactly these bytes", b"content-length", b"1"),
        ([b"one, ", b"two, ", b"three"], b"chunked", b"3"),
    ],
    ids=["content-length", "chunked"],
)
def test_echo_reads_the_request_body_in_either_framing(
    server: ThreadedServer, body: bytes | list[bytes], framing: bytes, data_events: bytes
) -> None:
    with Client(server.host, server.port, timeout=TIMEOUT) as client:
        reply = client.request(b"POST", b"/echo", body=body)
    assert reply.body == (body if isinstance(body, bytes) else b"".join(body))
    assert reply.header(b"x-received-framing") == framing
    assert reply.header(b"x-received-data-events") == data_events


def test_server_sends_100_continue_before_the_client_sends_the_body(
    server: ThreadedServer, wire: list[tuple[str, bytes]]
) -> None:
    with traced_client(server, wire) as client:
        reply = client.request(
            b"POST", b"/echo", body=b"the body", expect_continue=True, continue_timeout=TIMEOUT
        )
    assert (reply.status, reply.informational, reply.body) == (200, [100], b"the body")
    assert reply.header(b"x-sent-100-continue") == b"yes"
    # RFC 9110 section 10.1.1: the client holds the body until the 100 arrives.
    continue_at = next(
        i
        for i, (way, data) in enumerate(wire)
        if way == "recv" and data.startswith(b"HTTP/1.1 100")
    )
    body_at = next(i for i, (way, data) in enumerate(wire) if way == "send" and data == b"the body")
    assert continue_at < body_at


def test_oversized_upload_is_refused_without_100_continue(
    server: ThreadedServer, wire: list[tuple[str, bytes]]
) -> None:
    too_big = [(b"Content-Length", str(MAX_BODY + 1).encode("ascii"))]
    with traced_client(server, wire) as client:
        reply = client.request(b"POST", b"/echo", too_big, body=b"never sent", expect_continue=True)
        assert (reply.status, reply.informational) == (413, [])
        assert [data for way, data in wire if way == "send" and b"never sent" in data] == []
        # The unfinished upload leaves the connection unusable: the next request reconnects.
        assert client.request(b"GET", b"/hello").status == 200
        assert client.connections_opened == 2


def test_client_sends_the_body_anyway_when_no_100_comes() -> None:
    # A server that never answers 100; RFC 9110 section 10.1.1 lets the client go on after a wait.
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(TIMEOUT)
    got: list[bytes] = []

    def silent_server() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(TIMEOUT)
            data = b""
            while not data.endswith(b"body"):
                chunk = conn.recv(1024)
                if not chunk:
                    break
                data += chunk
            got.append(data)
            conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")

    thread = threading.Thread(target=silent_server)
    thread.start()
    try:
        with Client("127.0.0.1", listener.getsockname()[1], timeout=TIMEOUT) as client:
            reply = client.request(
                b"PUT", b"/x", body=b"body", expect_continue=True, continue_timeout=0.2
            )
    finally:
        thread.join(TIMEOUT)
        listener.close()
    assert (reply.status, reply.informational) == (204, [])
    assert got[0].endswith(b"\r\n\r\nbody")


def test_unknown_route_gets_404(server: ThreadedServer) -> None:
    status, _, body = fetch(server.host, server.port, b"GET", b"/nowhere")
    assert status == 404
    assert body.startswith(b"404 ")


def test_malformed_request_gets_400_and_the_connection_closes(server: ThreadedServer) -> None:
    with socket.create_connection((server.host, server.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        answer = read_until(sock, b"")
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"\r\nConnection: close\r\n" in answer


def test_stopping_the_server_closes_idle_keep_alive_connections() -> None:
    running = ThreadedServer("127.0.0.1", 0, idle_timeout=TIMEOUT).start()
    with socket.create_connection((running.host, running.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_until(sock, b"Hello, world!\n").startswith(b"HTTP/1.1 200 ")
        running.stop()
        assert sock.recv(4096) == b""


# -- asyncio ------------------------------------------------------------------


def test_asyncio_echo_returns_every_message_over_one_connection() -> None:
    messages = [b"hello", b"", b"x" * 200_000]

    async def scenario() -> list[bytes]:
        async with EchoServer() as echo:
            return await echo_many(echo.host, echo.port, messages)

    assert asyncio.run(asyncio.wait_for(scenario(), TIMEOUT)) == messages


# -- the demo -----------------------------------------------------------------


def test_demo_reports_the_imported_build() -> None:
    lines: list[str] = []
    build = demo.show_build(lines.append)
    assert build == ("compiled" if h11typed.COMPILED else "pure")
    assert any(f"COMPILED = {h11typed.COMPILED}" in line for line in lines)


def test_demo_keep_alive_transcript_uses_one_connection(server: ThreadedServer) -> None:
    lines: list[str] = []
    replies = demo.show_keep_alive(server.host, server.port, lines.append, requests=2)
    assert [reply.status for reply in replies] == [200, 200]
    assert any("over 1 TCP connection" in line for line in lines)
    assert sum(line.startswith("  >> GET /hello") for line in lines) == 2


def test_demo_chunked_transcripts_show_the_chunk_framing(server: ThreadedServer) -> None:
    lines: list[str] = []
    response = demo.show_chunked_response(server.host, server.port, lines.append)
    upload = demo.show_chunked_upload(server.host, server.port, lines.append)
    assert response.body.count(b"\n") == 3
    assert upload.body == b"first piece, second piece, last piece."
    assert "  << Transfer-Encoding: chunked\\r\\n" in lines
    assert "  >> Transfer-Encoding: chunked\\r\\n" in lines
    assert "  >> 0\\r\\n" in lines


def test_demo_continue_transcript_shows_accepted_and_refused_uploads(
    server: ThreadedServer,
) -> None:
    lines: list[str] = []
    accepted, refused = demo.show_continue(server.host, server.port, lines.append)
    assert (accepted.status, accepted.informational) == (200, [100])
    assert (refused.status, refused.informational) == (413, [])
    assert "  << HTTP/1.1 100 \\r\\n" in lines


def test_demo_speed_comparison_runs_on_a_tiny_workload() -> None:
    lines: list[str] = []
    pure_src = DEFAULT_PURE_SRC if (DEFAULT_PURE_SRC / "h11typed").is_dir() else None
    results = demo.compare_speed(
        pure_src, lines.append, rounds=1, batch_seconds=0.001, workloads=["a_cycle"]
    )
    assert [result.error for result in results] == [None] * len(results)
    assert "h11typed" in {result.target for result in results}
    assert "\na_cycle " in "\n".join(lines)


# -- benchmarks ---------------------------------------------------------------


def installed_targets() -> list[Target]:
    return [load_installed("h11typed"), load_installed("h11")]


@pytest.mark.parametrize("workload", WORKLOAD_ORDER)
def test_benchmark_workload_verifies_and_runs_on_every_target(workload: str) -> None:
    for case in bench.build_cases(installed_targets(), [workload]):
        case.verify()
        # Two operations, one set-up each, exercise the batching of prepared state.
        case.max_prepared = 1
        assert case.run(2, lambda: 0.0) == 0.0


def test_httptools_reference_rows_verify_when_httptools_is_installed() -> None:
    pytest.importorskip("httptools")
    cases = httptools_cases(load_httptools())
    assert {case.workload for case in cases} == {"b_pipeline", "c_chunked", "c_length", *TRICKLES}
    for case in cases:
        case.verify()
        assert case.run(1, lambda: 0.0) == 0.0


def test_wrong_output_marks_the_case_failed() -> None:
    honest = h11_cases(load_installed("h11typed"), ["a_cycle"])[0]
    lying = Case("a_cycle", "liar", simple(lambda sink: (0, 0)), honest.expected, lambda: None)
    measure([lying], rounds=1, batch_seconds=0.001, clock=lambda: 0.0, say=lambda text: None)
    assert lying.error is not None
    assert "wrong result" in lying.error
    assert "FAILED" in format_results(summarise([lying], "h11"), "h11")


def test_bench_main_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    argv = [
        "--rounds",
        "1",
        "--batch-seconds",
        "0.001",
        "--only",
        "a_cycle",
        "--no-pure",
        "--no-peers",
    ]
    assert bench.main([*argv, "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    rows = {row["target"]: row for row in report["results"]}
    assert set(rows) == {"h11typed", "h11"}
    assert rows["h11"]["speedup"] == 1.0


def test_pure_copy_of_the_source_is_pure_python() -> None:
    if not (DEFAULT_PURE_SRC / "h11typed" / "__init__.py").is_file():
        pytest.skip("no source tree to copy")
    target = load_pure_copy(DEFAULT_PURE_SRC)
    assert (target.build, target.module.__name__) == ("pure", "h11typed_pure")
    assert target.path.endswith(".py")


def test_memory_footprint_counts_bytes_per_connection() -> None:
    row = memory.footprint(load_installed("h11typed"), count=50)
    assert 0 < row.idle_bytes < row.parsed_request_bytes
