"""The sample workshop: complete enough to show every page, and a valid export of itself."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers import NOW, as_restored
from workshop import store as storage
from workshop.backup import export
from workshop.demo import (
    BOTTLENECKS,
    CHECKINS,
    DECISIONS,
    IMPACTS,
    OWNERS,
    PEOPLE,
    PICKS,
    PLAN,
    READINESS_SIGNALS,
    READINESS_STATEMENTS,
    VOLUNTEERS,
    create_demo,
)
from workshop.domain import checklist
from workshop.domain import snapshot as state
from workshop.domain.readiness import QUESTION_KEYS
from workshop.domain.vocabulary import DIMENSION_KEYS, ORGANISATION, PLATFORM, PRODUCT, STEPS
from workshop.store.load import load

HELD_DAYS_AGO = 70
TODAY = date.fromtimestamp(NOW)


@pytest.fixture
def sample(db) -> state.Snapshot:
    """The sample as the start page opens it: held ten weeks ago, with the check-ins since."""
    return load(db, create_demo(db, now=NOW, followup_days=HELD_DAYS_AGO).code)


def test_every_step_was_run_and_the_workshop_ended(sample):
    assert [t.step_key for t in sample.timers] == [s.key for s in STEPS]
    assert all(t.state == "done" for t in sample.timers)
    assert sample.ended and sample.current_step == STEPS[-1]
    assert len(sample.participants) == len(PEOPLE) + 1  # and the facilitator's own device


def test_everyone_answered_the_readiness_check_before_the_clock_started(sample):
    assert sorted([*READINESS_SIGNALS, *READINESS_STATEMENTS]) == sorted(QUESTION_KEYS)
    results = sample.readiness
    assert results.respondents == len(PEOPLE) and not sample.readiness_open
    assert [a.key for a in results.areas if a.key in results.as_dict()["weakest"]] == ["ecosystem", "standards"]
    assert results.as_dict()["dimension_order"] == [PLATFORM, ORGANISATION, PRODUCT]
    assert results.question("ecosystem_local").divided, "one statement divides the room"
    assert results.as_dict()["pitfalls"] == [], "the sample is past product-market fit"
    first_note = min(b["created_at"] for b in sample.bottlenecks)
    assert all(r["updated_at"] < first_note for r in sample.readiness_rows)


def test_step_1_has_notes_in_every_dimension_votes_a_merge_and_hidden_noise(sample):
    assert {b["dimension"] for b in sample.live_bottlenecks} == set(DIMENSION_KEYS)
    assert len(sample.live_bottlenecks) >= len(BOTTLENECKS)
    assert any(b["merged_into"] is not None for b in sample.bottlenecks)
    assert sample.hidden_bottlenecks
    assert sample.votes and sample.live_bottlenecks[0]["votes"] > 0


def test_step_2_links_bottlenecks_to_outcomes(sample):
    assert len(sample.impacts) == len(IMPACTS)
    assert any(i["money"] is not None for i in sample.impacts)
    assert any(i["money"] is None for i in sample.impacts)


def test_step_3_has_scored_sequenced_initiatives_with_a_dependency(sample):
    assert len(sample.initiatives) == len(PLAN)
    assert all(i.aggregate is not None and i.aggregate.scorers > 1 for i in sample.initiatives)
    assert [i.position for i in sample.plan] == list(range(1, len(PLAN) + 1))
    assert any(i.after_ids for i in sample.initiatives)


def test_steps_4_and_5_have_picks_decisions_volunteers_and_owners(sample):
    assert sum(len(i.picks) for i in sample.initiatives) == len(PICKS)
    assert len(sample.decided) == len(DECISIONS)
    assert sum(len(i.volunteer_ids) for i in sample.initiatives) == len(VOLUNTEERS)
    assert all(i.owner is not None for i in sample.decided)
    assert len(sample.tracks) == len(OWNERS)


def test_the_owners_checked_in_since_and_one_is_overdue(sample):
    assert len(sample.checkins) == len(CHECKINS)  # all of them fall inside ten weeks
    assert {c["status"] for c in sample.checkins} == {"on_track", "at_risk", "off_track"}
    overdue = [t for t in sample.tracks if t.overdue(TODAY)]
    assert len(overdue) == 1 and overdue[0].checkins


def test_a_sample_held_today_has_no_checkins_yet(db):
    snapshot = load(db, create_demo(db, now=NOW).code)
    assert snapshot.checkins == [] and len(snapshot.tracks) == len(OWNERS)
    assert not any(t.overdue(TODAY) for t in snapshot.tracks)


def test_the_checklist_is_complete_for_the_sample(sample):
    items = checklist.evaluate(sample)
    assert items and all(item.done for item in items), [item for item in items if not item.done]


def test_the_sample_round_trips_through_the_json_export(sample, tmp_path):
    document = export.to_document(sample, now=NOW)
    target = storage.connect(tmp_path / "restored.db")
    try:
        code, _ = export.import_document(target, export.dumps(document))
        assert as_restored(export.to_document(load(target, code), now=NOW)) == as_restored(document)
    finally:
        target.close()
