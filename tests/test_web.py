"""The HTTP edge (`workshop/live/web.py`): a credential never stays in an address (issue 20, finding 3)
and every response carries the protective headers (finding 6), on a small app built the way
`app.py` builds the real one (tests/test_headers.py asks the real server)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from tests.helpers import NOW
from workshop import actions
from workshop import store as storage
from workshop.demo import create_demo
from workshop.live import web
from workshop.store.load import load

PROTECTIVE = {name.decode(): value.decode() for name, value in web.PROTECTIVE}


async def page(request: Request) -> PlainTextResponse:
    """Stands in for Streamlit's page: echoes the address it was asked for and the cookies sent."""
    cookies = ";".join(f"{k}={v}" for k, v in sorted(request.cookies.items()))
    return PlainTextResponse(f"{request.url.path}?{request.url.query}|{cookies}")


async def stream(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.close()


@dataclass
class Edge:
    client: TestClient
    code: str
    facilitator: str
    participant: str
    leader: str
    owner: str


@pytest.fixture
def edge(tmp_path, monkeypatch) -> Iterator[Edge]:
    path = tmp_path / "web.db"
    monkeypatch.setenv("WORKSHOP_DB", str(path))
    db = storage.connect(path)
    made = create_demo(db, now=NOW)  # a workshop with owners, so with owner links to hand out
    actions.reopen_workshop(db, made.code, made.facilitator_key)
    participant = actions.join(db, made.code, "Ann", now=NOW).token
    leader = actions.issue_leader_link(db, made.code, made.facilitator_key)
    owner = actions.issue_owner_link(db, made.code, made.facilitator_key, load(db, made.code).tracks[0].owner)
    routes = [*web.ROUTES, Route("/{path:path}", page), WebSocketRoute("/_stcore/stream", stream)]
    app = Starlette(routes=routes, middleware=[Middleware(web.ProtectiveHeaders), Middleware(web.LinkSecrets)])
    with TestClient(app, follow_redirects=False) as client:
        yield Edge(client, made.code, made.facilitator_token, participant, leader, owner)
    db.close()


def cookie_of(response) -> dict[str, str]:
    """The Set-Cookie headers of a response as name → the whole header."""
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


@pytest.mark.parametrize(
    "param, who, kind",
    [
        ("p", "participant", actions.PARTICIPANT),
        ("p", "facilitator", actions.FACILITATOR_DEVICE),
        ("l", "leader", actions.LEADER),
    ],
)
def test_a_link_with_a_credential_redirects_to_the_same_page_without_it(edge, param, who, kind):
    secret = getattr(edge, who)
    response = edge.client.get(f"/room?ws={edge.code}&{param}={secret}&join=x")
    assert response.status_code == 303
    assert response.headers["location"] == f"/room?ws={edge.code}&join=x"
    cookie = cookie_of(response)[web.cookie_name(edge.code, kind)]
    assert cookie.startswith(f"sw-{kind}-{edge.code}={secret};")
    assert {"HttpOnly", "SameSite=Strict", "Path=/", f"Max-Age={web.COOKIE_AGE}"} <= {
        p.strip() for p in cookie.split(";")
    }
    assert "Secure" not in cookie  # plain http (a local server); https adds it
    followed = edge.client.get(response.headers["location"])
    assert followed.status_code == 200 and secret not in followed.text.split("|")[0]
    assert f"sw-{kind}-{edge.code}={secret}" in followed.text.split("|")[1]  # the page sees the cookie


def test_the_owner_link_moves_into_its_own_cookie(edge):
    response = edge.client.get(f"/owner?ws={edge.code}&o={edge.owner}")
    assert response.status_code == 303 and response.headers["location"] == f"/owner?ws={edge.code}"
    assert cookie_of(response)[f"sw-o-{edge.code}"].startswith(f"sw-o-{edge.code}={edge.owner};")


@pytest.mark.parametrize(
    "query",
    [
        "ws={code}&p=made-up",  # opens nothing: the page says so
        "ws={code}&l={participant}",  # a participant's token is no leader link
        "ws={code}&o={leader}",  # nor is a leader link an owner's
        "ws=NOPE00&p={participant}",  # another workshop
        "p={participant}",  # no workshop named
        "ws={code}",
        "ws={code}&p=",
    ],
)
def test_a_credential_that_opens_nothing_is_left_for_the_page(edge, query):
    response = edge.client.get("/room?" + query.format(**vars(edge)))
    assert response.status_code == 200 and not response.headers.get_list("set-cookie")


def test_a_redirect_never_leaves_this_server(edge):
    response = edge.client.get(f"//evil.example/x?ws={edge.code}&p={edge.participant}")
    location = response.headers["location"]
    assert response.status_code == 303 and location.startswith("/") and not location.startswith("//")


def test_the_live_channel_is_never_redirected(edge):
    response = edge.client.get(f"/api/live/{edge.code}/anything?ws={edge.code}&p={edge.participant}")
    assert response.status_code == 200 and not response.headers.get_list("set-cookie")


def test_the_session_route_keeps_a_page_sign_in_in_a_cookie(edge):
    for who, kind in (("participant", "p"), ("facilitator", "f"), ("leader", "l"), ("owner", "o")):
        secret = getattr(edge, who)
        response = edge.client.post(f"/api/live/{edge.code.lower()}/session", json={"token": secret})
        assert response.status_code == 200 and response.json() == {"ok": True}
        assert cookie_of(response)[f"sw-{kind}-{edge.code}"].startswith(f"sw-{kind}-{edge.code}={secret};")


@pytest.mark.parametrize(
    "body, status",
    [
        ({"token": "made-up"}, 403),
        ({"token": 42}, 403),
        ({}, 403),
        ({"token": "x" * 200}, 403),
        ([1], 400),
    ],
)
def test_the_session_route_refuses_what_opens_nothing(edge, body, status):
    response = edge.client.post(f"/api/live/{edge.code}/session", json=body)
    assert response.status_code == status and "\n" not in response.json()["error"]
    assert not response.headers.get_list("set-cookie")


def test_the_session_route_refuses_another_workshops_credential(edge):
    response = edge.client.post("/api/live/NOPE00/session", json={"token": edge.participant})
    assert response.status_code == 403 and not response.headers.get_list("set-cookie")


def test_every_response_and_the_websocket_handshake_carry_the_protective_headers(edge):
    answers = [
        edge.client.get("/"),
        edge.client.get(f"/room?ws={edge.code}&p={edge.participant}"),  # the redirect
        edge.client.post(f"/api/live/{edge.code}/session", json={"token": "made-up"}),  # a refusal
        edge.client.post(f"/api/live/{edge.code}/session", content=b"{"),  # invalid JSON
    ]
    for response in answers:
        assert {name: response.headers.get(name) for name in PROTECTIVE} == PROTECTIVE, response.status_code
    with edge.client.websocket_connect("/_stcore/stream") as ws:
        sent = {bytes(k).decode(): bytes(v).decode() for k, v in ws.extra_headers or []}
    assert {name: sent.get(name) for name in PROTECTIVE} == PROTECTIVE


def test_a_header_the_app_already_set_is_kept():
    async def framed(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok", headers={"Referrer-Policy": "same-origin"})

    app = Starlette(routes=[Route("/", framed)], middleware=[Middleware(web.ProtectiveHeaders)])
    with TestClient(app) as client:
        response = client.get("/")
    assert response.headers.get_list("referrer-policy") == ["same-origin"]
    assert response.headers["x-frame-options"] == "DENY"


def test_the_live_channel_goes_straight_to_its_routes_past_the_app_s_middleware(tmp_path, monkeypatch):
    """Streamlit's own middleware (path checks, sessions, gzip) is no part of a live answer's cost;
    everything else still reaches the app, and every answer keeps the protective headers."""
    monkeypatch.setenv("WORKSHOP_DB", str(tmp_path / "web.db"))
    db = storage.connect(tmp_path / "web.db")
    code = actions.create_workshop(db, "T", "O", "scaleup", now=NOW).code
    db.close()
    reached: list[str] = []

    class Stack:
        """Stands in for Streamlit's middleware and routes: notes every request it sees."""

        def __init__(self, app) -> None:
            self.app = app

        async def __call__(self, scope, receive, send) -> None:
            reached.append(scope.get("path", ""))
            await self.app(scope, receive, send)

    routes = [*web.ROUTES, Route("/{path:path}", page)]
    middleware = [Middleware(web.ProtectiveHeaders), Middleware(web.LiveDirect), Middleware(Stack)]
    with TestClient(Starlette(routes=routes, middleware=middleware)) as client:
        state = client.get(f"/api/live/{code}?since=-1&wait=0")
        missing = client.get("/api/live/NOPE00/meta")
        wrong = client.put(f"/api/live/{code}")
        other = client.get("/room")
    assert state.status_code == 200 and state.json()["code"] == code
    assert missing.status_code == 404 and wrong.status_code == 405
    assert other.status_code == 200 and [p for p in reached if p] == ["/room"]
    for response in (state, missing, wrong, other):
        assert {name: response.headers.get(name) for name in PROTECTIVE} == PROTECTIVE
