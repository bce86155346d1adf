"""The backup: the versioned JSON document a workshop is exported to (and restored from).

The JSON document numbers rows 1..n within the workshop, so an export imported into any
database and exported again gives the same document (`exported_at` aside). Secrets
(facilitator key, participant tokens) are never exported; an import issues a new key.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from workshop.backup import importer
from workshop.backup.format import FORMAT, iso
from workshop.domain import checklist
from workshop.domain.audit import Trail
from workshop.domain.scoring import CRITERIA
from workshop.domain.snapshot import Initiative, Snapshot
from workshop.store import Database
from workshop.store.load import load

# --- JSON ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Numbers:
    """Rows are numbered 1..n within the workshop, and refer to each other by those numbers."""

    participant: dict[int, int]
    bottleneck: dict[int, int]
    initiative: dict[int, int]
    initiatives: list[Initiative]


def _numbers(snapshot: Snapshot) -> _Numbers:
    initiatives = sorted(snapshot.initiatives, key=lambda i: i.id)
    return _Numbers(
        participant={row["id"]: n for n, row in enumerate(snapshot.participants, start=1)},
        bottleneck={row["id"]: n for n, row in enumerate(snapshot.bottlenecks, start=1)},
        initiative={item.id: n for n, item in enumerate(initiatives, start=1)},
        initiatives=initiatives,
    )


def to_document(snapshot: Snapshot, now: float | None = None) -> dict[str, Any]:
    """The complete workshop as a JSON-ready dict, section by section in the format's order."""
    ids = _numbers(snapshot)
    return {
        "format": FORMAT,
        "exported_at": iso(time.time() if now is None else now),
        "workshop": _workshop_part(snapshot.workshop),
        "steps": _steps_part(snapshot),
        "participants": _participants_part(snapshot, ids),
        "readiness": _readiness_part(snapshot, ids),
        **_board_part(snapshot, ids),
        "initiatives": _initiatives_part(snapshot, ids),
        "decisions": _decisions_part(ids),
        **_followup_part(ids),
        **_audit_part(snapshot.loaded_trail),
        "checklist": [item.as_dict() for item in checklist.evaluate(snapshot)],
    }


def _workshop_part(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": w["code"],
        "title": w["title"],
        "organisation": w["organisation"],
        "stage": w["stage"],
        "created_at": iso(w["created_at"]),
        "ended_at": iso(w["ended_at"]),
        "current_step": w["current_step"],
        "locked": bool(w["locked"]),
        "observability_confirmed": bool(w["observability_confirmed"]),
        "scoring": w["scoring"],
        "vote_budget": w["vote_budget"],
        "review_minutes": w["review_minutes"],
        "reviewing": bool(w["reviewing"]),
        "readiness_open": bool(w["readiness_open"]),
        "private_brainstorm": bool(w["private_brainstorm"]),
        "anonymous": bool(w["anonymous"]),
        "language": w["language"],
    }


def _steps_part(snapshot: Snapshot) -> list[dict[str, Any]]:
    return [
        {
            "key": t.step_key,
            "minutes": t.minutes,
            "state": t.state,
            "deadline": iso(t.deadline),
            "remaining": t.remaining,
            "spent": t.spent,
            "run_started": iso(t.run_started),
        }
        for t in snapshot.timers
    ]


def _participants_part(snapshot: Snapshot, ids: _Numbers) -> list[dict[str, Any]]:
    return [
        {
            "id": ids.participant[p["id"]],
            "name": p["name"],
            "is_facilitator": bool(p["is_facilitator"]),
            "joined_at": iso(p["joined_at"]),
        }
        for p in snapshot.participants
    ]


def _readiness_part(snapshot: Snapshot, ids: _Numbers) -> list[dict[str, Any]]:
    """The readiness check's answers, one per participant and question (the results are derived)."""
    return [
        {
            "participant": ids.participant[a["participant_id"]],
            "key": a["question"],
            "rating": a["rating"],
            "number": a["number"],
            "updated_at": iso(a["updated_at"]),
        }
        for a in snapshot.readiness_rows
    ]


def _board_part(snapshot: Snapshot, ids: _Numbers) -> dict[str, list[dict[str, Any]]]:
    """Steps 1 and 2: the notes, the votes, the impacts, and the suggested duplicates said not to be."""
    pid, bid = ids.participant, ids.bottleneck
    return {
        "bottlenecks": [
            {
                "id": bid[b["id"]],
                "participant": pid.get(b["participant_id"]),
                "dimension": b["dimension"],
                "text": b["text"],
                "hidden": bool(b["hidden"]),
                "merged_into": bid.get(b["merged_into"]),
                "created_at": iso(b["created_at"]),
            }
            for b in snapshot.bottlenecks
        ],
        "votes": [
            {
                "bottleneck": bid[v["bottleneck_id"]],
                "participant": pid[v["participant_id"]],
                "created_at": iso(v["created_at"]),
            }
            for v in snapshot.votes
        ],
        "impacts": [
            {
                "bottleneck": bid[i["bottleneck_id"]],
                "participant": pid.get(i["participant_id"]),
                **{k: i[k] for k in ("outcome", "direction", "magnitude", "money", "because")},
                "created_at": iso(i["created_at"]),
            }
            for i in snapshot.impacts
        ],
        "dismissed_pairs": [
            {"notes": [bid[d["low_id"]], bid[d["high_id"]]], "dismissed_at": iso(d["dismissed_at"])}
            for d in snapshot.dismissed_pairs
        ],
    }


