"""Wire models shared by the kiosk and the central credit API.

Defined once here (pydantic v2) so the site bundle a kiosk imports from a USB stick and the
downloads it will fetch over HTTP have the same shapes.  docs/protocol.md explains each field.
No Qt, no database: this module is imported by both sides.
"""

from __future__ import annotations

import base64
import binascii
from typing import Literal

from pydantic import (
    AwareDatetime,
    Field,
    field_validator,
    model_validator,
)

from sync.wire_types import (  # noqa: F401  (re-exported: the wire's types live there)
    Cursor,
    Id,
    Instant,
    MaskedName,
    Reason,
    ShortText,
    StrictBool,
    StrictId,
    Uuid4,
    WireModel,
    _Response,
)

BUNDLE_FORMAT = "starkiosk-site-bundle"
BUNDLE_VERSION = 1

class Venue(WireModel):
    id: Id
    name: ShortText
    kind: ShortText = Field(description="e.g. 街道社区学校, 妇幼保健院, 幼儿园")
    district: ShortText = "上城区"
    timezone: str = "Asia/Shanghai"
    # Typed parent numbers without a check digit still taken? Absent = true, and left out while
    # true so older kiosks still read the venue (docs/protocol.md §1 "Parent numbers people type")
    legacy_parent_numbers: bool = Field(default=True, exclude_if=lambda v: v is True)


class Trainer(WireModel):
    id: Id
    name: MaskedName
    organisation: ShortText | None = None


class Session(WireModel):
    """A class (课程) at the venue: what a kiosk needs to decide check-ins offline."""

    id: Id
    venue_id: Id
    title: ShortText
    series: ShortText
    stage: int = Field(ge=1, le=5)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    capacity: int = Field(ge=1, le=10000)
    credits: int = Field(ge=0, le=100)
    room: ShortText | None = None
    trainer_id: Id | None = None
    walk_in_policy: Literal["accept_flag", "refuse"] = "accept_flag"
    checkout_required: bool = False
    status: Literal["scheduled", "cancelled", "closed"] = "scheduled"

    @model_validator(mode="after")
    def _ends_after_start(self) -> Session:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class Registration(WireModel):
    session_id: Id
    parent_id: Id
    masked_name: MaskedName
    phone_last4: str = Field(pattern=r"^[0-9]{4}$")
    stage: int = Field(ge=1, le=5)
    stage_credits: int = Field(ge=0, le=100000)


class TrustKey(WireModel):
    key_id: int = Field(ge=1, le=255)
    public_key: str = Field(description="Ed25519 public key, 32 raw bytes in standard base64")
    not_after: AwareDatetime | None = None

    @field_validator("public_key")
    @classmethod
    def _is_ed25519(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("must be base64") from exc
        if len(raw) != 32:
            raise ValueError("must be 32 bytes (an Ed25519 public key)")
        return value

    def raw(self) -> bytes:
        return base64.b64decode(self.public_key)


class DeviceKey(WireModel):
    """An enrolled kiosk of the venue and the key that signs its USB uploads.

    A kiosk that is never online learns its own device id from the signed site bundle: the entry
    whose ``public_key`` is its own key (``starkiosk device-key`` shows it to the admin who
    registers it on the platform).
    """

    device_id: Id
    public_key: str = Field(pattern=r"^[A-Za-z0-9+/]{43}=$",
                            description="Ed25519 public key, 32 raw bytes in standard base64")


class Revocation(WireModel):
    pass_id: int = Field(ge=0, lt=2**32)
    revoked_at: AwareDatetime


class SiteBundle(WireModel):
    """Everything a kiosk needs for one venue, as one JSON file (``import-bundle``)."""

    format: Literal["starkiosk-site-bundle"]
    version: Literal[1]
    generated_at: AwareDatetime
    venue: Venue
    trainers: list[Trainer] = []
    sessions: list[Session] = Field(max_length=5000)
    registrations: list[Registration] = Field(max_length=500000)
    keys: list[TrustKey] = Field(min_length=1, max_length=50)
    revocations: list[Revocation] = Field(default=[], max_length=2000000)
    devices: list[DeviceKey] = Field(default=[], max_length=1000,
                                     description="the venue's enrolled, unrevoked kiosks")

    @model_validator(mode="after")
    def _consistent(self) -> SiteBundle:
        session_ids = set()
        for s in self.sessions:
            if s.venue_id != self.venue.id:
                raise ValueError(f"session {s.id} belongs to venue {s.venue_id}, not {self.venue.id}")
            if s.id in session_ids:
                raise ValueError(f"session {s.id} appears twice")
            session_ids.add(s.id)
        seen: set[tuple[int, int]] = set()
        for r in self.registrations:
            if r.session_id not in session_ids:
                raise ValueError(f"registration for unknown session {r.session_id}")
            key = (r.session_id, r.parent_id)
            if key in seen:
                raise ValueError(f"parent {r.parent_id} registered twice for session {r.session_id}")
            seen.add(key)
        if len({k.key_id for k in self.keys}) != len(self.keys):
            raise ValueError("a key id appears twice in keys")
        return self


# ---------------------------------------------------------------------------
# Central credit API (credit_api/): requests and responses over HTTP.
#
# Shared by the reference server and the kiosk's API client.  docs/credit-api.md explains the
# flows.  Every response carries ``server_time`` so a kiosk can keep its clock offset.
# ---------------------------------------------------------------------------

MAX_UPLOAD_BATCH = 1000
MAX_PAGE = 5000

class ErrorResponse(_Response):
    """Every 4xx/5xx answer: a sentence an admin can act on, and a stable machine word."""

    error: str = Field(description="machine word, e.g. invalid_request, unauthorized")
    detail: str


class EnrolRequest(WireModel):
    code: str = Field(min_length=4, max_length=32, description="the one-time enrolment code")
    device_name: ShortText = Field(description="a label for the kiosk, e.g. '二楼多功能厅 kiosk'")
    device_time: Instant | None = None
    device_public_key: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9+/]{43}=$",
        description="the kiosk's own Ed25519 public key (32 raw bytes, standard base64), with "
        "which it signs USB exports; the platform then accepts only exports signed by it",
    )


