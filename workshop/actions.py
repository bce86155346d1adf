"""Every change a person can make, each read as AUTH → VALIDATION → CHANGE.

Pages call exactly one of these per action. Facilitator actions check the facilitator
key here, not in the UI; participant actions check the participant's token; every
change is one transaction that bumps the workshop's version.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlite_utils import Database

from . import decide, followup, numbers, scoring, storage, timer
from .errors import BudgetExhausted, CycleRefused, InputLocked, InvalidInput, NotAllowed, NotFound
from .state import normalise_code
from .steps import (CLIENT_ID_MAX, DIMENSION_KEYS, DIRECTIONS, ID_MAX, LONG_MAX, MAGNITUDES, MAX_STEP_MINUTES,
                    MAX_VOTE_BUDGET, METHOD_KEYS, MONEY_MAX, NAME_MAX, NOTE_MAX, OUTCOME_KEYS, OWNER_MAX, SHORT_MAX,
                    STAGE_KEYS, STEP_KEYS, STEPS, UNIT_MAX)
from .text import clean_int, clean_number, clean_text

Row = dict[str, Any]

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def hash_secret(secret: str) -> str:
    """Keys and tokens are random and long, so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _now(now: float | None) -> float:
    return time.time() if now is None else float(now)


@dataclass(frozen=True)
class Created:
    """What the facilitator gets once, at creation: the key is never shown again."""

    code: str
    facilitator_key: str
    facilitator_token: str


@dataclass(frozen=True)
class Joined:
    """A participant's identity; the token lives in their link and survives refreshes."""

    token: str
    participant_id: int
    name: str


# --- auth ------------------------------------------------------------------------------

def _workshop(db: Database, code: str) -> Row:
    row = storage.workshop_by_code(db, normalise_code(code))
    if row is None:
        raise NotFound(f"No workshop has the code {str(code)[:12]!r}. Check the code and try again.")
    return row


def _facilitator(db: Database, code: str, key: str | None) -> Row:
    """The workshop, if `key` is its facilitator key or a facilitator device token.

    A device token is issued when the key is entered (see `facilitator_token`), so the
    key itself never has to sit in a URL or on a projected screen.
    """
    workshop = _workshop(db, code)
    if _holds_facilitator_key(db, workshop, key):
        return workshop
    raise NotAllowed("Only the facilitator can do this: enter the facilitator key.")


def _holds_facilitator_key(db: Database, workshop: Row, key: str | None) -> bool:
    if not key:
        return False
    digest = hash_secret(str(key).strip())
    if hmac.compare_digest(digest, workshop["key_hash"]):
        return True
    device = storage.participant_by_token(db, workshop["id"], digest)
    return device is not None and bool(device["is_facilitator"])


def _participant(db: Database, workshop: Row, token: str | None) -> Row:
    """The participant of this workshop holding `token`."""
    row = storage.participant_by_token(db, workshop["id"], hash_secret(str(token))) if token else None
    if row is None:
        raise NotAllowed("Join the workshop first: your identity was not recognised.")
    return row


def _open(workshop: Row) -> None:
    if workshop["ended_at"] is not None:
        raise InputLocked("The workshop has ended; its summary is read-only.")
    if workshop["locked"]:
        raise InputLocked("The facilitator has locked input for the moment.")


def _follower(db: Database, code: str, credential: str | None) -> tuple[Row, str]:
    """The workshop and who is acting ("facilitator" or "leader link") for follow-through.

    The leader link opens the summary and may add check-ins; it is refused by every
    other action because it is neither the key, a facilitator device nor a participant.
    """
    workshop = _workshop(db, code)
    if credential:
        digest = hash_secret(str(credential).strip())
        if workshop["leader_hash"] and hmac.compare_digest(digest, workshop["leader_hash"]):
            return workshop, "leader link"
        if _holds_facilitator_key(db, workshop, credential):
            return workshop, "facilitator"
    raise NotAllowed("Only the facilitator or a holder of the current leader link can record check-ins.")


def is_leader(db: Database, code: str, token: str | None) -> bool:
    """True if `token` is this workshop's current (not revoked) leader link."""
    try:
        return _follower(db, code, token)[1] == "leader link"
    except (NotAllowed, NotFound):
        return False


def is_facilitator(db: Database, code: str, key: str | None) -> bool:
    """True if `key` opens this workshop (for the UI to decide what to show)."""
    try:
        _facilitator(db, code, key)
    except (NotAllowed, NotFound):
        return False
    return True


def identify(db: Database, code: str, token: str | None) -> Row | None:
    """The participant behind a token, or None (used to restore identity on refresh)."""
    try:
        return _participant(db, _workshop(db, code), token)
    except (NotAllowed, NotFound):
        return None


# --- creating and joining --------------------------------------------------------------

