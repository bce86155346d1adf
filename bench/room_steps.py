"""The whole workshop under load: N phones and one projector through all five steps and the end.

    python bench/room_steps.py --participants 300

What it does, in one run:

1. **Live channel** (the app as shipped). Starts `streamlit run app.py` on loopback with a
   fresh database (the helpers of `bench/live_room.py`), creates a workshop and joins N
   participants with `workshop.actions`. Each phone loads its one screen once over
   Streamlit's websocket (`/room?ws=CODE&p=TOKEN`) and from then on does what the live
   element does: `POST /me` once, then its one poll, always open
   (`GET /api/live/CODE?since=V&meta=M&hold=H&wait=25&client=ID`, the token in a header): the
   server answers it at once when the room moves (step, timer, lock, end) and for a board change
   after the hold (the element's 2 s, or the server's pace); and every 20 s a meta poll with its
   token, the "still here" the connected count and the pace are counted from. The projector, in its own process,
   loads `/projector?ws=CODE` once and long-polls the full state with no throttle.

   For each step the phones do that step's writes, spread over `--step-seconds`:
   1. a note each (`--notes`) and votes (`--votes`, within the budget);
   2. an impact each on one of the most-voted notes;
   3. `--initiatives` phones propose an initiative early in the window, then every phone
      scores every initiative;
   4. a build / buy / partner pick for each of the top three;
   5. each phone volunteers to own one of the top three.
   Every write waits for the previous step's writes to be acknowledged. The facilitator then
   calls `actions.next_step` from this process (after step 5, `actions.end_workshop`): a
   direct database write, as the facilitator's page makes it. **Follow latency** is the time
   from that call to each phone's full-state loop holding a state of the new step (for the
   end: a state that says ended); a phone that has not followed within `--follow-timeout`
   counts as an error. **Ack latency** is the time from a write's POST to its answer.

2. **Baseline** (`--baseline-participants`, default 50; `--no-baseline` skips it): the rerun
   path a step change took before the live screen, on a second fresh server. Each phone
   loads `/room` over the websocket and keeps the session open; a meta long-poll tells it
   the step moved, and it then reruns the new step's page over its websocket the way the
   old element did (`rerun_script` with url path e.g. `impact`, no page hash): that page
   runs, `switch_page`s to `/room`, which runs too — old page + switch + new page. Follow
   latency is from `next_step` to the phone's script run finishing (`script_finished`,
   FINISHED_SUCCESSFULLY). The same writes are made straight into the database (through
   the live channel's write functions, not the server), so each step's page loads a room
   of the same shape. Its CPU is averaged over the step changes only (next_step until the
   last phone finished), where the reruns happen.

Each step change is also broken down: when each phone's answer began to arrive, when the
server built the state answer (its `X-Server-Now` header, same machine clock) and how late
this process's event loop was meanwhile, so a slow figure can be put on the server or on the
load generator. Each version's state is JSON-decoded once for all phones (the bytes are the
same for everyone). A POST that fails because the server just closed the idle keep-alive
connection (uvicorn closes them after 5 s) is resent once, as browsers do, and counted.

Errors: non-2xx answers other than expected refusals (a vote past the budget), exceptions,
dropped sockets, scores that could not be made, phones that never followed. Server CPU is
in cores (psutil, the server process and its children) averaged over the measured window
(first write of step 1 until the last phone holds the end); peak RSS is over the whole run.
The load generator shares the machine; its own CPU is printed next to the server's.

**Rooms and processes.** `--rooms R` runs R rooms of `--participants` phones at once on one
server, each with its own facilitator; room i starts its steps `--stagger` × i seconds after the
first (one projector, for room 1). `--processes P` serves them with `python -m workshop serve
--processes P` (nginx in front, CPU and memory over the whole tree); with P > 1 the same rooms
are first run on one process (`streamlit run app.py`, as shipped) in the same invocation, the
1-process baseline of that run (`--no-single` skips it). Figures are over every phone of every
room; with several rooms each room's own follow p95 is printed too.

The last lines are machine-readable (one `room_steps:` line per process count, P last):

    room_steps_baseline: participants=50 follow_p95_ms=… follow_max_ms=… cpu_cores=…
    room_steps: participants=N follow_p95_ms=… follow_max_ms=… ack_p95_ms=… errors=… cpu_cores=… rss_mb=…
        rooms=R processes=P engine=E   (on the same line)

**Engines.** `--engine postgresql` runs the P-process run against a throwaway PostgreSQL server
(started and removed by this script, `tests/pgserver.py`), the 1-process run beside it on SQLite:

    python bench/room_steps.py --participants 300 --processes 2 --engine postgresql --no-baseline
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil
import uvloop
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from live_room import (  # noqa: E402  (live_room puts the project root on sys.path)
    DIMENSIONS,
    PHRASES,
    CpuWindow,
    Projector,
    Room,
    Server,
    StreamlitPage,
    browser_session,
    make_room,
    pct,
)

from workshop import actions, store  # noqa: E402
from workshop.domain.errors import BudgetExhausted, WorkshopError  # noqa: E402
from workshop.domain.vocabulary import OUTCOMES, STEPS  # noqa: E402

STEP_KEYS = [s.key for s in STEPS]
END = "end"  # the transition after the last step
OUTCOME_KEYS = [o.key for o in OUTCOMES]
CHOICES = ("build", "buy", "partner")
LIVE_COMPONENT = "scaling_workshop.live"
STATUS = ForwardMsg.ScriptFinishedStatus


def ms(value: float) -> float | None:
    return None if value != value else round(value, 1)  # NaN (nothing measured) -> None


def fmt(value: float | None) -> str:
    return "nan" if value is None else f"{value:.0f}"


# --- results ---------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    participants: int
    loaded: int = 0
    load_seconds: float = 0.0
    load_times: list[float] = field(default_factory=list)
    follow_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # new step -> ms
    notice_ms: dict[str, list[float]] = field(
        default_factory=lambda: defaultdict(list)
    )  # ... the answer began to arrive
    answer_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # ... server answered
    lag_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # load generator's loop lag
    follow_cpu: dict[str, float] = field(default_factory=dict)  # new step -> cores
    write_cpu: dict[str, tuple[float, float]] = field(default_factory=dict)  # step -> (cores, seconds) of its writes
    write_requests: dict[str, Counter] = field(default_factory=dict)  # step -> requests during its writes
    follow_runs: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # baseline: script runs
    ack_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # step -> ms
    writes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # step -> path -> ok
    refused: Counter = field(default_factory=Counter)
    requests: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    me_ms: list[float] = field(default_factory=list)
    cpu_cores: float = 0.0
    client_cores: float = 0.0
    window_s: float = 0.0
    rss_mb: float = 0.0
    state_bytes: dict[str, int] = field(default_factory=dict)  # step -> size of the full state at its end
    marks: list[tuple[str, float]] = field(default_factory=list)  # (event, wall clock) for matching server logs
    cpu_over: str = ""  # what cpu_cores is averaged over, when not the whole window
    rooms: int = 1
    processes: int = 1
    engine: str = "sqlite"
    room_follow_p95: list[float] = field(default_factory=list)  # each room's follow p95 (several rooms)
    notes: list[str] = field(default_factory=list)

    @property
    def all_follow(self) -> list[float]:
        return [v for values in self.follow_ms.values() for v in values]

    @property
    def all_ack(self) -> list[float]:
        return [v for values in self.ack_ms.values() for v in values]

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def summary(self) -> dict[str, Any]:
        follow, ack = self.all_follow, self.all_ack
        return {
            "name": self.name,
            "participants": self.participants,
            "pages_loaded": self.loaded,
            "load_s": round(self.load_seconds, 1),
            "page_load_p95_ms": ms(pct(self.load_times, 95) * 1000) if self.load_times else None,
            "follow_p50_ms": ms(pct(follow, 50)),
            "follow_p95_ms": ms(pct(follow, 95)),
            "follow_max_ms": ms(max(follow, default=float("nan"))),
            "ack_p50_ms": ms(pct(ack, 50)),
            "ack_p95_ms": ms(pct(ack, 95)),
            "ack_max_ms": ms(max(ack, default=float("nan"))),
            "per_step": {
                key: self.step_summary(key) for key in [*STEP_KEYS, END] if key in self.follow_ms or key in self.ack_ms
            },
            "refused": dict(self.refused),
            "errors": self.error_count,
            "error_kinds": dict(self.errors),
            "requests": dict(self.requests),
            "cpu_cores": round(self.cpu_cores, 2),
            "client_cores": round(self.client_cores, 2),
            "window_s": round(self.window_s, 1),
            "rss_mb": round(self.rss_mb, 1),
            "state_bytes": self.state_bytes,
            "notes": self.notes,
            "marks": self.marks,
        }

    def step_summary(self, key: str) -> dict[str, Any]:
        follow, ack = self.follow_ms.get(key, []), self.ack_ms.get(key, [])
        notice, answer, lag = self.notice_ms.get(key, []), self.answer_ms.get(key, []), self.lag_ms.get(key, [])
        return {
            "notice_p50_ms": ms(pct(notice, 50)),
            "notice_p95_ms": ms(pct(notice, 95)),
            "answer_p50_ms": ms(pct(answer, 50)),
            "answer_p95_ms": ms(pct(answer, 95)),
            "answer_max_ms": ms(max(answer, default=float("nan"))),
            "lag_p95_ms": ms(pct(lag, 95)),
            "lag_max_ms": ms(max(lag, default=float("nan"))),
            "write_lag_p95_ms": ms(pct(self.lag_ms.get(f"writes:{key}", []), 95)),
            "write_cpu_cores": round(self.write_cpu[key][0], 2) if key in self.write_cpu else None,
            "write_seconds": round(self.write_cpu[key][1], 1) if key in self.write_cpu else None,
            "write_window_requests": {k: v for k, v in self.write_requests.get(key, Counter()).items() if v},
            "writes": dict(self.writes.get(key, {})),
            "acks": len(ack),
            "ack_p50_ms": ms(pct(ack, 50)),
            "ack_p95_ms": ms(pct(ack, 95)),
            "ack_max_ms": ms(max(ack, default=float("nan"))),
            "followed": len(follow),
            "follow_p50_ms": ms(pct(follow, 50)),
            "follow_p95_ms": ms(pct(follow, 95)),
            "follow_max_ms": ms(max(follow, default=float("nan"))),
            "follow_cpu_cores": round(self.follow_cpu[key], 2) if key in self.follow_cpu else None,
            "script_runs": dict(self.follow_runs.get(key, {})),
        }

    def print(self) -> None:
        s = self.summary()
        print(f"\n== {self.name}: {self.participants} phones ==")
        print(
            f"pages loaded      {s['pages_loaded']}/{self.participants} in {s['load_s']} s "
            f"(p95 {s['page_load_p95_ms']} ms per page)"
        )
        for key in [*STEP_KEYS, END]:
            if key not in s["per_step"]:
                continue
            p = s["per_step"][key]
            if key in self.follow_ms:
                runs = (" script runs " + json.dumps(p["script_runs"])) if p["script_runs"] else ""
                print(
                    f"-> {key:<12}   followed {p['followed']:>4}/{self.loaded}  p50 {fmt(p['follow_p50_ms'])} ms"
                    f"  p95 {fmt(p['follow_p95_ms'])} ms  max {fmt(p['follow_max_ms'])} ms"
                    f"  server {p['follow_cpu_cores']} cores{runs}"
                )
                if p["notice_p50_ms"] is not None:
                    print(
                        f"                   answer began p50 {fmt(p['notice_p50_ms'])} ms"
                        f"  p95 {fmt(p['notice_p95_ms'])} ms; server answered the state p50 "
                        f"{fmt(p['answer_p50_ms'])} ms  p95 {fmt(p['answer_p95_ms'])} ms"
                        f"  max {fmt(p['answer_max_ms'])} ms;"
                        f" load generator loop lag p95 {fmt(p['lag_p95_ms'])} ms  max {fmt(p['lag_max_ms'])} ms"
                    )
            if p["writes"] and not p["acks"]:
                print(f"   {key:<12}   writes {json.dumps(p['writes'])} (straight to the database)")
            elif p["writes"]:
                size = f"  state {self.state_bytes[key] / 1024:.0f} kB" if key in self.state_bytes else ""
                print(
                    f"   {key:<12}   writes {json.dumps(p['writes'])}  ack p50 {fmt(p['ack_p50_ms'])} ms"
                    f"  p95 {fmt(p['ack_p95_ms'])} ms  max {fmt(p['ack_max_ms'])} ms{size}"
                    f"  (load generator loop lag p95 {fmt(p['write_lag_p95_ms'])} ms)"
                )
                polls = p["write_window_requests"]
                print(
                    f"                   during the {p['write_seconds']} s of writes:"
                    f" server {p['write_cpu_cores']} cores;"
                    f" meta polls answered {polls.get('meta_poll', 0)}, state polls {polls.get('state_poll', 0)}"
                )
        print(
            f"follow (all)      p50 {fmt(s['follow_p50_ms'])} ms   p95 {fmt(s['follow_p95_ms'])} ms   "
            f"max {fmt(s['follow_max_ms'])} ms"
        )
        if s["ack_p50_ms"] is not None:
            print(
                f"ack (all writes)  p50 {fmt(s['ack_p50_ms'])} ms   p95 {fmt(s['ack_p95_ms'])} ms   "
                f"max {fmt(s['ack_max_ms'])} ms"
            )
        if self.me_ms:
            print(f"POST /me          p50 {fmt(ms(pct(self.me_ms, 50)))} ms   p95 {fmt(ms(pct(self.me_ms, 95)))} ms")
        print("requests          " + ", ".join(f"{k} {v}" for k, v in sorted(s["requests"].items())))
        if s["refused"]:
            print("expected refusals " + json.dumps(s["refused"]))
        print(f"errors            {s['errors']} " + (json.dumps(s["error_kinds"]) if s["errors"] else ""))
        over = self.cpu_over or f"the {s['window_s']} s window"
        print(f"server            {s['cpu_cores']} cores (average over {over}), peak RSS {s['rss_mb']} MB")
        print(f"load generator    {s['client_cores']} cores")
        for note in self.notes:
            print(f"note              {note}")


# --- one phone's writes, step by step ---------------------------------------------------

Send = Callable[[str, dict[str, Any]], Awaitable["dict[str, Any] | None"]]


@dataclass
class Room2:
    """What the whole room shares during a run: the initiatives proposed so far."""

    initiatives: set[int] = field(default_factory=set)
    proposers: set[int] = field(default_factory=set)


class Phone:
    """One participant's writes; `send` posts (or, in the baseline, writes directly) and
    `state` is the latest full state this phone holds."""

    def __init__(self, i: int, token: str, seed: int, result: Result, shared: Room2) -> None:
        self.i = i
        self.token = token
        self.client = f"bench-{i:04d}-{secrets.token_hex(3)}"
        self.rng = random.Random(seed * 1000 + i)
        self.result = result
        self.shared = shared
        self.state: dict[str, Any] | None = None
        self.held: dict[str, float] = {}  # step key (or END) -> when this phone first held it
        self.noticed: dict[str, float] = {}  # step key (or END) -> when the answer holding it began to arrive
        self.answered: dict[str, float] = {}  # step key (or END) -> server clock (X-Server-Now) of that state
        self.scored: set[int] = set()
        self.send: Send | None = None
        self.meta_version = 0  # the room's version at the meta's latest change

    def hold(self, state: dict[str, Any], now: float, server_now: float | None = None) -> None:
        self.state = state
        keys = [state["step"]["key"], *([END] if state.get("ended") else [])]
        for key in keys:
            self.held.setdefault(key, now)
            if server_now is not None:
                self.answered.setdefault(key, server_now)

    def _notes(self) -> list[dict[str, Any]]:
        board = (self.state or {}).get("board") or {}
        return sorted((item for items in board.values() for item in items), key=lambda b: (-b["votes"], b["id"]))

    async def _write(self, step: str, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        assert self.send is not None
        sent = time.monotonic()
        answer = await self.send(path, body)
        if answer is not None:
            self.result.ack_ms[step].append((time.monotonic() - sent) * 1000)
            self.result.writes[step][path] += 1
        return answer

    async def do_step(self, step: str, t0: float, window: float, args: argparse.Namespace) -> None:
        rng = self.rng

        async def at(offset: float) -> None:
            await asyncio.sleep(max(0.0, t0 + offset - time.monotonic()))

        if step == "bottlenecks":
            events = sorted(
                [(rng.uniform(0, window * 0.8), "note", k) for k in range(args.notes)]
                + [(rng.uniform(window * 0.2, window), "vote", k) for k in range(args.votes)]
            )
            for offset, kind, k in events:
                await at(offset)
                if kind == "note":
                    await self._write(
                        step,
                        "/bottlenecks",
                        {
                            "token": self.token,
                            "dimension": rng.choice(DIMENSIONS),
                            "text": f"{rng.choice(PHRASES)} [p{self.i:03d}-{k}]",
                            "client_id": secrets.token_hex(8),
                        },
                    )
                else:
                    notes = self._notes()
                    if notes:
                        await self._write(
                            step,
                            "/votes",
                            {"token": self.token, "bottleneck_id": rng.choice(notes)["id"], "remove": False},
                        )
        elif step == "impact":
            await at(rng.uniform(0, window))
            notes = self._notes()[:12]
            if not notes:
                self.result.errors["impact_no_notes"] += 1
                return
            money = rng.choice([None, rng.randrange(10, 2000) * 1000])
            await self._write(
                step,
                "/impacts",
                {
                    "token": self.token,
                    "bottleneck_id": rng.choice(notes)["id"],
                    "outcome": rng.choice(OUTCOME_KEYS),
                    "direction": rng.choice(["worse", "worse", "better"]),
                    "magnitude": rng.randint(1, 5),
                    "money": money,
                    "because": f"Seen in last quarter's numbers [p{self.i:03d}]",
                    "client_id": secrets.token_hex(8),
                },
            )
        elif step == "prioritise":
            if self.i in self.shared.proposers:
                await at(rng.uniform(0, window * 0.2))
                ids = [b["id"] for b in self._notes()[:10]]
                if ids:
                    answer = await self._write(
                        step,
                        "/initiatives",
                        {
                            "token": self.token,
                            "title": f"Initiative from p{self.i:03d}: {rng.choice(PHRASES)[:60]}",
                            "bottleneck_ids": rng.sample(ids, k=min(len(ids), rng.randint(1, 2))),
                            "description": "Proposed during the benchmark.",
                            "client_id": secrets.token_hex(8),
                        },
                    )
                    if answer and isinstance(answer.get("id"), int):
                        self.shared.initiatives.add(answer["id"])
                else:
                    self.result.errors["initiative_no_notes"] += 1
            for offset in sorted(rng.uniform(window * 0.3, window * 0.95) for _ in range(args.initiatives)):
                await at(offset)
                await self._score_next(step)
            # Catch up on initiatives this phone had not seen yet (its state is up to 2 s old).
            deadline = t0 + window + args.follow_timeout
            while not self.shared.initiatives <= self.scored and time.monotonic() < deadline:
                if not await self._score_next(step):
                    await asyncio.sleep(0.2)
            missing = len(self.shared.initiatives - self.scored)
            if missing:
                self.result.errors["scores_never_made"] += missing
        elif step == "decide":
            top = list((self.state or {}).get("top") or [])
            for initiative_id, offset in zip(top, sorted(rng.uniform(window * 0.1, window * 0.95) for _ in top)):
                await at(offset)
                await self._write(
                    step,
                    "/picks",
                    {
                        "token": self.token,
                        "initiative_id": initiative_id,
                        "choice": rng.choice(CHOICES),
                        "reason": "Fits our team today",
                    },
                )
        elif step == "owners":
            await at(rng.uniform(window * 0.1, window * 0.95))
            top = list((self.state or {}).get("top") or [])
            if top:
                await self._write(
                    step, "/volunteers", {"token": self.token, "initiative_id": rng.choice(top), "on": True}
                )

    async def _score_next(self, step: str) -> bool:
        known = [item["id"] for item in (self.state or {}).get("initiatives") or []]
        todo = [i for i in known if i not in self.scored]
        if not todo:
            return False
        initiative_id = todo[0]
        rng = self.rng
        answer = await self._write(
            step,
            "/scores",
            {
                "token": self.token,
                "initiative_id": initiative_id,
                "scores": {
                    "value": rng.randint(1, 10),
                    "effort": rng.randint(1, 10),
                    "urgency": rng.randint(1, 10),
                    "confidence": rng.randint(1, 10) * 10,
                },
            },
        )
        self.scored.add(initiative_id)  # tried once; a failed score is counted as an error by send()
        return answer is not None


def pick_proposers(n: int, count: int) -> set[int]:
    count = max(0, min(n, count))
    return {k * n // count for k in range(count)} if count else set()


async def run_steps(
    result: Result,
    phones: list[Phone],
    args: argparse.Namespace,
    room: Room,
    facilitator: Callable[[Callable[..., Any]], Awaitable[Any]],
    followed: Callable[[Phone, str], float | None],
    noticed: Callable[[Phone, str], float | None] = lambda p, key: None,
    answered: Callable[[Phone, str], float | None] = lambda p, key: None,
    on_step_end: Callable[[str], Awaitable[None]] | None = None,
    with_end: bool = True,
    server: Server | None = None,
) -> None:
    """The facilitator's script: each step's writes, then next_step, then wait for the phones."""
    window = args.step_seconds
    for index, step in enumerate(STEP_KEYS):
        t0 = time.monotonic()
        result.marks.append((f"writes {step}", time.time()))
        tasks = [asyncio.create_task(p.do_step(step, t0, window, args)) for p in phones]
        before = Counter(result.requests)
        assert server is not None
        with LoopLag(result.lag_ms[f"writes:{step}"]), CpuWindow(server) as cpu:
            done, late = await asyncio.wait(tasks, timeout=window + args.follow_timeout + 20)
        result.write_cpu[step] = (cpu.server_cores, time.monotonic() - cpu.t0)
        result.write_requests[step] = Counter(result.requests)
        result.write_requests[step].subtract(before)
        for task in late:
            task.cancel()
        if late:
            result.errors[f"{step}_writes_unfinished"] += len(late)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                result.errors[f"{step}_{type(task.exception()).__name__}"] += 1
        if on_step_end is not None:
            await on_step_end(step)
        last = index + 1 == len(STEP_KEYS)
        if last and not with_end:
            break
        target = END if last else STEP_KEYS[index + 1]
        action = actions.end_workshop if last else actions.next_step
        assert server is not None
        lags = result.lag_ms[target]
        with CpuWindow(server) as cpu, LoopLag(lags):
            t_change, t_wall = time.monotonic(), time.time()
            result.marks.append((f"-> {target}", t_wall))
            await facilitator(lambda db, action=action, step=step: action(db, room.code, room.key, from_step=step))
            deadline = t_change + args.follow_timeout
            while time.monotonic() < deadline and any(followed(p, target) is None for p in phones):
                await asyncio.sleep(0.02)
        result.follow_cpu[target] = cpu.server_cores
        for phone in phones:
            at = followed(phone, target)
            if at is None:
                result.errors[f"never_followed_{target}"] += 1
            else:
                result.follow_ms[target].append((at - t_change) * 1000)
            seen = noticed(phone, target)
            if seen is not None:
                result.notice_ms[target].append((seen - t_change) * 1000)
            server_at = answered(phone, target)
            if server_at is not None:
                result.answer_ms[target].append((server_at - t_wall) * 1000)
        await asyncio.sleep(0.5)  # phones settle on the new step before its writes begin


class Window(CpuWindow):
    """live_room's CpuWindow, plus what the rest of the machine used meanwhile (other test runs
    on a shared box skew every figure, so the run says how busy it was)."""

    def __enter__(self) -> Window:
        super().__enter__()
        self.busy0 = self._busy()
        self.load0 = os.getloadavg()[0]
        return self

    def __exit__(self, *exc: Any) -> None:
        super().__exit__(*exc)
        elapsed = time.monotonic() - self.t0
        self.machine_cores = (self._busy() - self.busy0) / elapsed
        self.other_cores = max(0.0, self.machine_cores - self.server_cores - self.client_cores)
        self.load1 = os.getloadavg()[0]

    @staticmethod
    def _busy() -> float:
        t = psutil.cpu_times()
        return sum(t) - t.idle - getattr(t, "iowait", 0.0) - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)

    def describe(self) -> str:
        return (
            f"machine busy {self.machine_cores:.2f} of {psutil.cpu_count()} cores, of which "
            f"{self.other_cores:.2f} outside the server and the load generator (projector, other jobs); "
            f"load average {self.load0:.1f} -> {self.load1:.1f}"
        )


class LoopLag:
    """How late this process's event loop wakes a 10 ms sleep: time a phone's answer waits in
    the load generator (on a 2-core box the generator and the server compete)."""

    def __init__(self, out: list[float]) -> None:
        self.out = out

    async def _run(self) -> None:
        while True:
            t = time.monotonic()
            await asyncio.sleep(0.01)
            self.out.append((time.monotonic() - t - 0.01) * 1000)

    def __enter__(self) -> LoopLag:
        self.task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: Any) -> None:
        self.task.cancel()


_PARSED: dict[bytes, dict[str, Any]] = {}


def parse_state(body: bytes, encoding: str = "") -> dict[str, Any]:
    """A state answer as the phone reads it, decoded once per distinct answer: the hub serves
    the same (gzipped) bytes to every phone for a version, and 1,000 phones decompressing and
    decoding the same 250 kB made the load generator, not the server, the bottleneck. The bytes
    themselves are the key, so a phone still holds exactly what it was sent."""
    state = _PARSED.get(body)
    if state is None:
        if len(_PARSED) > 2_000:
            _PARSED.clear()
        state = _PARSED[body] = json.loads(gzip.decompress(body) if encoding == "gzip" else body)
    return state


async def read_json(resp: aiohttp.ClientResponse) -> Any:
    """A small answer's JSON, decompressed here (the phones' sessions leave answers compressed)."""
    body = await resp.read()
    return json.loads(gzip.decompress(body) if resp.headers.get("Content-Encoding") == "gzip" else body)


def phone_session() -> aiohttp.ClientSession:
    """A phone's browser session whose state answers stay compressed until `parse_state`."""
    return browser_session(auto_decompress=False)


