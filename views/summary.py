"""Ship It: the checklist from the recorded data, the plan, and every download."""

import time
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from views import ui
from workshop import actions, charts, checklist, export, followup, numbers, reports
from workshop.actions import DIRECTIONS, MAGNITUDES
from workshop.decide import CHOICE_TITLES
from workshop.scoring import method_by_key
from workshop.steps import DIMENSIONS, STEPS, outcome_by_key, stage_by_key
from workshop.timer import time_spent

ctx = ui.context()
snapshot = ctx.snapshot
now = time.time()
today = date.today()
w = snapshot.workshop
if ctx.facilitator:
    ui.facilitator_sidebar(ctx)

st.title(ui.safe(f"Ship It — {w['title']}"))
st.caption(ui.safe(f"{w['organisation']} · {stage_by_key(w['stage']).title} · code {w['code']} · "
                   + ("ended" if snapshot.ended else f"live, on step {snapshot.current_step.number}")))
ui.require_identity(ctx, leaders=True)
if ctx.leader:
    st.info("Leader view: the summary, its downloads and the follow-through. Nothing the workshop decided "
            "can be changed from here; owners can add check-ins below.", icon=":material/visibility:")
ui.flash()

items = checklist.evaluate(snapshot)
done = sum(item.done for item in items)
st.subheader(f"Checklist — {done} of {len(items)} done")
for item in items:
    (st.success if item.done else st.error)(ui.safe(f"{'Done' if item.done else 'Open'}: {item.title} — {item.reason}"))

