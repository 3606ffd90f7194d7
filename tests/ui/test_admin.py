"""The PIN pad and the admin screen (settings, diagnostics) with the real store on real files."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from kiosk.config import Config
from kiosk.core.closeout import close_out_with_pin
from kiosk.core.desk import CheckinDesk
from kiosk.ui.pin import (
    DEFAULT_ADMIN_PIN,
    LOCKOUT_S,
    MAX_TRIES,
    PinDialog,
    PinGuard,
    ask_pin,
    check_pin,
    pin_is_set,
    set_pin,
)
from kiosk.ui.screens.admin import AdminScreen
from tests.conftest import NOW
from tests.ui.helpers import FakeTime, enter


def answer_next_modal(action) -> None:
    def act() -> None:
        w = QApplication.activeModalWidget()
        if w is None:
            QTimer.singleShot(10, act)
            return
        action(w)

    QTimer.singleShot(0, act)


def test_first_run_default_admin_pin_must_be_changed(qtbot, ui_config):
    d = PinDialog(ui_config, "admin", guard=PinGuard(now=FakeTime(), mono=FakeTime()))
    qtbot.addWidget(d)
    enter(d, DEFAULT_ADMIN_PIN)
    assert d.result() != QDialog.DialogCode.Accepted  # not yet: a new PIN is required first
    assert "出厂默认密码" in d.message.text()
    enter(d, DEFAULT_ADMIN_PIN)  # the default cannot be the new PIN
    assert "不能使用出厂默认密码" in d.message.text()
    enter(d, "5791")  # four digits are no longer enough
    assert "6–8 位数字" in d.message.text()
    enter(d, "579135")
    enter(d, "579153")  # the repeat does not match: start again
    assert "两次输入的密码不一样" in d.message.text()
    enter(d, "579135")
    enter(d, "579135")
    assert d.result() == QDialog.DialogCode.Accepted
    saved = (ui_config.data_dir / "settings.json").read_text(encoding="utf-8")
    assert "579135" not in saved and "scrypt$" in saved  # hashed with a salt, never the digits
    reloaded = Config.load(ui_config.data_dir)
    assert check_pin(reloaded, "admin", "579135")
    assert not check_pin(reloaded, "admin", DEFAULT_ADMIN_PIN)


def test_wrong_admin_pins_are_refused_then_locked_out(qtbot, ui_config):
    set_pin(ui_config, "admin", "579135")
    clock = FakeTime()
    d = PinDialog(ui_config, "admin", guard=PinGuard(now=clock, mono=clock))
    qtbot.addWidget(d)
    for _ in range(MAX_TRIES - 1):
        enter(d, "000000")
        assert d.result() != QDialog.DialogCode.Accepted
    assert "还可以再试 1 次" in d.message.text()
    enter(d, "111111")
    assert d.is_locked()
    assert "60 秒" in d.message.text() and "✘" in d.message.text()
    assert not d.digit_buttons["5"].isEnabled() and not d.ok_button.isEnabled()
    enter(d, "579135")  # the right PIN during the lockout does nothing
    assert d.result() != QDialog.DialogCode.Accepted
    clock.t += LOCKOUT_S + 1
    d._update_lock()  # what the one-second timer does
    assert d.ok_button.isEnabled()
    enter(d, "579135")
    assert d.result() == QDialog.DialogCode.Accepted


def test_ask_pin_is_modal_and_answers(qtbot, ui_config):
    set_pin(ui_config, "admin", "579135")
    guard = PinGuard(now=FakeTime(), mono=FakeTime())
    answer_next_modal(lambda d: enter(d, "579135"))
    assert ask_pin(None, ui_config, "admin", guard=guard) is True
    answer_next_modal(lambda d: d.cancel_button.click())
    assert ask_pin(None, ui_config, "admin", guard=guard) is False
    for short in ("12", "2580"):
        with pytest.raises(ValueError):
            set_pin(ui_config, "trainer", short)


def test_lockout_survives_a_restart(tmp_path):
    """Restarting the app must not reset the count of wrong PINs, nor an active lock."""
    db, wall, mono = tmp_path / "kiosk.db", FakeTime(), FakeTime()

    def load(purpose: str = "admin") -> PinGuard:
        return PinGuard.load(db, purpose, now=wall, mono=mono)

    guard = load()
    for _ in range(3):
        guard.failed()
    again = load()  # the app started anew
    assert again.tries_left() == 2
    again.failed()
    again.failed()
    assert again.remaining_lock() == pytest.approx(60.0)
    wall.t += 20
    mono.t += 20
    later = load()
    assert later.remaining_lock() == pytest.approx(40.0)
    assert load("trainer").remaining_lock() == 0  # per purpose
    wall.t += 40
    mono.t += 40
    ok = load()
    assert ok.remaining_lock() == 0
    ok.succeeded()
    assert load().tries_left() == 5


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"failures": "x"}'])
def test_unreadable_lockout_state_starts_afresh(tmp_path, content):
    from kiosk.core.store import Store

    db = tmp_path / "kiosk.db"
    with Store(db) as store, store.write():
        store.set_meta("pin_guard_admin", content)
    guard = PinGuard.load(db, "admin", now=FakeTime(), mono=FakeTime())
    assert guard.tries_left() == 5 and guard.remaining_lock() == 0
    guard.failed()  # and keeps a good state again
    assert PinGuard.load(db, "admin").tries_left() == 4


def test_pin_dialog_uses_the_kept_lock(qtbot, ui_config):
    from kiosk.ui import pin

    set_pin(ui_config, "admin", "579135")
    PinGuard.load(ui_config.db_path, "admin").failed()
    pin._guards.clear()  # as after a restart
    d = PinDialog(ui_config, "admin")
    qtbot.addWidget(d)
    assert d.guard.tries_left() == 4


@pytest.fixture
def admin(qtbot, ui_config, ui_store):
    calls: list[str] = []
    status = {"enrolled": False}
    screen = AdminScreen(ui_store, ui_config, sync_now=lambda: calls.append("sync"),
                         sync_status=lambda: status)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    screen.calls = calls  # type: ignore[attr-defined]
    return screen


def test_diagnostics_show_parked_reasons_log_tail_and_export(qtbot, ui_config, ui_store, demo,
                                                             signing_key, clock, tmp_path):
    sid = demo[1]["open_session"]
    desk = CheckinDesk(ui_store, clock)
    passes = [signing_key.issue(p, valid_from=NOW - timedelta(days=1))[0]
              for p in demo[1]["parents"][:3]]
    for text in passes:
        desk.scan(text, sid, "camera")
    parked_id = ui_store.records(sid)[0]["id"]
    with ui_store.write():
        ui_store.park(parked_id, "registration cancelled on the platform")
    close_out_with_pin(ui_store, sid, clock=clock)
    ui_config.log_dir.mkdir(parents=True, exist_ok=True)
    (ui_config.log_dir / "kiosk.log").write_text(
        "".join(f"2026-11-23 06:00:{i % 60:02d} INFO kiosk line {i}\n" for i in range(300))
        + "".join(f"2026-11-23 06:01:00 INFO a careless line {t}\n" for t in passes),
        encoding="utf-8")

    calls: list[str] = []
    screen = AdminScreen(ui_store, ui_config, sync_now=lambda: calls.append("sync"),
                         sync_status=lambda: {"enrolled": True, "online": False,
                                              "last_success": None, "last_error": "timed out"})
    qtbot.addWidget(screen)
    table = screen.parked_table
    cells = [table.item(r, 3).text() for r in range(table.rowCount())]
    assert "其他原因（registration cancelled on the platform）" in cells
    assert any("等待扫描培训师码" in c for c in cells)
    assert "被拒收 1" in screen.status_label.text() and "timed out" in screen.status_label.text()
    log_text = screen.log_view.toPlainText()
    assert len(log_text.splitlines()) == 200 and "kiosk line 299" in log_text
    assert log_text.count("careless line S…(hidden)") == 3
    for text in passes:  # base45 has a space: no piece of a pass survives either
        assert not any(text[i:i + 10] in log_text for i in range(0, len(text) - 10))

    assert screen.check_database() is True and "数据库检查通过" in screen.diag_message.text()
    screen.sync_button.click()
    assert calls == ["sync"]
    with ui_store.write():
        ui_store.set_meta("usb_device_id", "7")  # as a signed bundle naming this kiosk would
    out = screen.export_usb(tmp_path / "usb")
    envelope = json.loads(out.read_text(encoding="utf-8"))
    assert len(envelope["upload"]["records"]) == ui_store.record_counts()["pending"] == 2
    assert "被拒收的 1 条不导出" in screen.usb.message.text()


def test_settings_are_saved_and_signalled(qtbot, admin, ui_config):
    assert "未注册" in admin.api_label.text()
    admin.volume_slider.setValue(35)
    admin.kiosk_check.setChecked(True)
    admin.retention_spin.setValue(14)
    admin.language_combo.setCurrentIndex(admin.language_combo.findData("en"))
    admin.camera_combo.setCurrentIndex(admin.camera_combo.findData("none"))
    admin.focus_combo.setCurrentIndex(admin.focus_combo.findData("auto"))
    admin.exposure_combo.setCurrentIndex(admin.exposure_combo.findData(-7))
    with qtbot.waitSignal(admin.settings_changed, timeout=1000):
        admin.save_button.click()
    cfg = Config.load(ui_config.data_dir)
    assert (cfg.get("volume"), cfg.get("kiosk_mode"), cfg.get("retention_days"),
            cfg.get("language"), cfg.get("camera")) == (35, True, 14, "en", "none")
    assert (cfg.get("camera_focus"), cfg.get("camera_exposure_compensation")) == ("auto", -7)
    with qtbot.waitSignal(admin.leave_kiosk_mode, timeout=1000):
        admin.leave_button.click()
    with qtbot.waitSignal(admin.closed, timeout=1000):
        admin.close_button.click()


def test_admin_sets_the_trainer_pin(qtbot, admin, ui_config):
    assert not pin_is_set(ui_config, "trainer") and "未设置" in admin.trainer_pin_state.text()

    def twice(d) -> None:
        enter(d, "258036")
        enter(d, "258036")

    answer_next_modal(twice)
    admin.trainer_pin_button.click()
    assert pin_is_set(ui_config, "trainer") and check_pin(ui_config, "trainer", "258036")
    assert "已设置" in admin.trainer_pin_state.text()


def test_admin_times_are_the_venues_not_the_pcs(qtbot, ui_config, ui_store, monkeypatch):
    """A PC left on UTC still shows the venue's (Hangzhou's) wall clock."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        screen = AdminScreen(ui_store, ui_config, sync_now=lambda: None,
                             sync_status=lambda: {"enrolled": False})
        qtbot.addWidget(screen)
        assert screen._when("2026-11-23T06:00:00+00:00") == "11-23 14:00"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_camera_settings_reach_the_scanner(qtbot, tmp_path, clock):
    """Focus and exposure from the config go to the scan service, and a saved change too."""
    from kiosk.app import build

    config = Config(tmp_path / "k")
    config.set("camera_exposure_compensation", -7)
    k = build(config, clock=clock, sounds=False, source_spec="none")
    qtbot.addWidget(k.window)
    try:
        assert k.scanner.camera_settings["camera_exposure_compensation"] == -7
        config.set("camera_focus", "auto")
        k.window.apply_settings()
        assert k.scanner.camera_settings["camera_focus"] == "auto"
    finally:
        k.shutdown()
