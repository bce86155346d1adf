"""The audit trail: every change writes exactly one entry, participants' writes are counted, the
table cannot be changed, and the trail survives the backup.

The main test walks every public function of `workshop.actions` and calls it through a recipe
below: a new action without a recipe fails, and so does a change that writes no entry (or two), a
participant write that does not bump its count, or a read that writes anything.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import workshop.actions
from tests.helpers import NOW, as_restored, on_step, reach
from tests.test_actions import ANSWERS, TODAY, Board, make_board
from workshop import actions
from workshop import store as storage
from workshop.backup import export
from workshop.demo import create_demo
from workshop.domain import audit, erasure, language
from workshop.domain.audience import FACILITATOR, LEADER, PUBLIC, owner, participant, view
from workshop.domain.errors import CycleRefused, NotAllowed
from workshop.reports import downloads
from workshop.reports import trail as trail_report
from workshop.store.load import load

ROOT = Path(__file__).resolve().parent.parent
OWNER = "Priya"


@dataclass
class Room:
    """The board of `test_actions` (step 3, one decision) with everything a change needs: an owner
    with a check-in, a leader link, an owner link, a second facilitator device, and a workshop of
    the same organisation that opens by reviewing an earlier one's commitments."""

    b: Board
    device: str
    leader: str
    owner: str
    checkin_id: int
    review_code: str
    review_key: str
    commitment_id: int


def make_room(db) -> Room:
    earlier = create_demo(db, now=NOW - 100 * 86_400)
    organisation = load(db, earlier.code).workshop["organisation"]
    created = actions.create_workshop(db, "Scaling plan", organisation, "scaleup", now=NOW)
    b = make_board(db, created)
    actions.assign_owner(
        db, b.code, b.key, b.iids[0], OWNER, "Deploys per day", 1, 10, TODAY + timedelta(days=14), today=TODAY, now=NOW
    )
    checkin = actions.record_checkin(db, b.code, b.key, b.iids[0], 3, "on_track", today=TODAY + timedelta(days=1))
    leader = actions.issue_leader_link(db, b.code, b.key)
    owner_link = actions.issue_owner_link(db, b.code, b.key, OWNER)
    device = actions.facilitator_token(db, b.code, b.key)
    review = actions.create_workshop(db, "Next round", organisation, "scaleup", review_minutes=5, now=NOW + 10)
    commitment = load(db, review.code).commitments[0].initiative_id
    return Room(b, device, leader, owner_link, checkin, review.code, review.facilitator_key, commitment)


@pytest.fixture
def room(db) -> Room:
    return make_room(db)


# --- one recipe per public function: what it is expected to leave, and how to call it --------------

ENTRY, COUNT, NOTHING, DELETED = "one entry", "one count", "nothing", "a deletion"
Thunk = Callable[[], Any]
Recipe = tuple[str, Callable[[Any, Room], Thunk]]


def _key(db: Any, r: Room) -> str:
    return r.b.key


def _at(step: str) -> Callable[[Any, Room], None]:
    """Setup that moves the room on to `step` (its own entry is made before the measured call)."""
    return lambda db, r: reach(db, r.b.code, r.b.key, step)


def _then(setup: Callable[[Any, Room], Any], call: Callable[[Any, Room], Any]) -> Callable[[Any, Room], Thunk]:
    def prepare(db: Any, r: Room) -> Thunk:
        setup(db, r)
        return lambda: call(db, r)

    return prepare


def _now(call: Callable[[Any, Room], Any]) -> Callable[[Any, Room], Thunk]:
    return lambda db, r: lambda: call(db, r)


def _reminders(db: Any, r: Room) -> Thunk:
    key = actions.issue_portfolio_key(db)
    return lambda: actions.issue_owner_links_for_reminders(db, key, [(r.b.code, OWNER)])


def _readiness(db: Any, r: Room) -> Thunk:
    actions.open_readiness(db, r.b.code, r.b.key, True)
    return lambda: actions.answer_readiness(db, r.b.code, r.b.token, [{"key": "demand", "rating": 2, "number": 3}])


def _retention(db: Any, r: Room) -> Thunk:
    """The earlier workshops are anonymised first; then the room ends and is the one due."""
    actions.anonymise_due(db, days=0)
    actions.end_workshop(db, r.b.code, r.b.key, from_step=on_step(db, r.b.code))
    return lambda: actions.anonymise_due(db, days=0)


def _deletion(db: Any, r: Room) -> Thunk:
    """The room ends; the sweep then deletes it (and the earlier workshops, ended long before)."""
    actions.end_workshop(db, r.b.code, r.b.key, from_step=on_step(db, r.b.code))
    return lambda: actions.delete_due(db, days=0)


