"""The whole path in a real browser: create, join from a second device, add, see it, download."""

from __future__ import annotations

import re

import pytest
from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("e2e") / "e2e.db") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_create_join_add_see_and_download(base_url, browser, tmp_path):
    errors: list[str] = []
    facilitator = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True).new_page()
    facilitator.on("pageerror", lambda e: errors.append(str(e)))
    facilitator.goto(base_url + "/")
    facilitator.get_by_role("tab", name="Create a workshop").click()
    facilitator.get_by_label("Title").fill("Platform offsite")
    facilitator.get_by_label("Organisation").fill("Acme")
    facilitator.get_by_role("button", name="Create workshop").click()
    facilitator.get_by_text("Facilitator key — shown only once").wait_for(timeout=20_000)
    code = facilitator.locator("[data-testid=stCode] code").nth(1).inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code), code
    facilitator.get_by_role("link", name="Open the facilitator console").click()
    facilitator.get_by_role("button", name=re.compile(r"^Start")).click()
    facilitator.locator("[data-testid=live-facilitator]").wait_for(timeout=20_000)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.goto(f"{base_url}/?join={code}")
    phone.get_by_label("Display name (leave empty to stay anonymous)").fill("Zoë")
    phone.get_by_role("button", name="Join").click()
    phone.wait_for_url(re.compile(r"/room\?ws="), timeout=20_000)
    phone.locator("textarea.sw-input").fill("Deploys block every team <b>for a day</b>")
    phone.locator("button.sw-dim[data-dim=platform]").click()
    phone.locator("[data-testid=live-add]").click()

    card = facilitator.locator(
        "[data-dimension=platform] .sw-card .sw-text", has_text="Deploys block every team <b>for a day</b>"
    )
    card.wait_for(timeout=10_000)
    assert card.inner_text() == "Deploys block every team <b>for a day</b>"

    facilitator.get_by_test_id("stSidebar").get_by_role("link", name="Ship It summary").click()
    facilitator.get_by_text("Ship It — Platform offsite").wait_for(timeout=20_000)
    with facilitator.expect_download() as download:
        facilitator.get_by_role("button", name="Markdown").click()
    path = tmp_path / "summary.md"
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Ship It — Platform offsite")
    assert "Deploys block every team \\<b\\>for a day\\</b\\>" in text
    assert "- [ ] **Scaling priorities identified across product, platform and org**" in text
    assert errors == []
