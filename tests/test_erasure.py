"""Erasure: a participant removes their own data, the facilitator erases one, removes an owner's
name or deletes a whole workshop; the trail keeps the fact, never the erased words; and the
database file (with its write-ahead log) no longer holds them."""

from __future__ import annotations

import html
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from tests.helpers import NOW, version
from tests.test_actions import ANSWERS
from workshop import actions
from workshop import store as storage
from workshop.backup import export
from workshop.domain import audit, erasure
from workshop.domain.errors import InvalidInput, NotAllowed, NotFound
from workshop.domain.language import using
from workshop.domain.vocabulary import PLATFORM, PRODUCT, STEPS
from workshop.live.payload import room_state
from workshop.reports.summary import summary
from workshop.store.load import load

NAME = "Zebediah Quackenbush"
NOTE = "Quokka billing cron melts nightly"
EDITED = "Quokka billing cron melts every night"
BECAUSE = "Wombat invoices bounce at month end"
REASON = "Narwhal vendors already solved it"


def _room(db) -> tuple[actions.Created, str, str, int]:
    """Zebediah writes a note (the facilitator rewords it), an impact, votes, scores, picks and offers;
    Ann votes on his note. Returns the workshop, his token, Ann's token and his note's id."""
    made = actions.create_workshop(db, "Erasure", "Acme Ltd", "scaleup", now=NOW)
    code, key = made.code, made.facilitator_key
    zeb = actions.join(db, code, NAME, now=NOW).token
    ann = actions.join(db, code, "Ann", now=NOW).token
    note = actions.add_bottleneck(db, code, zeb, PRODUCT, NOTE, now=NOW)
    other = actions.add_bottleneck(db, code, ann, PLATFORM, "Deploys wait for a weekly window", now=NOW)
    actions.edit_bottleneck(db, code, key, note, EDITED)
    actions.vote(db, code, zeb, other)
    actions.vote(db, code, ann, note)
    actions.go_to_step(db, code, key, "owners", from_step="bottlenecks")
    actions.add_impact(db, code, zeb, other, "churn", "worse", 2, BECAUSE)
    initiative = actions.add_initiative(db, code, ann, "Independent deploys", [other, note])
    actions.score_initiative(db, code, zeb, initiative, {"value": 8, "effort": 3, "urgency": 7, "confidence": 80})
    actions.pick_choice(db, code, zeb, initiative, "buy", REASON)
    actions.volunteer(db, code, zeb, initiative)
    return made, zeb, ann, note


def _on_the_board(db, made: actions.Created) -> None:
    """The room back on step 1, whose live state carries every note (steps 4 and 5 carry none)."""
    actions.go_to_step(db, made.code, made.facilitator_key, STEPS[0].key, from_step=STEPS[-1].key)
    assert EDITED in str(room_state(load(db, made.code)))


def _text(db, code: str) -> str:
    """Everything the workshop's full backup holds (every row, the trail), as text."""
    return export.dumps(export.to_document(load(db, code), now=NOW))


def test_a_participant_removes_their_own_name_and_answers_and_keeps_notes_anonymised(db):
    made, zeb, ann, note = _room(db)
    before = load(db, made.code)
    shown = actions.my_data(db, made.code, zeb)
    assert (shown.name, shown.removal.votes, shown.removal.scores, shown.removal.picks) == (NAME, 1, 1, 1)
    line = erasure.confirmation(shown.name, shown.removal, delete_notes=False)
    assert line.startswith(f"Deleted: the name \u201c{NAME}\u201d, 1 vote, 1 score") and "Kept without a name" in line
    actions.remove_my_data(db, made.code, zeb, now=NOW + 5)
    after = load(db, made.code)
    text = _text(db, made.code)
    assert NAME not in text and REASON not in text
    assert EDITED in text and BECAUSE in text  # the notes stay, without an author
    assert [b["participant_id"] for b in after.bottlenecks if b["id"] == note] == [None]
    assert len(after.votes) == len(before.votes) - 1 and not after.scores and after.tally != before.tally
    assert actions.identify(db, made.code, zeb) is None  # the token stands for nobody now
    with pytest.raises(NotAllowed):
        actions.vote(db, made.code, zeb, note)
    entry = after.loaded_trail.entries[-1]
    assert (entry.action, entry.role, entry.via, entry.subject) == (
        "erase_participant",
        audit.PARTICIPANT,
        "their own screen",
        "a participant",
    )
    assert dict(entry.before)["votes"] == 1 and dict(entry.after) == {"notes kept": True}


