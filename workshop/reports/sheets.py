"""Every table of a workshop, and the same tables as an XLSX workbook or CSV files.

All of them are built from one `Snapshot`, with the same frame helpers the charts use, so
the spreadsheet, the CSV files, the PDF (`pdf`) and the summary page agree row for row.

Participant text stays literal everywhere:
- XLSX: text is always stored as a text cell, so `=cmd()` is shown, never evaluated.
- CSV: a spreadsheet opening a CSV evaluates cells starting with `= + - @`, so such text
  cells get a leading apostrophe (the usual guard); numbers are untouched.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from workshop.domain import numbers, readiness
from workshop.domain.decide import CHOICE_TITLES, QUESTIONS
from workshop.domain.errors import InvalidInput
from workshop.domain.followup import STATUSES, Track, day_of, progress
from workshop.domain.language import N_
from workshop.domain.numbers import when
from workshop.domain.snapshot import Snapshot
from workshop.domain.vocabulary import dimension_by_key, method_by_key, stage_by_key, step_by_key
from workshop.reports import frames
from workshop.reports.summary import ImpactRow, Summary, answer_text, impact_rows, summary

TABLES: tuple[str, ...] = (
    "workshop",
    "steps",
    "participants",
    "bottlenecks",
    "impacts",
    "initiatives",
    "scores",
    "decisions",
    "owners",
    "followup",
    "checkins",
    "checklist",
    "readiness",
    "readiness_areas",
)


# --- tables ------------------------------------------------------------------------------


def _dimension_title(key: str) -> str:
    return dimension_by_key(key).title


def workshop_table(snapshot: Snapshot, now: float | None = None) -> pd.DataFrame:
    """The workshop's own facts as field/value pairs (one row each reads best in a sheet)."""
    w = snapshot.workshop
    method = method_by_key(snapshot.method)
    rows = [
        ("Title", w["title"]),
        ("Organisation", w["organisation"]),
        ("Stage context", stage_by_key(w["stage"]).title),
        ("Join code", w["code"]),
        ("Created", when(w["created_at"])),
        ("Ended", when(w["ended_at"])),
        ("Current step", step_by_key(w["current_step"]).title),
        ("Ranking method", method.title),
        ("Ranking formula", method.formula),
        ("Votes per person", int(w["vote_budget"])),
        ("Participants", snapshot.tally.people),
        ("Observability confirmed", bool(w["observability_confirmed"])),
        ("Exported", when(time.time() if now is None else now)),
    ]
    return pd.DataFrame(rows, columns=["Field", "Value"], dtype=object)


def steps_table(snapshot: Snapshot, now: float | None = None) -> pd.DataFrame:
    frame = frames.steps_frame(snapshot, now)
    return pd.DataFrame(
        {
            "Step no.": frame["number"],
            "Step": frame["step"],
            "Planned (min)": frame["planned_min"],
            "Spent (min)": frame["spent_min"],
            "Difference (min)": frame["difference_min"],
            "State": frame["state"],
        }
    )


def participants_table(snapshot: Snapshot) -> pd.DataFrame:
    """Display names only: tokens, join times and the facilitator's devices stay out."""
    return pd.DataFrame({"Name": [p["name"] for p in snapshot.participants if not p["is_facilitator"]]}, dtype=object)


def bottlenecks_table(snapshot: Snapshot) -> pd.DataFrame:
    frame = frames.bottlenecks_frame(snapshot)
    return pd.DataFrame(
        {
            "No.": frame["no"],
            "Dimension": frame["dimension"].map(_dimension_title),
            "Bottleneck": frame["text"],
            "Votes": frame["votes"],
            "Place in dimension": frame["place"],
            "Status": frame["status"],
            "Hidden": frame["hidden"],
            "Merged into no.": frame["merged_into"],
            "Impacts": frame["impacts"],
        }
    )


def impacts_table(snapshot: Snapshot) -> pd.DataFrame:
    frame = frames.impacts_frame(snapshot)
    return pd.DataFrame(
        {
            "Bottleneck no.": frame["bottleneck_no"],
            "Bottleneck": frame["bottleneck"],
            "Dimension": frame["dimension"].map(_dimension_title),
            "Outcome": frame["outcome_title"],
            "Direction": frame["direction"],
            "Magnitude (1-5)": frame["magnitude"],
            "Magnitude": frame["magnitude_label"],
            "Money estimate (€/yr)": frame["money"],
            "Because": frame["because"],
        }
    )


