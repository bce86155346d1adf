"""The live channel: versioned JSON over long-polling HTTP, beside Streamlit.

Idle screens cost almost nothing: a client asks "anything newer than version V?" and the
request waits on an asyncio event. One watcher task per process reads the versions of
workshops that have waiting clients every `TICK` seconds (one small query), builds each
new state once, caches it by version and wakes every waiter. Writes from phones arrive
as small POSTs that call the same `workshop.actions` functions as the pages do.

A busy room writes far more often than a state can be rebuilt, so rebuilds are coalesced:
at most one runs per workshop, and writes that land meanwhile are all published by the
next one. The body is encoded and gzipped once per version (in the worker thread), not
once per response.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anyio import to_thread
from sqlite_utils import Database
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import actions, storage
from .errors import BudgetExhausted, InputLocked, NotAllowed, NotFound, WorkshopError
from .state import normalise_code
from .steps import DIMENSION_KEYS, STEPS, step_by_key, stage_by_key

TICK = 0.1
MAX_WAIT = 25.0
MAX_BODY = 8_192
GZIP_MIN = 1_000

_local = threading.local()


def _db(path: Path | None = None) -> Database:
    """A connection per worker thread: sqlite3 connections are never shared."""
    key = str(path or storage.db_path())
    cache: dict[str, Database] = getattr(_local, "dbs", None) or {}
    _local.dbs = cache
    if key not in cache:
        cache[key] = storage.connect(key)
    return cache[key]


def build_state(db: Database, code: str, now: float | None = None) -> dict[str, Any] | None:
    """The live state of one workshop: step, timer, lock and the board (plain data)."""
    workshop = storage.workshop_by_code(db, code)
    if workshop is None:
        return None
    step = step_by_key(workshop["current_step"])
    timer = next(t for t in storage.timers(db, workshop["id"]) if t.step_key == step.key)
    board: dict[str, list[dict[str, Any]]] = {key: [] for key in DIMENSION_KEYS}
    for row in storage.bottlenecks(db, workshop["id"]):
        if row["merged_into"] is None and not row["hidden"]:
            board[row["dimension"]].append({"id": row["id"], "text": row["text"], "votes": row["votes"]})
    for items in board.values():
        items.sort(key=lambda b: (-b["votes"], b["id"]))
    stage = stage_by_key(workshop["stage"])
    return {
        "code": workshop["code"],
        "version": workshop["version"],
        "title": workshop["title"],
        "locked": bool(workshop["locked"]),
        "ended": workshop["ended_at"] is not None,
        "vote_budget": workshop["vote_budget"],
        "step": {"key": step.key, "number": step.number, "title": step.title, "of": len(STEPS),
                 "goal": step.goal, "guidance": step.guidance, "advice": stage.advice[step.key]},
        "timer": {"state": timer.state, "minutes": timer.minutes,
                  "deadline": timer.deadline, "remaining": timer.remaining},
        "board": board,
        "count": sum(len(v) for v in board.values()),
    }


def meta_of(state: dict[str, Any]) -> dict[str, Any]:
    """What a participant's screen needs to follow the room (no board)."""
    return {k: state[k] for k in ("code", "locked", "ended", "step", "timer", "vote_budget", "count")}


@dataclass
class _Entry:
    version: int = -1
    state: dict[str, Any] | None = None
    body: bytes = b""
    body_gz: bytes | None = None
    meta_body: bytes = b""
    meta_key: str = ""
    meta_version: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    waiters: int = 0
    dirty: bool = False
    rebuilding: asyncio.Task[None] | None = None


def _encode(state: dict[str, Any]) -> tuple[bytes, bytes | None, str, dict[str, Any]]:
    """Everything a response needs, computed once per version: body, gzipped body, meta."""
    body = json.dumps(state, separators=(",", ":")).encode()
    body_gz = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= GZIP_MIN else None
    meta = meta_of(state)
    return body, body_gz, json.dumps(meta, sort_keys=True), meta


