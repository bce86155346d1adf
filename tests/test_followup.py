"""Follow-through: leader links, check-ins, progress, overdue flags and the portfolio."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from datetime import date, timedelta

import pytest

from tests.helpers import NOW, arranged, on_step, version
from workshop import actions
from workshop import store as storage
from workshop.actions import portfolio
from workshop.backup import export
from workshop.demo import create_demo
from workshop.domain import followup
from workshop.domain.errors import InputLocked, InvalidInput, NotAllowed, NotFound
from workshop.reports.markdown import export_markdown
from workshop.store.load import load

TODAY = date.fromtimestamp(NOW)
LATER = TODAY + timedelta(days=40)


@pytest.fixture
def leader(db, demo) -> str:
    return actions.issue_leader_link(db, demo.code, demo.facilitator_key, now=NOW)


def first_owned(db, code):
    return load(db, code).tracks[0]


# --- pure maths ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "baseline, target, value, expected",
    [
        (40, 16, 40, 0.0),
        (40, 16, 16, 1.0),
        (40, 16, 28, 0.5),
        (40, 16, 52, -0.5),
        (40, 16, 10, 1.25),
        (10, 90, 50, 0.5),
        (0, 1, 1, 1.0),
        (5, 5, 5, 1.0),
        (5, 5, 6, 0.0),
    ],
)
def test_progress_runs_from_baseline_to_target_in_either_direction(baseline, target, value, expected):
    assert followup.progress(baseline, target, value) == pytest.approx(expected)


def owner_row(checkin: str = "2025-07-01") -> dict:
    return {
        "initiative_id": 1,
        "owner": "Priya",
        "metric": "Pages",
        "unit": "/wk",
        "baseline": 40.0,
        "target": 16.0,
        "checkin": checkin,
        "assigned_at": NOW,
    }


def checkin_row(n: int, on: str, value: float, status: str = "on_track", upcoming: str | None = None) -> dict:
    return {
        "id": n,
        "initiative_id": 1,
        "checked_on": on,
        "value": value,
        "status": status,
        "note": "",
        "next_checkin": upcoming,
        "recorded_by": "Priya",
        "via": "facilitator",
        "created_at": NOW,
    }


def test_a_track_without_checkins_is_due_on_its_first_checkin_date():
    t = followup.track(owner_row("2025-07-01"), "SLOs", [])
    assert (t.value, t.progress, t.status, t.status_title) == (40.0, 0.0, None, followup.NOT_CHECKED)
    assert t.next_checkin == date(2025, 7, 1)
    assert not t.overdue(date(2025, 7, 1))
    assert t.overdue(date(2025, 7, 2)) and t.days_overdue(date(2025, 7, 9)) == 8


def test_the_latest_checkin_sets_value_status_and_next_date_whatever_the_row_order():
    rows = [
        checkin_row(2, "2025-08-01", 22, "at_risk", "2025-09-01"),
        checkin_row(1, "2025-07-01", 30, "on_track", "2025-08-01"),
    ]
    t = followup.track(owner_row(), "SLOs", rows)
    assert [c["id"] for c in t.checkins] == [1, 2]
    assert (t.value, t.status) == (22, "at_risk")
    assert t.progress == pytest.approx(0.75)
    assert t.next_checkin == date(2025, 9, 1)
    assert not t.overdue(date(2025, 9, 1)) and t.overdue(date(2025, 9, 2))


def test_no_next_date_means_nothing_is_overdue():
    t = followup.track(owner_row(), "SLOs", [checkin_row(1, "2025-07-01", 16, "on_track", None)])
    assert t.next_checkin is None and not t.overdue(date(2030, 1, 1))


# --- leader links ----------------------------------------------------------------------


def test_leader_link_is_issued_revoked_and_reissued_by_the_facilitator_only(db, demo):
    with pytest.raises(NotAllowed):
        actions.issue_leader_link(db, demo.code, "not-the-key")
    first = actions.issue_leader_link(db, demo.code, demo.facilitator_key)
    assert actions.is_leader(db, demo.code, first)
    assert first not in (demo.facilitator_key, demo.facilitator_token, demo.code)
    second = actions.issue_leader_link(db, demo.code, demo.facilitator_key)
    assert not actions.is_leader(db, demo.code, first), "reissuing retires the old link"
    assert actions.is_leader(db, demo.code, second)
    with pytest.raises(NotAllowed):
        actions.revoke_leader_link(db, demo.code, second)
    actions.revoke_leader_link(db, demo.code, demo.facilitator_key)
    assert not actions.is_leader(db, demo.code, second)
    with pytest.raises(InvalidInput):
        actions.revoke_leader_link(db, demo.code, demo.facilitator_key)


def test_leader_link_of_one_workshop_opens_no_other(db, demo, workshop):
    token = actions.issue_leader_link(db, demo.code, demo.facilitator_key)
    assert not actions.is_leader(db, workshop.code, token)
    assert not actions.is_facilitator(db, demo.code, token)
    assert actions.identify(db, demo.code, token) is None


def test_the_leader_link_is_never_exported(db, demo, leader):
    text = export.export_json(db, demo.code) + export_markdown(db, demo.code)
    assert leader not in text and actions.hash_secret(leader) not in text


# Every action that writes, called with valid arguments and the leader link in place of
# the key or the participant token. Each must refuse and leave the workshop untouched.
def _writes(db, code: str, cred: str) -> dict:
    s = load(db, code)
    b, b2 = s.live_bottlenecks[0]["id"], s.live_bottlenecks[1]["id"]
    i, i2 = s.plan[0], s.plan[-1]
    impact = s.impacts[-1]["id"]
    answers = i.decision["answers"]
    earlier = [c.initiative_id for c in s.commitments] or [1]
    owner = s.tracks[0].owner
    return {
        "facilitator_token": lambda: actions.facilitator_token(db, code, cred),
        "issue_owner_link": lambda: actions.issue_owner_link(db, code, cred, owner),
        "revoke_owner_link": lambda: actions.revoke_owner_link(db, code, cred, owner),
        "set_reviewing": lambda: actions.set_reviewing(db, code, cred, False),
        "review_commitment": lambda: actions.review_commitment(db, code, cred, earlier[0], "carry", "Half-way"),
        "rename": lambda: actions.rename(db, code, cred, "Leader"),
        "add_bottleneck": lambda: actions.add_bottleneck(db, code, cred, "platform", "From a leader"),
        "vote": lambda: actions.vote(db, code, cred, b),
        "unvote": lambda: actions.unvote(db, code, cred, b),
        "edit_bottleneck": lambda: actions.edit_bottleneck(db, code, cred, b, "Edited by a leader"),
        "hide_bottleneck": lambda: actions.hide_bottleneck(db, code, cred, b),
        "merge_bottlenecks": lambda: actions.merge_bottlenecks(db, code, cred, b2, b),
        "merge_group": lambda: actions.merge_group(db, code, cred, b, [b, b2]),
        "dismiss_suggestion": lambda: actions.dismiss_suggestion(db, code, cred, [b, b2]),
        "split_from_suggestion": lambda: actions.split_from_suggestion(db, code, cred, b2, [b, b2]),
        "set_vote_budget": lambda: actions.set_vote_budget(db, code, cred, 9),
        "set_private_brainstorm": lambda: actions.set_private_brainstorm(db, code, cred, False),
        "set_locked": lambda: actions.set_locked(db, code, cred, True),
        "start_timer": lambda: actions.start_timer(db, code, cred),
        "pause_timer": lambda: actions.pause_timer(db, code, cred),
        "extend_timer": lambda: actions.extend_timer(db, code, cred, 1),
        "go_to_step": lambda: actions.go_to_step(db, code, cred, "impact", from_step=on_step(db, code)),
        "next_step": lambda: actions.next_step(db, code, cred, from_step=on_step(db, code)),
        "previous_step": lambda: actions.previous_step(db, code, cred, from_step=on_step(db, code)),
        "set_step_minutes": lambda: actions.set_step_minutes(db, code, cred, "owners", 25),
        "end_workshop": lambda: actions.end_workshop(db, code, cred, from_step=on_step(db, code)),
        "reopen_workshop": lambda: actions.reopen_workshop(db, code, cred),
        "add_impact": lambda: actions.add_impact(db, code, cred, b, "revenue", "worse", 3, "Because"),
        "delete_impact": lambda: actions.delete_impact(db, code, cred, impact),
        "add_initiative": lambda: actions.add_initiative(db, code, cred, "Leader idea", [b]),
        "edit_initiative": lambda: actions.edit_initiative(db, code, cred, i.id, "Renamed", "", [b]),
        "delete_initiative": lambda: actions.delete_initiative(db, code, cred, i2.id),
        "score_initiative": lambda: actions.score_initiative(
            db, code, cred, i.id, {"value": 9, "effort": 1, "urgency": 9, "confidence": 90}
        ),
        "set_scoring_method": lambda: actions.set_scoring_method(db, code, cred, "wsjf"),
        "add_dependency": lambda: actions.add_dependency(db, code, cred, i2.id, i.id),
        "remove_dependency": lambda: actions.remove_dependency(db, code, cred, i2.id, i.id),
        "set_sequence": lambda: actions.set_sequence(db, code, cred, [x.id for x in s.sequenced]),
        "adopt_ranking": lambda: actions.adopt_ranking(db, code, cred),
        "record_decision": lambda: actions.record_decision(db, code, cred, i.id, answers, "partner", "Leader says"),
        "assign_owner": lambda: actions.assign_owner(
            db, code, cred, i.id, "Leader", "Metric", 1, 2, TODAY + timedelta(days=3), today=TODAY
        ),
        "confirm_observability": lambda: actions.confirm_observability(db, code, cred, False),
        "issue_leader_link": lambda: actions.issue_leader_link(db, code, cred),
        "revoke_leader_link": lambda: actions.revoke_leader_link(db, code, cred),
        "delete_checkin": lambda: actions.delete_checkin(db, code, cred, 1),
        "edit_impact": lambda: actions.edit_impact(db, code, cred, impact, b, "revenue", "worse", 3, "Because"),
        "withdraw_impact": lambda: actions.withdraw_impact(db, code, cred, impact),
        "answer_question": lambda: actions.answer_question(db, code, cred, i.id, "core", "no"),
        "pick_choice": lambda: actions.pick_choice(db, code, cred, i.id, "buy", "Leader pick"),
        "volunteer": lambda: actions.volunteer(db, code, cred, i.id),
        "open_readiness": lambda: actions.open_readiness(db, code, cred, True),
        "answer_readiness": lambda: actions.answer_readiness(db, code, cred, [{"key": "demand", "rating": 3}]),
        "set_language": lambda: actions.set_language(db, code, cred, "de"),
        "erase_participant": lambda: actions.erase_participant(db, code, cred, s.participants[-1]["id"]),
        "remove_owner": lambda: actions.remove_owner(db, code, cred, owner),
        "remove_my_data": lambda: actions.remove_my_data(db, code, cred),
    }


# Actions anyone may call with just the join code (or that only read), and the one write a
# leader link is given: adding a check-in.
OPEN_OR_READ = {
    "hash_secret",
    "new_code",
    "validate_minutes",
    "create_workshop",
    "join",
    "identify",
    "identified",  # who a participant token is: a leader link is none (tests/test_room.py refuses it)
    "is_facilitator",
    "is_leader",
    "credential",
    "votes_left",
    "votes_left_of",
    "dots_left",  # a rule on a budget and a count, no database
    "record_checkin",
    "has_commitments",
    "owner_page",
    # Authorised by the portfolio key, not by a workshop's key, link or token: it has its own
    # refusal tests below (test_reminder_links_need_the_portfolio_key…).
    "issue_owner_links_for_reminders",
    "issue_portfolio_key",
    "ensure_portfolio_key",
    "check_portfolio_key",
    "read_portfolio",
    "read_readiness",
    "join_preview",  # the join page: what the code on the wall may show (tests/test_audience.py)
    # Reads: the console's suggestions need the facilitator key (refused in tests/test_duplicates.py);
    # the command line's holds the database itself.
    "suggested_groups",
    "suggestions_for",
    # The server's own retention (its thread and the command line hold the database; no page or
    # route calls them): the setting, the note the portfolio shows, the sweep.
    "retain_names_days",
    "names_note",
    "anonymise_due",
    "keep_sweeping",
    # ... and its deletion of whole workshops, and the record of deletions (read with the
    # portfolio key, refused in tests/test_erasure.py).
    "delete_after_days",
    "deletion_note",
    "delete_due",
    "sweep",
    "deletions",
    # Erasure's reads for its confirmations, and the deletion of a whole workshop (after which no
    # version is left to compare): refused without the facilitator key in tests/test_erasure.py.
    "people",
    "my_data",
    "owner_names",
    "owner_rows",
    "workshop_contents",
    "delete_workshop",
}


def _package_functions() -> set[str]:
    """Every public function defined in a module of the `actions` package."""
    names: set[str] = set()
    for module in pkgutil.iter_modules(actions.__path__, actions.__name__ + "."):
        found = importlib.import_module(module.name)
        names |= {
            name
            for name, fn in inspect.getmembers(found, inspect.isfunction)
            if fn.__module__ == found.__name__ and not name.startswith("_")
        }
    return names


def test_the_refusal_table_covers_every_action():
    public = {name for name in actions.__all__ if inspect.isfunction(getattr(actions, name))}
    assert public == _package_functions(), "export every action from workshop/actions/__init__.py"
    assert public - OPEN_OR_READ == set(WRITE_NAMES), "add new actions to the leader refusal table"


WRITE_NAMES = (
    "facilitator_token",
    "rename",
    "add_bottleneck",
    "vote",
    "unvote",
    "edit_bottleneck",
    "hide_bottleneck",
    "merge_bottlenecks",
    "merge_group",
    "dismiss_suggestion",
    "split_from_suggestion",
    "set_vote_budget",
    "set_private_brainstorm",
    "set_locked",
    "start_timer",
    "pause_timer",
    "extend_timer",
    "go_to_step",
    "next_step",
    "previous_step",
    "set_step_minutes",
    "end_workshop",
    "reopen_workshop",
    "add_impact",
    "delete_impact",
    "add_initiative",
    "edit_initiative",
    "delete_initiative",
    "score_initiative",
    "set_scoring_method",
    "add_dependency",
    "remove_dependency",
    "set_sequence",
    "adopt_ranking",
    "record_decision",
    "assign_owner",
    "confirm_observability",
    "issue_leader_link",
    "revoke_leader_link",
    "delete_checkin",
    "edit_impact",
    "withdraw_impact",
    "answer_question",
    "pick_choice",
    "volunteer",
    "issue_owner_link",
    "revoke_owner_link",
    "set_reviewing",
    "review_commitment",
    "open_readiness",
    "answer_readiness",
    "set_language",
    "erase_participant",
    "remove_owner",
    "remove_my_data",
)
REVIEW_ACTIONS = ("set_reviewing", "review_commitment")


def _reviewing(db, demo) -> None:
    """Make the demo a workshop that reviews an earlier one of its organisation (for the control)."""
    create_demo(db, now=NOW - 100 * 86_400)
    row = storage.workshop_by_code(db, demo.code)
    with storage.change(db, row["id"], arranged()):
        storage.update_workshop(db, row["id"], review_minutes=10, reviewing=1)


@pytest.mark.parametrize("link", ["leader", "owner"])
@pytest.mark.parametrize("name", WRITE_NAMES)
def test_a_leader_or_owner_link_cannot_change_anything(db, demo, name, link):
    actions.reopen_workshop(db, demo.code, demo.facilitator_key)
    actions.go_to_step(db, demo.code, demo.facilitator_key, "prioritise", now=NOW, from_step=on_step(db, demo.code))
    _reviewing(db, demo)
    token = actions.issue_leader_link(db, demo.code, demo.facilitator_key)
    if link == "owner":
        token = actions.issue_owner_link(db, demo.code, demo.facilitator_key, first_owned(db, demo.code).owner)
    checkin = actions.record_checkin(
        db, demo.code, demo.facilitator_key, first_owned(db, demo.code).initiative_id, 30, "on_track", today=LATER
    )
    assert checkin == 1
    before = export.export_json(db, demo.code, now=NOW)
    stamp = version(db, demo.code)
    call = _writes(db, demo.code, token)[name]
    assert set(_writes(db, demo.code, token)) == set(WRITE_NAMES)
    with pytest.raises(NotAllowed):
        call()
    assert export.export_json(db, demo.code, now=NOW) == before
    assert version(db, demo.code) == stamp
    if link == "leader":
        assert actions.is_leader(db, demo.code, token)
    else:
        assert actions.owner_page(db, demo.code, token).tracks


PARTICIPANT_ACTIONS = {
    "rename",
    "remove_my_data",
    "add_bottleneck",
    "vote",
    "unvote",
    "add_impact",
    "add_initiative",
    "score_initiative",
    "edit_impact",
    "withdraw_impact",
    "pick_choice",
    "volunteer",
    "answer_readiness",
}


@pytest.mark.parametrize("name", WRITE_NAMES)
def test_the_same_calls_succeed_with_the_right_credential(db, demo, name):
    """The control for the table above: the refusals come from the leader link, not the arguments."""
    actions.reopen_workshop(db, demo.code, demo.facilitator_key)
    # Step 4 lets Next and Back both move and takes picks; volunteering opens at step 5.
    step = "owners" if name == "volunteer" else "decide"
    actions.go_to_step(db, demo.code, demo.facilitator_key, step, now=NOW, from_step=on_step(db, demo.code))
    actions.issue_leader_link(db, demo.code, demo.facilitator_key)
    actions.record_checkin(
        db, demo.code, demo.facilitator_key, first_owned(db, demo.code).initiative_id, 30, "on_track", today=LATER
    )
    participant = actions.join(db, demo.code, "Someone").token
    if name in REVIEW_ACTIONS:
        _reviewing(db, demo)
    if name == "answer_readiness":  # the check takes answers while the facilitator has it open
        actions.open_readiness(db, demo.code, demo.facilitator_key, True)
    if name == "revoke_owner_link":
        actions.issue_owner_link(db, demo.code, demo.facilitator_key, first_owned(db, demo.code).owner)
    if name == "unvote":
        actions.vote(db, demo.code, participant, load(db, demo.code).live_bottlenecks[0]["id"])
    if name in ("edit_impact", "withdraw_impact"):  # a participant changes only their own impacts
        actions.add_impact(
            db, demo.code, participant, load(db, demo.code).live_bottlenecks[0]["id"], "churn", "worse", 2, "Their own"
        )
    stamp = version(db, demo.code)
    credential = participant if name in PARTICIPANT_ACTIONS else demo.facilitator_key
    _writes(db, demo.code, credential)[name]()
    assert version(db, demo.code) > stamp


# --- check-ins -------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["facilitator", "leader link"])
def test_owners_record_checkins_through_either_link(db, demo, leader, via):
    credential = demo.facilitator_key if via == "facilitator" else leader
    t = first_owned(db, demo.code)
    before = export.to_document(load(db, demo.code), now=NOW)
    halfway = t.baseline + (t.target - t.baseline) / 2
    actions.record_checkin(
        db,
        demo.code,
        credential,
        t.initiative_id,
        halfway,
        "at_risk",
        "Slower than hoped",
        next_checkin=LATER + timedelta(days=30),
        today=LATER,
        now=NOW,
    )
    after = export.to_document(load(db, demo.code), now=NOW)
    changed = ("checkins", "audit_trail")
    assert {k: v for k, v in after.items() if k not in changed} == {k: v for k, v in before.items() if k not in changed}
    [row] = after["checkins"]
    assert (row["status"], row["note"], row["via"], row["recorded_by"]) == (
        "at_risk",
        "Slower than hoped",
        via,
        t.owner,
    )
    tracked = first_owned(db, demo.code)
    assert tracked.progress == pytest.approx(0.5)
    assert tracked.next_checkin == LATER + timedelta(days=30)


def test_checkins_are_accepted_after_the_workshop_ended(db, demo, leader):
    assert load(db, demo.code).ended
    t = first_owned(db, demo.code)
    actions.record_checkin(db, demo.code, leader, t.initiative_id, t.target, "on_track", today=LATER)
    assert first_owned(db, demo.code).progress == 1.0


BAD_CHECKINS = {
    "no value": ({"value": ""}, "Metric value"),
    "text value": ({"value": "lots"}, "Metric value"),
    "infinite value": ({"value": "inf"}, "Metric value"),
    "unknown status": ({"status": "green"}, "status"),
    "future date": ({"checked_on": (LATER + timedelta(days=1)).isoformat()}, "in the future"),
    "before the owner": ({"checked_on": (TODAY - timedelta(days=30)).isoformat()}, "before the owner"),
    "bad date": ({"checked_on": "31/12/2026"}, "date such as"),
    "next before this": ({"next_checkin": LATER.isoformat()}, "must come after"),
    "control char": ({"note": "bad\x07bell"}, "control character"),
    "long note": ({"note": "x" * 281}, "limit is 280"),
}


@pytest.mark.parametrize("name", sorted(BAD_CHECKINS))
def test_bad_checkins_are_refused_and_change_nothing(db, demo, leader, name):
    changes, message = BAD_CHECKINS[name]
    t = first_owned(db, demo.code)
    args = {"value": 20, "status": "on_track", "note": "", "checked_on": None, "next_checkin": None, **changes}
    stamp = version(db, demo.code)
    with pytest.raises(InvalidInput, match=message):
        actions.record_checkin(
            db,
            demo.code,
            leader,
            t.initiative_id,
            args["value"],
            args["status"],
            args["note"],
            checked_on=args["checked_on"],
            next_checkin=args["next_checkin"],
            today=LATER,
        )
    assert version(db, demo.code) == stamp
    assert load(db, demo.code).checkins == []


def test_checkins_need_an_owned_initiative_of_this_workshop(db, demo, workshop, leader):
    snapshot = load(db, demo.code)
    unowned = next(i for i in snapshot.initiatives if i.owner is None)
    with pytest.raises(InvalidInput, match="no owner"):
        actions.record_checkin(db, demo.code, leader, unowned.id, 1, "on_track", today=LATER)
    with pytest.raises(NotFound):
        actions.record_checkin(db, demo.code, leader, 10_000, 1, "on_track", today=LATER)
    with pytest.raises(NotAllowed):
        actions.record_checkin(db, workshop.code, leader, 1, 1, "on_track", today=LATER)
    with pytest.raises(NotAllowed):
        actions.record_checkin(db, demo.code, "guess", snapshot.tracks[0].initiative_id, 1, "on_track", today=LATER)


def test_a_revoked_leader_link_can_no_longer_record(db, demo, leader):
    actions.revoke_leader_link(db, demo.code, demo.facilitator_key)
    with pytest.raises(NotAllowed):
        actions.record_checkin(
            db, demo.code, leader, first_owned(db, demo.code).initiative_id, 1, "on_track", today=LATER
        )


def test_only_the_facilitator_deletes_a_checkin(db, demo, leader):
    t = first_owned(db, demo.code)
    checkin = actions.record_checkin(db, demo.code, leader, t.initiative_id, 30, "on_track", today=LATER)
    with pytest.raises(NotAllowed):
        actions.delete_checkin(db, demo.code, leader, checkin)
    actions.delete_checkin(db, demo.code, demo.facilitator_key, checkin)
    assert load(db, demo.code).checkins == []
    with pytest.raises(NotFound):
        actions.delete_checkin(db, demo.code, demo.facilitator_key, checkin)


def test_deleting_an_initiative_takes_its_checkins(db, demo, leader):
    t = first_owned(db, demo.code)
    actions.record_checkin(db, demo.code, leader, t.initiative_id, 30, "on_track", today=LATER)
    actions.reopen_workshop(db, demo.code, demo.facilitator_key)
    actions.delete_initiative(db, demo.code, demo.facilitator_key, t.initiative_id)
    assert storage.portfolio_checkins(db) == []


def test_join_after_the_end_is_refused_even_with_the_leader_links_code(db, demo, leader):
    with pytest.raises(InputLocked):
        actions.join(db, demo.code, "Leader")


# --- portfolio -------------------------------------------------------------------------


def test_portfolio_lists_every_owned_initiative_across_workshops(db, tmp_path):
    from workshop.demo import create_demo

    first = create_demo(db, now=NOW)
    second = create_demo(db, now=NOW + 86_400 * 60)
    t = first_owned(db, first.code)
    actions.record_checkin(
        db,
        first.code,
        first.facilitator_key,
        t.initiative_id,
        t.target,
        "on_track",
        next_checkin=LATER + timedelta(days=10),
        today=LATER,
    )
    tracks = followup.portfolio(storage.portfolio_owners(db), storage.portfolio_checkins(db))
    per_workshop = {code: len(load(db, code).tracks) for code in (first.code, second.code)}
    assert len(tracks) == sum(per_workshop.values())
    assert {x.code for x in tracks} == {first.code, second.code}
    mine = next(x for x in tracks if x.initiative_id == t.initiative_id)
    assert (mine.status, mine.progress, mine.next_checkin) == ("on_track", 1.0, LATER + timedelta(days=10))
    created = date.fromtimestamp(NOW - 95 * 60)
    assert {x.code for x in followup.select(tracks, end=created)} == {first.code}
    assert {x.code for x in followup.select(tracks, start=created + timedelta(days=1))} == {second.code}
    assert followup.select(tracks, organisations=["Nobody"]) == []
    assert [x.initiative_id for x in followup.select(tracks, status=["on_track"])] == [t.initiative_id]
    overdue = followup.select(tracks, today=LATER, overdue_only=True)
    assert t.initiative_id not in {x.initiative_id for x in overdue}
    assert len(overdue) == followup.counts(tracks, LATER)["overdue"] > 0


def test_the_sample_with_followup_has_ten_weeks_of_checkins_and_one_overdue(db):
    from workshop.demo import create_demo

    made = create_demo(db, now=NOW, followup_days=70)
    tracks = load(db, made.code).tracks
    assert all(t.checkins for t in tracks)
    assert len(load(db, made.code).checkins) == 12
    today = date.fromtimestamp(NOW)
    overdue = [t.title for t in tracks if t.overdue(today)]
    assert overdue == ["Distributed tracing and shared observability dashboards"]
    assert {t.status for t in tracks} == {"on_track", "at_risk"}


def test_the_portfolio_key_is_checked_in_the_domain(db, monkeypatch):
    """The portfolio lists every workshop's join code, so it never opens without its key."""
    from workshop.demo import create_demo

    create_demo(db, now=NOW)
    monkeypatch.delenv(portfolio.PORTFOLIO_KEY_ENV, raising=False)
    for nothing in (None, "", "anything"):
        with pytest.raises(NotAllowed):
            portfolio.read_portfolio(db, nothing)
    issued = portfolio.ensure_portfolio_key(db)
    assert issued and portfolio.ensure_portfolio_key(db) is None, "issued once, at first start"
    assert issued not in json.dumps(list(db.query("SELECT * FROM settings"))), "only its hash is kept"
    tracks, workshops = portfolio.read_portfolio(db, issued)
    assert len(tracks) == 4 and len(workshops) == 1
    reissued = portfolio.issue_portfolio_key(db)
    with pytest.raises(NotAllowed):
        portfolio.read_portfolio(db, issued)
    assert len(portfolio.read_portfolio(db, reissued)[0]) == 4
    monkeypatch.setenv(portfolio.PORTFOLIO_KEY_ENV, "k3y")
    for wrong in (None, "", "K3Y", "k3y ", reissued):
        with pytest.raises(NotAllowed):
            portfolio.read_portfolio(db, wrong)
    assert len(portfolio.read_portfolio(db, "k3y")[0]) == 4


