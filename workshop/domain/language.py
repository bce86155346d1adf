"""The languages a room runs in, and their gettext catalogues (managed with Babel).

English is the source: every message is written in English in the code and marked, with `_`
(or `ngettext`) where it is read, and `N_` where the text is defined before anyone reads it (a
step's guidance, a refusal's template), to be said later with `_` or `translate`.

`_` and `ngettext` speak the *current* language: a page run, a live request or an export sets it
once with `using(code)` (or `activate(code)` for the rest of a page run), like Django's
`translation.activate`, so the formatters in `numbers.py` and the domain's sentences follow it
without a language argument threaded through every call. `translate(code, message)` names the
language outright. A language is a folder `workshop/locale/<code>/LC_MESSAGES/`
holding the catalogues, so a sixth language is a sixth folder and no code changes.

Two catalogues split the words by where they are written, so each has one owner:
`screens` holds what the pages and the live element say (`views/`, `views/live/*.js`,
`workshop/live/`), `workshop` everything else in `workshop/` (the workshop's material, rules,
refusals and exports). The `.po` files are read with Babel at first use and kept; no compiled
`.mo` file is needed.

The pseudo-language `qps` (offered only when `WORKSHOP_PSEUDO_LOCALE=1`) turns every message
that passes through gettext into accented text a third longer between ⟦ and ⟧, so a test can
find any English word on a screen that escaped translation.
"""

from __future__ import annotations

import gettext as _gettext
import io
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
SOURCE = "en"  # the language the code is written in: it needs no catalogue
DOMAINS = ("screens", "workshop")
PSEUDO = "qps"


def N_(message: str) -> str:
    """Mark a message for the catalogues without translating it yet (it is read later)."""
    return message


def languages() -> tuple[str, ...]:
    """Every language a workshop or a phone can choose: English, then each catalogue folder."""
    pseudo = (PSEUDO,) if os.environ.get("WORKSHOP_PSEUDO_LOCALE") == "1" else ()
    return (SOURCE, *_catalogued(), *pseudo)


@cache
def _catalogued() -> tuple[str, ...]:
    """The catalogue folders, read once per process: every live request asks which language it
    speaks, and reading the folder each time cost a tenth of a busy server's time."""
    found = sorted(
        folder.name
        for folder in LOCALE_DIR.glob("*")
        if (folder / "LC_MESSAGES").is_dir() and not folder.name.startswith("_")
    )
    return tuple(code for code in found if code != SOURCE)


def supported(code: str | None) -> str | None:
    """The language `code` names if we have it ("de-AT" → "de"), else None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in languages() else None


def negotiate(accept_language: str | Iterable[str] | None, fallback: str = SOURCE) -> str:
    """The first of a browser's languages that we have, else `fallback`.

    Takes an `Accept-Language` header ("de-DE,de;q=0.9,en;q=0.8") or a list such as
    `navigator.languages`; q-values order the header's entries.
    """
    if accept_language is None:
        return supported(fallback) or SOURCE
    if isinstance(accept_language, str):
        ranked = []
        for position, part in enumerate(accept_language.split(",")):
            tag, _, params = part.strip().partition(";")
            quality = 1.0
            if params.strip().startswith("q="):
                try:
                    quality = float(params.strip()[2:])
                except ValueError:
                    quality = 0.0
            if tag and quality > 0:
                ranked.append((-quality, position, tag))
        tags: list[str] = [tag for _, _, tag in sorted(ranked)]
    else:
        tags = list(accept_language)
    for tag in tags:
        found = supported(tag)
        if found:
            return found
    return supported(fallback) or SOURCE


@cache
def translations(code: str) -> _gettext.NullTranslations:
    """The catalogues of one language, both domains merged; English gets the identity."""
    found = supported(code)
    if found is None or found == SOURCE:
        return _gettext.NullTranslations()
    if found == PSEUDO:
        return Pseudo()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    merged: Translations | None = None
    for domain in DOMAINS:
        path = LOCALE_DIR / found / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            continue
        with path.open("rb") as po:
            catalog = read_po(po, locale=found, domain=domain)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        loaded = Translations(buffer, domain=domain)
        merged = loaded if merged is None else merged.merge(loaded)
    return merged if merged is not None else _gettext.NullTranslations()


_ACCENTS = str.maketrans("aceinosuyACEINOSUY", "åçéîñöšûýÅÇÉÎÑÖŠÛÝ")
_PLACEHOLDER = re.compile(r"(\{[^{}]*\}|%\(\w+\)[sd]|%[sd])")


def pseudo(message: str) -> str:
    """`message` accented and a third longer between ⟦ and ⟧; placeholders kept as they are."""
    parts = _PLACEHOLDER.split(message)
    said = "".join(p if _PLACEHOLDER.fullmatch(p) else p.translate(_ACCENTS) for p in parts)
    letters = sum(ch.isalpha() for ch in message)
    return f"⟦{said}{'~' * ((letters + 2) // 3)}⟧" if message else message


class Pseudo(_gettext.NullTranslations):
    """The pseudo-language: every message marked, so unmarked English stands out."""

    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)


def translate(code: str, message: str) -> str:
    """`message` in language `code` (English where the catalogue has no translation)."""
    return translations(code).gettext(message)


def translate_plural(code: str, singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n` in language `code`, by that language's rules."""
    return translations(code).ngettext(singular, plural, n)


_current: ContextVar[str] = ContextVar("language", default=SOURCE)


def current() -> str:
    """The language this page run, request or export speaks."""
    return _current.get()


def activate(code: str | None) -> str:
    """Speak `code` (or English, if we do not have it) from here on in this thread or task."""
    chosen = supported(code) or SOURCE
    _current.set(chosen)
    return chosen


@contextmanager
def using(code: str | None) -> Iterator[str]:
    """Speak `code` inside the block, then the language spoken before."""
    token = _current.set(supported(code) or SOURCE)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """`message` in the current language."""
    return translate(current(), message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` in the current language: `ngettext("{n} vote", "{n} votes", n)`."""
    return translate_plural(current(), singular, plural, n)


def name(code: str) -> str:
    """A language's name in itself ("Deutsch", "Français"), for a switcher."""
    from babel import Locale

    if code == PSEUDO:
        return "Pseudo"
    return (Locale.parse(code).get_display_name(code) or code).capitalize()
