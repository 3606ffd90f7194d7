"""Signed parent and trainer passes: the compact, offline-verifiable QR text.

Wire format, version 1 (see docs/protocol.md for the full table)::

    text    = "S" + base45(payload || signature)          120 characters
    payload = 15 bytes, big-endian:
        0      version (high nibble, = 1) | role (low nibble: 0 parent, 1 trainer)
        1      key id (1..255)
        2..5   pass id (uint32)
        6..9   parent id (uint32; a trainer's person id for trainer passes)
        10..12 valid-from, minutes since 2024-01-01T00:00Z (uint24, good until 2055)
        13..14 validity, whole hours after valid-from (uint16, up to ~7.4 years)
    signature = Ed25519 over DOMAIN || payload (64 bytes)

Why this shape: decode success of a camera falls steeply with payload length, so every byte
counts.  Base45 (RFC 9285) only uses the 45 characters of QR alphanumeric mode, so 79 bytes
become 119 characters and the whole pass fits a version-6 QR code at error correction M.
The alphabet has no lower-case letters, which makes Caps-Lock damage from keyboard-wedge
scanners safely reversible, and a base45 text can never end in a space, so trimming the
whitespace a scanner adds never removes a real character (the prefix guards the start).
"""

from __future__ import annotations

import enum
import struct
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import base45
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

PREFIX = "S"
FORMAT_VERSION = 1
DOMAIN = b"starparent-pass-v1\x00"
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
PAYLOAD_LEN = 15
SIGNATURE_LEN = 64
TEXT_LEN = len(PREFIX) + (PAYLOAD_LEN + SIGNATURE_LEN) // 2 * 3 + 2
_STRUCT = struct.Struct(">BBII3sH")
_MAX_MINUTES = 2**24 - 1
_MAX_HOURS = 2**16 - 1
_ALPHABET = frozenset(base45.BASE45_CHARSET)
# What a Chinese input method in Chinese-punctuation mode types for the pass alphabet's symbols
# (NFKC already folds the full-width forms such as ： ／ ＋ ％).
_IME_PUNCTUATION = str.maketrans({"。": ".", "¥": "$", "￥": "$", "、": "/"})


class Role(enum.IntEnum):
    PARENT = 0
    TRAINER = 1


class PassError(enum.Enum):
    """Why a pass was refused.  The value is the stable machine word used on the wire."""

    UNREADABLE = "unreadable"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    WRONG_ROLE = "wrong_role"


@dataclass(frozen=True, slots=True)
class PassData:
    """The signed content of a pass."""

    key_id: int
    pass_id: int
    parent_id: int
    role: Role
    valid_from: datetime
    valid_until: datetime
    version: int = FORMAT_VERSION


@dataclass(frozen=True, slots=True)
class Verification:
    """Outcome of :func:`verify`: ``data`` is set whenever the payload could be read."""

    ok: bool
    data: PassData | None = None
    error: PassError | None = None

    @property
    def pass_id(self) -> int | None:
        return self.data.pass_id if self.data else None


class PassFormatError(ValueError):
    """The text is not a pass of a format this kiosk understands."""