class FacilitatorThread:
    """The facilitator's device: its own sqlite connection in its own thread."""

    def __init__(self, db_path: Path) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.db_path = db_path
        self.db: Any = None

    async def __call__(self, fn: Callable[[Any], Any]) -> Any:
        def run() -> Any:
            if self.db is None:
                self.db = store.connect(self.db_path)
            return fn(self.db)

        return await asyncio.get_running_loop().run_in_executor(self.pool, run)

    def close(self) -> None:
        self.pool.shutdown(wait=True)


# --- run 1: the live channel ------------------------------------------------------------


class ServeBox(Server):
    """`python -m workshop serve --processes P` (nginx in front) with live_room.Server's CPU and
    memory accounting over the whole tree: the command, nginx and every app process."""

    def __init__(self, processes: int, db_path: Path, log_path: Path) -> None:
        from live_room import ROOT, free_port

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "wb")
        command = [sys.executable, "-m", "workshop", "--db", str(db_path), "serve", "--processes", str(processes),
                   "--port", str(self.port), "--address", "127.0.0.1"]  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self.ps = psutil.Process(self.proc.pid)
        self.peak_rss = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while b"serving on " not in self.log_path.read_bytes():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("serve did not start:\n" + self.log_tail())
            time.sleep(0.3)
        super().wait_ready(timeout)


