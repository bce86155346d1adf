"""The Ship It summary model that the Markdown, the PDF and the summary page all render."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from tests.helpers import NOW, reach
from workshop import actions
from workshop import store as storage
from workshop.backup import export
from workshop.demo import create_demo
from workshop.domain import numbers
from workshop.domain import snapshot as state
from workshop.domain.text import md_escape
from workshop.reports import sheets as reports
from workshop.reports import summary
from workshop.reports.markdown import markdown
from workshop.reports.pdf import to_pdf
from workshop.reports.summary import HEADINGS
from workshop.store.load import load


@pytest.fixture
def followed(db):
    """The sample held 70 days before NOW, with its owners' check-ins since."""
    made = create_demo(db, now=NOW, followup_days=70)
    return load(db, made.code)


@pytest.fixture
def overruled_room(db) -> tuple[actions.Created, int]:
    """One initiative whose team overruled the questionnaire's recommendation: the workshop and its id."""
    made = actions.create_workshop(db, "Offsite", "Acme", "startup", now=NOW)
    token = actions.join(db, made.code, "Ann", now=NOW).token
    bottleneck = actions.add_bottleneck(db, made.code, token, "platform", "Slow deploys", now=NOW)
    reach(db, made.code, made.facilitator_key)
    item = actions.add_initiative(db, made.code, token, "Build a deploy pipeline", [bottleneck], now=NOW)
    answers = {"core": "no", "speed": "speed", "network": "no", "capability": "yes", "cost": "buy"}
    actions.record_decision(db, made.code, made.facilitator_key, item, answers, "build", "We like building.", now=NOW)
    return made, item


@pytest.fixture
def overruled(db, overruled_room):
    return load(db, overruled_room[0].code)


def test_every_section_is_present_for_the_sample(followed):
    s = summary.summary(followed, NOW)
    assert s.head.title == followed.workshop["title"] and s.head.status == "ended"
    assert s.head.participants == 6 and s.head.exported == summary.when(NOW)
    assert [i.key for i in s.checklist] == ["priorities", "sequencing", "decisions", "owners", "observability"]
    assert [b.title for b in s.boards] == ["Product", "Platform", "Organisation"]
    assert all(0 < len(b.notes) <= summary.TOP_BOTTLENECKS and b.total >= len(b.notes) for b in s.boards)
    assert s.impacts and s.plan and s.decisions and s.owners and s.follow and s.checkins
    assert [r.number for r in s.steps] == [1, 2, 3, 4, 5]
    assert set(s.figures) == {"impacts", "plan", "followup", "steps", "readiness"}
    assert set(HEADINGS) == {
        "checklist",
        "open",
        "readiness",
        "bottlenecks",
        "impacts",
        "plan",
        "decisions",
        "owners",
        "followup",
        "steps",
    }


def test_an_empty_workshop_has_only_the_time_chart_and_every_item_open_with_its_reason(db, workshop):
    s = summary.summary(load(db, workshop.code), NOW)
    assert set(s.figures) == {"steps"}
    assert not (s.impacts or s.plan or s.decisions or s.owners or s.follow or s.checkins)
    assert s.open_items == s.checklist and s.done == 0
    assert all(item.reason for item in s.open_items)
    md = markdown(load(db, workshop.code), NOW)
    open_part = md.split("## Open items")[1].split("##")[0]
    for item in s.open_items:
        assert f"- {item.title}: " in open_part


def test_the_readiness_check_is_summarised_with_the_number_formats(followed):
    r = summary.summary(followed, NOW).readiness
    assert r is not None and (r.respondents, r.people) == (6, 6)
    assert [x.title for x in r.signals] == [
        "Clear demand",
        "Repeatable acquisition",
        "Unit economics",
        "Operational strain",
    ]
    demand = r.signals[0]
    assert (demand.level, demand.median, demand.spread, demand.answers) == ("Strong, measured", "3", "0.75", 6)
    # Each figure says what it measures, and the spread is said in words, not as a bare number.
    assert demand.figure == "growth 7.5 % a month (median of 4 figures)"
    assert r.signals[2].figure == "LTV:CAC 3.4 (median of 3 figures)"
    assert demand.agreement == "the room agrees" and all(x.agreement for x in r.signals)
    assert [(a.title, a.score, a.weakest) for a in r.areas][-1] == ("Standards & Practices", "21/100", True)
    assert r.weakest == ("Standards & Practices", "Ecosystem")
    assert r.weakest_text == "Standards & Practices (21/100) and Ecosystem (33/100)"
    assert r.dimension_order == ("Platform", "Organisation", "Product") and r.pitfalls == ()
    assert r.note and r.note.startswith("The check suggests the signals to scale are backed by data")
    md = markdown(followed, NOW)
    section = md.split("## Are we ready to scale?")[1].split("\n## ")[0]
    assert "6 of 6 participants answered." in section and r.weakest_text in section
    assert (
        "| Clear demand | Strong, measured | the room agrees | 6 | growth 7.5 % a month (median of 4 figures) |"
        in section
    )
    assert "| Unit economics |" in section and "LTV:CAC 3.4 (median of 3 figures) |" in section
    assert "| Standards & Practices | 21/100 | 6 |" in section