def initiatives_table(snapshot: Snapshot) -> pd.DataFrame:
    """The plan in working order with medians, spreads, both formulas and what was decided."""
    f = frames.initiatives_frame(snapshot)
    return pd.DataFrame(
        {
            "Rank": f["rank"],
            "Sequence": f["position"],
            "No.": f["no"],
            "Initiative": f["title"],
            "Description": f["description"],
            "Dimensions": f["dimensions"],
            "Bottleneck nos.": f["bottleneck_nos"],
            "Bottlenecks": f["bottlenecks"],
            "Must come after": f["after"],
            "Scorers": f["scorers"],
            "Value (median)": f["value"],
            "Effort (median)": f["effort"],
            "Urgency (median)": f["urgency"],
            "Confidence % (median)": f["confidence"],
            "Value spread": f["spread_value"],
            "Effort spread": f["spread_effort"],
            "Urgency spread": f["spread_urgency"],
            "Confidence spread": f["spread_confidence"],
            "Disputed": f["disputed"],
            "ROI": f["roi"],
            "WSJF": f["wsjf"],
            "Quadrant": f["quadrant"],
            "Top 3": f["top3"],
            "Decision": f["decision"],
            "Owner": f["owner"],
        }
    )


def scores_table(snapshot: Snapshot) -> pd.DataFrame:
    _, numbers = frames.numbering(snapshot)
    titles = {i.id: i.title for i in snapshot.initiatives}
    rows = [
        {
            "Initiative no.": numbers[s["initiative_id"]],
            "Initiative": titles[s["initiative_id"]],
            "Participant": snapshot.participant_name(s["participant_id"]),
            "Value": s["value"],
            "Effort": s["effort"],
            "Urgency": s["urgency"],
            "Confidence %": s["confidence"],
            "Updated": when(s["updated_at"]),
        }
        for s in sorted(snapshot.scores, key=lambda s: (numbers[s["initiative_id"]], s["participant_id"]))
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "Initiative no.",
            "Initiative",
            "Participant",
            "Value",
            "Effort",
            "Urgency",
            "Confidence %",
            "Updated",
        ],
    )


def decisions_table(snapshot: Snapshot) -> pd.DataFrame:
    """Answers, recommendation, the team's choice and whether it overruled the recommendation."""
    _, numbers = frames.numbering(snapshot)
    columns = [
        "Initiative no.",
        "Initiative",
        "Sequence",
        *[q.text for q in QUESTIONS],
        "Recommendation",
        "Choice",
        "Overruled",
        "Against the guide",
        "Rationale",
        "Decided",
    ]
    rows = []
    for item in snapshot.decided:
        d, standing = item.decision, item.standing
        assert d is not None and standing is not None
        rows.append(
            [
                numbers[item.id],
                item.title,
                item.position,
                *[answer_text(q.key, d["answers"].get(q.key, "")) for q in QUESTIONS],
                CHOICE_TITLES[d["recommendation"]],
                CHOICE_TITLES[d["choice"]],
                standing.overruled,
                standing.note,
                d["rationale"],
                when(d["decided_at"]),
            ]
        )
    frame = pd.DataFrame(rows, columns=columns)
    frame["Sequence"] = frame["Sequence"].astype("Int64")
    return frame


def owners_table(snapshot: Snapshot) -> pd.DataFrame:
    _, numbers = frames.numbering(snapshot)
    rows = [
        {
            "Initiative no.": numbers[i.id],
            "Initiative": i.title,
            "Owner (DRI)": i.owner["owner"],
            "Metric": i.owner["metric"],
            "Unit": i.owner["unit"],
            "Baseline": i.owner["baseline"],
            "Target": i.owner["target"],
            "First check-in": i.owner["checkin"],
            "Decision": CHOICE_TITLES[i.decision["choice"]] if i.decision else "",
        }
        for i in snapshot.plan
        if i.owner is not None
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "Initiative no.",
            "Initiative",
            "Owner (DRI)",
            "Metric",
            "Unit",
            "Baseline",
            "Target",
            "First check-in",
            "Decision",
        ],
    )


