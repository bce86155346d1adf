"""The one check-in form, on the owner's page and on the Ship It summary.

Its limits are the domain's: the note and "recorded by" lengths from the vocabulary, the next
check-in proposed `followup.NEXT_CHECKIN_DAYS` ahead, and the days the action accepts (measured
on or before today and not before the owner was assigned; the next check-in after it). A refusal
is shown beside the form by the page's `submit` and keeps what was typed; after a check-in the
form starts empty (new widget keys).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from workshop.domain.followup import NEXT_CHECKIN_DAYS, STATUSES, Track
from workshop.domain.language import _
from workshop.domain.text import md_escape
from workshop.domain.vocabulary import NOTE_MAX, OWNER_MAX


@dataclass(frozen=True)
class CheckIn:
    """What the form was submitted with, as `actions.record_checkin` takes it."""

    track: Track
    value: str
    status: str
    note: str
    measured: date
    upcoming: date
    recorded_by: str = ""


def checkin_form(
    key: str, tracks: Sequence[Track], today: date, submit: Callable[[CheckIn], bool], ask_who: bool = False
) -> None:
    """Record where a metric stands: one track's form, or (given several) a form with a picker.

    `submit` records the check-in and says whether it was recorded; `ask_who` adds "Recorded by"
    for forms that more than the owner use.
    """
    sent_key = f"_checkin_sent_{key}"
    sent = st.session_state.get(sent_key, 0)
    suffix = f"{key}-{sent}"
    with st.form(f"checkin-{suffix}"):
        st.write(_("**Record a check-in**"))
        track = _pick(tracks, suffix)
        entry = _fields(track, tracks, today, suffix, ask_who)
        if st.form_submit_button(_("Record check-in"), type="primary", width="stretch") and submit(entry):
            st.session_state[sent_key] = sent + 1
            st.rerun()


def _pick(tracks: Sequence[Track], suffix: str) -> Track:
    """The initiative the check-in is for: asked only when the form covers several."""
    if len(tracks) == 1:
        return tracks[0]
    pick = st.selectbox(
        _("Initiative"),
        range(len(tracks)),
        placeholder=_("Choose an option"),
        format_func=lambda n: f"{tracks[n].title} — {tracks[n].metric} ({tracks[n].owner})",
        key=f"pick-{suffix}",
    )
    return tracks[pick or 0]


def _fields(track: Track, tracks: Sequence[Track], today: date, suffix: str, ask_who: bool) -> CheckIn:
    """Value, status (one track's latest preselected), note, who, and the two dates."""
    # The unit is the owner's text, so it is escaped; the parentheses are the app's own and stay bare, or the
    # field's accessible name would read "Measured value \(min\)". A picker's tracks differ in unit.
    unit = f" ({md_escape(track.unit)})" if len(tracks) == 1 and track.unit else ""
    value = st.text_input(_("Measured value{unit}").format(unit=unit), key=f"value-{suffix}")
    statuses = list(STATUSES)
    status = st.radio(
        _("Status"),
        statuses,
        index=statuses.index(track.status) if len(tracks) == 1 and track.status else 0,
        format_func=lambda k: _(STATUSES[k]),
        horizontal=True,
        key=f"status-{suffix}",
    )
    note = st.text_input(_("Note (optional)"), max_chars=NOTE_MAX, key=f"note-{suffix}")
    by = (
        st.text_input(_("Recorded by (defaults to the owner)"), max_chars=OWNER_MAX, key=f"by-{suffix}")
        if ask_who
        else ""
    )
    earliest = min([*(t.assigned_on for t in tracks), today])  # the action refuses a day before the assignment
    cols = st.columns(2)
    measured = cols[0].date_input(
        _("Measured on"), value=today, min_value=earliest, max_value=today, key=f"on-{suffix}"
    )
    upcoming = cols[1].date_input(
        _("Next check-in"),
        value=today + timedelta(days=NEXT_CHECKIN_DAYS),
        min_value=today + timedelta(days=1),
        key=f"next-{suffix}",
    )
    return CheckIn(track, value, str(status), note, measured, upcoming, by)
