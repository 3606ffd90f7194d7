"""Signing keys on their own database: generation, file permissions, env key, rotation."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from credit_api import config
from credit_api import keys as keyring
from credit_api.db import make_engine, migrate
from sync import passes


@pytest.fixture
def engine(tmp_path: Path):
    e = make_engine(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    migrate(e)
    yield e
    e.dispose()


def test_first_key_is_generated_owner_only(engine, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.SIGNING_KEY_ENV, raising=False)
    files = keyring.KeyFiles(tmp_path / "keys")
    with engine.begin() as conn:
        key = keyring.current_key(conn, files)
        again = keyring.current_key(conn, files)
        trust = keyring.trust_list(conn)
    assert key.key_id == again.key_id == 1
    assert passes.public_key_raw(key.private) == passes.public_key_raw(again.private)
    assert os.stat(files.path(1)).st_mode & 0o777 == 0o600
    assert os.stat(files.directory).st_mode & 0o777 == 0o700
    assert [k.key_id for k in trust] == [1] and trust[0].not_after is None
    assert base64.b64decode(trust[0].public_key) == passes.public_key_raw(key.private)


def test_missing_or_wrong_key_file_is_a_clear_error(engine, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.SIGNING_KEY_ENV, raising=False)
    files = keyring.KeyFiles(tmp_path / "keys")
    with engine.begin() as conn:
        keyring.current_key(conn, files)
    other = keyring.KeyFiles(tmp_path / "elsewhere")
    with engine.begin() as conn, pytest.raises(keyring.KeyError_, match="missing"):
        keyring.current_key(conn, other)
    wrong = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8,
                                                       NoEncryption())
    other.directory.mkdir()
    other.path(1).write_bytes(wrong)
    with engine.begin() as conn, pytest.raises(keyring.KeyError_, match="does not match"):
        keyring.current_key(conn, other)


def test_key_from_environment(engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = keyring.KeyFiles(tmp_path / "keys")
    monkeypatch.delenv(config.SIGNING_KEY_ENV, raising=False)
    with engine.begin() as conn:
        first = keyring.current_key(conn, files)
        conn.execute(__import__("credit_api.db", fromlist=["passes"]).passes.insert().values(
            pass_id=7, holder_id=1, role="parent", key_id=first.key_id,
            valid_from=datetime.now(UTC), valid_until=datetime.now(UTC) + timedelta(days=3),
            issued_at=datetime.now(UTC)))
    seed = os.urandom(32)
    monkeypatch.setenv(config.SIGNING_KEY_ENV, f"9:{base64.b64encode(seed).decode()}")
    with engine.begin() as conn:
        env_key = keyring.current_key(conn, files)
        trust = {k.key_id: k for k in keyring.trust_list(conn)}
    assert env_key.key_id == 9
    assert passes.public_key_raw(env_key.private) == passes.public_key_raw(
        Ed25519PrivateKey.from_private_bytes(seed))
    assert not files.path(9).exists()  # an env key never touches the disk
    assert trust[9].not_after is None
    assert trust[1].not_after is not None  # retired, trusted until its pass expires
    with engine.begin() as conn, pytest.raises(keyring.KeyError_, match="comes from"):
        keyring.rotate_key(conn, files)
    monkeypatch.setenv(config.SIGNING_KEY_ENV, f"9:{base64.b64encode(os.urandom(32)).decode()}")
    with engine.begin() as conn, pytest.raises(keyring.KeyError_, match="different public key"):
        keyring.current_key(conn, files)
    for bad in ("nonsense", "0:AAAA", "300:" + base64.b64encode(seed).decode(), "1:%%%"):
        monkeypatch.setenv(config.SIGNING_KEY_ENV, bad)
        with pytest.raises(keyring.KeyError_):
            keyring.key_from_env()


def test_keys_module_rotates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(config.SIGNING_KEY_ENV, raising=False)
    monkeypatch.setenv(config.DATA_DIR_ENV, str(tmp_path))
    db = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    assert keyring.main(["list", "--db", db]) == 0
    assert keyring.main(["rotate", "--db", db]) == 0
    assert keyring.main(["rotate", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "now signing with key 2" in out
    assert out.rstrip().endswith("key 2")  # key 1 signed nothing, so it left the trust list
    assert (tmp_path / "keys" / "signing-key-2.pem").exists()


def test_sqlite_database_file_is_owner_only(tmp_path: Path) -> None:
    e = make_engine(f"sqlite:///{tmp_path / 'sub' / 'db.sqlite3'}")
    migrate(e)
    e.dispose()
    assert os.stat(tmp_path / "sub" / "db.sqlite3").st_mode & 0o777 == 0o600