def new_code(db: Database) -> str:
    """A fresh, unambiguous join code (no 0/O or 1/I)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not storage.code_exists(db, code):
            return code


def validate_minutes(minutes: Mapping[str, Any] | None) -> dict[str, int]:
    """Per-step durations (defaults from the step definitions), each 1–120 minutes."""
    minutes = minutes or {}
    unknown = set(minutes) - set(STEP_KEYS)
    if unknown:
        raise InvalidInput(f"Unknown step(s): {', '.join(sorted(unknown))}.")
    return {s.key: clean_int(minutes.get(s.key, s.minutes), f"Minutes for {s.title}", low=1,
                             high=MAX_STEP_MINUTES) for s in STEPS}


def create_workshop(db: Database, title: str, organisation: str, stage: str,
                    minutes: Mapping[str, Any] | None = None, vote_budget: int = 5,
                    now: float | None = None) -> Created:
    """Anyone may create a workshop; they receive its code and the facilitator key."""
    title = clean_text(title, "Title", max_len=SHORT_MAX)
    organisation = clean_text(organisation, "Organisation", max_len=SHORT_MAX)
    if stage not in STAGE_KEYS:
        raise InvalidInput("Choose the stage context: " + ", ".join(STAGE_KEYS) + ".")
    durations = validate_minutes(minutes)
    budget = clean_int(vote_budget, "Votes per person", low=1, high=MAX_VOTE_BUDGET)
    moment = _now(now)
    key = secrets.token_urlsafe(18)
    token = secrets.token_urlsafe(18)
    code = new_code(db)
    timers = [timer.Timer.fresh(s.key, durations[s.key]) for s in STEPS]
    workshop_id = storage.insert_workshop(db, {
        "code": code, "title": title, "organisation": organisation, "stage": stage,
        "key_hash": hash_secret(key), "created_at": moment, "current_step": STEPS[0].key,
        "vote_budget": budget,
    }, timers)
    storage.insert_participant(db, workshop_id, hash_secret(token), "Facilitator", moment, is_facilitator=True)
    return Created(code=code, facilitator_key=key, facilitator_token=token)


SIGN_IN_FAILED = "Facilitator sign-in failed: code or key not recognised. Check both and try again."


def facilitator_token(db: Database, code: str, key: str) -> str:
    """Re-entering the key on another device gives that device a fresh facilitator identity.

    A failed sign-in says only that the code or key was not recognised: the person typed
    both, and which one was wrong is no business of a guesser.
    """
    try:
        workshop = _facilitator(db, code, key)
    except (NotFound, NotAllowed):
        raise NotAllowed(SIGN_IN_FAILED) from None
    token = secrets.token_urlsafe(18)
    with storage.change(db, workshop["id"]):
        storage.insert_participant(db, workshop["id"], hash_secret(token), "Facilitator", _now(None),
                                   is_facilitator=True)
    return token


def join(db: Database, code: str, name: str | None = None, now: float | None = None) -> Joined:
    """Join with a display name, or anonymously when the name is left blank."""
    workshop = _workshop(db, code)
    if workshop["ended_at"] is not None:
        raise InputLocked("This workshop has ended; ask the facilitator for the summary link.")
    clean = clean_text(name, "Display name", max_len=NAME_MAX, required=False)
    token = secrets.token_urlsafe(18)
    with storage.change(db, workshop["id"]):
        if not clean:
            count = len(storage.participants(db, workshop["id"]))
            clean = f"Anonymous {count}"
        participant_id = storage.insert_participant(db, workshop["id"], hash_secret(token), clean, _now(now))
    return Joined(token=token, participant_id=participant_id, name=clean)


def rename(db: Database, code: str, token: str, name: str) -> str:
    workshop = _workshop(db, code)
    participant = _participant(db, workshop, token)
    clean = clean_text(name, "Display name", max_len=NAME_MAX)
    with storage.change(db, workshop["id"]):
        storage.rename_participant(db, participant["id"], clean)
    return clean


# --- step 1: bottlenecks and votes -----------------------------------------------------

def add_bottleneck(db: Database, code: str, token: str, dimension: str, text: str,
                   client_id: str | None = None, now: float | None = None) -> int:
    """Add a note; resubmitting the same `client_id` returns the first note instead of a copy."""
    workshop = _workshop(db, code)
    participant = _participant(db, workshop, token)
    _open(workshop)
    if dimension not in DIMENSION_KEYS:
        raise InvalidInput("Tag the bottleneck with product, platform or organisation.")
    clean = clean_text(text, "Bottleneck", max_len=NOTE_MAX)
    client = _client_id(client_id)
    with storage.change(db, workshop["id"]):
        if client:
            existing = storage.by_client_id(db, "bottlenecks", workshop["id"], participant["id"], client)
            if existing is not None:
                return int(existing["id"])
        return storage.insert_bottleneck(db, workshop["id"], participant["id"], dimension, clean,
                                         _now(now), client_id=client)


def _live_bottleneck(db: Database, workshop: Row, bottleneck_id: Any) -> Row:
    row = storage.bottleneck(db, workshop["id"], clean_int(bottleneck_id, "Bottleneck", low=1, high=ID_MAX))
    if row is None:
        raise NotFound("That bottleneck is not part of this workshop.")
    if row["merged_into"] is not None:
        raise InvalidInput("That bottleneck was merged into another one.")
    return row


def vote(db: Database, code: str, token: str, bottleneck_id: int, now: float | None = None) -> int:
    """Spend one dot; returns the dots left."""
    workshop = _workshop(db, code)
    participant = _participant(db, workshop, token)
    _open(workshop)
    row = _live_bottleneck(db, workshop, bottleneck_id)
    if row["hidden"]:
        raise InvalidInput("That bottleneck is hidden.")
    with storage.change(db, workshop["id"]):
        used = storage.votes_used(db, workshop["id"], participant["id"])
        if used >= workshop["vote_budget"]:
            raise BudgetExhausted(f"You have used all {workshop['vote_budget']} of your votes; "
                                  "take one back to move it.")
        storage.insert_vote(db, workshop["id"], row["id"], participant["id"], _now(now))
    return workshop["vote_budget"] - used - 1


def unvote(db: Database, code: str, token: str, bottleneck_id: int) -> int:
    """Take one dot back; returns the dots left."""
    workshop = _workshop(db, code)
    participant = _participant(db, workshop, token)
    _open(workshop)
    row = _live_bottleneck(db, workshop, bottleneck_id)
    with storage.change(db, workshop["id"]):
        if not storage.delete_one_vote(db, workshop["id"], row["id"], participant["id"]):
            raise InvalidInput("You have no vote on that bottleneck to take back.")
        used = storage.votes_used(db, workshop["id"], participant["id"])
    return workshop["vote_budget"] - used


def votes_left(db: Database, code: str, token: str) -> int:
    workshop = _workshop(db, code)
    participant = _participant(db, workshop, token)
    return workshop["vote_budget"] - storage.votes_used(db, workshop["id"], participant["id"])


def edit_bottleneck(db: Database, code: str, key: str, bottleneck_id: int, text: str,
                    dimension: str | None = None) -> None:
    workshop = _facilitator(db, code, key)
    row = _live_bottleneck(db, workshop, bottleneck_id)
    clean = clean_text(text, "Bottleneck", max_len=NOTE_MAX)
    dimension = dimension or row["dimension"]
    if dimension not in DIMENSION_KEYS:
        raise InvalidInput("Tag the bottleneck with product, platform or organisation.")
    with storage.change(db, workshop["id"]):
        storage.update_bottleneck(db, row["id"], text=clean, dimension=dimension)


def hide_bottleneck(db: Database, code: str, key: str, bottleneck_id: int, hidden: bool = True) -> None:
    """Hide noise from the board (its votes stay recorded but are refunded), or restore it.

    A restore that would give someone more counted votes than the budget is refused, so the
    budget always holds (and an export always imports again).
    """
    workshop = _facilitator(db, code, key)
    row = _live_bottleneck(db, workshop, bottleneck_id)
    if not hidden and row["hidden"]:
        used = storage.counted_votes(db, workshop["id"])
        over = [p for p, n in storage.votes_on(db, row["id"]).items()
                if used.get(p, 0) + n > workshop["vote_budget"]]
        if over:
            raise BudgetExhausted(f"Restoring it would give {numbers.plural(len(over), 'person', 'people')} more "
                                  "votes than the budget: raise the votes per person first.")
    with storage.change(db, workshop["id"]):
        storage.update_bottleneck(db, row["id"], hidden=int(bool(hidden)))


def merge_bottlenecks(db: Database, code: str, key: str, source_id: int, target_id: int) -> None:
    """Fold a duplicate into another note; its votes, impacts and links carry over."""
    workshop = _facilitator(db, code, key)
    source = _live_bottleneck(db, workshop, source_id)
    target = _live_bottleneck(db, workshop, target_id)
    if source["id"] == target["id"]:
        raise InvalidInput("Choose two different bottlenecks to merge.")
    with storage.change(db, workshop["id"]):
        storage.merge_bottleneck(db, source["id"], target["id"])


def set_vote_budget(db: Database, code: str, key: str, budget: int) -> None:
    """Change the votes per person; never below what someone has already spent."""
    workshop = _facilitator(db, code, key)
    clean = clean_int(budget, "Votes per person", low=1, high=MAX_VOTE_BUDGET)
    most = max(storage.counted_votes(db, workshop["id"]).values(), default=0)
    if clean < most:
        raise InvalidInput(f"Someone has already used {numbers.plural(most, 'vote')}: the budget cannot go "
                           f"below {most}.")
    with storage.change(db, workshop["id"]):
        storage.update_workshop(db, workshop["id"], vote_budget=clean)


# --- facilitation: lock, timers, steps, end --------------------------------------------

def set_locked(db: Database, code: str, key: str, locked: bool) -> None:
    workshop = _facilitator(db, code, key)
    with storage.change(db, workshop["id"]):
        storage.update_workshop(db, workshop["id"], locked=int(bool(locked)))


def _current_timer(db: Database, workshop: Row) -> timer.Timer:
    for item in storage.timers(db, workshop["id"]):
        if item.step_key == workshop["current_step"]:
            return item
    raise NotFound("The current step has no timer.")


def start_timer(db: Database, code: str, key: str, now: float | None = None) -> None:
    workshop = _facilitator(db, code, key)
    if workshop["ended_at"] is not None:
        raise InputLocked("The workshop has ended.")
    with storage.change(db, workshop["id"]):
        current = timer.reopen(_current_timer(db, workshop))
        storage.save_timer(db, workshop["id"], timer.start(current, _now(now)))


def _not_ended(workshop: Row) -> None:
    if workshop["ended_at"] is not None:
        raise InputLocked("The workshop has ended; reopen it to run the clock again.")


def pause_timer(db: Database, code: str, key: str, now: float | None = None) -> None:
    workshop = _facilitator(db, code, key)
    _not_ended(workshop)
    with storage.change(db, workshop["id"]):
        storage.save_timer(db, workshop["id"], timer.pause(_current_timer(db, workshop), _now(now)))


def extend_timer(db: Database, code: str, key: str, minutes: float, now: float | None = None) -> None:
    """Add minutes to the current step (negative values take time away)."""
    workshop = _facilitator(db, code, key)
    _not_ended(workshop)
    amount = clean_number(minutes, "Minutes", low=-MAX_STEP_MINUTES, high=MAX_STEP_MINUTES)
    assert amount is not None
    if amount == 0:
        raise InvalidInput("Add or remove at least a few seconds.")
    with storage.change(db, workshop["id"]):
        storage.save_timer(db, workshop["id"], timer.extend(_current_timer(db, workshop), amount * 60, _now(now)))


def go_to_step(db: Database, code: str, key: str, step_key: str, now: float | None = None,
               autostart: bool = True) -> None:
    """Move the room to a step: the current step's clock stops and banks its time."""
    workshop = _facilitator(db, code, key)
    if step_key not in STEP_KEYS:
        raise InvalidInput("Unknown step.")
    if workshop["ended_at"] is not None:
        raise InputLocked("The workshop has ended.")
    if step_key == workshop["current_step"]:
        return
    moment = _now(now)
    with storage.change(db, workshop["id"]):
        timers = {t.step_key: t for t in storage.timers(db, workshop["id"])}
        storage.save_timer(db, workshop["id"], timer.finish(timers[workshop["current_step"]], moment))
        target = timer.reopen(timers[step_key])
        if autostart:
            target = timer.start(target, moment)
        storage.save_timer(db, workshop["id"], target)
        storage.update_workshop(db, workshop["id"], current_step=step_key)


