"""Creating, joining and running the room: sign-in, lock, timers, steps, end and reopen."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from workshop import store
from workshop.actions.auth import (
    Row,
    _again,
    _by_facilitator,
    _counted,
    _entry,
    _facilitator,
    _not_ended,
    _now,
    _workshop,
    hash_secret,
    identified,
)
from workshop.actions.review import has_commitments
from workshop.domain import audit, timer
from workshop.domain.audience import Joining, joining
from workshop.domain.errors import InputLocked, InvalidInput, NotAllowed, NotFound, Phrase, step_phrase
from workshop.domain.language import N_, SOURCE, languages, supported
from workshop.domain.text import clean_int, clean_number, clean_text
from workshop.domain.vocabulary import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_STEP_MINUTES,
    MAX_VOTE_BUDGET,
    NAME_MAX,
    SHORT_MAX,
    STAGE_KEYS,
    STEP_KEYS,
    STEPS,
    step_label,
)
from workshop.store import Database

# In an anonymous workshop people are numbered by join order, and that label is all that is stored.
NUMBERED = re.compile(r"Participant [1-9][0-9]{0,8}")
ANONYMOUS_RENAME = N_("This workshop is anonymous: participants are numbered, not named.")


def _numbered(number: int) -> str:
    """The name an anonymous workshop gives its `number`-th participant."""
    return f"Participant {number}"


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


def new_code(db: Database) -> str:
    """A fresh, unambiguous join code (no 0/O or 1/I)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not store.code_exists(db, code):
            return code


def validate_minutes(minutes: Mapping[str, Any] | None) -> dict[str, int]:
    """Per-step durations (defaults from the step definitions), each 1–120 minutes."""
    minutes = minutes or {}
    unknown = set(minutes) - set(STEP_KEYS)
    if unknown:
        raise InvalidInput(N_("Unknown step(s): {unknown}."), unknown=", ".join(sorted(unknown)))
    return {
        s.key: clean_int(
            minutes.get(s.key, s.minutes),
            Phrase(N_("Minutes for {step}"), step=Phrase(s.title)),
            low=1,
            high=MAX_STEP_MINUTES,
        )
        for s in STEPS
    }


def create_workshop(
    db: Database,
    title: str,
    organisation: str,
    stage: str,
    minutes: Mapping[str, Any] | None = None,
    vote_budget: int = 5,
    now: float | None = None,
    review_minutes: int = 0,
    private_brainstorm: bool = False,
    anonymous: bool = False,
    language: str = SOURCE,
) -> Created:
    """Anyone may create a workshop; they receive its code and the facilitator key.

    With `review_minutes`, step 1 opens with a review of the organisation's earlier commitments,
    counted in step 1's own timer (and so in the agenda). `private_brainstorm` keeps notes on
    their authors' phones until the facilitator reveals the board; `anonymous` numbers the
    participants instead of asking their names; `language` is the one the room runs in.
    """
    title = clean_text(title, N_("Title"), max_len=SHORT_MAX)
    spoken = _language(language)
    organisation = clean_text(organisation, N_("Organisation"), max_len=SHORT_MAX)
    if stage not in STAGE_KEYS:
        raise InvalidInput(N_("Choose the stage context: {stages}."), stages=", ".join(STAGE_KEYS))
    durations = validate_minutes(minutes)
    budget = clean_int(vote_budget, N_("Votes per person"), low=1, high=MAX_VOTE_BUDGET)
    moment = _now(now)
    review = _review_minutes(db, organisation, review_minutes, durations[STEPS[0].key], moment)
    key = secrets.token_urlsafe(18)
    token = secrets.token_urlsafe(18)
    code = new_code(db)
    durations[STEPS[0].key] += review
    timers = [timer.Timer.fresh(s.key, durations[s.key]) for s in STEPS]
    settings = {"title": title, "organisation": organisation, "stage": stage, "vote_budget": budget}
    settings |= {"review_minutes": review, "private_brainstorm": bool(private_brainstorm), "anonymous": bool(anonymous)}
    row = {"code": code, "key_hash": hash_secret(key), "created_at": moment, "current_step": STEPS[0].key}
    row |= {"reviewing": int(review > 0), "private_brainstorm": int(bool(private_brainstorm))}
    row["anonymous"] = int(bool(anonymous))
    settings["language"] = spoken
    workshop_id = store.insert_workshop(db, settings | row, timers, _creation(code, settings, moment))
    store.insert_participant(db, workshop_id, hash_secret(token), "Facilitator", moment, is_facilitator=True)
    return Created(code=code, facilitator_key=key, facilitator_token=token)