TRACK_COLUMNS = [
    "Initiative",
    "Owner (DRI)",
    "Metric",
    "Unit",
    "Baseline",
    "Target",
    "Latest value",
    "Progress %",
    "Status",
    "Check-ins",
    "Next check-in",
    "Overdue (days)",
    "Chain",
    "Outcome",
]
WORKSHOP_COLUMNS = ["Workshop", "Organisation", "Held"]


def tracks_table(tracks: Sequence[Track], today: date, with_workshop: bool = False) -> pd.DataFrame:
    """Where each owned initiative's metric stands on `today` (the summary, portfolio and sheets)."""
    rows = [
        {
            "Workshop": f"{t.code} · {t.workshop_title}",
            "Organisation": t.organisation,
            "Held": t.workshop_created_on.isoformat() if t.workshop_created_on else "",
            "Initiative": t.title,
            "Owner (DRI)": t.owner,
            "Metric": t.metric,
            "Unit": t.unit,
            "Baseline": t.baseline,
            "Target": t.target,
            "Latest value": t.value,
            "Progress %": numbers.percent_value(t.progress * 100),
            "Status": t.status_title,
            "Check-ins": len(t.checkins),
            "Next check-in": t.next_checkin.isoformat() if t.next_checkin else "",
            "Overdue (days)": t.days_overdue(today),
            "Chain": t.chain,
            "Outcome": f"{t.concluded}: {t.review_reason}" if t.concluded and t.review_reason else t.concluded,
        }
        for t in tracks
    ]
    return pd.DataFrame(rows, columns=(WORKSHOP_COLUMNS if with_workshop else []) + TRACK_COLUMNS)


def followup_table(s: Summary) -> pd.DataFrame:
    """Where each owned initiative's metric stands on the summary's day."""
    return tracks_table(s.tracks, s.today)


def checkins_table(snapshot: Snapshot) -> pd.DataFrame:
    """Every check-in, oldest first per initiative in plan order."""
    rows = [
        {
            "Initiative": t.title,
            "Metric": t.metric,
            "Date": c["checked_on"],
            "Value": c["value"],
            "Unit": t.unit,
            "Progress %": numbers.percent_value(progress(t.baseline, t.target, c["value"]) * 100),
            "Status": STATUSES[c["status"]],
            "Note": c["note"],
            "Next check-in": c["next_checkin"] or "",
            "Recorded by": c["recorded_by"],
            "Via": c["via"],
        }
        for t in snapshot.tracks
        for c in t.checkins
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "Initiative",
            "Metric",
            "Date",
            "Value",
            "Unit",
            "Progress %",
            "Status",
            "Note",
            "Next check-in",
            "Recorded by",
            "Via",
        ],
    )


def checklist_table(s: Summary) -> pd.DataFrame:
    """The summary's checklist as a sheet: the same items and reasons the summary shows."""
    items = s.checklist
    return pd.DataFrame(
        {
            "Item": [i.title for i in items],
            "Status": ["Done" if i.done else "Open" for i in items],
            "Done": [i.done for i in items],
            "Reason": [i.reason for i in items],
        }
    )


READINESS_COLUMNS = [
    "Question",
    "Kind",
    "Statement",
    "Seed",
    "Answers",
    "Median",
    "Level",
    "Spread (IQR)",
    "Divided",
    "Figures",
    "Median figure",
    "Unit",
]


def readiness_table(snapshot: Snapshot) -> pd.DataFrame:
    """The readiness check per question, as the room answered it: counts, medians and spreads only.

    Who answered what stays in the JSON backup: the check asks people to judge their own
    leaders and teams, and the sheets leaders open show only the room's view.
    """
    results = snapshot.readiness
    rows = []
    for question in readiness.QUESTIONS:
        r = results.question(question.key)
        area = readiness.area_by_key(question.area).title if question.area else "When-to-scale signal"
        rows.append(
            [
                question.title,
                area,
                question.text,
                question.source,
                r.count,
                numbers.rounded(r.median, numbers.MEASURE_PLACES) if r.median is not None else None,
                question.scale.label_at(r.median) if r.median is not None else "",
                numbers.rounded(r.spread, numbers.MEASURE_PLACES) if r.count else None,
                r.divided,
                r.numbers,
                numbers.rounded(r.number_median, numbers.MEASURE_PLACES) if r.number_median is not None else None,
                question.number.unit if question.number else "",
            ]
        )
    return pd.DataFrame(rows if results.respondents else [], columns=READINESS_COLUMNS)


