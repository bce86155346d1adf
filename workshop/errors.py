"""Domain exceptions: every refusal the app can give, each with a message a person can read."""

from __future__ import annotations


class WorkshopError(Exception):
    """Base class: an action was refused and nothing was changed."""


class NotFound(WorkshopError):
    """The workshop, participant or item does not exist (or belongs to another workshop)."""


class NotAllowed(WorkshopError):
    """The caller lacks the facilitator key, leader link or participant identity needed."""


class InvalidInput(WorkshopError):
    """A value is empty, too long, out of range or otherwise not acceptable."""


class InputLocked(WorkshopError):
    """The facilitator has locked input or ended the workshop."""


class BudgetExhausted(WorkshopError):
    """The participant has spent every dot of the vote budget."""


class CycleRefused(WorkshopError):
    """A 'must come after' dependency would make the sequence circular."""


class ImportRefused(WorkshopError):
    """A file to import is not a valid workshop export."""