def _creation(code: str, settings: dict[str, Any], moment: float) -> audit.Entry:
    """The first entry of a workshop's trail: created with the key, with the settings it started with."""
    created = _entry(audit.KEY, "create_workshop", moment)
    created.record(code, {}, settings)
    return created.entry(STEPS[0].key)


def _review_minutes(db: Database, organisation: str, minutes: Any, step_minutes: int, now: float) -> int:
    """The review's time box: refused when the organisation has nothing earlier to review."""
    review = clean_int(minutes, N_("Minutes for the review"), low=0, high=MAX_STEP_MINUTES - step_minutes)
    if review and not has_commitments(db, organisation, now):
        raise InvalidInput(
            N_("{organisation} has no earlier commitments to review: leave the review out."), organisation=organisation
        )
    return review


SIGN_IN_FAILED = N_("Facilitator sign-in failed: code or key not recognised. Check both and try again.")


def facilitator_token(db: Database, code: str, key: str) -> str:
    """Re-entering the key on another device gives that device a fresh facilitator identity.

    A failed sign-in says only that the code or key was not recognised: the person typed
    both, and which one was wrong is no business of a guesser.
    """
    try:
        workshop, actor = _by_facilitator(db, code, key)
    except (NotFound, NotAllowed):
        raise NotAllowed(SIGN_IN_FAILED) from None
    token = secrets.token_urlsafe(18)
    with store.change(db, workshop["id"], _entry(actor, "facilitator_sign_in")) as entry:
        device = store.insert_participant(
            db, workshop["id"], hash_secret(token), "Facilitator", _now(None), is_facilitator=True
        )
        number = store.participant_number(db, workshop["id"], device)
        entry.record("a new device", {}, {"device": audit.device_via(number)})
    return token


def join(db: Database, code: str, name: str | None = None, now: float | None = None) -> Joined:
    """Join with a display name, or anonymously when the name is left blank.

    An anonymous workshop ignores any name sent (an old form, a cached field) and numbers the
    person by join order, so a typed name is never stored and cannot reach any screen or export.
    """
    workshop = _workshop(db, code)
    if workshop["ended_at"] is not None:
        raise InputLocked(N_("This workshop has ended; ask the facilitator for the summary link."))
    anonymous = bool(workshop["anonymous"])
    clean = "" if anonymous else clean_text(name, N_("Display name"), max_len=NAME_MAX, required=False)
    token = secrets.token_urlsafe(18)
    with store.change(db, workshop["id"], _counted(audit.JOIN)):
        if anonymous:
            clean = _numbered(store.joined_count(db, workshop["id"]) + 1)
        elif not clean:
            count = len(store.participants(db, workshop["id"]))
            clean = f"Anonymous {count}"
        participant_id = store.insert_participant(db, workshop["id"], hash_secret(token), clean, _now(now))
    return Joined(token=token, participant_id=participant_id, name=clean)


def rename(db: Database, code: str, token: str, name: str) -> str:
    """A participant changes their display name; an anonymous workshop has none to change."""
    workshop, participant = identified(db, code, token)
    if workshop["anonymous"]:
        raise InvalidInput(ANONYMOUS_RENAME)
    clean = clean_text(name, N_("Display name"), max_len=NAME_MAX)
    with store.change(db, workshop["id"], _counted(audit.RENAME)):
        store.rename_participant(db, participant["id"], clean)
    return clean


def set_locked(db: Database, code: str, key: str, locked: bool) -> None:
    workshop, actor = _by_facilitator(db, code, key)
    with store.change(db, workshop["id"], _entry(actor, "set_locked")) as entry:
        entry.record("input", {"locked": bool(_again(db, workshop)["locked"])}, {"locked": bool(locked)})
        store.update_workshop(db, workshop["id"], locked=int(bool(locked)))


UNKNOWN_LANGUAGE = N_("Choose one of the workshop's languages: {known}.")


def _language(code: Any) -> str:
    """A language the app has (a code such as 'de'), else a refusal naming those it has."""
    found = supported(code) if isinstance(code, str) and len(code) <= 35 else None
    if found is None or found != code.strip().lower():
        raise InvalidInput(UNKNOWN_LANGUAGE, known=", ".join(languages()))
    return found


