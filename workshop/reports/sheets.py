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
from workshop.domain.erasure import owner_shown
from workshop.domain.errors import InvalidInput
from workshop.domain.followup import STATUSES, Track, day_of, progress
from workshop.domain.language import N_, SOURCE, _, using
from workshop.domain.numbers import when
from workshop.domain.snapshot import Snapshot
from workshop.domain.vocabulary import dimension_by_key, method_by_key, said, stage_by_key, step_by_key
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
    return _(dimension_by_key(key).title)


def _day(iso: str | None) -> date | None:
    """A stored day as a date: a file writes it ISO (`_cell`), a page as a person reads it."""
    return date.fromisoformat(iso) if iso else None


def workshop_table(snapshot: Snapshot, now: float | None = None) -> pd.DataFrame:
    """The workshop's own facts as field/value pairs (one row each reads best in a sheet)."""
    w = snapshot.workshop
    method = method_by_key(snapshot.method)
    rows = [
        (N_("Title"), w["title"]),
        (N_("Organisation"), w["organisation"]),
        (N_("Stage context"), _(stage_by_key(w["stage"]).title)),
        (N_("Join code"), w["code"]),
        (N_("Created"), when(w["created_at"])),
        (N_("Ended"), when(w["ended_at"])),
        (N_("Current step"), _(step_by_key(w["current_step"]).title)),
        (N_("Ranking method"), method.title),
        (N_("Ranking formula"), _(method.formula)),
        (N_("Votes per person"), int(w["vote_budget"])),
        (N_("Participants"), snapshot.tally.people),
        (N_("Observability confirmed"), bool(w["observability_confirmed"])),
        (N_("Exported"), when(time.time() if now is None else now)),
    ]
    return pd.DataFrame([(_(field), value) for field, value in rows], columns=[N_("Field"), N_("Value")], dtype=object)


def steps_table(snapshot: Snapshot, now: float | None = None) -> pd.DataFrame:
    frame = frames.steps_frame(snapshot, now)
    return pd.DataFrame(
        {
            N_("Step no."): frame["number"],
            N_("Step"): frame["step"],
            N_("Planned (min)"): frame["planned_min"],
            N_("Spent (min)"): frame["spent_min"],
            N_("Difference (min)"): frame["difference_min"],
            N_("State"): frame["state"],
        }
    )


def participants_table(snapshot: Snapshot) -> pd.DataFrame:
    """Display names only: tokens, join times and the facilitator's devices stay out."""
    return pd.DataFrame(
        {N_("Name"): [p["name"] for p in snapshot.participants if not p["is_facilitator"]]}, dtype=object
    )


def bottlenecks_table(snapshot: Snapshot) -> pd.DataFrame:
    frame = frames.bottlenecks_frame(snapshot)
    return pd.DataFrame(
        {
            N_("No."): frame["no"],
            N_("Dimension"): frame["dimension"].map(_dimension_title),
            N_("Bottleneck"): frame["text"],
            N_("Votes"): frame["votes"],
            N_("Place in dimension"): frame["place"],
            N_("Status"): frame["status"],
            N_("Hidden"): frame["hidden"],
            N_("Merged into no."): frame["merged_into"],
            N_("Impacts"): frame["impacts"],
        }
    )


def impacts_table(snapshot: Snapshot) -> pd.DataFrame:
    frame = frames.impacts_frame(snapshot)
    return pd.DataFrame(
        {
            N_("Bottleneck no."): frame["bottleneck_no"],
            N_("Bottleneck"): frame["bottleneck"],
            N_("Dimension"): frame["dimension"].map(_dimension_title),
            N_("Outcome"): frame["outcome_title"],
            N_("Direction"): frame["direction"],
            N_("Magnitude (1-5)"): frame["magnitude"],
            N_("Magnitude"): frame["magnitude_label"],
            N_("Money estimate (€/yr)"): frame["money"],
            N_("Because"): frame["because"],
        }
    )


