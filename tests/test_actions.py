"""Every change a person can make: AUTH → VALIDATION → CHANGE, and nothing changes on refusal."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests.helpers import NOW, dump, on_step, version, workshop_count
from workshop import actions
from workshop import store as storage
from workshop.domain.errors import (
    BudgetExhausted,
    CycleRefused,
    InputLocked,
    InvalidInput,
    NotAllowed,
    NotFound,
    WorkshopError,
    no_workshop,
)
from workshop.live import payload as room
from workshop.live import routes as live
from workshop.store.load import load

TODAY = date(2025, 6, 15)
ANSWERS = {"core": "yes", "speed": "balanced", "network": "no", "capability": "yes", "cost": "build"}


@dataclass
class Board:
    """A workshop in step 3 with something of everything to act on (each written in its step)."""

    code: str
    key: str
    creation_token: str
    token: str  # participant Ann
    token2: str  # participant Bo
    bids: list[int]  # product, platform, organisation, platform duplicate
    impact_id: int
    iids: list[int]  # platform, product, organisation initiatives; iids[2] must come after iids[0]


def make_board(db, created: actions.Created, t: float = NOW) -> Board:
    code, key = created.code, created.facilitator_key
    ann = actions.join(db, code, "Ann", now=t + 1).token
    bo = actions.join(db, code, "Bo", now=t + 2).token
    actions.start_timer(db, code, key, now=t + 3)
    bids = [
        actions.add_bottleneck(db, code, ann, dim, text, now=t + 10 + n)
        for n, (dim, text) in enumerate(
            [
                ("product", "Onboarding takes a week"),
                ("platform", "Deploys block every team"),
                ("organisation", "Nobody knows who decides"),
                ("platform", "Deploy queue is too long"),
            ]
        )
    ]
    actions.vote(db, code, ann, bids[1], now=t + 20)
    actions.go_to_step(db, code, key, "impact", now=t + 60, from_step=on_step(db, code))
    impact_id = actions.add_impact(
        db, code, bo, bids[1], "throughput", "worse", 4, "Teams wait for deploys", money=100_000, now=t + 70
    )
    actions.go_to_step(db, code, key, "prioritise", now=t + 75, from_step=on_step(db, code))
    iids = [
        actions.add_initiative(db, code, ann, title, [b], now=t + 80 + n)
        for n, (title, b) in enumerate(
            [
                ("Independent deploys", bids[1]),
                ("Guided onboarding", bids[0]),
                ("Decision charter", bids[2]),
            ]
        )
    ]
    for n, iid in enumerate(iids):
        actions.score_initiative(
            db, code, ann, iid, {"value": 8 - n, "effort": 3, "urgency": 5, "confidence": 80}, now=t + 90
        )
    actions.add_dependency(db, code, key, iids[2], iids[0])
    actions.record_decision(db, code, key, iids[0], ANSWERS, "build", "Deploys are how we ship", now=t + 100)
    return Board(code, key, created.facilitator_token, ann, bo, bids, impact_id, iids)


@pytest.fixture
def board(db, workshop) -> Board:
    return make_board(db, workshop)


# --- the facilitator actions, each called in a way that succeeds with a valid key ------------

FACILITATOR_ACTIONS = {
    "edit_bottleneck": lambda db, b, k: actions.edit_bottleneck(db, b.code, k, b.bids[0], "Edited", "platform"),
    "hide_bottleneck": lambda db, b, k: actions.hide_bottleneck(db, b.code, k, b.bids[2]),
    "merge_bottlenecks": lambda db, b, k: actions.merge_bottlenecks(db, b.code, k, b.bids[3], b.bids[1]),
    "set_locked": lambda db, b, k: actions.set_locked(db, b.code, k, True),
    "set_language": lambda db, b, k: actions.set_language(db, b.code, k, "de"),
    "start_timer": lambda db, b, k: actions.start_timer(db, b.code, k, now=NOW + 200),
    "pause_timer": lambda db, b, k: actions.pause_timer(db, b.code, k, now=NOW + 200),
    "extend_timer": lambda db, b, k: actions.extend_timer(db, b.code, k, 2, now=NOW + 200),
    "go_to_step": lambda db, b, k: actions.go_to_step(
        db, b.code, k, "decide", now=NOW + 200, from_step=on_step(db, b.code)
    ),
    "next_step": lambda db, b, k: actions.next_step(db, b.code, k, now=NOW + 200, from_step=on_step(db, b.code)),
    "previous_step": lambda db, b, k: actions.previous_step(
        db, b.code, k, now=NOW + 200, from_step=on_step(db, b.code)
    ),
    "set_step_minutes": lambda db, b, k: actions.set_step_minutes(db, b.code, k, "owners", 15),
    "end_workshop": lambda db, b, k: actions.end_workshop(db, b.code, k, now=NOW + 200, from_step=on_step(db, b.code)),
    "reopen_workshop": lambda db, b, k: actions.reopen_workshop(db, b.code, k),
    "delete_impact": lambda db, b, k: actions.delete_impact(db, b.code, k, b.impact_id),
    "edit_initiative": lambda db, b, k: actions.edit_initiative(
        db, b.code, k, b.iids[1], "Self-serve onboarding", "Docs and a wizard", [b.bids[0], b.bids[2]]
    ),
    "delete_initiative": lambda db, b, k: actions.delete_initiative(db, b.code, k, b.iids[1]),
    "set_scoring_method": lambda db, b, k: actions.set_scoring_method(db, b.code, k, "wsjf"),
    "add_dependency": lambda db, b, k: actions.add_dependency(db, b.code, k, b.iids[1], b.iids[0]),
    "remove_dependency": lambda db, b, k: actions.remove_dependency(db, b.code, k, b.iids[2], b.iids[0]),
    "set_sequence": lambda db, b, k: actions.set_sequence(db, b.code, k, [b.iids[0], b.iids[2], b.iids[1]]),
    "adopt_ranking": lambda db, b, k: actions.adopt_ranking(db, b.code, k),
    "record_decision": lambda db, b, k: actions.record_decision(
        db, b.code, k, b.iids[1], ANSWERS, "buy", "Speed matters more", now=NOW + 200
    ),
    "assign_owner": lambda db, b, k: actions.assign_owner(
        db, b.code, k, b.iids[0], "Priya", "Deploys per day", 1, 10, TODAY + timedelta(days=14), today=TODAY
    ),
    "confirm_observability": lambda db, b, k: actions.confirm_observability(db, b.code, k, True),
    "set_vote_budget": lambda db, b, k: actions.set_vote_budget(db, b.code, k, 7),
    "facilitator_token": lambda db, b, k: actions.facilitator_token(db, b.code, k),
}
ACTION_NAMES = sorted(FACILITATOR_ACTIONS)


@pytest.mark.parametrize("name", ACTION_NAMES)
@pytest.mark.parametrize("who", ["participant", "second participant"])
def test_participant_token_is_not_the_facilitator(db, board, name, who):
    before = dump(db)
    token = board.token if who == "participant" else board.token2
    with pytest.raises(NotAllowed, match="(?i)facilitator"):
        FACILITATOR_ACTIONS[name](db, board, token)
    assert dump(db) == before


@pytest.mark.parametrize("name", ACTION_NAMES)
@pytest.mark.parametrize("bad_key", ["wrong-key", "", None, "key-with-suffix"])
def test_wrong_key_is_refused_and_changes_nothing(db, board, name, bad_key):
    if bad_key == "key-with-suffix":
        bad_key = board.key + "x"
    before_version = version(db, board.code)
    before = dump(db)
    with pytest.raises(NotAllowed):
        FACILITATOR_ACTIONS[name](db, board, bad_key)
    assert version(db, board.code) == before_version
    assert dump(db) == before


@pytest.mark.parametrize("name", ACTION_NAMES)
@pytest.mark.parametrize("credential", ["key", "creation token", "device token", "key with spaces"])
def test_facilitator_credentials_work(db, board, name, credential):
    if credential == "key":
        key = board.key
    elif credential == "creation token":
        key = board.creation_token
    elif credential == "key with spaces":
        key = f"  {board.key} "
    else:
        key = actions.facilitator_token(db, board.code, board.key)
        assert key not in (board.key, board.creation_token)
    before = version(db, board.code)
    FACILITATOR_ACTIONS[name](db, board, key)
    assert version(db, board.code) == before + 1  # exactly one atomic change


def test_is_facilitator_and_identify(db, board):
    assert actions.is_facilitator(db, board.code, board.key)
    assert actions.is_facilitator(db, board.code, board.creation_token)
    assert not actions.is_facilitator(db, board.code, board.token)
    assert not actions.is_facilitator(db, board.code, None)
    assert not actions.is_facilitator(db, "NOSUCH", board.key)
    assert actions.identify(db, board.code, board.token)["name"] == "Ann"
    assert actions.identify(db, board.code, "not-a-token") is None
    assert actions.identify(db, board.code, None) is None


def test_credential_names_what_a_secret_opens_and_nothing_else(db, two):
    """What a link or a page sign-in may keep in a cookie (issue 20, finding 3): the key itself
    never, another workshop's secrets never, a revoked leader link no longer."""
    a, b = two
    leader = actions.issue_leader_link(db, a.code, a.key)
    assert actions.credential(db, a.code, a.token) == actions.PARTICIPANT
    assert actions.credential(db, a.code.lower(), a.creation_token) == actions.FACILITATOR_DEVICE
    assert actions.credential(db, a.code, leader) == actions.LEADER
    for secret in (a.key, b.token, b.creation_token, "", None, 42, "x" * 500, a.token + " "):
        assert actions.credential(db, a.code, secret) is None, secret
    assert actions.credential(db, "NOSUCH", a.token) is None
    actions.revoke_leader_link(db, a.code, a.key)
    assert actions.credential(db, a.code, leader) is None


