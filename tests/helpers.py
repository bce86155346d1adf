"""Constants and small helpers shared by the domain tests."""

from __future__ import annotations

from workshop import storage

# A fixed moment (2025-06-15 UTC) so timers, check-in dates and exports are deterministic.
NOW = 1_750_000_000.0


def version(db, code: str) -> int:
    """The workshop's change counter: unchanged means nothing was written."""
    value = storage.workshop_version(db, code)
    assert value is not None
    return value


def workshop_count(db) -> int:
    return int(db.execute("SELECT COUNT(*) FROM workshops").fetchone()[0])
