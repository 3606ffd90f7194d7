"""Wire models shared by the kiosk and the central credit API.

Defined once here (pydantic v2) so the site bundle a kiosk imports from a USB stick and the
downloads it will fetch over HTTP have the same shapes.  docs/protocol.md explains each field.
No Qt, no database: this module is imported by both sides.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

BUNDLE_FORMAT = "starkiosk-site-bundle"
BUNDLE_VERSION = 1

Id = Annotated[int, Field(ge=1, lt=2**32)]
ShortText = Annotated[str, Field(min_length=1, max_length=120)]

_MASKED = re.compile(r"\S\*+\S?")


def _check_masked(name: str) -> str:
    """Refuse anything that could be a full name: the kiosk keeps masked names only (PIPL)."""
    if not _MASKED.fullmatch(name):
        raise ValueError("must be a masked name like 王*明 (first character, asterisks, last)")
    return name


MaskedName = Annotated[str, Field(min_length=2, max_length=12), AfterValidator(_check_masked)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Venue(_Model):
    id: Id
    name: ShortText
    kind: ShortText = Field(description="e.g. 街道社区学校, 妇幼保健院, 幼儿园")
    district: ShortText = "上城区"
    timezone: str = "Asia/Shanghai"


class Trainer(_Model):
    id: Id
    name: MaskedName
    organisation: ShortText | None = None


class Session(_Model):
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


class Registration(_Model):
    session_id: Id
    parent_id: Id
    masked_name: MaskedName
    phone_last4: str = Field(pattern=r"^[0-9]{4}$")
    stage: int = Field(ge=1, le=5)
    stage_credits: int = Field(ge=0, le=100000)


class TrustKey(_Model):
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


class Revocation(_Model):
    pass_id: int = Field(ge=0, lt=2**32)
    revoked_at: AwareDatetime


class SiteBundle(_Model):
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


def describe_validation_error(err: ValidationError, limit: int = 5) -> str:
    """Turn pydantic's error list into short lines an admin can act on."""
    lines = []
    for e in err.errors()[:limit]:
        where = ".".join(str(p) for p in e["loc"]) or "(file)"
        lines.append(f"{where}: {e['msg']}")
    more = err.error_count() - limit
    if more > 0:
        lines.append(f"… and {more} more problem(s)")
    return "\n".join(lines)


def utc_iso(dt: datetime) -> str:
    """The one text form for instants on disk and on the wire."""
    from datetime import UTC

    return dt.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
