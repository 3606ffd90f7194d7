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

# One logger for the whole store package, named as it was when the store was a single module.
log = logging.getLogger("kiosk.core.store")

BUSY_TIMEOUT_MS = 5000


class StoreError(Exception):
    """The database cannot be used; the message says what to do."""


def to_iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


class StoreBase:
    """The open connection to one kiosk database file, and its transactions."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(
                self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a kiosk database or cannot be opened ({exc}). "
                "Check the data folder, or restore it from a backup."
            ) from exc
        if mode.lower() != "wal":
            log.warning("journal mode is %s, not WAL", mode)
        self.conn = conn
        self.db = sqlite_utils.Database(conn)

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
            raise StoreError(
                f"The kiosk database {self.path} is damaged ({exc}). Stop using this kiosk, "
                "copy the data folder for support, and restore the latest backup."
            ) from exc
        if rows != ["ok"]:
            raise StoreError(
                f"The kiosk database {self.path} failed its check ({'; '.join(rows[:3])}). "
                "Copy the data folder for support and restore the latest backup."
            )

    def integrity_check(self) -> list[str]:
        return [r[0] for r in self.conn.execute("PRAGMA integrity_check")]

    def backup(self, dest: Path) -> Path:
        """A consistent copy of the live database (safe while it is in use)."""
        tmp = dest.with_name(dest.name + ".part")
        target = sqlite3.connect(tmp)
        try:
            self.conn.backup(target)
        finally:
            target.close()
        shutil.move(tmp, dest)
        return dest

    @contextmanager
    def write(self) -> Iterator[None]:
        """A write transaction taken up front (BEGIN IMMEDIATE), so decisions read what they write."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
