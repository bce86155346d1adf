"""One participant's own rows, and who they are, each read in one statement.

Every write a phone makes is answered with the writer's own view (their votes, scores, picks,
offers, answers, impacts and, during a private brainstorm, notes). Read table by table that was
eleven statements per answer, and under a room's burst every statement waits for its turn at the
GIL while the other threads serve the room: the answers' reads were half of the writer thread's
work. Here the workshop and the participant are one read, and all their rows a second one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workshop.store.engine import Database, Row

# Each kind of row in the one statement: its columns are (kind, k, a, b, c, d, x, s, t), with k
# the row's key, a–d integers, x a real and s, t texts; the first branch types the columns (a
# PostgreSQL union takes its types from there). The names say what each kind's columns hold.
_VOTES = (
    "SELECT 'vote', v.bottleneck_id, b.hidden, COUNT(*), CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), "
    "CAST(NULL AS REAL), CAST(NULL AS TEXT), CAST(NULL AS TEXT) "
    "FROM votes v JOIN bottlenecks b ON b.id = v.bottleneck_id "
    "WHERE v.workshop_id = :w AND v.participant_id = :p GROUP BY v.bottleneck_id, b.hidden"
)
_BRANCHES = (
    _VOTES,
    "SELECT 'score', initiative_id, value, effort, urgency, confidence, NULL, NULL, NULL "
    "FROM scores WHERE participant_id = :p",
    "SELECT 'pick', initiative_id, NULL, NULL, NULL, NULL, NULL, choice, reason FROM picks WHERE participant_id = :p",
    "SELECT 'volunteer', initiative_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
    "FROM volunteers WHERE participant_id = :p",
    "SELECT 'readiness', NULL, rating, NULL, NULL, NULL, number, question, NULL "
    "FROM readiness_answers WHERE participant_id = :p",
    "SELECT 'impact', id, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
    "FROM impacts WHERE workshop_id = :w AND participant_id = :p",
)
_NOTES = (
    "SELECT 'note', id, NULL, NULL, NULL, NULL, NULL, dimension, text FROM bottlenecks "
    "WHERE workshop_id = :w AND participant_id = :p AND merged_into IS NULL AND hidden = 0"
)
_WITHOUT_NOTES = " UNION ALL ".join(_BRANCHES)
_WITH_NOTES = " UNION ALL ".join((*_BRANCHES, _NOTES))


@dataclass
class Own:
    """What one participant has written, each kind in its key's order."""

    votes: dict[int, int] = field(default_factory=dict)  # counted votes per note (none on hidden notes)
    refunded: int = 0  # votes on notes the facilitator has since hidden
    scores: dict[int, dict[str, int]] = field(default_factory=dict)
    picks: dict[int, dict[str, str]] = field(default_factory=dict)
    volunteered: list[int] = field(default_factory=list)
    readiness: dict[str, dict[str, Any]] = field(default_factory=dict)
    impacts: list[int] = field(default_factory=list)
    notes: list[Row] = field(default_factory=list)  # live notes, when asked for (a private board)

    @property
    def votes_used(self) -> int:
        """The votes that count against the budget."""
        return sum(self.votes.values())


def own_rows(db: Database, workshop_id: int, participant_id: int, *, notes: bool) -> Own:
    """Everything one participant wrote in one workshop, in one statement (their own notes only
    when `notes`: the shared state leaves them out while the board is private)."""
    rows = db.execute(_WITH_NOTES if notes else _WITHOUT_NOTES, {"w": workshop_id, "p": participant_id}).fetchall()
    own = Own()
    for kind, k, a, b, c, d, x, s, t in sorted(rows, key=_order):
        if kind == "vote" and a:
            own.refunded += b
        elif kind == "vote":
            own.votes[k] = b
        elif kind == "score":
            own.scores[k] = {"value": a, "effort": b, "urgency": c, "confidence": d}
        elif kind == "pick":
            own.picks[k] = {"choice": s, "reason": t}
        elif kind == "volunteer":
            own.volunteered.append(k)
        elif kind == "readiness":
            own.readiness[s] = {"rating": a, "number": x}
        elif kind == "impact":
            own.impacts.append(k)
        else:
            own.notes.append({"id": k, "dimension": s, "text": t})
    return own


def _order(row: Any) -> tuple[str, int, str]:
    """Kind, then key (or, for answers, question): the order each table was read in, sorted here
    rather than in SQL, where a union of text columns sorts by no one collation on PostgreSQL."""
    return (row[0], row[1] or 0, row[7] or "")


def with_participant(db: Database, code: str, token_hash: str) -> tuple[Row | None, Row | None]:
    """The workshop with the code and, in the same read, its participant holding `token_hash`
    (their id and name), else None for either."""
    rows = list(
        db.query(
            "SELECT w.*, p.id AS own_participant_id, p.name AS own_participant_name FROM workshops w "
            "LEFT JOIN participants p ON p.workshop_id = w.id AND p.token_hash = ? WHERE w.code = ?",
            [token_hash, code],
        )
    )
    if not rows:
        return None, None
    workshop = rows[0]
    pid, name = workshop.pop("own_participant_id"), workshop.pop("own_participant_name")
    return workshop, (None if pid is None else {"id": pid, "name": name})
