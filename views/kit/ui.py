"""Shared page plumbing: the page list, who is looking, the live element, the sidebar.

Pages stay thin: they read widgets, call one `workshop` function through `act`, and show
the result. User text is shown with `st.text`/`st.caption`-free plain elements or data
frames, never as Markdown or HTML.
"""

from __future__ import annotations

import inspect
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from views.kit import registry
from workshop import actions, store
from workshop.domain import language, numbers
from workshop.domain.audience import FACILITATOR, LEADER, PUBLIC, Audience, Place, participant, places
from workshop.domain.errors import WorkshopError
from workshop.domain.language import N_, _
from workshop.domain.pitfalls import pitfalls
from workshop.domain.snapshot import Snapshot
from workshop.domain.text import md_escape
from workshop.domain.vocabulary import STEPS, Step, normalise_code, stage_by_key
from workshop.live import web
from workshop.live.payload import element_texts, room_state, vocabulary
from workshop.store import Database
from workshop.store.load import load

HERE = Path(__file__).resolve().parent.parent  # views/, where the pages are
T = TypeVar("T")


def _page(
    file: str | Path, title: str, icon: str, url: str, default: bool = False, visibility: str = "visible"
) -> st.Page:
    return st.Page(str(HERE / file), title=title, icon=icon, url_path=url, default=default, visibility=visibility)  # type: ignore[arg-type]


def listed() -> tuple[tuple[Place, st.Page], ...]:
    """The pages a sidebar may list, each with its place in the audience model (`audience.places`)."""
    return (
        ("start", _page("home.py", _("Start"), ":material/home:", "start", default=True)),
        *(("steps", _page(v.page, _(v.title), f":material/counter_{v.step.number}:", v.url)) for v in registry.VIEWS),
        ("room", _page("room.py", _("Your screen"), ":material/smartphone:", "room")),
        ("projector", _page("projector.py", _("Projector view"), ":material/cast:", "projector")),
        ("summary", _page("summary.py", _("Ship It summary"), ":material/rocket_launch:", "ship-it")),
        ("audit", _page("audit.py", _("Audit trail"), ":material/history:", "audit")),
    )


def pages() -> list[st.Page]:
    """Every page, built from the one tuple of steps, for `st.navigation` (whose own sidebar list
    stays hidden: `nav` lists each audience's pages as plain links)."""
    return [
        *(page for _place, page in listed()),
        # Behind the portfolio key and never listed: participants never see a link to it.
        _page("portfolio.py", _("Portfolio"), ":material/folder_open:", "portfolio", visibility="hidden"),
        # An owner's own link (/owner?ws=CODE&o=TOKEN): never listed, and it lists nothing.
        _page("owner.py", _("Your check-ins"), ":material/assignment_ind:", "owner", visibility="hidden"),
    ]


def nav(ctx: Context) -> None:
    """The sidebar's page links for whoever is looking, decided by `audience.places`.

    Plain links rather than Streamlit's own page list, whose list markup axe flags as serious on
    every page; and no dead ends, e.g. no step pages for a leader.
    """
    shown = places(audience(ctx))
    with st.sidebar, st.container(key="nav", gap=None):
        for place, page in listed():
            if place in shown:
                st.page_link(page, query_params=ctx.params())


def sidebar(ctx: Context) -> None:
    """The sidebar of a page about one workshop: the facilitator's controls, else the page links."""
    if ctx.facilitator:
        facilitator_sidebar(ctx)
    else:
        nav(ctx)


# --- language ---------------------------------------------------------------------------

LANGUAGE_COOKIE = "sw_lang"  # a phone's own choice of language (its switcher), kept by that browser
_LANG = st.components.v2.component(
    "scaling_workshop.lang",
    # Several lines each: inline code, not a file.
    js="// <html lang>: the page's language, for screen readers and axe\n"
    "export default function (c) { document.documentElement.lang = c.data.lang; }",
    css="/* no room taken */\n[class*='st-key-page-lang'] {display: none}",
    isolate_styles=False,
)


def browser_language() -> str | None:
    """This browser's language if it is one of ours: its switcher's choice, else `Accept-Language`."""
    chosen = language.supported(cookies().get(LANGUAGE_COOKIE))
    if chosen:
        return chosen
    header = str(st.context.headers.get("Accept-Language") or "")[:500]
    tags = [part.split(";")[0] for part in header.split(",")]
    return language.negotiate(header) if any(language.supported(tag) for tag in tags) else None


