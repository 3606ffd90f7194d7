"""Issue #13, kiosk hardening, tested as an attacker (or an unlucky site) would: a kiosk clock far
off, damaged or missing files in the data folder, a full disk (Qt-free parts; the PIN pad is in
tests/ui/test_pin_hardening.py)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kiosk.core.clock import FixedClock
from kiosk.core.desk import CheckinDesk
from kiosk.core.rules import Outcome, Window
from sync.demo import session_id
from sync.engine import upload_record
from tests.conftest import NOW

OPEN = session_id(101, 1)  # open at NOW, walk-ins accepted
DAY_MS = 86_400_000


# ---------------------------------------------------------------------------------------------
# 6. A record shown as accepted is always uploadable, whatever the kiosk's clock says
# ---------------------------------------------------------------------------------------------


def _server_verdict(row: dict, session) -> str | None:  # type: ignore[no-untyped-def]
    """What the platform says of this record's time: the wire model, then its time rule
    (credit_api/service/records.py: device time + offset within RECORD_SLACK of the class)."""
    records = pytest.importorskip("credit_api.service.records")
    rec = upload_record(row)  # ValueError here = "invalid on this kiosk", parked for ever
    at = rec.device_time + timedelta(milliseconds=rec.clock_offset_ms)
    slack = records.RECORD_SLACK
    if not session.starts_at - slack <= at <= session.ends_at + slack:
        return "outside_class_window"
    return None


def _scan_with_clock(store, demo, signing_key, *, device: datetime, offset_ms: int | None):  # type: ignore[no-untyped-def]
    if offset_ms is not None:
        with store.write():
            store.set_meta("clock_offset_ms", str(offset_ms))
    desk = CheckinDesk(store, FixedClock(device))
    text, _ = signing_key.issue(demo[1]["parents"][0], valid_from=NOW - timedelta(days=1))
    return desk.scan(text, OPEN, "camera")


@pytest.mark.parametrize("days_off", [-400, -200, -116, 116, 200, 3650])
def test_a_clock_months_off_with_a_known_offset_gives_an_uploadable_record(
        store, demo, signing_key, days_off):
    """The kiosk's clock is ``days_off`` days wrong, the last sync measured it: the scan is
    accepted (the true time is inside the class), so the platform must take the record."""
    device = NOW + timedelta(days=days_off)
    result = _scan_with_clock(store, demo, signing_key, device=device, offset_ms=-days_off * DAY_MS)
    assert result.outcome is Outcome.ACCEPTED
    (row,) = store.pending_records(10)
    assert _server_verdict(row, store.session(OPEN)) is None


def test_a_clock_before_2000_with_a_known_offset_gives_an_uploadable_record(store, demo,
                                                                           signing_key):
    """A dead CMOS battery: the PC says 1999-12-31 (local midnight of 2000-01-01 in Hangzhou)."""
    device = datetime(1999, 12, 31, 16, 0, tzinfo=UTC)
    offset = round((NOW - device).total_seconds() * 1000)
    result = _scan_with_clock(store, demo, signing_key, device=device, offset_ms=offset)
    assert result.outcome is Outcome.ACCEPTED
    (row,) = store.pending_records(10)
    assert _server_verdict(row, store.session(OPEN)) is None


def test_a_clock_that_cannot_be_right_is_refused_on_the_spot(store, demo, signing_key):
    """No offset known and a clock in 1999: no record; the card says the kiosk's clock is wrong
    (not the parent's phone) and to call staff."""
    result = _scan_with_clock(store, demo, signing_key,
                              device=datetime(1999, 12, 31, 16, 0, tzinfo=UTC), offset_ms=None)
    assert result.outcome is Outcome.CLOCK_WRONG
    assert store.pending_records(10) == []
    assert "时钟" in result.reason("zh") and "staff" in result.reason("en")


def test_an_accepted_record_keeps_the_true_clock_reading_when_it_can(store, demo, signing_key):
    """Within the wire's limits nothing changes: the device time and the offset as measured."""
    device = NOW - timedelta(days=3)
    _scan_with_clock(store, demo, signing_key, device=device, offset_ms=3 * DAY_MS)
    (row,) = store.pending_records(10)
    assert row["device_time"].startswith("2026-11-20T06:00") and row["clock_offset_ms"] == 3 * DAY_MS


@pytest.mark.parametrize("minutes", [2 * 24 * 60, 10_000])
def test_a_check_in_window_wider_than_the_platform_allows_is_narrowed(store, demo, signing_key,
                                                                     minutes):
    """settings.json says check-in opens days before a class: the platform keeps a record at most
    a day outside its class, so the desk never accepts one it would refuse."""
    later = store.session(session_id(101, 3))
    device = later.starts_at - timedelta(minutes=minutes) + timedelta(minutes=5)
    desk = CheckinDesk(store, FixedClock(device), Window(doors_open_before=minutes))
    text, _ = signing_key.issue(demo[1]["parents"][0], valid_from=device - timedelta(days=1))
    result = desk.scan(text, later.id, "camera")
    assert result.outcome is Outcome.NOT_OPEN_YET
    assert store.pending_records(10) == []


def test_the_kiosk_mirrors_the_platforms_record_slack():
    records = pytest.importorskip("credit_api.service.records")
    from kiosk.core import desk

    assert desk.SERVER_RECORD_SLACK == records.RECORD_SLACK


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(off_ms=st.integers(-80 * 365 * DAY_MS, 80 * 365 * DAY_MS),
       error_ms=st.integers(-3_600_000, 3_600_000))
def test_whatever_the_clock_an_accepted_scan_is_uploadable(store, demo, signing_key, off_ms,
                                                           error_ms):
    """Any device clock (±80 years) with an offset measured up to an hour wrong: when the card
    says accepted, the platform accepts the record."""
    with store.write():
        store.conn.execute("DELETE FROM records")
    device = NOW + timedelta(milliseconds=off_ms)
    result = _scan_with_clock(store, demo, signing_key, device=device,
                              offset_ms=-off_ms + error_ms)
    event(result.outcome.value)
    if result.outcome.creates_record:
        (row,) = store.pending_records(10)
        assert _server_verdict(row, store.session(OPEN)) is None
    else:
        assert store.pending_records(10) == []


# ---------------------------------------------------------------------------------------------
# 11. Damaged, empty or full: a clear message and exit status 3, never a traceback
# ---------------------------------------------------------------------------------------------


def _cli(data, *args: str, stdin: str = "") -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    import io
    from contextlib import redirect_stderr

    from kiosk.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stderr(err):
        code = main(["--data-dir", str(data), *args], stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def kiosk_dir(tmp_path, demo):  # type: ignore[no-untyped-def]
    """A kiosk data folder holding the demo bundle, the store closed again."""
    from kiosk.core.store import Store

    data = tmp_path / "kiosk"
    with Store(data / "kiosk.db") as s:
        s.import_bundle(demo[0])
    return data


@pytest.mark.parametrize("content", ["{not json", "", "[1, 2]", '{"api_url": "https://x"}',
                                     '{"api_url": "https://x", "device_id": "seven", '
                                     '"venue_id": 1, "token": "t"}', "\x00\x01\x02"])
def test_a_damaged_device_file_is_a_plain_message_not_a_traceback(kiosk_dir, content):
    (kiosk_dir / "device.json").write_text(content, encoding="utf-8")
    code, out, err = _cli(kiosk_dir, "sync", "--once")
    assert code == 3, err
    assert "Traceback" not in err and "unexpected error" not in err
    assert "device.json" in err and "damaged" in err and "enrol" in err
    assert err.count("\n") == 1  # one line


def test_a_damaged_device_file_does_not_stop_status(kiosk_dir):
    """``status`` still says what is on the kiosk: the enrolment file problem is one line."""
    (kiosk_dir / "device.json").write_text("{not json", encoding="utf-8")
    code, out, err = _cli(kiosk_dir, "status", "--json")
    assert "Traceback" not in err
    assert code in (0, 3)


def test_a_zero_byte_database_is_not_silently_replaced(kiosk_dir):
    db = kiosk_dir / "kiosk.db"
    db.write_bytes(b"")
    code, out, err = _cli(kiosk_dir, "status")
    assert code == 3
    assert "empty" in err and "0 bytes" in err and "Traceback" not in err
    assert db.stat().st_size == 0  # left as found, for whoever looks into it
    assert not list(kiosk_dir.glob("kiosk.db.schema*.bak"))


def test_a_missing_database_beside_its_journal_is_refused(kiosk_dir):
    """kiosk.db gone but kiosk.db-wal still there (a half-finished copy or clean-up)."""
    db = kiosk_dir / "kiosk.db"
    (kiosk_dir / "kiosk.db-wal").write_bytes(b"x" * 4096)
    db.unlink()
    code, out, err = _cli(kiosk_dir, "status")
    assert code == 3 and "kiosk.db-wal" in err
    assert not db.exists()


def test_a_real_database_that_is_damaged_still_says_restore(kiosk_dir):
    (kiosk_dir / "kiosk.db").write_bytes(b"this is not SQLite at all" * 200)
    code, out, err = _cli(kiosk_dir, "status")
    assert code == 3 and "backup" in err


class _FullDiskConnection:
    """A real connection whose disk fills up at ``fail_at`` (the first statement that writes)."""

    def __init__(self, conn, fail_at: str) -> None:  # type: ignore[no-untyped-def]
        self._conn, self._fail_at = conn, fail_at

    def execute(self, sql: str, *args):  # type: ignore[no-untyped-def]
        import sqlite3

        if sql.startswith(self._fail_at):
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._conn, name)


@pytest.mark.parametrize("fail_at", ["PRAGMA journal_mode", "BEGIN IMMEDIATE"])
def test_a_full_disk_is_called_a_full_disk_not_a_bad_database(kiosk_dir, monkeypatch, fail_at):
    """SQLite says "database or disk is full" at the edge (opening, or the first write): the
    message says to free space and warns against restoring a backup over the live file."""
    import sqlite3

    real_connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect",
                        lambda *a, **k: _FullDiskConnection(real_connect(*a, **k), fail_at))
    code, out, err = _cli(kiosk_dir, "checkin", "--session", str(OPEN), "S-not-a-pass")
    assert code == 3, err
    assert "full" in err and "free" in err and "not a kiosk database" not in err
    assert "do not restore" in err.lower()


