"""Owner links through the real router (AppTest): the owner's own page, issuing links on the
summary, and the portfolio's reminders for check-ins that are due."""

from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_pages import open_page, open_portfolio, texts
from workshop import actions
from workshop import store as storage
from workshop.demo import create_demo
from workshop.domain import followup, language, numbers
from workshop.domain.errors import NotAllowed
from workshop.domain.text import md_escape
from workshop.store.load import load

HOSTILE = "<b>Bold</b> **stars** [a](javascript:x) :red[red]"


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    """The database the app under test opens (`WORKSHOP_DB`)."""
    path = tmp_path / "owners.db"
    monkeypatch.setenv("WORKSHOP_DB", str(path))
    db = storage.connect(path)
    yield db
    db.close()


def two_owners(db, code: str) -> tuple[followup.Track, followup.Track]:
    tracks = load(db, code).tracks
    return tracks[0], next(t for t in tracks if t.owner != tracks[0].owner)


def owner_link(db, code: str, key: str, owner: str) -> str:
    return actions.issue_owner_link(db, code, key, owner)


def shown_tables(at: AppTest) -> str:
    """Every cell of the static tables (the check-in history), as the page passes them on."""
    return "\n".join(str(cell) for t in at.table for cell in t.value.to_numpy().flatten())


# --- the owner's page ----------------------------------------------------------------------


def test_an_owner_link_shows_only_that_owners_initiatives_and_records_a_checkin(app_db):
    made = create_demo(app_db, followup_days=70)
    mine, theirs = two_owners(app_db, made.code)
    token = owner_link(app_db, made.code, made.facilitator_key, mine.owner)
    at = open_page("owner.py", ws=made.code, o=token)
    assert not at.exception, [e.message for e in at.exception]
    shown = texts(at)
    assert "Your check-ins" in shown and md_escape(mine.owner) in shown
    assert md_escape(mine.title) in [s.value for s in at.header]
    assert md_escape(theirs.title) not in shown and md_escape(theirs.owner) not in shown
    assert len(at.get("vega_lite_chart")) == len(actions.owner_page(app_db, made.code, token).tracks)
    assert token not in shown
    before = len(mine.checkins)
    form_value = next(w for w in at.text_input if w.label.startswith("Measured value"))
    form_value.input("23")
    next(w for w in at.text_input if w.label == "Note (optional)").input("Pager rota changed")
    next(r for r in at.radio if r.label == "Status").set_value("at_risk")
    next(b for b in at.button if b.label == "Record check-in").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    after = load(app_db, made.code).initiative(mine.initiative_id).checkins
    assert len(after) == before + 1
    assert (after[-1]["value"], after[-1]["status"], after[-1]["via"], after[-1]["recorded_by"]) == (
        23,
        "at_risk",
        "owner link",
        mine.owner,
    )
    assert "Check-in recorded. Thank you!" in texts(at)
    assert "Pager rota changed" in shown_tables(at), "the history shows the new check-in"
    assert next(w for w in at.text_input if w.label.startswith("Measured value")).value == "", "a fresh form"


def test_a_bad_checkin_on_the_owner_page_is_refused_beside_the_form_and_keeps_the_text(app_db):
    made = create_demo(app_db, followup_days=70)
    mine, _ = two_owners(app_db, made.code)
    token = owner_link(app_db, made.code, made.facilitator_key, mine.owner)
    before = len(load(app_db, made.code).checkins)
    at = open_page("owner.py", ws=made.code, o=token)
    next(w for w in at.text_input if w.label.startswith("Measured value")).input("lots")
    next(b for b in at.button if b.label == "Record check-in").click()
    at.run()
    assert "Metric value must be a number" in texts(at)
    assert next(w for w in at.text_input if w.label.startswith("Measured value")).value == "lots"
    assert len(load(app_db, made.code).checkins) == before


@pytest.mark.parametrize("how", ["revoked", "reissued", "unknown", "missing", "other workshop"])
def test_a_link_that_opens_nothing_says_so_in_one_line(app_db, how):
    made = create_demo(app_db, followup_days=70)
    mine, _ = two_owners(app_db, made.code)
    token = owner_link(app_db, made.code, made.facilitator_key, mine.owner)
    code = made.code
    if how == "revoked":
        actions.revoke_owner_link(app_db, made.code, made.facilitator_key, mine.owner)
    elif how == "reissued":
        owner_link(app_db, made.code, made.facilitator_key, mine.owner)
    elif how == "unknown":
        token = "not-a-token"
    elif how == "other workshop":
        code = create_demo(app_db).code
    params = {"ws": code} if how == "missing" else {"ws": code, "o": token}
    at = open_page("owner.py", **params)
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.error) == 1
    assert not at.button and not at.text_input and not at.table and not at.title
    assert not at.get("vega_lite_chart") and not at.get("download_button")
    assert mine.title not in texts(at)


