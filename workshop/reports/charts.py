"""Charts of a workshop snapshot, sized and lettered to be read from the back of a room.

Every chart is a pure function of a `Snapshot` (and `now` where time matters) returning an
Altair chart, so the summary page, the projector view and the PDF show the same picture
and tests can check the Vega-Lite spec without a browser. The data behind each chart is
built by a small frame helper that the spreadsheet and CSV exports reuse, so a number
on a chart and the same number in a table cannot disagree.

Participant text only ever reaches a chart as data (text marks, axis labels, tooltips),
which Vega draws literally; it is never interpreted as Markdown or HTML.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from workshop.domain import numbers
from workshop.domain.followup import STATUS_COLOURS, STATUSES, Track
from workshop.domain.language import N_, _, ngettext
from workshop.domain.readiness import AREA_KEYS, AREAS, TITLE, WEAK_SCORE, Held, Results
from workshop.domain.snapshot import Snapshot
from workshop.domain.vocabulary import (
    DIMENSIONS,
    OUTCOMES,
    method_by_key,
)
from workshop.reports import labels as layout
from workshop.reports.frames import (
    BASELINE,
    CONTAIN,
    DO_FIRST,
    NAMED,
    OTHER,
    PLAN,
    QUADRANTS,
    RECONSIDER,
    UNRATED,
    URGENCY_MIDPOINT,
    impact_cells_frame,
    initiatives_frame,
    priority_midpoint,
    progress_frame,
    readiness_frame,
    readiness_trend_frame,
    steps_frame,
)

# Projector sizes: readable from ~10 m on a 1080p beamer (no chart text below 20 px).
LABEL_SIZE = 20
TITLE_SIZE = 22
HEADLINE_SIZE = 26
MARK_TEXT_SIZE = 20
PROJECTOR_TEXT = 24  # the projector's smallest chart text at 1080p, like every other text on it
# A chart's `usermeta` that has Streamlit draw it as SVG: every text a node that can be measured.
SVG: dict[str, Any] = {"embedOptions": {"renderer": "svg"}}
SCREEN_FONT = '"Source Sans", "Source Sans Pro", sans-serif'  # the app's own font, as on the rest of the screen
BOLD_WIDTH = 1.1  # bold text is about this much wider than regular
WIDTH = 720
HEIGHT = 440

QUADRANT_COLOURS: tuple[str, ...] = ("#1b7837", "#2166ac", "#d6604d", "#7f7f7f")


# --- chart plumbing ----------------------------------------------------------------------


def projector(chart: Any, text: int = LABEL_SIZE) -> Any:
    """Large type everywhere (`text` px at the least, titles a little larger) and the current
    language on every axis; applied last because a configured chart cannot be layered again."""
    title, headline = text + TITLE_SIZE - LABEL_SIZE, text + HEADLINE_SIZE - LABEL_SIZE
    return in_language(
        chart.configure_axis(labelFontSize=text, titleFontSize=title, labelLimit=420, titlePadding=12, gridOpacity=0.5)
        .configure_legend(labelFontSize=text, titleFontSize=title, symbolSize=220, labelLimit=320, titleLimit=320)
        .configure_title(fontSize=headline, subtitleFontSize=text, anchor="start", offset=12)
        .configure_header(labelFontSize=title, titleFontSize=title)
        .configure_view(stroke=None)
    )


def in_language(chart: Any) -> Any:
    """A chart whose axes write numbers and dates in the current language (`2,4` and `déc.` in
    French), on a page (vega-embed) and in the PDF (vl-convert) alike; English keeps Vega's own."""
    figures = numbers.chart_locale()
    if figures is None:
        return chart
    if chart.config is alt.Undefined:
        chart = chart.configure()
    chart.config.locale = alt.Locale(**figures)
    return chart


def on_screen(chart: Any) -> Any:
    """A configured chart as a live screen draws it: as SVG and in the app's font (the PDF keeps
    its own font, which every script it prints needs)."""
    drawn = chart.properties(usermeta=SVG)
    drawn.config.font = SCREEN_FONT
    return drawn


def _message(title: str, message: str, width: int, text: int = LABEL_SIZE) -> alt.Chart:
    """An empty state that still renders: the chart says what is missing instead of failing."""
    chart = (
        alt.Chart(pd.DataFrame({"message": [message]}))
        .mark_text(fontSize=text + HEADLINE_SIZE - LABEL_SIZE - 2, color="#555555")
        .encode(text="message:N")
    )
    return projector(chart.properties(title=title, width=width, height=140), text)


def _fmt_minutes(value: float) -> str:
    return _("{minutes} min").format(minutes=numbers.measure(value))


# --- the charts ----------------------------------------------------------------------

