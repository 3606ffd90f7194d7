"""Close-out: a trainer signs off a class, the kiosk's roster corrections are applied, and
credits (and any stars they complete) are awarded once per parent.

A close-out is accepted only for a class that has started (at ``now``: the server's time over
HTTP, the attested device time for a USB import), signed by the class's trainer — or, for a
class without one, a trainer authorised for the venue — with at most the class's walk-in cap
of unregistered parents added (:mod:`credit_api.service.trainers`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from credit_api import credits as rules
from credit_api import db as t
from credit_api import keys as keyring
from credit_api.service.common import (
    ApiError,
    _chunks,
    _local_date,
    insert_new,
    log,
    next_seq,
    policy,
)
from credit_api.service.ledgers import load_ledger, set_ledger
from credit_api.service.programme import venue
from credit_api.service.trainers import is_authorised, record_pass_use, walk_in_cap
from sync import passes
from sync.passes import Role
from sync.protocol import (
    CloseoutRequest,
    CloseoutResponse,
    CorrectionResult,
    CreditAward,
    StarEarned,
)


def _verify_trainer(conn: Connection, req: CloseoutRequest, session: Row[Any],
                    now: datetime) -> int:
    revoked = set()
    try:
        data, _, _ = passes.parse(req.trainer_pass)
        revoked = set(conn.execute(select(t.revocations.c.pass_id)
                                   .where(t.revocations.c.pass_id == data.pass_id)).scalars())
    except passes.PassFormatError:
        pass
    result = passes.verify(req.trainer_pass, keyring.public_keys(conn, now), now,
                           is_revoked=revoked.__contains__, role=Role.TRAINER)
    if not result.ok or result.data is None:
        word = result.error.value if result.error else "unreadable"
        log.info("close-out %s refused: trainer pass %s: %s", req.id,
                 passes.mask_pass(req.trainer_pass), word)
        raise ApiError(422, f"trainer_pass_{word}",
                       f"the trainer's pass was not accepted ({word.replace('_', ' ')})")
    if result.data.pass_id != req.trainer_pass_id:
        raise ApiError(422, "trainer_pass_mismatch",
                       "trainer_pass_id does not match the pass that was scanned")
    trainer_id = result.data.parent_id
    if conn.execute(select(t.trainers.c.id).where(t.trainers.c.id == trainer_id)).first() is None:
        raise ApiError(422, "unknown_trainer", f"trainer {trainer_id} is not known to the platform")
    if session.trainer_id is None:
        if not is_authorised(conn, trainer_id, session.venue_id):
            raise ApiError(422, "trainer_not_authorised",
                           f"class {session.id} has no trainer of its own, and trainer "
                           f"{trainer_id} is not authorised for venue {session.venue_id} "
                           "(credit-api authorise-trainer)")
    elif session.trainer_id != trainer_id:
        raise ApiError(422, "not_this_trainer",
                       f"class {session.id} is led by trainer {session.trainer_id}; only that "
                       "trainer can close it out")
    return trainer_id


def closeout(conn: Connection, req: CloseoutRequest, *, device_id: int | None, venue_id: int,
             now: datetime, source: str = "http") -> CloseoutResponse:
    """Close a class: apply the trainer's corrections, award credits once per parent.

    ``now`` is when the trainer signed: the server's clock over HTTP, the device's attested
    time for a close-out carried on a USB stick.
    """
    earlier = _earlier_answer(conn, req, venue_id, now)
    if earlier is not None:
        return earlier
    locked = conn.execute(select(t.sessions).where(t.sessions.c.id == req.session_id)
                          .with_for_update()).first()
    # The class row is locked now: a copy of this close-out sent concurrently has either
    # committed (answer as a repeat) or waits for us.
    done = conn.execute(select(t.closeouts).where(t.closeouts.c.id == req.id)).first()
    if done is not None and done.session_id == req.session_id:
        return _as_repeat(done, now)
    session = _open_session(conn, req, locked, venue_id)
    if now < session.starts_at:
        raise ApiError(409, "class_not_started",
                       f"class {req.session_id} starts at {session.starts_at.isoformat()}; a "
                       "class is closed out after it has started")
    trainer_id = _verify_trainer(conn, req, session, now)

    recs = {r.id: r for r in conn.execute(select(t.records)
                                          .where(t.records.c.session_id == req.session_id))}
    corrections: list[dict[str, Any]] = []
    removals, removed_parents = _apply_removals(conn, req, recs, corrections)
    attending = {r.parent_id for r in recs.values()
                 if r.kind == "checkin" and r.removed_by is None and r.parent_id not in removed_parents}
    checked_out = {r.parent_id for r in recs.values() if r.kind == "checkout"}
    additions, added = _apply_additions(conn, req, session, recs, attending, corrections,
                                        device_id, now)
    if corrections:
        conn.execute(t.roster_corrections.insert(), corrections)

    credited = sorted(p for p in attending
                      if not session.checkout_required or p in checked_out or p in added)
    awards = _award_all(conn, session, credited, req.id, venue_id, now)
    _mark_closed(conn, req.session_id, credited, now)
    answers = removals + additions
    held = sum(a.result == "held_back" for a in answers)
    resp = CloseoutResponse(server_time=now, id=req.id, session_id=req.session_id, closed_at=now,
                            repeated=False, attendees=len(attending), removed=len(removed_parents),
                            added=len(added), awards=awards, corrections=answers, held_back=held)
    if held:
        log.warning("close-out %s of class %s: %d correction(s) held back (%s)", req.id,
                    req.session_id, held, ", ".join(sorted({a.reason or "" for a in answers
                                                            if a.result == "held_back"})))
    conn.execute(t.closeouts.insert().values(
        id=req.id, session_id=req.session_id, trainer_id=trainer_id,
        trainer_pass_id=req.trainer_pass_id, device_id=device_id, closed_at=now,
        response=resp.model_dump_json()))
    record_pass_use(conn, pass_id=req.trainer_pass_id, trainer_id=trainer_id,
                    device_id=device_id, venue_id=venue_id, session_id=req.session_id,
                    closeout_id=req.id, at=now, source=source, now=t.now_utc())
    log.info("class %s closed out by trainer %s: %d attendees, %d awards", req.session_id,
             trainer_id, len(attending), len(awards))
    return resp


def _as_repeat(done: Row[Any], now: datetime) -> CloseoutResponse:
    """The answer stored for a close-out, sent again as a repeat."""
    stored = CloseoutResponse.model_validate_json(done.response)
    return stored.model_copy(update={"server_time": now, "repeated": True})


def _earlier_answer(conn: Connection, req: CloseoutRequest, venue_id: int,
                    now: datetime) -> CloseoutResponse | None:
    """The stored answer when this close-out id was already done for this class."""
    done = conn.execute(select(t.closeouts).where(t.closeouts.c.id == req.id)).first()
    if done is None:
        return None
    owner = conn.execute(select(t.sessions.c.venue_id)
                         .where(t.sessions.c.id == done.session_id)).scalar()
    if owner != venue_id:
        raise ApiError(404, "unknown_class",
                       f"class {req.session_id} is not a class of this venue")
    if done.session_id != req.session_id:
        raise ApiError(409, "closeout_id_reused",
                       f"close-out {req.id} was for class {done.session_id}, not {req.session_id}")
    return _as_repeat(done, now)


def _open_session(conn: Connection, req: CloseoutRequest, session: Row[Any] | None,
                  venue_id: int) -> Row[Any]:
    """The class, if it is this venue's and neither cancelled nor closed already."""
    if session is None or session.venue_id != venue_id:
        raise ApiError(404, "unknown_class", f"class {req.session_id} is not a class of this venue")
    if session.status == "cancelled":
        raise ApiError(409, "class_cancelled", f"class {req.session_id} was cancelled")
    if session.status == "closed":
        other = conn.execute(select(t.closeouts.c.id, t.closeouts.c.closed_at)
                             .where(t.closeouts.c.session_id == req.session_id)).first()
        when = other.closed_at.isoformat() if other else "earlier"
        raise ApiError(409, "already_closed",
                       f"class {req.session_id} was already closed out ({when}); nothing changed")
    return session


