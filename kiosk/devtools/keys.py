"""A signing key on disk for demos and tests: ``private_key.pem`` (owner-only) and ``key.json``."""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import passes
from sync.passes import PassData, Role
from sync.protocol import TrustKey


@dataclass(frozen=True)
class SigningKey:
    key_id: int
    private: Ed25519PrivateKey

    def trust_key(self) -> TrustKey:
        raw = passes.public_key_raw(self.private)
        return TrustKey(key_id=self.key_id, public_key=base64.b64encode(raw).decode("ascii"))

    def issue(
        self,
        parent_id: int,
        *,
        role: Role = Role.PARENT,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
        pass_id: int | None = None,
    ) -> tuple[str, int]:
        """Sign a pass; returns (text, pass id).  Defaults: valid from now for 365 days."""
        start = valid_from or datetime.now(UTC) - timedelta(minutes=1)
        end = valid_until or start + timedelta(days=365)
        pid = pass_id if pass_id is not None else new_pass_id()
        data = PassData(self.key_id, pid, parent_id, role, start, end)
        return passes.sign(data, self.private), pid


def new_pass_id() -> int:
    return secrets.randbelow(2**32 - 1) + 1


def keygen(out: Path, key_id: int = 1) -> SigningKey:
    out.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path = out / "private_key.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.chmod(path, 0o600)
    signing = SigningKey(key_id, key)
    (out / "key.json").write_text(json.dumps(signing.trust_key().model_dump(mode="json")) + "\n")
    return signing


def load_key(directory: Path) -> SigningKey:
    try:
        meta = json.loads((directory / "key.json").read_text())
        pem = (directory / "private_key.pem").read_bytes()
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"no key in {directory}: run `python -m kiosk.devtools keygen --out {directory}` first"
        ) from exc
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{directory}/private_key.pem is not an Ed25519 key")
    return SigningKey(int(meta["key_id"]), key)
