"""The house's imports point down: no cycle, no wing importing a wing above it, no Streamlit in `workshop/`.

Every module under `workshop/` and `views/` is read with `ast` (function-level imports
included) and each import becomes an edge to the module it names. The wings, lowest first:

    domain < store < actions < {live, reports, backup} < {demo, cli, __main__}

`live`, `reports` and `backup` stand side by side and do not import each other, with one
exception: the downloads (`reports`) offer the JSON backup, so `reports` may import `backup`.
`views/` may import anything in `workshop/`; `workshop/` never imports `views/` or Streamlit.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BELOW = ("domain", "store", "actions")
# Each wing and the wings it may import (its own included).
MAY_IMPORT: dict[str, frozenset[str]] = {
    "domain": frozenset({"domain"}),
    "store": frozenset({"domain", "store"}),
    "actions": frozenset(BELOW),
    "live": frozenset({*BELOW, "live"}),
    "backup": frozenset({*BELOW, "backup"}),
    "reports": frozenset({*BELOW, "reports", "backup"}),  # the JSON backup is one of the downloads
    "top": frozenset({*BELOW, "live", "reports", "backup", "top"}),
    "views": frozenset({*BELOW, "live", "reports", "backup", "top", "views"}),
}
TOP = {"workshop", "workshop.demo", "workshop.cli", "workshop.serve", "workshop.__main__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    files = [*(ROOT / "workshop").rglob("*.py"), *(ROOT / "views").rglob("*.py")]
    return {module_name(f): f for f in sorted(files)}


def imported(name: str, path: Path, known: Iterable[str]) -> set[str]:
    """Every module `name` imports: project modules by name, anything else by its top package."""
    known = set(known)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from workshop.store import tables` names the module `tables`; `from x import f`, x itself.
            found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names}
    return found


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imported(name, path, found) for name, path in found.items()}


def wing(name: str) -> str:
    if name.startswith("views"):
        return "views"
    if name in TOP:
        return "top"
    return name.split(".")[1]


def upward(edges: Mapping[str, Iterable[str]]) -> list[str]:
    """Each import that points up or sideways, as `module -> module`."""
    wrong = []
    for name, targets in edges.items():
        for target in targets:
            inside = target.split(".")[0] in ("workshop", "views")
            if inside and wing(target) not in MAY_IMPORT[wing(name)]:
                wrong.append(f"{name} -> {target}")
            if wing(name) != "views" and target.split(".")[0] == "streamlit":
                wrong.append(f"{name} -> streamlit")
    return sorted(wrong)


def cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module, or a module importing itself (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in edges:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges.get(node, ()):
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_every_module_sits_in_a_known_wing() -> None:
    assert [name for name in modules() if wing(name) not in MAY_IMPORT] == []


def test_no_import_points_up_or_sideways() -> None:
    assert upward(graph()) == []


def test_the_import_graph_has_no_cycle() -> None:
    assert cycles(graph()) == []


@pytest.mark.parametrize(
    "edges, expected",
    [
        ({"workshop.domain.text": {"workshop.store.tables"}}, ["workshop.domain.text -> workshop.store.tables"]),
        ({"workshop.live.hub": {"workshop.reports.charts"}}, ["workshop.live.hub -> workshop.reports.charts"]),
        (
            {"workshop.backup.export": {"workshop.reports.summary"}},
            ["workshop.backup.export -> workshop.reports.summary"],
        ),
        ({"workshop.cli": {"views.kit.ui"}}, ["workshop.cli -> views.kit.ui"]),
        ({"workshop.reports.charts": {"streamlit"}}, ["workshop.reports.charts -> streamlit"]),
        ({"views.home": {"workshop.cli", "streamlit"}, "workshop.reports.downloads": {"workshop.backup.export"}}, []),
    ],
)
def test_the_check_sees_an_upward_import(edges: dict[str, set[str]], expected: list[str]) -> None:
    assert upward(edges) == expected


def test_the_check_sees_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}, "e": {"a"}}
    assert cycles(edges) == [["a", "b", "c"], ["d"]]
