"""Steps 3 to 5: initiatives, scores and sequence; build/buy/partner; owners and volunteers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from workshop import store
from workshop.actions.auth import (
    Row,
    _again,
    _by_facilitator,
    _client_id,
    _counted,
    _entry,
    _facilitator,
    _now,
    _open,
    _sent_before,
    _writable,
    identified,
)
from workshop.actions.board import _live_bottleneck
from workshop.domain import audit, decide, scoring
from workshop.domain.errors import CycleRefused, InvalidInput, NotFound
from workshop.domain.followup import day_of
from workshop.domain.language import N_
from workshop.domain.text import clean_int, clean_number, clean_text
from workshop.domain.vocabulary import ID_MAX, LONG_MAX, METHOD_KEYS, NOTE_MAX, OWNER_MAX, SHORT_MAX, UNIT_MAX
from workshop.store import Database
from workshop.store.load import load


def _initiative(db: Database, workshop: Row, initiative_id: Any) -> Row:
    row = store.initiative(db, workshop["id"], clean_int(initiative_id, N_("Initiative"), low=1, high=ID_MAX))
    if row is None:
        raise NotFound(N_("That initiative is not part of this workshop."))
    return row


def _titled(row: Row) -> str:
    """An initiative as the trail names it: by its title (its row id changes on import)."""
    return audit.INITIATIVE_SUBJECT.format(title=row["title"])


def _bottleneck_ids(db: Database, workshop: Row, bottleneck_ids: Sequence[int]) -> list[int]:
    """The live notes an initiative relieves; called inside the change that links them."""
    if not isinstance(bottleneck_ids, (list, tuple)):
        raise InvalidInput(N_("Link the initiative to at least one bottleneck it relieves."))
    ids = sorted({_live_bottleneck(db, workshop, b)["id"] for b in bottleneck_ids})
    if not ids:
        raise InvalidInput(N_("Link the initiative to at least one bottleneck it relieves."))
    return ids


def add_initiative(
    db: Database,
    code: str,
    token: str,
    title: str,
    bottleneck_ids: Sequence[int],
    description: str = "",
    client_id: str | None = None,
    now: float | None = None,
) -> int:
    """Propose an initiative against the bottlenecks it relieves; a retried `client_id` is stored once."""
    workshop, participant = identified(db, code, token)
    _open(workshop)
    clean_title = clean_text(title, N_("Initiative"), max_len=SHORT_MAX)
    clean_description = clean_text(description, N_("Description"), max_len=LONG_MAX, required=False, multiline=True)
    if not isinstance(bottleneck_ids, (list, tuple)):
        raise InvalidInput(N_("Link the initiative to at least one bottleneck it relieves."))
    client = _client_id(client_id)
    with store.change(db, workshop["id"], _counted("initiative")) as tally:
        earlier = _sent_before(db, "initiatives", workshop, participant, client)
        if earlier is not None:
            tally.none()
            return earlier
        _writable(db, workshop, "initiative")
        ids = _bottleneck_ids(db, workshop, bottleneck_ids)
        initiative_id = store.insert_initiative(
            db, workshop["id"], participant["id"], clean_title, clean_description, _now(now), client_id=client
        )
        store.link_initiative(db, initiative_id, ids)
    return initiative_id


def edit_initiative(
    db: Database, code: str, key: str, initiative_id: int, title: str, description: str, bottleneck_ids: Sequence[int]
) -> None:
    workshop, actor = _by_facilitator(db, code, key)
    clean_title = clean_text(title, N_("Initiative"), max_len=SHORT_MAX)
    clean_description = clean_text(description, N_("Description"), max_len=LONG_MAX, required=False, multiline=True)
    with store.change(db, workshop["id"], _entry(actor, "edit_initiative")) as entry:
        row = _initiative(db, workshop, initiative_id)
        ids = _bottleneck_ids(db, workshop, bottleneck_ids)
        links = store.initiative_links(db, workshop["id"])
        old = [link["bottleneck_id"] for link in links if link["initiative_id"] == row["id"]]
        entry.record(
            _titled(row),
            {"title": row["title"], "description": row["description"], "notes": _texts(db, workshop, old)},
            {"title": clean_title, "description": clean_description, "notes": _texts(db, workshop, ids)},
        )
        store.update_initiative(db, row["id"], title=clean_title, description=clean_description)
        store.set_links(db, row["id"], ids)


def _texts(db: Database, workshop: Row, note_ids: Sequence[int]) -> list[str]:
    """The words of the notes an initiative relieves, in id order."""
    rows = (store.bottleneck(db, workshop["id"], b) for b in sorted(note_ids))
    return [r["text"] for r in rows if r is not None]


def delete_initiative(db: Database, code: str, key: str, initiative_id: int) -> None:
    workshop, actor = _by_facilitator(db, code, key)
    with store.change(db, workshop["id"], _entry(actor, "delete_initiative")) as entry:
        row = _initiative(db, workshop, initiative_id)
        entry.record(_titled(row), {"title": row["title"]}, {})
        store.delete_initiative(db, row["id"])


def score_initiative(
    db: Database, code: str, token: str, initiative_id: int, scores: Mapping[str, Any], now: float | None = None
) -> None:
    """Record (or replace) this participant's score of one initiative."""
    workshop, participant = identified(db, code, token)
    _open(workshop)
    clean = scoring.validate_score(scores)
    with store.change(db, workshop["id"], _counted("score")):
        _writable(db, workshop, "score")
        row = _initiative(db, workshop, initiative_id)
        store.upsert_score(
            db, {"initiative_id": row["id"], "participant_id": participant["id"], "updated_at": _now(now), **clean}
        )


