"""A class's sign-in sheet as PDF, CSV and XLSX — one roster table for all three.

The table is ``kiosk.operations.roster.roster_table``; ``tables`` writes CSV and XLSX without
Qt, ``pdf`` draws the A4 sheet with QtGui.  The close-out screen and ``starkiosk export`` both
call :func:`export`.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.core.store import Store
from kiosk.reports.pdf import cjk_font_family, pdf_pages, write_signin_pdf
from kiosk.reports.tables import write_csv, write_xlsx

__all__ = ["cjk_font_family", "export", "pdf_pages", "write_csv", "write_signin_pdf", "write_xlsx"]


def export(store: Store, session_id: int, fmt: str, path: Path | str, *, lang: str = "zh") -> int:
    """One entry point for the three formats; returns rows (csv/xlsx) or pages (pdf)."""
    writers = {"csv": write_csv, "xlsx": write_xlsx, "pdf": write_signin_pdf}
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}; use csv, xlsx or pdf")
    return writers[fmt](store, session_id, path, lang=lang)
