"""What the live channel sends: the room's shared state, a participant's own view, the vocabulary.

Pure functions of a `Snapshot` (and, for the personal view, a few small reads): the hub
builds `room_state` once per version from the public view (`audience.py`) and serves the same
bytes to every phone and the projector, so nothing personal is in it. What is personal (my
votes, scores, picks, impacts, and during a private brainstorm my own notes) is what a
participant's view adds to the public one; `participant_view` reads just those rows, per phone.
The phone's vocabulary (steps, dimensions, outcomes, limits) is built here from the one
definition of each, so the JS keeps no copy.

Every word in them is said in one language: a state is built inside `language.using(code)` (the
phone's language, else the workshop's), the domain's English msgids translated with `_` here, and
the figures written by `numbers.py` in that language; the element's own words come as `texts`
(`element_texts`), looked up by its `t()` and `tn()`.
"""

from __future__ import annotations

import zlib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from workshop import actions, store
from workshop.domain import decide, numbers, readiness, scoring
from workshop.domain.audience import PUBLIC, own_notes_shown, view
from workshop.domain.commitments import review_until
from workshop.domain.erasure import owner_shown
from workshop.domain.language import _, current, using
from workshop.domain.snapshot import Initiative, Snapshot
from workshop.domain.vocabulary import (
    DIMENSIONS,
    DIRECTIONS,
    LONG_MAX,
    MAGNITUDES,
    MONEY_MAX,
    NAME_MAX,
    NOTE_MAX,
    OUTCOMES,
    SHORT_MAX,
    STEPS,
    method_by_key,
    write_by_key,
)
from workshop.store import Database

Data = dict[str, Any]


# --- the shared state ------------------------------------------------------------------


def progress(snapshot: Snapshot) -> Data:
    """How many of the room's participants have acted in the current step, and in each step
    (`by_step`): a console previewing another step counts that step, not the room's."""
    step = snapshot.current_step
    tally = snapshot.tally
    return {
        "people": tally.people,
        "acted": tally.acted[step.key],
        "label": _(step.acted),
        "by_step": dict(tally.acted),
    }


def _moderation(snapshot: Snapshot) -> int:
    """Changes when a note is merged, hidden or restored: phones then re-read their own votes."""
    marks = [
        (b["id"], b["hidden"], b["merged_into"])
        for b in snapshot.bottlenecks
        if b["hidden"] or b["merged_into"] is not None
    ]
    return zlib.crc32(repr(marks).encode())


# Which notes travel with the room state, by step. The board's step shows every note, and so does
# the impact step (an impact is pinned to a note). Proposing an initiative links it to the notes
# with the most votes: the phone offers the first NOTES_TO_LINK of them. Later steps read no note,
# so their answers leave the board out (at 1,000 phones it was most of every answer in steps 3 to 5).
NOTES_SHOWN = (write_by_key("note").step, write_by_key("impact").step)
NOTES_TO_LINK = 40
NOTES_LINKED = write_by_key("initiative").step


def _board(snapshot: Snapshot) -> tuple[dict[str, list[Data]], dict[str, int]]:
    """The notes per dimension this step's screens read (none of a private board), and how many
    notes the room wrote."""
    step = snapshot.current_step.key
    ranked = snapshot.live_bottlenecks  # most votes first
    if step in NOTES_SHOWN:
        shown = {b["id"] for b in ranked}
    elif step == NOTES_LINKED:
        shown = {b["id"] for b in ranked[:NOTES_TO_LINK]}
    else:
        shown = set()
    board = {
        key: [{"id": b["id"], "text": b["text"], "votes": b["votes"]} for b in rows if b["id"] in shown]
        for key, rows in snapshot.by_dimension().items()
    }
    return board, dict(snapshot.tally.notes)


def _recommendation(rec: decide.Recommendation | None) -> Data | None:
    if rec is None:
        return None
    return {"choice": rec.choice, "reasons": [_(r) for r in rec.reasons], "cautions": [_(c) for c in rec.cautions]}


