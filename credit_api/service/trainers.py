"""Who may sign off a class, how many walk-ins they may add, and where their passes were used.

* A class with a trainer is closed out only by that trainer; a class without one by a trainer
  the admin authorised for the venue (``credit-api authorise-trainer``).
* A trainer may add registered parents freely, but at most ``walk_in_cap`` parents who were not
  registered (the class's own cap, or the platform setting, default 10).
* Every accepted close-out records which device presented which trainer pass, at which venue,
  for which class and when.  A pass seen on two devices or at two venues on one (local) day
  is logged as a warning and listed by ``credit-api trainer-pass-report``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection, Row

from credit_api import db as t
from credit_api.service.common import (
    ApiError,
    _local_date,
    get_setting,
    insert_new,
    log,
    set_setting,
)
from credit_api.service.programme import venue

DEFAULT_WALK_IN_CAP = 10
MAX_WALK_IN_CAP = 10_000


def authorise_trainer(conn: Connection, trainer_id: int, venue_id: int, now: datetime) -> bool:
    """Let a trainer close out the venue's classes that have no trainer; False if already."""
    if conn.execute(select(t.trainers.c.id).where(t.trainers.c.id == trainer_id)).first() is None:
        raise ApiError(404, "unknown_trainer", f"there is no trainer {trainer_id}")
    venue(conn, venue_id)
    return insert_new(conn, t.trainer_venues, trainer_id=trainer_id, venue_id=venue_id,
                      authorised_at=now)


def is_authorised(conn: Connection, trainer_id: int, venue_id: int) -> bool:
    return conn.execute(select(t.trainer_venues.c.trainer_id).where(
        t.trainer_venues.c.trainer_id == trainer_id,
        t.trainer_venues.c.venue_id == venue_id)).first() is not None


def walk_in_cap(conn: Connection, session: Row[Any]) -> int:
    """How many unregistered parents a trainer may add to this class at close-out."""
    if session.walk_in_cap is not None:
        return int(session.walk_in_cap)
    return int(get_setting(conn, "walk_in_cap", str(DEFAULT_WALK_IN_CAP)))


def set_walk_in_cap(conn: Connection, cap: int, session_id: int | None = None) -> None:
    """The platform's walk-in cap, or (with ``session_id``) one class's own."""
    if not 0 <= cap <= MAX_WALK_IN_CAP:
        raise ApiError(422, "invalid_request", f"a walk-in cap is 0..{MAX_WALK_IN_CAP}")
    if session_id is None:
        set_setting(conn, "walk_in_cap", str(cap))
        return
    done = conn.execute(t.sessions.update().where(t.sessions.c.id == session_id)
                        .values(walk_in_cap=cap)).rowcount
    if not done:
        raise ApiError(404, "unknown_class", f"there is no class {session_id}")


def record_pass_use(conn: Connection, *, pass_id: int, trainer_id: int, device_id: int | None,
                    venue_id: int, session_id: int, closeout_id: str, at: datetime,
                    source: str, now: datetime) -> bool:
    """Note a trainer pass presented for a close-out; True (and a warning in the log) when
    the same pass was used on another device or at another venue the same day."""
    day = _local_date(at, venue(conn, venue_id).timezone)
    u = t.trainer_pass_uses.c
    conn.execute(t.trainer_pass_uses.insert().values(
        pass_id=pass_id, trainer_id=trainer_id, device_id=device_id, venue_id=venue_id,
        session_id=session_id, closeout_id=closeout_id, used_at=at, day=day, source=source,
        recorded_at=now))
    others = conn.execute(select(u.device_id, u.venue_id).where(
        u.pass_id == pass_id, u.day == day,
        or_(u.device_id.is_distinct_from(device_id), u.venue_id != venue_id))).all()
    if not others:
        return False
    log.warning("trainer pass %s of trainer %s used on %d device(s) at %d venue(s) on %s "
                "(now device %s, venue %s, class %s); see credit-api trainer-pass-report",
                pass_id, trainer_id, len({o.device_id for o in others} | {device_id}),
                len({o.venue_id for o in others} | {venue_id}), day, device_id, venue_id,
                session_id)
    return True


def pass_use_report(conn: Connection, since: str) -> list[dict[str, Any]]:
    """Trainer passes used on more than one device or at more than one venue on a day
    (days from ``since``, YYYY-MM-DD), oldest day first, with every use."""
    u = t.trainer_pass_uses.c
    rows = conn.execute(select(t.trainer_pass_uses).where(u.day >= since)
                        .order_by(u.day, u.pass_id, u.used_at, u.id)).all()
    groups: dict[tuple[str, int], list[Row[Any]]] = defaultdict(list)
    for r in rows:
        groups[(r.day, r.pass_id)].append(r)
    report = []
    for (day, pass_id), uses in groups.items():
        devices = {r.device_id for r in uses}  # None: a device the platform did not know
        venues = sorted({r.venue_id for r in uses})
        if len(devices) < 2 and len(venues) < 2:
            continue
        report.append({
            "day": day, "pass_id": pass_id, "trainer_id": uses[0].trainer_id,
            "devices": sorted(devices, key=lambda d: (d is None, d or 0)), "venues": venues,
            "uses": [{"device_id": r.device_id, "venue_id": r.venue_id,
                      "session_id": r.session_id, "closeout_id": r.closeout_id,
                      "used_at": r.used_at.isoformat(), "source": r.source} for r in uses]})
    return report
