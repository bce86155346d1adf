"""The readiness check "Are we ready to scale?" in real browsers, before the workshop starts.

The facilitator opens the check from step 1's console; five phones join and answer it on their
one screen (a room that rates demand as anecdotal and its Ecosystem and Talent low); the projector
shows the results without a reload: the area chart, the signals, the two weakest areas and the
"scaling before product-market fit" flag, within one 1920×1080 screen. Step 1's prompts on a phone
and on the console then follow the weakest areas; starting the clock gives the projector its board
back; closing the check takes the panel off the phones. Axe finds nothing serious or critical in
the phone's live element with the whole check unfolded, and nothing in it is wider than 360 px.

Screenshots go to `$SCREENSHOTS` when set (else the test's temporary folder).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.test_projector_browser import MEASURE_PAGE, MEASURE_TEXT, SMALLEST_TEXT
from tests.test_room_browser import FIND_LIVE, FIT_CHECK, LIVE_CONTEXT, blocking, in_shadow, settle, tall_screenshot
from workshop import actions
from workshop import store as storage
from workshop.domain.readiness import AGREEMENT, DEMAND, EVIDENCE, SIGNALS, STATEMENTS, TITLE, dimension_order, weakest
from workshop.domain.vocabulary import DIMENSION_KEYS
from workshop.store.load import load

PHONES = 5
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
NARROW = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
WEAK_AREAS = ("ecosystem", "talent")  # rated "slightly" or "partly" by everyone
THANKS = "Thanks — you can change your answers until the facilitator closes the check."


def evidence(value: int) -> str:
    return next(level.label for level in EVIDENCE.levels if level.value == value)


def agreement(value: int) -> str:
    return next(level.label for level in AGREEMENT.levels if level.value == value)


def answers_of(n: int) -> tuple[dict[str, str], dict[str, str]]:
    """Phone n's choices (question → level label) and figures: demand anecdotal for four of five
    phones with flat growth; the signals otherwise hold; Ecosystem and Talent low, the rest high."""
    ratings = {q.key: evidence(2 if q.key != DEMAND else (1 if n < 4 else 2)) for q in SIGNALS}
    figures = {DEMAND: str(n % 2 - 1), "unit_economics": "3.5"}  # growth -1 % or 0 %; LTV:CAC 3.5
    for q in STATEMENTS:
        low = q.area in WEAK_AREAS
        ratings[q.key] = agreement((2 + n % 2) if low else (4 + n % 2))
    return ratings, figures


def answer(phone: Any, ratings: dict[str, str], figures: dict[str, str]) -> None:
    panel = phone.get_by_test_id("live-readiness")
    for key, label in ratings.items():
        panel.locator(f"[data-question={key}]").get_by_text(label, exact=True).click()
    for key, value in figures.items():
        panel.locator(f"[data-question={key}] input.sw-num").fill(value)
    panel.get_by_test_id("live-readiness-send").click()
    panel.get_by_text(THANKS).first.wait_for(timeout=10_000)


def join(browser: Any, base: str, code: str, name: str, errors: list[str], **context: Any) -> Any:
    page = browser.new_context(**(context or PHONE)).new_page()
    page.on("pageerror", lambda e: errors.append(f"{name}: {e}"))
    page.goto(f"{base}/?join={code}")
    page.get_by_label("Display name (leave empty to stay anonymous)").fill(name)
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(re.compile(r"/room\?ws="), timeout=30_000)
    page.get_by_test_id("live-readiness").wait_for(timeout=30_000)
    return page


def open_the_check(console: Any) -> None:
    """From step 1's console, as a facilitator would: unfold the check and open it."""
    console.get_by_text(f"{TITLE} — closed, 0 of 0 answered").click()
    console.get_by_role("button", name="Open the check").click()
    console.get_by_text("The check is open on every phone.").wait_for(timeout=30_000)


def nudge_order(phone: Any) -> list[str]:
    nudge = phone.get_by_test_id("live-nudge")
    if not nudge.evaluate("(d) => d.open"):
        nudge.locator("summary").click()
    return nudge.locator(".sw-prompt-dim").evaluate_all("(items) => items.map((i) => i.dataset.dimension)")


def check_projector_fits(projector: Any) -> list[str]:
    """No scrolling and no text under 24 px at 1080p (the chart's own letters are 20 px, as everywhere)."""
    sizes = projector.evaluate(MEASURE_PAGE)
    problems = [f"scrolls: {sizes}"] if sizes["doc"] > sizes["inner"] or sizes["main"] > sizes["mainBox"] else []
    small = [t for t in projector.evaluate(MEASURE_TEXT) if not t["url"] and t["size"] < SMALLEST_TEXT]
    return problems + [f"{t['size']:.1f} px {t['host']} {t['text']!r}" for t in small[:5]]


