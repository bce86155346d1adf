"""Step timers: pure functions of the stored record and `now`."""

from __future__ import annotations

import pytest

from workshop.domain import timer
from workshop.domain.timer import Timer
from workshop.domain.vocabulary import STEPS

T0 = 1_750_000_000.0

every_step = pytest.mark.parametrize("step", STEPS, ids=lambda s: s.key)


def fresh(step) -> Timer:
    return Timer.fresh(step.key, step.minutes)


@every_step
def test_fresh_timer_holds_the_planned_time(step):
    t = fresh(step)
    assert t.state == "pending"
    assert timer.time_left(t, T0) == step.minutes * 60
    assert timer.time_spent(t, T0) == 0
    assert timer.format_clock(timer.time_left(t, T0)) == f"{step.minutes:02d}:00"


@every_step
def test_start_counts_down(step):
    t = timer.start(fresh(step), T0)
    assert t.state == "running"
    assert t.deadline == T0 + step.minutes * 60
    assert timer.time_left(t, T0 + 90) == step.minutes * 60 - 90
    assert timer.time_spent(t, T0 + 90) == 90


@every_step
def test_start_is_a_no_op_while_running(step):
    t = timer.start(fresh(step), T0)
    assert timer.start(t, T0 + 100) == t


@every_step
def test_pause_freezes_time_left_and_banks_time_spent(step):
    t = timer.pause(timer.start(fresh(step), T0), T0 + 120)
    assert t.state == "paused"
    assert t.deadline is None and t.run_started is None
    for later in (T0 + 120, T0 + 5000):
        assert timer.time_left(t, later) == step.minutes * 60 - 120
        assert timer.time_spent(t, later) == 120
    assert timer.pause(t, T0 + 9999) == t  # pausing a paused timer changes nothing


@every_step
def test_resume_continues_from_what_was_left(step):
    t = timer.pause(timer.start(fresh(step), T0), T0 + 60)
    t = timer.start(t, T0 + 1000)
    assert timer.time_left(t, T0 + 1030) == step.minutes * 60 - 90
    assert timer.time_spent(t, T0 + 1030) == 90


@every_step
def test_overtime_is_negative_and_keeps_counting(step):
    planned = step.minutes * 60
    t = timer.start(fresh(step), T0)
    assert timer.time_left(t, T0 + planned) == 0
    assert timer.time_left(t, T0 + planned + 75) == -75
    assert timer.time_spent(t, T0 + planned + 75) == planned + 75
    assert timer.format_clock(timer.time_left(t, T0 + planned + 75)) == "-01:15"


@every_step
def test_extend_running_moves_the_deadline(step):
    t = timer.start(fresh(step), T0)
    longer = timer.extend(t, 120, T0 + 10)
    assert timer.time_left(longer, T0 + 10) == step.minutes * 60 - 10 + 120
    shorter = timer.extend(t, -60, T0 + 10)
    assert timer.time_left(shorter, T0 + 10) == step.minutes * 60 - 10 - 60


@every_step
def test_extend_cannot_push_the_deadline_into_the_past(step):
    t = timer.start(fresh(step), T0)
    cut = timer.extend(t, -10_000 * 60, T0 + 10)
    assert timer.time_left(cut, T0 + 10) == 0


@every_step
def test_extend_in_overtime_gives_time_left_again(step):
    planned = step.minutes * 60
    t = timer.start(fresh(step), T0)
    now = T0 + planned + 60  # one minute over
    assert timer.time_left(t, now) == -60
    t = timer.extend(t, 180, now)
    assert timer.time_left(t, now) == 120


@every_step
def test_extend_paused_and_pending_adds_to_remaining(step):
    pending = timer.extend(fresh(step), 60, T0)
    assert pending.state == "pending"
    assert timer.time_left(pending, T0) == step.minutes * 60 + 60
    paused = timer.pause(timer.start(fresh(step), T0), T0 + 30)
    paused = timer.extend(paused, -10_000, T0 + 40)
    assert paused.remaining == 0 and paused.state == "paused"


@every_step
def test_finish_keeps_spent_and_what_was_left(step):
    t = timer.finish(timer.start(fresh(step), T0), T0 + 200)
    assert t.state == "done"
    assert timer.time_left(t, T0 + 500) == 0
    assert t.remaining == step.minutes * 60 - 200
    assert timer.time_spent(t, T0 + 500) == 200


@every_step
def test_finish_a_step_that_never_ran(step):
    t = timer.finish(fresh(step), T0)
    assert t.state == "done"
    assert timer.time_spent(t, T0 + 100) == 0
    assert t.remaining == step.minutes * 60


@every_step
def test_reopen_makes_a_finished_step_resumable(step):
    done = timer.finish(timer.start(fresh(step), T0), T0 + 200)
    reopened = timer.reopen(done)
    assert reopened.state == "paused"
    assert timer.time_left(reopened, T0 + 999) == step.minutes * 60 - 200
    resumed = timer.start(reopened, T0 + 1000)
    assert timer.time_left(resumed, T0 + 1100) == step.minutes * 60 - 300
    assert timer.time_spent(resumed, T0 + 1100) == 300


@every_step
def test_reopen_leaves_other_states_alone(step):
    pending = fresh(step)
    running = timer.start(pending, T0)
    assert timer.reopen(pending) == pending
    assert timer.reopen(running) == running


@every_step
def test_extend_a_finished_step_reopens_it_paused(step):
    done = timer.finish(timer.start(fresh(step), T0), T0 + step.minutes * 60)
    assert done.remaining == 0
    t = timer.extend(done, 300, T0 + step.minutes * 60 + 5)
    assert t.state == "paused"
    assert timer.time_left(t, T0) == 300


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "00:00"),
        (59, "00:59"),
        (59.2, "01:00"),  # time left rounds up: the room never sees 00:00 while time remains
        (60, "01:00"),
        (61, "01:01"),
        (1200, "20:00"),
        (5999, "99:59"),
        (7200, "120:00"),
        (-1, "-00:01"),
        (-59, "-00:59"),
        (-60, "-01:00"),
        (-61.7, "-01:01"),
        (-3600, "-60:00"),
    ],
)
def test_format_clock(seconds, text):
    assert timer.format_clock(seconds) == text
