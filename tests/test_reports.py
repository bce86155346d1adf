"""Spreadsheet, CSV and PDF downloads read back the way a leader would open them."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.helpers import NOW, reach
from workshop import actions, cli
from workshop.domain import checklist, numbers
from workshop.domain import snapshot as state
from workshop.domain.errors import InvalidInput
from workshop.reports import pdf, summary
from workshop.reports import sheets as reports
from workshop.store.load import load

INJECTIONS = ("<script>alert(1)</script>", "![x](http://host/x.png)", "[a](javascript:x)", "# Big")
FORMULA = '=HYPERLINK("http://evil","click")'
DEMO_ROWS = {
    "workshop": 13,
    "steps": 5,
    "participants": 6,
    "bottlenecks": 13,
    "impacts": 8,
    "initiatives": 6,
    "scores": 24,
    "decisions": 4,
    "owners": 4,
    "followup": 4,
    "checkins": 0,
    "checklist": 5,
    "readiness": 16,
    "readiness_areas": 4,
}


@pytest.fixture
def snapshot(db, demo) -> state.Snapshot:
    return load(db, demo.code)


@pytest.fixture
def hostile(db, workshop) -> state.Snapshot:
    """A workshop whose participants typed Markdown, HTML, formulas and typographic Unicode."""
    code, key = workshop.code, workshop.facilitator_key
    token = actions.join(db, code, "Zoë “the tester”", now=NOW).token
    notes = [
        actions.add_bottleneck(db, code, token, dimension, text, now=NOW)
        for dimension, text in (
            ("product", INJECTIONS[0]),
            ("platform", INJECTIONS[1]),
            ("organisation", INJECTIONS[2]),
            ("product", INJECTIONS[3]),
            ("platform", FORMULA),
            ("organisation", "Café hiring costs €90k — “slow”"),
        )
    ]
    actions.vote(db, code, token, notes[0], now=NOW)
    reach(db, code, key)
    actions.add_impact(db, code, token, notes[1], "revenue", "worse", 4, INJECTIONS[2], money=90_000, now=NOW)
    first = actions.add_initiative(db, code, token, "Observability: tracing for checkout", notes[:3], now=NOW)
    second = actions.add_initiative(db, code, token, INJECTIONS[3] + " initiative", notes[3:], now=NOW)
    for item, urgency in ((first, 9), (second, 4)):
        actions.score_initiative(
            db, code, token, item, {"value": 8, "effort": 3, "urgency": urgency, "confidence": 80}, now=NOW
        )
    actions.adopt_ranking(db, code, key)
    answers = {"core": "yes", "speed": "balanced", "network": "no", "capability": "yes", "cost": "build"}
    actions.record_decision(db, code, key, first, answers, "buy", "Rationale " + INJECTIONS[1], now=NOW)
    actions.assign_owner(
        db, code, key, first, "Dana <b>bold</b>", "Traced services", 10, 90, date(2025, 7, 1), unit="%", now=NOW
    )
    return load(db, code)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def pdf_images(data: bytes) -> int:
    """Distinct image objects placed on the pages."""
    reader = PdfReader(io.BytesIO(data))
    seen = set()
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        for ref in xobjects.values():
            if ref.get_object()["/Subtype"] == "/Image":
                seen.add(ref.idnum)
    return len(seen)


# --- tables ------------------------------------------------------------------------------


def test_tables_cover_every_part_of_the_workshop(snapshot):
    tables = reports.tables(snapshot, NOW)
    assert tuple(tables) == reports.TABLES
    assert {name: len(frame) for name, frame in tables.items()} == DEMO_ROWS


def test_readiness_sheets_hold_the_rooms_view_and_no_names(snapshot):
    sheets = reports.tables(snapshot, NOW)
    questions = sheets["readiness"].set_index("Question")
    demand = questions.loc["Clear demand"]
    assert (demand["Answers"], demand["Median"], demand["Level"], demand["Median figure"], demand["Unit"]) == (
        6,
        3.0,
        "Strong, measured",
        7.5,
        "%",
    )
    assert bool(questions.loc["Solved locally", "Divided"]) and questions.loc["Solved locally", "Kind"] == "Ecosystem"
    areas = sheets["readiness_areas"].set_index("Area")
    assert list(areas["Score (0-100)"]) == [71.0, 33.0, 50.0, 21.0]
    assert list(areas.index[areas["Weakest"]]) == ["Ecosystem", "Standards & Practices"]
    flat = sheets["readiness"].to_csv() + sheets["readiness_areas"].to_csv()
    assert not any(p["name"] in flat for p in snapshot.participants), "who answered what stays in the backup"


def test_readiness_sheets_of_a_workshop_without_the_check_are_empty(db, workshop):
    sheets = reports.tables(load(db, workshop.code), NOW)
    assert len(sheets["readiness"]) == 0 and len(sheets["readiness_areas"]) == 0
    assert list(sheets["readiness"].columns) == reports.READINESS_COLUMNS


def test_initiatives_table_holds_medians_formulas_rank_and_links(snapshot):
    frame = reports.tables(snapshot, NOW)["initiatives"]
    for item, row in zip(snapshot.plan, frame.to_dict("records")):
        a = item.aggregate
        assert (row["Initiative"], row["Rank"], row["Sequence"]) == (item.title, item.rank, item.position)
        assert (row["Value (median)"], row["Urgency (median)"]) == (a.value, a.urgency)
        assert row["ROI"] == numbers.priority_value(a.roi) and row["WSJF"] == numbers.priority_value(a.wsjf)
        assert row["Value spread"] == a.spread["value"]
        assert all(snapshot.bottleneck(b)["text"] in row["Bottlenecks"] for b in item.bottleneck_ids)


def test_bottlenecks_table_shows_moderation(snapshot):
    frame = reports.tables(snapshot, NOW)["bottlenecks"]
    assert sorted(frame["Status"].value_counts().items()) == [("hidden", 1), ("live", 11), ("merged", 1)]
    merged = frame[frame["Status"] == "merged"].iloc[0]
    assert merged["Merged into no."] == 1 and merged["Votes"] == 0
    assert frame.loc[0, "Votes"] == 7  # the merged duplicate's votes carried over


def test_participants_table_holds_names_only(snapshot):
    frame = reports.tables(snapshot, NOW)["participants"]
    assert list(frame.columns) == ["Name"]
    assert list(frame["Name"]) == ["Amira", "Ben", "Chloé", "Dev", "Eun-ji", "Farid"]


def test_decisions_table_records_an_overrule(hostile):
    (row,) = reports.tables(hostile, NOW)["decisions"].to_dict("records")
    assert (row["Recommendation"], row["Choice"], row["Overruled"]) == ("Build", "Buy", True)
    assert row["Rationale"] == "Rationale " + INJECTIONS[1]


# --- XLSX ----------------------------------------------------------------------------------


def test_xlsx_has_one_sheet_per_table_with_a_header_row(snapshot):
    book = load_workbook(io.BytesIO(reports.to_xlsx(snapshot, NOW)))
    assert book.sheetnames == [name.capitalize() for name in reports.TABLES]
    tables = reports.tables(snapshot, NOW)
    for name, frame in tables.items():
        sheet = book[name.capitalize()]
        assert sheet.max_row == DEMO_ROWS[name] + 1
        assert [c.value for c in sheet[1]] == list(frame.columns)
        assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    bottlenecks = book["Bottlenecks"]
    widths = {
        bottlenecks.cell(1, c).value: bottlenecks.column_dimensions[chr(64 + c)].width
        for c in range(1, bottlenecks.max_column + 1)
    }
    assert widths["Bottleneck"] > widths["Votes"] and widths["Bottleneck"] <= reports.MAX_COLUMN_WIDTH + 2


def test_xlsx_keeps_participant_text_literal(hostile):
    book = load_workbook(io.BytesIO(reports.to_xlsx(hostile, NOW)))
    texts = {c.value: c.data_type for c in book["Bottlenecks"]["C"][1:]}
    assert texts[FORMULA] == "s"  # shown as text, never evaluated
    assert set(INJECTIONS) <= set(texts)


# --- CSV ---------------------------------------------------------------------------------


def test_csv_zip_has_one_file_per_table(snapshot):
    archive = zipfile.ZipFile(io.BytesIO(reports.to_csv_zip(snapshot, NOW)))
    assert archive.namelist() == [f"{name}.csv" for name in reports.TABLES]
    for name in reports.TABLES:
        raw = archive.read(f"{name}.csv")
        assert raw.startswith(b"\xef\xbb\xbf")
        records = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert len(records) == DEMO_ROWS[name] + 1
        assert records[1:] == list(csv.reader(io.StringIO(reports.to_csv(snapshot, name, NOW))))[1:]


def test_csv_guards_formulas_but_keeps_other_text(hostile):
    records = list(csv.DictReader(io.StringIO(reports.to_csv(hostile, "bottlenecks", NOW))))
    texts = [r["Bottleneck"] for r in records]
    assert "'" + FORMULA in texts and FORMULA not in texts
    assert set(INJECTIONS) <= set(texts)
    assert "Café hiring costs €90k — “slow”" in texts


def test_csv_of_an_unknown_table_is_refused(snapshot):
    with pytest.raises(InvalidInput, match="Unknown table"):
        reports.to_csv(snapshot, "secrets")


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_holds_the_checklist_the_plan_and_the_charts(snapshot):
    data = pdf.to_pdf(snapshot, NOW)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for item in checklist.evaluate(snapshot):
        assert item.title in text
        assert " ".join(item.reason.split()) in text
    assert "None: ship it." in text
    for title in (
        "Top bottlenecks per dimension",
        "Impact map",
        "Ranked plan",
        "Build / Buy / Partner decisions",
        "Owners, metrics and check-ins",
        "Time per step",
    ):
        assert title in text
    assert "Northwind Analytics" in text and "Scale-up" in text
    assert "Feature teams lose days every sprint to production incidents" in text
    assert "Priya Raman (VP Engineering)" in text and "€900k/yr" in text  # as on the impact map
    assert "“Distributed tracing and shared observability dashboards”" in text  # Unicode quotes kept
    assert "Are we ready to scale?" in text and "6 of 6 participants answered." in text
    assert "Weakest areas: Standards & Practices (21/100) and Ecosystem (33/100)." in text
    assert "Platform, Organisation, Product" in text and "growth 7.5 % a month" in text and "LTV:CAC 3.4" in text
    assert "Does the room agree?" in text and "the room agrees" in text
    assert pdf_images(data) == 4


def test_pdf_and_sheets_carry_the_follow_through(db):
    from workshop.demo import create_demo

    made = create_demo(db, now=NOW, followup_days=70)
    snapshot = load(db, made.code)
    data = pdf.to_pdf(snapshot, NOW)
    text = pdf_text(data)
    assert "Follow-through" in text and "No check-ins recorded yet." not in text
    assert "overdue 7 d" in text and "Partner contract still in legal review" not in text[:200]
    assert pdf_images(data) == 5
    sheets = reports.tables(snapshot, NOW)
    assert len(sheets["checkins"]) == 12 and len(sheets["followup"]) == 4
    tracing = sheets["followup"].set_index("Initiative").loc["Distributed tracing and shared observability dashboards"]
    assert (tracing["Latest value"], tracing["Progress %"], tracing["Overdue (days)"]) == (62, 65.0, 7)


def test_pdf_prints_participant_text_literally_and_shows_the_overrule(hostile):
    text = pdf_text(pdf.to_pdf(hostile, NOW))
    for injection in INJECTIONS:
        assert injection in text
    assert FORMULA in text and "Dana <b>bold</b>" in text
    assert "Café hiring costs €90k — “slow”" in text
    assert "overrules the recommendation to build" in text
    open_items = [i for i in checklist.evaluate(hostile) if not i.done]
    assert open_items and all(f"{i.title}: {' '.join(i.reason.split())}" in text for i in open_items)


def test_pdf_of_an_empty_workshop(db, workshop):
    data = pdf.to_pdf(load(db, workshop.code), NOW)
    text = pdf_text(data)
    assert "No initiatives recorded." in text and "No impacts recorded." in text
    assert "Are we ready to scale?" not in text, "a workshop that never used the check has no section for it"
    assert pdf_images(data) == 1  # the time chart is always there


def test_pdf_without_a_unicode_font_transliterates(hostile, monkeypatch):
    monkeypatch.setattr(pdf, "find_font", lambda: None)
    text = pdf_text(pdf.to_pdf(hostile, NOW))
    assert 'Café hiring costs EUR90k - "slow"' in text  # Latin-1 accents survive
    assert "Dana <b>bold</b>" in text and INJECTIONS[1] in text


def test_latin1_transliteration():
    assert pdf.latin1("“Café” — 5 € … ✓ 漢") == '"Café" - 5 EUR ... x ?'


def test_pdf_pages_render_to_images(snapshot, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: install Debian's poppler-utils (scripts/test does)", pytrace=False)
    source = tmp_path / "summary.pdf"
    source.write_bytes(pdf.to_pdf(snapshot, NOW))
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(PdfReader(str(source)).pages) >= 3
    assert all(p.stat().st_size > 5_000 for p in pages)


def test_the_pdfs_impact_table_writes_money_as_the_map_does(db, workshop):
    """ "€1,200,000/yr" broke mid-word in its narrow column ("€1,200,000/y r"); the map's "€1.2M/yr" fits."""
    token = actions.join(db, workshop.code, "Ann", now=NOW).token
    note = actions.add_bottleneck(db, workshop.code, token, "product", "Checkout stalls", now=NOW)
    reach(db, workshop.code, workshop.facilitator_key)
    actions.add_impact(db, workshop.code, token, note, "revenue", "worse", 5, "Lost carts", money="1200000", now=NOW)
    actions.add_impact(db, workshop.code, token, note, "uptime", "worse", 2, "Retries", now=NOW)
    text = pdf_text(pdf.to_pdf(load(db, workshop.code), NOW))
    table = text.split("Because")[1]
    assert "€1.2M/yr" in table and "1,200,000" not in text and "/y r" not in text
    assert "None" not in table