def next_step(db: Database, code: str, key: str, now: float | None = None) -> None:
    workshop = _facilitator(db, code, key)
    index = STEP_KEYS.index(workshop["current_step"])
    if index + 1 >= len(STEP_KEYS):
        raise InvalidInput("This is the last step: end the workshop to open the summary.")
    go_to_step(db, code, key, STEP_KEYS[index + 1], now)


def previous_step(db: Database, code: str, key: str, now: float | None = None) -> None:
    workshop = _facilitator(db, code, key)
    index = STEP_KEYS.index(workshop["current_step"])
    if index == 0:
        raise InvalidInput("This is already the first step.")
    go_to_step(db, code, key, STEP_KEYS[index - 1], now, autostart=False)


def set_step_minutes(db: Database, code: str, key: str, step_key: str, minutes: int) -> None:
    """Change a step's planned duration; a step that has not started gets the new full time."""
    workshop = _facilitator(db, code, key)
    if step_key not in STEP_KEYS:
        raise InvalidInput("Unknown step.")
    clean = clean_int(minutes, "Minutes", low=1, high=MAX_STEP_MINUTES)
    with storage.change(db, workshop["id"]):
        item = next(t for t in storage.timers(db, workshop["id"]) if t.step_key == step_key)
        updated = replace(item, minutes=clean)
        if item.state == "pending":
            updated = replace(updated, remaining=clean * 60.0)
        storage.save_timer(db, workshop["id"], updated)


