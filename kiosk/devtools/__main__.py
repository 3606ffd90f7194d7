"""``python -m kiosk.devtools`` — test material and demo data.

    keygen --out DIR
    make-bundle --keys DIR --out FILE [--parents N] [--venue ID] [--revoke PASS_ID ...]
    issue-pass --keys DIR PARENT_ID ... [--role parent|trainer] [--valid-from ISO] [--valid-until ISO] [--json]
    pass-png --out FILE TEXT
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from kiosk.core.bundle import write_bundle
from kiosk.core.passes import Role
from kiosk.devtools.demo_data import DEFAULT_VENUE, make_bundle
from kiosk.devtools.keys import keygen, load_key


def _iso(text: str) -> datetime:
    try:
        dt = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {text!r}") from exc
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m kiosk.devtools", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    k = sub.add_parser("keygen", help="create an Ed25519 signing key")
    k.add_argument("--out", type=Path, required=True)
    k.add_argument("--key-id", type=int, default=1)

    b = sub.add_parser("make-bundle", help="write a demo site bundle")
    b.add_argument("--keys", type=Path, required=True)
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--parents", type=int, default=200)
    b.add_argument("--venue", type=int, default=DEFAULT_VENUE)
    b.add_argument("--revoke", type=int, nargs="*", default=[], metavar="PASS_ID")

    i = sub.add_parser("issue-pass", help="sign passes")
    i.add_argument("--keys", type=Path, required=True)
    i.add_argument("parent_ids", type=int, nargs="+", metavar="PARENT_ID")
    i.add_argument("--role", choices=["parent", "trainer"], default="parent")
    i.add_argument("--valid-from", type=_iso)
    i.add_argument("--valid-until", type=_iso)
    i.add_argument("--json", action="store_true")

    q = sub.add_parser("pass-png", help="render a pass as a QR image")
    q.add_argument("--out", type=Path, required=True)
    q.add_argument("text")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.cmd == "keygen":
            key = keygen(args.out, args.key_id)
            print(json.dumps({"key_id": key.key_id, "dir": str(args.out)}))
        elif args.cmd == "make-bundle":
            key = load_key(args.keys)
            if args.parents < 1:
                raise ValueError("--parents must be at least 1")
            bundle, summary = make_bundle(
                [key.trust_key()], parents=args.parents, venue_id=args.venue, revoke=args.revoke
            )
            write_bundle(bundle, args.out)
            print(json.dumps(summary, ensure_ascii=False))
        elif args.cmd == "issue-pass":
            key = load_key(args.keys)
            role = Role.TRAINER if args.role == "trainer" else Role.PARENT
            for pid in args.parent_ids:
                text, pass_id = key.issue(
                    pid, role=role, valid_from=args.valid_from, valid_until=args.valid_until
                )
                print(json.dumps({"text": text, "pass_id": pass_id, "parent_id": pid})
                      if args.json else text)
        elif args.cmd == "pass-png":
            from kiosk.core.qr import render_png

            render_png(args.text, args.out)
            print(str(args.out))
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