# Streamlit fits a whole chart (axes, titles, legend) into its spec size, while vl-convert
# gives the plot itself that size; labels are laid out on the smaller plot, which only
# moves them further apart when the plot turns out larger.
ROOM_X = 110  # y-axis title and labels
ROOM_Y = 150  # title, subtitle and x axis
URGENCY_DOMAIN = (0.5, 10.5)
POINT_SIZE = 420  # circle area in px²
POINT_RADIUS = (POINT_SIZE / math.pi) ** 0.5 + 1.5  # with its white stroke
CORNER_URGENCY = (0.65, 10.35)
CORNER_HEIGHT = (0.97, 0.03)  # share of the y range where the quadrant names sit


def _corners(y_max: float) -> pd.DataFrame:
    low, high = CORNER_URGENCY
    top, bottom = (y_max * share for share in CORNER_HEIGHT)
    return pd.DataFrame(
        [
            {"quadrant": _(PLAN), "urgency": low, "priority": top, "side": "left"},
            {"quadrant": _(DO_FIRST), "urgency": high, "priority": top, "side": "right"},
            {"quadrant": _(RECONSIDER), "urgency": low, "priority": bottom, "side": "left"},
            {"quadrant": _(CONTAIN), "urgency": high, "priority": bottom, "side": "right"},
        ]
    )


@dataclass(frozen=True)
class RoiPlot:
    """The plot the ROI labels are laid out on: its size in px, its top, the median line's height
    and the text size."""

    width: int
    height: int
    y_max: float
    midpoint: float
    text: int


def _place_roi_labels(points: pd.DataFrame, corners: pd.DataFrame, plot: RoiPlot, short_only: bool) -> pd.DataFrame:
    """Label text and position for each point, placed in rank order so that none overlap and
    none sits on a dashed median line, and all of one kind: titles where every title finds a free
    place, else every point its rank number ("#2", as in the plan table). A point whose number
    does not fit either stays unlabelled (its tooltip remains).
    """
    low, high = URGENCY_DOMAIN
    width, height, y_max = plot.width, plot.height, plot.y_max

    def px(urgency: float, priority: float) -> tuple[float, float]:
        return (urgency - low) / (high - low) * width, (1 - priority / y_max) * height

    mid_x, mid_y = px(URGENCY_MIDPOINT, plot.midpoint)
    corner_boxes = [
        layout.text_box(*px(r.urgency, r.priority), r.quadrant, (plot.text + 2) * BOLD_WIDTH, r.side)
        for r in corners.itertuples()
    ] + [layout.Box(mid_x - 1, 0, mid_x + 1, height), layout.Box(0, mid_y - 1, width, mid_y + 1)]
    ordered = points.sort_values("rank", kind="stable")
    spots = [px(r.urgency, r.priority) for r in ordered.itertuples()]

    def place(short: bool) -> list[tuple[layout.Placement, str] | None]:
        options = [([f"#{r.rank}"] if short else [r.label]) if r.labelled else [] for r in ordered.itertuples()]
        return layout.place(
            spots, options, size=plot.text, radius=POINT_RADIUS, width=width, height=height, obstacles=corner_boxes
        )

    placed = None if short_only else place(short=False)
    if placed is None or any(found is None for found, r in zip(placed, ordered.itertuples()) if r.labelled):
        placed = place(short=True)
    rows = []
    for found in placed:
        spot, text = found if found else (layout.Placement(0.0, 0.0, ""), "")
        rows.append(
            {
                "label_text": text,
                "label_align": spot.align,
                "label_x": round(low + spot.x / width * (high - low), 4),
                "label_y": round(y_max * (1 - spot.y / height), 4),
            }
        )
    return points.assign(**pd.DataFrame(rows, index=ordered.index).reindex(points.index).to_dict("series"))


def _roi_notes(method_formula: str, unscored: int, points: pd.DataFrame) -> list[str]:
    notes = [_(method_formula)]
    if unscored:
        said = ngettext("{n} unscored initiative not shown", "{n} unscored initiatives not shown", unscored)
        notes.append(said.format(n=numbers.whole(unscored)))
    if points["label_text"].str.startswith("#").any():
        notes.append(_("#n = rank in the plan"))
    missing = int((points["labelled"] & (points["label_text"] == "")).sum())
    if missing:
        said = ngettext(
            "{n} label left out where labels would overlap", "{n} labels left out where labels would overlap", missing
        )
        notes.append(said.format(n=numbers.whole(missing)))
    return notes


ROI_POINT_COLUMNS: tuple[str, ...] = (
    "no",
    "rank",
    "position",
    "title",
    "label",
    "value",
    "effort",
    "urgency",
    "confidence",
    "spread",
    "disputed",
    "roi",
    "wsjf",
    "priority",
    "priority_text",
    "quadrant",
    "scorers",
)


def _roi_y_max(scored: pd.DataFrame, midpoint: float) -> float:
    """Top of the priority axis: room above the best point and the midpoint line, never zero."""
    return round(max(float(scored["priority"].max()) * 1.18, midpoint * 1.5, 0.5), 2)