def readiness_areas_table(snapshot: Snapshot) -> pd.DataFrame:
    """The four operating-model areas: score out of 100, who answered, the weakest named."""
    if not snapshot.readiness.respondents:
        return pd.DataFrame(columns=["Area", "Score (0-100)", "Answered by", "Weakest"])
    frame = frames.readiness_frame(snapshot.readiness)
    return pd.DataFrame(
        {
            "Area": frame["area"],
            "Score (0-100)": frame["score"],
            "Answered by": frame["respondents"],
            "Weakest": frame["weakest"],
        }
    )


def readiness_trend_table(held: Sequence[readiness.Held]) -> pd.DataFrame:
    """One row per workshop, oldest first: its area scores (0–100) and how many answered."""
    areas = [a.title for a in readiness.AREAS]
    rows = [
        {
            "Workshop": f"{h.code} · {h.title}",
            "Organisation": h.organisation,
            "Held": day_of(h.held).isoformat(),
            "Answered by": h.results.respondents,
            **{a.title: numbers.percent_value(a.score) for a in h.results.areas},
        }
        for h in held
    ]
    return pd.DataFrame(rows, columns=["Workshop", "Organisation", "Held", "Answered by", *areas])


# --- the same tables on a page --------------------------------------------------------------
# A page's table shows a missing figure as "—", never as a blank "None" cell, and money as the
# charts write it (€1.2M/yr): every cell is text from `numbers`. The sheets above keep numbers.

SEQUENCE, MONEY = "Seq.", "€ / year"


def plan_screen(s: Summary) -> pd.DataFrame:
    """The ranked plan as Ship It shows it: what was decided and who owns it before the reasons."""
    return pd.DataFrame(
        [
            {
                SEQUENCE: r.sequence_text,
                "Rank": r.rank,
                "Initiative": r.title,
                s.method: r.priority,
                "Urgency": r.urgency,
                "Decision": r.decision or numbers.MISSING,
                "Owner": r.owner or numbers.MISSING,
                "Metric": r.metric or numbers.MISSING,
                "Baseline → target": numbers.MISSING
                if r.baseline is None
                else f"{numbers.measure(r.baseline)} → {numbers.measure(r.target)}",
                "Check-in": r.checkin or numbers.MISSING,
                "Dimensions": r.dimensions,
                "Against the guide": r.against_guide,
                "Rationale": r.rationale,
            }
            for r in s.plan
        ],
        dtype=object,
    )


def impacts_screen(rows: Sequence[ImpactRow], authors: Sequence[str] = ()) -> pd.DataFrame:
    """Recorded impacts as a page lists them; with `authors` (one per row), who recorded each."""
    frame = pd.DataFrame(
        [
            {
                "Bottleneck": i.bottleneck,
                "Outcome": i.outcome,
                "Direction": i.direction,
                "Magnitude": i.magnitude_label,
                MONEY: i.money_text or numbers.MISSING,
                "Because": i.because,
            }
            for i in rows
        ],
        columns=["Bottleneck", "Outcome", "Direction", "Magnitude", MONEY, "Because"],
        dtype=object,
    )
    if authors:
        frame["By"] = list(authors)
    return frame


def step_impacts_screen(snapshot: Snapshot) -> pd.DataFrame:
    """Step 2's list of impacts, with who recorded each (as far as the viewer may see names)."""
    return impacts_screen(
        impact_rows(snapshot), [snapshot.participant_name(i["participant_id"]) for i in snapshot.impacts]
    )


def ranking_screen(snapshot: Snapshot) -> pd.DataFrame:
    """Step 3's live ranking: the medians, the priority and what to discuss, in plan order."""
    method = method_by_key(snapshot.method)
    titles = {i.id: i.title for i in snapshot.initiatives}
    rows = []
    for item in snapshot.plan:
        a = item.aggregate
        rows.append(
            {
                SEQUENCE: numbers.MISSING if item.position is None else str(item.position),
                "Rank": item.rank,
                "Initiative": item.title,
                "Dimensions": ", ".join(item.dimensions),
                "Scorers": a.scorers if a else 0,
                "Value": numbers.measure(a.value if a else None),
                "Effort": numbers.measure(a.effort if a else None),
                "Urgency": numbers.measure(a.urgency if a else None),
                "Confidence %": numbers.percent(a.confidence if a else None),
                method.title: numbers.priority(a.priority(snapshot.method) if a else None),
                "Discuss": ", ".join(a.disputed) if a else "",
                "Must come after": ", ".join(titles[x] for x in item.after_ids if x in titles),
            }
        )
    return pd.DataFrame(rows, dtype=object)


