"""One number format for every screen and file: priorities, money, percentages, measures, plurals.

Every figure is written in the current language (`language.current()`) with CLDR's symbols
through Babel: `1,200,000` in English, `1.200.000` in German, `1 200 000` in French (a narrow
no-break space). English keeps the app's own compact forms (`€900,000/yr`); the others take
CLDR's currency and percent patterns, so no screen formats a number by hand.

The same initiative's ROI must read the same on the projector, on the summary, in the
Markdown, the PDF and the spreadsheet. Python's `round` and `f"{x:.2f}"` round binary
floats (0.975 is stored as 0.97499…), so two paths through the code could print 0.97
and 0.98. Every figure here is first snapped to `SNAP_PLACES` decimals, then rounded half
up with `Decimal`, so a value and its already-rounded copy always print alike.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale, UnknownLocaleError
from babel import dates as cldr_dates
from babel import numbers as cldr
from typing_extensions import TypeIs

from workshop.domain.language import SOURCE, _, current, ngettext

PRIORITY_PLACES = 2  # ROI and WSJF
MEASURE_PLACES = 2  # medians, baselines, targets, check-in values
PERCENT_PLACES = 0  # progress and confidence
SNAP_PLACES = 9  # float noise below this is ignored before rounding
MISSING = "—"
CURRENCY = "€"
CURRENCY_CODE = "EUR"
PER_YEAR = "/yr"


def _locale() -> str | None:
    """The CLDR locale of the current language, or None for English (the app's own forms)."""
    code = current()
    if code == SOURCE:
        return None
    try:
        Locale.parse(code)
    except (ValueError, LookupError, UnknownLocaleError):  # UnknownLocaleError is neither
        return None  # a pseudo or unknown language borrows English figures
    return code


def _missing(value: Any) -> TypeIs[None]:
    """No figure to show: nothing, NaN or not a number (typed as None so the rest is a number)."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


UNROUNDED = 1e15  # figures this large are shown as they are


def rounded(value: float, places: int) -> float:
    """`value` rounded half up to `places` decimals (the one rounding rule of the app)."""
    if not math.isfinite(float(value)) or abs(float(value)) >= UNROUNDED:
        return float(value)  # nothing left to round, and Decimal would overflow its precision
    snapped = Decimal(repr(round(float(value), SNAP_PLACES)))
    return float(snapped.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _decimal_text(value: float, places: int) -> str:
    """Rounded, thousands separated, trailing zeros dropped: 1,250.5 · 40 · 0.98 (1.250,5 in German)."""
    locale = _locale()
    if locale is not None:
        figure = _exact(rounded(value, places))
        return cldr.format_decimal(0 if figure == 0 else figure, format=_pattern(places), locale=locale)
    text = f"{rounded(value, places):,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def chart_locale() -> dict[str, Any] | None:
    """The current language's number and date symbols as a Vega locale (`config.locale`), so every
    chart, on a page or in the PDF, writes its axes as the rest of the screen (`0,5`, `1.200`, `déc.`
    in French); None in English, Vega's own."""
    locale = _locale()
    if locale is None:
        return None
    amount = _euros(1.0)
    before, _one, after = amount.partition("1")
    number = {
        "decimal": cldr.get_decimal_symbol(locale),
        "thousands": cldr.get_group_symbol(locale),
        "grouping": [3],
        "currency": [before, after],
        "percent": cldr.format_percent(0, locale=locale).replace("0", "", 1),
        "minus": cldr.get_minus_sign_symbol(locale),
    }
    return {"number": number, "time": _time_locale(Locale.parse(locale))}


# CLDR date fields as d3-time-format writes them: (field letter, width) -> directive.
_D3_FIELDS = {
    ("d", 1): "%-d", ("d", 2): "%d", ("M", 1): "%-m", ("M", 2): "%m", ("M", 3): "%b", ("M", 4): "%B",
    ("L", 1): "%-m", ("L", 2): "%m", ("L", 3): "%b", ("L", 4): "%B", ("y", 1): "%Y", ("y", 2): "%y",
    ("y", 4): "%Y", ("H", 1): "%-H", ("H", 2): "%H", ("h", 1): "%-I", ("h", 2): "%I", ("m", 2): "%M",
    ("s", 2): "%S", ("a", 1): "%p", ("E", 1): "%a", ("E", 2): "%a", ("E", 3): "%a", ("E", 4): "%A",
}  # fmt: skip


def _d3_pattern(pattern: str) -> str:
    """A CLDR date pattern ("dd.MM.y") as a d3-time-format specifier ("%d.%m.%Y")."""
    out = []
    for _kind, value in cldr_dates.tokenize_pattern(pattern):
        if isinstance(value, tuple):  # a field: its letter and width
            out.append(_D3_FIELDS.get(value, ""))
        else:
            out.append(str(value).replace("%", "%%"))
    return "".join(out)


def _time_locale(locale: Locale) -> dict[str, Any]:
    """A d3-time-format locale from CLDR: month and day names, the date and time patterns."""
    date_pattern = _d3_pattern(locale.date_formats["short"].pattern)
    time_pattern = _d3_pattern(locale.time_formats["medium"].pattern)
    joined = str(locale.datetime_formats["medium"]).replace("{1}", "%x").replace("{0}", "%X")
    week = [6, 0, 1, 2, 3, 4, 5]  # d3 starts the week on Sunday, CLDR's numbering on Monday
    days, months = locale.days["format"], locale.months["format"]
    return {
        "dateTime": joined,
        "date": date_pattern,
        "time": time_pattern,
        "periods": [locale.day_periods["format"]["abbreviated"].get(p, p.upper()) for p in ("am", "pm")],
        "days": [days["wide"][n] for n in week],
        "shortDays": [days["abbreviated"][n] for n in week],
        "months": [months["wide"][n] for n in range(1, 13)],
        "shortMonths": [months["abbreviated"][n] for n in range(1, 13)],
    }


def _exact(value: float) -> Decimal:
    """A rounded float as the Decimal it prints as (so Babel rounds nothing again)."""
    return Decimal(repr(value)) if math.isfinite(value) else Decimal(0)


def _pattern(places: int) -> str:
    """The CLDR pattern for a grouped figure with up to `places` decimals."""
    return "#,##0" + ("." + "#" * places if places else "")


def whole(count: int) -> str:
    """A count as a sentence names it: 1,200 (1.200 in German)."""
    return _decimal_text(float(count), 0)


def priority_value(value: float | None) -> float | None:
    """An ROI or WSJF figure as stored in tables and spreadsheets."""
    return None if _missing(value) else rounded(float(value), PRIORITY_PLACES)


def priority(value: float | None) -> str:
    """An ROI or WSJF figure as text, always with two decimals: 0.98, 2.10."""
    if _missing(value):
        return MISSING
    figure = rounded(float(value), PRIORITY_PLACES)
    locale = _locale()
    if locale is not None and math.isfinite(figure):
        return cldr.format_decimal(_exact(figure), format="0." + "0" * PRIORITY_PLACES, locale=locale)
    return f"{figure:.{PRIORITY_PLACES}f}"


def measure(value: float | None, unit: str = "") -> str:
    """A median, baseline, target or measured value: 40 · 7.5 · 1,200 pages/week."""
    if _missing(value):
        return MISSING
    text = _decimal_text(float(value), MEASURE_PLACES)
    return f"{text} {unit}" if unit else text


def percent_value(value: float | None) -> float | None:
    """A percentage (0–100 scale) as stored in tables."""
    return None if _missing(value) else rounded(float(value), PERCENT_PLACES)


def percent(value: float | None) -> str:
    """A percentage given on the 0–100 scale: 54 % is written 54%."""
    if _missing(value):
        return MISSING
    locale = _locale()
    if locale is not None:
        figure = _exact(rounded(float(value), PERCENT_PLACES)) / 100
        return cldr.format_percent(figure, locale=locale)
    return f"{_decimal_text(float(value), PERCENT_PLACES)}%"


def share(fraction: float | None) -> str:
    """A fraction (0.54) written as a percentage (54%)."""
    return MISSING if _missing(fraction) else percent(float(fraction) * 100)


def money(value: float | None) -> str:
    """A yearly money estimate in full: €900,000/yr (empty when none was given)."""
    if _missing(value):
        return ""
    return _yearly(_euros(float(value)))


def _yearly(amount: str) -> str:
    """A money amount per year: €900,000/yr (900.000 €/Jahr in German)."""
    if _locale() is None:
        return f"{amount}{PER_YEAR}"
    return _("{amount}/yr").format(amount=amount)


def _euros(amount: float) -> str:
    """A whole amount of euros in the current language's currency pattern: €900,000 · 900.000 €."""
    locale = _locale()
    if locale is None:
        return f"{CURRENCY}{_decimal_text(amount, 0)}"
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
    figure = _exact(rounded(amount, 0))
    return cldr.format_currency(figure, CURRENCY_CODE, format=pattern, locale=locale, currency_digits=False)


def money_short(value: float | None) -> str:
    """A yearly money estimate short enough for a chart label: €1.3M/yr, €900k/yr."""
    if _missing(value):
        return ""
    amount = float(value)
    locale = _locale()
    if locale is not None:
        if abs(amount) < 1_000_000 or not math.isfinite(amount):
            return money(amount)
        short = cldr.format_compact_currency(
            _exact(rounded(amount / 1_000_000, 1) * 1_000_000), CURRENCY_CODE, fraction_digits=1, locale=locale
        )
        return _yearly(short)
    if abs(amount) >= 1_000_000:
        return f"{CURRENCY}{_decimal_text(amount / 1_000_000, 1)}M{PER_YEAR}"
    if abs(amount) >= 1_000:
        return f"{CURRENCY}{_decimal_text(amount / 1_000, 0)}k{PER_YEAR}"
    return money(amount)


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 vote`, `2 votes`, `1 day`: never `vote(s)` (English words; a sentence in the current
    language takes `ngettext("{n} vote", "{n} votes", n).format(n=whole(n))`)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def days(count: int) -> str:
    """A number of days: "3 days" (3 Tage), with the language's plural rule."""
    return ngettext("{n} day", "{n} days", count).format(n=whole(count))


DAY = "yMMMd"  # CLDR's skeleton for a day as a page shows it: Nov 30, 2026 · 30. Nov. 2026


def day(value: date | None) -> str:
    """A calendar day as a person reads it: Nov 30, 2026 · 30. Nov. 2026 · 30 nov. 2026 (a file's
    data column or a date input keeps ISO 2026-11-30, which a machine reads)."""
    if value is None:
        return ""
    return cldr_dates.format_skeleton(DAY, value, locale=_locale() or SOURCE)


def from_today(count: int) -> str:
    """A day relative to today: "today", "in 3 days", "2 days ago" (CLDR's words elsewhere)."""
    if count == 0:
        return _("today")
    locale = _locale()
    if locale is None:
        return f"in {days(count)}" if count > 0 else f"{days(-count)} ago"
    span = timedelta(days=count)
    return cldr_dates.format_timedelta(span, granularity="day", threshold=1e9, add_direction=True, locale=locale)


def when(ts: float | None, seconds: bool = False) -> str:
    """A stored moment as every screen, file and the command line print it: UTC, to the minute.

    One zone everywhere, so a workshop held at 09:00 reads the same on the server's console, in
    the portfolio and in the summary, whatever zone each machine runs in. The audit trail asks
    for `seconds`: two changes in one minute still read in order.
    """
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")
