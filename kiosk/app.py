"""The composition root: config → logging → store → services → main window.

``starkiosk`` (no subcommand) and ``python -m kiosk`` run :func:`run`; ``starkiosk --demo``
runs it against an in-process reference API with demo data (see :mod:`kiosk.demo`).
:func:`build` is the headless part tests use: everything but the event loop.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, QRect, QSize, Signal
from PySide6.QtWidgets import QApplication

from kiosk.config import Config, default_data_dir
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.store import Store, StoreError
from kiosk.services.camera_controls import camera_settings
from kiosk.services.checkin import CheckinService
from kiosk.services.scanning import ScanService
from kiosk.services.sounds import SoundService
from kiosk.services.sync import LoopbackSwitch, SyncService
from kiosk.services.wedge import WedgeFilter
from kiosk.ui.main_window import MainWindow
from kiosk.ui.prefs import pref

log = logging.getLogger(__name__)


class CrashRelay(QObject):
    """Carries "something crashed" from any thread to the main thread."""

    crashed = Signal()


def install_crash_hook(on_crash: Callable[[], None]) -> Callable[[], None]:
    """Log every uncaught exception (main or worker thread) and call ``on_crash`` in the main
    thread.  Returns a function that puts the previous hooks back."""
    relay = CrashRelay()
    relay.crashed.connect(on_crash)
    old_hook, old_thread_hook = sys.excepthook, threading.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            old_hook(exc_type, exc, tb)
            return
        log.critical("uncaught error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        relay.crashed.emit()

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread else "?"
        log.critical("uncaught error in thread %s:\n%s", name, "".join(
            traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)))
        relay.crashed.emit()

    sys.excepthook = hook
    threading.excepthook = thread_hook
    hook.relay = relay  # type: ignore[attr-defined]  # keep it alive

    def restore() -> None:
        sys.excepthook, threading.excepthook = old_hook, old_thread_hook

    return restore


@dataclass
class Kiosk:
    """What :func:`build` made; :meth:`shutdown` stops every thread it started."""

    config: Config
    store: Store
    checkin: CheckinService
    sync: SyncService
    sounds: SoundService
    wedge: WedgeFilter
    window: MainWindow
    scanner: ScanService | None = None
    translator: Any = None
    extra_cleanup: list[Callable[[], None]] = field(default_factory=list)

    def shutdown(self) -> None:
        self.window.stop_camera()
        if self.scanner is not None:
            self.scanner.stop()
        self.sync.stop()
        self.checkin.stop()
        app = QApplication.instance()
        if self.translator is not None and app is not None:
            app.removeTranslator(self.translator)
        for fn in reversed(self.extra_cleanup):
            try:
                fn()
            except Exception:
                log.exception("cleanup failed")
        self.store.close()


def build(config: Config, *, clock: Clock | None = None, camera: bool = True,
          source_spec: str | None = None, switch: LoopbackSwitch | None = None,
          sync_interval_s: float | None = None, sounds: bool = True, card_ms: int | None = None,
          crash_return_ms: int = 8000, start_demo: Callable[[], None] | None = None,
          available: QRect | QSize | None = None) -> Kiosk:
    """Store → services → window, not shown and with no event loop (tests use this directly).

    ``available``: the screen area to lay out for (default: the primary screen's); the layout
    test and the screenshot tool pass 1024×600, 1366×768, 1920×1080.
    """
    app = QApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication first")
    from kiosk.i18n import install_translator

    translator = install_translator(app, config.get("language"))  # type: ignore[arg-type]
    clock = clock or SystemClock()
    store = Store(config.db_path)
    checkin = CheckinService(config.db_path, clock=clock, window=config.window())
    sync = SyncService(config.data_dir, config.db_path, clock=clock, switch=switch,
                       interval_s=sync_interval_s or float(pref(config, "sync_interval_s")),
                       retention_days=config.get("retention_days"))
    sound = SoundService(int(pref(config, "volume")), enabled=sounds)
    wedge = WedgeFilter()
    scanner = ScanService(camera_settings=camera_settings(config)) if camera else None
    window = MainWindow(config=config, store=store, checkin=checkin, sync=sync, wedge=wedge,
                        sounds=sound, scanner=scanner, clock=clock, source_spec=source_spec,
                        card_ms=card_ms, crash_return_ms=crash_return_ms, start_demo=start_demo,
                        available=available)
    checkin.start()
    return Kiosk(config, store, checkin, sync, sound, wedge, window, scanner, translator)


def _restart_as_demo(config: Config) -> None:
    """First run's "try the demo": start ``starkiosk --demo`` (its own demo folder) and quit."""
    from PySide6.QtCore import QProcess

    prefix = [] if getattr(sys, "frozen", False) else ["-m", "kiosk"]
    args = [*prefix, "--data-dir", str(config.data_dir), "--demo"]
    if QProcess.startDetached(sys.executable, args)[0]:
        log.info("starting the demo; this window closes")
        QApplication.quit()
    else:
        log.error("could not start the demo")


def demo_available() -> bool:
    """The windowed demo runs the reference credit API in-process: only in a development install
    (the kiosk bundle leaves the server out), so the first-run screen offers it only then."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("credit_api", "uvicorn"))


def no_display_reason() -> str | None:
    """On Linux without a screen Qt would abort with a cryptic message: say it plainly instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("no screen found (DISPLAY is not set). Run the kiosk on the desktop, or try the text "
            "demo: starkiosk --demo --cli")


BENCH_ENV = "STARKIOSK_EXIT_AFTER_SCAN_SCREEN"  # bench/cold_start.py: start, open the class, quit


def _exit_on_scan_screen(window: MainWindow, app: QApplication) -> None:
    """For the cold-start benchmark: print ``scan-screen-ready <ms since process start>`` when the
    scan screen first shows, then quit."""
    import time

    def shown(name: str) -> None:
        if name != "scan":
            return
        try:  # Linux: the process's own start time (clock ticks after boot)
            ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
            uptime = float(Path("/proc/uptime").read_text().split()[0])
            ms = (uptime - ticks / os.sysconf("SC_CLK_TCK")) * 1000
        except (OSError, ValueError, IndexError, AttributeError):
            ms = time.process_time() * 1000  # elsewhere: CPU time, a lower bound
        print(f"scan-screen-ready {ms:.0f}", flush=True)
        app.quit()

    window.screen_changed.connect(shown)


def run(data_dir: Path | None = None, *, demo: Callable[[Path], Any] | None = None,
        verbose: bool = False) -> int:
    """The kiosk app with its event loop.  Returns the exit status.

    ``demo`` prepares the windowed demo in a folder (``kiosk.demo.prepare_gui_demo``, passed in
    by the command line so the composition root does not depend on the demo): its result gives
    the config, the frame source, the loopback switch and ``close()``; it may raise.
    """
    from kiosk.logsetup import setup_logging

    reason = no_display_reason()
    if reason:
        print(f"starkiosk: {reason}", file=sys.stderr)
        return 2

    cleanup: list[Callable[[], None]] = []
    source_spec = None
    switch = None
    if demo is not None:
        setup = demo(data_dir or default_data_dir())  # may raise DemoError
        config = setup.config
        source_spec, switch = setup.source_spec, setup.switch
        cleanup.append(setup.close)
    else:
        config = Config.load(data_dir or default_data_dir())
    setup_logging(config.log_dir, verbose=verbose)
    log.info("starting the kiosk app (data folder %s, demo=%s)", config.data_dir, demo is not None)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("starkiosk")
    try:
        kiosk = build(config, source_spec=source_spec, switch=switch,
                      sync_interval_s=10.0 if demo is not None else None,
                      start_demo=(lambda: _restart_as_demo(config))
                      if demo is None and demo_available() else None)
    except (StoreError, OSError) as exc:
        # The database cannot be used: plain words on screen (they say what to do), no traceback.
        log.error("cannot start: %s", exc)
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "星级家长 签到终端", f"终端无法启动，请联系工作人员。\n\n{exc}")
        for fn in cleanup:
            fn()
        return 3
    kiosk.extra_cleanup.extend(cleanup)
    restore = install_crash_hook(kiosk.window.show_crash)
    try:
        kiosk.window.start()
        kiosk.sync.start()
        if pref(config, "kiosk_mode"):
            kiosk.window.set_kiosk_mode(True)
        else:
            # The screen's available area, whatever its size (1024×600 netbook to 1080p).
            kiosk.window.show_fitted()
        bench = os.environ.get(BENCH_ENV) == "1"
        if bench:
            _exit_on_scan_screen(kiosk.window, app)
        if demo is not None or bench:
            kiosk.window.show_picker(auto_start=True)
        return app.exec()
    finally:
        restore()
        kiosk.shutdown()
