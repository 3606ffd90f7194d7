"""A class's sign-in sheet as PDF, CSV and XLSX — one roster table for all three.

The PDF is the paper record sites keep for audits (台账): A4, Chinese, the class facts, one row per
person (masked name, phone last four only) and signature lines for the trainer and the site admin.
It is drawn with Qt's own PDF writer, so nothing beyond PySide6 is needed; a CJK font is used when
one is installed (without one the PDF is still written, Chinese glyphs may then be missing).

Only :func:`write_signin_pdf` needs Qt (and a QGuiApplication); CSV and XLSX do not, so the
command line can import this module without a display.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.cli import ROSTER_HEADERS, roster_rows
from kiosk.core.closeout import HELD_REASON
from kiosk.core.store import Store, from_iso

LATE_AFTER = timedelta(minutes=15)
STATUS_COL = 8
METHOD_COL = 7

# Words of the export documents (the document language is chosen per export, not by the UI).
_DOC = {
    "zh": {
        "title": "星级家长执照 · 线下课程签到表",
        "venue": "场地", "class": "课程", "time": "时间", "trainer": "培训师", "room": "教室",
        "counts": "报名 {registered} 人，签到 {present} 人，临时参加 {walk_ins} 人",
        "closed": "结课：培训师已签核（{at}）",
        "held": "结课：已用本机培训师密码签核（{at}），待扫描培训师码后上报",
        "open": "结课：尚未签核",
        "stage": "第 {stage} 阶段",
        "late": "迟到", "removed": "已移除（{reason}）", "added": "补录（{reason}）",
        "cols": ["序号", "姓名", "手机尾号", "签到时间", "签退时间", "方式", "状态"],
        "sign_trainer": "培训师签名：", "sign_admin": "站点管理员签名：", "date": "日期：",
        "page": "第 {page} / {pages} 页", "printed": "导出时间 {at}",
        "privacy": "本表仅含脱敏姓名与手机尾号，请妥善保管。",
    },
    "en": {
        "title": "Star Parent License · Class sign-in sheet",
        "venue": "Venue", "class": "Class", "time": "Time", "trainer": "Trainer", "room": "Room",
        "counts": "{registered} registered, {present} present, {walk_ins} walk-ins",
        "closed": "Close-out: signed off by the trainer ({at})",
        "held": "Close-out: signed with this kiosk's trainer PIN ({at}); sent once a trainer pass is scanned",
        "open": "Close-out: not signed off yet",
        "stage": "stage {stage}",
        "late": "late", "removed": "removed ({reason})", "added": "added ({reason})",
        "cols": ["No.", "Name", "Phone (last 4)", "Checked in", "Checked out", "Method", "Status"],
        "sign_trainer": "Trainer's signature:", "sign_admin": "Site admin's signature:",
        "date": "Date:", "page": "Page {page} / {pages}", "printed": "Exported {at}",
        "privacy": "Masked names and phone last four digits only; keep this sheet safe.",
    },
}


@dataclass
class RosterTable:
    """The roster as the exports show it: the ``starkiosk export`` columns, with the trainer's
    close-out corrections applied and late arrivals marked."""

    headers: list[str]
    rows: list[list[str]]
    raw: list[dict[str, Any]]
    late: list[bool]
    session: Any
    venue: dict[str, Any] | None
    tz: ZoneInfo
    closeout: dict[str, Any] | None
    lang: str
    counts: dict[str, int] = field(default_factory=dict)


def venue_timezone(store: Store) -> ZoneInfo:
    venue = store.venue()
    return ZoneInfo(venue["timezone"] if venue else "Asia/Shanghai")


def roster_table(store: Store, session_id: int, lang: str = "zh") -> RosterTable:
    """Build the one roster table the CSV, XLSX, PDF and the close-out screen all show."""
    if lang not in _DOC:
        lang = "zh"
    session = store.session(session_id)
    if session is None:
        raise ValueError(f"class {session_id} is not on this kiosk")
    tz = venue_timezone(store)
    raw = store.roster(session_id)
    rows = roster_rows(store, session_id, lang, tz)
    doc = _DOC[lang]
    closeout = store.closeout_for(session_id)
    removed: dict[str, str] = {}
    added: dict[int, str] = {}
    if closeout:
        removed = {r["checkin_id"]: r["reason"] for r in json.loads(closeout["removals"])}
        added = {a["parent_id"]: a["reason"] for a in json.loads(closeout["additions"])}
    late: list[bool] = []
    manual_word = {"zh": "人工", "en": "manual"}[lang]
    for r, row in zip(raw, rows, strict=True):
        is_late = bool(r["checked_in_at"] and not r["walk_in"]
                       and from_iso(r["checked_in_at"]) > session.starts_at + LATE_AFTER)
        late.append(is_late)
        if r["checkin_id"] and r["checkin_id"] in removed:
            row[STATUS_COL] = doc["removed"].format(reason=removed[r["checkin_id"]])
        elif not r["checkin_id"] and r["parent_id"] in added:
            row[STATUS_COL] = doc["added"].format(reason=added[r["parent_id"]])
            row[METHOD_COL] = manual_word
        elif is_late:
            row[STATUS_COL] = doc["late"]
    present = sum(1 for r in raw if r["checkin_id"] and r["checkin_id"] not in removed) + len(added)
    counts = {"registered": sum(1 for r in raw if r["registered"]), "present": present,
              "walk_ins": sum(1 for r in raw if r["walk_in"] and r["checkin_id"] not in removed)}
    return RosterTable(headers=list(ROSTER_HEADERS[lang]), rows=rows, raw=raw, late=late,
                       session=session, venue=store.venue(), tz=tz, closeout=closeout, lang=lang,
                       counts=counts)


def _atomic(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(path.name + ".tmp")


def write_csv(store: Store, session_id: int, path: Path | str, *, lang: str = "zh") -> int:
    """UTF-8 with a BOM (Excel opens it as Chinese), the ``starkiosk export`` columns.
    Returns the number of rows."""
    path = Path(path)
    table = roster_table(store, session_id, lang)
    tmp = _atomic(path)
    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(table.headers)
        writer.writerows(table.rows)
    tmp.replace(path)
    return len(table.rows)


def write_xlsx(store: Store, session_id: int, path: Path | str, *, lang: str = "zh") -> int:
    """The same table as an Excel workbook (openpyxl), with the class facts above it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    table = roster_table(store, session_id, lang)
    doc = _DOC[table.lang]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "签到表" if table.lang == "zh" else "Sign-in"
    for line in _facts(table):
        ws.append([line])
    ws.append([])
    ws.append(table.headers)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in table.rows:
        ws.append(row)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.append([])
    ws.append([doc["privacy"]])
    for col, width in zip("ABCDEFGHIJ", (6, 10, 10, 10, 8, 10, 10, 10, 22, 10), strict=True):
        ws.column_dimensions[col].width = width
    tmp = _atomic(path)
    wb.save(tmp)
    tmp.replace(path)
    return len(table.rows)