def _initiative(item: Initiative, snapshot: Snapshot) -> Data:
    a = item.aggregate
    method = snapshot.method
    decision, standing = item.decision, item.standing
    owner = item.owner
    return {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "bottleneck_ids": item.bottleneck_ids,
        "dimensions": item.dimensions,
        "rank": item.rank,
        "position": item.position,
        "after": item.after_ids,
        "scorers": a.scorers if a else 0,
        "medians": {c: getattr(a, c) for c in scoring.CRITERIA} if a else None,
        "priority": numbers.priority_value(a.priority(method)) if a else None,
        "priority_text": numbers.priority(a.priority(method)) if a else None,
        "disputed": a.disputed if a else [],
        "carried": {"code": item.carried_from_code, "times": item.carried_times} if item.carried else None,
        "proposal": _recommendation(item.proposal),
        "decision": None
        if decision is None or standing is None
        else {
            "choice": decision["choice"],
            "recommendation": decision["recommendation"],
            "rationale": decision["rationale"],
            "overruled": standing.overruled,
            "note": _(standing.note) if standing.note else standing.note,
        },
        "picks": snapshot.tally.picks[item.id],
        "volunteers": snapshot.tally.volunteers[item.id],
        "owner": None
        if owner is None
        else {
            **{k: owner[k] for k in ("metric", "unit", "baseline", "target", "checkin")},
            "owner": owner_shown(owner["owner"]),
            "baseline_text": numbers.measure(owner["baseline"], owner["unit"]),
            "target_text": numbers.measure(owner["target"], owner["unit"]),
            "checkin_text": numbers.day(date.fromisoformat(owner["checkin"])),
        },
    }


def _impact(row: Data) -> Data:
    return {k: row[k] for k in ("id", "bottleneck_id", "outcome", "direction", "magnitude", "money", "because")} | {
        "money_text": numbers.money(row["money"]) if row["money"] else None,
    }


def _review(snapshot: Snapshot, today: date) -> Data | None:
    """Last time's commitments, for a workshop that opens step 1 with their review.

    `until` is the step clock's reading at which the review's time box ends (the rest of step 1
    is the brainstorm's), so every screen shows it from the one stored deadline.
    """
    minutes = int(snapshot.workshop["review_minutes"])
    if not minutes or snapshot.current_step != STEPS[0]:
        return None
    timer = snapshot.timer(STEPS[0].key)
    return {
        "on": snapshot.reviewing,
        "minutes": minutes,
        "until": review_until(timer, minutes),
        "items": [_texts(c.as_dict(today)) for c in snapshot.commitments],
    }


def _said(text: Any) -> Any:
    """A domain text (an English msgid) in the current language; nothing stays nothing."""
    return _(text) if isinstance(text, str) and text else text


def _texts(item: Data) -> Data:
    """A commitment with its figures as every screen writes them (one number format)."""
    return item | {
        "status_title": _said(item.get("status_title")),
        "outcome_title": _said(item.get("outcome_title")),
        "baseline_text": numbers.measure(item["baseline"], item["unit"]),
        "target_text": numbers.measure(item["target"], item["unit"]),
        "value_text": numbers.measure(item["value"], item["unit"]),
        "progress_text": numbers.share(item["progress"]),
    }


def _readiness(snapshot: Snapshot) -> Data | None:
    """The check's results for every screen: aggregated figures only, never who answered what.

    None while the check was never opened and has no answers (most workshops).
    """
    results = snapshot.readiness
    if not snapshot.readiness_open and not results.respondents:
        return None
    said = results.as_dict()
    for row in (*said.get("questions", []), *said.get("areas", [])):
        row["title"] = _said(row.get("title"))
        row["level"] = _said(row.get("level"))
    said["pitfalls"] = [_(line) for line in said.get("pitfalls", [])]
    said["stage_note"] = _said(said.get("stage_note"))
    return {"open": snapshot.readiness_open, "showing": snapshot.readiness_showing, **said}


