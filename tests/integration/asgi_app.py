"""The small ASGI app that uvicorn and hypercorn serve in the integration tests.

Its HTTP routes mirror examples/threaded_server.py and examples/trio_server.py, so
one client script drives any of the four servers:

    GET|HEAD /hello        -> "Hello, world!\\n" with a Content-Length
    GET      /chunked?n=N  -> N lines "line i of N\\n", each its own body message
                              (no Content-Length: the server frames it chunked)
    POST     /echo         -> the request body back, with X-Received-Framing
    websocket /ws          -> echoes every message until the client closes

It also remembers the client addresses it sees, which is how the tests count the
TCP connections a server accepted (one address, one connection); the peer server
empties the set each time it reports the count.

Only the standard library here: this module is imported after install_as_h11().
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

HELLO = b"Hello, world!\n"
MAX_LINES = 1000

# (host, port) of the HTTP clients seen since the last count.
clients_seen: set[tuple[str, int]] = set()


def chunked_lines(count: int) -> list[bytes]:
    """The body of GET /chunked?n=count, one piece per line (as every test server sends it)."""
    return [f"line {i} of {count}\n".encode("ascii") for i in range(1, count + 1)]


def _query_int(query: bytes, key: bytes, default: int) -> int:
    for pair in query.split(b"&"):
        name, _, value = pair.partition(b"=")
        if name == key and value.isdigit():
            return min(int(value), MAX_LINES)
    return default


async def _read_body(receive: Receive) -> bytes:
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionError("the client went away mid-request")
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return bytes(body)


async def _respond(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    length = (b"content-length", str(len(body)).encode("ascii"))
    await send({"type": "http.response.start", "status": status, "headers": [*headers, length]})
    await send({"type": "http.response.body", "body": body})


async def _http(scope: Scope, receive: Receive, send: Send) -> None:
    client = scope.get("client")
    if client is not None:
        clients_seen.add((str(client[0]), int(client[1])))
    method: str = scope["method"]
    path: str = scope["path"]
    query: bytes = scope.get("query_string", b"")
    if method in ("GET", "HEAD") and path == "/hello":
        await _read_body(receive)
        await _respond(send, 200, [(b"content-type", b"text/plain")], HELLO)
    elif method == "GET" and path == "/chunked":
        await _read_body(receive)
        lines = chunked_lines(_query_int(query, b"n", 3))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        for line in lines:
            await send({"type": "http.response.body", "body": line, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    elif method == "POST" and path == "/echo":
        names = {name.lower() for name, _ in scope["headers"]}
        framing = b"chunked" if b"transfer-encoding" in names else b"content-length"
        body = await _read_body(receive)
        headers = [(b"content-type", b"application/octet-stream"), (b"x-received-framing", framing)]
        await _respond(send, 200, headers, body)
    else:
        await _respond(send, 404, [(b"content-type", b"text/plain")], b"not found\n")


async def _websocket(scope: Scope, receive: Receive, send: Send) -> None:
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    if scope["path"] != "/ws":
        await send({"type": "websocket.close", "code": 1008})
        return
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") is not None:
            await send({"type": "websocket.send", "text": message["text"]})
        else:
            await send({"type": "websocket.send", "bytes": message.get("bytes") or b""})


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """The ASGI 3 application."""
    if scope["type"] == "http":
        await _http(scope, receive, send)
    elif scope["type"] == "websocket":
        await _websocket(scope, receive, send)
    # "lifespan" is switched off in both servers.
