"""An online kiosk learns the platform's venue-wide rules at every sync, not only at enrolment:
the site admin retires numbers without a check digit, and the next sync applies it."""

from __future__ import annotations

import pytest

from kiosk.config import Config
from kiosk.core.store import Store
from kiosk.operations.syncing import run_sync
from sync.enrolment import enrol


def test_the_legacy_number_rule_arrives_with_the_next_sync(tmp_path, own_platform):
    platform = own_platform(parents=3)
    config = Config(tmp_path / "kiosk")
    with Store(config.db_path) as store:
        enrol(config.data_dir, store, platform.url, platform.code())
        assert store.legacy_parent_numbers() is True
        with platform.engine.begin() as conn:
            platform.svc.set_setting(conn, "legacy_parent_numbers", "false")
        assert run_sync(config, store).ok
        assert store.legacy_parent_numbers() is False
        assert store.venue()["id"] == platform.summary["venue"]["id"]


def test_the_kiosk_reports_how_many_records_it_still_has_to_send(tmp_path, own_platform):
    """What `credit-api devices list` shows as "pending reported": the count at the sync's start."""
    from sqlalchemy import select

    from credit_api import db as t
    from kiosk.core.desk import CheckinDesk

    platform = own_platform(parents=3)
    config = Config(tmp_path / "kiosk")
    with Store(config.db_path) as store:
        info = enrol(config.data_dir, store, platform.url, platform.code())[0]
        desk = CheckinDesk(store)
        sid = platform.summary["open_session"]
        for parent in platform.summary["parents"][:2]:
            desk.scan(platform.issue(parent), sid)

        def reported() -> int | None:
            with platform.engine.begin() as conn:
                return conn.execute(select(t.devices.c.pending_reported).where(
                    t.devices.c.id == info["device_id"])).scalar_one()

        assert run_sync(config, store).ok
        assert reported() == 2
        assert run_sync(config, store).ok
        assert reported() == 0


def test_the_platform_admin_switches_legacy_numbers_off(tmp_path, monkeypatch):
    pytest.importorskip("sqlalchemy")
    import io

    from credit_api import cli
    from credit_api import db as cdb
    from credit_api import service as svc

    monkeypatch.setenv("STARKIOSK_CREDIT_DATA_DIR", str(tmp_path / "platform"))
    db = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    assert cli.main(["init-demo", "--db", db], out=io.StringIO()) == 0
    engine = cdb.make_engine(db)
    try:
        with engine.begin() as conn:
            venue_id = conn.execute(cdb.venues.select()).first().id
            assert svc.venue(conn, venue_id).legacy_parent_numbers is True
        assert cli.main(["legacy-parent-numbers", "off", "--db", db], out=io.StringIO()) == 0
        with engine.begin() as conn:
            assert svc.venue(conn, venue_id).legacy_parent_numbers is False
    finally:
        engine.dispose()
