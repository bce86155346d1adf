"""The live channel while the console groups a big board: poll latency inside the real server.

Starts the app on loopback with a fresh database holding one workshop with `--notes` notes (the
seeded room of bench/similar.py). A poller asks `GET /api/live/CODE?since=0&wait=0` (answered at
once) every 50 ms, first alone for a few seconds (the baseline, same run), then while a headless
Chromium opens the facilitator's step 1 console, which computes the suggested duplicates in the
server process, until the console shows them.

    python bench/similar_live.py [--notes 10000]

The last line is machine-readable:
    similar_live: notes=… board_s=… console_s=… idle_p50_ms=… idle_max_ms=… busy_p50_ms=… busy_p95_ms=…
    busy_max_ms=… polls=… (one line)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from playwright import sync_api as playwright  # noqa: E402
from similar import build  # noqa: E402

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402
from workshop import actions, store  # noqa: E402
from workshop.domain.vocabulary import DIMENSION_KEYS  # noqa: E402

PEOPLE = 100
IDLE_S = 3.0


def room(db_path: Path, count: int) -> actions.Created:
    """A workshop in step 1 whose board holds `count` notes from `PEOPLE` participants."""
    db = store.connect(db_path)
    made = actions.create_workshop(db, "Big board", "Acme", "scaleup")
    actions.start_timer(db, made.code, made.facilitator_key)
    tokens = [actions.join(db, made.code, f"Person {k}").token for k in range(PEOPLE)]
    for k, note in enumerate(build(count)):
        actions.add_bottleneck(db, made.code, tokens[k % PEOPLE], DIMENSION_KEYS[k % len(DIMENSION_KEYS)], note.text)
    db.close()
    return made


class Poller:
    """Polls the live channel every 50 ms from its own thread; each answer's latency, timestamped."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            start = time.perf_counter()
            with urllib.request.urlopen(self.url, timeout=60) as answer:
                answer.read()
            self.samples.append((start, (time.perf_counter() - start) * 1000))
            time.sleep(0.05)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def between(self, begin: float, end: float) -> list[float]:
        return [ms for at, ms in self.samples if begin <= at <= end]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "big.db"
        t0 = time.perf_counter()
        made = room(db_path, args.notes)
        print(f"{args.notes} notes written in {time.perf_counter() - t0:.0f} s")
        with running_app(db_path) as base, playwright.sync_playwright() as p:
            poller = Poller(f"{base}/api/live/{made.code}?since=0&wait=0")
            poller.start()
            time.sleep(IDLE_S)
            idle_end = time.perf_counter()
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{base}/bottlenecks?ws={made.code}&p={made.facilitator_token}")
            page.get_by_test_id("live-facilitator").wait_for(timeout=300_000)
            board_s = time.perf_counter() - idle_end
            page.get_by_text("of notes that probably say the same thing").first.wait_for(timeout=300_000)
            busy_end = time.perf_counter()
            browser.close()
            poller.stop()
    idle, busy = poller.between(0, idle_end), poller.between(idle_end, busy_end)
    console_s = busy_end - idle_end
    p95 = statistics.quantiles(busy, n=20)[-1] if len(busy) > 1 else max(busy)
    print(f"idle: {len(idle)} polls, p50 {statistics.median(idle):.1f} ms, max {max(idle):.1f} ms")
    print(
        f"console showed the board after {board_s:.1f} s and the suggestions after {console_s:.1f} s; "
        f"meanwhile {len(busy)} polls, "
        f"p50 {statistics.median(busy):.1f} ms, p95 {p95:.1f} ms, max {max(busy):.1f} ms"
    )
    print(
        f"similar_live: notes={args.notes} board_s={board_s:.1f} console_s={console_s:.1f} "
        f"idle_p50_ms={statistics.median(idle):.1f} "
        f"idle_max_ms={max(idle):.1f} busy_p50_ms={statistics.median(busy):.1f} busy_p95_ms={p95:.1f} "
        f"busy_max_ms={max(busy):.1f} polls={len(busy)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