def _pid(db: Any, r: Room) -> int:
    """The room's first participant (who wrote notes and answered), by id."""
    me = actions.identify(db, r.b.code, r.b.token)
    assert me is not None
    return int(me["id"])


def _reads_workshop(db: Any, r: Room) -> dict[str, Any]:
    """The arguments of the read-only functions, by name."""
    w = storage.workshop_by_code(db, r.b.code)
    p = actions.identify(db, r.b.code, r.b.token)
    return {"workshop": w, "participant": p}


SCORE = {"value": 5, "effort": 5, "urgency": 5, "confidence": 50}

RECIPES: dict[str, Recipe] = {
    # --- facilitator changes: one entry each
    "create_workshop": (ENTRY, _now(lambda db, r: actions.create_workshop(db, "New", "Beta", "startup", now=NOW))),
    "facilitator_token": (ENTRY, _now(lambda db, r: actions.facilitator_token(db, r.b.code, r.b.key))),
    "set_locked": (ENTRY, _now(lambda db, r: actions.set_locked(db, r.b.code, r.device, True))),
    "set_language": (ENTRY, _now(lambda db, r: actions.set_language(db, r.b.code, r.b.key, "fr"))),
    "start_timer": (ENTRY, _now(lambda db, r: actions.start_timer(db, r.b.code, r.b.key, now=NOW + 200))),
    "pause_timer": (ENTRY, _now(lambda db, r: actions.pause_timer(db, r.b.code, r.b.key, now=NOW + 200))),
    "extend_timer": (ENTRY, _now(lambda db, r: actions.extend_timer(db, r.b.code, r.b.key, 2, now=NOW + 200))),
    "go_to_step": (
        ENTRY,
        _now(lambda db, r: actions.go_to_step(db, r.b.code, r.b.key, "decide", from_step=on_step(db, r.b.code))),
    ),
    "next_step": (ENTRY, _now(lambda db, r: actions.next_step(db, r.b.code, r.b.key, from_step=on_step(db, r.b.code)))),
    "previous_step": (
        ENTRY,
        _now(lambda db, r: actions.previous_step(db, r.b.code, r.b.key, from_step=on_step(db, r.b.code))),
    ),
    "set_step_minutes": (ENTRY, _now(lambda db, r: actions.set_step_minutes(db, r.b.code, r.b.key, "owners", 15))),
    "end_workshop": (
        ENTRY,
        _now(lambda db, r: actions.end_workshop(db, r.b.code, r.b.key, from_step=on_step(db, r.b.code))),
    ),
    "reopen_workshop": (
        ENTRY,
        _then(
            lambda db, r: actions.end_workshop(db, r.b.code, r.b.key, from_step=on_step(db, r.b.code)),
            lambda db, r: actions.reopen_workshop(db, r.b.code, r.b.key),
        ),
    ),
    "set_private_brainstorm": (
        ENTRY,
        _then(_at("bottlenecks"), lambda db, r: actions.set_private_brainstorm(db, r.b.code, r.b.key, True)),
    ),
    "edit_bottleneck": (
        ENTRY,
        _now(lambda db, r: actions.edit_bottleneck(db, r.b.code, r.b.key, r.b.bids[0], "Edited")),
    ),
    "hide_bottleneck": (ENTRY, _now(lambda db, r: actions.hide_bottleneck(db, r.b.code, r.b.key, r.b.bids[2]))),
    "merge_bottlenecks": (
        ENTRY,
        _now(lambda db, r: actions.merge_bottlenecks(db, r.b.code, r.b.key, r.b.bids[3], r.b.bids[1])),
    ),
    "set_vote_budget": (ENTRY, _now(lambda db, r: actions.set_vote_budget(db, r.b.code, r.b.key, 7))),
    "delete_impact": (ENTRY, _now(lambda db, r: actions.delete_impact(db, r.b.code, r.b.key, r.b.impact_id))),
    "merge_group": (
        ENTRY,
        _now(lambda db, r: actions.merge_group(db, r.b.code, r.b.key, r.b.bids[1], [r.b.bids[1], r.b.bids[3]])),
    ),
    "dismiss_suggestion": (
        ENTRY,
        _now(lambda db, r: actions.dismiss_suggestion(db, r.b.code, r.b.key, [r.b.bids[1], r.b.bids[3]])),
    ),
    "split_from_suggestion": (
        ENTRY,
        _now(
            lambda db, r: actions.split_from_suggestion(
                db, r.b.code, r.b.key, r.b.bids[3], [r.b.bids[1], r.b.bids[3], r.b.bids[0]]
            )
        ),
    ),
    "edit_initiative": (
        ENTRY,
        _now(
            lambda db, r: actions.edit_initiative(
                db, r.b.code, r.b.key, r.b.iids[1], "Self-serve onboarding", "A wizard", [r.b.bids[0], r.b.bids[2]]
            )
        ),
    ),
    "delete_initiative": (ENTRY, _now(lambda db, r: actions.delete_initiative(db, r.b.code, r.b.key, r.b.iids[1]))),
    "set_scoring_method": (ENTRY, _now(lambda db, r: actions.set_scoring_method(db, r.b.code, r.b.key, "wsjf"))),
    "add_dependency": (
        ENTRY,
        _now(lambda db, r: actions.add_dependency(db, r.b.code, r.b.key, r.b.iids[1], r.b.iids[0])),
    ),
    "remove_dependency": (
        ENTRY,
        _now(lambda db, r: actions.remove_dependency(db, r.b.code, r.b.key, r.b.iids[2], r.b.iids[0])),
    ),
    "set_sequence": (
        ENTRY,
        _now(lambda db, r: actions.set_sequence(db, r.b.code, r.b.key, [r.b.iids[0], r.b.iids[2], r.b.iids[1]])),
    ),
    "adopt_ranking": (ENTRY, _now(lambda db, r: actions.adopt_ranking(db, r.b.code, r.b.key))),
    "record_decision": (
        ENTRY,
        _now(lambda db, r: actions.record_decision(db, r.b.code, r.b.key, r.b.iids[0], ANSWERS, "buy", "Faster")),
    ),
    "answer_question": (
        ENTRY,
        _now(lambda db, r: actions.answer_question(db, r.b.code, r.b.key, r.b.iids[1], "core", "no")),
    ),
    "assign_owner": (
        ENTRY,
        _now(
            lambda db, r: actions.assign_owner(
                db,
                r.b.code,
                r.b.key,
                r.b.iids[0],
                "Ann",
                "Deploys per day",
                1,
                10,
                TODAY + timedelta(days=7),
                today=TODAY,
            )
        ),
    ),
    "confirm_observability": (ENTRY, _now(lambda db, r: actions.confirm_observability(db, r.b.code, r.b.key, True))),
    "open_readiness": (ENTRY, _now(lambda db, r: actions.open_readiness(db, r.b.code, r.b.key, True))),
    "set_reviewing": (ENTRY, _now(lambda db, r: actions.set_reviewing(db, r.review_code, r.review_key, False))),
    "review_commitment": (
        ENTRY,
        _now(
            lambda db, r: actions.review_commitment(
                db, r.review_code, r.review_key, r.commitment_id, "carry", "Not yet"
            )
        ),
    ),
    "issue_leader_link": (ENTRY, _now(lambda db, r: actions.issue_leader_link(db, r.b.code, r.b.key))),
    "revoke_leader_link": (ENTRY, _now(lambda db, r: actions.revoke_leader_link(db, r.b.code, r.b.key))),
    "issue_owner_link": (ENTRY, _now(lambda db, r: actions.issue_owner_link(db, r.b.code, r.b.key, OWNER))),
    "revoke_owner_link": (ENTRY, _now(lambda db, r: actions.revoke_owner_link(db, r.b.code, r.b.key, OWNER))),
    "delete_checkin": (ENTRY, _now(lambda db, r: actions.delete_checkin(db, r.b.code, r.b.key, r.checkin_id))),
    "issue_owner_links_for_reminders": (ENTRY, _reminders),
    # --- check-ins by each credential that may record one
    "record_checkin[key]": (
        ENTRY,
        _now(lambda db, r: actions.record_checkin(db, r.b.code, r.b.key, r.b.iids[0], 4, "at_risk", today=TODAY)),
    ),
    "record_checkin[leader]": (
        ENTRY,
        _now(lambda db, r: actions.record_checkin(db, r.b.code, r.leader, r.b.iids[0], 4, "at_risk", today=TODAY)),
    ),
    "record_checkin[owner]": (
        ENTRY,
        _now(lambda db, r: actions.record_checkin(db, r.b.code, r.owner, r.b.iids[0], 4, "at_risk", today=TODAY)),
    ),
    # --- the retention policy: one entry for the one workshop it anonymises
    "anonymise_due": (ENTRY, _retention),
    # --- erasure: one entry each, which counts what went and names nobody
    "erase_participant": (
        ENTRY,
        _now(lambda db, r: actions.erase_participant(db, r.b.code, r.b.key, _pid(db, r), delete_notes=True)),
    ),
    "remove_my_data": (ENTRY, _now(lambda db, r: actions.remove_my_data(db, r.b.code, r.b.token2))),
    "remove_owner": (ENTRY, _now(lambda db, r: actions.remove_owner(db, r.b.code, r.b.key, OWNER))),
    # --- a whole workshop's deletion: its trail goes with it, the server's record stays
    "delete_workshop": (DELETED, _now(lambda db, r: actions.delete_workshop(db, r.b.code, r.b.key, r.b.code))),
    "delete_due": (DELETED, _deletion),
    # --- participants' writes: one count each
    "join": (COUNT, _now(lambda db, r: actions.join(db, r.b.code, "Cy"))),
    "rename": (COUNT, _now(lambda db, r: actions.rename(db, r.b.code, r.b.token, "Annie"))),
    "add_bottleneck": (COUNT, _now(lambda db, r: actions.add_bottleneck(db, r.b.code, r.b.token, "product", "Slow"))),
    "vote": (COUNT, _now(lambda db, r: actions.vote(db, r.b.code, r.b.token, r.b.bids[0]))),
    "unvote": (COUNT, _now(lambda db, r: actions.unvote(db, r.b.code, r.b.token, r.b.bids[1]))),
    "add_impact": (
        COUNT,
        _now(lambda db, r: actions.add_impact(db, r.b.code, r.b.token, r.b.bids[0], "churn", "worse", 2, "Because")),
    ),
    "edit_impact": (
        COUNT,
        _now(
            lambda db, r: actions.edit_impact(
                db, r.b.code, r.b.token2, r.b.impact_id, r.b.bids[1], "churn", "worse", 3, "Still slow"
            )
        ),
    ),
    "withdraw_impact": (COUNT, _now(lambda db, r: actions.withdraw_impact(db, r.b.code, r.b.token2, r.b.impact_id))),
    "add_initiative": (
        COUNT,
        _now(lambda db, r: actions.add_initiative(db, r.b.code, r.b.token, "Idea", [r.b.bids[0]])),
    ),
    "score_initiative": (
        COUNT,
        _now(lambda db, r: actions.score_initiative(db, r.b.code, r.b.token2, r.b.iids[0], SCORE)),
    ),
    "pick_choice": (
        COUNT,
        _then(_at("decide"), lambda db, r: actions.pick_choice(db, r.b.code, r.b.token, r.b.iids[0], "buy")),
    ),
    "volunteer": (COUNT, _then(_at("owners"), lambda db, r: actions.volunteer(db, r.b.code, r.b.token, r.b.iids[0]))),
    "answer_readiness": (COUNT, _readiness),
    # --- reads and pure helpers: nothing at all
    "credential": (NOTHING, _now(lambda db, r: actions.credential(db, r.b.code, r.leader))),
    "retain_names_days": (NOTHING, _now(lambda db, r: actions.retain_names_days())),
    "names_note": (NOTHING, _now(lambda db, r: actions.names_note(NOW))),
    "delete_after_days": (NOTHING, _now(lambda db, r: actions.delete_after_days())),
    "deletion_note": (NOTHING, _now(lambda db, r: actions.deletion_note(NOW))),
    "people": (NOTHING, _now(lambda db, r: actions.people(db, r.b.code, r.b.key))),
    "my_data": (NOTHING, _now(lambda db, r: actions.my_data(db, r.b.code, r.b.token))),
    "owner_names": (NOTHING, _now(lambda db, r: actions.owner_names(db, r.b.code, r.b.key))),
    "owner_rows": (NOTHING, _now(lambda db, r: actions.owner_rows(db, r.b.code, r.b.key, OWNER))),
    "workshop_contents": (NOTHING, _now(lambda db, r: actions.workshop_contents(db, r.b.code, r.b.key))),
    "deletions": (
        NOTHING,
        lambda db, r: (lambda key: lambda: actions.deletions(db, key))(actions.issue_portfolio_key(db)),
    ),
    "hash_secret": (NOTHING, _now(lambda db, r: actions.hash_secret("x"))),
    "identify": (NOTHING, _now(lambda db, r: actions.identify(db, r.b.code, r.b.token))),
    "identified": (NOTHING, _now(lambda db, r: actions.identified(db, r.b.code, r.b.token))),
    "dots_left": (NOTHING, _now(lambda db, r: actions.dots_left(_reads_workshop(db, r)["workshop"], 1))),
    "is_facilitator": (NOTHING, _now(lambda db, r: actions.is_facilitator(db, r.b.code, r.b.key))),
    "is_leader": (NOTHING, _now(lambda db, r: actions.is_leader(db, r.b.code, r.leader))),
    "join_preview": (NOTHING, _now(lambda db, r: actions.join_preview(db, r.b.code))),
    "new_code": (NOTHING, _now(lambda db, r: actions.new_code(db))),
    "validate_minutes": (NOTHING, _now(lambda db, r: actions.validate_minutes({}))),
    "votes_left": (NOTHING, _now(lambda db, r: actions.votes_left(db, r.b.code, r.b.token))),
    "votes_left_of": (
        NOTHING,
        _now(lambda db, r: actions.votes_left_of(db, *_reads_workshop(db, r).values())),
    ),
    "suggested_groups": (NOTHING, _now(lambda db, r: actions.suggested_groups(db, r.b.code, r.b.key))),
    "suggestions_for": (NOTHING, _now(lambda db, r: actions.suggestions_for(db, r.b.code))),
    "owner_page": (NOTHING, _now(lambda db, r: actions.owner_page(db, r.b.code, r.owner))),
    "has_commitments": (NOTHING, _now(lambda db, r: actions.has_commitments(db, "Beta"))),
    "check_portfolio_key": (
        NOTHING,
        lambda db, r: (lambda key: lambda: actions.check_portfolio_key(db, key))(actions.issue_portfolio_key(db)),
    ),
    "read_portfolio": (
        NOTHING,
        lambda db, r: (lambda key: lambda: actions.read_portfolio(db, key))(actions.issue_portfolio_key(db)),
    ),
    "read_readiness": (
        NOTHING,
        lambda db, r: (lambda key: lambda: actions.read_readiness(db, key))(actions.issue_portfolio_key(db)),
    ),
}
# The server's own portfolio key is a setting of the whole server, not a change to a workshop: no
# workshop's trail holds it (and no workshop's rows change).
SERVER_SETTINGS = {"issue_portfolio_key", "ensure_portfolio_key"}
# The server's retention thread runs `sweep` (`anonymise_due` and `delete_due`, whose recipes are
# above) on its own connection; tests/test_retention.py runs both.
SCHEDULED = {"keep_sweeping", "sweep"}


