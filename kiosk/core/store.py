"""The kiosk's SQLite store: the only module that speaks SQL.

Durability rules (DESIGN §5): WAL journal, ``synchronous=FULL``, every check-in committed before
anyone is told it was accepted.  A record's UUID is its idempotency key forever; the record row
*is* the outbox (``state`` pending → acknowledged / parked with a reason).  One connection per
thread: a :class:`Store` must only be used from the thread that opened it.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.core.rules import (
    Attendance,
    ClassFacts,
    RecordKind,
    SessionStatus,
    WalkInPolicy,
)
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

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


class StoreError(Exception):
    """The database cannot be used; the message says what to do."""


def to_iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


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


@dataclass(frozen=True, slots=True)
class ImportSummary:
    venue: str
    sessions: int
    registrations: int
    keys: int
    revocations: int


# ---------------------------------------------------------------------------
# Schema migrations: append only.  Index i migrates user_version i → i + 1.
# ---------------------------------------------------------------------------


def _v1(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE venues (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
            district TEXT NOT NULL, timezone TEXT NOT NULL
        );
        CREATE TABLE trainers (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL, organisation TEXT
        );
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY, venue_id INTEGER NOT NULL, title TEXT NOT NULL,
            series TEXT NOT NULL, stage INTEGER NOT NULL, starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL, capacity INTEGER NOT NULL, credits INTEGER NOT NULL,
            room TEXT, trainer_id INTEGER, walk_in_policy TEXT NOT NULL,
            checkout_required INTEGER NOT NULL, status TEXT NOT NULL
        );
        CREATE TABLE registrations (
            session_id INTEGER NOT NULL, parent_id INTEGER NOT NULL,
            masked_name TEXT NOT NULL, phone_last4 TEXT NOT NULL,
            stage INTEGER NOT NULL, stage_credits INTEGER NOT NULL,
            PRIMARY KEY (session_id, parent_id)
        );
        CREATE INDEX registrations_phone ON registrations (session_id, phone_last4);
        CREATE TABLE trust_keys (
            key_id INTEGER PRIMARY KEY, public_key BLOB NOT NULL, not_after TEXT
        );
        CREATE TABLE revocations (pass_id INTEGER PRIMARY KEY, revoked_at TEXT NOT NULL);
        CREATE TABLE records (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('checkin', 'checkout')),
            session_id INTEGER NOT NULL,
            parent_id INTEGER NOT NULL,
            pass_id INTEGER,
            method TEXT NOT NULL CHECK (method IN ('camera', 'scanner', 'manual')),
            walk_in INTEGER NOT NULL DEFAULT 0,
            device_time TEXT NOT NULL,
            clock_offset_ms INTEGER NOT NULL DEFAULT 0,
            masked_name TEXT,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'acknowledged', 'parked')),
            park_reason TEXT,
            acked_at TEXT,
            UNIQUE (session_id, parent_id, kind)
        );
        CREATE INDEX records_state ON records (state, seq);
        CREATE TABLE scan_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL, session_id INTEGER, outcome TEXT NOT NULL,
            method TEXT NOT NULL, pass_id INTEGER, parent_id INTEGER
        );
        CREATE INDEX scan_events_session ON scan_events (session_id, at);
        """
    )


def _v2(db: sqlite_utils.Database) -> None:
    """Sync: the close-out queue and a log of sync attempts (for "why is sync stuck?")."""
    db.executescript(
        """
        CREATE TABLE closeouts (
            id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL,
            session_id INTEGER NOT NULL,
            trainer_pass_id INTEGER NOT NULL,
            trainer_pass TEXT,
            removals TEXT NOT NULL,
            additions TEXT NOT NULL,
            device_time TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'acknowledged', 'parked')),
            park_reason TEXT,
            acked_at TEXT,
            summary TEXT
        );
        CREATE TABLE sync_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL, ok INTEGER NOT NULL, uploaded INTEGER NOT NULL,
            duplicates INTEGER NOT NULL, parked INTEGER NOT NULL, downloaded INTEGER NOT NULL,
            clock_offset_ms INTEGER, error TEXT
        );
        CREATE INDEX records_acked ON records (state, acked_at);
        """
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2]
SCHEMA_VERSION = len(MIGRATIONS)


class Store:
    """One kiosk database file."""

    def __init__(self, path: Path | str, *, check: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(
                self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a kiosk database or cannot be opened ({exc}). "
                "Check the data folder, or restore it from a backup."
            ) from exc
        if mode.lower() != "wal":
            log.warning("journal mode is %s, not WAL", mode)
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._keys: dict[int, Ed25519PublicKey] | None = None
        if check:
            self.quick_check()
        self.migrate()

    # -- lifecycle ----------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def quick_check(self) -> None:
        try:
            rows = [r[0] for r in self.conn.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"The kiosk database {self.path} is damaged ({exc}). Stop using this kiosk, "
                "copy the data folder for support, and restore the latest backup."
            ) from exc
        if rows != ["ok"]:
            raise StoreError(
                f"The kiosk database {self.path} failed its check ({'; '.join(rows[:3])}). "
                "Copy the data folder for support and restore the latest backup."
            )

    def integrity_check(self) -> list[str]:
        return [r[0] for r in self.conn.execute("PRAGMA integrity_check")]

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"This database was written by a newer kiosk version (schema {current}); "
                "install the newer version again."
            )
        if current == SCHEMA_VERSION:
            return
        if current > 0:
            self.backup(self.path.with_name(f"{self.path.name}.schema{current}.bak"))
        for version in range(current, SCHEMA_VERSION):
            with self.write():
                MIGRATIONS[version](self.db)
                self.conn.execute(f"PRAGMA user_version = {version + 1}")
            log.info("database migrated to schema %d", version + 1)

    def backup(self, dest: Path) -> Path:
        """A consistent copy of the live database (safe while it is in use)."""
        tmp = dest.with_name(dest.name + ".part")
        target = sqlite3.connect(tmp)
        try:
            self.conn.backup(target)
        finally:
            target.close()
        shutil.move(tmp, dest)
        return dest

    @contextmanager
    def write(self) -> Iterator[None]:
        """A write transaction taken up front (BEGIN IMMEDIATE), so decisions read what they write."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # -- meta ---------------------------------------------------------------

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

    # -- site data ----------------------------------------------------------

    def import_bundle(self, bundle: SiteBundle) -> ImportSummary:
        """Replace the site data with ``bundle`` in one transaction (idempotent).

        Sessions and registrations are upserted; registrations of the bundle's sessions that
        the bundle no longer lists are removed (a parent cancelled).  Check-in records are never
        touched.  Revocations only ever grow.
        """
        with self.write():
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

    def park(self, record_id: str, reason: str) -> None:
        self.conn.execute(
            "UPDATE records SET state = 'parked', park_reason = ? WHERE id = ? AND state = 'pending'",
            (reason, record_id),
        )

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
