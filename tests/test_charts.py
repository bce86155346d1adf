"""The charts checked on their Vega-Lite specs: marks, encodings, data and projector sizes."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from statistics import median
from typing import Any

import pytest

from tests.helpers import NOW, reach
from workshop import actions
from workshop.domain import numbers, readiness
from workshop.domain import snapshot as state
from workshop.domain.timer import time_spent
from workshop.domain.vocabulary import DIMENSIONS, OUTCOMES, STEPS
from workshop.reports import charts, frames, labels
from workshop.store.load import load

ROOT = Path(__file__).resolve().parent.parent


# --- spec helpers ----------------------------------------------------------------------


def units(spec: dict[str, Any], inherited: str | None = None) -> list[tuple[dict[str, Any], str | None]]:
    """Every single-view chart in a spec with the name of the dataset it draws."""
    name = spec.get("data", {}).get("name", inherited)
    found: list[tuple[dict[str, Any], str | None]] = []
    if "mark" in spec:
        found.append((spec, name))
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for child in spec.get(key, []):
            found += units(child, name)
    return found


def mark(unit: dict[str, Any]) -> str:
    return unit["mark"] if isinstance(unit["mark"], str) else unit["mark"]["type"]


def rows(spec: dict[str, Any], unit: dict[str, Any], name: str | None) -> list[dict[str, Any]]:
    if "values" in unit.get("data", {}):
        return unit["data"]["values"]
    return spec["datasets"][name]


def by_mark(spec: dict[str, Any], kind: str) -> list[tuple[dict[str, Any], str | None]]:
    return [(u, n) for u, n in units(spec) if mark(u) == kind]


def assert_projector_sizes(spec: dict[str, Any]) -> None:
    config = spec["config"]
    assert config["axis"]["labelFontSize"] >= 14 and config["axis"]["titleFontSize"] >= 14
    assert config["legend"]["labelFontSize"] >= 14 and config["title"]["fontSize"] >= 18


@pytest.fixture
def snapshot(db, demo) -> state.Snapshot:
    return load(db, demo.code)


# --- ROI × urgency ---------------------------------------------------------------------


def test_roi_urgency_plots_every_scored_initiative_at_its_medians(snapshot):
    spec = charts.roi_urgency(snapshot).to_dict()
    assert_projector_sizes(spec)
    ((points, name),) = by_mark(spec, "circle")
    assert points["encoding"]["x"]["field"] == "urgency" and points["encoding"]["y"]["field"] == "priority"
    data = {r["title"]: r for r in rows(spec, points, name)}
    assert set(data) == {i.title for i in snapshot.initiatives}
    for item in snapshot.initiatives:
        a = item.aggregate
        row = data[item.title]
        assert (row["urgency"], row["value"], row["effort"], row["confidence"]) == (
            a.urgency,
            a.value,
            a.effort,
            a.confidence,
        )
        assert row["priority"] == numbers.priority_value(a.roi)
        assert row["priority_text"] == numbers.priority(a.roi)
        assert row["rank"] == item.rank
    tooltip = {t["field"] for t in points["encoding"]["tooltip"]}
    assert {"title", "value", "effort", "urgency", "confidence", "spread"} <= tooltip


def test_roi_urgency_draws_quadrant_rules_at_the_midpoints_and_names_the_quadrants(snapshot):
    spec = charts.roi_urgency(snapshot).to_dict()
    rules = by_mark(spec, "rule")
    positions = {}
    for unit, name in rules:
        (channel,) = unit["encoding"]
        positions[channel] = rows(spec, unit, name)[0][unit["encoding"][channel]["field"]]
    expected = median(i.aggregate.roi for i in snapshot.initiatives)
    assert positions["x"] == charts.URGENCY_MIDPOINT
    assert positions["y"] == pytest.approx(expected, abs=1e-4)
    texts = [
        r.get("quadrant")
        for unit, name in by_mark(spec, "text")
        for r in rows(spec, unit, name)
        if unit["encoding"]["text"]["field"] == "quadrant"
    ]
    assert sorted(texts) == sorted(charts.QUADRANTS)


def test_roi_urgency_labels_points_with_shortened_titles(db, workshop):
    token = actions.join(db, workshop.code, "Ann", now=NOW).token
    note = actions.add_bottleneck(db, workshop.code, token, "platform", "Slow deploys", now=NOW)
    reach(db, workshop.code, workshop.facilitator_key)
    long_title = "A very long initiative title that would run straight across the whole chart"
    item = actions.add_initiative(db, workshop.code, token, long_title, [note], now=NOW)
    actions.score_initiative(
        db, workshop.code, token, item, {"value": 8, "effort": 3, "urgency": 10, "confidence": 80}, now=NOW
    )
    # Wide enough that the title fits beside its point without crossing the median urgency line.
    spec = charts.roi_urgency(load(db, workshop.code), width=1400).to_dict()
    texts = [u for u, _ in by_mark(spec, "text") if u["encoding"]["text"]["field"] == "label_text"]
    assert texts
    ((points, name),) = by_mark(spec, "circle")
    (row,) = rows(spec, points, name)
    assert row["title"] == long_title
    assert len(row["label"]) <= frames.LABEL_CHARS and row["label"].endswith("…")
    assert row["label_text"] == row["label"]


def _label_boxes(points: list[dict[str, Any]], width: int, height: int, y_max: float, size: int) -> list[labels.Box]:
    """Each placed label's box in plot pixels, as `charts._place_roi_labels` laid it out."""
    low, high = charts.URGENCY_DOMAIN
    return [
        labels.text_box(
            (p["label_x"] - low) / (high - low) * width, (1 - p["label_y"] / y_max) * height, p["label_text"], size,
            p["label_align"],
        )
        for p in points
        if p["label_text"]
    ]  # fmt: skip


