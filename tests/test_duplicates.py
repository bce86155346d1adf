"""Step 1's suggested duplicates: what the console is offered, the three answers, and their refusals."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import NOW, as_restored, version
from workshop import actions, demo
from workshop import store as storage
from workshop.backup import export
from workshop.domain import similar
from workshop.domain.errors import InvalidInput, NotAllowed, NotFound
from workshop.store.load import load

SAME = ("On-call burnout", "on-call burnout!!")
OTHER = "Pricing page confuses first-time buyers"


@pytest.fixture
def room(db, workshop):
    """A brainstorm with one obvious duplicate pair, one distinct note, and votes on the duplicate."""
    people = [actions.join(db, workshop.code, name).token for name in ("Ann", "Bo", "Cy")]
    ids = [
        actions.add_bottleneck(db, workshop.code, people[0], "organisation", SAME[0], now=NOW),
        actions.add_bottleneck(db, workshop.code, people[1], "organisation", SAME[1], now=NOW + 1),
        actions.add_bottleneck(db, workshop.code, people[2], "product", OTHER, now=NOW + 2),
    ]
    actions.vote(db, workshop.code, people[0], ids[1], now=NOW + 3)
    actions.vote(db, workshop.code, people[1], ids[1], now=NOW + 4)
    actions.vote(db, workshop.code, people[2], ids[0], now=NOW + 5)
    return workshop, people, ids


def suggested(db, workshop) -> list[tuple[int, ...]]:
    return [g.members for g in actions.suggested_groups(db, workshop.code, workshop.facilitator_key)]


def test_the_console_is_offered_the_duplicate_with_the_most_voted_note_first(db, room):
    workshop, _, ids = room
    assert suggested(db, workshop) == [(ids[1], ids[0])]


def test_merging_a_group_carries_every_vote_to_the_note_kept(db, room):
    workshop, _, ids = room
    kept = actions.merge_group(db, workshop.code, workshop.facilitator_key, ids[0], [ids[1], ids[0]])
    snapshot = load(db, workshop.code)
    assert kept == ids[0]
    assert snapshot.bottleneck(ids[1])["merged_into"] == ids[0]
    assert snapshot.bottleneck(ids[0])["votes"] == 3
    assert [b["id"] for b in snapshot.live_bottlenecks] == [ids[0], ids[2]]
    assert suggested(db, workshop) == []


def test_a_whole_group_merges_in_one_change(db, workshop):
    token = actions.join(db, workshop.code, "Ann").token
    texts = ("Deploys are slow", "deploys are slow", "Deploys are slow!", "deploys are SLOW")
    ids = [actions.add_bottleneck(db, workshop.code, token, "platform", t, now=NOW + k) for k, t in enumerate(texts)]
    (group,) = actions.suggested_groups(db, workshop.code, workshop.facilitator_key)
    assert sorted(group.members) == ids
    before = version(db, workshop.code)
    actions.merge_group(db, workshop.code, workshop.facilitator_key, group.keep, list(group.members))
    assert version(db, workshop.code) == before + 1
    assert [b["id"] for b in load(db, workshop.code).live_bottlenecks] == [group.keep]


def test_a_dismissed_group_is_never_suggested_again(db, room):
    workshop, people, ids = room
    actions.dismiss_suggestion(db, workshop.code, workshop.facilitator_key, [ids[0], ids[1]], now=NOW)
    assert suggested(db, workshop) == []
    # A third wording still pairs with each of them, but never brings the dismissed two together.
    third = actions.add_bottleneck(db, workshop.code, people[2], "organisation", "On-call burnout.", now=NOW + 9)
    groups = suggested(db, workshop)
    assert groups and all({ids[0], ids[1]} - set(g) for g in groups) and all(third in g for g in groups)


def test_splitting_a_note_out_keeps_the_rest_of_the_group(db, workshop):
    token = actions.join(db, workshop.code, "Ann").token
    texts = ("Deploys are slow", "deploys are slow", "Deploys are slow!")
    ids = [actions.add_bottleneck(db, workshop.code, token, "platform", t, now=NOW + k) for k, t in enumerate(texts)]
    actions.split_from_suggestion(db, workshop.code, workshop.facilitator_key, ids[2], ids, now=NOW)
    assert [sorted(g) for g in suggested(db, workshop)] == [ids[:2]]
    rows = storage.dismissed_pairs(db, load(db, workshop.code).workshop["id"])
    assert [(r["low_id"], r["high_id"]) for r in rows] == [(ids[0], ids[2]), (ids[1], ids[2])]


def bad_calls(workshop, ids, merged, hidden, foreign):
    """Each refused call with the message it must give."""
    key, code = workshop.facilitator_key, workshop.code
    return {
        "one note": (lambda db: actions.dismiss_suggestion(db, code, key, [ids[0]]), "2 to"),
        "too many": (lambda db: actions.dismiss_suggestion(db, code, key, list(range(1, 12))), "2 to"),
        "not a list": (lambda db: actions.dismiss_suggestion(db, code, key, "1,2"), "2 to"),
        "repeated": (lambda db: actions.merge_group(db, code, key, ids[0], [ids[0], ids[0]]), "each note once"),
        "not a number": (lambda db: actions.merge_group(db, code, key, ids[0], [ids[0], "x"]), "whole number"),
        "unknown": (lambda db: actions.merge_group(db, code, key, ids[0], [ids[0], 999]), "not part"),
        "other workshop": (lambda db: actions.merge_group(db, code, key, ids[0], [ids[0], foreign]), "not part"),
        "merged": (lambda db: actions.merge_group(db, code, key, ids[0], [ids[0], merged]), "already merged"),
        "hidden": (lambda db: actions.dismiss_suggestion(db, code, key, [ids[0], hidden]), "hidden"),
        "keep outside": (lambda db: actions.merge_group(db, code, key, ids[2], ids[:2]), "to keep must be"),
        "split outside": (lambda db: actions.split_from_suggestion(db, code, key, ids[2], ids[:2]), "split out"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "one note",
        "too many",
        "not a list",
        "repeated",
        "not a number",
        "unknown",
        "other workshop",
        "merged",
        "hidden",
        "keep outside",
        "split outside",
    ],
)
def test_a_bad_group_is_refused_with_one_line_and_writes_nothing(db, room, case):
    workshop, people, ids = room
    key = workshop.facilitator_key
    merged = actions.add_bottleneck(db, workshop.code, people[0], "product", "Merged away", now=NOW + 10)
    actions.merge_bottlenecks(db, workshop.code, key, merged, ids[2])
    hidden = actions.add_bottleneck(db, workshop.code, people[0], "product", "Noise", now=NOW + 11)
    actions.hide_bottleneck(db, workshop.code, key, hidden)
    other = actions.create_workshop(db, "Other", "Other Ltd", "scaleup", now=NOW)
    stranger = actions.join(db, other.code, "Zed").token
    foreign = actions.add_bottleneck(db, other.code, stranger, "product", "Elsewhere", now=NOW)
    call, message = bad_calls(workshop, ids, merged, hidden, foreign)[case]
    before = (version(db, workshop.code), export.export_json(db, workshop.code, now=NOW))
    with pytest.raises((InvalidInput, NotFound)) as refused:
        call(db)
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert (version(db, workshop.code), export.export_json(db, workshop.code, now=NOW)) == before


def test_only_the_facilitator_sees_or_answers_suggestions(db, room):
    workshop, people, ids = room
    link = actions.issue_leader_link(db, workshop.code, workshop.facilitator_key)
    before = version(db, workshop.code)
    for credential in (people[0], link, None, "wrong"):
        with pytest.raises(NotAllowed):
            actions.suggested_groups(db, workshop.code, credential)
        with pytest.raises(NotAllowed):
            actions.merge_group(db, workshop.code, credential, ids[0], ids[:2])
        with pytest.raises(NotAllowed):
            actions.dismiss_suggestion(db, workshop.code, credential, ids[:2])
        with pytest.raises(NotAllowed):
            actions.split_from_suggestion(db, workshop.code, credential, ids[0], ids[:2])
    assert version(db, workshop.code) == before


def test_the_sample_merges_a_duplicate_that_the_suggestions_find(db):
    """The sample's duplicate is merged through step 1's suggestions, so they must find it among its notes."""
    notes = [similar.Note(k, text) for k, (_, text) in enumerate(demo.BOTTLENECKS)]
    found = similar.groups([*notes, similar.Note(len(notes), demo.DUPLICATE[1])])
    assert [g.members for g in found] == [(0, len(notes))]
    created = demo.create_demo(db, now=NOW)
    snapshot = load(db, created.code)
    (duplicate,) = [b for b in snapshot.bottlenecks if b["text"] == demo.DUPLICATE[1]]
    assert duplicate["merged_into"] == snapshot.bottlenecks[0]["id"]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workshop", *args], capture_output=True, text=True, timeout=120)


def test_the_command_line_prints_the_groups_as_json_keep_first(tmp_path):
    path = str(tmp_path / "cli.db")
    db = storage.connect(path)
    created = actions.create_workshop(db, "T", "Org", "scaleup", now=NOW)
    token = actions.join(db, created.code, "Ann").token
    ids = [
        actions.add_bottleneck(db, created.code, token, "platform", t, now=NOW)
        for t in ("Deploys are slow", OTHER, "deploys are slow!")
    ]
    actions.vote(db, created.code, token, ids[2], now=NOW)
    db.close()
    answer = cli("--db", path, "similar", created.code.lower(), "--json")
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout) == [[ids[2], ids[0]]]
    text = cli("--db", path, "similar", created.code)
    assert text.stdout.splitlines() == [f"#{ids[2]} deploys are slow! (keep) | #{ids[0]} Deploys are slow"]
    missing = cli("--db", path, "similar", "ZZZZZZ", "--json")
    assert missing.returncode == 2 and missing.stdout == "" and "ZZZZZZ" in missing.stderr


def test_dismissed_pairs_survive_an_export_and_import(db, room, tmp_path):
    workshop, _, ids = room
    actions.dismiss_suggestion(db, workshop.code, workshop.facilitator_key, ids[:2], now=NOW)
    document = json.loads(export.export_json(db, workshop.code, now=NOW))
    assert document["dismissed_pairs"] == [{"notes": [1, 2], "dismissed_at": "2025-06-15T15:06:40.000000+00:00"}]
    target = storage.connect(tmp_path / "restored.db")
    code, key = export.import_document(target, json.dumps(document))
    assert as_restored(export.export_json(target, code, now=NOW)) == as_restored(document)
    assert actions.suggested_groups(target, code, key) == []
    target.close()
