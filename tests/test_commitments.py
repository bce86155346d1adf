"""Last time's commitments: which ones a workshop reviews, the outcomes, carry-over and its chain."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import NOW, as_restored, on_step, reach, version
from workshop import actions
from workshop import store as storage
from workshop.backup import export
from workshop.demo import create_demo
from workshop.domain import commitments, pitfalls
from workshop.domain.errors import InputLocked, InvalidInput, NotAllowed, NotFound
from workshop.domain.timer import Timer, start
from workshop.domain.vocabulary import CARRY_WARNING, REVIEW_KEYS, REVIEW_MINUTES, STEPS
from workshop.store.load import load

EARLIER = NOW - 70 * 86_400
ORGANISATION = "Northwind Analytics"  # the sample's


@pytest.fixture
def earlier(db) -> actions.Created:
    """The sample workshop, held 70 days ago, with its owners' check-ins since."""
    return create_demo(db, now=NOW, followup_days=70)


@pytest.fixture
def later(db, earlier) -> actions.Created:
    return actions.create_workshop(db, "Next quarter", ORGANISATION, "scaleup", now=NOW + 60, review_minutes=10)


def review(db, made, initiative_id, outcome, reason="Because", **kw):
    return actions.review_commitment(db, made.code, made.facilitator_key, initiative_id, outcome, reason, **kw)


# --- which commitments a workshop reviews ------------------------------------------------


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Acme", "acme", True),
        (" Acme  Ltd ", "acme ltd", True),
        ("Acme", "Acme Ltd", False),
        ("Straße", "STRASSE", True),
    ],
)
def test_an_organisation_is_matched_as_people_type_it(a, b, same):
    assert commitments.same_organisation(a, b) is same


def test_a_new_workshop_reviews_every_owned_initiative_of_the_organisations_earlier_ones(db, earlier, later):
    s = load(db, later.code)
    owned = load(db, earlier.code).tracks
    assert s.reviewing and s.workshop["review_minutes"] == REVIEW_MINUTES
    assert sorted(c.initiative_id for c in s.commitments) == sorted(t.initiative_id for t in owned)
    assert all(c.outcome is None and c.track.code == earlier.code for c in s.commitments)
    assert any(c.track.overdue(date.fromtimestamp(NOW)) for c in s.commitments), "the sample has an overdue one"


def test_another_organisation_or_a_workshop_held_before_has_nothing_to_review(db, earlier):
    assert not actions.has_commitments(db, "Someone Else Ltd", now=NOW + 60)
    with pytest.raises(InvalidInput, match="no earlier commitments"):
        actions.create_workshop(db, "T", "Someone Else Ltd", "scaleup", now=NOW + 60, review_minutes=10)
    assert actions.has_commitments(db, ORGANISATION.upper(), now=NOW + 60)
    assert not actions.has_commitments(db, ORGANISATION, now=EARLIER - 86_400), "nothing was owned back then"


def test_the_review_is_counted_in_step_ones_timer_and_so_in_the_agenda(db, earlier, later):
    plain = actions.create_workshop(db, "Plain", ORGANISATION, "scaleup", now=NOW + 60)
    with_review = load(db, later.code).planned_minutes()
    without = load(db, plain.code).planned_minutes()
    first = STEPS[0].key
    assert with_review[first] == without[first] + REVIEW_MINUTES
    assert sum(with_review.values()) == sum(without.values()) + REVIEW_MINUTES
    assert not load(db, plain.code).reviewing and not load(db, plain.code).commitments


def test_the_reviews_time_box_is_a_pure_function_of_the_stored_deadline():
    timer = start(Timer.fresh(STEPS[0].key, 25), now=1000.0)
    assert commitments.review_until(timer, 10) == 15 * 60


# --- concluding them --------------------------------------------------------------------------


