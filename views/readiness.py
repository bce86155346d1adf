"""The readiness check's results on the console, the projector and the Ship It summary.

Each screen lays out `workshop.reports.summary.readiness_block`, the model the Markdown and the PDF
also write, so every screen names the same weakest areas with the same figures; the chart is
`charts.readiness_areas`. The texts are the app's own, with figures from the room's answers;
they still go through `safe` (Markdown escaping). No page plumbing is imported here:
`projector_steps.py` uses this module, and `ui.py` imports that one.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workshop.domain.language import _, ngettext
from workshop.domain.readiness import MINUTES, QUESTIONS, SIGNALS, TITLE, question_by_key, result_words
from workshop.domain.snapshot import Snapshot
from workshop.domain.text import md_escape as safe
from workshop.reports import charts
from workshop.reports.summary import Readiness, readiness_block

PROJECTOR_CHART_WIDTH = 960  # px: the chart column at 1920 wide
PROJECTOR_CHART_HEIGHT = 470  # px, title, legend and axis included: what is left under the header
CONSOLE_CHART_WIDTH, CONSOLE_CHART_HEIGHT = 900, 360


def signals_table(r: Readiness) -> pd.DataFrame:
    """The four signals as the room rated them (a dataframe shows the text literally)."""
    return pd.DataFrame(
        [
            {
                _("Signal"): _(x.title),
                _("Evidence (median)"): _(x.level) if x.level else x.level,
                _("Does the room agree?"): _(x.agreement) if x.agreement else x.agreement,
                _("Answers"): x.answers,
                _("Figure"): x.figure,
            }
            for x in r.signals
        ]
    )


def findings(r: Readiness, flags: bool = True) -> None:
    """What the check suggests, the pitfall flag and the weakest areas, in the order they matter."""
    for flag in r.pitfalls if flags else ():
        st.error(safe(_(flag)), icon=":material/warning:")
    if r.note:
        st.write(safe(_(r.note)))
    order = safe(", ".join(_(d) for d in r.dimension_order))
    said = _("**Weakest areas:** {areas}. Step 1's prompts go in this order: {order}.")
    st.write(said.format(areas=safe(r.weakest_text), order=order))


def results(snapshot: Snapshot, flags: bool = True) -> None:
    """The results on the console and the summary page: findings, the area chart, the signals.
    The console passes `flags=False`: its pitfall warnings already head the page."""
    r = readiness_block(snapshot)
    if r is None:
        st.caption(_("Nobody has answered the check yet."))
        return
    st.caption(
        ngettext(
            "{answered} of {n} participant answered.", "{answered} of {n} participants answered.", r.people
        ).format(answered=r.respondents, n=r.people)
    )
    findings(r, flags)
    figure = charts.readiness_areas(snapshot.readiness, width=CONSOLE_CHART_WIDTH, height=CONSOLE_CHART_HEIGHT)
    st.altair_chart(figure, theme=None, width="stretch")
    st.dataframe(signals_table(r), hide_index=True, width="stretch")


def projector(snapshot: Snapshot) -> None:
    """The projector before step 1's clock starts: the area chart beside what it suggests."""
    r = readiness_block(snapshot)
    people = snapshot.tally.people
    invite = " · " + _("answer on your phone") if snapshot.readiness_open else ""
    answered = _("{answered} of {people} answered").format(answered=snapshot.readiness.respondents, people=people)
    st.markdown(f"### {_(TITLE)} · {answered}{invite}")
    if r is None:
        st.markdown(
            _("Join with the code and answer {n} short questions: about {minutes} minutes.").format(
                n=len(QUESTIONS), minutes=MINUTES
            )
        )
        return
    chart, side = st.columns([10, 9])
    with chart:
        figure = charts.readiness_areas(
            snapshot.readiness, width=PROJECTOR_CHART_WIDTH, height=PROJECTOR_CHART_HEIGHT, text=charts.PROJECTOR_TEXT
        )
        # As SVG at its own width, like the projector's other charts (`projector_steps.py`).
        st.altair_chart(charts.on_screen(figure), theme=None, width="content")
    with side.container(key="pj-readiness"):
        st.markdown("\n".join(signal_lines(snapshot)))
        st.markdown(_("**Weakest:** {areas}").format(areas=safe(r.weakest_text)))
        for flag in r.pitfalls:
            st.error(safe(_(flag)))  # no icon: its glyph would be the only text under 24 px


def signal_lines(snapshot: Snapshot) -> list[str]:
    """'- **Unit economics:** Strong, measured · the room agrees · LTV:CAC 3.4 (median of 3 figures)'
    per answered signal, for the projector (the wording is `readiness.result_words`)."""
    results = snapshot.readiness
    answered = (results.question(q.key) for q in SIGNALS)
    return [f"- **{safe(_(question_by_key(x.key).title))}:** {safe(result_words(x))}" for x in answered if x.count]
