"""What the export and the importer share: the document's format names and how it writes a time.

`FORMAT` is what an export writes; `READABLE_FORMATS` is every format the importer still
reads. Both sides import this module and never each other's internals, so writing and
reading a backup cannot drift apart in one place and not the other.
"""

from __future__ import annotations

from datetime import UTC, datetime

FORMAT = "scaling-workshop/6"
# /1 predates check-ins; /2 predates the phones' picks, volunteers and the stored questionnaire;
# /3 predates the review of earlier commitments, carried-over initiatives and the readiness check;
# /4 predates step 1's dismissed duplicate suggestions; /5 predates the audit trail and the
# participants' write counts (an older file imports with an empty trail, then its import entry).
READABLE_FORMATS = (
    "scaling-workshop/1",
    "scaling-workshop/2",
    "scaling-workshop/3",
    "scaling-workshop/4",
    "scaling-workshop/5",
    FORMAT,
)


def iso(ts: float | None) -> str | None:
    """How the document writes a time: ISO 8601 in UTC, to the microsecond (the importer reads it back)."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="microseconds")
