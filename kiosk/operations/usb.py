"""A site with no network moves its data on a USB stick: the site bundle comes in, the signed
upload goes out, the platform's receipt comes back (``import-bundle``, ``export-upload``,
``import-receipt``; the admin screen's 导出到U盘).  The file formats are ``sync.offline``.

What comes in must be signed by the platform with a key this kiosk already trusts (its trust
list, from enrolment or an earlier bundle); a fresh kiosk's first bundle is trusted only when its
signing key has the fingerprint the platform admin gave (``--trust-fingerprint``).  A receipt
counts only for an export this kiosk wrote, and only for the records that export carried.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.config import Config
from kiosk.core.store import ImportSummary, Store, from_iso, to_iso
from kiosk.core.store.catalogue import DEVICE_ID_META
from kiosk.operations.common import OperationError
from sync import credentials
from sync.engine import closeout_request, upload_record
from sync.offline import (
    OFFLINE_UPLOAD_FORMAT,
    BundleError,
    OfflineFileError,
    ReceiptError,
    SignedFileError,
    UploadReceipt,
    bundle_signer,
    document_sha256,
    key_fingerprint,
    open_bundle,
    open_receipt,
    read_json_file,
    same_fingerprint,
    seal_upload,
)
from sync.passes import public_key_from_raw
from sync.protocol import SiteBundle

log = logging.getLogger(__name__)

USB_DEVICE_ID = DEVICE_ID_META  # meta: the device id a signed bundle gave this kiosk's key

_HOW_TO_ANCHOR = ("ask the platform admin for the platform key's fingerprint (`credit-api "
                  "platform-key`, four groups such as 3F2A-9C01-77B4-E5D0, read off paper or a "
                  "screen, never off the same stick) and run `starkiosk import-bundle FILE "
                  "--trust-fingerprint FP`, or enrol the kiosk online")


def _read(path: Path, reason: str) -> Any:
    try:
        return read_json_file(path)
    except OfflineFileError as exc:
        raise OperationError(reason, f"{exc}; nothing was imported") from exc


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _anchor(envelope: Any, fingerprint: str) -> dict[int, Ed25519PublicKey]:
    """A fresh kiosk's first trust: the key the bundle names as its signer, if that key has the
    fingerprint the admin typed.  Empty when the file names none (``open_bundle`` then says
    why: not signed, a wrong kind, or a key it does not carry)."""
    signer = bundle_signer(envelope)
    if signer is None:
        return {}
    key_id, raw = signer
    if not same_fingerprint(key_fingerprint(raw), fingerprint):
        raise OperationError(
            "untrusted_bundle", f"the bundle is signed with a key whose fingerprint is "
            f"{key_fingerprint(raw)}, not {fingerprint.strip()}: it is not from your platform "
            "(or the fingerprint was mistyped); nothing was imported", code="wrong_fingerprint")
    return {key_id: public_key_from_raw(raw)}


def _verified_bundle(store: Store, envelope: Any, path: Path,
                     fingerprint: str | None) -> SiteBundle:
    trusted: Mapping[int, Ed25519PublicKey] = store.trust_keys()
    fresh = not trusted
    if fresh and fingerprint:
        trusted = _anchor(envelope, fingerprint)
    try:
        bundle = open_bundle(envelope, trusted)
    except SignedFileError as exc:
        if fresh and not fingerprint and exc.reason == "unknown_key":
            raise OperationError("no_trust_anchor", "this kiosk trusts no platform key yet, so "
                                 f"it cannot tell a real bundle from a forged one: {_HOW_TO_ANCHOR}"
                                 "; nothing was imported", code=exc.reason) from exc
        raise OperationError("untrusted_bundle", f"{path}: {exc} ({exc.reason}); nothing was "
                             "imported", code=exc.reason) from exc
    except BundleError as exc:
        raise OperationError("bad_bundle", f"{path}: {exc}") from exc
    signer = trusted[envelope["key_id"]]
    if fingerprint and not same_fingerprint(key_fingerprint(_raw(signer)), fingerprint):
        raise OperationError("untrusted_bundle", f"{path} is signed with platform key "
                             f"{key_fingerprint(_raw(signer))}, not {fingerprint.strip()}; "
                             "nothing was imported", code="wrong_fingerprint")
    return bundle


def import_site_bundle(config: Config, store: Store, path: Path, *,
                       trust_fingerprint: str | None = None) -> ImportSummary:
    """Verify the signed bundle file, then replace the site data and the trust list with it.

    Refusals (nothing changes): ``bad_bundle`` (unreadable, not JSON, or not a valid bundle
    once verified), ``untrusted_bundle`` (``code``: ``not_signed``, ``wrong_kind``,
    ``unknown_key``, ``bad_signature`` or ``wrong_fingerprint``), ``no_trust_anchor`` (a kiosk
    that trusts no key yet, without ``trust_fingerprint``) and ``old_bundle`` (older than the
    bundle already imported: a replayed file must not undo a cancellation or a key change).
    """
    envelope = _read(path, "bad_bundle")
    bundle = _verified_bundle(store, envelope, path, trust_fingerprint)
    last = store.get_meta("bundle_generated_at")
    if last and bundle.generated_at < from_iso(last):
        raise OperationError("old_bundle", f"{path} was made at {to_iso(bundle.generated_at)}, "
                             f"before the bundle this kiosk already has ({last}): use the newest "
                             "bundle from the platform; nothing was imported")
    own = None
    if bundle.devices:  # the kiosk's own key, to find its device id among them
        own = base64.b64decode(credentials.device_public_key_b64(config.data_dir))
    summary = store.import_bundle(bundle, own_key=own)
    log.info("imported signed bundle %s (platform key %s): %s", path, envelope["key_id"], summary)
    return summary


def device_id(config: Config, store: Store) -> int | None:
    """This kiosk's device id: from its enrolment, else from a signed bundle naming its key."""
    creds = credentials.load(config.data_dir)
    return creds.device_id if creds is not None else store.learnt_device_id()


