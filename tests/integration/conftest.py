"""Fixtures for the integration tests: the peer servers, started once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.support import PeerServers


def pytest_configure(config: pytest.Config) -> None:
    # Also registered in pyproject.toml; repeated here so this directory works alone.
    config.addinivalue_line(
        "markers", "integration: runs real peers (httpx, uvicorn, hypercorn, curl) in subprocesses"
    )


@pytest.fixture(scope="session")
def peer_servers() -> Iterator[PeerServers]:
    servers = PeerServers()
    try:
        yield servers
    finally:
        servers.stop_all()
