"""A live room under load: N participants and one projector against a real app server.

    python bench/live_room.py --participants 300 --duration 60

What it does, in one run:

1. **Live channel** (the app as shipped). Starts `streamlit run app.py` on loopback with a
   fresh database, creates a workshop with `workshop.actions` (step-1 timer running) and joins
   N participants. Each participant behaves like a phone: it loads its screen (`/room`) once
   over Streamlit's websocket (`/_stcore/stream`, protobuf `BackMsg.rerun_script` with the
   page's query string and url path, read to `script_finished`, then kept open and idle),
   then does what `views/live.js` does on step 1: `POST /me` once, a long-poll loop on
   `GET /api/live/{code}?since=V&wait=25` with the element's 2 s minimum interval, a few
   `POST .../bottlenecks` (unique text and client_id) and some `POST .../votes` (+ `/me`),
   spread over the run. The projector — in its own process, as it is its own device — loads
   the projector page and long-polls with no throttle. Latency is the time from a
   participant's POST being sent to the projector holding a state whose board has that text.

2. **Baseline**: the same board drawn by `st.fragment(run_every=1)` (`bench/poll_app.py`) on
   a second server. Every participant opens a websocket session and, like the browser,
   sends a fragment `rerun_script` every second; notes are written straight to the database
   with `workshop.actions` at the same per-participant rate; the projector is one more
   session whose fragment reruns carry the board (parsed from the `ForwardMsg` deltas).
   That server saturates long before the live one, so by default the baseline runs at most
   50 participants for at most 30 s (`--baseline-participants`, `--baseline-duration`);
   pages still not loaded after `--baseline-load-timeout` count as errors.

For both: p50 / p95 / max latency, errors (non-2xx, exceptions, dropped sockets, notes never
seen), the server's CPU in cores (psutil, the server process and its children, averaged over
the measured window) and its peak RSS. The last line is machine-readable:

    live_room: participants=N p50_ms=… p95_ms=… cpu_cores=… rss_mb=… errors=…

The load generator runs on the same machine and its own CPU is reported next to the
server's; on a 2-core box the two compete.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from workshop import actions, store  # noqa: E402

PHRASES = [
    "Deploys wait for the one shared staging environment",
    "Nobody owns the billing service after the reorg",
    "Checkout latency doubles at the monthly peak",
    "Every new market needs a code change for tax rules",
    "Hiring plan adds heads faster than onboarding can absorb",
    "Incidents pull feature teams off roadmap work every week",
    "Decisions wait for the weekly leadership meeting",
    "The monolith's test suite takes ninety minutes",
    "Partner integrations are hand-built one by one",
    "No tracing across services, so outages take hours to find",
    "Roadmap is set per team, not per customer outcome",
    "Database is one big instance with no read replicas",
]
DIMENSIONS = ("product", "platform", "organisation")
SEPARATOR = " · "  # poll_app.py draws each note as "votes · text"


# --- numbers ---------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the server under test -------------------------------------------------------------


class Server:
    """`streamlit run SCRIPT` on a free loopback port, with CPU and memory accounting."""

    def __init__(self, script: str, db_path: Path, log_path: Path, root: Path = ROOT) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "wb")
        env = {**os.environ, "WORKSHOP_DB": str(db_path), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=root,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.ps = psutil.Process(self.proc.pid)
        self.peak_rss = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.base + "/_stcore/health", timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start:\n" + self.log_tail())
            time.sleep(0.3)
        self._sampler.start()

    def _processes(self) -> list[psutil.Process]:
        try:
            return [self.ps, *self.ps.children(recursive=True)]
        except psutil.Error:
            return []

    def cpu_seconds(self) -> float:
        total = 0.0
        for proc in self._processes():
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        return total

    def rss(self) -> int:
        total = 0
        for proc in self._processes():
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            self.peak_rss = max(self.peak_rss, self.rss())

    def log_tail(self, chars: int = 3000) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        self._stop.set()
        self.peak_rss = max(self.peak_rss, self.rss())
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


# --- a browser tab's Streamlit session -------------------------------------------------


class StreamlitPage:
    """One Streamlit websocket session, driven the way the frontend drives it.

    The first `rerun_script` carries the page's query string and its url path as
    `page_name` (the page hash is not known yet, exactly as in a freshly opened tab);
    later reruns carry the page hash the server announced in `new_session`. Cacheable
    messages are remembered and their hashes sent back with each rerun, as the browser's
    message cache does, and reference messages are resolved from that cache.
    """

    def __init__(self, http: aiohttp.ClientSession, base: str, url_path: str, query: str, on_delta: Any = None) -> None:
        self.http = http
        self.base = base
        self.url_path = url_path
        self.query = query
        self.on_delta = on_delta
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.page_hash = ""
        self.max_age = 2
        self.run_count = 0
        self.cache: dict[str, tuple[bytes, int, str]] = {}  # hash -> (bytes, run, fragment id)
        self.loaded = asyncio.Event()
        self.components: dict[str, Any] = {}  # bidi component name -> its data (JSON)
        self.auto_reruns: dict[str, float] = {}
        self.closed_by_server = False
        self._closing = False
        self.messages = 0
        self.reruns_sent = 0
        self._reader: asyncio.Task[None] | None = None
        self._timers: list[asyncio.Task[None]] = []
        self._pending_fragment: list[str] = []

    async def open(self, timeout: float = 120.0) -> float:
        """Load the page; returns seconds until the first script run finished."""
        started = time.monotonic()
        url = f"{self.base}/{self.url_path}" + (f"?{self.query}" if self.query else "")
        async with self.http.get(url) as resp:  # index.html (static bundles would be cached)
            await resp.read()
            resp.raise_for_status()
        for path in ("/_stcore/health", "/_stcore/host-config"):
            async with self.http.get(self.base + path) as resp:
                await resp.read()
        ws_url = self.base.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = await self.http.ws_connect(
            ws_url, protocols=("streamlit",), origin=self.base, autoping=True, max_msg_size=0
        )
        self._reader = asyncio.create_task(self._read())
        await self._send_rerun()
        await asyncio.wait_for(self.loaded.wait(), timeout)
        return time.monotonic() - started

    async def _send_rerun(self, fragment_id: str = "") -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        if self.page_hash:
            state.page_script_hash = self.page_hash
        else:
            state.page_name = self.url_path
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
            self._pending_fragment.append(fragment_id)
        state.cached_message_hashes.extend(self.cache)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "Europe/Berlin", -60, "en-GB"
        info.url = f"{self.base}/{self.url_path}?{self.query}"
        info.color_scheme = "light"
        assert self.ws is not None
        await self.ws.send_bytes(msg.SerializeToString())
        self.reruns_sent += 1

    async def _read(self) -> None:
        assert self.ws is not None
        async for raw in self.ws:
            if raw.type != aiohttp.WSMsgType.BINARY:
                continue
            self.messages += 1
            msg = ForwardMsg()
            msg.ParseFromString(raw.data)
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":
                cached = self.cache.get(msg.ref_hash)
                if cached is None:
                    continue
                self.cache[msg.ref_hash] = (cached[0], self.run_count, cached[2])
                msg = ForwardMsg()
                msg.ParseFromString(cached[0])
                kind = msg.WhichOneof("type")
            elif msg.metadata.cacheable and msg.hash not in self.cache:
                self.cache[msg.hash] = (raw.data, self.run_count, msg.delta.fragment_id)
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash
                self.max_age = msg.new_session.config.max_cached_message_age or 2
            elif kind == "delta":
                element = msg.delta.new_element
                if element.WhichOneof("type") == "bidi_component":
                    self.components[element.bidi_component.component_name] = json.loads(
                        element.bidi_component.json or "null"
                    )
                if self.on_delta is not None:
                    self.on_delta(msg.delta)
            elif kind == "auto_rerun":
                self._auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
            elif kind == "script_finished":
                self._expire()
                self.loaded.set()
        if not self._closing:
            self.closed_by_server = True

    def _expire(self) -> None:
        """The browser's ForwardMsgCache.incrementRunCount."""
        self.run_count += 1
        fragments = self._pending_fragment[:1]
        del self._pending_fragment[:1]
        for key, (_, run, fragment) in list(self.cache.items()):
            if fragments and (not fragment or fragment not in fragments):
                continue
            if self.run_count - run > self.max_age:
                del self.cache[key]

    def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        """Like the frontend's setInterval: ask for a fragment rerun every `interval` s."""
        if not fragment_id or self.auto_reruns.get(fragment_id) == interval:
            return
        self.auto_reruns[fragment_id] = interval

        async def tick() -> None:
            while True:
                await asyncio.sleep(interval)
                if self.ws is None or self.ws.closed:
                    return
                await self._send_rerun(fragment_id)

        self._timers.append(asyncio.create_task(tick()))

    async def close(self) -> None:
        self._closing = True
        for task in self._timers:
            task.cancel()
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()


