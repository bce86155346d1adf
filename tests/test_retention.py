"""Retention of participants' names, with a fake clock: a workshop that ended long enough ago keeps
its results, owners and check-ins, and its participants become numbers; the trail says so."""

from __future__ import annotations

import threading
import time

import pytest

from tests.helpers import NOW, as_restored
from workshop import actions
from workshop import store as storage
from workshop.backup import export
from workshop.demo import create_demo
from workshop.domain import audit, erasure, retention
from workshop.domain.errors import InvalidInput
from workshop.store.load import load

DAY = retention.DAY


@pytest.fixture
def ended(db) -> actions.Created:
    """The sample, held at NOW and ended 93 minutes later."""
    return create_demo(db, now=NOW)


def _ended_at(db, code: str) -> float:
    return float(load(db, code).workshop["ended_at"])


def _people(db, code: str) -> list[str]:
    return [p["name"] for p in load(db, code).participants if not p["is_facilitator"]]


def test_names_stay_until_the_day_and_go_on_it(db, ended):
    code = ended.code
    names, end = _people(db, code), _ended_at(db, code)
    before = load(db, code)
    assert actions.anonymise_due(db, days=30, now=end + 30 * DAY - 1) == []
    assert _people(db, code) == names
    assert actions.anonymise_due(db, days=30, now=end + 30 * DAY) == [code]
    after = load(db, code)
    assert _people(db, code) == [f"Participant {n}" for n in range(1, len(names) + 1)]
    assert after.workshop["anonymous"] == 1
    assert [i.owner for i in after.initiatives] == [i.owner for i in before.initiatives]
    assert after.checkins == before.checkins and after.tally == before.tally
    entry = after.loaded_trail.entries[-1]
    assert (entry.action, entry.role, entry.via) == ("anonymise_names", audit.SYSTEM, "retention policy")
    assert dict(entry.before) == {"named": len(names), "anonymous": False}
    assert not any(name in repr(after.loaded_trail) for name in names)


def test_a_second_sweep_changes_nothing(db, ended):
    end = _ended_at(db, ended.code)
    actions.anonymise_due(db, days=0, now=end)
    version, trail = load(db, ended.code).version, load(db, ended.code).loaded_trail
    assert actions.anonymise_due(db, days=0, now=end + 400 * DAY) == []
    assert (load(db, ended.code).version, load(db, ended.code).loaded_trail) == (version, trail)


def test_a_running_workshop_keeps_its_names(db, workshop):
    actions.join(db, workshop.code, "Ann", now=NOW)
    assert actions.anonymise_due(db, days=0, now=NOW + 1000 * DAY) == []
    assert _people(db, workshop.code) == ["Ann"]


def test_without_the_setting_nothing_goes(db, ended, monkeypatch):
    monkeypatch.delenv(actions.RETAIN_NAMES_ENV, raising=False)
    assert actions.retain_names_days() is None
    assert actions.anonymise_due(db, now=NOW + 1000 * DAY) == []
    monkeypatch.setenv(actions.RETAIN_NAMES_ENV, "30")
    assert actions.retain_names_days() == 30
    assert actions.anonymise_due(db, now=NOW + 31 * DAY) == [ended.code]


@pytest.mark.parametrize("value", ["thirty", "-1", "1.5", "99999999"])
def test_a_bad_setting_is_refused_in_one_line(monkeypatch, value):
    monkeypatch.setenv(actions.RETAIN_NAMES_ENV, value)
    with pytest.raises(InvalidInput, match=actions.RETAIN_NAMES_ENV):
        actions.retain_names_days()


def test_an_anonymised_workshop_still_round_trips(db, ended, tmp_path):
    actions.anonymise_due(db, days=0, now=_ended_at(db, ended.code))
    document = export.to_document(load(db, ended.code), now=NOW)
    target = storage.connect(tmp_path / "copy.db")
    code, _ = export.import_document(target, export.dumps(document))
    assert as_restored(export.to_document(load(target, code), now=NOW)) == as_restored(document)
    target.close()


def test_the_server_sweeps_on_its_own_and_outlives_a_bad_setting(tmp_path, monkeypatch):
    path = tmp_path / "server.db"
    db = storage.connect(path)
    made = create_demo(db)
    monkeypatch.setenv(actions.RETAIN_NAMES_ENV, "not a number")
    stop = threading.Event()
    thread = actions.keep_sweeping(lambda: storage.connect(path), every=0.05, stop=stop)
    time.sleep(0.2)
    assert thread.is_alive() and not _people(db, made.code)[0].startswith("Participant")
    # The sample's end is moved far into the past, so a setting of 0 days makes it due.
    with storage.change(db, load(db, made.code).id, audit.Draft(audit.KEY, "arranged_by_a_test", NOW)):
        storage.update_workshop(db, load(db, made.code).id, ended_at=NOW)
    monkeypatch.setenv(actions.RETAIN_NAMES_ENV, "0")
    deadline = time.monotonic() + 10
    while not _people(db, made.code)[0].startswith("Participant") and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    assert _people(db, made.code)[0] == "Participant 1"
    db.close()


