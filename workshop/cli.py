"""Command line: `python -m workshop demo|list|export|import|copy|similar|portfolio-key|retention|deletions|serve`
(all accept --db PATH, a SQLite file or a postgresql:// URL).

`export --format` takes md, json, ics (text: standard output or -o), pdf, xlsx and csv. csv
writes a zip of every table, or with `--table NAME` one table as CSV text. ics is the owners'
next check-ins as an iCalendar file; its owner-page links start with `--url BASE` (default
$WORKSHOP_URL, the server's public address) and are bare paths without one. Binary files
go to -o, or to standard output when it is redirected (never onto a terminal).

`similar CODE` prints step 1's suggested duplicates, one group a line; with `--json` a list of
groups, each a list of note ids with the suggested note to keep first.

`copy --to TARGET` copies the whole database, row for row, into an empty one on either engine.

`serve --processes N` runs N app processes on the database behind nginx (`workshop/serve.py`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from workshop import actions, store
from workshop.actions import portfolio
from workshop.backup import export, importer
from workshop.demo import create_demo
from workshop.domain import numbers
from workshop.domain.errors import ImportRefused, InvalidInput, WorkshopError
from workshop.domain.language import N_
from workshop.domain.vocabulary import normalise_code, status_word
from workshop.reports import calendar, markdown
from workshop.reports.summary import export_language
from workshop.store import Database
from workshop.store import erasure as store_erasure

FORMATS = ("md", "pdf", "xlsx", "csv", "json", "ics", "audit")
URL_ENV = "WORKSHOP_URL"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m workshop", description="Scaling Workshop tools.")
    parser.add_argument(
        "--db",
        help="database: a SQLite file or a postgresql:// URL (default: $WORKSHOP_DB or sessions.db beside app.py)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="create a complete sample workshop and print its code and key")
    demo.add_argument(
        "--followup-days",
        type=int,
        default=0,
        metavar="N",
        help="hold it N days ago and add the owners' check-ins since (default 0)",
    )
    sub.add_parser("list", help="list every workshop in the database")
    exp = sub.add_parser("export", help="export a workshop's summary or backup")
    exp.add_argument("code")
    exp.add_argument("--format", choices=FORMATS, default="md")
    exp.add_argument(
        "--table",
        metavar="NAME",
        help="with --format csv: write this one table (e.g. initiatives) as CSV text, not a zip of all",
    )
    exp.add_argument(
        "--url",
        metavar="BASE",
        help=f"with --format ics: the server's address, for the Ship It link in each event (default: ${URL_ENV})",
    )
    exp.add_argument("-o", "--output", help="file to write (default: standard output)")
    imp = sub.add_parser("import", help="restore a workshop from a JSON export")
    imp.add_argument("file")
    cp = sub.add_parser("copy", help="copy the whole database, row for row, into an empty one (SQLite or PostgreSQL)")
    cp.add_argument(
        "--to", required=True, metavar="TARGET", help="the empty database: a SQLite file or a postgresql:// URL"
    )
    sim = sub.add_parser("similar", help="print step 1's suggested duplicates (groups of note ids, keep first)")
    sim.add_argument("code")
    sim.add_argument("--json", action="store_true", help="print the groups as JSON")
    sub.add_parser("portfolio-key", help="issue a new portfolio key (the earlier one stops working); prints it once")
    sub.add_parser(
        "retention",
        help=f"number the participants of workshops that ended ${actions.RETAIN_NAMES_ENV} days ago, "
        f"and delete those that ended ${actions.DELETE_AFTER_ENV} days ago",
    )
    sub.add_parser("deletions", help="list the workshops deleted on this server: code, when, why, by whom")
    srv = sub.add_parser("serve", help="run N app processes on the database behind nginx (Ctrl-C stops them)")
    srv.add_argument(
        "--processes", type=int, default=os.cpu_count() or 1, metavar="N", help="app processes (default: one per core)"
    )
    srv.add_argument("--port", type=int, default=8501, help="the port nginx listens on (default 8501)")
    srv.add_argument("--address", default="0.0.0.0", help="the address nginx listens on (default: every interface)")
    srv.add_argument(
        "--run-dir", type=Path, help="where the nginx configuration and logs go (default: a temporary folder)"
    )
    for name in (
        "demo",
        "list",
        "export",
        "import",
        "copy",
        "similar",
        "portfolio-key",
        "retention",
        "deletions",
        "serve",
    ):
        sub.choices[name].add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        db = store.connect(args.db) if args.db else store.connect()
    except WorkshopError as exc:  # an engine this app does not support, or a server not answering
        why = str(exc.__cause__).strip().splitlines()[-1:] if exc.__cause__ else []
        print(f"error: {exc}" + "".join(f" ({line.strip()})" for line in why), file=sys.stderr)
        return 2
    try:
        if args.command == "demo":
            created = create_demo(db, followup_days=max(0, args.followup_days))
            print(
                f"Sample workshop created.\njoin code:       {created.code}\n"
                f"facilitator key: {created.facilitator_key}\n"
                f"open:            http://localhost:8501/?join={created.code}"
            )
        elif args.command == "list":
            rows = store.list_workshops(db)
            if not rows:
                print("No workshops yet.")
            for row in rows:
                held = numbers.when(row["created_at"])
                status = status_word(row["ended_at"])
                print(
                    f"{row['code']}  {held}  {status:5}  {row['participant_count']:3} people  "
                    f"{row['organisation']} — {row['title']}"
                )
        elif args.command == "export":
            _export(db, args.code, args.format, args.output, table=args.table, url=args.url)
        elif args.command == "import":
            code, key = export.import_document(db, _read_import(args.file))
            print(f"Imported workshop {code}.\nnew facilitator key: {key}")
        elif args.command == "copy":
            _copy(db, args.to)
        elif args.command == "similar":
            _similar(db, args.code, args.json)
        elif args.command == "serve":
            return _serve(db, args)
        elif args.command == "portfolio-key":
            if os.environ.get(portfolio.PORTFOLIO_KEY_ENV):
                raise InvalidInput(f"{portfolio.PORTFOLIO_KEY_ENV} is set, and that key opens the portfolio.")
            print(
                f"New portfolio key (shown once; the earlier one no longer opens /portfolio):\n"
                f"{portfolio.issue_portfolio_key(db)}"
            )
        elif args.command == "retention":
            _retention(db)
        elif args.command == "deletions":
            _deletions(db)
    except WorkshopError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        db.close()
    return 0


def _copy(db: Database, to: str) -> None:
    target = store.connect(to)
    try:
        copied = store.copy_database(db, target)
    finally:
        target.close()
    print(f"Copied {copied['workshops']} workshops ({sum(copied.values())} rows) from {db.name} to {target.name}.")


def _serve(db: Database, args: argparse.Namespace) -> int:
    """The portfolio key is issued here, once, before the processes start (each would else race
    to issue its own); then the box runs until stopped."""
    from workshop import serve

    if args.processes < 1:
        raise InvalidInput(N_("--processes must be at least 1."))
    issued = portfolio.ensure_portfolio_key(db)
    if issued:
        print(f"Portfolio key, shown once (open /portfolio with it): {issued}", flush=True)
    return serve.serve(db.address, args.processes, args.address, args.port, args.run_dir)


def _similar(db: Database, code: str, as_json: bool) -> None:
    """Step 1's suggested duplicates: ids for scripts, or the notes' texts for a person."""
    groups = actions.suggestions_for(db, code)
    if as_json:
        print(json.dumps([list(g.members) for g in groups]))
        return
    if not groups:
        print("No suggested duplicates.")
    workshop = store.workshop_by_code(db, normalise_code(code))
    notes = {r["id"]: r["text"] for r in store.bottlenecks(db, workshop["id"])} if workshop else {}
    for group in groups:
        print(" | ".join(f"#{i} {notes[i]}" + (" (keep)" if i == group.keep else "") for i in group.members))


def _retention(db: Database) -> None:
    """Apply both retention settings now (checked together first: a bad pair changes nothing) and
    say what each did, or that it is not set."""
    days, after = actions.retain_names_days(), actions.delete_after_days()
    if days is None:
        print(f"{actions.RETAIN_NAMES_ENV} is not set: names are kept.")
    else:
        done = actions.anonymise_due(db, days)
        print(f"Names numbered in {numbers.plural(len(done), 'workshop')} that ended {days} or more days ago.")
        for code in done:
            print(code)
    if after is None:
        print(f"{actions.DELETE_AFTER_ENV} is not set: workshops are kept.")
        return
    gone = actions.delete_due(db, after)
    print(f"Deleted {numbers.plural(len(gone), 'workshop')} that ended {after} or more days ago.")
    for code in gone:
        print(code)


def _deletions(db: Database) -> None:
    """The server's record of deleted workshops, newest first (no personal data: code, when, why, who)."""
    records = store_erasure.deletions(db)
    if not records:
        print("No workshop has been deleted.")
    for r in records:
        ended = numbers.when(r.ended_at)
        print(f"{r.code}  deleted {numbers.when(r.deleted_at)}  ended {ended}  {r.reason} ({r.deleted_by})")


