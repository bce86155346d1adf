"""The room's screens in a real browser: the projector at 1920×1080 and 1280×720, the phone at
390×844 and 360×740 (issue 22).

- The projector's board shows every note that fits, best voted first, and counts the rest.
- No text on the projector, chart labels included (drawn as SVG), is under 24 px at 1080p; the
  workshop's title is there, the step's title once, the step's aim in one line.
- Step 4 shows the room's picks live, a bar per initiative, then the decision; after the end the
  projector says so and shows no join code.
- ROI × urgency labels every point the same way, and no dashed median line crosses a label.
- A phone keeps the step and the clock in view however far it scrolls; its buttons use the app's
  font; the impact form is empty again after an edit; the "because" reads as a sentence.
- Axe finds nothing serious or critical on the projector or the phone, and a phone that reloads
  counts once on the projector.

Screenshots of every step go to `$SCREENSHOTS` when set (else the test's temporary folder).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.helpers import on_step
from tests.test_projector_browser import busy_room
from tests.test_room_browser import LIVE_CONTEXT, blocking
from workshop import actions
from workshop import store as storage
from workshop.demo import create_demo
from workshop.domain import readiness
from workshop.domain.vocabulary import DIMENSION_KEYS, STEPS
from workshop.store.load import load

PROJECTORS = {"1080p": (1920, 1080), "720p": (1280, 720)}
PHONES = {"390": (390, 844), "360": (360, 740)}
SMALLEST_TEXT = 24  # px at 1080p; the 720p screen shows the same layout zoomed by 2/3
SHORT_NOTES = (5, 5, 4)  # 14 short notes, per dimension
BUSY_COLUMN = 8  # notes a column shows at least with 60 more notes on the board
STATES = [*(s.key for s in STEPS), "ended"]

# Every visible text node, SVG text included, with its size on screen (CSS zoom and SVG scaling applied).
MEASURE_TEXT = """() => {
  const out = [];
  const walk = (root) => {
    const it = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let n = it.currentNode; n; n = it.nextNode()) {
      if (n.nodeType === 1) { if (n.shadowRoot) walk(n.shadowRoot); continue; }
      const el = n.parentElement;
      if (!el || !n.textContent.trim() || el.closest('style,script,noscript,title,desc')) continue;
      if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.bottom <= 0 || r.top >= innerHeight) continue;
      let scale = el.currentCSSZoom || 1;
      const svg = el.closest('svg');
      if (svg && svg.width.baseVal.value) {
        scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
      }
      out.push({text: n.textContent.trim().slice(0, 60), size: parseFloat(getComputedStyle(el).fontSize) * scale,
                svg: !!svg});
    }
  };
  walk(document.body);
  return out;
}"""
SCROLLS = """() => {
  const main = document.querySelector('[data-testid=stMain]') || document.scrollingElement;
  return {doc: document.documentElement.scrollHeight > innerHeight + 1, main: main.scrollHeight > main.clientHeight + 1,
          canvas: document.querySelectorAll('.vega-embed canvas').length};
}"""
TO_BOTTOM = """() => {
  for (const n of [document.scrollingElement, ...document.querySelectorAll('[data-testid=stMain],
                   [data-testid=stAppViewContainer]')]) n.scrollTop = n.scrollHeight;
}""".replace("\n                   ", " ")
# Axe looks inside the live element's shadow root too (it does not by itself).
PROJECTOR_CONTEXT = {
    "include": {"fromShadowDom": ["[data-testid=stBidiComponentIsolated]", "[data-testid=live-projector]"]}
}
# The ROI chart's marks: point labels, points and the two dashed median lines, in screen pixels.
ROI_MARKS = """() => {
  const svg = [...document.querySelectorAll('.vega-embed svg')][0];
  const box = (n) => { const r = n.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const texts = [...svg.querySelectorAll('.mark-text text')].map((t) => ({text: t.textContent, box: box(t)}));
  return {labels: texts.filter((t) => /^#/.test(t.text)), points: svg.querySelectorAll('.mark-symbol path').length,
          rules: [...svg.querySelectorAll('.mark-rule.role-mark line')].map(box)};
}"""


def small_room(db) -> str:
    """A workshop with 14 short notes (5 · 5 · 4) and a few votes: every one fits the projector."""
    made = actions.create_workshop(db, "Fourteen short notes", "Acme", "scaleup")
    people = [actions.join(db, made.code, f"Person {n}").token for n in range(12)]
    votes = iter(people * 2)  # round robin: a note's votes come from different people, within the budget
    n = 0
    for dimension, count in zip(DIMENSION_KEYS, SHORT_NOTES):
        for _ in range(count):
            note = actions.add_bottleneck(db, made.code, people[n % 3], dimension, f"Short note {n + 1}")
            for _vote in range(n % 4):
                actions.vote(db, made.code, next(votes), note)
            n += 1
    return made.code


def ready_room(db) -> str:
    """A workshop whose step 1 has not started, with the readiness check answered: the projector
    shows its results. Unit economics agreed on with LTV:CAC figures, demand divided."""
    made = actions.create_workshop(db, "Ready to scale?", "Readiness Ltd", "scaleup")
    actions.open_readiness(db, made.code, made.facilitator_key, True)
    ratings = [(0, 3.2), (1, 3.4), (3, 3.4), (3, 3.5)]  # demand's rating, LTV:CAC
    for n, (demand, ratio) in enumerate(ratings):
        token = actions.join(db, made.code, f"Rater {n}").token
        answers = [
            {"key": readiness.DEMAND, "rating": demand, "number": 7.5},
            {"key": readiness.UNIT_ECONOMICS, "rating": 2, "number": ratio},
            *({"key": q.key, "rating": 1 + n % 3} for q in readiness.STATEMENTS),
        ]
        actions.answer_readiness(db, made.code, token, answers)
    return made.code


@pytest.fixture(scope="module")
def screens(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """One app with the sample workshop (and a viewer on a phone), a busy room and a small room."""
    db_path = tmp_path_factory.mktemp("screens") / "screens.db"
    busy, busy_key, _ = busy_room(db_path)
    db = storage.connect(db_path)
    actions.go_to_step(db, busy, busy_key, "bottlenecks", from_step=on_step(db, busy))
    made = create_demo(db)
    actions.reopen_workshop(db, made.code, made.facilitator_key)
    viewer = actions.join(db, made.code, "Viewer").token
    small = small_room(db)
    ready = ready_room(db)
    db.close()
    with running_app(db_path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield {"base": base, "db_path": db_path, "code": made.code, "key": made.facilitator_key,
                   "viewer": viewer, "busy": busy, "small": small, "ready": ready, "browser": browser}  # fmt: skip
        finally:
            browser.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def move(screens: dict[str, Any], state: str) -> None:
    """Put the sample workshop on a step, or end it ("ended")."""
    db = storage.connect(screens["db_path"])
    code, key = screens["code"], screens["key"]
    if load(db, code).ended:
        actions.reopen_workshop(db, code, key)
    if state == "ended":
        actions.end_workshop(db, code, key, from_step=on_step(db, code))
    else:
        actions.go_to_step(db, code, key, state, from_step=on_step(db, code))
    db.close()


def projector(screens: dict[str, Any], size: tuple[int, int], code: str) -> Any:
    page = screens["browser"].new_context(viewport={"width": size[0], "height": size[1]}).new_page()
    page.goto(f"{screens['base']}/projector?ws={code}")
    page.get_by_test_id("live-projector").wait_for(timeout=30_000)
    return page


def wait_for_projector(page: Any, state: str) -> None:
    """The live bar names the step (or the end), and the step's own content has drawn."""
    step = next((s for s in STEPS if s.key == state), None)
    bar = "Workshop ended" if step is None else f"Step {step.number} of {len(STEPS)} · {step.title}"
    page.get_by_test_id("live-step").filter(has_text=bar).first.wait_for(timeout=30_000)
    if state == "bottlenecks":
        page.locator("[data-testid=live-board] .sw-card").first.wait_for(timeout=30_000)
    if state in ("impact", "prioritise"):
        page.locator(".vega-embed svg .mark-text").first.wait_for(timeout=30_000)
    page.wait_for_function("!document.querySelector('[data-stale=true]')", timeout=30_000)
    page.wait_for_timeout(900)  # the board refits once the page has settled (600 ms)


# --- the projector ----------------------------------------------------------------------------


def columns(page: Any) -> list[dict[str, Any]]:
    """Each board column: notes shown (their votes in order), the total, the "more" line, whether all is on screen."""
    return [
        {
            "votes": [int(v.split()[0]) for v in col.locator(".sw-card .sw-votes").all_inner_texts()],
            "total": int(col.locator(".sw-col-count").inner_text()),
            "more": col.locator("[data-testid=live-more]").all_inner_texts(),
            "bottom": col.evaluate("n => n.getBoundingClientRect().bottom"),
        }
        for col in page.locator("[data-testid=live-board] [data-dimension]").all()
    ]


@pytest.mark.parametrize("screen", list(PROJECTORS))
def test_the_board_shows_every_note_that_fits_best_voted_first(screens, shots, screen):
    size = PROJECTORS[screen]
    move(screens, "bottlenecks")
    for room, least in ((screens["small"], None), (screens["busy"], BUSY_COLUMN)):
        page = projector(screens, size, room)
        wait_for_projector(page, "bottlenecks")
        page.screenshot(path=str(shots / f"pj-{screen}-board-{'busy' if least else 'short'}.png"))
        found = columns(page)
        assert len(found) == 3
        for col in found:
            shown = len(col["votes"])
            assert col["votes"] == sorted(col["votes"], reverse=True), col
            assert col["bottom"] <= size[1], col
            if least is None:  # 14 short notes: every one is on the wall
                assert shown == col["total"] and col["more"] == [], col
            else:
                assert shown >= least, col
                assert col["more"] == [f"{col['total'] - shown} more not shown"], col
        if least is None:
            assert sum(c["total"] for c in found) == sum(SHORT_NOTES)
        page.context.close()


@pytest.mark.parametrize("screen", list(PROJECTORS))
def test_every_projector_screen_reads_from_the_back_and_fits(screens, shots, screen):
    """Steps 1–5 and the end: nothing scrolls, no text under 24 px at 1080p (charts as SVG included),
    the workshop's title shown, the step's title once, its aim in one line; no join code after the end."""
    size = PROJECTORS[screen]
    smallest = SMALLEST_TEXT * size[1] / 1080
    db = storage.connect(screens["db_path"])
    title = load(db, screens["code"]).workshop["title"]
    db.close()
    problems: list[str] = []
    page = projector(screens, size, screens["code"])
    for state in STATES:
        move(screens, state)
        wait_for_projector(page, state)
        page.screenshot(path=str(shots / f"pj-{screen}-{STATES.index(state) + 1}-{state}.png"))
        texts = page.evaluate(MEASURE_TEXT)
        small = [t for t in texts if t["size"] < smallest - 0.05]
        problems += [f"{state}: {t['size']:.1f} px {'svg ' if t['svg'] else ''}{t['text']!r}" for t in small[:5]]
        if state in ("impact", "prioritise") and not any(t["svg"] for t in texts):
            problems.append(f"{state}: no chart text measured")
        scrolls = page.evaluate(SCROLLS)
        if scrolls["doc"] or scrolls["main"] or scrolls["canvas"]:
            problems.append(f"{state}: scrolls or draws a canvas {scrolls}")
        shown = [t["text"] for t in texts]
        if title not in shown:
            problems.append(f"{state}: the workshop's title is missing")
        step = next((s for s in STEPS if s.key == state), None)
        if step is not None:
            named = [t for t in shown if step.title in t]
            if len(named) != 1:
                problems.append(f"{state}: the step's title is shown {len(named)} times: {named}")
            aim = page.locator(".st-key-pj-head p").filter(has_text=step.goal)
            line = aim.evaluate("n => [n.getBoundingClientRect().height, parseFloat(getComputedStyle(n).lineHeight)]")
            if line[0] > line[1] * 1.5:
                problems.append(f"{state}: the aim takes more than one line ({line})")
            if page.locator(".pj-code").count() != 1:
                problems.append(f"{state}: no join code")
        else:
            if not page.get_by_text("The workshop has ended").count():
                problems.append("ended: the projector does not say so")
            if page.locator(".pj-code").count() or page.get_by_text("Join with the code").count():
                problems.append("ended: the join code is still shown")
            if page.get_by_role("img", name=re.compile("QR code")).count():
                problems.append("ended: the QR code is still shown")
    page.context.close()
    move(screens, "bottlenecks")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("screen", list(PROJECTORS))
def test_the_readiness_results_read_from_the_back_in_words(screens, shots, screen):
    """Before step 1's clock starts: the chart as SVG with no text under 24 px at 1080p, and each
    signal's spread and figure in words ("the room agrees", "LTV:CAC 3.4")."""
    size = PROJECTORS[screen]
    page = projector(screens, size, screens["ready"])
    page.locator(".vega-embed svg .mark-text").first.wait_for(timeout=30_000)
    page.wait_for_timeout(700)
    page.screenshot(path=str(shots / f"pj-{screen}-0-readiness.png"))
    texts = page.evaluate(MEASURE_TEXT)
    small = [t for t in texts if t["size"] < SMALLEST_TEXT * size[1] / 1080 - 0.05]
    assert not small and any(t["svg"] for t in texts), small[:5]
    assert page.evaluate(SCROLLS) == {"doc": False, "main": False, "canvas": 0}
    lines = page.locator(".st-key-pj-readiness li").all_inner_texts()
    assert any(
        re.search(r"Unit economics: .* · the room agrees · LTV:CAC 3\.4 \(median of 4 figures\)", t) for t in lines
    )
    assert any(re.search(r"Clear demand: .* · the room is divided · growth 7\.5 % a month", t) for t in lines), lines
    page.context.close()


def test_step_4_shows_the_rooms_picks_live_then_the_decision(screens):
    move(screens, "decide")
    page = projector(screens, PROJECTORS["1080p"], screens["code"])
    wait_for_projector(page, "decide")
    card = page.locator(".st-key-pj-card-1")
    bars = card.locator(".pj-pick")
    assert bars.count() == 3, "a bar per choice"
    before = {row.split()[0]: int(row.split()[-1]) for row in bars.all_inner_texts()}
    db = storage.connect(screens["db_path"])
    first = load(db, screens["code"]).top[0]
    picker = actions.join(db, screens["code"], "Late picker").token
    actions.pick_choice(db, screens["code"], picker, first.id, "partner")
    db.close()
    want = before["Partner"] + 1
    page.wait_for_function(  # no reload: the page follows the room
        "want => [...document.querySelectorAll('.st-key-pj-card-1 .pj-pick')].some("
        "r => r.textContent.startsWith('Partner') && r.querySelector('.pj-pick-n').textContent === String(want))",
        arg=want,
        timeout=20_000,
    )
    order = card.evaluate(
        "n => [n.querySelector('.pj-picks') !== null, "
        "[...n.querySelectorAll('p')].findIndex(p => p.textContent.startsWith('Decided:')), "
        "[...n.querySelectorAll('p')].findIndex(p => p.classList.contains('pj-picks-head'))]"
    )
    assert order[0] and order[1] > order[2] >= 0, f"the bars, then the decision: {order}"
    page.context.close()


def test_roi_chart_labels_every_point_alike_and_no_median_line_crosses_one(screens):
    move(screens, "prioritise")
    page = projector(screens, PROJECTORS["1080p"], screens["code"])
    wait_for_projector(page, "prioritise")
    marks = page.evaluate(ROI_MARKS)
    page.context.close()
    assert marks["points"] >= 5 and len(marks["rules"]) == 2, marks
    assert sorted(int(t["text"][1:]) for t in marks["labels"]) == list(range(1, marks["points"] + 1)), marks
    for label in marks["labels"]:
        left, top, right, bottom = label["box"]
        for rule in marks["rules"]:
            crosses = left < rule[2] and rule[0] < right and top < rule[3] and rule[1] < bottom
            assert not crosses, f"a median line crosses {label['text']}: {label['box']} {rule}"


def test_a_phone_that_reloads_counts_once(screens):
    move(screens, "bottlenecks")
    page = projector(screens, PROJECTORS["1080p"], screens["code"])
    phone = screens["browser"].new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{screens['base']}/room?ws={screens['code']}&p={screens['viewer']}")
    progress = page.get_by_test_id("live-progress")
    progress.filter(has_text=re.compile(r"^1 connected")).wait_for(timeout=20_000)
    for _ in range(2):
        phone.reload()
        phone.locator("[data-testid=live-participant][data-step=bottlenecks]").wait_for(timeout=30_000)
    phone.wait_for_timeout(6_000)  # the projector asks every 5 s
    assert progress.inner_text().startswith("1 connected"), progress.inner_text()
    phone.context.close()
    page.context.close()


def test_axe_finds_nothing_serious_on_the_projector(screens):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: list[str] = []
    page = projector(screens, PROJECTORS["1080p"], screens["code"])
    for state in STATES:
        move(screens, state)
        wait_for_projector(page, state)
        found += [f"{state}: {v}" for v in blocking(axe.run(page).response["violations"])]
        inside = axe.run(page, context=PROJECTOR_CONTEXT).response["violations"]
        found += [f"{state} (live): {v}" for v in blocking(inside)]
    page.context.close()
    move(screens, "bottlenecks")
    assert not found, "\n".join(found)


# --- the phone --------------------------------------------------------------------------------


def phone(screens: dict[str, Any], size: tuple[int, int]) -> Any:
    context = screens["browser"].new_context(
        viewport={"width": size[0], "height": size[1]}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{screens['base']}/room?ws={screens['code']}&p={screens['viewer']}")
    return page


def wait_for_phone(page: Any, state: str) -> None:
    key = "closed" if state == "ended" else state
    page.locator(f"[data-testid=live-participant][data-step={key}]").wait_for(timeout=60_000)  # a busy machine is slow
    page.wait_for_timeout(500)


@pytest.mark.parametrize("size", list(PHONES))
def test_the_phone_keeps_the_step_and_clock_in_view_in_the_apps_font(screens, shots, size):
    width, height = PHONES[size]
    page = phone(screens, PHONES[size])
    problems: list[str] = []
    for state in STATES:
        move(screens, state)
        wait_for_phone(page, state)
        page.evaluate(TO_BOTTOM.replace("n.scrollHeight", "0"))
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / f"phone-{size}-{STATES.index(state) + 1}-{state}-top.png"))
        page.evaluate(TO_BOTTOM)
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / f"phone-{size}-{STATES.index(state) + 1}-{state}-bottom.png"))
        below = page.locator("[data-testid=stHeader]").evaluate("n => n.getBoundingClientRect().bottom")
        for name in ("live-step", "live-clock"):
            box = page.get_by_test_id(name).bounding_box()
            if box is None or box["y"] < below - 0.5 or box["y"] + box["height"] > height:
                problems.append(f"{state}: {name} out of view at the bottom ({box}, header ends at {below})")
        fonts = page.get_by_test_id("live-participant").evaluate(
            "n => [getComputedStyle(n).fontFamily, [...n.querySelectorAll('button')].map(b => getComputedStyle(b).fontFamily)]"
        )
        odd = {f for f in fonts[1] if f != fonts[0]}
        if odd:
            problems.append(f"{state}: buttons in {odd}, not the app's {fonts[0]}")
    page.context.close()
    move(screens, "bottlenecks")
    assert not problems, "\n".join(problems)


def test_the_impact_form_is_empty_after_an_edit_and_because_reads_as_a_sentence(screens, shots):
    move(screens, "impact")
    page = phone(screens, PHONES["390"])
    wait_for_phone(page, "impact")
    live = page.get_by_test_id("live-participant")
    form = live.locator("fieldset.sw-form").first
    selects = form.locator("select")
    defaults = selects.evaluate_all("ss => ss.map(s => s.value)")
    selects.nth(1).select_option(label="Delivery throughput")
    selects.nth(3).select_option(index=4)
    form.get_by_label("Yearly money estimate in € (optional)").fill("120000")
    form.get_by_label("Because… (one line)").fill("Engineers wait two days for a review")
    form.get_by_role("button", name="Add impact").click()
    item = live.locator("[data-testid=live-impacts] li").filter(has_text="engineers wait two days for a review")
    item.wait_for(timeout=15_000)
    assert "It makes delivery throughput worse, because engineers wait two days for a review." in item.inner_text()
    item.get_by_role("button", name=re.compile("^Edit your impact")).click()
    assert form.get_by_label("Because… (one line)").input_value() == "Engineers wait two days for a review"
    form.get_by_label("Because… (one line)").fill("Engineers wait three days for a review")
    form.get_by_role("button", name="Save changes").click()
    live.locator("[data-testid=live-impacts] li").filter(has_text="three days").wait_for(timeout=15_000)
    page.screenshot(path=str(shots / "phone-390-impact-after-edit.png"))
    after = {
        "selects": selects.evaluate_all("ss => ss.map(s => s.value)"),
        "money": form.get_by_label("Yearly money estimate in € (optional)").input_value(),
        "because": form.get_by_label("Because… (one line)").input_value(),
        "button": form.locator("button.sw-primary").inner_text(),
    }
    assert after == {"selects": defaults, "money": "", "because": "", "button": "Add impact"}, after
    page.context.close()
    move(screens, "bottlenecks")


def test_axe_finds_nothing_serious_on_the_phone(screens):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: list[str] = []
    page = phone(screens, PHONES["360"])
    for state in STATES:
        move(screens, state)
        wait_for_phone(page, state)
        found += [f"{state}: {v}" for v in blocking(axe.run(page).response["violations"])]
        found += [f"{state} (live): {v}" for v in blocking(axe.run(page, context=LIVE_CONTEXT).response["violations"])]
    page.context.close()
    move(screens, "bottlenecks")
    assert not found, "\n".join(found)
