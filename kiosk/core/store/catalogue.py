"""Site data from the platform: venue, trainers, sessions, registrations, trust keys, revocations.

It arrives as a whole bundle (:meth:`CatalogueMixin.import_bundle`) or piece by piece from sync
downloads, and is read back for the scan path, the screens and the exports (the roster).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.core.rules import ClassFacts, SessionStatus, WalkInPolicy
from kiosk.core.store.connection import from_iso, to_iso
from kiosk.core.store.meta import MetaMixin
from sync.passes import public_key_from_raw
from sync.protocol import (
    Registration,
    Revocation,
    Session,
    SiteBundle,
    Trainer,
    TrustKey,
    Venue,
)

DEVICE_ID_META = "usb_device_id"  # meta: the device id a site bundle gave this kiosk's key
# meta: "1" while the platform still takes parent numbers typed without their check digit
LEGACY_NUMBERS_META = "legacy_parent_numbers"


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: int
    venue_id: int
    title: str
    series: str
    stage: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    credits: int
    room: str | None
    trainer_id: int | None
    trainer_name: str | None
    walk_in_policy: WalkInPolicy
    checkout_required: bool
    status: SessionStatus

    def facts(self) -> ClassFacts:
        return ClassFacts(
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            capacity=self.capacity,
            walk_in_policy=self.walk_in_policy,
            checkout_required=self.checkout_required,
            status=self.status,
        )


@dataclass(frozen=True, slots=True)
class RegistrationRow:
    session_id: int
    parent_id: int
    masked_name: str
    phone_last4: str
    stage: int
    stage_credits: int


@dataclass(frozen=True, slots=True)
class ImportSummary:
    venue: str
    sessions: int
    registrations: int
    keys: int
    revocations: int


class CatalogueMixin(MetaMixin):
    """Reading and replacing the site data (the bundle also sets ``meta`` keys)."""

    _keys: dict[int, Ed25519PublicKey] | None  # trust keys, parsed once; reset when they change

    # -- site data ----------------------------------------------------------

    def import_bundle(self, bundle: SiteBundle, *,
                      own_key: bytes | None = None) -> ImportSummary:
        """Replace the site data with ``bundle`` in one transaction (idempotent).

        Sessions and registrations are upserted; registrations of the bundle's sessions that
        the bundle no longer lists are removed (a parent cancelled).  Check-in records are never
        touched.  Revocations only ever grow.  With ``own_key`` (this kiosk's raw device public
        key), the bundle's ``devices`` entry for that key gives the kiosk its device id
        (:meth:`learnt_device_id`).  The bundle's signature is checked by the caller
        (``kiosk.operations.usb``), not here.
        """
        with self.write():
            if own_key is not None:
                for d in bundle.devices:
                    if base64.b64decode(d.public_key) == own_key:
                        self.set_meta(DEVICE_ID_META, str(d.device_id))
            v = bundle.venue
            self.put_venue(v)
            self.put_trainers(bundle.trainers)
            self.put_sessions(bundle.sessions)
            session_ids = [s.id for s in bundle.sessions]
            if session_ids:
                marks = ",".join("?" * len(session_ids))
                self.conn.execute(
                    f"DELETE FROM registrations WHERE session_id IN ({marks})", session_ids
                )
            self.put_registrations(bundle.registrations)
            self.replace_trust_keys(bundle.keys)
            self.add_revocations(bundle.revocations)
            self.set_meta("bundle_generated_at", to_iso(bundle.generated_at))
        self._keys = None
        return ImportSummary(
            venue=v.name,
            sessions=len(bundle.sessions),
            registrations=len(bundle.registrations),
            keys=len(bundle.keys),
            revocations=len(bundle.revocations),
        )

    # -- site data, piece by piece (bundle import and sync downloads; call inside write()) --

    def put_venue(self, v: Venue) -> None:
        self.db["venues"].upsert(
            {"id": v.id, "name": v.name, "kind": v.kind, "district": v.district,
             "timezone": v.timezone},
            pk="id",
        )
        self.set_meta("venue_id", str(v.id))
        self.set_meta(LEGACY_NUMBERS_META, "1" if v.legacy_parent_numbers else "0")

    def put_sessions(self, sessions: Iterable[Session]) -> int:
        rows = [
            {
                "id": s.id, "venue_id": s.venue_id, "title": s.title, "series": s.series,
                "stage": s.stage, "starts_at": to_iso(s.starts_at), "ends_at": to_iso(s.ends_at),
                "capacity": s.capacity, "credits": s.credits, "room": s.room,
                "trainer_id": s.trainer_id, "walk_in_policy": s.walk_in_policy,
                "checkout_required": int(s.checkout_required), "status": s.status,
            }
            for s in sessions
        ]
        # A class closed out on this kiosk stays closed here, whatever an older download says.
        locally_closed = {
            sid for (sid,) in self.conn.execute("SELECT session_id FROM closeouts")
        }
        for row in rows:
            if row["id"] in locally_closed:
                row["status"] = "closed"
        self.db["sessions"].upsert_all(rows, pk="id")
        return len(rows)

    def put_trainers(self, trainers: Iterable[Trainer]) -> int:
        rows = [{"id": t.id, "name": t.name, "organisation": t.organisation} for t in trainers]
        self.db["trainers"].upsert_all(rows, pk="id")
        return len(rows)

    def put_registrations(self, regs: Iterable[Registration]) -> int:
        rows = [r.model_dump() for r in regs]
        self.db["registrations"].upsert_all(rows, pk=("session_id", "parent_id"), batch_size=2000)
        return len(rows)

    def remove_registrations(self, keys: Iterable[tuple[int, int]]) -> int:
        cur = self.conn.executemany(
            "DELETE FROM registrations WHERE session_id = ? AND parent_id = ?", list(keys)
        )
        return cur.rowcount

    def replace_trust_keys(self, keys: Iterable[TrustKey]) -> None:
        self.conn.execute("DELETE FROM trust_keys")
        self.db["trust_keys"].insert_all(
            [
                {"key_id": k.key_id, "public_key": k.raw(),
                 "not_after": to_iso(k.not_after) if k.not_after else None}
                for k in keys
            ],
            pk="key_id",
        )
        self._keys = None

    def add_revocations(self, revs: Iterable[Revocation]) -> int:
        rows = [{"pass_id": r.pass_id, "revoked_at": to_iso(r.revoked_at)} for r in revs]
        self.db["revocations"].upsert_all(rows, pk="pass_id", batch_size=5000)
        return len(rows)

    # -- reading site data ---------------------------------------------------

    def venue(self) -> dict[str, Any] | None:
        vid = self.get_meta("venue_id")
        if vid is None:
            return None
        rows = list(self.db.query("SELECT * FROM venues WHERE id = ?", [int(vid)]))
        return rows[0] if rows else None

    _SESSION_SQL = (
        "SELECT s.*, t.name AS trainer_name FROM sessions s "
        "LEFT JOIN trainers t ON t.id = s.trainer_id"
    )

    @staticmethod
    def _session_row(r: dict[str, Any]) -> SessionRow:
        return SessionRow(
            id=r["id"], venue_id=r["venue_id"], title=r["title"], series=r["series"],
            stage=r["stage"], starts_at=from_iso(r["starts_at"]), ends_at=from_iso(r["ends_at"]),
            capacity=r["capacity"], credits=r["credits"], room=r["room"],
            trainer_id=r["trainer_id"], trainer_name=r["trainer_name"],
            walk_in_policy=WalkInPolicy(r["walk_in_policy"]),
            checkout_required=bool(r["checkout_required"]), status=SessionStatus(r["status"]),
        )

    def session(self, session_id: int) -> SessionRow | None:
        rows = list(self.db.query(self._SESSION_SQL + " WHERE s.id = ?", [session_id]))
        return self._session_row(rows[0]) if rows else None

    def sessions(self) -> list[SessionRow]:
        return [
            self._session_row(r)
            for r in self.db.query(self._SESSION_SQL + " ORDER BY s.starts_at, s.id")
        ]

    @staticmethod
    def _registration_row(r: tuple[Any, ...]) -> RegistrationRow:
        return RegistrationRow(*r)

    _REG_COLS = "session_id, parent_id, masked_name, phone_last4, stage, stage_credits"

    def registration(self, session_id: int, parent_id: int) -> RegistrationRow | None:
        row = self.conn.execute(
            f"SELECT {self._REG_COLS} FROM registrations WHERE session_id = ? AND parent_id = ?",
            (session_id, parent_id),
        ).fetchone()
        return RegistrationRow(*row) if row else None

    def find_registrations(
        self, session_id: int, phone_last4: str, surname: str | None = None
    ) -> list[RegistrationRow]:
        sql = f"SELECT {self._REG_COLS} FROM registrations WHERE session_id = ? AND phone_last4 = ?"
        args: list[Any] = [session_id, phone_last4]
        if surname:
            sql += " AND substr(masked_name, 1, 1) = ?"
            args.append(surname[0])
        return [RegistrationRow(*r) for r in self.conn.execute(sql + " ORDER BY parent_id", args)]

    def legacy_parent_numbers(self) -> bool:
        """Whether a typed parent number may lack its check digit (the venue's word, from the
        last bundle or enrolment; true until the platform says otherwise)."""
        return self.get_meta(LEGACY_NUMBERS_META, "1") != "0"

    def learnt_device_id(self) -> int | None:
        """The device id a site bundle gave this kiosk's key (a kiosk that is never online)."""
        value = self.get_meta(DEVICE_ID_META)
        return int(value) if value else None

    def trust_keys(self) -> dict[int, Ed25519PublicKey]:
        if self._keys is None:
            self._keys = {
                kid: public_key_from_raw(raw)
                for kid, raw in self.conn.execute("SELECT key_id, public_key FROM trust_keys")
            }
        return self._keys

    def is_revoked(self, pass_id: int) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM revocations WHERE pass_id = ?", (pass_id,)).fetchone()
            is not None
        )

    # -- reports ------------------------------------------------------------

    def roster(self, session_id: int) -> list[dict[str, Any]]:
        """Registered parents plus walk-ins, with their check-in and check-out, for exports."""
        return list(
            self.db.query(
                """
                WITH people AS (
                    SELECT parent_id, masked_name, phone_last4, 1 AS registered
                    FROM registrations WHERE session_id = :s
                    UNION ALL
                    SELECT DISTINCT r.parent_id, r.masked_name, NULL, 0 FROM records r
                    WHERE r.session_id = :s AND NOT EXISTS (
                        SELECT 1 FROM registrations g
                        WHERE g.session_id = :s AND g.parent_id = r.parent_id)
                )
                SELECT p.parent_id, p.masked_name, p.phone_last4, p.registered,
                       ci.device_time AS checked_in_at, co.device_time AS checked_out_at,
                       ci.method AS method, ci.walk_in AS walk_in, ci.id AS checkin_id,
                       ci.state AS sync_state
                FROM people p
                LEFT JOIN records ci ON ci.session_id = :s AND ci.parent_id = p.parent_id
                    AND ci.kind = 'checkin'
                LEFT JOIN records co ON co.session_id = :s AND co.parent_id = p.parent_id
                    AND co.kind = 'checkout'
                ORDER BY ci.device_time IS NULL, ci.device_time, p.parent_id
                """,
                {"s": session_id},
            )
        )
