"""``starkiosk`` — the kiosk's command line, a stable contract for admins, scripts and tests.

Exit status: 0 when the work was done (whatever the check-in outcomes), 2 for a usage problem
(unknown class, bad file), 3 when the data folder or database cannot be used.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from kiosk import __version__
from kiosk.config import Config, default_data_dir
from kiosk.core.desk import CheckinDesk, CheckinResult, UnknownSession
from kiosk.core.store import Store, StoreError
from sync.offline import BundleError, read_bundle

log = logging.getLogger(__name__)

EXIT_USAGE = 2
EXIT_DATA = 3


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def _add_common(p: argparse.ArgumentParser, *, top: bool) -> None:
    # Accepted before or after the subcommand; SUPPRESS keeps the sub-parser from resetting it.
    p.add_argument(
        "--data-dir", type=Path, default=None if top else argparse.SUPPRESS,
        help="kiosk data folder (default: the platform's user data folder; env STARKIOSK_DATA_DIR)",
    )
    p.add_argument("-v", "--verbose", action="store_true",
                   default=False if top else argparse.SUPPRESS, help="log details to stderr")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="starkiosk",
        description="Star Parent check-in kiosk (星级家长执照 签到终端).",
    )
    p.add_argument("--version", action="version", version=f"starkiosk {__version__}")
    p.add_argument("--demo", action="store_true",
                   help="run the kiosk app on demo data (in-process API, demo video) in a fresh "
                        "demo folder; with --cli, the check-in flow as text")
    p.add_argument("--cli", action="store_true",
                   help="with --demo: the text demo, no window")
    p.add_argument("--self-test", action="store_true",
                   help="check this PC and install (database, trust list, QR decoder, "
                        "translations, sounds, camera, Qt); exit 0 when nothing failed, else 1")
    p.add_argument("--json", dest="self_test_json", action="store_true",
                   help="with --self-test: the report as JSON")
    _add_common(p, top=True)
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND")

    def cmd(name: str, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_, description=help_)
        _add_common(sp, top=False)
        return sp

    s = cmd("import-bundle", "import a site bundle file (classes, registrations, keys, revocations)")
    s.add_argument("file", type=Path)

    s = cmd("checkin", "check in passes given as arguments or one per line on standard input")
    s.add_argument("--session", type=int, required=True, metavar="ID")
    s.add_argument("--method", choices=["camera", "scanner", "manual"], default="scanner")
    s.add_argument("--lang", choices=["zh", "en"], default=None)
    s.add_argument("codes", nargs="*", metavar="CODE")

    s = cmd("manual", "volunteer look-up: find a registered parent by phone digits and check in")
    s.add_argument("--session", type=int, required=True, metavar="ID")
    s.add_argument("--phone", required=True, metavar="LAST4", help="last four digits of the phone")
    s.add_argument("--surname", help="first character of the name, to narrow the match")
    s.add_argument("--parent", type=int, metavar="PARENT_ID",
                   help="check in this parent (one of the matches)")
    s.add_argument("--lang", choices=["zh", "en"], default=None)

    s = cmd("decode", "decode QR codes in image files (why won't this code scan?)")
    s.add_argument("files", nargs="+", type=Path, metavar="FILE")

    s = cmd("status", "classes on this kiosk with their counts, and the outbox")
    s.add_argument("--json", action="store_true")

    s = cmd("roster", "print a class roster")
    s.add_argument("--session", type=int, required=True, metavar="ID")
    s.add_argument("--lang", choices=["zh", "en"], default=None)

    from kiosk import cli_sync

    cli_sync.add_parsers(cmd)

    s = cmd("export", "export a class roster")
    s.add_argument("--session", type=int, required=True, metavar="ID")
    s.add_argument("--format", choices=["csv", "xlsx", "pdf"], default="csv")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--lang", choices=["zh", "en"], default=None)
    return p


# ---------------------------------------------------------------------------


def _open(cfg: Config) -> Store:
    try:
        return Store(cfg.db_path)
    except StoreError as exc:
        raise CliError(str(exc), EXIT_DATA) from exc
    except OSError as exc:
        raise CliError(f"cannot use the data folder {cfg.data_dir}: {exc}", EXIT_DATA) from exc


def _emit(out: TextIO, obj: dict[str, Any]) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()


def _codes(args_codes: list[str], stdin: TextIO) -> Iterator[str]:
    if args_codes:
        yield from args_codes
        return
    for line in stdin:
        if line.strip():
            yield line


def run_checkin(desk: CheckinDesk, session: int, method: str, codes: Iterable[str],
                lang: str, out: TextIO) -> int:
    tz = desk.timezone()
    n = 0
    for code in codes:
        result = desk.scan(code, session, method)
        _emit(out, result.to_json(lang, tz))
        n += 1
    return n


def _lang(args: argparse.Namespace, cfg: Config) -> str:
    return getattr(args, "lang", None) or cfg.get("language")


def cmd_import_bundle(args: argparse.Namespace, cfg: Config, out: TextIO) -> None:
    try:
        bundle = read_bundle(args.file)
    except BundleError as exc:
        raise CliError(str(exc)) from exc
    with _open(cfg) as store:
        summary = store.import_bundle(bundle)
    log.info("imported bundle %s: %s", args.file, summary)
    _emit(out, {"imported": True, "venue": summary.venue, "sessions": summary.sessions,
                "registrations": summary.registrations, "keys": summary.keys,
                "revocations": summary.revocations})


def cmd_checkin(args: argparse.Namespace, cfg: Config, out: TextIO, stdin: TextIO) -> None:
    with _open(cfg) as store:
        desk = CheckinDesk(store, window=cfg.window())
        if store.session(args.session) is None:
            raise CliError(_unknown_session(store, args.session))
        run_checkin(desk, args.session, args.method, _codes(args.codes, stdin), _lang(args, cfg), out)


def _unknown_session(store: Store, sid: int) -> str:
    ids = ", ".join(str(s.id) for s in store.sessions()) or "none — import a site bundle first"
    return f"class {sid} is not on this kiosk (classes here: {ids})"


def cmd_manual(args: argparse.Namespace, cfg: Config, out: TextIO) -> None:
    if not (len(args.phone) == 4 and args.phone.isdigit()):
        raise CliError("--phone takes the last four digits of the phone number, e.g. 3821")
    with _open(cfg) as store:
        desk = CheckinDesk(store, window=cfg.window())
        try:
            matches = desk.find(args.session, args.phone, args.surname)
        except UnknownSession:
            raise CliError(_unknown_session(store, args.session)) from None
        candidates = [{"parent_id": m.parent_id, "parent": m.masked_name, "stage": m.stage}
                      for m in matches]
        if args.parent is not None:
            if args.parent not in {m.parent_id for m in matches}:
                raise CliError("that parent is not among the matches for these phone digits")
            result: CheckinResult = desk.manual(args.session, args.parent)
            _emit(out, result.to_json(_lang(args, cfg), desk.timezone()))
        elif len(matches) == 1:
            result = desk.manual(args.session, matches[0].parent_id)
            _emit(out, result.to_json(_lang(args, cfg), desk.timezone()))
        else:
            _emit(out, {"outcome": "choose" if matches else "no_match", "candidates": candidates,
                        "reason": ("有多位家长匹配，请用 --parent 指定。" if matches
                                   else "没有找到报名本课程、手机尾号相符的家长。")
                        if _lang(args, cfg) == "zh" else
                        ("Several parents match; pick one with --parent." if matches
                         else "No registered parent of this class has these phone digits.")})


def _session_json(store: Store, s: Any, now: datetime) -> dict[str, Any]:
    return {
        "id": s.id, "title": s.title, "series": s.series, "stage": s.stage,
        "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(),
        "room": s.room, "trainer": s.trainer_name, "capacity": s.capacity, "credits": s.credits,
        "status": s.status.value, "walk_in_policy": s.walk_in_policy.value,
        "checkout_required": s.checkout_required,
        "open_now": s.status.value == "scheduled" and s.starts_at <= now <= s.ends_at,
        **store.session_counts(s.id),
    }


def cmd_status(args: argparse.Namespace, cfg: Config, out: TextIO) -> None:
    now = datetime.now(UTC)
    with _open(cfg) as store:
        venue = store.venue()
        data = {
            "version": __version__,
            "data_dir": str(cfg.data_dir),
            "schema_version": store.schema_version(),
            "venue": venue,
            "bundle_generated_at": store.get_meta("bundle_generated_at"),
            "records": store.record_counts(),
            "classes": [_session_json(store, s, now) for s in store.sessions()],
        }
        from kiosk.cli_sync import sync_status

        data["sync"] = sync_status(cfg, store)
    if args.json:
        _emit(out, data)
        return
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


ROSTER_HEADERS = {
    "zh": ["序号", "家长编号", "姓名", "手机尾号", "报名", "签到时间", "签退时间", "方式", "状态", "同步"],
    "en": ["No.", "Parent ID", "Name", "Phone (last 4)", "Registered", "Checked in", "Checked out",
           "Method", "Status", "Sync"],
}
_WORDS = {
    "zh": {"yes": "是", "no": "否", "present": "已签到", "absent": "未到", "walk_in": "临时参加",
           "camera": "摄像头", "scanner": "扫码枪", "manual": "人工", "pending": "待同步",
           "acknowledged": "已同步", "parked": "被拒收"},
    "en": {"yes": "yes", "no": "no", "present": "present", "absent": "absent", "walk_in": "walk-in",
           "camera": "camera", "scanner": "scanner", "manual": "manual", "pending": "pending",
           "acknowledged": "synced", "parked": "parked"},
}


def roster_rows(store: Store, session_id: int, lang: str, tz: ZoneInfo) -> list[list[str]]:
    w = _WORDS[lang]

    def hm(iso: str | None) -> str:
        return datetime.fromisoformat(iso).astimezone(tz).strftime("%H:%M") if iso else ""

    rows = []
    for i, r in enumerate(store.roster(session_id), 1):
        status = ("walk_in" if r["walk_in"] else "present") if r["checked_in_at"] else "absent"
        rows.append([
            str(i), str(r["parent_id"]), r["masked_name"] or "—", r["phone_last4"] or "",
            w["yes"] if r["registered"] else w["no"], hm(r["checked_in_at"]),
            hm(r["checked_out_at"]), w.get(r["method"], "") if r["method"] else "", w[status],
            w.get(r["sync_state"], "") if r["sync_state"] else "",
        ])
    return rows


def _session_or_fail(store: Store, sid: int) -> None:
    if store.session(sid) is None:
        raise CliError(_unknown_session(store, sid))


def cmd_roster(args: argparse.Namespace, cfg: Config, out: TextIO) -> None:
    lang = _lang(args, cfg)
    with _open(cfg) as store:
        _session_or_fail(store, args.session)
        desk = CheckinDesk(store)
        s = store.session(args.session)
        assert s is not None
        counts = store.session_counts(args.session)
        out.write(f"{s.title}  ({s.series})  {counts['checked_in']}/{counts['registered']}\n")
        for row in roster_rows(store, args.session, lang, desk.timezone()):
            out.write("  ".join(f"{c:<6}" for c in row).rstrip() + "\n")


def cmd_export(args: argparse.Namespace, cfg: Config, out: TextIO) -> None:
    # One roster table for CSV, XLSX and the PDF sign-in sheet (kiosk/ui/exports.py); only the
    # PDF needs Qt, which starts offscreen when there is no display.
    from kiosk.ui import exports

    lang = _lang(args, cfg)
    with _open(cfg) as store:
        _session_or_fail(store, args.session)
        rows = len(store.roster(args.session))
        try:
            result = exports.export(store, args.session, args.format, args.out, lang=lang)
        except OSError as exc:
            raise CliError(f"cannot write {args.out}: {exc.strerror or exc}", EXIT_DATA) from exc
    report: dict[str, Any] = {"exported": str(args.out), "rows": rows}
    if args.format == "pdf":
        report["pages"] = result
    _emit(out, report)


def cmd_decode(args: argparse.Namespace, out: TextIO) -> None:
    from kiosk.services.images import decode_file
    from sync.passes import mask_pass, normalize

    failed = 0
    for path in args.files:
        try:
            result = decode_file(str(path))
        except (ValueError, OSError) as exc:
            failed += 1
            _emit(out, {"file": str(path), "text": None, "error": str(exc)})
            continue
        texts = result.texts
        _emit(out, {"file": str(path), "text": texts[0] if texts else None,
                    "codes": len(texts), "ms": round(result.ms, 2)})
        for t in texts:
            log.info("decoded %s from %s", mask_pass(normalize(t)), path)
    if failed:
        raise CliError(f"{failed} file(s) could not be read as images")


def main(argv: list[str] | None = None, *, stdin: TextIO | None = None,
         stdout: TextIO | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    out = stdout or sys.stdout
    inp = stdin or sys.stdin
    if stdin is None and hasattr(sys.stdin, "reconfigure"):
        # A scanner can send anything: undecodable bytes become an "unreadable" code, not a crash.
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")
    if stdout is None and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    if args.self_test:
        from kiosk import selftest
        from kiosk.logsetup import setup_logging

        setup_logging(None, verbose=args.verbose)  # the report says it all; nothing is written
        return selftest.main(args.data_dir, as_json=args.self_test_json, out=out)
    try:
        cfg = Config.load(args.data_dir or default_data_dir())
    except ValueError as exc:
        print(f"starkiosk: {exc}", file=sys.stderr)
        return EXIT_DATA
    from kiosk.logsetup import setup_logging

    # The window: `starkiosk` / `python -m kiosk` with no subcommand, or --demo (not --cli).
    gui = (args.demo and not args.cli) or (args.cmd is None and not args.demo)
    if not gui:
        setup_logging(None if args.demo else cfg.log_dir, verbose=args.verbose)
    try:
        if args.demo or args.cmd is None:
            from kiosk.demo import DemoError

            try:
                if not gui:
                    from kiosk.demo import run_cli_demo

                    return run_cli_demo(out, data_dir=args.data_dir)
                from kiosk.app import run  # the window: no subcommand, or --demo

                return run(args.data_dir, demo=args.demo, verbose=args.verbose)
            except DemoError as exc:
                raise CliError(str(exc), EXIT_DATA) from exc
        handlers = {
            "import-bundle": lambda: cmd_import_bundle(args, cfg, out),
            "checkin": lambda: cmd_checkin(args, cfg, out, inp),
            "manual": lambda: cmd_manual(args, cfg, out),
            "status": lambda: cmd_status(args, cfg, out),
            "decode": lambda: cmd_decode(args, out),
            "roster": lambda: cmd_roster(args, cfg, out),
            "export": lambda: cmd_export(args, cfg, out),
        }
        from kiosk.cli_sync import HANDLERS as SYNC_HANDLERS

        if args.cmd in SYNC_HANDLERS:
            with _open(cfg) as store:
                return SYNC_HANDLERS[args.cmd](args, cfg, store, out)
        handlers[args.cmd]()
        return 0
    except CliError as exc:
        print(f"starkiosk: {exc}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:
        return EXIT_DATA
    except (StoreError, OSError) as exc:
        print(f"starkiosk: {exc}", file=sys.stderr)
        return EXIT_DATA
    except Exception:  # the last line of defence: a logged traceback, a plain message
        log.exception("unexpected error in `starkiosk %s`", args.cmd or "--demo")
        print(f"starkiosk: an unexpected error stopped this command; details are in "
              f"{cfg.log_dir / 'kiosk.log'}. Please send that file to support.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