def check_phone_accessible_and_narrow(page: Any, shots: Path) -> None:
    """Axe on the live element with the check unfolded, and nothing wider than 360 px."""
    from axe_playwright_python import sync_playwright as sync_axe  # a dev requirement, never skipped

    page.evaluate(
        "(() => {" + FIND_LIVE + "findLive().querySelectorAll('details').forEach((d) => { d.open = true; }); })()"
    )
    page.wait_for_timeout(300)
    axe = sync_axe.Axe()
    inside = axe.run(page, context=LIVE_CONTEXT).response["violations"]
    passes = axe.run(page, context=LIVE_CONTEXT, options={"resultTypes": ["passes"]}).response["passes"]
    reached = {v["id"] for v in passes if any(in_shadow(n) for n in v["nodes"])}
    assert {"color-contrast", "label"} <= reached, f"axe did not check inside the live element: {reached}"
    assert blocking(inside) == [], blocking(inside)
    fit = page.evaluate("(() => {" + FIND_LIVE + FIT_CHECK + "})()")
    assert fit["doc"] <= fit["inner"] and fit["main"] <= fit["mainClient"], f"scrolls sideways: {fit}"
    assert fit["over"] == [] and fit["clipped"] == [], f"cut off at 360 px: {fit}"
    tall_screenshot(page, shots / "readiness-phone-360-unfolded.png")


def test_five_phones_answer_the_check_and_it_tailors_step_1(tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    db_path = tmp_path / "readiness.db"
    db = storage.connect(db_path)
    made = actions.create_workshop(db, "Next quarter's scaling plan", "Acme", "startup")
    code, key, token = made.code, made.facilitator_key, made.facilitator_token
    errors: list[str] = []
    with running_app(db_path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            console = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            console.on("pageerror", lambda e: errors.append(f"console: {e}"))
            console.goto(f"{base}/bottlenecks?ws={code}&p={token}")
            console.get_by_test_id("live-facilitator").wait_for(timeout=30_000)
            open_the_check(console)

            projector = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
            projector.on("pageerror", lambda e: errors.append(f"projector: {e}"))
            projector.goto(f"{base}/projector?ws={code}")
            projector.get_by_text(f"{TITLE} · 0 of 0 answered · answer on your phone").wait_for(timeout=30_000)

            phones = [join(browser, base, code, f"Phone {n}", errors) for n in range(PHONES)]
            first = phones[0].get_by_test_id("live-readiness")
            assert first.locator("details").evaluate("(d) => d.open"), "the check opens unfolded before any answer"
            first.locator(f"[data-question={DEMAND}]").get_by_text(evidence(1), exact=True).click()
            first.locator(f"[data-question={DEMAND}] input.sw-num").fill("0")
            phones[0].screenshot(path=str(shots / "readiness-phone-form.png"))
            for n, phone in enumerate(phones):
                answer(phone, *answers_of(n))

            results = load(db, code).readiness
            assert results.respondents == PHONES
            expected = list(dimension_order(results))
            names = [a.title for a in weakest(results)]
            assert {a.key for a in weakest(results)} == set(WEAK_AREAS) and expected != list(DIMENSION_KEYS)

            # The projector follows without a reload: results, weakest areas and the flag.
            projector.get_by_text(f"{TITLE} · {PHONES} of {PHONES} answered").wait_for(timeout=20_000)
            projector.locator(".vega-embed canvas, .vega-embed svg").first.wait_for(timeout=20_000)
            projector.get_by_text("Scaling before product-market fit", exact=False).first.wait_for(timeout=20_000)
            weakest_line = projector.locator("p").filter(has_text=re.compile("^Weakest:")).first.inner_text()
            assert all(name in weakest_line for name in names), weakest_line
            assert projector.get_by_test_id("live-board").locator(".sw-col").count() == 0, "the results take its place"
            projector.wait_for_timeout(700)
            settle(projector)
            projector.screenshot(path=str(shots / "readiness-projector-results.png"))
            assert check_projector_fits(projector) == []

            # Step 1's prompts follow the weakest areas: on a phone and on the console.
            assert nudge_order(phones[1]) == expected
            note = phones[1].get_by_test_id("live-nudge").locator("p.sw-muted").inner_text()
            assert note == f"Ordered by the readiness check: {' · '.join(names)} are the weakest.", note
            tall_screenshot(phones[1], shots / "readiness-phone-answered-nudge.png")
            console.reload()
            console.get_by_test_id("live-facilitator").wait_for(timeout=30_000)
            console.get_by_text("Prompts to get the room going").click()
            heads = console.locator("[data-testid=stExpanderDetails] [data-testid=stMarkdownContainer] p strong")
            titles = [t for t in heads.all_inner_texts() if t in {"Product", "Platform", "Organisation"}]
            assert [t.lower() for t in titles] == expected, titles
            warning = console.locator("[data-testid=stAlert]").filter(has_text="Scaling before product-market fit")
            warning.first.wait_for(timeout=10_000)
            tall_screenshot(console, shots / "readiness-console.png")

            # The clock starts: the projector's board takes over; the phones keep the open check.
            actions.start_timer(db, code, key)
            projector.get_by_test_id("live-board").locator(".sw-col").first.wait_for(timeout=20_000)
            projector.get_by_text(f"{TITLE} · {PHONES} of {PHONES} answered").wait_for(state="detached", timeout=20_000)
            projector.wait_for_timeout(700)
            projector.screenshot(path=str(shots / "readiness-projector-board.png"))
            assert phones[2].get_by_test_id("live-readiness").get_by_text(THANKS).first.is_visible()

            narrow = join(browser, base, code, "Narrow", errors, **NARROW)
            check_phone_accessible_and_narrow(narrow, shots)

            actions.open_readiness(db, code, key, False)
            for phone in phones:
                phone.get_by_test_id("live-readiness").wait_for(state="hidden", timeout=15_000)
            assert phones[0].get_by_test_id("live-add").is_visible(), "step 1 goes on below where the check was"
        finally:
            browser.close()
            db.close()
    assert not errors, errors
