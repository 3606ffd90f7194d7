"""The admin screen's USB page, the whole way round with a real platform: records and a close-out
out to the stick, the platform's import, its receipt back in from the stick — plain words, the
stick's name and the file's name on screen, and the kiosk left with nothing to send."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr

import pytest

from credit_api import cli as platform_cli
from kiosk.config import Config
from kiosk.core.closeout import close_out
from kiosk.core.desk import CheckinDesk
from kiosk.core.store import Store
from kiosk.operations.drives import ENV_DIRS, Drive
from kiosk.ui.screens.admin import AdminScreen
from kiosk.ui.staff.usb_panel import UsbPanel
from sync.enrolment import enrol


@pytest.fixture
def platform(own_platform):
    return own_platform(parents=5)


def _import_upload(platform, upload, receipt, monkeypatch) -> int:
    monkeypatch.setenv("STARKIOSK_CREDIT_DATA_DIR", str(platform.files.directory.parent))
    with redirect_stderr(io.StringIO()):
        return platform_cli.main(["import-upload", str(upload), "--receipt", str(receipt),
                                  "--db", platform.engine.url.render_as_string(hide_password=False)], out=io.StringIO())


def test_no_stick_says_so(qtbot, tmp_path, monkeypatch, ui_store, ui_config):
    monkeypatch.setenv(ENV_DIRS, "")
    monkeypatch.setenv("USER", "nobody-here")
    panel = UsbPanel(ui_store, ui_config)
    qtbot.addWidget(panel)
    assert panel.export() is None and panel.import_() is None
    assert "没有找到U盘" in panel.message.text()


def test_two_sticks_ask_which_one(qtbot, tmp_path, monkeypatch, ui_store, ui_config):
    a, b = tmp_path / "KINGSTON", tmp_path / "SANDISK"
    a.mkdir(), b.mkdir()
    monkeypatch.setenv(ENV_DIRS, f"{a}:{b}")
    asked: list[list[str]] = []

    def choose(drives: list[Drive]) -> Drive | None:
        asked.append([d.label for d in drives])
        return None  # the admin cancels

    panel = UsbPanel(ui_store, ui_config, choose=choose)
    qtbot.addWidget(panel)
    assert panel.export() is None
    assert asked == [["KINGSTON", "SANDISK"]] and "已取消" in panel.message.text()
    assert list(a.iterdir()) == [] and list(b.iterdir()) == []


def test_out_to_the_stick_and_the_receipt_back_in(qtbot, tmp_path, monkeypatch, platform):
    stick = tmp_path / "KINGSTON"
    stick.mkdir()
    monkeypatch.setenv(ENV_DIRS, str(stick))
    config = Config(tmp_path / "kiosk")
    store = Store(config.db_path)
    try:
        enrol(config.data_dir, store, platform.url, platform.code())
        sid = platform.summary["open_session"]
        desk = CheckinDesk(store)
        for parent in platform.summary["parents"][:3]:
            assert desk.scan(platform.issue(parent), sid).outcome.value.startswith("accepted")
        close_out(store, sid, platform.trainer_pass())
        screen = AdminScreen(store, config, sync_now=lambda: None,
                             sync_status=lambda: {"enrolled": True})
        qtbot.addWidget(screen)
        screen.usb.export_button.click()
        upload = screen.usb.last_export
        assert upload is not None and upload.parent == stick
        said = screen.usb.message.text()
        assert "3 条待上报记录和 1 次结课" in said and "“KINGSTON”" in said and upload.name in said
        assert str(tmp_path) not in said  # the stick's name, not a raw path

        receipt = stick / "starkiosk-receipt.json"
        assert _import_upload(platform, upload, receipt, monkeypatch) == 0
        assert json.loads(receipt.read_text(encoding="utf-8"))["kind"] == "upload-receipt"
        with qtbot.waitSignal(screen.usb.changed, timeout=2000):
            screen.usb.import_button.click()
        said = screen.usb.message.text()
        assert "确认 3 条记录、1 次结课" in said, said
        assert store.record_counts()["pending"] == 0
        assert store.closeout_counts() == {"pending": 0, "acknowledged": 1, "parked": 0}
        assert "待上报 0" in screen.status_label.text()  # the screen refreshed itself
        screen.usb.import_button.click()  # the same stick again: nothing changes
        assert "以前已导入过" in screen.usb.message.text()
    finally:
        store.close()
