"""The check-in calendar: one updatable event per planned check-in, text that survives the trip."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser import unescape_backslash

from tests.helpers import NOW
from workshop import actions
from workshop.demo import create_demo
from workshop.domain import numbers
from workshop.domain.errors import WorkshopError
from workshop.domain.followup import Track
from workshop.reports import calendar
from workshop.store.load import load

BASE = "https://workshop.example.org"


def make_track(title: str = "Cut pages", checkins: tuple[dict, ...] = (), **fields) -> Track:
    values = {
        "initiative_id": 7,
        "title": title,
        "owner": "Priya Raman",
        "metric": "Pages per week",
        "unit": "pages/week",
        "baseline": 40.0,
        "target": 16.0,
        "assigned_on": date(2025, 6, 1),
        "first_checkin": date(2025, 6, 15),
        "checkins": checkins,
        "code": "ABC123",
        "workshop_title": "Scaling plan",
        "organisation": "Acme Ltd",
    }
    values.update(fields)
    return Track(**values)


def checkin(n: int, value: float, next_checkin: str | None, status: str = "on_track") -> dict:
    return {
        "id": n,
        "checked_on": f"2025-06-{10 + n:02d}",
        "value": value,
        "status": status,
        "note": "",
        "next_checkin": next_checkin,
        "created_at": NOW + n * 86_400 + 0.25,
    }


def parse(raw: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(raw)


def vevents(raw: bytes) -> list[icalendar.Event]:
    return list(parse(raw).walk("VEVENT"))


def calendar_names(raw: bytes) -> tuple[str, str]:
    """NAME and X-WR-CALNAME as a calendar app reads them (icalendar parses them as raw text)."""
    cal = parse(raw)
    return unescape_backslash(str(cal["NAME"])), unescape_backslash(str(cal["X-WR-CALNAME"]))


def escapes_split_by_a_fold(raw: bytes) -> list[bytes]:
    """Escape sequences (like \\n) that a fold cuts in two: Google Calendar then drops the event."""
    split = []
    for logical in re.split(rb"\r\n(?![ \t])", raw):
        pieces = logical.split(b"\r\n")
        line = pieces[0] + b"".join(p[1:] for p in pieces[1:])
        folds = set(itertools.accumulate(len(p) - (n > 0) for n, p in enumerate(pieces)))
        split += [m.group() for m in re.finditer(rb"\\.", line) if m.start() + 1 in folds]
    return split


@pytest.fixture
def followed(db):
    """The sample workshop held 70 days ago, with its owners' check-ins since."""
    created = create_demo(db, now=NOW, followup_days=70)
    return load(db, created.code)


def test_the_sample_has_one_event_per_planned_check_in(followed):
    raw = calendar.workshop_ics(followed, BASE)
    planned = [t for t in followed.tracks if t.next_checkin is not None]
    assert len(planned) == len(followed.tracks) == 4
    found = vevents(raw)
    assert [str(e["SUMMARY"]) for e in found] == [f"Check-in: {t.title}" for t in planned]
    for event, item in zip(found, planned):
        assert event.start == item.next_checkin
        assert type(event.start) is date  # all-day: a DATE value, not a date-time
        assert event.end == item.next_checkin + timedelta(days=1)
        assert event.get("SEQUENCE") == len(item.checkins)
        assert str(event["UID"]) == f"checkin-{followed.code}-{item.initiative_id}@scaling-workshop"


def test_the_calendar_header(followed):
    cal = parse(calendar.workshop_ics(followed))
    assert str(cal["PRODID"]) == "-//Scaling Workshop//Check-ins//EN"
    assert str(cal["VERSION"]) == "2.0"
    name = f"Check-ins: Scaling the delivery engine ({followed.code})"
    assert calendar_names(calendar.workshop_ics(followed)) == (name, name)


def test_without_a_name_the_calendar_has_none():
    cal = parse(calendar.to_ics([make_track()]))
    assert "NAME" not in cal and "X-WR-CALNAME" not in cal


def test_two_exports_are_byte_identical_with_unique_uids(db, followed):
    first = calendar.export_ics(db, followed.code, BASE)
    second = calendar.export_ics(db, followed.code.lower(), BASE)
    assert first == second
    uids = [str(e["UID"]) for e in vevents(first)]
    assert len(set(uids)) == len(uids) == 4


