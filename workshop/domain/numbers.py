"""One number format for every screen and file: priorities, money, percentages, measures, plurals.

The same initiative's ROI must read the same on the projector, on the summary, in the
Markdown, the PDF and the spreadsheet. Python's `round` and `f"{x:.2f}"` round binary
floats (0.975 is stored as 0.97499…), so two paths through the code could print 0.97
and 0.98. Every figure here is first snapped to `SNAP_PLACES` decimals, then rounded half
up with `Decimal`, so a value and its already-rounded copy always print alike.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from typing_extensions import TypeIs

PRIORITY_PLACES = 2  # ROI and WSJF
MEASURE_PLACES = 2  # medians, baselines, targets, check-in values
PERCENT_PLACES = 0  # progress and confidence
SNAP_PLACES = 9  # float noise below this is ignored before rounding
MISSING = "—"
CURRENCY = "€"
PER_YEAR = "/yr"


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
    """Rounded, thousands separated, trailing zeros dropped: 1,250.5 · 40 · 0.98."""
    text = f"{rounded(value, places):,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def priority_value(value: float | None) -> float | None:
    """An ROI or WSJF figure as stored in tables and spreadsheets."""
    return None if _missing(value) else rounded(float(value), PRIORITY_PLACES)


def priority(value: float | None) -> str:
    """An ROI or WSJF figure as text, always with two decimals: 0.98, 2.10."""
    if _missing(value):
        return MISSING
    return f"{rounded(float(value), PRIORITY_PLACES):.{PRIORITY_PLACES}f}"


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
    return f"{_decimal_text(float(value), PERCENT_PLACES)}%"


def share(fraction: float | None) -> str:
    """A fraction (0.54) written as a percentage (54%)."""
    return MISSING if _missing(fraction) else percent(float(fraction) * 100)


def money(value: float | None) -> str:
    """A yearly money estimate in full: €900,000/yr (empty when none was given)."""
    if _missing(value):
        return ""
    return f"{CURRENCY}{_decimal_text(float(value), 0)}{PER_YEAR}"


def money_short(value: float | None) -> str:
    """A yearly money estimate short enough for a chart label: €1.3M/yr, €900k/yr."""
    if _missing(value):
        return ""
    amount = float(value)
    if abs(amount) >= 1_000_000:
        return f"{CURRENCY}{_decimal_text(amount / 1_000_000, 1)}M{PER_YEAR}"
    if abs(amount) >= 1_000:
        return f"{CURRENCY}{_decimal_text(amount / 1_000, 0)}k{PER_YEAR}"
    return money(amount)


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 vote`, `2 votes`, `1 day`: never `vote(s)`."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def when(ts: float | None, seconds: bool = False) -> str:
    """A stored moment as every screen, file and the command line print it: UTC, to the minute.

    One zone everywhere, so a workshop held at 09:00 reads the same on the server's console, in
    the portfolio and in the summary, whatever zone each machine runs in. The audit trail asks
    for `seconds`: two changes in one minute still read in order.
    """
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")
