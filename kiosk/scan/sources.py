"""Frame sources behind one small interface: a camera, a file (video or images) and nothing.

``make_source("camera:0" | "file:PATH" | "none")`` picks one; a camera that cannot be opened
gives a :class:`NullSource` carrying a notice for the screen instead of an exception.

The camera and video files here go through OpenCV, imported only when one is opened: the
installable bundle leaves OpenCV out and captures through Qt instead
(:mod:`kiosk.services.camera`, which also picks between the two).
"""

from __future__ import annotations

import glob
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    import cv2

log = logging.getLogger(__name__)

NO_CAMERA_NOTICE = "未检测到摄像头，请使用扫码枪或人工签到。/ No camera found: use the USB scanner or manual check-in."
CAMERA_LOST_NOTICE = ("摄像头已断开或被占用，正在重试；请先用扫码枪或人工签到。/ The camera stopped: "
                      "retrying. Meanwhile use the USB scanner or manual check-in.")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp"}


class SourceError(Exception):
    """The source cannot deliver frames; the message says why."""


def _opencv():  # -> the cv2 module
    try:
        import cv2
    except ImportError as exc:
        raise SourceError("OpenCV is not installed (the bundle leaves it out): "
                          "use the qt camera back-end") from exc
    return cv2


@dataclass(frozen=True, slots=True)
class Frame:
    image: np.ndarray  # what the decoder reads: BGR (OpenCV) or 8-bit gray (Qt)
    index: int
    captured: float  # time.perf_counter() when read


class FrameSource(Protocol):
    name: str
    notice: str | None

    def open(self) -> None: ...
    def read(self) -> Frame | None:
        """The next frame, or None when the source has ended (or has nothing for now)."""
        ...
    def close(self) -> None: ...
    @property
    def ended(self) -> bool: ...


class NullSource:
    """No camera: delivers nothing, and says so on the screen."""

    def __init__(self, notice: str = NO_CAMERA_NOTICE, poll_s: float = 0.2) -> None:
        self.name = "none"
        self.notice: str | None = notice
        self._poll_s = poll_s
        self._closed = threading.Event()

    def open(self) -> None:
        self._closed.clear()

    def read(self) -> Frame | None:
        self._closed.wait(self._poll_s)
        return None

    def close(self) -> None:
        self._closed.set()

    @property
    def ended(self) -> bool:
        return self._closed.is_set()


class CameraSource:
    """A webcam through OpenCV, 1280×720 requested, autofocus where the camera offers it."""

    def __init__(self, device: int = 0, width: int = 1280, height: int = 720) -> None:
        self.name = f"camera:{device}"
        self.notice: str | None = None
        self.device, self.width, self.height = device, width, height
        self._cap: cv2.VideoCapture | None = None
        self._index = 0
        self._failures = 0

    def open(self) -> None:
        cv2 = _opencv()
        cap = cv2.VideoCapture(self.device)
        if not cap.isOpened():
            cap.release()
            raise SourceError(f"camera {self.device} cannot be opened")
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        cap.set(cv2.CAP_PROP_AUTOFOCUS, 1)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # keep the driver from queueing stale frames
        self._cap = cap

    def read(self) -> Frame | None:
        if self._cap is None:
            return None
        ok, image = self._cap.read()
        if not ok:
            self._failures += 1
            if self._failures > 30:
                raise SourceError(f"camera {self.device} stopped delivering frames")
            time.sleep(0.05)
            return None
        self._failures = 0
        self._index += 1
        return Frame(image, self._index, time.perf_counter())

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    @property
    def ended(self) -> bool:
        return self._cap is None


class FileSource:
    """Plays a video file or a folder/glob of images, in a loop, paced like a camera."""

    def __init__(self, path: str | os.PathLike[str], *, fps: float = 30.0, loop: bool = True,
                 realtime: bool = True,
                 loader: Callable[[Path], np.ndarray | None] | None = None) -> None:
        self.path = Path(path)
        self.name = f"file:{self.path}"
        self.notice: str | None = None
        self.fps, self.loop, self.realtime = fps, loop, realtime
        self._load = loader or _opencv_imread  # image files → array (BGR or gray), None if unreadable
        self._images: list[Path] | None = None
        self._cap: cv2.VideoCapture | None = None
        self._pos = 0
        self._index = 0
        self._next_due = 0.0
        self._ended = False
        self.captured_at: dict[int, float] = {}  # frame index → capture time (for latency figures)

    def open(self) -> None:
        if self.path.is_dir():
            files = sorted(p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        elif any(ch in str(self.path) for ch in "*?["):
            files = sorted(Path(p) for p in glob.glob(str(self.path)))
        elif self.path.suffix.lower() in IMAGE_SUFFIXES:
            files = [self.path]
        else:
            files = []
        if files:
            self._images = files
        else:
            cap = _opencv().VideoCapture(str(self.path))
            if not cap.isOpened():
                raise SourceError(f"{self.path} is not a video or image this kiosk can play")
            self._cap = cap
        self._ended = False
        self._next_due = time.perf_counter()

    def _raw(self) -> np.ndarray | None:
        if self._images is not None:
            if self._pos >= len(self._images):
                if not self.loop:
                    return None
                self._pos = 0
            image = self._load(self._images[self._pos])
            self._pos += 1
            return image
        if self._cap is None:
            return None
        ok, image = self._cap.read()
        if not ok and self.loop:
            self._cap.set(_opencv().CAP_PROP_POS_FRAMES, 0)
            ok, image = self._cap.read()
        return image if ok else None

    def read(self) -> Frame | None:
        if self._ended:
            return None
        if self.realtime:
            delay = self._next_due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            self._next_due = max(self._next_due + 1 / self.fps, time.perf_counter() - 1 / self.fps)
        image = self._raw()
        if image is None:
            self._ended = True
            return None
        self._index += 1
        now = time.perf_counter()
        self.captured_at[self._index] = now
        return Frame(image, self._index, now)

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._ended = True

    @property
    def ended(self) -> bool:
        return self._ended


def _opencv_imread(path: Path) -> np.ndarray | None:
    cv2 = _opencv()
    data = np.fromfile(path, dtype=np.uint8)  # works with non-ASCII paths on Windows too
    return cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None


def make_source(spec: str, *, camera: Callable[[int], FrameSource] = CameraSource,
                file: Callable[[str], FrameSource] = FileSource) -> FrameSource:
    """``camera:N``, ``file:PATH`` or ``none``.  A camera that is not there becomes a NullSource.

    ``camera`` and ``file`` make the unopened source (OpenCV's by default; the Qt back-end passes
    its own: :func:`kiosk.services.camera.open_frame_source`).
    """
    kind, _, arg = spec.partition(":")
    if kind == "camera":
        try:
            device = int(arg or 0)
        except ValueError:
            raise ValueError(f"camera number {arg!r} is not a number: use camera:0, camera:1 …") from None
        cam = camera(device)
        try:
            cam.open()
        except SourceError as exc:
            log.warning("no camera: %s", exc)
            return NullSource()
        return cam
    if kind == "file":
        src = file(arg)
        src.open()
        return src
    if kind == "none":
        return NullSource()
    raise ValueError(f"unknown frame source {spec!r}: use camera:N, file:PATH or none")