def test_the_owner_page_shows_participant_text_literally(app_db):
    made = create_demo(app_db)
    mine, _ = two_owners(app_db, made.code)
    item = load(app_db, made.code).initiative(mine.initiative_id)
    owner = item.owner
    actions.reopen_workshop(app_db, made.code, made.facilitator_key)
    actions.edit_initiative(
        app_db, made.code, made.facilitator_key, item.id, HOSTILE, item.description, item.bottleneck_ids
    )
    actions.assign_owner(
        app_db,
        made.code,
        made.facilitator_key,
        item.id,
        owner["owner"],
        "Metric " + HOSTILE,
        owner["baseline"],
        owner["target"],
        owner["checkin"],
        unit="*u*",
    )
    actions.record_checkin(app_db, made.code, made.facilitator_key, item.id, 30, "on_track", note="Note " + HOSTILE)
    token = owner_link(app_db, made.code, made.facilitator_key, owner["owner"])
    at = open_page("owner.py", ws=made.code, o=token)
    assert not at.exception, [e.message for e in at.exception]
    shown = texts(at) + shown_tables(at)
    for text in (HOSTILE, "Metric " + HOSTILE, "Note " + HOSTILE):
        assert md_escape(text) in shown, text
    assert HOSTILE not in shown
    assert md_escape("*u*") in shown and " *u*" not in shown
    # The owner's unit is escaped; the label's own parentheses are not (its accessible name reads as shown).
    assert any(w.label == f"Measured value ({md_escape('*u*')})" for w in at.text_input)


def test_an_owner_without_initiatives_any_more_is_told_so(app_db):
    made = create_demo(app_db)
    mine, _ = two_owners(app_db, made.code)
    token = owner_link(app_db, made.code, made.facilitator_key, mine.owner)
    item = load(app_db, made.code).initiative(mine.initiative_id)
    owner = item.owner
    actions.reopen_workshop(app_db, made.code, made.facilitator_key)
    actions.assign_owner(
        app_db, made.code, made.facilitator_key, item.id, "Someone Else", owner["metric"], 1, 2, owner["checkin"]
    )
    at = open_page("owner.py", ws=made.code, o=token)
    assert not at.exception
    assert "You own no initiative in this workshop any more" in texts(at)
    assert not at.text_input


# --- owner links on the summary -------------------------------------------------------------


def owner_buttons(at: AppTest, label: str) -> list:
    return [b for b in at.button if b.label == label]


def test_the_facilitator_issues_an_owner_link_and_sees_it_once(app_db):
    made = create_demo(app_db)
    owners = list(dict.fromkeys(t.owner for t in load(app_db, made.code).tracks))
    at = open_page("summary.py", ws=made.code, p=made.facilitator_token)
    assert not at.exception, [e.message for e in at.exception]
    assert "Owner links" in texts(at)
    assert len(owner_buttons(at, "Issue link")) == len(owners)
    assert all(b.disabled for b in owner_buttons(at, "Revoke link"))
    owner_buttons(at, "Issue link")[1].click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    links = [c.value for c in at.code if "/owner?" in c.value]
    assert len(links) == 1
    assert f"/owner?ws={made.code}&o=" in links[0]
    token = links[0].rsplit("&o=", 1)[1]
    assert actions.owner_page(app_db, made.code, token).owner == owners[1]
    assert f"{owners[1]} — link issued on {numbers.day(date.today())}" in [t.value for t in at.text]
    at.run()
    assert not [c.value for c in at.code if "/owner?" in c.value], "shown once"
    assert len(owner_buttons(at, "Reissue link")) == 1


@pytest.mark.parametrize("change", ["Reissue link", "Revoke link"])
def test_reissuing_or_revoking_an_owner_link_asks_first(app_db, change):
    made = create_demo(app_db)
    owner = load(app_db, made.code).tracks[0].owner
    first = owner_link(app_db, made.code, made.facilitator_key, owner)
    at = open_page("summary.py", ws=made.code, p=made.facilitator_token)
    owner_buttons(at, change)[0].click()
    at.run()
    assert any("stops working" in w.value for w in at.warning)
    assert actions.owner_page(app_db, made.code, first).owner == owner, "nothing changed yet"
    next(b for b in at.button if b.label == "Cancel").click()
    at.run()
    assert actions.owner_page(app_db, made.code, first).owner == owner
    owner_buttons(at, change)[0].click()
    at.run()
    next(b for b in at.button if b.label.startswith("Yes, ")).click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    with pytest.raises(NotAllowed):
        actions.owner_page(app_db, made.code, first)
    links = [c.value for c in at.code if "/owner?" in c.value]
    if change == "Reissue link":
        assert len(links) == 1 and actions.owner_page(app_db, made.code, links[0].rsplit("&o=", 1)[1])
    else:
        assert links == [] and load(app_db, made.code).owner_links == []


