"""The read model: one snapshot of a workshop that pages, the checklist and exports share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from workshop.domain.audit import Trail
from workshop.domain.commitments import Commitment
from workshop.domain.decide import CHOICES, QUESTION_KEYS, Recommendation, Standing, recommend, standing
from workshop.domain.followup import Track, day_of, track
from workshop.domain.language import SOURCE
from workshop.domain.readiness import Answer, Results, aggregate, stage_note
from workshop.domain.scoring import Aggregate
from workshop.domain.timer import Timer
from workshop.domain.vocabulary import DIMENSION_KEYS, STEPS, Step, said, stage_by_key, step_by_key

Row = dict[str, Any]

TOP_N = 3


@dataclass
class Initiative:
    """An initiative with everything the room decided about it."""

    id: int
    title: str
    description: str
    position: int | None
    created_at: float
    participant_id: int | None
    bottleneck_ids: list[int] = field(default_factory=list)
    after_ids: list[int] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    aggregate: Aggregate | None = None
    rank: int = 0
    decision: Row | None = None
    owner: Row | None = None
    checkins: list[Row] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    picks: list[Row] = field(default_factory=list)
    volunteer_ids: list[int] = field(default_factory=list)
    carried_from_code: str | None = None  # the workshop a carried-over initiative came from
    carried_from_title: str | None = None
    carried_times: int = 0  # how many reviews in a row carried it over (0: new in this workshop)
    review: Row | None = None  # how a later workshop concluded it, once owned

    @property
    def carried(self) -> bool:
        return self.carried_times > 0

    @property
    def standing(self) -> Standing | None:
        """How the recorded decision stands against today's answers (None while undecided)."""
        return None if self.decision is None else standing(self.decision, self.answers)

    @property
    def proposal(self) -> Recommendation | None:
        """The questionnaire's recommendation once all questions are answered, else None."""
        if all(key in self.answers for key in QUESTION_KEYS):
            return recommend(self.answers)
        return None


@dataclass(frozen=True)
class Tally:
    """What everyone's own rows add up to: the room's results that every audience may see.

    An audience's view (`audience.py`) leaves other people's rows out and keeps this, counted
    from the full snapshot, so counts and medians read the same on every surface."""

    people: int  # participants, the facilitator's devices not counted
    acted: dict[str, int]  # step key -> participants who acted in that step
    notes: dict[str, int]  # dimension key -> notes on the board (not merged away, not hidden)
    picks: dict[int, dict[str, int]]  # initiative id -> the room's picks per choice
    volunteers: dict[int, int]  # initiative id -> how many offered to own it
    readiness: Results  # the readiness check's medians, spreads and area scores