def public_functions() -> set[str]:
    """Every public function defined in a module of `workshop.actions` (walked, not listed)."""
    names = set()
    for info in pkgutil.iter_modules(workshop.actions.__path__):
        module = importlib.import_module(f"workshop.actions.{info.name}")
        for name, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_"):
                names.add(name)
    return names


def test_every_public_action_has_a_recipe():
    """A new action fails here until it says what it leaves in the trail (and the test below checks it)."""
    known = {name.split("[")[0] for name in RECIPES} | SERVER_SETTINGS | SCHEDULED
    assert public_functions() == known


def _entries(db) -> list[tuple]:
    return [tuple(r) for r in db.execute("SELECT * FROM audit ORDER BY id").fetchall()]


def _counts(db) -> int:
    return int(db.execute("SELECT COALESCE(SUM(count), 0) FROM write_counts").fetchone()[0])


def _rows(db) -> dict[str, list[tuple]]:
    """Every row of every table but the trail's two and the server's settings."""
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    skip = {"audit", "write_counts", "settings"}
    return {t: [tuple(r) for r in db.execute(f'SELECT * FROM "{t}"').fetchall()] for t in tables if t not in skip}


VIAS = {
    "set_locked": re.compile(r"facilitator device [0-9]+"),
    "record_checkin[leader]": re.compile("leader link"),
    "record_checkin[owner]": re.compile(f"owner link for {OWNER}"),
    "issue_owner_links_for_reminders": re.compile("portfolio key"),
    "anonymise_due": re.compile("retention policy"),
    "remove_my_data": re.compile("their own screen"),
}


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_every_change_writes_exactly_one_entry_and_every_participant_write_one_count(db, room, name):
    expected, prepare = RECIPES[name]
    call = prepare(db, room)
    entries, counts, rows = _entries(db), _counts(db), _rows(db)
    call()
    if expected == DELETED:
        assert _deleted(db, room, entries, rows)
        return
    new = _entries(db)[len(entries) :]
    if name in REDACTING:  # erased words leave earlier entries; nothing else of them changes
        earlier = _entries(db)[: len(entries)]
        assert [_facts(e) for e in earlier] == [_facts(e) for e in entries], "an earlier entry's facts changed"
        assert all(erasure.ERASED in json.dumps(e) for e, was in zip(earlier, entries, strict=True) if e != was)
    else:
        assert _entries(db)[: len(entries)] == entries, "an earlier entry changed"
    changed = _rows(db) != rows
    if expected == ENTRY:
        assert changed and len(new) == 1 and _counts(db) == counts, f"{name}: {len(new)} entries"
        via = new[0][4]
        assert VIAS.get(name, re.compile("facilitator key")).fullmatch(via), via
    elif expected == COUNT:
        assert changed and new == [] and _counts(db) == counts + 1
    else:
        assert not changed and new == [] and _counts(db) == counts
    secrets = (room.b.key, room.device, room.leader, room.owner, room.b.token, room.b.creation_token)
    assert not any(s in json.dumps(new, ensure_ascii=False) for s in secrets)


