"""A pass or code as a printable QR image: error correction M, the 4-module quiet zone, and an
optional caption under the symbol — for a parent's pass, the parent number as people type it
(:func:`sync.parent_numbers.display_number`, check digit included).

Both sides print passes (the platform's ``issue-pass --png``, the demo's cards), so it lives in
the shared contract.  The caption is digits and ASCII only: Pillow's built-in font draws it
without any font file, and the symbol above it stays exactly as scanners expect.
"""

from __future__ import annotations

from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

CAPTION_PX = 48  # the band under the symbol


def qr_image(text: str, *, caption: str | None = None, box: int = 8) -> Image.Image:
    """The QR symbol for ``text`` (smallest version that fits), with ``caption`` under it."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    symbol = qr.make_image(fill_color="black", back_color="white").get_image().convert("L")
    if not caption:
        return symbol
    if not caption.isascii():
        raise ValueError("a QR caption is ASCII (a parent number), not arbitrary text")
    out = Image.new("L", (symbol.width, symbol.height + CAPTION_PX), 255)
    out.paste(symbol, (0, 0))
    draw = ImageDraw.Draw(out)
    font = ImageFont.load_default(size=32)
    left, top, right, bottom = draw.textbbox((0, 0), caption, font=font)
    x = (symbol.width - (right - left)) // 2 - left
    y = symbol.height - box * 2 + (CAPTION_PX - (bottom - top)) // 2 - top
    draw.text((x, y), caption, fill=0, font=font)
    return out


def write_qr_png(text: str, path: Path, *, caption: str | None = None, box: int = 8) -> Path:
    """``text`` as a QR PNG at ``path``, written whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        qr_image(text, caption=caption, box=box).save(str(tmp), format="PNG")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
