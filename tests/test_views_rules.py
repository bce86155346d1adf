"""Rules that used to live in the pages: now in `workshop/`, tested without Streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import on_step
from workshop import actions
from workshop import store as storage
from workshop.domain.owners import suggested_metrics
from workshop.store.load import load

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path):
    database = storage.connect(tmp_path / "rules.db")
    yield database
    database.close()


def test_suggested_metrics_are_the_linked_outcomes_heaviest_first(db):
    made = actions.create_workshop(db, "Offsite", "Acme", "scaleup")
    code, token = made.code, made.facilitator_token
    slow = actions.add_bottleneck(db, code, token, "platform", "Deploys are slow")
    paging = actions.add_bottleneck(db, code, token, "platform", "Paging wakes the same people")
    other = actions.add_bottleneck(db, code, token, "product", "Pricing page confuses buyers")
    actions.next_step(db, code, made.facilitator_key, from_step=on_step(db, code))
    actions.add_impact(db, code, token, slow, "throughput", "worse", 2, "teams wait")
    actions.add_impact(db, code, token, paging, "uptime", "worse", 4, "tired people miss alerts")
    actions.add_impact(db, code, token, slow, "uptime", "worse", 1, "hotfixes wait too")
    actions.add_impact(db, code, token, other, "revenue", "worse", 5, "buyers leave")
    snapshot = load(db, code)
    assert suggested_metrics(snapshot, [slow, paging]) == ["Uptime", "Delivery throughput"]  # 4 + 1 > 2
    assert suggested_metrics(snapshot, [other]) == ["Revenue"]
    assert suggested_metrics(snapshot, []) == []


def test_forms_cap_text_at_the_domain_limits():
    """A `max_chars=` written as a number would drift from what the actions accept."""
    literal = []
    for page in sorted((ROOT / "views").rglob("*.py")):
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and node.arg in ("max_chars", "max_value")
                and isinstance(node.value, ast.Constant)
            ):
                literal.append(f"{page.name}:{node.value.lineno} {node.arg}={node.value.value}")
    allowed = {"max_value=100"}  # the progress column's 100 %, not an input limit
    pending = {"summary.py"}  # the check-in form, being reworked with the summary model
    assert [f for f in literal if f.split(" ")[1] not in allowed and f.split(":")[0] not in pending] == []


def test_no_page_function_is_longer_than_60_lines():
    long = []
    for page in sorted((ROOT / "views").rglob("*.py")):
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:
                long.append(f"{page.name}:{node.lineno} {node.name}")
    assert long == []
