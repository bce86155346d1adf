"""JSON backup/restore round trip, refusal of bad imports, and the Markdown summary's escaping."""

from __future__ import annotations

import copy
import json
import re
from datetime import date, datetime

import pytest

from tests.helpers import NOW, as_restored, reach, workshop_count
from workshop import actions
from workshop import store as storage
from workshop.backup import export
from workshop.demo import DUPLICATE
from workshop.domain import checklist
from workshop.domain.errors import ImportRefused, NotFound
from workshop.domain.text import md_escape
from workshop.reports.markdown import export_markdown
from workshop.store.load import load


def export_doc(db, code, now=NOW + 10_000) -> dict:
    return json.loads(export.export_json(db, code, now=now))


def without_exported_at(doc: dict) -> dict:
    return as_restored(doc)


# --- JSON round trip ---------------------------------------------------------------------------


def test_demo_round_trips_through_a_fresh_database(db, demo, tmp_path):
    text = export.export_json(db, demo.code, now=NOW + 1)
    target = storage.connect(tmp_path / "restored.db")
    try:
        code, key = export.import_document(target, text)
        assert code == demo.code
        assert key != demo.facilitator_key
        again = export.export_json(target, code, now=NOW + 2)
        first_doc, second_doc = json.loads(text), json.loads(again)
        assert first_doc["exported_at"] != second_doc["exported_at"]
        assert without_exported_at(first_doc) == without_exported_at(second_doc)
        assert actions.is_facilitator(target, code, key)
        assert not actions.is_facilitator(target, code, demo.facilitator_key)
        assert workshop_count(target) == 1
    finally:
        target.close()


def test_round_trip_is_stable_over_repeated_imports(db, demo, tmp_path):
    doc = export_doc(db, demo.code)
    for n in range(2):
        target = storage.connect(tmp_path / f"r{n}.db")
        code, _ = export.import_document(target, json.dumps(doc).encode("utf-8"))
        again = export_doc(target, code)
        target.close()
        assert without_exported_at(again) == without_exported_at(doc)
        doc = again


def test_document_contents(db, demo):
    doc = export_doc(db, demo.code)
    assert doc["format"] == export.FORMAT
    assert doc["exported_at"] == export.iso(NOW + 10_000)
    assert doc["workshop"]["code"] == demo.code
    assert [s["key"] for s in doc["steps"]] == ["bottlenecks", "impact", "prioritise", "decide", "owners"]
    assert [p["id"] for p in doc["participants"]] == list(range(1, len(doc["participants"]) + 1))
    assert [b["id"] for b in doc["bottlenecks"]] == list(range(1, len(doc["bottlenecks"]) + 1))
    assert any(b["hidden"] for b in doc["bottlenecks"])
    assert any(b["merged_into"] for b in doc["bottlenecks"])
    assert [c["key"] for c in doc["checklist"]] == ["priorities", "sequencing", "decisions", "owners", "observability"]
    assert all(c["done"] for c in doc["checklist"])
    text = json.dumps(doc)
    assert demo.facilitator_key not in text and demo.facilitator_token not in text
    assert "key_hash" not in text and "token" not in text


def test_the_readiness_check_round_trips_answer_for_answer(db, demo, tmp_path):
    """The check's answers travel as answers (who, which question, rating, figure, when); the
    results are derived again on import, so they come out the same."""
    doc = export_doc(db, demo.code)
    people = {p["id"]: p["name"] for p in doc["participants"]}
    answers = doc["readiness"]
    assert len(answers) == 6 * 16 and {people[a["participant"]] for a in answers} >= {"Amira", "Farid"}
    assert set(answers[0]) == {"participant", "key", "rating", "number", "updated_at"}
    assert doc["workshop"]["readiness_open"] is False
    demand = [a for a in answers if a["key"] == "demand"]
    assert [a["number"] for a in demand] == [8.0, 6.0, None, 7.0, 9.0, None]
    target = storage.connect(tmp_path / "restored.db")
    code, _ = export.import_document(target, json.dumps(doc))
    assert without_exported_at(export_doc(target, code)) == without_exported_at(doc)
    restored, original = load(target, code).readiness, load(db, demo.code).readiness
    assert restored.as_dict() == original.as_dict() and restored.respondents == 6
    target.close()


