"""Projector view: join code, QR code, the live header and each step's own content — never a key.

Laid out for a 1920×1080 beamer read from 10 m: body text 28 px, the join code 108 px,
chart labels 20 px, nothing that scrolls. Smaller screens get the same layout zoomed
down (CSS `zoom` at fixed breakpoints), so what fits at 1080p fits at 720p too.
Step 1 shows the live board; steps 2–5 show what the room is deciding and redraw when the
room's data changes. User text goes through `ui.safe` (Markdown escaping); the only HTML is
the fixed CSS below and the normalised join code.
"""

import io
from collections.abc import Callable

import segno
import streamlit as st

from views import ui
from workshop import charts, checklist, decide, numbers
from workshop.scoring import method_by_key
from workshop.state import Initiative, Snapshot
from workshop.steps import STEPS, outcome_by_key, stage_by_key

TOP_RANKED = 6          # ranking lines beside the step-3 chart
SIDE_ITEMS = 3          # money estimates and unmapped notes beside the impact map
OWNER_CARDS = 6         # step-5 cards (two rows of three)
CHART_WIDTH = 1140      # px: the chart column at 1920 wide (Streamlit fits axes and legend inside)
CHART_HEIGHT = 580      # px: what is left under the header and the live strip

# Fixed CSS: the page is designed at 1920×1080 and zoomed to fit smaller screens.
CSS = """<style>
header[data-testid='stHeader'], section[data-testid='stSidebar'],
[data-testid='stSidebarCollapsedControl'] {display:none !important}
.stMain .block-container {padding:14px 28px 0 28px !important; max-width:100% !important}
@media (max-width:1919px), (max-height:1079px) {.stMain .block-container {zoom:.9}}
@media (max-width:1727px), (max-height:971px) {.stMain .block-container {zoom:.8}}
@media (max-width:1535px), (max-height:863px) {.stMain .block-container {zoom:.6667}}
@media (max-width:1279px), (max-height:719px) {.stMain .block-container {zoom:.5}}
@media (min-width:2560px) and (min-height:1440px) {.stMain .block-container {zoom:1.333}}
.stMain [data-testid='stMarkdownContainer'] p, .stMain [data-testid='stMarkdownContainer'] li
  {font-size:28px; line-height:1.3; color:#1b1f24}
.stMain [data-testid='stVerticalBlock'] {gap:10px}
.st-key-pj-head h1 {font-size:50px !important; padding:0 !important; line-height:1.15}
.st-key-pj-head [data-testid='stMarkdownContainer'] p {margin:0}
.pj-code {font-size:108px; font-weight:800; letter-spacing:.06em; line-height:1; color:#12233d; white-space:nowrap}
.st-key-pj-join [data-testid='stText'], .st-key-pj-join [data-testid='stText'] *
  {font-size:20px !important; color:#2b323c !important; font-family:inherit; white-space:normal; overflow-wrap:anywhere}
.st-key-pj-body h3 {font-size:36px !important; padding:0 0 4px 0 !important; line-height:1.2}
.st-key-pj-body h2 {font-size:48px !important; padding:0 !important}
.st-key-pj-list li, .st-key-pj-rank li {white-space:nowrap; overflow:hidden; text-overflow:ellipsis}
.st-key-pj-rank li p {display:inline}
.st-key-pj-body [data-testid='stVerticalBlockBorderWrapper'], .st-key-pj-body [data-testid='stLayoutWrapper']
  {border-color:#8a96a8}
.st-key-pj-body .clamp2 p, .pj-clamp p {display:-webkit-box; -webkit-line-clamp:2; -webkit-box-orient:vertical;
  overflow:hidden}
[class*='st-key-pj-card'] p {display:-webkit-box; -webkit-line-clamp:3; -webkit-box-orient:vertical; overflow:hidden}
[class*='st-key-pj-card'] h3 {display:-webkit-box; -webkit-line-clamp:2; -webkit-box-orient:vertical; overflow:hidden}
[class*='st-key-pj-card'] [data-testid='stAlert'] p {font-size:28px}
</style>"""


