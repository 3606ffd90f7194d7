"""``python -m kiosk.devtools`` — test material and demo data.

    keygen --out DIR
    make-bundle --keys DIR --out FILE [--parents N] [--venue ID] [--revoke PASS_ID ...]
                                (signed with the key; prints its fingerprint for the first import)
    issue-pass --keys DIR PARENT_ID ... [--role parent|trainer] [--valid-from ISO] [--valid-until ISO] [--json]
    pass-png --out FILE TEXT
    sounds [--out DIR]          the success / warning / failure WAVs (assets/sounds)
    i18n [--check]              lupdate → fill English from kiosk/i18n/en_strings.py → lrelease
    screenshots [--size WxH] [--out DIR]
                                every screen in Chinese under offscreen Qt, laid out for a
                                WxH screen (default 1024x600; docs/screenshots/WxH)
    selftest-png [--out FILE]   the self-test's QR image (assets/selftest/qr.png), fixed text
    selftest-video [--out FILE] the self-test's short video of that code (assets/selftest/qr.avi)
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from kiosk.devtools.keys import keygen, load_key
from sync.demo import DEFAULT_VENUE, make_bundle
from sync.offline import key_fingerprint, write_signed_bundle
from sync.passes import Role


def _iso(text: str) -> datetime:
    try:
        dt = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {text!r}") from exc
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a size like 1024x600: {text!r}") from exc
    if w < 320 or h < 240:
        raise argparse.ArgumentTypeError(f"too small: {text!r}")
    return w, h


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
    # extend: `--revoke 11 12 --revoke 13` revokes all three (a plain option kept the last)
    b.add_argument("--revoke", type=int, action="extend", nargs="+", default=[],
                   metavar="PASS_ID", help="pass ids to list as revoked (repeatable)")

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

    so = sub.add_parser("sounds", help="make the kiosk's sounds (numpy synthesis, CC0)")
    so.add_argument("--out", type=Path, default=None, help="default: assets/sounds")

    sh = sub.add_parser("screenshots", help="pictures of every screen (offscreen Qt)")
    sh.add_argument("--out", type=Path, default=None, help="default: docs/screenshots/WxH")
    sh.add_argument("--size", type=_size, default=(1024, 600), metavar="WxH",
                    help="the screen to lay out for, e.g. 1024x600, 1366x768, 1920x1080")

    st = sub.add_parser("selftest-png", help="the QR image `starkiosk --self-test` decodes")
    st.add_argument("--out", type=Path, default=None, help="default: assets/selftest/qr.png")

    sv = sub.add_parser("selftest-video", help="the short video `starkiosk --self-test` plays")
    sv.add_argument("--out", type=Path, default=None, help="default: assets/selftest/qr.avi")

    t = sub.add_parser("i18n", help="refresh and compile the English translation")
    t.add_argument("--check", action="store_true",
                   help="only check: fail if a string is untranslated or lost a placeholder")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.cmd == "i18n":
        from kiosk.devtools import i18n

        return i18n.main(["--check"] if args.check else [])
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
            write_signed_bundle(bundle, args.out, key.private, key.key_id)
            fingerprint = key_fingerprint(key.trust_key().raw())
            print(json.dumps({**summary, "fingerprint": fingerprint}, ensure_ascii=False))
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
        elif args.cmd == "screenshots":
            from kiosk.assets import assets_dir
            from kiosk.devtools.screenshots import take_screenshots

            w, h = args.size
            out = args.out or assets_dir().parent / "docs" / "screenshots" / f"{w}x{h}"
            for path in take_screenshots(out, size=args.size):
                print(str(path))
        elif args.cmd == "selftest-png":
            from kiosk.assets import assets_dir
            from kiosk.core.qr import render_png
            from kiosk.selftest import SELFTEST_PNG, SELFTEST_TEXT

            print(str(render_png(SELFTEST_TEXT, args.out or assets_dir().joinpath(*SELFTEST_PNG))))
        elif args.cmd == "selftest-video":
            from kiosk.assets import assets_dir
            from kiosk.devtools.frames import write_video
            from kiosk.selftest import SELFTEST_TEXT, SELFTEST_VIDEO

            out = args.out or assets_dir().joinpath(*SELFTEST_VIDEO)
            write_video([SELFTEST_TEXT], str(out), width=320, height=240, fps=15.0,
                        show_frames=8, gap_frames=2, variants=("plain",))
            print(str(out))
        elif args.cmd == "sounds":
            from kiosk.assets import assets_dir
            from kiosk.devtools.sounds import make_sounds

            for path in make_sounds(args.out or assets_dir() / "sounds"):
                print(str(path))
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