def _roi_points(scored: pd.DataFrame, labels: int) -> pd.DataFrame:
    """The plotted columns of the scored initiatives, with which of them may carry a label."""
    points = scored[list(ROI_POINT_COLUMNS)].copy()
    points["labelled"] = points["rank"].rank(method="first") <= labels
    return points


def _roi_scales(y_max: float) -> tuple[alt.Scale, alt.Scale]:
    """Fixed urgency and priority scales, shared by the points and their placed labels."""
    return alt.Scale(domain=list(URGENCY_DOMAIN), nice=False), alt.Scale(domain=[0, y_max], nice=False)


def _quadrant_colour() -> alt.Color:
    """One colour per quadrant, the same for a point and its quadrant's name."""
    return alt.Color(
        "quadrant:N", scale=alt.Scale(domain=[_(q) for q in QUADRANTS], range=list(QUADRANT_COLOURS)), legend=None
    )


def _roi_tooltip(method_title: str) -> list[alt.Tooltip]:
    """What hovering a point or its label tells: the medians, spread and priority behind it."""
    return [
        alt.Tooltip("title:N", title=_("Initiative")),
        alt.Tooltip("rank:Q", title=_("Rank")),
        alt.Tooltip("value:Q", title=_("Value")),
        alt.Tooltip("effort:Q", title=_("Effort")),
        alt.Tooltip("urgency:Q", title=_("Urgency")),
        alt.Tooltip("confidence:Q", title=_("Confidence %")),
        alt.Tooltip("spread:N", title=_("Spread (max − min)")),
        alt.Tooltip("priority_text:N", title=method_title),
        alt.Tooltip("scorers:Q", title=_("Scored by")),
    ]


def _roi_point_layer(points: pd.DataFrame, method_title: str, x_scale: alt.Scale, y_scale: alt.Scale) -> alt.Chart:
    """One circle per scored initiative, coloured by the quadrant it falls in."""
    x = alt.X(
        "urgency:Q",
        title=_("Urgency (room median, 1–10)"),
        scale=x_scale,
        axis=alt.Axis(values=list(range(1, 11)), format="d"),
    )
    y = alt.Y("priority:Q", title=_("{method} (from median scores)").format(method=method_title), scale=y_scale)
    return (
        alt.Chart(points)
        .mark_circle(size=POINT_SIZE, opacity=0.9, stroke="white", strokeWidth=1.5)
        .encode(x=x, y=y, color=_quadrant_colour(), tooltip=_roi_tooltip(method_title))
    )


def _roi_label_layers(
    points: pd.DataFrame, method_title: str, x_scale: alt.Scale, y_scale: alt.Scale, text: int
) -> list[alt.Chart]:
    """The placed labels, one layer per text alignment since a mark has a single `align`."""
    return [
        alt.Chart(points)
        .transform_filter(f"datum.label_align === '{align}'")
        .mark_text(align=align, baseline="middle", fontSize=text)
        .encode(
            x=alt.X("label_x:Q", scale=x_scale),
            y=alt.Y("label_y:Q", scale=y_scale),
            text="label_text:N",
            tooltip=_roi_tooltip(method_title),
        )
        for align in ("left", "right", "center")
    ]


def _roi_rules(midpoint: float) -> list[alt.Chart]:
    """The dashed quadrant lines: mid urgency across, median priority up."""
    return [
        alt.Chart(pd.DataFrame({"urgency": [URGENCY_MIDPOINT]}))
        .mark_rule(strokeDash=[8, 6], color="#444444", strokeWidth=2)
        .encode(x="urgency:Q"),
        alt.Chart(pd.DataFrame({"priority": [round(midpoint, 4)]}))
        .mark_rule(strokeDash=[8, 6], color="#444444", strokeWidth=2)
        .encode(y="priority:Q"),
    ]


def _quadrant_name_layers(corners: pd.DataFrame, text: int) -> list[alt.Chart]:
    """Each quadrant's name in its outer corner, aligned inwards so it stays inside the plot."""
    return [
        alt.Chart(corners[corners["side"] == side])
        .mark_text(align=side, baseline="middle", fontSize=text + 2, fontWeight="bold", opacity=0.75)
        .encode(x="urgency:Q", y="priority:Q", text="quadrant:N", color=_quadrant_colour())
        for side in ("left", "right")
    ]