def set_scoring_method(db: Database, code: str, key: str, method: str) -> None:
    workshop, actor = _by_facilitator(db, code, key)
    if method not in METHOD_KEYS:
        raise InvalidInput(N_("Choose ROI or WSJF."))
    with store.change(db, workshop["id"], _entry(actor, "set_scoring_method")) as entry:
        entry.record("ranking", {"method": _again(db, workshop)["scoring"]}, {"method": method})
        store.update_workshop(db, workshop["id"], scoring=method)


def add_dependency(
    db: Database, code: str, key: str, initiative_id: int, after_id: int, now: float | None = None
) -> None:
    """Record that one initiative must come after another; cycles are refused."""
    workshop, actor = _by_facilitator(db, code, key)
    with store.change(db, workshop["id"], _entry(actor, "add_dependency", now)) as entry:
        first = _initiative(db, workshop, initiative_id)
        second = _initiative(db, workshop, after_id)
        entry.record(_titled(first), {}, {"comes after": second["title"]})
        if first["id"] == second["id"]:
            raise CycleRefused(N_("An initiative cannot come after itself."))
        pairs = [(d["initiative_id"], d["after_id"]) for d in store.dependencies(db, workshop["id"])]
        if scoring.has_cycle(pairs + [(first["id"], second["id"])]):
            raise CycleRefused(
                N_(
                    "\u201c{first}\u201d cannot come after \u201c{second}\u201d: that would make the sequence circular."
                ),
                first=first["title"],
                second=second["title"],
            )
        store.insert_dependency(db, first["id"], second["id"])
        _repair_sequence(db, workshop["id"])


def remove_dependency(db: Database, code: str, key: str, initiative_id: int, after_id: int) -> None:
    workshop, actor = _by_facilitator(db, code, key)
    with store.change(db, workshop["id"], _entry(actor, "remove_dependency")) as entry:
        first = _initiative(db, workshop, initiative_id)
        second = _initiative(db, workshop, after_id)
        entry.record(_titled(first), {"comes after": second["title"]}, {})
        store.delete_dependency(db, first["id"], second["id"])


def _repair_sequence(db: Database, workshop_id: int) -> None:
    """Keep an existing sequence consistent with a newly added dependency."""
    rows = [r for r in store.initiatives(db, workshop_id) if r["position"] is not None]
    if not rows:
        return
    ordered = [r["id"] for r in sorted(rows, key=lambda r: r["position"])]
    pairs = [(d["initiative_id"], d["after_id"]) for d in store.dependencies(db, workshop_id)]
    fixed = scoring.topological_order(ordered, pairs)
    store.set_positions(db, {initiative_id: n for n, initiative_id in enumerate(fixed, start=1)})


