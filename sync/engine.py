"""The sync engine: a plain object with its store, API client and clock injected.

``run_once()`` uploads before it downloads, disposes of every record inside the loop (accepted
or duplicate → acknowledged; rejected → parked with the server's reason; nothing is ever
deleted unsent), and returns a :class:`SyncResult`.  Its own gating lives inside: enrolled?
revoked? backing off?  Back-off is exponential with full jitter and a cap, reset on success; a
"sync now" or a network that comes back skips the wait.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from kiosk.core.clock import Clock, SystemClock
from kiosk.core.store import Store, from_iso, to_iso
from sync.client import ApiClient, ApiFailure, Disposition
from sync.protocol import (
    CloseoutRequest,
    RosterAddition,
    RosterRemoval,
    UploadBatch,
    UploadRecord,
)

log = logging.getLogger(__name__)

BATCH = 500
CLOCK_WARNING_MS = 2 * 60 * 1000

META_REVOKED = "device_revoked"
META_OFFSET = "clock_offset_ms"
META_LAST_OK = "last_sync_ok_at"
META_LAST_ERROR = "last_sync_error"
META_LAST_ATTEMPT = "last_sync_attempt_at"
CURSORS = ("sessions", "registrations", "revocations")


@dataclass
class SyncResult:
    ran: bool = True
    ok: bool = False
    uploaded: int = 0
    duplicates: int = 0
    parked: int = 0
    closeouts: int = 0
    downloaded: int = 0
    error: str | None = None
    error_kind: str | None = None  # retry / reject / fatal / not_enrolled / backing_off
    clock_offset_ms: int | None = None
    clock_warning: bool = False
    next_try_in_s: float | None = None
    parked_reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Backoff:
    """Exponential back-off with full jitter (delay ~ U(0, min(cap, base·2ⁿ)))."""

    base_s: float = 2.0
    cap_s: float = 300.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next_delay(self, at_least: float = 0.0) -> float:
        self.failures += 1
        ceiling = min(self.cap_s, self.base_s * 2 ** min(self.failures, 30))
        return max(at_least, self.rng.uniform(0, ceiling))

    def reset(self) -> None:
        self.failures = 0


class SyncEngine:
    def __init__(self, store: Store, client: ApiClient | None, clock: Clock | None = None, *,
                 backoff: Backoff | None = None, batch_size: int = BATCH,
                 monotonic: Callable[[], float] | None = None) -> None:
        import time

        self.store = store
        self.client = client
        self.clock = clock or SystemClock()
        self.backoff = backoff or Backoff()
        self.batch_size = batch_size
        self._mono = monotonic or time.monotonic
        self._next_due = 0.0

    # -- gating ------------------------------------------------------------------------------

    @property
    def configured(self) -> bool:
        return self.client is not None and bool(self.client.token)

    @property
    def revoked(self) -> bool:
        return self.store.get_meta(META_REVOKED) is not None

    def seconds_until_due(self) -> float:
        return max(0.0, self._next_due - self._mono())

    def sync_now(self) -> None:
        """Someone pressed "sync now", or the network came back: skip the back-off wait."""
        self._next_due = 0.0

    # -- one pass ----------------------------------------------------------------------------

    def run_once(self, *, force: bool = False) -> SyncResult:
        if not self.configured:
            return SyncResult(ran=False, error="this kiosk is not enrolled with a credit API",
                              error_kind="not_enrolled")
        if self.revoked:
            return SyncResult(ran=False, error=self.store.get_meta(META_REVOKED),
                              error_kind="fatal")
        if not force and self._mono() < self._next_due:
            return SyncResult(ran=False, error_kind="backing_off",
                              error=self.store.get_meta(META_LAST_ERROR),
                              next_try_in_s=round(self.seconds_until_due(), 1))
        result = SyncResult()
        now = self.clock.now()
        with self.store.write():
            self.store.set_meta(META_LAST_ATTEMPT, to_iso(now))
        self.client.pending = self.store.record_counts()["pending"]
        try:
            self._upload_records(result)
            self._upload_closeouts(result)
            self._download(result)
        except ApiFailure as failure:
            self._failed(result, failure)
        else:
            result.ok = True
            self.backoff.reset()
            self._next_due = 0.0
            with self.store.write():
                self.store.set_meta(META_LAST_OK, to_iso(self.clock.now()))
                self.store.delete_meta(META_LAST_ERROR)
        self._note_offset(result)
        self.store.log_sync(at=now, ok=result.ok, uploaded=result.uploaded,
                            duplicates=result.duplicates, parked=result.parked,
                            downloaded=result.downloaded, clock_offset_ms=result.clock_offset_ms,
                            error=result.error)
        return result

    def _failed(self, result: SyncResult, failure: ApiFailure) -> None:
        result.error_kind = failure.disposition.value
        if failure.disposition is Disposition.FATAL:
            result.error = (
                "The credit API refused this kiosk (device revoked or not enrolled): "
                f"{failure}. Every record is kept; ask the site admin to enrol the kiosk again."
            )
            with self.store.write():
                self.store.set_meta(META_REVOKED, result.error)
                self.store.set_meta(META_LAST_ERROR, result.error)
            log.error("sync stopped: %s", failure)
            return
        delay = self.backoff.next_delay(failure.retry_after or 0.0)
        self._next_due = self._mono() + delay
        result.next_try_in_s = round(delay, 1)
        result.error = f"{failure} (will try again in {delay:.0f} s)"
        with self.store.write():
            self.store.set_meta(META_LAST_ERROR, str(failure))
        log.warning("sync failed (%s): %s; next try in %.1f s", failure.disposition.value, failure, delay)

    def _note_offset(self, result: SyncResult) -> None:
        assert self.client is not None
        offset = self.client.last_offset_ms
        if offset is None:
            return
        result.clock_offset_ms = offset
        result.clock_warning = abs(offset) > CLOCK_WARNING_MS
        with self.store.write():
            self.store.set_meta(META_OFFSET, str(offset))
        if result.clock_warning:
            log.warning("kiosk clock is off by %.0f s against the credit API", offset / 1000)

    # -- uploads -----------------------------------------------------------------------------

    def _upload_records(self, result: SyncResult) -> None:
        after = 0
        while True:
            rows = self.store.pending_records(self.batch_size, after_seq=after)
            if not rows:
                return
            after = rows[-1]["seq"]
            self._send(rows, result)

    def _send(self, rows: list[dict], result: SyncResult) -> None:
        assert self.client is not None
        try:
            records = [upload_record(r) for r in rows]
        except ValueError as exc:  # a record this kiosk itself cannot express: park it alone
            if len(rows) == 1:
                with self.store.write():
                    self.store.park(rows[0]["id"], f"invalid on this kiosk: {exc}")
                result.parked += 1
                return
            mid = len(rows) // 2
            self._send(rows[:mid], result)
            self._send(rows[mid:], result)
            return
        try:
            response = self.client.upload(UploadBatch(records=records, device_time=self.clock.now()))
        except ApiFailure as failure:
            if failure.disposition is not Disposition.REJECT:
                raise
            if len(rows) == 1:  # the server refused this very record: park it with its words
                with self.store.write():
                    self.store.park(rows[0]["id"], f"{failure.error or 'rejected'}: {failure}")
                result.parked += 1
                result.parked_reasons.append(str(failure))
                return
            mid = len(rows) // 2  # find the bad record(s) by halving; the rest go through
            self._send(rows[:mid], result)
            self._send(rows[mid:], result)
            return
        now = self.clock.now()
        acked = []
        with self.store.write():
            for r in response.results:
                if r.result == "accepted":
                    acked.append(r.id)
                    result.uploaded += 1
                elif r.result == "duplicate":
                    acked.append(r.id)
                    result.duplicates += 1
                else:
                    self.store.park(r.id, r.reason or "rejected by the credit API")
                    result.parked += 1
                    if r.reason and r.reason not in result.parked_reasons:
                        result.parked_reasons.append(r.reason)
            self.store.acknowledge(acked, now)

    def _upload_closeouts(self, result: SyncResult) -> None:
        assert self.client is not None
        for row in self.store.pending_closeouts():
            req = closeout_request(row)
            try:
                response = self.client.closeout(req)
            except ApiFailure as failure:
                if failure.disposition is not Disposition.REJECT:
                    raise
                with self.store.write():
                    self.store.park_closeout(row["id"], f"{failure.error or 'rejected'}: {failure}")
                result.parked += 1
                result.parked_reasons.append(str(failure))
                continue
            with self.store.write():
                self.store.acknowledge_closeout(row["id"], self.clock.now(),
                                                response.model_dump_json())
            result.closeouts += 1

    # -- downloads ---------------------------------------------------------------------------

    def _download(self, result: SyncResult) -> None:
        """Trust list in full, then each cursor-paged feed; a cursor is saved with its page, so
        an interrupted download resumes where it stopped."""
        assert self.client is not None
        trust = self.client.trust()
        venue = self.client.device().venue  # its name, zone and number rule may change
        with self.store.write():
            self.store.replace_trust_keys(trust.keys)
            self.store.put_venue(venue)
        fetchers = {
            "sessions": (self.client.sessions, self._apply_sessions),
            "registrations": (self.client.registrations, self._apply_registrations),
            "revocations": (self.client.revocations, self._apply_revocations),
        }
        for name in CURSORS:
            fetch, apply = fetchers[name]
            while True:
                cursor = self.store.get_meta(f"cursor_{name}")
                page = fetch(cursor)
                with self.store.write():
                    result.downloaded += apply(page)
                    self.store.set_meta(f"cursor_{name}", page.cursor)
                if not page.more:
                    break

    def _apply_sessions(self, page) -> int:  # type: ignore[no-untyped-def]
        self.store.put_trainers(page.trainers)
        return self.store.put_sessions(page.items)

    def _apply_registrations(self, page) -> int:  # type: ignore[no-untyped-def]
        n = self.store.put_registrations(page.items)
        n += self.store.remove_registrations((k.session_id, k.parent_id) for k in page.removed)
        return n

    def _apply_revocations(self, page) -> int:  # type: ignore[no-untyped-def]
        return self.store.add_revocations(page.items)


def upload_record(row: dict) -> UploadRecord:
    return UploadRecord(
        id=row["id"], kind=row["kind"], session_id=row["session_id"],
        parent_id=row["parent_id"], pass_id=row["pass_id"], method=row["method"],
        walk_in=bool(row["walk_in"]), device_time=from_iso(row["device_time"]),
        clock_offset_ms=row["clock_offset_ms"],
    )


def closeout_request(row: dict) -> CloseoutRequest:
    """A queued close-out as sent: over HTTP, or carried in a USB upload."""
    return CloseoutRequest(
        id=row["id"], session_id=row["session_id"],
        trainer_pass_id=row["trainer_pass_id"], trainer_pass=row["trainer_pass"] or "",
        removals=[RosterRemoval(**r) for r in json.loads(row["removals"])],
        additions=[RosterAddition(**a) for a in json.loads(row["additions"])],
        device_time=from_iso(row["device_time"]),
    )


def purge_expired(store: Store, clock: Clock, retention_days: int) -> int:
    """Drop acknowledged records older than the retention period (never unsent ones)."""
    return store.purge_acknowledged(clock.now() - timedelta(days=retention_days))



def sync_facts(store: Store) -> dict[str, Any]:
    """What the store knows of sync so far, for the badge, the admin screen and ``status``."""
    offset = store.get_meta("clock_offset_ms")
    return {
        "last_attempt": store.get_meta("last_sync_attempt_at"),
        "last_success": store.get_meta("last_sync_ok_at"),
        "last_error": store.get_meta("last_sync_error"),
        "revoked": store.get_meta("device_revoked"),
        "clock_offset_ms": int(offset) if offset else None,
        "clock_warning": bool(offset and abs(int(offset)) > CLOCK_WARNING_MS),
        "closeouts": store.closeout_counts(),
    }
