"""Constants and small helpers shared by the domain tests."""

from __future__ import annotations

import copy
import json

from workshop import store as storage
from workshop.domain import audit

# A fixed moment (2025-06-15 UTC) so timers, check-in dates and exports are deterministic.
NOW = 1_750_000_000.0


def as_restored(document: dict | str) -> dict:
    """An export as a restore must give it back: the export time aside, and the entries that
    record imports set aside (an import reads the file's trail back and adds its own one entry)."""
    doc = json.loads(document) if isinstance(document, str) else copy.deepcopy(document)
    doc.pop("exported_at", None)
    doc["audit_trail"] = [e for e in doc.get("audit_trail", []) if e["action"] != audit.IMPORTED]
    return doc


def arranged() -> audit.Draft:
    """The audit entry of a change a test makes directly in the store, to arrange a situation."""
    return audit.Draft(audit.KEY, "arranged_by_a_test", NOW)


def version(db, code: str) -> int:
    """The workshop's change counter: unchanged means nothing was written."""
    row = storage.workshop_by_code(db, code)
    assert row is not None
    return int(row["version"])


def dump(db) -> dict[str, list[tuple]]:
    """Every row of every table the schema has, on either engine (read from the database, so a new
    table is included without touching a test): equal dumps mean nothing at all was written."""
    out = {}
    for table in db.table_names():
        order = ", ".join(str(n) for n in range(1, len(db.columns(table)) + 1))
        out[table] = [tuple(r) for r in db.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()]
    return out


def workshop_count(db) -> int:
    return int(db.execute("SELECT COUNT(*) FROM workshops").fetchone()[0])


def on_step(db, code: str) -> str:
    """The step the room is on: what a console showing the room right now sends with Next, Back or End."""
    row = storage.workshop_by_code(db, code)
    assert row is not None
    return str(row["current_step"])


def reach(db, code: str, key: str, step: str = "owners") -> None:
    """Move the room on to `step` (by default the last), where every earlier step's writes are open too."""
    from workshop import actions

    actions.go_to_step(db, code, key, step, now=NOW, from_step=on_step(db, code))