def speak(code: str | None) -> str:
    """Speak `code` for the rest of this page run, and say so to the browser (`<html lang>`)."""
    spoken = language.activate(code)
    _LANG(key="page-lang", data={"lang": html_lang(spoken)})
    return spoken


def html_lang(code: str) -> str:
    """A language as `<html lang>` names it: the pseudo-language as the reserved pseudo-English tag."""
    return "en-XA" if code == language.PSEUDO else code


def step_page(step_key: str) -> str:
    return str(registry.view(step_key).page)


ROOM_PAGE = str(HERE / "room.py")


def enter(db: Database, code: str, token: str | None) -> None:
    """Take this identity into the room: participants to their one live screen, which
    follows every step by itself; the facilitator to the console of the current step.

    The identity stays with this browser session (and, once the page has posted it, in a
    cookie), never in the address: the console may be projected."""
    code = sign_in(code, token)
    params = {"ws": code}
    participant = actions.identify(db, code, token) if token else None
    if participant is not None and not participant["is_facilitator"]:
        st.switch_page(ROOM_PAGE, query_params=params)
    st.switch_page(step_page(load(db, code).current_step.key), query_params=params)


def sign_in(code: str, token: str | None) -> str:
    """Make `token` who this session is in the workshop (its normalised code is returned)."""
    code = normalise_code(code)
    known = _identities()
    known[code] = (token, known.get(code, (None, None))[1])
    st.session_state["ws"] = code
    return code


def open_step(page_file: str) -> Context:
    """The frame shared by the step pages (each passes its own `__file__`): context, title and
    guidance, sidebar, live header (with the live board on the step whose content it is)."""
    shown = registry.of_page(page_file)
    ctx = context()
    step_frame(ctx, shown.step)
    facilitator_sidebar(ctx)
    live(ctx, "facilitator", board=shown.board, step_key=shown.step.key)
    return ctx


# --- who is looking ------------------------------------------------------------------


@dataclass
class Context:
    """The workshop on screen and the person looking at it."""

    db: Database
    code: str
    token: str | None
    snapshot: Snapshot
    participant: dict[str, Any] | None
    facilitator: bool
    leader_token: str | None = None

    @property
    def key(self) -> str | None:
        """The credential facilitator actions are checked against (a device token)."""
        return self.token if self.facilitator else None

    @property
    def leader(self) -> bool:
        """Opened through the workshop's current leader link (read-only, may add check-ins)."""
        return self.leader_token is not None

    @property
    def follower(self) -> str | None:
        """The credential check-ins are recorded with: the facilitator's, else the leader link."""
        return self.key or self.leader_token

    def params(self, **extra: str) -> dict[str, str]:
        """The address of another page of this workshop: the code only, never a credential
        (the session and the cookies carry who is looking)."""
        return {"ws": self.code, **extra}

    def act(
        self,
        action: Callable[..., T],
        *args: Any,
        success: str | None = None,
        here: bool = False,
        at: str | None = None,
        about: str | None = None,
        **kwargs: Any,
    ) -> T | None:
        """`act(action, db, code, credential, *args)` for this workshop and the person looking.

        Every action takes `(db, code, credential, ...)`, and the name of its credential says
        which one it checks, so a page never passes the wrong one (see `CREDENTIALS`). `at` and
        `about` place the answer beside the form that asked, naming the item (see `act`).
        """
        credential = getattr(self, CREDENTIALS[_credential_name(action)])
        return act(
            action, self.db, self.code, credential, *args, success=success, here=here, at=at, about=about, **kwargs
        )

    def fresh(self) -> Context:
        """The same person on the workshop as it is now. A fragment reruns alone, with the arguments
        of the page's last full run, so it reads the workshop again before it shows anything."""
        return replace(self, snapshot=load(self.db, self.code))


# An action's credential parameter -> the `Context` property holding it: the facilitator's key for
# facilitator actions, the participant's token for a participant's own writes, and for check-ins
# whoever follows the workshop up (the facilitator, else the leader link).
CREDENTIALS = {"key": "key", "token": "token", "credential": "follower"}


