"""Imports go through one validation path: what the app would refuse is refused, with a message
naming the row, nothing is written, and whatever is accepted can be read by every export."""

from __future__ import annotations

import copy
import itertools
import json
import os
import re
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests import helpers
from tests.helpers import NOW, as_restored, workshop_count
from tests.test_cli import run
from workshop import store as storage
from workshop.actions import portfolio
from workshop.backup import export, importer
from workshop.demo import create_demo
from workshop.domain import checklist
from workshop.domain.errors import ImportRefused
from workshop.domain.vocabulary import LONG_MAX, NAME_MAX, NOTE_MAX, OWNER_MAX
from workshop.reports import charts
from workshop.reports import sheets as reports
from workshop.reports.markdown import export_markdown
from workshop.store.load import load

Doc = dict[str, Any]
Mutation = Callable[[Doc], None]


@pytest.fixture(scope="module")
def base_doc(tmp_path_factory: pytest.TempPathFactory) -> Doc:
    """A real export: the sample workshop held 70 days ago, with its owners' check-ins since."""
    db = storage.connect(tmp_path_factory.mktemp("base") / "source.db")
    made = create_demo(db, now=NOW, followup_days=70)
    doc = export.to_document(load(db, made.code), now=NOW)
    db.close()
    return doc


def dump(db: Any) -> dict[str, list[tuple]]:
    return helpers.dump(db)


def read_everything(db: Any, code: str) -> None:
    """Every read an imported workshop must survive: JSON, Markdown, sheets, CSV and the portfolio."""
    json.loads(export.export_json(db, code, now=NOW))
    export_markdown(db, code, now=NOW)
    snapshot = load(db, code)
    checklist.evaluate(snapshot)
    reports.to_xlsx(snapshot, now=NOW)
    reports.to_csv_zip(snapshot, now=NOW)
    key = os.environ.get(portfolio.PORTFOLIO_KEY_ENV) or portfolio.issue_portfolio_key(db)  # closed by default
    tracks, workshops = portfolio.read_portfolio(db, key)
    assert any(w["code"] == code for w in workshops)
    reports.tracks_table(tracks, date.fromtimestamp(NOW), with_workshop=True)
    charts.progress_frame(tracks)


def assert_refused(db: Any, raw: Any, fragment: str) -> str:
    """`raw` is refused with a one-line message containing `fragment`, and nothing is written."""
    before = dump(db)
    with pytest.raises(ImportRefused) as info:
        export.import_document(db, raw)
    message = str(info.value)
    assert fragment in message
    assert message.strip() and "\n" not in message
    assert workshop_count(db) == 0
    assert dump(db) == before
    return message


# --- the defects of issue 11, and more, each refused with a message ---------------------------


def _owner_without_decision(doc: Doc) -> None:
    del doc["decisions"][0]


def _votes_over_budget(doc: Doc) -> None:
    doc["votes"] += [{"bottleneck": 2, "participant": 2, "created_at": doc["votes"][0]["created_at"]}] * 51


def _running_without_deadline(doc: Doc) -> None:
    doc["steps"][4].update(state="running", deadline=None, run_started=None)


def _running_step_not_current(doc: Doc) -> None:
    doc["workshop"]["ended_at"] = None
    doc["steps"][0].update(
        state="running", deadline=doc["workshop"]["created_at"], run_started=doc["workshop"]["created_at"]
    )


def _unshowable_progress(doc: Doc) -> None:
    doc["owners"][0].update(baseline=0.0, target=1e-300)


def _extra_answer(doc: Doc) -> None:
    doc["decisions"][0]["answers"]["mood"] = "good"


def _readiness_figure_on_a_statement(doc: Doc) -> None:
    statement = next(a for a in doc["readiness"] if a["key"] == "talent_careers")
    statement["number"] = 3


def _set(path: str, value: Any) -> Mutation:
    def mutate(doc: Doc) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node: Any = doc
        for p in parents:
            node = node[p]
        node[last] = value

    return mutate


