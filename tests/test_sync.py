"""Sync against the real reference server, in its own process on loopback.

Enrol → download → server stopped → check-ins → server started → sync → close-out → ledger;
faults through a proxy that drops answers after commit, resets, stalls, answers 500 and 429;
a kill -9 between the server's commit and the kiosk's acknowledgement; a revoked device.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

pytest.importorskip("fastapi")

from credit_api import db as cdb  # noqa: E402
from credit_api import keys as ckeys  # noqa: E402
from credit_api import service as svc  # noqa: E402
from kiosk.cli import main as kiosk_main  # noqa: E402
from kiosk.core.desk import CheckinDesk  # noqa: E402
from kiosk.core.rules import Outcome  # noqa: E402
from kiosk.core.store import Store  # noqa: E402
from sync import credentials  # noqa: E402
from sync.client import ApiClient  # noqa: E402
from sync.engine import Backoff, SyncEngine  # noqa: E402
from sync.passes import Role  # noqa: E402
from tests.faultproxy import FaultProxy, random_faults  # noqa: E402

PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Platform:
    """A credit API server process with demo data, stoppable and restartable."""

    def __init__(self, root: Path, parents: int) -> None:
        self.root = root
        self.url_db = f"sqlite:///{root / 'platform.sqlite3'}"
        self.env = {**os.environ, "STARKIOSK_CREDIT_DATA_DIR": str(root / "server")}
        self.files = ckeys.KeyFiles(root / "server" / "keys")
        self.engine = cdb.make_engine(self.url_db)
        cdb.migrate(self.engine)
        with self.engine.begin() as conn:
            self.demo = svc.init_demo(conn, datetime.now(UTC), parents=parents, files=self.files)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [PY, "-m", "credit_api", "serve", "--db", self.url_db, "--port", str(self.port),
             "--log-level", "warning"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/v1/trust", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("credit API did not start")

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None

    def code(self) -> str:
        with self.engine.begin() as conn:
            return svc.new_enrolment_code(conn, self.demo["venue"]["id"], datetime.now(UTC))[0]

    def issue(self, holder: int, role: Role = Role.PARENT) -> tuple[str, int]:
        with self.engine.begin() as conn:
            return svc.issue_pass(conn, holder, role, datetime.now(UTC), files=self.files)

    def report(self, session_id: int) -> dict:
        with self.engine.begin() as conn:
            return json.loads(svc.report(conn, session_id, datetime.now(UTC)).model_dump_json())

    def ledger(self, parent_id: int) -> dict:
        with self.engine.begin() as conn:
            return json.loads(svc.ledger(conn, parent_id, datetime.now(UTC)).model_dump_json())


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    p = Platform(tmp_path_factory.mktemp("platform"), parents=1200)
    p.start()
    yield p
    p.stop()


def enrol(platform: Platform, data: Path, url: str | None = None) -> None:
    code = kiosk_main(["--data-dir", str(data), "enrol", url or platform.url, platform.code()],
                      stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert code == 0


def engine_for(data: Path, store: Store, *, url: str | None = None, timeout=(2.0, 2.0)) -> SyncEngine:
    creds = credentials.load(data)
    client = ApiClient(url or creds.api_url, creds.token, timeout=timeout)
    return SyncEngine(store, client, backoff=Backoff(base_s=0.01, cap_s=0.05))


def test_faults_lose_and_duplicate_nothing(platform, tmp_path):
    """≥ 1,000 uploads through dropped answers, resets, stalls, 500s and 429s."""
    sid = platform.demo["open_session"]
    data = tmp_path / "kiosk"
    enrol(platform, data)
    store = Store(data / "kiosk.db")
    desk = CheckinDesk(store)
    parents = platform.demo["parents"][:1100]
    rng = random.Random(42)
    weights = {"pass": 0.45, "drop": 0.25, "reset": 0.1, "stall": 0.05, "500": 0.1, "429": 0.05}
    with FaultProxy(platform.port, choose=random_faults(rng, weights), stall_s=1.5) as proxy:
        eng = engine_for(data, store, url=proxy.url, timeout=(1.0, 1.0))
        eng.batch_size = 25
        texts = [platform.issue(p)[0] for p in parents]
        for i in range(0, len(texts), 100):
            for t in texts[i : i + 100]:
                desk.scan(t, sid, "camera")
            eng.run_once(force=True)
        for _ in range(200):
            if store.record_counts()["pending"] == 0:
                break
            eng.run_once(force=True)
        faults = dict(proxy.counts)
    assert store.record_counts() == {"pending": 0, "acknowledged": 1100, "parked": 0}
    assert faults.get("drop", 0) > 10 and faults.get("500", 0) > 3
    report = platform.report(sid)
    mine = {r["id"] for r in store.records(sid)}
    held = [r for r in report["records"] if r["checkin_id"] in mine]
    assert len(held) == 1100
    assert len({r["parent_id"] for r in report["records"]}) == len(report["records"])
    store.close()


def test_kill_between_server_commit_and_local_acknowledgement(platform, tmp_path):
    """The kiosk dies after the server committed but before it marked the records sent."""
    sid = platform.demo["open_session"]
    data = tmp_path / "kiosk"
    enrol(platform, data)
    store = Store(data / "kiosk.db")
    desk = CheckinDesk(store)
    for p in platform.demo["parents"][1100:1150]:
        desk.scan(platform.issue(p)[0], sid, "scanner")
    store.close()
    before = platform.report(sid)["count"]
    # A child runs the sync against a proxy that signals when the server has answered, and is
    # killed at that moment: the answer never reaches its database.
    marker = tmp_path / "answered"
    script = f"""
