"""Exports: the versioned JSON document (backup/restore) and the Markdown summary.

The JSON document numbers rows 1..n within the workshop, so an export imported into any
database and exported again gives the same document (`exported_at` aside). Secrets
(facilitator key, participant tokens) are never exported; an import issues a new key.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timezone
from typing import Any

from sqlite_utils import Database

from . import checklist, numbers
from .actions import DIRECTIONS, MAGNITUDES
from .decide import CHOICE_TITLES, QUESTIONS
from .errors import ImportRefused
from .followup import STATUSES
from .scoring import CRITERIA, method_by_key
from .state import Initiative, Snapshot, load
from .steps import DIMENSIONS, STEPS, outcome_by_key, stage_by_key
from .text import md_escape
from .timer import format_clock, time_spent

FORMAT = "scaling-workshop/3"
# /1 predates check-ins; /2 predates the phones' picks, volunteers and the stored questionnaire.
READABLE_FORMATS = ("scaling-workshop/1", "scaling-workshop/2", FORMAT)


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


def dumps(document: dict[str, Any]) -> str:
    """The one way an export document is written to text."""
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def export_json(db: Database, code: str, now: float | None = None) -> str:
    return dumps(to_document(load(db, code), now))


def import_document(db: Database, raw: str | bytes | dict[str, Any]) -> tuple[str, str]:
    """Restore an exported workshop; returns (code, new facilitator key). All or nothing.

    Parsing, validation and the write live in `importer`, so an import is checked by the
    same rules as the actions; this name stays because callers restore through it.
    """
    from . import importer  # imported here: the importer reads this module's formats

    return importer.apply(db, importer.validate(importer.parse(raw)))


# --- Markdown --------------------------------------------------------------------------

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
