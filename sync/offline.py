"""The USB-stick contract between a kiosk and the platform, for sites that are never online.

Three files travel by hand: the **site bundle** (platform → kiosk: classes, registrations, keys,
revocations; ``starkiosk import-bundle``), the **offline upload** (kiosk → platform: records and
close-outs signed by the kiosk's device key; ``starkiosk export-upload`` → ``credit-api
import-upload``) and the **receipt** (platform → kiosk: the per-record answers; ``starkiosk
import-receipt``).  Both sides import this module; docs/protocol.md describes each field.

What the platform sends on a stick (the bundle, the receipt) travels as a **signed document**:
:func:`sign_document` wraps it with an Ed25519 signature by one of the platform's keys (the
pass-signing keys of the trust list, by key id), and :func:`open_document` gives the document
back only when that signature verifies with a key the kiosk already trusts.  The signed text
names the document's kind, so a receipt can never pass for a bundle.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import AwareDatetime, Field, ValidationError

from sync.protocol import (
    CloseoutRequest,
    Id,
    SiteBundle,
    TrustKey,
    UploadRecord,
    WireModel,
)

MAX_BUNDLE_BYTES = 200 * 1024 * 1024
RECEIPT_FORMAT = "starkiosk-upload-receipt"
SIGNED_FORMAT = "starkiosk-signed"
SIGNED_DOMAIN = b"starkiosk-signed-v1\x00"
KIND_BUNDLE = "site-bundle"
KIND_RECEIPT = "upload-receipt"


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


class BundleError(ValueError):
    """The file is not a usable site bundle; the message says what is wrong."""


def write_bundle(bundle: SiteBundle, path: Path) -> None:
    """An UNSIGNED bundle file, which a kiosk refuses (``not_signed``); use
    :func:`write_signed_bundle` for a file a kiosk imports."""
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


# -- Signed documents (platform → kiosk) ----------------------------------------------------------


class SignedFileError(ValueError):
    """A signed document that cannot be trusted; ``reason`` is a stable word:

    ``not_signed`` (no signature envelope at all), ``wrong_kind`` (a signed file of another kind),
    ``unknown_key`` (signed by a key this kiosk does not trust), ``bad_signature`` (changed after
    signing, or forged).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def key_fingerprint(public_raw: bytes) -> str:
    """A platform key as a person compares it, on paper or a screen: ``3F2A-9C01-77B4-E5D0``.

    The first 8 bytes of SHA-256 over the raw 32-byte Ed25519 public key, in four groups.
    """
    digest = hashlib.sha256(public_raw).hexdigest()[:16].upper()
    return "-".join(digest[i:i + 4] for i in range(0, 16, 4))


def signed_text(kind: str, document: Any) -> bytes:
    """The bytes a platform key signs: domain ‖ kind ‖ NUL ‖ the document's canonical text."""
    return SIGNED_DOMAIN + kind.encode("ascii") + b"\x00" + canonical_upload_text(document)


def sign_document(document: Any, kind: str, key: Ed25519PrivateKey, key_id: int) -> dict[str, Any]:
    """Wrap a JSON-able ``document`` (plain dicts and lists) in a signature by ``key``."""
    return {"format": SIGNED_FORMAT, "kind": kind, "key_id": key_id, "document": document,
            "signature": base64.b64encode(key.sign(signed_text(kind, document))).decode()}


def open_document(envelope: Any, kind: str, trusted: Mapping[int, Ed25519PublicKey]) -> Any:
    """The document inside ``envelope`` (parsed JSON), once its signature verifies.

    ``trusted`` maps key ids to the platform keys this kiosk already trusts (its trust list).
    Raises :class:`SignedFileError`; never returns an unverified document.
    """
    if not (isinstance(envelope, dict) and envelope.get("format") == SIGNED_FORMAT
            and "document" in envelope):
        raise SignedFileError("not_signed", "the file is not signed by the platform")
    if envelope.get("kind") != kind:
        raise SignedFileError("wrong_kind", f"the file is a signed {envelope.get('kind')!r}, "
                                            f"not a {kind}")
    key_id = envelope.get("key_id")
    key = trusted.get(key_id) if isinstance(key_id, int) else None
    if key is None:
        raise SignedFileError("unknown_key", f"the file is signed with platform key {key_id!r}, "
                                             "which this kiosk does not trust")
    try:
        key.verify(base64.b64decode(str(envelope.get("signature")), validate=True),
                   signed_text(kind, envelope["document"]))
    except (InvalidSignature, ValueError):
        raise SignedFileError("bad_signature", "the file's signature does not verify: it was "
                                               "changed after the platform signed it") from None
    return envelope["document"]