class Hub:
    """Per-process cache of live states and the watcher that refreshes them."""

    def __init__(self, path_fn: Callable[[], Path] = storage.db_path) -> None:
        self.path_fn = path_fn
        self.entries: dict[str, _Entry] = {}
        self._task: asyncio.Task[None] | None = None
        self._wakeup: asyncio.Event | None = None

    def _ensure_watcher(self) -> None:
        if self._task is None or self._task.done():
            self._wakeup = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            active = [code for code, e in self.entries.items() if e.waiters > 0]
            if not active:
                assert self._wakeup is not None
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            try:
                await self.refresh(active)
            except Exception:  # a bad tick must not stop the room; the next tick retries
                pass
            await asyncio.sleep(TICK)

    def _read_versions(self, codes: list[str]) -> dict[str, int]:
        db = _db(self.path_fn())
        marks = ",".join("?" for _ in codes)
        return {r[0]: int(r[1]) for r in db.execute(
            f"SELECT code, version FROM workshops WHERE code IN ({marks})", codes).fetchall()}

    async def refresh(self, codes: list[str]) -> None:
        """Rebuild the state of every workshop whose version moved, then wake its waiters."""
        versions = await to_thread.run_sync(self._read_versions, codes)
        for code, version in versions.items():
            entry = self.entries.setdefault(code, _Entry())
            if version != entry.version:
                await self._publish(code, entry)

    def _publish(self, code: str, entry: _Entry) -> asyncio.Task[None]:
        """Ask for a rebuild; one runs at a time per workshop and picks up every write before it."""
        entry.dirty = True
        if entry.rebuilding is None or entry.rebuilding.done():
            task = asyncio.get_running_loop().create_task(self._rebuild_while_dirty(code, entry))
            # A failed rebuild is retried by the watcher's next tick; whoever awaits it sees the error.
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
            entry.rebuilding = task
        return entry.rebuilding

    async def _rebuild_while_dirty(self, code: str, entry: _Entry) -> None:
        while entry.dirty:
            entry.dirty = False
            await self._rebuild(code, entry)

    async def _rebuild(self, code: str, entry: _Entry) -> None:
        def build() -> tuple[dict[str, Any], bytes, bytes | None, str, dict[str, Any]] | None:
            state = build_state(_db(self.path_fn()), code)
            return None if state is None else (state, *_encode(state))

        built = await to_thread.run_sync(build)
        if built is None:
            return
        state, body, body_gz, meta_key, meta = built
        if entry.state is not None and state["version"] == entry.version:
            return  # nothing new since the state already served
        entry.version = state["version"]
        entry.state = state
        entry.body, entry.body_gz = body, body_gz
        if meta_key != entry.meta_key:
            entry.meta_key = meta_key
            entry.meta_version += 1
        entry.meta_body = json.dumps({**meta, "version": entry.meta_version}, separators=(",", ":")).encode()
        old, entry.changed = entry.changed, asyncio.Event()
        old.set()

    async def current(self, code: str) -> _Entry | None:
        entry = self.entries.get(code)
        if entry is None or entry.state is None:
            entry = self.entries.setdefault(code, _Entry())
            await self._publish(code, entry)
        return entry if entry.state is not None else None

    async def wait(self, code: str, since: int, kind: str, timeout: float) -> _Entry | None:
        """Return as soon as the board (kind='board') or the meta (kind='meta') passes `since`."""
        entry = await self.current(code)
        if entry is None:
            return None

        def seen() -> int:
            return entry.version if kind == "board" else entry.meta_version

        deadline = time.monotonic() + timeout
        entry.waiters += 1
        self._ensure_watcher()
        assert self._wakeup is not None
        self._wakeup.set()
        try:
            while seen() <= since:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    await asyncio.wait_for(entry.changed.wait(), left)
                except asyncio.TimeoutError:
                    break
        finally:
            entry.waiters -= 1
        return entry

    def nudge(self, code: str) -> None:
        """After a write through this channel, publish it without waiting for a tick.

        The writer does not wait for the rebuild: its answer only says the write is stored.
        """
        self._publish(code, self.entries.setdefault(code, _Entry()))


HUB = Hub()


def _since(request: Request) -> int:
    try:
        return int(request.query_params.get("since", "-1"))
    except ValueError:
        return -1


def _wait(request: Request) -> float:
    try:
        return max(0.0, min(MAX_WAIT, float(request.query_params.get("wait", "0"))))
    except ValueError:
        return 0.0


