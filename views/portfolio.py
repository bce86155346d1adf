"""Portfolio: every workshop in this database and every owned initiative, with its progress."""

from collections import Counter
from datetime import date

import pandas as pd
import streamlit as st

from views.kit import ui
from workshop import actions
from workshop.actions import portfolio
from workshop.domain import followup, numbers
from workshop.domain.errors import WorkshopError
from workshop.domain.followup import Row, Track
from workshop.domain.language import _, ngettext
from workshop.domain.readiness import TITLE
from workshop.domain.vocabulary import status_word
from workshop.reports import calendar, charts, sheets
from workshop.store import Database


def due_view(db: Database, tracks: list[Track], today: date) -> None:
    """Who owes a check-in this week, per owner, and a reminder to paste into a message to each.

    Owner links are stored hashed, so a reminder carries a new link: preparing them reissues
    the links of the owners shown (the portfolio key authorises it, in the domain).
    """
    st.header(_("Due this week / overdue ({days} days)").format(days=followup.DUE_DAYS))
    groups = followup.by_owner(followup.due_soon(tracks, today))
    if not groups:
        st.caption(_("No check-in is overdue or due in the next {days} days.").format(days=followup.DUE_DAYS))
        return
    for (code, owner), items in groups.items():
        lines = [f"- {ui.safe(f'{t.title} ({t.metric}): {followup.due_text(t, today)}')}" for t in items]
        where = _("workshop {code}").format(code=code)
        st.markdown("\n".join([f"**{ui.safe(owner)}** · {where}", "", *lines]))
    st.caption(
        ngettext(
            "Prepare reminders reissues the owner link of this {n} owner: the link they have now stops working. "
            "The reminder below carries the new link (shown once: copy it before leaving this page).",
            "Prepare reminders reissues the owner links of these {n} owners: the links they have now stop working. "
            "Each reminder below carries the new link (shown once: copy them before leaving this page).",
            len(groups),
        ).format(n=len(groups))
    )
    if st.button(_("Prepare reminders"), icon=":material/send:", help=_("Reissues these owners' links")):
        key = st.session_state.get("portfolio_key")
        tokens = ui.act(actions.issue_owner_links_for_reminders, db, key, list(groups), here=True) or {}
        base = ui.site_url()
        for (code, owner), token in tokens.items():
            url = calendar.owner_page_url(base, code, token)
            st.code(followup.reminder(owner, groups[(code, owner)], today, url), language=None, wrap_lines=True)


def key_form(db: Database) -> tuple[list[Track], list[Row]]:
    """Every owned initiative and every workshop, once the portfolio key is given; else ask for it."""
    try:
        return portfolio.read_portfolio(db, st.session_state.get("portfolio_key"))
    except WorkshopError as exc:
        if "portfolio_key" in st.session_state:
            st.error(ui.safe(exc.text()))
        st.caption(
            _(
                "The portfolio lists every workshop on this server, so it needs the portfolio key: the one "
                "set as WORKSHOP_PORTFOLIO_KEY, or the one printed when the server first started "
                "(`python -m workshop portfolio-key` issues a new one)."
            )
        )
        with st.form("portfolio-key"):
            given = st.text_input(_("Portfolio key"), type="password")
            if st.form_submit_button(_("Open the portfolio")):
                st.session_state["portfolio_key"] = given
                st.rerun()
        st.stop()


def filtered(tracks: list[Track], workshops: list[Row], today: date) -> tuple[list[Track], list[Row]]:
    """The filters above everything: organisation, when held, status, overdue only."""
    held = [followup.day_of(w["created_at"]) for w in workshops]
    cols = st.columns([2, 2, 2, 1])
    organisations = cols[0].multiselect(
        _("Organisation"), sorted({w["organisation"] for w in workshops}), placeholder=_("Choose options")
    )
    span = cols[1].date_input(_("Workshops held between"), value=(min(held), max(held)), format="YYYY-MM-DD")
    statuses = cols[2].multiselect(
        _("Status"),
        [*followup.STATUSES, "none"],
        placeholder=_("Choose options"),
        format_func=lambda k: _(followup.STATUSES.get(k, followup.NOT_CHECKED)),
    )
    overdue_only = cols[3].toggle(_("Overdue only"))
    start, end = (span[0], span[1]) if isinstance(span, tuple) and len(span) == 2 else (None, None)
    shown = followup.select(tracks, organisations, start, end, statuses, today=today, overdue_only=overdue_only)
    return shown, followup.select_workshops(workshops, organisations, start, end)


