"""Step 4 — Build / Buy / Partner for the top three initiatives."""

from typing import Any

import streamlit as st

from views.kit import ui
from workshop import actions
from workshop.domain import decide
from workshop.domain.snapshot import Initiative
from workshop.domain.vocabulary import LONG_MAX


def decision_form(
    item_id: int, answers: dict[str, str], recommendation: decide.Recommendation, saved: dict[str, Any] | None
) -> None:
    """Record the team's call. The pick starts at "follow the recommendation" and starts there
    again whenever the answers change (the widget key carries them), so only an explicit pick
    of another option can be stored as an overrule."""
    overruled = saved is not None and saved["answers"] == answers and saved["choice"] != recommendation.choice
    kept: str | None = saved["choice"] if saved is not None and overruled else None
    options: list[str | None] = [None, *decide.CHOICES]
    follow = f"Follow the recommendation: {decide.CHOICE_TITLES[recommendation.choice]}"

    def label(choice: str | None) -> str:
        return follow if choice is None else decide.CHOICE_TITLES[choice]

    signature = "-".join(answers[q.key] for q in decide.QUESTIONS)
    with st.form(f"decision-{item_id}"):
        choice = st.radio(
            "The team decides",
            options,
            index=options.index(kept),
            key=f"pick-{item_id}-{signature}",
            horizontal=True,
            format_func=label,
        )
        rationale = st.text_area(
            "Why (kept with the decision)", value=saved["rationale"] if saved else "", max_chars=LONG_MAX
        )
        if st.form_submit_button("Record decision", type="primary"):
            ctx.act(
                actions.record_decision,
                item_id,
                answers,
                choice,
                rationale,
                success="Decision recorded.",
            )
            st.rerun()


def store_answer(initiative_id: int, question: str, key: str) -> None:
    """Keep each answer as it is given: the phones show the recommendation as soon as all are in."""
    ctx.act(actions.answer_question, initiative_id, question, st.session_state[key])


def room_split(item: Initiative) -> None:
    """The participants' own picks from their phones, beside the questionnaire."""
    counts = {c: sum(p["choice"] == c for p in item.picks) for c in decide.CHOICES}
    if not item.picks:
        st.caption("No picks from the room yet: participants give theirs on their phones.")
        return
    st.write("The room's picks: " + " · ".join(f"{decide.CHOICE_TITLES[c]} {n}" for c, n in counts.items()))
    reasons = [{"Pick": decide.CHOICE_TITLES[p["choice"]], "Why": p["reason"]} for p in item.picks if p["reason"]]
    if reasons:
        with st.expander(f"Reasons given ({len(reasons)})"):
            st.dataframe(reasons, hide_index=True, width="stretch")


ctx = ui.open_step(__file__)
snapshot = ctx.snapshot

st.write(
    "**Build** when it is core to the moat · **Buy** when speed matters more than uniqueness · "
    "**Partner** when scale or network effects are better reached with allies."
)
if not snapshot.top:
    st.info("There are no initiatives yet: propose and rank them in step 3.")

for item in snapshot.top:
    st.divider()
    st.subheader(ui.safe(f"#{snapshot.plan.index(item) + 1} · {item.title}"))
    if item.description:
        st.text(item.description)
    saved = item.decision
    answers: dict[str, str | None] = {}
    cols = st.columns(len(decide.QUESTIONS))
    for column, question in zip(cols, decide.QUESTIONS):
        options = list(question.options)
        key = f"q-{item.id}-{question.key}"
        answers[question.key] = column.radio(
            question.text,
            options,
            key=key,
            index=options.index(item.answers[question.key]) if question.key in item.answers else None,
            format_func=lambda o, q=question: q.options[o],
            on_change=store_answer,
            args=(item.id, question.key, key),
        )
    room_split(item)
    given = {key: answer for key, answer in answers.items() if answer}
    recommendation: decide.Recommendation | None = None
    if len(given) == len(answers):
        recommendation = decide.recommend(given)
        st.success(f"Recommendation: **{decide.CHOICE_TITLES[recommendation.choice]}**")
        for reason in recommendation.reasons:
            st.write(f"- {reason}")
        for caution in recommendation.cautions:
            st.warning(caution)
    else:
        st.caption("Answer the five questions to see a recommendation.")
    standing = item.standing
    if saved and standing is not None:
        st.write(f"Recorded decision: **{decide.CHOICE_TITLES[saved['choice']]}** ({standing.note})")
        if standing.moved:
            st.warning("The answers changed after the decision: record it again if the team's call changes.")
        st.text(f"Rationale: {saved['rationale']}")
        for flag in decide.risk_flags(saved["choice"], saved["answers"], item.title, item.description):
            st.error(flag)
    if ctx.facilitator and recommendation is not None:
        decision_form(item.id, given, recommendation, saved)
