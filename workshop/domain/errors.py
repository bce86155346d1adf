"""Domain exceptions: every refusal the app can give, each with a message a person can read."""

from __future__ import annotations

from workshop.domain.vocabulary import CODE_MAX


class WorkshopError(Exception):
    """Base class: an action was refused and nothing was changed.

    Raised with an English template marked `N_` and its values
    (`InvalidInput(N_("At most {limit} characters."), limit=40)`), so a page or the live
    channel can say it in the reader's language with `text(code)`; `str()` is the English.
    """

    def __init__(self, template: str = "", **values: object) -> None:
        self.template = template
        self.values = values
        super().__init__(template.format(**values) if values else template)

    def text(self, code: str | None = None) -> str:
        """The refusal in language `code`, or the current one (English where none is translated)."""
        from workshop.domain.language import current, translate

        said = translate(code or current(), self.template)
        return said.format(**self.values) if self.values else said


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


class Unavailable(WorkshopError):
    """The database cannot be reached right now (a server restarting): nothing was stored, and
    the same request a moment later can succeed."""


class ImportRefused(WorkshopError):
    """A file to import is not a valid workshop export."""


CODE_SHOWN = CODE_MAX  # an unknown code is echoed back at most as long as a code can be


def no_workshop(code: object | None = None) -> NotFound:
    """The one refusal for a join code that opens no workshop, wherever it is checked.

    The code is echoed (cut short) when the caller has one, so a typo is easy to spot.
    """
    which = "that code" if code is None else f"the code {str(code)[:CODE_SHOWN]!r}"
    return NotFound(f"No workshop has {which}. Check the code and try again.")
