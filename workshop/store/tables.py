"""Every read and write query of the workshop tables; all SQL outside the schema lives here.

Writes run inside `db.change(db, workshop_id)`, which bumps the workshop's version first.
"""

from __future__ import annotations

import json
from typing import Any

from workshop.domain.audit import Entry, Trail
from workshop.domain.timer import Timer
from workshop.store import audit
from workshop.store.engine import Cursor, Database, Row


def _new_id(cursor: Cursor) -> int:
    """The id of the row an INSERT ... RETURNING id just wrote (both engines return it so)."""
    return int(cursor.fetchone()[0])


# The tables whose rows belong to one initiative (and through it to a workshop); `dependencies`
# names two initiatives and is handled beside them.
_INITIATIVE_TABLES = (
    "initiative_links",
    "scores",
    "decisions",
    "owners",
    "checkins",
    "answers",
    "picks",
    "volunteers",
    "reviews",
)


def _one(db: Database, sql: str, params: tuple | list = ()) -> Row | None:
    rows = list(db.query(sql, params))
    return rows[0] if rows else None


def _all(db: Database, sql: str, params: tuple | list = ()) -> list[Row]:
    return list(db.query(sql, params))


def _of_initiatives(db: Database, table: str, workshop_id: int, order: tuple[str, ...]) -> list[Row]:
    """One workshop's rows of a table keyed by `initiative_id`, in `order`.

    These tables carry no `workshop_id`: they reach their workshop through the initiative, and that
    join is written here once for all of them.
    """
    assert table in (*_INITIATIVE_TABLES, "dependencies")
    columns = ", ".join(f'x."{c}"' for c in order)
    return _all(
        db,
        f'SELECT x.* FROM "{table}" x JOIN initiatives i ON i.id = x.initiative_id '
        f"WHERE i.workshop_id = ? ORDER BY {columns}",
        [workshop_id],
    )


def _quoted(names: tuple[str, ...], template: str = '"{0}"') -> str:
    """Column names joined for SQL, each quoted by `template`: names are never pasted in bare."""
    return ", ".join(template.format(name) for name in names)


def _upsert(db: Database, table: str, key: tuple[str, ...], columns: tuple[str, ...], row: Row) -> None:
    """Insert `row` into `table`, or overwrite `columns` of the row already there under `key`.

    Scores, decisions, picks, owners and reviews each keep one row per key and are written the same way;
    the statement is built once here, with every identifier quoted.
    """
    assert table in ("scores", "decisions", "picks", "owners", "reviews")
    names = (*key, *columns)
    changes = _quoted(columns, '"{0}" = excluded."{0}"')
    db.execute(
        f'INSERT INTO "{table}" ({_quoted(names)}) VALUES ({_quoted(names, ":{0}")}) '
        f"ON CONFLICT ({_quoted(key)}) DO UPDATE SET {changes}",
        row,
    )


# --- workshops -----------------------------------------------------------------------


def insert_workshop(db: Database, row: Row, timers: list[Timer], entry: Entry, earlier: Trail | None = None) -> int:
    """Create a workshop, its step timers and its trail in one transaction: the `earlier` trail an
    imported file brings, then the `entry` that records this creation or import."""
    with db.atomic():
        cursor = db.execute(
            "INSERT INTO workshops (code, title, organisation, stage, key_hash, created_at, "
            "current_step, vote_budget, scoring, locked, observability_confirmed, ended_at, review_minutes, "
            "reviewing, readiness_open, private_brainstorm, anonymous, language, version) VALUES (:code, :title, "
            ":organisation, :stage, :key_hash, :created_at, :current_step, :vote_budget, :scoring, :locked, "
            ":observability_confirmed, :ended_at, :review_minutes, :reviewing, :readiness_open, "
            ":private_brainstorm, :anonymous, :language, 1) RETURNING id",
            {
                "scoring": "roi",
                "locked": 0,
                "observability_confirmed": 0,
                "ended_at": None,
                "review_minutes": 0,
                "reviewing": 0,
                "readiness_open": 0,
                "private_brainstorm": 0,
                "anonymous": 0,
                "language": "en",
                **row,
            },
        )
        workshop_id = _new_id(cursor)
        for position, timer in enumerate(timers):
            db.execute(
                "INSERT INTO timers (workshop_id, step_key, position, minutes, state, deadline, "
                "remaining, spent, run_started) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    workshop_id,
                    timer.step_key,
                    position,
                    timer.minutes,
                    timer.state,
                    timer.deadline,
                    timer.remaining,
                    timer.spent,
                    timer.run_started,
                ],
            )
        if earlier is not None:
            audit.restore(db, workshop_id, earlier)
        audit.append(db, workshop_id, entry)
    return workshop_id