def roi_urgency(
    snapshot: Snapshot,
    *,
    labels: int = 12,
    width: int = WIDTH,
    height: int = HEIGHT,
    text: int = MARK_TEXT_SIZE,
    titles: bool = True,
) -> alt.LayerChart | alt.Chart:
    """Scored initiatives by urgency (x) and the workshop's priority formula (y), in quadrants.

    Points carry their (shortened) title where it fits without touching another label,
    point or median line, else their rank number; with more than `labels` scored initiatives,
    or without `titles` (the projector, whose ranking beside the chart names them), every
    labelled point carries its rank number, so all read the same way; only the best-ranked
    `labels` are marked, since more text would be unreadable on a projector. Every point keeps
    its tooltip. `text` is the smallest text size in px.
    """
    method = method_by_key(snapshot.method)
    frame = initiatives_frame(snapshot)
    scored = frame[frame["scorers"] > 0].copy()
    if scored.empty:
        heading = _("{method} × urgency").format(method=method.title)
        return _message(heading, _("No initiative has been scored yet."), width, text)
    midpoint = float(priority_midpoint(snapshot) or 0.0)
    y_max = _roi_y_max(scored, midpoint)
    corners = _corners(y_max)
    plot = RoiPlot(width - ROOM_X, height - ROOM_Y, y_max, midpoint, text)
    points = _place_roi_labels(
        _roi_points(scored, labels), corners, plot, short_only=not titles or len(scored) > labels
    )
    title = alt.TitleParams(
        _("{method} × urgency").format(method=method.title),
        subtitle=[" · ".join(_roi_notes(method.formula, len(frame) - len(scored), points))],
    )
    x_scale, y_scale = _roi_scales(y_max)
    chart = alt.layer(
        *_roi_rules(midpoint),
        *_quadrant_name_layers(corners, text),
        _roi_point_layer(points, method.title, x_scale, y_scale),
        *_roi_label_layers(points, method.title, x_scale, y_scale, text),
    ).properties(title=title, width=width, height=height)
    return projector(chart, text)


IMPACT_ROW = 84  # px per outcome when the chart may grow: its name's line, then its bubbles
IMPACT_NAME_LINE = 26  # px of that row for the outcome's name, written above its bubbles
IMPACT_MIN_ROW = 30  # px per outcome row when a fixed height is shared (20 px labels)
BUBBLE_MAX = 2400  # px² of the largest bubble
MONEY_ROOM = 80  # px kept free right of the last column's bubbles for its € label


def _impact_axes(outcomes: list[str], names_above: bool) -> tuple[alt.X, alt.Y]:
    """Dimensions as columns headed at the top, outcomes as rows in the catalogue's order.

    With `names_above` the outcomes are named by a text layer above their row instead of an axis
    beside it, so on a phone the columns keep the page's width.
    """
    dimensions = [_(d.title) for d in DIMENSIONS]
    x = alt.X(
        "dimension_title:N",
        title=None,
        sort=dimensions,
        scale=alt.Scale(domain=dimensions, range=[0, {"expr": f"width - {MONEY_ROOM}"}]),
        axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold", domain=False, ticks=False),
    )
    axis = None if names_above else alt.Axis(domain=False, ticks=False)
    y = alt.Y("outcome_title:N", title=None, sort=outcomes, axis=axis)
    return x, y


def _impact_names(outcomes: list[str], y: alt.Y, text: int) -> alt.Chart:
    """Each outcome's name on its own line at the top of its row, from the left edge."""
    return (
        alt.Chart(pd.DataFrame({"outcome_title": outcomes}))
        .mark_text(
            align="left",
            baseline="middle",
            dy=-(IMPACT_ROW - IMPACT_NAME_LINE) / 2,
            fontSize=text,
            color="#222222",
        )
        .encode(x=alt.value(0), y=y, text="outcome_title:N")
    )


def _impact_tooltip() -> list[alt.Tooltip]:
    """What hovering a cell tells: its counts, worst magnitude, money and the reasons given."""
    return [
        alt.Tooltip("dimension_title:N", title=_("Dimension")),
        alt.Tooltip("outcome_title:N", title=_("Outcome")),
        alt.Tooltip("impacts:Q", title=_("Impacts")),
        alt.Tooltip("magnitude_sum:Q", title=_("Sum of magnitudes")),
        alt.Tooltip("magnitude_max:Q", title=_("Worst magnitude (1–5)")),
        alt.Tooltip("money_label:N", title=_("Money estimate")),
        alt.Tooltip("because:N", title=_("Because")),
    ]


def _impact_height(rows: int, height: int | None) -> int | alt.Step:
    """Plot height: a fixed `height` shared by the rows (never below readable), else a fixed step per
    row, which a page that fits the chart into its box cannot squeeze (rows would overlap)."""
    return max(rows * IMPACT_MIN_ROW, height) if height else alt.Step(IMPACT_ROW)


SIZE_LEGEND_VALUES = 4  # at most this many sizes in the legend


def size_legend_values(sums: Sequence[int]) -> list[int]:
    """Whole, distinct sizes for the legend, spread over the range (never "3, 4, 4, 5, 5")."""
    low, high = int(min(sums)), int(max(sums))
    every = list(range(low, high + 1))
    if len(every) <= SIZE_LEGEND_VALUES:
        return every
    last = len(every) - 1
    return sorted({every[round(n * last / (SIZE_LEGEND_VALUES - 1))] for n in range(SIZE_LEGEND_VALUES)})


