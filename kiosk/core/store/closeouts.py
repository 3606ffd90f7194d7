"""The close-out queue: a trainer's close-out of a class, sent like the records (its own outbox).

Queuing a close-out locks the class on this kiosk (``sessions.status = 'closed'``); a close-out
may be held (parked with a reason) until a trainer's pass is presented.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from kiosk.core.store.connection import StoreBase, to_iso


class CloseoutsMixin(StoreBase):
    """The ``closeouts`` table: queue, hold and release, acknowledge or park, count."""

    def add_closeout(self, *, closeout_id: str, session_id: int, trainer_pass_id: int,
                     trainer_pass: str | None, removals: list[dict[str, Any]],
                     additions: list[dict[str, Any]], device_time: datetime,
                     held_reason: str | None = None) -> None:
        """Queue a trainer's close-out and lock the class on this kiosk (call inside write()).

        With ``held_reason`` the close-out is recorded and the class locked, but it is kept out of
        the upload queue (state ``parked`` with that reason) until :meth:`release_held_closeout`.
        """
        seq = self.conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM closeouts").fetchone()[0]
        self.conn.execute(
            "INSERT INTO closeouts (id, seq, session_id, trainer_pass_id, trainer_pass, removals, "
            "additions, device_time, state, park_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (closeout_id, seq, session_id, trainer_pass_id, trainer_pass,
             json.dumps(removals, ensure_ascii=False), json.dumps(additions, ensure_ascii=False),
             to_iso(device_time), "parked" if held_reason else "pending", held_reason),
        )
        self.conn.execute("UPDATE sessions SET status = 'closed' WHERE id = ?", (session_id,))

    def release_held_closeout(self, closeout_id: str, *, trainer_pass_id: int,
                              trainer_pass: str, held_reason: str) -> bool:
        """A held close-out gets its trainer's pass and joins the upload queue (inside write())."""
        return self.conn.execute(
            "UPDATE closeouts SET state = 'pending', park_reason = NULL, trainer_pass_id = ?, "
            "trainer_pass = ? WHERE id = ? AND state = 'parked' AND park_reason = ?",
            (trainer_pass_id, trainer_pass, closeout_id, held_reason),
        ).rowcount == 1

    def parked_closeouts(self) -> list[dict[str, Any]]:
        """Close-outs not sent: refused by the platform, or held for a trainer's pass."""
        return list(self.db.query(
            "SELECT id, session_id, device_time, park_reason FROM closeouts "
            "WHERE state = 'parked' ORDER BY seq"
        ))

    def closeout_for(self, session_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM closeouts WHERE session_id = ?", [session_id]))
        return rows[0] if rows else None

    def pending_closeouts(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM closeouts WHERE state = 'pending' ORDER BY seq"))

    def acknowledge_closeout(self, closeout_id: str, at: datetime, summary: str) -> None:
        # The trainer's pass text is only needed until the platform has accepted the close-out.
        self.conn.execute(
            "UPDATE closeouts SET state = 'acknowledged', acked_at = ?, summary = ?, "
            "trainer_pass = NULL, park_reason = NULL WHERE id = ?",
            (to_iso(at), summary, closeout_id),
        )

    def park_closeout(self, closeout_id: str, reason: str) -> None:
        self.conn.execute(
            "UPDATE closeouts SET state = 'parked', park_reason = ? WHERE id = ?",
            (reason, closeout_id),
        )

    def closeout_counts(self) -> dict[str, int]:
        counts = {"pending": 0, "acknowledged": 0, "parked": 0}
        for state, n in self.conn.execute("SELECT state, count(*) FROM closeouts GROUP BY state"):
            counts[state] = n
        return counts

    def update_credit_snapshot(self, parent_id: int, stage: int, stage_credits: int) -> int:
        """A parent's stage and credits as the platform now holds them, on every registration
        of theirs here (inside write()); what the scan screen shows as "credits so far"."""
        return self.conn.execute(
            "UPDATE registrations SET stage = ?, stage_credits = ? WHERE parent_id = ?",
            (stage, stage_credits, parent_id)).rowcount

    def held_back_corrections(self) -> list[dict[str, Any]]:
        """Corrections the platform held back in acknowledged close-outs, newest first: each
        ``{closeout_id, session_id, action, checkin_id, parent_id, result, reason, detail}``."""
        out: list[dict[str, Any]] = []
        for row in self.db.query("SELECT id, session_id, summary FROM closeouts WHERE state = "
                                 "'acknowledged' AND summary IS NOT NULL ORDER BY seq DESC"):
            try:
                answers = json.loads(row["summary"]).get("corrections") or []
            except (ValueError, AttributeError):
                continue
            out.extend({"closeout_id": row["id"], "session_id": row["session_id"], **a}
                       for a in answers if isinstance(a, dict) and a.get("result") == "held_back")
        return out
