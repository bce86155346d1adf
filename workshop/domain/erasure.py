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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from workshop.domain.language import N_, _, ngettext
from workshop.domain.numbers import whole

# Stored values, kept in English in the database, the trail and a backup (like any stored word, so
# a workshop's rows never depend on who erased them in which language); `owner_shown` and
# `Deletion.why` say them in the current language where a person reads them.
ERASED = "[erased]"
OWNER_REMOVED = N_("Owner removed")
ERASURE_SUBJECT = N_("a participant")  # how the trail names whom an erasure removed


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


# Each kind counted in words, in the current language's plural forms, as a confirmation names them.
_WORDS: dict[str, Callable[[int], str]] = {
    "notes": lambda n: ngettext("{n} note", "{n} notes", n),
    "impacts": lambda n: ngettext("{n} impact", "{n} impacts", n),
    "initiatives": lambda n: ngettext("{n} proposed initiative", "{n} proposed initiatives", n),
    "votes": lambda n: ngettext("{n} vote", "{n} votes", n),
    "scores": lambda n: ngettext("{n} score", "{n} scores", n),
    "picks": lambda n: ngettext("{n} build/buy/partner pick", "{n} build/buy/partner picks", n),
    "offers": lambda n: ngettext("{n} offer to own", "{n} offers to own", n),
    "readiness": lambda n: ngettext("{n} readiness answer", "{n} readiness answers", n),
}
WRITTEN = ("notes", "impacts", "initiatives")  # what stays without an author unless deleted
ANSWERS = ("votes", "scores", "picks", "offers", "readiness")  # what always goes


def _listed(removal: Removal, kinds: Iterable[str]) -> list[str]:
    counts = removal.counts()
    return [_WORDS[k](counts[k]).format(n=whole(counts[k])) for k in kinds if counts[k]]


def goes(removal: Removal, delete_notes: bool) -> list[str]:
    """What an erasure deletes, in words ("3 votes", "1 score"): the name and the answers always,
    the notes and impacts when the person chose to delete them too."""
    return _listed(removal, (*ANSWERS, *(("notes", "impacts") if delete_notes else ())))


def stays(removal: Removal, delete_notes: bool) -> list[str]:
    """What an erasure keeps without an author."""
    return _listed(removal, ("initiatives",) if delete_notes else WRITTEN)


def confirmation(name: str, removal: Removal, delete_notes: bool) -> str:
    """The one line a confirmation shows, in the current language: whose name goes, what is
    deleted, what stays anonymised."""
    gone = ", ".join([_("the name \u201c{name}\u201d").format(name=name), *goes(removal, delete_notes)])
    said = _("Deleted: {gone}.").format(gone=gone)
    kept = stays(removal, delete_notes)
    if not kept:
        return said
    return f"{said} " + _("Kept without a name: {kept}.").format(kept=", ".join(kept))


# What deleting a workshop or removing an owner changes, by kind, as the confirmations count it.
_COUNTED: dict[str, Callable[[int], str]] = {
    "participants": lambda n: ngettext("{n} participant", "{n} participants", n),
    "notes": _WORDS["notes"],
    "votes": _WORDS["votes"],
    "impacts": _WORDS["impacts"],
    "initiatives": lambda n: ngettext("{n} initiative", "{n} initiatives", n),
    "check-ins": lambda n: ngettext("{n} check-in", "{n} check-ins", n),
    "links": lambda n: ngettext("{n} link", "{n} links", n),
    "audit entries": lambda n: ngettext("{n} audit entry", "{n} audit entries", n),
}


def counted(counts: Mapping[str, int]) -> str:
    """Counts by kind (`_COUNTED`'s keys) in words and the current language, leaving out the zeros:
    "6 participants, 1 check-in, 1 audit entry"."""
    said = [_COUNTED[k](n).format(n=whole(n)) for k, n in counts.items() if n]
    return ", ".join(said) or _("nothing")


def owner_shown(name: str) -> str:
    """An owner's name as a person reads it: a removed owner in the current language, any other
    name as it was written."""
    return _(OWNER_REMOVED) if name == OWNER_REMOVED else name


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

    def why(self) -> str:
        """Why it was deleted, in the current language (the record stores it in English)."""
        return _(self.reason)


# Why a workshop was deleted, as the record stores it (in English; `Deletion.why` says it).
ON_REQUEST = N_("deleted by the facilitator")
BY_POLICY = N_("retention period ended")