@pytest.fixture
def tiny_disk(tmp_path):  # type: ignore[no-untyped-def]
    """A 1 MB tmpfs (root only: skipped where it cannot be mounted)."""
    import subprocess

    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_really_full_disk_at_open(tiny_disk, demo):
    """A real full file system: SQLite cannot grow kiosk.db-shm (SQLITE_IOERR_SHMSIZE)."""
    from kiosk.core.store import Store

    data = tiny_disk / "kiosk"
    with Store(data / "kiosk.db") as s:
        s.import_bundle(demo[0])
    for extra in ("kiosk.db-wal", "kiosk.db-shm"):
        (data / extra).unlink(missing_ok=True)
    fd = os.open(tiny_disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    code, out, err = _cli(data, "status")
    assert code == 3, err
    assert "full" in err and "not a kiosk database" not in err
    (tiny_disk / "filler").unlink()
    code, out, err = _cli(data, "status")  # space freed: the same database opens as before
    assert code == 0, err


# ---------------------------------------------------------------------------------------------
# 8. Data at rest: the data folder 0700, its files 0600 (POSIX)
# ---------------------------------------------------------------------------------------------

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def open_umask():  # type: ignore[no-untyped-def]
    """The usual 022, as an ordinary shell or service starts a process."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path) -> int:  # type: ignore[no-untyped-def]
    import stat

    return stat.S_IMODE(path.stat().st_mode)


def _loose(data) -> list[str]:  # type: ignore[no-untyped-def]
    """Everything in the data folder that someone else on the PC could read."""
    found = [] if _mode(data) == 0o700 else [f"{data}: {oct(_mode(data))}"]
    for p in data.rglob("*"):
        want = 0o700 if p.is_dir() else 0o600
        if _mode(p) != want:
            found.append(f"{p.relative_to(data)}: {oct(_mode(p))}")
    return found


@posix_only
def test_a_new_kiosk_keeps_its_data_folder_to_itself(tmp_path, demo, open_umask, signing_key):
    """A new store, then the command line as an admin runs it: check-ins, settings, logs, a
    backup."""
    from kiosk.config import Config
    from kiosk.core.store import Store

    data = tmp_path / "kiosk"
    with Store(data / "kiosk.db") as s:
        s.import_bundle(demo[0])
    text, _ = signing_key.issue(demo[1]["parents"][0], valid_from=datetime.now(UTC) - timedelta(days=1))
    code, out, err = _cli(data, "checkin", "--session", str(OPEN), text)
    assert code == 0 and '"outcome"' in out, err  # any outcome writes (a scan event)
    cfg = Config.load(data)
    cfg.set("volume", 40)
    cfg.save()
    with Store(data / "kiosk.db") as s:
        s.backup(data / "kiosk.db.manual.bak")
        assert (data / "kiosk.db-wal").exists() and (data / "kiosk.db-shm").exists()
        assert _loose(data) == []
    assert {"kiosk.db", "settings.json", "logs", "kiosk.db.manual.bak"} <= {p.name for p in data.iterdir()}
    assert (data / "logs" / "kiosk.log").exists()
    assert _loose(data) == []


@posix_only
def test_the_store_settings_and_logs_are_private_without_the_cli_umask(tmp_path, open_umask):
    """Library use (the window's composition root, tests): each writer makes its own file
    owner-only, whatever the umask."""
    import logging

    from kiosk.config import Config
    from kiosk.core.store import Store
    from kiosk.logsetup import setup_logging

    data = tmp_path / "lib"
    Store(data / "kiosk.db").close()
    Config(data).save()
    setup_logging(data / "logs")
    logging.getLogger("kiosk.test").warning("a line")
    try:
        assert _loose(data) == []
    finally:
        setup_logging(None)


@posix_only
def test_an_older_install_is_tightened_at_start_up(kiosk_dir, open_umask):
    """0755 / 0644 as an older version left them: the next start makes them owner-only."""
    (kiosk_dir / "settings.json").write_text("{}", encoding="utf-8")
    (kiosk_dir / "pin_lockout.json").write_text("{}", encoding="utf-8")
    (kiosk_dir / "logs").mkdir(exist_ok=True)
    (kiosk_dir / "logs" / "kiosk.log.1").write_text("old\n", encoding="utf-8")
    for p in [kiosk_dir, kiosk_dir / "logs"]:
        p.chmod(0o755)
    for p in kiosk_dir.rglob("*"):
        if p.is_file():
            p.chmod(0o644)
    assert _loose(kiosk_dir)
    code, out, err = _cli(kiosk_dir, "status")
    assert code == 0, err
    assert _loose(kiosk_dir) == []
