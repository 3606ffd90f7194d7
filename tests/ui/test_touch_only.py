"""A kiosk without a keyboard (issue #15): everything a volunteer, admin or trainer does is done
by touching widgets (qtbot.mouseClick) — no key event reaches the app at all.

A walk-in checked in by their parent number (check digit included), a parent found by phone
digits and surname, a new admin PIN, a close-out signed with the trainer PIN: each on the
on-screen keypads, the surname picker and the PIN pad.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from kiosk.core.rules import Outcome
from kiosk.ui.pin import PinDialog, check_pin, set_pin
from sync.parent_numbers import display_number


class NoKeys(QObject):
    """Counts every key press that reaches any widget of the app."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[int] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            self.keys.append(event.key())  # type: ignore[attr-defined]
        return False


@pytest.fixture
def touch(qtbot, kiosk):
    """The window on the picker's class, and a guard that fails the test on any key event."""
    guard = NoKeys()
    QApplication.instance().installEventFilter(guard)
    w = kiosk.window
    w.show()
    w.start()
    qtbot.waitUntil(lambda: w.picker.selected() is not None, timeout=5000)
    qtbot.mouseClick(w.picker.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.current() == "scan", timeout=5000)
    yield w
    QApplication.instance().removeEventFilter(guard)
    assert guard.keys == [], "a key event reached the app"


def tap(qtbot, widget: QWidget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def on_next_modal(action: Callable[[QWidget], None]) -> None:
    """Act on the modal dialog the next tap opens (it runs its own event loop)."""
    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, act)
            return
        action(dialog)

    QTimer.singleShot(0, act)


def tap_pin(qtbot, pad: PinDialog, pin: str) -> None:
    for d in pin:
        tap(qtbot, pad.digit_buttons[d])
    tap(qtbot, pad.ok_button)


def test_a_walk_in_checked_in_by_number(qtbot, kiosk, touch, demo):
    w = touch
    tap(qtbot, w.scan.help_button)
    help_ = w.help
    reg = next(r for r in demo[0].registrations if r.session_id == w.session.id)
    number = display_number(reg.parent_id).replace(" ", "").replace("-", "")
    tap(qtbot, help_.walkin_id)  # the keypad types here now
    for digit in number:
        tap(qtbot, help_.keypad.buttons[digit])
    assert help_.walkin_id.text() == number
    tap(qtbot, help_.walkin_button)
    qtbot.waitUntil(help_.confirm_button.isEnabled, timeout=5000)
    with qtbot.waitSignal(kiosk.checkin.result, timeout=5000) as sig:
        tap(qtbot, help_.confirm_button)
    assert sig.args[0].parent_id == reg.parent_id and sig.args[0].outcome is Outcome.ACCEPTED
    qtbot.waitUntil(lambda: help_.card.isVisible(), timeout=5000)
    tap(qtbot, help_.card_done_button)
    tap(qtbot, help_.back_button)
    assert w.current() == "scan"


def test_a_manual_look_up_by_phone_digits_and_surname(qtbot, kiosk, touch, demo):
    w = touch
    tap(qtbot, w.scan.help_button)
    help_ = w.help
    regs = [r for r in demo[0].registrations if r.session_id == w.session.id]
    reg = next(r for r in regs if r.masked_name[0] in "王李张刘陈杨黄赵吴周")
    for digit in reg.phone_last4:
        tap(qtbot, help_.keypad.buttons[digit])
    tap(qtbot, help_.surname_button)
    picker = help_.surname_picker
    assert picker is not None and picker.isVisible()
    with qtbot.waitSignal(kiosk.checkin.found, timeout=5000):
        tap(qtbot, picker.button_for(reg.masked_name[0]))  # picking looks up at once
    assert help_.surname.text() == reg.masked_name[0]
    if help_.chosen is None or help_.chosen.parent_id != reg.parent_id:
        row = next(i for i, r in enumerate(help_.matches) if r.parent_id == reg.parent_id)
        item = help_.matches_list.item(row)
        qtbot.mouseClick(help_.matches_list.viewport(), Qt.MouseButton.LeftButton,
                         pos=help_.matches_list.visualItemRect(item).center())
    assert help_.chosen is not None and help_.chosen.parent_id == reg.parent_id
    with qtbot.waitSignal(kiosk.checkin.result, timeout=5000) as sig:
        tap(qtbot, help_.confirm_button)
    assert sig.args[0].parent_id == reg.parent_id and sig.args[0].method == "manual"


def test_a_new_admin_pin(qtbot, kiosk, touch, ui_config):
    w = touch
    set_pin(ui_config, "admin", "135790")
    on_next_modal(lambda pad: tap_pin(qtbot, pad, "135790"))  # type: ignore[arg-type]
    tap(qtbot, w.scan.admin_button)
    qtbot.waitUntil(lambda: w.current() == "admin", timeout=5000)
    admin = w._extra["admin"]

    def new_pin(pad) -> None:
        tap_pin(qtbot, pad, "246802")
        tap_pin(qtbot, pad, "246802")

    on_next_modal(new_pin)
    tap(qtbot, admin.admin_pin_button)
    assert check_pin(ui_config, "admin", "246802")
    assert "✔" in admin.settings_message.text()


def test_a_close_out_signed_with_the_trainer_pin(qtbot, kiosk, touch, ui_config, ui_store):
    w = touch
    set_pin(ui_config, "trainer", "258036")
    tap(qtbot, w.scan.closeout_button)
    screen = w._extra["closeout"]
    on_next_modal(lambda pad: tap_pin(qtbot, pad, "258036"))  # type: ignore[arg-type]
    tap(qtbot, screen.pin_button)
    assert screen.page() == screen.PAGE_REVIEW
    tap(qtbot, screen.sign_button)
    confirm = screen.findChild(QPushButton, "confirm")
    if confirm is not None and confirm.isVisible():  # the confirmation with the counts
        tap(qtbot, confirm)
    assert screen.page() == screen.PAGE_SUMMARY
    assert ui_store.closeout_for(w.session.id) is not None