def test_the_key_is_stored_only_as_a_hash(db, board):
    row = storage.workshop_by_code(db, board.code)
    assert board.key not in str(dict(row))
    assert row["key_hash"] == actions.hash_secret(board.key)
    for p in storage.participants(db, row["id"]):
        assert p["token_hash"] not in (board.token, board.token2, board.creation_token)


# --- isolation between workshops ---------------------------------------------------------------


@pytest.fixture
def two(db, workshop) -> tuple[Board, Board]:
    other = actions.create_workshop(db, "Other", "Globex", "enterprise", now=NOW + 5000)
    return make_board(db, workshop), make_board(db, other, t=NOW + 5000)


@pytest.mark.parametrize("name", ACTION_NAMES)
def test_key_of_one_workshop_cannot_act_on_another(db, two, name):
    a, b = two
    for credential in (a.key, a.creation_token, actions.facilitator_token(db, a.code, a.key)):
        before = dump(db)
        with pytest.raises(NotAllowed):
            FACILITATOR_ACTIONS[name](db, b, credential)
        assert dump(db) == before


PARTICIPANT_ACTIONS = {
    "add_bottleneck": lambda db, b, t: actions.add_bottleneck(db, b.code, t, "product", "A note", now=NOW),
    "vote": lambda db, b, t: actions.vote(db, b.code, t, b.bids[0], now=NOW),
    "unvote": lambda db, b, t: actions.unvote(db, b.code, t, b.bids[1]),
    "votes_left": lambda db, b, t: actions.votes_left(db, b.code, t),
    "add_impact": lambda db, b, t: actions.add_impact(db, b.code, t, b.bids[0], "churn", "worse", 2, "Because"),
    "add_initiative": lambda db, b, t: actions.add_initiative(db, b.code, t, "New idea", [b.bids[0]], now=NOW),
    "score_initiative": lambda db, b, t: actions.score_initiative(
        db, b.code, t, b.iids[1], {"value": 5, "effort": 5, "urgency": 5, "confidence": 50}, now=NOW
    ),
    "rename": lambda db, b, t: actions.rename(db, b.code, t, "New name"),
}


@pytest.mark.parametrize("name", sorted(PARTICIPANT_ACTIONS))
def test_participant_actions_need_this_workshops_identity(db, two, name):
    a, b = two
    for credential in (a.token, a.key, "made-up", None, ""):
        before = dump(db)
        with pytest.raises(NotAllowed, match="Join the workshop"):
            PARTICIPANT_ACTIONS[name](db, b, credential)
        assert dump(db) == before
    PARTICIPANT_ACTIONS[name](db, b, b.token)  # the right identity works