def initiatives_table(snapshot: Snapshot) -> pd.DataFrame:
    """The plan in working order with medians, spreads, both formulas and what was decided."""
    f = frames.initiatives_frame(snapshot)
    return pd.DataFrame(
        {
            N_("Rank"): f["rank"],
            N_("Sequence"): f["position"],
            N_("No."): f["no"],
            N_("Initiative"): f["title"],
            N_("Description"): f["description"],
            N_("Dimensions"): f["dimensions"],
            N_("Bottleneck nos."): f["bottleneck_nos"],
            N_("Bottlenecks"): f["bottlenecks"],
            N_("Must come after"): f["after"],
            N_("Scorers"): f["scorers"],
            N_("Value (median)"): f["value"],
            N_("Effort (median)"): f["effort"],
            N_("Urgency (median)"): f["urgency"],
            N_("Confidence % (median)"): f["confidence"],
            N_("Value spread"): f["spread_value"],
            N_("Effort spread"): f["spread_effort"],
            N_("Urgency spread"): f["spread_urgency"],
            N_("Confidence spread"): f["spread_confidence"],
            N_("Disputed"): f["disputed"],
            N_("ROI"): f["roi"],
            N_("WSJF"): f["wsjf"],
            N_("Quadrant"): f["quadrant"],
            N_("Top 3"): f["top3"],
            N_("Decision"): f["decision"],
            N_("Owner"): f["owner"],
        }
    )


def scores_table(snapshot: Snapshot) -> pd.DataFrame:
    _bottleneck_no, numbers = frames.numbering(snapshot)
    titles = {i.id: i.title for i in snapshot.initiatives}
    rows = [
        {
            N_("Initiative no."): numbers[s["initiative_id"]],
            N_("Initiative"): titles[s["initiative_id"]],
            N_("Participant"): snapshot.participant_name(s["participant_id"]),
            N_("Value"): s["value"],
            N_("Effort"): s["effort"],
            N_("Urgency"): s["urgency"],
            N_("Confidence %"): s["confidence"],
            N_("Updated"): when(s["updated_at"]),
        }
        for s in sorted(snapshot.scores, key=lambda s: (numbers[s["initiative_id"]], s["participant_id"]))
    ]
    return pd.DataFrame(
        rows,
        columns=[
            N_("Initiative no."),
            N_("Initiative"),
            N_("Participant"),
            N_("Value"),
            N_("Effort"),
            N_("Urgency"),
            N_("Confidence %"),
            N_("Updated"),
        ],
    )


