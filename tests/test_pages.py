"""Every page through the real router (AppTest), for each kind of visitor, plus key flows."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import on_step, reach
from views.kit import registry
from workshop import actions
from workshop import store as storage
from workshop.actions import portfolio
from workshop.demo import create_demo
from workshop.domain import numbers
from workshop.domain.text import md_escape
from workshop.domain.vocabulary import STEPS
from workshop.reports.markdown import markdown
from workshop.reports.pdf import to_pdf
from workshop.store.load import load

ROOT = Path(__file__).resolve().parent.parent
STEP_PAGES = {view.step.key: view.page.name for view in registry.VIEWS}
PAGES = ["home.py", *STEP_PAGES.values(), "room.py", "projector.py", "summary.py", "portfolio.py"]


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    path = tmp_path / "pages.db"
    monkeypatch.setenv("WORKSHOP_DB", str(path))
    db = storage.connect(path)
    yield db
    db.close()


def open_page(page: str, **params: str) -> AppTest:
    """Open one page through the router; the first run registers the pages with st.navigation."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert "Join a workshop" in [t.label for t in at.tabs], "the start page comes first"
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(f"views/{page}")
    at.run()
    still_home = "Join a workshop" in [t.label for t in at.tabs]
    assert page == "home.py" or not still_home, f"{page} did not open"
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.text] + [e.value for e in at.error]
    parts += [e.value for e in at.success] + [e.value for e in at.info] + [e.value for e in at.warning]
    parts += [e.value for e in at.title] + [e.value for e in at.header] + [e.value for e in at.subheader]
    parts += [e.value for e in at.caption]
    parts += [f"{e.label} {e.value}" for e in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["facilitator", "participant", "viewer", "nobody"])
def test_every_page_opens_for_every_visitor(app_db, page, role):
    made = create_demo(app_db)
    params = {"ws": made.code}
    if role == "facilitator":
        params["p"] = made.facilitator_token
    elif role == "participant":
        actions.reopen_workshop(app_db, made.code, made.facilitator_key)
        params["p"] = actions.join(app_db, made.code, "Visitor").token
    elif role == "nobody":
        params = {}
    at = open_page(page, **params)
    assert not at.exception, [e.message for e in at.exception]


def test_projector_never_shows_the_key_and_no_join_code_after_the_end(app_db):
    made = create_demo(app_db)  # ended
    at = open_page("projector.py", ws=made.code)
    assert not at.exception
    assert made.facilitator_key not in texts(at)
    assert made.facilitator_token not in texts(at)
    assert made.code not in texts(at) and "The workshop has ended" in texts(at)
    actions.reopen_workshop(app_db, made.code, made.facilitator_key)
    at = open_page("projector.py", ws=made.code)
    assert made.code in texts(at) and made.facilitator_key not in texts(at)


PROJECTED = {
    "bottlenecks": [STEPS[0].goal],
    "impact": ["top bottlenecks linked to an impact", "Largest money estimates"],
    "prioritise": ["Ranking by ROI", md_escape("#1 ")],
    "decide": ["The room's picks", "as recommended", md_escape("Why: ")],
    "owners": ["Ship It checklist: **5 of 5 done**", md_escape("DRI: ")],
}


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.key)
def test_projector_shows_each_steps_own_content(app_db, step):
    made = create_demo(app_db)
    actions.reopen_workshop(app_db, made.code, made.facilitator_key)
    actions.go_to_step(app_db, made.code, made.facilitator_key, step.key, from_step=on_step(app_db, made.code))
    at = open_page("projector.py", ws=made.code)
    assert not at.exception, [e.message for e in at.exception]
    shown = texts(at)
    # The workshop's title and the step's aim; the step's number and title are the live bar's.
    assert md_escape(load(app_db, made.code).workshop["title"]) in shown and step.goal in shown
    assert step.title not in shown
    for expected in PROJECTED[step.key]:
        assert expected in shown, (step.key, expected)
    charts = len(at.get("vega_lite_chart"))
    assert charts == (1 if step.key in ("impact", "prioritise") else 0)
    others = {text for key, texts_ in PROJECTED.items() if key != step.key for text in texts_}
    assert not any(
        text in shown
        for text in others - set(PROJECTED[step.key])
        if text not in (md_escape("#1 "), md_escape("Why: "), md_escape("DRI: "))
    )


