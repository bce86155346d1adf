"""The Ship It summary as a PDF: a layout of `summary.summary`, the model the Markdown and the
summary page also render, with the charts drawn as images.

fpdf2 draws text as given (no Markdown, no HTML). A Unicode TTF font (DejaVu Sans,
Liberation Sans, Arial…) is looked up at run time so €, “ ”, é and — print as typed; only
when no such font exists does the PDF fall back to the built-in Helvetica, and then
characters outside Latin-1 are transliterated (“ ” → ", — → -, € → EUR, é stays é).
`WORKSHOP_PDF_FONT` (and optionally `WORKSHOP_PDF_FONT_BOLD`) point at a TTF of your choice.
Chinese, Japanese and Korean come from Noto Sans CJK, which ships in a pip package
(`cvttf-notosanscjk-regular`, loaded only for a PDF that needs it). Hebrew and Arabic turn on
HarfBuzz shaping (uharfbuzz): right to left, Arabic letters joined. A character no font
has a glyph for (emoji, Devanagari…) prints as the mark □ (? with Helvetica), never as
nothing; the spreadsheet, CSV and JSON exports keep every character.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import vl_convert
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from workshop.domain import numbers
from workshop.domain.language import SOURCE, _, ngettext, using
from workshop.domain.snapshot import Snapshot
from workshop.domain.vocabulary import said
from workshop.reports import frames
from workshop.reports.summary import HEADINGS, NO_DECISION, Summary, summary

log = logging.getLogger(__name__)

PDF_TOP_IMPACTS = 12  # most severe impacts listed under the impact map
CELL_PADDING = 1.2  # mm inside each table cell
CHART_SCALE = 2  # PNG pixels per CSS pixel: crisp when printed


# --- PDF: fonts ------------------------------------------------------------------------------

_FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation-sans",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts/Supplemental",
    "C:/Windows/Fonts",
)
_FONT_PAIRS: tuple[tuple[str, str], ...] = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("Arial Unicode.ttf", "Arial Bold.ttf"),
    ("Arial.ttf", "Arial Bold.ttf"),
    ("arial.ttf", "arialbd.ttf"),
)


@dataclass(frozen=True)
class PdfFont:
    """The TTF files the PDF uses; `None` from `find_font` means Helvetica with transliteration."""

    regular: Path
    bold: Path


@lru_cache(maxsize=1)
def find_font() -> PdfFont | None:
    """A Unicode TTF font on this machine ($WORKSHOP_PDF_FONT first), or None."""
    chosen = os.environ.get("WORKSHOP_PDF_FONT")
    if chosen and Path(chosen).is_file():
        bold = os.environ.get("WORKSHOP_PDF_FONT_BOLD")
        return PdfFont(Path(chosen), Path(bold) if bold and Path(bold).is_file() else Path(chosen))
    for regular, bold in _FONT_PAIRS:
        for folder in _FONT_DIRS:
            path = Path(folder) / regular
            if path.is_file():
                bold_path = Path(folder) / bold
                return PdfFont(path, bold_path if bold_path.is_file() else path)
    return None


MISSING_GLYPH = "\u25a1"  # □: printed for a character no font of the PDF can draw
CJK_FONT_PACKAGE = "cvttf_NotoSansCJK_Regular"  # pip: cvttf-notosanscjk-regular


@lru_cache(maxsize=1)
def find_fallback_font() -> Path | None:
    """Noto Sans CJK from its pip package ($WORKSHOP_PDF_FALLBACK_FONT first), or None."""
    chosen = os.environ.get("WORKSHOP_PDF_FALLBACK_FONT")
    if chosen and Path(chosen).is_file():
        return Path(chosen)
    spec = importlib.util.find_spec(CJK_FONT_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for path in sorted(Path(folder).glob("*.[ot]tf")):
            return path
    return None


@lru_cache(maxsize=8)
def coverage(path: Path) -> frozenset[int]:
    """The code points a font has a glyph for (read once per process: 0.5 s for Noto CJK)."""
    return frozenset(TTFont(path, lazy=True).getBestCmap() or {})


_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")  # joiners: nothing to draw, nothing lost


def _drawable(char: str, fonts: Sequence[frozenset[int]]) -> bool:
    return char in "\n " or any(ord(char) in font for font in fonts)


def mark_missing(text: str, fonts: Sequence[frozenset[int]]) -> str:
    """The text with each character no font can draw as MISSING_GLYPH, so nothing vanishes.

    Marks and selectors that extend a missing character (an emoji's skin tone or variation
    selector, a vowel sign) join its one mark; invisible joiners simply go.
    """
    out: list[str] = []
    for char in text:
        if _drawable(char, fonts):
            out.append(char)
        elif char in _INVISIBLE or unicodedata.category(char) == "Cf":
            continue
        elif out and out[-1] == MISSING_GLYPH and _extends(char):
            continue
        else:
            out.append(MISSING_GLYPH)
    return "".join(out)


def _extends(char: str) -> bool:
    """A combining mark, variation selector or emoji modifier: part of the character before it."""
    return unicodedata.category(char) in ("Mn", "Mc", "Me", "Sk") or 0x1F3FB <= ord(char) <= 0x1F3FF


_LATIN1_FALLBACK: dict[str, str] = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u20ac": "EUR",
    "\u2022": "-",
    "\u00b7": "-",
    "\u2192": "->",
    "\u2190": "<-",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u2248": "~",
    "\u2713": "x",
    "\u2714": "x",
    "\u2715": "x",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def latin1(text: str) -> str:
    """Transliterate for the built-in PDF fonts, which only know Latin-1."""
    out: list[str] = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
        elif char in _LATIN1_FALLBACK:
            out.append(_LATIN1_FALLBACK[char])
        else:
            base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


# --- PDF: layout -----------------------------------------------------------------------------

GREEN = (27, 120, 55)
RED = (190, 40, 40)
GREY = (90, 90, 90)
HEADING_FILL = (230, 230, 230)
ROW_FILL = (246, 246, 246)


class _Document(FPDF):
    """A4 portrait with a running footer; every string goes through `t` before drawing."""

    def __init__(self, footer_text: str, font: PdfFont | None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=16)
        self.unicode_font = font is not None
        self.covered: frozenset[int] = frozenset()
        self.fallback = find_fallback_font() if font is not None else None
        self.fallback_added = False
        self.shaping = False
        if font is not None:
            self.add_font("Body", "", str(font.regular))
            self.add_font("Body", "B", str(font.bold))
            self.family_name = "Body"
            self.covered = coverage(font.regular) & coverage(font.bold)
        else:
            self.family_name = "Helvetica"
        self.footer_text = footer_text

    def t(self, value: Any) -> str:
        """The text as typed: control characters go; a missing glyph prints as a mark (with
        Helvetica: transliteration, and ? for what Latin-1 lacks)."""
        text = "" if value is None else str(value)
        text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\t", " "))
        if not self.unicode_font:
            return latin1(text)
        if not self.shaping and any(unicodedata.bidirectional(c) in ("R", "AL") for c in text if ord(c) >= 0x590):
            self.set_text_shaping(True)  # Hebrew and Arabic: right to left, Arabic letters joined
            self.shaping = True  # from here on only: shaping every PDF costs a quarter more time
        if all(ord(char) in self.covered or char in "\n " for char in text):
            return text
        fonts = [self.covered]
        if self.fallback is not None:
            fonts.append(coverage(self.fallback))
            if not self.fallback_added and any(ord(c) in fonts[1] and ord(c) not in self.covered for c in text):
                self.add_font("Fallback", "", str(self.fallback))  # only for a PDF that needs it
                self.set_fallback_fonts(["Fallback"], exact_match=False)
                self.fallback_added = True
        return mark_missing(text, fonts)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family_name, "", 8)
        self.set_text_color(*GREY)
        page = _("{title} · page {page}/{pages}").format(title=self.footer_text, page=self.page_no(), pages="{nb}")
        self.cell(0, 6, self.t(page), align="C")
        self.set_text_color(0, 0, 0)

    def h1(self, text: str) -> None:
        self.set_font(self.family_name, "B", 22)
        self.multi_cell(0, 10, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    def h2(self, text: str) -> None:
        if self.get_y() > self.h - 45:  # keep a heading with at least a few lines of its section
            self.add_page()
        self.ln(4)
        self.set_font(self.family_name, "B", 15)
        self.multi_cell(0, 8, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.ln(1)

    def h3(self, text: str) -> None:
        if self.get_y() > self.h - 35:
            self.add_page()
        self.ln(1)
        self.set_font(self.family_name, "B", 12)
        self.multi_cell(0, 6.5, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    def para(
        self, text: str, size: float = 10.5, bold: bool = False, colour: tuple[int, int, int] | None = None
    ) -> None:
        self.set_font(self.family_name, "B" if bold else "", size)
        if colour:
            self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.set_text_color(0, 0, 0)

    def grid(
        self,
        headings: Sequence[str],
        rows: Iterable[Sequence[Any]],
        widths: Sequence[float],
        size: float = 9.5,
        styles: Callable[[int, int], FontFace | None] | None = None,
    ) -> None:
        """A table that repeats its header on each page; cells are plain text."""
        rows = [list(values) for values in rows]
        fitted = self.fitted(headings, rows, widths, size)
        self.set_font(self.family_name, "", size)
        with self.table(
            col_widths=fitted,
            width=self.epw,
            text_align="LEFT",
            v_align="TOP",
            line_height=size * 0.5,
            padding=CELL_PADDING,
            borders_layout="HORIZONTAL_LINES",
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
            cell_fill_color=ROW_FILL,
            cell_fill_mode="ROWS",
        ) as table:
            header = table.row()
            for heading in headings:
                header.cell(self.t(heading))
            for r, values in enumerate(rows):
                row = table.row()
                for c, value in enumerate(values):
                    style = styles(r, c) if styles else None
                    if style is None:
                        row.cell(self.t(value))
                    else:
                        row.cell(self.t(value), style=style)
        self.ln(2)

    def fitted(
        self, headings: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float], size: float
    ) -> tuple[float, ...]:
        """Column widths (mm) near `widths` in which no heading's or cell's word is split: a language
        with longer words takes the room from the columns that have some to spare."""
        wanted = [w * self.epw / sum(widths) for w in widths]
        needed = [
            min(self._longest_word([heading, *(row[c] for row in rows)], size) + 2 * CELL_PADDING + 1, self.epw / 3)
            for c, heading in enumerate(headings)
        ]
        short = sum(max(n - w, 0.0) for n, w in zip(needed, wanted))
        spare = sum(max(w - n, 0.0) for n, w in zip(needed, wanted))
        if short == 0 or spare < short:
            return tuple(wanted) if short == 0 else tuple(n * self.epw / sum(needed) for n in needed)
        return tuple(max(n, w - (w - n) * short / spare) if w > n else n for n, w in zip(needed, wanted))

    def _longest_word(self, texts: Sequence[Any], size: float) -> float:
        """The width (mm) of the longest word among a column's texts; headings are bold."""
        longest = 0.0
        for n, text in enumerate(texts):
            self.set_font(self.family_name, "B" if n == 0 else "", size)
            words = self.t(str(text)).split()
            longest = max([longest, *(self.get_string_width(word) for word in words)])
        return longest

    def need(self, height_mm: float) -> None:
        """Start a new page unless `height_mm` still fits: keeps a heading with what follows."""
        if self.get_y() + height_mm > self.page_break_trigger:
            self.add_page()

    def figure(self, picture: bytes | str, width_mm: float | None = None) -> None:
        """Place a rendered chart (or the note saying why it is missing)."""
        if isinstance(picture, str):
            self.para(picture, size=9, colour=GREY)
            return
        self.image(io.BytesIO(picture), w=width_mm or self.epw)
        self.ln(2)

    def figure_height(self, picture: bytes | str, width_mm: float | None = None) -> float:
        if isinstance(picture, str):
            return 10.0
        width_px, height_px = _png_size(picture)
        return (width_mm or self.epw) * height_px / max(width_px, 1)


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header, without decoding the image."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@lru_cache(maxsize=1)
def _chart_fonts() -> None:
    """Charts label notes too: give their renderer the CJK font the PDF's text uses."""
    fallback = find_fallback_font()
    if fallback is not None:
        vl_convert.register_font_directory(str(fallback.parent))


