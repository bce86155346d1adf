"""Export timings for a large workshop: 500 bottlenecks, 50 initiatives, 40 people, 10 owners
with three months of check-ins.

The PDF must stay under 3 s at this size (the summary page offers it as a download).
Every format is timed end to end from the database (load + render), as the app and the
CLI do it; `load` alone is timed in the same run as the baseline.

    python bench/export.py [--reps 5]

The last line is machine-readable:
    export: md_ms=… json_ms=… xlsx_ms=… csv_ms=… pdf_ms=…
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlite_utils import Database  # noqa: E402

from workshop import actions, store
from workshop.backup import export
from workshop.domain.vocabulary import DIMENSION_KEYS, OUTCOME_KEYS, STEP_KEYS  # noqa: E402
from workshop.reports import markdown, pdf, sheets
from workshop.store.load import load  # noqa: E402

BOTTLENECKS = 500
INITIATIVES = 50
PEOPLE = 40
IMPACTS = 150
SCORERS = 8
DECIDED = 10
CHECKINS = 6  # per owned initiative, fortnightly: the PDF draws the progress chart
PDF_LIMIT_MS = 3000.0

WORDS = (
    "deploys",
    "incidents",
    "pipeline",
    "onboarding",
    "pricing",
    "latency",
    "audit logs",
    "on-call",
    "data residency",
    "hand-offs",
    "roadmap",
    "SSO",
    "cost per request",
    "tracing",
    "hiring",
)


def build(db: Database, seed: int = 7) -> str:
    """A finished workshop of the benchmark's size, with explicit clock values throughout."""
    rng = random.Random(seed)
    start = 1_790_000_000.0
    created = actions.create_workshop(
        db, "Scaling at benchmark size — “Q3” €", "Bench Corp", "scaleup", vote_budget=5, now=start
    )
    code, key = created.code, created.facilitator_key
    tokens = [actions.join(db, code, f"Person {n} é", now=start + n).token for n in range(PEOPLE)]
    actions.start_timer(db, code, key, now=start + 60)
    ids = []
    for n in range(BOTTLENECKS):
        text = (
            f"Note {n}: {rng.choice(WORDS)} slows {rng.choice(WORDS)} because of {rng.choice(WORDS)} "
            f"and nobody owns {rng.choice(WORDS)}"
        )
        ids.append(
            actions.add_bottleneck(db, code, tokens[n % PEOPLE], DIMENSION_KEYS[n % 3], text, now=start + 100 + n)
        )
    for person, token in enumerate(tokens):
        for n in range(5):
            actions.vote(db, code, token, rng.choice(ids[:120]), now=start + 700 + person * 5 + n)
    actions.next_step(db, code, key, now=start + 21 * 60, from_step=STEP_KEYS[0])
    for n in range(IMPACTS):
        actions.add_impact(
            db,
            code,
            tokens[n % PEOPLE],
            ids[n],
            rng.choice(OUTCOME_KEYS),
            "worse",
            rng.randint(1, 5),
            f"Because {rng.choice(WORDS)} costs us {rng.choice(WORDS)}",
            money=rng.choice([None, 50_000, 250_000, 1_200_000]),
            now=start + 22 * 60 + n,
        )
    actions.next_step(db, code, key, now=start + 42 * 60, from_step=STEP_KEYS[1])
    initiative_ids = []
    for n in range(INITIATIVES):
        links = rng.sample(ids[:150], 3)
        initiative_ids.append(
            actions.add_initiative(
                db,
                code,
                tokens[n % PEOPLE],
                f"Initiative {n}: fix {rng.choice(WORDS)} for {rng.choice(WORDS)}",
                links,
                f"Description of initiative {n}.",
                now=start + 43 * 60 + n,
            )
        )
    for n, initiative_id in enumerate(initiative_ids):
        for person in range(SCORERS):
            actions.score_initiative(
                db,
                code,
                tokens[(n + person) % PEOPLE],
                initiative_id,
                {
                    "value": rng.randint(1, 10),
                    "effort": rng.randint(1, 10),
                    "urgency": rng.randint(1, 10),
                    "confidence": rng.choice([30, 50, 70, 90]),
                },
                now=start + 50 * 60 + person,
            )
    actions.adopt_ranking(db, code, key)
    actions.next_step(db, code, key, now=start + 62 * 60, from_step=STEP_KEYS[2])
    snapshot = load(db, code)
    answers = {"core": "partly", "speed": "speed", "network": "no", "capability": "partly", "cost": "unknown"}
    for n, item in enumerate(snapshot.plan[:DECIDED]):
        actions.record_decision(
            db,
            code,
            key,
            item.id,
            answers,
            ["build", "buy", "partner"][n % 3],
            f"Rationale {n}: speed beats uniqueness here.",
            now=start + 65 * 60 + n,
        )
    actions.next_step(db, code, key, now=start + 82 * 60, from_step=STEP_KEYS[3])
    today = date.fromtimestamp(start + 82 * 60)
    for n, item in enumerate(snapshot.plan[:DECIDED]):
        actions.assign_owner(
            db,
            code,
            key,
            item.id,
            f"Owner {n}",
            f"Metric {n}",
            10,
            20,
            today + timedelta(days=14),
            unit="units",
            today=today,
            now=start + 84 * 60 + n,
        )
    actions.end_workshop(db, code, key, now=start + 93 * 60, from_step=STEP_KEYS[-1])
    statuses = ("on_track", "at_risk", "off_track")
    for n, item in enumerate(snapshot.plan[:DECIDED]):
        for k in range(1, CHECKINS + 1):
            moment = start + 93 * 60 + k * 14 * 86_400
            day = date.fromtimestamp(moment)
            actions.record_checkin(
                db,
                code,
                key,
                item.id,
                10 + k * (1 + n % 3) / 2,
                statuses[(n + k) % 3],
                f"Check-in {k} of {n}",
                next_checkin=day + timedelta(days=14),
                today=day,
                now=moment,
            )
    return code


