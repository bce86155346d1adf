"""Connections and the one way to change a workshop: `connect`, `change` and the writer lock.

Connections are cheap and opened per Streamlit run or per request; one sqlite3
connection is never shared between threads. Every change to a workshop bumps its
`version` first, inside the same transaction: taking the write lock before any read
avoids WAL upgrade deadlocks, and the live channel serves state keyed by that version.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from workshop.domain.audit import Draft, Tally
from workshop.store import audit
from workshop.store.migrations import migrations

DEFAULT_DB = Path(__file__).resolve().parent.parent.parent / "sessions.db"
BUSY_TIMEOUT_MS = 15_000

Row = dict[str, Any]


def connect(path: str | Path | None = None) -> Database:
    """Open (and if needed create and migrate) the database; one call per thread or run."""
    resolved = Path(path) if path is not None else db_path()
    resolved.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(resolved), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = Database(conn, execute_plugins=False)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA secure_delete = ON")  # erased rows are overwritten with zeros, not left in free pages
    if migrations.pending(db):
        _migrate(db)
    _LOCK_PATHS[db] = str(resolved) + LOCK_SUFFIX
    return db


def _migrate(db: Database) -> None:
    """Apply pending migrations under one write lock, so two processes starting at
    the same moment cannot both try to create the schema."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        migrations.apply(db)
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


def compact(db: Database) -> bool:
    """After an erasure: copy the write-ahead log into the database and empty it, so no earlier copy
    of an erased page stays in the `-wal` file. False when a reader still holds an old page (the
    server's next sweep tries again)."""
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


def db_path() -> Path:
    """The database file: `WORKSHOP_DB` if set, else `sessions.db` beside `app.py`."""
    return Path(os.environ.get("WORKSHOP_DB") or DEFAULT_DB)


# Writes wait their turn on locks rather than in SQLite's busy handler, which polls with sleeps of
# up to 100 ms: in a burst the database sat free while every waiting write slept. The threads of
# one process queue on `_WRITER`; the processes of one box (`python -m workshop serve
# --processes N`) on an advisory lock of the file beside the database, which wakes the next
# writer the moment it is released and is let go by the kernel if its holder dies.
_WRITER = threading.RLock()
LOCK_SUFFIX = ".writer-lock"
_LOCK_PATHS: weakref.WeakKeyDictionary[Database, str] = weakref.WeakKeyDictionary()
_lock_files: dict[str, int] = {}  # lock file -> descriptor, opened once per process
_held = 0  # how deep this process's writer is nested in `change` (guarded by _WRITER)


@contextmanager
def _writer(db: Database) -> Iterator[None]:
    """This process's turn, then this box's turn, to write (re-entrant: nested changes nest)."""
    global _held
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
    refusal raised inside rolls back the change and its record together.
    """
    with _writer(db), db.atomic():
        row = db.execute(
            "UPDATE workshops SET version = version + 1 WHERE id = ? RETURNING current_step", [workshop_id]
        ).fetchone()
        step = "" if row is None else str(row[0])
        yield what
        if isinstance(what, Draft):
            audit.append(db, workshop_id, what.entry(step))
        elif what.counted:
            audit.count(db, workshop_id, step, what.kind)