def render_png(chart: Any) -> bytes | str:
    """The chart as a PNG, or a note saying why not: a PDF without one picture still helps.

    The spec is not re-validated here; tests validate every chart's spec.
    """
    try:
        _chart_fonts()
        spec = chart.to_json(validate=False)  # its `config.locale` writes the axes in the export's language
        return vl_convert.vegalite_to_png(spec, scale=CHART_SCALE)
    except Exception as exc:  # noqa: BLE001 - any renderer failure must not cost the whole PDF
        log.warning("chart could not be rendered: %s", exc)
        return _("(This chart could not be drawn: {reason})").format(reason=exc)


# --- PDF: sections ---------------------------------------------------------------------------
# One function per section of the `summary` model, in the order leaders read it.


def _pdf_head(doc: _Document, s: Summary) -> None:
    h = s.head
    doc.h1(_("Ship It — {title}").format(title=h.title))
    doc.ln(1)
    doc.para(_("Organisation: {organisation}").format(organisation=h.organisation), size=12)
    doc.para(_("Stage context: {stage} — {focus}").format(stage=h.stage, focus=h.stage_focus), size=12)
    people = ngettext("{n} participant", "{n} participants", h.participants).format(n=numbers.whole(h.participants))
    doc.para(
        _("Workshop code {code} · {participants} · held {held} · exported {exported}").format(
            code=h.code, participants=people, held=h.held, exported=h.exported
        ),
        size=10,
        colour=GREY,
    )


