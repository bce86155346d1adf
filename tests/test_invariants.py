"""Every check inside its write: the room's writes race each other and the workshop stays whole.

After any sequence of votes, merges, splits, hides, restores, budget changes, impacts and
initiatives, whether run one at a time (a hypothesis state machine) or at once from many
connections (threads), the same invariants hold and the JSON export re-imports identically.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tests.helpers import NOW, arranged, as_restored, version
from workshop import actions
from workshop import store as storage
from workshop.backup import export
from workshop.domain.errors import WorkshopError
from workshop.domain.vocabulary import DIMENSION_KEYS, STEP_KEYS
from workshop.store.load import load

PEOPLE = 6
# On step 3 every write these races use is open: notes and votes (step 1), impacts (2), initiatives (3).
RACE_STEP = "prioritise"


# --- the invariants ----------------------------------------------------------------------------


def on_merged_notes(db: Any, workshop_id: int) -> dict[str, int]:
    """Votes, impacts and initiative links that point at a note merged into another one."""
    found = {}
    for table, scope in (
        ("votes", "x.workshop_id"),
        ("impacts", "x.workshop_id"),
        ("initiative_links", "b.workshop_id"),
    ):
        found[table] = db.execute(
            f"SELECT COUNT(*) FROM {table} x JOIN bottlenecks b ON b.id = x.bottleneck_id "
            f"WHERE b.merged_into IS NOT NULL AND {scope} = ?",
            [workshop_id],
        ).fetchone()[0]
    return found


def assert_whole(db: Any, code: str) -> None:
    """Nothing on a merged-away note, nobody over the budget, the board's counts add up."""
    snapshot = load(db, code)
    wid = snapshot.id
    assert on_merged_notes(db, wid) == {"votes": 0, "impacts": 0, "initiative_links": 0}
    counted = storage.counted_votes(db, wid)
    assert max(counted.values(), default=0) <= snapshot.workshop["vote_budget"], (counted, snapshot.workshop)
    on_board = sum(int(b["votes"]) for b in snapshot.live_bottlenecks)
    assert on_board == sum(counted.values()), "the board counts exactly the votes that count"
    notes = {b["id"]: b for b in storage.bottlenecks(db, wid)}
    for note in notes.values():
        if note["merged_into"] is not None:
            assert notes[note["merged_into"]]["merged_into"] is None, "a merge points at a live note"


def assert_round_trip(db: Any, code: str, target: Any) -> None:
    """The JSON export imports again, and exporting the import gives the same document."""
    document = export.to_document(load(db, code), now=NOW)
    imported, _ = export.import_document(target, export.dumps(document))
    assert as_restored(export.to_document(load(target, imported), now=NOW)) == as_restored(document)


# --- a room to race in --------------------------------------------------------------------------


@dataclass
class Room:
    path: Path
    code: str
    key: str
    tokens: list[str]
    workshop_id: int


def make_room(path: Path, budget: int = 5, people: int = PEOPLE) -> Room:
    db = storage.connect(path)
    made = actions.create_workshop(db, "Race", "Acme", "scaleup", vote_budget=budget, now=NOW)
    tokens = [actions.join(db, made.code, f"P{n}", now=NOW).token for n in range(people)]
    workshop_id = int(storage.workshop_by_code(db, made.code)["id"])
    # Arranged directly, so the races run the same on any version of the step actions.
    with storage.change(db, workshop_id, arranged()):
        storage.update_workshop(db, workshop_id, current_step=RACE_STEP)
    db.close()
    return Room(path, made.code, made.facilitator_key, tokens, workshop_id)


def at_once(path: Path, jobs: list[Callable[[Any], object]]) -> list[object]:
    """Run every job in its own thread on its own connection, released together by a barrier.

    A refusal (`WorkshopError`) is a result like any other; anything else fails the test.
    """
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)
    crashes: list[BaseException] = []

    def run(n: int, job: Callable[[Any], object]) -> None:
        db = storage.connect(path)
        try:
            barrier.wait()
            results[n] = job(db)
        except WorkshopError as exc:
            results[n] = exc
        except BaseException as exc:  # noqa: BLE001 - reported below, in the test's thread
            crashes.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not crashes, crashes
    return results


