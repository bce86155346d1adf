"""Group commit: a burst of writes committed together, in one transaction.

A room of 1,000 phones writes hundreds of times a second. One transaction per write made every
write take the writer lock, begin, bump the version and commit on its own, and each waiting write
held a worker thread meanwhile. `together` runs a batch of writes one after the other inside one
transaction: each in its own savepoint, so a refusal undoes its own write only, and each reads
what the writes before it stored (a vote budget stays exact). That savepoint is the job's change's
own (`Database.job`): a change nested in it opens no second one. Nothing of the batch is visible to
anyone, nor answered, before the one commit.

On PostgreSQL each write's `change()` locks its workshop's row until the commit, so a batch that
spans several workshops could deadlock with another server's batch. There a batch is one
transaction only when its writes are all one workshop's (`one_workshop`): they take that one row
lock, first, and another server's batch of the same room waits for it. Otherwise every write is
its own transaction, as before group commit. (One write per transaction made a PostgreSQL room
take some ten round trips per write under its row lock, so its writes queued at a hundred a second.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from workshop.store.db import _writer as writer
from workshop.store.engine import Database, Sqlite

Job = Callable[[Database], Any]


def together(db: Database, jobs: Sequence[Job], one_workshop: bool = False) -> list[Any]:
    """Run every job in one transaction; each job's result, or the exception it raised, in order.
    On PostgreSQL only when the caller says every job changes one and the same workshop.

    An exception of the commit itself is raised for the whole batch: then no job is stored.
    """
    if not isinstance(db, Sqlite) and not one_workshop and len(jobs) > 1:
        outcomes: list[Any] = []
        for job in jobs:
            try:
                outcomes += together(db, [job])
            except Exception as exc:  # noqa: BLE001 - this write's own commit failed: only it is lost
                outcomes.append(exc)
        return outcomes
    stored: list[Any] = []
    with writer(db), db.atomic():
        for job in jobs:
            try:
                with db.atomic(), db.job():  # nested: a savepoint, rolled back alone if the job refuses
                    stored.append(job(db))
            except Exception as exc:  # noqa: BLE001 - handed back to the job's caller
                stored.append(exc)
    return stored