@cache
def _credential_name(action: Callable[..., Any]) -> str:
    """The name of an action's third parameter, the credential it is checked against."""
    return list(inspect.signature(action).parameters)[2]


def audience(ctx: Context) -> Audience:
    """Who is looking, in the audience model's terms (`workshop/domain/audience.py` decides what they see)."""
    if ctx.facilitator:
        return FACILITATOR
    if ctx.participant is not None:
        return participant(int(ctx.participant["id"]))
    return LEADER if ctx.leader else PUBLIC


def connect() -> Database:
    """A fresh connection for this script run (never shared across Streamlit threads); a database
    that does not answer (PostgreSQL restarting) is one line on the page, and the next run retries."""
    try:
        return store.connect()
    except WorkshopError as exc:
        st.error(safe(str(exc)))
        st.stop()


IDENTITIES = "_identities"  # this session's credentials per workshop code: (participant token, leader link)
LINK_SECRETS = ("p", "l")  # a link's credentials; the server moves valid ones into cookies (workshop/live/web.py)


def _identities() -> dict[str, tuple[str | None, str | None]]:
    known: dict[str, tuple[str | None, str | None]] = st.session_state.setdefault(IDENTITIES, {})
    return known


def cookies() -> dict[str, str]:
    """The cookies the page connected with, as plain text (a test harness may have none)."""
    return {str(k): v for k, v in dict(st.context.cookies).items() if isinstance(v, str)}


def _from_cookies(code: str, as_participant: bool) -> tuple[str | None, str | None]:
    """The credentials this browser keeps for a workshop (read when the page connected).

    A browser can hold a facilitator device and a participant of one workshop (someone trying
    the room from the console's browser): a participant's screen takes the participant, every
    other page the facilitator.
    """
    kept = cookies()
    kinds = (actions.FACILITATOR_DEVICE, actions.PARTICIPANT)
    tokens = [kept.get(web.cookie_name(code, kind)) for kind in (kinds[::-1] if as_participant else kinds)]
    return next((t for t in tokens if t), None), kept.get(web.cookie_name(code, actions.LEADER)) or None


def _remembered(as_participant: bool) -> tuple[str, str | None, str | None]:
    """The workshop from the URL (else this session), and who is looking: this session's
    sign-in, else the browser's cookies, else a credential still in the URL.

    Sidebar navigation drops query parameters, so the session keeps the code and writes it back
    to the URL. A credential never stays there: a valid link's is moved into a cookie by the
    server before the page loads, and any other is read once and removed from the address.
    """
    url_code = normalise_code(st.query_params.get("ws", "")) if st.query_params.get("ws") else ""
    if url_code:
        st.session_state["ws"] = url_code
    code = st.session_state.get("ws", "")
    if not code:
        return "", None, None
    known = _identities()
    token, leader = known[code] if code in known else _from_cookies(code, as_participant)
    token = st.query_params.get("p") or token
    leader = st.query_params.get("l") or leader
    known[code] = (token, leader)
    st.query_params["ws"] = code
    for secret in LINK_SECRETS:
        if secret in st.query_params:
            del st.query_params[secret]
    return code, token, leader


def context(as_participant: bool = False) -> Context:
    """Read `?ws=CODE` and who is looking, and load the workshop; stop with help when it is missing."""
    code, token, leader = _remembered(as_participant)
    if not code:
        st.info(_("Open a workshop first: create one, join one with its code, or open the sample."))
        st.page_link(str(HERE / "home.py"), label=_("Go to the start page"), icon=":material/home:")
        st.stop()
    db = connect()
    try:
        snapshot = load(db, code)
    except WorkshopError as exc:
        st.error(safe(exc.text()))
        st.page_link(str(HERE / "home.py"), label=_("Go to the start page"), icon=":material/home:")
        st.stop()
    # A participant's screen speaks their browser's language when it is one of ours; every other
    # page of a workshop (console, projector, summary) speaks the workshop's.
    speak((browser_language() if as_participant else None) or snapshot.language)
    participant = actions.identify(db, code, token) if token else None
    if token and participant is None:
        st.warning(_("This link's identity is not recognised for this workshop; join again to take part."))
        token = None
    facilitator = bool(participant and participant["is_facilitator"])
    if leader and not actions.is_leader(db, code, leader):
        st.warning(_("This leader link has been revoked or replaced: ask the facilitator for the current one."))
        leader = None
    _identities()[code] = (token, leader)
    kind = actions.FACILITATOR_DEVICE if facilitator else actions.PARTICIPANT
    remember(code, ((kind, token), (actions.LEADER, leader)))
    return Context(
        db=db,
        code=code,
        token=token,
        snapshot=snapshot,
        participant=participant,
        facilitator=facilitator,
        leader_token=leader,
    )


