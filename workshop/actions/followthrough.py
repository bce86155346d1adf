"""After the workshop: the leader link and the owners' check-ins against their metric."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from workshop import store
from workshop.actions import portfolio
from workshop.actions.auth import (
    Row,
    _again,
    _by_facilitator,
    _entry,
    _follower,
    _now,
    _owner_link,
    _workshop,
    hash_secret,
)
from workshop.actions.plan import _initiative, _titled
from workshop.domain import audit, followup
from workshop.domain.errors import InvalidInput, NotAllowed, NotFound, Phrase
from workshop.domain.followup import day_of
from workshop.domain.language import N_
from workshop.domain.text import clean_int, clean_number, clean_text
from workshop.domain.vocabulary import ID_MAX, NOTE_MAX, OWNER_MAX
from workshop.store import Database
from workshop.store.load import load


def issue_leader_link(db: Database, code: str, key: str, now: float | None = None) -> str:
    """A new read-only link for leaders; any earlier leader link stops working."""
    workshop, actor = _by_facilitator(db, code, key)
    token = secrets.token_urlsafe(18)
    with store.change(db, workshop["id"], _entry(actor, "issue_leader_link", now)) as entry:
        had = _again(db, workshop)["leader_hash"] is not None
        entry.record(audit.LEADER_VIA, {"link": ACTIVE if had else NONE}, {"link": ISSUED})
        store.update_workshop(db, workshop["id"], leader_hash=hash_secret(token), leader_issued_at=entry.at)
    return token


# How the trail words a link before and after it is issued or revoked: never the link itself.
ACTIVE, NONE, ISSUED, REVOKED = "active", "none", "new link issued", "revoked"


def revoke_leader_link(db: Database, code: str, key: str) -> None:
    workshop, actor = _by_facilitator(db, code, key)
    if workshop["leader_hash"] is None:
        raise InvalidInput(N_("There is no leader link to revoke."))
    with store.change(db, workshop["id"], _entry(actor, "revoke_leader_link")) as entry:
        entry.record(audit.LEADER_VIA, {"link": ACTIVE}, {"link": REVOKED})
        store.update_workshop(db, workshop["id"], leader_hash=None, leader_issued_at=None)


def _day(value: date | str | None, field: str, default: date | None = None) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(N_("{field} must be a date such as 2026-12-31."), field=Phrase(field)) from None


def record_checkin(
    db: Database,
    code: str,
    credential: str,
    initiative_id: int,
    value: float | str,
    status: str,
    note: str = "",
    checked_on: date | str | None = None,
    next_checkin: date | str | None = None,
    recorded_by: str = "",
    today: date | None = None,
    now: float | None = None,
) -> int:
    """An owner reports the metric's value, a status and a note; works after the workshop ended."""
    workshop, via, scope, actor = _follower(db, code, credential)
    row = _initiative(db, workshop, initiative_id)
    owner = store.owner(db, row["id"])
    if scope is not None and (owner is None or owner["owner"] != scope):
        raise NotAllowed(N_("Your owner link covers your own initiatives only."))
    if owner is None:
        raise InvalidInput(N_("This initiative has no owner and metric yet: assign them in step 5 first."))
    measured = clean_number(value, N_("Metric value"))
    if not isinstance(status, str) or status not in followup.STATUSES:
        raise InvalidInput(N_("Choose a status: on track, at risk or off track."))
    clean_note = clean_text(note, N_("Note"), max_len=NOTE_MAX, required=False)
    who = clean_text(recorded_by, N_("Recorded by"), max_len=OWNER_MAX, required=False) or owner["owner"]
    if scope is not None:
        who = scope  # an owner's own link speaks for that owner
    today = today or day_of(_now(now))
    when = _day(checked_on, N_("The check-in date"), default=today)
    assert when is not None
    if when > today:
        raise InvalidInput(N_("The check-in date is in the future: record what was measured, on or before today."))
    if when < followup.day_of(owner["assigned_at"]):
        raise InvalidInput(N_("The check-in date is before the owner was assigned."))
    upcoming = _day(next_checkin, N_("The next check-in date"))
    if upcoming is not None and upcoming <= when:
        raise InvalidInput(N_("The next check-in must come after this one."))
    checkin = {
        "value": measured,
        "status": status,
        "checked_on": when.isoformat(),
        "note": clean_note,
        "next_checkin": upcoming.isoformat() if upcoming else None,
        "recorded_by": who,
    }
    with store.change(db, workshop["id"], _entry(actor, "record_checkin", now)) as entry:
        entry.record(_titled(row), {}, checkin)
        return store.insert_checkin(db, {**checkin, "initiative_id": row["id"], "via": via, "created_at": entry.at})


def delete_checkin(db: Database, code: str, key: str, checkin_id: int) -> None:
    """Remove a check-in recorded by mistake (facilitator only; leader links only add)."""
    workshop, actor = _by_facilitator(db, code, key)
    row = store.checkin(db, workshop["id"], clean_int(checkin_id, N_("Check-in"), low=1, high=ID_MAX))
    if row is None:
        raise NotFound(N_("That check-in is not part of this workshop."))
    with store.change(db, workshop["id"], _entry(actor, "delete_checkin")) as entry:
        initiative = _initiative(db, workshop, row["initiative_id"])
        kept = {k: row[k] for k in ("checked_on", "value", "status")}
        entry.record(_titled(initiative), kept, {})
        store.delete_checkin(db, row["id"])