def engine_of(args: argparse.Namespace, processes: int) -> str:
    """The engine a run uses: `--engine` for the P-process run, SQLite for the 1-process run beside it."""
    return str(args.engine) if processes == args.processes else "sqlite"


def start_server(processes: int, db_path: Path, log_path: Path) -> Server:
    """One process as shipped (`streamlit run app.py`), or P processes behind nginx."""
    return Server("app.py", db_path, log_path) if processes <= 1 else ServeBox(processes, db_path, log_path)


async def run_live(args: argparse.Namespace, workdir: Path, processes: int) -> Result:
    """R rooms of N phones at once on one server; the step changes of room i start i x stagger later."""
    n, rooms_n = args.participants, args.rooms
    engine = engine_of(args, processes)
    db_path: Any = workdir / f"live-{processes}.db" if engine == "sqlite" else args.pg.fresh()
    rooms = [make_room(db_path, n) for _ in range(rooms_n)]
    server = start_server(processes, db_path, workdir / f"live-{processes}-server.log")
    results = [Result(f"room {i + 1} of {rooms_n}", n) for i in range(rooms_n)]
    try:
        server.wait_ready()
        loaded = asyncio.Event()
        ramp = [0]
        with Window(server) as window:
            await asyncio.gather(
                *(run_room(args, server, db_path, rooms[i], results[i], i, loaded, ramp) for i in range(rooms_n))
            )
    except BaseException:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        server.stop()
    label = f"live channel on {engine}, {processes} process{'es' if processes > 1 else ''}" + (
        f", {rooms_n} rooms at once" if rooms_n > 1 else ""
    )
    total = merge(f"{label} (one screen, one held long-poll each)", results)
    total.cpu_cores, total.client_cores = window.server_cores, window.client_cores
    total.window_s = time.monotonic() - window.t0
    total.notes.insert(0, window.describe())
    total.rss_mb = server.peak_rss / 2**20
    total.rooms, total.processes = rooms_n, processes
    total.engine = engine
    total.room_follow_p95 = [pct(r.all_follow, 95) for r in results]
    if rooms_n > 1:
        for r in results:
            s = r.summary()
            total.notes.append(
                f"{r.name}: follow p95 {fmt(s['follow_p95_ms'])} ms max {fmt(s['follow_max_ms'])} ms,"
                f" ack p95 {fmt(s['ack_p95_ms'])} ms, errors {s['errors']}"
            )
    return total


