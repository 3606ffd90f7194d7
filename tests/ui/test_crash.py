"""A crash is logged, shows "please call staff" (never a traceback), and comes back to scanning."""

from __future__ import annotations

import logging
import sys
import threading

import pytest

from kiosk.app import install_crash_hook
from tests.ui.helpers import visible_texts


@pytest.fixture
def scanning(qtbot, kiosk, demo):
    w = kiosk.window
    w.show()
    w.start()
    qtbot.waitUntil(lambda: w.picker.selected() is not None, timeout=5000)
    w.picker.start()
    restore = install_crash_hook(w.show_crash)
    yield w
    restore()


def test_crash_in_the_main_thread(qtbot, scanning, caplog):
    hook = sys.excepthook
    with caplog.at_level(logging.CRITICAL):
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError:
            hook(*sys.exc_info())
    qtbot.waitUntil(lambda: scanning.current() == "crash", timeout=2000)
    shown = visible_texts(scanning.crash)
    assert "请联系工作人员" in shown and "please call staff" in shown
    assert "Traceback" not in shown and "boom" not in shown and "RuntimeError" not in shown
    assert "boom in a slot" in caplog.text and "Traceback" in caplog.text
    qtbot.waitUntil(lambda: scanning.current() == "scan", timeout=3000)


def test_crash_in_a_worker_thread(qtbot, scanning, caplog):
    def work() -> None:
        raise ValueError("worker went wrong")

    with caplog.at_level(logging.CRITICAL):
        t = threading.Thread(target=work, name="doomed")
        t.start()
        t.join()
        qtbot.waitUntil(lambda: scanning.current() == "crash", timeout=2000)
    assert "worker went wrong" in caplog.text and "doomed" in caplog.text
    scanning.crash.back_button.click()
    assert scanning.current() == "scan"