def _impact_bubbles(cells: pd.DataFrame, x: alt.X, y: alt.Y, biggest: float, shift: float) -> alt.Chart:
    """One bubble per cell: area = summed magnitude (capped at `biggest`), colour = worst magnitude.

    Both legends sit below the map: on its right they would be cut by a narrow page and collide
    with the money labels of the last column.
    """
    return (
        alt.Chart(cells)
        .mark_circle(opacity=0.9, stroke="#333333", strokeWidth=1, yOffset=shift)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "magnitude_sum:Q",
                title=_("Sum of magnitudes"),
                scale=alt.Scale(range=[min(250, biggest / 3), biggest], zero=False),
                legend=alt.Legend(
                    values=size_legend_values(list(cells["magnitude_sum"])),
                    format="d",
                    orient="bottom",
                    direction="horizontal",
                ),
            ),
            color=alt.Color(
                "magnitude_max:Q",
                title=_("Worst magnitude"),
                scale=alt.Scale(domain=[1, 5], scheme="orangered"),
                legend=alt.Legend(
                    values=[1, 2, 3, 4, 5], format="d", gradientLength=180, orient="bottom", direction="horizontal"
                ),
            ),
            tooltip=_impact_tooltip(),
        )
    )


def _impact_money(cells: pd.DataFrame, x: alt.X, y: alt.Y, biggest: float, shift: float, text: int) -> alt.Chart:
    """Each cell's € estimate just right of the largest possible bubble, so it never overlaps one."""
    return (
        alt.Chart(cells)
        .mark_text(
            align="left",
            baseline="middle",
            dx=round((biggest / math.pi) ** 0.5) + 6,
            dy=shift,
            fontSize=text,
            color="#222222",
        )
        .encode(x=x, y=y, text="money_label:N", tooltip=_impact_tooltip())
    )


IMPACT_NOTE = N_("Bubble: total magnitude · label: yearly € estimate")


def impact_map(
    snapshot: Snapshot, *, width: int = 560, height: int | None = None, text: int = MARK_TEXT_SIZE
) -> alt.LayerChart | alt.Chart:
    """Which dimension hurts which outcome: bubble size = summed magnitude, colour = worst magnitude.

    With `height` (the projector), the outcome rows share that height instead of growing;
    `text` is the smallest text size in px. The chart is not headed "Impact map": every page
    and file that shows it heads its section so.
    """
    cells = impact_cells_frame(snapshot)
    if cells.empty:
        return _message(_(IMPACT_NOTE), _("No impacts recorded yet."), width, text)
    outcomes = [_(o.title) for o in OUTCOMES if o.key in set(cells["outcome"])]
    names_above = height is None
    x, y = _impact_axes(outcomes, names_above)
    chart_height = _impact_height(len(outcomes), height)
    if isinstance(chart_height, int):
        zone, shift = chart_height / max(len(outcomes), 1), 0.0
    else:
        zone, shift = IMPACT_ROW - IMPACT_NAME_LINE, IMPACT_NAME_LINE / 2
    biggest = min(BUBBLE_MAX, math.pi * (zone / 2) ** 2)  # a bubble never spills into the next row
    layers = [_impact_bubbles(cells, x, y, biggest, shift), _impact_money(cells, x, y, biggest, shift, text)]
    if names_above:
        layers.append(_impact_names(outcomes, y, text))
    chart = alt.layer(*layers).properties(
        title=alt.TitleParams(_(IMPACT_NOTE), fontSize=max(text, LABEL_SIZE), fontWeight="normal"),
        width=width,
        height=chart_height,
    )
    return projector(chart, text)


STEP_ROW = 96  # px per step: its name, then its two bars with their 20 px labels, at any page width
STEP_TICKS = 5  # minute ticks: more crowd a phone-wide chart
STEPS_NOTE = N_("Planned against spent minutes")
STEP_NAME = N_("Step")  # the line above a step's two bars that carries its name
PLANNED, SPENT, OVER = N_("Planned"), N_("Spent"), N_("Spent (over plan)")  # the bars, and a spent bar over plan
STEP_LINES = [STEP_NAME, PLANNED, SPENT]
STEP_HEIGHT: Any = {"step": STEP_ROW, "for": "position"}  # a step's height, not each of its bars
STEP_ROOM = 1.35  # the minute scale runs this far past the longest bar, so "21 min" fits beside it


def _step_rows(snapshot: Snapshot, now: float | None) -> tuple[pd.DataFrame, list[str]]:
    """Two bars per step (planned, spent) and the steps' labels in order."""
    frame = steps_frame(snapshot, now)
    rows = []
    for row in frame.itertuples():
        over = row.spent_min > row.planned_min
        for series, kind, minutes in (
            (_(PLANNED), _(PLANNED), row.planned_min),
            (_(SPENT), _(OVER if over else SPENT), row.spent_min),
        ):
            rows.append(
                {
                    "label": row.label,
                    "number": row.number,
                    "series": series,
                    "kind": kind,
                    "minutes": float(minutes),
                    "text": _fmt_minutes(minutes),
                }
            )
    return pd.DataFrame(rows), list(frame["label"])


