"""Fair use: limits per token and per screen answer 429 with Retry-After, far above a real room."""

from __future__ import annotations

import pytest

from tests.test_live import lv, refused  # noqa: F401  (the live-channel fixture)
from workshop.live import fairuse
from workshop.live import routes as live
from workshop.live.fairuse import Bucket, FairUse, Gauge, Limits, screen_key

LIMITS = Limits(
    notes_per_minute=30, votes_per_second=5, writes_per_second=10, polls_per_client=4, polls_per_address=5000
)


def test_a_bucket_allows_its_burst_then_refills_at_its_rate():
    bucket = Bucket(rate=1.0, burst=3)
    assert [bucket.take("t", now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take("t", now=0.0) == pytest.approx(1.0)
    assert bucket.take("t", now=1.0) == 0.0, "one unit back after a second"
    assert bucket.take("other", now=0.0) == 0.0, "each key has its own bucket"


def test_limiters_forget_old_keys(monkeypatch):
    monkeypatch.setattr(fairuse, "MAX_KEYS", 100)
    bucket = Bucket(rate=1.0, burst=2)
    for n in range(5000):
        bucket.take(f"token-{n}", now=0.0)
    assert len(bucket.levels) == 100


def test_a_gauge_counts_open_polls_and_releases_them():
    gauge = Gauge(limit=2)
    assert gauge.enter("a") and gauge.enter("a") and not gauge.enter("a")
    gauge.leave("a")
    assert gauge.enter("a")
    gauge.leave("a")
    gauge.leave("a")
    assert gauge.open == {}


def test_a_real_participant_is_never_limited():
    """A brisk phone: a note every 20 s and a burst of five votes, for ten minutes."""
    fair = FairUse(LIMITS)
    waits = []
    for second in range(600):
        if second % 20 == 0:
            waits.append(fair.write("token", "bottlenecks", now=float(second)))
        if second % 60 == 5:
            waits += [fair.write("token", "votes", now=second + i / 10) for i in range(5)]
    assert not any(waits)


def test_a_thousand_phones_behind_one_address_follow_the_room():
    """A corporate NAT: every phone holds its meta and state long-polls from one address."""
    fair = FairUse(LIMITS)
    assert all(fair.by_address.enter("10.0.0.1") for _ in range(2 * 1000))


def test_the_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WORKSHOP_LIMIT_NOTES_PER_MINUTE", "6")
    monkeypatch.setenv("WORKSHOP_LIMIT_POLLS_PER_CLIENT", "nonsense")
    limits = Limits.from_env()
    assert limits.notes_per_minute == 6 and limits.polls_per_client == 4


def test_one_token_flooding_notes_gets_429_with_retry_after_and_nothing_more_is_written(lv):  # noqa: F811
    statuses = [
        lv.post("bottlenecks", {"token": lv.a.ann, "dimension": "platform", "text": f"Note {n}"}).status_code
        for n in range(40)
    ]
    assert statuses.count(200) == 10 and set(statuses) == {200, 429}, "a burst of 10, then refused"
    response = refused(
        lv, 429, lambda: lv.post("bottlenecks", {"token": lv.a.ann, "dimension": "platform", "text": "One more"})
    )
    assert "wait a moment" in response
    assert int(lv.post("votes", {"token": lv.a.ann, "bottleneck_id": lv.a.b1}).headers.get("Retry-After", "1")) >= 1
    other = lv.post("bottlenecks", {"token": lv.a.bo, "dimension": "platform", "text": "Bo is not limited"})
    assert other.status_code == 200, "the limit is per token"


def test_a_screen_holding_too_many_long_polls_gets_429(lv):  # noqa: F811
    for _ in range(live.FAIR.limits.polls_per_client):
        assert live.FAIR.by_client.enter(screen_key("screen-1", "board"))
    response = lv.client.get(f"/api/live/{lv.a.code}?wait=0&client=screen-1")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert lv.client.get(f"/api/live/{lv.a.code}?wait=0&client=screen-2").status_code == 200


def test_a_long_poll_releases_its_place_when_it_ends(lv):  # noqa: F811
    for _ in range(10):
        assert lv.client.get(f"/api/live/{lv.a.code}/meta?wait=0&client=phone").status_code == 200
    assert live.FAIR.by_client.open == {} and live.FAIR.by_address.open == {}
