"""The Ship It downloads: each file an audience is offered, built from that audience's view.

The summary page lists `audience.downloads(audience)` and builds a file with `build`, which refuses a
format the audience is not offered and renders the others from `audience.view`: a participant's
spreadsheet holds the room's results and their own rows, never another person's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from workshop.backup import export
from workshop.domain.audience import Audience, Format, downloads, view
from workshop.domain.errors import NotAllowed
from workshop.domain.language import N_
from workshop.domain.snapshot import Snapshot
from workshop.reports import calendar, markdown, pdf, sheets, trail
from workshop.reports.summary import export_language


@dataclass(frozen=True)
class File:
    """How a download is labelled, named and typed."""

    label: str
    name: str  # with {code}
    mime: str


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILES: dict[Format, File] = {
    "md": File(N_("Markdown"), "ship-it-{code}.md", "text/markdown"),
    "json": File(N_("JSON (backup)"), "workshop-{code}.json", "application/json"),
    "pdf": File(N_("PDF"), "ship-it-{code}.pdf", "application/pdf"),
    "xlsx": File(N_("Spreadsheet (XLSX)"), "workshop-{code}.xlsx", XLSX_MIME),
    "csv": File(N_("CSV (zip)"), "workshop-{code}-csv.zip", "application/zip"),
    "ics": File(N_("All check-ins (.ics)"), "check-ins-{code}.ics", "text/calendar"),
    "audit": File(N_("Audit trail (CSV)"), "audit-trail-{code}.csv", "text/csv"),
}

# Each builder takes the audience's view, the moment, the server's address and the export's language.
_BUILDERS: dict[Format, Callable[[Snapshot, float, str, str], str | bytes]] = {
    "md": lambda s, now, base, lang: markdown.markdown(s, now, lang),
    "json": lambda s, now, base, lang: export.dumps(export.to_document(s, now)),
    "pdf": lambda s, now, base, lang: pdf.to_pdf(s, now=now, lang=lang),
    "xlsx": lambda s, now, base, lang: sheets.to_xlsx(s, now=now, lang=lang),
    "csv": lambda s, now, base, lang: sheets.to_csv_zip(s, now=now, lang=lang),
    "ics": lambda s, now, base, lang: calendar.workshop_ics(s, base, lang),
    "audit": lambda s, now, base, lang: trail.to_csv(s.loaded_trail, lang),
}


def build(
    snapshot: Snapshot,
    audience: Audience,
    fmt: Format,
    now: float | None = None,
    base: str = "",
    lang: str | None = None,
) -> str | bytes:
    """One download as `audience` may have it, in `lang` (the workshop's language unless given);
    a format they are not offered is refused."""
    if fmt not in downloads(audience):
        raise NotAllowed(N_("This download is not offered to you."))
    moment = time.time() if now is None else now
    return _BUILDERS[fmt](view(snapshot, audience), moment, base, lang or export_language(snapshot))


def file_name(fmt: Format, code: str) -> str:
    return FILES[fmt].name.format(code=code)