def merge(name: str, results: list[Result]) -> Result:
    """One result for several rooms: every phone's figures together."""
    total = Result(name, sum(r.participants for r in results))
    for r in results:
        total.loaded += r.loaded
        total.load_seconds = max(total.load_seconds, r.load_seconds)
        total.load_times += r.load_times
        for attr in ("follow_ms", "notice_ms", "answer_ms", "lag_ms", "ack_ms"):
            for key, values in getattr(r, attr).items():
                getattr(total, attr)[key].extend(values)
        for key, counter in r.writes.items():
            total.writes[key].update(counter)
        for key, pair in r.write_cpu.items():
            total.write_cpu.setdefault(key, pair)
        for key, counter in r.write_requests.items():
            total.write_requests.setdefault(key, counter)
        for key, cores in r.follow_cpu.items():
            total.follow_cpu.setdefault(key, cores)
        total.refused.update(r.refused)
        total.requests.update(r.requests)
        total.errors.update(r.errors)
        total.me_ms += r.me_ms
        for key, size in r.state_bytes.items():
            total.state_bytes[key] = max(total.state_bytes.get(key, 0), size)
        total.notes += [n for n in r.notes if n not in total.notes]
    return total


async def run_room(
    args: argparse.Namespace, server: Server, db_path: Path, room: Room, result: Result, index: int,
    loaded: asyncio.Event, ramp: list[int],
) -> None:  # fmt: skip
    """One room: its phones load their page, then (after every room's phones have) go through the steps."""
    n = args.participants
    base, code = server.base, room.code
    shared = Room2(proposers=pick_proposers(n, args.initiatives))
    phones = [Phone(i, room.tokens[i], args.seed + index, result, shared) for i in range(n)]
    facilitator = FacilitatorThread(db_path)
    stopping = asyncio.Event()
    ready: list[Phone] = []
    failed_loads = 0
    projector: Projector | None = None
    try:
        if index == 0:  # one projector (its own process) for the first room
            projector = Projector("live", base, code)
            await projector.wait_ready()
        gate = asyncio.Semaphore(args.ramp_concurrency)

        async def post(http: aiohttp.ClientSession, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
            label = path.strip("/")
            try:
                try:
                    resp = await http.post(f"{base}/api/live/{code}{path}", json=body)
                except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                    # The server closed an idle keep-alive connection (uvicorn: after 5 s) just as
                    # it was reused; a browser then resends the request once on a new connection.
                    result.requests["post_resent_after_stale_connection"] += 1
                    resp = await http.post(f"{base}/api/live/{code}{path}", json=body)
                async with resp:
                    data = await read_json(resp)
                    result.requests[label] += 1
                    if resp.status == 409 and label == "votes" and "votes" in str(data.get("error", "")):
                        result.refused["votes_budget_409"] += 1
                        return None
                    if resp.status // 100 != 2:
                        result.errors[f"{label}_http_{resp.status}"] += 1
                        if len(result.notes) < 5:
                            result.notes.append(f"{path} {resp.status}: {data}")
                        return None
                    return data
            except Exception as exc:  # noqa: BLE001
                result.errors[f"{label}_{type(exc).__name__}"] += 1
                return None

        async def phone_main(phone: Phone) -> None:
            nonlocal failed_loads
            async with phone_session() as http:
                page = StreamlitPage(http, base, "room", f"ws={code}&p={phone.token}")
                async with gate:
                    try:
                        result.load_times.append(await page.open())
                    except Exception as exc:  # noqa: BLE001
                        result.errors[f"page_load_{type(exc).__name__}"] += 1
                        failed_loads += 1
                        await page.close()
                        return
                cfg = page.components.get(LIVE_COMPONENT) or {}
                if cfg.get("state"):
                    phone.hold(cfg["state"], time.monotonic())
                else:
                    result.errors["page_without_state"] += 1
                min_interval = (cfg.get("min_interval") or 2000) / 1000

                async def send(path: str, body: dict[str, Any]) -> dict[str, Any] | None:
                    return await post(http, path, body)

                phone.send = send
                sent = time.monotonic()
                if await post(http, "/me", {"token": phone.token}) is not None:
                    result.me_ms.append((time.monotonic() - sent) * 1000)

                async def full_state() -> None:
                    """The element's one poll (polling.js): answered at once when the room moves, and
                    for a board change after the phone's hold (its least interval, or the server's pace)."""
                    failures, got, hold = 0, -1, 0.0
                    headers = {"X-Workshop-Token": phone.token}  # as the element: the poll counts it as connected
                    while True:
                        since = max(got, phone.state["version"] if phone.state else -1)
                        try:
                            params = {
                                "since": since,
                                "meta": phone.meta_version,
                                "hold": hold,
                                "wait": 25,
                                "client": phone.client,
                            }
                            async with http.get(f"{base}/api/live/{code}", params=params, headers=headers) as resp:
                                began = time.monotonic()
                                body = await resp.read()
                                now = time.monotonic()
                                result.requests["state_poll"] += 1
                                if resp.status != 200:
                                    result.errors[f"state_poll_http_{resp.status}"] += 1
                                    raise RuntimeError(resp.status)
                                server_now = float(resp.headers.get("X-Server-Now") or "nan")
                                encoding = resp.headers.get("Content-Encoding", "")
                                paced = float(resp.headers.get("Retry-After") or 0)
                                turned = int(resp.headers.get("X-Meta-Version") or 0)
                            phone.meta_version = max(phone.meta_version, turned)
                            state = parse_state(body, encoding)
                            failures, got = 0, state["version"]
                            hold = max(min_interval, paced)
                            if state["version"] < phone.meta_version:
                                hold = 0.0
                                continue  # older than the meta: as polling.js, wait for a newer one at once
                            if phone.state is None or state["version"] != phone.state["version"]:
                                for key in (state["step"]["key"], *([END] if state.get("ended") else [])):
                                    phone.noticed.setdefault(key, began)
                                phone.hold(state, now, server_now if server_now == server_now else None)
                        except asyncio.CancelledError:
                            raise
                        except Exception as exc:  # noqa: BLE001 - counted, then retried like live.js
                            if not isinstance(exc, RuntimeError):
                                result.errors[f"state_poll_{type(exc).__name__}"] += 1
                            failures += 1
                            await asyncio.sleep(min(10.0, 0.5 * failures))

                async def heartbeat() -> None:
                    """The element's "still here" every 20 s: a meta poll with the token, which the
                    room's process counts as connected (and paces the room's polls by)."""
                    await asyncio.sleep(phone.rng.uniform(0, 20))
                    while True:
                        try:
                            params = {"since": -1, "wait": 0, "client": phone.client}
                            async with http.get(
                                f"{base}/api/live/{code}/meta", params=params, headers={"X-Workshop-Token": phone.token}
                            ) as resp:
                                await resp.read()
                                result.requests["meta_poll"] += 1
                                if resp.status != 200:
                                    result.errors[f"meta_poll_http_{resp.status}"] += 1
                        except asyncio.CancelledError:
                            raise
                        except Exception as exc:  # noqa: BLE001
                            result.errors[f"meta_poll_{type(exc).__name__}"] += 1
                        await asyncio.sleep(20)

                loops = [asyncio.create_task(full_state()), asyncio.create_task(heartbeat())]
                ready.append(phone)
                await stopping.wait()
                for task in loops:
                    task.cancel()
                await asyncio.gather(*loops, return_exceptions=True)
                if page.closed_by_server:
                    result.errors["socket_dropped"] += 1
                await page.close()

        started = time.monotonic()
        workers = [asyncio.create_task(phone_main(p)) for p in phones]
        while len(ready) + failed_loads < n:
            await asyncio.sleep(0.2)
        result.loaded, result.load_seconds = len(ready), time.monotonic() - started
        ramp[0] += 1
        if ramp[0] == args.rooms:
            loaded.set()
        await loaded.wait()
        await asyncio.sleep(2.0 + index * args.stagger)  # every loop running before step 1 opens

        async def step_end(step: str) -> None:
            got = [p.state for p in ready if p.state]
            if got:
                newest = max(got, key=lambda s: s["version"])
                result.state_bytes[step] = len(json.dumps(newest, separators=(",", ":")))

        await run_steps(
            result,
            ready,
            args,
            room,
            facilitator,
            lambda p, key: p.held.get(key),
            lambda p, key: p.noticed.get(key),
            lambda p, key: p.answered.get(key),
            on_step_end=step_end,
            server=server,
        )
        stopping.set()
        await asyncio.gather(*workers, return_exceptions=True)
        if projector is not None:
            got = projector.finish()
            result.requests.update(got["counts"])
            result.errors.update(got["errors"])
            seen = sum(1 for text in got["seen"] if "[p" in text)
            written = result.writes["bottlenecks"].get("/bottlenecks", 0)
            result.notes.append(f"the projector (room 1) saw {seen} of {written} notes")
    finally:
        facilitator.close()


# --- run 2: the rerun baseline ----------------------------------------------------------


class _Peek:
    """The page's websocket, with each incoming message shown to `peek` first."""

    def __init__(self, ws: Any, peek: Callable[[bytes], None]) -> None:
        self._ws = ws
        self._peek = peek

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)

    async def __aiter__(self) -> Any:
        async for raw in self._ws:
            if raw.type == aiohttp.WSMsgType.BINARY:
                self._peek(raw.data)
            yield raw