@pytest.mark.parametrize("titles", [True, False])
def test_no_median_line_crosses_a_roi_label_and_without_titles_every_point_has_its_rank(db, workshop, titles):
    """Issue 22: the dashed median lines struck through labels, and points mixed titles and "#n"."""
    token = actions.join(db, workshop.code, "Ann", now=NOW).token
    note = actions.add_bottleneck(db, workshop.code, token, "platform", "Slow deploys", now=NOW)
    reach(db, workshop.code, workshop.facilitator_key)
    scores = [(6, 5, 5), (5, 5, 6), (7, 4, 5), (4, 6, 6), (6, 6, 5), (5, 4, 6)]  # around both medians
    for n, (value, effort, urgency) in enumerate(scores):
        item = actions.add_initiative(db, workshop.code, token, f"Initiative number {n} with a title", [note], now=NOW)
        actions.score_initiative(
            db, workshop.code, token, item,
            {"value": value, "effort": effort, "urgency": urgency, "confidence": 80}, now=NOW,
        )  # fmt: skip
    snapshot = load(db, workshop.code)
    width, height, size = 1140, 640, charts.PROJECTOR_TEXT
    spec = charts.roi_urgency(snapshot, width=width, height=height, text=size, titles=titles).to_dict()
    ((points_unit, name),) = by_mark(spec, "circle")
    points = rows(spec, points_unit, name)
    plot_w, plot_h = width - charts.ROOM_X, height - charts.ROOM_Y
    y_max = spec["layer"][-1]["encoding"]["y"]["scale"]["domain"][1]
    midpoint = float(frames.priority_midpoint(snapshot) or 0.0)
    low, high = charts.URGENCY_DOMAIN
    mid_x = (frames.URGENCY_MIDPOINT - low) / (high - low) * plot_w
    mid_y = (1 - midpoint / y_max) * plot_h
    lines = [labels.Box(mid_x, 0, mid_x, plot_h), labels.Box(0, mid_y, plot_w, mid_y)]
    boxes = _label_boxes(points, plot_w, plot_h, y_max, size)
    assert boxes and not [(b, line) for b in boxes for line in lines if b.overlaps(line)]
    if not titles:
        assert sorted(p["label_text"] for p in points) == sorted(f"#{p['rank']}" for p in points)


