"""What the main window stands on: the screen area it may use, and opening a frame source
without blocking the GUI thread."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QRect, QSize, QTimer, Signal
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

# The smallest window the screens are laid out for: a 1024×600 netbook less a 40 px taskbar.
MIN_WINDOW = QSize(1024, 560)


def available_geometry(available: QRect | QSize | None = None) -> QRect:
    """The screen area the window may use: ``available`` when given (tests and the screenshot
    tool force a size), else the primary screen's available area (less the taskbar)."""
    if isinstance(available, QSize):
        return QRect(0, 0, available.width(), available.height())
    if isinstance(available, QRect):
        return QRect(available)
    screen = QApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 600)


class SourceOpener(QObject):
    """Opens a frame source off the GUI thread (an OpenCV camera can take a second to open).

    Qt Multimedia's camera is the exception: its objects live in the GUI thread, and opening it
    does not block (it starts asynchronously), so it is opened there.
    """

    opened = Signal(object)

    def open(self, spec: str) -> None:
        from kiosk.services.camera import open_frame_source, opens_on_gui_thread

        def work() -> None:
            try:
                source = open_frame_source(spec)
            except Exception as exc:  # a bad file or spec: no camera, say so on screen
                log.warning("frame source %s: %s", spec, exc)
                from kiosk.scan.sources import NullSource

                source = NullSource()
            self.opened.emit(source)

        if opens_on_gui_thread(spec):
            QTimer.singleShot(0, self, work)
        else:
            threading.Thread(target=work, name="open-source", daemon=True).start()
