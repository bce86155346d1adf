"""The optional pre-work check "Are we ready to scale?": its questions, scales and verdicts.

Two kinds of question, each traced to the seed it comes from: the four when-to-scale
signals (seed 003), rated on how strong the evidence is, with an optional figure; and
statements about the four operating-model areas (seed 000), rated on how far the room
agrees. The room's answers become medians and spreads per question, a 0–100 score per
area, the weakest areas (which order step 1's dimensions), the "scaling before
product-market fit" flag and a one-line note for the stage advice.

Everything here is pure, as in `scoring.py`: answers in, results out, no storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import median, quantiles
from typing import Any

from workshop.domain.errors import CODE_SHOWN, InvalidInput, Phrase
from workshop.domain.language import N_, _, ngettext
from workshop.domain.numbers import MEASURE_PLACES, measure, percent_value, rounded, whole
from workshop.domain.text import clean_int, clean_number
from workshop.domain.vocabulary import DIMENSION_KEYS, DIMENSIONS, ORGANISATION, PLATFORM, PRODUCT, by_key, inline

# The seed each question comes from, named by the seed file's number (`shared/seeds/003_*.txt`).
MATURITY_SEED = "000"  # the four dimensions of operating-model maturity
SIGNALS_SEED = "003"  # when to scale, and its pitfalls
SEEDS: tuple[str, ...] = (MATURITY_SEED, SIGNALS_SEED)

TITLE = N_("Are we ready to scale?")  # how every screen and file names the check
MINUTES = 5  # what answering takes, as the phone and the console say it


# --- scales -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One step of a rating scale: what is stored (`value`) and what is shown (`label`)."""

    key: str
    label: str
    value: int


@dataclass(frozen=True)
class Scale:
    """A rating scale, defined once and shared by every question that uses it."""

    key: str
    title: str
    levels: tuple[Level, ...]
    inline: str  # how a sentence names it: "Clear demand (evidence)"

    @property
    def low(self) -> int:
        return self.levels[0].value

    @property
    def high(self) -> int:
        return self.levels[-1].value

    def label_at(self, value: float) -> str:
        """The label of the highest level at or below `value`: a median between two reads as the lower."""
        return [level.label for level in self.levels if level.value <= value][-1]

    def share(self, value: float) -> float:
        """Where `value` sits on the scale, 0 (lowest level) to 100 (highest)."""
        return (value - self.low) / (self.high - self.low) * 100.0


EVIDENCE = Scale(
    key="evidence",
    title=N_("Evidence"),
    inline=N_("evidence"),
    levels=(
        Level("none", N_("No evidence"), 0),
        Level("anecdotal", N_("Anecdotal"), 1),
        Level("some", N_("Some data"), 2),
        Level("strong", N_("Strong, measured"), 3),
    ),
)
AGREEMENT = Scale(
    key="agreement",
    title=N_("Agreement"),
    inline=N_("agreement"),
    levels=(
        Level("not_at_all", N_("Not at all"), 1),
        Level("slightly", N_("Slightly"), 2),
        Level("partly", N_("Partly"), 3),
        Level("mostly", N_("Mostly"), 4),
        Level("fully", N_("Fully"), 5),
    ),
)
SCALES: tuple[Scale, ...] = (EVIDENCE, AGREEMENT)
# The evidence levels the rules below compare against.
ANECDOTAL = by_key(EVIDENCE.levels, "anecdotal").value
SOME_DATA = by_key(EVIDENCE.levels, "some").value

# Spread is the interquartile range (Q3 − Q1, inclusive quartiles) of the ratings. Unlike
# max − min (step 3's spread), one outlier in a big room does not widen it; a room split in
# two halves does. Two points on either scale (e.g. "slightly" against "mostly") is a divided room.
DIVIDED_SPREAD = 2.0
# An area scoring below this (the "mostly" level of AGREEMENT) can be named as weak.
WEAK_SCORE = AGREEMENT.share(by_key(AGREEMENT.levels, "mostly").value)
WEAKEST_NAMED = 2  # how many weak areas are named and order step 1


# --- questions --------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberPrompt:
    """The optional figure a signal asks for, with the bounds beyond which it is a typo."""

    label: str
    unit: str
    low: float
    high: float
    said: str = "{}"  # how a sentence names the figure, "{}" standing for it: "growth {} a month"

    @property
    def field(self) -> Phrase:
        """How a refusal names the figure: "Growth per month (%)"."""
        if not self.unit:
            return Phrase(self.label)
        return Phrase(N_("{label} ({unit})"), label=Phrase(self.label), unit=self.unit)


