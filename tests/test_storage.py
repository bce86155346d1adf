"""Schema, migrations, connections and the version-bumping change transaction."""

from __future__ import annotations

import threading
import time

import pytest

from tests.helpers import NOW, arranged, dump, reach, version, workshop_count
from workshop import actions
from workshop import store as storage
from workshop.domain.timer import Timer
from workshop.store.engine import Sqlite

# The whole schema, exactly: a new table fails here first, as a reminder to export and import it.
TABLES = {
    "audit",
    "write_counts",
    "workshops",
    "timers",
    "participants",
    "bottlenecks",
    "votes",
    "impacts",
    "initiatives",
    "initiative_links",
    "dependencies",
    "scores",
    "decisions",
    "owners",
    "answers",
    "picks",
    "volunteers",
    "checkins",
    "settings",
    "owner_links",
    "reviews",
    "readiness_answers",
    "dismissed_pairs",
    "deletions",  # the server's record of deleted workshops: no workshop's, so in no export
    "audit_redacting",  # an erasure's marker, set and cleared inside its own transaction
    "_sqlite_migrations",
}


def test_connect_creates_schema_and_pragmas(tmp_path):
    path = tmp_path / "nested" / "dir" / "w.db"
    db = storage.connect(path)
    try:
        assert path.exists()
        assert set(db.table_names()) == TABLES
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA secure_delete").fetchone()[0] == 1  # erased rows leave no copy in free pages
        assert not storage.migrations.pending(db)
    finally:
        db.close()


def test_reconnecting_keeps_data_and_does_not_migrate_again(tmp_path):
    db = storage.connect(tmp_path / "w.db")
    created = actions.create_workshop(db, "T", "O", "startup", now=NOW)
    db.close()
    again = storage.connect(tmp_path / "w.db")
    try:
        assert storage.code_exists(again, created.code)
        assert workshop_count(again) == 1
        applied = again.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0]
        assert applied == len(storage.migrations.names)
    finally:
        again.close()


def test_a_database_from_before_checkins_is_upgraded_in_place(tmp_path):
    """A file created by the first schema keeps its workshops and gains leader links and check-ins."""
    path = tmp_path / "old.db"
    old = Sqlite(path)
    storage.migrations.apply(old, stop_before="0002_leader_links_and_checkins")
    assert "checkins" not in old.table_names()
    old.close()
    db = storage.connect(path)
    try:
        created = actions.create_workshop(db, "T", "O", "startup", now=NOW)
        assert "checkins" in db.table_names()
        assert "leader_hash" in db.columns("workshops")
        assert any(i.name == "votes_bottleneck" for i in db.sqlite["votes"].indexes)
        assert storage.workshop_by_code(db, created.code)["leader_hash"] is None
    finally:
        db.close()


def test_a_database_from_before_the_readiness_check_is_upgraded_in_place(tmp_path):
    """Workshops created before the check keep everything, with the check closed and unanswered."""
    path = tmp_path / "old.db"
    old = Sqlite(path)
    storage.migrations.apply(old, stop_before="0006_readiness_check")
    old.execute(
        "INSERT INTO workshops (code, title, organisation, stage, key_hash, created_at, current_step) "
        "VALUES ('OLD234', 'T', 'O', 'startup', 'x', 1, 'bottlenecks')"
    )
    old.conn.commit()
    old.close()
    db = storage.connect(path)
    try:
        row = storage.workshop_by_code(db, "OLD234")
        assert row["readiness_open"] == 0 and storage.readiness_answers(db, row["id"]) == []
    finally:
        db.close()


def test_db_path_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKSHOP_DB", str(tmp_path / "env.db"))
    assert storage.db_path() == str(tmp_path / "env.db")
    monkeypatch.delenv("WORKSHOP_DB")
    assert storage.db_path() == str(storage.DEFAULT_DB)


def test_insert_workshop_writes_timers_in_step_order(db, workshop):
    row = storage.workshop_by_code(db, workshop.code)
    timers = storage.timers(db, row["id"])
    assert [t.step_key for t in timers] == ["bottlenecks", "impact", "prioritise", "decide", "owners"]
    assert all(t.state == "pending" and t.remaining == t.minutes * 60 for t in timers)
    assert row["version"] == 1


def test_change_bumps_version_once(db, workshop):
    row = storage.workshop_by_code(db, workshop.code)
    before = version(db, workshop.code)
    with storage.change(db, row["id"], arranged()):
        storage.update_workshop(db, row["id"], locked=1)
    assert version(db, workshop.code) == before + 1
    assert storage.workshop_by_code(db, workshop.code)["locked"] == 1


