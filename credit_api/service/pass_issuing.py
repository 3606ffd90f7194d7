"""Passes: signing a parent's or trainer's pass (the :mod:`sync.passes` format) with the
platform's current key, and publishing a pass as revoked.

A trainer pass is a **day pass** unless asked otherwise (``valid_days=None``): valid until the
end of the venue's day, or for 24 hours when no venue is given.  A pass that leaks, or is
photographed at one class, is worthless the next day.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection

from credit_api import db as t
from credit_api import keys as keyring
from credit_api.service.common import ApiError, insert_new, log, next_seq
from credit_api.service.programme import venue
from sync import passes
from sync.passes import PassData, Role


def issue_pass(conn: Connection, holder_id: int, role: Role, now: datetime,
               valid_days: int | None = 365, files: keyring.KeyFiles | None = None, *,
               venue_id: int | None = None) -> tuple[str, int]:
    """Sign a pass with the current key (sync.passes format); returns (text, pass id).

    ``valid_days=None`` makes a day pass: until the end of ``venue_id``'s day, or 24 hours.
    """
    table = t.trainers if role is Role.TRAINER else t.parents
    if conn.execute(select(table.c.id).where(table.c.id == holder_id)).first() is None:
        who = "trainer" if role is Role.TRAINER else "parent"
        raise ApiError(404, f"unknown_{who}", f"there is no {who} {holder_id}")
    if valid_days is not None and not 1 <= valid_days <= 3650:
        raise ApiError(422, "invalid_request", "valid days must be 1..3650")
    key = keyring.current_key(conn, files, now)
    start = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
    if valid_days is None:
        until = start + timedelta(hours=_day_pass_hours(conn, start, venue_id))
    else:
        until = start + timedelta(days=valid_days)
    for _ in range(20):
        pass_id = secrets.randbelow(2**32 - 1) + 1
        got = insert_new(conn, t.passes, pass_id=pass_id, holder_id=holder_id,
                         role=role.name.lower(), key_id=key.key_id, valid_from=start,
                         valid_until=until, issued_at=now)
        if got:
            break
    else:  # pragma: no cover - 20 collisions in 2**32 ids
        raise RuntimeError("could not find a free pass id")
    text = passes.sign(PassData(key.key_id, pass_id, holder_id, role, start, until), key.private)
    log.info("issued %s pass %s for %s (key %s)", role.name.lower(), pass_id, holder_id,
             key.key_id)
    return text, pass_id


def _day_pass_hours(conn: Connection, start: datetime, venue_id: int | None) -> int:
    """Whole hours from ``start`` to the end of the venue's local day (at least one), or 24.

    A pass's validity is whole hours (docs/protocol.md §1), so it ends on the last full hour
    before midnight, never after.
    """
    if venue_id is None:
        return 24
    try:
        zone = ZoneInfo(venue(conn, venue_id).timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("Asia/Shanghai")
    local = start.astimezone(zone)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    left = midnight.astimezone(UTC) - start  # in UTC: right across a DST change too
    return max(1, int(left.total_seconds() // 3600))


def revoke_pass(conn: Connection, pass_id: int, now: datetime) -> bool:
    """Publish a pass id as revoked; False when it already was."""
    if conn.execute(select(t.passes.c.pass_id).where(t.passes.c.pass_id == pass_id)).first() is None:
        raise ApiError(404, "unknown_pass", f"no pass {pass_id} was issued by this platform")
    got = insert_new(conn, t.revocations, pass_id=pass_id, revoked_at=now, seq=next_seq(conn))
    conn.execute(t.passes.update().where(t.passes.c.pass_id == pass_id,
                                         t.passes.c.revoked_at.is_(None)).values(revoked_at=now))
    return bool(got)
