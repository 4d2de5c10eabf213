"""ApacheBench with HTTP/1.0 keep-alive against the threaded example server (README "Beyond h11"; RFC 9112 §9.3).

``ab -k`` sends HTTP/1.0 requests with ``Connection: Keep-Alive`` and reuses a
connection only when the response says ``keep-alive`` and has a Content-Length
(RFC 9112 §9.3).  h11 closes every HTTP/1.0 connection, so against it ab would count
no keep-alive requests at all.

ab comes from the Debian package apache2-utils.  Without it these tests are skipped,
except on CI (the CI environment variable is set), where a missing ab is a failure.
The figures ab reports are printed (see them with ``pytest -rP``) and repeated in
assertion messages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest

from examples.threaded_server import ThreadedServer

REQUESTS: Final = 2000
CONCURRENCY: Final = 4
# Seconds: generous for ab's usual well under one second, bounded so a hang fails.
AB_TIMEOUT: Final = 60.0
SERVER_IDLE_TIMEOUT: Final = 10.0
ECHO_BODY: Final = b"posted by ApacheBench\n"


def _ab_path() -> str:
    path = shutil.which("ab")
    if path is None:
        message = "ApacheBench (ab) is not installed: install the Debian package apache2-utils"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@dataclass(frozen=True)
class AbReport:
    """The figures of one ab run, parsed from its output."""

    command: str
    output: str

    def figure(self, label: str) -> str:
        """The value after ``label:`` in ab's report (ab pads with spaces)."""
        match = re.search(rf"^{re.escape(label)}:\s+(\S+)", self.output, re.MULTILINE)
        assert match is not None, f"no {label!r} in ab's output:\n{self.output}"
        return match.group(1)

    def count(self, label: str) -> int:
        return int(self.figure(label))

    def summary(self) -> str:
        return (
            f"{self.command} (-n {REQUESTS} -c {CONCURRENCY}): {self.figure('Complete requests')} complete, "
            f"{self.figure('Failed requests')} failed, "
            f"{self.figure('Keep-Alive requests')} keep-alive, "
            f"{self.figure('Requests per second')} requests/s"
        )


def _run_ab(args: list[str], url: str, shown: str) -> AbReport:
    """Run ab; ``shown`` names the run in messages."""
    command = [_ab_path(), *args, url]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=AB_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"ab did not finish within {AB_TIMEOUT} s: {exc}")
    assert done.returncode == 0, (
        f"{shown} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}"
    )
    report = AbReport(shown, done.stdout)
    print(report.summary())
    return report


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer("127.0.0.1", 0, idle_timeout=SERVER_IDLE_TIMEOUT) as running:
        yield running


@pytest.fixture(scope="module")
def get_report(server: ThreadedServer) -> AbReport:
    """``ab -k`` GETs of /hello (no request body)."""
    args = ["-k", "-n", str(REQUESTS), "-c", str(CONCURRENCY)]
    return _run_ab(args, f"http://{server.host}:{server.port}/hello", "ab -k GET /hello")


@pytest.fixture(scope="module")
def post_report(server: ThreadedServer, tmp_path_factory: pytest.TempPathFactory) -> AbReport:
    """``ab -k -p`` POSTs to /echo: HTTP/1.0 keep-alive requests with a Content-Length body."""
    body: Path = tmp_path_factory.mktemp("ab") / "body.txt"
    body.write_bytes(ECHO_BODY)
    args = ["-k", "-n", str(REQUESTS), "-c", str(CONCURRENCY), "-p", str(body), "-T", "text/plain"]
    return _run_ab(args, f"http://{server.host}:{server.port}/echo", "ab -k -p POST /echo")


def test_ab_completes_every_request(get_report: AbReport) -> None:
    assert get_report.count("Complete requests") == REQUESTS, get_report.summary()


def test_ab_reports_no_failed_request(get_report: AbReport) -> None:
    # ab counts a response whose length or content differs from the first one as failed.
    assert get_report.count("Failed requests") == 0, get_report.output


def test_every_response_to_ab_is_a_success(get_report: AbReport) -> None:
    # ab only prints this line when some response was not 2xx.
    assert "Non-2xx responses" not in get_report.output, get_report.output


def test_every_ab_request_is_served_on_a_kept_alive_connection(get_report: AbReport) -> None:
    # RFC 9112 §9.3: each response says keep-alive and ab reuses the connection.
    assert get_report.count("Keep-Alive requests") == REQUESTS, get_report.summary()


def test_ab_receives_the_whole_hello_body_each_time(get_report: AbReport) -> None:
    assert get_report.figure("Document Length") == "14", get_report.output
    assert get_report.count("HTML transferred") == 14 * REQUESTS, get_report.output


def test_ab_posts_with_a_body_all_complete_on_kept_alive_connections(post_report: AbReport) -> None:
    # A Content-Length request body does not stop an HTTP/1.0 connection persisting.
    completed = (post_report.count("Complete requests"), post_report.count("Failed requests"))
    assert completed == (REQUESTS, 0), post_report.output
    assert post_report.count("Keep-Alive requests") == REQUESTS, post_report.summary()


def test_ab_gets_its_posted_body_echoed(post_report: AbReport) -> None:
    assert post_report.count("Document Length") == len(ECHO_BODY), post_report.output
