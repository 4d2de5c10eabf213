"""Shared machinery of the h11typed fuzz targets (fuzz_server.py, fuzz_client.py).

Each fuzz input is ``MODE SPLIT STREAM...``: byte 0 picks how our side of the
connection behaves (which request a client sends, how a server answers), byte 1
seeds the points at which STREAM is cut into ``receive_data`` pieces, and the rest
is what the peer sent. One input is driven through five connections:

* the compiled build (the installed ``h11typed``, checked to be the mypyc build),
  fed STREAM whole, cut at the chosen points, and (when short) one byte at a time;
* a pure-Python copy of the same sources, imported as ``h11typed_pure`` and
  instrumented by atheris, fed STREAM whole and cut. Its coverage is what guides
  the fuzzer: atheris cannot see inside mypyc's C (see README.md).

It fails (raises ``Finding``, which libFuzzer reports as a crash) when

* anything but ``RemoteProtocolError`` escapes ``receive_data``/``next_event``,
  or a ``RemoteProtocolError`` has an ``error_status_hint`` outside 400..599;
* the compiled and the pure build differ in any event, state, error or message;
* the events depend on how STREAM was cut (adjacent ``Data`` payloads of one chunk
  are joined first: cutting legitimately moves ``Data`` boundaries);
* a connection goes on producing events without consuming input (a hang).

The receive loop itself is ``tests/driver.py``, shared with the property tests.
"""

from __future__ import annotations

import importlib
import random
import shlex
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import h11typed
import h11typed._connection

# The receive driver is the property tests' too (tests/driver.py, standard library
# only). The targets run as scripts from fuzz/, so put the checkout's root on the
# path to import it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.driver import NoProgress, ReceiveDriver

# Inputs stay below this (the targets pass -max_len) to keep executions fast; the
# size limit is still exercised, through the small limits in LIMITS.
MAX_LEN: Final = 8192
# Streams up to this long are also fed one byte at a time (the costliest check).
BYTEWISE_MAX: Final = 1024
PURE_NAME: Final = "h11typed_pure"
ROLES: Final = ("server", "client")


class Finding(AssertionError):
    """A property of h11typed that the fuzzer found violated."""


# --- the two builds -----------------------------------------------------------


def require_compiled() -> ModuleType:
    """The installed h11typed, after checking that it really is the mypyc build."""
    so = h11typed._connection.__file__ or ""
    if not h11typed.COMPILED or not so.endswith(".so"):
        raise SystemExit(
            "fuzz: the installed h11typed is NOT the compiled build "
            f"(COMPILED={h11typed.COMPILED}, h11typed._connection from {so!r}); "
            "install the mypyc wheel (scripts/fuzz.sh does) before fuzzing"
        )
    return h11typed


def _sources() -> Path:
    """Where the .py sources of the compiled build are.

    The compiled wheel installs each module's .py next to its .so; using those
    guarantees the pure copy is the very code that was compiled. A checkout's
    src/h11typed is the fallback.
    """
    installed = Path(h11typed.__file__).parent
    if (installed / "_connection.py").is_file():
        return installed
    checkout = Path(__file__).resolve().parent.parent / "src" / "h11typed"
    if (checkout / "_connection.py").is_file():
        return checkout
    raise SystemExit(f"fuzz: no h11typed .py sources next to {installed} or in {checkout}")


def load_pure(instrument: Callable[[], Any] | None) -> ModuleType:
    """Import a pure-Python copy of h11typed as ``h11typed_pure``.

    The package imports itself only relatively, so a renamed copy is a separate,
    uncompiled package. ``instrument`` is atheris.instrument_imports (None: plain).
    """
    root = Path(tempfile.mkdtemp(prefix="h11typed-fuzz-"))
    target = root / PURE_NAME
    target.mkdir()
    for source in _sources().glob("*.py"):
        if source.name != "install_check.py":  # a script; imports h11typed absolutely
            shutil.copyfile(source, target / source.name)
    sys.path.insert(0, str(root))
    if instrument is None:
        pure = importlib.import_module(PURE_NAME)
    else:
        with instrument():
            pure = importlib.import_module(PURE_NAME)
    if pure.COMPILED:
        raise SystemExit("fuzz: the copy meant to be pure Python reports COMPILED=True")
    return pure