def browser_session(auto_decompress: bool = True) -> aiohttp.ClientSession:
    """One browser: its own cookie jar and at most 6 connections to the host."""
    return aiohttp.ClientSession(
        auto_decompress=auto_decompress,
        # Idle connections are let go after 4 s, before uvicorn closes them (5 s): reusing one the
        # server is closing fails the request, which a browser would resend unseen.
        connector=aiohttp.TCPConnector(limit_per_host=6, force_close=False, keepalive_timeout=4.0),
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=60),
        headers={"User-Agent": "Mozilla/5.0 (live_room bench)", "Accept-Encoding": "gzip, deflate"},
    )


# --- setting up a room -----------------------------------------------------------------


@dataclass
class Room:
    code: str
    key: str
    tokens: list[str]


def make_room(db_path: Path, participants: int) -> Room:
    db = store.connect(db_path)
    created = actions.create_workshop(db, "Live room benchmark", "Bench Ltd", "scaleup")
    actions.start_timer(db, created.code, created.facilitator_key)
    tokens = [actions.join(db, created.code, f"P{i:03d}").token for i in range(participants)]
    db.close()
    return Room(created.code, created.facilitator_key, tokens)


@dataclass
class Plan:
    """When each participant adds notes and votes (seconds after the window opens)."""

    adds: list[list[float]]
    votes: list[list[float]]


