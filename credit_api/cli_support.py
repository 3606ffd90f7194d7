"""What the ``credit-api`` command modules share: the error types, opening (and migrating)
the database, and printing one JSON object per line."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from sqlalchemy import Engine

from credit_api import config
from credit_api.db import make_engine, migrate


class CliError(Exception):
    """A plain sentence for standard error; exit status 1."""


class Refused(CliError):
    """An offline upload refused as a whole; ``reason`` is a stable word with its own exit
    status (``credit_api.cli_usb.REFUSED_EXIT``)."""

    def __init__(self, reason: str, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.reason = reason
        self.exit_code = exit_code


def engine(args: argparse.Namespace) -> Engine:
    url = args.db or config.default_db_url()
    eng = make_engine(url)
    try:
        migrate(eng)
    except Exception as exc:  # connection refused, bad URL, permissions …
        raise CliError(f"cannot open the database {config.mask_url(url)}: "
                       f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                       ) from exc
    return eng


def emit(out: TextIO, obj: Any) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
