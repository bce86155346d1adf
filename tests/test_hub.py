"""The hub with a fake room: coalesced rebuilds, long-polls that wake on a new version, a meta
version that moves only with the meta, and memory bounded whatever codes are asked for."""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
from typing import Any

from workshop.live import hub as hub_module
from workshop.live.hub import (
    IDLE_EVICT,
    PACE_EVERY,
    PRESENCE_MAX,
    PRESENCE_WINDOW,
    REBUILD_GAP,
    REBUILD_SHARE,
    STATE_RATE,
    Entry,
    Hub,
)

ROOM = "ROOM42"


class FakeRoom:
    """Versions per code, a meta part, and a build that can be slow and counts itself."""

    def __init__(self) -> None:
        self.versions: dict[str, int] = {ROOM: 1}
        self.locked = False
        self.delay = 0.0
        self.burn = 0.0  # CPU seconds a build spends (a big room's state is costly to build)
        self.builds = 0
        self.started: list[float] = []  # when each build began (monotonic)
        self.running = 0
        self.most_running = 0
        self.lock = threading.Lock()

    def build(self, code: str) -> dict[str, Any] | None:
        with self.lock:
            if code not in self.versions:
                return None
            version = self.versions[code]  # what the snapshot reads first; later writes need a rebuild
            self.builds += 1
            self.started.append(time.monotonic())
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        time.sleep(self.delay)
        until = time.thread_time() + self.burn
        while time.thread_time() < until:
            pass
        with self.lock:
            self.running -= 1
        return {
            "code": code,
            "version": version,
            "language": "en",
            "locked": self.locked,
            "ended": False,
            "step": {"key": "bottlenecks"},
            "timer": {"state": "pending"},
            "vote_budget": 5,
            "reviewing": False,
            "readiness_open": False,
            "private": False,
            "count": 3,
            "board": {"notes": version},
        }

    def read_versions(self, codes: list[str]) -> dict[str, tuple[int, bool]]:
        return {c: (self.versions[c], self.locked) for c in codes if c in self.versions}

    def hub(self) -> Hub:
        return Hub(build=self.build, read_versions=self.read_versions)


def run(coro_fn):
    """Run one async scenario on a fresh event loop (no pytest-asyncio here)."""
    return asyncio.run(coro_fn())


# --- coalescing ------------------------------------------------------------------------------


def test_nudges_during_a_slow_rebuild_are_published_by_one_more_rebuild():
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        entry = await hub.current(ROOM)
        assert entry is not None and entry.version == 1 and room.builds == 1
        room.delay = 0.15
        room.versions[ROOM] = 2
        hub.nudge(ROOM)
        for _ in range(2_000):  # until the rebuild of version 2 has read its version and runs
            if room.builds == 2:
                break
            await asyncio.sleep(0.005)
        first = entry.rebuilding
        for version in range(3, 1_001):
            room.versions[ROOM] = version
            hub.nudge(ROOM)
            assert entry.rebuilding is first  # no second rebuild is started while one runs
        await asyncio.wait_for(first, 5)
        return entry

    entry = run(scenario)
    assert room.builds == 3  # the first build, the one in flight, and one for every nudge since
    assert room.most_running == 1
    assert entry.version == 1_000 and b'"version":1000' in entry.body


def test_a_burst_of_nudges_rebuilds_at_most_once_per_gap_and_publishes_the_last_write():
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        entry = await hub.current(ROOM)
        room.delay = 0.005
        for version in range(2, 62):  # a write every 5 ms for 0.3 s
            room.versions[ROOM] = version
            hub.nudge(ROOM)
            await asyncio.sleep(0.005)
        assert entry.rebuilding is not None
        await asyncio.wait_for(entry.rebuilding, 5)
        return entry

    entry = run(scenario)
    gaps = [b - a for a, b in zip(room.started[1:], room.started[2:], strict=False)]
    assert gaps and min(gaps) >= REBUILD_GAP * 0.9  # the burst's builds are spaced, not back to back
    assert room.builds < 20 and entry.version == 61


def test_a_costly_rebuild_takes_at_most_its_share_of_the_time_in_a_burst():
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        entry = await hub.current(ROOM)
        room.burn = 0.03  # a 1,000-phone room's state
        for version in range(2, 82):  # a write every 5 ms for 0.4 s
            room.versions[ROOM] = version
            hub.nudge(ROOM)
            await asyncio.sleep(0.005)
        assert entry.rebuilding is not None
        await asyncio.wait_for(entry.rebuilding, 5)
        return entry

    entry = run(scenario)
    gaps = [b - a for a, b in zip(room.started[1:], room.started[2:], strict=False)]
    assert gaps and min(gaps) >= 0.03 / REBUILD_SHARE * 0.9  # not every 50 ms: the other rooms and writes get the GIL
    assert entry.version == 81


