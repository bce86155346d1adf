"""An owner's own page (`/owner?ws=CODE&o=TOKEN`): their initiatives, progress and check-ins.

Owners open it from a personal link, mostly on a phone, for months after the workshop. It
shows that owner's initiatives and nothing else of the workshop, and records check-ins with
the link itself (the domain scopes it to their initiatives); a reissued or revoked link opens
nothing. Like the participant's screen it has no sidebar: it leads nowhere else. User text is
escaped wherever an element renders Markdown (titles, labels, table cells).
"""

from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from views.kit import ui
from views.kit.checkin import CheckIn, checkin_form
from workshop import actions, store
from workshop.domain import followup, numbers
from workshop.domain.errors import WorkshopError
from workshop.domain.followup import STATUS_COLOURS, STATUSES, Track
from workshop.domain.language import N_, _
from workshop.domain.vocabulary import normalise_code
from workshop.live import web
from workshop.reports import calendar, charts
from workshop.reports import downloads as files
from workshop.store import Database

# A readable width on a laptop; the history's dates and statuses never wrap; an initiative's heading
# (level 2, under the page's title) no larger than on the other pages' sections (fixed CSS only).
PHONE_CSS = (
    ".block-container{max-width:48rem}[data-testid=stMain] h2{font-size:1.6rem}"
    "[data-testid='stTable'] :is(td:first-child,td:nth-child(3)) p{white-space:nowrap}"
)
NO_LINK = N_("This page opens with an owner's personal link: ask the facilitator for yours.")
DONE = "_owner_checkin_done"  # the initiative whose check-in was just recorded (shown once)
OWNER_LINKS = "_owner_links"  # this session's owner link per workshop code


def open_link() -> tuple[Database, actions.OwnerPage, str]:
    """The owner behind this link; anything else stops the page with one line.

    The server moves a valid link's token from the address into a cookie before the page loads
    (`workshop/live/web.py`); a token still in the address is read once, kept for this session and
    removed from it, so the address bar never shows it.
    """
    code = normalise_code(st.query_params.get("ws", ""))
    links: dict[str, str] = st.session_state.setdefault(OWNER_LINKS, {})
    token = st.query_params.get("o") or links.get(code) or ui.cookies().get(web.cookie_name(code, actions.OWNER))
    if "o" in st.query_params:
        del st.query_params["o"]
    if not code or not token:
        st.error(_(NO_LINK))
        st.stop()
    links[code] = token
    db = ui.connect()
    try:
        page = actions.owner_page(db, code, token)
        workshop = store.workshop_by_code(db, code)
        ui.speak(str(workshop["language"]) if workshop else None)  # the owner's page speaks the room's language
        ui.remember(code, ((actions.OWNER, token),))
        return db, page, token
    except WorkshopError as exc:
        st.error(ui.safe(exc.text()))
        st.stop()
        raise  # st.stop() ends the run; this only tells type checkers so


def heading(page: actions.OwnerPage, token: str) -> None:
    """Whose page this is, and their check-in dates for their own calendar."""
    st.title(_("Your check-ins"))
    st.caption(ui.safe(f"{page.owner} · {page.workshop_title} ({page.code}) · {page.organisation}"))
    st.caption(
        _(
            "This link is yours: it records check-ins in your name, so keep it to yourself. This browser "
            "remembers it for a month; keep the message it came in, or add your check-in dates to your "
            "calendar: each event links back here."
        )
    )
    base = ui.site_url()  # read here: the file is built later, on Streamlit's download thread
    st.download_button(
        _("Add to my calendar"),
        lambda: calendar.to_ics(
            page.tracks, page_url=base, token=token, name=_("My check-ins: {title}").format(title=page.workshop_title)
        ),
        file_name=files.file_name("ics", page.code),
        mime=files.FILES["ics"].mime,
        icon=":material/calendar_add_on:",
        on_click="ignore",
        width="stretch",
    )


def facts(item: Track, today: date) -> None:
    """Metric, baseline → target, latest value, status and the next check-in, as short lines."""
    unit = item.unit
    value = numbers.measure(item.value, unit)
    latest = (
        _("{value} on {date}").format(value=value, date=numbers.day(date.fromisoformat(item.latest["checked_on"])))
        if item.latest
        else _("{value} (the baseline: nothing recorded yet)").format(value=value)
    )
    lines = [
        (_("Metric"), f"{item.metric} ({unit})" if unit else item.metric),
        (_("Baseline → target"), f"{numbers.measure(item.baseline, unit)} → {numbers.measure(item.target, unit)}"),
        (_("Latest"), latest),
        (_("Status"), _(item.status_title)),
        (_("Next check-in"), followup.due_words(item, today)),
    ]
    st.markdown("  \n".join(f"**{label}:** {ui.safe(text)}" for label, text in lines))
    progress = _("Progress: {share} of the way to target").format(share=numbers.share(item.progress))
    st.progress(min(max(item.progress, 0.0), 1.0), text=progress)
    if item.overdue(today):
        st.warning(_("This check-in is overdue: record where the metric stands now."), icon=":material/schedule:")


