"""A camera that fails while in use: words on the screen, the camera closed, opened again later."""

from __future__ import annotations

import time

import numpy as np

from kiosk.config import Config
from kiosk.devtools.frames import write_video
from kiosk.scan.sources import CAMERA_LOST_NOTICE, Frame, SourceError


class CameraThatDisappears:
    """A few frames, then the error a camera gives when it is unplugged (a fake: the true edge)."""

    name = "camera:0"
    notice = None

    def __init__(self, frames: int = 5) -> None:
        self.left = frames
        self.closed = False

    def open(self) -> None:
        pass

    def read(self) -> Frame | None:
        time.sleep(0.01)  # paced like a camera, so pictures are still on their way when it fails
        if self.left == 0:
            raise SourceError("camera 0 stopped delivering pictures")
        self.left -= 1
        return Frame(np.full((48, 64), 128, np.uint8), 5 - self.left, 0.0)

    def close(self) -> None:
        self.closed = True

    @property
    def ended(self) -> bool:
        return self.closed


def test_a_lost_camera_is_reported_closed_and_reopened(qtbot, tmp_path, clock):
    from kiosk.app import build

    video = tmp_path / "room.avi"
    write_video(["NOT-A-PASS"], str(video), show_frames=4, gap_frames=4)
    k = build(Config(tmp_path / "k"), clock=clock, sounds=False, source_spec="none")
    qtbot.addWidget(k.window)
    w = k.window
    try:
        w.camera_retry_ms = 100
        camera = CameraThatDisappears(frames=40)
        w._source_opened(camera)
        qtbot.waitUntil(lambda: w.scan.preview.notice == CAMERA_LOST_NOTICE, timeout=5000)
        assert camera.closed and not k.scanner.running  # closed: its light goes off
        qtbot.wait(200)  # pictures the camera queued before it failed must not come back
        assert w.scan.preview.image is not None and w.scan.preview.image.isNull()
        assert w._camera_retry.isActive()
        # Still away: the retry finds no camera, keeps the words and waits longer.
        qtbot.waitUntil(lambda: w._retry_ms == 200, timeout=5000)
        assert w.scan.preview.notice == CAMERA_LOST_NOTICE and w._camera_lost
        # Plugged back in: the next retry opens it and the words go.
        w.source_spec = f"file:{video}"
        qtbot.waitUntil(lambda: k.scanner.running and not w._camera_lost, timeout=10_000)
        assert w.scan.preview.notice == ""
    finally:
        k.shutdown()
    assert not w._camera_retry.isActive() and not k.scanner.running
