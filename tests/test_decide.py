"""Build / Buy / Partner: every combination of answers against the workshop's rules."""

from __future__ import annotations

import itertools

import pytest

from workshop.domain import decide
from workshop.domain.errors import InvalidInput

ALL_ANSWERS = [
    dict(zip(decide.QUESTION_KEYS, combo)) for combo in itertools.product(*(q.options for q in decide.QUESTIONS))
]


def expected_choice(a: dict[str, str]) -> str:
    """The brief's rules, written out independently of the implementation."""
    if a["core"] == "yes":
        return "build"
    if a["network"] == "yes":
        return "partner"
    if a["core"] == "no" or a["speed"] == "speed":
        return "buy"
    # core is "partly" from here on
    if a["speed"] == "uniqueness" and a["capability"] != "no":
        return "build"
    return "buy"


def test_every_combination_is_covered():
    assert len(ALL_ANSWERS) == 3 * 3 * 2 * 3 * 4
    assert {a["core"] for a in ALL_ANSWERS} == {"yes", "partly", "no"}


@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=lambda a: "-".join(a.values()))
def test_recommendation_follows_the_rules(answers):
    rec = decide.recommend(answers)
    assert rec.choice == expected_choice(answers)
    assert rec.choice in decide.CHOICES
    assert len(rec.reasons) >= 1 and all(r.strip() for r in rec.reasons)


@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=lambda a: "-".join(a.values()))
def test_cautions_follow_cost_and_capability(answers):
    rec = decide.recommend(answers)
    text = " ".join(rec.cautions)
    assert ("Building looks cheaper" in text) == (answers["cost"] == "build" and rec.choice != "build")
    assert ("Buying looks cheaper" in text) == (answers["cost"] == "buy" and rec.choice == "build")
    assert ("unknown" in text) == (answers["cost"] == "unknown")
    assert ("lack the capability" in text) == (rec.choice == "build" and answers["capability"] == "no")
    assert ("partly have the capability" in text) == (rec.choice == "build" and answers["capability"] == "partly")


def test_moat_with_allies_explains_why_not_partner():
    rec = decide.recommend({"core": "yes", "speed": "speed", "network": "yes", "capability": "yes", "cost": "similar"})
    assert rec.choice == "build"
    assert any("partner around it" in r for r in rec.reasons)


def test_buy_names_both_reasons_when_both_apply():
    rec = decide.recommend({"core": "no", "speed": "speed", "network": "no", "capability": "yes", "cost": "buy"})
    assert rec.choice == "buy" and len(rec.reasons) == 2


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"core": "yes"},
        {**ALL_ANSWERS[0], "core": "maybe"},
        {**ALL_ANSWERS[0], "cost": None},
        {**ALL_ANSWERS[0], "speed": "Speed"},
    ],
    ids=repr,
)
def test_incomplete_or_unknown_answers_are_refused(answers):
    with pytest.raises(InvalidInput, match="Answer the question"):
        decide.recommend(answers)
    with pytest.raises(InvalidInput):
        decide.validate_answers(answers)


def test_validate_answers_drops_extra_keys():
    clean = decide.validate_answers({**ALL_ANSWERS[5], "extra": "ignored"})
    assert set(clean) == set(decide.QUESTION_KEYS)


COMMODITY = {"core": "no", "speed": "balanced", "network": "no", "capability": "yes", "cost": "build"}
MOAT = {"core": "yes", "speed": "balanced", "network": "yes", "capability": "yes", "cost": "similar"}


@pytest.mark.parametrize(
    "choice, answers, title, description, expected",
    [
        ("build", COMMODITY, "Own log shipper", "", ["commodity"]),
        ("buy", COMMODITY, "Managed log shipper", "", []),
        ("partner", MOAT, "Pricing engine with an ally", "", ["moat"]),
        ("build", MOAT, "Pricing engine", "", []),
        ("buy", MOAT, "Rewrite the billing system", "", ["rewrite"]),
        ("buy", MOAT, "Billing v2", "A big-bang cut-over next quarter", ["rewrite"]),
        ("buy", MOAT, "Billing v2", "Rebuild from scratch in Go", ["rewrite"]),
        ("buy", MOAT, "Replatform onto Kubernetes", "", ["rewrite"]),
        ("buy", MOAT, "Billing v2", "Incremental strangler migration", []),
        ("buy", MOAT, "Rewriter tool for copy", "", []),  # a word that merely starts with "rewrite"
        ("build", COMMODITY, "Rewrite our own CI", "", ["commodity", "rewrite"]),
        ("partner", MOAT, "BIG BANG platform swap", "", ["moat", "rewrite"]),
    ],
)
def test_risk_flags(choice, answers, title, description, expected):
    flags = decide.risk_flags(choice, answers, title, description)
    assert len(flags) == len(expected)
    for flag, word in zip(flags, expected):
        assert word in flag.lower()
