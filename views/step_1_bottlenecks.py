"""Step 1 — Bottleneck mapping: add, tag, dot-vote; the facilitator merges, edits and hides."""

from datetime import date
from functools import partial

import streamlit as st

from views import readiness
from views.kit import registry, ui
from workshop import actions
from workshop.domain import numbers
from workshop.domain.commitments import Commitment, review_until
from workshop.domain.language import N_, _, ngettext
from workshop.domain.readiness import MINUTES, SIGNALS, STATEMENTS, TITLE, ordered_prompts, weakest
from workshop.domain.similar import Group
from workshop.domain.snapshot import Snapshot
from workshop.domain.timer import format_clock as clock_text
from workshop.domain.vocabulary import DIMENSIONS, NOTE_MAX, REVIEWS, dimension_by_key

STEP = registry.of_page(__file__).step
# Suggested groups shown at once; the rest follow as these are merged or dismissed.
SUGGESTIONS_SHOWN = 12
TABS = [N_("Suggested duplicates"), N_("Merge two notes"), N_("Edit"), N_("Hide / restore")]
PLACE = "suggestions"  # where the answers to the suggested groups are shown


def review_panel(ctx: ui.Context) -> None:
    """Step 1's opening: the room concludes each of last time's commitments, the facilitator records it."""
    snapshot = ctx.snapshot
    minutes = snapshot.workshop["review_minutes"]
    until = clock_text(review_until(snapshot.timer(STEP.key), minutes))
    st.header(_("Last time's commitments"))
    st.caption(
        ngettext(
            "{n} minute of this step, until the clock shows {until}. Phones and the projector show the list.",
            "{n} minutes of this step, until the clock shows {until}. Phones and the projector show the list.",
            minutes,
        ).format(n=minutes, until=until)
    )
    if snapshot.reviewing:
        if st.button(_("Start the brainstorm"), icon=":material/edit_note:", type="primary"):
            ctx.act(actions.set_reviewing, False, success=_("The brainstorm is open."), at="review")
            st.rerun()
    elif st.button(_("Back to the review"), icon=":material/history:"):
        ctx.act(actions.set_reviewing, True, success=_("The review is on screen again."), at="review")
        st.rerun()
    ui.flash(at="review")
    for item in snapshot.commitments:
        commitment(ctx, item)


def commitment(ctx: ui.Context, item: Commitment) -> None:
    """One of last time's commitments: where it stands, and the room's conclusion to record."""
    titles = {r.key: _(r.title) for r in REVIEWS}
    t = item.track
    with st.container(border=True, key=f"commitment-{item.initiative_id}"):
        st.markdown(f"**{ui.safe(t.title)}** · {ui.safe(t.owner)} · {ui.safe(t.metric)}")
        figures = _("{value} of {target}").format(
            value=numbers.measure(t.value, t.unit), target=numbers.measure(t.target, t.unit)
        )
        days = t.days_overdue(date.today())
        late = (
            " · " + ngettext("check-in overdue {n} day", "check-in overdue {n} days", days).format(n=days)
            if t.overdue(date.today())
            else ""
        )
        st.caption(
            _("{figures} · {share} of the way · {status}{late} · from {code}").format(
                figures=figures, share=numbers.share(t.progress), status=_(t.status_title), late=late, code=t.code
            )
        )
        with st.form(f"review-{item.initiative_id}", border=False):
            keys = list(titles)
            pick, why, go = st.columns([3, 5, 1], vertical_alignment="bottom")
            outcome = pick.radio(
                _("Outcome"),
                keys,
                format_func=titles.get,
                horizontal=True,
                index=keys.index(item.outcome) if item.outcome else None,
            )
            reason = why.text_input(_("Reason (one line)"), value=item.reason, max_chars=NOTE_MAX)
            if go.form_submit_button(_("Record")):
                ctx.act(
                    actions.review_commitment,
                    item.initiative_id,
                    outcome,
                    reason,
                    success=_("Recorded: {outcome}.").format(outcome=titles.get(outcome or "", "")),
                    at=f"review-{item.initiative_id}",
                    about=t.title,
                )
                st.rerun()
        ui.flash(at=f"review-{item.initiative_id}")