def device_key_info(config: Config, store: Store) -> dict[str, Any]:
    """What the platform admin needs to register this kiosk (``credit-api register-device``):
    ``{"public_key": base64, "fingerprint", "device_id"}`` (null until a bundle names it)."""
    public = credentials.device_public_key_b64(config.data_dir)
    return {"public_key": public, "fingerprint": key_fingerprint(base64.b64decode(public)),
            "device_id": device_id(config, store)}


def export_upload(config: Config, store: Store, out_path: Path) -> dict[str, Any]:
    """Write every pending record to a signed file for a USB stick.

    Returns ``{"exported": path, "records": n, "parked_not_exported": m}``; raises
    :class:`OperationError` ``no_venue``, ``not_registered`` or ``cannot_write`` (``data``).
    Written to a temporary name first, so a stick pulled out half-way never leaves a file that
    looks complete; the export is remembered (its sha256, which records it carried) for its
    receipt.
    """
    venue = store.venue()
    if venue is None:
        raise OperationError("no_venue",
                             "this kiosk has no venue yet: import a site bundle or enrol first")
    dev = device_id(config, store)
    if dev is None:
        raise OperationError("not_registered", "the platform does not know this kiosk yet: show "
                             "`starkiosk device-key` to the platform admin, who registers it, "
                             "then import the new site bundle and export again")
    rows = store.unacknowledged_records()
    pending = [r for r in rows if r["state"] == "pending"]
    records = [json.loads(upload_record(r).model_dump_json()) for r in pending]
    # Close-outs signed with a trainer's pass; one held for a pass (PIN) waits on the kiosk.
    closeouts = [c for c in store.pending_closeouts() if c["trainer_pass"]]
    now = datetime.now(UTC)
    upload = {"format": OFFLINE_UPLOAD_FORMAT, "version": 1, "venue_id": venue["id"],
              "exported_at": to_iso(now), "records": records,
              "closeouts": [json.loads(closeout_request(c).model_dump_json())
                            for c in closeouts]}
    envelope = seal_upload(upload, credentials.device_key(config.data_dir), dev)
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = out_path.with_name(out_path.name + ".tmp")
        tmp.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
        tmp.replace(out_path)
    except OSError as exc:
        raise OperationError("cannot_write", f"cannot write {out_path}: {exc.strerror or exc}",
                             data=True) from exc
    store.record_export(envelope["sha256"], dev, now,
                        [r["id"] for r in pending] + [c["id"] for c in closeouts])
    return {"exported": str(out_path), "records": len(records), "closeouts": len(closeouts),
            "parked_not_exported": sum(r["state"] == "parked" for r in rows)}