def test_a_file_from_before_the_readiness_check_still_imports(db, demo, tmp_path):
    for fmt in ("scaling-workshop/3", export.FORMAT):
        doc = export_doc(db, demo.code)
        del doc["readiness"], doc["workshop"]["readiness_open"]
        if fmt != export.FORMAT:
            del doc["reviews"], doc["workshop"]["review_minutes"], doc["workshop"]["reviewing"]
        doc["format"] = fmt
        target = storage.connect(tmp_path / f"{fmt[-1]}.db")
        code, _ = export.import_document(target, doc)
        snapshot = load(target, code)
        assert snapshot.readiness.respondents == 0 and not snapshot.readiness_open
        assert export_doc(target, code)["readiness"] == []
        target.close()


def test_export_of_an_unknown_code(db):
    with pytest.raises(NotFound):
        export.export_json(db, "NOPE99")


def test_imported_workshop_keeps_its_state(db, demo, tmp_path):
    target = storage.connect(tmp_path / "restored.db")
    code, _ = export.import_document(target, export_doc(db, demo.code))
    original, restored = load(db, demo.code), load(target, code)
    assert restored.ended and restored.workshop["locked"]
    assert [i.title for i in restored.plan] == [i.title for i in original.plan]
    assert [(i.rank, i.position) for i in restored.plan] == [(i.rank, i.position) for i in original.plan]
    assert [b["votes"] for b in restored.live_bottlenecks] == [b["votes"] for b in original.live_bottlenecks]
    assert [i.as_dict() for i in checklist.evaluate(restored)] == [i.as_dict() for i in checklist.evaluate(original)]
    target.close()


@pytest.mark.parametrize("private,anonymous", [(True, False), (False, True), (True, True)])
def test_the_brainstorm_modes_round_trip_identically(db, tmp_path, private, anonymous):
    made = actions.create_workshop(
        db, "Clean board", "Acme", "scaleup", now=NOW, private_brainstorm=private, anonymous=anonymous
    )
    token = actions.join(db, made.code, "Zelda Quux", now=NOW).token
    actions.add_bottleneck(db, made.code, token, "platform", "Deploys wait for the staging slot", now=NOW)
    text = export.export_json(db, made.code, now=NOW)
    doc = json.loads(text)
    assert (doc["workshop"]["private_brainstorm"], doc["workshop"]["anonymous"]) == (private, anonymous)
    target = storage.connect(tmp_path / "restored.db")
    try:
        code, _ = export.import_document(target, text)
        assert as_restored(export.export_json(target, code, now=NOW)) == as_restored(text)
        restored = load(target, code)
        assert (restored.private, restored.anonymous) == (private, anonymous)
    finally:
        target.close()


# --- refused imports ---------------------------------------------------------------------------


def _set(path: str, value):
    """A mutation that sets doc[a][b]... = value (list indexes as numbers)."""

    def mutate(doc):
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node = doc
        for p in parents:
            node = node[p]
        node[last] = value

    return mutate


def _drop(path: str):
    def mutate(doc):
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node = doc
        for p in parents:
            node = node[p]
        del node[last]

    return mutate


def _swap_steps(doc):
    doc["steps"][0], doc["steps"][1] = doc["steps"][1], doc["steps"][0]


def _cycle(doc):
    doc["initiatives"][0]["after"] = [2]
    doc["initiatives"][1]["after"] = [1]