def test_carry_over_creates_a_linked_initiative_with_the_same_owner_and_metric(db, earlier, later):
    item = load(db, later.code).commitments[0]
    before = version(db, earlier.code)
    copy = review(db, later, item.initiative_id, "carry", "Half-way there", now=NOW + 120)
    s = load(db, later.code)
    carried = s.initiative(copy)
    assert carried.title == item.track.title and carried.carried_times == 1
    assert (carried.carried_from_code, carried.carried_from_title) == (earlier.code, item.track.title)
    assert (carried.owner["owner"], carried.owner["metric"], carried.owner["target"]) == (
        item.track.owner,
        item.track.metric,
        item.track.target,
    )
    assert carried.owner["baseline"] == item.track.value, "it starts from where the metric stands now"
    assert version(db, earlier.code) > before, "the earlier workshop's follow-through moved"
    mark = load(db, earlier.code).initiative(item.initiative_id).review
    assert (mark["outcome"], mark["reason"], mark["reviewed_in"]) == ("carry", "Half-way there", later.code)
    assert carried in s.ranked, "step 3 shows the carried initiative"


def test_done_and_drop_are_recorded_on_the_earlier_workshop_and_create_nothing(db, earlier, later):
    first, second = load(db, later.code).commitments[:2]
    assert review(db, later, first.initiative_id, "done", "Shipped in March") is None
    assert review(db, later, second.initiative_id, "drop", "No longer a bottleneck") is None
    assert load(db, later.code).initiatives == []
    marks = {i.id: i.review for i in load(db, earlier.code).initiatives if i.review}
    assert {k: v["outcome"] for k, v in marks.items()} == {first.initiative_id: "done", second.initiative_id: "drop"}


def test_a_concluded_commitment_leaves_later_reviews_but_stays_on_its_own(db, earlier, later):
    item = load(db, later.code).commitments[0]
    review(db, later, item.initiative_id, "done", "Shipped")
    assert item.initiative_id in {c.initiative_id for c in load(db, later.code).commitments}
    third = actions.create_workshop(db, "After that", ORGANISATION, "scaleup", now=NOW + 600, review_minutes=5)
    assert item.initiative_id not in {c.initiative_id for c in load(db, third.code).commitments}


def test_changing_a_carry_over_removes_its_untouched_copy_but_never_a_scored_one(db, earlier, later):
    item = load(db, later.code).commitments[0]
    copy = review(db, later, item.initiative_id, "carry", "Not yet")
    assert review(db, later, item.initiative_id, "carry", "Still not") == copy, "carried once only"
    review(db, later, item.initiative_id, "drop", "On reflection")
    assert load(db, later.code).initiatives == []
    copy = review(db, later, item.initiative_id, "carry", "Back on")
    person = actions.join(db, later.code, "Ana").token
    reach(db, later.code, later.facilitator_key, "prioritise")
    actions.score_initiative(db, later.code, person, copy, {"value": 7, "effort": 3, "urgency": 6, "confidence": 80})
    before = export.export_json(db, later.code, now=NOW)
    with pytest.raises(InvalidInput, match="already has scores"):
        review(db, later, item.initiative_id, "done", "Changed our minds")
    assert export.export_json(db, later.code, now=NOW) == before


BAD = [
    (lambda c: {"outcome": "forget"}, InvalidInput, "Choose done, carry over, drop"),
    (lambda c: {"reason": "   "}, InvalidInput, "Reason cannot be empty"),
    (lambda c: {"reason": "x" * 281}, InvalidInput, "the limit is 280"),
    (lambda c: {"reason": "two\nlines"}, None, None),
    (lambda c: {"initiative_id": 10**6}, NotFound, "not one of the commitments"),
    (lambda c: {"initiative_id": "one"}, InvalidInput, "whole number"),
]


@pytest.mark.parametrize("change, error, message", BAD)
def test_a_bad_review_is_refused_and_writes_nothing(db, earlier, later, change, error, message):
    item = load(db, later.code).commitments[0]
    call = {"initiative_id": item.initiative_id, "outcome": "carry", "reason": "Fine", **change(item)}
    if error is None:  # whitespace is folded into one line, as every one-line field does
        review(db, later, call["initiative_id"], call["outcome"], call["reason"])
        assert load(db, earlier.code).initiative(item.initiative_id).review["reason"] == "two lines"
        return
    before = (export.export_json(db, earlier.code, now=NOW), export.export_json(db, later.code, now=NOW))
    with pytest.raises(error, match=message):
        review(db, later, call["initiative_id"], call["outcome"], call["reason"])
    assert (export.export_json(db, earlier.code, now=NOW), export.export_json(db, later.code, now=NOW)) == before


