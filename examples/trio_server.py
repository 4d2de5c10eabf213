"""An HTTP/1.1 server on trio and h11typed: one task per connection.

The same routes as the threaded example, so the same clients can drive either:

    GET|HEAD /hello        -> "Hello, world!\\n" (HEAD: the same head, no body)
    GET      /chunked?n=N  -> N lines, one chunk each
    POST     /echo         -> the request body back, plus X-Received-Framing and
                              X-Sent-100-Continue headers saying how it arrived

Keep-alive, ``Expect: 100-continue`` (answered just before the body is read,
RFC 9110 section 10.1.1) and error answers with h11typed's suggested status all
work as in the threaded example; only the code that moves bytes is trio's.

Run it as a script to serve on a port (default 8000) until Ctrl-C:

    python examples/trio_server.py 8000
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import trio

import h11typed

Headers = list[tuple[bytes, bytes]]

RECEIVE_SIZE = 64 * 1024
MAX_BODY = 8 * 1024 * 1024
# A connection that sends nothing for this long is closed.
IDLE_TIMEOUT = 30.0
SERVER_HEADER = (b"Server", h11typed.PRODUCT_ID.encode("ascii"))


@dataclass
class ServerStats:
    """Counters a test (or a curious operator) can read while the server runs."""

    connections: int = 0
    requests: int = 0


class _Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class _Session:
    """The requests of one connection, served one after another."""

    def __init__(self, stream: trio.abc.Stream, stats: ServerStats) -> None:
        self.stream = stream
        self.stats = stats
        self.conn = h11typed.Connection(our_role=h11typed.SERVER)
        # The method of the request being answered: a HEAD response has no body.
        self.method = b""

    async def run(self) -> None:
        try:
            while await self._serve_one():
                if self.conn.our_state is h11typed.DONE and self.conn.their_state is h11typed.DONE:
                    self.conn.start_next_cycle()
                else:
                    return  # Connection: close, HTTP/1.0, or an unread body we refused
        except h11typed.RemoteProtocolError as exc:
            await self._send_error(exc.error_status_hint, str(exc))
        except (trio.BrokenResourceError, trio.TooSlowError):
            return

    async def _serve_one(self) -> bool:
        event = await self._next_event()
        if isinstance(event, h11typed.ConnectionClosed):
            return False
        if not isinstance(event, h11typed.Request):
            raise h11typed.RemoteProtocolError(f"expected a request, got {event!r}")
        self.stats.requests += 1
        self.method = event.method
        try:
            await self._route(event)
        except _Refused as exc:
            await self._send_error(exc.status, str(exc))
        return True

    async def _route(self, request: h11typed.Request) -> None:
        path, _, query = request.target.partition(b"?")
        if request.method in (b"GET", b"HEAD") and path == b"/hello":
            await self._read_body()
            await self._respond(200, [(b"Content-Type", b"text/plain")], b"Hello, world!\n")
        elif request.method == b"GET" and path == b"/chunked":
            await self._read_body()
            count = _query_int(query, b"n", default=3)
            await self._send(h11typed.Response(status_code=200, headers=[SERVER_HEADER]))
            for i in range(1, count + 1):
                # No Content-Length: h11typed frames the body chunked, one chunk per Data.
                await self._send(h11typed.Data(data=f"line {i} of {count}\n".encode("ascii")))
            await self._send(h11typed.EndOfMessage())
        elif request.method == b"POST" and path == b"/echo":
            framing = b"chunked" if _has(request, b"transfer-encoding") else b"content-length"
            sent_continue = self.conn.they_are_waiting_for_100_continue
            body = await self._read_body()
            headers = [
                (b"Content-Type", b"application/octet-stream"),
                (b"X-Received-Framing", framing),
                (b"X-Sent-100-Continue", b"yes" if sent_continue else b"no"),
            ]
            await self._respond(200, headers, body)
        else:
            raise _Refused(404, f"no route for {request.method!r} {path!r}")

    async def _read_body(self) -> bytes:
        if self.conn.they_are_waiting_for_100_continue:
            await self._send(
                h11typed.InformationalResponse(status_code=100, headers=[SERVER_HEADER])
            )
        body = bytearray()
        while True:
            event = await self._next_event()
            if isinstance(event, h11typed.Data):
                body += event.data
                if len(body) > MAX_BODY:
                    raise _Refused(413, f"body is over {MAX_BODY} bytes")
            elif isinstance(event, h11typed.EndOfMessage):
                return bytes(body)
            else:
                raise h11typed.RemoteProtocolError(f"unexpected {event!r} in a request body")

    async def _respond(self, status: int, headers: Headers, body: bytes) -> None:
        length = (b"Content-Length", str(len(body)).encode("ascii"))
        await self._send(
            h11typed.Response(status_code=status, headers=[SERVER_HEADER, *headers, length])
        )
        # A response to HEAD has the GET response's head but never a body (RFC 9110 section 9.3.2).
        if body and self.method != b"HEAD":
            await self._send(h11typed.Data(data=body))
        await self._send(h11typed.EndOfMessage())

    async def _send_error(self, status: int, reason: str) -> None:
        if self.conn.our_state not in (h11typed.IDLE, h11typed.SEND_RESPONSE):
            return
        body = f"{status} {reason}\n".encode("utf-8", "replace")
        try:
            await self._respond(
                status, [(b"Content-Type", b"text/plain"), (b"Connection", b"close")], body
            )
        except (h11typed.LocalProtocolError, trio.BrokenResourceError):
            return

    async def _send(self, event: h11typed.Event) -> None:
        data = self.conn.send(event)
        if data:
            await self.stream.send_all(data)

    async def _next_event(self) -> h11typed.Event:
        while True:
            event = self.conn.next_event()
            if event is h11typed.NEED_DATA:
                with trio.fail_after(IDLE_TIMEOUT):
                    # b"" (the client closed) becomes ConnectionClosed or a protocol error.
                    self.conn.receive_data(await self.stream.receive_some(RECEIVE_SIZE))
                continue
            if isinstance(event, h11typed.Event):
                return event
            raise h11typed.RemoteProtocolError("connection paused unexpectedly")


def _has(request: h11typed.Request, name: bytes) -> bool:
    return any(key == name for key, _ in request.headers)


def _query_int(query: bytes, key: bytes, default: int) -> int:
    for pair in query.split(b"&"):
        name, _, value = pair.partition(b"=")
        if name == key and value.isdigit():
            return min(int(value), 1000)
    return default


async def _handle(stats: ServerStats, stream: trio.SocketStream) -> None:
    stats.connections += 1
    async with stream:
        await _Session(stream, stats).run()


async def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    stats: ServerStats | None = None,
    task_status: trio.TaskStatus[int] = trio.TASK_STATUS_IGNORED,
) -> None:
    """Serve until cancelled. With ``await nursery.start(serve, ...)`` you get the port back."""
    listeners = await trio.open_tcp_listeners(port, host=host)
    task_status.started(listeners[0].socket.getsockname()[1])
    await trio.serve_listeners(partial(_handle, stats or ServerStats()), listeners)


async def _main(port: int) -> None:
    async with trio.open_nursery() as nursery:
        bound = await nursery.start(partial(serve, "127.0.0.1", port))
        print(
            f"serving on http://127.0.0.1:{bound}/ (h11typed, COMPILED={h11typed.COMPILED}); Ctrl-C stops"
        )


def main(argv: Sequence[str]) -> int:
    with contextlib.suppress(KeyboardInterrupt):
        trio.run(_main, int(argv[0]) if argv else 8000)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