MUTATIONS = {
    "wrong format": _set("format", "scaling-workshop/9"),
    "format missing": _drop("format"),
    **{
        f"missing {k}": _drop(k)
        for k in (
            "workshop",
            "steps",
            "participants",
            "bottlenecks",
            "votes",
            "impacts",
            "initiatives",
            "decisions",
            "owners",
        )
    },
    "missing workshop.code": _drop("workshop.code"),
    "missing workshop.title": _drop("workshop.title"),
    "missing workshop.created_at": _drop("workshop.created_at"),
    "missing workshop.vote_budget": _drop("workshop.vote_budget"),
    "missing step remaining": _drop("steps.0.remaining"),
    "missing participant joined_at": _drop("participants.0.joined_at"),
    "missing bottleneck text": _drop("bottlenecks.0.text"),
    "missing bottleneck created_at": _drop("bottlenecks.0.created_at"),
    "missing initiative id": _drop("initiatives.0.id"),
    "missing decision answers": _drop("decisions.0.answers"),
    "incomplete decision answers": _drop("decisions.0.answers.cost"),
    "missing owner baseline": _drop("owners.0.baseline"),
    "missing owner checkin": _drop("owners.0.checkin"),
    "votes not a list": _set("votes", {"a": 1}),
    "bottleneck not an object": _set("bottlenecks.0", "text"),
    "dangling vote bottleneck": _set("votes.0.bottleneck", 999),
    "dangling vote participant": _set("votes.0.participant", 999),
    "dangling bottleneck author": _set("bottlenecks.0.participant", 999),
    "dangling merge": _set("bottlenecks.10.merged_into", 999),
    "dangling impact bottleneck": _set("impacts.0.bottleneck", 999),
    "dangling initiative link": _set("initiatives.0.bottlenecks", [1, 999]),
    "dangling dependency": _set("initiatives.0.after", [999]),
    "dangling score participant": _set("initiatives.0.scores.0.participant", 999),
    "dangling decision": _set("decisions.0.initiative", 999),
    "dangling owner": _set("owners.0.initiative", 999),
    "reference as text": _set("votes.0.bottleneck", "1"),
    "reference as bool": _set("votes.0.participant", True),
    "bad stage": _set("workshop.stage", "unicorn"),
    "bad current step": _set("workshop.current_step", "lunch"),
    "bad scoring": _set("workshop.scoring", "magic"),
    "bad vote budget": _set("workshop.vote_budget", 0),
    "bad timer state": _set("steps.0.state", "exploded"),
    "bad step minutes": _set("steps.0.minutes", 0),
    "steps out of order": _swap_steps,
    "bad dimension": _set("bottlenecks.0.dimension", "people"),
    "bad outcome": _set("impacts.0.outcome", "vibes"),
    "bad direction": _set("impacts.0.direction", "sideways"),
    "bad magnitude": _set("impacts.0.magnitude", 9),
    "bad money": _set("impacts.0.money", "lots"),
    "infinite money": _set("impacts.0.money", float("inf")),
    "nan remaining": _set("steps.0.remaining", float("nan")),
    "infinite spent": _set("steps.0.spent", float("inf")),
    "nan owner baseline": _set("owners.0.baseline", float("nan")),
    "bad choice": _set("decisions.0.choice", "steal"),
    "bad recommendation": _set("decisions.0.recommendation", "steal"),
    "score out of range": _set("initiatives.0.scores.0.value", 11),
    "bad position": _set("initiatives.0.position", 0),
    "bad timestamp": _set("workshop.created_at", "yesterday"),
    "too long title": _set("workshop.title", "x" * 201),
    "short code": _set("workshop.code", "AB"),
    "circular dependencies": _cycle,
    "self dependency": _set("initiatives.0.after", [1]),
    "duplicate participant id": _set("participants.1.id", 1),
    "duplicate bottleneck id": _set("bottlenecks.1.id", 1),
    "duplicate initiative id": _set("initiatives.1.id", 1),
    "self merge": _set("bottlenecks.10.merged_into", 11),
    "merge into a merged note": _set("bottlenecks.0.merged_into", 11),
    "control character in a note": _set("bottlenecks.0.text", "bell\x07ringing"),
    "bidi override in the title": _set("workshop.title", "abc\u202edef"),
}


@pytest.fixture
def demo_doc(db, demo) -> dict:
    return export_doc(db, demo.code)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_invalid_document_is_refused_and_leaves_nothing(demo_doc, tmp_path, name):
    doc = copy.deepcopy(demo_doc)
    MUTATIONS[name](doc)
    target = storage.connect(tmp_path / "target.db")
    try:
        with pytest.raises(ImportRefused) as info:
            export.import_document(target, doc)
        assert str(info.value).strip()
        assert workshop_count(target) == 0
        for table in ("participants", "bottlenecks", "votes", "initiatives", "timers"):
            assert target.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
    finally:
        target.close()


