"""End-to-end throughput: uvicorn serving hello-world on h11, on h11typed, and on httptools.

    python benchmarks/e2e.py                # 3 rounds of 8 s per server, about 90 s
    python benchmarks/e2e.py --quick        # 1 round of 3 s per server, about 15 s
    python benchmarks/e2e.py --json out.json --connections 50 --rounds 5

Three uvicorn servers run side by side, each in its own process on 127.0.0.1
with one worker and the asyncio loop, serving the same hello-world ASGI app:

- ``--http h11`` with the real h11;
- ``--http h11`` with h11typed installed as ``h11`` (install_as_h11() before
  uvicorn is imported; whichever build of h11typed is importable, the table says which);
- ``--http httptools``, the C parser, for reference.

The same bounded load hits each in turn, from a second process: ``wrk`` when it
is installed (Debian package wrk), otherwise a small keep-alive load generator
of our own (this file, ``--load``). Rounds alternate between the servers so a
drift in machine speed affects them alike; the table shows each server's median
over the rounds. On a machine with 2 or more cores the servers are pinned to one
core and the load to another.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ENGINES = ("h11", "h11typed", "httptools")
BASELINE = "h11"
HELLO = b"Hello, world!"
TIMEOUT = 60.0

# --- the server side (runs in a subprocess: e2e.py --serve ENGINE) -----------------------


async def hello_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The ASGI hello-world app: a fixed 13-byte body with a Content-Length."""
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(HELLO)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": HELLO})


def engine_description(engine: str) -> dict[str, Any]:
    """What this server process really runs on; checked before uvicorn serves anything."""
    from importlib.metadata import version

    if engine == "httptools":
        import httptools

        return {"engine": f"httptools {httptools.__version__}", "build": "C"}
    import h11
    from uvicorn.protocols.http import h11_impl

    if engine == "h11typed":
        import h11typed

        assert vars(h11_impl)["h11"] is h11typed, "uvicorn is not on h11typed"
        build = "mypyc" if h11typed.COMPILED else "pure"
        return {
            "engine": f"h11typed {h11typed.__version__}",
            "build": build,
            "file": h11typed.__file__,
        }
    assert vars(h11_impl)["h11"] is h11, "uvicorn is not on the real h11"
    assert "h11typed" not in sys.modules, "uvicorn is not on the real h11"
    return {"engine": f"h11 {version('h11')}", "build": "pure", "file": h11.__file__}


