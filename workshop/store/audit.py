"""The audit trail's SQL: append an entry, count a participant write, read a workshop's trail.

There is no function here that updates or deletes an entry, and the table's triggers refuse
both (see `migrations.AUDIT_TRIGGERS`). `store.change` calls `append` or `count` as its
change commits; the importer restores a file's trail through `restore`.
"""

from __future__ import annotations

import json

from workshop.domain.audit import Count, Entry, Trail
from workshop.store.engine import Database


def _json(values: object) -> str:
    return json.dumps(values, ensure_ascii=False)  # in the action's order: the page reads it so


def append(db: Database, workshop_id: int, entry: Entry) -> None:
    """Add one entry at the end of a workshop's trail."""
    db.execute(
        "INSERT INTO audit (workshop_id, at, role, via, action, step, subject, before_json, after_json) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            workshop_id,
            entry.at,
            entry.role,
            entry.via,
            entry.action,
            entry.step,
            entry.subject,
            _json(entry.before),
            _json(entry.after),
        ],
    )


def count(db: Database, workshop_id: int, step: str, kind: str, by: int = 1) -> None:
    """One more participant write of `kind` while the room was on `step`."""
    db.execute(
        "INSERT INTO write_counts (workshop_id, step, kind, count) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (workshop_id, step, kind) DO UPDATE SET count = write_counts.count + excluded.count",
        [workshop_id, step, kind, by],
    )


def trail(db: Database, workshop_id: int) -> Trail:
    """A workshop's entries in the order they were written (each change's moment comes from the
    action, which a test or the sample may set), and its counts."""
    entries = tuple(
        Entry(
            at=r["at"],
            role=r["role"],
            via=r["via"],
            action=r["action"],
            step=r["step"],
            subject=r["subject"],
            before=json.loads(r["before_json"]),
            after=json.loads(r["after_json"]),
        )
        for r in db.query("SELECT * FROM audit WHERE workshop_id = ? ORDER BY id", [workshop_id])
    )
    counts = tuple(
        Count(r["step"], r["kind"], r["count"])
        for r in db.query("SELECT * FROM write_counts WHERE workshop_id = ? ORDER BY step, kind", [workshop_id])
    )
    return Trail(entries, counts)


def restore(db: Database, workshop_id: int, restored: Trail) -> None:
    """An imported workshop's trail and counts, as the file holds them."""
    for entry in restored.entries:
        append(db, workshop_id, entry)
    for item in restored.counts:
        count(db, workshop_id, item.step, item.kind, item.count)
