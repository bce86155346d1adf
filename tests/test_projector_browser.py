"""The projector view in a real browser, step by step, on a 1080p screen.

The facilitator moves the room through the five steps (domain actions, as the sidebar
buttons do); the projector follows without a reload and shows each step's own content:
the live board, the impact map, the ranking chart, the three decisions, the owners. A
change made while a step is projected reaches the screen without anyone touching it.
Screenshots go to `$SCREENSHOTS` when set (else the test's temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from workshop import actions, storage
from workshop.demo import create_demo
from workshop.state import load
from workshop.steps import STEPS

playwright = pytest.importorskip("playwright.sync_api")

EXPECTED = {
    "bottlenecks": "live-board",
    "impact": "Top-10 bottlenecks with an impact",
    "prioritise": "Ranking ·",
    "decide": "As recommended",
    "owners": "Ship It checklist",
}


def test_projector_follows_the_room_through_every_step(tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    db_path = tmp_path / "projector.db"
    db = storage.connect(db_path)
    made = create_demo(db)
    code, key = made.code, made.facilitator_key
    actions.reopen_workshop(db, code, key)
    actions.go_to_step(db, code, key, "bottlenecks")

    errors: list[str] = []
    with running_app(db_path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{base}/projector?ws={code}")
            for step in STEPS:
                actions.go_to_step(db, code, key, step.key)
                page.get_by_text(f"Step {step.number}: {step.title}", exact=False).first.wait_for(timeout=30_000)
                marker = EXPECTED[step.key]
                if marker == "live-board":
                    page.get_by_test_id("live-board").locator(".sw-card").first.wait_for(timeout=30_000)
                else:
                    page.get_by_text(marker, exact=False).first.wait_for(timeout=30_000)
                if step.key in ("impact", "prioritise"):
                    page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for(timeout=30_000)
                page.wait_for_timeout(800)  # let charts finish drawing before the picture
                page.screenshot(path=str(shots / f"projector-{step.number}-{step.key}.png"))
                assert key not in page.content()

            # While step 3 is projected, a new owner appears without a reload.
            snapshot = load(db, code)
            actions.go_to_step(db, code, key, "prioritise")
            page.get_by_text("Ranking ·", exact=False).first.wait_for(timeout=30_000)
            participant = actions.join(db, code, "Late idea").token
            actions.add_initiative(db, code, participant, "Projected without reload",
                                   [snapshot.live_bottlenecks[0]["id"]])
            page.get_by_text("Projected without reload", exact=False).first.wait_for(timeout=20_000)
        finally:
            browser.close()
    assert not errors, errors
    assert len(list(shots.glob("projector-*.png"))) >= 5
