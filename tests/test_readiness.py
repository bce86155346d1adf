"""The "Are we ready to scale?" check: its registry, refusals, aggregation and verdicts."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import NOW, on_step, version
from workshop import actions
from workshop.domain import readiness as r
from workshop.domain.errors import InputLocked, InvalidInput, NotAllowed
from workshop.domain.pitfalls import pitfalls
from workshop.domain.readiness import (
    ACQUISITION,
    AGREEMENT,
    AREA_KEYS,
    AREAS,
    DEMAND,
    EVIDENCE,
    QUESTION_KEYS,
    QUESTIONS,
    SIGNALS,
    STATEMENTS,
    STRAIN,
    UNIT_ECONOMICS,
    Answer,
    aggregate,
    dimension_order,
    ordered_prompts,
    pitfall_flags,
    stage_note,
    validate_answer,
    validate_answers,
    weak_areas,
    weakest,
)
from workshop.domain.vocabulary import DIMENSION_KEYS, DIMENSIONS, ORGANISATION, PLATFORM, PRODUCT
from workshop.store.load import load

ROOT = Path(__file__).resolve().parent.parent
# The seed texts live beside the project (shared/seeds/ next to the checkout), not in it.
SEED_DIR = Path(os.environ.get("WORKSHOP_SEEDS") or ROOT.parent / "shared" / "seeds")

quick = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

TOP, BOTTOM = AGREEMENT.high, AGREEMENT.low
STRONG = EVIDENCE.high


def room(key: str, ratings: Sequence[int], figures: Sequence[float | None] = (), first: int = 1) -> list[Answer]:
    """One answer per rating from participants `first`, `first + 1`, …; figures go with the first answers."""
    padded = list(figures) + [None] * (len(ratings) - len(figures))
    return [Answer(first + n, key, rating, padded[n]) for n, rating in enumerate(ratings)]


def rate_area(area: str, rating: int, people: int = 3) -> list[Answer]:
    """Every statement of one area rated alike by `people` participants."""
    return [a for q in r.area_questions(area) for a in room(q.key, [rating] * people)]


def strong_signals(people: int = 3) -> list[Answer]:
    """Every signal backed by strong evidence, with healthy figures where the rules look."""
    figures = {DEMAND: 5.0, UNIT_ECONOMICS: 4.0}
    return [a for q in SIGNALS for a in room(q.key, [STRONG] * people, [figures.get(q.key)] * people)]


# --- registry ---------------------------------------------------------------------------


def test_every_question_names_its_seed() -> None:
    assert r.SEEDS == ("000", "003")
    assert {q.source for q in SIGNALS} == {r.SIGNALS_SEED}
    assert {q.source for q in STATEMENTS} == {r.MATURITY_SEED}
    assert all(q.source in r.SEEDS for q in QUESTIONS)


def test_keys_are_unique_and_the_check_is_short() -> None:
    assert len(set(QUESTION_KEYS)) == len(QUESTIONS)
    assert len(set(AREA_KEYS)) == len(AREAS)
    assert not set(QUESTION_KEYS) & set(AREA_KEYS)
    assert 13 <= len(QUESTIONS) <= 17
    assert r.ANSWERS_MAX == len(QUESTIONS)


def test_the_four_signals_are_rated_on_evidence_with_a_figure() -> None:
    assert [q.key for q in SIGNALS] == [DEMAND, ACQUISITION, UNIT_ECONOMICS, STRAIN]
    for q in SIGNALS:
        assert q.area is None and q.scale is EVIDENCE
        assert q.number is not None and q.number.low < q.number.high and q.number.label


def test_the_four_areas_have_two_or_three_statements_each() -> None:
    assert [a.title for a in AREAS] == ["Leadership", "Ecosystem", "Talent", "Standards & Practices"]
    for q in STATEMENTS:
        assert q.area in AREA_KEYS and q.scale is AGREEMENT and q.number is None
    for area in AREAS:
        assert 2 <= len(r.area_questions(area.key)) <= 3, area.key
        assert area.winning


def test_every_area_points_to_step_one_dimensions_and_each_dimension_leads_once() -> None:
    for area in AREAS:
        assert area.points_to and set(area.points_to) <= set(DIMENSION_KEYS), area.key
        assert len(set(area.points_to)) == len(area.points_to), area.key
    assert {area.points_to[0] for area in AREAS} == set(DIMENSION_KEYS)


def test_scales_are_defined_once_with_consecutive_levels() -> None:
    for scale in r.SCALES:
        values = [level.value for level in scale.levels]
        assert values == list(range(scale.low, scale.high + 1)), scale.key
        assert len({level.key for level in scale.levels}) == len(values)
    assert (EVIDENCE.low, EVIDENCE.high, AGREEMENT.low, AGREEMENT.high) == (0, 3, 1, 5)
    assert r.ANECDOTAL == 1 and r.SOME_DATA == 2 and r.WEAK_SCORE == 75


def test_every_pitfall_rule_looks_at_a_signal_with_a_figure() -> None:
    for pitfall in r.PITFALLS:
        for rule in pitfall.rules:
            assert r.question_by_key(rule.signal).number is not None
    assert {rule.signal for rule in r.BEFORE_FIT.rules} == {DEMAND, UNIT_ECONOMICS}


# --- written in the project's own words -------------------------------------------------

WORDS = re.compile(r"[a-z0-9]+")
RUN = 8  # this many consecutive words shared with a seed counts as pasted
SENTENCE = 5  # a text this long is a sentence of ours and must not appear whole in a seed


def words(text: str) -> list[str]:
    return WORDS.findall(text.casefold().replace("’", "'").replace("'", ""))


# The seeds are not part of this repository: what the tests need of them is a fingerprint of every
# run of SENTENCE..RUN words (a short hash each, so no source text is stored). When the seed folder
# is at hand the fingerprints are checked against it, so they cannot go stale unnoticed.
FINGERPRINTS = ROOT / "tests" / "data" / "seed_runs.json"


def _digest(run: Sequence[str]) -> str:
    return hashlib.sha1(" ".join(run).encode()).hexdigest()[:10]


def fingerprint(text: str) -> set[str]:
    """Hashes of every run of SENTENCE to RUN consecutive words of a text."""
    w = words(text)
    return {_digest(w[n : n + k]) for k in range(SENTENCE, RUN + 1) for n in range(len(w) - k + 1)}


@pytest.fixture(scope="module")
def seeds() -> dict[str, set[str]]:
    stored = {name: set(runs) for name, runs in json.loads(FINGERPRINTS.read_text(encoding="utf-8")).items()}
    files = sorted(SEED_DIR.glob("*.txt"))
    if files:  # beside a checkout with the seed folder: the stored fingerprints must match it
        assert stored == {path.name: fingerprint(path.read_text(encoding="utf-8")) for path in files}, (
            f"refresh {FINGERPRINTS.name}: python -m tests.test_readiness"
        )
    return stored


def own_texts() -> list[str]:
    """Every sentence the check shows: question texts, area summaries, pitfall advice."""
    return (
        [q.text for q in QUESTIONS]
        + [a.winning for a in AREAS]
        + [q.number.label for q in QUESTIONS if q.number]
        + [p.advice for p in r.PITFALLS]
    )


def pasted(text: str, seed: set[str]) -> bool:
    """A run of RUN words shared with a seed, or a sentence of ours found whole in it."""
    w = words(text)
    long_runs = {_digest(w[n : n + RUN]) for n in range(len(w) - RUN + 1)}
    whole = {_digest(w)} if SENTENCE <= len(w) <= RUN else set()
    return bool((long_runs | whole) & seed)


def test_each_question_names_a_seed_file_that_exists(seeds: dict[str, set[str]]) -> None:
    for q in QUESTIONS:
        assert [name for name in seeds if name.startswith(f"{q.source}_")], q.key


@pytest.mark.parametrize("text", own_texts())
def test_no_text_is_pasted_from_a_seed(seeds: dict[str, set[str]], text: str) -> None:
    for name, seed in seeds.items():
        assert not pasted(text, seed), name


def test_the_copy_detector_catches_a_pasted_run_and_a_whole_sentence() -> None:
    seed = fingerprint("Plenty of source prose here, then a sentence nobody may copy into the app at all, and more.")
    assert pasted("Our own opening, then a sentence nobody may copy into the app.", seed)
    assert pasted("A sentence nobody may copy", seed), "a short sentence of ours found whole"
    assert not pasted("Our own words about copying sentences into apps.", seed)


if __name__ == "__main__":  # refresh the stored fingerprints from the seed folder
    found = {p.name: sorted(fingerprint(p.read_text(encoding="utf-8"))) for p in sorted(SEED_DIR.glob("*.txt"))}
    FINGERPRINTS.write_text(json.dumps(found, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{FINGERPRINTS}: {sum(map(len, found.values()))} runs from {len(found)} seeds")


# --- refusals ---------------------------------------------------------------------------


def refusal(*args: object) -> str:
    with pytest.raises(InvalidInput) as caught:
        validate_answer(*args, participant_id=7)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("key", "rating", "number", "message"),
    [
        ("nope", 1, None, "The check has no question 'nope'."),
        (None, 1, None, "The check has no question 'None'."),
        (3, 1, None, "The check has no question '3'."),
        ("x" * 500, 1, None, "The check has no question 'xxxxxxxxxxxx'."),
        (DEMAND, 4, None, "Clear demand (evidence) must be a whole number from 0 to 3."),
        (DEMAND, -1, None, "Clear demand (evidence) must be a whole number from 0 to 3."),
        (DEMAND, None, None, "Clear demand (evidence) must be a whole number from 0 to 3."),
        (DEMAND, True, None, "Clear demand (evidence) must be a whole number from 0 to 3."),
        ("talent_careers", 0, None, "Careers people believe (agreement) must be a whole number from 1 to 5."),
        ("talent_careers", 6, None, "Careers people believe (agreement) must be a whole number from 1 to 5."),
        ("talent_careers", 2.5, None, "Careers people believe (agreement) must be a whole number from 1 to 5."),
        ("talent_careers", "lots", None, "Careers people believe (agreement) must be a whole number from 1 to 5."),
        ("talent_careers", 3, 12, "Careers people believe takes no figure, only a rating."),
        (UNIT_ECONOMICS, 2, 101, "LTV:CAC ratio must be between 0 and 100."),
        (UNIT_ECONOMICS, 2, -1, "LTV:CAC ratio must be between 0 and 100."),
        (UNIT_ECONOMICS, 2, "three", "LTV:CAC ratio must be a number."),
        (DEMAND, 2, math.nan, "Growth per month (%) must be a finite number."),
        (DEMAND, 2, math.inf, "Growth per month (%) must be a finite number."),
        (DEMAND, 2, -101, "Growth per month (%) must be between -100 and 1,000."),
        (ACQUISITION, 2, 100.5, "New customers from channels that repeat (%) must be between 0 and 100."),
        (STRAIN, 2, [3], "Team time spent on manual, repetitive work (%) must be a finite number."),
    ],
)
def test_bad_answers_are_refused_with_one_line(key: object, rating: object, number: object, message: str) -> None:
    assert refusal(key, rating, number) == message


def test_good_answers_are_cleaned() -> None:
    assert validate_answer(DEMAND, "2", " 4.5 ", participant_id=7) == Answer(7, DEMAND, 2, 4.5)
    assert validate_answer(UNIT_ECONOMICS, 3.0, "", participant_id=7) == Answer(7, UNIT_ECONOMICS, 3, None)
    assert validate_answer("standards_rhythm", 5, participant_id=8) == Answer(8, "standards_rhythm", 5, None)
    assert validate_answer("standards_rhythm", 1, "  ", participant_id=8).number is None


def test_a_submission_is_refused_whole() -> None:
    good = {"key": DEMAND, "rating": 2, "number": 3}
    assert validate_answers([good, {"key": "talent_careers", "rating": 4}], participant_id=1) == (
        Answer(1, DEMAND, 2, 3.0),
        Answer(1, "talent_careers", 4, None),
    )
    assert validate_answers([], participant_id=1) == ()
    cases: list[tuple[object, str]] = [
        ({"key": DEMAND}, "The answers must be a list."),
        ("demand", "The answers must be a list."),
        ([good] * (r.ANSWERS_MAX + 1), f"{r.ANSWERS_MAX + 1} answers sent; the check has {r.ANSWERS_MAX} questions."),
        ([good, good], "Clear demand is answered twice."),
        ([good, [DEMAND, 2]], "Each answer must hold only a key, a rating and an optional number."),
        ([{**good, "note": "<b>"}], "Each answer must hold only a key, a rating and an optional number."),
        (
            [good, {"key": "talent_careers", "rating": 9}],
            "Careers people believe (agreement) must be a whole number from 1 to 5.",
        ),
    ]
    for raw, message in cases:
        with pytest.raises(InvalidInput, match=re.escape(message)):
            validate_answers(raw, participant_id=1)


# --- aggregation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "median", "spread", "divided"),
    [
        ([4], 4.0, 0.0, False),  # one voice: no spread to speak of
        ([1, 3, 5], 3.0, 2.0, True),  # odd count: the middle rating
        ([1, 2, 4, 5], 3.0, 2.5, True),  # even count: halfway between the middle two
        ([2, 3], 2.5, 0.5, False),
        ([3, 3, 3, 3], 3.0, 0.0, False),  # the room agrees
        ([1] * 5 + [5] * 5, 3.0, 4.0, True),  # a split room: the median alone would hide it
        ([1] * 9 + [5], 1.0, 0.0, False),  # one outlier does not make a divided room
        ([1, 5], 3.0, 2.0, True),
    ],
)
def test_median_and_spread(ratings: list[int], median: float, spread: float, divided: bool) -> None:
    result = aggregate(room("leadership_room", ratings)).question("leadership_room")
    assert (result.count, result.median, result.spread, result.divided) == (len(ratings), median, spread, divided)


def test_an_unanswered_question_has_no_median() -> None:
    result = aggregate([]).question(DEMAND)
    assert (result.count, result.median, result.spread, result.numbers, result.number_median) == (0, None, 0.0, 0, None)
    assert not result.divided
    assert aggregate([]).respondents == 0


def test_figures_have_their_own_median() -> None:
    result = aggregate(room(DEMAND, [2, 3, 3, 1], [4.0, None, 10.0])).question(DEMAND)
    assert (result.count, result.numbers, result.number_median) == (4, 2, 7.0)


def test_a_participants_last_answer_counts_and_retired_questions_are_left_out() -> None:
    answers = [Answer(1, DEMAND, 0), Answer(2, DEMAND, 3), Answer(1, DEMAND, 3), Answer(3, "retired", 1)]
    results = aggregate(answers)
    assert results.question(DEMAND).count == 2 and results.question(DEMAND).median == 3.0
    assert results.respondents == 2


def test_area_score_is_the_mean_of_its_medians_on_0_to_100() -> None:
    assert aggregate(rate_area("talent", TOP)).area("talent").score == 100.0
    assert aggregate(rate_area("talent", BOTTOM)).area("talent").score == 0.0
    answers = room("talent_careers", [2, 2, 3]) + room("talent_multipliers", [4], first=10)
    area = aggregate(answers).area("talent")
    assert area.score == 50.0  # medians 2 (25) and 4 (75); the unanswered statement is left out
    assert area.respondents == 4
    assert aggregate(answers).area("leadership").score is None


def test_results_export_as_rounded_json() -> None:
    answers = rate_area("talent", 2) + room("talent_careers", [4] * 4, first=10)
    answers += room(UNIT_ECONOMICS, [1, 1, 1], [1.0, 2.0 / 3.0, 1.0 / 3.0])
    exported = aggregate(answers).as_dict()
    assert json.loads(json.dumps(exported)) == exported
    ue = next(q for q in exported["questions"] if q["key"] == UNIT_ECONOMICS)
    assert (ue["number_median"], ue["level"], ue["source"], ue["area"]) == (0.67, "Anecdotal", "003", None)
    acquisition = next(q for q in exported["questions"] if q["key"] == ACQUISITION)
    assert (acquisition["median"], acquisition["spread"], acquisition["level"]) == (None, None, None)
    talent = next(a for a in exported["areas"] if a["key"] == "talent")
    assert talent == {"key": "talent", "title": "Talent", "score": 42.0, "respondents": 7}  # (25 + 75 + 25) / 3
    assert exported["weakest"] == ["talent"]
    assert exported["dimension_order"] == [ORGANISATION, PRODUCT, PLATFORM]
    assert exported["pitfalls"] and exported["stage_note"]
    assert [q["key"] for q in exported["questions"]] == list(QUESTION_KEYS)


# --- weak areas and step 1's order ------------------------------------------------------


def test_weak_areas_rank_weakest_first_with_ties_in_area_order() -> None:
    answers = (
        rate_area("standards", 2) + rate_area("talent", 2) + rate_area("ecosystem", 1) + rate_area("leadership", 4)
    )
    results = aggregate(answers)
    assert [a.key for a in weak_areas(results)] == ["ecosystem", "talent", "standards", "leadership"]
    assert [a.key for a in weakest(results)] == ["ecosystem", "talent"]
    assert [a.key for a in weakest(results, n=3)] == ["ecosystem", "talent", "standards"]


def test_only_rated_areas_scoring_below_mostly_are_named() -> None:
    assert weak_areas(aggregate([])) == [] and weakest(aggregate([])) == []
    results = aggregate(rate_area("talent", 4) + rate_area("leadership", 3))
    assert [a.key for a in weak_areas(results)] == ["leadership", "talent"]
    assert [a.key for a in weakest(results)] == ["leadership"]  # talent at "mostly" is not weak
    assert weakest(aggregate(rate_area("talent", TOP))) == []


@pytest.mark.parametrize(
    ("ratings", "order"),
    [
        ({}, (PRODUCT, PLATFORM, ORGANISATION)),  # nothing answered: the usual order
        ({"leadership": 1}, (PRODUCT, ORGANISATION, PLATFORM)),
        ({"ecosystem": 1}, (ORGANISATION, PLATFORM, PRODUCT)),
        ({"talent": 1}, (ORGANISATION, PRODUCT, PLATFORM)),
        ({"standards": 1}, (PLATFORM, ORGANISATION, PRODUCT)),
        ({"talent": 1, "leadership": 2}, (ORGANISATION, PRODUCT, PLATFORM)),
        ({"standards": 2, "leadership": 1}, (PRODUCT, ORGANISATION, PLATFORM)),
        ({"standards": 1, "leadership": 1}, (PRODUCT, ORGANISATION, PLATFORM)),  # a tie: area order
        ({"standards": 1, "talent": 5, "leadership": 5}, (PLATFORM, ORGANISATION, PRODUCT)),
        ({"standards": 5, "talent": 5}, (PRODUCT, PLATFORM, ORGANISATION)),  # nothing weak
        ({"standards": 2, "talent": 1, "leadership": 1}, (PRODUCT, ORGANISATION, PLATFORM)),  # two named only
    ],
)
def test_dimension_order_follows_the_weakest_areas(ratings: dict[str, int], order: tuple[str, ...]) -> None:
    results = aggregate([a for area, rating in ratings.items() for a in rate_area(area, rating)])
    assert dimension_order(results) == order
    by_key = {d.key: d.prompts for d in DIMENSIONS}
    assert ordered_prompts(results) == tuple((key, by_key[key]) for key in order)


# --- the pitfall rule -------------------------------------------------------------------

FIT = "Scaling before product-market fit: "
# (demand ratings, demand figures, unit-economics ratings, unit-economics figures) → the reasons given.
PITFALL_CASES: list[tuple[str, list[int], list[float], list[int], list[float], list[str]]] = [
    ("nothing answered", [], [], [], [], []),
    ("strong and healthy", [3, 3, 2], [4.0], [3, 2], [3.5], []),
    (
        "anecdotal demand",
        [1, 1, 2],
        [],
        [],
        [],
        ['clear demand rated "anecdotal" (median of 3 answers)'],
    ),
    ("no demand evidence", [0], [], [], [], ['clear demand rated "no evidence" (median of 1 answer)']),
    ("demand between anecdotal and some", [1, 2], [], [], [], []),
    (
        "flat growth",
        [3, 3, 3],
        [-3.0, 0.0, 2.0],
        [],
        [],
        ["growth per month at a median of 0 % from 3 figures (at most 0 %)"],
    ),
    ("slow but positive growth", [3], [0.5], [], [], []),
    (
        "LTV:CAC below three",
        [],
        [],
        [3, 3],
        [2.9],
        ["LTV:CAC ratio at a median of 2.9 from 1 figure (below 3)"],
    ),
    ("LTV:CAC at three", [], [], [3], [3.0], []),
    (
        "anecdotal unit economics",
        [],
        [],
        [0, 1, 1, 3],
        [],
        ['unit economics rated "anecdotal" (median of 4 answers)'],
    ),
    (
        "everything weak",
        [1],
        [-1.0],
        [0],
        [1.5],
        [
            'clear demand rated "anecdotal" (median of 1 answer)',
            "growth per month at a median of -1 % from 1 figure (at most 0 %)",
            'unit economics rated "no evidence" (median of 1 answer)',
            "LTV:CAC ratio at a median of 1.5 from 1 figure (below 3)",
        ],
    ),
]


@pytest.mark.parametrize(
    ("demand", "growth", "economics", "ratio", "reasons"),
    [case[1:] for case in PITFALL_CASES],
    ids=[case[0] for case in PITFALL_CASES],
)
def test_scaling_before_product_market_fit(
    demand: list[int], growth: list[float], economics: list[int], ratio: list[float], reasons: list[str]
) -> None:
    results = aggregate(room(DEMAND, demand, growth) + room(UNIT_ECONOMICS, economics, ratio))
    flags = pitfall_flags(results)
    if not reasons:
        assert flags == []
        return
    assert flags == [FIT + "; ".join(reasons) + ". " + r.BEFORE_FIT.advice]


def test_other_signals_do_not_flag_product_market_fit() -> None:
    answers = room(ACQUISITION, [0, 0], [0.0]) + room(STRAIN, [0], [100.0]) + rate_area("talent", 1)
    assert pitfall_flags(aggregate(answers)) == []


# --- the note for the stage advice ------------------------------------------------------


def test_stage_note_says_nothing_before_any_answer() -> None:
    assert stage_note(aggregate([])) is None


def test_stage_note_puts_unproven_fit_first() -> None:
    note = stage_note(aggregate(room(DEMAND, [0, 1, 1]) + room(ACQUISITION, [0]) + rate_area("talent", 1)))
    assert note == (
        'The check suggests product-market fit is not proven yet: clear demand rated "anecdotal" (median of 3 answers).'
    )


def test_stage_note_names_thin_signals() -> None:
    answers = room(DEMAND, [3]) + room(UNIT_ECONOMICS, [2, 2]) + room(ACQUISITION, [1, 2]) + room(STRAIN, [0])
    assert stage_note(aggregate(answers)) == (
        "The check suggests some signals to scale are thin: repeatable acquisition (anecdotal), operational strain (no evidence)."
    )


def test_stage_note_names_the_weak_operating_model_once_the_signals_hold() -> None:
    answers = strong_signals() + rate_area("talent", 1) + rate_area("standards", 2) + rate_area("leadership", 5)
    assert stage_note(aggregate(answers)) == (
        "The check suggests the signals to scale are backed by data; "
        "the operating model holds back: Talent (0/100) and Standards & Practices (25/100)."
    )
    assert stage_note(aggregate(rate_area("ecosystem", 3))) == (
        "The check suggests no rated signal is thin; the operating model holds back: Ecosystem (50/100)."
    )


def test_stage_note_for_a_company_ready_to_scale() -> None:
    answers = strong_signals() + rate_area("talent", 4)
    assert stage_note(aggregate(answers)) == (
        "The check suggests the company is ready to scale: every signal is backed by data and no area is weak."
    )
    assert stage_note(aggregate(rate_area("talent", 4))) is None  # strong areas alone prove nothing about the signals


# --- properties -------------------------------------------------------------------------

agreement = st.integers(AGREEMENT.low, AGREEMENT.high)
answer_sets = st.lists(
    st.builds(
        lambda p, q, rating: Answer(p, q.key, rating if q.scale is AGREEMENT else rating % (EVIDENCE.high + 1)),
        st.integers(1, 12),
        st.sampled_from(QUESTIONS),
        agreement,
    ),
    max_size=80,
)


@quick
@given(st.lists(agreement, min_size=1, max_size=60))
def test_median_lies_within_the_ratings_and_spread_within_their_range(ratings: list[int]) -> None:
    result = aggregate(room("standards_rhythm", ratings)).question("standards_rhythm")
    assert result.median is not None
    assert min(ratings) <= result.median <= max(ratings)
    assert 0 <= result.spread <= max(ratings) - min(ratings)


@quick
@given(answer_sets)
def test_the_order_is_a_permutation_and_scores_stay_in_range(answers: list[Answer]) -> None:
    results = aggregate(answers)
    assert sorted(dimension_order(results)) == sorted(DIMENSION_KEYS)
    scores = [a.score or 0.0 for a in weak_areas(results)]
    assert scores == sorted(scores) and all(a.score is not None for a in weak_areas(results))
    assert all(a.score is None or 0 <= a.score <= 100 for a in results.areas)
    assert len(weakest(results)) <= r.WEAKEST_NAMED
    assert json.loads(json.dumps(results.as_dict())) == results.as_dict()
    assert "\n" not in (stage_note(results) or "")


@quick
@given(answer_sets, st.sampled_from(STATEMENTS))
def test_a_top_rating_never_lowers_a_score_and_a_bottom_one_never_raises_it(
    answers: list[Answer], q: r.Question
) -> None:
    before = aggregate(answers)
    newcomer = 1000
    higher = aggregate([*answers, Answer(newcomer, q.key, TOP)])
    lower = aggregate([*answers, Answer(newcomer, q.key, BOTTOM)])
    assert q.area is not None
    old_median, old_score = before.question(q.key).median, before.area(q.area).score
    low, high = lower.question(q.key).median or 0.0, higher.question(q.key).median or 0.0
    if old_median is None:  # the first rating of the statement is its median
        assert (low, high) == (BOTTOM, TOP)
    else:
        assert low <= old_median <= high
    if old_score is not None:
        assert (lower.area(q.area).score or 0.0) <= old_score <= (higher.area(q.area).score or 0.0)


@quick
@given(
    st.one_of(st.sampled_from(QUESTION_KEYS), st.text(max_size=20), st.none(), st.integers()),
    st.one_of(st.integers(-5, 10), st.floats(allow_nan=True), st.text(max_size=5), st.none(), st.booleans()),
    st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8), st.integers()),
)
def test_any_input_is_either_a_valid_answer_or_a_refusal(key: object, rating: object, number: object) -> None:
    try:
        answer = validate_answer(key, rating, number, participant_id=1)
    except InvalidInput as refused:
        assert str(refused) and "\n" not in str(refused)
        return
    scale = r.question_by_key(answer.key).scale
    assert scale.low <= answer.rating <= scale.high
    assert answer.number is None or math.isfinite(answer.number)


# --- answering on a phone: the actions --------------------------------------------------

DAY = 86_400.0


def _answers_of(db, code: str) -> list[tuple[str, int, float | None]]:

    return sorted((a.key, a.rating, a.number) for a in load(db, code).readiness_answers)


def test_participants_answer_over_days_before_the_workshop_starts(db, workshop):

    code, key = workshop.code, workshop.facilitator_key
    ann = actions.join(db, code, "Ann", now=NOW).token
    actions.open_readiness(db, code, key, True)
    before = version(db, code)
    assert actions.answer_readiness(db, code, ann, [{"key": DEMAND, "rating": 1, "number": "2.5"}], now=NOW) == 1
    assert version(db, code) == before + 1, "one change, one version"
    later = [{"key": DEMAND, "rating": 3}, {"key": "talent_careers", "rating": "4", "number": ""}]
    assert actions.answer_readiness(db, code, ann, later, now=NOW + 3 * DAY) == 2  # the clock never started
    assert _answers_of(db, code) == [(DEMAND, 3, None), ("talent_careers", 4, None)]
    snapshot = load(db, code)
    assert snapshot.timer(snapshot.current_step.key).state == "pending"
    assert snapshot.readiness.respondents == 1 and snapshot.readiness.question(DEMAND).median == 3.0
    actions.answer_readiness(db, code, ann, [], now=NOW + 4 * DAY)  # an empty form withdraws them
    assert _answers_of(db, code) == []


@pytest.mark.parametrize("state", ["closed", "locked", "ended", "never opened"])
def test_a_closed_locked_or_ended_check_refuses_and_writes_nothing(db, workshop, state):

    code, key = workshop.code, workshop.facilitator_key
    ann = actions.join(db, code, "Ann", now=NOW).token
    if state != "never opened":
        actions.open_readiness(db, code, key, True)
        actions.answer_readiness(db, code, ann, [{"key": DEMAND, "rating": 2}], now=NOW)
    {
        "closed": lambda: actions.open_readiness(db, code, key, False),
        "locked": lambda: actions.set_locked(db, code, key, True),
        "ended": lambda: actions.end_workshop(db, code, key, now=NOW, from_step=on_step(db, code)),
        "never opened": lambda: None,
    }[state]()
    before, stored = version(db, code), _answers_of(db, code)
    with pytest.raises(InputLocked) as refused:
        actions.answer_readiness(db, code, ann, [{"key": DEMAND, "rating": 0}], now=NOW)
    assert "\n" not in str(refused.value)
    assert version(db, code) == before and _answers_of(db, code) == stored


def test_only_the_facilitator_opens_the_check_and_only_a_participant_answers_it(db, workshop):

    code, key = workshop.code, workshop.facilitator_key
    ann = actions.join(db, code, "Ann", now=NOW).token
    before = version(db, code)
    for credential in (ann, "not-a-key", None):
        with pytest.raises(NotAllowed):
            actions.open_readiness(db, code, credential, True)
    with pytest.raises(InvalidInput, match="open \\(true\\) or closed \\(false\\)"):
        actions.open_readiness(db, code, key, "yes")
    actions.open_readiness(db, code, key, True)
    for token in (key, "not-a-token", None):
        with pytest.raises(NotAllowed):
            actions.answer_readiness(db, code, token, [{"key": DEMAND, "rating": 2}])
    with pytest.raises(InvalidInput, match="Clear demand is answered twice"):
        actions.answer_readiness(db, code, ann, [{"key": DEMAND, "rating": 2}] * 2)
    assert version(db, code) == before + 1 and _answers_of(db, code) == []


def test_a_room_that_rates_demand_weak_is_flagged_on_every_console(db, workshop):

    code, key = workshop.code, workshop.facilitator_key
    actions.open_readiness(db, code, key, True)
    for n, rating in enumerate((1, 1, 0, 3)):
        token = actions.join(db, code, f"P{n}", now=NOW).token
        actions.answer_readiness(db, code, token, [{"key": DEMAND, "rating": rating}], now=NOW)
    snapshot = load(db, code)
    assert pitfalls(snapshot)[0].startswith(FIT + 'clear demand rated "anecdotal" (median of 4 answers)')
    assert snapshot.advice(snapshot.current_step).endswith(stage_note(snapshot.readiness) or "?")
    assert "product-market fit is not proven" in snapshot.advice(snapshot.current_step)


# --- results in words (issue 22: "the room agrees", "LTV:CAC 3.4") -----------------------------


def _result(key: str, ratings: Sequence[int], figures: Sequence[float] = ()) -> r.QuestionResult:
    """The room's result for one question: one answer per rating, the first ones with `figures`."""
    given = list(figures) + [None] * (len(ratings) - len(figures))
    answers = [r.Answer(participant_id=n, key=key, rating=v, number=f) for n, (v, f) in enumerate(zip(ratings, given))]
    return r.aggregate(answers).question(key)