def _review(field: str, value: Any) -> Mutation:
    """A review of the first owned initiative with one field changed."""

    def mutate(doc: Doc) -> None:
        row = {
            "initiative": doc["owners"][0]["initiative"],
            "reviewed_in": "ABCD23",
            "outcome": "carry",
            "reason": "Half-way there",
            "reviewed_at": doc["workshop"]["created_at"],
        }
        doc["reviews"] = [{**row, field: value}]

    return mutate


def _dismissed(notes: Any, when: Any = "2025-06-15T15:00:00.000000+00:00", twice: bool = False) -> Mutation:
    """A dismissed pair of suggested duplicates (the sample's 11th note is merged into its first)."""

    def mutate(doc: Doc) -> None:
        doc["dismissed_pairs"] = [{"notes": notes, "dismissed_at": when}] * (2 if twice else 1)

    return mutate


def _copy_row(path: str) -> Mutation:
    """Append a copy of a list's first row (a duplicate the database would merge silently)."""

    def mutate(doc: Doc) -> None:
        node: Any = doc
        for p in [int(p) if p.isdigit() else p for p in path.split(".")]:
            node = node[p]
        node.append(copy.deepcopy(node[0]))

    return mutate


DEFECTS: dict[str, tuple[Mutation, str]] = {
    # found in issue 11
    "owner check-in not a date": (
        _set("owners.0.checkin", "notadate!!"),
        "owners[0].checkin must be a date such as 2026-12-31",
    ),
    "running timer without deadline": (_running_without_deadline, "steps[4] is running but has no deadline"),
    "51 votes beyond the budget": (_votes_over_budget, "the budget is 5 votes per person"),
    "duplicate owner row": (_copy_row("owners"), "owners[4] is a second owner for initiative 1"),
    "duplicate decision row": (_copy_row("decisions"), "decisions[4] is a second decision for initiative 1"),
    "5,000-character note": (
        _set("bottlenecks.3.text", "x" * 5000),
        "bottlenecks[3].text is 5000 characters long; the limit is 280.",
    ),
    "negative money": (_set("impacts.0.money", -1), "impacts[0].money must be between 0 and 1,000,000,000,000"),
    "baseline equal to target": (_set("owners.0.target", 40.0), "owners[0].target equals its baseline"),
    "participant id 'one'": (_set("participants.1.id", "one"), "participants[1].id must be a whole number"),
    # the same rules, elsewhere
    "vote on a merged note": (
        _set("votes.0.bottleneck", 11),
        "votes[0].bottleneck refers to bottleneck 11, which is merged away or not in the file",
    ),
    "lone surrogate in a name": (_set("participants.1.name", "Amira\ud800"), "control character (U+D800)"),
    "name over the limit": (_set("participants.1.name", "n" * (NAME_MAX + 1)), "the limit is 40"),
    "bool as a score": (_set("initiatives.0.scores.0.value", True), "scores[0].value must be a whole number"),
    "float as an id": (_set("bottlenecks.0.id", 1.0), "bottlenecks[0].id must be a whole number"),
    "huge id": (_set("participants.1.id", 10**30), "participants[1].id must be a whole number"),
    "money as a bool": (_set("impacts.0.money", True), "impacts[0].money must be a number"),
    "hidden as 0": (_set("bottlenecks.0.hidden", 0), "bottlenecks[0].hidden must be true or false"),
    "paused timer with a deadline": (_set("steps.0.deadline", "2025-04-06T13:40:00+00:00"), "has a deadline"),
    "pending timer that ran": (_set("steps.4.state", "pending"), "steps[4] is pending"),
    "running timer of another step": (_running_step_not_current, "only the current step"),
    "timestamp in year 9999": (_set("workshop.created_at", "9999-01-01T00:00:00+00:00"), "between 1970 and 9000"),
    "timestamp as a number": (_set("votes.0.created_at", 1750000000), "votes[0].created_at must be a timestamp"),
    "check-in on 30 February": (_set("checkins.0.checked_on", "2025-02-30"), "checkins[0].checked_on must be a date"),
    "next check-in not after it": (_set("checkins.0.next_checkin", "2025-04-20"), "must come after"),
    "owner of an undecided initiative": (
        _owner_without_decision,
        "owners[0].initiative refers to initiative 1, which is not decided",
    ),
    "unit over 30 characters": (_set("owners.0.unit", "u" * 31), "owners[0].unit is 31 characters long"),
    "owner name over the limit": (_set("owners.0.owner", "o" * (OWNER_MAX + 1)), "the limit is 80"),
    "description over the limit": (_set("initiatives.0.description", "d" * (LONG_MAX + 1)), "the limit is 1000"),
    "rationale over the limit": (_set("decisions.0.rationale", "r" * (LONG_MAX + 1)), "the limit is 1000"),
    "check-in note over the limit": (_set("checkins.0.note", "n" * (NOTE_MAX + 1)), "the limit is 280"),
    "second score by one person": (_copy_row("initiatives.0.scores"), "second row"),
    "second pick by one person": (_copy_row("initiatives.0.picks"), "second row"),
    "shared sequence position": (_set("initiatives.1.position", 1), "also the position of an earlier"),
    "initiative relieving nothing": (_set("initiatives.0.bottlenecks", []), "initiatives[0].bottlenecks is empty"),
    "progress that cannot be shown": (_unshowable_progress, "too far from the owner's baseline"),
    "an answer to an unknown question": (_extra_answer, "decisions[0].answers must answer exactly"),
    "code with a non-ASCII letter": (_set("workshop.code", "ÄBCDEF"), "workshop.code must be 4 to 12"),
    "vote budget as text": (_set("workshop.vote_budget", "5"), "workshop.vote_budget must be a whole number"),
    "nested section": (_set("participants", [[[[]]]]), "participants[0] must be an object"),
    # found in issue 13: the review of earlier commitments and carried-over initiatives
    "review of an unowned initiative": (
        _set(
            "reviews",
            [
                {
                    "initiative": 99,
                    "reviewed_in": "ABCD23",
                    "outcome": "done",
                    "reason": "x",
                    "reviewed_at": "2025-05-01T00:00:00+00:00",
                }
            ],
        ),
        "reviews[0].initiative refers to initiative 99, which is not owned",
    ),
    "review with an unknown outcome": (_review("outcome", "forget"), "reviews[0].outcome"),
    "review without a reason": (_review("reason", ""), "reviews[0].reason cannot be empty"),
    "review in a workshop code that is no code": (_review("reviewed_in", "???"), "reviews[0].reviewed_in must be"),
    "carried from nowhere": (_set("initiatives.0.carried_from", {"title": "X", "times": 1}), "carried_from.workshop"),
    "carried zero times": (
        _set("initiatives.0.carried_from", {"workshop": "ABCD23", "title": "X", "times": 0}),
        "carried_from.times must be",
    ),
    "review minutes beyond a step": (_set("workshop.review_minutes", 500), "workshop.review_minutes must be"),
    # the readiness check
    "readiness answer to an unknown question": (
        _set("readiness.0.key", "vibes"),
        "readiness[0].key is an unknown readiness question: 'vibes'",
    ),
    "readiness rating off its scale": (
        _set("readiness.0.rating", 4),
        "readiness[0]: Repeatable acquisition (evidence) must be a whole number from 0 to 3.",
    ),
    "readiness rating as text": (_set("readiness.0.rating", "3"), "readiness[0].rating must be a whole number"),
    "readiness rating as a bool": (_set("readiness.0.rating", True), "readiness[0].rating must be a whole number"),
    "readiness figure beyond its bounds": (
        _set("readiness.0.number", 1000),
        "readiness[0]: New customers from channels that repeat (%) must be between 0 and 100.",
    ),
    "readiness figure as text": (_set("readiness.0.number", "3.4"), "readiness[0].number must be a number"),
    "readiness figure on a statement": (_readiness_figure_on_a_statement, "takes no figure, only a rating"),
    "readiness answer by nobody": (
        _set("readiness.0.participant", 99),
        "readiness[0].participant refers to participant 99, which is not in the file",
    ),
    "readiness answer without a time": (_set("readiness.0.updated_at", None), "readiness[0].updated_at must be"),
    "second readiness answer by one person": (_copy_row("readiness"), "second answer to 'acquisition'"),
    "readiness open as 1": (_set("workshop.readiness_open", 1), "workshop.readiness_open must be true or false"),
    "readiness as an object": (_set("readiness", {"demand": 3}), "'readiness' must be a list of objects."),
    # the brainstorm modes: a private board lives only in step 1; an anonymous room stores no names
    "private brainstorm as text": (_set("workshop.private_brainstorm", "yes"), "workshop.private_brainstorm must be"),
    "private brainstorm after step 1": (
        _set("workshop.private_brainstorm", True),
        "workshop.private_brainstorm is on outside step 1",
    ),
    "anonymous as 1": (_set("workshop.anonymous", 1), "workshop.anonymous must be true or false"),
    "a typed name in an anonymous workshop": (
        _set("workshop.anonymous", True),
        "participants[1].name must be a numbered label such as 'Participant 3' in an anonymous workshop",
    ),
    # step 1's dismissed duplicate suggestions
    "dismissed pair of one note": (_dismissed([1]), "dismissed_pairs[0].notes must list two note ids"),
    "dismissed pair as text": (_dismissed("1,2"), "dismissed_pairs[0].notes must list two note ids"),
    "dismissed pair of the same note": (_dismissed([2, 2]), "names the same bottleneck twice"),
    "dismissed pair with an unknown note": (_dismissed([1, 99]), "refers to bottleneck 99, which is not in the file"),
    "dismissed pair listed twice": (_dismissed([1, 2], twice=True), "lists notes 1 and 2 a second time"),
    "dismissed pair without a time": (_dismissed([1, 2], when=None), "dismissed_pairs[0].dismissed_at must be"),
    "dismissed pairs as an object": (_set("dismissed_pairs", {"1": 2}), "'dismissed_pairs' must be a list"),
}


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_a_defect_is_refused_and_nothing_is_written(base_doc: Doc, tmp_path: Path, name: str) -> None:
    mutate, fragment = DEFECTS[name]
    doc = copy.deepcopy(base_doc)
    mutate(doc)
    db = storage.connect(tmp_path / "target.db")
    try:
        assert_refused(db, doc, fragment)
        assert_refused(db, json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass"), "")
    finally:
        db.close()


RAW_DEFECTS: dict[str, tuple[Any, str]] = {
    "a 43.7 MB file": (b" " * 43_700_000, "The file is 43,700,000 bytes; an import may be at most 5,000,000 bytes."),
    "just over the limit in UTF-8": ("é" * (importer.MAX_IMPORT_BYTES // 2 + 1), "an import may be at most"),
    "deep nesting": ("[" * 5000, "nested too deeply"),
    "deep nesting in an object": ('{"format": ' + "[" * 5000, "nested too deeply"),
    "NaN": ('{"format": NaN}', "not valid JSON (NaN is not a JSON number)"),
    "Infinity": ('{"workshop": -Infinity}', "not valid JSON"),
    "not UTF-8": (b'{"format": "\xff"}', "not valid JSON"),
    "an integer of 5,000 digits": ('{"format": ' + "9" * 5000 + "}", "not valid JSON"),
}


@pytest.mark.parametrize("name", sorted(RAW_DEFECTS))
def test_a_bad_file_is_refused_before_validation(tmp_path: Path, name: str) -> None:
    raw, fragment = RAW_DEFECTS[name]
    db = storage.connect(tmp_path / "target.db")
    try:
        assert_refused(db, raw, fragment)
    finally:
        db.close()


def test_a_limit_sized_file_is_parsed() -> None:
    padded = '{"format": "scaling-workshop/3"}'.ljust(importer.MAX_IMPORT_BYTES)
    assert importer.parse(padded) == {"format": "scaling-workshop/3"}


# --- what the app can produce is accepted ------------------------------------------------------


def _votes_on_hidden_notes(doc: Doc) -> None:
    """Votes on a note hidden as noise are refunded, so they do not count against the budget."""
    hidden = next(b["id"] for b in doc["bottlenecks"] if b["hidden"])
    doc["votes"] += [{"bottleneck": hidden, "participant": 2, "created_at": doc["votes"][0]["created_at"]}] * 3


def _format(name: str, drop_inputs: bool) -> Mutation:
    def mutate(doc: Doc) -> None:
        doc["format"] = name
        if name == "scaling-workshop/1":
            del doc["checkins"]
        if name != export.FORMAT:
            del doc["dismissed_pairs"]
        if name not in (export.FORMAT, "scaling-workshop/4"):
            del doc["reviews"], doc["workshop"]["review_minutes"], doc["workshop"]["reviewing"]
            del doc["readiness"], doc["workshop"]["readiness_open"]
            del doc["workshop"]["private_brainstorm"], doc["workshop"]["anonymous"]
            for item in doc["initiatives"]:
                del item["carried_from"]
        for item in doc["initiatives"] if drop_inputs else []:
            for key in ("answers", "picks", "volunteers"):
                del item[key]

    return mutate


def _carried_and_reviewed(doc: Doc) -> None:
    """A workshop whose first initiative was carried over, and whose commitments a later one reviewed."""
    _review("outcome", "done")(doc)
    first = doc["initiatives"][0]
    first.update(bottlenecks=[], carried_from={"workshop": "ABCD23", "title": first["title"], "times": 2})


def _without_brainstorm_modes(doc: Doc) -> None:
    """A format-4 file written before the brainstorm modes: neither setting, so neither is on."""
    del doc["workshop"]["private_brainstorm"], doc["workshop"]["anonymous"]


def _anonymous(doc: Doc) -> None:
    """An anonymous workshop: its participants are the numbered labels, the facilitator's devices not."""
    doc["workshop"]["anonymous"] = True
    people = [p for p in doc["participants"] if not p["is_facilitator"]]
    for n, person in enumerate(people, start=1):
        person["name"] = f"Participant {n}"


def _private_in_step_one(doc: Doc) -> None:
    """A live workshop exported mid-brainstorm, its board still private."""
    doc["workshop"].update(current_step="bottlenecks", ended_at=None, locked=False, private_brainstorm=True)


def _running_current_step(doc: Doc) -> None:
    """A live workshop exported mid-step: its current step runs, and may be in overtime."""
    doc["workshop"].update(ended_at=None, locked=False)
    doc["steps"][4].update(
        state="running", deadline=doc["workshop"]["created_at"], run_started=doc["workshop"]["created_at"]
    )


def _without_readiness(doc: Doc) -> None:
    """A format-4 file written before the readiness check was added to it (the format was not released)."""
    del doc["readiness"], doc["workshop"]["readiness_open"]


ACCEPTED: dict[str, Mutation] = {
    "as exported": lambda doc: None,
    "format 1": _format("scaling-workshop/1", drop_inputs=True),
    "format 2": _format("scaling-workshop/2", drop_inputs=True),
    "format 3": _format("scaling-workshop/3", drop_inputs=False),
    "format 4": _format("scaling-workshop/4", drop_inputs=False),
    "a dismissed pair, one note since merged": _dismissed([11, 1]),
    "a review and a carried initiative": _carried_and_reviewed,
    "votes on hidden notes": _votes_on_hidden_notes,
    "running current step in overtime": _running_current_step,
    "text with surrounding spaces": _set("bottlenecks.0.text", "  Incidents   eat sprints  "),
    "no money estimate": _set("impacts.0.money", None),
    "a note by nobody in particular": _set("bottlenecks.0.participant", None),
    "format 4 from before the readiness check": _without_readiness,
    "a readiness check still open": _set("workshop.readiness_open", True),
    "a readiness answer with a blank figure": _set("readiness.0.number", None),
    "format 4 without the brainstorm modes": _without_brainstorm_modes,
    "anonymous, with numbered participants": _anonymous,
    "a private brainstorm in step 1": _private_in_step_one,
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_what_the_app_can_produce_imports_and_reads(base_doc: Doc, database: str, name: str) -> None:
    doc = copy.deepcopy(base_doc)
    ACCEPTED[name](doc)
    db = storage.connect(database)
    try:
        code, key = export.import_document(db, doc)
        assert code == base_doc["workshop"]["code"] and key
        read_everything(db, code)
    finally:
        db.close()


def test_text_is_stored_as_the_actions_clean_it(base_doc: Doc, tmp_path: Path) -> None:
    doc = copy.deepcopy(base_doc)
    doc["bottlenecks"][0]["text"] = "  Incidents \t  eat sprints \n"
    plan = importer.validate(doc)
    assert plan.bottlenecks[0]["text"] == "Incidents eat sprints"


# --- validate is pure; apply is all or nothing ---------------------------------------------------


def test_validate_needs_no_database_and_leaves_the_document_alone(base_doc: Doc) -> None:
    doc = copy.deepcopy(base_doc)
    plan = importer.validate(doc)
    assert doc == base_doc
    assert plan.code == base_doc["workshop"]["code"]
    assert len(plan.timers) == 5 and len(plan.checkins) == len(base_doc["checkins"])
    assert [p["ref"] for p in plan.participants] == [p["id"] for p in base_doc["participants"]]


def test_apply_writes_nothing_when_a_write_fails_midway(
    base_doc: Doc, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = storage.connect(database)
    plan = importer.validate(copy.deepcopy(base_doc))
    before = dump(db)

    def broken(*args: Any) -> int:
        raise sqlite3.IntegrityError("disk says no")

    monkeypatch.setattr(storage, "insert_checkin", broken)
    with pytest.raises(ImportRefused, match="could not be stored"):
        importer.apply(db, plan)
    assert workshop_count(db) == 0 and dump(db) == before
    monkeypatch.undo()
    code, _ = importer.apply(db, plan)
    read_everything(db, code)
    db.close()


def test_apply_refuses_a_code_already_here_and_keeps_the_first(base_doc: Doc, database: str) -> None:
    db = storage.connect(database)
    plan = importer.validate(copy.deepcopy(base_doc))
    code, _ = importer.apply(db, plan)
    before = dump(db)
    with pytest.raises(ImportRefused, match="already exists"):
        importer.apply(db, plan)
    assert dump(db) == before and workshop_count(db) == 1
    db.close()


def test_round_trip_is_identical_apart_from_the_export_time(base_doc: Doc, database: str) -> None:
    db = storage.connect(database)
    code, _ = export.import_document(db, export.dumps(base_doc))
    again = export.to_document(load(db, code), now=NOW)
    assert as_restored(again) == as_restored(base_doc)
    db.close()


# --- every mutation of a real export: refused, or imported and readable ----------------------------

SPECIAL_TEXT = [
    "",
    " ",
    "\ud800",
    "\udfff",
    "a\x00b",
    "\u202e",
    "\n\n",
    "0",
    "2025-02-30",
    "2025-06-15",
    "9999-12-31",
    "0001-01-01",
    "2025-06-15T12:00:00+00:00",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59+00:00",
    "2025-06-15T12:00:00",
    "running",
    "paused",
    "pending",
    "done",
    "build",
    "buy",
    "on_track",
    "facilitator",
    "leader link",
    "worse",
    "revenue",
    "platform",
    "roi",
    "wsjf",
    "scaleup",
    "owners",
]
SPECIAL_NUMBERS = [
    0,
    -1,
    1,
    2,
    5,
    6,
    20,
    21,
    100,
    10**15,
    10**16,
    2**62,
    2**63,
    10**400,
    0.5,
    -0.0,
    1e-300,
    5e-324,
    1e300,
    float("nan"),
    float("inf"),
    float("-inf"),
]
HUGE_TEXT = st.sampled_from([281, 5000, 1_000_000]).map(lambda n: "x" * n)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.text(alphabet=st.characters(categories=["Cc", "Cs", "Co", "Cf", "Zl", "Zp"]), min_size=1, max_size=5),
    st.sampled_from(SPECIAL_TEXT),
    st.sampled_from(SPECIAL_NUMBERS),
    HUGE_TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the document a value sits (the derived checklist aside)."""
    found = [prefix] if prefix else []
    if prefix == ("checklist",):
        return found
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, prefix + (index,))
    return found


def similar(value: Any, doc: Doc) -> st.SearchStrategy[Any]:
    """Values of the original's own type, so mutations also get past the type checks."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers(min_value=-2, max_value=25) | st.sampled_from([value - 1, value + 1, 2**63])
    if isinstance(value, float):
        return st.floats(min_value=-1e16, max_value=1e16) | st.sampled_from([value, -value, 0.0])
    if isinstance(value, str):
        return st.sampled_from(SPECIAL_TEXT) | st.text(max_size=300) | HUGE_TEXT
    return VALUES


def _at(doc: Doc, path: tuple[Any, ...]) -> Any:
    node: Any = doc
    for step in path:
        node = node[step]
    return node


def mutate(doc: Doc, data: st.DataObject, places: list[tuple[Any, ...]]) -> None:
    """Set, delete or duplicate what sits at one random place in `doc`, or give it the value the
    same field has in another row (mutations that often pass validation, to test the reads)."""
    path = data.draw(st.sampled_from(places), label="path")
    parent: Any = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = data.draw(st.sampled_from(["set", "similar", "borrow", "borrow", "delete", "duplicate"]), label="action")
    borrowed = [p for p in places if p[-1] == last and p != path and isinstance(last, str)]
    if action == "borrow" and borrowed:
        source = data.draw(st.sampled_from(borrowed), label="borrowed from")
        parent[last] = copy.deepcopy(_at(doc, source))
    elif action == "delete":
        del parent[last]
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    elif action == "similar":
        parent[last] = data.draw(similar(parent[last], doc), label="value")
    else:
        parent[last] = data.draw(VALUES, label="value")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """A fresh database file per example."""
    folder = tmp_path_factory.mktemp("fuzz")
    counter = itertools.count()
    return lambda: folder / f"{next(counter)}.db"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_a_mutated_export_is_refused_or_imported_and_readable(
    base_doc: Doc, scratch: Callable[[], Path], data: st.DataObject
) -> None:
    doc = copy.deepcopy(base_doc)
    places = paths(doc)
    for _ in range(data.draw(st.sampled_from([1, 1, 1, 2]), label="mutations")):
        mutate(doc, data, places)
        places = [p for p in places if _exists(doc, p)]
    as_text = data.draw(st.booleans(), label="as text")
    raw: Any = json.dumps(doc, ensure_ascii=False) if as_text else doc
    db = storage.connect(scratch())
    try:
        before = dump(db)
        try:
            code, _ = export.import_document(db, raw)
        except ImportRefused as exc:
            event("refused")
            message = str(exc)
            assert message.strip() and "\n" not in message, message
            assert workshop_count(db) == 0 and dump(db) == before
            return
        event("imported")
        read_everything(db, code)
    finally:
        db.close()


def _exists(doc: Any, path: tuple[Any, ...]) -> bool:
    node = doc
    for step in path:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return False
    return True


# --- the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, fragment",
    [
        (None, "an import may be at most 5,000,000 bytes"),
        ("[" * 5000, "nested too deeply"),
        ('{"format": "scaling-workshop/3", "workshop": {"code": "\\ud800"}}', "workshop.code"),
    ],
    ids=["too large", "deep nesting", "lone surrogate"],
)
def test_the_command_line_refuses_in_one_line(tmp_path: Path, content: str | None, fragment: str) -> None:
    bad = tmp_path / "bad.json"
    if content is None:
        with open(bad, "wb") as handle:
            handle.truncate(importer.MAX_IMPORT_BYTES + 1)  # sparse: refused on its size, never read
    else:
        bad.write_text(content, encoding="utf-8")
    target = tmp_path / "target.db"
    result = run("--db", str(target), "import", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert re.fullmatch(r"error: [^\n]+\n", result.stderr), result.stderr
    assert fragment in result.stderr
    assert run("--db", str(target), "list").stdout.strip() == "No workshops yet."
