"""A private brainstorm in real browsers: five phones, the projector and the facilitator's console.

The phones join through the start page and write notes while the board is private: each phone
shows only its own notes and no vote button, the projector and the console show only the count
per dimension. The facilitator clicks *Reveal the board* on the console; every phone and the
projector then show the whole board without a reload (no phone asks Streamlit to run a page,
counted on the wire as in `test_room_browser.py`), and the votes work. Two phones wrote the same
point: the console suggests that group, the facilitator merges it in one click, and every screen
shows one note with both votes. Turned private again from the console, each phone reads back its
own notes (the merged one is gone).

Set SCREENSHOTS=/some/dir to keep: phone 0 and the projector before and after the reveal, the
console's suggestion, and the board after the merge.
"""

from __future__ import annotations

import re
import time

from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)
from playwright.sync_api import expect  # noqa: E402

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.test_room_browser import LIVE_CONTEXT, blocking, join_phones, settle, shots_dir, tall_screenshot
from workshop import actions
from workshop import store as storage
from workshop.domain.vocabulary import DIMENSIONS

PHONES = 5
REVEAL_LIMIT = 3.0  # seconds from the click to the whole board on every phone (phones poll at most every 2 s)


def note_of(i: int) -> str:
    return f"Phone {i}: {['trial is too short', 'deploys wait for staging', 'decisions wait for the VP'][i % 3]}"


def merge_suggested(db, code, key, facilitator, projector, phones, wires, shots) -> int:
    """The console suggests phones 0 and 3's notes as one point; one click merges them and every
    screen shows the note kept with both votes. Returns the phone whose note was merged away."""
    ids = {b["text"]: b["id"] for b in storage.bottlenecks(db, storage.workshop_by_code(db, code)["id"])}
    first, second = ids[note_of(0)], ids[note_of(3)]
    (group,) = [g for g in actions.suggested_groups(db, code, key) if first in g.members]
    assert set(group.members) == {first, second} and group.keep == first  # votes tie: the earlier note
    name = "-".join(map(str, group.members))
    settle(facilitator)
    suggestion = facilitator.locator(f".st-key-suggestion-{name}")
    suggestion.wait_for(timeout=15_000)
    suggestion.scroll_into_view_if_needed()
    if shots is not None:
        facilitator.screenshot(path=str(shots / "brainstorm-console-3-suggested.png"))
    from axe_playwright_python import sync_playwright as sync_axe  # a dev requirement, never skipped

    violations = sync_axe.Axe().run(facilitator, context=f".st-key-suggestion-{name}").response["violations"]
    assert blocking(violations) == [], "the console's suggestions must stay accessible"
    marks = [len(w.sent) for w in wires]
    facilitator.locator(f".st-key-merge-{name} button").click()
    for screen in (projector, *phones):
        kept = screen.locator(".sw-card").filter(has_text=note_of(0))
        kept.locator(".sw-votes").filter(has_text="2 votes").wait_for(timeout=10_000)
        expect(screen.locator(".sw-card").filter(has_text=note_of(3))).to_have_count(0, timeout=10_000)
    assert [w.reruns(m) for w, m in zip(wires, marks)] == [0] * PHONES, "the merge reran a phone's page"
    if shots is not None:
        projector.screenshot(path=str(shots / "brainstorm-projector-3-merged.png"))
        tall_screenshot(phones[3], shots / "brainstorm-phone3-3-merged.png")
        settle(facilitator)
        facilitator.screenshot(path=str(shots / "brainstorm-console-4-merged.png"))
    return 3