def signed_bundle(bundle: SiteBundle, key: Ed25519PrivateKey, key_id: int) -> dict[str, Any]:
    """The site bundle as the platform writes it to a stick."""
    return sign_document(json.loads(bundle.model_dump_json()), KIND_BUNDLE, key, key_id)


def write_signed_bundle(bundle: SiteBundle, path: Path, key: Ed25519PrivateKey,
                        key_id: int) -> None:
    """Write the signed bundle file (a temporary name first, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(signed_bundle(bundle, key, key_id), ensure_ascii=False),
                   encoding="utf-8")
    tmp.replace(path)


def open_bundle(envelope: Any, trusted: Mapping[int, Ed25519PublicKey]) -> SiteBundle:
    """A verified site bundle (:class:`SignedFileError`, or :class:`BundleError` if the signed
    document is not a valid bundle)."""
    document = open_document(envelope, KIND_BUNDLE, trusted)
    try:
        return SiteBundle.model_validate(document)
    except ValidationError as exc:
        raise BundleError("the signed file is not a valid site bundle; nothing was imported.\n"
                          + describe_validation_error(exc)) from exc


class UploadReceipt(WireModel):
    """The platform's answer to one offline upload (``credit-api import-upload``), signed.

    It names the device and the upload (the envelope's ``sha256``), so a kiosk acknowledges only
    records it really exported in that upload.
    """

    format: Literal["starkiosk-upload-receipt"]
    device_id: Id
    upload_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    imported_at: AwareDatetime
    results: list[dict[str, Any]] = Field(max_length=1_000_000)
    closeouts: list[dict[str, Any]] = Field(default=[], max_length=10_000)


class OfflineFileError(ValueError):
    """A file from a stick that cannot be read as JSON; the message says why."""


class ReceiptError(ValueError):
    """A signed document that is not a valid upload receipt."""


def open_receipt(envelope: Any, trusted: Mapping[int, Ed25519PublicKey]) -> UploadReceipt:
    """A verified upload receipt (:class:`SignedFileError`, or :class:`ReceiptError` if the
    signed document is not a valid receipt)."""
    document = open_document(envelope, KIND_RECEIPT, trusted)
    try:
        return UploadReceipt.model_validate(document)
    except ValidationError as exc:
        raise ReceiptError("the signed file is not a valid upload receipt.\n"
                           + describe_validation_error(exc)) from exc


# -- The kiosk's side: reading what came on a stick ----------------------------------------------


def read_json_file(path: Path, max_bytes: int = MAX_BUNDLE_BYTES) -> Any:
    """The parsed JSON of a file from a stick (a UTF-8 BOM is allowed), or
    :class:`OfflineFileError`."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise OfflineFileError(f"{path} is {size} bytes; at most {max_bytes} are read")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise OfflineFileError(f"{path} does not exist") from exc
    except IsADirectoryError as exc:
        raise OfflineFileError(f"{path} is a folder, not a file") from exc
    except OSError as exc:
        raise OfflineFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:
        raise OfflineFileError(f"{path} is not JSON ({exc})") from exc


def bundle_signer(envelope: Any) -> tuple[int, bytes] | None:
    """The key a signed bundle *says* it is signed with, as the (still unverified) bundle itself
    lists it: (key id, raw public key), or None.

    Only for the first bundle of a kiosk that trusts no key yet: the caller compares that key's
    :func:`key_fingerprint` with one a person read off the platform, then verifies the bundle
    with that key (:func:`open_bundle`).  Never trust the key without that comparison.
    """
    if not (isinstance(envelope, dict) and envelope.get("format") == SIGNED_FORMAT
            and envelope.get("kind") == KIND_BUNDLE and isinstance(envelope.get("document"), dict)):
        return None
    key_id = envelope.get("key_id")
    keys = envelope["document"].get("keys")
    if not isinstance(key_id, int) or not isinstance(keys, list):
        return None
    for item in keys:
        try:
            key = TrustKey.model_validate(item)
        except ValidationError:
            continue
        if key.key_id == key_id:
            return key_id, key.raw()
    return None


def same_fingerprint(a: str, b: str) -> bool:
    """Two key fingerprints are the same, however a person typed them (case, spaces, dashes)."""
    def norm(text: str) -> str:
        return "".join(c for c in text.upper() if c.isalnum())
    return len(norm(a)) == 16 and norm(a) == norm(b)


def document_sha256(envelope: Mapping[str, Any]) -> str:
    """SHA-256 of the text a signed document's signature covers: the same document has the
    same digest however the file was re-indented (a receipt is applied once)."""
    return hashlib.sha256(signed_text(str(envelope.get("kind")), envelope.get("document"))
                          ).hexdigest()

