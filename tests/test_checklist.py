"""The Ship It checklist: each item opens for exactly its own reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.helpers import NOW, reach
from workshop import actions
from workshop.domain import checklist
from workshop.store.load import load

TODAY = date(2025, 6, 15)
ANSWERS = {"core": "partly", "speed": "speed", "network": "no", "capability": "yes", "cost": "similar"}
KEYS = ["priorities", "sequencing", "decisions", "owners", "observability"]


def build(
    db,
    *,
    skip_platform=False,
    extra_unsequenced=False,
    decide=3,
    own=3,
    confirm=True,
    titles=("Self-serve onboarding", "Independent deploys", "Decision charter"),
) -> tuple[str, str]:
    """A workshop run through the actions; by default every checklist item is done."""
    created = actions.create_workshop(db, "Checklist", "Initech", "scaleup", now=NOW)
    code, key = created.code, created.facilitator_key
    token = actions.join(db, code, "Ann", now=NOW).token
    bottlenecks = {
        dim: actions.add_bottleneck(db, code, token, dim, f"A {dim} bottleneck", now=NOW)
        for dim in ("product", "platform", "organisation")
    }
    links = ["product", "product" if skip_platform else "platform", "organisation"]
    reach(db, code, key)
    ids = [
        actions.add_initiative(db, code, token, title, [bottlenecks[dim]], now=NOW) for title, dim in zip(titles, links)
    ]
    for n, iid in enumerate(ids):
        actions.score_initiative(db, code, token, iid, {"value": 9 - n, "effort": 3, "urgency": 5, "confidence": 80})
    actions.adopt_ranking(db, code, key)
    if extra_unsequenced:
        actions.add_initiative(db, code, token, "Late idea", [bottlenecks["product"]], now=NOW)
    for iid in ids[:decide]:
        actions.record_decision(db, code, key, iid, ANSWERS, "buy", "Faster than building it", now=NOW)
    for iid in ids[:own]:
        actions.assign_owner(
            db, code, key, iid, "Dana", "Weekly active teams", 10, 20, TODAY + timedelta(days=7), today=TODAY, now=NOW
        )
    if confirm:
        actions.confirm_observability(db, code, key, True)
    return code, key


def items(db, code) -> dict[str, checklist.Item]:
    result = checklist.evaluate(load(db, code))
    assert [i.key for i in result] == KEYS
    return {i.key: i for i in result}


def open_items(db, code) -> dict[str, str]:
    return {k: i.reason for k, i in items(db, code).items() if not i.done}


def test_a_complete_workshop_has_nothing_open(db):
    code, _ = build(db)
    assert open_items(db, code) == {}
    assert all(i.reason for i in items(db, code).values())


def test_missing_platform_dimension(db):
    code, _ = build(db, skip_platform=True)
    opened = open_items(db, code)
    assert list(opened) == ["priorities"]
    assert "platform" in opened["priorities"]
    assert "product" not in opened["priorities"] and "organisation" not in opened["priorities"]


def test_an_unsequenced_initiative(db):
    code, _ = build(db, extra_unsequenced=True)
    opened = open_items(db, code)
    assert list(opened) == ["sequencing"]
    assert opened["sequencing"] == "1 initiative without a place in the sequence: \u201cLate idea\u201d."


def test_an_undecided_top_three_initiative(db):
    code, _ = build(db, decide=2, own=2)
    opened = open_items(db, code)
    assert list(opened) == ["decisions"]
    assert "top 3" in opened["decisions"] and "\u201cDecision charter\u201d" in opened["decisions"]


def test_a_decided_initiative_without_owner(db):
    code, _ = build(db, own=2)
    opened = open_items(db, code)
    assert list(opened) == ["owners"]
    assert "\u201cDecision charter\u201d" in opened["owners"]
    assert "Self-serve onboarding" not in opened["owners"]


def test_no_observability_confirmation_and_no_owned_observability_initiative(db):
    code, _ = build(db, confirm=False)
    opened = open_items(db, code)
    assert list(opened) == ["observability"]
    assert "confirmed" in opened["observability"] and "observability" in opened["observability"]


def test_an_owned_observability_initiative_closes_the_item(db):
    code, _ = build(db, confirm=False, titles=("Self-serve onboarding", "Distributed tracing", "Decision charter"))
    item = items(db, code)["observability"]
    assert item.done and "\u201cDistributed tracing\u201d" in item.reason


def test_an_unowned_observability_initiative_does_not(db):
    code, _ = build(db, confirm=False, own=2, titles=("Self-serve onboarding", "Decision charter", "Central logging"))
    opened = open_items(db, code)
    assert set(opened) == {"owners", "observability"}


def test_withdrawing_the_confirmation_reopens_the_item(db):
    code, key = build(db)
    assert items(db, code)["observability"].done
    actions.confirm_observability(db, code, key, False)
    assert list(open_items(db, code)) == ["observability"]


def test_empty_workshop_says_why_everything_is_open(db, workshop):
    opened = open_items(db, workshop.code)
    assert list(opened) == KEYS
    assert "No initiative has been sequenced" in opened["priorities"]
    assert "no initiatives" in opened["sequencing"]


@pytest.mark.parametrize(
    "text, matches",
    [
        ("Distributed tracing", True),
        ("Central logging", True),
        ("Observability dashboards", True),
        ("Alerting on SLOs", True),
        ("APM rollout", True),
        ("Log aggregation", True),
        ("Telemetry", True),
        ("Blogging platform", False),
        ("Catalog service", False),
        ("Decision charter", False),
    ],
)
def test_observability_pattern(text, matches):
    assert bool(checklist.OBSERVABILITY.search(text)) is matches


def test_demo_has_all_five_done(db, demo):
    result = items(db, demo.code)
    assert all(item.done for item in result.values()), {k: i.reason for k, i in result.items()}
    assert result["sequencing"].reason == "Each of the 6 initiatives has its own position in the sequence."
    assert result["owners"].reason == "Each of the 4 decided initiatives has an owner, a metric and a target."


def test_item_as_dict():
    item = checklist.Item("k", "Title", False, "Why")
    assert item.as_dict() == {"key": "k", "title": "Title", "done": False, "reason": "Why"}
