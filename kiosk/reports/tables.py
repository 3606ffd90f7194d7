"""The roster as CSV (UTF-8 with a BOM, so Excel opens it as Chinese) and as an XLSX workbook.

No Qt: the command line writes these without a display.
"""

from __future__ import annotations

import csv
from pathlib import Path

from kiosk.core.store import Store
from kiosk.operations.roster import roster_table
from kiosk.reports.sheet import DOC, class_facts, temporary_path


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


def write_xlsx(store: Store, session_id: int, path: Path | str, *, lang: str = "zh") -> int:
    """The same table as an Excel workbook (openpyxl), with the class facts above it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    table = roster_table(store, session_id, lang)
    doc = DOC[table.lang]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "签到表" if table.lang == "zh" else "Sign-in"
    for line in class_facts(table):
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
    tmp = temporary_path(path)
    wb.save(tmp)
    tmp.replace(path)
    return len(table.rows)