def end_workshop(db: Database, code: str, key: str, now: float | None = None) -> None:
    """Stop the clock and freeze input; the summary stays available."""
    workshop = _facilitator(db, code, key)
    if workshop["ended_at"] is not None:
        return
    moment = _now(now)
    with storage.change(db, workshop["id"]):
        storage.save_timer(db, workshop["id"], timer.finish(_current_timer(db, workshop), moment))
        storage.update_workshop(db, workshop["id"], ended_at=moment, locked=1)


def reopen_workshop(db: Database, code: str, key: str) -> None:
    workshop = _facilitator(db, code, key)
    with storage.change(db, workshop["id"]):
        storage.update_workshop(db, workshop["id"], ended_at=None, locked=0)


# --- step 2: impacts -------------------------------------------------------------------

def _client_id(value: Any) -> str | None:
    """A phone's id for one submission: a retry with the same id is stored once."""
    return clean_text(value, "Submission id", max_len=CLIENT_ID_MAX, required=False) or None


def _impact_fields(db: Database, workshop: Row, bottleneck_id: Any, outcome: Any, direction: Any,
                   magnitude: Any, because: Any, money: Any) -> Row:
    """The validated columns of an impact (shared by adding and editing)."""
    row = _live_bottleneck(db, workshop, bottleneck_id)
    if outcome not in OUTCOME_KEYS:
        raise InvalidInput("Choose the business outcome this bottleneck affects.")
    if not isinstance(direction, str) or direction not in DIRECTIONS:
        raise InvalidInput("Choose whether it makes the outcome worse or holds it back.")
    return {"bottleneck_id": row["id"], "outcome": outcome, "direction": direction,
            "magnitude": clean_int(magnitude, "Magnitude", low=1, high=len(MAGNITUDES)),
            "money": clean_number(money, "Yearly money estimate", required=False, low=0, high=MONEY_MAX),
            "because": clean_text(because, "Because", max_len=NOTE_MAX)}