class RerunPage(StreamlitPage):
    """A StreamlitPage that can rerun another page by url path and says when that run ends."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.finished_at: float | None = None
        self.finished = asyncio.Event()
        self.runs: Counter = Counter()

    async def _read(self) -> None:
        self.ws = _Peek(self.ws, self._peek)
        await super()._read()

    def _peek(self, data: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.runs["script_started"] += 1
        elif kind == "script_finished":
            self.runs[STATUS.Name(msg.script_finished)] += 1
            if msg.script_finished == STATUS.Value("FINISHED_SUCCESSFULLY"):
                self.finished_at = time.monotonic()
                self.finished.set()

    async def rerun_page(self, url_path: str) -> None:
        """What the old element did on a step change: rerun the new step's page by its url path."""
        self.url_path = url_path
        self.page_hash = ""  # -> rerun_script.page_name = url_path
        self.finished_at = None
        self.finished = asyncio.Event()
        self.runs = Counter()
        await self._send_rerun()


class DirectWriter:
    """The baseline's writes: the live channel's own write functions, straight on the database."""

    def __init__(self, db_path: Path, code: str) -> None:
        from workshop.live.routes import WRITES, build_state  # the same functions the routes call

        self.writes, self.build_state = WRITES, build_state
        self.db_path, self.code = db_path, code
        self.local = threading.local()
        self.pool = ThreadPoolExecutor(max_workers=4)

    def db(self) -> Any:
        if not hasattr(self.local, "db"):
            self.local.db = store.connect(self.db_path)
        return self.local.db

    async def write(self, path: str, body: dict[str, Any]) -> Any:
        fn = self.writes[path.strip("/")]
        return await asyncio.get_running_loop().run_in_executor(self.pool, lambda: fn(self.db(), self.code, body))

    async def state(self) -> dict[str, Any] | None:
        return await asyncio.get_running_loop().run_in_executor(
            self.pool, lambda: self.build_state(self.db(), self.code)
        )

    def close(self) -> None:
        self.pool.shutdown(wait=True)


