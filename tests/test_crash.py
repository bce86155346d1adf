"""Killing the server (SIGKILL) in the middle of a storm of writes loses nothing it acknowledged.

The real app (`streamlit run app.py`) runs on loopback over a fresh database (SQLite, then
PostgreSQL); 30 participants
post notes (each with a unique `client_id`) and votes from 30 threads; about 1.5 s in, the
process is killed without warning. Then: a SQLite file passes `PRAGMA integrity_check`, every
acknowledged note is stored exactly once, acknowledged votes are all counted, the running
timer is the record it was, a restarted server serves every acknowledged note, and retrying
each unacknowledged note with its `client_id` stores it exactly once.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.appserver import app_process
from workshop import actions
from workshop import store as storage
from workshop.domain.vocabulary import DIMENSION_KEYS

WRITERS = 30
VOTE_BUDGET = 20
STORM_BEFORE_KILL = 1.5  # seconds of acknowledged writes before the kill
# Far above the storm's rate, so the storm is not throttled (the limits have their own tests).
LIMITS = {
    "WORKSHOP_LIMIT_NOTES_PER_MINUTE": "100000",
    "WORKSHOP_LIMIT_VOTES_PER_SECOND": "1000",
    "WORKSHOP_LIMIT_WRITES_PER_SECOND": "1000",
}


def killable_app(db_path: Path | str) -> AbstractContextManager[tuple[subprocess.Popen[bytes], str]]:
    """The app with the storm's limits, handing out the process so the test can SIGKILL it."""
    return app_process(db_path, timeout=40.0, env=LIMITS)


@dataclass
class Note:
    token: str
    body: dict
    status: int | None = None  # None: no answer (the connection broke)
    id: int | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status == 200 and isinstance(self.id, int)


@dataclass
class Storm:
    code: str
    notes: list[Note] = field(default_factory=list)
    votes_acked: Counter = field(default_factory=Counter)  # token -> acknowledged votes
    votes_sent: Counter = field(default_factory=Counter)  # token -> votes sent (answered or not)
    votes_left: dict = field(default_factory=dict)  # token -> lowest votes_left acknowledged
    unexpected: list = field(default_factory=list)  # answers no storm should get (5xx, odd 4xx)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    first_ack: threading.Event = field(default_factory=threading.Event)


def writer(storm: Storm, base: str, index: int, token: str, targets: list[int]) -> None:
    """One participant posting notes (and every third time a vote) until stopped or cut off."""
    session = requests.Session()
    try:
        for n in range(10_000):
            if storm.stop.is_set():
                return
            body = {
                "token": token,
                "dimension": DIMENSION_KEYS[n % len(DIMENSION_KEYS)],
                "text": f"crash note {index}-{n}",
                "client_id": f"crash-{index}-{n}",
            }
            note = Note(token, body)
            with storm.lock:
                storm.notes.append(note)
            try:
                response = session.post(f"{base}/api/live/{storm.code}/bottlenecks", json=body, timeout=(2, 5))
            except requests.RequestException:
                return  # the server is gone: this note stays unacknowledged
            note.status = response.status_code
            if response.status_code == 200:
                note.id = response.json().get("id")
                storm.first_ack.set()
            elif response.status_code != 429:
                storm.unexpected.append(("note", response.status_code, response.text[:200]))
            if n % 3 == 2:
                with storm.lock:
                    storm.votes_sent[token] += 1
                try:
                    response = session.post(
                        f"{base}/api/live/{storm.code}/votes",
                        timeout=(2, 5),
                        json={"token": token, "bottleneck_id": targets[n % len(targets)]},
                    )
                except requests.RequestException:
                    return
                if response.status_code == 200:
                    with storm.lock:
                        storm.votes_acked[token] += 1
                        left = int(response.json()["votes_left"])
                        storm.votes_left[token] = min(left, storm.votes_left.get(token, left))
                elif response.status_code not in (409, 429):  # 409: this participant's votes are used up
                    storm.unexpected.append(("vote", response.status_code, response.text[:200]))
    finally:
        session.close()


def rows_by_client_id(db, wid: int) -> dict[str, list[tuple[int, str]]]:
    rows: dict[str, list[tuple[int, str]]] = {}
    for row in db.execute("SELECT id, text, client_id FROM bottlenecks WHERE workshop_id = ?", [wid]).fetchall():
        rows.setdefault(row[2], []).append((int(row[0]), row[1]))
    return rows


