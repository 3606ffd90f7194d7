"""Volunteer help: manual look-up by phone digits and walk-ins, through the real service and store."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kiosk.core.rules import Outcome
from kiosk.core.store import Store
from sync.parent_numbers import display_number
from tests.ui.helpers import visible_texts


def open_help(qtbot, kiosk, session_id: int):
    w = kiosk.window
    w.show()
    w.start()
    qtbot.waitUntil(lambda: bool(w.picker.sessions), timeout=5000)
    session = next(s for s in w.picker.sessions if s.id == session_id)
    w.choose_session(session)
    w.show_help()
    assert w.current() == "help"
    return w.help


def registration(demo, session_id: int, index: int = 0):
    return [r for r in demo[0].registrations if r.session_id == session_id][index]


def test_manual_lookup_by_phone_digits(qtbot, kiosk, demo, ui_config):
    sid = demo[1]["open_session"]
    help_ = open_help(qtbot, kiosk, sid)
    reg = registration(demo, sid, 3)
    keys = {b.text(): b for b in help_.findChildren(QPushButton)}
    for digit in reg.phone_last4:  # the on-screen keypad
        qtbot.mouseClick(keys[digit], Qt.MouseButton.LeftButton)
    assert help_.phone.text() == reg.phone_last4
    help_.surname.setText(reg.masked_name[0])
    with qtbot.waitSignal(kiosk.checkin.found, timeout=5000):
        help_.find_button.click()
    assert reg.parent_id in [r.parent_id for r in help_.matches]
    if len(help_.matches) > 1:
        row = next(i for i, r in enumerate(help_.matches) if r.parent_id == reg.parent_id)
        help_._picked(help_.matches_list.item(row))
    assert help_.confirm_button.isEnabled() and reg.masked_name in help_.confirm_label.text()
    with qtbot.waitSignal(kiosk.checkin.result, timeout=5000) as sig:
        help_.confirm_button.click()
    result = sig.args[0]
    assert result.outcome is Outcome.ACCEPTED and result.method == "manual"
    assert help_.card.headline.text() == "签到成功" and help_.card.name.text() == reg.masked_name
    with Store(ui_config.db_path) as other:
        rec = other.record(result.checkin_id)
    assert rec["method"] == "manual" and rec["parent_id"] == reg.parent_id
    # Only masked names and the four digits typed: never a full phone number.
    assert reg.masked_name in visible_texts(help_)


def test_no_match_says_what_to_do(qtbot, kiosk, demo):
    sid = demo[1]["open_session"]
    help_ = open_help(qtbot, kiosk, sid)
    used = {r.phone_last4 for r in demo[0].registrations if r.session_id == sid}
    digits = next(f"{n:04d}" for n in range(10000) if f"{n:04d}" not in used)
    help_.phone.setText(digits)
    with qtbot.waitSignal(kiosk.checkin.found, timeout=5000):
        help_.find()
    assert help_.matches == [] and "没有找到" in help_.message.text()
    assert not help_.confirm_button.isEnabled()


def test_walk_in_by_parent_id_when_the_class_accepts_walk_ins(qtbot, kiosk, demo, ui_config):
    sid = demo[1]["open_session"]  # accept_flag
    help_ = open_help(qtbot, kiosk, sid)
    assert help_.walkin_button.isEnabled() and "接受临时参加" in help_.walkin_policy.text()
    help_.walkin_id.setText(display_number(8888888))  # the number on the card
    help_.walkin_button.click()
    # Not on this kiosk: a confirmation first (tests/ui/test_walk_in_number.py), then recorded.
    qtbot.waitUntil(help_.confirm_button.isEnabled, timeout=5000)
    assert "本终端没有这位家长的资料" in help_.confirm_label.text()
    with qtbot.waitSignal(kiosk.checkin.result, timeout=5000) as sig:
        help_.confirm_button.click()
    result = sig.args[0]
    assert result.outcome is Outcome.ACCEPTED_WALK_IN and result.walk_in
    assert help_.card.icon.text() == "!"
    with Store(ui_config.db_path) as other:
        rec = other.record(result.checkin_id)
    assert rec["walk_in"] == 1 and rec["method"] == "manual"


def test_walk_in_refused_when_the_class_takes_none(qtbot, kiosk, demo, clock):
    refuse = next(s for s in demo[0].sessions if s.walk_in_policy == "refuse")
    help_ = open_help(qtbot, kiosk, refuse.id)
    assert not help_.walkin_button.isEnabled() and "不接受临时参加" in help_.walkin_policy.text()
    help_.walkin_id.setText(display_number(8888888))
    help_.walk_in()
    assert kiosk.checkin.pending == 0


def test_back_returns_to_the_scan_screen(qtbot, kiosk, demo):
    help_ = open_help(qtbot, kiosk, demo[1]["open_session"])
    help_.phone.setText("1234")
    help_.back_button.click()
    assert kiosk.window.current() == "scan" and help_.phone.text() == ""
