"""A participant's one screen for the whole workshop.

Streamlit runs this script only when the page is opened or refreshed. From then on the live
element draws the step the room is on, swaps it when the room moves, and sends every write
to the live channel: a step change or a participant's own write never reruns this page.
"""

import streamlit as st

from views.kit import ui
from workshop.domain.language import _

WHO_AM_I = "who-am-i"  # the line naming the person, which views/live/erase.js removes after an erasure


def screen(ctx: ui.Context) -> None:
    """Who is looking, in one line, above the live element that follows the room by itself."""
    if ctx.facilitator:  # the facilitator's screen is the console of the current step
        ui.enter(ctx.db, ctx.code, ctx.token)
    ui.require_identity(ctx)
    # The live element's step bar sticks under Streamlit's header: what gets focus or is scrolled
    # to lands below both, never under them.
    ui.phone_page("[data-testid='stMain']{scroll-padding-top:8.5rem}")
    if ctx.participant:  # in a keyed container: "Remove my data" (views/live/erase.js) takes it off the page
        said = _("You are {name} in “{title}” ({code}). This browser remembers you, even after a refresh.")
        st.container(key=WHO_AM_I).caption(
            ui.safe(said.format(name=ctx.participant["name"], title=ctx.snapshot.workshop["title"], code=ctx.code))
        )
    ui.live(ctx, "participant", board=True, step_key=ctx.snapshot.current_step.key, min_interval=2000)


screen(ui.context(as_participant=True))
