"""Frames and pictures through Qt: the Qt Multimedia camera, a Qt video player, and image files.

Two camera back-ends deliver the same :class:`~kiosk.scan.sources.Frame` to the scan pipeline:

* ``opencv`` — :class:`kiosk.scan.sources.CameraSource`, used by a source install, where OpenCV is
  a dependency;
* ``qt`` — :class:`QtCameraSource` here, Qt Multimedia's camera.  The installable bundle leaves
  OpenCV out (it was 160 MB of a 430 MB bundle against a 250 MB target; docs/benchmarks.md), so a
  bundle always captures this way.

``auto`` (the default) takes OpenCV when it can be imported and Qt otherwise;
``STARKIOSK_CAMERA_BACKEND=qt|opencv`` forces one.  Both number cameras the same way only when
the platform lists them in the same order; the admin screen names them from Qt's list
(``QMediaDevices.videoInputs()``, the order ``camera:N`` counts in the Qt back-end).

Focus and exposure (:mod:`kiosk.services.camera_controls`, from the ``camera_*`` settings of
:mod:`kiosk.config`) are applied when a Qt camera opens, each only if the camera says it supports
it; what it does not support is logged and left alone.

Frames from Qt are delivered to a :class:`QVideoSink` in the GUI thread.  The slot only keeps the
newest :class:`QVideoFrame` (a reference, no copy); the capture thread that calls :meth:`read`
turns it into an 8-bit gray array, so the GUI thread does no pixel work.  For the YUV formats
cameras deliver, gray is the luma plane as it is: one copy, no colour conversion.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QSize, QUrl, Slot
from PySide6.QtMultimedia import (
    QCamera,
    QCameraDevice,
    QCameraFormat,
    QMediaCaptureSession,
    QMediaDevices,
    QMediaMetaData,
    QMediaPlayer,
    QVideoFrame,
    QVideoFrameFormat,
    QVideoSink,
)

from kiosk.scan.sources import (
    IMAGE_SUFFIXES,
    FileSource,
    Frame,
    FrameSource,
    SourceError,
)
from kiosk.services.camera_controls import apply_camera_settings
from kiosk.services.images import gray_from_image, load_gray

log = logging.getLogger(__name__)

BACKENDS = ("auto", "opencv", "qt")
BACKEND_ENV = "STARKIOSK_CAMERA_BACKEND"

_PF = QVideoFrameFormat.PixelFormat
# Formats whose first plane is 8-bit luma, one byte a pixel: that plane is the gray picture.
_LUMA_PLANE = {_PF.Format_YUV420P, _PF.Format_YUV422P, _PF.Format_YV12, _PF.Format_NV12,
               _PF.Format_NV21, _PF.Format_IMC1, _PF.Format_IMC2, _PF.Format_IMC3,
               _PF.Format_IMC4, _PF.Format_Y8}
# Packed 4:2:2: luma is every other byte, starting at 0 (YUYV) or 1 (UYVY).
_PACKED_LUMA = {_PF.Format_YUYV: 0, _PF.Format_UYVY: 1}


# -- which camera back-end ---------------------------------------------------------------------

def opencv_available() -> bool:
    try:
        import cv2  # noqa: F401
    except ImportError:
        return False
    return True


def camera_backend(choice: str | None = None) -> str:
    """``"opencv"`` or ``"qt"``: ``choice``, else $STARKIOSK_CAMERA_BACKEND, else ``auto``."""
    choice = (choice or os.environ.get(BACKEND_ENV) or "auto").strip().lower()
    if choice not in BACKENDS:
        raise ValueError(f"camera back-end {choice!r}: use one of {', '.join(BACKENDS)}")
    if choice == "auto":
        return "opencv" if opencv_available() else "qt"
    if choice == "opencv" and not opencv_available():
        raise SourceError("the OpenCV camera back-end was asked for, but OpenCV is not installed "
                          "(the bundle leaves it out): use the qt back-end")
    return choice


def open_frame_source(spec: str, *, backend: str | None = None) -> FrameSource:
    """Like :func:`kiosk.scan.sources.make_source`, with the camera (and video files) from the
    chosen back-end.  A camera that is not there becomes a :class:`NullSource` with a notice.

    With the Qt back-end, call this on the GUI thread: Qt's camera objects live there.
    """
    from kiosk.scan.sources import make_source

    if camera_backend(backend) == "opencv":
        return make_source(spec)
    return make_source(spec, camera=QtCameraSource, file=_qt_file_source)


def _qt_file_source(arg: str) -> FrameSource:
    """Image files through QImage, videos through Qt's player."""
    path = Path(arg)
    if path.is_dir() or path.suffix.lower() in IMAGE_SUFFIXES or any(c in arg for c in "*?["):
        return FileSource(arg, loader=load_gray)
    return QtVideoFileSource(path)


