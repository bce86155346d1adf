"""Ship It: the checklist from the recorded data, the plan, and every download.

The page lays out `workshop.reports.summary`'s model, the same one the Markdown and the PDF write,
so all three show the same rows and numbers. Everything on it, downloads included, is built from
the viewer's view of the workshop (`workshop.domain.audience`), so a participant's summary holds the
room's results and their own rows, never another person's. Participant text is only ever passed
through `ui.safe` where an element renders Markdown; tables are dataframes, which show it literally.
"""

import time
from functools import partial

import pandas as pd
import streamlit as st

from views import readiness
from views.kit import ui
from views.kit.checkin import CheckIn, checkin_form
from workshop import actions
from workshop.domain import audience, followup, numbers
from workshop.domain.language import N_, _, ngettext
from workshop.domain.readiness import TITLE
from workshop.domain.snapshot import Snapshot
from workshop.reports import calendar, sheets
from workshop.reports import downloads as files
from workshop.reports.summary import Figure, Summary, summary

NEEDS_LINK = N_("This summary opens on the device you joined with; otherwise ask the facilitator for the leader link.")
CONFIRM_OWNER = "_confirm_owner_link"  # (what, owner) the facilitator is asked to confirm
ISSUED_OWNER = "_issued_owner_link"  # the link just issued: shown on the next run only
REISSUE, REVOKE = "reissue", "revoke"  # the two changes that ask first


def chart(figure: Figure | None) -> None:
    if figure is not None:
        st.altair_chart(figure.build(), theme=None, width="stretch")


def table(rows: list[dict[str, object]]) -> None:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def heading(ctx: ui.Context, s: Summary) -> None:
    h = s.head
    st.title(ui.safe(_("Ship It — {title}").format(title=h.title)))
    st.caption(
        ui.safe(f"{h.organisation} · {_(h.stage)} · " + _("code {code}").format(code=h.code) + f" · {_(h.status)}")
    )
    if ctx.leader:
        st.info(
            _(
                "Leader view: the summary, its downloads and the follow-through. Nothing the workshop decided "
                "can be changed from here; owners can add check-ins below."
            ),
            icon=":material/visibility:",
        )
    ui.flash()


def checklist(s: Summary) -> None:
    st.header(_("Checklist — {done} of {total} done").format(done=s.done, total=len(s.checklist)))
    for item in s.checklist:
        said = _("Done: {item} — {reason}") if item.done else _("Open: {item} — {reason}")
        (st.success if item.done else st.error)(ui.safe(said.format(item=_(item.title), reason=_(item.reason))))


def downloads(ctx: ui.Context, who: audience.Audience, now: float) -> None:
    """The downloads this viewer is offered, each built from their view (`workshop.reports.downloads`).
    Files are built only when a button is clicked (on Streamlit's download thread), from the
    snapshot already loaded: no database connection crosses threads."""
    snapshot = ctx.snapshot
    base = ui.site_url()  # the calendar's owner-page links; read here, not on the download thread
    st.header(_("Downloads"))
    offered = audience.downloads(who)
    for column, fmt in zip(st.columns(len(offered)), offered):
        column.download_button(
            _(files.FILES[fmt].label),
            partial(files.build, snapshot, who, fmt, now, base),
            file_name=files.file_name(fmt, snapshot.code),
            mime=files.FILES[fmt].mime,
            width="stretch",
            on_click="ignore",
        )


def plan(s: Summary) -> None:
    st.header(_("Ranked plan"))
    st.caption(_(s.formula))
    if not s.plan:
        st.caption(_("No initiatives yet."))
        return
    ui.table(
        sheets.plan_screen(s),
        width="stretch",
        column_config={  # what was decided and who owns it fit at 1440 px; the reasons scroll after them
            sheets.SEQUENCE: st.column_config.TextColumn(width=45),
            "Rank": st.column_config.NumberColumn(width=45),
            "Initiative": st.column_config.TextColumn(width="medium"),
            s.method: st.column_config.TextColumn(width=55),
            "Urgency": st.column_config.TextColumn(width=65),
            "Decision": st.column_config.TextColumn(width=75),
            "Owner": st.column_config.TextColumn(width="medium"),
        },
    )
    chart(s.figures.get("plan"))


