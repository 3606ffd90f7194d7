"""Fixtures for the credit API: a real uvicorn server on a loopback port, per database.

Every test that takes ``api`` runs twice: on SQLite, and on PostgreSQL when
``STARKIOSK_TEST_PG_URL`` is set (scripts/ci-postgres.sh sets it).  Without it the PostgreSQL
runs are skipped — except under ``CI=true``, where they fail: CI must test PostgreSQL.

Tests share one server per database and keep out of each other's way by creating their own
venue, classes and parents through :class:`World`.
"""

from __future__ import annotations

import itertools
import os
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

try:
    import fastapi  # noqa: F401
    import uvicorn
except ImportError:  # pragma: no cover - the server extra is not installed
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("credit API tests need `pip install -e .[server]`", allow_module_level=True)

import requests
from sqlalchemy import Engine, text

from credit_api import service as svc
from credit_api.app import asgi_app
from credit_api.db import make_engine, migrate
from credit_api.keys import KeyFiles
from sync.passes import Role
from sync.protocol import Session, Trainer, Venue

PG_ENV = "STARKIOSK_TEST_PG_URL"
_ids = itertools.count(secrets.randbelow(3_000_000_000) + 100_000_000)


def fresh_id() -> int:
    """An id no other test uses (ids must stay below 2**32)."""
    return next(_ids)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerThread:
    """uvicorn serving ``app`` on 127.0.0.1:<free port> in a background thread."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def pg_url_with_schema(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@dataclass
class Backend:
    name: str
    url: str
    engine: Engine
    data_dir: Path
    files: KeyFiles = field(init=False)

    def __post_init__(self) -> None:
        self.files = KeyFiles(self.data_dir / "keys")

    def env(self) -> dict[str, str]:
        """Environment for a ``credit-api`` subprocess on this backend."""
        return {**os.environ, "STARKIOSK_CREDIT_DATA_DIR": str(self.data_dir)}


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    data_dir = tmp_path_factory.mktemp(f"credit-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{data_dir / 'credit.sqlite3'}"
        engine = make_engine(url)
        migrate(engine)
        yield Backend("sqlite", url, engine, data_dir)
        engine.dispose()
        return
    base = os.environ.get(PG_ENV)
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {PG_ENV} is not set: source scripts/ci-postgres.sh first")
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (see scripts/ci-postgres.sh)")
    schema = f"t_{secrets.token_hex(6)}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = pg_url_with_schema(base, schema)
    engine = make_engine(url)
    migrate(engine)
    yield Backend("postgresql", url, engine, data_dir)
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def server(backend: Backend) -> Iterator[ServerThread]:
    with ServerThread(asgi_app(backend.engine, enrol_attempts=1000)) as srv:
        yield srv


class Api:
    """A device's view of the server: requests with its token."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Device {token}"

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.http.get(self.base + path, timeout=30, **kw)

    def post(self, path: str, body: Any, **kw: Any) -> requests.Response:
        return self.http.post(self.base + path, json=body, timeout=30, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.http.delete(self.base + path, timeout=30, **kw)

    def upload(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        r = self.post("/v1/records", {"records": records})
        assert r.status_code == 200, r.text
        return r.json()


@dataclass
class World:
    """Builds data for one test straight into the database, and talks to the server."""

    backend: Backend
    url: str
    venue_id: int = field(default_factory=fresh_id)
    trainer_id: int = field(default_factory=fresh_id)

    def __post_init__(self) -> None:
        with self.backend.engine.begin() as conn:
            svc.put_venue(conn, Venue(id=self.venue_id, name="测试社区学校", kind="街道社区学校"))
            svc.put_trainer(conn, Trainer(id=self.trainer_id, name="陈*燕"))

    @property
    def engine(self) -> Engine:
        return self.backend.engine

    def now(self) -> datetime:
        return datetime.now(UTC)

    def new_class(self, *, stage: int = 1, credits: int = 2, starts_in_min: int = -10,
                  minutes: int = 90, checkout_required: bool = False,
                  status: str = "scheduled", venue_id: int | None = None,
                  no_trainer: bool = False) -> int:
        sid = fresh_id()
        start = (self.now() + timedelta(minutes=starts_in_min)).replace(microsecond=0)
        with self.engine.begin() as conn:
            svc.put_session(conn, Session(
                id=sid, venue_id=venue_id or self.venue_id, title="如何应对宝宝哭闹",
                series="0–3岁 科学育儿", stage=stage, starts_at=start,
                ends_at=start + timedelta(minutes=minutes), capacity=100, credits=credits,
                trainer_id=None if no_trainer else self.trainer_id,
                checkout_required=checkout_required,
                status=status))  # type: ignore[arg-type]
        return sid

    def new_parent(self, *, register_for: list[int] | None = None) -> int:
        pid = fresh_id()
        with self.engine.begin() as conn:
            svc.put_parent(conn, pid, "王*明", f"{pid % 10000:04d}", self.now())
            for sid in register_for or []:
                svc.register(conn, sid, pid)
        return pid

    def set_policy(self, thresholds: str = "10,15,20,25,30", carry_over: bool = False) -> None:
        with self.engine.begin() as conn:
            svc.set_setting(conn, "stage_thresholds", thresholds)
            svc.set_setting(conn, "carry_over", "true" if carry_over else "false")

    def set_ledger(self, parent_id: int, stage: int, tallies: dict[int, int]) -> None:
        from credit_api import credits as rules

        state = rules.LedgerState(stage=stage)
        state.tallies.update(tallies)
        for s in range(1, stage):
            state.stars[s] = "2026-01-01"
        with self.engine.begin() as conn:
            svc.set_ledger(conn, parent_id, state)

    def issue(self, holder: int, role: Role = Role.PARENT, days: int = 30) -> tuple[str, int]:
        with self.engine.begin() as conn:
            return svc.issue_pass(conn, holder, role, self.now(), valid_days=days,
                                  files=self.backend.files)

    def code(self, venue_id: int | None = None) -> str:
        with self.engine.begin() as conn:
            return svc.new_enrolment_code(conn, venue_id or self.venue_id, self.now())[0]

    def device(self, name: str = "kiosk") -> Api:
        r = requests.post(self.url + "/v1/enrol", json={"code": self.code(), "device_name": name},
                          timeout=30)
        assert r.status_code == 200, r.text
        return Api(self.url, r.json()["token"])

    def record(self, session_id: int, parent_id: int, *, kind: str = "checkin",
               pass_id: int | None = None, walk_in: bool = False,
               rid: str | None = None, at: datetime | None = None) -> dict[str, Any]:
        return {
            "id": rid or str(uuid.uuid4()), "kind": kind, "session_id": session_id,
            "parent_id": parent_id, "pass_id": pass_id,
            "method": "manual" if pass_id is None else "scanner", "walk_in": walk_in,
            "device_time": (at or self.now()).isoformat(), "clock_offset_ms": 120,
        }

    def closeout(self, api: Api, session_id: int, *, cid: str | None = None,
                 removals: list[dict[str, str]] | None = None,
                 additions: list[dict[str, Any]] | None = None,
                 trainer_pass: tuple[str, int] | None = None) -> requests.Response:
        return api.post("/v1/closeouts", self.closeout_body(
            session_id, cid=cid, removals=removals, additions=additions,
            trainer_pass=trainer_pass))

    def closeout_body(self, session_id: int, *, cid: str | None = None,
                      removals: list[dict[str, str]] | None = None,
                      additions: list[dict[str, Any]] | None = None,
                      trainer_pass: tuple[str, int] | None = None,
                      at: datetime | None = None) -> dict[str, Any]:
        text_, pass_id = trainer_pass or self.issue(self.trainer_id, Role.TRAINER)
        return {"id": cid or str(uuid.uuid4()), "session_id": session_id,
                "trainer_pass_id": pass_id, "trainer_pass": text_,
                "removals": removals or [], "additions": additions or [],
                "device_time": (at or self.now()).isoformat()}

    def ledger(self, api: Api | None, parent_id: int) -> dict[str, Any]:
        """A parent's ledger as the platform holds it (the HTTP endpoint only shows parents
        registered at the device's venue; tests of that are in test_security.py)."""
        with self.engine.begin() as conn:
            return svc.ledger(conn, parent_id, self.now()).model_dump(mode="json")


def post_from(address: str, url: str, path: str, body: Any) -> tuple[int, dict[str, Any],
                                                                     Any]:
    """POST JSON to the test server from a chosen loopback source address (127.x.y.z), so
    tests of per-address limits do not share an address with each other."""
    import http.client
    import json
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30,
                                      source_address=(address, 0))
    try:
        conn.request("POST", path, body=json.dumps(body),
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        headers = requests.structures.CaseInsensitiveDict(resp.getheaders())
        return resp.status, json.loads(resp.read() or b"{}"), headers
    finally:
        conn.close()


def fresh_address() -> str:
    """A loopback address no other test uses."""
    n = fresh_id()
    return f"127.{(n >> 16) % 254 + 1}.{(n >> 8) % 256}.{n % 254 + 1}"


@pytest.fixture
def world(backend: Backend, server: ServerThread) -> Iterator[World]:
    w = World(backend, server.url)
    yield w
    w.set_policy()  # settings are shared by the tests on one database: back to the defaults


@pytest.fixture
def api(world: World) -> Api:
    return world.device()
