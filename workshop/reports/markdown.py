"""The Ship It summary as Markdown that is safe to paste into a wiki.

One function per section of the `summary` model, in the summary's order; participant text
goes through `md_escape`, so nobody's words become a link, a heading or a table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

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
        f"# Ship It — {md_escape(h.title)}",
        "",
        f"**Organisation:** {md_escape(h.organisation)}  ",
        f"**Stage context:** {h.stage}  ",
        f"**Workshop code:** {h.code}  ",
        f"**Participants:** {h.participants}",
    ]


def _md_checklist(s: Summary) -> list[str]:
    return [f"- [{'x' if item.done else ' '}] **{item.title}** — {md_escape(item.reason)}" for item in s.checklist]


def _md_open_items(s: Summary) -> list[str]:
    return _or([f"- {item.title}: {md_escape(item.reason)}" for item in s.open_items], "None: ship it.")


def _md_readiness(s: Summary) -> list[str]:
    """The check's results; every text here is the app's own (titles, levels, figures)."""
    r = s.readiness
    if r is None:
        return ["- Nobody answered the readiness check."]
    lines = [f"{r.respondents} of {r.people} participants answered." + (f" {r.note}" if r.note else "")]
    lines += ["", *[f"- **Pitfall:** {flag}" for flag in r.pitfalls]] if r.pitfalls else []
    lines += [
        "",
        f"**Weakest areas:** {r.weakest_text}. Step 1 showed its prompts in this order: "
        f"{', '.join(r.dimension_order)}.",
        "",
        *_table(
            ["Signal", "Evidence (median)", "Does the room agree?", "Answers", "Figure"],
            [[x.title, x.level, x.agreement, str(x.answers), x.figure] for x in r.signals],
        ),
        "",
        *_table(["Area", "Score", "Answered by"], [[a.title, a.score, str(a.respondents)] for a in r.areas]),
    ]
    return lines


def _md_bottlenecks(s: Summary) -> list[str]:
    lines: list[str] = []
    for board in s.boards:
        lines += [f"### {board.title} ({board.scope})", ""]
        lines += _or([f"{n.place}. {md_escape(n.text)} — {n.votes_text}" for n in board.notes], "None recorded.")
        lines.append("")
    return lines[:-1]


def _md_impacts(s: Summary) -> list[str]:
    return _or(
        _table(
            ["Bottleneck", "Outcome", "Direction", "Magnitude", "Estimate", "Because"],
            [
                [md_escape(i.bottleneck), i.outcome, i.direction, i.magnitude_label, i.money_text, md_escape(i.because)]
                for i in s.impacts
            ],
        )
        if s.impacts
        else [],
        "No impacts recorded.",
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
                "Seq.",
                "Rank",
                "Initiative",
                "Dimensions",
                "Value",
                "Effort",
                "Urgency",
                "Confidence",
                s.method,
                "Decision",
                "Owner",
            ],
            rows,
        )
        if rows
        else []
    )
    return [f"Ranking formula: {s.formula}", "", *_or(table, "No initiatives recorded.")]


def _md_decisions(s: Summary) -> list[str]:
    return _or(
        [f"- **{md_escape(d.title)}**: {d.choice} ({d.note}). {md_escape(d.rationale)}" for d in s.decisions],
        "No decisions recorded.",
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
        _table(["Initiative", "Owner (DRI)", "Metric", "Baseline", "Target", "First check-in"], rows) if rows else [],
        "No owners assigned.",
    )


def _md_followup(s: Summary) -> list[str]:
    if not s.follow:
        return ["- Nothing to follow up yet: no owned initiatives."]
    lines = _table(
        ["Initiative", "Owner", "Latest value", "Target", "Progress", "Status", "Next check-in"],
        [
            [
                md_escape(f.title),
                md_escape(f.owner),
                f.value + _md_unit(f.unit),
                f.target + _md_unit(f.unit),
                f.progress,
                f.status,
                f.next_checkin + (f" (overdue by {f.overdue_text})" if f.overdue_text else ""),
            ]
            for f in s.follow
        ],
    )
    lines += _md_history(s)
    if s.checkins:
        lines += ["", "### Check-ins", ""]
        lines += [
            f"- {c.checked_on} · {md_escape(c.title)}: {c.value} ({c.status}, by {md_escape(c.recorded_by)})"
            + (f" — {md_escape(c.note)}" if c.note else "")
            for c in s.checkins
        ]
    return lines


def _md_history(s: Summary) -> list[str]:
    """Commitments carried over from an earlier workshop, and how a later one concluded them."""
    rows = [f for f in s.follow if f.history]
    if not rows:
        return []
    lines = ["", "### Carried over and concluded", ""]
    for f in rows:
        said = [md_escape(x) for x in (f.chain, f.concluded) if x]
        reason = f" — {md_escape(f.reason)}" if f.reason else ""
        lines.append(f"- **{md_escape(f.title)}**: {' · '.join(said)}{reason}")
    return lines


def _md_steps(s: Summary) -> list[str]:
    return _table(
        ["Step", "Planned", "Spent"],
        [[f"{r.number}. {r.title}", f"{r.planned_min} min", r.spent_clock] for r in s.steps],
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


def markdown(snapshot: Snapshot, now: float | None = None) -> str:
    """The Ship It summary as Markdown that is safe to paste into a wiki."""
    s = summary(snapshot, now)
    lines = _md_head(s)
    for key, section in _MD_SECTIONS:
        lines += ["", f"## {HEADINGS[key]}", "", *section(s)]
    return "\n".join([*lines, ""])


def export_markdown(db: Database, code: str, now: float | None = None) -> str:
    return markdown(load(db, code), now)
