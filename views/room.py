"""A participant's one screen for the whole workshop.

Streamlit runs this script only when the page is opened or refreshed. From then on the live
element draws the step the room is on, swaps it when the room moves, and sends every write
to the live channel: a step change or a participant's own write never reruns this page.
"""

import streamlit as st

from views import ui

ctx = ui.context()
if ctx.facilitator:  # the facilitator's screen is the console of the current step
    ui.enter(ctx.db, ctx.code, ctx.token)
ui.require_identity(ctx)
ui.participant_sidebar(ctx)
st.markdown(
    "<style>.block-container{padding-top:3.75rem;padding-left:.75rem;padding-right:.75rem}</style>",
    unsafe_allow_html=True,
)
ui.live(ctx, "participant", board=True, step_key=ctx.snapshot.current_step.key, min_interval=2000)
