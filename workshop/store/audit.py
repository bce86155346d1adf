"""The audit trail's SQL: append an entry, count a participant write, read a workshop's trail.

Entries are never changed or deleted, with two narrow exceptions, both here and both for erasure:
`redact` replaces erased words in one workshop's entries (the trigger allows it only while the
erasure's marker for that workshop is set, and only in an entry's words), and `forget` removes a
deleted workshop's entries once its row is gone (the trigger refuses it before). `store.change`
calls `append` or `count` as its change commits; the importer restores a file's trail through
`restore`.
"""

from __future__ import annotations

import json

from workshop.domain import erasure
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


def redact(db: Database, workshop_id: int, words: set[str]) -> int:
    """Inside an erasure's change: every erased word in this workshop's entries becomes
    `erasure.ERASED`; returns how many entries changed. The marker that lets the trigger allow it
    is set and cleared around the updates, in the same transaction."""
    db.execute("INSERT INTO audit_redacting (workshop_id) VALUES (?)", [workshop_id])
    changed = 0
    for r in db.query("SELECT * FROM audit WHERE workshop_id = ? ORDER BY id", [workshop_id]):
        old = (r["subject"], r["via"], json.loads(r["before_json"]), json.loads(r["after_json"]))
        new = erasure.redact(list(old), words)
        if new != list(old):
            db.execute(
                "UPDATE audit SET subject = ?, via = ?, before_json = ?, after_json = ? WHERE id = ?",
                [new[0], new[1], _json(new[2]), _json(new[3]), r["id"]],
            )
            changed += 1
    db.execute("DELETE FROM audit_redacting WHERE workshop_id = ?", [workshop_id])
    return changed


def forget(db: Database, workshop_id: int) -> None:
    """A deleted workshop's entries, once its row is gone (the trigger refuses this before)."""
    db.execute("DELETE FROM audit WHERE workshop_id = ?", [workshop_id])
