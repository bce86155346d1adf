"""Step 1's suggested duplicates: the groups the engine proposes, and the facilitator's three answers.

The engine (`workshop.domain.similar`) only proposes. The facilitator merges a whole group in one action
(votes, impacts and links carry over, as with a single merge), splits one note out of a group, or
dismisses the group; a split or dismissed pair is stored and never suggested again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workshop import store
from workshop.actions.auth import Row, _by_facilitator, _entry, _facilitator, _workshop
from workshop.domain import audit, similar
from workshop.domain.errors import InvalidInput, NotFound
from workshop.domain.language import N_
from workshop.domain.text import clean_int
from workshop.domain.vocabulary import ID_MAX
from workshop.store import Database


def _suggestions_in(db: Database, workshop: Row) -> list[similar.Group]:
    """The groups for one workshop's live notes (neither merged away nor hidden), largest first."""
    notes = [
        similar.Note(r["id"], r["text"], r["votes"])
        for r in store.bottlenecks(db, workshop["id"])
        if r["merged_into"] is None and not r["hidden"]
    ]
    dismissed = [frozenset((r["low_id"], r["high_id"])) for r in store.dismissed_pairs(db, workshop["id"])]
    return similar.groups(notes, dismissed)


def suggested_groups(db: Database, code: str, key: str | None) -> list[similar.Group]:
    """What the facilitator's console shows: only the facilitator sees suggestions."""
    return _suggestions_in(db, _facilitator(db, code, key))


def suggestions_for(db: Database, code: str) -> list[similar.Group]:
    """The same groups for the command line, which holds the database itself and needs no key."""
    return _suggestions_in(db, _workshop(db, code))


def _members(db: Database, workshop: Row, ids: Any) -> list[Row]:
    """A group's notes: 2 to GROUP_MAX different ids, each a live note of this workshop."""
    if not isinstance(ids, list | tuple) or not 2 <= len(ids) <= similar.GROUP_MAX:
        raise InvalidInput(N_("A group holds 2 to {group_max} notes."), group_max=similar.GROUP_MAX)
    clean = [clean_int(i, N_("Note"), low=1, high=ID_MAX) for i in ids]
    if len(set(clean)) != len(clean):
        raise InvalidInput(N_("A group lists each note once."))
    rows = []
    for note_id in clean:
        row = store.bottleneck(db, workshop["id"], note_id)
        if row is None:
            raise NotFound(N_("That note is not part of this workshop."))
        if row["merged_into"] is not None:
            raise InvalidInput(N_("Note #{note_id} was already merged into another one."), note_id=note_id)
        if row["hidden"]:
            raise InvalidInput(N_("Note #{note_id} is hidden: restore it before grouping it."), note_id=note_id)
        rows.append(row)
    return rows


def _pairs(one: Iterable[int], other: Iterable[int]) -> list[tuple[int, int]]:
    others = list(other)
    return sorted({(min(a, b), max(a, b)) for a in one for b in others if a != b})


def merge_group(
    db: Database, code: str, key: str | None, keep_id: Any, member_ids: Any, now: float | None = None
) -> int:
    """Fold every other note of a group into the one to keep, in one change; returns the kept id."""
    workshop, actor = _by_facilitator(db, code, key)
    keep = clean_int(keep_id, N_("Note to keep"), low=1, high=ID_MAX)
    with store.change(db, workshop["id"], _entry(actor, "merge_group", now)) as entry:
        # The notes are read under the write lock: none can be merged or hidden in between.
        rows = _members(db, workshop, member_ids)
        if keep not in {r["id"] for r in rows}:
            raise InvalidInput(N_("The note to keep must be one of the group's notes."))
        kept = next(r for r in rows if r["id"] == keep)
        merged = [r["text"] for r in rows if r["id"] != keep]
        entry.record(_words(kept), {"notes": [r["text"] for r in rows]}, {"notes": [kept["text"]], "merged": merged})
        for row in rows:
            if row["id"] != keep:
                store.merge_bottleneck(db, row["id"], keep)
    return keep


def dismiss_suggestion(db: Database, code: str, key: str | None, member_ids: Any, now: float | None = None) -> None:
    """ "Not the same": no two notes of this group are suggested together again."""
    workshop, actor = _by_facilitator(db, code, key)
    with store.change(db, workshop["id"], _entry(actor, "dismiss_suggestion", now)) as entry:
        rows = _members(db, workshop, member_ids)
        ids = [r["id"] for r in rows]
        entry.record("a suggested group", {}, {"not the same": [r["text"] for r in rows]})
        store.dismiss_pairs(db, workshop["id"], _pairs(ids, ids), entry.at)


def split_from_suggestion(
    db: Database, code: str, key: str | None, note_id: Any, member_ids: Any, now: float | None = None
) -> None:
    """Take one note out of a group: it is never suggested with the group's other notes again."""
    workshop, actor = _by_facilitator(db, code, key)
    note = clean_int(note_id, N_("Note"), low=1, high=ID_MAX)
    with store.change(db, workshop["id"], _entry(actor, "split_from_suggestion", now)) as entry:
        rows = _members(db, workshop, member_ids)
        ids = [r["id"] for r in rows]
        if note not in ids:
            raise InvalidInput(N_("The note to split out must be one of the group's notes."))
        split = next(r for r in rows if r["id"] == note)
        entry.record(_words(split), {}, {"not the same as": [r["text"] for r in rows if r["id"] != note]})
        store.dismiss_pairs(db, workshop["id"], _pairs([note], ids), entry.at)


def _words(row: Row) -> str:
    """A note as the trail names it: by its words (its row id changes when a backup is imported)."""
    return audit.NOTE_SUBJECT.format(text=row["text"])
