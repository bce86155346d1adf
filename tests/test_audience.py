"""Every audience × every surface: what each may see of a workshop, and that nothing else leaks.

Two workshops hold planted secrets. In the *private* one the room is in a private brainstorm:
Zebediah and Alice each wrote a note only their own phone may show, and Zebediah answered the
readiness check. The *results* one is the sample, run to the end, in which Zebediah voted, scored,
picked with a reason, offered to own and answered the readiness check. Each surface is read as
its audience gets it: the Ship It page's elements (AppTest), every download's bytes (Markdown,
JSON, PDF as text, XLSX cells, CSV zip, iCalendar), the live channel's room state and a phone's
own view, the projector, the owner page and the portfolio. For each (audience, surface) the test
asserts what must be there (so it can fail) and that no planted secret is: another person's
note during a private brainstorm, a name next to an answer, a pick's reason, a key, a token, a hash.
"""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from tests.helpers import NOW
from tests.test_room import at_step
from workshop import actions, demo
from workshop import store as storage
from workshop.actions import portfolio
from workshop.domain import audience, readiness
from workshop.domain.audience import FACILITATOR, LEADER, PUBLIC, Audience
from workshop.domain.errors import NotAllowed
from workshop.domain.vocabulary import PRODUCT, STEPS
from workshop.live import payload as room
from workshop.reports import downloads
from workshop.reports.summary import summary
from workshop.store.load import load

ROOT = Path(__file__).resolve().parent.parent
ZEB = "Zebediah Quackenbush"
ZEB_NOTE = "Quokka billing cron melts nightly"
ALICE = "Alice Marchbanks"
ALICE_NOTE = "Wombat approvals queue is stuck"
PICK_REASON = demo.PICKS[0][1]  # Zebediah (the sample's first person) gave it with his pick
OWNER = demo.OWNERS[0][0]  # the owner whose link is tested
OTHER_OWNER = demo.OWNERS[1][0]
BEN = "Bertram Oakes"  # the sample's second person, who looks at the results


@dataclass
class Room:
    """A workshop with its credentials, who is looking, and the secrets planted in it."""

    db: Any
    code: str
    key: str
    facilitator_token: str
    tokens: dict[str, str]  # display name -> participant token
    leader: str
    owner_token: str | None = None
    ids: dict[str, int] = field(default_factory=dict)  # display name -> participant id

    def audience(self, who: str) -> Audience:
        if who in self.ids:
            return audience.participant(self.ids[who])
        return {"facilitator": FACILITATOR, "leader": LEADER, "public": PUBLIC}.get(who) or audience.owner(OWNER)

    def secrets(self) -> dict[str, str]:
        """Every credential and every stored hash: no surface may show one."""
        found = {"facilitator key": self.key, "facilitator token": self.facilitator_token, "leader link": self.leader}
        found |= {f"token of {name}": token for name, token in self.tokens.items()}
        if self.owner_token:
            found["owner link"] = self.owner_token
        for table, column in (("workshops", "key_hash"), ("workshops", "leader_hash"), ("participants", "token_hash")):
            for n, (value,) in enumerate(self.db.execute(f"SELECT {column} FROM {table}").fetchall()):
                if value:
                    found[f"{table}.{column}[{n}]"] = value
        for n, (value,) in enumerate(self.db.execute("SELECT token_hash FROM owner_links").fetchall()):
            found[f"owner_links.token_hash[{n}]"] = value
        return found


@pytest.fixture(scope="module")
def paths(tmp_path_factory) -> Iterator[dict[str, Path]]:
    base = tmp_path_factory.mktemp("audience")
    yield {"private": base / "private.db", "results": base / "results.db"}


def _ids(db, code: str, names: list[str]) -> dict[str, int]:
    wid = storage.workshop_by_code(db, code)["id"]
    return {p["name"]: p["id"] for p in storage.participants(db, wid) if p["name"] in names}


