"""Step 2 — Impact mapping: link each bottleneck to the business outcome it damages."""

import streamlit as st

from views.kit import ui
from workshop import actions
from workshop.domain.language import _, ngettext
from workshop.domain.vocabulary import DIRECTIONS, MAGNITUDES, NOTE_MAX, OUTCOMES, outcome_by_key
from workshop.reports import charts, sheets


def impact_form(ctx: ui.Context) -> None:
    """Link a bottleneck to the outcome it damages, how much and why."""
    snapshot = ctx.snapshot
    live = snapshot.live_bottlenecks
    if not live:
        st.info(_("There are no bottlenecks on the board yet: add them in step 1 first."))
    else:
        with st.form("impact", clear_on_submit=True):
            st.header(_("Link a bottleneck to its business impact"))
            bottleneck = st.selectbox(
                _("Bottleneck (most votes first)"),
                [b["id"] for b in live],
                placeholder=_("Choose an option"),
                format_func=lambda i: (
                    f"{snapshot.bottleneck(i)['text'][:90]} — "
                    + ngettext("{n} vote", "{n} votes", snapshot.bottleneck(i)["votes"]).format(
                        n=snapshot.bottleneck(i)["votes"]
                    )
                ),
            )
            outcome = st.selectbox(
                _("Business outcome it affects"),
                [o.key for o in OUTCOMES],
                placeholder=_("Choose an option"),
                format_func=lambda k: f"{_(outcome_by_key(k).group)}: {_(outcome_by_key(k).title)}",
            )
            direction = st.radio(
                _("Direction"), list(DIRECTIONS), horizontal=True, format_func=lambda d: _(DIRECTIONS[d]).capitalize()
            )
            magnitude = st.select_slider(
                _("How large"), options=list(MAGNITUDES), value=3, format_func=lambda m: f"{m} · {_(MAGNITUDES[m])}"
            )
            money = st.text_input(
                _("Yearly money estimate in € (optional)"), placeholder=_("e.g. {amount}").format(amount="250000")
            )
            because = st.text_input(_("Because… (one line)"), max_chars=NOTE_MAX)
            if st.form_submit_button(_("Add impact"), type="primary"):
                ctx.act(
                    actions.add_impact,
                    bottleneck,
                    outcome,
                    direction,
                    magnitude,
                    because,
                    money=money,
                    success=_("Impact added: {note}").format(note=snapshot.bottleneck(bottleneck)["text"][:60]),
                    at="impact",
                )
                st.rerun()
        ui.flash(at="impact")


def impact_map(ctx: ui.Context) -> None:
    """The room's impacts: the chart, the table, and which of the top notes have none yet."""
    snapshot = ctx.snapshot
    live = snapshot.live_bottlenecks
    st.header(_("Impact map"))
    if snapshot.impacts:
        st.altair_chart(charts.impact_map(snapshot), theme=None, width="stretch")
        ui.table(sheets.step_impacts_screen(snapshot), width="stretch")
        unlinked = [b for b in live[:10] if not any(i["bottleneck_id"] == b["id"] for i in snapshot.impacts)]
        if unlinked:
            st.caption(
                ngettext(
                    "{n} of the ten most-voted bottlenecks has no impact yet.",
                    "{n} of the ten most-voted bottlenecks have no impact yet.",
                    len(unlinked),
                ).format(n=len(unlinked))
            )
    else:
        st.caption(_("No impacts yet."))


def remove_impact(ctx: ui.Context) -> None:
    """The facilitator removes an impact added by mistake."""
    snapshot = ctx.snapshot
    with st.expander(_("Remove an impact")):
        pick = st.selectbox(
            _("Impact"),
            [i["id"] for i in snapshot.impacts],
            placeholder=_("Choose an option"),
            index=None,
            format_func=lambda i: next(f"#{x['id']} {x['because'][:80]}" for x in snapshot.impacts if x["id"] == i),
        )
        if st.button(_("Remove"), disabled=pick is None):
            ctx.act(actions.delete_impact, pick, success=_("Removed impact #{id}.").format(id=pick), at="remove-impact")
            st.rerun()
        ui.flash(at="remove-impact")


def console(ctx: ui.Context) -> None:
    """The form for everyone in the room, the map, and the facilitator's removal."""
    impact_form(ctx)
    impact_map(ctx)
    if ctx.facilitator and ctx.snapshot.impacts:
        remove_impact(ctx)


console(ui.open_step(__file__))