def workshop_by_code(db: Database, code: str) -> Row | None:
    return _one(db, "SELECT * FROM workshops WHERE code = ?", [code])


def code_exists(db: Database, code: str) -> bool:
    return db.execute("SELECT 1 FROM workshops WHERE code = ?", [code]).fetchone() is not None


def versions_of(db: Database, codes: list[str]) -> dict[str, tuple[int, tuple[Any, ...]]]:
    """The version of each workshop named in `codes`, and what moves its screens (the live
    channel's hub asks every tick, in one query).

    The second part holds the workshop's own columns a participant's write never changes (step,
    lock, end, language, the current step's clock...): when it differs from the last reading the
    room moved, and the hub publishes at once instead of gathering the change into a burst.
    """
    marks = ",".join("?" for _ in codes)
    rows = db.execute(
        "SELECT w.code, w.version, w.current_step, w.locked, w.ended_at, w.vote_budget, w.reviewing, "
        "w.readiness_open, w.private_brainstorm, w.language, w.scoring, "
        "t.state, t.deadline, t.remaining, t.minutes "
        "FROM workshops w LEFT JOIN timers t ON t.workshop_id = w.id AND t.step_key = w.current_step "
        f"WHERE w.code IN ({marks})",
        codes,
    )
    return {r[0]: (int(r[1]), tuple(r[2:])) for r in rows}


def list_workshops(db: Database) -> list[Row]:
    return _all(
        db,
        "SELECT w.*, (SELECT COUNT(*) FROM participants p WHERE p.workshop_id = w.id "
        "AND p.is_facilitator = 0) AS participant_count, "
        "(SELECT COUNT(*) FROM initiatives i WHERE i.workshop_id = w.id) AS initiative_count "
        "FROM workshops w ORDER BY w.created_at DESC, w.id DESC",
    )


def _update(db: Database, table: str, row_id: int, fields: dict[str, Any]) -> None:
    """Set columns of one row by id (caller holds `change`).

    Column names cannot be bound as parameters, so each must be one of the table's own
    columns and is quoted as an identifier: a name can never carry SQL into the statement.
    """
    unknown = sorted(set(fields) - set(db.columns(table)))
    if unknown or not fields:
        raise ValueError(f"Cannot update {table}: unknown or no columns {unknown}.")
    assignments = ", ".join(f'"{name}" = ?' for name in fields)
    db.execute(f'UPDATE "{table}" SET {assignments} WHERE id = ?', [*fields.values(), row_id])


def update_workshop(db: Database, workshop_id: int, **fields: Any) -> None:
    """Set columns of one workshop (caller holds `change`)."""
    db.bumped = None  # the change's own copy of the row is out of date: its checks read it again
    _update(db, "workshops", workshop_id, fields)


# --- timers --------------------------------------------------------------------------


def timers(db: Database, workshop_id: int) -> list[Timer]:
    return [
        Timer(
            step_key=r["step_key"],
            minutes=r["minutes"],
            state=r["state"],
            deadline=r["deadline"],
            remaining=r["remaining"],
            spent=r["spent"],
            run_started=r["run_started"],
        )
        for r in db.query("SELECT * FROM timers WHERE workshop_id = ? ORDER BY position", [workshop_id])
    ]