def test_only_the_facilitator_of_a_reviewing_workshop_reviews(db, earlier, later):
    item = load(db, later.code).commitments[0]
    person = actions.join(db, later.code, "Ana").token
    with pytest.raises(NotAllowed):
        actions.review_commitment(db, later.code, person, item.initiative_id, "done", "Mine")
    with pytest.raises(NotAllowed):  # the earlier workshop's key opens only the earlier workshop
        actions.review_commitment(db, later.code, earlier.facilitator_key, item.initiative_id, "done", "Theirs")
    plain = actions.create_workshop(db, "Plain", ORGANISATION, "scaleup", now=NOW + 60)
    with pytest.raises(InvalidInput, match="does not open with a review"):
        review(db, plain, item.initiative_id, "done")
    actions.end_workshop(db, later.code, later.facilitator_key, from_step=on_step(db, later.code))
    with pytest.raises(InputLocked):
        review(db, later, item.initiative_id, "done")


def test_the_facilitator_moves_from_the_review_to_the_brainstorm_and_back(db, earlier, later):
    actions.set_reviewing(db, later.code, later.facilitator_key, False)
    assert not load(db, later.code).reviewing
    actions.set_reviewing(db, later.code, later.facilitator_key, True)
    assert load(db, later.code).reviewing
    actions.go_to_step(db, later.code, later.facilitator_key, STEPS[1].key, from_step=on_step(db, later.code))
    assert not load(db, later.code).reviewing, "the review belongs to step 1 only"


# --- the chain across workshops and its pitfall ----------------------------------------------------


def _carry_through(db, first_code: str, rounds: int, start: int = 0) -> tuple[str, int]:
    """Carry the first commitment over `rounds` times, one new workshop each time."""
    code, initiative_id = first_code, load(db, first_code).tracks[0].initiative_id
    for n in range(rounds):
        made = actions.create_workshop(
            db, f"Round {n}", ORGANISATION, "scaleup", now=NOW + 100 * (start + n + 1), review_minutes=5
        )
        initiative_id = review(db, made, initiative_id, "carry", f"Round {n}")
        code = made.code
    return code, initiative_id


def test_the_third_carry_over_is_flagged_as_a_pitfall(db, earlier):
    code, item = _carry_through(db, earlier.code, CARRY_WARNING - 1)
    assert load(db, code).initiative(item).carried_times == CARRY_WARNING - 1
    assert not any("Carried over again" in p for p in pitfalls.pitfalls(load(db, code)))
    code, item = _carry_through(db, code, 1, start=CARRY_WARNING)
    s = load(db, code)
    assert s.initiative(item).carried_times == CARRY_WARNING
    assert any("Carried over again" in p and s.initiative(item).title in p for p in pitfalls.pitfalls(s))


@given(st.integers(min_value=0, max_value=50))
def test_too_often_is_the_carry_warning(times):
    assert commitments.too_often(times) is (times >= CARRY_WARNING)


def test_the_carried_copy_keeps_the_rhythm_of_check_ins(db, earlier, later):
    item = load(db, later.code).commitments[0]
    today = date(2026, 1, 10)
    row = commitments.carried_copy(item, today)
    rhythm = (item.track.first_checkin - item.track.assigned_on).days
    assert row["checkin"] == (today + timedelta(days=max(1, rhythm))).isoformat()


# --- the export carries the links, never the owner links ----------------------------------------


def test_the_export_carries_carry_over_links_and_outcomes_and_round_trips(db, earlier, later, tmp_path):
    items = load(db, later.code).commitments
    review(db, later, items[0].initiative_id, "carry", "Half-way")
    review(db, later, items[1].initiative_id, "done", "Shipped")
    token = actions.issue_owner_link(db, later.code, later.facilitator_key, items[0].track.owner)
    for code in (earlier.code, later.code):
        text = export.export_json(db, code, now=NOW)
        assert token not in text and actions.hash_secret(token) not in text
        target = storage.connect(tmp_path / f"{code}.db")
        export.import_document(target, text)
        assert as_restored(export.export_json(target, code, now=NOW)) == as_restored(text)
    doc = json.loads(export.export_json(db, later.code, now=NOW))
    assert doc["initiatives"][0]["carried_from"] == {
        "workshop": earlier.code,
        "title": items[0].track.title,
        "times": 1,
    }
    outcomes = {r["outcome"] for r in json.loads(export.export_json(db, earlier.code, now=NOW))["reviews"]}
    assert outcomes == {"carry", "done"} and outcomes <= set(REVIEW_KEYS)
