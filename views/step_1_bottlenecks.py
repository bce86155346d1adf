"""Step 1 — Bottleneck mapping: add, tag, dot-vote; the facilitator merges, edits and hides."""

import streamlit as st

from views import registry, ui
from workshop import actions, numbers
from workshop.steps import DIMENSIONS, NOTE_MAX

STEP = registry.of_page(__file__).step
ctx = ui.context()
ui.step_frame(ctx, STEP)

ui.facilitator_sidebar(ctx)
ui.live(ctx, "facilitator", board=True, step_key=STEP.key)

with st.expander("Prompts to get the room going"):
    for column, dimension in zip(st.columns(3), DIMENSIONS):
        with column:
            st.write(f"**{dimension.title}** — {dimension.scope}")
            for prompt in dimension.prompts:
                st.write(f"- {prompt}")

if ctx.facilitator:
    snapshot = ctx.snapshot
    st.subheader("Moderate")
    live = snapshot.live_bottlenecks

    def label(bottleneck_id: int) -> str:
        row = snapshot.bottleneck(bottleneck_id)
        return f"#{row['id']} [{row['dimension']}] {row['text'][:70]} ({numbers.plural(row['votes'], 'vote')})"

    ids = [b["id"] for b in live]
    merge, edit, hide = st.tabs(["Merge duplicates", "Edit", "Hide / restore"])
    with merge:
        with st.form("merge"):
            source = st.selectbox("Duplicate to fold in", ids, format_func=label, index=None)
            target = st.selectbox("Keep this one (votes carry over)", ids, format_func=label, index=None)
            if st.form_submit_button("Merge"):
                if source is None or target is None:
                    st.error("Choose both bottlenecks.")
                else:
                    ui.act(
                        actions.merge_bottlenecks,
                        ctx.db,
                        ctx.code,
                        ctx.key,
                        source,
                        target,
                        success="Merged: votes carried over.",
                    )
                    st.rerun()
    with edit:
        chosen = st.selectbox("Bottleneck", ids, format_func=label, index=None, key="edit_pick")
        if chosen is not None:
            row = snapshot.bottleneck(chosen)
            with st.form("edit"):
                text = st.text_area("Text", value=row["text"], max_chars=NOTE_MAX)
                keys = [d.key for d in DIMENSIONS]
                dimension = st.selectbox("Dimension", keys, index=keys.index(row["dimension"]))
                if st.form_submit_button("Save"):
                    ui.act(
                        actions.edit_bottleneck, ctx.db, ctx.code, ctx.key, chosen, text, dimension, success="Saved."
                    )
                    st.rerun()
    with hide:
        to_hide = st.selectbox("Hide as noise", ids, format_func=label, index=None, key="hide_pick")
        if st.button("Hide", disabled=to_hide is None):
            ui.act(actions.hide_bottleneck, ctx.db, ctx.code, ctx.key, to_hide, True, success="Hidden.")
            st.rerun()
        hidden = snapshot.hidden_bottlenecks
        if hidden:
            restore = st.selectbox(
                "Restore",
                [b["id"] for b in hidden],
                format_func=lambda i: f"#{i} {snapshot.bottleneck(i)['text'][:70]}",
                index=None,
                key="restore_pick",
            )
            if st.button("Restore", disabled=restore is None):
                ui.act(actions.hide_bottleneck, ctx.db, ctx.code, ctx.key, restore, False, success="Restored.")
                st.rerun()
        else:
            st.caption("Nothing is hidden.")