def _facts(table: RosterTable) -> list[str]:
    doc = _DOC[table.lang]
    s = table.session
    start, end = s.starts_at.astimezone(table.tz), s.ends_at.astimezone(table.tz)
    lines = [
        doc["title"],
        f"{doc['venue']}：{table.venue['name'] if table.venue else '—'}",
        f"{doc['class']}：{s.title}（{s.series}，{doc['stage'].format(stage=s.stage)}）",
        f"{doc['time']}：{start:%Y-%m-%d %H:%M}–{end:%H:%M}",
        f"{doc['trainer']}：{s.trainer_name or '—'}    {doc['room']}：{s.room or '—'}",
        doc["counts"].format(**table.counts),
    ]
    co = table.closeout
    if co is None:
        lines.append(doc["open"])
    else:
        at = f"{from_iso(co['device_time']).astimezone(table.tz):%Y-%m-%d %H:%M}"
        held = co["state"] == "parked" and co["park_reason"] == HELD_REASON
        lines.append(doc["held" if held else "closed"].format(at=at))
    return lines


# -- PDF ---------------------------------------------------------------------------------------

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
    doc = _DOC[table.lang]
    tmp = _atomic(path)
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
                facts = _facts(table)
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


def export(store: Store, session_id: int, fmt: str, path: Path | str, *, lang: str = "zh") -> int:
    """One entry point for the three formats; returns rows (csv/xlsx) or pages (pdf)."""
    writers = {"csv": write_csv, "xlsx": write_xlsx, "pdf": write_signin_pdf}
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}; use csv, xlsx or pdf")
    return writers[fmt](store, session_id, path, lang=lang)