def _open_plan(db, workshop):
    """One impact with an estimate and one without; an initiative sequenced, one not and unscored."""
    token = actions.join(db, workshop.code, "Ann", now=NOW).token
    note = actions.add_bottleneck(db, workshop.code, token, "product", "Checkout stalls", now=NOW)
    reach(db, workshop.code, workshop.facilitator_key)
    actions.add_impact(db, workshop.code, token, note, "revenue", "worse", 5, "Lost carts", money="1200000", now=NOW)
    actions.add_impact(db, workshop.code, token, note, "uptime", "worse", 2, "Retries", now=NOW)
    actions.add_initiative(db, workshop.code, token, "One-click checkout", [note], now=NOW)
    return load(db, workshop.code)


def _cells(frame) -> list[object]:
    return [v for row in frame.itertuples(index=False) for v in row]


def test_page_tables_show_a_dash_for_a_missing_figure_and_money_as_the_charts_do(db, workshop):
    """A page's table never shows a blank "None" (no sequence yet, no estimate) nor 1200000."""
    snapshot = _open_plan(db, workshop)
    s = summary.summary(snapshot, NOW)
    plan, ranking = reports.plan_screen(s), reports.ranking_screen(snapshot)
    impacts, step2 = reports.impacts_screen(s.impacts), reports.step_impacts_screen(snapshot)
    for frame in (plan, ranking, impacts, step2):
        assert len(frame) and not any(v is None or v != v for v in _cells(frame)), frame
    assert list(plan[reports.SEQUENCE]) == [numbers.MISSING] == list(ranking[reports.SEQUENCE])
    assert list(ranking["Value"]) == [numbers.MISSING] and list(plan["Owner"]) == [numbers.MISSING]
    assert list(impacts[reports.MONEY]) == ["€1.2M/yr", numbers.MISSING] == list(step2[reports.MONEY])
    assert list(step2["By"]) == ["Ann", "Ann"]
    assert list(plan.columns).index("Owner") < list(plan.columns).index("Rationale"), "owner before the reasons"