def save_timer(db: Database, workshop_id: int, timer: Timer) -> None:
    db.execute(
        "UPDATE timers SET minutes = ?, state = ?, deadline = ?, remaining = ?, spent = ?, "
        "run_started = ? WHERE workshop_id = ? AND step_key = ?",
        [
            timer.minutes,
            timer.state,
            timer.deadline,
            timer.remaining,
            timer.spent,
            timer.run_started,
            workshop_id,
            timer.step_key,
        ],
    )


# --- participants --------------------------------------------------------------------


def insert_participant(
    db: Database, workshop_id: int, token_hash: str | None, name: str, joined_at: float, is_facilitator: bool = False
) -> int:
    cursor = db.execute(
        "INSERT INTO participants (workshop_id, token_hash, name, is_facilitator, joined_at) VALUES (?, ?, ?, ?, ?) "
        "RETURNING id",
        [workshop_id, token_hash, name, int(is_facilitator), joined_at],
    )
    return _new_id(cursor)


def participant_by_token(db: Database, workshop_id: int, token_hash: str) -> Row | None:
    return _one(db, "SELECT * FROM participants WHERE workshop_id = ? AND token_hash = ?", [workshop_id, token_hash])


def participants(db: Database, workshop_id: int) -> list[Row]:
    return _all(db, "SELECT * FROM participants WHERE workshop_id = ? ORDER BY id", [workshop_id])


def joined_count(db: Database, workshop_id: int) -> int:
    """How many participants have joined (the facilitator's devices not counted): numbers the next one."""
    return int(
        db.execute(
            "SELECT COUNT(*) FROM participants WHERE workshop_id = ? AND is_facilitator = 0", [workshop_id]
        ).fetchone()[0]
    )


def participant_number(db: Database, workshop_id: int, participant_id: int) -> int:
    """A participant's number in join order (devices included), as the export numbers them."""
    return int(
        db.execute(
            "SELECT COUNT(*) FROM participants WHERE workshop_id = ? AND id <= ?", [workshop_id, participant_id]
        ).fetchone()[0]
    )


def rename_participant(db: Database, participant_id: int, name: str) -> None:
    db.execute("UPDATE participants SET name = ? WHERE id = ?", [name, participant_id])


# --- bottlenecks and votes -----------------------------------------------------------


def insert_bottleneck(
    db: Database,
    workshop_id: int,
    participant_id: int | None,
    dimension: str,
    text: str,
    created_at: float,
    client_id: str | None = None,
    hidden: bool = False,
    merged_into: int | None = None,
) -> int:
    cursor = db.execute(
        "INSERT INTO bottlenecks (workshop_id, participant_id, dimension, text, hidden, merged_into, "
        "client_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [workshop_id, participant_id, dimension, text, int(hidden), merged_into, client_id, created_at],
    )
    return _new_id(cursor)


def bottleneck(db: Database, workshop_id: int, bottleneck_id: int) -> Row | None:
    return _one(db, "SELECT * FROM bottlenecks WHERE workshop_id = ? AND id = ?", [workshop_id, bottleneck_id])


def bottlenecks(db: Database, workshop_id: int) -> list[Row]:
    """Every bottleneck with its vote count (merged and hidden ones included)."""
    return _all(
        db,
        "SELECT b.*, p.name AS author, (SELECT COUNT(*) FROM votes v WHERE v.bottleneck_id = b.id) "
        "AS votes FROM bottlenecks b LEFT JOIN participants p ON p.id = b.participant_id "
        "WHERE b.workshop_id = ? ORDER BY b.id",
        [workshop_id],
    )


def update_bottleneck(db: Database, bottleneck_id: int, **fields: Any) -> None:
    """Set columns of one note: its text, dimension or hidden flag."""
    _update(db, "bottlenecks", bottleneck_id, fields)


