"""Capture through Qt Multimedia (the bundle's camera path) and pictures read by Qt.

There is no webcam on a CI machine, so the frame path a Qt camera takes — QVideoSink in the GUI
thread → newest QVideoFrame → luma plane on the capture thread → pipeline — is driven here by Qt's
own video player on a real MJPEG file, decoded by Qt's FFmpeg back-end.  Only QCamera itself is
not exercised beyond "no camera".
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QMediaDevices, QVideoFrame, QVideoFrameFormat

from kiosk.devtools.frames import code_image, write_video
from kiosk.scan.sources import NullSource, SourceError
from kiosk.services import camera
from kiosk.services.camera import (
    QtCameraSource,
    QtVideoFileSource,
    camera_backend,
    gray_from_frame,
    open_frame_source,
)
from kiosk.services.images import decode_file, gray_from_image
from kiosk.services.scanning import ScanService, preview_image
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parent.parent
PF = QVideoFrameFormat.PixelFormat


@pytest.fixture(scope="module")
def texts(key_dir):
    from kiosk.devtools.keys import load_key

    key = load_key(key_dir)
    return [key.issue(4_000_000 + i, valid_from=NOW - timedelta(days=1))[0] for i in range(3)]


@pytest.fixture(scope="module")
def video(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("qtcam") / "passes.avi"
    write_video(texts, str(path), show_frames=14, gap_frames=8)
    return path


def _gradient(w: int, h: int) -> np.ndarray:
    return (np.add.outer(np.arange(h) * 3, np.arange(w) * 7) % 251).astype(np.uint8)


# -- pixels → gray -------------------------------------------------------------------------------


def _frame(fmt, w: int, h: int, fill) -> QVideoFrame:
    frame = QVideoFrame(QVideoFrameFormat(QSize(w, h), fmt))
    assert frame.map(QVideoFrame.MapMode.WriteOnly)
    fill(frame)
    frame.unmap()
    return frame


def _plane(frame: QVideoFrame, plane: int, rows: int) -> np.ndarray:
    bpl = frame.bytesPerLine(plane)
    return np.frombuffer(frame.bits(plane), np.uint8, count=bpl * rows).reshape(rows, bpl)


@pytest.mark.parametrize("fmt", [PF.Format_YUV420P, PF.Format_NV12, PF.Format_YUV422P])
def test_luma_plane_is_the_gray_picture(qapp, fmt):
    w, h = 64, 48
    luma = _gradient(w, h)

    def fill(f):
        y = _plane(f, 0, h)
        y[:, :w] = luma

    frame = _frame(fmt, w, h, fill)
    gray = gray_from_frame(frame)
    assert gray is not None and gray.shape == (h, w) and gray.flags.owndata
    assert np.array_equal(gray, luma)


@pytest.mark.parametrize("fmt,start", [(PF.Format_YUYV, 0), (PF.Format_UYVY, 1)])
def test_packed_yuv_gives_every_other_byte(qapp, fmt, start):
    w, h = 32, 16
    luma = _gradient(w, h)

    def fill(f):
        p = _plane(f, 0, h)
        p[:, :] = 128
        p[:, start:start + 2 * w:2] = luma

    gray = gray_from_frame(_frame(fmt, w, h, fill))
    assert np.array_equal(gray, luma)


def test_rgb_frames_go_through_qt_conversion(qapp):
    def fill(f):
        _plane(f, 0, 20)[:, :] = 128  # mid-gray, every channel

    gray = gray_from_frame(_frame(PF.Format_BGRX8888, 40, 20, fill))
    assert gray is not None and gray.shape == (20, 40)
    assert abs(int(gray.mean()) - 128) <= 2


def test_jpeg_frames_are_decoded(qapp, texts):
    """Most webcams send 720p as MJPEG, which Qt hands over undecoded (needs the qjpeg plugin)."""
    from PySide6.QtCore import QBuffer, QByteArray

    code = np.ascontiguousarray(code_image(texts[0], 4))
    h, w = code.shape
    jpeg = QByteArray()
    buffer = QBuffer(jpeg)
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    assert QImage(code.data, w, h, code.strides[0], QImage.Format.Format_Grayscale8).save(
        buffer, "JPG", 95)

    def fill(f):
        plane = f.bits(0)
        plane[:jpeg.size()] = bytes(jpeg.data())

    gray = gray_from_frame(_frame(PF.Format_Jpeg, w, h, fill))
    assert gray is not None and gray.shape == (h, w)
    from kiosk.scan.decoder import QrDecoder

    assert QrDecoder().decode(gray).texts == [texts[0]]


def test_invalid_frame_is_none(qapp):
    assert gray_from_frame(QVideoFrame()) is None
    with pytest.raises(ValueError):
        gray_from_image(QImage())


def test_gray_from_image_drops_row_padding(qapp):
    w, h = 33, 7  # 33 bytes a row are padded to 36 in a QImage
    pixels = np.ascontiguousarray(_gradient(w, h))
    image = QImage(pixels.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    assert image.bytesPerLine() > w
    assert np.array_equal(gray_from_image(image), pixels)


def test_decode_file(tmp_path, texts, qapp):
    path = tmp_path / "码.png"  # a non-ASCII file name, as on a Chinese desktop
    code = np.ascontiguousarray(code_image(texts[0]))
    QImage(code.data, code.shape[1], code.shape[0], code.strides[0],
           QImage.Format.Format_Grayscale8).save(str(path))
    assert decode_file(path).texts == [texts[0]]
    bad = tmp_path / "not.png"
    bad.write_bytes(b"nope")
    with pytest.raises(ValueError, match="not an image"):
        decode_file(bad)


def test_preview_outlines_codes_without_opencv(qapp, texts):
    from kiosk.scan.decoder import QrDecoder

    frame = np.full((720, 1280), 200, np.uint8)
    code = code_image(texts[1], 6)
    frame[100:100 + code.shape[0], 300:300 + code.shape[1]] = code
    result = QrDecoder().decode(frame)
    assert result.texts == [texts[1]]
    image = preview_image(frame, result, 640)
    assert (image.width(), image.height()) == (640, 360)
    x, y = result.found[0].corners[0]
    outline = image.pixelColor(round(x / 2), round(y / 2))
    assert outline.green() > 150 and outline.red() < 120  # the green outline is drawn there
    plain = preview_image(np.dstack([frame] * 3), None, 640)  # BGR frames (OpenCV's) still work
    assert plain.pixelColor(10, 10).red() == 200


# -- sources fed by a QVideoSink -------------------------------------------------------------------


def test_qt_video_pipeline_emits_each_pass_once_off_the_gui_thread(qtbot, video, texts):
    source = QtVideoFileSource(video, loop=False)
    source.open()
    service = ScanService(preview_fps=30)
    got: list[tuple[str, bool]] = []
    previews: list[QImage] = []
    service.code_scanned.connect(
        lambda text, _m: got.append((text, threading.current_thread() is threading.main_thread())))
    service.preview.connect(previews.append)
    with qtbot.waitSignal(service.stopped, timeout=30_000):
        service.start(source)
    ids = service.decode_thread_ids()
    stats = service.pipeline.stats
    service.stop()
    assert [t for t, _ in got] == texts
    assert all(in_main for _, in_main in got)
    assert ids and threading.main_thread().ident not in ids
    assert stats.captured > 40  # the frames really came through the sink
    assert previews and previews[0].width() == 640 and not previews[0].isNull()
    assert source.ended
    assert sorted(source.captured_at)[:3] == [1, 2, 3]  # frames keyed by their number in the video


def test_qt_source_read_on_the_gui_thread_runs_the_event_loop(qtbot, video):
    source = open_frame_source(f"file:{video}", backend="qt")
    try:
        assert isinstance(source, QtVideoFileSource)
        frame = None
        for _ in range(50):
            frame = source.read()
            if frame is not None:
                break
        assert frame is not None and frame.image.shape == (480, 640)
        assert frame.image.dtype == np.uint8
    finally:
        source.close()
    assert source.ended and source.read() is None


def test_a_source_that_goes_quiet_fails(qtbot, video):
    """A camera unplugged mid-class stops sending frames without an error: after ``stall_s``
    the source fails, so the screen says so instead of freezing on the last picture."""
    source = QtVideoFileSource(video)
    source.open()
    try:
        for _ in range(50):
            if source.read() is not None:
                break
        source._player.pause()
        source.stall_s = 0.5
        with pytest.raises(SourceError, match="stopped delivering pictures"):
            for _ in range(20):
                source.read()
    finally:
        source.close()


def test_qt_source_reports_a_file_it_cannot_play(qtbot, tmp_path):
    bad = tmp_path / "broken.avi"
    bad.write_bytes(b"RIFF not a video at all" * 100)
    source = QtVideoFileSource(bad)
    source.open()
    try:
        with pytest.raises(SourceError, match="not a video"):
            for _ in range(100):
                source.read()
    finally:
        source.close()
    with pytest.raises(SourceError):
        QtVideoFileSource(tmp_path / "missing.avi").open()


def test_no_qt_camera_is_a_notice_not_a_crash(qtbot):
    cameras = len(QMediaDevices.videoInputs())
    with pytest.raises(SourceError, match="not there"):
        QtCameraSource(cameras + 3).open()
    source = open_frame_source(f"camera:{cameras + 3}", backend="qt")
    assert isinstance(source, NullSource) and "摄像头" in (source.notice or "")
    service = ScanService()
    with qtbot.waitSignal(service.notice, timeout=2000):
        service.start(source)
    assert not service.running
    service.stop()


# -- choosing the back-end -------------------------------------------------------------------------


def test_backend_choice(monkeypatch):
    monkeypatch.delenv(camera.BACKEND_ENV, raising=False)
    assert camera_backend() == ("opencv" if camera.opencv_available() else "qt")
    monkeypatch.setenv(camera.BACKEND_ENV, "QT")
    assert camera_backend() == "qt"
    assert camera_backend("opencv") == "opencv"  # OpenCV is a dependency of a source install
    monkeypatch.setattr(camera, "opencv_available", lambda: False)
    monkeypatch.setenv(camera.BACKEND_ENV, "auto")
    assert camera_backend() == "qt"
    with pytest.raises(SourceError, match="OpenCV is not installed"):
        camera_backend("opencv")
    with pytest.raises(ValueError, match="use one of"):
        camera_backend("v4l")


def test_the_kiosk_runs_without_opencv(tmp_path):
    """The bundle has no OpenCV: the app, the self-test and `decode` must not need it."""
    code = f"""