def require_identity(ctx: Context, leaders: bool = False) -> None:
    """Step pages and the summary are for the room and its leaders, not for a bare join code.

    The join code is on the wall: it lets people join (and shows the projector view), but
    the workshop's content needs a participant sign-in, the facilitator or (with `leaders`,
    on the summary) the leader link.
    """
    if ctx.participant is not None or (leaders and ctx.leader):
        return
    if ctx.leader:
        st.info(_("The leader link opens the Ship It summary and the follow-through."))
        st.page_link(
            str(HERE / "summary.py"),
            label=_("Open the Ship It summary"),
            icon=":material/rocket_launch:",
            query_params=ctx.params(),
        )
    elif ctx.snapshot.ended:
        st.info(
            _(
                "This workshop has ended. Its summary is open to the people who took part and to leaders: "
                "ask the facilitator for the leader link."
            )
        )
    else:
        st.info(_("Join the workshop to take part and see its board."))
        st.page_link(
            str(HERE / "home.py"),
            label=_("Join with the code {code}").format(code=ctx.code),
            icon=":material/login:",
            query_params={"join": ctx.code},
        )
    st.stop()


FLASH = "_flash"  # the last action's answer: (place, kind, text, when), shown where it belongs
# A placed answer stays beside its form this long, through the console's own reruns that follow a
# change (the page redraws when the room's data moves); one under the title is shown once.
ANSWER_SECONDS = 20.0


def act(
    fn: Callable[..., T],
    *args: Any,
    success: str | None = None,
    here: bool = False,
    at: str | None = None,
    about: str | None = None,
    **kwargs: Any,
) -> T | None:
    """Run one domain action; a refusal becomes a clear message and changes nothing.

    The message is shown once after the rerun that follows an action: beside the form that asked
    when it names its place `at` (its `flash(at)`), else under the page's title; with `here`, at
    once where the form is, for forms that do not rerun after a refusal. A refusal `about` an
    item names it ("'Self-serve onboarding': The first check-in date is in the past.").
    """
    try:
        result = fn(*args, **kwargs)
    except WorkshopError as exc:
        text = f"'{about}': {exc.text()}" if about else exc.text()
        if here:
            st.error(safe(text))
        else:
            st.session_state[FLASH] = (at, "error", text, time.time())
        return None
    if success:
        st.session_state[FLASH] = (at, "success", success, time.time())
    return result


def flash(at: str | None = None) -> None:
    """Show the outcome of the last action where it belongs: under the title once (it survives the
    rerun that follows it), or beside the form that asked (`at`) for `ANSWER_SECONDS`."""
    message = st.session_state.get(FLASH)
    if not message or message[0] != at:
        return
    _, kind, text, when = message
    if at is None or time.time() - when > ANSWER_SECONDS:
        del st.session_state[FLASH]
        if at is not None:
            return
    if kind == "error":
        st.error(safe(text), icon=":material/error:")
    else:
        st.success(safe(text), icon=":material/check_circle:")


# `WORKSHOP_CONSOLE_RERUN=page` makes every console action rerun the whole page, as before the
# fragments: bench/console_clicks.py measures both ways in one run (docs/benchmarks.md).
WHOLE_PAGE = os.environ.get("WORKSHOP_CONSOLE_RERUN") == "page"