def private_room(path: Path) -> Room:
    """Step 1 of a private brainstorm: two notes, each only on its author's phone; a readiness answer."""
    db = storage.connect(path)
    made = actions.create_workshop(
        db, "Quiet brainstorm", "Umbrella Corp", "enterprise", private_brainstorm=True, now=NOW
    )
    tokens = {name: actions.join(db, made.code, name, now=NOW + 1).token for name in (ZEB, ALICE)}
    actions.open_readiness(db, made.code, made.facilitator_key, True)
    actions.answer_readiness(
        db, made.code, tokens[ZEB], [{"key": readiness.STATEMENTS[0].key, "rating": 1}], now=NOW + 2
    )
    actions.start_timer(db, made.code, made.facilitator_key, now=NOW + 3)
    actions.add_bottleneck(db, made.code, tokens[ZEB], PRODUCT, ZEB_NOTE, now=NOW + 4)
    actions.add_bottleneck(db, made.code, tokens[ALICE], PRODUCT, ALICE_NOTE, now=NOW + 5)
    leader = actions.issue_leader_link(db, made.code, made.facilitator_key)
    return Room(
        db,
        made.code,
        made.facilitator_key,
        made.facilitator_token,
        tokens,
        leader,
        ids=_ids(db, made.code, [ZEB, ALICE]),
    )


def results_room(path: Path, monkeypatch: pytest.MonkeyPatch) -> Room:
    """The sample run to the end with Zebediah as its first person (he votes, scores, picks, offers, answers)."""
    db = storage.connect(path)
    tokens: dict[str, str] = {}
    join = actions.join

    def remember(*args: Any, **kwargs: Any) -> Any:
        joined = join(*args, **kwargs)
        tokens[args[2]] = joined.token
        return joined

    monkeypatch.setattr(demo, "PEOPLE", (ZEB, BEN, *demo.PEOPLE[2:]))
    monkeypatch.setattr(actions, "join", remember)
    made = demo.create_demo(db, followup_days=70)
    monkeypatch.undo()
    leader = actions.issue_leader_link(db, made.code, made.facilitator_key)
    owner_token = actions.issue_owner_link(db, made.code, made.facilitator_key, OWNER)
    return Room(
        db,
        made.code,
        made.facilitator_key,
        made.facilitator_token,
        tokens,
        leader,
        owner_token,
        ids=_ids(db, made.code, [ZEB, BEN]),
    )


@pytest.fixture(scope="module")
def rooms(paths) -> Iterator[dict[str, Room]]:
    with pytest.MonkeyPatch.context() as mp:
        made = {"private": private_room(paths["private"]), "results": results_room(paths["results"], mp)}
    yield made
    for r in made.values():
        r.db.close()


# --- what each audience must and must not see, per workshop ------------------------------------

# (workshop, audience) -> texts that must be on every surface the audience gets that carries the
# board (summary page, Markdown, PDF, XLSX, CSV); names the audience's own rows.
MUST: dict[tuple[str, str], tuple[str, ...]] = {
    ("private", "facilitator"): (ZEB_NOTE, ALICE_NOTE),
    ("private", ZEB): (ZEB_NOTE,),
    ("private", ALICE): (ALICE_NOTE,),
    ("private", "leader"): (),
    ("results", "facilitator"): (demo.BOTTLENECKS[0][1],),
    ("results", BEN): (demo.BOTTLENECKS[0][1],),
    ("results", "leader"): (demo.BOTTLENECKS[0][1],),
}
# (workshop, audience) -> planted texts it must never get, on any surface.
MUST_NOT: dict[tuple[str, str], tuple[str, ...]] = {
    ("private", "facilitator"): (),
    ("private", ZEB): (ALICE_NOTE, ALICE),
    ("private", ALICE): (ZEB_NOTE, ZEB),
    ("private", "leader"): (ZEB_NOTE, ALICE_NOTE, ZEB, ALICE),
    ("private", "public"): (ZEB_NOTE, ALICE_NOTE, ZEB, ALICE),
    ("results", "facilitator"): (),
    ("results", BEN): (ZEB, PICK_REASON),
    ("results", "leader"): (ZEB, BEN, PICK_REASON),
    ("results", "public"): (ZEB, BEN, PICK_REASON),
    ("results", "owner"): (ZEB, BEN, PICK_REASON, OTHER_OWNER, demo.BOTTLENECKS[0][1]),
}
SUMMARY_AUDIENCES = [k for k in MUST_NOT if k[1] != "owner"]


def check(r: Room, workshop: str, who: str, text: str, must: tuple[str, ...] = ()) -> None:
    """`text` holds everything in `must` and nothing the audience may not see (nor any secret)."""
    own = {
        f"token of {who}",
        {"facilitator": "facilitator token", "leader": "leader link", "owner": "owner link"}.get(who),
    }
    for label, secret in r.secrets().items():
        if label not in own:
            assert secret not in text, f"{who} sees the {label} ({workshop})"
    for planted in MUST_NOT[(workshop, who)]:
        assert planted not in text, f"{who} sees {planted!r} ({workshop})"
    for needed in must:
        assert needed in text, f"{who} does not see {needed!r} ({workshop})"