def test_projector_keeps_participant_text_literal(app_db):
    made = create_demo(app_db)
    actions.reopen_workshop(app_db, made.code, made.facilitator_key)
    snapshot = load(app_db, made.code)
    first = snapshot.plan[0]
    title = "<b>Bold</b> [a](javascript:x)"
    actions.edit_initiative(
        app_db, made.code, made.facilitator_key, first.id, title, first.description, first.bottleneck_ids
    )
    for step in ("prioritise", "decide", "owners"):
        actions.go_to_step(app_db, made.code, made.facilitator_key, step, from_step=on_step(app_db, made.code))
        at = open_page("projector.py", ws=made.code)
        shown = texts(at)
        assert md_escape(title) in shown, step
        assert title not in shown, step


def test_create_workshop_from_the_start_page(app_db):
    at = open_page("home.py")
    form_inputs = {w.label: w for w in at.text_input}
    form_inputs["Title"].input("Offsite")
    form_inputs["Organisation"].input("Acme")
    next(b for b in at.button if b.label == "Create workshop").click()
    at.run()
    assert not at.exception
    rows = storage.list_workshops(app_db)
    assert len(rows) == 1 and rows[0]["title"] == "Offsite"
    assert at.session_state["created"]["code"] == rows[0]["code"]
    assert "shown only once" in texts(at)


def test_bad_create_input_is_refused_with_a_message(app_db):
    at = open_page("home.py")
    form_inputs = {w.label: w for w in at.text_input}
    form_inputs["Title"].input("   ")
    form_inputs["Organisation"].input("Acme")
    next(b for b in at.button if b.label == "Create workshop").click()
    at.run()
    assert "Title cannot be empty" in texts(at)
    assert storage.list_workshops(app_db) == []


def test_join_lands_on_the_current_step(app_db):
    made = actions.create_workshop(app_db, "Offsite", "Acme", "scaleup")
    at = open_page("home.py", join=made.code)
    form_inputs = {w.label: w for w in at.text_input}
    assert form_inputs["Workshop code"].value == made.code
    form_inputs["Display name (leave empty to stay anonymous)"].input("Zoë")
    next(b for b in at.button if b.label == "Join").click()
    at.run()
    assert not at.exception
    names = [p["name"] for p in storage.participants(app_db, load(app_db, made.code).id)]
    assert "Zoë" in names
    assert at.query_params["ws"] == [made.code] or at.query_params["ws"] == made.code
    assert "p" not in at.query_params  # the token stays with the session (and a cookie), never in the URL


def test_create_a_private_anonymous_workshop_from_the_start_page(app_db):
    at = open_page("home.py")
    form_inputs = {w.label: w for w in at.text_input}
    form_inputs["Title"].input("Big room")
    form_inputs["Organisation"].input("Acme")
    boxes = {w.label: w for w in at.checkbox}
    boxes["Private brainstorm"].check()
    boxes["Anonymous: no names"].check()
    next(b for b in at.button if b.label == "Create workshop").click()
    at.run()
    assert not at.exception
    [row] = storage.list_workshops(app_db)
    assert (row["private_brainstorm"], row["anonymous"]) == (1, 1)


def test_an_anonymous_workshop_asks_no_name_and_numbers_the_person(app_db):
    made = actions.create_workshop(app_db, "Offsite", "Acme", "scaleup", anonymous=True)
    at = open_page("home.py", join=made.code)
    labels = [w.label for w in at.text_input]
    assert "Display name (leave empty to stay anonymous)" not in labels
    assert "This workshop is anonymous" in texts(at)
    next(b for b in at.button if b.label == "Join").click()
    at.run()
    assert not at.exception
    names = [p["name"] for p in storage.participants(app_db, load(app_db, made.code).id)]
    assert names == ["Facilitator", "Participant 1"]