def test_rooms_in_a_burst_at_once_share_the_rebuilds_time():
    """Two rooms writing at once: each room's rebuilds are spaced by what both rooms' cost, so that
    together they still take at most their share of the process."""
    room = FakeRoom()
    room.versions["OTHER1"] = 1

    async def scenario():
        hub = room.hub()
        entries = [await hub.current(ROOM), await hub.current("OTHER1")]
        room.burn = 0.02
        for _ in range(60):  # a write in each room every 10 ms for 0.6 s
            for code in (ROOM, "OTHER1"):
                room.versions[code] += 1
                hub.nudge(code)
            await asyncio.sleep(0.01)
        for entry in entries:
            await asyncio.wait_for(entry.rebuilding, 10)
        return entries

    entries = run(scenario)
    assert all(e is not None and e.version == 61 for e in entries)
    starts = room.started[2:]  # the burst's rebuilds, both rooms
    span = starts[-1] - starts[0]
    assert len(starts) >= 2 and len(starts) * 0.02 <= REBUILD_SHARE * span * 1.3 + 0.02  # not more than their share


def test_a_room_that_moves_is_rebuilt_without_waiting_out_its_burst_gap(monkeypatch):
    """In a burst's tail the gap between two rebuilds held a step change back; a change the version
    reader reports as a move (here: the lock) is rebuilt as soon as the running rebuild ends."""
    monkeypatch.setattr(hub_module, "REBUILD_GAP", 60.0)  # without the hurry, the next rebuild waits a minute
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        entry = await hub.current(ROOM)
        assert entry is not None
        await hub.refresh([ROOM])  # the tick that reads the room as it stands
        room.versions[ROOM] = 2
        await hub.refresh([ROOM])  # a write right after the first build: it waits out the gap
        await asyncio.sleep(0.2)
        gathered = entry.version
        room.versions[ROOM], room.locked = 3, True
        await hub.refresh([ROOM])  # the facilitator locks input: the room moved
        await asyncio.wait_for(entry.rebuilding, 10)
        return gathered, entry

    gathered, entry = run(scenario)
    assert gathered == 1  # the plain write was still waiting for the gap
    assert entry.version == 3 and entry.state is not None and entry.state["locked"] is True


def test_a_room_in_a_burst_never_holds_up_another_rooms_step_change():
    """Ten rooms share a process: while one room's writes keep its rebuilds going, a change made
    in another room by another process (no nudge here, only the watcher sees it) still wakes
    that room's phones on the watcher's next tick."""
    room = FakeRoom()
    room.versions["QUIET1"] = 1

    async def scenario():
        hub = room.hub()
        busy = await hub.current(ROOM)
        assert busy is not None and await hub.current("QUIET1") is not None
        room.delay = 0.03
        following = asyncio.create_task(hub.wait(ROOM, 10**9, "board", timeout=10))  # the busy room's phones
        waiting = asyncio.create_task(hub.wait("QUIET1", 1, "board", timeout=10))
        burst_ends = time.monotonic() + 3.0
        changed_at = None
        while time.monotonic() < burst_ends:  # a write every 10 ms in the busy room
            room.versions[ROOM] += 1
            hub.nudge(ROOM)
            await asyncio.sleep(0.01)
            if changed_at is None and time.monotonic() > burst_ends - 2.5:
                room.versions["QUIET1"], changed_at = 2, time.monotonic()
            if waiting.done():
                break
        woken = await asyncio.wait_for(waiting, 10)
        following.cancel()
        return woken, time.monotonic() - changed_at, busy.rebuilding is not None and not busy.rebuilding.done()

    woken, took, still_busy = run(scenario)
    assert woken is not None and woken.version == 2
    assert still_busy and took < 1.5  # woken during the other room's burst, not after it


def test_a_nudge_for_a_code_nobody_follows_does_nothing():
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        hub.nudge(ROOM)
        hub.nudge("NOBODY")
        await asyncio.sleep(0.05)
        return hub

    hub = run(scenario)
    assert hub.entries == {} and room.builds == 0


def test_a_state_is_encoded_once_per_version_and_gzipped_when_large():
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        first = await hub.current(ROOM)
        again = await hub.current(ROOM)
        return first, again

    first, again = run(scenario)
    assert first is again and room.builds == 1
    assert first.body.startswith(b"{") and first.body_gz is None  # small bodies are not compressed
    body, body_gz, _, meta = hub_module.encode({**room.build(ROOM), "board": ["note"] * 500})
    assert body_gz is not None and gzip.decompress(body_gz) == body and "board" not in meta


# --- waking waiters ----------------------------------------------------------------------------


