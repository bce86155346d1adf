"""Last time's commitments open the next workshop, in a real browser.

The sample workshop was held 70 days ago. A facilitator creates the next workshop for the same
organisation from the start page; step 1 opens with the review on the projector and a phone;
the console carries one commitment over and marks one done; the phone and the projector show the
outcomes without a reload; step 3 shows the carried initiative; the earlier workshop's summary
shows the outcomes. Screenshots go to `$SCREENSHOTS` when set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright import sync_api as playwright

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.helpers import on_step
from tests.test_room_browser import tall_screenshot, token_of
from workshop import actions
from workshop import store as storage
from workshop.demo import create_demo
from workshop.domain.vocabulary import STEPS
from workshop.store.load import load

LIVE = "[data-testid=live-participant]"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _create_next_workshop(page, base: str, organisation: str) -> tuple[str, str]:
    """Through the start page, as a facilitator would: returns (code, facilitator token)."""
    page.goto(f"{base}/")
    page.get_by_role("tab", name="Create a workshop").click()
    page.get_by_label("Title").fill("Next quarter's scaling plan")
    page.get_by_label("Organisation").fill(organisation)
    assert page.get_by_role("checkbox", name="Open with a review of last time's commitments").is_checked()
    page.get_by_role("button", name="Create workshop").click()
    page.get_by_text("Your workshop is ready.").wait_for(timeout=30_000)
    page.get_by_role("link", name="Open the facilitator console").click()
    page.wait_for_url(re.compile(r"ws="), timeout=30_000)
    token = token_of(page, "f")  # the console's sign-in is a cookie, never in the address
    assert token
    return parse_qs(urlsplit(page.url).query)["ws"][0], token


def _record(page, initiative_id: int, outcome: str, reason: str) -> None:
    box = page.locator(f".st-key-commitment-{initiative_id}")
    choice = box.get_by_text(outcome, exact=True)
    # While the previous record's rerun draws, the box can hold its stale copy beside the new one.
    playwright.expect(choice).to_have_count(1, timeout=30_000)
    choice.click()
    box.get_by_label("Reason (one line)").fill(reason)
    box.get_by_role("button", name="Record").click()
    page.get_by_text(f"Recorded: {outcome}.").wait_for(timeout=30_000)


def _axe_blocking(page) -> list[str]:
    """Serious or critical axe findings inside the live element (its shadow root included)."""
    from axe_playwright_python import sync_playwright as sync_axe

    context = {"include": {"fromShadowDom": ["[data-testid=stBidiComponentIsolated]", LIVE]}}
    axe = sync_axe.Axe()
    passes = axe.run(page, context=context, options={"resultTypes": ["passes"]}).response["passes"]
    assert "color-contrast" in {p["id"] for p in passes}, "axe reached into the live element"
    found = axe.run(page, context=context).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in found if v.get("impact") in ("serious", "critical")]


def test_last_times_commitments_open_the_next_workshop(tmp_path):
    shots = _shots(tmp_path)
    db_path = tmp_path / "review.db"
    db = storage.connect(db_path)
    old = create_demo(db, followup_days=70)
    organisation = load(db, old.code).workshop["organisation"]
    errors: list[str] = []
    with running_app(db_path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            laptop = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            laptop.on("pageerror", lambda e: errors.append(f"console: {e}"))
            code, token = _create_next_workshop(laptop, base, organisation)
            # the console's own heading; the live board beside it carries the same words once it has loaded
            laptop.locator("h2#last-times-commitments").wait_for(timeout=30_000)
            items = load(db, code).commitments
            assert len(items) == len(load(db, old.code).tracks) == 4

            projector = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
            projector.on("pageerror", lambda e: errors.append(f"projector: {e}"))
            projector.goto(f"{base}/projector?ws={code}")
            review = projector.get_by_test_id("live-review")
            review.locator(".sw-commitment").nth(3).wait_for(timeout=30_000)
            assert "overdue" in review.inner_text(), "the sample's tracing owner missed a check-in"

            phone = browser.new_context(**PHONE).new_page()
            phone.on("pageerror", lambda e: errors.append(f"phone: {e}"))
            phone.goto(f"{base}/?join={code}")
            phone.get_by_label("Display name (leave empty to stay anonymous)").fill("Ana")
            phone.get_by_role("button", name="Join").click()
            phone.wait_for_url(re.compile(r"/room\?ws="), timeout=30_000)
            phone.get_by_test_id("live-review").locator(".sw-commitment").nth(3).wait_for(timeout=30_000)
            assert not phone.get_by_test_id("live-add").is_visible(), "no notes while the room reviews"
            assert _axe_blocking(phone) == [], "the review on a phone is accessible"
            tall_screenshot(phone, shots / "review-phone.png")
            projector.screenshot(path=str(shots / "review-projector.png"))

            carried, done = items[0], items[1]
            _record(laptop, carried.initiative_id, "Carry over", "Half-way: the charter covers two of five areas")
            _record(laptop, done.initiative_id, "Done", "SLOs and the error-budget policy are live")
            for screen in (phone, projector):  # the outcomes reach every screen without a reload
                outcome = screen.locator(f"[data-testid=live-review] .sw-commitment[data-id='{carried.initiative_id}']")
                outcome.get_by_text("Carried over: Half-way", exact=False).wait_for(timeout=20_000)
                screen.locator(f".sw-commitment[data-id='{done.initiative_id}'][data-outcome=done]").wait_for(
                    timeout=20_000
                )
            tall_screenshot(phone, shots / "review-phone-outcomes.png")
            projector.screenshot(path=str(shots / "review-projector-outcomes.png"))
            tall_screenshot(laptop, shots / "review-console.png")

            laptop.get_by_role("button", name="Start the brainstorm").click()
            phone.get_by_test_id("live-add").wait_for(timeout=20_000)

            prioritise = STEPS[2]
            actions.go_to_step(
                db, code, token, prioritise.key, from_step=on_step(db, code)
            )  # the console's device token acts as the key
            phone.locator(f"[data-testid=live-participant][data-step={prioritise.key}]").wait_for(timeout=30_000)
            phone.get_by_text(carried.track.title, exact=False).first.wait_for(timeout=30_000)
            tall_screenshot(phone, shots / "review-phone-step-3.png")
            laptop.goto(f"{base}/{prioritise.key}?ws={code}&p={token}")  # the ranking table is a canvas grid
            laptop.get_by_text(carried.track.title, exact=False).first.wait_for(state="attached", timeout=30_000)

            laptop.goto(f"{base}/ship-it?ws={old.code}&p={old.facilitator_token}")
            laptop.get_by_text("Half-way: the charter covers two of five areas", exact=False).first.wait_for(
                timeout=30_000
            )
            reason = laptop.get_by_text("SLOs and the error-budget policy are live", exact=False).first
            reason.wait_for(timeout=30_000)
            reason.scroll_into_view_if_needed()
            laptop.screenshot(path=str(shots / "review-earlier-summary.png"))
        finally:
            browser.close()
            db.close()
    assert not errors, errors
    carried_copy = next(i for i in load(storage.connect(db_path), code).initiatives if i.carried)
    assert carried_copy.title == carried.track.title and carried_copy.owner["owner"] == carried.track.owner
