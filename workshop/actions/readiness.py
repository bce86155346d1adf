"""The optional pre-work check "Are we ready to scale?": the facilitator opens and closes it,
participants answer it on their phones.

Answers are possible whatever step the room is on, so people can answer days before the
workshop starts or in its first minutes; only a closed check, a locked room or an ended
workshop refuses them. A participant's submission is their whole set of answers and replaces
what they sent before, so changing one's mind is sending the form again.
"""

from __future__ import annotations

from typing import Any

from workshop import store
from workshop.actions.auth import (
    _again,
    _by_facilitator,
    _counted,
    _entry,
    _not_ended,
    _now,
    _open,
    identified,
)
from workshop.domain import audit
from workshop.domain.errors import InputLocked, InvalidInput
from workshop.domain.language import N_
from workshop.domain.readiness import validate_answers
from workshop.store import Database

CLOSED = N_("The readiness check is closed: the facilitator opens it when the room should answer.")


def open_readiness(db: Database, code: str, key: str, on: Any, now: float | None = None) -> None:
    """Open the check for answers (on) or close it, which freezes the results (off)."""
    workshop, actor = _by_facilitator(db, code, key)
    _not_ended(workshop)
    if not isinstance(on, bool):
        raise InvalidInput(N_("Say whether the readiness check is open (true) or closed (false)."))
    with store.change(db, workshop["id"], _entry(actor, "open_readiness", now)) as entry:
        entry.record("readiness check", {"open": bool(_again(db, workshop)["readiness_open"])}, {"open": on})
        store.update_workshop(db, workshop["id"], readiness_open=int(on))


def answer_readiness(db: Database, code: str, token: str, answers: Any, now: float | None = None) -> int:
    """Store one participant's answers to the check; returns how many they have given."""
    workshop, participant = identified(db, code, token)
    _open(workshop)
    if not workshop["readiness_open"]:
        raise InputLocked(CLOSED)
    given = validate_answers(answers, participant_id=int(participant["id"]))
    moment = _now(now)
    rows = [{"question": a.key, "rating": a.rating, "number": a.number, "updated_at": moment} for a in given]
    with store.change(db, workshop["id"], _counted(audit.READINESS)):
        workshop = _again(db, workshop)  # the check may close, or input lock, a moment before
        _open(workshop)
        if not workshop["readiness_open"]:
            raise InputLocked(CLOSED)
        store.replace_readiness_answers(db, workshop["id"], participant["id"], rows)
    return len(rows)