def test_the_spread_is_said_in_words_never_as_a_bare_number():
    assert r.spread_words(_result(r.UNIT_ECONOMICS, [3, 3, 3])) == "the room agrees"
    assert r.spread_words(_result(r.UNIT_ECONOMICS, [0, 0, 3, 3])) == "the room is divided"
    assert r.spread_words(_result(r.UNIT_ECONOMICS, [2])) == ""  # one answer has no spread


def test_each_figure_is_named_by_what_it_measures():
    assert r.figure_words(_result(r.UNIT_ECONOMICS, [3], [3.4])).startswith("LTV:CAC 3.4 (median of")
    assert r.figure_words(_result(r.DEMAND, [3], [7.5])).startswith("growth 7.5 % a month")
    assert r.figure_words(_result(r.DEMAND, [3])) == ""
    for question in r.SIGNALS:  # every figure a signal asks for has its own words
        assert question.number is not None and question.number.said != "{}" and "{}" in question.number.said


def test_a_result_reads_as_one_line():
    words = r.result_words(_result(r.UNIT_ECONOMICS, [3, 3], [3.4, 3.4]))
    assert re.fullmatch(r"[^·]+ · the room agrees · LTV:CAC 3\.4 \(median of 2 figures\)", words), words
    assert r.result_words(_result(r.UNIT_ECONOMICS, [])) == "not rated yet"
