"""The screenshot script draws every screen (docs/screenshots is made with it)."""

from __future__ import annotations

from PySide6.QtGui import QImage


def test_screenshots_of_every_screen(qtbot, tmp_path):
    from kiosk.devtools.screenshots import take_screenshots

    paths = take_screenshots(tmp_path)
    names = {p.stem for p in paths}
    assert {"01-first-run", "02-class-picker", "03-scan-idle", "04-scan-accepted",
            "05-scan-already-checked-in", "06-scan-refused-offline", "07-volunteer-help",
            "08-please-call-staff"} <= names
    for p in paths:
        image = QImage(str(p))
        assert not image.isNull() and image.width() >= 1280