# The erasures, whose erased words leave the workshop's earlier entries.
REDACTING = {"erase_participant", "remove_my_data", "remove_owner"}


def _facts(row: tuple) -> tuple:
    """What a redaction never changes: id, workshop, moment, role, action and step (not the words)."""
    return row[:4] + row[5:7]


def _deleted(db, room: Room, entries: list[tuple], rows: dict[str, list[tuple]]) -> bool:
    """A deletion: the workshop and its whole trail are gone, and the server records it by code;
    every other workshop's entries stay as they were."""
    gone = {r[1] for r in rows["workshops"]} - {r[1] for r in _rows(db)["workshops"]}
    left = {r[0] for r in db.execute("SELECT id FROM workshops")}
    recorded = {r[0] for r in db.execute("SELECT code FROM deletions")}
    assert room.b.code in gone and gone <= recorded, (gone, recorded)
    assert _entries(db) == [e for e in entries if e[1] in left]
    return True


@pytest.mark.parametrize("name", sorted(SERVER_SETTINGS))
def test_the_servers_portfolio_key_changes_no_workshop(db, room, name):
    entries, counts, rows = _entries(db), _counts(db), _rows(db)
    getattr(actions, name)(db)
    assert (_entries(db), _counts(db), _rows(db)) == (entries, counts, rows)


