"""The tables on the pages name their columns in the room's language (issue 25).

A page's table is built with English headings, which the code keys its columns by; the page writes
each heading through gettext (`views.kit.ui.table`). In the pseudo-language every heading a person
reads must come out marked ⟦…⟧: one left English is a heading that skipped translation.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.test_pages import open_page
from views.kit import ui
from workshop import actions
from workshop import store as storage
from workshop.demo import create_demo
from workshop.domain import language


@pytest.fixture
def pseudo_db(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_PSEUDO_LOCALE", "1")
    path = tmp_path / "tables.db"
    monkeypatch.setenv("WORKSHOP_DB", str(path))
    db = storage.connect(path)
    yield db
    db.close()


def headings(table: Any) -> list[str]:
    """The headings a page's table shows: each column's label, else its name; hidden ones left out."""
    config = json.loads(table.proto.columns or "{}")
    shown = []
    for name in table.value.columns:
        setting = config.get(f"name:{name}", config.get(str(name)))
        if isinstance(setting, dict) and setting.get("hidden"):
            continue
        label = setting.get("label") if isinstance(setting, dict) else None
        shown.append(str(label or name))
    return shown


def test_every_table_on_ship_it_and_the_audit_page_is_headed_in_the_rooms_language(pseudo_db):
    made = create_demo(pseudo_db, followup_days=70)
    actions.reopen_workshop(pseudo_db, made.code, made.facilitator_key)
    actions.set_language(pseudo_db, made.code, made.facilitator_key, language.PSEUDO)
    found: list[str] = []
    for page in ("summary.py", "audit.py"):
        at = open_page(page, ws=made.code, p=made.facilitator_token)
        assert not at.exception, [e.message for e in at.exception]
        assert at.dataframe, page
        found += [f"{page}: {h}" for t in at.dataframe for h in headings(t) if not h.startswith("⟦")]
    assert not found, found


def test_a_table_keeps_its_keys_and_days_for_the_code(monkeypatch):
    """The frame the code keys by is not changed by showing it (the files write the same frame)."""
    import pandas as pd

    frame = pd.DataFrame({"Held": [None], "Rank": [1]})
    shown: dict[str, Any] = {}
    monkeypatch.setattr(ui.st, "dataframe", lambda data, **options: shown.update(data=data, **options))
    with language.using("de"):
        ui.table(frame, {"Rank": None})
    assert list(frame.columns) == ["Held", "Rank"] and shown["column_config"] == {"Held": "Durchgeführt", "Rank": None}
