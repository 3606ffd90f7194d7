"""Offline sites: the site bundle a kiosk without network loads from a USB stick, and the
records and close-outs it carries back — checked and stored as if they came over HTTP.

What goes out (the bundle, the receipt) is signed with the platform's current pass-signing
key; what comes in is applied only when signed by an enrolled, unrevoked kiosk of the venue,
with the key it enrolled (or was registered) with.
"""

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
from credit_api.service.common import ApiError, _chunks, log
from credit_api.service.devices import device_row
from credit_api.service.feeds import registrations_page
from credit_api.service.ledgers import load_ledger
from credit_api.service.programme import _session_model, venue
from credit_api.service.records import ingest
from sync import passes
from sync.offline import (
    KIND_RECEIPT,
    RECEIPT_FORMAT,
    OfflineUploadEnvelope,
    UploadReceipt,
    canonical_upload_text,
    sign_document,
    signed_bundle,
)
from sync.protocol import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    CloseoutRequest,
    DeviceKey,
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
    devices = [DeviceKey(device_id=d.id, public_key=d.public_key) for d in conn.execute(
        select(t.devices.c.id, t.devices.c.public_key).where(
            t.devices.c.venue_id == venue_id, t.devices.c.revoked_at.is_(None),
            t.devices.c.public_key.is_not(None)).order_by(t.devices.c.id))]
    return SiteBundle(
        format=BUNDLE_FORMAT, version=BUNDLE_VERSION, generated_at=now, venue=v,
        trainers=trainers, sessions=[_session_model(s) for s in srows], registrations=regs,
        keys=keyring.trust_list(conn, now), devices=devices,
        revocations=[Revocation(pass_id=r.pass_id, revoked_at=r.revoked_at) for r in revs])


def export_signed_bundle(conn: Connection, venue_id: int, now: datetime,
                         files: keyring.KeyFiles | None = None) -> tuple[SiteBundle, dict[str, Any]]:
    """The bundle, and the signed document written to the stick (``signed_bundle``)."""
    bundle = export_bundle(conn, venue_id, now, files)
    key = keyring.current_key(conn, files, now)
    return bundle, signed_bundle(bundle, key.private, key.key_id)


def signed_receipt(conn: Connection, device_id: int, upload_sha256: str, imported_at: datetime,
                   results: list[dict[str, Any]], closeouts: list[dict[str, Any]],
                   files: keyring.KeyFiles | None = None) -> dict[str, Any]:
    """The receipt for one upload, signed with the current key, for ``starkiosk
    import-receipt``: it names the device and the upload, so a kiosk acknowledges only its
    own records of that export."""
    receipt = UploadReceipt(format=RECEIPT_FORMAT, device_id=device_id,
                            upload_sha256=upload_sha256, imported_at=imported_at,
                            results=results, closeouts=closeouts)
    key = keyring.current_key(conn, files, imported_at)
    return sign_document(receipt.model_dump(mode="json"), KIND_RECEIPT, key.private, key.key_id)


def import_records(conn: Connection, venue_id: int, batch: Sequence[UploadRecord],
                   now: datetime, *, device_id: int) -> dict[str, Any]:
    """Records from a USB stick: the same checks and idempotency as an HTTP upload, as sent
    by the kiosk that signed the file."""
    venue(conn, venue_id)
    counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
    results: list[dict[str, Any]] = []
    for chunk in _chunks(batch, 1000):
        for res in ingest(conn, chunk, device_id=device_id, venue_id=venue_id, now=now,
                          source="usb"):
            counts[res.result] += 1
            results.append(res.model_dump())
    return {**counts, "results": results}