def test_roi_urgency_uses_wsjf_when_the_workshop_ranks_by_wsjf(db, workshop):
    token = actions.join(db, workshop.code, "Ann", now=NOW).token
    note = actions.add_bottleneck(db, workshop.code, token, "product", "Churn", now=NOW)
    reach(db, workshop.code, workshop.facilitator_key)
    for n, scores in enumerate(
        (
            {"value": 8, "effort": 2, "urgency": 9, "confidence": 50},
            {"value": 3, "effort": 6, "urgency": 2, "confidence": 90},
        )
    ):
        item = actions.add_initiative(db, workshop.code, token, f"Initiative {n}", [note], now=NOW)
        actions.score_initiative(db, workshop.code, token, item, scores, now=NOW)
    actions.set_scoring_method(db, workshop.code, workshop.facilitator_key, "wsjf")
    snapshot = load(db, workshop.code)
    spec = charts.roi_urgency(snapshot).to_dict()
    ((points, name),) = by_mark(spec, "circle")
    assert "WSJF" in points["encoding"]["y"]["title"]
    priorities = {r["title"]: r["priority"] for r in rows(spec, points, name)}
    assert priorities == {i.title: numbers.priority_value(i.aggregate.wsjf) for i in snapshot.initiatives}
    assert spec["title"]["text"].startswith("WSJF")


def test_roi_urgency_leaves_out_unscored_initiatives_and_says_so(db, workshop):
    token = actions.join(db, workshop.code, "Ann", now=NOW).token
    note = actions.add_bottleneck(db, workshop.code, token, "product", "Churn", now=NOW)
    reach(db, workshop.code, workshop.facilitator_key)
    scored = actions.add_initiative(db, workshop.code, token, "Scored", [note], now=NOW)
    actions.add_initiative(db, workshop.code, token, "Not yet scored", [note], now=NOW)
    actions.score_initiative(
        db, workshop.code, token, scored, {"value": 5, "effort": 5, "urgency": 5, "confidence": 50}, now=NOW
    )
    spec = charts.roi_urgency(load(db, workshop.code)).to_dict()
    ((points, name),) = by_mark(spec, "circle")
    assert [r["title"] for r in rows(spec, points, name)] == ["Scored"]
    assert "1 unscored initiative not shown" in " ".join(spec["title"]["subtitle"])


def test_a_crowded_plot_marks_only_the_top_ranks(db, workshop):
    token = actions.join(db, workshop.code, "Ann", now=NOW).token
    note = actions.add_bottleneck(db, workshop.code, token, "product", "Churn", now=NOW)
    reach(db, workshop.code, workshop.facilitator_key)
    for n in range(15):
        item = actions.add_initiative(db, workshop.code, token, f"Initiative {n}", [note], now=NOW)
        actions.score_initiative(
            db,
            workshop.code,
            token,
            item,
            {"value": 1 + n % 10, "effort": 5, "urgency": 1 + (n * 3) % 10, "confidence": 50},
            now=NOW,
        )
    spec = charts.roi_urgency(load(db, workshop.code), labels=5).to_dict()
    ((points, name),) = by_mark(spec, "circle")
    data = rows(spec, points, name)
    assert len(data) == 15
    marked = sorted(r["rank"] for r in data if r["labelled"])
    assert marked == [1, 2, 3, 4, 5]
    assert all(r["label_text"] in (f"#{r['rank']}", "") for r in data if r["labelled"])
    assert all(r["label_text"] == "" for r in data if not r["labelled"])


# --- impact map --------------------------------------------------------------------------


def test_impact_map_crosses_dimensions_with_outcomes(snapshot):
    spec = charts.impact_map(snapshot).to_dict()
    assert_projector_sizes(spec)
    ((bubbles, name),) = by_mark(spec, "circle")
    enc = bubbles["encoding"]
    assert enc["x"]["field"] == "dimension_title" and enc["y"]["field"] == "outcome_title"
    assert enc["size"]["field"] == "magnitude_sum"
    assert enc["x"]["scale"]["domain"] == [d.title for d in DIMENSIONS]
    outcome_titles = {o.title for o in OUTCOMES}
    cells = rows(spec, bubbles, name)
    assert all(c["outcome_title"] in outcome_titles for c in cells)
    assert sum(c["impacts"] for c in cells) == len(snapshot.impacts)
    assert sum(c["magnitude_sum"] for c in cells) == sum(i["magnitude"] for i in snapshot.impacts)
    revenue = next(c for c in cells if c["outcome"] == "revenue")
    assert revenue["dimension_title"] == "Product" and revenue["money_label"] == "€900k/yr"
    assert "Six enterprise deals waiting on SSO and audit logs" in revenue["because"]
    assert "because" in {t["field"] for t in enc["tooltip"]}