def make_plan(participants: int, adds: int, votes: int, window: float, seed: int) -> Plan:
    rng = random.Random(seed)
    return Plan(
        adds=[sorted(rng.uniform(0, window) for _ in range(adds)) for _ in range(participants)],
        votes=[sorted(rng.uniform(window * 0.2, window) for _ in range(votes)) for _ in range(participants)],
    )


def note_text(rng: random.Random, who: int, k: int) -> str:
    return f"{rng.choice(PHRASES)} [p{who:03d}-{k}]"


# --- results ---------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    participants: int
    duration: float
    loaded: int = 0
    load_seconds: float = 0.0
    load_times: list[float] = field(default_factory=list)
    sent: dict[str, float] = field(default_factory=dict)  # text -> monotonic send time
    seen: dict[str, float] = field(default_factory=dict)  # text -> projector first-seen time
    votes: int = 0
    add_ms: list[float] = field(default_factory=list)  # how long each add took to be acknowledged
    requests: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    cpu_cores: float = 0.0
    client_cores: float = 0.0
    rss_mb: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def latencies_ms(self) -> list[float]:
        return [(self.seen[t] - s) * 1000 for t, s in self.sent.items() if t in self.seen]

    @property
    def unseen(self) -> int:
        return sum(1 for t in self.sent if t not in self.seen)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values()) + self.unseen

    def summary(self) -> dict[str, Any]:
        lat = self.latencies_ms
        return {
            "name": self.name,
            "participants": self.participants,
            "duration_s": self.duration,
            "pages_loaded": self.loaded,
            "load_s": round(self.load_seconds, 1),
            "page_load_p95_ms": round(pct(self.load_times, 95) * 1000) if self.load_times else None,
            "notes_sent": len(self.sent),
            "notes_seen": len(self.seen),
            "votes": self.votes,
            "p50_ms": _ms(pct(lat, 50)),
            "p95_ms": _ms(pct(lat, 95)),
            "max_ms": _ms(max(lat, default=float("nan"))),
            "add_p50_ms": _ms(pct(self.add_ms, 50)),
            "add_p95_ms": _ms(pct(self.add_ms, 95)),
            "errors": self.error_count,
            "error_kinds": {**self.errors, **({"never_seen": self.unseen} if self.unseen else {})},
            "requests": dict(self.requests),
            "cpu_cores": round(self.cpu_cores, 2),
            "client_cores": round(self.client_cores, 2),
            "rss_mb": round(self.rss_mb, 1),
            "notes": self.notes,
        }

    def print(self) -> None:
        s = self.summary()
        print(f"\n== {self.name}: {self.participants} participants + 1 projector, {self.duration:.0f} s window ==")
        print(
            f"pages loaded      {s['pages_loaded']}/{self.participants} in {s['load_s']} s "
            f"(p95 {s['page_load_p95_ms']} ms per page)"
        )
        print(f"notes             {s['notes_sent']} sent, {s['notes_seen']} seen on the projector; {s['votes']} votes")
        if s["p50_ms"] is None:
            print("latency           n/a: no note reached the projector")
        else:
            print(f"latency           p50 {s['p50_ms']} ms   p95 {s['p95_ms']} ms   max {s['max_ms']} ms")
        print(f"add acknowledged  p50 {s['add_p50_ms']} ms   p95 {s['add_p95_ms']} ms")
        print("requests          " + ", ".join(f"{k} {v}" for k, v in sorted(s["requests"].items())))
        print(f"errors            {s['errors']} " + (json.dumps(s["error_kinds"]) if s["errors"] else ""))
        print(f"server            {s['cpu_cores']} cores (average over the window), peak RSS {s['rss_mb']} MB")
        print(f"load generator    {s['client_cores']} cores")
        for note in self.notes:
            print(f"note              {note}")


