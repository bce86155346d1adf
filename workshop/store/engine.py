"""The two engines behind one connection type, and every difference between their dialects.

`WORKSHOP_DB` names the database: a `postgresql://` (or `postgres://`) URL opens PostgreSQL
through psycopg 3; anything else is the path of a SQLite file, opened with sqlite-utils as
always; a URL naming any other engine is refused. The store writes its SQL once, in SQLite's
spelling with `?` and `:name` placeholders, and it is portable SQL apart from what this module
translates for PostgreSQL: placeholders, the schema's column types (`REAL` is a double, text
sorts byte by byte as in SQLite, ids are identity columns), the audit trail's triggers, the lock
migrations take, and a lost connection (a refusal that says "try again"). Outside this module only
the writer lock of `db.py`, which is a SQLite file's, asks which engine it talks to.
"""

from __future__ import annotations

import re
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

import psycopg
from psycopg.rows import dict_row
from sqlite_utils import Database as SqliteUtils
from sqlite_utils.utils import dedupe_keys

from workshop.domain.errors import InvalidInput, Unavailable
from workshop.domain.language import N_

Row = dict[str, Any]
T = TypeVar("T")
Params = Sequence[Any] | dict[str, Any]
POSTGRES_SCHEMES = ("postgresql", "postgres")
BUSY_TIMEOUT_MS = 15_000
CONNECT_TIMEOUT_S = 5
# What a write says while PostgreSQL cannot be reached: nothing was stored, and trying again works.
UNAVAILABLE = N_("The database is not answering right now; nothing was saved. Try again in a moment.")

# Integrity errors as each engine raises them (a constraint, or the audit trail's triggers).
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, psycopg.IntegrityError)


class Cursor(Protocol):
    """What the store reads from a statement on either engine."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Fetched:
    """A statement's rows, read in full (so its transaction could end)."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount
        self._next = 0

    def fetchone(self) -> Any:
        if self._next >= len(self.rows):
            return None
        self._next += 1
        return self.rows[self._next - 1]

    def fetchall(self) -> list[Any]:
        rest, self._next = self.rows[self._next :], len(self.rows)
        return rest

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class Database(ABC):
    """One connection, on either engine; opened per thread, Streamlit run or request."""

    engine: str
    name: str  # the file path, or the URL without its password: never shown with a secret
    migrations_table: str  # where the applied migrations are recorded
    address: str  # what opens this database again: the file's absolute path, or the whole URL

    @abstractmethod
    def execute(self, sql: str, params: Params = ()) -> Cursor: ...

    @abstractmethod
    def executemany(self, sql: str, rows: Sequence[Params]) -> None: ...

    @abstractmethod
    def query(self, sql: str, params: Params = ()) -> Iterator[Row]: ...

    @abstractmethod
    def atomic(self) -> AbstractContextManager[None]:
        """One transaction (a savepoint when nested): all of it lands, or none of it."""

    bumped: Row | None = None  # the workshop row the open change's version bump returned (`db.changing`)
    _job = False  # a job of a batch runs in a savepoint of its own, not yet claimed by its change

    @contextmanager
    def job(self) -> Iterator[None]:
        """Inside a savepoint opened for one job of a batch (`store.group.together`): the job's
        change takes that savepoint as its own instead of opening another (two statements fewer
        per write, each a turn at the GIL in a burst). Jobs are actions, which never catch their
        change's refusal: it reaches the job's savepoint, which undoes the change whole."""
        self._job = True
        try:
            yield
        finally:
            self._job = False

    def claims_job(self) -> bool:
        """True once, for the first change inside `job()`: it needs no savepoint of its own."""
        claimed, self._job = self._job, False
        return claimed

    @abstractmethod
    def migrating(self) -> AbstractContextManager[None]:
        """One transaction that holds the engine's lock for migrating from its first statement."""

    @abstractmethod
    def columns(self, table: str) -> list[str]: ...

    @abstractmethod
    def table_names(self) -> list[str]: ...

    @abstractmethod
    def ddl(self, statement: str) -> str:
        """A schema statement written for SQLite, in this engine's spelling."""

    @abstractmethod
    def audit_triggers(self) -> tuple[str, ...]:
        """The statements that make the audit trail append-only on this engine."""

    @abstractmethod
    def redaction_triggers(self) -> tuple[str, ...]:
        """The statements that let an erasure, and only an erasure, change an entry's words."""

    @abstractmethod
    def follow_ids(self, table: str) -> None:
        """After rows were written with their ids given: new rows get ids after the highest."""

    @abstractmethod
    def close(self) -> None: ...

    @property
    def broken(self) -> bool:
        """True once the connection is lost (a server restart): open a new one."""
        return False


