"""Portfolio: every workshop in this database and every owned initiative, with its progress."""

from collections import Counter
from datetime import date, datetime

import pandas as pd
import streamlit as st

from views import ui
from workshop import charts, followup, reports
from workshop.errors import WorkshopError
from workshop.readiness import TITLE

db = ui.connect()
today = date.today()
st.title("Portfolio")
st.caption("Every workshop in this database and every initiative that left the room with an owner.")

try:
    tracks, workshops = followup.read_portfolio(db, st.session_state.get("portfolio_key"))
except WorkshopError as exc:
    if "portfolio_key" in st.session_state:
        st.error(ui.safe(str(exc)))
    st.caption(
        "The portfolio lists every workshop on this server, so it needs the portfolio key: the one "
        "set as WORKSHOP_PORTFOLIO_KEY, or the one printed when the server first started "
        "(`python -m workshop portfolio-key` issues a new one)."
    )
    with st.form("portfolio-key"):
        given = st.text_input("Portfolio key", type="password")
        if st.form_submit_button("Open the portfolio"):
            st.session_state["portfolio_key"] = given
            st.rerun()
    st.stop()

if not workshops:
    st.info("No workshops yet: create one or open the sample from the start page.")
    st.stop()

held = [date.fromtimestamp(w["created_at"]) for w in workshops]
cols = st.columns([2, 2, 2, 1])
organisations = cols[0].multiselect("Organisation", sorted({w["organisation"] for w in workshops}))
span = cols[1].date_input("Workshops held between", value=(min(held), max(held)), format="YYYY-MM-DD")
statuses = cols[2].multiselect(
    "Status", [*followup.STATUSES, "none"], format_func=lambda k: followup.STATUSES.get(k, followup.NOT_CHECKED)
)
overdue_only = cols[3].toggle("Overdue only")
start, end = (span[0], span[1]) if isinstance(span, tuple) and len(span) == 2 else (None, None)
shown = followup.select(tracks, organisations, start, end, statuses, today=today, overdue_only=overdue_only)
kept = followup.select_workshops(workshops, organisations, start, end)

figures = followup.counts(shown, today)
cols = st.columns(6)
cols[0].metric("Workshops", len(kept))
cols[1].metric("Owned initiatives", figures["tracked"])
cols[2].metric("On track", figures["on_track"])
cols[3].metric("At risk", figures["at_risk"])
cols[4].metric("Off track", figures["off_track"])
cols[5].metric("Overdue check-ins", figures["overdue"])

st.subheader("Owned initiatives")
if not shown:
    st.caption("No owned initiative matches these filters.")
else:
    overdue = [t for t in shown if t.overdue(today)]
    if overdue:
        st.warning(
            ui.safe(
                f"{len(overdue)} overdue check-in{'s' if len(overdue) != 1 else ''}: "
                + "; ".join(f"{t.title} ({t.owner}, due {t.next_checkin.isoformat()})" for t in overdue)
            ),
            icon=":material/schedule:",
        )
    ui.tracks_table(reports.tracks_table(shown, today, with_workshop=True))
    st.altair_chart(charts.progress_chart(shown), theme=None, width="stretch")

st.subheader("Workshops")
owned = Counter(t.code for t in tracks)
late = Counter(t.code for t in tracks if t.overdue(today))
st.dataframe(
    pd.DataFrame(
        [
            {
                "Code": w["code"],
                "Title": w["title"],
                "Organisation": w["organisation"],
                "Held": datetime.fromtimestamp(w["created_at"]).strftime("%Y-%m-%d %H:%M"),
                "Status": "ended" if w["ended_at"] else "live",
                "Participants": w["participant_count"],
                "Initiatives": w["initiative_count"],
                "Owned": owned[w["code"]],
                "Overdue": late[w["code"]],
            }
            for w in kept
        ]
    ),
    hide_index=True,
    width="stretch",
)


st.subheader(f"Readiness across workshops — {TITLE}")
kept_codes = {w["code"] for w in kept}
checks = [h for h in followup.read_readiness(db, st.session_state.get("portfolio_key")) if h.code in kept_codes]
if not checks:
    st.caption("No workshop matching these filters has answers to the readiness check.")
for organisation in sorted({h.organisation for h in checks}):
    held = [h for h in checks if h.organisation == organisation]
    st.write(f"**{ui.safe(organisation)}**: how the operating model's areas score from one workshop to the next")
    st.altair_chart(charts.readiness_trend(held), theme=None, width="stretch")
    st.dataframe(reports.readiness_trend_table(held), hide_index=True, width="stretch")
