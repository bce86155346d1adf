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

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workshop.domain import decide, followup
from workshop.domain.erasure import ERASURE_SUBJECT
from workshop.domain.language import N_, _, languages
from workshop.domain.language import name as language_name
from workshop.domain.timer import STATE_TITLES
from workshop.domain.vocabulary import (
    STEP_LABEL,
    STEPS,
    WRITES,
    dimension_by_key,
    method_by_key,
    outcome_by_key,
    stage_by_key,
    step_by_key,
)

# Who acts, as the trail names them.
FACILITATOR, LEADER, OWNER, PORTFOLIO, SYSTEM, PARTICIPANT = ROLES = (
    "facilitator",
    "leader",
    "owner",
    "portfolio",
    "system",
    "participant",
)
KEY_VIA = N_("facilitator key")
LEADER_VIA = N_("leader link")
PORTFOLIO_VIA = N_("portfolio key")
IMPORT_VIA = N_("import of a JSON backup")
IMPORTED = "import_workshop"  # the action of the one entry an import adds after the file's own trail

# The participant writes counted instead of logged: the vocabulary's kinds, joining and renaming.
JOIN, RENAME, READINESS = "join", "rename", "readiness"
COUNTED_KINDS: tuple[str, ...] = (JOIN, RENAME, *(w.key for w in WRITES), READINESS)


DEVICE_VIA = N_("facilitator device {number}")
OWNER_VIA = N_("owner link for {owner}")
OWN_SCREEN_VIA = N_("their own screen")
POLICY_VIA = N_("retention policy")


def device_via(number: int) -> str:
    """A facilitator device by its participant number (join order), as the export numbers it."""
    return DEVICE_VIA.format(number=number)


def owner_via(owner: str) -> str:
    return OWNER_VIA.format(owner=owner)


# The trail is stored in English (the words above, the actions' names); a page or the CSV says it
# in the current language with these titles.
ROLE_TITLES: dict[str, str] = {
    FACILITATOR: N_("facilitator"),
    LEADER: N_("leader"),
    OWNER: N_("owner"),
    PORTFOLIO: N_("portfolio"),
    SYSTEM: N_("system"),
    PARTICIPANT: N_("participant"),
}
VIAS: tuple[str, ...] = (KEY_VIA, LEADER_VIA, PORTFOLIO_VIA, IMPORT_VIA, OWN_SCREEN_VIA, POLICY_VIA)
ACTION_TITLES: dict[str, str] = {
    "add_dependency": N_("add a dependency"),
    "anonymise_names": N_("number the names"),
    "answer_question": N_("answer a decision question"),
    "assign_owner": N_("assign an owner"),
    "confirm_observability": N_("confirm observability"),
    "create_workshop": N_("create the workshop"),
    "delete_checkin": N_("delete a check-in"),
    "delete_impact": N_("delete an impact"),
    "delete_initiative": N_("delete an initiative"),
    "dismiss_suggestion": N_("dismiss a suggestion"),
    "edit_bottleneck": N_("edit a note"),
    "edit_initiative": N_("edit an initiative"),
    "end_workshop": N_("end the workshop"),
    "erase_participant": N_("erase a participant"),
    "extend_timer": N_("extend the timer"),
    "facilitator_sign_in": N_("facilitator sign-in"),
    "go_to_step": N_("go to a step"),
    "hide_bottleneck": N_("hide a note"),
    IMPORTED: N_("import the workshop"),
    "issue_leader_link": N_("issue the leader link"),
    "issue_owner_link": N_("issue an owner link"),
    "issue_owner_links_for_reminders": N_("issue owner links for reminders"),
    "merge_bottlenecks": N_("merge notes"),
    "merge_group": N_("merge a group of notes"),
    "open_readiness": N_("open the readiness check"),
    "pause_timer": N_("pause the timer"),
    "record_checkin": N_("record a check-in"),
    "record_decision": N_("record a decision"),
    "remove_dependency": N_("remove a dependency"),
    "remove_owner": N_("remove an owner"),
    "reopen_workshop": N_("reopen the workshop"),
    "review_commitment": N_("review a commitment"),
    "revoke_leader_link": N_("revoke the leader link"),
    "revoke_owner_link": N_("revoke an owner link"),
    "set_language": N_("change the language"),
    "set_locked": N_("lock or unlock input"),
    "set_private_brainstorm": N_("set private brainstorming"),
    "set_reviewing": N_("set the review"),
    "set_scoring_method": N_("set the ranking method"),
    "set_sequence": N_("set the sequence"),
    "set_step_minutes": N_("set a step's minutes"),
    "set_vote_budget": N_("set the votes per person"),
    "split_from_suggestion": N_("split from a suggestion"),
    "start_timer": N_("start the timer"),
}
KIND_TITLES: dict[str, str] = {
    JOIN: N_("Joining"),
    RENAME: N_("Renaming"),
    **{w.key: w.title for w in WRITES},
    READINESS: N_("Readiness answers"),
}