def listening_socket() -> socket.socket:
    """A listening TCP socket on a free port of 127.0.0.1.

    Made with an explicit IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets
    whose ``proto`` says TCP, and accepted sockets inherit the listener's. With
    proto 0 (socket.create_server's), uvicorn's two writes per response meet
    Nagle's algorithm and delayed ACKs: about 40 ms per keep-alive request.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    return sock


def serve(engine: str) -> None:
    """Listen on a free port, print {"port": ..., ...} as one line, serve until stdin closes."""
    if engine == "h11typed":
        import h11typed

        h11typed.install_as_h11()  # before uvicorn's h11 protocol is imported
    import threading

    import uvicorn

    description = engine_description(engine)
    sock = listening_socket()
    config = uvicorn.Config(
        hello_app,
        http="h11" if engine != "httptools" else "httptools",
        loop="asyncio",
        lifespan="off",
        access_log=False,
        log_level="warning",
        timeout_keep_alive=60,
    )
    server = uvicorn.Server(config)
    description["uvicorn"] = uvicorn.__version__
    print(json.dumps({"port": sock.getsockname()[1], **description}), flush=True)

    def stop_when_stdin_closes() -> None:
        sys.stdin.read()
        server.should_exit = True

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    server.run(sockets=[sock])


# --- our own load generator (runs in a subprocess: e2e.py --load URL ...) -------------------

REQUEST_TEMPLATE = "GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"


async def _connection_loop(
    host: str, port: int, deadline: float, latencies: list[float], errors: list[str]
) -> None:
    """One keep-alive connection sending requests back to back until the deadline."""
    reader, writer = await asyncio.open_connection(host, port)
    request = REQUEST_TEMPLATE.format(host=f"{host}:{port}").encode("ascii")
    buffer = b""
    try:
        while (started := time.perf_counter()) < deadline:
            writer.write(request)
            # Read one response: the head up to the blank line, then Content-Length bytes.
            while (end := buffer.find(b"\r\n\r\n")) < 0:
                chunk = await reader.read(65536)
                if not chunk:
                    raise ConnectionError("server closed the connection")
                buffer += chunk
            head, buffer = buffer[:end], buffer[end + 4 :]
            if not head.startswith(b"HTTP/1.1 200 "):
                raise ConnectionError(f"unexpected response {head[:40]!r}")
            match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            length = int(match.group(1)) if match else 0
            while len(buffer) < length:
                chunk = await reader.read(65536)
                if not chunk:
                    raise ConnectionError("server closed the connection mid-body")
                buffer += chunk
            buffer = buffer[length:]
            latencies.append(time.perf_counter() - started)
    except (OSError, ConnectionError) as exc:
        errors.append(str(exc))
    finally:
        writer.close()


async def _load(host: str, port: int, connections: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(_connection_loop(host, port, deadline, latencies, errors) for _ in range(connections))
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)] if latencies else float("nan")
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "p99_ms": p99 * 1000,
        "errors": len(errors),
    }


def run_load(url: str, connections: int, seconds: float) -> None:
    host, _, port = url.removeprefix("http://").rstrip("/").partition(":")
    print(json.dumps(asyncio.run(_load(host, int(port), connections, seconds))))


# --- the driver ---------------------------------------------------------------------------


@dataclass
class Measurement:
    requests_per_second: float
    p99_ms: float
    errors: int


@dataclass
class Row:
    engine: str
    label: str
    build: str
    runs: list[Measurement]

    @property
    def rps(self) -> float:
        return statistics.median(m.requests_per_second for m in self.runs)

    @property
    def p99_ms(self) -> float:
        return statistics.median(m.p99_ms for m in self.runs)


class Server:
    """One uvicorn server subprocess (this file, --serve ENGINE)."""

    def __init__(self, engine: str, cpus: set[int] | None) -> None:
        self.engine = engine
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", engine],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if cpus:
            os.sched_setaffinity(self.process.pid, cpus)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {engine} server did not start (see its error output above)")
        self.info: dict[str, Any] = json.loads(line)
        self.url = f"http://127.0.0.1:{self.info['port']}/"

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _pinned(cpus: set[int] | None) -> Any:
    if not cpus:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def _wrk_measure(
    wrk: str, url: str, connections: int, seconds: float, cpus: set[int] | None
) -> Measurement:
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--latency",
        "--timeout",
        "10s",
        url,
    ]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=seconds + TIMEOUT,
        check=True,
        preexec_fn=_pinned(cpus),
    )
    out = completed.stdout
    rps = re.search(r"Requests/sec:\s*([\d.]+)", out)
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    if rps is None or p99 is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = 0
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors is not None:
        errors += sum(int(n) for n in socket_errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx is not None:
        errors += int(non_2xx.group(1))
    return Measurement(float(rps.group(1)), float(p99.group(1)) * scale, errors)


def _own_measure(url: str, connections: int, seconds: float, cpus: set[int] | None) -> Measurement:
    command = [
        sys.executable,
        __file__,
        "--load",
        url,
        "--connections",
        str(connections),
        "--duration",
        str(seconds),
    ]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=seconds + TIMEOUT,
        check=True,
        preexec_fn=_pinned(cpus),
    )
    result = json.loads(completed.stdout)
    return Measurement(result["requests"] / result["seconds"], result["p99_ms"], result["errors"])


def _label(info: dict[str, Any]) -> str:
    return f"uvicorn {info['uvicorn']} + {info['engine']}"


def format_table(rows: Sequence[Row]) -> str:
    baseline = next((row.rps for row in rows if row.engine == BASELINE), None)
    lines = [f"{'server':<40} {'build':<6} {'req/s':>9} {'p99 ms':>8} {'vs h11':>7}  {'errors':>6}"]
    for row in rows:
        ratio = f"{row.rps / baseline:.2f}x" if baseline else "-"
        errors = sum(m.errors for m in row.runs)
        lines.append(
            f"{row.label:<40} {row.build:<6} {row.rps:>9,.0f} {row.p99_ms:>8.2f} {ratio:>7}  {errors:>6}"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1 round of 3 s per server")
    parser.add_argument("--rounds", type=int, help="rounds over all servers (default 3, quick 1)")
    parser.add_argument(
        "--duration", type=float, help="seconds of load per server per round (default 8, quick 3)"
    )
    parser.add_argument(
        "--connections", type=int, default=32, help="keep-alive connections (default 32)"
    )
    parser.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help=f"comma-separated subset of {','.join(ENGINES)}",
    )
    parser.add_argument("--load-generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    # Internal: the subprocesses this driver starts.
    parser.add_argument("--serve", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--load", metavar="URL", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        serve(args.serve)
        return 0
    if args.load:
        run_load(args.load, args.connections, args.duration or 3.0)
        return 0

    rounds = args.rounds or (1 if args.quick else 3)
    seconds = args.duration or (3.0 if args.quick else 8.0)
    engines = [e for e in args.engines.split(",") if e]
    wrk = shutil.which("wrk") if args.load_generator in ("auto", "wrk") else None
    if args.load_generator == "wrk" and wrk is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    can_pin = hasattr(os, "sched_setaffinity")  # Linux
    cores = sorted(os.sched_getaffinity(0)) if can_pin else list(range(os.cpu_count() or 1))
    # Servers on the first core, load on the others, so they don't take turns on one core.
    server_cpus, load_cpus = (
        ({cores[0]}, set(cores[1:])) if can_pin and len(cores) >= 2 else (None, None)
    )

    def measure(url: str, duration: float) -> Measurement:
        if wrk is not None:
            return _wrk_measure(wrk, url, args.connections, duration, load_cpus)
        return _own_measure(url, args.connections, duration, load_cpus)

    generator = "wrk -t1" if wrk else "benchmarks/e2e.py --load (asyncio)"
    print(
        f"uvicorn end to end: {len(engines)} servers x {rounds} round(s) x {seconds:g} s, "
        f"{args.connections} keep-alive connections, load from {generator}"
    )
    pinning = ""
    if server_cpus and load_cpus:
        pinning = f"; servers on CPU {sorted(server_cpus)}, load on CPU {sorted(load_cpus)}"
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {len(cores)} cores{pinning}"
    )

    servers = {engine: Server(engine, server_cpus) for engine in engines}
    try:
        rows = {e: Row(e, _label(s.info), s.info["build"], []) for e, s in servers.items()}
        for server in servers.values():
            measure(
                server.url, min(1.0, seconds)
            )  # warm-up: imports, caches, the first connections
        for _ in range(rounds):
            for engine, server in servers.items():
                rows[engine].runs.append(measure(server.url, seconds))
    finally:
        for server in servers.values():
            server.stop()

    print()
    print(format_table(list(rows.values())))
    typed = rows.get("h11typed")
    if typed is not None and BASELINE in rows:
        print(
            f"\nuvicorn on h11typed ({typed.build}) serves {typed.rps / rows[BASELINE].rps:.2f}x the req/s of uvicorn on h11"
        )
    if args.json:
        payload = {
            "rounds": rounds,
            "seconds": seconds,
            "connections": args.connections,
            "load_generator": generator,
            "rows": [
                {**asdict(row), "rps": row.rps, "p99_ms": row.p99_ms} for row in rows.values()
            ],
        }
        args.json.write_text(json.dumps(payload, indent=2))
    return 1 if any(m.errors for row in rows.values() for m in row.runs) else 0


if __name__ == "__main__":
    sys.exit(main())