class EnrolResponse(_Response):
    device_id: Id
    token: str = Field(description="send as `Authorization: Device <token>`; shown only once")
    venue: Venue


class DeviceInfo(_Response):
    device_id: Id
    device_name: ShortText
    venue: Venue
    enrolled_at: AwareDatetime


class SessionsPage(_Response):
    """Classes of the device's venue changed after ``cursor`` (new, changed, cancelled, closed)."""

    items: list[Session]
    trainers: list[Trainer] = Field(
        default=[], description="the trainers of these classes (masked names), for the kiosk's screens")
    cursor: Cursor = Field(description="opaque: pass it back to get only later changes")
    more: bool = Field(description="true when another page is ready right away")


class RegistrationKey(WireModel):
    session_id: Id
    parent_id: Id


class RegistrationsPage(_Response):
    """Registrations (masked names only) added or changed, and those withdrawn, after ``cursor``."""

    items: list[Registration]
    removed: list[RegistrationKey] = []
    cursor: Cursor
    more: bool


class RevocationsPage(_Response):
    items: list[Revocation]
    cursor: Cursor
    more: bool


class TrustList(_Response):
    """The full list of keys a kiosk must accept passes from (replace, do not merge)."""

    keys: list[TrustKey]


class UploadRecord(WireModel):
    """One check-in or check-out as recorded by a kiosk; ``id`` is its idempotency key forever."""

    id: Uuid4
    kind: Literal["checkin", "checkout"]
    session_id: StrictId
    parent_id: StrictId
    pass_id: int | None = Field(
        default=None, ge=0, lt=2**32, strict=True, description="null for a manual (look-up) check-in"
    )
    method: Literal["camera", "scanner", "manual"]
    walk_in: StrictBool = False
    device_time: Instant
    clock_offset_ms: int = Field(
        default=0,
        strict=True,
        ge=-(10**10),
        le=10**10,
        description="server time minus device time as last measured by the kiosk, ms",
    )

    @model_validator(mode="after")
    def _pass_matches_method(self) -> UploadRecord:
        if self.method == "manual" and self.pass_id is not None:
            raise ValueError("a manual record has no pass_id (set it to null)")
        if self.method != "manual" and self.pass_id is None:
            raise ValueError(f"a {self.method} record needs the pass_id that was scanned")
        return self


class UploadBatch(WireModel):
    records: list[UploadRecord] = Field(min_length=1, max_length=MAX_UPLOAD_BATCH)
    device_time: Instant | None = None


class RecordResult(WireModel):
    id: str
    result: Literal["accepted", "duplicate", "rejected"]
    reason: str | None = Field(
        default=None,
        description="why a record is a duplicate or was rejected (machine word: "
        "known_id, already_recorded, unknown_class, class_of_another_venue, class_cancelled, "
        "class_closed, unknown_parent, pass_of_another_parent, outside_class_window)",
    )


