"""How long a workshop's data is kept: when its names give way to numbers, and when it is deleted.

With `WORKSHOP_RETAIN_NAMES_DAYS` set, a workshop that ended that many days ago keeps its results,
owners and check-ins, and its participants become "Participant 1", "Participant 2", … in join
order, as in an anonymous workshop. With `WORKSHOP_DELETE_AFTER_DAYS` set (never shorter than the
names' setting), a workshop that ended that many days ago is deleted whole. A running workshop is
neither anonymised nor deleted.
"""

from __future__ import annotations

from workshop.domain import numbers
from workshop.domain.language import _

DAY = 86_400.0


def anonymise_on(ended_at: float | None, days: int | None) -> float | None:
    """When a workshop's names go: `days` after it ended; None while it runs or without the setting."""
    if ended_at is None or days is None:
        return None
    return float(ended_at) + days * DAY


def due(ended_at: float | None, days: int | None, now: float) -> bool:
    """True once the workshop ended at least `days` ago."""
    moment = anonymise_on(ended_at, days)
    return moment is not None and moment <= now


def names_note(ended_at: float | None, days: int | None) -> str:
    """When the names (or, with the deletion setting, the workshop) go, as the portfolio says it
    (in the current language): a moment, a delay after the end, or kept."""
    if days is None:
        return _("kept")
    moment = anonymise_on(ended_at, days)
    if moment is None:
        return _("{days} after it ends").format(days=numbers.days(days))
    return numbers.when(moment)


def clash(names_days: int | None, delete_days: int | None) -> bool:
    """A workshop cannot be deleted before its names were due to be numbered: that order is refused."""
    return names_days is not None and delete_days is not None and delete_days < names_days