@pytest.mark.parametrize(
    "raw", ["", "not json", "{", b"\xff\xfe\x00", "[1, 2]", "null", '"text"', "42", "{}"], ids=repr
)
def test_not_a_workshop_export(db, raw):
    with pytest.raises(ImportRefused):
        export.import_document(db, raw)
    assert workshop_count(db) == 0


def test_non_standard_json_numbers_are_refused(demo_doc, tmp_path):
    text = re.sub(r'"spent": [0-9.]+', '"spent": NaN', json.dumps(demo_doc), count=1)
    assert '"spent": NaN' in text
    target = storage.connect(tmp_path / "target.db")
    with pytest.raises(ImportRefused):
        export.import_document(target, text)
    assert workshop_count(target) == 0
    target.close()


def test_duplicate_code_is_refused(demo_doc, tmp_path):
    target = storage.connect(tmp_path / "target.db")
    code, _ = export.import_document(target, demo_doc)
    before = export_doc(target, code)
    with pytest.raises(ImportRefused, match="already exists"):
        export.import_document(target, demo_doc)
    lower = copy.deepcopy(demo_doc)
    lower["workshop"]["code"] = "-".join(code.lower())
    with pytest.raises(ImportRefused, match="already exists"):
        export.import_document(target, lower)
    assert workshop_count(target) == 1
    assert export_doc(target, code) == before
    target.close()


def test_refused_import_into_the_same_db_keeps_existing_workshops(db, demo, demo_doc):
    doc = copy.deepcopy(demo_doc)
    doc["workshop"]["code"] = "FRESH2"
    doc["votes"][0]["bottleneck"] = 999
    with pytest.raises(ImportRefused):
        export.import_document(db, doc)
    assert workshop_count(db) == 1
    assert not storage.code_exists(db, "FRESH2")


# --- Markdown ----------------------------------------------------------------------------------

HOSTILE = ["<script>alert(1)</script>", "![x](http://host/x.png)", "[a](javascript:x)", "# Big"]


@pytest.fixture
def hostile(db):
    """A workshop where participants typed Markdown and HTML into every field that is exported."""
    created = actions.create_workshop(db, "# Big", "<script>alert(1)</script>", "startup", now=NOW)
    code, key = created.code, created.facilitator_key
    token = actions.join(db, code, "Mallory", now=NOW).token
    bids = [
        actions.add_bottleneck(db, code, token, dim, text, now=NOW)
        for dim, text in zip(("product", "platform", "organisation", "product"), HOSTILE)
    ]
    reach(db, code, key)
    for n, b in enumerate(bids):
        actions.add_impact(db, code, token, b, "churn", "worse", 3, HOSTILE[n], money=1000, now=NOW)
    iids = [actions.add_initiative(db, code, token, text, [bids[n]], now=NOW) for n, text in enumerate(HOSTILE)]
    answers = {"core": "no", "speed": "speed", "network": "no", "capability": "yes", "cost": "buy"}
    for n, iid in enumerate(iids[:3]):
        actions.record_decision(db, code, key, iid, answers, "build", HOSTILE[n], now=NOW)
    for n, iid in enumerate(iids[:3]):
        actions.assign_owner(
            db,
            code,
            key,
            iid,
            HOSTILE[n],
            HOSTILE[n + 1],
            1,
            2,
            date(2025, 7, 1),
            unit="[u](x)",
            today=date(2025, 6, 15),
            now=NOW,
        )
    return created


def test_markdown_escapes_participant_text(db, hostile):
    md = export_markdown(db, hostile.code, now=NOW + 100)
    assert "<script>" not in md and "</script>" not in md
    assert "](" not in md
    assert "![" not in md
    assert "\\<script\\>alert\\(1\\)\\</script\\>" in md  # the text is there, made literal
    assert "\\# Big" in md
    headings = [line for line in md.splitlines() if line.lstrip().startswith("#")]
    assert headings, "the summary has its own headings"
    for line in headings:
        assert "Big" not in line or line.startswith("# Ship It — \\# Big")
        assert re.match(r"^(# Ship It — |## |### )", line), line
    assert not re.search(r"^\s*#+\s*Big", md, re.MULTILINE)


