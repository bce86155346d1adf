"""The audit trail: who changed what in a workshop, when, and the values before and after.

Every change a facilitator, leader or owner makes (or the portfolio key, or an import) is one
`Entry`, written in the same transaction as the change it records, so a refusal writes none and a
change never lands without one. An entry names the role and the device or link in words
("facilitator key", "facilitator device 2", "leader link", "owner link for Ann"), never a secret,
a token or a hash, and keeps only the values the change changed.

Participants' ordinary writes (notes, votes, impacts, scores, picks, offers, readiness answers,
joining) are not logged one by one: each bumps a `Count` of its kind in the step the room was on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workshop.domain.vocabulary import WRITES

# Who acts, as the trail names them.
FACILITATOR, LEADER, OWNER, PORTFOLIO, SYSTEM, PARTICIPANT = ROLES = (
    "facilitator",
    "leader",
    "owner",
    "portfolio",
    "system",
    "participant",
)
KEY_VIA = "facilitator key"
LEADER_VIA = "leader link"
PORTFOLIO_VIA = "portfolio key"
IMPORT_VIA = "import of a JSON backup"
IMPORTED = "import_workshop"  # the action of the one entry an import adds after the file's own trail

# The participant writes counted instead of logged: the vocabulary's kinds, joining and renaming.
JOIN, RENAME, READINESS = "join", "rename", "readiness"
COUNTED_KINDS: tuple[str, ...] = (JOIN, RENAME, *(w.key for w in WRITES), READINESS)


def device_via(number: int) -> str:
    """A facilitator device by its participant number (join order), as the export numbers it."""
    return f"facilitator device {number}"


def owner_via(owner: str) -> str:
    return f"owner link for {owner}"


@dataclass(frozen=True)
class Actor:
    """Who is acting: a role and which device or link, in words."""

    role: str
    via: str


KEY = Actor(FACILITATOR, KEY_VIA)
LEADER_LINK = Actor(LEADER, LEADER_VIA)
PORTFOLIO_KEY = Actor(PORTFOLIO, PORTFOLIO_VIA)
IMPORTER = Actor(SYSTEM, IMPORT_VIA)
# A participant's only entry: removing their own data from their own screen (never named).
OWN_SCREEN = Actor(PARTICIPANT, "their own screen")


@dataclass(frozen=True)
class Entry:
    """One line of the trail, as stored, shown and exported."""

    at: float
    role: str
    via: str
    action: str
    step: str  # the step the room was on when the change was made
    subject: str = ""
    before: Mapping[str, Any] = field(default_factory=dict)
    after: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Count:
    """How many writes of one kind the participants made while the room was on one step."""

    step: str
    kind: str
    count: int


@dataclass(frozen=True)
class Trail:
    """A workshop's whole trail: the entries in order and the participants' counts."""

    entries: tuple[Entry, ...] = ()
    counts: tuple[Count, ...] = ()


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only what changed, in the order the action gave: the keys whose values differ. An absent
    value, None and empty text are all "nothing", so a side keeps only the values it really has."""
    keys = [k for k in dict.fromkeys([*before, *after]) if _something(before.get(k)) != _something(after.get(k))]
    return (
        {k: before[k] for k in keys if _something(before.get(k)) is not None},
        {k: after[k] for k in keys if _something(after.get(k)) is not None},
    )


def _something(value: Any) -> Any:
    return None if value is None or value == "" else value


@dataclass
class Draft:
    """An entry an action is writing: opened with the actor and the action's name, given its
    subject and values inside the change (where the values are read), and written by
    `store.change` when the change commits."""

    actor: Actor
    action: str
    at: float
    subject: str = ""
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    def record(
        self, subject: object = "", before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None
    ) -> None:
        """Name what changed and keep only the values that differ."""
        self.subject = str(subject)
        self.before, self.after = changed(before or {}, after or {})

    def entry(self, step: str) -> Entry:
        return Entry(self.at, self.actor.role, self.actor.via, self.action, step, self.subject, self.before, self.after)


@dataclass
class Tally:
    """A participant write being made: counted under `kind` when the change commits, unless the
    action finds it was a retry that wrote nothing (`none`)."""

    kind: str
    counted: bool = True

    def none(self) -> None:
        """This write turned out to be a retry of an earlier one: nothing new to count."""
        self.counted = False