# --- owner links: the authorisation matrix -----------------------------------------------


def _two_owners(db, code):
    tracks = load(db, code).tracks
    a = tracks[0]
    b = next(t for t in tracks if t.owner != a.owner)
    return a, b


def test_an_owner_link_records_a_check_in_on_the_owners_own_initiative(db, demo):
    a, _ = _two_owners(db, demo.code)
    token = actions.issue_owner_link(db, demo.code, demo.facilitator_key, a.owner, now=NOW)
    stamp = version(db, demo.code)
    actions.record_checkin(
        db, demo.code, token, a.initiative_id, 31, "at_risk", recorded_by="Someone else", today=LATER
    )
    row = load(db, demo.code).initiative(a.initiative_id).checkins[-1]
    assert (row["value"], row["via"], row["recorded_by"]) == (31, "owner link", a.owner)
    assert version(db, demo.code) == stamp + 1


def test_an_owner_link_cannot_check_in_on_another_owners_initiative(db, demo):
    a, b = _two_owners(db, demo.code)
    token = actions.issue_owner_link(db, demo.code, demo.facilitator_key, a.owner)
    before = export.export_json(db, demo.code, now=NOW)
    with pytest.raises(NotAllowed, match="your own initiatives only"):
        actions.record_checkin(db, demo.code, token, b.initiative_id, 31, "on_track", today=LATER)
    assert export.export_json(db, demo.code, now=NOW) == before