def again() -> None:
    """Show the change just made: rerun only the fragment that made it when this is a fragment's
    own run (a click inside it), else the whole page (a full run, e.g. in a test harness)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    run = get_script_run_ctx()
    fragment = run is not None and bool(run.fragment_ids_this_run) and not WHOLE_PAGE
    st.rerun(scope="fragment" if fragment else "app")


def safe(text: str) -> str:
    """Text that may contain user input, escaped for elements that render Markdown."""
    return md_escape(text)


# The page posts a credential signed in during this session to the server, which keeps it in a
# cookie (`workshop/live/web.py`): a refresh then keeps who is looking, with nothing in the address.
# It draws nothing and takes no room: its element is hidden (its script still runs).
REMEMBER_MODULE = "remember.js"  # its own small element, not part of the live element
_REMEMBER = st.components.v2.component(
    "scaling_workshop.remember",
    js=(HERE / "live" / REMEMBER_MODULE).read_text(encoding="utf-8"),
    css="/* no room taken */\n[class*='st-key-remember-'] {display: none}",  # several lines: inline CSS, not a file
    isolate_styles=False,
)


def remember(code: str, credentials: tuple[tuple[str, str | None], ...]) -> None:
    """Have the browser keep each credential this session holds that its cookies do not."""
    kept = cookies()
    missing = [secret for kind, secret in credentials if secret and kept.get(web.cookie_name(code, kind)) != secret]
    if missing:
        _REMEMBER(key=f"remember-{code}", data={"code": code, "secrets": missing})


# --- live element ----------------------------------------------------------------------

LIVE = HERE / "live"
# The live element's modules, joined into one ES module: the core, then one view per step in
# step order (each adds itself to STEP_VIEWS), then the closing view.
LIVE_MODULES = ("helpers.js", "element.js", "polling.js", "board.js", "readiness.js", "steps.js",
                *(f"{step.key}.js" for step in STEPS), "closed.js", "erase.js")  # fmt: skip

_LIVE = st.components.v2.component(
    "scaling_workshop.live",
    js="\n".join((LIVE / name).read_text(encoding="utf-8") for name in LIVE_MODULES),
    css=(LIVE / "live.css").read_text(encoding="utf-8"),
    isolate_styles=True,
)


def live(ctx: Context, role: str, board: bool, step_key: str, min_interval: int = 0, follow: bool = False) -> None:
    """Mount the live element. On a participant's screen it draws every step itself and
    never reruns the page; the facilitator's and the projector's pages rerun when the room
    moves to another step (and, with `follow`, when its data changes, at most every 3 s)."""
    spoken = language.current()
    state = room_state(ctx.snapshot, lang=spoken)  # the snapshot this page run already read
    own = role == "participant" and browser_language() is not None
    result = _LIVE(
        key=f"live-{role}-{step_key}",
        data={
            "code": ctx.code,
            "token": ctx.token if role == "participant" else None,
            "role": role,
            "board": board,
            "step_key": step_key,
            "state": state,
            "server_now": time.time(),
            "min_interval": min_interval,
            "follow": follow,
            "vocabulary": vocabulary(spoken),
            "lang": spoken,
            "lang_tag": html_lang(spoken),
            "texts": element_texts(spoken),
            "follows_workshop": role != "participant" or not own,
            "languages": [{"code": c, "name": language.name(c), "tag": html_lang(c)} for c in language.languages()],
            "language_cookie": LANGUAGE_COOKIE,
            "summary_url": f"/ship-it?ws={ctx.code}" if role == "participant" and ctx.token else "",
            "name": ctx.participant["name"] if ctx.participant else "",
        },
        on_step_change=lambda: None,
        on_version_change=lambda: None,
    )
    moved = getattr(result, "step", None)
    if role == "facilitator" and moved and moved != step_key:
        enter(ctx.db, ctx.code, ctx.token)


# --- page frame ------------------------------------------------------------------------


def step_frame(ctx: Context, step: Step) -> None:
    """Title, guidance tailored to the stage context, and where the room is (facilitator only:
    participants are sent to their one live screen, `views/room.py`)."""
    snapshot = ctx.snapshot
    stage = stage_by_key(snapshot.workshop["stage"])
    st.title(f"{step.number}. {_(step.title)}")
    require_identity(ctx)
    st.caption(_(step.goal))
    current = snapshot.current_step
    if not ctx.facilitator:  # a participant's one screen follows the room without reruns
        st.switch_page(ROOM_PAGE, query_params=ctx.params())
    if current.key != step.key:
        st.info(
            _("The room is on step {number}, {title}. You are previewing this step.").format(
                number=current.number, title=_(current.title)
            )
        )
    with st.expander(_("How this step works"), expanded=step.key == current.key and not ctx.facilitator):
        st.write(_(step.guidance))
        st.write(f"**{_(stage.title)}:** {safe(_(snapshot.advice(step)))}")
    for warning in pitfalls(snapshot):
        st.warning(safe(_(warning)), icon=":material/warning:")
    flash()


# Fixed CSS for the console: less room above the sidebar's controls, so every one of them, the
# page links included, is in view without scrolling at 1440x900; the sections' headings (h2, in
# order under the h1 title) keep the size the console's sections had.
SIDEBAR_CSS = """<style>
[data-testid='stMain'] h2 {font-size:1.5rem}
[data-testid='stSidebarHeader'] {height:2.25rem; padding-top:.5rem; padding-bottom:0}
[data-testid='stSidebarUserContent'] {padding-top:0; padding-bottom:1rem}
section[data-testid='stSidebar'] [data-testid='stVerticalBlock'] {gap:.6rem}
.st-key-nav [data-testid='stPageLink-NavLink'] {padding-top:.05rem; padding-bottom:.05rem; min-height:0}
</style>"""

# The sidebar's clock (views/live/clock.js): a small element of its own, counting down in the browser.
CLOCK_MODULE = "clock.js"
_CLOCK = st.components.v2.component(
    "scaling_workshop.clock",
    js=(HERE / "live" / CLOCK_MODULE).read_text(encoding="utf-8"),
    css=(  # several lines: inline CSS, not a file
        ".sw-clock{display:flex;align-items:baseline;justify-content:space-between;gap:.5rem;padding:.35rem .75rem;"
        "border-radius:.5rem;background:#12233d;color:#fff;font-weight:600}"
        "\n.sw-clock-label,.sw-clock-time{white-space:nowrap}"
        "\n.sw-clock-time{font-size:1.75rem;font-variant-numeric:tabular-nums}"
        "\n.sw-clock[data-state=up]{background:#b3261e}"
        "\n.sw-clock[data-state=up] .sw-clock-label{font-size:1.35rem;font-weight:800}"
        "\n.sw-clock[data-state=up] .sw-clock-time{font-size:1.1rem}"
        "\n.sw-clock[data-state=paused],.sw-clock[data-state=pending]{background:#3d4b5f}"
        "\n.sw-clock[data-state=done],.sw-clock[data-state=ended]{background:#e8ebf0;color:#12233d}"
    ),
    isolate_styles=True,
)


def sidebar_clock(ctx: Context) -> None:
    """The room's step clock, always in view at the sidebar's top; a red "Time's up" once it has run out."""
    snapshot = ctx.snapshot
    timer = snapshot.timer(snapshot.current_step.key)
    _CLOCK(
        key="clock",
        data={
            "state": timer.state,
            "deadline": timer.deadline,
            "remaining": timer.remaining,
            "ended": snapshot.ended,
            "server_now": time.time(),
            "texts": element_texts(),  # its few words ("Time left", "Time's up") in the page's language
        },
    )


def facilitator_sidebar(ctx: Context) -> None:
    """The clock, the room's controls and the page links, all in view at 1440x900. Every button
    goes through a checked domain action; keyboard shortcuts (`SHORTCUTS`) work outside text fields."""
    snapshot = ctx.snapshot
    current = snapshot.current_step
    st.html(SIDEBAR_CSS)
    with st.sidebar:
        sidebar_clock(ctx)
        st.caption(
            _("Join code: {code} · Step {number} of {steps}: {title}").format(
                code=ctx.code, number=current.number, steps=len(STEPS), title=_(current.title)
            )
        )
        _clock_buttons(ctx)
        _step_buttons(ctx)
        lock, end = st.columns([3, 2], vertical_alignment="center")
        with lock:
            _lock_toggle(ctx)
        with end:
            _end_controls(ctx)
        flash(at=SIDEBAR_PLACE)  # the answer to a control, beside the controls
        st.caption(_("Keys: {keys}").format(keys=" · ".join(f"{key} {_(what)}" for key, what in SHORTCUTS.values())))
        language_control(ctx)
    nav(ctx)


def _lock_toggle(ctx: Context) -> None:
    """Lock or unlock the room's input."""
    locked = bool(ctx.snapshot.workshop["locked"])
    if st.toggle(_("Lock input"), value=locked, disabled=ctx.snapshot.ended) != locked:
        ctx.act(
            actions.set_locked,
            not locked,
            success=_("Input unlocked: participants can add and vote again.")
            if locked
            else _("Input locked: participants can no longer add or change anything."),
            at=SIDEBAR_PLACE,
        )
        st.rerun()


