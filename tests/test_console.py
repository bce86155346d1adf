"""The facilitator console: one clock, named controls with shortcuts, clear sign-in refusals."""

from __future__ import annotations

import pytest

from tests.helpers import on_step
from tests.test_pages import app_db, open_page, texts  # noqa: F401 - app_db is a fixture
from workshop import actions
from workshop.demo import create_demo
from workshop.domain.errors import NotAllowed
from workshop.domain.text import md_escape


@pytest.mark.parametrize("wrong", ["key", "code"])
def test_a_failed_sign_in_says_code_or_key_not_recognised(db, workshop, wrong):
    code, key = (workshop.code, "not-the-key") if wrong == "key" else ("ZZZZZZ", workshop.facilitator_key)
    with pytest.raises(NotAllowed, match="code or key not recognised"):
        actions.facilitator_token(db, code, key)


def test_other_refusals_keep_their_own_message(db, workshop):
    with pytest.raises(NotAllowed, match="Only the facilitator"):
        actions.next_step(db, workshop.code, "not-the-key", from_step=on_step(db, workshop.code))


def test_the_sidebar_shows_no_second_countdown_and_states_the_shortcuts(app_db):  # noqa: F811
    made = create_demo(app_db)
    actions.reopen_workshop(app_db, made.code, made.facilitator_key)
    at = open_page("step_1_bottlenecks.py", ws=made.code, p=made.facilitator_token)
    assert not at.exception, [e.message for e in at.exception]
    shown = texts(at)
    assert "Time left" not in shown and "left when the room moved on" not in shown
    assert "Keys: N next step · B back (asks first) · P start / pause · M +1 min" in shown
    labels = {b.label for b in at.sidebar.button}
    assert {"Back", "Next", "+1 min"} <= labels and not any(glyph in "".join(labels) for glyph in "⏸▶◀")
    assert "vote(s)" not in shown and "(1 votes)" not in shown


def test_going_back_asks_first(app_db):  # noqa: F811
    made = create_demo(app_db)
    actions.reopen_workshop(app_db, made.code, made.facilitator_key)
    actions.go_to_step(app_db, made.code, made.facilitator_key, "impact", from_step=on_step(app_db, made.code))
    at = open_page("step_2_impact.py", ws=made.code, p=made.facilitator_token)
    next(b for b in at.sidebar.button if b.label == "Back").click().run()
    assert "Take the room back to step 1, Bottleneck mapping?" in texts(at)
    from workshop.store.load import load

    assert load(app_db, made.code).current_step.key == "impact"


def test_step_1_console_opens_the_readiness_check_and_orders_the_prompts_by_it(app_db):  # noqa: F811
    from workshop.store.load import load

    made = actions.create_workshop(app_db, "Next quarter", "Acme", "startup")
    at = open_page("step_1_bottlenecks.py", ws=made.code, p=made.facilitator_token)
    assert "Are we ready to scale? — closed, 0 of 0 answered" in [e.label for e in at.expander]
    next(b for b in at.button if b.label == "Open the check").click().run()
    assert load(app_db, made.code).readiness_open and "The check is open on every phone." in texts(at)
    assert "Share the join link: " in texts(at) and "/?join=" + made.code in texts(at)
    for n, rating in enumerate((1, 1, 2)):
        token = actions.join(app_db, made.code, f"P{n}").token
        answers = [{"key": "demand", "rating": rating}] + [
            {"key": key, "rating": 1} for key in ("ecosystem_ownership", "ecosystem_local", "ecosystem_reshaped")
        ]
        actions.answer_readiness(app_db, made.code, token, answers)
    at.run()
    shown = texts(at)
    assert "Are we ready to scale? — open, 3 of 3 answered" in [e.label for e in at.expander]
    flag = md_escape("Scaling before product-market fit: clear demand rated")
    assert [e.value for e in at.warning if e.value.startswith(flag)], "the pitfall warnings of every console page"
    assert "Ordered by the readiness check: Ecosystem is weakest." in shown
    heads = [m.value for m in at.markdown if m.value.startswith("**") and " — " in m.value]
    assert [h.split("**")[1] for h in heads][:3] == ["Organisation", "Platform", "Product"]
    next(b for b in at.button if b.label == "Close the check").click().run()
    assert not load(app_db, made.code).readiness_open and "The check is closed." in texts(at)


def _duplicates(db, texts: tuple[str, ...]) -> tuple[actions.Created, list[int]]:
    made = actions.create_workshop(db, "Big room", "Acme", "scaleup")
    token = actions.join(db, made.code, "Ann").token
    ids = [actions.add_bottleneck(db, made.code, token, "platform", text) for text in texts]
    return made, ids


def test_step_1_console_merges_a_suggested_group_in_one_click(app_db):  # noqa: F811
    from workshop.store.load import load

    made, ids = _duplicates(app_db, ("Deploys are slow", "deploys are slow!", "Deploys are slow.", "No tracing"))
    voter = actions.join(app_db, made.code, "Bo").token
    actions.vote(app_db, made.code, voter, ids[1])
    at = open_page("step_1_bottlenecks.py", ws=made.code, p=made.facilitator_token)
    assert not at.exception, [e.message for e in at.exception]
    assert "Suggested duplicates" in [t.label for t in at.tabs]
    assert "1 group of notes that probably say the same thing." in texts(at)
    name = "-".join(map(str, (ids[1], ids[0], ids[2])))
    assert at.selectbox(key=f"keep-{name}").value == ids[1]
    at.button(key=f"merge-{name}").click().run()
    snapshot = load(app_db, made.code)
    assert [b["id"] for b in snapshot.live_bottlenecks] == [ids[1], ids[3]]
    assert snapshot.bottleneck(ids[1])["votes"] == 1
    assert md_escape(f"Merged 3 notes into #{ids[1]}: votes carried over.") in texts(at)
    assert "No suggested duplicates" in texts(at)


def test_step_1_console_remembers_not_the_same(app_db):  # noqa: F811
    from workshop.store.load import load

    made, ids = _duplicates(app_db, ("Deploys are slow", "deploys are slow!", "Deploys are *slow*."))
    at = open_page("step_1_bottlenecks.py", ws=made.code, p=made.facilitator_token)
    (group,) = actions.suggested_groups(app_db, made.code, made.facilitator_key)
    assert group.members == (ids[2], ids[0], ids[1])  # no votes yet: the clearest (longest) note is kept
    name = "-".join(map(str, group.members))
    assert f"#{ids[2]} · Deploys are \\*slow\\*. · 0 votes" in texts(at)  # user text never as Markdown
    at.button(key=f"split-{name}-{ids[2]}").click().run()
    assert md_escape(f"Split #{ids[2]} out.") in texts(at)  # beside the suggestions, naming the note
    (pair_group,) = actions.suggested_groups(app_db, made.code, made.facilitator_key)
    assert set(pair_group.members) == set(ids[:2])
    pair = "-".join(map(str, pair_group.members))
    at.button(key=f"dismiss-{pair}").click().run()
    assert md_escape(f"Not the same: #{pair_group.members[0]}, #{pair_group.members[1]} stay apart.") in texts(
        at
    ) and "No suggested duplicates" in texts(at)
    assert len(load(app_db, made.code).live_bottlenecks) == 3
