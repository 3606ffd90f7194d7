"""The sign-in sheet as an A4 PDF: the paper record sites keep for audits (台账).

Chinese, the class facts, one row per person (masked name, phone last four only) and signature
lines for the trainer and the site admin.  It is drawn with Qt's own PDF writer (QtGui only, a
QGuiApplication started offscreen when there is none), so nothing beyond PySide6 is needed; a
CJK font is used when one is installed (without one the PDF is still written, Chinese glyphs may
then be missing).

Every column fits the page: the short columns take the width their longest entry needs, the
status column the rest, and long entries wrap onto more lines (the row grows); when the page is
too narrow for that the sheet turns landscape.  The column header repeats on every page.  The
签退时间 column is there when the class takes check-outs (or anyone checked out), and left out
otherwise.  Times are the venue's wall-clock times.  The text layer says what was drawn
(``pdf_text.fix_to_unicode``), so searching the PDF for 人 or a masked name finds it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.core.store import Store
from kiosk.operations.roster import STATUS_COL, RosterTable, roster_table
from kiosk.reports.pdf_text import fix_to_unicode
from kiosk.reports.sheet import DOC, class_facts, temporary_path

_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Serif CJK SC",
                 "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "SimSun",
                 "PingFang SC", "Heiti SC", "AR PL UMing CN")


def cjk_font_family() -> str | None:
    """An installed font family that covers Simplified Chinese, or None."""
    from PySide6.QtGui import QFontDatabase

    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    for name in _CJK_FAMILIES:
        if name in families:
            return name
    return families[0] if families else None


def _ensure_gui_app() -> None:
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _ensure_gui_app.app = QGuiApplication([])  # type: ignore[attr-defined]


def pdf_pages(rows: int) -> int:
    """How many A4 pages the sheet for ``rows`` people takes when every row is one line."""
    return len(_paginate([_ROW_MM] * rows))


_DPI = 300
_MM = _DPI / 25.4  # device units per millimetre
_MARGIN_MM = 15.0
_ROW_MM = 7.5  # a one-line row; a wrapped entry adds a line height per line
_PAD_MM = 1.2
_HEAD_MM = 58.0  # title and class facts on the first page (more when a fact wraps)
_CONT_MM = 12.0  # header line on following pages
_FOOT_MM = 10.0
_SIGN_MM = 38.0
_A4_MM = (210.0, 297.0)
_MIN_STATUS_MM = 40.0  # narrower than this, the sheet turns landscape


def _paginate(heights: list[float], *, page_h: float = _A4_MM[1], head: float = _HEAD_MM,
              header: float = _ROW_MM) -> list[tuple[int, int, bool]]:
    """[(first row, end row, signatures on this page)] per page, for rows ``heights`` mm tall."""
    usable = page_h - 2 * _MARGIN_MM - _FOOT_MM
    pages: list[tuple[int, int, bool]] = []
    i, first, n = 0, True, len(heights)
    while True:
        room = usable - (head if first else _CONT_MM) - header  # minus the column header
        end, used = i, 0.0
        while end < n and used + heights[end] <= room + 1e-6:
            used += heights[end]
            end += 1
        if end == i and i < n:  # a row taller than a page still goes somewhere
            used, end = heights[i], i + 1
        if end == n:
            if room - used >= _SIGN_MM:
                pages.append((i, end, True))
            else:
                pages.append((i, end, False))
                pages.append((end, end, True))
            return pages
        pages.append((i, end, False))
        i, first = end, False


@dataclass
class _Layout:
    """Where everything goes, in device units (``_DPI``) except where named ``_mm``."""

    landscape: bool
    titles: list[str]
    src: list[int]
    xs: list[float]  # column edges
    heights_mm: list[float]  # per row
    header_mm: float
    head_mm: float

    @property
    def page_mm(self) -> tuple[float, float]:
        return (_A4_MM[1], _A4_MM[0]) if self.landscape else _A4_MM


def _layout(table: RosterTable, fonts: dict[str, Any], device: Any) -> _Layout:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QFontMetricsF

    doc = DOC[table.lang]
    body, bold, facts = (QFontMetricsF(fonts[k], device) for k in ("body", "bold", "facts"))
    # no., name, phone, checked in, [checked out], method, status — out of the roster columns.
    pairs = list(zip(doc["cols"], (0, 2, 3, 5, 6, 7, STATUS_COL), strict=True))
    if not table.has_checkouts:
        pairs = [p for p in pairs if p[1] != 6]
    titles, src = [p[0] for p in pairs], [p[1] for p in pairs]
    pad = 2 * _PAD_MM * _MM
    natural = []
    for c, s in enumerate(src):
        cells = [_cell(row, s) for row in table.rows]
        natural.append(max([bold.horizontalAdvance(titles[c])]
                           + [body.horizontalAdvance(t) for t in cells]) + pad + 1)
    fixed = sum(natural[:-1])
    landscape = fixed + min(natural[-1], _MIN_STATUS_MM * _MM) > (_A4_MM[0] - 2 * _MARGIN_MM) * _MM
    width = ((_A4_MM[1] if landscape else _A4_MM[0]) - 2 * _MARGIN_MM) * _MM
    widths = natural[:-1]
    spare = width - fixed - natural[-1]
    if spare > 0:  # some air in the short columns, the rest for the status
        widths = [w + min(4 * _MM, spare / 2 / len(widths)) for w in widths]
    elif fixed > width - _MIN_STATUS_MM * _MM:  # still too wide: the short columns wrap as well
        widths = [w * (width - _MIN_STATUS_MM * _MM) / fixed for w in widths]
    widths.append(width - sum(widths))
    xs = [_MARGIN_MM * _MM]
    for w in widths:
        xs.append(xs[-1] + w)
    wrap = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap

    def lines_mm(metrics: Any, text: str, w: float) -> float:
        tall = metrics.boundingRect(QRectF(0, 0, w - pad, 1e6), wrap, text or " ").height()
        return _ROW_MM + max(0.0, tall - metrics.height()) / _MM

    heights = [max(lines_mm(body, _cell(row, s), widths[c]) for c, s in enumerate(src))
               for row in table.rows]
    header = max(lines_mm(bold, t, widths[c]) for c, t in enumerate(titles))
    lines = class_facts(table)
    head = 13 + sum(max(6.5, 0.5 + facts.boundingRect(QRectF(0, 0, width, 1e6), wrap, line)
                        .height() / _MM) for line in lines[1:])
    return _Layout(landscape, titles, src, xs, heights, header, max(_HEAD_MM, math.ceil(head)))


def _cell(row: list[str], src: int) -> str:
    return row[src] or ("—" if src == 2 else "")


def write_signin_pdf(store: Store, session_id: int, path: Path | str, *, lang: str = "zh") -> int:
    """Draw the sign-in sheet as an A4 PDF; returns the number of pages."""
    _ensure_gui_app()
    from PySide6.QtCore import QMarginsF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

    path = Path(path)
    table = roster_table(store, session_id, lang)
    doc = DOC[table.lang]
    tmp = temporary_path(path)
    writer = QPdfWriter(str(tmp))
    writer.setResolution(_DPI)
    writer.setTitle(f"{doc['title']} {table.session.title}")
    writer.setCreator("starkiosk")
    mm = _MM
    family = cjk_font_family()

    def font(pt: float, bold: bool = False) -> QFont:
        f = QFont(family) if family else QFont()
        f.setPointSizeF(pt)
        f.setBold(bold)
        return f

    fonts = {"title": font(16, True), "facts": font(10.5), "bold": font(10, True),
             "body": font(10), "sign": font(11), "foot": font(8.5)}
    lay = _layout(table, fonts, writer)
    orientation = QPageLayout.Orientation.Landscape if lay.landscape else QPageLayout.Orientation.Portrait
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    page_w, page_h = lay.page_mm
    pages = _paginate(lay.heights_mm, page_h=page_h, head=lay.head_mm, header=lay.header_mm)
    exported = datetime.now(table.tz).strftime("%Y-%m-%d %H:%M")
    left, width = _MARGIN_MM * mm, (page_w - 2 * _MARGIN_MM) * mm
    xs = lay.xs
    drawn: list[str] = []
    wrap = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap

    painter = QPainter(writer)

    def text(rect: QRectF, flags: Any, words: str) -> None:
        drawn.append(words)
        painter.drawText(rect, flags, words)

    def row_of_cells(y: float, h_mm: float, cells: list[str]) -> None:
        for c, words in enumerate(cells):
            text(QRectF(xs[c] + _PAD_MM * mm, y, xs[c + 1] - xs[c] - 2 * _PAD_MM * mm, h_mm * mm),
                 wrap, words)

    try:
        thin = QPen(QColor("#000000"))
        thin.setWidthF(0.2 * mm)
        for pno, (start, end, signatures) in enumerate(pages):
            if pno:
                writer.newPage()
            painter.setPen(thin)
            y = _MARGIN_MM * mm
            if pno == 0:
                facts = class_facts(table)
                painter.setFont(fonts["title"])
                text(QRectF(left, y, width, 11 * mm), Qt.AlignmentFlag.AlignCenter, facts[0])
                y += 13 * mm
                painter.setFont(fonts["facts"])
                for line in facts[1:]:
                    box = painter.boundingRect(QRectF(left, y, width, 1e6), wrap, line)
                    tall = max(6 * mm, box.height())
                    text(QRectF(left, y, width, tall), wrap, line)
                    y += tall + 0.5 * mm
                top = (_MARGIN_MM + lay.head_mm) * mm
            else:
                painter.setFont(fonts["body"])
                text(QRectF(left, y, width, 8 * mm), Qt.AlignmentFlag.AlignLeft,
                     f"{table.session.title} · {doc['title']}")
                top = (_MARGIN_MM + _CONT_MM) * mm
            y = top
            if end > start or not signatures:
                # The column header, on every page.
                painter.fillRect(QRectF(left, y, width, lay.header_mm * mm), QColor("#e0e0e0"))
                painter.setFont(fonts["bold"])
                row_of_cells(y, lay.header_mm, lay.titles)
                painter.drawRect(QRectF(left, y, width, lay.header_mm * mm))
                y += lay.header_mm * mm
                painter.setFont(fonts["body"])
                for i in range(start, end):
                    h = lay.heights_mm[i]
                    row_of_cells(y, h, [_cell(table.rows[i], s) for s in lay.src])
                    y += h * mm
                    painter.drawLine(int(left), int(y), int(left + width), int(y))
                for x in xs:
                    painter.drawLine(int(x), int(top), int(x), int(y))
            if signatures:
                y += 10 * mm
                painter.setFont(fonts["sign"])
                for label in (doc["sign_trainer"], doc["sign_admin"]):
                    text(QRectF(left, y, 45 * mm, 8 * mm), Qt.AlignmentFlag.AlignVCenter, label)
                    painter.drawLine(int(left + 45 * mm), int(y + 7 * mm), int(left + 110 * mm), int(y + 7 * mm))
                    text(QRectF(left + 118 * mm, y, 15 * mm, 8 * mm), Qt.AlignmentFlag.AlignVCenter,
                         doc["date"])
                    painter.drawLine(int(left + 135 * mm), int(y + 7 * mm), int(left + width), int(y + 7 * mm))
                    y += 13 * mm
            # Footer.
            painter.setFont(fonts["foot"])
            fy = (page_h - _MARGIN_MM - 6) * mm
            text(QRectF(left, fy, width, 6 * mm), Qt.AlignmentFlag.AlignLeft,
                 f"{doc['privacy']}  {doc['printed'].format(at=exported)}")
            text(QRectF(left, fy, width, 6 * mm), Qt.AlignmentFlag.AlignRight,
                 doc["page"].format(page=pno + 1, pages=len(pages)))
    finally:
        painter.end()
    del writer
    tmp.write_bytes(fix_to_unicode(tmp.read_bytes(), "".join(drawn), list(fonts.values())))
    tmp.replace(path)
    return len(pages)
