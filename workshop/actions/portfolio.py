"""The portfolio across workshops: its key (issued, ensured, checked) and the reads it guards.

The portfolio lists every workshop and its join code, so every read checks the key first.
Only the key's hash is kept, hashed as every other credential is (`hash_secret`).
"""

from __future__ import annotations

import hmac
import os
import secrets

from workshop.actions.auth import hash_secret
from workshop.domain.errors import NotAllowed
from workshop.domain.followup import Row, Track, portfolio
from workshop.domain.language import N_
from workshop.domain.readiness import Held, by_workshop
from workshop.store import Database, tables

PORTFOLIO_KEY_ENV = "WORKSHOP_PORTFOLIO_KEY"
PORTFOLIO_KEY_SETTING = "portfolio_key_hash"


def issue_portfolio_key(db: Database) -> str:
    """A new portfolio key (any earlier generated key stops working); only its hash is kept."""
    key = secrets.token_urlsafe(18)
    tables.set_setting(db, PORTFOLIO_KEY_SETTING, hash_secret(key))
    return key


def ensure_portfolio_key(db: Database) -> str | None:
    """At start-up: without a configured key and none issued yet, issue one (to print once)."""
    if os.environ.get(PORTFOLIO_KEY_ENV) or tables.setting(db, PORTFOLIO_KEY_SETTING):
        return None
    return issue_portfolio_key(db)


def check_portfolio_key(db: Database, given: str | None) -> None:
    """The portfolio lists every workshop and its join code, so it always needs its key:
    `WORKSHOP_PORTFOLIO_KEY` when configured, else the key generated at first start."""
    configured = os.environ.get(PORTFOLIO_KEY_ENV)
    if given and isinstance(given, str):
        if configured and hmac.compare_digest(hash_secret(given), hash_secret(configured)):
            return
        stored = tables.setting(db, PORTFOLIO_KEY_SETTING)
        if not configured and stored and hmac.compare_digest(hash_secret(given), stored):
            return
    raise NotAllowed(N_("The portfolio needs its key: ask whoever runs this app."))


def read_portfolio(db: Database, key: str | None = None) -> tuple[list[Track], list[Row]]:
    """Every owned initiative (as tracks) and every workshop, once the key (if any) is given."""
    check_portfolio_key(db, key)
    return portfolio(tables.portfolio_owners(db), tables.portfolio_checkins(db)), tables.list_workshops(db)


def read_readiness(db: Database, key: str | None = None) -> list[Held]:
    """Every workshop's readiness check results, oldest first, once the portfolio key is given."""
    check_portfolio_key(db, key)
    return by_workshop(tables.portfolio_readiness(db))
