"""The hub: one cached, versioned state per live workshop, and the long-polls waiting on it.

Idle screens cost almost nothing: a client asks "anything newer than version V?" and the
request waits on an asyncio event. One watcher task per process reads the versions of
workshops that have waiting clients every `TICK` seconds (one small query), builds each
new state once, caches it by version and wakes every waiter.

A busy room writes far more often than a state can be rebuilt, so rebuilds are coalesced:
at most one runs per workshop, and writes that land meanwhile are all published by the
next one, which starts at least `REBUILD_GAP` after the one before, and later still for a big
room: a rebuild's CPU time takes at most `REBUILD_SHARE` of the time between two starts (a
1,000-phone room's state costs some 60 ms to build), counting the rebuilds of every other room in
a burst at the same time. Back to back, rebuilds held the GIL for most of a burst and every
write's answer, in every room of the process, queued behind them. A room
that *moved* (its step, clock, lock or end: what the version reader reports beside the version)
skips that wait: every phone is waiting for exactly that change, and in a burst's tail the gap
alone held a step change back by a second. The body is
encoded and gzipped once per version (in a worker thread), not once per response. A code
that names no workshop never gets an entry, and entries nobody has asked for in `IDLE_EVICT`
seconds are dropped, so memory stays bounded whatever is requested.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import math
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from anyio import to_thread

from workshop.live.payload import meta_of

TICK = 0.1
REBUILD_GAP = 0.05  # least time between the starts of two rebuilds of one workshop in a burst
# Most of the time between two rebuilds' starts that one rebuild may take. A rebuild reads every row
# of the room, giving up the GIL at each (a 1,000-phone room in step 3: some 11,000 rows), so the
# writer thread's statements waited behind it: at a fifth, 1,000 phones' scores were acknowledged in
# 680-900 ms p95; at a tenth in 75-314 ms (docs/benchmarks.md), while a burst's board still moves
# about twice a second on the projector and the phones hold each state 2 s anyway.
REBUILD_SHARE = 0.1
GZIP_MIN = 1_000
IDLE_EVICT = 600.0
PRESENCE_WINDOW = 40.0  # a phone re-polls at least every 25 s; longer silence means it left
PRESENCE_MAX = 5_000  # participants remembered per workshop
STATE_RATE = 250  # full-state answers a second a process paces its phones to, at most (see `Hub.pace`)
PACE_EVERY = 1.0  # seconds between two countings of the phones a process serves

State = dict[str, Any]
Builder = Callable[[str], "State | None"]
Mark = tuple[int, Hashable]  # a workshop's version, and what moves its screens (step, clock, lock, end...)
VersionReader = Callable[[list[str]], Mapping[str, Mark]]


@dataclass
class Entry:
    """The cached state of one workshop and who is waiting on it."""

    version: int = -1
    state: State | None = None
    body: bytes = b""
    body_gz: bytes | None = None
    meta_body: bytes = b""
    meta_key: str = ""
    meta_version: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)  # set (and replaced) at every new version
    turned: asyncio.Event = field(default_factory=asyncio.Event)  # set (and replaced) when the meta changes
    waiters: int = 0
    dirty: bool = False
    rebuilding: asyncio.Task[None] | None = None
    rebuilt_at: float = float("-inf")  # when the latest rebuild started (monotonic)
    moves: Hashable = None  # what moves the screens, as the latest tick read it
    hurry: asyncio.Event = field(default_factory=asyncio.Event)  # the room moved: rebuild without the gap
    cost: float = 0.0  # CPU seconds the latest rebuild took (build, encode, gzip)
    used: float = field(default_factory=time.monotonic)
    present: dict[str, float] = field(default_factory=dict)

    def seen(self, participant: str, now: float) -> None:
        """Remember a participant following the room (the "connected" count): one entry per
        person, so their refreshes and second screens never count twice."""
        self.present.pop(participant, None)
        self.present[participant] = now
        while len(self.present) > PRESENCE_MAX:
            del self.present[next(iter(self.present))]

    def connected(self, now: float) -> int:
        return sum(1 for t in self.present.values() if now - t <= PRESENCE_WINDOW)


def gap(cost: float) -> float:
    """The least time between the starts of two rebuilds of a workshop whose rebuild costs `cost`
    (with several rooms in a burst at once: what all their rebuilds cost together)."""
    return max(REBUILD_GAP, cost / REBUILD_SHARE)


def encode(state: State) -> tuple[bytes, bytes | None, str, State]:
    """Everything a response needs, computed once per version: body, gzipped body, meta."""
    body = json.dumps(state, separators=(",", ":")).encode()
    body_gz = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= GZIP_MIN else None
    meta = meta_of(state)
    return body, body_gz, json.dumps(meta, sort_keys=True), meta


class Hub:
    """Per-process cache of live states and the watcher that refreshes them."""

    def __init__(self, build: Builder, read_versions: VersionReader) -> None:
        self.build = build
        self.read_versions = read_versions
        self.entries: dict[str, Entry] = {}
        self._task: asyncio.Task[None] | None = None
        self._wakeup: asyncio.Event | None = None
        self._pace = (float("-inf"), 0)  # (when counted, seconds)

    # --- the watcher -----------------------------------------------------------------

    def _ensure_watcher(self) -> None:
        if self._task is None or self._task.done():
            self._wakeup = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            self.evict_idle()
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

    def evict_idle(self, now: float | None = None) -> None:
        """Drop workshops nobody waits on or has asked for lately."""
        moment = time.monotonic() if now is None else now
        for code in [
            c
            for c, e in self.entries.items()
            if e.waiters == 0 and moment - e.used > IDLE_EVICT and (e.rebuilding is None or e.rebuilding.done())
        ]:
            del self.entries[code]

    async def refresh(self, codes: list[str]) -> None:
        """Rebuild the state of every workshop whose version moved, then wake its waiters."""
        versions = await to_thread.run_sync(self.read_versions, codes)
        for code in codes:
            entry = self.entries.get(code)
            if entry is None:
                continue
            if code not in versions:  # the workshop is gone (deleted): release its waiters, keep none of it
                entry.state, entry.body, entry.body_gz, entry.meta_body = None, b"", None, b""
                entry.changed.set()
                entry.turned.set()
            else:
                version, moves = versions[code]
                moved = entry.moves is not None and moves != entry.moves
                entry.moves = moves
                if version != entry.version:
                    # Not awaited: a room in a burst rebuilds for as long as its writes go on, and the
                    # watcher must meanwhile see every other room's step change on its next tick.
                    self._publish(code, entry, urgent=moved)

    # --- rebuilding ------------------------------------------------------------------

    def _publish(self, code: str, entry: Entry, urgent: bool = False) -> asyncio.Task[None]:
        """Ask for a rebuild; one runs at a time per workshop and picks up every write before it.
        An `urgent` one (the room moved) starts as soon as the one running, if any, is done."""
        entry.dirty = True
        if urgent:
            entry.hurry.set()
        if entry.rebuilding is None or entry.rebuilding.done():
            task = asyncio.get_running_loop().create_task(self._rebuild_while_dirty(code, entry))
            # A failed rebuild is retried by the watcher's next tick; whoever awaits it sees the error.
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
            entry.rebuilding = task
        return entry.rebuilding

    async def _rebuild_while_dirty(self, code: str, entry: Entry) -> None:
        """Rebuild until no write is left unpublished; in a burst, the writes of `REBUILD_GAP`
        gather into one rebuild (after a quiet spell the first write is published at once)."""
        while entry.dirty:
            wait = entry.rebuilt_at + gap(self._burst_cost(entry)) - time.monotonic()
            if wait > 0 and not entry.hurry.is_set():
                try:
                    await asyncio.wait_for(entry.hurry.wait(), wait)
                except TimeoutError:
                    pass
            entry.hurry.clear()
            entry.dirty = False
            entry.rebuilt_at = time.monotonic()
            await self._rebuild(code, entry)

    def _burst_cost(self, entry: Entry) -> float:
        """What one round of rebuilds costs: this room's, and every other room's in a burst now.

        Ten rooms of a hundred each rebuilt every 50 ms in their bursts, each its own share of the
        process: together they held it whole, and every write's answer queued behind them. Shared
        out, the rebuilds of all rooms in a burst take at most `REBUILD_SHARE` of the process.
        """
        others = sum(
            e.cost
            for e in self.entries.values()
            if e is not entry and e.rebuilding is not None and not e.rebuilding.done()
        )
        return entry.cost + others

    async def _rebuild(self, code: str, entry: Entry) -> None:
        def build() -> tuple[State, bytes, bytes | None, str, State] | None:
            started = time.thread_time()
            try:
                state = self.build(code)
                return None if state is None else (state, *encode(state))
            finally:
                entry.cost = time.thread_time() - started

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
            # The room's version at which the meta changed, not a count of this process's own
            # changes: a phone whose poll moves to another process (one died, or came back) then
            # asks with a version that means the same there and misses no step change.
            entry.meta_key = meta_key
            entry.meta_version = entry.version
        entry.meta_body = json.dumps({**meta, "version": entry.meta_version}, separators=(",", ":")).encode()
        if entry.meta_version == entry.version:
            turned, entry.turned = entry.turned, asyncio.Event()
            turned.set()
        old, entry.changed = entry.changed, asyncio.Event()
        old.set()

    # --- serving ---------------------------------------------------------------------

    async def current(self, code: str) -> Entry | None:
        """The cached entry of a workshop, built on first use; None (and no entry) for an unknown code."""
        entry = self.entries.get(code)
        if entry is None:
            entry = Entry()
            self.entries[code] = entry
        if entry.state is None:
            await self._publish(code, entry)
        if entry.state is None:
            if entry.waiters == 0 and self.entries.get(code) is entry:
                del self.entries[code]
            return None
        entry.used = time.monotonic()
        return entry

    async def wait(
        self,
        code: str,
        since: int,
        kind: str,
        timeout: float,
        present: str = "",
        hold: float = 0.0,
        turned_since: int | None = None,
    ) -> Entry | None:
        """Return as soon as the board (kind='board') or the meta (kind='meta') passes `since`;
        `present` names the participant waiting, who then counts as connected.

        A phone's one poll (kind='board' with `turned_since`, the meta version it holds) is answered
        at once when the meta passes `turned_since` (a step change, the clock, the lock, the end),
        and for a board change only once it has waited `hold` seconds: the pace that keeps a big
        room's answers few, kept here so that the phone always has a poll open for the step change.
        """
        entry = await self.current(code)
        if entry is None:
            return None
        if present:
            entry.seen(present, time.monotonic())
        arrived = time.monotonic()
        deadline = arrived + timeout
        entry.waiters += 1
        self._ensure_watcher()
        assert self._wakeup is not None
        self._wakeup.set()
        try:
            while entry.state is not None:
                now = time.monotonic()
                if kind == "meta":
                    if entry.meta_version > since:
                        break
                    event, left = entry.changed, deadline - now
                elif turned_since is not None and entry.meta_version > turned_since:
                    break
                elif entry.version > since:
                    if now - arrived >= hold:
                        break
                    event, left = entry.turned, min(deadline, arrived + hold) - now  # only a move cuts the hold short
                else:
                    event, left = entry.changed, deadline - now
                if now >= deadline:
                    break
                try:
                    await asyncio.wait_for(event.wait(), max(left, 0.0))
                except TimeoutError:
                    pass
        finally:
            entry.waiters -= 1
            entry.used = time.monotonic()
        return entry if entry.state is not None else None

    def pace(self, now: float | None = None) -> int:
        """The seconds a phone should leave between two full-state polls: one per `STATE_RATE`
        phones this process serves (counted from their meta polls, over every room).

        A phone re-reads the whole state at least every 2 s while its room writes. In a burst the
        state always moves in between, so 1,000 phones asked 500 times a second, each answer a
        state of 250 kB to read, and everything else the process did queued behind them. Paced,
        the answers of one process stay near `STATE_RATE` a second however big the room; a step
        change still reaches every phone at once through the meta long-poll.
        """
        moment = time.monotonic() if now is None else now
        counted, seconds = self._pace
        if moment - counted >= PACE_EVERY:
            phones = sum(entry.connected(moment) for entry in self.entries.values())
            seconds = math.ceil(phones / STATE_RATE)
            self._pace = (moment, seconds)
        return seconds

    def nudge(self, code: str) -> None:
        """After a write through the live channel, publish it without waiting for a tick.

        The writer does not wait for the rebuild: its answer only says the write is stored.
        Only a workshop someone follows has an entry to refresh.
        """
        entry = self.entries.get(code)
        if entry is not None:
            self._publish(code, entry)