def language_control(ctx: Context) -> None:
    """The room's language (the projector, this console and the exports speak it; each phone may keep
    its own), changed from a small popover so the sidebar still fits at 1440x900."""
    now = ctx.snapshot.language
    with st.popover(language.name(now), icon=":material/translate:", help=_("The room's language")):
        chosen = st.selectbox(
            _("The room's language"),
            language.languages(),
            placeholder=_("Choose an option"),
            index=language.languages().index(now) if now in language.languages() else 0,
            format_func=language.name,
            key="room-language",
        )
        st.caption(_("The projector, this console and the exports follow it; each phone can keep its own."))
        if st.button(_("Change the language"), disabled=chosen == now, key="set-language"):
            said = language.translate(chosen, N_("The room now speaks {language}."))
            ctx.act(actions.set_language, chosen, success=said.format(language=language.name(chosen)), at=SIDEBAR_PLACE)
            st.rerun()


def table(frame: Any, column_config: dict[str, Any] | None = None, **options: Any) -> None:
    """A table on a page, in the current language: the frame keeps the English headings the code
    keys its columns by (`column_config` too), and this is where a person's heading is written,
    and a day is written as a person reads it (`numbers.day`; the files keep ISO)."""
    given = column_config or {}
    shown = frame.copy()
    labels: dict[str, Any] = {}
    for key in frame.columns:
        heading = _(str(key))
        setting = given.get(key, heading)  # a column set to None stays hidden
        if isinstance(setting, dict):
            setting = {**setting, "label": setting.get("label") or heading}
        labels[key] = setting
        if any(type(v) is date for v in frame[key]):
            shown[key] = [numbers.day(v) if type(v) is date else "" for v in frame[key]]
    st.dataframe(shown, hide_index=True, column_config=labels, **options)


