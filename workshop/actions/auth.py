"""Who is acting: the AUTH step every action starts with.

A workshop is found by its join code; the facilitator proves the key (or a device token
issued for it), a participant their token, a leader their link. Only hashes are stored.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from workshop import store
from workshop.domain import audit
from workshop.domain.audit import Actor, Draft, Tally
from workshop.domain.errors import InputLocked, NotAllowed, NotFound, Phrase, no_workshop, step_phrase
from workshop.domain.followup import FACILITATOR, LEADER_LINK, OWNER_LINK
from workshop.domain.language import N_
from workshop.domain.text import clean_text
from workshop.domain.vocabulary import CLIENT_ID_MAX, normalise_code, write_by_key, write_opens
from workshop.store import Database

Row = dict[str, Any]


NOT_RECOGNISED = N_("Join the workshop first: your identity was not recognised.")


def hash_secret(secret: str) -> str:
    """Keys and tokens are random and long, so a plain SHA-256 is enough to store them."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _now(now: float | None) -> float:
    """The moment of an action: tests and the sample pass one in, the app uses the clock."""
    return time.time() if now is None else float(now)


def _workshop(db: Database, code: str) -> Row:
    row = store.workshop_by_code(db, normalise_code(code))
    if row is None:
        raise no_workshop(code)
    return row


def _facilitator(db: Database, code: str, key: str | None) -> Row:
    """The workshop, if `key` is its facilitator key or a facilitator device token.

    A device token is issued when the key is entered (see `facilitator_token`), so the
    key itself never has to sit in a URL or on a projected screen.
    """
    return _by_facilitator(db, code, key)[0]


def _by_facilitator(db: Database, code: str, key: str | None) -> tuple[Row, Actor]:
    """The workshop and which facilitator credential is acting, as the audit trail names it."""
    workshop = _workshop(db, code)
    actor = _holds_facilitator_key(db, workshop, key)
    if actor is not None:
        return workshop, actor
    raise NotAllowed(N_("Only the facilitator can do this: enter the facilitator key."))


def _holds_facilitator_key(db: Database, workshop: Row, key: str | None) -> Actor | None:
    """The key itself or a facilitator device, in the trail's words; None if `key` is neither."""
    if not key:
        return None
    digest = hash_secret(str(key).strip())
    if hmac.compare_digest(digest, workshop["key_hash"]):
        return audit.KEY
    device = store.participant_by_token(db, workshop["id"], digest)
    if device is None or not device["is_facilitator"]:
        return None
    number = store.participant_number(db, workshop["id"], device["id"])
    return Actor(audit.FACILITATOR, audit.device_via(number))


def _entry(actor: Actor, action: str, now: float | None = None) -> Draft:
    """The audit entry a facilitator's, leader's or owner's change opens (`store.change` writes it)."""
    return Draft(actor, action, _now(now))


def _counted(kind: str) -> Tally:
    """A participant's write, counted per step and kind instead of logged."""
    return Tally(kind)


def _participant(db: Database, workshop: Row, token: str | None) -> Row:
    """The participant of this workshop holding `token`."""
    row = store.participant_by_token(db, workshop["id"], hash_secret(str(token))) if token else None
    if row is None:
        raise NotAllowed(NOT_RECOGNISED)
    return row


def _open(workshop: Row) -> None:
    if workshop["ended_at"] is not None:
        raise InputLocked(N_("The workshop has ended; its summary is read-only."))
    if workshop["locked"]:
        raise InputLocked(N_("The facilitator has locked input for the moment."))


def _not_ended(workshop: Row) -> None:
    if workshop["ended_at"] is not None:
        raise InputLocked(N_("The workshop has ended; reopen it to run the clock again."))


def _again(db: Database, workshop: Row) -> Row:
    """The workshop read again inside the open `store.change`.

    The write lock is held from the version bump on, so a check made on this row sees exactly
    what the write will see: a Next press, a lock or a budget change cannot slip in between. The
    bump itself returns the row (`store.changing`); it is read anew once the change has written it.
    """
    row = store.changing(db, workshop["id"]) or store.workshop_by_code(db, workshop["code"])
    if row is None:
        raise no_workshop(workshop["code"])
    return row


def _on_step(workshop: Row, write: str) -> None:
    """A participant never writes ahead of the room: `write` waits until its step opens."""
    kind = write_by_key(write)
    if not write_opens(kind, workshop["current_step"]):
        raise InputLocked(
            N_("{writes} open at {step}; the room is on {current}."),
            writes=Phrase(kind.title),
            step=step_phrase(kind.step),
            current=step_phrase(workshop["current_step"]),
        )


def _writable(db: Database, workshop: Row, write: str) -> Row:
    """Inside the change: the workshop as it is now, open for input and on the step of `write`."""
    fresh = _again(db, workshop)
    _open(fresh)
    _on_step(fresh, write)
    return fresh