def _wake_after(room: FakeRoom, nudge: bool):
    async def scenario():
        hub = room.hub()
        entry = await hub.current(ROOM)
        assert entry is not None
        started = time.monotonic()
        waiting = asyncio.create_task(hub.wait(ROOM, entry.version, "board", timeout=10))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        room.versions[ROOM] = 2
        if nudge:
            hub.nudge(ROOM)
        woken = await asyncio.wait_for(waiting, 5)
        return woken, time.monotonic() - started, entry

    return run(scenario)


def test_a_waiter_wakes_as_soon_as_a_nudged_version_is_built():
    woken, took, entry = _wake_after(FakeRoom(), nudge=True)
    assert woken is entry and woken.version == 2 and took < 1
    assert entry.waiters == 0


def test_the_watcher_wakes_a_waiter_on_a_change_made_elsewhere():
    woken, took, _ = _wake_after(FakeRoom(), nudge=False)
    assert woken.version == 2 and took < 2  # within a few ticks, far before the 10 s timeout


def test_a_wait_with_nothing_new_returns_at_its_timeout():
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        started = time.monotonic()
        entry = await hub.wait(ROOM, 1, "board", timeout=0.3)
        return entry, time.monotonic() - started

    entry, took = run(scenario)
    assert entry is not None and entry.version == 1 and 0.25 <= took < 2


def test_an_older_since_returns_at_once():
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        started = time.monotonic()
        entry = await hub.wait(ROOM, 0, "board", timeout=10)
        return entry, time.monotonic() - started

    entry, took = run(scenario)
    assert entry.version == 1 and took < 1


def test_waiters_are_released_when_the_workshop_disappears():
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        waiting = asyncio.create_task(hub.wait(ROOM, 1, "board", timeout=10))
        await asyncio.sleep(0.05)
        del room.versions[ROOM]
        return await asyncio.wait_for(waiting, 3)

    assert run(scenario) is None


# --- a phone's one poll: held for a board change, answered at once for a move ----------------


def test_a_phones_poll_holds_a_board_change_until_its_hold_ends():
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        first = await hub.current(ROOM)
        assert first is not None
        polling = asyncio.create_task(hub.wait(ROOM, 1, "board", timeout=20, hold=1.0, turned_since=1))
        room.versions[ROOM] = 2
        hub.nudge(ROOM)  # a note: the board moves, the meta does not
        await asyncio.sleep(0.5)
        early = polling.done()
        entry = await asyncio.wait_for(polling, 10)
        return early, entry

    early, entry = run(scenario)
    assert not early  # still inside its hold
    assert entry is not None and entry.version == 2


def test_a_move_answers_a_phones_poll_at_once_inside_its_hold():
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        first = await hub.current(ROOM)
        assert first is not None
        polling = asyncio.create_task(hub.wait(ROOM, 1, "board", timeout=20, hold=15.0, turned_since=1))
        room.versions[ROOM] = 2
        hub.nudge(ROOM)  # a note: held
        await asyncio.sleep(0.3)
        held = polling.done()
        room.versions[ROOM], room.locked = 3, True  # the facilitator locks input: the meta moves
        hub.nudge(ROOM)
        entry = await asyncio.wait_for(polling, 5)  # long before the 15 s hold
        return held, entry

    held, entry = run(scenario)
    assert not held
    assert entry is not None and entry.version == 3 and entry.meta_version == 3


def test_a_poll_that_holds_an_older_meta_is_answered_at_once():
    """A phone that missed a move (it was between two polls) gets the room at once, whatever its hold."""
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        await hub.current(ROOM)
        return await asyncio.wait_for(hub.wait(ROOM, 1, "board", timeout=20, hold=15.0, turned_since=0), 5)

    entry = run(scenario)
    assert entry is not None and entry.meta_version == 1


# --- the meta version -----------------------------------------------------------------------


def test_the_meta_version_moves_only_when_the_meta_changes():
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        entry = await hub.current(ROOM)
        assert entry.meta_version == 1
        meta_wait = asyncio.create_task(hub.wait(ROOM, 1, "meta", timeout=10))
        for version in (2, 3):  # board-only changes
            room.versions[ROOM] = version
            await hub._publish(ROOM, entry)
        await asyncio.sleep(0.2)
        assert entry.version == 3 and entry.meta_version == 1 and not meta_wait.done()
        room.locked, room.versions[ROOM] = True, 4
        hub.nudge(ROOM)
        woken = await asyncio.wait_for(meta_wait, 3)
        return woken

    entry = run(scenario)
    assert entry.version == 4 and entry.meta_version == 4
    assert b'"locked":true' in entry.meta_body and b'"version":4' in entry.meta_body
    assert b'"board"' not in entry.meta_body


