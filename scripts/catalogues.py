"""The gettext catalogues, managed with Babel: extract the marked messages, update every language.

    python scripts/catalogues.py extract     # workshop/locale/{screens,workshop}.pot from the code
    python scripts/catalogues.py update      # merge the templates into every language's .po
    python scripts/catalogues.py init xx     # start a new language (a sixth folder)
    python scripts/catalogues.py check       # templates current; every message translated, none fuzzy or obsolete

`screens` holds the messages of views/ (pages and the live element's JS) and workshop/live/;
`workshop` those of the rest of workshop/. The catalogues are read as .po at run time.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "workshop" / "locale"
LIVE_DIR = ROOT / "workshop" / "live"
KEYWORDS = {**DEFAULT_KEYWORDS, "t": None, "tn": (1, 2)}  # t() / tn() in the live element's JS
METHODS = [("**.py", "python"), ("**.js", "javascript")]
SOURCES = {"screens": [ROOT / "views", LIVE_DIR], "workshop": [ROOT / "workshop"]}


def _belongs(domain: str, path: Path) -> bool:
    """A file's messages go to `screens` if it is a page or the live channel, else to `workshop`."""
    live = LIVE_DIR in path.resolve().parents
    return domain == "screens" or not live


def _extracted(domain: str) -> Iterator[tuple[str, int, str | tuple[str, ...], list[str]]]:
    for folder in SOURCES[domain]:
        for filename, lineno, message, comments, _context in extract_from_dir(
            folder, METHODS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
        ):
            path = folder / filename
            if "locale" in path.parts or not _belongs(domain, path):
                continue
            yield str(path.relative_to(ROOT)), lineno, message, comments


def template(domain: str) -> Catalog:
    """The template of one domain, freshly extracted from the code."""
    catalog = Catalog(project="Scaling Workshop", domain=domain, fuzzy=False)
    for filename, lineno, message, comments in _extracted(domain):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments)
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True)
    path.write_bytes(buffer.getvalue())


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE.glob("*") if (p / "LC_MESSAGES").is_dir())


def extract() -> None:
    for domain in SOURCES:
        _write(template(domain), LOCALE / f"{domain}.pot")


def update() -> None:
    for domain in SOURCES:
        pot = _read(LOCALE / f"{domain}.pot")
        for code in languages():
            path = LOCALE / code / "LC_MESSAGES" / f"{domain}.po"
            catalog = _read(path, code) if path.exists() else Catalog(locale=code, domain=domain)
            catalog.update(pot, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            _write(catalog, path)


def init(code: str) -> None:
    (LOCALE / code / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    update()


def problems() -> list[str]:
    """What keeps the catalogues from being complete: stale templates, gaps, fuzzy or obsolete entries."""
    found: list[str] = []
    for domain in SOURCES:
        fresh = {m.id for m in template(domain) if m.id}
        stored = {m.id for m in _read(LOCALE / f"{domain}.pot") if m.id}
        if fresh != stored:
            found.append(f"{domain}.pot is out of date: run scripts/catalogues.py extract and update")
        for code in languages():
            catalog = _read(LOCALE / code / "LC_MESSAGES" / f"{domain}.po", code)
            ids = {m.id for m in catalog if m.id}
            found += [f"{code}/{domain}: missing {i!r}" for i in sorted(fresh - ids, key=str)]
            found += [f"{code}/{domain}: obsolete {i!r}" for i in catalog.obsolete]
            for message in catalog:
                if not message.id:
                    continue
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.fuzzy:
                    found.append(f"{code}/{domain}: fuzzy {message.id!r}")
                if not all(strings):
                    found.append(f"{code}/{domain}: untranslated {message.id!r}")
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "extract":
        extract()
    elif command == "update":
        update()
    elif command == "init" and len(argv) == 2:
        init(argv[1])
    elif command == "check":
        found = problems()
        print("\n".join(found) or "catalogues complete")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
