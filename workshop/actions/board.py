"""Steps 1 and 2: bottleneck notes, dot votes within the budget, and the impacts they have."""

from __future__ import annotations

from typing import Any

from workshop import store
from workshop.actions.auth import (
    Row,
    _again,
    _by_facilitator,
    _client_id,
    _counted,
    _entry,
    _not_ended,
    _now,
    _open,
    _sent_before,
    _writable,
    identified,
)
from workshop.domain import audit
from workshop.domain.errors import BudgetExhausted, InputLocked, InvalidInput, NotAllowed, NotFound, Phrase
from workshop.domain.language import N_
from workshop.domain.snapshot import private_board
from workshop.domain.text import clean_int, clean_number, clean_text
from workshop.domain.vocabulary import (
    DIMENSION_KEYS,
    DIRECTIONS,
    ID_MAX,
    MAGNITUDES,
    MAX_VOTE_BUDGET,
    MONEY_MAX,
    NOTE_MAX,
    OUTCOME_KEYS,
    STEPS,
)
from workshop.store import Database

VOTING_AFTER_REVEAL = N_("Voting opens when the facilitator reveals the board.")


def add_bottleneck(
    db: Database,
    code: str,
    token: str,
    dimension: str,
    text: str,
    client_id: str | None = None,
    now: float | None = None,
) -> int:
    """Add a note; resubmitting the same `client_id` returns the first note instead of a copy."""
    workshop, participant = identified(db, code, token)
    _open(workshop)
    if dimension not in DIMENSION_KEYS:
        raise InvalidInput(N_("Tag the bottleneck with product, platform or organisation."))
    clean = clean_text(text, N_("Bottleneck"), max_len=NOTE_MAX)
    client = _client_id(client_id)
    with store.change(db, workshop["id"], _counted("note")) as tally:
        earlier = _sent_before(db, "bottlenecks", workshop, participant, client)
        if earlier is not None:
            tally.none()
            return earlier
        _writable(db, workshop, "note")
        return store.insert_bottleneck(
            db, workshop["id"], participant["id"], dimension, clean, _now(now), client_id=client
        )


def _live_bottleneck(db: Database, workshop: Row, bottleneck_id: Any) -> Row:
    row = store.bottleneck(db, workshop["id"], clean_int(bottleneck_id, N_("Bottleneck"), low=1, high=ID_MAX))
    if row is None:
        raise NotFound(N_("That bottleneck is not part of this workshop."))
    if row["merged_into"] is not None:
        raise InvalidInput(N_("That bottleneck was merged into another one."))
    return row


def vote(db: Database, code: str, token: str, bottleneck_id: int, now: float | None = None) -> int:
    """Spend one dot; returns the dots left.

    The note, the budget and the step are read inside the change that writes the vote, so a
    merge, a hide or a lowered budget a moment earlier is seen and the dot is never misspent.
    """
    workshop, participant = identified(db, code, token)
    _open(workshop)
    with store.change(db, workshop["id"], _counted("vote")):
        workshop = _writable(db, workshop, "vote")
        _voting_open(workshop)
        row = _live_bottleneck(db, workshop, bottleneck_id)
        if row["hidden"]:
            raise InvalidInput(N_("That bottleneck is hidden."))
        left = votes_left_of(db, workshop, participant)
        if left <= 0:
            raise BudgetExhausted(
                N_("You have used all {vote_budget} of your votes; take one back to move it."),
                vote_budget=workshop["vote_budget"],
            )
        store.insert_vote(db, workshop["id"], row["id"], participant["id"], _now(now))
        return left - 1  # this dot was counted against the budget in the same transaction


def unvote(db: Database, code: str, token: str, bottleneck_id: int) -> int:
    """Take one dot back; returns the dots left."""
    workshop, participant = identified(db, code, token)
    _open(workshop)
    with store.change(db, workshop["id"], _counted("vote")):
        workshop = _writable(db, workshop, "vote")
        _voting_open(workshop)
        row = _live_bottleneck(db, workshop, bottleneck_id)
        if not store.delete_one_vote(db, workshop["id"], row["id"], participant["id"]):
            raise InvalidInput(N_("You have no vote on that bottleneck to take back."))
        return votes_left_of(db, workshop, participant)


def _voting_open(workshop: Row) -> None:
    """Nobody votes on notes they cannot see: a private board opens for votes at the reveal."""
    if private_board(workshop):
        raise InputLocked(VOTING_AFTER_REVEAL)