def readiness_panel(ctx: ui.Context) -> None:
    """The readiness check: open or close it, share the join link, read the results."""
    snapshot = ctx.snapshot
    people = sum(1 for p in snapshot.participants if not p["is_facilitator"])
    said = _("{title} — open, {answered} of {people} answered") if snapshot.readiness_open else None
    said = said or _("{title} — closed, {answered} of {people} answered")
    title = said.format(title=_(TITLE), answered=snapshot.readiness.respondents, people=people)
    with st.expander(title, expanded=snapshot.readiness_open or snapshot.readiness_showing):
        st.caption(
            _(
                "Optional pre-work: {signals} signals and {statements} statements, about {minutes} minutes "
                "on a phone. Open it days before or in the first minutes: participants answer from the join link on "
                "their own screen, whatever step the room is on. Its weakest areas order step 1's prompts; the "
                "projector shows the results until you start the clock."
            ).format(signals=len(SIGNALS), statements=len(STATEMENTS), minutes=MINUTES)
        )
        if snapshot.readiness_open:
            st.text(_("Share the join link: {url}").format(url=ui.join_url(ctx.code)))
            if st.button(_("Close the check"), icon=":material/lock:"):
                ctx.act(actions.open_readiness, False, success=_("The check is closed."), at="readiness")
                st.rerun()
        elif st.button(_("Open the check"), icon=":material/fact_check:", disabled=snapshot.ended):
            ctx.act(actions.open_readiness, True, success=_("The check is open on every phone."), at="readiness")
            st.rerun()
        ui.flash(at="readiness")
        readiness.results(snapshot, flags=False)


def prompts(ctx: ui.Context) -> None:
    """Step 1's prompts per dimension, the dimensions the check's weakest areas point to first."""
    results = ctx.snapshot.readiness
    with st.expander(_("Prompts to get the room going")):
        weak = weakest(results)
        if weak:
            names = " · ".join(_(a.title) for a in weak)
            st.caption(
                ngettext(
                    "Ordered by the readiness check: {areas} is weakest.",
                    "Ordered by the readiness check: {areas} are weakest.",
                    len(weak),
                ).format(areas=names)
            )
        for column, (key, lines) in zip(st.columns(len(DIMENSIONS)), ordered_prompts(results)):
            dimension = dimension_by_key(key)
            with column:
                st.write(f"**{_(dimension.title)}** — {_(dimension.scope)}")
                for prompt in lines:
                    st.write(f"- {_(prompt)}")


def brainstorm_panel(ctx: ui.Context) -> None:
    """Private brainstorm: notes stay on each phone, the board shows counts, until one reveal for everyone."""
    snapshot = ctx.snapshot
    if snapshot.private:
        st.info(
            _(
                "Private brainstorm: each phone sees only its own notes, and the board above shows how many "
                "notes each dimension has. Voting opens when you reveal the board."
            ),
            icon=":material/visibility_off:",
        )
        if st.button(_("Reveal the board"), type="primary", icon=":material/visibility:"):
            ctx.act(
                actions.set_private_brainstorm,
                False,
                success=_("Board revealed: every phone and the projector show every note, and voting is open."),
                at="brainstorm",
            )
            st.rerun()
    elif (
        not snapshot.ended
        and snapshot.current_step == STEP
        and st.toggle(
            _("Private brainstorm"),
            value=False,
            help=_(
                "Notes stay on each phone and the board shows only counts until you reveal it; nobody votes before."
            ),
        )
    ):
        ctx.act(
            actions.set_private_brainstorm,
            True,
            success=_("Private brainstorm on: notes stay on each phone until you reveal the board."),
            at="brainstorm",
        )
        st.rerun()
    ui.flash(at="brainstorm")