# --- the Ship It page ---------------------------------------------------------------------------


def open_page(db_path: Path, page: str, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("WORKSHOP_DB", str(db_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(f"views/{page}")
    return at.run()


def page_text(at: AppTest) -> str:
    """Every element the page sends, as protobuf text (charts' data and tables included), plus cells."""
    out: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    out += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(out)


def credentials(r: Room, who: str) -> dict[str, str]:
    params = {"ws": r.code}
    if who == "facilitator":
        params["p"] = r.facilitator_token
    elif who == "leader":
        params["l"] = r.leader
    elif who in r.tokens:
        params["p"] = r.tokens[who]
    return params


@pytest.mark.parametrize(("workshop", "who"), SUMMARY_AUDIENCES)
def test_summary_page(rooms, paths, monkeypatch, workshop, who):
    r = rooms[workshop]
    at = open_page(paths[workshop], "summary.py", monkeypatch, **credentials(r, who))
    assert not at.exception, [e.message for e in at.exception]
    text = page_text(at)
    check(r, workshop, who, text, MUST.get((workshop, who), ()))
    offered = {b.proto.label for b in at.get("download_button")}
    assert offered == {downloads.FILES[f].label for f in audience.downloads(r.audience(who))}


@pytest.mark.parametrize(("workshop", "who"), SUMMARY_AUDIENCES)
def test_audit_page(rooms, paths, monkeypatch, workshop, who):
    """The trail's console page: the facilitator's entries and counts; for anyone else one line."""
    r = rooms[workshop]
    at = open_page(paths[workshop], "audit.py", monkeypatch, **credentials(r, who))
    assert not at.exception, [e.message for e in at.exception]
    text = page_text(at)
    check(r, workshop, who, text)
    if who == "facilitator":
        assert all(mark in text for mark in ("facilitator key", "leader link", "issue the leader link", "Joining"))
        assert {b.proto.label for b in at.get("download_button")} == {downloads.FILES["audit"].label}
    else:
        [line] = [i.value for i in at.info]
        assert line.startswith("The audit trail is the facilitator's")
        assert "issue the leader link" not in text and "create the workshop" not in text
        assert not at.dataframe and not at.get("download_button")


@pytest.mark.parametrize("link", ["none", "revoked leader link", "owner link"])
def test_summary_without_a_credential_shows_one_line(rooms, paths, monkeypatch, link):
    """Finding 4: no title, organisation, stage or status for the join code alone."""
    r = rooms["results"]
    params = {"ws": r.code}
    if link == "revoked leader link":
        stale = actions.issue_leader_link(r.db, r.code, r.key)
        r.leader = actions.issue_leader_link(r.db, r.code, r.key)  # the first one stops working
        params["l"] = stale
    elif link == "owner link":
        params["o"] = r.owner_token or ""
    at = open_page(paths["results"], "summary.py", monkeypatch, **params)
    assert not at.exception
    head = load(r.db, r.code).workshop
    text = page_text(at)
    for fact in (head["title"], head["organisation"], "Scale-up", "ended", "Checklist", "Downloads"):
        assert fact not in text, fact
    said = [e.value for e in (*at.info, *at.warning, *at.markdown, *at.caption, *at.title)]
    assert any("link" in line for line in said) and len(said) <= 2, said
    check(r, "results", "public", text)


# --- every download --------------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "file.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        "\t".join("" if c is None else str(c) for c in row)
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
    )


def csv_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(name).decode("utf-8") for name in z.namelist())


def as_text(fmt: str, data: str | bytes, tmp_path: Path) -> str:
    if fmt == "pdf":
        assert isinstance(data, bytes)
        return pdf_text(data, tmp_path)
    if fmt == "xlsx":
        assert isinstance(data, bytes)
        return xlsx_text(data)
    if fmt == "csv":
        assert isinstance(data, bytes)
        return csv_text(data)
    return data if isinstance(data, str) else data.decode("utf-8")


DOWNLOAD_CASES = [(w, who, fmt) for (w, who) in MUST_NOT for fmt in audience.FORMATS]


@pytest.mark.parametrize(("workshop", "who", "fmt"), DOWNLOAD_CASES)
def test_download(rooms, tmp_path, workshop, who, fmt):
    r = rooms[workshop]
    who_is = r.audience(who)
    snapshot = load(r.db, r.code)
    if fmt not in audience.downloads(who_is):
        with pytest.raises(NotAllowed):
            downloads.build(snapshot, who_is, fmt, now=NOW)
        return
    text = as_text(fmt, downloads.build(snapshot, who_is, fmt, now=NOW), tmp_path)
    must = MUST.get((workshop, who), ()) if fmt in ("md", "pdf", "xlsx", "csv", "json") else ()
    if fmt == "json" and who == "facilitator":  # the backup: every row with who gave it, and the trail
        must = (*must, *((ZEB, ALICE, ZEB_NOTE, ALICE_NOTE) if workshop == "private" else (ZEB, PICK_REASON)))
        must = (*must, *TRAIL_MARKS)
    if fmt == "audit":  # the trail: who changed what, never a secret (checked below like every file)
        must = CSV_TRAIL_MARKS
    if fmt in ("xlsx", "csv") and who in r.ids:  # a participant's own rows carry their own name
        must = (*must, who)
    check(r, workshop, who, text, must)


# What every trail of these two rooms holds: the leader link was issued in both, by the key.
TRAIL_MARKS = ("issue_leader_link", "facilitator key", "leader link")
CSV_TRAIL_MARKS = ("issue the leader link", "facilitator key", "leader link")  # the CSV names the action


def test_the_backup_is_the_facilitators_alone():
    assert "json" in audience.downloads(FACILITATOR)
    for who in (LEADER, PUBLIC, audience.participant(1), audience.owner("x")):
        assert "json" not in audience.downloads(who)
    assert audience.downloads(PUBLIC) == ()


@pytest.mark.parametrize(("workshop", "who"), list(MUST_NOT))
def test_the_audit_trail_is_the_facilitators_alone(rooms, workshop, who):
    """Only the facilitator's view carries the trail, and only the facilitator is offered its CSV;
    the live channel's state, built from the public view, never holds an entry."""
    r = rooms[workshop]
    who_is = r.audience(who)
    snapshot = load(r.db, r.code)
    shown = audience.view(snapshot, who_is).trail
    assert audience.sees_trail(who_is) == (who == "facilitator") == ("audit" in audience.downloads(who_is))
    if who == "facilitator":
        assert shown == snapshot.trail and shown is not None and shown.entries
    else:
        assert shown is None
    state = json.dumps(room.room_state(load(r.db, r.code, trail=False)), ensure_ascii=False)
    assert not any(mark in state for mark in TRAIL_MARKS[:1])


@pytest.mark.parametrize(("who", "rows"), [("facilitator", 24), (BEN, 6), ("leader", 0)])
def test_the_scores_sheet_holds_only_the_viewers_own_rows(rooms, who, rows):
    """Finding 2: no one's scores but one's own leave in a spreadsheet, with or without a name."""
    r = rooms["results"]
    data = downloads.build(load(r.db, r.code), r.audience(who), "xlsx", now=NOW)
    assert isinstance(data, bytes)
    sheet = load_workbook(io.BytesIO(data), read_only=True)["Scores"]
    assert sheet.max_row - 1 == rows


def test_a_private_board_counts_every_note_for_everyone(rooms):
    """Finding 1: a participant's summary holds their own note and the room's count, no other note."""
    r = rooms["private"]
    for who in (ZEB, ALICE, "leader"):
        s = summary(audience.view(load(r.db, r.code), r.audience(who)), NOW)
        assert sum(b.total for b in s.boards) == 2
        assert len([n for b in s.boards for n in b.notes]) == (1 if who in r.ids else 0)


# --- the live channel ----------------------------------------------------------------------------


@pytest.mark.parametrize("workshop", ["private", "results"])
def test_live_state_is_the_public_view(rooms, workshop):
    r = rooms[workshop]
    snapshot = load(r.db, r.code)
    # The ended room's answer as it would read on every step: the board's own step carries every
    # note. (A private board stays private on step 1 only; leaving the step reveals it.)
    steps = [snapshot.current_step] if workshop == "private" else STEPS
    for step in steps:
        state = room.room_state(at_step(snapshot, step.key))
        text = json.dumps(state, ensure_ascii=False)
        check(r, workshop, "public", text)
        assert '"by"' not in text and '"participant_id"' not in text  # no one is joined to what they gave
        if workshop == "private":
            assert state["count"] == 2 and not any(state["board"].values())
        elif step == STEPS[0]:
            assert state["board"]["product"] and state["progress"]["people"] == len(demo.PEOPLE)


@pytest.mark.parametrize(("workshop", "who"), [("private", ZEB), ("private", ALICE), ("results", BEN)])
def test_a_phones_own_view(rooms, workshop, who):
    r = rooms[workshop]
    me = room.participant_view(r.db, r.code, r.tokens[who])
    text = json.dumps(me, ensure_ascii=False)
    check(r, workshop, who, text, MUST.get((workshop, who), ()) if workshop == "private" else (who,))


# --- the projector, the owner page, the portfolio ------------------------------------------------


@pytest.mark.parametrize("workshop", ["private", "results"])
def test_projector(rooms, paths, monkeypatch, workshop):
    r = rooms[workshop]
    at = open_page(paths[workshop], "projector.py", monkeypatch, ws=r.code)
    assert not at.exception
    text = page_text(at)
    check(r, workshop, "public", text, (r.code,))


def test_owner_page(rooms, paths, monkeypatch):
    r = rooms["results"]
    at = open_page(paths["results"], "owner.py", monkeypatch, ws=r.code, o=r.owner_token or "")
    assert not at.exception
    text = page_text(at) + "\n".join(str(c) for t in at.table for c in t.value.to_numpy().flatten())
    check(r, "results", "owner", text, (OWNER.split()[0], demo.PLAN[0][0]))


def test_owner_view_holds_only_their_initiatives(rooms):
    r = rooms["results"]
    shown = audience.view(load(r.db, r.code), audience.owner(OWNER))
    assert {i.owner["owner"] for i in shown.initiatives if i.owner} == {OWNER}
    assert not (shown.participants or shown.bottlenecks or shown.votes or shown.scores or shown.readiness_rows)


def test_portfolio(rooms, paths, monkeypatch):
    r = rooms["results"]
    key = portfolio.issue_portfolio_key(r.db)
    at = open_page(paths["results"], "portfolio.py", monkeypatch)
    at.text_input[0].input(key)
    at.button[0].click()
    at.run()
    assert not at.exception
    text = page_text(at)
    check(r, "results", "public", text.replace(key, ""), (OWNER.split()[0],))


@pytest.mark.parametrize(("workshop", "who"), [("private", ZEB), ("results", BEN), ("results", ZEB)])
def test_a_phones_own_view_is_what_its_view_adds(rooms, workshop, who):
    """`me` reads the participant's own rows directly (it answers every write); they are exactly the
    rows the participant's view holds beyond the public one."""
    r = rooms[workshop]
    me = room.participant_view(r.db, r.code, r.tokens[who])
    shown = audience.view(load(r.db, r.code), r.audience(who))
    assert {int(k): v for k, v in me["scores"].items()} == {
        s["initiative_id"]: {c: s[c] for c in ("value", "effort", "urgency", "confidence")} for s in shown.scores
    }
    assert {int(k): v["choice"] for k, v in me["picks"].items()} == {
        i.id: p["choice"] for i in shown.initiatives for p in i.picks
    }
    assert sorted(me["volunteered"]) == sorted(i.id for i in shown.initiatives if i.volunteer_ids)
    assert me["readiness"].keys() == {a["question"] for a in shown.readiness_rows}
    assert me["impacts"] == sorted(i["id"] for i in shown.impacts if i["participant_id"] is not None)
    assert sum(me["votes"].values()) == len(shown.votes)
    assert [n["text"] for n in me["mine"]] == ([b["text"] for b in shown.bottlenecks] if shown.private else [])


def test_the_sidebar_lists_no_dead_ends_for_a_leader_and_every_step_for_the_facilitator():
    from workshop.domain.audience import FACILITATOR, LEADER, PUBLIC, owner, participant, places

    assert places(LEADER) == ("summary",)
    assert "steps" in places(FACILITATOR) and "room" not in places(FACILITATOR)
    assert "steps" not in places(participant(1)) and "room" in places(participant(1))
    assert places(owner("Ann")) == () and "summary" not in places(PUBLIC)


def test_the_join_page_shows_only_the_title_and_how_to_join(db):
    """The code on the wall names the workshop (the projector does too), nothing of its content."""
    made = actions.create_workshop(db, "Scaling the delivery engine", "Northwind Analytics", "scaleup", anonymous=True)
    preview = actions.join_preview(db, made.code.lower())
    assert preview == audience.Joining("Scaling the delivery engine", anonymous=True, ended=False)
    assert "Northwind" not in repr(preview)
    actions.end_workshop(db, made.code, made.facilitator_key, from_step="bottlenecks")
    assert actions.join_preview(db, made.code) == audience.Joining("Scaling the delivery engine", True, True)
    assert actions.join_preview(db, "NOPE00") is None and actions.join_preview(db, "") is None
