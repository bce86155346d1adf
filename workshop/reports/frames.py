"""The tables behind the charts, as pandas frames: one row per note, impact, initiative or step.

The charts draw them and the spreadsheet, CSV and PDF exports print them, so a number on a
chart and the same number in a table cannot disagree. Pure functions of a `Snapshot`; no
drawing here (that is `charts`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from statistics import median
from typing import Any

import pandas as pd

from workshop.domain import numbers
from workshop.domain.decide import CHOICE_TITLES
from workshop.domain.erasure import owner_shown
from workshop.domain.followup import STATUSES, Track, day_of, progress
from workshop.domain.language import N_, _
from workshop.domain.readiness import Held, Results, weakest
from workshop.domain.scoring import CRITERIA
from workshop.domain.snapshot import Initiative, Snapshot
from workshop.domain.timer import time_spent
from workshop.domain.vocabulary import (
    DIMENSION_KEYS,
    DIRECTIONS,
    MAGNITUDES,
    OUTCOMES,
    STEPS,
    dimension_by_key,
    dimension_words,
    outcome_by_key,
    said,
)

LABEL_CHARS = 36  # initiative titles on the scatter plot
BAR_LABEL_CHARS = 48  # bottleneck texts on the vote bars
URGENCY_MIDPOINT = 5.5  # the middle of the 1–10 urgency scale

DO_FIRST, PLAN, CONTAIN, RECONSIDER = N_("Do first"), N_("Plan next"), N_("Contain cheaply"), N_("Reconsider")
QUADRANTS: tuple[str, ...] = (DO_FIRST, PLAN, CONTAIN, RECONSIDER)


# --- small pure helpers ----------------------------------------------------------------


def truncate(text: Any, limit: int) -> str:
    """One line of at most `limit` characters, so long notes cannot swamp a chart."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: max(limit - 1, 0)].rstrip() + "…"


def _minutes(seconds: float) -> float:
    return round(seconds / 60.0, 1)


def numbering(snapshot: Snapshot) -> tuple[dict[int, int], dict[int, int]]:
    """Bottleneck and initiative numbers 1..n, the same as in the JSON export."""
    bottleneck_no = {row["id"]: n for n, row in enumerate(snapshot.bottlenecks, start=1)}
    initiative_no = {item.id: n for n, item in enumerate(sorted(snapshot.initiatives, key=lambda i: i.id), start=1)}
    return bottleneck_no, initiative_no


def priority_midpoint(snapshot: Snapshot) -> float | None:
    """The median priority of the scored initiatives: the horizontal quadrant line."""
    values = [i.aggregate.priority(snapshot.method) for i in snapshot.initiatives if i.aggregate]
    return float(median(values)) if values else None


def quadrant(urgency: float, priority: float, midpoint: float) -> str:
    """Which quadrant of the ROI × urgency plot an initiative falls in (ties count as high)."""
    urgent = urgency >= URGENCY_MIDPOINT
    worth = priority >= midpoint
    if worth:
        return DO_FIRST if urgent else PLAN
    return CONTAIN if urgent else RECONSIDER


def _spread_text(item: Initiative) -> str:
    a = item.aggregate
    if a is None:
        return ""
    said = _("value {value}, effort {effort}, urgency {urgency}, confidence {confidence}")
    return said.format(**{c: f"{a.spread[c]:g}" for c in ("value", "effort", "urgency", "confidence")})


# --- frames (shared with the spreadsheet, CSV and PDF exports) -------------------------

INITIATIVE_COLUMNS: tuple[str, ...] = (
    "no",
    "rank",
    "position",
    "title",
    "label",
    "description",
    "dimensions",
    "bottleneck_nos",
    "bottlenecks",
    "after",
    "scorers",
    "value",
    "effort",
    "urgency",
    "confidence",
    "spread_value",
    "spread_effort",
    "spread_urgency",
    "spread_confidence",
    "spread",
    "disputed",
    "roi",
    "wsjf",
    "priority",
    "priority_text",
    "quadrant",
    "top3",
    "decision",
    "owner",
)