def test_the_console_turns_the_private_brainstorm_on_and_reveals_the_board(app_db):
    made = actions.create_workshop(app_db, "Offsite", "Acme", "scaleup")
    at = open_page(STEP_PAGES[STEPS[0].key], ws=made.code, p=made.facilitator_token)
    next(t for t in at.toggle if t.label == "Private brainstorm").set_value(True)
    at.run()
    assert not at.exception
    assert load(app_db, made.code).private
    assert "Private brainstorm: each phone sees only its own notes" in texts(at)
    next(b for b in at.button if b.label == "Reveal the board").click()
    at.run()
    assert not at.exception and not load(app_db, made.code).private
    assert "Board revealed" in texts(at)


@pytest.mark.parametrize("page", STEP_PAGES.values())
def test_a_participant_on_any_step_page_gets_their_one_live_screen(app_db, page):
    """Participants follow every step on one screen drawn by the live element: a step page
    sends them there, and it has no step title of its own that a step change would outdate."""
    made = actions.create_workshop(app_db, "Offsite", "Acme", "scaleup")
    token = actions.join(app_db, made.code, "Ann").token
    actions.next_step(app_db, made.code, made.facilitator_key, from_step=on_step(app_db, made.code))
    at = open_page(page, ws=made.code, p=token)
    assert not at.exception
    assert [t.value for t in at.title] == []
    assert "You are Ann" in texts(at)


def test_the_facilitator_on_the_participant_screen_gets_the_console(app_db):
    made = actions.create_workshop(app_db, "Offsite", "Acme", "scaleup")
    actions.next_step(app_db, made.code, made.facilitator_key, from_step=on_step(app_db, made.code))
    at = open_page("room.py", ws=made.code, p=made.facilitator_token)
    assert not at.exception
    assert "2. Impact mapping" in [t.value for t in at.title]


def test_the_console_keeps_its_sign_in_with_no_token_in_the_address(app_db):
    """Issue 20, finding 3: the console's address used to carry the facilitator device token."""
    made = actions.create_workshop(app_db, "Offsite", "Acme", "scaleup")
    at = open_page("step_1_bottlenecks.py", ws=made.code, p=made.facilitator_token)
    assert not at.exception
    assert dict(at.query_params) in ({"ws": made.code}, {"ws": [made.code]})
    at.run()  # the next run (a click, a rerun) is still the facilitator's console
    assert "Next" in [b.label for b in at.sidebar.button]  # the facilitator's controls


def test_changed_answers_never_record_an_overrule_nobody_picked(app_db):
    """Answer (→ partner), record, change the answers (→ build), record without touching the pick."""
    made = actions.create_workshop(app_db, "Offsite", "Acme", "scaleup")
    code, token = made.code, made.facilitator_token
    bottleneck = actions.add_bottleneck(app_db, code, token, "platform", "Deploys are slow")
    for _ in range(3):
        actions.next_step(app_db, code, made.facilitator_key, from_step=on_step(app_db, code))
    item = actions.add_initiative(app_db, code, token, "Self-serve deploys", [bottleneck])
    at = open_page("step_4_decide.py", ws=code, p=token)

    def answer(values: dict[str, str]) -> None:
        for radio in at.radio:
            question = radio.key.rsplit("-", 1)[-1] if radio.key and radio.key.startswith("q-") else None
            if question in values:
                radio.set_value(values[question])
        at.run()

    answer({"core": "no", "speed": "balanced", "network": "yes", "capability": "yes", "cost": "similar"})
    at.text_area[0].set_value("Allies bring the reach")
    at.button[[b.label for b in at.button].index("Record decision")].click().run()
    assert load(app_db, code).initiative(item).decision["choice"] == "partner"

    answer({"core": "yes", "network": "no", "cost": "build"})
    assert "Recommendation: **Build**" in texts(at)
    at.button[[b.label for b in at.button].index("Record decision")].click().run()
    decision = load(app_db, code).initiative(item).decision
    assert (decision["choice"], decision["recommendation"]) == ("build", "build"), "no overrule was picked"


