"""The docs name what the code has (after sqlite-utils' tests/test_docs.py).

Each registry is read from the code itself: the module files on disk, the command line's
subcommands, the live channel's routes and the environment variables the source reads. A test
fails when one of them is added or renamed without its entry in `docs/`, and when the README
outgrows its front-door size or stops linking to a page of `docs/`.
"""

from __future__ import annotations

import argparse
import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest

from workshop.cli import _parser

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = {path.name: path.read_text(encoding="utf-8") for path in sorted(DOCS.glob("*.md"))}
ALL_DOCS = "\n".join(PAGES.values())
README_MAX_LINES = 150

# Where each table of routes lives: the first module path that imports is used, so the test
# follows the code when a module moves (today's path first, the earlier one after it).
ROUTE_MODULES = (
    ("workshop.live.routes", "workshop.live"),
    ("workshop.live.web", "workshop.web"),
)


def _module_files(package: str, suffixes: tuple[str, ...]) -> list[str]:
    """Every file of `package` with one of `suffixes`, relative to the package folder."""
    base = ROOT / package
    return sorted(
        path.relative_to(base).as_posix()
        for path in base.rglob("*")
        if path.suffix in suffixes and path.name != "__init__.py" and "__pycache__" not in path.parts
    )


def _tree_paths(text: str) -> set[str]:
    """Every file a layout tree (a fenced block of indented folders and files) names, with its folders.

    Entries sit in the left column, indented under their folder; a description running on is
    indented 12 or more.
    """
    paths: set[str] = set()
    for block in text.split("```")[1::2]:
        folders: list[tuple[int, str]] = []
        for line in block.splitlines():
            indent = len(line) - len(line.lstrip())
            if not line.strip() or indent >= 12:
                continue
            head = re.split(r"\s{2,}", line.strip())[0]
            folders = [(i, f) for i, f in folders if i < indent]
            if head.endswith("/"):
                folders.append((indent, head))
                continue
            where = "".join(f for _, f in folders)
            paths |= {where + name for name in re.findall(r"[\w.]+\.(?:py|js|css)\b", head)}
    return paths


def _named(package: str, relative: str) -> bool:
    """True when the docs name `package/relative`: written out, in a layout tree, or as `relative` in backticks."""
    path = re.escape(f"{package}/{relative}")
    written = re.search(rf"(?<![\w./-]){path}(?![\w/])|`{re.escape(relative)}`", ALL_DOCS)
    return written is not None or f"{package}/{relative}" in _tree_paths(ALL_DOCS)


@pytest.mark.parametrize("relative", _module_files("workshop", (".py",)))
def test_every_workshop_module_is_in_the_docs(relative: str) -> None:
    assert _named("workshop", relative), f"docs/ does not name workshop/{relative}"


@pytest.mark.parametrize("relative", _module_files("views", (".py", ".js", ".css")))
def test_every_view_file_is_in_the_docs(relative: str) -> None:
    assert _named("views", relative), f"docs/ does not name views/{relative}"


def _commands() -> list[str]:
    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


def test_the_parser_has_subcommands() -> None:
    assert "demo" in _commands()


@pytest.mark.parametrize("command", _commands())
def test_every_cli_command_is_in_the_docs(command: str) -> None:
    assert f"python -m workshop {command}" in PAGES["command-line.md"]
    assert re.search(rf"^\| `{re.escape(command)}[ `]", PAGES["command-line.md"], re.M), "a row of the table"


def _route_module(names: tuple[str, ...]) -> ModuleType:
    for name in names:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        if hasattr(module, "ROUTES"):
            return module
    raise AssertionError(f"none of {names} has ROUTES")


def _routes() -> list[str]:
    """`METHOD /api/live/CODE/...` for every route of every table, as the docs write them."""
    found = []
    for names in ROUTE_MODULES:
        for route in _route_module(names).ROUTES:
            for method in sorted(route.methods - {"HEAD"}):
                found.append(f"{method} {route.path.replace('{code}', 'CODE')}")
    return found


def test_the_route_tables_are_found() -> None:
    assert "GET /api/live/CODE" in _routes()
    assert "POST /api/live/CODE/session" in _routes()


@pytest.mark.parametrize("route", _routes())
def test_every_live_route_is_in_the_docs(route: str) -> None:
    assert re.search(rf"`{re.escape(route)}[ ?`]", PAGES["live-api.md"]), route


SOURCES = [*(ROOT / "workshop").rglob("*.py"), *(ROOT / "views").rglob("*.py"), ROOT / "app.py"]
READ = re.compile(r"""(?:environ\.get|getenv|environ\[)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")
NAMED = re.compile(r"""["'](WORKSHOP_[A-Z0-9_]+)["']""")


def _settings() -> list[str]:
    """Every variable the code reads by name, and every `"WORKSHOP_..."` constant it reads through."""
    names: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        names |= set(READ.findall(text)) | set(NAMED.findall(text))
    return sorted(names)


def test_the_settings_are_found() -> None:
    assert {"WORKSHOP_DB", "WORKSHOP_URL", "WORKSHOP_PORTFOLIO_KEY", "WORKSHOP_PDF_FONT"} <= set(_settings())


@pytest.mark.parametrize("name", _settings())
def test_every_setting_is_in_the_configuration(name: str) -> None:
    assert re.search(rf"^\| `{re.escape(name)}` \|", PAGES["configuration.md"], re.M), name


def test_the_readme_is_a_front_door() -> None:
    lines = README.count("\n") + (not README.endswith("\n"))
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail to docs/"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_readme_links_to_every_page(page: str) -> None:
    assert f"](docs/{page})" in README, page


@pytest.mark.parametrize("image", ["docs/img/projector.png", "docs/img/phone.png"])
def test_the_readme_shows_the_screenshots(image: str) -> None:
    assert f'src="{image}"' in README
    assert (ROOT / image).stat().st_size < 300_000, "keep the screenshots small"


def test_every_link_between_pages_resolves() -> None:
    """A link to `page.md` or `page.md#anchor` names a page and a heading that exist."""
    anchors = {name: {_slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)} for name, text in PAGES.items()}
    broken = []
    for source, text in [("README.md", README), *PAGES.items()]:
        for target, anchor in re.findall(r"\]\((?:docs/)?([\w-]+\.md)(?:#([\w-]+))?\)", text):
            if target not in anchors or (anchor and anchor not in anchors[target]):
                broken.append(f"{source} -> {target}#{anchor}")
    assert broken == []


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _named_paths(text: str) -> list[str]:
    """Every `workshop/…` or `views/…` file path a text names in backticks."""
    return sorted(set(re.findall(r"`((?:workshop|views)/[\w/]+\.(?:py|js|css))`", text)))


def _architecture_without_history() -> str:
    """docs/architecture.md without its map of where modules were before (those paths are gone)."""
    text = PAGES["architecture.md"]
    start = text.index("\n### Where the modules were before the wings")
    end = text.index("\n## ", start + 1)
    return text[:start] + text[end:]


@pytest.mark.parametrize("path", [p for name, t in PAGES.items() for p in _named_paths(
    _architecture_without_history() if name == "architecture.md" else t)])  # fmt: skip
def test_every_file_the_docs_name_exists(path: str) -> None:
    assert (ROOT / path).exists(), f"docs/ names {path}, which is not on disk"
