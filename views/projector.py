"""Projector view: join code, QR code, countdown and each step's own content — never the key.

Step 1 shows the live board; steps 2–5 show what the room is deciding (impact map,
ranking chart, build/buy/partner calls, owners) and redraw when the room's data changes.
User text goes through `ui.safe` or plain-text elements; the only HTML is fixed CSS and the
normalised join code.
"""

import io
from collections.abc import Callable

import segno
import streamlit as st

from views import ui
from workshop import charts, checklist, decide
from workshop.scoring import method_by_key
from workshop.state import Snapshot
from workshop.steps import outcome_by_key, stage_by_key

TOP_RANKED = 8


def show_bottlenecks(snapshot: Snapshot) -> None:
    """The live board is drawn by the live element below the header."""


def show_impact(snapshot: Snapshot) -> None:
    chart, side = st.columns([5, 3])
    with chart:
        st.altair_chart(charts.impact_map(snapshot, width=900), theme=None, width="stretch")
    with side:
        top = snapshot.live_bottlenecks[:10]
        linked = {i["bottleneck_id"] for i in snapshot.impacts}
        st.metric("Top-10 bottlenecks with an impact", f"{sum(b['id'] in linked for b in top)} of {len(top)}")
        costly = sorted((i for i in snapshot.impacts if i["money"]), key=lambda i: -i["money"])[:5]
        if costly:
            st.markdown("#### Largest money estimates")
            for impact in costly:
                st.markdown(ui.safe(f"€{impact['money']:,.0f}/yr · {outcome_by_key(impact['outcome']).title} — "
                                    f"{snapshot.bottleneck(impact['bottleneck_id'])['text']}"))
        waiting = [b for b in top if b["id"] not in linked][:5]
        if waiting:
            st.markdown("#### Still to map")
            for row in waiting:
                st.markdown(ui.safe(f"{row['text']} ({row['votes']} votes)"))


def show_prioritise(snapshot: Snapshot) -> None:
    method = method_by_key(snapshot.method)
    chart, side = st.columns([5, 3])
    with chart:
        st.altair_chart(charts.roi_urgency(snapshot, labels=TOP_RANKED, width=900, height=430), theme=None, width="stretch")
    with side:
        st.markdown(f"#### Ranking · {method.formula}")
        if not snapshot.plan:
            st.markdown("No initiatives yet: propose them from your phone.")
        for n, item in enumerate(snapshot.plan[:TOP_RANKED], start=1):
            a = item.aggregate
            figures = (f"{method.title} {a.priority(snapshot.method):.2f} · urgency {a.urgency:g} · "
                       f"{a.scorers} scorer{'s' if a.scorers != 1 else ''}" if a else "not scored yet")
            flag = f" · discuss: {', '.join(a.disputed)}" if a and a.disputed else ""
            st.markdown(ui.safe(f"{n}. {item.title}") + f"  \n{figures}{flag}")
        if len(snapshot.plan) > TOP_RANKED:
            st.caption(f"and {len(snapshot.plan) - TOP_RANKED} more")


def show_decide(snapshot: Snapshot) -> None:
    if not snapshot.top:
        st.markdown("### No initiatives to decide on yet.")
        return
    for n, (column, item) in enumerate(zip(st.columns(len(snapshot.top)), snapshot.top), start=1):
        with column.container(border=True):
            st.markdown("### " + ui.safe(f"{n}. {item.title}"))
            saved = item.decision
            if saved is None:
                st.markdown("Not decided yet.")
                continue
            choice, recommended = decide.CHOICE_TITLES[saved["choice"]], decide.CHOICE_TITLES[saved["recommendation"]]
            st.markdown(f"## {choice}")
            if saved["choice"] != saved["recommendation"]:
                st.markdown(f"Overrules the recommendation: **{recommended}**")
            else:
                st.markdown("As recommended")
            for reason in decide.recommend(saved["answers"]).reasons:
                st.markdown(f"- {reason}")
            st.markdown(ui.safe(f"Why: {saved['rationale']}"))
            for flag in decide.risk_flags(saved["choice"], saved["answers"], item.title, item.description):
                st.error(flag, icon=":material/warning:")


def show_owners(snapshot: Snapshot) -> None:
    items = checklist.evaluate(snapshot)
    st.markdown(f"#### Ship It checklist: {sum(i.done for i in items)} of {len(items)} done")
    if not snapshot.decided:
        st.markdown("### No decided initiatives yet.")
    for item in snapshot.decided:
        with st.container(border=True):
            title, who = st.columns([3, 2])
            title.markdown("### " + ui.safe(item.title))
            owner = item.owner
            if owner is None:
                who.markdown("### Owner needed")
                continue
            unit = f" {owner['unit']}" if owner["unit"] else ""
            who.markdown("### " + ui.safe(f"DRI: {owner['owner']}"))
            st.markdown(ui.safe(f"{owner['metric']}: {owner['baseline']:g}{unit} → {owner['target']:g}{unit} · "
                                f"first check-in {owner['checkin']}"))
    confirmed = bool(snapshot.workshop["observability_confirmed"])
    st.markdown("Observability (logging, tracing, metrics): " + ("confirmed" if confirmed else "**not confirmed yet**"))


SHOW: dict[str, Callable[[Snapshot], None]] = {
    "bottlenecks": show_bottlenecks, "impact": show_impact, "prioritise": show_prioritise,
    "decide": show_decide, "owners": show_owners,
}

ctx = ui.context()
for secret in ("p", "l"):  # a projected URL bar must not show anyone's token or leader link
    if secret in st.query_params:
        del st.query_params[secret]
snapshot = ctx.snapshot
step = snapshot.current_step
stage = stage_by_key(snapshot.workshop["stage"])

st.markdown("<style>section[data-testid='stSidebar']{display:none} .block-container{padding-top:1rem;max-width:100%}"
            "h1{font-size:2.6rem !important} [data-testid='stMarkdownContainer'] p,"
            "[data-testid='stMarkdownContainer'] li{font-size:1.35rem}</style>", unsafe_allow_html=True)
left, right = st.columns([7, 1])
with left:
    st.title(ui.safe(snapshot.workshop["title"]))
    st.subheader(f"Step {step.number}: {step.title} — {step.goal}")
    st.caption(f"{step.guidance}  \n**{stage.title}:** {stage.advice[step.key]}")
with right:
    buffer = io.BytesIO()
    segno.make(ui.join_url(ctx.code), error="m").save(buffer, kind="png", scale=6, border=1)
    st.image(buffer.getvalue(), width="stretch")
    st.markdown(f"<div style='font-size:1.8rem;font-weight:800;text-align:center;letter-spacing:.15em'>{ctx.code}</div>",
                unsafe_allow_html=True)
    st.caption(ui.join_url(ctx.code))

ui.live(ctx, "projector", board=step.key == "bottlenecks", step_key=step.key, follow=step.key != "bottlenecks")
SHOW[step.key](snapshot)