def test_deleting_the_notes_too_takes_them_out_of_the_trail_with_every_earlier_wording(db):
    made, zeb, ann, note = _room(db)
    assert NOTE in _text(db, made.code)  # the facilitator's edit kept the first wording
    actions.remove_my_data(db, made.code, zeb, delete_notes=True)
    text = _text(db, made.code)
    for gone in (NAME, NOTE, EDITED, BECAUSE, REASON):
        assert gone not in text, gone
    after = load(db, made.code)
    assert note not in {b["id"] for b in after.bottlenecks} and not after.impacts
    assert [i.bottleneck_ids for i in after.initiatives] == [[b["id"] for b in after.bottlenecks]]
    assert erasure.ERASED in text  # the edit's entry is still there, its words erased
    assert [e.action for e in after.loaded_trail.entries].count("edit_bottleneck") == 1


def test_the_facilitator_erases_one_participant_after_seeing_what_goes(db):
    made, zeb, ann, note = _room(db)
    person = next(p for p in actions.people(db, made.code, made.facilitator_key) if p.name == NAME)
    assert person.removal.counts() == {
        "notes": 1,
        "impacts": 1,
        "initiatives": 0,
        "votes": 1,
        "scores": 1,
        "picks": 1,
        "offers": 1,
        "readiness": 0,
    }
    with pytest.raises(NotAllowed):
        actions.erase_participant(db, made.code, ann, person.participant_id)
    with pytest.raises(InvalidInput):
        actions.erase_participant(db, made.code, made.facilitator_key, person.participant_id, delete_notes="yes")
    actions.erase_participant(db, made.code, made.facilitator_key, person.participant_id, delete_notes=True)
    assert NAME not in _text(db, made.code)
    assert load(db, made.code).loaded_trail.entries[-1].via == "facilitator key"
    with pytest.raises(NotFound):  # a second press finds nobody, and writes nothing
        stamp = version(db, made.code)
        actions.erase_participant(db, made.code, made.facilitator_key, person.participant_id)
    assert version(db, made.code) == stamp


def test_an_owners_name_goes_and_the_initiative_stays_with_owner_removed(db, demo):
    code, key = demo.code, demo.facilitator_key
    owner = actions.owner_names(db, code, key)[0]
    link = actions.issue_owner_link(db, code, key, owner)
    found = actions.owner_rows(db, code, key, owner)
    assert found["initiatives"] >= 1 and found["links"] == 1
    assert owner in _text(db, code)  # the trail named the owner and their link
    assert actions.remove_owner(db, code, key, owner) == found["initiatives"]
    text = _text(db, code)
    assert owner not in text and erasure.OWNER_REMOVED in text
    owned = [i for i in load(db, code).initiatives if i.owner and i.owner["owner"] == erasure.OWNER_REMOVED]
    assert len(owned) == found["initiatives"] and all(i.checkins or True for i in owned)
    with pytest.raises(NotAllowed):
        actions.owner_page(db, code, link)
    with pytest.raises(NotFound):
        actions.remove_owner(db, code, key, owner)


