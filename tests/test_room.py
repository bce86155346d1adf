"""What the live channel sends: the shared room state (no secrets, only the live board), who
took part per step, a participant's own view and the phone's vocabulary."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import pytest

from tests.helpers import NOW, on_step, reach
from workshop import actions
from workshop.demo import DUPLICATE
from workshop.domain import decide, scoring
from workshop.domain import snapshot as state
from workshop.domain.errors import NotAllowed, NotFound
from workshop.domain.vocabulary import (
    DIMENSION_KEYS,
    DIRECTIONS,
    LONG_MAX,
    MAGNITUDES,
    MONEY_MAX,
    NAME_MAX,
    NOTE_MAX,
    OUTCOME_KEYS,
    SHORT_MAX,
    STEP_KEYS,
    STEPS,
)
from workshop.live import payload as room
from workshop.store.load import load

SCORE = {"value": 7, "effort": 4, "urgency": 6, "confidence": 60}


@dataclass
class People:
    code: str
    key: str
    host: str  # the facilitator's own participant token
    ann: str
    bo: str
    cy: str


@pytest.fixture
def people(db, workshop) -> People:
    code = workshop.code
    tokens = [actions.join(db, code, name, now=NOW).token for name in ("Ann", "Bo", "Cy")]
    return People(code, workshop.facilitator_key, workshop.facilitator_token, *tokens)


def note(db, p: People, token: str, text: str, dimension: str = "platform") -> int:
    return actions.add_bottleneck(db, p.code, token, dimension, text, now=NOW)


def progress_of(db, code: str) -> dict:
    return room.progress(load(db, code))


# --- who took part --------------------------------------------------------------------------


def test_took_part_has_one_entry_per_step():
    assert tuple(state.TOOK_PART) == STEP_KEYS


def test_progress_counts_participants_who_acted_in_each_step(db, people):
    p = people
    keep = note(db, p, p.ann, "Incidents eat the sprint")
    actions.vote(db, p.code, p.bo, keep)
    note(db, p, p.host, "The host's own note")
    first = progress_of(db, p.code)
    assert (first["people"], first["acted"], first["label"]) == (3, 2, STEPS[0].acted)

    actions.go_to_step(db, p.code, p.key, "impact", now=NOW, from_step=on_step(db, p.code))
    assert progress_of(db, p.code)["acted"] == 0
    actions.add_impact(db, p.code, p.ann, keep, "throughput", "worse", 3, "Firefighting", now=NOW)
    actions.add_impact(db, p.code, p.host, keep, "churn", "worse", 3, "Outages", now=NOW)
    assert progress_of(db, p.code)["acted"] == 1

    actions.go_to_step(db, p.code, p.key, "prioritise", now=NOW, from_step=on_step(db, p.code))
    item = actions.add_initiative(db, p.code, p.ann, "SLOs", [keep], now=NOW)
    for token in (p.bo, p.cy, p.host):
        actions.score_initiative(db, p.code, token, item, SCORE, now=NOW)
    assert progress_of(db, p.code)["acted"] == 2

    actions.go_to_step(db, p.code, p.key, "decide", now=NOW, from_step=on_step(db, p.code))
    actions.pick_choice(db, p.code, p.cy, item, "buy", "Commodity", now=NOW)
    actions.pick_choice(db, p.code, p.host, item, "build", now=NOW)
    assert progress_of(db, p.code)["acted"] == 1

    actions.go_to_step(db, p.code, p.key, "owners", now=NOW, from_step=on_step(db, p.code))
    for token in (p.ann, p.bo, p.host):
        actions.volunteer(db, p.code, token, item, True, now=NOW)
    actions.volunteer(db, p.code, p.bo, item, False, now=NOW)
    last = progress_of(db, p.code)
    assert (last["people"], last["acted"], last["label"]) == (3, 1, STEPS[4].acted)
    # Each step's own count stays known, for a console previewing an earlier step.
    assert last["by_step"] == {"bottlenecks": 2, "impact": 1, "prioritise": 2, "decide": 1, "owners": 1}


# --- the shared state -----------------------------------------------------------------------


def test_the_demo_state_is_json_without_any_secret(db, demo):
    text = json.dumps(room.room_state(load(db, demo.code)))
    secrets = {
        demo.facilitator_key,
        demo.facilitator_token,
        actions.hash_secret(demo.facilitator_key),
        actions.hash_secret(demo.facilitator_token),
        "key_hash",
        "token_hash",
        "leader_hash",
        "client_id",
    }
    secrets |= {r[0] for r in db.execute("SELECT token_hash FROM participants").fetchall() if r[0]}
    assert len(secrets) > 8
    assert [s for s in secrets if s in text] == []


def at_step(snapshot: state.Snapshot, step: str) -> state.Snapshot:
    """A snapshot as if its room stood on `step` (an ended demo cannot be moved)."""
    return replace(snapshot, workshop={**snapshot.workshop, "current_step": step})


def test_the_board_shows_only_live_notes(db, demo):
    snapshot = at_step(load(db, demo.code), STEPS[0].key)
    state = room.room_state(snapshot)
    shown = {n["id"] for notes in state["board"].values() for n in notes}
    gone = {b["id"] for b in snapshot.bottlenecks if b["hidden"] or b["merged_into"] is not None}
    assert len(gone) == 2 and not shown & gone
    assert shown == {b["id"] for b in snapshot.live_bottlenecks} and state["count"] == len(shown)
    assert set(state["board"]) == set(DIMENSION_KEYS)
    assert "Too many meetings" not in json.dumps(state) and DUPLICATE[1] not in json.dumps(state)


@pytest.mark.parametrize("step", [s.key for s in STEPS])
def test_the_room_state_carries_the_notes_its_step_reads(db, demo, step):
    """Every live note where the board or the impacts show; the most voted where initiatives link
    to notes; none after: a phone never downloads a board its step does not show."""
    snapshot = at_step(load(db, demo.code), step)
    state = room.room_state(snapshot)
    shown = [n["id"] for notes in state["board"].values() for n in notes]
    live = sorted(snapshot.live_bottlenecks, key=lambda b: (-b["votes"], b["id"]))
    if step in room.NOTES_SHOWN:
        assert sorted(shown) == sorted(b["id"] for b in live)
    elif step == room.NOTES_LINKED:
        assert sorted(shown) == sorted(b["id"] for b in live[: room.NOTES_TO_LINK])
    else:
        assert shown == []
    assert set(state["board"]) == set(DIMENSION_KEYS) and state["count"] == len(live)


def test_initiatives_link_to_the_notes_with_most_votes_only(db, people):
    actions.start_timer(db, people.code, people.key)
    ids = [note(db, people, people.ann, f"Note {k}") for k in range(room.NOTES_TO_LINK + 5)]
    for token in (people.ann, people.bo):
        actions.vote(db, people.code, token, ids[-1])
    reach(db, people.code, people.key, room.NOTES_LINKED)
    board = room.room_state(load(db, people.code))["board"]
    shown = {n["id"] for notes in board.values() for n in notes}
    assert len(shown) == room.NOTES_TO_LINK and ids[-1] in shown and ids[-2] not in shown


def test_the_state_follows_the_version_and_the_step(db, demo):
    snapshot = load(db, demo.code)
    state = room.room_state(snapshot)
    assert state["version"] == snapshot.version and state["ended"] is True and state["locked"] is True
    assert state["step"]["key"] == "owners" and state["step"]["of"] == len(STEPS)
    assert [i["id"] for i in state["initiatives"]] == [i.id for i in snapshot.plan]
    assert state["top"] == [i.id for i in snapshot.top]
    assert set(room.meta_of(state)) == {
        "code",
        "language",
        "locked",
        "ended",
        "step",
        "timer",
        "vote_budget",
        "reviewing",
        "readiness_open",
        "private",
    }, "a note never wakes every phone"


# --- the readiness check --------------------------------------------------------------------

WEAK_DEMAND = [{"key": "demand", "rating": 1, "number": 0}, {"key": "talent_careers", "rating": 2}]


def test_a_workshop_without_the_check_sends_none(db, people):
    state = room.room_state(load(db, people.code))
    assert state["readiness"] is None and state["readiness_open"] is False


def test_the_check_state_is_aggregated_and_names_no_one(db, people):
    p = people
    actions.open_readiness(db, p.code, p.key, True)
    assert room.room_state(load(db, p.code))["readiness"]["respondents"] == 0
    actions.answer_readiness(db, p.code, p.ann, WEAK_DEMAND, now=NOW)
    actions.answer_readiness(db, p.code, p.bo, [{"key": "demand", "rating": 1}], now=NOW)
    state = room.room_state(load(db, p.code))
    check = state["readiness"]
    assert state["readiness_open"] is True and check["open"] is True and check["respondents"] == 2
    demand = next(q for q in check["questions"] if q["key"] == "demand")
    assert (demand["count"], demand["median"], demand["number_median"]) == (2, 1.0, 0.0)
    assert check["weakest"] == ["talent"] and check["pitfalls"][0].startswith("Scaling before product-market fit")
    assert check["stage_note"] in state["step"]["advice"], "step 1's stage advice says what the check suggests"
    text = json.dumps(check)
    assert "Ann" not in text and "participant" not in text
    actions.open_readiness(db, p.code, p.key, False)
    closed = room.room_state(load(db, p.code))
    assert closed["readiness"]["open"] is False and closed["readiness"]["respondents"] == 2
    actions.go_to_step(db, p.code, p.key, "impact", now=NOW, from_step=on_step(db, p.code))
    assert check["stage_note"] not in room.room_state(load(db, p.code))["step"]["advice"]


def test_the_projector_shows_the_results_until_step_1s_clock_starts(db, people):
    p = people

    def showing() -> bool:
        return room.room_state(load(db, p.code))["readiness"]["showing"]

    actions.open_readiness(db, p.code, p.key, True)
    assert showing(), "an open check shows on the projector before the workshop starts"
    actions.answer_readiness(db, p.code, p.ann, WEAK_DEMAND, now=NOW)
    actions.open_readiness(db, p.code, p.key, False)
    assert showing(), "closed days before, its results still open the workshop"
    actions.start_timer(db, p.code, p.key, now=NOW)
    assert not showing(), "the brainstorm's board takes over once the clock runs"
    actions.pause_timer(db, p.code, p.key, now=NOW + 5)
    assert not showing()


def test_the_own_view_has_my_answers_only(db, people):
    p = people
    actions.open_readiness(db, p.code, p.key, True)
    actions.answer_readiness(db, p.code, p.ann, WEAK_DEMAND, now=NOW)
    assert room.participant_view(db, p.code, p.ann)["readiness"] == {
        "demand": {"rating": 1, "number": 0.0},
        "talent_careers": {"rating": 2, "number": None},
    }
    assert room.participant_view(db, p.code, p.bo)["readiness"] == {}


def test_the_vocabulary_carries_the_checks_questions_from_readiness_py():
    from workshop.domain import readiness

    vocab = room.vocabulary()["readiness"]
    assert [q["key"] for q in vocab["questions"]] == list(readiness.QUESTION_KEYS)
    assert [a["key"] for a in vocab["areas"]] == list(readiness.AREA_KEYS)
    assert {s["key"] for s in vocab["scales"]} == {s.key for s in readiness.SCALES}
    demand = vocab["questions"][0]
    assert demand["scale"] == "evidence" and demand["number"]["unit"] == "%" and demand["area"] is None
    assert vocab["title"] == readiness.TITLE


# --- a participant's own view ---------------------------------------------------------------


def test_merged_votes_appear_on_the_note_kept(db, people):
    p = people
    keep, dup = note(db, p, p.ann, "Incidents eat the sprint"), note(db, p, p.bo, "Incidents eat capacity")
    for target in (dup, dup, keep):
        actions.vote(db, p.code, p.ann, target)
    actions.merge_bottlenecks(db, p.code, p.key, dup, keep)
    mine = room.participant_view(db, p.code, p.ann)
    assert mine["votes"] == {str(keep): 3} and mine["votes_left"] == 2 and mine["refunded"] == 0


def test_votes_on_a_hidden_note_are_refunded(db, people):
    p = people
    keep, noise = note(db, p, p.ann, "Incidents eat the sprint"), note(db, p, p.bo, "Too many meetings")
    for target in (noise, noise, keep):
        actions.vote(db, p.code, p.ann, target)
    assert room.participant_view(db, p.code, p.ann)["votes_left"] == 2
    actions.hide_bottleneck(db, p.code, p.key, noise)
    mine = room.participant_view(db, p.code, p.ann)
    assert mine["refunded"] == 2 and mine["votes_left"] == 4 and mine["votes"] == {str(keep): 1}
    actions.hide_bottleneck(db, p.code, p.key, noise, hidden=False)
    mine = room.participant_view(db, p.code, p.ann)
    assert mine["refunded"] == 0 and mine["votes_left"] == 2


def test_the_own_view_has_my_scores_picks_and_offers_only(db, people):
    p = people
    incidents = note(db, p, p.ann, "Incidents")
    actions.go_to_step(db, p.code, p.key, "owners", now=NOW, from_step=on_step(db, p.code))
    item = actions.add_initiative(db, p.code, p.ann, "SLOs", [incidents], now=NOW)
    actions.score_initiative(db, p.code, p.ann, item, SCORE, now=NOW)
    actions.pick_choice(db, p.code, p.ann, item, "partner", "Allies", now=NOW)
    actions.volunteer(db, p.code, p.ann, item, True, now=NOW)
    actions.score_initiative(db, p.code, p.bo, item, {**SCORE, "value": 2}, now=NOW)
    mine = room.participant_view(db, p.code, p.ann)
    assert mine["name"] == "Ann" and mine["scores"] == {str(item): SCORE}
    assert mine["picks"] == {str(item): {"choice": "partner", "reason": "Allies"}}
    assert mine["volunteered"] == [item]
    assert room.participant_view(db, p.code, p.cy)["scores"] == {}
    json.dumps(mine)


def test_the_own_view_refuses_anyone_else(db, people, demo):
    leader = actions.issue_leader_link(db, people.code, people.key, now=NOW)
    for token in ("not-a-token", people.key, leader, None, 42, ["x"], "\ud800", "", demo.facilitator_token):
        with pytest.raises(NotAllowed):
            room.participant_view(db, people.code, token)
    with pytest.raises(NotFound):
        room.participant_view(db, "NOPE00", people.ann)


def test_the_own_view_is_two_reads_whatever_the_participant_wrote(db, people, monkeypatch):
    """Who is asking, then everything they wrote: every write a phone makes is answered with this
    view, and in a burst each statement waits for a turn at the GIL (on PostgreSQL, a round trip)."""
    p = people
    mine = note(db, p, p.ann, "Incidents eat the sprint")
    actions.vote(db, p.code, p.ann, mine)
    actions.set_private_brainstorm(db, p.code, p.key, True)  # (votes wait for the reveal; kept ones count)
    reads: list[str] = []
    for name in ("execute", "query"):
        original = getattr(db, name)
        monkeypatch.setattr(db, name, lambda sql, params=(), _run=original: reads.append(sql) or _run(sql, params))
    view = room.participant_view(db, p.code, p.ann)
    assert len(reads) == 2, reads
    assert view["mine"] == [{"id": mine, "dimension": "platform", "text": "Incidents eat the sprint"}]
    assert view["votes"] == {str(mine): 1} and view["votes_left"] == 4 and view["refunded"] == 0


# --- moderation ---------------------------------------------------------------------------


def test_moderation_changes_on_merge_hide_and_restore_only(db, people):
    p = people
    keep, dup, noise = (note(db, p, p.ann, t) for t in ("Incidents", "Outages", "Lunch"))

    def moderation() -> int:
        return room.room_state(load(db, p.code))["moderation"]

    seen = [moderation()]
    actions.vote(db, p.code, p.bo, keep)
    note(db, p, p.cy, "Slow reviews")
    assert moderation() == seen[-1]
    for act in (
        lambda: actions.merge_bottlenecks(db, p.code, p.key, dup, keep),
        lambda: actions.hide_bottleneck(db, p.code, p.key, noise),
        lambda: actions.hide_bottleneck(db, p.code, p.key, noise, hidden=False),
    ):
        act()
        assert moderation() != seen[-1]
        seen.append(moderation())
    actions.vote(db, p.code, p.ann, keep)
    assert moderation() == seen[-1]


# --- the vocabulary -----------------------------------------------------------------------


def test_the_vocabulary_comes_from_the_one_definition_of_each_list():
    vocabulary = room.vocabulary()
    json.dumps(vocabulary)
    assert [s["key"] for s in vocabulary["steps"]] == list(STEP_KEYS)
    assert [d["key"] for d in vocabulary["dimensions"]] == list(DIMENSION_KEYS)
    assert [o["key"] for o in vocabulary["outcomes"]] == list(OUTCOME_KEYS)
    assert [c["key"] for c in vocabulary["criteria"]] == list(scoring.CRITERIA)
    assert [c["key"] for c in vocabulary["choices"]] == list(decide.CHOICES)
    assert [d["key"] for d in vocabulary["directions"]] == list(DIRECTIONS)
    assert [m["key"] for m in vocabulary["magnitudes"]] == list(MAGNITUDES)
    assert vocabulary["limits"] == {
        "name": NAME_MAX,
        "short": SHORT_MAX,
        "note": NOTE_MAX,
        "long": LONG_MAX,
        "money": MONEY_MAX,
    }


def test_figures_reach_the_phones_in_the_one_number_format(db, demo):
    """Phones show the same ROI, money and measures as the projector and the exports."""
    from workshop.domain import numbers

    snapshot = load(db, demo.code)
    data = room.room_state(snapshot)
    for item, shown in zip(snapshot.plan, data["initiatives"]):
        assert shown["priority_text"] == numbers.priority(item.aggregate.priority(snapshot.method))
        if item.owner:
            assert shown["owner"]["target_text"] == numbers.measure(item.owner["target"], item.owner["unit"])
    actions.reopen_workshop(db, demo.code, demo.facilitator_key)
    reach(db, demo.code, demo.facilitator_key, "impact")  # the step whose phones show the room's impacts
    at_impact = load(db, demo.code)
    moneyed = [numbers.money(i["money"]) for i in at_impact.impacts if i["money"]]
    assert moneyed and [i["money_text"] for i in room.room_state(at_impact)["impacts"] if i["money"]] == moneyed


@pytest.mark.parametrize("step", STEP_KEYS)
def test_the_rooms_impacts_travel_only_while_the_room_maps_them(db, demo, step):
    """The impact view is the only screen that reads them; in a 1,000-phone room they were half
    of every state answer of the later steps."""
    actions.reopen_workshop(db, demo.code, demo.facilitator_key)
    reach(db, demo.code, demo.facilitator_key, step)
    snapshot = load(db, demo.code)
    assert snapshot.impacts
    shown = room.room_state(snapshot)["impacts"]
    assert len(shown) == (len(snapshot.impacts) if step == "impact" else 0)


def test_the_review_of_last_times_commitments_is_in_the_state_only_while_step_one_has_one(db):
    from workshop.demo import create_demo

    earlier = create_demo(db, now=NOW, followup_days=70)
    organisation = load(db, earlier.code).workshop["organisation"]
    later = actions.create_workshop(db, "Next", organisation, "scaleup", now=NOW + 60, review_minutes=10)
    state = room.room_state(load(db, later.code))
    review = state["review"]
    assert state["reviewing"] is True and review["on"] is True and review["minutes"] == 10
    assert review["until"] == (load(db, later.code).timer(STEPS[0].key).minutes - 10) * 60
    assert len(review["items"]) == 4 and all(i["outcome"] is None for i in review["items"])
    assert {"owner", "metric", "progress_text", "overdue", "status_title"} <= set(review["items"][0])
    copy = actions.review_commitment(
        db, later.code, later.facilitator_key, review["items"][0]["id"], "carry", "Half-way", now=NOW + 90
    )
    actions.set_reviewing(db, later.code, later.facilitator_key, False)
    state = room.room_state(load(db, later.code))
    assert state["reviewing"] is False and state["review"]["on"] is False
    assert state["review"]["items"][0]["outcome_title"] == "Carried over"
    assert next(i for i in state["initiatives"] if i["id"] == copy)["carried"] == {"code": earlier.code, "times": 1}
    actions.go_to_step(db, later.code, later.facilitator_key, STEPS[1].key, from_step=on_step(db, later.code))
    assert room.room_state(load(db, later.code))["review"] is None
    assert room.room_state(load(db, earlier.code))["review"] is None, "nothing to review in the first workshop"
