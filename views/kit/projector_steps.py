"""The projector's content for each step, one function per step (`show_<step key>`).

`views/kit/registry.py` pairs each step with its function by name, so a new step without one
fails at import. Sized for the 1920×1080 layout of `views/projector.py`; user text goes
through `safe` (Markdown escaping, as `ui.safe`). The only HTML is step 4's bars of the room's
picks: fixed choice titles and counts, escaped all the same.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from typing import Any

import streamlit as st

from views import readiness
from workshop.domain import checklist, decide, numbers, scoring
from workshop.domain.language import _, ngettext
from workshop.domain.snapshot import Initiative, Snapshot
from workshop.domain.text import md_escape as safe  # what `ui.safe` does, without importing the page plumbing
from workshop.domain.vocabulary import method_by_key, outcome_by_key
from workshop.reports import charts

TOP_RANKED = 6  # ranking lines beside the step-3 chart
SIDE_ITEMS = 3  # money estimates and unmapped notes beside the impact map
OWNER_CARDS = 6  # step-5 cards (two rows of three)
CHART_WIDTH = 1140  # px: the chart column at 1920 wide (Streamlit fits axes and legend inside)
CHART_HEIGHT = 720  # px: what is left under the header and the live bar
MONEY_ROOM = 110  # px between the impact map's plot and its legends: a "€120k/yr" label fits


def _chart(chart: Any) -> None:
    """One chart at its own width (under the page's zoom, a width fitted to the column would shrink
    twice), drawn as SVG in the app's font."""
    st.altair_chart(charts.on_screen(chart), theme=None, width="content")


def show_bottlenecks(snapshot: Snapshot) -> None:
    """The live board is drawn by the live element below the header; before the clock starts, the
    readiness check's results take its place (the live element then leaves the board out)."""
    if snapshot.readiness_showing:
        readiness.projector(snapshot)


def _bullets(lines: Sequence[str]) -> str:
    """One Markdown list of already escaped lines (one element, so no gaps between lines)."""
    return "\n".join(f"- {line}" for line in lines)


def show_impact(snapshot: Snapshot) -> None:
    chart, side = st.columns([5, 3])
    with chart:
        mapped = charts.impact_map(snapshot, width=CHART_WIDTH, height=CHART_HEIGHT, text=charts.PROJECTOR_TEXT)
        if snapshot.impacts:  # room for the right-hand column's money labels before the legends
            mapped.config.legend.offset = MONEY_ROOM
        _chart(mapped)
    with side.container(key="pj-list"):
        top = snapshot.live_bottlenecks[:10]
        linked = {i["bottleneck_id"] for i in snapshot.impacts}
        said = _("{linked} of {top} top bottlenecks linked to an impact")
        st.markdown("### " + said.format(linked=sum(b["id"] in linked for b in top), top=len(top)))
        costly = sorted((i for i in snapshot.impacts if i["money"]), key=lambda i: -i["money"])[:SIDE_ITEMS]
        if costly:
            st.markdown("### " + _("Largest money estimates"))
            st.markdown(
                _bullets(
                    [
                        safe(
                            f"{numbers.money_short(i['money'])} · {_(outcome_by_key(str(i.get('outcome'))).title)}"
                            f" — {snapshot.bottleneck(i['bottleneck_id'])['text']}"
                        )
                        for i in costly
                    ]
                )
            )
        waiting = [b for b in top if b["id"] not in linked][:SIDE_ITEMS]
        if waiting:
            st.markdown("### " + _("Still to map"))
            st.markdown(_bullets([safe(f"{row['text']} ({_votes(row['votes'])})") for row in waiting]))


def _votes(n: int) -> str:
    return ngettext("{n} vote", "{n} votes", n).format(n=n)


def _ranking_line(snapshot: Snapshot, item: Initiative) -> str:
    """'#1 Title' (the rank its point carries on the chart) and its figures: the same rounding as the
    summary, Markdown and PDF."""
    a = item.aggregate
    method = method_by_key(snapshot.method)
    carried = " · " + _("carried over ×{n}").format(n=item.carried_times) if item.carried else ""
    if a is None:
        return safe(f"{item.title} · {_('not scored yet')}{carried}")
    disputed = ", ".join(_(scoring.LABELS[c]) for c in a.disputed)
    flag = " · " + _("discuss {criteria}").format(criteria=disputed) if a.disputed else ""
    flag += carried
    urgency = _("urgency {value}").format(value=numbers.measure(a.urgency))
    return safe(f"#{item.rank} {item.title}") + (
        f"  \n**{_(method.title)} {numbers.priority(a.priority(snapshot.method))}** · {urgency}{flag}"
    )