def room_state(snapshot: Snapshot, today: date | None = None, lang: str | None = None) -> Data:
    """Everything the room sees, as plain JSON-ready data, at one version of the workshop: built
    from the public view (`audience.py`), so it holds no name, no person's answers and, while the
    board is private, no note. Its words are in `lang` (a phone's choice), else the workshop's
    language, which `language` names either way."""
    with using(lang or snapshot.language):
        return _room_state(view(snapshot, PUBLIC), today)


# The one step whose screens show the room's impacts (the phone's impact view). Elsewhere they stay
# off the wire: at 1,000 phones they were half of every state answer in steps 3 to 5.
IMPACTS_SHOWN = write_by_key("impact").step


def _room_state(snapshot: Snapshot, today: date | None) -> Data:
    workshop = snapshot.workshop
    step = snapshot.current_step
    timer = snapshot.timer(step.key)
    board, counts = _board(snapshot)
    method = method_by_key(snapshot.method)
    return {
        "code": snapshot.code,
        "version": snapshot.version,
        "title": workshop["title"],
        "language": snapshot.language,
        "speaks": current(),
        "locked": bool(workshop["locked"]),
        "ended": snapshot.ended,
        "vote_budget": workshop["vote_budget"],
        "step": {
            "key": step.key,
            "number": step.number,
            "title": _(step.title),
            "of": len(STEPS),
            "goal": _(step.goal),
            "guidance": _(step.guidance),
            "advice": _(snapshot.advice(step)),
        },
        "timer": {
            "state": timer.state,
            "minutes": timer.minutes,
            "deadline": timer.deadline,
            "remaining": timer.remaining,
        },
        "private": snapshot.private,
        "board": board,
        "counts": counts,
        "count": sum(counts.values()),
        "moderation": _moderation(snapshot),
        "impacts": [_impact(i) for i in snapshot.impacts] if step.key == IMPACTS_SHOWN else [],
        "method": {"key": method.key, "title": _(method.title), "formula": _(method.formula)},
        "initiatives": [_initiative(i, snapshot) for i in snapshot.plan],
        "top": [i.id for i in snapshot.top],
        "progress": progress(snapshot),
        "reviewing": snapshot.reviewing,
        "review": _review(snapshot, today or date.today()),
        "readiness_open": snapshot.readiness_open,
        "readiness": _readiness(snapshot),
    }


def meta_of(state: Data) -> Data:
    """What decides which step a screen shows: small, and changes only when the room moves,
    its clock or lock changes, the review of earlier commitments or the readiness check opens or
    closes, the private board is revealed, or it ends, so a note or a vote never wakes every phone."""
    keys = (
        "code",
        "language",
        "locked",
        "ended",
        "step",
        "timer",
        "vote_budget",
        "reviewing",
        "readiness_open",
        "private",
    )
    return {k: state[k] for k in keys}


# --- one participant's own view --------------------------------------------------------


def participant_view(db: Database, code: str, token: Any) -> Data:
    """The asking participant's own votes, scores, picks and offers (refused for anyone else), and
    while the board is private their own notes (`mine`), which the shared state leaves out. Two
    reads: who is asking, then everything they wrote (`store.own_rows`)."""
    workshop, participant = actions.identified(db, code, token)
    pid = int(participant["id"])
    own = store.own_rows(db, int(workshop["id"]), pid, notes=own_notes_shown(workshop))
    return {
        "participant_id": pid,
        "name": participant["name"],
        "votes": {str(k): n for k, n in own.votes.items()},
        "votes_left": max(0, actions.dots_left(workshop, own.votes_used)),
        "refunded": own.refunded,
        "scores": {str(k): v for k, v in own.scores.items()},
        "picks": {str(k): v for k, v in own.picks.items()},
        "volunteered": own.volunteered,
        "readiness": own.readiness,
        "impacts": own.impacts,
        "mine": own.notes,
    }


# --- the vocabulary --------------------------------------------------------------------


def vocabulary(lang: str | None = None) -> Data:
    """Every list and limit the phone needs, from their one definition in `workshop/`, in `lang`
    (else the current language)."""
    return _vocabulary(lang or current())


