"""The scan screen through the real CheckinService and a real SQLite store (pytest-qt)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from kiosk.core.rules import Outcome, Severity
from kiosk.core.store import Store
from tests.conftest import NOW
from tests.ui.helpers import visible_texts, wedge_type


def issue(signing_key, parent_id: int) -> str:
    return signing_key.issue(parent_id, valid_from=NOW - timedelta(days=1))[0]


@pytest.fixture
def on_scan(qtbot, kiosk, demo):
    """The window on the scan screen of the class open now."""
    w = kiosk.window
    w.show()
    w.start()
    qtbot.waitUntil(lambda: w.picker.selected() is not None, timeout=5000)
    assert w.picker.selected().id == demo[1]["open_session"]  # the current class is pre-selected
    w.picker.start()
    assert w.current() == "scan"
    qtbot.waitUntil(lambda: w.scan.counts.get("registered") == 30, timeout=5000)
    return w


def scan_and_wait(qtbot, kiosk, text: str):
    with qtbot.waitSignal(kiosk.checkin.result, timeout=5000) as sig:
        wedge_type(kiosk.window.scan, text)
    return sig.args[0]


def test_accepted_then_duplicate_then_rejected(qtbot, kiosk, on_scan, demo, signing_key, ui_config):
    scan = on_scan.scan
    pid = demo[1]["parents"][0]
    text = issue(signing_key, pid)
    seen: dict[str, object] = {}

    def check_committed(result) -> None:
        # In the main thread, and the record is already on disk (another connection sees it).
        seen["main"] = threading.current_thread() is threading.main_thread()
        with Store(ui_config.db_path) as other:
            seen["on_disk"] = other.record(result.checkin_id) is not None

    kiosk.checkin.result.connect(check_committed)
    result = scan_and_wait(qtbot, kiosk, text)
    assert result.outcome is Outcome.ACCEPTED and result.method == "scanner"
    assert seen == {"main": True, "on_disk": True}
    kiosk.checkin.result.disconnect(check_committed)
    card = scan.card
    assert card.showing and card.headline.text() == "签到成功" and card.icon.text() == "✔"
    assert card.name.text() == result.masked_name and "*" in result.masked_name
    assert "本课 +2 分" in card.credits.text() and f"第{result.stage}阶段" in card.credits.text()
    qtbot.waitUntil(lambda: scan.counts.get("checked_in") == 1, timeout=5000)
    assert "已签到 1 / 报名 30 / 容量 60" in scan.counts_label.text()

    again = scan_and_wait(qtbot, kiosk, text)
    assert again.outcome is Outcome.ALREADY_CHECKED_IN
    # The earlier time, in the venue's time zone, is the headline.
    assert card.headline.text() == "已于 14:00 签到" and card.icon.text() == "!"
    assert "无需重复扫码" in card.reason.text()

    forged = text[:40] + ("A" if text[40] != "A" else "B") + text[41:]
    bad = scan_and_wait(qtbot, kiosk, forged)
    assert bad.outcome.severity is Severity.ERROR
    assert card.headline.text() == "码校验失败" and card.icon.text() == "✖" and card.name.text() == ""
    assert "志愿者" in card.reason.text()

    # The last few results, masked; never the pass text on screen.
    items = scan.recent_lines()
    assert len(items) == 3 and result.masked_name in items[2] and items[2].endswith("签到成功")
    assert items[1].endswith(f"!  {result.masked_name}  已签过到")
    assert items[0].endswith("✖  码校验失败")  # the reason word, not just "未能签到"
    screen_text = visible_texts(on_scan)
    assert text not in screen_text and text[:20] not in screen_text
    with Store(ui_config.db_path) as other:
        assert len(other.records(demo[1]["open_session"])) == 1


def test_result_card_clears_after_a_few_seconds(qtbot, kiosk, on_scan, demo, signing_key):
    scan_and_wait(qtbot, kiosk, issue(signing_key, demo[1]["parents"][1]))
    assert on_scan.scan.card.showing
    with qtbot.waitSignal(on_scan.scan.card.cleared, timeout=3000):
        pass
    card = on_scan.scan.card
    assert not card.showing and card.name.text() == "" and card.reason.text() == ""
    assert card.headline.text() == "请出示星级家长码"


def test_wedge_input_anywhere_on_the_screen(qtbot, kiosk, on_scan, demo, signing_key):
    """Keys that land on a child widget (the preview, the recent list) still reach the wedge."""
    for target, pid in ((on_scan.scan.preview, demo[1]["parents"][2]),
                        (on_scan.scan.recent_list, demo[1]["parents"][3])):
        with qtbot.waitSignal(kiosk.checkin.result, timeout=5000) as sig:
            wedge_type(target, issue(signing_key, pid))
        result = sig.args[0]
        assert result.outcome is Outcome.ACCEPTED and result.parent_id == pid


def test_walk_in_scanned_is_amber_and_flagged(qtbot, kiosk, on_scan, signing_key):
    result = scan_and_wait(qtbot, kiosk, issue(signing_key, 8_888_888))
    assert result.outcome is Outcome.ACCEPTED_WALK_IN and result.walk_in
    card = on_scan.scan.card
    assert card.icon.text() == "!" and card.headline.text() == "临时参加，已签到"
    qtbot.waitUntil(lambda: "临时 1" in on_scan.scan.counts_label.text(), timeout=5000)


def test_camera_codes_are_ignored_off_the_scan_screen(qtbot, kiosk, on_scan, demo, signing_key):
    on_scan.show_help()
    on_scan.scan.camera_code(issue(signing_key, demo[1]["parents"][4]), "camera")
    # Nothing was queued: the help screen is showing.
    assert kiosk.checkin.pending == 0


def test_sounds_follow_the_severity(qtbot, kiosk, on_scan, demo, signing_key):
    scan_and_wait(qtbot, kiosk, issue(signing_key, demo[1]["parents"][5]))
    scan_and_wait(qtbot, kiosk, "https://weixin.qq.com/r/abc")
    assert kiosk.sounds.played == ["success", "failure"]


def test_readable_from_a_distance_and_touchable(qtbot, kiosk, on_scan, demo, signing_key):
    from PySide6.QtWidgets import QPushButton

    scan_and_wait(qtbot, kiosk, issue(signing_key, demo[1]["parents"][6]))
    card = on_scan.scan.card
    for label in (card.headline, card.name, card.reason, card.credits):
        label.ensurePolished()
        assert label.font().pixelSize() >= 32, label.text()
    assert on_scan.scan.instruction.font().pixelSize() >= 32
    for button in on_scan.scan.findChildren(QPushButton):
        if button.isVisible():
            assert button.height() >= 48, button.text()
    # Colour is never alone: every severity has its own icon and words.
    assert card.icon.text() and card.headline.text()


def test_the_scan_path_runs_off_the_gui_thread(qtbot, kiosk, on_scan, demo, signing_key, monkeypatch):
    from kiosk.core.desk import CheckinDesk

    threads = []
    real = CheckinDesk.scan

    def spy(self, *args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(CheckinDesk, "scan", spy)
    scan_and_wait(qtbot, kiosk, issue(signing_key, demo[1]["parents"][7]))
    assert threads == [False]


def test_the_scanners_hint_takes_the_instruction_line(qtbot, tmp_path, clock):
    """ScanService.hint (a code seen but not read) reaches the parent in words, then goes away."""
    from kiosk.app import build
    from kiosk.config import Config

    k = build(Config(tmp_path / "k"), clock=clock, sounds=False, source_spec="none")
    qtbot.addWidget(k.window)
    try:
        scan = k.window.scan
        k.scanner.hint.emit("closer")
        assert scan.instruction.text() == "请靠近一点"
        k.scanner.hint.emit("brighter")
        assert scan.instruction.text() == "请调亮屏幕"
        k.scanner.hint.emit("")
        assert scan.instruction.text() == "请出示星级家长码"
    finally:
        k.shutdown()
