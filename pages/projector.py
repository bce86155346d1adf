"""Projector view: join code, QR code, countdown, guidance and the live board — never the key."""

import io

import segno
import streamlit as st

from pages import ui
from workshop.steps import stage_by_key

ctx = ui.context()
if "p" in st.query_params:  # a projected URL bar must not show anyone's token
    del st.query_params["p"]
snapshot = ctx.snapshot
step = snapshot.current_step
stage = stage_by_key(snapshot.workshop["stage"])

st.markdown("<style>section[data-testid='stSidebar']{display:none} .block-container{padding-top:1rem;max-width:100%}"
            "h1{font-size:2.6rem !important}</style>", unsafe_allow_html=True)
left, right = st.columns([4, 1])
with left:
    st.title(ui.safe(snapshot.workshop["title"]))
    st.subheader(f"Step {step.number}: {step.title} — {step.goal}")
    st.write(f"{step.guidance}  \n**{stage.title}:** {stage.advice[step.key]}")
with right:
    buffer = io.BytesIO()
    segno.make(ui.join_url(ctx.code), error="m").save(buffer, kind="png", scale=6, border=1)
    st.image(buffer.getvalue(), width="stretch")
    st.markdown(f"<div style='font-size:2.4rem;font-weight:800;text-align:center;letter-spacing:.15em'>{ctx.code}</div>",
                unsafe_allow_html=True)
    st.caption(ui.join_url(ctx.code))

ui.live(ctx, "projector", board=True, step_key=step.key)
