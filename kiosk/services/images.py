"""Pictures read by Qt: image files → 8-bit gray arrays, and decoding the QR codes in a file.

Only QtGui: ``starkiosk decode`` and the self-test's decoder check load no multimedia code.
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtGui import QImage

from kiosk.scan.decoder import DecodeResult, QrDecoder


def gray_from_image(image: QImage) -> np.ndarray:
    """Any QImage → an 8-bit gray array that owns its memory."""
    if image.isNull():
        raise ValueError("empty image")
    if image.format() != QImage.Format.Format_Grayscale8:
        image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    w, h, bpl = image.width(), image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)
    return rows[:, :w].copy()


def load_gray(path: str | os.PathLike[str]) -> np.ndarray | None:
    """An image file → 8-bit gray, or None when it is not an image Qt can read."""
    image = QImage(str(path))
    return None if image.isNull() else gray_from_image(image)


def decode_file(path: str | os.PathLike[str]) -> DecodeResult:
    """Decode the QR codes in an image file (``starkiosk decode``, the self-test)."""
    gray = load_gray(path)
    if gray is None:
        raise ValueError(f"{path} is not an image this kiosk can read (PNG, JPEG, BMP …)")
    return QrDecoder().decode(gray)
