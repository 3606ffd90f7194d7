"""The self-test's Qt checks: the translations Qt loads, and the Qt binding itself (its libraries,
plugins, fonts, and a binding bug that would abort the kiosk)."""

from __future__ import annotations

import os
import sys
from typing import Any

from kiosk import selftest
from kiosk.selftest.base import CheckFailed, CheckWarning, _Context

# The names the self-test looks for (and the hooks tests replace) are read from the package,
# kiosk.selftest, when a check runs: setting kiosk.selftest.X changes what the checks use.

_KEEP: list[Any] = []


# -- the checks ---------------------------------------------------------------


def check_translations(ctx: _Context) -> str:
    from PySide6.QtCore import QTranslator

    from kiosk.i18n import qm_path

    path = qm_path("en")
    if not path.exists():
        raise CheckFailed(f"English translation missing: {path}")
    translator = QTranslator()
    if not translator.load(str(path)):
        raise CheckFailed(f"English translation cannot be loaded: {path}")
    context, source, expected = selftest.KNOWN_TRANSLATION
    got = translator.translate(context, source)
    if got != expected:
        raise CheckFailed(f"English translation loaded but gives {got!r} for a known string")
    return "English translation loads and translates (Chinese is built in)"


def check_qt(ctx: _Context) -> str:
    try:
        from PySide6.QtGui import QFontDatabase, QGuiApplication, QImage, QPainter
        from PySide6.QtWidgets import QApplication  # noqa: F401  (the widgets library loads)
    except ImportError as exc:
        raise CheckFailed(f"Qt's libraries cannot be loaded ({exc}): install the system packages "
                          "listed in docs/install.md") from exc

    _qt_app()
    lost = selftest.none_refs_lost()
    if lost > 100:
        import PySide6

        raise CheckFailed(f"this Qt for Python (PySide6 {PySide6.__version__}) loses a reference "
                          f"to None on each call ({lost} in 200 calls); the kiosk would abort "
                          "after minutes of use. Install another PySide6 version, or run on "
                          "Python 3.12 or newer")
    image = QImage(64, 32, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.drawText(2, 20, "签到 ok")
    painter.end()
    families = QFontDatabase.families()
    cjk = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    name = QGuiApplication.platformName()
    if not families:
        raise CheckWarning(f"Qt starts ({name}) but finds no fonts: install fonts "
                           "(Debian: fonts-noto-cjk)")
    if not cjk:
        raise CheckWarning(f"Qt starts ({name}) but no Chinese font is installed, so names show "
                           "as boxes (Debian: apt install fonts-noto-cjk)")
    return f"Qt {_qt_version()} starts ({name}); {len(families)} fonts, {len(cjk)} with Chinese"


def none_refs_lost(calls: int = 200) -> int:
    """References to None a Qt binding loses over ``calls`` calls of methods that return nothing
    (PySide6 6.12.0 loses one each; before Python 3.12 the process aborts when None's count
    reaches zero).  0 on Python 3.12+, where None is immortal."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    return max(0, before - sys.getrefcount(None))


def _qt_app() -> None:
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        # Offscreen always: a missing display must not abort the self-test, and it proves the
        # bundle's Qt libraries and platform plugins load.  (The window itself needs the
        # platform's own plugin: xcb/wayland on Linux, windows on Windows.)
        # A QApplication (not just QGuiApplication): the kiosk's widgets load too, and a process
        # that goes on to open windows (or a test run) can reuse it.
        _KEEP.append(QApplication(["starkiosk-selftest", "-platform", "offscreen"]))


def _qt_version() -> str:
    from PySide6.QtCore import qVersion

    return str(qVersion())


def _quiet_qt_multimedia() -> None:
    """Qt Multimedia warns about optional libraries it looks for (PipeWire, VA-API); the self-test
    reports what matters, so those warnings stay out of its output (unless QT_LOGGING_RULES is set)."""
    if os.environ.get("QT_LOGGING_RULES"):
        return
    try:
        from PySide6.QtCore import QLoggingCategory
    except ImportError:  # the qt check reports it
        return
    QLoggingCategory.setFilterRules("qt.multimedia.*.warning=false")
