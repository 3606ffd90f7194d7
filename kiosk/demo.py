"""``starkiosk --demo``: the whole offline check-in flow on demo data, in a fresh demo folder.

Until the window exists this is the README's "run" command: it makes a demo signing key and
site bundle, imports it, checks in a handful of passes (good, repeated, walk-in, revoked,
expired, forged, unreadable) exactly as a scanner would, and prints the roster.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from kiosk.config import Config, default_data_dir
from kiosk.core.bundle import read_bundle, write_bundle
from kiosk.core.desk import CheckinDesk
from kiosk.core.rules import Severity
from kiosk.core.store import Store
from kiosk.devtools.demo_data import make_bundle
from kiosk.devtools.keys import keygen

SENTINEL = ".starkiosk-demo"
ICON = {Severity.OK: "✔", Severity.WARN: "!", Severity.ERROR: "✘"}


class DemoError(RuntimeError):
    """The demo cannot run here; the message says why."""


def prepare_demo_dir(base: Path) -> Path:
    """A clean demo folder; only a folder this demo made itself is ever wiped."""
    demo = base / "demo"
    if demo.exists():
        if not (demo / SENTINEL).exists():
            raise DemoError(
                f"{demo} exists and was not made by the demo; not touching it. "
                "Choose another folder with --data-dir."
            )
        shutil.rmtree(demo)
    demo.mkdir(parents=True)
    (demo / SENTINEL).write_text("made by starkiosk --demo; safe to delete\n")
    return demo


def run_cli_demo(out: TextIO, data_dir: Path | None = None) -> int:
    demo = prepare_demo_dir(data_dir or default_data_dir())
    cfg = Config(demo / "kiosk")
    key = keygen(demo / "keys")
    now = datetime.now(UTC)
    bundle, summary = make_bundle([key.trust_key()], now=now, parents=40)
    people = summary["parents"]

    # Passes as the platform would issue them.
    good = [key.issue(pid)[0] for pid in people[:4]]
    walk_in = key.issue(8_888_888)[0]
    revoked_text, revoked_id = key.issue(people[5])
    expired = key.issue(people[6], valid_from=now - timedelta(days=400),
                        valid_until=now - timedelta(days=35))[0]
    forged = good[0][:60] + ("A" if good[0][60] != "A" else "B") + good[0][61:]

    bundle, summary = make_bundle([key.trust_key()], now=now, parents=40, revoke=[revoked_id])
    bundle_path = demo / "site-bundle.json"
    write_bundle(bundle, bundle_path)

    out.write("星级家长执照 签到终端 — 演示 / Star Parent kiosk — demo\n")
    out.write(f"演示数据目录 demo folder: {demo}\n\n")
    with Store(cfg.db_path) as store:
        imported = store.import_bundle(read_bundle(bundle_path))
        out.write(f"1. 导入场地数据包 imported site bundle: {imported.venue}, "
                  f"{imported.sessions} classes, {imported.registrations} registrations\n")
        desk = CheckinDesk(store, window=cfg.window())
        sid = summary["open_session"]
        session = store.session(sid)
        assert session is not None
        tz = desk.timezone()
        out.write(f"2. 当前课程 class open now: [{sid}] {session.title} "
                  f"{session.starts_at.astimezone(tz):%H:%M}–{session.ends_at.astimezone(tz):%H:%M}\n")
        out.write("3. 扫码签到 scanning passes (each result is on disk before it is shown):\n")
        scans = [
            ("家长 1", good[0]), ("家长 2", good[1]), ("家长 3", good[2] + "\r\n"),
            ("家长 4 (Caps Lock)", good[3].lower()), ("家长 1 再次扫码", good[0]),
            ("未报名家长", walk_in), ("已作废的码", revoked_text), ("过期的码", expired),
            ("被篡改的码", forged), ("微信二维码", "https://weixin.qq.com/r/abc"),
        ]
        for label, text in scans:
            r = desk.scan(text, sid, "scanner")
            name = r.masked_name or "—"
            out.write(f"   {ICON[r.outcome.severity]} {label:<14} {name:<5} {r.outcome.value:<20} "
                      f"{r.reason('zh', tz)}\n")
        out.write("4. 签到名单 roster:\n")
        from kiosk.cli import roster_rows

        for row in roster_rows(store, sid, "zh", tz):
            if row[5]:
                out.write("   " + "  ".join(row[:9]) + "\n")
        counts = store.session_counts(sid)
        records = store.record_counts()
        out.write(f"   已签到 {counts['checked_in']} / 报名 {counts['registered']}，"
                  f"临时参加 {counts['walk_ins']}，拒绝 {counts['refused_scans']} 次；"
                  f"待同步记录 {records['pending']}\n")
    out.write("\n下一步 next: starkiosk --data-dir " + str(demo / "kiosk")
              + f" status   |   starkiosk --data-dir {demo / 'kiosk'} export --session {sid}"
              " --format csv --out roster.csv\n")
    return 0
