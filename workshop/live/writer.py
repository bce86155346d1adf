"""The live channel's writes: one writer thread per process, committing bursts together.

In a burst every write used to wait for the writer lock in a worker thread of its own: with
hundreds of writes a second the worker threads all sat in that queue, and the reads that share
them (the room's rebuilds, the version watcher, each writer's own view) waited behind the writes,
so a step change reached the phones seconds late. Now a write is queued for this process's one
writer thread, which takes whatever has queued up meanwhile and commits it in one transaction
(`workshop/store/group.py`): each write still runs its action whole (AUTH → VALIDATION → CHANGE,
reading again what it checks), and each is answered only once the batch has committed.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from typing import Any

from workshop.store import Database
from workshop.store.engine import Sqlite
from workshop.store.group import Job, together

BATCH_MAX = 200  # most writes committed together: a batch's answers wait for its last write

Connect = Callable[[str], Database]
After = Callable[[Database, Any], Any]  # a read made once the write is committed, given its result
Item = tuple[str, Job, "After | None", asyncio.AbstractEventLoop, "asyncio.Future[Any]", str]


def _settle(future: asyncio.Future[Any], outcome: Any) -> None:
    if future.cancelled():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


class GroupWriter:
    """Queues writes for one thread that commits them in batches, per database file."""

    def __init__(self, connect: Connect, batch_max: int = BATCH_MAX) -> None:
        self.connect = connect
        self.batch_max = batch_max
        self.batches = 0  # how many transactions the writes took (for tests and benchmarks)
        self.writes = 0
        self._queue: queue.SimpleQueue[Item] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    async def submit(self, path: str, job: Job, after: After | None = None, workshop: str = "") -> Any:
        """Run `job` on the database at `path` with the writes queued beside it; its result once
        committed (passed through `after`, a read made in this thread once the batch has
        committed, which saves the answer a second hop between threads), or the exception it
        raised (then it stored nothing). `workshop` names the one workshop the job changes: on
        PostgreSQL, a batch is one transaction per workshop (see `together`)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._ensure_thread()
        self._queue.put((path, job, after, loop, future, workshop))
        return await future

    def _ensure_thread(self) -> None:
        with self._start:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, name="live-writer", daemon=True)
                self._thread.start()

    def _serve(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self.batch_max:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            for path in dict.fromkeys(item[0] for item in batch):  # each file's writes, in order
                self._commit(path, [item for item in batch if item[0] == path])

    def _commit(self, path: str, items: list[Item]) -> None:
        try:
            db = self.connect(path)
        except Exception as exc:  # noqa: BLE001 - no connection: no write of the batch is stored
            self._answer(None, items, [exc] * len(items))
            return
        if isinstance(db, Sqlite):
            self._commit_batch(db, items, one_workshop=False)
            return
        for workshop in dict.fromkeys(item[5] for item in items):  # PostgreSQL: a transaction per workshop
            self._commit_batch(db, [item for item in items if item[5] == workshop], one_workshop=bool(workshop))

    def _commit_batch(self, db: Database, items: list[Item], one_workshop: bool) -> None:
        try:
            outcomes = together(db, [item[1] for item in items], one_workshop=one_workshop)
        except Exception as exc:  # noqa: BLE001 - the commit failed: no write of the batch is stored
            outcomes = [exc] * len(items)
        self.batches += 1
        self.writes += len(items)
        self._answer(db, items, outcomes)

    def _answer(self, db: Database | None, items: list[Item], outcomes: list[Any]) -> None:
        for (_, _, after, loop, future, _), outcome in zip(items, outcomes, strict=True):
            answer = outcome
            if after is not None and db is not None and not isinstance(outcome, BaseException):
                try:
                    answer = after(db, outcome)
                except Exception as exc:  # noqa: BLE001 - the write is stored; its answer failed
                    answer = exc
            try:
                loop.call_soon_threadsafe(_settle, future, answer)
            except RuntimeError:  # that request's event loop has closed: nobody is left to answer
                pass