def test_an_owner_link_opens_only_its_owners_initiatives(db, demo):
    a, b = _two_owners(db, demo.code)
    token = actions.issue_owner_link(db, demo.code, demo.facilitator_key, a.owner)
    page = actions.owner_page(db, demo.code, token)
    assert page.owner == a.owner and page.tracks
    assert {t.owner for t in page.tracks} == {a.owner}
    assert b.initiative_id not in {t.initiative_id for t in page.tracks}


def test_an_owner_link_cannot_read_or_write_another_workshop(db, demo):
    other = create_demo(db, now=NOW + 60)
    a, _ = _two_owners(db, demo.code)
    token = actions.issue_owner_link(db, demo.code, demo.facilitator_key, a.owner)
    theirs = _two_owners(db, other.code)[0]
    with pytest.raises(NotAllowed):
        actions.owner_page(db, other.code, token)
    with pytest.raises(NotAllowed):
        actions.record_checkin(db, other.code, token, theirs.initiative_id, 31, "on_track", today=LATER)
    with pytest.raises(NotFound):  # the other workshop's initiative is not part of this one
        actions.record_checkin(db, demo.code, token, theirs.initiative_id, 31, "on_track", today=LATER)


def test_a_revoked_or_reissued_owner_link_opens_nothing(db, demo):
    a, _ = _two_owners(db, demo.code)
    first = actions.issue_owner_link(db, demo.code, demo.facilitator_key, a.owner)
    second = actions.issue_owner_link(db, demo.code, demo.facilitator_key, a.owner)
    with pytest.raises(NotAllowed, match="reissued or revoked"):
        actions.owner_page(db, demo.code, first)
    with pytest.raises(NotAllowed):
        actions.record_checkin(db, demo.code, first, a.initiative_id, 31, "on_track", today=LATER)
    assert actions.owner_page(db, demo.code, second).owner == a.owner
    actions.revoke_owner_link(db, demo.code, demo.facilitator_key, a.owner)
    for token in (first, second):
        with pytest.raises(NotAllowed):
            actions.owner_page(db, demo.code, token)
        with pytest.raises(NotAllowed):
            actions.record_checkin(db, demo.code, token, a.initiative_id, 31, "on_track", today=LATER)
    with pytest.raises(InvalidInput, match="no owner link"):
        actions.revoke_owner_link(db, demo.code, demo.facilitator_key, a.owner)