def initiatives_frame(snapshot: Snapshot) -> pd.DataFrame:
    """One row per initiative in plan order: medians, spreads, ROI, WSJF, rank and links."""
    bottleneck_no, initiative_no = numbering(snapshot)
    midpoint = priority_midpoint(snapshot)
    top_ids = {i.id for i in snapshot.top}
    titles = {i.id: i.title for i in snapshot.initiatives}
    rows: list[dict[str, Any]] = []
    for item in snapshot.plan:
        a = item.aggregate
        linked = [snapshot.bottleneck(b) for b in sorted(item.bottleneck_ids, key=lambda b: bottleneck_no.get(b, 0))]
        priority = a.priority(snapshot.method) if a else None
        rows.append(
            {
                "no": initiative_no[item.id],
                "rank": item.rank,
                "position": item.position,
                "title": item.title,
                "label": truncate(item.title, LABEL_CHARS),
                "description": item.description,
                "dimensions": dimension_words(item.dimensions),
                "bottleneck_nos": ", ".join(str(bottleneck_no[b["id"]]) for b in linked),
                "bottlenecks": "; ".join(b["text"] for b in linked),
                "after": "; ".join(titles[x] for x in item.after_ids if x in titles),
                "scorers": a.scorers if a else 0,
                **{c: (getattr(a, c) if a else None) for c in CRITERIA},
                **{f"spread_{c}": (a.spread[c] if a else None) for c in CRITERIA},
                "spread": _spread_text(item),
                "disputed": ", ".join(a.disputed) if a else "",
                "roi": numbers.priority_value(a.roi) if a else None,
                "wsjf": numbers.priority_value(a.wsjf) if a else None,
                "priority": numbers.priority_value(priority),
                "priority_text": numbers.priority(priority),
                "quadrant": _(quadrant(a.urgency, priority, midpoint))
                if a and midpoint is not None and priority is not None
                else "",
                "top3": item.id in top_ids,
                "decision": said(CHOICE_TITLES[item.decision["choice"]]) if item.decision else "",
                "owner": item.owner["owner"] if item.owner else "",
            }
        )
    frame = pd.DataFrame(rows, columns=list(INITIATIVE_COLUMNS))
    frame["position"] = frame["position"].astype("Int64")
    return frame


def bottleneck_status(row: dict[str, Any]) -> str:
    """live, hidden or merged: how a note ended up on (or off) the board."""
    if row["merged_into"] is not None:
        return "merged"
    return "hidden" if row["hidden"] else "live"


def bottlenecks_frame(snapshot: Snapshot) -> pd.DataFrame:
    """Every note ever added, with its votes, dimension and what moderation did to it."""
    bottleneck_no, _initiative_no = numbering(snapshot)
    impacts: dict[int, int] = {}
    for i in snapshot.impacts:
        impacts[i["bottleneck_id"]] = impacts.get(i["bottleneck_id"], 0) + 1
    places: dict[int, int] = {}
    for rows in snapshot.by_dimension().values():
        places.update({b["id"]: n for n, b in enumerate(rows, start=1)})
    rows_out = [
        {
            "no": bottleneck_no[b["id"]],
            "dimension": b["dimension"],
            "text": b["text"],
            "votes": int(b["votes"]),
            "place": places.get(b["id"]),
            "status": bottleneck_status(b),
            "hidden": bool(b["hidden"]),
            "merged_into": bottleneck_no.get(b["merged_into"]) if b["merged_into"] is not None else None,
            "impacts": impacts.get(b["id"], 0),
        }
        for b in snapshot.bottlenecks
    ]
    frame = pd.DataFrame(
        rows_out, columns=["no", "dimension", "text", "votes", "place", "status", "hidden", "merged_into", "impacts"]
    )
    for column in ("place", "merged_into"):
        frame[column] = frame[column].astype("Int64")
    return frame


