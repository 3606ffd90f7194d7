"""``credit-api``: run the reference server and administer it.

Every command migrates the database first, so a fresh database just works.  Errors go to
standard error as one plain sentence with exit status 1 (2 for usage errors); an offline
upload refused as a whole exits with its own status (``credit_api.cli_usb.REFUSED_EXIT``).
The commands for USB sticks live in :mod:`credit_api.cli_usb`, the ``devices`` group (enrolment
codes and their QR sheets, the list of kiosks, revoking one) in :mod:`credit_api.cli_devices`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from credit_api import cli_devices, cli_usb, config
from credit_api import keys as keyring
from credit_api import service as svc
from credit_api.cli_support import CliError, Refused
from credit_api.cli_support import emit as _emit
from credit_api.cli_support import engine as _engine
from credit_api.cli_usb import REFUSED_EXIT
from credit_api.db import now_utc
from sync.parent_numbers import display_number
from sync.passes import Role

log = logging.getLogger("credit_api")

__all__ = ["REFUSED_EXIT", "CliError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="credit-api",
                                description="Star Parent central credit API: server and admin")
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    def add_db(s: argparse.ArgumentParser) -> None:
        s.add_argument("--db", metavar="URL", default=None,
                       help="database URL (default: a SQLite file in "
                       f"{config.data_dir()}; e.g. postgresql://user:pw@host/db)")

    def cmd(name: str, help_text: str) -> argparse.ArgumentParser:
        s = sub.add_parser(name, help=help_text, description=help_text)
        add_db(s)
        return s

    s = cmd("serve", "run the HTTP API")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8080)
    s.add_argument("--log-level", default="info",
                   choices=["critical", "error", "warning", "info", "debug"])
    s.add_argument("--enrol-attempts", type=_positive, default=10, metavar="N",
                   help="failed enrolment attempts allowed per client address and per code "
                   "in the window (default 10; counted in the database, shared by every "
                   "server process)")
    s.add_argument("--enrol-window", type=_positive, default=600, metavar="SECONDS",
                   help="the window for --enrol-attempts (default 600)")

    s = cmd("init-demo", "load the demo venues, classes (one open now), trainers and parents")
    s.add_argument("--json", action="store_true", help="print the summary as JSON")

    cli_devices.add_enrol_code_options(
        cmd("enrol-code", "alias of `devices enrol-code`: a one-time enrolment code"))

    s = cmd("issue-pass", "issue signed passes, one line per holder")
    s.add_argument("holders", type=int, nargs="+", metavar="PARENT_ID")
    s.add_argument("--role", choices=["parent", "trainer"], default="parent")
    s.add_argument("--days", "--valid-days", dest="valid_days", type=int, default=None,
                   metavar="N", help="valid N days (default: a year for a parent, a day pass "
                   "for a trainer)")
    s.add_argument("--venue", type=int, metavar="ID",
                   help="a trainer's day pass ends with this venue's day (else after 24 h)")
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

    _add_trainer_commands(cmd)
    cli_usb.add_commands(cmd)
    cli_devices.add_commands(sub, add_db)
    return p


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return n


def _add_trainer_commands(cmd: Callable[[str, str], argparse.ArgumentParser]) -> None:
    s = cmd("authorise-trainer", "let a trainer close out a venue's classes without a trainer")
    s.add_argument("--trainer", type=int, required=True, metavar="T")
    s.add_argument("--venue", type=int, required=True, metavar="V")

    s = cmd("set-walk-in-cap", "how many unregistered parents a trainer may add at close-out")
    s.add_argument("cap", type=int, metavar="N")
    s.add_argument("--session", type=int, metavar="ID", help="for this class only")

    s = cmd("legacy-parent-numbers", "whether kiosks still take parent numbers typed without "
            "their check digit (on until every card shows the new number)")
    s.add_argument("state", choices=["on", "off"])

    s = cmd("trainer-pass-report", "trainer passes used on two devices or at two venues a day")
    s.add_argument("--since", metavar="YYYY-MM-DD", help="first day (default: a week ago)")
    s.add_argument("--json", action="store_true")


def cmd_serve(args: argparse.Namespace, out: TextIO) -> None:
    import uvicorn

    from credit_api.app import asgi_app

    engine = _engine(args)
    with engine.begin() as conn:
        keyring.current_key(conn)  # the trust list is never empty
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("binding to %s: the API is reachable from other machines; put it behind "
                    "TLS", args.host)
    app = asgi_app(engine, enrol_attempts=args.enrol_attempts,
                   enrol_window_s=float(args.enrol_window))
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level,
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


def cmd_issue_pass(args: argparse.Namespace, out: TextIO) -> None:
    role = Role.TRAINER if args.role == "trainer" else Role.PARENT
    days = args.valid_days if args.valid_days is not None else (
        None if role is Role.TRAINER else 365)  # None: a trainer's day pass
    engine = _engine(args)
    issued = []
    with engine.begin() as conn:
        for holder in args.holders:
            issued.append((holder, *svc.issue_pass(conn, holder, role, now_utc(),
                                                   valid_days=days, venue_id=args.venue)))
    for holder, text, pass_id in issued:
        if args.json:
            _emit(out, {"text": text, "pass_id": pass_id, "holder_id": holder, "role": args.role})
        else:
            out.write(text + "\n")
        if args.png:
            # A parent's card carries the number people type (check digit included).
            caption = display_number(holder) if role is Role.PARENT else None
            path = args.png if len(issued) == 1 else args.png.with_name(
                f"{args.png.stem}-{holder}{args.png.suffix or '.png'}")
            cli_devices.write_qr_png(text, path, caption=caption)


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


def cmd_authorise_trainer(args: argparse.Namespace, out: TextIO) -> None:
    with _engine(args).begin() as conn:
        fresh = svc.authorise_trainer(conn, args.trainer, args.venue, now_utc())
    _emit(out, {"trainer_id": args.trainer, "venue_id": args.venue, "authorised": True,
                "already": not fresh})


def cmd_set_walk_in_cap(args: argparse.Namespace, out: TextIO) -> None:
    with _engine(args).begin() as conn:
        svc.set_walk_in_cap(conn, args.cap, args.session)
    _emit(out, {"walk_in_cap": args.cap, "session_id": args.session})


def cmd_legacy_parent_numbers(args: argparse.Namespace, out: TextIO) -> None:
    """Kiosks learn it at their next sync (online) or from the next site bundle (USB)."""
    with _engine(args).begin() as conn:
        svc.set_setting(conn, "legacy_parent_numbers", "true" if args.state == "on" else "false")
    _emit(out, {"legacy_parent_numbers": args.state == "on"})


def cmd_trainer_pass_report(args: argparse.Namespace, out: TextIO) -> None:
    since = args.since or (now_utc() - timedelta(days=7)).date().isoformat()
    with _engine(args).begin() as conn:
        entries = svc.pass_use_report(conn, since)
    for e in entries:
        if args.json:
            _emit(out, e)
            continue
        out.write(f"{e['day']} trainer pass {e['pass_id']} (trainer {e['trainer_id']}): "
                  f"{len(e['uses'])} uses, devices {e['devices']}, venues {e['venues']}\n")
        for u in e["uses"]:
            out.write(f"  {u['used_at']} device {u['device_id']} venue {u['venue_id']} "
                      f"class {u['session_id']} ({u['source']})\n")
    if not entries and not args.json:
        out.write(f"no trainer pass was used on two devices or at two venues a day since "
                  f"{since}\n")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.cmd == "serve" else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers = {
        "serve": cmd_serve, "init-demo": cmd_init_demo,
        "enrol-code": cli_devices.cmd_enrol_code, "devices": cli_devices.run,
        "issue-pass": cmd_issue_pass, "revoke-pass": cmd_revoke_pass, "ledger": cmd_ledger,
        "report": cmd_report, "authorise-trainer": cmd_authorise_trainer,
        "set-walk-in-cap": cmd_set_walk_in_cap, "trainer-pass-report": cmd_trainer_pass_report,
        "legacy-parent-numbers": cmd_legacy_parent_numbers,
        **cli_usb.HANDLERS,
    }
    try:
        handlers[args.cmd](args, out)
    except Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except (CliError, svc.ApiError, keyring.KeyError_) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
