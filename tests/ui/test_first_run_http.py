"""The first-run screen says plainly why a plain http:// platform address is refused."""

from __future__ import annotations

from kiosk.config import Config


def test_a_plain_http_address_is_refused_in_plain_words(qtbot, tmp_path, clock):
    from kiosk.app import build

    k = build(Config(tmp_path / "k"), clock=clock, camera=False, sounds=False)
    qtbot.addWidget(k.window)
    try:
        k.window.show()
        k.window.start()
        fr = k.window.first_run
        fr.api.setText("http://credits.invalid")
        fr.code.setText("AAAA-BBBB-CCCC")
        with qtbot.waitSignal(k.sync.enrol_failed, timeout=15_000):
            fr.enrol()
        assert "https://" in fr.status.text() and "明文" in fr.status.text()
        assert fr.enrol_button.isEnabled() and k.window.current() == "first_run"
        assert not (tmp_path / "k" / "device.json").exists()
    finally:
        k.shutdown()
