"""The Ship It summary as Markdown that is safe to paste into a wiki.

One function per section of the `summary` model, in the summary's order; participant text
goes through `md_escape`, so nobody's words become a link, a heading or a table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from workshop.domain.language import SOURCE, _, using
from workshop.domain.snapshot import Snapshot
from workshop.domain.text import md_escape
from workshop.reports.summary import HEADINGS, NO_DECISION, Summary, summary
from workshop.store import Database
from workshop.store.load import load

# One function per section of the `summary` model; participant text goes through `md_escape`.


def _table(headings: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A pipe table; the cells are already escaped."""
    return ["| " + " | ".join(headings) + " |", "|" + "---|" * len(headings)] + [
        "| " + " | ".join(row) + " |" for row in rows
    ]


def _or(lines: list[str], empty: str) -> list[str]:
    return lines or [f"- {empty}"]


def _md_head(s: Summary) -> list[str]:
    h = s.head
    return [
        _("# Ship It — {title}").format(title=md_escape(h.title)),
        "",
        _("**Organisation:** {organisation}").format(organisation=md_escape(h.organisation)) + "  ",
        _("**Stage context:** {stage}").format(stage=h.stage) + "  ",
        _("**Workshop code:** {code}").format(code=h.code) + "  ",
        _("**Participants:** {count}").format(count=h.participants),
    ]


def _md_checklist(s: Summary) -> list[str]:
    return [f"- [{'x' if item.done else ' '}] **{item.title}** — {md_escape(item.reason)}" for item in s.checklist]


def _md_open_items(s: Summary) -> list[str]:
    return _or([f"- {item.title}: {md_escape(item.reason)}" for item in s.open_items], _("None: ship it."))


def _md_readiness(s: Summary) -> list[str]:
    """The check's results; every text here is the app's own (titles, levels, figures)."""
    r = s.readiness
    if r is None:
        return ["- " + _("Nobody answered the readiness check.")]
    answered = _("{respondents} of {people} participants answered.")
    lines = [answered.format(respondents=r.respondents, people=r.people) + (f" {r.note}" if r.note else "")]
    lines += ["", *[_("- **Pitfall:** {flag}").format(flag=flag) for flag in r.pitfalls]] if r.pitfalls else []
    weakest = _("**Weakest areas:** {areas}. Step 1 showed its prompts in this order: {dimensions}.")
    lines += [
        "",
        weakest.format(areas=r.weakest_text, dimensions=", ".join(r.dimension_order)),
        "",
        *_table(
            [_("Signal"), _("Evidence (median)"), _("Does the room agree?"), _("Answers"), _("Figure")],
            [[x.title, x.level, x.agreement, str(x.answers), x.figure] for x in r.signals],
        ),
        "",
        *_table([_("Area"), _("Score"), _("Answered by")], [[a.title, a.score, str(a.respondents)] for a in r.areas]),
    ]
    return lines


def _md_bottlenecks(s: Summary) -> list[str]:
    lines: list[str] = []
    for board in s.boards:
        lines += [f"### {board.title} ({board.scope})", ""]
        lines += _or([f"{n.place}. {md_escape(n.text)} — {n.votes_text}" for n in board.notes], _("None recorded."))
        lines.append("")
    return lines[:-1]


def _md_impacts(s: Summary) -> list[str]:
    return _or(
        _table(
            [_("Bottleneck"), _("Outcome"), _("Direction"), _("Magnitude"), _("Estimate"), _("Because")],
            [
                [md_escape(i.bottleneck), i.outcome, i.direction, i.magnitude_label, i.money_text, md_escape(i.because)]
                for i in s.impacts
            ],
        )
        if s.impacts
        else [],
        _("No impacts recorded."),
    )


def _md_plan(s: Summary) -> list[str]:
    rows = [
        [
            r.sequence_text,
            str(r.rank),
            md_escape(r.title),
            r.dimensions,
            *r.figures,
            r.decision or NO_DECISION,
            md_escape(r.owner) if r.owner else NO_DECISION,
        ]
        for r in s.plan
    ]
    table = (
        _table(
            [
                _("Seq."),
                _("Rank"),
                _("Initiative"),
                _("Dimensions"),
                _("Value"),
                _("Effort"),
                _("Urgency"),
                _("Confidence"),
                s.method,
                _("Decision"),
                _("Owner"),
            ],
            rows,
        )
        if rows
        else []
    )
    return [_("Ranking formula: {formula}").format(formula=s.formula), "", *_or(table, _("No initiatives recorded."))]