def sound(db: storage.Database) -> None:
    """The database passes its engine's own checks (PostgreSQL's are its WAL recovery on start)."""
    if db.engine == "sqlite":
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_killed_server_loses_no_acknowledged_write(database):
    started = time.monotonic()
    db_path = database
    db = storage.connect(db_path)
    created = actions.create_workshop(db, "Crash drill", "Acme", "scaleup", vote_budget=VOTE_BUDGET)
    code = created.code
    actions.start_timer(db, code, created.facilitator_key)
    wid = int(storage.workshop_by_code(db, code)["id"])
    timers_before = storage.timers(db, wid)
    assert any(t.state == "running" for t in timers_before)
    tokens = [actions.join(db, code, f"Person {i}").token for i in range(WRITERS)]
    targets = [actions.add_bottleneck(db, code, tokens[0], "platform", f"Vote target {i}") for i in range(3)]
    db.close()

    storm = Storm(code)
    threads: list[threading.Thread] = []
    try:
        with killable_app(db_path) as (proc, base):
            threads = [
                threading.Thread(target=writer, args=(storm, base, i, tokens[i], targets), daemon=True)
                for i in range(WRITERS)
            ]
            for thread in threads:
                thread.start()
            assert storm.first_ack.wait(15), "no write was acknowledged"
            time.sleep(STORM_BEFORE_KILL)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            killed_at = time.monotonic()
    finally:
        storm.stop.set()
        for thread in threads:
            thread.join(timeout=15)
    assert not any(thread.is_alive() for thread in threads)
    assert storm.unexpected == []

    acked = [n for n in storm.notes if n.acknowledged]
    unacked = [n for n in storm.notes if not n.acknowledged]
    assert len(acked) >= 50, f"the storm was too small to mean anything: {len(acked)} acknowledged"
    assert any(n.status is None for n in unacked), "no write went unanswered: the kill came too late"

    # --- after the kill: the file is sound and holds every acknowledged write ---------------------
    db = storage.connect(db_path)
    try:
        sound(db)
        stored = rows_by_client_id(db, wid)
        for note in acked:
            assert stored.get(note.body["client_id"]) == [(note.id, note.body["text"])], note
        assert [cid for cid, rows in stored.items() if cid is not None and len(rows) > 1] == []
        texts = Counter(text for rows in stored.values() for _, text in rows)
        assert [text for text, count in texts.items() if count > 1] == []
        assert storage.timers(db, wid) == timers_before
        for i, token in enumerate(tokens):
            pid = storage.participant_by_token(db, wid, actions.hash_secret(token))["id"]
            counted = storage.votes_used(db, wid, pid)
            floor = max(storm.votes_acked[token], VOTE_BUDGET - storm.votes_left.get(token, VOTE_BUDGET))
            assert floor <= counted <= storm.votes_sent[token], (i, counted, storm.votes_acked[token])
        committed_unacked = {
            n.body["client_id"]: stored[n.body["client_id"]][0][0] for n in unacked if n.body["client_id"] in stored
        }
    finally:
        db.close()
    print(
        f"\ncrash drill: {len(acked)} notes acknowledged, {len(unacked)} unacknowledged "
        f"({len(committed_unacked)} of them stored before the kill), {sum(storm.votes_acked.values())} votes "
        f"acknowledged; killed {killed_at - started:.1f} s in"
    )

    # --- restarted on the same file: healthy, serves every note, and retries store once -----------
    with killable_app(db_path) as (_, base):
        with urllib.request.urlopen(base + "/_stcore/health", timeout=5) as resp:
            assert resp.read().strip() == b"ok"
        state = requests.get(f"{base}/api/live/{code}", timeout=10).json()
        on_board = {(b["id"], b["text"]) for notes in state["board"].values() for b in notes}
        assert {(n.id, n.body["text"]) for n in acked} <= on_board
        assert state["timer"]["state"] == "running"

        with requests.Session() as session:
            for note in unacked:
                response = session.post(f"{base}/api/live/{code}/bottlenecks", json=note.body, timeout=10)
                assert response.status_code == 200, response.text
                note.id = response.json()["id"]
                cid = note.body["client_id"]
                if cid in committed_unacked:  # stored before the kill, never answered: the retry finds it
                    assert note.id == committed_unacked[cid]

    db = storage.connect(db_path)
    try:
        stored = rows_by_client_id(db, wid)
        for note in [*acked, *unacked]:
            assert stored.get(note.body["client_id"]) == [(note.id, note.body["text"])], note
        assert len(stored) == len(storm.notes) + 1  # + the three vote targets, which have no client_id
        assert len(stored[None]) == len(targets)
        assert storage.timers(db, wid) == timers_before
        sound(db)
    finally:
        db.close()
    assert time.monotonic() - started < 60
