"""Retention: participants' names replaced by numbers once a workshop ended long enough ago, and
whole workshops deleted once they ended longer ago still.

`sweep` applies both settings: the server runs it on its own (`keep_sweeping`, at start and
every hour) and the command line on demand (`python -m workshop retention`). Each workshop
`anonymise_due` anonymises is one change with one audit entry by the retention policy, which names
how many names went, never the names. Results, owners and check-ins stay. Each workshop
`delete_due` deletes leaves the server's record of its deletion (its own trail goes with it).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable

from workshop import store
from workshop.actions.auth import Row, _again, _now
from workshop.actions.erasure import _delete
from workshop.actions.room import _numbered
from workshop.domain import audit, erasure, retention
from workshop.domain.errors import InvalidInput, WorkshopError
from workshop.domain.language import N_
from workshop.store import Database

RETAIN_NAMES_ENV = "WORKSHOP_RETAIN_NAMES_DAYS"
DELETE_AFTER_ENV = "WORKSHOP_DELETE_AFTER_DAYS"
POLICY = audit.Actor(audit.SYSTEM, audit.POLICY_VIA)
RETAIN_MAX_DAYS = 36_500  # a hundred years: anything longer is a typing slip
SWEEP_SECONDS = 3_600.0  # the server applies the setting at start and then every hour


def _days(name: str) -> int | None:
    """One setting, in whole days (0: as soon as a workshop ends); unset is None."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > RETAIN_MAX_DAYS:
        raise InvalidInput(
            N_("{name} must be a whole number of days from 0 to {most}, not {raw}."),
            name=name,
            most=RETAIN_MAX_DAYS,
            raw=repr(raw),
        )
    return int(raw)


def retain_names_days() -> int | None:
    """The names' setting, in whole days (0: as soon as a workshop ends); unset keeps names."""
    return _days(RETAIN_NAMES_ENV)


def delete_after_days() -> int | None:
    """The deletion setting, in whole days; unset keeps workshops. It may not be shorter than the
    names' setting (a workshop would go before its names were due to): that pair is refused."""
    days = _days(DELETE_AFTER_ENV)
    names = retain_names_days()
    if retention.clash(names, days):
        raise InvalidInput(
            N_(
                "{delete} ({days}) must be at least {names} ({names_days}): "
                "a workshop cannot be deleted before its names are numbered."
            ),
            delete=DELETE_AFTER_ENV,
            days=days,
            names=RETAIN_NAMES_ENV,
            names_days=names,
        )
    return days


def names_note(ended_at: float | None) -> str:
    """When a workshop's names go under the current setting (a bad setting keeps them: it is refused
    on the server's output and by the command line, not on every page)."""
    try:
        days = retain_names_days()
    except InvalidInput:
        days = None
    return retention.names_note(ended_at, days)


def deletion_note(ended_at: float | None) -> str:
    """When a workshop is deleted under the current setting ("kept" without one, or with a bad one)."""
    try:
        days = delete_after_days()
    except InvalidInput:
        days = None
    return retention.names_note(ended_at, days)


def delete_due(db: Database, days: int | None = None, now: float | None = None) -> list[str]:
    """Delete every workshop that ended `days` ago or more (the setting when `days` is None), each
    leaving the server's record of its deletion; returns the join codes deleted now."""
    keep = delete_after_days() if days is None else days
    moment = _now(now)
    done = []
    for workshop in store.list_workshops(db):
        if retention.due(workshop["ended_at"], keep, moment):
            record = erasure.Deletion(workshop["code"], workshop["ended_at"], moment, erasure.BY_POLICY, POLICY.via)
            if _delete(db, workshop, record):
                done.append(str(workshop["code"]))
    return done


def sweep(db: Database, now: float | None = None) -> tuple[list[str], list[str]]:
    """Both settings, checked together first (a bad pair changes nothing): the join codes anonymised
    and the join codes deleted now."""
    names, gone = retain_names_days(), delete_after_days()
    anonymised = anonymise_due(db, names, now) if names is not None else []
    return anonymised, delete_due(db, gone, now) if gone is not None else []


def anonymise_due(db: Database, days: int | None = None, now: float | None = None) -> list[str]:
    """Number the participants of every workshop that ended `days` ago or more (the setting when
    `days` is None); returns the join codes of the workshops anonymised now."""
    keep = retain_names_days() if days is None else days
    moment = _now(now)
    done = []
    for workshop in store.list_workshops(db):
        if retention.due(workshop["ended_at"], keep, moment) and _anonymise(db, workshop, moment):
            done.append(str(workshop["code"]))
    return done


def _anonymise(db: Database, workshop: Row, moment: float) -> bool:
    """One workshop's names to numbers in one change (re-read under the lock); False if none was left."""
    people = [p for p in store.participants(db, workshop["id"]) if not p["is_facilitator"]]
    if all(p["name"] == _numbered(n) for n, p in enumerate(people, start=1)) and workshop["anonymous"]:
        return False
    with store.change(db, workshop["id"], audit.Draft(POLICY, "anonymise_names", moment)) as entry:
        people = [p for p in store.participants(db, workshop["id"]) if not p["is_facilitator"]]
        named = [(n, p) for n, p in enumerate(people, start=1) if p["name"] != _numbered(n)]
        for number, person in named:
            store.rename_participant(db, person["id"], _numbered(number))
        was = bool(_again(db, workshop)["anonymous"])
        entry.record("participants' names", {"named": len(named), "anonymous": was}, {"named": 0, "anonymous": True})
        store.update_workshop(db, workshop["id"], anonymous=1)
    return True


def keep_sweeping(
    connect: Callable[[], Database], every: float = SWEEP_SECONDS, stop: threading.Event | None = None
) -> threading.Thread:
    """While the server runs: sweep (names, then deletions) at start and every `every` seconds on a
    daemon thread with its own connection. A bad setting is said on the server's output once per
    sweep and changes nothing."""
    halt = stop or threading.Event()

    def run() -> None:
        db = connect()
        try:
            while True:
                try:
                    sweep(db)
                except WorkshopError as exc:
                    print(f"retention: {exc}", file=sys.stderr, flush=True)
                if halt.wait(every):
                    return
        finally:
            db.close()

    thread = threading.Thread(target=run, name="retention", daemon=True)
    thread.start()
    return thread