FOREIGN_IDS = {
    "edit_bottleneck": lambda db, a, b: actions.edit_bottleneck(db, b.code, b.key, a.bids[0], "x"),
    "hide_bottleneck": lambda db, a, b: actions.hide_bottleneck(db, b.code, b.key, a.bids[0]),
    "merge source": lambda db, a, b: actions.merge_bottlenecks(db, b.code, b.key, a.bids[3], b.bids[1]),
    "merge target": lambda db, a, b: actions.merge_bottlenecks(db, b.code, b.key, b.bids[3], a.bids[1]),
    "vote": lambda db, a, b: actions.vote(db, b.code, b.token, a.bids[1]),
    "unvote": lambda db, a, b: actions.unvote(db, b.code, b.token, a.bids[1]),
    "add_impact": lambda db, a, b: actions.add_impact(db, b.code, b.token, a.bids[1], "churn", "worse", 2, "x"),
    "delete_impact": lambda db, a, b: actions.delete_impact(db, b.code, b.key, a.impact_id),
    "add_initiative": lambda db, a, b: actions.add_initiative(db, b.code, b.token, "x", [b.bids[0], a.bids[0]]),
    "edit_initiative": lambda db, a, b: actions.edit_initiative(db, b.code, b.key, a.iids[0], "x", "", [b.bids[0]]),
    "edit_initiative links": lambda db, a, b: actions.edit_initiative(
        db, b.code, b.key, b.iids[0], "x", "", [a.bids[0]]
    ),
    "delete_initiative": lambda db, a, b: actions.delete_initiative(db, b.code, b.key, a.iids[0]),
    "score_initiative": lambda db, a, b: actions.score_initiative(
        db, b.code, b.token, a.iids[0], {"value": 5, "effort": 5, "urgency": 5, "confidence": 50}
    ),
    "add_dependency": lambda db, a, b: actions.add_dependency(db, b.code, b.key, b.iids[1], a.iids[0]),
    "remove_dependency": lambda db, a, b: actions.remove_dependency(db, b.code, b.key, a.iids[2], a.iids[0]),
    "set_sequence": lambda db, a, b: actions.set_sequence(db, b.code, b.key, [b.iids[0], a.iids[1]]),
    "record_decision": lambda db, a, b: actions.record_decision(db, b.code, b.key, a.iids[1], ANSWERS, "buy", "x"),
    "assign_owner": lambda db, a, b: actions.assign_owner(
        db, b.code, b.key, a.iids[0], "P", "M", 1, 2, TODAY, today=TODAY
    ),
}


@pytest.mark.parametrize("name", sorted(FOREIGN_IDS))
def test_ids_of_another_workshop_are_not_found(db, two, name):
    a, b = two
    before = dump(db)
    with pytest.raises(NotFound, match="not part of this workshop"):
        FOREIGN_IDS[name](db, a, b)
    assert dump(db) == before


def test_unknown_code_is_not_found(db, board):
    with pytest.raises(NotFound, match="No workshop has the code"):
        actions.join(db, "ZZZZZZ", "Ann")
    with pytest.raises(NotFound):
        actions.set_locked(db, "ZZZZZZ", board.key, True)


def test_an_unknown_code_is_refused_in_the_same_words_everywhere(db, board):
    expected = str(no_workshop("ZZZZZZ"))
    for read in (
        lambda: actions.join(db, "ZZZZZZ", "Ann"),
        lambda: load(db, "ZZZZZZ"),
        lambda: room.participant_view(db, "ZZZZZZ", board.token),
    ):
        with pytest.raises(NotFound) as refused:
            read()
        assert str(refused.value) == expected
    assert str(live.NOT_FOUND) == str(no_workshop()) == "No workshop has that code. Check the code and try again."
    assert str(no_workshop("Z" * 500)) == f"No workshop has the code {'Z' * 12!r}. Check the code and try again."


def test_codes_are_case_and_dash_insensitive(db, board):
    messy = f" {board.code[:3].lower()}-{board.code[3:]} "
    joined = actions.join(db, messy, "Cy", now=NOW)
    assert actions.identify(db, board.code, joined.token)["name"] == "Cy"
    assert len(board.code) == actions.CODE_LENGTH and set(board.code) <= set(actions.CODE_ALPHABET)


# --- bad input ---------------------------------------------------------------------------------

BAD_TEXTS = ["", "   ", "x" * 10_000, "\x00", "note\x00", "\x1b[31m", "red \x1b[31mtext", "\u202e", "abc\u202edef"]
TEXT_FIELDS = {
    "bottleneck text": lambda db, b, s: actions.add_bottleneck(db, b.code, b.token, "product", s, now=NOW),
    "edited bottleneck": lambda db, b, s: actions.edit_bottleneck(db, b.code, b.key, b.bids[0], s),
    "impact because": lambda db, b, s: actions.add_impact(db, b.code, b.token, b.bids[0], "churn", "worse", 3, s),
    "initiative title": lambda db, b, s: actions.add_initiative(db, b.code, b.token, s, [b.bids[0]]),
    "edited initiative": lambda db, b, s: actions.edit_initiative(db, b.code, b.key, b.iids[0], s, "", [b.bids[1]]),
    "rationale": lambda db, b, s: actions.record_decision(db, b.code, b.key, b.iids[1], ANSWERS, "build", s),
    "owner": lambda db, b, s: actions.assign_owner(db, b.code, b.key, b.iids[0], s, "Metric", 1, 2, TODAY, today=TODAY),
    "metric": lambda db, b, s: actions.assign_owner(db, b.code, b.key, b.iids[0], "Owner", s, 1, 2, TODAY, today=TODAY),
    "display name": lambda db, b, s: actions.rename(db, b.code, b.token, s),
}


def assert_refused_without_change(db, board, call, error=InvalidInput):
    before_version = version(db, board.code)
    before = dump(db)
    with pytest.raises(error) as info:
        call()
    assert str(info.value).strip(), "a refusal must say why"
    assert version(db, board.code) == before_version
    assert dump(db) == before
    return str(info.value)


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
@pytest.mark.parametrize("text", BAD_TEXTS, ids=repr)
def test_bad_text_is_refused_and_changes_nothing(db, board, field, text):
    assert_refused_without_change(db, board, lambda: TEXT_FIELDS[field](db, board, text))


@pytest.mark.parametrize("text", [t for t in BAD_TEXTS if t.strip()], ids=repr)
def test_bad_display_name_refused_at_join(db, board, text):
    assert_refused_without_change(db, board, lambda: actions.join(db, board.code, text))


@pytest.mark.parametrize("text", BAD_TEXTS, ids=repr)
def test_bad_title_refused_at_creation(db, text):
    with pytest.raises(InvalidInput):
        actions.create_workshop(db, text, "Org", "startup")
    with pytest.raises(InvalidInput):
        actions.create_workshop(db, "Title", text, "startup")
    assert workshop_count(db) == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"stage": "unicorn"},
        {"minutes": {"bottlenecks": 0}},
        {"minutes": {"owners": 121}},
        {"minutes": {"lunch": 10}},
        {"minutes": {"impact": "abc"}},
        {"vote_budget": 0},
        {"vote_budget": 21},
        {"vote_budget": True},
        {"vote_budget": 2.5},
    ],
    ids=repr,
)
def test_bad_creation_settings_refused(db, kwargs):
    args = {"title": "T", "organisation": "O", "stage": "startup", **kwargs}
    with pytest.raises(InvalidInput):
        actions.create_workshop(db, **args)
    assert workshop_count(db) == 0