def test_impact_map_leaves_out_hidden_notes(db, workshop):
    token = actions.join(db, workshop.code, "Ann", now=NOW).token
    kept = actions.add_bottleneck(db, workshop.code, token, "platform", "Outages", now=NOW)
    noise = actions.add_bottleneck(db, workshop.code, token, "product", "Noise", now=NOW)
    reach(db, workshop.code, workshop.facilitator_key)
    actions.add_impact(db, workshop.code, token, kept, "uptime", "worse", 4, "Pages at night", now=NOW)
    actions.add_impact(db, workshop.code, token, noise, "revenue", "worse", 2, "Noise", now=NOW)
    actions.hide_bottleneck(db, workshop.code, workshop.facilitator_key, noise)
    spec = charts.impact_map(load(db, workshop.code)).to_dict()
    ((bubbles, name),) = by_mark(spec, "circle")
    assert [c["outcome"] for c in rows(spec, bubbles, name)] == ["uptime"]


Box = tuple[float, float, float, float]


def _drawn(node: dict[str, Any], x: float = 0.0, y: float = 0.0) -> list[tuple[str, str, Box]]:
    """What a rendered chart draws, as (role, text, box) in the chart's own pixels; a box around
    a line of text is estimated generously from its length (20 px type)."""
    found: list[tuple[str, str, Box]] = []
    if "marktype" in node:
        for item in node.get("items", []):
            left, top = x + item.get("x", 0) + item.get("dx", 0), y + item.get("y", 0) + item.get("dy", 0)
            if node["marktype"] == "text" and "text" in item:
                text = str(item["text"])
                found.append((node.get("role", ""), text, (left, top - 10, left + 0.58 * 20 * len(text), top + 10)))
            elif node["marktype"] == "rect" and "width" in item:
                found.append((node.get("role", ""), "", (left, top, left + item["width"], top + item["height"])))
            elif node["marktype"] == "symbol":
                r = (item.get("size", 0) / math.pi) ** 0.5
                found.append((node.get("role", ""), "", (left - r, top - r, left + r, top + r)))
            else:
                found += _drawn(item, x, y)
        return found
    x, y = x + node.get("x", 0), y + node.get("y", 0)
    for item in node.get("items", []):
        found += _drawn(item, x, y)
    return found


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_impact_maps_money_labels_stay_clear_of_its_legends(db, workshop):
    """ "€150k/yr" right of the last column once ran into the legends; "€1,200,000" is short too."""
    import vl_convert

    token = actions.join(db, workshop.code, "Ann", now=NOW).token
    notes = [actions.add_bottleneck(db, workshop.code, token, d.key, f"Slow {d.key}", now=NOW) for d in DIMENSIONS]
    reach(db, workshop.code, workshop.facilitator_key)
    for n, (note, money) in enumerate(zip(notes, ["1200000", "150000", "150000"])):
        actions.add_impact(
            db, workshop.code, token, note, OUTCOMES[n].key, "worse", 3 + n, "Costs", money=money, now=NOW
        )
    scene = vl_convert.vegalite_to_scenegraph(charts.impact_map(load(db, workshop.code)).to_json())["scenegraph"]
    drawn = _drawn(scene)
    money = [d for d in drawn if d[1].startswith("€")]
    legend = [d for d in drawn if d[0].startswith("legend")]
    assert sorted(d[1] for d in money) == ["€1.2M/yr", "€150k/yr", "€150k/yr"] and legend
    for _, label, box in money:
        for role, name, other in legend:
            assert not _overlap(box, other), f"{label} runs into the legend ({role} {name})"


def test_the_impact_maps_size_legend_has_whole_distinct_values(snapshot):
    spec = charts.impact_map(snapshot).to_dict()
    ((bubbles, _),) = by_mark(spec, "circle")
    values = bubbles["encoding"]["size"]["legend"]["values"]
    assert values == sorted(set(values)) and all(isinstance(v, int) for v in values)
    assert charts.size_legend_values([3, 4, 5]) == [3, 4, 5]
    assert charts.size_legend_values([1, 12]) == [1, 5, 8, 12]


def test_the_impact_map_is_not_headed_again_under_its_sections_heading(snapshot):
    """Every page and file heads the section "Impact map": the chart says what it encodes instead."""
    for chart in (charts.impact_map(snapshot), charts.time_per_step(snapshot, NOW)):
        title = chart.to_dict()["title"]
        assert title["text"] not in ("Impact map", "Time per step") and "subtitle" not in title


