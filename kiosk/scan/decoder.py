"""QR decoding with zxing-cpp: QR only, inverted codes on (phones in dark mode).

Measured on this kind of machine zxing-cpp decodes a 720p frame in ~2 ms and rejects an empty one
in ~1.5 ms, with far better success on distorted frames than OpenCV's own detector
(docs/benchmarks.md).  Frames arrive gray from the Qt camera, or BGR from OpenCV's; only the
latter needs OpenCV to convert, and it is imported only then (the bundle has no OpenCV).
Image files are read by Qt: :func:`kiosk.services.images.decode_file`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import zxingcpp

Point = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Found:
    text: str
    corners: tuple[Point, Point, Point, Point]  # top-left, top-right, bottom-right, bottom-left


@dataclass(frozen=True, slots=True)
class DecodeResult:
    found: tuple[Found, ...]
    ms: float

    @property
    def texts(self) -> list[str]:
        return [f.text for f in self.found]


def to_gray(frame: np.ndarray) -> np.ndarray:
    """BGR (or BGRA) camera frame → 8-bit gray; gray frames pass through."""
    if frame.ndim == 2:
        return frame
    import cv2  # colour frames come from OpenCV's own sources, so OpenCV is there

    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


class QrDecoder:
    """Finds every QR code in a frame.  Use one instance per thread.

    ``invert`` decides how dark-mode codes (light modules on a dark screen) are found:

    * ``"both"`` — every frame is tried as it is and, if nothing is found, inverted (twice the
      work on an empty frame; right for single images, e.g. ``starkiosk decode``);
    * ``"alternate"`` — each frame is tried in one polarity only, alternating, and a polarity
      that just found a code is kept while the code stays in view.  A camera sees every code
      within two frames at half the cost per empty frame (the camera pipeline's choice);
    * ``"off"`` — never inverted.
    """

    def __init__(self, *, invert: str = "both", try_invert: bool | None = None,
                 try_rotate: bool = True, try_downscale: bool = True) -> None:
        if try_invert is not None:  # the zxing-cpp spelling
            invert = "both" if try_invert else "off"
        if invert not in ("both", "alternate", "off"):
            raise ValueError("invert must be 'both', 'alternate' or 'off'")
        self.invert = invert
        self._formats = zxingcpp.BarcodeFormat.QRCode
        self._opts = {"try_invert": invert == "both", "try_rotate": try_rotate,
                      "try_downscale": try_downscale}
        self._inverted_next = False

    def decode(self, frame: np.ndarray) -> DecodeResult:
        t0 = time.perf_counter()
        gray = to_gray(frame)
        inverted = self.invert == "alternate" and self._inverted_next
        image = np.invert(gray) if inverted else gray
        found = []
        for b in zxingcpp.read_barcodes(image, formats=self._formats, **self._opts):
            if not b.valid or not b.text:
                continue
            p = b.position
            corners = tuple((int(q.x), int(q.y)) for q in
                            (p.top_left, p.top_right, p.bottom_right, p.bottom_left))
            found.append(Found(b.text, corners))  # type: ignore[arg-type]
        if self.invert == "alternate" and not found:
            self._inverted_next = not inverted  # nothing here: look the other way next frame
        return DecodeResult(tuple(found), (time.perf_counter() - t0) * 1000)