def timed(fn: Callable[[], object], reps: int) -> tuple[float, list[float]]:
    """Median milliseconds over `reps` runs, and every run."""
    runs = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs), runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = store.connect(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        code = build(db)
        print(
            f"built workshop {code}: {BOTTLENECKS} bottlenecks, {INITIATIVES} initiatives, {PEOPLE} people, "
            f"{IMPACTS} impacts in {time.perf_counter() - t0:.1f} s"
        )
        now = 1_790_006_000.0
        cold_t0 = time.perf_counter()
        size = len(pdf.to_pdf(load(db, code), now))
        pdf_cold = (time.perf_counter() - cold_t0) * 1000
        print(f"pdf first call (chart renderer start-up included): {pdf_cold:.0f} ms, {size / 1024:.0f} KiB")
        formats: dict[str, Callable[[], object]] = {
            "load": lambda: load(db, code),
            "md": lambda: markdown.markdown(load(db, code), now),
            "json": lambda: export.export_json(db, code, now),
            "xlsx": lambda: sheets.to_xlsx(load(db, code), now),
            "csv": lambda: sheets.to_csv_zip(load(db, code), now),
            "pdf": lambda: pdf.to_pdf(load(db, code), now),
        }
        results = {}
        for name, fn in formats.items():
            results[name], runs = timed(fn, args.reps)
            label = "baseline: load" if name == "load" else f"{name} (load + render)"
            print(f"{label:28} median {results[name]:8.1f} ms   runs " + " ".join(f"{r:.0f}" for r in runs))
        db.close()
    verdict = "OK" if results["pdf"] < PDF_LIMIT_MS else "TOO SLOW"
    print(f"pdf budget {PDF_LIMIT_MS:.0f} ms: {verdict}")
    print("export: " + " ".join(f"{name}_ms={results[name]:.0f}" for name in ("md", "json", "xlsx", "csv", "pdf")))
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