def add_impact(db: Database, code: str, token: str, bottleneck_id: int, outcome: str, direction: str,
               magnitude: int, because: str, money: float | str | None = None,
               client_id: str | None = None, now: float | None = None) -> int:
    """Link a bottleneck to the business outcome it damages; a retried `client_id` is stored once."""
    workshop = _workshop(db, code)
    participant = _participant(db, workshop, token)
    _open(workshop)
    fields = _impact_fields(db, workshop, bottleneck_id, outcome, direction, magnitude, because, money)
    client = _client_id(client_id)
    with storage.change(db, workshop["id"]):
        if client:
            existing = storage.by_client_id(db, "impacts", workshop["id"], participant["id"], client)
            if existing is not None:
                return int(existing["id"])
        return storage.insert_impact(db, workshop["id"], {
            **fields, "participant_id": participant["id"], "created_at": _now(now), "client_id": client})


def _own_impact(db: Database, workshop: Row, participant: Row, impact_id: Any) -> Row:
    row = storage.impact(db, workshop["id"], clean_int(impact_id, "Impact", low=1, high=ID_MAX))
    if row is None:
        raise NotFound("That impact is not part of this workshop.")
    if row["participant_id"] != participant["id"]:
        raise NotAllowed("You can change only the impacts you added.")
    return row


def edit_impact(db: Database, code: str, token: str, impact_id: int, bottleneck_id: int, outcome: str,
                direction: str, magnitude: int, because: str, money: float | str | None = None) -> None:
    """A participant corrects one of their own impacts."""
    workshop = _workshop(db, code)
    participant = _participant(db, workshop, token)
    _open(workshop)
    row = _own_impact(db, workshop, participant, impact_id)
    fields = _impact_fields(db, workshop, bottleneck_id, outcome, direction, magnitude, because, money)
    with storage.change(db, workshop["id"]):
        storage.update_impact(db, row["id"], fields)


def withdraw_impact(db: Database, code: str, token: str, impact_id: int) -> None:
    """A participant removes one of their own impacts."""
    workshop = _workshop(db, code)
    participant = _participant(db, workshop, token)
    _open(workshop)
    row = _own_impact(db, workshop, participant, impact_id)
    with storage.change(db, workshop["id"]):
        storage.delete_impact(db, row["id"])


def delete_impact(db: Database, code: str, key: str, impact_id: int) -> None:
    workshop = _facilitator(db, code, key)
    row = storage.impact(db, workshop["id"], clean_int(impact_id, "Impact", low=1, high=ID_MAX))
    if row is None:
        raise NotFound("That impact is not part of this workshop.")
    with storage.change(db, workshop["id"]):
        storage.delete_impact(db, row["id"])


# --- step 3: initiatives, scores, sequence ---------------------------------------------

def _initiative(db: Database, workshop: Row, initiative_id: Any) -> Row:
    row = storage.initiative(db, workshop["id"], clean_int(initiative_id, "Initiative", low=1, high=ID_MAX))
    if row is None:
        raise NotFound("That initiative is not part of this workshop.")
    return row


def _bottleneck_ids(db: Database, workshop: Row, bottleneck_ids: Sequence[int]) -> list[int]:
    ids = sorted({_live_bottleneck(db, workshop, b)["id"] for b in bottleneck_ids})
    if not ids:
        raise InvalidInput("Link the initiative to at least one bottleneck it relieves.")
    return ids


def add_initiative(db: Database, code: str, token: str, title: str, bottleneck_ids: Sequence[int],
                   description: str = "", client_id: str | None = None, now: float | None = None) -> int:
    """Propose an initiative against the bottlenecks it relieves; a retried `client_id` is stored once."""
    workshop = _workshop(db, code)
    participant = _participant(db, workshop, token)
    _open(workshop)
    clean_title = clean_text(title, "Initiative", max_len=SHORT_MAX)
    clean_description = clean_text(description, "Description", max_len=LONG_MAX, required=False, multiline=True)
    if not isinstance(bottleneck_ids, (list, tuple)):
        raise InvalidInput("Link the initiative to at least one bottleneck it relieves.")
    ids = _bottleneck_ids(db, workshop, bottleneck_ids)
    client = _client_id(client_id)
    with storage.change(db, workshop["id"]):
        if client:
            existing = storage.by_client_id(db, "initiatives", workshop["id"], participant["id"], client)
            if existing is not None:
                return int(existing["id"])
        initiative_id = storage.insert_initiative(db, workshop["id"], participant["id"], clean_title,
                                                  clean_description, _now(now), client_id=client)
        storage.link_initiative(db, initiative_id, ids)
    return initiative_id


