"""The workshop's vocabulary, defined once: steps, dimensions, stage contexts, outcomes,
impact directions and magnitudes, ranking methods and every input limit.

Actions, the importer, the live payload, the exports and the pages read these names from
here, so changing a step, a choice or a limit is a change in this one module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from workshop.domain.language import N_, _, current, translate


class _Keyed(Protocol):
    """Anything looked up by its `key`: a step, a dimension, a stage, an outcome, a method."""

    @property
    def key(self) -> str: ...


_K = TypeVar("_K", bound=_Keyed)


def by_key(records: Iterable[_K], key: str) -> _K:
    """The record with this key; an unknown key is a programming error (KeyError)."""
    for record in records:
        if record.key == key:
            return record
    raise KeyError(key)


# Input limits: actions refuse beyond them, the importer checks the same, the forms cap at them.
NAME_MAX = 40  # a display name
OWNER_MAX = NAME_MAX * 2  # an owner or "recorded by": may name two people
SHORT_MAX = 120  # a title, an organisation, a metric
NOTE_MAX = 280  # a bottleneck, a "because", a reason, a check-in note
LONG_MAX = 1000  # a description or a decision's rationale
UNIT_MAX = 30  # a metric's unit
CLIENT_ID_MAX = 64  # a phone's submission id, which makes a retried write happen once
MAX_STEP_MINUTES = 120
MAX_VOTE_BUDGET = 20
MONEY_MAX = 1e12  # a yearly € estimate; beyond it is a typo, not an estimate
ID_MAX = 2**62  # any row id a caller passes in (SQLite's integers are 64-bit)


@dataclass(frozen=True)
class Step:
    """One timed step of the workshop."""

    key: str
    number: int
    title: str
    minutes: int
    guidance: str
    goal: str
    acted: str  # what a participant has done once they took part in this step ("87 of 112 scored")


STEPS: tuple[Step, ...] = (
    Step(
        key="bottlenecks",
        acted=N_("added or voted"),
        number=1,
        title=N_("Bottleneck mapping"),
        minutes=20,
        goal=N_("Name what stops us delivering at scale today."),
        guidance=N_(
            "Add the constraints you feel today, one per note, and tag each with the "
            "dimension it belongs to. Then spend your dots on the ones that hurt most. "
            "Duplicates get merged and their votes carry over."
        ),
    ),
    Step(
        key="impact",
        acted=N_("mapped an impact"),
        number=2,
        title=N_("Impact mapping"),
        minutes=20,
        goal=N_("Tie each bottleneck to the business outcome it damages."),
        guidance=N_(
            "For each bottleneck that survived voting, say which business metric it moves, "
            "in which direction and by how much, with a one-line 'because'. A rough yearly "
            "money estimate helps the ranking later."
        ),
    ),
    Step(
        key="prioritise",
        acted=N_("scored"),
        number=3,
        title=N_("Prioritisation"),
        minutes=20,
        goal=N_("Rank scaling initiatives by ROI and urgency and fix a sequence."),
        guidance=N_(
            "Write initiatives against the bottlenecks they relieve, then score each one on "
            "value, effort, urgency and confidence. The room's median decides; wide spreads "
            "are flagged for discussion. Agree the order in which they start."
        ),
    ),
    Step(
        key="decide",
        acted=N_("gave a pick"),
        number=4,
        title=N_("Build / Buy / Partner"),
        minutes=20,
        goal=N_("Choose how to deliver the top three initiatives."),
        guidance=N_(
            "Build what is core to the moat, buy where speed beats uniqueness, partner where "
            "scale or network effects are easier to reach with allies. Answer the questions, "
            "read the recommendation, then record the team's decision and why."
        ),
    ),
    Step(
        key="owners",
        acted=N_("volunteered"),
        number=5,
        title=N_("Metrics & owners"),
        minutes=10,
        goal=N_("Give every decision a DRI, a metric and a first check-in."),
        guidance=N_(
            "Each decided initiative needs one directly responsible person, a success metric "
            "with today's baseline and a target, and the date of its first check-in."
        ),
    ),
)

STEP_KEYS: tuple[str, ...] = tuple(step.key for step in STEPS)
TOTAL_MINUTES: int = sum(step.minutes for step in STEPS)


def step_by_key(key: str) -> Step:
    """Look a step up by key; unknown keys are a programming error."""
    return by_key(STEPS, key)


STEP_LABEL = N_("step {number}, {title}")


def said(message: str) -> str:
    """A message marked N_ where it was defined, looked up at run time (a title by its stored key),
    said in the current language: `_` for a value the catalogue tool must not take for a message."""
    return translate(current(), message)


INLINE_CAPITALISED = frozenset({"de"})  # languages whose nouns keep their capital inside a sentence


def inline(title: str) -> str:
    """A title inside a sentence or a list, in the current language: "Clear demand" → "clear
    demand", but "LTV:CAC ratio" stays, and German nouns keep their capital."""
    said = _(title)
    if current() in INLINE_CAPITALISED:
        return said
    return said[:1].lower() + said[1:] if said[1:2].islower() else said


