"""Kiosks and their credentials: one-time enrolment codes, enrolment (and its limits), the
device token that authenticates every later request, kiosks registered by hand for sites that
are never online, and revoking a device.

Enrolment codes are 12 characters from a 32-letter alphabet: 60 bits.  Failed attempts are
limited per client address (an IPv6 client by its /64) and per code, counted in the database
so the limits hold across server processes and restarts.  There is no cap for all clients
together: it would let anyone lock every kiosk out, and 60 bits need none — even a million
addresses at 10 guesses per 10 minutes make about 2**31 guesses in a code's 48 hours, against
2**60 codes.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from credit_api import db as t
from credit_api.service.common import ApiError, get_setting, log, sha256_hex
from credit_api.service.programme import venue
from sync.protocol import DeviceInfo, Venue

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
CODE_LENGTH = 12  # 12 × 5 bits = 60 bits
#: Device ids are INTEGER columns; a larger id (a forged file may name one) is no device.
MAX_DEVICE_ID = 2**31 - 1
#: Failed attempts are kept this long at least (longer than any limit's window).
FAILURES_KEPT = timedelta(days=1)


def new_enrolment_code(conn: Connection, venue_id: int, now: datetime,
                       hours: int | None = None) -> tuple[str, datetime]:
    """A one-time code for enrolling one kiosk at ``venue_id``; only its hash is stored."""
    if conn.execute(select(t.venues.c.id).where(t.venues.c.id == venue_id)).first() is None:
        raise ApiError(404, "unknown_venue", f"there is no venue {venue_id}")
    hours = hours or int(get_setting(conn, "enrol_code_hours", "48"))
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
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


#: Largest pending count a kiosk may report (``X-Starkiosk-Pending``); anything else is ignored.
MAX_PENDING_REPORTED = 10_000_000
#: ``last_seen_at`` is written at most this often per device: a sync is many requests.
SEEN_EVERY = timedelta(minutes=1)


def authenticate(conn: Connection, token: str, now: datetime,
                 pending: int | None = None) -> Device:
    """The device holding ``token``, or 401 (unknown) / 403 ``device_revoked``.

    Notes when the device was last seen (at most once a minute: a sync is many requests) and,
    when the kiosk reported it, how many records it still has to upload (``pending``) — written
    at once when the count changed, so ``credit-api devices list`` shows the latest.
    """
    row = conn.execute(select(t.devices).where(t.devices.c.token_hash == sha256_hex(token))).first()
    if row is None:
        raise ApiError(401, "unauthorized", "unknown device token; enrol this kiosk again")
    if row.revoked_at is not None:
        raise ApiError(403, "device_revoked", "this kiosk was revoked by the platform; enrol it "
                       "again with a new code")
    stale = row.last_seen_at is None or now - row.last_seen_at > SEEN_EVERY
    values: dict[str, Any] = {"last_seen_at": now} if stale else {}
    if pending is not None and (stale or pending != row.pending_reported):
        values.update(last_seen_at=now, pending_reported=pending, pending_reported_at=now)
    if values:
        conn.execute(t.devices.update().where(t.devices.c.id == row.id).values(**values))
    return Device(row.id, row.venue_id, row.name, row.enrolled_at)


def parse_pending(value: str | None) -> int | None:
    """The kiosk's ``X-Starkiosk-Pending`` header as a count, or None when absent or not a
    plain number in range: a bad header must never stop a kiosk from syncing."""
    if value is None:
        return None
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    n = int(value)
    return n if n <= MAX_PENDING_REPORTED else None


def device_row(conn: Connection, device_id: int | None) -> Row[Any] | None:
    """The device with this id, or None (also for ids no device can have)."""
    if device_id is None or not 1 <= device_id <= MAX_DEVICE_ID:
        return None
    return conn.execute(select(t.devices).where(t.devices.c.id == device_id)).first()


def revoke_device(conn: Connection, device_id: int, now: datetime,
                  reason: str | None = None) -> bool:
    """Revoke a device (its token and its USB key); False when it already was (the first
    revocation's time and reason are kept)."""
    if device_row(conn, device_id) is None:
        raise ApiError(404, "unknown_device", f"there is no device {device_id}")
    reason = (reason or "").strip()[:500] or None
    done = bool(conn.execute(t.devices.update().where(
        t.devices.c.id == device_id, t.devices.c.revoked_at.is_(None)
    ).values(revoked_at=now, revoked_reason=reason)).rowcount)
    if done:
        log.info("device %s revoked", device_id)
    return done


def list_devices(conn: Connection, venue_id: int | None = None, *,
                 device_id: int | None = None) -> list[dict[str, Any]]:
    """Every kiosk (of one venue), oldest first, as the admin's device list shows it: who it
    is, where, when it was enrolled and last seen, the pending count it last reported (None
    when it never did) and whether, when and why it was revoked."""
    d, v = t.devices.c, t.venues.c
    query = (select(d.id, d.name, d.venue_id, v.name.label("venue_name"),
                    v.timezone.label("timezone"), d.enrolled_at, d.last_seen_at,
                    d.pending_reported, d.pending_reported_at, d.revoked_at, d.revoked_reason)
             .join(t.venues, v.id == d.venue_id).order_by(d.id))
    if venue_id is not None:
        venue(conn, venue_id)  # 404 for a venue that does not exist
        query = query.where(d.venue_id == venue_id)
    if device_id is not None:
        query = query.where(d.id == device_id)
    return [dict(row._mapping) for row in conn.execute(query)]


def register_device(conn: Connection, venue_id: int, public_key: str, name: str,
                    now: datetime) -> int:
    """A kiosk that is never online, known by the key it signs USB uploads with (shown by the
    kiosk itself); it has no usable token.  Returns the new device id."""
    venue(conn, venue_id)
    try:
        raw = base64.b64decode(public_key, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32 or base64.b64encode(raw).decode() != public_key:
        raise ApiError(422, "invalid_request", "the public key must be 32 bytes (an Ed25519 "
                       "public key) in standard base64, 44 characters ending in '='")
    taken = conn.execute(select(t.devices.c.id).where(
        t.devices.c.public_key == public_key, t.devices.c.revoked_at.is_(None))).first()
    if taken is not None:
        raise ApiError(409, "key_already_registered",
                       f"this key already belongs to device {taken.id}; revoke it first")
    device_id = conn.execute(t.devices.insert().values(
        venue_id=venue_id, name=name, enrolled_at=now, public_key=public_key,
        token_hash=sha256_hex("no-token:" + secrets.token_urlsafe(32)),
    ).returning(t.devices.c.id)).scalar_one()
    log.info("device %s registered at venue %s by key", device_id, venue_id)
    return int(device_id)


# -- Enrolment limits ---------------------------------------------------------------------------


def client_key(host: str) -> str:
    """What the per-address limit counts: the address; for IPv6 its /64 (one subscriber)."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def enrol_wait(conn: Connection, client: str, code: str, now: datetime, *, per_client: int,
               per_code: int, window_s: float) -> float:
    """Seconds until this client may try this code again, or 0."""
    f = t.enrol_failures.c
    window = timedelta(seconds=window_s)
    waits = [0.0]
    for column, value, cap in ((f.client, client_key(client), per_client),
                               (f.code_hash, sha256_hex(normalise_code(code)), per_code)):
        recent = conn.execute(select(f.failed_at).where(column == value, f.failed_at > now - window)
                              .order_by(f.failed_at.desc()).limit(cap)).scalars().all()
        if len(recent) >= cap:  # a try is free again when the cap-th latest leaves the window
            waits.append((recent[-1] + window - now).total_seconds())
    return max(waits)


def enrol_failed(conn: Connection, client: str, code: str, now: datetime,
                 window_s: float = 0.0) -> None:
    """Count a failed enrolment attempt (and forget those older than a day, or the window)."""
    keep = max(FAILURES_KEPT, timedelta(seconds=window_s))
    conn.execute(t.enrol_failures.delete().where(t.enrol_failures.c.failed_at < now - keep))
    conn.execute(t.enrol_failures.insert().values(
        client=client_key(client), code_hash=sha256_hex(normalise_code(code)), failed_at=now))


def device_info(conn: Connection, device: Device, now: datetime) -> DeviceInfo:
    return DeviceInfo(server_time=now, device_id=device.id, device_name=device.name,
                      venue=venue(conn, device.venue_id), enrolled_at=device.enrolled_at)
