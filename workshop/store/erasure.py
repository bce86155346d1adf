"""Erasure's SQL: one participant's rows, an owner's name, a whole workshop, and the server's record
of deleted workshops. Callers run these inside `store.change`; `db.compact` then empties the
write-ahead log, and `PRAGMA secure_delete` (set in `connect`) zeroes the freed space.
"""

from __future__ import annotations

from workshop.domain.erasure import Deletion, Removal
from workshop.store import audit
from workshop.store.db import Row
from workshop.store.engine import Database

# One participant's answers, by table: each row goes with them.
_ANSWER_TABLES = {
    "votes": "votes",
    "scores": "scores",
    "picks": "picks",
    "offers": "volunteers",
    "readiness": "readiness_answers",
}
# What they wrote, by table: left without an author, or deleted when they ask.
_WRITTEN_TABLES = {"notes": "bottlenecks", "impacts": "impacts", "initiatives": "initiatives"}


def _count(db: Database, table: str, participant_id: int) -> int:
    return int(db.execute(f"SELECT COUNT(*) FROM {table} WHERE participant_id = ?", [participant_id]).fetchone()[0])


def removal(db: Database, participant_id: int) -> Removal:
    """How many rows of each kind one participant has: what their erasure names."""
    tables = _WRITTEN_TABLES | _ANSWER_TABLES
    return Removal(**{kind: _count(db, table, participant_id) for kind, table in tables.items()})


def note_texts(db: Database, participant_id: int) -> list[str]:
    """The texts of one participant's notes and impacts: the words a deletion of them erases."""
    rows = db.execute(
        "SELECT text FROM bottlenecks WHERE participant_id = ? UNION ALL "
        "SELECT because FROM impacts WHERE participant_id = ?",
        [participant_id, participant_id],
    ).fetchall()
    return [str(r[0]) for r in rows]


def _delete_note(db: Database, note_id: int) -> None:
    """One note and what hangs on it: votes, impacts, links and dismissed pairs; notes merged into
    it come back to the board."""
    db.execute("DELETE FROM votes WHERE bottleneck_id = ?", [note_id])
    db.execute("DELETE FROM impacts WHERE bottleneck_id = ?", [note_id])
    db.execute("DELETE FROM initiative_links WHERE bottleneck_id = ?", [note_id])
    db.execute("DELETE FROM dismissed_pairs WHERE low_id = ? OR high_id = ?", [note_id, note_id])
    db.execute("UPDATE bottlenecks SET merged_into = NULL WHERE merged_into = ?", [note_id])
    db.execute("DELETE FROM bottlenecks WHERE id = ?", [note_id])


def erase_participant(db: Database, participant_id: int, delete_notes: bool) -> None:
    """Delete one participant's name and answers; their notes and impacts too when asked, else those
    stay without an author (as their proposed initiatives always do)."""
    if delete_notes:
        for (note_id,) in db.execute(
            "SELECT id FROM bottlenecks WHERE participant_id = ?", [participant_id]
        ).fetchall():
            _delete_note(db, int(note_id))
        db.execute("DELETE FROM impacts WHERE participant_id = ?", [participant_id])
    for table in _WRITTEN_TABLES.values():
        db.execute(f"UPDATE {table} SET participant_id = NULL WHERE participant_id = ?", [participant_id])
    for table in _ANSWER_TABLES.values():
        db.execute(f"DELETE FROM {table} WHERE participant_id = ?", [participant_id])
    db.execute("DELETE FROM participants WHERE id = ?", [participant_id])


def owner_rows(db: Database, workshop_id: int, name: str) -> dict[str, int]:
    """Where a workshop names an owner: their initiatives, links and the check-ins recorded as them."""
    one = "SELECT COUNT(*) FROM {0} x JOIN initiatives i ON i.id = x.initiative_id WHERE i.workshop_id = ? AND {1} = ?"
    return {
        "initiatives": int(db.execute(one.format("owners", "x.owner"), [workshop_id, name]).fetchone()[0]),
        "check-ins": int(db.execute(one.format("checkins", "x.recorded_by"), [workshop_id, name]).fetchone()[0]),
        "links": int(
            db.execute(
                "SELECT COUNT(*) FROM owner_links WHERE workshop_id = ? AND owner = ?", [workshop_id, name]
            ).fetchone()[0]
        ),
    }


def remove_owner(db: Database, workshop_id: int, name: str, replacement: str) -> None:
    """An owner's name replaced wherever the workshop holds it, and their link revoked."""
    mine = "initiative_id IN (SELECT id FROM initiatives WHERE workshop_id = ?)"
    db.execute(f"UPDATE owners SET owner = ? WHERE owner = ? AND {mine}", [replacement, name, workshop_id])
    db.execute(
        f"UPDATE checkins SET recorded_by = ? WHERE recorded_by = ? AND {mine}", [replacement, name, workshop_id]
    )
    db.execute("DELETE FROM owner_links WHERE workshop_id = ? AND owner = ?", [workshop_id, name])


def delete_workshop(db: Database, workshop_id: int, record: Deletion) -> None:
    """A whole workshop, every row of it (the schema's cascades) and its trail, and the server's
    record of it. Run inside `db.server_change`."""
    db.execute("DELETE FROM workshops WHERE id = ?", [workshop_id])
    audit.forget(db, workshop_id)
    db.execute(
        "INSERT INTO deletions (code, ended_at, deleted_at, reason, deleted_by) VALUES (?, ?, ?, ?, ?)",
        [record.code, record.ended_at, record.deleted_at, record.reason, record.deleted_by],
    )


def deletions(db: Database) -> list[Deletion]:
    """Every workshop deleted on this server, newest first."""
    rows: list[Row] = [dict(r) for r in db.query("SELECT * FROM deletions ORDER BY deleted_at DESC, id DESC")]
    return [Deletion(r["code"], r["ended_at"], r["deleted_at"], r["reason"], r["deleted_by"]) for r in rows]