@pytest.mark.parametrize(
    "text, escaped",
    [
        ("<b>", "\\<b\\>"),
        ("[a](javascript:x)", "\\[a\\]\\(javascript&#58;x\\)"),
        (":red[red] :material/home: :smile:", "&#58;red\\[red\\] &#58;material/home&#58; &#58;smile&#58;"),
        ("a -> b <- c <= d -- e", "a \\-\u2060\\> b \\<\u2060\\- c \\<\u2060\\= d \\-\u2060\\- e"),
        ("www.example.com or ann@example.com", "www&#46;example.com or ann&#64;example.com"),
        ("# Big", "\\# Big"),
        ("- item", "\\- item"),
        ("1. first", "1\\. first"),
        ("a | b", "a \\| b"),
        ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
        ("line\nbreak\n\n# heading", "line break \\# heading"),
        ("&amp;", "\\&amp;"),
        ("plain text, 3.5 ok", "plain text, 3.5 ok"),
    ],
)
def test_md_escape(text, escaped):
    assert md_escape(text) == escaped


def test_markdown_checklist_marks_and_reasons(db, hostile):
    md = export_markdown(db, hostile.code, now=NOW)
    items = checklist.evaluate(load(db, hostile.code))
    assert any(i.done for i in items) and any(not i.done for i in items)
    for item in items:
        mark = "[x]" if item.done else "[ ]"
        assert f"- {mark} **{item.title}** — {md_escape(item.reason)}" in md
    open_section = md.split("## Open items", 1)[1].split("##", 1)[0]
    for item in items:
        assert (f"- {item.title}: {md_escape(item.reason)}" in open_section) is (not item.done)


def test_demo_markdown_is_complete(db, demo):
    md = export_markdown(db, demo.code, now=NOW)
    assert md.startswith("# Ship It — Scaling the delivery engine\n")
    assert md.count("- [x] ") == 5 and "- [ ] " not in md
    assert "- None: ship it." in md
    for heading in (
        "## Checklist",
        "## Open items",
        "## Top bottlenecks per dimension",
        "## Impact map",
        "## Ranked plan",
        "## Build / Buy / Partner decisions",
        "## Owners, metrics and check-ins",
        "## Time per step",
    ):
        assert heading in md
    assert "Ranking formula: ROI = value × confidence ÷ effort" in md
    assert "lunch options in the office" in md  # a note nobody voted for still appears in its column
    assert "Too many meetings" not in md  # hidden notes stay off the summary
    assert DUPLICATE[1] not in md  # merged duplicates too
    assert "Priya Raman \\(VP Engineering\\)" in md
    assert "€400k/yr" in md  # as on the impact map
    assert "| 1. Bottleneck mapping | 20 min |" in md


def test_markdown_notes_an_overruled_recommendation(db, hostile):
    md = export_markdown(db, hostile.code, now=NOW)
    assert "Build (overrules the recommendation to buy)" in md


def test_markdown_for_an_empty_workshop(db, workshop):
    md = export_markdown(db, workshop.code, now=NOW)
    assert "- No impacts recorded." in md and "- No initiatives recorded." in md
    assert "- No decisions recorded." in md and "- No owners assigned." in md
    assert md.count("- [ ] ") == 5


def test_iso_round_trip():
    assert datetime.fromisoformat(export.iso(NOW)).timestamp() == NOW
    assert export.iso(None) is None


def test_checkins_round_trip_and_show_in_markdown_literally(db, tmp_path):
    from workshop.demo import create_demo

    made = create_demo(db, now=NOW, followup_days=70)
    track = load(db, made.code).tracks[0]
    actions.record_checkin(
        db,
        made.code,
        made.facilitator_key,
        track.initiative_id,
        18,
        "on_track",
        "<script>x</script> [a](javascript:x) # Big",
        today=date.fromtimestamp(NOW),
        now=NOW,
    )
    original = export.export_json(db, made.code, now=NOW)
    target = storage.connect(tmp_path / "copy.db")
    code, _ = export.import_document(target, original)
    assert as_restored(export.export_json(target, code, now=NOW)) == as_restored(original)
    assert len(json.loads(original)["checkins"]) == 13
    md = export_markdown(db, made.code, now=NOW)
    assert "## Follow-through" in md and "### Check-ins" in md
    assert "\\<script\\>x\\</script\\> \\[a\\]\\(javascript&#58;x\\) \\# Big" in md
    assert "<script>" not in md and "](" not in md
    assert "overdue by 7 days" in md


