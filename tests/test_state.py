"""The read model: what a Snapshot answers about the board, the plan and the decisions."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.helpers import NOW, reach
from workshop import actions
from workshop.domain import decide
from workshop.domain.errors import NotFound
from workshop.domain.vocabulary import DIMENSION_KEYS, STEPS, normalise_code
from workshop.store.load import load

ANSWERS = {"core": "yes", "speed": "balanced", "network": "no", "capability": "yes", "cost": "build"}
PRODUCT, PLATFORM, ORGANISATION = DIMENSION_KEYS


@dataclass
class Room:
    """A workshop with a merged, a hidden and three live notes, and four scored initiatives."""

    code: str
    key: str
    ann: str
    bo: str
    notes: list[int]  # live: product, platform, organisation; then the duplicate (merged) and the noise (hidden)
    ids: list[int]  # initiatives scored to ROI 50, 405, 10 and 98: ranked 3rd, 1st, 4th, 2nd


def score(value: int, effort: int, urgency: int, confidence: int) -> dict[str, int]:
    return {"value": value, "effort": effort, "urgency": urgency, "confidence": confidence}


@pytest.fixture
def room(db) -> Room:
    made = actions.create_workshop(db, "Read model", "Acme", "scaleup", now=NOW)
    code, key = made.code, made.facilitator_key
    ann = actions.join(db, code, "Ann", now=NOW).token
    bo = actions.join(db, code, "Bo", now=NOW).token
    notes = [
        actions.add_bottleneck(db, code, ann, dimension, f"Note {n}", now=NOW + n)
        for n, dimension in enumerate((PRODUCT, PLATFORM, ORGANISATION, PLATFORM, PRODUCT))
    ]
    for token, note in ((ann, notes[1]), (bo, notes[1]), (ann, notes[2]), (bo, notes[3]), (ann, notes[4])):
        actions.vote(db, code, token, note, now=NOW)
    actions.merge_bottlenecks(db, code, key, notes[3], notes[2])
    actions.hide_bottleneck(db, code, key, notes[4])
    reach(db, code, key)
    ids = [actions.add_initiative(db, code, ann, f"Initiative {n}", [notes[0]], now=NOW + n) for n in range(4)]
    for initiative_id, scores in zip(
        ids, (score(5, 5, 5, 50), score(9, 2, 9, 90), score(3, 9, 3, 30), score(7, 5, 5, 70))
    ):
        actions.score_initiative(db, code, bo, initiative_id, scores, now=NOW)
    return Room(code, key, ann, bo, notes, ids)


def test_live_bottlenecks_leave_out_merged_and_hidden_notes_and_put_most_votes_first(db, room):
    snapshot = load(db, room.code)
    # notes[2] has its own vote and the merged duplicate's: two, like notes[1]; the lower id comes first.
    assert [b["id"] for b in snapshot.live_bottlenecks] == [room.notes[1], room.notes[2], room.notes[0]]
    assert [b["votes"] for b in snapshot.live_bottlenecks] == [2, 2, 0]
    assert [b["id"] for b in snapshot.hidden_bottlenecks] == [room.notes[4]]
    board = snapshot.by_dimension()
    assert list(board) == list(DIMENSION_KEYS)
    assert {k: [b["id"] for b in v] for k, v in board.items()} == {
        PRODUCT: [room.notes[0]],
        PLATFORM: [room.notes[1]],
        ORGANISATION: [room.notes[2]],
    }


def test_ranked_follows_the_method_and_plan_puts_the_agreed_sequence_first(db, room):
    snapshot = load(db, room.code)
    by_rank = [room.ids[1], room.ids[3], room.ids[0], room.ids[2]]
    assert [i.id for i in snapshot.ranked] == by_rank
    assert [i.id for i in snapshot.plan] == by_rank and snapshot.sequenced == []
    actions.set_sequence(db, room.code, room.key, [room.ids[2], room.ids[0]])
    snapshot = load(db, room.code)
    assert [i.id for i in snapshot.sequenced] == [room.ids[2], room.ids[0]]
    assert [i.id for i in snapshot.plan] == [room.ids[2], room.ids[0], room.ids[1], room.ids[3]]
    assert [i.id for i in snapshot.top] == [room.ids[2], room.ids[0], room.ids[1]]


def test_decided_keeps_plan_order_not_the_order_decisions_were_made(db, room):
    for index in (1, 3):
        actions.record_decision(db, room.code, room.key, room.ids[index], ANSWERS, "buy", "Because", now=NOW)
    snapshot = load(db, room.code)
    assert [i.id for i in snapshot.decided] == [room.ids[1], room.ids[3]]
    actions.set_sequence(db, room.code, room.key, [room.ids[3]])
    assert [i.id for i in load(db, room.code).decided] == [room.ids[3], room.ids[1]]


def test_a_proposal_exists_only_once_every_question_is_answered(db, room):
    questions = list(ANSWERS.items())
    for question, answer in questions[:-1]:
        actions.answer_question(db, room.code, room.key, room.ids[0], question, answer)
    assert load(db, room.code).initiative(room.ids[0]).proposal is None
    actions.answer_question(db, room.code, room.key, room.ids[0], *questions[-1])
    proposal = load(db, room.code).initiative(room.ids[0]).proposal
    assert proposal == decide.recommend(ANSWERS)


def test_answers_fall_back_to_the_decisions_own_when_none_are_stored(db, room):
    """A workshop decided before answers had their own table still shows them."""
    actions.record_decision(db, room.code, room.key, room.ids[0], ANSWERS, None, "Because", now=NOW)
    db.execute("DELETE FROM answers")
    item = load(db, room.code).initiative(room.ids[0])
    assert item.answers == ANSWERS
    assert item.proposal == decide.recommend(ANSWERS)
    assert load(db, room.code).initiative(room.ids[1]).answers == {}


def test_the_snapshot_names_its_workshop_and_its_people(db, room):
    snapshot = load(db, room.code.lower())
    assert snapshot.code == room.code and snapshot.method == "roi" and not snapshot.ended
    assert snapshot.current_step == STEPS[-1], "the room moved on to write every step's rows"
    assert snapshot.planned_minutes() == {s.key: s.minutes for s in STEPS}
    ann = next(p for p in snapshot.participants if p["name"] == "Ann")
    assert snapshot.participant_name(ann["id"]) == "Ann"
    assert snapshot.participant_name(None) == "—"
    with pytest.raises(KeyError):
        snapshot.initiative(10**9)


def test_an_unknown_code_is_refused(db):
    with pytest.raises(NotFound, match="No workshop has the code"):
        load(db, "ZZZZZZ")


@pytest.mark.parametrize(("typed", "code"), [("abc-234", "ABC234"), (" AB C2 34 ", "ABC234"), ("", "")])
def test_codes_are_read_case_and_separator_insensitively(typed, code):
    assert normalise_code(typed) == code