# --- finding 7: a merge while the room votes, maps impacts and links initiatives -------------


def test_a_merge_while_the_room_writes_leaves_nothing_on_the_merged_note(tmp_path):
    room = make_room(tmp_path / "race.db", budget=20)
    db = storage.connect(room.path)
    target = storage.connect(tmp_path / "restore.db")
    for trial in range(12):
        source, keep = (
            actions.add_bottleneck(db, room.code, room.tokens[0], "platform", f"Trial {trial} note {n}", now=NOW)
            for n in range(2)
        )
        jobs: list[Callable[[Any], object]] = [
            lambda c: actions.merge_bottlenecks(c, room.code, room.key, source, keep),
        ]
        for token in room.tokens:
            jobs += [
                lambda c, t=token: actions.vote(c, room.code, t, source),
                lambda c, t=token: actions.add_impact(c, room.code, t, source, "churn", "worse", 3, "Because"),
                lambda c, t=token: actions.add_initiative(c, room.code, t, f"Fix {trial}", [source]),
            ]
        at_once(room.path, jobs)
        assert_whole(db, room.code)
    assert_round_trip(db, room.code, target)
    db.close()
    target.close()


# --- finding 8: the budget lowered while the room votes ----------------------------------------


def test_lowering_the_budget_while_the_room_votes_never_leaves_anyone_over_it(tmp_path):
    target = storage.connect(tmp_path / "restore.db")
    for trial in range(12):
        room = make_room(tmp_path / f"budget-{trial}.db", budget=3)
        db = storage.connect(room.path)
        notes = [actions.add_bottleneck(db, room.code, room.tokens[0], "platform", f"N{n}", now=NOW) for n in range(2)]
        for token in room.tokens:  # everyone holds two of their three votes
            for note in notes:
                actions.vote(db, room.code, token, note)
        jobs: list[Callable[[Any], object]] = [lambda c, r=room: actions.set_vote_budget(c, r.code, r.key, 2)]
        jobs += [lambda c, r=room, t=token: actions.vote(c, r.code, t, notes[0]) for token in room.tokens]
        at_once(room.path, jobs)
        assert_whole(db, room.code)
        assert_round_trip(db, room.code, target)
        db.close()
    target.close()


# --- finding 9: two presses of Next ----------------------------------------------------------


def test_two_presses_of_next_move_the_room_once(tmp_path):
    path = tmp_path / "next.db"
    db = storage.connect(path)
    for trial in range(10):
        made = actions.create_workshop(db, f"Next {trial}", "Acme", "scaleup", now=NOW)
        actions.start_timer(db, made.code, made.facilitator_key, now=NOW)
        shown = load(db, made.code).current_step.key
        stamp = version(db, made.code)
        results = at_once(
            path,
            [
                lambda c, code=made.code, key=made.facilitator_key: actions.next_step(
                    c, code, key, now=NOW + 60, from_step=shown
                )
                for _ in range(2)
            ],
        )
        snapshot = load(db, made.code)
        assert snapshot.current_step.key == STEP_KEYS[1], "one press moved the room, the other changed nothing"
        refusals = [r for r in results if isinstance(r, WorkshopError)]
        assert [str(r) for r in refusals] == ["The room is already on step 2, Impact mapping: nothing changed."]
        assert version(db, made.code) == stamp + 1
        impact_clock = snapshot.timer(STEP_KEYS[1])
        assert impact_clock.state == "running", "step 2's clock runs; it was not banked as done with 0 s"
    db.close()


# --- the same races as a state machine -----------------------------------------------------------


