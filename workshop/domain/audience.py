"""Who may see what of a workshop: one audience model that every page, download and live answer uses.

Five audiences look at a workshop:

- the **facilitator** (the key, or a device it signed in) sees everything and keeps the full backup;
- a **leader** (the leader link) sees the room's results: the board, impacts, the ranked plan,
  decisions, owners and the follow-through, never a person joined to what they answered;
- a **participant** (their own token) sees the room's results plus their own rows: their notes,
  votes, scores, picks, offers and readiness answers;
- an **owner** (an owner link) sees their own initiatives and check-ins, nothing else;
- the **public** (the join code, on the wall) sees what the projector shows.

`view(snapshot, audience)` returns the snapshot that audience may see. Other people's answers
(votes, scores, picks, offers, readiness answers) reach everyone but the facilitator only as the
room's results (`Snapshot.tally`, counted from the full snapshot before the rows are left out).
Nobody's name but one's own is in a view other than the facilitator's, and no view carries a
key, a token or a hash. During a private brainstorm the notes are in the facilitator's view and,
for each participant, their own: everyone else gets the counts per dimension.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from workshop.domain.snapshot import Initiative, Row, Snapshot, private_board

Kind = Literal["facilitator", "leader", "participant", "owner", "public"]
KINDS: tuple[Kind, ...] = ("facilitator", "leader", "participant", "owner", "public")

Format = Literal["md", "pdf", "xlsx", "csv", "json", "ics", "audit"]
FORMATS: tuple[Format, ...] = ("md", "json", "pdf", "xlsx", "csv", "ics", "audit")

# Columns that hold a secret's hash: no view carries them.
SECRET_COLUMNS = ("key_hash", "leader_hash", "token_hash")


@dataclass(frozen=True)
class Audience:
    """Who is looking: the kind, and for a participant or an owner which one."""

    kind: Kind
    participant_id: int | None = None
    owner: str | None = None

    @property
    def facilitator(self) -> bool:
        return self.kind == "facilitator"


FACILITATOR = Audience("facilitator")
LEADER = Audience("leader")
PUBLIC = Audience("public")


def participant(participant_id: int) -> Audience:
    return Audience("participant", participant_id=participant_id)


def owner(name: str) -> Audience:
    return Audience("owner", owner=name)


# What each audience is offered. The JSON backup holds every row with the participant it came
# from, and the audit trail (`audit`, a CSV) names who changed what: both are the facilitator's
# alone; an owner's page offers their own check-in dates only.
_DOWNLOADS: dict[Kind, tuple[Format, ...]] = {
    "facilitator": FORMATS,
    "leader": ("md", "pdf", "xlsx", "csv", "ics"),
    "participant": ("md", "pdf", "xlsx", "csv", "ics"),
    "owner": ("ics",),
    "public": (),
}


def downloads(audience: Audience) -> tuple[Format, ...]:
    """The downloads an audience is offered, in the order the summary lists them."""
    return _DOWNLOADS[audience.kind]


def sees_trail(audience: Audience) -> bool:
    """The audit trail names devices and links and holds the values before each change: it is
    the facilitator's alone (its page, its CSV, the backup)."""
    return audience.facilitator


def opens_summary(audience: Audience) -> bool:
    """The Ship It summary is for the room, its facilitator and its leaders, not for the join code."""
    return audience.kind in ("facilitator", "leader", "participant")


# The pages each audience's sidebar lists, by place: only those that show that audience something.
# A leader's link opens the summary alone (a step page or "Your screen" would only say it is not
# theirs); a participant has their one screen and the summary; the public, the join code, has the
# start and the projector. The facilitator's own screen is the console, so it is not listed.
Place = Literal["start", "steps", "room", "projector", "summary", "audit"]
_PLACES: dict[Kind, tuple[Place, ...]] = {
    "facilitator": ("start", "steps", "projector", "summary", "audit"),
    "leader": ("summary",),
    "participant": ("room", "summary"),
    "owner": (),
    "public": ("start", "projector"),
}


def places(audience: Audience) -> tuple[Place, ...]:
    """The pages the sidebar lists for `audience`, so nobody is offered a page that turns them away."""
    return _PLACES[audience.kind]


