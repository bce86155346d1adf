"""Command line: `python -m workshop demo|list|export|import` (all accept --db PATH)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from . import export, storage
from .demo import create_demo
from .errors import WorkshopError

FORMATS = ("md", "json")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m workshop", description="Scaling Workshop tools.")
    parser.add_argument("--db", help="database file (default: $WORKSHOP_DB or sessions.db beside app.py)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="create a complete sample workshop and print its code and key")
    sub.add_parser("list", help="list every workshop in the database")
    exp = sub.add_parser("export", help="export a workshop's summary or backup")
    exp.add_argument("code")
    exp.add_argument("--format", choices=FORMATS, default="md")
    exp.add_argument("-o", "--output", help="file to write (default: standard output)")
    imp = sub.add_parser("import", help="restore a workshop from a JSON export")
    imp.add_argument("file")
    for name in ("demo", "list", "export", "import"):
        sub.choices[name].add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    db = storage.connect(args.db) if args.db else storage.connect()
    try:
        if args.command == "demo":
            created = create_demo(db)
            print(f"Sample workshop created.\njoin code:       {created.code}\n"
                  f"facilitator key: {created.facilitator_key}\n"
                  f"open:            http://localhost:8501/?join={created.code}")
        elif args.command == "list":
            rows = storage.list_workshops(db)
            if not rows:
                print("No workshops yet.")
            for row in rows:
                created = datetime.fromtimestamp(row["created_at"]).strftime("%Y-%m-%d %H:%M")
                status = "ended" if row["ended_at"] else "live"
                print(f"{row['code']}  {created}  {status:5}  {row['participant_count']:3} people  "
                      f"{row['organisation']} — {row['title']}")
        elif args.command == "export":
            text = export.export_json(db, args.code) if args.format == "json" else export.export_markdown(db, args.code)
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
                print(f"Wrote {args.output}", file=sys.stderr)
            else:
                sys.stdout.write(text)
        elif args.command == "import":
            try:
                raw = Path(args.file).read_bytes()
            except OSError as exc:
                raise WorkshopError(f"Cannot read {args.file}: {exc.strerror}.") from None
            code, key = export.import_document(db, raw)
            print(f"Imported workshop {code}.\nnew facilitator key: {key}")
    except WorkshopError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        db.close()
    return 0
