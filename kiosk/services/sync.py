"""The sync service: one worker thread running the sync engine, scheduled by a timer.

Timers schedule, they don't work: the QTimer only queues a pass; the worker thread (with its
own Store connection and :class:`~sync.engine.SyncEngine`) does the network and disk work.  A
pass is never queued while one is running (a "sync now" during a pass is remembered and run
right after).  Every pass ends with ``status_changed(dict)`` in the main thread — what the sync
badge and the admin screen show.

:class:`LoopbackSwitch` is the demo's "network cable": a small TCP forwarder on 127.0.0.1 that
the kiosk talks to instead of the API; switching it off refuses and cuts connections.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import socket
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from kiosk.core.clock import Clock
from kiosk.core.store import Store
from sync import credentials
from sync.client import ApiClient, reachable
from sync.engine import SyncEngine, SyncResult, purge_expired, sync_facts
from sync.enrolment import EnrolError, enrol  # noqa: F401  (re-exported for the UI)

log = logging.getLogger(__name__)

_STOP = ("stop",)


def read_status(data_dir: Path, store: Store, result: SyncResult | None = None,
                *, busy: bool = False) -> dict[str, Any]:
    """The badge's facts from the store (and the pass that just ran, when there is one)."""
    try:
        creds = credentials.load(data_dir)
        problem = None
    except ValueError as exc:
        creds, problem = None, str(exc)
    last = store.sync_log(1)
    records = store.record_counts()
    online: bool | None
    if result is not None and result.ran:
        online = result.ok
    elif last:
        online = bool(last[0]["ok"])
    else:
        online = None
    return {
        "enrolled": creds is not None,
        "problem": problem,
        "online": online,
        "busy": busy,
        "pending": records["pending"],
        "parked": records["parked"],
        "acknowledged": records["acknowledged"],
        **sync_facts(store),
        "next_try_in_s": result.next_try_in_s if result is not None else None,
    }