def test_a_private_brainstorm_is_revealed_to_every_screen_at_once(tmp_path):
    db_path = tmp_path / "brainstorm.db"
    db = storage.connect(db_path)
    made = actions.create_workshop(db, "Clean board", "Acme", "scaleup", private_brainstorm=True)
    code, key = made.code, made.facilitator_key
    actions.start_timer(db, code, key)
    shots = shots_dir()
    errors: list[str] = []
    dims = [DIMENSIONS[i % len(DIMENSIONS)] for i in range(PHONES)]
    expected = {d.key: sum(1 for x in dims if x is d) for d in DIMENSIONS}
    with running_app(db_path) as base, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:

            def new_page(name: str, **kwargs):
                page = browser.new_context(**kwargs).new_page()
                page.on("pageerror", lambda e: errors.append(f"{name}: {e}"))
                return page

            projector = new_page("projector", viewport={"width": 1920, "height": 1080})
            projector.goto(f"{base}/projector?ws={code}")
            projector.get_by_test_id("live-projector").wait_for(timeout=30_000)
            facilitator = new_page("facilitator", viewport={"width": 1440, "height": 900})
            facilitator.goto(f"{base}/bottlenecks?ws={code}&p={made.facilitator_token}")
            facilitator.get_by_test_id("live-facilitator").wait_for(timeout=30_000)

            phones, wires = join_phones(new_page, base, code, PHONES)
            for phone in phones:
                settle(phone)

            # --- private: each phone writes a note and sees only its own ------------------------
            for i, phone in enumerate(phones):
                phone.get_by_test_id("live-private").wait_for(timeout=10_000)
                phone.get_by_label("New bottleneck").fill(note_of(i))
                phone.locator(f"button.sw-dim[data-dim={dims[i].key}]").click()
                phone.get_by_test_id("live-add").click()
                phone.get_by_text("Added: it stays on your phone until the reveal.").wait_for(timeout=5_000)
            for i, phone in enumerate(phones):
                mine = phone.locator(".sw-card")
                mine.filter(has_text=note_of(i)).wait_for(timeout=10_000)
                phone.get_by_text(
                    "The room so far: " + " · ".join(f"{d.title} {expected[d.key]}" for d in DIMENSIONS)
                ).wait_for(timeout=10_000)
                assert mine.count() == 1, f"phone {i} shows {mine.all_inner_texts()}"
                assert phone.locator(".sw-vote").count() == 0, "no vote buttons before the reveal"
                assert not phone.locator(".sw-budget").is_visible(), "no votes left to count before the reveal"
                phone.get_by_text(re.compile("until the facilitator reveals the board. Voting opens then.")).wait_for(
                    timeout=5_000
                )
            from axe_playwright_python import sync_playwright as sync_axe  # a dev requirement, never skipped

            violations = sync_axe.Axe().run(phones[0], context=LIVE_CONTEXT).response["violations"]
            assert blocking(violations) == [], "the private view on a phone must stay accessible"
            for screen in (projector, facilitator):
                screen.get_by_text(
                    "Private brainstorm: notes stay on each phone until the facilitator reveals them."
                ).wait_for(timeout=10_000)
                for d in DIMENSIONS:
                    screen.locator(f"[data-dimension={d.key}] .sw-big").filter(
                        has_text=re.compile(f"^{expected[d.key]}$")
                    ).wait_for(timeout=10_000)
                assert screen.locator(".sw-card").count() == 0
                board = screen.get_by_test_id("live-board").inner_text()
                assert not [i for i in range(PHONES) if note_of(i) in board]
            if shots is not None:
                tall_screenshot(phones[0], shots / "brainstorm-phone0-1-private.png")
                phones[4].screenshot(path=str(shots / "brainstorm-phone4-1-private.png"))
                settle(projector)
                projector.screenshot(path=str(shots / "brainstorm-projector-1-private.png"))
                facilitator.screenshot(path=str(shots / "brainstorm-console-1-private.png"))

            # --- the reveal, clicked on the console: every screen shows the whole board ---------
            marks = [len(w.sent) for w in wires]
            reveal = facilitator.get_by_role("button", name="Reveal the board")
            reveal.wait_for(timeout=10_000)
            clicked = time.monotonic()  # before the click: the figure below includes the console's own run
            reveal.click()
            took = []
            for phone in phones:
                for i in range(PHONES):
                    phone.locator(".sw-card").filter(has_text=note_of(i)).wait_for(timeout=10_000)
                took.append(round(time.monotonic() - clicked, 2))
            print(f"after the click, the phones showed the whole board within {took} s")
            assert max(took) < REVEAL_LIMIT
            for i in range(PHONES):
                projector.locator(".sw-card").filter(has_text=note_of(i)).wait_for(timeout=10_000)
            assert projector.get_by_test_id("live-private").count() == 0
            assert [w.reruns(m) for w, m in zip(wires, marks)] == [0] * PHONES, "the reveal reran a phone's page"

            # --- votes now work: each phone votes for the next phone's note ----------------------
            for i, phone in enumerate(phones):
                target = phone.locator(".sw-card").filter(has_text=note_of((i + 1) % PHONES))
                target.locator(".sw-vote.plus").click()
                phone.locator(".sw-budget").filter(has_text="Votes left: 4 of 5").wait_for(timeout=5_000)
            for i in range(PHONES):
                projector.locator(".sw-card").filter(has_text=note_of(i)).locator(".sw-votes").filter(
                    has_text="1 vote"
                ).wait_for(timeout=10_000)
            phones[0].locator(".sw-card .sw-votes").filter(has_text="1 vote").nth(PHONES - 1).wait_for(timeout=10_000)
            if shots is not None:
                tall_screenshot(phones[0], shots / "brainstorm-phone0-2-revealed.png")
                projector.screenshot(path=str(shots / "brainstorm-projector-2-revealed.png"))
                settle(facilitator)
                facilitator.screenshot(path=str(shots / "brainstorm-console-2-revealed.png"))

            # --- phones 0 and 3 made the same point: merged from the console's suggestion -------
            merged = merge_suggested(db, code, key, facilitator, projector, phones, wires, shots)

            # --- private again, from the console's toggle: each phone reads back its own notes ----
            settle(facilitator)
            facilitator.get_by_text("Private brainstorm", exact=True).click()
            for i, phone in enumerate(phones):
                phone.get_by_test_id("live-private").wait_for(timeout=10_000)
                own = 0 if i == merged else 1
                if own:
                    phone.locator(".sw-card").filter(has_text=note_of(i)).wait_for(timeout=10_000)
                expect(phone.locator(".sw-card")).to_have_count(own, timeout=10_000)
            projector.get_by_test_id("live-private").wait_for(timeout=10_000)
            assert projector.locator(".sw-card").count() == 0
        finally:
            browser.close()
            db.close()
    assert errors == []
