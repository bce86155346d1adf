"""Group commit (`workshop/store/group.py`, `workshop/live/writer.py`): writes committed together
are each checked against what the writes before them stored, a refusal undoes its own write only,
and nothing is answered or stored unless the whole batch commits."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tests.helpers import NOW, version
from workshop import actions
from workshop import store as storage
from workshop.domain.errors import BudgetExhausted
from workshop.live.writer import GroupWriter
from workshop.store.group import together


@pytest.fixture
def room(database):
    """A workshop in step 1 with one note and two participants; the database's address for other connections."""
    yield from _room(database)


@pytest.fixture
def sqlite_room(tmp_path):
    """The same room in a SQLite file, for what only SQLite can be made to do (fail at COMMIT)."""
    yield from _room(str(tmp_path / "g.db"))


def _room(path: str):
    db = storage.connect(path)
    created = actions.create_workshop(db, "Group commit", "Acme Ltd", "scaleup", now=NOW)
    ann, bo = (actions.join(db, created.code, name, now=NOW) for name in ("Ann", "Bo"))
    note = actions.add_bottleneck(db, created.code, ann.token, "product", "Deploys take a day")
    yield db, path, created.code, ann, bo, note
    db.close()


def in_transaction(db) -> bool:
    """Whether the connection holds an open transaction (sqlite3's flag, or psycopg's status)."""
    info = getattr(db.conn, "info", None)
    return bool(db.conn.in_transaction) if info is None else info.transaction_status.name != "IDLE"


def stored_votes(db, code: str, participant_id: int) -> int:
    wid = int(storage.workshop_by_code(db, code)["id"])
    return storage.votes_used(db, wid, participant_id)


def test_a_refusal_in_a_batch_undoes_only_its_own_write(room):
    db, _, code, ann, bo, note = room
    budget = int(storage.workshop_by_code(db, code)["vote_budget"])
    before = version(db, code)
    jobs = [lambda d: actions.vote(d, code, ann.token, note) for _ in range(budget + 2)]
    jobs.append(lambda d: actions.vote(d, code, bo.token, note))
    outcomes = together(db, jobs, one_workshop=True)
    assert outcomes[:budget] == list(range(budget - 1, -1, -1))  # each saw the votes before it
    assert all(isinstance(o, BudgetExhausted) for o in outcomes[budget : budget + 2])
    assert outcomes[-1] == budget - 1
    assert stored_votes(db, code, ann.participant_id) == budget
    assert stored_votes(db, code, bo.participant_id) == 1
    assert version(db, code) == before + budget + 1  # the refused ones bumped nothing


def test_a_vote_in_a_batch_is_eight_statements(sqlite_room):
    """A write in a batch: its savepoint (its change opens no second one), who is acting, the
    version bump (which returns the row its checks read), the note, the dots used, the vote and
    its tally. In a room's burst each statement waits for a turn at the GIL."""
    db, _, code, ann, _, note = sqlite_room
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        together(db, [lambda d: actions.vote(d, code, ann.token, note)] * 2)
    finally:
        db.conn.set_trace_callback(None)
    words = [s.split()[0].upper() for s in statements]
    one = ["SAVEPOINT", "SELECT", "UPDATE", "SELECT", "SELECT", "INSERT", "INSERT", "RELEASE"]
    assert words == ["BEGIN", *one, *one, "COMMIT"], statements
    assert stored_votes(db, code, ann.participant_id) == 2


def test_a_batch_whose_commit_fails_stores_none_of_its_writes(sqlite_room):
    db, path, code, ann, _, note = sqlite_room
    before = version(db, code)

    def breaks_the_commit(d):
        # A deferred foreign key is only checked at COMMIT: the batch's one commit fails.
        d.execute("PRAGMA defer_foreign_keys = ON")
        d.execute(
            "INSERT INTO votes (workshop_id, participant_id, bottleneck_id, created_at) VALUES (999999, 999999, 999999, 0)"
        )

    with pytest.raises(Exception, match="FOREIGN KEY"):
        together(db, [lambda d: actions.vote(d, code, ann.token, note), breaks_the_commit])
    other = storage.connect(path)
    assert stored_votes(other, code, ann.participant_id) == 0 and version(other, code) == before


def test_writes_queued_together_commit_in_one_batch_and_keep_the_budget_exact(room):
    db, path, code, ann, _, note = room
    budget = int(storage.workshop_by_code(db, code)["vote_budget"])
    writer = GroupWriter(connect=storage.connect)
    started, release = threading.Event(), threading.Event()

    def holds_the_writer(d):
        started.set()
        release.wait(10)

    async def burst() -> list[object]:
        first = asyncio.ensure_future(writer.submit(str(path), holds_the_writer))
        await asyncio.to_thread(started.wait, 10)
        votes = [
            writer.submit(str(path), lambda d: actions.vote(d, code, ann.token, note), workshop=code) for _ in range(12)
        ]
        gathered = asyncio.gather(*votes, return_exceptions=True)
        await asyncio.sleep(0.05)  # every vote is queued behind the first batch
        release.set()
        await first
        return await gathered

    outcomes = asyncio.run(burst())
    assert sorted((o for o in outcomes if isinstance(o, int)), reverse=True) == list(range(budget - 1, -1, -1))
    assert sum(isinstance(o, BudgetExhausted) for o in outcomes) == 12 - budget
    assert writer.batches == 2 and writer.writes == 13
    assert stored_votes(storage.connect(path), code, ann.participant_id) == budget


def test_a_write_is_answered_only_once_it_is_committed(room):
    db, path, code, ann, _, note = room
    writer = GroupWriter(connect=storage.connect)
    seen_from_outside: list[int] = []

    def vote_then_look(d):
        left = actions.vote(d, code, ann.token, note)
        seen_from_outside.append(stored_votes(storage.connect(path), code, ann.participant_id))
        return left

    asyncio.run(writer.submit(str(path), vote_then_look))
    assert seen_from_outside == [0]  # not visible to anyone before the commit
    assert stored_votes(db, code, ann.participant_id) == 1  # and stored once answered


def test_the_read_after_a_write_sees_it_committed_and_a_refused_write_skips_it(room):
    _, path, code, ann, bo, note = room
    writer = GroupWriter(connect=storage.connect)
    reads: list[str] = []

    def after(d, left):
        reads.append(threading.current_thread().name)
        return left, stored_votes(d, code, ann.participant_id), in_transaction(d)

    async def both() -> list[object]:
        vote = writer.submit(str(path), lambda d: actions.vote(d, code, ann.token, note), after=after, workshop=code)
        bad = writer.submit(str(path), lambda d: actions.vote(d, code, bo.token, -1), after=after, workshop=code)
        return await asyncio.gather(vote, bad, return_exceptions=True)

    answered, refused = asyncio.run(both())
    assert answered == (4, 1, False) and isinstance(refused, Exception)
    assert reads == ["live-writer"]  # in the writer thread, once, for the stored write only