def _apply_removals(conn: Connection, req: CloseoutRequest, recs: dict[str, Row[Any]],
                    corrections: list[dict[str, Any]]
                    ) -> tuple[list[CorrectionResult], set[int]]:
    """Mark the check-ins the trainer removed, each on its own: one answer per removal, and
    the parents whose check-in was removed.  A removal the platform cannot apply is held back
    or is nothing to do; it never stops the close-out."""
    answers: list[CorrectionResult] = []
    removed_parents: set[int] = set()
    refused = _refused_earlier(conn, req)
    missing = [rm.checkin_id for rm in req.removals if rm.checkin_id not in recs]
    elsewhere = set(conn.execute(select(t.records.c.id).where(
        t.records.c.id.in_(missing))).scalars()) if missing else set()
    for rm in req.removals:
        rec = recs.get(rm.checkin_id)
        if rec is None or rec.kind != "checkin":
            answers.append(_unknown_removal(
                rm.checkin_id, refused.get(rm.checkin_id),
                is_other=rec is not None or rm.checkin_id in elsewhere))
            continue
        removed_parents.add(rec.parent_id)
        if rec.removed_by is not None:
            answers.append(CorrectionResult(action="remove", checkin_id=rec.id,
                                            parent_id=rec.parent_id, result="nothing_to_do",
                                            reason="already_removed"))
            continue
        conn.execute(t.records.update().where(t.records.c.id == rec.id)
                     .values(removed_reason=rm.reason, removed_by=req.id))
        corrections.append({"closeout_id": req.id, "action": "remove", "record_id": rec.id,
                            "parent_id": rec.parent_id, "reason": rm.reason})
        answers.append(CorrectionResult(action="remove", checkin_id=rec.id,
                                        parent_id=rec.parent_id, result="applied"))
    return answers, removed_parents


