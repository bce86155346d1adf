"""Pitfall flags follow the data."""

from tests.helpers import reach
from workshop import actions
from workshop.demo import create_demo
from workshop.domain.pitfalls import pitfalls
from workshop.store.load import load


def test_no_platform_bottleneck_is_flagged(db):
    made = actions.create_workshop(db, "T", "O", "scaleup")
    for text in ("a", "b", "c"):
        actions.add_bottleneck(db, made.code, made.facilitator_token, "product", text)
    assert any("Ignoring platform limits" in p for p in pitfalls(load(db, made.code)))
    actions.add_bottleneck(db, made.code, made.facilitator_token, "platform", "d")
    assert not any("Ignoring platform limits" in p for p in pitfalls(load(db, made.code)))


def test_rewrite_and_early_process_are_flagged(db):
    made = actions.create_workshop(db, "T", "O", "startup")
    b = actions.add_bottleneck(db, made.code, made.facilitator_token, "platform", "slow")
    reach(db, made.code, made.facilitator_key)
    actions.add_initiative(db, made.code, made.facilitator_token, "Rewrite everything from scratch", [b])
    actions.add_initiative(db, made.code, made.facilitator_token, "Approval committee for releases", [b])
    flags = pitfalls(load(db, made.code))
    assert any(f.startswith("Big-bang rewrite") for f in flags)
    assert any(f.startswith("Over-optimising early") for f in flags)


def test_only_build_decisions_are_flagged(db):
    made = actions.create_workshop(db, "T", "O", "scaleup")
    b = actions.add_bottleneck(db, made.code, made.facilitator_token, "platform", "slow")
    reach(db, made.code, made.facilitator_key)
    answers = {"core": "yes", "speed": "balanced", "network": "no", "capability": "yes", "cost": "build"}
    for title in ("One", "Two"):
        i = actions.add_initiative(db, made.code, made.facilitator_token, title, [b])
        actions.record_decision(db, made.code, made.facilitator_key, i, answers, "build", "core")
    assert any(f.startswith("Only build decisions") for f in pitfalls(load(db, made.code)))


def test_the_sample_workshop_raises_no_flag(db):
    made = create_demo(db)
    assert pitfalls(load(db, made.code)) == []