def dimension_words(keys: Iterable[str]) -> str:
    """Dimensions listed in a cell or a sentence: "product, platform"."""
    return ", ".join(inline(dimension_by_key(key).title) for key in keys)


def step_words(key: str) -> tuple[str, dict[str, object]]:
    """A step as a refusal names it: the template and its values (the title still a msgid)."""
    step = step_by_key(key)
    return STEP_LABEL, {"number": step.number, "title": step.title}


def step_label(key: str) -> str:
    """How a line names a step: "step 3, Prioritisation"."""
    step = step_by_key(key)
    return _(STEP_LABEL).format(number=step.number, title=_(step.title))


@dataclass(frozen=True)
class Write:
    """A kind of participant write and the one step it belongs to.

    A write is accepted from its step on, never ahead of the room: a phone cannot add an
    initiative during step 1 or an impact during a private brainstorm. A step the room has left
    still takes its writes, so a note sent as the facilitator pressed Next is kept, not lost.
    """

    key: str
    title: str  # the plural the refusal names: "Impacts are for step 2, Impact mapping"
    step: str


WRITES: tuple[Write, ...] = (
    Write("note", N_("Notes"), "bottlenecks"),
    Write("vote", N_("Votes"), "bottlenecks"),
    Write("impact", N_("Impacts"), "impact"),
    Write("initiative", N_("Initiatives"), "prioritise"),
    Write("score", N_("Scores"), "prioritise"),
    Write("pick", N_("Picks"), "decide"),
    Write("volunteer", N_("Offers to own an initiative"), "owners"),
)


def write_by_key(key: str) -> Write:
    """Look a kind of write up by key; unknown keys are a programming error."""
    return by_key(WRITES, key)


def write_opens(write: Write, current_step: str) -> bool:
    """True once the room has reached the step `write` belongs to."""
    return STEP_KEYS.index(current_step) >= STEP_KEYS.index(write.step)


@dataclass(frozen=True)
class Dimension:
    """One of the three scaling dimensions a bottleneck is tagged with."""

    key: str
    title: str
    scope: str
    prompts: tuple[str, ...]
    colour: str  # the dimension's colour in charts and on the live board


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        key="product",
        colour="#4c78a8",
        title=N_("Product"),
        scope=N_("reach, features, markets"),
        prompts=(
            N_("Are we expanding before we have won our first niche?"),
            N_("Which recent features can nobody tie to revenue, retention or moat?"),
            N_("Is the core product starved while new bets get the people?"),
            N_("Would a second language, currency or regulator break us?"),
        ),
    ),
    Dimension(
        key="platform",
        colour="#f58518",
        title=N_("Platform"),
        scope=N_("capacity, reliability, interoperability"),
        prompts=(
            N_("Where do incidents or downtime cost us customer trust?"),
            N_("Which technical debt charges the highest interest right now?"),
            N_("What cannot change without changing everything else?"),
            N_("Could we see a slowdown before customers tell us? (logs, traces, metrics)"),
            N_("Latency, cost per request or compliance: which limit is closest?"),
        ),
    ),
    Dimension(
        key="organisation",
        colour="#54a24b",
        title=N_("Organisation"),
        scope=N_("teams, process, decisions"),
        prompts=(
            N_("Is headcount growing faster than clarity about who decides what?"),
            N_("Which decisions wait on a person or a meeting?"),
            N_("Which capability (data, infra, security) is rebuilt by every team?"),
            N_("Which leadership roles will take longest to hire and ramp?"),
        ),
    ),
)

