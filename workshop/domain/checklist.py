"""The "Ship It" checklist, evaluated item by item from the recorded data.

Each item says whether it is done and, when it is open, exactly why, in the current language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workshop.domain.language import N_, _, ngettext
from workshop.domain.numbers import whole
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


TITLES: dict[str, str] = {
    "priorities": N_("Scaling priorities identified across product, platform and org"),
    "sequencing": N_("Clear sequencing of initiatives"),
    "decisions": N_("Build/Buy/Partner decisions made"),
    "owners": N_("Metrics and owners assigned"),
    "observability": N_("Platform observability in place"),
}


def _item(key: str, done: bool, reason: str) -> Item:
    """A checklist line, its title in the current language."""
    return Item(key, _(TITLES[key]), done, reason)


def _names(items: list[Initiative]) -> str:
    return ", ".join(_("\u201c{title}\u201d").format(title=i.title) for i in items)


def priorities(snapshot: Snapshot) -> Item:
    sequenced = snapshot.sequenced
    covered = {d for i in sequenced for d in i.dimensions}
    missing = [_(d.title).lower() for d in DIMENSIONS if d.key not in covered]
    if not sequenced:
        return _item("priorities", False, _("No initiative has been sequenced yet, so no dimension is addressed."))
    if missing:
        said = _("The sequenced initiatives address no {dimensions} bottleneck.")
        return _item("priorities", False, said.format(dimensions=_(" or ").join(missing)))
    return _item(
        "priorities", True, _("The sequenced initiatives address product, platform and organisation bottlenecks.")
    )


def sequencing(snapshot: Snapshot) -> Item:
    if not snapshot.initiatives:
        return _item("sequencing", False, _("There are no initiatives yet."))
    unplaced = [i for i in snapshot.initiatives if i.position is None]
    if unplaced:
        said = ngettext(
            "{n} initiative without a place in the sequence: {names}.",
            "{n} initiatives without a place in the sequence: {names}.",
            len(unplaced),
        )
        return _item("sequencing", False, said.format(n=whole(len(unplaced)), names=_names(unplaced)))
    positions = [i.position for i in snapshot.initiatives]
    if len(set(positions)) != len(positions):
        return _item("sequencing", False, _("Two or more initiatives share a position in the sequence."))
    said = ngettext(
        "Each of the {n} initiative has its own position in the sequence.",
        "Each of the {n} initiatives has its own position in the sequence.",
        len(positions),
    )
    return _item("sequencing", True, said.format(n=whole(len(positions))))


def decisions(snapshot: Snapshot) -> Item:
    top = snapshot.top
    if not top:
        return _item("decisions", False, _("There are no initiatives to decide on yet."))
    undecided = [i for i in top if i.decision is None or not str(i.decision["rationale"]).strip()]
    if undecided:
        said = _("Without a decision and rationale among the top {n}: {names}.")
        return _item("decisions", False, said.format(n=whole(len(top)), names=_names(undecided)))
    said = ngettext(
        "Each of the top {n} initiative has a decision and a rationale.",
        "Each of the top {n} initiatives has a decision and a rationale.",
        len(top),
    )
    return _item("decisions", True, said.format(n=whole(len(top))))


def owners(snapshot: Snapshot) -> Item:
    decided = snapshot.decided
    if not decided:
        return _item("owners", False, _("No initiative has a build/buy/partner decision yet."))
    missing = [
        i
        for i in decided
        if i.owner is None or not i.owner["owner"] or not i.owner["metric"] or i.owner["target"] is None
    ]
    if missing:
        said = _("Decided but missing an owner, a metric or a target: {names}.")
        return _item("owners", False, said.format(names=_names(missing)))
    said = ngettext(
        "Each of the {n} decided initiative has an owner, a metric and a target.",
        "Each of the {n} decided initiatives has an owner, a metric and a target.",
        len(decided),
    )
    return _item("owners", True, said.format(n=whole(len(decided))))


def observability_initiatives(snapshot: Snapshot) -> list[Initiative]:
    """Owned initiatives whose title or description is about observability."""
    return [
        i for i in snapshot.initiatives if i.owner is not None and OBSERVABILITY.search(f"{i.title} {i.description}")
    ]


def observability(snapshot: Snapshot) -> Item:
    if snapshot.workshop["observability_confirmed"]:
        return _item("observability", True, _("The team confirmed logging, tracing and metrics are in place."))
    owned = observability_initiatives(snapshot)
    if owned:
        said = ngettext(
            "Addressed by the owned initiative {names}.", "Addressed by the owned initiatives {names}.", len(owned)
        )
        return _item("observability", True, said.format(names=_names(owned)))
    return _item(
        "observability",
        False,
        _(
            "Nobody confirmed logging, tracing and metrics are in place, "
            "and no owned initiative addresses observability."
        ),
    )


def evaluate(snapshot: Snapshot) -> list[Item]:
    """The five items in the checklist's order."""
    return [priorities(snapshot), sequencing(snapshot), decisions(snapshot), owners(snapshot), observability(snapshot)]