def set_private_brainstorm(db: Database, code: str, key: str, on: bool) -> None:
    """Keep notes on their authors' phones (step 1 only), or reveal the board to everyone at once.

    Turning it off is the reveal: one change that every phone's meta long-poll sees, so the whole
    room gets the board together. Leaving step 1 reveals it too (see `go_to_step`).
    """
    workshop, actor = _by_facilitator(db, code, key)
    _not_ended(workshop)
    if not isinstance(on, bool):
        raise InvalidInput(N_("Say whether the brainstorm is private: on or off."))
    with store.change(db, workshop["id"], _entry(actor, "set_private_brainstorm")) as entry:
        workshop = _again(db, workshop)
        _not_ended(workshop)
        if on and workshop["current_step"] != STEPS[0].key:
            raise InvalidInput(
                N_("A private brainstorm is for step 1, {title}: go back to it first."), title=Phrase(STEPS[0].title)
            )
        entry.record("board", {"private": bool(workshop["private_brainstorm"])}, {"private": on})
        store.update_workshop(db, workshop["id"], private_brainstorm=int(on))


def votes_left(db: Database, code: str, token: str) -> int:
    """The dots this participant can still spend (read by the phone's own view)."""
    workshop, participant = identified(db, code, token)
    return votes_left_of(db, workshop, participant)


def votes_left_of(db: Database, workshop: Row, participant: Row) -> int:
    """The dots this participant has left, counted in the database."""
    return dots_left(workshop, store.votes_used(db, workshop["id"], participant["id"]))


def dots_left(workshop: Row, used: int) -> int:
    """The one count of dots left: the budget less the votes that count (hidden notes refund theirs)."""
    return int(workshop["vote_budget"]) - used


def edit_bottleneck(
    db: Database, code: str, key: str, bottleneck_id: int, text: str, dimension: str | None = None
) -> None:
    workshop, actor = _by_facilitator(db, code, key)
    clean = clean_text(text, N_("Bottleneck"), max_len=NOTE_MAX)
    if dimension is not None and dimension not in DIMENSION_KEYS:
        raise InvalidInput(N_("Tag the bottleneck with product, platform or organisation."))
    with store.change(db, workshop["id"], _entry(actor, "edit_bottleneck")) as entry:
        row = _live_bottleneck(db, workshop, bottleneck_id)
        new = {"text": clean, "dimension": dimension or row["dimension"]}
        entry.record(_note(row), {"text": row["text"], "dimension": row["dimension"]}, new)
        store.update_bottleneck(db, row["id"], **new)


def _note(row: Row) -> str:
    """A note as the trail names it: by its words (its row id changes when a backup is imported)."""
    return audit.NOTE_SUBJECT.format(text=row["text"])


def hide_bottleneck(
    db: Database, code: str, key: str, bottleneck_id: int, hidden: bool = True, now: float | None = None
) -> None:
    """Hide noise from the board (its votes stay recorded but are refunded), or restore it.

    A restore that would give someone more counted votes than the budget is refused, so the
    budget always holds (and an export always imports again).
    """
    workshop, actor = _by_facilitator(db, code, key)
    with store.change(db, workshop["id"], _entry(actor, "hide_bottleneck", now)) as entry:
        workshop = _again(db, workshop)
        row = _live_bottleneck(db, workshop, bottleneck_id)
        if not hidden and row["hidden"]:
            _restore_within_budget(db, workshop, row)
        entry.record(_note(row), {"hidden": bool(row["hidden"])}, {"hidden": bool(hidden)})
        store.update_bottleneck(db, row["id"], hidden=int(bool(hidden)))


def _restore_within_budget(db: Database, workshop: Row, row: Row) -> None:
    """Refuse a restore that would count more votes for someone than the budget allows."""
    used = store.counted_votes(db, workshop["id"])
    over = [p for p, n in store.votes_on(db, row["id"]).items() if used.get(p, 0) + n > workshop["vote_budget"]]
    if over:
        if len(over) == 1:
            raise BudgetExhausted(
                N_("Restoring it would give 1 person more votes than the budget: raise the votes per person first.")
            )
        raise BudgetExhausted(
            N_("Restoring it would give {count} people more votes than the budget: raise the votes per person first."),
            count=len(over),
        )


def merge_bottlenecks(db: Database, code: str, key: str, source_id: int, target_id: int) -> None:
    """Fold a duplicate into another note; its votes, impacts and links carry over in one change.

    Votes move as they are: both notes are visible, so every vote already counts against its
    voter's budget and nobody ends over it (two votes on one note are allowed, as with dots).
    """
    workshop, actor = _by_facilitator(db, code, key)
    with store.change(db, workshop["id"], _entry(actor, "merge_bottlenecks")) as entry:
        source = _live_bottleneck(db, workshop, source_id)
        target = _live_bottleneck(db, workshop, target_id)
        if source["id"] == target["id"]:
            raise InvalidInput(N_("Choose two different bottlenecks to merge."))
        # A hidden note's votes are refunded: merging would count them again past the budget.
        if source["hidden"] or target["hidden"]:
            raise InvalidInput(N_("That bottleneck is hidden: restore it before merging it."))
        entry.record(_note(source), {"merged_into": None}, {"merged_into": _note(target)})
        store.merge_bottleneck(db, source["id"], target["id"])