def suggestion(ctx: ui.Context, group: Group) -> None:
    """One suggested group: its notes, the note to keep, and the three answers."""
    snapshot, members = ctx.snapshot, list(group.members)
    name = "-".join(map(str, members))
    with st.container(border=True, key=f"suggestion-{name}"):
        st.caption(
            _("{n} notes that probably say the same thing · suggested to keep #{keep}").format(
                n=len(members), keep=group.keep
            )
        )
        for note_id in members:
            row = snapshot.bottleneck(note_id)
            text, split = st.columns([6, 1], vertical_alignment="center")
            votes = ngettext("{n} vote", "{n} votes", row["votes"]).format(n=row["votes"])
            text.markdown(f"#{note_id} · {ui.safe(row['text'])} · {votes}")
            if len(members) > 2 and split.button(
                _("Split out"), key=f"split-{name}-{note_id}", help=_("#{id} says something else").format(id=note_id)
            ):
                said = _("Split #{id} out.").format(id=note_id)
                ctx.act(actions.split_from_suggestion, note_id, members, success=said, at=PLACE)
                ui.again()
        # No vote counts here (the rows above show them): option labels need not change with every vote.
        keep = st.selectbox(
            _("Keep this one"),
            members,
            placeholder=_("Choose an option"),
            format_func=lambda i: f"#{i} {snapshot.bottleneck(i)['text'][:70]}",
            key=f"keep-{name}",
        )
        merge, dismiss = st.columns(2)
        label = _("Merge all {n} into #{keep}").format(n=len(members), keep=keep)
        if merge.button(label, type="primary", key=f"merge-{name}"):
            ctx.act(
                actions.merge_group,
                keep,
                members,
                success=_("Merged {n} notes into #{keep}: votes carried over.").format(n=len(members), keep=keep),
                at=PLACE,
            )
            ui.again()
        if dismiss.button(_("Not the same"), key=f"dismiss-{name}", help=_("Never suggest these together again")):
            apart = ", ".join(f"#{i}" for i in members)
            said = _("Not the same: {notes} stay apart.").format(notes=apart)
            ctx.act(actions.dismiss_suggestion, members, success=said, at=PLACE)
            ui.again()


def suggestions(ctx: ui.Context) -> None:
    """Step 1's suggested duplicates, largest groups first, a screenful at a time."""
    ui.flash(at=PLACE)
    groups = ctx.act(actions.suggested_groups, here=True) or []
    if not groups:
        st.caption(_("No suggested duplicates: no two live notes look like the same point."))
        return
    st.caption(
        ngettext(
            "{n} group of notes that probably say the same thing. Merging keeps one note and carries every vote "
            "to it; *Not the same* and *Split out* are remembered.",
            "{n} groups of notes that probably say the same thing. Merging keeps one note and carries every vote "
            "to it; *Not the same* and *Split out* are remembered.",
            len(groups),
        ).format(n=len(groups))
    )
    for group in groups[:SUGGESTIONS_SHOWN]:
        suggestion(ctx, group)
    if len(groups) > SUGGESTIONS_SHOWN:
        more = len(groups) - SUGGESTIONS_SHOWN
        st.caption(
            ngettext(
                "{n} more group appears as these are handled.", "{n} more groups appear as these are handled.", more
            ).format(n=more)
        )


def note_label(snapshot: Snapshot, bottleneck_id: int) -> str:
    """A live note in a picker: number, dimension, text and votes."""
    row = snapshot.bottleneck(bottleneck_id)
    votes = ngettext("{n} vote", "{n} votes", row["votes"]).format(n=row["votes"])
    dimension = dimension_by_key(row["dimension"]).title
    return f"#{row['id']} [{_(dimension)}] {row['text'][:70]} ({votes})"


def merge_form(ctx: ui.Context, ids: list[int]) -> None:
    """Fold one note into another by hand; the votes carry over."""
    label = partial(note_label, ctx.snapshot)
    with st.form("merge"):
        source = st.selectbox(
            _("Duplicate to fold in"), ids, format_func=label, placeholder=_("Choose an option"), index=None
        )
        target = st.selectbox(
            _("Keep this one (votes carry over)"), ids, format_func=label, placeholder=_("Choose an option"), index=None
        )
        if st.form_submit_button(_("Merge")):
            if source is None or target is None:
                st.error(_("Choose both bottlenecks."))
            else:
                ctx.act(
                    actions.merge_bottlenecks,
                    source,
                    target,
                    success=_("Merged #{source} into #{target}: votes carried over.").format(
                        source=source, target=target
                    ),
                    at="merge",
                )
                ui.again()
    ui.flash(at="merge")


