"""Shared fixtures for the screen tests (pytest-qt): a real store with the demo bundle, the real
services, the real reference server on loopback.  Add fixtures here; keep it additive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.core.clock import FixedClock
from kiosk.core.store import Store


@pytest.fixture
def ui_config(tmp_path: Path) -> Config:
    """An empty kiosk data folder (ui_store puts the demo bundle in it)."""
    return Config(tmp_path / "kiosk")


@pytest.fixture
def ui_store(ui_config: Config, demo) -> Iterator[Store]:
    """The main-thread Store of a kiosk holding the demo bundle."""
    store = Store(ui_config.db_path)
    store.import_bundle(demo[0])
    yield store
    store.close()


@pytest.fixture
def kiosk(qtbot, ui_config: Config, ui_store: Store, clock: FixedClock):
    """The whole app built headless (no camera, no sounds, short card), window not shown."""
    from kiosk.app import build

    k = build(ui_config, clock=clock, camera=False, sounds=False, card_ms=400,
              crash_return_ms=300, sync_interval_s=3600)
    qtbot.addWidget(k.window)
    k.window.resize(1280, 800)
    yield k
    k.shutdown()


@pytest.fixture(scope="session")
def demo_platform(tmp_path_factory: pytest.TempPathFactory):
    """The reference credit API with demo data, served by uvicorn on a loopback thread."""
    pytest.importorskip("uvicorn")
    from kiosk.demo import DemoPlatform

    platform = DemoPlatform(tmp_path_factory.mktemp("platform"), parents=30)
    platform.start()
    yield platform
    platform.stop()
