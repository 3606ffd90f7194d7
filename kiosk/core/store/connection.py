"""Opening the kiosk database: the file, its durability pragmas, the write lock.

Durability rules (DESIGN §5): WAL journal, ``synchronous=FULL``, every check-in committed before
anyone is told it was accepted.  One connection per thread: a store must only be used from the
thread that opened it.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

import sqlite_utils

from kiosk.core.files import create_private, private_dir, private_file

# One logger for the whole store package, named as it was when the store was a single module.
log = logging.getLogger("kiosk.core.store")

BUSY_TIMEOUT_MS = 5000
_SIDE_FILES = ("-wal", "-shm")
_LOW_SPACE = 4 * 1024 * 1024  # an I/O error with less free space than this is a full disk


class StoreError(Exception):
    """The database cannot be used; the message says what to do.  ``kind``: ``damaged``,
    ``empty``, ``full``, ``io``, ``access``, ``busy`` or ``other``."""

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


def _free_bytes(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path.parent).free
    except OSError:
        return None


def disk_problem(exc: sqlite3.Error, path: Path) -> StoreError | None:
    """The words for an SQLite error that is about the disk or the file, not about the data:
    a full disk, an I/O error, no permission, another program holding the file.  None for the
    rest (a damaged file; a constraint, which is the caller's business)."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    text = str(exc).lower()
    free = _free_bytes(path)
    folder = path.parent
    if name == "SQLITE_FULL" or "disk is full" in text or (
            (name.startswith("SQLITE_IOERR") or "disk i/o error" in text)
            and (name == "SQLITE_IOERR_SHMSIZE" or (free is not None and free < _LOW_SPACE))):
        left = f" ({free // 1024} KB free)" if free is not None else ""
        return StoreError(
            f"The disk that holds {folder} is full{left}: free some space (old exports, other "
            f"files on that drive) and start the kiosk again. {path.name} is not damaged: do not "
            "restore a backup over it.", "full")
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return StoreError(
            f"The kiosk cannot read or write {path} ({exc}): the drive may be failing or was "
            "removed. Do not restore a backup over it: copy the whole data folder for support "
            "first.", "io")
    if name in ("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH") or name.startswith(
            "SQLITE_READONLY") or "unable to open" in text or "readonly" in text:
        return StoreError(
            f"The kiosk may not open or write {path} ({exc}): check that the data folder "
            f"{folder} exists and belongs to the user running the kiosk.", "access")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return StoreError(
            f"{path} is in use by another program ({exc}): close the other kiosk window or "
            "command and try again.", "busy")
    return None


def to_iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


class StoreBase:
    """The open connection to one kiosk database file, and its transactions."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        private_dir(self.path.parent)
        self._check_file()
        try:
            conn = sqlite3.connect(
                self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise disk_problem(exc, self.path) or StoreError(
                f"{self.path} is not a kiosk database or cannot be opened ({exc}). "
                "Check the data folder, or restore it from a backup.", "damaged"
            ) from exc
        for suffix in ("", *_SIDE_FILES):  # SQLite gives -wal/-shm the database file's mode
            private_file(self.path.with_name(self.path.name + suffix))
        if mode.lower() != "wal":
            log.warning("journal mode is %s, not WAL", mode)
        self.conn = conn
        self.db = sqlite_utils.Database(conn)

    def _check_file(self) -> None:
        """Refuse to make a new, empty database where the old one should be; otherwise create
        a missing file owner-only before SQLite opens it."""
        wal = self.path.with_name(self.path.name + "-wal")
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            if wal.exists() and wal.stat().st_size > 0:
                raise StoreError(
                    f"{self.path} is missing but its journal {wal.name} is still there: the "
                    "database was moved or deleted while in use. Put kiosk.db back (from where "
                    f"it went, or a backup) or, to start afresh, move {wal.name} away too.",
                    "empty") from None
            create_private(self.path)
            return
        if size == 0:
            raise StoreError(
                f"{self.path} is empty (0 bytes): this kiosk's records are not in it (a copy "
                "that did not finish, a full disk, a clean-up tool?). Stop the kiosk and look "
                "for the real file: a copy you made, or a kiosk.db.schema*.bak beside it. Only "
                "if this kiosk never recorded anything, delete the empty file to start afresh.",
                "empty")

    # -- lifecycle ----------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def quick_check(self) -> None:
        try:
            rows = [r[0] for r in self.conn.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError as exc:
            raise disk_problem(exc, self.path) or StoreError(
                f"The kiosk database {self.path} is damaged ({exc}). Stop using this kiosk, "
                "copy the data folder for support, and restore the latest backup.", "damaged"
            ) from exc
        if rows != ["ok"]:
            raise StoreError(
                f"The kiosk database {self.path} failed its check ({'; '.join(rows[:3])}). "
                "Copy the data folder for support and restore the latest backup.", "damaged"
            )

    def integrity_check(self) -> list[str]:
        return [r[0] for r in self.conn.execute("PRAGMA integrity_check")]

    def backup(self, dest: Path) -> Path:
        """A consistent copy of the live database (safe while it is in use)."""
        tmp = dest.with_name(dest.name + ".part")
        tmp.unlink(missing_ok=True)
        create_private(tmp)
        target = sqlite3.connect(tmp)
        try:
            self.conn.backup(target)
        except sqlite3.OperationalError as exc:
            if problem := self._disk(exc):
                raise problem from exc
            raise
        finally:
            target.close()
        shutil.move(tmp, dest)
        return dest

    def _disk(self, exc: sqlite3.OperationalError) -> StoreError | None:
        """A disk problem in plain words; None for the rest (a busy file too: callers wait)."""
        problem = disk_problem(exc, self.path)
        return problem if problem is not None and problem.kind != "busy" else None

    @contextmanager
    def write(self) -> Iterator[None]:
        """A write transaction taken up front (BEGIN IMMEDIATE), so decisions read what they write.

        A full disk or an I/O error at any step is a :class:`StoreError` that says so."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if problem := self._disk(exc):
                raise problem from exc
            raise
        try:
            yield
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.OperationalError) and (problem := self._disk(exc)):
                raise problem from exc
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            if problem := self._disk(exc):
                raise problem from exc
            raise

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error as exc:  # the error that got us here is the one to report
                log.warning("rollback failed: %s", exc)