code = snapshot.code
st.subheader("Downloads")
cols = st.columns(5)
# Files are built only when a button is clicked (on Streamlit's download thread), from the
# snapshot already loaded: no database connection crosses threads.
downloads = [
    ("Markdown", lambda: export.markdown(snapshot, now), f"ship-it-{code}.md", "text/markdown"),
    ("JSON (backup)", lambda: export.dumps(export.to_document(snapshot, now)), f"workshop-{code}.json",
     "application/json"),
    ("PDF", lambda: reports.to_pdf(snapshot, now=now), f"ship-it-{code}.pdf", "application/pdf"),
    ("Spreadsheet (XLSX)", lambda: reports.to_xlsx(snapshot, now=now), f"workshop-{code}.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("CSV (zip)", lambda: reports.to_csv_zip(snapshot, now=now), f"workshop-{code}-csv.zip", "application/zip"),
]
for column, (label, build, file_name, mime) in zip(cols, downloads):
    column.download_button(label, build, file_name=file_name, mime=mime, width="stretch", on_click="ignore")

st.subheader("Ranked plan")
method = method_by_key(snapshot.method)
st.caption(method.formula)
if snapshot.plan:
    st.dataframe(pd.DataFrame([{
        "Seq.": i.position, "Rank": i.rank, "Initiative": i.title, "Dimensions": ", ".join(i.dimensions),
        method.title: numbers.priority_value(i.aggregate.priority(snapshot.method)) if i.aggregate else None,
        "Urgency": i.aggregate.urgency if i.aggregate else None,
        "Decision": CHOICE_TITLES[i.decision["choice"]] if i.decision else "",
        "Overruled": (i.decision["choice"] != i.decision["recommendation"]) if i.decision else None,
        "Rationale": i.decision["rationale"] if i.decision else "",
        "Owner": i.owner["owner"] if i.owner else "", "Metric": i.owner["metric"] if i.owner else "",
        "Baseline": i.owner["baseline"] if i.owner else None, "Target": i.owner["target"] if i.owner else None,
        "Check-in": i.owner["checkin"] if i.owner else "",
    } for i in snapshot.plan]), hide_index=True, width="stretch")
    st.altair_chart(charts.roi_urgency(snapshot), theme=None, width="stretch")
else:
    st.caption("No initiatives yet.")

st.subheader("Follow-through")
tracks = snapshot.tracks
if not tracks:
    st.caption("Nothing to follow up yet: owners are assigned in step 5.")
else:
    figures = followup.counts(tracks, today)
    cols = st.columns(5)
    cols[0].metric("Owned initiatives", figures["tracked"])
    cols[1].metric("On track", figures["on_track"])
    cols[2].metric("At risk", figures["at_risk"])
    cols[3].metric("Off track", figures["off_track"])
    cols[4].metric("Overdue check-ins", figures["overdue"])
    for t in tracks:
        if t.overdue(today):
            st.warning(ui.safe(f"Overdue: {t.title} ({t.owner}) was due for a check-in on "
                               f"{t.next_checkin.isoformat()}, {numbers.plural(t.days_overdue(today), 'day')} ago."),
                       icon=":material/schedule:")
    ui.tracks_table(reports.tracks_table(tracks, today))
    if snapshot.checkins:
        st.altair_chart(charts.progress_chart(tracks), theme=None, width="stretch")
        with st.expander(f"All {len(snapshot.checkins)} check-ins"):
            st.dataframe(reports.checkins_table(snapshot), hide_index=True, width="stretch")
    if ctx.follower:
        with st.form("checkin", clear_on_submit=True):
            st.write("**Record a check-in**")
            pick = st.selectbox("Initiative", range(len(tracks)),
                                format_func=lambda n: f"{tracks[n].title} — {tracks[n].metric} ({tracks[n].owner})")
            cols = st.columns(3)
            value = cols[0].text_input("Measured value", placeholder="e.g. 24")
            checked_on = cols[1].date_input("Measured on", value=today, max_value=today)
            upcoming = cols[2].date_input("Next check-in", value=today + timedelta(days=14), min_value=today)
            status = st.radio("Status", list(followup.STATUSES), format_func=followup.STATUSES.get, horizontal=True)
            note = st.text_input("Note (optional)", max_chars=280)
            by = st.text_input("Recorded by (defaults to the owner)", max_chars=80)
            if st.form_submit_button("Record check-in", type="primary"):
                ui.act(actions.record_checkin, ctx.db, ctx.code, ctx.follower, tracks[pick].initiative_id, value,
                       status, note, checked_on=checked_on, next_checkin=upcoming, recorded_by=by,
                       success="Check-in recorded.")
                st.rerun()
    if ctx.facilitator and snapshot.checkins:
        with st.expander("Remove a check-in recorded by mistake"):
            titles = {t.initiative_id: t.title for t in tracks}
            chosen = st.selectbox("Check-in", [c["id"] for c in snapshot.checkins], index=None,
                                  format_func=lambda i: next(f"{c['checked_on']} · {titles.get(c['initiative_id'], '')} · "
                                                             f"{c['value']:g}" for c in snapshot.checkins if c["id"] == i))
            if st.button("Remove check-in", disabled=chosen is None):
                ui.act(actions.delete_checkin, ctx.db, ctx.code, ctx.key, chosen, success="Check-in removed.")
                st.rerun()

if ctx.facilitator:
    st.subheader("Share with leaders")
    st.caption("A leader link opens this summary, its downloads and the follow-through, and lets owners add "
               "check-ins. It changes nothing the workshop decided and works after the workshop has ended.")
    issued = st.session_state.get("leader_link")
    if issued and issued["code"] == ctx.code and snapshot.leader_link_active:
        url = f"{ui.site_url()}/ship-it?ws={ctx.code}&l={issued['token']}"
        st.write("Copy the link now: only its fingerprint is stored, so it cannot be shown again.")
        st.code(url, language=None)
    elif snapshot.leader_link_active:
        st.write("A leader link is active. Reissue it to get a new link (the old one stops working).")
    cols = st.columns(2)
    if cols[0].button("Reissue the leader link" if snapshot.leader_link_active else "Create a leader link"):
        token = ui.act(actions.issue_leader_link, ctx.db, ctx.code, ctx.key, success="Leader link ready.")
        if token:
            st.session_state["leader_link"] = {"code": ctx.code, "token": token}
        st.rerun()
    if cols[1].button("Revoke the leader link", disabled=not snapshot.leader_link_active):
        ui.act(actions.revoke_leader_link, ctx.db, ctx.code, ctx.key, success="Leader link revoked.")
        st.session_state.pop("leader_link", None)
        st.rerun()

st.subheader("Top bottlenecks per dimension")
board = snapshot.by_dimension()
for column, dimension in zip(st.columns(3), DIMENSIONS):
    with column:
        st.write(f"**{dimension.title}**")
        rows = board[dimension.key][:5]
        if rows:
            st.dataframe(pd.DataFrame([{"Bottleneck": b["text"], "Votes": b["votes"]} for b in rows]),
                         hide_index=True, width="stretch")
        else:
            st.caption("None recorded.")

st.subheader("Impact map")
if snapshot.impacts:
    st.altair_chart(charts.impact_map(snapshot), theme=None, width="stretch")
    st.dataframe(pd.DataFrame([{
        "Bottleneck": snapshot.bottleneck(i["bottleneck_id"])["text"], "Outcome": outcome_by_key(i["outcome"]).title,
        "Direction": DIRECTIONS[i["direction"]], "Magnitude": MAGNITUDES[i["magnitude"]], "€ / year": i["money"],
        "Because": i["because"]} for i in snapshot.impacts]), hide_index=True, width="stretch")
else:
    st.caption("No impacts recorded.")

st.subheader("Time per step")
st.altair_chart(charts.time_per_step(snapshot, now), theme=None, width="stretch")
st.dataframe(pd.DataFrame([{
    "Step": f"{s.number}. {s.title}", "Planned (min)": snapshot.timer(s.key).minutes,
    "Spent (min)": round(time_spent(snapshot.timer(s.key), now) / 60, 1)} for s in STEPS]),
    hide_index=True, width="stretch")