# --- driving one connection ---------------------------------------------------

# A trace is what a connection did: events (the event objects themselves), and
# tuples for the rest: ("NEED_DATA",), ("PAUSED",), ("cycle",), ("sent", ...),
# ("send-failed", ...), ("error", type, hint, message), ("final", ...).
Trace = list[object]

CLIENT_METHODS: Final = (b"GET", b"HEAD", b"CONNECT", b"GET")
# Mode bits 5-6 pick max_incomplete_event_size (None: the default 16 KiB); bit 7 sets
# max_header_count. Both limits must hold however the stream is cut.
LIMITS: Final = (None, 64, 300, 2000)
FIELD_LIMIT: Final = 4


def _connection(lib: Any, role: str, mode: int) -> Any:
    limits: dict[str, int] = {}
    size = LIMITS[(mode >> 5) & 3]
    if size is not None:
        limits["max_incomplete_event_size"] = size
    if mode & 128:
        limits["max_header_count"] = FIELD_LIMIT
    return lib.Connection(our_role=lib.CLIENT if role == "client" else lib.SERVER, **limits)


def _client_request(lib: Any, mode: int) -> list[Any]:
    """The request a client-role connection sends before (and after each cycle)."""
    method = CLIENT_METHODS[mode & 3]
    target = b"example.com:443" if method == b"CONNECT" else b"/"
    headers = [(b"Host", b"example.com")]
    if mode & 3 == 3:
        headers += [(b"Connection", b"Upgrade"), (b"Upgrade", b"websocket")]
    if mode & 8:
        headers.append((b"Connection", b"close"))
    if mode & 16:
        headers += [(b"Expect", b"100-continue"), (b"Content-Length", b"0")]
    version = b"1.0" if mode & 4 else b"1.1"
    return [
        lib.Request(method=method, target=target, headers=headers, http_version=version),
        lib.EndOfMessage(),
    ]


def _server_response(lib: Any, mode: int, request: Any, switch_pending: bool) -> list[Any]:
    """What a server-role connection answers ``request`` with."""
    if switch_pending and mode & 4:  # accept the proposed protocol switch
        if request.method == b"CONNECT":
            return [lib.Response(status_code=200, headers=[])]
        upgrade = [value for name, value in request.headers if name == b"upgrade"]
        return [lib.InformationalResponse(status_code=101, headers=[(b"Upgrade", upgrade[0])])]
    kind = mode & 3
    if kind == 0:
        head = lib.Response(status_code=200, headers=[(b"Content-Length", b"0")])
    elif kind == 1:
        head = lib.Response(status_code=200, headers=[(b"Transfer-Encoding", b"chunked")])
    elif kind == 2:
        head = lib.Response(status_code=500, headers=[(b"Connection", b"close")])
    else:
        head = lib.Response(status_code=204, headers=[])
    return [head, lib.EndOfMessage()]


