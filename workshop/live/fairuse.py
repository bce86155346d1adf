"""Fair use on the live channel: limits far above what a real participant does.

Writes are limited per participant token (token buckets: notes per minute, votes per
second, any write per second); open long-polls are limited per screen (`client`) and kind, and
per address. A whole room often sits behind one corporate NAT address, so the per-address cap
lets well over 1,000 phones (two long-polls each) take part. Every limit is configurable by
environment variable and every limiter forgets old keys, so memory stays bounded.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import OrderedDict
from dataclasses import dataclass


def _setting(name: str, default: float) -> float:
    """A positive number from the environment, else the default."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Limits:
    """The fair-use limits in force (read once per process from the environment)."""

    notes_per_minute: float
    votes_per_second: float
    writes_per_second: float
    polls_per_client: int
    polls_per_address: int

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            notes_per_minute=_setting("WORKSHOP_LIMIT_NOTES_PER_MINUTE", 30),
            votes_per_second=_setting("WORKSHOP_LIMIT_VOTES_PER_SECOND", 5),
            writes_per_second=_setting("WORKSHOP_LIMIT_WRITES_PER_SECOND", 10),
            polls_per_client=int(_setting("WORKSHOP_LIMIT_POLLS_PER_CLIENT", 4)),
            polls_per_address=int(_setting("WORKSHOP_LIMIT_POLLS_PER_ADDRESS", 5000)),
        )


MAX_KEYS = 50_000


def screen_key(client: str, kind: str) -> str:
    """Open long-polls are counted per screen and kind (the full state, the meta): behind
    `python -m workshop serve` a screen's two kinds may be answered by different processes,
    and each process then counts the kind it serves whole."""
    return f"{kind}:{client}"


def key_of(secret: str) -> str:
    """Limiters keep a short digest, never the token itself."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:24]


class Bucket:
    """Token buckets per key: `rate` per second, bursts of up to `burst`."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.levels: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, now: float | None = None) -> float:
        """Spend one unit; returns 0 if allowed, else the seconds to wait before retrying."""
        moment = time.monotonic() if now is None else now
        level, last = self.levels.pop(key, (self.burst, moment))
        level = min(self.burst, level + (moment - last) * self.rate)
        if level < 1:
            self.levels[key] = (level, moment)
            return (1 - level) / self.rate
        self.levels[key] = (level - 1, moment)
        while len(self.levels) > MAX_KEYS:
            self.levels.popitem(last=False)
        return 0.0


class Gauge:
    """How many long-polls each key has open; refuses beyond `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open: dict[str, int] = {}

    def enter(self, key: str) -> bool:
        if self.open.get(key, 0) >= self.limit:
            return False
        self.open[key] = self.open.get(key, 0) + 1
        return True

    def leave(self, key: str) -> None:
        left = self.open.get(key, 0) - 1
        if left > 0:
            self.open[key] = left
        else:
            self.open.pop(key, None)


class FairUse:
    """Every limit of the live channel in one place."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits.from_env()
        lim = self.limits
        self.notes = Bucket(lim.notes_per_minute / 60, max(1.0, lim.notes_per_minute / 3))
        self.votes = Bucket(lim.votes_per_second, max(1.0, lim.votes_per_second * 2))
        self.writes = Bucket(lim.writes_per_second, max(1.0, lim.writes_per_second * 2))
        self.by_client = Gauge(lim.polls_per_client)
        self.by_address = Gauge(lim.polls_per_address)

    def write(self, token: object, kind: str, now: float | None = None) -> float:
        """Seconds to wait before this token may write again (0: go ahead)."""
        if not isinstance(token, str) or not token:
            return 0.0  # no identity: the action refuses it anyway, and cheaply
        key = key_of(token)
        wait = self.writes.take(key, now)
        if not wait and kind in ("bottlenecks", "impacts", "initiatives"):
            wait = self.notes.take(key, now)
        if not wait and kind == "votes":
            wait = self.votes.take(key, now)
        return wait
