"""A big room's board stays clean: the private brainstorm and anonymous mode.

A private board puts only counts in the shared room state (the same bytes for every phone and
the projector); each phone reads its own notes through its own view, nobody votes until the
facilitator reveals, and the reveal wakes every phone's meta long-poll. An anonymous workshop
never stores a typed name, so no screen, export or console can show one.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.helpers import NOW, on_step, version
from workshop import actions
from workshop.backup import export
from workshop.domain.decide import QUESTION_KEYS
from workshop.domain.errors import InputLocked, InvalidInput, NotAllowed
from workshop.domain.vocabulary import DIMENSION_KEYS
from workshop.live import payload as room
from workshop.reports import sheets as reports
from workshop.reports.markdown import markdown
from workshop.reports.pdf import to_pdf
from workshop.store.load import load

PRODUCT, PLATFORM, ORGANISATION = DIMENSION_KEYS
NOTES = {
    "ann": [(PRODUCT, "Pricing page confuses buyers"), (PLATFORM, "Deploys wait for the staging slot")],
    "bo": [(PLATFORM, "Paging wakes the same three people")],
    "cy": [(ORGANISATION, "Every decision waits for the VP"), (PLATFORM, "No tracing across services")],
}


@dataclass
class Brainstorm:
    code: str
    key: str
    tokens: dict[str, str]
    notes: dict[str, list[int]]

    def texts(self, who: str | None = None) -> set[str]:
        return {text for name, rows in NOTES.items() if who in (None, name) for _, text in rows}


@pytest.fixture
def private(db) -> Brainstorm:
    """A private brainstorm in step 1: three people, five notes, nobody has seen another's."""
    made = actions.create_workshop(db, "Clean board", "Acme", "scaleup", now=NOW, private_brainstorm=True)
    tokens = {name: actions.join(db, made.code, name.title(), now=NOW).token for name in NOTES}
    notes = {
        name: [actions.add_bottleneck(db, made.code, tokens[name], d, text, now=NOW) for d, text in rows]
        for name, rows in NOTES.items()
    }
    return Brainstorm(made.code, made.facilitator_key, tokens, notes)


def state_of(db, code: str) -> dict:
    return room.room_state(load(db, code))


# --- the private brainstorm -------------------------------------------------------------------


def test_a_private_board_carries_counts_per_dimension_and_no_note_text(db, private):
    state = state_of(db, private.code)
    assert state["private"] is True
    assert state["board"] == {key: [] for key in DIMENSION_KEYS}
    assert state["counts"] == {PRODUCT: 1, PLATFORM: 3, ORGANISATION: 1} and state["count"] == 5
    body = json.dumps(state)
    assert [text for text in private.texts() if text in body] == []
    assert room.meta_of(state)["private"] is True


def test_each_phone_reads_only_its_own_notes(db, private):
    for name, token in private.tokens.items():
        view = room.participant_view(db, private.code, token)
        assert view["mine"] == [
            {"id": note_id, "dimension": d, "text": text}
            for note_id, (d, text) in zip(private.notes[name], NOTES[name], strict=True)
        ]
        body = json.dumps(view)
        assert [text for text in private.texts() - private.texts(name) if text in body] == []


def test_hidden_and_merged_notes_leave_the_phone_and_the_counts(db, private):
    ann = private.notes["ann"]
    actions.hide_bottleneck(db, private.code, private.key, ann[0])
    actions.merge_bottlenecks(db, private.code, private.key, ann[1], private.notes["bo"][0])
    assert room.participant_view(db, private.code, private.tokens["ann"])["mine"] == []
    assert state_of(db, private.code)["counts"] == {PRODUCT: 0, PLATFORM: 2, ORGANISATION: 1}


def test_votes_are_refused_until_the_reveal(db, private):
    target = private.notes["bo"][0]
    stamp = version(db, private.code)
    for cast in (actions.vote, actions.unvote):
        with pytest.raises(InputLocked, match="Voting opens when the facilitator reveals the board."):
            cast(db, private.code, private.tokens["ann"], target)
    assert version(db, private.code) == stamp
    assert room.participant_view(db, private.code, private.tokens["ann"])["votes_left"] == 5


def test_the_reveal_shows_every_note_to_everyone_and_opens_voting(db, private):
    before = state_of(db, private.code)
    actions.set_private_brainstorm(db, private.code, private.key, False)
    after = state_of(db, private.code)
    assert after["private"] is False
    shown = {b["text"] for column in after["board"].values() for b in column}
    assert shown == private.texts() and after["count"] == 5
    assert room.meta_of(after) != room.meta_of(before), "the reveal must wake every phone's meta long-poll"
    assert room.participant_view(db, private.code, private.tokens["ann"])["mine"] == []
    assert actions.vote(db, private.code, private.tokens["ann"], private.notes["bo"][0]) == 4