def decisions_table(snapshot: Snapshot) -> pd.DataFrame:
    """Answers, recommendation, the team's choice and whether it overruled the recommendation."""
    _bottleneck_no, numbers = frames.numbering(snapshot)
    columns = [
        N_("Initiative no."),
        N_("Initiative"),
        N_("Sequence"),
        *[_(q.text) for q in QUESTIONS],
        N_("Recommendation"),
        N_("Choice"),
        N_("Overruled"),
        N_("Against the guide"),
        N_("Rationale"),
        N_("Decided"),
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
                said(CHOICE_TITLES[d["recommendation"]]),
                said(CHOICE_TITLES[d["choice"]]),
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
    _bottleneck_no, numbers = frames.numbering(snapshot)
    rows = [
        {
            N_("Initiative no."): numbers[i.id],
            N_("Initiative"): i.title,
            N_("Owner (DRI)"): i.owner["owner"],
            N_("Metric"): i.owner["metric"],
            N_("Unit"): i.owner["unit"],
            N_("Baseline"): i.owner["baseline"],
            N_("Target"): i.owner["target"],
            N_("First check-in"): i.owner["checkin"],
            N_("Decision"): said(CHOICE_TITLES[i.decision["choice"]]) if i.decision else "",
        }
        for i in snapshot.plan
        if i.owner is not None
    ]
    return pd.DataFrame(
        rows,
        columns=[
            N_("Initiative no."),
            N_("Initiative"),
            N_("Owner (DRI)"),
            N_("Metric"),
            N_("Unit"),
            N_("Baseline"),
            N_("Target"),
            N_("First check-in"),
            N_("Decision"),
        ],
    )


TRACK_COLUMNS = [
    N_("Initiative"),
    N_("Owner (DRI)"),
    N_("Metric"),
    N_("Unit"),
    N_("Baseline"),
    N_("Target"),
    N_("Latest value"),
    N_("Progress %"),
    N_("Status"),
    N_("Check-ins"),
    N_("Next check-in"),
    N_("Overdue (days)"),
    N_("Chain"),
    N_("Outcome"),
]
WORKSHOP_COLUMNS = [N_("Workshop"), N_("Organisation"), N_("Held")]


def tracks_table(tracks: Sequence[Track], today: date, with_workshop: bool = False) -> pd.DataFrame:
    """Where each owned initiative's metric stands on `today` (the summary, portfolio and sheets)."""
    rows = [
        {
            N_("Workshop"): f"{t.code} · {t.workshop_title}",
            N_("Organisation"): t.organisation,
            N_("Held"): t.workshop_created_on,
            N_("Initiative"): t.title,
            N_("Owner (DRI)"): owner_shown(t.owner),
            N_("Metric"): t.metric,
            N_("Unit"): t.unit,
            N_("Baseline"): t.baseline,
            N_("Target"): t.target,
            N_("Latest value"): t.value,
            N_("Progress %"): numbers.percent_value(t.progress * 100),
            N_("Status"): t.status_title,
            N_("Check-ins"): len(t.checkins),
            N_("Next check-in"): t.next_checkin,
            N_("Overdue (days)"): t.days_overdue(today),
            N_("Chain"): t.chain,
            N_("Outcome"): f"{t.concluded}: {t.review_reason}" if t.concluded and t.review_reason else t.concluded,
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
            N_("Initiative"): t.title,
            N_("Metric"): t.metric,
            N_("Date"): _day(c["checked_on"]),
            N_("Value"): c["value"],
            N_("Unit"): t.unit,
            N_("Progress %"): numbers.percent_value(progress(t.baseline, t.target, c["value"]) * 100),
            N_("Status"): said(STATUSES[c["status"]]),
            N_("Note"): c["note"],
            N_("Next check-in"): _day(c["next_checkin"]),
            N_("Recorded by"): said(c["recorded_by"]),
            N_("Via"): said(c["via"]),
        }
        for t in snapshot.tracks
        for c in t.checkins
    ]
    return pd.DataFrame(
        rows,
        columns=[
            N_("Initiative"),
            N_("Metric"),
            N_("Date"),
            N_("Value"),
            N_("Unit"),
            N_("Progress %"),
            N_("Status"),
            N_("Note"),
            N_("Next check-in"),
            N_("Recorded by"),
            N_("Via"),
        ],
    )


def checklist_table(s: Summary) -> pd.DataFrame:
    """The summary's checklist as a sheet: the same items and reasons the summary shows."""
    items = s.checklist
    return pd.DataFrame(
        {
            N_("Item"): [i.title for i in items],
            N_("Status"): [_("Done") if i.done else _("Open") for i in items],
            N_("Done"): [i.done for i in items],
            N_("Reason"): [i.reason for i in items],
        }
    )


READINESS_COLUMNS = [
    N_("Question"),
    N_("Kind"),
    N_("Statement"),
    N_("Seed"),
    N_("Answers"),
    N_("Median"),
    N_("Level"),
    N_("Spread (IQR)"),
    N_("Divided"),
    N_("Figures"),
    N_("Median figure"),
    N_("Unit"),
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
        area = readiness.area_by_key(question.area).title if question.area else N_("When-to-scale signal")
        rows.append(
            [
                _(question.title),
                _(area),
                _(question.text),
                question.source,
                r.count,
                numbers.rounded(r.median, numbers.MEASURE_PLACES) if r.median is not None else None,
                _(question.scale.label_at(r.median)) if r.median is not None else "",
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
        return pd.DataFrame(columns=[N_("Area"), N_("Score (0-100)"), N_("Answered by"), N_("Weakest")])
    frame = frames.readiness_frame(snapshot.readiness)
    return pd.DataFrame(
        {
            N_("Area"): frame["area"],
            N_("Score (0-100)"): frame["score"],
            N_("Answered by"): frame["respondents"],
            N_("Weakest"): frame["weakest"],
        }
    )


def readiness_trend_table(held: Sequence[readiness.Held]) -> pd.DataFrame:
    """One row per workshop, oldest first: its area scores (0–100) and how many answered."""
    areas = [a.title for a in readiness.AREAS]
    rows = [
        {
            N_("Workshop"): f"{h.code} · {h.title}",
            N_("Organisation"): h.organisation,
            N_("Held"): day_of(h.held),
            N_("Answered by"): h.results.respondents,
            **{a.title: numbers.percent_value(a.score) for a in h.results.areas},
        }
        for h in held
    ]
    return pd.DataFrame(rows, columns=["Workshop", "Organisation", "Held", "Answered by", *areas])


# --- the same tables on a page --------------------------------------------------------------
# A page's table shows a missing figure as "—", never as a blank "None" cell, and money as the
# charts write it (€1.2M/yr): every cell is text from `numbers`. The sheets above keep numbers.

SEQUENCE, MONEY = N_("Seq."), N_("€ / year")


def plan_screen(s: Summary) -> pd.DataFrame:
    """The ranked plan as Ship It shows it: what was decided and who owns it before the reasons."""
    return pd.DataFrame(
        [
            {
                SEQUENCE: r.sequence_text,
                N_("Rank"): r.rank,
                N_("Initiative"): r.title,
                s.method: r.priority,
                N_("Urgency"): r.urgency,
                N_("Decision"): r.decision or numbers.MISSING,
                N_("Owner"): r.owner or numbers.MISSING,
                N_("Metric"): r.metric or numbers.MISSING,
                N_("Baseline → target"): numbers.MISSING
                if r.baseline is None
                else f"{numbers.measure(r.baseline)} → {numbers.measure(r.target)}",
                N_("Check-in"): r.checkin or numbers.MISSING,
                N_("Dimensions"): r.dimensions,
                N_("Against the guide"): r.against_guide,
                N_("Rationale"): r.rationale,
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
                N_("Bottleneck"): i.bottleneck,
                N_("Outcome"): i.outcome,
                N_("Direction"): i.direction,
                N_("Magnitude"): i.magnitude_label,
                MONEY: i.money_text or numbers.MISSING,
                N_("Because"): i.because,
            }
            for i in rows
        ],
        columns=[N_("Bottleneck"), N_("Outcome"), N_("Direction"), N_("Magnitude"), MONEY, N_("Because")],
        dtype=object,
    )
    if authors:
        frame[N_("By")] = list(authors)
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
                N_("Rank"): item.rank,
                N_("Initiative"): item.title,
                N_("Dimensions"): ", ".join(item.dimensions),
                N_("Scorers"): a.scorers if a else 0,
                N_("Value"): numbers.measure(a.value if a else None),
                N_("Effort"): numbers.measure(a.effort if a else None),
                N_("Urgency"): numbers.measure(a.urgency if a else None),
                N_("Confidence %"): numbers.percent(a.confidence if a else None),
                method.title: numbers.priority(a.priority(snapshot.method) if a else None),
                N_("Discuss"): ", ".join(a.disputed) if a else "",
                N_("Must come after"): ", ".join(titles[x] for x in item.after_ids if x in titles),
            }
        )
    return pd.DataFrame(rows, dtype=object)


SHEET_TITLES: dict[str, str] = {
    "workshop": N_("Workshop"),
    "steps": N_("Steps"),
    "participants": N_("Participants"),
    "bottlenecks": N_("Bottlenecks"),
    "impacts": N_("Impacts"),
    "initiatives": N_("Initiatives"),
    "scores": N_("Scores"),
    "decisions": N_("Decisions"),
    "owners": N_("Owners"),
    "followup": N_("Followup"),
    "checkins": N_("Checkins"),
    "checklist": N_("Checklist"),
    "readiness": N_("Readiness"),
    "readiness_areas": N_("Readiness_areas"),
}


def headed(frame: pd.DataFrame) -> pd.DataFrame:
    """A table with its column headings in the current language (English headings are the msgids)."""
    return frame.rename(columns=lambda heading: _(str(heading)))


def tables(snapshot: Snapshot, now: float | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the workshop in the current language, keyed by the names in `TABLES` (file names)."""
    return {name: headed(frame) for name, frame in _tables(snapshot, now).items()}


def _tables(snapshot: Snapshot, now: float | None = None) -> dict[str, pd.DataFrame]:
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
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()  # a machine reads a file's days: 2026-12-02
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


def to_xlsx(snapshot: Snapshot, now: float | None = None, lang: str = SOURCE) -> bytes:
    """One sheet per table in language `lang`: bold frozen header, filters, widths fitted to the content."""
    with using(lang):
        return _xlsx(tables(snapshot, now))


def _xlsx(named: dict[str, pd.DataFrame]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E6E6E6")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for name, frame in named.items():
        sheet = book.create_sheet(title=_(SHEET_TITLES[name])[:31])
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


def to_csv(snapshot: Snapshot, table: str, now: float | None = None, lang: str = SOURCE) -> str:
    """One table as CSV text (RFC 4180, CRLF line ends), in language `lang`."""
    if table not in TABLES:
        raise InvalidInput(
            N_("Unknown table {table!r}: choose one of {tables}."), table=table, tables=", ".join(TABLES)
        )
    with using(lang):
        return csv_text(tables(snapshot, now)[table])


def to_csv_zip(snapshot: Snapshot, now: float | None = None, lang: str = SOURCE) -> bytes:
    """A zip with one `<table>.csv` per table, UTF-8 with a BOM so Excel reads accents right."""
    moment = time.time() if now is None else now
    stamp = datetime.fromtimestamp(max(moment, 315532800), tz=UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with using(lang):
            named = tables(snapshot, moment)
        for name, frame in named.items():
            info = zipfile.ZipInfo(f"{name}.csv", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, csv_text(frame).encode("utf-8-sig"))
    return out.getvalue()