def show_prioritise(snapshot: Snapshot) -> None:
    method = method_by_key(snapshot.method)
    chart, side = st.columns([5, 3])
    with chart:
        # Every point by its rank number, as the ranking beside names them.
        plotted = charts.roi_urgency(
            snapshot, labels=len(snapshot.plan), width=CHART_WIDTH, height=CHART_HEIGHT, text=charts.PROJECTOR_TEXT,
            titles=False,
        )  # fmt: skip
        _chart(plotted)
    with side.container(key="pj-rank"):
        st.markdown("### " + _("Ranking by {method}").format(method=_(method.title)))
        if not snapshot.plan:
            st.markdown(_("No initiatives yet: propose them from your phone."))
            return
        # By rank, as the chart numbers its points (the agreed sequence is the console's and Ship It's).
        st.markdown(_bullets([_ranking_line(snapshot, item) for item in snapshot.ranked[:TOP_RANKED]]))
        if len(snapshot.plan) > TOP_RANKED:
            st.markdown(_("and {n} more").format(n=len(snapshot.plan) - TOP_RANKED))


def _picks_html(picks: dict[str, int], decided: str | None) -> str:
    """The room's picks as one bar per choice: fixed titles and counts only (no user text, no name),
    the decided choice marked. The bars grow live while people pick on their phones."""
    total = sum(picks.values())
    rows = []
    for choice in decide.CHOICES:
        n = picks.get(choice, 0)
        share = round(100 * n / total) if total else 0
        mark = " pj-pick-on" if choice == decided else ""
        name = html.escape(_(decide.CHOICE_TITLES[choice]))
        rows.append(
            f"<div class='pj-pick{mark}'><span class='pj-pick-name'>{name}</span>"
            f"<span class='pj-bar'><span style='width:{share}%'></span></span><span class='pj-pick-n'>{n}</span></div>"
        )
    counted = ngettext("The room's picks: {n} pick", "The room's picks: {n} picks", total).format(n=total)
    head = html.escape(counted if total else _("The room's picks: none yet"), quote=False)
    return f"<div class='pj-picks'><p class='pj-picks-head'>{head}</p>{''.join(rows)}</div>"


def _decision_card(n: int, item: Initiative, picks: dict[str, int]) -> None:
    """The initiative, the room's live picks, then the decision once it is recorded."""
    st.markdown("### " + safe(f"{n}. {item.title}"))
    saved = item.decision
    st.markdown(_picks_html(picks, saved["choice"] if saved else None), unsafe_allow_html=True)
    if saved is None:
        st.markdown(_("Not decided yet."))
        return
    standing = item.standing
    assert standing is not None
    decided = _("Decided: {choice}").format(choice=_(decide.CHOICE_TITLES[standing.choice]))
    st.markdown(f"**{decided}** · {_(standing.note)}")
    st.markdown(safe(_("Why: {rationale}").format(rationale=saved["rationale"])))
    flags = decide.risk_flags(saved["choice"], saved["answers"], item.title, item.description)
    if flags:
        more = " " + _("(+{n} more)").format(n=len(flags) - 1) if len(flags) > 1 else ""
        st.error(safe(_(flags[0])) + more, icon=":material/warning:")


def show_decide(snapshot: Snapshot) -> None:
    if not snapshot.top:
        st.markdown("### " + _("No initiatives to decide on yet."))
        return
    for n, (column, item) in enumerate(zip(st.columns(len(snapshot.top)), snapshot.top), start=1):
        with column.container(border=True, key=f"pj-card-{n}"):
            _decision_card(n, item, snapshot.tally.picks.get(item.id, {}))


def _owner_card(item: Initiative) -> None:
    st.markdown("### " + safe(item.title))
    owner = item.owner
    if owner is None:
        st.markdown("**" + _("Owner needed") + "**")
        return
    st.markdown(safe(_("DRI: {owner}").format(owner=owner["owner"])))
    st.markdown(
        safe(
            f"{owner['metric']}: {numbers.measure(owner['baseline'], owner['unit'])} → "
            f"{numbers.measure(owner['target'], owner['unit'])}"
        )
    )
    st.markdown(_("First check-in {date}").format(date=numbers.day(date.fromisoformat(owner["checkin"]))))


def show_owners(snapshot: Snapshot) -> None:
    items = checklist.evaluate(snapshot)
    confirmed = bool(snapshot.workshop["observability_confirmed"])
    done = _("{done} of {total} done").format(done=sum(i.done for i in items), total=len(items))
    observed = _("observability confirmed") if confirmed else "**" + _("observability not confirmed yet") + "**"
    st.markdown(_("Ship It checklist: {done}").format(done=f"**{done}**") + " · " + observed)
    decided = snapshot.decided
    if not decided:
        st.markdown("### " + _("No decided initiatives yet."))
        return
    shown = decided[:OWNER_CARDS]
    for row in range(0, len(shown), 3):
        for n, (column, item) in enumerate(zip(st.columns(3), shown[row : row + 3]), start=row):
            with column.container(border=True, key=f"pj-card-owner-{n}"):
                _owner_card(item)
    if len(decided) > OWNER_CARDS:
        more = len(decided) - OWNER_CARDS
        st.markdown(
            ngettext("and {n} more decided initiative", "and {n} more decided initiatives", more).format(n=more)
        )


# Renderers whose content is the live board, drawn by the live element under the header.
LIVE_BOARD: tuple[object, ...] = (show_bottlenecks,)