def opens_on_gui_thread(spec: str) -> bool:
    """Whether :func:`open_frame_source` must run on the GUI thread for ``spec``."""
    try:
        return spec.partition(":")[0] in ("camera", "file") and camera_backend() == "qt"
    except (ValueError, SourceError):
        return False


# -- video frames → gray arrays (image files: kiosk.services.images) ----------------------------

def gray_from_frame(frame: QVideoFrame) -> np.ndarray | None:
    """A video frame → an 8-bit gray array (None for an invalid or unreadable frame).

    Luma is taken straight from the frame where the format has it as bytes (the YUV formats
    cameras and decoders deliver); anything else goes through Qt's own conversion.
    """
    if not frame.isValid():
        return None
    fmt = frame.pixelFormat()
    if (fmt in _LUMA_PLANE or fmt in _PACKED_LUMA) and frame.map(QVideoFrame.MapMode.ReadOnly):
        try:  # (mapping is counted: the sink's own reference to this frame is unaffected)
            w, h, bpl = frame.width(), frame.height(), frame.bytesPerLine(0)
            bits = frame.bits(0)
            if bits is not None and len(bits) >= bpl * h:
                rows = np.frombuffer(bits, np.uint8, count=bpl * h).reshape(h, bpl)
                if fmt in _LUMA_PLANE:
                    return rows[:, :w].copy()
                start = _PACKED_LUMA[fmt]
                return rows[:, start:start + 2 * w:2].copy()
        finally:
            frame.unmap()
    # Anything else — above all Format_Jpeg, what most webcams send at 720p (MJPEG), which Qt
    # passes on undecoded — through Qt's own conversion (JPEG needs the qjpeg image plugin).
    image = frame.toImage()
    return None if image.isNull() else gray_from_image(image)


# -- sources fed by a QVideoSink -------------------------------------------------------------------