def _pdf_none(doc: _Document, text: str) -> None:
    doc.para(text, size=10, colour=GREY)


def _pdf_checklist(doc: _Document, s: Summary) -> None:
    items = s.checklist
    doc.h2(said(HEADINGS["checklist"]))
    doc.grid(
        [_("Status"), _("Item"), _("Why")],
        [[_("Done") if i.done else _("Open"), i.title, i.reason] for i in items],
        widths=(16, 62, 102),
        size=10,
        styles=lambda r, c: FontFace(emphasis="BOLD", color=GREEN if items[r].done else RED) if c == 0 else None,
    )
    doc.h3(said(HEADINGS["open"]))
    for item in s.open_items:
        doc.para(f"• {item.title}: {item.reason}", size=10.5)
    if not s.open_items:
        doc.para(_("None: ship it."), size=10.5, bold=True, colour=GREEN)


def _pdf_readiness(doc: _Document, s: Summary) -> None:
    """The readiness check, when the room answered it: what it suggests, the areas, the signals."""
    r = s.readiness
    if r is None:
        return
    picture = render_png(s.figures["readiness"].build())
    width = doc.epw * 0.66
    doc.need(40 + doc.figure_height(picture, width) + 7 * (len(r.signals) + 1))  # the section on one page
    doc.h2(said(HEADINGS["readiness"]))
    answered = _("{respondents} of {people} participants answered.").format(respondents=r.respondents, people=r.people)
    doc.para(answered + (f" {r.note}" if r.note else ""), size=10.5)
    for flag in r.pitfalls:
        doc.para(flag, size=10.5, bold=True, colour=RED)
    doc.para(
        _("Weakest areas: {areas}. Step 1 showed its prompts in this order: {dimensions}.").format(
            areas=r.weakest_text, dimensions=", ".join(r.dimension_order)
        ),
        size=10.5,
    )
    doc.ln(1)
    doc.figure(picture, width)
    doc.need(7 * (len(r.signals) + 1))
    doc.grid(
        [_("Signal"), _("Evidence (median)"), _("Does the room agree?"), _("Answers"), _("Figure")],
        [[x.title, x.level, x.agreement, x.answers, x.figure] for x in r.signals],
        widths=(32, 28, 38, 22, 60),
        size=9,
    )


