"""Follow-through after the room empties: check-ins, progress against target, overdue flags.

An owned initiative is *tracked*: its metric starts at the baseline on the day the owner
was assigned, and each check-in records the measured value, a status and the date of the
next check-in. Progress is how far the latest value has moved from the baseline towards
the target (0 % = baseline, 100 % = target, in either direction). A check-in is overdue
when its due date has passed and nothing was recorded since. Everything here is a pure
function of rows and `today`, so the summary, the portfolio and the exports agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workshop.domain import numbers
from workshop.domain.language import N_, _
from workshop.domain.vocabulary import review_by_key

Row = dict[str, Any]

STATUSES: dict[str, str] = {"on_track": N_("On track"), "at_risk": N_("At risk"), "off_track": N_("Off track")}
STATUS_COLOURS: dict[str, str] = {"on_track": "#1b7837", "at_risk": "#e08214", "off_track": "#b2182b"}
NOT_CHECKED = N_("Not checked in yet")
NEXT_CHECKIN_DAYS = 14  # the next check-in every check-in form proposes, days from today
# Who recorded a check-in: the facilitator, a holder of the leader link, or the owner's own link.
FACILITATOR, LEADER_LINK, OWNER_LINK = VIAS = (N_("facilitator"), N_("leader link"), N_("owner link"))


def day_of(ts: float) -> date:
    """The server's calendar day of a stored timestamp (the same clock `today` comes from)."""
    return date.fromtimestamp(ts)


def progress(baseline: float, target: float, value: float) -> float:
    """Share of the way from baseline to target (1.0 = target reached); never divides by zero."""
    if target == baseline:
        return 1.0 if value == target else 0.0
    return (value - baseline) / (target - baseline) + 0.0  # + 0.0 turns -0.0 into 0.0


@dataclass(frozen=True)
class Track:
    """One owned initiative and where its metric stands."""

    initiative_id: int
    title: str
    owner: str
    metric: str
    unit: str
    baseline: float
    target: float
    assigned_on: date
    first_checkin: date
    checkins: tuple[Row, ...] = field(default_factory=tuple)
    code: str = ""
    workshop_title: str = ""
    organisation: str = ""
    workshop_created_on: date | None = None
    carried_from: str | None = None  # the workshop a carried-over initiative came from
    carried_times: int = 0  # how many reviews in a row carried it over
    outcome: str | None = None  # how a later workshop concluded it: done, carry or drop
    reviewed_in: str | None = None  # the code of that later workshop
    review_reason: str = ""

    @property
    def chain(self) -> str:
        """Where a carried-over commitment came from, in words ("" when it is new here)."""
        if not self.carried_times:
            return ""
        source = self.carried_from or _("an earlier workshop")
        return _("Carried from {source} · carried {times}×").format(source=source, times=self.carried_times)

    @property
    def concluded(self) -> str:
        """How a later workshop concluded it ("Done in CODE"), "" while it is still open."""
        if not self.outcome:
            return ""
        return _("{outcome} in {code}").format(outcome=_(review_by_key(self.outcome).acted), code=self.reviewed_in)

    @property
    def latest(self) -> Row | None:
        return self.checkins[-1] if self.checkins else None

    @property
    def value(self) -> float:
        return float(self.latest["value"]) if self.latest else self.baseline

    @property
    def status(self) -> str | None:
        return self.latest["status"] if self.latest else None

    @property
    def status_title(self) -> str:
        return _(STATUSES[self.status] if self.status else NOT_CHECKED)

    @property
    def progress(self) -> float:
        return progress(self.baseline, self.target, self.value)

    @property
    def next_checkin(self) -> date | None:
        """When the next check-in is due: the first one until something is recorded, then
        the date the latest check-in set (None when no further check-in is planned)."""
        if not self.checkins:
            return self.first_checkin
        planned = self.checkins[-1]["next_checkin"]
        return date.fromisoformat(planned) if planned else None

    def overdue(self, today: date) -> bool:
        due = self.next_checkin
        return due is not None and due < today

    def days_overdue(self, today: date) -> int:
        due = self.next_checkin
        return (today - due).days if due is not None and due < today else 0


def track(owner: Row, title: str, checkins: Iterable[Row], **workshop: Any) -> Track:
    """A `Track` from an owner row, the initiative title and its check-ins (any order)."""
    ordered = tuple(sorted(checkins, key=lambda c: (c["checked_on"], c["id"])))
    return Track(
        initiative_id=int(owner["initiative_id"]),
        title=title,
        owner=owner["owner"],
        metric=owner["metric"],
        unit=owner["unit"],
        baseline=float(owner["baseline"]),
        target=float(owner["target"]),
        assigned_on=day_of(owner["assigned_at"]),
        first_checkin=date.fromisoformat(owner["checkin"]),
        checkins=ordered,
        **workshop,
    )


def checkins_by_initiative(checkins: Iterable[Row]) -> dict[int, list[Row]]:
    """Check-ins grouped by their initiative, in the order given."""
    by_initiative: dict[int, list[Row]] = {}
    for row in checkins:
        by_initiative.setdefault(row["initiative_id"], []).append(row)
    return by_initiative


