"""Leaders in a real browser: the facilitator hands out a leader link, a leader opens it on
another device, records a check-in, downloads the PDF, and the portfolio shows the result.
A revoked link then opens nothing. Screenshots go to `$SCREENSHOTS` when set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from workshop import actions
from workshop import store as storage
from workshop.actions.portfolio import issue_portfolio_key
from workshop.demo import create_demo
from workshop.store.load import load


def test_leader_link_checkin_download_portfolio_and_revoke(tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    db_path = tmp_path / "leaders.db"
    db = storage.connect(db_path)
    made = create_demo(db, followup_days=70)
    portfolio_key = issue_portfolio_key(db)  # as printed at the server's first start
    errors: list[str] = []
    with running_app(db_path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # The facilitator creates the leader link on the summary page. This deep link is the
            # server's very first visit: it must open without a "page not found" notice.
            facilitator = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            facilitator.on("pageerror", lambda e: errors.append(f"facilitator: {e}"))
            facilitator.goto(f"{base}/ship-it?ws={made.code}&p={made.facilitator_token}")
            facilitator.get_by_role("button", name="Create a leader link").wait_for(timeout=30_000)
            facilitator.wait_for_timeout(1000)
            assert facilitator.get_by_text("Page not found").count() == 0
            facilitator.get_by_role("button", name="Create a leader link").click()
            link = facilitator.locator("[data-testid=stCode] code").first
            link.wait_for(timeout=30_000)
            url = link.inner_text().strip()
            assert re.search(rf"/ship-it\?ws={made.code}&l=[\w-]+$", url), url

            # A leader opens it on another device: summary, follow-through, no controls.
            leader = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True).new_page()
            leader.on("pageerror", lambda e: errors.append(f"leader: {e}"))
            leader.goto(url)
            leader.get_by_text("Leader view", exact=False).wait_for(timeout=30_000)
            # The link's secret has left the address bar for a cookie: a reload is still the leader view.
            assert leader.url == f"{base}/ship-it?ws={made.code}", leader.url
            assert facilitator.url == f"{base}/ship-it?ws={made.code}", facilitator.url
            leader.reload()
            leader.get_by_text("Leader view", exact=False).wait_for(timeout=30_000)
            leader.get_by_text("Overdue: Distributed tracing", exact=False).wait_for(timeout=10_000)
            assert leader.get_by_role("button", name="Revoke the leader link").count() == 0
            assert leader.get_by_role("button", name="Next ▶").count() == 0
            leader.locator(".vega-embed").nth(1).wait_for(timeout=30_000)
            leader.wait_for_timeout(800)
            leader.screenshot(path=str(shots / "leader-summary.png"), full_page=True)

            # The tracing owner records the overdue check-in through the leader link.
            form = leader.locator("[data-testid=stForm]").filter(has_text="Record a check-in")
            choose = leader.get_by_role("combobox", name="Initiative")
            choose.click()
            choose.fill("Distributed")
            leader.get_by_role("option", name=re.compile("^Distributed tracing")).click()
            form.get_by_label("Measured value").fill("74")
            form.get_by_label("Note (optional)").fill("Search traced <b>too</b>")
            form.get_by_text("On track", exact=True).click()
            form.get_by_role("button", name="Record check-in").click()
            leader.get_by_text("Check-in recorded.").wait_for(timeout=30_000)
            tracing = next(t for t in load(db, made.code).tracks if t.title.startswith("Distributed tracing"))
            assert (tracing.value, tracing.latest["via"], tracing.latest["note"]) == (
                74,
                "leader link",
                "Search traced <b>too</b>",
            )
            playwright.expect(leader.get_by_text("Overdue: Distributed tracing", exact=False)).to_have_count(
                0, timeout=15_000
            )

            with leader.expect_download(timeout=60_000) as download:
                leader.get_by_role("button", name="PDF").click()
            pdf = tmp_path / "ship-it.pdf"
            download.value.save_as(pdf)
            assert pdf.read_bytes().startswith(b"%PDF")

            # The portfolio shows the new status across workshops.
            portfolio = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            portfolio.on("pageerror", lambda e: errors.append(f"portfolio: {e}"))
            portfolio.goto(f"{base}/portfolio")
            portfolio.get_by_label("Portfolio key").fill(portfolio_key)
            portfolio.get_by_role("button", name="Open the portfolio").click()
            portfolio.get_by_text("Owned initiatives").first.wait_for(timeout=30_000)
            portfolio.locator(".vega-embed").first.wait_for(timeout=30_000)
            portfolio.wait_for_timeout(800)
            portfolio.screenshot(path=str(shots / "portfolio.png"), full_page=True)

            # Revoked: the same link opens nothing any more.
            actions.revoke_leader_link(db, made.code, made.facilitator_key)
            late = browser.new_context().new_page()
            late.goto(url)
            late.get_by_text("revoked or replaced", exact=False).wait_for(timeout=30_000)
            playwright.expect(late.get_by_text("Checklist", exact=False)).to_have_count(0)
        finally:
            browser.close()
    assert not errors, errors
