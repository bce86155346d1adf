"""Start: create a workshop, join one in one step, or open the sample."""

import io

import segno
import streamlit as st

from views.kit import registry, ui
from workshop import actions
from workshop.demo import create_demo
from workshop.domain import language
from workshop.domain.audience import Joining
from workshop.domain.language import _
from workshop.domain.vocabulary import (
    CODE_MAX,
    MAX_STEP_MINUTES,
    MAX_VOTE_BUDGET,
    NAME_MAX,
    REVIEW_MINUTES,
    SHORT_MAX,
    STAGES,
    STEPS,
    TOTAL_MINUTES,
    normalise_code,
    stage_by_key,
)
from workshop.store import Database


def created_panel(created: dict[str, str]) -> None:
    """A workshop just made: its key (shown once), its code, join link and QR code."""
    st.success(_("Your workshop is ready."))
    left, right = st.columns([2, 1])
    with left:
        st.header(_("Facilitator key — shown only once"))
        st.code(created["key"], language=None)
        st.caption(_("Keep it safe: it opens the facilitator controls on any device. Only a hash is stored."))
        st.header(_("Join code"))
        st.code(created["code"], language=None)
        st.caption(_("Participants join at this site's address followed by the link below, or type the code."))
        st.code(ui.join_url(created["code"]), language=None)
        # A new workshop starts on its first step.
        st.page_link(
            registry.VIEWS[0].page,
            label=_("Open the facilitator console"),
            icon=":material/tune:",
            query_params={"ws": created["code"]},
        )
        st.page_link(
            ui.HERE / "projector.py",
            label=_("Open the projector view"),
            icon=":material/cast:",
            query_params={"ws": created["code"]},
        )
    with right:
        buffer = io.BytesIO()
        segno.make(ui.join_url(created["code"]), error="m").save(buffer, kind="png", scale=8, border=2)
        st.image(
            buffer.getvalue(),
            caption=_("Join link for {code}").format(code=created["code"]),
            alt=_("QR code of the join link {url}").format(url=ui.join_url(created["code"])),
        )
    # This browser keeps the console's sign-in (a cookie), so the console opens in a new tab too.
    ui.remember(created["code"], ((actions.FACILITATOR_DEVICE, created["token"]),))
    if st.button(_("Done — hide the key")):
        del st.session_state["created"]
        st.rerun()


def join_page(db: Database, join_code: str) -> None:
    """A join link (`/?join=CODE`): the workshop it opens, by its title, and the join form alone.

    People arriving from the QR code are joining, not facilitating: no create, sample or facilitator
    tabs, and no sidebar (a one-person page, as their screen will be).
    """
    ui.phone_page(".block-container{max-width:40rem}")  # a form's width on a laptop too (fixed CSS)
    preview = actions.join_preview(db, join_code)
    st.title(ui.safe(_("Join {title}").format(title=preview.title)) if preview else _("Join a workshop"))
    if preview is None:
        st.caption(
            _("No workshop has the code {code}: check it with the facilitator, or type it below.").format(
                code=join_code
            )
        )
    elif preview.ended:
        st.info(_("This workshop has ended: it takes no one new. Ask the facilitator for its summary."))
    else:
        st.caption(
            _("A live {minutes}-minute scaling workshop · code {code}").format(minutes=TOTAL_MINUTES, code=join_code)
        )
    join_form(db, join_code, preview)


def join_form(db: Database, join_code: str, preview: Joining | None = None) -> None:
    """Join with the code (from a join link, or typed) in one step."""
    # An anonymous workshop asks no name (the join action would ignore one anyway): people are numbered.
    nameless = preview is not None and preview.anonymous
    with st.form("join"):
        code = st.text_input(_("Workshop code"), value=join_code, max_chars=CODE_MAX, placeholder=_("e.g. K7Q2MX"))
        if nameless:
            name = ""
            st.caption(_("This workshop is anonymous: no names. You will be numbered, as Participant 1, 2, 3…"))
        else:
            name = st.text_input(_("Display name (leave empty to stay anonymous)"), max_chars=NAME_MAX)
        submitted = st.form_submit_button(_("Join"), type="primary", width="stretch")
    if submitted:
        joined = ui.act(actions.join, db, code, name, here=True)
        if joined is not None:
            ui.enter(db, code, joined.token)


def durations() -> tuple[dict[str, int], int, int]:
    """Each step's minutes, the votes per person and the review's minutes (inside the create form)."""
    with st.expander(_("Step durations and votes")):
        minutes = {
            s.key: st.number_input(
                _("{number}. {title} (minutes)").format(number=s.number, title=_(s.title)),
                min_value=1,
                max_value=MAX_STEP_MINUTES,
                value=s.minutes,
                step=1,
            )
            for s in STEPS
        }
        budget = st.number_input(_("Votes per person"), min_value=1, max_value=MAX_VOTE_BUDGET, value=5, step=1)
        review = st.number_input(
            _("Review of last time's commitments (minutes, added to step 1)"),
            min_value=1,
            max_value=MAX_STEP_MINUTES // 2,
            value=REVIEW_MINUTES,
            step=1,
        )
    return minutes, budget, review


