"""The audit trail on the facilitator's console: who changed what, when, through which device or
link, with the values before and after; the participants' writes counted per step; the CSV.

Only the facilitator sees it (`audience.sees_trail`); the tables come from `workshop.reports.trail`
and are data frames, so every entry's text is shown literally, never as Markdown.
"""

from __future__ import annotations

import time
from functools import partial

import streamlit as st

from views.kit import ui
from workshop.domain import audience
from workshop.domain.audit import Trail
from workshop.domain.language import N_, _, ngettext
from workshop.reports import downloads as files
from workshop.reports import trail as report

# Fixed widths (px) for who, what and when, so the change itself gets the rest at 1440 wide.
WIDTHS = {
    "When": st.column_config.TextColumn(width=165),
    "Device or link": st.column_config.TextColumn(width=150),
    "Action": st.column_config.TextColumn(width=135),
    "Step": st.column_config.TextColumn(width=45),
    "Subject": st.column_config.TextColumn(width=190),
}
FACILITATOR_ONLY = N_("The audit trail is the facilitator's: sign in with the facilitator key on the start page.")


def filters(trail: Trail) -> report.Filter:
    """Narrow the entries by role, action and step (each offers what the trail holds)."""
    roles, names, steps = report.options(trail)
    role, action, step = st.columns(3)
    return report.Filter(
        role=role.selectbox(_("Role"), roles, index=None, placeholder=_("Every role")),
        action=action.selectbox(
            _("Action"), names, index=None, format_func=report.action_title, placeholder=_("Every action")
        ),
        step=step.selectbox(_("Step"), steps, index=None, format_func=report.step_title, placeholder=_("Every step")),
    )


def entries(trail: Trail, chosen: report.Filter) -> None:
    """The entries the filters keep, oldest first."""
    frame = report.entries_frame(trail, chosen)
    total = len(trail.entries)
    said = ngettext("{shown} of {n} entry shown, oldest first.", "{shown} of {n} entries shown, oldest first.", total)
    st.caption(said.format(shown=len(frame), n=total))
    st.dataframe(frame, hide_index=True, width="stretch", column_config=WIDTHS)


def counts(trail: Trail) -> None:
    """The participants' writes, counted per step and kind instead of listed one by one."""
    st.subheader(_("Participants' writes per step"))
    if not trail.counts:
        st.caption(_("No participant has written anything yet."))
        return
    st.dataframe(report.counts_frame(trail), hide_index=True)


def download(ctx: ui.Context, who: audience.Audience) -> None:
    """The whole trail as a CSV, built only when the button is clicked."""
    file = files.FILES["audit"]
    st.download_button(
        _(file.label),
        partial(files.build, ctx.snapshot, who, "audit", time.time()),
        file_name=files.file_name("audit", ctx.code),
        mime=file.mime,
        icon=":material/download:",
    )


def page() -> None:
    ctx = ui.context()
    assert ctx is not None
    who = ui.audience(ctx)
    if not audience.sees_trail(who):
        st.info(_(FACILITATOR_ONLY))
        st.stop()
    trail = audience.view(ctx.snapshot, who).loaded_trail
    ui.facilitator_sidebar(ctx)
    st.title(_("Audit trail"))
    st.caption(
        _(
            "Every change made with the facilitator key or a device, the leader link or an owner link, "
            "with the values before and after. Nobody can edit or delete an entry."
        )
    )
    entries(trail, filters(trail))
    download(ctx, who)
    counts(trail)


page()