def _refused_earlier(conn: Connection, req: CloseoutRequest) -> dict[str, Row[Any]]:
    """The removals' records that the platform refused at upload, for this class."""
    ids = [rm.checkin_id for rm in req.removals]
    if not ids:
        return {}
    return {r.id: r for r in conn.execute(select(t.refused_records).where(
        t.refused_records.c.id.in_(ids), t.refused_records.c.session_id == req.session_id))}


def _unknown_removal(checkin_id: str, refused: Row[Any] | None, *,
                     is_other: bool) -> CorrectionResult:
    """A removal of a record the class's attendance does not hold."""
    if refused is not None:  # never counted: the removal is already true
        return CorrectionResult(action="remove", checkin_id=checkin_id,
                                parent_id=refused.parent_id, result="nothing_to_do",
                                reason="refused_at_upload", detail=refused.reason)
    return CorrectionResult(action="remove", checkin_id=checkin_id, result="held_back",
                            reason="not_this_class" if is_other else "not_uploaded")


def _apply_additions(conn: Connection, req: CloseoutRequest, session: Row[Any],
                     recs: dict[str, Row[Any]], attending: set[int],
                     corrections: list[dict[str, Any]], device_id: int | None,
                     now: datetime) -> tuple[list[CorrectionResult], set[int]]:
    """Check in the parents the trainer added, as manual check-ins (``attending`` and
    ``corrections`` grow), each on its own: one answer per addition, and who was added.
    Registered parents may be added freely, others up to the class's walk-in cap; an unknown
    parent, or a walk-in over the cap, is held back and the rest go ahead."""
    add_ids = [a.parent_id for a in req.additions]
    known_parents = set(conn.execute(select(t.parents.c.id)
                                     .where(t.parents.c.id.in_(add_ids))).scalars()) if add_ids else set()
    registered = set(conn.execute(select(t.registrations.c.parent_id).where(
        t.registrations.c.session_id == req.session_id,
        t.registrations.c.withdrawn.is_(False))).scalars())
    room = walk_in_cap(conn, session)
    answers: list[CorrectionResult] = []
    added: set[int] = set()
    for add in req.additions:
        pid = add.parent_id
        why = ("unknown_parent" if pid not in known_parents
               else "walk_in_cap_exceeded" if pid not in registered and pid not in attending
               and room <= 0 else None)
        if why is not None:
            answers.append(CorrectionResult(action="add", parent_id=pid, result="held_back",
                                            reason=why))
            continue
        if pid in attending:
            answers.append(CorrectionResult(action="add", parent_id=pid, result="nothing_to_do",
                                            reason="already_checked_in"))
            continue
        room -= pid not in registered
        rid = str(uuid.uuid5(uuid.UUID(req.id), f"add:{pid}"))
        corrections.append({"closeout_id": req.id, "action": "add", "record_id": rid,
                            "parent_id": pid, "reason": add.reason})
        _check_in_added(conn, req, recs, rid, pid, pid not in registered, device_id, now)
        attending.add(pid)
        added.add(pid)
        answers.append(CorrectionResult(action="add", parent_id=pid, result="applied"))
    return answers, added


