"""Exports: the versioned JSON document (backup/restore) and the Markdown summary.

The JSON document numbers rows 1..n within the workshop, so an export imported into any
database and exported again gives the same document (`exported_at` aside). Secrets
(facilitator key, participant tokens) are never exported; an import issues a new key.
"""

from __future__ import annotations

import json
import math
import secrets
import sqlite3
import time
from datetime import date, datetime, timezone
from typing import Any

from sqlite_utils import Database

from . import checklist, numbers, storage
from .actions import DIRECTIONS, MAGNITUDES, hash_secret
from .decide import CHOICE_TITLES, CHOICES, QUESTION_KEYS, QUESTIONS
from .errors import ImportRefused, InvalidInput
from .followup import STATUSES
from .scoring import CRITERIA, RANGES, has_cycle, method_by_key
from .state import Initiative, Snapshot, load, normalise_code
from .steps import DIMENSION_KEYS, DIMENSIONS, OUTCOME_KEYS, STAGE_KEYS, STEP_KEYS, STEPS, outcome_by_key, stage_by_key
from .text import clean_text
from .timer import Timer, format_clock, time_spent

FORMAT = "scaling-workshop/3"
# /1 predates check-ins; /2 predates the phones' picks, volunteers and the stored questionnaire.
READABLE_FORMATS = ("scaling-workshop/1", "scaling-workshop/2", FORMAT)
TIMER_STATES = ("pending", "running", "paused", "done")


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="microseconds")


def from_iso(value: Any, field: str) -> float | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        raise ImportRefused(f"{field} is not a timestamp: {str(value)[:40]!r}.") from None


# --- JSON ------------------------------------------------------------------------------

def to_document(snapshot: Snapshot, now: float | None = None) -> dict[str, Any]:
    """The complete workshop as a JSON-ready dict."""
    w = snapshot.workshop
    pid = {row["id"]: n for n, row in enumerate(snapshot.participants, start=1)}
    bid = {row["id"]: n for n, row in enumerate(snapshot.bottlenecks, start=1)}
    initiatives = sorted(snapshot.initiatives, key=lambda i: i.id)
    iid = {item.id: n for n, item in enumerate(initiatives, start=1)}
    scores_by: dict[int, list[dict[str, Any]]] = {}
    for s in snapshot.scores:
        scores_by.setdefault(s["initiative_id"], []).append(
            {"participant": pid.get(s["participant_id"]), **{c: s[c] for c in CRITERIA},
             "updated_at": iso(s["updated_at"])})
    return {
        "format": FORMAT,
        "exported_at": iso(time.time() if now is None else now),
        "workshop": {
            "code": w["code"], "title": w["title"], "organisation": w["organisation"], "stage": w["stage"],
            "created_at": iso(w["created_at"]), "ended_at": iso(w["ended_at"]),
            "current_step": w["current_step"], "locked": bool(w["locked"]),
            "observability_confirmed": bool(w["observability_confirmed"]), "scoring": w["scoring"],
            "vote_budget": w["vote_budget"],
        },
        "steps": [{"key": t.step_key, "minutes": t.minutes, "state": t.state, "deadline": iso(t.deadline),
                   "remaining": t.remaining, "spent": t.spent, "run_started": iso(t.run_started)}
                  for t in snapshot.timers],
        "participants": [{"id": pid[p["id"]], "name": p["name"], "is_facilitator": bool(p["is_facilitator"]),
                          "joined_at": iso(p["joined_at"])} for p in snapshot.participants],
        "bottlenecks": [{"id": bid[b["id"]], "participant": pid.get(b["participant_id"]),
                         "dimension": b["dimension"], "text": b["text"], "hidden": bool(b["hidden"]),
                         "merged_into": bid.get(b["merged_into"]), "created_at": iso(b["created_at"])}
                        for b in snapshot.bottlenecks],
        "votes": [{"bottleneck": bid[v["bottleneck_id"]], "participant": pid[v["participant_id"]],
                   "created_at": iso(v["created_at"])} for v in snapshot.votes],
        "impacts": [{"bottleneck": bid[i["bottleneck_id"]], "participant": pid.get(i["participant_id"]),
                     "outcome": i["outcome"], "direction": i["direction"], "magnitude": i["magnitude"],
                     "money": i["money"], "because": i["because"], "created_at": iso(i["created_at"])}
                    for i in snapshot.impacts],
        "initiatives": [{"id": iid[i.id], "title": i.title, "description": i.description,
                         "position": i.position, "participant": pid.get(i.participant_id),
                         "created_at": iso(i.created_at), "bottlenecks": sorted(bid[b] for b in i.bottleneck_ids),
                         "after": sorted(iid[a] for a in i.after_ids),
                         "scores": sorted(scores_by.get(i.id, []), key=lambda s: s["participant"] or 0),
                         **_room_inputs(i, pid)}
                        for i in initiatives],
        "decisions": [{"initiative": iid[i.id], "answers": i.decision["answers"],
                       "recommendation": i.decision["recommendation"], "choice": i.decision["choice"],
                       "rationale": i.decision["rationale"], "decided_at": iso(i.decision["decided_at"])}
                      for i in initiatives if i.decision is not None],
        "owners": [{"initiative": iid[i.id], "owner": i.owner["owner"], "metric": i.owner["metric"],
                    "unit": i.owner["unit"], "baseline": i.owner["baseline"], "target": i.owner["target"],
                    "checkin": i.owner["checkin"], "assigned_at": iso(i.owner["assigned_at"])}
                   for i in initiatives if i.owner is not None],
        "checkins": [{"initiative": iid[c["initiative_id"]], "checked_on": c["checked_on"], "value": c["value"],
                      "status": c["status"], "note": c["note"], "next_checkin": c["next_checkin"],
                      "recorded_by": c["recorded_by"], "via": c["via"], "created_at": iso(c["created_at"])}
                     for i in initiatives for c in i.checkins],
        "checklist": [item.as_dict() for item in checklist.evaluate(snapshot)],
    }


