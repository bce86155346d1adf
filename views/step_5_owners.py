"""Step 5 — Metrics & owners: a DRI, a metric with baseline and target, a first check-in."""

from datetime import date, timedelta

import streamlit as st

from views.kit import ui
from workshop import actions
from workshop.domain import followup, numbers
from workshop.domain.language import _
from workshop.domain.owners import suggested_metrics
from workshop.domain.snapshot import Initiative
from workshop.domain.vocabulary import OWNER_MAX, SHORT_MAX, UNIT_MAX


@st.fragment
def initiative(shown: ui.Context, item_id: int) -> None:
    """One decided initiative: its owner on record, the suggestions, and the owner form. A fragment:
    saving the owner reruns this initiative only."""
    ctx = shown.fresh()
    snapshot = ctx.snapshot
    item = snapshot.initiative(item_id)
    st.divider()
    st.header(ui.safe(item.title))
    owner = item.owner
    suggestions = suggested_metrics(snapshot, item.bottleneck_ids)
    if owner:
        st.text(
            _("DRI: {owner} · {metric}: {baseline} → {target} · first check-in {date}").format(
                owner=owner["owner"],
                metric=owner["metric"],
                baseline=numbers.measure(owner["baseline"]),
                target=numbers.measure(owner["target"], owner["unit"]),
                date=numbers.day(date.fromisoformat(owner["checkin"])),
            )
        )
    if suggestions:
        said = _("Suggested from the impact map: {metrics}").format(metrics=", ".join(_(m) for m in suggestions))
        st.caption(ui.safe(said))
    volunteers = [snapshot.participant_name(v) for v in item.volunteer_ids]
    if volunteers:
        st.caption(ui.safe(_("Volunteered from their phones: {names}").format(names=", ".join(volunteers))))
    if ctx.facilitator:
        owner_form(ctx, item, suggestions, volunteers)


def owner_form(ctx: ui.Context, item: Initiative, suggestions: list[str], volunteers: list[str]) -> None:
    """The DRI, the metric with baseline and target, and the first check-in."""
    owner = item.owner
    with st.form(f"owner-{item.id}"):
        cols = st.columns(3)
        name = cols[0].text_input(
            _("Owner (DRI)"), value=owner["owner"] if owner else (volunteers[:1] or [""])[0], max_chars=OWNER_MAX
        )
        metric = cols[1].text_input(
            _("Success metric"),
            value=owner["metric"] if owner else (suggestions[0] if suggestions else ""),
            max_chars=SHORT_MAX,
        )
        unit = cols[2].text_input(_("Unit"), value=owner["unit"] if owner else "", max_chars=UNIT_MAX)
        cols = st.columns(3)
        baseline = cols[0].text_input(_("Baseline (today)"), value=f"{owner['baseline']:g}" if owner else "")
        target = cols[1].text_input(_("Target"), value=f"{owner['target']:g}" if owner else "")
        checkin = cols[2].date_input(
            _("First check-in"),
            value=date.fromisoformat(owner["checkin"])
            if owner
            else date.today() + timedelta(days=followup.NEXT_CHECKIN_DAYS),
        )
        if st.form_submit_button(_("Save"), type="primary"):
            ctx.act(
                actions.assign_owner,
                item.id,
                name,
                metric,
                baseline,
                target,
                checkin,
                unit=unit,
                success=_("Owner and metric saved for '{title}'.").format(title=item.title),
                at=f"owner-{item.id}",
                about=item.title,
            )
            ui.again()
    ui.flash(at=f"owner-{item.id}")


def observability(ctx: ui.Context) -> None:
    """The platform's observability, confirmed by the facilitator for the checklist."""
    st.divider()
    st.header(_("Platform observability"))
    confirmed = bool(ctx.snapshot.workshop["observability_confirmed"])
    if ctx.facilitator:
        value = st.checkbox(_("The team confirms logging, tracing and metrics are in place"), value=confirmed)
        if value != confirmed:
            ctx.act(actions.confirm_observability, value)
            st.rerun()
    else:
        st.write(
            _("Confirmed: logging, tracing and metrics are in place.")
            if confirmed
            else _("Not confirmed yet: the facilitator records it, or an owned initiative addresses observability.")
        )


def console(ctx: ui.Context) -> None:
    """Each decided initiative gets an owner; then observability and the way to the owner links."""
    if not ctx.snapshot.decided:
        st.info(_("No initiative has a build/buy/partner decision yet: decide in step 4 first."))
    if ctx.snapshot.anonymous and ctx.facilitator:
        st.caption(
            _(
                "Anonymous workshop: volunteers are shown by their number. The owner you type is shown on the "
                "projector and in the exports, so type a name only with that person's agreement."
            )
        )
    for item in ctx.snapshot.decided:
        initiative(ctx, item.id)
    observability(ctx)
    st.caption(
        _(
            "Each owner can get a personal link to their own initiatives, check-ins and check-in dates: "
            "issue them under Owner links on the Ship It summary."
        )
    )
    st.page_link(
        ui.HERE / "summary.py",
        label=_("See the Ship It summary"),
        icon=":material/rocket_launch:",
        query_params=ctx.params(),
    )


console(ui.open_step(__file__))
