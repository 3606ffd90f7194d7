"""The roster as CSV (UTF-8 with a BOM, so Excel opens it as Chinese) and as an XLSX workbook.

No Qt: the command line writes these without a display.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.core.store import Store
from kiosk.operations.roster import RosterTable, roster_table
from kiosk.reports.sheet import DOC, class_facts, temporary_path

_DATETIME = "yyyy-mm-dd hh:mm"


def write_csv(store: Store, session_id: int, path: Path | str, *, lang: str = "zh") -> int:
    """UTF-8 with a BOM (Excel opens it as Chinese), the ``starkiosk export`` columns.
    Returns the number of rows."""
    path = Path(path)
    table = roster_table(store, session_id, lang)
    tmp = temporary_path(path)
    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(table.headers)
        writer.writerows(table.rows)
    tmp.replace(path)
    return len(table.rows)


def _typed_row(table: RosterTable, i: int) -> list[Any]:
    """Row ``i`` for a spreadsheet: the number as a number, the check-in and check-out as
    date-times (the venue's wall clock; Excel has no time zones), identifiers (parent id, phone
    last four) as text so Excel neither rounds nor drops a leading zero."""
    row: list[Any] = list(table.rows[i])
    row[0] = int(row[0])
    checked_in, checked_out = table.times(i)
    row[5] = checked_in.replace(tzinfo=None) if checked_in else None
    row[6] = checked_out.replace(tzinfo=None) if checked_out else None
    return row


def _facts_rows(table: RosterTable) -> list[list[Any]]:
    """The class facts as label / value pairs, numbers and times as such."""
    doc, s = DOC[table.lang], table.session
    zh = table.lang == "zh"
    return [
        [doc["venue"], table.venue["name"] if table.venue else None],
        [doc["class"], s.title],
        ["系列" if zh else "Series", s.series],
        ["阶段" if zh else "Stage", int(s.stage)],
        ["学分" if zh else "Credits", int(s.credits)],
        ["开始" if zh else "Starts", s.starts_at.astimezone(table.tz).replace(tzinfo=None)],
        ["结束" if zh else "Ends", s.ends_at.astimezone(table.tz).replace(tzinfo=None)],
        [doc["trainer"], s.trainer_name or None],
        [doc["room"], s.room or None],
        ["报名人数" if zh else "Registered", table.counts["registered"]],
        ["签到人数" if zh else "Present", table.counts["present"]],
        ["临时参加" if zh else "Walk-ins", table.counts["walk_ins"]],
        ["结课" if zh else "Close-out", class_facts(table)[-1].split("：", 1)[-1].split(": ", 1)[-1]],
    ]


def write_xlsx(store: Store, session_id: int, path: Path | str, *, lang: str = "zh") -> int:
    """The same table as an Excel workbook (openpyxl), with the class facts above it: numbers are
    numbers, times are date-times in the venue's time zone, identifiers are text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    table = roster_table(store, session_id, lang)
    doc = DOC[table.lang]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "签到表" if table.lang == "zh" else "Sign-in"
    ws.append([doc["title"]])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    for label, value in _facts_rows(table):
        ws.append([label, value])
        cell = ws.cell(row=ws.max_row, column=2)
        if isinstance(value, datetime):
            cell.number_format = _DATETIME
        elif isinstance(value, int):
            cell.number_format = "0"
    ws.append([])
    ws.append(table.headers)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for i in range(len(table.rows)):
        ws.append(_typed_row(table, i))
        r = ws.max_row
        ws.cell(row=r, column=1).number_format = "0"
        for col in (2, 4):
            ws.cell(row=r, column=col).number_format = "@"
        for col in (6, 7):
            ws.cell(row=r, column=col).number_format = _DATETIME
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.append([])
    ws.append([doc["privacy"]])
    for col, width in zip("ABCDEFGHIJ", (10, 12, 10, 10, 8, 17, 17, 10, 22, 10), strict=True):
        ws.column_dimensions[col].width = width
    tmp = temporary_path(path)
    wb.save(tmp)
    tmp.replace(path)
    return len(table.rows)
