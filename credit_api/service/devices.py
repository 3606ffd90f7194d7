"""Kiosks and their credentials: one-time enrolment codes, enrolment, the device token that
authenticates every later request, and revoking a device."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from credit_api import db as t
from credit_api.service.common import ApiError, get_setting, log, sha256_hex
from credit_api.service.programme import venue
from sync.protocol import DeviceInfo, Venue

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


def new_enrolment_code(conn: Connection, venue_id: int, now: datetime,
                       hours: int | None = None) -> tuple[str, datetime]:
    """A one-time code for enrolling one kiosk at ``venue_id``; only its hash is stored."""
    if conn.execute(select(t.venues.c.id).where(t.venues.c.id == venue_id)).first() is None:
        raise ApiError(404, "unknown_venue", f"there is no venue {venue_id}")
    hours = hours or int(get_setting(conn, "enrol_code_hours", "48"))
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    expires = now + timedelta(hours=hours)
    conn.execute(t.enrolment_codes.insert().values(
        code_hash=sha256_hex(normalise_code(code)), venue_id=venue_id, created_at=now,
        expires_at=expires))
    return code, expires


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def enrol(conn: Connection, code: str, device_name: str, now: datetime,
          public_key: str | None = None) -> tuple[int, str, Venue]:
    """Spend an enrolment code: a new device and its token (returned once, stored hashed)."""
    code_hash = sha256_hex(normalise_code(code))
    row = conn.execute(select(t.enrolment_codes).where(t.enrolment_codes.c.code_hash == code_hash)
                       .with_for_update()).first()
    if row is None:
        raise ApiError(403, "bad_code", "this enrolment code is not valid; ask the platform "
                       "admin for a new one")
    if row.used_at is not None:
        raise ApiError(403, "code_used", "this enrolment code was already used; each code "
                       "enrols one kiosk — ask for a new one")
    if row.expires_at <= now:
        raise ApiError(403, "code_expired", "this enrolment code has expired; ask for a new one")
    token = secrets.token_urlsafe(32)
    device_id = conn.execute(t.devices.insert().values(
        venue_id=row.venue_id, name=device_name, token_hash=sha256_hex(token), enrolled_at=now,
        public_key=public_key,
    ).returning(t.devices.c.id)).scalar_one()
    done = conn.execute(t.enrolment_codes.update().where(
        t.enrolment_codes.c.code_hash == code_hash, t.enrolment_codes.c.used_at.is_(None)
    ).values(used_at=now, device_id=device_id)).rowcount
    if done != 1:  # lost a race with another kiosk using the same code
        raise ApiError(403, "code_used", "this enrolment code was already used")
    log.info("device %s enrolled at venue %s", device_id, row.venue_id)
    return int(device_id), token, venue(conn, row.venue_id)


@dataclass(frozen=True)
class Device:
    id: int
    venue_id: int
    name: str
    enrolled_at: datetime


def authenticate(conn: Connection, token: str, now: datetime) -> Device:
    row = conn.execute(select(t.devices).where(t.devices.c.token_hash == sha256_hex(token))).first()
    if row is None:
        raise ApiError(401, "unauthorized", "unknown device token; enrol this kiosk again")
    if row.revoked_at is not None:
        raise ApiError(403, "device_revoked", "this kiosk was revoked by the platform; enrol it "
                       "again with a new code")
    if row.last_seen_at is None or now - row.last_seen_at > timedelta(minutes=1):
        conn.execute(t.devices.update().where(t.devices.c.id == row.id).values(last_seen_at=now))
    return Device(row.id, row.venue_id, row.name, row.enrolled_at)


def revoke_device(conn: Connection, device_id: int, now: datetime) -> bool:
    return bool(conn.execute(t.devices.update().where(
        t.devices.c.id == device_id, t.devices.c.revoked_at.is_(None)).values(revoked_at=now)
    ).rowcount)


def device_info(conn: Connection, device: Device, now: datetime) -> DeviceInfo:
    return DeviceInfo(server_time=now, device_id=device.id, device_name=device.name,
                      venue=venue(conn, device.venue_id), enrolled_at=device.enrolled_at)
