"""The check-in service: the scan path on its own thread, results back in the main thread.

A worker thread owns its own :class:`~kiosk.core.store.Store` connection (one connection per
thread) and runs :class:`~kiosk.core.desk.CheckinDesk`.  Jobs are queued in order; ``result``
goes out in the main thread only after the desk has committed the record, so a green card is
never shown for something that is not on disk.  The GUI thread never waits on SQLite here.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from kiosk.core.clock import Clock
from kiosk.core.desk import CheckinDesk, CheckinResult
from kiosk.core.rules import Window
from kiosk.core.store import Store

log = logging.getLogger(__name__)

_STOP = object()


class CheckinService(QObject):
    """Owns the check-in worker.  Call from the main thread only; signals arrive there too."""

    result = Signal(object)  # CheckinResult, after commit
    counts_changed = Signal(dict)  # store.session_counts(...) + capacity, for the scan screen
    found = Signal(list)  # RegistrationRow list from a volunteer look-up
    failed = Signal(str)  # a job raised; the message is plain words, the traceback is in the log

    _result_from_worker = Signal(object)
    _counts_from_worker = Signal(dict)
    _found_from_worker = Signal(list)
    _failed_from_worker = Signal(str)
    _call_from_worker = Signal(object)

    def __init__(self, db_path: Path, *, clock: Clock | None = None, window: Window | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.clock = clock
        self.window = window
        self.session_id: int | None = None
        self.pending = 0  # jobs submitted and not yet answered (tests and the busy hint)
        self._jobs: queue.Queue[Any] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._result_from_worker.connect(self._relay_result)
        self._counts_from_worker.connect(self.counts_changed)
        self._found_from_worker.connect(self._relay_found)
        self._failed_from_worker.connect(self._relay_failed)
        self._call_from_worker.connect(self._relay_call)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker (again, if it died: a scan is never queued to a dead thread)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._run, name="checkin", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread is None:
            return
        self._jobs.put(_STOP)
        self._thread.join(timeout)
        self._thread = None

    # -- requests (main thread) --------------------------------------------------------------

    def set_session(self, session_id: int) -> None:
        self.session_id = session_id
        self.refresh_counts()

    def submit(self, text: str, method: str) -> None:
        """Queue one scanned pass for the current class; ``result`` follows after commit."""
        if self.session_id is None:
            log.warning("scan ignored: no class chosen")
            return
        self._put(("scan", self.session_id, text, method))

    def manual(self, parent_id: int) -> None:
        """A volunteer's manual check-in (flagged ``manual``) of a parent found by phone digits."""
        if self.session_id is not None:
            self._put(("manual", self.session_id, parent_id))

    def find(self, phone_last4: str, surname: str | None = None) -> None:
        if self.session_id is not None:
            self._put(("find", self.session_id, phone_last4, surname or None))

    def refresh_counts(self) -> None:
        if self.session_id is not None:
            self._put(("counts", self.session_id))

    def call(self, fn: Callable[[Store], Any], done: Callable[[Any], None] | None = None) -> None:
        """Run ``fn(store)`` on the worker (reads for screens); ``done(value)`` in the main thread."""
        self._put(("call", fn, done))

    def _put(self, job: tuple[Any, ...]) -> None:
        self.start()
        if job[0] in ("scan", "manual", "find"):
            self.pending += 1
        self._jobs.put(job)

    # -- worker ------------------------------------------------------------------------------

    def _run(self) -> None:
        store = Store(self.db_path)
        desk = CheckinDesk(store, self.clock, self.window)
        try:
            while True:
                job = self._jobs.get()
                if job is _STOP:
                    return
                try:
                    self._do(desk, store, job)
                except Exception as exc:
                    log.exception("check-in job %s failed", job[0])
                    if job[0] in ("scan", "manual", "find"):
                        self._failed_from_worker.emit(f"{job[0]}: {type(exc).__name__}")
        finally:
            store.close()

    def _do(self, desk: CheckinDesk, store: Store, job: tuple[Any, ...]) -> None:
        kind = job[0]
        if kind == "scan":
            _, sid, text, method = job
            self._result_from_worker.emit(desk.scan(text, sid, method))
            self._counts_from_worker.emit(self._counts(store, sid))
        elif kind == "manual":
            _, sid, parent_id = job
            self._result_from_worker.emit(desk.manual(sid, parent_id))
            self._counts_from_worker.emit(self._counts(store, sid))
        elif kind == "find":
            _, sid, last4, surname = job
            self._found_from_worker.emit(desk.find(sid, last4, surname))
        elif kind == "counts":
            self._counts_from_worker.emit(self._counts(store, job[1]))
        elif kind == "call":
            _, fn, done = job
            value = fn(store)
            if done is not None:
                self._call_from_worker.emit((done, value))

    @staticmethod
    def _counts(store: Store, session_id: int) -> dict[str, Any]:
        counts: dict[str, Any] = dict(store.session_counts(session_id))
        session = store.session(session_id)
        counts["session_id"] = session_id
        counts["capacity"] = session.capacity if session else 0
        return counts

    # -- main thread -------------------------------------------------------------------------

    @Slot(object)
    def _relay_result(self, result: CheckinResult) -> None:
        self.pending = max(0, self.pending - 1)
        self.result.emit(result)

    @Slot(list)
    def _relay_found(self, rows: list) -> None:
        self.pending = max(0, self.pending - 1)
        self.found.emit(rows)

    @Slot(str)
    def _relay_failed(self, message: str) -> None:
        self.pending = max(0, self.pending - 1)
        self.failed.emit(message)

    @Slot(object)
    def _relay_call(self, item: tuple[Callable[[Any], None], Any]) -> None:
        done, value = item
        done(value)