DIMENSION_KEYS: tuple[str, ...] = tuple(d.key for d in DIMENSIONS)
# The dimensions named where a rule or the sample needs one in particular.
PRODUCT, PLATFORM, ORGANISATION = DIMENSION_KEYS


def dimension_by_key(key: str) -> Dimension:
    """Look a dimension up by key; unknown keys are a programming error."""
    return by_key(DIMENSIONS, key)


@dataclass(frozen=True)
class Stage:
    """A company context chosen at creation; it tailors advice at each step."""

    key: str
    title: str
    focus: str
    advice: dict[str, str]


STAGES: tuple[Stage, ...] = (
    Stage(
        key="startup",
        title=N_("Startup / turnaround"),
        focus=N_("Fix the one constraint that matters; keep process light; get reliability basics right."),
        advice={
            "bottlenecks": N_("Look for the single constraint that blocks growth now, not every imperfection."),
            "impact": N_("Favour impacts on cash, churn and the core product's reliability."),
            "prioritise": N_("Heavy process before product-market fit is a pitfall: prefer small, fast fixes."),
            "decide": N_("Buy or partner for anything that is not your edge; your people are the scarcest resource."),
            "owners": N_("One owner and one number per initiative; check in weekly."),
        },
    ),
    Stage(
        key="scaleup",
        title=N_("Scale-up"),
        focus=N_("Introduce SLOs and error budgets, modularise the platform, bring FinOps discipline."),
        advice={
            "bottlenecks": N_("Incidents that block feature teams and unclear team boundaries are typical here."),
            "impact": N_("Link reliability to throughput and churn; cost per request to gross margin."),
            "prioritise": N_("SLOs with an error-budget policy often unlock feature throughput."),
            "decide": N_("Build the modular core that differentiates you; buy commodity tooling to keep speed."),
            "owners": N_("Tie each owner to an SLO or a unit-cost metric with a baseline you can measure today."),
        },
    ),
    Stage(
        key="enterprise",
        title=N_("Enterprise"),
        focus=N_("Standardise the platform, share services, govern change."),
        advice={
            "bottlenecks": N_("Look for duplicated capabilities and decisions stuck in governance."),
            "impact": N_("Quantify duplicated spend and the delivery delay caused by hand-offs."),
            "prioritise": N_("Shared services and platform standards pay back across many teams."),
            "decide": N_("Partner where an ecosystem already sets the standard; build where you integrate everything."),
            "owners": N_("Owners need decision rights across teams, not only a title."),
        },
    ),
    Stage(
        key="regulated",
        title=N_("Regulated"),
        focus=N_("Build compliance in: data residency, audit trails, controlled change."),
        advice={
            "bottlenecks": N_("Compliance and data-residency limits are silent killers: name them early."),
            "impact": N_("Include the cost of a failed audit or a blocked market in the estimates."),
            "prioritise": N_("Initiatives that build compliance in beat ones that bolt it on later."),
            "decide": N_("A vendor must meet your audit and residency duties before speed counts."),
            "owners": N_("Every metric needs an audit-ready source; name it with the baseline."),
        },
    ),
    Stage(
        key="remote",
        title=N_("Remote / distributed"),
        focus=N_("Async demos, written incident reviews, shared platform dashboards."),
        advice={
            "bottlenecks": N_("Watch for decisions that only happen in meetings across time zones."),
            "impact": N_("Hand-off delays across time zones show up in delivery throughput."),
            "prioritise": N_("Shared dashboards and written rituals scale better than more meetings."),
            "decide": N_("Prefer tools that work asynchronously and leave a written trail."),
            "owners": N_("Check-ins should be written and visible to every time zone."),
        },
    ),
)

STAGE_KEYS: tuple[str, ...] = tuple(s.key for s in STAGES)


def stage_by_key(key: str) -> Stage:
    """Look a stage context up by key; unknown keys are a programming error."""
    return by_key(STAGES, key)


