"""Constants and small helpers shared by the domain tests."""

from __future__ import annotations

from workshop import store as storage

# A fixed moment (2025-06-15 UTC) so timers, check-in dates and exports are deterministic.
NOW = 1_750_000_000.0


def version(db, code: str) -> int:
    """The workshop's change counter: unchanged means nothing was written."""
    row = storage.workshop_by_code(db, code)
    assert row is not None
    return int(row["version"])


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