def set_sequence(db: Database, code: str, key: str, ordered_ids: Sequence[int], now: float | None = None) -> None:
    """Fix the order initiatives start in; it must respect every 'must come after'."""
    workshop, actor = _by_facilitator(db, code, key)
    with store.change(db, workshop["id"], _entry(actor, "set_sequence", now)) as entry:
        ids = [_initiative(db, workshop, i)["id"] for i in ordered_ids]
        if len(set(ids)) != len(ids):
            raise InvalidInput(N_("Each initiative can appear only once in the sequence."))
        position = {initiative_id: n for n, initiative_id in enumerate(ids, start=1)}
        titles = {r["id"]: r["title"] for r in store.initiatives(db, workshop["id"])}
        for dep in store.dependencies(db, workshop["id"]):
            later, earlier = dep["initiative_id"], dep["after_id"]
            if later in position and (earlier not in position or position[earlier] > position[later]):
                raise CycleRefused(
                    N_("\u201c{later}\u201d must come after \u201c{earlier}\u201d."),
                    later=titles[later],
                    earlier=titles[earlier],
                )
        everyone: dict[int, int | None] = {r: None for r in titles}
        everyone.update(position)
        entry.record("sequence", {"sequence": _sequence(db, workshop)}, {"sequence": [titles[i] for i in ids]})
        store.set_positions(db, everyone)


def _sequence(db: Database, workshop: Row) -> list[str]:
    """The initiatives' titles in their current sequence (those without a place left out)."""
    placed = [r for r in store.initiatives(db, workshop["id"]) if r["position"] is not None]
    return [r["title"] for r in sorted(placed, key=lambda r: r["position"])]


def adopt_ranking(db: Database, code: str, key: str, now: float | None = None) -> list[int]:
    """Sequence every initiative by its rank, moved only as far as dependencies require."""
    workshop = _facilitator(db, code, key)
    snapshot = load(db, workshop["code"])
    if not snapshot.initiatives:
        raise InvalidInput(N_("There are no initiatives to sequence yet."))
    pairs = [(i.id, a) for i in snapshot.initiatives for a in i.after_ids]
    order = scoring.topological_order([i.id for i in snapshot.ranked], pairs)
    set_sequence(db, code, key, order, now)
    return order


def record_decision(
    db: Database,
    code: str,
    key: str,
    initiative_id: int,
    answers: Mapping[str, str],
    choice: str | None,
    rationale: str,
    now: float | None = None,
) -> decide.Recommendation:
    """Record the team's choice; an overrule of the recommendation is kept with it.

    `choice=None` follows the recommendation of *these* answers, so a stale pick can never
    turn into an overrule nobody made; an overrule is only ever an explicit choice.
    """
    workshop, actor = _by_facilitator(db, code, key)
    clean_answers = decide.validate_answers(answers)
    if choice is not None and choice not in decide.CHOICES:
        raise InvalidInput(N_("Choose build, buy or partner."))
    reason = clean_text(rationale, N_("Rationale"), max_len=LONG_MAX, multiline=True)
    recommendation = decide.recommend(clean_answers)
    with store.change(db, workshop["id"], _entry(actor, "record_decision", now)) as entry:
        row = _initiative(db, workshop, initiative_id)
        for question, answer in clean_answers.items():
            store.set_answer(db, row["id"], question, answer)
        decision = {
            "answers": clean_answers,
            "recommendation": recommendation.choice,
            "choice": choice or recommendation.choice,
            "rationale": reason,
        }
        earlier = next((d for d in store.decisions(db, workshop["id"]) if d["initiative_id"] == row["id"]), None)
        entry.record(_titled(row), {k: earlier[k] for k in decision} if earlier else {}, decision)
        store.upsert_decision(db, {**decision, "initiative_id": row["id"], "decided_at": entry.at})
    return recommendation


def answer_question(db: Database, code: str, key: str, initiative_id: int, question: str, answer: str) -> None:
    """The facilitator answers one question as the room discusses it; phones see the
    recommendation as soon as all five are answered, before the decision is recorded."""
    workshop, actor = _by_facilitator(db, code, key)
    options = (
        next((q.options for q in decide.QUESTIONS if q.key == question), None) if isinstance(question, str) else None
    )
    if options is None:
        raise InvalidInput(N_("Unknown question."))
    if not isinstance(answer, str) or answer not in options:
        raise InvalidInput(N_("Choose one of the question's answers."))
    with store.change(db, workshop["id"], _entry(actor, "answer_question")) as entry:
        row = _initiative(db, workshop, initiative_id)
        before = store.answers(db, workshop["id"]).get(row["id"], {})
        entry.record(_titled(row), {question: before[question]} if question in before else {}, {question: answer})
        store.set_answer(db, row["id"], question, answer)