class Workshop(RuleBasedStateMachine):
    """One room driven by random sequences of the board's writes; every refusal writes nothing."""

    @initialize()
    def open_room(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="invariants-"))
        self.room = make_room(self.dir / "room.db", budget=3, people=3)
        self.db = storage.connect(self.room.path)
        self.notes: list[int] = []
        self.initiatives: list[int] = []
        for n in range(3):
            self.add_note(n % 3, DIMENSION_KEYS[n % 3])

    def act(self, write: Callable[[], object]) -> object:
        """Run one write; a refusal must leave the workshop exactly as it was."""
        stamp = version(self.db, self.room.code)
        try:
            return write()
        except WorkshopError:
            assert version(self.db, self.room.code) == stamp, "a refusal wrote nothing"
            return None

    def token(self, person: int) -> str:
        return self.room.tokens[person % len(self.room.tokens)]

    def note(self, index: int) -> int:
        return self.notes[index % len(self.notes)]

    @rule(person=st.integers(0, 2), dimension=st.sampled_from(DIMENSION_KEYS))
    def add_note(self, person: int, dimension: str) -> None:
        text = f"Note {len(self.notes)}"
        self.notes.append(actions.add_bottleneck(self.db, self.room.code, self.token(person), dimension, text, now=NOW))

    @rule(person=st.integers(0, 2), note=st.integers(0, 4))
    def vote(self, person: int, note: int) -> None:
        self.act(lambda: actions.vote(self.db, self.room.code, self.token(person), self.note(note)))

    @rule(person=st.integers(0, 2), note=st.integers(0, 4))
    def spend_every_dot(self, person: int, note: int) -> None:
        """A voter puts every dot they have left on one note (budgets are small, so this is common)."""
        for _ in range(5):
            self.act(lambda: actions.vote(self.db, self.room.code, self.token(person), self.note(note)))

    @rule(person=st.integers(0, 2), note=st.integers(0, 4))
    def unvote(self, person: int, note: int) -> None:
        self.act(lambda: actions.unvote(self.db, self.room.code, self.token(person), self.note(note)))

    @rule(source=st.integers(0, 4), into=st.integers(0, 4))
    def merge(self, source: int, into: int) -> None:
        self.act(
            lambda: actions.merge_bottlenecks(
                self.db, self.room.code, self.room.key, self.note(source), self.note(into)
            )
        )

    @rule(keep=st.integers(0, 4), others=st.lists(st.integers(0, 4), min_size=1, max_size=3))
    def merge_group(self, keep: int, others: list[int]) -> None:
        members = [self.note(keep), *(self.note(o) for o in others)]
        self.act(lambda: actions.merge_group(self.db, self.room.code, self.room.key, members[0], members))

    @rule(note=st.integers(0, 4), other=st.integers(0, 4))
    def split(self, note: int, other: int) -> None:
        members = [self.note(note), self.note(other)]
        self.act(lambda: actions.split_from_suggestion(self.db, self.room.code, self.room.key, members[0], members))

    @rule(note=st.integers(0, 4), hidden=st.booleans())
    def hide_or_restore(self, note: int, hidden: bool) -> None:
        self.act(lambda: actions.hide_bottleneck(self.db, self.room.code, self.room.key, self.note(note), hidden))

    @rule(budget=st.integers(1, 5))
    def set_budget(self, budget: int) -> None:
        self.act(lambda: actions.set_vote_budget(self.db, self.room.code, self.room.key, budget))

    @rule(person=st.integers(0, 2), note=st.integers(0, 4))
    def add_impact(self, person: int, note: int) -> None:
        self.act(
            lambda: actions.add_impact(
                self.db, self.room.code, self.token(person), self.note(note), "churn", "worse", 2, "Because", money=10
            )
        )

    @rule(person=st.integers(0, 2), notes=st.lists(st.integers(0, 4), min_size=1, max_size=3))
    def add_initiative(self, person: int, notes: list[int]) -> None:
        linked = [self.note(n) for n in notes]
        made = self.act(lambda: actions.add_initiative(self.db, self.room.code, self.token(person), "Fix", linked))
        if isinstance(made, int):
            self.initiatives.append(made)

    @precondition(lambda self: bool(self.initiatives))
    @rule(initiative=st.integers(0, 4), notes=st.lists(st.integers(0, 4), min_size=1, max_size=3))
    def relink_initiative(self, initiative: int, notes: list[int]) -> None:
        chosen = self.initiatives[initiative % len(self.initiatives)]
        linked = [self.note(n) for n in notes]
        self.act(lambda: actions.edit_initiative(self.db, self.room.code, self.room.key, chosen, "Fix", "", linked))

    @invariant()
    def whole(self) -> None:
        if hasattr(self, "db"):
            assert_whole(self.db, self.room.code)

    def teardown(self) -> None:
        if not hasattr(self, "db"):
            return
        target = storage.connect(self.dir / "restore.db")
        try:
            assert_round_trip(self.db, self.room.code, target)
        finally:
            target.close()
            self.db.close()
            shutil.rmtree(self.dir, ignore_errors=True)


