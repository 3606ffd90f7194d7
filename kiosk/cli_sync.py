"""Command-line verbs for enrolment, sync, close-out and USB-stick transfers (``starkiosk``)."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from kiosk.config import Config
from kiosk.core.closeout import Addition, CloseoutError, Removal, close_out
from kiosk.core.store import Store, to_iso
from sync import credentials
from sync.client import ApiClient, reachable
from sync.engine import SyncEngine, SyncResult, purge_expired

log = logging.getLogger(__name__)



def add_parsers(cmd: Callable[[str, str], argparse.ArgumentParser]) -> None:
    s = cmd("enrol", "enrol this kiosk with the credit API and download everything")
    s.add_argument("url", help="the credit API address, e.g. https://credits.example.gov.cn")
    s.add_argument("code", help="the one-time enrolment code from the platform")
    s.add_argument("--name", default=None, help="a label for this kiosk (default: host name)")
    s.add_argument("--ca-bundle", default=None, metavar="FILE",
                   help="CA certificates for a government intranet's own TLS authority")

    s = cmd("sync", "send records and fetch classes, registrations, revocations and keys")
    mode = s.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="one pass, then exit (default)")
    mode.add_argument("--watch", action="store_true", help="keep syncing until stopped")
    s.add_argument("--interval", type=float, default=30.0, help="seconds between passes (--watch)")
    s.add_argument("--max-passes", type=int, default=None, help=argparse.SUPPRESS)

    s = cmd("close-out", "a trainer closes a class (same as the trainer screen)")
    s.add_argument("--session", type=int, required=True, metavar="ID")
    s.add_argument("--trainer-pass", required=True, metavar="TEXT")
    s.add_argument("--remove", action="append", default=[], metavar="CHECKIN_ID")
    s.add_argument("--add", action="append", default=[], type=int, metavar="PARENT_ID")
    s.add_argument("--reason", action="append", default=[], metavar="TEXT",
                   help="one per --remove / --add, in the same order")

    s = cmd("export-upload", "write every unsent record to a signed file for a USB stick")
    s.add_argument("--out", type=Path, required=True)

    s = cmd("import-receipt", "mark records acknowledged from the platform's import receipt")
    s.add_argument("file", type=Path)

    s = cmd("unpark", "send parked records again (after the cause was fixed on the platform)")


def build_engine(cfg: Config, store: Store) -> tuple[SyncEngine, credentials.Credentials | None]:
    creds = credentials.load(cfg.data_dir)
    client = ApiClient(creds.api_url, creds.token, ca_bundle=creds.ca_bundle) if creds else None
    return SyncEngine(store, client), creds


def _emit(out: TextIO, obj: dict[str, Any]) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    out.flush()


def cmd_enrol(args: argparse.Namespace, cfg: Config, store: Store, out: TextIO) -> int:
    from kiosk.cli import CliError
    from sync.enrolment import EnrolError, enrol

    try:
        info, result = enrol(cfg.data_dir, store, args.url, args.code, name=args.name,
                             ca_bundle=args.ca_bundle)
    except EnrolError as exc:
        raise CliError(f"enrolment failed ({exc.error}): {exc}") from exc
    _emit(out, {"enrolled": True, **info, "sync": result.to_json()})
    return 0 if result.ok else 1


def run_sync(cfg: Config, store: Store, *, force: bool = True) -> SyncResult:
    engine, _ = build_engine(cfg, store)
    result = engine.run_once(force=force)
    if result.ok:
        purged = purge_expired(store, engine.clock, cfg.get("retention_days"))
        if purged:
            log.info("retention: purged %d acknowledged records", purged)
    return result


def cmd_sync(args: argparse.Namespace, cfg: Config, store: Store, out: TextIO) -> int:
    engine, creds = build_engine(cfg, store)
    if creds is None:
        from kiosk.cli import CliError

        raise CliError("this kiosk is not enrolled: run `starkiosk enrol URL CODE` first")
    if not args.watch:
        result = engine.run_once(force=True)
        if result.ok:
            purge_expired(store, engine.clock, cfg.get("retention_days"))
        _emit(out, result.to_json())
        return 0 if result.ok else 1
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    passes = 0
    was_online = True
    try:
        while not stop.is_set():
            result = engine.run_once()
            if result.ran:
                passes += 1
                _emit(out, result.to_json())
                if result.ok:
                    purge_expired(store, engine.clock, cfg.get("retention_days"))
                if result.error_kind == "fatal":
                    return 1
                was_online = result.ok
            if args.max_passes is not None and passes >= args.max_passes:
                break
            wait = args.interval if result.ok else max(0.5, engine.seconds_until_due())
            deadline = time.monotonic() + wait
            while not stop.is_set() and time.monotonic() < deadline:
                stop.wait(min(2.0, max(0.0, deadline - time.monotonic())))
                if not was_online and reachable(creds.api_url):
                    engine.sync_now()  # the network is back: do not sit out the back-off
                    break
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def cmd_close_out(args: argparse.Namespace, cfg: Config, store: Store, out: TextIO) -> int:
    from kiosk.cli import CliError

    if len(args.reason) != len(args.remove) + len(args.add):
        raise CliError("give one --reason for every --remove and --add, in the same order")
    reasons = list(args.reason)
    removals = [Removal(cid, reasons.pop(0)) for cid in args.remove]
    additions = [Addition(pid, reasons.pop(0)) for pid in args.add]
    try:
        queued = close_out(store, args.session, args.trainer_pass, removals=removals,
                           additions=additions)
    except CloseoutError as exc:
        raise CliError(f"close-out refused ({exc.code}): {exc}") from exc
    sync = run_sync(cfg, store) if credentials.load(cfg.data_dir) else None
    _emit(out, {"closed": True, "closeout_id": queued.id, "session_id": queued.session_id,
                "attendees": queued.attendees, "removed": queued.removed, "added": queued.added,
                "synced": bool(sync and sync.ok),
                "sync_error": sync.error if sync and not sync.ok else None})
    return 0


class ExportUploadError(Exception):
    """The USB export cannot be written; ``code`` is the exit status the CLI uses (2 or 3)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def export_upload(cfg: Config, store: Store, out_path: Path) -> dict[str, Any]:
    """Write every pending record to a signed file for a USB stick (CLI and admin screen).

    Returns ``{"exported": path, "records": n, "parked_not_exported": m}``; raises
    :class:`ExportUploadError` with a plain message.  Written to a temporary name first, so a
    stick pulled out half-way never leaves a file that looks complete.
    """
    from sync.engine import upload_record
    from sync.offline import OFFLINE_UPLOAD_FORMAT, seal_upload

    venue = store.venue()
    if venue is None:
        raise ExportUploadError("this kiosk has no venue yet: import a site bundle or enrol first", 2)
    rows = store.unacknowledged_records()
    records = [json.loads(upload_record(r).model_dump_json()) for r in rows if r["state"] == "pending"]
    upload = {"format": OFFLINE_UPLOAD_FORMAT, "version": 1, "venue_id": venue["id"],
              "exported_at": to_iso(datetime.now(UTC)), "records": records}
    creds = credentials.load(cfg.data_dir)
    envelope = seal_upload(upload, credentials.device_key(cfg.data_dir),
                           creds.device_id if creds else None)
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = out_path.with_name(out_path.name + ".tmp")
        tmp.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
        tmp.replace(out_path)
    except OSError as exc:
        raise ExportUploadError(f"cannot write {out_path}: {exc.strerror or exc}", 3) from exc
    return {"exported": str(out_path), "records": len(records),
            "parked_not_exported": sum(r["state"] == "parked" for r in rows)}