def _verified_receipt(config: Config, store: Store, path: Path) -> tuple[UploadReceipt, str]:
    envelope = _read(path, "bad_receipt")
    try:
        receipt = open_receipt(envelope, store.trust_keys())
    except SignedFileError as exc:
        raise OperationError("untrusted_receipt", f"{path}: {exc} ({exc.reason}); nothing was "
                             "changed", code=exc.reason) from exc
    except ReceiptError as exc:
        raise OperationError("bad_receipt", f"{path}: {exc}") from exc
    export = store.usb_export(receipt.upload_sha256)
    if export is None:
        raise OperationError("foreign_receipt", f"{path} answers an upload this kiosk never "
                             "exported; nothing was changed", code="unknown_upload")
    if receipt.device_id != export.device_id or receipt.device_id != device_id(config, store):
        raise OperationError("foreign_receipt", f"{path} is the receipt of device "
                             f"{receipt.device_id}, not this kiosk; nothing was changed",
                             code="wrong_device")
    return receipt, document_sha256(envelope)


def import_receipt(config: Config, store: Store, path: Path) -> dict[str, Any]:
    """Acknowledge and park records by the platform's signed receipt.

    Only a receipt signed by a trusted platform key, naming this kiosk and one of its exports,
    counts, and only the records that export carried are touched; the same receipt again
    changes nothing.  Returns ``{"acknowledged", "parked", "ignored", "replayed"}`` (ignored:
    results for ids the export did not carry).  Refusals: ``bad_receipt``,
    ``untrusted_receipt`` (``code`` as for bundles), ``foreign_receipt`` (``code``:
    ``unknown_upload`` or ``wrong_device``).
    """
    receipt, digest = _verified_receipt(config, store, path)
    carried = store.exported_ids(receipt.upload_sha256)
    now = datetime.now(UTC)
    with store.write():
        if store.receipt_applied(digest):
            return {"acknowledged": 0, "parked": 0, "ignored": 0, "replayed": True}
        acked, parked, ignored = [], 0, 0
        for r in receipt.results:
            rid = r.get("id")
            result = r.get("result")
            if not isinstance(rid, str) or rid not in carried or result not in (
                    "accepted", "duplicate", "rejected"):
                ignored += 1
            elif result == "rejected":
                parked += store.park(rid, str(r.get("reason") or "rejected by the platform"))
            else:
                acked.append(rid)
        n = store.acknowledge(acked, now)
        closed, refused, ignored = _apply_closeouts(store, receipt, carried, now, ignored)
        store.note_receipt(digest, upload_sha256=receipt.upload_sha256,
                           device_id=receipt.device_id, imported_at=receipt.imported_at,
                           applied_at=now, acknowledged=n, parked=parked, ignored=ignored)
    if ignored:
        log.warning("receipt %s: %d result(s) for records export %s did not carry were ignored",
                    path, ignored, receipt.upload_sha256[:12])
    return {"acknowledged": n, "parked": parked, "ignored": ignored, "replayed": False,
            "closeouts": closed, "closeouts_parked": refused}


def _apply_closeouts(store: Store, receipt: UploadReceipt, carried: set[str], now: datetime,
                     ignored: int) -> tuple[int, int, int]:
    """The receipt's close-outs (inside write()): a close-out the platform applied is
    acknowledged with its answer (what was held back shows on the admin screen) and its
    parents' credit snapshots updated; a refused one is parked with the platform's reason.
    Returns (acknowledged, parked, ignored so far)."""
    closed = refused = 0
    for c in receipt.closeouts:
        cid = c.get("id")
        if not isinstance(cid, str) or cid not in carried:
            ignored += 1
        elif c.get("result") in ("closed", "repeated") and isinstance(c.get("response"), dict):
            store.acknowledge_closeout(cid, now, json.dumps(c["response"], ensure_ascii=False))
            for led in c.get("ledgers") or []:
                store.update_credit_snapshot(int(led["parent_id"]), int(led["stage"]),
                                             int(led["stage_credits"]))
            closed += 1
        elif c.get("result") == "rejected":
            store.park_closeout(cid, f"{c.get('reason') or 'rejected'}: {c.get('detail') or ''}")
            refused += 1
        else:
            ignored += 1
    return closed, refused, ignored