def show_bottlenecks(snapshot: Snapshot) -> None:
    """The live board is drawn by the live element below the header."""


def _bullets(lines: list[str]) -> str:
    """One Markdown list of already escaped lines (one element, so no gaps between lines)."""
    return "\n".join(f"- {line}" for line in lines)


def show_impact(snapshot: Snapshot) -> None:
    chart, side = st.columns([5, 3])
    with chart:
        st.altair_chart(charts.impact_map(snapshot, width=CHART_WIDTH, height=CHART_HEIGHT),
                        theme=None, width=CHART_WIDTH)
    with side.container(key="pj-list"):
        top = snapshot.live_bottlenecks[:10]
        linked = {i["bottleneck_id"] for i in snapshot.impacts}
        st.markdown(f"### {sum(b['id'] in linked for b in top)} of {len(top)} top bottlenecks linked to an impact")
        costly = sorted((i for i in snapshot.impacts if i["money"]), key=lambda i: -i["money"])[:SIDE_ITEMS]
        if costly:
            st.markdown("### Largest money estimates")
            st.markdown(_bullets([ui.safe(f"{numbers.money_short(i['money'])} · {outcome_by_key(i['outcome']).title}"
                                          f" — {snapshot.bottleneck(i['bottleneck_id'])['text']}") for i in costly]))
        waiting = [b for b in top if b["id"] not in linked][:SIDE_ITEMS]
        if waiting:
            st.markdown("### Still to map")
            st.markdown(_bullets([ui.safe(f"{row['text']} ({numbers.plural(row['votes'], 'vote')})")
                                  for row in waiting]))


def _ranking_line(snapshot: Snapshot, n: int, item: Initiative) -> str:
    """'1. Title' and its figures: the same rounding as the summary, Markdown and PDF."""
    a = item.aggregate
    method = method_by_key(snapshot.method)
    if a is None:
        return ui.safe(f"{n}. {item.title} · not scored yet")
    flag = f" · discuss {', '.join(a.disputed)}" if a.disputed else ""
    return ui.safe(f"{n}. {item.title}") + (f"  \n**{method.title} {numbers.priority(a.priority(snapshot.method))}**"
                                            f" · urgency {numbers.measure(a.urgency)}{flag}")


def show_prioritise(snapshot: Snapshot) -> None:
    method = method_by_key(snapshot.method)
    chart, side = st.columns([5, 3])
    with chart:
        st.altair_chart(charts.roi_urgency(snapshot, labels=TOP_RANKED * 2, width=CHART_WIDTH, height=CHART_HEIGHT),
                        theme=None, width=CHART_WIDTH)
    with side.container(key="pj-rank"):
        st.markdown(f"### Ranking by {method.title}")
        if not snapshot.plan:
            st.markdown("No initiatives yet: propose them from your phone.")
            return
        st.markdown(_bullets([_ranking_line(snapshot, n, item)
                              for n, item in enumerate(snapshot.plan[:TOP_RANKED], start=1)]))
        if len(snapshot.plan) > TOP_RANKED:
            st.markdown(f"and {len(snapshot.plan) - TOP_RANKED} more")


def _decision_card(n: int, item: Initiative) -> None:
    st.markdown("### " + ui.safe(f"{n}. {item.title}"))
    saved = item.decision
    if saved is None:
        st.markdown("Not decided yet.")
        return
    st.markdown(f"## {decide.CHOICE_TITLES[saved['choice']]}")
    if saved["choice"] != saved["recommendation"]:
        st.markdown(f"Overrules the recommendation: **{decide.CHOICE_TITLES[saved['recommendation']]}**")
    else:
        st.markdown("As recommended")
    st.markdown(ui.safe(f"Why: {saved['rationale']}"))
    reasons = decide.recommend(saved["answers"]).reasons[:2]
    if reasons:
        st.markdown(_bullets(reasons))
    flags = decide.risk_flags(saved["choice"], saved["answers"], item.title, item.description)
    if flags:
        st.error(flags[0] + (f" (+{len(flags) - 1} more)" if len(flags) > 1 else ""), icon=":material/warning:")