def _ms(value: float) -> float | None:
    return None if value != value else round(value, 1)  # NaN (nothing measured) -> None


class CpuWindow:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.me = psutil.Process()

    def __enter__(self) -> CpuWindow:
        self.t0 = time.monotonic()
        self.s0 = self.server.cpu_seconds()
        self.c0 = sum(self.me.cpu_times()[:2])
        return self

    def __exit__(self, *exc: Any) -> None:
        elapsed = time.monotonic() - self.t0
        self.server_cores = (self.server.cpu_seconds() - self.s0) / elapsed
        self.client_cores = (sum(self.me.cpu_times()[:2]) - self.c0) / elapsed


# --- the projector: its own process ----------------------------------------------------


def projector_process(kind: str, base: str, code: str, ready: Any, stop: Any, out: Any) -> None:
    """Runs in a child process; sends back {text: first-seen monotonic time} and counters."""
    result = asyncio.run(_projector(kind, base, code, ready, stop))
    out.put(result)


async def _projector(kind: str, base: str, code: str, ready: Any, stop: Any) -> dict[str, Any]:
    seen: dict[str, float] = {}
    counts: Counter = Counter()
    errors: Counter = Counter()
    async with browser_session() as http:
        if kind == "live":
            page = StreamlitPage(http, base, "projector", f"ws={code}")
            await page.open()
            data = page.components.get("scaling_workshop.live") or {}
            since = (data.get("state") or {}).get("version", -1)
            ready.set()

            async def poll() -> None:
                nonlocal since
                failures = 0
                while True:
                    try:
                        async with http.get(f"{base}/api/live/{code}", params={"since": since, "wait": 25}) as resp:
                            body = await resp.read()
                            now = time.monotonic()
                            counts["projector_polls"] += 1
                            if resp.status != 200:
                                errors[f"projector_http_{resp.status}"] += 1
                                raise RuntimeError(resp.status)
                        state = json.loads(body)
                        failures = 0
                        if state["version"] != since:
                            since = state["version"]
                            for items in state["board"].values():
                                for item in items:
                                    seen.setdefault(item["text"], now)
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:  # noqa: BLE001 - counted, then retried like live.js
                        if not isinstance(exc, RuntimeError):
                            errors[f"projector_{type(exc).__name__}"] += 1
                        failures += 1
                        await asyncio.sleep(min(10.0, 0.5 * failures))

            task = asyncio.create_task(poll())
        else:

            def on_delta(delta: Any) -> None:
                element = delta.new_element
                if element.WhichOneof("type") != "text":
                    return
                now = time.monotonic()
                counts["projector_board_texts"] += 1
                for line in element.text.body.split("\n"):
                    _, sep, text = line.partition(SEPARATOR)
                    if sep:
                        seen.setdefault(text, now)

            page = StreamlitPage(http, base, "", f"ws={code}", on_delta=on_delta)
            await page.open()
            ready.set()
            task = None
        while not stop.is_set():
            await asyncio.sleep(0.1)
        if task is not None:
            task.cancel()
        if page.closed_by_server:
            errors["projector_socket_dropped"] += 1
        counts["projector_ws_messages"] += page.messages
        await page.close()
    return {"seen": seen, "counts": dict(counts), "errors": dict(errors)}


