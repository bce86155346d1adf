"""Ship It: the checklist from the recorded data, the plan, and every download."""

import time

import pandas as pd
import streamlit as st

from pages import ui
from workshop import charts, checklist, export, reports
from workshop.actions import DIRECTIONS, MAGNITUDES
from workshop.decide import CHOICE_TITLES
from workshop.scoring import method_by_key
from workshop.steps import DIMENSIONS, STEPS, outcome_by_key, stage_by_key
from workshop.timer import time_spent

ctx = ui.context()
snapshot = ctx.snapshot
now = time.time()
w = snapshot.workshop
if ctx.facilitator:
    ui.facilitator_sidebar(ctx)

st.title(ui.safe(f"Ship It — {w['title']}"))
st.caption(ui.safe(f"{w['organisation']} · {stage_by_key(w['stage']).title} · code {w['code']} · "
                   + ("ended" if snapshot.ended else f"live, on step {snapshot.current_step.number}")))
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
        method.title: round(i.aggregate.priority(snapshot.method), 2) if i.aggregate else None,
        "Urgency": i.aggregate.urgency if i.aggregate else None,
        "Decision": CHOICE_TITLES[i.decision["choice"]] if i.decision else "",
        "Overruled": (i.decision["choice"] != i.decision["recommendation"]) if i.decision else None,
        "Rationale": i.decision["rationale"] if i.decision else "",
        "Owner": i.owner["owner"] if i.owner else "", "Metric": i.owner["metric"] if i.owner else "",
        "Baseline": i.owner["baseline"] if i.owner else None, "Target": i.owner["target"] if i.owner else None,
        "Check-in": i.owner["checkin"] if i.owner else "",
    } for i in snapshot.plan]), hide_index=True, width="stretch")
    st.altair_chart(charts.roi_urgency(snapshot), width="stretch")
else:
    st.caption("No initiatives yet.")

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
    st.altair_chart(charts.impact_map(snapshot), width="stretch")
    st.dataframe(pd.DataFrame([{
        "Bottleneck": snapshot.bottleneck(i["bottleneck_id"])["text"], "Outcome": outcome_by_key(i["outcome"]).title,
        "Direction": DIRECTIONS[i["direction"]], "Magnitude": MAGNITUDES[i["magnitude"]], "€ / year": i["money"],
        "Because": i["because"]} for i in snapshot.impacts]), hide_index=True, width="stretch")
else:
    st.caption("No impacts recorded.")

st.subheader("Time per step")
st.altair_chart(charts.time_per_step(snapshot, now), width="stretch")
st.dataframe(pd.DataFrame([{
    "Step": f"{s.number}. {s.title}", "Planned (min)": snapshot.timer(s.key).minutes,
    "Spent (min)": round(time_spent(snapshot.timer(s.key), now) / 60, 1)} for s in STEPS]),
    hide_index=True, width="stretch")
