"""The demos, each in a fresh demo folder.

``starkiosk --demo`` (the window): the reference credit API runs in this process on loopback
with demo data, the kiosk enrols with it by itself (through a loopback "network cable" the scan
screen can unplug), and a generated video of several parents' passes plays as the camera.

``starkiosk --demo --cli`` (no window): makes a demo signing key and site bundle, imports it,
checks in a handful of passes (good, repeated, walk-in, revoked, expired, forged, unreadable)
exactly as a scanner would, and prints the roster.
"""

from __future__ import annotations

import logging
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from kiosk.config import Config, default_data_dir
from kiosk.core.desk import CheckinDesk
from kiosk.core.rules import Severity
from kiosk.core.store import Store
from kiosk.devtools.keys import keygen
from kiosk.operations.usb import import_site_bundle
from sync.demo import make_bundle
from sync.offline import key_fingerprint, write_signed_bundle

log = logging.getLogger(__name__)

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
    write_signed_bundle(bundle, bundle_path, key.private, key.key_id)

    out.write("星级家长执照 签到终端 — 演示 / Star Parent kiosk — demo\n")
    out.write(f"演示数据目录 demo folder: {demo}\n\n")
    with Store(cfg.db_path) as store:
        imported = import_site_bundle(cfg, store, bundle_path,
                                      trust_fingerprint=key_fingerprint(key.trust_key().raw()))
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
        from kiosk.operations.roster import roster_rows

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


