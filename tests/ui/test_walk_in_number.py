"""The help screen's walk-in by parent number: a typo is refused on the spot, a known parent is
shown (masked name, stage) before anything is recorded, an unknown number needs a confirmation."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kiosk.core.rules import Outcome
from kiosk.core.store import Store
from sync.parent_numbers import display_number
from tests.ui.test_help import open_help, registration


def _strict(store: Store) -> None:
    """The platform no longer takes numbers without their check digit."""
    with store.write():
        store.set_meta("legacy_parent_numbers", "0")


def _type_on_keypad(qtbot, help_, digits: str) -> None:
    keys = {b.text(): b for b in help_.findChildren(QPushButton)}
    qtbot.mouseClick(help_.walkin_id, Qt.MouseButton.LeftButton)  # the keypad types here now
    qtbot.mouseClick(keys["C"], Qt.MouseButton.LeftButton)
    for digit in digits:
        qtbot.mouseClick(keys[digit], Qt.MouseButton.LeftButton)
    assert help_.walkin_id.text() == digits


def _record_count(path) -> int:
    with Store(path) as other:
        return len(other.records())


def test_a_mistyped_number_is_refused_and_a_known_one_confirmed(qtbot, kiosk, demo, ui_config,
                                                                 ui_store):
    _strict(ui_store)
    sid = demo[1]["open_session"]
    help_ = open_help(qtbot, kiosk, sid)
    reg = registration(demo, sid, 5)
    shown = display_number(reg.parent_id)
    typo = shown[:2] + str((int(shown[2]) + 1) % 10) + shown[3:]  # one digit wrong

    _type_on_keypad(qtbot, help_, typo)
    qtbot.mouseClick(help_.walkin_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: help_.message.text() == "编号有误，请核对", timeout=5000)
    assert not help_.confirm_button.isEnabled() and help_.chosen_number is None
    assert help_.walkin_id.text() == typo  # left there to be checked
    assert kiosk.checkin.pending == 0 and _record_count(ui_config.db_path) == 0

    _type_on_keypad(qtbot, help_, shown)
    qtbot.mouseClick(help_.walkin_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: help_.confirm_button.isEnabled(), timeout=5000)
    assert reg.masked_name in help_.confirm_label.text()
    assert f"第{reg.stage}阶段" in help_.confirm_label.text()
    assert _record_count(ui_config.db_path) == 0  # shown, not yet recorded
    with qtbot.waitSignal(kiosk.checkin.result, timeout=5000) as sig:
        qtbot.mouseClick(help_.confirm_button, Qt.MouseButton.LeftButton)
    result = sig.args[0]
    assert result.outcome is Outcome.ACCEPTED and result.parent_id == reg.parent_id
    with Store(ui_config.db_path) as other:
        rec = other.record(result.checkin_id)
    assert rec["method"] == "manual" and rec["parent_id"] == reg.parent_id
    assert help_.walkin_id.text() == ""


def test_an_unknown_number_needs_a_conspicuous_confirmation(qtbot, kiosk, demo, ui_config,
                                                            ui_store):
    _strict(ui_store)
    help_ = open_help(qtbot, kiosk, demo[1]["open_session"])
    number = display_number(3999999999)
    help_.walkin_id.setText(number)
    help_.walk_in()
    qtbot.waitUntil(lambda: help_.confirm_button.isEnabled(), timeout=5000)
    assert help_.confirm_label.text() == f"本终端没有这位家长的资料，确定按编号 {number} 签到？"
    assert help_.confirm_label.property("alert") is True
    help_.cancel_button.click()  # cancelled: nothing recorded
    assert _record_count(ui_config.db_path) == 0 and not help_.confirm_button.isEnabled()

    help_.walk_in()
    qtbot.waitUntil(lambda: help_.confirm_button.isEnabled(), timeout=5000)
    with qtbot.waitSignal(kiosk.checkin.result, timeout=5000) as sig:
        help_.confirm_button.click()
    result = sig.args[0]
    assert result.outcome is Outcome.ACCEPTED_WALK_IN and result.parent_id == 3999999999
    with Store(ui_config.db_path) as other:
        rec = other.record(result.checkin_id)
    assert rec["walk_in"] == 1 and rec["method"] == "manual"


def test_the_refusal_in_english(qapp):
    from PySide6.QtCore import QCoreApplication

    from kiosk.i18n import install_translator

    translator = install_translator(qapp, "en")
    assert translator is not None
    try:
        assert QCoreApplication.translate("HelpScreen", "编号有误，请核对") == \
            "Number is wrong, please check it"
    finally:
        qapp.removeTranslator(translator)
