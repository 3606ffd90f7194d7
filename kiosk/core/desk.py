"""The check-in desk: verify a pass, decide, record — and only then report.

This is the whole scan path.  It makes no network call; sync picks the records up later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter, ValidationError

from kiosk.core.clock import Clock, SystemClock
from kiosk.core.messages import message
from kiosk.core.rules import Decision, Outcome, Window, decide
from kiosk.core.store import NewRecord, RegistrationRow, SessionRow, Store
from sync import passes
from sync.passes import Role
from sync.protocol import Instant

log = logging.getLogger(__name__)

METHODS = ("camera", "scanner", "manual")

# What the platform takes in a record (docs/protocol.md §3): ``device_time`` an instant between
# the years 2000 and 2100 and ``clock_offset_ms`` within ±10¹⁰ ms (~115 days) — sync.protocol
# UploadRecord — and device time + offset at most a day outside its class — credit_api's
# RECORD_SLACK, mirrored here (tests/test_hardening.py checks that they agree).
SERVER_RECORD_SLACK = timedelta(days=1)
WIRE_MAX_OFFSET_MS = 10**10
_INSTANT: TypeAdapter[datetime] = TypeAdapter(Instant)


def _on_the_wire(at: datetime) -> bool:
    try:
        _INSTANT.validate_python(at)
    except ValidationError:
        return False
    return True


def wire_stamp(device_now: datetime, now: datetime) -> tuple[datetime, int]:
    """(device_time, clock_offset_ms) for a record decided at ``now`` (the corrected time).

    The clock reading and the offset as measured when the platform can take them; otherwise
    (a clock months off or before 2000) the corrected time with offset 0 — the same instant to
    the platform, which adds the two.  The caller has checked that ``now`` is on the wire.
    """
    offset = round((now - device_now).total_seconds() * 1000)
    if abs(offset) <= WIRE_MAX_OFFSET_MS and _on_the_wire(device_now):
        return device_now, offset
    log.warning("kiosk clock %s is %d ms off: recording the corrected time %s",
                device_now.isoformat(), offset, now.isoformat())
    return now, 0


def within_platform_slack(window: Window) -> Window:
    """The check-in window, no wider than the platform takes records outside a class."""
    cap = int(SERVER_RECORD_SLACK.total_seconds() // 60)
    narrowed = replace(window, doors_open_before=min(window.doors_open_before, cap),
                       checkin_closes_after_end=min(window.checkin_closes_after_end, cap),
                       checkout_grace_after_end=min(window.checkout_grace_after_end, cap))
    if narrowed != window:
        log.warning("check-in window narrowed to %d minutes around a class (the platform's "
                    "limit): %s", cap, window)
    return narrowed
_SIGNED_ERRORS = (
    passes.PassError.REVOKED, passes.PassError.EXPIRED, passes.PassError.NOT_YET_VALID,
    passes.PassError.WRONG_ROLE,
)


class UnknownSession(LookupError):
    """The class id is not on this kiosk (import the site bundle, or pick another class)."""


@dataclass(frozen=True, slots=True)
class CheckinResult:
    outcome: Outcome
    session_id: int
    method: str
    at: datetime
    parent_id: int | None = None
    pass_id: int | None = None
    masked_name: str | None = None
    checkin_id: str | None = None
    earlier: datetime | None = None
    stage: int | None = None
    stage_credits: int | None = None
    credits_added: int | None = None
    walk_in: bool = False

    def reason(self, lang: str = "zh", tz: ZoneInfo | None = None) -> str:
        if self.earlier is not None:
            local = self.earlier.astimezone(tz) if tz else self.earlier
            return message(self.outcome, lang, time=local.strftime("%H:%M"))
        return message(self.outcome, lang)

    def to_json(self, lang: str = "zh", tz: ZoneInfo | None = None) -> dict[str, Any]:
        """The command line's stable JSON shape (see docs/protocol.md)."""
        out: dict[str, Any] = {
            "outcome": self.outcome.value,
            "severity": self.outcome.severity.value,
            "reason": self.reason(lang, tz),
            "parent": self.masked_name,
            "session_id": self.session_id,
            "method": self.method,
        }
        if self.parent_id is not None:
            out["parent_id"] = self.parent_id
        if self.pass_id is not None:
            out["pass_id"] = self.pass_id
        if self.checkin_id is not None:
            out["checkin_id"] = self.checkin_id
        if self.walk_in:
            out["walk_in"] = True
        if self.stage is not None:
            out["stage"] = self.stage
            out["stage_credits"] = self.stage_credits
        if self.credits_added is not None:
            out["credits_added"] = self.credits_added
        return out


