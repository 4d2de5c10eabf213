"""A WebSocket upgrade through uvicorn (``--ws wsproto``) and hypercorn, all on h11typed.

The client is wsproto over a plain socket: its handshake code imports `h11`,
so the upgrade request and the 101 response are handled by h11typed on both
sides, and the connection then carries WebSocket frames (RFC 6455).
"""

from __future__ import annotations

import pytest

from tests.integration.support import PeerServers, need_modules, run_client

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("server", ["uvicorn", "hypercorn"])
def test_websocket_upgrade_echoes_messages_and_closes_cleanly(
    peer_servers: PeerServers, server: str
) -> None:
    need_modules("wsproto")
    result = run_client("wsproto", "echo", peer_servers.get(server).url)
    assert result["accepted"] is True
    assert result["echo_count"] == 3
    assert result["echoed_same"] is True
    assert result["close_code"] == 1000
