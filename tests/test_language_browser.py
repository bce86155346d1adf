"""The room in its own language, in a real browser (issue 25).

- Pseudo-locale: with `WORKSHOP_PSEUDO_LOCALE=1` a workshop in `qps` shows every translated message
  as ⟦åççéñţéð~~⟧. The phone, the projector and the console, walked through every step, show no
  English word outside those marks, but for the participants' own text (allow-listed from the rows
  the sample wrote), codes and numbers. Charts are left out: their words are the exports'.
- A German phone (browser locale de-DE) joins an English workshop and sees German, and its switcher
  changes that phone alone to French.
- A French workshop's projector fits 1920×1080 and 1280×720 (no scrollbar, text ≥ 24 px at 1080p).
- `<html lang>` names each page's language, and axe finds no critical violation there.
- The phone is pictured in each of the five languages at 390×844 (`$SCREENSHOTS`, else the test's
  temporary folder).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel import Locale
from playwright import sync_api as playwright  # noqa: E402  (a dev requirement: missing is a failure, not a skip)

from tests.appserver import CHROMIUM, CHROMIUM_ARGS, app_process
from tests.helpers import on_step
from workshop import actions
from workshop import store as storage
from workshop.actions.portfolio import issue_portfolio_key
from workshop.demo import create_demo
from workshop.domain import language
from workshop.domain.vocabulary import DIMENSION_KEYS, STEPS
from workshop.store.load import load

PHONE = (390, 844)
SMALL_PHONE = (360, 740)
SCREENS = {"1080p": (1920, 1080), "720p": (1280, 720)}
SMALLEST_TEXT = 24  # px on the projector at 1080p
LOCALES = {"en": "en-US", "de": "de-DE", "fr": "fr-FR", "nl": "nl-NL", "es": "es-ES"}

# Every visible text node (shadow roots included) with its font size and whether it is in a chart;
# the text of each visible input's placeholder and select's chosen option too. Material icons are
# ligatures (their "text" is an icon's name), so they are left out, an alert's icon too.
VISIBLE_TEXT = """() => {
  const out = [];
  const seen = (el) => {
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return false;
    const r = el.getBoundingClientRect();  // a skip link waits above the page's top-left corner
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0;
  };
  const walk = (root) => {
    const it = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let n = it.currentNode; n; n = it.nextNode()) {
      if (n.nodeType === 1) {
        if (n.shadowRoot) walk(n.shadowRoot);
        if ((n.placeholder || '').trim() && seen(n)) out.push({text: n.placeholder, size: 99, chart: false});
        continue;
      }
      const el = n.parentElement;
      if (!el || !n.textContent.trim() || el.closest('style,script,noscript,option,[data-testid=stIconMaterial],[data-testid=stAlertDynamicIcon]')) continue;
      if (!seen(el)) continue;
      const zoom = el.currentCSSZoom || 1;
      out.push({text: n.textContent.trim(), size: parseFloat(getComputedStyle(el).fontSize) * zoom,
                chart: !!el.closest('.vega-embed')});
    }
  };
  walk(document.body);
  return out;
}"""
# The column headings of every table on the page (a table is drawn on a canvas; its grid keeps the
# headings for screen readers in the page).
TABLE_HEADINGS = """() => [...document.querySelectorAll('[data-testid=stDataFrame] [role=columnheader]')]
  .map((th) => th.textContent.trim()).filter(Boolean)"""
MEASURE_PAGE = """() => {
  const main = document.querySelector('[data-testid=stMain]') || document.scrollingElement;
  return {doc: document.documentElement.scrollHeight, inner: innerHeight,
          main: main.scrollHeight, mainBox: main.clientHeight, wide: document.documentElement.scrollWidth};
}"""

TICK = re.compile(r"\d+[.,]\d+")  # an axis tick with decimals
MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
URL = re.compile(r"https?://\S+")
# A figure as the one number format writes it (digits, separators, currency, "k" or "M", a "/yr").
FIGURE = re.compile(r"[€$£]?\d[\d.,\u00a0\u202f ]*(?:[kKM]\b)?(?:/yr\b)?")
# A moment as `numbers.when` writes it (in UTC, named by the zone's code) and a day as `numbers.day`
# writes it with English figures, which the pseudo-language borrows: data, not words left untranslated.
MONTHS = "|".join(Locale.parse("en").months["format"]["abbreviated"].values())
MOMENT = re.compile(rf"\d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}}(?::\d{{2}})? UTC|\b(?:{MONTHS}) \d{{1,2}}, \d{{4}}")
# A run of letters; one holding a pseudo-accented letter belongs to a marked message that Markdown
# split over several text nodes (bold words, links), so it is no escaped English.
LETTERS = re.compile(r"[^\W\d_]+")
PSEUDO_LETTERS = set("åçéîñöšûýÅÇÉÎÑÖŠÛÝ")
# Streamlit's own words, which the app does not write and cannot translate: the skip link it puts
# before every page for keyboard users. Nothing else is excused.
FRAME = ("Skip to main content",)
# The user's own text, read from the rows the sample and the test wrote (each column holds what a
# person typed; the audit trail and keys are not shown as such).
USER_TEXT = {
    "workshops": ("title", "organisation"),
    "participants": ("name",),
    "bottlenecks": ("text",),
    "impacts": ("because",),
    "initiatives": ("title", "description", "carried_from_title"),
    "decisions": ("rationale",),
    "owners": ("owner", "metric", "unit"),
    "checkins": ("note",),
    "picks": ("reason",),
    "reviews": ("reason",),
}
CUTS = (50, 60, 70, 80, 90)  # user text the screens shorten to fit (option labels, aria-labels)


def user_texts(db: Any) -> list[str]:
    """Every piece of user text in the database, and the shortened forms screens show, longest first."""
    found: set[str] = set()
    for table, columns in USER_TEXT.items():
        for column in columns:
            for (value,) in db.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL").fetchall():
                text = str(value).strip()
                if text:
                    found |= {text, *(text[:n] for n in CUTS)}
    return sorted(found, key=len, reverse=True)


def unmarked(texts: list[str], allowed: list[str], codes: list[str]) -> list[str]:
    """English words left once the marked messages, the user's text, codes, URLs and numbers are gone."""
    left: list[str] = []
    for text in texts:
        rest = text
        while MARKED.search(rest):  # marks may nest (a marked sentence holding a marked word)
            rest = MARKED.sub(" ", rest)
        rest = URL.sub(" ", rest)
        for said in (*allowed, *FRAME, *codes):
            rest = rest.replace(said, " ")
        rest = FIGURE.sub(" ", MOMENT.sub(" ", rest))
        words = [w for w in LETTERS.findall(rest) if len(w) > 1 and w.isascii() and not PSEUDO_LETTERS & set(w)]
        if words:
            left.append(f"{words} in {text[:90]!r}")
    return left