def merge_bottleneck(db: Database, source_id: int, target_id: int) -> None:
    """Fold one note into another: votes, impacts and links follow the target."""
    db.execute("UPDATE votes SET bottleneck_id = ? WHERE bottleneck_id = ?", [target_id, source_id])
    db.execute("UPDATE impacts SET bottleneck_id = ? WHERE bottleneck_id = ?", [target_id, source_id])
    db.execute(
        "INSERT INTO initiative_links (initiative_id, bottleneck_id) "
        "SELECT initiative_id, ? FROM initiative_links WHERE bottleneck_id = ? ON CONFLICT DO NOTHING",
        [target_id, source_id],
    )
    db.execute("DELETE FROM initiative_links WHERE bottleneck_id = ?", [source_id])
    db.execute("UPDATE bottlenecks SET merged_into = ? WHERE merged_into = ?", [target_id, source_id])
    db.execute("UPDATE bottlenecks SET merged_into = ? WHERE id = ?", [target_id, source_id])


def dismiss_pairs(db: Database, workshop_id: int, pairs: list[tuple[int, int]], at: float) -> None:
    """Record pairs of notes as "not the same" (each pair once, lower id first)."""
    db.executemany(
        "INSERT INTO dismissed_pairs (workshop_id, low_id, high_id, dismissed_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [(workshop_id, min(a, b), max(a, b), at) for a, b in pairs],
    )


def dismissed_pairs(db: Database, workshop_id: int) -> list[Row]:
    """Every pair the facilitator said is not the same, oldest first."""
    return _all(
        db,
        "SELECT low_id, high_id, dismissed_at FROM dismissed_pairs WHERE workshop_id = ? "
        "ORDER BY dismissed_at, low_id, high_id",
        [workshop_id],
    )


_COUNTED_VOTES = (
    "FROM votes v JOIN bottlenecks b ON b.id = v.bottleneck_id "
    "WHERE v.workshop_id = ? AND v.participant_id = ? AND b.hidden = 0"
)


def votes_used(db: Database, workshop_id: int, participant_id: int) -> int:
    """Votes that count against the budget: a vote on a note hidden as noise is refunded."""
    return int(db.execute(f"SELECT COUNT(*) {_COUNTED_VOTES}", [workshop_id, participant_id]).fetchone()[0])


def counted_votes(db: Database, workshop_id: int) -> dict[int, int]:
    """Per participant, the votes that count against the budget (none on hidden notes)."""
    return {
        r[0]: r[1]
        for r in db.execute(
            "SELECT v.participant_id, COUNT(*) FROM votes v JOIN bottlenecks b ON b.id = v.bottleneck_id "
            "WHERE v.workshop_id = ? AND b.hidden = 0 GROUP BY v.participant_id",
            [workshop_id],
        ).fetchall()
    }


def votes_on(db: Database, bottleneck_id: int) -> dict[int, int]:
    """Per participant, the votes on one note."""
    return {
        r[0]: r[1]
        for r in db.execute(
            "SELECT participant_id, COUNT(*) FROM votes WHERE bottleneck_id = ? GROUP BY participant_id",
            [bottleneck_id],
        ).fetchall()
    }


def insert_vote(db: Database, workshop_id: int, bottleneck_id: int, participant_id: int, created_at: float) -> None:
    db.execute(
        "INSERT INTO votes (workshop_id, bottleneck_id, participant_id, created_at) VALUES (?, ?, ?, ?)",
        [workshop_id, bottleneck_id, participant_id, created_at],
    )


def delete_one_vote(db: Database, workshop_id: int, bottleneck_id: int, participant_id: int) -> bool:
    cursor = db.execute(
        "DELETE FROM votes WHERE id = (SELECT MAX(id) FROM votes WHERE workshop_id = ? AND "
        "bottleneck_id = ? AND participant_id = ?)",
        [workshop_id, bottleneck_id, participant_id],
    )
    return cursor.rowcount > 0


def votes(db: Database, workshop_id: int) -> list[Row]:
    return _all(db, "SELECT * FROM votes WHERE workshop_id = ? ORDER BY id", [workshop_id])


# --- impacts -------------------------------------------------------------------------


