"""The app's HTTP edge, around Streamlit and the live channel (wired in `app.py`).

Two promises hold here for every response, whoever serves it:

- **Protective headers.** Nothing may frame a page (a framed console could be clicked through
  by another site), nothing is sniffed into another type, and no address is sent on as a
  Referer (`ProtectiveHeaders`).
- **No secret in an address bar.** A facilitator who projects the console, or anyone who shares
  a screenshot, must not hand over a credential. A link that carries one (`?ws=CODE&p=…`,
  `&l=…`, `&o=…`) is answered with a redirect to the same page without it, and the credential
  travels on in an HttpOnly cookie of its own per workshop and kind (`LinkSecrets`). A sign-in
  made on a page (joining, creating a workshop, the facilitator key) has no such link: the page
  posts the credential to `POST /api/live/CODE/session`, which sets the same cookie. Streamlit
  reads the cookies when a page connects (`st.context.cookies`), so a refresh keeps who you are.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, quote, urlencode

from anyio import to_thread
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workshop import actions
from workshop.domain.language import N_, translate
from workshop.domain.vocabulary import normalise_code
from workshop.live import routes
from workshop.live.routes import CLIENT_CLOSED, NOT_FOUND, Aborted, BadRequest, _body, _code, _db, _refuse, _words

PROTECTIVE: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
)

# A link's query parameter → the credentials it may carry (`actions.credential` tells which it is).
LINK_PARAMS: dict[str, tuple[str, ...]] = {
    "p": (actions.FACILITATOR_DEVICE, actions.PARTICIPANT),
    "l": (actions.LEADER,),
    "o": (actions.OWNER,),
}
COOKIE_AGE = 30 * 24 * 3600  # a month: the workshop, its summary and the first check-ins
SESSION_PATH = "/api/live/{code}/session"


def cookie_name(code: str, kind: str) -> str:
    """One cookie per workshop and kind of credential, so workshops and roles never clash."""
    return f"sw-{kind}-{normalise_code(code)}"


def set_cookie(code: str, kind: str, secret: str, secure: bool) -> str:
    """A `Set-Cookie` value: only this server's pages and routes see it, no script reads it,
    and no other site's link or form sends it."""
    parts = [f"{cookie_name(code, kind)}={secret}", "Path=/", f"Max-Age={COOKIE_AGE}", "HttpOnly", "SameSite=Strict"]
    return "; ".join([*parts, "Secure"] if secure else parts)


class ProtectiveHeaders:
    """ASGI middleware: the protective headers on every HTTP response and websocket handshake
    (Streamlit's pages, static files and websocket, the live channel, redirects, errors)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return

        async def send_protected(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.accept"):
                headers = list(message.get("headers") or [])
                present = {bytes(name).lower() for name, _ in headers}
                message = {**message, "headers": headers + [h for h in PROTECTIVE if h[0] not in present]}
            await send(message)

        await self.app(scope, receive, send_protected)


Check = Callable[[str, str], "str | None"]


def _check(code: str, secret: str) -> str | None:
    return actions.credential(_db(), code, secret)


def carries_credential(query: str) -> bool:
    """Whether an address names a workshop and holds a link's credential (no database needed)."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    return bool(params.get("ws")) and any(params.get(name) for name in LINK_PARAMS)


def link_redirect(path: str, query: str, secure: bool, check: Check = _check) -> Response | None:
    """The redirect that takes a link's credentials out of its address, or None to serve it as is.

    Only credentials that open something move into a cookie; an unknown or revoked one stays
    in the address, so the page says why it opens nothing (and removes it there).
    """
    if not carries_credential(query):
        return None
    pairs = parse_qsl(query, keep_blank_values=True)
    code = dict(pairs)["ws"]
    cookies: list[str] = []
    kept: list[tuple[str, str]] = []
    for name, value in pairs:
        allowed = LINK_PARAMS.get(name, ())
        kind = check(code, value) if allowed and value else None
        if kind is not None and kind in allowed:
            cookies.append(set_cookie(code, kind, value, secure))
        else:
            kept.append((name, value))
    if not cookies:
        return None
    here = "/" + quote(path.lstrip("/"))  # always this server: "//elsewhere" must not become a redirect away
    response = Response(status_code=303, headers={"Location": f"{here}?{urlencode(kept)}", "Cache-Control": "no-store"})
    for cookie in cookies:
        response.raw_headers.append((b"set-cookie", cookie.encode("latin-1")))
    return response


class LiveDirect:
    """ASGI middleware: a request to the live channel goes straight to its routes, past the
    middleware Streamlit puts around its own (path checks for its files, signed sessions, gzip),
    none of which a live request uses: the channel gzips its state itself, once per version.
    A room of 1,000 phones asks for 2,000 answers at every step change, so each one's cost counts
    (see docs/benchmarks.md). The protective headers still wrap it (`ProtectiveHeaders` is outside)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.live = ExceptionMiddleware(Router(routes=[*routes.ROUTES, *ROUTES]))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/live/"):
            await self.live(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class LinkSecrets:
    """ASGI middleware: a page opened with a credential in its address is redirected to the
    same address without it, the credential set as a cookie (see `link_redirect`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and not scope["path"].startswith("/api/"):
            query = bytes(scope.get("query_string", b"")).decode("latin-1")
            secure = scope.get("scheme") == "https"
            checked = carries_credential(query)  # most requests: no thread, no database
            redirect = await to_thread.run_sync(link_redirect, scope["path"], query, secure) if checked else None
            if redirect is not None:
                await redirect(scope, receive, send)
                return
        await self.app(scope, receive, send)


OPENS_NOTHING = N_("This credential opens nothing in this workshop.")


async def session(request: Request) -> Response:
    """POST /api/live/{code}/session {token} — remember a credential signed in on a page.

    The page that joined, created the workshop or took the facilitator key holds the credential
    for its own run; this keeps it for the next page load without ever putting it in an address.
    """
    code = _code(request)
    said = _words(request)
    if code is None:
        return _refuse(NOT_FOUND.text(said), 404)
    try:
        secret = (await _body(request))["token"]
    except BadRequest as exc:
        return _refuse(exc.text(said), 400)
    except Aborted:
        return Response(status_code=CLIENT_CLOSED)
    kind = await to_thread.run_sync(_check, code, secret) if isinstance(secret, str) else None
    if kind is None:
        return _refuse(translate(said, OPENS_NOTHING), 403)
    response = JSONResponse({"ok": True}, headers={"Cache-Control": "no-store"})
    response.raw_headers.append((b"set-cookie", set_cookie(code, kind, secret, request.url.scheme == "https").encode()))
    return response


ROUTES = [Route(SESSION_PATH, session, methods=["POST"])]