def test_a_workshop_without_answers_has_no_readiness_block(db, workshop):
    snapshot = load(db, workshop.code)
    assert summary.summary(snapshot, NOW).readiness is None
    assert "- Nobody answered the readiness check." in markdown(snapshot, NOW)


def test_open_items_are_exactly_the_items_not_done(overruled):
    s = summary.summary(overruled, NOW)
    assert s.open_items == tuple(i for i in s.checklist if not i.done)
    assert {i.key for i in s.open_items} >= {"owners", "observability"}
    assert all(i.reason for i in s.open_items)


def test_the_plan_table_is_in_plan_order_with_figures_from_numbers(followed):
    s = summary.summary(followed, NOW)
    assert [r.title for r in s.plan] == [i.title for i in followed.plan]
    for row, item in zip(s.plan, followed.plan):
        a = item.aggregate
        assert a is not None
        priority = a.priority(followed.method)
        assert row.figures == (
            numbers.measure(a.value),
            numbers.measure(a.effort),
            numbers.measure(a.urgency),
            numbers.percent(a.confidence),
            numbers.priority(priority),
        )
        assert row.priority_value == numbers.priority_value(priority)
        assert row.sequence == item.position and row.rank == item.rank
        assert row.disputed == tuple(a.disputed)
    assert s.method == "ROI" and "confidence" in s.formula


def test_the_plan_table_is_built_once_per_output(followed, monkeypatch):
    calls = []
    original = summary.plan_row

    def counting(*args, **kwargs):
        calls.append(args[0].id)
        return original(*args, **kwargs)

    monkeypatch.setattr(summary, "plan_row", counting)
    md = markdown(followed, NOW)
    assert calls == [i.id for i in followed.plan]
    for row in summary.summary(followed, NOW).plan:  # the Markdown writes the model's rows as they are
        cells = [row.sequence_text, str(row.rank), md_escape(row.title), row.dimensions, *row.figures]
        assert "| " + " | ".join(cells) + " |" in md


def test_an_unscored_initiative_shows_missing_figures(overruled):
    (row,) = summary.summary(overruled, NOW).plan
    assert row.figures == (numbers.MISSING,) * 5 and row.priority_value is None and row.urgency_value is None


def test_decisions_keep_the_rationale_and_flag_an_overrule(overruled, followed):
    (d,) = summary.summary(overruled, NOW).decisions
    assert (d.choice, d.recommendation, d.overruled, d.rationale) == ("Build", "Buy", True, "We like building.")
    assert len(d.answers) == 5 and all(question and answer for question, answer in d.answers)
    assert d.risks and "commodity" in d.risks[0]  # building what the answers call a commodity
    assert not any(d.overruled for d in summary.summary(followed, NOW).decisions)
    (row,) = summary.summary(overruled, NOW).plan
    assert row.overruled is True and row.decision == "Build"


def test_a_decision_whose_guide_moved_since_says_so_on_every_surface(db, overruled_room, tmp_path):
    """Decided Build against Buy; then an answer changes and the guide says Partner. No surface
    may still call it an overrule of Buy as if the guide said so today."""
    from tests.test_reports import pdf_text
    from workshop.live import payload as room

    made, item = overruled_room
    code = made.code
    actions.answer_question(db, code, made.facilitator_key, item, "network", "yes")
    moved = load(db, code)
    line = "decided Build when the guide said Buy; the guide now says Partner"
    md = markdown(moved, NOW)
    assert "overrules the recommendation" not in md and f"Build ({line})" in md
    pdf = pdf_text(to_pdf(moved, NOW))
    assert "overrules the recommendation" not in pdf and line in pdf
    (d,) = summary.summary(moved, NOW).decisions
    assert (d.note, d.moved, d.overruled) == (line, True, True)
    assert list(reports.decisions_table(moved)["Against the guide"]) == [line]
    assert [r.against_guide for r in summary.summary(moved, NOW).plan if r.decision] == [line], "the plan table"
    (shared,) = [i for i in room.room_state(moved)["initiatives"] if i["id"] == item]
    assert shared["decision"]["note"] == line and shared["decision"]["recommendation"] == "buy"
    restored = storage.connect(tmp_path / "restored.db")
    again, _ = export.import_document(restored, export.export_json(db, code, now=NOW))
    assert summary.summary(load(restored, again), NOW).decisions[0].note == line, "the backup keeps both"
    restored.close()