async def run_baseline(args: argparse.Namespace, workdir: Path) -> Result:
    n = args.baseline_participants
    result = Result("baseline (step change reruns the page: old page + switch_page + /room)", n)
    db_path = workdir / "baseline.db"
    room = make_room(db_path, n)
    server = Server("app.py", db_path, workdir / "baseline-server.log")
    base, code = server.base, room.code
    shared = Room2(proposers=pick_proposers(n, args.initiatives))
    phones = [Phone(i, room.tokens[i], args.seed, result, shared) for i in range(n)]
    facilitator = FacilitatorThread(db_path)
    direct = DirectWriter(db_path, code)
    sessions: list[aiohttp.ClientSession] = []
    pages: dict[int, RerunPage] = {}
    finished: dict[tuple[int, str], float] = {}
    loops: list[asyncio.Task[None]] = []
    try:
        server.wait_ready()
        gate = asyncio.Semaphore(args.ramp_concurrency)

        async def send(path: str, body: dict[str, Any]) -> dict[str, Any] | None:
            label = path.strip("/")
            try:
                answer = await direct.write(path, body)
                result.requests[f"direct_{label}"] += 1
                return {"ok": True, **(answer or {})}
            except BudgetExhausted:
                result.refused["votes_budget"] += 1
            except WorkshopError as exc:
                result.errors[f"direct_{label}_{type(exc).__name__}"] += 1
            return None

        async def open_one(phone: Phone) -> None:
            http = browser_session()
            sessions.append(http)
            page = RerunPage(http, base, "room", f"ws={code}&p={phone.token}")
            async with gate:
                try:
                    result.load_times.append(await page.open(timeout=args.baseline_load_timeout))
                except Exception as exc:  # noqa: BLE001
                    result.errors[f"page_load_{type(exc).__name__}"] += 1
                    await page.close()
                    return
            phone.send = send
            pages[phone.i] = page
            loops.append(asyncio.create_task(follow(phone, http, page)))

        async def follow(phone: Phone, http: aiohttp.ClientSession, page: RerunPage) -> None:
            """The old element: learn that the step moved, then rerun the new step's page."""
            since, step, failures = -1, None, 0
            while True:
                try:
                    async with http.get(
                        f"{base}/api/live/{code}/meta", params={"since": since, "wait": 25, "client": phone.client}
                    ) as resp:
                        body = await resp.read()
                        result.requests["meta_poll"] += 1
                        if resp.status != 200:
                            result.errors[f"meta_poll_http_{resp.status}"] += 1
                            raise RuntimeError(resp.status)
                    m = json.loads(body)
                    failures = 0
                    since = m["version"]
                    key = m["step"]["key"]
                    if step is not None and key != step and not m["ended"]:
                        await page.rerun_page(key)
                        result.requests["reruns_sent"] += 1
                        try:
                            await asyncio.wait_for(page.finished.wait(), args.baseline_load_timeout)
                            finished[(phone.i, key)] = page.finished_at or time.monotonic()
                            result.follow_runs[key].update(page.runs)
                        except TimeoutError:
                            result.follow_runs[key]["timed_out"] += 1
                    step = key
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001
                    if not isinstance(exc, RuntimeError):
                        result.errors[f"meta_poll_{type(exc).__name__}"] += 1
                    failures += 1
                    await asyncio.sleep(min(10.0, 0.5 * failures))

        ramp = time.monotonic()
        opening = [asyncio.create_task(open_one(p)) for p in phones]
        _, late = await asyncio.wait(opening, timeout=args.baseline_load_timeout * 2)
        for task in late:
            task.cancel()
        if late:
            result.errors["page_load_timeout"] += len(late)
        result.loaded, result.load_seconds = len(pages), time.monotonic() - ramp
        ready = [p for p in phones if p.i in pages]

        async def refresh_state() -> None:  # the phones' view of the board, for their writes' ids
            while True:
                state = await direct.state()
                for phone in ready:
                    phone.state = state
                await asyncio.sleep(1.0)

        refresher = asyncio.create_task(refresh_state())
        await asyncio.sleep(2.0)
        bargs = argparse.Namespace(**{**vars(args), "follow_timeout": args.baseline_load_timeout})
        with Window(server) as window:
            await run_steps(
                result,
                ready,
                bargs,
                room,
                facilitator,
                lambda p, key: finished.get((p.i, key)),
                with_end=False,
                server=server,
            )
        result.client_cores = window.client_cores
        result.notes.append(window.describe())
        result.window_s = time.monotonic() - window.t0
        # The baseline's cost is in the step changes: average CPU over them, not the write windows.
        changes = list(result.follow_cpu.values())
        result.cpu_cores = sum(changes) / len(changes) if changes else 0.0
        result.ack_ms.clear()  # written straight to the database: no acknowledgement to time
        refresher.cancel()
        dropped = sum(1 for page in pages.values() if page.closed_by_server)
        if dropped:
            result.errors["socket_dropped"] += dropped
        result.cpu_over = "the four step changes: next_step until every phone's rerun finished"
    except BaseException:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        for task in loops:
            task.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
        for page in pages.values():
            await page.close()
        for http in sessions:
            await http.close()
        direct.close()
        facilitator.close()
        server.stop()
    result.rss_mb = server.peak_rss / 2**20
    return result


