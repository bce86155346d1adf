"""The "Ship It" checklist, evaluated item by item from the recorded data.

Each item says whether it is done and, when it is open, exactly why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workshop.domain.snapshot import Initiative, Snapshot
from workshop.domain.vocabulary import DIMENSIONS

OBSERVABILITY = re.compile(
    r"observab|\blogging\b|log aggregation|tracing|\btraces\b|telemetry|monitoring|alerting|\bapm\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Item:
    """One checklist line with its verdict and the reason behind it."""

    key: str
    title: str
    done: bool
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "title": self.title, "done": self.done, "reason": self.reason}


def _names(items: list[Initiative]) -> str:
    return ", ".join(f"\u201c{i.title}\u201d" for i in items)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def priorities(snapshot: Snapshot) -> Item:
    title = "Scaling priorities identified across product, platform and org"
    sequenced = snapshot.sequenced
    covered = {d for i in sequenced for d in i.dimensions}
    missing = [d.title.lower() for d in DIMENSIONS if d.key not in covered]
    if not sequenced:
        return Item("priorities", title, False, "No initiative has been sequenced yet, so no dimension is addressed.")
    if missing:
        return Item(
            "priorities", title, False, "The sequenced initiatives address no " + " or ".join(missing) + " bottleneck."
        )
    return Item(
        "priorities", title, True, "The sequenced initiatives address product, platform and organisation bottlenecks."
    )


def sequencing(snapshot: Snapshot) -> Item:
    title = "Clear sequencing of initiatives"
    if not snapshot.initiatives:
        return Item("sequencing", title, False, "There are no initiatives yet.")
    unplaced = [i for i in snapshot.initiatives if i.position is None]
    if unplaced:
        return Item(
            "sequencing",
            title,
            False,
            f"{_count(len(unplaced), 'initiative')} without a place in the sequence: {_names(unplaced)}.",
        )
    positions = [i.position for i in snapshot.initiatives]
    if len(set(positions)) != len(positions):
        return Item("sequencing", title, False, "Two or more initiatives share a position in the sequence.")
    return Item(
        "sequencing",
        title,
        True,
        f"Each of the {_count(len(positions), 'initiative')} has its own position in the sequence.",
    )


def decisions(snapshot: Snapshot) -> Item:
    title = "Build/Buy/Partner decisions made"
    top = snapshot.top
    if not top:
        return Item("decisions", title, False, "There are no initiatives to decide on yet.")
    undecided = [i for i in top if i.decision is None or not str(i.decision["rationale"]).strip()]
    if undecided:
        return Item(
            "decisions",
            title,
            False,
            f"Without a decision and rationale among the top {len(top)}: {_names(undecided)}.",
        )
    return Item(
        "decisions", title, True, f"Each of the top {_count(len(top), 'initiative')} has a decision and a rationale."
    )


def owners(snapshot: Snapshot) -> Item:
    title = "Metrics and owners assigned"
    decided = snapshot.decided
    if not decided:
        return Item("owners", title, False, "No initiative has a build/buy/partner decision yet.")
    missing = [
        i
        for i in decided
        if i.owner is None or not i.owner["owner"] or not i.owner["metric"] or i.owner["target"] is None
    ]
    if missing:
        return Item("owners", title, False, f"Decided but missing an owner, a metric or a target: {_names(missing)}.")
    return Item(
        "owners",
        title,
        True,
        f"Each of the {_count(len(decided), 'decided initiative')} has an owner, a metric and a target.",
    )


def observability_initiatives(snapshot: Snapshot) -> list[Initiative]:
    """Owned initiatives whose title or description is about observability."""
    return [
        i for i in snapshot.initiatives if i.owner is not None and OBSERVABILITY.search(f"{i.title} {i.description}")
    ]


def observability(snapshot: Snapshot) -> Item:
    title = "Platform observability in place"
    if snapshot.workshop["observability_confirmed"]:
        return Item("observability", title, True, "The team confirmed logging, tracing and metrics are in place.")
    owned = observability_initiatives(snapshot)
    if owned:
        return Item(
            "observability",
            title,
            True,
            f"Addressed by the owned {'initiative' if len(owned) == 1 else 'initiatives'} {_names(owned)}.",
        )
    return Item(
        "observability",
        title,
        False,
        "Nobody confirmed logging, tracing and metrics are in place, and no owned initiative addresses observability.",
    )


def evaluate(snapshot: Snapshot) -> list[Item]:
    """The five items in the checklist's order."""
    return [priorities(snapshot), sequencing(snapshot), decisions(snapshot), owners(snapshot), observability(snapshot)]