@dataclass(frozen=True)
class Question:
    """One thing to rate: a when-to-scale signal (no `area`) or a maturity statement."""

    key: str
    title: str
    text: str
    scale: Scale
    source: str  # the seed it comes from: one of SEEDS
    area: str | None = None  # the operating-model area of a maturity statement
    number: NumberPrompt | None = None


# Signal keys, named where a rule needs one in particular.
DEMAND, ACQUISITION, UNIT_ECONOMICS, STRAIN = "demand", "acquisition", "unit_economics", "strain"


def _signal(key: str, title: str, text: str, number: NumberPrompt) -> Question:
    return Question(key=key, title=title, text=text, scale=EVIDENCE, source=SIGNALS_SEED, number=number)


SIGNALS: tuple[Question, ...] = (
    _signal(
        DEMAND,
        N_("Clear demand"),
        N_("Users, revenue or engagement go up steadily from one month to the next."),
        NumberPrompt(N_("Growth per month"), "%", -100.0, 1000.0, N_("growth {} a month")),
    ),
    _signal(
        ACQUISITION,
        N_("Repeatable acquisition"),
        N_("Our channels bring in new customers predictably, with no heroic manual effort behind each one."),
        NumberPrompt(
            N_("New customers from channels that repeat"),
            "%",
            0.0,
            100.0,
            N_("{} of new customers from repeatable channels"),
        ),
    ),
    _signal(
        UNIT_ECONOMICS,
        N_("Unit economics"),
        N_("A customer is worth clearly more over its lifetime than it costs to win, at a healthy margin."),
        NumberPrompt(N_("LTV:CAC ratio"), "", 0.0, 100.0, N_("LTV:CAC {}")),
    ),
    _signal(
        STRAIN,
        N_("Operational strain"),
        N_("Manual work or capacity limits already hurt our quality or slow our delivery."),
        NumberPrompt(
            N_("Team time spent on manual, repetitive work"), "%", 0.0, 100.0, N_("{} of team time on manual work")
        ),
    ),
)


@dataclass(frozen=True)
class Area:
    """One of the four operating-model areas, and the step-1 dimensions its weakness shows in."""

    key: str
    title: str
    winning: str  # what winning at scale looks like, in one line
    points_to: tuple[str, ...]  # step-1 dimension keys, most affected first


# Where a weak area shows up on step 1's board, most affected dimension first:
# - Leadership: without outcomes tied to strategy, the product chases features nobody can
#   tie to results or expands too early (product); decisions then queue for a person (organisation).
# - Ecosystem: overlapping teams, blurred boundaries and escalations are team and decision
#   problems (organisation); the dependencies between teams mirror coupled systems (platform).
# - Talent: hiring, ramping and capabilities rebuilt team by team are organisation prompts.
# - Standards & Practices: without shared definitions of done and tooling, technical debt,
#   incidents and blind spots in observability pile up (platform); planning rhythm is process (organisation).
# Each dimension leads for at least one area, so the order really follows the room.
AREAS: tuple[Area, ...] = (
    Area(
        key="leadership",
        title=N_("Leadership"),
        winning=N_("Leaders name the outcome and the strategy behind it, then let teams choose the route."),
        points_to=(PRODUCT, ORGANISATION),
    ),
    Area(
        key="ecosystem",
        title=N_("Ecosystem"),
        winning=N_("Teams are designed on purpose, own clear territory and are reshaped as the business moves."),
        points_to=(ORGANISATION, PLATFORM),
    ),
    Area(
        key="talent",
        title=N_("Talent"),
        winning=N_("People grow here: skills spread, careers are visible and the best lift everyone else."),
        points_to=(ORGANISATION,),
    ),
    Area(
        key="standards",
        title=N_("Standards & Practices"),
        winning=N_("Shared ways of working are the norm: light enough for autonomy, firm enough to stop reinventing."),
        points_to=(PLATFORM, ORGANISATION),
    ),
)
AREA_KEYS: tuple[str, ...] = tuple(a.key for a in AREAS)


def _statement(area: str, key: str, title: str, text: str) -> Question:
    return Question(key=key, title=title, text=text, scale=AGREEMENT, source=MATURITY_SEED, area=area)