def edit_form(ctx: ui.Context, ids: list[int]) -> None:
    """Correct a note's text or move it to another dimension."""
    chosen = st.selectbox(
        _("Bottleneck"),
        ids,
        format_func=partial(note_label, ctx.snapshot),
        placeholder=_("Choose an option"),
        index=None,
        key="edit_pick",
    )
    if chosen is None:
        return
    row = ctx.snapshot.bottleneck(chosen)
    with st.form("edit"):
        text = st.text_area(_("Text"), value=row["text"], max_chars=NOTE_MAX)
        keys = [d.key for d in DIMENSIONS]
        dimension = st.selectbox(
            _("Dimension"),
            keys,
            placeholder=_("Choose an option"),
            index=keys.index(row["dimension"]),
            format_func=lambda k: _(dimension_by_key(k).title),
        )
        if st.form_submit_button(_("Save")):
            said = _("Saved #{id}.").format(id=chosen)
            ctx.act(actions.edit_bottleneck, chosen, text, dimension, success=said, at="edit")
            ui.again()
    ui.flash(at="edit")


def hide_form(ctx: ui.Context, ids: list[int]) -> None:
    """Hide a note as noise, or bring a hidden one back."""
    snapshot = ctx.snapshot
    to_hide = st.selectbox(
        _("Hide as noise"),
        ids,
        format_func=partial(note_label, snapshot),
        placeholder=_("Choose an option"),
        index=None,
        key="hide_pick",
    )
    if st.button(_("Hide"), disabled=to_hide is None):
        ctx.act(actions.hide_bottleneck, to_hide, True, success=_("Hidden: #{id}.").format(id=to_hide), at="hide")
        ui.again()
    ui.flash(at="hide")
    hidden = snapshot.hidden_bottlenecks
    if not hidden:
        st.caption(_("Nothing is hidden."))
        return
    restore = st.selectbox(
        _("Restore"),
        [b["id"] for b in hidden],
        format_func=lambda i: f"#{i} {snapshot.bottleneck(i)['text'][:70]}",
        placeholder=_("Choose an option"),
        index=None,
        key="restore_pick",
    )
    if st.button(_("Restore"), disabled=restore is None):
        said = _("Restored: #{id}.").format(id=restore)
        ctx.act(actions.hide_bottleneck, restore, False, success=said, at="restore")
        ui.again()
    ui.flash(at="restore")


@st.fragment
def moderate(shown: ui.Context) -> None:
    """The facilitator's tools for the board: suggested duplicates, merge, edit, hide. A fragment:
    each action reruns this part only (the board above follows by itself), and the tabs, keyed,
    keep their place."""
    ctx = shown.fresh()
    st.header(_("Moderate"))
    ids = [b["id"] for b in ctx.snapshot.live_bottlenecks]
    suggested, merge, edit, hide = st.tabs([_(tab) for tab in TABS], key="moderate-tab", on_change="rerun")
    # Only the open tab is drawn (the tabs track which one is open): less to send on every click.
    if suggested.open is not False:
        with suggested:
            suggestions(ctx)
    for tab, form in ((merge, merge_form), (edit, edit_form), (hide, hide_form)):
        if tab.open is not False:
            with tab:
                form(ctx, ids)


def console(ctx: ui.Context) -> None:
    """Step 1's console under the live board, in the order the facilitator uses it."""
    if ctx.facilitator and ctx.snapshot.workshop["review_minutes"]:
        review_panel(ctx)
    if ctx.facilitator:
        brainstorm_panel(ctx)
        readiness_panel(ctx)
    prompts(ctx)
    if ctx.facilitator:
        moderate(ctx)


console(ui.open_step(__file__))
