"""After an erasure, no surface holds the erased data: every audience × every surface of
tests/test_audience.py (the Ship It page, every download, the live state, a phone's own view, the
projector, the audit page, the owner page, the portfolio), read after Zebediah, the sample's first
person, had his data removed with his notes. Another participant's own rows still show, so each
surface is read for real."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import NOW
from tests.test_audience import (
    BEN,
    OWNER,
    PICK_REASON,
    ZEB,
    Room,
    as_text,
    credentials,
    open_page,
    page_text,
    results_room,
)
from workshop import actions
from workshop.actions import portfolio
from workshop.domain import audience, erasure
from workshop.domain.audience import FACILITATOR, LEADER, PUBLIC
from workshop.domain.errors import NotAllowed
from workshop.live import payload as room
from workshop.reports import downloads
from workshop.store.load import load


@pytest.fixture(scope="module")
def erased(tmp_path_factory) -> Iterator[tuple[Room, Path, tuple[str, ...]]]:
    """The sample run to the end, then Zebediah removes his own data, notes and impacts included."""
    path = tmp_path_factory.mktemp("erased") / "erased.db"
    with pytest.MonkeyPatch.context() as mp:
        r = results_room(path, mp)
    zeb = r.ids[ZEB]
    texts = tuple(
        str(t)
        for (t,) in r.db.execute(
            "SELECT text FROM bottlenecks WHERE participant_id = ? UNION SELECT because FROM impacts "
            "WHERE participant_id = ?",
            [zeb, zeb],
        ).fetchall()
    )
    assert texts and PICK_REASON, "Zebediah wrote notes and gave a reason"
    actions.remove_my_data(r.db, r.code, r.tokens[ZEB], delete_notes=True)
    yield r, path, (ZEB, PICK_REASON, *texts)
    r.db.close()


def clean(text: str, gone: tuple[str, ...], where: str) -> None:
    for word in gone:
        assert word not in text, f"{where} still holds {word!r}"


WHO = {"facilitator": FACILITATOR, "leader": LEADER, "public": PUBLIC, "owner": audience.owner(OWNER)}


@pytest.mark.parametrize(("who", "fmt"), [(w, f) for w in (*WHO, BEN) for f in audience.FORMATS])
def test_every_download_for_every_audience(erased, tmp_path, who, fmt):
    r, _, gone = erased
    who_is = r.audience(who) if who == BEN else WHO[who]
    snapshot = load(r.db, r.code)
    if fmt not in audience.downloads(who_is):
        with pytest.raises(NotAllowed):
            downloads.build(snapshot, who_is, fmt, now=NOW)
        return
    text = as_text(fmt, downloads.build(snapshot, who_is, fmt, now=NOW), tmp_path)
    clean(text, gone, f"{who}'s {fmt}")
    if fmt == "json":  # the backup still holds everyone else, and the erasure's own entry
        assert BEN in text and "erase_participant" in text and erasure.ERASED in text


def test_the_live_state_and_every_phone(erased):
    r, _, gone = erased
    clean(json.dumps(room.room_state(load(r.db, r.code, trail=False)), ensure_ascii=False), gone, "the live state")
    mine = json.dumps(room.participant_view(r.db, r.code, r.tokens[BEN]), ensure_ascii=False)
    assert BEN in mine
    clean(mine, gone, "Ben's phone")
    with pytest.raises(NotAllowed):
        room.participant_view(r.db, r.code, r.tokens[ZEB])


@pytest.mark.parametrize(("page", "who"), [("summary.py", w) for w in ("facilitator", "leader", BEN)] + [
    ("audit.py", "facilitator"), ("projector.py", "public")])  # fmt: skip
def test_every_page(erased, monkeypatch, page, who):
    r, path, gone = erased
    at = open_page(path, page, monkeypatch, **credentials(r, who))
    assert not at.exception, [e.message for e in at.exception]
    text = page_text(at)
    assert r.code in text
    clean(text, gone, f"{who}'s {page}")


def test_the_owner_page_and_the_portfolio(erased, monkeypatch):
    r, path, gone = erased
    owner = open_page(path, "owner.py", monkeypatch, ws=r.code, o=r.owner_token or "")
    assert not owner.exception
    clean(page_text(owner), gone, "the owner page")
    key = portfolio.issue_portfolio_key(r.db)
    at = open_page(path, "portfolio.py", monkeypatch)
    at.text_input[0].input(key)
    at.button[0].click()
    at.run()
    assert not at.exception and r.code in page_text(at)
    clean(page_text(at), gone, "the portfolio")