def score(**overrides):
    return {"value": 5, "effort": 5, "urgency": 5, "confidence": 50, **overrides}


BAD_CALLS = {
    "dimension unknown": lambda db, b: actions.add_bottleneck(db, b.code, b.token, "people", "x"),
    "dimension upper case": lambda db, b: actions.add_bottleneck(db, b.code, b.token, "PRODUCT", "x"),
    "dimension missing": lambda db, b: actions.add_bottleneck(db, b.code, b.token, None, "x"),
    "edit to unknown dimension": lambda db, b: actions.edit_bottleneck(db, b.code, b.key, b.bids[0], "x", "people"),
    "client id with control": lambda db, b: actions.add_bottleneck(
        db, b.code, b.token, "product", "x", client_id="\x1b"
    ),
    "bottleneck id text": lambda db, b: actions.vote(db, b.code, b.token, "abc"),
    "bottleneck id zero": lambda db, b: actions.vote(db, b.code, b.token, 0),
    "merge into itself": lambda db, b: actions.merge_bottlenecks(db, b.code, b.key, b.bids[0], b.bids[0]),
    "unvote without vote": lambda db, b: actions.unvote(db, b.code, b.token2, b.bids[0]),
    **{
        f"score {name}": (lambda s: lambda db, b: actions.score_initiative(db, b.code, b.token, b.iids[0], s))(s)
        for name, s in {
            "value 0": score(value=0),
            "value 11": score(value=11),
            "effort 0": score(effort=0),
            "effort 11": score(effort=11),
            "urgency -1": score(urgency=-1),
            "confidence 9": score(confidence=9),
            "confidence 101": score(confidence=101),
            "value bool": score(value=True),
            "value None": score(value=None),
            "value 5.5": score(value=5.5),
            "value abc": score(value="abc"),
            "value nan": score(value=float("nan")),
            "missing effort": {"value": 5, "urgency": 5, "confidence": 50},
        }.items()
    },
    **{
        f"money {name}": (
            lambda m: (
                lambda db, b: actions.add_impact(db, b.code, b.token, b.bids[0], "churn", "worse", 3, "x", money=m)
            )
        )(m)
        for name, m in {
            "abc": "abc",
            "nan": float("nan"),
            "inf": float("inf"),
            "nan text": "nan",
            "inf text": "inf",
            "negative": -5,
            "huge": 1e13,
            "bool": True,
        }.items()
    },
    "impact outcome": lambda db, b: actions.add_impact(db, b.code, b.token, b.bids[0], "vibes", "worse", 3, "x"),
    "impact direction": lambda db, b: actions.add_impact(db, b.code, b.token, b.bids[0], "churn", "sideways", 3, "x"),
    "impact magnitude 0": lambda db, b: actions.add_impact(db, b.code, b.token, b.bids[0], "churn", "worse", 0, "x"),
    "impact magnitude 6": lambda db, b: actions.add_impact(db, b.code, b.token, b.bids[0], "churn", "worse", 6, "x"),
    "initiative without bottleneck": lambda db, b: actions.add_initiative(db, b.code, b.token, "x", []),
    "edit without bottleneck": lambda db, b: actions.edit_initiative(db, b.code, b.key, b.iids[0], "x", "", []),
    "description too long": lambda db, b: actions.add_initiative(db, b.code, b.token, "x", [b.bids[0]], "d" * 1001),
    **{
        f"extend {name}": (lambda m: lambda db, b: actions.extend_timer(db, b.code, b.key, m, now=NOW))(m)
        for name, m in {
            "nan": float("nan"),
            "inf": float("inf"),
            "abc": "abc",
            "zero": 0,
            "121": 121,
            "-121": -121,
        }.items()
    },
    **{
        f"step minutes {name}": (lambda m: lambda db, b: actions.set_step_minutes(db, b.code, b.key, "owners", m))(m)
        for name, m in {"0": 0, "121": 121, "abc": "abc", "nan": float("nan"), "bool": True}.items()
    },
    "step minutes unknown step": lambda db, b: actions.set_step_minutes(db, b.code, b.key, "lunch", 10),
    **{
        f"vote budget {name}": (lambda m: lambda db, b: actions.set_vote_budget(db, b.code, b.key, m))(m)
        for name, m in {"0": 0, "21": 21, "bool": True, "abc": "abc"}.items()
    },
    "scoring method": lambda db, b: actions.set_scoring_method(db, b.code, b.key, "magic"),
    "go to unknown step": lambda db, b: actions.go_to_step(db, b.code, b.key, "lunch", from_step=on_step(db, b.code)),
    "decision without answers": lambda db, b: actions.record_decision(db, b.code, b.key, b.iids[1], {}, "buy", "x"),
    "decision bad answer": lambda db, b: actions.record_decision(
        db, b.code, b.key, b.iids[1], {**ANSWERS, "core": "maybe"}, "buy", "x"
    ),
    "decision bad choice": lambda db, b: actions.record_decision(db, b.code, b.key, b.iids[1], ANSWERS, "steal", "x"),
    **{
        f"owner {name}": (
            lambda kw: (
                lambda db, b: actions.assign_owner(
                    db,
                    b.code,
                    b.key,
                    b.iids[0],
                    "Owner",
                    "Metric",
                    **{"baseline": 1, "target": 2, "checkin": TODAY, "today": TODAY, **kw},
                )
            )
        )(kw)
        for name, kw in {
            "baseline abc": {"baseline": "abc"},
            "baseline nan": {"baseline": float("nan")},
            "target inf": {"target": float("inf")},
            "target abc": {"target": "abc"},
            "baseline blank": {"baseline": ""},
            "checkin text": {"checkin": "next week"},
            "checkin month 13": {"checkin": "2025-13-01"},
            "unit control": {"unit": "\x1b"},
        }.items()
    },
    "sequence duplicates": lambda db, b: actions.set_sequence(db, b.code, b.key, [b.iids[0], b.iids[0]]),
    "initiative id text": lambda db, b: actions.delete_initiative(db, b.code, b.key, "abc"),
}


