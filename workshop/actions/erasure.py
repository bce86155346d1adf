"""Erasure on request: a participant removes their own data, the facilitator erases one participant,
removes an owner's name, or deletes the whole workshop (`workshop/domain/erasure.py` says what goes).

Each is one change with one audit entry that counts what went and never names it; the erased
words leave the workshop's earlier entries in the same transaction (`store/audit.py`'s `redact`).
A deleted workshop's trail goes with it, so the server keeps a record of the deletion instead
(code, when, why, by which role). After each, the write-ahead log is emptied (`store.compact`) so
no earlier copy of an erased page stays beside the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workshop import store
from workshop.actions.auth import Row, _by_facilitator, _entry, _now, _participant, _workshop
from workshop.actions.portfolio import check_portfolio_key
from workshop.domain import audit, erasure
from workshop.domain.audit import Actor, Draft
from workshop.domain.erasure import Deletion, Removal
from workshop.domain.errors import InvalidInput, NotFound
from workshop.domain.language import N_
from workshop.domain.text import clean_text
from workshop.domain.vocabulary import OWNER_MAX, normalise_code
from workshop.store import Database
from workshop.store import audit as trail_store
from workshop.store import erasure as wiping


@dataclass(frozen=True)
class Person:
    """A participant as an erasure's confirmation names them: who, and what of theirs there is."""

    participant_id: int
    name: str
    removal: Removal
    owns: int  # initiatives the workshop names them as owner of (their name goes there too)


def _person(db: Database, workshop: Row, row: Row) -> Person:
    owns = wiping.owner_rows(db, workshop["id"], str(row["name"]))["initiatives"]
    return Person(int(row["id"]), str(row["name"]), wiping.removal(db, int(row["id"])), owns)


def _someone(db: Database, workshop: Row, participant_id: object) -> Row:
    """A participant of this workshop (never a facilitator device) by id."""
    for row in store.participants(db, workshop["id"]):
        if row["id"] == participant_id and not row["is_facilitator"]:
            return row
    raise NotFound(N_("No such participant in this workshop: they may have been removed already."))


def people(db: Database, code: str, key: str | None) -> list[Person]:
    """Every participant with what their erasure would remove: the facilitator's list to choose from."""
    workshop, _ = _by_facilitator(db, code, key)
    return [_person(db, workshop, p) for p in store.participants(db, workshop["id"]) if not p["is_facilitator"]]


def my_data(db: Database, code: str, token: str | None) -> Person:
    """What a participant's own "Remove my data" would remove: their phone's confirmation."""
    workshop = _workshop(db, code)
    return _person(db, workshop, _participant(db, workshop, token))


def erase_participant(
    db: Database, code: str, key: str | None, participant_id: int, delete_notes: bool = False, now: float | None = None
) -> Removal:
    """The facilitator erases one participant (on their request): name and answers go, notes too if asked."""
    workshop, actor = _by_facilitator(db, code, key)
    return _erase(db, workshop, actor, lambda: _someone(db, workshop, participant_id), delete_notes, now)


def remove_my_data(
    db: Database, code: str, token: str | None, delete_notes: bool = False, now: float | None = None
) -> Removal:
    """A participant removes their own name and answers from their screen (notes too if they choose);
    their token stops working, since the person it stood for is gone."""
    workshop = _workshop(db, code)
    _participant(db, workshop, token)
    return _erase(db, workshop, audit.OWN_SCREEN, lambda: _participant(db, workshop, token), delete_notes, now)


def _erase(
    db: Database, workshop: Row, actor: Actor, who: Callable[[], Row], delete_notes: object, now: float | None
) -> Removal:
    """One participant's erasure in one change: rows, their name as an owner, the erased words in the trail."""
    if not isinstance(delete_notes, bool):
        raise InvalidInput(N_("Say whether the notes go too: yes or no."))
    with store.change(db, workshop["id"], Draft(actor, "erase_participant", _now(now))) as entry:
        row = who()  # read again under the lock: a second tap finds nobody left
        removal = wiping.removal(db, int(row["id"]))
        words = {str(row["name"])}
        if delete_notes:
            texts = set(wiping.note_texts(db, int(row["id"])))
            steps = [(e.action, e.before, e.after) for e in trail_store.trail(db, workshop["id"]).entries]
            words |= erasure.earlier_wordings(steps, texts)
        wiping.erase_participant(db, int(row["id"]), delete_notes)
        wiping.remove_owner(db, workshop["id"], str(row["name"]), erasure.OWNER_REMOVED)
        trail_store.redact(db, workshop["id"], words)
        gone = {k: v for k, v in removal.counts().items() if v and (delete_notes or k in erasure.ANSWERS)}
        entry.record(erasure.ERASURE_SUBJECT, {"name": erasure.ERASED, **gone}, {"notes kept": not delete_notes})
    store.compact(db)
    return removal