class _SinkSource:
    """A :class:`FrameSource` fed by a QVideoSink in the GUI thread.

    ``open`` and ``close`` run on the GUI thread; ``read`` on the pipeline's capture thread (or on
    the GUI thread, where it runs the event loop while it waits, as the self-test does).
    """

    wait_s = 0.2
    # Seconds without a new frame after which the source counts as failed (a camera unplugged or
    # taken by another program goes quiet rather than reporting); None: never (a paused video).
    stall_s: float | None = None

    def __init__(self, name: str) -> None:
        self.name = name
        self.notice: str | None = None
        self._cond = threading.Condition()
        self._latest: QVideoFrame | None = None
        self._latest_at = 0.0
        self._error: str | None = None
        self._finished = False
        self._closed = True
        self._index = 0
        self._last_frame = time.monotonic()
        self._sink: QVideoSink | None = None
        self._relay: _FrameRelay | None = None

    def apply_settings(self, settings: dict[str, Any]) -> list[str]:
        """Focus and exposure: only a camera has them (see :class:`QtCameraSource`)."""
        if settings:
            log.info("%s is not a camera: focus and exposure settings not applied", self.name)
        return []

    def _make_sink(self) -> QVideoSink:
        self._last_frame = time.monotonic()  # a camera gets stall_s to deliver its first picture
        self._relay = _FrameRelay(self._on_frame)
        self._sink = QVideoSink()
        self._sink.videoFrameChanged.connect(self._relay.frame)
        return self._sink

    # called in the GUI thread
    def _on_frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid():
            return
        with self._cond:
            self._latest, self._latest_at = frame, time.perf_counter()
            self._last_frame = time.monotonic()
            self._cond.notify()

    def _fail(self, message: str) -> None:
        with self._cond:
            self._error = message
            self._cond.notify_all()

    def _finish(self) -> None:
        with self._cond:
            self._finished = True
            self._cond.notify_all()

    def read(self) -> Frame | None:
        on_gui = threading.current_thread() is threading.main_thread()
        deadline = time.monotonic() + self.wait_s
        with self._cond:
            while self._latest is None and self._error is None and not self._finished \
                    and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    if self.stall_s is not None and time.monotonic() - self._last_frame > self.stall_s:
                        raise SourceError(f"{self.name} stopped delivering pictures for "
                                          f"{self.stall_s:.0f} s (unplugged, or taken by another "
                                          "program?)")
                    return None
                if on_gui:
                    self._cond.release()
                    try:
                        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents,
                                                       max(1, int(min(left, 0.02) * 1000)))
                    finally:
                        self._cond.acquire()
                else:
                    self._cond.wait(left)
            if self._error is not None:
                raise SourceError(self._error)
            frame, captured = self._latest, self._latest_at
            self._latest = None
        if frame is None:
            return None
        gray = gray_from_frame(frame)
        if gray is None:
            return None
        self._index += 1
        return Frame(gray, self._index, captured)

    def _release(self) -> None:
        """After the producer has let go of the sink (see ``close``)."""
        with self._cond:
            self._closed = True
            self._latest = None
            self._cond.notify_all()
        if self._sink is not None and self._relay is not None:
            self._sink.videoFrameChanged.disconnect(self._relay.frame)
        self._sink = self._relay = None

    @property
    def ended(self) -> bool:
        with self._cond:
            return self._closed or (self._finished and self._latest is None)


class _FrameRelay(QObject):
    """Receives the sink's frames in the GUI thread (a QObject slot, so Qt never calls Python
    code on one of its own media threads)."""

    def __init__(self, handler: Callable[[QVideoFrame], None]) -> None:
        super().__init__()
        self._handler = handler

    @Slot(QVideoFrame)
    def frame(self, frame: QVideoFrame) -> None:
        self._handler(frame)


class QtCameraSource(_SinkSource):
    """A webcam through Qt Multimedia, the format nearest 1280×720 (≥ 15 fps) chosen."""

    stall_s = 5.0

    def __init__(self, device: int = 0, width: int = 1280, height: int = 720,
                 settings: dict[str, Any] | None = None) -> None:
        super().__init__(f"camera:{device}")
        self.device, self.width, self.height = device, width, height
        self.settings = dict(settings or {})
        self.description = ""
        self._camera: QCamera | None = None
        self._session: QMediaCaptureSession | None = None

    def apply_settings(self, settings: dict[str, Any]) -> list[str]:
        """Focus and exposure now (if open) and whenever the camera becomes active again: some
        back-ends only know what the camera supports once it runs."""
        self.settings = dict(settings)
        if self._camera is None:
            return []
        return apply_camera_settings(self._camera, self.settings)

    def _on_active(self, active: bool) -> None:
        if active and self._camera is not None and self.settings:
            apply_camera_settings(self._camera, self.settings)

    def open(self) -> None:
        if QCoreApplication.instance() is None:
            raise SourceError("the Qt camera needs a running Qt application")
        devices = QMediaDevices.videoInputs()
        if self.device < 0 or self.device >= len(devices):
            raise SourceError(f"camera {self.device} is not there ({len(devices)} camera(s) found)")
        info: QCameraDevice = devices[self.device]
        self.description = info.description()
        camera = QCamera(info)  # a device that cannot be opened reports it here, before any slot
        if camera.error() != QCamera.Error.NoError:
            raise SourceError(self._describe(camera.errorString()))
        fmt = _nearest_format(info, self.width, self.height)
        if fmt is not None:
            camera.setCameraFormat(fmt)
        camera.errorOccurred.connect(lambda _err, text: self._fail(self._describe(text)))
        camera.activeChanged.connect(self._on_active)
        session = QMediaCaptureSession()
        session.setCamera(camera)
        session.setVideoSink(self._make_sink())
        self._camera, self._session = camera, session
        self._closed, self._error, self._finished = False, None, False
        camera.start()
        if self._error is None and camera.error() != QCamera.Error.NoError:
            self._error = self._describe(camera.errorString())
        if self._error is not None:
            message = self._error
            self.close()
            raise SourceError(message)

    def _describe(self, text: str) -> str:
        return f"camera {self.device} ({self.description}): {text or 'error'}"

    def close(self) -> None:
        # Producer first: the session lets go of the sink and the camera before they go.
        if self._camera is not None:
            self._camera.stop()
        if self._session is not None:
            self._session.setVideoSink(None)
            self._session.setCamera(None)
        self._release()
        self._camera = self._session = None