class UploadResponse(_Response):
    results: list[RecordResult]
    accepted: int
    duplicate: int
    rejected: int


class RosterRemoval(WireModel):
    checkin_id: Uuid4
    reason: Reason


class RosterAddition(WireModel):
    parent_id: StrictId
    reason: Reason


class CloseoutRequest(WireModel):
    """A trainer signs off a class: the final roster corrections; releases the credits."""

    id: Uuid4 = Field(description="client-generated; the same close-out sent again changes nothing")
    session_id: StrictId
    trainer_pass_id: int = Field(ge=0, lt=2**32, strict=True)
    trainer_pass: str = Field(min_length=1, max_length=200, description="the scanned pass text")
    removals: list[RosterRemoval] = Field(default=[], max_length=MAX_UPLOAD_BATCH)
    additions: list[RosterAddition] = Field(default=[], max_length=MAX_UPLOAD_BATCH)
    device_time: Instant | None = None

    @model_validator(mode="after")
    def _no_repeats(self) -> CloseoutRequest:
        if len({r.checkin_id for r in self.removals}) != len(self.removals):
            raise ValueError("a checkin_id appears twice in removals")
        if len({a.parent_id for a in self.additions}) != len(self.additions):
            raise ValueError("a parent_id appears twice in additions")
        return self


class StarEarned(WireModel):
    stage: int = Field(ge=1, le=5)
    date: str = Field(description="certificate date, YYYY-MM-DD in the venue's time zone")


class CreditAward(WireModel):
    parent_id: Id
    credits: int = Field(ge=0)
    stage: int = Field(ge=1, le=5, description="the stage tally the credits went to")
    stars: list[StarEarned] = []


CorrectionAction = Literal["remove", "add"]
CorrectionOutcome = Literal["applied", "nothing_to_do", "held_back"]


class CorrectionResult(WireModel):
    """What the platform did with one of the trainer's corrections.

    A correction the platform cannot apply is held back on its own — the rest of the close-out,
    and everyone else's credits, go ahead.
    """

    action: CorrectionAction
    checkin_id: str | None = Field(default=None, description="for a removal")
    parent_id: int | None = Field(default=None, description="for an addition (and a removal's "
                                  "parent when the platform knows it)")
    result: CorrectionOutcome = Field(
        description="applied; nothing_to_do (refused at upload, never counted, already so); "
        "held_back (not applied, for the reason given — the platform admin follows it up)")
    reason: str | None = Field(
        default=None,
        description="machine word: refused_at_upload, already_removed, already_checked_in, "
        "not_uploaded, not_this_class, unknown_parent, walk_in_cap_exceeded")
    detail: str | None = Field(default=None, description="e.g. the upload's own refusal reason")


class CloseoutResponse(_Response):
    id: str
    session_id: Id
    closed_at: AwareDatetime
    repeated: bool = Field(description="true when this close-out had already been processed")
    attendees: int
    removed: int
    added: int
    awards: list[CreditAward]
    corrections: list[CorrectionResult] = Field(
        default=[], description="one answer per removal and addition, removals first, in order")
    held_back: int = Field(default=0, description="how many corrections were held back")


class StageCredits(WireModel):
    stage: int = Field(ge=1, le=5)
    credits: int = Field(ge=0)
    threshold: int = Field(ge=0)


class Ledger(_Response):
    parent_id: Id
    stage: int = Field(ge=1, le=5, description="the current stage (5 also after the fifth star)")
    stage_credits: int = Field(ge=0, description="the current stage's tally")
    stage_threshold: int = Field(ge=0)
    completed: bool = Field(description="all five stars earned")
    stars: list[StarEarned]
    credits: list[StageCredits]


class AttendanceRecord(WireModel):
    checkin_id: str
    parent_id: Id
    kind: Literal["checkin", "checkout"]
    method: Literal["camera", "scanner", "manual"]
    walk_in: bool
    device_time: AwareDatetime
    clock_offset_ms: int
    received_at: AwareDatetime
    removed: bool = False
    removed_reason: str | None = None


class AttendanceReport(_Response):
    session_id: Id
    status: Literal["scheduled", "cancelled", "closed"]
    count: int = Field(description="parents with a check-in that was not removed")
    records: list[AttendanceRecord]