def owner_names(db: Database, code: str, key: str | None) -> list[str]:
    """The owners a workshop names (but "Owner removed"), for the facilitator to choose from."""
    workshop, _ = _by_facilitator(db, code, key)
    names = {str(o["owner"]) for o in store.owners(db, workshop["id"])}
    return sorted(names - {erasure.OWNER_REMOVED})


def owner_rows(db: Database, code: str, key: str | None, name: str) -> dict[str, int]:
    """Where the workshop names this owner: what removing them changes, for the confirmation."""
    workshop, _ = _by_facilitator(db, code, key)
    return wiping.owner_rows(db, workshop["id"], name)


def remove_owner(db: Database, code: str, key: str | None, name: str, now: float | None = None) -> int:
    """On an owner's request: their name becomes "Owner removed" on their initiatives and check-ins,
    their owner link stops working and their name leaves the trail; returns how many initiatives."""
    workshop, actor = _by_facilitator(db, code, key)
    clean = clean_text(name, "Owner", max_len=OWNER_MAX)
    with store.change(db, workshop["id"], _entry(actor, "remove_owner", now)) as entry:
        found = wiping.owner_rows(db, workshop["id"], clean)
        if clean == erasure.OWNER_REMOVED or not any(found.values()):
            raise NotFound(N_("No owner of that name in this workshop: they may have been removed already."))
        wiping.remove_owner(db, workshop["id"], clean, erasure.OWNER_REMOVED)
        trail_store.redact(db, workshop["id"], {clean})
        entry.record("an owner", {"owner": erasure.ERASED, **found}, {"owner": erasure.OWNER_REMOVED})
    store.compact(db)
    return found["initiatives"]


def workshop_contents(db: Database, code: str, key: str | None) -> dict[str, int]:
    """Everything deleting the workshop removes, counted: the confirmation names it."""
    workshop, _ = _by_facilitator(db, code, key)
    snapshot_rows = {
        "participants": [p for p in store.participants(db, workshop["id"]) if not p["is_facilitator"]],
        "notes": store.bottlenecks(db, workshop["id"]),
        "votes": store.votes(db, workshop["id"]),
        "impacts": store.impacts(db, workshop["id"]),
        "initiatives": store.initiatives(db, workshop["id"]),
        "check-ins": store.checkins(db, workshop["id"]),
    }
    counts = {k: len(v) for k, v in snapshot_rows.items()}
    return counts | {"audit entries": len(trail_store.trail(db, workshop["id"]).entries)}


def delete_workshop(db: Database, code: str, key: str | None, confirm: str, now: float | None = None) -> str:
    """The facilitator deletes the whole workshop after typing its join code; only the server's
    record of the deletion stays (code, when, why, by which device or link). Returns the code."""
    workshop, actor = _by_facilitator(db, code, key)
    if normalise_code(str(confirm or "")) != workshop["code"]:
        raise InvalidInput(N_("Type the join code {code} to confirm the deletion."), code=workshop["code"])
    _delete(db, workshop, Deletion(workshop["code"], workshop["ended_at"], _now(now), erasure.ON_REQUEST, actor.via))
    return str(workshop["code"])


def _delete(db: Database, workshop: Row, record: Deletion) -> bool:
    """Delete one workshop and record it (the retention sweep's deletion too); False if it was gone."""
    with store.server_change(db):
        if store.workshop_by_code(db, workshop["code"]) is None:
            return False
        wiping.delete_workshop(db, int(workshop["id"]), record)
    store.compact(db)
    return True


def deletions(db: Database, portfolio_key: str | None) -> list[Deletion]:
    """The server's record of deleted workshops, for the portfolio's holder (who sees every workshop)."""
    check_portfolio_key(db, portfolio_key)
    return wiping.deletions(db)