@pytest.mark.parametrize("name", sorted(BAD_CALLS))
def test_bad_input_is_refused_with_a_message_and_changes_nothing(db, board, name):
    assert_refused_without_change(db, board, lambda: BAD_CALLS[name](db, board))


def test_a_stale_press_of_next_back_or_end_is_refused_and_changes_nothing(db, workshop):
    """Next, Back and End name the step the console showed; the room has moved on since."""
    code, key = workshop.code, workshop.facilitator_key
    board = Board(code, key, "", "", "", [], 0, [])
    actions.next_step(db, code, key, now=NOW, from_step="bottlenecks")
    line = "The room is already on step 2, Impact mapping: nothing changed."
    for press in (
        lambda: actions.next_step(db, code, key, now=NOW + 1, from_step="bottlenecks"),
        lambda: actions.previous_step(db, code, key, now=NOW + 1, from_step="prioritise"),
        lambda: actions.go_to_step(db, code, key, "owners", now=NOW + 1, from_step="decide"),
        lambda: actions.end_workshop(db, code, key, now=NOW + 1, from_step="bottlenecks"),
    ):
        assert assert_refused_without_change(db, board, press) == line
    for step in ("", "lunch", None):
        assert (
            assert_refused_without_change(db, board, lambda s=step: actions.next_step(db, code, key, from_step=s))
            == "Unknown step."
        )
    actions.next_step(db, code, key, now=NOW + 2, from_step="impact")
    assert on_step(db, code) == "prioritise"


def test_a_stale_clock_press_is_refused(db, workshop):
    code, key = workshop.code, workshop.facilitator_key
    board = Board(code, key, "", "", "", [], 0, [])
    actions.next_step(db, code, key, now=NOW, from_step="bottlenecks")
    for press in (
        lambda: actions.start_timer(db, code, key, now=NOW, step="bottlenecks"),
        lambda: actions.pause_timer(db, code, key, now=NOW, step="bottlenecks"),
        lambda: actions.extend_timer(db, code, key, 1, now=NOW, step="bottlenecks"),
    ):
        assert "already on step 2" in assert_refused_without_change(db, board, press)
    actions.pause_timer(db, code, key, now=NOW + 5, step="impact")


def test_no_participant_write_runs_ahead_of_the_room(db, workshop):
    """Each write opens at its step (`steps.WRITES`): no initiative in step 1, no impact in a private brainstorm."""
    code, key = workshop.code, workshop.facilitator_key
    ann = actions.join(db, code, "Ann", now=NOW).token
    board = Board(code, key, "", ann, "", [], 0, [])
    note = actions.add_bottleneck(db, code, ann, "platform", "Deploys are slow", now=NOW)
    assert (
        assert_refused_without_change(
            db, board, lambda: actions.add_initiative(db, code, ann, "Deploy pipeline", [note]), InputLocked
        )
        == "Initiatives open at step 3, Prioritisation; the room is on step 1, Bottleneck mapping."
    )
    actions.set_private_brainstorm(db, code, key, True)
    assert assert_refused_without_change(
        db,
        board,
        lambda: actions.add_impact(db, code, ann, note, "churn", "worse", 3, "Because"),
        InputLocked,
    ).startswith("Impacts open at step 2, Impact mapping")
    actions.set_private_brainstorm(db, code, key, False)
    actions.go_to_step(db, code, key, "impact", now=NOW, from_step="bottlenecks")
    for write in (
        lambda: actions.score_initiative(db, code, ann, 1, {"value": 5, "effort": 5, "urgency": 5, "confidence": 50}),
        lambda: actions.pick_choice(db, code, ann, 1, "buy"),
        lambda: actions.volunteer(db, code, ann, 1),
    ):
        assert_refused_without_change(db, board, write, InputLocked)
    actions.add_impact(db, code, ann, note, "churn", "worse", 3, "Because")
    # A step the room has left still takes its writes: a note sent as Next was pressed is kept.
    assert actions.add_bottleneck(db, code, ann, "product", "Sent as Next was pressed") > note
    actions.vote(db, code, ann, note)


def test_a_hidden_note_is_not_merged(db, board):
    """Its votes are refunded: merging it would count them again, past someone's budget."""
    actions.hide_bottleneck(db, board.code, board.key, board.bids[2])
    for source, target in ((board.bids[2], board.bids[0]), (board.bids[0], board.bids[2])):
        assert "hidden" in assert_refused_without_change(
            db, board, lambda s=source, t=target: actions.merge_bottlenecks(db, board.code, board.key, s, t)
        )


def test_step_navigation_stops_at_either_end(db, workshop):
    code, key = workshop.code, workshop.facilitator_key
    board = Board(code, key, "", "", "", [], 0, [])
    assert_refused_without_change(
        db, board, lambda: actions.previous_step(db, code, key, now=NOW, from_step=on_step(db, code))
    )
    for n in range(4):
        actions.next_step(db, code, key, now=NOW + n, from_step=on_step(db, code))
    message = assert_refused_without_change(
        db, board, lambda: actions.next_step(db, code, key, now=NOW + 10, from_step=on_step(db, code))
    )
    assert "last step" in message


# --- votes, merge, hide, resubmission -----------------------------------------------------------


def test_vote_budget_is_enforced(db, board):
    target = board.bids[0]
    lefts = [actions.vote(db, board.code, board.token2, target, now=NOW + n) for n in range(5)]
    assert lefts == [4, 3, 2, 1, 0]
    assert_refused_without_change(
        db, board, lambda: actions.vote(db, board.code, board.token2, board.bids[1]), BudgetExhausted
    )
    assert actions.votes_left(db, board.code, board.token2) == 0
    assert actions.unvote(db, board.code, board.token2, target) == 1
    assert actions.vote(db, board.code, board.token2, board.bids[1], now=NOW) == 0
    snapshot = load(db, board.code)
    assert snapshot.bottleneck(target)["votes"] == 4


def test_raising_the_budget_frees_dots(db, board):
    for _ in range(5):
        actions.vote(db, board.code, board.token2, board.bids[0])
    actions.set_vote_budget(db, board.code, board.key, 6)
    assert actions.vote(db, board.code, board.token2, board.bids[0]) == 0


def test_unvote_takes_back_only_own_votes(db, board):
    actions.vote(db, board.code, board.token2, board.bids[2])
    assert_refused_without_change(db, board, lambda: actions.unvote(db, board.code, board.token, board.bids[2]))
    assert actions.unvote(db, board.code, board.token2, board.bids[2]) == 5
    assert load(db, board.code).bottleneck(board.bids[2])["votes"] == 0