@dataclass
class Snapshot:
    """Everything about one workshop at one version."""

    workshop: Row
    timers: list[Timer]
    participants: list[Row]
    bottlenecks: list[Row]
    votes: list[Row]
    impacts: list[Row]
    scores: list[Row]
    initiatives: list[Initiative]
    checkins: list[Row] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)  # the earlier ones this one reviews
    owner_links: list[Row] = field(default_factory=list)  # owners holding a live link, and since when
    readiness_rows: list[Row] = field(default_factory=list)  # the pre-work check: one per person and question
    dismissed_pairs: list[Row] = field(default_factory=list)  # note pairs the facilitator said are not the same
    counted: Tally | None = None  # set by an audience's view, which leaves out the rows it was counted from
    trail: Trail | None = None  # the audit trail: in the facilitator's view only; None when not loaded

    @property
    def id(self) -> int:
        return int(self.workshop["id"])

    @property
    def code(self) -> str:
        return str(self.workshop["code"])

    @property
    def loaded_trail(self) -> Trail:
        """The audit trail, which the backup and the trail's CSV must hold in full: a snapshot read
        without it (the live channel's) or someone else's view cannot make either."""
        if self.trail is None:
            raise ValueError("This snapshot holds no audit trail: load it for the facilitator.")
        return self.trail

    @property
    def version(self) -> int:
        return int(self.workshop["version"])

    @property
    def method(self) -> str:
        return str(self.workshop["scoring"])

    @property
    def language(self) -> str:
        """The language the workshop runs in: its projector, console and exports speak it."""
        return str(self.workshop.get("language") or SOURCE)

    @property
    def current_step(self) -> Step:
        return step_by_key(self.workshop["current_step"])

    @property
    def ended(self) -> bool:
        return self.workshop["ended_at"] is not None

    def timer(self, step_key: str) -> Timer:
        for timer in self.timers:
            if timer.step_key == step_key:
                return timer
        raise KeyError(step_key)

    def planned_minutes(self) -> dict[str, int]:
        return {t.step_key: t.minutes for t in self.timers}

    @property
    def live_bottlenecks(self) -> list[Row]:
        """Notes on the board: not merged away, not hidden; most votes first."""
        rows = [b for b in self.bottlenecks if b["merged_into"] is None and not b["hidden"]]
        return sorted(rows, key=lambda b: (-b["votes"], b["id"]))

    @property
    def hidden_bottlenecks(self) -> list[Row]:
        return [b for b in self.bottlenecks if b["merged_into"] is None and b["hidden"]]

    def by_dimension(self) -> dict[str, list[Row]]:
        board: dict[str, list[Row]] = {key: [] for key in DIMENSION_KEYS}
        for row in self.live_bottlenecks:
            board[row["dimension"]].append(row)
        return board

    def bottleneck(self, bottleneck_id: int) -> Row:
        for row in self.bottlenecks:
            if row["id"] == bottleneck_id:
                return row
        raise KeyError(bottleneck_id)

    def initiative(self, initiative_id: int) -> Initiative:
        for item in self.initiatives:
            if item.id == initiative_id:
                return item
        raise KeyError(initiative_id)

    @property
    def ranked(self) -> list[Initiative]:
        return sorted(self.initiatives, key=lambda i: i.rank)

    @property
    def sequenced(self) -> list[Initiative]:
        """Initiatives with a position, in sequence order."""
        return sorted((i for i in self.initiatives if i.position is not None), key=lambda i: (i.position, i.rank))

    @property
    def plan(self) -> list[Initiative]:
        """The working order: the agreed sequence first, then the rest by rank."""
        return self.sequenced + [i for i in self.ranked if i.position is None]

    @property
    def top(self) -> list[Initiative]:
        """The top three initiatives that get a build/buy/partner decision."""
        return self.plan[:TOP_N]

    @property
    def decided(self) -> list[Initiative]:
        return [i for i in self.plan if i.decision is not None]

    @property
    def tracks(self) -> list[Track]:
        """Owned initiatives in plan order, with their check-ins (the follow-through)."""
        return [
            track(
                i.owner,
                i.title,
                i.checkins,
                code=self.code,
                workshop_title=self.workshop["title"],
                organisation=self.workshop["organisation"],
                workshop_created_on=day_of(self.workshop["created_at"]),
                carried_from=i.carried_from_code,
                carried_times=i.carried_times,
                outcome=i.review["outcome"] if i.review else None,
                reviewed_in=i.review["reviewed_in"] if i.review else None,
                review_reason=i.review["reason"] if i.review else "",
            )
            for i in self.plan
            if i.owner is not None
        ]

    @property
    def reviewing(self) -> bool:
        """Step 1 opens with the review of earlier commitments, and it is on now."""
        return bool(self.workshop["review_minutes"] and self.workshop["reviewing"]) and self.current_step == STEPS[0]

    @property
    def readiness_open(self) -> bool:
        """The facilitator has the "Are we ready to scale?" check open for answers."""
        return bool(self.workshop.get("readiness_open")) and not self.ended

    @property
    def readiness_answers(self) -> list[Answer]:
        """The check's stored answers as the domain reads them."""
        return [Answer(r["participant_id"], r["question"], r["rating"], r["number"]) for r in self.readiness_rows]

    @property
    def readiness_showing(self) -> bool:
        """The projector shows the check's results in place of step 1's board: before step 1's
        clock starts, while the check is open or once it has answers."""
        first = STEPS[0]
        before_start = self.current_step == first and self.timer(first.key).state == "pending" and not self.ended
        return before_start and (self.readiness_open or self.readiness.respondents > 0)

    @cached_property
    def tally(self) -> Tally:
        """The room's results (counted once per snapshot, or kept by an audience's view)."""
        return self.counted if self.counted is not None else count(self)

    @property
    def readiness(self) -> Results:
        """What the room's answers to the check conclude."""
        return self.tally.readiness

    def advice(self, step: Step) -> str:
        """The stage context's advice for a step in the current language; step 1's adds what the
        readiness check suggests, so the console, the projector and the phones' guide say the same."""
        advice = said(stage_by_key(self.workshop["stage"]).advice[step.key])
        note = stage_note(self.readiness) if step == STEPS[0] else None
        return f"{advice} {note}" if note else advice

    @property
    def private(self) -> bool:
        """The board is private now: each note stays on its author's phone until the reveal."""
        return private_board(self.workshop)

    @property
    def anonymous(self) -> bool:
        """Participants are numbered, never named (their stored names are the numbered labels)."""
        return bool(self.workshop["anonymous"])

    @property
    def leader_link_active(self) -> bool:
        """A leader link is out (an audience's view keeps this, never the link's hash)."""
        return bool(self.workshop.get("leader_hash") or self.workshop.get("leader_link"))

    def participant_name(self, participant_id: int | None) -> str:
        for row in self.participants:
            if row["id"] == participant_id:
                return str(row["name"])
        return "—"