def insert_impact(db: Database, workshop_id: int, row: Row) -> int:
    cursor = db.execute(
        "INSERT INTO impacts (workshop_id, bottleneck_id, participant_id, outcome, direction, magnitude, "
        "money, because, created_at, client_id) VALUES (:workshop_id, :bottleneck_id, :participant_id, "
        ":outcome, :direction, :magnitude, :money, :because, :created_at, :client_id) RETURNING id",
        {"client_id": None, **row, "workshop_id": workshop_id},
    )
    return _new_id(cursor)


def update_impact(db: Database, impact_id: int, row: Row) -> None:
    db.execute(
        "UPDATE impacts SET bottleneck_id = :bottleneck_id, outcome = :outcome, direction = :direction, "
        "magnitude = :magnitude, money = :money, because = :because WHERE id = :_id",
        {**row, "_id": impact_id},
    )


def by_client_id(db: Database, table: str, workshop_id: int, participant_id: int, client_id: str) -> Row | None:
    """The row a participant already sent with this client id (a retried submission)."""
    assert table in ("bottlenecks", "impacts", "initiatives")
    return _one(
        db,
        f"SELECT * FROM {table} WHERE workshop_id = ? AND participant_id = ? AND client_id = ?",
        [workshop_id, participant_id, client_id],
    )


def impacts(db: Database, workshop_id: int) -> list[Row]:
    return _all(db, "SELECT * FROM impacts WHERE workshop_id = ? ORDER BY id", [workshop_id])


def impact(db: Database, workshop_id: int, impact_id: int) -> Row | None:
    return _one(db, "SELECT * FROM impacts WHERE workshop_id = ? AND id = ?", [workshop_id, impact_id])


def delete_impact(db: Database, impact_id: int) -> None:
    db.execute("DELETE FROM impacts WHERE id = ?", [impact_id])


# --- initiatives, links, dependencies, scores ----------------------------------------


def insert_initiative(
    db: Database,
    workshop_id: int,
    participant_id: int | None,
    title: str,
    description: str,
    created_at: float,
    position: int | None = None,
    client_id: str | None = None,
    carried: Row | None = None,
) -> int:
    """One initiative; `carried` names where a carried-over one came from (code, title, times)."""
    origin = carried or {"code": None, "title": None, "times": 0}
    cursor = db.execute(
        "INSERT INTO initiatives (workshop_id, participant_id, title, description, position, created_at, "
        "client_id, carried_from_code, carried_from_title, carried_times) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id",
        [
            workshop_id,
            participant_id,
            title,
            description,
            position,
            created_at,
            client_id,
            origin["code"],
            origin["title"],
            origin["times"],
        ],
    )
    return _new_id(cursor)


def initiative(db: Database, workshop_id: int, initiative_id: int) -> Row | None:
    return _one(db, "SELECT * FROM initiatives WHERE workshop_id = ? AND id = ?", [workshop_id, initiative_id])


def initiatives(db: Database, workshop_id: int) -> list[Row]:
    return _all(db, "SELECT * FROM initiatives WHERE workshop_id = ? ORDER BY id", [workshop_id])


def update_initiative(db: Database, initiative_id: int, **fields: Any) -> None:
    """Set columns of one initiative: its title or description."""
    _update(db, "initiatives", initiative_id, fields)


def delete_initiative(db: Database, initiative_id: int) -> None:
    for table in _INITIATIVE_TABLES:
        db.execute(f"DELETE FROM {table} WHERE initiative_id = ?", [initiative_id])
    db.execute("DELETE FROM dependencies WHERE initiative_id = ? OR after_id = ?", [initiative_id, initiative_id])
    db.execute("DELETE FROM initiatives WHERE id = ?", [initiative_id])


def link_initiative(db: Database, initiative_id: int, bottleneck_ids: list[int]) -> None:
    for bottleneck_id in bottleneck_ids:
        db.execute(
            "INSERT INTO initiative_links (initiative_id, bottleneck_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [initiative_id, bottleneck_id],
        )


def set_links(db: Database, initiative_id: int, bottleneck_ids: list[int]) -> None:
    db.execute("DELETE FROM initiative_links WHERE initiative_id = ?", [initiative_id])
    link_initiative(db, initiative_id, bottleneck_ids)


