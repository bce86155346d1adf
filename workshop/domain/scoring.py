"""How the room's scores become a ranking: robust aggregation and visible formulas.

Everything here is pure: lists of score records in, aggregates and ranks out, so the
maths can be tested exhaustively (and by property) without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

from workshop.domain.errors import InvalidInput, Phrase
from workshop.domain.language import N_
from workshop.domain.text import clean_int

CRITERIA: tuple[str, ...] = ("value", "effort", "urgency", "confidence")
RANGES: dict[str, tuple[int, int]] = {
    "value": (1, 10),
    "effort": (1, 10),
    "urgency": (1, 10),
    "confidence": (10, 100),
}
LABELS: dict[str, str] = {
    "value": N_("Value (1–10)"),
    "effort": N_("Effort (1–10, higher = more work)"),
    "urgency": N_("Urgency (1–10)"),
    "confidence": N_("Confidence (10–100 %)"),
}
# The slider step of each criterion and the score a new scorer starts from.
STEP: dict[str, int] = {"value": 1, "effort": 1, "urgency": 1, "confidence": 10}
DEFAULT_SCORE: dict[str, int] = {"value": 5, "effort": 5, "urgency": 5, "confidence": 70}
# A spread (max − min) this wide means the room disagrees and should talk before ranking.
DISAGREEMENT: dict[str, float] = {"value": 5, "effort": 5, "urgency": 5, "confidence": 50}


def validate_score(raw: Mapping[str, Any]) -> dict[str, int]:
    """Refuse a score outside its range; return the four clean integers."""
    clean: dict[str, int] = {}
    for criterion in CRITERIA:
        low, high = RANGES[criterion]
        if criterion not in raw:
            raise InvalidInput(N_("{field} is missing."), field=Phrase(LABELS[criterion]))
        clean[criterion] = clean_int(raw[criterion], Phrase(LABELS[criterion]), low=low, high=high)
    return clean


@dataclass(frozen=True)
class Aggregate:
    """The room's view of one initiative: medians, spreads and the computed figures."""

    initiative_id: int
    scorers: int
    value: float
    effort: float
    urgency: float
    confidence: float
    spread: dict[str, float]
    roi: float
    wsjf: float

    @property
    def disputed(self) -> list[str]:
        """Criteria on which the room's scores differ widely."""
        return [c for c in CRITERIA if self.scorers >= 2 and self.spread[c] >= DISAGREEMENT[c]]

    def priority(self, method: str) -> float:
        return self.wsjf if method == "wsjf" else self.roi


def roi(value: float, effort: float, confidence: float) -> float:
    """value × confidence ÷ effort, with effort floored at 1 so it never divides by zero."""
    return value * (confidence / 100.0) / max(effort, 1.0)


def wsjf(value: float, urgency: float, effort: float) -> float:
    """(value + urgency) ÷ effort, with effort floored at 1."""
    return (value + urgency) / max(effort, 1.0)


def aggregate(initiative_id: int, rows: Iterable[Mapping[str, Any]]) -> Aggregate | None:
    """Median of each criterion over the scorers (None when nobody scored yet)."""
    rows = list(rows)
    if not rows:
        return None
    columns = {c: sorted(float(r[c]) for r in rows) for c in CRITERIA}
    medians = {c: float(median(values)) for c, values in columns.items()}
    spread = {c: values[-1] - values[0] for c, values in columns.items()}
    return Aggregate(
        initiative_id=initiative_id,
        scorers=len(rows),
        value=medians["value"],
        effort=medians["effort"],
        urgency=medians["urgency"],
        confidence=medians["confidence"],
        spread=spread,
        roi=roi(medians["value"], medians["effort"], medians["confidence"]),
        wsjf=wsjf(medians["value"], medians["urgency"], medians["effort"]),
    )


def aggregate_all(score_rows: Iterable[Mapping[str, Any]]) -> dict[int, Aggregate]:
    """Aggregate every initiative's scores at once."""
    grouped: dict[int, list[Mapping[str, Any]]] = {}
    for row in score_rows:
        grouped.setdefault(int(row["initiative_id"]), []).append(row)
    result: dict[int, Aggregate] = {}
    for initiative_id, rows in grouped.items():
        agg = aggregate(initiative_id, rows)
        if agg is not None:
            result[initiative_id] = agg
    return result


def rank(initiatives: Sequence[Mapping[str, Any]], aggregates: Mapping[int, Aggregate], method: str) -> list[int]:
    """Initiative ids best first; ties broken by urgency, then title, then id.

    The key is total, so the ranking does not depend on the order rows arrive in;
    unscored initiatives come last.
    """

    def key(row: Mapping[str, Any]) -> tuple:
        agg = aggregates.get(int(row["id"]))
        if agg is None:
            return (1, 0.0, 0.0, str(row["title"]).casefold(), int(row["id"]))
        return (0, -round(agg.priority(method), 9), -agg.urgency, str(row["title"]).casefold(), int(row["id"]))

    return [int(row["id"]) for row in sorted(initiatives, key=key)]


def topological_order(ids: Sequence[int], after: Iterable[tuple[int, int]]) -> list[int]:
    """Order ids so each comes after what it depends on, keeping `ids` order otherwise.

    `after` holds (initiative, must_come_after) pairs. Raises ValueError on a cycle.
    """
    remaining = list(ids)
    needs: dict[int, set[int]] = {i: set() for i in ids}
    for initiative_id, after_id in after:
        if initiative_id in needs and after_id in needs:
            needs[initiative_id].add(after_id)
    placed: list[int] = []
    while remaining:
        for candidate in remaining:
            if needs[candidate] <= set(placed):
                placed.append(candidate)
                remaining.remove(candidate)
                break
        else:
            raise ValueError("cycle")
    return placed


def has_cycle(pairs: Iterable[tuple[int, int]]) -> bool:
    """True if the 'must come after' pairs contain a cycle."""
    pairs = list(pairs)
    nodes = sorted({n for pair in pairs for n in pair})
    try:
        topological_order(nodes, pairs)
    except ValueError:
        return True
    return False