def test_a_format_1_export_without_checkins_still_imports(db, demo, tmp_path):
    doc = json.loads(export.export_json(db, demo.code, now=NOW))
    doc["format"] = "scaling-workshop/1"
    del doc["checkins"]
    target = storage.connect(tmp_path / "old.db")
    code, _ = export.import_document(target, doc)
    assert len(load(target, code).tracks) == 4


def test_a_format_2_export_without_the_rooms_phone_inputs_still_imports(db, demo, tmp_path):
    doc = json.loads(export.export_json(db, demo.code, now=NOW))
    assert any(i["picks"] for i in doc["initiatives"]) and any(i["volunteers"] for i in doc["initiatives"])
    doc["format"] = "scaling-workshop/2"
    for item in doc["initiatives"]:
        for key in ("answers", "picks", "volunteers"):
            del item[key]
    target = storage.connect(tmp_path / "old.db")
    code, _ = export.import_document(target, doc)
    snapshot = load(target, code)
    assert not any(i.picks or i.volunteer_ids for i in snapshot.initiatives)
    titles = {i["id"]: i["title"] for i in doc["initiatives"]}
    expected = {titles[d["initiative"]]: d["answers"] for d in doc["decisions"]}
    assert {i.title: i.answers for i in snapshot.decided} == expected, "the answers come from the decisions"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda i: i.update(answers={"core": "maybe"}), "unknown questionnaire answer"),
        (lambda i: i.update(picks=[{"participant": 2, "choice": "steal"}]), "unknown choice"),
        (lambda i: i.update(volunteers=[{"participant": 999}]), "participant"),
    ],
)
def test_bad_phone_inputs_in_an_import_are_refused(db, demo, tmp_path, change, message):
    doc = json.loads(export.export_json(db, demo.code, now=NOW))
    change(doc["initiatives"][0])
    target = storage.connect(tmp_path / "bad.db")
    with pytest.raises(ImportRefused, match=message):
        export.import_document(target, doc)
    assert target.execute("SELECT COUNT(*) FROM workshops").fetchone()[0] == 0


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c.update(status="green"), "unknown status"),
        (lambda c: c.update(value="12"), "must be a number"),
        (lambda c: c.update(checked_on="2025-13-01"), "checked_on must be a date"),
        (lambda c: c.update(initiative=99), "without an owner"),
        (lambda c: c.update(via="api"), "unknown 'via'"),
    ],
)
def test_bad_checkins_in_an_import_are_refused(db, tmp_path, change, message):
    from workshop.demo import create_demo

    made = create_demo(db, now=NOW, followup_days=70)
    doc = json.loads(export.export_json(db, made.code, now=NOW))
    change(doc["checkins"][0])
    target = storage.connect(tmp_path / "bad.db")
    with pytest.raises(ImportRefused, match=message):
        export.import_document(target, doc)
    assert workshop_count(target) == 0


def test_markdown_lists_carried_and_concluded_commitments_with_the_reason_escaped(db):
    from workshop.demo import create_demo

    earlier = create_demo(db, now=NOW, followup_days=70)
    later = actions.create_workshop(
        db, "Next quarter", "Northwind Analytics", "scaleup", now=NOW + 60, review_minutes=10
    )
    first, second = load(db, later.code).commitments[:2]
    reason = "**Shipped** <b>[x](javascript:y)</b>"
    actions.review_commitment(db, later.code, later.facilitator_key, first.initiative_id, "carry", "Half-way")
    actions.review_commitment(db, later.code, later.facilitator_key, second.initiative_id, "done", reason)
    md = export_markdown(db, earlier.code, now=NOW)
    section = md.split("### Carried over and concluded", 1)[1].split("###", 1)[0]
    assert f"- **{md_escape(first.track.title)}**: Carried over in {later.code} — Half\\-way" in section
    assert f"- **{md_escape(second.track.title)}**: Done in {later.code} — {md_escape(reason)}" in section
    assert reason not in md
    carried = export_markdown(db, later.code, now=NOW)
    assert md_escape(f"Carried from {earlier.code} · carried 1×") in carried
    assert "### Carried over and concluded" not in export_markdown(db, create_demo(db, now=NOW).code, now=NOW)