def test_the_impact_maps_rows_keep_their_height_on_any_page(snapshot):
    """A fixed step per row: a page that fits the chart into its box cannot squeeze rows into each other."""
    assert charts.impact_map(snapshot).to_dict()["height"] == {"step": charts.IMPACT_ROW}
    assert charts.time_per_step(snapshot, NOW).to_dict()["height"] == {"step": charts.STEP_ROW, "for": "position"}


# --- time per step -----------------------------------------------------------------------


def test_time_per_step_sets_planned_against_spent(snapshot):
    spec = charts.time_per_step(snapshot, NOW).to_dict()
    assert_projector_sizes(spec)
    ((bars, name),) = by_mark(spec, "bar")
    assert bars["encoding"]["x"]["field"] == "minutes" and bars["encoding"]["yOffset"]["field"] == "series"
    data = rows(spec, bars, name)
    assert len(data) == 2 * len(snapshot.timers)
    for step in STEPS:
        timer = snapshot.timer(step.key)
        mine = [r for r in data if r["label"] == f"{step.number}. {step.title}"]
        planned = next(r for r in mine if r["series"] == "Planned")
        spent = next(r for r in mine if r["series"] == "Spent")
        assert planned["minutes"] == timer.minutes
        assert spent["minutes"] == round(time_spent(timer, NOW) / 60, 1)
        assert spent["kind"] == ("Spent (over plan)" if spent["minutes"] > timer.minutes else "Spent")
    assert any(r["kind"] == "Spent (over plan)" for r in data)  # the demo overran impact mapping


def test_a_running_step_counts_up_to_now(db, workshop):
    actions.start_timer(db, workshop.code, workshop.facilitator_key, now=NOW)
    frame = charts.steps_frame(load(db, workshop.code), NOW + 300)
    assert frame.loc[0, "spent_min"] == 5.0 and frame.loc[1, "spent_min"] == 0.0


# --- empty and hostile input -------------------------------------------------------------


def test_every_chart_of_an_empty_workshop_renders_a_message(db, workshop):
    snapshot = load(db, workshop.code)
    for chart in (charts.roi_urgency(snapshot), charts.impact_map(snapshot)):
        spec = chart.to_dict()
        ((unit, name),) = units(spec)
        assert mark(unit) == "text"
        assert rows(spec, unit, name)[0]["message"]
    spec = charts.time_per_step(snapshot, NOW).to_dict()
    ((bars, name),) = by_mark(spec, "bar")
    assert {r["minutes"] for r in rows(spec, bars, name) if r["series"] == "Spent"} == {0.0}


def test_participant_text_reaches_the_chart_as_plain_data(db, workshop):
    hostile = "<script>alert(1)</script> ![x](http://host/x.png)"
    token = actions.join(db, workshop.code, "Ann", now=NOW).token
    note = actions.add_bottleneck(db, workshop.code, token, "platform", "Slow deploys", now=NOW)
    reach(db, workshop.code, workshop.facilitator_key)
    item = actions.add_initiative(db, workshop.code, token, hostile, [note], now=NOW)
    actions.score_initiative(
        db, workshop.code, token, item, {"value": 8, "effort": 3, "urgency": 9, "confidence": 80}, now=NOW
    )
    spec = charts.roi_urgency(load(db, workshop.code)).to_dict()
    ((points, name),) = by_mark(spec, "circle")
    assert rows(spec, points, name)[0]["title"] == hostile


def test_the_chart_and_report_modules_never_import_streamlit():
    code = "import sys, workshop.reports.charts, workshop.reports.sheets; print('streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


# --- progress against target -------------------------------------------------------------