def edit_initiative(db: Database, code: str, key: str, initiative_id: int, title: str,
                    description: str, bottleneck_ids: Sequence[int]) -> None:
    workshop = _facilitator(db, code, key)
    row = _initiative(db, workshop, initiative_id)
    clean_title = clean_text(title, "Initiative", max_len=SHORT_MAX)
    clean_description = clean_text(description, "Description", max_len=LONG_MAX, required=False, multiline=True)
    ids = _bottleneck_ids(db, workshop, bottleneck_ids)
    with storage.change(db, workshop["id"]):
        storage.update_initiative(db, row["id"], title=clean_title, description=clean_description)
        storage.set_links(db, row["id"], ids)


def delete_initiative(db: Database, code: str, key: str, initiative_id: int) -> None:
    workshop = _facilitator(db, code, key)
    row = _initiative(db, workshop, initiative_id)
    with storage.change(db, workshop["id"]):
        storage.delete_initiative(db, row["id"])


def score_initiative(db: Database, code: str, token: str, initiative_id: int,
                     scores: Mapping[str, Any], now: float | None = None) -> None:
    """Record (or replace) this participant's score of one initiative."""
    workshop = _workshop(db, code)
    participant = _participant(db, workshop, token)
    _open(workshop)
    row = _initiative(db, workshop, initiative_id)
    clean = scoring.validate_score(scores)
    with storage.change(db, workshop["id"]):
        storage.upsert_score(db, {"initiative_id": row["id"], "participant_id": participant["id"],
                                  "updated_at": _now(now), **clean})


def set_scoring_method(db: Database, code: str, key: str, method: str) -> None:
    workshop = _facilitator(db, code, key)
    if method not in METHOD_KEYS:
        raise InvalidInput("Choose ROI or WSJF.")
    with storage.change(db, workshop["id"]):
        storage.update_workshop(db, workshop["id"], scoring=method)


def add_dependency(db: Database, code: str, key: str, initiative_id: int, after_id: int) -> None:
    """Record that one initiative must come after another; cycles are refused."""
    workshop = _facilitator(db, code, key)
    first = _initiative(db, workshop, initiative_id)
    second = _initiative(db, workshop, after_id)
    if first["id"] == second["id"]:
        raise CycleRefused("An initiative cannot come after itself.")
    pairs = [(d["initiative_id"], d["after_id"]) for d in storage.dependencies(db, workshop["id"])]
    if scoring.has_cycle(pairs + [(first["id"], second["id"])]):
        raise CycleRefused(f"\u201c{first['title']}\u201d cannot come after \u201c{second['title']}\u201d: "
                           "that would make the sequence circular.")
    with storage.change(db, workshop["id"]):
        storage.insert_dependency(db, first["id"], second["id"])
        _repair_sequence(db, workshop["id"])


def remove_dependency(db: Database, code: str, key: str, initiative_id: int, after_id: int) -> None:
    workshop = _facilitator(db, code, key)
    first = _initiative(db, workshop, initiative_id)
    second = _initiative(db, workshop, after_id)
    with storage.change(db, workshop["id"]):
        storage.delete_dependency(db, first["id"], second["id"])


def _repair_sequence(db: Database, workshop_id: int) -> None:
    """Keep an existing sequence consistent with a newly added dependency."""
    rows = [r for r in storage.initiatives(db, workshop_id) if r["position"] is not None]
    if not rows:
        return
    ordered = [r["id"] for r in sorted(rows, key=lambda r: r["position"])]
    pairs = [(d["initiative_id"], d["after_id"]) for d in storage.dependencies(db, workshop_id)]
    fixed = scoring.topological_order(ordered, pairs)
    storage.set_positions(db, {initiative_id: n for n, initiative_id in enumerate(fixed, start=1)})


def set_sequence(db: Database, code: str, key: str, ordered_ids: Sequence[int]) -> None:
    """Fix the order initiatives start in; it must respect every 'must come after'."""
    workshop = _facilitator(db, code, key)
    ids = [_initiative(db, workshop, i)["id"] for i in ordered_ids]
    if len(set(ids)) != len(ids):
        raise InvalidInput("Each initiative can appear only once in the sequence.")
    position = {initiative_id: n for n, initiative_id in enumerate(ids, start=1)}
    titles = {r["id"]: r["title"] for r in storage.initiatives(db, workshop["id"])}
    for dep in storage.dependencies(db, workshop["id"]):
        later, earlier = dep["initiative_id"], dep["after_id"]
        if later in position and (earlier not in position or position[earlier] > position[later]):
            raise CycleRefused(f"\u201c{titles[later]}\u201d must come after \u201c{titles[earlier]}\u201d.")
    everyone = {r: None for r in titles}
    everyone.update(position)
    with storage.change(db, workshop["id"]):
        storage.set_positions(db, everyone)


