"""What one live-channel answer costs the server, in CPU time, in a room of 1,000 phones.

    python bench/live_cost.py --participants 1000
    python bench/live_cost.py --before /tmp/before     # the same on another tree, in the same run

Latency on a shared machine moves with whatever else runs on it; the CPU time the server spends
per answer moves far less, so this is the measure to decide by. The room is filled as the whole
workshop leaves it in step 3 (a note, two votes and an impact per phone, six initiatives, every
phone's score of each; written straight into the database, a batch per transaction), then the
app is started on it (`streamlit run app.py`, one process) and, for each kind, `--requests`
requests are sent with `--in-flight` open at once while the server's CPU time (user + system,
psutil) is read before and after:

- **state**: `GET /api/live/CODE?since=-1` (answered at once, gzipped, as a phone asks);
- **meta**: `GET /api/live/CODE/meta?since=-1`;
- **score**: `POST /api/live/CODE/scores`, a phone scoring an initiative again (a write, and the
  phone's own view in the answer);
- **step change**: every phone's meta and state long-polls are open; the facilitator moves the room
  to step 4; CPU time until every phone holds a step-4 state (the phones woken by the meta ask for
  the state again, as `polling.js` does), and the wall time it took; when the server answered
  (its `X-Server-Now`) is printed beside when the phones read the answers.

`--before DIR` runs the same measures on the app in DIR (for example `git archive` of an earlier
commit), on a copy of the same database, first. The last line (one per tree, DIR's first):
`live_cost: tree=… participants=N state_ms=… meta_ms=… score_ms=… step_cpu_ms=… step_wall_ms=…`.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import uvloop

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from live_room import DIMENSIONS, ROOT, Server, make_room  # noqa: E402

from workshop import actions, store  # noqa: E402
from workshop.store.group import together  # noqa: E402

SCORES = {"value": 7, "effort": 4, "urgency": 6, "confidence": 60}


def fill(db_path: Path, participants: int, initiatives: int) -> tuple[str, list[str], list[int], str]:
    """A room in step 3 as 1,000 phones leave it; returns its code, tokens, initiative ids and key."""
    room = make_room(db_path, participants)
    db = store.connect(db_path)
    code, tokens = room.code, room.tokens

    def batch(jobs: list[Any]) -> list[Any]:
        out = together(db, jobs)
        failed = [o for o in out if isinstance(o, Exception)]
        if failed:
            raise RuntimeError(f"{len(failed)} writes refused, the first: {failed[0]}")
        return out

    notes = batch(
        [
            (lambda d, t=t, i=i: actions.add_bottleneck(d, code, t, DIMENSIONS[i % 3], f"Bottleneck {i} slows us"))
            for i, t in enumerate(tokens)
        ]
    )
    voted = [(t, notes[(i + k) % len(notes)]) for i, t in enumerate(tokens) for k in (1, 2)]
    batch([(lambda d, t=t, b=b: actions.vote(d, code, t, b)) for t, b in voted])
    actions.next_step(db, code, room.key, from_step="bottlenecks")
    batch(
        [
            (lambda d, t=t, i=i: actions.add_impact(d, code, t, notes[i % 20], "revenue", "worse", 3, f"Because {i}"))
            for i, t in enumerate(tokens)
        ]
    )
    actions.next_step(db, code, room.key, from_step="impact")
    ids = batch(
        [
            (lambda d, t=t, i=i: actions.add_initiative(d, code, t, f"Initiative {i}", [notes[i]], "What it does"))
            for i, t in enumerate(tokens[:initiatives])
        ]
    )
    batch([(lambda d, t=t, x=x: actions.score_initiative(d, code, t, x, SCORES)) for t in tokens for x in ids])
    db.close()
    return code, tokens, ids, room.key


class Meter:
    """The server's CPU seconds (user + system) between two readings."""

    def __init__(self, server: Server) -> None:
        self.server = server

    def __enter__(self) -> Meter:
        self.t0, self.c0 = time.monotonic(), self.server.cpu_seconds()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.cpu, self.wall = self.server.cpu_seconds() - self.c0, time.monotonic() - self.t0


async def many(n: int, in_flight: int, one: Any) -> None:
    gate = asyncio.Semaphore(in_flight)

    async def run(i: int) -> None:
        async with gate:
            await one(i)

    await asyncio.gather(*(run(i) for i in range(n)))


