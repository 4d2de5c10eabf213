"""A server subprocess for the integration tests: ``python -m tests.integration.peer_server KIND``.

KIND is one of:

    threaded   examples/threaded_server.py
    trio       examples/trio_server.py
    uvicorn    uvicorn.Server, --http h11 --ws wsproto, serving tests/integration/asgi_app.py
    hypercorn  hypercorn.asyncio.serve, serving the same app

It switches `h11` to h11typed before importing anything else, listens on a free
port of 127.0.0.1, and prints one JSON line: {"port": ..., "peer": ..., "engine": ...}.
Then it serves; each "stats" line on stdin gets a JSON line with the number of
connections served since the previous one; end of stdin stops it.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from functools import partial
from importlib.metadata import version
from typing import Any, cast

from tests.integration.switch import engine_info, use_h11typed

use_h11typed()  # before anything below imports a peer

_print_lock = threading.Lock()


def _say(message: dict[str, Any]) -> None:
    with _print_lock:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def _control(new_connections: Callable[[], int], stop: Callable[[], None]) -> None:
    """Answer each "stats" line on stdin until it closes, then stop the server."""
    for line in sys.stdin:
        if line.strip() == "stats":
            _say({"connections": new_connections()})
    stop()


def _since_last_call(total: Callable[[], int]) -> Callable[[], int]:
    """Turn a running total of connections into "new since the last call"."""
    reported = 0

    def new_connections() -> int:
        nonlocal reported
        current = total()
        new, reported = current - reported, current
        return new

    return new_connections


def _take_new_clients() -> int:
    """The ASGI app's client addresses seen since the last call (the set is emptied).

    Per window, not over the whole run: an ephemeral port that the OS hands out
    again later in the run then still counts as a new connection.
    """
    from tests.integration.asgi_app import clients_seen

    count = len(clients_seen)
    clients_seen.clear()
    return count


def _start_control(new_connections: Callable[[], int], stop: Callable[[], None]) -> None:
    threading.Thread(target=_control, args=(new_connections, stop), daemon=True).start()


def _listener() -> socket.socket:
    # proto=IPPROTO_TCP, not create_server's 0: asyncio sets TCP_NODELAY only on
    # sockets whose proto says TCP (accepted ones inherit it); without it each
    # keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def _port(sock: socket.socket) -> int:
    port: int = sock.getsockname()[1]
    return port


def serve_threaded() -> None:
    from examples import threaded_server

    # The integration tests upload 5 MiB; the example's own limit is 1 MiB.
    threaded_server.MAX_BODY = 8 * 1024 * 1024
    server = threaded_server.ThreadedServer("127.0.0.1", 0, idle_timeout=30.0)
    accepted = 0
    # Count accepted connections: socketserver hands each one to process_request.
    inner: Any = server._server  # pyright: ignore[reportPrivateUsage]
    process_request = inner.process_request

    def counting(request: socket.socket, address: tuple[str, int]) -> None:
        nonlocal accepted
        accepted += 1
        process_request(request, address)

    inner.process_request = counting
    _say({"port": server.port, "peer": "examples/threaded_server.py", "engine": engine_info()})
    # shutdown() waits for serve_forever() to return, which the control thread may do.
    _start_control(_since_last_call(lambda: accepted), inner.shutdown)
    try:
        server.serve_forever()
    finally:
        server.stop()


def serve_trio() -> None:
    import trio

    from examples import trio_server

    stats = trio_server.ServerStats()

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            port = await nursery.start(partial(trio_server.serve, "127.0.0.1", 0, stats=stats))
            token = trio.lowlevel.current_trio_token()
            _say(
                {
                    "port": port,
                    "peer": f"examples/trio_server.py (trio {version('trio')})",
                    "engine": engine_info(),
                }
            )
            _start_control(
                _since_last_call(lambda: stats.connections),
                lambda: trio.from_thread.run_sync(nursery.cancel_scope.cancel, trio_token=token),
            )

    trio.run(main)


def serve_uvicorn() -> None:
    import uvicorn

    from tests.integration.asgi_app import app

    sock = _listener()
    config = uvicorn.Config(
        app,
        http="h11",
        ws="wsproto",
        lifespan="off",
        log_level="warning",
        access_log=False,
        timeout_keep_alive=30,
    )
    server = uvicorn.Server(config)
    info = engine_info("uvicorn.protocols.http.h11_impl", "wsproto.handshake")
    _say({"port": _port(sock), "peer": f"uvicorn {version('uvicorn')}", "engine": info})

    def stop() -> None:
        server.should_exit = True

    _start_control(_take_new_clients, stop)
    server.run(sockets=[sock])


def serve_hypercorn() -> None:
    import asyncio

    # hypercorn annotates its WSGI app type with a bare `dict`, so pyright sees
    # serve() as partially unknown; the ASGI path used here is fully typed.
    from hypercorn.asyncio import serve  # pyright: ignore[reportUnknownVariableType]
    from hypercorn.config import Config
    from hypercorn.typing import ASGIFramework

    from tests.integration.asgi_app import app

    sock = _listener()
    port = _port(sock)
    config = Config()
    # Hypercorn adopts the listening socket by file descriptor.
    config.bind = [f"fd://{sock.detach()}"]
    config.accesslog = None
    config.loglevel = "WARNING"
    config.keep_alive_timeout = 30
    info = engine_info("hypercorn.protocol.h11", "wsproto.handshake")

    async def main() -> None:
        loop = asyncio.get_running_loop()
        stopping = asyncio.Event()
        _say({"port": port, "peer": f"hypercorn {version('hypercorn')}", "engine": info})

        def stop() -> None:
            loop.call_soon_threadsafe(stopping.set)

        _start_control(_take_new_clients, stop)
        # The app is typed with plain mappings, not hypercorn's TypedDict ASGI messages.
        await serve(cast("ASGIFramework", app), config, shutdown_trigger=stopping.wait, mode="asgi")

    asyncio.run(main())


SERVERS: dict[str, Callable[[], None]] = {
    "threaded": serve_threaded,
    "trio": serve_trio,
    "uvicorn": serve_uvicorn,
    "hypercorn": serve_hypercorn,
}


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1 or argv[0] not in SERVERS:
        print(
            f"usage: python -m tests.integration.peer_server {{{','.join(SERVERS)}}}",
            file=sys.stderr,
        )
        return 2
    SERVERS[argv[0]]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
