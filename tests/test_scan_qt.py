"""The Qt side of scanning with pytest-qt: signals arrive in the main thread, decoding never does."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QImage, QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.devtools.frames import write_video
from kiosk.scan.sources import FileSource, make_source
from kiosk.services.scanning import ScanService
from kiosk.services.wedge import WedgeFilter
from tests.conftest import NOW


@pytest.fixture(scope="module")
def texts(key_dir):
    from kiosk.devtools.keys import load_key

    key = load_key(key_dir)
    return [key.issue(3_000_000 + i, valid_from=NOW - timedelta(days=1))[0] for i in range(3)]


@pytest.fixture(scope="module")
def video(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("qtvideo") / "v.avi"
    write_video(texts, str(path), show_frames=16, gap_frames=8)
    return path


def test_service_relays_codes_to_the_main_thread(qtbot, video, texts):
    service = ScanService(preview_fps=30)
    got: list[tuple[str, str, bool]] = []
    previews: list[QImage] = []
    service.code_scanned.connect(
        lambda text, method: got.append((text, method, threading.current_thread() is threading.main_thread())))
    service.preview.connect(previews.append)
    src = FileSource(video, fps=90, loop=False)
    src.open()
    with qtbot.waitSignal(service.stopped, timeout=30_000):
        service.start(src)
    qtbot.waitUntil(lambda: len(got) == len(texts), timeout=5000)
    service.stop()
    assert [g[0] for g in got] == texts
    assert all(method == "camera" and in_main for _, method, in_main in got)
    # Decoding ran on a worker thread, never on the GUI thread.
    assert previews and previews[0].width() <= 640 and not previews[0].isNull()


def test_decoding_is_not_on_the_gui_thread(qtbot, video):
    service = ScanService()
    src = FileSource(video, fps=200, loop=False)
    src.open()
    with qtbot.waitSignal(service.stopped, timeout=30_000):
        service.start(src)
    ids = service.decode_thread_ids()
    assert ids and threading.main_thread().ident not in ids
    service.stop()


def test_no_camera_is_a_notice_not_a_crash(qtbot):
    service = ScanService()
    with qtbot.waitSignal(service.notice, timeout=2000) as blocker:
        service.start(make_source("camera:9"))
    assert "摄像头" in blocker.args[0]
    assert not service.running
    service.stop()


class FakeMs:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def _send(widget: QWidget, clock: FakeMs, text: str, gap_ms: float) -> None:
    for ch in text:
        clock.t += gap_ms
        ev = QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch)
        QApplication.sendEvent(widget, ev)
    clock.t += gap_ms
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return,
                                             Qt.KeyboardModifier.NoModifier, "\r"))


def test_wedge_filter_on_a_screen_without_a_text_box(qtbot, texts):
    screen = QWidget()
    qtbot.addWidget(screen)
    clock = FakeMs()
    wedge = WedgeFilter(clock_ms=clock)
    wedge.watch(screen)
    assert not screen.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    with qtbot.waitSignal(wedge.code_scanned, timeout=1000) as blocker:
        _send(screen, clock, texts[0], 4)
    assert blocker.args == [texts[0], "scanner"]
    with qtbot.assertNotEmitted(wedge.code_scanned):
        _send(screen, clock, "a person typing slowly", 150)


def test_wedge_filter_takes_input_method_commits(qtbot, texts):
    screen = QWidget()
    qtbot.addWidget(screen)
    clock = FakeMs()
    wedge = WedgeFilter(clock_ms=clock)
    wedge.watch(screen)
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in texts[1])
    with qtbot.waitSignal(wedge.code_scanned, timeout=1000) as blocker:
        for ch in full_width:
            clock.t += 5
            ev = QInputMethodEvent()
            ev.setCommitString(ch)
            QApplication.sendEvent(screen, ev)
        clock.t += 5
        QApplication.sendEvent(screen, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return,
                                                 Qt.KeyboardModifier.NoModifier, "\r"))
    assert blocker.args[0] == texts[1]


def test_a_picture_queued_before_stop_is_dropped(qtbot):
    """The decode thread may queue a preview just before the camera stops; it must not paint a
    frozen picture over the 'camera stopped' words after stop()."""
    service = ScanService()
    shown: list[QImage] = []
    service.preview.connect(shown.append)
    service._preview_from_worker.emit(QImage(8, 8, QImage.Format.Format_RGB888))  # none running
    qtbot.wait(50)
    assert shown == []


def test_service_relays_hints_as_a_signal(qtbot, tmp_path):
    """A code located but not read (too small here) → ``hint("closer")`` in the main thread;
    stopping the camera clears it with ``hint("")``."""
    import cv2

    from tests.test_scan_strategy import damaged_code, scene

    for i in range(3):
        cv2.imwrite(str(tmp_path / f"{i}.png"), scene(damaged_code(2), 600, 300 + i))
    src = FileSource(tmp_path, fps=60, loop=True)
    src.open()
    service = ScanService(preview_fps=0)
    in_main: list[bool] = []
    service.hint.connect(lambda _w: in_main.append(threading.current_thread() is threading.main_thread()))
    with qtbot.waitSignal(service.hint, timeout=20_000) as blocker:
        service.start(src)
    assert blocker.args == ["closer"]
    with qtbot.waitSignal(service.hint, timeout=5000) as blocker:
        service.stop()
    assert blocker.args == [""]
    assert in_main and all(in_main)