def test_a_followed_decision_whose_guide_moved_is_not_called_an_overrule(db, overruled_room):
    made, item = overruled_room
    code, key = made.code, made.facilitator_key
    answers = {"core": "no", "speed": "speed", "network": "no", "capability": "yes", "cost": "buy"}
    actions.record_decision(db, code, key, item, answers, None, "Commodity.", now=NOW)
    assert summary.summary(load(db, code), NOW).decisions[0].note == "as recommended"
    actions.answer_question(db, code, key, item, "network", "yes")
    (d,) = summary.summary(load(db, code), NOW).decisions
    assert (d.note, d.overruled) == ("decided Buy as the guide said; the guide now says Partner", False)


def test_follow_through_rows_use_the_number_formats_and_flag_overdue_check_ins(followed):
    s = summary.summary(followed, NOW)
    assert s.today == date.fromtimestamp(NOW)
    for row, t in zip(s.follow, s.tracks, strict=True):
        assert row.progress == numbers.share(t.progress) and row.value == numbers.measure(t.value)
        assert row.overdue_days == t.days_overdue(s.today)
        assert bool(row.overdue_text) == t.overdue(s.today)
    overdue = [r for r in s.follow if r.overdue_text]
    assert [r.overdue_text for r in overdue] == ["7 days"] and s.follow_counts["overdue"] == 1
    assert len(s.checkins) == sum(len(t.checkins) for t in s.tracks)


def test_impacts_and_steps(followed):
    s = summary.summary(followed, NOW)
    assert [i.money_text for i in s.impacts] == [numbers.money_short(i["money"]) for i in followed.impacts]
    severe = s.most_severe_impacts(3)
    assert [i.magnitude for i in severe] == sorted((i.magnitude for i in s.impacts), reverse=True)[:3]
    assert s.planned_total == numbers.measure(sum(r.planned_min for r in s.steps)) == "90"


def test_the_spreadsheets_checklist_and_follow_through_are_the_models(followed):
    s = summary.summary(followed, NOW)
    sheets = reports.tables(followed, NOW)
    assert list(sheets["checklist"]["Reason"]) == [i.reason for i in s.checklist]
    assert list(sheets["followup"]["Initiative"]) == [r.title for r in s.follow]


def test_the_model_never_imports_streamlit():
    code = "import sys, workshop.reports.summary; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def reviewed(db) -> tuple[state.Snapshot, state.Snapshot]:
    """The sample held 70 days before NOW and a later workshop that carried, finished and dropped
    three of its commitments (with a reason that looks like Markdown)."""
    earlier = create_demo(db, now=NOW, followup_days=70)
    later = actions.create_workshop(
        db, "Next quarter", "Northwind Analytics", "scaleup", now=NOW + 60, review_minutes=10
    )
    for item, outcome in zip(load(db, later.code).commitments, ("carry", "done", "drop")):
        actions.review_commitment(db, later.code, later.facilitator_key, item.initiative_id, outcome, "**Why** <b>")
    return load(db, earlier.code), load(db, later.code)


def test_follow_rows_say_where_a_commitment_came_from_and_how_a_later_workshop_ended_it(db):
    earlier, later = reviewed(db)
    rows = {r.title: r for r in summary.summary(earlier, NOW).follow}
    concluded = [r for r in rows.values() if r.concluded]
    assert sorted(r.concluded for r in concluded) == sorted(
        f"{word} in {later.code}" for word in ("Carried over", "Done", "Dropped")
    )
    assert all(r.reason == "**Why** <b>" and r.history and not r.chain for r in concluded)
    assert [r for r in rows.values() if not r.history] == [r for r in rows.values() if not r.concluded]
    (carried,) = summary.summary(later, NOW + 120).follow
    assert carried.chain == f"Carried from {earlier.code} · carried 1×"
    assert (carried.concluded, carried.reason) == ("", "")
