"""What kiosks download: classes, registrations and revoked passes, each a page after an
opaque cursor, and the attendance the platform holds for a class."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.engine import Connection

from credit_api import db as t
from credit_api.service.common import ApiError
from credit_api.service.programme import _session_model
from sync.protocol import (
    AttendanceRecord,
    AttendanceReport,
    Registration,
    RegistrationKey,
    RegistrationsPage,
    Revocation,
    RevocationsPage,
    SessionsPage,
    Trainer,
)

DEFAULT_PAGE = 1000


# ---------------------------------------------------------------------------
# Cursors (opaque to clients: base64url of "kind:seq:key…")
# ---------------------------------------------------------------------------


def encode_cursor(kind: str, seq: int, *keys: int) -> str:
    raw = ":".join([kind, str(seq), *map(str, keys)]).encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(kind: str, cursor: str | None, nkeys: int) -> tuple[int, tuple[int, ...]]:
    if not cursor:
        return 0, (0,) * nkeys
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        parts = raw.split(":")
        if parts[0] != kind or len(parts) != 2 + nkeys:
            raise ValueError
        seq, *keys = (int(p) for p in parts[1:])
        if not 0 <= seq < 2**62 or any(not 0 <= k < 2**32 for k in keys):
            raise ValueError
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ApiError(400, "bad_cursor", f"this is not a {kind} cursor from this server; "
                       "start again without a cursor") from None
    return seq, tuple(keys)


def sessions_page(conn: Connection, venue_id: int, cursor: str | None, limit: int,
                  now: datetime) -> SessionsPage:
    seq, (last_id,) = decode_cursor("sessions", cursor, 1)
    s = t.sessions.c
    rows = conn.execute(
        select(t.sessions).where(s.venue_id == venue_id,
                                 tuple_(s.seq, s.id) > tuple_(seq, last_id))
        .order_by(s.seq, s.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        seq, last_id = rows[-1].seq, rows[-1].id
    trainer_ids = sorted({r.trainer_id for r in rows if r.trainer_id is not None})
    trainers = [
        Trainer(id=tr.id, name=tr.masked_name, organisation=tr.organisation)
        for tr in conn.execute(select(t.trainers).where(t.trainers.c.id.in_(trainer_ids)))
    ] if trainer_ids else []
    return SessionsPage(server_time=now, items=[_session_model(r) for r in rows],
                        trainers=trainers, cursor=encode_cursor("sessions", seq, last_id),
                        more=more)


def registrations_page(conn: Connection, venue_id: int, cursor: str | None, limit: int,
                       now: datetime) -> RegistrationsPage:
    seq, (last_s, last_p) = decode_cursor("registrations", cursor, 2)
    r, p, sc = t.registrations.c, t.parents.c, t.stage_credits
    q = (
        select(r.session_id, r.parent_id, r.withdrawn, r.seq, p.masked_name, p.phone_last4,
               p.stage, func.coalesce(sc.c.credits, 0).label("credits"))
        .select_from(t.registrations.join(t.parents, p.id == r.parent_id)
                     .outerjoin(sc, and_(sc.c.parent_id == r.parent_id, sc.c.stage == p.stage)))
        .where(r.venue_id == venue_id,
               tuple_(r.seq, r.session_id, r.parent_id) > tuple_(seq, last_s, last_p))
        .order_by(r.seq, r.session_id, r.parent_id).limit(limit + 1)
    )
    rows = conn.execute(q).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items, removed = [], []
    for row in rows:
        if row.withdrawn:
            removed.append(RegistrationKey(session_id=row.session_id, parent_id=row.parent_id))
        else:
            items.append(Registration(
                session_id=row.session_id, parent_id=row.parent_id, masked_name=row.masked_name,
                phone_last4=row.phone_last4, stage=row.stage,
                stage_credits=min(int(row.credits), 100000)))
    if rows:
        seq, last_s, last_p = rows[-1].seq, rows[-1].session_id, rows[-1].parent_id
    return RegistrationsPage(server_time=now, items=items, removed=removed, more=more,
                             cursor=encode_cursor("registrations", seq, last_s, last_p))


def revocations_page(conn: Connection, cursor: str | None, limit: int,
                     now: datetime) -> RevocationsPage:
    seq, (last_id,) = decode_cursor("revocations", cursor, 1)
    v = t.revocations.c
    rows = conn.execute(select(t.revocations)
                        .where(tuple_(v.seq, v.pass_id) > tuple_(seq, last_id))
                        .order_by(v.seq, v.pass_id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        seq, last_id = rows[-1].seq, rows[-1].pass_id
    return RevocationsPage(
        server_time=now, more=more, cursor=encode_cursor("revocations", seq, last_id),
        items=[Revocation(pass_id=r.pass_id, revoked_at=r.revoked_at) for r in rows])


def report(conn: Connection, session_id: int, now: datetime,
           venue_id: int | None = None) -> AttendanceReport:
    row = conn.execute(select(t.sessions.c.status, t.sessions.c.venue_id)
                       .where(t.sessions.c.id == session_id)).first()
    if row is None or (venue_id is not None and row.venue_id != venue_id):
        raise ApiError(404, "unknown_class", f"there is no class {session_id} at this venue")
    recs = conn.execute(select(t.records).where(t.records.c.session_id == session_id)
                        .order_by(t.records.c.device_time, t.records.c.id)).all()
    items = [AttendanceRecord(
        checkin_id=r.id, parent_id=r.parent_id, kind=r.kind, method=r.method,
        walk_in=bool(r.walk_in), device_time=r.device_time, clock_offset_ms=r.clock_offset_ms,
        received_at=r.received_at, removed=r.removed_by is not None,
        removed_reason=r.removed_reason) for r in recs]
    count = len({r.parent_id for r in recs if r.kind == "checkin" and r.removed_by is None})
    return AttendanceReport(server_time=now, session_id=session_id, status=row.status,
                            count=count, records=items)