def _room_inputs(item: Initiative, pid: dict[int, int]) -> dict[str, Any]:
    """What the room gave an initiative from their phones, and the questionnaire so far."""
    return {
        "answers": dict(sorted(item.answers.items())),
        "picks": [{"participant": pid[p["participant_id"]], "choice": p["choice"], "reason": p["reason"],
                   "updated_at": iso(p["updated_at"])} for p in item.picks],
        "volunteers": [{"participant": pid[v]} for v in item.volunteer_ids],
    }


def _import_room_inputs(db: Database, item: dict[str, Any], new_id: int, pmap: dict[int, int], now: float) -> None:
    """Restore the questionnaire answers, picks and volunteers of one initiative (format /3)."""
    answers = item.get("answers", {})
    _require(isinstance(answers, dict), "An initiative's answers must be an object.")
    for question, answer in answers.items():
        options = next((q.options for q in QUESTIONS if q.key == question), None)
        _require(options is not None and answer in options, "An initiative has an unknown questionnaire answer.")
        storage.set_answer(db, new_id, question, answer)
    for pick in item.get("picks", []):
        _require(isinstance(pick, dict) and pick.get("choice") in CHOICES, "A pick has an unknown choice.")
        storage.upsert_pick(db, {"initiative_id": new_id, "participant_id": _ref(pick.get("participant"), pmap, "participant"),
                                 "choice": pick["choice"], "reason": _text(pick.get("reason", ""), "pick reason"),
                                 "updated_at": from_iso(pick.get("updated_at"), "updated_at")})
    for offer in item.get("volunteers", []):
        _require(isinstance(offer, dict), "A volunteer must be an object.")
        storage.set_volunteer(db, new_id, _ref(offer.get("participant"), pmap, "participant"), True, now)


def dumps(document: dict[str, Any]) -> str:
    """The one way an export document is written to text."""
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def export_json(db: Database, code: str, now: float | None = None) -> str:
    return dumps(to_document(load(db, code), now))


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ImportRefused(message)