# ---------------------------------------------------------------------------
# Text normalisation (camera and keyboard-wedge input must verify the same)
# ---------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Undo what a keyboard-wedge scanner or an input method may have done to a pass.

    * NFKC folds full-width characters typed through a Chinese IME (``ＳＡ１`` → ``SA1``,
      ideographic space → space), and the IME's Chinese punctuation (``。`` ``￥`` ``、``) maps
      back to ``.`` ``$`` ``/``;
    * surrounding whitespace and the trailing CR/LF the scanner sends are dropped;
    * upper-casing undoes Caps Lock: the base45 alphabet has no lower-case letters, so this is
      lossless for every valid pass.
    """
    return unicodedata.normalize("NFKC", text).translate(_IME_PUNCTUATION).strip().upper()


# ---------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------


def _minutes(dt: datetime) -> int:
    if dt.tzinfo is None:
        raise ValueError("pass times must be timezone-aware")
    return int((dt - EPOCH).total_seconds() // 60)


def _pack(data: PassData) -> bytes:
    start = _minutes(data.valid_from)
    if not 0 <= start <= _MAX_MINUTES:
        raise ValueError("valid_from is outside 2024-01-01 .. 2055-11")
    start_dt = EPOCH + timedelta(minutes=start)
    hours = int((data.valid_until - start_dt).total_seconds() // 3600)
    if not 1 <= hours <= _MAX_HOURS:
        raise ValueError("validity must be between 1 hour and about 7.4 years")
    if not 1 <= data.key_id <= 255:
        raise ValueError("key id must be 1..255")
    if not 0 <= data.pass_id < 2**32 or not 0 <= data.parent_id < 2**32:
        raise ValueError("pass id and parent id must fit 32 bits")
    head = (FORMAT_VERSION << 4) | int(data.role)
    return _STRUCT.pack(
        head, data.key_id, data.pass_id, data.parent_id, start.to_bytes(3, "big"), hours
    )


def _unpack(payload: bytes) -> PassData:
    head, key_id, pass_id, parent_id, start_b, hours = _STRUCT.unpack(payload)
    version, role = head >> 4, head & 0x0F
    if version != FORMAT_VERSION:
        raise PassFormatError(f"unsupported pass format version {version}")
    if role not in (Role.PARENT, Role.TRAINER):
        raise PassFormatError("unknown role")
    if key_id == 0 or hours == 0:
        raise PassFormatError("invalid header")
    start = EPOCH + timedelta(minutes=int.from_bytes(start_b, "big"))
    return PassData(
        key_id=key_id,
        pass_id=pass_id,
        parent_id=parent_id,
        role=Role(role),
        valid_from=start,
        valid_until=start + timedelta(hours=hours),
        version=version,
    )


def sign(data: PassData, private_key: Ed25519PrivateKey) -> str:
    """Issue a pass: the QR text for ``data`` signed with ``private_key``.

    ``valid_from`` is truncated to the minute and the validity to whole hours (never extended).
    """
    payload = _pack(data)
    signature = private_key.sign(DOMAIN + payload)
    return PREFIX + base45.b45encode(payload + signature).decode("ascii")


def parse(text: str) -> tuple[PassData, bytes, bytes]:
    """Read a pass without checking its signature: (data, payload, signature).

    Raises :class:`PassFormatError` for anything that is not a well-formed pass.
    """
    norm = normalize(text)
    if len(norm) != TEXT_LEN or not norm.startswith(PREFIX):
        raise PassFormatError("not a Star Parent pass (wrong length or prefix)")
    body = norm[len(PREFIX) :]
    if not _ALPHABET.issuperset(body):
        raise PassFormatError("character outside the pass alphabet")
    try:
        raw = base45.b45decode(body)
    except ValueError as exc:
        raise PassFormatError("invalid base45 text") from exc
    if len(raw) != PAYLOAD_LEN + SIGNATURE_LEN:
        raise PassFormatError("wrong payload length")
    payload, signature = raw[:PAYLOAD_LEN], raw[PAYLOAD_LEN:]
    return _unpack(payload), payload, signature


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------


def verify(
    text: str,
    keys: Mapping[int, Ed25519PublicKey],
    now: datetime,
    *,
    is_revoked: Callable[[int], bool] = lambda _pass_id: False,
    role: Role | None = Role.PARENT,
) -> Verification:
    """Check a pass offline, in the order parse → key known → signature → revoked → time → role.

    Never raises for bad input: every failure is a :class:`Verification` with its reason.
    """
    try:
        data, payload, signature = parse(text)
    except PassFormatError:
        return Verification(False, None, PassError.UNREADABLE)
    key = keys.get(data.key_id)
    if key is None:
        return Verification(False, data, PassError.UNKNOWN_KEY)
    try:
        key.verify(signature, DOMAIN + payload)
    except InvalidSignature:
        return Verification(False, data, PassError.BAD_SIGNATURE)
    if is_revoked(data.pass_id):
        return Verification(False, data, PassError.REVOKED)
    if now < data.valid_from:
        return Verification(False, data, PassError.NOT_YET_VALID)
    if now >= data.valid_until:
        return Verification(False, data, PassError.EXPIRED)
    if role is not None and data.role != role:
        return Verification(False, data, PassError.WRONG_ROLE)
    return Verification(True, data, None)


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------


def public_key_from_raw(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


def public_key_raw(key: Ed25519PublicKey | Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def mask_pass(text: str) -> str:
    """A loggable stand-in for a pass: never log one in full."""
    norm = normalize(text)
    return f"{norm[:4]}…({len(norm)} chars)" if norm else "(empty)"