def test_the_portfolio_says_when_names_go(monkeypatch):
    monkeypatch.delenv(actions.RETAIN_NAMES_ENV, raising=False)
    assert actions.names_note(NOW) == "kept"
    monkeypatch.setenv(actions.RETAIN_NAMES_ENV, "30")
    assert actions.names_note(None) == "30 days after it ends"
    assert actions.names_note(NOW) == "2025-07-15 15:06 UTC"
    monkeypatch.setenv(actions.RETAIN_NAMES_ENV, "oops")
    assert actions.names_note(NOW) == "kept"


# --- the second setting: whole workshops deleted after a longer time ---------------------------------


def test_a_workshop_stays_until_its_day_and_is_deleted_on_it_leaving_the_servers_record(db, ended, workshop):
    end = _ended_at(db, ended.code)
    assert actions.delete_due(db, days=90, now=end + 90 * DAY - 1) == []
    assert storage.workshop_by_code(db, ended.code) is not None
    assert actions.delete_due(db, days=90, now=end + 90 * DAY) == [ended.code]
    assert storage.workshop_by_code(db, ended.code) is None
    assert storage.workshop_by_code(db, workshop.code) is not None  # still running: never deleted
    assert (
        db.execute("SELECT COUNT(*) FROM audit WHERE workshop_id NOT IN (SELECT id FROM workshops)").fetchone()[0] == 0
    )
    [record] = actions.deletions(db, actions.issue_portfolio_key(db))
    assert (record.code, record.ended_at, record.deleted_at) == (ended.code, end, end + 90 * DAY)
    assert (record.reason, record.deleted_by) == (erasure.BY_POLICY, "retention policy")
    assert actions.delete_due(db, days=90, now=end + 900 * DAY) == []  # nothing left to delete


def test_both_settings_on_a_fake_clock_numbers_first_and_deletes_later(db, ended, monkeypatch):
    monkeypatch.setenv(actions.RETAIN_NAMES_ENV, "30")
    monkeypatch.setenv(actions.DELETE_AFTER_ENV, "90")
    end = _ended_at(db, ended.code)
    assert actions.sweep(db, now=end + 29 * DAY) == ([], [])
    assert actions.sweep(db, now=end + 30 * DAY) == ([ended.code], [])
    assert _people(db, ended.code)[0] == "Participant 1"
    assert actions.sweep(db, now=end + 89 * DAY) == ([], [])
    assert actions.sweep(db, now=end + 90 * DAY) == ([], [ended.code])
    assert storage.workshop_by_code(db, ended.code) is None


def test_a_deletion_shorter_than_the_names_setting_is_refused_in_one_line_and_changes_nothing(db, ended, monkeypatch):
    monkeypatch.setenv(actions.RETAIN_NAMES_ENV, "30")
    monkeypatch.setenv(actions.DELETE_AFTER_ENV, "7")
    with pytest.raises(InvalidInput, match="must be at least") as refused:
        actions.sweep(db, now=NOW + 1000 * DAY)
    assert "\n" not in str(refused.value)
    assert storage.workshop_by_code(db, ended.code) is not None and _people(db, ended.code)[0] != "Participant 1"
    monkeypatch.delenv(actions.RETAIN_NAMES_ENV)
    assert actions.delete_after_days() == 7  # alone, any whole number of days is fine
    monkeypatch.setenv(actions.DELETE_AFTER_ENV, "a year")
    with pytest.raises(InvalidInput, match=actions.DELETE_AFTER_ENV):
        actions.delete_after_days()


def test_the_server_deletes_on_its_own(tmp_path, monkeypatch):
    path = tmp_path / "server.db"
    db = storage.connect(path)
    made = create_demo(db, now=NOW)
    monkeypatch.delenv(actions.RETAIN_NAMES_ENV, raising=False)
    monkeypatch.setenv(actions.DELETE_AFTER_ENV, "1")  # the sample ended in 2025: long enough ago
    stop = threading.Event()
    thread = actions.keep_sweeping(lambda: storage.connect(path), every=0.05, stop=stop)
    deadline = time.monotonic() + 10
    while storage.workshop_by_code(db, made.code) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(5)
    assert storage.workshop_by_code(db, made.code) is None
    db.close()


def test_the_portfolio_says_when_a_workshop_is_deleted(monkeypatch):
    monkeypatch.delenv(actions.RETAIN_NAMES_ENV, raising=False)
    monkeypatch.delenv(actions.DELETE_AFTER_ENV, raising=False)
    assert actions.deletion_note(NOW) == "kept"
    monkeypatch.setenv(actions.DELETE_AFTER_ENV, "90")
    assert actions.deletion_note(None) == "90 days after it ends"
    assert actions.deletion_note(NOW) == "2025-09-13 15:06 UTC"
    monkeypatch.setenv(actions.RETAIN_NAMES_ENV, "120")  # a bad pair: nothing is deleted, so it says kept
    assert actions.deletion_note(NOW) == "kept"
