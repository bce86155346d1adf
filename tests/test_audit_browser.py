"""The audit trail's page in a real browser at 1440x900: the facilitator opens it from the console,
sees every change with its device or link, narrows it to the owner links, and a participant's
browser gets one line instead. Screenshots go to `$SCREENSHOTS` when set.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from workshop import actions
from workshop import store as storage
from workshop.demo import create_demo
from workshop.store.load import load

LAPTOP = {"width": 1440, "height": 900}


def _followed_up(db, code: str, key: str) -> None:
    """The sample after the room: a leader link and an owner link each record a check-in."""
    track = load(db, code).tracks[0]
    today = max(date.today(), track.assigned_on + timedelta(days=1))
    leader = actions.issue_leader_link(db, code, key)
    actions.record_checkin(db, code, leader, track.initiative_id, track.baseline, "at_risk", today=today)
    owner = actions.issue_owner_link(db, code, key, track.owner)
    actions.record_checkin(db, code, owner, track.initiative_id, track.target, "on_track", today=today)


def test_the_facilitator_reads_and_filters_the_trail(tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    db_path = tmp_path / "audit.db"
    db = storage.connect(db_path)
    made = create_demo(db)
    _followed_up(db, made.code, made.facilitator_key)
    someone = actions.identify(db, made.code, made.facilitator_token)
    assert someone is not None
    errors: list[str] = []
    with running_app(db_path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport=LAPTOP).new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{base}/audit?ws={made.code}&p={made.facilitator_token}")
            page.get_by_role("heading", name="Audit trail").wait_for(timeout=30_000)
            page.get_by_text("oldest first").wait_for(timeout=30_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(shots / "audit-trail.png"))
            entries = len(load(db, made.code).loaded_trail.entries)
            assert page.get_by_text(f"{entries} of {entries} entries shown").count() == 1
            page.get_by_label("Role").click()  # narrow to what the owner links did
            page.get_by_role("option", name="owner").click()
            page.get_by_text(f"1 of {entries} entries shown").wait_for(timeout=30_000)
            page.wait_for_timeout(800)
            page.screenshot(path=str(shots / "audit-trail-owner.png"))
            assert page.get_by_role("button", name="Audit trail (CSV)").count() == 1

            actions.reopen_workshop(db, made.code, made.facilitator_key)  # the sample has ended: nobody joins it
            joined = actions.join(db, made.code, "Curious")
            other = browser.new_context(viewport=LAPTOP).new_page()
            other.goto(f"{base}/audit?ws={made.code}&p={joined.token}")
            other.get_by_text("The audit trail is the facilitator's").wait_for(timeout=30_000)
            assert other.get_by_text("facilitator device").count() == 0
            other.screenshot(path=str(shots / "audit-trail-participant.png"))
        finally:
            browser.close()
    db.close()
    assert errors == []
