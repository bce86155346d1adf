"""Retention of participants' names, with a fake clock: a workshop that ended long enough ago keeps
its results, owners and check-ins, and its participants become numbers; the trail says so."""

from __future__ import annotations

import pytest

from tests.helpers import NOW, as_restored
from workshop import actions
from workshop import store as storage
from workshop.backup import export
from workshop.demo import create_demo
from workshop.domain import audit, retention
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
