"""One number format: the same figure prints the same wherever it appears."""

from __future__ import annotations

from datetime import date

import pytest

from workshop.domain import language, numbers


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


# --- every figure in the current language, from CLDR --------------------------------------

NBSP, NARROW = "\u00a0", "\u202f"  # CLDR's no-break space, and French's narrow one between groups


@pytest.mark.parametrize(
    ("code", "money", "short", "measure", "priority", "percent"),
    [
        ("de", f"1.200.000{NBSP}€/Jahr", f"1,3{NBSP}Mio.{NBSP}€/Jahr", "1.250,5", "0,98", f"54{NBSP}%"),
        ("fr", f"1{NARROW}200{NARROW}000{NBSP}€/an", f"1,3{NBSP}M{NBSP}€/an", f"1{NARROW}250,5", "0,98", f"54{NBSP}%"),
        ("nl", f"€{NBSP}1.200.000/jaar", f"€{NBSP}1,3{NBSP}mln./jaar", "1.250,5", "0,98", "54%"),
        ("es", f"1.200.000{NBSP}€/año", f"1,3{NBSP}M€/año", "1.250,5", "0,98", f"54{NBSP}%"),
    ],
)
def test_figures_follow_the_current_language(code, money, short, measure, priority, percent):
    with language.using(code):
        assert numbers.money(1_200_000) == money
        assert numbers.money_short(1_250_000) == short  # rounded half up, as in English
        assert numbers.measure(1250.5) == measure and numbers.measure(7.5, "pages") == "7,5 pages"
        assert numbers.priority(0.975) == priority and numbers.priority(None) == numbers.MISSING
        assert numbers.percent(54.2) == percent and numbers.share(0.542) == percent


def test_english_keeps_its_own_forms_inside_and_outside_a_language_block():
    with language.using("de"):
        assert numbers.money(900_000) != "€900,000/yr"
    with language.using("en"):
        assert numbers.money(900_000) == "€900,000/yr" and numbers.money_short(1_250_000) == "€1.3M/yr"
    assert numbers.measure(1_000_000) == "1,000,000" and numbers.percent(54.2) == "54%"


@pytest.mark.parametrize(
    ("code", "day", "one", "three", "ahead", "behind", "today"),
    [
        ("en", "Nov 30, 2026", "1 day", "3 days", "in 3 days", "2 days ago", "today"),
        ("de", "30. Nov. 2026", "1 Tag", "3 Tage", "in 3 Tagen", "vor 2 Tagen", "heute"),
        ("fr", "30 nov. 2026", "1 jour", "3 jours", "dans 3 jours", "il y a 2 jours", "aujourd'hui"),
        ("nl", "30 nov 2026", "1 dag", "3 dagen", "over 3 dagen", "2 dagen geleden", "vandaag"),
        ("es", "30 nov 2026", "1 día", "3 días", "dentro de 3 días", "hace 2 días", "hoy"),
    ],
)
def test_dates_relative_days_and_plurals(code, day, one, three, ahead, behind, today):
    with language.using(code):
        assert numbers.day(date(2026, 11, 30)) == day
        assert (numbers.days(1), numbers.days(3)) == (one, three)
        assert (numbers.from_today(3), numbers.from_today(-2), numbers.from_today(0)) == (ahead, behind, today)


def test_a_refusal_is_said_in_german_and_stays_english_as_text():
    from workshop.domain.errors import InvalidInput
    from workshop.domain.text import clean_int, clean_text

    with pytest.raises(InvalidInput) as empty:
        clean_text("  ", "Display name")
    assert str(empty.value) == "Display name cannot be empty."
    assert empty.value.text("de") == "Anzeigename darf nicht leer sein."
    with pytest.raises(InvalidInput) as budget:
        clean_int(99, "Votes per person", low=1, high=20)
    assert budget.value.text("de") == "Stimmen pro Person muss eine ganze Zahl von 1 bis 20 sein."
    with language.using("de"):
        assert budget.value.text() == budget.value.text("de")
    assert budget.value.text() == str(budget.value) == "Votes per person must be a whole number from 1 to 20."


def test_charts_write_their_axes_with_the_languages_symbols():
    assert numbers.chart_locale() is None  # English: the chart renderer's own
    with language.using("de"):
        figures = numbers.chart_locale()
    assert figures["number"] == {
        "decimal": ",",
        "thousands": ".",
        "grouping": [3],
        "currency": ["", f"{NBSP}€"],
        "percent": f"{NBSP}%",
        "minus": "-",
    }
    assert figures["time"]["date"] == "%d.%m.%y" and figures["time"]["time"] == "%H:%M:%S"
    assert figures["time"]["days"][0] == "Sonntag" and figures["time"]["shortMonths"][11] == "Dez."
    with language.using("nl"):
        assert numbers.chart_locale()["number"]["currency"] == [f"€{NBSP}", ""]
    with language.using("fr"):
        assert numbers.chart_locale()["time"]["months"][:2] == ["janvier", "février"]


def test_the_pseudo_language_borrows_english_figures(monkeypatch):
    monkeypatch.setenv("WORKSHOP_PSEUDO_LOCALE", "1")
    with language.using(language.PSEUDO):
        assert language.current() == language.PSEUDO
        assert numbers.money(1_234_567.0) == "€1,234,567/yr"