def _json(body: bytes, server_now: bool = True, body_gz: bytes | None = None,
          request: Request | None = None) -> Response:
    headers = {"Cache-Control": "no-store"}
    if server_now:
        headers["X-Server-Now"] = f"{time.time():.3f}"
    if body_gz is not None and request is not None:
        headers["Vary"] = "Accept-Encoding"
        if "gzip" in request.headers.get("accept-encoding", ""):
            # Already compressed once for this version; the gzip middleware leaves it alone.
            headers["Content-Encoding"] = "gzip"
            body = body_gz
    return Response(body, media_type="application/json", headers=headers)


async def board(request: Request) -> Response:
    """GET /api/live/{code}?since=V&wait=S — the full state once its version passes V."""
    code = normalise_code(request.path_params["code"])
    entry = await HUB.wait(code, _since(request), "board", _wait(request))
    if entry is None:
        return JSONResponse({"error": "No workshop has that code."}, status_code=404)
    return _json(entry.body, body_gz=entry.body_gz, request=request)


async def meta(request: Request) -> Response:
    """GET /api/live/{code}/meta?since=M&wait=S — step, timer and lock once they change."""
    code = normalise_code(request.path_params["code"])
    entry = await HUB.wait(code, _since(request), "meta", _wait(request))
    if entry is None:
        return JSONResponse({"error": "No workshop has that code."}, status_code=404)
    return _json(entry.meta_body)


_STATUS = {NotFound: 404, NotAllowed: 403, InputLocked: 409, BudgetExhausted: 409}


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise WorkshopError("The request is too large.")
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        raise WorkshopError("The request is not valid JSON.") from None
    if not isinstance(data, dict):
        raise WorkshopError("The request must be a JSON object.")
    return data


async def _act(request: Request, fn: Callable[[Database, str, dict[str, Any]], Any],
               publish: bool = True) -> Response:
    """Run one domain call for a POST; a refusal becomes a JSON error with a fitting status."""
    code = normalise_code(request.path_params["code"])
    try:
        data = await _body(request)
        result = await to_thread.run_sync(lambda: fn(_db(HUB.path_fn()), code, data))
    except WorkshopError as exc:
        return JSONResponse({"error": str(exc)}, status_code=_STATUS.get(type(exc), 400))
    if publish:
        HUB.nudge(code)
    return JSONResponse({"ok": True, **result}, headers={"Cache-Control": "no-store"})


async def add_bottleneck(request: Request) -> Response:
    """POST /api/live/{code}/bottlenecks {token, dimension, text, client_id}."""
    def run(db: Database, code: str, data: dict[str, Any]) -> dict[str, Any]:
        new_id = actions.add_bottleneck(db, code, data.get("token"), data.get("dimension"), data.get("text"),
                                        client_id=data.get("client_id"))
        return {"id": new_id}
    return await _act(request, run)


async def vote(request: Request) -> Response:
    """POST /api/live/{code}/votes {token, bottleneck_id, remove?}."""
    def run(db: Database, code: str, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("remove"):
            left = actions.unvote(db, code, data.get("token"), data.get("bottleneck_id"))
        else:
            left = actions.vote(db, code, data.get("token"), data.get("bottleneck_id"))
        return {"votes_left": left}
    return await _act(request, run)


async def me(request: Request) -> Response:
    """POST /api/live/{code}/me {token} — the participant's own votes and budget left."""
    def run(db: Database, code: str, data: dict[str, Any]) -> dict[str, Any]:
        workshop = storage.workshop_by_code(db, code)
        participant = actions.identify(db, code, data.get("token"))
        if workshop is None or participant is None:
            raise NotAllowed("Join the workshop first: your identity was not recognised.")
        mine = storage.my_votes(db, workshop["id"], participant["id"])
        return {"name": participant["name"], "votes": {str(k): v for k, v in mine.items()},
                "votes_left": workshop["vote_budget"] - sum(mine.values())}
    return await _act(request, run, publish=False)


ROUTES = [
    Route("/api/live/{code}", board, methods=["GET"]),
    Route("/api/live/{code}/meta", meta, methods=["GET"]),
    Route("/api/live/{code}/bottlenecks", add_bottleneck, methods=["POST"]),
    Route("/api/live/{code}/votes", vote, methods=["POST"]),
    Route("/api/live/{code}/me", me, methods=["POST"]),
]
