"""``starkiosk --self-test`` — can this PC run the kiosk?  A site admin's first command.

Each check exercises the real thing the app needs (the database, the bundled files read through
the frozen-aware asset helper, the Qt plugins), so on a built bundle it also proves that nothing
was left out of it.  A check ends ``ok``, ``warn`` (the kiosk still works, with less: no camera,
not enrolled yet) or ``fail`` (the kiosk cannot work until it is fixed); the exit status is 1 when
anything failed, else 0.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from kiosk import __version__

# The text in assets/selftest/qr.png (``python -m kiosk.devtools selftest-png`` writes it).
# Not a pass: nothing in it identifies anyone.
SELFTEST_TEXT = "STARKIOSK-SELFTEST-1"
SELFTEST_PNG = ("selftest", "qr.png")
# The same code in a short MJPEG video (``python -m kiosk.devtools selftest-video``): played through
# the camera's frame path, so a kiosk without a camera still proves that path works.
SELFTEST_VIDEO = ("selftest", "qr.avi")
# A string the English translation must know (context, Chinese source, English).
KNOWN_TRANSLATION = ("AdminScreen", "状态与管理", "Status and admin")
SOUNDS = ("success", "warning", "failure")

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
_KEEP: list[Any] = []


@dataclass
class Check:
    name: str
    status: str
    detail: str
    ms: float = 0.0


@dataclass
class Report:
    version: str
    frozen: bool
    system: str
    data_dir: str
    checks: list[Check] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(c.status == FAIL for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": not self.failed}


class CheckFailed(Exception):
    """The check failed; the message says why and, where possible, what to do."""


class CheckWarning(Exception):
    """The kiosk works without this, with less; the message says what is missing."""


@dataclass
class _Context:
    data_dir: Path
    camera_spec: str
    db_path: Path | None = None  # the database the store check opened
    temp_dirs: list[tempfile.TemporaryDirectory[str]] = field(default_factory=list)


# -- the checks ---------------------------------------------------------------


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".selftest-"):
            pass
    except OSError:
        return False
    return True


def check_store(ctx: _Context) -> str:
    from kiosk.config import Config
    from kiosk.core.store import Store, StoreError

    db_path = Config(ctx.data_dir).db_path
    note = ""
    if not _writable(ctx.data_dir):
        tmp = tempfile.TemporaryDirectory(prefix="starkiosk-selftest-")
        ctx.temp_dirs.append(tmp)
        db_path = Path(tmp.name) / "kiosk.db"
        note = f" (the data folder {ctx.data_dir} is not writable: checked a temporary database)"
    try:
        with Store(db_path) as store:  # opens or creates, quick_check, migrations
            store.quick_check()
            counts = store.record_counts()
            schema = store.schema_version()
    except (StoreError, OSError) as exc:
        raise CheckFailed(str(exc)) from exc
    ctx.db_path = db_path
    detail = (f"{db_path.name} opens, quick_check ok, schema {schema}, "
              f"{counts['pending']} records waiting to upload{note}")
    if note:
        raise CheckWarning(detail)
    return detail


def check_trust(ctx: _Context) -> str:
    from kiosk.core.store import Store, StoreError

    if ctx.db_path is None:
        raise CheckWarning("skipped: the database could not be opened (see the store check)")
    try:
        with Store(ctx.db_path, check=False) as store:
            keys = store.trust_keys()
            venue = store.venue()
    except (StoreError, OSError, ValueError) as exc:
        raise CheckFailed(f"the trust list cannot be read: {exc}") from exc
    if not keys:
        raise CheckWarning("not enrolled yet: no platform keys, so no pass can be checked. "
                           "Enrol the kiosk or import a site bundle.")
    where = f" for {venue['name']}" if venue else ""
    return f"{len(keys)} platform key(s){where} (ids {', '.join(map(str, sorted(keys)))})"


def check_decoder(ctx: _Context) -> str:
    from kiosk.assets import asset_path
    from kiosk.services.images import decode_file

    try:
        path = asset_path(*SELFTEST_PNG)
        result = decode_file(str(path))
    except (FileNotFoundError, ValueError) as exc:
        raise CheckFailed(str(exc)) from exc
    if result.texts != [SELFTEST_TEXT]:
        raise CheckFailed(f"the test QR code did not decode as expected (got {len(result.texts)} "
                          "code(s)); reinstall the kiosk")
    return f"test QR code decoded in {result.ms:.1f} ms (zxing-cpp, Qt image loading)"


def check_translations(ctx: _Context) -> str:
    from PySide6.QtCore import QTranslator

    from kiosk.i18n import qm_path

    path = qm_path("en")
    if not path.exists():
        raise CheckFailed(f"English translation missing: {path}")
    translator = QTranslator()
    if not translator.load(str(path)):
        raise CheckFailed(f"English translation cannot be loaded: {path}")
    context, source, expected = KNOWN_TRANSLATION
    got = translator.translate(context, source)
    if got != expected:
        raise CheckFailed(f"English translation loaded but gives {got!r} for a known string")
    return "English translation loads and translates (Chinese is built in)"


def check_sounds(ctx: _Context) -> str:
    from kiosk.assets import asset_path

    lengths = []
    for name in SOUNDS:
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
        from PySide6.QtMultimedia import QSoundEffect  # noqa: F401
    except ImportError as exc:
        raise CheckWarning(f"sound files ok ({', '.join(lengths)}) but Qt Multimedia is "
                           f"missing, so the kiosk will be silent: {exc}") from exc
    return f"{', '.join(lengths)}; Qt Multimedia present"


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
    from kiosk.scan.decoder import QrDecoder
    from kiosk.scan.sources import SourceError
    from kiosk.services.camera import open_frame_source

    try:
        path = asset_path(*SELFTEST_VIDEO)
        source = open_frame_source(f"file:{path}", backend=backend)
    except (FileNotFoundError, SourceError) as exc:
        raise CheckFailed(f"the test video cannot be played ({exc}); reinstall the kiosk") from exc
    decoder = QrDecoder(invert="alternate")  # as the camera pipeline decodes
    frames = 0
    try:
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline and not source.ended:
            frame = source.read()
            if frame is None:
                continue
            frames += 1
            if SELFTEST_TEXT in decoder.decode(frame.image).texts:
                return f"test video decoded after {frames} frame(s) ({backend} back-end)"
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


def check_qt(ctx: _Context) -> str:
    try:
        from PySide6.QtGui import QFontDatabase, QGuiApplication, QImage, QPainter
        from PySide6.QtWidgets import QApplication  # noqa: F401  (the widgets library loads)
    except ImportError as exc:
        raise CheckFailed(f"Qt's libraries cannot be loaded ({exc}): install the system packages "
                          "listed in docs/install.md") from exc

    _qt_app()
    lost = none_refs_lost()
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


CHECKS: list[tuple[str, Callable[[_Context], str]]] = [
    ("store", check_store),
    ("trust list", check_trust),
    ("decoder", check_decoder),
    ("frames", check_frames),
    ("translations", check_translations),
    ("sounds", check_sounds),
    ("camera", check_camera),
    ("qt", check_qt),
]


# -- running and reporting ----------------------------------------------------


def run_checks(data_dir: Path, *, camera: str | None = None) -> Report:
    """Every check in turn; one check's failure never stops the others."""
    from kiosk.config import Config

    _quiet_qt_multimedia()
    report = Report(__version__, bool(getattr(sys, "frozen", False)),
                    f"{platform.system()} {platform.release()} {platform.machine()}, "
                    f"Python {platform.python_version()}", str(data_dir))
    camera_spec = camera
    settings_error = None
    try:
        cfg = Config.load(data_dir)
        camera_spec = camera_spec or str(cfg.get("camera"))
    except ValueError as exc:
        settings_error = str(exc)
    ctx = _Context(data_dir, camera_spec or "camera:0")
    if settings_error:
        report.checks.append(Check("settings", FAIL, settings_error))
    try:
        for name, fn in CHECKS:
            t0 = time.perf_counter()
            try:
                status, detail = OK, fn(ctx)
            except CheckWarning as exc:
                status, detail = WARN, str(exc)
            except CheckFailed as exc:
                status, detail = FAIL, str(exc)
            except Exception as exc:  # a broken install shows up here: report it, go on
                status, detail = FAIL, f"{type(exc).__name__}: {exc}"
            report.checks.append(Check(name, status, detail,
                                       round((time.perf_counter() - t0) * 1000, 1)))
    finally:
        for tmp in ctx.temp_dirs:
            with suppress(OSError):
                tmp.cleanup()
    return report