def test_an_owner_link_is_not_a_participant_a_leader_or_the_facilitator(db, demo):
    a, _ = _two_owners(db, demo.code)
    token = actions.issue_owner_link(db, demo.code, demo.facilitator_key, a.owner)
    assert actions.identify(db, demo.code, token) is None
    assert not actions.is_leader(db, demo.code, token)
    assert not actions.is_facilitator(db, demo.code, token)


def test_owner_links_go_only_to_owners_and_are_stored_hashed(db, demo):
    a, _ = _two_owners(db, demo.code)
    with pytest.raises(NotFound, match="owns an initiative"):
        actions.issue_owner_link(db, demo.code, demo.facilitator_key, "Nobody Known")
    token = actions.issue_owner_link(db, demo.code, demo.facilitator_key, a.owner, now=NOW)
    dump = "\n".join(str(r) for r in db.query("SELECT * FROM owner_links"))
    assert token not in dump and actions.hash_secret(token) in dump
    assert [link["owner"] for link in load(db, demo.code).owner_links] == [a.owner]
    text = export.export_json(db, demo.code) + export_markdown(db, demo.code)
    assert token not in text and actions.hash_secret(token) not in text


# --- due check-ins and reminders ---------------------------------------------------------


def due_track(n: int, owner: str, due: str | None, code: str = "ABC123", checked: bool = False) -> followup.Track:
    """A track whose next check-in is `due` (its first one, or one a check-in planned)."""
    row = {**owner_row("2025-07-01" if checked or due is None else due), "initiative_id": n, "owner": owner}
    checkins = (
        [{**checkin_row(n, "2025-06-20", 30, upcoming=due), "initiative_id": n}] if checked or due is None else []
    )
    return followup.track(row, f"Initiative {n}", checkins, code=code)


