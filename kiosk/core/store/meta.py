"""Kiosk key/values (``meta``: venue, bundle time, sync cursors and clocks) and the sync log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kiosk.core.store.connection import StoreBase, to_iso


class MetaMixin(StoreBase):
    """The ``meta`` table and the ``sync_log`` (for "why is sync stuck?")."""

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def delete_meta(self, key: str) -> None:
        self.conn.execute("DELETE FROM meta WHERE key = ?", (key,))

    # -- sync log -------------------------------------------------------------

    def log_sync(self, *, at: datetime, ok: bool, uploaded: int, duplicates: int, parked: int,
                 downloaded: int, clock_offset_ms: int | None, error: str | None) -> None:
        with self.write():
            self.conn.execute(
                "INSERT INTO sync_log (at, ok, uploaded, duplicates, parked, downloaded, "
                "clock_offset_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (to_iso(at), int(ok), uploaded, duplicates, parked, downloaded, clock_offset_ms,
                 error),
            )
            self.conn.execute(
                "DELETE FROM sync_log WHERE id <= (SELECT max(id) FROM sync_log) - 500"
            )

    def sync_log(self, limit: int = 20) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM sync_log ORDER BY id DESC LIMIT ?", [limit]))
