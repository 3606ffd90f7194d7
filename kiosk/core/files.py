"""Owner-only files and folders for the kiosk's data folder.

On POSIX the data folder is 0700 and every file in it 0600: the process umask is 077 from
start-up (``kiosk.cli.main``), each writer makes its own file owner-only as well (so a library
caller or a test gets the same), and :func:`tighten_data_dir` repairs a folder an older version
left 0755/0644.  Windows has no such modes: the data folder is the user's own AppData folder,
whose inherited ACL admits only that user, SYSTEM and Administrators (docs/install.md says what
to check there).
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

POSIX = os.name == "posix"
DIR_MODE = 0o700
FILE_MODE = 0o600


def private_umask() -> None:
    """New files and folders of this process are owner-only (POSIX; nothing on Windows)."""
    if POSIX:
        os.umask(0o077)


def _tighten(path: Path, mode: int) -> None:
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode) or stat.S_IMODE(st.st_mode) & 0o077 == 0:
            return
        os.chmod(path, mode)
    except FileNotFoundError:
        return
    except OSError as exc:  # not ours (another user's folder): say so, carry on
        log.warning("cannot make %s owner-only: %s", path, exc)


def private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) and make the folder itself owner-only (0700)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if POSIX:
        _tighten(path, DIR_MODE)
    return path


def private_file(path: Path) -> None:
    """An existing file becomes owner-only (0600); a missing one is left missing."""
    if POSIX:
        _tighten(path, FILE_MODE)


def create_private(path: Path) -> bool:
    """Create ``path`` empty and owner-only unless it exists; True when this call made it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def write_private_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically (a temporary file, fsync, rename), owner-only."""
    private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    private_file(tmp)  # an old .tmp left 0644 keeps its mode through O_TRUNC
    tmp.replace(path)


def tighten_data_dir(data_dir: Path) -> None:
    """The data folder 0700, its files and its logs 0600 (POSIX; a no-op when missing)."""
    if not POSIX or not data_dir.is_dir():
        return
    _tighten(data_dir, DIR_MODE)
    logs = data_dir / "logs"
    for folder in (data_dir, logs):
        if folder is logs and logs.is_dir():
            _tighten(logs, DIR_MODE)
        with contextlib.suppress(OSError):
            for entry in folder.iterdir():
                if entry.is_file() and not entry.is_symlink():
                    _tighten(entry, FILE_MODE)
