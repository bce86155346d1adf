"""All workshops in this database, newest first."""

from datetime import datetime

import pandas as pd
import streamlit as st

from pages import ui
from workshop import storage

db = ui.connect()
st.title("All workshops")
rows = storage.list_workshops(db)
if not rows:
    st.info("No workshops yet: create one or open the sample from the start page.")
else:
    organisations = sorted({r["organisation"] for r in rows})
    chosen = st.multiselect("Organisation", organisations)
    shown = [r for r in rows if not chosen or r["organisation"] in chosen]
    st.dataframe(pd.DataFrame([{
        "Code": r["code"], "Title": r["title"], "Organisation": r["organisation"],
        "Created": datetime.fromtimestamp(r["created_at"]).strftime("%Y-%m-%d %H:%M"),
        "Status": "ended" if r["ended_at"] else "live", "Participants": r["participant_count"],
        "Initiatives": r["initiative_count"]} for r in shown]), hide_index=True, width="stretch")
    for r in shown[:50]:
        st.page_link(ui.HERE / "summary.py", label=f"Summary of {r['code']}", query_params={"ws": r["code"]})
