"""The platform's pass-signing keys: generated and kept by the server, rotated by key id.

Private keys live in ``<data dir>/keys/signing-key-<id>.pem`` (mode 0600), or one key comes
from ``$STARKIOSK_CREDIT_SIGNING_KEY`` as ``<key id>:<base64 of the 32-byte Ed25519 seed>``.
The database holds the public halves: the trust list is every key not retired, plus retired
keys until the last pass they signed has expired.

Rotate with ``python -m credit_api.keys rotate [--db URL]`` (or :func:`rotate_key`).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection

from credit_api import config
from credit_api import db as t
from sync import passes
from sync.protocol import TrustKey


class KeyError_(RuntimeError):
    """A signing key problem an admin has to fix (missing or mismatched key file)."""


@dataclass(frozen=True)
class ActiveKey:
    key_id: int
    private: Ed25519PrivateKey


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


class KeyFiles:
    """Private keys on disk, readable by their owner only."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or config.data_dir() / "keys"

    def path(self, key_id: int) -> Path:
        return self.directory / f"signing-key-{key_id}.pem"

    def load(self, key_id: int) -> Ed25519PrivateKey | None:
        try:
            pem = self.path(key_id).read_bytes()
        except FileNotFoundError:
            return None
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyError_(f"{self.path(key_id)} is not an Ed25519 key")
        return key

    def save(self, key_id: int, key: Ed25519PrivateKey) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        path = self.path(key_id)
        if path.exists():
            raise KeyError_(f"{path} already exists; refusing to overwrite a signing key")
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        os.chmod(path, 0o600)
        return path


def key_from_env() -> ActiveKey | None:
    value = os.environ.get(config.SIGNING_KEY_ENV)
    if not value:
        return None
    try:
        kid_text, seed_b64 = value.strip().split(":", 1)
        kid = int(kid_text)
        seed = base64.b64decode(seed_b64, validate=True)
        if not 1 <= kid <= 255 or len(seed) != 32:
            raise ValueError
    except (ValueError, binascii.Error):
        raise KeyError_(
            f"${config.SIGNING_KEY_ENV} must be '<key id 1..255>:<base64 of a 32-byte seed>'"
        ) from None
    return ActiveKey(kid, Ed25519PrivateKey.from_private_bytes(seed))


def _retire_others(conn: Connection, keep: int, now: datetime) -> None:
    active = conn.execute(
        select(t.signing_keys.c.key_id).where(t.signing_keys.c.retired_at.is_(None),
                                              t.signing_keys.c.key_id != keep)
    ).scalars().all()
    for kid in active:
        last = conn.execute(
            select(func.max(t.passes.c.valid_until)).where(t.passes.c.key_id == kid)
        ).scalar()
        conn.execute(
            t.signing_keys.update().where(t.signing_keys.c.key_id == kid)
            .values(retired_at=now, not_after=max(last, now) if last else now)
        )


def _insert(conn: Connection, key: ActiveKey, now: datetime) -> None:
    conn.execute(t.signing_keys.insert().values(
        key_id=key.key_id, public_key=_b64(passes.public_key_raw(key.private)), created_at=now))


def current_key(conn: Connection, files: KeyFiles | None = None,
                now: datetime | None = None) -> ActiveKey:
    """The key new passes are signed with; the first call on a fresh database generates it."""
    now = now or t.now_utc()
    files = files or KeyFiles()
    env_key = key_from_env()
    rows = {r.key_id: r for r in conn.execute(select(t.signing_keys)).all()}
    if env_key is not None:
        pub = _b64(passes.public_key_raw(env_key.private))
        row = rows.get(env_key.key_id)
        if row is None:
            _insert(conn, env_key, now)
            _retire_others(conn, env_key.key_id, now)
        elif row.public_key != pub:
            raise KeyError_(f"${config.SIGNING_KEY_ENV} has key id {env_key.key_id}, but the "
                            "database holds a different public key for that id")
        elif row.retired_at is not None:
            raise KeyError_(f"key {env_key.key_id} from ${config.SIGNING_KEY_ENV} was retired; "
                            "give a new key id")
        return env_key
    active = [r for r in rows.values() if r.retired_at is None]
    if not active:
        kid = max(rows, default=0) + 1
        return _generate(conn, files, kid, now)
    row = max(active, key=lambda r: r.key_id)
    private = files.load(row.key_id)
    if private is None:
        raise KeyError_(f"signing key {row.key_id} is in the database but its file "
                        f"{files.path(row.key_id)} is missing (or set ${config.SIGNING_KEY_ENV})")
    if _b64(passes.public_key_raw(private)) != row.public_key:
        raise KeyError_(f"{files.path(row.key_id)} does not match key {row.key_id} in the database")
    return ActiveKey(row.key_id, private)


def _generate(conn: Connection, files: KeyFiles, kid: int, now: datetime) -> ActiveKey:
    if kid > 255:
        raise KeyError_("all 255 key ids are used")
    # A file without a database row is a key that was generated but never published (its
    # transaction rolled back): use it rather than leave it behind.
    private = files.load(kid)
    key = ActiveKey(kid, private or Ed25519PrivateKey.generate())
    if private is None:
        files.save(kid, key.private)
    _insert(conn, key, now)
    _retire_others(conn, kid, now)
    return key


def rotate_key(conn: Connection, files: KeyFiles | None = None,
               now: datetime | None = None) -> ActiveKey:
    """Start signing with a new key id; older keys stay trusted until their passes expire."""
    if key_from_env() is not None:
        raise KeyError_(f"the signing key comes from ${config.SIGNING_KEY_ENV}: put a new key "
                        "id and seed there to rotate")
    now = now or t.now_utc()
    files = files or KeyFiles()
    top = conn.execute(select(func.max(t.signing_keys.c.key_id))).scalar() or 0
    return _generate(conn, files, top + 1, now)


def trust_list(conn: Connection, now: datetime | None = None) -> list[TrustKey]:
    now = now or t.now_utc()
    rows = conn.execute(
        select(t.signing_keys).where(or_(t.signing_keys.c.retired_at.is_(None),
                                         t.signing_keys.c.not_after > now))
        .order_by(t.signing_keys.c.key_id)
    ).all()
    return [TrustKey(key_id=r.key_id, public_key=r.public_key,
                     not_after=r.not_after if r.retired_at is not None else None) for r in rows]


def public_keys(conn: Connection, now: datetime | None = None) -> dict[int, Ed25519PublicKey]:
    return {k.key_id: passes.public_key_from_raw(k.raw()) for k in trust_list(conn, now)}


def main(argv: list[str] | None = None) -> int:
    from credit_api.db import make_engine, migrate

    p = argparse.ArgumentParser(prog="python -m credit_api.keys",
                                description="manage the pass-signing keys")
    p.add_argument("action", choices=["rotate", "list"])
    p.add_argument("--db", default=None, metavar="URL")
    args = p.parse_args(argv)
    engine = make_engine(args.db or config.default_db_url())
    migrate(engine)
    try:
        with engine.begin() as conn:
            if args.action == "rotate":
                key = rotate_key(conn)
                print(f"now signing with key {key.key_id}")
            for k in trust_list(conn):
                until = f" (trusted until {k.not_after.isoformat()})" if k.not_after else ""
                print(f"key {k.key_id}{until}")
    except KeyError_ as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