def _pdf_bottlenecks(doc: _Document, s: Summary) -> None:
    doc.h2(said(HEADINGS["bottlenecks"]))
    for board in s.boards:
        doc.need(14 + 7 * (len(board.notes) + 1))
        doc.h3(f"{board.title} ({board.scope})")
        if not board.notes:
            _pdf_none(doc, _("None recorded."))
            continue
        doc.grid(
            ["#", _("Bottleneck"), _("Votes")], [[n.place, n.text, n.votes] for n in board.notes], widths=(8, 148, 24)
        )
        if board.total > len(board.notes):
            doc.para(
                _("…and {n} more on the board (all in the spreadsheet export).").format(
                    n=board.total - len(board.notes)
                ),
                size=9,
                colour=GREY,
            )


def _pdf_figure(doc: _Document, s: Summary, section: str, share: float, room: float) -> bool:
    """The section's heading with its chart kept on the same page; False when it has no chart."""
    figure = s.figures.get(section)
    if figure is None:
        return False
    picture = render_png(figure.build())
    doc.need(room + doc.figure_height(picture, doc.epw * share))
    doc.h2(_(HEADINGS[section]))
    doc.figure(picture, doc.epw * share)
    return True


def _pdf_impacts(doc: _Document, s: Summary) -> None:
    if not _pdf_figure(doc, s, "impacts", 0.92, 20):
        doc.h2(said(HEADINGS["impacts"]))
        _pdf_none(doc, _("No impacts recorded."))
        return
    shown = s.most_severe_impacts(PDF_TOP_IMPACTS)
    doc.need(30)
    doc.grid(
        [_("Bottleneck"), _("Outcome"), _("Size"), _("Estimate"), _("Because")],
        [[i.bottleneck, i.outcome, i.magnitude_label, i.money_text, i.because] for i in shown],
        widths=(46, 30, 22, 30, 52),
        size=9,
    )
    if len(s.impacts) > len(shown):
        doc.para(
            _("…the {shown} most severe of {total} impacts; all are in the spreadsheet.").format(
                shown=len(shown), total=len(s.impacts)
            ),
            size=9,
            colour=GREY,
        )


