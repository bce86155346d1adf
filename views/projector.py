"""Projector view: join code, QR code, the live header and each step's own content — never a key.

Laid out for a 1920×1080 beamer read from 10 m: body text 28 px, no text (chart labels included)
under 24 px, the join code 84 px (more where the page is zoomed down, so it stays ≥ 72 px on
screen), nothing that scrolls. Smaller screens get the same layout zoomed down (CSS `zoom` at
fixed breakpoints), so what fits at 1080p fits at 720p too. The header holds the workshop's title
and the step's aim in one line; the step's number and title are the live bar's, below it.
Step 1 shows the live board; steps 2–5 show what the room is deciding and redraw when the
room's data changes (each step's content is in `projector_steps.py`, found through
`registry.py`). User text goes through `ui.safe` (Markdown escaping); the only HTML is
the fixed CSS below, the normalised join code and step 4's bars (counts only).
"""

import html
import io

import segno
import streamlit as st

from views.kit import registry, ui
from workshop.domain.audience import PUBLIC, view
from workshop.domain.language import _
from workshop.domain.snapshot import Snapshot

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
.st-key-pj-head h1, .st-key-pj-head [data-testid='stMarkdownContainer'] p
  {margin:0; white-space:nowrap; overflow:hidden; text-overflow:ellipsis}
.pj-code {font-size:84px; font-weight:800; letter-spacing:.06em; line-height:1; color:#12233d; white-space:nowrap}
@media (max-width:1727px), (max-height:971px) {.pj-code {font-size:92px}}
@media (max-width:1535px), (max-height:863px) {.pj-code {font-size:108px}}
.st-key-pj-join [data-testid='stMarkdownContainer'] p {font-size:28px; margin:0}
.st-key-pj-join [data-testid='stText'], .st-key-pj-join [data-testid='stText'] *
  {font-size:24px !important; color:#2b323c !important; font-family:inherit; white-space:normal; overflow-wrap:anywhere}
.st-key-pj-join [data-testid='stImage'] img {max-width:136px}
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
.pj-picks {display:flex; flex-direction:column; gap:6px; margin:2px 0 6px}
.stMain .pj-picks p.pj-picks-head {font-size:28px; margin:0; color:#2c4563; font-weight:600}
.pj-pick {display:grid; grid-template-columns:130px 1fr 56px; align-items:center; gap:10px; font-size:28px;
  color:#1b1f24}
.pj-bar {height:28px; background:#e6ebf2; border-radius:6px; overflow:hidden}
.pj-bar > span {display:block; height:100%; background:#7d8fa8}
.pj-pick-on {font-weight:800} .pj-pick-on .pj-bar > span {background:#1f5fbf}
.pj-pick-n {text-align:right; font-variant-numeric:tabular-nums; font-weight:700}
</style>"""


def header(ctx: ui.Context, snapshot: Snapshot) -> None:
    """The workshop's title and what to do now in one line (left), how to join (right): the join
    code is the largest text. The step's number and title are the live bar's, just below, so the
    screen says them once. Once the workshop has ended, nobody can join: the code goes."""
    step = snapshot.current_step
    if snapshot.ended:
        with st.container(key="pj-head"):
            st.title(ui.safe(snapshot.workshop["title"]), anchor=False)
            st.markdown(_("The workshop has ended. Thank you for taking part."))
        return
    left, right = st.columns([13, 8], vertical_alignment="center")
    with left.container(key="pj-head"):
        st.title(ui.safe(snapshot.workshop["title"]), anchor=False)
        st.markdown(_(step.goal))
    with right.container(key="pj-join"):
        url = ui.join_url(ctx.code)
        qr, code = st.columns([1, 2.6], vertical_alignment="center")
        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="png", scale=6, border=1)
        qr.image(
            buffer.getvalue(),
            width="stretch",
            alt=_("QR code that opens the join link for workshop {code}").format(code=ctx.code),
        )
        with code:
            st.markdown(_("Join with the code"))
            # The only HTML with data in it: the stored join code (letters and digits), escaped all the same.
            st.markdown(f"<div class='pj-code'>{html.escape(snapshot.code)}</div>", unsafe_allow_html=True)
            st.text(url)  # plain text: no link styling to fail contrast, nothing rendered as Markdown


def show(ctx: ui.Context) -> None:
    """The header, then the current step's content as the join code may see it."""
    snapshot = view(ctx.snapshot, PUBLIC)  # the projector shows what the join code may see
    step = snapshot.current_step
    st.markdown(CSS, unsafe_allow_html=True)
    header(ctx, snapshot)
    shown = registry.view(step.key)
    # The page redraws its own content as the room's data changes; on step 1 that is only the readiness
    # check's results (the board is the live element's), shown until the clock starts.
    follow = not shown.board or snapshot.readiness_showing
    ui.live(ctx, "projector", board=shown.board, step_key=step.key, follow=follow)
    with st.container(key="pj-body"):
        shown.project(snapshot)


show(ui.context())  # which also keeps every credential out of the (projected) address bar