def test_a_new_check_in_moves_the_same_event_and_raises_its_sequence(db):
    created = create_demo(db, now=NOW, followup_days=70)
    before = {str(e["UID"]): e for e in vevents(calendar.export_ics(db, created.code))}
    item = load(db, created.code).tracks[0]
    today = date.fromtimestamp(NOW)
    key = created.facilitator_key
    moved = date(2025, 8, 1)
    actions.record_checkin(
        db, created.code, key, item.initiative_id, 4, "on_track", next_checkin=moved, today=today, now=NOW + 60
    )
    after = {str(e["UID"]): e for e in vevents(calendar.export_ics(db, created.code))}
    assert after.keys() == before.keys()
    uid = calendar.event_uid(item)
    assert (before[uid].start, after[uid].start) == (item.next_checkin, moved)
    assert after[uid].get("SEQUENCE") == before[uid].get("SEQUENCE") + 1
    assert after[uid].stamp > before[uid].stamp
    unchanged = [u for u in before if u != uid]
    assert all(after[u].to_ical() == before[u].to_ical() for u in unchanged)


def test_the_stamp_comes_from_the_data_not_the_clock():
    fresh = vevents(calendar.to_ics([make_track()]))[0]
    assert fresh.stamp == datetime(2025, 6, 1, tzinfo=fresh.stamp.tzinfo)
    assert fresh.stamp.utcoffset().total_seconds() == 0
    assert fresh.get("SEQUENCE") == 0
    reported = vevents(calendar.to_ics([make_track(checkins=(checkin(1, 30, "2025-07-01"),))]))[0]
    assert reported.stamp.timestamp() == int(NOW + 86_400)


def test_no_event_without_a_planned_check_in():
    done = make_track(checkins=(checkin(1, 16, None),))
    assert calendar.events([done, make_track(initiative_id=8)]) != []
    assert [str(e["UID"]) for e in calendar.events([done, make_track(initiative_id=8)])] == [
        "checkin-ABC123-8@scaling-workshop"
    ]
    assert vevents(calendar.to_ics([done])) == []


def test_the_first_check_in_date_until_something_is_recorded():
    assert vevents(calendar.to_ics([make_track()]))[0].start == date(2025, 6, 15)


def test_the_description_uses_the_one_number_format():
    item = make_track(checkins=(checkin(1, 1234.5, "2025-07-01", "at_risk"),), baseline=2000.0, target=1000.0, unit="€")
    text = str(vevents(calendar.to_ics([item], BASE))[0]["DESCRIPTION"])
    assert "Initiative: Cut pages" in text and "Owner: Priya Raman" in text
    assert "Metric: Pages per week (€)" in text
    assert f"Baseline → target: {numbers.measure(2000, '€')} → {numbers.measure(1000, '€')}" in text
    assert f"Latest: {numbers.measure(1234.5, '€')} ({numbers.share(item.progress)} of the way" in text
    assert "1,234.5 €" in text and "77%" in text
    assert "Status: At risk" in text
    assert "Workshop: Acme Ltd — Scaling plan (ABC123)" in text
    assert calendar.NO_LINK in text


def test_before_any_check_in_the_description_says_so():
    text = str(vevents(calendar.to_ics([make_track()]))[0]["DESCRIPTION"])
    assert "Latest: 40 pages/week (the baseline; nothing recorded yet)" in text
    assert "Status: Not checked in yet" in text


def test_owner_page_url():
    assert calendar.owner_page_url(BASE, "ABC123") == f"{BASE}/owner?ws=ABC123"
    assert calendar.owner_page_url(BASE + "/", "ABC123", "t0k") == f"{BASE}/owner?ws=ABC123&o=t0k"
    assert calendar.owner_page_url("", "ABC123") == "/owner?ws=ABC123"
    assert calendar.owner_page_url(BASE, "ABC123", "a&b=c") == f"{BASE}/owner?ws=ABC123&o=a%26b%3Dc"


def test_an_absolute_link_with_the_owners_token_becomes_the_events_url():
    event = vevents(calendar.to_ics([make_track()], BASE, token="t0k"))[0]
    assert str(event["URL"]) == f"{BASE}/owner?ws=ABC123&o=t0k"