def test_change_rolls_back_everything_on_error(db, workshop):
    row = storage.workshop_by_code(db, workshop.code)
    before = version(db, workshop.code)
    with pytest.raises(RuntimeError):
        with storage.change(db, row["id"], arranged()):
            storage.update_workshop(db, row["id"], title="changed")
            raise RuntimeError("boom")
    assert version(db, workshop.code) == before
    assert storage.workshop_by_code(db, workshop.code)["title"] == "Scaling plan 2025"


def test_a_second_writer_of_the_process_waits_its_turn_instead_of_failing(db, workshop, database, engine):
    """The other writer's connection gives SQLite no time to wait: it only succeeds because
    `change` queues it behind the first write rather than sending it into the busy handler. On
    PostgreSQL it waits on the workshop's row, which the first change's version bump locked."""
    row = storage.workshop_by_code(db, workshop.code)
    before = version(db, workshop.code)
    impatient = storage.connect(database)
    if engine == "sqlite":
        impatient.execute("PRAGMA busy_timeout = 0")
    holding, errors = threading.Event(), []

    def second() -> None:
        holding.wait()
        try:
            with storage.change(impatient, row["id"], arranged()):
                storage.update_workshop(impatient, row["id"], title="second")
        except Exception as exc:  # a busy database would land here
            errors.append(exc)

    other = threading.Thread(target=second)
    other.start()
    with storage.change(db, row["id"], arranged()):
        storage.update_workshop(db, row["id"], title="first")
        holding.set()
        time.sleep(0.2)  # the other write arrives while this one holds the lock
    other.join(5)
    impatient.close()
    assert errors == [] and version(db, workshop.code) == before + 2
    assert storage.workshop_by_code(db, workshop.code)["title"] == "second"


@pytest.mark.parametrize("update", [storage.update_workshop, storage.update_bottleneck, storage.update_initiative])
@pytest.mark.parametrize("column", ["locked = 1, title", "title = 'x' WHERE 1 = 1; --", "no_such_column", 'title"'])
def test_a_generic_update_refuses_a_column_its_table_does_not_have(db, demo, update, column):
    before = dump(db)
    with pytest.raises(ValueError, match="unknown or no columns"):
        update(db, 1, **{column: "x"})
    assert dump(db) == before


def test_a_generic_update_sets_only_the_named_columns(db, demo):
    row = storage.bottlenecks(db, storage.workshop_by_code(db, demo.code)["id"])[0]
    storage.update_bottleneck(db, row["id"], text="Renamed", hidden=1)
    after = storage.bottleneck(db, row["workshop_id"], row["id"])
    assert (after["text"], after["hidden"], after["dimension"]) == ("Renamed", 1, row["dimension"])
    with pytest.raises(ValueError):
        storage.update_initiative(db, 1)


def test_save_timer_round_trips(db, workshop):
    workshop_id = storage.workshop_by_code(db, workshop.code)["id"]
    t = Timer("impact", 25, "running", deadline=NOW + 60, remaining=60.0, spent=30.0, run_started=NOW)
    storage.save_timer(db, workshop_id, t)
    assert [x for x in storage.timers(db, workshop_id) if x.step_key == "impact"] == [t]


def test_an_unknown_code_has_no_version_and_no_row(db):
    assert storage.versions_of(db, ["NOPE42"]) == {}
    assert storage.workshop_by_code(db, "NOPE42") is None


def test_list_workshops_counts_people_and_initiatives(db):
    first = actions.create_workshop(db, "First", "Org", "startup", now=NOW)
    second = actions.create_workshop(db, "Second", "Org", "remote", now=NOW + 10)
    tokens = [actions.join(db, second.code, name, now=NOW + 20).token for name in ("A", "B")]
    bottleneck = actions.add_bottleneck(db, second.code, tokens[0], "platform", "Slow builds", now=NOW + 30)
    reach(db, second.code, second.facilitator_key)
    actions.add_initiative(db, second.code, tokens[1], "Faster CI", [bottleneck], now=NOW + 40)
    rows = storage.list_workshops(db)
    assert [r["code"] for r in rows] == [second.code, first.code]  # newest first
    assert (rows[0]["participant_count"], rows[0]["initiative_count"]) == (2, 1)
    assert (rows[1]["participant_count"], rows[1]["initiative_count"]) == (0, 0)