import os, signal, sys, time
sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
from tests.faultproxy import FaultProxy
from kiosk.core.store import Store
from sync import credentials
from sync.client import ApiClient
from sync.engine import SyncEngine
import sync.engine as e
orig = e.SyncEngine._send
def send_then_die(self, rows, result):
    resp = self.client.upload(e.UploadBatch(records=[e.upload_record(r) for r in rows]))
    open({str(marker)!r}, "w").write(str(len(resp.results)))
    os.kill(os.getpid(), signal.SIGKILL)
e.SyncEngine._send = send_then_die
creds = credentials.load(__import__('pathlib').Path({str(data)!r}))
store = Store({str(data / 'kiosk.db')!r})
SyncEngine(store, ApiClient(creds.api_url, creds.token)).run_once(force=True)
"""
    r = subprocess.run([PY, "-c", script], capture_output=True, timeout=120)
    assert r.returncode == -signal.SIGKILL, r.stderr
    assert marker.read_text() == "50"
    store = Store(data / "kiosk.db")
    assert store.record_counts()["pending"] == 50  # not acknowledged locally
    assert platform.report(sid)["count"] == before + 50  # but committed on the server
    result = engine_for(data, store).run_once(force=True)
    assert result.ok and result.duplicates == 50 and result.uploaded == 0
    assert store.record_counts()["pending"] == 0
    assert platform.report(sid)["count"] == before + 50
    store.close()


def test_revoked_device_stops_and_keeps_every_record(platform, tmp_path):
    sid = platform.demo["open_session"]
    data = tmp_path / "kiosk"
    enrol(platform, data)
    store = Store(data / "kiosk.db")
    creds = credentials.load(data)
    requests.post(platform.url + "/v1/device/revoke",
                  headers={"Authorization": f"Device {creds.token}"}, timeout=5).raise_for_status()
    desk = CheckinDesk(store)
    for p in platform.demo["parents"][1150:1160]:
        desk.scan(platform.issue(p)[0], sid)
    eng = engine_for(data, store)
    result = eng.run_once(force=True)
    assert not result.ok and result.error_kind == "fatal"
    assert "enrol" in result.error
    again = eng.run_once(force=True)
    assert not again.ran and again.error_kind == "fatal"
    assert store.record_counts()["pending"] == 10
    store.close()


def test_rejected_record_is_parked_with_its_reason(platform, tmp_path):
    data = tmp_path / "kiosk"
    enrol(platform, data)
    store = Store(data / "kiosk.db")
    sid = platform.demo["open_session"]
    desk = CheckinDesk(store)
    # A record naming a parent the platform has never heard of: the server refuses it.
    stranger_pass, _ = platform.issue(platform.demo["parents"][1199])
    assert desk.scan(stranger_pass, sid).outcome is Outcome.ACCEPTED
    with store.write():
        store.conn.execute("UPDATE records SET parent_id = 4242 WHERE session_id = ?", (sid,))
    result = engine_for(data, store).run_once(force=True)
    assert result.ok and result.parked == 1
    parked = store.parked()
    assert parked[0]["park_reason"] in ("unknown_parent", "pass_of_another_parent")
    assert store.record_counts()["parked"] == 1
    store.close()


def test_class_cancelled_upstream_shows_as_cancelled(platform, tmp_path):
    from sync.protocol import Session

    data = tmp_path / "kiosk"
    enrol(platform, data)
    store = Store(data / "kiosk.db")
    open_id = platform.demo["open_session"]
    s = next(x for x in store.sessions() if x.status.value == "scheduled" and x.id != open_id)
    with platform.engine.begin() as conn:
        svc.put_session(conn, Session(
            id=s.id, venue_id=s.venue_id, title=s.title, series=s.series, stage=s.stage,
            starts_at=s.starts_at, ends_at=s.ends_at, capacity=s.capacity, credits=s.credits,
            room=s.room, trainer_id=s.trainer_id, walk_in_policy=s.walk_in_policy.value,
            checkout_required=s.checkout_required, status="cancelled"))
    result = engine_for(data, store).run_once(force=True)
    assert result.ok and result.downloaded >= 1
    assert store.session(s.id).status.value == "cancelled"
    text, _ = platform.issue(platform.demo["parents"][1198])
    assert CheckinDesk(store).scan(text, s.id).outcome is Outcome.CLASS_CANCELLED
    store.close()


def test_interrupted_download_resumes_from_its_cursor(platform, tmp_path):
    from sync.client import ApiFailure, Disposition

    data = tmp_path / "kiosk"
    enrol(platform, data)
    full = Store(data / "kiosk.db")
    expected = full.db["registrations"].count
    full.close()
    # A second, fresh kiosk whose line drops after three small pages of registrations.
    data2 = tmp_path / "kiosk2"
    enrol(platform, data2)
    store = Store(data2 / "kiosk.db")
    with store.write():
        store.conn.execute("DELETE FROM registrations")
        store.delete_meta("cursor_registrations")
    creds = credentials.load(data2)
    pages: list[str | None] = []

    class FlakyClient(ApiClient):
        def registrations(self, cursor, limit=5000):  # type: ignore[no-untyped-def]
            pages.append(cursor)
            if len(pages) == 4:
                raise ApiFailure(Disposition.RETRY, "cannot reach the credit API (offline?)")
            return super().registrations(cursor, limit=100)

    eng = SyncEngine(store, FlakyClient(creds.api_url, creds.token))
    assert not eng.run_once(force=True).ok
    assert store.db["registrations"].count == 300
    saved = store.get_meta("cursor_registrations")
    assert saved == pages[3]  # the cursor of the last page applied
    resumed: list[str | None] = []

    class CountingClient(ApiClient):
        def registrations(self, cursor, limit=5000):  # type: ignore[no-untyped-def]
            resumed.append(cursor)
            return super().registrations(cursor, limit=limit)

    assert SyncEngine(store, CountingClient(creds.api_url, creds.token)).run_once(force=True).ok
    assert resumed[0] == saved  # it picked up where it stopped, not from the start
    assert store.db["registrations"].count == expected
    store.close()


@pytest.fixture
def own_platform(tmp_path):
    p = Platform(tmp_path / "platform", parents=1000)
    p.start()
    yield p
    p.stop()


def test_offline_then_online_end_to_end(own_platform, tmp_path):
    platform = own_platform
    data = tmp_path / "kiosk"
    enrol(platform, data)
    sid = platform.demo["open_session"]
    parents = platform.demo["parents"][:1000]
    passes = [platform.issue(p)[0] for p in parents]
    trainer = platform.demo["trainers"][0]
    store = Store(data / "kiosk.db")
    assert store.session(sid) is not None and len(store.trust_keys()) >= 1
    assert "*" in (store.session(sid).trainer_name or "")  # trainers come with the classes
    platform.stop()  # the network goes away
    try:
        desk = CheckinDesk(store)
        outcomes = [desk.scan(t, sid, "scanner").outcome for t in passes]
        assert outcomes == [Outcome.ACCEPTED] * 1000
        eng = engine_for(data, store)
        down = eng.run_once(force=True)
        assert not down.ok and down.error_kind == "retry" and "offline" in down.error
        assert store.record_counts()["pending"] == 1000
        status_out = []
        kiosk_main(["--data-dir", str(data), "status", "--json"],
                   stdout=type("W", (), {"write": status_out.append, "flush": lambda s: None})())
        status = json.loads("".join(status_out))
        assert status["sync"]["online"] is False and status["sync"]["last_error"]
    finally:
        platform.start()
    result = engine_for(data, store).run_once(force=True)
    assert result.ok, result.error
    assert result.uploaded == 1000 and result.duplicates == 0
    assert store.record_counts() == {"pending": 0, "acknowledged": 1000, "parked": 0}
    report = platform.report(sid)
    assert report["count"] == 1000
    assert len({r["checkin_id"] for r in report["records"]}) == 1000

    # The trainer closes out: one parent removed for a reason; credits are released.
    before = platform.ledger(parents[1])
    removed_before = platform.ledger(parents[0])
    removed = next(r["checkin_id"] for r in report["records"] if r["parent_id"] == parents[0])
    tpass, _ = platform.issue(trainer, Role.TRAINER)
    out = []
    code = kiosk_main(["--data-dir", str(data), "close-out", "--session", str(sid),
                       "--remove", removed, "--reason", "扫错了人"],
                      stdin=io.StringIO(tpass + "\n"),  # the pass from standard input
                      stdout=type("W", (), {"write": out.append, "flush": lambda s: None})())
    assert code == 0
    closed = json.loads("".join(out))
    assert closed["synced"] is True and closed["attendees"] == 999
    after = platform.ledger(parents[1])
    gained = sum(c["credits"] for c in after["credits"]) - sum(c["credits"] for c in before["credits"])
    assert gained == 2 or len(after["stars"]) > len(before["stars"])
    removed_after = platform.ledger(parents[0])
    assert removed_after["credits"] == removed_before["credits"]  # a removed record earns nothing
    # The class is locked on the kiosk now.
    assert CheckinDesk(store).scan(passes[0], sid).outcome is Outcome.CLASS_CLOSED
    store.close()
