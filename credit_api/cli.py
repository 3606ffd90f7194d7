"""``credit-api``: run the reference server and administer it.

Every command migrates the database first, so a fresh database just works.  Errors go to
standard error as one plain sentence with exit status 1 (2 for usage errors).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError
from sqlalchemy import Engine

from credit_api import config
from credit_api import keys as keyring
from credit_api import service as svc
from credit_api.db import make_engine, migrate, now_utc
from sync.offline import (
    RECEIPT_FORMAT,
    OfflineUpload,
    OfflineUploadEnvelope,
    describe_validation_error,
)
from sync.passes import Role

log = logging.getLogger("credit_api")

MAX_UPLOAD_FILE = 512 * 1024 * 1024


class CliError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="credit-api",
                                description="Star Parent central credit API: server and admin")
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    def cmd(name: str, help_text: str) -> argparse.ArgumentParser:
        s = sub.add_parser(name, help=help_text, description=help_text)
        s.add_argument("--db", metavar="URL", default=None,
                       help="database URL (default: a SQLite file in "
                       f"{config.data_dir()}; e.g. postgresql://user:pw@host/db)")
        return s

    s = cmd("serve", "run the HTTP API")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8080)
    s.add_argument("--log-level", default="info",
                   choices=["critical", "error", "warning", "info", "debug"])

    s = cmd("init-demo", "load the demo venues, classes (one open now), trainers and parents")
    s.add_argument("--json", action="store_true", help="print the summary as JSON")

    s = cmd("enrol-code", "make a one-time enrolment code for a venue")
    s.add_argument("--venue", type=int, required=True, metavar="ID")
    s.add_argument("--json", action="store_true")

    s = cmd("issue-pass", "issue signed passes, one line per holder")
    s.add_argument("holders", type=int, nargs="+", metavar="PARENT_ID")
    s.add_argument("--role", choices=["parent", "trainer"], default="parent")
    s.add_argument("--valid-days", type=int, default=365, metavar="N")
    s.add_argument("--png", type=Path, metavar="FILE",
                   help="also write the QR code as a PNG (FILE-<id>.png for several holders)")
    s.add_argument("--json", action="store_true",
                   help="one JSON object per line with text and pass_id")

    s = cmd("revoke-pass", "revoke a pass (kiosks learn it at their next download)")
    s.add_argument("pass_id", type=int, metavar="PASS_ID")

    s = cmd("ledger", "a parent's stage, stars and credits")
    s.add_argument("parent_id", type=int, metavar="PARENT_ID")
    s.add_argument("--json", action="store_true")

    s = cmd("report", "the attendance the platform holds for a class")
    s.add_argument("--session", type=int, required=True, metavar="ID")
    s.add_argument("--json", action="store_true")

    s = cmd("export-bundle", "write the site bundle a kiosk imports offline")
    s.add_argument("--venue", type=int, required=True, metavar="ID")
    s.add_argument("--out", type=Path, required=True, metavar="FILE")

    s = cmd("import-upload", "import check-in records carried from an offline site")
    s.add_argument("file", type=Path, metavar="FILE")
    return p


def _engine(args: argparse.Namespace) -> Engine:
    url = args.db or config.default_db_url()
    engine = make_engine(url)
    try:
        migrate(engine)
    except Exception as exc:  # connection refused, bad URL, permissions …
        raise CliError(f"cannot open the database {config.mask_url(url)}: "
                       f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                       ) from exc
    return engine


def _emit(out: TextIO, obj: Any) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def cmd_serve(args: argparse.Namespace, out: TextIO) -> None:
    import uvicorn

    from credit_api.app import asgi_app

    engine = _engine(args)
    with engine.begin() as conn:
        keyring.current_key(conn)  # the trust list is never empty
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("binding to %s: the API is reachable from other machines; put it behind "
                    "TLS", args.host)
    uvicorn.run(asgi_app(engine), host=args.host, port=args.port, log_level=args.log_level,
                proxy_headers=False, server_header=False)


def cmd_init_demo(args: argparse.Namespace, out: TextIO) -> None:
    engine = _engine(args)
    with engine.begin() as conn:
        summary = svc.init_demo(conn, now_utc())
    if args.json:
        _emit(out, summary)
    else:
        out.write(f"demo venue {summary['venue']['id']} {summary['venue']['name']}\n"
                  f"enrolment code: {summary['enrolment_code']}\n"
                  f"class open now: {summary['open_session']}\n"
                  f"trainers: {' '.join(map(str, summary['trainers']))}\n"
                  f"parents: {len(summary['parents'])}\n")


def cmd_enrol_code(args: argparse.Namespace, out: TextIO) -> None:
    engine = _engine(args)
    with engine.begin() as conn:
        code, expires = svc.new_enrolment_code(conn, args.venue, now_utc())
    if args.json:
        _emit(out, {"code": code, "venue": args.venue, "expires_at": expires.isoformat()})
    else:
        out.write(f"{code}\n")
        print(f"one-time code for venue {args.venue}, valid until {expires:%Y-%m-%d %H:%M} UTC",
              file=sys.stderr)


def cmd_issue_pass(args: argparse.Namespace, out: TextIO) -> None:
    role = Role.TRAINER if args.role == "trainer" else Role.PARENT
    engine = _engine(args)
    issued = []
    with engine.begin() as conn:
        for holder in args.holders:
            issued.append((holder, *svc.issue_pass(conn, holder, role, now_utc(),
                                                   valid_days=args.valid_days)))
    for holder, text, pass_id in issued:
        if args.json:
            _emit(out, {"text": text, "pass_id": pass_id, "holder_id": holder, "role": args.role})
        else:
            out.write(text + "\n")
        if args.png:
            _write_png(text, args.png if len(issued) == 1
                       else args.png.with_name(f"{args.png.stem}-{holder}{args.png.suffix or '.png'}"))


def _write_png(text: str, path: Path) -> None:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    qr.make_image().save(str(path))


def cmd_revoke_pass(args: argparse.Namespace, out: TextIO) -> None:
    engine = _engine(args)
    with engine.begin() as conn:
        fresh = svc.revoke_pass(conn, args.pass_id, now_utc())
    _emit(out, {"pass_id": args.pass_id, "revoked": True, "already": not fresh})


def cmd_ledger(args: argparse.Namespace, out: TextIO) -> None:
    engine = _engine(args)
    with engine.begin() as conn:
        led = svc.ledger(conn, args.parent_id, now_utc())
    if args.json:
        _emit(out, led.model_dump(mode="json"))
    else:
        stars = ", ".join(f"★{s.stage} {s.date}" for s in led.stars) or "none yet"
        out.write(f"parent {led.parent_id}: stage {led.stage}, {led.stage_credits}/"
                  f"{led.stage_threshold} credits; stars: {stars}\n")


def cmd_report(args: argparse.Namespace, out: TextIO) -> None:
    engine = _engine(args)
    with engine.begin() as conn:
        rep = svc.report(conn, args.session, now_utc())
    if args.json:
        _emit(out, rep.model_dump(mode="json"))
    else:
        out.write(f"class {rep.session_id} ({rep.status}): {rep.count} attended\n")
        for r in rep.records:
            flag = f" REMOVED: {r.removed_reason}" if r.removed else ""
            walk = " walk-in" if r.walk_in else ""
            out.write(f"  {r.kind:8} parent {r.parent_id} {r.method}{walk} "
                      f"{r.device_time:%H:%M}{flag}\n")


def cmd_export_bundle(args: argparse.Namespace, out: TextIO) -> None:
    from sync.offline import write_bundle

    engine = _engine(args)
    with engine.begin() as conn:
        bundle = svc.export_bundle(conn, args.venue, now_utc())
    write_bundle(bundle, args.out)
    _emit(out, {"out": str(args.out), "venue": bundle.venue.id, "sessions": len(bundle.sessions),
                "registrations": len(bundle.registrations), "keys": len(bundle.keys),
                "revocations": len(bundle.revocations)})


def cmd_import_upload(args: argparse.Namespace, out: TextIO) -> None:
    path: Path = args.file
    try:
        if path.stat().st_size > MAX_UPLOAD_FILE:
            raise CliError(f"{path} is larger than {MAX_UPLOAD_FILE} bytes")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CliError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise CliError(f"{path} is a folder, not an upload file") from None
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        raise CliError(f"{path} is not JSON; nothing was imported ({exc})") from None
    signed = isinstance(doc, dict) and "upload" in doc
    try:
        if signed:
            envelope = OfflineUploadEnvelope.model_validate(doc)
            upload = envelope.upload
        else:
            envelope = None
            upload = OfflineUpload.model_validate(doc)
    except ValidationError as exc:
        raise CliError(f"{path} is not a valid offline upload; nothing was imported.\n"
                       + describe_validation_error(exc)) from exc
    engine = _engine(args)
    now = now_utc()
    with engine.begin() as conn:
        how = svc.check_envelope(conn, envelope, doc["upload"]) if envelope else "unsigned"
        receipt = svc.import_records(conn, upload.venue_id, upload.records, now)
        closeouts = svc.import_offline_closeouts(conn, upload.venue_id, upload.closeouts, now)
    if how == "unsigned":
        print(f"warning: {path} is not signed by a kiosk; imported on the admin's word",
              file=sys.stderr)
    _emit(out, {"format": RECEIPT_FORMAT, "file": str(path),
                "sha256": hashlib.sha256(raw).hexdigest(), "venue": upload.venue_id,
                "device_id": envelope.device_id if envelope else None, "signature": how,
                "records": len(upload.records), "imported_at": now.isoformat(), **receipt,
                "closeouts": closeouts})


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.cmd == "serve" else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers = {
        "serve": cmd_serve, "init-demo": cmd_init_demo, "enrol-code": cmd_enrol_code,
        "issue-pass": cmd_issue_pass, "revoke-pass": cmd_revoke_pass, "ledger": cmd_ledger,
        "report": cmd_report, "export-bundle": cmd_export_bundle,
        "import-upload": cmd_import_upload,
    }
    try:
        handlers[args.cmd](args, out)
    except (CliError, svc.ApiError, keyring.KeyError_) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
