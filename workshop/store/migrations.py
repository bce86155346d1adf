"""The schema, as named migrations applied in order; nothing else lives here.

Each migration runs once per database, on either engine, and is recorded by name (on SQLite in
the table sqlite-utils has always kept, so existing files carry on), so a name, once shipped,
never changes: a new change to the schema is a new migration at the end. Statements are written
in SQLite's spelling and run through `_run_statements`, which gives each to the engine's `ddl`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from workshop.store.engine import Database

Migration = Callable[[Database], None]


@dataclass
class Migrations:
    """A named, ordered set of migrations and the record of which a database has had."""

    name: str
    steps: list[tuple[str, Migration]] = field(default_factory=list)

    def __call__(self, *, name: str) -> Callable[[Migration], Migration]:
        def register(fn: Migration) -> Migration:
            if name in self.names:
                raise ValueError(f"Migration {name!r} is already registered")
            self.steps.append((name, fn))
            return fn

        return register

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.steps]

    def applied(self, db: Database) -> list[str]:
        table = db.migrations_table
        if table not in db.table_names():
            return []
        rows = db.execute(f"SELECT name FROM {table} WHERE migration_set = ? ORDER BY id", [self.name])
        return [str(r[0]) for r in rows.fetchall()]

    def pending(self, db: Database) -> list[str]:
        done = set(self.applied(db))
        return [name for name in self.names if name not in done]

    def apply(self, db: Database, stop_before: str | None = None) -> None:
        """Apply the pending migrations, in order, under the engine's lock for migrating, so two
        processes starting at the same moment cannot both create the schema."""
        with db.migrating():
            db.execute(db.ddl(_RECORD.format(table=db.migrations_table)))
            done = set(self.applied(db))
            for name, fn in self.steps:
                if name == stop_before:
                    return
                if name in done:
                    continue
                with db.atomic():
                    fn(db)
                    db.execute(
                        f"INSERT INTO {db.migrations_table} (migration_set, name, applied_at) VALUES (?, ?, ?)",
                        [self.name, name, str(datetime.datetime.now(datetime.UTC))],
                    )


# The record of applied migrations, as sqlite-utils created it on SQLite.
_RECORD = (
    "CREATE TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY, migration_set TEXT, name TEXT, "
    "applied_at TEXT, UNIQUE (migration_set, name))"
)

migrations = Migrations("scaling-workshop")


@migrations(name="0001_initial_schema")
def _initial_schema(db: Database) -> None:
    _run_statements(
        db,
        """
        CREATE TABLE workshops (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            organisation TEXT NOT NULL,
            stage TEXT NOT NULL,
            key_hash TEXT NOT NULL,
            created_at REAL NOT NULL,
            ended_at REAL,
            current_step TEXT NOT NULL,
            locked INTEGER NOT NULL DEFAULT 0,
            observability_confirmed INTEGER NOT NULL DEFAULT 0,
            scoring TEXT NOT NULL DEFAULT 'roi',
            vote_budget INTEGER NOT NULL DEFAULT 5,
            version INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE timers (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            step_key TEXT NOT NULL,
            position INTEGER NOT NULL,
            minutes INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            deadline REAL,
            remaining REAL NOT NULL,
            spent REAL NOT NULL DEFAULT 0,
            run_started REAL,
            PRIMARY KEY (workshop_id, step_key)
        );
        CREATE TABLE participants (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            token_hash TEXT UNIQUE,
            name TEXT NOT NULL,
            is_facilitator INTEGER NOT NULL DEFAULT 0,
            joined_at REAL NOT NULL
        );
        CREATE INDEX participants_workshop ON participants(workshop_id);
        CREATE TABLE bottlenecks (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            participant_id INTEGER REFERENCES participants(id),
            dimension TEXT NOT NULL,
            text TEXT NOT NULL,
            hidden INTEGER NOT NULL DEFAULT 0,
            merged_into INTEGER REFERENCES bottlenecks(id),
            client_id TEXT,
            created_at REAL NOT NULL
        );
        CREATE INDEX bottlenecks_workshop ON bottlenecks(workshop_id);
        CREATE UNIQUE INDEX bottlenecks_client ON bottlenecks(workshop_id, participant_id, client_id);
        CREATE TABLE votes (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            bottleneck_id INTEGER NOT NULL REFERENCES bottlenecks(id),
            participant_id INTEGER NOT NULL REFERENCES participants(id),
            created_at REAL NOT NULL
        );
        CREATE INDEX votes_workshop ON votes(workshop_id);
        CREATE TABLE impacts (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            bottleneck_id INTEGER NOT NULL REFERENCES bottlenecks(id),
            participant_id INTEGER REFERENCES participants(id),
            outcome TEXT NOT NULL,
            direction TEXT NOT NULL,
            magnitude INTEGER NOT NULL,
            money REAL,
            because TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE INDEX impacts_workshop ON impacts(workshop_id);
        CREATE TABLE initiatives (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            participant_id INTEGER REFERENCES participants(id),
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            position INTEGER,
            created_at REAL NOT NULL
        );
        CREATE INDEX initiatives_workshop ON initiatives(workshop_id);
        CREATE TABLE initiative_links (
            initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
            bottleneck_id INTEGER NOT NULL REFERENCES bottlenecks(id),
            PRIMARY KEY (initiative_id, bottleneck_id)
        );
        CREATE TABLE dependencies (
            initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
            after_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
            PRIMARY KEY (initiative_id, after_id)
        );
        CREATE TABLE scores (
            initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL REFERENCES participants(id),
            value INTEGER NOT NULL,
            effort INTEGER NOT NULL,
            urgency INTEGER NOT NULL,
            confidence INTEGER NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (initiative_id, participant_id)
        );
        CREATE TABLE decisions (
            initiative_id INTEGER PRIMARY KEY REFERENCES initiatives(id) ON DELETE CASCADE,
            answers TEXT NOT NULL,
            recommendation TEXT NOT NULL,
            choice TEXT NOT NULL,
            rationale TEXT NOT NULL,
            decided_at REAL NOT NULL
        );
        CREATE TABLE owners (
            initiative_id INTEGER PRIMARY KEY REFERENCES initiatives(id) ON DELETE CASCADE,
            owner TEXT NOT NULL,
            metric TEXT NOT NULL,
            unit TEXT NOT NULL DEFAULT '',
            baseline REAL NOT NULL,
            target REAL NOT NULL,
            checkin TEXT NOT NULL,
            assigned_at REAL NOT NULL
        );
        """,
    )


@migrations(name="0002_leader_links_and_checkins")
def _leader_links_and_checkins(db: Database) -> None:
    """Follow-through after the room empties: a revocable read link for leaders, check-ins
    against each owner's metric, and the votes index the board read needs at scale."""
    _run_statements(
        db,
        """
        ALTER TABLE workshops ADD COLUMN leader_hash TEXT;
        ALTER TABLE workshops ADD COLUMN leader_issued_at REAL;
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
            checked_on TEXT NOT NULL,
            value REAL NOT NULL,
            status TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            next_checkin TEXT,
            recorded_by TEXT NOT NULL,
            via TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE INDEX checkins_initiative ON checkins(initiative_id, checked_on);
        CREATE INDEX votes_bottleneck ON votes(bottleneck_id);
        """,
    )


@migrations(name="0003_the_room_on_the_live_channel")
def _the_room_on_the_live_channel(db: Database) -> None:
    """Every step on the phone: the facilitator's questionnaire answers are kept as they are
    given (so phones see the recommendation before the decision), participants' build/buy/partner
    picks and owner volunteering, and client ids so a retried impact or initiative is stored once."""
    _run_statements(
        db,
        """
        CREATE TABLE answers (
            initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            PRIMARY KEY (initiative_id, question)
        );
        CREATE TABLE picks (
            initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL REFERENCES participants(id),
            choice TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            updated_at REAL NOT NULL,
            PRIMARY KEY (initiative_id, participant_id)
        );
        CREATE TABLE volunteers (
            initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL REFERENCES participants(id),
            created_at REAL NOT NULL,
            PRIMARY KEY (initiative_id, participant_id)
        );
        ALTER TABLE impacts ADD COLUMN client_id TEXT;
        ALTER TABLE initiatives ADD COLUMN client_id TEXT;
        CREATE UNIQUE INDEX impacts_client ON impacts(workshop_id, participant_id, client_id);
        CREATE UNIQUE INDEX initiatives_client ON initiatives(workshop_id, participant_id, client_id);
        """,
    )


@migrations(name="0004_settings")
def _settings(db: Database) -> None:
    """Server-wide settings, such as the hash of the portfolio key generated at first start."""
    _run_statements(
        db,
        """
        CREATE TABLE settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
    )


@migrations(name="0005_decisions_that_stick")
def _decisions_that_stick(db: Database) -> None:
    """Owners' own links, the review of an organisation's earlier commitments at its next
    workshop, and initiatives carried over from one workshop to the next.

    A carried initiative names its origin by workshop code and title (not by row id), so an
    export stays self-contained; `reviews.carried_to` is this database's own link to the copy.
    """
    _run_statements(
        db,
        """
        ALTER TABLE workshops ADD COLUMN review_minutes INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE workshops ADD COLUMN reviewing INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE initiatives ADD COLUMN carried_from_code TEXT;
        ALTER TABLE initiatives ADD COLUMN carried_from_title TEXT;
        ALTER TABLE initiatives ADD COLUMN carried_times INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE owner_links (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            owner TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            issued_at REAL NOT NULL,
            PRIMARY KEY (workshop_id, owner)
        );
        CREATE TABLE reviews (
            initiative_id INTEGER PRIMARY KEY REFERENCES initiatives(id) ON DELETE CASCADE,
            reviewed_in TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT NOT NULL,
            reviewed_at REAL NOT NULL,
            carried_to INTEGER REFERENCES initiatives(id) ON DELETE SET NULL
        );
        CREATE INDEX reviews_carried_to ON reviews(carried_to);
        """,
    )


@migrations(name="0006_readiness_check")
def _readiness_check(db: Database) -> None:
    """The optional pre-work check "Are we ready to scale?": one row per participant and question
    (a changed answer overwrites it), and whether the facilitator has the check open for answers."""
    _run_statements(
        db,
        """
        ALTER TABLE workshops ADD COLUMN readiness_open INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE readiness_answers (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL REFERENCES participants(id),
            question TEXT NOT NULL,
            rating INTEGER NOT NULL,
            number REAL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (participant_id, question)
        );
        CREATE INDEX readiness_answers_workshop ON readiness_answers(workshop_id);
        """,
    )


@migrations(name="0008_brainstorm_modes")
def _brainstorm_modes(db: Database) -> None:
    """A big room's board stays clean: a private brainstorm keeps each note on its author's
    phone until the facilitator reveals the board, and an anonymous workshop numbers its
    participants instead of asking their names."""
    _run_statements(
        db,
        """
        ALTER TABLE workshops ADD COLUMN private_brainstorm INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE workshops ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0;
        """,
    )


@migrations(name="0009_similar_notes")
def _similar_notes(db: Database) -> None:
    """Similar-note suggestions: a pair of notes the facilitator said are not the same is kept,
    so that pair is never suggested again."""
    _run_statements(
        db,
        """
        CREATE TABLE dismissed_pairs (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            low_id INTEGER NOT NULL REFERENCES bottlenecks(id),
            high_id INTEGER NOT NULL REFERENCES bottlenecks(id),
            dismissed_at REAL NOT NULL,
            PRIMARY KEY (low_id, high_id),
            CHECK (low_id < high_id)
        );
        CREATE INDEX dismissed_pairs_workshop ON dismissed_pairs(workshop_id);
        """,
    )


@migrations(name="0010_audit_trail")
def _audit_trail(db: Database) -> None:
    """Regulated rooms ask who changed what, and when: an append-only trail of every change a
    facilitator, leader or owner makes (no foreign key, so deleting a whole workshop can remove
    its entries after its row), and the participants' writes counted per step and kind."""
    _run_statements(
        db,
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL,
            at REAL NOT NULL,
            role TEXT NOT NULL,
            via TEXT NOT NULL,
            action TEXT NOT NULL,
            step TEXT NOT NULL,
            subject TEXT NOT NULL DEFAULT '',
            before_json TEXT NOT NULL DEFAULT '{}',
            after_json TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX audit_workshop ON audit(workshop_id, id);
        CREATE TABLE write_counts (
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            step TEXT NOT NULL,
            kind TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (workshop_id, step, kind)
        );
        """,
    )
    # The trail refuses every UPDATE, and every DELETE while its workshop exists: entries go only
    # together with their whole workshop, once that workshop's row is gone. Each trigger is one
    # statement (its body holds a ";"), so these run whole, not through `_run_statements`.
    for trigger in db.audit_triggers():
        db.execute(trigger)


@migrations(name="0011_erasure")
def _erasure(db: Database) -> None:
    """Erasure and deletion: a server-level record of every deleted workshop (its code, when, why
    and by whom; no personal data, since its own trail goes with it), and the marker under which an
    erasure may replace the erased words in its workshop's trail."""
    _run_statements(
        db,
        """
        CREATE TABLE deletions (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL,
            ended_at REAL,
            deleted_at REAL NOT NULL,
            reason TEXT NOT NULL,
            deleted_by TEXT NOT NULL
        );
        CREATE TABLE audit_redacting (
            workshop_id INTEGER PRIMARY KEY
        )
        """,
    )
    for trigger in db.redaction_triggers():  # each is one statement whose body holds a ";"
        db.execute(trigger)


@migrations(name="0012_workshop_language")
def _workshop_language(db: Database) -> None:
    """The language a workshop runs in (the projector, the console and the exports follow it):
    a language code such as 'de'; every earlier workshop ran in English."""
    _run_statements(db, "ALTER TABLE workshops ADD COLUMN language TEXT NOT NULL DEFAULT 'en'")


@migrations(name="0013_one_participants_rows")
def _one_participants_rows(db: Database) -> None:
    """A phone's every write is answered with its own view (`participant_view`): its scores,
    picks, offers, votes, impacts and, on a private board, notes. Without these indexes each of
    those reads scanned the workshop's rows (scores, picks and offers: every workshop's), 2 ms of
    CPU per answer in a room of 1,000, more than the write it answered; with them 0.2 ms."""
    _run_statements(
        db,
        """
        CREATE INDEX scores_participant ON scores(participant_id);
        CREATE INDEX picks_participant ON picks(participant_id);
        CREATE INDEX volunteers_participant ON volunteers(participant_id);
        CREATE INDEX votes_participant ON votes(workshop_id, participant_id);
        CREATE INDEX impacts_participant ON impacts(workshop_id, participant_id);
        CREATE INDEX bottlenecks_participant ON bottlenecks(workshop_id, participant_id);
        """,
    )


def _run_statements(db: Database, script: str) -> None:
    """Run DDL one statement at a time: `executescript` would commit mid-migration."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(db.ddl(statement))