async def measure(server: Server, code: str, tokens: list[str], ids: list[int], key: str, db_path: Path,
                  args: argparse.Namespace) -> dict[str, float]:  # fmt: skip
    base = f"{server.base}/api/live/{code}"
    n, flight = args.requests, args.in_flight
    out: dict[str, float] = {}
    answered: list[float] = []
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=4.0)
    async with aiohttp.ClientSession(connector=connector, auto_decompress=False) as http:

        async def get(path: str, **params: Any) -> bytes:
            async with http.get(base + path, params=params, headers={"Accept-Encoding": "gzip"}) as resp:
                body = await resp.read()
                if "wait" in params:  # a step change's long-poll: when the server answered it
                    answered.append(float(resp.headers.get("X-Server-Now") or "nan"))
                if resp.status != 200:
                    raise RuntimeError(f"{path} {resp.status}")
                return gzip.decompress(body) if resp.headers.get("Content-Encoding") == "gzip" else body

        async def score(i: int) -> None:
            body = {"token": tokens[i % len(tokens)], "initiative_id": ids[i % len(ids)], "scores": SCORES}
            async with http.post(base + "/scores", json=body) as resp:
                await resp.read()
                if resp.status != 200:
                    raise RuntimeError(f"scores {resp.status}")

        await many(50, flight, lambda i: get("", since=-1))  # warm: the state is built once
        for name, one in (
            ()
            if args.step_only
            else (
                ("state", lambda i: get("", since=-1, client=f"c{i % 997}")),
                ("meta", lambda i: get("/meta", since=-1, client=f"c{i % 997}")),
                ("score", score),
            )
        ):
            with Meter(server) as m:
                await many(n, flight, one)
            out[f"{name}_ms"] = 1000 * m.cpu / n
        step = await step_change(get, answered, server, code, key, db_path, len(tokens))
        out["step_cpu_ms"], out["step_wall_ms"] = step
    return out


async def step_change(get: Any, answered: list[float], server: Server, code: str, key: str, db_path: Path,
                      phones: int) -> tuple[float, float]:  # fmt: skip
    """Every phone's meta and state long-polls open; the step moves; CPU and wall time until every
    phone has both answers and holds the new step."""
    state = json.loads(await get("", since=-1))
    meta = json.loads(await get("/meta", since=-1))
    opened = asyncio.Event()
    waiting = [0]
    times: dict[str, list[float]] = {"meta": [], "state": []}

    async def phone(i: int) -> None:
        client = f"p{i}"
        state_poll = asyncio.ensure_future(get("", since=state["version"], wait=25, client=client))
        meta_poll = asyncio.ensure_future(get("/meta", since=meta["version"], wait=25, client=client))
        waiting[0] += 1
        if waiting[0] == phones:
            opened.set()
        await meta_poll
        times["meta"].append(time.monotonic())
        got = json.loads(await state_poll)
        while got["step"]["key"] != "decide":  # an answer of an earlier version: ask again at once
            got = json.loads(await get("", since=got["version"], wait=25, client=client))
        times["state"].append(time.monotonic())

    tasks = [asyncio.ensure_future(phone(i)) for i in range(phones)]
    await opened.wait()
    await asyncio.sleep(1.0)  # every poll has reached the server
    with Meter(server) as m:
        db = store.connect(db_path)
        actions.next_step(db, code, key, from_step="prioritise")
        db.close()
        moved, moved_at = time.monotonic(), time.time()
        await asyncio.gather(*tasks)
    # The server's clock on its answers against this process's: on a busy machine the phones'
    # own loop, not the server, can be what is late.
    late = {kind: [1000 * (t - moved) for t in at] for kind, at in times.items()}
    late["server's answers"] = [1000 * (t - moved_at) for t in answered if t >= moved_at]
    for kind, values in late.items():
        values.sort()
        print(f"  step change, {kind}: p50 {values[len(values) // 2]:.0f} ms, max {values[-1]:.0f} ms", flush=True)
    return 1000 * m.cpu, 1000 * m.wall


async def run(tree: Path, db_path: Path, room: tuple[str, list[str], list[int], str], args: argparse.Namespace,
              log: Path) -> dict[str, float]:  # fmt: skip
    server = Server("app.py", db_path, log, root=tree)
    try:
        server.wait_ready()
        return await measure(server, *room, db_path, args)
    except BaseException:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        server.stop()


async def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="live_cost-") as tmp:
        work = Path(tmp)
        filled = work / "room.db"
        started = time.monotonic()
        room = fill(filled, args.participants, args.initiatives)
        print(f"room of {args.participants} filled in {time.monotonic() - started:.1f} s", flush=True)
        trees = ([("before", args.before)] if args.before else []) + [("this", ROOT)]
        lines = []
        for name, tree in trees:
            db_path = work / f"{name}.db"
            shutil.copy(filled, db_path)
            figures = await run(tree, db_path, room, args, work / f"{name}.log")
            shown = " ".join(f"{k}={v:.2f}" if v < 100 else f"{k}={v:.0f}" for k, v in figures.items())
            lines.append(f"live_cost: tree={name} participants={args.participants} {shown}")
            print(lines[-1], flush=True)
    print()
    print("\n".join(lines))
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--initiatives", type=int, default=6)
    parser.add_argument("--requests", type=int, default=3000, help="requests of each kind")
    parser.add_argument("--in-flight", type=int, default=16)
    parser.add_argument("--step-only", action="store_true", help="measure the step change alone")
    parser.add_argument("--before", type=Path, help="another tree of the app to measure first, the baseline")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(uvloop.run(main(parse_args())))