def check_envelope(conn: Connection, env: OfflineUploadEnvelope | None, raw_upload: Any) -> int:
    """Verify a USB export; the id of the kiosk that signed it, or a refusal (403) whose word
    is one of ``unsigned``, ``bad_checksum``, ``unknown_device`` (no device id, or one the
    platform never enrolled: a self-signed file), ``device_revoked``, ``wrong_venue``,
    ``wrong_key`` (not the key the device enrolled with) or ``bad_signature``."""
    from cryptography.exceptions import InvalidSignature

    if env is None:
        raise ApiError(403, "unsigned", "the file is not signed by a kiosk; only uploads signed "
                       "by an enrolled kiosk of the venue are applied")
    body = canonical_upload_text(raw_upload)
    if hashlib.sha256(body).hexdigest() != env.sha256:
        raise ApiError(403, "bad_checksum", "the file's sha256 does not match its content; it "
                       "was changed or damaged after the kiosk wrote it")
    dev = device_row(conn, env.device_id)
    if dev is None:
        raise ApiError(403, "unknown_device", f"the file names device {env.device_id}, which "
                       "the platform never enrolled; register the kiosk's key with credit-api "
                       "register-device, then export again")
    if dev.revoked_at is not None:
        raise ApiError(403, "device_revoked", f"device {dev.id} was revoked on "
                       f"{dev.revoked_at:%Y-%m-%d}; its files are not applied")
    if dev.venue_id != env.upload.venue_id:
        raise ApiError(403, "wrong_venue", f"device {dev.id} is enrolled at venue "
                       f"{dev.venue_id}, but the file is for venue {env.upload.venue_id}")
    if dev.public_key is None or dev.public_key != env.device_public_key:
        raise ApiError(403, "wrong_key", f"the file is not signed with the key device {dev.id} "
                       "enrolled with" + (" (it enrolled without one)" if dev.public_key is None
                                          else ""))
    try:
        key = passes.public_key_from_raw(base64.b64decode(env.device_public_key))
        key.verify(base64.b64decode(env.signature), body)
    except (InvalidSignature, ValueError):
        raise ApiError(403, "bad_signature", "the file's signature does not verify; it was "
                       "changed after the kiosk signed it") from None
    return int(dev.id)


def _time_refusal(signed: datetime | None, now: datetime,
                  exported_at: datetime) -> tuple[str, str] | None:
    """Why an offline close-out's attested time cannot be true, or None."""
    if signed is None:
        return "no_device_time", "an offline close-out needs the time it was signed"
    if signed > now:
        return "device_time_in_future", "signed after the file was imported: the kiosk's clock is wrong"
    if signed > exported_at:
        return "device_time_after_export", "signed after the kiosk wrote the file"
    return None


def import_offline_closeouts(conn: Connection, venue_id: int,
                             closeouts: Sequence[CloseoutRequest], now: datetime, *,
                             device_id: int, exported_at: datetime) -> list[dict[str, Any]]:
    """Close-outs done at an offline site, checked as of when the trainer signed them (the
    device's attested ``device_time``, no later than the file's ``exported_at`` nor the
    import): the class had started, the trainer's pass was valid then (and is not revoked
    now), and the trainer rules of :func:`closeout` hold.

    Each runs in its own savepoint: one refused close-out does not undo the others.
    """
    out: list[dict[str, Any]] = []
    for req in closeouts:
        refused = _time_refusal(req.device_time, now, exported_at)
        if refused is not None or req.device_time is None:
            word, detail = refused or ("no_device_time", "")
            log.info("offline close-out %s refused: %s", req.id, word)
            out.append({"id": req.id, "session_id": req.session_id, "result": "rejected",
                        "reason": word, "detail": detail})
            continue
        try:
            with conn.begin_nested():
                resp = closeout(conn, req, device_id=device_id, venue_id=venue_id,
                                now=req.device_time, source="usb")
            out.append({"id": req.id, "session_id": req.session_id,
                        "result": "repeated" if resp.repeated else "closed",
                        "awards": len(resp.awards), "held_back": resp.held_back,
                        "response": resp.model_dump(mode="json"),
                        "ledgers": _snapshots(conn, [a.parent_id for a in resp.awards])})
        except ApiError as exc:
            out.append({"id": req.id, "session_id": req.session_id, "result": "rejected",
                        "reason": exc.error, "detail": exc.detail})
    return out


def _snapshots(conn: Connection, parent_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Each awarded parent's stage and its tally now, for the kiosk's credit snapshot (what
    an online kiosk learns from the registrations feed)."""
    out = []
    for pid in sorted(set(parent_ids)):
        state = load_ledger(conn, pid)
        out.append({"parent_id": pid, "stage": state.stage,
                    "stage_credits": state.tallies.get(state.stage, 0)})
    return out
