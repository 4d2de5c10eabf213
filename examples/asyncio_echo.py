"""An asyncio (streams) echo server and client on h11typed.

The server answers every request with its body; the client sends several
messages over one keep-alive connection and collects the echoes. The same
h11typed Connection works here as in the blocking examples: only the code that
moves bytes differs.

Run it as a script to start the server on a free port, echo a few messages
through it and stop:

    python examples/asyncio_echo.py
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Self

import h11typed

RECEIVE_SIZE = 64 * 1024


class StreamPeer:
    """One h11typed Connection with the asyncio stream pair it reads from and writes to.

    Shared with examples/streaming_proxy.py.
    """

    def __init__(
        self, conn: h11typed.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.conn = conn
        self.reader = reader
        self.writer = writer

    async def send(self, event: h11typed.Event) -> None:
        data = self.conn.send(event)
        # send() returns None only for ConnectionClosed, which is never sent here.
        if data:
            self.writer.write(data)
            await self.writer.drain()

    async def next_event(self) -> h11typed.Event:
        while True:
            event = self.conn.next_event()
            if event is h11typed.NEED_DATA:
                # b"" at end of stream tells the connection the peer closed.
                self.conn.receive_data(await self.reader.read(RECEIVE_SIZE))
                continue
            if isinstance(event, h11typed.Event):
                return event
            raise h11typed.RemoteProtocolError("connection paused unexpectedly")

    async def read_body(self) -> bytes:
        body = bytearray()
        while True:
            event = await self.next_event()
            if isinstance(event, h11typed.Data):
                body += event.data
            elif isinstance(event, h11typed.EndOfMessage):
                return bytes(body)
            else:
                raise h11typed.RemoteProtocolError(f"unexpected {event!r} in a body")

    def next_cycle(self) -> bool:
        """Get ready for the next request; False when the connection must close."""
        if self.conn.our_state is h11typed.DONE and self.conn.their_state is h11typed.DONE:
            self.conn.start_next_cycle()
            return True
        return False

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


async def _serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    peer = StreamPeer(h11typed.Connection(our_role=h11typed.SERVER), reader, writer)
    try:
        while True:
            event = await peer.next_event()
            if isinstance(event, h11typed.ConnectionClosed):
                break
            if not isinstance(event, h11typed.Request):
                raise h11typed.RemoteProtocolError(f"expected a request, got {event!r}")
            if peer.conn.they_are_waiting_for_100_continue:
                await peer.send(h11typed.InformationalResponse(status_code=100, headers=[]))
            body = await peer.read_body()
            length = str(len(body)).encode("ascii")
            await peer.send(
                h11typed.Response(status_code=200, headers=[(b"Content-Length", length)])
            )
            await peer.send(h11typed.Data(data=body))
            await peer.send(h11typed.EndOfMessage())
            if not peer.next_cycle():
                break
    except (h11typed.ProtocolError, OSError):
        # A broken client is simply dropped; the threaded example shows error replies.
        pass
    finally:
        await peer.close()


class StreamServer:
    """An asyncio server for use as ``async with``; it listens on ``self.port``.

    Subclasses say how to serve one connection (``serve``). Leaving the block stops
    listening, closes the open connections and waits for their handlers to finish, so
    nothing is left running on the event loop. Shared with examples/streaming_proxy.py.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None
        self._open: dict[asyncio.Task[None], asyncio.StreamWriter] = {}

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.close()
        for writer in self._open.values():
            # The handler reads end-of-stream and finishes normally; cancelling it
            # instead makes Python 3.11's stream callback log a spurious error.
            writer.close()
        await asyncio.gather(*self._open, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._open[task] = writer
        try:
            await self.serve(reader, writer)
        finally:
            del self._open[task]


class EchoServer(StreamServer):
    """The echo server: ``async with EchoServer() as server`` serves on ``server.port``."""

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _serve_connection(reader, writer)


async def echo_many(host: str, port: int, messages: Sequence[bytes]) -> list[bytes]:
    """POST every message over one keep-alive connection; return the echoed bodies."""
    reader, writer = await asyncio.open_connection(host, port)
    peer = StreamPeer(h11typed.Connection(our_role=h11typed.CLIENT), reader, writer)
    echoes: list[bytes] = []
    try:
        for message in messages:
            headers = [
                (b"Host", host.encode("ascii")),
                (b"Content-Length", str(len(message)).encode("ascii")),
            ]
            await peer.send(h11typed.Request(method=b"POST", target=b"/echo", headers=headers))
            await peer.send(h11typed.Data(data=message))
            await peer.send(h11typed.EndOfMessage())
            response = await peer.next_event()
            if not isinstance(response, h11typed.Response) or response.status_code != 200:
                raise h11typed.RemoteProtocolError(f"expected a 200 response, got {response!r}")
            echoes.append(await peer.read_body())
            if not peer.next_cycle():
                raise ConnectionError("the server closed a keep-alive connection")
    finally:
        await peer.close()
    return echoes


async def main() -> None:
    async with EchoServer() as server:
        print(f"echo server on {server.host}:{server.port}")
        messages = [b"hello", b"sans-io", b"x" * 100_000]
        echoes = await echo_many(server.host, server.port, messages)
        for sent, got in zip(messages, echoes, strict=True):
            shown = got if len(got) < 40 else got[:20] + b"..." + got[-10:]
            print(f"sent {len(sent):6d} bytes, echoed {len(got):6d} bytes: {shown!r}")


if __name__ == "__main__":
    asyncio.run(main())
