"""What every ``starkiosk`` verb shares: exit codes, the error the entry point prints, opening
the store, one JSON line per result."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from kiosk.config import Config
from kiosk.core.store import Store, StoreError

EXIT_USAGE = 2
EXIT_DATA = 3


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def open_store(cfg: Config) -> Store:
    try:
        return Store(cfg.db_path)
    except StoreError as exc:
        raise CliError(str(exc), EXIT_DATA) from exc
    except OSError as exc:
        raise CliError(f"cannot use the data folder {cfg.data_dir}: {exc}", EXIT_DATA) from exc


def emit(out: TextIO, obj: dict[str, Any]) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    out.flush()


def lang(args: argparse.Namespace, cfg: Config) -> str:
    return getattr(args, "lang", None) or cfg.get("language")
