"""The USB-stick contract between a kiosk and the platform, for sites that are never online.

Three files travel by hand: the **site bundle** (platform → kiosk: classes, registrations, keys,
revocations; ``starkiosk import-bundle``), the **offline upload** (kiosk → platform: records and
close-outs signed by the kiosk's device key; ``starkiosk export-upload`` → ``credit-api
import-upload``) and the **receipt** (platform → kiosk: the per-record answers; ``starkiosk
import-receipt``).  Both sides import this module; docs/protocol.md describes each field.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import AwareDatetime, Field, ValidationError

from sync.protocol import (
    CloseoutRequest,
    Id,
    SiteBundle,
    UploadRecord,
    WireModel,
    describe_validation_error,
)

MAX_BUNDLE_BYTES = 200 * 1024 * 1024
RECEIPT_FORMAT = "starkiosk-upload-receipt"


class BundleError(ValueError):
    """The file is not a usable site bundle; the message says what is wrong."""


def read_bundle(path: Path) -> SiteBundle:
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise BundleError(f"{path} is {size} bytes; a site bundle is at most {MAX_BUNDLE_BYTES}")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise BundleError(f"{path} does not exist") from exc
    except IsADirectoryError as exc:
        raise BundleError(f"{path} is a folder, not a bundle file") from exc
    except OSError as exc:
        raise BundleError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return SiteBundle.model_validate_json(data)
    except ValidationError as exc:
        raise BundleError(
            f"{path} is not a valid site bundle; nothing was imported.\n"
            + describe_validation_error(exc)
        ) from exc


def write_bundle(bundle: SiteBundle, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(bundle.model_dump_json(indent=1), encoding="utf-8")
    tmp.replace(path)


OFFLINE_UPLOAD_FORMAT = "starkiosk-offline-upload"


class OfflineUpload(WireModel):
    """Records carried from an offline site on a USB stick (``credit-api import-upload``)."""

    format: Literal["starkiosk-offline-upload"]
    version: Literal[1]
    venue_id: Id
    exported_at: AwareDatetime
    records: list[UploadRecord] = Field(max_length=1_000_000)
    closeouts: list[CloseoutRequest] = Field(
        default=[], max_length=10_000,
        description="close-outs done offline; each needs device_time (when the trainer signed)",
    )


class OfflineUploadEnvelope(WireModel):
    """The signed USB file a kiosk writes (``starkiosk export-upload``).

    ``signature`` is Ed25519 by the kiosk's device key over the canonical text of ``upload``:
    ``json.dumps(upload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` in UTF-8,
    whose SHA-256 is ``sha256``.
    """

    upload: OfflineUpload
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    device_id: Id | None = None
    device_public_key: str = Field(pattern=r"^[A-Za-z0-9+/]{43}=$")
    signature: str = Field(pattern=r"^[A-Za-z0-9+/]{86}==$")


def canonical_upload_text(upload: Any) -> bytes:
    """The bytes a kiosk signs for a USB export (see ``OfflineUploadEnvelope``)."""
    return json.dumps(upload, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def seal_upload(upload: dict[str, Any], key: Ed25519PrivateKey,
                device_id: int | None) -> dict[str, Any]:
    """The signed envelope for ``upload`` (a plain dict in the ``OfflineUpload`` shape)."""
    body = canonical_upload_text(upload)
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {
        "upload": upload,
        "sha256": hashlib.sha256(body).hexdigest(),
        "device_id": device_id,
        "device_public_key": base64.b64encode(pub).decode(),
        "signature": base64.b64encode(key.sign(body)).decode(),
    }
