"""Step 4 — Build / Buy / Partner for the top three initiatives."""

from typing import Any

import streamlit as st

from views import ui
from workshop import actions, decide


def decision_form(item_id: int, answers: dict[str, str], recommendation: decide.Recommendation,
                  saved: dict[str, Any] | None) -> None:
    """Record the team's call. The pick starts at "follow the recommendation" and starts there
    again whenever the answers change (the widget key carries them), so only an explicit pick
    of another option can be stored as an overrule."""
    kept = saved is not None and saved["answers"] == answers and saved["choice"] != recommendation.choice
    options: list[str | None] = [None, *decide.CHOICES]
    follow = f"Follow the recommendation: {decide.CHOICE_TITLES[recommendation.choice]}"
    signature = "-".join(answers[q.key] for q in decide.QUESTIONS)
    with st.form(f"decision-{item_id}"):
        choice = st.radio("The team decides", options, index=options.index(saved["choice"]) if kept else 0,
                          key=f"pick-{item_id}-{signature}", horizontal=True,
                          format_func=lambda c: follow if c is None else decide.CHOICE_TITLES[c])
        rationale = st.text_area("Why (kept with the decision)", value=saved["rationale"] if saved else "",
                                 max_chars=1000)
        if st.form_submit_button("Record decision", type="primary"):
            ui.act(actions.record_decision, ctx.db, ctx.code, ctx.key, item_id, answers, choice, rationale,
                   success="Decision recorded.")
            st.rerun()


ctx = ui.open_step("decide")
snapshot = ctx.snapshot

st.write("**Build** when it is core to the moat · **Buy** when speed matters more than uniqueness · "
         "**Partner** when scale or network effects are better reached with allies.")
if not snapshot.top:
    st.info("There are no initiatives yet: propose and rank them in step 3.")

for item in snapshot.top:
    st.divider()
    st.subheader(ui.safe(f"#{snapshot.plan.index(item) + 1} · {item.title}"))
    if item.description:
        st.text(item.description)
    saved = item.decision
    previous = saved["answers"] if saved else {}
    answers = {}
    cols = st.columns(len(decide.QUESTIONS))
    for column, question in zip(cols, decide.QUESTIONS):
        options = list(question.options)
        answers[question.key] = column.radio(
            question.text, options, key=f"q-{item.id}-{question.key}",
            index=options.index(previous[question.key]) if question.key in previous else None,
            format_func=lambda o, q=question: q.options[o], disabled=not ctx.facilitator)
    if all(answers.values()):
        recommendation = decide.recommend(answers)
        st.success(f"Recommendation: **{decide.CHOICE_TITLES[recommendation.choice]}**")
        for reason in recommendation.reasons:
            st.write(f"- {reason}")
        for caution in recommendation.cautions:
            st.warning(caution)
    else:
        recommendation = None
        st.caption("Answer the five questions to see a recommendation.")
    if saved:
        overruled = saved["choice"] != saved["recommendation"]
        st.write(f"Recorded decision: **{decide.CHOICE_TITLES[saved['choice']]}**"
                 + (f" — overrules the recommendation to {decide.CHOICE_TITLES[saved['recommendation']].lower()}"
                    if overruled else ""))
        st.text(f"Rationale: {saved['rationale']}")
        for flag in decide.risk_flags(saved["choice"], saved["answers"], item.title, item.description):
            st.error(flag)
    if ctx.facilitator and recommendation is not None:
        decision_form(item.id, answers, recommendation, saved)
