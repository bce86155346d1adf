"""Every response of the real server carries the protective headers (issue 20, finding 6), and a
link's credential leaves the address bar for a cookie (finding 3), checked over real HTTP.

Streamlit serves the pages, its static files, its health check and its websocket; the live
channel and the redirects are the app's own: each kind of response is asked for here.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tests.appserver import app_process
from workshop import actions
from workshop import store as storage
from workshop.live import web

PROTECTIVE = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "content-security-policy": "frame-ancestors 'none'",
    "x-frame-options": "DENY",
}


@dataclass
class Server:
    host: str
    port: int
    code: str
    participant: str
    leader: str

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            response.read()
            return response
        finally:
            conn.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("headers") / "headers.db"
    db = storage.connect(path)
    made = actions.create_workshop(db, "Offsite", "Acme", "scaleup")
    participant = actions.join(db, made.code, "Ann").token
    leader = actions.issue_leader_link(db, made.code, made.facilitator_key)
    db.close()
    with app_process(path) as (_, base):
        parts = urlsplit(base)
        yield Server(str(parts.hostname), int(parts.port or 80), made.code, participant, leader)


def protected(response) -> None:
    headers = {name.lower(): value for name, value in response.getheaders()}
    missing = {name: value for name, value in PROTECTIVE.items() if headers.get(name) != value}
    assert not missing, (response.status, missing)


def static_asset(server: Server) -> str:
    """One of the scripts Streamlit's own index page loads."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    conn.request("GET", "/")
    page = conn.getresponse().read().decode()
    conn.close()
    found = re.search(r'src="\.?(/?static/[^"]+\.js)"', page)
    assert found, page[:500]
    return "/" + found.group(1).lstrip("/")


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("GET", "/", 200),
        ("GET", "/room?ws={code}", 200),
        ("GET", "/projector?ws={code}", 200),
        ("GET", "/_stcore/health", 200),
        ("GET", "/api/live/{code}/meta", 200),
        ("GET", "/api/live/{code}", 200),
        ("GET", "/api/live/NOPE00/meta", 404),
        ("GET", "/media/no-such-file.png", 404),  # Streamlit's own 404
        ("POST", "/api/live/{code}/votes", 403),
        ("POST", "/api/live/{code}/session", 403),
        ("POST", "/api/live/NOPE00/votes", 404),
        ("GET", "/room?ws={code}&p={participant}", 303),
    ],
)
def test_every_kind_of_response_carries_the_protective_headers(server, method, path, status):
    body = b'{"token": "nobody", "bottleneck_id": 1}' if method == "POST" else None
    response = server.request(method, path.format(**vars(server)), body, {"Content-Type": "application/json"})
    assert response.status == status
    protected(response)


def test_streamlits_static_files_carry_them(server):
    response = server.request("GET", static_asset(server))
    assert response.status == 200 and "javascript" in (response.getheader("content-type") or "")
    protected(response)


def test_the_websocket_handshake_carries_them(server):
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection((server.host, server.port), timeout=30) as sock:
        sock.sendall(
            (
                f"GET /_stcore/stream HTTP/1.1\r\nHost: {server.host}:{server.port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Origin: http://{server.host}:{server.port}\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            assert chunk, head
            head += chunk
    lines = head.split(b"\r\n\r\n")[0].decode().split("\r\n")
    assert lines[0].startswith("HTTP/1.1 101"), lines
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    assert {name: headers.get(name) for name in PROTECTIVE} == PROTECTIVE


@pytest.mark.parametrize("page", ["room", "bottlenecks", "ship-it", "projector"])
def test_a_link_with_a_credential_answers_with_the_same_page_without_it_and_a_cookie(server, page):
    response = server.request("GET", f"/{page}?ws={server.code}&p={server.participant}")
    assert response.status == 303
    assert response.getheader("location") == f"/{page}?ws={server.code}"
    cookie = response.getheader("set-cookie") or ""
    assert cookie.startswith(f"{web.cookie_name(server.code, actions.PARTICIPANT)}={server.participant};")
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= {part.strip() for part in cookie.split(";")}


def test_the_leader_link_leaves_the_address_for_its_own_cookie(server):
    response = server.request("GET", f"/ship-it?ws={server.code}&l={server.leader}")
    assert response.status == 303 and response.getheader("location") == f"/ship-it?ws={server.code}"
    assert (response.getheader("set-cookie") or "").startswith(f"sw-l-{server.code}={server.leader};")


def test_a_credential_that_opens_nothing_stays_for_its_page_to_explain(server):
    response = server.request("GET", f"/ship-it?ws={server.code}&l=revoked-or-made-up")
    assert response.status == 200 and response.getheader("set-cookie") is None
    protected(response)


def test_the_session_route_sets_the_cookie_from_a_body(server):
    body = json.dumps({"token": server.participant}).encode()
    response = server.request("POST", f"/api/live/{server.code}/session", body, {"Content-Type": "application/json"})
    assert response.status == 200
    assert (response.getheader("set-cookie") or "").startswith(f"sw-p-{server.code}={server.participant};")
    protected(response)
