"""The PDF's text layer in the code points that were drawn, not look-alikes.

Qt's PDF writer tells a reader which character each embedded glyph stands for (the font's
``/ToUnicode`` map) by asking the font which code point gives that glyph, lowest first.  CJK fonts
such as Noto Sans CJK draw the Kangxi radicals (U+2F00…) and the CJK radicals (U+2E80…) with the
very glyphs of the ideographs 人, 长, 手 … and those code points are lower, so the PDF said ⼈ where
the sheet says 人: searching the PDF for 人 found nothing, and copied text was wrong.  (The same
happens to the space, which came out as a tab, and the en dash.)

:func:`fix_to_unicode` rewrites the maps after the PDF is written: every glyph whose mapped code
point was not drawn, but shares its glyph with one that was, maps to the drawn one.  Code points
of the same length replace each other in place, so the file's offsets stay valid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_CMAP = re.compile(rb"begincmap.*?endcmap", re.S)
_BLOCK = re.compile(rb"(begin(bfrange|bfchar)\s)(.*?)(end\2)", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]{4})>")
_CHAR = re.compile(rb"^(\s*<[0-9A-Fa-f]+>\s*)(<[0-9A-Fa-f]{4}>)", re.M)
_ARRAY = re.compile(rb"\[[^\]]*\]")
_ONE = re.compile(rb"^(\s*<([0-9A-Fa-f]+)>\s*<\2>\s*)(<[0-9A-Fa-f]{4}>)\s*$", re.M)


def _equivalents(drawn: str, fonts: Iterable[Any]) -> dict[int, dict[int, str]]:
    """Per font: glyph index → the drawn character that uses it."""
    from PySide6.QtGui import QRawFont

    chars = sorted({c for c in drawn if c.isprintable() and ord(c) < 0x10000})
    out: dict[int, dict[int, str]] = {}
    for n, font in enumerate(fonts):
        raw = QRawFont.fromFont(font)
        if not raw.isValid():
            continue
        glyphs: dict[int, str] = {}
        for c in chars:
            ids = raw.glyphIndexesForString(c)
            if len(ids) == 1 and ids[0]:
                glyphs.setdefault(ids[0], c)
        out[n] = glyphs
    return out


def _replacement(code: int, drawn: set[str], fonts: list[Any],
                 glyphs: dict[int, dict[int, str]], cache: dict[int, str | None]) -> str | None:
    if chr(code) in drawn:
        return None
    if code not in cache:
        from PySide6.QtGui import QRawFont

        found = None
        for n, font in enumerate(fonts):
            if n not in glyphs:
                continue
            ids = QRawFont.fromFont(font).glyphIndexesForString(chr(code))
            if len(ids) == 1 and ids[0] in glyphs[n]:
                found = glyphs[n][ids[0]]
                break
        cache[code] = found
    return cache[code]


def fix_to_unicode(data: bytes, drawn: str, fonts: list[Any]) -> bytes:
    """``data`` (a PDF Qt wrote) with its ToUnicode maps pointing at the characters in ``drawn``
    (everything the page painter drew) wherever a font gives both the same glyph."""
    glyphs = _equivalents(drawn, fonts)
    drawn_set = set(drawn)
    cache: dict[int, str | None] = {}

    def dest(match: re.Match[bytes]) -> bytes:
        code = int(match.group(1), 16)
        new = _replacement(code, drawn_set, fonts, glyphs, cache)
        if new is None or ord(new) >= 0x10000:
            return match.group(0)
        return b"<%04X>" % ord(new)

    def fix_block(match: re.Match[bytes]) -> bytes:
        # bfchar: <cid> <dst>; bfrange: <lo> <hi> [<dst> …] or <lo> <hi> <dst>.  Only the
        # destinations change, and a <lo> <hi> <dst> range only when lo = hi.
        body = match.group(3)
        if match.group(2) == b"bfchar":
            body = _CHAR.sub(lambda m: m.group(1) + _HEX.sub(dest, m.group(2)), body)
        else:
            body = _ARRAY.sub(lambda m: _HEX.sub(dest, m.group(0)), body)
            body = _ONE.sub(lambda m: m.group(1) + _HEX.sub(dest, m.group(3)), body)
        return match.group(1) + body + match.group(4)

    def fix_cmap(match: re.Match[bytes]) -> bytes:
        return _BLOCK.sub(fix_block, match.group(0))

    fixed = _CMAP.sub(fix_cmap, data)
    assert len(fixed) == len(data)  # same-length edits: the xref offsets stay right
    return fixed