_TAGS = {OK: "[ OK ]", WARN: "[WARN]", FAIL: "[FAIL]", SKIP: "[SKIP]"}


def format_report(report: Report) -> str:
    kind = "bundle" if report.frozen else "source install"
    lines = [f"starkiosk {report.version} self-test ({kind}; {report.system})",
             f"data folder: {report.data_dir}", ""]
    for c in report.checks:
        lines.append(f"{_TAGS[c.status]} {c.name:<13} {c.detail}")
    fails = sum(c.status == FAIL for c in report.checks)
    warns = sum(c.status == WARN for c in report.checks)
    lines.append("")
    lines.append(f"FAILED: {fails} check(s) failed, {warns} warning(s). The kiosk cannot run "
                 "until the failures are fixed." if fails else
                 f"PASSED with {warns} warning(s)." if warns else "PASSED.")
    return "\n".join(lines) + "\n"


def main(data_dir: Path | None = None, *, as_json: bool = False, out: TextIO | None = None,
         camera: str | None = None) -> int:
    from kiosk.config import default_data_dir

    out = out or sys.stdout
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
    report = run_checks(data_dir or default_data_dir(), camera=camera)
    if as_json:
        out.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
    else:
        out.write(format_report(report))
    out.flush()
    return 1 if report.failed else 0