def test_client_id_is_unique_per_participant(db, workshop):
    workshop_id = storage.workshop_by_code(db, workshop.code)["id"]
    person = actions.join(db, workshop.code, "Ann", now=NOW)
    storage.insert_bottleneck(db, workshop_id, person.participant_id, "product", "x", NOW, client_id="c1")
    with pytest.raises(storage.INTEGRITY_ERRORS, match="(?i)unique"):
        storage.insert_bottleneck(db, workshop_id, person.participant_id, "product", "y", NOW, client_id="c1")


def test_foreign_keys_are_enforced(db, workshop):
    workshop_id = storage.workshop_by_code(db, workshop.code)["id"]
    with pytest.raises(storage.INTEGRITY_ERRORS, match="(?i)foreign key"):
        storage.insert_vote(db, workshop_id, 987654, 987654, NOW)


# --- the box's writer lock -------------------------------------------------------------


def _box_lock_free(path: str) -> bool:
    """Whether another process could take the writer lock of the database at `path` right now."""
    import fcntl
    import os

    fd = os.open(path + storage.db.LOCK_SUFFIX, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops a lock taken here
    return True


def test_a_change_holds_the_box_writer_lock_until_the_outermost_change_ends(tmp_path):
    """Processes sharing one database file queue on a lock beside it, not in SQLite's busy handler
    (whose sleeps of up to 100 ms left the file idle in a burst); nested changes keep it."""
    path = str(tmp_path / "box.db")
    db = storage.connect(path)
    workshop = actions.create_workshop(db, "Scaling plan 2025", "Acme Ltd", "scaleup", now=NOW)
    wid = storage.workshop_by_code(db, workshop.code)["id"]
    assert _box_lock_free(path)
    with storage.change(db, wid, arranged()):
        assert not _box_lock_free(path)
        with storage.change(db, wid, arranged()):
            pass
        assert not _box_lock_free(path)  # the inner change did not let it go
    assert _box_lock_free(path)
    db.close()


def test_own_rows_reads_every_kind_a_participant_writes_in_one_statement(db, workshop):
    """A participant's own rows, read as one union on either engine: each kind keeps its types
    (counts and scores whole numbers, a readiness number a float or None), and only theirs."""
    code, key = workshop.code, workshop.facilitator_key
    ann, bo = (actions.join(db, code, name, now=NOW).token for name in ("Ann", "Bo"))
    kept = actions.add_bottleneck(db, code, ann, "platform", "Deploys take a day", now=NOW)
    noise = actions.add_bottleneck(db, code, bo, "product", "Lunch", now=NOW)
    for note in (kept, kept, noise):
        actions.vote(db, code, ann, note)
    actions.hide_bottleneck(db, code, key, noise)
    actions.open_readiness(db, code, key, True)
    answers = [{"key": "demand", "rating": 1, "number": 12.5}, {"key": "talent_careers", "rating": 2}]
    actions.answer_readiness(db, code, ann, answers, now=NOW)
    reach(db, code, key)
    impact = actions.add_impact(db, code, ann, kept, "revenue", "worse", 2, "Slow releases", now=NOW)
    item = actions.add_initiative(db, code, ann, "Trunk-based delivery", [kept], now=NOW)
    actions.score_initiative(db, code, ann, item, {"value": 7, "effort": 4, "urgency": 6, "confidence": 60}, now=NOW)
    actions.score_initiative(db, code, bo, item, {"value": 1, "effort": 1, "urgency": 1, "confidence": 10}, now=NOW)
    actions.pick_choice(db, code, ann, item, "buy", "A vendor has it", now=NOW)
    actions.volunteer(db, code, ann, item, True, now=NOW)
    wid = storage.workshop_by_code(db, code)["id"]
    ann_id = actions.identify(db, code, ann)["id"]

    own = storage.own_rows(db, wid, ann_id, notes=True)

    assert own.votes == {kept: 2} and own.refunded == 1 and own.votes_used == 2
    assert own.scores == {item: {"value": 7, "effort": 4, "urgency": 6, "confidence": 60}}
    assert own.picks == {item: {"choice": "buy", "reason": "A vendor has it"}} and own.volunteered == [item]
    assert own.readiness == {"demand": {"rating": 1, "number": 12.5}, "talent_careers": {"rating": 2, "number": None}}
    assert own.impacts == [impact]
    assert own.notes == [{"id": kept, "dimension": "platform", "text": "Deploys take a day"}]
    assert all(type(v) is int for v in (*own.votes.values(), *own.scores[item].values(), own.refunded))
    assert storage.own_rows(db, wid, ann_id, notes=False).notes == []
