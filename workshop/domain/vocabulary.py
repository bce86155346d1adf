"""The workshop's vocabulary, defined once: steps, dimensions, stage contexts, outcomes,
impact directions and magnitudes, ranking methods and every input limit.

Actions, the importer, the live payload, the exports and the pages read these names from
here, so changing a step, a choice or a limit is a change in this one module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar


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
        acted="added or voted",
        number=1,
        title="Bottleneck mapping",
        minutes=20,
        goal="Name what stops us delivering at scale today.",
        guidance=(
            "Add the constraints you feel today, one per note, and tag each with the "
            "dimension it belongs to. Then spend your dots on the ones that hurt most. "
            "Duplicates get merged and their votes carry over."
        ),
    ),
    Step(
        key="impact",
        acted="mapped an impact",
        number=2,
        title="Impact mapping",
        minutes=20,
        goal="Tie each bottleneck to the business outcome it damages.",
        guidance=(
            "For each bottleneck that survived voting, say which business metric it moves, "
            "in which direction and by how much, with a one-line 'because'. A rough yearly "
            "money estimate helps the ranking later."
        ),
    ),
    Step(
        key="prioritise",
        acted="scored",
        number=3,
        title="Prioritisation",
        minutes=20,
        goal="Rank scaling initiatives by ROI and urgency and fix a sequence.",
        guidance=(
            "Write initiatives against the bottlenecks they relieve, then score each one on "
            "value, effort, urgency and confidence. The room's median decides; wide spreads "
            "are flagged for discussion. Agree the order in which they start."
        ),
    ),
    Step(
        key="decide",
        acted="gave a pick",
        number=4,
        title="Build / Buy / Partner",
        minutes=20,
        goal="Choose how to deliver the top three initiatives.",
        guidance=(
            "Build what is core to the moat, buy where speed beats uniqueness, partner where "
            "scale or network effects are easier to reach with allies. Answer the questions, "
            "read the recommendation, then record the team's decision and why."
        ),
    ),
    Step(
        key="owners",
        acted="volunteered",
        number=5,
        title="Metrics & owners",
        minutes=10,
        goal="Give every decision a DRI, a metric and a first check-in.",
        guidance=(
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


def step_label(key: str) -> str:
    """How a line names a step: "step 3, Prioritisation"."""
    step = step_by_key(key)
    return f"step {step.number}, {step.title}"


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
    Write("note", "Notes", "bottlenecks"),
    Write("vote", "Votes", "bottlenecks"),
    Write("impact", "Impacts", "impact"),
    Write("initiative", "Initiatives", "prioritise"),
    Write("score", "Scores", "prioritise"),
    Write("pick", "Picks", "decide"),
    Write("volunteer", "Offers to own an initiative", "owners"),
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
        title="Product",
        scope="reach, features, markets",
        prompts=(
            "Are we expanding before we have won our first niche?",
            "Which recent features can nobody tie to revenue, retention or moat?",
            "Is the core product starved while new bets get the people?",
            "Would a second language, currency or regulator break us?",
        ),
    ),
    Dimension(
        key="platform",
        colour="#f58518",
        title="Platform",
        scope="capacity, reliability, interoperability",
        prompts=(
            "Where do incidents or downtime cost us customer trust?",
            "Which technical debt charges the highest interest right now?",
            "What cannot change without changing everything else?",
            "Could we see a slowdown before customers tell us? (logs, traces, metrics)",
            "Latency, cost per request or compliance: which limit is closest?",
        ),
    ),
    Dimension(
        key="organisation",
        colour="#54a24b",
        title="Organisation",
        scope="teams, process, decisions",
        prompts=(
            "Is headcount growing faster than clarity about who decides what?",
            "Which decisions wait on a person or a meeting?",
            "Which capability (data, infra, security) is rebuilt by every team?",
            "Which leadership roles will take longest to hire and ramp?",
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
        title="Startup / turnaround",
        focus="Fix the one constraint that matters; keep process light; get reliability basics right.",
        advice={
            "bottlenecks": "Look for the single constraint that blocks growth now, not every imperfection.",
            "impact": "Favour impacts on cash, churn and the core product's reliability.",
            "prioritise": "Heavy process before product-market fit is a pitfall: prefer small, fast fixes.",
            "decide": "Buy or partner for anything that is not your edge; your people are the scarcest resource.",
            "owners": "One owner and one number per initiative; check in weekly.",
        },
    ),
    Stage(
        key="scaleup",
        title="Scale-up",
        focus="Introduce SLOs and error budgets, modularise the platform, bring FinOps discipline.",
        advice={
            "bottlenecks": "Incidents that block feature teams and unclear team boundaries are typical here.",
            "impact": "Link reliability to throughput and churn; cost per request to gross margin.",
            "prioritise": "SLOs with an error-budget policy often unlock feature throughput.",
            "decide": "Build the modular core that differentiates you; buy commodity tooling to keep speed.",
            "owners": "Tie each owner to an SLO or a unit-cost metric with a baseline you can measure today.",
        },
    ),
    Stage(
        key="enterprise",
        title="Enterprise",
        focus="Standardise the platform, share services, govern change.",
        advice={
            "bottlenecks": "Look for duplicated capabilities and decisions stuck in governance.",
            "impact": "Quantify duplicated spend and the delivery delay caused by hand-offs.",
            "prioritise": "Shared services and platform standards pay back across many teams.",
            "decide": "Partner where an ecosystem already sets the standard; build where you integrate everything.",
            "owners": "Owners need decision rights across teams, not only a title.",
        },
    ),
    Stage(
        key="regulated",
        title="Regulated",
        focus="Build compliance in: data residency, audit trails, controlled change.",
        advice={
            "bottlenecks": "Compliance and data-residency limits are silent killers: name them early.",
            "impact": "Include the cost of a failed audit or a blocked market in the estimates.",
            "prioritise": "Initiatives that build compliance in beat ones that bolt it on later.",
            "decide": "A vendor must meet your audit and residency duties before speed counts.",
            "owners": "Every metric needs an audit-ready source; name it with the baseline.",
        },
    ),
    Stage(
        key="remote",
        title="Remote / distributed",
        focus="Async demos, written incident reviews, shared platform dashboards.",
        advice={
            "bottlenecks": "Watch for decisions that only happen in meetings across time zones.",
            "impact": "Hand-off delays across time zones show up in delivery throughput.",
            "prioritise": "Shared dashboards and written rituals scale better than more meetings.",
            "decide": "Prefer tools that work asynchronously and leave a written trail.",
            "owners": "Check-ins should be written and visible to every time zone.",
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
    Outcome("revenue", "Revenue", "Growth", "€/yr"),
    Outcome("churn", "Retention / churn", "Growth", "% churn"),
    Outcome("nrr", "Net revenue retention (NRR)", "Growth", "% NRR"),
    Outcome("cac", "Customer acquisition cost (CAC)", "Unit economics", "€"),
    Outcome("ltv", "Lifetime value (LTV)", "Unit economics", "€"),
    Outcome("ltv_cac", "LTV:CAC ratio", "Unit economics", "ratio"),
    Outcome("gross_margin", "Gross margin", "Unit economics", "%"),
    Outcome("throughput", "Delivery throughput", "Delivery", "items/quarter"),
    Outcome("lead_time", "Lead time to production", "Delivery", "days"),
    Outcome("uptime", "Uptime", "Platform", "%"),
    Outcome("latency", "Request latency", "Platform", "ms p95"),
    Outcome("cost_per_request", "Cost per request", "Platform", "€ per 1k requests"),
    Outcome("incidents", "Customer-facing incidents", "Platform", "per month"),
    Outcome("time_to_hire", "Time to hire and ramp", "People", "weeks"),
    Outcome("engagement", "Team engagement / attrition", "People", "% attrition"),
    Outcome("compliance", "Compliance and audit risk", "Risk", "open findings"),
)

OUTCOME_KEYS: tuple[str, ...] = tuple(o.key for o in OUTCOMES)


def outcome_by_key(key: str) -> Outcome:
    """Look an outcome up by key; unknown keys are a programming error."""
    return by_key(OUTCOMES, key)


# How an impact moves its outcome, and how much (1–5).
DIRECTIONS: dict[str, str] = {"worse": "makes it worse", "better": "holds it back from improving"}
MAGNITUDES: dict[int, str] = {1: "Minor", 2: "Noticeable", 3: "Significant", 4: "Major", 5: "Critical"}


@dataclass(frozen=True)
class Method:
    """A ranking formula, with the text shown beside the ranking."""

    key: str
    title: str
    formula: str


METHODS: tuple[Method, ...] = (
    Method("roi", "ROI", "ROI = value × confidence ÷ effort"),
    Method("wsjf", "WSJF", "WSJF = cost of delay ÷ job size = (value + urgency) ÷ effort"),
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
    Review("done", "Done", "Done"),
    Review("carry", "Carry over", "Carried over"),
    Review("drop", "Drop", "Dropped"),
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
