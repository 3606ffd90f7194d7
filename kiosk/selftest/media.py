"""The self-test's scanning and sound checks: the QR decoder, the camera's frame path on the
bundled video, the camera itself, and the sound files."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kiosk import selftest
from kiosk.selftest.base import CheckFailed, CheckWarning, _Context
from kiosk.selftest.qt import _qt_app

# The names the self-test looks for (and the hooks tests replace) are read from the package,
# kiosk.selftest, when a check runs: setting kiosk.selftest.X changes what the checks use.

# -- the checks ---------------------------------------------------------------


def check_decoder(ctx: _Context) -> str:
    from kiosk.assets import asset_path
    from kiosk.services.images import decode_file

    try:
        path = asset_path(*selftest.SELFTEST_PNG)
        result = decode_file(str(path))
    except (FileNotFoundError, ValueError) as exc:
        raise CheckFailed(str(exc)) from exc
    if result.texts != [selftest.SELFTEST_TEXT]:
        raise CheckFailed(f"the test QR code did not decode as expected (got {len(result.texts)} "
                          "code(s)); reinstall the kiosk")
    return f"test QR code decoded in {result.ms:.1f} ms (zxing-cpp, Qt image loading)"


def check_sounds(ctx: _Context) -> str:
    """The three sound files are valid WAVs, there is an audio output, and Qt loads each sound for
    it: ``QSoundEffect.status()`` must end ``Ready``.  (Without an output Qt ends ``Error`` and logs
    "playback of this format is not supported on the selected audio device" — the old check said
    "ok" there, and nothing was heard.)  No audio output is a warning: the kiosk works, silently."""
    from kiosk.assets import asset_path

    lengths = []
    for name in selftest.SOUNDS:
        try:
            path = asset_path("sounds", f"{name}.wav")
            with wave.open(str(path), "rb") as w:
                frames, rate = w.getnframes(), w.getframerate()
        except FileNotFoundError as exc:
            raise CheckFailed(str(exc)) from exc
        except (wave.Error, EOFError, OSError) as exc:
            raise CheckFailed(f"{name}.wav is not a valid WAV file: {exc}") from exc
        if frames == 0 or rate == 0:
            raise CheckFailed(f"{name}.wav is empty")
        lengths.append(f"{name} {frames / rate:.2f} s")
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError as exc:
        raise CheckWarning(f"sound files ok ({', '.join(lengths)}) but Qt Multimedia is "
                           f"missing, so the kiosk will be silent: {exc}") from exc
    _qt_app()
    from kiosk.services.sounds import SoundService

    device = QMediaDevices.defaultAudioOutput()
    if device.isNull() or not QMediaDevices.audioOutputs():
        raise CheckWarning(f"sound files ok ({', '.join(lengths)}) but there is no audio output "
                           "(no speakers, or the sound service is not running): the kiosk will "
                           "be silent")
    service = SoundService(volume=0)
    try:
        states = service.statuses(timeout=3.0)
    finally:
        service.deleteLater()
    bad = [f"{n} ({s})" for n, s in states.items() if s != "ready"]
    if bad:
        raise CheckFailed(f"Qt cannot play {', '.join(bad)} on {device.description()!r}: the "
                          "kiosk would be silent; reinstall the kiosk or choose another output")
    return f"{', '.join(lengths)}; ready to play on {device.description()!r}"


def check_frames(ctx: _Context) -> str:
    """The camera's frame path without a camera: a short video of the test code, played by the
    same back-end the camera uses (Qt Multimedia in the bundle), decoded frame by frame."""
    from kiosk.scan.sources import SourceError

    try:
        from kiosk.services.camera import camera_backend

        backend = camera_backend()
    except ImportError as exc:
        raise CheckFailed(f"Qt Multimedia does not load ({exc}): reinstall the kiosk") from exc
    except (ValueError, SourceError) as exc:
        raise CheckFailed(str(exc)) from exc
    if backend == "qt":
        _qt_app()
        from PySide6.QtGui import QImageReader

        if b"jpeg" not in [bytes(f.data()) for f in QImageReader.supportedImageFormats()]:
            raise CheckFailed("Qt cannot read JPEG (its qjpeg image plugin is missing), so most "
                              "webcams' 720p pictures (MJPEG) could not be scanned: reinstall")
    # FFmpeg reports its hardware-decoder probing on standard error; the report says what counts,
    # and quotes what was printed when the check fails.
    with _quiet_stderr() as printed:
        try:
            return _play_test_video(backend)
        except CheckFailed as exc:
            tail = printed()
            if tail:
                raise CheckFailed(f"{exc} — the libraries said: {tail}") from exc
            raise


def _play_test_video(backend: str) -> str:
    from kiosk.assets import asset_path
    from kiosk.scan.decoder import QrDecoder, to_gray
    from kiosk.scan.pictures import Deblur
    from kiosk.scan.sources import SourceError
    from kiosk.scan.strategy import MultiFrameDecoder
    from kiosk.services.camera import open_frame_source

    try:
        path = asset_path(*selftest.SELFTEST_VIDEO)
        source = open_frame_source(f"file:{path}", backend=backend)
    except (FileNotFoundError, SourceError) as exc:
        raise CheckFailed(f"the test video cannot be played ({exc}); reinstall the kiosk") from exc
    decoder = MultiFrameDecoder()  # as the camera pipeline decodes
    frames = 0
    try:
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline and not source.ended:
            frame = source.read()
            if frame is None:
                continue
            frames += 1
            if selftest.SELFTEST_TEXT in decoder.decode(frame.image).texts:
                # the deblurring attempts need numpy's FFT: a sharp frame deconvolved still reads
                sharp = Deblur()(to_gray(frame.image), 1.0)
                if selftest.SELFTEST_TEXT not in QrDecoder().decode(sharp).texts:
                    raise CheckFailed("the test video decoded, but not after deblurring: blurred "
                                      "codes would not scan; reinstall the kiosk")
                return f"test video decoded after {frames} frame(s) ({backend} back-end), deblurring ok"
    except SourceError as exc:
        raise CheckFailed(f"the test video cannot be played: {exc}") from exc
    finally:
        source.close()
    raise CheckFailed(f"the test video gave {frames} frame(s) but no code within 5 s "
                      f"({backend} back-end): the camera would not scan either")


def check_camera(ctx: _Context) -> str:
    from kiosk.scan.sources import NullSource, SourceError

    if not ctx.camera_spec.startswith("camera:"):
        raise CheckWarning(f"no camera configured ({ctx.camera_spec}): the USB scanner and "
                           "manual check-in work")
    try:
        from kiosk.services.camera import camera_backend, open_frame_source

        backend = camera_backend()
    except ImportError as exc:
        raise CheckWarning(f"the camera cannot be used: Qt Multimedia does not load ({exc}); "
                           "the USB scanner and manual check-in still work") from exc
    except (ValueError, SourceError) as exc:
        raise CheckWarning(f"the camera cannot be used: {exc}") from exc
    if backend == "qt":
        _qt_app()  # the Qt camera lives in a Qt application
    with _quiet_opencv(backend), _quiet_stderr():  # native libraries' chatter; the report says it
        source = open_frame_source(ctx.camera_spec, backend=backend)
    try:
        if isinstance(source, NullSource):
            raise CheckWarning(f"no camera at {ctx.camera_spec} (not connected, in use, or no "
                               "permission): the USB scanner and manual check-in still work")
        frame = None
        deadline = time.monotonic() + 3.0
        while frame is None and time.monotonic() < deadline:
            frame = source.read()
    except SourceError as exc:
        raise CheckWarning(f"camera {ctx.camera_spec} fails: {exc}") from exc
    finally:
        source.close()
    if frame is None:
        raise CheckWarning(f"camera {ctx.camera_spec} opens but sent no picture within 3 s")
    h, w = frame.image.shape[:2]
    return f"{ctx.camera_spec} delivers {w}x{h} frames ({backend} back-end)"


@contextmanager
def _quiet_stderr() -> Iterator[Callable[[], str]]:
    """Native libraries' chatter on standard error (file descriptor 2) goes to a temporary file
    for a while; the context gives a function returning the last of it (for a failure's detail)."""
    with tempfile.TemporaryFile() as captured:

        def tail(limit: int = 300) -> str:
            try:
                captured.seek(0)
                text = captured.read().decode("utf-8", "replace")
            except (OSError, ValueError):
                return ""
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            return " | ".join(lines)[-limit:]

        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError, AttributeError):
            yield tail
            return
        try:
            os.dup2(captured.fileno(), 2)
            yield tail
        finally:
            os.dup2(saved, 2)
            os.close(saved)


@contextmanager
def _quiet_opencv(backend: str) -> Iterator[None]:
    """OpenCV prints its own warnings when no camera is there; the report says it once."""
    if backend != "opencv":
        yield
        return
    import cv2

    try:
        old = cv2.utils.logging.getLogLevel()
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    except AttributeError:  # pragma: no cover - older OpenCV
        yield
        return
    try:
        yield
    finally:
        cv2.utils.logging.setLogLevel(old)