def _check_in_added(conn: Connection, req: CloseoutRequest, recs: dict[str, Row[Any]],
                    rid: str, parent_id: int, walk_in: bool, device_id: int | None,
                    now: datetime) -> None:
    """The added parent's check-in: an earlier removed one re-instated, or a manual one."""
    existing = next((r for r in recs.values() if r.parent_id == parent_id
                     and r.kind == "checkin"), None)
    if existing is not None:
        conn.execute(t.records.update().where(t.records.c.id == existing.id)
                     .values(removed_reason=None, removed_by=None))
        return
    conn.execute(t.records.insert().values(
        id=rid, kind="checkin", session_id=req.session_id, parent_id=parent_id, pass_id=None,
        method="manual", walk_in=walk_in, device_time=now, clock_offset_ms=0, received_at=now,
        device_id=device_id, source="closeout"))


def _award_all(conn: Connection, session: Row[Any], credited: Sequence[int], closeout_id: str,
               venue_id: int, now: datetime) -> list[CreditAward]:
    """Award the class's credits to each credited parent, dated in the venue's time zone."""
    pol = policy(conn)
    day = _local_date(now, venue(conn, venue_id).timezone)
    awards: list[CreditAward] = []
    for parent_id in credited:
        award = _award(conn, pol, session, parent_id, closeout_id, day, now)
        if award is not None:
            awards.append(award)
    return awards


def _mark_closed(conn: Connection, session_id: int, credited: Sequence[int],
                 now: datetime) -> None:
    """Close the class; the credited parents' registrations for classes still to come take
    the same change number, so kiosks download their new credits."""
    seq = next_seq(conn)
    conn.execute(t.sessions.update().where(t.sessions.c.id == session_id)
                 .values(status="closed", seq=seq))
    if credited:
        open_sessions = select(t.sessions.c.id).where(t.sessions.c.status == "scheduled",
                                                      t.sessions.c.ends_at > now)
        for chunk in _chunks(credited, 1000):
            conn.execute(t.registrations.update().where(
                t.registrations.c.parent_id.in_(chunk),
                t.registrations.c.session_id.in_(open_sessions)).values(seq=seq))


def _award(conn: Connection, pol: rules.Policy, session: Row[Any], parent_id: int,
           closeout_id: str, day: str, now: datetime) -> CreditAward | None:
    state = load_ledger(conn, parent_id, lock=True)
    stage = rules.credit_stage(state, session.stage)
    got = insert_new(conn, t.credit_awards, session_id=session.id, parent_id=parent_id,
                     stage=stage, credits=session.credits, closeout_id=closeout_id,
                     awarded_at=now)
    if not got:
        return None  # this parent already has this class's credits
    stage, earned = rules.award(state, pol, session.stage, session.credits, day)
    set_ledger(conn, parent_id, state)
    if earned:
        conn.execute(t.stars.update().where(t.stars.c.parent_id == parent_id,
                                            t.stars.c.stage.in_(earned))
                     .values(session_id=session.id))
    return CreditAward(parent_id=parent_id, credits=session.credits, stage=stage,
                       stars=[StarEarned(stage=s, date=day) for s in earned])
