"""The console's answer time: click -> visible answer for merge, hide, a decision and an owner save.

    python bench/console_clicks.py --reps 5

What it does, in one run: starts two servers of this tree on loopback, each on its own copy of
the sample workshop (reopened, so every action is allowed): the **baseline** with
`WORKSHOP_CONSOLE_RERUN=page`, where every console action reruns the whole page as before the
fragments, and the **app as shipped**, where each action reruns only its fragment. In headless
Chromium at 1440x900, signed in as the facilitator, each action is then made on both, in turns:

- **hide**: step 1, tab *Hide / restore*, pick a note, press *Hide*;
- **merge**: step 1, tab *Merge two notes*, pick two notes, press *Merge*;
- **decision**: step 4, the first initiative's *Record decision*;
- **owner**: step 5, the first initiative's *Save*.

Each action starts on a freshly loaded page (so no earlier answer is on screen), and the time
is from the click to its answer (the success or refusal message) being visible. The last lines
are `console_clicks: action=… baseline_p50_ms=… p50_ms=… p95_ms=…` per action.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright import sync_api as playwright  # noqa: E402

from workshop import actions, store  # noqa: E402
from workshop.demo import create_demo  # noqa: E402
from workshop.store.load import load  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ANSWER = "[data-testid=stAlert]"
Page = playwright.Page


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(db_path: Path, env: dict[str, str]) -> Iterator[str]:
    """`streamlit run app.py` on `db_path` with `env`; yields its base URL once healthy."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]  # fmt: skip
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "WORKSHOP_DB": str(db_path), **env},
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"app did not start:\n{log.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@dataclass
class Room:
    """One server's sample workshop, reopened so that every console action is allowed."""

    base: str
    db_path: Path
    code: str
    key: str
    token: str

    def on(self, step: str) -> None:
        """Move the room to `step` (as Next or Back would), so the console shows it, not a preview."""
        db = store.connect(self.db_path)
        current = load(db, self.code).current_step.key
        if current != step:
            actions.go_to_step(db, self.code, self.key, step, from_step=current)


def sample(db_path: Path) -> tuple[str, str, str]:
    """The sample workshop, reopened: (code, facilitator key, device token)."""
    db = store.connect(db_path)
    made = create_demo(db)
    actions.reopen_workshop(db, made.code, made.facilitator_key)
    return made.code, made.facilitator_key, made.facilitator_token


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` (the start of its text) in the selectbox labelled `label`."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=re.compile("^" + re.escape(option))).first.click()


def timed(page: Page, click: Callable[[], None], answer: str) -> float:
    """Milliseconds from `click` to a message matching `answer` being visible."""
    start = time.perf_counter()
    click()
    try:
        page.locator(ANSWER).filter(has_text=re.compile(answer)).first.wait_for(timeout=30_000)
    except playwright.TimeoutError:
        shot = Path(tempfile.gettempdir()) / "console_clicks_failed.png"
        page.screenshot(path=str(shot), full_page=True)
        raise RuntimeError(f"no answer matching {answer!r} at {page.url} (screenshot: {shot})") from None
    return (time.perf_counter() - start) * 1000


def open_step(page: Page, room: Room, key: str, ready: str) -> None:
    room.on(key)
    page.goto(f"{room.base}/{key}?ws={room.code}")
    page.get_by_role("button", name=ready).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1200)  # the live element and the charts settle


def hide(page: Page, room: Room, rep: int) -> float:
    open_step(page, room, "bottlenecks", "Next")
    page.get_by_role("tab", name="Hide / restore").click()
    choose(page, "Hide as noise", f"#{NOTES[rep]} ")
    return timed(page, lambda: page.get_by_role("button", name="Hide", exact=True).click(), "Hidden")


def merge(page: Page, room: Room, rep: int) -> float:
    open_step(page, room, "bottlenecks", "Next")
    page.get_by_role("tab", name="Merge two notes").click()
    source, target = MERGES[rep]
    choose(page, "Duplicate to fold in", f"#{source} ")
    choose(page, "Keep this one (votes carry over)", f"#{target} ")
    return timed(page, lambda: page.get_by_role("button", name="Merge", exact=True).click(), "Merged")


def decision(page: Page, room: Room, rep: int) -> float:
    open_step(page, room, "decide", "Record decision")
    button = page.get_by_role("button", name="Record decision").first
    return timed(page, button.click, "Decision recorded")


def owner(page: Page, room: Room, rep: int) -> float:
    open_step(page, room, "owners", "Save")
    button = page.get_by_role("button", name="Save", exact=True).first
    return timed(page, button.click, "Owner and metric saved|check-in")


# Notes of the sample hidden or merged by each repetition (never the same twice).
NOTES = (12, 7, 4, 10, 6)
MERGES = ((2, 1), (3, 1), (8, 9), (5, 9), (9, 1))
ACTIONS: dict[str, Callable[[Page, Room, int], float]] = {
    "merge": merge,
    "hide": hide,
    "decision": decision,
    "owner": owner,
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(reps: int) -> dict[str, dict[str, list[float]]]:
    """Each action `reps` times on the baseline and on this tree, in turns."""
    figures: dict[str, dict[str, list[float]]] = {a: {"baseline": [], "fragments": []} for a in ACTIONS}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        with (
            server(tmp_path / "baseline.db", {"WORKSHOP_CONSOLE_RERUN": "page"}) as old_base,
            server(tmp_path / "fragments.db", {}) as new_base,
            playwright.sync_playwright() as p,
        ):
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            pages: dict[str, tuple[Page, Room]] = {}
            for name, base in (("baseline", old_base), ("fragments", new_base)):
                room = Room(base, tmp_path / f"{name}.db", *sample(tmp_path / f"{name}.db"))
                page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
                page.goto(f"{base}/owners?ws={room.code}&p={room.token}")  # signs this browser in as the facilitator
                page.get_by_role("button", name="Save").first.wait_for(timeout=60_000)
                pages[name] = (page, room)
            for rep in range(reps):
                for action, measure in ACTIONS.items():
                    for name, (page, room) in pages.items():
                        figures[action][name].append(measure(page, room, rep))
            browser.close()
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help=f"times each action is made (at most {len(NOTES)})")
    args = parser.parse_args(argv)
    figures = run(min(args.reps, len(NOTES)))
    for action, by in figures.items():
        old, new = by["baseline"], by["fragments"]
        print(
            f"console_clicks: action={action} reps={len(new)} baseline_p50_ms={statistics.median(old):.0f} "
            f"baseline_p95_ms={pct(old, 0.95):.0f} p50_ms={statistics.median(new):.0f} p95_ms={pct(new, 0.95):.0f}"
        )


if __name__ == "__main__":
    main()
