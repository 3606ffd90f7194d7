"""Verbs that reach the platform: enrolment, sync, close-out, the USB-stick transfers, unpark.
Each is argparse → one operation → print."""

from __future__ import annotations

import argparse
import getpass
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from kiosk.cli.common import CliError, emit
from kiosk.config import Config
from kiosk.core.closeout import Addition, Removal
from kiosk.core.store import Store
from kiosk.operations import closeout, enrolment, outbox, parent_lookup, syncing, usb
from sync.client import reachable


def add_parsers(cmd: Callable[[str, str], argparse.ArgumentParser]) -> None:
    s = cmd("enrol", "enrol this kiosk with the credit API and download everything")
    s.add_argument("url", help="the credit API address, e.g. https://credits.example.gov.cn")
    s.add_argument("code", help="the one-time enrolment code from the platform")
    s.add_argument("--name", default=None, help="a label for this kiosk (default: host name)")
    s.add_argument("--ca-bundle", default=None, metavar="FILE",
                   help="CA certificates for a government intranet's own TLS authority")
    s.add_argument("--insecure", action="store_true",
                   help="allow a plain http:// address that is not this machine (test networks "
                        "only: the device token then crosses the network in clear text)")

    s = cmd("sync", "send records and fetch classes, registrations, revocations and keys")
    mode = s.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="one pass, then exit (default)")
    mode.add_argument("--watch", action="store_true", help="keep syncing until stopped")
    s.add_argument("--interval", type=float, default=30.0, help="seconds between passes (--watch)")
    s.add_argument("--max-passes", type=int, default=None, help=argparse.SUPPRESS)

    s = cmd("close-out", "a trainer closes a class (same as the trainer screen); the trainer "
                         "pass is read from standard input (scan it, or pipe it in) or a file")
    s.add_argument("--session", type=int, required=True, metavar="ID")
    how = s.add_mutually_exclusive_group()
    how.add_argument("--trainer-pass", metavar="-", default=None,
                     help="'-': read the trainer pass from standard input (the default); the "
                          "pass itself is refused here, since other users can see arguments")
    how.add_argument("--trainer-pass-file", type=Path, metavar="FILE", default=None,
                     help="read the trainer pass from this file (its first line)")
    s.add_argument("--remove", action="append", default=[], metavar="CHECKIN_ID")
    s.add_argument("--add", action="append", default=[], metavar="PARENT_NUMBER",
                   help="a parent who was there, by the number on their card (check digit "
                        "included)")
    s.add_argument("--confirm-unknown", action="store_true",
                   help="add a --add parent this kiosk has no details of (number checked)")
    s.add_argument("--reason", action="append", default=[], metavar="TEXT",
                   help="one per --remove / --add, in the same order")

    s = cmd("export-upload", "write every unsent record to a signed file for a USB stick")
    s.add_argument("--out", type=Path, required=True)

    s = cmd("import-receipt", "acknowledge the records of an export by the platform's signed "
                              "receipt (`credit-api import-upload`)")
    s.add_argument("file", type=Path)

    cmd("device-key", "this kiosk's public key and fingerprint, for the platform admin who "
                      "registers it (`credit-api register-device`)")

    cmd("unpark", "send parked records again (after the cause was fixed on the platform)")


def cmd_enrol(args: argparse.Namespace, cfg: Config, store: Store, out: TextIO) -> int:
    info, result = enrolment.enrol_kiosk(cfg, store, args.url, args.code, name=args.name,
                                         ca_bundle=args.ca_bundle, insecure=args.insecure)
    emit(out, {"enrolled": True, **info, "sync": result.to_json()})
    return 0 if result.ok else 1


def cmd_sync(args: argparse.Namespace, cfg: Config, store: Store, out: TextIO) -> int:
    engine, creds = syncing.build_engine(cfg, store)
    if creds is None:
        raise CliError("this kiosk is not enrolled: run `starkiosk enrol URL CODE` first")
    if not args.watch:
        result = syncing.run_sync(cfg, store, engine=engine)
        emit(out, result.to_json())
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
                emit(out, result.to_json())
                syncing.after_pass(cfg, store, engine, result)
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


_PASS_HOW = ("pipe or scan it into standard input (`--trainer-pass -`, or leave the option "
             "out) or give a file (`--trainer-pass-file FILE`)")


def read_trainer_pass(args: argparse.Namespace, inp: TextIO) -> str:
    """The close-out's trainer pass: from a file, else standard input (hidden at a terminal).
    The pass as an argument is refused: any user of the PC can read arguments (`ps`)."""
    if args.trainer_pass not in (None, "-"):
        raise CliError("the trainer pass may not be given on the command line, where other "
                       f"users of this PC can read it: {_PASS_HOW}")
    if args.trainer_pass_file is not None:
        try:
            text = args.trainer_pass_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"cannot read the trainer pass from {args.trainer_pass_file}: "
                           f"{getattr(exc, 'strerror', None) or exc}") from exc
    elif inp is sys.stdin and inp.isatty():
        text = getpass.getpass("trainer pass (scan it; not shown): ")
    else:
        text = inp.readline()
    text = text.lstrip("\ufeff").strip()
    if not text:
        raise CliError(f"no trainer pass was given: {_PASS_HOW}")
    return text


def cmd_close_out(args: argparse.Namespace, cfg: Config, store: Store, out: TextIO) -> int:
    if len(args.reason) != len(args.remove) + len(args.add):
        raise CliError("give one --reason for every --remove and --add, in the same order")
    reasons = list(args.reason)
    removals = [Removal(cid, reasons.pop(0)) for cid in args.remove]
    # Each typed number checked first: a typo is refused before anything is queued.
    numbers = [parent_lookup.look_up(store, args.session, text) for text in args.add]
    for number in numbers:
        parent_lookup.require_known_or_confirmed(number, args.confirm_unknown)
    additions = [Addition(n.parent_id, reasons.pop(0)) for n in numbers]
    report = closeout.submit_closeout(cfg, store, args.session, args.trainer_pass,
                                      removals=removals, additions=additions)
    if numbers:
        report = {**report, "added_parents": [n.to_json() for n in numbers]}
    emit(out, report)
    return 0


def cmd_export_upload(args: argparse.Namespace, cfg: Config, store: Store, out: TextIO) -> int:
    emit(out, usb.export_upload(cfg, store, args.out))
    return 0


def cmd_import_receipt(args: argparse.Namespace, cfg: Config, store: Store, out: TextIO) -> int:
    emit(out, usb.import_receipt(cfg, store, args.file))
    return 0


def cmd_device_key(args: argparse.Namespace, cfg: Config, store: Store, out: TextIO) -> int:
    emit(out, usb.device_key_info(cfg, store))
    return 0


def cmd_unpark(args: argparse.Namespace, cfg: Config, store: Store, out: TextIO) -> int:
    emit(out, {"requeued": outbox.unpark(store)})
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace, Config, Store, TextIO], int]] = {
    "enrol": cmd_enrol,
    "sync": cmd_sync,
    "close-out": cmd_close_out,
    "export-upload": cmd_export_upload,
    "import-receipt": cmd_import_receipt,
    "device-key": cmd_device_key,
    "unpark": cmd_unpark,
}
