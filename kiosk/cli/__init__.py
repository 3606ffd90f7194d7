"""``starkiosk`` — the kiosk's command line, a stable contract for admins, scripts and tests.

Every verb is argparse → one ``kiosk.operations`` call → print; the screens call the same
operations.  Exit status: 0 when the work was done (whatever the check-in outcomes), 2 for a
usage problem (unknown class, bad file), 3 when the data folder or database cannot be used.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path
from typing import TextIO

from kiosk import __version__
from kiosk.cli import site, sync_verbs
from kiosk.cli.common import EXIT_DATA, EXIT_USAGE, CliError, open_store
from kiosk.config import Config, default_data_dir
from kiosk.core.files import private_umask, tighten_data_dir
from kiosk.core.store import StoreError
from kiosk.operations.common import OperationError
from sync.credentials import CredentialsError

__all__ = ["EXIT_DATA", "EXIT_USAGE", "CliError", "build_parser", "main"]

log = logging.getLogger(__name__)


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

    site.add_parsers(cmd)
    sync_verbs.add_parsers(cmd)
    site.add_export_parser(cmd)
    cmd("reset-admin-pin", "set a new admin PIN when the kiosk's one was lost or forgotten "
                           "(read twice from standard input; needs the kiosk's data folder)")
    return p


def _read_new_pin(inp: TextIO) -> str:
    if inp is sys.stdin and inp.isatty():
        first = getpass.getpass("new admin PIN (6-8 digits, not shown): ")
        again = getpass.getpass("the same PIN again: ")
    else:
        first, again = inp.readline(), inp.readline()
    first, again = first.strip(), again.strip()
    if not first or first != again:
        raise CliError("give the new admin PIN twice, one per line on standard input "
                       "(the two were missing or differ); nothing was changed")
    return first


def _cmd_reset_admin_pin(cfg: Config, out: TextIO, inp: TextIO) -> int:
    """Whoever has a shell as the kiosk's user has its data folder anyway (docs/install.md)."""
    from kiosk.cli.common import emit
    from kiosk.operations.pins import reset_admin_pin

    pin = _read_new_pin(inp)
    try:
        reset_admin_pin(cfg, pin)
    except ValueError as exc:
        raise CliError(f"{exc}; nothing was changed") from exc
    emit(out, {"admin_pin_reset": True, "data_dir": str(cfg.data_dir)})
    return 0


def _run_window_or_demo(args: argparse.Namespace, gui: bool, out: TextIO) -> int:
    from kiosk.demo import DemoError

    try:
        if not gui:
            from kiosk.demo import run_cli_demo

            return run_cli_demo(out, data_dir=args.data_dir)
        from kiosk.app import run  # the window: no subcommand, or --demo
        from kiosk.demo import prepare_gui_demo

        return run(args.data_dir, demo=prepare_gui_demo if args.demo else None,
                   verbose=args.verbose)
    except DemoError as exc:
        raise CliError(str(exc), EXIT_DATA) from exc


def _dispatch(args: argparse.Namespace, cfg: Config, out: TextIO, inp: TextIO) -> int:
    if args.cmd == "close-out":  # before the store opens: a refusal changes nothing
        args.trainer_pass = sync_verbs.read_trainer_pass(args, inp)
    if args.cmd in sync_verbs.HANDLERS:
        with open_store(cfg) as store:
            return sync_verbs.HANDLERS[args.cmd](args, cfg, store, out)
    handlers = {
        "import-bundle": lambda: site.cmd_import_bundle(args, cfg, out),
        "checkin": lambda: site.cmd_checkin(args, cfg, out, inp),
        "manual": lambda: site.cmd_manual(args, cfg, out),
        "status": lambda: site.cmd_status(args, cfg, out),
        "decode": lambda: site.cmd_decode(args, out),
        "roster": lambda: site.cmd_roster(args, cfg, out),
        "export": lambda: site.cmd_export(args, cfg, out),
        "reset-admin-pin": lambda: _cmd_reset_admin_pin(cfg, out, inp),
    }
    handlers[args.cmd]()
    return 0


def main(argv: list[str] | None = None, *, stdin: TextIO | None = None,
         stdout: TextIO | None = None) -> int:
    private_umask()  # the data folder's files are the kiosk user's alone (POSIX; docs/install.md)
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
    tighten_data_dir(cfg.data_dir)  # folders and files an older version left readable to all
    from kiosk.logsetup import setup_logging

    # The window: `starkiosk` / `python -m kiosk` with no subcommand, or --demo (not --cli).
    gui = (args.demo and not args.cli) or (args.cmd is None and not args.demo)
    if not gui:
        setup_logging(None if args.demo else cfg.log_dir, verbose=args.verbose)
    try:
        if args.demo or args.cmd is None:
            return _run_window_or_demo(args, gui, out)
        return _dispatch(args, cfg, out, inp)
    except CliError as exc:
        print(f"starkiosk: {exc}", file=sys.stderr)
        return exc.code
    except OperationError as exc:
        print(f"starkiosk: {exc}", file=sys.stderr)
        return EXIT_DATA if exc.data else EXIT_USAGE
    except BrokenPipeError:
        return EXIT_DATA
    except (StoreError, CredentialsError, OSError) as exc:
        print(f"starkiosk: {exc}", file=sys.stderr)
        return EXIT_DATA
    except Exception:  # the last line of defence: a logged traceback, a plain message
        log.exception("unexpected error in `starkiosk %s`", args.cmd or "--demo")
        print(f"starkiosk: an unexpected error stopped this command; details are in "
              f"{cfg.log_dir / 'kiosk.log'}. Please send that file to support.", file=sys.stderr)
        return 1

