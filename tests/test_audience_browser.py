"""What a browser receives, on the wire: the websocket frames of the Ship It page.

During a private brainstorm a participant opens their summary: every frame Streamlit sends is
captured, and their own note is in them while another person's note and name are not. With the
join code alone, no frame carries the workshop's title or organisation.
"""

from __future__ import annotations

from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.test_audience import ALICE, ALICE_NOTE, ZEB, ZEB_NOTE
from workshop import actions
from workshop import store as storage
from workshop.domain.vocabulary import PRODUCT

TITLE, ORGANISATION = "Quiet brainstorm on the wire", "Umbrella Wire Ltd"


def received(page: playwright.Page) -> list[bytes]:
    """Every websocket frame the page receives from now on, as bytes."""
    frames: list[bytes] = []

    def follow(ws: playwright.WebSocket) -> None:
        ws.on(
            "framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode())
        )

    page.on("websocket", follow)
    return frames


def test_the_summary_sends_a_participant_only_their_own_note(tmp_path):
    db_path = tmp_path / "wire.db"
    db = storage.connect(db_path)
    made = actions.create_workshop(db, TITLE, ORGANISATION, "enterprise", private_brainstorm=True)
    tokens = {name: actions.join(db, made.code, name).token for name in (ZEB, ALICE)}
    actions.start_timer(db, made.code, made.facilitator_key)
    actions.add_bottleneck(db, made.code, tokens[ZEB], PRODUCT, ZEB_NOTE)
    actions.add_bottleneck(db, made.code, tokens[ALICE], PRODUCT, ALICE_NOTE)
    db.close()
    with running_app(db_path) as base, playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            frames = received(page)
            page.goto(f"{base}/ship-it?ws={made.code}&p={tokens[ALICE]}")
            page.get_by_role("heading", name="Time per step").wait_for(timeout=30_000)
            page.wait_for_timeout(1500)  # the run's last elements (its tables) follow the heading
            wire = b"\n".join(frames)
            assert ALICE_NOTE.encode() in wire and TITLE.encode() in wire  # the frames are readable
            for secret in (ZEB_NOTE, ZEB, made.facilitator_key, made.facilitator_token, tokens[ZEB]):
                assert secret.encode() not in wire, secret

            stranger = browser.new_page()
            frames = received(stranger)
            stranger.goto(f"{base}/ship-it?ws={made.code}")
            stranger.get_by_text("ask the facilitator for the leader link").wait_for(timeout=30_000)
            stranger.wait_for_timeout(1500)
            wire = b"\n".join(frames)
            for secret in (TITLE, ORGANISATION, ALICE_NOTE, ZEB_NOTE, ZEB, ALICE):
                assert secret.encode() not in wire, secret
        finally:
            browser.close()