def tiles(shown: list[Track], kept: list[Row], today: date) -> None:
    """The counts at a glance."""
    figures = followup.counts(shown, today)
    cols = st.columns(6)
    cols[0].metric(_("Workshops"), len(kept))
    cols[1].metric(_("Owned initiatives"), figures["tracked"])
    cols[2].metric(_("On track"), figures["on_track"])
    cols[3].metric(_("At risk"), figures["at_risk"])
    cols[4].metric(_("Off track"), figures["off_track"])
    cols[5].metric(_("Overdue check-ins"), figures["overdue"])


def owned_initiatives(shown: list[Track], today: date) -> None:
    """The initiatives that pass the filters: what is overdue, the table and the chart."""
    st.header(_("Owned initiatives"))
    if not shown:
        st.caption(_("No owned initiative matches these filters."))
    else:
        overdue = [t for t in shown if t.overdue(today)]
        if overdue:
            st.warning(
                ui.safe(
                    ngettext("{n} overdue check-in: {items}", "{n} overdue check-ins: {items}", len(overdue)).format(
                        n=len(overdue),
                        items="; ".join(
                            _("{title} ({owner}, due {date})").format(
                                title=t.title, owner=t.owner, date=numbers.day(t.next_checkin)
                            )
                            for t in overdue
                        ),
                    )
                ),
                icon=":material/schedule:",
            )
        ui.tracks_table(sheets.tracks_table(shown, today, with_workshop=True))
        st.altair_chart(charts.progress_chart(shown), theme=None, width="stretch")


def workshops_table(tracks: list[Track], kept: list[Row], today: date) -> None:
    """One row per workshop that passes the filters, with its owned and overdue initiatives, when
    its participants' names give way to numbers (`WORKSHOP_RETAIN_NAMES_DAYS`) and when it is
    deleted (`WORKSHOP_DELETE_AFTER_DAYS`)."""
    st.header(_("Workshops"))
    owned = Counter(t.code for t in tracks)
    late = Counter(t.code for t in tracks if t.overdue(today))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    _("Code"): w["code"],
                    _("Title"): w["title"],
                    _("Organisation"): w["organisation"],
                    _("Held"): numbers.when(w["created_at"]),
                    _("Status"): _(status_word(w.get("ended_at"))),
                    _("Names numbered"): actions.names_note(w["ended_at"]),
                    _("Deleted"): actions.deletion_note(w["ended_at"]),
                    _("Participants"): w["participant_count"],
                    _("Initiatives"): w["initiative_count"],
                    _("Owned"): owned[w["code"]],
                    _("Overdue"): late[w["code"]],
                }
                for w in kept
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def deleted_workshops(db: Database) -> None:
    """The server's record of deleted workshops: their own data and trail went with them, so this
    is what says that they existed, when and why they went, and by which role (no personal data)."""
    st.header(_("Deleted workshops"))
    records = actions.deletions(db, st.session_state.get("portfolio_key"))
    if not records:
        st.caption(_("No workshop has been deleted on this server."))
        return
    rows = [
        {
            _("Code"): r.code,
            _("Ended"): numbers.when(r.ended_at),
            _("Deleted"): numbers.when(r.deleted_at),
            _("Why"): r.why(),
            _("By"): r.deleted_by,
        }
        for r in records
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def readiness_trends(db: Database, kept: list[Row]) -> None:
    """How each organisation's readiness check moved from one workshop to the next."""
    st.header(_("Readiness across workshops — {title}").format(title=_(TITLE)))
    kept_codes = {w["code"] for w in kept}
    checks = [h for h in portfolio.read_readiness(db, st.session_state.get("portfolio_key")) if h.code in kept_codes]
    if not checks:
        st.caption(_("No workshop matching these filters has answers to the readiness check."))
    for organisation in sorted({h.organisation for h in checks}):
        its = [h for h in checks if h.organisation == organisation]
        said = _("how the operating model's areas score from one workshop to the next")
        st.write(f"**{ui.safe(organisation)}**: {said}")
        st.altair_chart(charts.readiness_trend(its), theme=None, width="stretch")
        ui.table(sheets.readiness_trend_table(its), width="stretch")


def overview() -> None:
    """The portfolio behind its key: filters, counts, what is due, initiatives, workshops, readiness."""
    ui.speak(ui.browser_language())  # many workshops, many languages: this browser's, when it is one of ours
    db = ui.connect()
    today = date.today()
    st.title(_("Portfolio"))
    st.caption(_("Every workshop in this database and every initiative that left the room with an owner."))
    tracks, workshops = key_form(db)
    if not workshops:
        st.info(_("No workshops yet: create one or open the sample from the start page."))
        deleted_workshops(db)
        return
    shown, kept = filtered(tracks, workshops, today)
    tiles(shown, kept, today)
    due_view(db, shown, today)
    owned_initiatives(shown, today)
    workshops_table(tracks, kept, today)
    readiness_trends(db, kept)
    deleted_workshops(db)


overview()
