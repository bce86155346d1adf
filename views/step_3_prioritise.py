"""Step 3 — Prioritisation: initiatives against bottlenecks, scored, ranked and sequenced."""

import streamlit as st

from views.kit import ui
from workshop import actions
from workshop.domain import scoring
from workshop.domain.language import _
from workshop.domain.vocabulary import LONG_MAX, METHOD_KEYS, SHORT_MAX, dimension_by_key, method_by_key
from workshop.reports import charts, sheets


def propose(ctx: ui.Context) -> None:
    """Anyone in the room proposes an initiative against the bottlenecks it relieves."""
    snapshot = ctx.snapshot
    live = snapshot.live_bottlenecks
    if not live:
        st.info(_("Add bottlenecks in step 1 first: every initiative relieves at least one."))
    else:
        with st.form("initiative", clear_on_submit=True):
            title = st.text_input(
                _("Initiative"), max_chars=SHORT_MAX, placeholder=_("Introduce SLOs and an error budget")
            )
            description = st.text_area(_("What it involves (optional)"), max_chars=LONG_MAX)
            links = st.multiselect(
                _("Bottlenecks it relieves"),
                [b["id"] for b in live],
                placeholder=_("Choose options"),
                format_func=lambda i: (
                    f"[{_(dimension_by_key(snapshot.bottleneck(i)['dimension']).title)}] "
                    f"{snapshot.bottleneck(i)['text'][:80]}"
                ),
            )
            if st.form_submit_button(_("Add initiative"), type="primary"):
                ctx.act(
                    actions.add_initiative,
                    title,
                    links,
                    description,
                    success=_("Initiative added: '{title}'.").format(title=title),
                    at="initiative",
                )
                st.rerun()
        ui.flash(at="initiative")


def score_form(ctx: ui.Context) -> None:
    """Score one initiative; the form starts from this person's last score of it."""
    snapshot = ctx.snapshot
    if not snapshot.initiatives:
        st.info(_("No initiatives to score yet."))
    else:
        me = ctx.participant["id"] if ctx.participant else None  # the facilitator: step pages are theirs
        mine = {s["initiative_id"]: s for s in snapshot.scores if s["participant_id"] == me}
        pick = st.selectbox(
            _("Initiative"),
            [i.id for i in snapshot.initiatives],
            placeholder=_("Choose an option"),
            format_func=lambda i: ("✓ " if i in mine else "") + snapshot.initiative(i).title,
        )
        previous = mine.get(pick, {"value": 5, "effort": 5, "urgency": 5, "confidence": 70})
        with st.form(f"score-{pick}"):
            values = {
                c: st.slider(
                    _(scoring.LABELS[c]),
                    *scoring.RANGES[c],
                    value=int(previous[c]),
                    step=10 if c == "confidence" else 1,
                )
                for c in scoring.CRITERIA
            }
            if st.form_submit_button(_("Save my score"), type="primary"):
                title = snapshot.initiative(pick).title
                ctx.act(
                    actions.score_initiative,
                    pick,
                    values,
                    success=_("Score saved for '{title}'.").format(title=title),
                    at="score",
                    about=title,
                )
                st.rerun()
        ui.flash(at="score")


def ranking(ctx: ui.Context) -> None:
    """The ranking under the chosen formula, where the room disagrees, and the chart."""
    snapshot = ctx.snapshot
    method = method_by_key(snapshot.method)
    st.header(_("Ranking"))
    st.info(
        _(
            "**Formula:** {formula}. Each criterion is the median of the room's scores; "
            "the spread (highest − lowest) shows disagreement."
        ).format(formula=_(method.formula))
    )
    if not snapshot.initiatives:
        st.caption(_("No initiatives yet."))
        return
    ranking_table(ctx)
    disputed = [(i.title, i.aggregate.disputed) for i in snapshot.initiatives if i.aggregate and i.aggregate.disputed]
    if disputed:
        st.warning(
            ui.safe(
                _("The room disagrees on: {items}. Discuss before fixing the sequence.").format(
                    items="; ".join(
                        f"{title} ({', '.join(_(scoring.LABELS[c]) for c in criteria)})" for title, criteria in disputed
                    )
                )
            )
        )
    st.altair_chart(charts.roi_urgency(snapshot), width="stretch")