def adopt_ranking(db: Database, code: str, key: str) -> list[int]:
    """Sequence every initiative by its rank, moved only as far as dependencies require."""
    from .state import load  # local import: state depends on storage only
    workshop = _facilitator(db, code, key)
    snapshot = load(db, workshop["code"])
    if not snapshot.initiatives:
        raise InvalidInput("There are no initiatives to sequence yet.")
    pairs = [(i.id, a) for i in snapshot.initiatives for a in i.after_ids]
    order = scoring.topological_order([i.id for i in snapshot.ranked], pairs)
    set_sequence(db, code, key, order)
    return order


# --- step 4: build / buy / partner -----------------------------------------------------

def record_decision(db: Database, code: str, key: str, initiative_id: int, answers: Mapping[str, str],
                    choice: str | None, rationale: str, now: float | None = None) -> decide.Recommendation:
    """Record the team's choice; an overrule of the recommendation is kept with it.

    `choice=None` follows the recommendation of *these* answers, so a stale pick can never
    turn into an overrule nobody made; an overrule is only ever an explicit choice.
    """
    workshop = _facilitator(db, code, key)
    row = _initiative(db, workshop, initiative_id)
    clean_answers = decide.validate_answers(answers)
    if choice is not None and choice not in decide.CHOICES:
        raise InvalidInput("Choose build, buy or partner.")
    reason = clean_text(rationale, "Rationale", max_len=LONG_MAX, multiline=True)
    recommendation = decide.recommend(clean_answers)
    with storage.change(db, workshop["id"]):
        for question, answer in clean_answers.items():
            storage.set_answer(db, row["id"], question, answer)
        storage.upsert_decision(db, {"initiative_id": row["id"], "answers": clean_answers,
                                     "recommendation": recommendation.choice,
                                     "choice": choice or recommendation.choice,
                                     "rationale": reason, "decided_at": _now(now)})
    return recommendation


def answer_question(db: Database, code: str, key: str, initiative_id: int, question: str, answer: str) -> None:
    """The facilitator answers one question as the room discusses it; phones see the
    recommendation as soon as all five are answered, before the decision is recorded."""
    workshop = _facilitator(db, code, key)
    row = _initiative(db, workshop, initiative_id)
    options = next((q.options for q in decide.QUESTIONS if q.key == question), None) if isinstance(question, str) else None
    if options is None:
        raise InvalidInput("Unknown question.")
    if not isinstance(answer, str) or answer not in options:
        raise InvalidInput("Choose one of the question's answers.")
    with storage.change(db, workshop["id"]):
        storage.set_answer(db, row["id"], question, answer)


def pick_choice(db: Database, code: str, token: str, initiative_id: int, choice: str | None,
                reason: str = "", now: float | None = None) -> None:
    """A participant's own build/buy/partner pick with a one-line reason (None takes it back).

    Picks inform the team's decision; only the facilitator records the decision itself.
    """
    workshop = _workshop(db, code)
    participant = _participant(db, workshop, token)
    _open(workshop)
    row = _initiative(db, workshop, initiative_id)
    if choice is not None and choice not in decide.CHOICES:
        raise InvalidInput("Choose build, buy or partner.")
    clean_reason = clean_text(reason, "Reason", max_len=NOTE_MAX, required=False)
    with storage.change(db, workshop["id"]):
        if choice is None:
            storage.delete_pick(db, row["id"], participant["id"])
        else:
            storage.upsert_pick(db, {"initiative_id": row["id"], "participant_id": participant["id"],
                                     "choice": choice, "reason": clean_reason, "updated_at": _now(now)})


# --- step 5: owners --------------------------------------------------------------------

def assign_owner(db: Database, code: str, key: str, initiative_id: int, owner: str, metric: str,
                 baseline: float | str, target: float | str, checkin: date | str, unit: str = "",
                 today: date | None = None, now: float | None = None) -> None:
    """Give a decided initiative its DRI, metric, baseline, target and first check-in."""
    workshop = _facilitator(db, code, key)
    row = _initiative(db, workshop, initiative_id)
    if not any(d["initiative_id"] == row["id"] for d in storage.decisions(db, workshop["id"])):
        raise InvalidInput("Record a build/buy/partner decision for this initiative first.")
    clean_owner = clean_text(owner, "Owner", max_len=OWNER_MAX)
    clean_metric = clean_text(metric, "Success metric", max_len=SHORT_MAX)
    clean_unit = clean_text(unit, "Unit", max_len=UNIT_MAX, required=False)
    base = clean_number(baseline, "Baseline")
    goal = clean_number(target, "Target")
    if base == goal:
        raise InvalidInput("The target equals the baseline: say what should change.")
    try:
        when = checkin if isinstance(checkin, date) else date.fromisoformat(str(checkin).strip())
    except ValueError:
        raise InvalidInput("The check-in date must be a date such as 2026-12-31.") from None
    today = today or date.fromtimestamp(_now(now))
    if when < today:
        raise InvalidInput("The first check-in date is in the past: choose today or later.")
    with storage.change(db, workshop["id"]):
        storage.upsert_owner(db, {"initiative_id": row["id"], "owner": clean_owner, "metric": clean_metric,
                                  "unit": clean_unit, "baseline": base, "target": goal,
                                  "checkin": when.isoformat(), "assigned_at": _now(now)})