def test_a_note_added_while_private_does_not_wake_every_phone(db, private):
    before = state_of(db, private.code)
    actions.add_bottleneck(db, private.code, private.tokens["bo"], PRODUCT, "Our trial is too short", now=NOW)
    after = state_of(db, private.code)
    assert after["version"] > before["version"] and after["counts"][PRODUCT] == 2
    assert room.meta_of(after) == room.meta_of(before)


def test_only_step_one_is_private_and_leaving_it_reveals(db, private):
    actions.next_step(db, private.code, private.key, now=NOW, from_step=on_step(db, private.code))
    assert state_of(db, private.code)["private"] is False
    with pytest.raises(InvalidInput, match="step 1"):
        actions.set_private_brainstorm(db, private.code, private.key, True)
    actions.previous_step(db, private.code, private.key, now=NOW, from_step=on_step(db, private.code))
    assert state_of(db, private.code)["private"] is False, "going back to step 1 keeps the board revealed"
    actions.set_private_brainstorm(db, private.code, private.key, True)
    assert state_of(db, private.code)["private"] is True


def test_only_the_facilitator_turns_it_on_or_reveals(db, private):
    stamp = version(db, private.code)
    for credential in (private.tokens["ann"], "guess", None):
        with pytest.raises(NotAllowed):
            actions.set_private_brainstorm(db, private.code, credential, False)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        actions.set_private_brainstorm(db, private.code, private.key, "off")  # type: ignore[arg-type]
    assert version(db, private.code) == stamp
    actions.end_workshop(db, private.code, private.key, now=NOW, from_step=on_step(db, private.code))
    with pytest.raises(InputLocked):
        actions.set_private_brainstorm(db, private.code, private.key, False)
    assert state_of(db, private.code)["private"] is False, "an ended workshop's board is not private"


def test_the_setting_can_be_turned_on_during_step_one(db, workshop):
    note = actions.add_bottleneck(db, workshop.code, workshop.facilitator_token, PLATFORM, "Shared staging", now=NOW)
    assert state_of(db, workshop.code)["private"] is False
    actions.set_private_brainstorm(db, workshop.code, workshop.facilitator_key, True)
    state = state_of(db, workshop.code)
    assert state["private"] is True and state["counts"][PLATFORM] == 1 and "Shared staging" not in json.dumps(state)
    assert room.participant_view(db, workshop.code, workshop.facilitator_token)["mine"][0]["id"] == note


# --- anonymous mode ---------------------------------------------------------------------------

TRIED = ("Zelda Quux", "Yorick Vantablack", "Xenia Wobblethorpe")


def tried_parts(name: str) -> list[str]:
    return [name, *name.split()]


def test_anonymous_participants_are_numbered_whatever_they_type(db):
    made = actions.create_workshop(db, "Nameless", "Acme", "scaleup", now=NOW, anonymous=True)
    actions.facilitator_token(db, made.code, made.facilitator_key)  # a second facilitator device: not numbered
    joined = [actions.join(db, made.code, name, now=NOW) for name in (*TRIED, "")]
    assert [j.name for j in joined] == ["Participant 1", "Participant 2", "Participant 3", "Participant 4"]
    names = [p["name"] for p in load(db, made.code).participants]
    assert names == ["Facilitator", "Facilitator", *(j.name for j in joined)]
    assert room.participant_view(db, made.code, joined[0].token)["name"] == "Participant 1"
    preview = actions.join_preview(db, made.code)
    assert preview is not None and preview.anonymous and actions.join_preview(db, "NOPE00") is None


def test_an_anonymous_workshop_refuses_a_rename(db):
    made = actions.create_workshop(db, "Nameless", "Acme", "scaleup", now=NOW, anonymous=True)
    token = actions.join(db, made.code, "Zelda Quux", now=NOW).token
    stamp = version(db, made.code)
    with pytest.raises(InvalidInput, match="anonymous"):
        actions.rename(db, made.code, token, "Zelda Quux")
    assert version(db, made.code) == stamp
    named = actions.create_workshop(db, "Named", "Acme", "scaleup", now=NOW)
    other = actions.join(db, named.code, "Bo", now=NOW).token
    assert actions.rename(db, named.code, other, "Bo B.") == "Bo B."
    assert not getattr(actions.join_preview(db, named.code), "anonymous", True)


