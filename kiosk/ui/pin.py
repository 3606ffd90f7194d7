"""PINs on this kiosk: a big numeric pad, salted scrypt hashes in the settings, and a lockout.

Two PINs, both kept in ``settings.json`` as salted hashes (never the digits):

* ``admin`` — opens the admin screen and leaves kiosk mode.  Until one is set, the first-run
  default :data:`DEFAULT_ADMIN_PIN` opens the pad, which then insists on a new PIN at once.
* ``trainer`` — the close-out fallback when a trainer has no pass at hand.  There is no default:
  until an admin sets one, the fallback is unavailable.

After :data:`MAX_TRIES` wrong PINs the pad locks for :data:`LOCKOUT_S` seconds (per purpose).  The
count and the lock are kept in ``pin_lockout.json`` in the data folder, so restarting the app
does not reset them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.ui.staff.common import SCREEN_STYLE, arg, big_button, message_label, show_message

log = logging.getLogger(__name__)

DEFAULT_ADMIN_PIN = "123456"
MIN_LEN, MAX_LEN = 4, 8
MAX_TRIES = 5
LOCKOUT_S = 60.0
PURPOSES = ("admin", "trainer")
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


# -- hashing and checking (no widgets) ---------------------------------------------------------


def hash_pin(pin: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (hex); a fresh 16-byte salt every time."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_hash(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def _key(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"PIN purpose must be one of {PURPOSES}, not {purpose!r}")
    return f"{purpose}_pin_hash"


def pin_is_set(config: Config, purpose: str) -> bool:
    return bool(config.get(_key(purpose)))


def must_change(config: Config, purpose: str) -> bool:
    """The admin PIN is still the first-run default."""
    return purpose == "admin" and not pin_is_set(config, "admin")


def check_pin(config: Config, purpose: str, pin: str) -> bool:
    stored = config.get(_key(purpose))
    if not stored:
        return purpose == "admin" and hmac.compare_digest(pin, DEFAULT_ADMIN_PIN)
    return verify_hash(pin, stored)


def valid_new_pin(purpose: str, pin: str) -> str | None:
    """None when ``pin`` may be used; otherwise the (untranslated) reason word."""
    if not (pin.isascii() and pin.isdigit() and MIN_LEN <= len(pin) <= MAX_LEN):
        return "length"
    if purpose == "admin" and pin == DEFAULT_ADMIN_PIN:
        return "default"
    if len(set(pin)) == 1:
        return "trivial"
    return None


def set_pin(config: Config, purpose: str, pin: str) -> None:
    """Store a new PIN (hashed) and save the settings.  Raises ValueError for a PIN not allowed."""
    problem = valid_new_pin(purpose, pin)
    if problem:
        raise ValueError(f"this {purpose} PIN is not allowed ({problem}): use {MIN_LEN}-{MAX_LEN} digits")
    config.set(_key(purpose), hash_pin(pin))
    config.save()
    log.info("%s PIN changed", purpose)


@dataclass
class PinGuard:
    """Counts wrong PINs; after ``max_tries`` the pad is locked for ``lockout_s`` seconds.

    With a ``path`` the state is saved after every change and survives a restart (wall-clock
    time, so a lock never lasts longer than ``lockout_s`` even if the clock is set back).
    """

    max_tries: int = MAX_TRIES
    lockout_s: float = LOCKOUT_S
    now: Callable[[], float] = time.time
    failures: int = 0
    locked_until: float = field(default=0.0)
    path: Path | None = None
    purpose: str = "admin"

    @classmethod
    def load(cls, path: Path, purpose: str, **kw: Any) -> PinGuard:
        guard = cls(path=path, purpose=purpose, **kw)
        try:
            state = json.loads(path.read_text(encoding="utf-8")).get(purpose, {})
            guard.failures = max(0, int(state.get("failures", 0)))
            guard.locked_until = float(state.get("locked_until", 0.0))
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("PIN lockout state unreadable (%s); starting afresh", exc)
        return guard

    def remaining_lock(self) -> float:
        return min(self.lockout_s, max(0.0, self.locked_until - self.now()))

    def tries_left(self) -> int:
        return max(0, self.max_tries - self.failures)

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= self.max_tries:
            self.locked_until = self.now() + self.lockout_s
            self.failures = 0
        self._save()

    def succeeded(self) -> None:
        self.failures = 0
        self.locked_until = 0.0
        self._save()

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if not isinstance(data, dict):
                    data = {}
            except (FileNotFoundError, ValueError):
                data = {}
            data[self.purpose] = {"failures": self.failures, "locked_until": self.locked_until}
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:  # a read-only folder: the lock still holds for this process
            log.warning("cannot keep the PIN lockout state in %s: %s", self.path, exc)


LOCKOUT_FILE = "pin_lockout.json"
_guards: dict[tuple[str, str], PinGuard] = {}


def guard_for(config: Config, purpose: str) -> PinGuard:
    """One guard per data folder and purpose; its state survives a restart."""
    key = (str(config.data_dir), purpose)
    if key not in _guards:
        _guards[key] = PinGuard.load(Path(config.data_dir) / LOCKOUT_FILE, purpose)
    return _guards[key]


class PinDialog(QDialog):
    """A modal numeric pad.  ``mode`` "check" asks for the PIN (then a new one if the admin PIN is
    still the default); "new" asks for a new PIN twice."""

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
        self.setStyleSheet(SCREEN_STYLE)
        self.setWindowTitle(self.tr("密码"))

        self.prompt = QLabel(self)
        self.prompt.setObjectName("title")
        self.prompt.setWordWrap(True)
        self.display = QLabel(self)
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setStyleSheet("font-size: 44px; min-height: 64px; border: 2px solid #555;")
        self.message = message_label(self)

        grid = QGridLayout()
        self.digit_buttons: dict[str, object] = {}
        for i, d in enumerate("123456789"):
            b = big_button(d, self, name=f"digit_{d}")
            b.setMinimumSize(120, 84)
            b.clicked.connect(lambda _=False, d=d: self.press(d))
            grid.addWidget(b, i // 3, i % 3)
            self.digit_buttons[d] = b
        self.clear_button = big_button(self.tr("清除"), self, name="clear")
        self.clear_button.clicked.connect(self.clear)
        zero = big_button("0", self, name="digit_0")
        zero.setMinimumSize(120, 84)
        zero.clicked.connect(lambda: self.press("0"))
        self.digit_buttons["0"] = zero
        self.back_button = big_button(self.tr("退格"), self, name="back")
        self.back_button.clicked.connect(self.backspace)
        grid.addWidget(self.clear_button, 3, 0)
        grid.addWidget(zero, 3, 1)
        grid.addWidget(self.back_button, 3, 2)

        self.ok_button = big_button(self.tr("确定"), self, name="ok")
        self.ok_button.clicked.connect(self.submit)
        self.cancel_button = big_button(self.tr("取消"), self, name="cancel")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)

        lay = QVBoxLayout(self)
        lay.addWidget(self.prompt)
        lay.addWidget(self.display)
        lay.addWidget(self.message)
        lay.addLayout(grid)
        lay.addLayout(buttons)

        self._lock_timer = QTimer(self)
        self._lock_timer.setInterval(1000)
        self._lock_timer.timeout.connect(self._update_lock)

        self._mode = mode
        self._set_prompt()
        self._update_lock()

    # -- input ------------------------------------------------------------------------------

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
            self.submit()
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
            self.prompt.setText(self.tr("请输入新的管理员密码（4–8 位数字）") if self.purpose == "admin"
                                else self.tr("请输入新的培训师密码（4–8 位数字）"))
        else:
            self.prompt.setText(self.tr("请再输入一次新密码"))

    def _update_lock(self) -> None:
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
        return self.guard.remaining_lock() > 0

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
        if not pin:
            return
        if check_pin(self.config, self.purpose, pin):
            self.guard.succeeded()
            if must_change(self.config, self.purpose):
                self._mode = "new"
                self._set_prompt()
                show_message(self.message, "notice",
                             self.tr("这是出厂默认密码，请现在设置新的管理员密码。"))
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
                }.get(problem, self.tr("密码需要 4–8 位数字。")))
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
        box.setStyleSheet(SCREEN_STYLE)
        box.exec()
        return False
    dialog = PinDialog(config, purpose, mode="check", guard=guard, parent=parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


def ask_new_pin(parent: QWidget | None, config: Config, purpose: str) -> bool:
    """Set a new admin or trainer PIN (entered twice) on the pad; True when saved."""
    dialog = PinDialog(config, purpose, mode="new", parent=parent)
    return dialog.exec() == QDialog.DialogCode.Accepted