def _pdf_plan(doc: _Document, s: Summary) -> None:
    doc.add_page()
    doc.h2(said(HEADINGS["plan"]))
    doc.para(_("Scores are the room's medians; {formula}.").format(formula=s.formula), size=10)
    if "plan" not in s.figures:
        _pdf_none(doc, _("No initiatives recorded."))
        return
    doc.figure(render_png(s.figures["plan"].build()))
    doc.need(30)
    doc.grid(
        [
            _("Seq."),
            _("Rank"),
            _("Initiative"),
            _("Dimensions"),
            _("Value"),
            _("Effort"),
            _("Urg."),
            _("Conf."),
            s.method,
            _("Decision"),
            _("Owner"),
        ],
        [
            [
                r.sequence_text,
                r.rank,
                r.title,
                r.dimensions,
                *r.figures,
                r.decision or NO_DECISION,
                r.owner or NO_DECISION,
            ]
            for r in s.plan
        ],
        widths=(9, 10, 30, 21, 15, 19, 10, 11, 11, 23, 21),
        size=8.5,
    )


def _pdf_decisions(doc: _Document, s: Summary) -> None:
    doc.need(45)
    doc.h2(said(HEADINGS["decisions"]))
    if not s.decisions:
        _pdf_none(doc, _("No decisions recorded."))
    for d in s.decisions:
        doc.need(30)
        doc.h3(d.title)
        verdict = _("Decision: {choice} ({note})").format(choice=d.choice, note=d.note)
        doc.para(verdict, size=10.5, bold=True, colour=RED if d.overruled or d.moved else None)
        doc.para(_("Rationale: {rationale}").format(rationale=d.rationale), size=10.5)
        doc.para(" · ".join(f"{question} {answer}" for question, answer in d.answers), size=8.5, colour=GREY)
        doc.ln(1)