def test_the_facilitator_sees_the_rooms_picks_and_volunteers_and_answers_reach_the_room(app_db):
    made = actions.create_workshop(app_db, "Offsite", "Acme", "scaleup")
    code, token, key = made.code, made.facilitator_token, made.facilitator_key
    bottleneck = actions.add_bottleneck(app_db, code, token, "platform", "Deploys are slow")
    for _ in range(3):
        actions.next_step(app_db, code, key, from_step=on_step(app_db, code))
    item = actions.add_initiative(app_db, code, token, "Self-serve deploys", [bottleneck])
    ann, bo = (actions.join(app_db, code, name).token for name in ("Ann", "Bo"))
    actions.pick_choice(app_db, code, ann, item, "buy", "Speed <b>wins</b>")
    actions.pick_choice(app_db, code, bo, item, "buy")
    at = open_page("step_4_decide.py", ws=code, p=token)
    assert "The room's picks: Build 0 · Buy 2 · Partner 0" in texts(at)
    next(r for r in at.radio if r.key == f"q-{item}-core").set_value("no")
    at.run()
    assert storage.answers(app_db, load(app_db, code).id) == {item: {"core": "no"}}, "kept as it is given"

    actions.record_decision(app_db, code, key, item, ANSWERS_BUY, None, "Commodity")
    actions.next_step(app_db, code, key, from_step=on_step(app_db, code))
    actions.volunteer(app_db, code, ann, item)
    at = open_page("step_5_owners.py", ws=code, p=token)
    assert md_escape("Volunteered from their phones: Ann") in texts(at)
    assert next(w for w in at.text_input if w.label == "Owner (DRI)").value == "Ann"


ANSWERS_BUY = {"core": "no", "speed": "speed", "network": "no", "capability": "yes", "cost": "buy"}


@pytest.mark.parametrize(
    "missing, phrase",
    [
        ("platform", "no platform bottleneck"),
        ("owner", "missing an owner"),
        ("observability", "Nobody confirmed logging"),
    ],
)
def test_summary_shows_exactly_the_open_items(app_db, missing, phrase):
    made = actions.create_workshop(app_db, "Offsite", "Acme", "scaleup")
    code, key = made.code, made.facilitator_key
    token = made.facilitator_token
    dims = ["product", "organisation"] + ([] if missing == "platform" else ["platform"])
    ids = [actions.add_bottleneck(app_db, code, token, d, f"{d} pain") for d in dims]
    reach(app_db, code, key)
    title = "Tracing and log aggregation" if missing != "observability" else "Faster onboarding"
    item = actions.add_initiative(app_db, code, token, title, ids)
    actions.score_initiative(app_db, code, token, item, {"value": 8, "effort": 3, "urgency": 7, "confidence": 80})
    actions.adopt_ranking(app_db, code, key)
    answers = {"core": "no", "speed": "speed", "network": "no", "capability": "yes", "cost": "buy"}
    actions.record_decision(app_db, code, key, item, answers, "buy", "Commodity; speed matters.")
    if missing == "owner":
        actions.confirm_observability(app_db, code, key, True)
    else:
        actions.assign_owner(app_db, code, key, item, "Dana", "Services traced", 10, 90, "2999-01-01", unit="%")
    leader = actions.issue_leader_link(app_db, code, key)
    at = open_page("summary.py", ws=code, l=leader)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    assert phrase in errors[0]
    assert len(at.success) == 4


# --- leaders and follow-through -----------------------------------------------------------


def followup_sample(app_db):
    made = create_demo(app_db, followup_days=70)
    return made, actions.issue_leader_link(app_db, made.code, made.facilitator_key)


def test_a_bare_join_code_does_not_open_the_summary_or_the_steps(app_db):
    made, _ = followup_sample(app_db)
    for page in ("summary.py", "step_3_prioritise.py"):
        at = open_page(page, ws=made.code)
        assert not at.exception
        shown = texts(at)
        assert "ask the facilitator for the leader link" in shown, page
        assert "Checklist" not in shown and "Ranking" not in shown
        assert not at.dataframe and not at.get("vega_lite_chart")


