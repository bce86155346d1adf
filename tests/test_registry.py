"""The registries are complete: every step has its page and projector content.

Steps and dimensions are defined once, in `workshop/domain/vocabulary.py`; the views' registry
gives each step its page and projector content. These tests fail when a step is added without
its page or renderer, or when a step or dimension key is written out again somewhere else.
That the docs name every module, command, live route and setting is `tests/test_docs.py`'s job.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from views.kit import projector_steps, registry, ui
from workshop.domain import pitfalls
from workshop.domain import snapshot as state
from workshop.domain import vocabulary as steps
from workshop.domain.vocabulary import DIMENSION_KEYS, STEP_KEYS, STEPS

ROOT = Path(__file__).resolve().parent.parent
KEYS = frozenset(STEP_KEYS) | frozenset(DIMENSION_KEYS)


# --- the views' registry ----------------------------------------------------------------


def test_every_step_has_a_page_and_a_projector_renderer() -> None:
    assert [view.step for view in registry.VIEWS] == list(STEPS)
    for view in registry.VIEWS:
        assert view.page.is_file(), view.step.key
        assert view.page.parent == ROOT / "views"
        assert callable(view.project), view.step.key
        assert view.url == view.step.key, "page addresses are the step keys and never change"
        assert registry.of_page(str(view.page)) is view
        assert registry.view(view.step.key) is view


def test_every_step_page_in_views_is_in_the_registry() -> None:
    """A page file named like a step but not in STEPS would be a page nobody navigates to."""
    pages = {path.name for path in (ROOT / "views").glob("step_*.py")}
    assert pages == {view.page.name for view in registry.VIEWS}


def test_exactly_the_first_step_shows_the_live_board_on_the_projector() -> None:
    assert [view.board for view in registry.VIEWS] == [True] + [False] * (len(STEPS) - 1)
    assert len(projector_steps.LIVE_BOARD) == 1


def test_per_step_rules_have_one_entry_per_step_in_step_order() -> None:
    assert tuple(state.TOOK_PART) == STEP_KEYS


def test_every_step_has_a_live_view_module_that_adds_itself_in_step_order() -> None:
    """The live element joins one module per step in step order; each adds its view."""
    assert [name for name in ui.LIVE_MODULES if name[:-3] in STEP_KEYS] == [f"{key}.js" for key in STEP_KEYS]
    for key in STEP_KEYS:
        js = (ui.LIVE / f"{key}.js").read_text(encoding="utf-8")
        assert re.findall(r"STEP_VIEWS\.push\((\w+)\);", js) == [f"{key}View"], key
    modules = sorted([*ui.LIVE_MODULES, ui.REMEMBER_MODULE, ui.CLOCK_MODULE])
    assert sorted(path.name for path in ui.LIVE.glob("*.js")) == modules, "every module is joined or stands alone"


def test_the_pitfalls_look_at_the_platform_dimension_and_the_owners_step() -> None:
    assert pitfalls.PLATFORM == "platform" and steps.PRODUCT == "product" and steps.ORGANISATION == "organisation"
    assert pitfalls.OWNERS_STEP == "owners"


# --- no step or dimension key written out again -------------------------------------------

# (file, key) → why the literal stays: it names something else that shares the key's spelling.
ALLOWED: dict[tuple[str, str], str] = {
    ("views/live/bottlenecks.js", "bottlenecks"): "the live route POST …/bottlenecks, not the step",
    (
        "views/live/impact.js",
        "impact",
    ): "the impact form's draft name in the browser's storage, and prose ('your impact: …')",
    ("workshop/live/payload.py", "impact"): "the write kind (vocabulary.WRITES), looked up for the step it belongs to",
}
# Files where the spelling is a table, a column or a JSON field of the same name, never the key.
SAME_SPELLING: dict[str, str] = {
    "workshop/store/": "table names (bottlenecks, owners)",
    "workshop/backup/export.py": "JSON fields of the export format (bottlenecks, owners, organisation)",
    "workshop/backup/importer.py": "JSON fields of the export format (bottlenecks, owners, organisation)",
    "workshop/reports/sheets.py": "table and column names (bottlenecks, owners, organisation)",
    "workshop/actions": "table and column names (bottlenecks, organisation)",
    "workshop/domain/snapshot.py": "the workshop's organisation column",
    "workshop/domain/followup.py": "the workshop's organisation column",
    "workshop/domain/commitments.py": "the workshop's organisation column",
    "workshop/cli.py": "the workshop's organisation column",
    "workshop/live/routes.py": "live route names (bottlenecks)",
    "workshop/live/fairuse.py": "live route names (bottlenecks)",
    "workshop/domain/checklist.py": "the checklist item key 'owners', exported as such",
    "workshop/domain/audit.py": "the names of the values an audit entry keeps (the organisation column, the step field)",
    "workshop/reports/summary.py": "the summary's section keys and the workshop's organisation column",
    "workshop/reports/markdown.py": "the summary's section keys",
    "workshop/reports/pdf.py": "the summary's section keys",
    "workshop/reports/charts.py": "the chart's column of linked bottlenecks",
    "workshop/reports/frames.py": "the initiatives table's column of linked bottlenecks",
    "views/portfolio.py": "the workshop's organisation column",
    "views/summary.py": "the workshop's organisation column",
    "views/step_2_impact.py": "the form's widget key",
}
# Files that do use the keys as keys, left for their owners (listed so that new ones still fail).
PENDING: dict[str, str] = {}


def literals(path: Path) -> list[tuple[int, str]]:
    """(line, key) for every step or dimension key written as a literal in one source file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return [
            (node.lineno, node.value)
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Constant) and node.value in KEYS
        ]
    words = "|".join(sorted(KEYS))
    if path.suffix == ".js":  # quoted, or a bare object key (`bottlenecks: …`)
        pattern = re.compile(rf"""(["'`])({words})\1|(?<![\w.])({words})\s*:(?!:)""")
    else:  # CSS: any class or attribute naming one
        pattern = re.compile(rf"\b({words})\b")
    return [
        (
            text.count("\n", 0, m.start()) + 1,
            next(g for g in m.groups()[1:] if g) if path.suffix == ".js" else m.group(1),
        )
        for m in pattern.finditer(text)
    ]


def sources() -> list[Path]:
    files = [
        *(ROOT / "workshop").rglob("*.py"),
        *(ROOT / "views").rglob("*.py"),
        *(ROOT / "views").rglob("*.js"),
        *(ROOT / "views").rglob("*.css"),
        ROOT / "app.py",
    ]
    return sorted(f for f in files if f != ROOT / "workshop" / "domain" / "vocabulary.py")


def test_no_step_or_dimension_key_is_written_outside_steps_py() -> None:
    found = []
    for path in sources():
        name = path.relative_to(ROOT).as_posix()
        if any(name.startswith(prefix) for prefix in (*SAME_SPELLING, *PENDING)):
            continue
        found += [f"{name}:{line}: {key!r}" for line, key in literals(path) if (name, key) not in ALLOWED]
    assert found == [], "look these up through workshop.domain.vocabulary or views.kit.registry instead"


@pytest.mark.parametrize("name", ALLOWED)
def test_every_allowed_literal_still_exists(name: tuple[str, str]) -> None:
    """An exception that no longer matches anything is removed, so the list stays honest."""
    path, key = name
    assert key in {k for _, k in literals(ROOT / path)}, name
