"""A workshop's downloads speak its language: a Dutch workshop's PDF and spreadsheet read back in
Dutch, with Dutch number formats, and an English one is unchanged."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.helpers import NOW
from workshop import store
from workshop.demo import create_demo
from workshop.domain.audience import FACILITATOR
from workshop.reports import downloads, summary
from workshop.store.load import load

LATER = NOW + 86400


@pytest.fixture(scope="module")
def dutch(tmp_path_factory):
    """The sample workshop, held in Dutch (its stored language is what the downloads follow)."""
    db = store.connect(tmp_path_factory.mktemp("nl") / "t.db")
    snapshot = load(db, create_demo(db, now=NOW).code)
    db.close()
    return replace(snapshot, workshop={**snapshot.workshop, "language": "nl"})


@pytest.fixture(scope="module")
def pdf_text(dutch) -> str:
    pdf = downloads.build(dutch, FACILITATOR, "pdf", now=LATER)
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def test_an_export_takes_the_workshops_language_and_english_otherwise(dutch):
    assert summary.export_language(dutch) == "nl"
    assert summary.export_language(replace(dutch, workshop={**dutch.workshop, "language": None})) == "en"
    assert summary.export_language(replace(dutch, workshop={**dutch.workshop, "language": "xx"})) == "en"


def test_the_pdf_is_in_dutch(pdf_text):
    for words in (
        "Gerangschikt plan",
        "Belangrijkste knelpunten per dimensie",
        "Besluiten bouwen / kopen / samenwerken",
        "Eigenaren, metrieken en check-ins",
        "Zijn we klaar om op te schalen?",
        "Bedrijfsfase: Scale-up",
        "pagina 1/",
    ):
        assert words in pdf_text
    for english in ("Ranked plan", "Top bottlenecks per dimension", "Owners, metrics and check-ins", "Stage context"):
        assert english not in pdf_text


def test_longer_dutch_headings_are_never_split_inside_a_word(pdf_text):
    """The PDF's tables widen a column until its longest word fits (`fitted`)."""
    for heading in ("Inspanning", "Antwoorden", "Stemmen", "Samenwerken", "Voortgang"):
        assert re.search(rf"\b{heading}\b", pdf_text), heading


def test_the_pdf_writes_numbers_the_dutch_way(pdf_text):
    assert "€ 900.000/jaar" in pdf_text  # the impact's yearly estimate: € first, dots between thousands
    assert "2,10" in pdf_text and "2.10" not in pdf_text  # the best ROI, with a decimal comma
    assert "groei 7,5 % per maand" in pdf_text  # the readiness check's median figure


def test_the_spreadsheet_is_in_dutch(dutch):
    book = load_workbook(io.BytesIO(downloads.build(dutch, FACILITATOR, "xlsx", now=LATER)))
    assert {"Workshop", "Stappen", "Knelpunten", "Initiatieven", "Besluiten", "Eigenaren"} <= set(book.sheetnames)
    steps = [[c.value for c in row] for row in book["Stappen"].iter_rows()]
    assert steps[0][:2] == ["Stap nr.", "Stap"]
    assert [row[1] for row in steps[1:]] == [
        "Knelpunten in kaart",
        "Impact in kaart",
        "Prioritering",
        "Bouwen / Kopen / Samenwerken",
        "Metrieken & eigenaren",
    ]
    facts = {row[0].value: row[1].value for row in book["Workshop"].iter_rows(min_row=2)}
    assert facts["Bedrijfsfase"] == "Scale-up" and facts["Huidige stap"] == "Metrieken & eigenaren"
    impacts = [[c.value for c in row] for row in book["Impacts"].iter_rows()]
    header = impacts[0]
    assert "Schatting in geld (€/jaar)" in header and "Resultaat" in header
    outcome, money = header.index("Resultaat"), header.index("Schatting in geld (€/jaar)")
    assert "Omzet" in {row[outcome] for row in impacts[1:]}
    assert 900_000 in {row[money] for row in impacts[1:]}  # a number: the reader's spreadsheet formats it


def test_an_english_workshop_keeps_its_english_files(dutch):
    english = replace(dutch, workshop={**dutch.workshop, "language": None})
    text = downloads.build(english, FACILITATOR, "md", now=LATER)
    assert isinstance(text, str)
    assert "## Ranked plan" in text and "€900k/yr" in text and "Gerangschikt" not in text
    assert downloads.build(dutch, FACILITATOR, "md", now=LATER, lang="en") == text
