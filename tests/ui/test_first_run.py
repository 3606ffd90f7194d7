"""First run without a server: the enrolment QR format, a scanner typing into a focused field,
and an unreachable address reported in plain words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kiosk.config import Config
from kiosk.ui.screens.first_run import parse_enrol_qr


@pytest.mark.parametrize("text, expected", [
    ("starkiosk:enrol?api=https://c.example.cn&code=ABCD-EFGH-JKLM",
     ("https://c.example.cn", "ABCD-EFGH-JKLM")),
    ('{"api": "http://127.0.0.1:8080", "code": "X"}', ("http://127.0.0.1:8080", "X")),
    ("starkiosk:enrol?api=https://c.example.cn", None),
    ("HC1:NOTANENROLMENTCODE", None),
    ("{not json", None),
])
def test_enrolment_qr_format(text, expected):
    assert parse_enrol_qr(text) == expected


def test_scanner_typing_into_a_focused_field(qtbot, tmp_path, clock):
    from kiosk.app import build

    k = build(Config(tmp_path / "k"), clock=clock, camera=False, sounds=False)
    qtbot.addWidget(k.window)
    try:
        w = k.window
        w.show()
        w.start()
        fr = w.first_run
        fr.api.setFocus()
        qtbot.keyClicks(fr.api, "starkiosk:enrol?api=http://127.0.0.1:9&code=AAAA-BBBB-CCCC")
        with qtbot.waitSignal(k.sync.enrol_failed, timeout=15_000):
            qtbot.keyClick(fr.api, Qt.Key.Key_Return)
        assert fr.api.text() == "http://127.0.0.1:9" and fr.code.text() == "AAAA-BBBB-CCCC"
        assert "无法连接平台" in fr.status.text() and fr.enrol_button.isEnabled()
        assert w.current() == "first_run"
        fr.api.setText("ftp://nope")
        with qtbot.waitSignal(k.sync.enrol_failed, timeout=5000):
            fr.enrol()
        assert "https://" in fr.status.text()
    finally:
        k.shutdown()


def test_try_the_demo_button(qtbot, tmp_path, clock):
    """Offered only where the demo can run (start_demo given); a click starts it."""
    from kiosk.app import build

    started: list[bool] = []
    k = build(Config(tmp_path / "k"), clock=clock, camera=False, sounds=False,
              start_demo=lambda: started.append(True))
    qtbot.addWidget(k.window)
    try:
        k.window.show()
        k.window.start()
        button = k.window.first_run.demo_button
        assert button.isVisible()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert started == [True]
    finally:
        k.shutdown()
    bundle = build(Config(tmp_path / "b"), clock=clock, camera=False, sounds=False)
    qtbot.addWidget(bundle.window)
    try:
        bundle.window.show()
        bundle.window.start()
        assert not bundle.window.first_run.demo_button.isVisible()  # the bundle has no server
    finally:
        bundle.shutdown()


@pytest.mark.parametrize("started", [True, False])
def test_restart_as_demo_starts_the_demo_then_quits(monkeypatch, tmp_path, started):
    import sys

    from PySide6.QtCore import QProcess
    from PySide6.QtWidgets import QApplication

    from kiosk import app as kiosk_app

    calls: list[tuple[str, list[str]]] = []
    quits: list[bool] = []
    def start_detached(exe: str, args: list[str]) -> tuple[bool, int]:
        calls.append((exe, list(args)))
        return started, 4242  # (started, pid), as Qt answers

    monkeypatch.setattr(QProcess, "startDetached", staticmethod(start_detached))
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: quits.append(True)))
    config = Config(tmp_path / "k")
    kiosk_app._restart_as_demo(config)
    assert calls == [(sys.executable, ["-m", "kiosk", "--data-dir", str(config.data_dir), "--demo"])]
    assert quits == ([True] if started else [])  # a demo that cannot start leaves this window open
