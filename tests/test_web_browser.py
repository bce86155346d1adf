"""No credential in an address bar, in a real browser (issue 20, finding 3).

The facilitator creates a workshop and opens the console; a phone joins with the code. Neither
address ever holds a token, and a reload keeps each of them signed in (HttpOnly cookies, one per
workshop and kind). A second workshop in the same browser keeps its own sign-in. Screenshots
at 1440×900 and 390×844 go to $SCREENSHOTS when it is set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.test_room_browser import settle, tall_screenshot, token_of
from workshop import actions
from workshop import store as storage

LAPTOP = {"viewport": {"width": 1440, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def clean(page) -> None:
    """The address holds the workshop's code and nothing secret."""
    query = parse_qs(urlsplit(page.url).query)
    assert set(query) <= {"ws", "join"}, page.url


def create(page, base: str, title: str) -> tuple[str, str]:
    """Create a workshop on the start page and open its console; returns (join code, key)."""
    page.goto(f"{base}/")
    page.get_by_role("tab", name="Create a workshop").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Organisation").fill("Acme")
    page.get_by_role("button", name="Create workshop").click()
    page.get_by_text("Facilitator key — shown only once").wait_for(timeout=30_000)
    key = page.locator("[data-testid=stCode] code").nth(0).inner_text().strip()
    code = page.locator("[data-testid=stCode] code").nth(1).inner_text().strip()
    clean(page)
    page.get_by_role("link", name="Open the facilitator console").click()
    page.get_by_test_id("live-facilitator").wait_for(timeout=30_000)
    return code, key


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("web") / "web.db"
    storage.connect(db_path).close()
    with running_app(db_path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield base, db_path, browser
        finally:
            browser.close()


def test_the_console_and_a_phone_keep_their_sign_in_with_nothing_in_the_address(app, tmp_path):
    base, db_path, browser = app
    folder = shots(tmp_path)
    errors: list[str] = []
    console = browser.new_context(**LAPTOP).new_page()
    console.on("pageerror", lambda e: errors.append(f"console: {e}"))
    code, key = create(console, base, "Platform offsite")
    assert console.url == f"{base}/bottlenecks?ws={code}"
    device = token_of(console, "f")
    assert device and actions.is_facilitator(storage.connect(db_path), code, device)
    console.screenshot(path=str(folder / "web-console-1440.png"))

    console.reload()  # a refresh keeps the console: the sidebar's controls are there again
    console.get_by_role("button", name=re.compile("^Next")).wait_for(timeout=30_000)
    settle(console)
    clean(console)
    assert console.get_by_text("not recognised").count() == 0

    phone = browser.new_context(**PHONE).new_page()
    phone.on("pageerror", lambda e: errors.append(f"phone: {e}"))
    phone.goto(f"{base}/?join={code}")
    phone.get_by_label("Display name (leave empty to stay anonymous)").fill("Zoë")
    phone.get_by_role("button", name="Join").click()
    phone.wait_for_url(re.compile(r"/room\?ws="), timeout=30_000)
    phone.get_by_test_id("live-participant").wait_for(timeout=30_000)
    assert phone.url == f"{base}/room?ws={code}"
    assert token_of(phone)
    settle(phone)
    tall_screenshot(phone, folder / "web-phone-390-joined.png")

    phone.get_by_label("New bottleneck").fill("Releases wait for the shared staging slot")
    phone.locator("button.sw-dim[data-dim=platform]").click()
    phone.get_by_test_id("live-add").click()
    console.locator(".sw-card .sw-text", has_text="Releases wait for the shared staging slot").wait_for(timeout=15_000)

    phone.reload()  # a refresh keeps who they are, and their note is still theirs
    phone.get_by_text("You are Zoë", exact=False).wait_for(timeout=30_000)
    phone.get_by_test_id("live-participant").wait_for(timeout=30_000)
    clean(phone)
    settle(phone)
    tall_screenshot(phone, folder / "web-phone-390-reloaded.png")
    # The console counts the phone once, however often it reloads.
    console.get_by_test_id("live-progress").filter(has_text="1 connected").wait_for(timeout=15_000)
    console.screenshot(path=str(folder / "web-console-1440-with-phone.png"))

    # A second workshop in the same browser keeps its own sign-in; the first one's survives.
    second, _ = create(console, base, "Second room")
    assert second != code and token_of(console, "f") != device
    console.goto(f"{base}/bottlenecks?ws={code}")
    console.get_by_role("button", name=re.compile("^Next")).wait_for(timeout=30_000)
    console.get_by_text(f"Join code: {code}").wait_for(timeout=30_000)

    # The projector opened from the console shows no secret anywhere on its page or address.
    console.get_by_role("link", name="Projector view").click()
    console.get_by_test_id("live-projector").wait_for(timeout=30_000)
    clean(console)
    assert device not in console.content()

    # On another laptop the facilitator signs in with the key: same clean address, same refresh.
    laptop = browser.new_context(**LAPTOP).new_page()
    laptop.on("pageerror", lambda e: errors.append(f"laptop: {e}"))
    laptop.goto(f"{base}/")
    laptop.get_by_role("tab", name="I am the facilitator").click()
    form = laptop.locator("[data-testid=stForm]").filter(has=laptop.get_by_label("Facilitator key"))
    form.get_by_label("Workshop code").fill(code)
    form.get_by_label("Facilitator key").fill(key)
    form.get_by_role("button", name="Open the facilitator console").click()
    laptop.get_by_test_id("live-facilitator").wait_for(timeout=30_000)
    assert laptop.url == f"{base}/bottlenecks?ws={code}" and token_of(laptop, "f")
    laptop.reload()
    laptop.get_by_role("button", name=re.compile("^Next")).wait_for(timeout=30_000)
    assert key not in laptop.content()
    assert errors == []