@dataclass(frozen=True)
class Joining:
    """What the join code alone shows before joining: the workshop's title (the projector, which
    the code is shown with, names it too), whether it asks a name and whether it still takes people."""

    title: str
    anonymous: bool
    ended: bool


def joining(workshop: Row) -> Joining:
    """The join page's view of a workshop: nothing of its content, no organisation, no people."""
    return Joining(str(workshop["title"]), bool(workshop["anonymous"]), workshop["ended_at"] is not None)


def own_notes_shown(workshop: Row) -> bool:
    """A participant's phone is sent their own notes apart (`me.mine`) while the board is private:
    their view holds them, the public view (the room state) does not."""
    return private_board(workshop)


def view(snapshot: Snapshot, audience: Audience) -> Snapshot:
    """The part of `snapshot` that `audience` may see (the room's results stay counted in full)."""
    tally = snapshot.tally  # counted from everyone's rows, before any is left out
    workshop = _workshop(snapshot)
    participants = [_public(p) for p in snapshot.participants]
    if audience.facilitator:
        return replace(snapshot, workshop=workshop, participants=participants, counted=tally)
    # Every view below is someone else's: none carries the audit trail (`sees_trail`).
    if audience.kind == "owner":
        return _owner_view(snapshot, workshop, audience.owner or "")
    me = audience.participant_id if audience.kind == "participant" else None
    notes = [_authored(b, me) for b in snapshot.bottlenecks if _shown(snapshot, b, me)]
    shown = {b["id"] for b in notes}
    return replace(
        snapshot,
        workshop=workshop,
        participants=[p for p in participants if p["id"] == me],
        bottlenecks=notes,
        votes=[v for v in snapshot.votes if v["participant_id"] == me],
        impacts=[_authored(i, me) for i in snapshot.impacts if i["bottleneck_id"] in shown],
        scores=[s for s in snapshot.scores if s["participant_id"] == me],
        initiatives=[_initiative(i, me, shown) for i in snapshot.initiatives],
        checkins=[] if audience.kind == "public" else snapshot.checkins,
        owner_links=[],
        readiness_rows=[r for r in snapshot.readiness_rows if r["participant_id"] == me],
        dismissed_pairs=[],
        counted=tally,
        trail=None,
    )


def _workshop(snapshot: Snapshot) -> Row:
    """The workshop's row without its secrets' hashes; whether a leader link is out stays known."""
    row = {k: v for k, v in snapshot.workshop.items() if k not in SECRET_COLUMNS}
    return row | {"leader_link": snapshot.leader_link_active}


def _public(person: Row) -> Row:
    return {k: v for k, v in person.items() if k not in SECRET_COLUMNS}


def _shown(snapshot: Snapshot, note: Row, me: int | None) -> bool:
    """A note is on everyone's board, except while the board is private: then on its author's."""
    return not snapshot.private or (me is not None and note["participant_id"] == me)


def _authored(row: Row, me: int | None) -> Row:
    """A note or an impact with its author only when that is the one looking."""
    return row if row["participant_id"] == me else row | {"participant_id": None}


def _initiative(item: Initiative, me: int | None, shown: set[int]) -> Initiative:
    """An initiative with the room's results and only the viewer's own picks and offer."""
    return replace(
        item,
        participant_id=item.participant_id if item.participant_id == me else None,
        bottleneck_ids=[b for b in item.bottleneck_ids if b in shown],
        picks=[p for p in item.picks if p["participant_id"] == me],
        volunteer_ids=[v for v in item.volunteer_ids if v == me],
    )


def _owner_view(snapshot: Snapshot, workshop: Row, name: str) -> Snapshot:
    """An owner's own initiatives with their check-ins; nothing else of the workshop."""
    owned = [
        replace(item, participant_id=None, bottleneck_ids=[], after_ids=[], picks=[], volunteer_ids=[])
        for item in snapshot.initiatives
        if item.owner is not None and item.owner["owner"] == name
    ]
    ids = {item.id for item in owned}
    return replace(
        snapshot,
        workshop=workshop,
        participants=[],
        bottlenecks=[],
        votes=[],
        impacts=[],
        scores=[],
        initiatives=owned,
        checkins=[c for c in snapshot.checkins if c["initiative_id"] in ids],
        commitments=[],
        owner_links=[],
        readiness_rows=[],
        dismissed_pairs=[],
        counted=None,
        trail=None,
    )