def _read_import(name: str) -> bytes:
    """The file to import, refused on its size before it is read (and never read past the limit,
    so a pipe or device cannot fill the memory either)."""
    try:
        with open(name, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > importer.MAX_IMPORT_BYTES:
                raise importer.too_large(size)
            raw = handle.read(importer.MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise WorkshopError(f"Cannot read {name}: {exc.strerror or exc}.") from None
    if len(raw) > importer.MAX_IMPORT_BYTES:
        raise ImportRefused(f"{name} is over {importer.MAX_IMPORT_BYTES:,} bytes, the limit for an import.")
    return raw


def _server_url(url: str | None) -> str:
    """--url, else $WORKSHOP_URL, else none; an address that is not http(s) is refused, since
    links built from it would open nowhere."""
    given = (url if url is not None else os.environ.get(URL_ENV, "")).strip()
    if given and not calendar.is_absolute(given):
        source = "--url" if url is not None else URL_ENV
        raise InvalidInput(f"{source} must start with http:// or https:// (it is {given!r}).")
    return given


def _render(db: Database, code: str, fmt: str, table: str | None, url: str | None) -> str | bytes:
    """The export as text (md, json, one CSV table), UTF-8 text with CRLF lines (ics, kept as
    bytes so the line ends survive), or bytes (pdf, xlsx, csv zip)."""
    if table is not None and fmt != "csv":
        raise InvalidInput(N_("--table only goes with --format csv."))
    if url is not None and fmt != "ics":
        raise InvalidInput(N_("--url only goes with --format ics."))
    if fmt == "json":
        return export.export_json(db, code)
    from workshop.store.load import load

    snapshot = load(db, code)
    lang = export_language(snapshot)  # the workshop's language, as the downloads use it
    if fmt == "ics":
        return calendar.workshop_ics(snapshot, _server_url(url), lang)
    if fmt == "md":
        return markdown.markdown(snapshot, lang=lang)
    from workshop.reports import pdf, sheets, trail  # imported here: charts and PDF libraries cost a second at start-up

    if fmt == "audit":
        return trail.to_csv(snapshot.loaded_trail, lang)
    if fmt == "csv":
        return sheets.to_csv(snapshot, table, lang=lang) if table else sheets.to_csv_zip(snapshot, lang=lang)
    return pdf.to_pdf(snapshot, lang=lang) if fmt == "pdf" else sheets.to_xlsx(snapshot, lang=lang)


def _export(
    db: Database, code: str, fmt: str, output: str | None, table: str | None = None, url: str | None = None
) -> None:
    """Write one export; binary ones refuse a terminal so nobody gets a screen of garbage."""
    binary = fmt in ("pdf", "xlsx") or (fmt == "csv" and table is None)
    if binary and output is None and sys.stdout.isatty():
        what = "a zip of CSV files (or choose one with --table NAME)" if fmt == "csv" else "a binary file"
        raise InvalidInput(f"The {fmt} export is {what}: write it with -o FILE or redirect the output.")
    content = _render(db, code, fmt, table, url)
    if output:
        path = Path(output)
        try:
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        except OSError as exc:
            raise WorkshopError(f"Cannot write {output}: {exc.strerror}.") from None
        print(f"Wrote {output}", file=sys.stderr)
    elif isinstance(content, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(content)
