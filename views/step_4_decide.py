"""Step 4 — Build / Buy / Partner for the top three initiatives."""

from typing import Any

import streamlit as st

from views.kit import ui
from workshop import actions
from workshop.domain import decide
from workshop.domain.language import _
from workshop.domain.snapshot import Initiative
from workshop.domain.vocabulary import LONG_MAX


def decision_form(
    ctx: ui.Context,
    item_id: int,
    title: str,
    answers: dict[str, str],
    recommendation: decide.Recommendation,
    saved: dict[str, Any] | None,
) -> None:
    """Record the team's call. The pick starts at "follow the recommendation" and starts there
    again whenever the answers change (the widget key carries them), so only an explicit pick
    of another option can be stored as an overrule."""
    overruled = saved is not None and saved["answers"] == answers and saved["choice"] != recommendation.choice
    kept: str | None = saved["choice"] if saved is not None and overruled else None
    options: list[str | None] = [None, *decide.CHOICES]
    follow = _("Follow the recommendation: {choice}").format(choice=_(decide.CHOICE_TITLES[recommendation.choice]))

    def label(choice: str | None) -> str:
        return follow if choice is None else _(decide.CHOICE_TITLES[choice])

    signature = "-".join(answers[q.key] for q in decide.QUESTIONS)
    with st.form(f"decision-{item_id}"):
        choice = st.radio(
            _("The team decides"),
            options,
            index=options.index(kept),
            key=f"pick-{item_id}-{signature}",
            horizontal=True,
            format_func=label,
        )
        rationale = st.text_area(
            _("Why (kept with the decision)"), value=saved["rationale"] if saved else "", max_chars=LONG_MAX
        )
        if st.form_submit_button(_("Record decision"), type="primary"):
            ctx.act(
                actions.record_decision,
                item_id,
                answers,
                choice,
                rationale,
                success=_("Decision recorded for '{title}'.").format(title=title),
                at=f"decision-{item_id}",
                about=title,
            )
            ui.again()
    ui.flash(at=f"decision-{item_id}")


def store_answer(ctx: ui.Context, initiative_id: int, question: str, key: str) -> None:
    """Keep each answer as it is given: the phones show the recommendation as soon as all are in."""
    ctx.act(actions.answer_question, initiative_id, question, st.session_state[key], at=f"answers-{initiative_id}")


def room_split(item: Initiative) -> None:
    """The participants' own picks from their phones, beside the questionnaire."""
    counts = {c: sum(p["choice"] == c for p in item.picks) for c in decide.CHOICES}
    if not item.picks:
        st.caption(_("No picks from the room yet: participants give theirs on their phones."))
        return
    picks = " · ".join(f"{_(decide.CHOICE_TITLES[c])} {n}" for c, n in counts.items())
    st.write(_("The room's picks: {picks}").format(picks=picks))
    pick, why = _("Pick"), _("Why")
    reasons = [
        {pick: _(decide.CHOICE_TITLES[str(p.get("choice"))]), why: p["reason"]} for p in item.picks if p["reason"]
    ]
    if reasons:
        with st.expander(_("Reasons given ({n})").format(n=len(reasons))):
            st.dataframe(reasons, hide_index=True, width="stretch")


def questionnaire(ctx: ui.Context, item: Initiative) -> dict[str, str]:
    """The five questions, each answer stored as it is given; the answers given so far."""
    answers: dict[str, str | None] = {}
    cols = st.columns(len(decide.QUESTIONS))
    for column, question in zip(cols, decide.QUESTIONS):
        options = list(question.options)
        key = f"q-{item.id}-{question.key}"
        answers[question.key] = column.radio(
            _(question.text),
            options,
            key=key,
            index=options.index(item.answers[question.key]) if question.key in item.answers else None,
            format_func=lambda o, q=question: _(q.options[o]),
            on_change=store_answer,
            args=(ctx, item.id, question.key, key),
        )
    ui.flash(at=f"answers-{item.id}")
    return {key: answer for key, answer in answers.items() if answer}


def recommendation_of(answers: dict[str, str]) -> decide.Recommendation | None:
    """The recommendation once every question is answered, with its reasons and cautions."""
    if len(answers) < len(decide.QUESTIONS):
        st.caption(_("Answer the five questions to see a recommendation."))
        return None
    recommendation = decide.recommend(answers)
    st.success(_("Recommendation: **{choice}**").format(choice=_(decide.CHOICE_TITLES[recommendation.choice])))
    for reason in recommendation.reasons:
        st.write(f"- {_(reason)}")
    for caution in recommendation.cautions:
        st.warning(_(caution))
    return recommendation


def recorded(item: Initiative) -> None:
    """The decision on record, whether the answers moved since, and its risk flags."""
    saved, standing = item.decision, item.standing
    if not saved or standing is None:
        return
    st.write(
        _("Recorded decision: **{choice}** ({note})").format(
            choice=_(decide.CHOICE_TITLES[standing.choice]), note=_(standing.note)
        )
    )
    if standing.moved:
        st.warning(_("The answers changed after the decision: record it again if the team's call changes."))
    st.text(_("Rationale: {rationale}").format(rationale=saved["rationale"]))
    for flag in decide.risk_flags(saved["choice"], saved["answers"], item.title, item.description):
        st.error(ui.safe(_(flag)))


@st.fragment
def initiative(shown: ui.Context, item_id: int) -> None:
    """One of the top three: the questions, the room's picks, the recommendation and the decision.
    A fragment: an answer or a recorded decision reruns this initiative only."""
    ctx = shown.fresh()
    item = next((i for i in ctx.snapshot.top if i.id == item_id), None)
    if item is None:  # no longer in the top three (another device re-ranked): lay out the page again
        st.rerun()
    assert item is not None
    st.divider()
    st.header(ui.safe(f"#{ctx.snapshot.plan.index(item) + 1} · {item.title}"))
    if item.description:
        st.text(item.description)
    answers = questionnaire(ctx, item)
    room_split(item)
    recommendation = recommendation_of(answers)
    recorded(item)
    if ctx.facilitator and recommendation is not None:
        decision_form(ctx, item.id, item.title, answers, recommendation, item.decision)


def console(ctx: ui.Context) -> None:
    """The three options in one line, then each of the top three initiatives."""
    st.write(
        _(
            "**Build** when it is core to the moat · **Buy** when speed matters more than uniqueness · "
            "**Partner** when scale or network effects are better reached with allies."
        )
    )
    if not ctx.snapshot.top:
        st.info(_("There are no initiatives yet: propose and rank them in step 3."))
    for item in ctx.snapshot.top:
        initiative(ctx, item.id)


console(ui.open_step(__file__))
