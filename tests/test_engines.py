"""Both engines: what `WORKSHOP_DB` may name, the copy between them, and the checks that must
hold when many writers race (the vote budget, a step move, a merge), each run on SQLite and on
PostgreSQL (see `BOTH_ENGINES` in tests/conftest.py)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers import NOW, on_step, version
from tests.test_cli import run
from workshop import actions
from workshop import store as storage
from workshop.backup.export import export_json
from workshop.demo import create_demo
from workshop.domain.errors import BudgetExhausted, InvalidInput, WorkshopError

RACERS = 8


@pytest.mark.parametrize("url", ["mysql://u@h/db", "http://example.org/x", "sqlite:///x.db", "PostgreSQLx://h/db"])
def test_a_url_naming_another_engine_is_refused_in_one_line(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InvalidInput, match="engine this app does not support") as refused:
        storage.connect(url)
    assert "\n" not in str(refused.value)
    monkeypatch.setenv("WORKSHOP_DB", url)
    with pytest.raises(InvalidInput):
        storage.connect()


def test_the_command_line_refuses_another_engine_in_one_line() -> None:
    done = run("--db", "mysql://u@localhost/x", "list")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "does not support" in done.stderr


def test_an_unreadable_postgresql_url_is_refused_and_an_unreachable_server_says_try_again() -> None:
    with pytest.raises(InvalidInput, match="not a PostgreSQL URL"):
        storage.connect("postgresql://[unclosed")
    done = run("--db", "postgresql://nobody:secret-pw@127.0.0.1:1/none", "list")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Try again" in done.stderr
    assert "secret-pw" not in done.stderr


@pytest.mark.parametrize("url", ["postgresql://u@h/db", "postgres://u@h/db", "POSTGRESQL://h/db"])
def test_postgresql_urls_select_postgresql_and_anything_else_is_a_file(url: str) -> None:
    assert storage.kind_of(url) == "postgresql"
    assert storage.kind_of("sessions.db") == storage.kind_of("/tmp/postgresql/x.db") == "sqlite"


def _export(db: storage.Database, code: str) -> str:
    return export_json(db, code, now=NOW)


def test_sqlite_to_postgresql_to_sqlite_is_identical(tmp_path, pg_server) -> None:
    """The sample copied there and back exports byte for byte the same, keys and links still open."""
    first = storage.connect(tmp_path / "first.db")
    sample = create_demo(first, now=NOW)
    link = actions.issue_leader_link(first, sample.code, sample.facilitator_key)
    before = _export(first, sample.code)
    middle_url = pg_server.fresh(pg_server.template)
    done = run("--db", str(tmp_path / "first.db"), "copy", "--to", middle_url)
    assert done.returncode == 0, done.stderr
    assert "Copied 1 workshops" in done.stdout and "postgres@" not in done.stdout  # no user name or secret
    middle = storage.connect(middle_url)
    assert _export(middle, sample.code) == before
    last = storage.connect(tmp_path / "last.db")
    storage.copy_database(middle, last)
    assert _export(last, sample.code).encode() == before.encode()
    for db in (middle, last):  # the keys and links handed out before the move still open it
        assert actions.is_facilitator(db, sample.code, sample.facilitator_key)
        assert actions.is_leader(db, sample.code, link)
        after = actions.create_workshop(db, "After the move", "Acme", "scaleup", now=NOW)  # new rows, new ids
        person = actions.join(db, after.code, "New here", now=NOW)
        actions.add_bottleneck(db, after.code, person.token, "platform", "After the move", now=NOW)
    assert json.loads(before)["workshop"]["code"] == sample.code


def test_a_copy_into_a_database_that_holds_workshops_is_refused(database, tmp_path) -> None:
    source = storage.connect(tmp_path / "source.db")
    create_demo(source, now=NOW)
    target = storage.connect(database)
    actions.create_workshop(target, "Here already", "Org", "scaleup", now=NOW)
    with pytest.raises(InvalidInput, match="already holds workshops"):
        storage.copy_database(source, target)
    assert len(storage.list_workshops(target)) == 1


def _race(database: str, attempt: Callable[[storage.Database, int], Any]) -> tuple[list[Any], list[BaseException]]:
    """`RACERS` threads, each on its own connection, run `attempt` at the same moment."""
    barrier = threading.Barrier(RACERS)
    results: list[Any] = []
    errors: list[BaseException] = []

    def racer(n: int) -> None:
        db = storage.connect(database)
        try:
            barrier.wait()
            results.append(attempt(db, n))
        except BaseException as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_the_vote_budget_holds_when_one_person_votes_from_many_screens_at_once(db, database) -> None:
    created = actions.create_workshop(db, "Race", "Org", "scaleup", vote_budget=3, now=NOW)
    person = actions.join(db, created.code, "Ann", now=NOW)
    note = actions.add_bottleneck(db, created.code, person.token, "platform", "Slow builds", now=NOW)
    results, errors = _race(database, lambda d, n: actions.vote(d, created.code, person.token, note, now=NOW + n))
    assert len(results) == 3 and len(errors) == RACERS - 3
    assert all(isinstance(e, BudgetExhausted) for e in errors)
    assert actions.votes_left(db, created.code, person.token) == 0


def test_one_next_moves_the_room_one_step_however_many_consoles_press_it(db, database) -> None:
    created = actions.create_workshop(db, "Race", "Org", "scaleup", now=NOW)
    before = version(db, created.code)
    results, errors = _race(
        database, lambda d, n: actions.next_step(d, created.code, created.facilitator_key, from_step="bottlenecks")
    )
    assert len(results) == 1 and all(isinstance(e, WorkshopError) for e in errors) and len(errors) == RACERS - 1
    assert on_step(db, created.code) == "impact" and version(db, created.code) == before + 1


def test_two_notes_merged_into_each_other_at_once_end_as_one(db, database) -> None:
    created = actions.create_workshop(db, "Race", "Org", "scaleup", now=NOW)
    person = actions.join(db, created.code, "Ann", now=NOW)
    a = actions.add_bottleneck(db, created.code, person.token, "platform", "Slow builds", now=NOW)
    b = actions.add_bottleneck(db, created.code, person.token, "platform", "Builds are slow", now=NOW)
    pairs = [(a, b), (b, a)]
    results, errors = _race(
        database,
        lambda d, n: actions.merge_bottlenecks(d, created.code, created.facilitator_key, *pairs[n % 2]),
    )
    assert len(results) == 1 and all(isinstance(e, WorkshopError) for e in errors)
    rows = {r["id"]: r for r in storage.bottlenecks(db, storage.workshop_by_code(db, created.code)["id"])}
    assert sum(rows[i]["merged_into"] is None for i in (a, b)) == 1


def test_a_postgresql_restart_refuses_writes_with_try_again_and_the_app_recovers(monkeypatch) -> None:
    """While the server is down a write is a 503 with one "try again" line (never a 500) and the
    health check says 503; once it is back the same app process writes again, unrestarted."""
    from tests.pgserver import Server
    from tests.test_live import live_channel

    server = Server().start()
    try:
        with live_channel(server.fresh(), monkeypatch) as (client, db, room, _):

            def note(n: int) -> Any:
                body = {"token": room.ann, "dimension": "platform", "text": f"note {n}", "client_id": f"c{n}"}
                return client.post(f"/api/live/{room.code}/bottlenecks", json=body)

            assert note(1).status_code == 200 and client.get("/api/health").status_code == 200
            server.stop()
            down = [note(2), note(3)]
            assert [r.status_code for r in down] == [503, 503]
            assert all("Try again" in r.json()["error"] and "\n" not in r.json()["error"] for r in down)
            assert client.get("/api/health").status_code == 503
            server.start_again()
            assert note(4).status_code == 200 and client.get("/api/health").status_code == 200
            fresh = storage.connect(server.url(db.name.rsplit("/", 1)[1]))
            texts = [b["text"] for b in storage.bottlenecks(fresh, room.wid)]
            fresh.close()
            assert "note 1" in texts and "note 4" in texts and "note 2" not in texts
    finally:
        server.destroy()


def test_the_audit_trail_is_append_only_until_its_workshop_is_gone(db, workshop) -> None:
    assert db.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 1  # the creation
    for statement in ("UPDATE audit SET via = 'someone else'", "DELETE FROM audit"):
        with pytest.raises(storage.INTEGRITY_ERRORS, match="append-only"):
            db.execute(statement)
    assert db.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 1
    db.execute("DELETE FROM workshops")  # erasing a whole workshop: its row first, then its trail
    db.execute("DELETE FROM audit")
    assert db.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 0
