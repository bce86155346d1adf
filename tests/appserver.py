"""Start the real app (`streamlit run app.py`) on a free loopback port for browser tests."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


APP_LINE = re.compile(r"app process \d+: pid (\d+) on 127\.0\.0\.1:(\d+)")

# Each running server's output file, by process id (see `server_log`).
_LOGS: dict[int, IO[bytes]] = {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def app_process(
    db_path: Path | str, port: int | None = None, timeout: float = 60.0, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Start `streamlit run app.py` on `db_path` and yield (process, base URL) once it is healthy.

    The server's output goes to a temporary file (a pipe nobody reads could fill and stall it)
    and is shown if the app does not start. The process is stopped afterwards, unless a test
    already killed it.
    """
    port = port or free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]  # fmt: skip
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "WORKSHOP_DB": str(db_path), **(env or {})},
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    _LOGS[proc.pid] = log
    try:
        _wait_until_healthy(proc, base, log, timeout)
        yield proc, base
    finally:
        _LOGS.pop(proc.pid, None)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()


def server_log(proc: subprocess.Popen[bytes]) -> str:
    """Everything the server of `app_process` has printed so far."""
    log = _LOGS[proc.pid]
    log.flush()
    log.seek(0)
    return log.read().decode(errors="replace")


def _wait_until_healthy(proc: subprocess.Popen[bytes], base: str, log: IO[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            raise RuntimeError(f"app did not start:\n{log.read().decode(errors='replace')[-3000:]}")
        time.sleep(0.2)


@contextmanager
def running_app(db_path: Path, port: int | None = None, timeout: float = 60.0) -> Iterator[str]:
    """Yield the base URL of a fresh app server using `db_path`; stop it afterwards."""
    with app_process(db_path, port, timeout) as (_, base):
        yield base


@dataclass
class Box:
    """A running `python -m workshop serve`: nginx's base URL and each app process's pid and URL."""

    proc: subprocess.Popen[bytes]
    base: str
    apps: list[tuple[int, str]]  # (pid, base URL) of each app process, in order
    output: list[str]


@contextmanager
def serving_box(
    db_path: Path | str, processes: int = 2, env: dict[str, str] | None = None, timeout: float = 90.0
) -> Iterator[Box]:
    """`python -m workshop serve --processes N` on free ports, its own DB; stopped afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "workshop", "--db", str(db_path), "serve", "--processes", str(processes),
               "--port", str(port), "--address", "127.0.0.1"]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    output: list[str] = []
    ready = threading.Event()

    def read() -> None:  # drain the pipe (the app processes write to it too)
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip()
            output.append(line)
            if line.startswith("serving on "):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(timeout):
            raise RuntimeError("serve did not start:\n" + "\n".join(output[-40:]))
        apps = [(int(m[1]), f"http://127.0.0.1:{m[2]}") for m in map(APP_LINE.match, output) if m]
        yield Box(proc, f"http://127.0.0.1:{port}", apps[:processes], output)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait(timeout=10)
