"""``credit-api`` commands for kiosks and USB sticks: registering and revoking a kiosk, the
signed site bundle out, the kiosk's signed upload in and the signed receipt back.

``import-upload`` applies a file only when it is signed by an enrolled, unrevoked kiosk of the
file's venue with the key that kiosk enrolled (or was registered) with.  Anything else is
refused whole, with a reason word and an exit status of its own (:data:`REFUSED_EXIT`), and
``--quarantine DIR`` keeps a copy of the refused file there for review.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from credit_api import keys as keyring
from credit_api import service as svc
from credit_api.cli_support import CliError, Refused, emit
from credit_api.cli_support import engine as open_engine
from credit_api.db import now_utc
from sync import passes
from sync.offline import (
    RECEIPT_FORMAT,
    OfflineUploadEnvelope,
    describe_validation_error,
    key_fingerprint,
)

MAX_UPLOAD_FILE = 512 * 1024 * 1024

#: Exit status of ``import-upload`` per refusal (1 stays "file unreadable or invalid").
REFUSED_EXIT = {
    "unsigned": 10,        # not a kiosk-signed envelope at all
    "unknown_device": 11,  # no device id, or one never enrolled (a self-signed file)
    "device_revoked": 12,
    "wrong_venue": 13,     # the device is enrolled at another venue than the file's
    "wrong_key": 14,       # not the key the device enrolled with (or it has none)
    "bad_signature": 15,   # changed after signing, or forged
    "bad_checksum": 16,    # sha256 does not match the content
}


def add_commands(cmd: Any) -> None:
    """The parsers; ``cmd(name, help)`` makes a sub-command with ``--db``."""
    s = cmd("register-device", "register a kiosk that is never online by its USB signing key")
    s.add_argument("--venue", type=int, required=True, metavar="ID")
    s.add_argument("--public-key", required=True, metavar="B64",
                   help="the kiosk's key, as `starkiosk device-key` shows it")
    s.add_argument("--name", default="offline kiosk", metavar="NAME")

    s = cmd("revoke-device", "alias of `devices revoke`: its token and its USB files are "
            "refused")
    s.add_argument("--device", type=int, required=True, metavar="N")
    s.add_argument("--reason", metavar="TEXT", help="why (shown by `devices list`)")

    s = cmd("platform-key", "the key bundles and receipts are signed with, and its fingerprint "
            "for a never-online kiosk's first bundle (`starkiosk import-bundle "
            "--trust-fingerprint`)")
    s.add_argument("--json", action="store_true")

    s = cmd("export-bundle", "write the signed site bundle a kiosk imports offline")
    s.add_argument("--venue", type=int, required=True, metavar="ID")
    s.add_argument("--out", type=Path, required=True, metavar="FILE")

    s = cmd("import-upload", "import what a kiosk of an offline site signed onto a USB stick")
    s.add_argument("file", type=Path, metavar="FILE")
    s.add_argument("--quarantine", type=Path, metavar="DIR",
                   help="copy a refused file here for review (it is never applied)")
    s.add_argument("--receipt", type=Path, metavar="FILE",
                   help="write the signed receipt to FILE (e.g. onto the stick, for the kiosk's "
                   "从U盘导入) instead of standard output")


def cmd_register_device(args: argparse.Namespace, out: TextIO) -> None:
    with open_engine(args).begin() as conn:
        device_id = svc.register_device(conn, args.venue, args.public_key.strip(), args.name,
                                        now_utc())
    out.write(f"{device_id}\n")
    print(f"device {device_id} registered at venue {args.venue}; export a bundle for the "
          "kiosk to learn its id", file=sys.stderr)


def cmd_revoke_device(args: argparse.Namespace, out: TextIO) -> None:
    with open_engine(args).begin() as conn:
        fresh = svc.revoke_device(conn, args.device, now_utc(), reason=args.reason)
    emit(out, {"device_id": args.device, "revoked": True, "already": not fresh})


def cmd_export_bundle(args: argparse.Namespace, out: TextIO) -> None:
    with open_engine(args).begin() as conn:
        bundle, signed = svc.export_signed_bundle(conn, args.venue, now_utc())
    path: Path = args.out
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(signed, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    emit(out, {"out": str(path), "venue": bundle.venue.id, "sessions": len(bundle.sessions),
               "registrations": len(bundle.registrations), "keys": len(bundle.keys),
               "revocations": len(bundle.revocations), "devices": len(bundle.devices),
               "signed_with": signed["key_id"]})


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_UPLOAD_FILE:
            raise CliError(f"{path} is larger than {MAX_UPLOAD_FILE} bytes")
        return path.read_bytes()
    except FileNotFoundError:
        raise CliError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise CliError(f"{path} is a folder, not an upload file") from None


def _parse(path: Path, raw: bytes) -> tuple[Any, OfflineUploadEnvelope | None]:
    """The JSON, and the envelope when the file is one (None: not signed at all)."""
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        raise CliError(f"{path} is not JSON; nothing was imported ({exc})") from None
    if not isinstance(doc, dict):
        raise CliError(f"{path} is not an offline upload; nothing was imported")
    if "signature" not in doc and "upload" not in doc:
        return doc, None
    try:
        return doc, OfflineUploadEnvelope.model_validate(doc)
    except ValidationError as exc:
        raise CliError(f"{path} is not a valid offline upload; nothing was imported.\n"
                       + describe_validation_error(exc)) from exc


def _quarantine(folder: Path | None, path: Path, raw: bytes, reason: str, detail: str) -> None:
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    base = f"{now_utc():%Y%m%dT%H%M%SZ}-{hashlib.sha256(raw).hexdigest()[:12]}-{path.stem}"
    kept = folder / f"{base}{path.suffix or '.json'}"
    kept.write_bytes(raw)
    (folder / f"{base}.reason.json").write_text(json.dumps(
        {"file": str(path), "sha256": hashlib.sha256(raw).hexdigest(), "reason": reason,
         "detail": detail, "refused_at": now_utc().isoformat()}, ensure_ascii=False),
        encoding="utf-8")
    print(f"the refused file was copied to {kept} for review", file=sys.stderr)


def cmd_import_upload(args: argparse.Namespace, out: TextIO) -> None:
    path: Path = args.file
    raw = _read(path)
    try:
        doc, envelope = _parse(path, raw)
    except CliError as exc:
        _quarantine(args.quarantine, path, raw, "invalid", str(exc))
        raise
    now = now_utc()
    try:
        with open_engine(args).begin() as conn:
            device_id = svc.check_envelope(conn, envelope, doc.get("upload"))
            assert envelope is not None
            upload = envelope.upload
            receipt = svc.import_records(conn, upload.venue_id, upload.records, now,
                                         device_id=device_id)
            closeouts = svc.import_offline_closeouts(conn, upload.venue_id, upload.closeouts,
                                                     now, device_id=device_id,
                                                     exported_at=upload.exported_at)
            signed = svc.signed_receipt(conn, device_id, envelope.sha256, now,
                                        receipt["results"], closeouts)
    except svc.ApiError as exc:
        if exc.error not in REFUSED_EXIT:
            raise
        _quarantine(args.quarantine, path, raw, exc.error, exc.detail)
        raise Refused(exc.error, f"{path} refused ({exc.error}): {exc.detail}; nothing was "
                      "imported", REFUSED_EXIT[exc.error]) from None
    if args.receipt is not None:
        try:
            args.receipt.write_text(json.dumps(signed, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
        except OSError as exc:
            raise CliError(f"the upload was imported, but the receipt cannot be written to "
                           f"{args.receipt} ({exc.strerror or exc}); import the file again "
                           "(nothing changes twice) with another --receipt") from exc
    else:
        emit(out, signed)
    emit(sys.stderr, _facts(path, raw, envelope, device_id, receipt, closeouts, now))


def _facts(path: Path, raw: bytes, envelope: OfflineUploadEnvelope, device_id: int,
           receipt: dict[str, Any], closeouts: list[dict[str, Any]], now: Any) -> dict[str, Any]:
    """What the admin sees on standard error: the counts, and how the file was verified."""
    results = [c["result"] for c in closeouts]
    return {"format": RECEIPT_FORMAT, "file": str(path), "sha256": hashlib.sha256(raw).hexdigest(),
            "upload_sha256": envelope.sha256, "venue": envelope.upload.venue_id,
            "device_id": device_id, "signature": "enrolled_key",
            "records": len(envelope.upload.records), "accepted": receipt["accepted"],
            "duplicate": receipt["duplicate"], "rejected": receipt["rejected"],
            "closeouts": {k: results.count(k) for k in ("closed", "repeated", "rejected")},
            "imported_at": now.isoformat()}


def cmd_platform_key(args: argparse.Namespace, out: TextIO) -> None:
    """Print the current signing key's id and fingerprint, for the site admin to copy onto
    paper or read out: a fresh kiosk trusts its first bundle only with it."""
    with open_engine(args).begin() as conn:
        key = keyring.current_key(conn, now=now_utc())
    raw = passes.public_key_raw(key.private)
    fp = key_fingerprint(raw)
    if args.json:
        emit(out, {"key_id": key.key_id, "fingerprint": fp,
                   "public_key": base64.b64encode(raw).decode()})
    else:
        out.write(f"platform key {key.key_id}, fingerprint {fp}\n")


HANDLERS = {
    "platform-key": cmd_platform_key,
    "register-device": cmd_register_device, "revoke-device": cmd_revoke_device,
    "export-bundle": cmd_export_bundle, "import-upload": cmd_import_upload,
}