def room_options() -> tuple[bool, bool, bool]:
    """Private brainstorm, anonymous, and the review of last time's commitments (inside the create form)."""
    private = st.checkbox(
        _("Private brainstorm"),
        help=_(
            "In step 1 each phone sees only its own notes and the projector shows how many there are, "
            "until you reveal the board; voting opens then. You can also turn it on or off during step 1."
        ),
    )
    anonymous = st.checkbox(
        _("Anonymous: no names"),
        help=_(
            "Nobody is asked for a name: participants are numbered (Participant 1, 2, 3…) on every "
            "screen and in every export."
        ),
    )
    wanted = st.checkbox(
        _("Open with a review of last time's commitments"),
        value=True,
        help=_(
            "When this organisation has earlier workshops here, step 1 starts by reviewing what their "
            "owners committed to: done, carry over or drop."
        ),
    )
    return private, anonymous, wanted


def create_form(db: Database) -> None:
    """A new workshop; on success this browser is signed in as its facilitator and the next run shows the key."""
    with st.form("create"):
        title = st.text_input(_("Title"), max_chars=SHORT_MAX, placeholder=_("Scaling the delivery engine"))
        organisation = st.text_input(_("Organisation"), max_chars=SHORT_MAX)
        stage = st.selectbox(
            _("Stage context"),
            [s.key for s in STAGES],
            placeholder=_("Choose an option"),
            format_func=lambda k: f"{_(stage_by_key(k).title)} — {_(stage_by_key(k).focus)}",
        )
        spoken = st.selectbox(
            _("Language of the room"),
            language.languages(),
            placeholder=_("Choose an option"),
            index=language.languages().index(language.current()),
            format_func=language.name,
            help=_("The projector, the console and the exports speak it; each phone follows its own browser."),
        )
        minutes, budget, review = durations()
        private, anonymous, wanted = room_options()
        go = st.form_submit_button(_("Create workshop"), type="primary", width="stretch")
    if not go:
        return
    earlier = wanted and bool(organisation.strip()) and actions.has_commitments(db, organisation)
    made = ui.act(
        actions.create_workshop,
        db,
        title,
        organisation,
        stage,
        minutes,
        int(budget),
        review_minutes=int(review) if earlier else 0,
        private_brainstorm=private,
        anonymous=anonymous,
        language=spoken,
        here=True,
    )
    if made is not None:
        st.session_state["created"] = {"code": made.code, "key": made.facilitator_key, "token": made.facilitator_token}
        ui.sign_in(made.code, made.facilitator_token)  # the console opens signed in; no URL holds the token
        st.rerun()


def sample(db: Database) -> None:
    """The sample workshop, made fresh and opened on its summary."""
    st.write(
        _(
            "A complete workshop of a scale-up whose feature teams were blocked by incidents, held ten weeks "
            "ago: every step filled in, and the owners' check-ins since, ready to explore or download."
        )
    )
    if st.button(_("Create and open the sample"), width="stretch"):
        made = create_demo(db, followup_days=70)
        st.session_state["created"] = {"code": made.code, "key": made.facilitator_key, "token": made.facilitator_token}
        ui.sign_in(made.code, made.facilitator_token)
        st.switch_page(ui.HERE / "summary.py", query_params={"ws": made.code})


def facilitate_form(db: Database, join_code: str) -> None:
    """The facilitator opens the console on another device with the code and the key."""
    with st.form("facilitate"):
        code = st.text_input(_("Workshop code"), value=join_code, max_chars=CODE_MAX)
        key = st.text_input(_("Facilitator key"), type="password")
        opened = st.form_submit_button(_("Open the facilitator console"), width="stretch")
    if opened:
        token = ui.act(actions.facilitator_token, db, code, key, here=True)
        if token is not None:
            ui.enter(db, code, token)


def start() -> None:
    """What the start page offers: the workshop just made, else join, create, sample, facilitate."""
    ui.speak(ui.browser_language())  # no workshop yet: this browser's language, when it is one of ours
    db = ui.connect()
    join_code = normalise_code(st.query_params.get("join", "")) if st.query_params.get("join") else ""
    if join_code and not st.session_state.get("created"):
        join_page(db, join_code)
        return
    st.title(_("Scaling Workshop"))
    st.write(
        _(
            "Run the {minutes}-minute Product & Platform Scaling workshop: map bottlenecks, tie them to "
            "business impact, rank initiatives by ROI and urgency, decide build / buy / partner, and leave "
            "with owners and metrics."
        ).format(minutes=TOTAL_MINUTES)
    )
    ui.flash()
    created = st.session_state.get("created")
    if created:
        created_panel(created)
        return
    join_tab, create_tab, sample_tab, facilitate_tab = st.tabs(
        [_("Join a workshop"), _("Create a workshop"), _("Open the sample"), _("I am the facilitator")]
    )
    with join_tab:
        join_form(db, join_code)
    with create_tab:
        create_form(db)
    with sample_tab:
        sample(db)
    with facilitate_tab:
        facilitate_form(db, join_code)


start()
