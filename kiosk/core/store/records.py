"""Check-in and check-out records, which are also the outbox, and the scan events.

A record's UUID is its idempotency key forever; the record row *is* the outbox (``state``
pending → acknowledged / parked with a reason).  Acknowledged records are purged after the
retention period; nothing unsent ever is.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.core.rules import Attendance, RecordKind
from kiosk.core.store.connection import StoreBase, from_iso, to_iso


@dataclass(frozen=True, slots=True)
class NewRecord:
    kind: RecordKind
    session_id: int
    parent_id: int
    pass_id: int | None
    method: str
    walk_in: bool
    device_time: datetime
    masked_name: str | None
    clock_offset_ms: int = 0  # server time − device time, as known when the record was made


class RecordsMixin(StoreBase):
    """Writing records on the scan path, sending them (the outbox), and reporting on them."""

    # -- check-in path (call inside write()) --------------------------------

    def attendance(self, session_id: int, parent_id: int) -> Attendance:
        times = dict(
            self.conn.execute(
                "SELECT kind, device_time FROM records WHERE session_id = ? AND parent_id = ?",
                (session_id, parent_id),
            ).fetchall()
        )
        cin, cout = times.get("checkin"), times.get("checkout")
        return Attendance(
            checked_in_at=from_iso(cin) if cin else None,
            checked_out_at=from_iso(cout) if cout else None,
        )

    def checked_in_count(self, session_id: int) -> int:
        return self.conn.execute(
            "SELECT count(*) FROM records WHERE session_id = ? AND kind = 'checkin'",
            (session_id,),
        ).fetchone()[0]

    def insert_record(self, rec: NewRecord) -> str:
        record_id = str(uuid.uuid4())
        self.conn.execute(
            "INSERT INTO records (id, kind, session_id, parent_id, pass_id, method, walk_in, "
            "device_time, clock_offset_ms, masked_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record_id, rec.kind.value, rec.session_id, rec.parent_id, rec.pass_id, rec.method,
                int(rec.walk_in), to_iso(rec.device_time), rec.clock_offset_ms, rec.masked_name,
            ),
        )
        return record_id

    def insert_scan_event(
        self, *, at: datetime, session_id: int | None, outcome: str, method: str,
        pass_id: int | None, parent_id: int | None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO scan_events (at, session_id, outcome, method, pass_id, parent_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (to_iso(at), session_id, outcome, method, pass_id, parent_id),
        )

    # -- the outbox (sync) --------------------------------------------------------------------

    def pending_records(self, limit: int, after_seq: int = 0) -> list[dict[str, Any]]:
        return list(self.db.query(
            "SELECT * FROM records WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?",
            [after_seq, limit],
        ))

    def acknowledge(self, ids: Iterable[str], at: datetime) -> int:
        cur = self.conn.executemany(
            "UPDATE records SET state = 'acknowledged', acked_at = ?, park_reason = NULL "
            "WHERE id = ? AND state != 'acknowledged'",
            [(to_iso(at), i) for i in ids],
        )
        return cur.rowcount

    def park(self, record_id: str, reason: str) -> int:
        """Park a pending record with the platform's reason; 1 if it was parked, else 0."""
        return self.conn.execute(
            "UPDATE records SET state = 'parked', park_reason = ? WHERE id = ? AND state = 'pending'",
            (reason, record_id),
        ).rowcount

    def unpark_all(self) -> int:
        """Send parked records again (after an admin fixed the cause on the platform)."""
        with self.write():
            return self.conn.execute(
                "UPDATE records SET state = 'pending', park_reason = NULL WHERE state = 'parked'"
            ).rowcount

    def parked(self) -> list[dict[str, Any]]:
        return list(self.db.query(
            "SELECT id, session_id, parent_id, kind, method, device_time, park_reason "
            "FROM records WHERE state = 'parked' ORDER BY seq"
        ))

    def unacknowledged_records(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM records WHERE state != 'acknowledged' ORDER BY seq"))

    def purge_acknowledged(self, before: datetime) -> int:
        """Retention: drop acknowledged records older than ``before``; never anything unsent."""
        with self.write():
            return self.conn.execute(
                "DELETE FROM records WHERE state = 'acknowledged' AND acked_at < ?",
                (to_iso(before),),
            ).rowcount

    # -- reports ------------------------------------------------------------

    def record(self, record_id: str) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM records WHERE id = ?", [record_id]))
        return rows[0] if rows else None

    def records(self, session_id: int | None = None) -> list[dict[str, Any]]:
        if session_id is None:
            return list(self.db.query("SELECT * FROM records ORDER BY seq"))
        return list(
            self.db.query("SELECT * FROM records WHERE session_id = ? ORDER BY seq", [session_id])
        )

    def scan_events(self, session_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT * FROM scan_events WHERE session_id = ? ORDER BY id", [session_id]
            )
        )

    def record_counts(self) -> dict[str, int]:
        counts = {"pending": 0, "acknowledged": 0, "parked": 0}
        for state, n in self.conn.execute("SELECT state, count(*) FROM records GROUP BY state"):
            counts[state] = n
        return counts

    def session_counts(self, session_id: int) -> dict[str, int]:
        registered = self.conn.execute(
            "SELECT count(*) FROM registrations WHERE session_id = ?", (session_id,)
        ).fetchone()[0]
        row = self.conn.execute(
            "SELECT sum(kind = 'checkin'), sum(kind = 'checkout'), "
            "sum(kind = 'checkin' AND walk_in), sum(kind = 'checkin' AND method = 'manual'), "
            "(SELECT count(*) FROM scan_events WHERE session_id = ?) "
            "FROM records WHERE session_id = ?",
            (session_id, session_id),
        ).fetchone()
        return {
            "registered": registered,
            "checked_in": row[0] or 0,
            "checked_out": row[1] or 0,
            "walk_ins": row[2] or 0,
            "manual": row[3] or 0,
            "refused_scans": row[4] or 0,
        }