def top_bottlenecks_frame(snapshot: Snapshot, per_dimension: int = 5) -> pd.DataFrame:
    """The most-voted live notes of each dimension, best first."""
    bottleneck_no, _initiative_no = numbering(snapshot)
    rows: list[dict[str, Any]] = []
    for dimension_key, notes in snapshot.by_dimension().items():
        dimension = dimension_by_key(dimension_key)
        for place, b in enumerate(notes[:per_dimension], start=1):
            rows.append(
                {
                    "dimension": dimension_key,
                    "dimension_title": _(dimension.title),
                    "place": place,
                    "no": bottleneck_no[b["id"]],
                    "text": b["text"],
                    "label": f"{place}. {truncate(b['text'], BAR_LABEL_CHARS)}",
                    "votes": int(b["votes"]),
                }
            )
    return pd.DataFrame(rows, columns=["dimension", "dimension_title", "place", "no", "text", "label", "votes"])


def impacts_frame(snapshot: Snapshot) -> pd.DataFrame:
    """One row per recorded impact, with the bottleneck it belongs to."""
    bottleneck_no, _initiative_no = numbering(snapshot)
    rows = []
    for i in snapshot.impacts:
        b = snapshot.bottleneck(i["bottleneck_id"])
        rows.append(
            {
                "bottleneck_no": bottleneck_no[b["id"]],
                "bottleneck": b["text"],
                "dimension": b["dimension"],
                "bottleneck_status": bottleneck_status(b),
                "outcome": i["outcome"],
                "outcome_title": _(outcome_by_key(i["outcome"]).title),
                "direction": said(DIRECTIONS[i["direction"]]),
                "magnitude": int(i["magnitude"]),
                "magnitude_label": said(MAGNITUDES[i["magnitude"]]),
                "money": i["money"],
                "because": i["because"],
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "bottleneck_no",
            "bottleneck",
            "dimension",
            "bottleneck_status",
            "outcome",
            "outcome_title",
            "direction",
            "magnitude",
            "magnitude_label",
            "money",
            "because",
        ],
    )


def impact_cells_frame(snapshot: Snapshot, max_reasons: int = 4) -> pd.DataFrame:
    """Impacts of visible notes summed per dimension × outcome: the cells of the impact map."""
    impacts = impacts_frame(snapshot)
    impacts = impacts[impacts["bottleneck_status"] == "live"]
    order = {o.key: n for n, o in enumerate(OUTCOMES)}
    rows = []
    for (dimension_key, outcome_key), group in impacts.groupby(["dimension", "outcome"], sort=False):
        money = group["money"].dropna()
        total = float(money.sum()) if len(money) else None
        reasons = [f"{truncate(r, 90)} ({m})" for r, m in zip(group["because"], group["magnitude_label"])]
        if len(reasons) > max_reasons:
            reasons = reasons[:max_reasons] + [_("… and {n} more").format(n=len(reasons) - max_reasons)]
        rows.append(
            {
                "dimension": dimension_key,
                "dimension_title": _(dimension_by_key(dimension_key).title),
                "outcome": outcome_key,
                "outcome_title": _(outcome_by_key(outcome_key).title),
                "outcome_order": order[outcome_key],
                "impacts": len(group),
                "magnitude_sum": int(group["magnitude"].sum()),
                "magnitude_max": int(group["magnitude"].max()),
                "money": total,
                "money_label": numbers.money_short(total),
                "because": " | ".join(reasons),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "dimension",
            "dimension_title",
            "outcome",
            "outcome_title",
            "outcome_order",
            "impacts",
            "magnitude_sum",
            "magnitude_max",
            "money",
            "money_label",
            "because",
        ],
    )
    frame["dimension_order"] = frame["dimension"].map(DIMENSION_KEYS.index)
    return frame.sort_values(["outcome_order", "dimension_order"]).reset_index(drop=True)