def test_progress_chart_plots_baselines_and_every_checkin_as_share_of_target(db):
    from workshop.demo import create_demo

    made = create_demo(db, now=NOW, followup_days=70)
    tracks = load(db, made.code).tracks
    spec = charts.progress_chart(tracks).to_dict()
    assert_projector_sizes(spec)
    ((points, name),) = by_mark(spec, "circle")
    assert points["encoding"]["y"]["field"] == "progress" and points["encoding"]["x"]["type"] == "temporal"
    data = rows(spec, points, name)
    assert len(data) == len(tracks) + sum(len(t.checkins) for t in tracks) == 16
    assert sum(r["status"] == charts.BASELINE for r in data) == len(tracks)
    assert all(r["progress"] == 0 for r in data if r["status"] == charts.BASELINE)
    slo = [r for r in data if r["initiative"] == "Introduce SLOs and an error-budget policy"]
    assert [r["progress"] for r in slo] == [0, 25.0, 54.2, 66.7, 83.3]  # pages/week 40 → 16
    guides = {r["progress"] for u, n in by_mark(spec, "rule") for r in rows(spec, u, n)}
    assert guides == {0.0, 100.0}
    colours = points["encoding"]["color"]["scale"]
    assert colours["domain"] == [charts.BASELINE, "On track", "At risk", "Off track"]


def test_progress_chart_says_what_is_missing(db, demo):
    tracks = load(db, demo.code).tracks
    assert "No check-ins recorded yet." in json.dumps(charts.progress_chart(tracks).to_dict())
    assert "No owned initiatives yet." in json.dumps(charts.progress_chart([]).to_dict())


# --- labels never collide ----------------------------------------------------------------


def crowded_room(db, workshop, count: int = 12) -> state.Snapshot:
    """Initiatives with near-identical scores: their points sit on top of each other."""
    token = actions.join(db, workshop.code, "Ann", now=NOW).token
    note = actions.add_bottleneck(db, workshop.code, token, "platform", "Slow deploys", now=NOW)
    reach(db, workshop.code, workshop.facilitator_key)
    for n in range(count):
        item = actions.add_initiative(
            db, workshop.code, token, f"Initiative number {n} with a longish title", [note], now=NOW
        )
        actions.score_initiative(
            db,
            workshop.code,
            token,
            item,
            {"value": 6 + n % 2, "effort": 3, "urgency": 7 + n % 2, "confidence": 60},
            now=NOW,
        )
    return load(db, workshop.code)


def label_boxes(spec: dict[str, Any], width: int, height: int) -> list[labels.Box]:
    """The drawn label boxes in chart pixels, recomputed from the spec's data and scales."""
    ((points, name),) = by_mark(spec, "circle")
    y_top = points["encoding"]["y"]["scale"]["domain"][1]
    low, high = points["encoding"]["x"]["scale"]["domain"]
    boxes = []
    for row in rows(spec, points, name):
        if row["label_text"]:
            x = (row["label_x"] - low) / (high - low) * width
            y = (1 - row["label_y"] / y_top) * height
            boxes.append(labels.text_box(x, y, row["label_text"], charts.MARK_TEXT_SIZE, row["label_align"]))
    return boxes


@pytest.mark.parametrize("count", [3, 12])
def test_roi_labels_never_overlap_each_other_or_leave_the_plot(db, workshop, count):
    snapshot = crowded_room(db, workshop, count)
    spec = charts.roi_urgency(snapshot, width=700, height=420).to_dict()
    plot = (700 - charts.ROOM_X, 420 - charts.ROOM_Y)  # the plot left once axes and titles take their room
    boxes = label_boxes(spec, *plot)
    assert boxes
    for n, box in enumerate(boxes):
        assert box.inside(*plot)
        assert not any(box.overlaps(other) for other in boxes[n + 1 :])
    ((points, name),) = by_mark(spec, "circle")
    data = rows(spec, points, name)
    unplaced = sum(1 for r in data if r["labelled"] and not r["label_text"])
    if unplaced:
        assert f"{numbers.plural(unplaced, 'label')} left out" in " ".join(spec["title"]["subtitle"])


@pytest.mark.parametrize("width", [720, 1140, 2400])
def test_roi_labels_are_all_titles_or_all_rank_numbers(snapshot, width):
    """Issue 22: most points read "#n" while one or two carried their titles."""
    spec = charts.roi_urgency(snapshot, width=width, height=580).to_dict()
    ((points, name),) = by_mark(spec, "circle")
    data = rows(spec, points, name)
    assert all(r["label_text"] for r in data)
    titled = [r["label_text"] == r["label"] for r in data]
    assert all(titled) or not any(titled), [r["label_text"] for r in data]
    assert all(titled) or [r["label_text"] for r in data] == [f"#{r['rank']}" for r in data]
    if width == 2400:  # room enough: every point by its title
        assert all(titled)


