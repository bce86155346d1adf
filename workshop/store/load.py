"""`load(db, code) -> Snapshot`: one workshop read completely into the domain's read model."""

from __future__ import annotations

from workshop.domain.commitments import Commitment, open_commitments
from workshop.domain.errors import no_workshop
from workshop.domain.scoring import aggregate_all, rank
from workshop.domain.snapshot import Initiative, Snapshot
from workshop.domain.vocabulary import DIMENSION_KEYS, normalise_code
from workshop.store import audit, tables
from workshop.store.db import Row
from workshop.store.engine import Database


def load(db: Database, code: str, *, trail: bool = True) -> Snapshot:
    """Read one workshop completely; an unknown code is refused.

    The live channel's rebuilds pass `trail=False`: the room's state never shows the audit
    trail, so its hot path does not read it."""
    workshop = tables.workshop_by_code(db, normalise_code(code))
    if workshop is None:
        raise no_workshop(code)
    workshop_id = int(workshop["id"])
    bottlenecks = tables.bottlenecks(db, workshop_id)
    scores = tables.scores(db, workshop_id)
    checkins = tables.checkins(db, workshop_id)
    return Snapshot(
        workshop=workshop,
        timers=tables.timers(db, workshop_id),
        participants=tables.participants(db, workshop_id),
        bottlenecks=bottlenecks,
        votes=tables.votes(db, workshop_id),
        impacts=tables.impacts(db, workshop_id),
        scores=scores,
        initiatives=_initiatives(db, workshop, bottlenecks, scores, checkins),
        checkins=checkins,
        commitments=commitments_of(db, workshop) if workshop["review_minutes"] else [],
        owner_links=tables.owner_links(db, workshop_id),
        readiness_rows=tables.readiness_answers(db, workshop_id),
        dismissed_pairs=tables.dismissed_pairs(db, workshop_id),
        trail=audit.trail(db, workshop_id) if trail else None,
    )


def _initiatives(
    db: Database, workshop: Row, bottlenecks: list[Row], scores: list[Row], checkins: list[Row]
) -> list[Initiative]:
    """Every initiative of the workshop with what the room scored, decided and owned of it."""
    workshop_id = int(workshop["id"])
    dimension_of = {b["id"]: b["dimension"] for b in bottlenecks}
    aggregates = aggregate_all(scores)
    links: dict[int, list[int]] = {}
    for link in tables.initiative_links(db, workshop_id):
        links.setdefault(link["initiative_id"], []).append(link["bottleneck_id"])
    after: dict[int, list[int]] = {}
    for dep in tables.dependencies(db, workshop_id):
        after.setdefault(dep["initiative_id"], []).append(dep["after_id"])
    decisions = {d["initiative_id"]: d for d in tables.decisions(db, workshop_id)}
    owners = {o["initiative_id"]: o for o in tables.owners(db, workshop_id)}
    checkins_of = _group(checkins)
    answers = tables.answers(db, workshop_id)
    picks_of = _group(tables.picks(db, workshop_id))
    volunteers_of = _group(tables.volunteers(db, workshop_id))
    reviews = {r["initiative_id"]: r for r in tables.reviews(db, workshop_id)}
    rows = tables.initiatives(db, workshop_id)
    order = rank(rows, aggregates, workshop["scoring"])
    initiatives = []
    for row in rows:
        linked = links.get(row["id"], [])
        initiatives.append(
            Initiative(
                id=row["id"],
                title=row["title"],
                description=row["description"],
                position=row["position"],
                created_at=row["created_at"],
                participant_id=row["participant_id"],
                bottleneck_ids=linked,
                after_ids=after.get(row["id"], []),
                dimensions=sorted({dimension_of[b] for b in linked if b in dimension_of}, key=DIMENSION_KEYS.index),
                aggregate=aggregates.get(row["id"]),
                rank=order.index(row["id"]) + 1,
                decision=decisions.get(row["id"]),
                owner=owners.get(row["id"]),
                checkins=checkins_of.get(row["id"], []),
                answers=answers.get(row["id"]) or dict((decisions.get(row["id"]) or {}).get("answers", {})),
                picks=picks_of.get(row["id"], []),
                volunteer_ids=[v["participant_id"] for v in volunteers_of.get(row["id"], [])],
                carried_from_code=row["carried_from_code"],
                carried_from_title=row["carried_from_title"],
                carried_times=row["carried_times"],
                review=reviews.get(row["id"]),
            )
        )
    return initiatives


def commitments_of(db: Database, workshop: Row) -> list[Commitment]:
    """The earlier commitments a workshop reviews (its organisation's, held before it)."""
    rows = tables.earlier_owned(db, workshop)
    checkins = tables.checkins_of(db, [r["initiative_id"] for r in rows])
    return open_commitments(workshop, rows, checkins)


def _group(rows: list[Row], key: str = "initiative_id") -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped
