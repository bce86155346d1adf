"""Next check-ins as an iCalendar (RFC 5545) file, so owners see them in their own calendar.

Each owned initiative with a planned check-in becomes one all-day event on that day. The
event's UID is fixed per initiative, SEQUENCE counts the check-ins recorded and DTSTAMP
comes from the data (never the clock), so downloading the file again updates the events
already imported instead of adding copies, and an unchanged workshop exports the same bytes.
All user text goes through the icalendar library, which escapes it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote

import icalendar

from workshop.domain import numbers
from workshop.domain.followup import Track
from workshop.domain.language import N_, SOURCE, _, using
from workshop.domain.snapshot import Snapshot
from workshop.domain.text import unify_line_breaks
from workshop.store import Database
from workshop.store.load import load

PRODID = "-//Scaling Workshop//Check-ins//EN"
UID_DOMAIN = "scaling-workshop"
OWNER_PATH = "/owner"
# A file without an owner's token (the workshop's, shared with leaders) cannot link to a page that
# opens: the owner page needs the owner's own link, which only its fingerprint is stored of.
NO_LINK = N_(
    "Owner page: record this check-in on your personal owner link. "
    "Lost it? The facilitator issues a new one on Ship It, under Owner links"
)
SUMMARY_PATH = "/ship-it"


def is_absolute(url: str) -> bool:
    """Only an http(s) address can be a calendar event's URL; anything else is just text."""
    return url.lower().startswith(("http://", "https://"))


def owner_page_url(base_url: str, code: str, token: str = "") -> str:
    """The owner page of a workshop; the token only when given, since the file may be shared.

    With no base address (the server's public URL is not configured) this is the path alone.
    """
    url = f"{base_url.strip().rstrip('/')}{OWNER_PATH}?ws={quote(code, safe='')}"
    return f"{url}&o={quote(token, safe='')}" if token else url


def event_uid(item: Track) -> str:
    """The same for an initiative in every export, so calendars update rather than duplicate."""
    return f"checkin-{item.code}-{item.initiative_id}@{UID_DOMAIN}"


def _stamp(item: Track) -> datetime:
    """When the event's data last changed: the latest check-in, else the owner's assignment day."""
    if item.latest is not None and item.latest.get("created_at") is not None:
        return datetime.fromtimestamp(float(item.latest["created_at"]), tz=UTC).replace(microsecond=0)
    return datetime.combine(item.assigned_on, time(), tzinfo=UTC)


def _plain(text: str) -> str:
    """Text as RFC 5545 allows it: line breaks as newlines, no other control characters.

    U+2028 and the other Unicode line breaks become newlines too (escaped as `\\n` in the
    file), so a reader that splits the file on them finds no line the text smuggled in.
    """
    text = unify_line_breaks(text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def _no_link(item: Track, base_url: str) -> str:
    """How to get the owner link, with the summary's address where the facilitator issues it."""
    base = base_url.strip().rstrip("/")
    said = _(NO_LINK)
    return f"{said}: {base}{SUMMARY_PATH}?ws={quote(item.code, safe='')}." if base else f"{said}."


def _description(item: Track, page: str | None, base_url: str = "") -> str:
    """Everything the owner needs at the check-in, with the app's one number format."""
    metric = f"{item.metric} ({item.unit})" if item.unit else item.metric
    now = numbers.measure(item.value, item.unit)
    where = f"{item.workshop_title} ({item.code})" if item.workshop_title else item.code
    if item.organisation:
        where = f"{item.organisation} — {where}"
    baseline, target = numbers.measure(item.baseline, item.unit), numbers.measure(item.target, item.unit)
    latest = (
        _("Latest: {value} ({share} of the way to target)").format(value=now, share=numbers.share(item.progress))
        if item.latest
        else _("Latest: {value} (the baseline; nothing recorded yet)").format(value=now)
    )
    lines = [
        _("Initiative: {title}").format(title=item.title),
        _("Owner: {owner}").format(owner=item.owner),
        _("Metric: {metric}").format(metric=metric),
        _("Baseline → target: {baseline} → {target}").format(baseline=baseline, target=target),
        latest,
        _("Status: {status}").format(status=item.status_title),
        _("Workshop: {workshop}").format(workshop=where),
        _("Owner page: {url}").format(url=page) if page else _no_link(item, base_url),
    ]
    return _plain("\n".join(lines))


def _event(item: Track, due: date, page_url: str, token: str) -> icalendar.Event:
    """One all-day, non-blocking event on the check-in day; it links the owner page only with a token
    (without one that page opens nothing), and otherwise says how to get the link."""
    page = owner_page_url(page_url, item.code, token) if token else None
    return icalendar.Event.new(
        uid=event_uid(item),
        sequence=len(item.checkins),
        stamp=_stamp(item),
        start=due,
        end=due + timedelta(days=1),
        summary=_plain(_("Check-in: {title}").format(title=item.title)),
        description=_description(item, page, page_url),
        url=page if page and is_absolute(page) else None,
        transparency=icalendar.enums.TRANSP.TRANSPARENT,
    )


def events(tracks: Sequence[Track], page_url: str = "", token: str = "") -> list[icalendar.Event]:
    """One event per owned initiative whose next check-in is planned, in the tracks' order.

    `page_url` is the server's public address (the owner link is built from it per
    initiative); `token` goes into every link, so pass it only with that owner's tracks.
    """
    out = []
    for item in tracks:
        due = item.next_checkin
        if due is not None:
            out.append(_event(item, due, page_url, token))
    return out


def to_ics(tracks: Sequence[Track], page_url: str = "", token: str = "", name: str = "", lang: str = SOURCE) -> bytes:
    """The calendar file (UTF-8, CRLF lines) in language `lang`; `name` is what calendar apps call it."""
    with using(lang):
        return _ics(tracks, page_url, token, name)


def _ics(tracks: Sequence[Track], page_url: str, token: str, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if name:
        # icalendar treats the calendar's name as an unknown type and would write it raw:
        # as TEXT it is escaped like every other piece of user text. NAME is RFC 7986's.
        calendar.add("name", icalendar.vText(_plain(name)))
        calendar.add("x-wr-calname", icalendar.vText(_plain(name)))
    for event in events(tracks, page_url, token):
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_name(snapshot: Snapshot) -> str:
    """The name a calendar app shows for a workshop's check-ins."""
    return _("Check-ins: {title} ({code})").format(title=snapshot.workshop["title"], code=snapshot.code)


def workshop_ics(snapshot: Snapshot, base_url: str = "", lang: str = SOURCE) -> bytes:
    """All owned initiatives' next check-ins of one workshop in language `lang`; no owner's token,
    so no owner-page link."""
    with using(lang):
        return to_ics(snapshot.tracks, base_url, name=calendar_name(snapshot), lang=lang)


def export_ics(db: Database, code: str, base_url: str = "", lang: str = SOURCE) -> bytes:
    """The command line's calendar export; an unknown code is refused like any export."""
    return workshop_ics(load(db, code), base_url, lang)
