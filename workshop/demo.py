"""A complete sample workshop: a scale-up whose feature teams are blocked by incidents."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from workshop import actions
from workshop.actions import Created
from workshop.domain.followup import day_of
from workshop.domain.vocabulary import ORGANISATION, PLATFORM, PRODUCT, STEP_KEYS
from workshop.store import Database

BOTTLENECKS = (
    (PLATFORM, "Feature teams lose days every sprint to production incidents"),
    (PLATFORM, "Paging wakes the same five engineers every week"),
    (PLATFORM, "No tracing: slow checkout takes hours to diagnose"),
    (PLATFORM, "Monolith deploys block every team for a full day"),
    (PRODUCT, "Enterprise deals stall on missing SSO and audit logs"),
    (PRODUCT, "Three half-finished features nobody can tie to revenue"),
    (PRODUCT, "Pricing page confuses first-time buyers"),
    (ORGANISATION, "Headcount doubled but nobody knows who decides on priorities"),
    (ORGANISATION, "Every team builds its own data pipeline"),
    (ORGANISATION, "Senior hires take five months to ramp"),
)

# A second wording of the first note: step 1's suggestions find it and the facilitator merges the group.
DUPLICATE = (PLATFORM, "Every sprint we lose days to production incidents")

PEOPLE = ("Amira", "Ben", "Chloé", "Dev", "Eun-ji", "Farid")

# The readiness check, answered by the six people in the workshop's first minutes. Per signal,
# each person's evidence rating (0 none … 3 strong) and figure (None: left blank); per
# statement, each person's agreement (1 not at all … 5 fully). The signals hold; Standards &
# Practices and Ecosystem come out weakest, so step 1 leads with platform and organisation prompts,
# and "solved locally" divides the room.
READINESS_SIGNALS: dict[str, tuple[tuple[int, ...], tuple[float | None, ...]]] = {
    "demand": ((3, 3, 2, 3, 3, 2), (8, 6, None, 7, 9, None)),
    "acquisition": ((2, 2, 1, 2, 3, 2), (60, None, 40, 55, 70, None)),
    "unit_economics": ((2, 3, 2, 2, 2, 1), (3.4, 4, None, 3.1, None, None)),
    "strain": ((3, 3, 3, 2, 3, 3), (40, 35, 50, None, 45, 30)),
}
READINESS_STATEMENTS: dict[str, tuple[int, ...]] = {
    "leadership_outcomes": (4, 4, 3, 5, 4, 4),
    "leadership_room": (3, 4, 4, 3, 4, 3),
    "leadership_experiments": (4, 5, 3, 4, 4, 4),
    "ecosystem_ownership": (2, 3, 2, 2, 3, 2),
    "ecosystem_local": (2, 4, 1, 4, 2, 5),
    "ecosystem_reshaped": (2, 2, 3, 1, 2, 2),
    "talent_communities": (3, 3, 2, 4, 3, 3),
    "talent_careers": (2, 3, 3, 3, 2, 4),
    "talent_multipliers": (3, 4, 3, 3, 4, 3),
    "standards_shared": (1, 2, 1, 2, 2, 1),
    "standards_rhythm": (2, 2, 3, 2, 1, 2),
    "standards_feedback": (2, 3, 2, 2, 2, 3),
}

# Each person's five dots, as indexes into BOTTLENECKS.
DOTS = {
    0: [0, 0, 1, 7, 4],
    1: [0, 2, 7, 8, 5],
    2: [0, 1, 3, 7, 4],
    3: [2, 0, 8, 9, 5],
    4: [0, 7, 7, 4, 3],
    5: [0, 1, 2, 8, 9],
}

# (bottleneck index, outcome, magnitude, € per year, because); every one makes it worse.
IMPACTS = (
    (0, "throughput", 5, 400_000, "Half of each sprint goes to firefighting instead of roadmap work"),
    (0, "churn", 4, 250_000, "Two enterprise customers cited outages at renewal"),
    (2, "latency", 3, None, "Checkout p95 regressions go unnoticed for days"),
    (3, "lead_time", 4, None, "One deploy window a day for forty engineers"),
    (4, "revenue", 5, 900_000, "Six enterprise deals waiting on SSO and audit logs"),
    (7, "throughput", 3, None, "Decisions wait for the weekly leadership meeting"),
    (8, "cost_per_request", 3, 120_000, "Five copies of the same pipeline on separate clusters"),
    (9, "time_to_hire", 3, None, "No onboarding path for staff engineers"),
)

# (title, bottleneck indexes it relieves, description)
PLAN = (
    (
        "Introduce SLOs and an error-budget policy",
        [0, 1],
        "SLOs per service with an error-budget policy that pauses features when the budget is spent.",
    ),
    (
        "Distributed tracing and shared observability dashboards",
        [2],
        "OpenTelemetry tracing, logs and metrics in one place.",
    ),
    ("Enterprise SSO and audit logs", [4], "SAML/OIDC single sign-on and exportable audit trails."),
    ("Decision rights charter per product area", [7], "Who decides, who is consulted, by when."),
    ("Shared data platform team", [8], "One pipeline owned by one team, offered as a service."),
    ("Split deploys by service", [3], "Independent deploy pipelines for the three busiest services."),
)

# Per initiative, the first four people's (value, effort, urgency, confidence).
SCORES = (
    [(9, 4, 9, 80), (8, 5, 9, 70), (9, 3, 8, 90), (7, 4, 9, 80)],
    [(8, 4, 8, 80), (7, 5, 7, 70), (8, 4, 8, 80), (6, 3, 7, 80)],
    [(9, 6, 8, 70), (9, 7, 9, 60), (8, 6, 6, 70), (3, 8, 4, 40)],
    [(6, 2, 6, 70), (5, 2, 7, 60), (6, 3, 5, 70), (6, 2, 6, 80)],
    [(6, 7, 4, 60), (5, 8, 4, 50), (7, 6, 5, 60), (6, 7, 3, 60)],
    [(7, 8, 5, 50), (6, 9, 6, 50), (7, 7, 5, 60), (6, 8, 4, 40)],
)

# Per initiative index: the questionnaire's answers, the team's choice and its rationale.
DECISIONS = {
    0: (
        {"core": "yes", "speed": "balanced", "network": "no", "capability": "yes", "cost": "build"},
        "build",
        "Reliability is how we win enterprise renewals; the SLO policy must fit our own services.",
    ),
    1: (
        {"core": "no", "speed": "speed", "network": "no", "capability": "partly", "cost": "buy"},
        "buy",
        "Observability is a commodity; a managed OpenTelemetry backend gets us tracing this quarter.",
    ),
    2: (
        {"core": "partly", "speed": "speed", "network": "yes", "capability": "partly", "cost": "similar"},
        "partner",
        "An identity provider partnership gives SSO and SCIM with the providers customers already use.",
    ),
    3: (
        {"core": "yes", "speed": "balanced", "network": "no", "capability": "yes", "cost": "build"},
        "build",
        "A decision charter is ours to write; no vendor can do it for us.",
    ),
}

# Participants' own picks: person n picks for initiative n // 3.
PICKS = (
    ("build", "Our reliability story is the moat"),
    ("build", ""),
    ("partner", "An SRE partner could help"),
    ("buy", "Observability tooling is commodity"),
    ("buy", "Tracing this quarter"),
    ("buy", ""),
)

VOLUNTEERS = ((0, 0), (1, 1), (1, 2))  # (initiative index, person)

# Per initiative index: (owner, metric, unit, baseline, target).
OWNERS = {
    0: ("Priya Raman (VP Engineering)", "Pages per week", "pages/week", 40, 16),
    1: ("Tom Okafor (Platform lead)", "Services with tracing", "% of services", 10, 90),
    2: ("Lena Fischer (Product, Enterprise)", "Enterprise deals blocked on SSO", "deals", 6, 0),
    3: ("Marc Dubois (COO)", "Decisions waiting over a week", "decisions", 12, 2),
}


# Check-ins of the sample's owners: (owner index, days after the workshop, value, status, note,
# days until the next check-in). The tracing owner misses a check-in, so one shows as overdue.
CHECKINS = (
    (0, 14, 34, "on_track", "Error budget agreed for checkout and search", 14),
    (1, 21, 25, "on_track", "Collector running in staging", 14),
    (0, 28, 27, "on_track", "", 14),
    (2, 28, 6, "at_risk", "Partner contract still in legal review", 14),
    (3, 35, 8, "on_track", "Charter published; product areas named", 28),
    (1, 35, 45, "on_track", "Checkout and payments traced end to end", 14),
    (0, 42, 24, "at_risk", "Two noisy legacy services keep paging", 14),
    (2, 42, 5, "off_track", "Contract signed two weeks late; SCIM slipped a sprint", 14),
    (1, 49, 62, "on_track", "", 14),
    (0, 56, 20, "on_track", "Legacy alerts retired", 14),
    (2, 56, 3, "at_risk", "First two enterprise tenants on SSO", 28),
    (3, 63, 5, "on_track", "", 28),
)


@dataclass(frozen=True)
class _Room:
    """The sample as it runs: who facilitates, who takes part and when it started."""

    db: Database
    code: str
    key: str
    tokens: list[str]
    start: float

    def token(self, n: int) -> str:
        """The participants take turns, so every person adds something."""
        return self.tokens[n % len(self.tokens)]


def create_demo(db: Database, now: float | None = None, followup_days: int = 0) -> Created:
    """Create and fully run the sample workshop; returns its code and facilitator key.

    With `followup_days`, the workshop took place that many days ago and the owners have
    reported the check-ins that fall in that time since.
    """
    moment = time.time() if now is None else now
    start = moment - followup_days * 86_400 - 95 * 60
    created = actions.create_workshop(
        db, "Scaling the delivery engine", "Northwind Analytics", "scaleup", vote_budget=5, now=start
    )
    tokens = [actions.join(db, created.code, name, now=start + 30 + n).token for n, name in enumerate(PEOPLE)]
    room = _Room(db, created.code, created.facilitator_key, tokens, start)
    _readiness(room)
    actions.start_timer(db, room.code, room.key, now=start + 60)
    ids = _bottlenecks(room)
    actions.next_step(db, room.code, room.key, now=start + 21 * 60, from_step=STEP_KEYS[0])
    _impacts(room, ids)
    actions.next_step(db, room.code, room.key, now=start + 42 * 60, from_step=STEP_KEYS[1])
    initiative_ids = _prioritise(room, ids)
    actions.next_step(db, room.code, room.key, now=start + 62 * 60, from_step=STEP_KEYS[2])
    _decide(room, initiative_ids)
    actions.next_step(db, room.code, room.key, now=start + 82 * 60, from_step=STEP_KEYS[3])
    _owners(room, initiative_ids)
    actions.end_workshop(db, room.code, room.key, now=start + 93 * 60, from_step=STEP_KEYS[-1])
    _checkins(room, initiative_ids, moment)
    return created


def _readiness(room: _Room) -> None:
    """Before the clock starts: the facilitator opens the check, everyone answers, the check closes."""
    actions.open_readiness(room.db, room.code, room.key, True, now=room.start + 30)
    for person, token in enumerate(room.tokens):
        answers: list[dict[str, object]] = [
            {"key": key, "rating": ratings[person], "number": figures[person]}
            for key, (ratings, figures) in READINESS_SIGNALS.items()
        ]
        answers += [{"key": key, "rating": ratings[person]} for key, ratings in READINESS_STATEMENTS.items()]
        actions.answer_readiness(room.db, room.code, token, answers, now=room.start + 40 + person * 2)
    actions.open_readiness(room.db, room.code, room.key, False, now=room.start + 40 + len(room.tokens) * 2)


def _bottlenecks(room: _Room) -> list[int]:
    """Step 1: the notes, a duplicate the suggestions find merged into the first, the dots, and noise hidden."""
    db, code, key, start = room.db, room.code, room.key, room.start
    ids = [
        actions.add_bottleneck(db, code, room.token(n), dim, text, client_id=f"demo-{n}", now=start + 120 + n * 20)
        for n, (dim, text) in enumerate(BOTTLENECKS)
    ]
    duplicate = actions.add_bottleneck(db, code, room.tokens[2], *DUPLICATE, now=start + 400)
    actions.add_bottleneck(db, code, room.tokens[3], PRODUCT, "lunch options in the office", now=start + 410)
    for person, choices in DOTS.items():
        for n, index in enumerate(choices):
            actions.vote(db, code, room.tokens[person], ids[index], now=start + 600 + person * 10 + n)
    suggested = [g for g in actions.suggested_groups(db, code, key) if duplicate in g.members]
    if not suggested:
        raise RuntimeError("The sample's duplicate note is not among step 1's suggestions.")
    actions.merge_group(db, code, key, suggested[0].keep, list(suggested[0].members), now=start + 700)
    noise = actions.add_bottleneck(db, code, room.tokens[4], ORGANISATION, "Too many meetings???", now=start + 720)
    actions.hide_bottleneck(db, code, key, noise, now=start + 725)
    return ids


def _impacts(room: _Room, ids: list[int]) -> None:
    """Step 2: the bottlenecks linked to the outcomes they damage."""
    for n, (index, outcome, size, money, because) in enumerate(IMPACTS):
        actions.add_impact(
            room.db,
            room.code,
            room.token(n),
            ids[index],
            outcome,
            "worse",
            size,
            because,
            money=money,
            now=room.start + 22 * 60 + n * 30,
        )


def _prioritise(room: _Room, ids: list[int]) -> list[int]:
    """Step 3: initiatives, four people's scores, one dependency, and the ranking adopted."""
    db, code, start = room.db, room.code, room.start
    initiative_ids = [
        actions.add_initiative(
            db, code, room.token(n), title, [ids[i] for i in links], description, now=start + 43 * 60 + n * 20
        )
        for n, (title, links, description) in enumerate(PLAN)
    ]
    for initiative_id, rows in zip(initiative_ids, SCORES):
        for person, (value, effort, urgency, confidence) in enumerate(rows):
            actions.score_initiative(
                db,
                code,
                room.tokens[person],
                initiative_id,
                {"value": value, "effort": effort, "urgency": urgency, "confidence": confidence},
                now=start + 50 * 60 + person,
            )
    actions.add_dependency(db, code, room.key, initiative_ids[5], initiative_ids[1], now=start + 55 * 60)
    actions.adopt_ranking(db, code, room.key, now=start + 56 * 60)
    return initiative_ids


