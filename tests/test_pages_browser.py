"""The join page, Ship It, the owner page and the portfolio in a real browser, on a phone (390×844)
and a laptop (1440×900): what each must show, that nothing hangs over the edge, and that axe finds
nothing serious or critical. The Streamlit sidebar navigation's own list markup is left out of the
axe findings (rules `list` and `listitem` inside `[data-testid=stSidebarNav]` only): that
navigation is Streamlit's. Screenshots go to `$SCREENSHOTS` when set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.test_room_browser import tall_screenshot
from workshop import actions
from workshop import store as storage
from workshop.actions.portfolio import issue_portfolio_key
from workshop.demo import create_demo
from workshop.domain.vocabulary import STEPS
from workshop.store.load import load

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1440, "height": 900}}
SIZES = {"390": PHONE, "1440": LAPTOP}
JOINED_TITLE = "Platform review <b>Q3</b>"  # markup in a title stays text
NAV_LIST_RULES = ("list", "listitem")  # Streamlit's sidebar navigation: not this app's markup
SIDEBAR_NAV = "[data-testid=stSidebarNav]"

# Anything wider than the window: the document, Streamlit's main section, or a block inside it.
OVERHANG = """() => {
    const main = document.querySelector('[data-testid=stMain]');
    const edge = innerWidth;
    const over = [...document.querySelectorAll('[data-testid=stMain] [data-testid=stForm], '
        + '[data-testid=stMain] [data-testid=stVerticalBlock] > div')]
        .map(n => n.getBoundingClientRect()).filter(r => r.width && (r.right > edge + 0.5 || r.left < -0.5))
        .map(r => [Math.round(r.left), Math.round(r.right)]);
    // a strip of tabs or a form wider than its box scrolls: its end is out of sight
    const hidden = [...document.querySelectorAll('[data-testid=stMain] :is([role=tablist], [data-testid=stForm])')]
        .filter(n => n.scrollWidth > n.clientWidth + 1).map(n => [n.getAttribute('role') || 'form', n.scrollWidth, n.clientWidth]);
    over.push(...hidden);
    return {doc: document.documentElement.scrollWidth, main: main.scrollWidth, mainClient: main.clientWidth,
            inner: edge, over};
}"""
# The column headers a dataframe has drawn: its grid renders only the columns in view.
HEADERS = """(el) => [...el.querySelectorAll('[role=columnheader]')].map(h => h.textContent.trim())"""


@dataclass
class Site:
    base: str
    browser: playwright.Browser
    code: str  # the ended sample
    facilitator: str
    joining: str  # a workshop still open to join
    owner_link: str
    portfolio_key: str
    shots: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("pages")
    shots = Path(os.environ.get("SCREENSHOTS") or tmp)
    shots.mkdir(parents=True, exist_ok=True)
    db_path = tmp / "pages.db"
    db = storage.connect(db_path)
    made = create_demo(db, followup_days=70)
    joining = actions.create_workshop(db, JOINED_TITLE, "Northwind Analytics", "scaleup")
    owner = load(db, made.code).tracks[0].owner
    link = actions.issue_owner_link(db, made.code, made.facilitator_key, owner)
    key = issue_portfolio_key(db)
    with running_app(db_path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield Site(base, browser, made.code, made.facilitator_token, joining.code, link, key, shots)
        finally:
            browser.close()


ORDER = "heading-order"  # moderate for axe, but a screen reader's outline of the page depends on it


def serious(page: playwright.Page) -> list[str]:
    """axe's serious and critical findings on the whole page, and headings out of order, but the
    sidebar navigation's list markup."""
    from axe_playwright_python.sync_playwright import Axe  # a dev requirement, never skipped

    found = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] not in ("serious", "critical") and violation["id"] != ORDER:
            continue
        nodes = [n for n in violation["nodes"] if not _in_sidebar_nav(page, violation["id"], n["target"])]
        found += [f"{violation['id']} ({violation['impact']}): {n['html'][:120]}" for n in nodes]
    return found


def _in_sidebar_nav(page: playwright.Page, rule: str, target: list[str]) -> bool:
    if rule not in NAV_LIST_RULES or len(target) != 1:
        return False
    return bool(page.evaluate(f"(t) => !!document.querySelector(t)?.closest('{SIDEBAR_NAV}')", target[0]))


def settle(page: playwright.Page, charts: int = 0) -> None:
    """Wait for the page to finish running (and its first `charts` charts to draw)."""
    page.locator("[data-testid=stMain] h1").first.wait_for(timeout=30_000)
    for n in range(charts):
        page.locator(".vega-embed").nth(n).wait_for(timeout=30_000)
    page.wait_for_timeout(1500)