def test_merge_carries_votes_impacts_and_links(db, board):
    code, key = board.code, board.key
    dup, keep = board.bids[3], board.bids[1]
    actions.vote(db, code, board.token2, dup)
    actions.vote(db, code, board.token2, dup)
    impact = actions.add_impact(db, code, board.token2, dup, "lead_time", "worse", 3, "Queue")
    only_dup = actions.add_initiative(db, code, board.token, "Deploy train", [dup])
    both = actions.add_initiative(db, code, board.token, "Deploy tooling", [dup, keep])
    older = actions.add_bottleneck(db, code, board.token2, "platform", "Deploys are slow")
    actions.merge_bottlenecks(db, code, key, older, dup)  # an earlier merge into the duplicate

    before = load(db, code)
    total_votes = before.bottleneck(dup)["votes"] + before.bottleneck(keep)["votes"]
    actions.merge_bottlenecks(db, code, key, dup, keep)

    after = load(db, code)
    assert after.bottleneck(keep)["votes"] == total_votes == 3
    assert after.bottleneck(dup)["votes"] == 0
    assert after.bottleneck(dup)["merged_into"] == keep
    assert after.bottleneck(older)["merged_into"] == keep
    assert {b["id"] for b in after.live_bottlenecks} == {board.bids[0], keep, board.bids[2]}
    assert next(i for i in after.impacts if i["id"] == impact)["bottleneck_id"] == keep
    assert after.initiative(only_dup).bottleneck_ids == [keep]
    assert after.initiative(both).bottleneck_ids == [keep]
    assert len(after.votes) == len(before.votes)
    assert actions.votes_left(db, code, board.token2) == 3
    with pytest.raises(InvalidInput, match="merged"):
        actions.vote(db, code, board.token2, dup)


def test_hidden_notes_leave_the_board_keep_their_votes_and_refund_the_budget(db, board):
    code, key, noise = board.code, board.key, board.bids[2]
    actions.vote(db, code, board.token2, noise)
    actions.vote(db, code, board.token2, noise)
    assert actions.votes_left(db, code, board.token2) == 3
    actions.hide_bottleneck(db, code, key, noise)
    snapshot = load(db, code)
    assert noise not in [b["id"] for b in snapshot.live_bottlenecks]
    assert noise not in [b["id"] for rows in snapshot.by_dimension().values() for b in rows]
    assert [b["id"] for b in snapshot.hidden_bottlenecks] == [noise]
    assert snapshot.bottleneck(noise)["votes"] == 2, "the votes stay recorded"
    assert actions.votes_left(db, code, board.token2) == 5, "but no longer count against the budget"
    assert_refused_without_change(db, board, lambda: actions.vote(db, code, board.token2, noise))
    actions.hide_bottleneck(db, code, key, noise, hidden=False)
    snapshot = load(db, code)
    assert noise in [b["id"] for b in snapshot.live_bottlenecks]
    assert snapshot.bottleneck(noise)["votes"] == 2
    assert actions.votes_left(db, code, board.token2) == 3


def test_the_vote_budget_always_holds(db, board):
    """Lowering the budget below what someone spent, or restoring a note that would put
    someone over it, is refused: counted votes never exceed the budget (so exports re-import)."""
    code, key, noise = board.code, board.key, board.bids[2]
    for bid in (noise, noise, board.bids[0], board.bids[1]):
        actions.vote(db, code, board.token2, bid)
    assert_refused_without_change(db, board, lambda: actions.set_vote_budget(db, code, key, 3))
    actions.hide_bottleneck(db, code, key, noise)
    actions.vote(db, code, board.token2, board.bids[0])
    actions.vote(db, code, board.token2, board.bids[0])
    assert actions.votes_left(db, code, board.token2) == 1
    with pytest.raises(BudgetExhausted, match="raise the votes per person"):
        actions.hide_bottleneck(db, code, key, noise, hidden=False)
    actions.set_vote_budget(db, code, key, 6)
    actions.hide_bottleneck(db, code, key, noise, hidden=False)
    assert actions.votes_left(db, code, board.token2) == 0


def test_board_is_sorted_by_votes(db, board):
    for _ in range(3):
        actions.vote(db, board.code, board.token2, board.bids[2])
    live = load(db, board.code).live_bottlenecks
    assert [b["votes"] for b in live] == sorted((b["votes"] for b in live), reverse=True)
    assert live[0]["id"] == board.bids[2]


def test_resubmitting_with_the_same_client_id_adds_one_note(db, board):
    first = actions.add_bottleneck(db, board.code, board.token2, "product", "Pricing confuses", client_id="abc-1")
    again = actions.add_bottleneck(db, board.code, board.token2, "product", "Pricing confuses", client_id="abc-1")
    assert again == first
    rows = [b for b in load(db, board.code).bottlenecks if b["text"] == "Pricing confuses"]
    assert len(rows) == 1
    other_person = actions.add_bottleneck(db, board.code, board.token, "product", "Pricing confuses", client_id="abc-1")
    assert other_person != first
    no_client = [actions.add_bottleneck(db, board.code, board.token, "product", "Same text") for _ in range(2)]
    assert no_client[0] != no_client[1]


def test_anonymous_join_and_rename(db, workshop):
    person = actions.join(db, workshop.code, "   ", now=NOW)
    assert person.name.startswith("Anonymous")
    assert actions.rename(db, workshop.code, person.token, "  Zoë  ") == "Zoë"
    assert actions.identify(db, workshop.code, person.token)["name"] == "Zoë"


# --- locked and ended workshops -----------------------------------------------------------------

PARTICIPANT_INPUT = {
    "add_bottleneck": lambda db, b: actions.add_bottleneck(db, b.code, b.token, "product", "Late note"),
    "vote": lambda db, b: actions.vote(db, b.code, b.token, b.bids[0]),
    "unvote": lambda db, b: actions.unvote(db, b.code, b.token, b.bids[1]),
    "add_impact": lambda db, b: actions.add_impact(db, b.code, b.token, b.bids[0], "churn", "worse", 2, "x"),
    "add_initiative": lambda db, b: actions.add_initiative(db, b.code, b.token, "Late idea", [b.bids[0]]),
    "score_initiative": lambda db, b: actions.score_initiative(db, b.code, b.token, b.iids[0], score()),
}


