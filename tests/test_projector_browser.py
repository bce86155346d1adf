"""The projector and the facilitator console in a real browser.

- The projector follows the room through the five steps without a reload.
- With a busy room (the sample plus 60 notes) every step fits a 1920×1080 and a 1280×720
  screen without scrolling, no visible text is under 24 px at 1080p (the join URL included)
  and the join code is at least 72 px high.
- Axe finds no critical accessibility violation on the projector or any facilitator page.

Screenshots go to `$SCREENSHOTS` when set (else the test's temporary folder).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.helpers import on_step
from workshop import actions
from workshop import store as storage
from workshop.demo import create_demo
from workshop.domain.vocabulary import DIMENSION_KEYS, STEPS
from workshop.store.load import load

EXPECTED = {
    "bottlenecks": "live-board",
    "impact": "top bottlenecks linked to an impact",
    "prioritise": "Ranking by",
    "decide": "As recommended",
    "owners": "Ship It checklist",
}
EXTRA_NOTES = 60
SMALLEST_TEXT = 24  # px at 1080p
CODE_HEIGHT = 72  # px, at every screen size
SCREENS = {"1080p": (1920, 1080), "720p": (1280, 720)}
CONSOLE = (1440, 900)

# Every visible text node: its text, on-screen font size (zoom included) and where it sits.
MEASURE_TEXT = """() => {
  const out = [];
  const walk = (root) => {
    const it = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let n = it.currentNode; n; n = it.nextNode()) {
      if (n.nodeType === 1) { if (n.shadowRoot) walk(n.shadowRoot); continue; }
      const el = n.parentElement;
      if (!el || !n.textContent.trim() || el.closest('style,script,noscript,.vega-embed')) continue;
      if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.bottom <= 0 || r.top >= innerHeight) continue;
      const zoom = el.currentCSSZoom || 1;
      const host = root instanceof ShadowRoot ? 'live' : 'page';
      out.push({text: n.textContent.trim().slice(0, 60), size: parseFloat(getComputedStyle(el).fontSize) * zoom,
                url: !!el.closest('.st-key-pj-join [data-testid=stText]'), host});
    }
  };
  walk(document.body);
  return out;
}"""
MEASURE_PAGE = """() => {
  const main = document.querySelector('[data-testid=stMain]') || document.scrollingElement;
  const code = document.querySelector('.pj-code');
  return {doc: document.documentElement.scrollHeight, inner: innerHeight,
          main: main.scrollHeight, mainBox: main.clientHeight,
          code: code ? parseFloat(getComputedStyle(code).fontSize) * (code.currentCSSZoom || 1) : 0};
}"""


def busy_room(db_path: Path) -> tuple[str, str, str]:
    """The sample workshop, reopened, with 60 more notes from six people: (code, key, token)."""
    db = storage.connect(db_path)
    made = create_demo(db)
    actions.reopen_workshop(db, made.code, made.facilitator_key)
    people = [actions.join(db, made.code, f"Person {n}").token for n in range(6)]
    for n in range(EXTRA_NOTES):
        text = f"Extra bottleneck {n}: " + "hand-offs between teams slow every release " * (1 + n % 3)
        note = actions.add_bottleneck(db, made.code, people[n % 6], DIMENSION_KEYS[n % 3], text[:200])
        if n % 4 == 0:
            actions.vote(db, made.code, people[(n + 1) % 6], note)
    db.close()
    return made.code, made.facilitator_key, made.facilitator_token


@pytest.fixture(scope="module")
def room(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """One app server and one browser for the whole module (start-up is the slow part)."""
    db_path = tmp_path_factory.mktemp("projector") / "projector.db"
    code, key, token = busy_room(db_path)
    with running_app(db_path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield {"base": base, "db_path": db_path, "code": code, "key": key, "token": token, "browser": browser}
        finally:
            browser.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_for_step(page: Any, step_key: str) -> None:
    step = next(s for s in STEPS if s.key == step_key)
    page.get_by_test_id("live-step").filter(
        has_text=f"Step {step.number} of {len(STEPS)} · {step.title}"
    ).first.wait_for(timeout=30_000)
    marker = EXPECTED[step_key]
    if marker == "live-board":
        page.get_by_test_id("live-board").locator(".sw-card").first.wait_for(timeout=30_000)
    else:
        page.get_by_text(marker, exact=False).first.wait_for(timeout=30_000)
    if step_key in ("impact", "prioritise"):
        page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for(timeout=30_000)
    page.wait_for_timeout(700)  # let charts and the live element finish drawing


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_projector_fits_one_screen_and_reads_from_the_back(room, shots, screen):
    width, height = SCREENS[screen]
    db = storage.connect(room["db_path"])
    page = room["browser"].new_context(viewport={"width": width, "height": height}).new_page()
    problems: list[str] = []
    for step in STEPS:
        actions.go_to_step(db, room["code"], room["key"], step.key, from_step=on_step(db, room["code"]))
        page.goto(f"{room['base']}/projector?ws={room['code']}")
        wait_for_step(page, step.key)
        page.screenshot(path=str(shots / f"projector-{screen}-{step.number}-{step.key}.png"))
        sizes = page.evaluate(MEASURE_PAGE)
        if sizes["doc"] > sizes["inner"] or sizes["main"] > sizes["mainBox"]:
            problems.append(f"{step.key}: scrolls ({sizes})")
        if sizes["code"] < CODE_HEIGHT:
            problems.append(f"{step.key}: join code {sizes['code']:.0f} px")
        if screen == "1080p":
            small = [t for t in page.evaluate(MEASURE_TEXT) if t["size"] < SMALLEST_TEXT]
            problems += [f"{step.key}: {t['size']:.1f} px {t['host']} {t['text']!r}" for t in small[:5]]
        if step.key == "bottlenecks":  # every column shows its top notes and counts the rest
            for column in page.locator("[data-testid=live-board] [data-dimension]").all():
                shown, more = column.locator(".sw-card").count(), column.locator(".sw-more").all_inner_texts()
                total = int(column.locator(".sw-col-count").inner_text())
                if shown < 2 or (more != [f"{total - shown} more not shown"] if shown < total else more):
                    problems.append(f"board column shows {shown} of {total} with {more}")
        assert room["key"] not in page.content() and room["token"] not in page.content()
    db.close()
    assert not problems, "\n".join(problems)


def test_projector_follows_the_room_without_a_reload(room):
    db = storage.connect(room["db_path"])
    code, key = room["code"], room["key"]
    errors: list[str] = []
    page = room["browser"].new_context(viewport={"width": 1920, "height": 1080}).new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    actions.go_to_step(db, code, key, "bottlenecks", from_step=on_step(db, code))
    page.goto(f"{room['base']}/projector?ws={code}")
    for step in STEPS:
        actions.go_to_step(db, code, key, step.key, from_step=on_step(db, code))
        wait_for_step(page, step.key)
    # While step 3 is projected, a new top-scored initiative appears without a reload.
    snapshot = load(db, code)
    actions.go_to_step(db, code, key, "prioritise", from_step=on_step(db, code))
    wait_for_step(page, "prioritise")
    participant = actions.join(db, code, "Late idea").token
    late = actions.add_initiative(
        db, code, participant, "Projected without reload", [snapshot.live_bottlenecks[0]["id"]]
    )
    actions.score_initiative(db, code, participant, late, {"value": 10, "effort": 1, "urgency": 9, "confidence": 100})
    page.get_by_text("Projected without reload", exact=False).first.wait_for(timeout=20_000)
    db.close()
    assert not errors, errors


FACILITATOR_PAGES = [
    ("start", None),
    *((f"step-{s.number}", s.key) for s in STEPS),
    ("ship-it", None),
    ("portfolio", None),
    ("projector", None),
]


def test_axe_finds_no_critical_violation_and_the_console_is_pictured(room, shots):
    from axe_playwright_python.sync_playwright import Axe

    db = storage.connect(room["db_path"])
    code, key = room["code"], room["key"]
    page = room["browser"].new_context(viewport={"width": CONSOLE[0], "height": CONSOLE[1]}).new_page()
    axe = Axe()
    critical: list[str] = []
    serious: dict[str, set[str]] = {}
    for name, step_key in FACILITATOR_PAGES:
        if step_key:
            actions.go_to_step(db, code, key, step_key, from_step=on_step(db, code))
            page.goto(f"{room['base']}/{step_key}?ws={code}&p={room['token']}")
            page.get_by_test_id("live-facilitator").first.wait_for(timeout=30_000)
        else:
            query = "" if name == "start" else f"?ws={code}" + ("" if name == "projector" else f"&p={room['token']}")
            page.goto(f"{room['base']}/{name}{query}")
            page.locator("h1").first.wait_for(timeout=30_000)
        page.wait_for_timeout(900)
        page.screenshot(path=str(shots / f"console-{name}.png"))
        for violation in axe.run(page).response["violations"]:
            where = f"{name}: {violation['id']} ({len(violation['nodes'])})"
            if violation["impact"] == "critical":
                critical.append(where + " " + violation["nodes"][0]["html"][:160])
            elif violation["impact"] == "serious":
                serious.setdefault(violation["id"], set()).add(name)
                if os.environ.get("AXE_DETAILS"):
                    print(name, violation["id"], [n["html"][:120] for n in violation["nodes"][:4]])
    db.close()
    print("serious axe violations left:", {k: sorted(v) for k, v in serious.items()})
    assert not critical, "\n".join(critical)
