"""The catalogues are complete: every message translated in every language and domain, none fuzzy
or obsolete, and the templates extracted from the code as it stands."""

from __future__ import annotations

import importlib.util
import string
import sys
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "workshop" / "locale"


@cache
def _tool():
    """scripts/catalogues.py, the one tool that extracts and checks the catalogues."""
    spec = importlib.util.spec_from_file_location("catalogues", ROOT / "scripts" / "catalogues.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["catalogues"] = module
    spec.loader.exec_module(module)
    return module


DOMAINS = ("screens", "workshop")
LANGUAGES = tuple(sorted(p.name for p in LOCALE.glob("*") if (p / "LC_MESSAGES").is_dir()))


def test_the_five_languages_are_there():
    assert set(LANGUAGES) >= {"de", "fr", "nl", "es"}
    assert _tool().languages() == list(LANGUAGES)


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_template_is_up_to_date_with_the_code(domain):
    fresh = {m.id for m in _tool().template(domain) if m.id}
    with (LOCALE / f"{domain}.pot").open("rb") as handle:
        stored = {m.id for m in read_po(handle) if m.id}
    assert fresh == stored, "run python scripts/catalogues.py extract && python scripts/catalogues.py update"


def _catalogue(code: str, domain: str):
    with (LOCALE / code / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return read_po(handle, locale=code)


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy_or_obsolete(code, domain):
    problems = [p for p in _tool().problems() if p.startswith(f"{code}/{domain}:")]
    assert problems == []
    catalogue = _catalogue(code, domain)
    assert not catalogue.obsolete


def _fields(text: str) -> list[tuple[str, str, str]]:
    return sorted(
        (name, spec, conv or "") for _, name, spec, conv in string.Formatter().parse(text) if name is not None
    )


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_every_placeholder(code, domain):
    """A translation that drops or renames `{limit}` would fail at run time, in one language only."""
    for message in _catalogue(code, domain):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = [_fields(i) for i in ids]
        for said in strings:
            assert _fields(said) in wanted, f"{code}: {message.id!r} → {said!r}"
