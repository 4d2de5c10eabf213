"""httpx and httpx2, sync and async (through httpcore's and httpcore2's h11 code), on h11typed, against four servers.

httpx2 and httpcore2 are a fork of httpx and httpcore under other import names; the
same cases run through both, since the fork's h11 code may drift from the original's.

The servers: the examples' threaded server and trio server (h11typed used
directly), and uvicorn ``--http h11`` and hypercorn serving tests/integration/asgi_app.py
with h11typed installed as `h11`. So in the uvicorn and hypercorn rows both
ends of the connection run h11typed under a third-party library.
"""

from __future__ import annotations

import pytest

from tests.integration.support import PeerServers, need_modules, run_client

pytestmark = pytest.mark.integration

CLIENTS = ("httpx-sync", "httpx-async", "httpx2-sync", "httpx2-async")
# The packages each client needs (tests/integration/peer_client.py imports both libraries).
CLIENT_MODULES = ("httpx", "httpcore", "httpx2", "httpcore2")
SERVERS = ("threaded", "trio", "uvicorn", "hypercorn")
# examples/threaded_server.py routes only GET /hello, so HEAD there is a 404.
SERVERS_WITH_HEAD = ("trio", "uvicorn", "hypercorn")
# Servers whose /echo says whether they sent "100 Continue"; uvicorn's and
# hypercorn's is checked on the wire by the curl tests.
SERVERS_REPORTING_100 = ("threaded", "trio")


@pytest.fixture(autouse=True)
def _httpx_installed() -> None:
    need_modules(*CLIENT_MODULES)


def run_counting(
    peer_servers: PeerServers, server: str, client: str, case: str
) -> tuple[dict[str, object], int]:
    """Run a client case; its result and how many connections the server accepted for it."""
    peer = peer_servers.get(server)
    peer.new_connections()  # start counting from here
    result = run_client(client, case, peer.url)
    return result, peer.new_connections()


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("client", CLIENTS)
def test_keep_alive_requests_share_one_connection(
    peer_servers: PeerServers, client: str, server: str
) -> None:
    result, connections = run_counting(peer_servers, server, client, "keep_alive")
    assert result["statuses"] == [200] * 5
    assert result["bodies_ok"] is True
    assert result["http_versions"] == ["HTTP/1.1"]
    assert connections == 1


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("client", CLIENTS)
def test_large_post_with_content_length_is_echoed_intact(
    peer_servers: PeerServers, client: str, server: str
) -> None:
    result = run_client(client, "large_post", peer_servers.get(server).url)
    assert result["status"] == 200
    assert result["sent_length"] == 5 * 1024 * 1024
    assert result["echoed_same"] is True
    assert result["framing"] == "content-length"


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("client", CLIENTS)
def test_generator_body_is_uploaded_chunked(
    peer_servers: PeerServers, client: str, server: str
) -> None:
    # httpx sends an iterator body with Transfer-Encoding: chunked (RFC 9112 section 7.1).
    result = run_client(client, "chunked_upload", peer_servers.get(server).url)
    assert result["status"] == 200
    assert result["framing"] == "chunked"
    assert result["echoed_same"] is True


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("client", CLIENTS)
def test_chunked_response_is_downloaded_whole(
    peer_servers: PeerServers, client: str, server: str
) -> None:
    result = run_client(client, "chunked_download", peer_servers.get(server).url)
    assert result["status"] == 200
    assert result["transfer_encoding"] == "chunked"
    assert result["content_length"] is None
    assert result["body_ok"] is True


@pytest.mark.parametrize("server", SERVERS_WITH_HEAD)
@pytest.mark.parametrize("client", CLIENTS)
def test_head_response_has_no_body_and_the_connection_stays_usable(
    peer_servers: PeerServers, client: str, server: str
) -> None:
    # The HEAD response carries GET's Content-Length but no body (RFC 9110 section 9.3.2);
    # reading one would swallow the next response on the connection.
    result, connections = run_counting(peer_servers, server, client, "head")
    assert result["head_status"] == 200
    assert result["head_content_length"] == "14"
    assert result["head_body_length"] == 0
    assert result["get_status"] == 200
    assert result["get_body_ok"] is True
    assert connections == 1


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("client", CLIENTS)
def test_request_expecting_100_continue_is_served(
    peer_servers: PeerServers, client: str, server: str
) -> None:
    # httpx sends the body without waiting; the server's 100 is an interim response
    # the client's h11typed must skip over (RFC 9110 section 15.2.1).
    result = run_client(client, "expect_continue", peer_servers.get(server).url)
    assert result["status"] == 200
    assert result["echoed_same"] is True
    if server in SERVERS_REPORTING_100:
        assert result["sent_100"] == "yes"