# How an entry names what it changed: a few fixed words, or a template around the thing's own words
# (a note and an initiative by their text, which outlives their row ids).
NOTE_SUBJECT = N_("note \u201c{text}\u201d")
INITIATIVE_SUBJECT = N_("initiative \u201c{title}\u201d")
COMMITMENT_SUBJECT = N_("commitment \u201c{title}\u201d")
IMPACT_SUBJECT = N_("impact on {note}")
SUBJECTS: tuple[str, ...] = (
    N_("a new device"),
    N_("a note"),
    ERASURE_SUBJECT,
    N_("a suggested group"),
    N_("an owner"),
    N_("board"),
    N_("input"),
    N_("language"),
    N_("observability"),
    N_("participants' names"),
    N_("ranking"),
    N_("readiness check"),
    N_("reminders"),
    N_("review of earlier commitments"),
    N_("room"),
    N_("sequence"),
    N_("votes per person"),
    N_("workshop"),
)
# The names of the values an entry keeps, as a line says them.
FIELD_TITLES: dict[str, str] = {
    "anonymous": N_("anonymous"),
    "answers": N_("answers"),
    "baseline": N_("baseline"),
    "budget": N_("votes per person"),
    "checked_on": N_("checked on"),
    "checkin": N_("first check-in"),
    "choice": N_("choice"),
    "clock": N_("clock"),
    "comes after": N_("comes after"),
    "confirmed": N_("confirmed"),
    "description": N_("description"),
    "device": N_("device"),
    "dimension": N_("dimension"),
    "ended": N_("ended"),
    "entries": N_("entries"),
    "hidden": N_("hidden"),
    "language": N_("language"),
    "left": N_("time left"),
    "link": N_("link"),
    "locked": N_("locked"),
    "merged": N_("merged"),
    "merged_into": N_("merged into"),
    "method": N_("method"),
    "metric": N_("metric"),
    "minutes": N_("minutes"),
    "name": N_("name"),
    "named": N_("named"),
    "new owner links": N_("new owner links"),
    "next_checkin": N_("next check-in"),
    "not the same": N_("not the same"),
    "not the same as": N_("not the same as"),
    "note": N_("note"),
    "notes": N_("notes"),
    "notes kept": N_("notes kept"),
    "on": N_("on"),
    "open": N_("open"),
    "organisation": N_("organisation"),
    "outcome": N_("outcome"),
    "owner": N_("owner"),
    "private": N_("private"),
    "private_brainstorm": N_("private brainstorming"),
    "rationale": N_("rationale"),
    "reason": N_("reason"),
    "recommendation": N_("recommendation"),
    "recorded_by": N_("recorded by"),
    "review_minutes": N_("review minutes"),
    "sequence": N_("sequence"),
    "stage": N_("stage"),
    "status": N_("status"),
    "step": N_("step"),
    "target": N_("target"),
    "text": N_("text"),
    "title": N_("title"),
    "unit": N_("unit"),
    "value": N_("value"),
    "vote_budget": N_("votes per person"),
}


