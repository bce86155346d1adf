"""One number format: the same figure prints the same wherever it appears."""

from __future__ import annotations

import pytest

from workshop.domain import numbers


@pytest.mark.parametrize("raw", [0.975, round(0.975, 4), 0.97499999999, 0.9750000001])
def test_a_priority_rounds_half_up_whatever_path_it_took(raw):
    assert numbers.priority(raw) == "0.98" and numbers.priority_value(raw) == 0.98


def test_priorities_keep_two_decimals_and_say_when_missing():
    assert numbers.priority(2.0999999999999996) == "2.10"
    assert numbers.priority(None) == numbers.priority(float("nan")) == "—"


def test_measures_money_and_percentages():
    assert numbers.measure(40.0) == "40" and numbers.measure(7.5, "pages/week") == "7.5 pages/week"
    assert numbers.measure(1_000_000) == "1,000,000" and numbers.measure(0.125) == "0.13"
    assert numbers.money(900_000) == "€900,000/yr" and numbers.money(None) == ""
    assert numbers.money_short(1_250_000) == "€1.3M/yr" and numbers.money_short(900_000) == "€900k/yr"
    assert numbers.percent(54.2) == "54%" and numbers.share(0.545) == "55%"


@pytest.mark.parametrize(("count", "text"), [(0, "0 votes"), (1, "1 vote"), (2, "2 votes")])
def test_plurals(count, text):
    assert numbers.plural(count, "vote") == text


@pytest.mark.parametrize("value", [1e15, -3e20, 1e300, float("inf")])
def test_huge_figures_are_shown_not_refused(value):
    """A check-in far from a tiny baseline-to-target gap gives a huge progress figure."""
    assert numbers.rounded(value, 2) == value
    assert numbers.priority(value)
