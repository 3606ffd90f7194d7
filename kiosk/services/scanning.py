"""The camera service: runs the scan pipeline off the GUI thread and relays its results as signals.

``hint(word)`` tells the scan screen what would help a parent whose code is seen but not read:
a key of :data:`kiosk.scan.hints.HINTS` (``closer`` 请靠近一点, ``hold_still`` 请拿稳,
``brighter`` 请调亮屏幕), or ``""`` when there is nothing to say any more (read, or gone).

Worker threads never touch widgets.  They emit the service's private signals; because the service
lives in the main thread, Qt queues those to the main thread, where the public signals go out.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QPointF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPolygonF

from kiosk.scan.debounce import Debouncer
from kiosk.scan.decoder import DecodeResult
from kiosk.scan.pipeline import ScanPipeline
from kiosk.scan.sources import Frame, FrameSource, NullSource
from kiosk.scan.strategy import MultiFrameDecoder, ScanResult

log = logging.getLogger(__name__)


def preview_image(frame: np.ndarray | QImage, result: DecodeResult | ScanResult | None,
                  width: int) -> QImage:
    """A scaled RGB copy of the frame with each found code outlined, as a QImage that owns its data.

    ``frame`` is an array (BGR from OpenCV, or gray) or a QImage (the Qt camera's frame in
    colour).  Qt does the scaling and drawing, so this needs no OpenCV.
    """
    if isinstance(frame, QImage):
        image = frame
        w, h = image.width(), image.height()
    else:
        h, w = frame.shape[:2]
        pixels = np.ascontiguousarray(frame)
        fmt = QImage.Format.Format_Grayscale8 if pixels.ndim == 2 else (
            QImage.Format.Format_BGR888 if pixels.shape[2] == 3 else QImage.Format.Format_ARGB32)
        image = QImage(pixels.data, w, h, pixels.strides[0], fmt)
    scale = width / w if w > width else 1.0
    if scale != 1.0:
        image = image.scaled(round(w * scale), round(h * scale), Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    image = image.convertToFormat(QImage.Format.Format_RGB888)  # a copy: owns its data
    found = result.found if result else ()
    if found:
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(60, 200, 60), max(2, round(image.width() / 200))))
        for code in found:
            painter.drawPolygon(QPolygonF([QPointF(x * scale, y * scale) for x, y in code.corners]))
        painter.end()
    return image


class ScanService(QObject):
    """Owns the camera pipeline.  ``code_scanned(text, "camera")`` arrives in the main thread."""

    code_scanned = Signal(str, str)
    preview = Signal(QImage)
    hint = Signal(str)  # "closer" | "hold_still" | "brighter" | "" (see kiosk.scan.hints.HINTS)
    notice = Signal(str)
    error = Signal(str)
    stopped = Signal()

    _code_from_worker = Signal(str)
    _preview_from_worker = Signal(QImage)
    _hint_from_worker = Signal(str)
    _error_from_worker = Signal(str)
    _end_from_worker = Signal()

    def __init__(self, parent: QObject | None = None, *, preview_width: int = 640,
                 preview_fps: float = 15.0, min_frames: int = 2, hold_s: float = 3.0,
                 camera_settings: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.preview_width = preview_width
        self.preview_fps = preview_fps
        self.min_frames = min_frames
        self.hold_s = hold_s
        # focus and exposure for the camera (kiosk.services.camera.camera_settings(config)),
        # applied to each camera source this service starts
        self.camera_settings = dict(camera_settings or {})
        self.pipeline: ScanPipeline | None = None
        self.source: FrameSource | None = None
        self._hint_shown = ""
        self._code_from_worker.connect(self._relay_code)
        self._preview_from_worker.connect(self._relay_preview)
        self._hint_from_worker.connect(self._relay_hint)
        self._error_from_worker.connect(self._relay_error)
        self._end_from_worker.connect(self.stopped)

    @property
    def running(self) -> bool:
        return self.pipeline is not None and self.pipeline.running

    def start(self, source: FrameSource) -> None:
        """Start reading ``source`` (already opened; see ``make_source``)."""
        self.stop()
        self.source = source
        if source.notice:
            self.notice.emit(source.notice)
        if isinstance(source, NullSource):
            return
        apply = getattr(source, "apply_settings", None)
        if apply is not None and self.camera_settings:
            apply(self.camera_settings)
        self.pipeline = ScanPipeline(
            source,
            lambda text, _first_seen: self._code_from_worker.emit(text),
            decoder=MultiFrameDecoder(),
            debouncer=Debouncer(self.min_frames, self.hold_s),
            on_preview=self._on_preview if self.preview_fps > 0 else None,
            preview_fps=self.preview_fps,
            on_error=self._error_from_worker.emit,
            on_end=self._end_from_worker.emit,
            on_hint=self._hint_from_worker.emit,
        )
        self.pipeline.start()

    def stop(self) -> None:
        if self.pipeline is not None:
            self.pipeline.stop()
            self.pipeline = None
        elif self.source is not None:
            self.source.close()
        self.source = None
        if self._hint_shown:  # a hint must not outlive the camera
            self._hint_shown = ""
            self.hint.emit("")

    def decode_thread_ids(self) -> set[int]:
        return set(self.pipeline.stats.decode_threads) if self.pipeline else set()

    # -- worker side (decode thread) -------------------------------------------------------

    def _on_preview(self, frame: Frame, result: DecodeResult | ScanResult) -> None:
        assert threading.current_thread() is not threading.main_thread()
        # The decoder's own picture: BGR from OpenCV, gray from the Qt camera (a colour copy on
        # this thread would need Qt's GPU path off the GUI thread, and could be rotated or
        # mirrored against the corners the decoder found).
        self._preview_from_worker.emit(preview_image(frame.image, result, self.preview_width))

    # -- main thread -----------------------------------------------------------------------

    @Slot(QImage)
    def _relay_preview(self, image: QImage) -> None:
        if self.pipeline is not None:  # a picture queued before stop() is stale: drop it
            self.preview.emit(image)

    @Slot(str)
    def _relay_hint(self, word: str) -> None:
        if self.pipeline is None or word == self._hint_shown:  # stale, or nothing new
            return
        self._hint_shown = word
        self.hint.emit(word)

    @Slot(str)
    def _relay_code(self, text: str) -> None:
        self.code_scanned.emit(text, "camera")

    @Slot(str)
    def _relay_error(self, message: str) -> None:
        log.warning("camera: %s", message)
        self.error.emit(message)