# --- command line --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, magic", [("pdf", b"%PDF"), ("xlsx", b"PK"), ("csv", b"PK")])
def test_cli_writes_binary_exports_to_a_file(db, demo, tmp_path, fmt, magic):
    target = tmp_path / f"out.{fmt}"
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    assert cli.main(["--db", path, "export", demo.code, "--format", fmt, "-o", str(target)]) == 0
    assert target.read_bytes().startswith(magic)


def test_cli_writes_one_csv_table_to_stdout(db, demo, capsys):
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    assert cli.main(["--db", path, "export", demo.code, "--format", "csv", "--table", "checklist"]) == 0
    records = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert records[0] == ["Item", "Status", "Done", "Reason"] and len(records) == 6


def test_cli_refuses_a_table_with_another_format(db, demo, capsys):
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    assert cli.main(["--db", path, "export", demo.code, "--format", "pdf", "--table", "steps", "-o", "x.pdf"]) == 2
    assert "--table only goes with --format csv" in capsys.readouterr().err


def test_pdf_and_sheets_show_where_a_commitment_came_from_and_how_it_ended(db):
    from workshop.demo import create_demo

    earlier = create_demo(db, now=NOW, followup_days=70)
    later = actions.create_workshop(
        db, "Next quarter", "Northwind Analytics", "scaleup", now=NOW + 60, review_minutes=10
    )
    first, second = load(db, later.code).commitments[:2]
    actions.review_commitment(db, later.code, later.facilitator_key, first.initiative_id, "carry", "Half-way")
    actions.review_commitment(db, later.code, later.facilitator_key, second.initiative_id, "done", "Shipped in March")
    snapshot = load(db, earlier.code)
    text = pdf_text(pdf.to_pdf(snapshot, NOW))
    assert "Carried / outcome" in text and f"Done in {later.code}" in text
    assert f"{second.track.title}: Done in {later.code} — Shipped in March" in text
    sheet = reports.tables(snapshot, NOW)["followup"].set_index("Initiative")
    assert sheet.loc[second.track.title, "Outcome"] == f"Done in {later.code}: Shipped in March"
    assert sheet.loc[first.track.title, "Outcome"] == f"Carried over in {later.code}: Half-way"
    carried = reports.tables(load(db, later.code), NOW)["followup"]
    assert list(carried["Chain"]) == [f"Carried from {earlier.code} · carried 1×"]
    assert "Carried / outcome" not in pdf_text(pdf.to_pdf(load(db, create_demo(db, now=NOW).code), NOW))


