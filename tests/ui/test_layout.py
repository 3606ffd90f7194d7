"""Every screen and dialog fits the screens sites really have (issue #15): 1024×600 netbooks,
1366×768 laptops, 1080p monitors, in Chinese and English.

The real app (``kiosk.app.build``) is built once per size and language with that screen size
injected (offscreen Qt has one fixed screen), walked through every screen and dialog with demo
data, and each state is checked: every visible button inside the window (and the screen), at
least 48 px high, overlapping no other visible button, its text not cut; the screen's minimum
size not larger than the window.  A failure names the size, language, state and button.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

from kiosk.core.clock import FixedClock
from sync.passes import Role
from tests.conftest import NOW

SIZES = ((1024, 600), (1366, 768), (1920, 1080))
LANGS = ("zh", "en")
STATES = (
    "first_run", "picker", "scan_idle", "scan_accepted", "scan_refused", "help", "help_confirm",
    "help_surnames", "help_manual_card", "closeout_auth", "closeout_review", "closeout_confirm",
    "closeout_summary",
    "admin_settings", "admin_diagnostics", "admin_usb", "pin_check", "pin_new", "crash",
)
MIN_BUTTON_PX = 48
# The smallest window the screens must fit: 1024×600 less a taskbar.
WINDOWED = QSize(1024, 560)

# Known problems that are not fixed yet: (state, language) → why; strict, so a fix is noticed.
KNOWN: dict[tuple[str, str], str] = {}
KNOWN_MIN: dict[str, str] = {}


def _problems(top: QWidget, limit: QSize) -> list[str]:
    """What is wrong with the visible buttons of ``top`` (a window or a dialog)."""
    found: list[str] = []
    area = QRect(0, 0, min(top.width(), limit.width()), min(top.height(), limit.height()))
    boxes: list[tuple[str, QRect]] = []
    for b in top.findChildren(QPushButton):
        if not b.isVisibleTo(top) or not b.isVisible():
            continue
        if b.window() is not top:
            continue
        name = f"{b.objectName() or 'button'} “{b.text()}”"
        rect = QRect(b.mapTo(top, b.rect().topLeft()), b.size())
        if not area.contains(rect):
            found.append(f"{name} at {rect.getRect()} is outside the {area.width()}×{area.height()} window")
        if rect.height() < MIN_BUTTON_PX:
            found.append(f"{name} is {rect.height()} px high (< {MIN_BUTTON_PX})")
        opt = QStyleOptionButton()
        b.initStyleOption(opt)
        room = b.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, b).width()
        fm = QFontMetrics(b.font())
        text_w = max((fm.horizontalAdvance(line) for line in b.text().split("\n")), default=0)
        if text_w > room + 1:
            found.append(f"{name}: text {text_w} px wide in {room} px (cut)")
        for other, orect in boxes:
            if rect.intersects(orect):
                found.append(f"{name} overlaps {other}")
        boxes.append((name, rect))
    return found


def _answer_modal(action: Callable[[QDialog], None]) -> None:
    def act() -> None:
        w = QApplication.activeModalWidget()
        if w is None:
            QTimer.singleShot(10, act)
            return
        action(w)  # type: ignore[arg-type]

    QTimer.singleShot(0, act)


class Walk:
    """One app at one size and language; ``results[state]`` = its problems."""

    def __init__(self, size: tuple[int, int], lang: str, tmp: Path, key, qapp) -> None:
        from kiosk.app import build
        from kiosk.config import Config
        from kiosk.core.store import Store
        from sync.demo import make_bundle

        self.app = qapp
        self.size = QSize(*size)
        self.lang = lang
        self.key = key
        self.results: dict[str, list[str]] = {}
        self.min_hints: dict[str, QSize] = {}
        self.bundle, self.summary = make_bundle([key.trust_key()], now=NOW, parents=30)
        self.config = Config(tmp / "kiosk")
        self.config.set("language", lang)
        with Store(self.config.db_path) as store:
            store.import_bundle(self.bundle)
        self.kiosk = build(self.config, clock=FixedClock(NOW), camera=False, sounds=False,
                           card_ms=3_600_000, sync_interval_s=3600, available=self.size)
        self.w = self.kiosk.window
        self.w.resize(self.size)
        self.w.show()

    def settle(self) -> None:
        for _ in range(4):
            self.app.processEvents()

    def wait(self, cond: Callable[[], bool]) -> None:
        import time

        deadline = time.monotonic() + 10
        while not cond():
            assert time.monotonic() < deadline, "the screen did not get ready"
            self.app.processEvents()
            time.sleep(0.005)

    def check(self, state: str, top: QWidget | None = None) -> None:
        self.settle()
        top = top or self.w
        self.results[state] = _problems(top, self.size)
        if top is self.w:
            screen = self.w.screen_widget()
            self.min_hints[screen.objectName()] = screen.minimumSizeHint().expandedTo(
                self.min_hints.get(screen.objectName(), QSize()))
            hint = screen.minimumSizeHint()
            if hint.height() > self.size.height() or hint.width() > self.size.width():
                self.results[state].append(
                    f"{screen.objectName()} needs {hint.width()}×{hint.height()}, more than the window")

    def issue(self, pid: int, role: Role = Role.PARENT) -> str:
        return self.key.issue(pid, role=role, valid_from=NOW - timedelta(days=1))[0]

    def scan(self, text: str) -> None:
        before = len(self.w.scan.recent)
        self.w.scan.submit(text, "scanner")
        self.wait(lambda: len(self.w.scan.recent) > before)

    def run(self) -> None:
        from kiosk.ui.pin import PinDialog
        from kiosk.ui.screens.admin import AdminScreen

        w = self.w
        w.stack.setCurrentWidget(w._pages[w.first_run])
        self.check("first_run")
        w.start()
        self.wait(lambda: w.picker.selected() is not None)
        self.check("picker")
        w.picker.start()
        self.wait(lambda: bool(w.scan.counts))
        self.check("scan_idle")
        parents = self.summary["parents"]
        self.scan(self.issue(parents[0]))
        self.check("scan_accepted")
        text = self.issue(parents[1])
        self.scan(text[:40] + ("A" if text[40] != "A" else "B") + text[41:])
        self.check("scan_refused")

        w.show_help()
        self.check("help")
        reg = next(r for r in self.bundle.registrations
                   if r.session_id == self.summary["open_session"] and r.parent_id not in parents[:2])
        w.help.phone.setText(reg.phone_last4)
        w.help.surname.setText(reg.masked_name[0])
        w.help.find()
        self.wait(lambda: w.help.confirm_button.isEnabled())
        self.check("help_confirm")
        w.help.pick_surname()
        self.check("help_surnames", w.help.surname_picker)
        w.help.surname_picker.reject()
        w.help.confirm()
        self.wait(lambda: w.help.card.showing)
        self.check("help_manual_card")
        w.show_scan()

        w.show_closeout()
        screen = w._extra["closeout"]
        self.check("closeout_auth")
        session = self.kiosk.store.session(self.summary["open_session"])
        screen.accept_code(self.issue(session.trainer_id, Role.TRAINER))
        self.check("closeout_review")
        confirm: list[str] = []

        def answer(dialog: QDialog) -> None:  # a confirmation step, if the screen has one
            confirm.extend(_problems(dialog, self.size))
            dialog.accept()

        _answer_modal(answer)
        screen.sign_button.click()
        self.settle()
        confirm_button = screen.findChild(QPushButton, "confirm")
        if confirm_button is not None and confirm_button.isVisible():  # a confirmation page
            self.check("closeout_confirm")
            confirm_button.click()
        else:
            self.results["closeout_confirm"] = []
        self.check("closeout_summary")
        self.results["closeout_review"] += [f"confirmation: {p}" for p in confirm]

        admin = AdminScreen(self.kiosk.store, self.config, sync_now=lambda: None,
                            sync_status=lambda: {"enrolled": False})
        w._replace_extra("admin", admin)
        for i, name in enumerate(("admin_settings", "admin_diagnostics", "admin_usb")):
            admin.tabs.setCurrentIndex(i)
            self.check(name)

        for mode in ("check", "new"):
            pad = PinDialog(self.config, "admin", mode=mode, parent=w)
            pad.show()
            self.settle()
            self.check(f"pin_{mode}", pad)
            if pad.height() > self.size.height():
                self.results[f"pin_{mode}"].append(f"the pad is {pad.height()} px high")
            pad.reject()
            pad.deleteLater()

        w.show_scan()
        w.show_crash()
        w.crash.timer.stop()
        self.check("crash")

    def close(self) -> None:
        self.kiosk.shutdown()
        self.w.close()
        self.w.deleteLater()
        self.settle()


@pytest.fixture(scope="module", params=[(s, lang) for s in SIZES for lang in LANGS],
                ids=[f"{s[0]}x{s[1]}-{lang}" for s in SIZES for lang in LANGS])
def walk(request, qapp, signing_key, tmp_path_factory):
    size, lang = request.param
    walked = Walk(size, lang, tmp_path_factory.mktemp(f"layout-{lang}"), signing_key, qapp)
    try:
        walked.run()
    finally:
        walked.close()
    return walked


@pytest.mark.parametrize("state", STATES)
def test_every_button_is_on_screen_big_enough_apart_and_readable(walk, state, request):
    size = f"{walk.size.width()}x{walk.size.height()}"
    reason = KNOWN.get((state, walk.lang))
    if reason:
        request.node.add_marker(pytest.mark.xfail(strict=True, reason=reason))
    assert state in walk.results, f"{state} was not reached"
    assert walk.results[state] == [], f"{size} {state}:\n" + "\n".join(walk.results[state])


@pytest.mark.parametrize("screen", ("first_run", "picker", "scan", "help", "closeout", "admin",
                                    "crash"))
def test_every_screen_fits_a_window_on_a_netbook_with_a_taskbar(walk, screen, request):
    """No screen forces the window past 1024×560 (it scrolls inside instead)."""
    if walk.size != QSize(1024, 600):
        pytest.skip("the smallest screen only")
    if screen in KNOWN_MIN:
        request.node.add_marker(pytest.mark.xfail(strict=True, reason=KNOWN_MIN[screen]))
    hint = walk.min_hints[screen]
    assert hint.width() <= WINDOWED.width() and hint.height() <= WINDOWED.height(), (
        f"{screen} needs {hint.width()}×{hint.height()}")