def test_a_workshop_deleted_on_request_leaves_only_the_servers_record(db, demo, workshop):
    code, key = demo.code, demo.facilitator_key
    counts = actions.workshop_contents(db, code, key)
    assert counts["participants"] == 6 and counts["notes"] > 0 and counts["audit entries"] > 0
    with pytest.raises(InvalidInput, match=code):
        actions.delete_workshop(db, code, key, "WRONG")
    assert storage.workshop_by_code(db, code) is not None
    actions.delete_workshop(db, code, key, code.lower(), now=NOW + 10)
    assert storage.workshop_by_code(db, code) is None and storage.workshop_by_code(db, workshop.code)
    assert db.execute("SELECT COUNT(*) FROM audit WHERE workshop_id NOT IN (SELECT id FROM workshops)").fetchone() == (
        0,
    )
    portfolio_key = actions.issue_portfolio_key(db)
    [record] = actions.deletions(db, portfolio_key)
    assert (record.code, record.reason, record.deleted_by, record.deleted_at) == (
        code,
        erasure.ON_REQUEST,
        "facilitator key",
        NOW + 10,
    )
    with pytest.raises(NotAllowed):
        actions.deletions(db, "not the key")


def test_the_trails_one_exception_is_narrow(db):
    """An entry's words change only inside an erasure (its marker set), and never its moment,
    role, action or step; without the marker every update is still refused."""
    made, *_ = _room(db)
    wid = storage.workshop_by_code(db, made.code)["id"]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit SET subject = 'x' WHERE workshop_id = ?", [wid])
    with db.conn:
        db.execute("INSERT INTO audit_redacting (workshop_id) VALUES (?)", [wid])
        for change in ("action = 'x'", "role = 'owner'", "at = 0", "step = 'decide'"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(f"UPDATE audit SET {change} WHERE workshop_id = ?", [wid])
        db.conn.rollback()


def _file_bytes(path: Path) -> bytes:
    """The database file and its write-ahead log, as bytes on disk."""
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


@pytest.mark.parametrize("how", ["own screen", "facilitator", "whole workshop"])
def test_the_database_file_no_longer_holds_the_erased_words(tmp_path, how):
    path = tmp_path / "grep.db"
    db = storage.connect(path)
    made, zeb, _, _ = _room(db)
    raw = _file_bytes(path)
    for word in (NAME, NOTE, BECAUSE, REASON):
        assert word.encode() in raw, word  # it was there
    if how == "own screen":
        actions.remove_my_data(db, made.code, zeb, delete_notes=True)
    elif how == "facilitator":
        person = next(p for p in actions.people(db, made.code, made.facilitator_key) if p.name == NAME)
        actions.erase_participant(db, made.code, made.facilitator_key, person.participant_id, delete_notes=True)
    else:
        actions.delete_workshop(db, made.code, made.facilitator_key, made.code)
    raw = _file_bytes(path)
    for word in (NAME, NOTE, EDITED, BECAUSE, REASON):
        assert word.encode() not in raw, word
    db.close()


# --- the live route a phone uses ------------------------------------------------------------------


def test_the_phone_removes_its_own_data_over_the_live_channel(tmp_path, monkeypatch):
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from workshop.live import routes as live

    path = tmp_path / "live.db"
    monkeypatch.setenv("WORKSHOP_DB", str(path))
    db = storage.connect(path)
    made, zeb, ann, _ = _room(db)
    _on_the_board(db, made)
    base = f"/api/live/{made.code}/erase"
    with TestClient(Starlette(routes=live.ROUTES)) as client:
        stamp = version(db, made.code)
        shown = client.post(base + "/preview", json={"token": zeb}).json()
        assert (
            shown["name"] == NAME and "1 vote" in shown["keep_notes"] and "Kept without a name" in shown["keep_notes"]
        )
        assert "1 note" in shown["delete_notes"].split("Kept")[0]
        assert version(db, made.code) == stamp  # the preview wrote nothing
        bad = client.post(base, json={"token": zeb, "delete_notes": "yes"})
        assert bad.status_code == 400 and version(db, made.code) == stamp
        assert client.post(base, json={"token": "nobody"}).status_code == 403
        done = client.post(base, json={"token": zeb, "delete_notes": True})
        assert done.status_code == 200 and done.json()["removed"]["votes"] == 1
        assert client.post(f"/api/live/{made.code}/me", json={"token": zeb}).status_code == 403
        assert client.post(base, json={"token": zeb}).status_code == 403
        state = client.get(f"/api/live/{made.code}").text
        assert NAME not in state and NOTE not in state and EDITED not in state
    assert NAME not in _text(db, made.code)
    db.close()


# --- the facilitator's console page ---------------------------------------------------------------


def _audit_page(path: Path, monkeypatch, code: str, token: str):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("WORKSHOP_DB", str(path))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60).run()
    at.query_params["ws"], at.query_params["p"] = code, token
    at.switch_page("views/audit.py")
    return at.run()