@dataclass(frozen=True)
class Outcome:
    """A business outcome or metric a bottleneck can damage."""

    key: str
    title: str
    group: str
    unit: str


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("revenue", N_("Revenue"), N_("Growth"), N_("€/yr")),
    Outcome("churn", N_("Retention / churn"), N_("Growth"), N_("% churn")),
    Outcome("nrr", N_("Net revenue retention (NRR)"), N_("Growth"), N_("% NRR")),
    Outcome("cac", N_("Customer acquisition cost (CAC)"), N_("Unit economics"), N_("€")),
    Outcome("ltv", N_("Lifetime value (LTV)"), N_("Unit economics"), N_("€")),
    Outcome("ltv_cac", N_("LTV:CAC ratio"), N_("Unit economics"), N_("ratio")),
    Outcome("gross_margin", N_("Gross margin"), N_("Unit economics"), N_("%")),
    Outcome("throughput", N_("Delivery throughput"), N_("Delivery"), N_("items/quarter")),
    Outcome("lead_time", N_("Lead time to production"), N_("Delivery"), N_("days")),
    Outcome("uptime", N_("Uptime"), N_("Platform"), N_("%")),
    Outcome("latency", N_("Request latency"), N_("Platform"), N_("ms p95")),
    Outcome("cost_per_request", N_("Cost per request"), N_("Platform"), N_("€ per 1k requests")),
    Outcome("incidents", N_("Customer-facing incidents"), N_("Platform"), N_("per month")),
    Outcome("time_to_hire", N_("Time to hire and ramp"), N_("People"), N_("weeks")),
    Outcome("engagement", N_("Team engagement / attrition"), N_("People"), N_("% attrition")),
    Outcome("compliance", N_("Compliance and audit risk"), N_("Risk"), N_("open findings")),
)

OUTCOME_KEYS: tuple[str, ...] = tuple(o.key for o in OUTCOMES)


def outcome_by_key(key: str) -> Outcome:
    """Look an outcome up by key; unknown keys are a programming error."""
    return by_key(OUTCOMES, key)


# How an impact moves its outcome, and how much (1–5).
DIRECTIONS: dict[str, str] = {"worse": N_("makes it worse"), "better": N_("holds it back from improving")}
MAGNITUDES: dict[int, str] = {
    1: N_("Minor"),
    2: N_("Noticeable"),
    3: N_("Significant"),
    4: N_("Major"),
    5: N_("Critical"),
}


@dataclass(frozen=True)
class Method:
    """A ranking formula, with the text shown beside the ranking."""

    key: str
    title: str
    formula: str


METHODS: tuple[Method, ...] = (
    Method("roi", "ROI", N_("ROI = value × confidence ÷ effort")),
    Method("wsjf", "WSJF", N_("WSJF = cost of delay ÷ job size = (value + urgency) ÷ effort")),
)
METHOD_KEYS: tuple[str, ...] = tuple(m.key for m in METHODS)


def method_by_key(key: str) -> Method:
    """Look a ranking method up by key; unknown keys are a programming error."""
    return by_key(METHODS, key)


@dataclass(frozen=True)
class Review:
    """What the room concludes about one of last time's commitments at the next workshop."""

    key: str
    title: str
    acted: str  # how the earlier workshop's follow-through words it ("Carried over to XYZ")


REVIEWS: tuple[Review, ...] = (
    Review("done", N_("Done"), N_("Done")),
    Review("carry", N_("Carry over"), N_("Carried over")),
    Review("drop", N_("Drop"), N_("Dropped")),
)
REVIEW_KEYS: tuple[str, ...] = tuple(r.key for r in REVIEWS)
# The review of last time's commitments opens step 1 when an organisation has earlier workshops.
REVIEW_MINUTES = 10
# Carried over this many times, an initiative is flagged as a pitfall: it keeps not happening.
CARRY_WARNING = 3


def review_by_key(key: str) -> Review:
    """Look a review outcome up by key; unknown keys are a programming error."""
    return by_key(REVIEWS, key)


# --- the join code ----------------------------------------------------------------------
# What `actions.new_code` makes: six characters from an alphabet without look-alikes (no I, O, 0, 1).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
# What a form, a link or a restored backup may carry (older and hand-made codes included).
CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
CODE_MIN, CODE_MAX = 4, 12
CODE_SENT_MAX = 16  # the longest code a live address may carry before it is normalised


def normalise_code(code: str) -> str:
    """Join codes are case-insensitive and tolerate spaces and dashes."""
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


LIVE, ENDED = "live", "ended"  # a workshop's status, as the command line and the portfolio list it


def status_word(ended_at: float | None) -> str:
    """A stored workshop's status in one word."""
    return ENDED if ended_at else LIVE
