"""Programme data the platform admin maintains: venues, trainers, classes, parents and
registrations.  Kiosks see every change at their next download (each write takes a change
number from :func:`~credit_api.service.common.next_seq`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql.schema import Table

from credit_api import db as t
from credit_api.service.common import ApiError, get_setting, insert_new, next_seq
from sync.protocol import Session, Trainer, Venue
from sync.wire_types import _check_masked


def _upsert(conn: Connection, table: Table, key: dict[str, Any], values: dict[str, Any]) -> bool:
    """Update the row with ``key`` or insert it; True when inserted."""
    where = and_(*(table.c[k] == v for k, v in key.items()))
    if conn.execute(table.update().where(where).values(**values)).rowcount:
        return False
    conn.execute(table.insert().values(**key, **values))
    return True


def put_venue(conn: Connection, venue: Venue) -> None:
    # legacy_parent_numbers is the platform's setting, not the venue row's (see venue()).
    _upsert(conn, t.venues, {"id": venue.id},
            venue.model_dump(exclude={"id", "legacy_parent_numbers"}))


def legacy_parent_numbers(conn: Connection) -> bool:
    """Whether kiosks still take a typed parent number without its check digit (the setting
    ``legacy_parent_numbers``; "true" until every card in use shows the check digit)."""
    return get_setting(conn, "legacy_parent_numbers", "true").strip().lower() in (
        "true", "1", "yes", "on")


def put_trainer(conn: Connection, trainer: Trainer) -> None:
    _upsert(conn, t.trainers, {"id": trainer.id},
            {"masked_name": trainer.name, "organisation": trainer.organisation})


def put_session(conn: Connection, session: Session) -> None:
    """Add or change a class; kiosks see it at their next sessions download."""
    if conn.execute(select(t.venues.c.id).where(t.venues.c.id == session.venue_id)).first() is None:
        raise ApiError(404, "unknown_venue", f"there is no venue {session.venue_id}")
    _upsert(conn, t.sessions, {"id": session.id},
            {**session.model_dump(exclude={"id"}), "seq": next_seq(conn)})


def put_parent(conn: Connection, parent_id: int, masked_name: str, phone_last4: str,
               now: datetime) -> bool:
    """Add a parent (masked name and the phone's last four digits only); False if known."""
    try:
        _check_masked(masked_name)
    except ValueError:
        raise ApiError(422, "invalid_request", "a parent's name must be stored masked, e.g. "
                       "王*明") from None
    if not (len(phone_last4) == 4 and phone_last4.isdigit()):
        raise ApiError(422, "invalid_request", "phone_last4 must be four digits")
    return insert_new(conn, t.parents, id=parent_id, masked_name=masked_name,
                      phone_last4=phone_last4, stage=1, completed=False, created_at=now)


def register(conn: Connection, session_id: int, parent_id: int, *, withdrawn: bool = False) -> None:
    venue_id = conn.execute(select(t.sessions.c.venue_id)
                            .where(t.sessions.c.id == session_id)).scalar()
    if venue_id is None:
        raise ApiError(404, "unknown_class", f"there is no class {session_id}")
    _upsert(conn, t.registrations, {"session_id": session_id, "parent_id": parent_id},
            {"venue_id": venue_id, "withdrawn": withdrawn, "seq": next_seq(conn)})


def venue(conn: Connection, venue_id: int) -> Venue:
    row = conn.execute(select(t.venues).where(t.venues.c.id == venue_id)).first()
    if row is None:
        raise ApiError(404, "unknown_venue", f"there is no venue {venue_id}")
    return Venue(id=row.id, name=row.name, kind=row.kind, district=row.district,
                 timezone=row.timezone, legacy_parent_numbers=legacy_parent_numbers(conn))


def _session_model(r: Row[Any]) -> Session:
    return Session(
        id=r.id, venue_id=r.venue_id, title=r.title, series=r.series, stage=r.stage,
        starts_at=r.starts_at, ends_at=r.ends_at, capacity=r.capacity, credits=r.credits,
        room=r.room, trainer_id=r.trainer_id, walk_in_policy=r.walk_in_policy,
        checkout_required=bool(r.checkout_required), status=r.status)