STATEMENTS: tuple[Question, ...] = (
    _statement(
        "leadership",
        "leadership_outcomes",
        N_("Outcomes over orders"),
        N_("Our leaders explain which outcome matters and why, then leave the route to the team."),
    ),
    _statement(
        "leadership",
        "leadership_room",
        N_("Room to decide"),
        N_("Managers give context and room to decide instead of holding on to every decision."),
    ),
    _statement(
        "leadership",
        "leadership_experiments",
        N_("Safe to experiment"),
        N_("A well-run experiment that fails is treated as learning, not as a mistake to punish."),
    ),
    _statement(
        "ecosystem",
        "ecosystem_ownership",
        N_("Clear ownership"),
        N_("Every team knows what it owns, and other teams respect those lines."),
    ),
    _statement(
        "ecosystem",
        "ecosystem_local",
        N_("Solved locally"),
        N_("Most problems get solved inside the team without climbing the hierarchy."),
    ),
    _statement(
        "ecosystem",
        "ecosystem_reshaped",
        N_("Structure keeps up"),
        N_("We adjust how teams are cut as the product changes, not only in a once-off reorganisation."),
    ),
    _statement(
        "talent",
        "talent_communities",
        N_("Living communities"),
        N_("Groups of people who share a craft meet and learn together without anyone pushing them."),
    ),
    _statement(
        "talent",
        "talent_careers",
        N_("Careers people believe"),
        N_("People can see a believable next step here, and that is a reason they stay."),
    ),
    _statement(
        "talent",
        "talent_multipliers",
        N_("Multipliers"),
        N_("Our strongest people coach others and shape how we work, not only deliver themselves."),
    ),
    _statement(
        "standards",
        "standards_shared",
        N_("Shared tools and rituals"),
        N_("Teams use the same templates, tools and ceremonies, so work can be compared and handed over."),
    ),
    _statement(
        "standards",
        "standards_rhythm",
        N_("One planning rhythm"),
        N_("Planning and alignment follow a common cadence that every team knows."),
    ),
    _statement(
        "standards",
        "standards_feedback",
        N_("Processes that learn"),
        N_("Our processes change when teams report friction, instead of staying fixed once written."),
    ),
)
QUESTIONS: tuple[Question, ...] = SIGNALS + STATEMENTS
QUESTION_KEYS: tuple[str, ...] = tuple(q.key for q in QUESTIONS)
ANSWERS_MAX = len(QUESTIONS)  # one submission answers each question at most once


def question_by_key(key: str) -> Question:
    """Look a question up by key; unknown keys are a programming error."""
    return by_key(QUESTIONS, key)


def area_by_key(key: str) -> Area:
    """Look an area up by key; unknown keys are a programming error."""
    return by_key(AREAS, key)


def area_questions(area: str) -> tuple[Question, ...]:
    """The maturity statements of one area, in the order they are asked."""
    return tuple(q for q in STATEMENTS if q.area == area)


# --- answers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One participant's rating of one question, with the figure they gave (if any)."""

    participant_id: int
    key: str
    rating: int
    number: float | None = None


_inline = inline


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate_answer(statement_key: object, rating: object, number: object = None, *, participant_id: int) -> Answer:
    """Refuse an unknown question, a rating off its scale or a figure out of bounds.

    The participant id comes from the caller's verified identity, never from the form.
    """
    if not isinstance(statement_key, str) or statement_key not in QUESTION_KEYS:
        raise InvalidInput(N_("The check has no question {key!r}."), key=str(statement_key)[:CODE_SHOWN])
    question = question_by_key(statement_key)
    scale = question.scale
    field = Phrase(N_("{question} ({scale})"), question=Phrase(question.title), scale=Phrase(scale.inline))
    score = clean_int(rating, field, low=scale.low, high=scale.high)
    if question.number is None:
        if not _blank(number):
            raise InvalidInput(N_("{question} takes no figure, only a rating."), question=Phrase(question.title))
        return Answer(participant_id, statement_key, score)
    prompt = question.number
    figure = clean_number(number, prompt.field, required=False, low=prompt.low, high=prompt.high)
    return Answer(participant_id, statement_key, score, figure)


_ANSWER_FIELDS = frozenset({"key", "rating", "number"})


