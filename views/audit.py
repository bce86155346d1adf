"""The audit trail on the facilitator's console: who changed what, when, through which device or
link, with the values before and after; the participants' writes counted per step; the CSV. Beside
it, erasure on request: one participant, an owner's name, or the whole workshop, each after a
confirmation that names what will go (`workshop/domain/erasure.py`), each leaving its own entry.

Only the facilitator sees it (`audience.sees_trail`); the tables come from `workshop.reports.trail`
and are data frames, so every entry's text is shown literally, never as Markdown.
"""

from __future__ import annotations

import time
from functools import partial

import streamlit as st

from views.kit import ui
from workshop import actions
from workshop.domain import audience, erasure, numbers
from workshop.domain.audit import Trail, action_title, role_title
from workshop.domain.language import N_, _, ngettext
from workshop.domain.vocabulary import CODE_SENT_MAX
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
        role=role.selectbox(_("Role"), roles, index=None, format_func=role_title, placeholder=_("Every role")),
        action=action.selectbox(
            _("Action"), names, index=None, format_func=action_title, placeholder=_("Every action")
        ),
        step=step.selectbox(_("Step"), steps, index=None, format_func=report.step_title, placeholder=_("Every step")),
    )


def entries(trail: Trail, chosen: report.Filter) -> None:
    """The entries the filters keep, oldest first."""
    frame = report.entries_frame(trail, chosen)
    total = len(trail.entries)
    said = ngettext("{shown} of {n} entry shown, oldest first.", "{shown} of {n} entries shown, oldest first.", total)
    st.caption(said.format(shown=len(frame), n=total))
    ui.table(frame, WIDTHS, width="stretch")


def counts(trail: Trail) -> None:
    """The participants' writes, counted per step and kind instead of listed one by one."""
    st.subheader(_("Participants' writes per step"))
    if not trail.counts:
        st.caption(_("No participant has written anything yet."))
        return
    ui.table(report.counts_frame(trail))


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


def erase_participant(ctx: ui.Context) -> None:
    """One participant erased on their request, after a confirmation that names what goes and stays."""
    st.header(_("Erase a participant"))
    people = ctx.act(actions.people) or []
    if not people:
        st.caption(_("No participant has joined, or every one has been erased."))
        return
    person = st.selectbox(_("Participant"), people, format_func=lambda p: p.name, key="erase-who")
    notes = st.checkbox(_("Also delete their notes and impacts"), key="erase-notes")
    st.warning(ui.safe(erasure.confirmation(person.name, person.removal, notes)), icon=":material/warning:")
    if person.owns:
        said = ngettext(
            "The workshop names them as owner of {n} initiative: it shows “{removed}” afterwards.",
            "The workshop names them as owner of {n} initiatives: those show “{removed}” afterwards.",
            person.owns,
        )
        st.caption(said.format(n=numbers.whole(person.owns), removed=erasure.owner_shown(erasure.OWNER_REMOVED)))
    sure = st.checkbox(
        ui.safe(_("Yes, erase {name}").format(name=person.name)), key=f"erase-sure-{person.participant_id}"
    )
    if st.button(_("Erase this participant"), icon=":material/person_remove:", disabled=not sure, key="erase-go"):
        if (
            ctx.act(actions.erase_participant, person.participant_id, notes, success=_("Participant erased."))
            is not None
        ):
            st.rerun()


def remove_owner(ctx: ui.Context) -> None:
    """An owner's name removed on their request: their initiatives stay with "Owner removed"."""
    st.header(_("Remove an owner's name"))
    names = ctx.act(actions.owner_names) or []
    if not names:
        st.caption(_("No owner is named in this workshop."))
        return
    name = st.selectbox(_("Owner"), names, key="owner-who")
    found = ctx.act(actions.owner_rows, name) or {}
    line = _(
        "“{name}” becomes “{removed}” ({counted}); their owner link stops working and their name leaves "
        "the audit trail."
    ).format(name=name, removed=erasure.owner_shown(erasure.OWNER_REMOVED), counted=erasure.counted(found))
    st.warning(ui.safe(line), icon=":material/warning:")
    sure = st.checkbox(ui.safe(_("Yes, remove {name}").format(name=name)), key=f"owner-sure-{name}")
    if st.button(_("Remove this owner's name"), icon=":material/person_off:", disabled=not sure, key="owner-go"):
        if ctx.act(actions.remove_owner, name, success=_("Owner's name removed.")) is not None:
            st.rerun()


def delete_workshop(ctx: ui.Context) -> None:
    """The whole workshop deleted, after typing its join code; only the server's record stays."""
    st.header(_("Delete the whole workshop"))
    counts = ctx.act(actions.workshop_contents) or {}
    line = _(
        "Deleted for good: {counted}, and every link. The server keeps only a record that workshop {code} "
        "was deleted, when and by which device or link."
    ).format(counted=erasure.counted(counts), code=ctx.code)
    st.warning(line, icon=":material/delete_forever:")
    typed = st.text_input(_("Type the join code to confirm"), key="delete-code", max_chars=CODE_SENT_MAX)
    if st.button(_("Delete this workshop"), icon=":material/delete_forever:", key="delete-go", type="primary"):
        if ui.act(actions.delete_workshop, ctx.db, ctx.code, ctx.key, typed, here=True, success=None) is None:
            return
        st.success(_("Workshop {code} has been deleted.").format(code=ctx.code), icon=":material/check_circle:")
        st.page_link(str(ui.HERE / "home.py"), label=_("Go to the start page"), icon=":material/home:")
        st.stop()


def erase(ctx: ui.Context) -> None:
    """Erasure on request, each part confirmed on its own."""
    st.caption(
        _(
            "Remove someone's data on their request. Each erasure leaves one entry in the trail that counts "
            "what went and names nobody; the erased words leave the earlier entries too."
        )
    )
    erase_participant(ctx)
    remove_owner(ctx)
    delete_workshop(ctx)


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
    ui.flash()
    trail_tab, erase_tab = st.tabs([_("Entries"), _("Erase on request")])
    with trail_tab:
        entries(trail, filters(trail))
        download(ctx, who)
        counts(trail)
    with erase_tab:
        erase(ctx)


page()
