"""Last time's commitments: what an organisation's earlier workshops promised, reviewed at its next one.

A commitment is an owned initiative of an earlier workshop of the same organisation. The next
workshop can open step 1 with a review of them: the room concludes each one as done, carried
over or dropped. A commitment stays open (and is offered to the next review) until a review
concludes it; one concluded in this workshop stays on this workshop's list with its outcome.
Everything here is a pure function of rows and `today`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from workshop.domain.erasure import owner_shown
from workshop.domain.followup import Track, checkins_by_initiative, tracked
from workshop.domain.language import _
from workshop.domain.timer import Timer
from workshop.domain.vocabulary import CARRY_WARNING, review_by_key

Row = dict[str, Any]


def same_organisation(a: str, b: str) -> bool:
    """Organisations are typed by people: "Acme " and "acme" are the same one."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@dataclass(frozen=True)
class Commitment:
    """One earlier owned initiative, where its metric stands, and what this review concluded."""

    track: Track
    workshop_id: int  # the earlier workshop's row id: a review writes to its follow-through
    carried_times: int
    outcome: str | None = None
    reason: str = ""
    carried_to: int | None = None

    @property
    def initiative_id(self) -> int:
        return self.track.initiative_id

    @property
    def outcome_title(self) -> str:
        return _(review_by_key(self.outcome).acted) if self.outcome else _("Not reviewed yet")

    def as_dict(self, today: date) -> Row:
        """What the phones and the projector show of it (the live payload's `review.items`)."""
        t = self.track
        return {
            "id": t.initiative_id,
            "title": t.title,
            "code": t.code,
            "workshop": t.workshop_title,
            "owner": owner_shown(t.owner),
            "metric": t.metric,
            "unit": t.unit,
            "baseline": t.baseline,
            "target": t.target,
            "value": t.value,
            "progress": t.progress,
            "status": t.status,
            "status_title": t.status_title,
            "overdue": t.overdue(today),
            "days_overdue": t.days_overdue(today),
            "carried_times": self.carried_times,
            "outcome": self.outcome,
            "outcome_title": self.outcome_title,
            "reason": self.reason,
        }


def open_commitments(workshop: Row, rows: Sequence[Row], checkins: Sequence[Row]) -> list[Commitment]:
    """The earlier commitments a workshop reviews (rows from `storage.earlier_owned`).

    Same organisation, held before, and either not concluded yet or concluded in this workshop.
    """
    by_initiative = checkins_by_initiative(checkins)
    chosen = []
    for row in rows:
        if not same_organisation(row["organisation"], workshop["organisation"]):
            continue
        if row["reviewed_in"] is not None and row["reviewed_in"] != workshop["code"]:
            continue
        chosen.append(
            Commitment(
                track=tracked(row, by_initiative.get(row["initiative_id"], [])),
                workshop_id=int(row["workshop_id"]),
                carried_times=int(row["carried_times"]),
                outcome=row["outcome"],
                reason=row["reason"] or "",
                carried_to=row["carried_to"],
            )
        )
    return chosen


def carried_copy(commitment: Commitment, today: date) -> Row:
    """The owner row of a carried-over initiative: same owner and metric, starting from where the
    metric stands now, with the same check-in rhythm as the commitment it continues."""
    t = commitment.track
    rhythm = max(1, (t.first_checkin - t.assigned_on).days)
    return {
        "owner": t.owner,
        "metric": t.metric,
        "unit": t.unit,
        "baseline": t.value if t.value != t.target else t.baseline,
        "target": t.target,
        "checkin": date.fromordinal(today.toordinal() + rhythm).isoformat(),
    }


def review_until(step_timer: Timer, review_minutes: int) -> float:
    """The step-1 clock reading at which the review's time box ends: the brainstorm's minutes.

    The review is counted in step 1's own timer, so "time left for the review" is the step's time
    left minus the brainstorm's share, a pure function of the stored deadline and `now`.
    """
    return max(0.0, (step_timer.minutes - review_minutes) * 60.0)


def too_often(carried_times: int) -> bool:
    """Carried over for the third time: the pitfall flag's rule."""
    return carried_times >= CARRY_WARNING
