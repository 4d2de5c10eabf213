"""A streaming reverse proxy on asyncio and h11typed: bodies pass through, never buffered.

Each client connection has an h11typed server-side Connection; each request it
carries gets a fresh upstream connection with an h11typed client-side Connection.
Two pumps then run at once:

- request pump: client -> upstream, every Data event forwarded as it arrives;
- response pump: upstream -> client, the interim (1xx) and final heads, then every
  Data event as it arrives.

So a chunked body goes through piece by piece (each Data becomes one chunk on the
other side), and ``Expect: 100-continue`` works end to end: the client's body
waits for the upstream's 100, which the response pump forwards. Hop-by-hop
headers are not forwarded (RFC 9110 section 7.6.1) and a Via header is added
(section 7.6.3). Framing is per hop: a Content-Length is kept, a chunked request
body is re-chunked, and h11typed picks the response framing for the client.

Run it from the repository root to proxy a local port to an upstream server:

    python -m examples.streaming_proxy 8080 127.0.0.1 8000
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Sequence

import h11typed
from examples.asyncio_echo import StreamPeer, StreamServer

Headers = list[tuple[bytes, bytes]]

VIA = (b"Via", b"1.1 h11typed-proxy")
# Meaningful for one connection only, so never forwarded (RFC 9110 section 7.6.1).
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)


def forwarded_headers(headers: Sequence[tuple[bytes, bytes]]) -> Headers:
    """The end-to-end headers: without hop-by-hop ones, nor those the Connection header names."""
    named = {b"connection"}
    for name, value in headers:
        if name == b"connection":
            named.update(token.strip().lower() for token in value.split(b","))
    return [
        (name, value) for name, value in headers if name not in HOP_BY_HOP and name not in named
    ]


async def _pump_request(client: StreamPeer, upstream: StreamPeer) -> None:
    """Forward the request body, piece by piece, then its end (with any trailers)."""
    while True:
        event = await client.next_event()
        if isinstance(event, h11typed.Data):
            await upstream.send(h11typed.Data(data=event.data))
        elif isinstance(event, h11typed.EndOfMessage):
            await upstream.send(h11typed.EndOfMessage(headers=forwarded_headers(event.headers)))
            return
        else:
            raise h11typed.RemoteProtocolError(f"unexpected {event!r} in a request body")


async def _pump_response(client: StreamPeer, upstream: StreamPeer) -> None:
    """Forward interim responses, the final head, and the body as it arrives."""
    while True:
        event = await upstream.next_event()
        if isinstance(event, h11typed.InformationalResponse):
            if event.status_code == 101:
                raise h11typed.RemoteProtocolError("this proxy does not tunnel protocol upgrades")
            await client.send(
                h11typed.InformationalResponse(
                    status_code=event.status_code, headers=forwarded_headers(event.headers)
                )
            )
        elif isinstance(event, h11typed.Response):
            headers = [*forwarded_headers(event.headers), VIA]
            await client.send(
                h11typed.Response(
                    status_code=event.status_code, headers=headers, reason=event.reason
                )
            )
        elif isinstance(event, h11typed.Data):
            await client.send(h11typed.Data(data=event.data))
        elif isinstance(event, h11typed.EndOfMessage):
            await client.send(h11typed.EndOfMessage(headers=forwarded_headers(event.headers)))
            return
        else:
            raise h11typed.RemoteProtocolError(
                f"upstream closed before its response ended ({event!r})"
            )


class StreamingProxy(StreamServer):
    """``async with StreamingProxy(upstream_host, upstream_port) as proxy`` listens on ``proxy.port``."""

    def __init__(
        self, upstream_host: str, upstream_port: int, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        super().__init__(host, port)
        self.upstream = (upstream_host, upstream_port)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client = StreamPeer(h11typed.Connection(our_role=h11typed.SERVER), reader, writer)
        try:
            while await self._proxy_one(client):
                if (
                    client.conn.our_state is not h11typed.DONE
                    or client.conn.their_state is not h11typed.DONE
                ):
                    break
                client.conn.start_next_cycle()
        except (h11typed.ProtocolError, OSError):
            pass  # a broken client or upstream: drop the connection
        finally:
            await client.close()

    async def _proxy_one(self, client: StreamPeer) -> bool:
        """Proxy one request; False once the client has closed the connection."""
        request = await client.next_event()
        if isinstance(request, h11typed.ConnectionClosed):
            return False
        if not isinstance(request, h11typed.Request):
            raise h11typed.RemoteProtocolError(f"expected a request, got {request!r}")
        try:
            reader, writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            await client.send(
                h11typed.Response(status_code=502, headers=[(b"Content-Length", b"0"), VIA])
            )
            await client.send(h11typed.EndOfMessage())
            return client.conn.their_state is h11typed.DONE
        upstream = StreamPeer(h11typed.Connection(our_role=h11typed.CLIENT), reader, writer)
        try:
            headers = forwarded_headers(request.headers)
            if any(name == b"transfer-encoding" for name, _ in request.headers):
                headers.append((b"Transfer-Encoding", b"chunked"))
            headers.append(VIA)
            await upstream.send(
                h11typed.Request(method=request.method, target=request.target, headers=headers)
            )
            sending = asyncio.create_task(_pump_request(client, upstream))
            receiving = asyncio.create_task(_pump_response(client, upstream))
            try:
                await asyncio.wait((sending, receiving), return_when=asyncio.FIRST_COMPLETED)
                if sending.done() and not receiving.done():
                    sending.result()  # a broken request body ends it here
                    await receiving
                # If the upstream answered before reading the whole body (a 413, say), the
                # request pump is cancelled below; the client connection is then not
                # reusable, which _handle sees from its states, and closes.
                receiving.result()
            finally:
                for task in (sending, receiving):
                    task.cancel()
                await asyncio.gather(sending, receiving, return_exceptions=True)
        finally:
            await upstream.close()
        return True


async def _main(port: int, upstream_host: str, upstream_port: int) -> None:
    async with StreamingProxy(upstream_host, upstream_port, port=port) as proxy:
        print(
            f"proxying http://{proxy.host}:{proxy.port}/ to {upstream_host}:{upstream_port}; Ctrl-C stops"
        )
        await asyncio.Event().wait()


def main(argv: Sequence[str]) -> int:
    if len(argv) != 3:
        print("usage: streaming_proxy.py LISTEN_PORT UPSTREAM_HOST UPSTREAM_PORT", file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(int(argv[0]), argv[1], int(argv[2])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