def test_the_leader_link_shows_the_summary_and_follow_through_without_controls(app_db):
    made, leader = followup_sample(app_db)
    at = open_page("summary.py", ws=made.code, l=leader)
    assert not at.exception, [e.message for e in at.exception]
    shown = texts(at)
    assert "Leader view" in shown and "Checklist — 5 of 5 done" in shown
    assert md_escape("Overdue: Distributed tracing and shared observability dashboards") in shown
    assert "Overdue check-ins 1" in shown
    assert "Share with leaders" not in shown
    labels = {b.label for b in at.button}
    assert not labels & {
        "⏸ Pause",
        "▶ Start",
        "Next ▶",
        "Reissue the leader link",
        "Revoke the leader link",
        "Remove check-in",
    }
    assert len(at.get("vega_lite_chart")) == 5  # plan, progress, readiness areas, impact map, time
    assert "Are we ready to scale?" in shown and "6 of 6 participants answered." in shown
    # The link's secret leaves the address bar and the session keeps it: a rerun is still the leader view.
    assert "l" not in at.query_params and leader not in str(at.query_params)
    at.run()
    assert "Leader view" in texts(at)


def test_a_leader_records_a_checkin_from_the_summary(app_db):
    made, leader = followup_sample(app_db)
    at = open_page("summary.py", ws=made.code, l=leader)
    tracing = next(t for t in load(app_db, made.code).tracks if t.title.startswith("Distributed tracing"))
    form = {w.label: w for w in at.text_input}
    choice = next(s for s in at.selectbox if s.label == "Initiative")
    choice.set_value(load(app_db, made.code).tracks.index(tracing))
    form["Measured value"].input("71")
    form["Note (optional)"].input("<b>Payments</b> traced")
    next(r for r in at.radio if r.label == "Status").set_value("at_risk")
    next(b for b in at.button if b.label == "Record check-in").click()
    at.run()
    assert not at.exception
    latest = next(t for t in load(app_db, made.code).tracks if t.initiative_id == tracing.initiative_id).latest
    assert (latest["value"], latest["status"], latest["via"], latest["note"]) == (
        71,
        "at_risk",
        "leader link",
        "<b>Payments</b> traced",
    )
    assert "Check\\-in recorded." in texts(at)
    assert "Overdue check-ins 0" in texts(at)


def test_a_bad_checkin_from_the_summary_is_refused_with_a_message(app_db):
    made, leader = followup_sample(app_db)
    before = len(load(app_db, made.code).checkins)
    at = open_page("summary.py", ws=made.code, l=leader)
    next(w for w in at.text_input if w.label == "Measured value").input("lots")
    next(b for b in at.button if b.label == "Record check-in").click()
    at.run()
    assert "Metric value must be a number" in texts(at)
    assert len(load(app_db, made.code).checkins) == before


def test_a_revoked_leader_link_opens_nothing(app_db):
    made, leader = followup_sample(app_db)
    actions.revoke_leader_link(app_db, made.code, made.facilitator_key)
    at = open_page("summary.py", ws=made.code, l=leader)
    shown = texts(at)
    assert "revoked or replaced" in shown
    assert "Checklist" not in shown and not at.dataframe


def test_the_facilitator_creates_reissues_and_revokes_the_leader_link(app_db):
    made = create_demo(app_db)
    at = open_page("summary.py", ws=made.code, p=made.facilitator_token)
    next(b for b in at.button if b.label == "Create a leader link").click()
    at.run()
    assert not at.exception
    (link,) = [c.value for c in at.code]
    token = link.rsplit("&l=", 1)[1]
    assert f"/ship-it?ws={made.code}&l=" in link and actions.is_leader(app_db, made.code, token)
    next(b for b in at.button if b.label == "Reissue the leader link").click()
    at.run()
    (again,) = [c.value for c in at.code]
    assert again != link and not actions.is_leader(app_db, made.code, token)
    next(b for b in at.button if b.label == "Revoke the leader link").click()
    at.run()
    assert not at.code and not load(app_db, made.code).leader_link_active
    assert "Leader link revoked." in texts(at)