# --- who has taken part in each step --------------------------------------------------


def _noted_or_voted(s: Snapshot) -> set[int]:
    return {b["participant_id"] for b in s.bottlenecks} | {v["participant_id"] for v in s.votes}


def _mapped(s: Snapshot) -> set[int]:
    return {i["participant_id"] for i in s.impacts}


def _scored(s: Snapshot) -> set[int]:
    return {r["participant_id"] for r in s.scores}


def _picked(s: Snapshot) -> set[int]:
    return {p["participant_id"] for i in s.initiatives for p in i.picks}


def _volunteered(s: Snapshot) -> set[int]:
    return {v for i in s.initiatives for v in i.volunteer_ids}


# One rule per step, in the order of STEPS (tests/test_room.py checks there is one for each);
# the label is `Step.acted`.
_TOOK_PART_IN_ORDER: tuple[Callable[[Snapshot], set[int]], ...] = (
    _noted_or_voted,
    _mapped,
    _scored,
    _picked,
    _volunteered,
)
TOOK_PART: dict[str, Callable[[Snapshot], set[int]]] = dict(
    zip((step.key for step in STEPS), _TOOK_PART_IN_ORDER, strict=True)
)


def count(snapshot: Snapshot) -> Tally:
    """The room's results, counted from everyone's rows."""
    people = {p["id"] for p in snapshot.participants if not p["is_facilitator"]}
    picks: dict[int, dict[str, int]] = {}
    for item in snapshot.initiatives:
        tally = picks.setdefault(item.id, {choice: 0 for choice in CHOICES})
        for pick in item.picks:
            tally[pick["choice"]] += 1
    return Tally(
        people=len(people),
        acted={key: len(rule(snapshot) & people) for key, rule in TOOK_PART.items()},
        notes={key: len(rows) for key, rows in snapshot.by_dimension().items()},
        picks=picks,
        volunteers={item.id: len(item.volunteer_ids) for item in snapshot.initiatives},
        readiness=aggregate(snapshot.readiness_answers),
    )


def private_board(workshop: Row) -> bool:
    """A private brainstorm hides the notes only while the room is in step 1 and live; the room
    state, a phone's own view and the vote refusal all ask this one question."""
    live = workshop["ended_at"] is None
    return bool(workshop["private_brainstorm"]) and workshop["current_step"] == STEPS[0].key and live