def test_due_soon_keeps_overdue_and_the_next_seven_days_soonest_first():
    today = date(2025, 7, 10)
    tracks = [
        due_track(1, "Priya", "2025-07-17"),  # in 7 days: due this week
        due_track(2, "Priya", "2025-07-18"),  # in 8 days: not yet
        due_track(3, "Tom", "2025-07-01"),  # overdue
        due_track(4, "Lena", "2025-07-10"),  # today
        due_track(5, "Marc", None),  # nothing planned: never due
        due_track(6, "Tom", "2025-07-12", checked=True),  # planned by a check-in
    ]
    assert [t.initiative_id for t in followup.due_soon(tracks, today)] == [3, 4, 6, 1]
    assert [t.initiative_id for t in followup.due_soon(tracks, today, days=0)] == [3, 4]
    assert followup.due_soon([], today) == []


def test_due_tracks_are_grouped_per_workshop_and_owner_by_name():
    tracks = [
        due_track(1, "tom", "2025-07-01", code="BBB222"),
        due_track(2, "Anna", "2025-07-02"),
        due_track(3, "tom", "2025-07-03", code="AAA111"),
        due_track(4, "Anna", "2025-07-04"),
    ]
    groups = followup.by_owner(tracks)
    assert list(groups) == [("ABC123", "Anna"), ("AAA111", "tom"), ("BBB222", "tom")]
    assert [t.initiative_id for t in groups[("ABC123", "Anna")]] == [2, 4]