def test_a_meta_version_from_one_process_misses_no_change_on_another():
    """Processes build their states apart; a phone whose poll moves from one to the other (one
    died, or came back) asks with the version it last saw there, and must still be woken."""
    room = FakeRoom()

    async def scenario():
        first = room.hub()
        entry = await first.current(ROOM)
        for locked, version in ((True, 2), (False, 3)):  # two changes of the meta seen there
            room.locked, room.versions[ROOM] = locked, version
            await first._publish(ROOM, entry)
        seen = entry.meta_version
        other = first.__class__(build=room.build, read_versions=room.read_versions)  # the phone's next poll
        waiting = asyncio.create_task(other.wait(ROOM, seen, "meta", timeout=10))
        await asyncio.sleep(0.2)
        assert not waiting.done()  # nothing changed since the phone's version
        room.locked, room.versions[ROOM] = True, 4
        other.nudge(ROOM)
        return await asyncio.wait_for(waiting, 3)

    entry = run(scenario)
    assert b'"locked":true' in entry.meta_body


# --- bounded memory ----------------------------------------------------------------------------


def test_unknown_codes_never_leave_an_entry():
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        for start in range(0, 10_000, 1_000):
            calls = [
                call
                for n in range(start, start + 1_000)
                for call in (hub.current(f"NO{n}"), hub.wait(f"NO{n}", -1, "board", 5, present="x"))
            ]
            assert set(await asyncio.gather(*calls)) == {None}
        return hub

    hub = run(scenario)
    assert hub.entries == {}


def test_evict_idle_drops_idle_entries_but_not_ones_with_waiters():
    room = FakeRoom()
    room.versions["IDLE01"] = 1

    async def scenario():
        hub = room.hub()
        await hub.current("IDLE01")
        waiting = asyncio.create_task(hub.wait(ROOM, 1, "board", timeout=10))
        await asyncio.sleep(0.05)
        hub.evict_idle(now=time.monotonic())
        kept_while_fresh = set(hub.entries)
        hub.evict_idle(now=time.monotonic() + IDLE_EVICT + 1)
        kept_when_idle = set(hub.entries)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        waiters = hub.entries[ROOM].waiters
        hub.evict_idle(now=time.monotonic() + IDLE_EVICT + 1)
        return kept_while_fresh, kept_when_idle, waiters, set(hub.entries)

    fresh, idle, waiters, last = run(scenario)
    assert fresh == {"IDLE01", ROOM}
    assert idle == {ROOM}
    assert waiters == 0 and last == set()


# --- presence ----------------------------------------------------------------------------------


def test_presence_counts_distinct_clients_within_the_window():
    entry = Entry()
    entry.seen("phone-a", 0.0)
    entry.seen("phone-b", 10.0)
    entry.seen("phone-a", 20.0)
    assert entry.connected(20.0) == 2
    assert entry.connected(10.0 + PRESENCE_WINDOW + 1) == 1  # phone-b has gone quiet
    assert entry.connected(20.0 + PRESENCE_WINDOW + 1) == 0


def test_presence_is_capped_and_forgets_the_longest_silent_first():
    entry = Entry()
    entry.seen("faithful", 0.0)
    for n in range(PRESENCE_MAX + 1_000):
        entry.seen(f"c{n}", 1.0)
        if n == PRESENCE_MAX // 2:
            entry.seen("faithful", 1.0)
    assert len(entry.present) == PRESENCE_MAX
    assert entry.connected(1.0) == PRESENCE_MAX
    assert "c0" not in entry.present and "faithful" in entry.present


def test_the_pace_is_a_second_per_state_rate_phones_over_every_room_counted_at_most_every_second():
    room = FakeRoom()
    hub = Hub(build=room.build, read_versions=room.read_versions)
    assert hub.pace(now=100.0) == 0  # nobody follows: no pace asked
    big, small = Entry(), Entry()
    hub.entries.update({"BIG001": big, "SMALL1": small})
    for n in range(3 * STATE_RATE):
        big.seen(f"b{n}", 100.0)
    for n in range(STATE_RATE // 2):
        small.seen(f"s{n}", 100.0)
    assert hub.pace(now=100.0) == 0  # counted at most once per PACE_EVERY
    assert hub.pace(now=100.0 + PACE_EVERY) == 4  # 3.5 x STATE_RATE phones, rounded up
    big.present.clear()
    assert hub.pace(now=100.0 + 2 * PACE_EVERY) == 1
    assert hub.pace(now=100.0 + PRESENCE_WINDOW + 3 * PACE_EVERY) == 0  # they went quiet


def test_waits_naming_a_participant_count_towards_presence():
    room = FakeRoom()

    async def scenario():
        hub = room.hub()
        for present in ("a", "b", "a", ""):
            await hub.wait(ROOM, 0, "meta", 0, present=present)
        return hub.entries[ROOM].connected(time.monotonic())

    assert run(scenario) == 2
