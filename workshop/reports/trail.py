"""The audit trail as tables: the entries (filtered by role, action and step) and the
participants' write counts per step, for the console page and the CSV download.

Pure functions of a `Trail`; who may see it is decided in `workshop.domain.audience`
(`sees_trail`), and only the facilitator's view of a snapshot carries one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workshop.domain import numbers
from workshop.domain.audit import (
    PARTICIPANT,
    Entry,
    Trail,
    action_title,
    field_title,
    kind_title,
    role_title,
    subject_title,
    value_title,
    via_title,
)
from workshop.domain.language import N_, SOURCE, _, using
from workshop.domain.vocabulary import STEP_KEYS, step_by_key
from workshop.reports.sheets import csv_text

ENTRY_COLUMNS = (
    N_("When"),
    N_("Role"),
    N_("Device or link"),
    N_("Action"),
    N_("Step"),
    N_("Subject"),
    N_("Before"),
    N_("After"),
)
# The page: the device or link says the role, a step is its number, and before and after read as one
# line per value, so the change itself has room at 1440 wide.
PAGE_COLUMNS = (N_("When"), N_("Device or link"), N_("Action"), N_("Step"), N_("Subject"), N_("Change"))
COUNT_COLUMNS = (N_("Step"), N_("Participant write"), N_("Count"))
COUNTED_BY = N_("participants' phones")  # how the CSV names who made the counted writes
COUNTED = N_("{kind} (count)")


@dataclass(frozen=True)
class Filter:
    """What the page narrows the trail to; None keeps every value."""

    role: str | None = None
    action: str | None = None
    step: str | None = None

    def keeps(self, entry: Entry) -> bool:
        return all(
            wanted is None or wanted == value
            for wanted, value in ((self.role, entry.role), (self.action, entry.action), (self.step, entry.step))
        )


def step_title(step: str) -> str:
    """A step by its number and title; an entry made before any step (none today) shows blank."""
    if step not in STEP_KEYS:
        return step
    found = step_by_key(step)
    return f"{found.number}. {_(found.title)}"


def step_number(step: str) -> str:
    """A step by its number alone, for a narrow column (the filter names it in full)."""
    return str(step_by_key(step).number) if step in STEP_KEYS else step


def options(trail: Trail) -> tuple[list[str], list[str], list[str]]:
    """The roles, actions and steps the trail holds: what each filter offers."""
    roles = sorted({e.role for e in trail.entries})
    actions = sorted({e.action for e in trail.entries})
    steps = sorted({e.step for e in trail.entries}, key=_step_order)
    return roles, actions, steps


def _step_order(step: str) -> int:
    return STEP_KEYS.index(step) if step in STEP_KEYS else len(STEP_KEYS)


def change_text(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """What a change changed, value by value: "choice: build → buy; owner: Tom" (a value only
    after was set, a value only before was removed: "title: Old → none")."""
    parts = []
    for key in dict.fromkeys([*before, *after]):
        if key in before:
            parts.append(f"{field_title(key)}: {_value(before[key], key)} \u2192 {_value(after.get(key), key)}")
        else:
            parts.append(f"{field_title(key)}: {_value(after[key], key)}")
    return "; ".join(parts)


def _value(value: Any, field: str = "") -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None or value == [] or value == {}:
        return _("none")
    if isinstance(value, list | tuple):
        return ", ".join(_value(v, field) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value(v)}" for k, v in value.items())
    return value_title(field, value) if isinstance(value, str) else str(value)


def entries_frame(trail: Trail, chosen: Filter = Filter()) -> pd.DataFrame:
    """The entries the filter keeps, in the order they were made, each change in words."""
    rows = [
        (
            numbers.when(e.at, seconds=True),
            via_title(e.via),
            action_title(e.action),
            step_number(e.step),
            subject_title(e.subject),
            change_text(e.before, e.after),
        )
        for e in trail.entries
        if chosen.keeps(e)
    ]
    return pd.DataFrame(rows, columns=list(PAGE_COLUMNS))


def counts_frame(trail: Trail) -> pd.DataFrame:
    """The participants' writes per step and kind, in step order."""
    ordered = sorted(trail.counts, key=lambda c: (_step_order(c.step), c.kind))
    rows = [(step_title(c.step), kind_title(c.kind), c.count) for c in ordered]
    return pd.DataFrame(rows, columns=list(COUNT_COLUMNS))


def to_csv(trail: Trail, lang: str = SOURCE) -> str:
    """The whole trail as one CSV in language `lang` (headings, roles, devices and links, actions;
    the values stay JSON, which a machine reads): every entry, then one row per counted kind of
    participant write (its count in the After column), so an auditor's spreadsheet holds both."""
    with using(lang):
        rows = [
            (
                numbers.when(e.at, seconds=True),
                role_title(e.role),
                via_title(e.via),
                action_title(e.action),
                e.step,
                subject_title(e.subject),
                _json(e.before),
                _json(e.after),
            )
            for e in trail.entries
        ]
        rows += [
            (
                "",
                role_title(PARTICIPANT),
                _(COUNTED_BY),
                _(COUNTED).format(kind=kind_title(c.kind)),
                c.step,
                "",
                "",
                str(c.count),
            )
            for c in trail.counts
        ]
        return csv_text(pd.DataFrame(rows, columns=[_(column) for column in ENTRY_COLUMNS]))


def _json(values: Mapping[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else ""
