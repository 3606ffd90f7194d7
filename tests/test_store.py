"""The store on real files: pragmas, migrations with backups, damaged files, bundle imports."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.core.desk import CheckinDesk
from kiosk.core.store import SCHEMA_VERSION, Store, StoreError
from kiosk.core.store import schema as store_schema
from sync.demo import make_bundle, session_id
from sync.protocol import SiteBundle
from tests.conftest import NOW

OPEN = session_id(101, 1)


def test_pragmas(tmp_path):
    with Store(tmp_path / "k.db") as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert s.schema_version() == SCHEMA_VERSION


def test_not_a_database(tmp_path):
    path = tmp_path / "k.db"
    path.write_bytes(b"this is a spreadsheet, not a database" * 200)
    with pytest.raises(StoreError, match="not a kiosk database|damaged"):
        Store(path)


def test_damaged_database_is_refused_with_advice(tmp_path, demo):
    path = tmp_path / "k.db"
    with Store(path) as s:
        s.import_bundle(demo[0])
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = s.conn.execute("PRAGMA page_count").fetchone()[0]
        page = s.conn.execute("PRAGMA page_size").fetchone()[0]
    assert pages > 3
    raw = bytearray(path.read_bytes())
    # Scribble over an interior b-tree page (not the header) so the file opens but is wrong.
    start = page * 2
    raw[start : start + page] = b"\xff" * page
    path.write_bytes(bytes(raw))
    with pytest.raises(StoreError, match="restore"):
        Store(path)


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "k.db"
    with Store(path) as s:
        s.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer kiosk version"):
        Store(path)


def test_migration_backs_up_the_file_first(tmp_path, demo, monkeypatch, signing_key, clock):
    path = tmp_path / "k.db"
    with Store(path) as s:
        s.import_bundle(demo[0])
        text, _ = signing_key.issue(demo[1]["parents"][0], valid_from=NOW - timedelta(days=1))
        CheckinDesk(s, clock).scan(text, OPEN)

    def v2(db):
        db.execute("ALTER TABLE records ADD COLUMN note TEXT")

    monkeypatch.setattr(store_schema, "MIGRATIONS", [*store_schema.MIGRATIONS, v2])
    monkeypatch.setattr(store_schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION + 1
        assert "note" in s.db["records"].columns_dict
        assert s.conn.execute("SELECT count(*) FROM records").fetchone()[0] == 1
    backup = tmp_path / f"k.db.schema{SCHEMA_VERSION}.bak"
    assert backup.exists()
    import sqlite3

    b = sqlite3.connect(backup)
    assert b.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert b.execute("SELECT count(*) FROM records").fetchone()[0] == 1
    b.close()


def test_failed_migration_leaves_the_old_schema(tmp_path, monkeypatch):
    path = tmp_path / "k.db"
    Store(path).close()

    def broken(db):
        db.execute("CREATE TABLE extra (x)")
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_schema, "MIGRATIONS", [*store_schema.MIGRATIONS, broken])
    monkeypatch.setattr(store_schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(RuntimeError):
        Store(path)
    monkeypatch.undo()
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert "extra" not in s.db.table_names()


def test_import_is_idempotent_and_keeps_records(store, demo, signing_key, clock):
    text, _ = signing_key.issue(demo[1]["parents"][0], valid_from=NOW - timedelta(days=1))
    CheckinDesk(store, clock).scan(text, OPEN)
    before = {t: store.db[t].count for t in store.db.table_names()}
    store.import_bundle(demo[0])
    store.import_bundle(demo[0])
    after = {t: store.db[t].count for t in store.db.table_names()}
    assert before == after
    assert store.record_counts() == {"pending": 1, "acknowledged": 0, "parked": 0}


def test_reimport_applies_cancellations_and_dropped_registrations(store, demo):
    data = demo[0].model_dump()
    data["sessions"][0]["status"] = "cancelled"
    dropped = data["registrations"].pop(0)
    store.import_bundle(SiteBundle.model_validate(data))
    assert store.session(data["sessions"][0]["id"]).status.value == "cancelled"
    assert store.registration(dropped["session_id"], dropped["parent_id"]) is None


def test_revocations_only_grow(store, signing_key):
    b1, _ = make_bundle([signing_key.trust_key()], now=NOW, parents=30, revoke=[11, 12])
    store.import_bundle(b1)
    b2, _ = make_bundle([signing_key.trust_key()], now=NOW, parents=30, revoke=[13])
    store.import_bundle(b2)
    assert all(store.is_revoked(p) for p in (11, 12, 13))
    assert not store.is_revoked(14)


def test_backup_is_a_consistent_copy(store, tmp_path):
    dest = store.backup(tmp_path / "copy.db")
    with Store(dest) as copy:
        assert copy.integrity_check() == ["ok"]
        assert copy.db["registrations"].count == store.db["registrations"].count


def test_roster_lists_registered_and_walk_ins(store, demo, signing_key, clock):
    desk = CheckinDesk(store, clock)
    parents = demo[1]["parents"]
    desk.scan(signing_key.issue(parents[3], valid_from=NOW - timedelta(days=1))[0], OPEN)
    desk.scan(signing_key.issue(5_555_555, valid_from=NOW - timedelta(days=1))[0], OPEN)
    roster = store.roster(OPEN)
    assert len(roster) == len(parents) + 1
    present = [r for r in roster if r["checked_in_at"]]
    assert [r["parent_id"] for r in present] == [parents[3], 5_555_555]
    assert present[1]["registered"] == 0 and present[1]["walk_in"] == 1
    counts = store.session_counts(OPEN)
    assert counts["checked_in"] == 2 and counts["walk_ins"] == 1
    assert counts["registered"] == len(parents)