def _nearest_format(info: QCameraDevice, width: int, height: int) -> QCameraFormat | None:
    formats = [f for f in info.videoFormats() if f.maxFrameRate() >= 15]
    if not formats:
        return None
    want = width * height

    def cost(f: QCameraFormat) -> tuple[float, int, float]:
        # Nearest size first; then formats whose luma is read as it is (YUV) over those that
        # must be decoded first (MJPEG); then the higher frame rate.
        size: QSize = f.resolution()
        luma = f.pixelFormat() in _LUMA_PLANE or f.pixelFormat() in _PACKED_LUMA
        return abs(size.width() * size.height() - want) / want, 0 if luma else 1, -f.maxFrameRate()

    return min(formats, key=cost)


class QtVideoFileSource(_SinkSource):
    """A video file played by Qt Multimedia, looped: the Qt counterpart of ``FileSource`` for
    videos, and the way the tests drive the very frame path a Qt camera takes."""

    def __init__(self, path: str | os.PathLike[str], *, loop: bool = True) -> None:
        self.path = Path(path)
        super().__init__(f"file:{self.path}")
        self.loop = loop
        self._player: QMediaPlayer | None = None
        # frame number in the video (1-based) → when the sink got it, the latest showing (for
        # latency figures: bench/screen_latency.py)
        self.captured_at: dict[int, float] = {}

    def _on_frame(self, frame: QVideoFrame) -> None:
        # The file's frame rate (the frame's own format leaves it 0 in Qt's FFmpeg back-end).
        rate = 0.0
        if self._player is not None:
            rate = float(self._player.metaData().value(QMediaMetaData.Key.VideoFrameRate) or 0)
        if frame.isValid() and rate > 0 and frame.startTime() >= 0:
            self.captured_at[round(frame.startTime() * rate / 1e6) + 1] = time.perf_counter()
        super()._on_frame(frame)

    def open(self) -> None:
        if QCoreApplication.instance() is None:
            raise SourceError("the Qt video player needs a running Qt application")
        if not self.path.is_file():
            raise SourceError(f"{self.path} is not a video or image this kiosk can play")
        player = QMediaPlayer()
        player.setVideoSink(self._make_sink())
        player.setLoops(QMediaPlayer.Loops.Infinite if self.loop else 1)
        player.errorOccurred.connect(lambda _err, text: self._fail(
            f"{self.path} is not a video this kiosk can play: {text}"))
        player.mediaStatusChanged.connect(self._status)
        self._player = player
        self._closed, self._error, self._finished = False, None, False
        player.setSource(QUrl.fromLocalFile(str(self.path.resolve())))
        player.play()

    def _status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._finish()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._fail(f"{self.path} is not a video this kiosk can play")

    def close(self) -> None:
        if self._player is not None:
            self._player.stop()
            self._player.setVideoSink(None)  # producer first, as for the camera
        self._release()
        self._player = None