def test_a_refused_change_writes_no_entry(db, room):
    entries = _entries(db)
    with pytest.raises(CycleRefused):
        actions.set_sequence(db, room.b.code, room.b.key, [room.b.iids[2], room.b.iids[0]])
    with pytest.raises(NotAllowed):
        actions.set_locked(db, room.b.code, "wrong key", True)
    assert _entries(db) == entries


def test_an_entry_keeps_only_what_changed_and_names_no_secret(db, room):
    code, key = room.b.code, room.b.key
    actions.go_to_step(db, code, key, "decide", now=NOW + 300, from_step="prioritise")
    actions.record_decision(db, code, key, room.b.iids[0], ANSWERS, "buy", "Deploys are how we ship", now=NOW + 301)
    actions.assign_owner(db, code, key, room.b.iids[0], "Tom", "Deploys per day", 1, 10, TODAY, today=TODAY)
    *_, step, decision, owned = load(db, code).loaded_trail.entries
    assert (step.action, step.step, dict(step.before), dict(step.after)) == (
        "go_to_step",
        "prioritise",
        {"step": "prioritise"},
        {"step": "decide"},
    )
    assert (dict(decision.before), dict(decision.after)) == ({"choice": "build"}, {"choice": "buy"})
    assert decision.subject == "initiative \u201cIndependent deploys\u201d" and decision.step == "decide"
    assert (dict(owned.before), dict(owned.after)) == (
        {"owner": OWNER, "checkin": (TODAY + timedelta(days=14)).isoformat()},
        {"owner": "Tom", "checkin": TODAY.isoformat()},
    )