def initiative_links(db: Database, workshop_id: int) -> list[Row]:
    return _of_initiatives(db, "initiative_links", workshop_id, ("initiative_id", "bottleneck_id"))


def dependencies(db: Database, workshop_id: int) -> list[Row]:
    return _of_initiatives(db, "dependencies", workshop_id, ("initiative_id", "after_id"))


def insert_dependency(db: Database, initiative_id: int, after_id: int) -> None:
    db.execute(
        "INSERT INTO dependencies (initiative_id, after_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [initiative_id, after_id],
    )


def delete_dependency(db: Database, initiative_id: int, after_id: int) -> None:
    db.execute("DELETE FROM dependencies WHERE initiative_id = ? AND after_id = ?", [initiative_id, after_id])


def upsert_score(db: Database, row: Row) -> None:
    _upsert(
        db,
        "scores",
        ("initiative_id", "participant_id"),
        ("value", "effort", "urgency", "confidence", "updated_at"),
        row,
    )


def scores(db: Database, workshop_id: int) -> list[Row]:
    return _of_initiatives(db, "scores", workshop_id, ("initiative_id", "participant_id"))


def set_positions(db: Database, positions: dict[int, int | None]) -> None:
    for initiative_id, position in positions.items():
        db.execute("UPDATE initiatives SET position = ? WHERE id = ?", [position, initiative_id])


# --- decisions and owners ------------------------------------------------------------


def upsert_decision(db: Database, row: Row) -> None:
    _upsert(
        db,
        "decisions",
        ("initiative_id",),
        ("answers", "recommendation", "choice", "rationale", "decided_at"),
        {**row, "answers": json.dumps(row["answers"], sort_keys=True)},
    )


def decisions(db: Database, workshop_id: int) -> list[Row]:
    rows = _of_initiatives(db, "decisions", workshop_id, ("initiative_id",))
    for row in rows:
        row["answers"] = json.loads(row["answers"])
    return rows


def set_answer(db: Database, initiative_id: int, question: str, answer: str) -> None:
    db.execute(
        "INSERT INTO answers (initiative_id, question, answer) VALUES (?, ?, ?) "
        "ON CONFLICT (initiative_id, question) DO UPDATE SET answer = excluded.answer",
        [initiative_id, question, answer],
    )


def answers(db: Database, workshop_id: int) -> dict[int, dict[str, str]]:
    """The questionnaire answers given so far, per initiative (before and after the decision)."""
    out: dict[int, dict[str, str]] = {}
    for row in _of_initiatives(db, "answers", workshop_id, ("initiative_id", "question")):
        out.setdefault(row["initiative_id"], {})[row["question"]] = row["answer"]
    return out


def upsert_pick(db: Database, row: Row) -> None:
    _upsert(db, "picks", ("initiative_id", "participant_id"), ("choice", "reason", "updated_at"), row)


def delete_pick(db: Database, initiative_id: int, participant_id: int) -> bool:
    cursor = db.execute(
        "DELETE FROM picks WHERE initiative_id = ? AND participant_id = ?", [initiative_id, participant_id]
    )
    return cursor.rowcount > 0


def picks(db: Database, workshop_id: int) -> list[Row]:
    return _of_initiatives(db, "picks", workshop_id, ("initiative_id", "participant_id"))


def set_volunteer(db: Database, initiative_id: int, participant_id: int, on: bool, created_at: float) -> None:
    if on:
        db.execute(
            "INSERT INTO volunteers (initiative_id, participant_id, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [initiative_id, participant_id, created_at],
        )
    else:
        db.execute(
            "DELETE FROM volunteers WHERE initiative_id = ? AND participant_id = ?", [initiative_id, participant_id]
        )


def volunteers(db: Database, workshop_id: int) -> list[Row]:
    return _of_initiatives(db, "volunteers", workshop_id, ("initiative_id", "participant_id"))


def upsert_owner(db: Database, row: Row) -> None:
    _upsert(
        db,
        "owners",
        ("initiative_id",),
        ("owner", "metric", "unit", "baseline", "target", "checkin", "assigned_at"),
        row,
    )


