"""The screenshot script draws every screen (docs/screenshots is made with it), laid out for the
screen size asked for."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

DIALOGS = {"07b-surname-picker", "11-pin-pad"}


@pytest.mark.parametrize("size", [(1280, 800), (1024, 600)])
def test_screenshots_of_every_screen(qtbot, tmp_path, size):
    from kiosk.devtools.screenshots import take_screenshots

    paths = take_screenshots(tmp_path, size=size)
    names = {p.stem for p in paths}
    assert {"01-first-run", "02-class-picker", "03-scan-idle", "04-scan-accepted",
            "05-scan-already-checked-in", "06-scan-refused-offline", "07-volunteer-help",
            "08-please-call-staff"} | DIALOGS <= names
    for p in paths:
        image = QImage(str(p))
        assert not image.isNull()
        if p.stem in DIALOGS:  # a dialog on top of the window, never larger than the screen
            assert image.width() <= size[0] and image.height() <= size[1], p.stem
        else:
            assert (image.width(), image.height()) == size, p.stem


def test_the_size_option_reads_w_x_h():
    from kiosk.devtools.__main__ import build_parser

    args = build_parser().parse_args(["screenshots", "--size", "1366x768"])
    assert args.size == (1366, 768)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["screenshots", "--size", "big"])