def test_the_page_words_each_change_value_by_value():
    assert trail_report.change_text({"choice": "build"}, {"choice": "buy"}) == "choice: Build \u2192 Buy"
    assert trail_report.change_text({}, {"owner": "Ann", "notes": ["a", "b"]}) == "owner: Ann; notes: a, b"
    assert trail_report.change_text({"sequence": []}, {"sequence": ["a"]}) == "sequence: none \u2192 a"
    assert trail_report.change_text({"title": "Old", "locked": False}, {"locked": True}) == (
        "title: Old \u2192 none; locked: no \u2192 yes"
    )


@pytest.mark.parametrize(
    ("field", "code", "english", "german"),
    [
        ("step", "bottlenecks", "Bottleneck mapping", "Engpässe kartieren"),
        ("status", "on_track", "On track", "Im Plan"),
        ("clock", "running", "running", "läuft"),
        ("language", "fr", "Français", "Français"),
    ],
)
def test_coded_values_are_said_in_words_in_the_rooms_language(field, code, english, german):
    """A value kept as a code ("bottlenecks", "on_track") reads as its words, in each language;
    a value the field does not know stays as it is."""
    assert trail_report.change_text({}, {field: code}).endswith(english)
    with language.using("de"):
        assert german in trail_report.change_text({}, {field: code})
    assert trail_report.change_text({}, {field: "no-such-code"}).endswith("no-such-code")