def _list(doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = doc.get(key)
    _require(isinstance(value, list) and all(isinstance(v, dict) for v in value),
             f"'{key}' must be a list of objects.")
    return value


def _ref(value: Any, mapping: dict[int, int], what: str, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    _require(isinstance(value, int) and not isinstance(value, bool) and value in mapping,
             f"A reference to {what} {value!r} does not match any {what}.")
    return mapping[value]


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_day(value: Any) -> bool:
    try:
        return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _text(value: Any, field: str, limit: int = 5000) -> str:
    """Imported text obeys the same rule as typed text: no control or bidi-override characters."""
    _require(isinstance(value, str) and len(value) <= limit, f"{field} must be text of at most {limit} characters.")
    try:
        return clean_text(value, field, max_len=limit, required=False, multiline=True)
    except InvalidInput as exc:
        raise ImportRefused(str(exc)) from None


def _unique_ids(rows: list[dict[str, Any]], what: str) -> None:
    ids = [r.get("id") for r in rows]
    _require(len(set(map(repr, ids))) == len(ids), f"Two {what} share the same id.")


def import_document(db: Database, raw: str | bytes | dict[str, Any]) -> tuple[str, str]:
    """Restore an exported workshop; returns (code, new facilitator key). All or nothing."""
    try:
        doc = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportRefused(f"The file is not valid JSON ({exc}).") from None
    _require(isinstance(doc, dict), "The file does not hold a workshop export.")
    _require(doc.get("format") in READABLE_FORMATS,
             f"Unknown format {doc.get('format')!r}: expected {FORMAT!r}.")
    w = doc.get("workshop")
    _require(isinstance(w, dict), "'workshop' must be an object.")
    code = normalise_code(_text(w.get("code"), "workshop.code", 12))
    _require(len(code) >= 4, "workshop.code is too short.")
    _require(not storage.code_exists(db, code), f"A workshop with the code {code} already exists here.")
    _require(w.get("stage") in STAGE_KEYS, "workshop.stage is not a known stage context.")
    _require(w.get("current_step") in STEP_KEYS, "workshop.current_step is not a known step.")
    _require(w.get("scoring") in ("roi", "wsjf"), "workshop.scoring must be 'roi' or 'wsjf'.")
    _require(isinstance(w.get("vote_budget"), int) and 1 <= w["vote_budget"] <= 20, "workshop.vote_budget is invalid.")
    steps = _list(doc, "steps")
    _require([s.get("key") for s in steps] == list(STEP_KEYS), "'steps' must list the five steps in order.")
    timers = []
    for s in steps:
        _require(s.get("state") in TIMER_STATES, f"Step {s['key']} has an unknown timer state.")
        _require(isinstance(s.get("minutes"), int) and 1 <= s["minutes"] <= 120, f"Step {s['key']} minutes invalid.")
        for field in ("remaining", "spent"):
            _require(_finite(s.get(field)), f"Step {s['key']} {field} must be a number.")
        timers.append(Timer(step_key=s["key"], minutes=s["minutes"], state=s["state"],
                            deadline=from_iso(s.get("deadline"), "deadline"), remaining=float(s["remaining"]),
                            spent=float(s["spent"]), run_started=from_iso(s.get("run_started"), "run_started")))
    participants = _list(doc, "participants")
    bottlenecks = _list(doc, "bottlenecks")
    votes = _list(doc, "votes")
    impacts = _list(doc, "impacts")
    initiatives = _list(doc, "initiatives")
    decisions = _list(doc, "decisions")
    owners = _list(doc, "owners")
    for rows, what in ((participants, "participants"), (bottlenecks, "bottlenecks"), (initiatives, "initiatives")):
        _unique_ids(rows, what)
    merged = {b.get("id"): b.get("merged_into") for b in bottlenecks}
    for note, target in merged.items():
        _require(target != note, f"Bottleneck {note!r} is merged into itself.")
        _require(target is None or merged.get(target) is None,
                 f"Bottleneck {note!r} is merged into a note that is itself merged away.")
    checkins = _list(doc, "checkins") if doc["format"] != "scaling-workshop/1" else []
    key = secrets.token_urlsafe(18)
    try:
        with db.atomic():
            workshop_id = storage.insert_workshop(db, {
                "code": code, "title": _text(w.get("title"), "workshop.title", 200),
                "organisation": _text(w.get("organisation"), "workshop.organisation", 200),
                "stage": w["stage"], "key_hash": hash_secret(key),
                "created_at": from_iso(w.get("created_at"), "created_at"), "current_step": w["current_step"],
                "vote_budget": w["vote_budget"], "scoring": w["scoring"], "locked": int(bool(w.get("locked"))),
                "observability_confirmed": int(bool(w.get("observability_confirmed"))),
                "ended_at": from_iso(w.get("ended_at"), "ended_at")}, timers)
            pmap: dict[int, int] = {}
            for p in participants:
                pmap[p.get("id")] = storage.insert_participant(
                    db, workshop_id, None, _text(p.get("name"), "participant name", 200),
                    from_iso(p.get("joined_at"), "joined_at"), bool(p.get("is_facilitator")))
            bmap: dict[int, int] = {}
            for b in bottlenecks:
                _require(b.get("dimension") in DIMENSION_KEYS, "A bottleneck has an unknown dimension.")
                bmap[b.get("id")] = storage.insert_bottleneck(
                    db, workshop_id, _ref(b.get("participant"), pmap, "participant", True), b["dimension"],
                    _text(b.get("text"), "bottleneck text"), from_iso(b.get("created_at"), "created_at"),
                    hidden=bool(b.get("hidden")))
            for b in bottlenecks:
                if b.get("merged_into") is not None:
                    storage.update_bottleneck(db, bmap[b["id"]], merged_into=_ref(b["merged_into"], bmap, "bottleneck"))
            for v in votes:
                storage.insert_vote(db, workshop_id, _ref(v.get("bottleneck"), bmap, "bottleneck"),
                                    _ref(v.get("participant"), pmap, "participant"),
                                    from_iso(v.get("created_at"), "created_at"))
            for i in impacts:
                _require(i.get("outcome") in OUTCOME_KEYS, "An impact has an unknown outcome.")
                _require(i.get("direction") in DIRECTIONS, "An impact has an unknown direction.")
                _require(i.get("magnitude") in MAGNITUDES, "An impact has an invalid magnitude.")
                _require(i.get("money") is None or _finite(i.get("money")), "Impact money must be a number.")
                storage.insert_impact(db, workshop_id, {
                    "bottleneck_id": _ref(i.get("bottleneck"), bmap, "bottleneck"),
                    "participant_id": _ref(i.get("participant"), pmap, "participant", True),
                    "outcome": i["outcome"], "direction": i["direction"], "magnitude": i["magnitude"],
                    "money": i.get("money"), "because": _text(i.get("because"), "impact because"),
                    "created_at": from_iso(i.get("created_at"), "created_at")})
            imap: dict[int, int] = {}
            for item in initiatives:
                position = item.get("position")
                _require(position is None or (isinstance(position, int) and position >= 1), "Invalid position.")
                imap[item.get("id")] = storage.insert_initiative(
                    db, workshop_id, _ref(item.get("participant"), pmap, "participant", True),
                    _text(item.get("title"), "initiative title"), _text(item.get("description", ""), "description"),
                    from_iso(item.get("created_at"), "created_at"), position)
            pairs: list[tuple[int, int]] = []
            for item in initiatives:
                new_id = imap[item["id"]]
                storage.link_initiative(db, new_id, [_ref(b, bmap, "bottleneck") for b in item.get("bottlenecks", [])])
                for after in item.get("after", []):
                    pairs.append((new_id, _ref(after, imap, "initiative")))
                    storage.insert_dependency(db, *pairs[-1])
                for s in item.get("scores", []):
                    for criterion in CRITERIA:
                        low, high = RANGES[criterion]
                        _require(isinstance(s.get(criterion), int) and low <= s[criterion] <= high,
                                 f"A score's {criterion} is out of range.")
                    storage.upsert_score(db, {"initiative_id": new_id,
                                              "participant_id": _ref(s.get("participant"), pmap, "participant"),
                                              **{c: s[c] for c in CRITERIA},
                                              "updated_at": from_iso(s.get("updated_at"), "updated_at")})
                _import_room_inputs(db, item, new_id, pmap, time.time())
            _require(not has_cycle(pairs), "The initiatives' 'after' dependencies are circular.")
            for d in decisions:
                _require(d.get("choice") in CHOICES and d.get("recommendation") in CHOICES, "A decision has an unknown choice.")
                answers = d.get("answers")
                _require(isinstance(answers, dict) and set(answers) == set(QUESTION_KEYS), "A decision's answers are incomplete.")
                storage.upsert_decision(db, {"initiative_id": _ref(d.get("initiative"), imap, "initiative"),
                                             "answers": answers, "recommendation": d["recommendation"],
                                             "choice": d["choice"], "rationale": _text(d.get("rationale"), "rationale"),
                                             "decided_at": from_iso(d.get("decided_at"), "decided_at")})
            for o in owners:
                for field in ("baseline", "target"):
                    _require(_finite(o.get(field)), f"An owner's {field} must be a number.")
                storage.upsert_owner(db, {"initiative_id": _ref(o.get("initiative"), imap, "initiative"),
                                          "owner": _text(o.get("owner"), "owner"), "metric": _text(o.get("metric"), "metric"),
                                          "unit": _text(o.get("unit", ""), "unit"), "baseline": float(o["baseline"]),
                                          "target": float(o["target"]), "checkin": _text(o.get("checkin"), "checkin", 10),
                                          "assigned_at": from_iso(o.get("assigned_at"), "assigned_at")})
            owned = {o.get("initiative") for o in owners}
            for c in checkins:
                _require(c.get("initiative") in owned, "A check-in refers to an initiative without an owner.")
                _require(c.get("status") in STATUSES, "A check-in has an unknown status.")
                _require(_finite(c.get("value")), "A check-in's value must be a number.")
                _require(c.get("via") in ("facilitator", "leader link"), "A check-in has an unknown 'via'.")
                for field in ("checked_on", "next_checkin"):
                    if field == "checked_on" or c.get(field) is not None:
                        _require(_is_day(c.get(field)), f"A check-in's {field} must be a date such as 2026-12-31.")
                storage.insert_checkin(db, {
                    "initiative_id": _ref(c.get("initiative"), imap, "initiative"), "checked_on": c["checked_on"],
                    "value": float(c["value"]), "status": c["status"], "note": _text(c.get("note", ""), "check-in note"),
                    "next_checkin": c.get("next_checkin"), "recorded_by": _text(c.get("recorded_by"), "recorded_by", 200),
                    "via": c["via"], "created_at": from_iso(c.get("created_at"), "created_at")})
    except ImportRefused:
        raise
    except (KeyError, TypeError, ValueError, sqlite3.IntegrityError) as exc:
        raise ImportRefused(f"The file is not a complete workshop export ({type(exc).__name__}: {exc}).") from None
    return code, key


# --- Markdown --------------------------------------------------------------------------

_MD_SPECIAL = set("\\`*_{}[]()<>#+-!|~&=$")


def md_escape(text: Any) -> str:
    """Make participant text literal in Markdown: no links, images, HTML, lists or headings."""
    out: list[str] = []
    for char in " ".join(str(text).split()):
        literal_dot = char == "." and out and all(c.isdigit() for c in out)
        out.append("\\" + char if char in _MD_SPECIAL or literal_dot else char)
    return "".join(out)


def markdown(snapshot: Snapshot, now: float | None = None) -> str:
    """The Ship It summary as Markdown that is safe to paste into a wiki."""
    moment = time.time() if now is None else now
    w = snapshot.workshop
    stage = stage_by_key(w["stage"])
    lines: list[str] = [
        f"# Ship It — {md_escape(w['title'])}",
        "",
        f"**Organisation:** {md_escape(w['organisation'])}  ",
        f"**Stage context:** {stage.title}  ",
        f"**Workshop code:** {w['code']}  ",
        f"**Participants:** {sum(1 for p in snapshot.participants if not p['is_facilitator'])}",
        "",
        "## Checklist",
        "",
    ]
    for item in checklist.evaluate(snapshot):
        mark = "x" if item.done else " "
        lines.append(f"- [{mark}] **{item.title}** — {md_escape(item.reason)}")
    open_items = [i for i in checklist.evaluate(snapshot) if not i.done]
    lines += ["", "## Open items", ""]
    lines += [f"- {item.title}: {md_escape(item.reason)}" for item in open_items] or ["- None: ship it."]

    lines += ["", "## Top bottlenecks per dimension", ""]
    board = snapshot.by_dimension()
    for dimension in DIMENSIONS:
        lines.append(f"### {dimension.title} ({dimension.scope})")
        lines.append("")
        rows = board[dimension.key][:5]
        lines += [f"{n}. {md_escape(b['text'])} — {numbers.plural(b['votes'], 'vote')}" for n, b in enumerate(rows, start=1)] or ["- None recorded."]
        lines.append("")

    lines += ["## Impact map", ""]
    if snapshot.impacts:
        lines += ["| Bottleneck | Outcome | Direction | Magnitude | Estimate | Because |", "|---|---|---|---|---|---|"]
        for i in snapshot.impacts:
            b = snapshot.bottleneck(i["bottleneck_id"])
            lines.append(f"| {md_escape(b['text'])} | {outcome_by_key(i['outcome']).title} | {DIRECTIONS[i['direction']]} "
                         f"| {MAGNITUDES[i['magnitude']]} | {numbers.money(i['money'])} | {md_escape(i['because'])} |")
    else:
        lines.append("- No impacts recorded.")

    method = method_by_key(snapshot.method)
    lines += ["", "## Ranked plan", "", f"Ranking formula: {method.formula}", ""]
    if snapshot.initiatives:
        lines += ["| Seq. | Rank | Initiative | Dimensions | Value | Effort | Urgency | Confidence | "
                  f"{method.title} | Decision | Owner |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        for i in snapshot.plan:
            a = i.aggregate
            figures = ([numbers.measure(a.value), numbers.measure(a.effort), numbers.measure(a.urgency),
                        numbers.percent(a.confidence), numbers.priority(a.priority(snapshot.method))]
                       if a else ["—"] * 5)
            decision = CHOICE_TITLES[i.decision["choice"]] if i.decision else "—"
            owner = md_escape(i.owner["owner"]) if i.owner else "—"
            lines.append(f"| {i.position or '—'} | {i.rank} | {md_escape(i.title)} | {', '.join(i.dimensions)} | "
                         + " | ".join(figures) + f" | {decision} | {owner} |")
    else:
        lines.append("- No initiatives recorded.")

    lines += ["", "## Build / Buy / Partner decisions", ""]
    decided = snapshot.decided
    for i in decided:
        d = i.decision
        overruled = d["choice"] != d["recommendation"]
        note = f" (overrules the recommendation to {CHOICE_TITLES[d['recommendation']].lower()})" if overruled else ""
        lines.append(f"- **{md_escape(i.title)}**: {CHOICE_TITLES[d['choice']]}{note}. {md_escape(d['rationale'])}")
    if not decided:
        lines.append("- No decisions recorded.")

    lines += ["", "## Owners, metrics and check-ins", ""]
    owned = [i for i in snapshot.plan if i.owner]
    if owned:
        lines += ["| Initiative | Owner (DRI) | Metric | Baseline | Target | First check-in |", "|---|---|---|---|---|---|"]
        for i in owned:
            o = i.owner
            unit = f" {md_escape(o['unit'])}" if o["unit"] else ""
            lines.append(f"| {md_escape(i.title)} | {md_escape(o['owner'])} | {md_escape(o['metric'])} | "
                         f"{numbers.measure(o['baseline'])}{unit} | {numbers.measure(o['target'])}{unit} | {o['checkin']} |")
    else:
        lines.append("- No owners assigned.")

    lines += ["", "## Follow-through", ""]
    today = date.fromtimestamp(moment)
    tracks = snapshot.tracks
    if tracks:
        lines += ["| Initiative | Owner | Latest value | Target | Progress | Status | Next check-in |",
                  "|---|---|---|---|---|---|---|"]
        for t in tracks:
            unit = f" {md_escape(t.unit)}" if t.unit else ""
            due = t.next_checkin.isoformat() if t.next_checkin else "none planned"
            if t.overdue(today):
                due += f" (overdue by {numbers.plural(t.days_overdue(today), 'day')})"
            lines.append(f"| {md_escape(t.title)} | {md_escape(t.owner)} | {numbers.measure(t.value)}{unit} | {numbers.measure(t.target)}{unit} "
                         f"| {numbers.share(t.progress)} | {t.status_title} | {due} |")
        notes = [(t, c) for t in tracks for c in t.checkins]
        if notes:
            lines += ["", "### Check-ins", ""]
            for t, c in notes:
                text = f" — {md_escape(c['note'])}" if c["note"] else ""
                lines.append(f"- {c['checked_on']} · {md_escape(t.title)}: {numbers.measure(c['value'])} "
                             f"({STATUSES[c['status']]}, by {md_escape(c['recorded_by'])}){text}")
    else:
        lines.append("- Nothing to follow up yet: no owned initiatives.")

    lines += ["", "## Time per step", "", "| Step | Planned | Spent |", "|---|---|---|"]
    for step in STEPS:
        t = snapshot.timer(step.key)
        lines.append(f"| {step.number}. {step.title} | {t.minutes} min | {format_clock(time_spent(t, moment))} |")
    lines.append("")
    return "\n".join(lines)


def export_markdown(db: Database, code: str, now: float | None = None) -> str:
    return markdown(load(db, code), now)


def question_text(key: str) -> str:
    return next(q.text for q in QUESTIONS if q.key == key)