def run_whole_workshop(db, anonymous: bool) -> tuple[str, list[str]]:
    """Three people who try to give their names take part in every step; the facilitator assigns
    the first volunteer as owner (what the step-5 form suggests) and records a check-in with the
    default "recorded by". Returns the code and the room state's JSON at every step and at the end."""
    made = actions.create_workshop(db, "Who said what", "Acme", "scaleup", now=NOW, anonymous=anonymous)
    code, key = made.code, made.facilitator_key
    tokens = [actions.join(db, code, name, now=NOW).token for name in TRIED]
    states = []
    notes = [
        actions.add_bottleneck(db, code, t, d, f"Note {n}", now=NOW)
        for n, (t, d) in enumerate(zip(tokens, DIMENSION_KEYS))
    ]
    for token in tokens:
        actions.vote(db, code, token, notes[0], now=NOW)
    states.append(json.dumps(state_of(db, code)))
    actions.next_step(db, code, key, now=NOW, from_step=on_step(db, code))
    actions.add_impact(db, code, tokens[0], notes[0], "revenue", "worse", 4, "Deals stall", money=50_000, now=NOW)
    states.append(json.dumps(state_of(db, code)))
    actions.next_step(db, code, key, now=NOW, from_step=on_step(db, code))
    item = actions.add_initiative(db, code, tokens[1], "Self-service staging", notes, now=NOW)
    for token in tokens:
        scores = {"value": 8, "effort": 3, "urgency": 7, "confidence": 80}
        actions.score_initiative(db, code, token, item, scores, now=NOW)
    states.append(json.dumps(state_of(db, code)))
    actions.next_step(db, code, key, now=NOW, from_step=on_step(db, code))
    actions.pick_choice(db, code, tokens[2], item, "buy", "Speed", now=NOW)
    answers = dict.fromkeys(QUESTION_KEYS, "no") | {"speed": "speed", "capability": "partly", "cost": "buy"}
    actions.record_decision(db, code, key, item, answers, None, "Buy it", now=NOW)
    states.append(json.dumps(state_of(db, code)))
    actions.next_step(db, code, key, now=NOW, from_step=on_step(db, code))
    actions.volunteer(db, code, tokens[0], item, now=NOW)
    snapshot = load(db, code)
    owner = snapshot.participant_name(snapshot.initiative(item).volunteer_ids[0])  # the form's suggestion
    checkin = date.fromtimestamp(NOW) + timedelta(days=14)
    actions.assign_owner(db, code, key, item, owner, "Lead time", 10, 3, checkin, unit="days", now=NOW)
    states.append(json.dumps(state_of(db, code)))
    actions.end_workshop(db, code, key, now=NOW, from_step=on_step(db, code))
    later = checkin + timedelta(days=1)
    actions.record_checkin(db, code, key, item, 7, "on_track", "Halfway", checked_on=later, today=later, now=NOW)
    states.append(json.dumps(state_of(db, code)))
    return code, states


def everything_shown(db, code: str) -> dict[str, str]:
    """The projector's states aside, every place a name could reach: exports and the phones' own view."""
    snapshot = load(db, code)
    pdf = PdfReader(io.BytesIO(to_pdf(snapshot, NOW)))
    book = load_workbook(io.BytesIO(reports.to_xlsx(snapshot, NOW)))
    with zipfile.ZipFile(io.BytesIO(reports.to_csv_zip(snapshot, NOW))) as z:
        csv = "\n".join(z.read(name).decode("utf-8") for name in z.namelist())
    return {
        "json": export.export_json(db, code, now=NOW),
        "markdown": markdown(snapshot, NOW),
        "pdf": " ".join(" ".join(page.extract_text().split()) for page in pdf.pages),
        "xlsx": "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value),
        "csv": csv,
    }


def leaks(texts: dict[str, str]) -> dict[str, list[str]]:
    found = {
        where: [part for name in TRIED for part in tried_parts(name) if part in text] for where, text in texts.items()
    }
    return {where: parts for where, parts in found.items() if parts}


def test_no_typed_name_reaches_the_projector_or_any_export_of_an_anonymous_workshop(db):
    code, states = run_whole_workshop(db, anonymous=True)
    shown = {f"room state {n}": state for n, state in enumerate(states)} | everything_shown(db, code)
    assert leaks(shown) == {}
    assert "Participant 1" in shown["json"] and "Participant 3" in shown["xlsx"], "the labels stand in for names"
    assert "Participant 1" in shown["pdf"] and "Participant 1" in states[-2], "the owner is the volunteer's label"
    assert json.loads(shown["json"])["workshop"]["anonymous"] is True


def test_the_same_workshop_with_names_shows_them_so_the_check_above_can_fail(db):
    code, states = run_whole_workshop(db, anonymous=False)
    shown = everything_shown(db, code)
    assert set(leaks(shown)) == {"json", "markdown", "pdf", "xlsx", "csv"}
    assert "Zelda Quux" in states[-2], "the owner (the first volunteer) is on the projector in step 5"
    assert not any(part in state for state in states for part in tried_parts(TRIED[1])), (
        "participants' own names never reach the projector, anonymous or not"
    )