def test_participant_writes_are_counted_per_step_and_kind(db, workshop):
    code, key = workshop.code, workshop.facilitator_key
    ann = actions.join(db, code, "Ann", now=NOW).token
    note = actions.add_bottleneck(db, code, ann, "product", "Slow", client_id="a", now=NOW)
    assert actions.add_bottleneck(db, code, ann, "product", "Slow", client_id="a", now=NOW) == note  # a retry
    actions.vote(db, code, ann, note)
    actions.go_to_step(db, code, key, "impact", from_step="bottlenecks")
    actions.vote(db, code, ann, note)  # a step the room left still takes its writes
    counts = {(c.step, c.kind): c.count for c in load(db, code).loaded_trail.counts}
    assert counts == {
        ("bottlenecks", "join"): 1,
        ("bottlenecks", "note"): 1,
        ("bottlenecks", "vote"): 1,
        ("impact", "vote"): 1,
    }


# --- the table refuses every change -----------------------------------------------------------------


def test_update_and_delete_of_an_entry_fail_in_sql(db, room):
    before = _entries(db)
    for statement in (
        "UPDATE audit SET via = 'someone else'",
        "UPDATE audit SET before_json = '{}' WHERE id = 1",
        "DELETE FROM audit",
        "DELETE FROM audit WHERE id = 1",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(statement)
    assert _entries(db) == before


# Erasure's two exceptions, the only statements that change or delete entries: `redact` (erased words
# out of one workshop's entries, under the trigger's marker) and `forget` (a deleted workshop's).
ERASURE_EXCEPTIONS = {"UPDATE audit": "redact", "DELETE FROM audit": "forget"}


def test_no_function_of_the_store_changes_or_deletes_an_entry_but_erasures_two():
    """Only an INSERT names the audit table anywhere in the code, but erasure's two functions in
    `store/audit.py`; the importer appends."""
    statement = re.compile(r"\b(UPDATE|DELETE\s+FROM|REPLACE\s+INTO|DROP\s+TABLE|ALTER\s+TABLE)\s+\"?audit\b", re.I)
    for path in sorted((ROOT / "workshop").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name == "audit.py" and path.parent.name == "store":
            tree = ast.parse(text)
            for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
                for found in statement.finditer(ast.get_source_segment(text, fn) or ""):
                    assert ERASURE_EXCEPTIONS.get(re.sub(r"\s+", " ", found.group(0))) == fn.name, fn.name
            continue
        assert not statement.search(text), path
    assert [n for n in dir(storage) if re.search(r"(delete|update|remove|clear|erase).*(audit|trail)", n)] == []


def test_entries_go_only_with_their_whole_workshop(db, room):
    """Erasing a whole workshop may remove its trail, once the workshop's row is gone, never before."""
    row = storage.workshop_by_code(db, room.b.code)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM audit WHERE workshop_id = ?", [row["id"]])
    other = storage.workshop_by_code(db, room.review_code)
    with db.conn:
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("DELETE FROM workshops WHERE id = ?", [other["id"]])
        db.execute("DELETE FROM audit WHERE workshop_id = ?", [other["id"]])
    assert db.execute("SELECT COUNT(*) FROM audit WHERE workshop_id = ?", [row["id"]]).fetchone()[0] > 0


# --- who sees it, and the backup -------------------------------------------------------------------


def test_only_the_facilitators_view_holds_the_trail(db, room):
    snapshot = load(db, room.b.code)
    assert view(snapshot, FACILITATOR).trail == snapshot.trail and snapshot.loaded_trail.entries
    for who in (LEADER, PUBLIC, participant(1), owner(OWNER)):
        assert view(snapshot, who).trail is None
    assert load(db, room.b.code, trail=False).trail is None


def test_the_trail_round_trips_through_the_backup(db, room, tmp_path):
    document = export.to_document(load(db, room.b.code), now=NOW)
    assert len(document["audit_trail"]) == len(load(db, room.b.code).loaded_trail.entries) > 8
    assert document["write_counts"]
    target = storage.connect(tmp_path / "copy.db")
    code, _ = export.import_document(target, export.dumps(document))
    again = export.to_document(load(target, code), now=NOW)
    assert again["audit_trail"][:-1] == document["audit_trail"]
    assert again["write_counts"] == document["write_counts"]
    imported = again["audit_trail"][-1]
    assert (imported["action"], imported["role"], imported["via"]) == (audit.IMPORTED, "system", audit.IMPORT_VIA)
    assert as_restored(again) == as_restored(document)
    target.close()


def test_a_backup_from_before_the_trail_imports_with_the_import_as_its_trail(db, room, tmp_path):
    document = export.to_document(load(db, room.b.code), now=NOW)
    document["format"] = "scaling-workshop/5"
    del document["audit_trail"], document["write_counts"]
    target = storage.connect(tmp_path / "copy.db")
    code, _ = export.import_document(target, export.dumps(document))
    restored = load(target, code).loaded_trail
    assert [e.action for e in restored.entries] == [audit.IMPORTED] and restored.counts == ()
    target.close()


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        ("role", "admin", "role"),
        ("step", "lunch", "step"),
        ("before", ["a"], "map of values"),
        ("after", {"x": {"y": {"z": 1}}}, "nested"),
        ("at", "yesterday", "at"),
    ],
)
def test_a_bad_trail_in_a_backup_is_refused(db, room, tmp_path, where, value, message):
    document = export.to_document(load(db, room.b.code), now=NOW)
    document["audit_trail"][0][where] = value
    target = storage.connect(tmp_path / "copy.db")
    with pytest.raises(Exception, match=message):
        export.import_document(target, export.dumps(document))
    assert target.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 0
    target.close()


