"""A site with no network moves its data on a USB stick: the site bundle comes in, the signed
upload goes out, the platform's receipt comes back (``import-bundle``, ``export-upload``,
``import-receipt``; the admin screen's 导出到U盘).  The file formats are ``sync.offline``."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.core.store import ImportSummary, Store, to_iso
from kiosk.operations.common import OperationError
from sync import credentials
from sync.engine import upload_record
from sync.offline import OFFLINE_UPLOAD_FORMAT, BundleError, read_bundle, seal_upload

log = logging.getLogger(__name__)


def import_site_bundle(store: Store, path: Path) -> ImportSummary:
    """Replace the site data with the bundle file's, in one transaction."""
    try:
        bundle = read_bundle(path)
    except BundleError as exc:
        raise OperationError("bad_bundle", str(exc)) from exc
    summary = store.import_bundle(bundle)
    log.info("imported bundle %s: %s", path, summary)
    return summary


def export_upload(config: Config, store: Store, out_path: Path) -> dict[str, Any]:
    """Write every pending record to a signed file for a USB stick.

    Returns ``{"exported": path, "records": n, "parked_not_exported": m}``; raises
    :class:`OperationError` ``no_venue`` or ``cannot_write`` (``data``).  Written to a temporary
    name first, so a stick pulled out half-way never leaves a file that looks complete.
    """
    venue = store.venue()
    if venue is None:
        raise OperationError("no_venue",
                             "this kiosk has no venue yet: import a site bundle or enrol first")
    rows = store.unacknowledged_records()
    records = [json.loads(upload_record(r).model_dump_json()) for r in rows if r["state"] == "pending"]
    upload = {"format": OFFLINE_UPLOAD_FORMAT, "version": 1, "venue_id": venue["id"],
              "exported_at": to_iso(datetime.now(UTC)), "records": records}
    creds = credentials.load(config.data_dir)
    envelope = seal_upload(upload, credentials.device_key(config.data_dir),
                           creds.device_id if creds else None)
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = out_path.with_name(out_path.name + ".tmp")
        tmp.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
        tmp.replace(out_path)
    except OSError as exc:
        raise OperationError("cannot_write", f"cannot write {out_path}: {exc.strerror or exc}",
                             data=True) from exc
    return {"exported": str(out_path), "records": len(records),
            "parked_not_exported": sum(r["state"] == "parked" for r in rows)}


def import_receipt(store: Store, path: Path) -> dict[str, int]:
    """Acknowledge and park records by the platform's receipt: ``{"acknowledged", "parked"}``."""
    try:
        receipt = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OperationError("bad_receipt", f"{path} is not a receipt file: {exc}") from exc
    results = receipt.get("results") if isinstance(receipt, dict) else None
    if not isinstance(results, list):
        raise OperationError("bad_receipt", f"{path} has no per-record results; is it the "
                                            "receipt of `credit-api import-upload`?")
    acked, parked = [], 0
    with store.write():
        for r in results:
            if not isinstance(r, dict) or "id" not in r:
                continue
            if r.get("result") in ("accepted", "duplicate"):
                acked.append(str(r["id"]))
            elif r.get("result") == "rejected":
                store.park(str(r["id"]), str(r.get("reason") or "rejected by the platform"))
                parked += 1
        n = store.acknowledge(acked, datetime.now(UTC))
    return {"acknowledged": n, "parked": parked}
