"""Aggregation, formulas and ranking: properties over generated scores, plus worked examples."""

from __future__ import annotations

import math
from statistics import median

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop.domain import scoring
from workshop.domain import vocabulary as steps
from workshop.domain.errors import InvalidInput
from workshop.domain.scoring import CRITERIA, DISAGREEMENT, RANGES

# Enough examples to find order-dependence, few enough to keep the suite fast; no example
# database is written into the working tree.
quick = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def score_values() -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries({c: st.integers(*RANGES[c]) for c in CRITERIA})


@st.composite
def workshop_scores(draw):
    """Initiatives (unique ids, titles that may collide) and one score row per scorer and initiative."""
    ids = draw(st.lists(st.integers(1, 10_000), min_size=1, max_size=8, unique=True))
    initiatives = [{"id": i, "title": draw(st.sampled_from(["Alpha", "alpha", "Beta", "Gamma", "Delta"]))} for i in ids]
    people = draw(st.integers(1, 6))
    rows = []
    for i in ids:
        scorers = draw(st.lists(st.integers(1, people), unique=True, max_size=people))
        for participant in scorers:
            rows.append({"initiative_id": i, "participant_id": participant, **draw(score_values())})
    return initiatives, rows


@quick
@given(data=workshop_scores(), method=st.sampled_from(steps.METHOD_KEYS), shuffle=st.randoms())
def test_ranking_does_not_depend_on_row_order(data, method, shuffle):
    initiatives, rows = data
    expected = scoring.rank(initiatives, scoring.aggregate_all(rows), method)
    shuffled_initiatives, shuffled_rows = list(initiatives), list(rows)
    shuffle.shuffle(shuffled_initiatives)
    shuffle.shuffle(shuffled_rows)
    assert scoring.rank(shuffled_initiatives, scoring.aggregate_all(shuffled_rows), method) == expected
    assert sorted(expected) == sorted(i["id"] for i in initiatives)


@quick
@given(data=workshop_scores(), method=st.sampled_from(steps.METHOD_KEYS))
def test_ranking_puts_higher_priority_first_and_unscored_last(data, method):
    initiatives, rows = data
    aggregates = scoring.aggregate_all(rows)
    order = scoring.rank(initiatives, aggregates, method)
    scored = [i for i in order if i in aggregates]
    assert order[: len(scored)] == scored
    priorities = [aggregates[i].priority(method) for i in scored]
    assert all(a >= b - 1e-9 for a, b in zip(priorities, priorities[1:]))


@quick
@given(rows=st.lists(score_values(), min_size=1, max_size=9), shuffle=st.randoms())
def test_median_aggregation_does_not_depend_on_participant_order(rows, shuffle):
    expected = scoring.aggregate(7, rows)
    permuted = list(rows)
    shuffle.shuffle(permuted)
    assert scoring.aggregate(7, permuted) == expected
    assert expected.scorers == len(rows)
    for c in CRITERIA:
        values = [r[c] for r in rows]
        assert getattr(expected, c) == median(values)
        assert expected.spread[c] == max(values) - min(values)


@quick
@given(rows=st.lists(score_values(), min_size=1, max_size=9))
def test_disputed_when_spread_reaches_threshold(rows):
    agg = scoring.aggregate(1, rows)
    expected = [
        c for c in CRITERIA if len(rows) >= 2 and max(r[c] for r in rows) - min(r[c] for r in rows) >= DISAGREEMENT[c]
    ]
    assert agg.disputed == expected


def test_disputed_examples():
    low = {"value": 2, "effort": 5, "urgency": 5, "confidence": 50}
    assert scoring.aggregate(1, [low, {**low, "value": 7}]).disputed == ["value"]  # spread 5
    assert scoring.aggregate(1, [low, {**low, "value": 6}]).disputed == []  # spread 4
    assert scoring.aggregate(1, [low, {**low, "confidence": 100}]).disputed == ["confidence"]
    assert scoring.aggregate(1, [{**low, "value": 10}]).disputed == []  # one scorer


@quick
@given(value=st.floats(1, 10), effort=st.floats(0, 10), urgency=st.floats(1, 10), confidence=st.floats(10, 100))
def test_formulas_never_divide_by_zero_and_stay_finite(value, effort, urgency, confidence):
    roi = scoring.roi(value, effort, confidence)
    wsjf = scoring.wsjf(value, urgency, effort)
    assert math.isfinite(roi) and math.isfinite(wsjf)
    assert 0 < roi <= 10 and 0 < wsjf <= 20


@quick
@given(rows=st.lists(score_values(), min_size=1, max_size=9))
def test_aggregate_figures_are_finite_and_match_the_formulas(rows):
    agg = scoring.aggregate(3, rows)
    assert math.isfinite(agg.roi) and math.isfinite(agg.wsjf)
    assert agg.roi == pytest.approx(agg.value * agg.confidence / 100 / agg.effort)
    assert agg.wsjf == pytest.approx((agg.value + agg.urgency) / agg.effort)
    assert agg.priority("roi") == agg.roi and agg.priority("wsjf") == agg.wsjf


def test_formula_examples():
    assert scoring.roi(8, 4, 50) == 1.0
    assert scoring.wsjf(6, 4, 5) == 2.0
    assert scoring.roi(5, 0, 100) == 5.0  # effort floored at 1
    assert scoring.aggregate(1, []) is None
    assert scoring.aggregate_all([]) == {}


@quick
@given(raw=score_values())
def test_validate_score_accepts_everything_in_range(raw):
    assert scoring.validate_score(raw) == raw


