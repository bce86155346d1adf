"""The live room in real browsers: five phones and a projector on one running app.

Phones join through the start page, add notes through the live element and must see
them arrive on the projector; the phone's countdown and the projector's agree; a refresh
keeps the phone's identity and its unsent draft; and when the facilitator moves the room
on, the phones' one screen swaps to the new step without anyone clicking.
"""

from __future__ import annotations

import time

from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.helpers import on_step
from tests.test_room_browser import join_phones, token_of
from workshop import actions
from workshop import store as storage

PHONES = 5


def seconds_left(page) -> int:
    return int(page.get_by_test_id("live-clock").get_attribute("data-seconds"))


def test_live_room_in_browsers(tmp_path):
    db_path = tmp_path / "live.db"
    db = storage.connect(db_path)
    created = actions.create_workshop(db, "Live room", "Acme", "scaleup")
    code, key = created.code, created.facilitator_key
    actions.start_timer(db, code, key)

    errors: list[str] = []
    with running_app(db_path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            projector = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
            projector.on("pageerror", lambda e: errors.append(f"projector: {e}"))
            projector.goto(f"{base}/projector?ws={code}")
            projector.get_by_test_id("live-projector").wait_for(timeout=30_000)

            def new_page(name: str, **kwargs):
                page = browser.new_context(**kwargs).new_page()
                page.on("pageerror", lambda e: errors.append(f"{name}: {e}"))
                return page

            # Five phones join through the start page, each in its own browser context.
            phones, _ = join_phones(new_page, base, code, PHONES)
            tokens = [token_of(phone) for phone in phones]
            assert all(tokens) and len(set(tokens)) == PHONES

            # Each phone adds one note through the live element; all reach the projector.
            notes = [f"Phone {i}: deploys queue behind the shared staging slot" for i in range(PHONES)]
            for phone, note in zip(phones, notes):
                phone.locator("textarea.sw-input").fill(note)
                phone.locator("button.sw-dim[data-dim=platform]").click()
                phone.get_by_test_id("live-add").click()
            # The projector counts every note and shows the top ones that fit its screen.
            platform = projector.locator("[data-testid=live-board] [data-dimension=platform]")
            platform.locator(".sw-col-count", has_text=str(PHONES)).wait_for(timeout=15_000)
            shown = platform.locator(".sw-card .sw-text").all_inner_texts()
            more = platform.locator(".sw-more").all_inner_texts()
            assert shown and set(shown) <= set(notes)
            assert more == ([f"+{PHONES - len(shown)} more"] if len(shown) < PHONES else [])
            for phone in phones:  # each phone's form was cleared once its note was stored
                assert phone.locator("textarea.sw-input").input_value() == ""

            # The countdown on a phone and on the projector agree within a second.
            assert phones[0].get_by_test_id("live-clock").get_attribute("data-state") == "running"
            phone_left, projector_left = seconds_left(phones[0]), seconds_left(projector)
            assert 0 < phone_left <= 20 * 60
            assert abs(phone_left - projector_left) <= 1, (phone_left, projector_left)

            # A refresh keeps the identity (a cookie; the URL holds none) and the unsent draft.
            phone = phones[1]
            draft = "Half-typed: nobody owns the billing service"
            phone.locator("textarea.sw-input").fill(draft)
            phone.locator("button.sw-dim[data-dim=organisation]").click()
            phone.reload()
            phone.get_by_test_id("live-participant").wait_for(timeout=30_000)
            assert token_of(phone) == tokens[1]
            assert phone.locator("textarea.sw-input").input_value() == draft
            assert "on" in (phone.locator("button.sw-dim[data-dim=organisation]").get_attribute("class") or "").split()

            # The facilitator moves the room on; the phones follow without a click or a reload.
            actions.next_step(db, code, key, from_step=on_step(db, code))
            started = time.monotonic()
            phones[0].locator("[data-testid=live-participant][data-step=impact]").wait_for(timeout=10_000)
            assert time.monotonic() - started < 10
            assert token_of(phones[0]) == tokens[0]
            phones[2].locator("[data-testid=live-participant][data-step=impact]").wait_for(timeout=10_000)
        finally:
            browser.close()
    db.close()
    assert errors == []
