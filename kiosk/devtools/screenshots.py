"""Screenshots of every screen in Chinese, under offscreen Qt (``python -m kiosk.devtools
screenshots --size 1024x600``): a demo kiosk on a fixed clock, no network, the same pictures
every run.  The size is injected as the screen's available area, so the type scale and the
layout are those a real screen of that size gets (offscreen Qt has one fixed screen)."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # a Monday, 14:00 in Hangzhou


def _wait_until(cond: Callable[[], bool], timeout_s: float = 10.0) -> None:
    from PySide6.QtCore import QCoreApplication

    deadline = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not get ready")
        QCoreApplication.processEvents()
        time.sleep(0.01)


def take_screenshots(out_dir: Path, *, size: tuple[int, int] = (1280, 800)) -> list[Path]:
    """Write one PNG per screen (and per result-card colour) into ``out_dir``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["screenshots"])
    from kiosk.app import build
    from kiosk.config import Config
    from kiosk.core.clock import FixedClock
    from kiosk.core.store import Store
    from kiosk.devtools.frames import render
    from kiosk.devtools.keys import keygen
    from kiosk.services.scanning import preview_image
    from sync.demo import make_bundle

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        key = keygen(tmp / "keys")
        bundle, summary = make_bundle([key.trust_key()], now=NOW, parents=30)
        config = Config(tmp / "kiosk")
        with Store(config.db_path) as store:
            store.import_bundle(bundle)
        kiosk = build(config, clock=FixedClock(NOW), camera=False, sounds=False,
                      card_ms=3_600_000, sync_interval_s=3600, available=QSize(*size))
        w = kiosk.window
        w.resize(*size)
        w.show()

        def snap(name: str) -> None:
            for _ in range(5):
                app.processEvents()
            path = out_dir / f"{name}.png"
            w.grab().save(str(path))
            written.append(path)

        def issue(pid: int) -> str:
            return key.issue(pid, valid_from=NOW - timedelta(days=1))[0]

        def scan(text: str) -> None:
            before = len(w.scan.recent)
            w.scan.submit(text, "scanner")
            _wait_until(lambda: len(w.scan.recent) > before)

        try:
            w.stack.setCurrentWidget(w._pages.get(w.first_run, w.first_run))
            snap("01-first-run")
            w.start()
            _wait_until(lambda: w.picker.selected() is not None)
            snap("02-class-picker")
            w.picker.start()
            _wait_until(lambda: bool(w.scan.counts))
            import random

            frame = render(issue(summary["parents"][9]), "phone", random.Random(3), 1280, 720)
            w.scan.show_preview(preview_image(frame, None, 640))
            w.scan.update_sync({"enrolled": True, "online": True, "pending": 2,
                                "last_success": (NOW - timedelta(minutes=3)).isoformat()})
            snap("03-scan-idle")
            text = issue(summary["parents"][0])
            scan(text)
            snap("04-scan-accepted")
            scan(text)
            snap("05-scan-already-checked-in")
            scan(text[:40] + ("A" if text[40] != "A" else "B") + text[41:])
            w.scan.update_sync({"enrolled": True, "online": False, "pending": 3,
                                "last_success": (NOW - timedelta(minutes=40)).isoformat()})
            snap("06-scan-refused-offline")
            w.show_help()
            reg = next(r for r in bundle.registrations if r.session_id == summary["open_session"])
            w.help.phone.setText(reg.phone_last4)
            w.help.find()
            _wait_until(lambda: bool(w.help.matches))
            snap("07-volunteer-help")
            w.help.pick_surname()
            for _ in range(5):
                app.processEvents()
            picker = w.help.surname_picker
            assert picker is not None
            path = out_dir / "07b-surname-picker.png"
            picker.grab().save(str(path))
            written.append(path)
            picker.reject()
            w.show_scan()
            w.show_crash()
            w.crash.timer.stop()
            snap("08-please-call-staff")
            w.show_scan()
            try:
                w.show_closeout()
                snap("09-close-out")
            except ImportError:
                pass
            try:
                from kiosk.ui.screens.admin import AdminScreen

                admin = AdminScreen(kiosk.store, config, sync_now=lambda: None,
                                    sync_status=lambda: {"enrolled": False})
                w._replace_extra("admin", admin)
                snap("10-admin")
                from kiosk.ui.pin import PinDialog

                pad = PinDialog(config, "admin", mode="new", parent=w)
                pad.show()
                for _ in range(5):
                    app.processEvents()
                path = out_dir / "11-pin-pad.png"
                pad.grab().save(str(path))
                written.append(path)
                pad.reject()
            except ImportError:
                pass
        finally:
            kiosk.shutdown()
            w.close()
    return written
