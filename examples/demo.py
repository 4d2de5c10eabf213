"""The h11typed demo: which build is imported, a live exchange, and a speed check.

    python examples/demo.py [--pure-src src] [--quick]

1. Prints which h11typed this Python imports: compiled (mypyc) or pure, and from where.
2. Starts the threaded example server on 127.0.0.1 (a free port) and talks to it
   with the blocking example client, printing the bytes on the wire: keep-alive,
   a chunked response, a chunked upload, and Expect: 100-continue.
3. Times the compiled build, the pure build (a copy of --pure-src loaded under
   another name) and h11 on three workloads, interleaved in this one process,
   and prints medians and ratios against h11 (~30 s; --quick ~10 s).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

if __name__ == "__main__" and not __package__:
    # Run as a script: make the repository root importable for `examples.*` and `benchmarks.*`.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import h11typed
from benchmarks.bench import build_cases
from benchmarks.runner import Result, format_results, measure, summarise
from benchmarks.targets import DEFAULT_PURE_SRC, build_of, describe, standard_targets
from examples.blocking_client import Client, Reply, Trace
from examples.threaded_server import ThreadedServer

Say = Callable[[str], None]

SPEED_WORKLOADS = {
    "a_cycle": "keep-alive cycle: client GET -> server parses, answers 200 -> client parses",
    "b_pipeline": "server parses 100 pipelined browser GETs (65 KB, 64 KiB reads)",
    "c_length": "client parses a response with a 1 MiB Content-Length body",
}
LINES_PER_PACKET = 12
LINE_WIDTH = 76


def heading(say: Say, title: str, rule: str = "==") -> None:
    say("")
    say(f"{rule} {title} {rule}")


# -- 1. the build -------------------------------------------------------------


def show_build(say: Say) -> str:
    """Print which h11typed is imported; return its build, "compiled" or "pure"."""
    heading(say, "1. Which h11typed is this?")
    core = importlib.import_module("h11typed._connection")
    build = build_of(h11typed)
    say(f"h11typed {h11typed.__version__}   COMPILED = {h11typed.COMPILED}   ({build} build)")
    say(f"  package: {h11typed.__file__}")
    say(f"  engine:  {core.__file__}")
    if build == "pure":
        say(
            "  This is the pure-Python build; everything below still runs, but 'h11typed' is not compiled."
        )
    return build


# -- 2. transcripts -----------------------------------------------------------


def wire_printer(say: Say) -> Trace:
    """A client trace that prints each packet line by line: '>>' sent, '<<' received."""

    def trace(direction: str, data: bytes) -> None:
        arrow = ">>" if direction == "send" else "<<"
        if not data:
            say(f"  {arrow} (connection closed)")
            return
        lines = re.findall(rb"[^\n]*\n|[^\n]+", data)
        for line in lines[:LINES_PER_PACKET]:
            text = repr(line)[2:-1]
            say(f"  {arrow} {text if len(text) <= LINE_WIDTH else text[: LINE_WIDTH - 3] + '...'}")
        if len(lines) > LINES_PER_PACKET:
            rest = lines[LINES_PER_PACKET:]
            say(f"  {arrow} ... {len(rest)} more lines, {sum(map(len, rest))} bytes")

    return trace


def show_keep_alive(host: str, port: int, say: Say, requests: int = 3) -> list[Reply]:
    heading(say, f"Keep-alive: {requests} requests on one connection", "--")
    replies: list[Reply] = []
    with Client(host, port, trace=wire_printer(say)) as client:
        ports: list[int | None] = []
        for _ in range(requests):
            replies.append(client.request(b"GET", b"/hello"))
            ports.append(client.local_port)
        opened = client.connections_opened
    say(f"-> {requests} responses over {opened} TCP connection(s); local port each time: {ports}")
    return replies


def show_chunked_response(host: str, port: int, say: Say) -> Reply:
    heading(say, "A chunked response body", "--")
    with Client(host, port, trace=wire_printer(say)) as client:
        reply = client.request(b"GET", b"/chunked?n=3")
    say(
        f"-> each chunk is a size line in hex, then the data; the client reassembled {len(reply.body)} bytes:"
    )
    say(f"   {reply.body!r}")
    return reply


def show_chunked_upload(host: str, port: int, say: Say) -> Reply:
    heading(say, "A chunked request upload (a body of unknown length, sent as produced)", "--")
    pieces = (piece for piece in [b"first piece, ", b"second piece, ", b"last piece."])
    with Client(host, port, trace=wire_printer(say)) as client:
        reply = client.request(b"POST", b"/echo", body=pieces)
    framing, events = reply.header(b"x-received-framing"), reply.header(b"x-received-data-events")
    say(
        f"-> the server read it as {framing!r} framing in {events!r} Data events and echoed {reply.body!r}"
    )
    return reply


def show_continue(host: str, port: int, say: Say) -> list[Reply]:
    heading(say, "Expect: 100-continue (the body waits for the server's go-ahead)", "--")
    replies: list[Reply] = []
    with Client(host, port, trace=wire_printer(say)) as client:
        say("accepted: the server answers 100, then the client sends the body")
        replies.append(
            client.request(
                b"POST", b"/echo", body=b"a body worth waiting for", expect_continue=True
            )
        )
        say(f"-> 1xx seen first: {replies[-1].informational}, final status {replies[-1].status}")
        say("refused: a 2 MB upload gets 413 at once, and the body is never sent")
        too_big = [(b"Content-Length", b"2000000")]
        replies.append(client.request(b"POST", b"/echo", too_big, body=b"", expect_continue=True))
        say(f"-> 1xx seen first: {replies[-1].informational}, final status {replies[-1].status}")
    return replies


def show_transcripts(say: Say) -> None:
    with ThreadedServer("127.0.0.1", 0) as server:
        heading(
            say,
            f"2. A live exchange with the threaded example server on {server.host}:{server.port}",
        )
        say("(lines the client sent start with '>>', lines it received with '<<')")
        show_keep_alive(server.host, server.port, say)
        show_chunked_response(server.host, server.port, say)
        show_chunked_upload(server.host, server.port, say)
        show_continue(server.host, server.port, say)


# -- 3. speed -----------------------------------------------------------------


def compare_speed(
    pure_src: Path | None,
    say: Say,
    *,
    rounds: int,
    batch_seconds: float,
    workloads: Sequence[str] = tuple(SPEED_WORKLOADS),
) -> list[Result]:
    """Time the installed h11typed, its pure copy and h11, interleaved; print the table."""
    heading(say, "3. Speed: compiled h11typed vs pure h11typed vs h11")
    targets = standard_targets(pure_src, say)
    for target in targets:
        say("  " + describe(target))
    for name in workloads:
        say(f"  {name:<10} {SPEED_WORKLOADS.get(name, '')}")
    say(f"{rounds} interleaved rounds of ~{batch_seconds:.2f} s batches; CPU time; medians")
    cases = build_cases(targets, workloads)
    measure(cases, rounds, batch_seconds, time.process_time, lambda text: None)
    baseline = "h11" if any(target.label == "h11" for target in targets) else targets[0].label
    results = summarise(cases, baseline)
    say("")
    say(format_results(results, baseline))
    say(f"(vs {baseline}: its time / this time, median over rounds [range]; above 1 is faster)")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pure-src",
        type=Path,
        default=DEFAULT_PURE_SRC,
        help="directory holding h11typed/ (default: src)",
    )
    parser.add_argument("--quick", action="store_true", help="a shorter speed comparison (~10 s)")
    args = parser.parse_args(argv)

    def say(text: str) -> None:
        print(text, flush=True)

    started = time.perf_counter()
    show_build(say)
    show_transcripts(say)
    rounds, batch_seconds = (7, 0.12) if args.quick else (11, 0.25)
    results = compare_speed(args.pure_src, say, rounds=rounds, batch_seconds=batch_seconds)
    say(f"\ndemo finished in {time.perf_counter() - started:.0f} s")
    return 1 if any(result.error is not None for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