def follow_through(ctx: ui.Context, shown: Snapshot, s: Summary) -> None:
    st.header(_("Follow-through"))
    if not s.tracks:
        st.caption(_("Nothing to follow up yet: owners are assigned in step 5."))
        return
    figures = s.follow_counts
    for column, (label, key) in zip(
        st.columns(5),
        [
            (N_("Owned initiatives"), "tracked"),
            (N_("On track"), "on_track"),
            (N_("At risk"), "at_risk"),
            (N_("Off track"), "off_track"),
            (N_("Overdue check-ins"), "overdue"),
        ],
    ):
        column.metric(_(label), figures[key])
    for f in s.follow:
        if f.overdue_text:
            st.warning(
                ui.safe(
                    _("Overdue: {title} ({owner}) was due for a check-in on {date}, {overdue} ago.").format(
                        title=f.title, owner=f.owner, date=f.next_checkin, overdue=f.overdue_text
                    )
                ),
                icon=":material/schedule:",
            )
    ui.tracks_table(sheets.tracks_table(s.tracks, s.today))
    for f in s.follow:
        if f.history:  # carried over from an earlier workshop, or concluded by a later one
            said = " · ".join(x for x in (f.chain, f.concluded) if x)
            st.caption(ui.safe(f"{f.title}: {said}" + (f" — {f.reason}" if f.reason else "")))
    if shown.checkins:
        chart(s.figures.get("followup"))
        with st.expander(
            ngettext("All {n} check-in", "All {n} check-ins", len(shown.checkins)).format(n=len(shown.checkins))
        ):
            ui.table(sheets.checkins_table(shown), width="stretch")
    if ctx.follower:
        checkin(ctx, s)
    if ctx.facilitator and ctx.snapshot.checkins:
        remove_checkin(ctx, s)


def checkin(ctx: ui.Context, s: Summary) -> None:
    """Owners (leader link or facilitator) record where their metric stands."""

    def submit(entry: CheckIn) -> bool:
        done = ctx.act(
            actions.record_checkin, entry.track.initiative_id, entry.value, entry.status, entry.note,
            checked_on=entry.measured, next_checkin=entry.upcoming, recorded_by=entry.recorded_by,
            success=_("Check-in recorded."), here=True,
        )  # fmt: skip
        return done is not None

    checkin_form("summary", s.tracks, s.today, submit, ask_who=True)


def remove_checkin(ctx: ui.Context, s: Summary) -> None:
    checkins = ctx.snapshot.checkins
    with st.expander(_("Remove a check-in recorded by mistake")):
        titles = {t.initiative_id: t.title for t in s.tracks}
        chosen = st.selectbox(
            _("Check-in"),
            [c["id"] for c in checkins],
            placeholder=_("Choose an option"),
            index=None,
            format_func=lambda i: next(
                f"{c['checked_on']} · {titles.get(c['initiative_id'], '')} · {c['value']:g}"
                for c in checkins
                if c["id"] == i
            ),
        )
        if st.button(_("Remove check-in"), disabled=chosen is None):
            ctx.act(actions.delete_checkin, chosen, success=_("Check-in removed."))
            st.rerun()


def leader_link(ctx: ui.Context) -> None:
    """The facilitator creates, reissues or revokes the link leaders open the summary with."""
    active = ctx.snapshot.leader_link_active
    st.header(_("Share with leaders"))
    st.caption(
        _(
            "A leader link opens this summary, its downloads and the follow-through, and lets owners add "
            "check-ins. It changes nothing the workshop decided and works after the workshop has ended."
        )
    )
    issued = st.session_state.get("leader_link")
    if issued and issued["code"] == ctx.code and active:
        url = f"{ui.site_url()}/ship-it?ws={ctx.code}&l={issued['token']}"
        st.write(_("Copy the link now: only its fingerprint is stored, so it cannot be shown again."))
        st.code(url, language=None)
    elif active:
        st.write(_("A leader link is active. Reissue it to get a new link (the old one stops working)."))
    cols = st.columns(2)
    if cols[0].button(_("Reissue the leader link") if active else _("Create a leader link")):
        token = ctx.act(actions.issue_leader_link, success=_("Leader link ready."))
        if token:
            st.session_state["leader_link"] = {"code": ctx.code, "token": token}
        st.rerun()
    if cols[1].button(_("Revoke the leader link"), disabled=not active):
        ctx.act(actions.revoke_leader_link, success=_("Leader link revoked."))
        st.session_state.pop("leader_link", None)
        st.rerun()


def owner_links(ctx: ui.Context, s: Summary) -> None:
    """The facilitator hands each owner a personal link: their own initiatives and check-ins."""
    st.header(_("Owner links"))
    st.caption(
        _(
            "An owner link opens one owner's own initiatives: progress, check-in history, a check-in form and "
            "their check-in dates for a calendar. Nothing else of the workshop. Only its fingerprint is stored: "
            "reissue it when it is lost (the old link then stops working)."
        )
    )
    owners = list(dict.fromkeys(t.owner for t in s.tracks))
    if not owners:
        st.caption(_("No owners yet: they are assigned in step 5."))
        return
    issued = st.session_state.pop(ISSUED_OWNER, None)
    since = {row["owner"]: row["issued_at"] for row in ctx.snapshot.owner_links}
    for n, owner in enumerate(owners):
        owner_row(ctx, n, owner, since.get(owner))
        if issued and issued["code"] == ctx.code and issued["owner"] == owner and owner in since:
            st.write(_("Copy the link now and send it to them: it cannot be shown again."))
            st.code(calendar.owner_page_url(ui.site_url(), ctx.code, issued["token"]), language=None, wrap_lines=True)


