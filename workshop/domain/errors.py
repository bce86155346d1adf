"""Domain exceptions: every refusal the app can give, each with a message a person can read."""

from __future__ import annotations

from workshop.domain.language import N_
from workshop.domain.vocabulary import CODE_MAX


class Phrase(str):
    """A value of a refusal that is itself a marked message, said in the reader's language.

    `clean_text(value, N_("Display name"))` names the field in English; the refusal carries it
    as a Phrase so `text("de")` says "Anzeigename darf nicht leer sein." and not half English.
    A phrase may hold values of its own: `Phrase(N_("Minutes for {step}"), step=Phrase(title))`.
    """

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Phrase:
        made = super().__new__(cls, template.format(**values) if values else template)
        made.template = template
        made.values = values
        return made

    def text(self, code: str) -> str:
        """The phrase in language `code`."""
        from workshop.domain.language import translate

        said = translate(code, self.template)
        return said.format(**_said(self.values, code)) if self.values else said


class Figure(float):
    """A number in a refusal, written the reader's way: 1,000,000 in English, 1.000.000 in German."""

    def __format__(self, spec: str) -> str:
        from workshop.domain.numbers import measure

        return measure(float(self))

    def text(self, code: str) -> str:
        """The number in language `code`."""
        from workshop.domain.language import using
        from workshop.domain.numbers import measure

        with using(code):
            return measure(float(self))


def _said(values: dict[str, object], code: str) -> dict[str, object]:
    """A refusal's values for language `code`: phrases, figures and nested refusals in that language,
    the rest as given."""
    return {name: v.text(code) if isinstance(v, (Phrase, Figure, WorkshopError)) else v for name, v in values.items()}


def step_phrase(key: str) -> Phrase:
    """A step as a refusal names it ("step 3, Prioritisation"), said in the reader's language."""
    from workshop.domain.vocabulary import step_words

    template, values = step_words(key)
    return Phrase(template, **{name: Phrase(v) if isinstance(v, str) else v for name, v in values.items()})


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

        language = code or current()
        said = translate(language, self.template)
        return said.format(**_said(self.values, language)) if self.values else said


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
    if code is None:
        return NotFound(N_("No workshop has that code. Check the code and try again."))
    return NotFound(N_("No workshop has the code {code!r}. Check the code and try again."), code=str(code)[:CODE_SHOWN])