def _decide(room: _Room, initiative_ids: list[int]) -> None:
    """Step 4: the participants' own picks, then the team's four decisions."""
    for n, (choice, reason) in enumerate(PICKS):
        actions.pick_choice(
            room.db, room.code, room.token(n), initiative_ids[n // 3], choice, reason, now=room.start + 63 * 60 + n * 10
        )
    for index, (answers, choice, rationale) in DECISIONS.items():
        actions.record_decision(
            room.db,
            room.code,
            room.key,
            initiative_ids[index],
            answers,
            choice,
            rationale,
            now=room.start + 65 * 60 + index * 60,
        )


def _owners(room: _Room, initiative_ids: list[int]) -> None:
    """Step 5: volunteers, then an owner, metric and first check-in for every decision."""
    for initiative_index, person in VOLUNTEERS:
        actions.volunteer(
            room.db, room.code, room.tokens[person], initiative_ids[initiative_index], now=room.start + 83 * 60
        )
    today = day_of(room.start + 82 * 60)
    for index, (owner, metric, unit, baseline, target) in OWNERS.items():
        actions.assign_owner(
            room.db,
            room.code,
            room.key,
            initiative_ids[index],
            owner,
            metric,
            baseline,
            target,
            today + timedelta(days=14 + 7 * index),
            unit=unit,
            today=today,
            now=room.start + 84 * 60 + index * 30,
        )


def _checkins(room: _Room, initiative_ids: list[int], moment: float) -> None:
    """After the workshop: the owners' check-ins that fall before `moment`."""
    for index, days, value, status, note, next_in in CHECKINS:
        when = room.start + 93 * 60 + days * 86_400
        if when > moment:
            continue
        actions.record_checkin(
            room.db,
            room.code,
            room.key,
            initiative_ids[index],
            value,
            status,
            note,
            next_checkin=day_of(when) + timedelta(days=next_in),
            today=day_of(when),
            now=when,
        )