def test_progress_labels_stand_a_line_apart(db):
    from workshop.demo import create_demo

    made = create_demo(db, now=NOW, followup_days=70)
    spec = charts.progress_chart(load(db, made.code).tracks, height=300).to_dict()
    ((text, name),) = [(u, n) for u, n in by_mark(spec, "text") if u["encoding"]["text"]["field"] == "label"]
    low, high = text["encoding"]["y"]["scale"]["domain"]
    ys = sorted((high - r["label_progress"]) / (high - low) * 300 for r in rows(spec, text, name) if r["last"])
    assert len(ys) == 4
    line = charts.MARK_TEXT_SIZE * labels.LINE_HEIGHT
    assert all(b - a >= line for a, b in zip(ys, ys[1:]))
    assert ys[0] >= line / 2 and ys[-1] <= 300 - line / 2


def font_sizes(spec: Any) -> list[float]:
    """Every font size a spec sets, anywhere (config, marks, titles)."""
    if isinstance(spec, dict):
        found = [v for k, v in spec.items() if k.lower().endswith("fontsize") and isinstance(v, (int, float))]
        return found + [s for v in spec.values() for s in font_sizes(v)]
    if isinstance(spec, list):
        return [s for v in spec for s in font_sizes(v)]
    return []


def test_every_chart_letters_at_least_20_px(db):
    from workshop.demo import create_demo

    made = create_demo(db, now=NOW, followup_days=70)
    snapshot = load(db, made.code)
    for chart in (
        charts.roi_urgency(snapshot),
        charts.impact_map(snapshot),
        charts.time_per_step(snapshot, NOW),
        charts.progress_chart(snapshot.tracks),
        charts.readiness_areas(snapshot.readiness),
        charts.readiness_trend([readiness.Held("ABCD23", "T", "O", NOW, snapshot.readiness)]),
    ):
        spec = chart.to_dict()
        sizes = font_sizes(spec)
        assert sizes and min(sizes) >= 20, (spec.get("title"), sorted(sizes)[:3])


def test_dodge_keeps_order_and_stays_inside():
    placed = labels.dodge([100, 101, 102, 5, 299], size=20, height=300)
    step = 20 * labels.LINE_HEIGHT + labels.GAP
    ordered = sorted(placed)
    assert all(b - a >= step - 1e-9 for a, b in zip(ordered, ordered[1:]))
    assert ordered[0] >= step / 2 and ordered[-1] <= 300 - step / 2
    assert [placed.index(v) for v in ordered] == [3, 0, 1, 2, 4]


# --- the readiness check -----------------------------------------------------------------


def test_readiness_areas_draw_every_area_and_colour_the_weakest(snapshot):
    spec = charts.readiness_areas(snapshot.readiness).to_dict()
    assert_projector_sizes(spec)
    ((bars, name),) = by_mark(spec, "bar")
    data = {r["area"]: r for r in rows(spec, bars, name)}
    assert list(data) == [a.title for a in readiness.AREAS]
    assert {k: (v["score"], v["score_text"], v["status"]) for k, v in data.items()} == {
        "Leadership": (71.0, "71/100", charts.OTHER),
        "Ecosystem": (33.0, "33/100", charts.NAMED),
        "Talent": (50.0, "50/100", charts.OTHER),
        "Standards & Practices": (21.0, "21/100", charts.NAMED),
    }
    ((rule, _),) = by_mark(spec, "rule")
    assert rule["encoding"]["x"]["field"] == "x"
    assert [r["x"] for r in rows(spec, rule, _)] == [readiness.WEAK_SCORE]
    assert "6 people answered" in json.dumps(spec["title"])


def test_readiness_charts_say_what_is_missing(db, workshop):
    snapshot = load(db, workshop.code)
    for chart in (charts.readiness_areas(snapshot.readiness), charts.readiness_trend([])):
        ((unit, name),) = units(chart.to_dict())
        assert mark(unit) == "text" and rows(chart.to_dict(), unit, name)[0]["message"]