class CheckinDesk:
    """Decides and records check-ins for the classes in one store."""

    def __init__(self, store: Store, clock: Clock | None = None, window: Window | None = None) -> None:
        self.store = store
        self.clock = clock or SystemClock()
        self.window = within_platform_slack(window or Window())

    def timezone(self) -> ZoneInfo:
        venue = self.store.venue()
        return ZoneInfo(venue["timezone"] if venue else "Asia/Shanghai")

    def _now(self) -> tuple[datetime, datetime]:
        """(device time, best estimate of true time using the last known server offset)."""
        device = self.clock.now()
        offset_ms = int(self.store.get_meta("clock_offset_ms", "0") or 0)
        return device, device + timedelta(milliseconds=offset_ms)

    def _session(self, session_id: int) -> SessionRow:
        session = self.store.session(session_id)
        if session is None:
            raise UnknownSession(f"class {session_id} is not on this kiosk")
        return session

    def scan(self, text: str, session_id: int, method: str = "camera") -> CheckinResult:
        """Handle one scanned (or typed) pass.  Returns after the outcome is on disk."""
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}")
        session = self._session(session_id)
        device_now, now = self._now()
        if not _on_the_wire(now):
            return self._clock_wrong(session_id, method, device_now, now)
        v = passes.verify(
            text, self.store.trust_keys(), now, is_revoked=self.store.is_revoked, role=Role.PARENT
        )
        if not v.ok:
            assert v.error is not None
            outcome = Outcome.from_pass_error(v.error)
            # Only a verified signature makes the parent id trustworthy enough to keep.
            trusted_parent = v.data.parent_id if v.data and v.error in _SIGNED_ERRORS else None
            with self.store.write():
                self.store.insert_scan_event(
                    at=device_now, session_id=session_id, outcome=outcome.value, method=method,
                    pass_id=v.pass_id, parent_id=trusted_parent,
                )
            log.info("scan refused: %s (%s, pass %s)", outcome.value, passes.mask_pass(text), v.pass_id)
            return CheckinResult(outcome, session_id, method, device_now, pass_id=v.pass_id)
        assert v.data is not None
        return self._record(session, v.data.parent_id, v.data.pass_id, method, device_now, now)

    def manual(self, session_id: int, parent_id: int) -> CheckinResult:
        """A volunteer checks in a registered parent found by phone digits (flagged manual)."""
        session = self._session(session_id)
        device_now, now = self._now()
        if not _on_the_wire(now):
            return self._clock_wrong(session_id, "manual", device_now, now)
        return self._record(session, parent_id, None, "manual", device_now, now)

    def _clock_wrong(self, session_id: int, method: str, device_now: datetime,
                     now: datetime) -> CheckinResult:
        """Even corrected, this kiosk's time cannot be right (nor sent): refuse, call staff."""
        with self.store.write():
            self.store.insert_scan_event(at=device_now, session_id=session_id,
                                         outcome=Outcome.CLOCK_WRONG.value, method=method,
                                         pass_id=None, parent_id=None)
        log.error("scan refused: the kiosk clock says %s (corrected %s); set the time",
                  device_now.isoformat(), now.isoformat())
        return CheckinResult(Outcome.CLOCK_WRONG, session_id, method, device_now)

    def find(self, session_id: int, phone_last4: str, surname: str | None = None) -> list[RegistrationRow]:
        self._session(session_id)
        return self.store.find_registrations(session_id, phone_last4, surname)

    def _record(
        self, session: SessionRow, parent_id: int, pass_id: int | None, method: str,
        device_now: datetime, now: datetime,
    ) -> CheckinResult:
        store = self.store
        with store.write():
            reg = store.registration(session.id, parent_id)
            decision: Decision = decide(
                session.facts(), now,
                registered=reg is not None,
                attendance=store.attendance(session.id, parent_id),
                # Only a walk-in needs the head count (capacity); skip the query otherwise.
                checked_in_count=store.checked_in_count(session.id) if reg is None else 0,
                window=self.window,
            )
            record_id = None
            if decision.record is not None:
                # The instant this decision used (the offset read once per scan, in _now()),
                # in a form the platform takes.
                device_time, offset_ms = wire_stamp(device_now, now)
                record_id = store.insert_record(
                    NewRecord(
                        kind=decision.record, session_id=session.id, parent_id=parent_id,
                        pass_id=pass_id, method=method, walk_in=decision.walk_in,
                        device_time=device_time, masked_name=reg.masked_name if reg else None,
                        clock_offset_ms=offset_ms,
                    )
                )
            else:
                store.insert_scan_event(
                    at=device_now, session_id=session.id, outcome=decision.outcome.value,
                    method=method, pass_id=pass_id, parent_id=parent_id,
                )
        log.info(
            "scan %s: class %s parent %s pass %s record %s",
            decision.outcome.value, session.id, parent_id, pass_id, record_id,
        )
        adds = session.credits if decision.outcome in (Outcome.ACCEPTED, Outcome.ACCEPTED_WALK_IN) else None
        return CheckinResult(
            outcome=decision.outcome, session_id=session.id, method=method, at=device_now,
            parent_id=parent_id, pass_id=pass_id, masked_name=reg.masked_name if reg else None,
            checkin_id=record_id, earlier=decision.at,
            stage=reg.stage if reg else None, stage_credits=reg.stage_credits if reg else None,
            credits_added=adds, walk_in=decision.walk_in,
        )