def time_per_step(snapshot: Snapshot, now: float | None = None, *, width: int = WIDTH) -> alt.LayerChart:
    """Planned against spent minutes per step; an overrun shows in red.

    Each step's name is written above its bars rather than beside them, so the bars keep the
    page's width on a phone. Headed by what it compares, not "Time per step": the section around
    it has that heading.
    """
    data, order = _step_rows(snapshot, now)
    most = max(float(data["minutes"].max()), 1.0)
    x = alt.X(
        "minutes:Q",
        title=_("Minutes"),
        scale=alt.Scale(domain=[0, most * STEP_ROOM], nice=False),
        axis=alt.Axis(tickCount=STEP_TICKS, tickMinStep=1, format="d", labelOverlap="greedy"),
    )
    y = alt.Y("label:N", title=None, sort=order, axis=None)
    lines = [_(line) for line in STEP_LINES]
    offset = alt.YOffset("series:N", sort=lines, scale=alt.Scale(domain=lines))
    base = alt.Chart(data)
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        x=x,
        y=y,
        yOffset=offset,
        color=alt.Color(
            "kind:N",
            title=None,
            scale=alt.Scale(domain=[_(PLANNED), _(SPENT), _(OVER)], range=["#b8b8b8", "#4c78a8", "#d62728"]),
            legend=alt.Legend(orient="top", columns=2),
        ),
        tooltip=[
            alt.Tooltip("label:N", title=_("Step")),
            alt.Tooltip("series:N", title=" "),
            alt.Tooltip("minutes:Q", title=_("Minutes")),
        ],
    )
    labels = base.mark_text(align="left", dx=6, fontSize=MARK_TEXT_SIZE).encode(x=x, y=y, yOffset=offset, text="text:N")
    names = (
        alt.Chart(pd.DataFrame({"label": order, "series": _(STEP_NAME), "minutes": 0.0}))
        .mark_text(align="left", baseline="middle", fontSize=MARK_TEXT_SIZE, fontWeight="bold")
        .encode(x=x, y=y, yOffset=offset, text="label:N")
    )
    chart = alt.layer(bars, labels, names).properties(
        title=alt.TitleParams(_(STEPS_NOTE), fontSize=LABEL_SIZE, fontWeight="normal"),
        width=width,
        height=STEP_HEIGHT,
    )
    return projector(chart)


# --- follow-through ----------------------------------------------------------------------

PROGRESS_POINT_SIZE = 260
PROGRESS_POINT_RADIUS = (PROGRESS_POINT_SIZE / math.pi) ** 0.5 + 1.5


def _dodge_progress_labels(frame: pd.DataFrame, bottom: float, top: float, height: int) -> pd.DataFrame:
    """`label_progress`: where each line's name sits, one text line clear of every other name."""
    last = frame[frame["last"]]
    ys = [(top - p) / (top - bottom) * height for p in last["progress"]]
    placed = layout.dodge(ys, MARK_TEXT_SIZE, height)
    spots = pd.Series([round(top - y / height * (top - bottom), 3) for y in placed], index=last.index)
    return frame.assign(label_progress=spots.reindex(frame.index))


def _progress_range(frame: pd.DataFrame) -> tuple[float, float]:
    """Bottom and top of the progress axis: 0–110 % at least, with room beyond any outlier."""
    top = max(110.0, float(frame["progress"].max()) + 10)
    bottom = min(0.0, float(frame["progress"].min()) - 10)
    return bottom, top


def _progress_tooltip() -> list[alt.Tooltip]:
    """What hovering a point tells: the measured value in its own unit beside the progress."""
    return [
        alt.Tooltip("initiative:N", title=_("Initiative")),
        alt.Tooltip("owner:N", title=_("Owner")),
        alt.Tooltip("metric:N", title=_("Metric")),
        alt.Tooltip("date:T", title=_("Date"), format="%Y-%m-%d"),
        alt.Tooltip("value_text:N", title=_("Value")),
        alt.Tooltip("target_text:N", title=_("Target")),
        alt.Tooltip("progress_text:N", title=_("Progress")),
        alt.Tooltip("status:N", title=_("Status")),
        alt.Tooltip("note:N", title=_("Note")),
    ]


def _progress_lines(frame: pd.DataFrame, x: alt.X, y: alt.Y) -> alt.Chart:
    """One muted line per initiative, in date order, so the coloured points stand out."""
    return (
        alt.Chart(frame)
        .mark_line(strokeWidth=3, opacity=0.55, color="#5b6b80")
        .encode(x=x, y=y, detail="initiative_id:N", order="date:T")
    )


