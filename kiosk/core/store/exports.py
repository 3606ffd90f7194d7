"""USB transfers: which records each signed export carried, and which receipts were applied.

A receipt from the platform names the export it answers by the upload's sha256; only records
that export carried are touched by it, and a receipt is applied once (by the digest of its
signed text), so a copy imported again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kiosk.core.store.connection import StoreBase, to_iso


@dataclass(frozen=True, slots=True)
class ExportRow:
    sha256: str
    device_id: int
    exported_at: str
    records: int


class ExportsMixin(StoreBase):
    """The ``usb_exports``, ``usb_export_records`` and ``usb_receipts`` tables."""

    def record_export(self, sha256: str, device_id: int, exported_at: datetime,
                      record_ids: Iterable[str]) -> None:
        """Remember an export and the ids it carried (one transaction; the same upload again is
        the same export)."""
        ids = list(record_ids)
        with self.write():
            self.conn.execute(
                "INSERT OR IGNORE INTO usb_exports (sha256, device_id, exported_at, records) "
                "VALUES (?, ?, ?, ?)", (sha256, device_id, to_iso(exported_at), len(ids)))
            self.conn.executemany(
                "INSERT OR IGNORE INTO usb_export_records (sha256, record_id) VALUES (?, ?)",
                [(sha256, i) for i in ids])

    def usb_export(self, sha256: str) -> ExportRow | None:
        row = self.conn.execute(
            "SELECT sha256, device_id, exported_at, records FROM usb_exports WHERE sha256 = ?",
            (sha256,)).fetchone()
        return ExportRow(*row) if row else None

    def exported_ids(self, sha256: str) -> set[str]:
        """The record ids the export with this sha256 carried (empty if there was none)."""
        return {r for (r,) in self.conn.execute(
            "SELECT record_id FROM usb_export_records WHERE sha256 = ?", (sha256,))}

    def usb_exports(self) -> list[ExportRow]:
        return [ExportRow(*r) for r in self.conn.execute(
            "SELECT sha256, device_id, exported_at, records FROM usb_exports "
            "ORDER BY exported_at, sha256")]

    # -- receipts (call inside write()) ---------------------------------------------------------

    def receipt_applied(self, digest: str) -> bool:
        return self.conn.execute("SELECT 1 FROM usb_receipts WHERE digest = ?",
                                 (digest,)).fetchone() is not None

    def note_receipt(self, digest: str, *, upload_sha256: str, device_id: int,
                     imported_at: datetime, applied_at: datetime, acknowledged: int,
                     parked: int, ignored: int) -> None:
        self.conn.execute(
            "INSERT INTO usb_receipts (digest, upload_sha256, device_id, imported_at, "
            "applied_at, acknowledged, parked, ignored) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (digest, upload_sha256, device_id, to_iso(imported_at), to_iso(applied_at),
             acknowledged, parked, ignored))
