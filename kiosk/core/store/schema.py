"""The kiosk database schema: DDL, the ordered migrations, and migrating an existing file.

The schema version is ``PRAGMA user_version``.  Before an existing file is migrated, a backup
copy is made next to it (``<name>.schema<N>.bak``); each migration step runs in its own write
transaction, so a failed step leaves the previous schema in place.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from kiosk.core.store.connection import StoreBase, StoreError, log

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


def _v3(db: sqlite_utils.Database) -> None:
    """USB transfers: each export (the upload's sha256, which the platform's receipt names; the
    device id it was signed for) and exactly which records it carried, so a receipt acknowledges
    only those; and each receipt applied, so the same receipt twice changes nothing."""
    db.executescript(
        """
        CREATE TABLE usb_exports (
            sha256 TEXT PRIMARY KEY, device_id INTEGER NOT NULL, exported_at TEXT NOT NULL,
            records INTEGER NOT NULL
        );
        CREATE TABLE usb_export_records (
            sha256 TEXT NOT NULL REFERENCES usb_exports (sha256) ON DELETE CASCADE,
            record_id TEXT NOT NULL,
            PRIMARY KEY (sha256, record_id)
        ) WITHOUT ROWID;
        CREATE TABLE usb_receipts (
            digest TEXT PRIMARY KEY, upload_sha256 TEXT NOT NULL, device_id INTEGER NOT NULL,
            imported_at TEXT NOT NULL, applied_at TEXT NOT NULL,
            acknowledged INTEGER NOT NULL, parked INTEGER NOT NULL, ignored INTEGER NOT NULL
        );
        """
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3]
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaMixin(StoreBase):
    """The schema version of the open file, and bringing it up to :data:`SCHEMA_VERSION`."""

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
