"""Copy a whole database from one engine to the other, row for row.

Moving from SQLite to PostgreSQL (or back) keeps everything: every id, every hashed key, token
and link, the settings and the audit trail exactly as they were, so every link handed out before
the move still opens after it. The JSON export could not do this: it leaves secrets out, and an
import adds its own trail entry. The target must be empty (migrated, with no workshop), and the
copy is one transaction: it lands whole or not at all.
"""

from __future__ import annotations

from workshop.domain.errors import InvalidInput
from workshop.domain.language import N_
from workshop.store.engine import Database

# Every table, parents before children, so each foreign key finds its row already there.
ORDER = (
    "settings",
    "workshops",
    "timers",
    "participants",
    "bottlenecks",
    "votes",
    "impacts",
    "initiatives",
    "initiative_links",
    "dependencies",
    "scores",
    "decisions",
    "owners",
    "checkins",
    "answers",
    "picks",
    "volunteers",
    "owner_links",
    "reviews",
    "readiness_answers",
    "dismissed_pairs",
    "audit",
    "write_counts",
    "deletions",
    "audit_redacting",  # empty outside an erasure's own transaction
)
# Columns that name a row of their own table, which may be a later one: written in a second pass.
SELF_REFERENCES = {"bottlenecks": "merged_into"}


def copy_database(source: Database, target: Database) -> dict[str, int]:
    """Copy every row of `source` into the empty `target`; returns the rows copied per table."""
    tables = set(source.table_names()) - {source.migrations_table}
    unknown = sorted(tables - set(ORDER))
    if unknown:
        raise InvalidInput(N_("The copy does not know the tables {tables}."), tables=", ".join(unknown))
    if target.execute("SELECT COUNT(*) FROM workshops").fetchone()[0]:
        raise InvalidInput(
            N_("The target database {name} already holds workshops: copy into an empty one."), name=target.name
        )
    copied: dict[str, int] = {}
    with target.atomic():
        for table in ORDER:
            copied[table] = _copy_table(source, target, table)
    return copied


def _copy_table(source: Database, target: Database, table: str) -> int:
    columns = source.columns(table)
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    rows = [tuple(r) for r in source.execute(f'SELECT {names} FROM "{table}" ORDER BY 1').fetchall()]
    later = SELF_REFERENCES.get(table)
    at = columns.index(later) if later else -1
    first = [r[:at] + (None,) + r[at + 1 :] for r in rows] if later else rows
    if first:
        target.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', first)
    pointing = [(r[at], r[columns.index("id")]) for r in rows if later and r[at] is not None]
    if pointing:
        target.executemany(f'UPDATE "{table}" SET "{later}" = ? WHERE id = ?', pointing)
    target.follow_ids(table)
    return len(rows)
