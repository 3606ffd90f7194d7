"""Check-in rules: pure functions from (class, time, attendance so far) to a decision.

Nothing here touches the disk or the clock; :mod:`kiosk.core.desk` gathers the facts inside a
write transaction, asks :func:`decide`, and records what it says.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sync.passes import PassError


class Outcome(enum.Enum):
    """Every result a scan can have.  Values are stable machine words (CLI and wire)."""

    ACCEPTED = "accepted"
    ACCEPTED_WALK_IN = "accepted_walk_in"
    CHECKED_OUT = "checked_out"
    ALREADY_CHECKED_IN = "already_checked_in"
    ALREADY_CHECKED_OUT = "already_checked_out"
    NOT_REGISTERED = "not_registered"
    CLASS_FULL = "class_full"
    NOT_OPEN_YET = "not_open_yet"
    CLASS_CLOSED = "class_closed"
    CLASS_CANCELLED = "class_cancelled"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    WRONG_ROLE = "wrong_role"
    UNREADABLE = "unreadable"
    CLOCK_WRONG = "clock_wrong"  # the desk's own: this kiosk's clock cannot be right (staff)

    @property
    def severity(self) -> Severity:
        return _SEVERITY[self]

    @property
    def creates_record(self) -> bool:
        return self in (Outcome.ACCEPTED, Outcome.ACCEPTED_WALK_IN, Outcome.CHECKED_OUT)

    @classmethod
    def from_pass_error(cls, error: PassError) -> Outcome:
        return cls(error.value)


class Severity(enum.Enum):
    """Green / amber / red on the result card (always shown with an icon and words too)."""

    OK = "ok"
    WARN = "warn"
    ERROR = "error"


_SEVERITY = {
    Outcome.ACCEPTED: Severity.OK,
    Outcome.CHECKED_OUT: Severity.OK,
    Outcome.ACCEPTED_WALK_IN: Severity.WARN,
    Outcome.ALREADY_CHECKED_IN: Severity.WARN,
    Outcome.ALREADY_CHECKED_OUT: Severity.WARN,
    # "come back later" and the refusals of a real parent that a volunteer sorts out: amber,
    # not the red of a pass that cannot be trusted or read
    Outcome.NOT_OPEN_YET: Severity.WARN,
    Outcome.WRONG_ROLE: Severity.WARN,
    Outcome.NOT_REGISTERED: Severity.WARN,
    Outcome.CLASS_FULL: Severity.WARN,
    Outcome.CLASS_CLOSED: Severity.WARN,
    Outcome.CLASS_CANCELLED: Severity.WARN,
}
for _o in Outcome:
    _SEVERITY.setdefault(_o, Severity.ERROR)


class WalkInPolicy(enum.Enum):
    ACCEPT_AND_FLAG = "accept_flag"
    REFUSE = "refuse"


class SessionStatus(enum.Enum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class RecordKind(enum.Enum):
    CHECKIN = "checkin"
    CHECKOUT = "checkout"


@dataclass(frozen=True, slots=True)
class Window:
    """When a class accepts scans.  All durations in minutes; one instance per kiosk config."""

    doors_open_before: int = 30
    checkin_closes_after_end: int = 0
    checkout_grace_after_end: int = 30
    checkout_min_after_checkin: int = 10


@dataclass(frozen=True, slots=True)
class ClassFacts:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    walk_in_policy: WalkInPolicy
    checkout_required: bool
    status: SessionStatus


@dataclass(frozen=True, slots=True)
class Attendance:
    """What the store already holds for this parent at this class."""

    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    record: RecordKind | None = None
    walk_in: bool = False
    at: datetime | None = None  # the earlier check-in / check-out time for "already" outcomes


def decide(
    cls: ClassFacts,
    now: datetime,
    *,
    registered: bool,
    attendance: Attendance,
    checked_in_count: int,
    window: Window = Window(),
) -> Decision:
    """Decide a scan of a pass that has already verified.

    Order: class cancelled / closed out → this parent's earlier scans (repeat or check-out) →
    time window → registration and walk-in policy → capacity (walk-ins only; a registered parent
    always has a seat).
    """
    if cls.status is SessionStatus.CANCELLED:
        return Decision(Outcome.CLASS_CANCELLED)
    if cls.status is SessionStatus.CLOSED:
        return Decision(Outcome.CLASS_CLOSED)

    if attendance.checked_in_at is not None:
        if attendance.checked_out_at is not None:
            return Decision(Outcome.ALREADY_CHECKED_OUT, at=attendance.checked_out_at)
        if (
            cls.checkout_required
            and now - attendance.checked_in_at >= timedelta(minutes=window.checkout_min_after_checkin)
            and now <= cls.ends_at + timedelta(minutes=window.checkout_grace_after_end)
        ):
            return Decision(Outcome.CHECKED_OUT, record=RecordKind.CHECKOUT)
        return Decision(Outcome.ALREADY_CHECKED_IN, at=attendance.checked_in_at)

    if now < cls.starts_at - timedelta(minutes=window.doors_open_before):
        return Decision(Outcome.NOT_OPEN_YET, at=cls.starts_at - timedelta(minutes=window.doors_open_before))
    if now > cls.ends_at + timedelta(minutes=window.checkin_closes_after_end):
        return Decision(Outcome.CLASS_CLOSED)

    if registered:
        return Decision(Outcome.ACCEPTED, record=RecordKind.CHECKIN)
    if cls.walk_in_policy is WalkInPolicy.REFUSE:
        return Decision(Outcome.NOT_REGISTERED)
    if checked_in_count >= cls.capacity:
        return Decision(Outcome.CLASS_FULL)
    return Decision(Outcome.ACCEPTED_WALK_IN, record=RecordKind.CHECKIN, walk_in=True)
