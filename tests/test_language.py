"""The room's language (issue 25): the workshop's setting, and how a screen's language is chosen.

- The setting: chosen at creation, changed by the facilitator only, an unknown language refused
  with nothing written, every change in the audit trail, a workshop from before the setting in English.
- The live channel: `?lang=` when it is one of ours, else `Accept-Language` when that is, else the
  workshop's; the state says which language it speaks, refusals are said in it, and a participant
  reading in two languages is still counted once.
- The live element's words: every `t()` / `tn()` message of its JS is in `texts`, translated.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from workshop import actions
from workshop import store as storage
from workshop.domain import language
from workshop.domain.errors import InvalidInput, NotAllowed
from workshop.live import payload
from workshop.live import routes as live
from workshop.live.fairuse import FairUse
from workshop.live.hub import Hub
from workshop.store.load import load

NOW = 1_760_000_000.0


def dump(db) -> str:
    return "\n".join(db.conn.iterdump())


# --- the setting -----------------------------------------------------------------------


def test_a_workshop_runs_in_the_language_chosen_at_creation(db):
    made = actions.create_workshop(db, "Skalierung 2026", "Acme", "scaleup", language="de", now=NOW)
    assert load(db, made.code).language == "de"
    assert actions.create_workshop(db, "Plain", "Acme", "scaleup", now=NOW).code  # English by default
    created = load(db, made.code).loaded_trail.entries[0]
    assert created.after["language"] == "de"


@pytest.mark.parametrize("bad", ["xx", "DEU", "de-DE", "", "  ", None, 5, "qps", "e" * 200])
def test_an_unknown_language_is_refused_and_nothing_is_written(db, workshop, bad):
    before = dump(db)
    with pytest.raises(InvalidInput) as refusal:
        actions.set_language(db, workshop.code, workshop.facilitator_key, bad)
    assert "de" in str(refusal.value) and "en" in str(refusal.value)  # it names the languages there are
    with pytest.raises(InvalidInput):
        actions.create_workshop(db, "Title", "Acme", "scaleup", language=bad, now=NOW)
    assert dump(db) == before


def test_the_refusal_is_said_in_the_readers_language(db, workshop):
    with pytest.raises(InvalidInput) as refusal:
        actions.set_language(db, workshop.code, workshop.facilitator_key, "xx")
    assert refusal.value.text("en") == str(refusal.value)
    assert "{known}" not in refusal.value.text("de")


def test_only_the_facilitator_changes_the_language(db, workshop):
    token = actions.join(db, workshop.code, "Ann").token
    before = dump(db)
    for credential in (token, "made-up", ""):
        with pytest.raises(NotAllowed):
            actions.set_language(db, workshop.code, credential, "fr")
    assert dump(db) == before
    assert load(db, workshop.code).language == "en"


def test_a_change_of_language_is_audited_and_moves_the_version(db, workshop):
    version = load(db, workshop.code).version
    assert actions.set_language(db, workshop.code, workshop.facilitator_key, "nl") == "nl"
    snapshot = load(db, workshop.code)
    assert snapshot.language == "nl" and snapshot.version == version + 1
    entry = snapshot.loaded_trail.entries[-1]
    assert entry.action == "set_language"
    assert (entry.before, entry.after) == ({"language": "en"}, {"language": "nl"})


def test_a_workshop_from_before_the_setting_runs_in_english(db, workshop):
    """Migration 0012 adds the column with 'en' for every earlier row."""
    columns = {c.name: c for c in db["workshops"].columns}
    assert columns["language"].default_value == "'en'"
    assert load(db, workshop.code).language == "en"


def test_the_pseudo_language_is_offered_only_when_asked_for(db, workshop, monkeypatch):
    assert language.PSEUDO not in language.languages()
    monkeypatch.setenv("WORKSHOP_PSEUDO_LOCALE", "1")
    actions.set_language(db, workshop.code, workshop.facilitator_key, language.PSEUDO)
    assert load(db, workshop.code).language == language.PSEUDO


# --- the live channel --------------------------------------------------------------------


@pytest.fixture
def channel(tmp_path, monkeypatch) -> Iterator[tuple[TestClient, object, actions.Created]]:
    """The live routes on a fresh database with their own hubs, and one French workshop."""
    path = tmp_path / "l.db"
    monkeypatch.setenv("WORKSHOP_DB", str(path))
    monkeypatch.setattr(
        live, "HUB", Hub(build=lambda code: live.build_state(live._db(), code), read_versions=live._read_versions)
    )
    monkeypatch.setattr(live, "HUBS", {})
    monkeypatch.setattr(live, "FAIR", FairUse())
    monkeypatch.setattr(live, "_people", OrderedDict())
    db = storage.connect(path)
    made = actions.create_workshop(db, "Atelier", "Acme", "scaleup", language="fr", now=NOW)
    try:
        with TestClient(Starlette(routes=live.ROUTES)) as client:
            yield client, db, made
    finally:
        db.close()


@pytest.mark.parametrize(
    ("query", "header", "spoken"),
    [
        ("", None, "fr"),  # the workshop's own
        ("?lang=de", None, "de"),
        ("?lang=nl-BE", None, "nl"),
        ("?lang=xx", None, "fr"),  # not one of ours: the workshop's
        ("", "de-AT,de;q=0.9,en;q=0.8", "de"),
        ("", "ja,zh;q=0.9", "fr"),  # the browser speaks none of ours
        ("", "ja,es;q=0.5", "es"),
        ("?lang=en", "de-DE", "en"),  # the phone's own choice beats its browser
        ("?lang=", "xx;q=1", "fr"),
    ],
)
def test_a_screen_reads_the_room_in_its_language(channel, query, header, spoken):
    client, _db, made = channel
    headers = {"Accept-Language": header} if header else {}
    state = client.get(f"/api/live/{made.code}{query}", headers=headers).json()
    assert state["speaks"] == spoken and state["language"] == "fr"
    meta = client.get(f"/api/live/{made.code}/meta{query}", headers=headers).json()
    assert meta["language"] == "fr"


def test_each_language_is_built_once_per_version_and_follows_a_change(channel):
    client, db, made = channel
    assert client.get(f"/api/live/{made.code}?lang=de").json()["speaks"] == "de"
    assert set(live.HUBS) == {"de"}
    first = client.get(f"/api/live/{made.code}").json()
    actions.set_language(db, made.code, made.facilitator_key, "es")
    moved = client.get(f"/api/live/{made.code}?since={first['version']}&wait=5").json()
    assert moved["language"] == moved["speaks"] == "es"


def test_refusals_are_said_in_the_screens_language(channel):
    client, _db, made = channel
    german = client.post(f"/api/live/{made.code}/bottlenecks?lang=de", content=b"{not json")
    assert german.status_code == 400 and german.json()["error"] == language.translate(
        "de", "The request is not valid JSON."
    )
    assert german.json()["error"] != "The request is not valid JSON."
    spanish = client.post(f"/api/live/{made.code}/me", content=b"[]", headers={"Accept-Language": "es-ES"})
    assert spanish.json()["error"] == language.translate("es", "The request must be a JSON object.")
    unknown = client.get("/api/live/ZZZZZZ?lang=nl")
    assert unknown.status_code == 404 and unknown.json()["error"]


def test_a_participant_reading_in_two_languages_is_counted_once(channel):
    client, db, made = channel
    token = actions.join(db, made.code, "Ann").token
    for lang in ("de", "nl", ""):
        client.get(f"/api/live/{made.code}/meta?client=c-{lang}&lang={lang}", headers={live.TOKEN_HEADER: token})
    assert client.get(f"/api/live/{made.code}/presence").json()["connected"] == 1


def test_the_pseudo_language_marks_the_domains_words_in_the_state(channel, monkeypatch):
    client, _db, made = channel
    monkeypatch.setenv("WORKSHOP_PSEUDO_LOCALE", "1")
    state = client.get(f"/api/live/{made.code}?lang=qps").json()
    assert state["speaks"] == language.PSEUDO
    for text in (
        state["step"]["title"],
        state["step"]["guidance"],
        state["method"]["title"],
        state["progress"]["label"],
    ):
        assert text.startswith("⟦") and text.endswith("⟧"), text


# --- the live element's words -------------------------------------------------------------


def test_every_word_of_the_live_element_is_in_its_texts_and_translated():
    messages = payload.element_messages()
    assert "How this step works" in messages and ("{n} vote", "{n} votes") in messages
    assert "Time's up" in messages  # the sidebar clock's words too
    for code in ("de", "fr", "nl", "es"):
        texts = payload.element_texts(code)
        same = 0
        for message in messages:
            key = message if isinstance(message, str) else message[0]
            said = texts[key]
            if isinstance(message, str):
                assert said, (code, key)
                same += said == message  # a word can be the same in both ("Dimension", "Impact")
            else:
                assert len(said) == 2 and all(said), (code, message)
        assert same < len(messages) / 10, (code, same)
    assert payload.element_texts("de")["How this step works"] == "So funktioniert dieser Schritt"
    assert payload.element_texts("de")["{n} vote"] == ["{n} Stimme", "{n} Stimmen"]


def test_the_vocabulary_is_said_in_the_language_asked_for(monkeypatch):
    monkeypatch.setenv("WORKSHOP_PSEUDO_LOCALE", "1")
    said = payload.vocabulary(language.PSEUDO)
    assert all(s["title"].startswith("⟦") for s in said["steps"])
    assert all(d["title"].startswith("⟦") for d in said["dimensions"])
    english = payload.vocabulary("en")
    assert json.dumps(english).count("⟦") == 0