def pick_choice(
    db: Database,
    code: str,
    token: str,
    initiative_id: int,
    choice: str | None,
    reason: str = "",
    now: float | None = None,
) -> None:
    """A participant's own build/buy/partner pick with a one-line reason (None takes it back).

    Picks inform the team's decision; only the facilitator records the decision itself.
    """
    workshop, participant = identified(db, code, token)
    _open(workshop)
    if choice is not None and choice not in decide.CHOICES:
        raise InvalidInput(N_("Choose build, buy or partner."))
    clean_reason = clean_text(reason, N_("Reason"), max_len=NOTE_MAX, required=False)
    with store.change(db, workshop["id"], _counted("pick")):
        _writable(db, workshop, "pick")
        row = _initiative(db, workshop, initiative_id)
        if choice is None:
            store.delete_pick(db, row["id"], participant["id"])
        else:
            store.upsert_pick(
                db,
                {
                    "initiative_id": row["id"],
                    "participant_id": participant["id"],
                    "choice": choice,
                    "reason": clean_reason,
                    "updated_at": _now(now),
                },
            )


def assign_owner(
    db: Database,
    code: str,
    key: str,
    initiative_id: int,
    owner: str,
    metric: str,
    baseline: float | str,
    target: float | str,
    checkin: date | str,
    unit: str = "",
    today: date | None = None,
    now: float | None = None,
) -> None:
    """Give a decided initiative its DRI, metric, baseline, target and first check-in."""
    workshop, actor = _by_facilitator(db, code, key)
    clean_owner = clean_text(owner, N_("Owner"), max_len=OWNER_MAX)
    clean_metric = clean_text(metric, N_("Success metric"), max_len=SHORT_MAX)
    clean_unit = clean_text(unit, N_("Unit"), max_len=UNIT_MAX, required=False)
    base = clean_number(baseline, N_("Baseline"))
    goal = clean_number(target, N_("Target"))
    if base == goal:
        raise InvalidInput(N_("The target equals the baseline: say what should change."))
    try:
        when = checkin if isinstance(checkin, date) else date.fromisoformat(str(checkin).strip())
    except ValueError:
        raise InvalidInput(N_("The check-in date must be a date such as 2026-12-31.")) from None
    today = today or day_of(_now(now))
    if when < today:
        raise InvalidInput(N_("The first check-in date is in the past: choose today or later."))
    with store.change(db, workshop["id"], _entry(actor, "assign_owner", now)) as entry:
        row = _initiative(db, workshop, initiative_id)
        if not any(d["initiative_id"] == row["id"] for d in store.decisions(db, workshop["id"])):
            raise InvalidInput(N_("Record a build/buy/partner decision for this initiative first."))
        owned = {
            "owner": clean_owner,
            "metric": clean_metric,
            "unit": clean_unit,
            "baseline": base,
            "target": goal,
            "checkin": when.isoformat(),
        }
        earlier = store.owner(db, row["id"])
        entry.record(_titled(row), {k: earlier[k] for k in owned} if earlier else {}, owned)
        store.upsert_owner(db, {**owned, "initiative_id": row["id"], "assigned_at": entry.at})


def volunteer(
    db: Database, code: str, token: str, initiative_id: int, on: bool = True, now: float | None = None
) -> None:
    """ "I can own this": the facilitator sees the volunteers when assigning the owner."""
    workshop, participant = identified(db, code, token)
    _open(workshop)
    if not isinstance(on, bool):
        raise InvalidInput(N_("Say whether you volunteer (true) or step back (false)."))
    with store.change(db, workshop["id"], _counted("volunteer")):
        _writable(db, workshop, "volunteer")
        row = _initiative(db, workshop, initiative_id)
        store.set_volunteer(db, row["id"], participant["id"], on, _now(now))


def confirm_observability(db: Database, code: str, key: str, confirmed: bool) -> None:
    """The team states that logging, tracing and metrics are in place (or withdraws it)."""
    workshop, actor = _by_facilitator(db, code, key)
    with store.change(db, workshop["id"], _entry(actor, "confirm_observability")) as entry:
        was = bool(_again(db, workshop)["observability_confirmed"])
        entry.record("observability", {"confirmed": was}, {"confirmed": bool(confirmed)})
        store.update_workshop(db, workshop["id"], observability_confirmed=int(bool(confirmed)))