# --- PDF: scripts and missing glyphs ---------------------------------------------------------

SCRIPTS = {
    "product": "数据库瓶颈 slows releases",  # Chinese: drawn with the bundled Noto Sans CJK
    "platform": "Deploys 🚀🔥✅ stall",  # emoji: no font draws them
    "organisation": "שלום עולם and مرحبا بالعالم",  # Hebrew and Arabic: DejaVu's glyphs, shaped
}
DEVANAGARI = "नमस्ते टीम"


def pdftotext(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install Debian's poppler-utils (scripts/test does)", pytrace=False)
    source = tmp_path / "scripts.pdf"
    source.write_bytes(data)
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), "-"], capture_output=True, timeout=60, check=True)
    return " ".join(run.stdout.decode("utf-8").split())


@pytest.fixture
def scripts(db, workshop) -> state.Snapshot:
    token = actions.join(db, workshop.code, "Mei 王", now=NOW).token
    for dimension, text in SCRIPTS.items():
        actions.add_bottleneck(db, workshop.code, token, dimension, text, now=NOW)
    actions.add_bottleneck(db, workshop.code, token, "product", DEVANAGARI, now=NOW)
    return load(db, workshop.code)


def test_pdf_draws_chinese_and_marks_every_missing_glyph(scripts, tmp_path):
    text = pdftotext(pdf.to_pdf(scripts, NOW), tmp_path)
    assert "数据库瓶颈 slows releases" in text
    mark = pdf.MISSING_GLYPH
    assert f"Deploys {mark * 3} stall" in text  # one mark per emoji, never nothing
    assert f" {mark * 4} {mark * 2} " in text  # नमस्ते टीम: one mark per letter, its signs joined to it
    assert "שלום עולם" in text and "مرحبا بالعالم" in text  # shaped right to left: read in order


def test_every_character_is_drawn_or_marked():
    fonts = [frozenset(map(ord, "ab "))]
    assert pdf.mark_missing("a🚀b", fonts) == f"a{pdf.MISSING_GLYPH}b"
    assert pdf.mark_missing("👍🏽 b", fonts) == f"{pdf.MISSING_GLYPH} b"  # skin tone joins its emoji
    assert pdf.mark_missing("✅\ufe0f", fonts) == pdf.MISSING_GLYPH  # so does a variation selector
    assert pdf.mark_missing("a\u200db", fonts) == "ab"  # a joiner draws nothing either way
    assert pdf.mark_missing("ab", fonts) == "ab"


def test_without_the_cjk_font_chinese_is_marked_too(scripts, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_fallback_font", lambda: None)
    text = pdftotext(pdf.to_pdf(scripts, NOW), tmp_path)
    assert f"{pdf.MISSING_GLYPH * 5} slows releases" in text