# ---------------------------------------------------------------------------
# The windowed demo: the reference API in-process, enrolment done for you
# ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class DemoPlatform:
    """The reference credit API with demo data, served by uvicorn on a loopback thread."""

    def __init__(self, root: Path, *, parents: int = 60) -> None:
        try:
            import uvicorn  # noqa: F401

            from credit_api import db as cdb
            from credit_api import keys as ckeys
            from credit_api import service as svc
        except ImportError as exc:
            raise DemoError("the windowed demo runs the reference credit API, which this install "
                            "does not include (a kiosk bundle never does). Use `starkiosk --demo "
                            "--cli` for the text demo, or a development install with "
                            f"pip install 'starkiosk[server]' ({exc})") from exc
        self.svc = svc
        root.mkdir(parents=True, exist_ok=True)
        self.files = ckeys.KeyFiles(root / "keys")
        self.engine = cdb.make_engine(f"sqlite:///{root / 'platform.sqlite3'}")
        cdb.migrate(self.engine)
        with self.engine.begin() as conn:
            self.summary: dict[str, Any] = svc.init_demo(conn, datetime.now(UTC), parents=parents,
                                                         files=self.files)
        self.port = _free_port()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> None:
        import uvicorn

        from credit_api.app import asgi_app

        config = uvicorn.Config(asgi_app(self.engine), host="127.0.0.1", port=self.port,
                                log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="demo-api", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise DemoError("the demo credit API did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        self.engine.dispose()

    def code(self) -> str:
        with self.engine.begin() as conn:
            return self.svc.new_enrolment_code(conn, self.summary["venue"]["id"],
                                               datetime.now(UTC))[0]

    def issue(self, parent_id: int) -> str:
        from sync.passes import Role

        with self.engine.begin() as conn:
            return self.svc.issue_pass(conn, parent_id, Role.PARENT, datetime.now(UTC),
                                       files=self.files)[0]

    def revoke(self, text_and_id: tuple[str, int]) -> str:
        with self.engine.begin() as conn:
            self.svc.revoke_pass(conn, text_and_id[1], datetime.now(UTC))
        return text_and_id[0]

    def issue_with_id(self, parent_id: int) -> tuple[str, int]:
        from sync.passes import Role

        with self.engine.begin() as conn:
            return self.svc.issue_pass(conn, parent_id, Role.PARENT, datetime.now(UTC),
                                       files=self.files)

    def trainer_pass(self) -> str:
        """A pass for the trainer of the class open now (for the close-out screen)."""
        from sync.passes import Role

        sid = self.summary["open_session"]
        trainer = next(c["trainer"] for c in _programme_classes() if _sid(c) == sid)
        with self.engine.begin() as conn:
            return self.svc.issue_pass(conn, trainer, Role.TRAINER, datetime.now(UTC),
                                       files=self.files)[0]


def _programme_classes() -> list[dict[str, Any]]:
    from sync import demo as demo_data

    programme = demo_data.load_programme()
    venue = next(v for v in programme["venues"] if v["id"] == demo_data.DEFAULT_VENUE)
    return list(venue["classes"])


def _sid(c: dict[str, Any]) -> int:
    from sync import demo as demo_data

    return demo_data.session_id(demo_data.DEFAULT_VENUE, c["id"])


@dataclass
class GuiDemo:
    config: Config
    platform: DemoPlatform
    switch: Any
    source_spec: str
    video: Path
    cleanups: list[Any] = field(default_factory=list)

    def close(self) -> None:
        self.switch.close()
        self.platform.stop()


def demo_passes(platform: DemoPlatform) -> list[str]:
    """The video's cast: registered parents, one walk-in, one repeat, one revoked pass."""
    from sync import demo as demo_data

    registered = platform.summary["parents"]
    programme = demo_data.load_programme()
    others = [v["id"] for v in programme["venues"] if v["id"] != demo_data.DEFAULT_VENUE]
    walk_in = None
    if others:
        mine = set(registered)
        count = len(registered)
        walk_in = next((p["parent_id"] for p in demo_data.demo_parents(programme, others[0], count)
                        if p["parent_id"] not in mine), None)
    texts = [platform.issue(pid) for pid in registered[:3]]
    texts.append(texts[0])  # the same parent again: "already checked in"
    if walk_in is not None:
        texts.append(platform.issue(walk_in))
    texts.append(platform.revoke(platform.issue_with_id(registered[3])))
    texts.append(platform.issue(registered[4]))
    return texts


def prepare_gui_demo(base: Path, *, parents: int = 60, video: bool = True) -> GuiDemo:
    """Demo folder, platform started, kiosk enrolled through the switch, the pass video made."""
    from kiosk.services.sync import LoopbackSwitch, enrol

    demo = prepare_demo_dir(base)
    cfg = Config(demo / "kiosk")
    platform = DemoPlatform(demo / "platform", parents=parents)
    platform.start()
    switch = LoopbackSwitch(platform.port)
    try:
        texts = demo_passes(platform)
        with Store(cfg.db_path) as store:
            enrol(cfg.data_dir, store, switch.url, platform.code(), name="demo kiosk")
        _write_pass_cards(demo / "passes", texts[:3], platform.trainer_pass())
        path = demo / "passes.avi"
        if video:
            from kiosk.devtools.frames import write_video

            write_video(texts, str(path), show_frames=45, gap_frames=75)
    except BaseException:
        switch.close()
        platform.stop()
        raise
    log.info("demo ready: API %s via %s, video %s", platform.url, switch.url, path)
    return GuiDemo(cfg, platform, switch, f"file:{path}" if video else "none", path)


def _write_pass_cards(folder: Path, parents: list[str], trainer: str) -> None:
    """QR images to scan by hand in the demo (a USB scanner pointed at the screen, or a phone):
    a few parents' passes and the trainer's pass that closes the class."""
    from kiosk.core.qr import render_png
    from sync import passes
    from sync.parent_numbers import display_number

    for i, text in enumerate(parents, 1):  # each card carries the number a volunteer types
        number = display_number(passes.parse(text)[0].parent_id)
        render_png(text, folder / f"parent-{i}.png", caption=number)
    render_png(trainer, folder / "trainer.png")
    (folder / "README.txt").write_text(
        "演示用的星级家长码 / demo passes (made by starkiosk --demo; safe to delete)\n"
        "parent-N.png: registered parents of the class open now\n"
        "trainer.png: the trainer pass that closes that class (培训师结课)\n",
        encoding="utf-8")