def validate_answers(raw: object, *, participant_id: int) -> tuple[Answer, ...]:
    """A whole submission (a list of {key, rating, number}), refused whole if one answer is bad."""
    if not isinstance(raw, Sequence) or isinstance(raw, (str, bytes)):
        raise InvalidInput(N_("The answers must be a list."))
    if len(raw) > ANSWERS_MAX:
        raise InvalidInput(
            N_("{sent} answers sent; the check has {questions} questions."), sent=len(raw), questions=ANSWERS_MAX
        )
    answers: list[Answer] = []
    for item in raw:
        if not isinstance(item, Mapping) or not set(item) <= _ANSWER_FIELDS:
            raise InvalidInput(N_("Each answer must hold only a key, a rating and an optional number."))
        answer = validate_answer(item.get("key"), item.get("rating"), item.get("number"), participant_id=participant_id)
        if any(a.key == answer.key for a in answers):
            raise InvalidInput(N_("{question} is answered twice."), question=Phrase(question_by_key(answer.key).title))
        answers.append(answer)
    return tuple(answers)


# --- aggregation ------------------------------------------------------------------------


def spread(values: Sequence[float]) -> float:
    """Interquartile range (inclusive quartiles); 0 for fewer than two values."""
    if len(values) < 2:
        return 0.0
    q1, _q2, q3 = quantiles(values, n=4, method="inclusive")
    return float(q3 - q1)


@dataclass(frozen=True)
class QuestionResult:
    """The room's view of one question: how many, the median rating, the spread, the median figure."""

    key: str
    count: int
    median: float | None
    spread: float
    numbers: int  # how many gave a figure
    number_median: float | None

    @property
    def divided(self) -> bool:
        """The middle half of the room is at least two levels apart: talk before trusting the median."""
        return self.count >= 2 and self.spread >= DIVIDED_SPREAD

    def as_dict(self) -> dict[str, Any]:
        question = question_by_key(self.key)
        return {
            "key": self.key,
            "title": question.title,
            "area": question.area,
            "source": question.source,
            "count": self.count,
            "median": None if self.median is None else rounded(self.median, MEASURE_PLACES),
            "level": None if self.median is None else question.scale.label_at(self.median),
            "spread": rounded(self.spread, MEASURE_PLACES) if self.count else None,
            "divided": self.divided,
            "numbers": self.numbers,
            "number_median": None if self.number_median is None else rounded(self.number_median, MEASURE_PLACES),
            "unit": question.number.unit if question.number else None,
        }


AGREES = N_("the room agrees")
DIVIDED = N_("the room is divided")


def spread_words(result: QuestionResult) -> str:
    """The spread in words, not as a bare 0 or 1.5: whether the room agrees ("" before two answers,
    when there is no spread to speak of)."""
    if result.count < 2:
        return ""
    return _(DIVIDED if result.divided else AGREES)


def figure_words(result: QuestionResult) -> str:
    """The room's median figure named by what it measures ("LTV:CAC 3.4", "growth 7.5 % a month",
    with how many gave one), or "" without a figure."""
    prompt = question_by_key(result.key).number
    if prompt is None or result.number_median is None:
        return ""
    figure = _(prompt.said).format(measure(result.number_median, prompt.unit))
    median_of = ngettext("median of {n} figure", "median of {n} figures", result.numbers)
    return _("{figure} ({median_of})").format(figure=figure, median_of=median_of.format(n=whole(result.numbers)))


def result_words(result: QuestionResult) -> str:
    """One question's result as a screen says it: "Strong, measured · the room agrees · LTV:CAC 3.4
    (median of 3 figures)"; the projector and the summary word it alike."""
    if result.median is None:
        return _("not rated yet")
    level = _(question_by_key(result.key).scale.label_at(result.median))
    return " · ".join(part for part in (level, spread_words(result), figure_words(result)) if part)


@dataclass(frozen=True)
class AreaResult:
    """One area's score (0–100, None before any answer) and how many people rated it."""

    key: str
    title: str
    score: float | None
    respondents: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "score": percent_value(self.score),
            "respondents": self.respondents,
        }