class _Driver(ReceiveDriver):
    """The shared receive driver, our side played from the mode byte; the trace
    holds the events themselves and tuples for the rest (see ``Trace``)."""

    def __init__(self, lib: Any, role: str, mode: int, limit: int) -> None:
        super().__init__(lib, _connection(lib, role, mode), call_budget=limit)
        self.mode = mode
        self.client = role == "client"
        self.send_failed = False
        self.request: Any = None  # the last Request received (server role)
        if self.client:
            self._send(_client_request(lib, mode))

    def _send(self, events: Sequence[Any]) -> None:
        if self.send_failed:
            return
        for event in events:
            try:
                self.conn.send(event)
            except self.lib.LocalProtocolError as exc:
                # Our own side's choice was invalid here (say, a 200 with a body to a
                # CONNECT, which accepts the tunnel); record it (it must not depend on
                # the build or the split either), send no more, but go on receiving.
                self.trace.append(("send-failed", type(event).__name__, str(exc)))
                self.send_failed = True
                return
            self.trace.append(("sent", type(event).__name__, getattr(event, "status_code", 0)))

    def received(self, event: object) -> None:
        self.trace.append(event)

    def blocked_on(self, sentinel: object) -> None:
        self.trace.append(("NEED_DATA",) if sentinel is self.lib.NEED_DATA else ("PAUSED",))

    def react(self, event: object | None) -> None:
        """Play our side: answer requests (server), start the next cycle when allowed.
        Only in answer to an event, and none is needed after ConnectionClosed."""
        lib, conn = self.lib, self.conn
        if event is None or isinstance(event, lib.ConnectionClosed):
            return
        if isinstance(event, lib.Request):
            self.request = event
            if conn.they_are_waiting_for_100_continue and self.mode & 8:
                self._send([lib.InformationalResponse(status_code=100, headers=[])])
        if not self.client and conn.our_state == lib.SEND_RESPONSE and self.request is not None:
            early = bool(self.mode & 16) and conn.their_state == lib.SEND_BODY
            pending = conn.their_state == lib.MIGHT_SWITCH_PROTOCOL
            if early or pending or conn.their_state == lib.DONE:
                self._send(_server_response(lib, self.mode, self.request, pending))
        if conn.our_state == lib.DONE and conn.their_state == lib.DONE:
            conn.start_next_cycle()
            self.trace.append(("cycle",))
            if self.client:
                self._send(_client_request(lib, self.mode))

    def failed(self, error: BaseException) -> None:
        """Only RemoteProtocolError may escape, with a 4xx/5xx hint, and the
        connection must keep saying so (and say nothing else)."""
        hint = getattr(error, "error_status_hint", None)
        if type(hint) is not int or not 400 <= hint <= 599:
            raise Finding(
                f"RemoteProtocolError with error_status_hint={hint!r}: {error}"
            ) from error
        self.trace.append(("error", type(error).__name__, hint, str(error)))
        try:
            again = self.conn.next_event()
        except self.lib.RemoteProtocolError:
            pass
        else:
            raise Finding(f"next_event() after a RemoteProtocolError returned {again!r}") from error

    def finish(self) -> Trace:
        """Record the final states."""
        conn = self.conn
        self.trace.append(
            ("final", conn.our_state, conn.their_state, conn.trailing_data, self.stopped)
        )
        return self.trace


def drive(
    lib: Any, role: str, mode: int, pieces: Sequence[bytes | bytearray | memoryview]
) -> Trace:
    """Feed ``pieces`` (none empty) then EOF to a fresh ``role`` connection of ``lib``."""
    size = sum(len(piece) for piece in pieces)
    # About 4 events per input byte at most; beyond that it is a hang.
    driver = _Driver(lib, role, mode, limit=4 * size + 4 * (len(pieces) + 1) + 64)
    try:
        driver.run(pieces, eof=True)
    except NoProgress as exc:
        raise Finding(f"no progress: still producing events; {exc}") from exc
    return driver.finish()


# --- comparing traces ---------------------------------------------------------


def split(stream: bytes, seed: int) -> list[bytes | bytearray | memoryview]:
    """Cut ``stream`` into non-empty pieces, chosen by ``seed`` (of mixed buffer types)."""
    rng = random.Random(seed)
    longest = (1, 2, 3, 5, 8, 17, 64, 512)[seed & 7]
    pieces: list[bytes | bytearray | memoryview] = []
    at = 0
    while at < len(stream):
        end = min(len(stream), at + rng.randint(1, longest))
        piece = stream[at:end]
        kind = rng.randrange(4) if seed & 8 else 0
        pieces.append(bytearray(piece) if kind == 1 else memoryview(piece) if kind == 2 else piece)
        at = end
    return pieces


def merged(trace: Trace) -> list[object]:
    """``trace`` as it must be for any split: NEED_DATA/PAUSED dropped, the Data
    pieces of one chunk (or of one unchunked body) joined, error messages dropped
    (only the type and hint must agree)."""
    out: list[object] = []
    errored = False
    for item in trace:
        if isinstance(item, tuple):
            if item[0] in ("NEED_DATA", "PAUSED"):
                continue
            if item[0] == "error":
                item = item[:3]
                errored = True
            if item[0] == "final" and errored:
                # What is left unparsed behind an error depends on where it was cut.
                item = item[:3]
        elif isinstance(item, h11typed.Data) and out:
            last = out[-1]
            if isinstance(last, h11typed.Data) and not last.chunk_end and not item.chunk_start:
                out[-1] = h11typed.Data(
                    data=bytes(last.data) + bytes(item.data),
                    chunk_start=last.chunk_start,
                    chunk_end=item.chunk_end,
                )
                continue
        out.append(item)
    return out


