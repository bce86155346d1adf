"""`python -m workshop serve --processes N`: N app processes on one database behind nginx.

One Python process answers on one core; a bigger box serves more by raising N. Each process is
the whole app (`streamlit run app.py` on a loopback port of its own) and they share the database:
a SQLite file, whose writes queue on the box's writer lock (`workshop/store/db.py`), or a
PostgreSQL server (`WORKSHOP_DB=postgresql://…`), which other boxes may share as well. nginx, from the
configuration rendered from `deploy/nginx.conf.template`, keeps each browser's pages and
websocket on one process and each workshop's live channel on one process (hashed on its code,
see docs/architecture.md#several-processes). This command stays in the foreground: it restarts
a process that dies, and Ctrl-C (or SIGTERM) stops them all.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from workshop.live.fairuse import Limits

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
TEMP_DIRS = ("client-body", "proxy", "fastcgi", "uwsgi", "scgi")
UNPRIVILEGED = "nobody"  # nginx's workers drop to this user when started as root
START_TIMEOUT = 90.0


def free_port(address: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (the app process binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


def render(template: str, listen: str, ports: list[int], run_dir: Path, polls_per_address: int) -> str:
    """The nginx configuration: the template with every {{name}} filled in."""
    # max_fails=0: a dead process is never marked down, so one reset in a burst cannot take every
    # process out of the rotation ("no live upstreams"); a request to a dead one fails to connect
    # at once and goes on to the next.
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in ports)
    user = ""
    if os.geteuid() == 0:
        group = grp.getgrgid(pwd.getpwnam(UNPRIVILEGED).pw_gid).gr_name
        user = f"user {UNPRIVILEGED} {group};"
    values = {
        "user": user,
        "run_dir": str(run_dir),
        "servers": servers,
        "listen": listen,
        "polls_per_address": str(polls_per_address),
    }
    for name, value in values.items():
        template = template.replace("{{" + name + "}}", value)
    if "{{" in template:
        raise ValueError("the nginx template names a value serve does not fill in")
    return template


def app_command(port: int) -> list[str]:
    """One app process: the same command as a single server, on its own loopback port."""
    return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]  # fmt: skip


def healthy(port: int) -> bool:
    """Whether the app process on `port` answers its health check (it reaches its database)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


@dataclass
class Box:
    """The app processes and nginx of one `serve`, and how to start, watch and stop them."""

    database: str  # a SQLite file's path or a postgresql:// URL, as WORKSHOP_DB takes it
    processes: int
    listen: str
    run_dir: Path
    nginx: str
    ports: list[int] = field(default_factory=list)
    apps: list[subprocess.Popen[bytes]] = field(default_factory=list)
    proxy: subprocess.Popen[bytes] | None = None
    stopping: bool = False

    def start(self) -> None:
        self.ports = [free_port() for _ in range(self.processes)]
        self._write_config()
        self.apps = [self._spawn(i) for i in range(self.processes)]
        deadline = time.monotonic() + START_TIMEOUT
        for i, port in enumerate(self.ports):
            while not healthy(port):
                if self.apps[i].poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"app process {i + 1} on port {port} did not start")
                time.sleep(0.2)
        self.proxy = subprocess.Popen([self.nginx, "-p", str(self.run_dir), "-c", str(self.run_dir / "nginx.conf"),
                                       "-g", "daemon off;"])  # fmt: skip
        time.sleep(0.3)
        if self.proxy.poll() is not None:
            raise RuntimeError(f"nginx did not start; see {self.run_dir / 'nginx-error.log'}")

    def _spawn(self, i: int) -> subprocess.Popen[bytes]:
        env = {**os.environ, "WORKSHOP_DB": self.database}
        proc = subprocess.Popen(app_command(self.ports[i]), cwd=ROOT, env=env)
        print(f"app process {i + 1}: pid {proc.pid} on 127.0.0.1:{self.ports[i]}", flush=True)
        return proc

    def _write_config(self) -> None:
        for name in TEMP_DIRS:
            (self.run_dir / name).mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                user = pwd.getpwnam(UNPRIVILEGED)
                os.chown(self.run_dir / name, user.pw_uid, user.pw_gid)
        limit = Limits.from_env().polls_per_address
        text = render(TEMPLATE.read_text(encoding="utf-8"), self.listen, self.ports, self.run_dir, limit)
        (self.run_dir / "nginx.conf").write_text(text, encoding="utf-8")

    def watch(self) -> int:
        """Restart app processes that die; return when nginx stops or a stop is asked for."""
        while not self.stopping:
            assert self.proxy is not None
            if self.proxy.poll() is not None:
                print("nginx stopped", file=sys.stderr, flush=True)
                return 1
            for i, proc in enumerate(self.apps):
                if proc.poll() is not None and not self.stopping:
                    print(f"app process {i + 1} exited ({proc.returncode}); starting it again", flush=True)
                    self.apps[i] = self._spawn(i)
            time.sleep(0.5)
        return 0

    def stop(self) -> None:
        self.stopping = True
        running = [p for p in [self.proxy, *self.apps] if p is not None and p.poll() is None]
        for proc in running:
            proc.terminate()
        for proc in running:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def find_nginx() -> str:
    """nginx's binary: on the PATH, or where Debian installs it (/usr/sbin is not on every PATH)."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if found is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
    return found


def serve(database: str, processes: int, address: str, port: int, run_dir: Path | None = None) -> int:
    """Start the box, print where it listens, and keep it running until stopped."""
    with tempfile.TemporaryDirectory(prefix="workshop-serve-") as temp:
        os.chmod(temp, 0o755)  # nginx's workers (an unprivileged user) reach their temp folders
        try:
            box = Box(database, processes, f"{address}:{port}", run_dir or Path(temp), find_nginx())
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr, flush=True)
            return 2

        def stop(signum: int, frame: FrameType | None) -> None:
            box.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            box.start()
            print(f"serving on http://{address}:{port} ({processes} app processes behind nginx)", flush=True)
            return box.watch()
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr, flush=True)
            return 2
        finally:
            box.stop()
