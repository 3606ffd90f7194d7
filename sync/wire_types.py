"""The wire's building blocks: ids, masked names, instants, reasons, the strict base model and
the base of every HTTP answer.  :mod:`sync.protocol` builds the messages from them (and
re-exports them, so ``from sync.protocol import Id`` keeps working)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)

Id = Annotated[int, Field(ge=1, lt=2**32)]
ShortText = Annotated[str, Field(min_length=1, max_length=120)]

_MASKED = re.compile(r"\S\*+\S?")


def _check_masked(name: str) -> str:
    """Refuse anything that could be a full name: the kiosk keeps masked names only (PIPL)."""
    if not _MASKED.fullmatch(name):
        raise ValueError("must be a masked name like 王*明 (first character, asterisks, last)")
    return name


MaskedName = Annotated[str, Field(min_length=2, max_length=12), AfterValidator(_check_masked)]


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Uuid4 = Annotated[
    str,
    Field(
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
        min_length=36,
        max_length=36,
        description="a client-generated UUID (version 4), lower-case, e.g. 0b9c…-4…",
    ),
]
Reason = Annotated[str, Field(min_length=1, max_length=200)]
# Requests are strict: JSON ``false`` or ``"12"`` is not an id, ``0`` is not a boolean.
StrictId = Annotated[int, Field(ge=1, lt=2**32, strict=True)]
StrictBool = Annotated[bool, Field(strict=True)]


def _instant_text(value: object) -> object:
    """Instants come as ISO 8601 text with a zone, never as a bare number."""
    if not isinstance(value, str | datetime):
        raise ValueError("must be an ISO 8601 date-time with a time zone, e.g. 2026-11-23T10:00:00+08:00")
    return value


_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _instant_range(value: datetime) -> datetime:
    if not _EARLIEST <= value <= _LATEST:
        raise ValueError("must be between the years 2000 and 2100")
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_instant_text), AfterValidator(_instant_range)]
Cursor = Annotated[str, Field(max_length=200)]


class _Response(WireModel):
    server_time: AwareDatetime = Field(description="the server's clock when it answered (UTC)")


