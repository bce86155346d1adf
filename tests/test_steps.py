"""The single definition of steps, dimensions, stages and outcomes."""

from __future__ import annotations

import pytest

from workshop.domain import vocabulary as steps


def test_five_steps_numbered_in_order():
    assert [s.number for s in steps.STEPS] == [1, 2, 3, 4, 5]
    assert steps.STEP_KEYS == ("bottlenecks", "impact", "prioritise", "decide", "owners")


def test_total_is_ninety_minutes():
    assert steps.TOTAL_MINUTES == 90
    assert sum(s.minutes for s in steps.STEPS) == steps.TOTAL_MINUTES


@pytest.mark.parametrize("step", steps.STEPS, ids=lambda s: s.key)
def test_every_step_is_complete_and_found_by_key(step):
    assert step.title and step.goal and step.guidance
    assert step.minutes > 0
    assert steps.step_by_key(step.key) is step


@pytest.mark.parametrize(
    "lookup", [steps.step_by_key, steps.dimension_by_key, steps.stage_by_key, steps.outcome_by_key]
)
def test_unknown_keys_are_a_programming_error(lookup):
    with pytest.raises(KeyError):
        lookup("no-such-key")


def test_dimensions():
    assert steps.DIMENSION_KEYS == ("product", "platform", "organisation")
    for dimension in steps.DIMENSIONS:
        assert steps.dimension_by_key(dimension.key) is dimension
        assert dimension.prompts and all(p.strip() for p in dimension.prompts)


@pytest.mark.parametrize("stage", steps.STAGES, ids=lambda s: s.key)
def test_every_stage_advises_on_every_step(stage):
    assert set(stage.advice) == set(steps.STEP_KEYS)
    assert all(text.strip() for text in stage.advice.values())
    assert steps.stage_by_key(stage.key) is stage


def test_keys_are_unique():
    for keys in (steps.STEP_KEYS, steps.DIMENSION_KEYS, steps.STAGE_KEYS, steps.OUTCOME_KEYS):
        assert len(set(keys)) == len(keys)


def test_outcomes_have_units_and_groups():
    for outcome in steps.OUTCOMES:
        assert outcome.title and outcome.group and outcome.unit
        assert steps.outcome_by_key(outcome.key) is outcome