def small_chart(item: Track) -> None:
    """The metric's way from baseline (0 %) to target (100 %), sized for a phone."""
    frame = charts.progress_frame([item])
    if len(frame) < 2:
        st.caption(_("The chart starts with your first check-in."))
        return
    low, high = min(0.0, float(frame["progress"].min())), max(100.0, float(frame["progress"].max()))
    x = alt.X(
        "date:T", title=None, scale=alt.Scale(padding=10), axis=alt.Axis(format="%d %b", labelAngle=0, tickCount=3)
    )
    y = alt.Y("progress:Q", title=_("Progress (%)"), scale=alt.Scale(domain=[low, high], nice=True))
    statuses = charts.progress_statuses()  # as the frame names them, in the current language
    colour = alt.Color(
        "status:N",
        title=None,
        scale=alt.Scale(domain=statuses, range=["#9e9e9e", *(STATUS_COLOURS[k] for k in STATUSES)]),
        legend=alt.Legend(orient="bottom", columns=2),
    )
    tips = [
        alt.Tooltip("date:T", title=_("Date"), format="%Y-%m-%d"),
        alt.Tooltip("value_text:N", title=_("Value")),
        alt.Tooltip("progress_text:N", title=_("Progress")),
        alt.Tooltip("status:N", title=_("Status")),
    ]
    target = pd.DataFrame({"progress": [100.0]})
    chart = alt.layer(
        alt.Chart(target).mark_rule(strokeDash=[4, 3], color="#333333").encode(y="progress:Q"),
        alt.Chart(frame).mark_line(color="#5b6b80", strokeWidth=2).encode(x=x, y=y, order="date:T"),
        alt.Chart(frame).mark_circle(size=90, opacity=1).encode(x=x, y=y, color=colour, tooltip=tips),
    ).properties(height=200)
    st.caption(_("Progress over time: 0 % is the baseline, 100 % the target (dashed line)."))
    st.altair_chart(charts.in_language(chart), theme=None, width="stretch")


def history(item: Track) -> None:
    """Every check-in, newest first; cells escaped because `st.table` renders Markdown."""
    if not item.checkins:
        st.caption(_("No check-ins recorded yet."))
        return
    value = ui.safe(_("Value ({unit})").format(unit=item.unit)) if item.unit else _("Value")  # the unit once
    rows: list[dict[str, Any]] = [
        {
            _("Date"): ui.safe(numbers.day(date.fromisoformat(c["checked_on"]))),  # "25. Nov." is no list
            value: numbers.measure(c["value"]),
            _("Status"): _(STATUSES[str(c.get("status"))]),
            _("Note"): ui.safe(c["note"] or ""),
        }
        for c in reversed(item.checkins)
    ]
    st.write("**" + _("Check-in history") + "**")
    st.table(pd.DataFrame(rows), hide_index=True, border="horizontal")


def checkin(db: Database, code: str, token: str, item: Track, today: date) -> None:
    """Record where the metric stands, through this owner's link (the domain checks the scope);
    a refusal shows beside the form, a check-in is thanked for once above it."""
    ident = item.initiative_id
    if st.session_state.get(DONE) == ident:
        del st.session_state[DONE]
        st.success(_("Check-in recorded. Thank you!"))

    def submit(entry: CheckIn) -> bool:
        done = ui.act(
            actions.record_checkin, db, code, token, ident, entry.value, entry.status, entry.note,
            checked_on=entry.measured, next_checkin=entry.upcoming, here=True,
        )  # fmt: skip
        if done is not None:
            st.session_state[DONE] = ident
        return done is not None

    checkin_form(str(ident), [item], today, submit)


def page() -> None:
    ui.phone_page(PHONE_CSS)
    db, owned, token = open_link()
    today = date.today()
    heading(owned, token)
    if not owned.tracks:
        st.info(_("You own no initiative in this workshop any more: ask the facilitator."))
        return
    for item in owned.tracks:
        with st.container(border=True):
            st.header(ui.safe(item.title))
            facts(item, today)
            small_chart(item)
            history(item)
            checkin(db, owned.code, token, item, today)


page()