def _pdf_owners(doc: _Document, s: Summary) -> None:
    doc.need(40)
    doc.h2(said(HEADINGS["owners"]))
    if not s.owners:
        _pdf_none(doc, _("No owners assigned."))
        return
    doc.grid(
        [_("Initiative"), _("Owner (DRI)"), _("Metric"), _("Baseline → target"), _("First check-in")],
        [
            [o.title, o.owner, o.metric, f"{o.baseline} → {o.target}{f' {o.unit}' if o.unit else ''}", o.checkin]
            for o in s.owners
        ],
        widths=(48, 38, 40, 32, 22),
        size=9,
    )


def _pdf_followup(doc: _Document, s: Summary) -> None:
    if not s.follow:
        return
    if not _pdf_figure(doc, s, "followup", 0.9, 28):
        doc.need(40)
        doc.h2(said(HEADINGS["followup"]))
        _pdf_none(doc, _("No check-ins recorded yet."))
    rows = s.follow
    history = any(f.history for f in rows)  # the chain column only when something was carried or concluded
    doc.grid(
        [
            _("Initiative"),
            _("Latest"),
            _("Progress"),
            _("Status"),
            _("Next check-in"),
            *([_("Carried / outcome")] if history else []),
        ],
        [
            [
                f.title,
                f"{f.value} {f.unit}".strip(),
                f.progress,
                f.status,
                f.next_checkin + (_(" (overdue {days})").format(days=f.overdue_text) if f.overdue_text else ""),
                *([" · ".join(x for x in (f.chain, f.concluded) if x)] if history else []),
            ]
            for f in rows
        ],
        widths=(42, 22, 20, 24, 30, 42) if history else (54, 28, 22, 32, 44),
        size=9,
        styles=lambda r, c: FontFace(emphasis="BOLD", color=RED) if c == 4 and rows[r].overdue_text else None,
    )
    for f in [f for f in rows if f.reason]:
        doc.para(f"{f.title}: {f.concluded} — {f.reason}", size=9, colour=GREY)
    for c in [c for c in s.checkins if c.note][-8:]:
        doc.para(f"{c.checked_on} · {c.title}: {c.note}", size=9, colour=GREY)


def _pdf_steps(doc: _Document, s: Summary) -> None:
    _pdf_figure(doc, s, "steps", 0.8, 28)
    said = _("Planned {planned} min · spent {spent} min.")
    doc.para(said.format(planned=s.planned_total, spent=s.spent_total), size=10)


_PDF_SECTIONS: tuple[Callable[[_Document, Summary], None], ...] = (
    _pdf_head,
    _pdf_checklist,
    _pdf_readiness,
    _pdf_bottlenecks,
    _pdf_impacts,
    _pdf_plan,
    _pdf_decisions,
    _pdf_owners,
    _pdf_followup,
    _pdf_steps,
)


def to_pdf(snapshot: Snapshot, now: float | None = None, lang: str = SOURCE) -> bytes:
    """The Ship It summary as a PDF with its charts, in the order leaders read it, in language `lang`."""
    with using(lang) as spoken:
        moment = time.time() if now is None else now
        s = summary(snapshot, moment)
        heading = _("Ship It — {title}")
        doc = _Document(heading.format(title=frames.truncate(s.head.title, 60)), find_font())
        doc.set_title(doc.t(heading.format(title=s.head.title)))
        doc.set_subject(doc.t(_("{organisation} · scaling workshop summary").format(organisation=s.head.organisation)))
        doc.set_lang(spoken)
        doc.set_creation_date(datetime.fromtimestamp(moment, tz=UTC))
        doc.add_page()
        for section in _PDF_SECTIONS:
            section(doc, s)
        return bytes(doc.output())
