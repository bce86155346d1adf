"""A throwaway PostgreSQL server for the tests and the bench: initdb and pg_ctl in a temporary
folder, on a free loopback port, gone when stopped. CI needs no database service set up by hand.

Run as root, the server runs as the `postgres` user (PostgreSQL refuses root). Each test gets a
database of its own, copied from a migrated template (`fresh`), which is much faster than
migrating every time.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
OWNER = "postgres"  # the user the server runs as when the tests run as root
START_TIMEOUT = 30.0


def binary(name: str) -> str | None:
    """A PostgreSQL server program: on the PATH, or where Debian installs it."""
    found = shutil.which(name)
    if found:
        return found
    return next((str(d / name) for d in BIN_DIRS if (d / name).exists()), None)


def available() -> bool:
    return binary("initdb") is not None and binary("pg_ctl") is not None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", OWNER, "--", *command] if os.geteuid() == 0 else command


@dataclass
class Server:
    """One PostgreSQL server in a temporary folder."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="workshop-pg-")))
    port: int = field(default_factory=_free_port)
    count: int = 0
    template: str = ""  # a migrated database fresh ones are copied from (set by the tests' fixture)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{OWNER}@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> Server:
        initdb, pg_ctl = binary("initdb"), binary("pg_ctl")
        if initdb is None or pg_ctl is None:
            raise RuntimeError(
                "PostgreSQL's initdb and pg_ctl are missing: install Debian's postgresql (scripts/test does)"
            )
        if os.geteuid() == 0:
            owner = pwd.getpwnam(OWNER)
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        subprocess.run(
            _as_owner([initdb, "-D", str(self.data), "-U", OWNER, "--auth=trust", "--encoding=UTF8", "--locale=C"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.pg_ctl(
            "start", "-w", "-t", str(int(START_TIMEOUT)), "-l", str(self.folder / "server.log"), "-o", self._options()
        )
        return self

    def _options(self) -> str:
        # A test server: no durability (nothing here outlives the run), many connections.
        return (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )

    def pg_ctl(self, *args: str) -> None:
        pg_ctl = binary("pg_ctl")
        assert pg_ctl is not None
        subprocess.run(_as_owner([pg_ctl, "-D", str(self.data), *args]), check=True, stdout=subprocess.DEVNULL)

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("stop", "-m", mode, "-w")

    def start_again(self) -> None:
        """Start a stopped server again, on the same folder and port."""
        self.pg_ctl("start", "-w", "-l", str(self.folder / "server.log"), "-o", self._options())

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)

    def admin(self, sql: str) -> None:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.encode())  # our own statements, built from names the tests choose

    def fresh(self, template: str | None = None) -> str:
        """The URL of a new, empty database (a copy of `template`, if given)."""
        self.count += 1
        name = f"t{os.getpid()}_{self.count}"
        self.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""))
        return self.url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