def progress_statuses() -> list[str]:
    """The progress chart's colour domain in the current language: the baseline, then each status."""
    return [_(BASELINE), *(_(title) for title in STATUSES.values())]


def _progress_points(frame: pd.DataFrame, x: alt.X, y: alt.Y) -> alt.Chart:
    """The baseline and every check-in, coloured by the status the owner reported."""
    statuses = progress_statuses()
    return (
        alt.Chart(frame)
        .mark_circle(size=PROGRESS_POINT_SIZE, opacity=1, stroke="#ffffff", strokeWidth=1.5)
        .encode(
            x=x,
            y=y,
            tooltip=_progress_tooltip(),
            color=alt.Color(
                "status:N",
                title=_("Status"),
                scale=alt.Scale(domain=statuses, range=["#9e9e9e", *(STATUS_COLOURS[k] for k in STATUSES)]),
                legend=alt.Legend(orient="top"),
            ),
        )
    )


def _progress_labels(frame: pd.DataFrame, x: alt.X, y_scale: alt.Scale) -> alt.Chart:
    """Initiative names beside the latest points, at their dodged heights (`label_progress`).

    Latest points sit at the right edge, so their labels go to the left, stacked apart.
    """
    return (
        alt.Chart(frame)
        .transform_filter("datum.last")
        .mark_text(
            align="right",
            baseline="middle",
            dx=-round(PROGRESS_POINT_RADIUS + layout.GAP),
            fontSize=MARK_TEXT_SIZE,
            color="#222222",
        )
        .encode(x=x, y=alt.Y("label_progress:Q", scale=y_scale), text="label:N")
    )


def _progress_guides() -> list[alt.Chart]:
    """Dashed lines at 0 % and 100 %, named, so "baseline" and "target" read without a legend."""
    guides = pd.DataFrame({"progress": [0.0, 100.0], "text": [_(BASELINE), _("Target")]})
    rules = alt.Chart(guides).mark_rule(strokeDash=[6, 4], color="#333333").encode(y="progress:Q")
    rule_text = (
        alt.Chart(guides)
        .mark_text(align="left", baseline="bottom", dx=4, dy=-4, fontSize=LABEL_SIZE, color="#333333")
        .encode(y="progress:Q", x=alt.value(0), text="text:N")
    )
    return [rules, rule_text]


def progress_chart(tracks: Sequence[Track], *, width: int = WIDTH, height: int = 360) -> alt.LayerChart | alt.Chart:
    """Each owned initiative's metric over time, as % of the way from baseline to target.

    Different metrics share one axis because each is scaled to its own baseline and target;
    the tooltip shows the measured value in its unit. Points are coloured by status.
    """
    frame = progress_frame(tracks)
    if frame.empty:
        return _message(_("Progress against target"), _("No owned initiatives yet."), width)
    if not any(t.checkins for t in tracks):
        return _message(_("Progress against target"), _("No check-ins recorded yet."), width)
    bottom, top = _progress_range(frame)
    frame = _dodge_progress_labels(frame, bottom, top, height - ROOM_Y)
    x = alt.X("date:T", title=_("Check-in date"), axis=alt.Axis(format="%d %b %Y", labelAngle=0, tickCount=6))
    y_scale = alt.Scale(domain=[bottom, top], nice=False)
    y = alt.Y("progress:Q", title=_("Progress to target (%)"), scale=y_scale)
    chart = alt.layer(
        *_progress_guides(),
        _progress_lines(frame, x, y),
        _progress_points(frame, x, y),
        _progress_labels(frame, x, y_scale),
    ).properties(
        title=alt.TitleParams(
            _("Progress against target"), subtitle=[_("0 % = baseline · 100 % = target · colour = status")]
        ),
        width=width,
        height=height,
    )
    return projector(chart)


# --- the readiness check -----------------------------------------------------------------

AREA_COLOURS: dict[str, str] = dict(zip(AREA_KEYS, ("#2166ac", "#1b7837", "#b35806", "#762a83")))
STATUS_ORDER: tuple[str, ...] = (NAMED, OTHER, UNRATED)
AREA_STATUS_COLOURS: dict[str, str] = {NAMED: "#b2341c", OTHER: "#3b6ea5", UNRATED: "#b8b8b8"}
AREA_ROW = 64  # px per area bar
WEAK_LINE = N_("mostly agree")  # the level the dashed line marks (readiness.WEAK_SCORE)


