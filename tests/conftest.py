"""Shared fixtures: a real signing key, a real demo bundle and a real SQLite store per test."""

from __future__ import annotations

import os

# No display in CI: Qt draws offscreen unless a developer asks for a real screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from kiosk.core.clock import FixedClock  # noqa: E402
from kiosk.core.desk import CheckinDesk  # noqa: E402
from kiosk.core.store import Store  # noqa: E402
from kiosk.devtools.keys import SigningKey, keygen  # noqa: E402
from sync.demo import make_bundle  # noqa: E402

# A fixed instant (a Monday afternoon in Hangzhou) so time rules are deterministic.
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("keys")
    keygen(d, key_id=1)
    return d


@pytest.fixture(scope="session")
def signing_key(key_dir: Path) -> SigningKey:
    from kiosk.devtools.keys import load_key

    return load_key(key_dir)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def demo(signing_key: SigningKey):
    """(bundle, summary) for the default demo venue, classes placed around NOW."""
    return make_bundle([signing_key.trust_key()], now=NOW, parents=30)


@pytest.fixture
def store(tmp_path: Path, demo) -> Store:
    s = Store(tmp_path / "kiosk.db")
    s.import_bundle(demo[0])
    yield s
    s.close()


@pytest.fixture
def desk(store: Store, clock: FixedClock) -> CheckinDesk:
    return CheckinDesk(store, clock)


@pytest.fixture
def own_platform(tmp_path, monkeypatch):
    """``own_platform(parents=N)``: a reference credit API of this test's own, with demo data,
    served on loopback — for tests that close its class or change its settings, which the
    session's shared platform must not see.  The OS keyring is kept out of it."""
    pytest.importorskip("uvicorn")
    from kiosk.demo import DemoPlatform

    monkeypatch.setenv("STARKIOSK_NO_KEYRING", "1")
    started: list[DemoPlatform] = []

    def make(parents: int = 5) -> DemoPlatform:
        p = DemoPlatform(tmp_path / f"platform{len(started)}", parents=parents)
        p.start()
        started.append(p)
        return p

    yield make
    for p in started:
        p.stop()
