"""Cleaning of user text: one place decides what a name, a note or a number may be."""

from __future__ import annotations

import math
import re
import unicodedata

from workshop.domain.errors import Figure, InvalidInput, Phrase
from workshop.domain.language import N_
from workshop.domain.vocabulary import NOTE_MAX

_WHITESPACE = re.compile(r"[ \t\r\n]+")
# Every character str.splitlines() breaks a line at. Each becomes a newline, so a one-line
# field folds it to a space like any other separator: a reader that splits on Unicode line
# breaks (U+2028 in an .ics file, say) never sees a line the person did not type.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_AS_NEWLINE = str.maketrans({char: "\n" for char in LINE_BREAKS if char != "\n"})


def unify_line_breaks(text: str) -> str:
    """Every line break (CRLF, CR, U+2028, NEL, …) as one newline."""
    return text.replace("\r\n", "\n").translate(_AS_NEWLINE)


def _named(field: str) -> Phrase:
    """The field a refusal names, said in the reader's language (callers mark it with N_)."""
    return field if isinstance(field, Phrase) else Phrase(field)


def clean_text(
    value: object, field: str, *, max_len: int = NOTE_MAX, required: bool = True, multiline: bool = False
) -> str:
    """Return the text trimmed, or refuse it with a message naming the field.

    Control and bidi-override characters are refused outright rather than silently
    stripped, so what is stored is exactly what the person typed and saw. Line breaks of
    every kind are newlines (kept only in a multi-line field; elsewhere one space).
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(N_("{field} must be text."), field=_named(field))
    text = unify_line_breaks(value)
    if not multiline:
        text = _WHITESPACE.sub(" ", text)
    text = text.strip()
    for char in text:
        if char in "\n\t" and multiline:
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co") or char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
            raise InvalidInput(
                N_("{field} contains a control character (U+{code}); remove it and try again."),
                field=_named(field),
                code=f"{ord(char):04X}",
            )
    if required and not text:
        raise InvalidInput(N_("{field} cannot be empty."), field=_named(field))
    if len(text) > max_len:
        raise InvalidInput(
            N_("{field} is {length} characters long; the limit is {limit}."),
            field=_named(field),
            length=len(text),
            limit=max_len,
        )
    return text


def clean_int(value: object, field: str, *, low: int, high: int) -> int:
    """Return an integer within [low, high] or refuse it."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput(
            N_("{field} must be a whole number from {low} to {high}."), field=_named(field), low=low, high=high
        )
    if isinstance(value, float):
        if not value.is_integer():
            raise InvalidInput(
                N_("{field} must be a whole number from {low} to {high}."), field=_named(field), low=low, high=high
            )
        value = int(value)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise InvalidInput(
                N_("{field} must be a whole number from {low} to {high}."), field=_named(field), low=low, high=high
            ) from None
    if not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            N_("{field} must be a whole number from {low} to {high}."), field=_named(field), low=low, high=high
        )
    return value


def clean_number(
    value: object, field: str, *, required: bool = True, low: float = -1e15, high: float = 1e15
) -> float | None:
    """Return a finite number within bounds (or None when optional and blank)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(N_("{field} is required."), field=_named(field))
        return None
    if isinstance(value, bool):
        raise InvalidInput(N_("{field} must be a number."), field=_named(field))
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", ""))
        except ValueError:
            raise InvalidInput(N_("{field} must be a number."), field=_named(field)) from None
    try:  # an integer beyond the float range is not a usable number either
        number = float(value) if isinstance(value, (int, float)) else math.nan
    except OverflowError:
        number = math.nan
    if not math.isfinite(number):
        raise InvalidInput(N_("{field} must be a finite number."), field=_named(field))
    if not low <= number <= high:
        raise InvalidInput(
            N_("{field} must be between {low} and {high}."), field=_named(field), low=Figure(low), high=Figure(high)
        )
    return number


# Characters Markdown gives a meaning to (emphasis, links, HTML, lists, headings, tables,
# maths): a backslash makes each literal and keeps the Markdown file readable.
_BACKSLASHED = frozenset("\\`*_{}[]()<>#+-!|~&=$")
# Characters a backslash does not protect: Streamlit's `:color[…]`, `:material/…:` and
# `:emoji:` directives and e-mail autolinks; these become numeric character references.
_REFERENCED = frozenset(":@")
# Pairs Streamlit's typographer turns into arrows or dashes even when escaped (`->` → →).
_TYPOGRAPHY = ("->", "<-", "<=", "--")
WORD_JOINER = "\u2060"


def md_escape(text: object) -> str:
    """Participant text, shown exactly as typed by any element that renders Markdown.

    Runs of whitespace become one space. A `www.` address loses its autolink (its dot is a
    character reference) and an invisible word joiner keeps the typographer's pairs apart.
    """
    flat = " ".join(str(text).split())
    out: list[str] = []
    for n, char in enumerate(flat):
        if char in _REFERENCED or (char == "." and flat[max(0, n - 3) : n].lower() == "www"):
            out.append(f"&#{ord(char)};")
        elif char in _BACKSLASHED or (char == "." and flat[:n].isdigit() and n > 0):
            out.append("\\" + char)
        else:
            out.append(char)
        if flat[n : n + 2] in _TYPOGRAPHY:
            out.append(WORD_JOINER)
    return "".join(out)