def _area_bars(frame: pd.DataFrame, text: int) -> tuple[alt.Chart, alt.Chart, alt.Chart]:
    """Bars, and their score written inside the bar's end (outside when the bar is too short)."""
    x = alt.X("plotted:Q", title=_("Score (0 = not at all, 100 = fully)"), scale=alt.Scale(domain=[0, 100], nice=False))
    y = alt.Y("area:N", title=None, sort=[_(a.title) for a in AREAS])
    present = [s for s in STATUS_ORDER if _(s) in set(frame["status"])]
    colour = alt.Color(
        "status:N",
        title=None,
        scale=alt.Scale(domain=[_(s) for s in present], range=[AREA_STATUS_COLOURS[s] for s in present]),
        legend=alt.Legend(orient="top"),
    )
    tooltip = [
        alt.Tooltip("area:N", title=_("Area")),
        alt.Tooltip("score_text:N", title=_("Score")),
        alt.Tooltip("respondents:Q", title=_("Answered by")),
    ]
    base = alt.Chart(frame.assign(plotted=frame["score"].fillna(0.0), inside=frame["score"].fillna(0.0) >= 30))
    bars = base.mark_bar(cornerRadiusEnd=3).encode(x=x, y=y, color=colour, tooltip=tooltip)
    inside = (
        base.transform_filter("datum.inside")
        .mark_text(align="right", dx=-8, color="white", fontSize=text, fontWeight="bold")
        .encode(x=x, y=y, text="score_text:N")
    )
    outside = (
        base.transform_filter("!datum.inside")
        .mark_text(align="left", dx=8, color="#1b1f24", fontSize=text, fontWeight="bold")
        .encode(x=x, y=y, text="score_text:N")
    )
    return bars, inside, outside


def readiness_areas(
    results: Results, *, width: int = WIDTH, height: int | None = None, text: int = MARK_TEXT_SIZE
) -> alt.LayerChart | alt.Chart:
    """The four operating-model areas as bars on 0–100, the weakest named in red, and a line
    where "mostly" agreement sits: areas below it can be named as weak. Without `height` the bars
    get a fixed room each (the PDF); Streamlit fits title, legend and axes into a given height.
    `text` is the smallest text size in px."""
    if not results.respondents:
        return _message(_(TITLE), _("Nobody has answered the readiness check yet."), width, text)
    frame = readiness_frame(results)
    line = pd.DataFrame({"x": [WEAK_SCORE], "label": [_(WEAK_LINE)]})
    rule = alt.Chart(line).mark_rule(strokeDash=[6, 4], color="#444444", size=2).encode(x="x:Q")
    rule_text = (
        alt.Chart(line)
        .mark_text(align="left", baseline="top", dx=6, dy=2, fontSize=text, color="#444444")
        .encode(x="x:Q", text="label:N", y=alt.value(0))
    )
    answered = ngettext("{n} person answered", "{n} people answered", results.respondents)
    title = alt.TitleParams(_("Operating model"), subtitle=[answered.format(n=numbers.whole(results.respondents))])
    bars, inside, outside = _area_bars(frame, text)
    chart = alt.layer(bars, rule, rule_text, inside, outside).properties(  # scores are drawn over the line
        title=title, width=width, height=height or len(frame) * AREA_ROW
    )
    return projector(chart, text)


def readiness_trend(held: Sequence[Held], *, width: int = WIDTH, height: int = 360) -> alt.LayerChart | alt.Chart:
    """How each operating-model area scores from one workshop to the next, oldest first."""
    frame = readiness_trend_frame(held)
    heading = _("Operating model across workshops")
    if frame.empty:
        return _message(heading, _("No workshop here has answers to the readiness check."), width)
    order = list(dict.fromkeys(frame.sort_values("order")["workshop"]))
    x = alt.X("workshop:N", title=None, sort=order, axis=alt.Axis(labelAngle=0))
    y = alt.Y("score:Q", title=_("Score (0–100)"), scale=alt.Scale(domain=[0, 100], nice=False))
    colour = alt.Color(
        "area:N",
        title=None,
        scale=alt.Scale(domain=[a.title for a in AREAS], range=[AREA_COLOURS[a.key] for a in AREAS]),
        legend=alt.Legend(orient="top"),
    )
    tooltip = [
        alt.Tooltip("workshop:N", title=_("Workshop")),
        alt.Tooltip("title:N", title=_("Title")),
        alt.Tooltip("area:N", title=_("Area")),
        alt.Tooltip("score:Q", title=_("Score")),
        alt.Tooltip("respondents:Q", title=_("Answered by")),
    ]
    # Each area sits at its own place within a workshop's column: two areas with the same score
    # (Ecosystem 67, Talent 67) are side by side, not one hidden under the other.
    beside = alt.XOffset("area:N", sort=[a.title for a in AREAS], scale=alt.Scale(domain=[a.title for a in AREAS]))
    base = alt.Chart(frame)
    lines = base.mark_line(strokeWidth=3).encode(x=x, xOffset=beside, y=y, color=colour, detail="area:N")
    points = base.mark_point(filled=True, size=140, opacity=1).encode(
        x=x, xOffset=beside, y=y, color=colour, tooltip=tooltip
    )
    subtitle = _("Each workshop's readiness check, oldest first; 100 = the room fully agrees")
    chart = alt.layer(lines, points).properties(
        title=alt.TitleParams(heading, subtitle=[subtitle]), width=width, height=height
    )
    return projector(chart)
