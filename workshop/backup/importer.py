"""Restoring a workshop export: one validation path, then one all-or-nothing write.

`validate(doc)` is pure: it checks every row of a parsed export through the same cleaning
functions, limits and rules the actions use (`text`, `actions`, `scoring`, `decide`,
`followup`, `timer`), so an import can never hold what the app would have refused, and what
it accepts can always be read back by every export, the summary and the portfolio. It
returns a `Plan`: cleaned rows that still refer to each other by the file's ids.
`apply(db, plan)` writes the plan in one transaction through `storage` and issues a new
facilitator key. Every refusal is an `ImportRefused` with a one-line message naming the row.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NoReturn, get_args

from workshop import store
from workshop.actions import hash_secret
from workshop.actions.room import NUMBERED
from workshop.backup.format import READABLE_FORMATS
from workshop.domain import audit
from workshop.domain.audit import Count, Entry, Trail
from workshop.domain.decide import CHOICES, QUESTION_KEYS, QUESTIONS, validate_answers
from workshop.domain.errors import Figure, ImportRefused, InvalidInput, Phrase
from workshop.domain.followup import STATUSES, VIAS, progress
from workshop.domain.language import N_, SOURCE, languages
from workshop.domain.readiness import QUESTION_KEYS as READINESS_KEYS
from workshop.domain.readiness import validate_answer
from workshop.domain.scoring import CRITERIA, has_cycle, validate_score
from workshop.domain.text import clean_int, clean_number, clean_text
from workshop.domain.timer import Timer, TimerStateName
from workshop.domain.vocabulary import (
    CODE_CHARS,
    CODE_MAX,
    CODE_MIN,
    DIMENSION_KEYS,
    DIRECTIONS,
    ID_MAX,
    LONG_MAX,
    MAGNITUDES,
    MAX_STEP_MINUTES,
    MAX_VOTE_BUDGET,
    METHOD_KEYS,
    MONEY_MAX,
    NAME_MAX,
    NOTE_MAX,
    OUTCOME_KEYS,
    OWNER_MAX,
    REVIEW_KEYS,
    SHORT_MAX,
    STAGE_KEYS,
    STEP_KEYS,
    UNIT_MAX,
    normalise_code,
)
from workshop.store import Database

Row = dict[str, Any]

# A real export of a large room (1,000 phones) is well under 2 MB; 5 MB leaves room and keeps
# parsing and validation to a few tens of megabytes of memory.
MAX_IMPORT_BYTES = 5_000_000
TIMER_STATES: tuple[str, ...] = get_args(TimerStateName)
# Timestamps from 1970 to 9000: every reader (day_of, fromtimestamp, the sheets) can show them.
TIMESTAMP_MIN = 0.0
TIMESTAMP_MAX = datetime(9000, 1, 1, tzinfo=UTC).timestamp()
# A step's clock: ten years of seconds is far beyond any room, and far below what breaks a chart.
TIMER_SECONDS_MAX = 10 * 366 * 86_400.0
# Progress (0 = baseline, 1 = target) is shown as a percentage with exact decimal rounding,
# which fails beyond about 1e26 %; an owner's figures must stay well inside that.
PROGRESS_MAX = 1e20


@dataclass(frozen=True)
class Plan:
    """A validated export: cleaned rows, still keyed by the file's own ids (`ref`)."""

    workshop: Row
    timers: tuple[Timer, ...]
    participants: tuple[Row, ...]
    bottlenecks: tuple[Row, ...]
    votes: tuple[Row, ...]
    impacts: tuple[Row, ...]
    initiatives: tuple[Row, ...]
    decisions: tuple[Row, ...]
    owners: tuple[Row, ...]
    checkins: tuple[Row, ...]
    reviews: tuple[Row, ...] = ()
    readiness: tuple[Row, ...] = ()
    dismissed: tuple[Row, ...] = ()
    trail: Trail = Trail()

    @property
    def code(self) -> str:
        return str(self.workshop["code"])


# --- parsing ------------------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    """NaN and Infinity are not JSON; Python's parser would accept them."""
    raise ValueError(f"{name} is not a JSON number")


def parse(raw: str | bytes | Mapping[str, Any]) -> Any:
    """The document in `raw`, refused before parsing when it is over the size limit."""
    if isinstance(raw, Mapping):
        return raw
    if not isinstance(raw, (str, bytes)):
        raise ImportRefused(N_("The file does not hold a workshop export."))
    size = len(raw)
    if isinstance(raw, str) and size <= MAX_IMPORT_BYTES:
        size = len(raw.encode("utf-8", "surrogatepass"))
    if size > MAX_IMPORT_BYTES:
        raise too_large(size)
    try:
        return json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        raise ImportRefused(N_("The file is nested too deeply to be a workshop export.")) from None
    except ValueError as exc:  # includes UnicodeDecodeError and JSONDecodeError
        raise ImportRefused(N_("The file is not valid JSON ({value})."), value=_line(str(exc))) from None


def too_large(size: int) -> ImportRefused:
    """The one refusal for a file over the limit (the command line says it before reading)."""
    return ImportRefused(
        N_("The file is {size} bytes; an import may be at most {limit} bytes."),
        size=Figure(size),
        limit=Figure(MAX_IMPORT_BYTES),
    )


# --- small checks: each names the row and field it refuses ---------------------------------


def _fail(template: str, **values: object) -> NoReturn:
    """Refuse the file with a template marked N_ and its values (said in the reader's language)."""
    raise ImportRefused(template, **values)