class Projector:
    def __init__(self, kind: str, base: str, code: str) -> None:
        ctx = mp.get_context("spawn")
        self.ready, self.stop_event, self.out = ctx.Event(), ctx.Event(), ctx.Queue()
        self.proc = ctx.Process(
            target=projector_process, args=(kind, base, code, self.ready, self.stop_event, self.out), daemon=True
        )
        self.proc.start()

    async def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready.is_set():
            if not self.proc.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the projector did not load its page")
            await asyncio.sleep(0.1)

    def finish(self) -> dict[str, Any]:
        self.stop_event.set()
        result = self.out.get(timeout=60)
        self.proc.join(timeout=10)
        return result


# --- run 1: the live channel ------------------------------------------------------------


async def run_live(args: argparse.Namespace, workdir: Path) -> Result:
    n = args.participants
    result = Result("live channel (long-poll /api/live)", n, args.duration)
    room = make_room(workdir / "live.db", n)
    server = Server("app.py", workdir / "live.db", workdir / "live-server.log")
    plan = make_plan(n, args.adds, args.votes, args.duration * 0.85, args.seed)
    base, code = server.base, room.code
    go = asyncio.Event()
    stopping = asyncio.Event()
    t0 = 0.0
    try:
        server.wait_ready()
        projector = Projector("live", base, code)
        await projector.wait_ready()
        gate = asyncio.Semaphore(args.ramp_concurrency)
        loaded_at: list[float] = []

        async def post(
            http: aiohttp.ClientSession, path: str, body: dict[str, Any], label: str
        ) -> dict[str, Any] | None:
            try:
                async with http.post(f"{base}/api/live/{code}{path}", json=body) as resp:
                    data = await resp.json(content_type=None)
                    result.requests[label] += 1
                    if resp.status // 100 != 2:
                        result.errors[f"{label}_http_{resp.status}"] += 1
                        return None
                    return data
            except Exception as exc:  # noqa: BLE001
                result.errors[f"{label}_{type(exc).__name__}"] += 1
                return None

        async def participant(i: int) -> None:
            token = room.tokens[i]
            prng = random.Random(args.seed * 1000 + i)
            async with browser_session() as http:
                page = StreamlitPage(http, base, "room", f"ws={code}&p={token}")
                async with gate:
                    try:
                        result.load_times.append(await page.open())
                    except Exception as exc:  # noqa: BLE001
                        result.errors[f"page_load_{type(exc).__name__}"] += 1
                        await page.close()
                        return
                loaded_at.append(time.monotonic())
                cfg = page.components.get("scaling_workshop.live") or {}
                since = (cfg.get("state") or {}).get("version", -1)
                min_interval = (cfg.get("min_interval") or 0) / 1000
                board: dict[str, list[dict[str, Any]]] = {}
                await post(http, "/me", {"token": token}, "me")

                async def poll() -> None:
                    nonlocal since, board
                    failures = 0
                    while True:
                        try:
                            async with http.get(f"{base}/api/live/{code}", params={"since": since, "wait": 25}) as resp:
                                body = await resp.read()
                                result.requests["poll"] += 1
                                if resp.status != 200:
                                    result.errors[f"poll_http_{resp.status}"] += 1
                                    raise RuntimeError(resp.status)
                            state = json.loads(body)
                            failures = 0
                            if state["version"] != since:
                                since, board = state["version"], state["board"]
                            if min_interval:
                                await asyncio.sleep(min_interval)
                        except asyncio.CancelledError:
                            raise
                        except Exception as exc:  # noqa: BLE001
                            if not isinstance(exc, RuntimeError):
                                result.errors[f"poll_{type(exc).__name__}"] += 1
                            failures += 1
                            await asyncio.sleep(min(10.0, 0.5 * failures))

                async def write() -> None:
                    await go.wait()
                    events = sorted(
                        [(t, "add", k) for k, t in enumerate(plan.adds[i])]
                        + [(t, "vote", k) for k, t in enumerate(plan.votes[i])]
                    )
                    for at, kind, k in events:
                        await asyncio.sleep(max(0.0, t0 + at - time.monotonic()))
                        if kind == "add":
                            text = note_text(prng, i, k)
                            client_id = secrets.token_hex(8)
                            result.sent[text] = sent = time.monotonic()
                            if (
                                await post(
                                    http,
                                    "/bottlenecks",
                                    {
                                        "token": token,
                                        "dimension": prng.choice(DIMENSIONS),
                                        "text": text,
                                        "client_id": client_id,
                                    },
                                    "add",
                                )
                                is None
                            ):
                                result.sent.pop(text, None)
                            else:
                                result.add_ms.append((time.monotonic() - sent) * 1000)
                        else:
                            ids = [item["id"] for items in board.values() for item in items]
                            if not ids:
                                continue
                            if await post(http, "/votes", {"token": token, "bottleneck_id": prng.choice(ids)}, "vote"):
                                result.votes += 1
                            await post(http, "/me", {"token": token}, "me")

                tasks = [asyncio.create_task(poll()), asyncio.create_task(write())]
                await stopping.wait()
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                if page.closed_by_server:
                    result.errors["socket_dropped"] += 1
                await page.close()

        ramp_start = time.monotonic()
        workers = [asyncio.create_task(participant(i)) for i in range(n)]
        while len(loaded_at) + sum(v for k, v in result.errors.items() if k.startswith("page_load")) < n:
            await asyncio.sleep(0.2)
        result.loaded = len(loaded_at)
        result.load_seconds = time.monotonic() - ramp_start
        await asyncio.sleep(2.0)  # every poll loop running before the window opens

        with CpuWindow(server) as window:
            t0 = time.monotonic()
            go.set()
            await asyncio.sleep(args.duration)
        result.cpu_cores, result.client_cores = window.server_cores, window.client_cores
        await asyncio.sleep(args.grace)
        stopping.set()
        await asyncio.gather(*workers, return_exceptions=True)
        got = projector.finish()
        result.seen = {t: s for t, s in got["seen"].items() if t in result.sent}
        result.requests.update(got["counts"])
        result.errors.update(got["errors"])
    except BaseException:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        server.stop()
    result.rss_mb = server.peak_rss / 2**20
    return result