def steps_frame(snapshot: Snapshot, now: float | None = None) -> pd.DataFrame:
    """Planned against spent minutes per step; spent includes a step still running at `now`."""
    moment = time.time() if now is None else now
    rows = []
    for step in STEPS:
        t = snapshot.timer(step.key)
        spent = _minutes(time_spent(t, moment))
        rows.append(
            {
                "number": step.number,
                "step": _(step.title),
                "label": f"{step.number}. {_(step.title)}",
                "planned_min": t.minutes,
                "spent_min": spent,
                "difference_min": round(spent - t.minutes, 1),
                "state": t.state,
            }
        )
    return pd.DataFrame(
        rows, columns=["number", "step", "label", "planned_min", "spent_min", "difference_min", "state"]
    )


# --- follow-through and the readiness check ---------------------------------------------

BASELINE = N_("Baseline")  # the first point of every progress line: the day the owner was assigned
PROGRESS_LABEL_CHARS = 30
NAMED, OTHER, UNRATED = N_("Weakest, named"), N_("Other areas"), N_("Not rated yet")


def progress_frame(tracks: Sequence[Track]) -> pd.DataFrame:
    """One row per measured point: the baseline on the day the owner was assigned, then each
    check-in, as progress from baseline (0 %) to target (100 %)."""
    rows = []
    for t in tracks:
        label = truncate(t.title, PROGRESS_LABEL_CHARS)
        points = [(t.assigned_on.isoformat(), t.baseline, None, "")] + [
            (c["checked_on"], float(c["value"]), c["status"], c["note"]) for c in t.checkins
        ]
        for n, (day, value, status, note) in enumerate(points):
            share = round(progress(t.baseline, t.target, value) * 100, 1)
            rows.append(
                {
                    "initiative_id": t.initiative_id,
                    "initiative": t.title,
                    "label": label,
                    "owner": owner_shown(t.owner),
                    "metric": t.metric,
                    "date": day,
                    "value": value,
                    "value_text": numbers.measure(value, t.unit),
                    "target_text": numbers.measure(t.target, t.unit),
                    "progress": share,
                    "progress_text": numbers.percent(share),
                    "status": _(STATUSES[status] if status else BASELINE),
                    "note": note,
                    "last": n == len(points) - 1,
                    "workshop": t.code,
                }
            )
    columns = [
        "initiative_id",
        "initiative",
        "label",
        "owner",
        "metric",
        "date",
        "value",
        "value_text",
        "target_text",
        "progress",
        "progress_text",
        "status",
        "note",
        "last",
        "workshop",
    ]
    return pd.DataFrame(rows, columns=columns)


def readiness_frame(results: Results) -> pd.DataFrame:
    """One row per operating-model area: score 0–100, its text, respondents, and whether it is
    one of the weakest named (the same figures as the summary, Markdown, PDF and sheets)."""
    named = [a.key for a in weakest(results)]
    rows = []
    for area in results.areas:
        score = numbers.percent_value(area.score)
        rows.append(
            {
                "key": area.key,
                "area": _(area.title),
                "score": score,
                "score_text": f"{numbers.measure(score)}/100" if score is not None else _(UNRATED),
                "respondents": area.respondents,
                "weakest": area.key in named,
                "status": _(UNRATED if score is None else (NAMED if area.key in named else OTHER)),
            }
        )
    return pd.DataFrame(rows)


def readiness_trend_frame(held: Sequence[Held]) -> pd.DataFrame:
    """Area scores per workshop, oldest first (the portfolio compares an organisation's workshops)."""
    rows = [
        {
            "workshop": f"{h.code} · {numbers.day(day_of(h.held))}",
            "order": n,
            "code": h.code,
            "title": h.title,
            "organisation": h.organisation,
            "area": _(area.title),
            "score": numbers.percent_value(area.score),
            "respondents": h.results.respondents,
        }
        for n, h in enumerate(held)
        for area in h.results.areas
        if area.score is not None
    ]
    columns = ["workshop", "order", "code", "title", "organisation", "area", "score", "respondents"]
    return pd.DataFrame(rows, columns=columns)