@dataclass(frozen=True)
class Results:
    """Everything the check concludes from the room's answers, in QUESTIONS and AREAS order."""

    questions: tuple[QuestionResult, ...]
    areas: tuple[AreaResult, ...]
    respondents: int

    def question(self, key: str) -> QuestionResult:
        return by_key(self.questions, key)

    def area(self, key: str) -> AreaResult:
        return by_key(self.areas, key)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, rounded as on every other screen: medians to 2 places, scores to whole numbers."""
        return {
            "respondents": self.respondents,
            "questions": [q.as_dict() for q in self.questions],
            "areas": [a.as_dict() for a in self.areas],
            "weakest": [a.key for a in weakest(self)],
            "dimension_order": list(dimension_order(self)),
            "pitfalls": pitfall_flags(self),
            "stage_note": stage_note(self),
        }


def _question_result(question: Question, answers: Sequence[Answer]) -> QuestionResult:
    ratings = [float(a.rating) for a in answers]
    figures = [a.number for a in answers if a.number is not None]
    return QuestionResult(
        key=question.key,
        count=len(ratings),
        median=float(median(ratings)) if ratings else None,
        spread=spread(ratings),
        numbers=len(figures),
        number_median=float(median(figures)) if figures else None,
    )


def _area_result(area: Area, questions: Sequence[QuestionResult], answers: Iterable[Answer]) -> AreaResult:
    keys = {q.key for q in area_questions(area.key)}
    shares = [AGREEMENT.share(r.median) for r in questions if r.key in keys and r.median is not None]
    people = {a.participant_id for a in answers if a.key in keys}
    score = sum(shares) / len(shares) if shares else None
    return AreaResult(key=area.key, title=area.title, score=score, respondents=len(people))


def aggregate(answers: Iterable[Answer]) -> Results:
    """The room's results. A participant's last answer to a question counts; unknown keys
    (a question since retired) are left out rather than breaking the summary."""
    latest: dict[tuple[int, str], Answer] = {}
    for answer in answers:
        if answer.key in QUESTION_KEYS:
            latest[(answer.participant_id, answer.key)] = answer
    grouped: dict[str, list[Answer]] = {key: [] for key in QUESTION_KEYS}
    for answer in latest.values():
        grouped[answer.key].append(answer)
    questions = tuple(_question_result(q, grouped[q.key]) for q in QUESTIONS)
    areas = tuple(_area_result(area, questions, latest.values()) for area in AREAS)
    return Results(questions=questions, areas=areas, respondents=len({p for p, _ in latest}))


# --- verdicts ---------------------------------------------------------------------------


def weak_areas(results: Results) -> list[AreaResult]:
    """Rated areas, weakest first; equal scores keep the AREAS order (the sort is stable)."""
    rated = [(area.score, area) for area in results.areas if area.score is not None]
    return [area for _score, area in sorted(rated, key=lambda pair: round(pair[0], 9))]


def weakest(results: Results, n: int = WEAKEST_NAMED) -> list[AreaResult]:
    """Up to `n` weakest areas scoring below WEAK_SCORE: an area the room rates well is not named."""
    return [a for a in weak_areas(results) if a.score is not None and a.score < WEAK_SCORE][:n]


def dimension_order(results: Results) -> tuple[str, ...]:
    """Step 1's dimension keys, those the weakest areas point to first, the rest in their usual order."""
    order: list[str] = []
    for area in weakest(results):
        order += [d for d in area_by_key(area.key).points_to if d not in order]
    return tuple(order) + tuple(d for d in DIMENSION_KEYS if d not in order)


def ordered_prompts(results: Results) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(dimension key, its prompts) in `dimension_order`, for step 1's prompt list."""
    prompts = {d.key: d.prompts for d in DIMENSIONS}
    return tuple((key, prompts[key]) for key in dimension_order(results))


@dataclass(frozen=True)
class Rule:
    """When one signal counts against scaling: thin evidence, or a figure at or past a limit."""

    signal: str
    evidence_at_most: int  # a median rating at or below this level is weak evidence
    limit: float  # the median figure is weak below this (or at it, when `at_limit`)
    at_limit: bool = False

    def reasons(self, results: Results) -> list[str]:
        """What makes this signal weak in the room's answers, each naming the data."""
        question, result = question_by_key(self.signal), results.question(self.signal)
        found: list[str] = []
        if result.median is not None and result.median <= self.evidence_at_most:
            level = _(EVIDENCE.label_at(result.median)).lower()
            median_of = ngettext("median of {n} answer", "median of {n} answers", result.count)
            found.append(
                _('{question} rated "{level}" ({median_of})').format(
                    question=_inline(question.title), level=level, median_of=median_of.format(n=whole(result.count))
                )
            )
        figure, prompt = result.number_median, question.number
        if figure is not None and prompt is not None:
            if figure < self.limit or (self.at_limit and figure == self.limit):
                bound = _("at most {limit}") if self.at_limit else _("below {limit}")
                figures = ngettext("{n} figure", "{n} figures", result.numbers).format(n=whole(result.numbers))
                found.append(
                    _("{figure} at a median of {median} from {figures} ({bound})").format(
                        figure=_inline(prompt.label),
                        median=measure(figure, prompt.unit),
                        figures=figures,
                        bound=bound.format(limit=measure(self.limit, prompt.unit)),
                    )
                )
        return found