def test_a_leader_on_a_step_page_is_sent_to_the_summary(app_db):
    made, leader = followup_sample(app_db)
    at = open_page("step_4_decide.py", ws=made.code, l=leader)
    assert not at.exception
    assert "The leader link opens the Ship It summary" in texts(at)
    assert not at.radio


def open_portfolio(app_db) -> AppTest:
    """The portfolio page with the key issued at first start typed in."""
    key = portfolio.issue_portfolio_key(app_db)
    at = open_page("portfolio.py")
    at.text_input[0].input(key)
    at.button[0].click()
    return at.run()


def test_portfolio_lists_owned_initiatives_across_workshops_and_filters_them(app_db):
    made, _ = followup_sample(app_db)
    other = actions.create_workshop(app_db, "Platform offsite", "Contoso", "enterprise")
    at = open_portfolio(app_db)
    assert not at.exception, [e.message for e in at.exception]
    shown = texts(at)
    assert "Workshops 2" in shown and "Owned initiatives 4" in shown and "Overdue check-ins 1" in shown
    owned, workshops = at.dataframe[0].value, at.dataframe[1].value
    assert len(owned) == 4 and set(owned["Workshop"].str[:6]) == {made.code}
    assert set(owned["Status"]) == {"On track", "At risk"}
    assert len(workshops) == 2 and set(workshops["Code"]) == {made.code, other.code}
    assert set(workshops["Names numbered"]) == {"kept"}  # without WORKSHOP_RETAIN_NAMES_DAYS
    assert md_escape("1 overdue check-in: Distributed tracing") in shown
    next(m for m in at.multiselect if m.label == "Organisation").set_value(["Contoso"])
    at.run()
    assert "Owned initiatives 0" in texts(at) and "No owned initiative matches these filters." in texts(at)
    assert list(at.dataframe[0].value["Code"]) == [other.code]


def test_the_portfolio_says_when_each_workshops_names_go(app_db, monkeypatch):
    made, _ = followup_sample(app_db)
    other = actions.create_workshop(app_db, "Platform offsite", "Contoso", "enterprise")
    monkeypatch.setenv(actions.RETAIN_NAMES_ENV, "30")
    workshops = open_portfolio(app_db).dataframe[1].value
    names = dict(zip(workshops["Code"], workshops["Names numbered"], strict=True))
    ended = load(app_db, made.code).workshop["ended_at"]
    assert names == {made.code: numbers.when(ended + 30 * 86_400), other.code: "30 days after it ends"}


def test_the_portfolio_says_when_each_workshop_is_deleted_and_lists_the_deleted(app_db, monkeypatch):
    made, _ = followup_sample(app_db)
    other = actions.create_workshop(app_db, "Platform offsite", "Contoso", "enterprise")
    gone = actions.create_workshop(app_db, "Cancelled", "Contoso", "enterprise")
    actions.delete_workshop(app_db, gone.code, gone.facilitator_key, gone.code)
    monkeypatch.setenv(actions.DELETE_AFTER_ENV, "90")
    at = open_portfolio(app_db)
    assert not at.exception, [e.message for e in at.exception]
    workshops, deleted = at.dataframe[1].value, at.dataframe[-1].value
    when = dict(zip(workshops["Code"], workshops["Deleted"], strict=True))
    ended = load(app_db, made.code).workshop["ended_at"]
    assert when == {made.code: numbers.when(ended + 90 * 86_400), other.code: "90 days after it ends"}
    assert list(deleted["Code"]) == [gone.code] and list(deleted["By"]) == ["facilitator key"]
    assert "Cancelled" not in texts(at)  # the record keeps no title


