"""A client subprocess for the integration tests: ``python -m tests.integration.peer_client CLIENT CASE URL``.

CLIENT is ``httpx-sync``, ``httpx-async`` (both through httpcore's h11 code),
``httpx2-sync``, ``httpx2-async`` (the same cases through httpx2 and httpcore2, the
fork, whose h11 code is httpcore's) or ``wsproto`` (a WebSocket client over a plain
socket). It switches `h11` to
h11typed before importing the client library, runs one CASE against the server
at URL (``http://127.0.0.1:PORT``), and prints one JSON line:
``{"engine": ..., "result": ...}``. The result holds observations only; the test
decides whether they are right.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import sys
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

from tests.integration.switch import engine_info, use_h11typed

use_h11typed()  # before anything below imports a peer

# The peers are imported only now, after the switch (hence E402).
import httpx  # noqa: E402
import httpx2  # noqa: E402
import wsproto  # noqa: E402
import wsproto.connection  # noqa: E402
import wsproto.events  # noqa: E402

from tests.integration.asgi_app import HELLO, chunked_lines  # noqa: E402

Result = dict[str, Any]
TIMEOUT = 20.0
KEEP_ALIVE_REQUESTS = 5
LARGE_BODY = 5 * 1024 * 1024
UPLOAD_PIECES = 16
UPLOAD_PIECE = 64 * 1024
CONTINUE_BODY = 256 * 1024
DOWNLOAD_LINES = 200


def _payload(size: int, seed: int) -> bytes:
    """Reproducible incompressible bytes (every byte value occurs)."""
    return random.Random(seed).randbytes(size)


def _pieces() -> list[bytes]:
    return [_payload(UPLOAD_PIECE, seed) for seed in range(UPLOAD_PIECES)]


# The cases run the same on either library: their APIs agree on everything used here.
SyncClient = httpx.Client | httpx2.Client
AsyncClient = httpx.AsyncClient | httpx2.AsyncClient


def _echo_facts(response: httpx.Response | httpx2.Response, sent: bytes) -> Result:
    return {
        "status": response.status_code,
        "http_version": response.http_version,
        "sent_length": len(sent),
        "echoed_length": len(response.content),
        "echoed_same": response.content == sent,
        "framing": response.headers.get("x-received-framing"),
        "sent_100": response.headers.get("x-sent-100-continue"),
    }


# --- httpx or httpx2, sync ---------------------------------------------------------


def sync_case(name: str, new_client: Callable[[], SyncClient]) -> Result:
    with new_client() as client:
        if name == "keep_alive":
            responses = [client.get("/hello") for _ in range(KEEP_ALIVE_REQUESTS)]
            return {
                "statuses": [r.status_code for r in responses],
                "bodies_ok": all(r.content == HELLO for r in responses),
                "http_versions": sorted({r.http_version for r in responses}),
            }
        if name == "large_post":
            body = _payload(LARGE_BODY, 1)
            return _echo_facts(client.post("/echo", content=body), body)
        if name == "chunked_upload":

            def generate() -> Iterator[bytes]:
                yield from _pieces()

            return _echo_facts(client.post("/echo", content=generate()), b"".join(_pieces()))
        if name == "chunked_download":
            with client.stream("GET", f"/chunked?n={DOWNLOAD_LINES}") as response:
                body = b"".join(response.iter_bytes())
                return {
                    "status": response.status_code,
                    "transfer_encoding": response.headers.get("transfer-encoding"),
                    "content_length": response.headers.get("content-length"),
                    "body_ok": body == b"".join(chunked_lines(DOWNLOAD_LINES)),
                }
        if name == "head":
            head = client.head("/hello")
            get = client.get("/hello")
            return {
                "head_status": head.status_code,
                "head_content_length": head.headers.get("content-length"),
                "head_body_length": len(head.content),
                "get_status": get.status_code,
                "get_body_ok": get.content == HELLO,
            }
        if name == "expect_continue":
            body = _payload(CONTINUE_BODY, 2)
            return _echo_facts(
                client.post("/echo", content=body, headers={"Expect": "100-continue"}), body
            )
    raise SystemExit(f"unknown case {name!r}")


# --- httpx or httpx2, async (the same cases through httpcore's async code) -------------


async def async_case(name: str, new_client: Callable[[], AsyncClient]) -> Result:
    async with new_client() as client:
        if name == "keep_alive":
            responses = [await client.get("/hello") for _ in range(KEEP_ALIVE_REQUESTS)]
            return {
                "statuses": [r.status_code for r in responses],
                "bodies_ok": all(r.content == HELLO for r in responses),
                "http_versions": sorted({r.http_version for r in responses}),
            }
        if name == "large_post":
            body = _payload(LARGE_BODY, 1)
            return _echo_facts(await client.post("/echo", content=body), body)
        if name == "chunked_upload":

            async def generate() -> AsyncIterator[bytes]:
                for piece in _pieces():
                    yield piece

            return _echo_facts(await client.post("/echo", content=generate()), b"".join(_pieces()))
        if name == "chunked_download":
            async with client.stream("GET", f"/chunked?n={DOWNLOAD_LINES}") as response:
                body = b"".join([piece async for piece in response.aiter_bytes()])
                return {
                    "status": response.status_code,
                    "transfer_encoding": response.headers.get("transfer-encoding"),
                    "content_length": response.headers.get("content-length"),
                    "body_ok": body == b"".join(chunked_lines(DOWNLOAD_LINES)),
                }
        if name == "head":
            head = await client.head("/hello")
            get = await client.get("/hello")
            return {
                "head_status": head.status_code,
                "head_content_length": head.headers.get("content-length"),
                "head_body_length": len(head.content),
                "get_status": get.status_code,
                "get_body_ok": get.content == HELLO,
            }
        if name == "expect_continue":
            body = _payload(CONTINUE_BODY, 2)
            return _echo_facts(
                await client.post("/echo", content=body, headers={"Expect": "100-continue"}), body
            )
    raise SystemExit(f"unknown case {name!r}")


# --- wsproto over a plain socket ---------------------------------------------------------


def websocket_case(name: str, url: str) -> Result:
    """Upgrade to WebSocket at /ws, exchange text and binary messages, close cleanly."""
    if name != "echo":
        raise SystemExit(f"unknown case {name!r}")
    host, _, port = url.removeprefix("http://").partition(":")
    ws = wsproto.WSConnection(wsproto.ConnectionType.CLIENT)
    sent: list[str | bytes] = ["hello, h11typed", bytes(range(256)), "x" * 100_000]
    echoes: list[str | bytes] = []
    result: Result = {"accepted": False, "rejected_status": None, "close_code": None}
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        sock.sendall(ws.send(wsproto.events.Request(host=f"{host}:{port}", target="/ws")))
        closed = False
        text_parts: list[str] = []
        bytes_parts: list[bytes] = []
        while not closed:
            data = sock.recv(65536)
            ws.receive_data(data or None)
            for event in ws.events():
                if isinstance(event, wsproto.events.AcceptConnection):
                    result["accepted"] = True
                    for message in sent:
                        if isinstance(message, str):
                            sock.sendall(ws.send(wsproto.events.TextMessage(data=message)))
                        else:
                            sock.sendall(ws.send(wsproto.events.BytesMessage(data=message)))
                elif isinstance(event, wsproto.events.RejectConnection):
                    result["rejected_status"] = event.status_code
                    closed = True
                elif isinstance(event, wsproto.events.TextMessage):
                    text_parts.append(event.data)
                    if event.message_finished:
                        echoes.append("".join(text_parts))
                        text_parts.clear()
                elif isinstance(event, wsproto.events.BytesMessage):
                    bytes_parts.append(bytes(event.data))
                    if event.message_finished:
                        echoes.append(b"".join(bytes_parts))
                        bytes_parts.clear()
                elif isinstance(event, wsproto.events.CloseConnection):
                    result["close_code"] = event.code
                    closed = True
            if (
                len(echoes) == len(sent)
                and not closed
                and ws.state is wsproto.connection.ConnectionState.OPEN
            ):
                sock.sendall(ws.send(wsproto.events.CloseConnection(code=1000)))
            if not data:
                closed = True
    result["echoed_same"] = echoes == sent
    result["echo_count"] = len(echoes)
    return result


CLIENTS: dict[str, tuple[Callable[[str, str], Result], tuple[str, ...]]] = {
    "httpx-sync": (
        lambda name, url: sync_case(name, lambda: httpx.Client(base_url=url, timeout=TIMEOUT)),
        ("httpcore._sync.http11",),
    ),
    "httpx-async": (
        lambda name, url: asyncio.run(
            async_case(name, lambda: httpx.AsyncClient(base_url=url, timeout=TIMEOUT))
        ),
        ("httpcore._async.http11",),
    ),
    "httpx2-sync": (
        lambda name, url: sync_case(name, lambda: httpx2.Client(base_url=url, timeout=TIMEOUT)),
        ("httpcore2._sync.http11",),
    ),
    "httpx2-async": (
        lambda name, url: asyncio.run(
            async_case(name, lambda: httpx2.AsyncClient(base_url=url, timeout=TIMEOUT))
        ),
        ("httpcore2._async.http11",),
    ),
    "wsproto": (websocket_case, ("wsproto.handshake",)),
}


def main(argv: Sequence[str]) -> int:
    if len(argv) != 3 or argv[0] not in CLIENTS:
        print(
            f"usage: python -m tests.integration.peer_client {{{','.join(CLIENTS)}}} CASE URL",
            file=sys.stderr,
        )
        return 2
    run, peer_modules = CLIENTS[argv[0]]
    result = run(argv[1], argv[2])
    print(json.dumps({"engine": engine_info(*peer_modules), "result": result}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
