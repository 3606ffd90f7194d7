"""Issue #13 item 8, the PINs attacked: a settings file without its hash, a deleted lock-out
file, the clock moved or a reboot in the middle of a lock, an old 4-digit PIN, a tampered hash."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import time
from contextlib import redirect_stderr

import pytest
from PySide6.QtWidgets import QDialog

from kiosk.cli import main
from kiosk.config import Config
from kiosk.operations import pins
from kiosk.ui.pin import DEFAULT_ADMIN_PIN, PinDialog, PinGuard, check_pin, guard_for, set_pin
from tests.ui.helpers import FakeTime, enter


def old_hash(pin: str) -> str:
    """A hash as kiosk 0.x wrote it (scrypt N=2**14)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${2**14}$8$1${salt.hex()}${digest.hex()}"


def drop_from_settings(config: Config, key: str) -> Config:
    data = json.loads(config.settings_path.read_text(encoding="utf-8"))
    data.pop(key)
    config.settings_path.write_text(json.dumps(data), encoding="utf-8")
    return Config.load(config.data_dir)


@pytest.fixture(autouse=True)
def fresh_guards():
    pins._guards.clear()
    yield
    pins._guards.clear()


def cli(config: Config, *args: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stderr(err):
        code = main(["--data-dir", str(config.data_dir), *args], stdin=io.StringIO(stdin),
                    stdout=out)
    return code, out.getvalue(), err.getvalue()


# -- a deleted hash does not restore the default -------------------------------------------------


def test_deleting_the_admin_hash_does_not_bring_the_default_pin_back(qtbot, ui_config):
    set_pin(ui_config, "admin", "579135")
    cfg = drop_from_settings(ui_config, "admin_pin_hash")
    assert not check_pin(cfg, "admin", DEFAULT_ADMIN_PIN)
    d = PinDialog(cfg, "admin")
    qtbot.addWidget(d)
    assert "reset-admin-pin" in d.message.text() and not d.ok_button.isEnabled()
    enter(d, DEFAULT_ADMIN_PIN)
    enter(d, "579135")
    assert d.result() != QDialog.DialogCode.Accepted


def test_deleting_the_whole_settings_file_does_not_either(ui_config):
    set_pin(ui_config, "admin", "579135")
    ui_config.settings_path.unlink()
    assert not check_pin(Config.load(ui_config.data_dir), "admin", DEFAULT_ADMIN_PIN)


def test_an_install_from_before_the_marker_gets_it_at_the_first_right_pin(ui_config):
    ui_config.set("admin_pin_hash", old_hash("579135"))  # set by an older version: no marker
    ui_config.save()
    assert check_pin(ui_config, "admin", "579135")
    cfg = drop_from_settings(ui_config, "admin_pin_hash")
    assert not check_pin(cfg, "admin", DEFAULT_ADMIN_PIN)


def test_reset_admin_pin_from_the_command_line(qtbot, ui_config):
    set_pin(ui_config, "admin", "579135")
    guard = guard_for(ui_config, "admin")
    for _ in range(pins.MAX_TRIES):
        guard.failed()
    cfg = drop_from_settings(ui_config, "admin_pin_hash")
    code, _, err = cli(cfg, "reset-admin-pin", stdin="246813\n246810\n")
    assert code == 2 and "differ" in err
    code, _, err = cli(cfg, "reset-admin-pin", stdin="2468\n2468\n")
    assert code == 2 and "6-8 digits" in err
    assert not pins.pin_is_set(Config.load(cfg.data_dir), "admin")
    code, out, err = cli(cfg, "reset-admin-pin", stdin="246813\n246813\n")
    assert code == 0, err
    assert json.loads(out)["admin_pin_reset"] is True
    reloaded = Config.load(cfg.data_dir)
    d = PinDialog(reloaded, "admin")  # the lock-out went with the reset
    qtbot.addWidget(d)
    enter(d, "246813")
    assert d.result() == QDialog.DialogCode.Accepted


# -- the lock-out: not in a file, not on the wall clock --------------------------------------


def lock(guard: PinGuard) -> None:
    for _ in range(pins.MAX_TRIES):
        guard.failed()


def test_the_lockout_is_not_in_a_file_that_can_be_deleted(qtbot, ui_config):
    set_pin(ui_config, "admin", "579135")
    d = PinDialog(ui_config, "admin")
    qtbot.addWidget(d)
    for _ in range(pins.MAX_TRIES):
        enter(d, "000000")
    assert d.is_locked()
    for f in ui_config.data_dir.glob("*.json"):
        if f.name != "settings.json":
            f.unlink()
    assert not (ui_config.data_dir / "pin_lockout.json").exists()
    pins._guards.clear()  # the app restarted
    again = PinDialog(Config.load(ui_config.data_dir), "admin")
    qtbot.addWidget(again)
    assert again.is_locked() and not again.ok_button.isEnabled()


def test_moving_the_clock_forward_does_not_end_a_lock(tmp_path):
    db, wall, mono = tmp_path / "kiosk.db", FakeTime(), FakeTime()
    guard = PinGuard.load(db, "admin", now=wall, mono=mono)
    lock(guard)
    wall.t += 61  # the clock set forward a minute: same process
    assert guard.remaining_lock() == pytest.approx(60.0)
    wall.t += 3600  # and again, then the app restarted
    mono.t += 5
    after = PinGuard.load(db, "admin", now=wall, mono=mono)
    assert after.remaining_lock() == pytest.approx(60.0)  # never shorter: in full again


def test_moving_the_clock_back_does_not_end_a_lock_either(tmp_path):
    db, wall, mono = tmp_path / "kiosk.db", FakeTime(10_000.0), FakeTime()
    lock(PinGuard.load(db, "admin", now=wall, mono=mono))
    wall.t -= 3600
    mono.t += 10
    assert PinGuard.load(db, "admin", now=wall, mono=mono).remaining_lock() == pytest.approx(60.0)


def test_a_reboot_does_not_end_a_lock(tmp_path):
    """After a reboot the monotonic clock starts again near zero: the lock starts again."""
    db, wall, mono = tmp_path / "kiosk.db", FakeTime(50_000.0), FakeTime(9_000.0)
    lock(PinGuard.load(db, "admin", now=wall, mono=mono))
    wall.t += 30
    booted = FakeTime(12.0)
    assert PinGuard.load(db, "admin", now=wall, mono=booted).remaining_lock() == pytest.approx(60)


def test_a_restart_within_the_same_boot_keeps_counting_down(tmp_path):
    db, wall, mono = tmp_path / "kiosk.db", FakeTime(50_000.0), FakeTime(9_000.0)
    lock(PinGuard.load(db, "admin", now=wall, mono=mono))
    wall.t += 45
    mono.t += 45
    assert PinGuard.load(db, "admin", now=wall, mono=mono).remaining_lock() == pytest.approx(15)


def test_an_expired_lock_does_not_come_back_after_a_reboot(tmp_path):
    db, wall, mono = tmp_path / "kiosk.db", FakeTime(), FakeTime()
    guard = PinGuard.load(db, "admin", now=wall, mono=mono)
    lock(guard)
    mono.t += 61
    assert guard.remaining_lock() == 0
    assert PinGuard.load(db, "admin", now=wall, mono=FakeTime(3.0)).remaining_lock() == 0


def test_locks_in_a_row_grow_longer_until_a_right_pin(tmp_path):
    guard = PinGuard.load(tmp_path / "kiosk.db", "admin", now=FakeTime(), mono=(mono := FakeTime()))
    seen = []
    for _ in range(7):
        lock(guard)
        seen.append(guard.remaining_lock())
        mono.t += guard.remaining_lock() + 1
    assert seen == [60, 120, 240, 480, 900, 900, 900]
    guard.succeeded()
    lock(guard)
    assert guard.remaining_lock() == 60


# -- the hashes ---------------------------------------------------------------------------


def test_new_pins_need_six_digits(ui_config):
    for pin in ("5791", "57913"):
        assert pins.valid_new_pin("admin", pin) == "length"
        with pytest.raises(ValueError):
            set_pin(ui_config, "trainer", pin)
    set_pin(ui_config, "trainer", "579135")


def test_new_hashes_are_stronger(ui_config):
    set_pin(ui_config, "admin", "579135")
    n = int(ui_config.get("admin_pin_hash").split("$")[1])
    assert n >= 2**17


def test_an_old_four_digit_admin_pin_opens_once_and_must_be_replaced(qtbot, ui_config):
    ui_config.set("admin_pin_hash", old_hash("5791"))
    ui_config.save()
    d = PinDialog(ui_config, "admin", guard=PinGuard(now=FakeTime(), mono=FakeTime()))
    qtbot.addWidget(d)
    enter(d, "5791")
    assert d.result() != QDialog.DialogCode.Accepted and "至少要 6 位" in d.message.text()
    stored = Config.load(ui_config.data_dir).get("admin_pin_hash")
    assert not pins.needs_rehash(stored)  # re-hashed with today's parameters already
    enter(d, "802461")
    enter(d, "802461")
    assert d.result() == QDialog.DialogCode.Accepted
    assert check_pin(Config.load(ui_config.data_dir), "admin", "802461")


def test_an_old_four_digit_trainer_pin_keeps_working_and_is_rehashed(qtbot, ui_config):
    ui_config.set("trainer_pin_hash", old_hash("2580"))
    ui_config.save()
    d = PinDialog(ui_config, "trainer", guard=PinGuard(now=FakeTime(), mono=FakeTime()))
    qtbot.addWidget(d)
    enter(d, "2580")
    assert d.result() == QDialog.DialogCode.Accepted
    stored = Config.load(ui_config.data_dir).get("trainer_pin_hash")
    assert not pins.needs_rehash(stored) and pins.verify_hash("2580", stored)


@pytest.mark.parametrize("stored", [
    f"scrypt${2**30}$8$1${'00' * 16}${'00' * 32}",  # asks for 128 GiB
    f"scrypt${2**14}$999$1${'00' * 16}${'00' * 32}",
    "scrypt$3$8$1$00$00",
    "md5$whatever",
    "",
])
def test_a_tampered_hash_is_refused_at_once(stored):
    t = time.monotonic()
    assert pins.verify_hash("579135", stored) is False
    assert time.monotonic() - t < 1.0


def test_enter_confirms_the_pin_and_never_adds_a_digit(qtbot, ui_config):
    """Keys tapped, then Enter on a keyboard: the PIN is checked (the last key tapped used to
    take focus, so Enter "pressed" it again — one digit more, and a wrong try)."""
    from PySide6.QtCore import Qt

    set_pin(ui_config, "admin", "135790")
    d = PinDialog(ui_config, "admin", guard=PinGuard(now=FakeTime(), mono=FakeTime()))
    qtbot.addWidget(d)
    d.show()
    for digit in "135790":
        qtbot.mouseClick(d.digit_buttons[digit], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(d.accepted, timeout=1000):
        qtbot.keyClick(d.focusWidget() or d, Qt.Key.Key_Return)
    assert d.guard.tries_left() == pins.MAX_TRIES


def test_enter_on_an_empty_pad_is_not_a_wrong_try(qtbot, ui_config):
    from PySide6.QtCore import Qt

    set_pin(ui_config, "admin", "135790")
    d = PinDialog(ui_config, "admin", guard=PinGuard(now=FakeTime(), mono=FakeTime()))
    qtbot.addWidget(d)
    d.show()
    qtbot.keyClick(d, Qt.Key.Key_Enter)
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert d.guard.tries_left() == pins.MAX_TRIES and d.result() == 0
    assert d.message.isVisible()
