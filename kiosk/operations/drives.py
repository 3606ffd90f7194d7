"""Where the USB stick is: the removable drives a site admin can export to or import from.

Linux desktops mount sticks under ``/media/<user>/`` or ``/run/media/<user>/``; Windows gives
them a drive letter whose type is "removable".  ``STARKIOSK_USB_DIRS`` (folders separated by
the OS path separator) adds folders — a stick a site mounts elsewhere, or a test's folder.
Nothing here writes; the callers say what they found in plain words.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ENV_DIRS = "STARKIOSK_USB_DIRS"
_DRIVE_REMOVABLE = 2  # GetDriveTypeW


@dataclass(frozen=True, slots=True)
class Drive:
    path: Path
    label: str
    free_bytes: int | None


def _linux_mounts() -> list[Path]:
    user = os.environ.get("USER") or os.environ.get("USERNAME") or ""
    found: list[Path] = []
    for base in (Path("/media") / user, Path("/run/media") / user):
        try:
            children = [p for p in base.iterdir() if p.is_dir()]
        except OSError:
            continue
        found += sorted(children, key=lambda p: p.stat().st_mtime, reverse=True)
    return found


def _windows_drives() -> list[Path]:  # pragma: no cover - Windows only
    import ctypes

    kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
    mask = kernel.GetLogicalDrives()
    out = []
    for i in range(26):
        if mask & (1 << i):
            root = f"{chr(65 + i)}:\\"
            if kernel.GetDriveTypeW(root) == _DRIVE_REMOVABLE:
                out.append(Path(root))
    return out


def removable_drives(*, writable: bool = False) -> list[Drive]:
    """The sticks plugged in now, newest mount first (``STARKIOSK_USB_DIRS`` first of all)."""
    extra = [Path(p) for p in os.environ.get(ENV_DIRS, "").split(os.pathsep) if p.strip()]
    found = extra + (_windows_drives() if sys.platform == "win32" else _linux_mounts())
    drives: list[Drive] = []
    seen: set[Path] = set()
    for path in found:
        if path in seen or not path.is_dir():
            continue
        seen.add(path)
        if writable and not os.access(path, os.W_OK):
            continue
        try:
            free: int | None = shutil.disk_usage(path).free
        except OSError:
            free = None
        drives.append(Drive(path, path.name or str(path), free))
    return drives