# --- entry point -----------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=300, help="phones per room")
    parser.add_argument("--rooms", type=int, default=1, help="rooms at once, each with its own facilitator")
    parser.add_argument("--stagger", type=float, default=1.5, help="seconds between two rooms' step changes")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="app processes behind nginx (python -m workshop serve); above 1, one process is measured first",
    )
    parser.add_argument("--no-single", action="store_true", help="with --processes P, skip the 1-process run")
    parser.add_argument(
        "--engine",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the database of the P-process run: postgresql starts a throwaway server (tests/pgserver.py);"
        " the 1-process run beside it stays on SQLite",
    )
    parser.add_argument("--step-seconds", type=float, default=12.0, help="each step's write window")
    parser.add_argument("--notes", type=int, default=1, help="notes each phone adds in step 1")
    parser.add_argument("--votes", type=int, default=2, help="votes each phone casts in step 1")
    parser.add_argument("--initiatives", type=int, default=6, help="initiatives proposed in step 3")
    parser.add_argument(
        "--follow-timeout",
        type=float,
        default=10.0,
        help="a phone that has not followed a step change after this many seconds is an error",
    )
    parser.add_argument("--ramp-concurrency", type=int, default=8, help="pages loading at once")
    parser.add_argument("--baseline-participants", type=int, default=50)
    parser.add_argument(
        "--baseline-load-timeout",
        type=float,
        default=120.0,
        help="give up on a baseline page load or rerun after this many seconds",
    )
    parser.add_argument("--no-baseline", action="store_true", help="run the live channel only")
    parser.add_argument("--baseline-only", action="store_true", help="run the baseline only")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write both summaries here")
    return parser.parse_args(argv)


