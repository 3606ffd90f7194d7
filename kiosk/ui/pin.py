"""The PIN pad: a big numeric pad for the admin and trainer PINs, on top of
:mod:`kiosk.operations.pins` (the hashes, the "a PIN was set" marker and the lock-out, all
without Qt).

* ``admin`` — opens the admin screen and leaves kiosk mode.  Until one is set, the first-run
  default :data:`DEFAULT_ADMIN_PIN` opens the pad, which then insists on a new PIN at once (so
  does a 4–5 digit admin PIN from an older version).  If settings.json lost the hash of a PIN
  that was set, the pad refuses every PIN and says to run ``starkiosk reset-admin-pin``.
* ``trainer`` — the close-out fallback when a trainer has no pass at hand.  There is no default:
  until an admin sets one, the fallback is unavailable.

After :data:`MAX_TRIES` wrong PINs the pad locks for :data:`LOCKOUT_S` seconds, longer each time
in a row (per purpose); the state is kept in the database, so neither a restart, a deleted file
nor a clock set forward ends a lock early.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.operations.pins import (
    DEFAULT_ADMIN_PIN,
    LOCKOUT_S,
    MAX_LEN,
    MAX_TRIES,
    MIN_LEN,
    PURPOSES,
    PinGuard,
    _guards,
    _key,
    admin_pin_lost,
    check_pin,
    guard_for,
    hash_pin,
    must_change,
    pin_is_set,
    set_pin,
    valid_new_pin,
    verify_hash,
)
from kiosk.ui import theme
from kiosk.ui.keypads import BACK, CLEAR, DigitPad, touch_key
from kiosk.ui.staff.common import arg, message_label, screen_style, show_message

__all__ = [
    "DEFAULT_ADMIN_PIN", "LOCKOUT_S", "MAX_LEN", "MAX_TRIES", "MIN_LEN", "PURPOSES", "PinDialog",
    "PinGuard", "_guards", "admin_pin_lost", "ask_new_pin", "ask_pin", "check_pin", "guard_for",
    "hash_pin", "must_change", "pin_is_set", "set_pin", "valid_new_pin", "verify_hash",
]

log = logging.getLogger(__name__)


class PinDialog(QDialog):
    """A modal numeric pad.  ``mode`` "check" asks for the PIN (then a new one if the admin PIN is
    still the default, or too short); "new" asks for a new PIN twice."""

    def __init__(self, config: Config, purpose: str, *, mode: str = "check",
                 guard: PinGuard | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _key(purpose)
        self.config = config
        self.purpose = purpose
        self.guard = guard or guard_for(config, purpose)
        self._digits = ""
        self._first_new: str | None = None
        self.setModal(True)
        self.setStyleSheet(screen_style())
        self.setWindowTitle(self.tr("密码"))

        self.prompt = QLabel(self)
        self.prompt.setObjectName("title")
        self.prompt.setWordWrap(True)
        self.display = QLabel(self)
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setStyleSheet(f"font-size: {theme.px(40)}px; min-height: {theme.TOUCH_PX}px; "
                                   "border: 2px solid #555;")
        self.message = message_label(self)

        # Equal cells (kiosk.ui.keypads): 1–9, then 清除 0 退格; no key overlaps another and no
        # key takes focus, so Enter on a keyboard confirms instead of "pressing" the last key.
        self.pad = DigitPad(((CLEAR, self.tr("清除")), ("0", "0"), (BACK, self.tr("退格"))), self)
        self.pad.key.connect(self._pad_key)
        self.digit_buttons: dict[str, QPushButton] = {
            d: self.pad.buttons[d] for d in "0123456789"}
        self.clear_button = self.pad.buttons[CLEAR]
        self.clear_button.setObjectName("clear")
        self.back_button = self.pad.buttons[BACK]
        self.back_button.setObjectName("back")

        self.ok_button = touch_key(self.tr("确认"), self, name="ok")
        self.ok_button.setProperty("primary", True)
        self.ok_button.setStyleSheet("font-weight: bold;")
        self.ok_button.clicked.connect(self.submit)
        self.cancel_button = touch_key(self.tr("取消"), self, name="cancel")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)

        lay = QVBoxLayout(self)
        lay.addWidget(self.prompt)
        lay.addWidget(self.display)
        lay.addWidget(self.message)
        lay.addWidget(self.pad, 1)
        lay.addLayout(buttons)
        # A fixed width: the prompt wraps the same way every time, and the pad grows to fit it
        # (a longer new-PIN prompt used to squeeze the keys over each other).
        self.setFixedWidth(theme.px(480))

        self._lock_timer = QTimer(self)
        self._lock_timer.setInterval(1000)
        self._lock_timer.timeout.connect(self._update_lock)

        self._mode = mode
        self._lost = mode == "check" and purpose == "admin" and admin_pin_lost(config)
        self._set_prompt()
        self._update_lock()

    # -- input ------------------------------------------------------------------------------

    def _pad_key(self, key: str) -> None:
        if key == CLEAR:
            self.clear()
        elif key == BACK:
            self.backspace()
        else:
            self.press(key)

    def press(self, digit: str) -> None:
        if len(self._digits) < MAX_LEN and self.guard.remaining_lock() == 0:
            self._digits += digit
            self._show_digits()

    def backspace(self) -> None:
        self._digits = self._digits[:-1]
        self._show_digits()

    def clear(self) -> None:
        self._digits = ""
        self._show_digits()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        text = event.text()
        if text and text.isdigit() and text.isascii():
            self.press(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self.backspace()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()  # confirms; never a digit, never a default button's click
            event.accept()
        else:
            super().keyPressEvent(event)

    def _show_digits(self) -> None:
        self.display.setText("●" * len(self._digits))

    # -- states -----------------------------------------------------------------------------

    def _set_prompt(self) -> None:
        if self._mode == "check":
            self.prompt.setText(self.tr("请输入管理员密码") if self.purpose == "admin"
                                else self.tr("请输入培训师密码"))
        elif self._first_new is None:
            self.prompt.setText(self.tr("请输入新的管理员密码（6–8 位数字）") if self.purpose == "admin"
                                else self.tr("请输入新的培训师密码（6–8 位数字）"))
        else:
            self.prompt.setText(self.tr("请再输入一次新密码"))
        self.prompt.ensurePolished()
        margins = self.layout().contentsMargins() if self.layout() else None
        inner = self.width() - (margins.left() + margins.right() if margins else 0)
        self.prompt.setMinimumHeight(self.prompt.heightForWidth(inner))

    def _update_lock(self) -> None:
        if self._lost:  # no PIN can open this pad: say who can help, offer nothing to press
            for b in self.digit_buttons.values():
                b.setEnabled(False)  # type: ignore[attr-defined]
            self.ok_button.setEnabled(False)
            show_message(self.message, "error", self.tr(
                "本机的管理员密码设置已丢失，任何密码都不能打开。请管理员在这台电脑上运行 "
                "starkiosk reset-admin-pin 重新设置密码。"))
            return
        left = self.guard.remaining_lock()
        locked = left > 0
        for b in self.digit_buttons.values():
            b.setEnabled(not locked)  # type: ignore[attr-defined]
        self.ok_button.setEnabled(not locked)
        if locked:
            self._digits = ""
            self._show_digits()
            show_message(self.message, "error",
                         arg(self.tr("密码错误次数太多，请 %1 秒后再试。"), int(left + 0.999)))
            if not self._lock_timer.isActive():
                self._lock_timer.start()
        elif self._lock_timer.isActive():
            self._lock_timer.stop()
            self.message.hide()

    def is_locked(self) -> bool:
        return self._lost or self.guard.remaining_lock() > 0

    def submit(self) -> None:
        pin, self._digits = self._digits, ""
        self._show_digits()
        if self._mode == "check":
            self._submit_check(pin)
        else:
            self._submit_new(pin)

    def _submit_check(self, pin: str) -> None:
        if self.is_locked():
            self._update_lock()
            return
        if not pin:  # Enter or 确认 on an empty pad: a hint, not a wrong try
            show_message(self.message, "notice", self.tr("请先用数字键输入密码，再按“确认”。"))
            return
        if check_pin(self.config, self.purpose, pin):
            self.guard.succeeded()
            if must_change(self.config, self.purpose, pin):
                default = not pin_is_set(self.config, self.purpose)
                self._mode = "new"
                self._set_prompt()
                show_message(self.message, "notice",
                             self.tr("这是出厂默认密码，请现在设置新的管理员密码。") if default else
                             self.tr("管理员密码现在至少要 6 位数字，请现在设置新的管理员密码。"))
                return
            log.info("%s PIN accepted", self.purpose)
            self.accept()
            return
        self.guard.failed()
        log.warning("wrong %s PIN entered", self.purpose)
        if self.is_locked():
            self._update_lock()
        else:
            show_message(self.message, "error",
                         arg(self.tr("密码不对，还可以再试 %1 次。"), self.guard.tries_left()))

    def _submit_new(self, pin: str) -> None:
        if self._first_new is None:
            problem = valid_new_pin(self.purpose, pin)
            if problem:
                show_message(self.message, "error", {
                    "default": self.tr("不能使用出厂默认密码，请换一个。"),
                    "trivial": self.tr("密码太简单（数字全部相同），请换一个。"),
                }.get(problem, self.tr("密码需要 6–8 位数字。")))
                return
            self._first_new = pin
            self.message.hide()
            self._set_prompt()
            return
        if pin != self._first_new:
            self._first_new = None
            self._set_prompt()
            show_message(self.message, "error", self.tr("两次输入的密码不一样，请重新设置。"))
            return
        set_pin(self.config, self.purpose, pin)
        self.accept()


def ask_pin(parent: QWidget | None, config: Config, purpose: str, *,
            guard: PinGuard | None = None) -> bool:
    """Ask for the admin or trainer PIN on a modal pad; True when the right PIN was entered.

    The admin pad accepts the first-run default only to have it replaced at once.  The trainer
    pad says so and returns False when no trainer PIN was set on this kiosk.
    """
    if purpose == "trainer" and not pin_is_set(config, "trainer"):
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Information,
                          QCoreApplication.translate("PinDialog", "没有培训师密码"),
                          QCoreApplication.translate(
                              "PinDialog", "本机还没有设置培训师密码。请扫描培训师码，或请站点管理员在管理页设置密码。"),
                          QMessageBox.StandardButton.Ok, parent)
        box.setStyleSheet(screen_style())
        box.exec()
        return False
    dialog = PinDialog(config, purpose, mode="check", guard=guard, parent=parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


def ask_new_pin(parent: QWidget | None, config: Config, purpose: str) -> bool:
    """Set a new admin or trainer PIN (entered twice) on the pad; True when saved."""
    dialog = PinDialog(config, purpose, mode="new", parent=parent)
    return dialog.exec() == QDialog.DialogCode.Accepted