def _follower(db: Database, code: str, credential: str | None) -> tuple[Row, str, str | None, Actor]:
    """The workshop, who is acting, for an owner link whose initiatives it covers, and the actor
    as the audit trail names it.

    Follow-through accepts the facilitator, the leader link and an owner's own link; every
    other action refuses the two links because they are neither the key, a facilitator device
    nor a participant. An owner link is scoped to one owner's initiatives (the third value).
    """
    workshop = _workshop(db, code)
    if credential:
        digest = hash_secret(str(credential).strip())
        if workshop["leader_hash"] and hmac.compare_digest(digest, workshop["leader_hash"]):
            return workshop, LEADER_LINK, None, audit.LEADER_LINK
        link = store.owner_link(db, workshop["id"], digest)
        if link is not None:
            return workshop, OWNER_LINK, str(link["owner"]), Actor(audit.OWNER, audit.owner_via(str(link["owner"])))
        actor = _holds_facilitator_key(db, workshop, credential)
        if actor is not None:
            return workshop, FACILITATOR, None, actor
    raise NotAllowed(N_("Only the facilitator, a leader link or the owner's own link can record check-ins."))


def _owner_link(db: Database, code: str, token: str | None) -> tuple[Row, str]:
    """The workshop and the owner whose current link `token` is (revoked links open nothing)."""
    workshop = _workshop(db, code)
    link = store.owner_link(db, workshop["id"], hash_secret(str(token).strip())) if token else None
    if link is None:
        raise NotAllowed(N_("This owner link is not valid: it may have been reissued or revoked. Ask the facilitator."))
    return workshop, str(link["owner"])


def is_leader(db: Database, code: str, token: str | None) -> bool:
    """True if `token` is this workshop's current (not revoked) leader link."""
    try:
        return _follower(db, code, token)[1] == LEADER_LINK
    except (NotAllowed, NotFound):
        return False


def is_facilitator(db: Database, code: str, key: str | None) -> bool:
    """True if `key` opens this workshop (for the UI to decide what to show)."""
    try:
        _facilitator(db, code, key)
    except (NotAllowed, NotFound):
        return False
    return True


def identified(db: Database, code: str, token: object) -> tuple[Row, Row]:
    """The workshop and the participant behind `token` (their id and name) in one read, refused
    as every participant action refuses them: what a phone's own view is read for."""
    digest = hash_secret(token) if isinstance(token, str) and token else ""
    workshop, participant = store.with_participant(db, normalise_code(code), digest)
    if workshop is None:
        raise no_workshop(code)
    if participant is None:
        raise NotAllowed(NOT_RECOGNISED)
    return workshop, participant


def identify(db: Database, code: str, token: str | None) -> Row | None:
    """The participant behind a token, or None (used to restore identity on refresh)."""
    try:
        return _participant(db, _workshop(db, code), token)
    except (NotAllowed, NotFound):
        return None


# What a secret opens, one browser cookie each (see `workshop/live/web.py`): a facilitator device, a
# participant, the leader link, an owner link. The facilitator key itself is never remembered.
FACILITATOR_DEVICE, PARTICIPANT, LEADER, OWNER = "f", "p", "l", "o"
CREDENTIALS = (FACILITATOR_DEVICE, PARTICIPANT, LEADER, OWNER)
SECRET_MAX = 100  # issued secrets are 24 characters; anything far longer is not one


def credential(db: Database, code: str, secret: object) -> str | None:
    """Which kind of credential `secret` is in this workshop (one of `CREDENTIALS`), else None.

    A link's secret moves from the address bar into a cookie of its kind only when it opens
    something, so a bad link still reaches its page and is told so there.
    """
    if not isinstance(secret, str) or not secret or len(secret) > SECRET_MAX:
        return None
    workshop = store.workshop_by_code(db, normalise_code(code))
    if workshop is None:
        return None
    digest = hash_secret(secret)
    person = store.participant_by_token(db, workshop["id"], digest)
    if person is not None:
        return FACILITATOR_DEVICE if person["is_facilitator"] else PARTICIPANT
    if workshop["leader_hash"] and hmac.compare_digest(digest, workshop["leader_hash"]):
        return LEADER
    if store.owner_link(db, workshop["id"], digest) is not None:
        return OWNER
    return None


def _client_id(value: Any) -> str | None:
    """A phone's id for one submission: a retry with the same id is stored once."""
    return clean_text(value, N_("Submission id"), max_len=CLIENT_ID_MAX, required=False) or None


def _sent_before(db: Database, table: str, workshop: Row, participant: Row, client: str | None) -> int | None:
    """The id of the row this participant already sent under `client`, if this is a retry.

    Every add that takes a client id answers a retry with the first row instead of a copy; the
    lookup is the same for notes, impacts and initiatives, so it is written once.
    """
    if not client:
        return None
    existing = store.by_client_id(db, table, workshop["id"], participant["id"], client)
    return None if existing is None else int(existing["id"])