def owner(db: Database, initiative_id: int) -> Row | None:
    return _one(db, "SELECT * FROM owners WHERE initiative_id = ?", [initiative_id])


def owners(db: Database, workshop_id: int) -> list[Row]:
    return _of_initiatives(db, "owners", workshop_id, ("initiative_id",))


# --- follow-through: check-ins and the portfolio -------------------------------------


def insert_checkin(db: Database, row: Row) -> int:
    cursor = db.execute(
        "INSERT INTO checkins (initiative_id, checked_on, value, status, note, next_checkin, recorded_by, via, "
        "created_at) VALUES (:initiative_id, :checked_on, :value, :status, :note, :next_checkin, :recorded_by, "
        ":via, :created_at) RETURNING id",
        row,
    )
    return _new_id(cursor)


def checkin(db: Database, workshop_id: int, checkin_id: int) -> Row | None:
    return _one(
        db,
        "SELECT c.* FROM checkins c JOIN initiatives i ON i.id = c.initiative_id WHERE i.workshop_id = ? AND c.id = ?",
        [workshop_id, checkin_id],
    )


def delete_checkin(db: Database, checkin_id: int) -> None:
    db.execute("DELETE FROM checkins WHERE id = ?", [checkin_id])


def checkins(db: Database, workshop_id: int) -> list[Row]:
    """A workshop's check-ins, oldest first per initiative."""
    return _of_initiatives(db, "checkins", workshop_id, ("initiative_id", "checked_on", "id"))


def portfolio_owners(db: Database) -> list[Row]:
    """Every owned initiative in the database with its workshop's facts, where it was carried
    from and how a later workshop concluded it (its review), if one did."""
    return _all(
        db,
        "SELECT o.*, i.title, i.workshop_id, i.carried_from_code, i.carried_times, w.code, "
        "w.title AS workshop_title, w.organisation, w.created_at AS workshop_created_at, "
        "r.outcome, r.reviewed_in, r.reason AS review_reason "
        "FROM owners o JOIN initiatives i ON i.id = o.initiative_id JOIN workshops w ON w.id = i.workshop_id "
        "LEFT JOIN reviews r ON r.initiative_id = i.id "
        "ORDER BY w.created_at DESC, w.id DESC, COALESCE(i.position, 1e9), i.id",
    )


def portfolio_checkins(db: Database) -> list[Row]:
    """Every check-in of an owned initiative, oldest first per initiative."""
    return _all(
        db,
        "SELECT c.* FROM checkins c JOIN owners o ON o.initiative_id = c.initiative_id "
        "ORDER BY c.initiative_id, c.checked_on, c.id",
    )


# --- owner links ---------------------------------------------------------------------


def set_owner_link(db: Database, workshop_id: int, owner: str, token_hash: str, issued_at: float) -> None:
    """Issue (or reissue, replacing the earlier hash) one owner's link in a workshop."""
    db.execute(
        "INSERT INTO owner_links (workshop_id, owner, token_hash, issued_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (workshop_id, owner) DO UPDATE SET token_hash = excluded.token_hash, "
        "issued_at = excluded.issued_at",
        [workshop_id, owner, token_hash, issued_at],
    )


def delete_owner_link(db: Database, workshop_id: int, owner: str) -> bool:
    cursor = db.execute("DELETE FROM owner_links WHERE workshop_id = ? AND owner = ?", [workshop_id, owner])
    return cursor.rowcount > 0


def owner_link(db: Database, workshop_id: int, token_hash: str) -> Row | None:
    return _one(db, "SELECT * FROM owner_links WHERE workshop_id = ? AND token_hash = ?", [workshop_id, token_hash])


def owner_links(db: Database, workshop_id: int) -> list[Row]:
    """Who holds a live owner link (never the hashes' tokens, which are not kept)."""
    return _all(db, "SELECT owner, issued_at FROM owner_links WHERE workshop_id = ? ORDER BY owner", [workshop_id])


