"""The class picker: each class says whether it is on, to come or over; an ended class is for
close-out only; 返回 goes back to the class the scan screen was on (pytest-qt, the whole app)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from tests.conftest import NOW
from tests.ui.helpers import wedge_type


@pytest.fixture
def picker_window(qtbot, kiosk):
    w = kiosk.window
    w.show()
    w.start()
    qtbot.waitUntil(lambda: len(w.picker.sessions) == 4, timeout=5000)
    return w


def select(picker, session_id: int) -> None:
    for i in range(picker.list.count()):
        if picker.list.item(i).data(Qt.ItemDataRole.UserRole) == session_id:
            picker.list.setCurrentRow(i)
            return
    raise AssertionError(session_id)


def row_text(picker, session_id: int) -> str:
    for i in range(picker.list.count()):
        if picker.list.item(i).data(Qt.ItemDataRole.UserRole) == session_id:
            return picker.list.item(i).text()
    raise AssertionError(session_id)


def by_phase(picker, phase: str):
    return next(s for s in picker.sessions if picker.phases[s.id] == phase)


def test_every_class_is_labelled(picker_window, demo):
    p = picker_window.picker
    assert row_text(p, demo[1]["open_session"]).startswith("● 进行中")
    upcoming = by_phase(p, "upcoming")
    start = upcoming.starts_at.astimezone(p.tz).strftime("%H:%M")
    assert row_text(p, upcoming.id).startswith(f"○ 未开始 · {start} 开始")
    assert row_text(p, by_phase(p, "ended").id).startswith("■ 已结束")
    assert row_text(p, by_phase(p, "cancelled").id).startswith("✖ 已取消")
    assert "培训师" in row_text(p, demo[1]["open_session"])


def test_an_ended_class_is_for_close_out_only(qtbot, picker_window):
    w = picker_window
    p = w.picker
    ended = by_phase(p, "ended")
    select(p, ended.id)
    assert not p.start_button.isEnabled() and p.closeout_button.isEnabled()
    assert "不能再签到" in p.note.text()
    with qtbot.assertNotEmitted(p.chosen):
        p.start()
        p.list.itemDoubleClicked.emit(p.list.currentItem())
    assert w.current() == "picker"

    # The trainer closes it: the picker's 培训师结课 goes straight to that class's close-out.
    p.closeout_button.click()
    assert w.current() == "closeout" and w.session.id == ended.id


def test_a_class_to_come_can_be_picked(picker_window):
    p = picker_window.picker
    select(p, by_phase(p, "upcoming").id)
    assert p.start_button.isEnabled()
    select(p, by_phase(p, "cancelled").id)
    assert not p.start_button.isEnabled() and not p.closeout_button.isEnabled()


def test_back_returns_to_the_class_and_keeps_its_recent_list(qtbot, kiosk, picker_window, demo,
                                                             signing_key):
    w = picker_window
    p = w.picker
    assert not p.back_button.isVisible()  # nowhere to go back to yet
    p.start()
    sid = w.scan.session.id
    text = signing_key.issue(demo[1]["parents"][0], valid_from=NOW - timedelta(days=1))[0]
    with qtbot.waitSignal(kiosk.checkin.result, timeout=5000):
        wedge_type(w.scan, text)
    assert len(w.scan.recent) == 1

    w.scan.class_button.click()  # 换课程
    assert w.current() == "picker"
    qtbot.waitUntil(lambda: p.back_button.isVisible(), timeout=5000)
    assert p.back_button.text() == "返回"
    p.back_button.click()
    assert w.current() == "scan" and w.scan.session.id == sid
    assert len(w.scan.recent) == 1 and "签到成功" in w.scan.recent_list.text()