def plain(trace: Trace) -> list[object]:
    """``trace`` with events as plain tuples, comparable across the two builds."""

    def headers(value: Any) -> tuple[object, ...]:
        return (tuple(value), tuple(value.raw_items()))

    out: list[object] = []
    for item in trace:
        name = type(item).__name__
        if isinstance(item, tuple):
            out.append(item)
        elif name in ("Request",):
            out.append((name, item.method, item.target, headers(item.headers), item.http_version))  # type: ignore[attr-defined]
        elif name in ("Response", "InformationalResponse"):
            e: Any = item
            out.append((name, e.status_code, e.reason, headers(e.headers), e.http_version))
        elif name == "Data":
            d: Any = item
            out.append((name, type(d.data).__name__, bytes(d.data), d.chunk_start, d.chunk_end))
        elif name == "EndOfMessage":
            out.append((name, headers(item.headers)))  # type: ignore[attr-defined]
        else:
            out.append((name,))
    return out


def _first_difference(a: Sequence[object], b: Sequence[object]) -> str:
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"at item {index}:\n  {x!r}\n  {y!r}"
    return f"lengths {len(a)} and {len(b)}; tails {a[len(b) :][:3]!r} / {b[len(a) :][:3]!r}"


def _describe(pieces: Sequence[bytes | bytearray | memoryview]) -> str:
    sizes = [len(piece) for piece in pieces]
    return f"{len(pieces)} pieces, sizes {sizes[:20]}{'...' if len(sizes) > 20 else ''}"


# --- the check run on every input ----------------------------------------------


class Target:
    """One fuzz target: a role, the compiled build and the instrumented pure copy."""

    def __init__(self, role: str, pure: ModuleType) -> None:
        assert role in ROLES
        self.role = role
        self.compiled = require_compiled()
        self.pure = pure

    def check(self, data: bytes) -> None:
        if len(data) < 2:
            return
        mode, seed, stream = data[0], data[1], bytes(data[2:])
        whole: list[bytes | bytearray | memoryview] = [stream] if stream else []
        cut = split(stream, seed)
        runs = [("whole", whole), (f"cut ({_describe(cut)})", cut)]
        reference: list[object] | None = None
        for label, pieces in runs:
            compiled = drive(self.compiled, self.role, mode, pieces)
            pure = drive(self.pure, self.role, mode, pieces)
            if plain(compiled) != plain(pure):
                raise Finding(
                    f"{self.role}, mode {mode}, fed {label}: compiled and pure builds differ "
                    + _first_difference(plain(compiled), plain(pure))
                )
            if reference is None:
                reference = merged(compiled)
            elif merged(compiled) != reference:
                raise Finding(
                    f"{self.role}, mode {mode}: events fed {label} differ from fed whole "
                    + _first_difference(reference, merged(compiled))
                )
        if len(stream) <= BYTEWISE_MAX:
            bytewise = drive(
                self.compiled, self.role, mode, [stream[i : i + 1] for i in range(len(stream))]
            )
            if merged(bytewise) != reference:
                raise Finding(
                    f"{self.role}, mode {mode}: events fed one byte at a time differ from fed whole "
                    + _first_difference(reference or [], merged(bytewise))
                )


def run(role: str, argv: list[str]) -> None:
    """Entry point of a fuzz target: set atheris up and fuzz (or replay files)."""
    import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]

    target = Target(role, load_pure(atheris.instrument_imports))
    defaults = [f"-max_len={MAX_LEN}", "-timeout=20"]
    given = {arg.split("=", 1)[0] for arg in argv if arg.startswith("-")}
    extra = [flag for flag in defaults if flag.split("=", 1)[0] not in given]
    # libFuzzer runs argv[0] through the shell for -merge=1 (and -fork); the script
    # itself is not executable, so make argv[0] "python script".
    command = " ".join(shlex.quote(part) for part in (sys.executable, str(Path(argv[0]).resolve())))
    atheris.Setup([command, *argv[1:], *extra], target.check)
    atheris.Fuzz()


def replay(role: str, paths: Iterator[Path]) -> int:
    """Run the check over files without atheris (the repo's corpus, a reproducer)."""
    target = Target(role, load_pure(None))
    count = 0
    for path in paths:
        target.check(path.read_bytes())
        count += 1
    return count