def tracked(row: Row, checkins: Iterable[Row]) -> Track:
    """A `Track` from a row joining the owner, the initiative, its workshop and its review, as
    `storage.portfolio_owners` and `storage.earlier_owned` read them."""
    return track(
        row,
        row["title"],
        checkins,
        code=row["code"],
        workshop_title=row["workshop_title"],
        organisation=row["organisation"],
        workshop_created_on=day_of(row["workshop_created_at"]),
        carried_from=row.get("carried_from_code"),
        carried_times=int(row.get("carried_times") or 0),
        outcome=row.get("outcome"),
        reviewed_in=row.get("reviewed_in"),
        review_reason=row.get("review_reason") or "",
    )


def portfolio(owners: Sequence[Row], checkins: Sequence[Row]) -> list[Track]:
    """Tracks for every owned initiative across workshops (rows from `storage.portfolio_*`)."""
    by_initiative = checkins_by_initiative(checkins)
    return [tracked(o, by_initiative.get(o["initiative_id"], [])) for o in owners]


def held_within(
    organisation: str,
    held: date | None,
    organisations: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
) -> bool:
    """The portfolio's workshop filter: one of `organisations` (any if empty), held in [start, end]."""
    if organisations and organisation not in organisations:
        return False
    if start is not None and (held is None or held < start):
        return False
    return end is None or (held is not None and held <= end)


def select_workshops(
    workshops: Sequence[Row], organisations: Sequence[str] = (), start: date | None = None, end: date | None = None
) -> list[Row]:
    """Workshop rows (from `storage.list_workshops`) that pass the portfolio's filter."""
    return [w for w in workshops if held_within(w["organisation"], day_of(w["created_at"]), organisations, start, end)]


def select(
    tracks: Sequence[Track],
    organisations: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
    status: Sequence[str] = (),
    today: date | None = None,
    overdue_only: bool = False,
) -> list[Track]:
    """Filter tracks by organisation, workshop date range (inclusive), status and overdue."""
    chosen = []
    for item in tracks:
        if not held_within(item.organisation, item.workshop_created_on, organisations, start, end):
            continue
        if status and (item.status or "none") not in status:
            continue
        if overdue_only and not (today is not None and item.overdue(today)):
            continue
        chosen.append(item)
    return chosen


def counts(tracks: Sequence[Track], today: date) -> dict[str, int]:
    """Headline figures: how many are tracked, overdue, and in each status."""
    out = {
        "tracked": len(tracks),
        "overdue": sum(t.overdue(today) for t in tracks),
        "not_checked": sum(t.status is None for t in tracks),
    }
    for key in STATUSES:
        out[key] = sum(t.status == key for t in tracks)
    return out


# --- what is due: reminders for the owners ------------------------------------------------

DUE_DAYS = 7  # "due this week": due within this many days of today, or overdue


def due_soon(tracks: Sequence[Track], today: date, days: int = DUE_DAYS) -> list[Track]:
    """Tracks whose next check-in is overdue or due within `days` of `today`, soonest first
    (the portfolio's reminder list; a track with nothing planned is never due)."""
    horizon = today.toordinal() + days
    due = [t for t in tracks if t.next_checkin is not None and t.next_checkin.toordinal() <= horizon]
    return sorted(due, key=lambda t: (t.next_checkin or today, t.owner, t.code, t.initiative_id))


def by_owner(tracks: Sequence[Track]) -> dict[tuple[str, str], list[Track]]:
    """Tracks grouped per (workshop code, owner), owners by name: one owner link, one reminder each."""
    grouped: dict[tuple[str, str], list[Track]] = {}
    for item in sorted(tracks, key=lambda t: (t.owner.casefold(), t.code)):
        grouped.setdefault((item.code, item.owner), []).append(item)
    return grouped


def due_text(item: Track, today: date) -> str:
    """When a check-in is due, in the reminder's words ("due 2026-11-30", "overdue since …")."""
    due = item.next_checkin
    if due is None:
        return _("not planned")
    said = _("overdue since {date}") if item.overdue(today) else _("due {date}")
    return said.format(date=numbers.day(due))


def due_words(item: Track, today: date) -> str:
    """When the next check-in is, relative to today, in the owner page's words ("2026-11-30, in 3 days")."""
    due = item.next_checkin
    if due is None:
        return _("none planned")
    days = (due - today).days
    if days < 0:
        return _("{date}, overdue by {days}").format(date=numbers.day(due), days=numbers.days(-days))
    return _("{date}, {when}").format(date=numbers.day(due), when=numbers.from_today(days))


def reminder(owner: str, tracks: Sequence[Track], today: date, url: str) -> str:
    """The plain-text reminder a facilitator pastes into a message to one owner."""
    part = _("your check-in on {title} ({metric}) is {due}")
    parts = [part.format(title=t.title, metric=t.metric, due=due_text(t, today)) for t in tracks]
    if len(parts) == 1:
        return _("Hi {owner} — {what}. Record it here: {url}").format(owner=owner, what=parts[0], url=url)
    what = _("{items} and {last}").format(items="; ".join(parts[:-1]), last=parts[-1])
    return _("Hi {owner} — {what}. Record them here: {url}").format(owner=owner, what=what, url=url)