def tracks_table(frame: Any) -> None:
    """Owned initiatives with a progress bar (the summary and the portfolio show the same table)."""
    table(
        frame,
        {
            "Progress %": st.column_config.ProgressColumn(
                _("Progress to target"), format="%.0f%%", min_value=0, max_value=100
            )
        },
        width="stretch",
    )


def phone_page(extra_css: str = "") -> None:
    """A one-person page (a participant's or an owner's): no sidebar page list, which such a page
    does not need and whose markup axe flags, and phone-sized margins. Fixed CSS only."""
    st.markdown(
        "<style>.block-container{padding-top:3.75rem;padding-left:.75rem;padding-right:.75rem}"
        "section[data-testid='stSidebar'],[data-testid='stExpandSidebarButton']{display:none}"
        f"{extra_css}</style>",
        unsafe_allow_html=True,
    )


def site_url() -> str:
    """This server's address as the browser sees it (for links and QR codes)."""
    from urllib.parse import urlsplit

    url = st.context.url or ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def join_url(code: str) -> str:
    return f"{site_url()}/?join={code}"


# --- facilitator console helpers ------------------------------------------------------------

SHORTCUTS: dict[str, tuple[str, str]] = {
    "next": ("N", N_("next step")),
    "back": ("B", N_("back (asks first)")),
    "clock": ("P", N_("start / pause")),
    "minute": ("M", N_("+1 min")),
}
CONFIRM_BACK = "_confirm_back"
SIDEBAR_PLACE = "sidebar"  # where the answers to the sidebar's controls are shown