def set_language(db: Database, code: str, key: str, language: str) -> str:
    """The facilitator changes the language the room runs in: the projector, the console and
    the exports follow it; each phone keeps its own choice."""
    workshop, actor = _by_facilitator(db, code, key)
    spoken = _language(language)
    with store.change(db, workshop["id"], _entry(actor, "set_language")) as entry:
        before = str(_again(db, workshop)["language"])
        entry.record("language", {"language": before}, {"language": spoken})
        store.update_workshop(db, workshop["id"], language=spoken)
    return spoken


def _current_timer(db: Database, workshop: Row) -> timer.Timer:
    for item in store.timers(db, workshop["id"]):
        if item.step_key == workshop["current_step"]:
            return item
    raise NotFound(N_("The current step has no timer."))


def _still_on(workshop: Row, step: str | None) -> None:
    """Refuse a press made on a console that showed another step than the room is on now."""
    if step is not None and step != workshop["current_step"]:
        raise InvalidInput(
            N_("The room is already on {step}: nothing changed."), step=step_phrase(workshop["current_step"])
        )


def _clock_values(item: timer.Timer, now: float) -> dict[str, str]:
    """A clock as the trail shows it before and after a change: its state and the time left."""
    return {"clock": item.state, "left": timer.format_clock(timer.time_left(item, now))}


def _save_clock(db: Database, workshop: Row, entry: audit.Draft, old: timer.Timer, new: timer.Timer) -> None:
    """Store a step's new clock and say in the trail how it changed."""
    entry.record(step_label(old.step_key), _clock_values(old, entry.at), _clock_values(new, entry.at))
    store.save_timer(db, workshop["id"], new)


def _clock(db: Database, workshop: Row, step: str | None) -> tuple[Row, timer.Timer]:
    """Inside the change: the workshop as it is now, not ended, on `step`, and its clock."""
    workshop = _again(db, workshop)
    _not_ended(workshop)
    _still_on(workshop, step)
    return workshop, _current_timer(db, workshop)


def start_timer(db: Database, code: str, key: str, now: float | None = None, step: str | None = None) -> None:
    """Start the clock of the room's step (`step`: the one the console showed, if it names one)."""
    workshop, actor = _by_facilitator(db, code, key)
    with store.change(db, workshop["id"], _entry(actor, "start_timer", now)) as entry:
        workshop, current = _clock(db, workshop, step)
        _save_clock(db, workshop, entry, current, timer.start(timer.reopen(current), entry.at))


def pause_timer(db: Database, code: str, key: str, now: float | None = None, step: str | None = None) -> None:
    workshop, actor = _by_facilitator(db, code, key)
    with store.change(db, workshop["id"], _entry(actor, "pause_timer", now)) as entry:
        workshop, current = _clock(db, workshop, step)
        _save_clock(db, workshop, entry, current, timer.pause(current, entry.at))


def extend_timer(
    db: Database, code: str, key: str, minutes: float, now: float | None = None, step: str | None = None
) -> None:
    """Add minutes to the current step (negative values take time away)."""
    workshop, actor = _by_facilitator(db, code, key)
    amount = clean_number(minutes, N_("Minutes"), low=-MAX_STEP_MINUTES, high=MAX_STEP_MINUTES)
    assert amount is not None
    if amount == 0:
        raise InvalidInput(N_("Add or remove at least a few seconds."))
    with store.change(db, workshop["id"], _entry(actor, "extend_timer", now)) as entry:
        workshop, current = _clock(db, workshop, step)
        _save_clock(db, workshop, entry, current, timer.extend(current, amount * 60, entry.at))


def go_to_step(
    db: Database,
    code: str,
    key: str,
    step_key: str,
    now: float | None = None,
    autostart: bool = True,
    *,
    from_step: str,
) -> None:
    """Move the room from `from_step`, the step the console showed, to `step_key`.

    The room's step is read again under the write lock: a second device or a double click that
    pressed on a step the room has already left is refused, so one press moves the room once.
    The step it leaves stops its clock and banks its time.
    """
    workshop, actor = _by_facilitator(db, code, key)
    if step_key not in STEP_KEYS or from_step not in STEP_KEYS:
        raise InvalidInput(N_("Unknown step."))
    if workshop["ended_at"] is not None:
        raise InputLocked(N_("The workshop has ended."))
    if step_key == from_step:
        return
    with store.change(db, workshop["id"], _entry(actor, "go_to_step", now)) as entry:
        workshop = _again(db, workshop)
        if workshop["ended_at"] is not None:
            raise InputLocked(N_("The workshop has ended."))
        _still_on(workshop, from_step)
        entry.record("room", {"step": from_step}, {"step": step_key})
        _move(db, workshop, step_key, entry.at, autostart)