@pytest.mark.parametrize("name", sorted(PARTICIPANT_INPUT))
def test_locked_workshop_refuses_participant_input(db, board, name):
    actions.set_locked(db, board.code, board.key, True)
    message = assert_refused_without_change(db, board, lambda: PARTICIPANT_INPUT[name](db, board), InputLocked)
    assert "locked" in message
    actions.set_locked(db, board.code, board.key, False)
    PARTICIPANT_INPUT[name](db, board)


@pytest.mark.parametrize("name", sorted(PARTICIPANT_INPUT))
def test_ended_workshop_refuses_participant_input(db, board, name):
    actions.end_workshop(db, board.code, board.key, now=NOW + 500, from_step=on_step(db, board.code))
    message = assert_refused_without_change(db, board, lambda: PARTICIPANT_INPUT[name](db, board), InputLocked)
    assert "ended" in message


def test_ended_workshop_refuses_joining_and_restarting(db, board):
    actions.end_workshop(db, board.code, board.key, now=NOW + 500, from_step=on_step(db, board.code))
    assert_refused_without_change(db, board, lambda: actions.join(db, board.code, "Late"), InputLocked)
    assert_refused_without_change(
        db, board, lambda: actions.start_timer(db, board.code, board.key, now=NOW), InputLocked
    )
    assert_refused_without_change(
        db,
        board,
        lambda: actions.next_step(db, board.code, board.key, now=NOW, from_step=on_step(db, board.code)),
        InputLocked,
    )
    assert_refused_without_change(
        db, board, lambda: actions.pause_timer(db, board.code, board.key, now=NOW), InputLocked
    )
    assert_refused_without_change(
        db, board, lambda: actions.extend_timer(db, board.code, board.key, 1, now=NOW), InputLocked
    )
    before = version(db, board.code)
    actions.end_workshop(
        db, board.code, board.key, now=NOW + 900, from_step=on_step(db, board.code)
    )  # ending twice is a no-op
    assert version(db, board.code) == before
    snapshot = load(db, board.code)
    assert snapshot.ended and snapshot.workshop["ended_at"] == NOW + 500
    assert all(t.state in ("done", "pending") for t in snapshot.timers)


def test_reopened_workshop_accepts_input_again(db, board):
    actions.end_workshop(db, board.code, board.key, now=NOW + 500, from_step=on_step(db, board.code))
    actions.reopen_workshop(db, board.code, board.key)
    assert actions.add_bottleneck(db, board.code, board.token, "product", "After reopening") > 0


def test_joining_a_locked_workshop_is_allowed(db, board):
    actions.set_locked(db, board.code, board.key, True)
    assert actions.join(db, board.code, "Late").name == "Late"


# --- owners ------------------------------------------------------------------------------------


def test_assign_owner_refusals(db, board):
    code, key, decided, undecided = board.code, board.key, board.iids[0], board.iids[1]
    cases = [
        (lambda: actions.assign_owner(db, code, key, decided, "P", "M", 5, 5, TODAY, today=TODAY), "baseline"),
        (lambda: actions.assign_owner(db, code, key, decided, "P", "M", "5", 5.0, TODAY, today=TODAY), "baseline"),
        (
            lambda: actions.assign_owner(
                db, code, key, decided, "P", "M", 1, 2, TODAY - timedelta(days=1), today=TODAY
            ),
            "past",
        ),
        (lambda: actions.assign_owner(db, code, key, decided, "P", "M", 1, 2, "2020-01-01", today=TODAY), "past"),
        (lambda: actions.assign_owner(db, code, key, undecided, "P", "M", 1, 2, TODAY, today=TODAY), "decision"),
    ]
    for call, word in cases:
        assert word in assert_refused_without_change(db, board, call)


def test_past_checkin_is_judged_against_now(db, board):
    today = date.fromtimestamp(NOW)
    assert_refused_without_change(
        db,
        board,
        lambda: actions.assign_owner(
            db, board.code, board.key, board.iids[0], "P", "M", 1, 2, today - timedelta(days=1), now=NOW
        ),
    )
    actions.assign_owner(db, board.code, board.key, board.iids[0], "P", "M", 1, 2, today, now=NOW)


def test_assign_owner_stores_and_replaces(db, board):
    code, key, iid = board.code, board.key, board.iids[0]
    actions.assign_owner(
        db,
        code,
        key,
        iid,
        "Priya",
        "Deploys per day",
        "1,000",
        2000,
        "2025-07-01",
        unit="deploys",
        today=TODAY,
        now=NOW,
    )
    owner = load(db, code).initiative(iid).owner
    assert (owner["owner"], owner["metric"], owner["unit"], owner["baseline"], owner["target"], owner["checkin"]) == (
        "Priya",
        "Deploys per day",
        "deploys",
        1000.0,
        2000.0,
        "2025-07-01",
    )
    actions.assign_owner(db, code, key, iid, "Tom", "Lead time", 10, 2, TODAY, today=TODAY, now=NOW)
    assert load(db, code).initiative(iid).owner["owner"] == "Tom"
    assert len(storage.owners(db, storage.workshop_by_code(db, code)["id"])) == 1


# --- dependencies and sequence -----------------------------------------------------------------


def test_dependency_cycles_are_refused(db, board):
    code, key = board.code, board.key
    first, second, third = board.iids  # third must already come after first
    assert_refused_without_change(db, board, lambda: actions.add_dependency(db, code, key, first, first), CycleRefused)
    assert_refused_without_change(db, board, lambda: actions.add_dependency(db, code, key, first, third), CycleRefused)
    actions.add_dependency(db, code, key, second, third)  # first → third → second
    message = assert_refused_without_change(
        db, board, lambda: actions.add_dependency(db, code, key, first, second), CycleRefused
    )
    assert "circular" in message
    snapshot = load(db, code)
    assert snapshot.initiative(third).after_ids == [first]
    assert snapshot.initiative(second).after_ids == [third]


def test_sequence_must_respect_dependencies(db, board):
    code, key = board.code, board.key
    first, second, third = board.iids
    message = assert_refused_without_change(
        db, board, lambda: actions.set_sequence(db, code, key, [third, first, second]), CycleRefused
    )
    assert "must come after" in message
    assert_refused_without_change(db, board, lambda: actions.set_sequence(db, code, key, [third, second]), CycleRefused)
    actions.set_sequence(db, code, key, [second, first, third])
    snapshot = load(db, code)
    assert [i.id for i in snapshot.sequenced] == [second, first, third]
    actions.set_sequence(db, code, key, [first])
    assert [i.id for i in load(db, code).sequenced] == [first]


