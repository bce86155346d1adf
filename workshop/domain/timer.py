"""Step timers as data: a stored deadline and pure functions of `now`.

Every screen computes "time left" from the same stored record and its own clock, so a
projector and a phone agree without talking to each other, and tests pass `now` in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from workshop.domain.language import N_

TimerStateName = Literal["pending", "running", "paused", "done"]
STATE_TITLES: dict[str, str] = {  # a clock's state as people read it (the audit trail's "clock")
    "pending": N_("not started"),
    "running": N_("running"),
    "paused": N_("paused"),
    "done": N_("time is up"),
}


@dataclass(frozen=True)
class Timer:
    """The stored timer of one step (seconds; `deadline`/`run_started` are epoch seconds)."""

    step_key: str
    minutes: int
    state: TimerStateName = "pending"
    deadline: float | None = None
    remaining: float = 0.0
    spent: float = 0.0
    run_started: float | None = None

    @classmethod
    def fresh(cls, step_key: str, minutes: int) -> Timer:
        """A timer that has not run yet, holding the full planned duration."""
        return cls(step_key=step_key, minutes=minutes, remaining=minutes * 60.0)


def time_left(timer: Timer, now: float) -> float:
    """Seconds left; negative once a running step is in overtime."""
    if timer.state == "running" and timer.deadline is not None:
        return timer.deadline - now
    if timer.state == "done":
        return 0.0
    return timer.remaining


def time_spent(timer: Timer, now: float) -> float:
    """Seconds this step has actually run, overtime included."""
    if timer.state == "running" and timer.run_started is not None:
        return timer.spent + max(0.0, now - timer.run_started)
    return timer.spent


def start(timer: Timer, now: float) -> Timer:
    """Run the timer from what is left (a no-op when already running)."""
    if timer.state == "running":
        return timer
    return replace(timer, state="running", deadline=now + timer.remaining, run_started=now)


def pause(timer: Timer, now: float) -> Timer:
    """Freeze the time left and bank the time spent."""
    if timer.state != "running":
        return timer
    return replace(
        timer,
        state="paused",
        remaining=time_left(timer, now),
        spent=time_spent(timer, now),
        deadline=None,
        run_started=None,
    )


def extend(timer: Timer, seconds: float, now: float) -> Timer:
    """Add (or with a negative value, remove) time; overtime becomes time left again."""
    if timer.state == "running" and timer.deadline is not None:
        return replace(timer, deadline=max(now, timer.deadline + seconds))
    return replace(
        timer, state="paused" if timer.state == "done" else timer.state, remaining=max(0.0, timer.remaining + seconds)
    )


def finish(timer: Timer, now: float) -> Timer:
    """Close the step when the room moves on, keeping the time spent and what was left."""
    paused = pause(timer, now)
    return replace(paused, state="done")


def reopen(timer: Timer) -> Timer:
    """Make a finished step resumable when the facilitator goes back to it."""
    if timer.state != "done":
        return timer
    return replace(timer, state="paused")


def format_clock(seconds: float) -> str:
    """mm:ss for time left, with a leading minus sign in overtime."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds) + (0 if seconds < 0 else 0.999))
    return f"{sign}{total // 60:02d}:{total % 60:02d}"
