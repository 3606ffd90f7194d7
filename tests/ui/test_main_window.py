"""The main window's flows: first screen, class picker, kiosk mode and its PIN."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kiosk.core.rules import Outcome
from tests.conftest import NOW
from tests.ui.helpers import wedge_type


@pytest.fixture
def pin_answers(monkeypatch):
    """Stand in for the PIN pad (its own tests live in test_admin.py): answers, in order."""
    answers: list[bool] = []
    asked: list[str] = []

    def ask_pin(parent, config, purpose: str) -> bool:
        asked.append(purpose)
        return answers.pop(0) if answers else False

    import kiosk.ui.pin as pin

    monkeypatch.setattr(pin, "ask_pin", ask_pin, raising=False)
    return answers, asked


def test_a_kiosk_with_classes_starts_on_the_picker(qtbot, kiosk, demo):
    w = kiosk.window
    w.show()
    w.start()
    assert w.current() == "picker"
    qtbot.waitUntil(lambda: len(w.picker.sessions) == 4, timeout=5000)
    # Today's classes, the one open now pre-selected; a cancelled one cannot be chosen.
    assert w.picker.selected().id == demo[1]["open_session"]
    texts = [w.picker.list.item(i).text() for i in range(w.picker.list.count())]
    assert any(t.startswith("✖ 已取消") for t in texts) and all("已报名" in t for t in texts)


def test_an_empty_unenrolled_kiosk_starts_on_first_run(qtbot, tmp_path, clock):
    from kiosk.app import build
    from kiosk.config import Config

    k = build(Config(tmp_path / "empty"), clock=clock, camera=False, sounds=False)
    qtbot.addWidget(k.window)
    try:
        k.window.start()
        assert k.window.current() == "first_run"
    finally:
        k.shutdown()


def test_refused_class_refuses_a_walk_in_scan(qtbot, kiosk, demo, signing_key):
    from datetime import timedelta

    w = kiosk.window
    w.show()
    w.start()
    qtbot.waitUntil(lambda: bool(w.picker.sessions), timeout=5000)
    refuse = next(s for s in w.picker.sessions if s.walk_in_policy.value == "refuse"
                  and s.status.value == "scheduled" and s.starts_at <= NOW)
    w.choose_session(refuse)
    text = signing_key.issue(8_777_777, valid_from=NOW - timedelta(days=1))[0]
    with qtbot.waitSignal(kiosk.checkin.result, timeout=5000) as sig:
        wedge_type(w.scan, text)
    assert sig.args[0].outcome in (Outcome.NOT_REGISTERED, Outcome.CLASS_CLOSED)
    # Not a forgery: amber with the reason as the headline, kept until a volunteer touches it.
    card = w.scan.card
    assert card.icon.text() == "!" and card.headline.text() in ("未报名本课", "本课已结束签到")
    assert card.sticky and "志愿者" in card.reason.text()


def test_kiosk_mode_is_full_screen_and_leaving_needs_the_admin_pin(qtbot, kiosk, pin_answers):
    answers, asked = pin_answers
    w = kiosk.window
    w.set_kiosk_mode(True)
    qtbot.waitUntil(w.isFullScreen, timeout=2000)
    assert w.windowFlags() & Qt.WindowType.FramelessWindowHint
    answers.append(False)
    assert not w.close()  # a wrong PIN: the window stays
    assert asked == ["admin"] and w.kiosk_mode
    answers.append(True)
    assert w.request_leave_kiosk_mode()
    assert not w.kiosk_mode
    qtbot.waitUntil(lambda: not w.isFullScreen(), timeout=2000)
    assert not (w.windowFlags() & Qt.WindowType.FramelessWindowHint)


def test_admin_needs_the_pin(qtbot, kiosk, pin_answers, demo):
    answers, asked = pin_answers
    w = kiosk.window
    w.show()
    w.start()
    qtbot.waitUntil(lambda: w.picker.selected() is not None, timeout=5000)
    w.picker.start()
    answers.append(False)
    w.scan.admin_button.click()
    assert asked == ["admin"] and w.current() == "scan"


def test_closeout_and_admin_screens_are_wired(qtbot, kiosk, pin_answers, demo):
    answers, _ = pin_answers
    w = kiosk.window
    w.show()
    w.start()
    qtbot.waitUntil(lambda: w.picker.selected() is not None, timeout=5000)
    w.picker.start()
    w.scan.closeout_button.click()
    assert w.current() == "closeout"
    w._extra["closeout"].cancelled.emit()
    assert w.current() == "scan"
    answers.append(True)
    w.scan.admin_button.click()
    assert w.current() == "admin"
    w._extra["admin"].closed.emit()
    assert w.current() == "scan"


def test_every_screen_fits_a_1366x768_kiosk(qtbot, kiosk, demo, signing_key):
    from datetime import timedelta

    w = kiosk.window
    w.show()
    w.start()
    qtbot.waitUntil(lambda: w.picker.selected() is not None, timeout=5000)
    w.picker.start()
    text = signing_key.issue(demo[1]["parents"][0], valid_from=NOW - timedelta(days=1))[0]
    with qtbot.waitSignal(kiosk.checkin.result, timeout=5000):
        wedge_type(w.scan, text)
    hint = w.minimumSizeHint()  # the largest of all screens (a stacked widget)
    assert hint.width() <= 1366 and hint.height() <= 768, hint


def test_camera_codes_reach_the_close_out_screen(qtbot, kiosk, demo, signing_key, monkeypatch):
    """A trainer may hold their pass to the camera: it goes to close-out, not to check-in."""
    w = kiosk.window
    w.show()
    w.start()
    qtbot.waitUntil(lambda: w.picker.selected() is not None, timeout=5000)
    w.picker.start()
    w.scan.closeout_button.click()
    screen = w._extra["closeout"]
    got: list[str] = []
    monkeypatch.setattr(screen, "accept_code", got.append)
    checked: list[str] = []
    monkeypatch.setattr(w.scan, "submit", lambda text, method: checked.append(text))
    w._camera_code("TRAINER-PASS-TEXT", "camera")
    assert got == ["TRAINER-PASS-TEXT"] and checked == []
    screen.cancelled.emit()
    w._camera_code("PARENT-PASS-TEXT", "camera")
    assert checked == ["PARENT-PASS-TEXT"]