def test_adding_a_dependency_repairs_an_existing_sequence(db, board):
    code, key = board.code, board.key
    first, second, third = board.iids
    actions.set_sequence(db, code, key, [second, first, third])
    actions.add_dependency(db, code, key, second, third)
    order = [i.id for i in load(db, code).sequenced]
    assert order.index(first) < order.index(third) < order.index(second)


def test_adopt_ranking_follows_rank_and_dependencies(db, board):
    code, key = board.code, board.key
    first, second, third = board.iids
    # value 8/7/6 gives rank first, second, third; make third the best instead
    for token in (board.token, board.token2):
        actions.score_initiative(db, code, token, third, score(value=10, effort=1, confidence=100))
    order = actions.adopt_ranking(db, code, key)
    assert order == [first, third, second]  # third is best but must come after first
    snapshot = load(db, code)
    assert [i.id for i in snapshot.sequenced] == order
    assert snapshot.ranked[0].id == third


def test_adopt_ranking_needs_initiatives(db, workshop):
    with pytest.raises(InvalidInput):
        actions.adopt_ranking(db, workshop.code, workshop.facilitator_key)


def test_delete_initiative_removes_its_dependencies_and_decision(db, board):
    actions.delete_initiative(db, board.code, board.key, board.iids[0])
    snapshot = load(db, board.code)
    assert [i.id for i in snapshot.initiatives] == board.iids[1:]
    assert snapshot.initiative(board.iids[2]).after_ids == []
    assert all(s["initiative_id"] != board.iids[0] for s in snapshot.scores)
    assert snapshot.decided == []


def test_record_decision_keeps_an_overrule(db, board):
    answers = {"core": "no", "speed": "speed", "network": "no", "capability": "yes", "cost": "buy"}
    rec = actions.record_decision(db, board.code, board.key, board.iids[1], answers, "build", "We insist", now=NOW)
    assert rec.choice == "buy"
    decision = load(db, board.code).initiative(board.iids[1]).decision
    assert (decision["choice"], decision["recommendation"], decision["answers"]) == ("build", "buy", answers)


def test_record_decision_without_a_pick_follows_the_recommendation_of_the_current_answers(db, board):
    partner = {"core": "no", "speed": "balanced", "network": "yes", "capability": "yes", "cost": "similar"}
    build = {"core": "yes", "speed": "balanced", "network": "no", "capability": "yes", "cost": "build"}
    actions.record_decision(db, board.code, board.key, board.iids[1], partner, None, "First pass", now=NOW)
    actions.record_decision(db, board.code, board.key, board.iids[1], build, None, "Answers changed", now=NOW)
    decision = load(db, board.code).initiative(board.iids[1]).decision
    assert (decision["choice"], decision["recommendation"]) == ("build", "build")


# --- timers through actions --------------------------------------------------------------------


def test_timers_through_the_facilitator(db, workshop):
    code, key = workshop.code, workshop.facilitator_key
    actions.start_timer(db, code, key, now=NOW)
    actions.pause_timer(db, code, key, now=NOW + 300)
    actions.extend_timer(db, code, key, 5, now=NOW + 400)
    t = load(db, code).timer("bottlenecks")
    assert (t.state, t.remaining, t.spent) == ("paused", (20 - 5 + 5) * 60, 300)
    actions.start_timer(db, code, key, now=NOW + 1000)
    actions.next_step(db, code, key, now=NOW + 1600, from_step=on_step(db, code))
    snapshot = load(db, code)
    first, second = snapshot.timer("bottlenecks"), snapshot.timer("impact")
    assert (first.state, first.spent) == ("done", 900)
    assert second.state == "running" and second.run_started == NOW + 1600
    assert snapshot.current_step.key == "impact"
    actions.previous_step(db, code, key, now=NOW + 1700, from_step=on_step(db, code))
    snapshot = load(db, code)
    assert snapshot.current_step.key == "bottlenecks"
    assert snapshot.timer("bottlenecks").state == "paused"  # reopened, not restarted
    assert snapshot.timer("impact").state == "done" and snapshot.timer("impact").spent == 100


def test_set_step_minutes_resets_only_pending_steps(db, workshop):
    code, key = workshop.code, workshop.facilitator_key
    actions.start_timer(db, code, key, now=NOW)
    actions.set_step_minutes(db, code, key, "bottlenecks", 30)
    actions.set_step_minutes(db, code, key, "owners", 15)
    snapshot = load(db, code)
    assert snapshot.timer("bottlenecks").minutes == 30
    assert snapshot.timer("bottlenecks").deadline == NOW + 20 * 60
    assert (snapshot.timer("owners").minutes, snapshot.timer("owners").remaining) == (15, 900)


def test_go_to_the_current_step_changes_nothing(db, workshop):
    before = version(db, workshop.code)
    actions.go_to_step(
        db, workshop.code, workshop.facilitator_key, "bottlenecks", now=NOW, from_step=on_step(db, workshop.code)
    )
    assert version(db, workshop.code) == before


def test_custom_durations_at_creation(db):
    created = actions.create_workshop(
        db, "T", "O", "regulated", minutes={"impact": "25", "owners": 5}, vote_budget=3, now=NOW
    )
    snapshot = load(db, created.code)
    assert snapshot.planned_minutes() == {"bottlenecks": 20, "impact": 25, "prioritise": 20, "decide": 20, "owners": 5}
    assert snapshot.workshop["vote_budget"] == 3


# --- concurrency -------------------------------------------------------------------------------


def test_concurrent_writers_each_with_their_own_connection(database):
    path = database
    setup = storage.connect(path)
    created = actions.create_workshop(setup, "Busy", "Org", "scaleup", now=NOW)
    tokens = [actions.join(setup, created.code, f"P{n}", now=NOW).token for n in range(8)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(token: str, n: int) -> None:
        db = storage.connect(path)
        try:
            barrier.wait()
            for i in range(25):
                actions.add_bottleneck(
                    db, created.code, token, "platform", f"note {n}-{i}", client_id=f"{n}-{i}", now=NOW + i
                )
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=worker, args=(t, n)) for n, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    workshop_id = storage.workshop_by_code(setup, created.code)["id"]
    count = setup.execute("SELECT COUNT(*) FROM bottlenecks WHERE workshop_id = ?", [workshop_id]).fetchone()[0]
    assert count == 200
    assert len({b["text"] for b in storage.bottlenecks(setup, workshop_id)}) == 200
    assert version(setup, created.code) == 1 + 8 + 200
    setup.close()


def test_every_refusal_is_a_workshop_error():
    for error in (NotFound, NotAllowed, InvalidInput, InputLocked, BudgetExhausted, CycleRefused):
        assert issubclass(error, WorkshopError)