def test_leaders_see_no_owner_links_but_get_the_calendar(app_db):
    made = create_demo(app_db)
    leader = actions.issue_leader_link(app_db, made.code, made.facilitator_key)
    at = open_page("summary.py", ws=made.code, l=leader)
    assert not at.exception
    assert "Owner links" not in texts(at) and not owner_buttons(at, "Issue link")
    labels = [d.proto.label for d in at.get("download_button")]
    assert "All check-ins (.ics)" in labels


def test_the_summary_shows_where_a_commitment_came_from_and_how_it_ended(app_db):
    earlier = create_demo(app_db, followup_days=70)
    later = actions.create_workshop(app_db, "Next quarter", "Northwind Analytics", "scaleup", review_minutes=10)
    first, second = load(app_db, later.code).commitments[:2]
    actions.review_commitment(app_db, later.code, later.facilitator_key, first.initiative_id, "carry", "Half-way")
    actions.review_commitment(app_db, later.code, later.facilitator_key, second.initiative_id, "done", "<b>Shipped</b>")
    at = open_page("summary.py", ws=earlier.code, p=earlier.facilitator_token)
    assert not at.exception, [e.message for e in at.exception]
    shown = texts(at)
    assert md_escape(f"{first.track.title}: Carried over in {later.code} — Half-way") in shown
    assert md_escape(f"{second.track.title}: Done in {later.code} — <b>Shipped</b>") in shown
    at = open_page("summary.py", ws=later.code, p=later.facilitator_token)
    assert md_escape(f"{first.track.title}: Carried from {earlier.code} · carried 1×") in texts(at)


# --- the portfolio's due view ---------------------------------------------------------------


def test_the_portfolio_lists_due_checkins_per_owner_and_prepares_reminders(app_db):
    made = create_demo(app_db, followup_days=70)
    today = date.today()
    due = followup.due_soon(load(app_db, made.code).tracks, today)
    owners = {t.owner for t in due}
    assert owners, "the sample has check-ins due this week"
    stale = {o: owner_link(app_db, made.code, made.facilitator_key, o) for o in owners}
    at = open_portfolio(app_db)
    assert not at.exception, [e.message for e in at.exception]
    shown = texts(at)
    assert "Due this week / overdue" in shown
    for item in due:
        assert md_escape(f"{item.title} ({item.metric}): {followup.due_text(item, today)}") in shown
    assert len(at.dataframe) == 3, (
        "the due view adds no data frame to the portfolio's three (workshops, readiness, tracks)"
    )
    next(b for b in at.button if b.label == "Prepare reminders").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    reminders = [c.value for c in at.code]
    assert len(reminders) == len(owners)
    for owner in owners:
        (text,) = [r for r in reminders if r.startswith(f"Hi {owner} — ")]
        token = text.rsplit("&o=", 1)[1]
        assert actions.owner_page(app_db, made.code, token).owner == owner
        with pytest.raises(NotAllowed, match="reissued or revoked"):
            actions.owner_page(app_db, made.code, stale[owner])
    assert any("overdue since" in r for r in reminders)
    at.run()
    assert not at.code, "the reminders are shown once"
    assert {row["owner"] for row in storage.owner_links(app_db, load(app_db, made.code).id)} == owners


def test_a_german_owner_page_writes_its_check_in_days_as_germans_read_them(app_db):
    """Issue 25: check-in days were ISO (2026-12-02) on every page; a person reads `2. Dez. 2026`."""
    made = create_demo(app_db, followup_days=70)
    actions.set_language(app_db, made.code, made.facilitator_key, "de")
    mine, _theirs = two_owners(app_db, made.code)
    at = open_page("owner.py", ws=made.code, o=owner_link(app_db, made.code, made.facilitator_key, mine.owner))
    assert not at.exception, [e.message for e in at.exception]
    days = [date.fromisoformat(c["checked_on"]) for c in mine.checkins]
    with language.using("de"):
        german = [numbers.day(d) for d in days]
    table, shown = shown_tables(at), texts(at)
    assert days and all(md_escape(day) in table for day in german), (german, table[:300])  # Markdown cells
    assert not any(d.isoformat() in table or d.isoformat() in shown for d in days)
    assert all(re.fullmatch(r"\d{1,2}\. \S+ \d{4}", day) for day in german), german
