"""Offline sites: the site bundle a kiosk without network loads from a USB stick, and the
records and close-outs it carries back — checked and stored as if they came over HTTP."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from credit_api import db as t
from credit_api import keys as keyring
from credit_api.service.closeouts import closeout
from credit_api.service.common import ApiError, _chunks
from credit_api.service.feeds import registrations_page
from credit_api.service.programme import _session_model, venue
from credit_api.service.records import ingest
from sync import passes
from sync.offline import OfflineUploadEnvelope, canonical_upload_text
from sync.protocol import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    CloseoutRequest,
    Revocation,
    SiteBundle,
    Trainer,
    UploadRecord,
)


def export_bundle(conn: Connection, venue_id: int, now: datetime,
                  files: keyring.KeyFiles | None = None) -> SiteBundle:
    """The kiosk's site bundle for a venue: classes from yesterday on, registrations, keys."""
    v = venue(conn, venue_id)
    keyring.current_key(conn, files, now)  # a fresh platform gets its first key here
    srows = conn.execute(select(t.sessions).where(
        t.sessions.c.venue_id == venue_id, t.sessions.c.ends_at > now - timedelta(days=1))
        .order_by(t.sessions.c.starts_at, t.sessions.c.id)).all()
    sids = [s.id for s in srows]
    page = registrations_page(conn, venue_id, None, 10**9, now)
    regs = [r for r in page.items if r.session_id in set(sids)]
    trainer_ids = {s.trainer_id for s in srows if s.trainer_id is not None}
    trainers = [Trainer(id=r.id, name=r.masked_name, organisation=r.organisation)
                for r in conn.execute(select(t.trainers).where(t.trainers.c.id.in_(trainer_ids))
                                      .order_by(t.trainers.c.id))] if trainer_ids else []
    revs = conn.execute(
        select(t.revocations.c.pass_id, t.revocations.c.revoked_at)
        .select_from(t.revocations.outerjoin(t.passes,
                                             t.passes.c.pass_id == t.revocations.c.pass_id))
        .where(or_(t.passes.c.valid_until.is_(None), t.passes.c.valid_until > now))
        .order_by(t.revocations.c.pass_id)).all()
    return SiteBundle(
        format=BUNDLE_FORMAT, version=BUNDLE_VERSION, generated_at=now, venue=v,
        trainers=trainers, sessions=[_session_model(s) for s in srows], registrations=regs,
        keys=keyring.trust_list(conn, now),
        revocations=[Revocation(pass_id=r.pass_id, revoked_at=r.revoked_at) for r in revs])


def import_records(conn: Connection, venue_id: int, batch: Sequence[UploadRecord],
                   now: datetime) -> dict[str, Any]:
    """Records from a USB stick: the same checks and idempotency as an HTTP upload."""
    venue(conn, venue_id)
    counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
    results: list[dict[str, Any]] = []
    for chunk in _chunks(batch, 1000):
        for res in ingest(conn, chunk, device_id=None, venue_id=venue_id, now=now, source="usb"):
            counts[res.result] += 1
            results.append(res.model_dump())
    return {**counts, "results": results}


def check_envelope(conn: Connection, env: OfflineUploadEnvelope, raw_upload: Any) -> str:
    """Verify a signed USB export; returns how: ``enrolled_key`` or ``self_signed``.

    ``enrolled_key``: the device registered this key when it enrolled, so the file is its.
    ``self_signed``: the file is intact, but the key was never registered (integrity only).
    """
    from cryptography.exceptions import InvalidSignature

    body = canonical_upload_text(raw_upload)
    if hashlib.sha256(body).hexdigest() != env.sha256:
        raise ApiError(422, "bad_checksum", "the file's sha256 does not match its content; it "
                       "was changed or damaged after the kiosk wrote it")
    how = "self_signed"
    if env.device_id is not None:
        dev = conn.execute(select(t.devices).where(t.devices.c.id == env.device_id)).first()
        if dev is not None:
            if dev.venue_id != env.upload.venue_id:
                raise ApiError(422, "wrong_venue", f"device {env.device_id} is enrolled at venue "
                               f"{dev.venue_id}, but the file is for venue {env.upload.venue_id}")
            if dev.public_key is not None:
                if dev.public_key != env.device_public_key:
                    raise ApiError(403, "bad_signature", "the file is not signed with the key "
                                   f"device {env.device_id} enrolled with")
                how = "enrolled_key"
    try:
        key = passes.public_key_from_raw(base64.b64decode(env.device_public_key))
        key.verify(base64.b64decode(env.signature), body)
    except (InvalidSignature, ValueError):
        raise ApiError(403, "bad_signature", "the file's signature does not verify; it was "
                       "changed after the kiosk signed it") from None
    return how


def import_offline_closeouts(conn: Connection, venue_id: int,
                             closeouts: Sequence[CloseoutRequest],
                             now: datetime) -> list[dict[str, Any]]:
    """Close-outs done at an offline site, checked as of when the trainer signed them.

    Each runs in its own savepoint: one refused close-out does not undo the others.
    """
    out: list[dict[str, Any]] = []
    for req in closeouts:
        signed = req.device_time
        if signed is None or signed > now + timedelta(minutes=10):
            out.append({"id": req.id, "session_id": req.session_id, "result": "rejected",
                        "reason": "an offline close-out needs the time it was signed "
                        "(device_time), not in the future"})
            continue
        try:
            with conn.begin_nested():
                resp = closeout(conn, req, device_id=None, venue_id=venue_id, now=signed)
            out.append({"id": req.id, "session_id": req.session_id,
                        "result": "repeated" if resp.repeated else "closed",
                        "awards": len(resp.awards)})
        except ApiError as exc:
            out.append({"id": req.id, "session_id": req.session_id, "result": "rejected",
                        "reason": exc.error, "detail": exc.detail})
    return out
