"""The main window: a stack of screens and the flows between them.

It owns no data and no threads: the composition root (``kiosk.app``) hands it the store (main
thread reads only), the config, the clock and the services, and it hands each screen what that
screen needs.  Close-out, admin and the PIN dialog live in their own modules and are imported
when first used.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from kiosk.config import Config
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.desk import CheckinResult
from kiosk.core.store import SessionRow, Store
from kiosk.services.camera_controls import camera_settings
from kiosk.services.checkin import CheckinService
from kiosk.services.sounds import SoundService
from kiosk.services.sync import SyncService
from kiosk.services.wedge import WedgeFilter
from kiosk.ui import theme
from kiosk.ui.prefs import camera_spec, pref
from kiosk.ui.reasons import card_severity
from kiosk.ui.screens.class_picker import ClassPickerScreen
from kiosk.ui.screens.crash import CrashScreen
from kiosk.ui.screens.first_run import FirstRunScreen
from kiosk.ui.screens.help import HelpScreen
from kiosk.ui.screens.scan import ScanScreen
from kiosk.ui.scrolling import scrolled
from kiosk.ui.staff import common as staff_common
from kiosk.ui.window_support import (  # noqa: F401  (MIN_WINDOW, available_geometry: API)
    MIN_WINDOW,
    SourceOpener,
    available_geometry,
)

if TYPE_CHECKING:
    from kiosk.services.scanning import ScanService

log = logging.getLogger(__name__)

class MainWindow(QMainWindow):
    screen_changed = Signal(str)

    def __init__(self, *, config: Config, store: Store, checkin: CheckinService,
                 sync: SyncService, wedge: WedgeFilter, sounds: SoundService,
                 scanner: ScanService | None = None, clock: Clock | None = None,
                 source_spec: str | None = None, card_ms: int | None = None,
                 crash_return_ms: int = 8000, start_demo: Callable[[], None] | None = None,
                 available: QRect | QSize | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Type scales with the screen (kiosk.ui.theme), set before any screen is built.
        self.available = available_geometry(available)
        theme.set_scale(theme.scale_for(self.available.height()))
        self.config = config
        self.store = store
        self.checkin = checkin
        self.sync = sync
        self.wedge = wedge
        self.sounds = sounds
        self.scanner = scanner
        self.clock = clock or SystemClock()
        self.source_spec = source_spec or camera_spec(pref(config, "camera"))
        self.start_demo = start_demo
        self.session: SessionRow | None = None
        self.kiosk_mode = False
        self._extra: dict[str, QWidget] = {}
        lang = config.get("language")
        self.tz = self._tz()
        card_ms = card_ms if card_ms is not None else int(pref(config, "card_seconds") * 1000)

        self.setWindowTitle(self.tr("星级家长 签到终端"))
        self.setStyleSheet(theme.STYLE)
        self.setMinimumSize(min(MIN_WINDOW.width(), self.available.width()),
                            min(MIN_WINDOW.height(), self.available.height()))
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self._pages: dict[QWidget, QWidget] = {}  # screen → its page in the stack (a scroll area)
        self.first_run = FirstRunScreen(sync, wedge, demo_available=start_demo is not None)
        self.picker = ClassPickerScreen(tz=self.tz, now=self.clock.now,
                                        doors_open_min=config.get("doors_open_before_min"))
        self.scan = ScanScreen(checkin, wedge, lang=lang, tz=self.tz, card_ms=card_ms,
                               network_switch=sync.has_switch)
        self.help = HelpScreen(checkin, lang=lang, tz=self.tz, card_ms=card_ms)
        self.crash = CrashScreen(return_ms=crash_return_ms)
        for name, w in (("first_run", self.first_run), ("picker", self.picker), ("scan", self.scan),
                        ("help", self.help), ("crash", self.crash)):
            self._add_page(name, w, scroll=name in ("first_run", "help"))

        self.first_run.enrolled.connect(self.show_picker)
        self.first_run.demo_requested.connect(self._demo_requested)
        self.picker.chosen.connect(self.choose_session)
        self.picker.closeout_chosen.connect(self._close_out_class)
        self.scan.help_requested.connect(self.show_help)
        self.scan.closeout_requested.connect(self.show_closeout)
        self.scan.admin_requested.connect(self.show_admin)
        self.scan.change_class_requested.connect(self.show_picker)
        self.scan.network_toggled.connect(sync.set_online)
        self.help.done.connect(self.show_scan)
        self.crash.back.connect(self._after_crash)
        checkin.result.connect(self._on_result)
        checkin.failed.connect(lambda _msg: self.show_crash())
        sync.status_changed.connect(self.scan.update_sync)
        sync.status_changed.connect(self._on_sync_status)
        if scanner is not None:
            scanner.code_scanned.connect(self._camera_code)
            scanner.preview.connect(self.scan.show_preview)
            scanner.notice.connect(self.scan.show_notice)
            scanner.hint.connect(self.scan.show_hint)
            scanner.error.connect(self._camera_failed)
        self._opener = SourceOpener(self)
        self._opener.opened.connect(self._source_opened)
        self._camera_started = False
        # A camera that fails while in use (unplugged, taken by another program) is closed and
        # opened again after a pause, doubling up to a minute while it stays away.
        self.camera_retry_ms = 10_000
        self._camera_lost = False
        self._retry_ms = self.camera_retry_ms
        self._camera_retry = QTimer(self)
        self._camera_retry.setSingleShot(True)
        self._camera_retry.timeout.connect(self._reopen_camera)

        leave = QShortcut(QKeySequence("Ctrl+Alt+Q"), self)
        leave.activated.connect(self.request_leave_kiosk_mode)
        self.stack.currentChanged.connect(
            lambda _i: self.screen_changed.emit(self.stack.currentWidget().objectName()))

    @Slot(str, str)
    def _camera_code(self, text: str, method: str) -> None:
        """Camera codes go to whichever screen is showing: check-in, or a trainer's close-out."""
        current = self.screen_widget()
        if current is self.scan:
            self.scan.camera_code(text, method)
        elif hasattr(current, "accept_code"):
            current.accept_code(text)

    # -- helpers -----------------------------------------------------------------------------

    def _tz(self) -> ZoneInfo:
        venue = self.store.venue()
        return ZoneInfo(venue["timezone"] if venue else "Asia/Shanghai")

    def current(self) -> str:
        return self.stack.currentWidget().objectName()

    def _add_page(self, name: str, w: QWidget, *, scroll: bool = False) -> None:
        w.setObjectName(name)
        page: QWidget = w
        if scroll:
            page = scrolled(w)
            page.setObjectName(name)
            self._pages[w] = page
        self.stack.addWidget(page)

    def _show(self, w: QWidget) -> None:
        self.stack.setCurrentWidget(self._pages.get(w, w))

    def screen_widget(self) -> QWidget:
        """The screen showing (inside its scroll area, if it has one)."""
        page = self.stack.currentWidget()
        return page.widget().screen if isinstance(page, QScrollArea) else page

    def show_fitted(self) -> None:
        """An ordinary window the size of the screen's available area, never larger."""
        self.setGeometry(self.available)
        self.showMaximized()

    # -- start -------------------------------------------------------------------------------

    def start(self) -> None:
        """Pick the first screen: first run when this kiosk has no classes and no enrolment."""
        from sync import credentials

        try:
            enrolled = credentials.load(self.config.data_dir) is not None
        except ValueError:
            enrolled = False
        self.sync.refresh()
        if not enrolled and not self.store.sessions():
            self._show(self.first_run)
        else:
            self.show_picker()

    # -- flows -------------------------------------------------------------------------------

    @Slot()
    def show_picker(self, *, auto_start: bool = False) -> None:
        """Today's classes (read on the worker).  ``auto_start``: go straight on to scanning
        the pre-selected class (the demo)."""
        self.tz = self._tz()
        self.picker.tz = self.tz
        venue = self.store.venue()

        def rows(store: Store) -> list[tuple[SessionRow, dict[str, int]]]:
            return [(s, store.session_counts(s.id)) for s in store.sessions()]

        def loaded(r: list[tuple[SessionRow, dict[str, int]]]) -> None:
            self.picker.set_sessions(r, venue["name"] if venue else "")
            if auto_start and self.current() == "picker":
                self.picker.start()

        self.checkin.call(rows, loaded)
        self._show(self.picker)

    @Slot(object)
    def choose_session(self, session: SessionRow) -> None:
        self.session = session
        self.scan.tz = self.help.card.tz = self.scan.card.tz = self.tz
        self.scan.set_session(session)
        self.help.set_session(session)
        self.show_scan()
        self.start_camera()

    @Slot()
    def show_scan(self) -> None:
        if self.session is None:
            self.show_picker()
            return
        self._show(self.scan)

    @Slot()
    def show_help(self) -> None:
        self.help.reset()
        self._show(self.help)

    def start_camera(self) -> None:
        if self.scanner is None or self._camera_started:
            return
        self._camera_started = True
        self._opener.open(self.source_spec)

    def stop_camera(self) -> None:
        """Close the camera for good (shutting down): no retry either."""
        self._camera_retry.stop()
        self._camera_lost = False
        if self.scanner is not None:
            self.scanner.stop()

    @Slot(object)
    def _source_opened(self, source: Any) -> None:
        from kiosk.scan.sources import CAMERA_LOST_NOTICE, NullSource

        if self.scanner is None:
            source.close()
            return
        if self._camera_lost:
            if isinstance(source, NullSource):  # still away: keep the words, try again later
                source.close()
                self.scan.show_notice(CAMERA_LOST_NOTICE)
                self._retry_ms = min(self._retry_ms * 2, 60_000)
                self._camera_retry.start(self._retry_ms)
                return
            log.info("camera back: %s", getattr(source, "name", source))
            self._camera_lost = False
            self.scan.show_notice("")
        self.scanner.start(source)

    @Slot(str)
    def _camera_failed(self, message: str) -> None:
        from kiosk.scan.sources import CAMERA_LOST_NOTICE

        log.warning("camera failed (%s); opening it again in %d s", message,
                    self.camera_retry_ms // 1000)
        if self.scanner is not None:
            self.scanner.stop()  # closes the camera (its light goes off)
        self.scan.preview.set_image(QImage())  # no frozen last picture under the words
        self.scan.show_notice(CAMERA_LOST_NOTICE)
        self._camera_lost = True
        self._retry_ms = self.camera_retry_ms
        self._camera_retry.start(self._retry_ms)

    @Slot()
    def _reopen_camera(self) -> None:
        if self.scanner is not None and self._camera_lost and not self.scanner.running:
            self._opener.open(self.source_spec)

    @Slot(object)
    def _on_result(self, result: CheckinResult) -> None:
        self.sounds.play(card_severity(result.outcome))  # the card's colour, the card's sound
        if result.checkin_id is not None:
            self.sync.refresh()

    @Slot(dict)
    def _on_sync_status(self, status: dict) -> None:
        # New classes or registrations may have arrived: refresh the picker if it is showing.
        if self.current() == "picker" and status.get("online"):
            self.show_picker()

    def _demo_requested(self) -> None:
        if self.start_demo is not None:
            self.start_demo()

    # -- close-out and admin (helper modules, imported lazily) -------------------------------

    def _replace_extra(self, name: str, w: QWidget) -> None:
        old = self._extra.pop(name, None)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        self._extra[name] = w
        # The staff screens' style at this window's scale (a module may hold an older copy).
        w.setStyleSheet(staff_common.screen_style())
        self._add_page(name, w)
        self._show(w)

    @Slot()
    def show_closeout(self) -> None:
        if self.session is None:
            return
        from kiosk.ui.screens.closeout import CloseoutScreen

        screen = CloseoutScreen(self.store, self.session.id, clock=self.clock, config=self.config,
                                wedge=self.wedge, sync_now=self.sync.sync_now)
        screen.finished.connect(self._closeout_finished)
        screen.cancelled.connect(self.show_scan)
        # The camera only while the trainer's pass is asked for: no parent codes during review.
        screen.scanning_wanted.connect(self._camera_wanted)
        self._replace_extra("closeout", screen)

    def _close_out_class(self, session: SessionRow) -> None:
        """The picker's 培训师结课 for a class (an ended one, too): straight to its close-out."""
        self.choose_session(session)
        self.show_closeout()

    @Slot(bool)
    def _camera_wanted(self, on: bool) -> None:
        if self.scanner is None or not self._camera_started or self._camera_lost:
            return
        if on and not self.scanner.running:
            self._opener.open(self.source_spec)
        elif not on and self.scanner.running:
            self.scanner.stop()

    def _closeout_finished(self) -> None:
        self.session = None
        self._camera_wanted(True)
        self.show_picker()

    @Slot()
    def show_admin(self) -> None:
        from kiosk.ui.pin import ask_pin

        if not ask_pin(self, self.config, "admin"):
            return
        from kiosk.ui.screens.admin import AdminScreen

        screen = AdminScreen(self.store, self.config, sync_now=self.sync.sync_now,
                             sync_status=lambda: dict(self.sync.status))
        screen.closed.connect(self.show_scan)
        screen.settings_changed.connect(self.apply_settings)
        screen.leave_kiosk_mode.connect(lambda: self.set_kiosk_mode(False))
        self._replace_extra("admin", screen)

    @Slot()
    def apply_settings(self) -> None:
        self.sounds.set_volume(int(pref(self.config, "volume")))
        if self.scanner is not None:  # focus and exposure: applied when the camera next opens
            self.scanner.camera_settings = camera_settings(self.config)
        wanted = bool(pref(self.config, "kiosk_mode"))
        if wanted != self.kiosk_mode:
            self.set_kiosk_mode(wanted)

    # -- kiosk mode --------------------------------------------------------------------------

    def set_kiosk_mode(self, on: bool) -> None:
        """Full screen without window controls (on), or an ordinary window (off)."""
        self.kiosk_mode = on
        flags = Qt.WindowType.Window
        if on:
            flags |= Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        self.setWindowFlags(flags)
        if on:
            self.showFullScreen()
        else:
            self.show_fitted()

    @Slot()
    def request_leave_kiosk_mode(self) -> bool:
        if not self.kiosk_mode:
            return True
        from kiosk.ui.pin import ask_pin

        if ask_pin(self, self.config, "admin"):
            self.set_kiosk_mode(False)
            return True
        return False

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if self.kiosk_mode and not self.request_leave_kiosk_mode():
            event.ignore()
            return
        event.accept()

    # -- errors ------------------------------------------------------------------------------

    @Slot()
    def show_crash(self) -> None:
        if self.current() == "crash":
            return
        self._show(self.crash)
        self.crash.arm()

    def _after_crash(self) -> None:
        self.show_scan()

    def now(self) -> datetime:
        return self.clock.now()