def _said(at) -> str:
    """What the page says, as a reader sees it (the page escapes user text for Markdown)."""
    shown = (*at.warning, *at.success, *at.error, *at.caption, *at.subheader)
    return html.unescape("\n".join(str(e.value) for e in shown)).replace("\\", "")


def test_the_console_erases_a_participant_an_owner_and_the_workshop_after_confirmations(tmp_path, monkeypatch):
    path = tmp_path / "console.db"
    db = storage.connect(path)
    made, zeb, ann, _ = _room(db)
    first = load(db, made.code).initiatives[0].id
    actions.record_decision(db, made.code, made.facilitator_key, first, ANSWERS, "buy", "Faster")
    actions.assign_owner(db, made.code, made.facilitator_key, first, "Ann Owner", "Deploys", 1, 10, date(2099, 1, 1))
    at = _audit_page(path, monkeypatch, made.code, made.facilitator_token)
    assert not at.exception, [e.message for e in at.exception]
    said = _said(at)
    assert f"Deleted: the name \u201c{NAME}\u201d, 1 vote, 1 score, 1 build/buy/partner pick, 1 offer to own." in said
    assert "Kept without a name: 1 note, 1 impact." in said
    go = next(b for b in at.button if b.label == "Erase this participant")
    assert go.disabled  # nothing goes before the confirmation is ticked
    next(c for c in at.checkbox if c.label == "Also delete their notes and impacts").check()
    at.run()
    assert "Deleted: the name \u201cZebediah Quackenbush\u201d, 1 vote, 1 score" in _said(
        at
    ) and "1 note, 1 impact" in _said(at)
    next(c for c in at.checkbox if c.label.startswith("Yes, erase")).check()
    at.run()
    next(b for b in at.button if b.label == "Erase this participant").click()
    at.run()
    assert not at.exception and "Participant erased." in _said(at)
    assert NAME not in _text(db, made.code) and NOTE not in _text(db, made.code)

    assert "\u201cAnn Owner\u201d becomes \u201cOwner removed\u201d (1 initiative)" in _said(at)
    next(c for c in at.checkbox if c.label == "Yes, remove Ann Owner").check()
    at.run()
    next(b for b in at.button if b.label == "Remove this owner's name").click()
    at.run()
    assert "Owner's name removed." in _said(at) and "Ann Owner" not in _text(db, made.code)

    assert "Deleted for good: 1 participant, 1 note, 1 initiative" in _said(at)
    next(t for t in at.text_input if t.label == "Type the join code to confirm").input("nope")
    next(b for b in at.button if b.label == "Delete this workshop").click()
    at.run()
    assert f"Type the join code {made.code}" in _said(at) and storage.workshop_by_code(db, made.code)
    next(t for t in at.text_input if t.label == "Type the join code to confirm").input(made.code)
    next(b for b in at.button if b.label == "Delete this workshop").click()
    at.run()
    assert f"Workshop {made.code} has been deleted." in _said(at) and storage.workshop_by_code(db, made.code) is None
    db.close()