# --- run 2: the fragment-polling baseline -------------------------------------------------


async def run_baseline(args: argparse.Namespace, workdir: Path) -> Result:
    n = args.baseline_participants
    duration = args.baseline_duration
    result = Result("baseline (st.fragment(run_every=1) polling)", n, duration)
    db_path = workdir / "poll.db"
    room = make_room(db_path, n)
    server = Server(str(Path("bench") / "poll_app.py"), db_path, workdir / "poll-server.log")
    plan = make_plan(n, args.adds, args.votes, duration * 0.85, args.seed)
    local = threading.local()
    pool = ThreadPoolExecutor(max_workers=4)
    t0 = 0.0
    sessions: list[aiohttp.ClientSession] = []
    pages: list[StreamlitPage] = []

    def db() -> Any:
        if not hasattr(local, "db"):
            local.db = store.connect(db_path)
        return local.db

    def add(i: int, k: int, text: str, dimension: str) -> None:
        result.sent[text] = sent = time.monotonic()
        try:
            actions.add_bottleneck(db(), room.code, room.tokens[i], dimension, text, client_id=secrets.token_hex(8))
            result.add_ms.append((time.monotonic() - sent) * 1000)
            result.requests["add"] += 1
        except Exception as exc:  # noqa: BLE001
            result.sent.pop(text, None)
            result.errors[f"add_{type(exc).__name__}"] += 1

    def vote(i: int, rng: random.Random) -> None:
        try:
            conn = db()
            workshop = store.workshop_by_code(conn, room.code)
            ids = [r["id"] for r in store.bottlenecks(conn, workshop["id"])]
            if ids:
                actions.vote(conn, room.code, room.tokens[i], rng.choice(ids))
                result.votes += 1
                result.requests["vote"] += 1
        except Exception as exc:  # noqa: BLE001
            result.errors[f"vote_{type(exc).__name__}"] += 1

    try:
        server.wait_ready()
        projector = Projector("poll", server.base, room.code)
        await projector.wait_ready()
        gate = asyncio.Semaphore(args.ramp_concurrency)

        async def open_one(i: int) -> None:
            http = browser_session()
            sessions.append(http)
            page = StreamlitPage(http, server.base, "", f"ws={room.code}&p={room.tokens[i]}")
            async with gate:
                try:
                    result.load_times.append(await page.open(timeout=args.baseline_load_timeout))
                    pages.append(page)
                except asyncio.CancelledError:
                    await page.close()
                    raise
                except Exception as exc:  # noqa: BLE001
                    result.errors[f"page_load_{type(exc).__name__}"] += 1
                    await page.close()

        ramp_start = time.monotonic()
        opening = [asyncio.create_task(open_one(i)) for i in range(n)]
        _, late = await asyncio.wait(opening, timeout=args.baseline_load_timeout)
        for task in late:  # the server is saturated: stop waiting for the rest
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        if late:
            result.errors["page_load_timeout"] += len(late)
        result.loaded = len(pages)
        result.load_seconds = time.monotonic() - ramp_start
        if result.loaded < n:
            result.notes.append(f"only {result.loaded} of {n} pages finished loading; the rest count as errors")

        async def writer(i: int) -> None:
            loop = asyncio.get_running_loop()
            rng = random.Random(args.seed * 1000 + i)
            events = sorted(
                [(t, "add", k) for k, t in enumerate(plan.adds[i])]
                + [(t, "vote", k) for k, t in enumerate(plan.votes[i])]
            )
            for at, kind, k in events:
                await asyncio.sleep(max(0.0, t0 + at - time.monotonic()))
                if kind == "add":
                    await loop.run_in_executor(pool, add, i, k, note_text(rng, i, k), rng.choice(DIMENSIONS))
                else:
                    await loop.run_in_executor(pool, vote, i, rng)

        with CpuWindow(server) as window:
            t0 = time.monotonic()
            writers = [asyncio.create_task(writer(i)) for i in range(n)]
            await asyncio.sleep(duration)
        result.cpu_cores, result.client_cores = window.server_cores, window.client_cores
        await asyncio.sleep(args.grace)
        for task in writers:
            task.cancel()
        got = projector.finish()
        result.seen = {t: s for t, s in got["seen"].items() if t in result.sent}
        result.requests.update(got["counts"])
        result.errors.update(got["errors"])
        result.requests["participant_reruns_sent"] = sum(p.reruns_sent for p in pages)
        result.requests["participant_runs_finished"] = sum(p.run_count for p in pages)
        dropped = sum(1 for p in pages if p.closed_by_server)
        if dropped:
            result.errors["socket_dropped"] += dropped
    except BaseException:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        for page in pages:
            await page.close()
        for http in sessions:
            await http.close()
        pool.shutdown(wait=False, cancel_futures=True)
        server.stop()
    result.rss_mb = server.peak_rss / 2**20
    return result