# --- owner links -------------------------------------------------------------------------


def _owner_name(db: Database, workshop: dict, owner: object) -> str:
    """An owner of this workshop, named exactly as step 5 recorded them."""
    name = clean_text(owner, N_("Owner"), max_len=OWNER_MAX)
    if not any(o["owner"] == name for o in store.owners(db, workshop["id"])):
        raise NotFound(N_("Nobody called {name!r} owns an initiative in this workshop."), name=name)
    return name


def issue_owner_link(db: Database, code: str, key: str, owner: str, now: float | None = None) -> str:
    """A personal link for one owner: their initiatives and check-ins, nothing else.

    Shown once and stored hashed; issuing again replaces the earlier link.
    """
    workshop, actor = _by_facilitator(db, code, key)
    name = _owner_name(db, workshop, owner)
    token = secrets.token_urlsafe(18)
    with store.change(db, workshop["id"], _entry(actor, "issue_owner_link", now)) as entry:
        had = any(link["owner"] == name for link in store.owner_links(db, workshop["id"]))
        entry.record(audit.owner_via(name), {"link": ACTIVE if had else NONE}, {"link": ISSUED})
        store.set_owner_link(db, workshop["id"], name, hash_secret(token), entry.at)
    return token


def revoke_owner_link(db: Database, code: str, key: str, owner: str) -> None:
    workshop, actor = _by_facilitator(db, code, key)
    name = clean_text(owner, N_("Owner"), max_len=OWNER_MAX)
    if not any(link["owner"] == name for link in store.owner_links(db, workshop["id"])):
        raise InvalidInput(N_("{name} has no owner link to revoke."), name=name)
    with store.change(db, workshop["id"], _entry(actor, "revoke_owner_link")) as entry:
        entry.record(audit.owner_via(name), {"link": ACTIVE}, {"link": REVOKED})
        store.delete_owner_link(db, workshop["id"], name)


@dataclass(frozen=True)
class OwnerPage:
    """What an owner's link opens: their own initiatives in one workshop, nothing more."""

    code: str
    workshop_title: str
    organisation: str
    owner: str
    tracks: tuple[followup.Track, ...]


def owner_page(db: Database, code: str, token: str | None) -> OwnerPage:
    """The owner's initiatives with metric, target and check-ins; a revoked link opens nothing."""
    workshop, name = _owner_link(db, code, token)
    snapshot = load(db, workshop["code"])
    return OwnerPage(
        code=snapshot.code,
        workshop_title=snapshot.workshop["title"],
        organisation=snapshot.workshop["organisation"],
        owner=name,
        tracks=tuple(t for t in snapshot.tracks if t.owner == name),
    )


# --- reminders from the portfolio ----------------------------------------------------------

REMINDERS_MAX = 500  # owners in one batch of reminders: far more than a portfolio's week


def _reminder_pairs(pairs: object) -> list[tuple[str, str]]:
    """(join code, owner) pairs as given, each once; anything else is refused."""
    if not isinstance(pairs, (list, tuple)) or not pairs:
        raise InvalidInput(N_("Choose at least one owner to remind."))
    if len(pairs) > REMINDERS_MAX:
        raise InvalidInput(N_("Remind at most {reminders_max} owners at once."), reminders_max=REMINDERS_MAX)
    out: list[tuple[str, str]] = []
    for pair in pairs:
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
            raise InvalidInput(N_("Each reminder names a workshop code and an owner."))
        if (pair[0], pair[1]) not in out:
            out.append((pair[0], pair[1]))
    return out


def issue_owner_links_for_reminders(
    db: Database, portfolio_key: str | None, pairs: Sequence[tuple[str, str]], now: float | None = None
) -> dict[tuple[str, str], str]:
    """New owner links for the owners the portfolio reminds, keyed (join code, owner).

    Links are stored hashed and cannot be shown again, so a reminder needs a new one: each
    owner's earlier link stops working. The portfolio key authorises it, as it opens every
    workshop; every pair is checked before anything is written, then one change per workshop.
    """
    portfolio.check_portfolio_key(db, portfolio_key)
    wanted: dict[int, tuple[Row, list[str]]] = {}
    for code, owner in _reminder_pairs(pairs):
        workshop = _workshop(db, code)
        name = _owner_name(db, workshop, owner)
        names = wanted.setdefault(int(workshop["id"]), (workshop, []))[1]
        if name not in names:
            names.append(name)
    tokens: dict[tuple[str, str], str] = {}
    moment = _now(now)
    for workshop_id, (workshop, names) in wanted.items():
        with store.change(
            db, workshop_id, _entry(audit.PORTFOLIO_KEY, "issue_owner_links_for_reminders", moment)
        ) as entry:
            entry.record("reminders", {}, {"new owner links": names})
            for name in names:
                token = secrets.token_urlsafe(18)
                store.set_owner_link(db, workshop_id, name, hash_secret(token), moment)
                tokens[(str(workshop["code"]), name)] = token
    return tokens