@cache
def _vocabulary(lang: str) -> Data:
    with using(lang):
        return _vocabulary_words()


def _vocabulary_words() -> Data:
    return {
        "steps": [{"key": s.key, "number": s.number, "title": _(s.title), "acted": _(s.acted)} for s in STEPS],
        "dimensions": [
            {
                "key": d.key,
                "title": _(d.title),
                "scope": _(d.scope),
                "prompts": [_(p) for p in d.prompts],
                "colour": d.colour,
            }
            for d in DIMENSIONS
        ],
        "outcomes": [{"key": o.key, "title": _(o.title), "group": _(o.group)} for o in OUTCOMES],
        "directions": [{"key": k, "title": _(v)} for k, v in DIRECTIONS.items()],
        "magnitudes": [{"key": k, "title": _(v)} for k, v in MAGNITUDES.items()],
        "criteria": [
            {
                "key": c,
                "label": _(scoring.LABELS[c]),
                "low": scoring.RANGES[c][0],
                "high": scoring.RANGES[c][1],
                "step": scoring.STEP[c],
                "default": scoring.DEFAULT_SCORE[c],
            }
            for c in scoring.CRITERIA
        ],
        "choices": [
            {"key": c, "title": _(decide.CHOICE_TITLES[c]), "hint": _(decide.CHOICE_HINTS[c])} for c in decide.CHOICES
        ],
        "limits": {"name": NAME_MAX, "short": SHORT_MAX, "note": NOTE_MAX, "long": LONG_MAX, "money": MONEY_MAX},
        "readiness": _readiness_vocabulary(),
    }


def _readiness_vocabulary() -> Data:
    """The check's questions, scales and areas, from `readiness.py` (the phone keeps no copy)."""
    return {
        "title": _(readiness.TITLE),
        "minutes": readiness.MINUTES,
        "scales": [
            {
                "key": s.key,
                "title": _(s.title),
                "levels": [{"label": _(lv.label), "value": lv.value} for lv in s.levels],
            }
            for s in readiness.SCALES
        ],
        "areas": [{"key": a.key, "title": _(a.title), "winning": _(a.winning)} for a in readiness.AREAS],
        "questions": [
            {
                "key": q.key,
                "title": _(q.title),
                "text": _(q.text),
                "scale": q.scale.key,
                "area": q.area,
                "number": None
                if q.number is None
                else {"label": _(q.number.label), "unit": q.number.unit, "low": q.number.low, "high": q.number.high},
            }
            for q in readiness.QUESTIONS
        ],
    }


# --- the element's own words ----------------------------------------------------------

LIVE_JS = Path(__file__).resolve().parents[2] / "views" / "live"
JS_KEYWORDS = {"t": None, "tn": (1, 2)}  # the element says every word through t(msgid) / tn(s, p, n)


@cache
def element_messages() -> tuple[str | tuple[str, str], ...]:
    """Every message the live element's JS says, read from its source as the catalogue tool reads it."""
    from babel.messages.extract import extract

    found: dict[str | tuple[str, str], None] = {}
    for path in sorted(LIVE_JS.glob("*.js")):
        with path.open("rb") as source:
            for _line, message, _comments, _context in extract("javascript", source, keywords=JS_KEYWORDS):
                found[message if isinstance(message, str) else (message[0], message[1])] = None
    return tuple(found)


def element_texts(lang: str | None = None) -> Data:
    """The live element's words in `lang` (else the current language): `{msgid: text}` and, for
    plurals, `{singular: [singular form, plural form]}`, which its `t()` and `tn()` look up."""
    return _element_texts(lang or current())


@cache
def _element_texts(lang: str) -> Data:
    from workshop.domain.language import translate_plural

    with using(lang) as spoken:
        texts: Data = {}
        for message in element_messages():
            if isinstance(message, str):
                texts[message] = _(message)
            else:
                one, many = message
                texts[one] = [translate_plural(spoken, one, many, 1), translate_plural(spoken, one, many, 2)]
        return texts