def volunteer(db: Database, code: str, token: str, initiative_id: int, on: bool = True,
              now: float | None = None) -> None:
    """"I can own this": the facilitator sees the volunteers when assigning the owner."""
    workshop = _workshop(db, code)
    participant = _participant(db, workshop, token)
    _open(workshop)
    row = _initiative(db, workshop, initiative_id)
    if not isinstance(on, bool):
        raise InvalidInput("Say whether you volunteer (true) or step back (false).")
    with storage.change(db, workshop["id"]):
        storage.set_volunteer(db, row["id"], participant["id"], on, _now(now))


def confirm_observability(db: Database, code: str, key: str, confirmed: bool) -> None:
    """The team states that logging, tracing and metrics are in place (or withdraws it)."""
    workshop = _facilitator(db, code, key)
    with storage.change(db, workshop["id"]):
        storage.update_workshop(db, workshop["id"], observability_confirmed=int(bool(confirmed)))


# --- leaders and follow-through ----------------------------------------------------------

def issue_leader_link(db: Database, code: str, key: str, now: float | None = None) -> str:
    """A new read-only link for leaders; any earlier leader link stops working."""
    workshop = _facilitator(db, code, key)
    token = secrets.token_urlsafe(18)
    with storage.change(db, workshop["id"]):
        storage.update_workshop(db, workshop["id"], leader_hash=hash_secret(token), leader_issued_at=_now(now))
    return token


def revoke_leader_link(db: Database, code: str, key: str) -> None:
    workshop = _facilitator(db, code, key)
    if workshop["leader_hash"] is None:
        raise InvalidInput("There is no leader link to revoke.")
    with storage.change(db, workshop["id"]):
        storage.update_workshop(db, workshop["id"], leader_hash=None, leader_issued_at=None)


def _day(value: date | str | None, field: str, default: date | None = None) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(f"{field} must be a date such as 2026-12-31.") from None


def record_checkin(db: Database, code: str, credential: str, initiative_id: int, value: float | str,
                   status: str, note: str = "", checked_on: date | str | None = None,
                   next_checkin: date | str | None = None, recorded_by: str = "",
                   today: date | None = None, now: float | None = None) -> int:
    """An owner reports the metric's value, a status and a note; works after the workshop ended."""
    workshop, via = _follower(db, code, credential)
    row = _initiative(db, workshop, initiative_id)
    owner = storage.owner(db, row["id"])
    if owner is None:
        raise InvalidInput("This initiative has no owner and metric yet: assign them in step 5 first.")
    measured = clean_number(value, "Metric value")
    if not isinstance(status, str) or status not in followup.STATUSES:
        raise InvalidInput("Choose a status: on track, at risk or off track.")
    clean_note = clean_text(note, "Note", max_len=NOTE_MAX, required=False)
    who = clean_text(recorded_by, "Recorded by", max_len=OWNER_MAX, required=False) or owner["owner"]
    today = today or date.fromtimestamp(_now(now))
    when = _day(checked_on, "The check-in date", default=today)
    assert when is not None
    if when > today:
        raise InvalidInput("The check-in date is in the future: record what was measured, on or before today.")
    if when < followup.day_of(owner["assigned_at"]):
        raise InvalidInput("The check-in date is before the owner was assigned.")
    upcoming = _day(next_checkin, "The next check-in date")
    if upcoming is not None and upcoming <= when:
        raise InvalidInput("The next check-in must come after this one.")
    with storage.change(db, workshop["id"]):
        return storage.insert_checkin(db, {
            "initiative_id": row["id"], "checked_on": when.isoformat(), "value": measured, "status": status,
            "note": clean_note, "next_checkin": upcoming.isoformat() if upcoming else None, "recorded_by": who,
            "via": via, "created_at": _now(now)})


def delete_checkin(db: Database, code: str, key: str, checkin_id: int) -> None:
    """Remove a check-in recorded by mistake (facilitator only; leader links only add)."""
    workshop = _facilitator(db, code, key)
    row = storage.checkin(db, workshop["id"], clean_int(checkin_id, "Check-in", low=1, high=ID_MAX))
    if row is None:
        raise NotFound("That check-in is not part of this workshop.")
    with storage.change(db, workshop["id"]):
        storage.delete_checkin(db, row["id"])
