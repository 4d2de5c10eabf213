"""benchmarks/e2e.py runs and reads its load generators right (timings are never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import h11typed
from benchmarks.e2e import Measurement, Row, _wrk_measure, format_table  # pyright: ignore[reportPrivateUsage]
from tests.integration.support import REPO_ROOT, TIMEOUT, need_modules

pytestmark = pytest.mark.integration

WRK_REPORT = """\
Running 3s test @ http://127.0.0.1:40000/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.01ms  512.33us  14.20ms   90.00%
    Req/Sec    10.60k   400.00    11.00k    80.00%
  Latency Distribution
     50%    2.95ms
     75%    3.10ms
     90%    3.40ms
     99%  812.00us
  31800 requests in 3.00s, 4.49MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  10600.12
Transfer/sec:      1.50MB
"""


def test_wrk_report_gives_requests_per_second_p99_and_errors(tmp_path: Path) -> None:
    # A stand-in wrk that prints a recorded report, so the parsing is tested without wrk.
    fake = tmp_path / "wrk"
    fake.write_text(f"#!/bin/sh\ncat <<'EOF'\n{WRK_REPORT}EOF\n")
    fake.chmod(0o755)
    measured = _wrk_measure(str(fake), "http://127.0.0.1:40000/", 32, 3.0, None)
    assert measured == Measurement(requests_per_second=10600.12, p99_ms=0.812, errors=7)


def test_table_puts_each_server_beside_the_h11_baseline() -> None:
    rows = [
        Row(
            "h11",
            "uvicorn + h11",
            "pure",
            [Measurement(1000.0, 9.0, 0), Measurement(1200.0, 8.0, 0)],
        ),
        Row("h11typed", "uvicorn + h11typed", "mypyc", [Measurement(1650.0, 6.0, 0)]),
    ]
    lines = format_table(rows).splitlines()
    assert lines[1].split()[-4:] == ["1,100", "8.50", "1.00x", "0"]
    assert lines[2].split()[-4:] == ["1,650", "6.00", "1.50x", "0"]


def test_quick_run_serves_every_engine_with_no_errors(tmp_path: Path) -> None:
    need_modules("uvicorn", "httptools", "h11")
    out = tmp_path / "e2e.json"
    command = [
        sys.executable, "benchmarks/e2e.py", "--rounds", "1", "--duration", "0.5", "--connections", "4",
        "--load-generator", "python", "--json", str(out),
    ]  # fmt: skip
    completed = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    rows = {row["engine"]: row for row in json.loads(out.read_text())["rows"]}
    assert list(rows) == ["h11", "h11typed", "httptools"]
    assert all(run["requests_per_second"] > 0 for row in rows.values() for run in row["runs"])
    # The h11typed server ran on the build under test.
    assert rows["h11typed"]["build"] == ("mypyc" if h11typed.COMPILED else "pure")
    assert rows["h11"]["label"].endswith("+ h11 0.16.0")