def _move(db: Database, workshop: Row, step_key: str, moment: float, autostart: bool) -> None:
    """Bank the current step's clock, open the target's, and put the room on it."""
    timers = {t.step_key: t for t in store.timers(db, workshop["id"])}
    store.save_timer(db, workshop["id"], timer.finish(timers[workshop["current_step"]], moment))
    target = timer.reopen(timers[step_key])
    if autostart:
        target = timer.start(target, moment)
    store.save_timer(db, workshop["id"], target)
    # Leaving step 1 reveals a private board: the next steps work on every note.
    store.update_workshop(db, workshop["id"], current_step=step_key, private_brainstorm=0)


def next_step(db: Database, code: str, key: str, now: float | None = None, *, from_step: str) -> None:
    """The step after `from_step`, the one the console showed when Next was pressed."""
    _facilitator(db, code, key)
    if from_step not in STEP_KEYS:
        raise InvalidInput(N_("Unknown step."))
    index = STEP_KEYS.index(from_step)
    if index + 1 >= len(STEP_KEYS):
        raise InvalidInput(N_("This is the last step: end the workshop to open the summary."))
    go_to_step(db, code, key, STEP_KEYS[index + 1], now, from_step=from_step)


def previous_step(db: Database, code: str, key: str, now: float | None = None, *, from_step: str) -> None:
    """The step before `from_step`; its clock stays paused until the facilitator starts it."""
    _facilitator(db, code, key)
    if from_step not in STEP_KEYS:
        raise InvalidInput(N_("Unknown step."))
    index = STEP_KEYS.index(from_step)
    if index == 0:
        raise InvalidInput(N_("This is already the first step."))
    go_to_step(db, code, key, STEP_KEYS[index - 1], now, autostart=False, from_step=from_step)


def set_step_minutes(db: Database, code: str, key: str, step_key: str, minutes: int) -> None:
    """Change a step's planned duration; a step that has not started gets the new full time."""
    workshop, actor = _by_facilitator(db, code, key)
    if step_key not in STEP_KEYS:
        raise InvalidInput(N_("Unknown step."))
    clean = clean_int(minutes, N_("Minutes"), low=1, high=MAX_STEP_MINUTES)
    with store.change(db, workshop["id"], _entry(actor, "set_step_minutes")) as entry:
        item = next(t for t in store.timers(db, workshop["id"]) if t.step_key == step_key)
        entry.record(step_label(step_key), {"minutes": item.minutes}, {"minutes": clean})
        updated = replace(item, minutes=clean)
        if item.state == "pending":
            updated = replace(updated, remaining=clean * 60.0)
        store.save_timer(db, workshop["id"], updated)


def end_workshop(db: Database, code: str, key: str, now: float | None = None, *, from_step: str) -> None:
    """Stop the clock and freeze input; the summary stays available.

    `from_step` is the step the console showed: ending from a console that lags the room is
    refused. Ending an ended workshop changes nothing.
    """
    workshop, actor = _by_facilitator(db, code, key)
    if workshop["ended_at"] is not None:
        return
    with store.change(db, workshop["id"], _entry(actor, "end_workshop", now)) as entry:
        workshop = _again(db, workshop)
        if workshop["ended_at"] is not None:
            raise InputLocked(N_("The workshop has already ended: nothing changed."))
        _still_on(workshop, from_step)
        entry.record("workshop", {"ended": False, "locked": bool(workshop["locked"])}, {"ended": True, "locked": True})
        store.save_timer(db, workshop["id"], timer.finish(_current_timer(db, workshop), entry.at))
        store.update_workshop(db, workshop["id"], ended_at=entry.at, locked=1)


def reopen_workshop(db: Database, code: str, key: str) -> None:
    workshop, actor = _by_facilitator(db, code, key)
    with store.change(db, workshop["id"], _entry(actor, "reopen_workshop")) as entry:
        workshop = _again(db, workshop)
        was = {"ended": workshop["ended_at"] is not None, "locked": bool(workshop["locked"])}
        entry.record("workshop", was, {"ended": False, "locked": False})
        store.update_workshop(db, workshop["id"], ended_at=None, locked=0)


def join_preview(db: Database, code: str) -> Joining | None:
    """What the join page may show of the workshop a code opens (`audience.joining`); None for an
    unknown code, which the join itself then refuses with its one clear line."""
    try:
        return joining(_workshop(db, code))
    except (NotFound, InvalidInput):
        return None