def test_a_reminder_names_each_checkin_when_it_is_due_and_the_link():
    today = date(2025, 7, 10)
    one = followup.reminder("Priya", [due_track(1, "Priya", "2025-07-12")], today, "https://x/owner?ws=A&o=T")
    assert one == (
        "Hi Priya — your check-in on Initiative 1 (Pages) is due Jul 12, 2025. Record it here: https://x/owner?ws=A&o=T"
    )
    two = followup.reminder(
        "Tom", [due_track(2, "Tom", "2025-07-01"), due_track(3, "Tom", "2025-07-10")], today, "/owner?ws=A&o=T"
    )
    assert two == (
        "Hi Tom — your check-in on Initiative 2 (Pages) is overdue since Jul 1, 2025 and your check-in on "
        "Initiative 3 (Pages) is due Jul 10, 2025. Record them here: /owner?ws=A&o=T"
    )


def test_tracks_know_where_a_commitment_came_from_and_how_it_ended(db):
    earlier = create_demo(db, now=NOW, followup_days=70)
    later = actions.create_workshop(
        db, "Next quarter", "Northwind Analytics", "scaleup", now=NOW + 60, review_minutes=10
    )
    first, second, third = load(db, later.code).commitments[:3]
    review = actions.review_commitment
    copy = review(db, later.code, later.facilitator_key, first.initiative_id, "carry", "Half-way", now=NOW + 120)
    review(db, later.code, later.facilitator_key, second.initiative_id, "done", "Shipped", now=NOW + 120)
    review(db, later.code, later.facilitator_key, third.initiative_id, "drop", "Moot", now=NOW + 120)
    mine = {t.initiative_id: t for t in load(db, earlier.code).tracks}
    assert (mine[first.initiative_id].outcome, mine[first.initiative_id].reviewed_in) == ("carry", later.code)
    assert mine[first.initiative_id].concluded == f"Carried over in {later.code}"
    assert mine[second.initiative_id].concluded == f"Done in {later.code}"
    assert mine[second.initiative_id].review_reason == "Shipped"
    assert mine[third.initiative_id].concluded == f"Dropped in {later.code}"
    assert mine[first.initiative_id].chain == ""
    (carried,) = [t for t in load(db, later.code).tracks if t.initiative_id == copy]
    assert (carried.carried_from, carried.carried_times, carried.outcome) == (earlier.code, 1, None)
    assert carried.chain == f"Carried from {earlier.code} · carried 1×" and carried.concluded == ""
    across = {
        t.initiative_id: t for t in followup.portfolio(storage.portfolio_owners(db), storage.portfolio_checkins(db))
    }
    for t in [*load(db, earlier.code).tracks, *load(db, later.code).tracks]:
        assert across[t.initiative_id] == t, "the portfolio and the workshop read the same chain"