def tables(snapshot: Snapshot, now: float | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the workshop, keyed by the names in `TABLES` (sheet and file names)."""
    s = summary(snapshot, now)
    return {
        "workshop": workshop_table(snapshot, now),
        "steps": steps_table(snapshot, now),
        "participants": participants_table(snapshot),
        "bottlenecks": bottlenecks_table(snapshot),
        "impacts": impacts_table(snapshot),
        "initiatives": initiatives_table(snapshot),
        "scores": scores_table(snapshot),
        "decisions": decisions_table(snapshot),
        "owners": owners_table(snapshot),
        "followup": followup_table(s),
        "checkins": checkins_table(snapshot),
        "checklist": checklist_table(s),
        "readiness": readiness_table(snapshot),
        "readiness_areas": readiness_areas_table(snapshot),
    }


def _cell(value: Any) -> Any:
    """Plain Python values: NaN/NA become empty, numpy scalars become int/float/bool."""
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        return str(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return value.item()
    return value


def _rows(frame: pd.DataFrame) -> Iterable[list[Any]]:
    for row in frame.itertuples(index=False, name=None):
        yield [_cell(v) for v in row]


# --- XLSX --------------------------------------------------------------------------------

MAX_COLUMN_WIDTH = 60


def _xlsx_text(value: str) -> str:
    """XML cannot hold most control characters; everything else is kept as typed."""
    return str(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))


def to_xlsx(snapshot: Snapshot, now: float | None = None) -> bytes:
    """One sheet per table: bold frozen header, filters, widths fitted to the content."""
    book = Workbook()
    book.remove(book.active)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E6E6E6")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for name, frame in tables(snapshot, now).items():
        sheet = book.create_sheet(title=name.capitalize())
        widths = [len(str(c)) for c in frame.columns]
        for col, heading in enumerate(frame.columns, start=1):
            cell = sheet.cell(row=1, column=col, value=str(heading))
            cell.font, cell.fill, cell.alignment = header_font, header_fill, wrap
        for r, values in enumerate(_rows(frame), start=2):
            for col, value in enumerate(values, start=1):
                if isinstance(value, str):
                    value = _xlsx_text(value)
                cell = sheet.cell(row=r, column=col, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    longest = max((len(line) for line in value.split("\n")), default=0)
                    cell.alignment = wrap if longest > MAX_COLUMN_WIDTH or "\n" in value else top
                else:
                    longest = len(str(value)) if value is not None else 0
                    cell.alignment = top
                widths[col - 1] = max(widths[col - 1], longest)
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = min(max(width, 6), MAX_COLUMN_WIDTH) + 2
        sheet.freeze_panes = "A2"
        if len(frame.columns) and len(frame):
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- CSV ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; the rest is untouched."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV text (RFC 4180, CRLF line ends), every cell safe from formula injection."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(c) for c in frame.columns])
    for values in _rows(frame):
        writer.writerow(["" if v is None else csv_safe(v) for v in values])
    return out.getvalue()


def to_csv(snapshot: Snapshot, table: str, now: float | None = None) -> str:
    """One table as CSV text (RFC 4180, CRLF line ends)."""
    if table not in TABLES:
        raise InvalidInput(
            N_("Unknown table {table!r}: choose one of {tables}."), table=table, tables=", ".join(TABLES)
        )
    return csv_text(tables(snapshot, now)[table])


def to_csv_zip(snapshot: Snapshot, now: float | None = None) -> bytes:
    """A zip with one `<table>.csv` per table, UTF-8 with a BOM so Excel reads accents right."""
    moment = time.time() if now is None else now
    stamp = datetime.fromtimestamp(max(moment, 315532800), tz=UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in tables(snapshot, moment).items():
            info = zipfile.ZipInfo(f"{name}.csv", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, csv_text(frame).encode("utf-8-sig"))
    return out.getvalue()