async def main(args: argparse.Namespace) -> int:
    args.pg = None
    if args.engine == "postgresql":
        from tests.pgserver import Server as PostgreSQL

        args.pg = PostgreSQL().start()
    try:
        return await measure(args)
    finally:
        if args.pg is not None:
            args.pg.destroy()


async def measure(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="room_steps-") as tmp:
        workdir = Path(tmp)
        lives: list[Result] = []
        baseline = None
        if not args.baseline_only:
            counts = [1, args.processes] if args.processes > 1 and not args.no_single else [args.processes]
            for processes in counts:
                print(f"load before the {processes}-process run: {os.getloadavg()}", flush=True)
                live = await run_live(args, workdir, processes)
                live.print()
                lives.append(live)
        if not args.no_baseline:
            baseline = await run_baseline(args, workdir)
            baseline.print()
    if args.json:
        args.json.write_text(json.dumps([r.summary() for r in (*lives, baseline) if r], indent=2, default=str))
    print()
    if baseline is not None:
        b = baseline.summary()
        print(
            f"room_steps_baseline: participants={baseline.participants} follow_p95_ms={fmt(b['follow_p95_ms'])} "
            f"follow_max_ms={fmt(b['follow_max_ms'])} cpu_cores={b['cpu_cores']:.2f} errors={b['errors']}"
        )
    for live in lives:
        s = live.summary()
        rooms = [v for v in (ms(x) for x in live.room_follow_p95) if v is not None]
        spread = f" room_follow_p95_ms={fmt(min(rooms))}-{fmt(max(rooms))}" if len(rooms) > 1 else ""
        print(
            f"room_steps: participants={args.participants} follow_p95_ms={fmt(s['follow_p95_ms'])} "
            f"follow_max_ms={fmt(s['follow_max_ms'])} ack_p95_ms={fmt(s['ack_p95_ms'])} errors={s['errors']} "
            f"cpu_cores={s['cpu_cores']:.2f} rss_mb={s['rss_mb']:.0f} rooms={live.rooms} "
            f"processes={live.processes} engine={live.engine}{spread}"
        )
    return 0


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwind, so the servers started here are stopped


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    # uvloop (the server's loop too): asyncio's own loop spent a phone's answer's time twice over,
    # and at a step change the load generator, not the server, was late.
    sys.exit(uvloop.run(main(parse_args())))