@pytest.fixture
def portfolio_key(db, monkeypatch) -> str:
    monkeypatch.delenv(portfolio.PORTFOLIO_KEY_ENV, raising=False)
    return portfolio.issue_portfolio_key(db)


def _links(db) -> list:
    return list(db.query("SELECT * FROM owner_links ORDER BY workshop_id, owner"))


@pytest.mark.parametrize("wrong", [None, "", "not-the-key", "facilitator", "leader", "owner"])
def test_reminder_links_need_the_portfolio_key_and_write_nothing_without_it(db, demo, portfolio_key, wrong):
    a, b = _two_owners(db, demo.code)
    held = actions.issue_owner_link(db, demo.code, demo.facilitator_key, a.owner)
    credential = {
        "facilitator": demo.facilitator_key,
        "leader": actions.issue_leader_link(db, demo.code, demo.facilitator_key),
        "owner": held,
    }.get(wrong or "", wrong)
    before, stamp = _links(db), version(db, demo.code)
    with pytest.raises(NotAllowed):
        actions.issue_owner_links_for_reminders(db, credential, [(demo.code, a.owner), (demo.code, b.owner)])
    assert _links(db) == before and version(db, demo.code) == stamp
    assert actions.owner_page(db, demo.code, held).owner == a.owner


def test_reminder_links_replace_each_owners_link_with_one_change_per_workshop(db, demo, portfolio_key):
    other = create_demo(db, now=NOW + 60)
    a, b = _two_owners(db, demo.code)
    c = _two_owners(db, other.code)[0]
    old = actions.issue_owner_link(db, demo.code, demo.facilitator_key, a.owner)
    stamps = {code: version(db, code) for code in (demo.code, other.code)}
    pairs = [(demo.code, a.owner), (other.code, c.owner), (demo.code, b.owner), (demo.code.lower(), a.owner)]
    tokens = actions.issue_owner_links_for_reminders(db, portfolio_key, pairs, now=NOW)
    assert set(tokens) == {(demo.code, a.owner), (demo.code, b.owner), (other.code, c.owner)}
    for (code, owner), token in tokens.items():
        assert actions.owner_page(db, code, token).owner == owner
    with pytest.raises(NotAllowed, match="reissued or revoked"):
        actions.owner_page(db, demo.code, old)
    assert {code: version(db, code) for code in stamps} == {code: n + 1 for code, n in stamps.items()}
    dump = "\n".join(str(r) for r in _links(db))
    assert not any(token in dump for token in tokens.values()), "stored hashed"