def show_decide(snapshot: Snapshot) -> None:
    if not snapshot.top:
        st.markdown("### No initiatives to decide on yet.")
        return
    for n, (column, item) in enumerate(zip(st.columns(len(snapshot.top)), snapshot.top), start=1):
        with column.container(border=True, key=f"pj-card-{n}"):
            _decision_card(n, item)


def _owner_card(item: Initiative) -> None:
    st.markdown("### " + ui.safe(item.title))
    owner = item.owner
    if owner is None:
        st.markdown("**Owner needed**")
        return
    st.markdown(ui.safe(f"DRI: {owner['owner']}"))
    st.markdown(ui.safe(f"{owner['metric']}: {numbers.measure(owner['baseline'], owner['unit'])} → "
                        f"{numbers.measure(owner['target'], owner['unit'])}"))
    st.markdown(f"First check-in {owner['checkin']}")


def show_owners(snapshot: Snapshot) -> None:
    items = checklist.evaluate(snapshot)
    confirmed = bool(snapshot.workshop["observability_confirmed"])
    st.markdown(f"Ship It checklist: **{sum(i.done for i in items)} of {len(items)} done** · observability "
                + ("confirmed" if confirmed else "**not confirmed yet**"))
    decided = snapshot.decided
    if not decided:
        st.markdown("### No decided initiatives yet.")
        return
    shown = decided[:OWNER_CARDS]
    for row in range(0, len(shown), 3):
        for n, (column, item) in enumerate(zip(st.columns(3), shown[row:row + 3]), start=row):
            with column.container(border=True, key=f"pj-card-owner-{n}"):
                _owner_card(item)
    if len(decided) > OWNER_CARDS:
        st.markdown(f"and {len(decided) - OWNER_CARDS} more decided initiatives")


SHOW: dict[str, Callable[[Snapshot], None]] = {
    "bottlenecks": show_bottlenecks, "impact": show_impact, "prioritise": show_prioritise,
    "decide": show_decide, "owners": show_owners,
}


def header(ctx: ui.Context, snapshot: Snapshot) -> None:
    """What to do now (left) and how to join (right): the join code is the largest text."""
    step = snapshot.current_step
    stage = stage_by_key(snapshot.workshop["stage"])
    left, right = st.columns([13, 8], vertical_alignment="center")
    with left.container(key="pj-head"):
        st.title(f"Step {step.number} of {len(STEPS)}: {step.title}", anchor=False)
        st.markdown(step.guidance)
        st.markdown(f"**{stage.title}:** {stage.advice[step.key]}")
    with right.container(key="pj-join"):
        url = ui.join_url(ctx.code)
        qr, code = st.columns([1, 2.3], vertical_alignment="center")
        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="png", scale=6, border=1)
        qr.image(buffer.getvalue(), width="stretch", alt=f"QR code that opens the join link for workshop {ctx.code}")
        with code:
            st.markdown("Join with the code")
            st.markdown(f"<div class='pj-code'>{ctx.code}</div>", unsafe_allow_html=True)
            st.text(url)  # plain text: no link styling to fail contrast, nothing rendered as Markdown


ctx = ui.context()
for secret in ("p", "l"):  # a projected URL bar must not show anyone's token or leader link
    if secret in st.query_params:
        del st.query_params[secret]
snapshot = ctx.snapshot
step = snapshot.current_step

st.markdown(CSS, unsafe_allow_html=True)
header(ctx, snapshot)
ui.live(ctx, "projector", board=step.key == "bottlenecks", step_key=step.key, follow=step.key != "bottlenecks")
with st.container(key="pj-body"):
    SHOW[step.key](snapshot)