def test_a_half_rated_room_shows_unrated_areas_as_such(db, workshop):
    actions.open_readiness(db, workshop.code, workshop.facilitator_key, True)
    token = actions.join(db, workshop.code, "Ann", now=NOW).token
    actions.answer_readiness(db, workshop.code, token, [{"key": "talent_careers", "rating": 5}], now=NOW)
    frame = charts.readiness_frame(load(db, workshop.code).readiness).set_index("key")
    assert (frame.loc["talent", "score_text"], frame.loc["leadership", "score_text"]) == ("100/100", charts.UNRATED)
    assert frame.loc["leadership", "status"] == charts.UNRATED and not frame["weakest"].any()


def test_readiness_trend_follows_workshops_oldest_first(snapshot):
    later = readiness.aggregate([readiness.Answer(1, "standards_shared", 5)])
    held = [
        readiness.Held("OLD234", "First", "Acme", NOW, snapshot.readiness),
        readiness.Held("NEW234", "Next", "Acme", NOW + 86_400 * 90, later),
    ]
    frame = charts.readiness_trend_frame(held)
    standards = frame[frame["area"] == "Standards & Practices"]
    assert list(standards["code"]) == ["OLD234", "NEW234"] and list(standards["score"]) == [21.0, 100.0]
    assert set(frame[frame["code"] == "NEW234"]["area"]) == {"Standards & Practices"}, "unrated areas are left out"
    spec = charts.readiness_trend(held).to_dict()
    ((line, _),) = by_mark(spec, "line")
    assert line["encoding"]["x"]["sort"] == list(dict.fromkeys(frame["workshop"]))


def test_readiness_trend_shows_equal_scores_side_by_side():
    """Ecosystem 67 once sat hidden under Talent 67: every area's point is drawn where it can be seen."""
    import vl_convert

    answers = [
        readiness.Answer(n, q.key, 4) for n in (1, 2) for a in readiness.AREAS for q in readiness.area_questions(a.key)
    ]
    results = readiness.aggregate(answers)
    assert len({a.score for a in results.areas}) == 1, "every area scores the same"
    held = [
        readiness.Held("OLD234", "First", "Acme", NOW, results),
        readiness.Held("NEW234", "Next", "Acme", NOW, results),
    ]
    scene = vl_convert.vegalite_to_scenegraph(charts.readiness_trend(held).to_json())["scenegraph"]
    points = [box for role, _, box in _drawn(scene) if role == "mark" and box[2] - box[0] > 0]
    assert len(points) == 2 * len(readiness.AREAS)
    centres = {(round((b[0] + b[2]) / 2), round((b[1] + b[3]) / 2)) for b in points}
    assert len(centres) == len(points), "two areas' points drawn on top of each other"


def test_a_chart_on_screen_is_svg_in_the_apps_font(snapshot):
    """Issue 22: the projector's charts were canvas, whose text no test could measure."""
    spec = charts.on_screen(charts.roi_urgency(snapshot)).to_dict()
    assert spec["usermeta"] == {"embedOptions": {"renderer": "svg"}}
    assert spec["config"]["font"] == charts.SCREEN_FONT
    assert spec["config"]["axis"]["labelFontSize"] == charts.LABEL_SIZE  # the rest of the configuration stays


def test_every_chart_writes_its_axes_in_the_current_language(db):
    """Issue 25: Vega wrote the ticks in English (`2.4`) in a French workshop; the spec carries the
    language's symbols and month names, and a renderer draws them."""
    import re

    import vl_convert

    from workshop.demo import create_demo
    from workshop.domain import language

    made = create_demo(db, now=NOW, followup_days=70)
    snapshot = load(db, made.code)
    with language.using("fr"):
        drawn = (
            charts.roi_urgency(snapshot),
            charts.impact_map(snapshot),
            charts.time_per_step(snapshot, NOW),
            charts.progress_chart(snapshot.tracks),
            charts.readiness_areas(snapshot.readiness),
            charts.readiness_trend([readiness.Held("ABCD23", "T", "O", NOW, snapshot.readiness)]),
        )
        french = numbers.chart_locale()
    for chart in drawn:
        assert chart.to_dict()["config"]["locale"] == french
    assert "locale" not in charts.roi_urgency(snapshot).to_dict()["config"]  # English: Vega's own
    svg = vl_convert.vegalite_to_svg(drawn[0].to_json(validate=False))
    ticks = re.findall(r">(\d+[.,]\d+)</text>", svg)
    assert ticks and all("," in tick for tick in ticks), ticks  # 0,5 · 1,5, not 0.5 · 1.5
