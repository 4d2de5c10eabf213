"""Test-side helpers for the integration tests: peer subprocesses, and proof of the engine.

The test process itself has the real h11 imported (other tests use it as the
differential oracle), so nothing here imports a peer library: every peer runs in
a subprocess that switched `h11` to h11typed first (tests/integration/switch.py)
and reports which h11typed it got. check_engine() holds that report against the
build this test run imported (which tests/conftest.py has already verified).
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Any, ClassVar

import pytest

import h11typed

REPO_ROOT = Path(__file__).resolve().parents[2]
# A missing peer or tool skips its tests locally, but fails them in CI, where
# the project's own setup must have installed it.
IN_CI = bool(os.environ.get("CI"))
# Every subprocess and socket wait is bounded by this.
TIMEOUT = 60.0

Json = dict[str, Any]


def _missing(what: str) -> None:
    message = (
        f"{what} is not installed (requirements/integration.txt, Debian packages: see .ci/run)"
    )
    if IN_CI:
        pytest.fail(message + "; CI must have it", pytrace=False)
    pytest.skip(message)


def need_modules(*names: str) -> None:
    """Skip (fail in CI) unless every module can be imported in a subprocess."""
    for name in names:
        if importlib.util.find_spec(name) is None:
            _missing(f"Python package {name!r}")


def need_program(name: str) -> str:
    """The path of an executable; skip (fail in CI) without it."""
    path = shutil.which(name)
    if path is None:
        _missing(f"program {name!r}")
        raise AssertionError("unreachable")
    return path


def check_engine(info: Json) -> None:
    """The subprocess ran on h11typed, the very build under test, and so did its peers."""
    assert info["h11_is_h11typed"], "the subprocess's `import h11` did not give h11typed"
    assert info["compiled"] is h11typed.COMPILED, f"subprocess build compiled={info['compiled']}"
    assert Path(info["h11typed_file"]).resolve() == Path(str(h11typed.__file__)).resolve()
    assert all(info["peers"].values()), f"peer modules not on h11typed: {info['peers']}"


def _python(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def subprocess_env() -> dict[str, str]:
    """This environment, plus the repository root on PYTHONPATH for `tests.*` and `examples.*`.

    Appended, so whatever PYTHONPATH already provides h11typed keeps providing it;
    the root itself holds no h11typed (src layout). Explicit rather than relying on
    the cwd, which PYTHONSAFEPATH would leave off sys.path.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), str(REPO_ROOT)) if p)
    return env


def run_client(client: str, case: str, url: str) -> Json:
    """Run one case of tests/integration/peer_client.py; its checked result."""
    completed = subprocess.run(
        _python("tests.integration.peer_client", client, case, url),
        cwd=REPO_ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, f"{client} {case} failed:\n{completed.stderr}"
    report: Json = json.loads(completed.stdout.strip().splitlines()[-1])
    check_engine(report["engine"])
    result: Json = report["result"]
    return result


class PeerServer:
    """A server subprocess (tests/integration/peer_server.py) on a free port of 127.0.0.1."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        # Kept open for the server's lifetime and closed in stop().
        self._stderr: IO[str] = tempfile.TemporaryFile("w+")  # noqa: SIM115
        self._process = subprocess.Popen(
            _python("tests.integration.peer_server", kind),
            cwd=REPO_ROOT,
            env=subprocess_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        banner = self._next_line()
        self.port: int = banner["port"]
        self.peer: str = banner["peer"]
        self.engine: Json = banner["engine"]
        check_engine(self.engine)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _read_stdout(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._lines.put(line)

    def _next_line(self) -> Json:
        try:
            line = self._lines.get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError(
                f"{self.kind} server said nothing; stderr:\n{self.stderr()}"
            ) from None
        message: Json = json.loads(line)
        return message

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()

    def new_connections(self) -> int:
        """How many connections the server served since the previous call (its own count)."""
        assert self._process.stdin is not None
        self._process.stdin.write("stats\n")
        self._process.stdin.flush()
        count: int = self._next_line()["connections"]
        return count

    def stop(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._stderr.close()

    def __enter__(self) -> PeerServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class PeerServers:
    """Starts each kind of server once, on first use, and stops them all at the end."""

    # Python packages each server subprocess needs, besides h11typed.
    NEEDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "threaded": (),
        "trio": ("trio",),
        "uvicorn": ("uvicorn", "wsproto"),
        "hypercorn": ("hypercorn", "wsproto"),
    }

    def __init__(self) -> None:
        self._running: dict[str, PeerServer] = {}

    def get(self, kind: str) -> PeerServer:
        need_modules(*self.NEEDS[kind])
        if kind not in self._running:
            self._running[kind] = PeerServer(kind)
        return self._running[kind]

    def stop_all(self) -> None:
        for server in self._running.values():
            server.stop()
        self._running.clear()