def owner_row(ctx: ui.Context, n: int, owner: str, issued_at: float | None) -> None:
    """One owner: whether a link is out, and Issue / Reissue / Revoke (the last two ask first)."""
    asked = st.session_state.get(CONFIRM_OWNER)
    if asked and asked[1] == owner:
        verb = asked[0]
        ask = _("Reissue the link of {owner}?") if verb == REISSUE else _("Revoke the link of {owner}?")
        st.warning(ui.safe(ask.format(owner=owner) + " " + _("The link they have now stops working.")))
        cols = st.columns(2)
        yes = _("Yes, reissue") if verb == REISSUE else _("Yes, revoke")
        if cols[0].button(yes, key=f"owner-yes-{n}", type="primary"):
            st.session_state.pop(CONFIRM_OWNER, None)
            (issue_owner_link if verb == REISSUE else revoke_owner_link)(ctx, owner)
        if cols[1].button(_("Cancel"), key=f"owner-cancel-{n}"):
            st.session_state.pop(CONFIRM_OWNER, None)
            st.rerun()
        return
    row = st.columns([3, 1, 1], vertical_alignment="center")
    issued = _("link issued on {date}").format(date=numbers.day(followup.day_of(issued_at))) if issued_at else None
    row[0].text(f"{owner} — {issued or _('no link')}")
    if issued_at is None:
        if row[1].button(_("Issue link"), key=f"owner-issue-{n}", width="stretch"):
            issue_owner_link(ctx, owner)
    elif row[1].button(_("Reissue link"), key=f"owner-reissue-{n}", width="stretch"):
        st.session_state[CONFIRM_OWNER] = (REISSUE, owner)
        st.rerun()
    if row[2].button(_("Revoke link"), key=f"owner-revoke-{n}", width="stretch", disabled=issued_at is None):
        st.session_state[CONFIRM_OWNER] = (REVOKE, owner)
        st.rerun()


def issue_owner_link(ctx: ui.Context, owner: str) -> None:
    token = ctx.act(actions.issue_owner_link, owner, success=_("Owner link ready for {owner}.").format(owner=owner))
    if token:
        st.session_state[ISSUED_OWNER] = {"code": ctx.code, "owner": owner, "token": token}
    st.rerun()


def revoke_owner_link(ctx: ui.Context, owner: str) -> None:
    ctx.act(actions.revoke_owner_link, owner, success=_("Owner link of {owner} revoked.").format(owner=owner))
    st.rerun()


def bottlenecks(s: Summary) -> None:
    st.header(_("Top bottlenecks per dimension"))
    for column, board in zip(st.columns(len(s.boards)), s.boards):
        with column:
            st.write(f"**{_(board.title)}**")
            if board.notes:
                st.dataframe(  # the count first: a long note never pushes it out of view
                    pd.DataFrame(
                        {_("Votes"): [n.votes for n in board.notes], _("Bottleneck"): [n.text for n in board.notes]}
                    ),
                    hide_index=True,
                    width="stretch",
                    column_config={_("Votes"): st.column_config.NumberColumn(width=60)},
                )
            else:
                st.caption(_("None recorded."))


def impacts(s: Summary) -> None:
    st.header(_("Impact map"))
    if not s.impacts:
        st.caption(_("No impacts recorded."))
        return
    chart(s.figures.get("impacts"))
    ui.table(sheets.impacts_screen(s.impacts), width="stretch")


def time_per_step(s: Summary) -> None:
    st.header(_("Time per step"))
    chart(s.figures.get("steps"))
    table(
        [
            {_("Step"): f"{r.number}. {_(r.title)}", _("Planned (min)"): r.planned_min, _("Spent (min)"): r.spent_min}
            for r in s.steps
        ]
    )


def page() -> None:
    ctx = ui.context()
    assert ctx is not None
    who = ui.audience(ctx)
    if not audience.opens_summary(who):  # the join code alone: not even the workshop's title
        st.info(_(NEEDS_LINK))
        st.stop()
    now = time.time()
    shown = audience.view(ctx.snapshot, who)
    s = summary(shown, now)
    ui.sidebar(ctx)
    heading(ctx, s)
    checklist(s)
    downloads(ctx, who, now)
    plan(s)
    follow_through(ctx, shown, s)
    if ctx.facilitator:
        leader_link(ctx)
        owner_links(ctx, s)
    if s.readiness is not None:
        st.header(_(TITLE))
        readiness.results(shown)
    bottlenecks(s)
    impacts(s)
    time_per_step(s)


page()