def cmd_export_upload(args: argparse.Namespace, cfg: Config, store: Store, out: TextIO) -> int:
    from kiosk.cli import CliError

    try:
        result = export_upload(cfg, store, args.out)
    except ExportUploadError as exc:
        raise CliError(str(exc), exc.code) from exc
    _emit(out, result)
    return 0


def cmd_import_receipt(args: argparse.Namespace, cfg: Config, store: Store, out: TextIO) -> int:
    from kiosk.cli import CliError

    try:
        receipt = json.loads(args.file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CliError(f"{args.file} is not a receipt file: {exc}") from exc
    results = receipt.get("results") if isinstance(receipt, dict) else None
    if not isinstance(results, list):
        raise CliError(f"{args.file} has no per-record results; is it the receipt of `credit-api import-upload`?")
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
    _emit(out, {"acknowledged": n, "parked": parked})
    return 0


def cmd_unpark(args: argparse.Namespace, cfg: Config, store: Store, out: TextIO) -> int:
    _emit(out, {"requeued": store.unpark_all()})
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace, Config, Store, TextIO], int]] = {
    "enrol": cmd_enrol,
    "sync": cmd_sync,
    "close-out": cmd_close_out,
    "export-upload": cmd_export_upload,
    "import-receipt": cmd_import_receipt,
    "unpark": cmd_unpark,
}


def sync_status(cfg: Config, store: Store) -> dict[str, Any]:
    """The sync part of ``starkiosk status``: enough for an admin to see why sync is stuck."""
    try:
        creds = credentials.load(cfg.data_dir)
    except ValueError as exc:
        return {"enrolled": False, "problem": str(exc)}
    log_rows = store.sync_log(1)
    last = log_rows[0] if log_rows else None
    offset = store.get_meta("clock_offset_ms")
    return {
        "enrolled": creds is not None,
        "api_url": creds.api_url if creds else None,
        "device_id": creds.device_id if creds else None,
        "online": bool(last and last["ok"]) if last else None,
        "last_attempt": store.get_meta("last_sync_attempt_at"),
        "last_success": store.get_meta("last_sync_ok_at"),
        "last_error": store.get_meta("last_sync_error"),
        "revoked": store.get_meta("device_revoked"),
        "clock_offset_ms": int(offset) if offset else None,
        "clock_warning": bool(offset and abs(int(offset)) > 120_000),
        "closeouts": store.closeout_counts(),
        "parked_records": store.parked()[:50],
    }