def _initiatives_part(snapshot: Snapshot, ids: _Numbers) -> list[dict[str, Any]]:
    """Step 3, with each initiative's scores and what the room gave it from their phones."""
    pid, bid, iid = ids.participant, ids.bottleneck, ids.initiative
    scores_by: dict[int, list[dict[str, Any]]] = {}
    for s in snapshot.scores:
        scores_by.setdefault(s["initiative_id"], []).append(
            {
                "participant": pid.get(s["participant_id"]),
                **{c: s[c] for c in CRITERIA},
                "updated_at": iso(s["updated_at"]),
            }
        )
    return [
        {
            "id": iid[i.id],
            "title": i.title,
            "description": i.description,
            "position": i.position,
            "participant": None if i.participant_id is None else pid.get(i.participant_id),
            "created_at": iso(i.created_at),
            "bottlenecks": sorted(bid[b] for b in i.bottleneck_ids),
            "after": sorted(iid[a] for a in i.after_ids),
            "scores": sorted(scores_by.get(i.id, []), key=lambda s: s["participant"] or 0),
            **_room_inputs(i, pid),
            "carried_from": _carried_from(i),
        }
        for i in ids.initiatives
    ]


def _carried_from(item: Initiative) -> dict[str, Any] | None:
    """Where a carried-over initiative came from, by value: the file stands on its own."""
    if not item.carried:
        return None
    return {"workshop": item.carried_from_code, "title": item.carried_from_title, "times": item.carried_times}


def _decisions_part(ids: _Numbers) -> list[dict[str, Any]]:
    return [
        {
            "initiative": ids.initiative[i.id],
            **{k: i.decision[k] for k in ("answers", "recommendation", "choice", "rationale")},
            "decided_at": iso(i.decision["decided_at"]),
        }
        for i in ids.initiatives
        if i.decision is not None
    ]


def _followup_part(ids: _Numbers) -> dict[str, list[dict[str, Any]]]:
    """Step 5 and after: owners with their metrics, the check-ins since, and how a later workshop
    concluded each commitment. Owner links are secrets and never exported."""
    iid = ids.initiative
    return {
        "owners": [
            {
                "initiative": iid[i.id],
                **{k: i.owner[k] for k in ("owner", "metric", "unit", "baseline", "target", "checkin")},
                "assigned_at": iso(i.owner["assigned_at"]),
            }
            for i in ids.initiatives
            if i.owner is not None
        ],
        "checkins": [
            {
                "initiative": iid[c["initiative_id"]],
                **{k: c[k] for k in ("checked_on", "value", "status", "note", "next_checkin", "recorded_by", "via")},
                "created_at": iso(c["created_at"]),
            }
            for i in ids.initiatives
            for c in i.checkins
        ],
        "reviews": [
            {
                "initiative": iid[i.id],
                **{k: i.review[k] for k in ("reviewed_in", "outcome", "reason")},
                "reviewed_at": iso(i.review["reviewed_at"]),
            }
            for i in ids.initiatives
            if i.review is not None
        ],
    }


def _audit_part(trail: Trail) -> dict[str, list[dict[str, Any]]]:
    """The audit trail, entry by entry, and the participants' writes counted per step and kind.
    Entries name roles and devices or links in words; they never hold a secret."""
    return {
        "audit_trail": [
            {
                "at": iso(e.at),
                "role": e.role,
                "via": e.via,
                "action": e.action,
                "step": e.step,
                "subject": e.subject,
                "before": dict(e.before),
                "after": dict(e.after),
            }
            for e in trail.entries
        ],
        "write_counts": [{"step": c.step, "kind": c.kind, "count": c.count} for c in trail.counts],
    }


def _room_inputs(item: Initiative, pid: dict[int, int]) -> dict[str, Any]:
    """What the room gave an initiative from their phones, and the questionnaire so far."""
    return {
        "answers": dict(sorted(item.answers.items())),
        "picks": [
            {
                "participant": pid[p["participant_id"]],
                "choice": p["choice"],
                "reason": p["reason"],
                "updated_at": iso(p["updated_at"]),
            }
            for p in item.picks
        ],
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
    return importer.apply(db, importer.validate(importer.parse(raw)))