class SyncService(QObject):
    """Owns the sync worker.  ``status_changed`` and ``enrolled`` arrive in the main thread."""

    status_changed = Signal(dict)
    enrolled = Signal(dict)  # {"venue": name, "device_id": n, "sync_ok": bool}
    enrol_failed = Signal(str)

    _status_from_worker = Signal(dict)
    _enrolled_from_worker = Signal(dict)
    _enrol_failed_from_worker = Signal(str)

    def __init__(self, data_dir: Path, db_path: Path, *, interval_s: float = 30.0,
                 retention_days: int = 30, clock: Clock | None = None,
                 switch: LoopbackSwitch | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.db_path = Path(db_path)
        self.retention_days = retention_days
        self.clock = clock
        self.switch = switch
        self.status: dict[str, Any] = {}
        self.running = False  # a pass is queued or under way
        self._again = False
        self._jobs: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(max(1, int(interval_s * 1000)))
        self.timer.timeout.connect(self._tick)
        self._status_from_worker.connect(self._on_status)
        self._enrolled_from_worker.connect(self.enrolled)
        self._enrol_failed_from_worker.connect(self._on_enrol_failed)

    # -- lifecycle (main thread) -------------------------------------------------------------

    def start(self, *, run_now: bool = True) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sync", daemon=True)
            self._thread.start()
        self.timer.start()
        if run_now:
            self._queue(force=False)
        else:
            self._jobs.put(("status",))

    def stop(self, timeout: float = 10.0) -> None:
        self.timer.stop()
        if self._thread is not None:
            self._jobs.put(_STOP)
            self._thread.join(timeout)
            self._thread = None

    # -- requests ----------------------------------------------------------------------------

    def sync_now(self) -> None:
        """Someone pressed "sync now" (or a close-out was queued): run at once, skip back-off."""
        self._queue(force=True)

    def refresh(self) -> None:
        """Re-read the badge facts (after a check-in added a pending record)."""
        if self._thread is None:
            self.start(run_now=False)
        else:
            self._jobs.put(("status",))

    def enrol(self, url: str, code: str, name: str | None = None) -> None:
        """Enrol on the worker: ``enrolled`` or ``enrol_failed`` follows in the main thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sync", daemon=True)
            self._thread.start()
        self.running = True
        self._jobs.put(("enrol", url, code, name))

    def set_online(self, online: bool) -> None:
        """The demo's network switch.  A pass runs at once, so the badge shows the change (and
        a network that came back is used straight away)."""
        if self.switch is None:
            return
        self.switch.set_online(online)
        log.info("demo network switch: %s", "on" if online else "off")
        self.sync_now()

    @property
    def has_switch(self) -> bool:
        return self.switch is not None

    def _tick(self) -> None:
        self._queue(force=False)

    def _queue(self, *, force: bool) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sync", daemon=True)
            self._thread.start()
        if self.running:  # never two passes at once; remember the wish
            self._again = self._again or force
            return
        self.running = True
        self._jobs.put(("sync", force))

    @Slot(dict)
    def _on_status(self, status: dict) -> None:
        if status.pop("_pass_done", False):
            self.running = False
            if self._again:
                self._again = False
                self._queue(force=True)
        self.status = status
        self.status_changed.emit(status)

    @Slot(str)
    def _on_enrol_failed(self, message: str) -> None:
        self.running = False
        self.enrol_failed.emit(message)

    # -- worker ------------------------------------------------------------------------------

    def _engine(self, store: Store) -> SyncEngine:
        try:
            creds = credentials.load(self.data_dir)
        except ValueError as exc:
            log.warning("sync: %s", exc)
            creds = None
        client = (ApiClient(creds.api_url, creds.token, ca_bundle=creds.ca_bundle, timeout=(3.0, 30.0))
                  if creds else None)
        return SyncEngine(store, client, self.clock)

    def _run(self) -> None:
        store = Store(self.db_path)
        engine = self._engine(store)
        was_online = True
        try:
            while True:
                job = self._jobs.get()
                if job == _STOP:
                    return
                try:
                    if job[0] == "sync":
                        result = self._pass(engine, store, force=job[1], was_online=was_online)
                        if result.ran:
                            was_online = result.ok
                        status = read_status(self.data_dir, store, result)
                        status["_pass_done"] = True
                        self._status_from_worker.emit(status)
                    elif job[0] == "status":
                        self._status_from_worker.emit(read_status(self.data_dir, store))
                    elif job[0] == "enrol":
                        engine = self._enrol(store, *job[1:]) or engine
                except Exception:
                    log.exception("sync job %s failed", job[0])
                    if job[0] == "sync":
                        self._status_from_worker.emit({**read_status(self.data_dir, store),
                                                       "_pass_done": True, "online": False})
                    elif job[0] == "enrol":
                        self._enrol_failed_from_worker.emit("unexpected error; see the log")
        finally:
            store.close()

    def _pass(self, engine: SyncEngine, store: Store, *, force: bool, was_online: bool) -> SyncResult:
        if not force and not was_online and engine.client is not None \
                and engine.seconds_until_due() > 0 and reachable(engine.client.base_url):
            engine.sync_now()  # the network is back: do not sit out the back-off
        result = engine.run_once(force=force)
        if result.ok:
            purged = purge_expired(store, engine.clock, self.retention_days)
            if purged:
                log.info("retention: purged %d acknowledged records", purged)
        return result

    def _enrol(self, store: Store, url: str, code: str, name: str | None) -> SyncEngine | None:
        try:
            info, result = enrol(self.data_dir, store, url, code, name=name, clock=self.clock)
        except EnrolError as exc:
            self._enrol_failed_from_worker.emit(exc.error)
            return None
        status = read_status(self.data_dir, store, result)
        status["_pass_done"] = True
        self._status_from_worker.emit(status)
        self._enrolled_from_worker.emit(info)
        return self._engine(store)


class LoopbackSwitch:
    """A TCP forwarder 127.0.0.1:<port> → upstream, with an on/off switch (the demo's cable).

    Off: new connections are accepted and closed at once, open ones are cut — to the kiosk it
    looks like the network went away.  Only ever forwards to the one loopback upstream it got.
    """

    def __init__(self, upstream_port: int, *, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port: int = self._server.getsockname()[1]
        self._online = threading.Event()
        self._online.set()
        self._stop = threading.Event()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name="net-switch", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def online(self) -> bool:
        return self._online.is_set()

    def set_online(self, online: bool) -> None:
        if online:
            self._online.set()
            return
        self._online.clear()
        with self._lock:
            conns, self._conns = set(self._conns), set()
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
            c.close()

    def close(self) -> None:
        self._stop.set()
        self.set_online(False)
        self._thread.join(2)
        self._server.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._online.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            src.settimeout(None)
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._conns.discard(src)
                self._conns.discard(dst)
