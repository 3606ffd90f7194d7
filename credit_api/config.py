"""Where the server keeps its files, and the database URL it uses by default."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "starkiosk-credit-api"
DATA_DIR_ENV = "STARKIOSK_CREDIT_DATA_DIR"
DB_ENV = "STARKIOSK_CREDIT_DB"
SIGNING_KEY_ENV = "STARKIOSK_CREDIT_SIGNING_KEY"


def data_dir() -> Path:
    """The server's data folder: ``$STARKIOSK_CREDIT_DATA_DIR`` or the platform's user data dir."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def default_db_url() -> str:
    """``$STARKIOSK_CREDIT_DB``, else a SQLite file in :func:`data_dir`."""
    env = os.environ.get(DB_ENV)
    if env:
        return env
    return f"sqlite:///{data_dir() / 'credit-api.sqlite3'}"


def mask_url(url: str) -> str:
    """A database URL without its password, for logs and messages."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