# --- reviews of earlier commitments --------------------------------------------------


def bump(db: Database, workshop_id: int) -> None:
    """Bump another workshop's version inside a change: a review writes to an earlier workshop."""
    db.bumped = None
    db.execute("UPDATE workshops SET version = version + 1 WHERE id = ?", [workshop_id])


def earlier_owned(db: Database, workshop: Row) -> list[Row]:
    """Owned initiatives of workshops held before this one (any organisation: the caller
    matches it), each with its review if it has one, oldest workshop first."""
    return _all(
        db,
        "SELECT o.*, i.title, i.workshop_id, i.carried_times, i.carried_from_code, w.code, "
        "w.title AS workshop_title, w.organisation, w.created_at AS workshop_created_at, r.reviewed_in, "
        "r.outcome, r.reason, r.reason AS review_reason, r.reviewed_at, r.carried_to "
        "FROM owners o JOIN initiatives i ON i.id = o.initiative_id JOIN workshops w ON w.id = i.workshop_id "
        "LEFT JOIN reviews r ON r.initiative_id = i.id "
        "WHERE w.id != ? AND w.created_at < ? "
        "ORDER BY w.created_at, w.id, COALESCE(i.position, 1e9), i.id",
        [workshop["id"], workshop["created_at"]],
    )


def checkins_of(db: Database, initiative_ids: list[int]) -> list[Row]:
    """The check-ins of some initiatives (of any workshop), oldest first."""
    if not initiative_ids:
        return []
    marks = ", ".join("?" for _ in initiative_ids)
    return _all(
        db,
        f"SELECT * FROM checkins WHERE initiative_id IN ({marks}) ORDER BY initiative_id, checked_on, id",
        initiative_ids,
    )


def upsert_review(db: Database, row: Row) -> None:
    _upsert(db, "reviews", ("initiative_id",), ("reviewed_in", "outcome", "reason", "reviewed_at", "carried_to"), row)


def reviews(db: Database, workshop_id: int) -> list[Row]:
    """How a later workshop concluded this workshop's commitments."""
    return _of_initiatives(db, "reviews", workshop_id, ("initiative_id",))


# --- the readiness check --------------------------------------------------------------


def replace_readiness_answers(db: Database, workshop_id: int, participant_id: int, rows: list[Row]) -> None:
    """One participant's whole set of answers, replacing what they sent before (caller holds `change`).

    The phone sends every answer each time, so a question left blank again is withdrawn.
    """
    db.execute("DELETE FROM readiness_answers WHERE participant_id = ?", [participant_id])
    for row in rows:
        db.execute(
            "INSERT INTO readiness_answers (workshop_id, participant_id, question, rating, number, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [workshop_id, participant_id, row["question"], row["rating"], row["number"], row["updated_at"]],
        )


def readiness_answers(db: Database, workshop_id: int) -> list[Row]:
    """A workshop's answers to the check, by participant then question."""
    return _all(
        db,
        "SELECT * FROM readiness_answers WHERE workshop_id = ? ORDER BY participant_id, question",
        [workshop_id],
    )


def portfolio_readiness(db: Database) -> list[Row]:
    """Every answer to the check in the database with its workshop's facts, oldest workshop first."""
    return _all(
        db,
        "SELECT a.*, w.code, w.title AS workshop_title, w.organisation AS workshop_organisation, "
        "w.created_at AS workshop_created_at "
        "FROM readiness_answers a JOIN workshops w ON w.id = a.workshop_id "
        "ORDER BY w.created_at, w.id, a.participant_id, a.question",
    )


# --- health --------------------------------------------------------------------------


def reachable(db: Database) -> None:
    """One round trip to the database; a lost or refused connection raises `Unavailable`."""
    db.execute("SELECT 1").fetchone()


# --- settings ------------------------------------------------------------------------


def setting(db: Database, name: str) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE name = ?", [name]).fetchone()
    return None if row is None else str(row[0])


def set_setting(db: Database, name: str, value: str) -> None:
    with db.atomic():
        db.execute(
            "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [name, value],
        )
