"""The live channel's HTTP routes, served beside Streamlit by `st.App` (see `app.py`).

Reads are long-polls on the hub (`workshop/live/hub.py`) of the state built by
`workshop/live/payload.py`. Writes are small POSTs, one per participant action, each calling one
`workshop.actions` function, so AUTH → VALIDATION → CHANGE lives in one place. A refusal
answers 4xx with a one-line message and writes nothing; a stored write answers with the
participant's own view, so the phone needs no second request to show it.

Every answer speaks one language: the request's `lang` when it is one of ours (the phone's choice),
else its `Accept-Language` when that names one of ours, else the workshop's language. Each
language has its own hub, so a state is built once per version and language and served as the
same bytes to every screen that speaks it.
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from anyio import to_thread
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from workshop import actions, store
from workshop.actions.auth import SECRET_MAX
from workshop.domain import erasure, language
from workshop.domain.errors import (
    BudgetExhausted,
    InputLocked,
    NotAllowed,
    NotFound,
    Unavailable,
    WorkshopError,
    no_workshop,
)
from workshop.domain.vocabulary import CODE_SENT_MAX, normalise_code
from workshop.live.fairuse import FairUse, key_of, screen_key
from workshop.live.hub import PRESENCE_WINDOW, Entry, Hub, Mark
from workshop.live.payload import participant_view, room_state
from workshop.live.writer import GroupWriter
from workshop.store import Database
from workshop.store.load import load

MAX_WAIT = 25.0
MAX_BODY = 8_192
MAX_CLIENT = 40
TOKEN_HEADER = "X-Workshop-Token"  # a phone's token on its reads: headers stay out of address logs
PRESENT_MAX = 50_000  # tokens remembered as who they are (or as nobody), across workshops
NOT_FOUND = no_workshop()

_local = threading.local()


def _db(path: str | Path | None = None) -> Database:
    """A connection per worker thread (connections are never shared), opened again when the
    database names another one or the connection was lost (a PostgreSQL restart)."""
    key = str(path or store.db_path())
    held: tuple[str, Database] | None = getattr(_local, "db", None)
    if held is None or held[0] != key or held[1].broken:
        if held is not None:
            _close(held[1])
        _local.db = held = (key, store.connect(key))
    return held[1]


def _close(db: Database) -> None:
    try:
        db.close()
    except Exception:  # a lost connection may fail to close; it is dropped either way
        pass


def build_state(db: Database, code: str, lang: str | None = None) -> dict[str, Any] | None:
    """The room's live state in `lang` (None: the workshop's language), or None when no workshop has the code."""
    try:
        return room_state(load(db, code, trail=False), lang=lang)
    except NotFound:
        return None


def _read_versions(codes: list[str]) -> Mapping[str, Mark]:
    return store.versions_of(_db(), codes)


WORKSHOPS_OWN = ""  # the hub of screens that follow the workshop's own language


def _new_hub(lang: str) -> Hub:
    return Hub(build=lambda code: build_state(_db(), code, lang or None), read_versions=_read_versions)


HUB = _new_hub(WORKSHOPS_OWN)  # the screens that speak the workshop's own language
HUBS: dict[str, Hub] = {}  # one more per language a screen asked for by name; its key is always one of ours


def hub_for(lang: str) -> Hub:
    """The hub of one language (`WORKSHOPS_OWN`: the workshop's own)."""
    if lang == WORKSHOPS_OWN:
        return HUB
    if lang not in HUBS:
        HUBS[lang] = _new_hub(lang)
    return HUBS[lang]


def every_hub() -> list[Hub]:
    return [HUB, *HUBS.values()]


def speaks(request: Request) -> str:
    """The language a live answer speaks: `?lang=` if it is one of ours, else the first of the
    browser's `Accept-Language` that is, else the workshop's own (`WORKSHOPS_OWN`)."""
    asked = request.query_params.get("lang", "")[:35]
    accept = request.headers.get("accept-language", "")[:500]
    return _spoken(asked, accept, language.languages())


@lru_cache(maxsize=4096)
def _spoken(asked: str, accept: str, ours: tuple[str, ...]) -> str:
    """`speaks`, worked out once per distinct question (a room's phones send a handful of them):
    every live request asks, and negotiating each time cost as much as answering a poll."""
    chosen = language.supported(asked)
    if chosen:
        return chosen
    tags = [part.split(";")[0] for part in accept.split(",")]
    if any(language.supported(tag) for tag in tags):
        return language.negotiate(accept)
    return WORKSHOPS_OWN


def _words(request: Request) -> str:
    """The language a refusal is said in: the answer's, English for a screen of the workshop's own."""
    return speaks(request) or language.SOURCE


WRITER = GroupWriter(connect=_db)


FAIR = FairUse()
TOO_MANY = language.N_("Too many requests from this screen: wait a moment and try again.")


# --- reading -------------------------------------------------------------------------


def _code(request: Request) -> str | None:
    raw = str(request.path_params["code"])
    return normalise_code(raw) if len(raw) <= CODE_SENT_MAX else None


def _since(request: Request) -> int:
    try:
        return int(request.query_params.get("since", "-1")[:20])
    except ValueError:
        return -1


def _wait(request: Request, name: str = "wait") -> float:
    """Seconds from the query (`wait`, or a phone's `hold`), within 0..MAX_WAIT."""
    try:
        wait = float(request.query_params.get(name, "0")[:20])
    except ValueError:
        return 0.0
    return max(0.0, min(MAX_WAIT, wait)) if wait == wait else 0.0  # NaN waits not at all


def _turned(request: Request) -> int | None:
    """The meta version a phone's one poll holds (`meta=M`), or None for a poll that names none."""
    raw = request.query_params.get("meta")
    if raw is None:
        return None
    try:
        return int(raw[:20])
    except ValueError:
        return -1


def _json(
    body: bytes, body_gz: bytes | None = None, request: Request | None = None, pace: int = 0, turned: int | None = None
) -> Response:
    headers = {"Cache-Control": "no-store", "X-Server-Now": f"{time.time():.3f}"}
    if turned is not None:
        headers["X-Meta-Version"] = str(turned)  # the meta version of this state: what the phone asks with next
    if pace:
        headers["Retry-After"] = str(pace)  # a phone's least wait before its next full-state poll
    if body_gz is not None and request is not None:
        headers["Vary"] = "Accept-Encoding"
        if "gzip" in request.headers.get("accept-encoding", ""):
            # Already compressed once for this version; the gzip middleware leaves it alone.
            headers["Content-Encoding"] = "gzip"
            body = body_gz
    return Response(body, media_type="application/json", headers=headers)


def _refuse(message: str, status: int, retry_after: float = 0) -> JSONResponse:
    headers = {"Cache-Control": "no-store"}
    if retry_after:
        headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return JSONResponse({"error": message}, status_code=status, headers=headers)


_people: OrderedDict[tuple[str, str], str] = OrderedDict()


async def _present(request: Request, code: str) -> str:
    """The participant a meta poll comes from, as the key presence counts them by ("" for nobody).

    Only a valid participant token counts, once per person however many screens or refreshes
    they use; the facilitator's devices and the projector are not the room. Answers are
    remembered by the token's digest (bounded), so a poll costs a lookup only the first time.
    """
    token = request.headers.get(TOKEN_HEADER, "")
    if not token or len(token) > SECRET_MAX:
        return ""
    key = (code, key_of(token))
    if key not in _people:

        def look() -> str:
            person = actions.identify(_db(), code, token)
            return "" if person is None or person["is_facilitator"] else str(person["id"])

        _people[key] = await to_thread.run_sync(look)
        while len(_people) > PRESENT_MAX:
            _people.popitem(last=False)
    return _people[key]


GONE = Entry()  # what a long-poll whose screen went away waited for: nothing is sent


async def _unless_gone(request: Request, waiting: Coroutine[Any, Any, Entry | None]) -> Entry | None:
    """The wait's answer, or `GONE` as soon as the screen closes its request.

    A phone ends its open poll when its own write should show at once; its wait then stops here
    and frees its place among the screen's open polls, instead of holding it until the room moves.
    """
    wait = asyncio.ensure_future(waiting)
    gone = asyncio.ensure_future(_closed(request))
    try:
        await asyncio.wait({wait, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
    if wait.done():
        return wait.result()
    wait.cancel()
    return GONE


async def _closed(request: Request) -> None:
    """Return when the client disconnects (a GET's body is empty: the next message is the close)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def _long_poll(request: Request, kind: str) -> Response:
    """One long-poll, counted against its screen's and its address's open polls."""
    code = _code(request)
    said = _words(request)
    if code is None:
        return _refuse(NOT_FOUND.text(said), 404)
    screen = request.query_params.get("client", "")[:MAX_CLIENT]
    client = screen_key(screen, kind) if screen else ""
    address = request.client.host if request.client else ""
    if not FAIR.by_address.enter(address):
        return _refuse(language.translate(said, TOO_MANY), 429, 5)
    try:
        if client and not FAIR.by_client.enter(client):
            return _refuse(language.translate(said, TOO_MANY), 429, 5)
        try:
            present = await _present(request, code) if kind == "meta" else ""
            hub = hub_for(speaks(request))
            waiting = hub.wait(
                code,
                _since(request),
                kind,
                _wait(request),
                present=present,
                hold=_wait(request, "hold"),
                turned_since=_turned(request) if kind == "board" else None,
            )
            entry = await _unless_gone(request, waiting)
        finally:
            if client:
                FAIR.by_client.leave(client)
    finally:
        FAIR.by_address.leave(address)
    if entry is GONE:
        return Response(status_code=CLIENT_CLOSED)
    if entry is None:
        return _refuse(NOT_FOUND.text(said), 404)
    if kind == "meta":
        return _json(entry.meta_body)
    pace = sum(each.pace() for each in every_hub())
    return _json(entry.body, entry.body_gz, request, pace=pace, turned=entry.meta_version)


async def board(request: Request) -> Response:
    """GET /api/live/{code}?since=V&wait=S&client=ID — the full room state once its version passes V;
    a phone's one poll adds `meta=M&hold=H`: at once when the meta passes M, else not before H seconds."""
    return await _long_poll(request, "board")


async def meta(request: Request) -> Response:
    """GET /api/live/{code}/meta?since=M&wait=S&client=ID — step, timer and lock once they change;
    with a participant's token in `X-Workshop-Token`, it also counts that person as connected."""
    return await _long_poll(request, "meta")


async def presence(request: Request) -> Response:
    """GET /api/live/{code}/presence — how many participants follow the room right now."""
    code = _code(request)
    entry = await HUB.current(code) if code else None
    if entry is None or code is None:
        return _refuse(NOT_FOUND.text(_words(request)), 404)
    return _json(json.dumps({"connected": connected(code, time.monotonic())}).encode())


def connected(code: str, now: float) -> int:
    """Participants following the room, whatever language each reads it in (each counted once)."""
    entries = [hub.entries.get(code) for hub in every_hub()]
    return len({p for e in entries if e is not None for p, t in e.present.items() if now - t <= PRESENCE_WINDOW})


# --- writing -------------------------------------------------------------------------

_STATUS = {NotFound: 404, NotAllowed: 403, InputLocked: 409, BudgetExhausted: 409, Unavailable: 503}


class BadRequest(WorkshopError):
    """The request itself is unusable (size, JSON shape)."""


class Aborted(Exception):
    """The client went away before its body was complete: there is nobody left to answer."""


CLIENT_CLOSED = 499  # the status access logs use for a request its client abandoned


async def _body(request: Request) -> Body:
    """The JSON object of a POST, read with a limit before anything is parsed."""
    declared = request.headers.get("content-length", "")
    if declared and not (declared.isascii() and declared.isdigit()):  # isdigit() alone accepts '²'
        raise BadRequest(language.N_("The request's Content-Length is not a number."))
    if declared and int(declared) > MAX_BODY:
        raise BadRequest(language.N_("The request is too large."))
    raw = b""
    try:
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY:
                raise BadRequest(language.N_("The request is too large."))
    except ClientDisconnect:
        raise Aborted from None
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, RecursionError):
        raise BadRequest(language.N_("The request is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadRequest(language.N_("The request must be a JSON object."))
    return Body(data)


class Body(dict[str, Any]):
    """A request's JSON object. A missing field reads as None, and the action refuses whatever
    it cannot use, so the routes pass the values through untouched (they are untrusted: Any)."""

    def __missing__(self, key: str) -> Any:
        return None


Write = Callable[[Database, str, Body], Any]


def _key(d: dict[str, Any], name: str) -> Any:
    """A value looked up in a fixed set of keys: only text can be one (a list is not even hashable)."""
    value = d.get(name)
    return value if isinstance(value, str) else None


def _bottleneck(db: Database, code: str, d: Body) -> Any:
    return {"id": actions.add_bottleneck(db, code, d["token"], d["dimension"], d["text"], client_id=d["client_id"])}


def _vote(db: Database, code: str, d: Body) -> Any:
    fn = actions.unvote if d["remove"] is True else actions.vote
    return {"votes_left": fn(db, code, d["token"], d["bottleneck_id"])}


def _impact_fields(d: Body) -> tuple[Any, Any, Any, Any, Any]:
    """An impact's fields from the body, in the order `add_impact` and `edit_impact` both take them.

    Adding and correcting an impact read the same fields the same way; one reading keeps them so.
    """
    return d["bottleneck_id"], d["outcome"], _key(d, "direction"), d["magnitude"], d["because"]


def _impact(db: Database, code: str, d: Body) -> Any:
    fields = _impact_fields(d)
    return {"id": actions.add_impact(db, code, d["token"], *fields, money=d["money"], client_id=d["client_id"])}


def _edit_impact(db: Database, code: str, d: Body) -> Any:
    actions.edit_impact(db, code, d["token"], d["impact_id"], *_impact_fields(d), money=d["money"])


def _withdraw_impact(db: Database, code: str, d: Body) -> Any:
    actions.withdraw_impact(db, code, d["token"], d["impact_id"])


def _initiative(db: Database, code: str, d: Body) -> Any:
    return {
        "id": actions.add_initiative(
            db, code, d["token"], d["title"], d["bottleneck_ids"], d["description"], client_id=d["client_id"]
        )
    }


def _score(db: Database, code: str, d: Body) -> Any:
    scores = d["scores"]
    if not isinstance(scores, dict):
        raise BadRequest(language.N_("Send the four scores as an object."))
    actions.score_initiative(db, code, d["token"], d["initiative_id"], scores)


def _pick(db: Database, code: str, d: Body) -> Any:
    actions.pick_choice(db, code, d["token"], d["initiative_id"], d["choice"], d["reason"])


def _volunteer(db: Database, code: str, d: Body) -> Any:
    actions.volunteer(db, code, d["token"], d["initiative_id"], d.get("on", True))


def _readiness(db: Database, code: str, d: Body) -> Any:
    return {"answered": actions.answer_readiness(db, code, d["token"], d["answers"])}


# Every write a phone can make: the path after /api/live/{code}/ → the one action it calls.
WRITES: dict[str, Write] = {
    "bottlenecks": _bottleneck,
    "votes": _vote,
    "impacts": _impact,
    "impacts/edit": _edit_impact,
    "impacts/withdraw": _withdraw_impact,
    "initiatives": _initiative,
    "scores": _score,
    "picks": _pick,
    "volunteers": _volunteer,
    "readiness": _readiness,
}


Answer = Callable[[str, Body], Awaitable[dict[str, Any]]]


async def _posted(request: Request, kind: str, answer: Answer, changes: bool) -> Response:
    """One POST of a phone: its body, its fair-use turn, `answer(code, body)`, then the room's hubs
    nudged when it `changes` the room; refusals become 4xx, in the screen's language."""
    code = _code(request)
    said = _words(request)
    if code is None:
        return _refuse(NOT_FOUND.text(said), 404)
    try:
        data = await _body(request)
        wait = FAIR.write(data.get("token"), kind)
        if wait:
            return _refuse(language.translate(said, TOO_MANY), 429, wait)
        answered = await answer(code, data)
    except WorkshopError as exc:
        return _refuse(exc.text(said), _STATUS.get(type(exc), 400))
    except Aborted:  # nothing was read, nothing is written, and the answer reaches nobody
        return Response(status_code=CLIENT_CLOSED)
    if changes:
        for hub in every_hub():
            hub.nudge(code)
    return JSONResponse({"ok": True, **answered}, headers={"Cache-Control": "no-store"})


async def _run(request: Request, write: Write | None, kind: str = "me") -> Response:
    """One POST: the action (if any), then the participant's own view."""

    async def answer(code: str, data: Body) -> dict[str, Any]:
        token = data.get("token")
        if write is None:
            return await to_thread.run_sync(lambda: {"me": participant_view(_db(), code, token)})
        # The write joins this process's next batch (group commit). On SQLite the writer's own
        # view is read by the writer thread once that batch has committed (no second hop between
        # threads); on PostgreSQL, where each read is a round trip the writer thread would wait
        # for, by a worker thread of its own, so the writer thread only writes.
        path = str(store.db_path())
        on_sqlite = store.kind_of(path) == "sqlite"

        def me(db: Database, result: dict[str, Any]) -> dict[str, Any]:
            return {**result, "me": participant_view(db, code, token)}

        stored = await WRITER.submit(path, lambda db: write(db, code, data) or {}, me if on_sqlite else None, code)
        if on_sqlite:
            return dict(stored)
        return await to_thread.run_sync(lambda: me(_db(), stored))

    return await _posted(request, kind, answer, changes=write is not None)


def _my_data(db: Database, code: str, d: Body) -> dict[str, Any]:
    """What "Remove my data" would remove, in words, with and without the notes (a read)."""
    person = actions.my_data(db, code, d["token"])
    return {
        "name": person.name,
        "keep_notes": erasure.confirmation(person.name, person.removal, delete_notes=False),
        "delete_notes": erasure.confirmation(person.name, person.removal, delete_notes=True),
        "owns": person.owns,
    }


def _remove_my_data(db: Database, code: str, d: Body) -> dict[str, Any]:
    notes = False if d["delete_notes"] is None else d["delete_notes"]  # anything but true/false is refused
    removal = actions.remove_my_data(db, code, d["token"], delete_notes=notes)
    return {"removed": removal.counts()}


def _own_language(db: Database, code: str) -> str:
    """The workshop's own language (English if it is gone: the action then refuses)."""
    workshop = store.workshop_by_code(db, code)
    return str(workshop["language"]) if workshop is not None else language.SOURCE


async def _erasure(request: Request, act: Write, kind: str, changes: bool) -> Response:
    """A participant's own erasure (or what it would remove): answered without `me`, since after
    it the token stands for nobody, in the screen's language (`speaks`, else the workshop's)."""
    asked = speaks(request)

    async def answer(code: str, data: Body) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            db = _db()
            with language.using(asked or _own_language(db, code)):  # the confirmation's words
                return act(db, code, data)

        return await to_thread.run_sync(run)

    return await _posted(request, kind, answer, changes)


async def my_data(request: Request) -> Response:
    """POST /api/live/{code}/erase/preview {token} — what removing my data would delete and keep."""
    return await _erasure(request, _my_data, "erase/preview", changes=False)


async def remove_my_data(request: Request) -> Response:
    """POST /api/live/{code}/erase {token, delete_notes} — remove my name and answers (notes too if
    `delete_notes` is true); the token stops working."""
    return await _erasure(request, _remove_my_data, "erase", changes=True)


async def me(request: Request) -> Response:
    """POST /api/live/{code}/me {token} — the participant's own view."""
    return await _run(request, None)


def _post(path: str, write: Write) -> Route:
    async def endpoint(request: Request) -> Response:
        return await _run(request, write, path)

    endpoint.__doc__ = f"POST /api/live/{{code}}/{path}"
    return Route(f"/api/live/{{code}}/{path}", endpoint, methods=["POST"])


async def health(request: Request) -> Response:
    """GET /api/health — 200 when this app process can reach its database, else 503: what a
    proxy or an orchestrator asks before sending a process traffic."""
    try:
        await to_thread.run_sync(lambda: store.reachable(_db()))
    except WorkshopError as exc:
        return _refuse(str(exc), 503)
    return JSONResponse({"ok": True}, headers={"Cache-Control": "no-store"})


ROUTES = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/live/{code}", board, methods=["GET"]),
    Route("/api/live/{code}/meta", meta, methods=["GET"]),
    Route("/api/live/{code}/presence", presence, methods=["GET"]),
    Route("/api/live/{code}/me", me, methods=["POST"]),
    Route("/api/live/{code}/erase/preview", my_data, methods=["POST"]),
    Route("/api/live/{code}/erase", remove_my_data, methods=["POST"]),
    *(_post(path, write) for path, write in WRITES.items()),
]