def ranking_table(ctx: ui.Context) -> None:
    """One row per initiative in plan order: the medians, the priority and what to discuss
    (`sheets.ranking_screen`: every figure as text, "—" while there is none)."""
    method = method_by_key(ctx.snapshot.method)
    ui.table(
        sheets.ranking_screen(ctx.snapshot),
        width="stretch",
        column_config={
            sheets.SEQUENCE: st.column_config.TextColumn(width=50),
            "Rank": st.column_config.NumberColumn(width=50),
            "Initiative": st.column_config.TextColumn(width="large"),
            "Dimensions": st.column_config.TextColumn(width=90),
            "Scorers": None,
            "Value": st.column_config.TextColumn(width=55),
            "Effort": st.column_config.TextColumn(width=55),
            "Urgency": st.column_config.TextColumn(width=65),
            "Confidence %": st.column_config.TextColumn(_("Conf. %"), width=65),
            method.title: st.column_config.TextColumn(width=60),
            "Discuss": st.column_config.TextColumn(width=90),
            "Must come after": st.column_config.TextColumn(width="medium"),
        },
    )


def method_and_adoption(ctx: ui.Context) -> None:
    """Pick the formula, and adopt its ranking as the sequence in one click."""
    snapshot = ctx.snapshot
    st.header(_("Sequence"))
    chosen = st.radio(
        _("Rank by"),
        list(METHOD_KEYS),
        index=list(METHOD_KEYS).index(snapshot.method),
        format_func=lambda k: _(method_by_key(k).formula),
        horizontal=True,
    )
    if chosen != snapshot.method:
        ctx.act(actions.set_scoring_method, chosen)
        st.rerun()
    if st.button(_("Adopt the ranking as the sequence"), type="primary"):
        ctx.act(actions.adopt_ranking, success=_("Sequence set from the ranking."), at="adopt")
        st.rerun()
    ui.flash(at="adopt")


def sequence_forms(ctx: ui.Context) -> None:
    """Set the order by hand, and say which initiative must wait for another."""
    snapshot = ctx.snapshot
    ids = [i.id for i in snapshot.initiatives]
    with st.form("sequence"):
        st.caption(_("Or set the order by hand: pick the initiatives in the order they start."))
        order = st.multiselect(
            _("Sequence"),
            ids,
            placeholder=_("Choose options"),
            default=[i.id for i in snapshot.sequenced],
            format_func=lambda i: snapshot.initiative(i).title,
        )
        if st.form_submit_button(_("Save sequence")):
            ctx.act(actions.set_sequence, order, success=_("Sequence saved."), at="sequence")
            st.rerun()
    ui.flash(at="sequence")
    with st.form("dependency"):
        st.caption(_("Dependencies: an initiative that must come after another."))
        later = st.selectbox(
            _("This initiative"),
            ids,
            format_func=lambda i: snapshot.initiative(i).title,
            placeholder=_("Choose an option"),
            index=None,
        )
        earlier = st.selectbox(
            _("must come after"),
            ids,
            format_func=lambda i: snapshot.initiative(i).title,
            placeholder=_("Choose an option"),
            index=None,
        )
        if st.form_submit_button(_("Add dependency")):
            if later is None or earlier is None:
                st.error(_("Choose both initiatives."))
            else:
                ctx.act(
                    actions.add_dependency,
                    later,
                    earlier,
                    success=_("Dependency added: '{later}' comes after '{earlier}'.").format(
                        later=snapshot.initiative(later).title, earlier=snapshot.initiative(earlier).title
                    ),
                    at="dependency",
                )
                st.rerun()
    ui.flash(at="dependency")


def console(ctx: ui.Context) -> None:
    """The ranking first, then propose and score in tabs, the sequence for the facilitator."""
    ranking(ctx)
    add, score = st.tabs([_("Propose an initiative"), _("Score initiatives")], key="initiative-tab")
    with add:
        propose(ctx)
    with score:
        score_form(ctx)
    if ctx.facilitator and ctx.snapshot.initiatives:
        method_and_adoption(ctx)
        sequence_forms(ctx)


console(ui.open_step(__file__))