def test_without_the_owners_token_no_event_links_a_page_that_opens_nothing(followed):
    """/owner?ws=CODE alone is a dead end: the workshop's file says how to get the link instead."""
    for event in vevents(calendar.workshop_ics(followed, BASE)):
        assert "URL" not in event
        description = str(event["DESCRIPTION"])
        assert "/owner?ws=" not in description
        assert calendar.NO_LINK in description and "Owner links" in description


@pytest.mark.parametrize("base", ["", "workshop.example.org", "ftp://example.org"])
def test_without_an_http_address_the_path_is_only_in_the_description(base):
    event = vevents(calendar.to_ics([make_track()], base, token="t0k"))[0]
    assert "URL" not in event
    assert f"Owner page: {base}/owner?ws=ABC123&o=t0k" in str(event["DESCRIPTION"])


def test_no_token_in_the_file_unless_one_is_passed(followed):
    token = "s3cret-owner-token"
    plain = calendar.workshop_ics(followed, BASE)
    assert b"&o=" not in plain and b"o%3D" not in plain
    assert token.encode() not in plain
    raw = calendar.to_ics(followed.tracks, BASE, token=token)
    for event in vevents(raw):
        assert str(event["URL"]) == f"{BASE}/owner?ws={followed.code}&o={token}"
        assert f"&o={token}" in str(event["DESCRIPTION"])


def test_awkward_text_round_trips():
    title = "Fix: a, b; c\nd \\ e 🚀 «façade» 中文 " + "x" * 120
    item = make_track(title=title, owner="O'Neil; Smith, Jr.", metric="p95, ms; checkout", unit="ms")
    raw = calendar.to_ics([item], BASE, name="Q3; plans, all\nof them 🚀")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded by octets, as RFC 5545 asks
    event = vevents(raw)[0]
    assert str(event["SUMMARY"]) == f"Check-in: {title}"
    assert f"Initiative: {title}\nOwner: O'Neil; Smith, Jr.\nMetric: p95, ms; checkout (ms)" in str(
        event["DESCRIPTION"]
    )
    assert calendar_names(raw) == ("Q3; plans, all\nof them 🚀",) * 2
    assert b"X-WR-CALNAME:Q3\\; plans\\, all\\nof them" in raw
    assert raw.count(b"\r\nBEGIN:VEVENT\r\n") == 1
    assert escapes_split_by_a_fold(raw) == []


def test_control_characters_never_reach_the_file():
    item = make_track(title="a\r\nBEGIN:VEVENT\rb\x00c\x1bd")
    raw = calendar.to_ics([item])
    assert raw.count(b"\r\nBEGIN:VEVENT\r\n") == 1
    assert b"\x00" not in raw and b"\x1b" not in raw
    assert str(vevents(raw)[0]["SUMMARY"]) == "Check-in: a\nBEGIN:VEVENT\nbcd"


def test_lines_end_in_crlf_and_the_file_is_utf8(followed):
    raw = calendar.workshop_ics(followed, BASE)
    raw.decode("utf-8")
    assert raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_an_empty_workshop_is_a_valid_empty_calendar(db, workshop):
    raw = calendar.export_ics(db, workshop.code)
    assert vevents(raw) == []
    assert str(parse(raw)["PRODID"]) == calendar.PRODID


def test_an_unknown_code_is_refused(db):
    with pytest.raises(WorkshopError, match="No workshop has the code"):
        calendar.export_ics(db, "ZZZZZZ")


# What the app can store: clean_text refuses control, surrogate and private-use characters;
# titles are one line, but a note-like field may hold newlines and tabs.
stored_text = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Co"), include_characters="\n\t"), min_size=1, max_size=200
)


@settings(max_examples=150, deadline=None)
@given(title=stored_text, owner=stored_text, metric=stored_text, unit=stored_text, name=stored_text)
def test_any_stored_text_round_trips(title, owner, metric, unit, name):
    item = make_track(title=title, owner=owner, metric=metric, unit=unit)
    raw = calendar.to_ics([item], BASE, token="tok", name=name)
    cal = parse(raw)
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Check-in: {title}"
    description = str(event["DESCRIPTION"])
    assert f"Initiative: {title}\nOwner: {owner}\nMetric: {metric} ({unit})\n" in description
    assert calendar_names(raw) == (name, name)
    assert set(escapes_split_by_a_fold(raw)) <= {b"\\\\"}  # the known upstream gap: see the last test
    assert str(event["UID"]) == "checkin-ABC123-7@scaling-workshop"
    assert calendar.to_ics([item], BASE, token="tok", name=name) == raw


