"""Where the kiosk keeps its enrolment: the API address, the device id and the device token.

The token goes to the operating system's keyring when one is available (Windows Credential
Manager, Secret Service on a Linux desktop); otherwise into ``device.json`` readable by its owner
only.  The rest of the enrolment always lives in ``device.json``.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from kiosk.core.files import private_dir

log = logging.getLogger(__name__)

FILENAME = "device.json"
KEYRING_SERVICE = "starkiosk"


class CredentialsError(ValueError):
    """``device.json`` (or the token it points to) cannot be used; the message says what to do."""


@dataclass
class Credentials:
    api_url: str
    device_id: int
    venue_id: int
    token: str
    ca_bundle: str | None = None


def _keyring():  # type: ignore[no-untyped-def]
    if os.environ.get("STARKIOSK_NO_KEYRING"):
        return None
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        if isinstance(keyring.get_keyring(), fail.Keyring):
            return None
    except Exception:  # a broken desktop keyring must not stop the kiosk
        return None
    return keyring


def _write_private(path: Path, text: str) -> None:
    private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def save(data_dir: Path, creds: Credentials) -> str:
    """Store the enrolment; returns where the token went ("keyring" or the file path)."""
    record = asdict(creds)
    where = str(data_dir / FILENAME)
    kr = _keyring()
    if kr is not None:
        try:
            kr.set_password(KEYRING_SERVICE, f"device-{creds.device_id}", creds.token)
            record["token"] = None
            record["token_in_keyring"] = True
            where = "keyring"
        except Exception as exc:
            log.warning("keyring unavailable (%s); keeping the token in %s", exc, where)
    _write_private(data_dir / FILENAME, json.dumps(record, indent=1))
    return where


def _damaged(path: Path, why: object) -> CredentialsError:
    return CredentialsError(
        f"{path} (this kiosk's enrolment) is damaged ({why}). Put back a copy of it from a "
        "backup of the data folder, or enrol the kiosk again with a new code from the platform "
        "(`starkiosk enrol URL CODE`); the records on this kiosk are kept either way.")


def _field(path: Path, record: dict, key: str, kind: type, *, optional: bool = False):  # type: ignore[no-untyped-def]
    value = record.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or isinstance(value, bool) or value == "":
        raise _damaged(path, f"{key!r} is missing or not a {kind.__name__}")
    return value


def load(data_dir: Path) -> Credentials | None:
    """The enrolment, or None when this kiosk is not enrolled.  Raises CredentialsError (a
    ValueError) when ``device.json`` is unreadable, not an enrolment, or its token is gone."""
    path = data_dir / FILENAME
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise _damaged(path, exc) from exc
    if not isinstance(record, dict):
        raise _damaged(path, "not a JSON object")
    api_url = _field(path, record, "api_url", str)
    device_id = _field(path, record, "device_id", int)
    venue_id = _field(path, record, "venue_id", int)
    ca_bundle = _field(path, record, "ca_bundle", str, optional=True)
    if record.get("token_in_keyring"):
        kr = _keyring()
        token = kr.get_password(KEYRING_SERVICE, f"device-{device_id}") if kr else None
        if not token:
            raise CredentialsError("the device token is missing from the keyring; enrol the "
                                   "kiosk again (`starkiosk enrol URL CODE`)")
    else:
        token = _field(path, record, "token", str)
    return Credentials(api_url=api_url, device_id=device_id, venue_id=venue_id, token=token,
                       ca_bundle=ca_bundle)


def device_key(data_dir: Path):  # type: ignore[no-untyped-def]
    """The kiosk's own Ed25519 key (signs USB exports); made on first use, owner-only."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = data_dir / "device_key.pem"
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 key")
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    _write_private(path, pem.decode("ascii"))
    return key


def device_public_key_b64(data_dir: Path) -> str:
    import base64

    from cryptography.hazmat.primitives import serialization

    pub = device_key(data_dir).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(pub).decode("ascii")