# --- entry point -----------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--duration", type=float, default=60.0, help="measured window, seconds")
    parser.add_argument("--adds", type=int, default=3, help="notes each participant adds")
    parser.add_argument("--votes", type=int, default=2, help="votes each participant casts")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds to wait for the last notes")
    parser.add_argument("--ramp-concurrency", type=int, default=8, help="pages loading at once")
    parser.add_argument(
        "--baseline-participants",
        type=int,
        default=None,
        help="default: min(--participants, 50); beyond that the baseline server is long saturated",
    )
    parser.add_argument("--baseline-duration", type=float, default=None, help="default: min(--duration, 30)")
    parser.add_argument(
        "--baseline-load-timeout",
        type=float,
        default=60.0,
        help="stop waiting for baseline pages to load after this many seconds",
    )
    parser.add_argument("--no-baseline", action="store_true", help="run the live channel only")
    parser.add_argument("--baseline-only", action="store_true", help="run the baseline only")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write both summaries here")
    args = parser.parse_args(argv)
    if args.baseline_participants is None:
        args.baseline_participants = min(args.participants, 50)
    if args.baseline_duration is None:
        args.baseline_duration = min(args.duration, 30.0)
    return args


async def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="live_room-") as tmp:
        workdir = Path(tmp)
        summaries = []
        if not args.baseline_only:
            live = await run_live(args, workdir)
            live.print()
            summaries.append(live.summary())
        if not args.no_baseline:
            baseline = await run_baseline(args, workdir)
            baseline.print()
            summaries.append(baseline.summary())
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=2, default=str))
    if args.baseline_only:
        return 0
    s = summaries[0]
    p50, p95 = (f"{v:.0f}" if v is not None else "nan" for v in (s["p50_ms"], s["p95_ms"]))
    print(
        f"live_room: participants={args.participants} p50_ms={p50} p95_ms={p95} "
        f"cpu_cores={s['cpu_cores']:.2f} rss_mb={s['rss_mb']:.0f} errors={s['errors']}"
    )
    return 0


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwind, so the servers started here are stopped


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(asyncio.run(main(parse_args())))