@pytest.mark.parametrize(
    "pairs, error, message",
    [
        ([], InvalidInput, "at least one owner"),
        ("ABC", InvalidInput, "at least one owner"),
        ([("ONLY-ONE",)], InvalidInput, "a workshop code and an owner"),
        ([(1, 2)], InvalidInput, "a workshop code and an owner"),
        (lambda code, owner: [(code, owner), (code, "Nobody Known")], NotFound, "owns an initiative"),
        (lambda code, owner: [(code, owner), ("ZZZZZZ", owner)], NotFound, "No workshop"),
        (lambda code, owner: [(code, owner)] * 2 + [(code, "x")] * 600, InvalidInput, "at most"),
    ],
)
def test_bad_reminder_requests_are_refused_before_anything_is_written(db, demo, portfolio_key, pairs, error, message):
    a, _ = _two_owners(db, demo.code)
    held = actions.issue_owner_link(db, demo.code, demo.facilitator_key, a.owner)
    given = pairs(demo.code, a.owner) if callable(pairs) else pairs
    before, stamp = _links(db), version(db, demo.code)
    with pytest.raises(error, match=message):
        actions.issue_owner_links_for_reminders(db, portfolio_key, given)
    assert _links(db) == before and version(db, demo.code) == stamp
    assert actions.owner_page(db, demo.code, held).owner == a.owner
