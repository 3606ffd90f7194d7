"""Verbs for the class at hand: import the site bundle, check in, look up, status, roster,
exports, decode an image.  Each is argparse → one operation → print."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from kiosk.cli.common import EXIT_DATA, CliError, emit, lang, open_store
from kiosk.config import Config
from kiosk.operations import checkin, roster, status, usb
from kiosk.operations.common import require_session

log = logging.getLogger(__name__)


def add_parsers(cmd: Callable[[str, str], argparse.ArgumentParser]) -> None:
    s = cmd("import-bundle", "import a signed site bundle file (classes, registrations, keys, "
                             "revocations)")
    s.add_argument("file", type=Path)
    s.add_argument("--trust-fingerprint", metavar="FP", default=None,
                   help="a kiosk that trusts no platform key yet: the platform key's fingerprint "
                        "(`credit-api platform-key`), checked before the first bundle is trusted")

    s = cmd("checkin", "check in passes given as arguments or one per line on standard input")
    s.add_argument("--session", type=int, required=True, metavar="ID")
    s.add_argument("--method", choices=["camera", "scanner", "manual"], default="scanner")
    s.add_argument("--lang", choices=["zh", "en"], default=None)
    s.add_argument("codes", nargs="*", metavar="CODE")

    s = cmd("manual", "volunteer look-up: find a registered parent by phone digits and check "
                      "in, or check a walk-in in by the parent number on their card")
    s.add_argument("--session", type=int, required=True, metavar="ID")
    s.add_argument("--phone", metavar="LAST4", help="last four digits of the phone")
    s.add_argument("--surname", help="first character of the name, to narrow the match")
    s.add_argument("--parent", metavar="NUMBER",
                   help="the parent number as printed, check digit included: with --phone, "
                        "one of the matches; alone, a walk-in by number")
    s.add_argument("--confirm-unknown", action="store_true",
                   help="check in by --parent even though this kiosk has no details of "
                        "that parent (the number was checked with them)")
    s.add_argument("--lang", choices=["zh", "en"], default=None)

    s = cmd("decode", "decode QR codes in image files (why won't this code scan?)")
    s.add_argument("files", nargs="+", type=Path, metavar="FILE")

    s = cmd("status", "classes on this kiosk with their counts, and the outbox")
    s.add_argument("--json", action="store_true")

    s = cmd("roster", "print a class roster")
    s.add_argument("--session", type=int, required=True, metavar="ID")
    s.add_argument("--lang", choices=["zh", "en"], default=None)


def add_export_parser(cmd: Callable[[str, str], argparse.ArgumentParser]) -> None:
    s = cmd("export", "export a class roster")
    s.add_argument("--session", type=int, required=True, metavar="ID")
    s.add_argument("--format", choices=["csv", "xlsx", "pdf"], default="csv")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--lang", choices=["zh", "en"], default=None)


def _codes(args_codes: list[str], stdin: TextIO) -> Iterator[str]:
    if args_codes:
        yield from args_codes
        return
    for line in stdin:
        if line.strip():
            yield line


def cmd_import_bundle(args: argparse.Namespace, cfg: Config, out: TextIO) -> None:
    with open_store(cfg) as store:
        summary = usb.import_site_bundle(cfg, store, args.file,
                                         trust_fingerprint=args.trust_fingerprint)
    emit(out, {"imported": True, "venue": summary.venue, "sessions": summary.sessions,
               "registrations": summary.registrations, "keys": summary.keys,
               "revocations": summary.revocations})


def cmd_checkin(args: argparse.Namespace, cfg: Config, out: TextIO, stdin: TextIO) -> None:
    with open_store(cfg) as store:
        results = checkin.scan_codes(store, cfg, args.session, args.method,
                                     _codes(args.codes, stdin))
        tz, language = roster.venue_timezone(store), lang(args, cfg)
        for result in results:  # each printed after its commit
            emit(out, result.to_json(language, tz))


def cmd_manual(args: argparse.Namespace, cfg: Config, out: TextIO) -> None:
    language = lang(args, cfg)
    if args.phone is None:
        if args.parent is None:
            raise CliError("give --phone LAST4 (a registered parent) or --parent NUMBER (a "
                           "walk-in by the number on their card)")
        with open_store(cfg) as store:
            number, result = checkin.walk_in_checkin(store, cfg, args.session, args.parent,
                                                     confirm_unknown=args.confirm_unknown)
            report = result.to_json(language, roster.venue_timezone(store))
        report["parent"] = report["parent"] or number.masked_name
        emit(out, {**report, "number": number.to_json()})
        return
    if not (len(args.phone) == 4 and args.phone.isdigit()):
        raise CliError("--phone takes the last four digits of the phone number, e.g. 3821")
    with open_store(cfg) as store:
        found = checkin.manual_checkin(store, cfg, args.session, args.phone, args.surname,
                                       args.parent)
        if found.result is not None:
            emit(out, found.result.to_json(language, roster.venue_timezone(store)))
            return
    matches = found.matches
    candidates = [{"parent_id": m.parent_id, "parent": m.masked_name, "stage": m.stage}
                  for m in matches]
    emit(out, {"outcome": "choose" if matches else "no_match", "candidates": candidates,
               "reason": ("有多位家长匹配，请用 --parent 指定。" if matches
                          else "没有找到报名本课程、手机尾号相符的家长。")
               if language == "zh" else
               ("Several parents match; pick one with --parent." if matches
                else "No registered parent of this class has these phone digits.")})


def cmd_status(args: argparse.Namespace, cfg: Config, out: TextIO) -> None:
    with open_store(cfg) as store:
        data = status.kiosk_status(cfg, store, datetime.now(UTC))
    if args.json:
        emit(out, data)
        return
    _print_status(data, out)


def _print_status(data: dict[str, Any], out: TextIO) -> None:
    venue = data["venue"]
    tz = ZoneInfo(venue["timezone"]) if venue else ZoneInfo("Asia/Shanghai")
    out.write(f"数据目录 data folder: {data['data_dir']}\n")
    out.write(f"场地 venue: {venue['name'] if venue else '(none — import a site bundle)'}\n")
    r = data["records"]
    out.write(f"记录 records: pending {r['pending']}, acknowledged {r['acknowledged']}, "
              f"parked {r['parked']}\n")
    sy = data["sync"]
    if sy.get("enrolled"):
        state = "online" if sy["online"] else ("offline" if sy["online"] is False else "not synced yet")
        out.write(f"同步 sync: {state}; last success {sy['last_success'] or 'never'}")
        out.write(f"; last error: {sy['last_error']}\n" if sy["last_error"] else "\n")
        if sy["revoked"]:
            out.write(f"  ✘ {sy['revoked']}\n")
        if sy["clock_warning"]:
            out.write(f"  ! kiosk clock is off by {sy['clock_offset_ms'] / 1000:.0f} s\n")
        for p in sy["parked_records"][:10]:
            out.write(f"  parked {p['id'][:8]} class {p['session_id']}: {p['park_reason']}\n")
    else:
        out.write("同步 sync: not enrolled (site bundle only)\n")
    for c in data["classes"]:
        start = datetime.fromisoformat(c["starts_at"]).astimezone(tz).strftime("%H:%M")
        flag = " ◀ now" if c["open_now"] else ("  (cancelled)" if c["status"] == "cancelled" else "")
        out.write(f"  [{c['id']}] {start} {c['title']}  {c['checked_in']}/{c['registered']}"
                  f" (cap {c['capacity']}){flag}\n")


def cmd_roster(args: argparse.Namespace, cfg: Config, out: TextIO) -> None:
    language = lang(args, cfg)
    with open_store(cfg) as store:
        head = roster.roster_heading(store, args.session)
        out.write(f"{head.title}  ({head.series})  {head.checked_in}/{head.registered}\n")
        for row in roster.roster_rows(store, args.session, language, roster.venue_timezone(store)):
            out.write("  ".join(f"{c:<6}" for c in row).rstrip() + "\n")


def cmd_export(args: argparse.Namespace, cfg: Config, out: TextIO) -> None:
    # One roster table for CSV, XLSX and the PDF sign-in sheet (kiosk/reports/); only the PDF
    # needs Qt, which starts offscreen when there is no display.
    from kiosk import reports

    language = lang(args, cfg)
    with open_store(cfg) as store:
        require_session(store, args.session)
        rows = len(store.roster(args.session))
        try:
            result = reports.export(store, args.session, args.format, args.out, lang=language)
        except OSError as exc:
            raise CliError(f"cannot write {args.out}: {exc.strerror or exc}", EXIT_DATA) from exc
    report: dict[str, Any] = {"exported": str(args.out), "rows": rows}
    if args.format == "pdf":
        report["pages"] = result
    emit(out, report)


def cmd_decode(args: argparse.Namespace, out: TextIO) -> None:
    from kiosk.services.images import decode_file
    from sync.passes import mask_pass, normalize

    failed = 0
    for path in args.files:
        try:
            result = decode_file(str(path))
        except (ValueError, OSError) as exc:
            failed += 1
            emit(out, {"file": str(path), "text": None, "error": str(exc)})
            continue
        texts = result.texts
        emit(out, {"file": str(path), "text": texts[0] if texts else None,
                   "codes": len(texts), "ms": round(result.ms, 2)})
        for t in texts:
            log.info("decoded %s from %s", mask_pass(normalize(t)), path)
    if failed:
        raise CliError(f"{failed} file(s) could not be read as images")