def kind_of(target: str | Path) -> str:
    """`postgresql` for a PostgreSQL URL, `sqlite` for a file path; other engines are refused."""
    text = str(target)
    scheme, sep, _ = text.partition("://")
    if not sep:
        return "sqlite"
    if scheme.lower() in POSTGRES_SCHEMES:
        return "postgresql"
    raise InvalidInput(
        N_(
            "WORKSHOP_DB names an engine this app does not support ({scheme}://): "
            "give a postgresql:// URL or the path of a SQLite file."
        ),
        scheme=scheme[:20],
    )


def open_database(target: str | Path) -> Database:
    """A connection to the database `target` names (see `kind_of`)."""
    if kind_of(target) == "postgresql":
        return Postgres(str(target))
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    return Sqlite(path)


# --- SQLite ------------------------------------------------------------------------------


class Sqlite(Database):
    """A SQLite file through sqlite-utils: WAL, a busy timeout, foreign keys on."""

    engine = "sqlite"
    migrations_table = "_sqlite_migrations"

    def __init__(self, path: Path) -> None:
        self.name = str(path)
        self.address = str(path.resolve())
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        self.sqlite = SqliteUtils(conn, execute_plugins=False)
        self.conn = conn
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")  # erased rows are overwritten with zeros, not left in free pages
        self._depth = 0  # savepoints open inside the transaction

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        if self.conn.in_transaction or " RETURNING " not in sql:
            return self.sqlite.execute(sql, params)  # a write outside `atomic` commits at once
        with self.atomic():  # a write that returns rows too, read before it commits
            cursor = self.sqlite.execute(sql, params)
            return Fetched(cursor.fetchall(), cursor.rowcount)

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        with self.atomic():
            self.conn.executemany(sql, rows)

    def query(self, sql: str, params: Params = ()) -> Iterator[Row]:
        """The rows of a SELECT as dicts. Through sqlite-utils' `execute`, not its `query`: that one
        wraps every statement in a savepoint of its own (three statements for one read), and the
        store only ever queries for rows. Under a room's burst of writes, reads are most of what
        the writer does."""
        cursor = self.sqlite.execute(sql, params)
        if cursor.description is None:
            raise ValueError(f"not a query: {sql[:60]}")
        keys = [d[0] for d in cursor.description]
        if len(set(keys)) < len(keys):
            keys = list(dedupe_keys(keys))  # as sqlite-utils names repeated columns
        return (dict(zip(keys, row)) for row in cursor)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """sqlite-utils' transaction outside one; inside, a savepoint named by its depth. (sqlite-utils
        names each savepoint anew from the system's random source: a fresh statement to prepare, and
        a system call, for every write of a batch.)"""
        conn = self.conn
        if not conn.in_transaction:
            with self.sqlite.atomic():
                yield
            return
        self._depth += 1
        point = f"atomic_{self._depth}"
        try:
            conn.execute(f"SAVEPOINT {point}")
            try:
                yield
            except BaseException:
                if conn.in_transaction:  # a RAISE(ROLLBACK) may have ended the whole transaction
                    conn.execute(f"ROLLBACK TO SAVEPOINT {point}")
                    conn.execute(f"RELEASE SAVEPOINT {point}")
                raise
            conn.execute(f"RELEASE SAVEPOINT {point}")
        finally:
            self._depth -= 1

    @contextmanager
    def migrating(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.commit()

    def columns(self, table: str) -> list[str]:
        return list(self.sqlite[table].columns_dict)

    def table_names(self) -> list[str]:
        return self.sqlite.table_names()

    def ddl(self, statement: str) -> str:
        return statement

    def audit_triggers(self) -> tuple[str, ...]:
        return (
            "CREATE TRIGGER audit_never_updated BEFORE UPDATE ON audit "
            f"BEGIN SELECT RAISE(ABORT, '{NEVER_CHANGED}'); END",
            "CREATE TRIGGER audit_never_deleted BEFORE DELETE ON audit "
            "WHEN EXISTS (SELECT 1 FROM workshops WHERE id = OLD.workshop_id) "
            f"BEGIN SELECT RAISE(ABORT, '{NEVER_DELETED}'); END",
        )

    def redaction_triggers(self) -> tuple[str, ...]:
        return (
            "DROP TRIGGER audit_never_updated",
            f"CREATE TRIGGER audit_never_updated BEFORE UPDATE ON audit WHEN NOT ({_REDACTING}) "
            f"BEGIN SELECT RAISE(ABORT, '{NEVER_CHANGED}'); END",
        )

    def follow_ids(self, table: str) -> None:
        pass  # a rowid table always gives a new row the id after the highest

    def close(self) -> None:
        self.sqlite.close()


NEVER_CHANGED = "the audit trail is append-only: an entry is never changed"
NEVER_DELETED = "the audit trail is append-only: an entry is never deleted"
# The one exception to "never changed" (see `store/audit.py`'s `redact`): while an erasure holds a
# marker for its workshop in `audit_redacting` (inside the erasure's own transaction), an entry's
# words may change: its subject, device or link and values. Its moment, role, action and step never.
_REDACTING = (
    "EXISTS (SELECT 1 FROM audit_redacting WHERE workshop_id = OLD.workshop_id) "
    "AND NEW.id = OLD.id AND NEW.workshop_id = OLD.workshop_id AND NEW.at = OLD.at "
    "AND NEW.role = OLD.role AND NEW.action = OLD.action AND NEW.step = OLD.step"
)


# --- PostgreSQL --------------------------------------------------------------------------

# Placeholders and percent signs outside quoted text and names: `?` and `:name` become psycopg's
# `%s` and `%(name)s`, and a literal `%` is doubled.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|(?<!:):([A-Za-z_]\w*)|%")


@lru_cache(maxsize=1024)
def postgres_sql(sql: str) -> str:
    """A statement written with SQLite's placeholders, as psycopg takes it (with parameters:
    without any, psycopg sends the text as it is)."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if match.group(1):
            return f"%({match.group(1)})s"
        return token

    return _TOKENS.sub(swap, sql)


# The schema's SQLite types in PostgreSQL: REAL is SQLite's 8-byte float (PostgreSQL's REAL has
# 4), text compares byte by byte as SQLite's does (so every ORDER BY sorts alike on both), and
# a rowid primary key becomes an identity column.
_DDL_TYPES = (
    (re.compile(r"\bINTEGER PRIMARY KEY\b(?!\s*\()"), "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bTEXT\b"), 'TEXT COLLATE "C"'),
)


def _reads(sql: str) -> bool:
    """Whether a statement only reads, so running it twice is harmless."""
    return sql.lstrip()[:6].upper() == "SELECT"


MIGRATION_LOCK = 0x5757_0001  # the advisory lock the processes starting together take turns on


class Postgres(Database):
    """A PostgreSQL database through psycopg 3, in autocommit outside `atomic()`.

    A lost connection (the server restarting) raises `Unavailable`, a refusal that says "try
    again"; a read, or the start of a transaction, on a connection found lost opens a new one
    first, so the app recovers as soon as the server is back, without a restart.
    """

    engine = "postgresql"
    migrations_table = "schema_migrations"

    def __init__(self, url: str) -> None:
        self.url = self.address = url
        try:
            info = psycopg.conninfo.conninfo_to_dict(url)
        except psycopg.ProgrammingError:
            raise InvalidInput(N_("WORKSHOP_DB is not a PostgreSQL URL this app can read.")) from None
        self.name = f"postgresql://{info.get('host', '')}:{info.get('port', '')}/{info.get('dbname', '')}"
        self.conn = self._open()
        self._depth = 0
        self._columns: dict[str, list[str]] = {}

    def _open(self) -> psycopg.Connection[Any]:
        """A new connection, in autocommit: `atomic` opens each transaction itself."""
        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.OperationalError as exc:
            raise Unavailable(UNAVAILABLE) from exc  # the cause (for the server's log) names no password

    @property
    def broken(self) -> bool:
        return bool(self.conn.broken)

    def _call(self, work: Callable[[], T], again: bool) -> T:
        """Run `work` on the connection. When `again` (it only reads, or opens a transaction) and
        no transaction is open, a connection lost while it sat idle (a server restart) is opened
        anew and `work` tried once more; otherwise a lost connection raises `Unavailable`."""
        if again and self._depth == 0 and (self.conn.broken or self.conn.closed):
            self.conn = self._open()
        try:
            return work()
        except (psycopg.OperationalError, psycopg.InterfaceError):
            if not (again and self._depth == 0 and self.conn.broken):
                raise Unavailable(UNAVAILABLE) from None
        self.conn = self._open()
        try:
            return work()
        except (psycopg.OperationalError, psycopg.InterfaceError):
            raise Unavailable(UNAVAILABLE) from None

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        text = postgres_sql(sql) if params else sql
        return self._call(lambda: self.conn.execute(text, params or None), _reads(sql))

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        def run() -> None:
            with self.conn.cursor() as cursor:
                cursor.executemany(postgres_sql(sql), rows)  # rows always carry parameters

        self._call(run, False)

    def query(self, sql: str, params: Params = ()) -> Iterator[Row]:
        text = postgres_sql(sql) if params else sql

        def run() -> list[Row]:
            with self.conn.cursor(row_factory=dict_row) as cursor:
                return cursor.execute(text, params or None).fetchall()

        return iter(self._call(run, _reads(sql)))

    @contextmanager
    def atomic(self) -> Iterator[None]:
        outer = self._depth == 0
        point = f"atomic_{self._depth}"
        self._call(lambda: self.conn.execute("BEGIN" if outer else f"SAVEPOINT {point}"), outer)
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            self._undo(outer, point)
            raise
        self._depth -= 1
        if self.conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
            self._undo(outer, point)
            raise Unavailable(UNAVAILABLE)  # a statement failed inside and was swallowed: nothing lands
        self._call(lambda: self.conn.execute("COMMIT" if outer else f"RELEASE SAVEPOINT {point}"), False)

    def _undo(self, outer: bool, point: str) -> None:
        """Roll back the transaction (or the savepoint); on a lost connection it is gone already."""
        if self.conn.broken:
            return
        try:
            if outer:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {point}")
                self.conn.execute(f"RELEASE SAVEPOINT {point}")
        except psycopg.Error:
            pass

    @contextmanager
    def migrating(self) -> Iterator[None]:
        with self.atomic():
            self.execute("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK])
            yield

    def columns(self, table: str) -> list[str]:
        if table in self._columns:
            return self._columns[table]
        rows = self.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
        self._columns[table] = [str(r[0]) for r in rows]
        return self._columns[table]

    def table_names(self) -> list[str]:
        rows = self.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
        return [str(r[0]) for r in rows]

    def ddl(self, statement: str) -> str:
        for pattern, spelling in _DDL_TYPES:
            statement = pattern.sub(spelling, statement)
        return statement

    def audit_triggers(self) -> tuple[str, ...]:
        refuse = "RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE ="
        return (
            "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'UPDATE' THEN {refuse} '{NEVER_CHANGED}'; END IF; "
            "IF EXISTS (SELECT 1 FROM workshops WHERE id = OLD.workshop_id) THEN "
            f"{refuse} '{NEVER_DELETED}'; END IF; RETURN OLD; END $$",
            "CREATE TRIGGER audit_never_changed BEFORE UPDATE OR DELETE ON audit "
            "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
        )

    def redaction_triggers(self) -> tuple[str, ...]:
        refuse = "RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE ="
        return (
            "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'UPDATE' THEN IF {_REDACTING} THEN RETURN NEW; END IF; "
            f"{refuse} '{NEVER_CHANGED}'; END IF; "
            "IF EXISTS (SELECT 1 FROM workshops WHERE id = OLD.workshop_id) THEN "
            f"{refuse} '{NEVER_DELETED}'; END IF; RETURN OLD; END $$",
        )

    def follow_ids(self, table: str) -> None:
        if "id" in self.columns(table):
            self.execute(
                f"SELECT setval(pg_get_serial_sequence(?, 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \"{table}\"",
                [table],
            )

    def close(self) -> None:
        self.conn.close()