@pytest.mark.parametrize("configured", [False, True])
def test_portfolio_behind_its_key(app_db, monkeypatch, configured):
    """Closed by default: no join code or title shows until the key is given."""
    monkeypatch.delenv("WORKSHOP_PORTFOLIO_KEY", raising=False)
    made, _ = followup_sample(app_db)
    key = "s3cret-portfolio"
    if configured:
        monkeypatch.setenv("WORKSHOP_PORTFOLIO_KEY", key)
    else:
        key = portfolio.issue_portfolio_key(app_db)
    at = open_page("portfolio.py")
    assert not at.dataframe and made.code not in texts(at)
    at.text_input[0].input("wrong")
    at.button[0].click()
    at.run()
    assert "needs its key" in texts(at) and not at.dataframe
    at.text_input[0].input(key)
    at.button[0].click()
    at.run()
    assert len(at.dataframe) == 3  # owned initiatives, workshops, the readiness check per workshop
    assert "how the operating model's areas score from one workshop to the next" in texts(at)


def test_the_same_roi_figure_on_the_projector_in_the_markdown_and_in_the_pdf(app_db):
    """ROI 1 × 70 % ÷ 4 = 0.175 sits exactly half-way: every output must round it alike (0.18)."""
    import io

    from pypdf import PdfReader

    made = actions.create_workshop(app_db, "Rounding", "Acme", "scaleup")
    token = actions.join(app_db, made.code, "Ann").token
    note = actions.add_bottleneck(app_db, made.code, token, "platform", "Slow deploys")
    actions.go_to_step(app_db, made.code, made.facilitator_key, "prioritise", from_step=on_step(app_db, made.code))
    item = actions.add_initiative(app_db, made.code, token, "Half-way initiative", [note])
    actions.score_initiative(app_db, made.code, token, item, {"value": 1, "effort": 4, "urgency": 5, "confidence": 70})
    at = open_page("projector.py", ws=made.code)
    assert not at.exception, [e.message for e in at.exception]
    snapshot = load(app_db, made.code)
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(to_pdf(snapshot))).pages)
    outputs = {"projector": texts(at), "markdown": markdown(snapshot), "pdf": pdf}
    for where, text in outputs.items():
        assert "0.18" in text, where
        assert "0.17" not in text, where


def _cells(at: AppTest) -> list[object]:
    """Every cell of every table on the page."""
    return [v for frame in at.dataframe for v in frame.value.to_numpy().flatten()]


def _no_blank_none(at: AppTest) -> None:
    blank = [v for v in _cells(at) if v is None or v != v]  # None, NaN or NA: drawn as a grey "None"
    assert at.dataframe and not blank, f"{len(blank)} empty cells would read 'None'"


def test_ship_it_tables_show_no_none_and_money_as_the_charts_do(app_db):
    """The plan's baseline of an unowned initiative, an impact without an estimate: "—", never "None"."""
    made = create_demo(app_db)
    at = open_page("summary.py", ws=made.code, p=made.facilitator_token)
    assert not at.exception, [e.message for e in at.exception]
    _no_blank_none(at)
    impacts = next(f.value for f in at.dataframe if "€ / year" in f.value.columns)
    assert "€400k/yr" in list(impacts["€ / year"]) and "—" in list(impacts["€ / year"])


def test_step_2_and_3_tables_show_no_none_before_a_sequence_or_an_estimate(app_db):
    made = create_demo(app_db)
    actions.reopen_workshop(app_db, made.code, made.facilitator_key)
    token = actions.join(app_db, made.code, "Late").token
    note = load(app_db, made.code).live_bottlenecks[0]["id"]
    actions.add_initiative(app_db, made.code, token, "Not scored, not sequenced", [note])
    for page in ("step_2_impact.py", "step_3_prioritise.py"):
        at = open_page(page, ws=made.code, p=made.facilitator_token)
        assert not at.exception, [e.message for e in at.exception]
        _no_blank_none(at)
    ranking = next(f.value for f in at.dataframe if "Seq." in f.value.columns)
    assert list(ranking["Seq."])[-1] == "—"


def test_the_join_page_names_the_workshop_and_offers_only_the_join(app_db):
    made = actions.create_workshop(app_db, "Offsite **now**", "Acme", "scaleup")
    at = open_page("home.py", join=made.code)
    assert not at.exception
    assert [t.value for t in at.title] == [md_escape("Join Offsite **now**")]
    assert [t.label for t in at.tabs] == [], "no Create, Sample or Facilitator tabs on a join link"
    assert {w.label for w in at.text_input} >= {"Workshop code"}
