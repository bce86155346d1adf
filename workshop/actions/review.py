"""Step 1's optional opening: the room reviews what the organisation committed to last time.

Each earlier commitment is concluded as done, carried over or dropped, with a one-line reason.
Carrying over creates a linked initiative in this workshop (same title, owner and metric); the
earlier workshop's follow-through records the outcome, so both workshops' versions move.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workshop import store
from workshop.actions.auth import Row, _again, _by_facilitator, _entry, _not_ended, _now
from workshop.domain import audit
from workshop.domain.commitments import Commitment, carried_copy
from workshop.domain.errors import InvalidInput, NotFound
from workshop.domain.followup import day_of
from workshop.domain.language import N_
from workshop.domain.text import clean_int, clean_text
from workshop.domain.vocabulary import ID_MAX, NOTE_MAX, REVIEW_KEYS
from workshop.store import Database
from workshop.store.load import commitments_of


def has_commitments(db: Database, organisation: str, now: float | None = None) -> bool:
    """Whether a new workshop for this organisation has earlier commitments to review."""
    probe = {"id": 0, "code": "", "organisation": organisation, "created_at": _now(now) + 1}
    return any(c.outcome is None for c in commitments_of(db, probe))


def _reviewed(db: Database, workshop: Row) -> None:
    if not workshop["review_minutes"]:
        raise InvalidInput(N_("This workshop does not open with a review of earlier commitments."))


def set_reviewing(db: Database, code: str, key: str, on: bool) -> None:
    """Show the review on phones and the projector (on), or move on to the brainstorm (off)."""
    workshop, actor = _by_facilitator(db, code, key)
    _not_ended(workshop)
    _reviewed(db, workshop)
    if not isinstance(on, bool):
        raise InvalidInput(N_("Say whether the review is on (true) or over (false)."))
    with store.change(db, workshop["id"], _entry(actor, "set_reviewing")) as entry:
        entry.record("review of earlier commitments", {"on": bool(_again(db, workshop)["reviewing"])}, {"on": on})
        store.update_workshop(db, workshop["id"], reviewing=int(on))


def review_commitment(
    db: Database,
    code: str,
    key: str,
    initiative_id: Any,
    outcome: Any,
    reason: Any,
    today: date | None = None,
    now: float | None = None,
) -> int | None:
    """Conclude one earlier commitment; returns the carried initiative's id when carried over.

    Changing a carried-over commitment to done or dropped removes its copy, as long as this
    room has not scored or decided it yet.
    """
    workshop, actor = _by_facilitator(db, code, key)
    _not_ended(workshop)
    _reviewed(db, workshop)
    wanted = clean_int(initiative_id, N_("Commitment"), low=1, high=ID_MAX)
    if not isinstance(outcome, str) or outcome not in REVIEW_KEYS:
        raise InvalidInput(N_("Choose done, carry over, drop."))
    why = clean_text(reason, N_("Reason"), max_len=NOTE_MAX)
    moment = _now(now)
    with store.change(db, workshop["id"], _entry(actor, "review_commitment", now)) as entry:
        # The commitment and its copy are read under the write lock: a score cannot slip in between.
        item = next((c for c in commitments_of(db, workshop) if c.initiative_id == wanted), None)
        if item is None:
            raise NotFound(N_("That is not one of the commitments this workshop reviews."))
        copy = _existing_copy(db, workshop, item)
        if copy is not None and outcome != "carry" and _worked_on(db, workshop, copy):
            raise InvalidInput(
                N_("The carried initiative already has scores or a decision here: delete it in step 3 first.")
            )
        store.bump(db, item.workshop_id)
        was = {"outcome": item.outcome, "reason": item.reason} if item.outcome else {}
        entry.record(audit.COMMITMENT_SUBJECT.format(title=item.track.title), was, {"outcome": outcome, "reason": why})
        if outcome == "carry" and copy is None:
            copy = _carry(db, workshop, item, today or day_of(moment), moment)
        elif outcome != "carry" and copy is not None:
            store.delete_initiative(db, copy)
            copy = None
        store.upsert_review(
            db,
            {
                "initiative_id": item.initiative_id,
                "reviewed_in": workshop["code"],
                "outcome": outcome,
                "reason": why,
                "reviewed_at": moment,
                "carried_to": copy,
            },
        )
    return copy


def _existing_copy(db: Database, workshop: Row, item: Commitment) -> int | None:
    """The initiative this workshop already carried the commitment into, if it still exists."""
    if item.carried_to is None or store.initiative(db, workshop["id"], item.carried_to) is None:
        return None
    return item.carried_to


def _worked_on(db: Database, workshop: Row, initiative_id: int) -> bool:
    scored = any(s["initiative_id"] == initiative_id for s in store.scores(db, workshop["id"]))
    decided = any(d["initiative_id"] == initiative_id for d in store.decisions(db, workshop["id"]))
    return scored or decided


def _carry(db: Database, workshop: Row, item: Commitment, today: date, moment: float) -> int:
    """The linked initiative: same title, owner and metric, marked as carried one more time."""
    earlier = store.initiative(db, item.workshop_id, item.initiative_id)
    assert earlier is not None
    copy = store.insert_initiative(
        db,
        workshop["id"],
        None,
        item.track.title,
        earlier["description"],
        moment,
        carried={"code": item.track.code, "title": item.track.title, "times": item.carried_times + 1},
    )
    store.upsert_owner(db, {**carried_copy(item, today), "initiative_id": copy, "assigned_at": moment})
    return copy
