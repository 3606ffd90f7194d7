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
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TextIO

from kiosk import __version__

# The checks live in modules named for what they check (data, media, qt); the names this module
# has always had stay importable from the package.  The checks read the constants below (and
# _writable, none_refs_lost) from the package when they run, so setting kiosk.selftest.X changes
# what they use.
from kiosk.selftest.base import (
    FAIL,
    OK,
    SKIP,
    WARN,
    Check,
    CheckFailed,
    CheckWarning,
    Report,
    _Context,
)
from kiosk.selftest.data import _writable as _writable
from kiosk.selftest.data import check_store, check_trust
from kiosk.selftest.media import check_camera, check_decoder, check_frames, check_sounds
from kiosk.selftest.qt import _quiet_qt_multimedia, check_qt, check_translations, none_refs_lost

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

__all__ = [
    "CHECKS", "FAIL", "KNOWN_TRANSLATION", "OK", "SELFTEST_PNG", "SELFTEST_TEXT",
    "SELFTEST_VIDEO", "SKIP", "SOUNDS", "WARN", "Check", "CheckFailed", "CheckWarning", "Report",
    "check_camera", "check_decoder", "check_frames", "check_qt", "check_sounds", "check_store",
    "check_translations", "check_trust", "format_report", "main", "none_refs_lost", "run_checks",
]

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
