"""Rendering a pass as a QR image (issuing side, tests and printed cards)."""

from __future__ import annotations

from pathlib import Path

import qrcode
import qrcode.constants

from sync.qr_image import write_qr_png

ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M


def make_qr(text: str) -> qrcode.QRCode:
    """The QR symbol for ``text`` at error correction M, smallest version that fits."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECTION, box_size=8, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    return qr


def render_png(text: str, out: Path, *, caption: str | None = None) -> Path:
    """A pass as a PNG; ``caption`` (a parent's number as printed) under the symbol."""
    return write_qr_png(text, out, caption=caption)