import sys, importlib.abc
class NoOpenCV(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "cv2" or name.startswith("cv2."):
            raise ImportError("no OpenCV in this build")
sys.meta_path.insert(0, NoOpenCV())
from kiosk.services.camera import camera_backend
from kiosk.services.images import decode_file
assert camera_backend() == "qt", camera_backend()
import kiosk.app, kiosk.ui.main_window, kiosk.selftest
from kiosk.assets import asset_path
assert decode_file(asset_path(*kiosk.selftest.SELFTEST_PNG)).texts == [kiosk.selftest.SELFTEST_TEXT]
from pathlib import Path
report = kiosk.selftest.run_checks(Path({str(tmp_path)!r}), camera="camera:0")
checks = {{c.name: c for c in report.checks}}
assert checks["decoder"].status == "ok", checks["decoder"]
assert checks["camera"].status in ("ok", "warn"), checks["camera"]  # warn: no webcam here
assert not report.failed, report.to_json()
assert "cv2" not in sys.modules
print("ok", checks["camera"].detail)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("ok")


# -- focus and exposure ----------------------------------------------------------------------------


class FakeCamera:
    """The parts of QCamera that settings touch, with what this camera supports."""

    def __init__(self, focus_modes=(), features=None, exposure_modes=()) -> None:
        from PySide6.QtMultimedia import QCamera, QCameraDevice

        self._focus_modes, self._exposure_modes = set(focus_modes), set(exposure_modes)
        self._features = features if features is not None else QCamera.Feature(0)
        self._device = QCameraDevice()
        self.calls: list[tuple] = []

    def cameraDevice(self):  # noqa: N802 (Qt's names)
        return self._device

    def supportedFeatures(self):  # noqa: N802
        return self._features

    def isFocusModeSupported(self, mode):  # noqa: N802
        return mode in self._focus_modes

    def isExposureModeSupported(self, mode):  # noqa: N802
        return mode in self._exposure_modes

    def __getattr__(self, name):
        if name.startswith("set"):
            return lambda *args: self.calls.append((name, *args))
        raise AttributeError(name)


def test_camera_settings_are_declared_once(tmp_path):
    from kiosk.config import Config
    from kiosk.services.camera_controls import CAMERA_SETTING_KEYS, camera_settings

    cfg = Config(tmp_path)
    assert camera_settings(cfg) == {"camera_focus": "near", "camera_focus_distance": 10,
                                    "camera_exposure_compensation": 0}
    cfg.set("camera_exposure_compensation", -7)
    assert camera_settings(cfg)["camera_exposure_compensation"] == -7
    assert set(camera_settings(cfg)) == set(CAMERA_SETTING_KEYS)


def test_settings_on_a_camera_that_supports_them(qapp):
    from PySide6.QtMultimedia import QCamera

    from kiosk.services.camera_controls import apply_camera_settings

    cam = FakeCamera(focus_modes={QCamera.FocusMode.FocusModeManual, QCamera.FocusMode.FocusModeAutoNear},
                     features=QCamera.Feature.FocusDistance | QCamera.Feature.ExposureCompensation,
                     exposure_modes={QCamera.ExposureMode.ExposureAuto})
    done = apply_camera_settings(cam, {"camera_focus": "manual", "camera_focus_distance": 30,
                                       "camera_exposure_compensation": -7})
    assert done == ["focus=manual", "focus_distance=30", "exposure_compensation=-0.7 EV"]
    assert ("setFocusMode", QCamera.FocusMode.FocusModeManual) in cam.calls
    assert ("setFocusDistance", 0.3) in cam.calls
    assert ("setExposureCompensation", -0.7) in cam.calls


def test_unsupported_settings_are_a_logged_no_op(qapp, caplog):
    from PySide6.QtMultimedia import QCamera

    from kiosk.services.camera_controls import apply_camera_settings

    wanted = {"camera_focus": "near", "camera_focus_distance": 10, "camera_exposure_compensation": -7}
    cam = FakeCamera()  # supports nothing
    with caplog.at_level("INFO", logger="kiosk.services.camera_controls"):
        assert apply_camera_settings(cam, wanted) == []
    assert cam.calls == []
    assert "focus near not supported" in caplog.text
    assert "exposure compensation not supported" in caplog.text
    # a real QCamera without a device supports nothing either
    assert apply_camera_settings(QCamera(), wanted) == []


def test_settings_with_the_file_source_are_a_logged_no_op(qtbot, video, texts, caplog):
    """The file source stands in for a camera: the service applies the settings, the source says
    it is not a camera, and scanning works as before."""
    source = QtVideoFileSource(video, loop=False)
    source.open()
    service = ScanService(preview_fps=0, camera_settings={"camera_focus": "near",
                                                          "camera_exposure_compensation": -7})
    got: list[str] = []
    service.code_scanned.connect(lambda text, _m: got.append(text))
    with caplog.at_level("INFO", logger="kiosk.services.camera"), \
            qtbot.waitSignal(service.stopped, timeout=30_000):
        service.start(source)
    service.stop()
    assert "not a camera: focus and exposure settings not applied" in caplog.text
    assert got == texts