@dataclass(frozen=True)
class Pitfall:
    """A known pitfall, what to do about it and the rules that flag it."""

    title: str
    advice: str
    rules: tuple[Rule, ...]


# Flat or shrinking growth is no demand signal; LTV under three times CAC leaves too little
# to fund growth (the usual rule of thumb). Either, or thin evidence for either, flags it.
BEFORE_FIT = Pitfall(
    title=N_("Scaling before product-market fit"),
    advice=N_("Prove demand and unit economics before adding people or spend."),
    rules=(
        Rule(DEMAND, evidence_at_most=ANECDOTAL, limit=0.0, at_limit=True),
        Rule(UNIT_ECONOMICS, evidence_at_most=ANECDOTAL, limit=3.0),
    ),
)
PITFALLS: tuple[Pitfall, ...] = (BEFORE_FIT,)


def pitfall_reasons(results: Results, pitfall: Pitfall) -> list[str]:
    """Every reason the room's answers give for one pitfall (none: not flagged)."""
    return [reason for rule in pitfall.rules for reason in rule.reasons(results)]


def pitfall_flags(results: Results) -> list[str]:
    """Warnings in the style of `pitfalls.py`: the pitfall, the data behind it, what to do."""
    found: list[str] = []
    for pitfall in PITFALLS:
        reasons = pitfall_reasons(results, pitfall)
        if reasons:
            found.append(
                _("{pitfall}: {reasons}. {advice}").format(
                    pitfall=_(pitfall.title), reasons="; ".join(reasons), advice=_(pitfall.advice)
                )
            )
    return found


def _area_list(areas: Sequence[AreaResult]) -> str:
    named = [_("{area} ({score}/100)").format(area=_(a.title), score=measure(percent_value(a.score))) for a in areas]
    return _(" and ").join(named)


def _thin_signals(results: Results) -> tuple[list[str], int]:
    """The rated signals whose median evidence is below "some data", and how many are rated."""
    thin: list[str] = []
    rated = 0
    for question in SIGNALS:
        level = results.question(question.key).median
        if level is None:
            continue
        rated += 1
        if level < SOME_DATA:
            thin.append(
                _("{signal} ({level})").format(
                    signal=_inline(question.title), level=_(EVIDENCE.label_at(level)).lower()
                )
            )
    return thin, rated


def stage_note(results: Results) -> str | None:
    """One line for the stage advice: what the check says about where the company really is.

    Unproven product-market fit outweighs everything else; then thin signals; then the
    operating model's weakest areas; a clean bill needs every signal rated.
    """
    if not results.respondents:
        return None
    unproven = pitfall_reasons(results, BEFORE_FIT)
    if unproven:
        return _("The check suggests product-market fit is not proven yet: {reasons}.").format(
            reasons="; ".join(unproven)
        )
    thin, rated = _thin_signals(results)
    if thin:
        return _("The check suggests some signals to scale are thin: {signals}.").format(signals=", ".join(thin))
    weak = weakest(results)
    if weak and rated == len(SIGNALS):
        return _(
            "The check suggests the signals to scale are backed by data; the operating model holds back: {areas}."
        ).format(areas=_area_list(weak))
    if weak:
        return _("The check suggests no rated signal is thin; the operating model holds back: {areas}.").format(
            areas=_area_list(weak)
        )
    if rated == len(SIGNALS):
        return _(
            "The check suggests the company is ready to scale: every signal is backed by data and no area is weak."
        )
    return None


# --- across workshops -------------------------------------------------------------------


@dataclass(frozen=True)
class Held:
    """One workshop's check, to compare an organisation's workshops (the portfolio)."""

    code: str
    title: str
    organisation: str
    held: float  # when the workshop was created
    results: Results


def by_workshop(rows: Iterable[Mapping[str, Any]]) -> list[Held]:
    """Answers with their workshop's facts (`code`, `workshop_title`, `workshop_organisation`,
    `workshop_created_at`), aggregated per workshop, oldest first; workshops without answers are absent."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(str(row["code"]), []).append(row)
    held = [
        Held(
            code=code,
            title=str(answers[0]["workshop_title"]),
            organisation=str(answers[0]["workshop_organisation"]),
            held=float(answers[0]["workshop_created_at"]),
            results=aggregate(Answer(r["participant_id"], r["question"], r["rating"], r["number"]) for r in answers),
        )
        for code, answers in grouped.items()
    ]
    return sorted(held, key=lambda h: (h.held, h.code))