def _md_decisions(s: Summary) -> list[str]:
    return _or(
        [f"- **{md_escape(d.title)}**: {d.choice} ({d.note}). {md_escape(d.rationale)}" for d in s.decisions],
        _("No decisions recorded."),
    )


def _md_unit(unit: str) -> str:
    return f" {md_escape(unit)}" if unit else ""


def _md_owners(s: Summary) -> list[str]:
    rows = [
        [
            md_escape(o.title),
            md_escape(o.owner),
            md_escape(o.metric),
            o.baseline + _md_unit(o.unit),
            o.target + _md_unit(o.unit),
            o.checkin,
        ]
        for o in s.owners
    ]
    return _or(
        _table([_("Initiative"), _("Owner (DRI)"), _("Metric"), _("Baseline"), _("Target"), _("First check-in")], rows)
        if rows
        else [],
        _("No owners assigned."),
    )


def _md_followup(s: Summary) -> list[str]:
    if not s.follow:
        return ["- " + _("Nothing to follow up yet: no owned initiatives.")]
    lines = _table(
        [_("Initiative"), _("Owner"), _("Latest value"), _("Target"), _("Progress"), _("Status"), _("Next check-in")],
        [
            [
                md_escape(f.title),
                md_escape(f.owner),
                f.value + _md_unit(f.unit),
                f.target + _md_unit(f.unit),
                f.progress,
                f.status,
                f.next_checkin + (_(" (overdue by {days})").format(days=f.overdue_text) if f.overdue_text else ""),
            ]
            for f in s.follow
        ],
    )
    lines += _md_history(s)
    if s.checkins:
        lines += ["", "### " + _("Check-ins"), ""]
        said = _("- {day} · {title}: {value} ({status}, by {who})")
        lines += [
            said.format(
                day=c.checked_on, title=md_escape(c.title), value=c.value, status=c.status, who=md_escape(c.recorded_by)
            )
            + (f" — {md_escape(c.note)}" if c.note else "")
            for c in s.checkins
        ]
    return lines


def _md_history(s: Summary) -> list[str]:
    """Commitments carried over from an earlier workshop, and how a later one concluded them."""
    rows = [f for f in s.follow if f.history]
    if not rows:
        return []
    lines = ["", "### " + _("Carried over and concluded"), ""]
    for f in rows:
        said = [md_escape(x) for x in (f.chain, f.concluded) if x]
        reason = f" — {md_escape(f.reason)}" if f.reason else ""
        lines.append(f"- **{md_escape(f.title)}**: {' · '.join(said)}{reason}")
    return lines


def _md_steps(s: Summary) -> list[str]:
    return _table(
        [_("Step"), _("Planned"), _("Spent")],
        [[f"{r.number}. {r.title}", _("{minutes} min").format(minutes=r.planned_min), r.spent_clock] for r in s.steps],
    )


_MD_SECTIONS: tuple[tuple[str, Callable[[Summary], list[str]]], ...] = (
    ("checklist", _md_checklist),
    ("open", _md_open_items),
    ("readiness", _md_readiness),
    ("bottlenecks", _md_bottlenecks),
    ("impacts", _md_impacts),
    ("plan", _md_plan),
    ("decisions", _md_decisions),
    ("owners", _md_owners),
    ("followup", _md_followup),
    ("steps", _md_steps),
)


def markdown(snapshot: Snapshot, now: float | None = None, lang: str = SOURCE) -> str:
    """The Ship It summary as Markdown that is safe to paste into a wiki, in language `lang`."""
    with using(lang):
        s = summary(snapshot, now)
        lines = _md_head(s)
        for key, section in _MD_SECTIONS:
            lines += ["", f"## {_(HEADINGS[key])}", "", *section(s)]
        return "\n".join([*lines, ""])


def export_markdown(db: Database, code: str, now: float | None = None, lang: str = SOURCE) -> str:
    return markdown(load(db, code), now, lang)