def _line(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _show(value: Any) -> str:
    """A short, safe rendering of a refused value (never a deep or huge repr)."""
    if isinstance(value, str):
        return repr(value[:40]) + ("…" if len(value) > 40 else "")
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return repr(value) if abs(value) < 10**30 else "a very large number"
    return "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else type(value).__name__


def _object(value: Any, where: str) -> Row:
    return (
        value
        if isinstance(value, dict)
        else _fail(N_("{where} must be an object, not {value}."), where=where, value=_show(value))
    )


def _rows(doc: Row, key: str) -> list[Row]:
    value = doc.get(key)
    if not isinstance(value, list):
        _fail(N_("'{key}' must be a list of objects."), key=key)
    return [_object(row, f"{key}[{n}]") for n, row in enumerate(value)]


def _text(value: Any, where: str, max_len: int, required: bool = True, multiline: bool = False) -> str:
    """Text through `clean_text`, exactly as the action that writes this field cleans it."""
    try:
        return clean_text(value, where, max_len=max_len, required=required, multiline=multiline)
    except InvalidInput as exc:
        raise ImportRefused(exc.template, **exc.values) from None


def _int(value: Any, where: str, low: int, high: int) -> int:
    """A JSON integer (not a bool, float or text) within the action's range."""
    if not isinstance(value, int) or isinstance(value, bool):
        _fail(
            N_("{where} must be a whole number from {low} to {high}, not {value}."),
            where=where,
            low=low,
            high=high,
            value=_show(value),
        )
    try:
        return clean_int(value, where, low=low, high=high)
    except InvalidInput as exc:
        raise ImportRefused(exc.template, **exc.values) from None


def _number(value: Any, where: str, required: bool = True, low: float = -1e15, high: float = 1e15) -> float | None:
    """A finite JSON number (not a bool or text) within the action's bounds."""
    if value is None and not required:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        _fail(N_("{where} must be a number, not {value}."), where=where, value=_show(value))
    if isinstance(value, int) and abs(value) > 10**300:
        _fail(N_("{where} must be between {low} and {high}."), where=where, low=Figure(low), high=Figure(high))
    try:
        return clean_number(value, where, required=required, low=low, high=high)
    except InvalidInput as exc:
        raise ImportRefused(exc.template, **exc.values) from None


def _bool(value: Any, where: str) -> bool:
    return (
        value
        if isinstance(value, bool)
        else _fail(N_("{where} must be true or false, not {value}."), where=where, value=_show(value))
    )


def _choice(value: Any, options: Collection[Any], where: str, what: str) -> Any:
    if isinstance(value, str) and value in options:
        return value
    return _fail(N_("{where} is an unknown {what}: {value}."), where=where, what=Phrase(what), value=_show(value))


NOT_IN_FILE = N_("not in the file")


def _id(value: Any, where: str) -> int:
    return _int(value, where, 1, ID_MAX)


ON_BOARD = N_("merged away or not in the file")  # votes, impacts and links move to the kept note


def _ref(
    value: Any, known: Collection[int], where: str, what: str, optional: bool = False, absent: str = NOT_IN_FILE
) -> int | None:
    """A reference to a row elsewhere in the file, by its id there."""
    if value is None and optional:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value in known:
        return value
    return _fail(
        N_("{where} refers to {what} {value}, which is {absent}."),
        where=where,
        what=Phrase(what),
        value=_show(value),
        absent=Phrase(absent),
    )


def _timestamp(value: Any, where: str, required: bool = True) -> float | None:
    """An ISO 8601 timestamp as the export writes it, within the range every reader can show."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or len(value) > 64:
        _fail(
            N_("{where} must be a timestamp such as 2025-06-15T14:00:00+00:00, not {value}."),
            where=where,
            value=_show(value),
        )
    try:
        moment = datetime.fromisoformat(value).timestamp()
    except (ValueError, OverflowError, OSError):
        return _fail(N_("{where} is not a timestamp: {value}."), where=where, value=_show(value))
    if not TIMESTAMP_MIN <= moment <= TIMESTAMP_MAX:
        _fail(N_("{where} is not between 1970 and 9000: {value}."), where=where, value=_show(value))
    return moment


def _day(value: Any, where: str, required: bool = True) -> str | None:
    """A calendar date written exactly as the app writes one (YYYY-MM-DD)."""
    if value is None and not required:
        return None
    try:
        if isinstance(value, str) and date.fromisoformat(value).isoformat() == value:
            return value
    except ValueError:
        pass
    return _fail(N_("{where} must be a date such as 2026-12-31, not {value}."), where=where, value=_show(value))


def _unique_ids(rows: list[Row], section: str) -> list[int]:
    """The rows' ids: positive whole numbers, each used once."""
    ids: list[int] = []
    seen: set[int] = set()
    for n, row in enumerate(rows):
        value = _id(row.get("id"), f"{section}[{n}].id")
        if value in seen:
            _fail(N_("{section}[{n}].id {value} is used by an earlier row too."), section=section, n=n, value=value)
        seen.add(value)
        ids.append(value)
    return ids


def _each(rows: list[Row], section: str, check: Callable[[Row, str], Row]) -> tuple[Row, ...]:
    return tuple(check(row, f"{section}[{n}]") for n, row in enumerate(rows))


# --- the document, section by section -----------------------------------------------------


def validate(doc: Any) -> Plan:
    """Check a parsed export completely, without a database; refuse at the first bad row."""
    if not isinstance(doc, dict):
        _fail(N_("The file does not hold a workshop export."))
    fmt = doc.get("format")
    if not isinstance(fmt, str) or fmt not in READABLE_FORMATS:
        _fail(
            N_("Unknown format {fmt}: expected one of {readable_formats}."),
            fmt=_show(fmt),
            readable_formats=", ".join(READABLE_FORMATS),
        )
    workshop = _workshop(_object(doc.get("workshop"), "'workshop'"))
    timers = _steps(_rows(doc, "steps"), workshop)
    participants = _participants(_rows(doc, "participants"))
    if workshop["anonymous"]:
        _numbered(participants)
    people = {p["ref"] for p in participants}
    bottlenecks = _bottlenecks(_rows(doc, "bottlenecks"), people)
    votes = _votes(_rows(doc, "votes"), bottlenecks, people, workshop["vote_budget"])
    impacts = _impacts(_rows(doc, "impacts"), bottlenecks, people)
    initiatives = _initiatives(_rows(doc, "initiatives"), bottlenecks, people)
    decisions = _decisions(_rows(doc, "decisions"), {i["ref"] for i in initiatives})
    carried = {i["ref"] for i in initiatives if i["carried"] is not None}
    owners = _owners(_rows(doc, "owners"), {d["initiative"] for d in decisions} | carried)
    checkins = _checkins(_rows(doc, "checkins") if fmt != "scaling-workshop/1" else [], owners)
    reviews = _reviews(_rows(doc, "reviews") if "reviews" in doc else [], owners)
    readiness = _readiness(_rows(doc, "readiness") if "readiness" in doc else [], people)
    dismissed = _dismissed(_rows(doc, "dismissed_pairs") if "dismissed_pairs" in doc else [], bottlenecks)
    trail = Trail(
        _entries(_rows(doc, "audit_trail") if "audit_trail" in doc else []),
        _counts(_rows(doc, "write_counts") if "write_counts" in doc else []),
    )
    return Plan(
        workshop=workshop,
        timers=timers,
        participants=participants,
        bottlenecks=bottlenecks,
        votes=votes,
        impacts=impacts,
        initiatives=initiatives,
        decisions=decisions,
        owners=owners,
        checkins=checkins,
        reviews=reviews,
        readiness=readiness,
        dismissed=dismissed,
        trail=trail,
    )


def _workshop(w: Row) -> Row:
    """The workshop row, as `actions.create_workshop` and the facilitator's actions keep it."""
    return {
        "code": _code(w.get("code"), "workshop.code"),
        "title": _text(w.get("title"), "workshop.title", SHORT_MAX),
        "organisation": _text(w.get("organisation"), "workshop.organisation", SHORT_MAX),
        "stage": _choice(w.get("stage"), STAGE_KEYS, "workshop.stage", N_("stage context")),
        "created_at": _timestamp(w.get("created_at"), "workshop.created_at"),
        "ended_at": _timestamp(w.get("ended_at"), "workshop.ended_at", required=False),
        "current_step": _choice(w.get("current_step"), STEP_KEYS, "workshop.current_step", N_("step")),
        "locked": int(_bool(w.get("locked"), "workshop.locked")),
        "observability_confirmed": int(_bool(w.get("observability_confirmed"), "workshop.observability_confirmed")),
        "scoring": _choice(w.get("scoring"), METHOD_KEYS, "workshop.scoring", N_("ranking method")),
        "vote_budget": _int(w.get("vote_budget"), "workshop.vote_budget", 1, MAX_VOTE_BUDGET),
        "review_minutes": _int(w.get("review_minutes", 0), "workshop.review_minutes", 0, MAX_STEP_MINUTES),
        "reviewing": int(_bool(w.get("reviewing", False), "workshop.reviewing")),
        "readiness_open": int(_bool(w.get("readiness_open", False), "workshop.readiness_open")),
        **_brainstorm_modes(w),
        # The language the room ran in; a file without it ran in English.
        "language": _choice(w.get("language", SOURCE), languages(), "workshop.language", "language"),
    }


def _brainstorm_modes(w: Row) -> Row:
    """The private brainstorm and anonymous settings; a file without them had neither."""
    private = _bool(w.get("private_brainstorm", False), "workshop.private_brainstorm")
    if private and w.get("current_step") != STEP_KEYS[0]:
        _fail(
            N_("workshop.private_brainstorm is on outside step 1 ({value}): leaving it reveals."),
            value=_show(w.get("current_step")),
        )
    anonymous = _bool(w.get("anonymous", False), "workshop.anonymous")
    return {"private_brainstorm": int(private), "anonymous": int(anonymous)}


def _code(raw_code: Any, where: str) -> str:
    """A join code, as `actions.new_code` makes them (case and dashes forgiven)."""
    if not isinstance(raw_code, str) or len(raw_code) > 64:
        _fail(N_("{where} must be a join code such as ABC234, not {raw_code}."), where=where, raw_code=_show(raw_code))
    code = normalise_code(raw_code)
    if not (CODE_MIN <= len(code) <= CODE_MAX and set(code) <= CODE_CHARS):
        _fail(
            N_("{where} must be {code_min} to {code_max} letters and digits, not {raw_code}."),
            where=where,
            code_min=CODE_MIN,
            code_max=CODE_MAX,
            raw_code=_show(raw_code),
        )
    return code


def _steps(rows: list[Row], workshop: Row) -> tuple[Timer, ...]:
    """The five step timers in order, each in a state `timer.py` can produce."""
    keys = [row.get("key") for row in rows]
    if keys != list(STEP_KEYS):
        _fail(N_("'steps' must list the five steps in order: {step_keys}."), step_keys=", ".join(STEP_KEYS))
    return tuple(_timer(row, f"steps[{n}]", workshop) for n, row in enumerate(rows))


def _timer(row: Row, where: str, workshop: Row) -> Timer:
    """One timer: only a running clock has a deadline and a start; a pending one never ran."""
    state = _choice(row.get("state"), TIMER_STATES, f"{where}.state", N_("timer state"))
    item = Timer(
        step_key=row["key"],
        minutes=_int(row.get("minutes"), f"{where}.minutes", 1, MAX_STEP_MINUTES),
        state=state,
        deadline=_timestamp(row.get("deadline"), f"{where}.deadline", required=False),
        remaining=_seconds(row.get("remaining"), f"{where}.remaining", -TIMER_SECONDS_MAX),
        spent=_seconds(row.get("spent"), f"{where}.spent", 0.0),
        run_started=_timestamp(row.get("run_started"), f"{where}.run_started", required=False),
    )
    running = state == "running"
    if running and (item.deadline is None or item.run_started is None):
        _fail(N_("{where} is running but has no deadline or start time."), where=where)
    if not running and (item.deadline is not None or item.run_started is not None):
        _fail(
            N_("{where} is {state} but has a deadline or start time: only a running clock has them."),
            where=where,
            state=state,
        )
    if running and (item.step_key != workshop["current_step"] or workshop["ended_at"] is not None):
        _fail(N_("{where} is running, but only the current step of a workshop not yet ended can run."), where=where)
    if state == "pending" and (item.spent != 0 or item.remaining < 0):
        _fail(N_("{where} is pending (never started) but has time spent or negative time left."), where=where)
    return item


def _seconds(value: Any, where: str, low: float) -> float:
    seconds = _number(value, where, low=low, high=TIMER_SECONDS_MAX)
    assert seconds is not None
    return seconds


def _participants(rows: list[Row]) -> tuple[Row, ...]:
    """People as `actions.join` names them (the facilitator's devices included)."""
    _unique_ids(rows, "participants")
    return _each(
        rows,
        "participants",
        lambda p, where: {
            "ref": p["id"],
            "name": _text(p.get("name"), f"{where}.name", NAME_MAX),
            "is_facilitator": _bool(p.get("is_facilitator"), f"{where}.is_facilitator"),
            "joined_at": _timestamp(p.get("joined_at"), f"{where}.joined_at"),
        },
    )


def _numbered(participants: tuple[Row, ...]) -> None:
    """An anonymous workshop stores only numbered labels: a name in one would reach every export."""
    for n, p in enumerate(participants):
        if not p["is_facilitator"] and not NUMBERED.fullmatch(p["name"]):
            _fail(
                N_(
                    "participants[{n}].name must be a numbered label such as 'Participant 3' in an anonymous "
                    "workshop, not {name}."
                ),
                n=n,
                name=_show(p["name"]),
            )


def _bottlenecks(rows: list[Row], people: set[int]) -> tuple[Row, ...]:
    """Notes as `actions.add_bottleneck` writes them; a merge points at a note that was kept."""
    ids = set(_unique_ids(rows, "bottlenecks"))
    notes = _each(
        rows,
        "bottlenecks",
        lambda b, where: {
            "ref": b["id"],
            "participant": _ref(b.get("participant"), people, f"{where}.participant", N_("participant"), True),
            "dimension": _choice(b.get("dimension"), DIMENSION_KEYS, f"{where}.dimension", N_("dimension")),
            "text": _text(b.get("text"), f"{where}.text", NOTE_MAX),
            "hidden": _bool(b.get("hidden"), f"{where}.hidden"),
            "merged_into": _ref(b.get("merged_into"), ids, f"{where}.merged_into", N_("bottleneck"), True),
            "created_at": _timestamp(b.get("created_at"), f"{where}.created_at"),
        },
    )
    merged = {b["ref"] for b in notes if b["merged_into"] is not None}
    for n, b in enumerate(notes):
        if b["merged_into"] == b["ref"]:
            _fail(N_("bottlenecks[{n}] is merged into itself."), n=n)
        if b["merged_into"] in merged:
            _fail(
                N_("bottlenecks[{n}] is merged into bottleneck {merged_into}, which is itself merged away."),
                n=n,
                merged_into=b["merged_into"],
            )
    return notes


def _live(notes: tuple[Row, ...]) -> set[int]:
    """Notes not merged away: votes, impacts and links move to the kept note on a merge."""
    return {b["ref"] for b in notes if b["merged_into"] is None}


def _votes(rows: list[Row], notes: tuple[Row, ...], people: set[int], budget: int) -> tuple[Row, ...]:
    """Dots as `actions.vote` places them: within the budget, hidden notes refunded."""
    live = _live(notes)
    votes = _each(
        rows,
        "votes",
        lambda v, where: {
            "bottleneck": _ref(v.get("bottleneck"), live, f"{where}.bottleneck", N_("bottleneck"), absent=ON_BOARD),
            "participant": _ref(v.get("participant"), people, f"{where}.participant", N_("participant")),
            "created_at": _timestamp(v.get("created_at"), f"{where}.created_at"),
        },
    )
    hidden = {b["ref"] for b in notes if b["hidden"]}
    used: dict[int, int] = {}
    for n, v in enumerate(votes):
        if v["bottleneck"] not in hidden:
            used[v["participant"]] = used.get(v["participant"], 0) + 1
            if used[v["participant"]] > budget:
                _fail(
                    N_(
                        "votes[{n}] is participant {person}'s vote number {number}; "
                        "the budget is {budget} votes per person."
                    ),
                    n=n,
                    person=v["participant"],
                    number=used[v["participant"]],
                    budget=budget,
                )
    return votes


def _impacts(rows: list[Row], notes: tuple[Row, ...], people: set[int]) -> tuple[Row, ...]:
    """Impacts as `actions.add_impact` validates them."""
    live = _live(notes)
    return _each(
        rows,
        "impacts",
        lambda i, where: {
            "bottleneck": _ref(i.get("bottleneck"), live, f"{where}.bottleneck", N_("bottleneck"), absent=ON_BOARD),
            "participant": _ref(i.get("participant"), people, f"{where}.participant", N_("participant"), True),
            "outcome": _choice(i.get("outcome"), OUTCOME_KEYS, f"{where}.outcome", N_("outcome")),
            "direction": _choice(i.get("direction"), DIRECTIONS, f"{where}.direction", N_("direction")),
            "magnitude": _int(i.get("magnitude"), f"{where}.magnitude", 1, len(MAGNITUDES)),
            "money": _number(i.get("money"), f"{where}.money", required=False, low=0, high=MONEY_MAX),
            "because": _text(i.get("because"), f"{where}.because", NOTE_MAX),
            "created_at": _timestamp(i.get("created_at"), f"{where}.created_at"),
        },
    )


def _initiatives(rows: list[Row], notes: tuple[Row, ...], people: set[int]) -> tuple[Row, ...]:
    """Initiatives with their links, scores and the room's inputs; a sequence without cycles."""
    ids = set(_unique_ids(rows, "initiatives"))
    live = _live(notes)
    items = _each(rows, "initiatives", lambda item, where: _initiative(item, where, ids, live, people))
    pairs = [(item["ref"], after) for item in items for after in item["after"]]
    if has_cycle(pairs):
        _fail(N_("The initiatives' 'after' dependencies are circular."))
    positions: set[int] = set()
    for n, item in enumerate(items):
        if item["position"] is None:
            continue
        if item["position"] in positions:
            _fail(
                N_("initiatives[{n}].position {position} is also the position of an earlier initiative."),
                n=n,
                position=item["position"],
            )
        positions.add(item["position"])
    return items


def _initiative(item: Row, where: str, ids: set[int], live: set[int], people: set[int]) -> Row:
    """One initiative as `actions.add_initiative`, `add_dependency` and `set_sequence` keep it."""
    ref = item["id"]
    position = item.get("position")
    links = _ref_list(item.get("bottlenecks"), live, f"{where}.bottlenecks", N_("bottleneck"), absent=ON_BOARD)
    carried = _carried_from(item.get("carried_from"), f"{where}.carried_from")
    if not links and carried is None:
        _fail(N_("{where}.bottlenecks is empty: an initiative relieves at least one bottleneck."), where=where)
    after = _ref_list(item.get("after", []), ids, f"{where}.after", N_("initiative"))
    if ref in after:
        _fail(N_("{where}.after names the initiative itself."), where=where)
    return {
        "ref": ref,
        "participant": _ref(item.get("participant"), people, f"{where}.participant", N_("participant"), True),
        "title": _text(item.get("title"), f"{where}.title", SHORT_MAX),
        "description": _text(item.get("description", ""), f"{where}.description", LONG_MAX, False, True),
        "position": None if position is None else _int(position, f"{where}.position", 1, ID_MAX),
        "created_at": _timestamp(item.get("created_at"), f"{where}.created_at"),
        "bottlenecks": links,
        "after": after,
        "scores": _scores(item.get("scores", []), f"{where}.scores", people),
        "answers": _answers(item.get("answers", {}), f"{where}.answers"),
        "picks": _picks(item.get("picks", []), f"{where}.picks", people),
        "volunteers": _volunteers(item.get("volunteers", []), f"{where}.volunteers", people),
        "carried": carried,
    }


def _carried_from(value: Any, where: str) -> Row | None:
    """A carried-over initiative's origin (a workshop code, its title there, how many times)."""
    if value is None:
        return None
    origin = _object(value, where)
    return {
        "code": _code(origin.get("workshop"), f"{where}.workshop"),
        "title": _text(origin.get("title"), f"{where}.title", SHORT_MAX),
        "times": _int(origin.get("times"), f"{where}.times", 1, ID_MAX),
    }


def _ref_list(value: Any, known: Collection[int], where: str, what: str, absent: str = NOT_IN_FILE) -> list[int]:
    """A list of distinct references."""
    if not isinstance(value, list):
        _fail(N_("{where} must be a list of ids, not {value}."), where=where, value=_show(value))
    refs = [_ref(v, known, f"{where}[{n}]", what, absent=absent) for n, v in enumerate(value)]
    if len(set(refs)) != len(refs):
        _fail(N_("{where} names the same {what} twice."), where=where, what=what)
    return [r for r in refs if r is not None]


def _per_person(value: Any, where: str, people: set[int], check: Callable[[Row, str], Row]) -> tuple[Row, ...]:
    """Rows kept once per participant (scores, picks, offers): a second one would be merged away."""
    if not isinstance(value, list):
        _fail(N_("{where} must be a list of objects, not {value}."), where=where, value=_show(value))
    rows: list[Row] = []
    seen: set[int] = set()
    for n, raw in enumerate(value):
        row = _object(raw, f"{where}[{n}]")
        person = _ref(row.get("participant"), people, f"{where}[{n}].participant", N_("participant"))
        assert person is not None
        if person in seen:
            _fail(
                N_("{where}[{n}] is participant {person}'s second row; each person has one."),
                where=where,
                n=n,
                person=person,
            )
        seen.add(person)
        rows.append({"participant": person, **check(row, f"{where}[{n}]")})
    return tuple(rows)


def _scores(value: Any, where: str, people: set[int]) -> tuple[Row, ...]:
    """Scores through `scoring.validate_score`, with JSON integers only."""

    def check(s: Row, at: str) -> Row:
        for criterion in CRITERIA:
            if not isinstance(s.get(criterion), int) or isinstance(s.get(criterion), bool):
                _fail(
                    N_("{at}.{criterion} must be a whole number, not {value}."),
                    at=at,
                    criterion=criterion,
                    value=_show(s.get(criterion)),
                )
        try:
            clean = validate_score(s)
        except InvalidInput as exc:
            raise ImportRefused(N_("{where}: {reason}"), where=at, reason=exc) from None
        return {**clean, "updated_at": _timestamp(s.get("updated_at"), f"{at}.updated_at")}

    return _per_person(value, where, people, check)


def _answers(value: Any, where: str) -> dict[str, str]:
    """Questionnaire answers given so far, each one of its question's options."""
    if not isinstance(value, dict):
        _fail(N_("{where} must be an object, not {value}."), where=where, value=_show(value))
    options = {q.key: q.options for q in QUESTIONS}
    for question, answer in value.items():
        if question not in options:
            _fail(
                N_("{where} has an unknown questionnaire answer: question {question}."),
                where=where,
                question=_show(question),
            )
        _choice(answer, options[question], f"{where}.{question}", N_("questionnaire answer"))
    return dict(value)


def _picks(value: Any, where: str, people: set[int]) -> tuple[Row, ...]:
    """Picks as `actions.pick_choice` records them."""
    return _per_person(
        value,
        where,
        people,
        lambda p, at: {
            "choice": _choice(p.get("choice"), CHOICES, f"{at}.choice", N_("choice")),
            "reason": _text(p.get("reason", ""), f"{at}.reason", NOTE_MAX, required=False),
            "updated_at": _timestamp(p.get("updated_at"), f"{at}.updated_at"),
        },
    )


def _volunteers(value: Any, where: str, people: set[int]) -> tuple[Row, ...]:
    return _per_person(value, where, people, lambda v, at: {})


def _decisions(rows: list[Row], initiatives: set[int]) -> tuple[Row, ...]:
    """Decisions as `actions.record_decision` validates them, at most one per initiative."""

    def check(d: Row, where: str) -> Row:
        answers = d.get("answers")
        if not isinstance(answers, dict) or set(answers) != set(QUESTION_KEYS):
            _fail(
                N_("{where}.answers must answer exactly the questions {question_keys}."),
                where=where,
                question_keys=", ".join(QUESTION_KEYS),
            )
        try:
            clean = validate_answers(answers)
        except InvalidInput as exc:
            raise ImportRefused(N_("{where}.answers: {reason}"), where=where, reason=exc) from None
        return {
            "initiative": _ref(d.get("initiative"), initiatives, f"{where}.initiative", N_("initiative")),
            "answers": clean,
            "recommendation": _choice(d.get("recommendation"), CHOICES, f"{where}.recommendation", N_("choice")),
            "choice": _choice(d.get("choice"), CHOICES, f"{where}.choice", N_("choice")),
            "rationale": _text(d.get("rationale"), f"{where}.rationale", LONG_MAX, multiline=True),
            "decided_at": _timestamp(d.get("decided_at"), f"{where}.decided_at"),
        }

    decisions = _each(rows, "decisions", check)
    _once_per_initiative(decisions, "decisions", "decision")
    return decisions


def _once_per_initiative(rows: tuple[Row, ...], section: str, what: str) -> None:
    seen: set[int] = set()
    for n, row in enumerate(rows):
        if row["initiative"] in seen:
            _fail(
                N_("{section}[{n}] is a second {what} for initiative {initiative}; each has at most one."),
                section=section,
                n=n,
                what=what,
                initiative=row["initiative"],
            )
        seen.add(row["initiative"])


def _owners(rows: list[Row], decided: set[int]) -> tuple[Row, ...]:
    """Owners as `actions.assign_owner` validates them: decided first (or carried over with its
    owner from an earlier workshop), one per initiative."""

    def check(o: Row, where: str) -> Row:
        initiative = _ref(
            o.get("initiative"),
            decided,
            f"{where}.initiative",
            N_("initiative"),
            absent=N_("not decided (nor carried over): record a decision first"),
        )
        baseline = _number(o.get("baseline"), f"{where}.baseline")
        target = _number(o.get("target"), f"{where}.target")
        if baseline == target:
            _fail(
                N_("{where}.target equals its baseline ({baseline}): say what should change."),
                where=where,
                baseline=_show(baseline),
            )
        return {
            "initiative": initiative,
            "owner": _text(o.get("owner"), f"{where}.owner", OWNER_MAX),
            "metric": _text(o.get("metric"), f"{where}.metric", SHORT_MAX),
            "unit": _text(o.get("unit", ""), f"{where}.unit", UNIT_MAX, required=False),
            "baseline": baseline,
            "target": target,
            "checkin": _day(o.get("checkin"), f"{where}.checkin"),
            "assigned_at": _timestamp(o.get("assigned_at"), f"{where}.assigned_at"),
        }

    owners = _each(rows, "owners", check)
    _once_per_initiative(owners, "owners", "owner")
    return owners


def _checkins(rows: list[Row], owners: tuple[Row, ...]) -> tuple[Row, ...]:
    """Check-ins as `actions.record_checkin` validates them, on owned initiatives only."""
    owned = {o["initiative"]: o for o in owners}

    def check(c: Row, where: str) -> Row:
        initiative = c.get("initiative")
        if not isinstance(initiative, int) or isinstance(initiative, bool) or initiative not in owned:
            _fail(
                N_("{where}.initiative {initiative} refers to an initiative without an owner."),
                where=where,
                initiative=_show(initiative),
            )
        checked_on = _day(c.get("checked_on"), f"{where}.checked_on")
        upcoming = _day(c.get("next_checkin"), f"{where}.next_checkin", required=False)
        if upcoming is not None and upcoming <= str(checked_on):
            _fail(N_("{where}.next_checkin must come after its checked_on date."), where=where)
        value = _number(c.get("value"), f"{where}.value")
        _showable_progress(owned[initiative], value, f"{where}.value")
        return {
            "initiative": initiative,
            "checked_on": checked_on,
            "value": value,
            "status": _choice(c.get("status"), STATUSES, f"{where}.status", N_("status")),
            "note": _text(c.get("note", ""), f"{where}.note", NOTE_MAX, required=False),
            "next_checkin": upcoming,
            "recorded_by": _text(c.get("recorded_by"), f"{where}.recorded_by", OWNER_MAX),
            "via": _choice(c.get("via"), VIAS, f"{where}.via", N_("'via'")),
            "created_at": _timestamp(c.get("created_at"), f"{where}.created_at"),
        }

    return _each(rows, "checkins", check)


def _reviews(value: list[Row], owners: tuple[Row, ...]) -> tuple[Row, ...]:
    """How a later workshop concluded each owned initiative, as `actions.review_commitment` keeps it."""
    owned = {o["initiative"] for o in owners}
    reviews = _each(
        value,
        "reviews",
        lambda r, where: {
            "initiative": _ref(
                r.get("initiative"), owned, f"{where}.initiative", N_("initiative"), absent=N_("not owned")
            ),
            "reviewed_in": _code(r.get("reviewed_in"), f"{where}.reviewed_in"),
            "outcome": _choice(r.get("outcome"), REVIEW_KEYS, f"{where}.outcome", N_("review outcome")),
            "reason": _text(r.get("reason"), f"{where}.reason", NOTE_MAX),
            "reviewed_at": _timestamp(r.get("reviewed_at"), f"{where}.reviewed_at"),
        },
    )
    _once_per_initiative(reviews, "reviews", "review")
    return reviews


def _dismissed(rows: list[Row], bottlenecks: tuple[Row, ...]) -> tuple[Row, ...]:
    """Pairs of notes said not to be the same, as `actions.dismiss_suggestion` stores them: two
    different notes of the file (merged ones too: a pair may be dismissed before a later merge), once."""
    notes = {b["ref"] for b in bottlenecks}

    def check(d: Row, where: str) -> Row:
        pair = d.get("notes")
        if not isinstance(pair, list) or len(pair) != 2:
            _fail(N_("{where}.notes must list two note ids, not {pair}."), where=where, pair=_show(pair))
        low, high = sorted(_ref_list(pair, notes, f"{where}.notes", N_("bottleneck")))
        return {"low": low, "high": high, "dismissed_at": _timestamp(d.get("dismissed_at"), f"{where}.dismissed_at")}

    pairs = _each(rows, "dismissed_pairs", check)
    seen: set[tuple[int, int]] = set()
    for n, d in enumerate(pairs):
        if (d["low"], d["high"]) in seen:
            _fail(
                N_("dismissed_pairs[{n}] lists notes {low} and {high} a second time."),
                n=n,
                low=d["low"],
                high=d["high"],
            )
        seen.add((d["low"], d["high"]))
    return pairs


def _readiness(rows: list[Row], people: set[int]) -> tuple[Row, ...]:
    """The readiness check's answers as `actions.answer_readiness` stores them: a known question,
    a rating on its scale, a figure within its bounds, one answer per participant and question."""

    def check(a: Row, where: str) -> Row:
        participant = _ref(a.get("participant"), people, f"{where}.participant", N_("participant"))
        key = _choice(a.get("key"), READINESS_KEYS, f"{where}.key", N_("readiness question"))
        rating = a.get("rating")
        if not isinstance(rating, int) or isinstance(rating, bool):
            _fail(N_("{where}.rating must be a whole number, not {rating}."), where=where, rating=_show(rating))
        number = _number(a.get("number"), f"{where}.number", required=False)
        try:
            answer = validate_answer(key, rating, number, participant_id=0)
        except InvalidInput as exc:
            raise ImportRefused(N_("{where}: {reason}"), where=where, reason=exc) from None
        return {
            "participant": participant,
            "question": key,
            "rating": answer.rating,
            "number": answer.number,
            "updated_at": _timestamp(a.get("updated_at"), f"{where}.updated_at"),
        }

    answers = _each(rows, "readiness", check)
    seen: set[tuple[int, str]] = set()
    for n, answer in enumerate(answers):
        pair = (answer["participant"], answer["question"])
        if pair in seen:
            _fail(
                N_("readiness[{n}] is participant {pair0}'s second answer to {pair1!r}; each person has one."),
                n=n,
                pair0=pair[0],
                pair1=pair[1],
            )
        seen.add(pair)
    return answers


# An entry's before and after values are flat: text, numbers, yes/no, and lists or maps of those.
VALUES_MAX = 200


def _entries(rows: list[Row]) -> tuple[Entry, ...]:
    """The audit trail as the app writes it: a known role and step, text within its limits, and
    before/after values that are maps of plain values."""

    def check(e: Row, where: str) -> Row:
        return {
            "entry": Entry(
                at=float(_timestamp(e.get("at"), f"{where}.at") or 0.0),
                role=_choice(e.get("role"), audit.ROLES, f"{where}.role", N_("role")),
                via=_text(e.get("via"), f"{where}.via", LONG_MAX),
                action=_text(e.get("action"), f"{where}.action", SHORT_MAX),
                step=_choice(e.get("step"), STEP_KEYS, f"{where}.step", N_("step")),
                subject=_text(e.get("subject"), f"{where}.subject", LONG_MAX, required=False),
                before=_values(e.get("before"), f"{where}.before"),
                after=_values(e.get("after"), f"{where}.after"),
            )
        }

    return tuple(r["entry"] for r in _each(rows, "audit_trail", check))


def _values(value: Any, where: str, depth: int = 0) -> Any:
    """A map of plain values (at the top), each text, a number, yes/no, none, or a list or map of those."""
    if depth == 0 and not isinstance(value, dict):
        _fail(N_("{where} must be a map of values, not {value}."), where=where, value=_show(value))
    if isinstance(value, dict | list) and (depth > 1 or len(value) > VALUES_MAX):
        _fail(N_("{where} is nested too deeply or too long for an audit entry's values."), where=where)
    if isinstance(value, dict):
        return {_text(k, f"{where} key", SHORT_MAX): _values(v, f"{where}.{k}", depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_values(v, f"{where}[{n}]", depth + 1) for n, v in enumerate(value)]
    if isinstance(value, str):
        return _text(value, where, LONG_MAX, required=False, multiline=True)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        number = _number(value, where)
        return value if isinstance(value, int) else number
    _fail(N_("{where} holds {value}, which is not a value an audit entry keeps."), where=where, value=_show(value))


def _counts(rows: list[Row]) -> tuple[Count, ...]:
    """The participants' writes counted per step and kind: a known step and kind, once each."""

    def check(c: Row, where: str) -> Row:
        step = _choice(c.get("step"), STEP_KEYS, f"{where}.step", N_("step"))
        kind = _choice(c.get("kind"), audit.COUNTED_KINDS, f"{where}.kind", N_("kind of participant write"))
        return {"count": Count(step, kind, _int(c.get("count"), f"{where}.count", 1, ID_MAX))}

    counts = tuple(r["count"] for r in _each(rows, "write_counts", check))
    if len({(c.step, c.kind) for c in counts}) != len(counts):
        _fail(N_("write_counts lists one step and kind twice."))
    return counts


def _showable_progress(owner: Row, value: float | None, where: str) -> None:
    """The summary, sheets and portfolio show progress exactly; refuse what they could not."""
    share = progress(owner["baseline"], owner["target"], float(value or 0.0))
    if not math.isfinite(share) or abs(share) > PROGRESS_MAX:
        _fail(N_("{where} is too far from the owner's baseline and target to show as progress."), where=where)


# --- writing ------------------------------------------------------------------------------


def apply(db: Database, plan: Plan, now: float | None = None) -> tuple[str, str]:
    """Write a validated plan in one transaction; returns (code, new facilitator key)."""
    key = secrets.token_urlsafe(18)
    moment = time.time() if now is None else now
    try:
        with db.atomic():
            if store.code_exists(db, plan.code):
                _fail(N_("A workshop with the code {code} already exists here."), code=plan.code)
            imported = audit.Draft(audit.IMPORTER, audit.IMPORTED, moment)
            imported.record(plan.code, {}, {"entries": len(plan.trail.entries)})
            workshop_id = store.insert_workshop(
                db,
                {**plan.workshop, "key_hash": hash_secret(key)},
                list(plan.timers),
                imported.entry(plan.workshop["current_step"]),
                plan.trail,
            )
            people = {
                p["ref"]: store.insert_participant(
                    db, workshop_id, None, p["name"], p["joined_at"], p["is_facilitator"]
                )
                for p in plan.participants
            }
            notes = _write_board(db, workshop_id, plan, people)
            items = _write_initiatives(db, workshop_id, plan, people, notes, moment)
            _write_follow_through(db, plan, items)
            _write_readiness(db, workshop_id, plan, people)
    except store.INTEGRITY_ERRORS as exc:
        raise ImportRefused(N_("The file could not be stored ({value})."), value=_line(str(exc))) from None
    return plan.code, key


def _person(people: dict[int, int], ref: int | None) -> int | None:
    return None if ref is None else people[ref]


def _write_board(db: Database, workshop_id: int, plan: Plan, people: dict[int, int]) -> dict[int, int]:
    """Steps 1 and 2: notes, merges, votes, impacts and dismissed pairs; returns file id → stored id of notes."""
    notes: dict[int, int] = {}
    for b in plan.bottlenecks:
        notes[b["ref"]] = store.insert_bottleneck(
            db,
            workshop_id,
            _person(people, b["participant"]),
            b["dimension"],
            b["text"],
            b["created_at"],
            hidden=b["hidden"],
        )
    for b in plan.bottlenecks:
        if b["merged_into"] is not None:
            store.update_bottleneck(db, notes[b["ref"]], merged_into=notes[b["merged_into"]])
    for v in plan.votes:
        store.insert_vote(db, workshop_id, notes[v["bottleneck"]], people[v["participant"]], v["created_at"])
    for i in plan.impacts:
        store.insert_impact(
            db,
            workshop_id,
            {
                "bottleneck_id": notes[i["bottleneck"]],
                "participant_id": _person(people, i["participant"]),
                "outcome": i["outcome"],
                "direction": i["direction"],
                "magnitude": i["magnitude"],
                "money": i["money"],
                "because": i["because"],
                "created_at": i["created_at"],
            },
        )
    for d in plan.dismissed:
        store.dismiss_pairs(db, workshop_id, [(notes[d["low"]], notes[d["high"]])], d["dismissed_at"])
    return notes


def _write_initiatives(
    db: Database, workshop_id: int, plan: Plan, people: dict[int, int], notes: dict[int, int], now: float
) -> dict[int, int]:
    """Step 3 and the room's step 4 and 5 inputs; returns file id → stored id of initiatives."""
    items = {
        item["ref"]: store.insert_initiative(
            db,
            workshop_id,
            _person(people, item["participant"]),
            item["title"],
            item["description"],
            item["created_at"],
            item["position"],
            carried=item["carried"],
        )
        for item in plan.initiatives
    }
    for item in plan.initiatives:
        new_id = items[item["ref"]]
        store.link_initiative(db, new_id, [notes[b] for b in item["bottlenecks"]])
        for after in item["after"]:
            store.insert_dependency(db, new_id, items[after])
        for s in item["scores"]:
            store.upsert_score(db, {**s, "initiative_id": new_id, "participant_id": people[s["participant"]]})
        for question, answer in item["answers"].items():
            store.set_answer(db, new_id, question, answer)
        for p in item["picks"]:
            store.upsert_pick(db, {**p, "initiative_id": new_id, "participant_id": people[p["participant"]]})
        for offer in item["volunteers"]:
            store.set_volunteer(db, new_id, people[offer["participant"]], True, now)
    return items


def _write_follow_through(db: Database, plan: Plan, items: dict[int, int]) -> None:
    """Decisions, owners and check-ins."""
    for d in plan.decisions:
        store.upsert_decision(db, {**d, "initiative_id": items[d["initiative"]]})
    for o in plan.owners:
        store.upsert_owner(db, {**o, "initiative_id": items[o["initiative"]]})
    for c in plan.checkins:
        store.insert_checkin(db, {**c, "initiative_id": items[c["initiative"]]})
    for r in plan.reviews:
        store.upsert_review(db, {**r, "initiative_id": items[r["initiative"]], "carried_to": None})


def _write_readiness(db: Database, workshop_id: int, plan: Plan, people: dict[int, int]) -> None:
    """The readiness check's answers, participant by participant."""
    mine: dict[int, list[Row]] = {}
    for answer in plan.readiness:
        mine.setdefault(people[answer["participant"]], []).append(answer)
    for participant_id, rows in mine.items():
        store.replace_readiness_answers(db, workshop_id, participant_id, rows)