def _clock_buttons(ctx: Context) -> None:
    """Start or pause the clock, add a minute: each with a shortcut and a confirmation."""
    snapshot = ctx.snapshot
    timer = snapshot.timer(snapshot.current_step.key)
    key = SHORTCUTS["clock"][0]
    cols = st.columns(2)
    if timer.state == "running":
        if cols[0].button(_("Pause"), icon=":material/pause:", width="stretch", shortcut=key):
            ctx.act(actions.pause_timer, step=snapshot.current_step.key, success=_("Clock paused."), at=SIDEBAR_PLACE)
            st.rerun()
    elif cols[0].button(
        _("Start"), icon=":material/play_arrow:", width="stretch", shortcut=key, disabled=snapshot.ended
    ):
        ctx.act(actions.start_timer, step=snapshot.current_step.key, success=_("Clock started."), at=SIDEBAR_PLACE)
        st.rerun()
    if cols[1].button(
        _("+1 min"),
        icon=":material/more_time:",
        width="stretch",
        shortcut=SHORTCUTS["minute"][0],
        disabled=snapshot.ended,
        help=_("Add one minute to this step"),
    ):
        shown = snapshot.current_step.key
        ctx.act(actions.extend_timer, 1, step=shown, success=_("One minute added."), at=SIDEBAR_PLACE)
        st.rerun()


def _step_buttons(ctx: Context) -> None:
    """Next and back; going back asks first, because the whole room moves with it."""
    snapshot = ctx.snapshot
    current = snapshot.current_step
    if st.session_state.get(CONFIRM_BACK) == current.key and current.number > 1:
        previous = STEPS[current.number - 2]
        st.warning(
            _("Take the room back to step {number}, {title}?").format(number=previous.number, title=_(previous.title))
        )
        cols = st.columns(2)
        if cols[0].button(_("Go back"), icon=":material/undo:", width="stretch", shortcut=SHORTCUTS["back"][0]):
            st.session_state.pop(CONFIRM_BACK, None)
            back = _("The room is back on step {number}, {title}.")
            _move(ctx, actions.previous_step, back.format(number=previous.number, title=_(previous.title)))
        if cols[1].button(_("Stay"), width="stretch", shortcut="Escape"):
            st.session_state.pop(CONFIRM_BACK, None)
            st.rerun()
        return
    cols = st.columns(2)
    # Each button is keyed by the step it was shown on: a click that reaches a console already on
    # another step (a double click, a second device) matches no button of this run and does nothing.
    if cols[0].button(
        _("Back"),
        key=f"back-{current.key}",
        icon=":material/arrow_back:",
        width="stretch",
        shortcut=SHORTCUTS["back"][0],
        disabled=current.number == 1 or snapshot.ended,
    ):
        st.session_state[CONFIRM_BACK] = current.key
        st.rerun()
    last = current.number == len(STEPS)
    if cols[1].button(
        _("Next"),
        key=f"next-{current.key}",
        icon=":material/arrow_forward:",
        icon_position="right",
        width="stretch",
        type="primary",
        shortcut=SHORTCUTS["next"][0],
        disabled=last or snapshot.ended,
    ):
        following = STEPS[current.number]
        moved = _("The room is on step {number}, {title}.")
        _move(ctx, actions.next_step, moved.format(number=following.number, title=_(following.title)))


def _move(ctx: Context, step_action: Callable[..., Any], success: str) -> None:
    """Move the room from the step this console showed, and follow it to the page of its new step.

    Naming the shown step makes a double click or a second facilitator device move the room once.
    """
    ctx.act(step_action, from_step=ctx.snapshot.current_step.key, success=success, at=SIDEBAR_PLACE)
    enter(ctx.db, ctx.code, ctx.token)


def _end_controls(ctx: Context) -> None:
    """End (or reopen) the workshop from a small popover beside the lock, so it needs no scrolling."""
    with st.popover(_("Reopen") if ctx.snapshot.ended else _("End"), icon=":material/flag:", width="stretch"):
        if ctx.snapshot.ended:
            st.text(_("The workshop has ended."))
            if st.button(_("Reopen"), icon=":material/lock_open:", key="reopen"):
                ctx.act(actions.reopen_workshop, success=_("Workshop reopened."), at=SIDEBAR_PLACE)
                st.rerun()
        elif st.button(_("End the workshop now"), type="primary", icon=":material/flag:"):
            ctx.act(
                actions.end_workshop,
                from_step=ctx.snapshot.current_step.key,
                success=_("Workshop ended."),
                at=SIDEBAR_PLACE,
            )
            st.switch_page(str(HERE / "summary.py"), query_params=ctx.params())
