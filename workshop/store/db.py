"""Connections and the one way to change a workshop: `connect`, `change` and the writer lock.

Connections are cheap and opened per Streamlit run or per request; one connection is never
shared between threads. `WORKSHOP_DB` picks the engine (`workshop/store/engine.py`): a SQLite
file by default, PostgreSQL for a `postgresql://` URL. Every change to a workshop bumps its
`version` first, inside the same transaction: on SQLite that takes the database's write lock
before any read (avoiding WAL upgrade deadlocks); on PostgreSQL it locks the workshop's row, so
the changes of one workshop take turns and each reads what the one before committed. The live
channel serves state keyed by that version.
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TypeVar

from workshop.domain.audit import Draft, Tally
from workshop.store import audit
from workshop.store.engine import BUSY_TIMEOUT_MS, Database, Row, Sqlite, open_database
from workshop.store.migrations import migrations

DEFAULT_DB = Path(__file__).resolve().parent.parent.parent / "sessions.db"

__all__ = ["BUSY_TIMEOUT_MS", "DEFAULT_DB", "Database", "Row", "change", "changing", "connect", "db_path"]


def connect(target: str | Path | None = None) -> Database:
    """Open (and if needed create and migrate) the database; one call per thread or run."""
    db = open_database(target if target is not None else db_path())
    if db.address not in _MIGRATED and migrations.pending(db):
        migrations.apply(db)
    if isinstance(db, Sqlite):
        _LOCK_PATHS[db] = db.name + LOCK_SUFFIX
    else:  # a server's schema is not deleted under a running process: check it once per process
        _MIGRATED.add(db.address)
    return db


_MIGRATED: set[str] = set()  # the PostgreSQL databases this process has seen fully migrated


def compact(db: Database) -> bool:
    """After an erasure: copy the write-ahead log into the database and empty it, so no earlier copy
    of an erased page stays in the `-wal` file. False when a reader still holds an old page (the
    server's next sweep tries again). PostgreSQL keeps no such file: nothing to do there."""
    if not isinstance(db, Sqlite):
        return True
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


def db_path() -> str:
    """The database: `WORKSHOP_DB` if set (a file path or a `postgresql://` URL), else
    `sessions.db` beside `app.py`."""
    return os.environ.get("WORKSHOP_DB") or str(DEFAULT_DB)


# Writes wait their turn on locks rather than in SQLite's busy handler, which polls with sleeps of
# up to 100 ms: in a burst the database sat free while every waiting write slept. The threads of
# one process queue on `_WRITER`; the processes of one box (`python -m workshop serve
# --processes N`) on an advisory lock of the file beside the database, which wakes the next
# writer the moment it is released and is let go by the kernel if its holder dies.
_WRITER = threading.RLock()
LOCK_SUFFIX = ".writer-lock"
_LOCK_PATHS: weakref.WeakKeyDictionary[Sqlite, str] = weakref.WeakKeyDictionary()
_lock_files: dict[str, int] = {}  # lock file -> descriptor, opened once per process
_held = 0  # how deep this process's writer is nested in `change` (guarded by _WRITER)


@contextmanager
def _writer(db: Database) -> Iterator[None]:
    """This process's turn, then this box's turn, to write (re-entrant: nested changes nest)."""
    global _held
    if not isinstance(db, Sqlite):  # PostgreSQL's row lock on the workshop orders its changes
        yield
        return
    with _WRITER:
        path = _LOCK_PATHS.get(db)
        outer = _held == 0 and path is not None
        if outer:
            assert path is not None
            fd = _lock_files.get(path)
            if fd is None:
                fd = _lock_files[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
        _held += 1
        try:
            yield
        finally:
            _held -= 1
            if outer:
                fcntl.flock(_lock_files[str(path)], fcntl.LOCK_UN)


@contextmanager
def server_change(db: Database) -> Iterator[None]:
    """One atomic change that is not one workshop's (deleting a whole workshop, whose own version and
    trail go with it): the same writer lock as `change`, no version to bump, no entry of its own."""
    with _writer(db), db.atomic():
        yield


What = TypeVar("What", Draft, Tally)


@contextmanager
def change(db: Database, workshop_id: int, what: What) -> Iterator[What]:
    """One atomic change to one workshop: bump its version first, write, then record it.

    `what` says what the change is: a `Draft` of its audit entry (a facilitator's, leader's or
    owner's change), written as the change commits, or a participant's `Tally`, counted under the
    step the room was on. It is a required argument, so no change can land without its record; a
    refusal raised inside rolls back the change and its record together (in a batch, by rolling
    back the savepoint `together` opened for the change's job).
    """
    with _writer(db), nullcontext() if db.claims_job() else db.atomic():
        rows = list(db.query("UPDATE workshops SET version = version + 1 WHERE id = ? RETURNING *", [workshop_id]))
        step = str(rows[0]["current_step"]) if rows else ""
        db.bumped = rows[0] if rows else None
        try:
            yield what
            if isinstance(what, Draft):
                audit.append(db, workshop_id, what.entry(step))
            elif what.counted:
                audit.count(db, workshop_id, step, what.kind)
        finally:
            db.bumped = None


def changing(db: Database, workshop_id: int) -> Row | None:
    """The workshop as the open change's version bump returned it, under the change's lock, so
    its checks need not read the row once more; None outside a change, for another workshop, or
    once the change has written the row itself (then read it again)."""
    row = db.bumped
    return dict(row) if row is not None and row["id"] == workshop_id else None
