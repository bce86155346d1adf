"""Erasure: what goes when a participant, an owner or a whole workshop is removed, and how the
erased words leave the audit trail.

A participant's erasure removes their name and their answers: votes, scores, build/buy/partner
picks (with their reasons), offers to own and readiness answers. The room's results are counted
from the rows, so its tallies are recomputed without them. Their notes, impacts and proposed
initiatives stay without an author, unless they choose to delete their notes too: then their notes
and impacts go (with the votes, impacts and links that hang on those notes; notes merged into one
of them come back to the board). Initiatives they proposed always stay, unattributed: the room has
scored, decided and owned them.

An owner's removal replaces their name with "Owner removed" wherever the workshop names them and
revokes their owner link; the initiative, its metric and its check-ins stay.

The trail is append-only, with one narrow exception: inside an erasure's own transaction the erased
words are replaced by `ERASED` in that workshop's entries (`redact`); the entries' moments, roles,
actions and steps never change, and the erasure adds one entry of its own that counts, never names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from workshop.domain import numbers

ERASED = "[erased]"
OWNER_REMOVED = "Owner removed"
ERASURE_SUBJECT = "a participant"


@dataclass(frozen=True)
class Removal:
    """How many rows of each kind one participant's erasure removes or leaves without an author."""

    notes: int = 0
    impacts: int = 0
    initiatives: int = 0
    votes: int = 0
    scores: int = 0
    picks: int = 0
    offers: int = 0
    readiness: int = 0

    def counts(self) -> dict[str, int]:
        return {f.name: int(getattr(self, f.name)) for f in fields(self)}


# Each kind in words, singular and plural, as a confirmation names them.
_WORDS = {
    "notes": ("note", "notes"),
    "impacts": ("impact", "impacts"),
    "initiatives": ("proposed initiative", "proposed initiatives"),
    "votes": ("vote", "votes"),
    "scores": ("score", "scores"),
    "picks": ("build/buy/partner pick", "build/buy/partner picks"),
    "offers": ("offer to own", "offers to own"),
    "readiness": ("readiness answer", "readiness answers"),
}
WRITTEN = ("notes", "impacts", "initiatives")  # what stays without an author unless deleted
ANSWERS = ("votes", "scores", "picks", "offers", "readiness")  # what always goes


def _listed(removal: Removal, kinds: Iterable[str]) -> list[str]:
    counts = removal.counts()
    return [numbers.plural(counts[k], *_WORDS[k]) for k in kinds if counts[k]]


def goes(removal: Removal, delete_notes: bool) -> list[str]:
    """What an erasure deletes, in words ("3 votes", "1 score"): the name and the answers always,
    the notes and impacts when the person chose to delete them too."""
    return _listed(removal, (*ANSWERS, *(("notes", "impacts") if delete_notes else ())))


def stays(removal: Removal, delete_notes: bool) -> list[str]:
    """What an erasure keeps without an author."""
    return _listed(removal, ("initiatives",) if delete_notes else WRITTEN)


def confirmation(name: str, removal: Removal, delete_notes: bool) -> str:
    """The one line a confirmation shows: whose name goes, what is deleted, what stays anonymised."""
    gone = ", ".join([f"the name \u201c{name}\u201d", *goes(removal, delete_notes)])
    kept = stays(removal, delete_notes)
    tail = f" Kept without a name: {', '.join(kept)}." if kept else ""
    return f"Deleted: {gone}.{tail}"


def counted(counts: Mapping[str, int]) -> str:
    """Counts by plural kind in words, leaving out the zeros: "6 participants, 1 check-in, 1 audit entry"."""

    def one(kind: str) -> str:
        return kind[: -len("ies")] + "y" if kind.endswith("ies") else kind.removesuffix("s")

    return ", ".join(numbers.plural(n, one(k), k) for k, n in counts.items() if n) or "nothing"


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """Whole-word matches of every erased word, longest first (so a name inside a note goes whole)."""
    clean = sorted({w for w in words if w and w.strip()}, key=len, reverse=True)
    if not clean:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in clean) + r")(?!\w)")


def redact(value: Any, words: Iterable[str]) -> Any:
    """`value` (text, or lists and maps of it, as the trail stores values) with every erased word
    replaced by `ERASED`; numbers, flags and map keys (the trail's field names) are left alone."""
    pattern = _pattern(words)
    return value if pattern is None else _redacted(value, pattern)


def _redacted(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list | tuple):
        return [_redacted(v, pattern) for v in value]
    if isinstance(value, Mapping):
        return {k: _redacted(v, pattern) for k, v in value.items()}
    return value


def earlier_wordings(entries: Iterable[tuple[str, Mapping[str, Any], Mapping[str, Any]]], texts: set[str]) -> set[str]:
    """The erased notes' texts with every earlier wording the trail holds: a facilitator's edit keeps
    the text before it, so the chain of edits is followed back from the last text (newest first)."""
    found = set(texts)
    for action, before, after in reversed(list(entries)):
        if action == "edit_bottleneck" and after.get("text") in found and isinstance(before.get("text"), str):
            found.add(before["text"])
    return found


@dataclass(frozen=True)
class Deletion:
    """The server's record of one deleted workshop: its code, when it had ended, when and why it
    was deleted and by whom (a role, never a person); its own trail went with it."""

    code: str
    ended_at: float | None
    deleted_at: float
    reason: str
    deleted_by: str


# Why a workshop was deleted, as the record says it.
ON_REQUEST = "deleted by the facilitator"
BY_POLICY = "retention period ended"