@pytest.mark.xfail(strict=True, reason="icalendar 7.3.0 can fold an escaped backslash in two")
def test_a_fold_never_cuts_an_escaped_backslash():
    """Known upstream gap: a literal backslash in user text that lands on the 75-octet fold is
    written as a backslash, CRLF, a space and the second backslash. That is valid RFC 5545
    (any two characters may be folded apart) but the kind of fold Google Calendar mis-reads.
    When icalendar fixes it this test passes, `strict` fails the run, and the tolerance in
    the round-trip test can go."""
    raw = calendar.to_ics([make_track(unit="00000000,\\\xa0", owner="0\xa0\xa0\xa0", metric="0" * 8, title="0")])
    assert escapes_split_by_a_fold(raw) == []


# Every character str.splitlines() breaks a line at; a payload that would be a calendar of its own.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
INJECTED = "END:VEVENT{0}BEGIN:VEVENT{0}UID:evil@x{0}DTSTART;VALUE=DATE:20250101{0}SUMMARY:Pay now{0}"


def read_by_unicode_lines(raw: bytes) -> list[icalendar.Event]:
    """The events a reader finds that splits the file on every Unicode line break."""
    return list(parse("\r\n".join(raw.decode("utf-8").splitlines()).encode("utf-8")).walk("VEVENT"))


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"])
def test_no_unicode_line_break_reaches_the_file(sep):
    payload = "x" + INJECTED.format(sep)
    item = make_track(title=payload, owner=payload, metric=payload, unit=payload)
    raw = calendar.to_ics([item], BASE, name=payload)
    text = raw.decode("utf-8")
    assert text.splitlines() == text.split("\r\n")[:-1]
    for events in (vevents(raw), read_by_unicode_lines(raw)):
        assert [str(e["UID"]) for e in events] == ["checkin-ABC123-7@scaling-workshop"]
    assert str(vevents(raw)[0]["SUMMARY"]) == "Check-in: x" + INJECTED.format("\n")


def test_a_workshop_with_line_separators_exports_only_its_own_events(db):
    """Through the actions: what a facilitator types is folded before it is stored."""
    created = create_demo(db, now=NOW, followup_days=70)
    snapshot = load(db, created.code)
    item = snapshot.tracks[0]
    payload = "x" + INJECTED.format("\u2028")
    actions.assign_owner(
        db,
        created.code,
        created.facilitator_key,
        item.initiative_id,
        payload,
        payload,
        1,
        2,
        item.first_checkin,
        unit=payload[:10],
        today=item.first_checkin,
    )
    raw = calendar.export_ics(db, created.code, BASE)
    expected = sorted(calendar.event_uid(t) for t in snapshot.tracks if t.next_checkin is not None)
    for events in (vevents(raw), read_by_unicode_lines(raw)):
        assert sorted(str(e["UID"]) for e in events) == expected
    owner = load(db, created.code).tracks[0].owner
    assert owner == "x" + INJECTED.format(" ")[:-1]


line_broken_text = st.lists(
    # Lone surrogates never reach a calendar: `clean_text` refuses them when the text is sent.
    st.one_of(
        st.sampled_from([*LINE_BREAKS, "BEGIN:VEVENT", "END:VEVENT", "END:VCALENDAR"]),
        st.characters(exclude_categories=["Cs"]),
    ),
    min_size=1,
    max_size=40,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(title=line_broken_text, owner=line_broken_text, metric=line_broken_text, name=line_broken_text)
def test_any_text_makes_one_event_for_every_reader(title, owner, metric, name):
    raw = calendar.to_ics([make_track(title=title, owner=owner, metric=metric)], BASE, name=name)
    for events in (vevents(raw), read_by_unicode_lines(raw)):
        assert [str(e["UID"]) for e in events] == ["checkin-ABC123-7@scaling-workshop"]