Workshop.TestCase.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
TestWorkshop = Workshop.TestCase


def test_the_machine_replays_a_merge_of_a_hidden_note():
    """A sequence the threaded race found: hidden votes are refunded, so merging the note would
    count them again past the budget. Replayed step by step, with the invariants after each."""
    machine = Workshop()
    machine.open_room()
    try:
        for step in (
            lambda: machine.spend_every_dot(0, 0),
            lambda: machine.hide_or_restore(0, True),
            lambda: machine.spend_every_dot(0, 1),
            lambda: machine.merge(0, 1),
            lambda: machine.merge(1, 0),
            lambda: machine.hide_or_restore(0, False),
        ):
            step()
            machine.whole()
    finally:
        machine.teardown()


# --- and the same writes from many connections at once ------------------------------------------


def random_writes(room: Room, seed: int, until: float) -> Callable[[Any], object]:
    """One thread's share of the room: random writes of every kind until `until`."""

    def run(db: Any) -> int:
        rng = random.Random(seed)
        done = 0
        while time.monotonic() < until:
            notes = [b["id"] for b in storage.bottlenecks(db, room.workshop_id)] or [0]
            token, note, other = rng.choice(room.tokens), rng.choice(notes), rng.choice(notes)
            writes: list[Callable[[], object]] = [
                lambda: actions.add_bottleneck(db, room.code, token, "platform", f"Note {seed}-{done}"),
                lambda: actions.vote(db, room.code, token, note),
                lambda: actions.vote(db, room.code, token, note),
                lambda: actions.unvote(db, room.code, token, note),
                lambda: actions.merge_bottlenecks(db, room.code, room.key, note, other),
                lambda: actions.merge_group(db, room.code, room.key, other, [other, note]),
                lambda: actions.split_from_suggestion(db, room.code, room.key, note, [note, other]),
                lambda: actions.hide_bottleneck(db, room.code, room.key, note, rng.random() < 0.5),
                lambda: actions.set_vote_budget(db, room.code, room.key, rng.randint(1, 5)),
                lambda: actions.add_impact(db, room.code, token, note, "churn", "worse", 2, "Because"),
                lambda: actions.add_initiative(db, room.code, token, "Fix", [note, other]),
            ]
            try:
                rng.choice(writes)()
            except WorkshopError:
                pass
            done += 1
        return done

    return run


def test_random_writes_from_many_connections_keep_every_invariant(tmp_path):
    room = make_room(tmp_path / "race.db", budget=3)
    db = storage.connect(room.path)
    for n in range(6):
        actions.add_bottleneck(db, room.code, room.tokens[n % PEOPLE], "product", f"Seed {n}", now=NOW)
    until = time.monotonic() + 1.5
    done = at_once(room.path, [random_writes(room, seed, until) for seed in range(6)])
    assert all(isinstance(n, int) and n > 0 for n in done), done
    assert_whole(db, room.code)
    target = storage.connect(tmp_path / "restore.db")
    assert_round_trip(db, room.code, target)
    target.close()
    db.close()


@pytest.mark.parametrize("table", ["votes", "impacts", "initiative_links"])
def test_the_invariant_sees_a_row_on_a_merged_note(tmp_path, table):
    """The control for the checks above: a row left on a merged-away note is caught."""
    room = make_room(tmp_path / "room.db")
    db = storage.connect(room.path)
    source, keep = (
        actions.add_bottleneck(db, room.code, room.tokens[0], "platform", f"N{n}", now=NOW) for n in range(2)
    )
    actions.vote(db, room.code, room.tokens[0], source)
    actions.add_impact(db, room.code, room.tokens[0], source, "churn", "worse", 2, "Because")
    actions.add_initiative(db, room.code, room.tokens[0], "Fix", [source])
    actions.merge_bottlenecks(db, room.code, room.key, source, keep)
    assert_whole(db, room.code)
    column = "bottleneck_id"
    db.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", [source, keep])
    with pytest.raises(AssertionError):
        assert_whole(db, room.code)
    db.close()