def test_a_deleted_workshop_leaves_nothing_in_the_live_channels_memory(tmp_path, monkeypatch):
    import time

    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from workshop.live import routes as live
    from workshop.live.hub import Hub

    path = tmp_path / "hub.db"
    monkeypatch.setenv("WORKSHOP_DB", str(path))
    hub = Hub(build=lambda code: live.build_state(live._db(), code), read_versions=live._read_versions)
    monkeypatch.setattr(live, "HUB", hub)
    db = storage.connect(path)
    made, *_ = _room(db)
    _on_the_board(db, made)
    with TestClient(Starlette(routes=live.ROUTES)) as client:
        assert EDITED in client.get(f"/api/live/{made.code}").text  # the room state, cached
        assert hub.entries[made.code].body
        actions.delete_workshop(db, made.code, made.facilitator_key, made.code)
        deadline = time.monotonic() + 10
        while made.code in hub.entries and hub.entries[made.code].body and time.monotonic() < deadline:
            client.get(f"/api/live/{made.code}/meta?wait=0.2&since=999999")  # the watcher's tick sees it gone
        assert client.get(f"/api/live/{made.code}").status_code == 404
        entry = hub.entries.get(made.code)
        assert entry is None or (entry.body, entry.body_gz, entry.meta_body) == (b"", None, b"")
    db.close()


def test_the_confirmation_and_the_counts_read_in_the_current_language():
    removal = erasure.Removal(notes=2, impacts=1, initiatives=1, votes=1, scores=3, picks=1, offers=1, readiness=2)
    with using("de"):
        kept = erasure.confirmation(NAME, removal, delete_notes=False)
        gone = erasure.confirmation(NAME, removal, delete_notes=True)
        counted = erasure.counted({"participants": 1, "notes": 0, "check-ins": 2, "audit entries": 1_200})
        shown = (erasure.owner_shown(erasure.OWNER_REMOVED), erasure.owner_shown("Ann"), erasure.counted({}))
    assert kept.startswith(f"Gelöscht: der Name \u201e{NAME}\u201c, 1 Stimme, 3 Bewertungen, ")
    assert kept.endswith("Ohne Namen behalten: 2 Notizen, 1 Auswirkung, 1 vorgeschlagene Initiative.")
    assert "2 Notizen, 1 Auswirkung." in gone and gone.endswith("Ohne Namen behalten: 1 vorgeschlagene Initiative.")
    assert counted == "1 teilnehmende Person, 2 Check-ins, 1.200 Protokolleinträge"
    assert shown == ("Verantwortliche(r) entfernt", "Ann", "nichts")
    assert erasure.owner_shown(erasure.OWNER_REMOVED) == "Owner removed"  # English outside the block


def test_a_deletion_record_stores_its_reason_in_english_and_says_it_in_the_reader_s_language():
    record = erasure.Deletion("ABC123", None, NOW, erasure.BY_POLICY, "retention policy")
    assert record.reason == "retention period ended" and record.why() == "retention period ended"
    with using("fr"):
        assert record.why() == "durée de conservation écoulée"


def test_a_removed_owner_is_stored_in_english_and_read_in_the_reader_s_language(db):
    made, _zeb, _ann, _note = _room(db)
    first = load(db, made.code).initiatives[0].id
    actions.record_decision(db, made.code, made.facilitator_key, first, ANSWERS, "buy", "Faster")
    actions.assign_owner(db, made.code, made.facilitator_key, first, "Ann Owner", "Deploys", 1, 10, date(2099, 1, 1))
    actions.remove_owner(db, made.code, made.facilitator_key, "Ann Owner", now=NOW + 5)
    assert [o["owner"] for o in storage.owners(db, load(db, made.code).workshop["id"])] == ["Owner removed"]
    with using("de"):
        shown = summary(load(db, made.code), NOW + 10)
    assert [row.owner for row in shown.owners] == ["Verantwortliche(r) entfernt"]
