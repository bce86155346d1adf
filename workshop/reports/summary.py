"""The Ship It summary as one model: what the Markdown, the PDF and the summary page all show.

`summary(snapshot, now)` decides every row, every figure's text and which chart belongs to
which section, once. The three outputs only lay it out, so they cannot disagree: the plan
table is built here and nowhere else, and every number is formatted here with `numbers`.
Participant text is kept exactly as typed; each renderer escapes it for its own medium.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from workshop.domain import checklist, numbers, readiness
from workshop.domain.checklist import Item
from workshop.domain.decide import CHOICE_TITLES, QUESTIONS, risk_flags
from workshop.domain.erasure import owner_shown
from workshop.domain.followup import STATUSES, Track, counts
from workshop.domain.language import N_, SOURCE, _, ngettext, supported
from workshop.domain.numbers import when
from workshop.domain.snapshot import Initiative, Snapshot
from workshop.domain.timer import format_clock, time_spent
from workshop.domain.vocabulary import (
    DIMENSIONS,
    DIRECTIONS,
    MAGNITUDES,
    STEPS,
    dimension_by_key,
    dimension_words,
    method_by_key,
    outcome_by_key,
    said,
    stage_by_key,
)
from workshop.reports import charts, frames

TOP_BOTTLENECKS = 5  # per dimension; every note is in the spreadsheet
NO_DECISION = numbers.MISSING
ONE_ANSWER = N_("one answer: no spread yet")
NONE_WEAK = N_("none: every rated area is at “mostly agree” or above")

HEADINGS: dict[str, str] = {
    "checklist": N_("Checklist"),
    "open": N_("Open items"),
    "readiness": readiness.TITLE,
    "bottlenecks": N_("Top bottlenecks per dimension"),
    "impacts": N_("Impact map"),
    "plan": N_("Ranked plan"),
    "decisions": N_("Build / Buy / Partner decisions"),
    "owners": N_("Owners, metrics and check-ins"),
    "followup": N_("Follow-through"),
    "steps": N_("Time per step"),
}


def export_language(snapshot: Snapshot) -> str:
    """The one place a download or the command line picks an export's language: the workshop's
    own (its stored `language`), English for a workshop that has none."""
    return supported(snapshot.workshop.get("language")) or SOURCE


def answer_text(question_key: str, answer: str) -> str:
    """A questionnaire answer in words, in the current language (the stored key when it is not one of the options)."""
    question = next(q for q in QUESTIONS if q.key == question_key)
    return _(question.options[answer]) if answer in question.options else answer


@dataclass(frozen=True)
class Figure:
    """A chart of a section, built only when a renderer draws it (charts are not cheap)."""

    name: str
    build: Callable[[], Any]


@dataclass(frozen=True)
class TitleBlock:
    title: str
    organisation: str
    code: str
    stage: str
    stage_focus: str
    participants: int
    held: str
    exported: str
    status: str  # "ended" or "live, on step N"


@dataclass(frozen=True)
class Note:
    """One bottleneck on the board, at its place within its dimension."""

    place: int
    text: str
    votes: int
    votes_text: str


@dataclass(frozen=True)
class Board:
    """The top notes of one dimension and how many are on the board in all."""

    title: str
    scope: str
    notes: tuple[Note, ...]
    total: int


@dataclass(frozen=True)
class ImpactRow:
    bottleneck: str
    outcome: str
    direction: str
    magnitude: int
    magnitude_label: str
    money: float | None
    money_text: str  # "€1.2M/yr", as on the impact map; "" without an estimate
    because: str


@dataclass(frozen=True)
class PlanRow:
    """One initiative in working order: what the room scored, decided and who owns it."""

    sequence: int | None
    sequence_text: str
    rank: int
    title: str
    dimensions: str
    value: str
    effort: str
    urgency: str
    confidence: str
    priority: str
    priority_value: float | None
    urgency_value: float | None
    disputed: tuple[str, ...]
    after: tuple[str, ...]
    decision: str  # "" when undecided
    overruled: bool | None
    against_guide: str  # how the decision stands against the guide today (`decide.Standing.note`); "" undecided
    rationale: str
    owner: str
    metric: str
    baseline: float | None
    target: float | None
    checkin: str

    @property
    def figures(self) -> tuple[str, ...]:
        """The five scored columns as text, in table order."""
        return (self.value, self.effort, self.urgency, self.confidence, self.priority)


@dataclass(frozen=True)
class Decision:
    title: str
    choice: str
    recommendation: str  # the one it was made against
    overruled: bool
    note: str  # how it stands against the guide today (`decide.Standing.note`)
    moved: bool  # the guide's recommendation changed after the decision
    rationale: str
    answers: tuple[tuple[str, str], ...]  # (question, answer in words)
    risks: tuple[str, ...]  # what the choice puts at risk (`decide.risk_flags`)


@dataclass(frozen=True)
class OwnerRow:
    title: str
    owner: str
    metric: str
    unit: str
    baseline: str
    target: str
    checkin: str


@dataclass(frozen=True)
class FollowRow:
    """Where one owned initiative's metric stands on the summary's day."""

    title: str
    owner: str
    unit: str
    value: str
    target: str
    progress: str
    status: str
    next_checkin: str  # ISO date, or "none planned"
    overdue_days: int
    overdue_text: str  # "7 days", or "" when not overdue
    chain: str = ""  # "Carried from CODE · carried 2×" for a commitment carried over from earlier
    concluded: str = ""  # "Done in CODE" once a later workshop reviewed it, else ""
    reason: str = ""  # the later workshop's one-line reason for that outcome

    @property
    def history(self) -> bool:
        """Carried over from an earlier workshop or concluded by a later one."""
        return bool(self.chain or self.concluded)


@dataclass(frozen=True)
class CheckinNote:
    checked_on: str
    title: str
    value: str
    status: str
    recorded_by: str
    note: str


@dataclass(frozen=True)
class SignalRow:
    """One when-to-scale signal as the room rated it: evidence level, spread and its figure."""

    title: str
    level: str  # the median's level in words, e.g. "Strong, measured"
    median: str
    spread: str
    divided: bool
    agreement: str  # the spread in words: "the room agrees", "the room is divided (spread 2)"
    answers: int
    figure: str  # what the figure measures: "growth 7.5 % a month (median of 4 figures)", or "—"


@dataclass(frozen=True)
class AreaRow:
    """One operating-model area: its score out of 100 and whether it is named as weakest."""

    title: str
    score: str  # "21/100", or "not rated yet"
    respondents: int
    weakest: bool


@dataclass(frozen=True)
class Readiness:
    """What the readiness check concluded, for leaders: the signals, the areas, the weakest two,
    the order step 1 used, the pitfall flag and the note for the stage advice."""

    respondents: int
    people: int
    signals: tuple[SignalRow, ...]
    areas: tuple[AreaRow, ...]
    weakest: tuple[str, ...]  # area titles, weakest first
    dimension_order: tuple[str, ...]  # dimension titles, in the order step 1 showed their prompts
    pitfalls: tuple[str, ...]
    note: str | None

    @property
    def weakest_text(self) -> str:
        """The weakest areas with their scores, as every output names them."""
        score = {a.title: a.score for a in self.areas}
        named = [_("{area} ({score})").format(area=title, score=score[title]) for title in self.weakest]
        return _(" and ").join(named) or _(NONE_WEAK)


@dataclass(frozen=True)
class StepRow:
    number: int
    title: str
    planned_min: int
    spent_min: float
    spent_clock: str


@dataclass(frozen=True)
class Summary:
    """Everything the Ship It outputs show, in the order leaders read it."""

    today: date
    head: TitleBlock
    checklist: tuple[Item, ...]
    boards: tuple[Board, ...]
    impacts: tuple[ImpactRow, ...]
    method: str
    formula: str
    plan: tuple[PlanRow, ...]
    decisions: tuple[Decision, ...]
    owners: tuple[OwnerRow, ...]
    tracks: tuple[Track, ...]
    follow: tuple[FollowRow, ...]
    checkins: tuple[CheckinNote, ...]
    follow_counts: dict[str, int]
    steps: tuple[StepRow, ...]
    figures: dict[str, Figure]
    readiness: Readiness | None = None  # None when nobody answered the check

    @property
    def open_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.checklist if not item.done)

    @property
    def done(self) -> int:
        return sum(item.done for item in self.checklist)

    def most_severe_impacts(self, limit: int) -> tuple[ImpactRow, ...]:
        """The worst impacts first (magnitude, then money), recorded order among equals."""
        ranked = sorted(self.impacts, key=lambda r: (-r.magnitude, -(r.money or 0.0)))
        return tuple(ranked[:limit])

    @property
    def planned_total(self) -> str:
        return numbers.measure(sum(s.planned_min for s in self.steps))

    @property
    def spent_total(self) -> str:
        return numbers.measure(sum(s.spent_min for s in self.steps))


# --- building the model --------------------------------------------------------------------


def _head(snapshot: Snapshot, moment: float) -> TitleBlock:
    w = snapshot.workshop
    stage = stage_by_key(w["stage"])
    status = _("ended") if snapshot.ended else _("live, on step {number}").format(number=snapshot.current_step.number)
    return TitleBlock(
        title=w["title"],
        organisation=w["organisation"],
        code=w["code"],
        stage=_(stage.title),
        stage_focus=_(stage.focus),
        participants=snapshot.tally.people,
        held=when(w["created_at"]),
        exported=when(moment),
        status=status,
    )


def _votes(count: int) -> str:
    return ngettext("{n} vote", "{n} votes", count).format(n=numbers.whole(count))


def _boards(snapshot: Snapshot) -> tuple[Board, ...]:
    board = snapshot.by_dimension()
    return tuple(
        Board(
            _(d.title),
            _(d.scope),
            tuple(
                Note(n, b["text"], int(b["votes"]), _votes(int(b["votes"])))
                for n, b in enumerate(board[d.key][:TOP_BOTTLENECKS], start=1)
            ),
            snapshot.tally.notes[d.key],
        )
        for d in DIMENSIONS
    )


def impact_rows(snapshot: Snapshot) -> tuple[ImpactRow, ...]:
    """Every recorded impact in recorded order, with its figures as text."""
    return tuple(
        ImpactRow(
            bottleneck=snapshot.bottleneck(i["bottleneck_id"])["text"],
            outcome=_(outcome_by_key(i["outcome"]).title),
            direction=said(DIRECTIONS[i["direction"]]),
            magnitude=int(i["magnitude"]),
            magnitude_label=said(MAGNITUDES[i["magnitude"]]),
            money=i["money"],
            money_text=numbers.money_short(i["money"]),  # as the impact map labels it
            because=i["because"],
        )
        for i in snapshot.impacts
    )


def plan_row(item: Initiative, method: str, titles: dict[int, str]) -> PlanRow:
    """One row of the ranked plan: the one place its figures are formatted."""
    a, d, o = item.aggregate, item.decision, item.owner
    priority = a.priority(method) if a else None
    return PlanRow(
        sequence=item.position,
        sequence_text=numbers.MISSING if item.position is None else str(item.position),
        rank=item.rank,
        title=item.title,
        dimensions=dimension_words(item.dimensions),
        value=numbers.measure(a.value if a else None),
        effort=numbers.measure(a.effort if a else None),
        urgency=numbers.measure(a.urgency if a else None),
        confidence=numbers.percent(a.confidence if a else None),
        priority=numbers.priority(priority),
        priority_value=numbers.priority_value(priority),
        urgency_value=a.urgency if a else None,
        disputed=tuple(a.disputed) if a else (),
        after=tuple(titles[x] for x in item.after_ids if x in titles),
        decision=said(CHOICE_TITLES[d["choice"]]) if d else "",
        overruled=item.standing.overruled if item.standing else None,
        against_guide=item.standing.note if item.standing else "",
        rationale=d["rationale"] if d else "",
        owner=owner_shown(o["owner"]) if o else "",
        metric=o["metric"] if o else "",
        baseline=o["baseline"] if o else None,
        target=o["target"] if o else None,
        checkin=_checkin_day(o["checkin"]) if o else "",
    )


def _checkin_day(iso: str) -> str:
    """A stored check-in date (ISO) as the current language writes a day."""
    try:
        return numbers.day(date.fromisoformat(iso))
    except ValueError:
        return iso


def _plan(snapshot: Snapshot) -> tuple[PlanRow, ...]:
    titles = {i.id: i.title for i in snapshot.initiatives}
    return tuple(plan_row(item, snapshot.method, titles) for item in snapshot.plan)


def _decision(item: Initiative) -> Decision:
    d, standing = item.decision, item.standing
    assert d is not None and standing is not None
    return Decision(
        title=item.title,
        choice=said(CHOICE_TITLES[d["choice"]]),
        recommendation=said(CHOICE_TITLES[d["recommendation"]]),
        overruled=standing.overruled,
        note=standing.note,
        moved=standing.moved,
        rationale=d["rationale"],
        answers=tuple((_(q.text), answer_text(q.key, d["answers"].get(q.key, ""))) for q in QUESTIONS),
        risks=tuple(risk_flags(d["choice"], d["answers"], item.title, item.description)),
    )


def _owner(item: Initiative) -> OwnerRow:
    o = item.owner
    assert o is not None
    return OwnerRow(
        title=item.title,
        owner=owner_shown(o["owner"]),
        metric=o["metric"],
        unit=o["unit"] or "",
        baseline=numbers.measure(o["baseline"]),
        target=numbers.measure(o["target"]),
        checkin=_checkin_day(o["checkin"]),
    )


def _follow(t: Track, today: date) -> FollowRow:
    days = t.days_overdue(today)
    return FollowRow(
        title=t.title,
        owner=owner_shown(t.owner),
        unit=t.unit or "",
        value=numbers.measure(t.value),
        target=numbers.measure(t.target),
        progress=numbers.share(t.progress),
        status=t.status_title,
        next_checkin=numbers.day(t.next_checkin) if t.next_checkin else _("none planned"),
        overdue_days=days,
        overdue_text=numbers.days(days) if t.overdue(today) else "",
        chain=t.chain,
        concluded=t.concluded,
        reason=t.review_reason if t.concluded else "",
    )


def _checkins(tracks: tuple[Track, ...]) -> tuple[CheckinNote, ...]:
    return tuple(
        CheckinNote(
            checked_on=_checkin_day(c["checked_on"]),
            title=t.title,
            value=numbers.measure(c["value"]),
            status=said(STATUSES[c["status"]]),
            recorded_by=said(c["recorded_by"]),
            note=c["note"] or "",
        )
        for t in tracks
        for c in t.checkins
    )


def _signal(result: readiness.QuestionResult) -> SignalRow:
    question = readiness.question_by_key(result.key)
    figure = readiness.figure_words(result) or numbers.MISSING  # "LTV:CAC 3.4 (median of 3 figures)"
    agreement = readiness.spread_words(result) or (_(ONE_ANSWER) if result.count == 1 else numbers.MISSING)
    if result.divided:
        agreement = _("{agreement} (spread {spread})").format(
            agreement=agreement, spread=numbers.measure(result.spread)
        )
    return SignalRow(
        title=_(question.title),
        level=numbers.MISSING if result.median is None else _(question.scale.label_at(result.median)),
        median=numbers.measure(result.median),
        spread=numbers.measure(result.spread) if result.count else numbers.MISSING,
        divided=result.divided,
        agreement=agreement,
        answers=result.count,
        figure=figure,
    )


def readiness_block(snapshot: Snapshot) -> Readiness | None:
    """The readiness check as leaders read it; None when nobody answered it."""
    results = snapshot.readiness
    if not results.respondents:
        return None
    frame = frames.readiness_frame(results)
    return Readiness(
        respondents=results.respondents,
        people=snapshot.tally.people,
        signals=tuple(_signal(results.question(q.key)) for q in readiness.SIGNALS),
        areas=tuple(AreaRow(r.area, r.score_text, int(r.respondents), bool(r.weakest)) for r in frame.itertuples()),
        weakest=tuple(_(a.title) for a in readiness.weakest(results)),
        dimension_order=tuple(_(dimension_by_key(key).title) for key in readiness.dimension_order(results)),
        pitfalls=tuple(readiness.pitfall_flags(results)),
        note=readiness.stage_note(results),
    )


def _steps(snapshot: Snapshot, moment: float) -> tuple[StepRow, ...]:
    rows = []
    for step in STEPS:
        t = snapshot.timer(step.key)
        spent = time_spent(t, moment)
        rows.append(StepRow(step.number, _(step.title), t.minutes, round(spent / 60, 1), format_clock(spent)))
    return tuple(rows)


def _figures(snapshot: Snapshot, tracks: tuple[Track, ...], moment: float) -> dict[str, Figure]:
    """Which chart goes with which section; a section without data has no chart."""
    figures = {"steps": Figure("time_per_step", lambda: charts.time_per_step(snapshot, moment))}
    if snapshot.impacts:
        figures["impacts"] = Figure("impact_map", lambda: charts.impact_map(snapshot))
    if snapshot.initiatives:
        figures["plan"] = Figure("roi_urgency", lambda: charts.roi_urgency(snapshot))
    if any(t.checkins for t in tracks):
        figures["followup"] = Figure("progress_chart", lambda: charts.progress_chart(tracks))
    if snapshot.readiness.respondents:
        figures["readiness"] = Figure("readiness_areas", lambda: charts.readiness_areas(snapshot.readiness))
    return figures


def summary(snapshot: Snapshot, now: float | None = None) -> Summary:
    """The Ship It summary of `snapshot` as it stands at `now` (default: this moment)."""
    moment = time.time() if now is None else now
    today = date.fromtimestamp(moment)
    method = method_by_key(snapshot.method)
    tracks = tuple(snapshot.tracks)
    return Summary(
        today=today,
        head=_head(snapshot, moment),
        checklist=tuple(checklist.evaluate(snapshot)),
        boards=_boards(snapshot),
        impacts=impact_rows(snapshot),
        method=method.title,
        formula=_(method.formula),
        plan=_plan(snapshot),
        decisions=tuple(_decision(i) for i in snapshot.decided),
        owners=tuple(_owner(i) for i in snapshot.plan if i.owner is not None),
        tracks=tracks,
        follow=tuple(_follow(t, today) for t in tracks),
        checkins=_checkins(tracks),
        follow_counts=counts(tracks, today),
        steps=_steps(snapshot, moment),
        figures=_figures(snapshot, tracks, moment),
        readiness=readiness_block(snapshot),
    )
