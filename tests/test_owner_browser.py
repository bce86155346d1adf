"""An owner on a phone (390×844) in a real browser: the facilitator issued their link; they open
it, record the overdue check-in, see it in their history, add their check-in dates to their
calendar and nothing of anyone else's; axe finds nothing serious in the page's own markup.
A revoked link then opens nothing. Screenshots go to `$SCREENSHOTS` when set.
"""

from __future__ import annotations

import os
from pathlib import Path

import icalendar
from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.test_room_browser import tall_screenshot
from workshop import actions
from workshop import store as storage
from workshop.demo import create_demo
from workshop.store.load import load

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
NOTE = "Search traced <b>too</b> **now**"
# Does anything scroll sideways? The document, or Streamlit's main section (where it scrolls).
FITS = """() => {
    const main = document.querySelector('[data-testid=stMain]');
    return {doc: document.documentElement.scrollWidth, inner: innerWidth,
            main: main.scrollWidth, mainClient: main.clientWidth};
}"""


def serious_in_the_page(page: playwright.Page) -> list[str]:
    """Serious or critical axe findings inside the app's own markup (Streamlit's main area)."""
    from axe_playwright_python.sync_playwright import Axe  # a dev requirement, never skipped

    found = Axe().run(page, context={"include": [["[data-testid=stMain]"]]}).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['html'][:120] for n in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def test_an_owner_records_a_checkin_on_a_phone_and_adds_the_dates_to_a_calendar(tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    db_path = tmp_path / "owner.db"
    db = storage.connect(db_path)
    made = create_demo(db, followup_days=70)
    tracing = next(t for t in load(db, made.code).tracks if t.title.startswith("Distributed tracing"))
    token = actions.issue_owner_link(db, made.code, made.facilitator_key, tracing.owner)
    mine = {t.title for t in load(db, made.code).tracks if t.owner == tracing.owner}
    errors: list[str] = []
    with running_app(db_path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(**PHONE, accept_downloads=True).new_page()
            phone.on("pageerror", lambda e: errors.append(str(e)))
            url = f"{base}/owner?ws={made.code}&o={token}"
            phone.goto(url)  # the server's first visit: a deep link must open, not "page not found"
            phone.get_by_role("heading", name="Your check-ins").wait_for(timeout=30_000)
            assert phone.url == f"{base}/owner?ws={made.code}", "the owner's token left the address bar"
            phone.locator(".vega-embed").first.wait_for(timeout=30_000)
            phone.wait_for_timeout(800)
            assert phone.get_by_text("Page not found").count() == 0
            assert phone.get_by_text("This check-in is overdue", exact=False).count() == 1
            assert phone.locator("[data-testid=stSidebar]").is_hidden()
            fit = phone.evaluate(FITS)
            assert fit["doc"] <= fit["inner"] and fit["main"] <= fit["mainClient"], f"scrolls sideways: {fit}"
            assert serious_in_the_page(phone) == []
            tall_screenshot(phone, shots / "owner-phone-1-open.png")

            # The owner records the overdue check-in through the form on their own page.
            form = phone.locator("[data-testid=stForm]").filter(has_text="Record a check-in").first
            form.get_by_label("Measured value", exact=False).fill("74")
            form.get_by_label("Note (optional)").fill(NOTE)
            form.get_by_text("At risk", exact=True).click()
            form.get_by_role("button", name="Record check-in").click()
            phone.get_by_text("Check-in recorded. Thank you!").wait_for(timeout=30_000)
            history = phone.locator("[data-testid=stTable]").first
            playwright.expect(history).to_contain_text(NOTE, timeout=15_000)  # literally, not as HTML
            assert history.locator("b").count() == 0 and history.locator("strong").count() == 0
            playwright.expect(phone.get_by_text("This check-in is overdue", exact=False)).to_have_count(0)
            latest = next(t for t in load(db, made.code).tracks if t.initiative_id == tracing.initiative_id).latest
            assert latest is not None
            assert (latest["value"], latest["status"], latest["via"], latest["recorded_by"], latest["note"]) == (
                74,
                "at_risk",
                "owner link",
                tracing.owner,
                NOTE,
            )
            assert serious_in_the_page(phone) == []
            tall_screenshot(phone, shots / "owner-phone-2-recorded.png")

            # Their check-in dates, and only theirs, for their calendar; each links back here.
            with phone.expect_download(timeout=30_000) as download:
                phone.get_by_role("button", name="Add to my calendar").click()
            assert download.value.suggested_filename == f"check-ins-{made.code}.ics"
            ics = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
            events = ics.walk("VEVENT")
            assert events and {str(e["SUMMARY"]).removeprefix("Check-in: ") for e in events} == mine
            for event in events:
                assert str(event["URL"]) == f"{base}/owner?ws={made.code}&o={token}"
                assert tracing.owner in str(event["DESCRIPTION"])

            # Revoked: the same link opens nothing, in one line.
            actions.revoke_owner_link(db, made.code, made.facilitator_key, tracing.owner)
            late = browser.new_context(**PHONE).new_page()
            late.goto(url)
            late.get_by_text("owner link is not valid", exact=False).wait_for(timeout=30_000)
            late.wait_for_timeout(500)
            assert late.locator("[data-testid=stForm]").count() == 0
            assert late.get_by_text("Distributed tracing", exact=False).count() == 0
            tall_screenshot(late, shots / "owner-phone-3-revoked.png")
        finally:
            browser.close()
    db.close()
    assert not errors, errors
