"""Chinese by default, English through Qt Linguist; no placeholder is lost in translation."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication

from kiosk.devtools import i18n as tool
from kiosk.i18n import install_translator
from kiosk.i18n.en_strings import EN


def ts_messages() -> list[tuple[str, str, str]]:
    tree = ET.parse(tool.TS)
    return [(ctx, msg.findtext("source") or "", msg.findtext("translation") or "")
            for ctx, msg in tool.messages(tree)]


def test_every_string_has_an_english_translation():
    msgs = ts_messages()
    assert len(msgs) > 50
    missing = [(c, s) for c, s, t in msgs if not t.strip()]
    assert not missing, missing


def test_every_placeholder_survives_translation():
    for ctx, source, translation in ts_messages():
        assert tool.placeholders(source) == tool.placeholders(translation), (ctx, source)
    for key, english in EN.items():
        source = key if isinstance(key, str) else key[1]
        assert tool.placeholders(source) == tool.placeholders(english), source
    assert tool.placeholders("%1 of %n, {time}") == ["%1", "%n", "{time}"]


@pytest.mark.skipif(tool.find_tool("pyside6-lupdate") is None, reason="needs pyside6-lupdate")
def test_translation_file_is_up_to_date(tmp_path):
    """Every tr() string in the code is in the .ts (run `python -m kiosk.devtools i18n`)."""
    fresh = tmp_path / "fresh.ts"
    subprocess.run([tool.find_tool("pyside6-lupdate"), "-extensions", "py", "-locations", "none", "-silent",
                    *[str(p) for p in tool.SOURCES], "-ts", str(fresh)], check=True)
    in_code = {(c, m.findtext("source")) for c, m in tool.messages(ET.parse(fresh))}
    in_ts = {(c, s) for c, s, _ in ts_messages()}
    assert in_code <= in_ts, sorted(in_code - in_ts)[:10]


def test_english_is_installed_by_the_language_setting(qtbot):
    app = QCoreApplication.instance()
    assert install_translator(app, "zh") is None  # Chinese is the source language
    translator = install_translator(app, "en")
    assert translator is not None
    try:
        from kiosk.ui.scan_widgets import ResultCard

        card = ResultCard()
        qtbot.addWidget(card)
        assert card.headline.text() == "Please show your Star Parent pass"
        assert QCoreApplication.translate("ScanScreen", "已签到 %1 / 报名 %2 / 容量 %3") \
            == "Checked in %1 / registered %2 / capacity %3"
    finally:
        app.removeTranslator(translator)


def test_the_whole_kiosk_in_english(qtbot, ui_config, ui_store, clock, demo, signing_key):
    from datetime import timedelta

    from kiosk.app import build
    from tests.conftest import NOW
    from tests.ui.helpers import wedge_type

    ui_config.set("language", "en")
    k = build(ui_config, clock=clock, camera=False, sounds=False, sync_interval_s=3600)
    qtbot.addWidget(k.window)
    try:
        w = k.window
        w.show()
        w.start()
        qtbot.waitUntil(lambda: w.picker.selected() is not None, timeout=5000)
        w.picker.start()
        assert w.scan.instruction.text() == "Please show your Star Parent pass"
        assert w.scan.help_button.text() == "Volunteer help"
        text = signing_key.issue(demo[1]["parents"][0], valid_from=NOW - timedelta(days=1))[0]
        with qtbot.waitSignal(k.checkin.result, timeout=5000):
            wedge_type(w.scan, text)
        assert w.scan.card.headline.text() == "Checked in"
        assert w.scan.card.reason.text() == "Checked in. Welcome to the class."
        hint = w.minimumSizeHint()  # longer English words still fit a 1366×768 kiosk
        assert hint.width() <= 1366 and hint.height() <= 768, hint
    finally:
        k.shutdown()
    assert QCoreApplication.translate("ResultCard", "签到成功") == "签到成功"  # removed again


def test_pseudo_locale_long_strings_still_fit(qtbot, ui_config, ui_store, clock):
    """Every string half again as long (placeholders kept): the screens still fit 1366×768."""
    from kiosk.app import build

    ui_config.set("language", "pseudo")
    k = build(ui_config, clock=clock, camera=False, sounds=False, sync_interval_s=3600)
    qtbot.addWidget(k.window)
    try:
        w = k.window
        w.show()
        w.start()
        qtbot.waitUntil(lambda: w.picker.selected() is not None, timeout=5000)
        w.picker.start()
        assert w.scan.help_button.text().startswith("［志愿者帮助")
        assert "%" not in w.scan.counts_label.text()  # placeholders survived and were filled
        hint = w.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 768, hint
    finally:
        k.shutdown()
