"""The sign-in sheet as an A4 PDF: the paper record sites keep for audits (台账).

Chinese, the class facts, one row per person (masked name, phone last four only) and signature
lines for the trainer and the site admin.  It is drawn with Qt's own PDF writer (QtGui only, a
QGuiApplication started offscreen when there is none), so nothing beyond PySide6 is needed; a
CJK font is used when one is installed (without one the PDF is still written, Chinese glyphs may
then be missing).
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

from kiosk.core.store import Store
from kiosk.operations.roster import STATUS_COL, roster_table
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
    """How many A4 pages the sheet for ``rows`` people takes (the layout below)."""
    return len(_paginate(rows))


_MARGIN_MM = 15.0
_ROW_MM = 7.5
_HEAD_MM = 58.0  # title and class facts on the first page
_CONT_MM = 12.0  # header line on following pages
_FOOT_MM = 10.0
_SIGN_MM = 38.0
_PAGE_H_MM = 297.0


def _paginate(rows: int) -> list[tuple[int, int, bool]]:
    """[(first row, end row, signatures on this page)] per page."""
    usable = _PAGE_H_MM - 2 * _MARGIN_MM - _FOOT_MM
    pages: list[tuple[int, int, bool]] = []
    i = 0
    first = True
    while True:
        room = usable - (_HEAD_MM if first else _CONT_MM) - _ROW_MM  # minus the column header
        fit = max(1, math.floor(room / _ROW_MM))
        end = min(rows, i + fit)
        left = room - (end - i) * _ROW_MM
        if end == rows:
            if left >= _SIGN_MM:
                pages.append((i, end, True))
            else:
                pages.append((i, end, False))
                pages.append((end, end, True))
            return pages
        pages.append((i, end, False))
        i, first = end, False


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
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    writer.setTitle(f"{doc['title']} {table.session.title}")
    writer.setCreator("starkiosk")
    mm = 300 / 25.4
    family = cjk_font_family()

    def font(pt: float, bold: bool = False) -> QFont:
        f = QFont(family) if family else QFont()
        f.setPointSizeF(pt)
        f.setBold(bold)
        return f

    # Column layout: no., name, phone, in, out, method, status (fractions of the table width).
    fractions = (0.07, 0.14, 0.12, 0.12, 0.12, 0.12, 0.31)
    src_cols = (0, 2, 3, 5, 6, 7, STATUS_COL)
    left = _MARGIN_MM * mm
    width = (210 - 2 * _MARGIN_MM) * mm
    xs = [left]
    for f in fractions:
        xs.append(xs[-1] + f * width)
    pages = _paginate(len(table.rows))
    exported = datetime.now(table.tz).strftime("%Y-%m-%d %H:%M")

    painter = QPainter(writer)
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
                painter.setFont(font(16, bold=True))
                painter.drawText(QRectF(left, y, width, 11 * mm), Qt.AlignmentFlag.AlignCenter, facts[0])
                y += 13 * mm
                painter.setFont(font(10.5))
                for line in facts[1:]:
                    painter.drawText(QRectF(left, y, width, 6 * mm),
                                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line)
                    y += 6.5 * mm
                y = (_MARGIN_MM + _HEAD_MM) * mm
            else:
                painter.setFont(font(10))
                painter.drawText(QRectF(left, y, width, 8 * mm), Qt.AlignmentFlag.AlignLeft,
                                 f"{table.session.title} · {doc['title']}")
                y = (_MARGIN_MM + _CONT_MM) * mm
            if end > start or not signatures:
                # Column header.
                painter.fillRect(QRectF(left, y, width, _ROW_MM * mm), QColor("#e0e0e0"))
                painter.setFont(font(10, bold=True))
                for c, title in enumerate(doc["cols"]):
                    painter.drawText(QRectF(xs[c] + 1.2 * mm, y, xs[c + 1] - xs[c] - 2.4 * mm, _ROW_MM * mm),
                                     Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, title)
                painter.drawRect(QRectF(left, y, width, _ROW_MM * mm))
                y += _ROW_MM * mm
                painter.setFont(font(10))
                for i in range(start, end):
                    row = table.rows[i]
                    for c, src in enumerate(src_cols):
                        text = row[src] or ("—" if c in (1,) else "")
                        cell = QRectF(xs[c] + 1.2 * mm, y, xs[c + 1] - xs[c] - 2.4 * mm, _ROW_MM * mm)
                        painter.drawText(cell, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                                         painter.fontMetrics().elidedText(
                                             text, Qt.TextElideMode.ElideRight, int(cell.width())))
                    painter.drawLine(int(left), int(y + _ROW_MM * mm), int(left + width), int(y + _ROW_MM * mm))
                    y += _ROW_MM * mm
                top = (_MARGIN_MM + (_HEAD_MM if pno == 0 else _CONT_MM)) * mm
                for x in xs:
                    painter.drawLine(int(x), int(top), int(x), int(y))
            if signatures:
                y += 10 * mm
                painter.setFont(font(11))
                for label in (doc["sign_trainer"], doc["sign_admin"]):
                    painter.drawText(QRectF(left, y, 45 * mm, 8 * mm), Qt.AlignmentFlag.AlignVCenter, label)
                    painter.drawLine(int(left + 45 * mm), int(y + 7 * mm), int(left + 110 * mm), int(y + 7 * mm))
                    painter.drawText(QRectF(left + 118 * mm, y, 15 * mm, 8 * mm),
                                     Qt.AlignmentFlag.AlignVCenter, doc["date"])
                    painter.drawLine(int(left + 135 * mm), int(y + 7 * mm), int(left + width), int(y + 7 * mm))
                    y += 13 * mm
            # Footer.
            painter.setFont(font(8.5))
            fy = (_PAGE_H_MM - _MARGIN_MM - 6) * mm
            painter.drawText(QRectF(left, fy, width, 6 * mm), Qt.AlignmentFlag.AlignLeft,
                             f"{doc['privacy']}  {doc['printed'].format(at=exported)}")
            painter.drawText(QRectF(left, fy, width, 6 * mm), Qt.AlignmentFlag.AlignRight,
                             doc["page"].format(page=pno + 1, pages=len(pages)))
    finally:
        painter.end()
    del writer
    tmp.replace(path)
    return len(pages)