def fits(page: playwright.Page) -> None:
    fit = page.evaluate(OVERHANG)
    assert fit["doc"] <= fit["inner"] and fit["main"] <= fit["mainClient"], f"scrolls sideways: {fit}"
    assert fit["over"] == [], f"blocks hang over the window's edge: {fit}"


@pytest.mark.parametrize("size", SIZES)
def test_the_join_page_names_the_workshop_and_shows_no_facilitator_tabs(site, size):
    page = site.browser.new_context(**SIZES[size]).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site.base}/?join={site.joining}")
    settle(page)
    fits(page)
    assert page.get_by_role("heading", name=f"Join {JOINED_TITLE}").count() == 1
    for tab in ("Create a workshop", "Open the sample", "I am the facilitator"):
        assert page.get_by_role("tab", name=tab).count() == 0, f"the join page offers {tab!r}"
    assert page.get_by_label("Workshop code").input_value() == site.joining
    assert serious(page) == []
    tall_screenshot(page, site.shots / f"join-{size}.png")
    assert errors == []


def test_the_new_workshops_qr_code_has_alt_text(site):
    page = site.browser.new_context(**LAPTOP).new_page()
    page.goto(site.base)
    settle(page)
    page.get_by_role("tab", name="Create a workshop").click()
    form = page.locator("[data-testid=stForm]").filter(has_text="Create workshop")
    form.get_by_label("Title").fill("Scaling the platform")
    form.get_by_label("Organisation").fill("Contoso")
    form.get_by_role("button", name="Create workshop").click()
    page.get_by_text("Your workshop is ready.").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    qr = page.locator("[data-testid=stImage] img").first
    assert (qr.get_attribute("alt") or "").startswith("QR code"), qr.get_attribute("alt")
    assert serious(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_ship_it_shows_vote_counts_and_the_owner_column(site, size):
    page = site.browser.new_context(**SIZES[size]).new_page()
    page.goto(f"{site.base}/ship-it?ws={site.code}&p={site.facilitator}")
    settle(page, charts=2)
    frames = page.locator("[data-testid=stDataFrame]")
    plan = frames.first.evaluate(HEADERS)
    if size == "1440":
        assert "Owner" in plan and plan.index("Owner") < len(plan) - 1, f"the Owner column is cut: {plan}"
        boards = page.locator("[data-testid=stHorizontalBlock]").filter(has_text="Product").last
        for n in range(3):
            headers = boards.locator("[data-testid=stDataFrame]").nth(n).evaluate(HEADERS)
            assert "Votes" in headers, f"a board's vote counts are out of view: {headers}"
    headings = [h.inner_text().strip() for h in page.locator("[data-testid=stMain] h2").all()]
    assert headings.count("Time per step") == 1 and headings.count("Impact map") == 1
    fits(page)
    assert serious(page) == []
    tall_screenshot(page, site.shots / f"shipit-{size}.png")


@pytest.mark.parametrize("size", SIZES)
def test_the_owner_pages_value_field_is_named_without_markup(site, size):
    page = site.browser.new_context(**SIZES[size]).new_page()
    page.goto(f"{site.base}/owner?ws={site.code}&o={site.owner_link}")
    settle(page, charts=1)
    value = page.get_by_role("textbox", name="Measured value", exact=False).first
    name = value.evaluate("(el) => el.getAttribute('aria-label') || el.labels?.[0]?.textContent || ''")
    assert name.startswith("Measured value") and "\\" not in name, name
    fits(page)
    assert serious(page) == []
    tall_screenshot(page, site.shots / f"owner-{size}.png")


@pytest.mark.parametrize("size", SIZES)
def test_the_portfolio_opens_cleanly(site, size):
    page = site.browser.new_context(**SIZES[size]).new_page()
    page.goto(f"{site.base}/portfolio")
    page.get_by_label("Portfolio key").fill(site.portfolio_key)
    page.get_by_role("button", name="Open the portfolio").click()
    page.get_by_role("heading", name="Owned initiatives").wait_for(timeout=30_000)
    page.locator(".vega-embed").nth(1).wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    fits(page)
    assert serious(page) == []
    tall_screenshot(page, site.shots / f"portfolio-{size}.png")


@pytest.mark.parametrize(("step", "says"), [("bottlenecks", STEPS[0].acted), ("decide", STEPS[3].acted)])
def test_previewing_an_earlier_step_of_an_ended_workshop_counts_that_step(site, step, says):
    """The console's live line once said step 5's "3 of 6 participants volunteered" on every step."""
    page = site.browser.new_context(**LAPTOP).new_page()
    page.goto(f"{site.base}/{step}?ws={site.code}&p={site.facilitator}")
    line = page.get_by_test_id("live-progress")
    line.wait_for(timeout=30_000)
    playwright.expect(line).to_contain_text("participants", timeout=30_000)
    text = line.inner_text()
    assert text.endswith(f"participants {says}") and STEPS[4].acted not in text, text