def set_vote_budget(db: Database, code: str, key: str, budget: int) -> None:
    """Change the votes per person; never below what someone has already spent."""
    workshop, actor = _by_facilitator(db, code, key)
    clean = clean_int(budget, N_("Votes per person"), low=1, high=MAX_VOTE_BUDGET)
    with store.change(db, workshop["id"], _entry(actor, "set_vote_budget")) as entry:
        # Read under the write lock: a vote cannot land between this count and the new budget.
        most = max(store.counted_votes(db, workshop["id"]).values(), default=0)
        if clean < most:
            raise InvalidInput(
                N_("Someone has already used {most} votes: the budget cannot go below {most}."), most=most
            )
        entry.record("votes per person", {"budget": _again(db, workshop)["vote_budget"]}, {"budget": clean})
        store.update_workshop(db, workshop["id"], vote_budget=clean)


def _impact_fields(outcome: Any, direction: Any, magnitude: Any, because: Any, money: Any) -> Row:
    """The validated columns of an impact but its note (shared by adding and editing)."""
    if outcome not in OUTCOME_KEYS:
        raise InvalidInput(N_("Choose the business outcome this bottleneck affects."))
    if not isinstance(direction, str) or direction not in DIRECTIONS:
        raise InvalidInput(N_("Choose whether it makes the outcome worse or holds it back."))
    return {
        "outcome": outcome,
        "direction": direction,
        "magnitude": clean_int(magnitude, N_("Magnitude"), low=1, high=len(MAGNITUDES)),
        "money": clean_number(money, N_("Yearly money estimate"), required=False, low=0, high=MONEY_MAX),
        "because": clean_text(because, N_("Because"), max_len=NOTE_MAX),
    }


def add_impact(
    db: Database,
    code: str,
    token: str,
    bottleneck_id: int,
    outcome: str,
    direction: str,
    magnitude: int,
    because: str,
    money: float | str | None = None,
    client_id: str | None = None,
    now: float | None = None,
) -> int:
    """Link a bottleneck to the business outcome it damages; a retried `client_id` is stored once."""
    workshop, participant = identified(db, code, token)
    _open(workshop)
    fields = _impact_fields(outcome, direction, magnitude, because, money)
    client = _client_id(client_id)
    with store.change(db, workshop["id"], _counted("impact")) as tally:
        earlier = _sent_before(db, "impacts", workshop, participant, client)
        if earlier is not None:
            tally.none()
            return earlier
        _writable(db, workshop, "impact")
        note = _live_bottleneck(db, workshop, bottleneck_id)["id"]
        return store.insert_impact(
            db,
            workshop["id"],
            {
                **fields,
                "bottleneck_id": note,
                "participant_id": participant["id"],
                "created_at": _now(now),
                "client_id": client,
            },
        )


def _impact(db: Database, workshop: Row, impact_id: Any) -> Row:
    """The impact `impact_id` of this workshop, or NotFound: the same check for its author and the facilitator."""
    row = store.impact(db, workshop["id"], clean_int(impact_id, N_("Impact"), low=1, high=ID_MAX))
    if row is None:
        raise NotFound(N_("That impact is not part of this workshop."))
    return row


def _own_impact(db: Database, workshop: Row, participant: Row, impact_id: Any) -> Row:
    row = _impact(db, workshop, impact_id)
    if row["participant_id"] != participant["id"]:
        raise NotAllowed(N_("You can change only the impacts you added."))
    return row


def edit_impact(
    db: Database,
    code: str,
    token: str,
    impact_id: int,
    bottleneck_id: int,
    outcome: str,
    direction: str,
    magnitude: int,
    because: str,
    money: float | str | None = None,
) -> None:
    """A participant corrects one of their own impacts."""
    workshop, participant = identified(db, code, token)
    _open(workshop)
    fields = _impact_fields(outcome, direction, magnitude, because, money)
    with store.change(db, workshop["id"], _counted("impact")):
        _writable(db, workshop, "impact")
        row = _own_impact(db, workshop, participant, impact_id)
        note = _live_bottleneck(db, workshop, bottleneck_id)["id"]
        store.update_impact(db, row["id"], {**fields, "bottleneck_id": note})


def withdraw_impact(db: Database, code: str, token: str, impact_id: int) -> None:
    """A participant removes one of their own impacts."""
    workshop, participant = identified(db, code, token)
    _open(workshop)
    with store.change(db, workshop["id"], _counted("impact")):
        _writable(db, workshop, "impact")
        row = _own_impact(db, workshop, participant, impact_id)
        store.delete_impact(db, row["id"])


def delete_impact(db: Database, code: str, key: str, impact_id: int) -> None:
    workshop, actor = _by_facilitator(db, code, key)
    with store.change(db, workshop["id"], _entry(actor, "delete_impact")) as entry:
        row = _impact(db, workshop, impact_id)
        note = store.bottleneck(db, workshop["id"], row["bottleneck_id"])
        entry.record(
            audit.IMPACT_SUBJECT.format(note=_note(note) if note else "a note"), {"outcome": row["outcome"]}, {}
        )
        store.delete_impact(db, row["id"])
