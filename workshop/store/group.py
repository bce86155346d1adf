"""Group commit: a burst of writes committed together, in one transaction.

A room of 1,000 phones writes hundreds of times a second. One transaction per write made every
write take the writer lock, begin, bump the version and commit on its own, and each waiting write
held a worker thread meanwhile. `together` runs a batch of writes one after the other inside one
transaction: each in its own savepoint, so a refusal undoes its own write only, and each reads
what the writes before it stored (a vote budget stays exact). Nothing of the batch is visible to
anyone, nor answered, before the one commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlite_utils import Database

from workshop.store.db import _writer as writer

Job = Callable[[Database], Any]


def together(db: Database, jobs: Sequence[Job]) -> list[Any]:
    """Run every job in one transaction; each job's result, or the exception it raised, in order.

    An exception of the commit itself is raised for the whole batch: then no job is stored.
    """
    outcomes: list[Any] = []
    with writer(db):
        # IMMEDIATE: SQLite's write lock before the first job reads, as `change()` takes it with its
        # first statement, so no read snapshot of the batch has to be upgraded to a write.
        db.execute("BEGIN IMMEDIATE")
        try:
            for job in jobs:
                try:
                    with db.atomic():  # nested: a savepoint, rolled back alone if the job refuses
                        outcomes.append(job(db))
                except Exception as exc:  # noqa: BLE001 - handed back to the job's caller
                    outcomes.append(exc)
            db.execute("COMMIT")
        except BaseException:
            db.conn.rollback()
            raise
    return outcomes
