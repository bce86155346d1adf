"""Similar-note grouping on a big board: time, CPU time and peak memory, against all pairs at once.

The notes recombine the labelled workshop texts (tests/data): about half restate an earlier point
with the variation people add (case, punctuation, a lead-in or a tail, a word left out), the rest
join the first half of one text to the second half of another, so there are duplicates without
every note being one. Seeded: every run groups the same room.

Each measurement runs in its own process, so its peak RSS is its own. The engine (`similar.groups`:
a block of rows at a time, each note's closest pairs kept, notes with the same words scored once)
is measured at `--notes`, on the room and on a room pasting the same three notes over and over;
the baseline is the same scores held as whole n x n matrices (`similar.cluster` over every pair's
strength, the earlier all-pairs path) at `--baseline-notes`, where the engine runs as well and must
find the same groups. The engine's run also times a rerun with the same notes (cached groups), a
rerun with 1 % new notes (only their words and vectors are computed) and, in another thread, the
longest wait for the interpreter while the grouping runs: what a live-channel poll in the same
process would wait (bench/similar_live.py measures real polls against the running app).

    python bench/similar.py [--notes 10000] [--baseline-notes 3000] [--reps 1]

The last line is machine-readable:
    similar: notes=… group_ms=… cpu_ms=… peak_rss_mb=… … baseline_notes=… baseline_ms=… …
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workshop.domain import similar  # noqa: E402

NOTES = 10_000
BASELINE_NOTES = 3_000
TIME_LIMIT_S = 10.0
RSS_LIMIT_MB = 1536.0
DATA = ROOT / "tests" / "data"
LEADS = ("", "", "", "Honestly, ", "I think ", "Big one: ", "Still: ")
TAILS = ("", "", "", ".", "!", " — every sprint", " (again)", " and it hurts", ", for real")


def labelled_texts() -> list[str]:
    """Every text of the labelled pairs and boards."""
    texts: set[str] = set()
    with (DATA / "similar_pairs.csv").open(newline="", encoding="utf-8") as handle:
        texts |= {row[side] for row in csv.DictReader(handle) for side in ("a", "b")}
    with (DATA / "similar_boards.csv").open(newline="", encoding="utf-8") as handle:
        texts |= {row["text"] for row in csv.DictReader(handle)}
    return sorted(texts)


def _restated(rng: random.Random, point: str) -> str:
    """A point as another person writes it again."""
    words = point.split()
    if len(words) > 4 and rng.random() < 0.3:
        del words[rng.randrange(len(words))]
    text = rng.choice(LEADS) + " ".join(words) + rng.choice(TAILS)
    return text.lower() if rng.random() < 0.3 else text


def build(count: int, seed: int = 7) -> list[similar.Note]:
    """A room of `count` notes: new points recombined from the labelled texts, and restatements."""
    texts = labelled_texts()
    rng = random.Random(seed)
    points: list[str] = []
    notes = []
    for n in range(count):
        if points and rng.random() < 0.45:
            text = _restated(rng, rng.choice(points))
        else:
            head, tail = rng.choice(texts).split(), rng.choice(texts).split()
            text = " ".join(head[: max(1, len(head) // 2)] + tail[len(tail) // 2 :])
            points.append(text)
        notes.append(similar.Note(id=n + 1, text=text[:280], votes=rng.choice([0, 0, 0, 1, 1, 2, 3, 5])))
    return notes


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(run: Callable[[], Any]) -> tuple[Any, float, float]:
    """The result, wall milliseconds and CPU milliseconds (all threads of the process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


class Stalls:
    """Another thread asking for the interpreter every millisecond; the longest it waited."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            before = time.perf_counter()
            time.sleep(0.001)
            self.longest = max(self.longest, (time.perf_counter() - before) * 1000 - 1)

    def __enter__(self) -> Stalls:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _digest(found: list[Any], notes: list[similar.Note]) -> str:
    """The groups as sets of note ids, hashed: two paths found the same groups when this matches."""
    ids = [sorted(g.members) if isinstance(g, similar.Group) else sorted(notes[k].id for k in g) for g in found]
    return hashlib.sha256(repr(sorted(ids)).encode()).hexdigest()[:16]


def child(mode: str, count: int) -> dict[str, Any]:
    """One measurement in this process: the model is loaded first, then the board is grouped."""
    notes = build(count)
    if mode == "copies":  # a room pasting the same three notes over and over
        notes = [similar.Note(n.id, f"{notes[n.id % 3].text}{'!' * (n.id % 4)}") for n in notes]
    similar.similarity("warm up", "the model")
    figures: dict[str, Any] = {"notes": count, "model_rss_mb": round(_peak_mb())}
    if mode == "all-pairs":
        texts = [n.text for n in notes]
        found, wall, cpu = _timed(lambda: similar.cluster(similar._strength(texts), similar.THRESHOLD))
    else:
        with Stalls() as busy:  # the baseline: the same thread's waits while Python code runs alone
            end = time.perf_counter() + 2.0
            while time.perf_counter() < end:
                sum(range(1000))
        with Stalls() as stalls:
            found, wall, cpu = _timed(lambda: similar.groups(notes))
        figures["longest_wait_ms"] = round(stalls.longest, 1)
        figures["longest_wait_python_ms"] = round(busy.longest, 1)
        figures["cached_ms"] = round(_timed(lambda: similar.groups(notes))[1], 1)
        rng = random.Random(11)
        extra = [similar.Note(count + k + 1, _restated(rng, rng.choice(notes).text)) for k in range(count // 100)]
        figures["one_percent_more_ms"] = round(_timed(lambda: similar.groups(notes + extra))[1])
    figures.update(ms=round(wall), cpu_ms=round(cpu), peak_rss_mb=round(_peak_mb()), groups=len(found))
    figures["digest"] = _digest(found, notes)
    return figures


def measure(mode: str, count: int) -> dict[str, Any]:
    """Run `child` in a fresh process, so the peak RSS is that measurement's alone."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--notes", str(count)],
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=NOTES)
    parser.add_argument("--baseline-notes", type=int, default=BASELINE_NOTES)
    parser.add_argument("--reps", type=int, default=1, help="engine runs at --notes; the median is reported")
    parser.add_argument("--child", choices=("blocks", "all-pairs", "copies"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.notes)))
        return 0
    runs = sorted((measure("blocks", args.notes) for _ in range(args.reps)), key=lambda r: r["ms"])
    engine = runs[len(runs) // 2]
    copies = measure("copies", args.notes)
    small = measure("blocks", args.baseline_notes)
    baseline = measure("all-pairs", args.baseline_notes)
    for name, r in (("engine", engine), ("engine", small), ("all pairs", baseline)):
        print(
            f"{name:9} {r['notes']:>6} notes: {r['ms']:>6} ms, CPU {r['cpu_ms']:>6} ms, "
            f"peak RSS {r['peak_rss_mb']:>5} MB (model loaded: {r['model_rss_mb']} MB), {r['groups']} groups"
        )
    print(
        f"engine {copies['notes']:>6} notes, 3 texts pasted over and over: {copies['ms']} ms, "
        f"peak RSS {copies['peak_rss_mb']} MB, {copies['groups']} groups"
    )
    same = "the same groups" if small["digest"] == baseline["digest"] else "DIFFERENT groups"
    print(f"at {baseline['notes']} notes the engine and all pairs find {same}")
    print(
        f"engine at {engine['notes']} notes: same notes again {engine['cached_ms']} ms, 1 % new notes "
        f"{engine['one_percent_more_ms']} ms; longest wait of another thread for the interpreter "
        f"{engine['longest_wait_ms']} ms (while plain Python code runs: {engine['longest_wait_python_ms']} ms)"
    )
    ok = engine["ms"] <= TIME_LIMIT_S * 1000 and engine["peak_rss_mb"] <= RSS_LIMIT_MB
    print(f"budget {TIME_LIMIT_S:.0f} s and {RSS_LIMIT_MB:.0f} MB at {engine['notes']} notes: {'OK' if ok else 'OVER'}")
    print(
        f"similar: notes={engine['notes']} group_ms={engine['ms']} cpu_ms={engine['cpu_ms']} "
        f"peak_rss_mb={engine['peak_rss_mb']} model_rss_mb={engine['model_rss_mb']} cached_ms={engine['cached_ms']} "
        f"more_ms={engine['one_percent_more_ms']} longest_wait_ms={engine['longest_wait_ms']} "
        f"python_wait_ms={engine['longest_wait_python_ms']} groups={engine['groups']} "
        f"baseline_notes={baseline['notes']} baseline_ms={baseline['ms']} baseline_rss_mb={baseline['peak_rss_mb']} "
        f"engine_at_baseline_ms={small['ms']} engine_at_baseline_rss_mb={small['peak_rss_mb']} "
        f"copies_ms={copies['ms']} copies_rss_mb={copies['peak_rss_mb']}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
