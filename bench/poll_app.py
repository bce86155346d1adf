"""Baseline for bench/live_room.py: the live board drawn by `st.fragment(run_every=1)` polling.

Run as its own Streamlit server (`streamlit run bench/poll_app.py`, `WORKSHOP_DB` set) and
opened with `?ws=CODE`. Every open page asks the server to rerun the fragment once a second;
each rerun reads the board from SQLite and sends it again. The board is drawn as cheaply as
Streamlit allows (one text element per dimension, one line per note: `votes · text`), so the
comparison is with the lightest possible fragment, not a heavy one.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from workshop import store  # noqa: E402
from workshop.domain.errors import no_workshop  # noqa: E402
from workshop.domain.vocabulary import DIMENSIONS, normalise_code  # noqa: E402

SEPARATOR = " · "
_local = threading.local()


def _db():
    """One connection per script thread, opened once (the live channel does the same)."""
    db = getattr(_local, "db", None)
    if db is None:
        db = _local.db = store.connect()
    return db


def board_lines(code: str) -> dict[str, list[str]] | None:
    db = _db()
    workshop = store.workshop_by_code(db, code)
    if workshop is None:
        return None
    rows = [r for r in store.bottlenecks(db, workshop["id"]) if r["merged_into"] is None and not r["hidden"]]
    rows.sort(key=lambda r: (-r["votes"], r["id"]))
    lines: dict[str, list[str]] = {d.key: [] for d in DIMENSIONS}
    for row in rows:
        lines[row["dimension"]].append(f"{row['votes']:>3}{SEPARATOR}{row['text']}")
    return lines


code = normalise_code(st.query_params.get("ws", ""))


@st.fragment(run_every=1)
def board() -> None:
    lines = board_lines(code)
    if lines is None:
        st.text(str(no_workshop(code)))
        return
    for column, dimension in zip(st.columns(3), DIMENSIONS):
        with column:
            items = lines[dimension.key]
            st.text(f"{dimension.title} ({len(items)})\n" + "\n".join(items))


board()