def test_the_trails_csv_is_the_facilitators_alone(db, room):
    snapshot = load(db, room.b.code)
    text = downloads.build(snapshot, FACILITATOR, "audit", now=NOW)
    assert isinstance(text, str) and text.splitlines()[0].startswith("When,Role,Device or link,Action")
    assert "owner link for Priya" in text and "(count)" in text
    for who in (LEADER, PUBLIC, participant(1), owner(OWNER)):
        with pytest.raises(Exception, match="not offered"):
            downloads.build(snapshot, who, "audit", now=NOW)


def test_the_pages_table_filters_by_role_action_and_step(db, room):
    trail = load(db, room.b.code).loaded_trail
    every = trail_report.entries_frame(trail)
    assert len(every) == len(trail.entries)
    leaders = trail_report.entries_frame(trail, trail_report.Filter(role="leader"))
    assert leaders.empty
    decided = trail_report.entries_frame(trail, trail_report.Filter(action="record_decision", step="prioritise"))
    assert list(decided["Action"]) == ["record a decision"]
    roles, names, steps = trail_report.options(trail)
    assert "facilitator" in roles and "go_to_step" in names and steps[0] == "bottlenecks"


def test_the_trails_csv_speaks_the_workshops_language(db, room):
    """Issue 25: the audit CSV was English in a German workshop; its headings, roles, devices and
    links, actions and counted kinds follow the language like the other exports (values stay JSON)."""
    snapshot = load(db, room.b.code)
    text = trail_report.to_csv(snapshot.loaded_trail, "de")
    head = text.splitlines()[0]
    with language.using("de"):
        assert head == ",".join(language._(column) for column in trail_report.ENTRY_COLUMNS)
        titles = {audit.action_title(e.action) for e in snapshot.loaded_trail.entries}
        assert all(title in text for title in titles) and audit.role_title(audit.FACILITATOR) in text
    assert head != "When,Role,Device or link,Action,Step,Subject,Before,After" and "Workshop anlegen" in titles
    assert ",Moderation,Moderationsschlüssel," in text and "create_workshop" not in text
    assert "Stimmen (Anzahl)" in text


def test_every_action_the_trail_records_has_a_title():
    """A new action written to the trail without a title would show its code name on a page."""
    source = "\n".join(path.read_text() for path in (ROOT / "workshop").rglob("*.py"))
    named = set(re.findall(r"(?:_entry|Draft)\([^,()]+, \"([a-z_]+)\"", source)) | {audit.IMPORTED}
    assert named and named <= set(audit.ACTION_TITLES), sorted(named - set(audit.ACTION_TITLES))


def test_the_audit_page_says_what_changed_in_the_rooms_language(db):
    """The trail is stored in English; its page says the subjects and the names of the values in the
    room's language, and keeps the things' own words (a note's text) as they were written."""
    made = create_demo(db, now=NOW)
    trail = load(db, made.code).loaded_trail
    with language.using("de"):
        frame = trail_report.entries_frame(trail)
    subjects, changes = set(frame["Subject"]), list(frame["Change"])
    assert {"Raum", "Readiness-Check", "Workshop"} <= subjects, subjects
    assert any(s.startswith("Notiz „") and s.endswith("“") for s in subjects)
    assert any(s.startswith("Initiative „") for s in subjects)
    assert "Schritt 1, Engpässe erfassen" in subjects or any(s.startswith("Schritt 1, ") for s in subjects)
    assert any(c.startswith("Schritt: ") for c in changes) and any("ausgeblendet: nein → ja" in c for c in changes)
    english = trail_report.entries_frame(trail)
    assert "room" in set(english["Subject"]) and any(c.startswith("step: ") for c in english["Change"])