def _titled(titles: Mapping[str, str]) -> Callable[[str], str]:
    return lambda key: titles[key]


# The values some fields keep are codes ("bottlenecks", "on_track", "build"): each is read through
# the one definition of its words, so the trail says "Bottleneck mapping", "On track", "Build".
VALUE_TITLES: dict[str, Callable[[str], str]] = {
    "step": lambda key: step_by_key(key).title,
    "choice": _titled(decide.CHOICE_TITLES),
    "recommendation": _titled(decide.CHOICE_TITLES),
    "dimension": lambda key: dimension_by_key(key).title,
    "outcome": lambda key: outcome_by_key(key).title,
    "stage": lambda key: stage_by_key(key).title,
    "method": lambda key: method_by_key(key).title,
    "status": _titled(followup.STATUSES),
    "clock": _titled(STATE_TITLES),
}


def value_title(field: str, value: str) -> str:
    """A coded value of `field` in the current language; any other value as it is."""
    if field == "language":
        return language_name(value) if value in languages() else value
    try:
        return _(VALUE_TITLES[field](value))
    except (KeyError, LookupError, ValueError):  # not a field of codes, or a code we no longer know
        return value


def field_title(field: str) -> str:
    """The name of a value an entry keeps, in the current language ("checked_on" → "checked on")."""
    return _(FIELD_TITLES[field]) if field in FIELD_TITLES else field


def subject_title(subject: str) -> str:
    """What an entry changed, as stored in English, said in the current language (the thing's own
    words, a note's text or an initiative's title, stay as they were written)."""
    if subject in SUBJECTS:
        return _(subject)
    for template in (NOTE_SUBJECT, INITIATIVE_SUBJECT, COMMITMENT_SUBJECT, OWNER_VIA):
        found = _template(template).fullmatch(subject)
        if found:
            return _(template).format(**{_field_of(template): found.group(1)})
    found = _template(IMPACT_SUBJECT).fullmatch(subject)
    if found:
        return _(IMPACT_SUBJECT).format(note=subject_title(found.group(1)))
    for step in STEPS:
        if subject == STEP_LABEL.format(number=step.number, title=step.title):
            return _(STEP_LABEL).format(number=step.number, title=_(step.title))
    return subject


def _field_of(template: str) -> str:
    return re.split(r"\{(\w+)\}", template)[1]


def role_title(role: str) -> str:
    """A role in the current language ("facilitator" → "Moderation" in German)."""
    return _(ROLE_TITLES[role]) if role in ROLE_TITLES else role


def action_title(action: str) -> str:
    """An action's name in the current language ("go_to_step" → "go to a step")."""
    return _(ACTION_TITLES[action]) if action in ACTION_TITLES else action.replace("_", " ")


def kind_title(kind: str) -> str:
    """A counted kind of participant write in the current language ("vote" → "Votes")."""
    return _(KIND_TITLES[kind]) if kind in KIND_TITLES else kind


def _template(template: str) -> re.Pattern[str]:
    """A stored via's template as a pattern that reads its one value back."""
    head, _field, tail = re.split(r"\{(\w+)\}", template)
    return re.compile(f"{re.escape(head)}(.+){re.escape(tail)}")


def via_title(via: str) -> str:
    """A device or link, as stored in English, said in the current language."""
    if via in VIAS:
        return _(via)
    for template in (DEVICE_VIA, OWNER_VIA):
        found = _template(template).fullmatch(via)
        if found:
            return _(template).format(**{_field_of(template): found.group(1)})
    return via


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
OWN_SCREEN = Actor(PARTICIPANT, OWN_SCREEN_VIA)


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
