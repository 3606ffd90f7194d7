"""Against the real reference server on loopback: first-run enrolment, and the sync badge going
offline and back through the demo's network switch."""

from __future__ import annotations

import pytest

from kiosk.config import Config
from kiosk.core.rules import Outcome
from kiosk.core.store import Store
from kiosk.services.sync import LoopbackSwitch, enrol
from tests.ui.helpers import wedge_type


@pytest.fixture(autouse=True)
def _no_os_keyring(monkeypatch):
    monkeypatch.setenv("STARKIOSK_NO_KEYRING", "1")


def build_kiosk(qtbot, config: Config, switch: LoopbackSwitch | None = None):
    from kiosk.app import build

    k = build(config, camera=False, sounds=False, switch=switch, sync_interval_s=3600,
              card_ms=400)
    qtbot.addWidget(k.window)
    k.window.resize(1280, 800)
    k.window.show()
    return k


def test_first_run_enrols_against_the_real_server(qtbot, tmp_path, demo_platform):
    k = build_kiosk(qtbot, Config(tmp_path / "kiosk"))
    try:
        w = k.window
        w.start()
        assert w.current() == "first_run"
        fr = w.first_run
        # A wrong code first: plain words, no crash.
        fr.api.setText(demo_platform.url)
        fr.code.setText("AAAA-BBBB-CCCC")
        with qtbot.waitSignal(k.sync.enrol_failed, timeout=15_000):
            fr.enrol_button.click()
        assert "注册码无效" in fr.status.text()
        # Then the enrolment QR code, typed by the USB scanner anywhere on the screen.
        fr.api.clear()
        fr.code.clear()
        qr = f"starkiosk:enrol?api={demo_platform.url}&code={demo_platform.code()}"
        with qtbot.waitSignal(k.sync.enrolled, timeout=30_000) as sig:
            wedge_type(fr, qr)
        assert sig.args[0]["sync_ok"] is True
        qtbot.waitUntil(lambda: w.current() == "picker" and bool(w.picker.sessions), timeout=10_000)
        assert w.picker.selected() is not None
        assert w.picker.selected().id == demo_platform.summary["open_session"]
    finally:
        k.shutdown()


def test_sync_badge_goes_offline_and_comes_back(qtbot, tmp_path, demo_platform):
    switch = LoopbackSwitch(demo_platform.port)
    config = Config(tmp_path / "kiosk")
    with Store(config.db_path) as store:
        enrol(config.data_dir, store, switch.url, demo_platform.code())
    k = build_kiosk(qtbot, config, switch)
    try:
        w, badge = k.window, k.window.scan.badge
        w.start()
        k.sync.start()
        qtbot.waitUntil(lambda: badge.state == "online", timeout=15_000)
        qtbot.waitUntil(lambda: w.picker.selected() is not None, timeout=5000)
        w.picker.start()
        assert w.scan.network_button.isVisible()

        w.scan.network_button.click()  # the demo's "unplug the cable"
        assert not switch.online
        parent = demo_platform.summary["parents"][0]
        with qtbot.waitSignal(k.checkin.result, timeout=5000) as sig:
            wedge_type(w.scan, demo_platform.issue(parent))
        assert sig.args[0].outcome is Outcome.ACCEPTED  # offline first: decided on the kiosk
        k.sync.sync_now()
        qtbot.waitUntil(lambda: badge.state == "offline" and k.sync.status.get("pending") == 1,
                        timeout=15_000)
        assert "离线" in badge.text() and "待上传 1" in badge.text()

        w.scan.network_button.click()  # plug it back in: a sync runs at once
        assert switch.online
        qtbot.waitUntil(lambda: badge.state == "online" and k.sync.status.get("pending") == 0,
                        timeout=15_000)
        assert "在线" in badge.text() and "待上传 0" in badge.text()
        with Store(config.db_path) as other:
            assert other.record_counts()["acknowledged"] == 1
    finally:
        k.shutdown()
        switch.close()


def test_sync_passes_never_overlap(qtbot, tmp_path, demo_platform):
    config = Config(tmp_path / "kiosk")
    with Store(config.db_path) as store:
        enrol(config.data_dir, store, demo_platform.url, demo_platform.code())
    k = build_kiosk(qtbot, config)
    try:
        passes = []
        k.sync.status_changed.connect(lambda s: passes.append(s))
        k.sync.start(run_now=False)
        k.sync.sync_now()
        assert k.sync.running
        k.sync.sync_now()  # during a pass: remembered, not started alongside
        k.sync._tick()
        qtbot.waitUntil(lambda: not k.sync.running and len(passes) >= 2, timeout=15_000)
        with Store(config.db_path) as other:
            # enrolment's pass + the first "sync now" + one remembered re-run; the tick was dropped
            assert len(other.sync_log(50)) == 3
    finally:
        k.shutdown()


def test_a_timer_tick_retries_at_once_when_the_network_returns(qtbot, tmp_path, demo_platform):
    """While backing off, a scheduled tick probes the API host and skips the wait once it answers."""
    switch = LoopbackSwitch(demo_platform.port)
    config = Config(tmp_path / "kiosk")
    with Store(config.db_path) as store:
        enrol(config.data_dir, store, switch.url, demo_platform.code())
    k = build_kiosk(qtbot, config, switch)
    try:
        k.sync.start(run_now=False)
        switch.set_online(False)
        k.sync.sync_now()
        qtbot.waitUntil(lambda: k.sync.status.get("online") is False and not k.sync.running,
                        timeout=15_000)
        assert (k.sync.status.get("next_try_in_s") or 0) >= 0
        switch.set_online(True)  # the cable is back; nobody pressed anything
        k.sync._tick()  # what the QTimer does
        qtbot.waitUntil(lambda: k.sync.status.get("online") is True, timeout=15_000)
    finally:
        k.shutdown()
        switch.close()
