"""`starkiosk --demo` end to end: in-process API, automatic enrolment, the pass video as camera."""

from __future__ import annotations

import pytest

from kiosk.core.rules import Outcome


@pytest.fixture(autouse=True)
def _no_os_keyring(monkeypatch):
    monkeypatch.setenv("STARKIOSK_NO_KEYRING", "1")


def test_demo_runs_the_whole_loop(qtbot, tmp_path):
    pytest.importorskip("uvicorn")
    from kiosk.app import build
    from kiosk.demo import prepare_gui_demo

    setup = prepare_gui_demo(tmp_path, parents=20)
    k = build(setup.config, source_spec=setup.source_spec, switch=setup.switch, sounds=False,
              sync_interval_s=3600, card_ms=400)
    k.extra_cleanup.append(setup.close)
    qtbot.addWidget(k.window)
    try:
        w = k.window
        w.resize(1280, 800)
        w.show()
        w.start()
        assert w.current() == "picker"  # enrolled and synced before the window opened
        qtbot.waitUntil(lambda: w.picker.selected() is not None, timeout=5000)
        assert w.picker.selected().id == setup.platform.summary["open_session"]
        results = []
        k.checkin.result.connect(results.append)
        w.picker.start()
        qtbot.waitUntil(lambda: len(results) >= 1, timeout=20_000)
        assert results[0].outcome is Outcome.ACCEPTED and results[0].method == "camera"
        assert w.scan.preview.frames > 0
        assert w.scan.network_button.isVisible()
        assert (setup.video.parent / "passes" / "trainer.png").exists()
    finally:
        k.shutdown()