@quick
@given(raw=score_values(), criterion=st.sampled_from(CRITERIA), data=st.data())
def test_validate_score_refuses_out_of_range(raw, criterion, data):
    low, high = RANGES[criterion]
    bad = data.draw(st.one_of(st.integers(max_value=low - 1), st.integers(min_value=high + 1)))
    with pytest.raises(InvalidInput, match="whole number"):
        scoring.validate_score({**raw, criterion: bad})


@quick
@given(
    raw=score_values(),
    criterion=st.sampled_from(CRITERIA),
    bad=st.one_of(
        st.booleans(),
        st.none(),
        st.floats().filter(lambda f: not f.is_integer()),
        st.text(alphabet="abcxyz.", min_size=1),
        st.lists(st.integers(), max_size=2),
    ),
)
def test_validate_score_refuses_non_integers(raw, criterion, bad):
    with pytest.raises(InvalidInput):
        scoring.validate_score({**raw, criterion: bad})


@pytest.mark.parametrize("criterion", CRITERIA)
def test_validate_score_sweeps_each_range(criterion):
    low, high = RANGES[criterion]
    base = {c: RANGES[c][0] for c in CRITERIA}
    for value in range(low - 3, high + 4):
        raw = {**base, criterion: value}
        if low <= value <= high:
            assert scoring.validate_score(raw)[criterion] == value
        else:
            with pytest.raises(InvalidInput):
                scoring.validate_score(raw)
    missing = {c: v for c, v in base.items() if c != criterion}
    with pytest.raises(InvalidInput, match="missing"):
        scoring.validate_score(missing)


def test_validate_score_accepts_whole_floats_and_digit_strings():
    assert scoring.validate_score({"value": 5.0, "effort": "3", "urgency": 2, "confidence": "90"}) == {
        "value": 5,
        "effort": 3,
        "urgency": 2,
        "confidence": 90,
    }


def test_rank_ties_break_on_urgency_then_title_then_id():
    same = {"value": 5, "effort": 5, "urgency": 5, "confidence": 50}
    rows = [
        {"initiative_id": 1, "participant_id": 1, **same},
        {"initiative_id": 2, "participant_id": 1, **same, "urgency": 9},
        {"initiative_id": 3, "participant_id": 1, **same},
        {"initiative_id": 4, "participant_id": 1, **same},
    ]
    initiatives = [
        {"id": 1, "title": "beta"},
        {"id": 2, "title": "zeta"},
        {"id": 3, "title": "Alpha"},
        {"id": 4, "title": "alpha"},
        {"id": 5, "title": "Aardvark"},
    ]
    order = scoring.rank(initiatives, scoring.aggregate_all(rows), "roi")
    assert order == [2, 3, 4, 1, 5]


def test_methods_change_the_order():
    rows = [
        {"initiative_id": 1, "participant_id": 1, "value": 9, "effort": 3, "urgency": 1, "confidence": 100},
        {"initiative_id": 2, "participant_id": 1, "value": 5, "effort": 3, "urgency": 10, "confidence": 40},
    ]
    initiatives = [{"id": 1, "title": "A"}, {"id": 2, "title": "B"}]
    aggregates = scoring.aggregate_all(rows)
    assert scoring.rank(initiatives, aggregates, "roi") == [1, 2]
    assert scoring.rank(initiatives, aggregates, "wsjf") == [2, 1]
    assert steps.method_by_key("wsjf").title == "WSJF"
    with pytest.raises(KeyError):
        steps.method_by_key("magic")


@pytest.mark.parametrize(
    "ids, after, expected",
    [
        ([1, 2, 3], [], [1, 2, 3]),
        ([1, 2, 3], [(1, 3)], [2, 3, 1]),
        ([1, 2, 3], [(1, 2), (2, 3)], [3, 2, 1]),
        ([3, 1, 2], [(3, 2)], [1, 2, 3]),
        ([1, 2, 3, 4], [(2, 4), (3, 4)], [1, 4, 2, 3]),
        ([1, 2], [(1, 99), (99, 2)], [1, 2]),  # pairs outside `ids` are ignored
    ],
)
def test_topological_order_examples(ids, after, expected):
    assert scoring.topological_order(ids, after) == expected


def test_topological_order_raises_on_cycles():
    with pytest.raises(ValueError):
        scoring.topological_order([1, 2], [(1, 2), (2, 1)])
    with pytest.raises(ValueError):
        scoring.topological_order([1], [(1, 1)])


@pytest.mark.parametrize(
    "pairs, cyclic",
    [
        ([], False),
        ([(1, 2)], False),
        ([(1, 2), (2, 3), (1, 3)], False),
        ([(1, 1)], True),
        ([(1, 2), (2, 1)], True),
        ([(1, 2), (2, 3), (3, 1)], True),
        ([(1, 2), (3, 4), (4, 5), (5, 3)], True),
    ],
)
def test_has_cycle_examples(pairs, cyclic):
    assert scoring.has_cycle(pairs) is cyclic


@quick
@given(st.lists(st.tuples(st.integers(1, 6), st.integers(1, 6)), max_size=10))
def test_topological_order_respects_every_pair_when_acyclic(pairs):
    ids = list(range(1, 7))
    if scoring.has_cycle(pairs):
        with pytest.raises(ValueError):
            scoring.topological_order(ids, pairs)
        return
    order = scoring.topological_order(ids, pairs)
    assert sorted(order) == ids
    for later, earlier in pairs:
        assert order.index(earlier) < order.index(later)
