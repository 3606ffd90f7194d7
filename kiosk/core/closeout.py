"""Closing out a class: the trainer signs off the roster with corrections; that releases credits.

The close-out is verified here (the trainer's pass, offline), queued like any record (the
platform applies it idempotently by its id) and the class is locked on this kiosk at once.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from kiosk.core.clock import Clock, SystemClock
from kiosk.core.store import Store
from sync import passes
from sync.passes import Role

log = logging.getLogger(__name__)


class CloseoutError(Exception):
    """The close-out cannot be accepted; ``code`` is a stable word, the message says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Removal:
    checkin_id: str
    reason: str


@dataclass(frozen=True)
class Addition:
    parent_id: int
    reason: str


@dataclass(frozen=True)
class QueuedCloseout:
    id: str
    session_id: int
    trainer_id: int
    trainer_pass_id: int
    attendees: int
    removed: int
    added: int
    held: bool = False


def verify_trainer(store: Store, session_id: int, trainer_pass: str, clock: Clock) -> passes.PassData:
    session = store.session(session_id)
    if session is None:
        raise CloseoutError("unknown_class", f"class {session_id} is not on this kiosk")
    v = passes.verify(trainer_pass, store.trust_keys(), clock.now(),
                      is_revoked=store.is_revoked, role=Role.TRAINER)
    if not v.ok:
        assert v.error is not None
        if v.error is passes.PassError.WRONG_ROLE:
            raise CloseoutError("wrong_role", "this is a parent pass; closing a class needs the trainer's pass")
        raise CloseoutError(f"trainer_pass_{v.error.value}",
                            f"the trainer's pass was not accepted ({v.error.value.replace('_', ' ')})")
    assert v.data is not None
    if session.trainer_id is not None and v.data.parent_id != session.trainer_id:
        raise CloseoutError("not_this_trainer",
                            f"class {session_id} is led by another trainer; only that trainer can close it")
    return v.data


HELD_REASON = "awaiting_trainer_pass"
"""The park reason of a close-out signed with this kiosk's trainer PIN (the PIN fallback).

The platform cannot check a PIN set on one kiosk, so such a close-out locks the class and keeps
the corrections here, but is not sent until a trainer's pass is scanned for it
(:func:`confirm_held_closeout`).  Until then the paper sign-in sheet with the trainer's signature
is the evidence, and the admin screen lists it among the parked items with this reason.
"""


def _check_corrections(store: Store, session_id: int, removals: list[Removal],
                       additions: list[Addition]) -> dict[str, dict]:
    """Validate the corrections against this class's check-ins (call inside store.write())."""
    if store.closeout_for(session_id) is not None:
        raise CloseoutError("already_closed", f"class {session_id} was already closed out on this kiosk")
    records = {r["id"]: r for r in store.records(session_id) if r["kind"] == "checkin"}
    for rem in removals:
        if rem.checkin_id not in records:
            raise CloseoutError("unknown_checkin",
                                f"check-in {rem.checkin_id} is not a check-in of this class")
        if not rem.reason.strip():
            raise CloseoutError("reason_needed", "every removal needs a reason")
    present = {r["parent_id"] for r in records.values()}
    for add in additions:
        if add.parent_id in present:
            raise CloseoutError("already_present", f"parent {add.parent_id} is already checked in")
        if not add.reason.strip():
            raise CloseoutError("reason_needed", "every addition needs a reason")
    return records


def _corrections_json(removals: list[Removal], additions: list[Addition]
                      ) -> tuple[list[dict], list[dict]]:
    return ([{"checkin_id": r.checkin_id, "reason": r.reason.strip()} for r in removals],
            [{"parent_id": a.parent_id, "reason": a.reason.strip()} for a in additions])


def close_out(store: Store, session_id: int, trainer_pass: str, *,
              removals: list[Removal] = (), additions: list[Addition] = (),  # type: ignore[assignment]
              clock: Clock | None = None) -> QueuedCloseout:
    """Verify, queue and lock.  Raises :class:`CloseoutError` with a plain reason."""
    clock = clock or SystemClock()
    trainer = verify_trainer(store, session_id, trainer_pass, clock)
    with store.write():
        records = _check_corrections(store, session_id, list(removals), list(additions))
        closeout_id = str(uuid.uuid4())
        rems, adds = _corrections_json(list(removals), list(additions))
        store.add_closeout(
            closeout_id=closeout_id, session_id=session_id, trainer_pass_id=trainer.pass_id,
            trainer_pass=passes.normalize(trainer_pass), removals=rems, additions=adds,
            device_time=clock.now(),
        )
    log.info("class %s closed out by trainer %s (%d removed, %d added)", session_id,
             trainer.parent_id, len(removals), len(additions))
    return QueuedCloseout(
        id=closeout_id, session_id=session_id, trainer_id=trainer.parent_id,
        trainer_pass_id=trainer.pass_id, attendees=len(records) - len(removals) + len(additions),
        removed=len(removals), added=len(additions),
    )


def close_out_with_pin(store: Store, session_id: int, *,
                       removals: list[Removal] = (), additions: list[Addition] = (),  # type: ignore[assignment]
                       clock: Clock | None = None) -> QueuedCloseout:
    """The PIN fallback: lock the class and record the corrections, held until a trainer's pass.

    The caller has checked this kiosk's trainer PIN.  Nothing is sent to the platform (it could
    not verify the PIN); see :data:`HELD_REASON`.  ``held`` is true on the result.
    """
    clock = clock or SystemClock()
    session = store.session(session_id)
    if session is None:
        raise CloseoutError("unknown_class", f"class {session_id} is not on this kiosk")
    with store.write():
        records = _check_corrections(store, session_id, list(removals), list(additions))
        closeout_id = str(uuid.uuid4())
        rems, adds = _corrections_json(list(removals), list(additions))
        store.add_closeout(
            closeout_id=closeout_id, session_id=session_id, trainer_pass_id=0, trainer_pass=None,
            removals=rems, additions=adds, device_time=clock.now(), held_reason=HELD_REASON,
        )
    log.warning("class %s closed out with this kiosk's trainer PIN (%d removed, %d added); "
                "held until a trainer's pass is scanned", session_id, len(removals), len(additions))
    return QueuedCloseout(
        id=closeout_id, session_id=session_id, trainer_id=session.trainer_id or 0,
        trainer_pass_id=0, attendees=len(records) - len(removals) + len(additions),
        removed=len(removals), added=len(additions), held=True,
    )


def confirm_held_closeout(store: Store, session_id: int, trainer_pass: str, *,
                          clock: Clock | None = None) -> str:
    """Scan the trainer's pass for a close-out signed with the PIN: it joins the upload queue.

    Returns the close-out id.  Raises :class:`CloseoutError` (``not_held`` when there is nothing
    waiting for a pass, or the pass errors of :func:`verify_trainer`).
    """
    clock = clock or SystemClock()
    trainer = verify_trainer(store, session_id, trainer_pass, clock)
    with store.write():
        row = store.closeout_for(session_id)
        if row is None or row["state"] != "parked" or row["park_reason"] != HELD_REASON:
            raise CloseoutError("not_held", f"class {session_id} has no close-out waiting for a trainer's pass")
        store.release_held_closeout(row["id"], trainer_pass_id=trainer.pass_id,
                                    trainer_pass=passes.normalize(trainer_pass),
                                    held_reason=HELD_REASON)
    log.info("held close-out of class %s confirmed by trainer %s", session_id, trainer.parent_id)
    return str(row["id"])
