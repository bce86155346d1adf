"""Erasure in real browsers: a participant's phone (390x844) removes its own data after a
confirmation that names what goes, and the facilitator's audit page (1440x900) shows the entry and
the console's erasure tab. Axe finds nothing serious or critical on either. Screenshots go to
`$SCREENSHOTS` when set (else the test's temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.test_erasure import NAME, NOTE, _room
from workshop import actions
from workshop import store as storage
from workshop.domain import erasure
from workshop.store.load import load

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1440, "height": 900}}


def serious(page: playwright.Page) -> list[str]:
    """Serious or critical axe findings on the whole page (the live element's shadow root included)."""
    from axe_playwright_python.sync_playwright import Axe  # a dev requirement, never skipped

    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in found if v["impact"] in ("serious", "critical")
    ]


def test_a_phone_removes_its_own_data_and_the_audit_page_shows_it(tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "erase.db"
    db = storage.connect(path)
    made, zeb, _, _ = _room(db)
    errors: list[str] = []
    with running_app(path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(**PHONE).new_page()
            phone.on("pageerror", lambda e: errors.append(str(e)))
            phone.goto(f"{base}/room?ws={made.code}&p={zeb}")
            opener = phone.get_by_test_id("erase-open")
            opener.wait_for(timeout=30_000)
            opener.scroll_into_view_if_needed()
            phone.wait_for_timeout(500)
            phone.screenshot(path=str(shots / "phone-remove-my-data.png"))
            opener.click()
            what = phone.get_by_test_id("erase-what")
            what.wait_for(timeout=10_000)
            assert what.inner_text().startswith(f"Deleted: the name \u201c{NAME}\u201d, 1 vote, 1 score")
            assert "Kept without a name: 1 note, 1 impact." in what.inner_text()
            phone.get_by_label("Also delete my notes and impacts").check()
            assert "Kept without a name" not in what.inner_text() and "1 note" in what.inner_text()
            phone.get_by_test_id("erase-confirm").scroll_into_view_if_needed()
            phone.wait_for_timeout(300)
            phone.screenshot(path=str(shots / "phone-remove-my-data-confirm.png"))
            assert serious(phone) == []
            phone.get_by_test_id("erase-confirm").click()
            phone.get_by_test_id("erase-done").wait_for(timeout=10_000)
            phone.wait_for_timeout(300)
            phone.screenshot(path=str(shots / "phone-remove-my-data-done.png"))
            assert phone.get_by_text(NAME).count() == 0  # the page's "You are …" line went too
            assert serious(phone) == []
            assert actions.identify(db, made.code, zeb) is None
            text = str(load(db, made.code))
            assert NAME not in text and NOTE not in text

            laptop = browser.new_context(**LAPTOP).new_page()
            laptop.on("pageerror", lambda e: errors.append(str(e)))
            laptop.goto(f"{base}/audit?ws={made.code}&p={made.facilitator_token}")
            laptop.get_by_role("heading", name="Audit trail").wait_for(timeout=30_000)
            laptop.get_by_text("oldest first").wait_for(timeout=30_000)
            laptop.wait_for_timeout(1500)
            laptop.screenshot(path=str(shots / "audit-page.png"))
            assert serious(laptop) == []
            laptop.get_by_role("tab", name="Erase on request").click()
            laptop.get_by_text("Delete the whole workshop").wait_for(timeout=10_000)
            laptop.wait_for_timeout(800)
            laptop.screenshot(path=str(shots / "audit-erase-tab.png"))
            assert serious(laptop) == []
        finally:
            browser.close()
    entry = load(db, made.code).loaded_trail.entries[-1]
    assert (entry.action, entry.subject) == ("erase_participant", erasure.ERASURE_SUBJECT)
    db.close()
    assert errors == []


def test_a_german_phone_reads_its_erasure_in_german(tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "erase-de.db"
    db = storage.connect(path)
    made, zeb, _, _ = _room(db)
    errors: list[str] = []
    with running_app(path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(**PHONE, locale="de-DE").new_page()
            phone.on("pageerror", lambda e: errors.append(str(e)))
            phone.goto(f"{base}/room?ws={made.code}&p={zeb}")
            opener = phone.get_by_test_id("erase-open")
            opener.wait_for(timeout=30_000)
            assert opener.inner_text() == "Meine Daten entfernen"
            opener.click()
            what = phone.get_by_test_id("erase-what")
            what.wait_for(timeout=10_000)
            assert what.inner_text().startswith(f"Gelöscht: der Name \u201e{NAME}\u201c, 1 Stimme, 1 Bewertung")
            assert "Ohne Namen behalten: 1 Notiz, 1 Auswirkung." in what.inner_text()
            phone.get_by_label("Auch meine Notizen und Auswirkungen löschen").check()
            assert "Ohne Namen behalten" not in what.inner_text() and "1 Notiz" in what.inner_text()
            phone.wait_for_timeout(300)
            phone.screenshot(path=str(shots / "phone-remove-my-data-de.png"))
            phone.get_by_test_id("erase-confirm").click()
            phone.get_by_test_id("erase-done").wait_for(timeout=10_000)
            assert "Deine Daten wurden entfernt." in phone.get_by_test_id("erase-done").inner_text()
            assert actions.identify(db, made.code, zeb) is None
        finally:
            browser.close()
    db.close()
    assert errors == []