@pytest.fixture(scope="module")
def rooms(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """One app server (with the pseudo-language on) and one browser; three workshops: the sample in
    the pseudo-language, the sample in French with 30 more notes, and an empty English one."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WORKSHOP_PSEUDO_LOCALE", "1")
        db_path = tmp_path_factory.mktemp("language") / "language.db"
        db = storage.connect(db_path)
        made = {name: create_demo(db) for name in ("pseudo", "french")}
        for name, spoken in (("pseudo", language.PSEUDO), ("french", "fr")):
            actions.reopen_workshop(db, made[name].code, made[name].facilitator_key)
            actions.set_language(db, made[name].code, made[name].facilitator_key, spoken)
        busy(db, made["french"].code)
        english = actions.create_workshop(db, "Quarterly scaling", "Acme", "scaleup", language="en")
        switching = actions.create_workshop(db, "Switching rooms", "Acme", "scaleup", language="en")
        people = {name: actions.join(db, made[name].code, f"Phone {name}").token for name in made}
        pseudo = made["pseudo"]
        links = {
            "portfolio": issue_portfolio_key(db),  # as printed at the server's first start
            "leader": actions.issue_leader_link(db, pseudo.code, pseudo.facilitator_key),
            "owner": actions.issue_owner_link(
                db, pseudo.code, pseudo.facilitator_key, load(db, pseudo.code).tracks[0].owner
            ),
        }
        # The user's text, and each language's name, which is written in that language itself.
        allowed = [*user_texts(db), *(language.name(code) for code in language.languages())]
        db.close()
        with app_process(db_path, env={"WORKSHOP_PSEUDO_LOCALE": "1"}) as (_, base), playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield {"base": base, "db_path": db_path, "made": made, "english": english, "switching": switching,
                       "people": people, "links": links,
                       "allowed": allowed, "browser": browser}  # fmt: skip
            finally:
                browser.close()


def busy(db: Any, code: str) -> None:
    """30 more notes from three people, some of them voted: a board that fills the projector."""
    people = [actions.join(db, code, f"Person {n}").token for n in range(3)]
    for n in range(30):
        text = f"Note {n}: " + "hand-offs between teams slow every release " * (1 + n % 3)
        note = actions.add_bottleneck(db, code, people[n % 3], DIMENSION_KEYS[n % 3], text[:200])
        if n % 4 == 0:
            actions.vote(db, code, people[(n + 1) % 3], note)


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def move(rooms: dict[str, Any], name: str, step_key: str) -> None:
    made = rooms["made"][name]
    db = storage.connect(rooms["db_path"])
    actions.go_to_step(db, made.code, made.facilitator_key, step_key, from_step=on_step(db, made.code))
    db.close()


def settle(page: Any, test_id: str) -> None:
    page.get_by_test_id(test_id).first.wait_for(timeout=30_000)
    page.wait_for_timeout(1200)  # the live element's first poll and the page's charts


def html_lang(page: Any, expected: str | None = None) -> str:
    """`<html lang>`, once it reads `expected` (the page sets it when its small element has mounted)."""
    if expected is not None:
        try:
            page.wait_for_function("(lang) => document.documentElement.lang === lang", arg=expected, timeout=15_000)
        except playwright.TimeoutError:
            pass  # the assertion that follows says what it reads instead
    return str(page.evaluate("() => document.documentElement.lang"))


def test_no_english_word_escapes_translation_on_the_phone_the_projector_or_the_console(rooms, shots):
    made = rooms["made"]["pseudo"]
    codes = [made.code, rooms["made"]["french"].code, rooms["english"].code]
    # A phone whose browser speaks none of our languages follows the workshop's.
    phone = rooms["browser"].new_context(viewport={"width": PHONE[0], "height": PHONE[1]}, locale="ja-JP").new_page()
    wall = rooms["browser"].new_context(viewport={"width": 1920, "height": 1080}).new_page()
    console = rooms["browser"].new_context(viewport={"width": 1440, "height": 900}).new_page()
    found: list[str] = []
    for step in STEPS:
        move(rooms, "pseudo", step.key)
        screens = (
            (phone, f"/room?ws={made.code}&p={rooms['people']['pseudo']}", "live-participant"),
            (wall, f"/projector?ws={made.code}", "live-projector"),
            (console, f"/{step.key}?ws={made.code}&p={made.facilitator_token}", "live-facilitator"),
        )
        for page, path, marker in screens:
            page.goto(rooms["base"] + path)
            settle(page, marker)
            if step.key == "decide" and marker == "live-participant":
                page.screenshot(path=str(shots / "pseudo-phone-decide.png"), full_page=True)
            assert html_lang(page, "en-XA") == "en-XA", marker
            texts = [t["text"] for t in page.evaluate(VISIBLE_TEXT) if not t["chart"]]
            found += [f"{step.key} {marker}: {line}" for line in unmarked(texts, rooms["allowed"], codes)]
    assert not found, "\n".join(found[:40])


def test_no_english_word_escapes_translation_on_the_summary_owner_leader_portfolio_and_audit_pages(rooms, shots):
    """The pages read after the workshop: Ship It (the facilitator's and the leader's view), an owner's
    page, the portfolio (in this browser's language, the pseudo-language by its switcher's cookie) and
    the audit trail. Each page is read whole, below the fold too, with the column headings of its tables."""
    made = rooms["made"]["pseudo"]
    codes = [made.code, rooms["made"]["french"].code, rooms["english"].code]
    links = rooms["links"]
    context = rooms["browser"].new_context(viewport={"width": 1440, "height": 900})
    context.add_cookies([{"name": "sw_lang", "value": language.PSEUDO, "url": rooms["base"]}])
    page = context.new_page()
    pages = (
        ("summary", f"/ship-it?ws={made.code}&p={made.facilitator_token}"),
        ("leader", f"/ship-it?ws={made.code}&l={links['leader']}"),
        ("owner", f"/owner?ws={made.code}&o={links['owner']}"),
        ("portfolio", "/portfolio"),
        ("audit", f"/audit?ws={made.code}&p={made.facilitator_token}"),
    )
    found: list[str] = []
    for name, path in pages:
        page.goto(rooms["base"] + path)
        page.locator("[data-testid=stMain] h1").first.wait_for(timeout=30_000)
        if name == "portfolio":
            page.locator("input[type=password]").first.fill(links["portfolio"])
            page.locator("[data-testid=stFormSubmitButton] button").first.click()
            page.locator(".vega-embed").first.wait_for(timeout=30_000)
        if name in ("summary", "audit"):  # their tables' grids come last
            page.locator("[data-testid=stDataFrame] [role=columnheader]").first.wait_for(
                state="attached", timeout=30_000
            )
        page.wait_for_timeout(2500)  # the page's charts and tables
        page.screenshot(path=str(shots / f"pseudo-{name}.png"), full_page=True)
        assert html_lang(page, "en-XA") == "en-XA", name
        texts = [t["text"] for t in page.evaluate(VISIBLE_TEXT) if not t["chart"]]
        headings = page.evaluate(TABLE_HEADINGS)
        texts += headings
        found += [f"{name}: {line}" for line in unmarked(texts, rooms["allowed"], codes)]
    assert not found, "\n".join(found[:60])


def test_a_german_phone_joins_an_english_workshop_and_sees_german(rooms, shots):
    code = rooms["english"].code
    context = rooms["browser"].new_context(viewport={"width": PHONE[0], "height": PHONE[1]}, locale="de-DE")
    page = context.new_page()
    page.goto(f"{rooms['base']}/?join={code}")
    page.get_by_label("Anzeigename (leer lassen, um anonym zu bleiben)").fill("Lena")
    page.get_by_role("button", name="Beitreten").click()
    page.get_by_test_id("live-step").filter(has_text="Schritt 1 von 5").first.wait_for(timeout=30_000)
    page.get_by_text("So funktioniert dieser Schritt").first.wait_for(timeout=10_000)
    assert page.get_by_text("Engpass hinzufügen").count() >= 1
    assert html_lang(page, "de") == "de"
    assert page.get_by_text("How this step works").count() == 0
    # The phone's own switcher: French for this phone, kept after a reload; the workshop stays English.
    page.get_by_test_id("live-language").select_option("fr")
    page.get_by_test_id("live-step").filter(has_text="Étape 1 sur 5").first.wait_for(timeout=30_000)
    page.reload()
    page.get_by_text("Comment se déroule cette étape").first.wait_for(timeout=30_000)
    assert html_lang(page, "fr") == "fr"
    db = storage.connect(rooms["db_path"])
    assert storage.workshop_by_code(db, code)["language"] == "en"
    db.close()


@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_french_projector_fits_both_screens_and_reads_from_the_back(rooms, shots, screen):
    width, height = SCREENS[screen]
    made = rooms["made"]["french"]
    page = rooms["browser"].new_context(viewport={"width": width, "height": height}).new_page()
    problems: list[str] = []
    for step in STEPS:
        move(rooms, "french", step.key)
        page.goto(f"{rooms['base']}/projector?ws={made.code}")
        page.get_by_test_id("live-step").filter(has_text=f"Étape {step.number} sur {len(STEPS)}").first.wait_for(
            timeout=30_000
        )
        page.wait_for_timeout(1500)
        page.screenshot(path=str(shots / f"projector-fr-{screen}-{step.number}-{step.key}.png"))
        assert html_lang(page, "fr") == "fr"
        sizes = page.evaluate(MEASURE_PAGE)
        if sizes["doc"] > sizes["inner"] or sizes["main"] > sizes["mainBox"] or sizes["wide"] > width:
            problems.append(f"{step.key}: scrolls ({sizes})")
        if step.key == "prioritise":  # the ROI axis's ticks in French figures: 0,5 · 1,5, never 0.5
            ticks = [t["text"] for t in page.evaluate(VISIBLE_TEXT) if t["chart"] and TICK.fullmatch(t["text"])]
            if not ticks or any("," not in tick for tick in ticks):
                problems.append(f"{step.key}: the chart's ticks read {ticks}")
        if screen == "1080p":
            small = [t for t in page.evaluate(VISIBLE_TEXT) if t["size"] < SMALLEST_TEXT]
            problems += [f"{step.key}: {t['size']:.1f} px {t['text'][:50]!r}" for t in small[:5]]
    assert not problems, "\n".join(problems)


def test_every_page_names_its_language_and_axe_finds_nothing_critical(rooms):
    from axe_playwright_python.sync_playwright import Axe

    made = rooms["made"]["french"]
    move(rooms, "french", "bottlenecks")
    pages = [
        ("/", "start", "de", "h1"),
        (f"/projector?ws={made.code}", "projector", "fr", "[data-testid=live-projector]"),
        (f"/bottlenecks?ws={made.code}&p={made.facilitator_token}", "console", "fr", "[data-testid=live-facilitator]"),
        (f"/ship-it?ws={made.code}&p={made.facilitator_token}", "summary", "fr", "h1"),
        (f"/room?ws={made.code}&p={rooms['people']['french']}", "phone", "de", "[data-testid=live-participant]"),
    ]
    context = rooms["browser"].new_context(viewport={"width": 1440, "height": 900}, locale="de-DE")
    page = context.new_page()
    critical: list[str] = []
    for path, name, spoken, marker in pages:
        page.goto(rooms["base"] + path)
        page.locator(marker).first.wait_for(timeout=30_000)
        page.wait_for_timeout(900)
        assert html_lang(page, spoken) == spoken, name
        for violation in Axe().run(page).response["violations"]:
            if (
                violation["id"] in ("html-has-lang", "html-lang-valid", "valid-lang")
                or violation["impact"] == "critical"
            ):
                critical.append(f"{name}: {violation['id']} {violation['nodes'][0]['html'][:160]}")
    assert not critical, "\n".join(critical)


@pytest.mark.parametrize("spoken", list(LOCALES))
def test_the_phone_in_each_language_is_pictured_and_fits_a_small_phone(rooms, shots, spoken):
    made = rooms["made"]["french"]
    move(rooms, "french", "bottlenecks")
    for size in (PHONE, SMALL_PHONE):
        context = rooms["browser"].new_context(viewport={"width": size[0], "height": size[1]}, locale=LOCALES[spoken])
        page = context.new_page()
        page.goto(f"{rooms['base']}/room?ws={made.code}&p={rooms['people']['french']}")
        settle(page, "live-participant")
        assert html_lang(page, spoken) == spoken
        if size == PHONE:
            page.screenshot(path=str(shots / f"phone-{spoken}.png"))
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= size[0], f"{spoken} at {size[0]} px scrolls sideways ({wide} px)"
        context.close()


def test_the_projector_follows_a_change_of_the_rooms_language_without_a_reload(rooms):
    made = rooms["switching"]
    page = rooms["browser"].new_context(viewport={"width": 1920, "height": 1080}, locale="en-US").new_page()
    page.goto(f"{rooms['base']}/projector?ws={made.code}")
    page.get_by_test_id("live-step").filter(has_text="Step 1 of 5").first.wait_for(timeout=30_000)
    db = storage.connect(rooms["db_path"])
    actions.set_language(db, made.code, made.facilitator_key, "de")
    db.close()
    page.get_by_test_id("live-step").filter(has_text="Schritt 1 von 5").first.wait_for(timeout=30_000)
    page.get_by_text("Mit dem Code beitreten").first.wait_for(timeout=30_000)
    assert html_lang(page, "de") == "de"
